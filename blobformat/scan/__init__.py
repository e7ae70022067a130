# SPDX-License-Identifier: Apache-2.0
"""Finding key blobs in binaries, memory dumps and disk images (SPEC Appendix F).

Layer 4 of the package (ARCHITECTURE.md): it runs the codec's parser and the key layer's
relation checks (SPEC §14.2) at every candidate offset. The command line's
``blobformat scan`` is built on :func:`scan` and :func:`scan_file`.
"""

from __future__ import annotations

from blobformat.scan.engine import KINDS, ScanMatch, scan, scan_file

__all__ = ["KINDS", "ScanMatch", "scan", "scan_file"]
