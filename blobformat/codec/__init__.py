# SPDX-License-Identifier: Apache-2.0
"""The blob codec (SPEC.md §2-§13): layouts, decoding, models and encoding.

Layer 1 of the package (see ARCHITECTURE.md): it imports only
:mod:`blobformat.errors`, :mod:`blobformat.constants` and itself. Its public
names are re-exported by :mod:`blobformat`; the modules here are internal.
"""
