"""The sign, verify-signature, pfx, pvk and spc commands."""

from __future__ import annotations

import datetime
import getpass
import hashlib
import stat
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

import blobformat as bf
from blobformat.cli.app import main
from tests import keyfiles

DATA = b"data to sign\n"


def rsa_pem(name: str) -> rsa.RSAPrivateKey:
    return keyfiles.rsa_key(name)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    key = rsa_pem("rsa-1024-e3")
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "cli signer")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(7)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    out = {
        "pvk": tmp_path / "key.pvk",
        "pvk_enc": tmp_path / "key-enc.pvk",
        "blob": tmp_path / "key.blob",
        "pub": tmp_path / "key.pub",
        "cer": tmp_path / "key.cer",
        "pem_cer": tmp_path / "key-pem.cer",
        "data": tmp_path / "data.bin",
        "pw": tmp_path / "pw.txt",
        "pvkpw": tmp_path / "pvkpw.txt",
    }
    out["pvk"].write_bytes(bf.dump_pvk(key))
    out["pvk_enc"].write_bytes(bf.dump_pvk(key, b"pvk secret"))
    out["blob"].write_bytes(bf.dump_private_key(key))
    out["pub"].write_bytes(bf.dump_public_key(key.public_key()))
    out["cer"].write_bytes(cert.public_bytes(serialization.Encoding.DER))
    out["pem_cer"].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    out["data"].write_bytes(DATA)
    out["pw"].write_bytes(b"pfx secret\n")
    out["pvkpw"].write_bytes(b"pvk secret\n")
    return out


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


# -- sign / verify-signature ------------------------------------------------------------


