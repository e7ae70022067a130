# SPDX-License-Identifier: Apache-2.0
"""Benchmark suite of blobformat (not part of the package); see README.md."""
