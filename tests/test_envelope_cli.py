"""``blobformat seal | verify | open`` (blobformat.cli.envelope)."""

from __future__ import annotations

import argparse
import ast
import json
import os
import stat
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

import blobformat
from blobformat.cli import envelope as _cli_envelope
from blobformat.constants import AlgId
from blobformat.envelope import store as envelope
from tests.envelope_spec import key, pub, simple_blob

SESSION = bytes(range(100, 132))


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="blobformat")
    sub = p.add_subparsers(dest="command", required=True)
    _cli_envelope.register(sub)
    return p


def run(argv: Sequence[object]) -> int:
    args = parser().parse_args([str(a) for a in argv])
    status: int = args.func(args)
    return status


def usage_status(argv: Sequence[object]) -> int:
    with pytest.raises(SystemExit) as info:
        run(argv)
    return int(str(info.value.code))


def one_error_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    """Keys in every supported format, a session key and a password file."""
    paths = {
        "owner.pem": tmp_path / "owner.pem",
        "owner.pub.pem": tmp_path / "owner.pub.pem",
        "owner.pvk": tmp_path / "owner.pvk",
        "owner.blob": tmp_path / "owner.blob",
        "owner.pub.blob": tmp_path / "owner.pub.blob",
        "owner.der": tmp_path / "owner.der",
        "backup1.pub.blob": tmp_path / "backup1.pub.blob",
        "backup1.enc.pem": tmp_path / "backup1.enc.pem",
        "backup2.pub.pem": tmp_path / "backup2.pub.pem",
        "backup2.pem": tmp_path / "backup2.pem",
        "attacker.pem": tmp_path / "attacker.pem",
        "password": tmp_path / "password.txt",
        "session.blob": tmp_path / "session.blob",
    }
    plain = serialization.NoEncryption()
    pkcs8 = serialization.PrivateFormat.PKCS8
    pem = serialization.Encoding.PEM
    spki = serialization.PublicFormat.SubjectPublicKeyInfo
    paths["owner.pem"].write_bytes(key("owner").private_bytes(pem, pkcs8, plain))
    paths["owner.pub.pem"].write_bytes(pub("owner").public_bytes(pem, spki))
    paths["owner.pvk"].write_bytes(blobformat.dump_pvk(key("owner"), b"s3cret"))
    paths["owner.blob"].write_bytes(blobformat.dump_private_key(key("owner")))
    paths["owner.pub.blob"].write_bytes(blobformat.dump_public_key(pub("owner")))
    paths["owner.der"].write_bytes(
        key("owner").private_bytes(serialization.Encoding.DER, pkcs8, plain)
    )
    paths["backup1.pub.blob"].write_bytes(blobformat.dump_public_key(pub("backup1")))
    paths["backup1.enc.pem"].write_bytes(
        key("backup1").private_bytes(
            pem, pkcs8, serialization.BestAvailableEncryption(b"s3cret")
        )
    )
    paths["backup2.pub.pem"].write_bytes(pub("backup2").public_bytes(pem, spki))
    paths["backup2.pem"].write_bytes(key("backup2").private_bytes(pem, pkcs8, plain))
    paths["attacker.pem"].write_bytes(key("attacker").private_bytes(pem, pkcs8, plain))
    paths["password"].write_bytes(b"s3cret\n")
    paths["session.blob"].write_bytes(
        blobformat.PlaintextKeyBlob(key_alg=AlgId.CALG_AES_256, key=SESSION).to_bytes()
    )
    return paths


def sealed(files: dict[str, Path], tmp_path: Path, *extra: str) -> Path:
    out = tmp_path / "stored.env"
    status = run(
        [
            "seal",
            "--session-key",
            files["session.blob"],
            "--key",
            files["owner.pvk"],
            "--password-file",
            files["password"],
            "--backup",
            files["backup1.pub.blob"],
            "--backup",
            files["backup2.pub.pem"],
            "--label",
            "payroll, serial 7",
            "--generation",
            "3",
            "--context",
            "slot A",
            "-o",
            out,
            *extra,
        ]
    )
    assert status == 0
    return out


