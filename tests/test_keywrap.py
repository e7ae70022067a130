# SPDX-License-Identifier: Apache-2.0
"""RFC 3217 key wrap: the RFC's worked examples, round trips, and failures."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from blobformat.capi.keywrap import (
    KEY_WRAP_IV,
    cms_key_checksum,
    unwrap_3des,
    unwrap_rc2,
    wrap_3des,
    wrap_rc2,
)
from blobformat.capi.rc2 import RC2
from blobformat.errors import DecryptionError, InvalidParameterError

# RFC 3217 §3.3 (Triple-DES key wrap example).
TDES_KEK = bytes.fromhex("255e0d1c07b646dfb3134cc843ba8aa71f025b7c0838251f")
TDES_CEK = bytes.fromhex("2923bf85e06dd6ae529149f1f1bae9eab3a7da3d860d3e98")
TDES_IV = bytes.fromhex("5dd4cbfc96f5453b")
TDES_WRAPPED = bytes.fromhex(
    "690107618ef092b3b48ca1796b234ae9fa33ebb4159604037db5d6a84eb3aac2768c632775a467d4"
)

# RFC 3217 §4.3 (RC2 key wrap example; the KEK has 40 effective bits).
RC2_KEK = bytes.fromhex("fd04fd08060707fb0003fefffd02fe05")
RC2_CEK = bytes.fromhex("b70a25fbc9d86a86050ce0d711ead4d9")
RC2_IV = bytes.fromhex("c7d90059b29e97f7")
RC2_PAD = bytes.fromhex("4845cce7fd1250")
RC2_WRAPPED = bytes.fromhex(
    "70e699fb5701f7833330fb71e87c85a420bdc99af05d22af5a0e48d35f3138986cbaafb4b28d4f35"
)


def test_rfc3217_triple_des_example() -> None:
    assert wrap_3des(TDES_CEK, TDES_KEK, iv=TDES_IV) == TDES_WRAPPED
    assert unwrap_3des(TDES_WRAPPED, TDES_KEK) == TDES_CEK


def test_rfc3217_rc2_example() -> None:
    wrapped = wrap_rc2(RC2_CEK, RC2_KEK, effective_bits=40, iv=RC2_IV, pad=RC2_PAD)
    assert wrapped == RC2_WRAPPED
    assert unwrap_rc2(RC2_WRAPPED, RC2_KEK, effective_bits=40) == RC2_CEK


def test_checksum_and_fixed_iv() -> None:
    # RFC 3217 §2: the first 8 bytes of SHA-1; §3.1 step 8: the fixed IV.
    assert cms_key_checksum(b"abc").hex() == "a9993e364706816a"
    assert KEY_WRAP_IV.hex() == "4adda22c79e82105"


def test_random_iv_and_padding_by_default() -> None:
    assert wrap_3des(TDES_CEK, TDES_KEK) != wrap_3des(TDES_CEK, TDES_KEK)
    first = wrap_rc2(RC2_CEK, RC2_KEK)
    assert first != wrap_rc2(RC2_CEK, RC2_KEK)
    assert unwrap_rc2(first, RC2_KEK) == RC2_CEK


def _odd(key: bytes) -> bytes:
    return bytes((b & 0xFE) | (bin(b >> 1).count("1") + 1) % 2 for b in key)


@settings(max_examples=30)
@given(cek=st.binary(min_size=24, max_size=24), kek=st.binary(min_size=24, max_size=24))
def test_triple_des_round_trip_sets_odd_parity(cek: bytes, kek: bytes) -> None:
    unwrapped = unwrap_3des(wrap_3des(cek, kek), kek)
    assert unwrapped == _odd(cek)
    assert all(bin(b).count("1") % 2 == 1 for b in unwrapped)


def test_two_key_cek_is_wrapped_as_k1_k2_k1() -> None:
    cek = _odd(bytes(range(16)))
    wrapped = wrap_3des(cek, TDES_KEK)
    assert unwrap_3des(wrapped, TDES_KEK) == cek + cek[:8]
    assert unwrap_3des(wrapped, TDES_KEK, cek_length=16) == cek
    # A three-key result cannot be returned as two keys.
    with pytest.raises(DecryptionError):
        unwrap_3des(TDES_WRAPPED, TDES_KEK, cek_length=16)


def test_two_key_kek() -> None:
    kek = TDES_KEK[:16]
    cek = _odd(bytes(range(16)))
    assert unwrap_3des(wrap_3des(cek, kek), kek, cek_length=16) == cek
    # RFC 3217 §3: a two-key KEK MUST NOT wrap three distinct DES keys.
    with pytest.raises(InvalidParameterError) as info:
        wrap_3des(TDES_CEK, kek)
    assert info.value.rule == "KWR-3"


@settings(max_examples=30)
@given(
    cek=st.binary(min_size=1, max_size=40),
    kek=st.binary(min_size=5, max_size=16),
    bits=st.sampled_from([40, 64, 128]),
)
def test_rc2_round_trip(cek: bytes, kek: bytes, bits: int) -> None:
    wrapped = wrap_rc2(cek, kek, effective_bits=bits)
    assert len(wrapped) % 8 == 0
    assert len(wrapped) == 16 + len(cek) + 1 + (-(len(cek) + 1) % 8)
    assert unwrap_rc2(wrapped, kek, effective_bits=bits) == cek


def test_rc2_effective_bits_matter() -> None:
    with pytest.raises(DecryptionError):
        unwrap_rc2(RC2_WRAPPED, RC2_KEK)  # 128 effective bits, not 40


# -- unwrap failures: one error, one message ----------------------------------


def _flip(data: bytes, index: int) -> bytes:
    return data[:index] + bytes([data[index] ^ 0x01]) + data[index + 1 :]


def _rc2_reencrypted(payload_edit: bytes) -> bytes:
    """Wrap a hand-made LCEKPAD ‖ ICV with the RFC example's KEK and IV."""
    rc2 = RC2(RC2_KEK, 40)

    def cbc(iv: bytes, data: bytes) -> bytes:
        out, chain = b"", iv
        for i in range(0, len(data), 8):
            chain = rc2.encrypt_block(
                bytes(a ^ b for a, b in zip(data[i : i + 8], chain, strict=True))
            )
            out += chain
        return out

    temp1 = cbc(RC2_IV, payload_edit + cms_key_checksum(payload_edit))
    return cbc(KEY_WRAP_IV, (RC2_IV + temp1)[::-1])


