# SPDX-License-Identifier: Apache-2.0
"""Signatures as CryptoAPI makes them: ``CryptSignHash`` and ``CryptVerifySignature`` (SPEC §15.9).

Exports :func:`sign_hash`, :func:`verify_signature` and :data:`SIGNATURE_HASH_ALGS`.

CryptoAPI stores a signature as a little-endian integer: an RSA signature is
the byte reversal of RFC 8017's I2OSP output, and a DSS signature is r and s,
20 bytes each, little-endian. ``CRYPT_NOHASHOID`` signs the bare hash value
without the DigestInfo, and ``CALG_SSL3_SHAMD5`` (MD5 ‖ SHA-1, 36 bytes) never
has one.

How the RSA operation is done: for MD5, SHA-1 and SHA-2 with their DigestInfo,
``cryptography`` signs with ``Prehashed``. For every other payload (MD2 and MD4,
which OpenSSL 3 does not provide, ``CALG_SSL3_SHAMD5`` and ``CRYPT_NOHASHOID``)
this module builds the DigestInfo (or none) itself and has ``cryptography``
pad and sign it with ``NoDigestInfo`` (cryptography 47 and later). Older
releases of cryptography offer no way to sign a payload of our choosing, so
there, and only there, the RSA private operation is done here with the key's
CRT numbers, blinded, and checked with the public key before it is returned.
Verification needs no private key: ``cryptography`` verifies with
``Prehashed`` or recovers the signed payload, which is compared in full.
"""

from __future__ import annotations

import hmac
import math
import secrets
import warnings
from typing import Any, Final

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric import utils as asym_utils

from blobformat.capi.hashes import digest as _digest
from blobformat.codec.cng import _CngModel
from blobformat.codec.decode import parse
from blobformat.codec.model_base import _Model
from blobformat.codec.models import (
    DSSPrivateKeyBlob,
    DSSPrivateKeyBlobV3,
    DSSPublicKeyBlob,
    DSSPublicKeyBlobV3,
    PVKFile,
    RSAPrivateKeyBlob,
    RSAPublicKeyBlob,
)
from blobformat.constants import AlgId
from blobformat.errors import (
    BadSignatureError,
    InvalidParameterError,
    LegacyKeyWarning,
    PasswordError,
)
from blobformat.keys import legacy as _legacy
from blobformat.keys.convert import load_private_key, load_public_key

__all__ = ["SIGNATURE_HASH_ALGS", "sign_hash", "verify_signature"]

# The DigestInfo that precedes the hash value in the encoded message
# (RFC 8017 §9.2, note 1; the same bytes rsaenh writes).
_DIGEST_INFO: Final[dict[AlgId, bytes]] = {
    AlgId.CALG_MD2: bytes.fromhex("3020300c06082a864886f70d020205000410"),
    AlgId.CALG_MD4: bytes.fromhex("3020300c06082a864886f70d020405000410"),
    AlgId.CALG_MD5: bytes.fromhex("3020300c06082a864886f70d020505000410"),
    AlgId.CALG_SHA1: bytes.fromhex("3021300906052b0e03021a05000414"),
    AlgId.CALG_SHA_256: bytes.fromhex("3031300d060960864801650304020105000420"),
    AlgId.CALG_SHA_384: bytes.fromhex("3041300d060960864801650304020205000430"),
    AlgId.CALG_SHA_512: bytes.fromhex("3051300d060960864801650304020305000440"),
}
# The hashes cryptography (OpenSSL 3's default provider) signs with Prehashed.
_PREHASHED: Final[dict[AlgId, type[hashes.HashAlgorithm]]] = {
    AlgId.CALG_MD5: hashes.MD5,
    AlgId.CALG_SHA1: hashes.SHA1,
    AlgId.CALG_SHA_256: hashes.SHA256,
    AlgId.CALG_SHA_384: hashes.SHA384,
    AlgId.CALG_SHA_512: hashes.SHA512,
}
_SHAMD5_SIZE: Final = 36

#: The hash ALG_IDs :func:`sign_hash` accepts for RSA keys (DSS: CALG_SHA1 only).
SIGNATURE_HASH_ALGS: Final[frozenset[AlgId]] = frozenset(
    (*_DIGEST_INFO, AlgId.CALG_SSL3_SHAMD5)
)

