# SPDX-License-Identifier: Apache-2.0
"""Hash functions by ``ALG_ID`` (SPEC §15.4, the hashes CryptDeriveKey accepts).

MD5, SHA-1 and SHA-2 come from :mod:`hashlib`. MD2 (RFC 1319) and MD4
(RFC 1320) are small pure-Python implementations: OpenSSL 3 keeps them out
of its default provider, so :mod:`hashlib` and ``cryptography`` often lack
them, and CryptoAPI still derives keys from them.

Exports :data:`HASH_ALGS`, :func:`digest_size`, :func:`new_hash` and
:func:`digest`. Nothing here is secret-aware: callers hash passwords, so
errors name algorithms only.
"""

from __future__ import annotations

import hashlib
import struct
from typing import Protocol

from blobformat.codec.keylengths import require_int
from blobformat.constants import AlgId
from blobformat.errors import InvalidParameterError

__all__ = ["HASH_ALGS", "Hasher", "digest", "digest_size", "new_hash"]


class Hasher(Protocol):
    """The incremental interface shared by hashlib objects and ours."""

    @property
    def digest_size(self) -> int:
        """Length of the digest in bytes."""

    def update(self, data: bytes, /) -> None:
        """Feed more data."""

    def digest(self) -> bytes:
        """Return the digest of everything fed so far (non-destructive)."""

    def copy(self) -> Hasher:
        """Return an independent copy of the current state."""


# ---------------------------------------------------------------------------
# MD2, RFC 1319.

# The S table of RFC 1319 §3.2 (a permutation of 0..255 built from pi).
_MD2_S = bytes(
    [
        41, 46, 67, 201, 162, 216, 124, 1, 61, 54, 84, 161, 236, 240, 6, 19,
        98, 167, 5, 243, 192, 199, 115, 140, 152, 147, 43, 217, 188, 76, 130, 202,
        30, 155, 87, 60, 253, 212, 224, 22, 103, 66, 111, 24, 138, 23, 229, 18,
        190, 78, 196, 214, 218, 158, 222, 73, 160, 251, 245, 142, 187, 47, 238, 122,
        169, 104, 121, 145, 21, 178, 7, 63, 148, 194, 16, 137, 11, 34, 95, 33,
        128, 127, 93, 154, 90, 144, 50, 39, 53, 62, 204, 231, 191, 247, 151, 3,
        255, 25, 48, 179, 72, 165, 181, 209, 215, 94, 146, 42, 172, 86, 170, 198,
        79, 184, 56, 210, 150, 164, 125, 182, 118, 252, 107, 226, 156, 116, 4, 241,
        69, 157, 112, 89, 100, 113, 135, 32, 134, 91, 207, 101, 230, 45, 168, 2,
        27, 96, 37, 173, 174, 176, 185, 246, 28, 70, 97, 105, 52, 64, 126, 15,
        85, 71, 163, 35, 221, 81, 175, 58, 195, 92, 249, 206, 186, 197, 234, 38,
        44, 83, 13, 110, 133, 40, 132, 9, 211, 223, 205, 244, 65, 129, 77, 82,
        106, 220, 55, 200, 108, 193, 171, 250, 36, 225, 123, 8, 12, 189, 177, 74,
        120, 136, 149, 139, 227, 99, 232, 109, 233, 203, 213, 254, 59, 0, 29, 57,
        242, 239, 183, 14, 102, 88, 208, 228, 166, 119, 114, 248, 235, 117, 75, 10,
        49, 68, 80, 180, 143, 237, 31, 26, 219, 153, 141, 51, 159, 17, 131, 20,
    ]
)  # fmt: skip


class _MD2:
    """MD2 (RFC 1319), incremental."""

    digest_size = 16
    block_size = 16

    def __init__(self) -> None:
        self._state = bytearray(48)
        self._checksum = bytearray(16)
        self._buffer = b""

    def _compress(self, block: bytes) -> None:
        """Process one 16-byte block: checksum update, then 18 rounds."""
        state, checksum, table = self._state, self._checksum, _MD2_S
        last = checksum[15]
        for i in range(16):
            checksum[i] ^= table[block[i] ^ last]
            last = checksum[i]
        for i in range(16):
            state[16 + i] = block[i]
            state[32 + i] = state[i] ^ block[i]
        t = 0
        for round_number in range(18):
            for i in range(48):
                state[i] ^= table[t]
                t = state[i]
            t = (t + round_number) & 0xFF

    def update(self, data: bytes, /) -> None:
        """Feed more data."""
        data = self._buffer + bytes(data)
        whole = len(data) - len(data) % 16
        for offset in range(0, whole, 16):
            self._compress(data[offset : offset + 16])
        self._buffer = data[whole:]

    def digest(self) -> bytes:
        """Return the digest; the object stays usable."""
        clone = self.copy()
        # Padding is always 1..16 bytes of value n; the checksum is then
        # appended as one more block (RFC 1319 §3.1, §3.2).
        pad = 16 - len(clone._buffer)
        clone.update(bytes([pad]) * pad)
        clone.update(bytes(clone._checksum))
        return bytes(clone._state[:16])

    def copy(self) -> _MD2:
        """Return an independent copy."""
        other = _MD2()
        other._state[:] = self._state
        other._checksum[:] = self._checksum
        other._buffer = self._buffer
        return other


# ---------------------------------------------------------------------------
# MD4, RFC 1320.

_MASK32 = 0xFFFFFFFF


def _rotl32(value: int, shift: int) -> int:
    """Rotate a 32-bit word left."""
    return ((value << shift) | (value >> (32 - shift))) & _MASK32


