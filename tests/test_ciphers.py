# SPDX-License-Identifier: Apache-2.0
"""CryptEncrypt/CryptDecrypt semantics: modes, padding, chaining, cross-checks.

Windows known-answer vectors that start from CryptDeriveKey live in
``test_derive.py``; this file checks the cipher layer on its own and against
``cryptography`` and the ``openssl`` command-line tool.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Sequence

import pytest
from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4, TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from blobformat.capi.ciphers import MODES, CryptContext, _PyRC4, block_size
from blobformat.capi.rc2 import RC2
from blobformat.capi.sessionkey import SessionKey
from blobformat.constants import AlgId
from blobformat.errors import InvalidParameterError, PaddingError

A = AlgId

KEY_SIZES = {
    A.CALG_DES: [8],
    A.CALG_3DES_112: [16],
    A.CALG_3DES: [24],
    A.CALG_AES_128: [16],
    A.CALG_AES_192: [24],
    A.CALG_AES_256: [32],
    A.CALG_RC2: list(range(5, 17)),
    A.CALG_RC4: list(range(5, 17)),
}
BLOCK_ALGS = [alg for alg in KEY_SIZES if alg != A.CALG_RC4]


@st.composite
def session_keys(draw: st.DrawFn, algs: Sequence[AlgId] | None = None) -> SessionKey:
    alg = draw(st.sampled_from(algs or list(KEY_SIZES)))
    size = draw(st.sampled_from(KEY_SIZES[alg]))
    key = draw(st.binary(min_size=size, max_size=size))
    salt = b""
    effective: int | None = None
    if alg in (A.CALG_RC2, A.CALG_RC4):
        salt = draw(st.sampled_from([b"", bytes(11), draw(st.binary(max_size=24))]))
    if alg == A.CALG_RC2:
        effective = draw(st.one_of(st.none(), st.integers(min_value=1, max_value=1024)))
    return SessionKey(alg_id=alg, key=key, salt=salt, effective_bits=effective)


# -- round trips and padding --------------------------------------------------


@settings(max_examples=80)
@given(key=session_keys(), mode=st.sampled_from(MODES), data=st.binary(max_size=70))
def test_round_trip(key: SessionKey, mode: str, data: bytes) -> None:
    # An empty RC4 message cannot be decrypted with Final set (CIP-5).
    assume(data or key.alg_id != A.CALG_RC4)
    iv = bytes(range(block_size(key.alg_id))) if key.alg_id != A.CALG_RC4 else None
    ciphertext = key.encrypt(data, mode=mode, iv=iv)
    assert key.decrypt(ciphertext, mode=mode, iv=iv) == data


@settings(max_examples=40)
@given(key=session_keys(BLOCK_ALGS), data=st.binary(max_size=50))
def test_padding_is_always_one_to_blocklen_bytes(key: SessionKey, data: bytes) -> None:
    block = block_size(key.alg_id)
    ciphertext = key.encrypt(data, mode="ecb")
    pad = block - len(data) % block
    assert len(ciphertext) == len(data) + pad
    raw = key.decrypt(ciphertext, mode="ecb", final=False)
    assert raw == data + bytes([pad]) * pad


AES_KEY = SessionKey(alg_id=A.CALG_AES_128, key=bytes(range(16)))
DES_KEY = SessionKey(alg_id=A.CALG_DES, key=bytes.fromhex("0123456789abcdef"))


@pytest.mark.parametrize("key", [AES_KEY, DES_KEY], ids=["aes", "des"])
@pytest.mark.parametrize(
    "tail",
    [
        b"\x00",  # zero is not a padding length
        b"\x11",  # longer than the block (17 > 16 and > 8)
        b"\x01\x02",  # last byte says 2, the byte before it disagrees
        b"\x03\x03\x04\x03",  # one inner padding byte differs
    ],
)
def test_bad_padding_is_rejected(key: SessionKey, tail: bytes) -> None:
    block = block_size(key.alg_id)
    plaintext = bytes(2 * block - len(tail)) + tail
    ciphertext = key.encrypt(plaintext, mode="cbc", final=False)
    with pytest.raises(PaddingError) as info:
        key.decrypt(ciphertext)
    assert info.value.rule == "CIP-6"
    assert "padding" in str(info.value)


@pytest.mark.parametrize("key", [AES_KEY, DES_KEY], ids=["aes", "des"])
def test_full_block_of_padding_is_accepted(key: SessionKey) -> None:
    block = block_size(key.alg_id)
    ciphertext = key.encrypt(bytes([block]) * block, final=False)
    assert key.decrypt(ciphertext) == b""


# -- chaining between calls ---------------------------------------------------


@settings(max_examples=40)
@given(
    key=session_keys(BLOCK_ALGS),
    mode=st.sampled_from(MODES),
    blocks=st.integers(min_value=0, max_value=3),
    tail=st.binary(max_size=40),
)
def test_continuing_with_the_last_block_as_iv(
    key: SessionKey, mode: str, blocks: int, tail: bytes
) -> None:
    block = block_size(key.alg_id)
    head = bytes(range(blocks * block))
    first = key.encrypt(head, mode=mode, final=False)
    iv = first[-block:] if first else None
    second = key.encrypt(tail, mode=mode, iv=iv)
    assert first + second == key.encrypt(head + tail, mode=mode)


@pytest.mark.parametrize("alg", [A.CALG_AES_256, A.CALG_RC2, A.CALG_RC4], ids=str)
@pytest.mark.parametrize("mode", MODES)
def test_context_carries_state_and_resets_after_final(alg: AlgId, mode: str) -> None:
    key = bytes(range(32))[: {A.CALG_AES_256: 32}.get(alg, 16)]
    data = bytes(range(48))
    one_shot = CryptContext(alg, key, mode=mode, decrypt=False).update(data, final=True)
    context = CryptContext(alg, key, mode=mode, decrypt=False)
    pieces = context.update(data[:16], final=False) + context.update(
        data[16:], final=True
    )
    assert pieces == one_shot
    # After a final call the key is back in its initial state.
    assert context.update(data, final=True) == one_shot


def test_failed_final_decrypt_resets_the_state() -> None:
    # Wine test_des/test_3des "bad data" loops, run on Windows: a failed final
    # CryptDecrypt restores the key's initial state.
    ciphertext = DES_KEY.encrypt(b"abcdefghij")
    context = CryptContext(A.CALG_DES, DES_KEY.key, decrypt=True)
    context.update(ciphertext, final=False)
    bad = ciphertext[:-1] + bytes([ciphertext[-1] ^ 0xFF])
    with pytest.raises(PaddingError):
        context.update(bad, final=True)
    assert context.update(ciphertext, final=True) == b"abcdefghij"


def test_rc4_has_no_padding_and_ignores_mode() -> None:
    key = SessionKey(alg_id=A.CALG_RC4, key=bytes(range(7)))
    data = b"stream cipher data"
    out = key.encrypt(data)
    assert len(out) == len(data)
    assert key.encrypt(data, mode="ecb") == key.encrypt(data, final=False) == out
    assert key.decrypt(out, mode="cfb") == data
    assert key.decrypt(b"", final=False) == b""


# -- algorithm details --------------------------------------------------------


def test_des_parity_bits_are_ignored() -> None:
    key = bytes.fromhex("0123456789abcdef")
    flipped = bytes(b ^ 1 for b in key)
    data = b"parity does not matter"
    assert SessionKey(alg_id=A.CALG_DES, key=key).encrypt(data) == SessionKey(
        alg_id=A.CALG_DES, key=flipped
    ).encrypt(data)


def test_two_key_3des_runs_as_k1_k2_k1() -> None:
    key = bytes(range(1, 17))
    data = b"two-key triple DES"
    assert SessionKey(alg_id=A.CALG_3DES_112, key=key).encrypt(data) == SessionKey(
        alg_id=A.CALG_3DES, key=key + key[:8]
    ).encrypt(data)


@settings(max_examples=30)
@given(
    key=st.binary(min_size=16, max_size=16),
    data=st.binary(max_size=40).map(lambda b: b[: len(b) - len(b) % 8]),
)
def test_rc2_fast_cbc_equals_the_pure_cipher(key: bytes, data: bytes) -> None:
    # 16 key bytes and 128 effective bits take cryptography's RC2 in CBC
    # mode; chaining the pure-Python cipher by hand must agree.
    fast = SessionKey(alg_id=A.CALG_RC2, key=key).encrypt(data, final=False)
    rc2, chain, expected = RC2(key, 128), bytes(8), b""
    for offset in range(0, len(data), 8):
        mixed = bytes(
            a ^ b for a, b in zip(data[offset : offset + 8], chain, strict=True)
        )
        chain = rc2.encrypt_block(mixed)
        expected += chain
    assert fast == expected


@settings(max_examples=40)
@given(
    key=st.sampled_from([5, 7, 8, 10, 16]).flatmap(
        lambda n: st.binary(min_size=n, max_size=n)
    ),
    data=st.binary(max_size=300),
)
def test_pure_rc4_matches_cryptography(key: bytes, data: bytes) -> None:
    reference = Cipher(ARC4(key), mode=None).encryptor().update(data)
    assert _PyRC4(key).update(data) == reference


def test_rc4_with_a_length_openssl_refuses() -> None:
    # 6, 9, 11..15-byte keys fall back to the pure RC4; key ‖ salt of 16 does not.
    key = SessionKey(alg_id=A.CALG_RC4, key=bytes(range(6)))
    assert key.decrypt(key.encrypt(b"x" * 20)) == b"x" * 20
    assert key.encrypt(b"abc") == _PyRC4(bytes(range(6))).update(b"abc")


@pytest.mark.parametrize(
    ("alg", "key", "reference"),
    [
        (A.CALG_AES_128, bytes(range(16)), lambda k: algorithms.AES(k)),
        (A.CALG_3DES, bytes(range(24)), lambda k: TripleDES(k)),
    ],
    ids=["aes", "3des"],
)
def test_cfb_is_cfb8(
    alg: AlgId, key: bytes, reference: Callable[[bytes], object]
) -> None:
    # cryptography 47 moved CFB8 to hazmat.decrepit; earlier releases have it in
    # primitives.ciphers.modes. Both places are tested, per installed version.
    try:
        from cryptography.hazmat.decrepit.ciphers.modes import CFB8
    except ImportError:
        from cryptography.hazmat.primitives.ciphers.modes import CFB8  # type: ignore[attr-defined,no-redef]
    block = block_size(alg)
    iv = bytes(range(100, 100 + block))
    data = bytes(range(3 * block))
    expected = Cipher(reference(key), CFB8(iv)).encryptor().update(data)  # type: ignore[arg-type]
    assert (
        SessionKey(alg_id=alg, key=key).encrypt(data, mode="cfb", iv=iv, final=False)
        == expected
    )


# -- argument errors ----------------------------------------------------------


def test_wrap_only_keys_cannot_encrypt() -> None:
    master = SessionKey(alg_id=A.CALG_TLS1_MASTER, key=bytes(48))
    with pytest.raises(InvalidParameterError) as info:
        master.encrypt(b"data")
    assert info.value.rule == "CIP-1"


@pytest.mark.parametrize("mode", ["ofb", "CBC", ""])
def test_unknown_mode(mode: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        AES_KEY.encrypt(b"x", mode=mode)
    assert info.value.rule == "CIP-2"


def test_mode_must_be_a_str() -> None:
    with pytest.raises(TypeError):
        AES_KEY.encrypt(b"x", mode=1)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("key", "iv"),
    [
        (AES_KEY, bytes(8)),
        (DES_KEY, bytes(16)),
        (SessionKey(alg_id=A.CALG_RC4, key=bytes(16)), bytes(8)),
        (AES_KEY, b""),
    ],
)
def test_iv_length(key: SessionKey, iv: bytes) -> None:
    with pytest.raises(InvalidParameterError) as info:
        key.encrypt(b"x", iv=iv)
    assert info.value.rule == "CIP-3"


def test_non_final_block_cipher_calls_need_whole_blocks() -> None:
    with pytest.raises(InvalidParameterError) as info:
        AES_KEY.encrypt(b"fifteen bytes!!", final=False)
    assert info.value.rule == "CIP-4"
    with pytest.raises(InvalidParameterError) as info:
        DES_KEY.decrypt(bytes(12))
    assert info.value.rule == "CIP-4"


@pytest.mark.parametrize("key", [AES_KEY, SessionKey(alg_id=A.CALG_RC4, key=bytes(5))])
def test_final_decrypt_needs_data(key: SessionKey) -> None:
    with pytest.raises(InvalidParameterError) as info:
        key.decrypt(b"")
    assert info.value.rule == "CIP-5"


def test_context_validates_keys_itself() -> None:
    with pytest.raises(InvalidParameterError) as info:
        CryptContext(A.CALG_AES_128, bytes(15), decrypt=False)
    assert info.value.rule == "SYM-2"
    context = CryptContext(A.CALG_AES_128, bytes(16), decrypt=False)
    with pytest.raises(TypeError):
        context.update("text", final=True)  # type: ignore[arg-type]
    assert "AES" in repr(CryptContext(A.CALG_AES_128, bytes(16), decrypt=True))


# -- openssl command-line cross-checks ----------------------------------------


@pytest.fixture(scope="module")
def openssl_legacy(openssl: Callable[..., bytes]) -> Callable[..., bytes]:
    """Run ``openssl enc`` with the legacy provider; skip if it is missing."""
    try:
        openssl(
            "enc",
            "-rc4-40",
            "-K",
            "0102030405",
            "-provider",
            "legacy",
            "-provider",
            "default",
            stdin=b"x",
        )
    except (RuntimeError, subprocess.SubprocessError):
        pytest.skip("OpenSSL legacy provider (RC2, RC4, DES) not available")

    def run(cipher: str, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
        args = ["enc", f"-{cipher}", "-K", key.hex()]
        if iv is not None:
            args += ["-iv", iv.hex()]
        args += ["-provider", "legacy", "-provider", "default"]
        return openssl(*args, stdin=data)

    return run


DATA = b"CryptoAPI and OpenSSL agree on this text."


@pytest.mark.interop
@pytest.mark.parametrize(
    ("cipher", "key_bytes"), [("rc2-40-cbc", 5), ("rc2-64-cbc", 8), ("rc2-cbc", 16)]
)
def test_rc2_cbc_matches_openssl(
    openssl_legacy: Callable[..., bytes], cipher: str, key_bytes: int
) -> None:
    # Without salt (CRYPT_NO_SALT) the default effective length equals the key
    # length, which is what OpenSSL's rc2-40/64/128 ciphers use.
    key = bytes(range(0x40, 0x40 + key_bytes))
    session = SessionKey(alg_id=A.CALG_RC2, key=key)
    assert session.encrypt(DATA) == openssl_legacy(cipher, key, DATA, iv=bytes(8))


@pytest.mark.interop
def test_rc4_40_with_and_without_salt_matches_openssl(
    openssl_legacy: Callable[..., bytes],
) -> None:
    key = bytes.fromhex("7340e6e274")
    no_salt = SessionKey(alg_id=A.CALG_RC4, key=key)
    assert no_salt.encrypt(DATA) == openssl_legacy("rc4-40", key, DATA)
    # The default 40-bit salt is 11 zero bytes appended to the key schedule.
    salted = SessionKey(alg_id=A.CALG_RC4, key=key, salt=bytes(11))
    assert salted.encrypt(DATA) == openssl_legacy("rc4", key + bytes(11), DATA)


@pytest.mark.interop
@pytest.mark.parametrize(
    ("alg", "cipher", "key_bytes", "mode"),
    [
        (A.CALG_DES, "des-cbc", 8, "cbc"),
        (A.CALG_DES, "des-ecb", 8, "ecb"),
        (A.CALG_3DES, "des-ede3-cbc", 24, "cbc"),
        (A.CALG_AES_192, "aes-192-cbc", 24, "cbc"),
        (A.CALG_AES_256, "aes-256-ecb", 32, "ecb"),
    ],
)
def test_block_ciphers_match_openssl(
    openssl_legacy: Callable[..., bytes],
    alg: AlgId,
    cipher: str,
    key_bytes: int,
    mode: str,
) -> None:
    key = bytes(range(0x20, 0x20 + key_bytes))
    iv = None if mode == "ecb" else bytes(block_size(alg))
    expected = openssl_legacy(cipher, key, DATA, iv=iv)
    assert SessionKey(alg_id=alg, key=key).encrypt(DATA, mode=mode) == expected


@pytest.mark.interop
@pytest.mark.parametrize(
    ("alg", "cipher", "key_bytes"),
    [(A.CALG_AES_128, "aes-128-cfb8", 16), (A.CALG_3DES, "des-ede3-cfb8", 24)],
)
def test_cfb_matches_openssl_cfb8(
    openssl_legacy: Callable[..., bytes], alg: AlgId, cipher: str, key_bytes: int
) -> None:
    # OpenSSL's CFB-8 adds no padding, so compare a non-final call.
    key = bytes(range(key_bytes))
    iv = bytes(range(0x80, 0x80 + block_size(alg)))
    data = DATA[:32]
    expected = openssl_legacy(cipher, key, data, iv=iv)
    assert (
        SessionKey(alg_id=alg, key=key).encrypt(data, mode="cfb", iv=iv, final=False)
        == expected
    )
