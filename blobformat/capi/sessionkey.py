# SPDX-License-Identifier: Apache-2.0
"""Symmetric session keys: CryptDeriveKey, CryptEncrypt and CryptDecrypt.

A :class:`SessionKey` is what a SIMPLEBLOB, PLAINTEXTKEYBLOB or
SYMMETRICWRAPKEYBLOB carries once unwrapped: an algorithm, the key bytes,
the RC2/RC4 salt and RC2's effective key length. It encrypts and decrypts
exactly as the Microsoft providers do (SPEC §15.5), and
:func:`derive_key` / :func:`derive_key_from_password` reproduce
CryptDeriveKey (SPEC §15.4).

These are legacy algorithms kept for reading and writing existing data.
CryptDeriveKey has no salt and no work factor, 40-bit keys and RC4 are
broken, and CryptEncrypt has no integrity protection (SPEC §15.7).

Exports :class:`SessionKey`, :func:`derive_key`,
:func:`derive_key_from_password` and :func:`default_salt` (the salt an
imported key gets, for the SIMPLEBLOB/PLAINTEXTKEYBLOB codec).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blobformat.capi.ciphers import CryptContext
from blobformat.capi.derive import derive
from blobformat.capi.hashes import new_hash
from blobformat.codec.keylengths import (
    check_effective_bits,
    check_key_alg,
    check_key_length,
    check_salt,
    require_int,
    salt_length,
)
from blobformat.constants import AlgId

__all__ = ["SessionKey", "default_salt", "derive_key", "derive_key_from_password"]


def _as_bytes(value: object, name: str) -> bytes:
    """Return a bytes copy of a bytes-like argument, else raise TypeError."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{name} must be bytes-like, not {type(value).__name__}")
    return bytes(value)


