# SPDX-License-Identifier: Apache-2.0
"""CNG key blobs to and from keys, and CAPI <-> CNG conversion (SPEC §20.10, §20.11).

:func:`load_public` and :func:`load_private` convert a parsed CNG model into
a ``cryptography`` key with the relation checks of SPEC §14.2 (and, for EC
keys, the point on the curve and d·G = Q); :func:`dump` writes a key as a
CNG blob; :func:`convert_blob` moves RSA, DSA and DH blobs between the
CryptoAPI and CNG layouts without building key objects.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, Protocol, cast

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import keywrap, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from blobformat.codec import cng as _cng
from blobformat.codec.decode import as_bytes, parse
from blobformat.codec.model_base import DSSSeed
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
    RSAPrivateKeyBlob,
    RSAPublicKeyBlob,
)
from blobformat.codec.validate import DH_ALGS, RSA_ALGS
from blobformat.constants import AlgId, alg_name
from blobformat.errors import (
    DecryptionError,
    InvalidFieldError,
    InvalidParameterError,
    KeyConversionError,
    UnsupportedBlobError,
)
from blobformat.keys import der as _der
from blobformat.keys import legacy as _legacy
from blobformat.keys.relations import (
    _check_group,
    _check_rsa_public,
    _check_x,
    _check_y,
    _derived_private_key,
    _dh_representable,
    _dsa_representable,
    _fail,
    _load_rsa_private,
    _public_key,
    check_cost,
    g_pow_x,
)

if TYPE_CHECKING:
    # Annotations only: cryptography warns on every run-time access to these
    # modules; keys/legacy.py looks their classes up when a key is used.
    from cryptography.hazmat.primitives.asymmetric import dh, dsa

    from blobformat.keys.convert import PrivateKey, PublicKey

__all__ = [
    "CurveInput",
    "cng_unwrap_key",
    "cng_wrap_key",
    "convert_blob",
    "dump",
    "load_private",
    "load_public",
]

CurveInput = ec.EllipticCurve | str

#: The curves the named ECC magics stand for, as cryptography names them.
_NAMED: dict[str, Callable[[], ec.EllipticCurve]] = {
    "P-256": ec.SECP256R1,
    "P-384": ec.SECP384R1,
    "P-521": ec.SECP521R1,
}
_NAME_OF = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


def _resolve_curve(curve: CurveInput | None) -> ec.EllipticCurve | None:
    if curve is None or isinstance(curve, ec.EllipticCurve):
        return curve
    if curve in _NAMED:
        return _NAMED[curve]()
    raise InvalidParameterError(
        f"curve must be 'P-256', 'P-384', 'P-521' or a cryptography EllipticCurve, not {curve!r}",
        rule="CKEY-2",
    )


def _blob_curve(
    blob: _cng.CngECCPublicBlob | _cng.CngECCPrivateBlob, curve: CurveInput | None
) -> ec.EllipticCurve:
    """The curve of an ECC blob: its magic's, or the caller's for a generic magic (CKEY-2)."""
    given = _resolve_curve(curve)
    if blob.curve is not None:
        named = _NAMED[blob.curve]()
        if given is not None and given.name != named.name:
            raise InvalidParameterError(
                f"the blob's magic names {blob.curve}; curve= names {given.name}",
                rule="CKEY-2",
            )
        return named
    if given is None:
        raise InvalidParameterError(
            f"a {blob.magic.decode()} blob names no curve: pass curve=", rule="CKEY-2"
        )
    if (given.key_size + 7) // 8 != blob.cb_key:
        raise InvalidParameterError(
            f"cbKey {blob.cb_key} does not match {given.name} "
            f"({(given.key_size + 7) // 8}-byte coordinates)",
            rule="CKEY-2",
        )
    return given


def _ec_public(
    blob: _cng.CngECCPublicBlob | _cng.CngECCPrivateBlob, curve: ec.EllipticCurve
) -> ec.EllipticCurvePublicKey:
    try:
        return ec.EllipticCurvePublicNumbers(blob.x, blob.y, curve).public_key()
    except UnsupportedAlgorithm:
        # Only a caller's curve= can be one OpenSSL lacks (the named magics' are P-curves).
        raise InvalidParameterError(
            f"curve {curve.name!r} is not supported by the OpenSSL cryptography uses",
            rule="CKEY-2",
        ) from None
    except ValueError:
        raise _fail(
            "EC public point is not on the curve", "Q on the curve", "CKEY-1"
        ) from None


class _Encodable(Protocol):
    """A model the writers build: anything with ``to_bytes()`` (CNG or CryptoAPI)."""

    def to_bytes(self) -> bytes: ...


# ---------------------------------------------------------------------------
# Loading -- SPEC §20.10


def load_public(
    blob: _cng.CngBlob,
    *,
    curve: CurveInput | None = None,
    max_bits: int | None,
) -> PublicKey:
    """A ``cryptography`` public key from a CNG public blob (SPEC §20.10)."""
    if isinstance(blob, _cng.CngRSAPublicBlob):
        _check_rsa_public(blob.modulus, blob.public_exponent)
        return rsa.RSAPublicNumbers(blob.public_exponent, blob.modulus).public_key()
    if isinstance(blob, _cng.CngECCPublicBlob):
        return _ec_public(blob, _blob_curve(blob, curve))
    if isinstance(blob, _cng.CngDSAPublicBlob):
        _check_group(blob.p, blob.q, blob.g, None, what="DSA")
        _check_y(blob.p, blob.q, blob.y, what="DSA")
        _dsa_representable(blob.p, blob.q)
        fam = _legacy.require("dsa", what="DSA")
        with _legacy.quiet():
            params = fam.DSAParameterNumbers(blob.p, blob.q, blob.g)
            key = _public_key(fam.DSAPublicNumbers(blob.y, params), what="DSA")
        _legacy.warn_caller("dsa", returned=True)
        return key
    if isinstance(blob, _cng.CngDHPublicBlob):
        _check_group(blob.p, None, blob.g, None, what="DH")
        _check_y(blob.p, None, blob.y, what="DH")
        _dh_representable(blob.p)
        check_cost(blob.p.bit_length(), max_bits, what="DH")
        fam = _legacy.require("dh", what="DH")
        with _legacy.quiet():
            group = fam.DHParameterNumbers(blob.p, blob.g)
            key = _public_key(fam.DHPublicNumbers(blob.y, group), what="DH")
        _legacy.warn_caller("dh", returned=True)
        return key
    raise UnsupportedBlobError(
        f"load_public_key needs a public key blob, not a {type(blob).KIND} blob"
        " (use load_private_key for private blobs)",
        offset=0,
        field="magic",
    )


class _RSAValues:
    """The numbers of an RSA private key, as the CAPI relation checks read them."""

    __slots__ = (
        "coefficient",
        "exponent1",
        "exponent2",
        "modulus",
        "prime1",
        "prime2",
        "private_exponent",
        "public_exponent",
    )

    def __init__(
        self, n: int, e: int, p: int, q: int, d: int, dp: int, dq: int, c: int
    ) -> None:
        self.modulus, self.public_exponent = n, e
        self.prime1, self.prime2 = p, q
        self.private_exponent, self.exponent1, self.exponent2, self.coefficient = (
            d,
            dp,
            dq,
            c,
        )


def _rsa_values(
    blob: _cng.CngRSAPrivateBlob | _cng.CngRSAFullPrivateBlob,
) -> _RSAValues:
    """The full set of RSA numbers; an RSA2 blob's d and CRT values are computed (mod lambda)."""
    n, e, p, q = blob.modulus, blob.public_exponent, blob.prime1, blob.prime2
    if isinstance(blob, _cng.CngRSAFullPrivateBlob):
        return _RSAValues(
            n,
            e,
            p,
            q,
            blob.private_exponent,
            blob.exponent1,
            blob.exponent2,
            blob.coefficient,
        )
    _check_rsa_public(n, e)
    if p < 3 or q < 3:
        raise _fail("RSA primes must be greater than 2", "p > 2, q > 2", "KEY-2")
    if p * q != n:
        raise _fail("RSA primes do not multiply to the modulus", "n == p*q", "KEY-2")
    if p == q:
        raise _fail("RSA primes must differ", "p != q", "KEY-2")
    try:
        d = rsa.rsa_recover_private_exponent(e, p, q)
        c = rsa.rsa_crt_iqmp(p, q)
    except ValueError:
        raise _fail(
            "RSA public exponent is not invertible",
            "e*d == 1 mod lcm(p-1, q-1)",
            "KEY-2",
        ) from None
    return _RSAValues(n, e, p, q, d, rsa.rsa_crt_dmp1(d, p), rsa.rsa_crt_dmq1(d, q), c)