def test_sign_prints_hex_and_writes_raw(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    expected = bf.sign_hash(rsa_pem("rsa-1024-e3"), DATA, hash_alg=bf.AlgId.CALG_SHA1)
    assert (
        main(
            ["sign", str(files["data"]), "--key", str(files["blob"]), "--hash", "sha1"]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == expected.hex()
    out = tmp_path / "sig.bin"
    assert (
        main(
            [
                "sign",
                str(files["data"]),
                "--key",
                str(files["pvk"]),
                "--hash",
                "CALG_SHA1",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_bytes() == expected
    hex_out = tmp_path / "sig.hex"
    assert (
        main(
            [
                "sign",
                str(files["data"]),
                "--key",
                str(files["pvk_enc"]),
                "--key-pass",
                f"file:{files['pvkpw']}",
                "--hash",
                "sha1",
                "-o",
                str(hex_out),
                "--hex",
            ]
        )
        == 0
    )
    assert hex_out.read_text().strip() == expected.hex()
    # The signature verifies: from the file, as hex, with the public blob.
    assert (
        main(
            [
                "verify-signature",
                str(files["data"]),
                "--key",
                str(files["pub"]),
                "--hash",
                "sha1",
                "--signature",
                str(out),
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "verify-signature",
                str(files["data"]),
                "--key",
                str(files["pub"]),
                "--hash",
                "sha1",
                "--signature",
                str(hex_out),
                "--signature-format",
                "hex",
            ]
        )
        == 0
    )
    assert (
        main(
            [
                "verify-signature",
                str(files["data"]),
                "--key",
                str(files["blob"]),
                "--hash",
                "sha1",
                "--signature-hex",
                expected.hex(),
            ]
        )
        == 0
    )
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize(
    "hash_name", ["md2", "md4", "md5", "sha256", "sha384", "sha512", "ssl3-shamd5"]
)
def test_sign_every_hash_and_no_hash_oid(
    hash_name: str, files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    for extra in ([], ["--no-hash-oid"]):
        assert (
            main(
                [
                    "sign",
                    str(files["data"]),
                    "--key",
                    str(files["blob"]),
                    "--hash",
                    hash_name,
                    *extra,
                ]
            )
            == 0
        )
        signature = capsys.readouterr().out.strip()
        assert (
            main(
                [
                    "verify-signature",
                    str(files["data"]),
                    "--key",
                    str(files["pub"]),
                    "--hash",
                    hash_name,
                    "--signature-hex",
                    signature,
                    *extra,
                ]
            )
            == 0
        )
        capsys.readouterr()
    assert (
        main(
            [
                "verify-signature",
                str(files["data"]),
                "--key",
                str(files["pub"]),
                "--hash",
                hash_name,
                "--signature-hex",
                "00" * 128,
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "BadSignatureError" in err and "SIG-5" in err


def test_sign_prehashed_and_refusals(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    value = tmp_path / "hash.bin"
    value.write_bytes(hashlib.sha256(DATA).digest())
    assert main(["sign", str(value), "--key", str(files["blob"]), "--prehashed"]) == 0
    assert (
        capsys.readouterr().out.strip()
        == bf.sign_hash(rsa_pem("rsa-1024-e3"), DATA).hex()
    )
    assert main(["sign", str(files["data"]), "--key", str(files["pub"])]) == 1
    assert "private key" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(
            ["sign", str(files["data"]), "--key", str(files["blob"]), "--hash", "sha3"]
        )
    assert (
        main(["sign", str(files["data"]), "--key", str(files["blob"]), "--prehashed"])
        == 1
    )
    assert "SIG-2" in capsys.readouterr().err


# -- passwords -----------------------------------------------------------------------------


def test_passwords_from_env_prompt_and_never_argv(
    files: dict[str, Path],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BF_PVK_PASSWORD", "pvk secret")
    assert (
        main(
            [
                "sign",
                str(files["data"]),
                "--key",
                str(files["pvk_enc"]),
                "--key-pass",
                "env:BF_PVK_PASSWORD",
            ]
        )
        == 0
    )
    capsys.readouterr()
    answers = iter(["pvk secret"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    assert (
        main(
            [
                "sign",
                str(files["data"]),
                "--key",
                str(files["pvk_enc"]),
                "--key-pass",
                "prompt",
            ]
        )
        == 0
    )
    capsys.readouterr()
    assert (
        main(
            [
                "sign",
                str(files["data"]),
                "--key",
                str(files["pvk_enc"]),
                "--key-pass",
                "pass:pvk secret",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "command line" in err and "pvk secret" not in err
    assert (
        main(
            [
                "sign",
                str(files["data"]),
                "--key",
                str(files["pvk_enc"]),
                "--key-pass",
                "env:BF_UNSET_VARIABLE",
            ]
        )
        == 1
    )
    assert "not set" in capsys.readouterr().err
    assert (
        main(
            [
                "sign",
                str(files["data"]),
                "--key",
                str(files["pvk_enc"]),
                "--key-pass",
                "stdin",
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "sign",
                str(files["data"]),
                "--key",
                str(files["pvk_enc"]),
                "--key-pass",
                "env:BF_PVK_PASSWORD_WRONG",
            ]
        )
        == 1
    )


# -- pfx / pvk / spc ----------------------------------------------------------------------------


def test_pfx_and_pvk_round_trip(
    files: dict[str, Path],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    pfx = tmp_path / "out.pfx"
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk_enc"]),
                "--pvk-pass",
                f"file:{files['pvkpw']}",
                "--cert",
                str(files["cer"]),
                "--pfx-pass",
                f"file:{files['pw']}",
                "--name",
                "cli key",
                "-o",
                str(pfx),
            ]
        )
        == 0
    )
    assert mode(pfx) == 0o600
    loaded = pkcs12.load_pkcs12(pfx.read_bytes(), b"pfx secret")
    assert (
        loaded.key is not None
        and loaded.cert is not None
        and loaded.cert.friendly_name == b"cli key"
    )
    # Not over an existing file without --force.
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk"]),
                "--cert",
                str(files["cer"]),
                "--pfx-pass",
                f"file:{files['pw']}",
                "-o",
                str(pfx),
            ]
        )
        == 1
    )
    assert "exists" in capsys.readouterr().err
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk"]),
                "--spc",
                str(files["pem_cer"]),
                "--pfx-pass",
                f"file:{files['pw']}",
                "--legacy",
                "-o",
                str(pfx),
                "--force",
            ]
        )
        == 0
    )
    assert mode(pfx) == 0o600
    # Back to a PVK, its certificate and an SPC; the PVK password by prompt (asked twice).
    monkeypatch.setenv("BF_PFX", "pfx secret")
    answers = iter(["new pvk", "new pvk"])
    monkeypatch.setattr(getpass, "getpass", lambda prompt="": next(answers))
    out_pvk, out_cer, out_spc = (
        tmp_path / "back.pvk",
        tmp_path / "back.cer",
        tmp_path / "back.spc",
    )
    assert (
        main(
            [
                "pvk",
                str(pfx),
                "--pfx-pass",
                "env:BF_PFX",
                "--pvk-pass",
                "prompt",
                "-o",
                str(out_pvk),
                "--cert",
                str(out_cer),
                "--spc",
                str(out_spc),
            ]
        )
        == 0
    )
    assert mode(out_pvk) == 0o600
    key = bf.load_pvk(out_pvk.read_bytes(), b"new pvk")
    assert key.private_numbers() == rsa_pem("rsa-1024-e3").private_numbers()  # type: ignore[union-attr]
    assert out_cer.read_bytes() == files["cer"].read_bytes()
    assert bf.certs_to_spc(out_spc.read_bytes()) == bf.certs_to_spc(
        files["cer"].read_bytes()
    )
    # A mistyped confirmation is refused and nothing is written.
    answers = iter(["one", "two"])
    other = tmp_path / "other.pvk"
    assert (
        main(
            [
                "pvk",
                str(pfx),
                "--pfx-pass",
                "env:BF_PFX",
                "--pvk-pass",
                "prompt",
                "-o",
                str(other),
            ]
        )
        == 1
    )
    assert not other.exists()


def test_pvk_max_iterations(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The default aes256 PFX counts 202 048 iterations (two bags and the MAC): SPEC PFX-6.
    pfx = tmp_path / "out.pfx"
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk"]),
                "--cert",
                str(files["cer"]),
                "--pfx-pass",
                f"file:{files['pw']}",
                "-o",
                str(pfx),
            ]
        )
        == 0
    )
    out = tmp_path / "back.pvk"
    base = [
        "pvk",
        str(pfx),
        "--pfx-pass",
        f"file:{files['pw']}",
        "-o",
        str(out),
        "--force",
    ]
    assert main([*base, "--max-iterations", "200000"]) == 1
    err = capsys.readouterr().err
    assert "UnsupportedBlobError" in err and "PFX-6" in err and not out.exists()
    for bound in ("202048", "none", "NONE"):
        assert main([*base, "--max-iterations", bound]) == 0
    for bad in ("0", "-3", "many"):
        with pytest.raises(SystemExit) as caught:
            main([*base, "--max-iterations", bad])
        assert caught.value.code == 2
    capsys.readouterr()


def test_pfx_refusals(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    other = tmp_path / "other.cer"
    key = rsa_pem("rsa-2048")
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "other")])
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    other.write_bytes(
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    out = tmp_path / "x.pfx"
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk"]),
                "--cert",
                str(other),
                "--pfx-pass",
                f"file:{files['pw']}",
                "-o",
                str(out),
            ]
        )
        == 1
    )
    assert "KeyMismatchError" in capsys.readouterr().err and not out.exists()
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk"]),
                "--pfx-pass",
                f"file:{files['pw']}",
                "-o",
                str(out),
            ]
        )
        == 2
    )
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk"]),
                "--cert",
                str(files["cer"]),
                "--pfx-pass",
                "pass:x",
                "-o",
                str(out),
            ]
        )
        == 2
    )
    # A certificate is DER but not a PFX: refused before any password is tried (PFX-3).
    assert (
        main(
            [
                "pvk",
                str(files["cer"]),
                "--pfx-pass",
                f"file:{files['pw']}",
                "-o",
                str(tmp_path / "y.pvk"),
            ]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "UnsupportedBlobError" in err and "PFX-3" in err
    pfx = tmp_path / "z.pfx"
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk"]),
                "--cert",
                str(files["cer"]),
                "--pfx-pass",
                f"file:{files['pw']}",
                "-o",
                str(pfx),
            ]
        )
        == 0
    )
    capsys.readouterr()
    (tmp_path / "wrong").write_bytes(b"wrong\n")
    assert (
        main(
            [
                "pvk",
                str(pfx),
                "--pfx-pass",
                f"file:{tmp_path / 'wrong'}",
                "-o",
                str(tmp_path / "y.pvk"),
            ]
        )
        == 1
    )
    assert "PasswordError" in capsys.readouterr().err


