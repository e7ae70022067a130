# SPDX-License-Identifier: Apache-2.0
"""CLI commands for session keys: ``unwrap``, ``derive``, ``decrypt``, ``encrypt``.

The analyst's workflow: recover a session key from a SIMPLEBLOB with the
private key (``unwrap``) or from a password (``derive``), then decrypt data
the way ``CryptDecrypt`` would (``decrypt``). Built on the public API only.

Key material is read from files (``--key-file``, ``--salt-file``,
``--hash-file``, ``--password-file``; ``-`` is stdin), never from the
command line, where ``ps`` and ``/proc/PID/cmdline`` show it to others.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import Any

import blobformat
from blobformat.cli import io as cio

__all__ = ["register"]


def alg_id(name: str) -> blobformat.AlgId:
    """Parse an ALG_ID name: ``CALG_RC4``, ``rc4``, ``SHA256``, ``sha_256``..."""
    wanted = name.upper().replace("-", "_")
    if not wanted.startswith("CALG_"):
        wanted = "CALG_" + wanted
    candidates = {
        wanted,
        wanted.replace("SHA_", "SHA"),
        wanted.replace("SHA", "SHA_", 1),
    }
    for candidate in candidates:
        if candidate in blobformat.AlgId.__members__:
            return blobformat.AlgId[candidate]
    raise argparse.ArgumentTypeError(f"unknown algorithm {name!r}")


def _emit_key(
    key: blobformat.SessionKey, fmt: str, output: str | None, *, force: bool
) -> None:
    if fmt == "blob":
        blob = blobformat.plaintext_key_blob(key)
        cio.write(output, blob, secret=True, what="a PLAINTEXTKEYBLOB", force=force)
    elif fmt == "raw":
        cio.write(output, key.key, secret=True, what="raw key bytes", force=force)
    else:
        doc = {
            "alg_id": key.alg_id.name,
            "bits": 8 * len(key.key),
            "key": key.key.hex(),
            "salt": key.salt.hex(),
            "effective_bits": key.effective_bits,
        }
        text = (
            json.dumps(doc)
            if fmt == "json"
            else (
                f"{key.alg_id.name} {8 * len(key.key)}-bit key: {key.key.hex()}"
                + (
                    f"\nsalt ({len(key.salt)} bytes): {key.salt.hex()}"
                    if key.salt
                    else ""
                )
            )
        )
        data = (text + "\n").encode()
        cio.write(output, data, secret=True, what="the key", binary=False, force=force)


def _cmd_unwrap(args: argparse.Namespace) -> int:
    password = cio.password(args.password_file)
    private = cio.private_key(args.key, password)
    key = blobformat.unwrap_session_key(
        cio.read(args.blob), private, oaep=args.oaep, no_salt=args.no_salt
    )
    _emit_key(key, args.to, args.output, force=args.force)
    return 0


def _cmd_derive(args: argparse.Namespace) -> int:
    common: dict[str, Any] = {
        "key_bits": args.key_bits,
        "create_salt": args.create_salt,
        "provider": args.provider,
    }
    cio.one_stdin(args.password_file, args.hash_file)
    if args.hash_file is not None:
        if args.password_file is not None:
            raise cio.UsageError("give --password-file or --hash-file, not both")
        hash_value = cio.hex_file(args.hash_file, "the hash value")
        key = blobformat.derive_key(hash_value, args.alg, hash_alg=args.hash, **common)
    else:
        if args.password_file is None:
            raise cio.CLIError("give --password-file or --hash-file")
        secret = cio.password(args.password_file) or b""
        key = blobformat.derive_key_from_password(
            secret, args.alg, hash_alg=args.hash, **common
        )
    _emit_key(key, args.to, args.output, force=args.force)
    return 0


def _session_key(args: argparse.Namespace) -> blobformat.SessionKey:
    cio.one_stdin(
        args.input,
        args.key_blob,
        args.key,
        args.password_file,
        args.key_file,
        args.salt_file,
    )
    if args.key_blob is not None and args.key_file is not None:
        raise cio.UsageError("give --key-blob or --key-file, not both")
    if args.key_blob is not None:
        data = cio.read(args.key_blob)
        blob = blobformat.parse(data)
        if isinstance(blob, blobformat.SimpleBlob):
            if args.key is None:
                raise cio.CLIError("a SIMPLEBLOB needs --key PRIVATE to unwrap it")
            password = cio.password(args.password_file)
            key = blobformat.unwrap_session_key(
                data,
                cio.private_key(args.key, password),
                oaep=args.oaep,
                no_salt=args.no_salt,
            )
        elif isinstance(blob, blobformat.PlaintextKeyBlob):
            key = blobformat.load_session_key_blob(data, no_salt=args.no_salt)
        else:
            raise cio.CLIError(
                f"--key-blob must be a PLAINTEXTKEYBLOB or SIMPLEBLOB, not a {type(blob).KIND}"
            )
    elif args.key_file is not None:
        if args.alg is None:
            raise cio.CLIError("--key-file needs --alg")
        raw = cio.hex_file(args.key_file, "the key")
        key = blobformat.SessionKey(alg_id=args.alg, key=raw)
    else:
        raise cio.CLIError("give --key-blob or --key-file")
    changes: dict[str, Any] = {}
    if args.salt_file is not None:
        changes["salt"] = cio.hex_file(args.salt_file, "the salt")
    if args.effective_bits is not None:
        changes["effective_bits"] = args.effective_bits
    if changes:
        import dataclasses

        key = dataclasses.replace(key, **changes)
    return key


def _crypt(args: argparse.Namespace, *, decrypt: bool) -> int:
    key = _session_key(args)
    data = cio.read(args.input)
    run = key.decrypt if decrypt else key.encrypt
    cio.write(
        args.output,
        run(data, mode=args.mode, iv=args.iv, final=not args.no_final),
        secret=decrypt,
        what="binary data",
        force=args.force,
    )
    return 0


def _cmd_decrypt(args: argparse.Namespace) -> int:
    return _crypt(args, decrypt=True)


def _cmd_encrypt(args: argparse.Namespace) -> int:
    return _crypt(args, decrypt=False)


def _key_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--key-blob", help="PLAINTEXTKEYBLOB, or SIMPLEBLOB with --key")
    p.add_argument(
        "--key", help="RSA private key (blob, PVK, PEM, DER) for a SIMPLEBLOB"
    )
    p.add_argument("--password-file", help="password of an encrypted PVK/PEM --key")
    p.add_argument("--oaep", action="store_true", help="the SIMPLEBLOB uses OAEP")
    p.add_argument(
        "--key-file",
        metavar="FILE",
        help="file holding the raw key bytes as hex text ('-' for stdin; with --alg)",
    )
    p.add_argument(
        "--alg", type=alg_id, help="algorithm of --key-file, e.g. CALG_AES_128"
    )
    p.add_argument(
        "--salt-file",
        metavar="FILE",
        help="file holding the salt of an RC2/RC4 key as hex text ('-' for stdin)",
    )
    p.add_argument("--no-salt", action="store_true", help="as CRYPT_NO_SALT on import")
    p.add_argument("--effective-bits", type=int, help="RC2 effective key length")
    p.add_argument("--mode", choices=["cbc", "ecb", "cfb"], default="cbc")
    p.add_argument("--iv", type=cio.hex_bytes, help="IV in hex (default: all zero)")
    p.add_argument(
        "--no-final", action="store_true", help="not the final block (no padding)"
    )
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    cio.add_force(p)


Handler = Callable[[argparse.Namespace], int]


def _guard(func: Handler) -> Handler:
    def run(args: argparse.Namespace) -> int:
        try:
            return func(args)
        except cio.CLIError as err:
            print(f"blobformat: {err}", file=sys.stderr)
            return 1

    return run


def register(sub: Any) -> None:
    """Add the session-key subcommands to an argparse subparsers object."""
    p = sub.add_parser(
        "unwrap",
        help="decrypt a SIMPLEBLOB's session key with an RSA private key",
    )
    p.add_argument("blob", help="SIMPLEBLOB file")
    p.add_argument("--key", required=True, help="RSA private key (blob, PVK, PEM, DER)")
    p.add_argument("--password-file", help="password of an encrypted PVK/PEM key")
    p.add_argument(
        "--oaep", action="store_true", help="the blob was made with CRYPT_OAEP"
    )
    p.add_argument("--no-salt", action="store_true", help="as CRYPT_NO_SALT")
    p.add_argument(
        "--to",
        choices=["hex", "json", "blob", "raw"],
        default="hex",
        help="hex/json summary, PLAINTEXTKEYBLOB, or the raw key bytes",
    )
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    cio.add_force(p)
    p.set_defaults(func=_guard(_cmd_unwrap))

    p = sub.add_parser("derive", help="CryptDeriveKey from a password or a hash value")
    p.add_argument(
        "--hash",
        type=alg_id,
        default=blobformat.AlgId.CALG_SHA1,
        help="hash algorithm (MD2, MD4, MD5, SHA1, SHA_256, SHA_384, SHA_512)",
    )
    p.add_argument(
        "--alg", type=alg_id, required=True, help="key algorithm, e.g. CALG_RC4"
    )
    p.add_argument("--password-file", help="file holding the password bytes")
    p.add_argument(
        "--hash-file",
        metavar="FILE",
        help="file holding the hash object's value as hex text ('-' for stdin)",
    )
    p.add_argument("--key-bits", type=int, help="key length (upper 16 bits of dwFlags)")
    p.add_argument("--create-salt", action="store_true", help="CRYPT_CREATE_SALT")
    p.add_argument(
        "--provider", default="aes", choices=["base", "strong", "enhanced", "aes"]
    )
    p.add_argument("--to", choices=["hex", "json", "blob", "raw"], default="hex")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    cio.add_force(p)
    p.set_defaults(func=_guard(_cmd_derive))

    for name, handler in (("decrypt", _cmd_decrypt), ("encrypt", _cmd_encrypt)):
        p = sub.add_parser(
            name,
            help=f"{name} data as Crypt{name.capitalize()} would, with a session key",
        )
        p.add_argument("input", help="data file ('-' for stdin)")
        _key_options(p)
        p.set_defaults(func=_guard(handler))
