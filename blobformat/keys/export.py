# SPDX-License-Identifier: Apache-2.0
"""Key blobs to standard encodings: SubjectPublicKeyInfo and PKCS#8 (SPEC §14.4).

Exports :func:`export_public_key` and :func:`export_private_key`.

These turn any key blob into the encodings every other tool reads, with the
same relation checks as :func:`~blobformat.load_private_key`. DSS and DH keys
never become ``cryptography`` key objects here: cryptography deprecates DSA
and finite-field DH and says it will remove them, so their structures are
written by :mod:`blobformat.keys.der`, byte-identical to what ``openssl pkey``
writes back after reading them. RSA keys go through cryptography, which
keeps RSA.
"""

from __future__ import annotations

from typing import Literal

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from blobformat.codec.cng import _CngModel
from blobformat.codec.models import (
    AnyBlob,
    Blob,
    DHPrivateKeyBlob,
    DHPrivateKeyBlobV3,
    DHPublicKeyBlob,
    DHPublicKeyBlobV3,
    DSSPrivateKeyBlob,
    DSSPrivateKeyBlobV3,
    DSSPublicKeyBlob,
    DSSPublicKeyBlobV3,
    PVKFile,
    RSAPrivateKeyBlob,
    RSAPublicKeyBlob,
)
from blobformat.errors import (
    InvalidParameterError,
    UnsupportedBlobError,
)
from blobformat.keys import cng as _kcng
from blobformat.keys import der as _der
from blobformat.keys.convert import (
    DEFAULT_MAX_BITS,
    BlobInput,
    DHParametersInput,
    _as_blob,
    check_dh_private,
    check_dh_public,
    check_dss_private,
    y_mismatch,
)
from blobformat.keys.pvk import pvk_private_blob
from blobformat.keys.relations import (
    _check_group,
    _check_rsa_public,
    _check_y,
    _load_rsa_private,
    g_pow_x,
)

__all__ = ["export_private_key", "export_public_key"]

Encoding = Literal["pem", "der"]


def _encode(der: bytes, encoding: str, label: str) -> bytes:
    if encoding == "der":
        return der
    return _der.pem(der, label)


def _check_encoding(encoding: object) -> Encoding:
    if encoding not in ("pem", "der"):
        raise InvalidParameterError(
            f"encoding must be 'pem' or 'der', not {encoding!r}", rule="KEY-9"
        )
    return encoding


def _key_blob(data: BlobInput | PVKFile, password: bytes | None) -> AnyBlob:
    blob = _as_blob(data)
    if isinstance(blob, PVKFile):
        inner = pvk_private_blob(blob, password).blob
        if inner is None:  # pragma: no cover - an unencrypted PVK always holds its blob
            raise UnsupportedBlobError(
                "the PVK file holds no key blob", offset=0, field="key"
            )
        return inner
    return blob


def _dss_or_dh_y(
    blob: DSSPrivateKeyBlob
    | DSSPrivateKeyBlobV3
    | DHPrivateKeyBlob
    | DHPrivateKeyBlobV3,
    what: str,
) -> int:
    """The public value of a checked DSS/DH private blob, checked against a stored y."""
    y = g_pow_x(blob.p, blob.g, blob.x, what=what)
    if isinstance(blob, DSSPrivateKeyBlobV3 | DHPrivateKeyBlobV3) and y != blob.y:
        raise y_mismatch(what)
    return y


def export_public_key(
    data: BlobInput | PVKFile,
    *,
    encoding: Encoding = "pem",
    parameters: DHParametersInput | None = None,
    password: bytes | None = None,
    max_bits: int | None = DEFAULT_MAX_BITS,
) -> bytes:
    """Write the public key of any key blob as a SubjectPublicKeyInfo.

    Works for RSA, DSS (v2, v3) and DH (v2, v3) blobs, public or private,
    for PVK files and for CNG key blobs (RSA, EC, DSA, DH; SPEC §20.10), without cryptography's deprecated DSA/DH classes
    (SPEC §14.4). The numbers are checked as :func:`load_public_key` (and,
    for a private blob, :func:`load_private_key`) checks them.

    :param data: blob or PVK bytes, or a parsed model.
    :param encoding: ``"pem"`` (``PUBLIC KEY``) or ``"der"``.
    :param parameters: the DH group for a version-2 DH public blob, which
        carries only y (``(p, g)``, ``(p, g, q)`` or cryptography's DH
        parameters); ignored otherwise.
    :param password: the password of an encrypted PVK file.
    :param max_bits: for an RSA private blob, the largest modulus whose primes
        are validated (as :func:`load_private_key`); DSS and DH keys cost
        milliseconds at any size the format holds.
    :returns: the encoded SubjectPublicKeyInfo.
    :raises ParseError: if the bytes are not a valid blob.
    :raises UnsupportedBlobError: if the blob holds no key.
    :raises InvalidParameterError: for an unknown encoding, or a DH v2 public
        blob without ``parameters``.
    :raises PasswordError: for an encrypted PVK file without the right password.
    :raises KeyConversionError: naming the relation the numbers break.
    """
    enc = _check_encoding(encoding)
    blob = _key_blob(data, password)
    if isinstance(blob, _CngModel):
        # CNG blobs (SPEC §20.10), DSA and DH without cryptography's key classes too.
        der = _kcng.export_der(blob, private=False, max_bits=max_bits)
        return _encode(der, enc, "PUBLIC KEY")
    if isinstance(blob, RSAPublicKeyBlob | RSAPrivateKeyBlob):
        if isinstance(blob, RSAPublicKeyBlob):
            _check_rsa_public(blob.modulus, blob.public_exponent)
            public = rsa.RSAPublicNumbers(
                blob.public_exponent, blob.modulus
            ).public_key()
        else:
            public = _load_rsa_private(blob, False, max_bits).public_key()
        fmt = serialization.Encoding.PEM if enc == "pem" else serialization.Encoding.DER
        return public.public_bytes(fmt, serialization.PublicFormat.SubjectPublicKeyInfo)
    if isinstance(blob, DSSPublicKeyBlob | DSSPublicKeyBlobV3):
        j = blob.j if isinstance(blob, DSSPublicKeyBlobV3) else None
        _check_group(blob.p, blob.q, blob.g, j, what="DSS")
        _check_y(blob.p, blob.q, blob.y, what="DSS")
        der = _der.dsa_spki(blob.p, blob.q, blob.g, blob.y)
    elif isinstance(blob, DSSPrivateKeyBlob | DSSPrivateKeyBlobV3):
        check_dss_private(blob)
        der = _der.dsa_spki(blob.p, blob.q, blob.g, _dss_or_dh_y(blob, "DSS"))
    elif isinstance(blob, DHPublicKeyBlob | DHPublicKeyBlobV3):
        p, g, q = check_dh_public(blob, parameters)
        der = _dh_spki(p, g, q, blob.y)
    elif isinstance(blob, DHPrivateKeyBlob | DHPrivateKeyBlobV3):
        q = check_dh_private(blob)
        der = _dh_spki(blob.p, blob.g, q, _dss_or_dh_y(blob, "DH"))
    else:
        raise _not_a_key(blob, "export_public_key", "a key blob")
    return _encode(der, enc, "PUBLIC KEY")


