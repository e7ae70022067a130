# SPDX-License-Identifier: Apache-2.0
"""After a build: every public name and every requirement has an entry in objects.inv.

Usage: python docs/check_inventory.py docs/_build/html/objects.inv
"""

from __future__ import annotations

import posixpath
import sys
from pathlib import Path

from sphinx.util.inventory import InventoryFile

sys.path.insert(0, str(Path(__file__).resolve().parent / "_ext"))

import docs_text

import blobformat
from blobformat import strategies
from blobformat.errors import spec_anchor


def names(path: Path) -> set[str]:
    """Every object name the inventory holds, whatever its type."""
    with path.open("rb") as f:
        inventory = InventoryFile.load(f, "", posixpath.join)
    data = inventory if isinstance(inventory, dict) else inventory.data
    return {name for entries in data.values() for name in entries}


def main(argv: list[str]) -> int:
    """Report what is missing; exit 1 if anything is."""
    found = names(Path(argv[1]))
    wanted = {f"blobformat.{n}" for n in blobformat.__all__}
    wanted |= {f"blobformat.strategies.{n}" for n in strategies.__all__}
    wanted |= {
        spec_anchor(r)
        for r in docs_text.defined_requirements(docs_text.SPEC.read_text())
    }
    missing = sorted(wanted - found)
    for name in missing:
        print(f"missing from the documentation: {name}", file=sys.stderr)
    print(
        f"{len(wanted) - len(missing)}/{len(wanted)} public names and requirement anchors documented"
    )
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
