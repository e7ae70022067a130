"""SIMPLEBLOB wrap/unwrap and PLAINTEXTKEYBLOB (SPEC §15.2, §15.3)."""

from __future__ import annotations

import dataclasses

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from hypothesis import given, settings
from hypothesis import strategies as st

import blobformat as bf
from blobformat.capi.sessionkey import SessionKey
from blobformat.capi.wrap import (
    load_session_key_blob,
    plaintext_key_blob,
    unwrap_session_key,
    wrap_session_key,
)
from tests import keyfactory as kf

AES = SessionKey(alg_id=bf.AlgId.CALG_AES_256, key=bytes(range(32)))


@pytest.mark.parametrize("oaep", [False, True])
@pytest.mark.parametrize("bits", [1024, 2048])
def test_wrap_unwrap_roundtrip(bits: int, oaep: bool) -> None:
    key = kf.rsa_key(bits)
    blob = wrap_session_key(AES, key.public_key(), oaep=oaep)
    model = bf.parse(blob)
    assert isinstance(model, bf.SimpleBlob)
    assert model.key_alg == bf.AlgId.CALG_AES_256
    assert model.wrap_alg == bf.AlgId.CALG_RSA_KEYX
    assert len(model.encrypted_key) == bits // 8
    assert unwrap_session_key(blob, key, oaep=oaep) == AES


def test_ciphertext_is_little_endian_pkcs1() -> None:
    key = kf.rsa_key()
    blob = wrap_session_key(AES, key.public_key())
    ciphertext = bf.parse(blob).encrypted_key[::-1]  # type: ignore[union-attr]
    # cryptography decrypts the reversed bytes: the blob holds PKCS#1 v1.5 type 2.
    assert key.decrypt(ciphertext, padding.PKCS1v15()) == AES.key


def test_unwrap_blob_made_by_cryptography_oaep() -> None:
    key = kf.rsa_key()
    oaep = padding.OAEP(
        mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None
    )
    ct = key.public_key().encrypt(AES.key, oaep)
    blob = bf.SimpleBlob(
        key_alg=bf.AlgId.CALG_AES_256,
        wrap_alg=bf.AlgId.CALG_RSA_KEYX,
        encrypted_key=ct[::-1],
    )
    assert unwrap_session_key(blob.to_bytes(), key, oaep=True) == AES


def test_wrap_raw_bytes_needs_alg() -> None:
    key = kf.rsa_key()
    with pytest.raises(bf.InvalidParameterError):
        wrap_session_key(bytes(16), key.public_key())
    blob = wrap_session_key(bytes(16), key.public_key(), alg_id=bf.AlgId.CALG_RC4)
    assert unwrap_session_key(blob, key).key == bytes(16)
    with pytest.raises(bf.InvalidParameterError):
        wrap_session_key(AES, key.public_key(), alg_id=bf.AlgId.CALG_RC4)


def test_forty_bit_keys_get_the_default_salt() -> None:
    key = kf.rsa_key()
    blob = wrap_session_key(bytes(5), key.public_key(), alg_id=bf.AlgId.CALG_RC4)
    assert unwrap_session_key(blob, key).salt == bytes(11)
    assert unwrap_session_key(blob, key, no_salt=True).salt == b""


