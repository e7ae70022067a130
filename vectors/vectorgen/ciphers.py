"""CryptEncrypt and the RFC 3217 key wraps, built on cryptography's block ciphers.

Independent of blobformat: the modes (CBC, ECB, 8-bit CFB), PKCS#5 padding,
key layouts (3DES-112 as K1 K2 K1, DES as K K K) and both key wraps are
written out here. cryptography's RC2 takes 16-byte keys with 128 effective
bits only, so generated RC2 vectors use such keys; other RC2 set-ups come
from published Windows answers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from cryptography.hazmat.decrepit.ciphers.algorithms import RC2, TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from vectorgen.blobs import rc4

Block = Callable[[bytes], bytes]
KEY_WRAP_IV = bytes.fromhex("4adda22c79e82105")  # RFC 3217 §3.1 step 8


def _ecb(algorithm: object, *, decrypt: bool) -> Block:
    """One block of ``algorithm``; RC2 (no ECB in cryptography) as CBC with a zero IV."""
    if isinstance(algorithm, RC2):
        mode: modes.Mode = modes.CBC(bytes(8))
    else:
        mode = modes.ECB()  # noqa: S305 - one block at a time
    cipher: Any = Cipher(algorithm, mode)  # type: ignore[arg-type]

    def run(block: bytes) -> bytes:
        ctx = cipher.decryptor() if decrypt else cipher.encryptor()
        out: bytes = ctx.update(block) + ctx.finalize()
        return out

    return run


def block_cipher(alg: str, key: bytes, *, decrypt: bool = False) -> tuple[Block, int]:
    """The block function and block size of a CryptoAPI session key."""
    if alg in ("CALG_AES_128", "CALG_AES_192", "CALG_AES_256"):
        return _ecb(algorithms.AES(key), decrypt=decrypt), 16
    if alg == "CALG_DES":
        return _ecb(TripleDES(key * 3), decrypt=decrypt), 8
    if alg == "CALG_3DES_112":
        return _ecb(TripleDES(key + key[:8]), decrypt=decrypt), 8
    if alg == "CALG_3DES":
        return _ecb(TripleDES(key), decrypt=decrypt), 8
    if alg == "CALG_RC2" and len(key) == 16:
        return _ecb(RC2(key), decrypt=decrypt), 8
    raise ValueError(f"no independent block cipher for {alg} with {len(key)} key bytes")


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def pad(data: bytes, size: int) -> bytes:
    n = size - len(data) % size
    return data + bytes([n]) * n


def encrypt(
    alg: str,
    key: bytes,
    data: bytes,
    *,
    mode: str = "cbc",
    iv: bytes | None = None,
    final: bool = True,
    salt: bytes = b"",
) -> bytes:
    """One CryptEncrypt call on a fresh key (SPEC §15.5)."""
    if alg == "CALG_RC4":
        return rc4(key + salt, data)
    block, size = block_cipher(alg, key)
    if final:
        data = pad(data, size)
    chain = bytes(size) if iv is None else iv
    out = b""
    if mode == "cfb":
        for byte in data:
            c = byte ^ block(chain)[0]
            out += bytes([c])
            chain = chain[1:] + bytes([c])
        return out
    for i in range(0, len(data), size):
        piece = data[i : i + size]
        if mode == "ecb":
            out += block(piece)
        else:
            chain = block(_xor(piece, chain))
            out += chain
    return out


def decrypt_raw(
    alg: str, key: bytes, data: bytes, *, mode: str = "cbc", iv: bytes | None = None
) -> bytes:
    """Decrypt without removing padding (to build bad-padding cases)."""
    block, size = block_cipher(alg, key, decrypt=True)
    encrypt_block, _ = block_cipher(alg, key)
    chain = bytes(size) if iv is None else iv
    out = b""
    if mode == "cfb":
        for c in data:
            out += bytes([c ^ encrypt_block(chain)[0]])
            chain = chain[1:] + bytes([c])
        return out
    for i in range(0, len(data), size):
        piece = data[i : i + size]
        if mode == "ecb":
            out += block(piece)
        else:
            out += _xor(block(piece), chain)
            chain = piece
    return out


# -- RFC 3217 key wrap -------------------------------------------------------------------


def checksum(data: bytes) -> bytes:
    """The CMS key checksum: the first 8 bytes of SHA-1."""
    return hashlib.sha1(data).digest()[:8]  # noqa: S324 - RFC 3217


def odd_parity(key: bytes) -> bytes:
    return bytes((b & 0xFE) | (1 - bin(b >> 1).count("1") % 2) for b in key)


def _cbc(block: Block, iv: bytes, data: bytes) -> bytes:
    out, chain = b"", iv
    for i in range(0, len(data), 8):
        chain = block(_xor(data[i : i + 8], chain))
        out += chain
    return out


def _tdes(kek: bytes) -> Block:
    return _ecb(TripleDES(kek), decrypt=False)


def wrap_3des(cek: bytes, kek: bytes, iv: bytes, *, fix_parity: bool = True) -> bytes:
    """RFC 3217 §3.1 (``fix_parity=False`` builds an invalid wrap)."""
    if len(cek) == 16:
        cek = cek + cek[:8]
    if fix_parity:
        cek = odd_parity(cek)
    block = _tdes(kek)
    temp1 = _cbc(block, iv, cek + checksum(cek))
    return _cbc(block, KEY_WRAP_IV, (iv + temp1)[::-1])


def wrap_rc2_payload(lcekpad: bytes, kek: bytes, iv: bytes) -> bytes:
    """The two RC2-CBC passes of RFC 3217 §4.1 over a given LCEKPAD."""
    block = _ecb(RC2(kek), decrypt=False)
    temp1 = _cbc(block, iv, lcekpad + checksum(lcekpad))
    return _cbc(block, KEY_WRAP_IV, (iv + temp1)[::-1])


def wrap_rc2(cek: bytes, kek: bytes, iv: bytes, padding: bytes) -> bytes:
    """RFC 3217 §4.1 with a 16-byte KEK and 128 effective bits."""
    lcek = bytes([len(cek)]) + cek
    if len(padding) != -len(lcek) % 8:
        raise ValueError("padding length")
    return wrap_rc2_payload(lcek + padding, kek, iv)
