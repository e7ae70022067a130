# SPDX-License-Identifier: Apache-2.0
"""SIMPLEBLOB wrapping and unwrapping written from SPEC §15.1-§15.2 (for the harnesses).

An oracle independent of ``blobformat.capi.wrap``: textbook RSA with the test
key's numbers, RSAES-PKCS1-v1_5 type-2 and RSAES-OAEP (SHA-1, MGF1-SHA-1,
empty label) encoding and decoding, and the session-key lengths SPEC §15.1
allows. :func:`expected_unwrap` says what ``unwrap_session_key`` must
return for a SIMPLEBLOB: the key bytes, or ``None`` for a
``DecryptionError``. These test-key computations are not constant-time and
need not be.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives.asymmetric import rsa

import blobformat as bf

__all__ = [
    "MIN_PS",
    "SHA1_EMPTY",
    "allowed_lengths",
    "default_salt",
    "expected_unwrap",
    "mgf1",
    "oaep_decode",
    "oaep_encode",
    "pkcs1_decode",
    "pkcs1_encode",
    "raw_decrypt",
    "raw_encrypt",
    "simpleblob",
]

#: CryptExportKey's minimum PKCS#1 v1.5 padding string (SPEC §17: at least 8 bytes).
MIN_PS = 8
#: SHA-1 of the empty label (CRYPT_OAEP).
SHA1_EMPTY = hashlib.sha1(b"").digest()  # noqa: S324 - CRYPT_OAEP's label hash

_A = bf.AlgId
_LENGTHS: dict[int, frozenset[int]] = {
    _A.CALG_DES: frozenset({8}),
    _A.CALG_3DES_112: frozenset({16}),
    _A.CALG_3DES: frozenset({24}),
    _A.CALG_RC2: frozenset(range(5, 17)),
    _A.CALG_RC4: frozenset(range(5, 17)),
    _A.CALG_AES_128: frozenset({16}),
    _A.CALG_AES_192: frozenset({24}),
    _A.CALG_AES_256: frozenset({32}),
    _A.CALG_SSL3_MASTER: frozenset({48}),
    _A.CALG_TLS1_MASTER: frozenset({48}),
}


def allowed_lengths(alg: int) -> frozenset[int]:
    """Key lengths (bytes) a session key of ``alg`` may have in any provider (SPEC §15.1)."""
    return _LENGTHS.get(alg, frozenset())


def default_salt(alg: int, length: int) -> bytes:
    """The salt CryptImportKey gives an imported key: 11 zero bytes for 40-bit RC2/RC4."""
    return bytes(11) if alg in (_A.CALG_RC2, _A.CALG_RC4) and length == 5 else b""


def raw_encrypt(public: rsa.RSAPublicKey, m: int) -> int:
    """Textbook RSA encryption m^e mod n."""
    pub = public.public_numbers()
    return pow(m, pub.e, pub.n)


def raw_decrypt(private: rsa.RSAPrivateKey, c: int) -> int:
    """Textbook RSA decryption c^d mod n, by the CRT."""
    nums = private.private_numbers()
    m1 = pow(c, nums.dmp1, nums.p)
    m2 = pow(c, nums.dmq1, nums.q)
    h = (nums.iqmp * (m1 - m2)) % nums.p
    return m2 + h * nums.q


def pkcs1_encode(message: bytes, k: int, padding: bytes) -> bytes:
    """EM = 00 02 PS 00 M with PS = ``padding`` (not checked, so defects can be built)."""
    em = b"\x00\x02" + padding + b"\x00" + message
    return em[:k].rjust(k, b"\x00")


def pkcs1_decode(em: bytes) -> bytes | None:
    """M from EM = 00 02 PS 00 M with at least :data:`MIN_PS` non-zero PS bytes, else None."""
    if len(em) < 2 + MIN_PS + 1 or em[0] != 0 or em[1] != 2:
        return None
    separator = em.find(b"\x00", 2)
    if separator < 2 + MIN_PS:
        return None
    return em[separator + 1 :]


def mgf1(seed: bytes, length: int) -> bytes:
    """MGF1 with SHA-1 (RFC 8017 B.2.1)."""
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()  # noqa: S324 - CRYPT_OAEP
        counter += 1
    return out[:length]


def _xor(a: bytes, b: bytes) -> bytes:
    return bytes(x ^ y for x, y in zip(a, b, strict=True))


def oaep_encode(
    message: bytes,
    k: int,
    seed: bytes,
    *,
    label_hash: bytes = SHA1_EMPTY,
    separator: int = 1,
    first: int = 0,
) -> bytes:
    """RSAES-OAEP encoding (RFC 8017 7.1.1), with knobs to build defective blocks."""
    ps = bytes(max(0, k - len(message) - 2 * 20 - 2))
    db = (label_hash + ps + bytes([separator]) + message)[: k - 21].ljust(
        k - 21, b"\x00"
    )
    seed = seed[:20].ljust(20, b"\x00")
    masked_db = _xor(db, mgf1(seed, len(db)))
    masked_seed = _xor(seed, mgf1(masked_db, 20))
    return bytes([first]) + masked_seed + masked_db


def oaep_decode(em: bytes) -> bytes | None:
    """M from an OAEP block (RFC 8017 7.1.2 steps 3), else None."""
    k = len(em)
    if k < 2 * 20 + 2 or em[0] != 0:
        return None
    masked_seed, masked_db = em[1:21], em[21:]
    seed = _xor(masked_seed, mgf1(masked_db, 20))
    db = _xor(masked_db, mgf1(seed, len(masked_db)))
    if db[:20] != SHA1_EMPTY:
        return None
    rest = db[20:]
    index = 0
    while index < len(rest) and rest[index] == 0:
        index += 1
    if index == len(rest) or rest[index] != 1:
        return None
    return rest[index + 1 :]


def simpleblob(
    alg: int, ciphertext_le: bytes, *, wrap_alg: int = _A.CALG_RSA_KEYX
) -> bytes:
    """SIMPLEBLOB bytes (SPEC §8) around a little-endian ciphertext."""
    header = bytes([1, 2, 0, 0]) + alg.to_bytes(4, "little")
    return header + wrap_alg.to_bytes(4, "little") + ciphertext_le


def expected_unwrap(
    blob: bf.SimpleBlob, private: rsa.RSAPrivateKey, *, oaep: bool
) -> bytes | None:
    """The key bytes ``unwrap_session_key`` must return, or None for DecryptionError."""
    k = (private.key_size + 7) // 8
    ciphertext = blob.encrypted_key[::-1]
    if len(ciphertext) != k:
        return None
    c = int.from_bytes(ciphertext, "big")
    if c >= private.public_key().public_numbers().n:
        return None
    em = raw_decrypt(private, c).to_bytes(k, "big")
    message = oaep_decode(em) if oaep else pkcs1_decode(em)
    if message is None or len(message) not in allowed_lengths(blob.key_alg):
        return None
    return message
