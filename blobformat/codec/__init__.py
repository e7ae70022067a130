# SPDX-License-Identifier: Apache-2.0
"""The blob codec (SPEC.md §2-§13): layouts, decoding, models and encoding.

Layer 1 of the package (see ARCHITECTURE.md): it imports only
:mod:`blobformat.errors`, :mod:`blobformat.constants` and itself. Inside it,
imports run schema → wire → model_base → registry → decode → cng → models; the
models register their kinds when imported, which this package does first,
so :func:`blobformat.codec.decode.parse` always sees every kind. Its public
names are re-exported by :mod:`blobformat`; the modules here are internal.
"""

from blobformat.codec import models as _models  # noqa: F401 - registers every kind
