# SPDX-License-Identifier: Apache-2.0
"""RC2 block cipher, RFC 2268, in pure Python (SPEC §15.5).

CryptoAPI keys RC2 with 40..128-bit keys plus an appended salt and sets the
effective key length separately (``KP_EFFECTIVE_KEYLEN``). The RC2 in
``cryptography`` accepts only 16-byte keys and always uses 128 effective
bits, so this module implements the whole cipher: any key of 1..128 bytes,
any effective length of 1..1024 bits, one 8-byte block at a time.

Exports :class:`RC2`. Modes of operation live in :mod:`blobformat.capi.ciphers`.
"""

from __future__ import annotations

import struct

from blobformat.codec.keylengths import require_int
from blobformat.errors import InvalidParameterError

__all__ = ["BLOCK_SIZE", "RC2"]

#: RC2's block length in bytes.
BLOCK_SIZE = 8

# PITABLE from RFC 2268 §2: a permutation of 0..255 derived from pi.
_PITABLE = bytes.fromhex(
    "d978f9c419ddb5ed28e9fd794aa0d89dc67e37832b76538e624c6488448bfba2"
    "179a59f587b34f1361456d8d09817d32bd8f40eb86b77b0bf09521225c6b4e82"
    "54d66593ce60b21c7356c014a78cf1dc1275ca1f3bbee4d1423dd430a33cb626"
    "6fbf0eda4669075727f21d9bbc944303f811c7f690ef3ee706c3d52fc8661ed7"
    "08e8eade8052eef784aa72ac354d6a2a961ad2715a1549744b9fd05e0418a4ec"
    "c2e0416e0f51cbcc2491af50a1f47039997c3a8523b8b47afc02365b25559731"
    "2d5dfa98e38a92ae05df2910676cbac9d300e6cfe19ea82c6316013f58e289a9"
    "0d38341bab33ffb0bb480c5fb9b1cd2ec5f3db47e5a59c770aa62068fe7fc1ad"
)

_MASK16 = 0xFFFF
# Rotation amounts of the four MIX steps (RFC 2268 §3.1).
_SHIFTS = (1, 2, 3, 5)
# The 18 encryption rounds: 5 MIX, 1 MASH, 6 MIX, 1 MASH, 5 MIX (§3.3).
_ROUNDS = "MMMMMHMMMMMMHMMMMM"


def _expand_key(key: bytes, effective_bits: int) -> tuple[int, ...]:
    """Expand a key into the 64 16-bit subkeys K[0..63] (RFC 2268 §2)."""
    t = len(key)
    t8 = (effective_bits + 7) // 8
    # TM keeps only the low (effective_bits mod 8) bits of the boundary byte.
    tm = 0xFF >> (8 * t8 - effective_bits)
    buf = bytearray(128)
    buf[:t] = key
    for i in range(t, 128):
        buf[i] = _PITABLE[(buf[i - 1] + buf[i - t]) & 0xFF]
    buf[128 - t8] = _PITABLE[buf[128 - t8] & tm]
    for i in range(127 - t8, -1, -1):
        buf[i] = _PITABLE[buf[i + 1] ^ buf[i + t8]]
    return struct.unpack("<64H", bytes(buf))


class RC2:
    """An RC2 key schedule with single-block encryption and decryption.

    :param key: the key bytes as CryptoAPI feeds them (key, then salt);
        1..128 bytes.
    :param effective_bits: the effective key length T1, 1..1024 bits.
    :raises TypeError: if ``key`` is not bytes-like or ``effective_bits`` is
        not an int.
    :raises InvalidParameterError: if a length is out of range (SYM-2, SYM-5).
    """

    __slots__ = ("_k",)

    def __init__(
        self, key: bytes | bytearray | memoryview, effective_bits: int
    ) -> None:
        if not isinstance(key, bytes | bytearray | memoryview):
            raise TypeError(f"key must be bytes-like, not {type(key).__name__}")
        require_int(effective_bits, "effective_bits")
        key = bytes(key)
        if not 1 <= len(key) <= 128:
            raise InvalidParameterError(
                f"RC2 key schedule needs 1..128 bytes, got {len(key)}",
                field="key",
                rule="SYM-2",
            )
        if not 1 <= effective_bits <= 1024:
            raise InvalidParameterError(
                f"RC2 effective key length must be 1..1024 bits, got {effective_bits}",
                field="effective_bits",
                rule="SYM-5",
            )
        self._k = _expand_key(key, effective_bits)

    def __repr__(self) -> str:
        # The subkeys are key material: show nothing of them.
        return "<RC2 key schedule>"

    def encrypt_block(self, block: bytes) -> bytes:
        """Encrypt one 8-byte block.

        :param block: exactly 8 bytes.
        :returns: 8 bytes of ciphertext.
        """
        k = self._k
        r = list(struct.unpack("<4H", block))
        j = 0
        for kind in _ROUNDS:
            if kind == "M":
                for i in range(4):
                    # MIX: R[i] += K[j] + (R[i-1] & R[i-2]) + (~R[i-1] & R[i-3]).
                    value = (
                        r[i]
                        + k[j]
                        + (r[i - 1] & r[i - 2])
                        + (~r[i - 1] & _MASK16 & r[i - 3])
                    ) & _MASK16
                    j += 1
                    s = _SHIFTS[i]
                    r[i] = ((value << s) | (value >> (16 - s))) & _MASK16
            else:
                for i in range(4):
                    # MASH: R[i] += K[R[i-1] & 63].
                    r[i] = (r[i] + k[r[i - 1] & 63]) & _MASK16
        return struct.pack("<4H", *r)

    def decrypt_block(self, block: bytes) -> bytes:
        """Decrypt one 8-byte block.

        :param block: exactly 8 bytes.
        :returns: 8 bytes of plaintext.
        """
        k = self._k
        r = list(struct.unpack("<4H", block))
        j = 63
        for kind in reversed(_ROUNDS):
            if kind == "M":
                for i in (3, 2, 1, 0):
                    # R-MIX undoes MIX: rotate right, then subtract.
                    s = _SHIFTS[i]
                    value = ((r[i] >> s) | (r[i] << (16 - s))) & _MASK16
                    r[i] = (
                        value
                        - k[j]
                        - (r[i - 1] & r[i - 2])
                        - (~r[i - 1] & _MASK16 & r[i - 3])
                    ) & _MASK16
                    j -= 1
            else:
                for i in (3, 2, 1, 0):
                    r[i] = (r[i] - k[r[i - 1] & 63]) & _MASK16
        return struct.pack("<4H", *r)
