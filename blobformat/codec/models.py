# SPDX-License-Identifier: Apache-2.0
"""Typed, frozen models of every blob kind (SPEC §4-§12).

One class per kind. A model holds information only: framing that the kind
fixes (``bType``, ``bVersion``, ``reserved``, the magic) is implied by the
class and written back by :meth:`to_bytes`. Every model validates itself on
construction with the same rules :func:`blobformat.parse` applies, so a
model that exists can be encoded, and ``parse(m.to_bytes()) == m``.

Numbers are plain ``int``; the wire's little-endian byte order and zero
padding are the codec's concern. Fields holding key material are marked
secret: ``repr`` and :meth:`layout` never show them.
"""

from __future__ import annotations

import functools
import math
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, TypeAlias, TypeVar

from blobformat.codec import registry as _registry
from blobformat.codec import schema as _schema
from blobformat.codec import validate as _validate
from blobformat.codec import wire as _wire
from blobformat.codec.cng import CngBlob
from blobformat.codec.decode import (
    HEADER_OFFSETS,
    header_values,
    parse,
    parse_as,
    read_header,
)
from blobformat.codec.model_base import (
    BlobHeader,
    DSSSeed,
    FieldSpan,
    Tolerance,
    _Model,
    row_index,
)
from blobformat.codec.validate import DH_ALGS, DSS_ALGS, RSA_ALGS, BitRange
from blobformat.constants import AlgClass, AlgId, BlobType, PVKKeyType, alg_name
from blobformat.errors import InvalidFieldError, ParseError

__all__ = [
    "AnyBlob",
    "Blob",
    "BlobHeader",
    "DHPrivateKeyBlob",
    "DHPrivateKeyBlobV3",
    "DHPublicKeyBlob",
    "DHPublicKeyBlobV3",
    "DSSPrivateKeyBlob",
    "DSSPrivateKeyBlobV3",
    "DSSPublicKeyBlob",
    "DSSPublicKeyBlobV3",
    "DSSSeed",
    "FieldSpan",
    "KeyStateBlob",
    "OpaqueKeyBlob",
    "PVKFile",
    "PlaintextKeyBlob",
    "PublicKeyBlobEx",
    "RSAPrivateKeyBlob",
    "RSAPublicKeyBlob",
    "SimpleBlob",
    "SymmetricWrapKeyBlob",
    "Tolerance",
]

_RSA_KEYX_ONLY = frozenset({AlgId.CALG_RSA_KEYX})
# Plain values for the session-key prefix checks, which run on every parse of
# a small blob (an IntEnum comparison costs more than an int one).
_RSA_KEYX: int = AlgId.CALG_RSA_KEYX.value
_SESSION_ALGS = _validate.SESSION_ALG_VALUES
_PTK_SIZES = _validate.PLAINTEXT_KEY_SIZES
_SIMPLE_ALG_AT, _SIMPLE_WRAP_AT = row_index(
    _schema.LAYOUTS["SIMPLE_BLOB"], "header.key_alg", "wrap_alg"
)
_PTK_ALG_AT, _PTK_SIZE_AT = row_index(
    _schema.LAYOUTS["PLAINTEXT_KEY_BLOB"], "header.key_alg", "key_size"
)
_KEY_WRAP_ALGS = frozenset({AlgId.CALG_3DES, AlgId.CALG_RC2})
_B = TypeVar("_B", bound="_Blob")


class _Blob(_Model):
    """A model that :func:`blobformat.parse` can return (every registered kind)."""

    __slots__ = ()

    @classmethod
    def from_bytes(
        cls: type[_B], data: bytes | bytearray | memoryview, *, lenient: bool = False
    ) -> _B:
        """Parse ``data`` and require it to be this kind of blob.

        :raises ParseError: as :func:`blobformat.parse` does.
        :raises UnsupportedBlobError: if the bytes are another kind.
        """
        return parse_as(cls, data, lenient=lenient)


def _check_p_and_seed(
    p: int, bits: int, seed: DSSSeed, offsets: Mapping[str, int] | None, rule: str
) -> None:
    """DSS-6/DH-6 (p fills its field) and DSS-7 (the seed counter is unambiguous)."""
    _validate.check_whole_bytes(
        p.bit_length(), bits, what="p", offsets=offsets, rule=rule
    )
    _validate.check_seed_counter(seed.counter, offsets=offsets)


# ---------------------------------------------------------------------------
# RSA -- SPEC §5


# Positions in a row of an RSA blob (public and private share the prefix), as
# module constants: the prefix check runs on every parse.
_RSA_ALG_AT, _RSA_BITS_AT, _RSA_EXP_AT = row_index(
    _schema.LAYOUTS["RSA_PUBLIC_KEY_BLOB"],
    "header.key_alg",
    "bit_length",
    "public_exponent",
)