def _dh_spki(p: int, g: int, q: int | None, y: int) -> bytes:
    # A group with q is an X9.42 group (dhpublicnumber), as OpenSSL writes it;
    # without q it is a PKCS#3 group (dhKeyAgreement).
    return _der.dh_spki(p, g, y) if q is None else _der.dhx_spki(p, g, q, y)


def export_private_key(
    data: BlobInput | PVKFile,
    *,
    encoding: Encoding = "pem",
    password: bytes | None = None,
    max_bits: int | None = DEFAULT_MAX_BITS,
) -> bytes:
    """Write a private key blob as an unencrypted PKCS#8 ``PrivateKeyInfo``.

    Works for RSA, DSS (v2, v3) and DH (v2, v3) private blobs, PVK files and
    CNG private key blobs (RSA, EC, DSA, DH; SPEC §20.10), without cryptography's deprecated DSA/DH classes (SPEC §14.4). Every
    relation :func:`load_private_key` checks is checked; for RSA that
    includes cryptography's primality check of p and q.

    :param data: blob or PVK bytes, or a parsed model.
    :param encoding: ``"pem"`` (``PRIVATE KEY``) or ``"der"``.
    :param password: the password of an encrypted PVK file.
    :param max_bits: the largest RSA modulus whose primes are validated (as
        :func:`load_private_key`); DSS and DH keys cost milliseconds.
    :returns: the encoded PKCS#8 key. It holds the private key in the clear.
    :raises ParseError: if the bytes are not a valid blob.
    :raises UnsupportedBlobError: if the blob is not a private key blob.
    :raises InvalidParameterError: for an unknown encoding.
    :raises PasswordError: for an encrypted PVK file without the right password.
    :raises KeyConversionError: naming the relation the numbers break.
    """
    enc = _check_encoding(encoding)
    blob = _key_blob(data, password)
    if isinstance(blob, _CngModel):
        der = _kcng.export_der(blob, private=True, max_bits=max_bits)
        return _encode(der, enc, "PRIVATE KEY")
    if isinstance(blob, RSAPrivateKeyBlob):
        key = _load_rsa_private(blob, False, max_bits)
        fmt = serialization.Encoding.PEM if enc == "pem" else serialization.Encoding.DER
        return key.private_bytes(
            fmt, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    if isinstance(blob, DSSPrivateKeyBlob | DSSPrivateKeyBlobV3):
        check_dss_private(blob)
        if isinstance(blob, DSSPrivateKeyBlobV3):
            _dss_or_dh_y(blob, "DSS")
        der = _der.dsa_pkcs8(blob.p, blob.q, blob.g, blob.x)
    elif isinstance(blob, DHPrivateKeyBlob | DHPrivateKeyBlobV3):
        q = check_dh_private(blob)
        if isinstance(blob, DHPrivateKeyBlobV3):
            _dss_or_dh_y(blob, "DH")
        der = (
            _der.dh_pkcs8(blob.p, blob.g, blob.x)
            if q is None
            else _der.dhx_pkcs8(blob.p, blob.g, q, blob.x)
        )
    else:
        raise _not_a_key(blob, "export_private_key", "a PRIVATEKEYBLOB or a PVK file")
    return _encode(der, enc, "PRIVATE KEY")


def _not_a_key(blob: Blob, function: str, needed: str) -> UnsupportedBlobError:
    return UnsupportedBlobError(
        f"{function} needs {needed}, not a {type(blob).KIND} blob",
        offset=0,
        field="header.blob_type",
    )
