# SPDX-License-Identifier: Apache-2.0
"""PVK encryption written from SPEC §12.3 for the harnesses (independent of blobformat.keys.pvk).

``h = SHA-1(salt || password)``; strong files use RC4 with ``h[0:16]``, weak
ones with ``h[0:5] || 00 * 11``. Only the bytes after the inner blob's
8-byte BLOBHEADER are encrypted. A reader tries strong, then weak, and
takes the first whose output starts with a private-key magic.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
from cryptography.hazmat.primitives.ciphers import Cipher

__all__ = [
    "PRIVATE_MAGICS",
    "PVK_MAGIC",
    "decrypt_body",
    "header",
    "rc4",
    "rc4_key",
    "write",
]

PVK_MAGIC = b"\x1e\xf1\xb5\xb0"
PRIVATE_MAGICS = (b"RSA2", b"DSS2", b"DSS4")


def rc4_key(salt: bytes, password: bytes, strength: str) -> bytes:
    """The RC4 key of a ``"strong"`` or ``"weak"`` file."""
    digest = hashlib.sha1(salt + password).digest()  # noqa: S324 - the format's KDF
    return digest[:16] if strength == "strong" else digest[:5] + bytes(11)


def rc4(key: bytes, data: bytes) -> bytes:
    """RC4 keystream XOR (encryption and decryption are the same)."""
    return Cipher(ARC4(key), mode=None).encryptor().update(data)


def decrypt_body(
    key_data: bytes, salt: bytes, password: bytes
) -> tuple[bytes, str] | None:
    """The plain inner blob and the strength that gave a private magic, or ``None``."""
    for strength in ("strong", "weak"):
        plain = rc4(rc4_key(salt, password, strength), key_data[8:])
        if plain[:4] in PRIVATE_MAGICS:
            return key_data[:8] + plain, strength
    return None


def header(
    key_type: int, encrypted: int, salt_length: int, key_length: int, reserved: int = 0
) -> bytes:
    """The 24-byte PVK header with these field values (each a u32)."""
    fields = (0xB0B5F11E, reserved, key_type, encrypted, salt_length, key_length)
    return b"".join(value.to_bytes(4, "little") for value in fields)


def write(
    blob: bytes,
    key_type: int,
    *,
    password: bytes | None = None,
    salt: bytes = b"",
    strength: str = "strong",
) -> bytes:
    """A PVK file holding ``blob``: plain, or encrypted with ``password`` and ``salt``."""
    if password is None:
        return header(key_type, 0, 0, len(blob)) + blob
    body = blob[:8] + rc4(rc4_key(salt, password, strength), blob[8:])
    return header(key_type, 1, len(salt), len(body)) + salt + body
