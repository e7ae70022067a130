"""Helpers for BlobDecode, KeyImport and KeyExport cases."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from vectorgen.common import Blob, Case, Json, error, hx, invalid, valid


def ok(
    name: str,
    comment: str,
    blob: Blob,
    flags: Iterable[str] = (),
    *,
    lenient: Json | None = None,
) -> Case:
    """A blob that decodes to ``blob``'s fields."""
    data: Json = {"blob": hx(blob.data), **blob.decoded()}
    if lenient is not None:
        data["lenient"] = lenient
    return valid(name, comment, flags, **data)


def bad(
    name: str,
    comment: str,
    flags: Iterable[str],
    data: bytes,
    cls: str,
    rule: str,
    offset: int | None,
    field: str | None,
    *,
    hint: str | None = None,
    lenient: Json | None = None,
) -> Case:
    """Bytes a strict decoder rejects with this error, at this offset and field."""
    extra: dict[str, Any] = {}
    if hint is not None:
        extra["hint"] = hint
    if lenient is not None:
        extra["lenient"] = lenient
    return invalid(
        name,
        comment,
        flags,
        error(cls, rule, offset=offset, field=field, **extra),
        blob=hx(data),
    )


def tolerated(canonical: bytes, kind: str, offset: int, rule: str) -> Json:
    """What lenient decoding (SPEC §13) returns and records."""
    return {
        "result": "valid",
        "canonical": hx(canonical),
        "tolerated": [{"kind": kind, "offset": offset, "rule": rule}],
    }


def still_invalid(cls: str, rule: str, offset: int | None, field: str | None) -> Json:
    """Lenient decoding rejects the input too."""
    return {
        "result": "invalid",
        "error": cls,
        "rule": rule,
        "offset": offset,
        "field": field,
    }
