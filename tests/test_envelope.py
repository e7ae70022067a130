"""The signed envelope (SPEC §16): layout, verification order, ENVELOPE.md §A.5 attacks.

The helpers in tests/envelope_spec.py re-implement the layout, the key id and
the TBS straight from the SPEC tables, independently of blobformat.envelope, so
that the conformance tests compare two implementations of the text.
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import gc
import hashlib
import os
import pickle
import re
import struct
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import dsa, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed
from hypothesis import given
from hypothesis import strategies as st

import blobformat
from blobformat.capi.sessionkey import SessionKey
from blobformat.capi.wrap import wrap_session_key
from blobformat.constants import AlgId
from blobformat.envelope import store as envelope
from blobformat.errors import (
    BadSignatureError,
    BlobError,
    DecryptionError,
    InvalidFieldError,
    InvalidParameterError,
    NoRecipientError,
    ParseError,
    SignatureError,
    StaleGenerationError,
    TrailingDataError,
    TruncatedError,
    UnknownSignerError,
    UnsupportedBlobError,
    WeakKeyError,
)
from tests.conftest import ROOT
from tests.envelope_spec import (
    AES,
    CONTEXT,
    DIGEST_INFO_SHA256,
    MAGIC,
    SESSION,
    SIG_CONTEXT,
    body_of,
    enc_entry,
    enc_header,
    key,
    patch,
    pub,
    raw_sign,
    resign,
    sign_body,
    simple_blob,
    spec_key_id,
    spec_tbs,
    walk,
    with_signature,
)

# -- the envelopes under test --------------------------------------------------------


@functools.cache
def base() -> bytes:
    """Owner plus two backup authorities, one with OAEP; label, generation, context."""
    return envelope.seal(
        [
            simple_blob(pub("owner")),
            envelope.Recipient(simple_blob(pub("backup1")), pub("backup1")),
            envelope.Recipient(
                simple_blob(pub("backup2"), oaep=True), pub("backup2"), oaep=True
            ),
        ],
        key("owner"),
        context=CONTEXT,
        label="payroll key, serial 7",
        generation=5,
    )


@functools.cache
def single() -> bytes:
    return envelope.seal([simple_blob(pub("owner"))], key("owner"), context=CONTEXT)


def open_base(data: bytes, **kwargs: object) -> envelope.SealedEnvelope:
    options: dict[str, object] = {"context": CONTEXT}
    options.update(kwargs)
    return envelope.open_sealed(data, pub("owner"), **options)  # type: ignore[arg-type]


def rejected(
    data: bytes, cls: type[BlobError], rule: str | None = None, **kwargs: object
) -> BlobError:
    with pytest.raises(cls) as info:
        open_base(data, **kwargs)
    if rule is not None:
        assert info.value.rule == rule, str(info.value)
    return info.value


# -- round trip and conformance -------------------------------------------------------


def test_seal_then_open() -> None:
    opened = open_base(base())
    assert opened.suite == 1
    assert opened.label == "payroll key, serial 7"
    assert opened.generation == 5
    assert opened.signer_key_id == spec_key_id(pub("owner"))
    assert [e.role for e in opened.entries] == [
        envelope.Role.OWNER,
        envelope.Role.BACKUP,
        envelope.Role.BACKUP,
    ]
    assert opened.owner.recipient_key_id == spec_key_id(pub("owner"))
    ids = [e.recipient_key_id for e in opened.backups]
    assert sorted(ids) == ids
    assert set(ids) == {spec_key_id(pub("backup1")), spec_key_id(pub("backup2"))}
    oaep = {e.recipient_key_id: e.oaep for e in opened.entries}
    assert oaep == {
        spec_key_id(pub("owner")): False,
        spec_key_id(pub("backup1")): False,
        spec_key_id(pub("backup2")): True,
    }
    assert all(isinstance(b, blobformat.SimpleBlob) for b in opened.blobs)
    assert opened.key_alg == AES
    for entry in opened.entries:
        assert entry.blob == blobformat.parse(entry.blob.to_bytes())


def test_seal_equals_independent_encoder() -> None:
    """seal() writes exactly the bytes of the SPEC tables (and is deterministic)."""
    owner_blob = simple_blob(pub("owner"))
    b1 = simple_blob(pub("backup1"))
    sealed = envelope.seal(
        [envelope.Recipient(b1, pub("backup1")), owner_blob],
        key("owner"),
        context=CONTEXT,
        label="x",
        generation=9,
    )
    entries = sorted(
        [
            (2, spec_key_id(pub("backup1")), b1),
            (1, spec_key_id(pub("owner")), owner_blob),
        ]
    )
    body = enc_header(
        signer_id=spec_key_id(pub("owner")), count=2, label=b"x", generation=9
    ) + b"".join(enc_entry(role, 1, kid, blob) for role, kid, blob in entries)
    assert sealed == sign_body(body, key("owner"))
    assert sealed == envelope.seal(
        [owner_blob, envelope.Recipient(b1, pub("backup1"))],
        key("owner"),
        context=CONTEXT,
        label="x",
        generation=9,
    )


def test_signature_verifies_with_cryptography_after_reversal() -> None:
    """SPEC §16.10: reverse the stored bytes, then PKCS#1 v1.5 / SHA-256 over TBS."""
    env = base()
    w = walk(env)
    stored = env[w.sig_offset :]
    assert len(stored) == struct.unpack_from("<H", env, w.sig_len_offset)[0] == 256
    tbs = spec_tbs(env[: w.sig_offset], CONTEXT)
    pub("owner").verify(stored[::-1], tbs, padding.PKCS1v15(), hashes.SHA256())
    assert envelope.envelope_tbs(env, context=CONTEXT) == tbs


