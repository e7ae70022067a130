"""check_rsa_public_key (SPEC KEY-12) and the envelope's key policy (ENV-17) built on it."""

from __future__ import annotations

import functools
import hashlib
import math

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import blobformat
from blobformat.capi.wrap import wrap_session_key
from blobformat.envelope import store as envelope
from blobformat.errors import KeyConversionError, WeakKeyError
from blobformat.keys import rsacheck as _rsacheck
from tests.envelope_spec import (
    AES,
    DIGEST_INFO_SHA256,
    body_of,
    key,
    patch,
    pub,
    spec_tbs,
    with_signature,
)

E = 65537


@functools.cache
def prime_2048() -> int:
    """A 2048-bit prime: one factor of a 4096-bit key OpenSSL generated."""
    p = rsa.generate_private_key(public_exponent=E, key_size=4096).private_numbers().p
    assert p.bit_length() == 2048
    return p


def prime_key() -> rsa.RSAPublicKey:
    """A "2048-bit" RSA public key whose modulus is prime: anyone can sign with it."""
    return rsa.RSAPublicNumbers(E, prime_2048()).public_key()


def rejected(value: rsa.RSAPublicKey | rsa.RSAPublicNumbers, relation: str) -> None:
    with pytest.raises(KeyConversionError) as info:
        blobformat.check_rsa_public_key(value)
    assert (info.value.rule, info.value.relation, info.value.field) == (
        "KEY-12",
        relation,
        "n",
    )


def test_prime_modulus_is_rejected() -> None:
    key_ = prime_key()
    assert key_.key_size == 2048
    rejected(key_, "n composite")
    rejected(key_.public_numbers(), "n composite")


def test_even_modulus_is_rejected() -> None:
    n = pub("owner").public_numbers().n
    rejected(rsa.RSAPublicNumbers(E, n + 1), "n odd")
    rejected(rsa.RSAPublicNumbers(E, 2), "n odd")


@pytest.mark.parametrize("factor", [3, 5, 257, 65521])
def test_small_factor_is_rejected(factor: int) -> None:
    # A large prime times a small one: odd and composite, so only trial division sees it.
    rejected(
        rsa.RSAPublicNumbers(E, prime_2048() * factor),
        "no prime factor of n below 2^16",
    )


def test_small_prime_modulus_is_rejected() -> None:
    rejected(rsa.RSAPublicNumbers(E, 65521), "no prime factor of n below 2^16")


def test_factor_just_above_the_bound_is_not_trial_division() -> None:
    # 65537 is the first prime above 2^16: the documented bound is exact.
    assert _rsacheck.SMALL_PRIME_BOUND == 1 << 16
    n = prime_2048() * 65537
    assert math.gcd(n, _rsacheck._SMALL_PRIMES) == 1
    blobformat.check_rsa_public_key(rsa.RSAPublicNumbers(E, n))


def test_small_prime_product_is_every_odd_prime_below_the_bound() -> None:
    product = _rsacheck._small_prime_product(100)
    assert product == math.prod(
        [
            3,
            5,
            7,
            11,
            13,
            17,
            19,
            23,
            29,
            31,
            37,
            41,
            43,
            47,
            53,
            59,
            61,
            67,
            71,
            73,
            79,
            83,
            89,
            97,
        ]
    )
    assert _rsacheck._SMALL_PRIMES % 65521 == 0
    assert _rsacheck._SMALL_PRIMES % 2 != 0


def test_good_keys_pass() -> None:
    for name in ("owner", "backup1"):
        blobformat.check_rsa_public_key(pub(name))
        blobformat.check_rsa_public_key(key(name))  # the public half of a private key
        blobformat.check_rsa_public_key(pub(name).public_numbers())


def test_wrong_type() -> None:
    with pytest.raises(TypeError):
        blobformat.check_rsa_public_key(b"RSA1")  # type: ignore[arg-type]


def test_exported() -> None:
    assert "check_rsa_public_key" in blobformat.__all__
    assert blobformat.check_rsa_public_key.__doc__


# -- ENV-17: a prime-modulus trusted key no longer lets anyone sign ------------------


def forged_with_prime_key() -> bytes:
    """An envelope for the owner, signed by whoever knows the prime "trusted" key."""
    n = prime_2048()
    d = pow(E, -1, n - 1)  # phi(n) = n - 1 when n is prime
    attacker_session = blobformat.SessionKey(alg_id=AES, key=bytes(32))
    made = envelope.seal(
        [
            envelope.Recipient(
                wrap_session_key(attacker_session, pub("owner")),
                pub("owner"),
                role=envelope.Role.OWNER,
            )
        ],
        key("attacker"),
    )
    body = patch(body_of(made), 20, envelope.envelope_key_id(prime_key()))
    signed = body + (256).to_bytes(2, "little")
    digest = hashlib.sha256(spec_tbs(signed, b"")).digest()
    em = (
        b"\x00\x01"
        + b"\xff" * (256 - 3 - 19 - 32)
        + b"\x00"
        + DIGEST_INFO_SHA256
        + digest
    )
    signature = pow(int.from_bytes(em, "big"), d, n).to_bytes(256, "big")[::-1]
    return with_signature(signed + bytes(256), signature)


def test_prime_trusted_key_fails_the_key_policy() -> None:
    forged = forged_with_prime_key()
    # The forgery is a valid signature: only the key policy stands in its way.
    with pytest.raises(WeakKeyError) as info:
        envelope.open_sealed(forged, [pub("owner"), prime_key()])
    assert (info.value.rule, info.value.field, info.value.offset) == (
        "ENV-17",
        "signer_key_id",
        20,
    )
    assert "KEY-12" in str(info.value)
    with pytest.raises(WeakKeyError):
        envelope.load_session_key(forged, key("owner"), trusted=[prime_key()])
