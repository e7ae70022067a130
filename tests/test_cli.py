"""The command line: exit codes and output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import blobformat as bf
from blobformat.cli.app import main
from tests.blob_samples import DSS3_PRIV, PVK, RSA_PRIV, RSA_PUB


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    out = {}
    for name, data in {
        "pub": RSA_PUB,
        "priv": RSA_PRIV,
        "dss3": DSS3_PRIV,
        "pvk": PVK,
        "bad": RSA_PUB[:8] + b"RSA2" + RSA_PUB[12:],
        "trail": RSA_PUB + b"\x00\x00",
    }.items():
        path = tmp_path / f"{name}.blob"
        path.write_bytes(data)
        out[name] = path
    return out


def test_inspect_text(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(files["pub"])]) == 0
    out = capsys.readouterr().out
    assert "RSA public key" in out
    assert "CALG_RSA_KEYX" in out
    assert "bit_length" in out and "512" in out


def test_inspect_hides_private(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    blob = bf.parse(RSA_PRIV)
    assert isinstance(blob, bf.RSAPrivateKeyBlob)
    assert main(["inspect", str(files["priv"])]) == 0
    hidden = capsys.readouterr().out
    assert f"{blob.private_exponent:x}" not in hidden
    assert "--show-private" in hidden
    assert main(["inspect", "--show-private", str(files["priv"])]) == 0
    shown = capsys.readouterr().out
    assert f"{blob.private_exponent:x}"[:40] in shown.replace("\n", "").replace(" ", "")


def test_inspect_json(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", "--json", str(files["dss3"])]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "DSSPrivateKeyBlobV3"
    paths = [f["path"] for f in doc["fields"]]
    assert paths[:4] == [
        "header.blob_type",
        "header.version",
        "header.reserved",
        "header.key_alg",
    ]
    x = next(f for f in doc["fields"] if f["path"] == "x")
    assert x["secret"] and x["value"] is None


def test_inspect_pvk_shows_inner_blob(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", "--json", str(files["pvk"])]) == 0
    doc = json.loads(capsys.readouterr().out)
    paths = [f["path"] for f in doc["fields"]]
    assert "key.modulus" in paths
    modulus = next(f for f in doc["fields"] if f["path"] == "key.modulus")
    assert modulus["offset"] == 24 + 20


def test_inspect_bad_blob_one_line(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(files["bad"])]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "offset 8" in err and "(magic)" in err and "HDR-5" in err


def test_inspect_lenient(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(files["trail"])]) == 1
    capsys.readouterr()
    assert main(["inspect", "--lenient", str(files["trail"])]) == 0
    assert "tolerated: trailing-data at offset 84" in capsys.readouterr().out


def test_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(tmp_path / "nope")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_usage_error() -> None:
    with pytest.raises(SystemExit) as info:
        main(["frobnicate"])
    assert info.value.code == 2


def test_python_dash_m(files: dict[str, Path]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "blobformat", "inspect", str(files["pub"])],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0
    assert b"RSA public key" in proc.stdout


# -- convert -------------------------------------------------------------------


@pytest.fixture
def keyfiles(tmp_path: Path) -> dict[str, Path]:
    from cryptography.hazmat.primitives import serialization

    from tests import keyfactory as kf

    key = kf.rsa_key()
    out = {
        "pem": key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        ),
        "der": key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.TraditionalOpenSSL,
            serialization.NoEncryption(),
        ),
        "pubpem": key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        ),
        "blob": bf.dump_private_key(key),
        "pvk": bf.dump_pvk(key, b"pw"),
        "pw": b"pw\n",
    }
    paths = {}
    for name, data in out.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def test_convert_pem_to_blob_and_back(
    keyfiles: dict[str, Path], tmp_path: Path
) -> None:
    blob_out = tmp_path / "out.blob"
    assert (
        main(["convert", str(keyfiles["pem"]), "--to", "blob", "-o", str(blob_out)])
        == 0
    )
    assert blob_out.read_bytes() == keyfiles["blob"].read_bytes()
    pem_out = tmp_path / "out.pem"
    assert main(["convert", str(blob_out), "--to", "pem", "-o", str(pem_out)]) == 0
    assert pem_out.read_bytes() == keyfiles["pem"].read_bytes()


def test_convert_detects_der_and_public(
    keyfiles: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "pub.blob"
    assert (
        main(
            [
                "convert",
                str(keyfiles["der"]),
                "--to",
                "blob",
                "--public",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert isinstance(bf.parse(out.read_bytes()), bf.RSAPublicKeyBlob)
    sign = tmp_path / "sign.blob"
    assert (
        main(
            [
                "convert",
                str(keyfiles["pubpem"]),
                "--to",
                "blob",
                "--alg-id",
                "CALG_RSA_SIGN",
                "-o",
                str(sign),
            ]
        )
        == 0
    )
    assert bf.parse(sign.read_bytes()).header.key_alg == bf.AlgId.CALG_RSA_SIGN


def test_convert_pvk(
    keyfiles: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out.pem"
    assert (
        main(
            [
                "convert",
                str(keyfiles["pvk"]),
                "--to",
                "pem",
                "--password-file",
                str(keyfiles["pw"]),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_bytes() == keyfiles["pem"].read_bytes()
    assert main(["convert", str(keyfiles["pvk"]), "--to", "pem"]) == 1
    assert "PasswordError" in capsys.readouterr().err
    pvk_out = tmp_path / "out.pvk"
    assert (
        main(
            [
                "convert",
                str(keyfiles["pem"]),
                "--to",
                "pvk",
                "--weak",
                "--password-file",
                str(keyfiles["pw"]),
                "-o",
                str(pvk_out),
            ]
        )
        == 0
    )
    assert (
        bf.load_pvk(pvk_out.read_bytes(), b"pw").private_numbers()
        == bf.load_private_key(keyfiles["blob"].read_bytes()).private_numbers()
    )  # type: ignore[union-attr]


def test_convert_errors(
    keyfiles: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["convert", str(keyfiles["pubpem"]), "--to", "pvk"]) == 1
    assert "public key" in capsys.readouterr().err
    assert (
        main(["convert", str(keyfiles["pem"]), "--to", "blob", "--alg-id", "CALG_NOPE"])
        == 1
    )
    assert "unknown ALG_ID" in capsys.readouterr().err
    junk = tmp_path / "junk"
    junk.write_bytes(bytes.fromhex("300500030100ff"))
    assert main(["convert", str(junk), "--to", "pem"]) == 1
    assert "DER" in capsys.readouterr().err
    simple = tmp_path / "simple"
    simple.write_bytes(
        bf.SimpleBlob(
            key_alg=bf.AlgId.CALG_RC4,
            wrap_alg=bf.AlgId.CALG_RSA_KEYX,
            encrypted_key=bytes(64),
        ).to_bytes()
    )
    assert main(["convert", str(simple), "--to", "pem"]) == 1
    assert "blob, not a key" in capsys.readouterr().err


def test_inspect_hides_encrypted_pvk_key_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests import keyfactory as kf

    data = bf.dump_pvk(kf.rsa_key(), b"pw", strength="weak")
    pvk = bf.parse(data)
    assert isinstance(pvk, bf.PVKFile)
    path = tmp_path / "enc.pvk"
    path.write_bytes(data)
    for args in (["inspect", str(path)], ["inspect", "--json", str(path)]):
        assert main(args) == 0
        out = capsys.readouterr().out
        assert pvk.key_data[8:40].hex() not in out.replace("\n", "").replace(" ", "")
    assert all(s.value is None for s in pvk.layout() if s.path == "key")