# DSS signatures are r || s, 20 bytes each: CryptoAPI's DSS keys have a 160-bit q.
_DSS_Q_BITS: Final = 160
_DSS_PART: Final = 20

# The one message of every verification failure (SPEC SIG-5): it says nothing
# about which check failed.
_BAD_SIGNATURE: Final = "the signature does not verify with this key, hash and data"


# -- arguments ---------------------------------------------------------------------


def _hash_alg(value: object) -> AlgId:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"hash_alg must be an AlgId, not {type(value).__name__}")
    try:
        member = AlgId(value)
    except ValueError:
        member = None
    if member is None or member not in SIGNATURE_HASH_ALGS:
        raise InvalidParameterError(
            f"hash algorithm 0x{value:04X} cannot sign: use MD2, MD4, MD5, SHA-1, "
            "SHA-256, SHA-384, SHA-512 or CALG_SSL3_SHAMD5",
            field="hash_alg",
            rule="SIG-1",
        )
    return member


def _flag(value: object, name: str) -> bool:
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool")
    return value


def _bytes(value: object, name: str) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{name} must be bytes-like, not {type(value).__name__}")
    return bytes(value)


def _digest_size(alg: AlgId) -> int:
    if alg == AlgId.CALG_SSL3_SHAMD5:
        return _SHAMD5_SIZE
    return len(_digest(alg, b""))


def _hash_value(alg: AlgId, data: bytes, prehashed: bool) -> bytes:
    """The hash value CryptSignHash signs: computed, or given (HP_HASHVAL)."""
    if prehashed:
        size = _digest_size(alg)
        if len(data) != size:
            raise InvalidParameterError(
                f"a prehashed {alg.name} value is {size} bytes, not {len(data)}",
                field="data",
                rule="SIG-2",
            )
        return data
    if alg == AlgId.CALG_SSL3_SHAMD5:
        return _digest(AlgId.CALG_MD5, data) + _digest(AlgId.CALG_SHA1, data)
    return _digest(alg, data)


def _payload(alg: AlgId, value: bytes, no_hash_oid: bool) -> bytes:
    """T of RFC 8017 §9.2: the DigestInfo and hash value, or the bare value."""
    if no_hash_oid or alg == AlgId.CALG_SSL3_SHAMD5:
        return value
    return _DIGEST_INFO[alg] + value


# -- keys --------------------------------------------------------------------------


def _is_dsa(key: object, *class_names: str) -> bool:
    return _legacy.is_instance(key, "dsa", *class_names)


def _blob_key(data: object, *, private: bool) -> Any:
    """A key object from blob bytes or a parsed model, without a LegacyKeyWarning.

    The caller gave a blob, not a key object, so nothing deprecated crosses the API.
    """
    model = data if isinstance(data, _Model | _CngModel) else parse(_bytes(data, "key"))
    if isinstance(model, PVKFile):
        if model.blob is None:
            raise PasswordError(
                "the PVK file is encrypted: load it with blobformat.load_pvk(data, password) "
                "and pass the key object",
                rule="PVK-9",
            )
        model = model.blob
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LegacyKeyWarning)
        if isinstance(
            model, RSAPrivateKeyBlob | DSSPrivateKeyBlob | DSSPrivateKeyBlobV3
        ):
            key: Any = load_private_key(model)
            return key if private else key.public_key()
        if not private and isinstance(
            model, RSAPublicKeyBlob | DSSPublicKeyBlob | DSSPublicKeyBlobV3
        ):
            return load_public_key(model)
    what = "an RSA or DSS private key blob" if private else "an RSA or DSS key blob"
    raise InvalidParameterError(
        f"signatures need {what}, not a {type(model).KIND} blob",
        field="key",
        rule="SIG-4",
    )


def _signing_key(key: object) -> Any:
    if isinstance(key, rsa.RSAPrivateKey):
        return key
    if isinstance(key, rsa.RSAPublicKey):
        raise TypeError("sign_hash needs a private key, not an RSA public key")
    # A parsed CNG model is a key blob too: SIG-4 as for its bytes, not a TypeError.
    if isinstance(key, bytes | bytearray | memoryview | _Model | _CngModel):
        return _blob_key(key, private=True)
    if _is_dsa(key, "DSAPrivateKey"):
        _legacy.warn_caller("dsa", returned=False)
        return key
    raise TypeError(
        f"private_key must be an RSA or DSA private key or a key blob, not {type(key).__name__}"
    )


