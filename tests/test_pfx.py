"""PVK + certificates to PFX and back, and SPC bundles (SPEC §14.8).

OpenSSL is the independent reader and writer: ``openssl pkcs12`` must read
every PFX we write (with the right key and certificates, and the encryption we
chose), and a PFX OpenSSL writes must convert to a PVK that loads to the same key.
"""

from __future__ import annotations

import contextlib
import datetime
import re
import subprocess
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID
from hypothesis import given
from hypothesis import strategies as st

import blobformat as bf
from blobformat.keys.der import read_element
from blobformat.keys.pfxcheck import PFX_MAX_ITERATIONS, scan_pfx
from tests import keyfiles
from tests.conftest import openssl_path

PASSWORD = b"pfx pa\xc3\x9fword"
PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER


def pem_key(name: str) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keyfiles.vector_key(name)


def certificate(
    key: object, name: str, issuer_key: object | None = None, issuer: str | None = None
) -> x509.Certificate:
    """A certificate for ``key``, self-signed or signed by ``issuer_key`` (deterministic)."""
    signer: object = key if issuer_key is None else issuer_key
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        builder = (
            x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)]))
            .issuer_name(
                x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, issuer or name)])
            )
            .public_key(key.public_key())  # type: ignore[attr-defined]
            .serial_number(0x1234)
            .not_valid_before(start)
            .not_valid_after(start + datetime.timedelta(days=3650))
        )
        return builder.sign(signer, hashes.SHA256())  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def rsa_material() -> tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate]:
    key = pem_key("rsa-2048")
    ca_key = pem_key("rsa-1024-e3")
    assert isinstance(key, rsa.RSAPrivateKey)
    ca = certificate(ca_key, "blobformat test CA")
    leaf = certificate(key, "blobformat code signing", ca_key, "blobformat test CA")
    return key, leaf, ca


def same_key(a: object, b: object) -> bool:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return a.private_numbers() == b.private_numbers()  # type: ignore[attr-defined, no-any-return]


# -- round trips ---------------------------------------------------------------------


@pytest.mark.parametrize("encryption", ["aes256", "3des"])
def test_pvk_to_pfx_and_back(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
    encryption: str,
) -> None:
    key, leaf, ca = rsa_material
    pvk = bf.dump_pvk(key, b"pvk password")
    # The chain certificate first: the key's own certificate is found and put first.
    pfx = bf.pvk_to_pfx(
        pvk,
        [ca.public_bytes(DER), leaf.public_bytes(PEM)],
        pvk_password=b"pvk password",
        pfx_password=PASSWORD,
        friendly_name="signing key",
        encryption=encryption,  # type: ignore[arg-type]
    )
    loaded = pkcs12.load_pkcs12(pfx, PASSWORD)
    assert loaded.key is not None and same_key(loaded.key, key)
    assert loaded.cert is not None and loaded.cert.certificate == leaf
    assert loaded.cert.friendly_name == b"signing key"
    assert [c.certificate for c in loaded.additional_certs] == [ca]
    out, certs = bf.pfx_to_pvk(pfx, PASSWORD, pvk_password=b"new")
    assert same_key(bf.load_pvk(out, b"new"), key)
    assert certs == [leaf, ca]
    plain, _ = bf.pfx_to_pvk(pfx, PASSWORD)
    assert not bf.parse(plain).encrypted  # type: ignore[attr-defined]
    assert same_key(bf.load_pvk(plain), key)


def test_dsa_pvk_to_pfx_and_back() -> None:
    key = pem_key("dsa-1024")
    cert = certificate(key, "dsa signer")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pvk = bf.dump_pvk(key)  # type: ignore[arg-type]
    with warnings.catch_warnings():
        warnings.simplefilter(
            "error", bf.LegacyKeyWarning
        )  # no key object crosses the API
        pfx = bf.pvk_to_pfx(pvk, cert.public_bytes(DER), pfx_password=PASSWORD)
        out, certs = bf.pfx_to_pvk(pfx, PASSWORD)
    assert certs == [cert]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert same_key(bf.load_pvk(out), key)


# -- OpenSSL reads ours -------------------------------------------------------------------


def _pkcs12_info(
    openssl: Callable[..., bytes], tmp_path: Path, pfx: bytes, *extra: str
) -> str:
    (tmp_path / "in.pfx").write_bytes(pfx)
    (tmp_path / "pw").write_bytes(PASSWORD + b"\n")
    return openssl(
        "pkcs12",
        "-info",
        "-nodes",
        "-in",
        str(tmp_path / "in.pfx"),
        "-passin",
        f"file:{tmp_path / 'pw'}",
        *extra,
    ).decode()


