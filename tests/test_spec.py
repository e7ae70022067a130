"""SPEC.md and the code agree on requirement IDs and section references."""

from __future__ import annotations

import re
from pathlib import Path

import blobformat
from tests.conftest import ROOT
from tests.spectext import spec_17_topics

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
    assert not missing, (
        f"rules raised by the code but not defined in SPEC.md: {sorted(missing)}"
    )


def test_every_specified_rule_is_enforced() -> None:
    unused = spec_rules() - code_rules()
    assert not unused, (
        f"rules defined in SPEC.md that no code enforces: {sorted(unused)}"
    )


def test_section_references_exist() -> None:
    headings = set(re.findall(r"^#{2,4} (\d+(?:\.\d+)*)\.? ", SPEC, re.M))
    for path in PACKAGE.rglob("*.py"):
        for ref in re.findall(r"SPEC §(\d+(?:\.\d+)*)", path.read_text()):
            assert ref.rstrip(".") in headings, (
                f"{path.name} cites SPEC §{ref}, not a heading"
            )


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


def test_rule_ids_are_defined_in_order() -> None:
    # An independent reader meets HDR-1 before HDR-2: within a prefix, definitions ascend.
    seen: dict[str, int] = {}
    for prefix, number in re.findall(r"^- \*\*\[([A-Z]+)-(\d+)\]\*\*", SPEC, re.M):
        assert int(number) > seen.get(prefix, 0), (
            f"{prefix}-{number} is defined after {prefix}-{seen[prefix]}"
        )
        seen[prefix] = int(number)


def test_contents_lists_every_section_and_subsection() -> None:
    contents, body = SPEC.split("## Contents\n", 1)[1].split("\n# Part I.", 1)
    headings = re.findall(r"^#{1,3} (.+)$", "# Part I." + body, re.M)
    for title in headings:
        assert title.strip() in contents, f"the contents do not list {title!r}"
    listed = re.findall(r"^(?:\d+\. |\s+- |- )(.+)$", contents, re.M)
    assert len(listed) == len(
        [h for h in headings if not h.startswith(("Part ", "Appendices"))]
    )


def test_spec_cites_only_shipped_files() -> None:
    cited = set(re.findall(r"`([\w./-]+\.(?:md|py|json|pem|blob))`", SPEC))
    assert cited, "the pattern finds nothing"
    for name in sorted(cited):
        path = ROOT / name if "/" in name else ROOT / "vectors" / "v1" / name
        assert path.exists(), f"SPEC.md cites {name}, which is not in the repository"
    for unshipped in ("FORMATS", "ENVELOPE.md", "PEERS", "shared/reference"):
        assert unshipped not in SPEC, f"SPEC.md cites the unshipped {unshipped}"


def test_spec_17_topics_are_the_first_column_of_its_table() -> None:
    # Both lists checked against §17 (fuzz/known_differences.py, vectors'
    # openssl differences) rely on this reader: rows in, header and rule out.
    topics = spec_17_topics()
    assert "trailing bytes after a blob" in topics
    assert "RSA bitlen range" in topics
    assert not {"topic", ""} & topics
    assert not any(set(topic) <= set("-:") for topic in topics)
    section = SPEC.split("## 17.", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| ")]
    assert len(topics) == len(rows) - 1  # every row but the header, no duplicates
