"""The documentation's sources: complete API page, requirement anchors, runnable examples.

The build itself (``sphinx-build -W``) and the inventory check run in .ci/run; these
tests need no Sphinx.
"""

from __future__ import annotations

import argparse
import importlib
import re
import sys
from pathlib import Path
from typing import Any

import pytest

import blobformat
from blobformat import errors, strategies
from tests.conftest import ROOT

DOCS = ROOT / "docs"
sys.path.insert(0, str(DOCS / "_ext"))
import docs_text  # noqa: E402

DIRECTIVE = re.compile(
    r"^\.\. (?:auto(?:class|function|data|exception)|py:type|py:class)::\s+(\S+)", re.M
)


def _python_blocks(page: Path) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", page.read_text(), re.M | re.S)


def test_every_public_name_is_on_the_api_page() -> None:
    text = (DOCS / "api.rst").read_text()
    top = text.split(".. automodule:: blobformat.strategies")[0]
    documented = set(DIRECTIVE.findall(top))
    missing = set(blobformat.__all__) - documented
    assert not missing, f"add to docs/api.rst: {sorted(missing)}"
    assert ".. automodule:: blobformat.strategies" in text


def test_strategies_module_lists_its_public_names() -> None:
    public = {
        n
        for n in vars(strategies)
        if not n.startswith("_")
        and callable(getattr(strategies, n))
        and getattr(getattr(strategies, n), "__module__", "") == strategies.__name__
    }
    assert public <= set(strategies.__all__)


def test_every_requirement_gets_its_anchor() -> None:
    spec = (ROOT / "SPEC.md").read_text()
    rules = docs_text.defined_requirements(spec)
    assert len(rules) > 50 and len(set(rules)) == len(rules)
    rendered = docs_text.anchored_spec(spec)
    for rule in rules:
        assert f"- ({errors.spec_anchor(rule)})=\n" in rendered, rule
    # Nothing else changes: removing the target lines gives SPEC.md back.
    assert re.sub(r"- \(req-[a-z0-9-]+\)=\n *", "- ", rendered) == spec


def test_references_link_to_their_anchor() -> None:
    text = "see [RSA-4] and **[RSA-5]**, not `[RSA-4]` nor [ABC-9] nor [RSA-4](x)\n"
    out = docs_text.linked_references(text, {"RSA-4", "RSA-5"})
    assert out == (
        "see [\\[RSA-4\\]](#req-rsa-4) and **[\\[RSA-5\\]](#req-rsa-5)**, "
        "not `[RSA-4]` nor [ABC-9] nor [RSA-4](x)\n"
    )
    spec = (ROOT / "SPEC.md").read_text()
    rendered = docs_text.rendered_spec(spec)
    unlinked = re.sub(r"\[\\\[([A-Z0-9-]+)\\\]\]\(#req-[a-z0-9-]+\)", r"[\1]", rendered)
    assert unlinked == docs_text.anchored_spec(spec)


def test_spec_url_points_at_the_anchor() -> None:
    with pytest.raises(blobformat.BlobError) as info:
        blobformat.parse(bytes.fromhex("0602010000a40000") + b"RSA1")
    err = info.value
    assert err.rule == "HDR-3"
    assert err.spec_url == errors.SPEC_URL.format(anchor="req-hdr-3")
    assert err.spec_url.endswith("spec.html#req-hdr-3")
    assert str(err).endswith("[SPEC HDR-3]")  # the message is unchanged
    assert blobformat.InvalidParameterError("no rule").spec_url is None


def test_included_links_point_at_pages() -> None:
    text = (
        "see [SPEC.md](../SPEC.md#4-x) and [x](https://e.invalid/a.md), [y](other.md)"
    )
    out = docs_text.relink(text, ROOT / "vectors" / "README.md", "vectors")
    assert (
        out
        == "see [SPEC.md](spec.md#4-x) and [x](https://e.invalid/a.md), [y](other.md)"
    )
    out = docs_text.relink("[s](SPEC.md)", ROOT / "README.md", "guides/forensic")
    assert out == "[s](../spec.md)"


def test_cli_reference_finds_the_parser() -> None:
    module, func = docs_text.cli_parser_location()
    parser = getattr(importlib.import_module(module), func)()
    assert isinstance(parser, argparse.ArgumentParser)
    assert parser.prog == "blobformat"


def test_ivars_one_per_line() -> None:
    """Sphinx renders only the first of two ``:ivar`` fields on one line."""
    package = Path(blobformat.__file__).resolve().parent
    sources = list(package.rglob("*.py"))
    assert len(sources) > 10
    for path in sources:
        for number, line in enumerate(path.read_text().splitlines(), 1):
            assert line.count(":ivar ") <= 1, f"{path.name}:{number}"
            # "p." alone is an enumerated-list marker to docutils: the field renders empty.
            assert not re.search(r":ivar \w+: [A-Za-z]\.$", line), (
                f"{path.name}:{number}"
            )


def test_strategies_page_example_runs() -> None:
    """The property tests on docs/strategies.md run, and catch a parser that disagrees."""
    namespace: dict[str, Any] = {}
    for block in _python_blocks(DOCS / "strategies.md"):
        exec(compile(block, "docs/strategies.md", "exec"), namespace)  # noqa: S102
    tests = [v for k, v in namespace.items() if k.startswith("test_")]
    assert len(tests) == 2
    for test in tests:
        test()
    # A parser that reads at most 64 modulus bytes disagrees (520-bit keys), and the
    # example says so.
    namespace["my_modulus"] = lambda data: int.from_bytes(data[20:84], "little")
    with pytest.raises(AssertionError):
        namespace["test_reads_valid_blobs"]()


def test_about_page_example_prints_the_link(capsys: pytest.CaptureFixture[str]) -> None:
    (block,) = _python_blocks(DOCS / "about.md")
    exec(compile(block, "docs/about.md", "exec"), {})  # noqa: S102
    expected = re.search(r"# (HDR-3 \S+)", block)
    assert expected is not None
    assert capsys.readouterr().out.strip() == expected[1]


def test_getting_started_example_runs(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (block,) = _python_blocks(DOCS / "getting-started.md")
    monkeypatch.chdir(ROOT)  # the sample path is relative to a checkout
    exec(compile(block, "docs/getting-started.md", "exec"), {})  # noqa: S102
    assert capsys.readouterr().out.startswith("RSAPublicKeyBlob(")
