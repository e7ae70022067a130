"""The Kaitai Struct descriptions (vectors/kaitai/*.ksy) against blobformat.

The .ksy files are compiled to Python with the Kaitai Struct compiler (the npm
package kaitai-struct-compiler, driven by vectors/kaitai/compile.js) and read with
the kaitaistruct runtime. Every valid blob and PVK vector must parse to exactly
the fields blobformat decodes: the same paths, offsets, sizes and values.

The compiler comes from BLOBFORMAT_KAITAI_NODE_MODULES (CI installs it there,
.ci/run) or is installed into .ci/kaitai with npm. The test skips only when it
cannot be installed here; with BLOBFORMAT_REQUIRE_KAITAI=1 (CI) it fails instead.
"""

from __future__ import annotations

import importlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from kaitaistruct import KaitaiStream, KaitaiStruct, ValidationFailedError

import blobformat as bf
from tests.conftest import ROOT
from tests.vectorfields import fields_of

KAITAI = ROOT / "vectors" / "kaitai"
KSY = [KAITAI / "ms_capi_blob.ksy", KAITAI / "ms_pvk.ksy"]
CACHE = ROOT / ".ci" / "kaitai"

Json = dict[str, Any]


def _unavailable(reason: str) -> None:
    if os.environ.get("BLOBFORMAT_REQUIRE_KAITAI") == "1":
        pytest.fail(f"the Kaitai Struct compiler is required here: {reason}")
    pytest.skip(f"the Kaitai Struct compiler cannot be installed here: {reason}")


