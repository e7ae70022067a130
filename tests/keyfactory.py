"""Test keys made once per session (tests only)."""

from __future__ import annotations

import functools
import random

from cryptography.hazmat.primitives.asymmetric import dh, dsa, rsa


@functools.cache
def rsa_key(bits: int = 1024, e: int = 65537) -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=e, key_size=bits)


@functools.cache
def dsa_key(bits: int = 1024) -> dsa.DSAPrivateKey:
    return dsa.generate_private_key(key_size=bits)


# Safe primes made once with `openssl dhparam 512` and `openssl dhparam 520` (g = 2).
SAFE_PRIME_512 = int(
    "f467b6be4e59f4048c0b1fd8db71ad4a2eb443e6ae8099e3d76c52405816ecf5"
    "ca8ca2245a7124d69e0369671a9070965c2f9173d375ffb03eb9c79674337277",
    16,
)
SAFE_PRIME_520 = int(
    "df0364fc30a43e868637c1b972b8921f927d7a37e25df146988c8cb5cbc9ba99"
    "cb7fcaf47b5ef666511cda5b253b195ce9dba33034d3e992910e66073aa3e17917",
    16,
)


@functools.cache
def dh_group(with_q: bool) -> dh.DHParameterNumbers:
    """A PKCS#3 group (safe prime, g = 2), or an X9.42 group from DSA parameters."""
    if not with_q:
        return dh.DHParameterNumbers(SAFE_PRIME_512, 2)
    pn = dsa_key(1024).private_numbers().public_numbers.parameter_numbers
    return dh.DHParameterNumbers(pn.p, pn.g, pn.q)


@functools.cache
def dh_key(with_q: bool) -> dh.DHPrivateKey:
    return dh_group(with_q).parameters().generate_private_key()


def is_probable_prime(n: int, rounds: int = 32) -> bool:
    if n < 4:
        return n in (2, 3)
    if n % 2 == 0:
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    rng = random.Random(n)
    for _ in range(rounds):
        a = rng.randrange(2, n - 1)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def prime(bits: int, seed: int) -> int:
    rng = random.Random(seed)
    while True:
        candidate = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
        if is_probable_prime(candidate):
            return candidate


def rsa_from_primes(p: int, q: int, e: int = 65537) -> rsa.RSAPrivateKey:
    lam = (p - 1) * (q - 1) // __import__("math").gcd(p - 1, q - 1)
    d = pow(e, -1, lam)
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=d % (p - 1),
        dmq1=d % (q - 1),
        iqmp=pow(q, -1, p),
        public_numbers=rsa.RSAPublicNumbers(e, p * q),
    )
    return numbers.private_key(unsafe_skip_rsa_key_validation=True)


# Primes of unequal length (`openssl prime -generate -bits 1088 / 960`), like dotnet/runtime#43728.
PRIME_1088 = int(
    "c9e1eb7e4950a4b91801ebc3f0ba398a261c6d63e0519cd1e7e14de46cdfc9c9"
    "09b852cee0afe6c6f1a8746e8ee2038d068a5bdb8efd35906a980b5202d93119"
    "48476eb86ffad49d4b72cd91e8997c622e6e0512c445039df1f995290acc4de8"
    "7144f5299c6b32ac76a80e4303f0801134adb7dce8b65f1c8a71b221e76405c7"
    "4d5f79b5f7258289",
    16,
)
PRIME_960 = int(
    "d9663a0a506aa1bdf6a0ed5e2f109134fc8ec662b14d47c7d14a3d9e8e1acf83"
    "f34d928c6696f2e58bab49acafe1986ac217a2f8898ca22f7076370145caf7ed"
    "a8c067e84558345aa71c095e2ec28ed403eaf88e3d644c48f4b1f747adaa63f3"
    "ee72aa44911095371683f510be99b5f7a884feb0c8e38599",
    16,
)
