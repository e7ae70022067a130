"""Speed and bounds of blobformat.scan (issue 16), as ratios within one run.

Two parts:

* **Throughput.** 64 MiB of random bytes with a few hundred planted blobs of
  every kind. In each round (shuffled order) one ``re.finditer`` pass for the
  CAPI/PVK magics (``RSA[12]|DSS[1-4]|\\x00DH[1-4]|\\x1e\\xf1\\xb5\\xb0``, the
  baseline), one ``bytes.count(b"RSA1")`` pass (the practical limit), ``scan``
  with its default finder and ``scan`` with the pure-Python finder. Ratios
  are per round (scan time / baseline time of the same round); the report
  gives their median. Target: ``scan`` / ``re.finditer`` <= 1. Before timing,
  the script checks that ``scan`` finds exactly the planted blobs.
* **Floods.** 16 MiB of one header repeated back to back, for every kind
  (the BLOBHEADER and magic, e.g. ``07 02 00 00 00 a4 00 00 "RSA2"``), and,
  for the closed kinds, the whole valid prefix of a real blob (header and
  sizing fields) repeated. Each runs once in a fresh process: its time, and
  its peak RSS during the scan (VmHWM, reset before it) above the RSS before
  it. Targets: under 30 s and 32 MiB.

Run from the repository root::

    python benchmarks/scan_bench.py            # about 3 minutes on the 2-core VM
    python benchmarks/scan_bench.py --quick    # 2 rounds, 4 MiB floods

Results: ``benchmarks/results/scan.md`` and ``scan.json`` (unless ``--no-save``).
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import blobformat as bf  # noqa: E402
from blobformat.scan import engine, finder, kinds  # noqa: E402
from tests import scanfixtures as fx  # noqa: E402

MAGICS = re.compile(rb"RSA[12]|DSS[1-4]|\x00DH[1-4]|\x1e\xf1\xb5\xb0")
MIB = 1 << 20
TIME_LIMIT_S = 30.0
MEMORY_LIMIT = 32 * MIB


def corpus(size: int, count: int) -> tuple[bytes, list[tuple[int, int, str]]]:
    """Random bytes with ``count`` planted blobs; the expected (offset, length, kind)."""
    rng = random.Random(16)
    blobs = fx.distinct_blobs(count, seed=16)  # no two alike: no verdict is reused
    closer = fx.every_kind()["rsa-public"]
    data = bytearray(rng.randbytes(size))
    expected = []
    slot = size // count
    for i in range(count):
        name, blob = blobs[i]
        at = i * slot + rng.randrange(slot - 2 * len(blob) - len(closer) - 16)
        data[at : at + len(blob)] = blob
        expected.append((at, len(blob), fx.kind_of(name)))
        if fx.kind_of(name) in fx.OPEN_ENDED:
            data[at + len(blob) : at + len(blob) + len(closer)] = closer
            expected.append((at + len(blob), len(closer), "rsa-public"))
    return bytes(data), expected


def regex_pass(data: bytes) -> int:
    return sum(1 for _ in MAGICS.finditer(data))


def count_pass(data: bytes) -> int:
    return data.count(b"RSA1")


def scan_pass(data: bytes) -> int:
    return sum(1 for _ in bf.scan(data))


def scan_pure_pass(data: bytes) -> int:
    saved = engine.best_finder
    engine.best_finder = finder.RegexFinder  # type: ignore[assignment]
    try:
        return sum(1 for _ in bf.scan(data))
    finally:
        engine.best_finder = saved


def timed(fn: Callable[[bytes], int], data: bytes) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        fn(data)
        return time.perf_counter() - start
    finally:
        gc.enable()


def throughput(rounds: int) -> dict[str, object]:
    data, expected = corpus(64 * MIB, 300)
    got = [(m.offset, m.length, m.kind) for m in bf.scan(data)]
    pure = [(m.offset, m.length, m.kind) for m in _pure(data)]
    rows: dict[str, Callable[[bytes], int]] = {
        "re.finditer (baseline)": regex_pass,
        'bytes.count(b"RSA1")': count_pass,
        "blobformat.scan": scan_pass,
        "blobformat.scan, pure-Python finder": scan_pure_pass,
    }
    samples: dict[str, list[float]] = {name: [] for name in rows}
    rng = random.Random(1)
    for _ in range(rounds):
        order = list(rows)
        rng.shuffle(order)
        for name in order:
            samples[name].append(timed(rows[name], data))
    base = samples["re.finditer (baseline)"]
    limit = samples['bytes.count(b"RSA1")']
    out: dict[str, object] = {
        "bytes": len(data),
        "planted": len(expected),
        "found_exactly": got == expected,
        "pure_finder_agrees": pure == got,
        "rounds": rounds,
        "rows": {},
    }
    for name, times in samples.items():
        out["rows"][name] = {  # type: ignore[index]
            "median_s": statistics.median(times),
            "mb_per_s": len(data) / 1e6 / statistics.median(times),
            "ratio_to_regex": statistics.median(
                t / b for t, b in zip(times, base, strict=True)
            ),
            "ratio_to_count": statistics.median(
                t / c for t, c in zip(times, limit, strict=True)
            ),
        }
    return out


def _pure(data: bytes) -> list[bf.ScanMatch]:
    saved = engine.best_finder
    engine.best_finder = finder.RegexFinder  # type: ignore[assignment]
    try:
        return list(bf.scan(data))
    finally:
        engine.best_finder = saved


def flood_inputs() -> dict[str, bytes]:
    """One header per kind, and the valid prefix of a real blob per closed kind."""
    out: dict[str, bytes] = {}
    real = fx.every_kind()
    for row in kinds.ROWS:
        if not row.default:
            continue
        blob = real[row.kind]
        if row.magic_offset == 8:
            out[f"{row.kind} header"] = blob[:12]
        else:
            out[f"{row.kind} header"] = blob[: max(len(row.magic), row.prefix_end)]
        if not row.open_ended and row.prefix_end > 12:
            out[f"{row.kind} valid prefix"] = blob[: row.prefix_end]
    out["pvk-encrypted valid prefix"] = real["pvk-encrypted"][:32]
    return out


def _rss() -> int:
    """Resident set size now, in bytes (Linux)."""
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _hwm() -> int:
    """Peak resident set size of this process since the last reset, in bytes (Linux)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    raise OSError("no VmHWM in /proc/self/status")