def test_windows_style_check() -> None:
    """CryptHashData(TBS) + CryptVerifySignature(stored LE signature), emulated."""
    env = base()
    w = walk(env)
    signed = env[: w.sig_offset]  # every byte before the signature
    pieces = [b"blobformat/envelope/v1", CONTEXT, signed]
    tbs = struct.pack("<Q", 3) + b"".join(struct.pack("<Q", len(p)) + p for p in pieces)
    digest = hashlib.sha256(tbs).digest()  # the CALG_SHA_256 hash value
    # CryptoAPI keeps the signature little-endian; the RSA integer is the reversal.
    signature_int = int.from_bytes(env[w.sig_offset :], "little")
    big_endian = signature_int.to_bytes(256, "big")
    pub("owner").verify(
        big_endian, digest, padding.PKCS1v15(), Prehashed(hashes.SHA256())
    )
    # The encoded message carries the full SHA-256 DigestInfo (no CRYPT_NOHASHOID).
    n = pub("owner").public_numbers().n
    em = pow(signature_int, 65537, n).to_bytes(256, "big")
    assert em.endswith(DIGEST_INFO_SHA256 + digest)
    assert em.startswith(b"\x00\x01\xff")


def test_key_id_definition() -> None:
    owner = pub("owner")
    assert envelope.envelope_key_id(owner) == spec_key_id(owner)
    assert envelope.envelope_key_id(key("owner")) == spec_key_id(owner)
    # The 8-byte BLOBHEADER is not hashed: KEYX and SIGN exports give one id.
    assert spec_key_id(owner, AlgId.CALG_RSA_SIGN) == spec_key_id(owner)
    assert envelope.envelope_key_id(owner) != envelope.envelope_key_id(pub("backup1"))
    with pytest.raises(TypeError):
        envelope.envelope_key_id(b"not a key")  # type: ignore[arg-type]


def test_plain_bytes_mean_owner_with_pkcs1() -> None:
    opened = open_base(single())
    assert len(opened.entries) == 1
    assert opened.owner.role is envelope.Role.OWNER
    assert opened.owner.oaep is False
    assert opened.backups == ()


def test_open_accepts_bytes_like_input() -> None:
    env = base()
    for data in (bytearray(env), memoryview(env), memoryview(bytearray(env))):
        assert open_base(data).generation == 5  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        open_base("text")  # type: ignore[arg-type]


def test_trusted_may_be_a_list_and_the_signer_is_selected_by_id() -> None:
    opened = envelope.open_sealed(
        base(), [pub("backup1"), pub("owner")], context=CONTEXT
    )
    assert opened.signer_key_id == spec_key_id(pub("owner"))


def test_separate_signing_key_with_explicit_owner_role() -> None:
    """The owner may sign with an AT_SIGNATURE key distinct from its exchange key."""
    env = envelope.seal(
        [
            envelope.Recipient(
                simple_blob(pub("owner")), pub("owner"), role=envelope.Role.OWNER
            )
        ],
        key("other"),
    )
    opened = envelope.open_sealed(env, pub("other"))
    assert opened.owner.recipient_key_id == spec_key_id(pub("owner"))
    assert opened.signer_key_id == spec_key_id(pub("other"))


@given(
    label=st.text(max_size=80).filter(
        lambda t: (
            len(t.encode("utf-8", "surrogatepass")) <= 255
            and not any(
                ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F or 0xD800 <= ord(c) <= 0xDFFF
                for c in t
            )
        )
    ),
    generation=st.integers(min_value=0, max_value=2**64 - 1),
    context=st.binary(max_size=64),
)
def test_roundtrip_property(label: str, generation: int, context: bytes) -> None:
    env = envelope.seal(
        [single_owner_blob()],
        key("owner"),
        context=context,
        label=label,
        generation=generation,
    )
    opened = envelope.open_sealed(env, pub("owner"), context=context)
    assert (opened.label, opened.generation) == (label, generation)


@functools.cache
def single_owner_blob() -> bytes:
    return simple_blob(pub("owner"))


def test_repr_shows_no_key_material() -> None:
    opened = open_base(base())
    text = repr(opened)
    assert "payroll key" in text
    for entry in opened.entries:
        assert entry.blob.encrypted_key.hex()[:16] not in text


# -- store_session_key / load_session_key (Microsoft's procedure) ---------------------


@pytest.mark.parametrize("oaep", [False, True])
def test_store_and_load_for_owner_and_each_backup(oaep: bool) -> None:
    session = SessionKey(alg_id=AES, key=os.urandom(32))
    env = envelope.store_session_key(
        session,
        key("owner"),
        backup=[pub("backup1"), pub("backup2")],
        context=CONTEXT,
        label="description, serial 42",
        generation=1,
        oaep=oaep,
    )
    assert envelope.load_session_key(env, key("owner"), context=CONTEXT) == session
    for authority in ("backup1", "backup2"):
        loaded = envelope.load_session_key(
            env, key(authority), trusted=pub("owner"), context=CONTEXT, min_generation=1
        )
        assert loaded == session
    opened = envelope.open_sealed(env, pub("owner"), context=CONTEXT)
    assert all(entry.oaep is oaep for entry in opened.entries)
    assert opened.label == "description, serial 42"


def test_store_load_keeps_default_salt_keys() -> None:
    rc4 = SessionKey(alg_id=AlgId.CALG_RC4, key=os.urandom(5), salt=bytes(11))
    assert (
        envelope.load_session_key(
            envelope.store_session_key(rc4, key("owner")), key("owner")
        )
        == rc4
    )


def test_store_refuses_what_a_simpleblob_would_lose() -> None:
    no_salt = SessionKey(alg_id=AlgId.CALG_RC4, key=os.urandom(5))
    with pytest.raises(InvalidParameterError, match="salt"):
        envelope.store_session_key(no_salt, key("owner"))
    effective = SessionKey(alg_id=AlgId.CALG_RC2, key=os.urandom(16), effective_bits=40)
    with pytest.raises(InvalidParameterError, match="effective"):
        envelope.store_session_key(effective, key("owner"))


def test_backup_authority_needs_the_owner_as_trusted() -> None:
    env = envelope.store_session_key(
        SessionKey(alg_id=AES, key=SESSION), key("owner"), backup=[pub("backup1")]
    )
    # Without trusted, the backup authority would trust only itself.
    with pytest.raises(UnknownSignerError):
        envelope.load_session_key(env, key("backup1"))