def load_private(
    blob: _cng.CngBlob,
    *,
    curve: CurveInput | None = None,
    unsafe_skip_rsa_key_validation: bool,
    max_bits: int | None,
) -> PrivateKey:
    """A ``cryptography`` private key from a CNG private blob (SPEC §20.10)."""
    if isinstance(blob, _cng.CngRSAPrivateBlob | _cng.CngRSAFullPrivateBlob):
        return _load_rsa_private(
            _rsa_values(blob),
            unsafe_skip_rsa_key_validation,
            max_bits,
        )
    if isinstance(blob, _cng.CngECCPrivateBlob):
        chosen = _blob_curve(blob, curve)
        public = _ec_public(blob, chosen)
        try:
            ec_key = ec.derive_private_key(blob.d, chosen)
        except ValueError:
            raise _fail(
                "EC private scalar out of range", "0 < d < n", "CKEY-1"
            ) from None
        if ec_key.public_key().public_numbers() != public.public_numbers():
            raise _fail("EC public point does not match d", "Q == d*G", "CKEY-1")
        return ec_key
    if isinstance(blob, _cng.CngDSAPrivateBlob):
        _check_group(blob.p, blob.q, blob.g, None, what="DSA")
        _check_x(blob.p, blob.q, blob.x, what="DSA")
        _check_y(blob.p, blob.q, blob.y, what="DSA")
        _dsa_representable(blob.p, blob.q)
        fam = _legacy.require("dsa", what="DSA")
        key = _derived_private_key(
            _der.dsa_pkcs8(blob.p, blob.q, blob.g, blob.x), family=fam, what="DSA"
        )
        _check_y_matches(key, blob.y, "DSA")
        _legacy.warn_caller("dsa", returned=True)
        return key
    if isinstance(blob, _cng.CngDHPrivateBlob):
        _check_group(blob.p, None, blob.g, None, what="DH")
        _check_x(blob.p, None, blob.x, what="DH")
        _check_y(blob.p, None, blob.y, what="DH")
        _dh_representable(blob.p)
        check_cost(blob.p.bit_length(), max_bits, what="DH")
        fam = _legacy.require("dh", what="DH")
        key = _derived_private_key(
            _der.dh_pkcs8(blob.p, blob.g, blob.x), family=fam, what="DH"
        )
        _check_y_matches(key, blob.y, "DH")
        _legacy.warn_caller("dh", returned=True)
        return key
    raise UnsupportedBlobError(
        f"load_private_key needs a private key blob, not a {type(blob).KIND} blob",
        offset=0,
        field="magic",
    )


