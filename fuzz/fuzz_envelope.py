# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``open_sealed`` and ``load_session_key`` with fixed trusted keys (SPEC §16).

Trusted keys: the owner (``vectors/keys/rsa-2048.pem``) and a backup
authority (``fuzz/keys/backup-rsa-2048.pem``); context ``_fuzzlib.CONTEXT``.

Invariant. For any bytes ``b``:

- ``open_sealed(b, [owner, backup])``, ``load_session_key(b, owner)`` and the
  recovery call ``load_session_key(b, backup, trusted=owner)`` return or
  raise a ``BlobError`` subclass, never another exception;
- when ``open_sealed`` fails before any key is used (a ``ParseError``), the
  other two fail with the same error; its errors follow SPEC §16.6.2;
- an accepted envelope carries a signature that verifies independently
  (``_envelopes.verify_independently``, written from SPEC §16.5), and
  sealing its contents again gives exactly ``b`` (SPEC §16.9: one encoding,
  and no byte of an accepted envelope can change);
- a ``BadSignatureError`` for a known signer is never raised for a signature
  that verifies independently;
- ``load_session_key`` accepts only what ``open_sealed`` (with the same trusted
  key) accepts, and returns the owner entry's key;
- memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import sys

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf

import _envelopes
from _fuzzlib import CONTEXT, attempt, require, rsa_key, same_failure


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    size = len(data)
    owner, backup = rsa_key(_envelopes.OWNER), rsa_key(_envelopes.BACKUP)
    both = [owner.public_key(), backup.public_key()]
    opened = attempt(lambda: bf.open_sealed(data, both, context=CONTEXT), size)
    mine = attempt(lambda: bf.load_session_key(data, owner, context=CONTEXT), size)
    recovered = attempt(
        lambda: bf.load_session_key(
            data, backup, trusted=owner.public_key(), context=CONTEXT
        ),
        size,
    )
    err = opened.error
    if isinstance(err, bf.ParseError):
        for out in (mine, recovered):
            require(
                out.error is not None and same_failure(out.error, err),
                f"load_session_key does not fail as open_sealed does: {out.describe()} vs "
                f"{opened.describe()}",
            )
        return
    if err is not None:
        require(
            mine.error is not None and recovered.error is not None,
            f"open_sealed refused ({opened.describe()}) but load_session_key accepted",
        )
        if isinstance(err, bf.BadSignatureError) and err.rule == "ENV-19":
            for key in both:
                require(
                    not _envelopes.verify_independently(data, key),
                    "BadSignatureError for a signature that verifies",
                )
        return
    envelope = opened.value
    assert isinstance(envelope, bf.SealedEnvelope)
    signer = _envelopes.public_keys_by_id().get(envelope.signer_key_id)
    require(signer is not None, "accepted an envelope whose signer is not trusted")
    assert signer is not None
    require(
        _envelopes.verify_independently(data, signer),
        "accepted a signature that does not verify independently",
    )
    again = _envelopes.reseal(envelope)
    require(again is not None, "accepted an entry for a key that is not a fixed key")
    require(again == data, "sealing the accepted contents again gives other bytes")
    owner_signed = envelope.signer_key_id == bf.envelope_key_id(owner)
    for out, recipient in ((mine, owner), (recovered, backup)):
        if not owner_signed:
            require(
                isinstance(out.error, bf.UnknownSignerError),
                f"load_session_key trusted a key that did not sign: {out.describe()}",
            )
            continue
        expected = attempt(lambda r=recipient: envelope.unwrap(r), size)  # type: ignore[misc]
        if expected.error is not None:
            require(
                out.error is not None and same_failure(out.error, expected.error),
                f"load_session_key: {out.describe()}, unwrap: {expected.describe()}",
            )
        else:
            require(out.value == expected.value, "load_session_key differs from unwrap")


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