def test_no_entry_for_this_key() -> None:
    env = envelope.store_session_key(SessionKey(alg_id=AES, key=SESSION), key("owner"))
    with pytest.raises(NoRecipientError) as info:
        envelope.load_session_key(env, key("attacker"), trusted=pub("owner"))
    assert info.value.rule == "ENV-21"
    assert isinstance(info.value, LookupError)


def test_verified_envelope_cannot_be_forged_by_construction() -> None:
    opened = open_base(base())
    with pytest.raises(InvalidParameterError) as info:
        envelope.SealedEnvelope(
            suite=1,
            label="",
            generation=0,
            signer_key_id=bytes(32),
            entries=opened.entries,
        )
    assert info.value.rule == "ENV-22"
    # Altering a verified envelope does not give a verified one either.
    with pytest.raises(InvalidParameterError) as info:
        dataclasses.replace(opened, entries=opened.entries[:1])
    assert info.value.rule == "ENV-22"


# -- ENV-22 against copying: only open_sealed() makes an unwrappable envelope ----------


def attacker_entries() -> tuple[envelope.EnvelopeEntry, ...]:
    """Entries of an envelope the attacker signed: an attacker key wrapped to the owner."""
    attacker_session = SessionKey(alg_id=AES, key=bytes(32))
    made = envelope.seal(
        [
            envelope.Recipient(
                wrap_session_key(attacker_session, pub("owner")),
                pub("owner"),
                role=envelope.Role.OWNER,
            )
        ],
        key("attacker"),
    )
    return envelope.open_sealed(made, pub("attacker")).entries


def test_copy_and_deepcopy_are_refused() -> None:
    opened = open_base(base())
    for route in (copy.copy, copy.deepcopy):
        with pytest.raises(TypeError, match="ENV-22"):
            route(opened)
        with pytest.raises(TypeError, match="ENV-22"):
            route(opened.entries[0])
    # A container holding one cannot be deep-copied either.
    with pytest.raises(TypeError, match="ENV-22"):
        copy.deepcopy({"slot": opened})


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_pickle_is_refused(protocol: int) -> None:
    opened = open_base(base())
    with pytest.raises(TypeError, match="ENV-22"):
        pickle.dumps(opened, protocol=protocol)
    with pytest.raises(TypeError, match="ENV-22"):
        pickle.dumps(opened.entries[0], protocol=protocol)


class _Crafted:
    """Pickles as a SealedEnvelope (or entry) built from chosen state, as an attacker would."""

    def __init__(self, cls: type, state: object) -> None:
        self.cls = cls
        self.state = state

    def __reduce__(self) -> tuple[object, ...]:
        return (object.__new__, (self.cls,), self.state)


@pytest.mark.parametrize("protocol", range(pickle.HIGHEST_PROTOCOL + 1))
def test_crafted_pickle_is_refused(protocol: int) -> None:
    blob = attacker_entries()[0].blob
    state = (1, "", 0, bytes(32), ())
    payload = pickle.dumps(_Crafted(envelope.SealedEnvelope, state), protocol=protocol)
    with pytest.raises(TypeError, match="ENV-22"):
        pickle.loads(payload)
    entry_state = (envelope.Role.OWNER, False, bytes(32), blob)
    payload = pickle.dumps(
        _Crafted(envelope.EnvelopeEntry, entry_state), protocol=protocol
    )
    with pytest.raises(TypeError, match="ENV-22"):
        pickle.loads(payload)


def test_instance_built_with_object_new_does_not_unwrap() -> None:
    entries = attacker_entries()
    forged = object.__new__(envelope.SealedEnvelope)
    values = {
        "suite": 1,
        "label": "",
        "generation": 0,
        "signer_key_id": spec_key_id(pub("owner")),
        "entries": entries,
    }
    for name, value in values.items():
        object.__setattr__(forged, name, value)
    with pytest.raises(
        InvalidParameterError, match="not returned by open_sealed"
    ) as info:
        forged.unwrap(key("owner"))
    assert info.value.rule == "ENV-22"


def test_verified_envelope_altered_in_place_does_not_unwrap() -> None:
    opened = open_base(single())
    object.__setattr__(opened, "entries", attacker_entries())
    with pytest.raises(InvalidParameterError, match="changed after") as info:
        opened.unwrap(key("owner"))
    assert info.value.rule == "ENV-22"
    # The same through an entry's SIMPLEBLOB, the envelope itself untouched.
    again = open_base(single())
    object.__setattr__(again.entries[0], "blob", attacker_entries()[0].blob)
    with pytest.raises(InvalidParameterError, match="changed after"):
        again.unwrap(key("owner"))
    # A fresh verification of the same bytes still unwraps.
    assert open_base(single()).unwrap(key("owner")).key == SESSION


def test_verified_record_does_not_outlive_the_envelope() -> None:
    gc.collect()
    before = len(envelope._VERIFIED)
    for _ in range(20):
        assert open_base(single()).unwrap(key("owner")).key == SESSION
    gc.collect()
    assert len(envelope._VERIFIED) <= before


def test_unwrap_from_a_verified_envelope() -> None:
    opened = open_base(base())
    assert opened.unwrap(key("backup2")).key == SESSION  # an OAEP entry
    assert opened.entry_for(pub("backup1")).role is envelope.Role.BACKUP
    with pytest.raises(TypeError):
        opened.unwrap(pub("owner"))  # type: ignore[arg-type]


# -- ENVELOPE.md §A.5 row 1: substitution (Microsoft's scenario) -----------------------


def test_row1a_attacker_wraps_to_owner_and_signs_with_own_key() -> None:
    attacker_session = SessionKey(alg_id=AES, key=bytes(32))
    forged = envelope.seal(
        [
            envelope.Recipient(
                wrap_session_key(attacker_session, pub("owner")),
                pub("owner"),
                role=envelope.Role.OWNER,
            )
        ],
        key("attacker"),
    )
    with pytest.raises(UnknownSignerError) as info:
        envelope.load_session_key(forged, key("owner"))
    assert (info.value.rule, info.value.field, info.value.offset) == (
        "ENV-16",
        "signer_key_id",
        20,
    )