def _check_y_matches(key: Any, y: int, what: str) -> None:
    with _legacy.quiet():
        derived = key.public_key().public_numbers().y
    if derived != y:
        raise _fail(f"{what} public value does not match x", "y == g^x mod p", "KEY-4")


# ---------------------------------------------------------------------------
# Writing -- SPEC §20.10


def _writable(make: Callable[[], _Encodable], what: str) -> bytes:
    """Build a CNG model; a value its layout cannot hold is KEY-8."""
    try:
        return make().to_bytes()
    except InvalidFieldError as err:
        raise _fail(
            f"a CNG {what} blob cannot hold this key: {err.message}",
            "fits the CNG layout",
            "KEY-8",
        ) from None


def _rsa_model(
    n: int,
    e: int,
    private: tuple[int, int, int, int, int, int] | None,
    full: bool,
    rule: str = "KEY-8",
) -> Callable[[], _Encodable]:
    bits = (n.bit_length() + 7) // 8 * 8
    if not 512 <= bits <= 16384 or e >= 1 << 64:
        raise _fail(
            "CNG RSA blobs hold 512..16384-bit moduli and exponents below 2^64",
            "512 <= bitlen <= 16384, e < 2^64",
            rule,
        )
    if private is None:
        return lambda: _cng.CngRSAPublicBlob(
            bit_length=bits, public_exponent=e, modulus=n
        )
    p, q, d, dp, dq, c = private
    if not full:
        return lambda: _cng.CngRSAPrivateBlob(
            bit_length=bits, public_exponent=e, modulus=n, prime1=p, prime2=q
        )
    return lambda: _cng.CngRSAFullPrivateBlob(
        bit_length=bits,
        public_exponent=e,
        modulus=n,
        prime1=p,
        prime2=q,
        exponent1=dp,
        exponent2=dq,
        coefficient=c,
        private_exponent=d,
    )


