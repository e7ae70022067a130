# SPDX-License-Identifier: Apache-2.0
"""The envelope's strict decoder (SPEC §16.2, §16.6.2).

Bytes become a structurally valid, not yet verified envelope, or a located
``ParseError``.

Every length is bounded and checked against the input before it is used; the
signature is checked by :func:`blobformat.envelope.open_sealed`, not here.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from typing import Final, NoReturn

from blobformat.codec import wire as _wire
from blobformat.codec.decode import as_bytes, parse
from blobformat.codec.models import SimpleBlob
from blobformat.constants import BlobType
from blobformat.envelope.format import (
    _MAX_BLOB,
    _MAX_SIGNATURE,
    _MIN_BLOB,
    _MIN_SIGNATURE,
    _PADDING_OAEP,
    _PADDING_PKCS1,
    _RESERVED_SUITES,
    _WHAT,
    MAX_ENVELOPE_SIZE,
    MAX_RECIPIENTS,
    SUITE_CAPI_RSA_PKCS1V15_SHA256,
    VERSION,
    EnvelopeEntry,
    Role,
)
from blobformat.envelope.schema import ENTRY, HEADER, MAGIC, TRAILER
from blobformat.errors import (
    InvalidFieldError,
    ParseError,
    TrailingDataError,
    TruncatedError,
    UnsupportedBlobError,
)

# -- parsing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Parsed:
    """A structurally valid envelope, not yet verified."""

    suite: int
    generation: int
    signer_key_id: bytes
    label: str
    entries: tuple[EnvelopeEntry, ...]
    signature_length_offset: int
    signature_offset: int
    signature: bytes


def _invalid(
    message: str,
    *,
    offset: int,
    field: str,
    rule: str,
    expected: str | None = None,
    actual: str | None = None,
) -> NoReturn:
    raise InvalidFieldError(
        message, expected=expected, actual=actual, offset=offset, field=field, rule=rule
    )


def _int(values: dict[str, _wire.Value], name: str) -> int:
    value = values[name]
    if not isinstance(value, int):  # pragma: no cover - the schema reads ints here
        raise TypeError(name)
    return value


def _bytes(values: dict[str, _wire.Value], name: str) -> bytes:
    value = values[name]
    if not isinstance(value, bytes):  # pragma: no cover - the schema reads bytes here
        raise TypeError(name)
    return value


def _check_length(
    p: _wire.Plan, size: int, base: int, prefix: str, *, allow_trailing: bool
) -> None:
    """Compare a plan placed at ``base`` with the input, before reading it."""
    try:
        _wire.check_length(
            p, size - base, rule="ENV-1", what=_WHAT, allow_trailing=allow_trailing
        )
    except TruncatedError as err:
        needed = err.needed + base
        raise TruncatedError(
            f"{_WHAT}: input ends inside a field ({needed} bytes needed, {size} given)",
            needed=needed,
            available=size,
            offset=(err.offset or 0) + base,
            field=prefix + (err.field or ""),
            rule="ENV-1",
        ) from None
    except TrailingDataError as err:
        raise TrailingDataError(
            f"{_WHAT}: {err.extra} unexpected bytes after the signature",
            extra=err.extra,
            offset=(err.offset or 0) + base,
            rule="ENV-1",
        ) from None


def _sniff(data: bytes) -> str | None:
    """A hint for input that is not an envelope."""
    if data.startswith(b"-----BEGIN"):
        return "the input looks like PEM"
    if len(data) >= 2 and data[1] == 2 and data[0] == BlobType.SIMPLEBLOB:
        return "the input looks like a bare SIMPLEBLOB, which is not signed"
    if len(data) >= 2 and data[1] == 2 and data[0] == BlobType.PLAINTEXTKEYBLOB:
        return "the input looks like a PLAINTEXTKEYBLOB (a key in clear)"
    return None


def _decode_label(raw: bytes, offset: int) -> str:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as err:
        _invalid(
            "label is not valid UTF-8",
            offset=offset + err.start,
            field="label",
            rule="ENV-6",
        )
    index = _control_index(text)
    if index is not None:
        _invalid(
            f"label contains control character U+{ord(text[index]):04X}",
            offset=offset + len(text[:index].encode("utf-8")),
            field="label",
            rule="ENV-6",
        )
    return text


def _control_index(text: str) -> int | None:
    """Index of the first C0, DEL or C1 control character in ``text``, or None."""
    for index, ch in enumerate(text):
        if unicodedata.category(ch) == "Cc":
            return index
    return None


def _check_size(size: int) -> None:
    """The total cap of ENV-1, applied before the input is copied or read."""
    if size > MAX_ENVELOPE_SIZE:
        raise TrailingDataError(
            f"{_WHAT}: input of {size} bytes is longer than any envelope "
            f"({MAX_ENVELOPE_SIZE} bytes at most)",
            extra=size - MAX_ENVELOPE_SIZE,
            offset=MAX_ENVELOPE_SIZE,
            rule="ENV-1",
        )


def _envelope_bytes(data: object) -> bytes:
    """The input as bytes, refusing oversized input before copying it."""
    if isinstance(data, bytes | bytearray | memoryview):
        _check_size(memoryview(data).nbytes)
    return as_bytes(data)


def _parse_header(data: bytes) -> tuple[dict[str, _wire.Value], dict[str, int], int]:
    size = len(data)
    _check_size(size)
    if size >= len(MAGIC) and data[: len(MAGIC)] != MAGIC:
        raise UnsupportedBlobError(
            "not a blobformat envelope (bad magic)",
            offset=0,
            field="magic",
            rule="ENV-2",
            hint=_sniff(data),
        )
    prefix = _wire.prefix_plan(HEADER)
    _check_length(prefix, size, 0, "", allow_trailing=True)
    values = _wire.read(prefix, data, {}, const_rule="ENV-2")
    offsets = dict(prefix.offsets())
    version = _int(values, "version")
    if version != VERSION:
        raise UnsupportedBlobError(
            f"envelope version {version} is not supported (this implementation reads {VERSION})",
            offset=offsets["version"],
            field="version",
            rule="ENV-3",
        )
    suite = _int(values, "suite")
    if suite == 0:
        _invalid(
            "suite 0 is reserved as invalid: an envelope is always signed",
            offset=offsets["suite"],
            field="suite",
            rule="ENV-4",
            expected=str(SUITE_CAPI_RSA_PKCS1V15_SHA256),
            actual="0",
        )
    if suite != SUITE_CAPI_RSA_PKCS1V15_SHA256:
        known = _RESERVED_SUITES.get(suite)
        detail = f" ({known}: reserved, not implemented)" if known else " (unassigned)"
        raise UnsupportedBlobError(
            f"signature suite 0x{suite:04X}{detail} is not supported",
            offset=offsets["suite"],
            field="suite",
            rule="ENV-5",
        )
    count = _int(values, "recipient_count")
    if not 1 <= count <= MAX_RECIPIENTS:
        _invalid(
            "recipient count out of range",
            offset=offsets["recipient_count"],
            field="recipient_count",
            rule="ENV-7",
            expected=f"1..{MAX_RECIPIENTS}",
            actual=str(count),
        )
    full = _wire.plan(HEADER, {"label_length": _int(values, "label_length")})
    _check_length(full, size, 0, "", allow_trailing=True)
    _wire.read(full, data, values)
    offsets = dict(full.offsets())
    return values, offsets, full.end


def _parse_entry(
    data: bytes, base: int, index: int, previous: list[EnvelopeEntry]
) -> tuple[EnvelopeEntry, int]:
    size = len(data)
    path = f"entries[{index}]."
    head = _wire.prefix_plan(ENTRY)
    _check_length(head, size, base, path, allow_trailing=True)
    values = _wire.read(head, data[base : base + head.end], {})
    at = {name: base + off for name, off in head.offsets().items()}

    role = _int(values, "role")
    if role not in (Role.OWNER, Role.BACKUP):
        _invalid(
            "unknown recipient role",
            offset=at["role"],
            field=path + "role",
            rule="ENV-8",
            expected="1 (owner) or 2 (backup)",
            actual=str(role),
        )
    if index == 0 and role != Role.OWNER:
        _invalid(
            "the first entry must be the owner's (exactly one owner entry, first)",
            offset=at["role"],
            field=path + "role",
            rule="ENV-12",
            expected="1 (owner)",
            actual=str(role),
        )
    if index > 0 and role != Role.BACKUP:
        _invalid(
            "only the first entry may be the owner's (exactly one owner entry)",
            offset=at["role"],
            field=path + "role",
            rule="ENV-12",
            expected="2 (backup)",
            actual=str(role),
        )
    padding_code = _int(values, "padding")
    if padding_code not in (_PADDING_PKCS1, _PADDING_OAEP):
        _invalid(
            "unknown padding mode",
            offset=at["padding"],
            field=path + "padding",
            rule="ENV-9",
            expected="1 (PKCS#1 v1.5) or 2 (OAEP)",
            actual=str(padding_code),
        )
    blob_length = _int(values, "blob_length")
    if not _MIN_BLOB <= blob_length <= _MAX_BLOB:
        _invalid(
            "SIMPLEBLOB length out of range (an RSA key of 2048..16384 bits)",
            offset=at["blob_length"],
            field=path + "blob_length",
            rule="ENV-10",
            expected=f"{_MIN_BLOB}..{_MAX_BLOB}",
            actual=str(blob_length),
        )
    key_id = _bytes(values, "recipient_key_id")
    if any(entry.recipient_key_id == key_id for entry in previous):
        _invalid(
            "two entries are wrapped to the same key",
            offset=at["recipient_key_id"],
            field=path + "recipient_key_id",
            rule="ENV-13",
        )
    if index >= 2 and key_id < previous[-1].recipient_key_id:
        _invalid(
            "backup entries are not in ascending order of recipient_key_id",
            offset=at["recipient_key_id"],
            field=path + "recipient_key_id",
            rule="ENV-13",
        )

    full = _wire.plan(ENTRY, {"blob_length": blob_length})
    _check_length(full, size, base, path, allow_trailing=True)
    blob_at = base + full.offsets()["blob"]
    blob = data[blob_at : blob_at + blob_length]
    if blob[0] != BlobType.SIMPLEBLOB:
        # A PLAINTEXTKEYBLOB or PRIVATEKEYBLOB would put a secret in clear.
        kind = BlobType(blob[0]).name if blob[0] in _BLOB_TYPES else f"0x{blob[0]:02X}"
        _invalid(
            "an envelope entry must hold a SIMPLEBLOB",
            offset=blob_at,
            field=path + "blob.header.blob_type",
            rule="ENV-11",
            expected="0x01 (SIMPLEBLOB)",
            actual=kind,
        )
    try:
        model = parse(blob)
    except ParseError as err:
        raise err.relocated(blob_at, path + "blob") from None
    if not isinstance(model, SimpleBlob):  # pragma: no cover - bType checked above
        raise TypeError("SIMPLEBLOB expected")
    if previous and model.key_alg != previous[0].blob.key_alg:
        _invalid(
            "entries wrap different session-key algorithms",
            offset=blob_at + 4,
            field=path + "blob.header.key_alg",
            rule="ENV-14",
            expected=previous[0].blob.key_alg.name,
            actual=model.key_alg.name,
        )
    entry = EnvelopeEntry(
        role=Role(role),
        oaep=padding_code == _PADDING_OAEP,
        recipient_key_id=key_id,
        blob=model,
    )
    return entry, base + full.end


_BLOB_TYPES: Final = {int(t) for t in BlobType}


def _parse(data: bytes) -> _Parsed:
    """Strict structural parse (SPEC §16.6.2 steps 1-7); no RSA operation."""
    values, offsets, pos = _parse_header(data)
    label = _decode_label(_bytes(values, "label"), offsets["label"])
    entries: list[EnvelopeEntry] = []
    for index in range(_int(values, "recipient_count")):
        entry, pos = _parse_entry(data, pos, index, entries)
        entries.append(entry)

    size = len(data)
    head = _wire.prefix_plan(TRAILER)
    _check_length(head, size, pos, "", allow_trailing=True)
    trailer = _wire.read(head, data[pos : pos + head.end], {})
    length = _int(trailer, "signature_length")
    if not _MIN_SIGNATURE <= length <= _MAX_SIGNATURE:
        _invalid(
            "signature length out of range (an RSA key of 2048..16384 bits)",
            offset=pos,
            field="signature_length",
            rule="ENV-15",
            expected=f"{_MIN_SIGNATURE}..{_MAX_SIGNATURE}",
            actual=str(length),
        )
    full = _wire.plan(TRAILER, {"signature_length": length})
    _check_length(full, size, pos, "", allow_trailing=False)
    signature_offset = pos + full.offsets()["signature"]
    return _Parsed(
        suite=_int(values, "suite"),
        generation=_int(values, "generation"),
        signer_key_id=_bytes(values, "signer_key_id"),
        label=label,
        entries=tuple(entries),
        signature_length_offset=pos,
        signature_offset=signature_offset,
        signature=data[signature_offset:],
    )
