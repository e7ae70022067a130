# SPDX-License-Identifier: Apache-2.0
"""Input, output and key loading shared by the CLI commands (public API only).

Keys are accepted as PEM, DER, CryptoAPI blobs or PVK files, detected from
their bytes; binary output never goes to a terminal; recovered secrets are
written to new files readable by their owner only, never through a
symbolic link, and never over an existing file without ``--force``.
"""

from __future__ import annotations

import argparse
import contextlib
import getpass
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import Final

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

import blobformat

__all__ = [
    "CLIError",
    "UsageError",
    "add_force",
    "hex_bytes",
    "hex_file",
    "key_blob",
    "load_key",
    "one_stdin",
    "password",
    "password_from",
    "private_key",
    "public_key",
    "read",
    "write",
]

_PVK_MAGIC: Final = blobformat.PVK_FILE_MAGIC.to_bytes(4, "little")


class CLIError(Exception):
    """A user-facing failure: one line on stderr, exit status 1."""


class UsageError(Exception):
    """A combination of options argparse cannot express: exit status 2."""


# -- input and output ------------------------------------------------------------


def read(path: str) -> bytes:
    """Read an input file, or standard input for ``-``."""
    try:
        return sys.stdin.buffer.read() if path == "-" else Path(path).read_bytes()
    except OSError as err:
        raise CLIError(f"cannot read {path}: {err.strerror}") from None


def write(
    path: str | None,
    data: bytes,
    *,
    secret: bool,
    what: str,
    binary: bool = True,
    force: bool = False,
) -> None:
    """Write to a file or to stdout, never binary to a terminal.

    Secret data goes to a new file created mode 0600 that is never reached
    through a symbolic link; an existing file is replaced (atomically, by a
    renamed 0600 temporary file) only with ``force``.
    """
    if path is None or path == "-":
        if binary and sys.stdout.isatty():
            raise CLIError(f"refusing to write {what} to a terminal; use -o FILE")
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        if secret:
            _write_secret(path, data, force=force)
            return
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
    except OSError as err:
        raise CLIError(f"cannot write {path}: {err.strerror}") from None


