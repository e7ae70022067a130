# SPDX-License-Identifier: Apache-2.0
"""Timing of SIMPLEBLOB unwrap failures: ``python benchmarks/oracle_timing.py``.

Does an attacker who times ``unwrap_session_key`` learn *which* check
failed (SPEC §15.2 [SES-2], §18)? For PKCS#1 v1.5 and OAEP unwrapping with
a 2048-bit key, every failure class (bad padding type byte, no separator,
padding too short, valid padding with a key length the algorithm does not
allow, ciphertext >= n, ...) is timed ``--trials`` times, one call per
sample, all classes of a padding mode interleaved in one random order so
that the drift of a shared machine hits them alike. Each class is compared
with a reference class by a z-score; a control compares the reference class
with a second, independently built set of the same class. PASS when every
|z| < 3.

Statistics. Single-call times on a shared 2-core VM have a heavy right tail
(preemption, other processes: a few samples are 10-100x the median), which
makes plain means and variances unstable. The verdict therefore uses
Yuen's trimmed-mean test (the Welch z-score on 10 %-trimmed means with
winsorized variances), the standard robust form of Welch's test; the plain
Welch z and the difference of medians are reported next to it.

This is a measurement, not a test: nothing here runs under pytest.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

import argparse  # noqa: E402
import datetime as dt  # noqa: E402
import gc  # noqa: E402
import math  # noqa: E402
import os  # noqa: E402
import platform  # noqa: E402
import random  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from dataclasses import dataclass  # noqa: E402

TRIM = 0.10
Z_LIMIT = 3.0
SETS = 16  # distinct ciphertexts per class, cycled


@dataclass(frozen=True)
class Comparison:
    """One class against the reference class."""

    mode: str
    name: str
    reference: str
    n: tuple[int, int]
    median_us: tuple[float, float]
    median_diff_us: float
    trimmed_diff_us: float
    z_trimmed: float
    z_welch: float

    @property
    def passed(self) -> bool:
        """|z| of the trimmed test below the limit."""
        return abs(self.z_trimmed) < Z_LIMIT


def _welch(a: list[float], b: list[float]) -> tuple[float, float]:
    """Difference of means and Welch's z."""
    va, vb = statistics.variance(a), statistics.variance(b)
    diff = statistics.fmean(a) - statistics.fmean(b)
    return diff, diff / math.sqrt(va / len(a) + vb / len(b))


def _yuen(a: list[float], b: list[float]) -> tuple[float, float]:
    """Difference of trimmed means and Yuen's z (winsorized variances)."""

    def parts(x: list[float]) -> tuple[float, float, int]:
        s = sorted(x)
        g = int(TRIM * len(s))
        kept = s[g : len(s) - g]
        wins = [s[g]] * g + kept + [s[len(s) - g - 1]] * g
        h = len(kept)
        # Standard error term of a trimmed mean: winsorized variance (n-1)/(h(h-1)).
        return (
            statistics.fmean(kept),
            statistics.variance(wins) * (len(s) - 1) / (h * (h - 1)),
            h,
        )

    ma, da, _ = parts(a)
    mb, db, _ = parts(b)
    return ma - mb, (ma - mb) / math.sqrt(da + db)


def _time_classes(
    classes: dict[str, list[Callable[[], object]]], trials: int, seed: int
) -> dict[str, list[float]]:
    """Time ``trials`` single calls per class, all classes interleaved at random."""
    order = [name for name in classes for _ in range(trials)]
    random.Random(seed).shuffle(order)
    cursor = dict.fromkeys(classes, 0)
    times: dict[str, list[float]] = {name: [] for name in classes}
    clock = time.perf_counter_ns
    gc.collect()
    gc.disable()
    try:
        for index, name in enumerate(order):
            calls = classes[name]
            call = calls[cursor[name] % len(calls)]
            cursor[name] += 1
            start = clock()
            call()
            times[name].append((clock() - start) / 1000)
            if index % 500 == 499:
                gc.enable()
                gc.collect()
                gc.disable()
    finally:
        gc.enable()
    return times


