"""CNG blobs to and from keys, convert_blob, the AES key wrap, cross-checked with OpenSSL (SPEC §20)."""

from __future__ import annotations

import re
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

import blobformat as bf
from blobformat.codec import cng
from tests import keyfiles
from tests.cngblobs import be, rsa_blob, u32


def pem_key(name: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keyfiles.vector_key(name)


def _err(call: Any, *args: Any, **kwargs: Any) -> bf.BlobError:
    with pytest.raises(bf.BlobError) as info:
        call(*args, **kwargs)
    return info.value


@pytest.mark.parametrize(
    "name", ["rsa-2048", "rsa-1032", "rsa-2048-e3", "rsa-2048-unbalanced"]
)
def test_rsa_dump_load_roundtrip(name: str) -> None:
    key = pem_key(name)
    nums = key.private_numbers()
    full = bf.dump_private_key(key, format="cng")
    assert full[:4] == b"RSA3"
    assert full == rsa_blob(nums, b"RSA3") or name == "rsa-2048-unbalanced"
    again = bf.load_private_key(full)
    assert again.private_numbers() == nums
    assert bf.dump_private_key(again, format="cng") == full
    short = bf.dump_private_key(key, format="cng", full=False)
    assert short[:4] == b"RSA2"
    loaded = bf.load_private_key(short)
    assert (loaded.private_numbers().p, loaded.private_numbers().q) == (nums.p, nums.q)
    signature = loaded.sign(b"msg", padding.PKCS1v15(), hashes.SHA256())
    key.public_key().verify(signature, b"msg", padding.PKCS1v15(), hashes.SHA256())
    public = bf.dump_public_key(key.public_key(), format="cng")
    assert public == rsa_blob(nums, b"RSA1")
    assert bf.load_public_key(public).public_numbers() == nums.public_numbers


def test_rsa_relations_are_checked() -> None:
    nums = pem_key("rsa-1032").private_numbers()
    good = bf.parse(rsa_blob(nums, b"RSA3"))
    assert isinstance(good, bf.CngRSAFullPrivateBlob)
    bad_dp = bf.CngRSAFullPrivateBlob(
        bit_length=good.bit_length,
        public_exponent=good.public_exponent,
        modulus=good.modulus,
        prime1=good.prime1,
        prime2=good.prime2,
        exponent1=good.exponent1 ^ 2,
        exponent2=good.exponent2,
        coefficient=good.coefficient,
        private_exponent=good.private_exponent,
    )
    err = _err(bf.load_private_key, bad_dp)
    assert isinstance(err, bf.KeyConversionError) and err.rule == "KEY-2"
    bad_q = bf.CngRSAPrivateBlob(
        bit_length=good.bit_length,
        public_exponent=good.public_exponent,
        modulus=good.modulus,
        prime1=good.prime1,
        prime2=good.prime2 + 2,
    )
    err = _err(bf.load_private_key, bad_q)
    assert (
        err.rule == "KEY-2"
        and isinstance(err, bf.KeyConversionError)
        and err.relation == "n == p*q"
    )


def test_rsa3_accepts_d_mod_phi_and_mod_lambda() -> None:
    nums = pem_key("rsa-1024-e3").private_numbers()
    p, q, e = nums.p, nums.q, nums.public_numbers.e
    d_phi = pow(e, -1, (p - 1) * (q - 1))
    d_lambda = rsa.rsa_recover_private_exponent(e, p, q)
    assert d_phi != d_lambda
    for d in (d_phi, d_lambda):
        blob = bf.CngRSAFullPrivateBlob(
            bit_length=1024,
            public_exponent=e,
            modulus=p * q,
            prime1=p,
            prime2=q,
            exponent1=d % (p - 1),
            exponent2=d % (q - 1),
            coefficient=nums.iqmp,
            private_exponent=d,
        )
        key = bf.load_private_key(blob.to_bytes())
        assert key.private_numbers().d == d
        # The key's own d is written back: both forms round-trip byte for byte.
        assert bf.dump_private_key(key, format="cng") == blob.to_bytes()


CURVES = [
    ("P-256", ec.SECP256R1()),
    ("P-384", ec.SECP384R1()),
    ("P-521", ec.SECP521R1()),
]


@pytest.mark.parametrize(("name", "curve"), CURVES)
@pytest.mark.parametrize("ecdh", [False, True])
def test_ec_dump_load(name: str, curve: ec.EllipticCurve, ecdh: bool) -> None:
    key = ec.generate_private_key(curve)
    data = bf.dump_private_key(key, format="cng", ecdh=ecdh)
    blob = bf.parse(data)
    assert isinstance(blob, bf.CngECCPrivateBlob) and (blob.curve, blob.ecdh) == (
        name,
        ecdh,
    )
    assert data[:3] == (b"ECK" if ecdh else b"ECS")
    again = bf.load_private_key(data)
    assert again.private_numbers() == key.private_numbers()
    pub = bf.dump_public_key(key.public_key(), format="cng", ecdh=ecdh)
    assert bf.load_public_key(pub).public_numbers() == key.public_key().public_numbers()
    assert pub == blob.public_blob().to_bytes()


def test_ec_relations_and_curves() -> None:
    key = ec.generate_private_key(ec.SECP256R1())
    blob = bf.parse(bf.dump_private_key(key, format="cng"))
    assert isinstance(blob, bf.CngECCPrivateBlob)
    off_curve = bf.CngECCPublicBlob(ecdh=False, curve="P-256", x=blob.x, y=blob.y ^ 1)
    err = _err(bf.load_public_key, off_curve)
    assert isinstance(err, bf.KeyConversionError) and err.rule == "CKEY-1"
    other = ec.generate_private_key(ec.SECP256R1()).private_numbers().private_value
    mismatched = bf.CngECCPrivateBlob(
        ecdh=False, curve="P-256", x=blob.x, y=blob.y, d=other
    )
    err = _err(bf.load_private_key, mismatched)
    assert (
        err.rule == "CKEY-1"
        and isinstance(err, bf.KeyConversionError)
        and err.relation == "Q == d*G"
    )
    generic = bf.CngECCPrivateBlob(
        ecdh=True, curve=None, cb_key=32, x=blob.x, y=blob.y, d=blob.d
    )
    assert generic.to_bytes()[:4] == b"ECKV"
    assert _err(bf.load_private_key, generic).rule == "CKEY-2"
    assert (
        bf.load_private_key(generic, curve="P-256").private_numbers()
        == key.private_numbers()
    )
    assert (
        bf.load_private_key(generic, curve=ec.SECP256R1()).private_numbers()
        == key.private_numbers()
    )
    assert _err(bf.load_private_key, generic, curve="P-384").rule == "CKEY-2"
    assert _err(bf.load_private_key, blob, curve="P-384").rule == "CKEY-2"
    assert _err(bf.load_private_key, blob, curve="P-999").rule == "CKEY-2"
    # A curve without a named magic is written with the generic magics.
    k1 = ec.generate_private_key(ec.SECP256K1())
    data = bf.dump_private_key(k1, format="cng")
    assert data[:4] == b"ECDV"
    assert (
        bf.load_private_key(data, curve=ec.SECP256K1()).private_numbers()
        == k1.private_numbers()
    )
    assert _err(bf.dump_private_key, key).rule == "KEY-7"  # CryptoAPI has no EC blob


def test_dump_parameters() -> None:
    key = pem_key("rsa-1032")
    assert (
        _err(bf.dump_private_key, key, format="cng", alg_id=bf.AlgId.CALG_RSA_SIGN).rule
        == "KEY-7"
    )
    assert _err(bf.dump_private_key, key, format="pem").rule == "KEY-7"  # type: ignore[arg-type]


def test_dsa_and_dh_keys() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dsa_key = pem_key("dsa-1024")
        data = bf.dump_private_key(dsa_key, format="cng")
        assert data[:4] == b"DSPV"
        assert bf.load_private_key(data).private_numbers() == dsa_key.private_numbers()
        v2 = bf.dump_private_key(pem_key("dsa-2048"), format="cng")
        assert v2[:4] == b"DPV2"
        assert (
            bf.load_private_key(v2).private_numbers()
            == pem_key("dsa-2048").private_numbers()
        )
        pub = bf.dump_public_key(dsa_key.public_key(), format="cng")
        assert (
            bf.load_public_key(pub).public_numbers()
            == dsa_key.public_key().public_numbers()
        )
        dh_key = pem_key("dh-512")
        dh_data = bf.dump_private_key(dh_key, format="cng")
        assert dh_data[:4] == b"DHPV"
        assert (
            bf.load_private_key(dh_data).private_numbers() == dh_key.private_numbers()
        )
        dh_pub = bf.dump_public_key(dh_key.public_key(), format="cng")
        assert (
            bf.load_public_key(dh_pub).public_numbers()
            == dh_key.public_key().public_numbers()
        )
    blob = bf.parse(data)
    assert isinstance(blob, bf.CngDSAPrivateBlob)
    wrong_y = bf.CngDSAPrivateBlob(
        version=1,
        counter=blob.counter,
        seed=blob.seed,
        q=blob.q,
        p=blob.p,
        g=blob.g,
        y=pow(blob.g, 2, blob.p),
        x=blob.x,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        err = _err(bf.load_private_key, wrong_y)
    assert err.rule == "KEY-4"


# -- convert_blob -----------------------------------------------------------------------


@pytest.mark.parametrize("name", ["rsa-2048", "rsa-1032", "rsa-520"])
def test_convert_rsa_both_ways(name: str) -> None:
    key = pem_key(name)
    capi_private = bf.dump_private_key(key, alg_id=bf.AlgId.CALG_RSA_SIGN)
    cng_full = bf.convert_blob(capi_private, to="cng")
    assert cng_full == bf.dump_private_key(key, format="cng")
    assert (
        bf.convert_blob(cng_full, to="capi", alg_id=bf.AlgId.CALG_RSA_SIGN)
        == capi_private
    )
    capi_public = bf.dump_public_key(key.public_key())
    cng_public = bf.convert_blob(capi_public, to="cng")
    assert cng_public == bf.dump_public_key(key.public_key(), format="cng")
    assert bf.convert_blob(cng_public, to="capi") == capi_public
    # A CNG RSA2 gets its d and CRT values computed (mod lambda, as OpenSSL's keys have them).
    short = bf.dump_private_key(key, format="cng", full=False)
    assert (
        bf.parse(bf.convert_blob(short, to="capi")).modulus
        == key.private_numbers().public_numbers.n
    )
    assert bf.convert_blob(capi_private, to="capi") == capi_private


def test_convert_refusals() -> None:
    unbalanced = bf.dump_private_key(pem_key("rsa-2048-unbalanced"), format="cng")
    err = _err(bf.convert_blob, unbalanced, to="capi")
    assert isinstance(err, bf.KeyConversionError) and err.rule == "CKEY-3"
    ec_blob = bf.dump_private_key(ec.generate_private_key(ec.SECP256R1()), format="cng")
    assert _err(bf.convert_blob, ec_blob, to="capi").rule == "CKEY-3"
    small = bf.RSAPublicKeyBlob(
        key_alg=bf.AlgId.CALG_RSA_KEYX,
        bit_length=384,
        public_exponent=65537,
        modulus=(1 << 383) + 1,
    )
    assert _err(bf.convert_blob, small.to_bytes(), to="cng").rule == "CKEY-3"
    assert (
        _err(bf.convert_blob, b"KDBM" + u32(1) + u32(1) + b"k", to="capi").rule
        == "CKEY-3"
    )
    assert _err(bf.convert_blob, unbalanced, to="pem").rule == "CKEY-3"  # type: ignore[arg-type]


def test_convert_dss_and_dh() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dsa_key = pem_key("dsa-1024")
        dh_key = pem_key("dh-512")
        capi_dss2 = bf.dump_private_key(dsa_key)
        capi_dss1 = bf.dump_public_key(dsa_key.public_key())
        capi_dss4 = bf.dump_private_key(pem_key("dsa-2048"))
        capi_dh4 = bf.dump_private_key(dh_key, version=3)
        capi_dh2 = bf.dump_private_key(dh_key)
        capi_dh1 = bf.dump_public_key(dh_key.public_key())
        cng_dsa = bf.dump_private_key(dsa_key, format="cng")
        cng_dh = bf.dump_private_key(dh_key, format="cng")
    assert bf.convert_blob(capi_dss2, to="cng") == cng_dsa
    assert bf.convert_blob(cng_dsa, to="capi") == capi_dss2
    assert bf.convert_blob(bf.convert_blob(capi_dss1, to="cng"), to="capi") == capi_dss1
    v2 = bf.convert_blob(capi_dss4, to="cng")
    assert v2[:4] == b"DPV2"
    assert bf.convert_blob(v2, to="capi") == capi_dss4
    assert bf.convert_blob(capi_dh4, to="cng") == cng_dh
    assert bf.convert_blob(capi_dh2, to="cng") == cng_dh
    assert bf.convert_blob(cng_dh, to="capi") == capi_dh4
    assert _err(bf.convert_blob, capi_dh1, to="cng").rule == "CKEY-3"


# -- AES key wrap ----------------------------------------------------------------------


def test_aes_key_wrap_rfc3394_vector() -> None:
    # RFC 3394 §4.1: 128-bit key data under a 128-bit KEK.
    kek = bytes.fromhex("000102030405060708090A0B0C0D0E0F")
    key = bytes.fromhex("00112233445566778899AABBCCDDEEFF")
    wrapped = bytes.fromhex("1FA68B0A8112B447AEF34BD8FB5A7B829D3E862371D2CFE5")
    assert bf.cng_wrap_key(kek, key) == wrapped
    assert bf.cng_wrap_key(kek, bf.CngKeyDataBlob(key=key)) == wrapped
    assert bf.cng_unwrap_key(kek, wrapped) == key
    for bad in (wrapped[:-1], bytes(24), wrapped[:8]):
        err = _err(bf.cng_unwrap_key, kek, bad)
        assert (
            isinstance(err, bf.DecryptionError)
            and str(err) == "AES key unwrap failed [SPEC CKD-3]"
        )
    assert _err(bf.cng_wrap_key, kek[:15], key).rule == "CKD-3"
    assert _err(bf.cng_wrap_key, kek, key[:12]).rule == "CKD-3"


# -- OpenSSL cross-checks ------------------------------------------------------------------

OPENSSL = shutil.which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="openssl CLI not installed")


def _openssl_text(pem: bytes) -> dict[str, int]:
    """The numbers ``openssl pkey -text`` prints, by label."""
    out = subprocess.run(
        [str(OPENSSL), "pkey", "-noout", "-text"],
        input=pem,
        capture_output=True,
        check=True,
    ).stdout.decode()
    numbers: dict[str, int] = {}
    label = None
    for line in out.splitlines():
        head = re.match(r"^(\w[\w ]*?):\s*(\S*)", line)
        if head and not line.startswith(" "):
            label = head.group(1)
            if head.group(2) and re.fullmatch(r"\d+", head.group(2)):
                numbers[label] = int(head.group(2))
                label = None
            else:
                numbers[label] = 0
            continue
        if label is not None and re.fullmatch(r"\s+[0-9a-f:]+", line):
            numbers[label] = (
                numbers[label] << (4 * len(line.strip().replace(":", "")))
            ) | int(line.strip().replace(":", ""), 16)
    return numbers


@needs_openssl
@pytest.mark.parametrize("curve", ["P-256", "P-384", "P-521"])
def test_openssl_ec_key_through_cng(tmp_path: Path, curve: str) -> None:
    pem = subprocess.run(
        [
            str(OPENSSL),
            "genpkey",
            "-algorithm",
            "EC",
            "-pkeyopt",
            f"ec_paramgen_curve:{curve}",
        ],
        capture_output=True,
        check=True,
    ).stdout
    text = _openssl_text(pem)
    key = serialization.load_pem_private_key(pem, None)
    data = bf.dump_private_key(key, format="cng")  # type: ignore[arg-type]
    blob = bf.parse(data)
    assert isinstance(blob, bf.CngECCPrivateBlob)
    size = blob.cb_key
    assert blob.d == text["priv"]
    # OpenSSL prints the point as 04 || X || Y, each coordinate big-endian like CNG.
    assert text["pub"] == int.from_bytes(
        b"\x04" + be(blob.x, size) + be(blob.y, size), "big"
    )
    again = bf.load_private_key(data)
    out = again.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    subprocess.run(
        [str(OPENSSL), "pkey", "-check", "-noout"],
        input=out,
        capture_output=True,
        check=True,
    )
    assert _openssl_text(out)["priv"] == text["priv"]


@needs_openssl
def test_openssl_rsa_key_through_cng() -> None:
    pem = keyfiles.pem_path("rsa-2048").read_bytes()
    text = _openssl_text(pem)
    blob = bf.parse(bf.dump_private_key(pem_key("rsa-2048"), format="cng"))
    assert isinstance(blob, bf.CngRSAFullPrivateBlob)
    assert (blob.modulus, blob.public_exponent, blob.private_exponent) == (
        text["modulus"],
        text["publicExponent"],
        text["privateExponent"],
    )
    assert (
        blob.prime1,
        blob.prime2,
        blob.exponent1,
        blob.exponent2,
        blob.coefficient,
    ) == (
        text["prime1"],
        text["prime2"],
        text["exponent1"],
        text["exponent2"],
        text["coefficient"],
    )
    key = bf.load_private_key(blob)
    out = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    subprocess.run(
        [str(OPENSSL), "pkey", "-check", "-noout"],
        input=out,
        capture_output=True,
        check=True,
    )


def test_cng_blob_in_model_api() -> None:
    blob = bf.parse(bf.dump_public_key(pem_key("rsa-1032").public_key(), format="cng"))
    assert isinstance(blob, cng.CngRSAPublicBlob)
    assert blob.blob_name == "BCRYPT_RSAPUBLIC_BLOB" and blob.role == "public"


def test_convert_dss2_whose_p_is_shorter_than_bitlen() -> None:
    # Found by fuzz_cng: a 1020-bit p in a 1024-bit DSS2 blob (DSS-6 allows it) came
    # back with bitlen 1020; the CryptoAPI bit length is p's byte length times 8.
    p = (1 << 1019) + 0x1234567
    blob = bf.DSSPrivateKeyBlob(
        key_alg=bf.AlgId.CALG_DSS_SIGN,
        bit_length=1024,
        p=p,
        q=(1 << 159) + 7,
        g=5,
        x=11,
        seed=bf.DSSSeed.none(),
    ).to_bytes()
    cng_blob = bf.convert_blob(blob, to="cng")
    assert bf.convert_blob(cng_blob, to="capi") == blob


def test_convert_refuses_a_dh_seed() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nums = pem_key("dh-512").private_numbers()
    group = nums.public_numbers.parameter_numbers
    blob = bf.DHPublicKeyBlobV3(
        key_alg=bf.AlgId.CALG_DH_SF,
        bit_length_p=512,
        bit_length_q=0,
        bit_length_j=0,
        seed=bf.DSSSeed(counter=5, seed=bytes(20)),
        p=group.p,
        q=None,
        g=group.g,
        j=None,
        y=nums.public_numbers.y,
    )
    err = _err(bf.convert_blob, blob.to_bytes(), to="cng")
    assert (
        err.rule == "CKEY-3"
        and isinstance(err, bf.KeyConversionError)
        and err.relation == "no seed"
    )


@pytest.mark.parametrize("name", ["rsa-1032", "dsa-1024", "dsa-2048", "dh-512"])
def test_export_cng_blobs_without_key_objects(name: str) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key = pem_key(name)
        private = bf.dump_private_key(key, format="cng")
        public = bf.dump_public_key(key.public_key(), format="cng")
    der = serialization.Encoding.DER
    want_private = key.private_bytes(
        der, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    want_public = key.public_key().public_bytes(
        der, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # DSA and DH go through no deprecated class
        assert bf.export_private_key(private, encoding="der") == want_private
        assert bf.export_public_key(private, encoding="der") == want_public
        assert bf.export_public_key(public, encoding="der") == want_public
    assert isinstance(_err(bf.export_private_key, public), bf.UnsupportedBlobError)


def test_export_cng_ec_and_refusals() -> None:
    key = ec.generate_private_key(ec.SECP521R1())
    data = bf.dump_private_key(key, format="cng")
    pem = bf.export_private_key(data)
    assert (
        serialization.load_pem_private_key(pem, None).private_numbers()
        == key.private_numbers()
    )  # type: ignore[union-attr]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        blob = bf.parse(bf.dump_private_key(pem_key("dh-512"), format="cng"))
    assert isinstance(blob, bf.CngDHPrivateBlob)
    wrong = bf.CngDHPrivateBlob(p=blob.p, g=blob.g, y=pow(blob.g, 3, blob.p), x=blob.x)
    err = _err(bf.export_private_key, wrong)
    assert isinstance(err, bf.KeyConversionError) and err.relation == "y == g^x mod p"
