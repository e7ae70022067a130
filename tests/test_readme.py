"""The README's Python examples that are marked self-contained run as written."""

from __future__ import annotations

import re

from tests.conftest import ROOT

README = (ROOT / "README.md").read_text()


def test_store_load_example_runs() -> None:
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    runnable = [b for b in blocks if "store_session_key(" in b]
    assert runnable, "the README lost its store/load example"
    for block in runnable:
        exec(compile(block, "README.md", "exec"), {})  # noqa: S102 - our own README


def test_quick_start_commands() -> None:
    start = README.index("## Quick start")
    section = README[start : README.index("## Using it")]
    commands = re.findall(r"```sh\n(.*?)```", section, re.S)
    assert len(commands) == 2
    assert "blobformat inspect vectors/" in commands[0]
    assert "pytest" in commands[1]