def _write_secret(path: str, data: bytes, *, force: bool) -> None:
    """Create ``path`` mode 0600 without following a symlink."""
    try:
        info: os.stat_result | None = os.lstat(path)
    except FileNotFoundError:
        info = None
    if info is not None and stat.S_ISLNK(info.st_mode):
        # A link could point the secret at a file someone else can read.
        raise CLIError(f"refusing to write a secret to {path}: it is a symbolic link")
    if info is None:
        # O_EXCL fails on any existing name, a dangling link included, so a
        # file or link created since the check above is never written through.
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        try:
            fd = os.open(path, flags, 0o600)
        except FileExistsError:
            raise CLIError(f"{path} appeared while writing; not overwritten") from None
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return
    if not force:
        raise CLIError(f"{path} exists; use --force to replace it")
    if not stat.S_ISREG(info.st_mode):
        raise CLIError(f"refusing to replace {path}: not a regular file")
    # A fresh 0600 file renamed over the old one: the old file's mode and
    # links do not carry over, and rename() replaces the name, never a target.
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix=".blobformat-", dir=directory)
    try:
        os.fchmod(fd, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise


def add_force(p: argparse.ArgumentParser) -> None:
    """Add ``--force``: the only way to write secret output over an existing file."""
    p.add_argument(
        "--force",
        action="store_true",
        help="replace an existing -o file holding secret output (a new mode 0600 file "
        "is renamed over it); without it such output is only written to a new file",
    )


def password(path: str | None) -> bytes | None:
    """The password held in ``path`` (one trailing newline removed), or ``None``."""
    if path is None:
        return None
    raw = read(path)
    # Password files usually end with one newline; it is not part of the password.
    for ending in (b"\r\n", b"\n"):
        if raw.endswith(ending):
            return raw[: -len(ending)]
    return raw


#: The forms ``password_from`` accepts; help text for options that take one.
SOURCE_HELP: Final = (
    "where the password comes from: file:PATH (one trailing newline is dropped), "
    "env:VARIABLE, or prompt (asked on the terminal); never the command line itself"
)


def password_from(
    source: str | None, *, what: str, confirm: bool = False
) -> bytes | None:
    """A password from ``file:PATH``, ``env:VARIABLE`` or ``prompt``; ``None`` if no source.

    A password given literally (OpenSSL's ``pass:``) is refused: other users
    can read a command line in ``ps`` output and ``/proc/PID/cmdline``.
    Text from a variable or the prompt is encoded as UTF-8.
    """
    if source is None:
        return None
    kind, _, rest = source.partition(":")
    if kind == "file" and rest:
        return password(rest)
    if kind == "env" and rest:
        value = os.environ.get(rest)
        if value is None:
            raise CLIError(f"the environment variable {rest} (the {what}) is not set")
        return value.encode("utf-8")
    if source == "prompt":
        try:
            first = getpass.getpass(f"{what}: ")
            if confirm and getpass.getpass(f"{what} (again): ") != first:
                raise CLIError(f"the two entries of the {what} differ")
        except (EOFError, KeyboardInterrupt):
            raise CLIError(f"no {what} entered") from None
        return first.encode("utf-8")
    if kind == "pass":
        raise UsageError(
            "passwords are not taken from the command line (other users can read it); "
            "use file:PATH, env:VARIABLE or prompt"
        )
    raise UsageError(
        f"unknown password source {source!r}: use file:PATH, env:VARIABLE or prompt"
    )


def hex_bytes(text: str) -> bytes:
    """Decode a hexadecimal command-line value."""
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise argparse.ArgumentTypeError("not an even number of hex digits") from None


def hex_file(path: str, what: str) -> bytes:
    """Bytes given as hex text in a file or on stdin (``-``); whitespace is ignored.

    Key material never goes on the command line, where other users can read
    it in ``/proc/PID/cmdline`` and ``ps`` output.
    """
    raw = read(path)
    try:
        return bytes.fromhex("".join(raw.decode("ascii").split()))
    except (UnicodeDecodeError, ValueError):
        # The message names the file, never its contents (a key).
        raise CLIError(
            f"{path}: {what} must be hex text (an even number of hex digits)"
        ) from None


def one_stdin(*paths: str | None) -> None:
    """Refuse reading two inputs from stdin (``-``)."""
    if sum(1 for path in paths if path == "-") > 1:
        raise UsageError("only one input can be read from stdin ('-')")


# -- keys ----------------------------------------------------------------------------

#: The CNG (bcrypt.h) models: their magic sits at offset 0 and they have no BLOBHEADER.
CNG_MODELS = (
    blobformat.CngRSAPublicBlob,
    blobformat.CngRSAPrivateBlob,
    blobformat.CngRSAFullPrivateBlob,
    blobformat.CngECCPublicBlob,
    blobformat.CngECCPrivateBlob,
    blobformat.CngECCFullKeyBlob,
    blobformat.CngDSAPublicBlob,
    blobformat.CngDSAPrivateBlob,
    blobformat.CngDHPublicBlob,
    blobformat.CngDHPrivateBlob,
    blobformat.CngKeyDataBlob,
)


def load_key(
    path: str, password: bytes | None
) -> blobformat.PrivateKey | blobformat.PublicKey:
    """Read an RSA, DSA, DH or EC key from PEM, DER, a CryptoAPI or CNG blob or a PVK file."""
    return load_key_from(path, read(path), password)


def load_key_from(
    path: str, data: bytes, password: bytes | None
) -> blobformat.PrivateKey | blobformat.PublicKey:
    """:func:`load_key` on bytes already read from ``path``."""
    blob = key_blob(path, data)
    key = (
        _load_text_or_der(path, data, password)
        if blob is None
        else _load_blob(path, blob, password)
    )
    if blobformat.is_private_key(key) or blobformat.is_public_key(key):
        return key
    raise CLIError(f"{path}: {type(key).__name__} keys have no CryptoAPI blob form")


def key_blob(path: str, data: bytes) -> blobformat.AnyBlob | None:
    """The parsed blob or PVK file, or None for PEM and DER input."""
    if data.lstrip().startswith(b"-----BEGIN"):
        return None
    try:
        return blobformat.parse(data)
    except blobformat.UnsupportedBlobError as err:
        if err.hint and "DER" in err.hint and not data.startswith(_PVK_MAGIC):
            return None
        raise


def _load_blob(path: str, blob: blobformat.AnyBlob, password: bytes | None) -> object:
    if isinstance(blob, blobformat.PVKFile):
        return blobformat.load_pvk(blob.to_bytes(), password)
    if isinstance(blob, CNG_MODELS):
        if blob.role == "public":
            return blobformat.load_public_key(blob)
        if blob.role == "private":
            return blobformat.load_private_key(blob)
        raise CLIError(f"{path} holds a {type(blob).KIND} blob, not a key")
    if blob.header.blob_type == blobformat.BlobType.PUBLICKEYBLOB:
        return blobformat.load_public_key(blob)
    if blob.header.blob_type == blobformat.BlobType.PRIVATEKEYBLOB:
        return blobformat.load_private_key(blob)
    raise CLIError(f"{path} holds a {type(blob).KIND} blob, not a key")


def _load_text_or_der(path: str, data: bytes, password: bytes | None) -> object:
    try:
        if data.lstrip().startswith(b"-----BEGIN"):
            if b"PRIVATE KEY-----" in data:
                encrypted = b"ENCRYPTED" in data
                if encrypted and password is None:
                    raise CLIError(
                        f"{path}: the PEM key is encrypted; give --password-file"
                    )
                return serialization.load_pem_private_key(
                    data, password=password if encrypted else None
                )
            return serialization.load_pem_public_key(data)
        return _load_der(data, password)
    except (ValueError, TypeError, UnsupportedAlgorithm) as err:
        raise CLIError(f"cannot read the key in {path}: {err}") from None


def _load_der(data: bytes, password: bytes | None) -> object:
    for attempt in (password, None):
        try:
            return serialization.load_der_private_key(data, password=attempt)
        except (ValueError, TypeError):
            continue
    return serialization.load_der_public_key(data)


def private_key(path: str, password: bytes | None) -> rsa.RSAPrivateKey:
    """Load an RSA private key from a blob, PVK, PEM or DER file."""
    key = load_key(path, password)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CLIError(f"{path}: an RSA private key is needed here")
    return key


def public_key(path: str, password: bytes | None) -> rsa.RSAPublicKey:
    """Load an RSA public key from a blob, PVK, PEM or DER file."""
    key = load_key(path, password)
    if isinstance(key, rsa.RSAPrivateKey):
        return key.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise CLIError(f"{path}: an RSA key is needed here")
    return key
