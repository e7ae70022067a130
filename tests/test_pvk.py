"""PVK files: plain and RC4-encrypted, weak and strong (SPEC §12)."""

from __future__ import annotations

import struct

import pytest
from cryptography.hazmat.primitives.asymmetric import dsa, rsa

import blobformat as bf
from tests import keyfactory as kf


@pytest.mark.parametrize("strength", ["strong", "weak"])
@pytest.mark.parametrize("password", [None, b"secret", b"", "unicode-\u00e9".encode()])
def test_roundtrip_rsa(password: bytes | None, strength: str) -> None:
    key = kf.rsa_key()
    data = bf.dump_pvk(key, password, strength=strength)
    pvk = bf.parse(data)
    assert isinstance(pvk, bf.PVKFile)
    assert pvk.encrypted == (password is not None)
    assert pvk.key_type == bf.PVKKeyType.AT_KEYEXCHANGE
    if password is not None:
        assert len(pvk.salt) == 16
        assert pvk.blob is None
        assert pvk.key_data[:8] == bf.dump_private_key(key)[:8]
    loaded = bf.load_pvk(data, password)
    assert isinstance(loaded, rsa.RSAPrivateKey)
    assert loaded.private_numbers() == key.private_numbers()


def test_roundtrip_dsa() -> None:
    key = kf.dsa_key()
    data = bf.dump_pvk(key, b"pw")
    assert bf.parse(data).key_type == bf.PVKKeyType.AT_SIGNATURE  # type: ignore[union-attr]
    loaded = bf.load_pvk(data, b"pw")
    assert isinstance(loaded, dsa.DSAPrivateKey)
    assert loaded.private_numbers() == key.private_numbers()


def test_plain_is_deterministic_and_canonical() -> None:
    key = kf.rsa_key()
    data = bf.dump_pvk(key)
    assert data == bf.dump_pvk(key)
    assert data[:24] == struct.pack("<6I", 0xB0B5F11E, 0, 1, 0, 0, len(data) - 24)
    assert data[24:] == bf.dump_private_key(key)
    assert bf.parse(data).to_bytes() == data


def test_wrong_or_missing_password() -> None:
    data = bf.dump_pvk(kf.rsa_key(), b"right")
    with pytest.raises(bf.PasswordError) as info:
        bf.load_pvk(data, b"wrong")
    assert info.value.rule == "PVK-9"
    wrong_text = str(info.value)
    with pytest.raises(bf.PasswordError):
        bf.load_pvk(data)
    # The message is fixed: it does not depend on the password tried.
    with pytest.raises(bf.PasswordError) as again:
        bf.load_pvk(data, b"another")
    assert str(again.value) == wrong_text
    with pytest.raises(TypeError):
        bf.load_pvk(data, "right")  # type: ignore[arg-type]


def test_corrupt_body_with_right_password_is_a_parse_error() -> None:
    key = kf.rsa_key()
    data = bytearray(bf.dump_pvk(key, b"pw"))
    # Flip a bit in the encrypted bitlen field (inner offset 12): RC4 is a stream
    # cipher, so the plaintext bitlen changes the same way and the magic survives.
    data[24 + 16 + 13] ^= 0x80
    with pytest.raises(bf.ParseError) as info:
        bf.load_pvk(bytes(data), b"pw")
    assert not isinstance(info.value, bf.PasswordError)
    assert info.value.field == "key.bit_length"
    assert info.value.offset == 24 + 16 + 12


def test_inconsistent_numbers_after_decryption() -> None:
    key = kf.rsa_key()
    data = bytearray(bf.dump_pvk(key, b"pw"))
    data[-1] ^= 0x01  # last byte of d
    with pytest.raises(bf.KeyConversionError):
        bf.load_pvk(bytes(data), b"pw")


def test_not_a_pvk() -> None:
    with pytest.raises(bf.UnsupportedBlobError):
        bf.load_pvk(bf.dump_private_key(kf.rsa_key()))
    with pytest.raises(bf.TruncatedError):
        bf.load_pvk(b"\x1e\xf1\xb5\xb0\x00")


def test_dump_errors() -> None:
    with pytest.raises(bf.InvalidParameterError):
        bf.dump_pvk(kf.rsa_key(), b"pw", strength="medium")
    with pytest.raises(bf.InvalidParameterError) as info:
        bf.dump_pvk(kf.dh_key(False))  # type: ignore[arg-type]
    assert info.value.rule == "PVK-8"


def test_weak_key_is_forty_bits() -> None:
    """A weak file decrypts with SHA-1(salt || pw)[:5] + 11 zero bytes."""
    import hashlib

    from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
    from cryptography.hazmat.primitives.ciphers import Cipher

    key = kf.rsa_key()
    pvk = bf.parse(bf.dump_pvk(key, b"pw", strength="weak"))
    assert isinstance(pvk, bf.PVKFile)
    rc4 = hashlib.sha1(pvk.salt + b"pw").digest()[:5] + bytes(11)
    plain = Cipher(ARC4(rc4), mode=None).decryptor().update(pvk.key_data[8:])
    assert pvk.key_data[:8] + plain == bf.dump_private_key(key)
