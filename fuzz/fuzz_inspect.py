# SPDX-License-Identifier: Apache-2.0
"""Fuzz the CLI's ``inspect`` command (README "Forensic mode", SPEC §18 secrets).

:func:`run_inspect` mirrors ``blobformat.cli.app.main(["inspect", *options,
path])`` without a subprocess: it builds the CLI's own argument parser once,
dispatches to the command function it selects and handles errors as
``main`` does for ``inspect`` (a ``BlobError`` is one line on stderr and
exit status 1). ``tests/test_fuzz_replay.py`` checks on the whole corpus
that the real ``main`` gives the same exit status.

Invariant. For any bytes ``b`` written to a file, and the options ``[]``,
``--json``, ``--lenient`` and ``--json --show-private --lenient``:

- the command exits 0 or 1 and raises nothing; it exits 0 exactly when
  ``parse(b, lenient=...)`` accepts ``b``;
- on 1, stdout is empty and stderr is one line starting ``blobformat: ``
  of bounded length;
- on 0, text output starts with the blob's kind and ``--json`` output is a
  JSON object whose ``kind``, ``size`` and field offsets describe ``b``;
- without ``--show-private`` no secret value of the blob (private numbers,
  key bytes, a PVK file's key data; 8 bytes or longer) appears in the
  output, in any line wrapping; with it, the secret numbers appear;
- memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import io
import json
import sys
import tempfile
from pathlib import Path

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf
    from blobformat.cli import app as _cli

from _fuzzlib import MESSAGE_LIMIT, attempt, require

OPTIONS: tuple[tuple[str, ...], ...] = (
    (),
    ("--json",),
    ("--lenient",),
    ("--json", "--show-private", "--lenient"),
)
#: Secrets shorter than this are not looked for (they could occur by chance).
MIN_SECRET_BYTES = 8


@functools.cache
def _parser() -> object:
    return _cli.build_parser()


@functools.cache
def _scratch() -> Path:
    directory = tempfile.TemporaryDirectory(prefix="blobformat-fuzz-")
    atexit.register(directory.cleanup)
    return Path(directory.name) / "input.blob"


def run_inspect(path: str, options: tuple[str, ...]) -> tuple[int, str, str]:
    """Run ``blobformat inspect`` in-process; return (status, stdout, stderr)."""
    args = _parser().parse_args(["inspect", *options, path])  # type: ignore[attr-defined]
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            status = args.func(args)
        except bf.BlobError as error:
            print(f"blobformat: {type(error).__name__}: {error}", file=sys.stderr)
            status = 1
    return status, out.getvalue(), err.getvalue()


def _secrets(model: object) -> list[tuple[str, int | bytes, int]]:
    """Secret values of a model and of a PVK file's inner blob: (name, value, field size)."""
    found: list[tuple[str, int | bytes, int]] = []
    targets = [model]
    if isinstance(model, bf.PVKFile):
        found.append(("pvk.key_data", model.key_data, len(model.key_data)))
        if model.blob is not None:
            targets.append(model.blob)
    for target in targets:
        sizes = {span.path: span.size for span in target.layout()}  # type: ignore[attr-defined]
        for name in type(target).SECRET:  # type: ignore[attr-defined]
            value = getattr(target, name, None)
            if isinstance(value, int | bytes) and name != "key_data":
                found.append((name, value, sizes.get(name, 0)))
    return found


def _public_text(model: object) -> str:
    """The hex renderings of every non-secret value, for telling leaks from coincidences."""
    targets = [model]
    if isinstance(model, bf.PVKFile) and model.blob is not None:
        targets.append(model.blob)
    texts = []
    for target in targets:
        for span in target.layout():  # type: ignore[attr-defined]
            if span.secret or not isinstance(span.value, int | bytes):
                continue
            if isinstance(target, bf.PVKFile) and span.path == "key":
                continue  # the key data is secret, whatever layout() says (finding F2)
            if isinstance(span.value, bytes):
                texts.append(span.value.hex())
            else:
                texts += [f"{span.value:0{2 * span.size}x}", f"{span.value:x}"]
    return "|".join(texts)


def _renderings(value: int | bytes, size: int) -> list[str]:
    if isinstance(value, bytes):
        return [value.hex()] if len(value) >= MIN_SECRET_BYTES else []
    if (value.bit_length() + 7) // 8 < MIN_SECRET_BYTES:
        return []
    return [f"{value:0{2 * size}x}", f"{value:x}"]


def _check_output(
    data: bytes, options: tuple[str, ...], model: bf.Blob, out: str
) -> None:
    if "--json" in options:
        doc = json.loads(out)
        require(isinstance(doc, dict), "--json output is not an object")
        require(doc.get("kind") == type(model).__name__, "--json kind")
        require(doc.get("size") == len(data), "--json size")
        for item in doc.get("fields", []):
            require(
                0 <= item["offset"] <= len(data),
                f"--json field offset {item['offset']}",
            )
    else:
        require(
            out.startswith(type(model).KIND), "text output does not start with the kind"
        )
    flat = "".join(out.split())
    shown = "--show-private" in options
    public = _public_text(model)
    for name, value, size in _secrets(model):
        for text in _renderings(value, size):
            if text in public:
                continue  # the input repeats a public value's bytes (x == q): not a leak
            if not shown:
                require(
                    text not in flat, f"secret {name} appears without --show-private"
                )
            elif isinstance(value, int):
                require(text in flat, "--show-private does not show a secret number")


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    path = _scratch()
    path.write_bytes(data)
    for options in OPTIONS:
        lenient = "--lenient" in options
        parsed = attempt(
            lambda lenient=lenient: bf.parse(data, lenient=lenient), len(data)
        )  # type: ignore[misc]
        status, out, err = run_inspect(str(path), options)
        require(status in (0, 1), f"inspect {options}: exit status {status}")
        require(
            (status == 0) == parsed.ok,
            f"inspect {options}: status {status} but parse {parsed.describe()}",
        )
        if status == 1:
            require(out == "", f"inspect {options}: output on failure")
            require(
                err.startswith("blobformat: ") and err.count("\n") == 1,
                f"inspect {options}: stderr is not one line",
            )
            require(
                len(err) <= MESSAGE_LIMIT + 100, f"inspect {options}: long error line"
            )
            continue
        assert parsed.value is not None
        _check_output(data, options, parsed.value, out)


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