def _as_bool(value: object, name: str) -> bool:
    """Return ``value`` if it is a bool, else raise TypeError."""
    if not isinstance(value, bool):
        raise TypeError(f"{name} must be a bool, not {type(value).__name__}")
    return value


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SessionKey:
    """A symmetric CryptoAPI session key.

    :ivar alg_id: the key's ALG_ID: CALG_DES, CALG_3DES_112, CALG_3DES,
        CALG_RC2, CALG_RC4, CALG_AES_128/192/256, or one of the wrap-only
        Schannel master secrets CALG_SSL3_MASTER / CALG_TLS1_MASTER, which
        cannot encrypt (SPEC §15.1).
    :ivar key: the key bytes: DES 8, 3DES-112 16, 3DES 24, AES 16/24/32,
        RC2/RC4 5..16 (40..128 bits), master secrets 48. DES bytes are used
        as they are; parity bits are neither checked nor fixed.
    :ivar salt: RC2/RC4 salt (``KP_SALT``), appended to the key for the key
        schedule; at most 24 bytes; empty for every other algorithm.
    :ivar effective_bits: RC2's ``KP_EFFECTIVE_KEYLEN`` (1..1024); ``None``
        means the provider default, the key's own bit length.
    :raises TypeError: if a field has the wrong type.
    :raises InvalidParameterError: SYM-1 for an unsupported algorithm, SYM-2
        for a key length the algorithm does not allow, SYM-3 for salt on a
        non-RC2/RC4 key, SYM-4 for salt longer than 24 bytes, SYM-5 for an
        effective length on a non-RC2 key or outside 1..1024.
    """

    alg_id: AlgId
    key: bytes = field(repr=False)
    salt: bytes = field(default=b"", repr=False)
    effective_bits: int | None = None

    def __post_init__(self) -> None:
        """Validate the fields (SPEC §15.1) and normalise their types."""
        alg = check_key_alg(self.alg_id, allow_wrap_only=True)
        key = _as_bytes(self.key, "key")
        salt = _as_bytes(self.salt, "salt")
        check_key_length(alg, len(key))
        check_salt(alg, len(salt))
        check_effective_bits(alg, self.effective_bits)
        # Normalise to immutable bytes and the enum so equality and hashing
        # do not depend on the caller's buffer types.
        object.__setattr__(self, "alg_id", alg)
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "salt", salt)

    def __repr__(self) -> str:
        """Show algorithm and lengths only."""
        # Never show key or salt bytes: lengths only (STYLE B.3 rule 5).
        parts = [
            f"alg_id={self.alg_id.name}",
            f"key_bits={8 * len(self.key)}",
            f"salt_bytes={len(self.salt)}",
        ]
        if self.effective_bits is not None:
            parts.append(f"effective_bits={self.effective_bits}")
        return f"SessionKey({', '.join(parts)})"

    def _context(
        self, mode: str, iv: bytes | bytearray | memoryview | None, *, decrypt: bool
    ) -> CryptContext:
        """Open a fresh CryptEncrypt/CryptDecrypt state for this key."""
        iv_bytes = None if iv is None else _as_bytes(iv, "iv")
        return CryptContext(
            self.alg_id,
            self.key,
            salt=self.salt,
            effective_bits=self.effective_bits,
            mode=mode,
            iv=iv_bytes,
            decrypt=decrypt,
        )

    def encrypt(
        self,
        data: bytes | bytearray | memoryview,
        *,
        mode: str = "cbc",
        iv: bytes | bytearray | memoryview | None = None,
        final: bool = True,
    ) -> bytes:
        """Encrypt like one CryptEncrypt call on a freshly set-up key.

        Block ciphers use ``mode`` with ``iv`` (all-zero by default) and, on
        the final call, append PKCS#5 padding of 1..blocklen bytes. A
        non-final call needs whole blocks; to continue a CBC or CFB stream
        in a later call, pass the last block of this call's output as that
        call's ``iv``. RC4 ignores ``mode`` and takes no IV; each call
        starts its keystream afresh.

        :param data: the plaintext.
        :param mode: ``"cbc"`` (default), ``"ecb"`` or ``"cfb"`` (8-bit CFB).
        :param iv: IV of the cipher's block length, ``None`` for all-zero.
        :param final: ``True`` to pad (CryptEncrypt's ``Final``).
        :returns: the ciphertext.
        :raises TypeError: if an argument has the wrong type.
        :raises InvalidParameterError: CIP-1 for a wrap-only key, CIP-2 for an
            unknown mode, CIP-3 for a wrong IV length, CIP-4 for a non-final
            block-cipher call that is not whole blocks.
        """
        final = _as_bool(final, "final")
        return self._context(mode, iv, decrypt=False).update(data, final=final)

    def decrypt(
        self,
        data: bytes | bytearray | memoryview,
        *,
        mode: str = "cbc",
        iv: bytes | bytearray | memoryview | None = None,
        final: bool = True,
    ) -> bytes:
        """Decrypt like one CryptDecrypt call on a freshly set-up key.

        Block-cipher input must be whole blocks. On the final call the last
        byte must be a padding length of 1..blocklen and all padding bytes
        must equal it; the padding is then removed.

        :param data: the ciphertext.
        :param mode: ``"cbc"`` (default), ``"ecb"`` or ``"cfb"`` (8-bit CFB).
        :param iv: IV of the cipher's block length, ``None`` for all-zero.
        :param final: ``True`` to check and strip padding.
        :returns: the plaintext.
        :raises TypeError: if an argument has the wrong type.
        :raises InvalidParameterError: CIP-1 for a wrap-only key, CIP-2 for an
            unknown mode, CIP-3 for a wrong IV length, CIP-4 for input that
            is not whole blocks, CIP-5 for an empty final call.
        :raises PaddingError: CIP-6 for malformed padding.
        """
        final = _as_bool(final, "final")
        return self._context(mode, iv, decrypt=True).update(data, final=final)


