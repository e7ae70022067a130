# SPDX-License-Identifier: Apache-2.0
"""CryptoAPI session-key crypto (SPEC.md §15).

Wrap and unwrap, ``CryptDeriveKey``, ``CryptEncrypt``-compatible ciphers and hashes.

Layer 3 of the package (see ARCHITECTURE.md): it may import the codec and the
key layer, never the envelope or the CLI. Its public names are re-exported by
:mod:`blobformat`; the modules here are internal.
"""