def _bad_blobs(key: rsa.RSAPrivateKey) -> dict[str, bytes]:
    """SIMPLEBLOBs that must all fail with the same DecryptionError."""
    pub = key.public_key().public_numbers()
    size = key.key_size // 8
    good = bf.parse(wrap_session_key(AES, key.public_key()))
    assert isinstance(good, bf.SimpleBlob)

    def with_em(em: bytes) -> bytes:
        """A blob whose RSA plaintext is exactly ``em`` (big-endian)."""
        assert len(em) == size
        c = pow(int.from_bytes(em, "big"), pub.e, pub.n)
        return dataclasses.replace(
            good, encrypted_key=c.to_bytes(size, "big")[::-1]
        ).to_bytes()

    def body(ps_len: int, payload: bytes, head: bytes = b"\x00\x02") -> bytes:
        return head + b"\x11" * ps_len + b"\x00" + payload

    ps = size - 3 - len(AES.key)
    return {
        "valid-control": with_em(body(ps, AES.key)),
        "block-type-1": with_em(body(ps, AES.key, b"\x00\x01")),
        "leading-byte": with_em(body(ps, AES.key, b"\x01\x02")),
        "no-separator": with_em(b"\x00\x02" + b"\x11" * (size - 2)),
        "short-padding": with_em(body(7, b"\x22" * (size - 10))),
        "wrong-key-length": with_em(body(ps + 1, AES.key[:-1])),
        "ciphertext-above-n": dataclasses.replace(
            good, encrypted_key=(pub.n + 1).to_bytes(size, "big")[::-1]
        ).to_bytes(),
        "big-endian": dataclasses.replace(
            good, encrypted_key=good.encrypted_key[::-1]
        ).to_bytes(),
        "one-byte-long": dataclasses.replace(
            good, encrypted_key=good.encrypted_key + b"\x00"
        ).to_bytes(),
        "one-byte-short": dataclasses.replace(
            good, encrypted_key=good.encrypted_key[:-1]
        ).to_bytes(),
    }


def test_every_failure_is_the_same_decryption_error() -> None:
    key = kf.rsa_key()
    cases = _bad_blobs(key)
    assert unwrap_session_key(cases.pop("valid-control"), key) == AES
    seen = set()
    for name, blob in cases.items():
        with pytest.raises(bf.DecryptionError) as info:
            unwrap_session_key(blob, key)
        err = info.value
        seen.add(
            (
                type(err),
                str(err),
                err.offset,
                err.field,
                err.rule,
                err.hint,
                err.__cause__,
            )
        )
        assert err.__cause__ is None, name
    assert len(seen) == 1
    with pytest.raises(bf.DecryptionError) as oaep_err:
        unwrap_session_key(wrap_session_key(AES, key.public_key()), key, oaep=True)
    assert (type(oaep_err.value), str(oaep_err.value)) == next(iter(seen))[:2]


@settings(max_examples=60)
@given(st.binary(min_size=128, max_size=128), st.booleans())
def test_random_ciphertexts_only_raise_decryption_error(ct: bytes, oaep: bool) -> None:
    key = kf.rsa_key()
    blob = bf.SimpleBlob(
        key_alg=bf.AlgId.CALG_AES_128, wrap_alg=bf.AlgId.CALG_RSA_KEYX, encrypted_key=ct
    )
    try:
        got = unwrap_session_key(blob.to_bytes(), key, oaep=oaep)
    except bf.DecryptionError:
        return
    assert len(got.key) == 16  # astronomically unlikely, but valid if it happens


def test_wrong_private_key() -> None:
    blob = wrap_session_key(AES, kf.rsa_key().public_key())
    with pytest.raises(bf.DecryptionError):
        unwrap_session_key(blob, kf.rsa_key(2048))


def test_unwrap_structural_errors_are_parse_errors() -> None:
    with pytest.raises(bf.UnsupportedBlobError):
        unwrap_session_key(plaintext_key_blob(AES), kf.rsa_key())
    with pytest.raises(bf.TruncatedError):
        unwrap_session_key(b"\x01\x02", kf.rsa_key())


def test_wrap_key_too_long() -> None:
    small = kf.rsa_from_primes(
        kf.prime(192, 41), kf.prime(192, 42)
    )  # a 384-bit modulus
    with pytest.raises(bf.InvalidParameterError) as info:
        wrap_session_key(
            bytes(48), small.public_key(), alg_id=bf.AlgId.CALG_TLS1_MASTER
        )
    assert info.value.rule == "SES-1"
    assert bf.parse(wrap_session_key(AES, small.public_key())).encrypted_key  # type: ignore[union-attr]


def test_plaintext_key_blob_microsoft_example() -> None:
    # "Example C Program: Importing a Plaintext Key" (Microsoft Learn): a DES key with parity.
    data = bytes.fromhex("080200000166000008000000f10e257c6bce0d34")
    key = load_session_key_blob(data)
    assert key.alg_id == bf.AlgId.CALG_DES
    assert key.key == bytes.fromhex("f10e257c6bce0d34")
    assert plaintext_key_blob(key) == data


