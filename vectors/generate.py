#!/usr/bin/env python3
"""Regenerate blobformat's published test vectors.

Usage::

    python3 vectors/generate.py            # rewrite vectors/v1/ and vectors/schema/
    python3 vectors/generate.py --out DIR  # write DIR/v1/ and DIR/schema/ instead

The output is deterministic: keys come from vectors/keys/*.pem, published
data from vectorgen/public.py, and every random choice (PKCS#1 v1.5 padding
strings, OAEP seeds, key-wrap IVs and padding, PVK salts) from PRNGs seeded
by the vector's name. tests/test_vectors.py checks that running this script
reproduces the committed files byte for byte.

Released vectors never change: add new cases at the end of a file's last
group (or in a new group at its end) so that existing tcIds keep their
meaning. To retire a released case, list it in vectorgen/retired.py (its
tcId stays reserved; the generator keeps building it and leaves it out).
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
# vectorgen/ lives next to this script; the repository root provides blobformat,
# which the generator uses only for the MD2 and MD4 digests hashlib lacks.
sys.path[:0] = [str(HERE), str(HERE.parent)]

from vectorgen import (  # noqa: E402 - after the path set-up
    cng_files,
    derive_files,
    dh_files,
    dss_files,
    envelope_files,
    header_files,
    pfx_files,
    pvk_files,
    rsa_files,
    session_files,
    signature_files,
)
from vectorgen.common import SCHEMA_NAME, VectorFile, dumps  # noqa: E402
from vectorgen.notes import NOTES  # noqa: E402
from vectorgen.retired import RETIRED, retired_in  # noqa: E402
from vectorgen.schema import build_schema  # noqa: E402

FILES: tuple[Callable[[], VectorFile], ...] = (
    header_files.header_file,
    rsa_files.public_file,
    rsa_files.private_file,
    dss_files.v2_file,
    dss_files.v3_file,
    dh_files.dh_file,
    session_files.simpleblob_file,
    session_files.plaintext_file,
    session_files.symmetric_wrap_file,
    pvk_files.pvk_file,
    derive_files.derive_file,
    derive_files.cipher_file,
    envelope_files.envelope_file,
    signature_files.signature_file,
    pfx_files.pfx_file,
    cng_files.rsa_file,
    cng_files.ecc_file,
    cng_files.dsa_dh_file,
)


def openssl_flags() -> dict[str, dict[str, str]]:
    """The OpenSslAccepts/OpenSslRejects flag of each listed vector, by file and name."""
    listed = json.loads((HERE / "openssl-differences.json").read_text(encoding="utf-8"))
    flags: dict[str, dict[str, str]] = {}
    for entry in listed["vectors"]:
        flags.setdefault(entry["file"], {})[entry["name"]] = entry["flag"]
    return flags


def generate() -> dict[str, str]:
    """Every output file, by path relative to the output root, with its text."""
    out = {f"schema/{SCHEMA_NAME}": dumps(build_schema())}
    added = openssl_flags()
    for make in FILES:
        vector_file = make()
        document = vector_file.to_json(
            NOTES, added.pop(vector_file.filename, {}), retired_in(vector_file.filename)
        )
        out[f"v1/{vector_file.filename}"] = dumps(document)
    if added:
        raise ValueError(
            f"openssl-differences.json names unknown files: {sorted(added)}"
        )
    unknown = {file for file, _ in RETIRED} - {name.removeprefix("v1/") for name in out}
    if unknown:
        raise ValueError(f"vectorgen/retired.py names unknown files: {sorted(unknown)}")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, default=HERE, help="output root (default: vectors/)"
    )
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        # cryptography >= 50 deprecates finite-field DH; the DH vectors use it on purpose.
        warnings.simplefilter("ignore")
        files = generate()
    for rel, text in files.items():
        path = args.out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
    print(f"wrote {len(files)} files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