def test_row1a_attacker_claims_the_owner_key_id() -> None:
    body = enc_header(signer_id=spec_key_id(pub("owner")), count=1) + enc_entry(
        1, 1, spec_key_id(pub("owner")), simple_blob(pub("owner"), bytes(32))
    )
    forged = sign_body(body, key("attacker"), b"")
    with pytest.raises(BadSignatureError) as info:
        envelope.load_session_key(forged, key("owner"))
    # The keys are random: when the attacker's signature, as an integer, is not below
    # the owner's modulus, the value check (ENV-18) refuses it before verification
    # (ENV-19). Either way it is a BadSignatureError before any decryption.
    assert info.value.rule in ("ENV-18", "ENV-19")


def test_row1b_unsigned_substitutes() -> None:
    bare = simple_blob(pub("owner"), bytes(32))
    with pytest.raises(UnsupportedBlobError) as info:
        envelope.load_session_key(bare, key("owner"))
    assert info.value.rule == "ENV-2"
    assert "bare SIMPLEBLOB" in str(info.value)
    # An envelope claiming "no signature": suite 0 and an empty signature.
    body = enc_header(
        signer_id=spec_key_id(pub("owner")), count=1, suite=0
    ) + enc_entry(1, 1, spec_key_id(pub("owner")), bare)
    rejected(body + b"\x00\x00", InvalidFieldError, "ENV-4")


# -- row 2: splice --------------------------------------------------------------------


def test_row2_swap_the_simpleblob() -> None:
    env = single()
    w = walk(env)
    other = simple_blob(pub("owner"), bytes(32))  # same length, attacker's key
    rejected(patch(env, w.entries[0].blob_offset, other), BadSignatureError, "ENV-19")


def test_row2_swap_the_alg_id() -> None:
    env = single()
    at = walk(env).entries[0].blob_offset + 4
    rejected(
        patch(env, at, struct.pack("<I", AlgId.CALG_AES_128)),
        BadSignatureError,
        "ENV-19",
    )
    # In a multi-entry envelope the entries must also agree (parse error first).
    env = base()
    at = walk(env).entries[1].blob_offset + 4
    err = rejected(
        patch(env, at, struct.pack("<I", AlgId.CALG_AES_128)),
        InvalidFieldError,
        "ENV-14",
    )
    assert (err.offset, err.field) == (at, "entries[1].blob.header.key_alg")


# -- rows 3, 4, 19: suite and version -----------------------------------------------


def test_row3_suite_zero_and_empty_signature() -> None:
    rejected(patch(base(), 10, b"\x00\x00"), InvalidFieldError, "ENV-4")
    err = rejected(with_signature(base(), b""), InvalidFieldError, "ENV-15")
    assert err.field == "signature_length"


@pytest.mark.parametrize("suite", [0x0002, 0x0003, 0x00F0, 0x0101, 0x1234, 0xFFFF])
def test_row4_suite_swap_is_unsupported_even_when_resigned(suite: int) -> None:
    swapped = patch(base(), 10, struct.pack("<H", suite))
    for data in (swapped, resign(swapped)):
        err = rejected(data, UnsupportedBlobError, "ENV-5")
        assert (err.offset, err.field) == (10, "suite")


@pytest.mark.parametrize("version", [0, 2, 0xFFFF])
def test_row19_version(version: int) -> None:
    err = rejected(
        resign(patch(base(), 8, struct.pack("<H", version))),
        UnsupportedBlobError,
        "ENV-3",
    )
    assert (err.offset, err.field) == (8, "version")


# -- row 5: key-type confusion (no password suite: typed keys only) -------------------


def test_row5_trusted_keys_are_typed_objects() -> None:
    raw = blobformat.dump_public_key(pub("owner"))
    with pytest.raises(TypeError):
        envelope.open_sealed(base(), raw, context=CONTEXT)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        envelope.open_sealed(base(), [raw], context=CONTEXT)  # type: ignore[list-item]
    dsa_key = dsa.generate_private_key(key_size=1024).public_key()
    with pytest.raises(TypeError):
        envelope.open_sealed(base(), [dsa_key], context=CONTEXT)  # type: ignore[list-item]
    with pytest.raises(TypeError):
        envelope.open_sealed(base(), [key("owner")], context=CONTEXT)  # type: ignore[list-item]
    with pytest.raises(InvalidParameterError):
        envelope.open_sealed(base(), [], context=CONTEXT)


# -- rows 6, 7, 8, 9: signature encodings ---------------------------------------------


def _em(k: int, t: bytes) -> bytes:
    return b"\x00\x01" + b"\xff" * (k - 3 - len(t)) + b"\x00" + t


def _variants(tbs: bytes, signer: rsa.RSAPrivateKey) -> dict[str, bytes]:
    k = 256
    h = hashlib.sha256(tbs).digest()
    sha1 = hashlib.sha1(tbs).digest()  # a deliberately wrong hash
    garbage_t = DIGEST_INFO_SHA256 + h
    return {
        "no-digestinfo (CRYPT_NOHASHOID)": raw_sign(signer, _em(k, h)),
        "sha1-digestinfo": raw_sign(
            signer, _em(k, bytes.fromhex("3021300906052b0e03021a05000414") + sha1)
        ),
        "digestinfo-without-null": raw_sign(
            signer, _em(k, bytes.fromhex("302f300b06096086480165030402010420") + h)
        ),
        "digestinfo-ber-long-length": raw_sign(
            signer,
            _em(k, bytes.fromhex("308131300d060960864801650304020105000420") + h),
        ),
        "short-padding-then-garbage": raw_sign(
            signer,
            b"\x00\x01"
            + b"\xff" * 8
            + b"\x00"
            + garbage_t
            + b"\x5a" * (k - 11 - len(garbage_t)),
        ),
        "x9.31": raw_sign(
            signer, b"\x6b" + b"\xbb" * (k - 36) + b"\xba" + h + b"\x33\xcc"
        ),
        "pss": signer.sign(
            tbs,
            padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=32),
            hashes.SHA256(),
        )[::-1],
        "big-endian (row 7)": signer.sign(tbs, padding.PKCS1v15(), hashes.SHA256()),
        "windows-description (row 9)": signer.sign(
            hashlib.sha256(tbs + "my key".encode("utf-16-le")).digest(),
            padding.PKCS1v15(),
            Prehashed(hashes.SHA256()),
        )[::-1],
    }