def _failing(
    unwrap: Callable[[], object], error: type[BaseException]
) -> Callable[[], object]:
    """Wrap an unwrap call that must fail with ``error``; checked once first."""

    def call() -> object:
        try:
            unwrap()
        except error:
            return None
        raise AssertionError("a benchmark case did not fail")

    call()
    return call


def _cases(oaep: bool) -> dict[str, list[Callable[[], object]]]:
    """The failure classes of one padding mode, SETS distinct blobs each."""
    import functools

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    import blobformat as bf
    from blobformat.capi.wrap import unwrap_session_key

    key = serialization.load_pem_private_key(
        (ROOT / "vectors" / "keys" / "rsa-2048.pem").read_bytes(), password=None
    )
    assert isinstance(key, rsa.RSAPrivateKey)
    pub = key.public_key()
    n, e = pub.public_numbers().n, pub.public_numbers().e
    size = (key.key_size + 7) // 8
    rng = random.Random(2048 + oaep)
    alg = bf.AlgId.CALG_AES_256

    def blob(c: int) -> bytes:
        return bf.SimpleBlob(
            key_alg=alg,
            wrap_alg=bf.AlgId.CALG_RSA_KEYX,
            encrypted_key=c.to_bytes(size, "big")[::-1],
        ).to_bytes()

    def nonzero(count: int) -> bytes:
        return bytes(rng.randrange(1, 256) for _ in range(count))

    def em_blob(em: bytes) -> bytes:
        return blob(pow(int.from_bytes(em, "big"), e, n))

    def call(data: bytes) -> Callable[[], object]:
        return _failing(
            functools.partial(unwrap_session_key, data, key, oaep=oaep),
            bf.DecryptionError,
        )

    def many(make: Callable[[], bytes]) -> list[Callable[[], object]]:
        return [call(make()) for _ in range(SETS)]

    if oaep:
        scheme = padding.OAEP(
            mgf=padding.MGF1(hashes.SHA1()),  # noqa: S303 - CRYPT_OAEP is SHA-1
            algorithm=hashes.SHA1(),  # noqa: S303
            label=None,
        )
        return {
            "bad OAEP (random ciphertext)": many(lambda: blob(rng.randrange(n))),
            "bad OAEP, control set": many(lambda: blob(rng.randrange(n))),
            "valid OAEP, 7-byte key for AES-256": many(
                lambda: blob(int.from_bytes(pub.encrypt(nonzero(7), scheme), "big"))
            ),
            "ciphertext >= n": many(lambda: blob(rng.randrange(n, 256**size))),
        }
    body = size - 3
    return {
        "bad type byte (00 01)": many(
            lambda: em_blob(b"\x00\x01" + nonzero(body - 32) + b"\x00" + nonzero(32))
        ),
        "bad type byte, control set": many(
            lambda: em_blob(b"\x00\x01" + nonzero(body - 32) + b"\x00" + nonzero(32))
        ),
        "no zero separator": many(lambda: em_blob(b"\x00\x02" + nonzero(size - 2))),
        "padding too short (7)": many(
            lambda: em_blob(b"\x00\x02" + nonzero(7) + b"\x00" + nonzero(size - 10))
        ),
        "valid padding, 7-byte key for AES-256": many(
            lambda: em_blob(b"\x00\x02" + nonzero(size - 10) + b"\x00" + nonzero(7))
        ),
        "ciphertext >= n": many(lambda: blob(rng.randrange(n, 256**size))),
    }


def _compare(mode: str, times: dict[str, list[float]]) -> list[Comparison]:
    names = list(times)
    reference = names[0]
    rows = []
    for name in names[1:]:
        a, b = times[name], times[reference]
        diff, z_trim = _yuen(a, b)
        _, z_welch = _welch(a, b)
        med_a, med_b = statistics.median(a), statistics.median(b)
        rows.append(
            Comparison(
                mode,
                name,
                reference,
                (len(a), len(b)),
                (med_a, med_b),
                med_a - med_b,
                diff,
                z_trim,
                z_welch,
            )
        )
    return rows


