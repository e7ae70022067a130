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

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import ClassVar, TypeAlias

from blobformat.codec import schema as _schema
from blobformat.codec import validate as _validate
from blobformat.codec import wire as _wire
from blobformat.codec.cng import CngBlob
from blobformat.codec.model_base import (
    BlobHeader,
    DSSSeed,
    FieldSpan,
    Tolerance,
    _Assembler,
    _Model,
    _prefix_index,
)
from blobformat.codec.validate import DH_ALGS, DSS_ALGS, RSA_ALGS
from blobformat.constants import AlgClass, AlgId, BlobType, PVKKeyType

__all__ = [
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
_KEY_WRAP_ALGS = frozenset({AlgId.CALG_3DES, AlgId.CALG_RC2})
_DSS_V2_BITS = frozenset(range(512, 1025, 64))
_DH_V2_BITS = frozenset(range(512, 4097, 64))


def _check_p_and_seed(
    p: int, bits: int, seed: DSSSeed, offsets: Mapping[str, int] | None, rule: str
) -> None:
    """DSS-6/DH-6 (p fills its field) and DSS-7 (the seed counter is unambiguous)."""
    _validate.check_whole_bytes(p.bit_length(), bits, what="p", offsets=offsets, rule=rule)
    _validate.check_seed_counter(seed.counter, offsets=offsets)


# ---------------------------------------------------------------------------
# RSA -- SPEC §5


class _RSABase(_Model):
    __slots__ = ()
    RULE = "RSA-2"
    _ALG, _BITS, _EXP = _prefix_index("RSA_PUBLIC_KEY_BLOB", "header.key_alg", "bit_length", "public_exponent")

    @classmethod
    def _prefix_ok(cls, head: tuple[_wire.Value, ...]) -> bool:
        e = head[cls._EXP]
        return bool(
            head[cls._ALG] in RSA_ALGS
            and 384 <= head[cls._BITS] <= 16384  # type: ignore[operator]
            and e > 2  # type: ignore[operator]
            and e & 1  # type: ignore[operator]
        )

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        _validate.check_alg(
            values["header.key_alg"],  # type: ignore[arg-type]
            RSA_ALGS,
            what="an RSA key blob",
            field="header.key_alg",
            offsets=offsets,
            rule="HDR-4",
        )
        _validate.check_bit_length(
            values["bit_length"],  # type: ignore[arg-type]
            low=384,
            high=16384,
            step=1,
            field="bit_length",
            offsets=offsets,
            rule="RSA-1",
        )
        e = values["public_exponent"]
        if not isinstance(e, int) or e < 3 or not e & 1:
            _validate.fail(
                "RSA public exponent must be odd and at least 3",
                field="public_exponent",
                offsets=offsets,
                rule="RSA-3",
                expected="an odd value >= 3",
                actual=str(e),
            )

    def _check_numbers(self, names: tuple[str, ...], offsets: Mapping[str, int] | None) -> None:
        bits = getattr(self, "bit_length")  # noqa: B009
        for name in names:
            _validate.check_fits(
                getattr(self, name), bits, field=name, offsets=offsets, rule="RSA-4"
            )
        modulus: int = getattr(self, "modulus")  # noqa: B009
        _validate.check_whole_bytes(
            modulus.bit_length(), bits, what="modulus", offsets=offsets, rule="RSA-5"
        )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class RSAPublicKeyBlob(_RSABase):
    """PUBLICKEYBLOB with an RSA1 body (SPEC §5.1).

    :ivar key_alg: ``aiKeyAlg``: CALG_RSA_KEYX or CALG_RSA_SIGN.
    :ivar bit_length: ``RSAPUBKEY.bitlen``, the declared modulus size in bits.
    :ivar public_exponent: ``RSAPUBKEY.pubexp``.
    :ivar modulus: n.
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
        self._check_numbers(("modulus",), offsets)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class RSAPrivateKeyBlob(_RSABase):
    """PRIVATEKEYBLOB with an RSA2 body (SPEC §5.2).

    Field sizes: ``ceil(bit_length/8)`` bytes for ``modulus`` and
    ``private_exponent``, ``ceil(bit_length/16)`` for the five CRT fields.
    The numbers are not checked against each other here: that is
    :func:`blobformat.load_private_key`'s job.

    :ivar prime1: p.  :ivar prime2: q.
    :ivar exponent1: d mod (p-1).  :ivar exponent2: d mod (q-1).
    :ivar coefficient: q^-1 mod p.  :ivar private_exponent: d.
    """

    KIND = "RSA private key"
    BLOB_TYPE = BlobType.PRIVATEKEYBLOB
    VERSION = 2
    LAYOUT = _schema.LAYOUTS["RSA_PRIVATE_KEY_BLOB"]
    SECRET = frozenset(
        {"prime1", "prime2", "exponent1", "exponent2", "coefficient", "private_exponent"}
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
        self._check_numbers(("modulus", "private_exponent"), offsets)
        half = (self.bit_length + 15) // 16 * 8
        for name in ("prime1", "prime2", "exponent1", "exponent2", "coefficient"):
            _validate.check_fits(
                getattr(self, name), half, field=name, offsets=offsets, rule="RSA-4"
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


class _DSSV2Base(_Model):
    __slots__ = ()
    RULE = "DSS-2"
    _ALG, _BITS = _prefix_index("DSS_PUBLIC_KEY_BLOB", "header.key_alg", "bit_length")

    @classmethod
    def _prefix_ok(cls, head: tuple[_wire.Value, ...]) -> bool:
        return head[cls._ALG] == AlgId.CALG_DSS_SIGN and head[cls._BITS] in _DSS_V2_BITS

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        _validate.check_alg(
            values["header.key_alg"],  # type: ignore[arg-type]
            DSS_ALGS,
            what="a DSS key blob",
            field="header.key_alg",
            offsets=offsets,
            rule="HDR-4",
        )
        _validate.check_bit_length(
            values["bit_length"],  # type: ignore[arg-type]
            low=512,
            high=1024,
            step=64,
            field="bit_length",
            offsets=offsets,
            rule="DSS-1",
        )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DSSPublicKeyBlob(_DSSV2Base):
    """PUBLICKEYBLOB with a DSS1 body, version 2 (SPEC §6.1).

    :ivar bit_length: ``DSSPUBKEY.bitlen``, the size of p in bits.
    :ivar p: prime modulus.  :ivar q: 160-bit prime divisor of p-1.
    :ivar g: generator.  :ivar y: public value g^x mod p.
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
                getattr(self, name), self.bit_length, field=name, offsets=offsets, rule="DSS-5"
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
                getattr(self, name), self.bit_length, field=name, offsets=offsets, rule="DSS-5"
            )
        for name in ("q", "x"):
            _validate.check_fits(
                getattr(self, name), 160, field=name, offsets=offsets, rule="DSS-5"
            )
        _check_p_and_seed(self.p, self.bit_length, self.seed, offsets, "DSS-6")