def test_rows6_7_9_hash_padding_order_and_description_variants() -> None:
    env = base()
    tbs = spec_tbs(env[: walk(env).sig_offset], CONTEXT)
    for name, signature in _variants(tbs, key("owner")).items():
        assert len(signature) == 256, name
        err = rejected(with_signature(env, signature), BadSignatureError)
        assert err.field == "signature", name
        # Read little-endian, a big-endian signature is >= n about half the time.
        expected = {"ENV-18", "ENV-19"} if name.startswith("big-endian") else {"ENV-19"}
        assert err.rule in expected, name


def test_row8_signature_length_and_value() -> None:
    env = base()
    w = walk(env)
    stored = env[w.sig_offset :]
    n = pub("owner").public_numbers().n
    # k + 1: the same integer with one more (zero) high byte; re-signed so
    # that signature_length 257 is inside valid signed bytes.
    longer = sign_body(body_of(env), key("owner"), signature_length=257)
    longer = longer[:-256] + stored + b"\x00"
    err = rejected(longer, BadSignatureError, "ENV-18")
    assert err.field == "signature_length"
    # k - 1 is below every suite-1 key (2048 bits): malformed before any key is used.
    rejected(with_signature(env, stored[:-1]), InvalidFieldError, "ENV-15")
    rejected(
        with_signature(env, n.to_bytes(256, "little")), BadSignatureError, "ENV-18"
    )
    rejected(
        with_signature(env, (2**2048 - 1).to_bytes(256, "little")),
        BadSignatureError,
        "ENV-18",
    )
    for value in (0, 1, n - 1):
        rejected(
            with_signature(env, value.to_bytes(256, "little")),
            BadSignatureError,
            "ENV-19",
        )


# -- rows 10, 11: context and domain separation --------------------------------------


def test_row10_11_wrong_context_and_wrong_framing() -> None:
    env = base()
    rejected(env, BadSignatureError, "ENV-19", context=b"storage slot B")
    rejected(env, BadSignatureError, "ENV-19", context=b"")
    w = walk(env)
    signed = env[: w.sig_offset]
    owner = key("owner")
    for message in (
        simple_blob(pub("owner")),  # the bare SIMPLEBLOB (naive reading of Microsoft)
        env[
            w.entries[0].blob_offset : w.entries[0].blob_offset
            + w.entries[0].blob_length
        ],
        signed,  # no domain separation, no context
        SIG_CONTEXT + CONTEXT + signed,  # no PAE framing
        spec_tbs(signed, CONTEXT)[8:],  # PAE without its count
        spec_tbs(signed, CONTEXT + b"\x00"),
    ):
        signature = owner.sign(message, padding.PKCS1v15(), hashes.SHA256())[::-1]
        rejected(with_signature(env, signature), BadSignatureError, "ENV-19")


def test_pae_prevents_moving_bytes_between_context_and_envelope() -> None:
    """A context ending in the envelope's first byte cannot shift the boundary."""
    env = base()
    w = walk(env)
    shifted = spec_tbs(env[1 : w.sig_offset], CONTEXT + env[:1])
    assert shifted != spec_tbs(env[: w.sig_offset], CONTEXT)


# -- row 12: rollback ----------------------------------------------------------------


def test_row12_stale_generation() -> None:
    err = rejected(base(), StaleGenerationError, "ENV-20", min_generation=6)
    assert (err.offset, err.field) == (12, "generation")
    assert open_base(base(), min_generation=5).generation == 5
    # Without state an older envelope is accepted: a documented residual risk.
    assert open_base(base()).generation == 5
    with pytest.raises(InvalidParameterError):
        open_base(base(), min_generation=-1)
    with pytest.raises(InvalidParameterError):
        open_base(base(), min_generation=2**64)
    with pytest.raises(TypeError):
        open_base(base(), min_generation=True)


def test_stale_generation_is_checked_after_the_signature() -> None:
    forged = patch(base(), 12, struct.pack("<Q", 99))  # not re-signed
    rejected(forged, BadSignatureError, "ENV-19", min_generation=6)


# -- row 13: key ids ------------------------------------------------------------------


def test_row13_key_id_of_another_trusted_key() -> None:
    swapped = patch(base(), 20, spec_key_id(pub("backup1")))
    with pytest.raises(BadSignatureError):
        envelope.open_sealed(swapped, [pub("owner"), pub("backup1")], context=CONTEXT)
    err = rejected(patch(base(), 20, bytes(32)), UnknownSignerError, "ENV-16")
    assert err.offset == 20


# -- row 14: embedded keys are never trusted ----------------------------------------


def test_row14_keys_in_the_input_are_never_used() -> None:
    attacker_blob = blobformat.dump_public_key(pub("attacker"))
    rejected(base() + attacker_blob, TrailingDataError, "ENV-1")
    forged = envelope.seal(
        [
            envelope.Recipient(
                simple_blob(pub("owner"), bytes(32)),
                pub("owner"),
                role=envelope.Role.OWNER,
            )
        ],
        key("attacker"),
        context=CONTEXT,
        label=attacker_blob.hex()[:250],
    )
    rejected(forged, UnknownSignerError, "ENV-16")
    rejected(forged + attacker_blob, TrailingDataError, "ENV-1")


# -- rows 15, 16, 17, 18: structure -------------------------------------------------


def test_row15_every_truncation() -> None:
    env = base()
    for length in range(len(env)):
        with pytest.raises(TruncatedError) as info:
            open_base(env[:length])
        assert info.value.rule == "ENV-1"
        assert info.value.available == length
        assert info.value.offset is not None and info.value.offset <= length


@pytest.mark.parametrize("extra", [1, 2, 255, 300])
def test_row16_trailing_bytes(extra: int) -> None:
    err = rejected(base() + b"\x00" * extra, TrailingDataError, "ENV-1")
    assert err.offset == len(base())


