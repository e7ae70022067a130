# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``load_session_key_blob`` (PLAINTEXTKEYBLOB, SPEC §9, §15.1, §15.3).

Invariant. For any bytes ``b``:

- ``load_session_key_blob(b)`` (with and without ``no_salt``) returns a
  ``SessionKey`` or raises a ``BlobError`` subclass, never another
  exception; when ``parse(b)`` fails it fails with the same error, and a
  blob of another kind is an ``UnsupportedBlobError``;
- for a PLAINTEXTKEYBLOB it accepts exactly the key lengths SPEC §15.1
  allows for ``aiKeyAlg`` in some provider (``_rsaoracle.allowed_lengths``),
  keeps the key bytes verbatim (DES parity included), gives a 40-bit RC2 or
  RC4 key 11 zero salt bytes unless ``no_salt``, and
  ``plaintext_key_blob(key) == b`` (an accepted input re-encodes to itself);
- memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import sys

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf

import _rsaoracle
from _fuzzlib import attempt, follows_parse, require


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    size = len(data)
    parsed = attempt(lambda: bf.parse(data), size)
    salted = attempt(lambda: bf.load_session_key_blob(data), size)
    bare = attempt(lambda: bf.load_session_key_blob(data, no_salt=True), size)
    blob = follows_parse(
        parsed, bf.PlaintextKeyBlob, (salted, bare), "load_session_key_blob"
    )
    if blob is None:
        return
    allowed = len(blob.key) in _rsaoracle.allowed_lengths(blob.key_alg)
    require(
        salted.ok == allowed and bare.ok == allowed,
        f"{blob.key_alg!r}, {len(blob.key)} bytes: {salted.describe()}, allowed={allowed}",
    )
    if not allowed:
        return
    key, plain = salted.value, bare.value
    assert isinstance(key, bf.SessionKey) and isinstance(plain, bf.SessionKey)
    require(
        key.alg_id == blob.key_alg and key.key == blob.key, "key or algorithm changed"
    )
    require(
        key.salt == _rsaoracle.default_salt(blob.key_alg, len(blob.key)),
        "wrong default salt",
    )
    require(plain.key == blob.key and plain.salt == b"", "no_salt key differs")
    require(bf.plaintext_key_blob(key) == data, "plaintext_key_blob(load(b)) != b")
    require(
        bf.plaintext_key_blob(plain) == data, "plaintext_key_blob(no_salt load) != b"
    )


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
