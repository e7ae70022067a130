"""Key conversion: blobs <-> cryptography keys (SPEC §14)."""

from __future__ import annotations

import dataclasses
import math

import pytest
from cryptography.hazmat.primitives.asymmetric import dh, dsa, ed25519, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

import blobformat as bf
from tests import keyfactory as kf
from tests import keyfiles


def _replace(blob: bf.Blob, **changes: object) -> bf.Blob:
    return dataclasses.replace(blob, **changes)  # type: ignore[type-var]


def rsa_blob(bits: int = 1024) -> bf.RSAPrivateKeyBlob:
    blob = bf.parse(bf.dump_private_key(kf.rsa_key(bits)))
    assert isinstance(blob, bf.RSAPrivateKeyBlob)
    return blob


@pytest.mark.parametrize("bits", [1024, 2048])
def test_rsa_roundtrip(bits: int) -> None:
    key = kf.rsa_key(bits)
    data = bf.dump_private_key(key)
    again = bf.load_private_key(data)
    assert isinstance(again, rsa.RSAPrivateKey)
    assert again.private_numbers() == key.private_numbers()
    pub = bf.dump_public_key(key.public_key())
    assert bf.load_public_key(pub).public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]
    sign = bf.dump_public_key(key.public_key(), alg_id=bf.AlgId.CALG_RSA_SIGN)
    assert bf.parse(sign).header.key_alg == bf.AlgId.CALG_RSA_SIGN


@pytest.mark.parametrize("kind", [bytes, bytearray, memoryview, "model"])
def test_load_accepts_bytes_like_and_models(kind: object) -> None:
    data = bf.dump_private_key(kf.rsa_key())
    arg = bf.parse(data) if kind == "model" else kind(data)  # type: ignore[operator]
    assert isinstance(
        bf.load_private_key(arg, unsafe_skip_rsa_key_validation=True), rsa.RSAPrivateKey
    )


BROKEN_RSA = [
    ("modulus", lambda b: {"modulus": b.modulus + 2}, "n == p*q"),
    ("even-modulus", lambda b: {"modulus": b.modulus + 1}, "n odd, n > e"),
    (
        "p-equals-q",
        lambda b: {"prime2": b.prime1, "modulus": b.prime1 * b.prime1},
        "p != q",
    ),
    ("tiny-prime", lambda b: {"prime1": 1}, "p > 2, q > 2"),
    (
        "d",
        lambda b: {"private_exponent": b.private_exponent + 2},
        "e*d == 1 mod lcm(p-1, q-1)",
    ),
    ("dp", lambda b: {"exponent1": b.exponent1 ^ 2}, "exponent1 == d mod (p-1)"),
    ("dq", lambda b: {"exponent2": b.exponent2 ^ 2}, "exponent2 == d mod (q-1)"),
    ("qinv", lambda b: {"coefficient": b.coefficient ^ 4}, "coefficient == q^-1 mod p"),
    (
        "qinv-swapped",
        lambda b: {"coefficient": pow(b.prime1, -1, b.prime2)},
        "coefficient == q^-1 mod p",
    ),
]


@pytest.mark.parametrize(
    ("change", "relation"), [c[1:] for c in BROKEN_RSA], ids=[c[0] for c in BROKEN_RSA]
)
def test_rsa_relations(change: object, relation: str) -> None:
    blob = rsa_blob()
    bad = _replace(blob, **change(blob))  # type: ignore[operator]
    for skip in (False, True):
        with pytest.raises(bf.KeyConversionError) as info:
            bf.load_private_key(bad.to_bytes(), unsafe_skip_rsa_key_validation=skip)
        assert info.value.relation == relation
        assert info.value.rule in ("KEY-1", "KEY-2")
        text = str(info.value)
        for secret in (blob.prime1, blob.private_exponent):
            assert f"{secret:x}" not in text and str(secret) not in text