def test_plaintext_key_blob_keeps_non_parity_des() -> None:
    key = SessionKey(alg_id=bf.AlgId.CALG_DES, key=bytes(8))
    assert load_session_key_blob(plaintext_key_blob(key)).key == bytes(8)


def test_load_session_key_blob_wrong_kind() -> None:
    with pytest.raises(bf.UnsupportedBlobError):
        load_session_key_blob(wrap_session_key(AES, kf.rsa_key().public_key()))


def test_symmetric_wrap_3des_roundtrip() -> None:
    from blobformat.capi.wrap import unwrap_symmetric_key, wrap_symmetric_key

    kek = SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(1, 25)))
    for cek in (
        SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(40, 64))),
        SessionKey(alg_id=bf.AlgId.CALG_3DES_112, key=bytes(range(70, 86))),
    ):
        blob = wrap_symmetric_key(cek, kek)
        model = bf.parse(blob)
        assert isinstance(model, bf.SymmetricWrapKeyBlob)
        assert model.wrap_alg == bf.AlgId.CALG_3DES
        assert len(model.wrapped_key) == 40
        got = unwrap_symmetric_key(blob, kek)
        assert got.alg_id == cek.alg_id
        # RFC 3217 sets odd DES parity; DES ignores the parity bits.
        assert bytes(b & 0xFE for b in got.key) == bytes(b & 0xFE for b in cek.key)


def test_symmetric_wrap_rc2_roundtrip() -> None:
    from blobformat.capi.wrap import unwrap_symmetric_key, wrap_symmetric_key

    kek = SessionKey(alg_id=bf.AlgId.CALG_RC2, key=bytes(16))
    cek = SessionKey(alg_id=bf.AlgId.CALG_AES_128, key=bytes(range(16)))
    blob = wrap_symmetric_key(cek, kek)
    assert unwrap_symmetric_key(blob, kek) == cek


def test_symmetric_unwrap_failures() -> None:
    from blobformat.capi.wrap import unwrap_symmetric_key, wrap_symmetric_key

    kek = SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(1, 25)))
    blob = bytearray(
        wrap_symmetric_key(
            SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(24))), kek
        )
    )
    blob[-1] ^= 1
    with pytest.raises(bf.DecryptionError) as info:
        unwrap_symmetric_key(bytes(blob), kek)
    assert info.value.rule == "KWR-4"
    other = SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(2, 26)))
    with pytest.raises(bf.DecryptionError):
        unwrap_symmetric_key(
            wrap_symmetric_key(
                SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(24))), kek
            ),
            other,
        )
    with pytest.raises(bf.InvalidParameterError) as wrong:
        unwrap_symmetric_key(
            bytes(blob), SessionKey(alg_id=bf.AlgId.CALG_RC2, key=bytes(16))
        )
    assert wrong.value.rule == "SWK-1"
    with pytest.raises(bf.InvalidParameterError):
        wrap_symmetric_key(AES, SessionKey(alg_id=bf.AlgId.CALG_AES_128, key=bytes(16)))
    with pytest.raises(bf.InvalidParameterError) as fam:
        wrap_symmetric_key(AES, kek)
    assert fam.value.rule == "KWR-2"


def test_symmetric_unwrap_refuses_non_tdes_key_under_tdes_wrap() -> None:
    from blobformat.capi.wrap import unwrap_symmetric_key, wrap_symmetric_key

    kek = SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(1, 25)))
    blob = bf.parse(
        wrap_symmetric_key(
            SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(24))), kek
        )
    )
    assert isinstance(blob, bf.SymmetricWrapKeyBlob)
    relabelled = dataclasses.replace(blob, key_alg=bf.AlgId.CALG_AES_192).to_bytes()
    with pytest.raises(bf.InvalidParameterError) as info:
        unwrap_symmetric_key(relabelled, kek)
    assert info.value.rule == "KWR-2"
