# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``unwrap_symmetric_key`` (SYMMETRICWRAPKEYBLOB, SPEC §10, §15.3, §15.6).

The key-encryption keys are fixed: a three-key CALG_3DES KEK, a 16-byte
CALG_RC2 KEK (128 effective bits) and a 5-byte CALG_RC2 KEK.

Invariant. For any bytes ``b`` and KEK:

- ``unwrap_symmetric_key`` returns a ``SessionKey`` or raises a
  ``BlobError`` subclass, never another exception; when ``parse(b)`` fails
  it fails with the same error, and a blob of another kind is an
  ``UnsupportedBlobError``;
- a KEK of another algorithm than ``WrapAlgid`` is an
  ``InvalidParameterError`` [SWK-1], and so is a Triple-DES wrap whose
  ``aiKeyAlg`` is not CALG_3DES or CALG_3DES_112 [KWR-2];
- for the 3DES and the 128-bit RC2 KEK the result is exactly what the
  independent RFC 3217 oracle (``_kworacle``) predicts: the CEK under the
  blob's ``aiKeyAlg`` with the default salt, or a ``DecryptionError`` that is
  one fixed message and rule for every failure [KWR-4];
- an accepted key wraps again with the same KEK (``wrap_symmetric_key``)
  and unwraps to the same key;
- memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import sys

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf

import _kworacle
import _rsaoracle
from _fuzzlib import (
    attempt,
    check_uniform_decryption_error,
    follows_parse,
    require,
)

_A = bf.AlgId
#: Three distinct DES keys with odd parity.
KEK_3DES = bf.SessionKey(
    alg_id=_A.CALG_3DES, key=_kworacle.odd_parity(bytes(range(0x10, 0x28)))
)
KEK_RC2 = bf.SessionKey(alg_id=_A.CALG_RC2, key=bytes(range(0x40, 0x50)))
KEK_RC2_40 = bf.SessionKey(alg_id=_A.CALG_RC2, key=b"\x51\x52\x53\x54\x55")
KEKS = (KEK_3DES, KEK_RC2, KEK_RC2_40)
WRAP_IV = bytes.fromhex("0011223344556677")


def _oracle(blob: bf.SymmetricWrapKeyBlob, kek: bf.SessionKey) -> bytes | bool | None:
    """The expected key bytes, None for a failure, False when there is no oracle."""
    if kek is KEK_3DES:
        cek = _kworacle.unwrap(
            "3des", blob.wrapped_key, kek.key, two_key=blob.key_alg == _A.CALG_3DES_112
        )
    elif kek is KEK_RC2:
        cek = _kworacle.unwrap("rc2", blob.wrapped_key, kek.key)
    else:
        return False
    if cek is None or len(cek) not in _rsaoracle.allowed_lengths(blob.key_alg):
        return None
    return cek


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    size = len(data)
    parsed = attempt(lambda: bf.parse(data), size)
    for kek in KEKS:
        out = attempt(lambda kek=kek: bf.unwrap_symmetric_key(data, kek), size)  # type: ignore[misc]
        what = f"KEK {kek!r}"
        blob = follows_parse(parsed, bf.SymmetricWrapKeyBlob, (out,), what)
        if blob is None:
            continue
        if kek.alg_id != blob.wrap_alg:
            require(
                isinstance(out.error, bf.InvalidParameterError)
                and out.error.rule == "SWK-1",
                f"{what} for a {blob.wrap_alg!r} wrap: {out.describe()}",
            )
            continue
        if kek is KEK_3DES and blob.key_alg not in (_A.CALG_3DES, _A.CALG_3DES_112):
            require(
                isinstance(out.error, bf.InvalidParameterError)
                and out.error.rule == "KWR-2",
                f"{what}: a Triple-DES wrap of a {blob.key_alg!r} key: {out.describe()}",
            )
            continue
        expected = _oracle(blob, kek)
        if isinstance(out.error, bf.DecryptionError):
            check_uniform_decryption_error("unwrap_symmetric_key", out.error)
        if expected is None:
            require(
                isinstance(out.error, bf.DecryptionError),
                f"{what}: {out.describe()}, the oracle says the unwrap fails",
            )
            continue
        if expected is not False:
            require(out.ok, f"{what}: {out.describe()}, the oracle unwraps a key")
        if not out.ok:
            require(
                isinstance(out.error, bf.DecryptionError), f"{what}: {out.describe()}"
            )
            continue
        key = out.value
        assert isinstance(key, bf.SessionKey)
        require(key.alg_id == blob.key_alg, f"{what}: algorithm changed")
        require(expected is False or key.key == expected, f"{what}: wrong key")
        require(
            key.salt == _rsaoracle.default_salt(blob.key_alg, len(key.key)),
            f"{what}: wrong default salt",
        )
        bare = bf.unwrap_symmetric_key(data, kek, no_salt=True)
        require(bare.key == key.key and bare.salt == b"", f"{what}: no_salt result")
        again = bf.wrap_symmetric_key(key, kek, iv=WRAP_IV)
        back = bf.unwrap_symmetric_key(again, kek)
        require(
            back.key == key.key and back.alg_id == key.alg_id,
            f"{what}: wrap/unwrap changed the key",
        )


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