def test_rsa_composite_primes_need_the_full_check() -> None:
    p1, p2, q = kf.prime(256, 1), kf.prime(256, 2), kf.prime(512, 3)
    fake = kf.rsa_from_primes(p1 * p2, q)  # "p" is composite, every relation holds
    data = bf.dump_private_key(fake)
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_private_key(data)
    assert info.value.relation == "p and q prime"
    assert isinstance(info.value.__cause__, ValueError)
    assert isinstance(
        bf.load_private_key(data, unsafe_skip_rsa_key_validation=True),
        rsa.RSAPrivateKey,
    )


def test_rsa_public_checks() -> None:
    pub = bf.RSAPublicKeyBlob(
        key_alg=bf.AlgId.CALG_RSA_KEYX,
        bit_length=512,
        public_exponent=3,
        modulus=1 << 511,
    )
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_public_key(pub)
    assert info.value.rule == "KEY-1"


def test_dump_refuses_large_exponent() -> None:
    p, q = kf.prime(512, 11), kf.prime(512, 12)
    key = kf.rsa_from_primes(p, q, e=(1 << 32) + 15)
    for dump, k in ((bf.dump_private_key, key), (bf.dump_public_key, key.public_key())):
        with pytest.raises(bf.KeyConversionError) as info:
            dump(k)  # type: ignore[operator]
        assert info.value.relation == "e < 2^32"
        assert info.value.rule == "KEY-8"
    ok = kf.rsa_from_primes(p, q, e=0xFFFFFFFB)
    assert bf.parse(bf.dump_public_key(ok.public_key())).public_exponent == 0xFFFFFFFB  # type: ignore[union-attr]


def test_dump_refuses_unequal_primes() -> None:
    key = kf.rsa_from_primes(kf.PRIME_1088, kf.PRIME_960)
    with pytest.raises(bf.KeyConversionError) as info:
        bf.dump_private_key(key)
    assert info.value.relation == "p and q fit ceil(bitlen/16) bytes"
    # The public half is fine: only the private layout constrains the primes.
    assert len(bf.dump_public_key(key.public_key())) == 20 + 256


def test_dump_allows_slightly_unequal_primes() -> None:
    key = kf.rsa_from_primes(kf.prime(512, 31), kf.prime(505, 32))
    data = bf.dump_private_key(key)
    assert bf.load_private_key(data).private_numbers() == key.private_numbers()  # type: ignore[union-attr]


def test_dump_parameter_errors() -> None:
    key = kf.rsa_key()
    with pytest.raises(bf.InvalidParameterError) as info:
        bf.dump_private_key(key, alg_id=bf.AlgId.CALG_DSS_SIGN)
    assert info.value.rule == "KEY-7"
    with pytest.raises(bf.InvalidParameterError):
        bf.dump_public_key(key.public_key(), version=3)
    with pytest.raises(TypeError):
        bf.dump_private_key(ed25519.Ed25519PrivateKey.generate())  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bf.dump_public_key(ed25519.Ed25519PrivateKey.generate().public_key())  # type: ignore[arg-type]


def test_dsa_v2_roundtrip_and_y_derivation() -> None:
    key = kf.dsa_key()
    data = bf.dump_private_key(key)
    blob = bf.parse(data)
    assert isinstance(blob, bf.DSSPrivateKeyBlob)
    again = bf.load_private_key(data)
    assert isinstance(again, dsa.DSAPrivateKey)
    assert again.private_numbers() == key.private_numbers()
    pub = bf.dump_public_key(key.public_key())
    assert isinstance(bf.parse(pub), bf.DSSPublicKeyBlob)
    assert bf.load_public_key(pub).public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]


def test_dsa_v3_roundtrip() -> None:
    key = kf.dsa_key()
    data = bf.dump_private_key(key, version=3)
    blob = bf.parse(data)
    assert isinstance(blob, bf.DSSPrivateKeyBlobV3)
    assert blob.j == (blob.p - 1) // blob.q
    assert bf.load_private_key(data).private_numbers() == key.private_numbers()  # type: ignore[union-attr]
    pub = bf.dump_public_key(key.public_key(), version=3)
    assert isinstance(bf.parse(pub), bf.DSSPublicKeyBlobV3)
    assert bf.load_public_key(pub).public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]