def _pem_blocks(text: str, kind: str) -> list[bytes]:
    return [
        m.encode()
        for m in re.findall(
            rf"-----BEGIN {kind}-----.*?-----END {kind}-----\n", text, re.S
        )
    ]


@pytest.mark.interop
@pytest.mark.parametrize("encryption", ["aes256", "3des"])
def test_openssl_reads_our_pfx(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
    encryption: str,
    openssl: Callable[..., bytes],
    tmp_path: Path,
) -> None:
    key, leaf, ca = rsa_material
    pfx = bf.pvk_to_pfx(
        bf.dump_pvk(key),
        [leaf.public_bytes(DER), ca.public_bytes(DER)],
        pfx_password=PASSWORD,
        friendly_name="signer",
        encryption=encryption,
    )  # type: ignore[arg-type]
    # 3DES is in OpenSSL 3's default provider: no -legacy needed (RC2 would need it).
    proc_text = _pkcs12_info(openssl, tmp_path, pfx)
    keys = _pem_blocks(proc_text, "PRIVATE KEY")
    assert len(keys) == 1 and same_key(
        serialization.load_pem_private_key(keys[0], None), key
    )
    certs = [
        x509.load_pem_x509_certificate(c) for c in _pem_blocks(proc_text, "CERTIFICATE")
    ]
    assert set(certs) == {leaf, ca}
    assert "friendlyName: signer" in proc_text


@pytest.mark.interop
@pytest.mark.parametrize(
    ("encryption", "expected"),
    [
        (
            "aes256",
            [
                "PBES2, PBKDF2, AES-256-CBC, Iteration 100000, PRF hmacWithSHA256",
                "MAC: sha256,",
            ],
        ),
        ("3des", ["pbeWithSHA1And3-KeyTripleDES-CBC, Iteration 2000", "MAC: sha1,"]),
    ],
)
def test_pfx_encryption_is_the_one_chosen(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
    encryption: str,
    expected: list[str],
    openssl: Callable[..., bytes],
    tmp_path: Path,
) -> None:
    key, leaf, _ = rsa_material
    pfx = bf.pvk_to_pfx(
        bf.dump_pvk(key),
        leaf.public_bytes(DER),
        pfx_password=PASSWORD,
        encryption=encryption,
    )  # type: ignore[arg-type]
    (tmp_path / "in.pfx").write_bytes(pfx)
    (tmp_path / "pw").write_bytes(PASSWORD)
    exe = openssl_path()
    assert exe is not None
    proc = subprocess.run(
        [
            exe,
            "pkcs12",
            "-info",
            "-noout",
            "-in",
            str(tmp_path / "in.pfx"),
            "-passin",
            f"file:{tmp_path / 'pw'}",
        ],
        capture_output=True,
        check=True,
        timeout=120,
    )
    text = proc.stdout.decode() + proc.stderr.decode()
    for line in expected:
        assert line in text, text


# -- we read OpenSSL's ---------------------------------------------------------------------


@pytest.mark.interop
@pytest.mark.parametrize("legacy", [False, True], ids=["default", "legacy"])
def test_we_read_openssl_pfx(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
    legacy: bool,
    openssl: Callable[..., bytes],
    tmp_path: Path,
) -> None:
    key, leaf, ca = rsa_material
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(PEM))
    (tmp_path / "ca.pem").write_bytes(ca.public_bytes(PEM))
    (tmp_path / "pw").write_bytes(PASSWORD + b"\n")
    out = tmp_path / "openssl.pfx"
    openssl(
        "pkcs12",
        "-export",
        "-inkey",
        str(keyfiles.pem_path("rsa-2048")),
        "-in",
        str(tmp_path / "leaf.pem"),
        "-certfile",
        str(tmp_path / "ca.pem"),
        "-passout",
        f"file:{tmp_path / 'pw'}",
        "-out",
        str(out),
        *(("-legacy",) if legacy else ()),
    )
    pvk, certs = bf.pfx_to_pvk(out.read_bytes(), PASSWORD, pvk_password=b"x")
    assert same_key(bf.load_pvk(pvk, b"x"), key)
    assert certs == [leaf, ca]


# -- refusals ---------------------------------------------------------------------------


