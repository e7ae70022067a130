# SPDX-License-Identifier: Apache-2.0
"""The text transformations of the documentation build, without Sphinx.

Kept apart from the Sphinx extension so that the test suite (which does not
install Sphinx) checks them: tests/test_docs.py.
"""

from __future__ import annotations

import importlib
import os
import re
from pathlib import Path

from blobformat.errors import spec_anchor

ROOT = Path(__file__).resolve().parents[2]
SPEC = ROOT / "SPEC.md"

# The bullet that defines a requirement: "- **[RSA-4]** text" (tests/test_spec.py).
REQUIREMENT_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)- \*\*\[(?P<id>[A-Z][A-Z0-9]*-\d+)\]\*\*", re.M
)

# Repository files that are pages of the site: a link to one from an included
# Markdown file becomes a link to the page.
PAGES = {
    ROOT / "SPEC.md": "spec",
    ROOT / "CHANGELOG.md": "changelog",
    ROOT / "vectors" / "README.md": "vectors",
}
LINK = re.compile(r"\]\((?P<target>[^)\s#]+\.md)(?P<fragment>#[^)\s]*)?\)")


def anchored_spec(text: str) -> str:
    """SPEC.md with a MyST target line opening each defining bullet.

    ``- **[RSA-4]** text`` becomes a list item whose first line is the target
    ``(req-rsa-4)=``: a label for ``{ref}`` and the HTML id of the bullet.
    """

    def target(match: re.Match[str]) -> str:
        indent, rule = match["indent"], match["id"]
        return f"{indent}- ({spec_anchor(rule)})=\n{indent}  **[{rule}]**"

    return REQUIREMENT_BULLET.sub(target, text)


_CODE_SPAN = re.compile(r"(`+).*?\1")
_REFERENCE = re.compile(r"(?<![\[\\])\[(?P<id>[A-Z][A-Z0-9]*-\d+)\](?![(\[])")


def linked_references(text: str, defined: set[str]) -> str:
    """Each ``[RSA-4]`` outside code spans becomes a link to the requirement's anchor.

    IDs SPEC.md does not define are left as they are.
    """

    def link(match: re.Match[str]) -> str:
        rule = match["id"]
        if rule not in defined:
            return match[0]
        return f"[\\[{rule}\\]](#{spec_anchor(rule)})"

    out = []
    for line in text.splitlines(keepends=True):
        parts, last = [], 0
        for code in _CODE_SPAN.finditer(line):
            parts.append(_REFERENCE.sub(link, line[last : code.start()]))
            parts.append(code[0])
            last = code.end()
        parts.append(_REFERENCE.sub(link, line[last:]))
        out.append("".join(parts))
    return "".join(out)


def rendered_spec(text: str) -> str:
    """SPEC.md as the site renders it: anchors on definitions, links on references."""
    return linked_references(anchored_spec(text), set(defined_requirements(text)))


def defined_requirements(text: str) -> list[str]:
    """The requirement IDs SPEC.md defines, in order."""
    return [m["id"] for m in REQUIREMENT_BULLET.finditer(text)]


def relink(text: str, included: Path, parent_docname: str) -> str:
    """Point relative links to SPEC.md, CHANGELOG.md, vectors/README.md at their pages.

    :param text: the included file's Markdown.
    :param included: the included file's absolute path (links are relative to it).
    :param parent_docname: the page that includes it (the links end up there).
    """
    parent_dir = str(Path(parent_docname).parent)

    def page(match: re.Match[str]) -> str:
        target = match["target"]
        if "://" in target:
            return match[0]
        docname = PAGES.get((included.parent / target).resolve())
        if docname is None:
            return match[0]
        rel = os.path.relpath(docname, parent_dir).replace(os.sep, "/")
        return f"]({rel}.md{match['fragment'] or ''})"

    return LINK.sub(page, text)


def cli_parser_location() -> tuple[str, str]:
    """(module, function) of the parser behind ``python -m blobformat``.

    Found through the module ``blobformat.__main__`` runs, so the CLI
    reference follows the command line wherever it lives.
    """
    main = importlib.import_module("blobformat.__main__").main
    module = importlib.import_module(main.__module__)
    if not callable(getattr(module, "build_parser", None)):
        raise RuntimeError(
            f"{module.__name__} has no build_parser() for the CLI reference"
        )
    return module.__name__, "build_parser"