def _verifying_key(key: object) -> Any:
    if isinstance(key, rsa.RSAPublicKey):
        return key
    if isinstance(key, rsa.RSAPrivateKey):
        return key.public_key()
    # A parsed CNG model is a key blob too: SIG-4 as for its bytes, not a TypeError.
    if isinstance(key, bytes | bytearray | memoryview | _Model | _CngModel):
        return _blob_key(key, private=False)
    if _is_dsa(key, "DSAPublicKey"):
        _legacy.warn_caller("dsa", returned=False)
        return key
    if _is_dsa(key, "DSAPrivateKey"):
        _legacy.warn_caller("dsa", returned=False)
        private: Any = key
        with _legacy.quiet():
            return private.public_key()
    raise TypeError(
        f"public_key must be an RSA or DSA key or a key blob, not {type(key).__name__}"
    )


def _dss_q(key: Any) -> int:
    with _legacy.quiet():
        q: int = key.parameters().parameter_numbers().q
    return q


def _check_dss(key: Any, alg: AlgId, no_hash_oid: bool) -> None:
    if alg != AlgId.CALG_SHA1:
        raise InvalidParameterError(
            f"DSS signs SHA-1 hashes only, not {alg.name}",
            field="hash_alg",
            rule="SIG-1",
        )
    if no_hash_oid:
        raise InvalidParameterError(
            "no_hash_oid (CRYPT_NOHASHOID) applies to RSA signatures only",
            field="no_hash_oid",
            rule="SIG-4",
        )
    bits = _dss_q(key).bit_length()
    if bits != _DSS_Q_BITS:
        raise InvalidParameterError(
            f"the DSS key has a {bits}-bit q; CryptoAPI's DSS signatures need a "
            f"{_DSS_Q_BITS}-bit q (r and s of {_DSS_PART} bytes each)",
            field="key",
            rule="SIG-4",
        )


def _check_rsa_size(k: int, payload: bytes, alg: AlgId) -> None:
    if k < len(payload) + 11:
        raise InvalidParameterError(
            f"a {k}-byte RSA modulus cannot hold a {len(payload)}-byte {alg.name} "
            f"payload: PKCS#1 v1.5 needs {len(payload) + 11} bytes",
            field="key",
            rule="SIG-3",
        )


# -- RSA ---------------------------------------------------------------------------


def _no_digest_info() -> Any:
    """The NoDigestInfo class of cryptography 47 and later, else None."""
    return getattr(asym_utils, "NoDigestInfo", None)


def _rsa_sign(
    key: rsa.RSAPrivateKey, alg: AlgId, value: bytes, no_hash_oid: bool
) -> bytes:
    """The big-endian RSASSA-PKCS1-v1_5 signature of the payload."""
    k = (key.key_size + 7) // 8
    payload = _payload(alg, value, no_hash_oid)
    _check_rsa_size(k, payload, alg)
    if not no_hash_oid and alg in _PREHASHED:
        return key.sign(
            value, padding.PKCS1v15(), asym_utils.Prehashed(_PREHASHED[alg]())
        )
    no_digest_info = _no_digest_info()
    if no_digest_info is not None:
        signature: bytes = key.sign(payload, padding.PKCS1v15(), no_digest_info())
        return signature
    return _rsa_sign_raw(key, payload)


