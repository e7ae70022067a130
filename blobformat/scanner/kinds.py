# SPDX-License-Identifier: Apache-2.0
"""The scanner's candidate table: one row per kind it reports (SPEC Appendix F).

A row is data: the kind's stable name, the magic bytes the finder searches
for, where that magic sits relative to the start of the blob, the model
class (whose layout and prefix rules size and pre-check a candidate) and the
function that parses it. Adding a kind is one line in :data:`ROWS`.

Sizing a candidate never compiles a codec plan: the blob's total length is
computed from the prefix values by the arithmetic of SPEC §5-§12
(:data:`_SIZERS`); a model class without an entry there falls back to the
codec's cached plan.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from blobformat.codec import wire as _wire
from blobformat.codec.decode import PVK_MAGIC, parse
from blobformat.codec.model_base import _Model
from blobformat.codec.models import (
    Blob,
    DHPrivateKeyBlob,
    DHPrivateKeyBlobV3,
    DHPublicKeyBlob,
    DHPublicKeyBlobV3,
    DSSPrivateKeyBlob,
    DSSPrivateKeyBlobV3,
    DSSPublicKeyBlob,
    DSSPublicKeyBlobV3,
    KeyStateBlob,
    OpaqueKeyBlob,
    PlaintextKeyBlob,
    PublicKeyBlobEx,
    PVKFile,
    RSAPrivateKeyBlob,
    RSAPublicKeyBlob,
    SimpleBlob,
    SymmetricWrapKeyBlob,
)
from blobformat.errors import ParseError

__all__ = ["OPAQUE_MAX_BODY", "ROWS", "KindSpec", "Parser", "Precheck"]

#: Parse one candidate's bytes: ``parse(data, lenient)``.
Parser = Callable[[bytes, bool], Blob]

#: Body bytes an opaque kind may span: its layout has no maximum (SPEC §11).
OPAQUE_MAX_BODY = 4096


def _parse(data: bytes, lenient: bool) -> Blob:
    return parse(data, lenient=lenient)


def _nbytes(bits: int) -> int:
    return (bits + 7) // 8


def _rsa_public(v: tuple[int, ...]) -> int:
    return 20 + _nbytes(v[0])


def _rsa_private(v: tuple[int, ...]) -> int:
    return 20 + 2 * _nbytes(v[0]) + 5 * ((v[0] + 15) // 16)


def _dss2_public(v: tuple[int, ...]) -> int:
    return 60 + 3 * _nbytes(v[0])


def _dss2_private(v: tuple[int, ...]) -> int:
    return 80 + 2 * _nbytes(v[0])


def _v3_public(v: tuple[int, ...]) -> int:
    p, q, j = v
    return 48 + 3 * _nbytes(p) + _nbytes(q) + _nbytes(j)


def _v3_private(v: tuple[int, ...]) -> int:
    p, q, j, x = v
    return 52 + 3 * _nbytes(p) + _nbytes(q) + _nbytes(j) + _nbytes(x)


def _dh2_public(v: tuple[int, ...]) -> int:
    return 16 + _nbytes(v[0])


def _dh2_private(v: tuple[int, ...]) -> int:
    return 16 + 3 * _nbytes(v[0])


def _pvk(v: tuple[int, ...]) -> int:
    return 24 + v[0] + v[1]


def _plaintext(v: tuple[int, ...]) -> int:
    return 12 + v[0]


# Total length from the layout parameters' values (SPEC §5-§12), checked
# against the codec's plans by tests/test_scan.py.
_SIZERS: Mapping[type[_Model], Callable[[tuple[int, ...]], int]] = {
    RSAPublicKeyBlob: _rsa_public,
    RSAPrivateKeyBlob: _rsa_private,
    DSSPublicKeyBlob: _dss2_public,
    DSSPrivateKeyBlob: _dss2_private,
    DSSPublicKeyBlobV3: _v3_public,
    DSSPrivateKeyBlobV3: _v3_private,
    DHPublicKeyBlob: _dh2_public,
    DHPrivateKeyBlob: _dh2_private,
    DHPublicKeyBlobV3: _v3_public,
    DHPrivateKeyBlobV3: _v3_private,
    PVKFile: _pvk,
    PlaintextKeyBlob: _plaintext,
}

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
    model: type[_Model]
    parse: Parser = _parse
    default: bool = True
    # Derived from the model's layout (not part of a row).
    prefix: _wire.Plan = field(init=False, repr=False, compare=False)
    prefix_end: int = field(init=False, repr=False, compare=False)
    open_ended: bool = field(init=False, repr=False, compare=False)
    rest_max: int = field(init=False, repr=False, compare=False)
    rest_step: int = field(init=False, repr=False, compare=False)
    rest_min: int = field(init=False, repr=False, compare=False)
    precheck: Precheck | None = field(init=False, repr=False, compare=False)
    size_of: Callable[[tuple[int, ...]], int] = field(init=False, repr=False, compare=False)
    _header: tuple[int, int, int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        prefix = _wire.prefix_plan(self.model.LAYOUT)
        set_ = object.__setattr__
        set_(self, "prefix", prefix)
        set_(self, "open_ended", prefix.open_ended)
        set_(self, "prefix_end", prefix.fields[-1].offset if prefix.open_ended else prefix.end)
        rest_max = self.model._REST_MAX
        set_(self, "rest_max", OPAQUE_MAX_BODY if rest_max is None else rest_max)
        set_(self, "rest_step", _REST_STEP.get(self.model, 1))
        set_(self, "rest_min", _REST_MIN.get(self.model, 0))
        set_(self, "precheck", _PRECHECKS.get(self.model))
        set_(self, "size_of", _SIZERS.get(self.model) or self._plan_size)
        names = prefix.names
        # Index in the prefix values of bType, bVersion and reserved (-1: none).
        set_(
            self,
            "_header",
            tuple(
                names.index(n) if n in names else -1
                for n in ("header.blob_type", "header.version", "header.reserved")
            ),
        )

    def _plan_size(self, params: tuple[int, ...]) -> int:
        # Fallback for rows without an arithmetic sizer: the codec's cached plan.
        return _wire.plan_for(self.model.LAYOUT, params).end

    def size(self, head: bytes) -> int | None:
        """The blob's total length from its prefix bytes, or ``None``.

        ``head`` is exactly :attr:`prefix_end` bytes. ``None`` when the prefix
        breaks a rule parsing checks before the body (SPEC §4.3 steps 2-5:
        BLOBHEADER, magic, sizing fields); 0 for an open-ended layout, whose
        length the scanner chooses.
        """
        values = self.prefix.read_fast(head)
        if values is None:
            return None  # a constant (the magic) differs
        model = self.model
        bt, version, reserved = self._header
        if bt >= 0 and values[bt] != model.BLOB_TYPE:
            return None
        if version >= 0 and model.VERSION is not None and values[version] != model.VERSION:
            return None
        if reserved >= 0 and values[reserved] != 0:
            return None
        if not model._prefix_ok(values):
            try:
                model._check_prefix(dict(zip(self.prefix.names, values, strict=True)), None)
            except ParseError:
                return None
        if self.open_ended:
            return 0
        params = tuple([int(values[i]) for i in self.prefix.param_index])  # type: ignore[arg-type]
        return self.size_of(params)


_DH = (b"\x00DH1", b"\x00DH2", b"\x00DH3", b"\x00DH4")

#: The candidate table. CNG kinds are added here, one line each.
ROWS: tuple[KindSpec, ...] = (
    KindSpec("rsa-public", b"RSA1", 8, RSAPublicKeyBlob),
    KindSpec("rsa-private", b"RSA2", 8, RSAPrivateKeyBlob),
    KindSpec("dss-public", b"DSS1", 8, DSSPublicKeyBlob),
    KindSpec("dss-private", b"DSS2", 8, DSSPrivateKeyBlob),
    KindSpec("dss-public-v3", b"DSS3", 8, DSSPublicKeyBlobV3),
    KindSpec("dss-private-v3", b"DSS4", 8, DSSPrivateKeyBlobV3),
    KindSpec("dh-public", _DH[0], 8, DHPublicKeyBlob),
    KindSpec("dh-private", _DH[1], 8, DHPrivateKeyBlob),
    KindSpec("dh-public-v3", _DH[2], 8, DHPublicKeyBlobV3),
    KindSpec("dh-private-v3", _DH[3], 8, DHPrivateKeyBlobV3),
    KindSpec("simpleblob", b"\x01\x02\x00\x00", 0, SimpleBlob),
    KindSpec("plaintextkeyblob", b"\x08\x02\x00\x00", 0, PlaintextKeyBlob),
    KindSpec("symmetricwrapkeyblob", b"\x0b\x02\x00\x00", 0, SymmetricWrapKeyBlob),
    KindSpec("pvk", PVK_MAGIC + b"\x00\x00\x00\x00", 0, PVKFile),
    # Opaque kinds: any body is valid, so in random bytes they are noise (SPEC §11).
    KindSpec("opaquekeyblob", b"\x09", 0, OpaqueKeyBlob, default=False),
    KindSpec("publickeyblobex", b"\x0a", 0, PublicKeyBlobEx, default=False),
    KindSpec("keystateblob", b"\x0c", 0, KeyStateBlob, default=False),
)