@pytest.mark.interop
def test_openssl_reads_the_cli_pfx(
    files: dict[str, Path], tmp_path: Path, openssl: Callable[..., bytes]
) -> None:
    pfx = tmp_path / "out.pfx"
    assert (
        main(
            [
                "pfx",
                "--pvk",
                str(files["pvk"]),
                "--cert",
                str(files["cer"]),
                "--pfx-pass",
                f"file:{files['pw']}",
                "-o",
                str(pfx),
            ]
        )
        == 0
    )
    text = openssl(
        "pkcs12", "-info", "-nodes", "-in", str(pfx), "-passin", f"file:{files['pw']}"
    ).decode()
    assert "BEGIN PRIVATE KEY" in text and "subject=CN = cli signer" in text


def test_spc(files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "x.spc"
    assert main(["spc", str(files["cer"]), "-o", str(out)]) == 0
    assert out.read_bytes() == bf.certs_to_spc(files["cer"].read_bytes())
    assert main(["spc", str(files["data"]), "-o", str(tmp_path / "y.spc")]) == 1


def test_legacy_warnings_stay_out_of_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key = keyfiles.vector_key("dsa-1024")
        blob = bf.dump_private_key(key)  # type: ignore[arg-type]
    path = tmp_path / "dss.blob"
    path.write_bytes(blob)
    (tmp_path / "d").write_bytes(DATA)
    assert (
        main(["sign", str(tmp_path / "d"), "--key", str(path), "--hash", "sha1"]) == 0
    )
    signature = capsys.readouterr().out.strip()
    assert len(bytes.fromhex(signature)) == 40
    assert (
        main(
            [
                "verify-signature",
                str(tmp_path / "d"),
                "--key",
                str(path),
                "--hash",
                "sha1",
                "--signature-hex",
                signature,
            ]
        )
        == 0
    )
