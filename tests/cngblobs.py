"""An independent writer of CNG blobs for the tests (bcrypt.h field order; tests only)."""

from __future__ import annotations

import struct

from cryptography.hazmat.primitives.asymmetric import rsa


def u32(value: int) -> bytes:
    """A little-endian ULONG, as CNG headers store them."""
    return struct.pack("<I", value)


def be(value: int, size: int) -> bytes:
    """A big-endian number of ``size`` bytes, as CNG bodies store them."""
    return value.to_bytes(size, "big")


def rsa_blob(nums: rsa.RSAPrivateNumbers, magic: bytes = b"RSA1") -> bytes:
    """BCRYPT_RSAKEY_BLOB of ``nums`` (RSA1, RSA2 or RSA3), written field by field."""
    n, e = nums.public_numbers.n, nums.public_numbers.e
    k = (n.bit_length() + 7) // 8
    half = (nums.p.bit_length() + 7) // 8
    primes = magic != b"RSA1"
    ce = (e.bit_length() + 7) // 8
    head = (
        magic
        + u32(8 * k)
        + u32(ce)
        + u32(k)
        + u32(half if primes else 0)
        + u32(half if primes else 0)
    )
    body = be(e, ce) + be(n, k)
    if primes:
        body += be(nums.p, half) + be(nums.q, half)
    if magic == b"RSA3":
        body += (
            be(nums.dmp1, half)
            + be(nums.dmq1, half)
            + be(nums.iqmp, half)
            + be(nums.d, k)
        )
    return head + body
