# SPDX-License-Identifier: Apache-2.0
"""Hostile bit lengths cost no more than a valid parse: ``python benchmarks/hostile_lengths.py``.

The architecture issue: the codec used to compile new functions for every
new *input-derived* length, so a 20-byte RSA header with an unseen bit
length cost ~434 µs (two compiles) against ~14 µs with the length cached,
and a stream of hostile lengths kept a 1024-plan cache thrashing. Readers
are now generated once per layout and plans are made without code, so the
cost of an input does not depend on whether its length was seen before.

Rows, per input, in interleaved rounds (the ratio of each round's samples,
median and IQR over rounds):

- **distinct**: 10,000 truncated RSA PUBLICKEYBLOB headers (the 20 fixed
  bytes, no modulus), each with a different bit length in 384..10383, each
  rejected with a located ``TruncatedError`` [RSA-2];
- **repeated**: the same header with one bit length, 10,000 times;
- **valid, located path**: the valid RSA-2048 public blob through the
  decoder that locates errors (the path every rejected input takes);
- **valid, parse()**: the same blob through ``parse`` (its fast path).

Targets: distinct / valid-located ≤ 1.0 (a hostile length costs no more than
the same valid blob parsed once by the same validating path) and distinct /
repeated ≤ 1.2 (nothing is paid per new length). distinct / parse() is
reported: a located error cannot be cheaper than a fast valid parse in
CPython (building and raising the exception alone costs about as much).
The plan cache's size is printed before and after: it never exceeds
``PLAN_CACHE_SIZE``.

Writes ``benchmarks/results/hostile_lengths.md``. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import statistics
import struct
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import blobformat as bf  # noqa: E402
from blobformat.codec import decode as _decode  # noqa: E402
from blobformat.codec import wire as _wire  # noqa: E402

BLOB = (ROOT / "vectors" / "samples" / "rsa-2048-public.blob").read_bytes()
COUNT = 10_000


def _hostile(bits: Sequence[int]) -> list[bytes]:
    return [BLOB[:12] + struct.pack("<II", b, 65537) for b in bits]


def _reject_all(inputs: Sequence[bytes]) -> Callable[[], None]:
    def run() -> None:
        for data in inputs:
            try:
                bf.parse(data)
            except bf.TruncatedError:
                pass
            else:  # pragma: no cover - a benchmark bug
                raise AssertionError("a hostile input parsed")

    return run


def _valid_located() -> object:
    header = _decode.header_values(BLOB)
    cls = _decode._select(BLOB, header)
    _decode._check_header(cls, header)
    return _decode._decode(cls, BLOB, lenient=False)


def _per_call(func: Callable[[], object], calls: int) -> float:
    start = time.perf_counter_ns()
    func()
    return (time.perf_counter_ns() - start) / calls


def _repeat(func: Callable[[], object], n: int) -> Callable[[], None]:
    def run() -> None:
        for _ in range(n):
            func()

    return run


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and write its report; exit 1 with ``--check`` if a target fails."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--check", action="store_true", help="exit 1 if a target fails")
    parser.add_argument(
        "--output", default=str(ROOT / "benchmarks" / "results" / "hostile_lengths.md")
    )
    args = parser.parse_args(argv)

    rng = random.Random(1)
    bits = list(range(384, 384 + COUNT))
    rng.shuffle(bits)
    _wire.plan_for.cache_clear()
    before = _wire.plan_for.cache_info().currsize
    rows: dict[str, list[float]] = {
        "distinct": [],
        "repeated": [],
        "valid-located": [],
        "valid-parse": [],
    }
    for _ in range(args.rounds):
        # Fresh lengths each round: shift the set so no length repeats across rounds.
        shift = rng.randrange(0, 5000)
        distinct = _reject_all(_hostile([b + shift for b in bits]))
        repeated = _reject_all(_hostile([2048] * COUNT))
        order = [
            ("distinct", distinct, COUNT),
            ("repeated", repeated, COUNT),
            ("valid-located", _repeat(_valid_located, 2000), 2000),
            ("valid-parse", _repeat(lambda: bf.parse(BLOB), 20000), 20000),
        ]
        rng.shuffle(order)
        for name, func, calls in order:
            rows[name].append(_per_call(func, calls))
    after = _wire.plan_for.cache_info()

    def ratio(a: str, b: str) -> tuple[float, float, float]:
        r = sorted(x / y for x, y in zip(rows[a], rows[b], strict=True))
        q = statistics.quantiles(r, n=4)
        return q[0], statistics.median(r), q[2]

    targets = [
        ("distinct / valid, located path", ratio("distinct", "valid-located"), 1.0),
        ("distinct / repeated", ratio("distinct", "repeated"), 1.2),
        ("distinct / valid, parse()", ratio("distinct", "valid-parse"), None),
    ]
    lines = [
        "# Hostile bit lengths",
        "",
        f"{dt.datetime.now(dt.timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.python_implementation()} "
        f"{platform.python_version()}, {args.rounds} interleaved rounds of {COUNT} inputs; "
        "see benchmarks/hostile_lengths.py.",
        "",
        "| row | median µs per input |",
        "|---|---:|",
    ]
    lines += [
        f"| {name} | {statistics.median(v) / 1000:.2f} |" for name, v in rows.items()
    ]
    lines += ["", "| ratio | median [IQR] | limit | result |", "|---|---|---|---|"]
    failed = False
    for name, (q1, med, q3), limit in targets:
        verdict = "report" if limit is None else ("PASS" if med <= limit else "FAIL")
        failed |= verdict == "FAIL"
        shown = "-" if limit is None else f"<= {limit}"
        lines.append(
            f"| {name} | {med:.2f} [{q1:.2f}-{q3:.2f}] | {shown} | {verdict} |"
        )
    lines += [
        "",
        f"Plan cache: {before} entries before, {after.currsize} after "
        f"(bound {_wire.PLAN_CACHE_SIZE}, {after.misses} plans made): every hostile input is "
        "rejected from the sizes alone, before any plan.",
    ]
    report = "\n".join(lines) + "\n"
    print(report)
    Path(args.output).write_text(report)
    return 1 if failed and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
