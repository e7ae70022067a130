# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``unwrap_session_key`` with PKCS#1 v1.5 and OAEP (SPEC §8, §15.2).

The private keys are fixed test keys: ``vectors/keys/rsa-520.pem`` (k = 65)
and ``rsa-1032.pem`` (k = 129, a modulus that is not a multiple of 16 bits).

Invariant. For any bytes ``b``, key and padding:

- ``unwrap_session_key`` returns a ``SessionKey`` or raises a ``BlobError``
  subclass, never another exception; when ``parse(b)`` fails it fails with
  the same error, and a blob of another kind is an ``UnsupportedBlobError``;
- for a SIMPLEBLOB the result is exactly what the independent oracle
  (``_rsaoracle.expected_unwrap``, written from SPEC §15.2) predicts: the
  same key bytes under the blob's ``aiKeyAlg``, with the default salt
  unless ``no_salt`` — or a ``DecryptionError``, which is one fixed message
  and rule without location or cause for every kind of failure [SES-2];
- an accepted key wraps again (``wrap_session_key``) to a SIMPLEBLOB that
  unwraps to the same key;
- memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import sys

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf

import _rsaoracle
from _fuzzlib import (
    attempt,
    check_uniform_decryption_error,
    follows_parse,
    require,
    rsa_key,
)

KEYS = ("rsa-520", "rsa-1032")


def _unwrap(data: bytes, name: str, oaep: bool, no_salt: bool = False) -> object:
    return bf.unwrap_session_key(data, rsa_key(name), oaep=oaep, no_salt=no_salt)


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    size = len(data)
    parsed = attempt(lambda: bf.parse(data), size)
    for name in KEYS:
        for oaep in (False, True):
            out = attempt(lambda name=name, oaep=oaep: _unwrap(data, name, oaep), size)  # type: ignore[misc]
            what = f"{name} {'OAEP' if oaep else 'PKCS#1 v1.5'}"
            blob = follows_parse(parsed, bf.SimpleBlob, (out,), what)
            if blob is None:
                continue
            expected = _rsaoracle.expected_unwrap(blob, rsa_key(name), oaep=oaep)
            if expected is None:
                require(
                    isinstance(out.error, bf.DecryptionError),
                    f"{what}: {out.describe()}, the oracle says the unwrap fails",
                )
                assert isinstance(out.error, bf.DecryptionError)
                check_uniform_decryption_error("unwrap_session_key", out.error)
                continue
            require(out.ok, f"{what}: {out.describe()}, the oracle unwraps a key")
            key = out.value
            assert isinstance(key, bf.SessionKey)
            require(
                key.alg_id == blob.key_alg and key.key == expected, f"{what}: wrong key"
            )
            require(
                key.salt == _rsaoracle.default_salt(blob.key_alg, len(expected)),
                f"{what}: wrong default salt",
            )
            bare = _unwrap(data, name, oaep, no_salt=True)
            assert isinstance(bare, bf.SessionKey)
            require(
                bare.key == expected and bare.salt == b"", f"{what}: no_salt result"
            )
            again = bf.wrap_session_key(key, rsa_key(name).public_key(), oaep=oaep)
            back = _unwrap(again, name, oaep)
            require(
                back == key,
                f"{what}: wrap_session_key/unwrap_session_key changed the key",
            )


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
