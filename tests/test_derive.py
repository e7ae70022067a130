# SPDX-License-Identifier: Apache-2.0
"""CryptDeriveKey against Windows known answers.

Sources (expected bytes only; the code is our own):

* Wine ``dlls/rsaenh/tests/rsaenh.c`` at 7c45914666871722e66394502160c296a3ebd5a3:
  ``test_key_derivation``, ``test_block_cipher_modes``, ``test_rc2``,
  ``test_rc4``, ``test_des``, ``test_3des112``, ``test_3des``, ``test_aes``.
  Wine's tests also run on real Windows, so assertions without
  ``todo_wine`` are Windows behaviour.
* Microsoft, "Key Derivation Sample" (Platform SDK, CSP guide): MD5 of a
  password, an RC4 key from the Base provider, with and without salt.
"""

from __future__ import annotations

import sys

import pytest
from hypothesis import given
from hypothesis import strategies as st

from blobformat.capi.derive import derive, extend_hash, needs_extension
from blobformat.capi.hashes import digest
from blobformat.capi.sessionkey import SessionKey, derive_key, derive_key_from_password
from blobformat.constants import AlgId
from blobformat.errors import InvalidParameterError
from tests.conftest import ROOT

if str(ROOT / "vectors") not in sys.path:
    sys.path.insert(0, str(ROOT / "vectors"))
from vectorgen import public  # the vectors' generator package, on the path above

A = AlgId

# -- test_key_derivation ------------------------------------------------------

# Row i hashes 512 bytes b[j] = (j + i) & 0xFF with hash H[i // 12], derives
# key K[i % 12] with the provider's default length, and encrypts the first 4
# bytes with Final set (CBC, zero IV; RC4 has no padding). The table is the one
# the published vectors are generated from (vectors/vectorgen/public.py).
_HASHES = [A[name] for name in public.KD_HASHES]
_KEYS = [A[name] for name in public.KD_KEYS]
# Rows the Windows run executes (the test skips its "old_broken" rows).
WINDOWS_ROWS = public.KD_WINDOWS_ROWS
# Rows listed with expected bytes but skipped by the test ("old_broken"):
# RC2/RC4 with default lengths and everything with SHA-256. Not confirmed on
# Windows by the current test, but in the same table; we reproduce them too.
TABLE_ONLY_ROWS = public.KD_TABLE_ONLY_ROWS


