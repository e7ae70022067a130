"""sign_hash and verify_signature: CryptSignHash's signatures (SPEC §15.9).

RSA signatures are checked against OpenSSL (``openssl pkeyutl -sign``, whose
big-endian output reversed must equal ours) for every hash, with and without
the DigestInfo; the Wine CryptSignHash signatures are checked through the
vectors (tests/test_vectors.py, signature_test.json).
"""

from __future__ import annotations

import hashlib
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric import utils as asym_utils
from hypothesis import given
from hypothesis import strategies as st

import blobformat as bf
from blobformat.capi import sign as sign_module
from blobformat.capi.hashes import digest
from blobformat.constants import AlgId
from tests import keyfactory, keyfiles

MESSAGE = b"blobformat: a message signed the CryptoAPI way\n"

DIGEST_INFO = {
    AlgId.CALG_MD2: "3020300c06082a864886f70d020205000410",
    AlgId.CALG_MD4: "3020300c06082a864886f70d020405000410",
    AlgId.CALG_MD5: "3020300c06082a864886f70d020505000410",
    AlgId.CALG_SHA1: "3021300906052b0e03021a05000414",
    AlgId.CALG_SHA_256: "3031300d060960864801650304020105000420",
    AlgId.CALG_SHA_384: "3041300d060960864801650304020205000430",
    AlgId.CALG_SHA_512: "3051300d060960864801650304020305000440",
}
RSA_HASHES = [*DIGEST_INFO, AlgId.CALG_SSL3_SHAMD5]
OPENSSL_DIGESTS = {
    AlgId.CALG_MD5: "md5",
    AlgId.CALG_SHA1: "sha1",
    AlgId.CALG_SHA_256: "sha256",
    AlgId.CALG_SHA_384: "sha384",
    AlgId.CALG_SHA_512: "sha512",
}


def pem_key(name: str) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keyfiles.vector_key(name)


def rsa_pem(name: str) -> rsa.RSAPrivateKey:
    key = pem_key(name)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


def hash_value(alg: AlgId, data: bytes) -> bytes:
    if alg == AlgId.CALG_SSL3_SHAMD5:
        return hashlib.md5(data).digest() + hashlib.sha1(data).digest()
    return digest(alg, data)


def payload(alg: AlgId, data: bytes, no_oid: bool) -> bytes:
    value = hash_value(alg, data)
    if no_oid or alg == AlgId.CALG_SSL3_SHAMD5:
        return value
    return bytes.fromhex(DIGEST_INFO[alg]) + value


def textbook_encoded(key: rsa.RSAPublicKey, t: bytes) -> int:
    k = (key.key_size + 7) // 8
    return int.from_bytes(b"\x00\x01" + b"\xff" * (k - 3 - len(t)) + b"\x00" + t, "big")


# -- RSA: the encoding, OpenSSL, the fallback -----------------------------------------


@pytest.mark.parametrize("alg", RSA_HASHES, ids=lambda a: a.name)
@pytest.mark.parametrize("no_oid", [False, True], ids=["oid", "no-oid"])
def test_rsa_signature_is_the_reversed_pkcs1_signature_of_the_payload(
    alg: AlgId, no_oid: bool
) -> None:
    key = rsa_pem("rsa-2048")
    signature = bf.sign_hash(key, MESSAGE, hash_alg=alg, no_hash_oid=no_oid)
    numbers = key.public_key().public_numbers()
    assert len(signature) == 256
    # Independent of the implementation: s^e mod n is the encoded message.
    s = int.from_bytes(signature, "little")
    assert pow(s, numbers.e, numbers.n) == textbook_encoded(
        key.public_key(), payload(alg, MESSAGE, no_oid)
    )
    bf.verify_signature(
        key.public_key(), MESSAGE, signature, hash_alg=alg, no_hash_oid=no_oid
    )
    # prehashed=True with the hash value gives the same signature (HP_HASHVAL).
    assert (
        bf.sign_hash(
            key,
            hash_value(alg, MESSAGE),
            hash_alg=alg,
            no_hash_oid=no_oid,
            prehashed=True,
        )
        == signature
    )