def test_row16_oversized_input_rejected_before_parsing() -> None:
    huge = MAGIC + b"\x00" * envelope.MAX_ENVELOPE_SIZE
    err = rejected(huge, TrailingDataError, "ENV-1")
    assert err.offset == envelope.MAX_ENVELOPE_SIZE
    # A large buffer is refused before it is copied.
    big = bytearray(8 * 1024 * 1024)
    open_base(base())
    peak = _peak(lambda: open_base(memoryview(big)))  # type: ignore[arg-type]
    assert peak < 64 * 1024


@given(offset=st.integers(min_value=0), flip=st.integers(min_value=1, max_value=255))
def test_row17_single_byte_changes_never_accepted(offset: int, flip: int) -> None:
    env = base()
    at = offset % len(env)
    mutated = patch(env, at, bytes([env[at] ^ flip]))
    with pytest.raises(BlobError):
        open_base(mutated)


def test_row17_every_offset_flipped() -> None:
    env = base()
    for at in range(len(env)):
        with pytest.raises(BlobError):
            open_base(patch(env, at, bytes([env[at] ^ 0x80])))


def _peak(fn: Callable[[], object]) -> int:
    tracemalloc.start()
    try:
        fn()
    except BlobError:
        pass
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak


def _length_lie(name: str) -> tuple[bytes, type[BlobError], str]:
    """The base envelope with one length field set to a lie."""
    env = base()
    w = walk(env)
    e1 = w.entries[1].offset + 2
    field, value = name.split("=")
    at, width = {
        "label_length": (52, 1),
        "recipient_count": (53, 1),
        "blob_length": (e1, 2),
        "signature_length": (w.sig_len_offset, 2),
    }[field]
    data = patch(env, at, int(value).to_bytes(width, "little"))
    expected: dict[str, tuple[type[BlobError], str]] = {
        "label_length=0": (BlobError, ""),
        "label_length=255": (BlobError, ""),
        "recipient_count=0": (InvalidFieldError, "ENV-7"),
        "recipient_count=17": (InvalidFieldError, "ENV-7"),
        "recipient_count=255": (InvalidFieldError, "ENV-7"),
        "blob_length=0": (InvalidFieldError, "ENV-10"),
        "blob_length=267": (InvalidFieldError, "ENV-10"),
        "blob_length=2061": (InvalidFieldError, "ENV-10"),
        "blob_length=65535": (InvalidFieldError, "ENV-10"),
        "blob_length=2060": (TruncatedError, "ENV-1"),
        "signature_length=0": (InvalidFieldError, "ENV-15"),
        "signature_length=255": (InvalidFieldError, "ENV-15"),
        "signature_length=2049": (InvalidFieldError, "ENV-15"),
        "signature_length=65535": (InvalidFieldError, "ENV-15"),
        "signature_length=2048": (TruncatedError, "ENV-1"),
    }
    cls, rule = expected[name]
    return data, cls, rule


LENGTH_LIES = [
    "label_length=0",
    "label_length=255",
    "recipient_count=0",
    "recipient_count=17",
    "recipient_count=255",
    "blob_length=0",
    "blob_length=267",
    "blob_length=2061",
    "blob_length=65535",
    "blob_length=2060",
    "signature_length=0",
    "signature_length=255",
    "signature_length=2049",
    "signature_length=65535",
    "signature_length=2048",
]


@pytest.mark.parametrize("name", LENGTH_LIES)
def test_row18_length_lies_without_large_allocation(name: str) -> None:
    data, cls, rule = _length_lie(name)
    open_base(base())  # warm the plan caches outside the measurement
    with pytest.raises(cls) as info:
        open_base(data)
    if rule:
        assert info.value.rule == rule, name
    peak = _peak(lambda: open_base(data))
    assert peak < 64 * 1024, (name, peak)


def test_row18_entry_errors_are_located() -> None:
    env = base()
    e1 = walk(env).entries[1].offset
    err = rejected(patch(env, e1 + 2, b"\xff\xff"), InvalidFieldError, "ENV-10")
    assert (err.offset, err.field) == (e1 + 2, "entries[1].blob_length")
    err = rejected(patch(env, e1 + 1, b"\x07"), InvalidFieldError, "ENV-9")
    assert (err.offset, err.field) == (e1 + 1, "entries[1].padding")
    err = rejected(patch(env, e1, b"\x09"), InvalidFieldError, "ENV-8")
    assert (err.offset, err.field) == (e1, "entries[1].role")


# -- row 20: recipient tampering ------------------------------------------------------


def _entries_bytes(env: bytes) -> list[bytes]:
    w = walk(env)
    return [env[e.offset : e.blob_offset + e.blob_length] for e in w.entries]


def _rebuild(env: bytes, entries: list[bytes], *, sign: bool) -> bytes:
    header = patch(env[: walk(env).entries[0].offset], 53, bytes([len(entries)]))
    body = header + b"".join(entries)
    if sign:
        return sign_body(body, key("owner"))
    return body + env[walk(env).sig_len_offset :]


def test_row20_drop_or_insert_an_entry() -> None:
    env = base()
    owner, b1, b2 = _entries_bytes(env)
    rejected(_rebuild(env, [owner, b1], sign=False), BadSignatureError, "ENV-19")
    rejected(_rebuild(env, [owner, b2], sign=False), BadSignatureError, "ENV-19")
    extra = enc_entry(2, 1, b"\xff" * 32, simple_blob(pub("attacker")))
    rejected(
        _rebuild(env, [owner, b1, b2, extra], sign=False), BadSignatureError, "ENV-19"
    )


@pytest.mark.parametrize("sign", [False, True])
def test_row20_entry_set_rules(sign: bool) -> None:
    env = base()
    owner, b1, b2 = _entries_bytes(env)
    backup_as_owner = b"\x01" + b1[1:]
    owner_as_backup = b"\x02" + owner[1:]
    cases = [
        ([owner, b2, b1], "ENV-13", "not in ascending order"),
        ([owner, b1, b1], "ENV-13", "same key"),
        ([owner, b"\x02" + owner[1:]], "ENV-13", "same key"),
        ([owner, backup_as_owner], "ENV-12", "only the first"),
        ([owner_as_backup, b1], "ENV-12", "first entry must be the owner"),
        ([b1, owner], "ENV-12", "first entry must be the owner"),
        ([owner] + [b1] * 16, "ENV-7", "recipient count"),
    ]
    for entries, rule, words in cases:
        err = rejected(_rebuild(env, entries, sign=sign), InvalidFieldError, rule)
        assert words in str(err)