def default_salt(alg_id: AlgId, key_length: int) -> bytes:
    """Return the salt an imported or generated key gets by default.

    CryptImportKey (SIMPLEBLOB, PLAINTEXTKEYBLOB) and CryptGenKey give a
    40-bit RC2 or RC4 key 11 zero bytes of salt unless CRYPT_NO_SALT is set,
    in every provider; other keys get none (Wine ``test_RC4_salt`` and
    ``test_RC4_session_key``, run on Windows; SPEC §15.1). Salt is never
    exported, so this is also what an importer must assume.

    :param alg_id: the key's ALG_ID.
    :param key_length: the key length in bytes.
    :returns: ``bytes(11)`` or ``b""``.
    :raises TypeError: if ``key_length`` is not an int.
    """
    length = require_int(key_length, "key_length")
    return bytes(salt_length(alg_id, length, "base", create_salt=False))


def derive_key(
    hash_value: bytes | bytearray | memoryview,
    key_alg: AlgId,
    *,
    hash_alg: AlgId,
    key_bits: int | None = None,
    create_salt: bool = False,
    provider: str = "aes",
) -> SessionKey:
    """Derive a session key from a finished hash value, as CryptDeriveKey.

    :param hash_value: the hash value (what CryptGetHashParam HP_HASHVAL
        returns) computed with ``hash_alg``.
    :param key_alg: the key's ALG_ID (DES, 3DES-112, 3DES, RC2, RC4,
        AES-128/192/256; the provider must offer it).
    :param hash_alg: CALG_MD2, CALG_MD4, CALG_MD5, CALG_SHA1, or (``"aes"``
        provider only) CALG_SHA_256/384/512.
    :param key_bits: key length in bits (CryptDeriveKey's upper 16 flag
        bits); ``None`` for the provider default.
    :param create_salt: CRYPT_CREATE_SALT: take RC2/RC4 salt from the hash
        bytes after the key (Base and Strong providers: 11 bytes; Enhanced
        and AES: none).
    :param provider: ``"base"``, ``"strong"``, ``"enhanced"`` or ``"aes"``.
    :returns: the derived key; 40-bit RC2/RC4 keys carry 11 zero salt bytes
        unless salt was created.
    :raises TypeError: if an argument has the wrong type.
    :raises InvalidParameterError: DRV-1..DRV-4 for the hash (unsupported,
        wrong length, SHA-2 outside ``"aes"``, created salt too long), SYM-1,
        SYM-2, SYM-6, SYM-7 for the key algorithm, length and provider.
    """
    derived = derive(
        _as_bytes(hash_value, "hash_value"),
        key_alg,
        hash_alg=hash_alg,
        key_bits=key_bits,
        create_salt=_as_bool(create_salt, "create_salt"),
        provider=provider,
    )
    return SessionKey(alg_id=key_alg, key=derived.key, salt=derived.salt)


def derive_key_from_password(
    password: bytes | bytearray | memoryview,
    key_alg: AlgId,
    *,
    hash_alg: AlgId = AlgId.CALG_SHA1,
    key_bits: int | None = None,
    create_salt: bool = False,
    provider: str = "aes",
) -> SessionKey:
    """Hash a password with ``hash_alg`` and derive a key from the hash.

    This is CryptCreateHash + CryptHashData(password) + CryptDeriveKey. The
    password is hashed exactly as given: encode it the way the producing
    program did (often UTF-16LE or the ANSI code page, without terminator).
    One unsalted hash is no password protection; use this only to read or
    reproduce existing data (SPEC §15.7).

    :param password: the password bytes.
    :param key_alg: the key's ALG_ID, as for :func:`derive_key`.
    :param hash_alg: the hash to apply, CALG_SHA1 by default.
    :param key_bits: key length in bits, ``None`` for the provider default.
    :param create_salt: CRYPT_CREATE_SALT, as for :func:`derive_key`.
    :param provider: ``"base"``, ``"strong"``, ``"enhanced"`` or ``"aes"``.
    :returns: the derived key.
    :raises TypeError: if an argument has the wrong type (including a
        ``str`` password).
    :raises InvalidParameterError: as for :func:`derive_key`.
    """
    secret = _as_bytes(password, "password")
    hasher = new_hash(hash_alg)
    hasher.update(secret)
    return derive_key(
        hasher.digest(),
        key_alg,
        hash_alg=hash_alg,
        key_bits=key_bits,
        create_salt=create_salt,
        provider=provider,
    )