def _node_modules() -> Path:
    """The node_modules directory holding kaitai-struct-compiler and js-yaml."""
    given = os.environ.get("BLOBFORMAT_KAITAI_NODE_MODULES")
    if given:
        return Path(given)
    modules = CACHE / "node_modules"
    wanted = json.loads((KAITAI / "package.json").read_text())["dependencies"]
    installed = all(
        (modules / name / "package.json").is_file()
        and json.loads((modules / name / "package.json").read_text())["version"]
        == version
        for name, version in wanted.items()
    )
    if installed:
        return modules
    npm = shutil.which("npm")
    if npm is None or shutil.which("node") is None:
        _unavailable("node and npm are not on PATH")
    CACHE.mkdir(parents=True, exist_ok=True)
    shutil.copy(KAITAI / "package.json", CACHE / "package.json")
    done = subprocess.run(
        [
            str(npm),
            "install",
            "--prefix",
            str(CACHE),
            "--no-audit",
            "--no-fund",
            "--no-save",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    if done.returncode != 0:
        _unavailable(f"npm install failed: {done.stderr.strip()[-500:]}")
    return modules


def _compile(out: Path, *, debug: bool) -> None:
    node = shutil.which("node")
    if node is None:
        _unavailable("node is not on PATH")
    env = {**os.environ, "NODE_PATH": str(_node_modules())}
    args = [
        str(node),
        str(KAITAI / "compile.js"),
        *(["--debug"] if debug else []),
        "python",
        str(out),
        *map(str, KSY),
    ]
    done = subprocess.run(
        args, capture_output=True, text=True, env=env, timeout=300, check=False
    )
    # A compiler that is installed but rejects the .ksy is a failure, never a skip.
    assert done.returncode == 0, done.stderr


def _load(directory: Path, name: str) -> ModuleType:
    """Import a generated module by file; its own `import ms_capi_blob` finds the sibling."""
    sys.path.insert(0, str(directory))
    try:
        for module in ("ms_capi_blob", "ms_pvk"):
            sys.modules.pop(module, None)
        return importlib.import_module(name)
    finally:
        sys.path.remove(str(directory))


@pytest.fixture(scope="module")
def parsers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    loaded: dict[str, Any] = {}
    for debug in (True, False):
        out = tmp_path_factory.mktemp("kaitai-debug" if debug else "kaitai")
        _compile(out, debug=debug)
        suffix = "debug" if debug else "plain"
        loaded[f"capi-{suffix}"] = _load(out, "ms_capi_blob").MsCapiBlob
        loaded[f"pvk-{suffix}"] = _load(out, "ms_pvk").MsPvk
    yield loaded
    for module in ("ms_capi_blob", "ms_pvk"):
        sys.modules.pop(module, None)


def valid_blob_vectors() -> list[Any]:
    params = []
    for path in sorted((ROOT / "vectors" / "v1").glob("*.json")):
        for group in json.loads(path.read_text())["testGroups"]:
            if group["type"] != "BlobDecode":
                continue
            params += [
                pytest.param(
                    t,
                    id=f"{path.name.removesuffix('_test.json')}:{t['tcId']}:{t['layout']}",
                )
                for t in group["tests"]
                # The .ksy files describe CryptoAPI blobs and PVK files; CNG blobs
                # (SPEC §20, layouts CNG-*) have no Kaitai description yet.
                if t["result"] == "valid" and not t["layout"].startswith("CNG-")
            ]
    return params


# -- from the Kaitai object to blobformat's field list ------------------------------


def _leaves(
    obj: KaitaiStruct, path: str, base: int
) -> Iterator[tuple[str, int, int, Any]]:
    """(path, offset, size, value) of every field read, depth first in file order.
    `base` is the offset of obj's stream in the file (a `size:` field with a type
    gets a stream of its own)."""
    for name in type(obj).SEQ_FIELDS:
        if not hasattr(obj, name):  # an `if:` that was false
            continue
        value = getattr(obj, name)
        where = obj._debug[name]
        full = f"{path}{name}"
        if isinstance(value, KaitaiStruct):
            own = base + where["start"] if value._io is not obj._io else base
            if value._io is not obj._io and hasattr(obj, f"_raw_{name}"):
                yield (
                    full,
                    base + where["start"],
                    where["end"] - where["start"],
                    getattr(obj, f"_raw_{name}"),
                )
            yield from _leaves(value, f"{full}.", own)
        else:
            yield full, base + where["start"], where["end"] - where["start"], value


def _blobformat_path(layout: str, path: str) -> str:
    """The SPEC/blobformat field path of a Kaitai path."""
    prefix = ""
    if layout == "PVK":
        if not path.startswith("key."):
            return path
        prefix, path = "key.", path.removeprefix("key.")
    if path.startswith("header."):
        return prefix + path
    for head in ("body.key.", "body."):
        if path.startswith(head):
            path = path.removeprefix(head)
            break
    return prefix + ("body" if path == "data" else path)


def _raw(value: Any, size: int) -> str:
    """A field's bytes in the file: numbers little-endian in their field's size."""
    return (
        value if isinstance(value, bytes) else int(value).to_bytes(size, "little")
    ).hex()


def kaitai_fields(obj: KaitaiStruct, layout: str) -> list[Json]:
    """(path, offset, size, bytes) of every field Kaitai read. Numbers are compared
    through their bytes: a u4 (enums included) and blobformat's integer are equal
    exactly when their 4 little-endian bytes are."""
    return [
        {
            "path": _blobformat_path(layout, path),
            "offset": offset,
            "size": size,
            "value": _raw(value, size),
        }
        for path, offset, size, value in _leaves(obj, "", 0)
    ]


def blobformat_fields(model: Any) -> list[Json]:
    """blobformat's fields (tests/test_vectors.py's view of the model) in the same
    form, and for a PVK file the fields of its key blob under `key.`."""
    out = []
    for entry in fields_of(model):
        value = entry["value"]
        if entry["type"] == "uint":
            value = value if isinstance(value, int) else int(value, 16)
        else:
            value = bytes.fromhex(value)
        out.append(
            {
                "path": entry["path"],
                "offset": entry["offset"],
                "size": entry["size"],
                "value": _raw(value, entry["size"]),
            }
        )
    if isinstance(model, bf.PVKFile):
        start = 24 + len(model.salt)
        if model.encrypted:
            # Only the key blob's header is in clear (SPEC §12.3).
            header = [
                ("blob_type", 0, 1),
                ("version", 1, 1),
                ("reserved", 2, 2),
                ("key_alg", 4, 4),
            ]
            out += [
                {
                    "path": f"key.header.{name}",
                    "offset": start + at,
                    "size": size,
                    "value": model.key_data[at : at + size].hex(),
                }
                for name, at, size in header
            ]
            out.append(
                {
                    "path": "key.encrypted_body",
                    "offset": start + 8,
                    "size": len(model.key_data) - 8,
                    "value": model.key_data[8:].hex(),
                }
            )
        else:
            out += [
                {**e, "path": f"key.{e['path']}", "offset": start + e["offset"]}
                for e in blobformat_fields(bf.parse(model.key_data))
            ]
    return out


@pytest.mark.parametrize("test", valid_blob_vectors())
def test_kaitai_reads_every_valid_vector_as_blobformat_does(
    parsers: dict[str, Any], test: Json
) -> None:
    data = bytes.fromhex(test["blob"])
    kind = "pvk" if test["layout"] == "PVK" else "capi"
    parsed = parsers[f"{kind}-debug"](KaitaiStream(io.BytesIO(data)))
    parsed._read()
    expected = blobformat_fields(bf.parse(data))
    assert kaitai_fields(parsed, test["layout"]) == expected
    # The plain (non-debug) parser, what a Python user of the .ksy gets, reads the same values.
    plain = parsers[f"{kind}-plain"].from_bytes(data)
    for field in expected:
        assert (
            _value_at(plain, test["layout"], field["path"], field["size"])
            == field["value"]
        ), field["path"]


def _value_at(obj: KaitaiStruct, layout: str, path: str, size: int) -> str:
    for candidate, _, _, value in _plain_leaves(obj, ""):
        if _blobformat_path(layout, candidate) == path:
            return _raw(value, size)
    raise AssertionError(f"{path} not found")


def _plain_leaves(obj: KaitaiStruct, path: str) -> Iterator[tuple[str, int, int, Any]]:
    for name, value in vars(obj).items():
        if name.startswith("_") or name in ("is_private", "is_dh"):
            continue
        if isinstance(value, KaitaiStruct):
            raw = vars(obj).get(f"_raw_{name}")
            if raw is not None:
                yield f"{path}{name}", 0, 0, raw
            yield from _plain_leaves(value, f"{path}{name}.")
        else:
            yield f"{path}{name}", 0, 0, value


def test_every_layout_is_covered() -> None:
    layouts = {p.values[0]["layout"] for p in valid_blob_vectors()}  # type: ignore[index]
    assert layouts == {
        "RSA1",
        "RSA2",
        "DSS1",
        "DSS2",
        "DSS3",
        "DSS4",
        "DH1",
        "DH2",
        "DH3",
        "DH4",
        "SIMPLEBLOB",
        "PLAINTEXTKEYBLOB",
        "SYMMETRICWRAPKEYBLOB",
        "OPAQUEKEYBLOB",
        "PUBLICKEYBLOBEX",
        "KEYSTATEBLOB",
        "PVK",
    }


# The rules the .ksy files check with `valid:` (their docs name them).
CHECKED_BY_VALID = {
    "HDR-1",
    "HDR-2",
    "HDR-3",
    "HDR-4",
    "HDR-5",
    "RSA-1",
    "RSA-3",
    "DSS-1",
    "DSS-3",
    "DSS-7",
    "DH-1",
    "DH-3",
    "SMP-1",
    "SMP-2",
    "SMP-3",
    "PTK-1",
    "SWK-1",
    "SWK-2",
    "SWK-3",
    "PVK-1",
    "PVK-2",
    "PVK-3",
    "PVK-4",
    "PVK-5",
}


def invalid_blob_vectors() -> list[Any]:
    params = []
    for path in sorted((ROOT / "vectors" / "v1").glob("*.json")):
        for group in json.loads(path.read_text())["testGroups"]:
            if group["type"] != "BlobDecode":
                continue
            params += [
                pytest.param(
                    t,
                    id=f"{path.name.removesuffix('_test.json')}:{t['tcId']}:{t['rule']}",
                )
                for t in group["tests"]
                if t["result"] == "invalid"
                and (t["error"] == "TruncatedError" or t["rule"] in CHECKED_BY_VALID)
            ]
    return params


def test_section_references_exist() -> None:
    """Every `SPEC.md §N` a .ksy cites (ranges included) is a heading of SPEC.md, so
    a renumbered SPEC breaks here and not in a reader's Web IDE."""
    spec = (ROOT / "SPEC.md").read_text()
    headings = set(re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", spec, re.M))
    cited = {
        ref
        for path in KSY
        for refs in re.findall(r"SPEC(?:\.md)? (§[\d.§, -]+)", path.read_text())
        for ref in re.findall(r"§(\d+(?:\.\d+)*)", refs)
    }
    assert cited, "no SPEC references found"
    assert cited - headings == set()


def test_the_ksy_files_name_the_rules_they_check() -> None:
    text = "".join(path.read_text() for path in KSY)
    assert {rule for rule in CHECKED_BY_VALID if f"[{rule}]" not in text} == set()


@pytest.mark.parametrize("test", invalid_blob_vectors())
def test_kaitai_rejects_what_its_valid_rules_forbid_and_truncated_input(
    parsers: dict[str, Any], test: Json
) -> None:
    data = bytes.fromhex(test["blob"])
    parser = parsers[
        "pvk-plain" if data[:4] == bytes.fromhex("1ef1b5b0") else "capi-plain"
    ]
    if test["error"] == "TruncatedError":
        # Kaitai reads field by field: it may meet a bad value before the end.
        with pytest.raises((EOFError, ValidationFailedError)):
            parser.from_bytes(data)
    else:
        with pytest.raises(ValidationFailedError):
            parser.from_bytes(data)


def _mutants(data: bytes) -> Iterator[bytes]:
    """The input with one byte of its first 56 (the headers and fixed fields of
    every layout) changed in a few ways."""
    for at in range(min(len(data), 56)):
        for new in {data[at] ^ 0x01, data[at] ^ 0x80, 0x00, 0xFF} - {data[at]}:
            yield data[:at] + bytes([new]) + data[at + 1 :]


@pytest.mark.parametrize("test", valid_blob_vectors())
def test_kaitai_and_blobformat_agree_on_one_byte_mutants(
    parsers: dict[str, Any], test: Json
) -> None:
    """Beyond the vectors: a mutant blobformat accepts parses to the same fields, and
    one it rejects for a rule the .ksy checks (or as truncated) fails in Kaitai too."""
    kind = "pvk" if test["layout"] == "PVK" else "capi"
    for data in _mutants(bytes.fromhex(test["blob"])):
        try:
            model = bf.parse(data)
        except bf.BlobError as err:
            if err.rule in CHECKED_BY_VALID or isinstance(err, bf.TruncatedError):
                with pytest.raises((EOFError, ValidationFailedError)):
                    parsers[f"{kind}-plain"].from_bytes(data)
            continue
        parsed = parsers[f"{kind}-debug"](KaitaiStream(io.BytesIO(data)))
        parsed._read()
        assert kaitai_fields(parsed, test["layout"]) == blobformat_fields(model), (
            data.hex()
        )
