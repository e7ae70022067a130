# SPDX-License-Identifier: Apache-2.0
"""Key conversion (SPEC.md §14) and PVK files (§11).

Blobs to and from ``cryptography`` keys, SubjectPublicKeyInfo/PKCS#8 export,
and the relation checks that make a key usable.

Layer 2 of the package (see ARCHITECTURE.md): it imports the codec, never the
session-key, envelope or CLI layers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from blobformat.keys import convert as _convert
from blobformat.keys.cng import cng_unwrap_key, cng_wrap_key, convert_blob
from blobformat.keys.convert import (
    DEFAULT_MAX_BITS,
    dump_private_key,
    dump_public_key,
    is_private_key,
    is_public_key,
    load_private_key,
    load_public_key,
)
from blobformat.keys.export import export_private_key, export_public_key
from blobformat.keys.pvk import dump_pvk, load_pvk

if TYPE_CHECKING:
    from blobformat.keys.convert import PrivateKey, PublicKey

__all__ = [
    "DEFAULT_MAX_BITS",
    "PrivateKey",
    "PublicKey",
    "cng_unwrap_key",
    "cng_wrap_key",
    "convert_blob",
    "dump_private_key",
    "dump_public_key",
    "dump_pvk",
    "export_private_key",
    "export_public_key",
    "is_private_key",
    "is_public_key",
    "load_private_key",
    "load_public_key",
    "load_pvk",
]


def __getattr__(name: str) -> Any:
    # PublicKey/PrivateKey are built on first use (they name deprecated classes).
    if name in ("PublicKey", "PrivateKey"):
        return getattr(_convert, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