def _git(*args: str) -> str:
    try:
        res = subprocess.run(
            ["git", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
            env=dict(os.environ, GIT_OPTIONAL_LOCKS="0"),
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return res.stdout.strip() if res.returncode == 0 else ""


def _render(
    rows: list[Comparison],
    trials: int,
    started: str,
    load: tuple[float, ...],
    library: Path,
) -> str:
    import cryptography
    from cryptography.hazmat.backends.openssl.backend import backend

    dirty = _git("status", "--porcelain", "--", "blobformat") if library == ROOT else ""
    lines = [
        "# SIMPLEBLOB unwrap: timing of failure classes",
        "",
        f"`python benchmarks/oracle_timing.py --trials {trials}`. Each class is timed {trials} times "
        f"(single calls, {SETS} distinct blobs cycled), all classes of a mode interleaved in one "
        "random order; RSA 2048 (`vectors/keys/rsa-2048.pem`). z: Yuen's test (10 %-trimmed "
        "means, winsorized variances), the robust Welch test; PASS when |z| < 3. The plain "
        "Welch z is shown for comparison. The control compares two independent sets of the "
        "same class.",
        "",
        "| mode | class | vs | median (µs) | Δ median (µs) | Δ trimmed mean (µs) | z (trimmed) | z (Welch) | verdict |",
        "|---|---|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.mode} | {r.name} | {r.reference} | {r.median_us[0]:.0f} / {r.median_us[1]:.0f} | "
            f"{r.median_diff_us:+.1f} | {r.trimmed_diff_us:+.1f} | {r.z_trimmed:+.2f} | "
            f"{r.z_welch:+.2f} | {'PASS' if r.passed else 'FAIL'} |"
        )
    end_load = os.getloadavg()
    lines += [
        "",
        f"Overall: **{'PASS' if all(r.passed for r in rows) else 'FAIL'}** "
        f"(max |z| trimmed {max(abs(r.z_trimmed) for r in rows):.2f}).",
        "",
        "## Machine",
        "",
        f"- date (UTC): {started}",
        f"- platform: {platform.platform()}, {len(os.sched_getaffinity(0))} usable CPUs",
        f"- load average at start / end: {' '.join(f'{x:.2f}' for x in load)} / "
        f"{' '.join(f'{x:.2f}' for x in end_load)}",
        f"- python: {platform.python_implementation()} {platform.python_version()}",
        f"- cryptography: {cryptography.__version__} ({backend.openssl_version_text()})",
        f"- blobformat from: {library}",
        f"- git: {_git('rev-parse', '--short', 'HEAD') or '?'}"
        + (" + uncommitted changes in blobformat/" if dirty else ""),
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Run the measurement; print the report and save it unless --no-save."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--trials", type=int, default=2000, help="calls per class (default 2000)"
    )
    parser.add_argument("--quick", action="store_true", help="200 trials per class")
    parser.add_argument("--mode", choices=("pkcs1", "oaep", "both"), default="both")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--output",
        type=Path,
        default=ROOT / "benchmarks" / "results" / "oracle_timing.md",
        help="Markdown report path",
    )
    parser.add_argument("--no-save", action="store_true")
    parser.add_argument(
        "--library",
        type=Path,
        default=ROOT,
        help="directory holding the blobformat package to measure (default: this tree)",
    )
    parser.add_argument("--check", action="store_true", help="exit 1 on FAIL")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.library.resolve()))
    trials = 200 if args.quick else args.trials
    started = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
    load = os.getloadavg()
    rows: list[Comparison] = []
    modes = ("pkcs1", "oaep") if args.mode == "both" else (args.mode,)
    for mode in modes:
        print(f"timing {mode}: {trials} trials per class ...", file=sys.stderr)
        classes = _cases(oaep=mode == "oaep")
        rows += _compare(
            "PKCS#1 v1.5" if mode == "pkcs1" else "OAEP",
            _time_classes(classes, trials, args.seed),
        )
    text = _render(rows, trials, started, load, args.library.resolve())
    print(text)
    if not args.no_save:
        args.output.write_text(text, encoding="utf-8")
    return 1 if args.check and not all(r.passed for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
