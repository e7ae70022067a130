"""SPEC.md and the code agree on requirement IDs and section references."""

from __future__ import annotations

import re
from pathlib import Path

import blobformat
from tests.conftest import ROOT

PACKAGE = Path(blobformat.__file__).resolve().parent
SPEC = (ROOT / "SPEC.md").read_text()
RULE_DEF = re.compile(r"\*\*\[([A-Z]+-\d+)\]\*\*")
# A requirement ID in code is a string literal such as "HDR-3" (rule="HDR-3",
# RULE = "RSA-2", or an argument of a helper that raises).
RULE_USE = re.compile(r"""["']([A-Z]{2,4}-\d+)["']""")


def spec_rules() -> set[str]:
    return set(RULE_DEF.findall(SPEC))


def code_rules() -> set[str]:
    found: set[str] = set()
    for path in PACKAGE.rglob("*.py"):
        found.update(RULE_USE.findall(path.read_text()))
    return found


def test_every_rule_used_in_code_is_specified() -> None:
    missing = code_rules() - spec_rules()
    assert not missing, f"rules raised by the code but not defined in SPEC.md: {sorted(missing)}"


def test_every_specified_rule_is_enforced() -> None:
    unused = spec_rules() - code_rules()
    assert not unused, f"rules defined in SPEC.md that no code enforces: {sorted(unused)}"


def test_section_references_exist() -> None:
    headings = set(re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", SPEC, re.M))
    for path in PACKAGE.rglob("*.py"):
        for ref in re.findall(r"SPEC §(\d+(?:\.\d+)*)", path.read_text()):
            assert ref.rstrip(".") in headings, f"{path.name} cites SPEC §{ref}, not a heading"


def test_rule_ids_are_unique_definitions() -> None:
    defs = RULE_DEF.findall(SPEC)
    # A rule may be referenced many times but must be defined in a bullet once.
    bullets = re.findall(r"^- \*\*\[([A-Z]+-\d+)\]\*\*", SPEC, re.M)
    assert len(bullets) == len(set(bullets))
    assert set(bullets) == set(defs)


def test_paths_in_readme_exist() -> None:
    readme = (ROOT / "README.md").read_text()
    for rel in re.findall(r"vectors/[\w./-]+\.(?:blob|pvk|json)", readme):
        assert (ROOT / rel).exists(), rel


