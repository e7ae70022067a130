# SPDX-License-Identifier: Apache-2.0
"""Sanity checks on an RSA public key before it is trusted (SPEC §14.5, KEY-12).

A public key says nothing about how its modulus was made. A modulus that is
prime, even, or has a small factor can be factored by anyone, who can then
sign as its owner. :func:`check_rsa_public_key` refuses those three cases:

- n even, or n below 3;
- n with a prime factor below :data:`SMALL_PRIME_BOUND` (2**16): one gcd
  with the product of the odd primes below the bound, made once at import;
- n a probable prime: one Miller-Rabin round with base 2. A prime always
  passes a round, so every prime modulus is refused; a composite that passes
  (a strong pseudoprime to base 2) is refused too, which can only harm a key
  built to pass.

The cost is one modular exponentiation with an n-bit exponent in Python
integers (tens of milliseconds at 2048 bits, growing about with the cube of
the size, seconds at 16384 bits); successful checks are remembered by
modulus, so each key pays it once per process.
"""

from __future__ import annotations

import functools
import math
from typing import Final

from cryptography.hazmat.primitives.asymmetric import rsa

from blobformat.errors import KeyConversionError

__all__ = ["SMALL_PRIME_BOUND", "check_rsa_public_key"]

#: Trial division covers every prime below this bound (SPEC KEY-12).
SMALL_PRIME_BOUND: Final = 1 << 16

_RULE: Final = "KEY-12"


def _small_prime_product(bound: int) -> int:
    """The product of the odd primes below ``bound`` (a sieve of Eratosthenes)."""
    sieve = bytearray([1]) * bound
    sieve[0:2] = b"\x00\x00"
    for i in range(2, math.isqrt(bound - 1) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytes(len(range(i * i, bound, i)))
    return math.prod(i for i in range(3, bound, 2) if sieve[i])


# 6541 primes, a 94026-bit number: one gcd replaces 6541 divisions.
_SMALL_PRIMES: Final = _small_prime_product(SMALL_PRIME_BOUND)


def _passes_miller_rabin_base_2(n: int) -> bool:
    """One strong-probable-prime round with base 2; ``n`` is odd and > 3."""
    d, s = n - 1, 0
    while not d & 1:
        d >>= 1
        s += 1
    x = pow(2, d, n)
    if x in (1, n - 1):
        return True
    for _ in range(s - 1):
        x = x * x % n
        if x == n - 1:
            return True
    return False


def _fail(message: str, relation: str) -> KeyConversionError:
    return KeyConversionError(message, relation=relation, field="n", rule=_RULE)


@functools.lru_cache(maxsize=256)
def _check_modulus(n: int) -> None:
    """Raise for a modulus anyone can factor; cached for moduli that pass."""
    if n < 3 or not n & 1:
        raise _fail(
            "the RSA modulus is even (or below 3): anyone can factor it", "n odd"
        )
    common = math.gcd(n, _SMALL_PRIMES)
    if common != 1:
        # A small prime modulus ends up here too (common == n).
        raise _fail(
            f"the RSA modulus has a prime factor below 2^16 ({n.bit_length()}-bit modulus)",
            "no prime factor of n below 2^16",
        )
    if _passes_miller_rabin_base_2(n):
        raise _fail(
            "the RSA modulus is a (probable) prime: anyone can compute the private exponent",
            "n composite",
        )


def check_rsa_public_key(
    key_or_numbers: rsa.RSAPublicKey | rsa.RSAPrivateKey | rsa.RSAPublicNumbers,
) -> None:
    """Refuse an RSA public key whose modulus anyone can factor (SPEC KEY-12).

    Checks that the modulus n is odd, has no prime factor below
    2**16, and is not a probable prime (one
    Miller-Rabin round with base 2, which every prime passes). It does not
    prove n is a product of two large primes; nothing public can.

    :param key_or_numbers: an RSA public key, a private key (its public half
        is checked) or ``RSAPublicNumbers``.
    :raises KeyConversionError: [KEY-12] naming the failed relation
        (``"n odd"``, ``"no prime factor of n below 2^16"``, ``"n composite"``).
    :raises TypeError: if the argument is not one of those types.
    """
    if isinstance(key_or_numbers, rsa.RSAPrivateKey):
        key_or_numbers = key_or_numbers.public_key()
    if isinstance(key_or_numbers, rsa.RSAPublicKey):
        n = key_or_numbers.public_numbers().n
    elif isinstance(key_or_numbers, rsa.RSAPublicNumbers):
        n = key_or_numbers.n
    else:
        raise TypeError(
            f"expected an RSA key or RSAPublicNumbers, not {type(key_or_numbers).__name__}"
        )
    _check_modulus(n)
