# SPDX-License-Identifier: Apache-2.0
"""Finding key blobs in binaries, memory dumps and disk images (SPEC Appendix F).

Layer 3 of the package: it runs the codec's parser and the key layer's
relation checks (SPEC §14.2) at every candidate offset. The command line's
``blobformat scan`` is built on :func:`scan` and :func:`scan_file`.
"""

from __future__ import annotations

from blobformat.scanner.engine import KINDS, ScanMatch, scan, scan_file

__all__ = ["KINDS", "ScanMatch", "scan", "scan_file"]
