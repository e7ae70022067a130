"""The command line: exit codes and output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import blobformat as bf
from blobformat._cli import main
from tests.test_codec_errors import DSS3_PRIV, PVK, RSA_PRIV, RSA_PUB


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


def test_inspect_text(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(files["pub"])]) == 0
    out = capsys.readouterr().out
    assert "RSA public key" in out
    assert "CALG_RSA_KEYX" in out
    assert "bit_length" in out and "512" in out


def test_inspect_hides_private(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    blob = bf.parse(RSA_PRIV)
    assert isinstance(blob, bf.RSAPrivateKeyBlob)
    assert main(["inspect", str(files["priv"])]) == 0
    hidden = capsys.readouterr().out
    assert f"{blob.private_exponent:x}" not in hidden
    assert "--show-private" in hidden
    assert main(["inspect", "--show-private", str(files["priv"])]) == 0
    shown = capsys.readouterr().out
    assert f"{blob.private_exponent:x}"[:40] in shown.replace("\n", "").replace(" ", "")


def test_inspect_json(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "--json", str(files["dss3"])]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "DSSPrivateKeyBlobV3"
    paths = [f["path"] for f in doc["fields"]]
    assert paths[:4] == ["header.blob_type", "header.version", "header.reserved", "header.key_alg"]
    x = next(f for f in doc["fields"] if f["path"] == "x")
    assert x["secret"] and x["value"] is None


def test_inspect_pvk_shows_inner_blob(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "--json", str(files["pvk"])]) == 0
    doc = json.loads(capsys.readouterr().out)
    paths = [f["path"] for f in doc["fields"]]
    assert "key.modulus" in paths
    modulus = next(f for f in doc["fields"] if f["path"] == "key.modulus")
    assert modulus["offset"] == 24 + 20


def test_inspect_bad_blob_one_line(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", str(files["bad"])]) == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert "offset 8" in err and "(magic)" in err and "HDR-5" in err


def test_inspect_lenient(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
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