def _rsa_sign_raw(key: rsa.RSAPrivateKey, payload: bytes) -> bytes:
    """PKCS#1 v1.5 type-1 signing of ``payload`` with the CRT numbers.

    Only for cryptography before release 47, which cannot sign a payload of
    the caller's choosing. The base is blinded with a random r (so the
    exponentiations never see the message), and the result is checked with
    the public exponent so that a faulty CRT half is never released.
    """
    numbers = key.private_numbers()
    n, e = numbers.public_numbers.n, numbers.public_numbers.e
    k = (n.bit_length() + 7) // 8
    encoded = b"\x00\x01" + b"\xff" * (k - 3 - len(payload)) + b"\x00" + payload
    m = int.from_bytes(encoded, "big")
    while True:
        r = secrets.randbelow(n - 2) + 2
        if math.gcd(r, n) == 1:
            break
    blinded = m * pow(r, e, n) % n
    p, q = numbers.p, numbers.q
    sp = pow(blinded % p, numbers.dmp1, p)
    sq = pow(blinded % q, numbers.dmq1, q)
    s = (sq + q * (numbers.iqmp * (sp - sq) % p)) * pow(r, -1, n) % n
    if pow(s, e, n) != m:
        raise InvalidParameterError(
            "the RSA private key is inconsistent: no signature made"
        )
    return s.to_bytes(k, "big")


def _rsa_verify(
    key: rsa.RSAPublicKey, alg: AlgId, value: bytes, signature: bytes, no_hash_oid: bool
) -> bool:
    numbers = key.public_numbers()
    k = (numbers.n.bit_length() + 7) // 8
    payload = _payload(alg, value, no_hash_oid)
    _check_rsa_size(k, payload, alg)
    if len(signature) != k:
        return False
    big_endian = signature[::-1]
    if int.from_bytes(big_endian, "big") >= numbers.n:
        return False
    try:
        if not no_hash_oid and alg in _PREHASHED:
            key.verify(
                big_endian,
                value,
                padding.PKCS1v15(),
                asym_utils.Prehashed(_PREHASHED[alg]()),
            )
            return True
        # Recover T and compare it whole: with the padding checked by
        # cryptography, this compares the full encoded message (RFC 8017 §8.2.2).
        no_digest_info = _no_digest_info()
        recovered = key.recover_data_from_signature(
            big_endian,
            padding.PKCS1v15(),
            None if no_digest_info is None else no_digest_info(),
        )
    except InvalidSignature:
        return False
    return hmac.compare_digest(recovered, payload)


# -- DSS ---------------------------------------------------------------------------


def _dss_sign(key: Any, value: bytes) -> bytes:
    with _legacy.quiet():
        der = key.sign(value, asym_utils.Prehashed(hashes.SHA1()))  # noqa: S303 - DSS is SHA-1
    r, s = asym_utils.decode_dss_signature(der)
    return r.to_bytes(_DSS_PART, "little") + s.to_bytes(_DSS_PART, "little")


def _dss_verify(key: Any, value: bytes, signature: bytes) -> bool:
    if len(signature) != 2 * _DSS_PART:
        return False
    r = int.from_bytes(signature[:_DSS_PART], "little")
    s = int.from_bytes(signature[_DSS_PART:], "little")
    q = _dss_q(key)
    if not (0 < r < q and 0 < s < q):
        return False
    try:
        with _legacy.quiet():
            key.verify(
                asym_utils.encode_dss_signature(r, s),
                value,
                asym_utils.Prehashed(hashes.SHA1()),  # noqa: S303 - DSS is SHA-1
            )
    except InvalidSignature:
        return False
    return True


# -- public API --------------------------------------------------------------------