def test_dsa_2048_uses_v3() -> None:
    key = kf.dsa_key(2048)
    data = bf.dump_private_key(key)
    assert isinstance(bf.parse(data), bf.DSSPrivateKeyBlobV3)
    with pytest.raises(bf.KeyConversionError) as info:
        bf.dump_private_key(key, version=2)
    assert info.value.rule == "KEY-8"


def dss3() -> bf.DSSPrivateKeyBlobV3:
    blob = bf.parse(bf.dump_private_key(kf.dsa_key(), version=3))
    assert isinstance(blob, bf.DSSPrivateKeyBlobV3)
    return blob


BROKEN_DSA = [
    ("y", lambda b: {"y": b.y * b.g % b.p}, "y == g^x mod p", "KEY-4"),
    ("x-zero", lambda b: {"x": 0}, "0 < x < q", "KEY-4"),
    ("x-equals-q", lambda b: {"x": b.q}, "0 < x < q", "KEY-4"),
    ("g-one", lambda b: {"g": 1}, "1 < g < p-1", "KEY-3"),
    ("g-order", lambda b: {"g": b.g + 1}, "g^q == 1 mod p", "KEY-3"),
    ("q-not-divisor", lambda b: {"q": b.q + 2}, "q odd, q | p-1", "KEY-3"),
    ("j", lambda b: {"j": b.j + 1}, "j == (p-1)/q", "KEY-3"),
    ("p-even", lambda b: {"p": b.p + 1}, "p odd", "KEY-3"),
    ("y-one", lambda b: {"y": 1}, "1 < y < p-1", "KEY-3"),
    ("y-subgroup", lambda b: {"y": b.p - 2}, "y^q == 1 mod p", "KEY-3"),
]


@pytest.mark.parametrize(
    ("change", "relation", "rule"),
    [c[1:] for c in BROKEN_DSA],
    ids=[c[0] for c in BROKEN_DSA],
)
def test_dsa_relations(change: object, relation: str, rule: str) -> None:
    blob = dss3()
    bad = _replace(blob, **change(blob))  # type: ignore[operator]
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_private_key(bad.to_bytes())
    assert info.value.relation == relation
    assert info.value.rule == rule