# -- row 21: padding flag -------------------------------------------------------------


def test_row21_padding_flag_flip() -> None:
    env = base()
    for entry in walk(env).entries:
        flipped = patch(env, entry.offset + 1, bytes([3 - entry.pad]))
        rejected(flipped, BadSignatureError, "ENV-19")


# -- row 24: weak keys ----------------------------------------------------------------


@pytest.mark.parametrize("name", ["weak1024", "e3"])
def test_row24_weak_signer(name: str) -> None:
    weak = key(name)
    body = enc_header(signer_id=spec_key_id(weak.public_key()), count=1) + enc_entry(
        1, 1, spec_key_id(pub("owner")), simple_blob(pub("owner"))
    )
    forged = sign_body(body, weak, b"")
    if weak.key_size < 2048:
        # A 1024-bit signature (128 bytes) is malformed for suite 1 before any key is used.
        with pytest.raises(InvalidFieldError) as parse_info:
            envelope.open_sealed(forged, weak.public_key())
        assert parse_info.value.rule == "ENV-15"
        # With a length that parses, the trusted key itself fails the policy.
        forged = body + struct.pack("<H", 256) + bytes(256)
    with pytest.raises(WeakKeyError) as info:
        envelope.open_sealed(forged, weak.public_key())
    assert (info.value.rule, info.value.field) == ("ENV-17", "signer_key_id")
    with pytest.raises(WeakKeyError):
        envelope.seal([simple_blob(pub("owner"))], weak)
    with pytest.raises(WeakKeyError):
        envelope.store_session_key(SessionKey(alg_id=AES, key=SESSION), weak)


# -- row 25: non-canonical inner blobs (with a valid signature) ----------------------


def _inner(env: bytes, delta: int, new: bytes) -> bytes:
    at = walk(env).entries[0].blob_offset + delta
    return resign(patch(env, at, new))


def test_row25_inner_blob_rules_even_when_signed() -> None:
    env = single()
    blob_at = walk(env).entries[0].blob_offset
    cases = [
        (1, b"\x03", "HDR-2", "entries[0].blob.header.version"),
        (2, b"\x01\x00", "HDR-3", "entries[0].blob.header.reserved"),
        (
            4,
            struct.pack("<I", AlgId.CALG_SHA1),
            "SMP-2",
            "entries[0].blob.header.key_alg",
        ),
        (
            8,
            struct.pack("<I", AlgId.CALG_RSA_SIGN),
            "SMP-1",
            "entries[0].blob.wrap_alg",
        ),
    ]
    for delta, new, rule, field in cases:
        err = rejected(_inner(env, delta, new), InvalidFieldError, rule)
        assert (err.offset, err.field) == (blob_at + delta, field)


@pytest.mark.parametrize(
    ("blob_type", "name"),
    [
        (0x08, "PLAINTEXTKEYBLOB"),
        (0x07, "PRIVATEKEYBLOB"),
        (0x06, "PUBLICKEYBLOB"),
        (0x42, "0x42"),
    ],
)
def test_row25_only_simpleblobs_are_carried(blob_type: int, name: str) -> None:
    env = single()
    err = rejected(_inner(env, 0, bytes([blob_type])), InvalidFieldError, "ENV-11")
    assert err.field == "entries[0].blob.header.blob_type"
    assert isinstance(err, InvalidFieldError) and err.actual == name


def test_seal_refuses_secrets_in_clear() -> None:
    plaintext = blobformat.PlaintextKeyBlob(key_alg=AES, key=SESSION).to_bytes()
    with pytest.raises(InvalidParameterError) as info:
        envelope.seal([plaintext], key("owner"))
    assert info.value.rule == "ENV-11"
    assert SESSION.hex() not in str(info.value)
    private = blobformat.dump_private_key(key("owner"))
    with pytest.raises(InvalidParameterError):
        envelope.seal([private], key("owner"))


# -- row 26: oracle hygiene ---------------------------------------------------------


def test_row26_corrupted_wrap_with_valid_signature_is_one_decryption_error() -> None:
    env = envelope.store_session_key(
        SessionKey(alg_id=AES, key=SESSION), key("owner"), context=CONTEXT
    )
    w = walk(env)
    at = w.entries[0].blob_offset + 12
    n = pub("owner").public_numbers().n
    owner = key("owner")
    bad_padding = raw_sign(owner, b"\x00\x01" + b"\xff" * 200 + b"\x00" + bytes(53))
    corruptions = {
        "random": os.urandom(256),
        "value>=n": n.to_bytes(256, "little"),
        "zero": bytes(256),
        "bad padding": pow(int.from_bytes(bad_padding, "little"), 65537, n).to_bytes(
            256, "little"
        ),
        "short key": pub("owner").encrypt(b"\x01" * 7, padding.PKCS1v15())[::-1],
    }
    messages = set()
    for name, ciphertext in corruptions.items():
        corrupted = resign(patch(env, at, ciphertext))
        opened = open_base(corrupted)  # the signature is valid
        with pytest.raises(DecryptionError) as info:
            opened.unwrap(owner)
        assert (info.value.offset, info.value.field) == (None, None), name
        messages.add(str(info.value))
        with pytest.raises(DecryptionError):
            envelope.load_session_key(corrupted, owner, context=CONTEXT)
    assert len(messages) == 1


def test_signature_is_checked_before_anything_is_decrypted() -> None:
    env = envelope.store_session_key(SessionKey(alg_id=AES, key=SESSION), key("owner"))
    at = walk(env).entries[0].blob_offset + 12
    corrupted = patch(env, at, bytes(256))  # a broken wrap, not re-signed
    with pytest.raises(BadSignatureError):
        envelope.load_session_key(corrupted, key("owner"))