class _RSABase(_Blob):
    __slots__ = ()
    RULE = "RSA-2"
    # Decoded, every number fills at most its field: with bitlen a multiple of
    # 8 (RSA-5) RSA-4 holds by size, and only the modulus' top byte is left.
    _DECODED_GUARD = "not o.bit_length & 7 and o.modulus >> (o.bit_length - 8)"
    #: RSA-1: the modulus sizes a blob may declare.
    BITS: ClassVar[BitRange] = BitRange(384, 16384)
    _ALG, _BITS, _EXP = _RSA_ALG_AT, _RSA_BITS_AT, _RSA_EXP_AT

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        bits, e, rng = row[_RSA_BITS_AT], row[_RSA_EXP_AT], _RSA_BITS
        if (
            row[_RSA_ALG_AT] in RSA_ALGS
            and rng.low <= bits <= rng.high
            and e > 2
            and e & 1
        ):
            return  # The common case: every rule below holds.
        _validate.check_alg(
            row[cls._ALG],
            RSA_ALGS,
            what="an RSA key blob",
            field="header.key_alg",
            offsets=offsets,
            rule="HDR-4",
        )
        rng.check(bits, field="bit_length", offsets=offsets, rule="RSA-1")
        if e < 3 or not e & 1:
            _validate.fail(
                "RSA public exponent must be odd and at least 3",
                field="public_exponent",
                offsets=offsets,
                rule="RSA-3",
                expected="an odd value >= 3",
                actual=str(e),
            )

    def _check_numbers(
        self, names: tuple[str, ...], offsets: Mapping[str, int] | None
    ) -> None:
        """RSA-4 for ``names`` and RSA-5 for the modulus (raises on the first failure)."""
        bits = getattr(self, "bit_length")  # noqa: B009
        for name in names:
            _validate.check_fits(
                getattr(self, name), bits, field=name, offsets=offsets, rule="RSA-4"
            )
        modulus: int = getattr(self, "modulus")  # noqa: B009
        _validate.check_whole_bytes(
            modulus.bit_length(), bits, what="modulus", offsets=offsets, rule="RSA-5"
        )


