# SPDX-License-Identifier: Apache-2.0
"""The ``seal``, ``verify`` and ``open`` subcommands (SPEC §16).

:func:`register` adds them to an ``argparse`` subparsers object. They are
built on the public API: ``blobformat`` and :mod:`blobformat.envelope`.

- ``seal`` stores a session key: from a PLAINTEXTKEYBLOB (wrapped here to
  the owner and each backup authority), or from SIMPLEBLOBs exported
  elsewhere (``CryptExportKey``), signed with the owner's key.
- ``verify`` checks an envelope against trusted keys and prints what it
  holds; nothing is decrypted.
- ``open`` recovers the session key for the owner or a backup authority,
  as a PLAINTEXTKEYBLOB (``CryptImportKey`` reads it, and ``seal
  --session-key`` re-seals it under a new key pair) or as hex.

Keys are read from PEM, DER, CryptoAPI blob or PVK files; the format is
detected. Exit codes: 0 success, 1 invalid input or failed verification
(one line on stderr), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Final

from cryptography.hazmat.primitives.asymmetric import rsa

import blobformat
from blobformat import envelope
from blobformat.cli import io as cio
from blobformat.cli.io import (
    CLIError,
    UsageError,
    hex_bytes,
)

__all__ = ["register", "run_open", "run_seal", "run_verify"]

_PROG: Final = "blobformat"


def _generation(text: str) -> int:
    try:
        value = int(text, 0)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {text!r}") from None
    if not 0 <= value < 1 << 64:
        raise argparse.ArgumentTypeError("must be in 0..2**64-1")
    return value


def _context(args: argparse.Namespace) -> bytes:
    if args.context_hex is not None:
        value: bytes = args.context_hex
        return value
    if args.context is not None:
        text: str = args.context
        return text.encode("utf-8")
    return b""


# -- commands --------------------------------------------------------------------


def _run(command: str, args: argparse.Namespace) -> int:
    """Run one command; turn every expected failure into one line and a status."""
    try:
        if command == "seal":
            return _seal(args)
        if command == "verify":
            return _verify(args)
        return _open(args)
    except blobformat.BlobError as err:
        print(f"{_PROG} {command}: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    except CLIError as err:
        print(f"{_PROG} {command}: {err}", file=sys.stderr)
        return 1
    except UsageError as err:
        print(f"{_PROG} {command}: usage error: {err}", file=sys.stderr)
        return 2


def run_seal(args: argparse.Namespace) -> int:
    """``blobformat seal``: store a session key in a signed envelope.

    :returns: the exit status.
    """
    return _run("seal", args)


def run_verify(args: argparse.Namespace) -> int:
    """``blobformat verify``: check an envelope and print its contents.

    :returns: the exit status.
    """
    return _run("verify", args)


def run_open(args: argparse.Namespace) -> int:
    """``blobformat open``: verify an envelope and recover its session key.

    :returns: the exit status.
    """
    return _run("open", args)


def _seal(args: argparse.Namespace) -> int:
    password = cio.password(args.password_file)
    if args.session_key is not None and args.backup_blob:
        raise UsageError(
            "--backup-blob goes with --blob; with --session-key use --backup"
        )
    if args.blob is not None and args.backup:
        raise UsageError(
            "--backup needs --session-key to wrap the key; with --blob use --backup-blob"
        )
    owner = cio.private_key(args.key, password)
    options = {
        "context": _context(args),
        "label": args.label,
        "generation": args.generation,
    }
    if args.session_key is not None:
        session_key = blobformat.load_session_key_blob(cio.read(args.session_key))
        backups = [cio.public_key(path, password) for path in args.backup]
        out = envelope.store_session_key(
            session_key, owner, backup=backups, oaep=args.oaep, **options
        )
    else:
        recipients = [envelope.Recipient(cio.read(args.blob), oaep=args.oaep)]
        for blob_path, key_path in args.backup_blob:
            recipients.append(
                envelope.Recipient(
                    cio.read(blob_path),
                    cio.public_key(key_path, password),
                    role=envelope.Role.BACKUP,
                    oaep=args.oaep,
                )
            )
        out = envelope.seal(recipients, owner, **options)
    cio.write(args.output, out, secret=False, what="a binary envelope")
    return 0


def _trusted(
    args: argparse.Namespace, password: bytes | None
) -> list[rsa.RSAPublicKey]:
    return [cio.public_key(path, password) for path in args.trusted]


def _describe(opened: envelope.SealedEnvelope, size: int) -> dict[str, object]:
    return {
        "valid": True,
        "size": size,
        "suite": opened.suite,
        "signer_key_id": opened.signer_key_id.hex(),
        "label": opened.label,
        "generation": opened.generation,
        "key_alg": opened.key_alg.name,
        "entries": [
            {
                "role": entry.role.name.lower(),
                "padding": "oaep" if entry.oaep else "pkcs1v15",
                "recipient_key_id": entry.recipient_key_id.hex(),
            }
            for entry in opened.entries
        ],
    }


def _verify(args: argparse.Namespace) -> int:
    password = cio.password(args.password_file)
    data = cio.read(args.envelope)
    opened = envelope.open_sealed(
        data,
        _trusted(args, password),
        context=_context(args),
        min_generation=args.min_generation,
    )
    doc = _describe(opened, len(data))
    if args.json:
        print(json.dumps(doc, indent=2))
        return 0
    print(f"OK: envelope verified ({len(data)} bytes, suite {opened.suite})")
    print(f"signer key id:  {doc['signer_key_id']}")
    print(f"label:          {opened.label!r}")
    print(f"generation:     {opened.generation}")
    print(f"session key:    {opened.key_alg.name}")
    for entry in opened.entries:
        padding = "OAEP" if entry.oaep else "PKCS#1 v1.5"
        print(
            f"entry:          {entry.role.name.lower():<6}  {padding:<11}  "
            f"key id {entry.recipient_key_id.hex()}"
        )
    return 0


def _open(args: argparse.Namespace) -> int:
    password = cio.password(args.password_file)
    private_key = cio.private_key(args.key, password)
    trusted = _trusted(args, password) or None
    session_key = envelope.load_session_key(
        cio.read(args.envelope),
        private_key,
        trusted=trusted,
        context=_context(args),
        min_generation=args.min_generation,
    )
    if args.format == "hex":
        _write_hex(args.output, session_key.key.hex(), force=args.force)
        return 0
    blob = blobformat.PlaintextKeyBlob(key_alg=session_key.alg_id, key=session_key.key)
    cio.write(
        args.output,
        blob.to_bytes(),
        secret=True,
        what="a binary PLAINTEXTKEYBLOB",
        force=args.force,
    )
    return 0


def _write_hex(path: str | None, text: str, *, force: bool) -> None:
    if path is None or path == "-":
        print(text)
        return
    data = (text + "\n").encode("ascii")
    cio.write(path, data, secret=True, what="the key", binary=False, force=force)


# -- registration ----------------------------------------------------------------


def _add_common(p: argparse.ArgumentParser) -> None:
    group = p.add_mutually_exclusive_group()
    group.add_argument(
        "--context",
        metavar="TEXT",
        help="application context (UTF-8), e.g. the slot name",
    )
    group.add_argument(
        "--context-hex",
        metavar="HEX",
        type=hex_bytes,
        help="application context as hex",
    )
    p.add_argument(
        "--password-file",
        metavar="FILE",
        help="password of an encrypted PVK or PEM key (one trailing newline is ignored)",
    )


def _add_verify_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--min-generation",
        metavar="N",
        type=_generation,
        help="reject envelopes with a lower generation (rollback protection)",
    )


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``seal``, ``verify`` and ``open`` subcommands.

    Each subcommand sets ``func`` to a callable taking the parsed arguments
    and returning the exit status.

    :param subparsers: the object ``ArgumentParser.add_subparsers()`` returned.
    """
    p = subparsers.add_parser(
        "seal",
        help="store a session key in a signed envelope",
        description="Sign a session key into an envelope (SPEC §16): wrapped to the "
        "owner's key and to each backup authority, signed with the owner's key. Keys are "
        "PEM, DER, CryptoAPI blob or PVK files.",
    )
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--session-key",
        metavar="FILE",
        help="the session key as a PLAINTEXTKEYBLOB (wrapped here)",
    )
    source.add_argument(
        "--blob",
        metavar="FILE",
        help="a SIMPLEBLOB already wrapped to the owner's key (e.g. from CryptExportKey)",
    )
    p.add_argument(
        "--key", required=True, metavar="FILE", help="the owner's RSA private key"
    )
    p.add_argument(
        "--backup",
        action="append",
        default=[],
        metavar="FILE",
        help="a backup authority's public key (with --session-key; repeatable)",
    )
    p.add_argument(
        "--backup-blob",
        action="append",
        default=[],
        nargs=2,
        metavar=("BLOB", "KEY"),
        help="a SIMPLEBLOB wrapped to a backup authority's KEY (with --blob; repeatable)",
    )
    p.add_argument(
        "--oaep",
        action="store_true",
        help="the SIMPLEBLOBs use OAEP (CRYPT_OAEP) padding",
    )
    p.add_argument("--label", default="", help="signed description (at most 255 bytes)")
    p.add_argument("--generation", type=_generation, default=0, help="signed counter")
    p.add_argument(
        "-o", "--output", metavar="FILE", help="output file (default: stdout)"
    )
    _add_common(p)
    p.set_defaults(func=run_seal)

    p = subparsers.add_parser(
        "verify",
        help="verify a signed envelope and print what it holds",
        description="Verify an envelope against trusted signer keys; nothing is decrypted.",
    )
    p.add_argument("envelope", help="envelope file ('-' for stdin)")
    p.add_argument(
        "--trusted",
        action="append",
        required=True,
        metavar="FILE",
        help="a signer key to accept (public or private key file; repeatable)",
    )
    p.add_argument("--json", action="store_true", help="machine-readable output")
    _add_verify_options(p)
    _add_common(p)
    p.set_defaults(func=run_verify)

    p = subparsers.add_parser(
        "open",
        help="verify an envelope and recover its session key",
        description="Verify an envelope, then unwrap the entry for --key. The owner "
        "needs only its key; a backup authority adds --trusted OWNER_PUBLIC_KEY.",
    )
    p.add_argument("envelope", help="envelope file ('-' for stdin)")
    p.add_argument(
        "--key", required=True, metavar="FILE", help="the recipient's RSA private key"
    )
    p.add_argument(
        "--trusted",
        action="append",
        default=[],
        metavar="FILE",
        help="a signer key to accept (default: the public half of --key)",
    )
    p.add_argument(
        "--format",
        choices=["blob", "hex"],
        default="blob",
        help="blob: a PLAINTEXTKEYBLOB, for CryptImportKey or 'seal --session-key' "
        "(default); hex: the key bytes in hex",
    )
    p.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="output file, created mode 0600, never through a symbolic link (default: stdout)",
    )
    cio.add_force(p)
    _add_verify_options(p)
    _add_common(p)
    p.set_defaults(func=run_open)
