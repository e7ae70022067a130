# SPDX-License-Identifier: Apache-2.0
"""The ``blobformat`` command line (top layer; see ARCHITECTURE.md)."""

from __future__ import annotations

from blobformat.cli.app import build_parser, main

__all__ = ["build_parser", "main"]