def test_key_must_match_a_certificate(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
) -> None:
    key, _, ca = rsa_material
    with pytest.raises(bf.KeyMismatchError) as caught:
        bf.pvk_to_pfx(bf.dump_pvk(key), ca.public_bytes(DER), pfx_password=PASSWORD)
    assert caught.value.rule == "PFX-1"
    assert isinstance(caught.value, bf.InvalidParameterError)
    # A PFX whose key has no certificate among its certificates.
    odd = pkcs12.serialize_key_and_certificates(
        None, key, None, [ca], serialization.BestAvailableEncryption(PASSWORD)
    )
    with pytest.raises(bf.KeyMismatchError):
        bf.pfx_to_pvk(odd, PASSWORD)
    # A PFX with the key alone converts.
    alone = pkcs12.serialize_key_and_certificates(
        None, key, None, None, serialization.BestAvailableEncryption(PASSWORD)
    )
    pvk, certs = bf.pfx_to_pvk(alone, PASSWORD)
    assert certs == [] and same_key(bf.load_pvk(pvk), key)


def test_wrong_password_and_corrupt_pfx_are_one_error(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
) -> None:
    key, leaf, _ = rsa_material
    pfx = bf.pvk_to_pfx(bf.dump_pvk(key), leaf.public_bytes(DER), pfx_password=PASSWORD)
    corrupt = pfx[:-5] + bytes([pfx[-5] ^ 1]) + pfx[-4:]
    messages = set()
    for data, password in ((pfx, b"wrong"), (pfx, b""), (corrupt, PASSWORD)):
        with pytest.raises(bf.PasswordError) as caught:
            bf.pfx_to_pvk(data, password)
        assert caught.value.rule == "PFX-2" and caught.value.__cause__ is None
        messages.add(str(caught.value))
    assert len(messages) == 1
    # A truncated file is not DER: refused, with its place, before any password is
    # tried (PFX-3), whatever the password.
    for password in (PASSWORD, b"wrong"):
        with pytest.raises(bf.UnsupportedBlobError) as caught_short:
            bf.pfx_to_pvk(pfx[:100], password)
        assert (caught_short.value.rule, caught_short.value.offset) == ("PFX-3", 1)
    with pytest.raises(bf.UnsupportedBlobError) as caught_pem:
        bf.pfx_to_pvk(b"-----BEGIN PKCS12-----\n", PASSWORD)
    assert caught_pem.value.hint == "PEM" and caught_pem.value.rule == "PFX-3"
    with pytest.raises(bf.UnsupportedBlobError):
        bf.pfx_to_pvk(bf.dump_pvk(key), PASSWORD)
    with pytest.raises(TypeError):
        bf.pfx_to_pvk(pfx, "text")  # type: ignore[arg-type]


def test_pfx_without_a_pvk_key_is_refused(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
) -> None:
    _, leaf, _ = rsa_material
    ec_key = ec.derive_private_key(12345, ec.SECP256R1())
    ec_pfx = pkcs12.serialize_key_and_certificates(
        None, ec_key, None, None, serialization.BestAvailableEncryption(PASSWORD)
    )
    certs_only = pkcs12.serialize_key_and_certificates(
        None, None, None, [leaf], serialization.BestAvailableEncryption(PASSWORD)
    )
    for data in (ec_pfx, certs_only):
        with pytest.raises(bf.UnsupportedBlobError) as caught:
            bf.pfx_to_pvk(data, PASSWORD)
        assert caught.value.rule == "PFX-3"


def test_write_arguments(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
) -> None:
    key, leaf, _ = rsa_material
    pvk, cert = bf.dump_pvk(key), leaf.public_bytes(DER)
    with pytest.raises(bf.InvalidParameterError) as caught:
        bf.pvk_to_pfx(pvk, cert, pfx_password=b"")
    assert caught.value.rule == "PFX-5"
    with pytest.raises(bf.InvalidParameterError) as caught:
        bf.pvk_to_pfx(pvk, cert, pfx_password=PASSWORD, encryption="rc2-40")  # type: ignore[arg-type]
    assert caught.value.rule == "PFX-5"
    with pytest.raises(TypeError):
        bf.pvk_to_pfx(pvk, cert, pfx_password="text")  # type: ignore[arg-type]  # noqa: S106
    with pytest.raises(bf.PasswordError):
        bf.pvk_to_pfx(bf.dump_pvk(key, b"pw"), cert, pfx_password=PASSWORD)
    with pytest.raises(bf.PasswordError):
        bf.pvk_to_pfx(
            bf.dump_pvk(key, b"pw"), cert, pvk_password=b"wrong", pfx_password=PASSWORD
        )


