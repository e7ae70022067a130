# SPDX-License-Identifier: Apache-2.0
"""Convert key blobs to and from ``cryptography`` key objects (SPEC §14).

Exports :func:`load_public_key`, :func:`load_private_key`,
:func:`dump_public_key` and :func:`dump_private_key`.

Loading checks every relation between the numbers a blob carries and raises
:class:`~blobformat.errors.KeyConversionError` naming the relation that
fails; dumping refuses keys a blob cannot hold. Error messages never contain
key numbers.
"""

from __future__ import annotations

from typing import (
    TYPE_CHECKING,
    Any,
    Literal,
    TypeAlias,
    TypeGuard,
)

from cryptography.hazmat.primitives.asymmetric import ec, rsa

from blobformat.codec import cng as _cng
from blobformat.codec.decode import as_bytes, parse
from blobformat.codec.model_base import _Model
from blobformat.codec.models import (
    AnyBlob,
    DHPrivateKeyBlob,
    DHPrivateKeyBlobV3,
    DHPublicKeyBlob,
    DHPublicKeyBlobV3,
    DSSPrivateKeyBlob,
    DSSPrivateKeyBlobV3,
    DSSPublicKeyBlob,
    DSSPublicKeyBlobV3,
    DSSSeed,
    PVKFile,
    RSAPrivateKeyBlob,
    RSAPublicKeyBlob,
)
from blobformat.codec.validate import DH_ALGS, DSS_ALGS, RSA_ALGS
from blobformat.constants import AlgId, alg_name
from blobformat.errors import (
    InvalidParameterError,
    KeyConversionError,
    UnsupportedBlobError,
)
from blobformat.keys import cng as _kcng
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
)

if TYPE_CHECKING:
    # cryptography deprecates DSA and finite-field DH and warns on every access
    # to their names, so they are named only for the type checker; at run time
    # they are looked up by blobformat.keys.legacy when a DSS/DH key is used.
    from cryptography.hazmat.primitives.asymmetric import dh, dsa

__all__ = [
    "DEFAULT_MAX_BITS",
    "PrivateKey",
    "PublicKey",
    "dump_private_key",
    "dump_public_key",
    "is_private_key",
    "is_public_key",
    "load_private_key",
    "load_public_key",
]

if TYPE_CHECKING:
    PublicKey: TypeAlias = (
        rsa.RSAPublicKey | dsa.DSAPublicKey | dh.DHPublicKey | ec.EllipticCurvePublicKey
    )
    PrivateKey: TypeAlias = (
        rsa.RSAPrivateKey
        | dsa.DSAPrivateKey
        | dh.DHPrivateKey
        | ec.EllipticCurvePrivateKey
    )
# PublicKey: a public key load_public_key returns; PrivateKey: a private key
# load_private_key returns (RSA, DSA, DH, or EC from a CNG blob). At run time both are built on
# first access by __getattr__ below, so that importing blobformat touches no
# deprecated name; they hold only the families cryptography still provides.

DHParametersInput: TypeAlias = (
    "dh.DHParameters | dh.DHParameterNumbers | tuple[int, ...]"
)


def __getattr__(name: str) -> Any:
    if name in ("PublicKey", "PrivateKey"):
        kind = "Public" if name == "PublicKey" else "Private"
        union: Any = getattr(rsa, f"RSA{kind}Key") | getattr(
            ec, f"EllipticCurve{kind}Key"
        )
        families: tuple[tuple[_legacy.FamilyName, str], ...] = (
            ("dsa", "DSA"),
            ("dh", "DH"),
        )
        for fam, prefix in families:
            cls = _legacy.family(fam).classes.get(f"{prefix}{kind}Key")
            if cls is not None:
                union = union | cls
        globals()[name] = union
        return union
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def is_public_key(obj: object) -> TypeGuard[PublicKey]:
    """Whether ``obj`` is an RSA, EC, DSA or DH public key of ``cryptography``.

    Unlike ``isinstance(obj, blobformat.PublicKey)``, this looks up the DSA
    and DH classes only when ``obj`` is not an RSA or EC key.
    """
    if isinstance(obj, rsa.RSAPublicKey | ec.EllipticCurvePublicKey):
        return True
    return _legacy.is_instance(obj, "dsa", "DSAPublicKey") or _legacy.is_instance(
        obj, "dh", "DHPublicKey"
    )


