# SPDX-License-Identifier: Apache-2.0
"""RC2 (RFC 2268): test vectors, round trips, and the cryptography cross-check."""

from __future__ import annotations

import pytest
from cryptography.hazmat.decrepit.ciphers import algorithms as decrepit
from cryptography.hazmat.primitives.ciphers import Cipher, modes
from hypothesis import given, settings
from hypothesis import strategies as st

from blobformat.capi.rc2 import _PITABLE, RC2
from blobformat.errors import InvalidParameterError

# RFC 2268 §5: key, effective key bits T1, plaintext, ciphertext.
RFC2268_VECTORS = [
    ("0000000000000000", 63, "0000000000000000", "ebb773f993278eff"),
    ("ffffffffffffffff", 64, "ffffffffffffffff", "278b27e42e2f0d49"),
    ("3000000000000000", 64, "1000000000000001", "30649edf9be7d2c2"),
    ("88", 64, "0000000000000000", "61a8a244adacccf0"),
    ("88bca90e90875a", 64, "0000000000000000", "6ccf4308974c267f"),
    ("88bca90e90875a7f0f79c384627bafb2", 64, "0000000000000000", "1a807d272bbe5db1"),
    ("88bca90e90875a7f0f79c384627bafb2", 128, "0000000000000000", "2269552ab0f85ca6"),
    (
        "88bca90e90875a7f0f79c384627bafb216f80a6f85920584c42fceb0be255daf1e",
        129,
        "0000000000000000",
        "5b78d3a43dfff1f1",
    ),
]


@pytest.mark.parametrize(("key", "bits", "plain", "cipher"), RFC2268_VECTORS)
def test_rfc2268_vectors(key: str, bits: int, plain: str, cipher: str) -> None:
    rc2 = RC2(bytes.fromhex(key), bits)
    assert rc2.encrypt_block(bytes.fromhex(plain)).hex() == cipher
    assert rc2.decrypt_block(bytes.fromhex(cipher)).hex() == plain


def test_pitable_is_a_permutation() -> None:
    assert sorted(_PITABLE) == list(range(256))


def _openssl_rc2_block(key: bytes, block: bytes) -> bytes:
    # cryptography offers RC2 in CBC mode only; one block under a zero IV is
    # the raw block encryption.
    encryptor = Cipher(decrepit.RC2(key), modes.CBC(bytes(8))).encryptor()
    return encryptor.update(block) + encryptor.finalize()


@settings(max_examples=60)
@given(key=st.binary(min_size=16, max_size=16), block=st.binary(min_size=8, max_size=8))
def test_cryptography_rc2_is_128_effective_bits(key: bytes, block: bytes) -> None:
    # Recorded finding: cryptography's RC2 (OpenSSL, 16-byte keys only) equals
    # RFC 2268 with T1 = 128. _ciphers uses it for exactly that case.
    assert _openssl_rc2_block(key, block) == RC2(key, 128).encrypt_block(block)


def test_cryptography_rc2_is_not_1024_effective_bits() -> None:
    # With T1 = 1024 the key schedule differs, so OpenSSL's RC2 cannot stand
    # in for KP_EFFECTIVE_KEYLEN = 1024.
    key = bytes.fromhex("88bca90e90875a7f0f79c384627bafb2")
    block = bytes(8)
    assert _openssl_rc2_block(key, block) == bytes.fromhex("2269552ab0f85ca6")
    assert RC2(key, 1024).encrypt_block(block) != _openssl_rc2_block(key, block)


@settings(max_examples=50)
@given(
    key=st.binary(min_size=1, max_size=128),
    bits=st.integers(min_value=1, max_value=1024),
    block=st.binary(min_size=8, max_size=8),
)
def test_round_trip(key: bytes, bits: int, block: bytes) -> None:
    rc2 = RC2(key, bits)
    assert rc2.decrypt_block(rc2.encrypt_block(block)) == block


def test_effective_bits_change_the_cipher() -> None:
    key = bytes(range(16))
    outputs = {RC2(key, bits).encrypt_block(bytes(8)) for bits in (40, 64, 128, 1024)}
    assert len(outputs) == 4


@pytest.mark.parametrize("length", [0, 129])
def test_key_length_bounds(length: int) -> None:
    with pytest.raises(InvalidParameterError) as info:
        RC2(bytes(length), 64)
    assert info.value.rule == "SYM-2"


@pytest.mark.parametrize("bits", [0, 1025, -8])
def test_effective_bits_bounds(bits: int) -> None:
    with pytest.raises(InvalidParameterError) as info:
        RC2(bytes(8), bits)
    assert info.value.rule == "SYM-5"


def test_accepts_bytes_like_and_rejects_other_types() -> None:
    assert RC2(bytearray(8), 64).encrypt_block(bytes(8)) == RC2(
        memoryview(bytes(8)), 64
    ).encrypt_block(bytes(8))
    with pytest.raises(TypeError):
        RC2("key", 64)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        RC2(bytes(8), 64.0)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        RC2(bytes(8), True)


def test_repr_shows_no_key_material() -> None:
    key = bytes.fromhex("deadbeefcafebabe")
    text = repr(RC2(key, 64))
    assert "deadbeef" not in text
    assert text == "<RC2 key schedule>"
