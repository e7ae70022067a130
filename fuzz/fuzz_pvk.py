# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``load_pvk`` without a password and with one (SPEC §12).

Invariant. For any bytes ``b``:

- ``load_pvk(b)`` and ``load_pvk(b, PASSWORD)`` return a key or raise a
  ``BlobError`` subclass, never another exception; when ``parse(b)`` fails
  they fail with the same error; a blob that is not a PVK file is an
  ``UnsupportedBlobError``;
- a plain file gives the same result with and without the password; an
  encrypted file without a password is a ``PasswordError`` [PVK-9];
- an encrypted file with the password behaves as this harness's own
  decryption (``_pvkcrypt``, written from SPEC §12.3) predicts: if neither
  the strong nor the weak key yields a private-key magic, ``PasswordError``;
  otherwise exactly what the equivalent plain file gives — the same key, or
  the same error class, rule and field with the offset moved by the salt
  length [PVK-9];
- an accepted key carries the inner blob's numbers and satisfies SPEC §14.2;
  for RSA keys of up to 600 bits and DSA keys of up to 1024 bits,
  ``dump_pvk`` (plain, strong and weak) writes files that ``load_pvk`` reads
  back to the same numbers;
- memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import sys

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf

import _pvkcrypt
import _relations
from _fuzzlib import (
    PASSWORD,
    Outcome,
    attempt,
    follows_parse,
    key_numbers,
    model_numbers,
    require,
    same_failure,
)

#: Keys up to these sizes are also written with dump_pvk and read back (RSA
#: loading tests primality, which makes larger RSA keys slow to fuzz).
ROUNDTRIP_MAX_BITS = {"rsa": 600, "dsa": 1024}


def _same(a: Outcome[object], b: Outcome[object], *, shift: int, what: str) -> None:
    if a.error is None or b.error is None:
        require(a.ok and b.ok, f"{what}: {a.describe()} vs {b.describe()}")
        require(key_numbers(a.value) == key_numbers(b.value), f"{what}: different keys")
        return
    require(same_failure(a.error, b.error), f"{what}: {a.describe()} vs {b.describe()}")
    if a.error.offset is not None and b.error.offset is not None:
        require(
            a.error.offset == b.error.offset + shift,
            f"{what}: offset {a.error.offset}, expected {b.error.offset} + {shift}",
        )


def _check_key(key: bf.PrivateKey, inner: bytes) -> None:
    blob = bf.parse(inner)
    numbers = model_numbers(blob)
    got = key_numbers(key)
    for name, value in numbers.items():
        if name in got:
            require(got[name] == value, f"the key's {name} differs from the PVK's blob")
    family = "rsa" if isinstance(blob, bf.RSAPrivateKeyBlob) else "dsa"
    broken = _relations.broken(
        numbers | {k: v for k, v in got.items() if k not in numbers},
        kind=f"{family}-private",
    )
    require(not broken, f"load_pvk accepted a key that breaks {sorted(broken)}")
    size = (
        blob.bit_length
        if isinstance(blob, bf.RSAPrivateKeyBlob | bf.DSSPrivateKeyBlob)
        else (getattr(blob, "bit_length_p", 0))
    )
    if size > ROUNDTRIP_MAX_BITS[family]:
        return
    for password, strength in (
        (None, "strong"),
        (PASSWORD, "strong"),
        (PASSWORD, "weak"),
    ):
        written = attempt(
            lambda p=password, s=strength: bf.dump_pvk(key, p, strength=s), 0
        )  # type: ignore[misc]
        if written.value is None:
            # SPEC §14.3 [KEY-8]: a loaded key the layout cannot hold again (for
            # example a modulus below 384 bits declared as 512) is refused.
            require(
                isinstance(written.error, bf.KeyConversionError),
                f"dump_pvk: {written.describe()}",
            )
            return
        again = bf.load_pvk(written.value, password)
        require(
            key_numbers(again) == got, f"dump_pvk/load_pvk ({strength}) changed the key"
        )


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    size = len(data)
    parsed = attempt(lambda: bf.parse(data), size)
    bare = attempt(lambda: bf.load_pvk(data), size)
    keyed = attempt(lambda: bf.load_pvk(data, PASSWORD), size)
    model = follows_parse(parsed, bf.PVKFile, (bare, keyed), "load_pvk")
    if model is None:
        return
    if not model.encrypted:
        _same(bare, keyed, shift=0, what="plain PVK with and without a password")
        if bare.ok:
            _check_key(bare.value, model.key_data)  # type: ignore[arg-type]
        return
    require(isinstance(bare.error, bf.PasswordError), f"no password: {bare.describe()}")
    opened = _pvkcrypt.decrypt_body(model.key_data, model.salt, PASSWORD)
    if opened is None:
        require(
            isinstance(keyed.error, bf.PasswordError), f"no magic: {keyed.describe()}"
        )
        return
    inner, _strength = opened
    plain_file = _pvkcrypt.write(inner, int(model.key_type))
    plain = attempt(lambda: bf.load_pvk(plain_file), len(plain_file))
    _same(
        keyed,
        plain,
        shift=len(model.salt),
        what="encrypted PVK vs its plain equivalent",
    )
    if keyed.ok:
        _check_key(keyed.value, inner)  # type: ignore[arg-type]


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