_RSA_BITS = _RSABase.BITS


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class RSAPublicKeyBlob(_RSABase):
    """PUBLICKEYBLOB with an RSA1 body (SPEC §5.1).

    :ivar key_alg: ``aiKeyAlg``: CALG_RSA_KEYX or CALG_RSA_SIGN.
    :ivar bit_length: ``RSAPUBKEY.bitlen``, the declared modulus size in bits.
    :ivar public_exponent: ``RSAPUBKEY.pubexp``.
    :ivar modulus: the modulus n.
    """

    KIND = "RSA public key"
    BLOB_TYPE = BlobType.PUBLICKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["RSA_PUBLIC_KEY_BLOB"]

    key_alg: AlgId
    bit_length: int
    public_exponent: int
    modulus: int
    tolerated: tuple[Tolerance, ...] = ()

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        bits = self.bit_length
        if not bits & 7 and self.modulus >> (bits - 8) and not self.modulus >> bits:
            return  # RSA-4 and RSA-5 hold: the modulus fills exactly its bytes.
        self._check_numbers(("modulus",), offsets)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class RSAPrivateKeyBlob(_RSABase):
    """PRIVATEKEYBLOB with an RSA2 body (SPEC §5.2).

    Field sizes: ``ceil(bit_length/8)`` bytes for ``modulus`` and
    ``private_exponent``, ``ceil(bit_length/16)`` for the five CRT fields.
    The numbers are not checked against each other here: that is
    :func:`blobformat.load_private_key`'s job.

    :ivar prime1: the prime p.
    :ivar prime2: the prime q.
    :ivar exponent1: d mod (p-1).
    :ivar exponent2: d mod (q-1).
    :ivar coefficient: q^-1 mod p.
    :ivar private_exponent: the private exponent d.
    """

    KIND = "RSA private key"
    BLOB_TYPE = BlobType.PRIVATEKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["RSA_PRIVATE_KEY_BLOB"]
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

    key_alg: AlgId
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

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        bits = self.bit_length
        half = (bits + 15) // 16 * 8
        crt = (
            self.prime1
            | self.prime2
            | self.exponent1
            | self.exponent2
            | self.coefficient
        )
        if (
            not bits & 7
            and self.modulus >> (bits - 8)
            and not (self.modulus | self.private_exponent) >> bits
            and not crt >> half
        ):
            return  # RSA-4 and RSA-5 hold (a decoded blob's sizes give most of it).
        self._check_numbers(("modulus", "private_exponent"), offsets)
        for name in ("prime1", "prime2", "exponent1", "exponent2", "coefficient"):
            _validate.check_fits(
                getattr(self, name), half, field=name, offsets=offsets, rule="RSA-4"
            )

    _SHORT_TAIL = "private_exponent"

    @classmethod
    def _recover_short_tail(
        cls, values: Mapping[str, _wire.Value], fragment: bytes, offset: int
    ) -> int:
        """Rebuild a shortened ``d`` from p, q, e and its low bytes (SPEC §13)."""
        p, q, e = values["prime1"], values["prime2"], values["public_exponent"]
        if not (isinstance(p, int) and isinstance(q, int) and isinstance(e, int)):
            raise TypeError("numbers")  # pragma: no cover
        low = int.from_bytes(fragment, "little")
        mask = (1 << (8 * len(fragment))) - 1
        candidates = []
        if p > 1 and q > 1:
            phi = (p - 1) * (q - 1)
            for modulus in (phi // math.gcd(p - 1, q - 1), phi):
                try:
                    candidates.append(pow(e, -1, modulus))
                except ValueError:
                    continue
        for d in candidates:
            if d & mask == low:
                return d
        raise InvalidFieldError(
            "shortened private exponent cannot be recovered from the primes",
            offset=offset,
            field="private_exponent",
            rule="RSA-2",
        )

    def public_blob(self) -> RSAPublicKeyBlob:
        """The matching PUBLICKEYBLOB."""
        return RSAPublicKeyBlob(
            key_alg=self.key_alg,
            bit_length=self.bit_length,
            public_exponent=self.public_exponent,
            modulus=self.modulus,
        )


# ---------------------------------------------------------------------------
# DSS -- SPEC §6


class _V2Base(_Blob):
    """The prefix rules DSS and DH version-2 blobs share: ALG_ID and bit length."""

    __slots__ = ()
    _ALGS: ClassVar[frozenset[AlgId]]
    _WHAT: ClassVar[str]
    _BITS_RULE: ClassVar[str]
    BITS: ClassVar[BitRange]
    # Both layouts put aiKeyAlg and bitlen at the same row positions.
    _ALG, _BITS = row_index(
        _schema.LAYOUTS["DSS_PUBLIC_KEY_BLOB"], "header.key_alg", "bit_length"
    )

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        if row[cls._ALG] in cls._ALGS and row[cls._BITS] in cls.BITS:
            return
        _validate.check_alg(
            row[cls._ALG],
            cls._ALGS,
            what=cls._WHAT,
            field="header.key_alg",
            offsets=offsets,
            rule="HDR-4",
        )
        cls.BITS.check(
            row[cls._BITS], field="bit_length", offsets=offsets, rule=cls._BITS_RULE
        )


class _DSSV2Base(_V2Base):
    __slots__ = ()
    RULE = "DSS-2"
    #: DSS-1: the sizes of p a version-2 blob may declare.
    BITS: ClassVar[BitRange] = BitRange(512, 1024, 64)
    _ALGS = DSS_ALGS
    _WHAT = "a DSS key blob"
    _BITS_RULE = "DSS-1"


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DSSPublicKeyBlob(_DSSV2Base):
    """PUBLICKEYBLOB with a DSS1 body, version 2 (SPEC §6.1).

    :ivar bit_length: ``DSSPUBKEY.bitlen``, the size of p in bits.
    :ivar p: prime modulus.
    :ivar q: 160-bit prime divisor of p-1.
    :ivar g: generator.
    :ivar y: public value g^x mod p.
    :ivar seed: DSSSEED.
    """

    KIND = "DSS public key"
    BLOB_TYPE = BlobType.PUBLICKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["DSS_PUBLIC_KEY_BLOB"]

    key_alg: AlgId
    bit_length: int
    p: int
    q: int
    g: int
    y: int
    seed: DSSSeed
    tolerated: tuple[Tolerance, ...] = ()

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        for name in ("p", "g", "y"):
            _validate.check_fits(
                getattr(self, name),
                self.bit_length,
                field=name,
                offsets=offsets,
                rule="DSS-5",
            )
        _validate.check_fits(self.q, 160, field="q", offsets=offsets, rule="DSS-5")
        _check_p_and_seed(self.p, self.bit_length, self.seed, offsets, "DSS-6")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DSSPrivateKeyBlob(_DSSV2Base):
    """PRIVATEKEYBLOB with a DSS2 body, version 2 (SPEC §6.1).

    The version-2 private blob carries x but not y; convert it with
    :func:`blobformat.load_private_key`, which computes y.

    :ivar x: private value (20 bytes on the wire).
    """

    KIND = "DSS private key"
    BLOB_TYPE = BlobType.PRIVATEKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["DSS_PRIVATE_KEY_BLOB"]
    SECRET = frozenset({"x"})

    key_alg: AlgId
    bit_length: int
    p: int
    q: int
    g: int
    x: int
    seed: DSSSeed
    tolerated: tuple[Tolerance, ...] = ()

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        for name in ("p", "g"):
            _validate.check_fits(
                getattr(self, name),
                self.bit_length,
                field=name,
                offsets=offsets,
                rule="DSS-5",
            )
        for name in ("q", "x"):
            _validate.check_fits(
                getattr(self, name), 160, field=name, offsets=offsets, rule="DSS-5"
            )
        _check_p_and_seed(self.p, self.bit_length, self.seed, offsets, "DSS-6")


@functools.cache
def _v3_index(layout: _schema.Layout) -> tuple[int, int, int, int, int | None]:
    """Row positions of aiKeyAlg, bitlenP, bitlenQ, bitlenJ and (private) bitlenX."""
    t = _wire.template(layout)
    alg, p, q, j = t.index(
        "header.key_alg", "bit_length_p", "bit_length_q", "bit_length_j"
    )
    return (
        alg,
        p,
        q,
        j,
        (t.names.index("bit_length_x") if "bit_length_x" in t.names else None),
    )


class _V3Base(_Blob):
    """Shared rules of DSS and DH version-3 blobs (SPEC §6.3, §7.2)."""

    __slots__ = ()
    _ALGS: ClassVar[frozenset[AlgId]]
    _BITS_RULE: ClassVar[str]
    _FIT_RULE: ClassVar[str]
    _P_RULE: ClassVar[str]
    _Q_REQUIRED: ClassVar[bool]
    _OPTIONAL_FIELDS = frozenset({"q", "j"})

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        i_alg, i_p, i_q, i_j, i_x = _v3_index(cls.LAYOUT)
        _validate.check_alg(
            row[i_alg],
            cls._ALGS,
            what=f"a {cls.KIND} blob",
            field="header.key_alg",
            offsets=offsets,
            rule="HDR-4",
        )
        bits_p: int = row[i_p]
        bits_q: int = row[i_q]
        bits_j: int = row[i_j]
        if cls.BITS is None:  # pragma: no cover - every V3 class declares its range
            raise TypeError(cls.__name__)
        cls.BITS.check(
            bits_p, field="bit_length_p", offsets=offsets, rule=cls._BITS_RULE
        )
        if cls._Q_REQUIRED:
            if bits_q not in (160, 224, 256):
                _validate.fail(
                    "bit length of Q out of range",
                    field="bit_length_q",
                    offsets=offsets,
                    rule=cls._BITS_RULE,
                    expected="160, 224 or 256",
                    actual=str(bits_q),
                )
        else:
            _validate.check_bit_length(
                bits_q,
                low=160,
                high=bits_p - 1,
                step=1,
                field="bit_length_q",
                offsets=offsets,
                rule=cls._BITS_RULE,
                allow_zero=True,
            )
        _validate.check_bit_length(
            bits_j,
            low=1,
            high=bits_p,
            step=1,
            field="bit_length_j",
            offsets=offsets,
            rule=cls._BITS_RULE,
            allow_zero=True,
        )
        if i_x is not None:
            _validate.check_bit_length(
                row[i_x],
                low=1,
                high=bits_q if bits_q else bits_p,
                step=1,
                field="bit_length_x",
                offsets=offsets,
                rule=cls._BITS_RULE,
            )

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        bits_p: int = getattr(self, "bit_length_p")  # noqa: B009
        checks: list[tuple[str, int]] = [("p", bits_p), ("g", bits_p), ("y", bits_p)]
        for name, bits_name in (
            ("q", "bit_length_q"),
            ("j", "bit_length_j"),
            ("x", "bit_length_x"),
        ):
            if not hasattr(self, bits_name):
                continue
            bits = getattr(self, bits_name)
            value = getattr(self, name)
            if (value is None) != (bits == 0):
                _validate.fail(
                    f"'{name}' must be present exactly when {bits_name} is non-zero",
                    field=name,
                    offsets=offsets,
                    rule=self._FIT_RULE,
                )
            if value is not None:
                checks.append((name, bits))
        for name, bits in checks:
            _validate.check_fits(
                getattr(self, name),
                bits,
                field=name,
                offsets=offsets,
                rule=self._FIT_RULE,
            )
        _check_p_and_seed(
            getattr(self, "p"),  # noqa: B009
            bits_p,
            getattr(self, "seed"),  # noqa: B009
            offsets,
            self._P_RULE,
        )


class _DSSV3(_V3Base):
    __slots__ = ()
    RULE = "DSS-4"
    #: DSS-3: the sizes of p a version-3 blob may declare.
    BITS = BitRange(512, 3072, 64)
    _ALGS = DSS_ALGS
    _BITS_RULE = "DSS-3"
    _FIT_RULE = "DSS-5"
    _P_RULE = "DSS-6"
    _Q_REQUIRED = True
    _OPTIONAL_FIELDS = frozenset({"j"})


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DSSPublicKeyBlobV3(_DSSV3):
    """PUBLICKEYBLOB with a DSS3 body, version 3 (SPEC §6.3).

    :ivar bit_length_p: bitlenP.
    :ivar bit_length_q: bitlenQ.
    :ivar bit_length_j: bitlenJ (0 when J is absent).
    :ivar j: (p-1)/q, or ``None`` when absent.
    """

    KIND = "DSS public key"
    BLOB_TYPE = BlobType.PUBLICKEYBLOB
    VERSION = 3
    LAYOUT = _schema.LAYOUTS["DSS_PUBLIC_KEY_BLOB_V3"]

    key_alg: AlgId
    bit_length_p: int
    bit_length_q: int
    bit_length_j: int
    seed: DSSSeed
    p: int
    q: int
    g: int
    j: int | None
    y: int
    tolerated: tuple[Tolerance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DSSPrivateKeyBlobV3(_DSSV3):
    """PRIVATEKEYBLOB with a DSS4 body, version 3 (SPEC §6.3).

    :ivar bit_length_x: bitlenX.
    :ivar x: private value.
    """

    KIND = "DSS private key"
    BLOB_TYPE = BlobType.PRIVATEKEYBLOB
    VERSION = 3
    LAYOUT = _schema.LAYOUTS["DSS_PRIVATE_KEY_BLOB_V3"]
    SECRET = frozenset({"x"})

    key_alg: AlgId
    bit_length_p: int
    bit_length_q: int
    bit_length_j: int
    bit_length_x: int
    seed: DSSSeed
    p: int
    q: int
    g: int
    j: int | None
    y: int
    x: int
    tolerated: tuple[Tolerance, ...] = ()


# ---------------------------------------------------------------------------
# Diffie-Hellman -- SPEC §7


class _DHV2Base(_V2Base):
    __slots__ = ()
    RULE = "DH-2"
    #: DH-1: the sizes of p a version-2 blob may declare.
    BITS: ClassVar[BitRange] = BitRange(512, 4096, 64)
    _ALGS = DH_ALGS
    _WHAT = "a DH key blob"
    _BITS_RULE = "DH-1"

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        bits: int = getattr(self, "bit_length")  # noqa: B009
        for name in ("p", "g", "x", "y"):
            if hasattr(self, name):
                _validate.check_fits(
                    getattr(self, name), bits, field=name, offsets=offsets, rule="DH-5"
                )
        if hasattr(self, "p"):
            p: int = getattr(self, "p")  # noqa: B009
            _validate.check_whole_bytes(
                p.bit_length(), bits, what="p", offsets=offsets, rule="DH-6"
            )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DHPublicKeyBlob(_DHV2Base):
    """PUBLICKEYBLOB with a DH1 body, version 2 (SPEC §7.1).

    Holds y only: p and g live in the provider and must be supplied to
    convert the key (:func:`blobformat.load_public_key`).
    """

    KIND = "DH public key"
    BLOB_TYPE = BlobType.PUBLICKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["DH_PUBLIC_KEY_BLOB"]
    # y is bitlen/8 bytes with bitlen a multiple of 64: DH-5 holds by size.
    _BODY_IMPLIED = True

    key_alg: AlgId
    bit_length: int
    y: int
    tolerated: tuple[Tolerance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DHPrivateKeyBlob(_DHV2Base):
    """PRIVATEKEYBLOB with a DH2 body, version 2 (SPEC §7.1)."""

    KIND = "DH private key"
    BLOB_TYPE = BlobType.PRIVATEKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["DH_PRIVATE_KEY_BLOB"]
    SECRET = frozenset({"x"})

    key_alg: AlgId
    bit_length: int
    p: int
    g: int
    x: int
    tolerated: tuple[Tolerance, ...] = ()


class _DHV3(_V3Base):
    __slots__ = ()
    RULE = "DH-4"
    #: DH-3: the sizes of p a version-3 blob may declare.
    BITS = BitRange(512, 4096, 64)
    _ALGS = DH_ALGS
    _BITS_RULE = "DH-3"
    _FIT_RULE = "DH-5"
    _P_RULE = "DH-6"
    _Q_REQUIRED = False


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DHPublicKeyBlobV3(_DHV3):
    """PUBLICKEYBLOB with a DH3 body, version 3 (SPEC §7.2).

    ``q`` and ``j`` are ``None`` when their bit lengths are 0.
    """

    KIND = "DH public key"
    BLOB_TYPE = BlobType.PUBLICKEYBLOB
    VERSION = 3
    LAYOUT = _schema.LAYOUTS["DH_PUBLIC_KEY_BLOB_V3"]

    key_alg: AlgId
    bit_length_p: int
    bit_length_q: int
    bit_length_j: int
    seed: DSSSeed
    p: int
    q: int | None
    g: int
    j: int | None
    y: int
    tolerated: tuple[Tolerance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DHPrivateKeyBlobV3(_DHV3):
    """PRIVATEKEYBLOB with a DH4 body, version 3 (SPEC §7.2)."""

    KIND = "DH private key"
    BLOB_TYPE = BlobType.PRIVATEKEYBLOB
    VERSION = 3
    LAYOUT = _schema.LAYOUTS["DH_PRIVATE_KEY_BLOB_V3"]
    SECRET = frozenset({"x"})

    key_alg: AlgId
    bit_length_p: int
    bit_length_q: int
    bit_length_j: int
    bit_length_x: int
    seed: DSSSeed
    p: int
    q: int | None
    g: int
    j: int | None
    y: int
    x: int
    tolerated: tuple[Tolerance, ...] = ()


# ---------------------------------------------------------------------------
# Session keys -- SPEC §8-§10


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SimpleBlob(_Blob):
    """SIMPLEBLOB: a session key encrypted to an RSA key-exchange key (SPEC §8).

    :ivar key_alg: ``aiKeyAlg``: the *session key's* algorithm.
    :ivar wrap_alg: the ALG_ID after the header: the wrapping key's algorithm
        (always CALG_RSA_KEYX).
    :ivar encrypted_key: the RSA ciphertext exactly as stored
        (little-endian, modulus-sized).
    """

    KIND = "session key (SIMPLEBLOB)"
    BLOB_TYPE = BlobType.SIMPLEBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["SIMPLE_BLOB"]
    RULE = "SMP-3"
    _BYTES_FIELDS = frozenset({"encrypted_key"})
    _ALG_FIELDS = frozenset({"wrap_alg"})
    _ALG, _WRAP = row_index(
        _schema.LAYOUTS["SIMPLE_BLOB"], "header.key_alg", "wrap_alg"
    )

    key_alg: AlgId
    wrap_alg: AlgId
    encrypted_key: bytes
    tolerated: tuple[Tolerance, ...] = ()

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        if row[_SIMPLE_ALG_AT] in _SESSION_ALGS and row[_SIMPLE_WRAP_AT] == _RSA_KEYX:
            return  # The common case: SMP-1 and SMP-2 hold.
        _validate.check_session_alg(
            row[cls._ALG],
            what="a SIMPLEBLOB's aiKeyAlg",
            field="header.key_alg",
            offsets=offsets,
            rule="SMP-2",
        )
        _validate.check_alg(
            row[cls._WRAP],
            _RSA_KEYX_ONLY,
            what="the wrapping key of a SIMPLEBLOB",
            field="wrap_alg",
            offsets=offsets,
            rule="SMP-1",
        )

    _REST_MAX = 2048
    # The fast decoder has already bounded the rest by _REST_MAX.
    _DECODED_GUARD = "len(o.encrypted_key) >= 48"

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        self._check_rest(len(self.encrypted_key), offsets)

    @classmethod
    def _check_rest(cls, size: int, offsets: Mapping[str, int] | None) -> None:
        if not 48 <= size <= cls._REST_MAX:
            _validate.fail(
                "encrypted key length is not an RSA modulus size",
                field="encrypted_key",
                offsets=offsets,
                rule="SMP-3",
                expected="48..2048 bytes",
                actual=f"{size} bytes",
            )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PlaintextKeyBlob(_Blob):
    """PLAINTEXTKEYBLOB: a session key in clear (SPEC §9).

    :ivar key_alg: the key's algorithm.
    :ivar key: the raw key bytes (``dwKeySize`` is their length). DES keys
        are 8 bytes including parity bits, which are kept as given.
    """

    KIND = "session key (PLAINTEXTKEYBLOB)"
    BLOB_TYPE = BlobType.PLAINTEXTKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["PLAINTEXT_KEY_BLOB"]
    RULE = "PTK-2"
    SECRET = frozenset({"key"})
    _BYTES_FIELDS = frozenset({"key"})
    _WIRE_EXPR: ClassVar[Mapping[str, str]] = {"key_size": "len(o.key)"}

    # PTK-3 is checked on the prefix, before the key is read.
    _BODY_IMPLIED = True
    _ALG, _SIZE = row_index(
        _schema.LAYOUTS["PLAINTEXT_KEY_BLOB"], "header.key_alg", "key_size"
    )

    key_alg: AlgId
    key: bytes
    tolerated: tuple[Tolerance, ...] = ()

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        if row[_PTK_SIZE_AT] in _PTK_SIZES.get(row[_PTK_ALG_AT], ()):
            return  # PTK-1 and PTK-3: only data-encryption algorithms have sizes here.
        alg = _validate.check_session_alg(
            row[cls._ALG],
            what="a PLAINTEXTKEYBLOB's aiKeyAlg",
            field="header.key_alg",
            offsets=offsets,
            rule="PTK-1",
            classes=frozenset({AlgClass.DATA_ENCRYPT}),
        )
        _validate.check_plaintext_key_size(
            alg, row[cls._SIZE], field="key_size", offsets=offsets
        )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SymmetricWrapKeyBlob(_Blob):
    """SYMMETRICWRAPKEYBLOB: a key wrapped with a symmetric key (SPEC §10).

    :ivar key_alg: the wrapped key's algorithm.
    :ivar wrap_alg: the key-encryption key's algorithm (CALG_3DES or CALG_RC2).
    :ivar wrapped_key: the RFC 3217 key-wrap output.
    """

    KIND = "session key (SYMMETRICWRAPKEYBLOB)"
    BLOB_TYPE = BlobType.SYMMETRICWRAPKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["SYMMETRIC_WRAP_KEY_BLOB"]
    RULE = "SWK-3"
    _BYTES_FIELDS = frozenset({"wrapped_key"})
    _ALG_FIELDS = frozenset({"wrap_alg"})

    key_alg: AlgId
    wrap_alg: AlgId
    wrapped_key: bytes
    tolerated: tuple[Tolerance, ...] = ()

    _ALG, _WRAP = row_index(
        _schema.LAYOUTS["SYMMETRIC_WRAP_KEY_BLOB"], "header.key_alg", "wrap_alg"
    )

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        if (
            row[cls._ALG] in _validate.DATA_ALG_VALUES
            and row[cls._WRAP] in _KEY_WRAP_ALGS
        ):
            return
        _validate.check_session_alg(
            row[cls._ALG],
            what="a SYMMETRICWRAPKEYBLOB's aiKeyAlg",
            field="header.key_alg",
            offsets=offsets,
            rule="SWK-2",
            classes=frozenset({AlgClass.DATA_ENCRYPT}),
        )
        _validate.check_alg(
            row[cls._WRAP],
            _KEY_WRAP_ALGS,
            what="the key-encryption key of a SYMMETRICWRAPKEYBLOB",
            field="wrap_alg",
            offsets=offsets,
            rule="SWK-1",
        )

    _REST_MAX = 272

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        self._check_rest(len(self.wrapped_key), offsets)

    @classmethod
    def _check_rest(cls, size: int, offsets: Mapping[str, int] | None) -> None:
        if not (24 <= size <= 272 and size % 8 == 0):
            _validate.fail(
                "wrapped key length is not an RFC 3217 key-wrap output length",
                field="wrapped_key",
                offsets=offsets,
                rule="SWK-3",
                expected="24..272 bytes, a multiple of 8",
                actual=f"{size} bytes",
            )


class _OpaqueBase(_Blob):
    __slots__ = ()
    _BODY_IMPLIED = True
    VERSION = None
    LAYOUT = _schema.LAYOUTS["OPAQUE_BLOB"]
    RULE = "HDR-6"
    SECRET = frozenset({"body"})
    _BYTES_FIELDS = frozenset({"body"})
    _VERSION, _ALG = row_index(
        _schema.LAYOUTS["OPAQUE_BLOB"], "header.version", "header.key_alg"
    )

    def _version(self) -> int:
        return int(getattr(self, "version"))  # noqa: B009

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        # A hand-built model may hold values the header cannot: say so plainly.
        if row[cls._VERSION] > 0xFF:
            raise TypeError("version must be an int in 0..255")
        if row[cls._ALG] > 0xFFFFFFFF:
            raise TypeError("key_alg must be an int in 0..0xFFFFFFFF")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OpaqueKeyBlob(_OpaqueBase):
    """OPAQUEKEYBLOB: provider-private, kept as bytes (SPEC §11).

    :ivar version: ``bVersion`` as found.
    :ivar key_alg: ``aiKeyAlg`` as found.
    :ivar body: everything after the header.
    """

    KIND = "opaque key (OPAQUEKEYBLOB)"
    BLOB_TYPE = BlobType.OPAQUEKEYBLOB

    version: int
    key_alg: int
    body: bytes
    tolerated: tuple[Tolerance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PublicKeyBlobEx(_OpaqueBase):
    """PUBLICKEYBLOBEX: undocumented body, kept as bytes (SPEC §11)."""

    KIND = "PUBLICKEYBLOBEX"
    BLOB_TYPE = BlobType.PUBLICKEYBLOBEX
    SECRET = frozenset()

    version: int
    key_alg: int
    body: bytes
    tolerated: tuple[Tolerance, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class KeyStateBlob(_OpaqueBase):
    """KEYSTATEBLOB: undocumented body, kept as bytes (SPEC §11)."""

    KIND = "key state (KEYSTATEBLOB)"
    BLOB_TYPE = BlobType.KEYSTATEBLOB

    version: int
    key_alg: int
    body: bytes
    tolerated: tuple[Tolerance, ...] = ()


PrivateKeyBlob: TypeAlias = RSAPrivateKeyBlob | DSSPrivateKeyBlob | DSSPrivateKeyBlobV3


_PVK = _schema.LAYOUTS["PVK_FILE"]
#: The ALG_IDs a PVK file's key type allows (SPEC §12, PVK-8).
_PVK_ALGS = {
    PVKKeyType.AT_KEYEXCHANGE: frozenset({AlgId.CALG_RSA_KEYX}),
    PVKKeyType.AT_SIGNATURE: frozenset({AlgId.CALG_RSA_SIGN, AlgId.CALG_DSS_SIGN}),
}


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PVKFile(_Blob):
    """A PVK file: header, salt and a PRIVATEKEYBLOB (SPEC §12).

    :ivar key_type: AT_KEYEXCHANGE or AT_SIGNATURE.
    :ivar encrypted: whether the blob body is RC4-encrypted.
    :ivar salt: the salt (empty when not encrypted).
    :ivar key_data: the key blob as stored: a PRIVATEKEYBLOB whose bytes
        after the 8-byte BLOBHEADER are encrypted when ``encrypted``.
    :ivar blob: the parsed inner blob of an unencrypted file, else ``None``.
    """

    KIND = "PVK file"
    BLOB_TYPE = BlobType.PRIVATEKEYBLOB
    VERSION = 2
    LAYOUT = _PVK
    RULE = "PVK-6"
    # "key_data" is the attribute, "key" its field in layout(): both are secret.
    SECRET = frozenset({"key_data", "key"})
    _BYTES_FIELDS = frozenset({"salt", "key_data"})

    key_type: PVKKeyType
    encrypted: bool
    salt: bytes
    key_data: bytes
    blob: PrivateKeyBlob | None = field(default=None, init=False, compare=False)
    tolerated: tuple[Tolerance, ...] = ()

    MAX_SALT: ClassVar[int] = 10240
    MAX_KEY: ClassVar[int] = 102400
    #: The key blobs a PVK file may hold (PVK-7).
    KEY_KINDS: ClassVar[tuple[type[PrivateKeyBlob], ...]]

    _WIRE_EXPR: ClassVar[Mapping[str, str]] = {
        "header.reserved": "0",
        "header.key_type": "int(o.key_type)",
        "header.encrypted": "(1 if o.encrypted else 0)",
        "header.salt_length": "len(o.salt)",
        "header.key_length": "len(o.key_data)",
        "salt": "o.salt",
        "key": "o.key_data",
    }
    _RESERVED, _KEY_TYPE, _ENCRYPTED, _SALT_LENGTH, _KEY_LENGTH, _SALT, _KEY = (
        row_index(
            _PVK,
            "header.reserved",
            "header.key_type",
            "header.encrypted",
            "header.salt_length",
            "header.key_length",
            "salt",
            "key",
        )
    )

    @classmethod
    def _from_row(
        cls, row: _wire.Row, tolerated: tuple[Tolerance, ...] = ()
    ) -> PVKFile:
        # The validating constructor: its __post_init__ parses the inner blob.
        return cls(
            key_type=PVKKeyType(row[cls._KEY_TYPE]),
            encrypted=row[cls._ENCRYPTED] == 1,
            salt=row[cls._SALT],
            key_data=row[cls._KEY],
            tolerated=tolerated,
        )

    @property
    def header(self) -> BlobHeader:
        """The clear BLOBHEADER of the inner key blob."""
        return read_header(self.key_data, base=24 + len(self.salt))

    @classmethod
    def _from_wire(
        cls,
        values: Mapping[str, _wire.Value],
        tolerated: tuple[Tolerance, ...] = (),
    ) -> PVKFile:
        row = tuple([values.get(name) for name in _wire.template(_PVK).names])
        return cls._from_row(row, tolerated)

    def _check_types(self) -> None:
        encrypted: object = self.encrypted
        salt: object = self.salt
        key_data: object = self.key_data
        if not isinstance(encrypted, bool):
            raise TypeError("PVKFile.encrypted must be a bool")
        if not isinstance(salt, bytes) or not isinstance(key_data, bytes):
            raise TypeError("PVKFile.salt and PVKFile.key_data must be bytes")

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        """PVK-1..PVK-5, checked on the header before the salt and key are read."""
        reserved = row[cls._RESERVED]
        if reserved != 0:
            _validate.fail(
                "PVK reserved field must be 0",
                field="header.reserved",
                offsets=offsets,
                rule="PVK-1",
                expected="0",
                actual=str(reserved),
            )
        key_type = row[cls._KEY_TYPE]
        if key_type not in (PVKKeyType.AT_KEYEXCHANGE, PVKKeyType.AT_SIGNATURE):
            _validate.fail(
                "PVK key type must be AT_KEYEXCHANGE (1) or AT_SIGNATURE (2)",
                field="header.key_type",
                offsets=offsets,
                rule="PVK-2",
                expected="1 or 2",
                actual=str(key_type),
            )
        encrypted = row[cls._ENCRYPTED]
        if encrypted not in (0, 1):
            _validate.fail(
                "PVK encrypted flag must be 0 or 1",
                field="header.encrypted",
                offsets=offsets,
                rule="PVK-3",
                expected="0 or 1",
                actual=str(encrypted),
            )
        salt_length = row[cls._SALT_LENGTH]
        if encrypted and not 1 <= salt_length <= cls.MAX_SALT:
            _validate.fail(
                "salt length of an encrypted PVK out of range",
                field="header.salt_length",
                offsets=offsets,
                rule="PVK-4",
                expected=f"1..{cls.MAX_SALT}",
                actual=str(salt_length),
            )
        if not encrypted and salt_length != 0:
            _validate.fail(
                "an unencrypted PVK has no salt",
                field="header.salt_length",
                offsets=offsets,
                rule="PVK-4",
                expected="0",
                actual=str(salt_length),
            )
        key_length = row[cls._KEY_LENGTH]
        if not 8 <= key_length <= cls.MAX_KEY:
            _validate.fail(
                "PVK key length out of range",
                field="header.key_length",
                offsets=offsets,
                rule="PVK-5",
                expected=f"8..{cls.MAX_KEY}",
                actual=str(key_length),
            )

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        object.__setattr__(self, "blob", self._check_key())

    def _check_key(self) -> PrivateKeyBlob | None:
        """PVK-7, PVK-8 and the key blob; parse it when it is not encrypted."""
        # The lengths were checked with the header, so the key data holds at
        # least the 8-byte BLOBHEADER.
        base = 24 + len(self.salt)
        blob_type, version, reserved, key_alg = header_values(self.key_data)
        inner = {f"key.{k}": base + v for k, v in HEADER_OFFSETS.items()}
        if blob_type != BlobType.PRIVATEKEYBLOB:
            _validate.fail(
                "a PVK file must hold a PRIVATEKEYBLOB",
                field="key.header.blob_type",
                offsets=inner,
                rule="PVK-7",
                expected="0x07 (PRIVATEKEYBLOB)",
                actual=f"0x{blob_type:02X}",
            )
        allowed = _PVK_ALGS[self.key_type]
        if key_alg not in allowed:
            _validate.fail(
                "PVK key type does not match the key blob's ALG_ID",
                field="key.header.key_alg",
                offsets=inner,
                rule="PVK-8",
                expected=" or ".join(sorted(a.name for a in allowed))
                + f" for key type {self.key_type.name}",
                actual=alg_name(key_alg),
            )
        if self.encrypted:
            # Only the BLOBHEADER is in clear; the body is checked after decryption.
            if reserved != 0:
                _validate.fail(
                    "BLOBHEADER.reserved must be 0",
                    field="key.header.reserved",
                    offsets=inner,
                    rule="HDR-3",
                    expected="0",
                    actual=str(reserved),
                )
            if version not in (2, 3):
                _validate.fail(
                    "bVersion of a private key blob must be 2 or 3",
                    field="key.header.version",
                    offsets=inner,
                    rule="HDR-2",
                    expected="2 or 3",
                    actual=str(version),
                )
            return None
        try:
            blob = parse(self.key_data)
        except ParseError as err:
            raise err.relocated(base, "key") from None
        if not isinstance(blob, PrivateKeyBlob):
            _validate.fail(
                "a PVK file must hold an RSA or DSS private key blob",
                field="key.magic",
                offsets={"key.magic": base + 8},
                rule="PVK-7",
                expected="RSA2, DSS2 or DSS4",
                actual=type(blob).__name__,
            )
        return blob


PVKFile.KEY_KINDS = typing.get_args(PrivateKeyBlob)


Blob: TypeAlias = (
    RSAPublicKeyBlob
    | RSAPrivateKeyBlob
    | DSSPublicKeyBlob
    | DSSPrivateKeyBlob
    | DSSPublicKeyBlobV3
    | DSSPrivateKeyBlobV3
    | DHPublicKeyBlob
    | DHPrivateKeyBlob
    | DHPublicKeyBlobV3
    | DHPrivateKeyBlobV3
    | SimpleBlob
    | PlaintextKeyBlob
    | SymmetricWrapKeyBlob
    | OpaqueKeyBlob
    | PublicKeyBlobEx
    | KeyStateBlob
    | PVKFile
)
"""Any CryptoAPI or PVK model (the registry's kinds); :func:`blobformat.parse`
returns these or a CNG model (:data:`AnyBlob`)."""

AnyBlob: TypeAlias = Blob | CngBlob
"""Any model :func:`blobformat.parse` can return: CryptoAPI, PVK or CNG (SPEC §20)."""


# The registry: one entry per kind (SPEC §4.2 and §12); the dispatcher and
# the scanner derive their tables from these entries.
_registry.add(
    _registry.Kind("rsa-public", RSAPublicKeyBlob),
    _registry.Kind("rsa-private", RSAPrivateKeyBlob),
    _registry.Kind("dss-public", DSSPublicKeyBlob),
    _registry.Kind("dss-private", DSSPrivateKeyBlob),
    _registry.Kind("dss-public-v3", DSSPublicKeyBlobV3),
    _registry.Kind("dss-private-v3", DSSPrivateKeyBlobV3),
    _registry.Kind("dh-public", DHPublicKeyBlob),
    _registry.Kind("dh-private", DHPrivateKeyBlob),
    _registry.Kind("dh-public-v3", DHPublicKeyBlobV3),
    _registry.Kind("dh-private-v3", DHPrivateKeyBlobV3),
    _registry.Kind("simpleblob", SimpleBlob),
    _registry.Kind("plaintextkeyblob", PlaintextKeyBlob),
    _registry.Kind("symmetricwrapkeyblob", SymmetricWrapKeyBlob),
    _registry.Kind("opaquekeyblob", OpaqueKeyBlob, opaque=True),
    _registry.Kind("publickeyblobex", PublicKeyBlobEx, opaque=True),
    _registry.Kind("keystateblob", KeyStateBlob, opaque=True),
    _registry.Kind("pvk", PVKFile, framed=False),
)