@pytest.mark.interop
@pytest.mark.parametrize("alg", RSA_HASHES, ids=lambda a: a.name)
@pytest.mark.parametrize("no_oid", [False, True], ids=["oid", "no-oid"])
def test_rsa_signature_equals_openssl_pkeyutl_reversed(
    alg: AlgId, no_oid: bool, openssl: Callable[..., bytes], tmp_path: Path
) -> None:
    key_path = keyfiles.pem_path("rsa-2048")
    ours = bf.sign_hash(rsa_pem("rsa-2048"), MESSAGE, hash_alg=alg, no_hash_oid=no_oid)
    # Raw mode: OpenSSL pads the payload we give it (DigestInfo built by hand).
    t = payload(alg, MESSAGE, no_oid)
    (tmp_path / "t.bin").write_bytes(t)
    # pkeyutl refuses raw input longer than 64 bytes; rsautl (deprecated) pads anything.
    tool = "pkeyutl" if len(t) <= 64 else "rsautl"
    raw = openssl(
        tool, "-sign", "-inkey", str(key_path), "-in", str(tmp_path / "t.bin")
    )
    assert raw[::-1] == ours
    if not no_oid and alg in OPENSSL_DIGESTS:
        # Digest mode: OpenSSL writes the DigestInfo itself.
        (tmp_path / "h.bin").write_bytes(hash_value(alg, MESSAGE))
        out = openssl(
            "pkeyutl",
            "-sign",
            "-inkey",
            str(key_path),
            "-in",
            str(tmp_path / "h.bin"),
            "-pkeyopt",
            f"digest:{OPENSSL_DIGESTS[alg]}",
        )
        assert out[::-1] == ours
        # And OpenSSL verifies ours, reversed.
        (tmp_path / "sig.bin").write_bytes(ours[::-1])
        pub = tmp_path / "pub.pem"
        pub.write_bytes(openssl("pkey", "-in", str(key_path), "-pubout"))
        assert b"Success" in openssl(
            "pkeyutl",
            "-verify",
            "-pubin",
            "-inkey",
            str(pub),
            "-in",
            str(tmp_path / "h.bin"),
            "-sigfile",
            str(tmp_path / "sig.bin"),
            "-pkeyopt",
            f"digest:{OPENSSL_DIGESTS[alg]}",
        )