def _row(i: int, provider: str = "aes") -> tuple[SessionKey, bytes]:
    data = bytes((j + i) & 0xFF for j in range(512))
    hash_alg = _HASHES[i // 12]
    key = derive_key(
        digest(hash_alg, data), _KEYS[i % 12], hash_alg=hash_alg, provider=provider
    )
    return key, data[:4]


@pytest.mark.parametrize(("row", "expected"), sorted(WINDOWS_ROWS.items()))
def test_key_derivation_windows_rows(row: int, expected: str) -> None:
    key, plaintext = _row(row)
    assert key.encrypt(plaintext).hex() == expected


@pytest.mark.parametrize(("row", "expected"), sorted(TABLE_ONLY_ROWS.items()))
def test_key_derivation_table_rows(row: int, expected: str) -> None:
    key, plaintext = _row(row)
    assert key.encrypt(plaintext).hex() == expected


@pytest.mark.parametrize("provider", ["strong", "enhanced"])
@pytest.mark.parametrize("row", [0, 1, 2, 13, 25, 37, 38, 3, 4])
def test_key_derivation_same_in_strong_and_enhanced(provider: str, row: int) -> None:
    # The test runs the non-AES rows in the Strong and Enhanced providers too;
    # their default lengths equal the AES provider's.
    key, plaintext = _row(row, provider)
    assert key.encrypt(plaintext).hex() == {**WINDOWS_ROWS, **TABLE_ONLY_ROWS}[row]


@pytest.mark.parametrize("row", public.KD_REFUSED_ROWS)
def test_key_derivation_rejects_what_windows_rejects(row: int) -> None:
    # RC5, RSA and the generic CALG_AES: NTE_BAD_ALGID on Windows.
    with pytest.raises(InvalidParameterError) as info:
        _row(row)
    assert info.value.rule == "SYM-1"


@pytest.mark.parametrize("row", [9, 21, 33, 45])
def test_aes_is_not_in_the_enhanced_provider(row: int) -> None:
    with pytest.raises(InvalidParameterError) as info:
        _row(row, "enhanced")
    assert info.value.rule == "SYM-7"


@pytest.mark.parametrize("row", [1, 13, 25, 37])
def test_microsoft_remark_would_extend_3des_112_but_windows_does_not(row: int) -> None:
    # The CryptDeriveKey remark says any non-SHA-2 hash is extended for 3DES;
    # Windows' results for 3DES-112 from 16- and 20-byte hashes show the key
    # is the plain hash prefix (rsaenh: extend only when m < n).
    data = bytes((j + row) & 0xFF for j in range(512))
    hash_alg = _HASHES[row // 12]
    h = digest(hash_alg, data)
    extended = SessionKey(alg_id=A.CALG_3DES_112, key=extend_hash(hash_alg, h)[:16])
    assert extended.encrypt(data[:4]).hex() != WINDOWS_ROWS[row]
    plain = SessionKey(alg_id=A.CALG_3DES_112, key=h[:16])
    assert plain.encrypt(data[:4]).hex() == WINDOWS_ROWS[row]


# -- the other Windows-run tests ----------------------------------------------

# derive_key() in the Wine tests: MD2 of 2000 bytes b[i] = i & 0xFF.
MD2_2000 = digest(A.CALG_MD2, bytes(i & 0xFF for i in range(2000)))
PLAIN_13 = bytes(range(13))


@pytest.mark.parametrize("provider", ["base", "strong", "enhanced"])
def test_block_cipher_modes(provider: str) -> None:
    # test_block_cipher_modes: RC2, 40 bits; KP_SALT reports 11 (zero) bytes.
    key = derive_key(
        MD2_2000, A.CALG_RC2, hash_alg=A.CALG_MD2, key_bits=40, provider=provider
    )
    assert key.salt == bytes(11)
    plain = bytes(range(23))
    ecb = "c09ae42f0a476711f2b25d5f08ff49a4453a6814ca18e5f4"
    cbc = "c09ae42f0a47671110f5da614e3dabc09785011297a4f7d3"
    cfb = "29b567850b1bec07672da1a41a47246a54e1e092f90ef6eb"
    assert key.encrypt(plain, mode="ecb").hex() == ecb
    assert key.decrypt(bytes.fromhex(ecb), mode="ecb") == plain
    assert key.encrypt(plain).hex() == cbc
    assert key.decrypt(bytes.fromhex(cbc)) == plain
    # CFB as the test runs it: 16 bytes non-final, then 7 bytes final.
    head = key.encrypt(plain[:16], mode="cfb", final=False)
    tail = key.encrypt(plain[16:], mode="cfb", iv=head[-8:])
    assert (head + tail).hex() == cfb
    assert key.decrypt(bytes.fromhex(cfb), mode="cfb") == plain


@pytest.mark.parametrize("provider", ["base", "strong", "enhanced"])
def test_rc2_40(provider: str) -> None:
    key = derive_key(
        MD2_2000, A.CALG_RC2, hash_alg=A.CALG_MD2, key_bits=40, provider=provider
    )
    assert key.encrypt(PLAIN_13).hex() == "c09ae42f0a476711fb1887ce0c7507b1"


RC2_128_ENCRYPTED = "8281f7ffddd7888c2a2ac0ce4c89b666"
RC2_40DEF_ENCRYPTED = "23c87013422ea8985cdf7a9beadb961b"


def test_rc2_56_with_effective_length() -> None:
    # test_rc2: a 56-bit key; KP_EFFECTIVE_KEYLEN 128 (Strong/Enhanced), or
    # forced back to 40 by the Base provider.
    key = derive_key(
        MD2_2000, A.CALG_RC2, hash_alg=A.CALG_MD2, key_bits=56, provider="strong"
    )
    assert key.salt == b""
    assert key.effective_bits is None  # the default: 56, the key's own length
    strong = SessionKey(alg_id=A.CALG_RC2, key=key.key, effective_bits=128)
    assert strong.encrypt(PLAIN_13).hex() == RC2_128_ENCRYPTED
    base = SessionKey(alg_id=A.CALG_RC2, key=key.key, effective_bits=40)
    assert base.encrypt(PLAIN_13).hex() == RC2_40DEF_ENCRYPTED


@pytest.mark.parametrize(
    ("provider", "previous", "expected"),
    [
        (
            "enhanced",
            RC2_128_ENCRYPTED,
            "a3d741877ad018dbd46a4feef3cacd34b3159a2a885f43a5",
        ),
        (
            "strong",
            RC2_128_ENCRYPTED,
            "b933b67a35c30688bfd5ccaf14aee231c69aaa3f052f22da",
        ),
        (
            "base",
            RC2_40DEF_ENCRYPTED,
            "8c4ea6009b15ef9e8881d065d65357080a7780fa7e891455",
        ),
    ],
)
def test_rc2_40_create_salt(provider: str, previous: str, expected: str) -> None:
    # test_rc2 hashes its buffer after the previous step encrypted its first
    # 16 bytes in place, then derives a 40-bit key with CRYPT_CREATE_SALT.
    buffer = bytes.fromhex(previous) + bytes(i & 0xFF for i in range(16, 2000))
    key = derive_key(
        digest(A.CALG_MD5, buffer),
        A.CALG_RC2,
        hash_alg=A.CALG_MD5,
        key_bits=40,
        create_salt=True,
        provider=provider,
    )
    assert len(key.salt) == (0 if provider == "enhanced" else 11)
    assert key.encrypt(b"\xaf" * 16).hex() == expected


@pytest.mark.parametrize("provider", ["base", "strong", "enhanced"])
def test_rc4_56(provider: str) -> None:
    key = derive_key(
        MD2_2000, A.CALG_RC4, hash_alg=A.CALG_MD2, key_bits=56, provider=provider
    )
    assert key.encrypt(bytes(range(16))).hex() == "170c448eae90cdb07f87f57aecb22e35"


@pytest.mark.parametrize(
    ("provider", "expected"),
    [
        ("enhanced", "41e633c950a1bf88124dd3e347886da5"),
        ("strong", "2faceaeaff687e77f4b9487c4e79a6b5"),
        ("base", "2faceaeaff687e77f4b9487c4e79a6b5"),
    ],
)
def test_rc4_40_create_salt(provider: str, expected: str) -> None:
    hash_value = digest(A.CALG_MD5, bytes(i & 0xFF for i in range(2000)))
    key = derive_key(
        hash_value,
        A.CALG_RC4,
        hash_alg=A.CALG_MD5,
        key_bits=40,
        create_salt=True,
        provider=provider,
    )
    assert key.encrypt(b"\xaf" * 16).hex() == expected


@pytest.mark.parametrize("key_bits", [None, 56, 64])
@pytest.mark.parametrize("provider", ["base", "strong", "enhanced"])
def test_des(key_bits: int | None, provider: str) -> None:
    # test_des: ECB; Windows XP and later derive the same key for 0 and 56.
    key = derive_key(
        MD2_2000, A.CALG_DES, hash_alg=A.CALG_MD2, key_bits=key_bits, provider=provider
    )
    assert key.encrypt(PLAIN_13, mode="ecb").hex() == "58864246654b9262cf0f6537437a82b9"


@pytest.mark.parametrize("provider", ["strong", "enhanced", "aes"])
def test_3des(provider: str) -> None:
    two = derive_key(MD2_2000, A.CALG_3DES_112, hash_alg=A.CALG_MD2, provider=provider)
    assert two.encrypt(PLAIN_13).hex() == "8e0c3ca305885f7a32a1065264d2441c"
    three = derive_key(MD2_2000, A.CALG_3DES, hash_alg=A.CALG_MD2, provider=provider)
    assert three.encrypt(PLAIN_13).hex() == "7bbadda239d37bb3c751814153e8cfeb"


AES_PLAIN = b"AES Test With 2 Blocks Of Data.\x00"


@pytest.mark.parametrize(
    ("alg", "expected"),
    [
        (
            A.CALG_AES_128,
            "fe853be1f5e15875d5a974e309eaa5042335a23b5cf16c6fb9cd64063e4183ef"
            "2afeeab56c1720798c513e56ede14768",
        ),
        (
            A.CALG_AES_192,
            "6bf0fd32eec60613a8e63c8185b82ea1d43be822a5744abe9dcfcc3726195ad1"
            "7f76bf9428ce27216187ebb98ba8b457",
        ),
        (
            A.CALG_AES_256,
            "2057170b1776d83b26908b4cf2007933292b139ce29509c1cd20872232709d75"
            "9a94f5765cb1622ce1767c8673e67a23",
        ),
    ],
)
def test_aes(alg: AlgId, expected: str) -> None:
    key = derive_key(MD2_2000, alg, hash_alg=A.CALG_MD2)
    assert key.encrypt(AES_PLAIN).hex() == expected
    assert key.decrypt(bytes.fromhex(expected)) == AES_PLAIN


# -- Microsoft's Key Derivation Sample ----------------------------------------

# The 2000 SDK text names the password "124-kelp", but its hash is MD5 of
# "1134-kelp" (the older text's spelling).
SAMPLE_PLAIN = bytes(range(32))


def test_key_derivation_sample_without_salt() -> None:
    key = derive_key_from_password(
        b"1134-kelp", A.CALG_RC4, hash_alg=A.CALG_MD5, provider="base"
    )
    assert digest(A.CALG_MD5, b"1134-kelp").hex() == "7340e6e274b8ea399395aa29d638b52a"
    assert key.key.hex() == "7340e6e274"
    assert key.salt == bytes(11)
    assert key.encrypt(SAMPLE_PLAIN).hex() == (
        "2659de2444fa369c110cbb9db6a2bd24042ee3ba7276f3278dd5b42f56cff8c9"
    )


def test_key_derivation_sample_with_salt() -> None:
    key = derive_key_from_password(
        b"1134-kelp", A.CALG_RC4, hash_alg=A.CALG_MD5, create_salt=True, provider="base"
    )
    assert key.salt.hex() == "b8ea399395aa29d638b52a"
    assert key.encrypt(SAMPLE_PLAIN).hex() == (
        "47f45de2cc3b871b95bcfc39fb86d305daa291fb80f12a22c3b9ec91dd9faf50"
    )


# -- rules --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alg", "n", "m", "expected"),
    [
        (A.CALG_AES_128, 16, 16, True),  # the AES-128 special case (MD5)
        (A.CALG_AES_128, 16, 20, True),  # ... and SHA-1
        (A.CALG_AES_128, 16, 32, False),  # SHA-256 does not extend
        (A.CALG_AES_256, 32, 20, True),  # hash shorter than the key
        (A.CALG_AES_256, 32, 32, False),
        (A.CALG_3DES, 24, 20, True),
        (A.CALG_3DES_112, 16, 16, False),
        (A.CALG_DES, 8, 16, False),
        (A.CALG_RC4, 16, 16, False),
    ],
)
def test_needs_extension(alg: AlgId, n: int, m: int, expected: bool) -> None:
    assert needs_extension(alg, n, m) is expected


@given(hash_value=st.binary(min_size=20, max_size=20))
def test_extension_definition(hash_value: bytes) -> None:
    b1 = bytes(0x36 ^ x for x in hash_value) + b"\x36" * 44
    b2 = bytes(0x5C ^ x for x in hash_value) + b"\x5c" * 44
    expected = digest(A.CALG_SHA1, b1) + digest(A.CALG_SHA1, b2)
    assert extend_hash(A.CALG_SHA1, hash_value) == expected
    derived = derive(hash_value, A.CALG_3DES, hash_alg=A.CALG_SHA1, provider="strong")
    assert derived.key == expected[:24]
    assert derived.salt == b""


@pytest.mark.parametrize(
    ("provider", "alg", "bits", "create", "salt"),
    [
        ("base", A.CALG_RC4, 40, False, 11),
        ("base", A.CALG_RC4, 56, False, 0),
        ("base", A.CALG_RC4, 40, True, 11),
        ("strong", A.CALG_RC2, 40, True, 11),
        ("enhanced", A.CALG_RC4, 40, False, 11),
        ("enhanced", A.CALG_RC4, 40, True, 0),
        ("enhanced", A.CALG_RC4, 128, True, 0),
        ("aes", A.CALG_RC2, 40, True, 0),
        ("aes", A.CALG_RC2, 128, False, 0),
        ("aes", A.CALG_AES_128, None, True, 0),
    ],
)
def test_salt_lengths(
    provider: str, alg: AlgId, bits: int | None, create: bool, salt: int
) -> None:
    h = digest(A.CALG_SHA1, b"salt rules")
    key = derive_key(
        h,
        alg,
        hash_alg=A.CALG_SHA1,
        key_bits=bits,
        create_salt=create,
        provider=provider,
    )
    assert len(key.salt) == salt
    if create and salt:
        assert key.salt == h[len(key.key) : len(key.key) + salt]
    else:
        assert key.salt == bytes(salt)


def test_no_salt_flag() -> None:
    h = digest(A.CALG_MD5, b"x")
    assert (
        derive(h, A.CALG_RC4, hash_alg=A.CALG_MD5, key_bits=40, no_salt=True).salt
        == b""
    )


@pytest.mark.parametrize(
    ("provider", "alg", "bits"),
    [
        ("base", A.CALG_RC4, 40),
        ("base", A.CALG_RC2, 40),
        ("strong", A.CALG_RC4, 128),
        ("enhanced", A.CALG_RC2, 128),
        ("aes", A.CALG_RC4, 128),
        ("aes", A.CALG_DES, 56),
        ("aes", A.CALG_3DES_112, 112),
        ("aes", A.CALG_3DES, 168),
        ("aes", A.CALG_AES_128, 128),
        ("aes", A.CALG_AES_192, 192),
        ("aes", A.CALG_AES_256, 256),
    ],
)
def test_default_key_lengths(provider: str, alg: AlgId, bits: int) -> None:
    h = digest(A.CALG_SHA1, b"defaults")
    key = derive_key(h, alg, hash_alg=A.CALG_SHA1, provider=provider)
    storage = {56: 64, 112: 128, 168: 192}.get(bits, bits)
    assert len(key.key) * 8 == storage


@pytest.mark.parametrize(
    ("provider", "alg", "bits"),
    [
        ("base", A.CALG_RC4, 64),  # Base RC2/RC4: 40..56
        ("base", A.CALG_RC2, 32),
        ("strong", A.CALG_RC4, 136),
        ("aes", A.CALG_RC2, 44),  # not a whole number of bytes
        ("aes", A.CALG_DES, 48),
        ("aes", A.CALG_3DES_112, 168),
        ("aes", A.CALG_AES_128, 256),
        ("aes", A.CALG_RC4, 0),
    ],
)
def test_bad_key_bits(provider: str, alg: AlgId, bits: int) -> None:
    with pytest.raises(InvalidParameterError) as info:
        derive_key(
            bytes(20), alg, hash_alg=A.CALG_SHA1, key_bits=bits, provider=provider
        )
    assert info.value.rule == "SYM-2"
    assert str(bits) in str(info.value)


def test_3des_is_not_in_the_base_provider() -> None:
    with pytest.raises(InvalidParameterError) as info:
        derive_key(bytes(16), A.CALG_3DES, hash_alg=A.CALG_MD5, provider="base")
    assert info.value.rule == "SYM-7"


def test_unknown_provider() -> None:
    with pytest.raises(InvalidParameterError) as info:
        derive_key(bytes(20), A.CALG_RC4, hash_alg=A.CALG_SHA1, provider="schannel")
    assert info.value.rule == "SYM-6"
    with pytest.raises(TypeError):
        derive_key(bytes(20), A.CALG_RC4, hash_alg=A.CALG_SHA1, provider=None)  # type: ignore[arg-type]


def test_unsupported_hash() -> None:
    with pytest.raises(InvalidParameterError) as info:
        derive_key(bytes(20), A.CALG_RC4, hash_alg=A.CALG_HMAC)
    assert info.value.rule == "DRV-1"


@pytest.mark.parametrize("length", [0, 19, 21])
def test_hash_value_length(length: int) -> None:
    with pytest.raises(InvalidParameterError) as info:
        derive_key(bytes(length), A.CALG_RC4, hash_alg=A.CALG_SHA1)
    assert info.value.rule == "DRV-2"


@pytest.mark.parametrize("provider", ["base", "strong", "enhanced"])
def test_sha2_only_in_the_aes_provider(provider: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        derive_key(
            bytes(32),
            A.CALG_RC4,
            hash_alg=A.CALG_SHA_256,
            key_bits=56,
            provider=provider,
        )
    assert info.value.rule == "DRV-3"


@pytest.mark.parametrize(
    ("provider", "hash_alg", "bits"),
    [("base", A.CALG_MD5, 48), ("base", A.CALG_MD5, 56), ("strong", A.CALG_SHA1, 128)],
)
def test_created_salt_must_fit_in_the_hash(
    provider: str, hash_alg: AlgId, bits: int
) -> None:
    h = digest(hash_alg, b"short hash")
    with pytest.raises(InvalidParameterError) as info:
        derive_key(
            h,
            A.CALG_RC4,
            hash_alg=hash_alg,
            key_bits=bits,
            create_salt=True,
            provider=provider,
        )
    assert info.value.rule == "DRV-4"


def test_created_salt_that_fits_is_taken() -> None:
    # Base, 56-bit key, SHA-1: 7 + 11 = 18 <= 20 bytes.
    h = digest(A.CALG_SHA1, b"fits")
    key = derive_key(
        h,
        A.CALG_RC4,
        hash_alg=A.CALG_SHA1,
        key_bits=56,
        create_salt=True,
        provider="base",
    )
    assert (key.key, key.salt) == (h[:7], h[7:18])


def test_argument_types() -> None:
    with pytest.raises(TypeError):
        derive_key("0" * 20, A.CALG_RC4, hash_alg=A.CALG_SHA1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        derive_key(bytes(20), A.CALG_RC4, hash_alg=A.CALG_SHA1, create_salt=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        derive_key(bytes(20), A.CALG_RC4, hash_alg=A.CALG_SHA1, key_bits=40.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        derive(bytes(20), A.CALG_RC4, hash_alg=A.CALG_SHA1, key_bits=True)
    with pytest.raises(TypeError):
        derive("x", A.CALG_RC4, hash_alg=A.CALG_SHA1)  # type: ignore[arg-type]


def test_derived_key_repr_hides_material() -> None:
    derived = derive(bytes(range(20)), A.CALG_RC4, hash_alg=A.CALG_SHA1)
    assert "000102" not in repr(derived) and "\\x01" not in repr(derived)


# -- the key-length table on its own ------------------------------------------


def test_check_key_length_with_a_provider() -> None:
    from blobformat.codec.keylengths import check_key_length, key_length_range

    check_key_length(A.CALG_RC4, 7, provider="base")
    with pytest.raises(InvalidParameterError) as info:
        check_key_length(A.CALG_RC4, 8, provider="base")  # Base: 40..56 bits
    assert info.value.rule == "SYM-2"
    assert "base provider" in str(info.value)
    with pytest.raises(InvalidParameterError) as info:
        check_key_length(A.CALG_AES_128, 16, provider="strong")
    assert info.value.rule == "SYM-7"
    assert key_length_range(A.CALG_RC2, "enhanced").max_bits == 128
    with pytest.raises(TypeError):
        check_key_length(A.CALG_RC4, 5.0)  # type: ignore[arg-type]
