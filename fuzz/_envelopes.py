# SPDX-License-Identifier: Apache-2.0
"""Fixed envelope keys and deterministic envelopes for the harnesses (SPEC §16).

The owner is ``vectors/keys/rsa-2048.pem``, the backup authority
``fuzz/keys/backup-rsa-2048.pem``, a second backup authority
``vectors/keys/rsa-2056.pem`` (a recipient only, never trusted as a signer). SIMPLEBLOBs are built with this
harness's own encoders and a padding derived from a label, so every
envelope here is reproducible byte for byte (PKCS#1 v1.5 signatures are
deterministic). :func:`verify_independently` checks a signature from the
SPEC §16.5 text with ``cryptography`` directly.
"""

from __future__ import annotations

import functools
import hashlib

import _rsaoracle
from _fuzzlib import CONTEXT, rsa_key
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import blobformat as bf

__all__ = [
    "BACKUP",
    "BACKUP2",
    "OWNER",
    "SESSION_KEY",
    "base_envelopes",
    "deterministic_simpleblob",
    "public_keys_by_id",
    "reseal",
    "tbs",
    "verify_independently",
]

OWNER = "rsa-2048"
BACKUP = "backup-rsa-2048"
BACKUP2 = "rsa-2056"
SIGNATURE_CONTEXT = b"blobformat/envelope/v1"
#: The session key every fixed envelope stores.
SESSION_KEY = bf.SessionKey(alg_id=bf.AlgId.CALG_AES_256, key=bytes(range(0xA0, 0xC0)))


def _stream(label: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(label + counter.to_bytes(4, "little")).digest()
        counter += 1
    return out[:length]


def deterministic_simpleblob(
    key: bf.SessionKey, public: rsa.RSAPublicKey, *, oaep: bool, label: bytes = b""
) -> bytes:
    """A SIMPLEBLOB of ``key`` wrapped to ``public`` with padding derived from ``label``."""
    k = (public.key_size + 7) // 8
    if oaep:
        em = _rsaoracle.oaep_encode(key.key, k, _stream(b"seed" + label, 20))
    else:
        ps = bytes(b | 1 for b in _stream(b"ps" + label, k - 3 - len(key.key)))
        em = _rsaoracle.pkcs1_encode(key.key, k, ps)
    c = _rsaoracle.raw_encrypt(public, int.from_bytes(em, "big"))
    return _rsaoracle.simpleblob(key.alg_id, c.to_bytes(k, "big")[::-1])


@functools.cache
def public_keys_by_id() -> dict[bytes, rsa.RSAPublicKey]:
    """The fixed public keys by envelope key id (SPEC §16.4)."""
    keys = (
        rsa_key(OWNER).public_key(),
        rsa_key(BACKUP).public_key(),
        rsa_key(BACKUP2).public_key(),
    )
    return {bf.envelope_key_id(key): key for key in keys}


def private_key_for(key_id: bytes) -> rsa.RSAPrivateKey | None:
    """The fixed private key with this key id, if any."""
    for name in (OWNER, BACKUP, BACKUP2):
        key = rsa_key(name)
        if bf.envelope_key_id(key) == key_id:
            return key
    return None


@functools.cache
def base_envelopes() -> dict[str, bytes]:
    """Valid envelopes sealed with the fixed keys and :data:`CONTEXT`."""
    owner, backup = rsa_key(OWNER), rsa_key(BACKUP)
    own_pub, back_pub = owner.public_key(), backup.public_key()
    mk = deterministic_simpleblob
    owner_only = [bf.Recipient(mk(SESSION_KEY, own_pub, oaep=False), own_pub)]
    with_backup = [
        bf.Recipient(mk(SESSION_KEY, own_pub, oaep=False, label=b"o"), own_pub),
        bf.Recipient(
            mk(SESSION_KEY, back_pub, oaep=True, label=b"b"),
            back_pub,
            role=bf.EnvelopeRole.BACKUP,
            oaep=True,
        ),
    ]
    back2_pub = rsa_key(BACKUP2).public_key()
    two_backups = [
        bf.Recipient(mk(SESSION_KEY, own_pub, oaep=False, label=b"o2"), own_pub),
        bf.Recipient(
            mk(SESSION_KEY, back_pub, oaep=False, label=b"b2"),
            back_pub,
            role=bf.EnvelopeRole.BACKUP,
        ),
        bf.Recipient(
            mk(SESSION_KEY, back2_pub, oaep=True, label=b"c2"),
            back2_pub,
            role=bf.EnvelopeRole.BACKUP,
            oaep=True,
        ),
    ]
    backup_signs = [
        bf.Recipient(
            mk(SESSION_KEY, own_pub, oaep=True, label=b"x"),
            own_pub,
            role=bf.EnvelopeRole.OWNER,
            oaep=True,
        ),
    ]
    return {
        "owner-only": bf.seal(
            owner_only, owner, context=CONTEXT, label="slot 1", generation=3
        ),
        "owner-and-backup": bf.seal(
            with_backup,
            owner,
            context=CONTEXT,
            label="key 7 \u2014 serial 0042",
            generation=2**40,
        ),
        "signed-by-backup": bf.seal(
            backup_signs, backup, context=CONTEXT, label="", generation=0
        ),
        "owner-and-two-backups": bf.seal(
            two_backups, owner, context=CONTEXT, label="two backups", generation=7
        ),
    }


def tbs(signed: bytes, context: bytes) -> bytes:
    """PAE(SIGNATURE_CONTEXT, context, signed), written from SPEC §16.5."""
    pieces = (SIGNATURE_CONTEXT, context, signed)
    out = len(pieces).to_bytes(8, "little")
    for piece in pieces:
        out += len(piece).to_bytes(8, "little") + piece
    return out


def verify_independently(
    data: bytes, key: rsa.RSAPublicKey, context: bytes = CONTEXT
) -> bool:
    """Whether the last k bytes of ``data`` are a valid suite-1 signature over the rest."""
    k = (key.key_size + 7) // 8
    if len(data) < k + 2:
        return False
    signed, signature = data[:-k], data[-k:]
    try:
        key.verify(
            signature[::-1], tbs(signed, context), padding.PKCS1v15(), hashes.SHA256()
        )
    except InvalidSignature:
        return False
    return True


def reseal(envelope: bf.SealedEnvelope, context: bytes = CONTEXT) -> bytes | None:
    """Seal the contents of a verified envelope again; None if a key is not a fixed one."""
    keys = public_keys_by_id()
    signer = private_key_for(envelope.signer_key_id)
    if signer is None:
        return None
    recipients = []
    for entry in envelope.entries:
        public = keys.get(entry.recipient_key_id)
        if public is None:
            return None
        recipients.append(
            bf.Recipient(
                entry.blob.to_bytes(), public, role=entry.role, oaep=entry.oaep
            )
        )
    return bf.seal(
        recipients,
        signer,
        context=context,
        label=envelope.label,
        generation=envelope.generation,
    )