# -- certificate input and SPC ------------------------------------------------------------


def test_certificate_input_forms(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
) -> None:
    _, leaf, ca = rsa_material
    spc_der = bf.certs_to_spc([leaf, ca])
    spc_pem = pkcs7.serialize_certificates([leaf, ca], PEM)
    two_pem = leaf.public_bytes(PEM) + ca.public_bytes(PEM)
    for source in (
        spc_der,
        spc_pem,
        two_pem,
        [leaf, ca],
        [leaf.public_bytes(DER), ca],
        [spc_der[:0] + spc_der],
    ):
        assert bf.certs_to_spc(source) == spc_der  # type: ignore[arg-type]
    # A DER SET OF: sorted by encoding, whatever the order given.
    assert set(pkcs7.load_der_pkcs7_certificates(spc_der)) == {leaf, ca}
    assert bf.certs_to_spc([ca, leaf]) == spc_der
    for bad in (
        b"",
        b"garbage",
        b"\x30\x03\x02\x01\x00",
        leaf.public_bytes(DER)[:-1],
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ):
        with pytest.raises(bf.UnsupportedBlobError) as caught:
            bf.certs_to_spc([leaf, bad])
        assert caught.value.rule == "PFX-4" and caught.value.field == "certificates[1]"
    with pytest.raises(bf.InvalidParameterError):
        bf.certs_to_spc([])
    with pytest.raises(TypeError):
        bf.certs_to_spc("leaf.cer")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        bf.certs_to_spc([42])  # type: ignore[list-item]


@pytest.mark.interop
def test_openssl_reads_our_spc(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
    openssl: Callable[..., bytes],
    tmp_path: Path,
) -> None:
    _, leaf, ca = rsa_material
    (tmp_path / "x.spc").write_bytes(bf.certs_to_spc([leaf, ca]))
    text = openssl(
        "pkcs7", "-inform", "DER", "-in", str(tmp_path / "x.spc"), "-print_certs"
    ).decode()
    assert {
        x509.load_pem_x509_certificate(c) for c in _pem_blocks(text, "CERTIFICATE")
    } == {leaf, ca}
    # And an SPC made by OpenSSL (crl2pkcs7 -nocrl, as cert2spc does) is read back.
    (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(PEM))
    made = openssl(
        "crl2pkcs7",
        "-nocrl",
        "-certfile",
        str(tmp_path / "leaf.pem"),
        "-outform",
        "DER",
    )
    assert bf.certs_to_spc(made) == bf.certs_to_spc([leaf])


# -- the scan before cryptography's reader: DER and iteration counts (PFX-3, PFX-6) ------


def tlv(tag: int, *parts: bytes) -> bytes:
    """One DER element (written here independently of blobformat's writer)."""
    body = b"".join(parts)
    size = len(body)
    if size < 0x80:
        return bytes([tag, size]) + body
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(raw)]) + raw + body


def oid(*arcs: int) -> bytes:
    out = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        while arc := arc >> 7:
            chunk.append(0x80 | (arc & 0x7F))
        out += bytes(reversed(chunk))
    return tlv(0x06, bytes(out))


def integer(value: int) -> bytes:
    return tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


OID_DATA = oid(1, 2, 840, 113549, 1, 7, 1)
OID_SHROUDED = oid(1, 2, 840, 113549, 1, 12, 10, 1, 2)
OID_SAFE_CONTENTS = oid(1, 2, 840, 113549, 1, 12, 10, 1, 6)


def pbes2(iterations: int) -> bytes:
    kdf = tlv(
        0x30,
        oid(1, 2, 840, 113549, 1, 5, 12),
        tlv(0x30, tlv(0x04, b"s" * 8), integer(iterations)),
    )
    aes = tlv(0x30, oid(2, 16, 840, 1, 101, 3, 4, 1, 42), tlv(0x04, bytes(16)))
    return tlv(0x30, oid(1, 2, 840, 113549, 1, 5, 13), tlv(0x30, kdf, aes))


def shrouded_bag(iterations: int) -> bytes:
    return tlv(
        0x30,
        OID_SHROUDED,
        tlv(0xA0, tlv(0x30, pbes2(iterations), tlv(0x04, bytes(32)))),
    )


def nested_bags(depth: int) -> bytes:
    """A safe-contents bag holding another, ``depth`` levels below the first."""
    bag = tlv(0x30, OID_SAFE_CONTENTS, tlv(0xA0, tlv(0x30)))
    for _ in range(depth):
        bag = tlv(0x30, OID_SAFE_CONTENTS, tlv(0xA0, tlv(0x30, bag)))
    return bag


