# SPDX-License-Identifier: Apache-2.0
"""Sphinx glue for blobformat's documentation (the text work is in docs_text).

- The page ``spec`` is SPEC.md itself, read at build time (never copied), with a
  stable anchor on the bullet that defines each requirement ID: ``[RSA-4]``
  gets the label ``req-rsa-4`` (:func:`blobformat.errors.spec_anchor`), so
  ``spec.html#req-rsa-4`` and ``{ref}`req-rsa-4``` both work.
- Markdown files included from the repository (README, CHANGELOG, the vectors'
  README) keep their links: a link to SPEC.md becomes a link to its page.
- ``blobformat-cli`` is sphinx-argparse's ``argparse`` directive pointed at the
  parser of whatever module the ``blobformat`` command runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docs_text
from sphinx.application import Sphinx
from sphinxarg.ext import ArgParseDirective


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    if docname == "spec":
        app.env.note_dependency(str(docs_text.SPEC))
        source[0] = docs_text.rendered_spec(docs_text.SPEC.read_text(encoding="utf-8"))


def _include_read(
    app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]
) -> None:
    included = (Path(app.srcdir) / relative_path).resolve()
    content[0] = docs_text.relink(content[0], included, parent_docname)


class BlobformatCLI(ArgParseDirective):
    """``argparse`` with ``module``, ``func`` and ``prog`` filled in."""

    def run(self) -> list[Any]:
        """Resolve the parser, then render it as sphinx-argparse does."""
        module, func = docs_text.cli_parser_location()
        self.options.setdefault("module", module)
        self.options.setdefault("func", func)
        self.options.setdefault("prog", "blobformat")
        return list(super().run())


def setup(app: Sphinx) -> dict[str, Any]:
    """Register the hooks and the directive."""
    app.setup_extension("sphinxarg.ext")
    app.connect("source-read", _source_read)
    app.connect("include-read", _include_read)
    app.add_directive("blobformat-cli", BlobformatCLI)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
