# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``blobformat.parse``, strict and lenient (SPEC §2.5, §4.3, §13).

Invariant. For any bytes ``b``:

- ``parse(b)`` either returns a model ``m`` with ``m.to_bytes() == b``,
  ``parse(m.to_bytes()) == m`` and ``type(m).from_bytes(b) == m``, whose
  ``layout()`` tiles ``b`` exactly (each field starts where the previous
  one ends, the last ends at ``len(b)``) and whose ``repr`` is short; or it
  raises a ``BlobError`` subclass with well-formed attributes
  (``_fuzzlib.check_error``) — never another exception;
- ``parse(b, lenient=True)`` accepts everything strict parsing accepts, with
  the same model and nothing tolerated; when it accepts more, strict parsing
  fails, the canonical form ``c = m.to_bytes()`` parses strictly to ``m``
  without its tolerances, and ``b`` differs from ``c`` exactly by what was
  recorded: trailing bytes (``b[:offset] == c``), a shortened private
  exponent (``c[:len(b)] == b``), or rewritten values (a non-canonical bit
  length, an ambiguous DSSSEED counter): every field of ``b`` read by its own
  bit lengths equals the model's, except the rewritten ones; each kind is
  recorded at most once;
- memory stays within ``tests/test_fuzz_replay.py``'s bound (tracemalloc)
  and ``_fuzzboot.RSS_LIMIT_MB`` under atheris.
"""

from __future__ import annotations

import dataclasses
import sys

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf
    from blobformat.codec import wire as _wire

from _fuzzlib import attempt, require

#: Longest ``repr`` of any model: it shows sizes, never contents.
REPR_LIMIT = 1024


def _check_layout(model: bf.Blob, size: int) -> None:
    position = 0
    for span in model.layout():
        require(
            span.offset == position,
            f"layout: {span.path} starts at {span.offset}, previous field ends at {position}",
        )
        require(span.size >= 0, f"layout: {span.path} has size {span.size}")
        position = span.offset + span.size
    require(position == size, f"layout ends at {position}, input has {size} bytes")


def _check_strict(data: bytes, model: bf.Blob) -> None:
    encoded = model.to_bytes()
    require(
        encoded == data, f"{type(model).__name__}: to_bytes() differs from the input"
    )
    again = bf.parse(encoded)
    require(again == model, f"{type(model).__name__}: parse(to_bytes()) != model")
    require(type(model).from_bytes(data) == model, "from_bytes() != parse()")
    require(not model.tolerated, "strict parsing recorded a tolerance")
    _check_layout(model, len(data))
    require(len(repr(model)) <= REPR_LIMIT, f"{type(model).__name__}: repr too long")


def _check_lenient(data: bytes, model: bf.Blob) -> None:
    canonical = model.to_bytes()
    plain = dataclasses.replace(model, tolerated=())
    strict = bf.parse(canonical)
    require(
        strict == plain, "lenient model: its canonical form parses to another model"
    )
    kinds = [t.kind for t in model.tolerated]
    require(len(set(kinds)) == len(kinds), f"a tolerance recorded twice: {kinds}")
    require(
        all(0 <= t.offset <= len(data) for t in model.tolerated),
        "tolerance offset outside the input",
    )
    rewritten = {
        "non-canonical-bit-length": {"bit_length", "bit_length_p"},
        "ambiguous-seed-counter": {"seed.counter"},
    }
    unknown = (
        set(kinds) - rewritten.keys() - {"trailing-data", "short-private-exponent"}
    )
    require(not unknown, f"unknown tolerance kind {sorted(unknown)!r}")
    if len(kinds) > 1 or kinds[0] in rewritten:
        allowed = set().union(*(rewritten.get(kind, set()) for kind in kinds))
        _check_rewrite(
            data,
            model,
            allowed,
            "trailing-data" in kinds,
            "short-private-exponent" in kinds,
        )
        return
    tolerance = model.tolerated[0]
    if tolerance.kind == "trailing-data":
        require(
            data[: tolerance.offset] == canonical and tolerance.offset < len(data),
            "trailing-data tolerance: the input is not the canonical blob plus bytes",
        )
    elif tolerance.kind == "short-private-exponent":
        require(
            isinstance(model, bf.RSAPrivateKeyBlob),
            "short-private-exponent recorded on a non-RSA blob",
        )
        require(
            len(data) < len(canonical) and canonical[: len(data)] == data,
            "short-private-exponent: the input is not a prefix of the canonical blob",
        )


def _check_rewrite(
    data: bytes, model: bf.Blob, allowed: set[str], trailing: bool, short_d: bool
) -> None:
    """Read ``data`` by its own bit lengths; only ``allowed`` fields may differ from ``model``.

    ``short_d``: the input also ends inside the RSA private exponent (the last
    field), which lenient mode recomputes; the missing bytes are read as zeros
    and the exponent may differ, nothing else.
    """
    layout = type(model).LAYOUT
    head = _wire.read(_wire.prefix_plan(layout), data, {}, skip_rest=True)
    full = _wire.plan(layout, {k: head[k] for k in layout.params})  # type: ignore[misc]
    if short_d:
        require(
            isinstance(model, bf.RSAPrivateKeyBlob) and len(data) < full.end,
            "short-private-exponent with a rewrite: the input is not short",
        )
        data = data + bytes(full.end - len(data))
        allowed = allowed | {"private_exponent"}
    require(
        full.end == len(data) or (trailing and full.end < len(data)),
        "rewritten blob: the input is not one blob (plus trailing bytes)",
    )
    theirs = _wire.read(full, data[: full.end], dict(head))
    ours = model._wire_values(model._plan())
    differ = {path for path in ours if ours[path] != theirs.get(path)}
    require(
        differ <= allowed and differ,
        f"rewrite changed {sorted(differ)}, allowed {sorted(allowed)}",
    )


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    strict = attempt(lambda: bf.parse(data), len(data))
    lenient = attempt(lambda: bf.parse(data, lenient=True), len(data))
    if strict.value is not None:
        _check_strict(data, strict.value)
        require(
            lenient.value == strict.value, "lenient parsing differs on a strict blob"
        )
        return
    if lenient.value is None:
        return
    require(
        bool(lenient.value.tolerated),
        f"lenient accepted without a tolerance what strict refused: {strict.describe()}",
    )
    _check_lenient(data, lenient.value)


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