def unprotected_pfx(*bags: bytes) -> bytes:
    """A PFX without a MAC whose one data content info holds ``bags``."""
    info = tlv(0x30, OID_DATA, tlv(0xA0, tlv(0x04, tlv(0x30, *bags))))
    return tlv(
        0x30, integer(3), tlv(0x30, OID_DATA, tlv(0xA0, tlv(0x04, tlv(0x30, info))))
    )


def with_mac(pfx: bytes, *iterations: bytes) -> bytes:
    """``pfx`` (without a MAC) with a MacData: an SHA-1 DigestInfo, a salt, ``iterations``."""
    digest = tlv(
        0x30, tlv(0x30, oid(1, 3, 14, 3, 2, 26), b"\x05\x00"), tlv(0x04, bytes(20))
    )
    mac = tlv(0x30, digest, tlv(0x04, b"salt" * 2), *iterations)
    top = read_element(pfx, 0, len(pfx))
    return tlv(0x30, pfx[top.start : top.end], mac)


def test_iteration_counts_are_bounded_before_cryptography_reads(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key, leaf, _ = rsa_material
    pfx = bf.pvk_to_pfx(bf.dump_pvk(key), leaf.public_bytes(DER), pfx_password=PASSWORD)
    total = scan_pfx(pfx, max_iterations=None)
    assert 200_000 < total <= PFX_MAX_ITERATIONS  # two bags of 100 000 and the MAC
    assert bf.pfx_to_pvk(pfx, PASSWORD, max_iterations=total)[1] == [leaf]
    reached: list[bool] = []

    def reader(*args: object) -> object:
        reached.append(True)
        raise AssertionError("cryptography's reader was reached")

    monkeypatch.setattr(pkcs12, "load_key_and_certificates", reader)
    with pytest.raises(bf.UnsupportedBlobError) as caught:
        bf.pfx_to_pvk(pfx, PASSWORD, max_iterations=total - 1)
    err = caught.value
    # The MAC's count is read first; the last PBKDF2 count passes the bound.
    assert (
        err.rule == "PFX-6"
        and err.field is not None
        and err.field.endswith(".iterationCount")
    )
    assert err.offset is not None and pfx[err.offset] == 0x02
    assert reached == []
    # The counts of a shrouded key bag outside encryption, nested bags included.
    nested = tlv(0x30, OID_SAFE_CONTENTS, tlv(0xA0, tlv(0x30, shrouded_bag(2_000_000))))
    for data in (unprotected_pfx(shrouded_bag(2_000_000)), unprotected_pfx(nested)):
        with pytest.raises(bf.UnsupportedBlobError) as caught:
            bf.pfx_to_pvk(data, PASSWORD)
        assert caught.value.rule == "PFX-6" and "bags[0]" in (caught.value.field or "")
        assert scan_pfx(data, max_iterations=None) == 2_000_000
    assert reached == []


def test_max_iterations_argument(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
) -> None:
    key, leaf, _ = rsa_material
    pfx = bf.pvk_to_pfx(
        bf.dump_pvk(key),
        leaf.public_bytes(DER),
        pfx_password=PASSWORD,
        encryption="3des",
    )
    for bad in (0, -1):
        with pytest.raises(bf.InvalidParameterError) as caught:
            bf.pfx_to_pvk(pfx, PASSWORD, max_iterations=bad)
        assert (caught.value.rule, caught.value.field) == ("PFX-6", "max_iterations")
    for wrong in (True, 1.5, "600000"):
        with pytest.raises(TypeError):
            bf.pfx_to_pvk(pfx, PASSWORD, max_iterations=wrong)  # type: ignore[arg-type]
    assert bf.pfx_to_pvk(pfx, PASSWORD, max_iterations=None)[1] == [leaf]


@pytest.mark.parametrize(
    ("data", "offset", "what"),
    [
        # BER: an indefinite length, a length in a longer form than needed.
        (b"\x30\x80" + integer(3) + b"\x00\x00", 1, "indefinite"),
        (b"\x30\x81\x03" + integer(3), 1, "shortest"),
        (tlv(0x30, b"\x02\x02\x00\x03"), 2, "INTEGER not in its shortest form"),
        (tlv(0x30, integer(3)) + b"\x00", 5, "after the PFX"),
        (tlv(0x30, integer(2)), 2, "version"),
        (b"\x30\x84\xff\xff\xff\xff" + integer(3), 1, "past"),
        # Safe-contents bags nested more deeply than any writer nests them.
        (unprotected_pfx(nested_bags(6)), None, "nested"),
        # A MAC iteration count of 1 written out: DER leaves out a DEFAULT value.
        (with_mac(unprotected_pfx(), integer(1)), None, "DEFAULT"),
        (with_mac(unprotected_pfx(), integer(0)), None, "below 1"),
    ],
)
def test_pfx_that_is_not_der_is_refused_before_cryptography(
    data: bytes, offset: int | None, what: str
) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(bf.UnsupportedBlobError) as info:
            bf.pfx_to_pvk(data, PASSWORD)
    assert not caught
    err = info.value
    assert err.rule == "PFX-3" and what in err.message
    if offset is not None:
        assert err.offset == offset


def test_mac_iterations_are_counted() -> None:
    assert (
        scan_pfx(with_mac(unprotected_pfx())) == 0
    )  # DEFAULT 1 costs one round; not counted
    assert scan_pfx(with_mac(unprotected_pfx(shrouded_bag(7)), integer(2048))) == 2055
    with pytest.raises(bf.UnsupportedBlobError) as info:
        scan_pfx(
            with_mac(unprotected_pfx(shrouded_bag(7)), integer(2048)),
            max_iterations=2054,
        )
    assert (info.value.rule, info.value.field) == (
        "PFX-6",
        "pfx.authSafe.contents[0].bags[0].encryptionAlgorithm.parameters"
        ".keyDerivationFunc.parameters.iterationCount",
    )


def test_nested_bags_are_read_to_a_bound() -> None:
    # Safe contents four levels below the authenticated safe's are read; five are refused.
    assert scan_pfx(unprotected_pfx(nested_bags(3))) == 0
    with pytest.raises(bf.UnsupportedBlobError) as info:
        scan_pfx(unprotected_pfx(nested_bags(4)))
    assert info.value.rule == "PFX-3" and (info.value.field or "").count("bags[0]") == 5


def test_pfx_algorithms_outside_pkcs12_are_refused(
    rsa_material: tuple[rsa.RSAPrivateKey, x509.Certificate, x509.Certificate],
) -> None:
    key, leaf, _ = rsa_material
    pfx = bf.pvk_to_pfx(bf.dump_pvk(key), leaf.public_bytes(DER), pfx_password=PASSWORD)
    pbkdf2 = oid(1, 2, 840, 113549, 1, 5, 12)
    scrypt = oid(1, 3, 6, 1, 4, 1, 11591, 4, 11)  # scrypt's cost is memory: not read
    assert len(scrypt) == len(pbkdf2) and pfx.count(pbkdf2) == 2
    with pytest.raises(bf.UnsupportedBlobError) as info:
        bf.pfx_to_pvk(pfx.replace(pbkdf2, scrypt, 1), PASSWORD)
    assert info.value.rule == "PFX-3" and (info.value.field or "").endswith(
        "keyDerivationFunc"
    )
    pbes2_oid = oid(1, 2, 840, 113549, 1, 5, 13)
    unknown = oid(1, 2, 840, 113549, 1, 5, 99)
    with pytest.raises(bf.UnsupportedBlobError) as info:
        bf.pfx_to_pvk(pfx.replace(pbes2_oid, unknown, 1), PASSWORD)
    assert info.value.rule == "PFX-3" and (info.value.field or "").endswith(
        ".algorithm"
    )


@given(st.binary(max_size=300))
def test_hostile_bytes_give_blob_errors_only(data: bytes) -> None:
    for attempt in (
        lambda: bf.pfx_to_pvk(data, PASSWORD),
        lambda: bf.certs_to_spc(data),
    ):
        with contextlib.suppress(bf.BlobError):
            attempt()


@given(st.binary(min_size=1, max_size=40), st.integers(min_value=0))
def test_mutated_pfx_gives_blob_errors_only(patch: bytes, where: int) -> None:
    pfx = _SAMPLE_PFX
    at = where % len(pfx)
    mutated = pfx[:at] + patch + pfx[at + len(patch) :]
    with contextlib.suppress(bf.BlobError):
        bf.pfx_to_pvk(mutated, PASSWORD)


def _sample_pfx() -> bytes:
    key = pem_key("rsa-1024-e3")
    cert = certificate(key, "sample")
    return pkcs12.serialize_key_and_certificates(
        None, key, cert, None, serialization.BestAvailableEncryption(PASSWORD)
    )  # type: ignore[arg-type]


_SAMPLE_PFX = _sample_pfx()