def test_seal_verify_open_for_owner_and_backups(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = sealed(files, tmp_path)
    opened = envelope.open_sealed(env.read_bytes(), pub("owner"), context=b"slot A")
    assert (opened.label, opened.generation, len(opened.entries)) == (
        "payroll, serial 7",
        3,
        3,
    )

    assert (
        run(
            ["verify", env, "--trusted", files["owner.pub.blob"], "--context", "slot A"]
        )
        == 0
    )
    text = capsys.readouterr().out
    assert text.startswith("OK: envelope verified")
    assert "'payroll, serial 7'" in text and "CALG_AES_256" in text
    assert text.count("entry:") == 3

    recovered = tmp_path / "recovered.blob"
    assert (
        run(
            [
                "open",
                env,
                "--key",
                files["owner.pem"],
                "--context",
                "slot A",
                "-o",
                recovered,
            ]
        )
        == 0
    )
    assert recovered.read_bytes() == files["session.blob"].read_bytes()
    assert stat.S_IMODE(recovered.stat().st_mode) == 0o600

    # A backup authority trusts the owner's public key and unwraps its own entry.
    for private, extra in (
        (files["backup1.enc.pem"], ["--password-file", files["password"]]),
        (files["backup2.pem"], []),
    ):
        out = tmp_path / f"from-{private.stem}.blob"
        argv = [
            "open",
            env,
            "--key",
            private,
            "--trusted",
            files["owner.pub.pem"],
            "--context",
            "slot A",
            "-o",
            out,
            *extra,
        ]
        assert run(argv) == 0
        assert out.read_bytes() == files["session.blob"].read_bytes()


def test_open_as_hex_and_verify_as_json(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = sealed(files, tmp_path, "--oaep")
    capsys.readouterr()
    assert (
        run(
            [
                "open",
                env,
                "--key",
                files["owner.der"],
                "--context-hex",
                b"slot A".hex(),
                "--format",
                "hex",
            ]
        )
        == 0
    )
    assert capsys.readouterr().out.strip() == SESSION.hex()
    assert (
        run(
            [
                "verify",
                env,
                "--trusted",
                files["owner.pem"],
                "--context",
                "slot A",
                "--json",
                "--min-generation",
                "3",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["valid"] is True
    assert doc["generation"] == 3
    assert doc["signer_key_id"] == envelope.envelope_key_id(pub("owner")).hex()
    assert [e["role"] for e in doc["entries"]] == ["owner", "backup", "backup"]
    assert {e["padding"] for e in doc["entries"]} == {"oaep"}


def test_seal_existing_simpleblobs(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    owner_blob = tmp_path / "owner.simple"
    owner_blob.write_bytes(simple_blob(pub("owner"), SESSION))
    backup_blob = tmp_path / "backup.simple"
    backup_blob.write_bytes(simple_blob(pub("backup2"), SESSION))
    env = tmp_path / "stored.env"
    argv = [
        "seal",
        "--blob",
        owner_blob,
        "--backup-blob",
        backup_blob,
        files["backup2.pub.pem"],
        "--key",
        files["owner.blob"],
        "-o",
        env,
    ]
    assert run(argv) == 0
    out = tmp_path / "key.hex"
    assert (
        run(
            [
                "open",
                env,
                "--key",
                files["backup2.pem"],
                "--trusted",
                files["owner.pub.blob"],
                "--format",
                "hex",
                "-o",
                out,
            ]
        )
        == 0
    )
    assert out.read_text().strip() == SESSION.hex()
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_seal_writes_binary_to_stdout_when_it_is_not_a_terminal(
    files: dict[str, Path], capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    assert (
        run(
            [
                "seal",
                "--session-key",
                files["session.blob"],
                "--key",
                files["owner.pem"],
            ]
        )
        == 0
    )
    data = capsysbinary.readouterr().out
    assert envelope.open_sealed(data, pub("owner")).owner.role is envelope.Role.OWNER


@pytest.mark.parametrize(
    ("argv_tail", "words"),
    [
        (["--context", "slot B"], "BadSignatureError"),
        (["--context", "slot A", "--min-generation", "4"], "StaleGenerationError"),
        (["--context", "slot A", "--trusted-as-attacker"], "UnknownSignerError"),
    ],
)
def test_verify_failures_exit_1_with_one_line(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    argv_tail: list[str],
    words: str,
) -> None:
    env = sealed(files, tmp_path)
    trusted = files["owner.pub.pem"]
    if "--trusted-as-attacker" in argv_tail:
        argv_tail = [a for a in argv_tail if a != "--trusted-as-attacker"]
        trusted = files["attacker.pem"]
    capsys.readouterr()
    assert run(["verify", env, "--trusted", trusted, *argv_tail]) == 1
    line = one_error_line(capsys)
    assert words in line and line.startswith("blobformat verify: ")


def test_tampered_truncated_and_substituted_envelopes(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = sealed(files, tmp_path)
    data = bytearray(env.read_bytes())
    data[60] ^= 1
    tampered = tmp_path / "tampered.env"
    tampered.write_bytes(bytes(data))
    capsys.readouterr()
    assert (
        run(
            [
                "open",
                tampered,
                "--key",
                files["owner.pem"],
                "--context",
                "slot A",
                "--format",
                "hex",
            ]
        )
        == 1
    )
    assert "SignatureError" in one_error_line(capsys)

    truncated = tmp_path / "truncated.env"
    truncated.write_bytes(env.read_bytes()[:-1])
    assert run(["verify", truncated, "--trusted", files["owner.pem"]]) == 1
    assert "TruncatedError" in one_error_line(capsys)

    bare = tmp_path / "bare.simple"
    bare.write_bytes(simple_blob(pub("owner")))
    assert run(["open", bare, "--key", files["owner.pem"], "--format", "hex"]) == 1
    line = one_error_line(capsys)
    assert "UnsupportedBlobError" in line and "bare SIMPLEBLOB" in line


def test_open_with_a_key_that_has_no_entry(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = sealed(files, tmp_path)
    capsys.readouterr()
    argv = [
        "open",
        env,
        "--key",
        files["attacker.pem"],
        "--trusted",
        files["owner.pub.pem"],
        "--context",
        "slot A",
        "--format",
        "hex",
    ]
    assert run(argv) == 1
    assert "NoRecipientError" in one_error_line(capsys)
    assert capsys.readouterr().out == ""


def test_refuses_binary_key_material_on_a_terminal(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    env = sealed(files, tmp_path)
    capsys.readouterr()
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert run(["open", env, "--key", files["owner.pem"], "--context", "slot A"]) == 1
    assert "terminal" in one_error_line(capsys)


def test_key_file_problems_exit_1(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = sealed(files, tmp_path)
    capsys.readouterr()
    # Encrypted keys without a password.
    assert (
        run(
            [
                "open",
                env,
                "--key",
                files["backup1.enc.pem"],
                "--trusted",
                files["owner.pem"],
            ]
        )
        == 1
    )
    assert "--password-file" in one_error_line(capsys)
    assert run(["open", env, "--key", files["owner.pvk"]]) == 1
    assert "PasswordError" in one_error_line(capsys)
    # A public key where a private key is needed, a blob that is no key, a missing file.
    assert run(["open", env, "--key", files["owner.pub.pem"]]) == 1
    assert "private key" in one_error_line(capsys)
    assert run(["verify", env, "--trusted", files["session.blob"]]) == 1
    assert "not a key" in one_error_line(capsys)
    assert run(["verify", env, "--trusted", tmp_path / "missing.pem"]) == 1
    assert "cannot read" in one_error_line(capsys)
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    assert run(["verify", env, "--trusted", garbage]) == 1
    assert "cannot read the key" in one_error_line(capsys)


def test_seal_input_problems_exit_1(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    # A PLAINTEXTKEYBLOB passed where a SIMPLEBLOB belongs is refused (no secret in clear).
    argv = [
        "seal",
        "--blob",
        files["session.blob"],
        "--key",
        files["owner.pem"],
        "-o",
        tmp_path / "x",
    ]
    assert run(argv) == 1
    line = one_error_line(capsys)
    assert "ENV-11" in line and SESSION.hex() not in line
    weak = tmp_path / "weak.pem"
    weak.write_bytes(
        key("weak1024").private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    argv = [
        "seal",
        "--session-key",
        files["session.blob"],
        "--key",
        weak,
        "-o",
        tmp_path / "x",
    ]
    assert run(argv) == 1
    assert "WeakKeyError" in one_error_line(capsys)
    argv = [
        "seal",
        "--session-key",
        files["session.blob"],
        "--key",
        files["owner.pem"],
        "--label",
        "a\x1bb",
        "-o",
        tmp_path / "x",
    ]
    assert run(argv) == 1
    assert "ENV-6" in one_error_line(capsys)


def test_usage_errors_exit_2(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = sealed(files, tmp_path)
    assert usage_status(["verify", env]) == 2  # --trusted is required
    assert (
        usage_status(
            [
                "verify",
                env,
                "--trusted",
                files["owner.pem"],
                "--context",
                "a",
                "--context-hex",
                "00",
            ]
        )
        == 2
    )
    assert (
        usage_status(
            ["verify", env, "--trusted", files["owner.pem"], "--context-hex", "0g"]
        )
        == 2
    )
    assert (
        usage_status(
            ["verify", env, "--trusted", files["owner.pem"], "--min-generation", "-1"]
        )
        == 2
    )
    assert usage_status(["seal", "--key", files["owner.pem"]]) == 2  # no source
    assert (
        usage_status(
            [
                "seal",
                "--session-key",
                files["session.blob"],
                "--blob",
                env,
                "--key",
                files["owner.pem"],
            ]
        )
        == 2
    )
    assert (
        usage_status(["open", env, "--key", files["owner.pem"], "--format", "pem"]) == 2
    )
    capsys.readouterr()
    argv = [
        "seal",
        "--blob",
        env,
        "--backup",
        files["backup2.pub.pem"],
        "--key",
        files["owner.pem"],
    ]
    assert run(argv) == 2
    assert "usage error" in one_error_line(capsys)
    argv = [
        "seal",
        "--session-key",
        files["session.blob"],
        "--backup-blob",
        env,
        files["owner.pem"],
        "--key",
        files["owner.pem"],
    ]
    assert run(argv) == 2
    assert "usage error" in one_error_line(capsys)


def test_cli_module_uses_public_modules_only() -> None:
    """The commands build on the public API and the shared CLI plumbing only."""
    tree = ast.parse(Path(_cli_envelope.__file__).read_text())
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.startswith("blobformat")
        ):
            assert node.module == "blobformat" or node.module.startswith(
                "blobformat.cli"
            ), node.module
            if node.module == "blobformat":
                assert all(
                    alias.name == "envelope" or not alias.name.startswith("_")
                    for alias in node.names
                )
        if isinstance(node, ast.Import):
            for alias in node.names:
                assert not alias.name.startswith("blobformat._"), alias.name


def test_password_file_newline_handling(files: dict[str, Path], tmp_path: Path) -> None:
    env = sealed(files, tmp_path)
    for content in (b"s3cret", b"s3cret\r\n"):
        files["password"].write_bytes(content)
        out = tmp_path / "k.hex"
        argv = [
            "open",
            env,
            "--key",
            files["owner.pvk"],
            "--password-file",
            files["password"],
            "--context",
            "slot A",
            "--format",
            "hex",
            "-o",
            out,
            "--force",
        ]
        assert run(argv) == 0
        assert out.read_text().strip() == SESSION.hex()
    assert os.path.exists(out)