TDES_FAILURES = {
    "short": TDES_WRAPPED[:-8],
    "long": TDES_WRAPPED + bytes(8),
    "flipped-first": _flip(TDES_WRAPPED, 0),
    "flipped-last": _flip(TDES_WRAPPED, 39),
    "empty": b"",
}


@pytest.mark.parametrize("wrapped", TDES_FAILURES.values(), ids=TDES_FAILURES.keys())
def test_triple_des_unwrap_failures_look_alike(wrapped: bytes) -> None:
    with pytest.raises(DecryptionError) as info:
        unwrap_3des(wrapped, TDES_KEK)
    assert (str(info.value), info.value.rule) == (
        "key unwrap failed [SPEC KWR-4]",
        "KWR-4",
    )
    assert info.value.offset is None and info.value.field is None


def test_triple_des_bad_parity_is_an_unwrap_failure(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A wrapper that skipped step 1 (odd parity) produces a valid checksum
    # over even-parity bytes; step 8 of the unwrap rejects it.
    from blobformat.capi import keywrap as _keywrap

    with monkeypatch.context() as patch:
        patch.setattr(_keywrap, "_odd_parity", lambda key: key)
        wrapped = wrap_3des(bytes(b ^ 1 for b in TDES_CEK), TDES_KEK, iv=TDES_IV)
    with pytest.raises(DecryptionError) as info:
        unwrap_3des(wrapped, TDES_KEK)
    assert info.value.rule == "KWR-4"


RC2_FAILURES = {
    "not-a-block-multiple": RC2_WRAPPED[:-1],
    "too-short": RC2_WRAPPED[:16],
    "flipped": _flip(RC2_WRAPPED, 20),
    "length-octet-zero": _rc2_reencrypted(bytes(8)),
    "length-octet-too-big": _rc2_reencrypted(bytes([8]) + bytes(7)),
    "eight-pad-bytes": _rc2_reencrypted(bytes([1, 0xAA]) + bytes(14)),
}


@pytest.mark.parametrize("wrapped", RC2_FAILURES.values(), ids=RC2_FAILURES.keys())
def test_rc2_unwrap_failures_look_alike(wrapped: bytes) -> None:
    with pytest.raises(DecryptionError) as info:
        unwrap_rc2(wrapped, RC2_KEK, effective_bits=40)
    assert (str(info.value), info.value.rule) == (
        "key unwrap failed [SPEC KWR-4]",
        "KWR-4",
    )


def test_hand_made_payload_control() -> None:
    # The helper above is right: a well-formed LCEKPAD unwraps.
    good = _rc2_reencrypted(bytes([3, 1, 2, 3]) + bytes(4))
    assert unwrap_rc2(good, RC2_KEK, effective_bits=40) == bytes([1, 2, 3])


# -- parameter errors ---------------------------------------------------------


@pytest.mark.parametrize("length", [8, 15, 32])
def test_triple_des_kek_length(length: int) -> None:
    with pytest.raises(InvalidParameterError) as info:
        wrap_3des(TDES_CEK, bytes(length))
    assert info.value.rule == "KWR-1"
    with pytest.raises(InvalidParameterError):
        unwrap_3des(TDES_WRAPPED, bytes(length))


@pytest.mark.parametrize("length", [0, 129])
def test_rc2_kek_length(length: int) -> None:
    with pytest.raises(InvalidParameterError) as info:
        wrap_rc2(RC2_CEK, bytes(length))
    assert info.value.rule == "KWR-1"
    with pytest.raises(InvalidParameterError):
        unwrap_rc2(RC2_WRAPPED, bytes(length))


def test_cek_lengths() -> None:
    for bad in (bytes(8), bytes(17), bytes(32)):
        with pytest.raises(InvalidParameterError) as info:
            wrap_3des(bad, TDES_KEK)
        assert info.value.rule == "KWR-2"
    for bad in (b"", bytes(256)):
        with pytest.raises(InvalidParameterError) as info:
            wrap_rc2(bad, RC2_KEK)
        assert info.value.rule == "KWR-2"
    with pytest.raises(InvalidParameterError) as info:
        unwrap_3des(TDES_WRAPPED, TDES_KEK, cek_length=8)
    assert info.value.rule == "KWR-2"
    with pytest.raises(TypeError):
        unwrap_3des(TDES_WRAPPED, TDES_KEK, cek_length="24")  # type: ignore[arg-type]


def test_iv_and_pad_lengths() -> None:
    with pytest.raises(InvalidParameterError) as info:
        wrap_3des(TDES_CEK, TDES_KEK, iv=bytes(7))
    assert info.value.rule == "KWR-5"
    with pytest.raises(InvalidParameterError) as info:
        wrap_rc2(RC2_CEK, RC2_KEK, pad=bytes(6))
    assert info.value.rule == "KWR-5"
    with pytest.raises(InvalidParameterError) as info:
        wrap_rc2(RC2_CEK, RC2_KEK, effective_bits=0)
    assert info.value.rule == "SYM-5"


def test_types() -> None:
    with pytest.raises(TypeError):
        wrap_3des("cek", TDES_KEK)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        unwrap_rc2(RC2_WRAPPED, "kek")  # type: ignore[arg-type]
    assert unwrap_3des(bytearray(TDES_WRAPPED), memoryview(TDES_KEK)) == TDES_CEK