def test_dsa_512_not_representable() -> None:
    # cryptography has no 512-bit DSA: refused clearly (KEY-5), never approximated.
    p = kf.prime(160, 5)
    blob = dss3()
    q = blob.q
    # Find a 512-bit p with q | p-1.
    import random

    rng = random.Random(7)
    while True:
        k = rng.getrandbits(512 - 160) | (1 << (512 - 161))
        cand = k * q + 1
        if cand.bit_length() == 512 and kf.is_probable_prime(cand):
            p = cand
            break
    h = 2
    g = pow(h, (p - 1) // q, p)
    small = bf.DSSPrivateKeyBlob(
        key_alg=bf.AlgId.CALG_DSS_SIGN,
        bit_length=512,
        p=p,
        q=q,
        g=g,
        x=5,
        seed=bf.DSSSeed.none(),
    )
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_private_key(small)
    assert info.value.rule == "KEY-5"


@pytest.mark.parametrize("with_q", [False, True])
def test_dh_roundtrip(with_q: bool) -> None:
    key = kf.dh_key(with_q)
    v2 = bf.dump_private_key(key)
    assert isinstance(bf.parse(v2), bf.DHPrivateKeyBlob)
    try:
        loaded = bf.load_private_key(v2)
    except bf.KeyConversionError as err:
        # A v2 blob drops q; cryptography >= 50 then accepts safe primes only.
        assert with_q
        assert err.rule == "KEY-5"
        assert err.relation == "group accepted by cryptography"
    else:
        assert isinstance(loaded, dh.DHPrivateKey)
        assert loaded.private_numbers().x == key.private_numbers().x
        assert (
            loaded.public_key().public_numbers().y
            == key.public_key().public_numbers().y
        )
    v3 = bf.dump_private_key(key, version=3, alg_id=bf.AlgId.CALG_DH_EPHEM)
    blob = bf.parse(v3)
    assert isinstance(blob, bf.DHPrivateKeyBlobV3)
    assert (blob.q is not None) == with_q
    assert bf.load_private_key(v3).private_numbers() == key.private_numbers()  # type: ignore[union-attr]
    pub3 = bf.dump_public_key(key.public_key(), version=3)
    assert (
        bf.load_public_key(pub3).public_numbers() == key.public_key().public_numbers()
    )  # type: ignore[union-attr]


def test_dh_v2_public_needs_parameters() -> None:
    key = kf.dh_key(False)
    data = bf.dump_public_key(key.public_key())
    assert isinstance(bf.parse(data), bf.DHPublicKeyBlob)
    with pytest.raises(bf.InvalidParameterError) as info:
        bf.load_public_key(data)
    assert info.value.rule == "KEY-6"
    got = bf.load_public_key(data, parameters=key.parameters())
    assert got.public_numbers() == key.public_key().public_numbers()  # type: ignore[union-attr]
    assert (
        bf.load_public_key(data, parameters=kf.dh_group(False)).public_numbers()
        == got.public_numbers()
    )  # type: ignore[union-attr]
    other = dh.DHParameterNumbers(kf.SAFE_PRIME_520, 2)
    with pytest.raises(bf.KeyConversionError) as wrong:
        bf.load_public_key(data, parameters=other)
    assert wrong.value.rule == "KEY-6"


def test_wrong_blob_kinds() -> None:
    pub = bf.dump_public_key(kf.rsa_key().public_key())
    with pytest.raises(bf.UnsupportedBlobError):
        bf.load_private_key(pub)
    with pytest.raises(bf.UnsupportedBlobError):
        bf.load_public_key(bf.dump_private_key(kf.rsa_key()))
    simple = bf.SimpleBlob(
        key_alg=bf.AlgId.CALG_RC4,
        wrap_alg=bf.AlgId.CALG_RSA_KEYX,
        encrypted_key=bytes(64),
    )
    with pytest.raises(bf.UnsupportedBlobError):
        bf.load_public_key(simple.to_bytes())
    with pytest.raises(bf.TruncatedError):
        bf.load_private_key(b"\x07\x02")


def test_dh_dump_size_limits() -> None:
    group = dh.DHParameterNumbers(kf.SAFE_PRIME_520, 2)
    key = group.parameters().generate_private_key()
    with pytest.raises(bf.KeyConversionError) as info:
        bf.dump_private_key(key)
    assert info.value.rule == "KEY-8"


def test_unreduced_crt_exponent_is_blamed_on_the_exponent() -> None:
    # A short p leaves room in its field for exponent1 + (p - 1) (fuzz finding F1).
    key = kf.rsa_from_primes(kf.prime(505, 51), kf.prime(512, 52))
    blob = bf.parse(bf.dump_private_key(key))
    assert isinstance(blob, bf.RSAPrivateKeyBlob)
    bad = _replace(blob, exponent1=blob.exponent1 + blob.prime1 - 1)
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_private_key(bad.to_bytes(), unsafe_skip_rsa_key_validation=True)
    assert info.value.relation == "exponent1 == d mod (p-1)"


# -- the single-pass RSA check agrees with the definition --------------------------


def _rsa_numbers(name: str) -> rsa.RSAPrivateNumbers:
    return keyfiles.rsa_key(name).private_numbers()


@pytest.mark.parametrize(
    "name", ["rsa-1028", "rsa-2048-e3", "rsa-520", "rsa-512-e4byte"]
)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_d_agrees_is_the_definition(name: str, data: st.DataObject) -> None:
    # _d_agrees shortcuts through (e*d - 1) mod phi; it must say exactly what
    # d mod (p-1) == dp and d mod (q-1) == dq say, for any d in (0, n), including
    # the other valid exponents d + i*lcm(p-1, q-1) and d + phi/2.
    from blobformat.keys.relations import _d_agrees

    nums = _rsa_numbers(name)
    p, q, n, e = nums.p, nums.q, nums.public_numbers.n, nums.public_numbers.e
    lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
    phi = (p - 1) * (q - 1)
    d = data.draw(
        st.one_of(
            st.integers(1, n - 1),
            st.integers(0, n // lam).map(lambda i: nums.d % lam + i * lam),
            st.just((nums.d + phi // 2) % n),
            st.integers(-3, 3).map(lambda k: (nums.d + k) % n),
        ).filter(lambda v: 0 < v < n)
    )
    expected = d % (p - 1) == nums.dmp1 and d % (q - 1) == nums.dmq1
    assert _d_agrees(n, e, d, p, q, nums.dmp1, nums.dmq1) is expected


# -- KEY-13: the caller's bound on expensive validation (SPEC §14.6) -----------------


def test_max_bits_refuses_before_validating() -> None:
    key = kf.rsa_key(1024)
    blob = bf.dump_private_key(key)
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_private_key(blob, max_bits=1000)
    assert (info.value.rule, info.value.relation) == ("KEY-13", "key size <= max_bits")
    assert "max_bits=1000" in str(info.value)
    for call in (bf.export_private_key, bf.export_public_key):
        with pytest.raises(bf.KeyConversionError) as info:
            call(blob, max_bits=1000)
        assert info.value.rule == "KEY-13"
    pvk = bf.dump_pvk(key, b"pw")
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_pvk(pvk, b"pw", max_bits=1000)
    assert info.value.rule == "KEY-13"
    # At the bound, without a bound, and without cryptography's validation: loaded.
    for kwargs in ({"max_bits": 1024}, {"max_bits": None}):
        assert (
            bf.load_private_key(blob, **kwargs).private_numbers()
            == key.private_numbers()
        )  # type: ignore[arg-type,union-attr]
    skip = bf.load_private_key(blob, max_bits=512, unsafe_skip_rsa_key_validation=True)
    assert skip.private_numbers() == key.private_numbers()  # type: ignore[union-attr]
    # Public RSA keys cost no expensive validation and are not bounded.
    assert bf.load_public_key(bf.dump_public_key(key.public_key()), max_bits=512)


def test_default_bound_is_4096_bits() -> None:
    assert bf.keys.DEFAULT_MAX_BITS == 4096
    # Numbers of the right sizes but no key: the bound is checked before any of them.
    half = 1 << 2050
    blob = bf.RSAPrivateKeyBlob(
        key_alg=bf.AlgId.CALG_RSA_KEYX,
        bit_length=4104,
        public_exponent=65537,
        modulus=(1 << 4103) | 1,
        prime1=half | 1,
        prime2=half | 3,
        exponent1=5,
        exponent2=7,
        coefficient=9,
        private_exponent=11,
    ).to_bytes()
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_private_key(blob)
    assert info.value.rule == "KEY-13"
    with pytest.raises(bf.KeyConversionError) as info:
        bf.load_private_key(blob, unsafe_skip_rsa_key_validation=True)
    assert info.value.rule == "KEY-2"


def test_max_bits_bounds_dh_key_objects_not_exports() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key = kf.dh_key(True)
        blob = bf.dump_private_key(key, version=3)
        public = bf.dump_public_key(key.public_key(), version=3)
    for data, load in ((blob, bf.load_private_key), (public, bf.load_public_key)):
        with pytest.raises(bf.KeyConversionError) as info:
            load(data, max_bits=512)  # type: ignore[operator]
        assert info.value.rule == "KEY-13"
    # The encodings of §14.4 cost milliseconds: not bounded.
    assert bf.export_private_key(blob, max_bits=512).startswith(
        b"-----BEGIN PRIVATE KEY"
    )
