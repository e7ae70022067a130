# SPDX-License-Identifier: Apache-2.0
"""Hashes by ALG_ID: RFC test suites, Windows known answers, incremental use."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blobformat.capi.hashes import _MD2_S, HASH_ALGS, digest, digest_size, new_hash
from blobformat.constants import AlgId
from blobformat.errors import InvalidParameterError

A = AlgId

# RFC 1319 appendix A.5 and RFC 1320 appendix A.5 test suites.
RFC_MESSAGES = [
    b"",
    b"a",
    b"abc",
    b"message digest",
    b"abcdefghijklmnopqrstuvwxyz",
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789",
    b"1234567890" * 8,
]
MD2_SUITE = [
    "8350e5a3e24c153df2275c9f80692773",
    "32ec01ec4a6dac72c0ab96fb34c0b5d1",
    "da853b0d3f88d99b30283a69e6ded6bb",
    "ab4f496bfb2a530b219ff33031fe06b0",
    "4e8ddff3650292ab5a4108c3aa47940b",
    "da33def2a42df13975352846c30338cd",
    "d5976f79d83d3a0dc9806c3c66f3efd8",
]
MD4_SUITE = [
    "31d6cfe0d16ae931b73c59d7e0c089c0",
    "bde52cb31de33e46245e05fbdbd6fb24",
    "a448017aaf21d8525fc10ae87aa6729d",
    "d9130a8164549fe818874806e1c7014b",
    "d79e1c308aa5bbcdeea8ed63df412da9",
    "043f8582f241db351ce627e153e7f0e4",
    "e33b4ddc9c38f2199c3e7b164fcc0536",
]


@pytest.mark.parametrize(
    ("message", "expected"), list(zip(RFC_MESSAGES, MD2_SUITE, strict=True))
)
def test_md2_rfc1319_suite(message: bytes, expected: str) -> None:
    assert digest(A.CALG_MD2, message).hex() == expected


@pytest.mark.parametrize(
    ("message", "expected"), list(zip(RFC_MESSAGES, MD4_SUITE, strict=True))
)
def test_md4_rfc1320_suite(message: bytes, expected: str) -> None:
    assert digest(A.CALG_MD4, message).hex() == expected


def test_md2_table_is_a_permutation() -> None:
    assert sorted(_MD2_S) == list(range(256))


# Wine dlls/rsaenh/tests/rsaenh.c test_hashes and test_sha2 (run on Windows):
# each hash of 2048 bytes b[i] = i & 0xFF.
WINDOWS_2048 = {
    A.CALG_MD2: "12cb1b08c848a4a9aaf3f19ffc292868",
    A.CALG_MD4: "8e2a58bff2f5262379d292361b23e381",
    A.CALG_MD5: "1576a94d6cb334dd126cb1c27f19e0f2",
    A.CALG_SHA1: "f10ccfde60c17db26e7d85d35665c7661dbbeb2c",
    A.CALG_SHA_256: "10fc3c51a152e90e5b90319b601d92ccf37290ef53c35ff92507687d8a911a08",
    A.CALG_SHA_384: (
        "98d33f890b23334461325a7ca30389b511d741c8546b120c"
        "4015b62a0343e5647f101eae47a939056f406094d6ad8055"
    ),
    A.CALG_SHA_512: (
        "37860e7d25d9f9843e3dc71395734204fd13ad233916325f993e3cee3f1136f9"
        "c9660870cc49d8e07da1576271a6c9a42460fcde9db2f1d2c2fb2dbfb7f481d4"
    ),
}


@pytest.mark.parametrize("alg", sorted(WINDOWS_2048), ids=lambda a: a.name)
def test_windows_known_answers_2048(alg: AlgId) -> None:
    data = bytes(i & 0xFF for i in range(2048))
    assert digest(alg, data).hex() == WINDOWS_2048[alg]


# Wine test_key_derivation expected_hash (run on Windows): row i hashes the
# 512 bytes b[j] = (j + i) & 0xFF. Rows 0-11 are MD2, 12-23 MD4.
KEY_DERIVATION_HASHES = {
    (A.CALG_MD2, 0): "babf93aebc7745aa7e4569e590e6047f",
    (A.CALG_MD2, 1): "da4a9f5d2e7a3a4bbfde475b068448a7",
    (A.CALG_MD2, 2): "38e52e95a4a37388f81f87b774b1a156",
    (A.CALG_MD2, 3): "7da4b110432676b10db6e69ca58bcbe6",
    (A.CALG_MD2, 4): "ff32f16962deeb538cffa69258a822ea",
    (A.CALG_MD2, 5): "8af2a3daa59a8b424ce02e00e51e98e4",
    (A.CALG_MD2, 6): "aefed6a53e4bacfa0e92c4c006c92bfd",
    (A.CALG_MD2, 7): "30f4bc3393f35819d12b734a92c7fcd7",
    (A.CALG_MD2, 8): "073b12e9969385d7ecf4b1ac892dc69a",
    (A.CALG_MD2, 9): "d237e249eb9923da3e88557e045e155d",
    (A.CALG_MD2, 10): "3e74edbf23ab0309bbd3e3abca12727f",
    (A.CALG_MD2, 11): "be9ae8f6ce79865c1b01964e5a8d0933",
    (A.CALG_MD4, 12): "e82f96c46cc191b4784056d8a025f571",
    (A.CALG_MD4, 13): "23bb6fe4b0f635b6892fecdc06a9df35",
    (A.CALG_MD4, 14): "e47248c66e382f00c92d0112b78b6409",
    (A.CALG_MD4, 15): "bf54da3a56720d9f307d2f5413b2d7c6",
    (A.CALG_MD4, 16): "9b746d2211160550a3756bb2388c2bc6",
    (A.CALG_MD4, 17): "51a8298de036c1d35e6a514fe165eef1",
    (A.CALG_MD4, 18): "a683134cb1aa0616e64e7f0b8d19f545",
    (A.CALG_MD4, 19): "0424c8649884e33a7b9c503ee7c48982",
    (A.CALG_MD4, 20): "f6ef81f8f2a3f611fea47dc1d2f77cdc",
    (A.CALG_MD4, 21): "ffe969ffc1db08d45bc8517138ef8a5b",
    (A.CALG_MD4, 22): "1201dd25ba8f1bcb7bad3fdfb2684f6a",
    (A.CALG_MD4, 23): "69089f76d79a936fc751a400cf5abb3d",
    (A.CALG_MD5, 24): "ea0147a07f96446b0d952c974b281c86",
    (A.CALG_SHA1, 36): "c191f65a8187ac6d487c78f7ec37e20cecf7c0b8",
}


@pytest.mark.parametrize(
    ("alg", "row"),
    sorted(KEY_DERIVATION_HASHES),
    ids=lambda v: str(getattr(v, "name", v)),
)
def test_windows_key_derivation_hashes(alg: AlgId, row: int) -> None:
    data = bytes((j + row) & 0xFF for j in range(512))
    assert digest(alg, data).hex() == KEY_DERIVATION_HASHES[(alg, row)]


@pytest.mark.parametrize("alg", sorted(HASH_ALGS), ids=lambda a: a.name)
def test_digest_sizes(alg: AlgId) -> None:
    assert len(digest(alg, b"x")) == digest_size(alg) == new_hash(alg).digest_size


@pytest.mark.parametrize(
    ("alg", "name"),
    [
        (A.CALG_MD5, "md5"),
        (A.CALG_SHA1, "sha1"),
        (A.CALG_SHA_256, "sha256"),
        (A.CALG_SHA_384, "sha384"),
        (A.CALG_SHA_512, "sha512"),
    ],
)
def test_dispatch_matches_hashlib(alg: AlgId, name: str) -> None:
    for data in (b"", b"abc", bytes(range(256)) * 3):
        assert digest(alg, data) == hashlib.new(name, data).digest()


@settings(max_examples=40)
@given(
    alg=st.sampled_from([A.CALG_MD2, A.CALG_MD4]),
    data=st.binary(max_size=200),
    cuts=st.lists(st.integers(min_value=0, max_value=200), max_size=4),
)
def test_incremental_equals_one_shot(alg: AlgId, data: bytes, cuts: list[int]) -> None:
    hasher = new_hash(alg)
    start = 0
    for cut in sorted(min(c, len(data)) for c in cuts):
        hasher.update(data[start:cut])
        start = cut
    hasher.update(data[start:])
    assert hasher.digest() == digest(alg, data)


@pytest.mark.parametrize("alg", [A.CALG_MD2, A.CALG_MD4])
def test_digest_is_non_destructive_and_copy_is_independent(alg: AlgId) -> None:
    hasher = new_hash(alg)
    hasher.update(b"abc")
    twin = hasher.copy()
    assert hasher.digest() == hasher.digest() == digest(alg, b"abc")
    twin.update(b"def")
    assert twin.digest() == digest(alg, b"abcdef")
    assert hasher.digest() == digest(alg, b"abc")


def test_accepts_bytes_like() -> None:
    assert digest(A.CALG_MD4, bytearray(b"abc")) == digest(
        A.CALG_MD4, memoryview(b"abc")
    )


@pytest.mark.parametrize("alg", [A.CALG_HMAC, A.CALG_MAC, A.CALG_RC4, 0x8FFF])
def test_unsupported_hash_is_rejected(alg: AlgId) -> None:
    with pytest.raises(InvalidParameterError) as info:
        digest_size(alg)
    assert info.value.rule == "DRV-1"
    assert "hash algorithm" in str(info.value)


def test_wrong_types() -> None:
    with pytest.raises(TypeError):
        digest(A.CALG_MD5, "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        new_hash("md5")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        new_hash(True)  # type: ignore[arg-type]