def is_private_key(obj: object) -> TypeGuard[PrivateKey]:
    """Whether ``obj`` is an RSA, EC, DSA or DH private key of ``cryptography``."""
    if isinstance(obj, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        return True
    return _legacy.is_instance(obj, "dsa", "DSAPrivateKey") or _legacy.is_instance(
        obj, "dh", "DHPrivateKey"
    )


BlobInput: TypeAlias = bytes | bytearray | memoryview | AnyBlob


#: The largest key (RSA modulus, DH prime) whose expensive validation a load
#: accepts by default: cryptography's primality checks of RSA primes and of DH
#: groups grow with about the fourth power of the size (SPEC §14.6, KEY-13).
DEFAULT_MAX_BITS = 4096


def _as_blob(data: BlobInput) -> AnyBlob:
    if isinstance(data, _Model | _cng._CngModel):
        return data
    return parse(as_bytes(data))


def dh_group(parameters: DHParametersInput) -> tuple[int, int, int | None]:
    """(p, g, q) of a DH group given as cryptography parameters or a tuple.

    Accepts ``dh.DHParameters``, ``dh.DHParameterNumbers`` or a tuple
    ``(p, g)`` / ``(p, g, q)`` of ints (which needs no cryptography DH class).
    """
    if isinstance(parameters, tuple):
        values: tuple[object, ...] = parameters
        if len(values) not in (2, 3) or any(type(v) is not int for v in values):
            raise InvalidParameterError(
                "DH parameters as a tuple are (p, g) or (p, g, q) of ints", rule="KEY-6"
            )
        q = parameters[2] if len(parameters) == 3 else None
        return parameters[0], parameters[1], q
    with _legacy.quiet():
        numbers = (
            parameters.parameter_numbers()
            if hasattr(parameters, "parameter_numbers")
            else parameters
        )
        try:
            return (
                int(numbers.p),
                int(numbers.g),
                None if numbers.q is None else int(numbers.q),
            )
        except AttributeError:
            raise InvalidParameterError(
                "parameters must be DH parameters or a (p, g[, q]) tuple", rule="KEY-6"
            ) from None


def check_dh_public(
    blob: DHPublicKeyBlob | DHPublicKeyBlobV3, parameters: DHParametersInput | None
) -> tuple[int, int, int | None]:
    """The checks of a DH public blob (KEY-3, KEY-6); returns its group (p, g, q)."""
    if isinstance(blob, DHPublicKeyBlob):
        if parameters is None:
            raise InvalidParameterError(
                "a version-2 DH public blob holds only y: pass the group as parameters=",
                rule="KEY-6",
            )
        p, g, q = dh_group(parameters)
        _check_dh_v2_group(blob.bit_length, p, g, q)
    else:
        p, g, q = blob.p, blob.g, blob.q
        _check_group(p, q, g, blob.j, what="DH")
    _check_y(p, q, blob.y, what="DH")
    return p, g, q


def _check_dh_v2_group(bit_length: int, p: int, g: int, q: int | None) -> None:
    if p.bit_length() != bit_length:
        raise _fail(
            "the DH parameters do not match the blob's bit length",
            "p has bitlen bits",
            "KEY-6",
        )
    _check_group(p, q, g, None, what="DH")


# ---------------------------------------------------------------------------
# Loading -- SPEC §14.1


def load_public_key(
    data: BlobInput,
    *,
    parameters: DHParametersInput | None = None,
    max_bits: int | None = DEFAULT_MAX_BITS,
    curve: ec.EllipticCurve | str | None = None,
) -> PublicKey:
    """Convert a PUBLICKEYBLOB into a ``cryptography`` public key.

    A DSA or DH key comes with a :class:`~blobformat.LegacyKeyWarning` while
    cryptography deprecates those families, and a ``KeyConversionError``
    [KEY-11] once it has removed them; :func:`blobformat.export_public_key`
    converts such blobs without cryptography's key classes (SPEC §14.4).

    :param data: the blob bytes, or a parsed public-key model.
    :param parameters: the DH group for a version-2 DH public blob, which
        carries only y: ``dh.DHParameters``, ``dh.DHParameterNumbers`` or a
        ``(p, g)`` / ``(p, g, q)`` tuple. Ignored otherwise.
    :param max_bits: the largest DH prime whose group cryptography is asked
        to validate (seconds for 4096 bits); ``None`` for no bound (SPEC
        KEY-13). RSA and DSA public keys cost no expensive validation.
    :param curve: the curve of a generic CNG ECC blob (``ECDP``, ``ECKP``),
        which names none: ``"P-256"``, ``"P-384"``, ``"P-521"`` or a
        cryptography ``EllipticCurve``; checked against a named magic (SPEC §20.10).
    :returns: an RSA, DSA, DH or (from a CNG blob) EC public key.
    :raises ParseError: if the bytes are not a valid blob.
    :raises UnsupportedBlobError: if the blob is not a public key blob.
    :raises InvalidParameterError: if a DH v2 blob comes without ``parameters``.
    :raises KeyConversionError: naming the relation the numbers break, or
        when cryptography cannot represent the key.
    """
    blob = _as_blob(data)
    if isinstance(blob, _cng._CngModel):
        return _kcng.load_public(blob, curve=curve, max_bits=max_bits)
    if isinstance(blob, RSAPublicKeyBlob):
        _check_rsa_public(blob.modulus, blob.public_exponent)
        return rsa.RSAPublicNumbers(blob.public_exponent, blob.modulus).public_key()
    if isinstance(blob, DSSPublicKeyBlob | DSSPublicKeyBlobV3):
        j = blob.j if isinstance(blob, DSSPublicKeyBlobV3) else None
        _check_group(blob.p, blob.q, blob.g, j, what="DSS")
        _check_y(blob.p, blob.q, blob.y, what="DSS")
        _dsa_representable(blob.p, blob.q)
        fam = _legacy.require("dsa", what="DSS")
        with _legacy.quiet():
            params = fam.DSAParameterNumbers(blob.p, blob.q, blob.g)
            key = _public_key(fam.DSAPublicNumbers(blob.y, params), what="DSS")
        _legacy.warn_caller("dsa", returned=True)
        return key
    if isinstance(blob, DHPublicKeyBlob | DHPublicKeyBlobV3):
        p, g, q = check_dh_public(blob, parameters)
        _dh_representable(p)
        check_cost(p.bit_length(), max_bits, what="DH")
        fam = _legacy.require("dh", what="DH")
        with _legacy.quiet():
            group = fam.DHParameterNumbers(p, g, q)
            key = _public_key(fam.DHPublicNumbers(blob.y, group), what="DH")
        _legacy.warn_caller("dh", returned=True)
        return key
    raise UnsupportedBlobError(
        f"load_public_key needs a PUBLICKEYBLOB, not a {type(blob).KIND} blob"
        " (use load_private_key for private blobs)",
        offset=0,
        field="header.blob_type",
    )


def load_private_key(
    data: BlobInput,
    *,
    unsafe_skip_rsa_key_validation: bool = False,
    max_bits: int | None = DEFAULT_MAX_BITS,
    curve: ec.EllipticCurve | str | None = None,
) -> PrivateKey:
    """Convert a PRIVATEKEYBLOB into a ``cryptography`` private key.

    Every relation between the blob's numbers is checked (SPEC §14.2): for
    RSA n = p*q, e*d = 1 mod lcm(p-1, q-1) and the CRT values; for DSS and
    DH the group and key ranges, and y = g^x mod p where the blob carries y.
    Version-2 DSS and DH private blobs carry no y: it is computed. A DSA or
    DH key comes with a :class:`~blobformat.LegacyKeyWarning` while
    cryptography deprecates those families, and a ``KeyConversionError``
    [KEY-11] once it has removed them; :func:`blobformat.export_private_key`
    converts such blobs without cryptography's key classes (SPEC §14.4).

    :param data: the blob bytes, or a parsed private-key model (an
        unencrypted PVK file's inner blob is used).
    :param unsafe_skip_rsa_key_validation: skip ``cryptography``'s own RSA
        check, which also tests p and q for primality (about 27 ms for 2048
        bits). The arithmetic relations above are still checked; what is no
        longer proven is that p and q are prime. Only for keys you trust.
    :param max_bits: the largest RSA modulus or DH prime whose expensive
        validation (cryptography's primality checks) this call accepts:
        0.8 s for a 4096-bit RSA key on a small VM, 30 s for 16384 bits.
        Larger keys raise ``KeyConversionError`` [KEY-13] before any
        arithmetic; ``None`` for no bound. Not applied when
        ``unsafe_skip_rsa_key_validation`` is set (then the cost is small).
    :param curve: the curve of a generic CNG ECC blob (``ECDV``, ``ECKV``), as
        for :func:`load_public_key`. EC keys are checked: Q on the curve,
        0 < d < n and d·G = Q (SPEC §20.10).
    :returns: an RSA, DSA, DH or (from a CNG blob) EC private key.
    :raises ParseError: if the bytes are not a valid blob.
    :raises UnsupportedBlobError: if the blob is not a private key blob.
    :raises KeyConversionError: naming the relation the numbers break, or
        when cryptography cannot represent the key.
    """
    blob = _as_blob(data)
    if isinstance(blob, _cng._CngModel):
        return _kcng.load_private(
            blob,
            curve=curve,
            unsafe_skip_rsa_key_validation=unsafe_skip_rsa_key_validation,
            max_bits=max_bits,
        )
    if isinstance(blob, PVKFile) and blob.blob is not None:
        blob = blob.blob
    if isinstance(blob, RSAPrivateKeyBlob):
        return _load_rsa_private(blob, unsafe_skip_rsa_key_validation, max_bits)
    if isinstance(blob, DSSPrivateKeyBlob | DSSPrivateKeyBlobV3):
        check_dss_private(blob)
        _dsa_representable(blob.p, blob.q)
        fam = _legacy.require("dsa", what="DSS")
        key = _derived_private_key(
            _der.dsa_pkcs8(blob.p, blob.q, blob.g, blob.x), family=fam, what="DSS"
        )
        if isinstance(blob, DSSPrivateKeyBlobV3):
            _check_derived_y(key, blob.y, what="DSS")
        _legacy.warn_caller("dsa", returned=True)
        return key
    if isinstance(blob, DHPrivateKeyBlob | DHPrivateKeyBlobV3):
        q = check_dh_private(blob)
        _dh_representable(blob.p)
        check_cost(blob.p.bit_length(), max_bits, what="DH")
        fam = _legacy.require("dh", what="DH")
        der = (
            _der.dh_pkcs8(blob.p, blob.g, blob.x)
            if q is None
            else _der.dhx_pkcs8(blob.p, blob.g, q, blob.x)
        )
        key = _derived_private_key(der, family=fam, what="DH")
        if isinstance(blob, DHPrivateKeyBlobV3):
            _check_derived_y(key, blob.y, what="DH")
        _legacy.warn_caller("dh", returned=True)
        return key
    raise UnsupportedBlobError(
        f"load_private_key needs a PRIVATEKEYBLOB, not a {type(blob).KIND} blob",
        offset=0,
        field="header.blob_type",
    )


def check_dss_private(blob: DSSPrivateKeyBlob | DSSPrivateKeyBlobV3) -> None:
    """The public-value checks of a DSS private blob (SPEC §14.2 KEY-3, KEY-4).

    y = g^x mod p is checked by the caller, which owns the exponentiation.
    """
    j = blob.j if isinstance(blob, DSSPrivateKeyBlobV3) else None
    _check_group(blob.p, blob.q, blob.g, j, what="DSS")
    _check_x(blob.p, blob.q, blob.x, what="DSS")
    if isinstance(blob, DSSPrivateKeyBlobV3):
        _check_y(blob.p, blob.q, blob.y, what="DSS")


def check_dh_private(blob: DHPrivateKeyBlob | DHPrivateKeyBlobV3) -> int | None:
    """The public-value checks of a DH private blob; returns q (None for v2)."""
    q = blob.q if isinstance(blob, DHPrivateKeyBlobV3) else None
    j = blob.j if isinstance(blob, DHPrivateKeyBlobV3) else None
    _check_group(blob.p, q, blob.g, j, what="DH")
    _check_x(blob.p, q, blob.x, what="DH")
    if isinstance(blob, DHPrivateKeyBlobV3):
        _check_y(blob.p, q, blob.y, what="DH")
    return q


def _check_derived_y(
    key: dsa.DSAPrivateKey | dh.DHPrivateKey, y: int, *, what: str
) -> None:
    with _legacy.quiet():
        derived = key.public_key().public_numbers().y
    if derived != y:
        raise y_mismatch(what)


def y_mismatch(what: str) -> KeyConversionError:
    """The KEY-4 error for a stored y that is not g^x mod p."""
    return _fail(f"{what} public value does not match x", "y == g^x mod p", "KEY-4")


# ---------------------------------------------------------------------------
# Dumping -- SPEC §14.3


def _choose_alg(
    alg_id: AlgId | None, allowed: frozenset[AlgId], default: AlgId, what: str
) -> AlgId:
    if alg_id is None:
        return default
    if alg_id not in allowed:
        raise InvalidParameterError(
            f"alg_id {alg_name(int(alg_id))} is not allowed for {what} keys; use "
            + " or ".join(sorted(a.name for a in allowed)),
            rule="KEY-7",
        )
    return AlgId(alg_id)


def _choose_version(
    version: int | None, allowed: tuple[int, ...], default: int, what: str
) -> int:
    if version is None:
        return default
    if version not in allowed:
        raise InvalidParameterError(
            f"{what} blobs have version "
            + " or ".join(str(v) for v in allowed)
            + f", not {version}",
            rule="KEY-7",
        )
    return version


def _rsa_public_fields(numbers: rsa.RSAPublicNumbers) -> tuple[int, int, int]:
    n, e = numbers.n, numbers.e
    if e >= 1 << 32:
        raise _fail(
            "a CryptoAPI blob stores the RSA public exponent in 32 bits",
            "e < 2^32",
            "KEY-8",
        )
    bits = n.bit_length()
    rng = RSAPublicKeyBlob.BITS
    if bits not in rng:
        raise _fail(
            f"CryptoAPI RSA blobs hold {rng.low}..{rng.high}-bit moduli, not {bits} bits",
            f"{rng.low} <= bitlen <= {rng.high}",
            "KEY-8",
        )
    # RSA-5: bitlen is the modulus' byte length times 8, what Windows writes and
    # imports (OpenSSL writes bits(n), which Windows refuses when not a multiple of 8).
    return (bits + 7) // 8 * 8, e, n


def _dsa_version(p: int, q: int, version: int | None) -> int:
    v2_ok = (
        q.bit_length() <= 160
        and 512 <= p.bit_length() <= 1024
        and p.bit_length() % 64 == 0
    )
    chosen = _choose_version(version, (2, 3), 2 if v2_ok else 3, "DSS")
    if chosen == 2 and not v2_ok:
        raise _fail(
            "a version-2 DSS blob holds a 512..1024-bit p (multiple of 64) and a "
            f"160-bit q; this key has a {p.bit_length()}-bit p and a {q.bit_length()}-bit q",
            "v2 sizes",
            "KEY-8",
        )
    if chosen == 3 and (p.bit_length() % 64 or not 512 <= p.bit_length() <= 3072):
        raise _fail(
            f"a version-3 DSS blob holds a 512..3072-bit p (multiple of 64), not {p.bit_length()} bits",
            "v3 sizes",
            "KEY-8",
        )
    return chosen


def _dh_bits(p: int) -> int:
    bits = p.bit_length()
    if bits % 64 or not 512 <= bits <= 4096:
        raise _fail(
            f"CryptoAPI DH blobs hold a 512..4096-bit p (multiple of 64), not {bits} bits",
            "DH sizes",
            "KEY-8",
        )
    return bits


def _rsa_public_blob(key: rsa.RSAPublicKey, alg: AlgId) -> bytes:
    bits, e, n = _rsa_public_fields(key.public_numbers())
    return RSAPublicKeyBlob(
        key_alg=alg, bit_length=bits, public_exponent=e, modulus=n
    ).to_bytes()


def _dsa_public_blob(key: dsa.DSAPublicKey, alg: AlgId, version: int | None) -> bytes:
    nums = key.public_numbers()
    pn = nums.parameter_numbers
    if _dsa_version(pn.p, pn.q, version) == 2:
        return DSSPublicKeyBlob(
            key_alg=alg,
            bit_length=pn.p.bit_length(),
            p=pn.p,
            q=pn.q,
            g=pn.g,
            y=nums.y,
            seed=DSSSeed.none(),
        ).to_bytes()
    j = (pn.p - 1) // pn.q
    return DSSPublicKeyBlobV3(
        key_alg=alg,
        bit_length_p=pn.p.bit_length(),
        bit_length_q=pn.q.bit_length(),
        bit_length_j=j.bit_length(),
        seed=DSSSeed.none(),
        p=pn.p,
        q=pn.q,
        g=pn.g,
        j=j,
        y=nums.y,
    ).to_bytes()


def _dh_public_blob(key: dh.DHPublicKey, alg: AlgId, version: int | None) -> bytes:
    chosen = _choose_version(version, (2, 3), 2, "DH")
    nums = key.public_numbers()
    group = nums.parameter_numbers
    bits = _dh_bits(group.p)
    if chosen == 2:
        return DHPublicKeyBlob(key_alg=alg, bit_length=bits, y=nums.y).to_bytes()
    q = group.q
    j = None if q is None else (group.p - 1) // q
    return DHPublicKeyBlobV3(
        key_alg=alg,
        bit_length_p=bits,
        bit_length_q=0 if q is None else q.bit_length(),
        bit_length_j=0 if j is None else j.bit_length(),
        seed=DSSSeed.none(),
        p=group.p,
        q=q,
        g=group.g,
        j=j,
        y=nums.y,
    ).to_bytes()


def dump_public_key(
    key: PublicKey,
    *,
    alg_id: AlgId | None = None,
    version: int | None = None,
    format: Literal["capi", "cng"] = "capi",
    ecdh: bool = False,
) -> bytes:
    """Write a ``cryptography`` public key as a PUBLICKEYBLOB or a CNG public blob.

    :param key: an RSA, DSA or DH public key.
    :param alg_id: ``aiKeyAlg``: CALG_RSA_KEYX (default) or CALG_RSA_SIGN for
        RSA; CALG_DSS_SIGN for DSA; CALG_DH_SF (default) or CALG_DH_EPHEM for DH.
    :param version: 2 or 3 for DSS and DH (default: 2 when the key fits a
        version-2 blob; a version-2 DH public blob carries y only); RSA has 2.
        With ``format="cng"``: 1 or 2 for DSA (default 1 when the key fits), none otherwise.
    :param format: ``"capi"`` (CryptoAPI, the default) or ``"cng"`` (bcrypt.h
        blobs, SPEC §20.10; the only format for EC keys).
    :param ecdh: for EC keys, write the ECDH magics (``ECK``) instead of ECDSA (``ECS``).
    :returns: the canonical blob bytes.
    :raises KeyConversionError: if the key cannot be held by the blob.
    :raises InvalidParameterError: for an ``alg_id``, ``version`` or ``format`` the key type does not have.
    :raises TypeError: for other key types.
    """
    return _dump_as(key, alg_id, version, format, private=False, full=False, ecdh=ecdh)


def _dump_as(
    key: object,
    alg_id: AlgId | None,
    version: int | None,
    format: str,
    *,
    private: bool,
    full: bool,
    ecdh: bool,
) -> bytes:
    if format == "cng":
        if alg_id is not None:
            raise InvalidParameterError(
                "CNG blobs have no aiKeyAlg: leave alg_id unset", rule="KEY-7"
            )
        return _kcng.dump(key, private=private, full=full, ecdh=ecdh, version=version)
    if format != "capi":
        raise InvalidParameterError(
            f"format must be 'capi' or 'cng', not {format!r}", rule="KEY-7"
        )
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        raise InvalidParameterError(
            "CryptoAPI has no EC key blob: use format='cng'", rule="KEY-7"
        )
    return _dump(key, alg_id, version, private=private)


def _rsa_private_blob(key: rsa.RSAPrivateKey, alg: AlgId) -> bytes:
    nums = key.private_numbers()
    bits, e, n = _rsa_public_fields(nums.public_numbers)
    half = (bits + 15) // 16 * 8
    if nums.p.bit_length() > half or nums.q.bit_length() > half:
        raise _fail(
            "a PRIVATEKEYBLOB gives each prime ceil(bitlen/16) bytes; this key's "
            f"primes have {nums.p.bit_length()} and {nums.q.bit_length()} bits",
            "p and q fit ceil(bitlen/16) bytes",
            "KEY-8",
        )
    return RSAPrivateKeyBlob(
        key_alg=alg,
        bit_length=bits,
        public_exponent=e,
        modulus=n,
        prime1=nums.p,
        prime2=nums.q,
        exponent1=nums.dmp1,
        exponent2=nums.dmq1,
        coefficient=nums.iqmp,
        private_exponent=nums.d,
    ).to_bytes()


def _dsa_private_blob(key: dsa.DSAPrivateKey, alg: AlgId, version: int | None) -> bytes:
    nums = key.private_numbers()
    pub = nums.public_numbers
    pn = pub.parameter_numbers
    if _dsa_version(pn.p, pn.q, version) == 2:
        return DSSPrivateKeyBlob(
            key_alg=alg,
            bit_length=pn.p.bit_length(),
            p=pn.p,
            q=pn.q,
            g=pn.g,
            x=nums.x,
            seed=DSSSeed.none(),
        ).to_bytes()
    j = (pn.p - 1) // pn.q
    return DSSPrivateKeyBlobV3(
        key_alg=alg,
        bit_length_p=pn.p.bit_length(),
        bit_length_q=pn.q.bit_length(),
        bit_length_j=j.bit_length(),
        bit_length_x=pn.q.bit_length(),
        seed=DSSSeed.none(),
        p=pn.p,
        q=pn.q,
        g=pn.g,
        j=j,
        y=pub.y,
        x=nums.x,
    ).to_bytes()


def _dh_private_blob(key: dh.DHPrivateKey, alg: AlgId, version: int | None) -> bytes:
    chosen = _choose_version(version, (2, 3), 2, "DH")
    nums = key.private_numbers()
    pub = nums.public_numbers
    group = pub.parameter_numbers
    bits = _dh_bits(group.p)
    if chosen == 2:
        return DHPrivateKeyBlob(
            key_alg=alg, bit_length=bits, p=group.p, g=group.g, x=nums.x
        ).to_bytes()
    q = group.q
    j = None if q is None else (group.p - 1) // q
    return DHPrivateKeyBlobV3(
        key_alg=alg,
        bit_length_p=bits,
        bit_length_q=0 if q is None else q.bit_length(),
        bit_length_j=0 if j is None else j.bit_length(),
        bit_length_x=bits if q is None else q.bit_length(),
        seed=DSSSeed.none(),
        p=group.p,
        q=q,
        g=group.g,
        j=j,
        y=pub.y,
        x=nums.x,
    ).to_bytes()


def dump_private_key(
    key: PrivateKey,
    *,
    alg_id: AlgId | None = None,
    version: int | None = None,
    format: Literal["capi", "cng"] = "capi",
    full: bool = True,
    ecdh: bool = False,
) -> bytes:
    """Write a ``cryptography`` private key as a PRIVATEKEYBLOB or a CNG private blob.

    Components are zero-padded to their field widths; for RSA the output
    equals OpenSSL's ``-outform MSBLOB`` byte for byte.

    :param key: an RSA, DSA or DH private key.
    :param alg_id: as for :func:`dump_public_key`.
    :param version: 2 or 3 for DSS and DH (default 2 when the key fits: a
        version-2 DSS private blob omits y); RSA has 2. With ``format="cng"``:
        1 or 2 for DSA, none otherwise.
    :param format: ``"capi"`` (the default) or ``"cng"`` (SPEC §20.10).
    :param full: with ``format="cng"``, write an RSA key as RSAFULLPRIVATE (RSA3,
        with the CRT values and the key's own d) rather than RSAPRIVATE (RSA2).
    :param ecdh: for EC keys, write the ECDH magics (``ECK``) instead of ECDSA (``ECS``).
    :returns: the canonical blob bytes.
    :raises KeyConversionError: if the blob cannot hold the key (public
        exponent of 2^32 or more, primes of unequal length beyond the
        layout, sizes outside the blob's range).
    :raises InvalidParameterError: for an ``alg_id`` or ``version`` the key type does not have.
    :raises TypeError: for other key types.
    """
    return _dump_as(key, alg_id, version, format, private=True, full=full, ecdh=ecdh)


def _dump(
    key: object, alg_id: AlgId | None, version: int | None, *, private: bool
) -> bytes:
    """Write a key as its blob; DSA and DH keys go through cryptography's deprecated API."""
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey) and private == isinstance(
        key, rsa.RSAPrivateKey
    ):
        alg = _choose_alg(alg_id, RSA_ALGS, AlgId.CALG_RSA_KEYX, "RSA")
        _choose_version(version, (2,), 2, "RSA")
        if isinstance(key, rsa.RSAPrivateKey):
            return _rsa_private_blob(key, alg)
        return _rsa_public_blob(key, alg)
    kind = "Private" if private else "Public"
    for family, prefix, algs, default, what in _LEGACY_DUMPS:
        if _legacy.is_instance(key, family, f"{prefix}{kind}Key"):
            alg = _choose_alg(alg_id, algs, default, what)
            writer: Any = _LEGACY_WRITERS[family, private]
            with _legacy.quiet():
                out: bytes = writer(key, alg, version)
            _legacy.warn_caller(family, returned=False)
            return out
    raise TypeError(f"unsupported key type: {type(key).__name__}")


# family, class-name prefix, allowed aiKeyAlg, default aiKeyAlg, blob name (SPEC §14.3).
_LEGACY_DUMPS: tuple[
    tuple[_legacy.FamilyName, str, frozenset[AlgId], AlgId, str], ...
] = (
    ("dsa", "DSA", DSS_ALGS, AlgId.CALG_DSS_SIGN, "DSS"),
    ("dh", "DH", DH_ALGS, AlgId.CALG_DH_SF, "DH"),
)
_LEGACY_WRITERS: dict[tuple[_legacy.FamilyName, bool], object] = {
    ("dsa", False): _dsa_public_blob,
    ("dsa", True): _dsa_private_blob,
    ("dh", False): _dh_public_blob,
    ("dh", True): _dh_private_blob,
}
