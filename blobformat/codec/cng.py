# SPDX-License-Identifier: Apache-2.0
"""CNG key BLOBs of bcrypt.h: layouts, models and the decoder (SPEC §20).

Every CNG kind is declared once, in :data:`KINDS`: its magic, the bcrypt.h
blob name, the model class, the fixed header after the magic and the body
whose field sizes the header gives. The decoder, the encoder and ``layout()``
all read that table, so a kind is one entry (and one model class for its
rules).

Wire conventions (SPEC §20.1): the magic sits at offset 0; header fields
are little-endian ULONGs; every number after the header is an unsigned
**big-endian** integer of the fixed width its header gives. Decoding checks
each header rule, then compares the sizes the header declares with the bytes
left, before it reads any number: no length field makes it allocate, loop or
wait beyond the size of its input.
"""

from __future__ import annotations

import dataclasses
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, NoReturn, TypeAlias, TypeVar, cast

from blobformat.codec import decode as _decode
from blobformat.codec import registry as _registry
from blobformat.codec.decode import recognise_other
from blobformat.codec.model_base import FieldSpan, Tolerance, _builder
from blobformat.errors import (
    InvalidFieldError,
    TrailingDataError,
    TruncatedError,
)

__all__ = [
    "CURVES",
    "KINDS",
    "CngBlob",
    "CngDHPrivateBlob",
    "CngDHPublicBlob",
    "CngDSAPrivateBlob",
    "CngDSAPublicBlob",
    "CngECCFullKeyBlob",
    "CngECCPrivateBlob",
    "CngECCPublicBlob",
    "CngKeyDataBlob",
    "CngKind",
    "CngRSAFullPrivateBlob",
    "CngRSAPrivateBlob",
    "CngRSAPublicBlob",
    "Slot",
    "declared_size",
    "decode",
    "header_size",
    "is_cng",
    "recognise_other",
]

# Slot kinds.
U32 = "u32"  # a little-endian ULONG of the header
BE32 = "be32"  # a 4-byte big-endian counter (DSA Count[4])
UINT = "uint"  # an unsigned big-endian number of fixed width
BYTES = "bytes"  # opaque bytes

Value: TypeAlias = int | bytes
#: The numbers of a header by field name: its ULONGs and big-endian header
#: numbers (DSA ``Count`` and ``q``). Opaque header bytes (the DSA seed) are
#: model fields only: no rule reads them.
Header: TypeAlias = Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Slot:
    """One field of a CNG layout.

    :ivar path: the field's name in ``layout()`` and, for body fields, the model attribute.
    :ivar kind: ``"u32"``, ``"be32"``, ``"uint"`` (big-endian number) or ``"bytes"``.
    :ivar size: a fixed size in bytes, or the name of the header field that gives it.
    :ivar secret: whether the field holds private key material.
    """

    path: str
    kind: str
    size: int | str
    secret: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class CngKind:
    """One CNG blob kind: everything the codec needs to read and write it.

    :ivar magic: the 4 bytes at offset 0.
    :ivar name: the bcrypt.h name of the blob type (``BCRYPT_RSAPUBLIC_BLOB``).
    :ivar layout: the layout name used by the test vectors (``CNG-RSA1``).
    :ivar model: the model class.
    :ivar header: the fixed-size fields after the magic.
    :ivar body: the fields whose sizes the header gives, in order.
    """

    magic: bytes
    name: str
    layout: str
    model: type[CngBlob]
    header: tuple[Slot, ...]
    body: tuple[Slot, ...]

    @property
    def header_size(self) -> int:
        """Bytes of magic and header."""
        return 4 + sum(int(s.size) for s in self.header)


def _fail(
    message: str,
    field: str,
    offsets: Mapping[str, int] | None,
    rule: str,
    *,
    expected: str | None = None,
    actual: str | None = None,
) -> NoReturn:
    raise InvalidFieldError(
        message,
        expected=expected,
        actual=actual,
        offset=None if offsets is None else offsets.get(field),
        field=field,
        rule=rule,
    )


def _blen(value: int) -> int:
    """Bytes of a number written without leading zero bytes (0 for zero)."""
    return (value.bit_length() + 7) // 8


def _check_minimal(
    value: int, size: int, field: str, offsets: Mapping[str, int] | None, rule: str
) -> None:
    """The number fills its field: its first byte is not zero (so the cb field is canonical)."""
    if value >> (8 * size - 8) == 0:
        _fail(
            f"{field} must not start with a zero byte (its size field is its exact length)",
            field,
            offsets,
            rule,
        )


def _check_range(
    value: int,
    low: int,
    high: int,
    field: str,
    offsets: Mapping[str, int] | None,
    rule: str,
    *,
    step: int = 1,
) -> None:
    if not low <= value <= high or value % step:
        _fail(
            f"{field} out of range",
            field,
            offsets,
            rule,
            expected=f"{low}..{high}" + (f" in steps of {step}" if step > 1 else ""),
            actual=str(value),
        )


_M = TypeVar("_M", bound="_CngModel")


def _common_args(
    cls: type[_CngModel], values: Mapping[str, Value]
) -> dict[str, object]:
    """The wire values that are model fields of the same name."""
    names = _field_names(cls)
    return {k: v for k, v in values.items() if k in names}


