# SPDX-License-Identifier: Apache-2.0
"""Sphinx configuration (docs/why-sphinx.md says why Sphinx)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

import blobformat  # noqa: E402 - after the path set-up above

project = "blobformat"
author = "blobformat developers"
copyright = "blobformat developers; SPEC.md and vectors/ CC0-1.0"
release = blobformat.__version__
version = release

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.napoleon",
    "sphinx.ext.viewcode",
    "myst_parser",
    "blobformat_docs",
]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
exclude_patterns = ["_build"]
root_doc = "index"

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 4

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_typehints_format = "short"
autodoc_default_options = {"members": True}
autodoc_preserve_defaults = True
napoleon_google_docstring = False
napoleon_numpy_docstring = False

# Types from other libraries: no intersphinx (the build must work offline in
# CI), so references into them are not links.
nitpick_ignore_regex = [
    (r"py:.*", r"cryptography\..*"),
    (r"py:.*", r"hypothesis\..*"),
    (r"py:.*", r"construct\..*"),
    (r"py:class", r"(collections\.abc|enum|typing)\..*"),
    # Standard-library types in blobformat.scan/scan_file's signatures.
    (r"py:class", r"(mmap\.mmap|os\.PathLike)"),
    # cryptography's EC module as the CNG functions' signatures abbreviate it.
    (r"py:class", r"ec\.\w+"),
    # Private one-letter TypeVars in signatures (``_E`` of BlobError.relocated).
    (r"py:class", r"blobformat(\.\w+)*\._[A-Z]"),
]

html_theme = "alabaster"
html_title = f"blobformat {release}"