class _MD4:
    """MD4 (RFC 1320), incremental."""

    digest_size = 16
    block_size = 64

    def __init__(self) -> None:
        self._words = [0x67452301, 0xEFCDAB89, 0x98BADCFE, 0x10325476]
        self._buffer = b""
        self._length = 0

    def _compress(self, block: bytes) -> None:
        """Process one 64-byte block (three rounds of RFC 1320 §3.4)."""
        x = struct.unpack("<16I", block)
        a, b, c, d = self._words
        for i in range(16):
            # Round 1: F(b, c, d) = (b AND c) OR (NOT b AND d).
            f = (b & c) | (~b & d)
            a, b, c, d = (
                d,
                _rotl32((a + f + x[i]) & _MASK32, (3, 7, 11, 19)[i % 4]),
                b,
                c,
            )
        for i in range(16):
            # Round 2: majority function, constant sqrt(2).
            k = (i % 4) * 4 + i // 4
            g = (b & c) | (b & d) | (c & d)
            a, b, c, d = (
                d,
                _rotl32((a + g + x[k] + 0x5A827999) & _MASK32, (3, 5, 9, 13)[i % 4]),
                b,
                c,
            )
        for i in range(16):
            # Round 3: parity function, constant sqrt(3), bit-reversed order.
            k = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)[i]
            h = b ^ c ^ d
            a, b, c, d = (
                d,
                _rotl32((a + h + x[k] + 0x6ED9EBA1) & _MASK32, (3, 9, 11, 15)[i % 4]),
                b,
                c,
            )
        self._words = [
            (w + v) & _MASK32 for w, v in zip(self._words, (a, b, c, d), strict=True)
        ]

    def update(self, data: bytes, /) -> None:
        """Feed more data."""
        self._length += len(data)
        data = self._buffer + bytes(data)
        whole = len(data) - len(data) % 64
        for offset in range(0, whole, 64):
            self._compress(data[offset : offset + 64])
        self._buffer = data[whole:]

    def digest(self) -> bytes:
        """Return the digest; the object stays usable."""
        clone = self.copy()
        bit_length = (clone._length * 8) & 0xFFFFFFFFFFFFFFFF
        # 0x80, zeros to 56 mod 64, then the 64-bit little-endian bit count.
        pad = b"\x80" + b"\x00" * ((55 - clone._length) % 64)
        clone.update(pad + struct.pack("<Q", bit_length))
        return struct.pack("<4I", *clone._words)

    def copy(self) -> _MD4:
        """Return an independent copy."""
        other = _MD4()
        other._words = list(self._words)
        other._buffer = self._buffer
        other._length = self._length
        return other


# ---------------------------------------------------------------------------
# Dispatch by ALG_ID.

_HASHLIB_NAMES = {
    AlgId.CALG_MD5: "md5",
    AlgId.CALG_SHA1: "sha1",
    AlgId.CALG_SHA_256: "sha256",
    AlgId.CALG_SHA_384: "sha384",
    AlgId.CALG_SHA_512: "sha512",
}

_DIGEST_SIZES = {
    AlgId.CALG_MD2: 16,
    AlgId.CALG_MD4: 16,
    AlgId.CALG_MD5: 16,
    AlgId.CALG_SHA1: 20,
    AlgId.CALG_SHA_256: 32,
    AlgId.CALG_SHA_384: 48,
    AlgId.CALG_SHA_512: 64,
}

#: The hash ALG_IDs this module implements (the ones rsaenh can derive from).
HASH_ALGS: frozenset[AlgId] = frozenset(_DIGEST_SIZES)


def _check(alg: AlgId) -> AlgId:
    """Return ``alg`` as an AlgId if it is a supported hash, else raise."""
    require_int(alg, "hash algorithm")
    try:
        member = AlgId(alg)
    except ValueError:
        member = None
    if member is None or member not in HASH_ALGS:
        raise InvalidParameterError(
            f"unsupported hash algorithm 0x{int(alg):04X}",
            field="hash_alg",
            rule="DRV-1",
        )
    return member


def digest_size(alg: AlgId) -> int:
    """Return the digest length in bytes of a hash ``ALG_ID``.

    :param alg: one of :data:`HASH_ALGS`.
    :returns: 16, 20, 32, 48 or 64.
    :raises TypeError: if ``alg`` is not an integer.
    :raises InvalidParameterError: if ``alg`` is not a supported hash (DRV-1).
    """
    return _DIGEST_SIZES[_check(alg)]


def new_hash(alg: AlgId) -> Hasher:
    """Return a fresh incremental hash object for ``alg``.

    :param alg: one of :data:`HASH_ALGS`.
    :returns: an object with ``update``, ``digest`` and ``copy``.
    :raises TypeError: if ``alg`` is not an integer.
    :raises InvalidParameterError: if ``alg`` is not a supported hash (DRV-1).
    """
    member = _check(alg)
    if member == AlgId.CALG_MD2:
        return _MD2()
    if member == AlgId.CALG_MD4:
        return _MD4()
    # usedforsecurity=False keeps MD5/SHA-1 available on FIPS-mode Pythons;
    # these digests feed legacy key derivation, not new security decisions.
    return hashlib.new(_HASHLIB_NAMES[member], usedforsecurity=False)


def digest(alg: AlgId, data: bytes | bytearray | memoryview) -> bytes:
    """Hash ``data`` in one call.

    :param alg: one of :data:`HASH_ALGS`.
    :param data: the bytes to hash.
    :returns: the digest, :func:`digest_size` bytes long.
    :raises TypeError: if ``alg`` is not an integer or ``data`` is not bytes-like.
    :raises InvalidParameterError: if ``alg`` is not a supported hash (DRV-1).
    """
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"data must be bytes-like, not {type(data).__name__}")
    hasher = new_hash(alg)
    hasher.update(bytes(data))
    return hasher.digest()