class _CngModel:
    """Shared behaviour of the CNG models (not public)."""

    __slots__ = ()

    # Every concrete model is a dataclass; declaring the protocol's attribute
    # lets dataclasses.fields() accept model classes without casts.
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]
    KIND: ClassVar[str]
    SECRET: ClassVar[frozenset[str]] = frozenset()
    #: Fields of bytes type; every other field is a non-negative int.
    _BYTES_FIELDS: ClassVar[frozenset[str]] = frozenset()
    _OPTIONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()
    _BOOL_FIELDS: ClassVar[frozenset[str]] = frozenset()
    _STR_FIELDS: ClassVar[frozenset[str]] = frozenset()

    # -- what each kind provides ----------------------------------------------

    @property
    def magic(self) -> bytes:
        """The magic this model is written with."""
        raise NotImplementedError

    def _header_values(self) -> dict[str, int]:
        """The header values this model is written with (after the magic)."""
        raise NotImplementedError

    @classmethod
    def _check_header(
        cls, kind: CngKind, values: Header, offsets: Mapping[str, int] | None
    ) -> None:
        """Rules on the header, run before any body field is read.

        One rule set per class: the valid case is a few comparisons that return
        early; a failing header falls through to the checks that raise the
        located error (``offsets`` None: the decoder reruns it with offsets).
        """

    def _check_body(self, header: Header, offsets: Mapping[str, int] | None) -> None:
        """Rules on the numbers of the body, given the header they are read with."""

    @classmethod
    def _model_args(
        cls, kind: CngKind, values: Mapping[str, Value]
    ) -> dict[str, object]:
        """Constructor arguments from the wire values."""
        return _common_args(cls, values)

    # -- shared machinery -------------------------------------------------------

    #: Whether the kind comes from :data:`FULL_KINDS` (same magics as the ECCKEY kinds).
    _FULL: ClassVar[bool] = False
    #: The rule a size field breaks when its number starts with a zero byte.
    _CANONICAL_RULE: ClassVar[str]

    @property
    def kind(self) -> CngKind:
        """The :class:`CngKind` table entry of this blob."""
        return (FULL_KINDS if self._FULL else KINDS)[self.magic]

    @property
    def role(self) -> str:
        """``"public"``, ``"private"`` (a key pair's blobs) or ``"symmetric"`` (key data)."""
        if isinstance(self, CngKeyDataBlob):
            return "symmetric"
        return "private" if any(s.secret for s in self.kind.body) else "public"

    @property
    def blob_name(self) -> str:
        """The bcrypt.h name of this blob type (``BCRYPT_RSAPUBLIC_BLOB``)."""
        return self.kind.name

    def _check_types(self) -> None:
        for f in dataclasses.fields(self):
            if f.name == "tolerated":
                continue
            value = getattr(self, f.name)
            if f.name in self._OPTIONAL_FIELDS and value is None:
                continue
            if f.name in self._BYTES_FIELDS:
                ok = isinstance(value, bytes)
            elif f.name in self._BOOL_FIELDS:
                ok = isinstance(value, bool)
            elif f.name in self._STR_FIELDS:
                ok = isinstance(value, str)
            else:
                ok = (
                    isinstance(value, int)
                    and not isinstance(value, bool)
                    and value >= 0
                )
            if not ok:
                raise TypeError(f"{type(self).__name__}.{f.name} has the wrong type")

    def __post_init__(self) -> None:
        """Validate the model with the rules parsing applies (SPEC §20)."""
        self._check_types()
        kind = self.kind
        values = self._header_values()
        self._check_header(kind, values, None)
        self._check_body(values, None)

    def _spans(self) -> list[tuple[Slot, int, int, Value]]:
        """(slot, offset, size, value) of every field after the magic."""
        kind = self.kind
        header = self._header_values()
        out: list[tuple[Slot, int, int, Value]] = []
        offset = 4
        for slot in kind.header:
            size = int(slot.size)
            # Opaque header bytes (the DSA seed) are the model's own field.
            value = (
                getattr(self, slot.path) if slot.kind == BYTES else header[slot.path]
            )
            out.append((slot, offset, size, value))
            offset += size
        for slot in kind.body:
            size = slot.size if isinstance(slot.size, int) else header[slot.size]
            out.append((slot, offset, size, getattr(self, slot.path)))
            offset += size
        return out

    def to_bytes(self) -> bytes:
        """Encode the blob canonically (SPEC §20.1).

        :returns: the only byte string SPEC.md accepts for this model.
        """
        parts = [self.magic]
        for slot, _, size, value in self._spans():
            if slot.kind == U32:
                parts.append(int(value).to_bytes(4, "little"))
            elif slot.kind in (UINT, BE32):
                parts.append(int(value).to_bytes(size, "big"))
            else:
                parts.append(bytes(value))
        return b"".join(parts)

    def layout(self) -> tuple[FieldSpan, ...]:
        """Every field with its offset, size and (non-secret) value."""
        spans = [FieldSpan("magic", 0, 4, self.magic, False)]
        for slot, offset, size, value in self._spans():
            spans.append(
                FieldSpan(
                    slot.path, offset, size, None if slot.secret else value, slot.secret
                )
            )
        return tuple(spans)

    @classmethod
    def from_bytes(
        cls: type[_M], data: bytes | bytearray | memoryview, *, lenient: bool = False
    ) -> _M:
        """Parse ``data`` and require it to be this kind of blob.

        :raises ParseError: as :func:`blobformat.parse` does.
        :raises UnsupportedBlobError: if the bytes are another kind.
        """
        return _decode.parse_as(cls, data, lenient=lenient)

    def __repr__(self) -> str:
        """Show the kind and public fields only; never key material."""
        parts = []
        for f in dataclasses.fields(self):
            value = getattr(self, f.name)
            if f.name in self.SECRET:
                shown = (
                    f"<secret {len(value)} bytes>"
                    if isinstance(value, bytes)
                    else "<secret>"
                    if value is None
                    else f"<secret {value.bit_length()}-bit>"
                )
            elif f.name == "tolerated":
                if not value:
                    continue
                shown = repr(value)
            elif isinstance(value, bool) or value is None or isinstance(value, str):
                shown = repr(value)
            elif isinstance(value, int):
                shown = (
                    str(value)
                    if value.bit_length() <= 64
                    else f"<{value.bit_length()}-bit>"
                )
            elif isinstance(value, bytes):
                shown = f"<{len(value)} bytes>"
            else:  # pragma: no cover - every field type is listed above
                shown = repr(value)
            parts.append(f"{f.name}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"


# ---------------------------------------------------------------------------
# RSA -- SPEC §20.3, BCRYPT_RSAKEY_BLOB


class _CngRSABase(_CngModel):
    __slots__ = ()
    _CANONICAL_RULE = "CRSA-4"
    _PRIVATE: ClassVar[bool] = False

    def _header_values(self) -> dict[str, int]:
        bits: int = getattr(self, "bit_length")  # noqa: B009
        return {
            "bit_length": bits,
            "cb_public_exp": _blen(getattr(self, "public_exponent")),  # noqa: B009
            "cb_modulus": (bits + 7) // 8,
            "cb_prime1": _blen(getattr(self, "prime1")) if self._PRIVATE else 0,  # noqa: B009
            "cb_prime2": _blen(getattr(self, "prime2")) if self._PRIVATE else 0,  # noqa: B009
        }

    @classmethod
    def _check_header(
        cls, kind: CngKind, values: Header, offsets: Mapping[str, int] | None
    ) -> None:
        bits, cb_modulus = values["bit_length"], values["cb_modulus"]
        p1, p2 = values["cb_prime1"], values["cb_prime2"]
        public = kind.magic == b"RSA1"
        if (
            512 <= bits <= 16384
            and not bits & 7
            and cb_modulus == bits >> 3
            and 0 < values["cb_public_exp"] <= 8
            and (
                (p1 == p2 == 0)
                if public
                else (0 < p1 <= cb_modulus and 0 < p2 <= cb_modulus)
            )
        ):
            return  # The common case: every rule below holds.
        _check_range(bits, 512, 16384, "bit_length", offsets, "CRSA-1", step=8)
        if cb_modulus != bits // 8:
            _fail(
                "cbModulus must be BitLength / 8",
                "cb_modulus",
                offsets,
                "CRSA-2",
                expected=str(bits // 8),
                actual=str(cb_modulus),
            )
        _check_range(values["cb_public_exp"], 1, 8, "cb_public_exp", offsets, "CRSA-3")
        for name, cb in (("cb_prime1", p1), ("cb_prime2", p2)):
            if public:
                _check_range(cb, 0, 0, name, offsets, "CRSA-3")
            else:
                _check_range(cb, 1, bits // 8, name, offsets, "CRSA-3")

    def _check_body(self, header: Header, offsets: Mapping[str, int] | None) -> None:
        e: int = getattr(self, "public_exponent")  # noqa: B009
        n: int = getattr(self, "modulus")  # noqa: B009
        if e >= 1 << 64:
            _fail(
                "public exponent exceeds 64 bits", "public_exponent", offsets, "CRSA-3"
            )
        _check_minimal(e, header["cb_public_exp"], "public_exponent", offsets, "CRSA-4")
        if e < 3 or not e & 1:
            _fail(
                "RSA public exponent must be odd and at least 3",
                "public_exponent",
                offsets,
                "CRSA-5",
                expected="an odd value >= 3",
                actual=str(e),
            )
        if n >> header["bit_length"]:
            _fail("modulus does not fit BitLength", "modulus", offsets, "CRSA-4")
        _check_minimal(n, header["cb_modulus"], "modulus", offsets, "CRSA-4")
        if self._PRIVATE:
            for name, cb in (("prime1", "cb_prime1"), ("prime2", "cb_prime2")):
                value: int = getattr(self, name)
                _check_range(
                    header[cb], 1, header["cb_modulus"], name, offsets, "CRSA-3"
                )
                _check_minimal(value, header[cb], name, offsets, "CRSA-4")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngRSAPublicBlob(_CngRSABase):
    """BCRYPT_RSAPUBLIC_BLOB, magic RSA1 at offset 0 (SPEC §20.3).

    :ivar bit_length: ``BitLength``: 8 times the modulus' byte length.
    :ivar public_exponent: e (1 to 8 bytes on the wire, no leading zero byte).
    :ivar modulus: the modulus n.
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG RSA public key"

    bit_length: int
    public_exponent: int
    modulus: int
    tolerated: tuple[Tolerance, ...] = ()

    @property
    def magic(self) -> bytes:
        """``RSA1``."""
        return b"RSA1"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngRSAPrivateBlob(_CngRSABase):
    """BCRYPT_RSAPRIVATE_BLOB, magic RSA2 (SPEC §20.3): n, e and the primes.

    The primes are not checked against the modulus here:
    :func:`blobformat.load_private_key` does that.

    :ivar bit_length: ``BitLength``: 8 times the modulus' byte length.
    :ivar public_exponent: the public exponent e.
    :ivar modulus: the modulus n.
    :ivar prime1: p (``cbPrime1`` bytes, no leading zero byte).
    :ivar prime2: q (``cbPrime2`` bytes, no leading zero byte).
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG RSA private key"
    SECRET = frozenset({"prime1", "prime2"})
    _PRIVATE = True

    bit_length: int
    public_exponent: int
    modulus: int
    prime1: int
    prime2: int
    tolerated: tuple[Tolerance, ...] = ()

    @property
    def magic(self) -> bytes:
        """``RSA2``."""
        return b"RSA2"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngRSAFullPrivateBlob(_CngRSABase):
    """BCRYPT_RSAFULLPRIVATE_BLOB, magic RSA3 (SPEC §20.3): with the CRT values and d.

    :ivar bit_length: ``BitLength``: 8 times the modulus' byte length.
    :ivar public_exponent: the public exponent e.
    :ivar modulus: the modulus n.
    :ivar prime1: the first prime p.
    :ivar prime2: the second prime q.
    :ivar exponent1: d mod (p-1), in ``cbPrime1`` bytes.
    :ivar exponent2: d mod (q-1), in ``cbPrime2`` bytes.
    :ivar coefficient: q^-1 mod p, in ``cbPrime1`` bytes.
    :ivar private_exponent: d (reduced mod phi(n) or mod lambda(n)), in ``cbModulus`` bytes.
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG RSA full private key"
    SECRET = frozenset(
        {
            "prime1",
            "prime2",
            "exponent1",
            "exponent2",
            "coefficient",
            "private_exponent",
        }
    )
    _PRIVATE = True

    bit_length: int
    public_exponent: int
    modulus: int
    prime1: int
    prime2: int
    exponent1: int
    exponent2: int
    coefficient: int
    private_exponent: int
    tolerated: tuple[Tolerance, ...] = ()

    @property
    def magic(self) -> bytes:
        """``RSA3``."""
        return b"RSA3"

    def _check_body(self, header: Header, offsets: Mapping[str, int] | None) -> None:
        _CngRSABase._check_body(self, header, offsets)
        for name, cb in (
            ("exponent1", "cb_prime1"),
            ("exponent2", "cb_prime2"),
            ("coefficient", "cb_prime1"),
            ("private_exponent", "cb_modulus"),
        ):
            if getattr(self, name) >> (8 * header[cb]):
                _fail(f"{name} does not fit its {cb} field", name, offsets, "CRSA-4")


# ---------------------------------------------------------------------------
# ECC -- SPEC §20.4, BCRYPT_ECCKEY_BLOB and BCRYPT_ECCFULLKEY_BLOB


@dataclass(frozen=True, slots=True)
class _Curve:
    name: str
    size: int
    p: int
    n: int


#: The curves the named ECC magics fix: name -> (cbKey, field prime, group order).
CURVES: dict[str, _Curve] = {
    c.name: c
    for c in (
        _Curve(
            "P-256",
            32,
            0xFFFFFFFF00000001000000000000000000000000FFFFFFFFFFFFFFFFFFFFFFFF,
            0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551,
        ),
        _Curve(
            "P-384",
            48,
            (1 << 384) - (1 << 128) - (1 << 96) + (1 << 32) - 1,
            int(
                "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF"
                "581A0DB248B0A77AECEC196ACCC52973",
                16,
            ),
        ),
        _Curve(
            "P-521",
            66,
            (1 << 521) - 1,
            int(
                "01FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFA"
                "51868783BF2F966B7FCC0148F709A5D03BB5C9B8899C47AEBB6FB71E91386409",
                16,
            ),
        ),
    )
}
_ECC_NUMBER = {"P-256": "1", "P-384": "3", "P-521": "5"}
_ECC_CURVE_BY_DIGIT = {
    "1": "P-256",
    "2": "P-256",
    "3": "P-384",
    "4": "P-384",
    "5": "P-521",
    "6": "P-521",
}
#: Smallest and largest cbKey of a generic ECC blob (brainpoolP160r1 .. P-521).
GENERIC_CB_KEY = (20, 66)


def _ecc_magic(ecdh: bool, curve: str | None, private: bool) -> bytes:
    if curve is None:
        return (b"ECK" if ecdh else b"ECD") + (b"V" if private else b"P")
    if curve not in _ECC_NUMBER:
        raise ValueError(f"unknown curve {curve!r}: use P-256, P-384, P-521 or None")
    digit = int(_ECC_NUMBER[curve]) + (1 if private else 0)
    return (b"ECK" if ecdh else b"ECS") + str(digit).encode()


class _CngECCBase(_CngModel):
    __slots__ = ()
    _CANONICAL_RULE = "CECC-2"
    _PRIVATE: ClassVar[bool] = False
    _BOOL_FIELDS = frozenset({"ecdh"})
    _STR_FIELDS = frozenset({"curve"})
    _OPTIONAL_FIELDS = frozenset({"curve"})
    # The fields both ECC models declare (the dataclasses below).
    ecdh: bool
    curve: str | None

    @property
    def magic(self) -> bytes:
        """``ECS1``..``ECS6``, ``ECK1``..``ECK6``, ``ECDP``/``ECDV``/``ECKP``/``ECKV``."""
        return _ecc_magic(self.ecdh, self.curve, self._PRIVATE)

    def _header_values(self) -> dict[str, int]:
        return {"cb_key": getattr(self, "cb_key")}  # noqa: B009

    @classmethod
    def _model_args(
        cls, kind: CngKind, values: Mapping[str, Value]
    ) -> dict[str, object]:
        args = _common_args(cls, values)
        magic = kind.magic
        args["ecdh"] = magic[:3] in (b"ECK",)
        args["curve"] = _ECC_CURVE_BY_DIGIT.get(chr(magic[3]))
        return args

    @classmethod
    def _check_header(
        cls, kind: CngKind, values: Header, offsets: Mapping[str, int] | None
    ) -> None:
        cb_key = values["cb_key"]
        curve = _ECC_CURVE_BY_DIGIT.get(chr(kind.magic[3]))
        # A named curve fixes cbKey; a generic magic allows a range (CECC-1).
        low, high = GENERIC_CB_KEY if curve is None else (CURVES[curve].size,) * 2
        if low <= cb_key <= high:
            return
        _check_range(cb_key, low, high, "cb_key", offsets, "CECC-1")

    def _check_body(self, header: Header, offsets: Mapping[str, int] | None) -> None:
        curve_name = getattr(self, "curve")  # noqa: B009
        cb_key = getattr(self, "cb_key")  # noqa: B009
        names = ("x", "y", "d") if self._PRIVATE else ("x", "y")
        for name in names:
            if getattr(self, name) >> (8 * cb_key):
                _fail(f"{name} does not fit cbKey bytes", name, offsets, "CECC-2")
        if curve_name is None:
            return
        curve = CURVES[curve_name]
        for name in ("x", "y"):
            if getattr(self, name) >= curve.p:
                _fail(
                    f"{name} is not below the {curve_name} field prime",
                    name,
                    offsets,
                    "CECC-2",
                )
        if self._PRIVATE and not 0 < getattr(self, "d") < curve.n:  # noqa: B009
            _fail(f"d is not in 1..n-1 of {curve_name}", "d", offsets, "CECC-2")

    def __post_init__(self) -> None:
        """Fill ``cb_key`` from a named curve when it is 0, then validate."""
        curve = getattr(self, "curve")  # noqa: B009
        if getattr(self, "cb_key") == 0 and curve in CURVES:  # noqa: B009
            object.__setattr__(self, "cb_key", CURVES[curve].size)
        if curve is not None and curve not in CURVES:
            raise ValueError(
                f"unknown curve {curve!r}: use P-256, P-384, P-521 or None"
            )
        _CngModel.__post_init__(self)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngECCPublicBlob(_CngECCBase):
    """BCRYPT_ECCPUBLIC_BLOB: ECS1/ECS3/ECS5, ECK1/ECK3/ECK5, ECDP, ECKP (SPEC §20.4).

    :ivar ecdh: True for the ECDH magics (``ECK``), False for ECDSA (``ECS``, ``ECD``).
    :ivar curve: ``"P-256"``, ``"P-384"``, ``"P-521"``, or None for a generic magic.
    :ivar cb_key: ``cbKey``, the coordinate size in bytes (0 on construction: the curve's).
    :ivar x: the X coordinate.
    :ivar y: the Y coordinate.
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG ECC public key"

    ecdh: bool
    curve: str | None
    x: int
    y: int
    cb_key: int = 0
    tolerated: tuple[Tolerance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngECCPrivateBlob(_CngECCBase):
    """BCRYPT_ECCPRIVATE_BLOB: ECS2/4/6, ECK2/4/6, ECDV, ECKV (SPEC §20.4).

    :ivar ecdh: True for the ECDH magics (``ECK``), False for ECDSA (``ECS``, ``ECD``).
    :ivar curve: ``"P-256"``, ``"P-384"``, ``"P-521"``, or None for a generic magic.
    :ivar cb_key: ``cbKey``, the coordinate size in bytes (0 on construction: the curve's).
    :ivar x: the X coordinate.
    :ivar y: the Y coordinate.
    :ivar d: the private scalar.
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG ECC private key"
    SECRET = frozenset({"d"})
    _PRIVATE = True

    ecdh: bool
    curve: str | None
    x: int
    y: int
    d: int
    cb_key: int = 0
    tolerated: tuple[Tolerance, ...] = ()

    def public_blob(self) -> CngECCPublicBlob:
        """The matching public blob."""
        return CngECCPublicBlob(
            ecdh=self.ecdh, curve=self.curve, cb_key=self.cb_key, x=self.x, y=self.y
        )


#: BCRYPT_ECC_PRIME_*_CURVE: short Weierstrass, twisted Edwards, Montgomery.
ECC_CURVE_TYPES = (1, 2, 3)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngECCFullKeyBlob(_CngModel):
    """BCRYPT_ECCFULLKEY_BLOB (explicit curve parameters), generic magics only (SPEC §20.5).

    Recognised by a generic magic (``ECDP``, ``ECDV``, ``ECKP``, ``ECKV``)
    followed by ``dwVersion`` 1 where a BCRYPT_ECCKEY_BLOB has ``cbKey``.

    :ivar ecdh: True for the ECDH magics (``ECKP``, ``ECKV``).
    :ivar curve_type: ``dwCurveType`` (1 short Weierstrass, 2 twisted Edwards, 3 Montgomery).
    :ivar curve_generation_alg: ``dwCurveGenerationAlgId`` (kept as found).
    :ivar prime: the field prime (``cbFieldLength`` bytes, no leading zero).
    :ivar a: curve coefficient a (``cbFieldLength`` bytes).
    :ivar b: curve coefficient b (``cbFieldLength`` bytes).
    :ivar gx: base point X (``cbFieldLength`` bytes).
    :ivar gy: base point Y (``cbFieldLength`` bytes).
    :ivar order: subgroup order (``cbSubgroupOrder`` bytes, no leading zero).
    :ivar cofactor: cofactor (``cbCofactor`` bytes, no leading zero).
    :ivar seed: the curve seed (``cbSeed`` bytes, may be empty).
    :ivar x: public X (``cbFieldLength`` bytes).
    :ivar y: public Y (``cbFieldLength`` bytes).
    :ivar d: private scalar (``cbSubgroupOrder`` bytes), or None in a public blob.
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG ECC full key"
    _FULL = True
    _CANONICAL_RULE = "CECC-2"
    SECRET = frozenset({"d"})
    _BYTES_FIELDS = frozenset({"seed"})
    _BOOL_FIELDS = frozenset({"ecdh"})
    _OPTIONAL_FIELDS = frozenset({"d"})

    ecdh: bool
    curve_type: int
    curve_generation_alg: int
    prime: int
    a: int
    b: int
    gx: int
    gy: int
    order: int
    cofactor: int
    seed: bytes
    x: int
    y: int
    d: int | None = None
    tolerated: tuple[Tolerance, ...] = ()

    @property
    def magic(self) -> bytes:
        """``ECDP``, ``ECDV``, ``ECKP`` or ``ECKV``."""
        return _ecc_magic(self.ecdh, None, self.d is not None)

    def _header_values(self) -> dict[str, int]:
        return {
            "version": 1,
            "curve_type": self.curve_type,
            "curve_generation_alg": self.curve_generation_alg,
            "cb_field_length": _blen(self.prime),
            "cb_subgroup_order": _blen(self.order),
            "cb_cofactor": _blen(self.cofactor),
            "cb_seed": len(self.seed),
        }

    @classmethod
    def _model_args(
        cls, kind: CngKind, values: Mapping[str, Value]
    ) -> dict[str, object]:
        args = _common_args(cls, values)
        args["ecdh"] = kind.magic[:3] == b"ECK"
        return args

    @classmethod
    def _check_header(
        cls, kind: CngKind, values: Header, offsets: Mapping[str, int] | None
    ) -> None:
        version, ctype = values["version"], values["curve_type"]
        cb_field, cb_order = values["cb_field_length"], values["cb_subgroup_order"]
        cb_cofactor, cb_seed = values["cb_cofactor"], values["cb_seed"]
        if (
            version == 1
            and ctype in ECC_CURVE_TYPES
            and 0 < cb_field <= 66
            and 0 < cb_order <= 67
            and 0 < cb_cofactor <= 66
            and cb_seed <= 66
        ):
            return  # The common case: every rule below holds.
        _check_range(version, 1, 1, "version", offsets, "CECC-3")
        if ctype not in ECC_CURVE_TYPES:
            _fail(
                "unknown dwCurveType",
                "curve_type",
                offsets,
                "CECC-3",
                expected="1, 2 or 3",
                actual=str(ctype),
            )
        _check_range(cb_field, 1, 66, "cb_field_length", offsets, "CECC-3")
        _check_range(cb_order, 1, 67, "cb_subgroup_order", offsets, "CECC-3")
        _check_range(cb_cofactor, 1, 66, "cb_cofactor", offsets, "CECC-3")
        _check_range(cb_seed, 0, 66, "cb_seed", offsets, "CECC-3")

    def _check_body(self, header: Header, offsets: Mapping[str, int] | None) -> None:
        for name, cb in (
            ("prime", "cb_field_length"),
            ("order", "cb_subgroup_order"),
            ("cofactor", "cb_cofactor"),
        ):
            value = getattr(self, name)
            if value == 0:
                _fail(f"{name} must not be zero", name, offsets, "CECC-2")
            _check_minimal(value, header[cb], name, offsets, "CECC-2")
        for name in ("a", "b", "gx", "gy", "x", "y"):
            if getattr(self, name) >= self.prime:
                _fail(f"{name} is not below the field prime", name, offsets, "CECC-2")
        if self.d is not None and not 0 < self.d < self.order:
            _fail("d is not in 1..order-1", "d", offsets, "CECC-2")


# ---------------------------------------------------------------------------
# DSA -- SPEC §20.6, BCRYPT_DSA_KEY_BLOB and BCRYPT_DSA_KEY_BLOB_V2

#: BCRYPT_DSA_KEY_BLOB_V2 hashAlgorithm values: SHA-1, SHA-256, SHA-512.
DSA_HASH_ALGORITHMS = (0, 1, 2)
#: standardVersion values: FIPS 186-2, FIPS 186-3.
DSA_STANDARD_VERSIONS = (0, 1)
#: cbGroupSize values: 160-, 224- and 256-bit q.
DSA_GROUP_SIZES = (20, 28, 32)


class _CngDSABase(_CngModel):
    __slots__ = ()
    _CANONICAL_RULE = "CDSA-2"
    _PRIVATE: ClassVar[bool] = False
    _BYTES_FIELDS = frozenset({"seed"})
    _OPTIONAL_FIELDS = frozenset({"hash_algorithm", "standard_version"})

    @property
    def magic(self) -> bytes:
        """``DSPB``/``DSPV`` (version 1) or ``DPB2``/``DPV2`` (version 2)."""
        v2 = getattr(self, "version") == 2  # noqa: B009
        if v2:
            return b"DPV2" if self._PRIVATE else b"DPB2"
        return b"DSPV" if self._PRIVATE else b"DSPB"

    def _header_values(self) -> dict[str, int]:
        p: int = getattr(self, "p")  # noqa: B009
        q: int = getattr(self, "q")  # noqa: B009
        seed: bytes = getattr(self, "seed")  # noqa: B009
        counter: int = getattr(self, "counter")  # noqa: B009
        if getattr(self, "version") == 2:  # noqa: B009
            return {
                "cb_key": _blen(p),
                "hash_algorithm": getattr(self, "hash_algorithm"),  # noqa: B009
                "standard_version": getattr(self, "standard_version"),  # noqa: B009
                "cb_seed_length": len(seed),
                "cb_group_size": _blen(q),
                "counter": counter,
            }
        return {"cb_key": _blen(p), "counter": counter, "q": q}

    @classmethod
    def _model_args(
        cls, kind: CngKind, values: Mapping[str, Value]
    ) -> dict[str, object]:
        args = _common_args(cls, values)
        args["version"] = 2 if kind.magic[3:] == b"2" else 1
        return args

    @classmethod
    def _check_header(
        cls, kind: CngKind, values: Header, offsets: Mapping[str, int] | None
    ) -> None:
        cb_key = values["cb_key"]
        if kind.magic[3:] != b"2":
            if 64 <= cb_key <= 128 and not cb_key & 7:
                return  # The common case: CDSA-1 holds.
            _check_range(cb_key, 64, 128, "cb_key", offsets, "CDSA-1", step=8)
            return
        group = values["cb_group_size"]
        if (
            128 <= cb_key <= 384
            and not cb_key & 7
            and values["hash_algorithm"] in DSA_HASH_ALGORITHMS
            and values["standard_version"] in DSA_STANDARD_VERSIONS
            and group in DSA_GROUP_SIZES
            and group <= values["cb_seed_length"] <= 64
        ):
            return  # The common case: every rule below holds.
        _check_range(cb_key, 128, 384, "cb_key", offsets, "CDSA-1", step=8)
        for name, allowed in (
            ("hash_algorithm", DSA_HASH_ALGORITHMS),
            ("standard_version", DSA_STANDARD_VERSIONS),
            ("cb_group_size", DSA_GROUP_SIZES),
        ):
            value = values[name]
            if value not in allowed:
                _fail(
                    f"{name} not allowed",
                    name,
                    offsets,
                    "CDSA-1",
                    expected=", ".join(map(str, allowed)),
                    actual=str(value),
                )
        _check_range(
            values["cb_seed_length"], group, 64, "cb_seed_length", offsets, "CDSA-1"
        )

    def _check_body(self, header: Header, offsets: Mapping[str, int] | None) -> None:
        version = getattr(self, "version")  # noqa: B009
        if version not in (1, 2):
            raise ValueError("version must be 1 or 2")
        v1_extra = (getattr(self, "hash_algorithm"), getattr(self, "standard_version"))  # noqa: B009
        if (version == 1) != (v1_extra == (None, None)):
            raise ValueError(
                "hash_algorithm and standard_version belong to version 2 only"
            )
        if version == 1 and len(getattr(self, "seed")) != 20:  # noqa: B009
            raise ValueError("a version-1 DSA blob has a 20-byte seed")
        if getattr(self, "counter") >> 32:  # noqa: B009
            raise ValueError("counter is a 32-bit value")
        p: int = getattr(self, "p")  # noqa: B009
        q: int = getattr(self, "q")  # noqa: B009
        cb_key = header["cb_key"]
        group = 20 if version == 1 else header["cb_group_size"]
        if q >> (8 * group) or q >> (8 * group - 8) == 0:
            _fail("q must fill its field exactly", "q", offsets, "CDSA-2")
        if p == 0:
            _fail("p must not be zero", "p", offsets, "CDSA-2")
        _check_minimal(p, cb_key, "p", offsets, "CDSA-2")
        for name in ("g", "y"):
            if getattr(self, name) >> (8 * cb_key):
                _fail(f"{name} does not fit cbKey bytes", name, offsets, "CDSA-2")
        if self._PRIVATE and getattr(self, "x") >> (8 * group):  # noqa: B009
            _fail("x does not fit its field", "x", offsets, "CDSA-2")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngDSAPublicBlob(_CngDSABase):
    """BCRYPT_DSA_PUBLIC_BLOB: DSPB (version 1) or DPB2 (version 2) (SPEC §20.6).

    :ivar version: 1 (``BCRYPT_DSA_KEY_BLOB``) or 2 (``BCRYPT_DSA_KEY_BLOB_V2``).
    :ivar counter: ``Count`` (big-endian), 0xFFFFFFFF when no seed is kept.
    :ivar seed: ``Seed`` (20 bytes in version 1, ``cbSeedLength`` in version 2).
    :ivar q: the subgroup order (20 bytes in version 1, ``cbGroupSize`` in version 2).
    :ivar p: the prime (``cbKey`` bytes, no leading zero).
    :ivar g: the generator (``cbKey`` bytes).
    :ivar y: the public value (``cbKey`` bytes).
    :ivar hash_algorithm: version 2 ``hashAlgorithm`` (0 SHA-1, 1 SHA-256, 2 SHA-512), else None.
    :ivar standard_version: version 2 ``standardVersion`` (0 FIPS 186-2, 1 FIPS 186-3), else None.
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG DSA public key"

    version: int
    counter: int
    seed: bytes
    q: int
    p: int
    g: int
    y: int
    hash_algorithm: int | None = None
    standard_version: int | None = None
    tolerated: tuple[Tolerance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngDSAPrivateBlob(_CngDSABase):
    """BCRYPT_DSA_PRIVATE_BLOB: DSPV (version 1) or DPV2 (version 2) (SPEC §20.6).

    :ivar version: 1 (``BCRYPT_DSA_KEY_BLOB``) or 2 (``BCRYPT_DSA_KEY_BLOB_V2``).
    :ivar counter: ``Count`` (big-endian), 0xFFFFFFFF when no seed is kept.
    :ivar seed: ``Seed`` (20 bytes in version 1, ``cbSeedLength`` in version 2).
    :ivar q: the subgroup order (20 bytes in version 1, ``cbGroupSize`` in version 2).
    :ivar p: the prime (``cbKey`` bytes, no leading zero).
    :ivar g: the generator (``cbKey`` bytes).
    :ivar y: the public value (``cbKey`` bytes).
    :ivar x: the private value (20 bytes in version 1, ``cbGroupSize`` in version 2).
    :ivar hash_algorithm: version 2 ``hashAlgorithm`` (0 SHA-1, 1 SHA-256, 2 SHA-512), else None.
    :ivar standard_version: version 2 ``standardVersion`` (0 FIPS 186-2, 1 FIPS 186-3), else None.
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG DSA private key"
    SECRET = frozenset({"x"})
    _PRIVATE = True

    version: int
    counter: int
    seed: bytes
    q: int
    p: int
    g: int
    y: int
    x: int
    hash_algorithm: int | None = None
    standard_version: int | None = None
    tolerated: tuple[Tolerance, ...] = ()


# ---------------------------------------------------------------------------
# DH -- SPEC §20.7, BCRYPT_DH_KEY_BLOB


class _CngDHBase(_CngModel):
    __slots__ = ()
    _CANONICAL_RULE = "CDH-2"
    _PRIVATE: ClassVar[bool] = False

    @property
    def magic(self) -> bytes:
        """``DHPB`` or ``DHPV``."""
        return b"DHPV" if self._PRIVATE else b"DHPB"

    def _header_values(self) -> dict[str, int]:
        return {"cb_key": _blen(getattr(self, "p"))}  # noqa: B009

    @classmethod
    def _check_header(
        cls, kind: CngKind, values: Header, offsets: Mapping[str, int] | None
    ) -> None:
        cb_key = values["cb_key"]
        if 64 <= cb_key <= 512 and not cb_key & 7:
            return  # The common case: CDH-1 holds.
        _check_range(cb_key, 64, 512, "cb_key", offsets, "CDH-1", step=8)

    def _check_body(self, header: Header, offsets: Mapping[str, int] | None) -> None:
        p: int = getattr(self, "p")  # noqa: B009
        cb_key = header["cb_key"]
        if p == 0:
            _fail("p must not be zero", "p", offsets, "CDH-2")
        _check_minimal(p, cb_key, "p", offsets, "CDH-2")
        for name in ("g", "y", "x") if self._PRIVATE else ("g", "y"):
            if getattr(self, name) >> (8 * cb_key):
                _fail(f"{name} does not fit cbKey bytes", name, offsets, "CDH-2")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngDHPublicBlob(_CngDHBase):
    """BCRYPT_DH_PUBLIC_BLOB, magic DHPB (SPEC §20.7).

    :ivar p: the prime (``cbKey`` bytes, no leading zero).
    :ivar g: the generator (``cbKey`` bytes).
    :ivar y: the public value (``cbKey`` bytes).
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG DH public key"

    p: int
    g: int
    y: int
    tolerated: tuple[Tolerance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngDHPrivateBlob(_CngDHBase):
    """BCRYPT_DH_PRIVATE_BLOB, magic DHPV (SPEC §20.7).

    :ivar p: the prime (``cbKey`` bytes, no leading zero).
    :ivar g: the generator (``cbKey`` bytes).
    :ivar y: the public value (``cbKey`` bytes).
    :ivar x: the private value (``cbKey`` bytes).
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG DH private key"
    SECRET = frozenset({"x"})
    _PRIVATE = True

    p: int
    g: int
    y: int
    x: int
    tolerated: tuple[Tolerance, ...] = ()


# ---------------------------------------------------------------------------
# Key data -- SPEC §20.8, BCRYPT_KEY_DATA_BLOB_HEADER

#: The largest symmetric key a key data blob holds (an HMAC key; AES uses 16..32).
KEY_DATA_MAX = 4096


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class CngKeyDataBlob(_CngModel):
    """BCRYPT_KEY_DATA_BLOB: a symmetric key, magic KDBM, version 1 (SPEC §20.8).

    :ivar key: the key bytes (``cbKeyData`` of them).
    :ivar tolerated: deviations lenient parsing accepted.
    """

    KIND = "CNG key data"
    _CANONICAL_RULE = "CKD-2"
    SECRET = frozenset({"key"})
    _BYTES_FIELDS = frozenset({"key"})

    key: bytes
    tolerated: tuple[Tolerance, ...] = ()

    @property
    def magic(self) -> bytes:
        """``KDBM``."""
        return b"KDBM"

    def _header_values(self) -> dict[str, int]:
        return {"version": 1, "cb_key_data": len(self.key)}

    @classmethod
    def _check_header(
        cls, kind: CngKind, values: Header, offsets: Mapping[str, int] | None
    ) -> None:
        version, cb_key_data = values["version"], values["cb_key_data"]
        if version == 1 and 0 < cb_key_data <= KEY_DATA_MAX:
            return  # The common case: CKD-1 and CKD-2 hold.
        _check_range(version, 1, 1, "version", offsets, "CKD-1")
        _check_range(cb_key_data, 1, KEY_DATA_MAX, "cb_key_data", offsets, "CKD-2")


# ---------------------------------------------------------------------------
# The table: every CNG kind, declared once.

_RSA_HEADER = (
    Slot("bit_length", U32, 4),
    Slot("cb_public_exp", U32, 4),
    Slot("cb_modulus", U32, 4),
    Slot("cb_prime1", U32, 4),
    Slot("cb_prime2", U32, 4),
)
_RSA_PUBLIC = (
    Slot("public_exponent", UINT, "cb_public_exp"),
    Slot("modulus", UINT, "cb_modulus"),
)
_RSA_PRIMES = (
    Slot("prime1", UINT, "cb_prime1", True),
    Slot("prime2", UINT, "cb_prime2", True),
)
_RSA_FULL = (
    Slot("exponent1", UINT, "cb_prime1", True),
    Slot("exponent2", UINT, "cb_prime2", True),
    Slot("coefficient", UINT, "cb_prime1", True),
    Slot("private_exponent", UINT, "cb_modulus", True),
)
_ECC_HEADER = (Slot("cb_key", U32, 4),)
_ECC_PUBLIC = (Slot("x", UINT, "cb_key"), Slot("y", UINT, "cb_key"))
_ECC_PRIVATE = (*_ECC_PUBLIC, Slot("d", UINT, "cb_key", True))
_ECC_FULL_HEADER = (
    Slot("version", U32, 4),
    Slot("curve_type", U32, 4),
    Slot("curve_generation_alg", U32, 4),
    Slot("cb_field_length", U32, 4),
    Slot("cb_subgroup_order", U32, 4),
    Slot("cb_cofactor", U32, 4),
    Slot("cb_seed", U32, 4),
)
_ECC_FULL_PUBLIC = (
    Slot("prime", UINT, "cb_field_length"),
    Slot("a", UINT, "cb_field_length"),
    Slot("b", UINT, "cb_field_length"),
    Slot("gx", UINT, "cb_field_length"),
    Slot("gy", UINT, "cb_field_length"),
    Slot("order", UINT, "cb_subgroup_order"),
    Slot("cofactor", UINT, "cb_cofactor"),
    Slot("seed", BYTES, "cb_seed"),
    Slot("x", UINT, "cb_field_length"),
    Slot("y", UINT, "cb_field_length"),
)
_ECC_FULL_PRIVATE = (*_ECC_FULL_PUBLIC, Slot("d", UINT, "cb_subgroup_order", True))
_DSA_HEADER = (
    Slot("cb_key", U32, 4),
    Slot("counter", BE32, 4),
    Slot("seed", BYTES, 20),
    Slot("q", UINT, 20),
)
_DSA_PUBLIC = (
    Slot("p", UINT, "cb_key"),
    Slot("g", UINT, "cb_key"),
    Slot("y", UINT, "cb_key"),
)
_DSA_V2_HEADER = (
    Slot("cb_key", U32, 4),
    Slot("hash_algorithm", U32, 4),
    Slot("standard_version", U32, 4),
    Slot("cb_seed_length", U32, 4),
    Slot("cb_group_size", U32, 4),
    Slot("counter", BE32, 4),
)
_DSA_V2_PUBLIC = (
    Slot("seed", BYTES, "cb_seed_length"),
    Slot("q", UINT, "cb_group_size"),
    *_DSA_PUBLIC,
)
_DH_HEADER = (Slot("cb_key", U32, 4),)
_DH_PUBLIC = (
    Slot("p", UINT, "cb_key"),
    Slot("g", UINT, "cb_key"),
    Slot("y", UINT, "cb_key"),
)

_ECC_KINDS: list[CngKind] = []
for _ecdh, _prefix in ((False, "ECDSA"), (True, "ECDH")):
    for _curve in ("P-256", "P-384", "P-521"):
        for _private in (False, True):
            _m = _ecc_magic(_ecdh, _curve, _private)
            _ECC_KINDS.append(
                CngKind(
                    _m,
                    f"BCRYPT_ECC{'PRIVATE' if _private else 'PUBLIC'}_BLOB "
                    f"(BCRYPT_{_prefix}_{'PRIVATE' if _private else 'PUBLIC'}_{_curve.replace('-', '')}_MAGIC)",
                    f"CNG-{_m.decode()}",
                    CngECCPrivateBlob if _private else CngECCPublicBlob,
                    _ECC_HEADER,
                    _ECC_PRIVATE if _private else _ECC_PUBLIC,
                )
            )
    for _private in (False, True):
        _m = _ecc_magic(_ecdh, None, _private)
        _ECC_KINDS.append(
            CngKind(
                _m,
                f"BCRYPT_ECC{'PRIVATE' if _private else 'PUBLIC'}_BLOB "
                f"(BCRYPT_{_prefix}_{'PRIVATE' if _private else 'PUBLIC'}_GENERIC_MAGIC)",
                f"CNG-{_m.decode()}",
                CngECCPrivateBlob if _private else CngECCPublicBlob,
                _ECC_HEADER,
                _ECC_PRIVATE if _private else _ECC_PUBLIC,
            )
        )

_TABLE: tuple[CngKind, ...] = (
    CngKind(
        b"RSA1",
        "BCRYPT_RSAPUBLIC_BLOB",
        "CNG-RSA1",
        CngRSAPublicBlob,
        _RSA_HEADER,
        _RSA_PUBLIC,
    ),
    CngKind(
        b"RSA2",
        "BCRYPT_RSAPRIVATE_BLOB",
        "CNG-RSA2",
        CngRSAPrivateBlob,
        _RSA_HEADER,
        (*_RSA_PUBLIC, *_RSA_PRIMES),
    ),
    CngKind(
        b"RSA3",
        "BCRYPT_RSAFULLPRIVATE_BLOB",
        "CNG-RSA3",
        CngRSAFullPrivateBlob,
        _RSA_HEADER,
        (*_RSA_PUBLIC, *_RSA_PRIMES, *_RSA_FULL),
    ),
    *_ECC_KINDS,
    CngKind(
        b"DSPB",
        "BCRYPT_DSA_PUBLIC_BLOB",
        "CNG-DSPB",
        CngDSAPublicBlob,
        _DSA_HEADER,
        _DSA_PUBLIC,
    ),
    CngKind(
        b"DSPV",
        "BCRYPT_DSA_PRIVATE_BLOB",
        "CNG-DSPV",
        CngDSAPrivateBlob,
        _DSA_HEADER,
        (*_DSA_PUBLIC, Slot("x", UINT, 20, True)),
    ),
    CngKind(
        b"DPB2",
        "BCRYPT_DSA_PUBLIC_BLOB (V2)",
        "CNG-DPB2",
        CngDSAPublicBlob,
        _DSA_V2_HEADER,
        _DSA_V2_PUBLIC,
    ),
    CngKind(
        b"DPV2",
        "BCRYPT_DSA_PRIVATE_BLOB (V2)",
        "CNG-DPV2",
        CngDSAPrivateBlob,
        _DSA_V2_HEADER,
        (*_DSA_V2_PUBLIC, Slot("x", UINT, "cb_group_size", True)),
    ),
    CngKind(
        b"DHPB",
        "BCRYPT_DH_PUBLIC_BLOB",
        "CNG-DHPB",
        CngDHPublicBlob,
        _DH_HEADER,
        _DH_PUBLIC,
    ),
    CngKind(
        b"DHPV",
        "BCRYPT_DH_PRIVATE_BLOB",
        "CNG-DHPV",
        CngDHPrivateBlob,
        _DH_HEADER,
        (*_DH_PUBLIC, Slot("x", UINT, "cb_key", True)),
    ),
    CngKind(
        b"KDBM",
        "BCRYPT_KEY_DATA_BLOB",
        "CNG-KDBM",
        CngKeyDataBlob,
        (Slot("version", U32, 4), Slot("cb_key_data", U32, 4)),
        (Slot("key", BYTES, "cb_key_data", True),),
    ),
)

#: Every CNG kind by its magic (the bytes at offset 0).
KINDS: dict[bytes, CngKind] = {k.magic: k for k in _TABLE}

#: BCRYPT_ECCFULLKEY_BLOB kinds, selected from a generic ECC magic by ``dwVersion`` 1 (SPEC §20.5).
FULL_KINDS: dict[bytes, CngKind] = {
    m: CngKind(
        m,
        f"BCRYPT_ECCFULL{'PRIVATE' if m[3:] == b'V' else 'PUBLIC'}_BLOB",
        f"CNG-FULL-{m.decode()}",
        CngECCFullKeyBlob,
        _ECC_FULL_HEADER,
        _ECC_FULL_PRIVATE if m[3:] == b"V" else _ECC_FULL_PUBLIC,
    )
    for m in (b"ECDP", b"ECDV", b"ECKP", b"ECKV")
}
#: BCRYPT_ECC_FULLKEY_BLOB_V1, the ``dwVersion`` that selects the full layout.
ECC_FULLKEY_VERSION = 1

CngBlob: TypeAlias = (
    CngRSAPublicBlob
    | CngRSAPrivateBlob
    | CngRSAFullPrivateBlob
    | CngECCPublicBlob
    | CngECCPrivateBlob
    | CngECCFullKeyBlob
    | CngDSAPublicBlob
    | CngDSAPrivateBlob
    | CngDHPublicBlob
    | CngDHPrivateBlob
    | CngKeyDataBlob
)
"""Any CNG model :func:`blobformat.parse` can return."""


def is_cng(data: bytes) -> bool:
    """Whether ``data`` starts with a CNG magic (SPEC §20.2).

    A CryptoAPI blob starts with its ``bType`` (0x01, 0x06..0x0C) and a PVK
    file with 0x1E; every CNG magic starts with an ASCII capital letter, so
    the first byte alone separates the two families.
    """
    return data[:4] in KINDS


# ---------------------------------------------------------------------------
# Decoding -- SPEC §20.2
# (recognise_other, for the structures whose magic sits at offset 4, lives in
# blobformat.codec.decode, which calls it.)


def _select(data: bytes) -> CngKind:
    kind = KINDS[data[:4]]
    if kind.magic in FULL_KINDS and data[4:8] == ECC_FULLKEY_VERSION.to_bytes(
        4, "little"
    ):
        # cbKey 1 is no curve; dwVersion 1 is BCRYPT_ECCFULLKEY_BLOB (SPEC §20.5).
        return FULL_KINDS[kind.magic]
    return kind


def _truncated(
    kind: CngKind, field: str, offset: int, needed: int, available: int, rule: str
) -> TruncatedError:
    return TruncatedError(
        f"input ends inside {field} of a {kind.name}",
        needed=needed,
        available=available,
        offset=offset,
        field=field,
        rule=rule,
    )


@dataclass(frozen=True, slots=True)
class _Plan:
    """A kind's layout prepared for decoding: one ``struct`` call reads the header."""

    header: struct.Struct
    #: Header field names, in order, and the positions of big-endian numbers among them.
    header_names: tuple[str, ...]
    header_numbers: tuple[int, ...]
    #: The positions of opaque bytes in the header (the DSA v1 seed), kept out of the numbers.
    header_bytes: tuple[int, ...]
    #: Per body slot: (path, fixed size or -1, index of the sizing ULONG in the
    #: unpacked header, is bytes).
    body_slots: tuple[tuple[str, int, int, bool], ...]
    #: The model's fields that decoding does not fill from the wire (set to None).
    absent: tuple[str, ...]
    #: The fields the magic implies (ECC curve and flavour, DSA version).
    implied: tuple[tuple[str, object], ...]
    #: Header fields that are model fields too: (name, position, is bytes).
    header_fields: tuple[tuple[str, int, bool], ...]


_PLANS: dict[CngKind, _Plan] = {}


def _plan(kind: CngKind) -> _Plan:
    plan = _PLANS.get(kind)
    if plan is None:
        fmt = "<4x" + "".join(
            "I" if s.kind == U32 else f"{s.size}s" for s in kind.header
        )
        names = [s.path for s in kind.header]
        body_slots = tuple(
            (
                s.path,
                s.size if isinstance(s.size, int) else -1,
                names.index(s.size) if isinstance(s.size, str) else -1,
                s.kind == BYTES,
            )
            for s in kind.body
        )
        implied = tuple(kind.model._model_args(kind, {}).items())
        filled = (
            {s.path for s in (*kind.header, *kind.body)}
            | {"tolerated"}
            | {k for k, _ in implied}
        )
        absent = tuple(
            f.name for f in dataclasses.fields(kind.model) if f.name not in filled
        )
        plan = _PLANS[kind] = _Plan(
            struct.Struct(fmt),
            tuple(s.path for s in kind.header),
            tuple(i for i, s in enumerate(kind.header) if s.kind in (UINT, BE32)),
            tuple(i for i, s in enumerate(kind.header) if s.kind == BYTES),
            body_slots,
            absent,
            implied,
            tuple(
                (s.path, i, s.kind == BYTES)
                for i, s in enumerate(kind.header)
                if s.path in _field_names(kind.model)
            ),
        )
    return plan


def _offsets(kind: CngKind, values: Header) -> dict[str, int]:
    """Every field's offset, for locating an error (computed only when one is raised)."""
    offsets = {"magic": 0}
    offset = 4
    for slot in kind.header:
        offsets[slot.path] = offset
        offset += int(slot.size)
    for slot in kind.body:
        offsets[slot.path] = offset
        size = slot.size if isinstance(slot.size, int) else values.get(slot.size, 0)
        offset += int(size)
    return offsets


def _header_values(plan: _Plan, data: bytes) -> tuple[tuple[Any, ...], dict[str, int]]:
    """The header as ``struct`` reads it and its numbers by name (the header is complete)."""
    # struct gives an int per ULONG ("I") and bytes per fixed field ("20s").
    raw = plan.header.unpack_from(data)
    names = plan.header_names
    if plan.header_bytes:
        values: dict[str, int] = {
            names[i]: int.from_bytes(v, "big") if i in plan.header_numbers else v
            for i, v in enumerate(raw)
            if i not in plan.header_bytes
        }
    else:
        values = dict(zip(names, raw, strict=True))
        for index in plan.header_numbers:
            values[names[index]] = int.from_bytes(raw[index], "big")
    return raw, values


def header_size(magic: bytes) -> int:
    """Bytes of magic and header of the kinds ``magic`` selects (the larger, for shared magics)."""
    sizes = [KINDS[magic].header_size]
    if magic in FULL_KINDS:
        sizes.append(FULL_KINDS[magic].header_size)
    return max(sizes)


def declared_size(data: bytes) -> int | None:
    """The length of the CNG blob at the start of ``data``, as its header declares.

    ``None`` when ``data`` does not start with a CNG magic, its header is
    incomplete, or the header breaks a rule (SPEC §20.2 steps before any
    number is read). The scanner sizes candidates with it; nothing after the
    header is read.
    """
    if data[:4] not in KINDS:
        return None
    kind = _select(data)
    plan = _plan(kind)
    if len(data) < plan.header.size:
        return None
    raw, values = _header_values(plan, data)
    try:
        kind.model._check_header(kind, values, None)
    except InvalidFieldError:
        return None
    total = plan.header.size
    for _path, fixed, source, _is_bytes in plan.body_slots:
        # Every sizing field is a ULONG of the header, so raw[source] is an int.
        total += fixed if fixed >= 0 else int(raw[source])
    return total


_FAST: dict[CngKind, Callable[[bytes], CngBlob | None]] = {}


def _fast(kind: CngKind) -> Callable[[bytes], CngBlob | None]:
    """The strict decoder of ``kind`` generated from its table entry (once per kind).

    It applies :func:`decode`'s rules in its order without locating errors:
    ``None`` on any doubt, and :func:`decode`'s generic path then raises the
    located error. Fields are written on a mutable twin of the model and the
    class switched, as the CryptoAPI decoders do (``model_base._builder``).
    """
    fast = _FAST.get(kind)
    if fast is not None:
        return fast
    plan = _plan(kind)
    model = kind.model
    names = plan.header_names
    value_of = {
        i: f"_f(t[{i}], 'big')" if i in plan.header_numbers else f"t[{i}]"
        for i in range(len(names))
        if i not in plan.header_bytes
    }
    values = ", ".join(f"{names[i]!r}: {expr}" for i, expr in value_of.items())
    lines = [
        "def _fn(d, _n=len, _f=int.from_bytes, _u=_unpack, _new=object.__new__):",
        f"    if _n(d) < {plan.header.size}:",
        "        return None",
        "    t = _u(d)",
        f"    values = {{{values}}}",
        "    try:",
        "        _check_header(_kind, values, None)",
        "    except _error:",
        "        return None",
    ]
    offset = str(plan.header.size)
    spans = []
    for k, (path, fixed, source, is_bytes) in enumerate(plan.body_slots):
        width = str(fixed) if fixed >= 0 else f"t[{source}]"
        lines.append(f"    o{k} = {offset}")
        spans.append((path, f"o{k}", f"o{k} + {width}", is_bytes))
        offset = f"o{k} + {width}"
    lines += [f"    if _n(d) != {offset}:", "        return None"]
    builder = _builder(model)
    lines.append(f"    o = _new({'_builder' if builder else '_model'})")

    def store(name: str, expr: str) -> str:
        return f"    o.{name} = {expr}" if builder else f"    _set(o, {name!r}, {expr})"

    for path, index, is_bytes in plan.header_fields:
        lines.append(store(path, f"t[{index}]" if is_bytes else value_of[index]))
    for path, start, end, is_bytes in spans:
        lines.append(
            store(
                path,
                f"d[{start}:{end}]" if is_bytes else f"_f(d[{start}:{end}], 'big')",
            )
        )
    namespace: dict[str, object] = {
        "_unpack": plan.header.unpack_from,
        "_check_header": model._check_header,
        "_kind": kind,
        "_error": InvalidFieldError,
        "_model": model,
        "_builder": builder,
        "_set": object.__setattr__,
    }
    for k, (name, implied) in enumerate(plan.implied):
        namespace[f"_i{k}"] = implied
        lines.append(store(name, f"_i{k}"))
    lines += [store(name, "None") for name in plan.absent]
    lines.append(store("tolerated", "()"))
    if builder:
        lines.append("    o.__class__ = _model")
    lines += [
        "    try:",
        "        o._check_body(values, None)",
        "    except _error:",
        "        return None",
        "    return o",
    ]
    # Generated once per kind from the table above, never from input values.
    text = "\n".join(lines) + "\n"
    code = compile(text, f"<blobformat {kind.name} fast decoder>", "exec")
    exec(code, namespace)  # noqa: S102
    fast = _FAST[kind] = cast("Callable[[bytes], CngBlob | None]", namespace["_fn"])
    return fast


def decode(data: bytes, *, lenient: bool = False) -> CngBlob:
    """Decode a CNG blob whose magic :func:`is_cng` recognised (SPEC §20.2).

    Order: the magic selects the kind; the fixed header must be present
    (CNG-1); the header rules run; the sizes the header declares are compared
    with the input (CNG-2) before any number is read; then the numbers are
    read and checked. The rules run without offsets first; only a failing
    input pays for locating its error.
    """
    kind = _select(data)
    if not lenient:
        found = (_FAST.get(kind) or _fast(kind))(data)
        if found is not None:
            return found
    plan = _plan(kind)
    size = len(data)
    if size < plan.header.size:
        offset = 4
        for slot in kind.header:
            if offset + int(slot.size) > size:
                raise _truncated(
                    kind, slot.path, offset, plan.header.size, size, "CNG-1"
                )
            offset += int(slot.size)
    raw, values = _header_values(plan, data)
    model = kind.model
    try:
        # A valid header returns after a few comparisons; only a failing one
        # pays for the offsets of its located error.
        model._check_header(kind, values, None)
    except InvalidFieldError:
        model._check_header(kind, values, _offsets(kind, values))
        raise  # pragma: no cover - the located call raises first
    # Every size is known now: compare the whole length with the input before reading on.
    offset = plan.header.size
    spans: list[tuple[str, int, int, bool]] = []
    for path, fixed, source, is_bytes in plan.body_slots:
        # Every sizing field is a ULONG of the header, so raw[source] is an int.
        width: int = fixed if fixed >= 0 else raw[source]
        spans.append((path, offset, width, is_bytes))
        offset += width
    if offset > size:
        for path, start, width, _ in spans:
            if start + width > size:
                raise _truncated(kind, path, start, offset, size, "CNG-2")
    tolerated: tuple[Tolerance, ...] = ()
    if size > offset:
        if not lenient:
            raise TrailingDataError(
                f"{size - offset} bytes follow the {kind.name}",
                extra=size - offset,
                offset=offset,
                rule="CNG-2",
            )
        tolerated = (
            Tolerance(
                "trailing-data",
                offset,
                f"{size - offset} bytes after the blob",
                "CNG-2",
            ),
        )
    obj = object.__new__(model)
    setattr_ = object.__setattr__
    for path, index, is_bytes in plan.header_fields:
        setattr_(obj, path, raw[index] if is_bytes else values[path])
    for path, start, width, is_bytes in spans:
        field = data[start : start + width]
        setattr_(obj, path, field if is_bytes else int.from_bytes(field, "big"))
    for name, implied in plan.implied:
        setattr_(obj, name, implied)
    for name in plan.absent:
        setattr_(obj, name, None)
    setattr_(obj, "tolerated", tolerated)
    # The body rules read the sizes from the wire header: a number whose size field
    # is its own length must not start with a zero byte (the encoding is unique).
    try:
        obj._check_body(values, None)
    except InvalidFieldError:
        obj._check_body(values, _offsets(kind, values))
        raise  # pragma: no cover - the located call raises first
    return obj


_FIELD_NAMES: dict[type, frozenset[str]] = {}


def _field_names(model: type) -> frozenset[str]:
    names = _FIELD_NAMES.get(model)
    if names is None:
        names = _FIELD_NAMES[model] = frozenset(
            f.name for f in dataclasses.fields(model)
        )
    return names


#: Each magic's strict fast decoder, for the magics one kind alone uses (made
#: on first use); the generic ECC magics, shared with the full key blob, go
#: through :func:`decode`, which selects the layout first.
_FAST_BY_MAGIC: dict[bytes, Callable[[bytes], CngBlob | None]] = {}


def _decode_entry(data: bytes, lenient: bool) -> CngBlob:
    """The registry's decoder of every CNG kind: the table selects the layout."""
    if not lenient:
        magic = data[:4]
        fast = _FAST_BY_MAGIC.get(magic)
        if fast is None and magic in KINDS and magic not in FULL_KINDS:
            fast = _FAST_BY_MAGIC[magic] = _fast(KINDS[magic])
        if fast is not None:
            found = fast(data)
            if found is not None:
                return found
    return decode(data, lenient=lenient)


def _magics(model: type[CngBlob], table: Mapping[bytes, CngKind]) -> tuple[bytes, ...]:
    """The magics of ``model``, from the table above (where they are written once)."""
    return tuple(m for m, k in table.items() if k.model is model)


def _entry(
    name: str, model: type[CngBlob], table: Mapping[bytes, CngKind] = KINDS
) -> _registry.Kind[CngBlob]:
    return _registry.Kind(
        name,
        model,
        framed=False,
        family="cng",
        magics=_magics(model, table),
        decode=_decode_entry,
    )


# The registry: one entry per CNG kind (SPEC §20); blobformat.parse finds them
# by magic (registry.BY_CNG_MAGIC) after its CryptoAPI fast path.
_registry.add(
    _entry("cng-rsa-public", CngRSAPublicBlob),
    _entry("cng-rsa-private", CngRSAPrivateBlob),
    _entry("cng-rsa-full-private", CngRSAFullPrivateBlob),
    _entry("cng-ecc-public", CngECCPublicBlob),
    _entry("cng-ecc-private", CngECCPrivateBlob),
    # Shares ECDP/ECDV/ECKP/ECKV (and so their decoder) with the two above.
    _entry("cng-ecc-full", CngECCFullKeyBlob, FULL_KINDS),
    _entry("cng-dsa-public", CngDSAPublicBlob),
    _entry("cng-dsa-private", CngDSAPrivateBlob),
    _entry("cng-dh-public", CngDHPublicBlob),
    _entry("cng-dh-private", CngDHPrivateBlob),
    _entry("cng-key-data", CngKeyDataBlob),
)
