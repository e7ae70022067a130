"""CNG key blobs (SPEC §20): byte-exact round trips and located errors for every rule."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

import blobformat as bf
from blobformat.codec import cng
from tests.cngblobs import be, rsa_blob, u32


@pytest.fixture(scope="module")
def rsa_numbers() -> rsa.RSAPrivateNumbers:
    return rsa.generate_private_key(65537, 1024).private_numbers()


@pytest.mark.parametrize("magic", [b"RSA1", b"RSA2", b"RSA3"])
def test_rsa_roundtrip(rsa_numbers: rsa.RSAPrivateNumbers, magic: bytes) -> None:
    data = rsa_blob(rsa_numbers, magic)
    blob = bf.parse(data)
    assert isinstance(
        blob, cng.CngRSAPublicBlob | cng.CngRSAPrivateBlob | cng.CngRSAFullPrivateBlob
    )
    assert blob.magic == magic
    assert blob.modulus == rsa_numbers.public_numbers.n
    assert blob.to_bytes() == data
    assert type(blob).from_bytes(data) == blob
    # Numbers are big-endian after the header.
    assert data[24:27] == b"\x01\x00\x01"
    spans = blob.layout()
    assert [s.offset for s in spans][:7] == [0, 4, 8, 12, 16, 20, 24]
    assert sum(s.size for s in spans) == len(data)
    if magic != b"RSA1":
        assert "prime1=<secret" in repr(blob)
        assert str(rsa_numbers.p) not in repr(blob)


def test_capi_rsa1_still_capi(rsa_numbers: rsa.RSAPrivateNumbers) -> None:
    key = rsa.RSAPublicNumbers(
        rsa_numbers.public_numbers.e, rsa_numbers.public_numbers.n
    ).public_key()
    capi = bf.dump_public_key(key)
    assert capi[8:12] == b"RSA1"
    assert isinstance(bf.parse(capi), bf.RSAPublicKeyBlob)


def _err(data: bytes) -> bf.BlobError:
    with pytest.raises(bf.BlobError) as info:
        bf.parse(data)
    return info.value


def _replace(data: bytes, offset: int, new: bytes) -> bytes:
    return data[:offset] + new + data[offset + len(new) :]


def test_rsa_rules(rsa_numbers: rsa.RSAPrivateNumbers) -> None:
    pub = rsa_blob(rsa_numbers)
    priv = rsa_blob(rsa_numbers, b"RSA2")
    cases = [
        (pub[:3], bf.TruncatedError, "HDR-6", 0, "header"),
        (pub[:10], bf.TruncatedError, "CNG-1", 8, "cb_public_exp"),
        (pub[:-1], bf.TruncatedError, "CNG-2", 27, "modulus"),
        (pub + b"\0", bf.TrailingDataError, "CNG-2", len(pub), None),
        (_replace(pub, 4, u32(1028)), bf.InvalidFieldError, "CRSA-1", 4, "bit_length"),
        (_replace(pub, 4, u32(256)), bf.InvalidFieldError, "CRSA-1", 4, "bit_length"),
        (_replace(pub, 4, u32(2048)), bf.InvalidFieldError, "CRSA-2", 12, "cb_modulus"),
        (_replace(pub, 8, u32(9)), bf.InvalidFieldError, "CRSA-3", 8, "cb_public_exp"),
        (_replace(pub, 8, u32(0)), bf.InvalidFieldError, "CRSA-3", 8, "cb_public_exp"),
        (_replace(pub, 16, u32(1)), bf.InvalidFieldError, "CRSA-3", 16, "cb_prime1"),
        (_replace(priv, 20, u32(0)), bf.InvalidFieldError, "CRSA-3", 20, "cb_prime2"),
        (_replace(priv, 20, u32(129)), bf.InvalidFieldError, "CRSA-3", 20, "cb_prime2"),
        (_replace(pub, 27, b"\0"), bf.InvalidFieldError, "CRSA-4", 27, "modulus"),
        (
            _replace(pub, 24, b"\x01\x00\x00"),
            bf.InvalidFieldError,
            "CRSA-5",
            24,
            "public_exponent",
        ),
        (
            _replace(pub, 24, b"\x00\x00\x03"),
            bf.InvalidFieldError,
            "CRSA-4",
            24,
            "public_exponent",
        ),
    ]
    for data, cls, rule, offset, field in cases:
        err = _err(data)
        assert type(err) is cls, (rule, err)
        assert (err.rule, err.offset, err.field) == (rule, offset, field), err


def test_rsa_hostile_sizes_cost_nothing() -> None:
    # cbModulus near 2^32 is refused by the header rules before any read.
    data = b"RSA2" + u32(16384) + u32(3) + u32(2048) + u32(0xFFFFFFFF) + u32(0xFFFFFFFF)
    err = _err(data)
    assert err.rule == "CRSA-3"
    data = b"KDBM" + u32(1) + u32(0xFFFFFFFF)
    assert _err(data).rule == "CKD-2"
    data = b"KDBM" + u32(1) + u32(4096) + b"k"
    err = _err(data)
    assert isinstance(err, bf.TruncatedError) and err.needed == 12 + 4096


def test_rsa_lenient_trailing(rsa_numbers: rsa.RSAPrivateNumbers) -> None:
    data = rsa_blob(rsa_numbers)
    blob = bf.parse(data + b"\0\0", lenient=True)
    assert blob.tolerated[0].kind == "trailing-data"
    assert blob.to_bytes() == data


CURVES = [
    ("P-256", ec.SECP256R1(), 32, 1),
    ("P-384", ec.SECP384R1(), 48, 3),
    ("P-521", ec.SECP521R1(), 66, 5),
]


@pytest.mark.parametrize(("name", "curve", "size", "digit"), CURVES)
@pytest.mark.parametrize("ecdh", [False, True])
def test_ecc_roundtrip(
    name: str, curve: ec.EllipticCurve, size: int, digit: int, ecdh: bool
) -> None:
    key = ec.generate_private_key(curve).private_numbers()
    x, y, d = key.public_numbers.x, key.public_numbers.y, key.private_value
    prefix = b"ECK" if ecdh else b"ECS"
    pub = prefix + str(digit).encode() + u32(size) + be(x, size) + be(y, size)
    priv = (
        prefix
        + str(digit + 1).encode()
        + u32(size)
        + be(x, size)
        + be(y, size)
        + be(d, size)
    )
    for data, cls in ((pub, cng.CngECCPublicBlob), (priv, cng.CngECCPrivateBlob)):
        blob = bf.parse(data)
        assert type(blob) is cls
        assert (blob.curve, blob.ecdh, blob.cb_key, blob.x, blob.y) == (
            name,
            ecdh,
            size,
            x,
            y,
        )
        assert blob.to_bytes() == data
    built = cng.CngECCPrivateBlob(ecdh=ecdh, curve=name, x=x, y=y, d=d)
    assert built.to_bytes() == priv
    assert built.public_blob().to_bytes() == pub


def test_ecc_rules() -> None:
    good = b"ECS1" + u32(32) + be(1, 32) + be(2, 32)
    assert bf.parse(good).to_bytes() == good
    p256 = cng.CURVES["P-256"]
    cases = [
        (_replace(good, 4, u32(48)), "CECC-1", 4, "cb_key"),
        (b"ECDP" + u32(8) + bytes(16), "CECC-1", 4, "cb_key"),
        (b"ECS1" + u32(32) + be(p256.p, 32) + be(2, 32), "CECC-2", 8, "x"),
        (b"ECS1" + u32(32) + be(1, 32) + be(p256.p + 1, 32), "CECC-2", 40, "y"),
        (b"ECS2" + u32(32) + be(1, 32) + be(2, 32) + be(0, 32), "CECC-2", 72, "d"),
        (b"ECS2" + u32(32) + be(1, 32) + be(2, 32) + be(p256.n, 32), "CECC-2", 72, "d"),
        (
            b"ECS6" + u32(66) + b"\x02" + bytes(65) + be(2, 66) + be(3, 66),
            "CECC-2",
            8,
            "x",
        ),
        (good[:-1], "CNG-2", 40, "y"),
    ]
    for data, rule, offset, field in cases:
        err = _err(data)
        assert (err.rule, err.offset, err.field) == (rule, offset, field), err
    generic = b"ECKV" + u32(40) + be(1, 40) + be(2, 40) + be(3, 40)
    blob = bf.parse(generic)
    assert (
        isinstance(blob, cng.CngECCPrivateBlob)
        and blob.curve is None
        and blob.cb_key == 40
    )
    assert blob.to_bytes() == generic


def test_ecc_full_key_blob() -> None:
    p256 = cng.CURVES["P-256"]
    key = ec.generate_private_key(ec.SECP256R1()).private_numbers()
    a = p256.p - 3
    b = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
    gx = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
    gy = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5
    head = b"ECDV" + u32(1) + u32(1) + u32(0) + u32(32) + u32(32) + u32(1) + u32(0)
    body = b"".join(be(v, 32) for v in (p256.p, a, b, gx, gy, p256.n)) + b"\x01"
    body += (
        be(key.public_numbers.x, 32)
        + be(key.public_numbers.y, 32)
        + be(key.private_value, 32)
    )
    blob = bf.parse(head + body)
    assert isinstance(blob, cng.CngECCFullKeyBlob)
    assert (blob.prime, blob.order, blob.cofactor, blob.d) == (
        p256.p,
        p256.n,
        1,
        key.private_value,
    )
    assert blob.to_bytes() == head + body
    assert _err(_replace(head + body, 8, u32(7))).rule == "CECC-3"
    assert _err(head + body[:-1]).rule == "CNG-2"


def test_dsa_dh_keydata_roundtrip() -> None:
    p = (1 << 1023) + 1155  # sizes only: relations are load_*'s business
    q = (1 << 159) + 7
    v1 = b"DSPV" + u32(128) + be(0xFFFFFFFF, 4) + b"\xff" * 20 + be(q, 20)
    v1 += be(p, 128) + be(2, 128) + be(3, 128) + be(5, 20)
    blob = bf.parse(v1)
    assert isinstance(blob, cng.CngDSAPrivateBlob) and blob.version == 1 and blob.x == 5
    assert blob.to_bytes() == v1
    p2 = (1 << 2047) + 3
    q2 = (1 << 255) + 9
    v2 = b"DPB2" + u32(256) + u32(1) + u32(1) + u32(32) + u32(32) + be(7, 4)
    v2 += b"s" * 32 + be(q2, 32) + be(p2, 256) + be(2, 256) + be(3, 256)
    blob2 = bf.parse(v2)
    assert isinstance(blob2, cng.CngDSAPublicBlob) and blob2.version == 2
    assert (blob2.hash_algorithm, blob2.standard_version, blob2.counter) == (1, 1, 7)
    assert blob2.to_bytes() == v2
    assert _err(_replace(v2, 8, u32(3))).rule == "CDSA-1"
    assert _err(_replace(v2, 20, u32(24))).rule == "CDSA-1"
    assert _err(_replace(v1, 4, u32(127))).rule == "CDSA-1"
    assert _err(_replace(v1, 32, b"\0")).field == "q"
    dh = b"DHPV" + u32(64) + be((1 << 511) + 1, 64) + be(2, 64) + be(3, 64) + be(4, 64)
    blob3 = bf.parse(dh)
    assert isinstance(blob3, cng.CngDHPrivateBlob) and blob3.to_bytes() == dh
    err = _err(_replace(dh, 8, b"\0"))
    assert (err.rule, err.field) == ("CDH-2", "p")
    assert _err(_replace(dh, 4, u32(65))).rule == "CDH-1"
    kd = b"KDBM" + u32(1) + u32(16) + bytes(range(16))
    blob4 = bf.parse(kd)
    assert isinstance(blob4, cng.CngKeyDataBlob) and blob4.to_bytes() == kd
    assert "secret 16 bytes" in repr(blob4)
    assert _err(_replace(kd, 4, u32(2))).rule == "CKD-1"
    assert _err(_replace(kd, 8, u32(0))).rule == "CKD-2"


@pytest.mark.parametrize(
    "data",
    [
        u32(16) + b"CPHR" + u32(0) + u32(0),
        u32(76) + b"DHPM" + u32(32) + bytes(64),
    ],
)
def test_offset_four_magics_are_named(data: bytes) -> None:
    err = _err(data)
    assert isinstance(err, bf.UnsupportedBlobError) and err.rule == "CNG-3"


def test_capi_first_byte_has_precedence() -> None:
    # A length whose low byte is a bType (0x0C) is read as CryptoAPI first (SPEC §20.2).
    assert isinstance(bf.parse(u32(12) + b"DHPM" + u32(64)), bf.KeyStateBlob)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(sorted(cng.KINDS)), st.binary(max_size=200))
def test_any_bytes_after_a_magic_parse_or_raise_located(
    magic: bytes, tail: bytes
) -> None:
    data = magic + tail
    try:
        blob = bf.parse(data)
    except bf.BlobError as err:
        assert err.rule is not None
    else:
        assert blob.to_bytes() == data


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(sorted(cng.KINDS)),
    st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=8),
)
def test_hostile_header_values(magic: bytes, words: list[int]) -> None:
    data = magic + b"".join(u32(w) for w in words)
    try:
        bf.parse(data)
    except bf.BlobError as err:
        assert err.rule is not None


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([b"RSA1", b"RSA2", b"RSA3"]),
    st.integers(0, 20000),
    st.integers(0, 10),
    st.integers(0, 3000),
    st.integers(0, 3000),
    st.integers(0, 3000),
)
def test_one_header_rule_set_matches_the_spec(
    magic: bytes, bits: int, ce: int, cn: int, p1: int, p2: int
) -> None:
    """The early return of _check_header accepts exactly what CRSA-1..3 accept.

    Without offsets and with them, the same rule and field fail (the decoder
    reruns a failing check with offsets to locate the error).
    """
    kind = cng.KINDS[magic]
    values = {
        "bit_length": bits,
        "cb_public_exp": ce,
        "cb_modulus": cn,
        "cb_prime1": p1,
        "cb_prime2": p2,
    }
    primes_ok = (
        p1 == p2 == 0
        if magic == b"RSA1"
        else (1 <= p1 <= bits // 8 and 1 <= p2 <= bits // 8)
    )
    valid = (
        512 <= bits <= 16384
        and bits % 8 == 0
        and cn == bits // 8
        and 1 <= ce <= 8
        and primes_ok
    )
    try:
        kind.model._check_header(kind, values, None)
    except bf.InvalidFieldError as err:
        assert not valid
        offsets = {name: 4 * i for i, name in enumerate(("magic", *values))}
        with pytest.raises(bf.InvalidFieldError) as located:
            kind.model._check_header(kind, values, offsets)
        assert (located.value.rule, located.value.field) == (err.rule, err.field)
        assert err.offset is None and located.value.offset == offsets[err.field]
    else:
        assert valid


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from([b"DSPB", b"DHPV", b"KDBM", b"ECS1", b"ECK6", b"ECDP", b"DPB2"]),
    st.integers(0, 5000),
    st.integers(0, 3),
    st.integers(0, 70),
    st.integers(0, 40),
)
def test_header_early_returns_accept_only_valid_headers(
    magic: bytes, size: int, small: int, seed: int, group: int
) -> None:
    """Each kind's early return accepts exactly its header rules (CDSA-1, CDH-1, CKD-1..2, CECC-1)."""
    kind = cng.KINDS[magic]
    values: dict[str, int] = {
        "cb_key": size,
        "version": small,
        "cb_key_data": size,
        "hash_algorithm": small,
        "standard_version": small,
        "cb_seed_length": seed,
        "cb_group_size": group,
    }
    expected = {
        b"DSPB": 64 <= size <= 128 and size % 8 == 0,
        b"DHPV": 64 <= size <= 512 and size % 8 == 0,
        b"KDBM": small == 1 and 1 <= size <= 4096,
        b"ECS1": size == 32,
        b"ECK6": size == 66,
        b"ECDP": 20 <= size <= 66,
        b"DPB2": 128 <= size <= 384
        and size % 8 == 0
        and small in (0, 1)
        and group in (20, 28, 32)
        and group <= seed <= 64,
    }[magic]
    try:
        kind.model._check_header(kind, values, None)
    except bf.InvalidFieldError:
        assert not expected
    else:
        assert expected
