# SPDX-License-Identifier: Apache-2.0
"""RFC 3217 key unwrap written from SPEC §15.6, for the harnesses (independent of blobformat).

Triple-DES unwrap with a 24-byte KEK and RC2 unwrap with a 16-byte KEK at
128 effective bits (the only RC2 that ``cryptography`` offers) use
``cryptography``'s ciphers; :func:`unwrap` returns the CEK or ``None`` for
any failure. :func:`wrap_3des` and :func:`wrap_rc2` build wrapped keys with
chosen IV and padding, so that a harness can also build defective ones.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.decrepit.ciphers.algorithms import RC2, TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

__all__ = ["FIXED_IV", "checksum", "odd_parity", "unwrap", "wrap_3des", "wrap_rc2"]

#: RFC 3217's fixed IV for the second encryption pass.
FIXED_IV = bytes.fromhex("4adda22c79e82105")


def checksum(data: bytes) -> bytes:
    """The CMS key checksum: the first 8 bytes of SHA-1."""
    return hashlib.sha1(data).digest()[:8]  # noqa: S324 - RFC 3217


def odd_parity(key: bytes) -> bytes:
    """Every byte with its low bit set so that it has odd parity."""
    return bytes((b & 0xFE) | (1 - bin(b >> 1).count("1") % 2) for b in key)


def _cipher(algorithm: str, kek: bytes, iv: bytes) -> Cipher[modes.CBC]:
    algo = TripleDES(kek) if algorithm == "3des" else RC2(kek)
    return Cipher(algo, modes.CBC(iv))


def _decrypt(algorithm: str, kek: bytes, iv: bytes, data: bytes) -> bytes:
    ctx = _cipher(algorithm, kek, iv).decryptor()
    return ctx.update(data) + ctx.finalize()


def _encrypt(algorithm: str, kek: bytes, iv: bytes, data: bytes) -> bytes:
    ctx = _cipher(algorithm, kek, iv).encryptor()
    return ctx.update(data) + ctx.finalize()


def _two_pass_decrypt(algorithm: str, kek: bytes, wrapped: bytes) -> bytes:
    temp2 = _decrypt(algorithm, kek, FIXED_IV, wrapped)[::-1]
    return _decrypt(algorithm, kek, temp2[:8], temp2[8:])


def wrap_3des(cek: bytes, kek: bytes, iv: bytes) -> bytes:
    """RFC 3217 §3.1 without parity fixing or length checks (callers may build defects)."""
    cekicv = cek + checksum(cek)
    temp1 = _encrypt("3des", kek, iv, cekicv)
    return _encrypt("3des", kek, FIXED_IV, (iv + temp1)[::-1])


def wrap_rc2(lcekpad: bytes, kek: bytes, iv: bytes) -> bytes:
    """RFC 3217 §4.1 from a ready LCEKPAD (length octet, CEK, padding)."""
    block = lcekpad + checksum(lcekpad)
    temp1 = _encrypt("rc2", kek, iv, block)
    return _encrypt("rc2", kek, FIXED_IV, (iv + temp1)[::-1])


def unwrap(
    algorithm: str, wrapped: bytes, kek: bytes, *, two_key: bool = False
) -> bytes | None:
    """The CEK, or ``None`` when RFC 3217 §3.2 / §4.2 says the unwrap fails.

    :param algorithm: ``"3des"`` (KEK of 24 bytes) or ``"rc2"`` (KEK of 16 bytes).
    :param two_key: 3DES only: return K1 || K2 and require K3 == K1.
    """
    if len(wrapped) % 8 or len(wrapped) < 24:
        return None
    if algorithm == "3des":
        if len(wrapped) != 40:
            return None
        cekicv = _two_pass_decrypt("3des", kek, wrapped)
        cek, icv = cekicv[:24], cekicv[24:]
        if checksum(cek) != icv or odd_parity(cek) != cek:
            return None
        if two_key:
            return cek[:16] if cek[16:] == cek[:8] else None
        return cek
    block = _two_pass_decrypt("rc2", kek, wrapped)
    lcekpad, icv = block[:-8], block[-8:]
    if checksum(lcekpad) != icv:
        return None
    length = lcekpad[0]
    if length < 1 or 1 + length > len(lcekpad) or len(lcekpad) - 1 - length > 7:
        return None
    return lcekpad[1 : 1 + length]
