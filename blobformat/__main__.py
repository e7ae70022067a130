# SPDX-License-Identifier: Apache-2.0
"""``python -m blobformat``: the command line."""

from __future__ import annotations

import sys

from blobformat.cli.app import main

if __name__ == "__main__":
    sys.exit(main())
