# SPDX-License-Identifier: Apache-2.0
"""Run the blobformat benchmark suite: ``python benchmarks/run.py [--quick]``.

Measures, in one run and side by side, ``blobformat.parse`` and
``.to_bytes()`` against a hand-written ``struct`` reference parser, the
scaling with key size, blob -> ``cryptography`` key conversion, OpenSSL's C
parser (ctypes), construct (interpreted and compiled) and the Python peers
malduck and wincrypto; prints a Markdown table with PASS/FAIL per target
and writes it, with a JSON copy, to ``benchmarks/results/``.

See benchmarks/README.md for what each row measures.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: benchmark the working tree
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

from benchmarks import fixtures, peers, report, suite  # noqa: E402
from benchmarks.timing import Case, measure, summarise  # noqa: E402

SLOW_NS = 5_000_000  # a case slower than this per call joins the "slow" batch


@dataclass(frozen=True)
class Mode:
    """How hard to measure."""

    name: str
    rounds: int
    target_ns: int
    slow_rounds: int
    scaling_rounds: int


FULL = Mode("full", rounds=250, target_ns=1_500_000, slow_rounds=21, scaling_rounds=120)
QUICK = Mode("quick", rounds=25, target_ns=400_000, slow_rounds=3, scaling_rounds=12)


def run_section(
    sec: suite.Section,
    rounds: int,
    slow_rounds: int,
    target_ns: int,
    log: Callable[[str], None],
) -> None:
    """Measure a section; cases slower than SLOW_NS per call get fewer rounds."""
    fast: list[Case] = []
    slow: list[Case] = []
    for case in sec.cases:
        try:
            t0 = time.perf_counter_ns()
            case.func()
            elapsed = time.perf_counter_ns() - t0
        except Exception as err:
            case.error = f"{type(err).__name__}: {err}"
            continue
        (slow if elapsed > SLOW_NS else fast).append(case)
    log(
        f"[{sec.title}] {len(fast)} cases x {rounds} rounds"
        + (f", {len(slow)} slow x {slow_rounds}" if slow else "")
    )
    measure(
        fast,
        rounds=rounds,
        target_ns=target_ns,
        batch=0,
        progress=lambda m: log(f"  {m}"),
    )
    if slow:
        measure(
            slow,
            rounds=slow_rounds,
            target_ns=1,
            batch=1,
            progress=lambda m: log(f"  slow {m}"),
        )
        for case in slow:
            case.note = "; ".join(
                x for x in (case.note, f"{len(case.samples)} single calls") if x
            )
    sec.notes.extend(f"{c.label}: {c.error}" for c in sec.cases if c.error)


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description=__doc__.splitlines()[0] if __doc__ else None
    )
    ap.add_argument(
        "--quick", action="store_true", help="fewer, shorter samples (< 30 s)"
    )
    ap.add_argument(
        "--output",
        default=str(ROOT / "benchmarks" / "results" / "latest"),
        help="base path of the report: writes BASE.md and BASE.json (default: %(default)s)",
    )
    ap.add_argument("--no-save", action="store_true", help="print only, write no files")
    ap.add_argument("--rounds", type=int, help="override the number of rounds")
    ap.add_argument("--check", action="store_true", help="exit 1 if any target FAILs")
    args = ap.parse_args(argv)
    mode = QUICK if args.quick else FULL
    if args.rounds:
        mode = Mode(
            mode.name,
            args.rounds,
            mode.target_ns,
            mode.slow_rounds,
            max(3, args.rounds // 2),
        )

    def log(msg: str) -> None:
        print(msg, file=sys.stderr, flush=True)

    started = time.monotonic()
    notes: list[str] = []
    openssl, why = peers.load_openssl()
    if openssl is None:
        notes.append(f"OpenSSL rows skipped: {why}")
    py_peers = [peers.load_malduck(), peers.load_wincrypto()]
    for peer in py_peers:
        if not peer.available:
            notes.append(f"{peer.name} rows skipped: {peer.note}")
    info = report.machine_info(openssl)
    fx = fixtures.load_fixtures()
    notes.append(f"fixtures: RSA key {fx.rsa_source}, DSA key {fx.dsa_source}")
    problems = suite.sanity(fx)
    notes += [f"SANITY: {p}" for p in problems]
    for p in problems:
        log(f"WARNING: {p}")

    sections = [
        suite.parse_section(fx, openssl, py_peers, notes),
        suite.tobytes_section(fx, notes),
        suite.keys_section(fx, py_peers, notes),
        suite.scaling_section(),
    ]
    for sec in sections:
        rounds = mode.scaling_rounds if sec.title == "scaling" else mode.rounds
        run_section(sec, rounds, mode.slow_rounds, mode.target_ns, log)

    cases = {c.key: c for sec in sections for c in sec.cases}
    scaling: dict[str, dict[int, float]] = {}
    for key, case in cases.items():
        if not key.startswith("scale/"):
            continue
        _, bits, series, impl = key.split("/")
        st = summarise(case)
        if st is not None:
            scaling.setdefault(f"{series}/{impl}", {})[int(bits)] = st.median
    targets = report.evaluate(cases, scaling)
    load = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    info["load average at end"] = " ".join(f"{x:.2f}" for x in load)
    duration = time.monotonic() - started
    text = report.render(
        mode.name, info, sections, cases, targets, scaling, notes, duration
    )
    print(text)
    print("Targets:")
    for t in targets:
        print(f"  {t.result:<5} {t.name}: {t.measured} (limit {t.threshold})")
    if not args.no_save:
        base = Path(args.output)
        if base.suffix in (".md", ".json"):
            base = base.with_suffix("")
        _write(base.with_suffix(".md"), text)
        data = report.to_json(
            mode.name,
            info,
            (c for s in sections for c in s.cases),
            cases,
            targets,
            scaling,
            notes,
            duration,
        )
        _write(base.with_suffix(".json"), json.dumps(data, indent=1) + "\n")
        log(f"wrote {base.with_suffix('.md')} and {base.with_suffix('.json')}")
    if args.check and any(t.result.startswith("FAIL") for t in targets):
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