# -- labels ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "where"),
    [
        (b"ok\xff", 2),
        (b"\xc0\xaf", 0),
        (b"\xed\xa0\x80", 0),
        (b"a\x00b", 1),
        (b"\x1b[2J", 0),
        (b"x\x7f", 1),
        ("\u009b".encode(), 0),
    ],
)
def test_label_rules_when_parsing(raw: bytes, where: int) -> None:
    body = enc_header(
        signer_id=spec_key_id(pub("owner")), count=1, label=raw
    ) + enc_entry(1, 1, spec_key_id(pub("owner")), single_owner_blob())
    err = rejected(sign_body(body, key("owner")), InvalidFieldError, "ENV-6")
    assert (err.offset, err.field) == (54 + where, "label")


@pytest.mark.parametrize("label", ["a\nb", "\x1b[31m", "\u0085", "é" * 128, "\ud800"])
def test_label_rules_when_sealing(label: str) -> None:
    with pytest.raises(InvalidParameterError) as info:
        envelope.seal([single_owner_blob()], key("owner"), label=label)
    assert info.value.rule == "ENV-6"


def test_label_may_be_any_printable_text_up_to_255_bytes() -> None:
    label = "Backup: Contoso CA, serial 0042 — Ключ 鍵 🔑 " + "x" * 190
    assert len(label.encode()) <= 255
    env = envelope.seal([single_owner_blob()], key("owner"), label=label)
    assert envelope.open_sealed(env, pub("owner")).label == label


# -- seal's own checks ----------------------------------------------------------------


def test_seal_argument_rules() -> None:
    owner_blob = single_owner_blob()
    b1 = envelope.Recipient(simple_blob(pub("backup1")), pub("backup1"))
    signer = key("owner")
    cases: list[tuple[list[object], str]] = [
        ([], "ENV-7"),
        (
            [owner_blob]
            + [envelope.Recipient(simple_blob(pub("backup1")), pub("backup1"))] * 16,
            "ENV-7",
        ),
        ([owner_blob, owner_blob], "ENV-12"),
        ([b1], "ENV-12"),
        ([owner_blob, b1, b1], "ENV-13"),
        (
            [
                owner_blob,
                envelope.Recipient(
                    simple_blob(pub("backup1"), alg=AlgId.CALG_AES_128), pub("backup1")
                ),
            ],
            "ENV-14",
        ),
        (
            [envelope.Recipient(owner_blob, pub("weak1024"), role=envelope.Role.OWNER)],
            "ENV-23",
        ),
        # A 1024-bit key's blob (128-byte ciphertext) claimed for a 2048-bit key.
        ([envelope.Recipient(simple_blob(pub("weak1024")), pub("owner"))], "ENV-23"),
    ]
    for blobs, rule in cases:
        with pytest.raises(InvalidParameterError) as info:
            envelope.seal(blobs, signer)  # type: ignore[arg-type]
        assert info.value.rule == rule, (rule, str(info.value))


def test_seal_detects_a_blob_not_wrapped_to_its_key() -> None:
    n = pub("owner").public_numbers().n
    blob = (
        bytes([1, 2, 0, 0])
        + struct.pack("<II", AES, AlgId.CALG_RSA_KEYX)
        + n.to_bytes(256, "little")
    )
    with pytest.raises(InvalidParameterError) as info:
        envelope.seal([blob], key("owner"))
    assert info.value.rule == "ENV-23"


def test_seal_argument_types() -> None:
    owner_blob = single_owner_blob()
    with pytest.raises(TypeError):
        envelope.seal(owner_blob, key("owner"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        envelope.seal([owner_blob], pub("owner"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        envelope.seal(["text"], key("owner"))  # type: ignore[list-item]
    with pytest.raises(TypeError):
        envelope.Recipient(owner_blob, b"key")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        envelope.seal([owner_blob], key("owner"), generation=True)
    with pytest.raises(InvalidParameterError):
        envelope.seal([owner_blob], key("owner"), generation=2**64)
    with pytest.raises(TypeError):
        envelope.store_session_key(
            SessionKey(alg_id=AES, key=SESSION), key("owner"), backup=pub("backup1")
        )  # type: ignore[arg-type]


def test_seal_locates_errors_in_a_malformed_blob() -> None:
    blob = bytearray(single_owner_blob())
    blob[2] = 1
    with pytest.raises(ParseError) as info:
        envelope.seal([bytes(blob)], key("owner"))
    assert (info.value.field, info.value.offset, info.value.rule) == (
        "blobs[0].header.reserved",
        2,
        "HDR-3",
    )


# -- error classes and rule coverage -----------------------------------------------


def test_verification_failures_are_signature_errors() -> None:
    for cls in (
        UnknownSignerError,
        BadSignatureError,
        WeakKeyError,
        StaleGenerationError,
    ):
        assert issubclass(cls, SignatureError)


def _spec_env_rules() -> set[str]:
    """ENV rules defined in SPEC.md, or in the §16 draft until it is merged."""
    rules: set[str] = set()
    for source in (ROOT / "SPEC.md", ROOT / "spec-drafts" / "envelope.md"):
        if source.exists():
            rules |= set(
                re.findall(r"^- \*\*\[(ENV-\d+)\]\*\*", source.read_text(), re.M)
            )
    return rules


def test_every_env_rule_is_raised_and_tested() -> None:
    """Every ENV rule of SPEC §16 is raised by the code and asserted in this file."""
    rules = _spec_env_rules()
    assert rules, "no ENV rules found in SPEC.md (or spec-drafts/envelope.md)"
    assert rules == {f"ENV-{n}" for n in range(1, len(rules) + 1)}
    # The envelope's code: the public module and the private ones beside it.
    code = "".join(
        path.read_text() for path in Path(envelope.__file__).parent.glob("*.py")
    )
    raised = set(re.findall(r"""rule="(ENV-\d+)\"""", code))
    assert raised == rules
    tests = Path(__file__).read_text()
    asserted = set(re.findall(r'"(ENV-\d+)"', tests))
    assert rules <= asserted
