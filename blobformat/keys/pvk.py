# SPDX-License-Identifier: Apache-2.0
"""Read and write PVK files, plain or RC4-encrypted (SPEC §12).

Exports :func:`load_pvk` and :func:`dump_pvk`.

An encrypted PVK keeps the inner blob's 8-byte BLOBHEADER in clear and
encrypts the rest with RC4 under SHA-1(salt ‖ password): all 16 bytes of the
digest for "strong" files, the first 5 followed by 11 zero bytes for "weak"
(40-bit) ones. The file does not say which; a reader tries strong, then
weak, and recognises the right one by the decrypted magic.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING

from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
from cryptography.hazmat.primitives.ciphers import Cipher

from blobformat.codec.decode import as_bytes, parse
from blobformat.codec.models import PVKFile
from blobformat.codec.registry import kind_of
from blobformat.constants import AlgId, PVKKeyType
from blobformat.errors import (
    InvalidParameterError,
    ParseError,
    PasswordError,
    UnsupportedBlobError,
)
from blobformat.keys.convert import DEFAULT_MAX_BITS, dump_private_key, load_private_key

if TYPE_CHECKING:
    from blobformat.keys.convert import PrivateKey

__all__ = ["dump_pvk", "load_pvk"]

_SALT_LENGTH = 16
# The magics of the key blobs a PVK file may hold, from the registry.
_PRIVATE_MAGICS = tuple(kind_of(k).magic for k in PVKFile.KEY_KINDS)
_STRENGTHS = ("strong", "weak")


def _rc4_key(salt: bytes, password: bytes, strength: str) -> bytes:
    digest = hashlib.sha1(salt + password).digest()[:16]  # noqa: S324 - the format's KDF
    if strength == "weak":
        return digest[:5] + bytes(11)
    return digest


def _rc4(key: bytes, data: bytes) -> bytes:
    return Cipher(ARC4(key), mode=None).encryptor().update(data)


def _password(password: object) -> bytes:
    if isinstance(password, bytes | bytearray | memoryview):
        return bytes(password)
    raise TypeError(f"password must be bytes, not {type(password).__name__}")


def _decrypt(pvk: PVKFile, password: bytes) -> bytes:
    """Decrypt an encrypted PVK's key blob.

    Both keys are always tried and the result is picked without an early
    return, so a wrong password, a corrupted magic and a weak file all do
    the same work; the one PasswordError is raised from one place, with no
    exception context.

    :returns: the plain PRIVATEKEYBLOB bytes.
    :raises PasswordError: if neither the strong nor the weak key yields a
        private-key magic (a wrong password; a corrupt magic looks the same).
    """
    secret = _password(password)
    body = pvk.key_data[8:]
    strong, weak = (
        _rc4(_rc4_key(pvk.salt, secret, strength), body) for strength in _STRENGTHS
    )
    strong_ok = int(strong[:4] in _PRIVATE_MAGICS)
    weak_ok = int(weak[:4] in _PRIVATE_MAGICS)
    plain = (weak, strong)[strong_ok]
    if not strong_ok | weak_ok:
        raise PasswordError("wrong password for the PVK file", rule="PVK-9")
    return pvk.key_data[:8] + plain


def _encrypt(
    blob: bytes, key_type: PVKKeyType, password: bytes, *, strength: str, salt: bytes
) -> PVKFile:
    """Build an encrypted PVK model from a plain PRIVATEKEYBLOB."""
    key = _rc4_key(salt, _password(password), strength)
    return PVKFile(
        key_type=key_type,
        encrypted=True,
        salt=salt,
        key_data=blob[:8] + _rc4(key, blob[8:]),
    )


def load_pvk(
    data: bytes | bytearray | memoryview,
    password: bytes | None = None,
    *,
    max_bits: int | None = DEFAULT_MAX_BITS,
) -> PrivateKey:
    """Read a PVK file into a ``cryptography`` private key.

    :param data: the file contents.
    :param password: the password of an encrypted file, as bytes (text
        passwords as their UTF-8 or ANSI bytes, as the writing tool used).
    :param max_bits: the bound on expensive validation, as for
        :func:`load_private_key` (SPEC KEY-13).
    :returns: an RSA or DSA private key, checked as :func:`load_private_key` does.
    :raises ParseError: if the file or its inner blob is malformed (errors in
        the inner blob are located within the file).
    :raises PasswordError: if the file is encrypted and the password is
        missing or wrong.
    :raises UnsupportedBlobError: if the input is not a PVK file.
    :raises KeyConversionError: if the key numbers are inconsistent.
    """
    return load_private_key(pvk_private_blob(data, password), max_bits=max_bits)


def pvk_private_blob(
    data: bytes | bytearray | memoryview | PVKFile, password: bytes | None = None
) -> PVKFile:
    """The PVK file with its key blob in the clear (decrypted when encrypted).

    :returns: an unencrypted :class:`PVKFile` whose ``blob`` is the inner
        PRIVATEKEYBLOB model.
    :raises: as :func:`load_pvk`, except ``KeyConversionError``.
    """
    pvk = data if isinstance(data, PVKFile) else parse(as_bytes(data))
    if not isinstance(pvk, PVKFile):
        raise UnsupportedBlobError(
            f"expected a PVK file, got a {type(pvk).KIND} blob",
            offset=0,
            field="header",
        )
    if not pvk.encrypted:
        return pvk
    if password is None:
        raise PasswordError(
            "the PVK file is encrypted: a password is required", rule="PVK-9"
        )
    plain = _decrypt(pvk, password)
    try:
        return PVKFile(key_type=pvk.key_type, encrypted=False, salt=b"", key_data=plain)
    except ParseError as err:
        # The password was right (the magic decrypted) but the body is corrupt.
        if err.offset is not None:
            err.offset += len(pvk.salt)
            err.args = (err._render(),)
        raise


def dump_pvk(
    key: PrivateKey, password: bytes | None = None, *, strength: str = "strong"
) -> bytes:
    """Write a private key as a PVK file.

    :param key: an RSA or DSA private key.
    :param password: encrypt with this password; ``None`` writes a plain file.
    :param strength: ``"strong"`` (128-bit RC4) or ``"weak"`` (40-bit RC4).
    :returns: the file bytes (with a fresh random salt when encrypted).
    :raises InvalidParameterError: for an unknown strength or a DH key.
    :raises KeyConversionError: if the key cannot be held by a private blob.
    """
    if strength not in _STRENGTHS:
        raise InvalidParameterError(
            f"strength must be 'strong' or 'weak', not {strength!r}"
        )
    blob = dump_private_key(key)
    alg = int.from_bytes(blob[4:8], "little")
    if alg == AlgId.CALG_RSA_KEYX:
        key_type = PVKKeyType.AT_KEYEXCHANGE
    elif alg == AlgId.CALG_DSS_SIGN:
        key_type = PVKKeyType.AT_SIGNATURE
    else:
        raise InvalidParameterError(
            "PVK files hold RSA and DSA keys only", rule="PVK-8"
        )
    if password is None:
        return PVKFile(
            key_type=key_type, encrypted=False, salt=b"", key_data=blob
        ).to_bytes()
    return _encrypt(
        blob, key_type, password, strength=strength, salt=os.urandom(_SALT_LENGTH)
    ).to_bytes()