class _V3Base(_Model):
    """Shared rules of DSS and DH version-3 blobs (SPEC §6.3, §7.2)."""

    __slots__ = ()
    _ALGS: ClassVar[frozenset[AlgId]]
    _P_MAX: ClassVar[int]
    _BITS_RULE: ClassVar[str]
    _FIT_RULE: ClassVar[str]
    _P_RULE: ClassVar[str]
    _Q_REQUIRED: ClassVar[bool]
    _OPTIONAL_FIELDS = frozenset({"q", "j"})

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        _validate.check_alg(
            values["header.key_alg"],  # type: ignore[arg-type]
            cls._ALGS,
            what=f"a {cls.KIND} blob",
            field="header.key_alg",
            offsets=offsets,
            rule="HDR-4",
        )
        bits_p = values["bit_length_p"]
        bits_q = values["bit_length_q"]
        bits_j = values["bit_length_j"]
        if not (isinstance(bits_p, int) and isinstance(bits_q, int) and isinstance(bits_j, int)):
            raise TypeError("bit lengths must be int")  # pragma: no cover
        _validate.check_bit_length(
            bits_p,
            low=512,
            high=cls._P_MAX,
            step=64,
            field="bit_length_p",
            offsets=offsets,
            rule=cls._BITS_RULE,
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
        if "bit_length_x" in values:
            bits_x = values["bit_length_x"]
            high = bits_q if bits_q else bits_p
            _validate.check_bit_length(
                bits_x,  # type: ignore[arg-type]
                low=1,
                high=high,
                step=1,
                field="bit_length_x",
                offsets=offsets,
                rule=cls._BITS_RULE,
            )

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        bits_p: int = getattr(self, "bit_length_p")  # noqa: B009
        checks: list[tuple[str, int]] = [("p", bits_p), ("g", bits_p), ("y", bits_p)]
        for name, bits_name in (("q", "bit_length_q"), ("j", "bit_length_j"), ("x", "bit_length_x")):
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
                getattr(self, name), bits, field=name, offsets=offsets, rule=self._FIT_RULE
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
    _ALGS = DSS_ALGS
    _P_MAX = 3072
    _BITS_RULE = "DSS-3"
    _FIT_RULE = "DSS-5"
    _P_RULE = "DSS-6"
    _Q_REQUIRED = True
    _OPTIONAL_FIELDS = frozenset({"j"})


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DSSPublicKeyBlobV3(_DSSV3):
    """PUBLICKEYBLOB with a DSS3 body, version 3 (SPEC §6.3).

    :ivar bit_length_p: bitlenP.  :ivar bit_length_q: bitlenQ.
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

    :ivar bit_length_x: bitlenX.  :ivar x: private value.
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


class _DHV2Base(_Model):
    __slots__ = ()
    RULE = "DH-2"
    _ALG, _BITS = _prefix_index("DH_PUBLIC_KEY_BLOB", "header.key_alg", "bit_length")

    @classmethod
    def _prefix_ok(cls, head: tuple[_wire.Value, ...]) -> bool:
        return head[cls._ALG] in DH_ALGS and head[cls._BITS] in _DH_V2_BITS

    @classmethod
    def _body_implied(cls, params: tuple[int, ...]) -> bool:
        # Every number is bitlen/8 bytes with bitlen a multiple of 64; only the
        # private blob carries p, whose top byte DH-6 checks.
        return not hasattr(cls, "p")

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        _validate.check_alg(
            values["header.key_alg"],  # type: ignore[arg-type]
            DH_ALGS,
            what="a DH key blob",
            field="header.key_alg",
            offsets=offsets,
            rule="HDR-4",
        )
        _validate.check_bit_length(
            values["bit_length"],  # type: ignore[arg-type]
            low=512,
            high=4096,
            step=64,
            field="bit_length",
            offsets=offsets,
            rule="DH-1",
        )

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        bits: int = getattr(self, "bit_length")  # noqa: B009
        for name in ("p", "g", "x", "y"):
            if hasattr(self, name):
                _validate.check_fits(
                    getattr(self, name), bits, field=name, offsets=offsets, rule="DH-5"
                )
        if hasattr(self, "p"):
            p: int = getattr(self, "p")  # noqa: B009
            _validate.check_whole_bytes(p.bit_length(), bits, what="p", offsets=offsets, rule="DH-6")


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
    _ALGS = DH_ALGS
    _P_MAX = 4096
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
class SimpleBlob(_Model):
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
    _ALG, _WRAP = _prefix_index("SIMPLE_BLOB", "header.key_alg", "wrap_alg")

    @classmethod
    def _prefix_ok(cls, head: tuple[_wire.Value, ...]) -> bool:
        return (
            head[cls._ALG] in _validate.SESSION_ALG_VALUES
            and head[cls._WRAP] == AlgId.CALG_RSA_KEYX
        )

    key_alg: AlgId
    wrap_alg: AlgId
    encrypted_key: bytes
    tolerated: tuple[Tolerance, ...] = ()

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        _validate.check_session_alg(
            values["header.key_alg"],  # type: ignore[arg-type]
            what="a SIMPLEBLOB's aiKeyAlg",
            field="header.key_alg",
            offsets=offsets,
            rule="SMP-2",
        )
        _validate.check_alg(
            values["wrap_alg"],  # type: ignore[arg-type]
            _RSA_KEYX_ONLY,
            what="the wrapping key of a SIMPLEBLOB",
            field="wrap_alg",
            offsets=offsets,
            rule="SMP-1",
        )

    _REST_MAX = 2048

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        self._check_rest(len(self.encrypted_key), offsets)

    @classmethod
    def _check_rest(cls, size: int, offsets: Mapping[str, int] | None) -> None:
        if not 48 <= size <= 2048:
            _validate.fail(
                "encrypted key length is not an RSA modulus size",
                field="encrypted_key",
                offsets=offsets,
                rule="SMP-3",
                expected="48..2048 bytes",
                actual=f"{size} bytes",
            )


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PlaintextKeyBlob(_Model):
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

    @classmethod
    def _body_implied(cls, params: tuple[int, ...]) -> bool:
        return True  # PTK-3 is checked on the prefix, before the key is read.

    key_alg: AlgId
    key: bytes
    tolerated: tuple[Tolerance, ...] = ()

    def _wire_value(self, path: str) -> _wire.Value:
        if path == "key_size":
            return len(self.key)
        return _Model._wire_value(self, path)

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        alg = _validate.check_session_alg(
            values["header.key_alg"],  # type: ignore[arg-type]
            what="a PLAINTEXTKEYBLOB's aiKeyAlg",
            field="header.key_alg",
            offsets=offsets,
            rule="PTK-1",
            classes=frozenset({AlgClass.DATA_ENCRYPT}),
        )
        size = values["key_size"]
        if not isinstance(size, int):  # pragma: no cover - the schema gives ints
            raise TypeError("key_size")
        _validate.check_plaintext_key_size(alg, size, field="key_size", offsets=offsets)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SymmetricWrapKeyBlob(_Model):
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

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        _validate.check_session_alg(
            values["header.key_alg"],  # type: ignore[arg-type]
            what="a SYMMETRICWRAPKEYBLOB's aiKeyAlg",
            field="header.key_alg",
            offsets=offsets,
            rule="SWK-2",
            classes=frozenset({AlgClass.DATA_ENCRYPT}),
        )
        _validate.check_alg(
            values["wrap_alg"],  # type: ignore[arg-type]
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


class _OpaqueBase(_Model):
    __slots__ = ()

    @classmethod
    def _body_implied(cls, params: tuple[int, ...]) -> bool:
        return True

    VERSION = None
    LAYOUT = _schema.LAYOUTS["OPAQUE_BLOB"]
    RULE = "HDR-6"
    SECRET = frozenset({"body"})
    _BYTES_FIELDS = frozenset({"body"})

    def _version(self) -> int:
        return int(getattr(self, "version"))  # noqa: B009

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        version = values["header.version"]
        key_alg = values["header.key_alg"]
        if not isinstance(version, int) or version > 0xFF:
            raise TypeError("version must be an int in 0..255")
        if not isinstance(key_alg, int) or key_alg > 0xFFFFFFFF:
            raise TypeError("key_alg must be an int in 0..0xFFFFFFFF")


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class OpaqueKeyBlob(_OpaqueBase):
    """OPAQUEKEYBLOB: provider-private, kept as bytes (SPEC §11).

    :ivar version: ``bVersion`` as found.  :ivar key_alg: ``aiKeyAlg`` as found.
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


PrivateKeyBlob: TypeAlias = (
    RSAPrivateKeyBlob | DSSPrivateKeyBlob | DSSPrivateKeyBlobV3
)


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class PVKFile(_Model):
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
    LAYOUT = _schema.LAYOUTS["PVK_FILE"]
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

    _WIRE_EXPR: ClassVar[Mapping[str, str]] = {
        "header.reserved": "0",
        "header.key_type": "o.key_type",
        "header.encrypted": "(1 if o.encrypted else 0)",
        "header.salt_length": "len(o.salt)",
        "header.key_length": "len(o.key_data)",
        "salt": "o.salt",
        "key": "o.key_data",
    }

    def _wire_value(self, path: str) -> _wire.Value:
        if path == "header.salt_length":
            return len(self.salt)
        if path == "header.key_length":
            return len(self.key_data)
        if path == "header.key_type":
            return int(self.key_type)
        if path == "header.encrypted":
            return int(self.encrypted)
        if path == "salt":
            return self.salt
        if path == "key":
            return self.key_data
        return 0  # header.reserved

    @classmethod
    def _assembler(cls, p: _wire.Plan) -> _Assembler:
        # The normal constructor: its __post_init__ checks and parses the inner blob.
        index = {name: i for i, name in enumerate(p.names)}
        kt, enc = index["header.key_type"], index["header.encrypted"]
        salt, key = index["salt"], index["key"]

        def assemble(v: tuple[_wire.Value, ...]) -> _Model:
            return cls(
                key_type=PVKKeyType(v[kt]),  # type: ignore[arg-type]
                encrypted=v[enc] == 1,
                salt=v[salt],  # type: ignore[arg-type]
                key_data=v[key],  # type: ignore[arg-type]
            )

        return assemble

    @classmethod
    def _body_implied(cls, params: tuple[int, ...]) -> bool:
        return True  # The constructor ran every check already.

    @property
    def header(self) -> BlobHeader:
        """The clear BLOBHEADER of the inner key blob."""
        from blobformat.codec.decode import read_header

        return read_header(self.key_data, base=24 + len(self.salt))

    @classmethod
    def _from_wire(
        cls,
        values: Mapping[str, _wire.Value],
        tolerated: tuple[Tolerance, ...] = (),
    ) -> PVKFile:
        return cls(
            key_type=PVKKeyType(int(values["header.key_type"])),  # type: ignore[arg-type]
            encrypted=bool(values["header.encrypted"]),
            salt=values["salt"],  # type: ignore[arg-type]
            key_data=values["key"],  # type: ignore[arg-type]
            tolerated=tolerated,
        )

    def _check_types(self) -> None:
        encrypted: object = self.encrypted
        salt: object = self.salt
        key_data: object = self.key_data
        if not isinstance(encrypted, bool):
            raise TypeError("PVKFile.encrypted must be a bool")
        if not isinstance(salt, bytes) or not isinstance(key_data, bytes):
            raise TypeError("PVKFile.salt and PVKFile.key_data must be bytes")

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        from blobformat.codec.decode import check_pvk_header

        check_pvk_header(values, offsets)

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        from blobformat.codec.decode import check_pvk_key

        object.__setattr__(self, "blob", check_pvk_key(self, offsets))


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
    | CngBlob
)
"""Any model :func:`blobformat.parse` can return (CryptoAPI, PVK or CNG)."""
