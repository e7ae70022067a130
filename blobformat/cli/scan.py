# SPDX-License-Identifier: Apache-2.0
"""CLI command ``scan``: find key blobs in binaries, memory dumps and disk images.

One line per match (offset in hex and decimal, kind, length, a one-line
summary), or JSON lines with ``--json``; ``--extract DIR`` writes each match
to its own file, private material readable by its owner only. Several files
are scanned in parallel, one process each. The summaries name sizes and
algorithms, never a private number. Built on the public API only.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, nullcontext
from typing import Any

import blobformat
from blobformat.cli import io as cio

__all__ = ["register", "summary"]

#: Inputs below this size get no progress bar (it would only flicker).
PROGRESS_MIN_BYTES = 8 << 20


def _alg(value: object) -> str:
    if isinstance(value, blobformat.AlgId):
        return value.name
    return f"aiKeyAlg 0x{int(value):08X}" if isinstance(value, int) else str(value)


def _key_summary(blob: blobformat.Blob) -> str:
    """A line such as "RSA-2048 private, CALG_RSA_KEYX": sizes and names only."""
    public = blob.header.blob_type == blobformat.BlobType.PUBLICKEYBLOB
    role = "public" if public else "private"
    alg = _alg(blob.header.key_alg)
    if isinstance(blob, blobformat.RSAPublicKeyBlob | blobformat.RSAPrivateKeyBlob):
        return f"RSA-{blob.bit_length} {role}, {alg}, e={blob.public_exponent}"
    if isinstance(blob, blobformat.DSSPublicKeyBlob | blobformat.DSSPrivateKeyBlob):
        return f"DSS-{blob.bit_length} {role}, version 2"
    if isinstance(blob, blobformat.DSSPublicKeyBlobV3 | blobformat.DSSPrivateKeyBlobV3):
        return f"DSS-{blob.bit_length_p}/{blob.bit_length_q} {role}, version 3"
    if isinstance(blob, blobformat.DHPublicKeyBlob | blobformat.DHPrivateKeyBlob):
        return f"DH-{blob.bit_length} {role}, {alg}, version 2"
    if isinstance(blob, blobformat.DHPublicKeyBlobV3 | blobformat.DHPrivateKeyBlobV3):
        q = f"/{blob.bit_length_q}" if blob.bit_length_q else ""
        return f"DH-{blob.bit_length_p}{q} {role}, {alg}, version 3"
    return type(blob).KIND


_CNG = (
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


def _cng_summary(
    blob: blobformat.CngRSAPublicBlob
    | blobformat.CngRSAPrivateBlob
    | blobformat.CngRSAFullPrivateBlob
    | blobformat.CngECCPublicBlob
    | blobformat.CngECCPrivateBlob
    | blobformat.CngECCFullKeyBlob
    | blobformat.CngDSAPublicBlob
    | blobformat.CngDSAPrivateBlob
    | blobformat.CngDHPublicBlob
    | blobformat.CngDHPrivateBlob
    | blobformat.CngKeyDataBlob,
) -> str:
    """A CNG blob's kind and sizes (SPEC §20), never its numbers."""
    role = "private" if type(blob).SECRET else "public"
    if isinstance(
        blob,
        blobformat.CngRSAPublicBlob
        | blobformat.CngRSAPrivateBlob
        | blobformat.CngRSAFullPrivateBlob,
    ):
        return f"CNG RSA-{blob.bit_length} {role} ({blob.magic.decode('ascii')})"
    if isinstance(blob, blobformat.CngECCPublicBlob | blobformat.CngECCPrivateBlob):
        use = "ECDH" if blob.ecdh else "ECDSA"
        return f"CNG {use} {blob.curve or 'generic curve'} {role} ({blob.magic.decode('ascii')})"
    if isinstance(blob, blobformat.CngKeyDataBlob):
        return f"CNG key data, {len(blob.key)} bytes"
    return f"{type(blob).KIND} ({blob.magic.decode('ascii', 'replace')})"


