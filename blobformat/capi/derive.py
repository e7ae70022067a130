# SPDX-License-Identifier: Apache-2.0
"""CryptDeriveKey: a session key from a finished hash value (SPEC §15.4).

The algorithm, as Windows runs it (reproduced against the Windows-run
tables of Wine's ``test_key_derivation``, ``test_rc2``, ``test_rc4`` and
Microsoft's "Key Derivation Sample"):

1. The provider fixes the key length n and the salt length (SPEC §15.1).
2. The key is the first n bytes of the hash value h (length m), unless the
   extension applies: m < n, or the key is AES-128 and m is 16 or 20. Then
   ``HASH(0x36-buffer ^ h) ‖ HASH(0x5C-buffer ^ h)`` with the same hash
   replaces h.
3. With CRYPT_CREATE_SALT, RC2 and RC4 keys take their salt from the hash
   bytes right after the key; otherwise the salt is zero.

Exports :class:`DerivedKey`, :func:`needs_extension`, :func:`extend_hash`
and :func:`derive`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from blobformat.capi.hashes import digest, digest_size
from blobformat.codec.keylengths import check_provider, resolve_key_bytes, salt_length
from blobformat.constants import AlgId
from blobformat.errors import InvalidParameterError

__all__ = ["DerivedKey", "derive", "extend_hash", "needs_extension"]

# The HMAC-style pad bytes and buffer length of the extension (CryptDeriveKey
# remarks, steps 1 and 2).
_IPAD, _OPAD, _PAD_LEN = 0x36, 0x5C, 64

# SHA-2 hashes exist only in the RSA_AES provider (Wine test_hashes: the RSA
# full providers answer NTE_BAD_ALGID).
_SHA2 = frozenset({AlgId.CALG_SHA_256, AlgId.CALG_SHA_384, AlgId.CALG_SHA_512})


@dataclass(frozen=True, slots=True)
class DerivedKey:
    """Key bytes and salt produced by :func:`derive`.

    :ivar key: the session key bytes.
    :ivar salt: the salt (RC2/RC4 only; zero bytes unless created).
    """

    key: bytes = field(repr=False)
    salt: bytes = field(repr=False)


def needs_extension(key_alg: AlgId, key_bytes: int, hash_bytes: int) -> bool:
    """Tell whether CryptDeriveKey stretches the hash for this key.

    rsaenh extends when the hash is shorter than the key, and also for
    AES-128 from a 16- or 20-byte hash (MD2, MD4, MD5, SHA-1). Microsoft's
    remark ("not SHA-2 and 3DES or AES") would also extend 3DES-112 from
    MD5/SHA-1; Windows does not (Wine ``test_key_derivation`` rows 1, 13,
    25, 37, run on Windows), so the rsaenh rule is the one implemented.

    :param key_alg: the target ALG_ID.
    :param key_bytes: the key length n in bytes.
    :param hash_bytes: the hash length m in bytes.
    :returns: whether step 2's extension applies.
    """
    if key_alg == AlgId.CALG_AES_128 and hash_bytes in (16, 20):
        return True
    return hash_bytes < key_bytes


def extend_hash(hash_alg: AlgId, hash_value: bytes) -> bytes:
    """Return ``HASH(b1) ‖ HASH(b2)``, twice the hash length.

    ``b1`` and ``b2`` are 64-byte buffers of 0x36 and 0x5C with the hash
    value XORed into their first bytes; both are hashed from a fresh state
    with the same algorithm.

    :param hash_alg: the hash ALG_ID.
    :param hash_value: the finished hash value (at most 64 bytes).
    :returns: 2·m bytes.
    :raises InvalidParameterError: if ``hash_alg`` is unsupported (DRV-1).
    """
    padded = hash_value.ljust(_PAD_LEN, b"\x00")
    inner = bytes(byte ^ _IPAD for byte in padded)
    outer = bytes(byte ^ _OPAD for byte in padded)
    return digest(hash_alg, inner) + digest(hash_alg, outer)


def derive(
    hash_value: bytes,
    key_alg: AlgId,
    *,
    hash_alg: AlgId,
    key_bits: int | None = None,
    create_salt: bool = False,
    provider: str = "aes",
    no_salt: bool = False,
) -> DerivedKey:
    """Run CryptDeriveKey on a finished hash value.

    :param hash_value: the hash value (HP_HASHVAL) of ``hash_alg``.
    :param key_alg: the session-key ALG_ID to derive.
    :param hash_alg: the hash that produced ``hash_value``.
    :param key_bits: requested key length in bits (the high word of
        ``dwFlags``); ``None`` for the provider default.
    :param create_salt: CRYPT_CREATE_SALT.
    :param provider: ``"base"``, ``"strong"``, ``"enhanced"`` or ``"aes"``.
    :param no_salt: CRYPT_NO_SALT (no zero salt for 40-bit keys).
    :returns: the key and its salt.
    :raises TypeError: if an argument has the wrong type.
    :raises InvalidParameterError: DRV-1 unsupported hash, DRV-2 hash value
        of the wrong length, DRV-3 SHA-2 outside the AES provider, DRV-4
        created salt that would run past the hash; SYM-1, SYM-2, SYM-6,
        SYM-7 for the key algorithm, length and provider.
    """
    check_provider(provider)
    m = digest_size(hash_alg)
    if hash_alg in _SHA2 and provider != "aes":
        raise InvalidParameterError(
            f"{AlgId(hash_alg).name} is only available in the aes provider",
            field="hash_alg",
            rule="DRV-3",
        )
    if not isinstance(hash_value, bytes | bytearray | memoryview):
        raise TypeError(
            f"hash_value must be bytes-like, not {type(hash_value).__name__}"
        )
    hash_value = bytes(hash_value)
    if len(hash_value) != m:
        raise InvalidParameterError(
            f"hash value of {len(hash_value)} bytes does not match "
            f"{AlgId(hash_alg).name} ({m} bytes)",
            field="hash_value",
            rule="DRV-2",
        )
    n = resolve_key_bytes(key_alg, provider, key_bits)
    salt_bytes = salt_length(
        key_alg, n, provider, create_salt=bool(create_salt), no_salt=bool(no_salt)
    )
    if needs_extension(key_alg, n, m):
        # Never reached for RC2/RC4 (n <= 16 <= m), so no salt is ever cut
        # from the extended value; rsaenh copies only n bytes here.
        return DerivedKey(
            key=extend_hash(hash_alg, hash_value)[:n], salt=bytes(salt_bytes)
        )
    if create_salt and salt_bytes:
        if n + salt_bytes > m:
            # Windows behaviour is unknown here (rsaenh would read past the
            # hash value), so blobformat refuses instead of guessing.
            raise InvalidParameterError(
                f"CRYPT_CREATE_SALT needs {n} key + {salt_bytes} salt bytes but "
                f"{AlgId(hash_alg).name} gives {m}",
                field="create_salt",
                rule="DRV-4",
            )
        return DerivedKey(key=hash_value[:n], salt=hash_value[n : n + salt_bytes])
    return DerivedKey(key=hash_value[:n], salt=bytes(salt_bytes))
