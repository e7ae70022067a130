"""CLI handling of secrets: output files and key material kept off argv."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import blobformat as bf
from blobformat.cli import io as cio
from blobformat.cli.app import main
from tests import keyfactory as kf

AES = bf.SessionKey(alg_id=bf.AlgId.CALG_AES_128, key=bytes(range(16)))
PLAIN = b"attack at dawn, bring the blobs"


@pytest.fixture
def ptk(tmp_path: Path) -> Path:
    path = tmp_path / "session.ptk"
    path.write_bytes(bf.plaintext_key_blob(AES))
    return path


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "data.enc"
    path.write_bytes(AES.encrypt(PLAIN))
    return path


def decrypt(data: Path, ptk: Path, out: Path, *extra: str) -> int:
    return main(["decrypt", str(data), "--key-blob", str(ptk), "-o", str(out), *extra])


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


# -- secret output files ----------------------------------------------------------


def test_new_secret_file_is_0600(data: Path, ptk: Path, tmp_path: Path) -> None:
    out = tmp_path / "plain"
    old = os.umask(0)
    try:
        assert decrypt(data, ptk, out) == 0
    finally:
        os.umask(old)
    assert out.read_bytes() == PLAIN
    assert mode(out) == 0o600


def test_existing_0644_file_is_not_overwritten_without_force(
    data: Path, ptk: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "plain"
    out.write_bytes(b"old")
    out.chmod(0o644)
    assert decrypt(data, ptk, out) == 1
    assert "--force" in capsys.readouterr().err
    assert out.read_bytes() == b"old"
    assert mode(out) == 0o644


def test_force_replaces_atomically_with_mode_0600(
    data: Path, ptk: Path, tmp_path: Path
) -> None:
    out = tmp_path / "plain"
    out.write_bytes(b"old")
    out.chmod(0o644)
    # A second name for the old file: writing through would change it too.
    other = tmp_path / "hardlink"
    os.link(out, other)
    assert decrypt(data, ptk, out, "--force") == 0
    assert out.read_bytes() == PLAIN
    assert mode(out) == 0o600
    assert other.read_bytes() == b"old"
    assert mode(other) == 0o644
    # No temporary file is left behind.
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        ["data.enc", "session.ptk", "plain", "hardlink"]
    )


@pytest.mark.parametrize("force", [False, True])
def test_symlink_to_another_file_is_refused(
    data: Path,
    ptk: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    force: bool,
) -> None:
    target = tmp_path / "world-readable"
    target.write_bytes(b"keep")
    target.chmod(0o644)
    link = tmp_path / "out"
    link.symlink_to(target)
    assert decrypt(data, ptk, link, *(["--force"] if force else [])) == 1
    assert "symbolic link" in capsys.readouterr().err
    assert target.read_bytes() == b"keep"
    assert mode(target) == 0o644
    assert link.is_symlink()


@pytest.mark.parametrize("force", [False, True])
def test_dangling_symlink_is_refused(
    data: Path, ptk: Path, tmp_path: Path, force: bool
) -> None:
    target = tmp_path / "created-elsewhere"
    link = tmp_path / "out"
    link.symlink_to(target)
    assert decrypt(data, ptk, link, *(["--force"] if force else [])) == 1
    assert not target.exists()
    assert link.is_symlink()


def test_link_created_after_the_check_is_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The lstat() check and the open() race: the open itself must refuse a
    # name that exists by then (O_EXCL), a dangling link included.
    target = tmp_path / "elsewhere"
    link = tmp_path / "out"
    link.symlink_to(target)

    def absent(path: str) -> os.stat_result:
        raise FileNotFoundError(path)

    monkeypatch.setattr(cio.os, "lstat", absent)
    with pytest.raises(cio.CLIError, match="appeared"):
        cio.write(str(link), b"secret", secret=True, what="x")
    assert not target.exists()


def test_every_secret_writer_refuses_an_existing_file(
    tmp_path: Path, ptk: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = kf.rsa_key()
    private = tmp_path / "key.blob"
    private.write_bytes(bf.dump_private_key(key))
    simple = tmp_path / "simple"
    simple.write_bytes(bf.wrap_session_key(AES, key.public_key()))
    password = tmp_path / "pw"
    password.write_bytes(b"pw")
    out = tmp_path / "exists"
    out.write_bytes(b"old")
    commands = [
        ["convert", str(private), "--to", "pem"],
        ["unwrap", str(simple), "--key", str(private)],
        ["derive", "--alg", "rc4", "--password-file", str(password)],
    ]
    for argv in commands:
        assert main([*argv, "-o", str(out)]) == 1, argv
        assert out.read_bytes() == b"old"
        assert main([*argv, "-o", str(out), "--force"]) == 0, argv
        assert mode(out) == 0o600
        out.write_bytes(b"old")
    capsys.readouterr()


def test_public_output_keeps_overwriting(tmp_path: Path) -> None:
    private = tmp_path / "key.blob"
    private.write_bytes(bf.dump_private_key(kf.rsa_key()))
    out = tmp_path / "pub.pem"
    out.write_bytes(b"old")
    assert (
        main(["convert", str(private), "--to", "pem", "--public", "-o", str(out)]) == 0
    )
    assert out.read_bytes().startswith(b"-----BEGIN PUBLIC KEY-----")


# -- key material is never an argument -------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["decrypt", "x", "--key-hex", "00" * 16, "--alg", "AES_128"],
        ["decrypt", "x", "--key-blob", "k", "--salt-hex", "00" * 11],
        ["encrypt", "x", "--key-hex", "00" * 16, "--alg", "AES_128"],
        ["derive", "--alg", "rc4", "--hash-value", "00" * 20],
    ],
)
def test_old_hex_flags_are_rejected(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "unrecognized arguments" in capsys.readouterr().err


def test_key_and_salt_files(tmp_path: Path, data: Path) -> None:
    rc4 = bf.SessionKey(
        alg_id=bf.AlgId.CALG_RC4, key=bytes(range(5)), salt=bytes(range(11))
    )
    enc = tmp_path / "rc4.enc"
    enc.write_bytes(rc4.encrypt(PLAIN))
    key_file = tmp_path / "k"
    key_file.write_text(" ".join(f"{b:02X}" for b in rc4.key) + "\r\n")
    salt_file = tmp_path / "s"
    salt_file.write_text(rc4.salt.hex() + "\n")
    out = tmp_path / "out"
    argv = [
        "decrypt",
        str(enc),
        "--key-file",
        str(key_file),
        "--alg",
        "rc4",
        "--salt-file",
        str(salt_file),
        "-o",
        str(out),
    ]
    assert main(argv) == 0
    assert out.read_bytes() == PLAIN


def test_bad_hex_file_names_the_file_not_its_contents(
    tmp_path: Path, data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file = tmp_path / "k"
    key_file.write_text("topsecretpassphrase")
    assert (
        main(["decrypt", str(data), "--key-file", str(key_file), "--alg", "AES_128"])
        == 1
    )
    err = capsys.readouterr().err
    assert str(key_file) in err
    assert "topsecret" not in err


def test_two_inputs_from_stdin_are_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["decrypt", "-", "--key-file", "-", "--alg", "AES_128"]) == 2
    assert "stdin" in capsys.readouterr().err


def _cmdline(pid: int) -> bytes:
    return Path(f"/proc/{pid}/cmdline").read_bytes()


@pytest.mark.skipif(not Path("/proc/self/cmdline").exists(), reason="needs /proc")
def test_secret_is_not_in_the_process_arguments(tmp_path: Path, data: Path) -> None:
    out = tmp_path / "plain"
    argv = [
        sys.executable,
        "-m",
        "blobformat",
        "decrypt",
        str(data),
        "--key-file",
        "-",
        "--alg",
        "AES_128",
        "-o",
        str(out),
    ]
    secret = AES.key.hex().encode()
    proc = subprocess.Popen(
        argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        # The CLI blocks reading the key from stdin: look at its argv meanwhile.
        deadline = time.monotonic() + 30
        cmdline = _cmdline(proc.pid)
        while b"blobformat" not in cmdline and time.monotonic() < deadline:
            time.sleep(0.01)
            cmdline = _cmdline(proc.pid)
        assert b"decrypt" in cmdline
        assert secret not in cmdline.lower()
        _, stderr = proc.communicate(secret + b"\n", timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, stderr
    assert out.read_bytes() == PLAIN
