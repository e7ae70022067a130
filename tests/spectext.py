"""Readers of SPEC.md's tables, shared by the tests that check lists against them (tests only)."""

from __future__ import annotations

import functools
import re

from tests.conftest import ROOT


@functools.cache
def spec_17_topics() -> frozenset[str]:
    """The topics (first column) of the table in SPEC §17, header and rule rows excluded."""
    text = (ROOT / "SPEC.md").read_text(encoding="utf-8")
    section = text.split("## 17.", 1)[1].split("\n## ", 1)[0]
    topics = set()
    for line in section.splitlines():
        if not line.startswith("|"):
            continue
        first = line.strip().strip("|").split("|")[0].strip()
        if first not in ("topic", "") and not re.fullmatch(r"[-:]+", first):
            topics.add(first)
    return frozenset(topics)
