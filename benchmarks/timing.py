# SPDX-License-Identifier: Apache-2.0
"""A small interleaved micro-benchmark harness (``time.perf_counter_ns``).

Each *case* is a zero-argument callable (usually a ``functools.partial``, so
every row pays the same call overhead). A *sample* is one batch of ``n``
back-to-back calls divided by ``n``; ``n`` is calibrated per case so that a
batch lasts about ``target_ns``. Rounds are interleaved: in every round each
case of a group takes one sample, in a shuffled order, so that a slow phase
of a shared machine hits all rows alike. Ratios are computed per round
(``sample / baseline sample of the same round``) and then summarised by
their median, which cancels most of that drift.

The garbage collector is disabled inside a batch (as :mod:`timeit` does)
and a collection runs before each round.
"""

from __future__ import annotations

import gc
import itertools
import random
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

__all__ = ["Case", "Stats", "measure", "quantiles"]


@dataclass
class Case:
    """One benchmark row."""

    key: str
    group: str
    label: str
    func: Callable[[], object]
    baseline: str | None = None
    note: str = ""
    # Filled in by measure():
    number: int = 0
    batch: int = -1
    samples: list[float] = field(default_factory=list)
    error: str | None = None


@dataclass
class Stats:
    """Summary of a case's samples, in nanoseconds per call."""

    median: float
    q1: float
    q3: float
    minimum: float
    count: int
    number: int

    @property
    def iqr(self) -> float:
        """Inter-quartile range."""
        return self.q3 - self.q1


def quantiles(values: Sequence[float]) -> tuple[float, float, float]:
    """First quartile, median and third quartile (inclusive method)."""
    if len(values) == 1:
        return values[0], values[0], values[0]
    q1, q2, q3 = statistics.quantiles(values, n=4, method="inclusive")
    return q1, q2, q3


def summarise(case: Case) -> Stats | None:
    """Median, quartiles and minimum of a measured case."""
    if case.error or not case.samples:
        return None
    q1, med, q3 = quantiles(case.samples)
    return Stats(med, q1, q3, min(case.samples), len(case.samples), case.number)


def _batch(func: Callable[[], object], number: int) -> int:
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        t0 = time.perf_counter_ns()
        for _ in itertools.repeat(None, number):
            func()
        t1 = time.perf_counter_ns()
    finally:
        if gc_was_enabled:
            gc.enable()
    return t1 - t0


def _calibrate(func: Callable[[], object], target_ns: int, max_number: int) -> int:
    number = 1
    while True:
        elapsed = _batch(func, number)
        if elapsed >= target_ns or number >= max_number:
            return number
        # Aim a little past the target, at least doubling.
        grow = max(2, int(target_ns / max(elapsed, 1) * 1.2))
        number = min(number * grow, max_number)


def measure(
    cases: Sequence[Case],
    *,
    rounds: int,
    target_ns: int,
    seed: int = 1,
    batch: int = 0,
    max_number: int = 1_000_000,
    progress: Callable[[str], None] | None = None,
) -> None:
    """Sample every case ``rounds`` times, interleaved; fill in ``samples``.

    A case whose callable raises is marked with ``error`` and skipped.
    """
    live: list[Case] = []
    for case in cases:
        try:
            case.func()  # warm-up, and a check that it works at all
            case.number = _calibrate(case.func, target_ns, max_number)
            case.batch = batch
        except Exception as err:
            case.error = f"{type(err).__name__}: {err}"
            continue
        live.append(case)
    rng = random.Random(seed)
    order = list(live)
    for r in range(rounds):
        rng.shuffle(order)
        gc.collect()
        for case in order:
            case.samples.append(_batch(case.func, case.number) / case.number)
        if progress is not None and (r + 1) % max(1, rounds // 4) == 0:
            progress(f"round {r + 1}/{rounds}")


def paired_ratio(case: Case, baseline: Case) -> tuple[float, float, float] | None:
    """Quartiles of the per-round ratio ``case / baseline``."""
    if case.error or baseline.error or not case.samples or not baseline.samples:
        return None
    count = min(len(case.samples), len(baseline.samples))
    ratios = [case.samples[i] / baseline.samples[i] for i in range(count)]
    return quantiles(ratios)