def sign_hash(
    private_key: object,
    data: bytes | bytearray | memoryview,
    *,
    hash_alg: AlgId = AlgId.CALG_SHA_256,
    no_hash_oid: bool = False,
    prehashed: bool = False,
) -> bytes:
    """Sign as ``CryptSignHash`` does, in CryptoAPI's byte order (SPEC §15.9).

    RSA: RSASSA-PKCS1-v1_5 over the hash of ``data``, with the hash's
    DigestInfo unless ``no_hash_oid`` (``CRYPT_NOHASHOID``) is set or the hash
    is ``CALG_SSL3_SHAMD5``; the result is the signature integer as k
    little-endian bytes (k the modulus length), byte-identical to
    CryptSignHash's. DSS: SHA-1, r ‖ s as two 20-byte little-endian integers;
    DSA signatures are randomised, so two calls differ.

    :param private_key: an RSA or DSA private key of ``cryptography``, or a
        PRIVATEKEYBLOB (bytes or parsed), or an unencrypted PVK file.
    :param data: the data to hash, or the hash value when ``prehashed``.
    :param hash_alg: ``CALG_MD2``, ``CALG_MD4``, ``CALG_MD5``, ``CALG_SHA1``,
        ``CALG_SHA_256``, ``CALG_SHA_384``, ``CALG_SHA_512`` or
        ``CALG_SSL3_SHAMD5`` (MD5 ‖ SHA-1); DSS keys take ``CALG_SHA1`` only.
    :param no_hash_oid: sign the bare hash value (``CRYPT_NOHASHOID``); RSA only.
    :param prehashed: ``data`` is the hash value itself (``HP_HASHVAL``) and
        must have the hash's length (36 bytes for ``CALG_SSL3_SHAMD5``).
    :returns: the signature as CryptSignHash returns it.
    :raises TypeError: for arguments of the wrong type, or a public key.
    :raises InvalidParameterError: for a hash the key type cannot sign with
        (SIG-1), a prehashed value of the wrong length (SIG-2), an RSA key
        too small for the payload (SIG-3), a DSS key without a 160-bit q, a
        DH key, or ``no_hash_oid`` with DSS (SIG-4).
    :raises ParseError: if a key blob is malformed.
    :raises KeyConversionError: if a key blob's numbers are inconsistent, or a
        private blob's modulus exceeds 4096 bits (KEY-13: load it with
        ``load_private_key(blob, max_bits=None)`` and pass the key object).
    :raises PasswordError: for an encrypted PVK file (load it with
        :func:`blobformat.load_pvk` first).
    """
    alg = _hash_alg(hash_alg)
    no_oid = _flag(no_hash_oid, "no_hash_oid")
    message = _bytes(data, "data")
    key = _signing_key(private_key)
    if isinstance(key, rsa.RSAPrivateKey):
        value = _hash_value(alg, message, _flag(prehashed, "prehashed"))
        # CryptSignHash writes the signature integer little-endian.
        return _rsa_sign(key, alg, value, no_oid)[::-1]
    _check_dss(key, alg, no_oid)
    return _dss_sign(key, _hash_value(alg, message, _flag(prehashed, "prehashed")))


def verify_signature(
    public_key: object,
    data: bytes | bytearray | memoryview,
    signature: bytes | bytearray | memoryview,
    *,
    hash_alg: AlgId = AlgId.CALG_SHA_256,
    no_hash_oid: bool = False,
    prehashed: bool = False,
) -> None:
    """Verify a signature in CryptoAPI's byte order (SPEC §15.9).

    The exact counterpart of :func:`sign_hash`: the signature must be k
    bytes (RSA) or 40 bytes (DSS), in range, and the encoded message must be
    exactly the one ``sign_hash`` would make with the same ``hash_alg`` and
    ``no_hash_oid``. Unlike ``CryptVerifySignature`` with flags 0, a
    signature without the DigestInfo is not accepted in place of one with it.

    :param public_key: an RSA or DSA key of ``cryptography`` (a private key's
        public half is used), or a PUBLICKEYBLOB or PRIVATEKEYBLOB.
    :param data: the signed data, or its hash value when ``prehashed``.
    :param signature: the signature as CryptSignHash returns it.
    :param hash_alg: as for :func:`sign_hash`.
    :param no_hash_oid: the signature was made with ``CRYPT_NOHASHOID``.
    :param prehashed: ``data`` is the hash value itself.
    :raises BadSignatureError: if the signature does not verify, with one
        message whatever the cause (SIG-5).
    :raises TypeError, InvalidParameterError, ParseError, KeyConversionError:
        for arguments as :func:`sign_hash` refuses them.
    """
    alg = _hash_alg(hash_alg)
    no_oid = _flag(no_hash_oid, "no_hash_oid")
    message = _bytes(data, "data")
    sig = _bytes(signature, "signature")
    key = _verifying_key(public_key)
    value = _hash_value(alg, message, _flag(prehashed, "prehashed"))
    if isinstance(key, rsa.RSAPublicKey):
        ok = _rsa_verify(key, alg, value, sig, no_oid)
    else:
        _check_dss(key, alg, no_oid)
        ok = _dss_verify(key, value, sig)
    if not ok:
        raise BadSignatureError(_BAD_SIGNATURE, field="signature", rule="SIG-5")
