# SPDX-License-Identifier: Apache-2.0
"""The ``blobformat`` command line, built on the public API only.

Exit codes: 0 success, 1 invalid or unsupported input (one line on stderr
naming offset, field and SPEC rule), 2 usage error.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable, Sequence
from typing import Any

from cryptography.utils import CryptographyDeprecationWarning

import blobformat
from blobformat.cli import envelope as _cli_envelope
from blobformat.cli import io as cio
from blobformat.cli import scan as _cli_scan
from blobformat.cli import session as _cli_session
from blobformat.cli import sign as _cli_sign

__all__ = ["build_parser", "main"]

_HEX_WIDTH = 64


def _render_value(path: str, value: int | bytes | None, size: int) -> list[str]:
    """Text lines for one field value."""
    if value is None:
        return ["(absent)"]
    if isinstance(value, bytes):
        if path.endswith("magic") and all(32 <= b < 127 or b == 0 for b in value):
            return [repr(value.decode("latin-1")).replace("\\x00", "\\0")]
        if not value:
            return ["(empty)"]
        text = value.hex()
        return [text[i : i + _HEX_WIDTH] for i in range(0, len(text), _HEX_WIDTH)]
    leaf = path.rsplit(".", 1)[-1]
    if leaf == "blob_type":
        try:
            return [f"0x{value:02X} ({blobformat.BlobType(value).name})"]
        except ValueError:
            return [f"0x{value:02X}"]
    if leaf in ("key_alg", "wrap_alg"):
        try:
            return [f"0x{value:04X} ({blobformat.AlgId(value).name})"]
        except ValueError:
            return [f"0x{value:08X}"]
    if size <= 4:
        return [str(value)]
    text = f"{value:0{2 * size}x}"
    lines = [text[i : i + _HEX_WIDTH] for i in range(0, len(text), _HEX_WIDTH)]
    lines[0] = "0x" + lines[0]
    lines[-1] += f"  ({value.bit_length()} bits, big-endian hex)"
    return lines


def _spans(blob: blobformat.AnyBlob, show_private: bool) -> list[dict[str, Any]]:
    """Every field of ``blob`` (and of a PVK file's inner blob), in order."""
    out: list[dict[str, Any]] = []
    secret_source: dict[str, int | bytes | None] = {}
    if show_private:
        secret_source = {
            s.path: _secret_value(blob, s.path) for s in blob.layout() if s.secret
        }
    for span in blob.layout():
        value = span.value
        if span.secret and show_private:
            value = secret_source.get(span.path)
        out.append(
            {
                "path": span.path,
                "offset": span.offset,
                "size": span.size,
                "value": value,
                "secret": span.secret,
                "hidden": span.secret and not show_private,
            }
        )
    if isinstance(blob, blobformat.PVKFile) and blob.blob is not None:
        base = 24 + len(blob.salt)
        out = [s for s in out if s["path"] != "key"]
        for inner in _spans(blob.blob, show_private):
            inner["path"] = "key." + inner["path"]
            inner["offset"] += base
            out.append(inner)
    return out


def _secret_value(blob: blobformat.AnyBlob, path: str) -> int | bytes | None:
    if isinstance(blob, blobformat.PVKFile):
        return blob.key_data if path == "key" else None
    value = getattr(blob, path, None)
    return value if isinstance(value, int | bytes) else None


def _summary(blob: blobformat.AnyBlob, size: int) -> str:
    kind = type(blob)
    parts = [f"{kind.KIND} ({kind.__name__})", f"{size} bytes"]
    if isinstance(blob, cio.CNG_MODELS):
        # CNG: the magic at offset 0 names the blob; numbers are big-endian as stored.
        parts[1:1] = [blob.blob_name, f"magic {blob.magic.decode('latin-1')}"]
        return ", ".join(parts)
    header = blob.header
    if not isinstance(blob, blobformat.PVKFile):
        parts.insert(1, type(blob).BLOB_TYPE.name)
        parts.insert(2, f"version {header.version}")
        alg = header.key_alg
        parts.insert(
            3,
            alg.name if isinstance(alg, blobformat.AlgId) else f"aiKeyAlg 0x{alg:08X}",
        )
    return ", ".join(parts)


def _inspect_text(blob: blobformat.AnyBlob, size: int, show_private: bool) -> str:
    lines = [_summary(blob, size), "offset  size  field"]
    groups_seen: set[str] = set()
    for span in _spans(blob, show_private):
        parts = span["path"].split(".")
        for depth in range(1, len(parts)):
            group = ".".join(parts[:depth])
            if group not in groups_seen:
                groups_seen.add(group)
                lines.append(
                    f"{span['offset']:6d}        {'  ' * (depth - 1)}{parts[depth - 1]}"
                )
        depth = span["path"].count(".")
        name = "  " * depth + span["path"].rsplit(".", 1)[-1]
        if span["hidden"]:
            bits = _secret_bits(blob, span["path"])
            rendered = [f"(secret{bits}; --show-private shows it)"]
        else:
            rendered = _render_value(span["path"], span["value"], span["size"])
        head = f"{span['offset']:6d} {span['size']:5d}  {name:<24} "
        lines.append(head + rendered[0])
        lines.extend(" " * len(head) + more for more in rendered[1:])
    for tol in getattr(blob, "tolerated", ()):
        lines.append(
            f"tolerated: {tol.kind} at offset {tol.offset}: {tol.detail} [SPEC {tol.rule}]"
        )
    return "\n".join(lines)


def _secret_bits(blob: blobformat.AnyBlob, path: str) -> str:
    target: object = blob
    if isinstance(blob, blobformat.PVKFile) and path.startswith("key.") and blob.blob:
        target, path = blob.blob, path[4:]
    value = getattr(target, path, None)
    if isinstance(value, int):
        return f", {value.bit_length()} bits"
    if isinstance(value, bytes):
        return f", {len(value)} bytes"
    return ""


def _jsonable(value: int | bytes | None, size: int) -> Any:
    if value is None or (isinstance(value, int) and size <= 4):
        return value
    if isinstance(value, bytes):
        return value.hex()
    return f"{value:0{2 * size}x}"


def _inspect_json(blob: blobformat.AnyBlob, size: int, show_private: bool) -> str:
    head: dict[str, Any]
    if isinstance(blob, cio.CNG_MODELS):
        head = {"cng_blob": blob.blob_name, "magic": blob.magic.decode("latin-1")}
    else:
        header = blob.header
        head = {
            "blob_type": int(header.blob_type),
            "version": header.version,
            "key_alg": int(header.key_alg),
        }
    doc = {
        "kind": type(blob).__name__,
        "description": type(blob).KIND,
        "size": size,
        "header": head,
        "fields": [
            {
                "path": s["path"],
                "offset": s["offset"],
                "size": s["size"],
                "secret": s["secret"],
                "value": None if s["hidden"] else _jsonable(s["value"], s["size"]),
            }
            for s in _spans(blob, show_private)
        ],
        "tolerated": [
            {"kind": t.kind, "offset": t.offset, "detail": t.detail, "rule": t.rule}
            for t in getattr(blob, "tolerated", ())
        ],
    }
    return json.dumps(doc, indent=2)


def _cmd_inspect(args: argparse.Namespace) -> int:
    data = cio.read(args.file)
    blob = blobformat.parse(data, lenient=args.lenient)
    render = _inspect_json if args.json else _inspect_text
    print(render(blob, len(data), args.show_private))
    return 0


# -- convert -------------------------------------------------------------------


def _alg_option(name: str | None) -> blobformat.AlgId | None:
    if name is None:
        return None
    try:
        return blobformat.AlgId[name]
    except KeyError:
        raise cio.CLIError(f"unknown ALG_ID name {name!r}") from None


def _cmd_convert(args: argparse.Namespace) -> int:
    from cryptography.hazmat.primitives import serialization

    password = cio.password(args.password_file)
    alg = _alg_option(args.alg_id)
    data = cio.read(args.input)
    if args.to in ("blob", "cng") and not (
        args.public or args.ecdh or args.blob_version
    ):
        blob = cio.key_blob(args.input, data)
        if blob is not None and _crosses(blob, args.to):
            # RSA, DSA and DH move between the layouts directly (SPEC §20.11).
            out = blobformat.convert_blob(
                data, to="cng" if args.to == "cng" else "capi", alg_id=alg
            )
            _write_key(args, out, secret=_is_private_blob(blob))
            return 0
    if args.to in ("pem", "der"):
        blob = cio.key_blob(args.input, data)
        if isinstance(blob, cio.CNG_MODELS):
            if blob.role == "symmetric":
                raise cio.CLIError(
                    f"{args.input} holds a {type(blob).KIND} blob, not a key"
                )
        elif (
            blob is not None
            and not isinstance(blob, blobformat.PVKFile)
            and (
                blob.header.blob_type
                not in (
                    blobformat.BlobType.PUBLICKEYBLOB,
                    blobformat.BlobType.PRIVATEKEYBLOB,
                )
            )
        ):
            raise cio.CLIError(
                f"{args.input} holds a {type(blob).KIND} blob, not a key"
            )
        if blob is not None:
            # A blob or PVK file becomes PKCS#8 / SubjectPublicKeyInfo directly,
            # for DSS and DH too (CryptoAPI or CNG), without cryptography's
            # deprecated key classes.
            public = args.public or (
                not isinstance(blob, blobformat.PVKFile) and not _is_private_blob(blob)
            )
            if public:
                out = blobformat.export_public_key(
                    blob, encoding=args.to, password=password
                )
            else:
                out = blobformat.export_private_key(
                    blob, encoding=args.to, password=password
                )
            _write_key(args, out, secret=not public)
            return 0
    key: Any = cio.load_key_from(args.input, data, password)
    encoding = (
        serialization.Encoding.PEM if args.to == "pem" else serialization.Encoding.DER
    )
    if blobformat.is_private_key(key) and not args.public:
        if args.to == "cng":
            out = blobformat.dump_private_key(
                key, format="cng", ecdh=args.ecdh, version=args.blob_version
            )
        elif args.to == "blob":
            out = blobformat.dump_private_key(
                key, alg_id=alg, version=args.blob_version
            )
        elif args.to == "pvk":
            strength = "weak" if args.weak else "strong"
            out = blobformat.dump_pvk(key, password, strength=strength)
        else:
            out = key.private_bytes(
                encoding,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        _write_key(args, out, secret=True)
        return 0
    public_key = key.public_key() if blobformat.is_private_key(key) else key
    if args.to == "pvk":
        raise cio.CLIError("a PVK file holds a private key; the input is a public key")
    if args.to == "cng":
        out = blobformat.dump_public_key(
            public_key, format="cng", ecdh=args.ecdh, version=args.blob_version
        )
    elif args.to == "blob":
        out = blobformat.dump_public_key(
            public_key, alg_id=alg, version=args.blob_version
        )
    else:
        out = public_key.public_bytes(
            encoding, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    _write_key(args, out, secret=False)
    return 0


_CAPI_KEY_BLOBS = (
    blobformat.RSAPublicKeyBlob,
    blobformat.RSAPrivateKeyBlob,
    blobformat.DSSPublicKeyBlob,
    blobformat.DSSPrivateKeyBlob,
    blobformat.DSSPublicKeyBlobV3,
    blobformat.DSSPrivateKeyBlobV3,
    blobformat.DHPublicKeyBlob,
    blobformat.DHPrivateKeyBlob,
    blobformat.DHPublicKeyBlobV3,
    blobformat.DHPrivateKeyBlobV3,
)


def _crosses(blob: blobformat.AnyBlob | None, to: str) -> bool:
    """Whether ``blob`` is a key blob of the other family than ``--to`` names."""
    if isinstance(blob, cio.CNG_MODELS):
        return to == "blob" and blob.role != "symmetric"
    return to == "cng" and isinstance(blob, _CAPI_KEY_BLOBS)


def _is_private_blob(blob: blobformat.AnyBlob) -> bool:
    if isinstance(blob, cio.CNG_MODELS):
        return blob.role == "private"
    return bool(blob.header.blob_type == blobformat.BlobType.PRIVATEKEYBLOB)


def _write_key(args: argparse.Namespace, out: bytes, *, secret: bool) -> None:
    cio.write(
        args.output,
        out,
        secret=secret,
        what=f"{args.to} key data",
        binary=args.to != "pem",
        force=args.force,
    )


def build_parser() -> argparse.ArgumentParser:
    """Build the ``blobformat`` argument parser (also used by the docs' CLI reference)."""
    parser = argparse.ArgumentParser(
        prog="blobformat",
        description="Inspect, convert and find Windows CryptoAPI key BLOBs and PVK files.",
    )
    parser.add_argument("--version", action="version", version=blobformat.__version__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("inspect", help="print a blob's fields with their offsets")
    p.add_argument("file", help="blob or PVK file ('-' for stdin)")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--show-private", action="store_true", help="also print secret key material"
    )
    p.add_argument(
        "--lenient",
        action="store_true",
        help="forensic mode: accept trailing bytes and shortened private blobs",
    )
    p.set_defaults(func=_cmd_inspect)

    p = sub.add_parser(
        "convert",
        help="convert a key between blob, PVK, PEM and DER",
        description="Convert a key. The input format (CryptoAPI blob, PVK, PEM or DER) "
        "is detected; PEM/DER output is PKCS#8 or SubjectPublicKeyInfo.",
    )
    p.add_argument("input", help="input file ('-' for stdin)")
    p.add_argument("-o", "--output", help="output file (default: stdout)")
    cio.add_force(p)
    p.add_argument(
        "--to",
        required=True,
        choices=["pem", "der", "blob", "pvk", "cng"],
        help="blob: CryptoAPI blob; cng: CNG (bcrypt.h) blob",
    )
    p.add_argument(
        "--ecdh", action="store_true", help="cng output of an EC key: ECDH magics (ECK)"
    )
    p.add_argument("--public", action="store_true", help="write the public key only")
    p.add_argument(
        "--password-file",
        help="file holding the password: decrypts an encrypted input and encrypts "
        "PVK output (PEM/DER output is written unencrypted)",
    )
    p.add_argument("--weak", action="store_true", help="PVK output: 40-bit RC4")
    p.add_argument("--alg-id", help="blob output: aiKeyAlg name, e.g. CALG_RSA_SIGN")
    p.add_argument(
        "--blob-version",
        type=int,
        choices=[1, 2, 3],
        help="blob output version (CryptoAPI DSS/DH: 2 or 3; CNG DSA: 1 or 2)",
    )
    p.set_defaults(func=_cmd_convert)

    # Session keys and the signed envelope live in their own modules.
    _cli_session.register(sub)
    _cli_envelope.register(sub)
    # Signatures and PFX files (SPEC §15.9, §14.8).
    _cli_sign.register(sub)
    _cli_scan.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code.

    :param argv: arguments without the program name (default: ``sys.argv[1:]``).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        with warnings.catch_warnings():
            # The command line is an application: cryptography's deprecation of
            # DSA and DH keys (and blobformat's LegacyKeyWarning, its subclass)
            # concern Python callers, not the person converting a key (SPEC §14.4).
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            return func(args)
    except BrokenPipeError:
        # The reader went away (``| head``): not an error of ours.
        sys.stderr.close()
        return 0
    except blobformat.BlobError as err:
        print(f"blobformat: {type(err).__name__}: {err}", file=sys.stderr)
        return 1
    except cio.CLIError as err:
        print(f"blobformat: {err}", file=sys.stderr)
        return 1
    except cio.UsageError as err:
        print(f"blobformat: usage error: {err}", file=sys.stderr)
        return 2