def _dsa_model(
    p: int, q: int, g: int, y: int, x: int | None, version: int | None
) -> Callable[[], _Encodable]:
    v1_ok = q.bit_length() <= 160 and p.bit_length() <= 1024
    chosen = version if version is not None else (1 if v1_ok else 2)
    if chosen not in (1, 2):
        raise InvalidParameterError(
            f"CNG DSA blobs have version 1 or 2, not {chosen}", rule="KEY-7"
        )
    cls: Any = _cng.CngDSAPublicBlob if x is None else _cng.CngDSAPrivateBlob
    extra: dict[str, int] = {} if x is None else {"x": x}
    if chosen == 1:
        return lambda: cls(
            version=1,
            counter=0xFFFFFFFF,
            seed=b"\xff" * 20,
            q=q,
            p=p,
            g=g,
            y=y,
            **extra,
        )
    group = (q.bit_length() + 7) // 8
    sha1 = q.bit_length() <= 160
    return lambda: cls(
        version=2,
        counter=0xFFFFFFFF,
        seed=b"\xff" * group,
        q=q,
        p=p,
        g=g,
        y=y,
        hash_algorithm=0 if sha1 else 1,
        standard_version=0 if sha1 else 1,
        **extra,
    )


def dump(
    key: object, *, private: bool, full: bool, ecdh: bool, version: int | None
) -> bytes:
    """Write a ``cryptography`` key as a CNG blob (SPEC §20.10)."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) and private == isinstance(
        key, rsa.RSAPrivateKey
    ):
        if version is not None:
            raise InvalidParameterError(
                "CNG RSA blobs have no version to choose", rule="KEY-7"
            )
        if isinstance(key, rsa.RSAPrivateKey):
            nums = key.private_numbers()
            pub = nums.public_numbers
            values = (nums.p, nums.q, nums.d, nums.dmp1, nums.dmq1, nums.iqmp)
            return _writable(_rsa_model(pub.n, pub.e, values, full), "RSA")
        pn = key.public_numbers()
        return _writable(_rsa_model(pn.n, pn.e, None, full), "RSA")
    if isinstance(
        key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey
    ) and private == isinstance(key, ec.EllipticCurvePrivateKey):
        if version is not None:
            raise InvalidParameterError(
                "CNG ECC blobs have no version to choose", rule="KEY-7"
            )
        curve = _NAME_OF.get(key.curve.name)
        size = (key.curve.key_size + 7) // 8
        if isinstance(key, ec.EllipticCurvePrivateKey):
            enums = key.private_numbers()
            epub = enums.public_numbers
            d = enums.private_value
            return _writable(
                lambda: _cng.CngECCPrivateBlob(
                    ecdh=ecdh, curve=curve, cb_key=size, x=epub.x, y=epub.y, d=d
                ),
                "ECC",
            )
        qn = key.public_numbers()
        return _writable(
            lambda: _cng.CngECCPublicBlob(
                ecdh=ecdh, curve=curve, cb_key=size, x=qn.x, y=qn.y
            ),
            "ECC",
        )
    kind = "Private" if private else "Public"
    if _legacy.is_instance(key, "dsa", f"DSA{kind}Key"):
        with _legacy.quiet():
            # is_instance just checked the class (looked up at run time, so Any to mypy).
            if private:
                dnums = cast("dsa.DSAPrivateKey", key).private_numbers()
                dpub, x = dnums.public_numbers, dnums.x
            else:
                dpub, x = cast("dsa.DSAPublicKey", key).public_numbers(), None
            grp = dpub.parameter_numbers
            make = _dsa_model(grp.p, grp.q, grp.g, dpub.y, x, version)
        out = _writable(make, "DSA")
        _legacy.warn_caller("dsa", returned=False)
        return out
    if _legacy.is_instance(key, "dh", f"DH{kind}Key"):
        if version is not None:
            raise InvalidParameterError(
                "CNG DH blobs have no version to choose", rule="KEY-7"
            )
        with _legacy.quiet():
            # As above: is_instance checked the DH class.
            if private:
                hnums = cast("dh.DHPrivateKey", key).private_numbers()
                hpub, hx = hnums.public_numbers, hnums.x
            else:
                hpub, hx = cast("dh.DHPublicKey", key).public_numbers(), None
            hg = hpub.parameter_numbers
        if hx is None:
            out = _writable(
                lambda: _cng.CngDHPublicBlob(p=hg.p, g=hg.g, y=hpub.y), "DH"
            )
        else:
            out = _writable(
                lambda: _cng.CngDHPrivateBlob(p=hg.p, g=hg.g, y=hpub.y, x=hx), "DH"
            )
        _legacy.warn_caller("dh", returned=False)
        return out
    raise TypeError(f"unsupported key type: {type(key).__name__}")


# ---------------------------------------------------------------------------
# CAPI <-> CNG -- SPEC §20.11


def _refuse(message: str, relation: str) -> KeyConversionError:
    return _fail(message, relation, "CKEY-3")


def _layout(make: Callable[[], _Encodable], target: str) -> bytes:
    """Build the target model; a value the target layout cannot hold is CKEY-3."""
    try:
        return make().to_bytes()
    except InvalidFieldError as err:
        raise _refuse(
            f"the {target} layout cannot hold this key: {err.message}",
            f"fits the {target} layout",
        ) from None


def _to_cng(blob: Blob) -> bytes:
    if isinstance(blob, RSAPublicKeyBlob):
        return _layout(
            _rsa_model(blob.modulus, blob.public_exponent, None, True, "CKEY-3"), "CNG"
        )
    if isinstance(blob, RSAPrivateKeyBlob):
        values = (
            blob.prime1,
            blob.prime2,
            blob.private_exponent,
            blob.exponent1,
            blob.exponent2,
            blob.coefficient,
        )
        return _layout(
            _rsa_model(blob.modulus, blob.public_exponent, values, True, "CKEY-3"),
            "CNG",
        )
    if isinstance(blob, DSSPublicKeyBlob | DSSPrivateKeyBlob):
        counter, seed = blob.seed.counter, blob.seed.fips_seed
        if isinstance(blob, DSSPublicKeyBlob):
            y, extra = blob.y, {}
        else:
            y, extra = g_pow_x(blob.p, blob.g, blob.x, what="DSS"), {"x": blob.x}
        cls: Any = _cng.CngDSAPrivateBlob if extra else _cng.CngDSAPublicBlob
        return _layout(
            lambda: cls(
                version=1,
                counter=counter,
                seed=seed,
                q=blob.q,
                p=blob.p,
                g=blob.g,
                y=y,
                **extra,
            ),
            "CNG",
        )
    if isinstance(blob, DSSPublicKeyBlobV3 | DSSPrivateKeyBlobV3):
        group = (blob.q.bit_length() + 7) // 8
        sha1 = blob.q.bit_length() <= 160
        if blob.seed.has_seed and group != 20:
            raise _refuse(
                "a DSS version-3 seed has 20 bytes; a CNG version-2 seed has at least "
                f"cbGroupSize ({group}) bytes",
                "seed length >= cbGroupSize",
            )
        seed = blob.seed.fips_seed if blob.seed.has_seed else b"\xff" * group
        extra2: dict[str, int] = (
            {"x": blob.x} if isinstance(blob, DSSPrivateKeyBlobV3) else {}
        )
        cls2: Any = _cng.CngDSAPrivateBlob if extra2 else _cng.CngDSAPublicBlob
        return _layout(
            lambda: cls2(
                version=2,
                counter=blob.seed.counter,
                seed=seed,
                q=blob.q,
                p=blob.p,
                g=blob.g,
                y=blob.y,
                hash_algorithm=0 if sha1 else 1,
                standard_version=0 if sha1 else 1,
                **extra2,
            ),
            "CNG",
        )
    if isinstance(blob, DHPublicKeyBlob):
        raise _refuse(
            "a version-2 DH public blob carries y only; a CNG DH blob needs p and g",
            "p and g present",
        )
    if isinstance(blob, DHPublicKeyBlobV3 | DHPrivateKeyBlobV3):
        if blob.q is not None:
            raise _refuse("a CNG DH blob has no field for q", "no q")
        if blob.seed.has_seed:
            raise _refuse("a CNG DH blob has no field for a DSSSEED", "no seed")
    if isinstance(blob, DHPublicKeyBlobV3):
        return _layout(
            lambda: _cng.CngDHPublicBlob(p=blob.p, g=blob.g, y=blob.y), "CNG"
        )
    if isinstance(blob, DHPrivateKeyBlob | DHPrivateKeyBlobV3):
        hy = (
            blob.y
            if isinstance(blob, DHPrivateKeyBlobV3)
            else g_pow_x(blob.p, blob.g, blob.x, what="DH")
        )
        return _layout(
            lambda: _cng.CngDHPrivateBlob(p=blob.p, g=blob.g, y=hy, x=blob.x), "CNG"
        )
    raise _refuse(
        f"a {type(blob).KIND} blob has no CNG counterpart", "RSA, DSS or DH key blob"
    )


def _to_capi(blob: _cng.CngBlob, alg_id: AlgId | None) -> bytes:
    if isinstance(
        blob,
        _cng.CngRSAPublicBlob | _cng.CngRSAPrivateBlob | _cng.CngRSAFullPrivateBlob,
    ):
        alg = _alg(alg_id, RSA_ALGS, AlgId.CALG_RSA_KEYX, "RSA")
        n, e = blob.modulus, blob.public_exponent
        if e >> 32:
            raise _refuse(
                "a CryptoAPI blob stores the RSA public exponent in 32 bits", "e < 2^32"
            )
        if isinstance(blob, _cng.CngRSAPublicBlob):
            return _layout(
                lambda: RSAPublicKeyBlob(
                    key_alg=alg,
                    bit_length=blob.bit_length,
                    public_exponent=e,
                    modulus=n,
                ),
                "CryptoAPI",
            )
        v = _rsa_values(blob)
        return _layout(
            lambda: RSAPrivateKeyBlob(
                key_alg=alg,
                bit_length=blob.bit_length,
                public_exponent=e,
                modulus=n,
                prime1=v.prime1,
                prime2=v.prime2,
                exponent1=v.exponent1,
                exponent2=v.exponent2,
                coefficient=v.coefficient,
                private_exponent=v.private_exponent,
            ),
            "CryptoAPI",
        )
    if isinstance(blob, _cng.CngDSAPublicBlob | _cng.CngDSAPrivateBlob):
        if alg_id not in (None, AlgId.CALG_DSS_SIGN):
            raise InvalidParameterError(
                "DSS blobs have aiKeyAlg CALG_DSS_SIGN", rule="KEY-7"
            )
        if blob.counter != 0xFFFFFFFF and (
            len(blob.seed) != 20 or blob.hash_algorithm not in (None, 0)
        ):
            raise _refuse(
                "a DSSSEED holds a 20-byte SHA-1 (FIPS 186-2) seed only",
                "no seed, or a 20-byte SHA-1 seed",
            )
        # Seed bytes move verbatim (reversed: a DSSSEED is little-endian), even with "no seed".
        seed = (
            DSSSeed(counter=blob.counter, seed=blob.seed[::-1])
            if len(blob.seed) == 20
            else DSSSeed.none()
        )
        if blob.version == 1:
            if isinstance(blob, _cng.CngDSAPrivateBlob):
                return _layout(
                    lambda: DSSPrivateKeyBlob(
                        key_alg=AlgId.CALG_DSS_SIGN,
                        bit_length=_whole(blob.p),
                        p=blob.p,
                        q=blob.q,
                        g=blob.g,
                        x=blob.x,
                        seed=seed,
                    ),
                    "CryptoAPI",
                )
            return _layout(
                lambda: DSSPublicKeyBlob(
                    key_alg=AlgId.CALG_DSS_SIGN,
                    bit_length=_whole(blob.p),
                    p=blob.p,
                    q=blob.q,
                    g=blob.g,
                    y=blob.y,
                    seed=seed,
                ),
                "CryptoAPI",
            )
        j = (blob.p - 1) // blob.q
        common: dict[str, Any] = {
            "key_alg": AlgId.CALG_DSS_SIGN,
            "bit_length_p": _whole(blob.p),
            "bit_length_q": blob.q.bit_length(),
            "bit_length_j": j.bit_length(),
            "seed": seed,
            "p": blob.p,
            "q": blob.q,
            "g": blob.g,
            "j": j,
            "y": blob.y,
        }
        if isinstance(blob, _cng.CngDSAPrivateBlob):
            return _layout(
                lambda: DSSPrivateKeyBlobV3(
                    **common, bit_length_x=blob.q.bit_length(), x=blob.x
                ),
                "CryptoAPI",
            )
        return _layout(lambda: DSSPublicKeyBlobV3(**common), "CryptoAPI")
    if isinstance(blob, _cng.CngDHPublicBlob | _cng.CngDHPrivateBlob):
        alg = _alg(alg_id, DH_ALGS, AlgId.CALG_DH_SF, "DH")
        bits = _whole(blob.p)
        common = {
            "key_alg": alg,
            "bit_length_p": bits,
            "bit_length_q": 0,
            "bit_length_j": 0,
            "seed": DSSSeed.none(),
            "p": blob.p,
            "q": None,
            "g": blob.g,
            "j": None,
            "y": blob.y,
        }
        if isinstance(blob, _cng.CngDHPrivateBlob):
            return _layout(
                lambda: DHPrivateKeyBlobV3(**common, bit_length_x=bits, x=blob.x),
                "CryptoAPI",
            )
        return _layout(lambda: DHPublicKeyBlobV3(**common), "CryptoAPI")
    raise _refuse(
        f"a {type(blob).KIND} blob has no CryptoAPI counterpart",
        "RSA, DSA or DH key blob",
    )


def _whole(p: int) -> int:
    """The CryptoAPI bit length of p: its byte length times 8 (DSS-6, DH-6)."""
    return (p.bit_length() + 7) // 8 * 8


def _alg(
    alg_id: AlgId | None, allowed: frozenset[AlgId], default: AlgId, what: str
) -> AlgId:
    if alg_id is None:
        return default
    given: object = alg_id  # typed AlgId; callers may pass anything
    if not isinstance(given, int) or isinstance(given, bool):
        # A wrong type is the caller's bug: TypeError, not a ValueError from int().
        raise TypeError(f"alg_id must be an AlgId or None, not {type(given).__name__}")
    if alg_id not in allowed:
        raise InvalidParameterError(
            f"alg_id {alg_name(int(alg_id))} is not allowed for {what} keys",
            rule="KEY-7",
        )
    return AlgId(alg_id)


def convert_blob(
    data: bytes | bytearray | memoryview,
    *,
    to: Literal["cng", "capi"],
    alg_id: AlgId | None = None,
) -> bytes:
    r"""Rewrite an RSA, DSA or DH key blob in the other layout family (SPEC §20.11).

    The numbers move between the layouts without building key objects:
    CryptoAPI RSA1/RSA2 ↔ CNG RSA1/RSA3 (a CNG RSA2 gets its d and CRT values
    computed, mod lambda), DSS1/DSS2 ↔ DSPB/DSPV, DSS3/DSS4 ↔ DPB2/DPV2,
    \0DH3/\0DH4 (and \0DH2) ↔ DHPB/DHPV. Where a private blob lacks y
    (DSS2, \0DH2), y is computed with a blinded exponentiation. Input that
    is already in the target family is returned in its canonical encoding.

    :param data: the blob bytes (strictly parsed).
    :param to: ``"cng"`` or ``"capi"``.
    :param alg_id: ``aiKeyAlg`` of a CryptoAPI result (default CALG_RSA_KEYX, CALG_DSS_SIGN, CALG_DH_SF).
    :returns: the blob in the target layout.
    :raises ParseError: if the input is not a valid blob.
    :raises KeyConversionError: [CKEY-3] for what the target layout cannot hold
        (an EC key in CryptoAPI, a DH q in CNG, unbalanced RSA primes in CryptoAPI, ...).
    :raises InvalidParameterError: for an unknown ``to`` or a wrong ``alg_id``.
    """
    if to not in ("cng", "capi"):
        raise InvalidParameterError(
            f"to must be 'cng' or 'capi', not {to!r}", rule="CKEY-3"
        )
    blob = parse(as_bytes(data))
    if isinstance(blob, _cng._CngModel):
        return blob.to_bytes() if to == "cng" else _to_capi(blob, alg_id)
    return _to_cng(blob) if to == "cng" else blob.to_bytes()


# ---------------------------------------------------------------------------
# BCRYPT_AES_WRAP_KEY_BLOB -- SPEC §20.8

_AES_KEY_SIZES = (16, 24, 32)
_UNWRAP_FAILED = "AES key unwrap failed"


def _check_kek(kek: object) -> bytes:
    if not isinstance(kek, bytes | bytearray) or len(kek) not in _AES_KEY_SIZES:
        raise InvalidParameterError(
            "the KEK must be a 16-, 24- or 32-byte AES key", rule="CKD-3"
        )
    return bytes(kek)


def cng_wrap_key(kek: bytes, key: bytes | _cng.CngKeyDataBlob) -> bytes:
    """Export a symmetric key as BCRYPT_AES_WRAP_KEY_BLOB: RFC 3394 AES key wrap under ``kek``.

    :param kek: the AES key-encryption key (16, 24 or 32 bytes).
    :param key: the key bytes, or a :class:`~blobformat.CngKeyDataBlob` holding them
        (a multiple of 8 bytes, at least 16: RFC 3394 has no padding).
    :returns: the wrapped key (``len(key) + 8`` bytes).
    :raises InvalidParameterError: [CKD-3] for a KEK or key of a size RFC 3394 cannot wrap.
    """
    secret: object = key.key if isinstance(key, _cng.CngKeyDataBlob) else key
    if not isinstance(secret, bytes | bytearray) or len(secret) < 16 or len(secret) % 8:
        raise InvalidParameterError(
            "RFC 3394 wraps keys of at least 16 bytes in steps of 8", rule="CKD-3"
        )
    return keywrap.aes_key_wrap(_check_kek(kek), bytes(secret))


def cng_unwrap_key(kek: bytes, wrapped: bytes) -> bytes:
    """Import a BCRYPT_AES_WRAP_KEY_BLOB: RFC 3394 AES key unwrap under ``kek``.

    Every failure (wrong KEK, altered or mis-sized data) is one
    :class:`~blobformat.DecryptionError` with a fixed message.

    :param kek: the AES key-encryption key (16, 24 or 32 bytes).
    :param wrapped: the wrapped blob.
    :returns: the key bytes (wrap them in a :class:`~blobformat.CngKeyDataBlob` to store them).
    :raises InvalidParameterError: [CKD-3] for a KEK of the wrong size.
    :raises DecryptionError: [CKD-3] if the integrity check fails.
    """
    checked = _check_kek(kek)
    data: object = wrapped
    if not isinstance(data, bytes | bytearray) or len(data) < 24 or len(data) % 8:
        raise DecryptionError(_UNWRAP_FAILED, rule="CKD-3")
    try:
        return keywrap.aes_key_unwrap(checked, bytes(data))
    except keywrap.InvalidUnwrap:
        raise DecryptionError(_UNWRAP_FAILED, rule="CKD-3") from None


def export_der(blob: _cng.CngBlob, *, private: bool, max_bits: int | None) -> bytes:
    """SubjectPublicKeyInfo (or, with ``private``, PKCS#8) DER of a CNG key blob.

    The checks are those of :func:`load_public` / :func:`load_private`. DSA and
    DH keys are encoded directly, without cryptography's deprecated classes:
    y = g^x mod p is computed with a blinded exponentiation (SPEC §14.4).
    """
    if blob.role != "private" and private:
        raise UnsupportedBlobError(
            f"export_private_key needs a private key blob, not a {type(blob).KIND} blob",
            offset=0,
            field="magic",
        )
    if isinstance(blob, _cng.CngDSAPublicBlob | _cng.CngDSAPrivateBlob):
        _check_group(blob.p, blob.q, blob.g, None, what="DSA")
        _check_y(blob.p, blob.q, blob.y, what="DSA")
        if isinstance(blob, _cng.CngDSAPrivateBlob):
            _check_x(blob.p, blob.q, blob.x, what="DSA")
            if g_pow_x(blob.p, blob.g, blob.x, what="DSA") != blob.y:
                raise _fail(
                    "DSA public value does not match x", "y == g^x mod p", "KEY-4"
                )
            if private:
                return _der.dsa_pkcs8(blob.p, blob.q, blob.g, blob.x)
        return _der.dsa_spki(blob.p, blob.q, blob.g, blob.y)
    if isinstance(blob, _cng.CngDHPublicBlob | _cng.CngDHPrivateBlob):
        _check_group(blob.p, None, blob.g, None, what="DH")
        _check_y(blob.p, None, blob.y, what="DH")
        if isinstance(blob, _cng.CngDHPrivateBlob):
            _check_x(blob.p, None, blob.x, what="DH")
            if g_pow_x(blob.p, blob.g, blob.x, what="DH") != blob.y:
                raise _fail(
                    "DH public value does not match x", "y == g^x mod p", "KEY-4"
                )
            if private:
                return _der.dh_pkcs8(blob.p, blob.g, blob.x)
        return _der.dh_spki(blob.p, blob.g, blob.y)
    if blob.role == "private":
        secret = load_private(
            blob, unsafe_skip_rsa_key_validation=False, max_bits=max_bits
        )
        if private:
            return secret.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        key = secret.public_key()
    else:
        key = load_public(blob, max_bits=max_bits)
    return key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
