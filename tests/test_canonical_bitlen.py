"""One encoding per key: RSA-5, DSS-6, DH-6, DSS-7 (security issue item 7)."""

from __future__ import annotations

import struct

import pytest
from cryptography.hazmat.primitives.asymmetric import dsa, rsa

import blobformat as bf
from tests import keyfiles

HEADER_RSA1 = bytes.fromhex("0602000000a40000") + b"RSA1"


def rsa_key() -> rsa.RSAPrivateKey:
    return keyfiles.rsa_key("rsa-2048")


def rsa1(bits: int, n: int, size: int) -> bytes:
    return HEADER_RSA1 + struct.pack("<II", bits, 65537) + n.to_bytes(size, "little")


def test_bitlen_2052_over_2048_strict_and_lenient() -> None:
    n = rsa_key().public_key().public_numbers().n
    canonical = rsa1(2048, n, 256)
    data = rsa1(2052, n, 257)
    with pytest.raises(bf.InvalidFieldError) as info:
        bf.parse(data)
    assert (info.value.rule, info.value.offset, info.value.field) == (
        "RSA-5",
        12,
        "bit_length",
    )
    model = bf.parse(data, lenient=True)
    assert isinstance(model, bf.RSAPublicKeyBlob) and model.bit_length == 2048
    assert [(t.kind, t.offset, t.rule) for t in model.tolerated] == [
        ("non-canonical-bit-length", 12, "RSA-5")
    ]
    assert model.to_bytes() == canonical
    assert bf.parse(canonical).modulus == model.modulus


def test_bitlen_2052_private_lenient_relays_the_fields() -> None:
    key = rsa_key()
    canonical = bf.dump_private_key(key)
    nums = key.private_numbers()
    body = b"".join(
        v.to_bytes(129, "little")
        for v in (nums.p, nums.q, nums.dmp1, nums.dmq1, nums.iqmp)
    )
    n = nums.public_numbers.n
    data = (
        canonical[:12]
        + struct.pack("<II", 2052, 65537)
        + n.to_bytes(257, "little")
        + body
        + nums.d.to_bytes(257, "little")
    )
    with pytest.raises(bf.InvalidFieldError) as info:
        bf.parse(data)
    assert (info.value.rule, info.value.offset) == ("RSA-5", 12)
    assert bf.parse(data, lenient=True).to_bytes() == canonical


def test_bitlen_16384_over_a_2048_bit_modulus() -> None:
    n = rsa_key().public_key().public_numbers().n
    padded = rsa1(16384, n, 2048)
    with pytest.raises(bf.InvalidFieldError) as info:
        bf.parse(padded)
    assert (info.value.rule, info.value.offset, info.value.field) == (
        "RSA-5",
        12,
        "bit_length",
    )
    assert bf.parse(padded, lenient=True).to_bytes() == rsa1(2048, n, 256)
    with pytest.raises(bf.TruncatedError):
        bf.parse(rsa1(16384, n, 256))  # a 2048-bit-sized body under bitlen 16384


def test_wine_abplainpublickey_512_over_509_is_strict() -> None:
    ones = int.from_bytes(b"\x11" * 64, "little")
    data = rsa1(512, ones, 64)
    model = bf.parse(data)
    assert isinstance(model, bf.RSAPublicKeyBlob) and model.modulus.bit_length() == 509
    assert model.to_bytes() == data and not model.tolerated


def test_modulus_with_no_canonical_bitlen_is_refused_leniently_too() -> None:
    with pytest.raises(bf.InvalidFieldError) as info:
        bf.parse(rsa1(384, 1, 48), lenient=True)
    assert info.value.rule == "RSA-5"


def test_model_constructor_applies_rsa5() -> None:
    with pytest.raises(bf.InvalidFieldError):
        bf.RSAPublicKeyBlob(
            key_alg=bf.AlgId.CALG_RSA_KEYX,
            bit_length=1028,
            public_exponent=3,
            modulus=(1 << 1027) | 1,
        )


def dsa_key() -> dsa.DSAPrivateKey:
    return keyfiles.dsa_key("dsa-1024")


def with_counter(counter: int) -> bytes:
    blob = bf.dump_public_key(dsa_key().public_key())
    return blob[:-24] + struct.pack("<I", counter) + b"\x5a" * 20


@pytest.mark.parametrize("counter", [0x80000000, 0xC0000000, 0xFFFFFFFE])
def test_seed_counter_with_high_bit_set(counter: int) -> None:
    data = with_counter(counter)
    with pytest.raises(bf.InvalidFieldError) as info:
        bf.parse(data)
    assert (info.value.rule, info.value.offset, info.value.field) == (
        "DSS-7",
        len(data) - 24,
        "seed.counter",
    )
    model = bf.parse(data, lenient=True)
    assert isinstance(model, bf.DSSPublicKeyBlob) and not model.seed.has_seed
    assert model.seed.seed == b"\x5a" * 20
    assert model.to_bytes() == with_counter(0xFFFFFFFF)
    assert [t.kind for t in model.tolerated] == ["ambiguous-seed-counter"]


@pytest.mark.parametrize("counter", [0, 497, 0x7FFFFFFF, 0xFFFFFFFF])
def test_seed_counters_that_stay_valid(counter: int) -> None:
    data = with_counter(counter)
    assert bf.parse(data).to_bytes() == data


def test_dss_p_zero_padded_and_seed_both_rewritten() -> None:
    pub = bf.parse(bf.dump_public_key(dsa_key().public_key()))
    assert isinstance(pub, bf.DSSPublicKeyBlob)
    small_p = pub.p >> 512  # a 512-bit number: the same fields hold it with bitlen 512
    assert small_p.bit_length() == 512
    data = (
        bytes.fromhex("0602000000220000")
        + b"DSS1"
        + struct.pack("<I", 1024)
        + small_p.to_bytes(128, "little")
        + pub.q.to_bytes(20, "little")
        + (2).to_bytes(128, "little")
        + (3).to_bytes(128, "little")
        + struct.pack("<I", 0x80000000)
        + bytes(20)
    )
    with pytest.raises(bf.InvalidFieldError) as info:
        bf.parse(data)
    assert (info.value.rule, info.value.offset, info.value.field) == ("DSS-6", 16, "p")
    model = bf.parse(data, lenient=True)
    assert isinstance(model, bf.DSSPublicKeyBlob) and model.bit_length == 512
    assert {t.rule for t in model.tolerated} == {"DSS-6", "DSS-7"}
    assert bf.parse(model.to_bytes()) == bf.parse(model.to_bytes(), lenient=True)
