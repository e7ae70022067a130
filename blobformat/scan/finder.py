# SPDX-License-Identifier: Apache-2.0
"""Find every occurrence of a set of magics in a buffer, overlapping ones included.

Two interchangeable engines give the same positions (tests/test_scan.py
checks it): :class:`AhoCorasickFinder`, on the ``ahocorasick_rs`` package
(Rust, wheels for Linux, macOS and Windows; its SIMD prefilter searches
random bytes at several GB/s, see benchmarks/scan_bench.py), and
:class:`RegexFinder`, pure Python, used when that package is not installed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Protocol

__all__ = ["AhoCorasickFinder", "Finder", "RegexFinder", "best_finder"]


class Finder(Protocol):
    """Finds magics in ``window``: ``(magic index, position)`` pairs."""

    name: str

    def find(self, window: memoryview, stop: int) -> list[tuple[int, int]]:
        """Every ``(i, pos)`` with ``magics[i]`` at ``pos < stop`` in ``window``, any order."""
        ...  # pragma: no cover - protocol


class RegexFinder:
    """Pure-Python engine: one ``re`` alternation, restarted one byte after each hit."""

    name = "re"

    def __init__(self, magics: Sequence[bytes]) -> None:
        self._magics = list(magics)
        ordered = sorted(set(magics), key=len, reverse=True)
        self._pattern = re.compile(b"|".join(re.escape(m) for m in ordered))
        # Every magic that can start at a position, by its first byte.
        self._by_first: dict[int, list[tuple[int, bytes]]] = {}
        for index, magic in enumerate(self._magics):
            self._by_first.setdefault(magic[0], []).append((index, magic))

    def find(self, window: memoryview, stop: int) -> list[tuple[int, int]]:
        """See :class:`Finder`."""
        out: list[tuple[int, int]] = []
        search = self._pattern.search
        size = len(window)
        pos = 0
        while pos < stop:
            hit = search(window, pos)
            if hit is None:
                break
            start = hit.start()
            if start >= stop:
                break
            # The alternation reports one magic per position; find them all.
            for index, magic in self._by_first[window[start]]:
                end = start + len(magic)
                if end <= size and window[start:end] == magic:
                    out.append((index, start))
            pos = start + 1  # overlapping occurrences too
        return out


class AhoCorasickFinder:
    """``ahocorasick_rs`` engine.

    It searches with leftmost-first semantics, the only ones for which the
    Rust crate uses its SIMD prefilter (measured: 7 GB/s against 250 MB/s
    for overlapping search on random bytes). Leftmost-first reports one
    magic per match and resumes after it, so every position a reported
    match covers is checked here for all magics: the result is every
    occurrence, overlapping ones included, as :class:`RegexFinder` gives.
    """

    name = "ahocorasick_rs"

    def __init__(self, magics: Sequence[bytes]) -> None:
        import ahocorasick_rs

        self._automaton = ahocorasick_rs.BytesAhoCorasick(
            list(magics), matchkind=ahocorasick_rs.MatchKind.LeftmostFirst
        )
        self._by_first: dict[int, list[tuple[int, bytes]]] = {}
        for index, magic in enumerate(magics):
            self._by_first.setdefault(magic[0], []).append((index, magic))

    def find(self, window: memoryview, stop: int) -> list[tuple[int, int]]:
        """See :class:`Finder`."""
        out: list[tuple[int, int]] = []
        by_first = self._by_first
        size = len(window)
        for _, start, end in self._automaton.find_matches_as_indexes(window):
            if start >= stop:
                break
            for pos in range(start, min(end, stop)):
                for index, magic in by_first.get(window[pos], ()):
                    if (
                        window[pos : pos + len(magic)] == magic
                        and pos + len(magic) <= size
                    ):
                        out.append((index, pos))
        return out


def best_finder(magics: Sequence[bytes]) -> Finder:
    """The fastest engine installed for ``magics``."""
    try:
        return AhoCorasickFinder(magics)
    except ImportError:
        return RegexFinder(magics)
