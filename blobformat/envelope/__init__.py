# SPDX-License-Identifier: Apache-2.0
"""The signed session-key envelope (SPEC.md §16).

Store a session key the way Microsoft advises (encrypted to your key-exchange key
*and* signed), and check the signature before the key is imported.

Layer 4 of the package (see ARCHITECTURE.md): it builds on the codec, the key
layer and the session-key layer; only the CLI sits above it.
"""

from __future__ import annotations

from blobformat.envelope.store import (
    KEY_ID_CONTEXT,
    MAGIC,
    MAX_ENVELOPE_SIZE,
    MAX_LABEL_BYTES,
    MAX_RECIPIENTS,
    SIGNATURE_CONTEXT,
    SUITE_CAPI_RSA_PKCS1V15_SHA256,
    VERSION,
    EnvelopeEntry,
    Recipient,
    Role,
    SealedEnvelope,
    envelope_key_id,
    envelope_tbs,
    load_session_key,
    open_sealed,
    seal,
    store_session_key,
)

__all__ = [
    "KEY_ID_CONTEXT",
    "MAGIC",
    "MAX_ENVELOPE_SIZE",
    "MAX_LABEL_BYTES",
    "MAX_RECIPIENTS",
    "SIGNATURE_CONTEXT",
    "SUITE_CAPI_RSA_PKCS1V15_SHA256",
    "VERSION",
    "EnvelopeEntry",
    "Recipient",
    "Role",
    "SealedEnvelope",
    "envelope_key_id",
    "envelope_tbs",
    "load_session_key",
    "open_sealed",
    "seal",
    "store_session_key",
]