@pytest.mark.parametrize(
    "alg", [AlgId.CALG_MD2, AlgId.CALG_SHA_256, AlgId.CALG_SSL3_SHAMD5]
)
@pytest.mark.parametrize("name", ["rsa-2048", "rsa-1000", "rsa-1024-e3"])
def test_raw_fallback_for_old_cryptography_gives_the_same_bytes(
    alg: AlgId, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    key = rsa_pem(name)
    expected = bf.sign_hash(key, MESSAGE, hash_alg=alg, no_hash_oid=True)
    monkeypatch.setattr(sign_module, "_no_digest_info", lambda: None)
    assert bf.sign_hash(key, MESSAGE, hash_alg=alg, no_hash_oid=True) == expected
    bf.verify_signature(key, MESSAGE, expected, hash_alg=alg, no_hash_oid=True)


def test_raw_fallback_refuses_an_inconsistent_key(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = rsa_pem("rsa-1000")
    numbers = key.private_numbers()

    class Broken:
        key_size = key.key_size

        def private_numbers(self) -> rsa.RSAPrivateNumbers:
            return rsa.RSAPrivateNumbers(
                numbers.p,
                numbers.q,
                numbers.d,
                numbers.dmp1 ^ 2,
                numbers.dmq1,
                numbers.iqmp,
                numbers.public_numbers,
            )

    with pytest.raises(bf.InvalidParameterError):
        sign_module._rsa_sign_raw(Broken(), b"payload")  # type: ignore[arg-type]


@given(st.binary(max_size=300), st.sampled_from(RSA_HASHES), st.booleans())
def test_sign_then_verify_round_trips(data: bytes, alg: AlgId, no_oid: bool) -> None:
    key = rsa_pem("rsa-1024-e3")
    signature = bf.sign_hash(key, data, hash_alg=alg, no_hash_oid=no_oid)
    bf.verify_signature(
        key.public_key(), data, signature, hash_alg=alg, no_hash_oid=no_oid
    )


def test_envelope_suite_1_is_sign_hash_with_sha256() -> None:
    key = rsa_pem("rsa-2048")
    tbs = b"any bytes"
    assert (
        bf.sign_hash(key, tbs)
        == key.sign(tbs, padding.PKCS1v15(), hashes.SHA256())[::-1]
    )


# -- verification failures: one error, one message ------------------------------------


def _failures(
    key: rsa.RSAPrivateKey,
) -> list[tuple[str, bytes, dict[str, object], bytes]]:
    good = bf.sign_hash(key, MESSAGE, hash_alg=AlgId.CALG_SHA1)
    n = key.public_key().public_numbers().n
    k = len(good)
    flipped = bytes([good[0] ^ 1]) + good[1:]
    no_oid = bf.sign_hash(key, MESSAGE, hash_alg=AlgId.CALG_SHA1, no_hash_oid=True)
    return [
        ("bit flipped", MESSAGE, {}, flipped),
        ("other data", MESSAGE + b"!", {}, good),
        ("big-endian", MESSAGE, {}, good[::-1]),
        ("one byte short", MESSAGE, {}, good[:-1]),
        ("one byte long", MESSAGE, {}, good + b"\x00"),
        ("empty", MESSAGE, {}, b""),
        ("value n", MESSAGE, {}, n.to_bytes(k, "little")),
        ("all ones", MESSAGE, {}, b"\xff" * k),
        ("other hash", MESSAGE, {"hash_alg": AlgId.CALG_MD5}, good),
        ("oid expected", MESSAGE, {}, no_oid),
        ("no oid expected", MESSAGE, {"no_hash_oid": True}, good),
    ]


@pytest.mark.parametrize("case", range(11))
def test_every_verification_failure_is_the_same_error(case: int) -> None:
    key = rsa_pem("rsa-1024-e3")
    name, data, options, signature = _failures(key)[case]
    kwargs: dict[str, object] = {"hash_alg": AlgId.CALG_SHA1, **options}
    with pytest.raises(bf.BadSignatureError) as caught:
        bf.verify_signature(key.public_key(), data, signature, **kwargs)  # type: ignore[arg-type]
    err = caught.value
    assert isinstance(err, bf.SignatureError)
    assert (err.rule, err.field, err.offset, err.message) == (
        "SIG-5",
        "signature",
        None,
        "the signature does not verify with this key, hash and data",
    ), name
    assert err.__cause__ is None and err.__context__ is None


# -- argument checks --------------------------------------------------------------


def test_unsupported_hashes_are_refused() -> None:
    key = rsa_pem("rsa-1024-e3")
    for alg in (AlgId.CALG_RC4, AlgId.CALG_HMAC, 0x800B, 0x1234):
        with pytest.raises(bf.InvalidParameterError) as caught:
            bf.sign_hash(key, MESSAGE, hash_alg=alg)  # type: ignore[arg-type]
        assert caught.value.rule == "SIG-1"
    with pytest.raises(TypeError):
        bf.sign_hash(key, MESSAGE, hash_alg="CALG_SHA1")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bf.sign_hash(key, "text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bf.sign_hash(key, MESSAGE, no_hash_oid=1)  # type: ignore[arg-type]
    # CALG_SHA is CALG_SHA1.
    assert bf.sign_hash(key, MESSAGE, hash_alg=AlgId.CALG_SHA) == bf.sign_hash(
        key, MESSAGE, hash_alg=AlgId.CALG_SHA1
    )


@pytest.mark.parametrize("alg", RSA_HASHES, ids=lambda a: a.name)
def test_prehashed_value_must_have_the_digest_length(alg: AlgId) -> None:
    key = rsa_pem("rsa-1024-e3")
    size = len(hash_value(alg, b""))
    for wrong in (size - 1, size + 1, 0):
        with pytest.raises(bf.InvalidParameterError) as caught:
            bf.sign_hash(key, bytes(wrong), hash_alg=alg, prehashed=True)
        assert caught.value.rule == "SIG-2"
        with pytest.raises(bf.InvalidParameterError):
            bf.verify_signature(
                key, bytes(wrong), bytes(128), hash_alg=alg, prehashed=True
            )


def test_key_too_small_for_the_payload() -> None:
    key = rsa_pem("rsa-520")  # 65 bytes: SHA-384 with DigestInfo needs 19 + 48 + 11
    for alg, no_oid in (
        (AlgId.CALG_SHA_384, False),
        (AlgId.CALG_SHA_512, False),
        (AlgId.CALG_SHA_512, True),
    ):
        with pytest.raises(bf.InvalidParameterError) as caught:
            bf.sign_hash(key, MESSAGE, hash_alg=alg, no_hash_oid=no_oid)
        assert caught.value.rule == "SIG-3"
    # 48 + 11 fits in 65 bytes without the DigestInfo.
    signature = bf.sign_hash(
        key, MESSAGE, hash_alg=AlgId.CALG_SHA_384, no_hash_oid=True
    )
    bf.verify_signature(
        key, MESSAGE, signature, hash_alg=AlgId.CALG_SHA_384, no_hash_oid=True
    )


# -- keys as blobs -------------------------------------------------------------------


def test_keys_may_be_blobs_and_unencrypted_pvk_files() -> None:
    key = rsa_pem("rsa-1024-e3")
    expected = bf.sign_hash(key, MESSAGE)
    private_blob = bf.dump_private_key(key)
    assert bf.sign_hash(private_blob, MESSAGE) == expected
    assert bf.sign_hash(bytearray(private_blob), MESSAGE) == expected
    assert bf.sign_hash(bf.parse(private_blob), MESSAGE) == expected
    assert bf.sign_hash(bf.dump_pvk(key), MESSAGE) == expected
    public_blob = bf.dump_public_key(key.public_key())
    for form in (
        public_blob,
        bf.parse(public_blob),
        private_blob,
        key,
        key.public_key(),
    ):
        bf.verify_signature(form, MESSAGE, expected)
    with pytest.raises(bf.PasswordError):
        bf.sign_hash(bf.dump_pvk(key, b"pw"), MESSAGE)
    with pytest.raises(bf.InvalidParameterError) as caught:
        bf.sign_hash(public_blob, MESSAGE)  # a public blob cannot sign
    assert caught.value.rule == "SIG-4"
    with pytest.raises(TypeError):
        bf.sign_hash(key.public_key(), MESSAGE)
    with pytest.raises(TypeError):
        bf.verify_signature("key", MESSAGE, expected)
    with pytest.raises(bf.TruncatedError):
        bf.sign_hash(private_blob[:40], MESSAGE)


def test_dh_and_session_key_blobs_are_refused() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dh_blob = bf.dump_private_key(keyfactory.dh_key(False), version=2)
    with pytest.raises(bf.InvalidParameterError) as caught:
        bf.sign_hash(dh_blob, MESSAGE)
    assert caught.value.rule == "SIG-4"
    plaintext = bf.PlaintextKeyBlob(
        key_alg=AlgId.CALG_AES_128, key=bytes(16)
    ).to_bytes()
    with pytest.raises(bf.InvalidParameterError) as caught:
        bf.verify_signature(plaintext, MESSAGE, bytes(40))
    assert caught.value.rule == "SIG-4"


# -- DSS -------------------------------------------------------------------------------


def test_dss_signature_is_little_endian_r_and_s() -> None:
    key = pem_key("dsa-1024")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        signature = bf.sign_hash(key, MESSAGE, hash_alg=AlgId.CALG_SHA1)
        public = key.public_key()  # type: ignore[attr-defined]
        assert len(signature) == 40
        r = int.from_bytes(signature[:20], "little")
        s = int.from_bytes(signature[20:], "little")
        public.verify(asym_utils.encode_dss_signature(r, s), MESSAGE, hashes.SHA1())
        bf.verify_signature(public, MESSAGE, signature, hash_alg=AlgId.CALG_SHA1)
        # Randomised: a second signature differs and verifies too.
        other = bf.sign_hash(key, MESSAGE, hash_alg=AlgId.CALG_SHA1)
        assert other != signature
        bf.verify_signature(public, MESSAGE, other, hash_alg=AlgId.CALG_SHA1)
        # The big-endian form (CNG's, .NET's) is refused.
        big = r.to_bytes(20, "big") + s.to_bytes(20, "big")
        with pytest.raises(bf.BadSignatureError):
            bf.verify_signature(public, MESSAGE, big, hash_alg=AlgId.CALG_SHA1)
        q = public.parameters().parameter_numbers().q
        for bad in (
            bytes(40),
            q.to_bytes(20, "little") + signature[20:],
            signature[:39],
            signature + b"\0",
        ):
            with pytest.raises(bf.BadSignatureError):
                bf.verify_signature(public, MESSAGE, bad, hash_alg=AlgId.CALG_SHA1)


def test_dss_rules() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key = pem_key("dsa-1024")
        blob = bf.dump_private_key(key)
        big_q = bf.dump_private_key(pem_key("dsa-2048"), version=3)
    with pytest.raises(bf.InvalidParameterError) as caught:
        bf.sign_hash(blob, MESSAGE)  # the default hash is SHA-256
    assert caught.value.rule == "SIG-1"
    with pytest.raises(bf.InvalidParameterError) as caught:
        bf.sign_hash(blob, MESSAGE, hash_alg=AlgId.CALG_SHA1, no_hash_oid=True)
    assert caught.value.rule == "SIG-4"
    with pytest.raises(bf.InvalidParameterError) as caught:
        bf.sign_hash(big_q, MESSAGE, hash_alg=AlgId.CALG_SHA1)
    assert caught.value.rule == "SIG-4"
    signature = bf.sign_hash(
        blob,
        hash_value(AlgId.CALG_SHA1, MESSAGE),
        hash_alg=AlgId.CALG_SHA1,
        prehashed=True,
    )
    bf.verify_signature(
        bf.dump_public_key(key.public_key()),
        MESSAGE,
        signature,
        hash_alg=AlgId.CALG_SHA1,
    )  # type: ignore[attr-defined]


def test_dsa_key_objects_warn_at_the_caller_and_blobs_do_not() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key = pem_key("dsa-1024")
        blob = bf.dump_private_key(key)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        signature = bf.sign_hash(blob, MESSAGE, hash_alg=AlgId.CALG_SHA1)
        bf.verify_signature(blob, MESSAGE, signature, hash_alg=AlgId.CALG_SHA1)
    assert [w for w in caught if issubclass(w.category, bf.LegacyKeyWarning)] == []
    from blobformat.keys import legacy

    if legacy.family("dsa").deprecated:
        with pytest.warns(bf.LegacyKeyWarning) as record:
            bf.sign_hash(key, MESSAGE, hash_alg=AlgId.CALG_SHA1)
        assert record[0].filename == __file__
