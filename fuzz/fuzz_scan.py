# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``blobformat.scan`` (SPEC Appendix F).

Invariant. For any bytes ``b``, strict and lenient:

- ``scan(b)`` raises nothing (a scanner reports, it does not fail);
- every match lies inside ``b``, matches come in offset order, and none lies
  inside an earlier one (contained blobs are not reported);
- every match re-parses to itself: ``parse(b[offset:offset + length])``
  (lenient when the scan was) equals ``match.blob``, strictly parsed blobs
  re-encode to exactly those bytes, the kind is the table's kind for the
  model, and strict matches pass the relation checks ([KEY-1]..[KEY-4]);
- open-ended kinds have a length within their format's range;
- the result does not depend on the engine: the pure-Python finder and a
  chunk size of a few bytes (every magic straddling a boundary somewhere)
  give the same matches;
- ``kinds=`` only filters: scanning for a subset of the default kinds gives
  the default result restricted to that subset.
"""

from __future__ import annotations

import hashlib
import sys

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf
    from blobformat.keys.consistency import check_relations
    from blobformat.scan import engine, finder, kinds

from _fuzzlib import require

KIND_OF = {row.model: row.kind for row in kinds.ROWS}
DEFAULT = [row.kind for row in kinds.ROWS if row.default]
OPEN = {row.kind: row for row in kinds.ROWS if row.open_ended}


def _key(matches: list[bf.ScanMatch]) -> list[tuple[int, int, str, bytes]]:
    return [(m.offset, m.length, m.kind, m.blob.to_bytes()) for m in matches]


def _check_matches(data: bytes, matches: list[bf.ScanMatch], lenient: bool) -> None:
    reach = 0
    last = -1
    for m in matches:
        end = m.offset + m.length
        require(
            0 <= m.offset < end <= len(data),
            f"match {m.offset}+{m.length} outside the input",
        )
        require(m.offset >= last, "matches out of order")
        require(end > reach, f"match at {m.offset} lies inside an earlier one")
        last, reach = m.offset, max(reach, end)
        piece = data[m.offset : end]
        again = bf.parse(piece, lenient=lenient)
        require(again == m.blob, f"{m.kind} at {m.offset} does not re-parse to itself")
        require(
            KIND_OF[type(m.blob)] == m.kind,
            f"kind {m.kind} for a {type(m.blob).__name__}",
        )
        if not lenient:
            require(
                m.blob.to_bytes() == piece, f"{m.kind} at {m.offset} does not re-encode"
            )
            check_relations(m.blob)  # raises KeyConversionError: a violation
        if m.kind in OPEN:
            row = OPEN[m.kind]
            rest = m.length - row.prefix_end
            require(
                row.rest_min <= rest <= row.rest_max,
                f"{m.kind} length {m.length} out of range",
            )


def _with(chunk: int, pure: bool, data: bytes) -> list[bf.ScanMatch]:
    saved_chunk, saved_finder = engine.CHUNK, engine.best_finder
    engine.CHUNK = chunk
    if pure:
        engine.best_finder = finder.RegexFinder  # type: ignore[assignment]
    try:
        return list(bf.scan(data))
    finally:
        engine.CHUNK, engine.best_finder = saved_chunk, saved_finder


def check(data: bytes) -> None:
    strict = list(bf.scan(data))
    _check_matches(data, strict, lenient=False)
    _check_matches(data, list(bf.scan(data, lenient=True)), lenient=True)
    expected = _key(strict)
    chunk = 5 + data[0] % 29 if data else 7
    require(
        _key(_with(chunk, False, data)) == expected,
        f"chunk size {chunk} changes the result",
    )
    require(
        _key(_with(engine.CHUNK, True, data)) == expected,
        "the pure-Python finder differs",
    )
    # A subset of the default kinds, chosen by the input.
    pick = hashlib.sha256(data).digest()
    subset = [kind for i, kind in enumerate(DEFAULT) if pick[i % len(pick)] & 1]
    filtered = _key(list(bf.scan(data, kinds=subset)))
    require(
        filtered == [k for k in expected if k[2] in subset],
        "kinds= changed what was found",
    )


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