def flood_child(name: str, size: int) -> None:
    """Run one flood in this (fresh) process; print seconds and memory as JSON."""
    unit = flood_inputs()[name]
    data = unit * (size // len(unit) + 1)  # one allocation: no transient copy
    view = memoryview(data)[:size]
    scan_pass(view[:4096].tobytes())  # import and warm everything first
    gc.collect()
    before = _rss()
    # Reset the peak to the current RSS (Linux clear_refs "5"), so the peak
    # read afterwards is the scan's own.
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")
    start = time.perf_counter()
    reported = sum(1 for _ in bf.scan(view))
    seconds = time.perf_counter() - start
    print(
        json.dumps(
            {
                "unit_bytes": len(unit),
                "seconds": seconds,
                "extra_bytes": max(0, _hwm() - before),
                "reported": reported,
            }
        )
    )


def floods(size: int) -> dict[str, dict[str, object]]:
    """Each flood in its own process: time, and peak RSS above the RSS before the scan."""
    results: dict[str, dict[str, object]] = {}
    for name in flood_inputs():
        out = subprocess.run(
            [sys.executable, __file__, "--flood-child", name, str(size)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        row: dict[str, object] = json.loads(out)
        row["pass"] = (
            row["seconds"] < TIME_LIMIT_S and row["extra_bytes"] < MEMORY_LIMIT
        )  # type: ignore[operator]
        results[name] = row
        print(
            f"  flood {name}: {row['seconds']:.2f} s, +{row['extra_bytes'] / MIB:.1f} MiB",
            file=sys.stderr,
        )  # type: ignore[operator]
    return results


def machine() -> dict[str, object]:
    try:
        commit = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
    except OSError:
        commit = "?"
    try:
        import ahocorasick_rs

        ac = getattr(ahocorasick_rs, "__version__", "installed")
    except ImportError:
        ac = "not installed"
    return {
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
        "python": platform.python_version(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "load": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "commit": commit,
        "ahocorasick_rs": ac,
    }


def report(result: dict[str, object]) -> str:
    t = result["throughput"]
    lines = [
        "# blobformat.scan benchmark",
        "",
        f"{result['machine']}",
        "",
        f"## Throughput: {t['bytes'] // MIB} MiB random, {t['planted']} planted blobs, {t['rounds']} rounds",  # type: ignore[index]
        "",
        f"Planted blobs found exactly: {t['found_exactly']}; pure-Python finder agrees: {t['pure_finder_agrees']}.",  # type: ignore[index]
        "",
        "| row | median | MB/s | ratio to re.finditer | ratio to bytes.count |",
        "|---|---:|---:|---:|---:|",
    ]
    for name, row in t["rows"].items():  # type: ignore[index]
        lines.append(
            f"| {name} | {row['median_s'] * 1000:.0f} ms | {row['mb_per_s']:.0f} | "
            f"{row['ratio_to_regex']:.2f} | {row['ratio_to_count']:.2f} |"
        )
    scan_ratio = t["rows"]["blobformat.scan"]["ratio_to_regex"]  # type: ignore[index]
    verdict = "PASS" if scan_ratio <= 1.0 and t["found_exactly"] else "FAIL"  # type: ignore[index]
    lines += [
        "",
        f"**Target** scan / re.finditer <= 1: {scan_ratio:.2f} **{verdict}**",
        "",
    ]
    lines += [
        f"## Floods: {result['flood_bytes'] // MIB} MiB of one unit repeated",
        "",
        "| unit | bytes | time | extra memory (peak RSS) | reported | result |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, row in result["floods"].items():  # type: ignore[attr-defined]
        lines.append(
            f"| {name} | {row['unit_bytes']} | {row['seconds']:.2f} s | {row['extra_bytes'] / MIB:.1f} MiB | "
            f"{row['reported']} | {'PASS' if row['pass'] else 'FAIL'} |"
        )
    lines += [
        "",
        f"Targets: under {TIME_LIMIT_S:.0f} s and {MEMORY_LIMIT // MIB} MiB each. Each flood runs in a fresh process; extra memory is its peak RSS during the scan (VmHWM, reset just before it through /proc/self/clear_refs) above the RSS just before it: the flood itself excluded, Rust allocations included.",
    ]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument(
        "--flood-child", nargs=2, metavar=("NAME", "SIZE"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.flood_child:
        flood_child(args.flood_child[0], int(args.flood_child[1]))
        return 0
    print("throughput ...", file=sys.stderr)
    result: dict[str, object] = {"machine": machine()}
    result["throughput"] = throughput(2 if args.quick else 7)
    size = (4 if args.quick else 16) * MIB
    result["flood_bytes"] = size
    print("floods ...", file=sys.stderr)
    result["floods"] = floods(size)
    text = report(result)
    print(text)
    if not args.no_save:
        out = ROOT / "benchmarks" / "results"
        (out / "scan.md").write_text(text)
        (out / "scan.json").write_text(json.dumps(result, indent=2, default=str) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
