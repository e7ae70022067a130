# SPDX-License-Identifier: Apache-2.0
"""The scanner's candidate table: one row per registered kind (SPEC Appendix F).

A row is data: the kind's stable name, the magic bytes the finder searches
for, where that magic sits relative to the start of the blob, the model
class (whose template and prefix rules size and pre-check a candidate) and
the function that parses it. The rows derive from the codec's registry
(:mod:`blobformat.codec.registry`): a kind registered there, the CNG blobs
included, is scanned for without a change here. A framed kind without a
magic is found by its BLOBHEADER's first four bytes, an opaque kind by its
``bType``.

Sizing a candidate never compiles anything: the codec's template gives the
prefix's values and the length the parameters imply (generated once per
layout).
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from blobformat.codec import cng as _cng
from blobformat.codec import registry as _registry
from blobformat.codec import wire as _wire
from blobformat.codec.decode import parse
from blobformat.codec.model_base import _Model
from blobformat.codec.models import (
    AnyBlob,
    DHPrivateKeyBlob,
    DHPrivateKeyBlobV3,
    DHPublicKeyBlobV3,
    DSSPrivateKeyBlob,
    DSSPrivateKeyBlobV3,
    DSSPublicKeyBlob,
    DSSPublicKeyBlobV3,
    PVKFile,
    RSAPrivateKeyBlob,
    RSAPublicKeyBlob,
    SimpleBlob,
    SymmetricWrapKeyBlob,
)
from blobformat.errors import ParseError

__all__ = ["NAME_OF", "OPAQUE_MAX_BODY", "ROWS", "KindSpec", "Parser", "Precheck"]

#: Parse one candidate's bytes: ``parse(data, lenient)``.
Parser = Callable[[bytes, bool], AnyBlob]

#: Body bytes an opaque kind may span: its layout has no maximum (SPEC §11).
OPAQUE_MAX_BODY = 4096


def _parse(data: bytes, lenient: bool) -> AnyBlob:
    return parse(data, lenient=lenient)


def _nbytes(bits: int) -> int:
    return (bits + 7) // 8


#: For open-ended layouts: the unit the rest's length comes in (SPEC §10: SWK-3).
_REST_STEP: Mapping[type[_Model], int] = {SymmetricWrapKeyBlob: 8}
#: For open-ended layouts: the fewest bytes the rest may have (SMP-3, SWK-3).
_REST_MIN: Mapping[type[_Model], int] = {SimpleBlob: 48, SymmetricWrapKeyBlob: 24}

#: A view of the scanned bytes, and a candidate's start and end in it.
Precheck = Callable[[memoryview, int, int], bool]
_LOW64 = (1 << 64) - 1
_U32 = struct.Struct("<I").unpack_from
_U64 = struct.Struct("<Q").unpack_from


def _rsa_public_ok(buf: memoryview, start: int, end: int) -> bool:
    """[KEY-1] on the low byte: n is odd."""
    return bool(buf[start + 20] & 1)


def _rsa_private_ok(buf: memoryview, start: int, end: int) -> bool:
    """[KEY-1]/[KEY-2] on the low 64 bits: n odd, p odd, q odd, n == p*q mod 2^64."""
    (bits,) = _U32(buf, start + 12)
    n_at = start + 20
    p_at = n_at + (bits + 7) // 8
    q_at = p_at + (bits + 15) // 16
    if q_at + 8 > end:
        return True  # a lenient cut: let parse decide
    (n,) = _U64(buf, n_at)
    (p,) = _U64(buf, p_at)
    (q,) = _U64(buf, q_at)
    return bool(n & p & q & 1) and (p * q - n) & _LOW64 == 0


def _pvk_ok(buf: memoryview, start: int, end: int) -> bool:
    """[PVK-7]: the key blob starts with a PRIVATEKEYBLOB header (reserved 0)."""
    salt: int = _U32(buf, start + 16)[0]
    key = start + 24 + salt
    return buf[key] == 0x07 and buf[key + 2] == 0 and buf[key + 3] == 0


def _odd(*offsets: int) -> Precheck:
    """P (and q) odd [KEY-3], for a layout whose p starts at a fixed offset.

    ``offsets``: where p starts, and where the bit length sits whose field
    size puts q right after p (0: no q to test).
    """
    p_at, bits_at = offsets

    def check(buf: memoryview, start: int, end: int) -> bool:
        if not buf[start + p_at] & 1:
            return False
        if bits_at:
            (bits,) = _U32(buf, start + bits_at)
            q_at = start + p_at + (bits + 7) // 8
            return q_at >= end or bool(buf[q_at] & 1)
        return True

    return check


# Cheap necessary conditions, tested before a candidate is parsed, so that a
# flood of look-alike headers costs no parse (and no codec plan per size).
_PRECHECKS: Mapping[type[_Model], Precheck] = {
    RSAPublicKeyBlob: _rsa_public_ok,
    RSAPrivateKeyBlob: _rsa_private_ok,
    PVKFile: _pvk_ok,
    DSSPublicKeyBlob: _odd(16, 12),
    DSSPrivateKeyBlob: _odd(16, 12),
    DSSPublicKeyBlobV3: _odd(48, 12),
    DSSPrivateKeyBlobV3: _odd(52, 12),
    DHPrivateKeyBlob: _odd(16, 0),
    DHPublicKeyBlobV3: _odd(48, 0),
    DHPrivateKeyBlobV3: _odd(52, 0),
}


@dataclass(frozen=True)
class KindSpec:
    """One row of the candidate table.

    :ivar kind: the stable kind name reported in :attr:`ScanMatch.kind`.
    :ivar magic: the bytes the finder searches for.
    :ivar magic_offset: where ``magic`` sits relative to the blob's first byte.
    :ivar model: the model class ``parse`` returns for this kind.
    :ivar parse: parses one candidate's bytes (``parse(data, lenient)``).
    :ivar default: whether the kind is scanned for when ``kinds`` is not given.
    """

    kind: str
    magic: bytes
    magic_offset: int
    model: type[AnyBlob]
    parse: Parser = _parse
    default: bool = True
    #: For a CNG kind (SPEC §20): its header size; the header sizes the blob.
    cng_header: int = 0
    # Derived from the model's layout (not part of a row).
    template: _wire.Template | None = field(init=False, repr=False, compare=False)
    prefix_end: int = field(init=False, repr=False, compare=False)
    open_ended: bool = field(init=False, repr=False, compare=False)
    rest_max: int = field(init=False, repr=False, compare=False)
    rest_step: int = field(init=False, repr=False, compare=False)
    rest_min: int = field(init=False, repr=False, compare=False)
    precheck: Precheck | None = field(init=False, repr=False, compare=False)
    _header: tuple[int, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        if self.cng_header:
            # A CNG blob's header declares every size (its own table, not a template).
            set_(self, "template", None)
            set_(self, "open_ended", False)
            set_(self, "prefix_end", self.cng_header)
            set_(self, "rest_max", 0)
            set_(self, "rest_step", 1)
            set_(self, "rest_min", 0)
            set_(self, "precheck", None)
            set_(self, "_header", (-1, -1, -1))
            return
        model = self.model
        if not issubclass(model, _Model):  # pragma: no cover - CNG rows set cng_header
            raise TypeError(model.__name__)
        template = _wire.template(model.LAYOUT)
        set_(self, "template", template)
        set_(self, "open_ended", template.open_ended)
        set_(self, "prefix_end", template.prefix_end)
        rest_max = model._REST_MAX
        set_(self, "rest_max", OPAQUE_MAX_BODY if rest_max is None else rest_max)
        set_(self, "rest_step", _REST_STEP.get(model, 1))
        set_(self, "rest_min", _REST_MIN.get(model, 0))
        set_(self, "precheck", _PRECHECKS.get(model))
        names = template.names
        # Index in the prefix values of bType, bVersion and reserved (-1: none).
        set_(
            self,
            "_header",
            tuple(
                names.index(n) if n in names else -1
                for n in ("header.blob_type", "header.version", "header.reserved")
            ),
        )

    def size(self, head: bytes) -> int | None:
        """The blob's total length from its prefix bytes, or ``None``.

        ``head`` is exactly :attr:`prefix_end` bytes. ``None`` when the prefix
        breaks a rule parsing checks before the body (SPEC §4.3: BLOBHEADER,
        magic, the fixed part's values); 0 for an open-ended layout, whose
        length the scanner chooses.
        """
        template = self.template
        if template is None:
            return _cng.declared_size(head)
        row = template.head(head)
        if row is None:
            return None  # a constant (the magic) differs
        model = self.model
        if not issubclass(
            model, _Model
        ):  # pragma: no cover - only CNG rows lack a template
            return None
        bt, version, reserved = self._header
        if bt >= 0 and row[bt] != model.BLOB_TYPE:
            return None
        if version >= 0 and model.VERSION is not None and row[version] != model.VERSION:
            return None
        if reserved >= 0 and row[reserved] != 0:
            return None
        try:
            model._check_prefix(row, None)
        except ParseError:
            return None
        if self.open_ended:
            return 0
        return template.extent(tuple([int(row[i]) for i in template.param_index]))


def _rows(kind: _registry.Kind[Any]) -> tuple[KindSpec, ...]:
    """The table rows of a registered kind: one per magic a CNG kind has."""
    if kind.family == "cng":
        # A magic two kinds share (the generic ECC ones: plain and full key
        # blobs) gets one row; the parsed model names the kind (NAME_OF).
        fresh = [m for m in kind.magics if m not in _CNG_SEEN]
        _CNG_SEEN.update(fresh)
        return tuple(
            KindSpec(kind.name, m, 0, kind.model, cng_header=_cng.header_size(m))
            for m in fresh
        )
    return (_row(kind),)


_CNG_SEEN: set[bytes] = set()


def _row(kind: _registry.Kind[Any]) -> KindSpec:
    """The table row of a CryptoAPI or PVK kind."""
    model = kind.model
    if kind.magic:
        magic, offset = kind.magic, kind.magic_offset
    elif kind.opaque:
        # bVersion is kept as found (SPEC §11): only bType is fixed.
        magic, offset = bytes([int(model.BLOB_TYPE)]), 0
    else:
        magic, offset = bytes([int(model.BLOB_TYPE), model.VERSION or 0, 0, 0]), 0
    return KindSpec(kind.name, magic, offset, model, default=not kind.opaque)


#: The candidate table, one row per registered kind, in registration order.
ROWS: tuple[KindSpec, ...] = tuple(
    row for kind in _registry.KINDS for row in _rows(kind)
)
#: The kind name of each model class, for a row whose magic two kinds share.
NAME_OF: dict[type, str] = {kind.model: kind.name for kind in _registry.KINDS}
