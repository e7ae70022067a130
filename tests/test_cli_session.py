"""CLI: unwrap, derive, decrypt, encrypt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import blobformat as bf
from blobformat.cli.app import main
from tests import keyfactory as kf

AES = bf.SessionKey(alg_id=bf.AlgId.CALG_AES_128, key=bytes(range(16)))


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    key = kf.rsa_key()
    out = {
        "pvk": bf.dump_pvk(key, b"pw"),
        "blobkey": bf.dump_private_key(key),
        "pw": b"pw\n",
        "simple": bf.wrap_session_key(AES, key.public_key()),
        "ptk": bf.plaintext_key_blob(AES),
        "data": AES.encrypt(b"attack at dawn, bring the blobs"),
        "password": b"1134-kelp",
    }
    paths = {}
    for name, data in out.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = path
    return paths


def test_unwrap_to_hex_json_and_blob(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "unwrap",
                str(files["simple"]),
                "--key",
                str(files["pvk"]),
                "--password-file",
                str(files["pw"]),
            ]
        )
        == 0
    )
    assert AES.key.hex() in capsys.readouterr().out
    assert (
        main(
            [
                "unwrap",
                str(files["simple"]),
                "--key",
                str(files["blobkey"]),
                "--to",
                "json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc == {
        "alg_id": "CALG_AES_128",
        "bits": 128,
        "key": AES.key.hex(),
        "salt": "",
        "effective_bits": None,
    }
    out = tmp_path / "key.ptk"
    assert (
        main(
            [
                "unwrap",
                str(files["simple"]),
                "--key",
                str(files["blobkey"]),
                "--to",
                "blob",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert bf.load_session_key_blob(out.read_bytes()) == AES


def test_unwrap_failure_is_one_line(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    other = files["blobkey"].parent / "other"
    other.write_bytes(bf.dump_private_key(kf.rsa_key(2048)))
    assert main(["unwrap", str(files["simple"]), "--key", str(other)]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("blobformat: DecryptionError")
    assert "\n" not in err


def test_derive_matches_api(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "derive",
        "--hash",
        "MD5",
        "--alg",
        "rc4",
        "--provider",
        "base",
        "--password-file",
        str(files["password"]),
        "--to",
        "json",
    ]
    assert main(args) == 0
    doc = json.loads(capsys.readouterr().out)
    expected = bf.derive_key_from_password(
        b"1134-kelp", bf.AlgId.CALG_RC4, hash_alg=bf.AlgId.CALG_MD5, provider="base"
    )
    assert doc["key"] == expected.key.hex()
    assert doc["salt"] == expected.salt.hex()
    hashed = files["password"].parent / "hash.hex"
    hashed.write_text(__import__("hashlib").md5(b"1134-kelp").hexdigest() + "\n")
    assert (
        main(
            [
                "derive",
                "--hash",
                "md5",
                "--alg",
                "CALG_RC4",
                "--provider",
                "base",
                "--hash-file",
                str(hashed),
                "--to",
                "json",
            ]
        )
        == 0
    )
    assert json.loads(capsys.readouterr().out) == doc
    assert main(["derive", "--alg", "rc4"]) == 1
    assert "--password-file" in capsys.readouterr().err


def test_decrypt_with_plaintext_blob_and_simpleblob(
    files: dict[str, Path], tmp_path: Path
) -> None:
    out = tmp_path / "plain"
    assert (
        main(
            [
                "decrypt",
                str(files["data"]),
                "--key-blob",
                str(files["ptk"]),
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_bytes() == b"attack at dawn, bring the blobs"
    assert (
        main(
            [
                "decrypt",
                str(files["data"]),
                "--key-blob",
                str(files["simple"]),
                "--key",
                str(files["blobkey"]),
                "-o",
                str(out),
                "--force",
            ]
        )
        == 0
    )
    assert out.read_bytes() == b"attack at dawn, bring the blobs"
    key_file = tmp_path / "key.hex"
    key_file.write_text(AES.key.hex())
    out.unlink()
    assert (
        main(
            [
                "decrypt",
                str(files["data"]),
                "--key-file",
                str(key_file),
                "--alg",
                "AES_128",
                "-o",
                str(out),
            ]
        )
        == 0
    )
    assert out.read_bytes() == b"attack at dawn, bring the blobs"


def test_encrypt_then_decrypt_modes(files: dict[str, Path], tmp_path: Path) -> None:
    plain = tmp_path / "p"
    plain.write_bytes(b"0123456789abcdef" * 3)
    for mode in ("cbc", "ecb", "cfb"):
        enc, dec = tmp_path / f"e-{mode}", tmp_path / f"d-{mode}"
        assert (
            main(
                [
                    "encrypt",
                    str(plain),
                    "--key-blob",
                    str(files["ptk"]),
                    "--mode",
                    mode,
                    "--iv",
                    "00" * 16,
                    "-o",
                    str(enc),
                ]
            )
            == 0
        )
        assert enc.read_bytes() == AES.encrypt(
            plain.read_bytes(), mode=mode, iv=bytes(16)
        )
        assert (
            main(
                [
                    "decrypt",
                    str(enc),
                    "--key-blob",
                    str(files["ptk"]),
                    "--mode",
                    mode,
                    "-o",
                    str(dec),
                ]
            )
            == 0
        )
        assert dec.read_bytes() == plain.read_bytes()


def test_decrypt_errors(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["decrypt", str(files["data"]), "--key-blob", str(files["simple"])]) == 1
    )
    assert "--key" in capsys.readouterr().err
    assert main(["decrypt", str(files["data"])]) == 1
    assert "--key-blob" in capsys.readouterr().err
    assert (
        main(["decrypt", str(files["data"]), "--key-blob", str(files["blobkey"])]) == 1
    )
    assert "PLAINTEXTKEYBLOB or SIMPLEBLOB" in capsys.readouterr().err
    bad = files["data"].parent / "bad"
    bad.write_bytes(
        files["data"].read_bytes()[:-1] + bytes([files["data"].read_bytes()[-1] ^ 1])
    )
    assert main(["decrypt", str(bad), "--key-blob", str(files["ptk"])]) == 1
    assert "PaddingError" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["derive", "--alg", "NOPE", "--hash-file", "-"])