def summary(blob: blobformat.AnyBlob) -> str:
    """A one-line description of a found blob, without key material."""
    if isinstance(blob, _CNG):
        return _cng_summary(blob)
    if isinstance(blob, blobformat.PVKFile):
        head = f"PVK file, {blob.key_type.name}"
        if blob.encrypted:
            text = f"{head}, encrypted ({len(blob.salt)}-byte salt, {len(blob.key_data)}-byte key blob)"
        elif blob.blob is not None:
            text = f"{head}, {_key_summary(blob.blob)}"
        else:  # pragma: no cover - an unencrypted PVK always holds its blob
            text = head
    elif isinstance(blob, blobformat.SimpleBlob):
        text = (
            f"SIMPLEBLOB, {_alg(blob.key_alg)} session key wrapped by {_alg(blob.wrap_alg)}, "
            f"{len(blob.encrypted_key)}-byte ciphertext"
        )
    elif isinstance(blob, blobformat.PlaintextKeyBlob):
        text = f"PLAINTEXTKEYBLOB, {_alg(blob.key_alg)} key, {len(blob.key)} bytes"
    elif isinstance(blob, blobformat.SymmetricWrapKeyBlob):
        text = (
            f"SYMMETRICWRAPKEYBLOB, {_alg(blob.key_alg)} key wrapped with {_alg(blob.wrap_alg)}, "
            f"{len(blob.wrapped_key)} bytes"
        )
    elif isinstance(
        blob,
        blobformat.OpaqueKeyBlob | blobformat.PublicKeyBlobEx | blobformat.KeyStateBlob,
    ):
        text = (
            f"{type(blob).BLOB_TYPE.name}, version {blob.header.version}, "
            f"{_alg(blob.header.key_alg)}, {len(blob.body)}-byte body"
        )
    else:
        text = _key_summary(blob)
    tolerated = [t.kind for t in blob.tolerated]
    if tolerated:
        text += f" [lenient: {', '.join(tolerated)}]"
    return text


def _secret(blob: blobformat.AnyBlob) -> bool:
    """Whether a blob holds private material (written owner-only)."""
    return bool(type(blob).SECRET)


def _extract(
    directory: str, path: str, match: blobformat.ScanMatch, data: bytes
) -> str:
    name = f"{os.path.basename(path) or 'stdin'}-{match.offset:010x}-{match.kind}.bin"
    target = os.path.join(directory, name)
    cio.write(target, data, secret=_secret(match.blob), what=match.kind)
    return target


def _lines(
    path: str,
    *,
    kinds: list[str] | None,
    lenient: bool,
    as_json: bool,
    extract: str | None,
    prefix: bool,
    progress: Callable[[int], None] | None = None,
) -> Iterator[str]:
    """The output lines for one file, one per match, as they are found."""
    matches = blobformat.scan_file(
        path, kinds=kinds, lenient=lenient, progress=progress
    )
    for match in matches:
        written = None
        if extract is not None:
            written = _extract(extract, path, match, match_bytes(path, match))
        if as_json:
            doc: dict[str, Any] = {
                "file": path,
                "offset": match.offset,
                "length": match.length,
                "kind": match.kind,
                "summary": summary(match.blob),
                "tolerated": [
                    {"kind": t.kind, "offset": t.offset, "rule": t.rule}
                    for t in match.blob.tolerated
                ],
            }
            if written is not None:
                doc["extracted"] = written
            yield json.dumps(doc)
        else:
            head = f"{path}: " if prefix else ""
            yield (
                f"{head}0x{match.offset:010x} {match.offset:>12d}  {match.kind:<20} "
                f"{match.length:>7d}  {summary(match.blob)}"
            )


def match_bytes(path: str, match: blobformat.ScanMatch) -> bytes:
    """The bytes a match occupies in its file."""
    with open(path, "rb") as handle:
        handle.seek(match.offset)
        return handle.read(match.length)


def _scan_one(path: str, options: dict[str, Any]) -> list[str]:
    """Worker-process entry point: every line for one file."""
    return list(_lines(path, **options))


def _bar(total: int, enabled: bool) -> AbstractContextManager[Any]:
    if not enabled:
        return nullcontext(None)
    from tqdm import tqdm

    # tqdm ships no type information: its bar is a context manager, as documented.
    bar: AbstractContextManager[Any] = tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        file=sys.stderr,
        leave=False,
    )
    return bar


def _cmd_scan(args: argparse.Namespace) -> int:
    kinds = (
        None
        if args.kinds is None
        else [k for part in args.kinds for k in part.split(",") if k]
    )
    if kinds is not None:
        unknown = sorted(set(kinds) - set(blobformat.SCAN_KINDS))
        if unknown:
            raise cio.UsageError(
                f"unknown kind {', '.join(unknown)}; known: {', '.join(blobformat.SCAN_KINDS)}"
            )
    sizes = {}
    for path in args.files:
        try:
            sizes[path] = os.stat(path).st_size
        except OSError as err:
            raise cio.CLIError(f"cannot read {path}: {err.strerror}") from None
    if args.extract is not None and not os.path.isdir(args.extract):
        raise cio.CLIError(f"--extract: {args.extract} is not a directory")
    options: dict[str, Any] = {
        "kinds": kinds,
        "lenient": args.lenient,
        "as_json": args.json,
        "extract": args.extract,
        "prefix": len(args.files) > 1,
    }
    total = sum(sizes.values())
    # A bar only for a person watching: not in a pipe, not with --json.
    show = sys.stderr.isatty() and not args.json and total >= PROGRESS_MIN_BYTES
    jobs = min(len(args.files), args.jobs or os.cpu_count() or 1)
    with _bar(total, show) as bar:
        if jobs <= 1:
            for path in args.files:
                update = bar.update if bar is not None else None
                for line in _lines(path, progress=update, **options):
                    _emit(line, bar)
            return 0
        with concurrent.futures.ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("spawn")
        ) as pool:
            futures = {
                pool.submit(_scan_one, path, options): path for path in args.files
            }
            # Each file's lines stay together; files are printed in the order given.
            for path in args.files:
                future = next(f for f, p in futures.items() if p == path)
                for line in future.result():
                    _emit(line, bar)
                if bar is not None:
                    bar.update(sizes[path])
    return 0


def _emit(line: str, bar: Any) -> None:
    if bar is not None:
        bar.write(line, file=sys.stdout)
    else:
        print(line)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``scan`` command to the ``blobformat`` parser."""
    p = sub.add_parser(
        "scan",
        help="find key blobs and PVK files inside binaries, dumps and images",
        description="Find every CryptoAPI key blob and PVK file in the given files "
        "(SPEC Appendix F): strictly valid blobs whose key numbers are consistent. "
        "Exit status 0 whenever the scan ran, whatever it found.",
    )
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="files to scan (memory-mapped)"
    )
    p.add_argument(
        "--json",
        action="store_true",
        help="JSON lines: file, offset, length, kind, summary",
    )
    p.add_argument(
        "--extract",
        metavar="DIR",
        help="write each match to DIR/<file>-<offset>-<kind>.bin (private ones mode 0600)",
    )
    p.add_argument(
        "--kinds",
        action="append",
        metavar="KIND[,KIND...]",
        help="report only these kinds (" + ", ".join(blobformat.SCAN_KINDS) + ")",
    )
    p.add_argument(
        "--lenient",
        action="store_true",
        help="also report what lenient parsing accepts (SPEC §13), marked as such",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=0,
        metavar="N",
        help="files scanned in parallel (default: CPUs)",
    )
    p.set_defaults(func=_cmd_scan)
