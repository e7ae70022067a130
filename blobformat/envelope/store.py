# SPDX-License-Identifier: Apache-2.0
"""The signed envelope for stored key blobs, BFE v1 (SPEC §16).

Microsoft's procedure for storing a session key is: export it as a
SIMPLEBLOB under your own key-exchange public key, sign the blob with your
key-exchange private key before storing it, and verify the signature before
importing the blob again. Without the signature, anyone who can write the
storage can wrap a session key of their own choosing to your public key and
substitute it. A backup authority gets a second SIMPLEBLOB of the same key.

An envelope holds one entry per recipient (the owner and any backup
authorities), each a canonical SIMPLEBLOB with its padding mode, and one
RSA signature over a domain-separation string, caller-supplied context
bytes and every byte before the signature. The signer is found among the
caller's trusted keys by key id; the envelope never carries a key.

Exports:

- :func:`seal` and :func:`open_sealed`: the container over SIMPLEBLOB bytes;
- :func:`store_session_key` and :func:`load_session_key`: Microsoft's
  procedure in two calls;
- :func:`envelope_key_id` and :func:`envelope_tbs`: the key id and the
  signed bytes, for interoperating implementations (Windows, CNG);
- :class:`Recipient`, :class:`Role`, :class:`EnvelopeEntry`,
  :class:`SealedEnvelope`.

Ordering guarantees (SPEC §16.6): every structural rule and every size cap
is checked before any RSA operation, and the signature is verified before
anything is decrypted.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Sequence
from dataclasses import KW_ONLY, dataclass

from cryptography.hazmat.primitives.asymmetric import rsa

from blobformat.capi.sessionkey import SessionKey, default_salt
from blobformat.capi.sign import sign_hash, verify_signature
from blobformat.capi.wrap import unwrap_session_key, wrap_session_key
from blobformat.codec import wire as _wire
from blobformat.codec.decode import as_bytes, parse
from blobformat.codec.models import SimpleBlob
from blobformat.constants import AlgId
from blobformat.envelope.decode import (
    _control_index,
    _envelope_bytes,
    _parse,
    _Parsed,
)
from blobformat.envelope.format import (
    _EXPONENT,
    _HEADER_OFFSETS,
    _MAX_BITS,
    _MIN_BITS,
    _PADDING_OAEP,
    _PADDING_PKCS1,
    KEY_ID_CONTEXT,
    MAX_ENVELOPE_SIZE,
    MAX_LABEL_BYTES,
    MAX_RECIPIENTS,
    SIGNATURE_CONTEXT,
    SUITE_CAPI_RSA_PKCS1V15_SHA256,
    VERSION,
    EnvelopeEntry,
    Role,
    Uncopyable,
    refuse_state,
)
from blobformat.envelope.schema import ENTRY, HEADER, MAGIC, TRAILER
from blobformat.errors import (
    BadSignatureError,
    InvalidParameterError,
    KeyConversionError,
    NoRecipientError,
    ParseError,
    SignatureError,
    StaleGenerationError,
    UnknownSignerError,
    WeakKeyError,
)
from blobformat.keys.convert import dump_public_key
from blobformat.keys.rsacheck import check_rsa_public_key

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

# -- key id and signed bytes -----------------------------------------------------


def envelope_key_id(key: rsa.RSAPublicKey | rsa.RSAPrivateKey) -> bytes:
    """The 32-byte key id of an RSA key (SPEC §16.4).

    ``SHA-256("blobformat/keyid/v1" || 0x00 || body)``, where ``body`` is
    ``"RSA1" || u32 bits(n) || u32 e || modulus``: a PUBLICKEYBLOB without its
    8-byte BLOBHEADER and with the exact bit length, so the id does not
    depend on CALG_RSA_KEYX versus CALG_RSA_SIGN.

    :param key: an RSA public key, or a private key (its public half is used).
    :returns: 32 bytes.
    :raises TypeError: if ``key`` is not an RSA key.
    :raises KeyConversionError: if the key cannot be written as a
        PUBLICKEYBLOB (SPEC §14.3).
    """
    if isinstance(key, rsa.RSAPrivateKey):
        key = key.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise TypeError(f"expected an RSA key, not {type(key).__name__}")
    dump_public_key(key)  # the same refusals as a PUBLICKEYBLOB (KEY-8)
    # SPEC §16.4 fixes bitlen in the id as the modulus' exact bit length, as
    # released in v1. A blob's bitlen is 8*ceil(bits/8) since RSA-5, so the two
    # differ for a modulus that is not a whole number of bytes; ids must not.
    numbers = key.public_numbers()
    k = (numbers.n.bit_length() + 7) // 8
    body = (
        b"RSA1"
        + numbers.n.bit_length().to_bytes(4, "little")
        + numbers.e.to_bytes(4, "little")
        + numbers.n.to_bytes(k, "little")
    )
    return hashlib.sha256(KEY_ID_CONTEXT + b"\x00" + body).digest()


def _pae(*pieces: bytes) -> bytes:
    """PASETO's pre-authentication encoding: counts and lengths as LE64."""
    out = [len(pieces).to_bytes(8, "little")]
    for piece in pieces:
        out.append(len(piece).to_bytes(8, "little"))
        out.append(piece)
    return b"".join(out)


def _tbs(signed: bytes, context: bytes) -> bytes:
    """TBS = PAE(SIGNATURE_CONTEXT, context, signed bytes) (SPEC §16.5)."""
    return _pae(SIGNATURE_CONTEXT, context, signed)


# -- models --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Recipient:
    """One SIMPLEBLOB to seal, with what the blob itself does not record.

    A SIMPLEBLOB says neither which key it is wrapped to nor whether PKCS#1
    v1.5 or OAEP padding was used; :func:`seal` needs both to write the
    entry. Plain ``bytes`` passed to :func:`seal` mean
    ``Recipient(blob)``: wrapped to the signer's own key with PKCS#1 v1.5,
    which is Microsoft's procedure (``CryptExportKey`` with flags 0).

    :ivar blob: the SIMPLEBLOB bytes.
    :ivar public_key: the RSA key the blob is wrapped to; ``None`` means the
        signer's public key.
    :ivar role: :attr:`EnvelopeRole.OWNER` or :attr:`EnvelopeRole.BACKUP`; ``None`` means
        owner when the blob is wrapped to the signer's key, backup otherwise.
        Pass it explicitly when the owner signs with a separate key.
    :ivar oaep: the blob was wrapped with OAEP (``CRYPT_OAEP``).
    """

    blob: bytes
    public_key: rsa.RSAPublicKey | None = None
    _: KW_ONLY
    role: Role | None = None
    oaep: bool = False

    def __post_init__(self) -> None:
        """Check argument types."""
        blob: object = self.blob
        if not isinstance(blob, bytes | bytearray | memoryview):
            raise TypeError(f"Recipient.blob must be bytes, not {type(blob).__name__}")
        key: object = self.public_key
        if key is not None and not isinstance(key, rsa.RSAPublicKey):
            raise TypeError(
                f"Recipient.public_key must be an RSA public key, not {type(key).__name__}"
            )
        role: object = self.role
        if role is not None and not isinstance(role, Role):
            raise TypeError("Recipient.role must be a Role or None")
        if not isinstance(self.oaep, bool):
            raise TypeError("Recipient.oaep must be a bool")


# Only open_sealed() creates SealedEnvelope objects: having one means the
# signature was verified (SPEC §16.6.2 step 13, ENV-22). A thread-local flag
# rather than a constructor argument, so that dataclasses.replace() cannot
# copy it onto altered contents.
_OPENING = threading.local()

# What open_sealed() verified, by object identity: (key id, OAEP, SIMPLEBLOB
# bytes) per entry. unwrap() checks it, so an instance made with
# object.__new__, or a verified one altered with object.__setattr__, is refused.
_Snapshot = tuple[tuple[bytes, bool, bytes], ...]
_VERIFIED: dict[int, tuple[weakref.ref[SealedEnvelope], _Snapshot]] = {}


def _snapshot(entries: object) -> _Snapshot:
    if not isinstance(entries, tuple) or not all(
        isinstance(e, EnvelopeEntry) for e in entries
    ):
        return ()
    return tuple((e.recipient_key_id, e.oaep, e.blob.to_bytes()) for e in entries)


def _register(opened: SealedEnvelope) -> None:
    key = id(opened)
    # The weakref callback runs when the object dies, before its id can be reused.
    ref = weakref.ref(opened, lambda _ref: _VERIFIED.pop(key, None))
    _VERIFIED[key] = (ref, _snapshot(opened.entries))


class _WeakReferable(Uncopyable):
    """Gives a slotted dataclass a ``__weakref__`` slot (``weakref_slot`` needs 3.11)."""

    __slots__ = ("__weakref__",)


@refuse_state
@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class SealedEnvelope(_WeakReferable):
    """A verified envelope, as :func:`open_sealed` returns it.

    Objects of this class exist only after verification: constructing one
    directly (or with ``dataclasses.replace``) raises, copying or pickling
    one raises ``TypeError``, and :meth:`unwrap` refuses an object that
    :func:`open_sealed` did not return or whose entries changed since, so an
    entry can only be unwrapped after the signature was checked.

    :ivar suite: the signature suite (1).
    :ivar label: the signed label (safe to show as trusted text).
    :ivar generation: the signed generation counter.
    :ivar signer_key_id: the key id of the trusted key that verified it.
    :ivar entries: the recipient entries, owner first, then backup
        authorities ordered by key id.
    """

    suite: int
    label: str
    generation: int
    signer_key_id: bytes
    entries: tuple[EnvelopeEntry, ...]

    # A frozen slotted dataclass gets its own __setstate__ unless its body names one.
    __setstate__ = Uncopyable.__setstate__

    def __post_init__(self) -> None:
        """Refuse construction outside :func:`open_sealed`."""
        if not getattr(_OPENING, "active", False):
            raise InvalidParameterError(
                "SealedEnvelope objects come from open_sealed() only: "
                "an envelope must be verified before its entries are used",
                rule="ENV-22",
            )

    @property
    def blobs(self) -> tuple[SimpleBlob, ...]:
        """The SIMPLEBLOB of every entry, in entry order (owner first)."""
        return tuple(entry.blob for entry in self.entries)

    @property
    def owner(self) -> EnvelopeEntry:
        """The owner's entry."""
        return self.entries[0]

    @property
    def backups(self) -> tuple[EnvelopeEntry, ...]:
        """The backup authorities' entries."""
        return self.entries[1:]

    @property
    def key_alg(self) -> AlgId:
        """The session key's algorithm (``aiKeyAlg``, the same in every entry)."""
        return self.entries[0].blob.key_alg

    def entry_for(self, key: rsa.RSAPublicKey | rsa.RSAPrivateKey) -> EnvelopeEntry:
        """The entry wrapped to ``key``, selected by key id.

        :param key: the recipient's RSA public or private key.
        :returns: the matching entry.
        :raises NoRecipientError: if no entry is for this key.
        :raises TypeError: if ``key`` is not an RSA key.
        """
        wanted = envelope_key_id(key)
        for entry in self.entries:
            if entry.recipient_key_id == wanted:
                return entry
        raise NoRecipientError(
            f"no entry of this envelope is wrapped to the key with id {wanted.hex()}",
            field="entries",
            rule="ENV-21",
        )

    def unwrap(self, private_key: rsa.RSAPrivateKey) -> SessionKey:
        """Decrypt the entry wrapped to ``private_key``.

        :param private_key: the recipient's RSA private key.
        :returns: the session key.
        :raises NoRecipientError: if no entry is for this key.
        :raises DecryptionError: for every failure of the decryption itself,
            with one fixed message (SPEC §15.2).
        :raises TypeError: if ``private_key`` is not an RSA private key.
        """
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise TypeError(
                f"private_key must be an RSA private key, not {type(private_key).__name__}"
            )
        verified = self._verified_entries()
        wanted = self.entry_for(private_key).recipient_key_id
        for key_id, oaep, blob in verified:
            if key_id == wanted:
                return unwrap_session_key(blob, private_key, oaep=oaep)
        raise AssertionError(
            "unreachable: entry_for found the id in the verified entries"
        )

    def _verified_entries(self) -> _Snapshot:
        """The entries open_sealed() verified for this very object, else raise."""
        record = _VERIFIED.get(id(self))
        if record is None or record[0]() is not self:
            raise InvalidParameterError(
                "this SealedEnvelope was not returned by open_sealed() (made with "
                "object.__new__ or copied): it was never verified and is not unwrapped",
                rule="ENV-22",
            )
        if _snapshot(self.entries) != record[1]:
            raise InvalidParameterError(
                "this SealedEnvelope's entries changed after open_sealed() verified it; "
                "it is not unwrapped",
                rule="ENV-22",
            )
        return record[1]

    def __repr__(self) -> str:
        """Label, generation, signer key id and entries; no key material."""
        entries = ", ".join(repr(entry) for entry in self.entries)
        return (
            f"SealedEnvelope(suite={self.suite}, label={self.label!r}, "
            f"generation={self.generation}, signer_key_id={self.signer_key_id.hex()}, "
            f"entries=[{entries}])"
        )


# -- verification --------------------------------------------------------------------


def _check_key_policy(key: rsa.RSAPublicKey, *, what: str, in_envelope: bool) -> None:
    """Suite 1's key policy: 2048..16384-bit modulus, exponent 65537, KEY-12 (ENV-17)."""
    # When verifying, the error points at the signer_key_id that selected the key.
    offset = _HEADER_OFFSETS["signer_key_id"] if in_envelope else None
    field = "signer_key_id" if in_envelope else None
    bits = key.key_size
    if not _MIN_BITS <= bits <= _MAX_BITS:
        raise WeakKeyError(
            f"{what} has a {bits}-bit modulus; suite 1 requires {_MIN_BITS}..{_MAX_BITS} bits",
            offset=offset,
            field=field,
            rule="ENV-17",
        )
    exponent = key.public_numbers().e
    if exponent != _EXPONENT:
        raise WeakKeyError(
            f"{what} has public exponent {exponent}; suite 1 requires {_EXPONENT}",
            offset=offset,
            field=field,
            rule="ENV-17",
        )
    try:
        check_rsa_public_key(key)
    except KeyConversionError as err:
        # A modulus anyone can factor lets anyone sign (KEY-12).
        raise WeakKeyError(
            f"{what} fails the public-key sanity check of KEY-12 ({err.relation} "
            "does not hold): anyone could sign with it",
            offset=offset,
            field=field,
            rule="ENV-17",
        ) from None


def _trusted_keys(
    trusted: rsa.RSAPublicKey | Sequence[rsa.RSAPublicKey],
) -> dict[bytes, rsa.RSAPublicKey]:
    if isinstance(trusted, rsa.RSAPublicKey):
        items: list[object] = [trusted]
    elif isinstance(trusted, str | bytes | bytearray | memoryview):
        # Keys are typed objects, never raw bytes (PASETO's algorithm lucidity).
        raise TypeError(
            "trusted keys must be RSAPublicKey objects, not bytes "
            "(load them with blobformat.load_public_key)"
        )
    else:
        items = list(trusted)
    if not items:
        raise InvalidParameterError(
            "no trusted key given: nothing can verify the envelope"
        )
    keys: dict[bytes, rsa.RSAPublicKey] = {}
    for key in items:
        if not isinstance(key, rsa.RSAPublicKey):
            raise TypeError(
                f"trusted keys must be RSA public keys, not {type(key).__name__}"
            )
        keys[envelope_key_id(key)] = key
    return keys


def _check_generation(value: object, name: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int")
    if not 0 <= value < 1 << 64:
        raise InvalidParameterError(f"{name} must be in 0..2**64-1")
    return value


def _verify(
    parsed: _Parsed, key: rsa.RSAPublicKey, data: bytes, context: bytes
) -> None:
    """Suite 1 signature check (SPEC §16.6.2 steps 10-11)."""
    size = (key.key_size + 7) // 8
    if len(parsed.signature) != size:
        raise BadSignatureError(
            f"signature is {len(parsed.signature)} bytes; the signer's modulus is {size} bytes",
            offset=parsed.signature_length_offset,
            field="signature_length",
            rule="ENV-18",
        )
    big_endian = parsed.signature[::-1]
    if int.from_bytes(big_endian, "big") >= key.public_numbers().n:
        raise BadSignatureError(
            "signature value is not less than the signer's modulus",
            offset=parsed.signature_offset,
            field="signature",
            rule="ENV-18",
        )
    tbs = _tbs(data[: parsed.signature_offset], context)
    try:
        verify_signature(key, tbs, parsed.signature, hash_alg=AlgId.CALG_SHA_256)
    except SignatureError:
        raise BadSignatureError(
            "signature does not verify (wrong context, altered bytes or another signer)",
            offset=parsed.signature_offset,
            field="signature",
            rule="ENV-19",
        ) from None


def open_sealed(
    data: bytes | bytearray | memoryview,
    trusted: rsa.RSAPublicKey | Sequence[rsa.RSAPublicKey],
    *,
    context: bytes = b"",
    min_generation: int | None = None,
) -> SealedEnvelope:
    """Verify an envelope and return its contents (SPEC §16.6).

    The whole envelope is parsed strictly, with every size cap, before any
    RSA operation; the signer is then looked up by key id among ``trusted``
    only (the envelope never supplies a key), checked against the key
    policy, and its signature verified over the domain-separation string,
    ``context`` and every byte before the signature. Nothing is decrypted.

    :param data: the envelope bytes.
    :param trusted: the key or keys whose signature you accept (for the
        owner reading its own envelope: its own public key).
    :param context: the application binding the envelope was sealed with
        (for example the storage slot name); not stored in the envelope.
    :param min_generation: reject envelopes whose generation is lower
        (rollback protection; needs a counter you keep).
    :returns: the verified envelope.
    :raises TypeError: if ``data`` is not bytes-like or a trusted key is
        not an RSA public key.
    :raises InvalidParameterError: if ``trusted`` is empty or
        ``min_generation`` is out of range.
    :raises TruncatedError: if the envelope ends inside a field.
    :raises TrailingDataError: if bytes follow the signature, or the input
        exceeds ``MAX_ENVELOPE_SIZE`` (65536 bytes).
    :raises InvalidFieldError: if a field breaks a rule of SPEC §16.2,
        including a malformed inner SIMPLEBLOB.
    :raises UnsupportedBlobError: if the input is not an envelope, or has an
        unsupported version or suite.
    :raises UnknownSignerError: if no trusted key has the signer key id.
    :raises WeakKeyError: if the signer's trusted key is below policy.
    :raises BadSignatureError: if the signature does not verify.
    :raises StaleGenerationError: if the generation is below ``min_generation``.
    :raises KeyConversionError: if a trusted key cannot be written as a
        PUBLICKEYBLOB (so has no key id).
    """
    buf = _envelope_bytes(data)
    ctx = as_bytes(context)
    keys = _trusted_keys(trusted)
    minimum = (
        None
        if min_generation is None
        else _check_generation(min_generation, "min_generation")
    )

    parsed = _parse(buf)
    key = keys.get(parsed.signer_key_id)
    if key is None:
        raise UnknownSignerError(
            f"the envelope's signer key id {parsed.signer_key_id.hex()} matches none of "
            f"the {len(keys)} trusted key(s)",
            offset=_HEADER_OFFSETS["signer_key_id"],
            field="signer_key_id",
            rule="ENV-16",
        )
    _check_key_policy(key, what="the signer's key", in_envelope=True)
    _verify(parsed, key, buf, ctx)
    if minimum is not None and parsed.generation < minimum:
        raise StaleGenerationError(
            f"envelope generation {parsed.generation} is below the required minimum {minimum}",
            offset=_HEADER_OFFSETS["generation"],
            field="generation",
            rule="ENV-20",
        )
    _OPENING.active = True
    try:
        opened = SealedEnvelope(
            suite=parsed.suite,
            label=parsed.label,
            generation=parsed.generation,
            signer_key_id=parsed.signer_key_id,
            entries=parsed.entries,
        )
    finally:
        _OPENING.active = False
    _register(opened)
    return opened


def envelope_tbs(
    data: bytes | bytearray | memoryview, *, context: bytes = b""
) -> bytes:
    """The bytes an envelope's signature covers (SPEC §16.5).

    For verifying elsewhere: on Windows, ``CryptHashData`` these bytes into
    a CALG_SHA_256 hash and call ``CryptVerifySignature`` with the stored
    signature as it is. The envelope is parsed strictly but not verified.

    :param data: the envelope bytes.
    :param context: the application context bytes.
    :returns: ``PAE(SIGNATURE_CONTEXT, context, signed bytes)``.
    :raises ParseError: as :func:`open_sealed` for a malformed envelope.
    """
    buf = _envelope_bytes(data)
    parsed = _parse(buf)
    return _tbs(buf[: parsed.signature_offset], as_bytes(context))


# -- sealing ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Prepared:
    role: Role
    oaep: bool
    key_id: bytes
    blob: bytes
    model: SimpleBlob


def _encode_label(label: object) -> bytes:
    if not isinstance(label, str):
        raise TypeError(f"label must be a str, not {type(label).__name__}")
    try:
        raw = label.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidParameterError(
            "label is not encodable as UTF-8 (lone surrogate)",
            field="label",
            rule="ENV-6",
        ) from None
    if len(raw) > MAX_LABEL_BYTES:
        raise InvalidParameterError(
            f"label is {len(raw)} bytes of UTF-8; at most {MAX_LABEL_BYTES} fit",
            field="label",
            rule="ENV-6",
        )
    index = _control_index(label)
    if index is not None:
        raise InvalidParameterError(
            f"label contains control character U+{ord(label[index]):04X}",
            field="label",
            rule="ENV-6",
        )
    return raw


def _prepare(
    item: object, index: int, signer_public: rsa.RSAPublicKey, signer_id: bytes
) -> _Prepared:
    if isinstance(item, Recipient):
        recipient = item
    elif isinstance(item, bytes | bytearray | memoryview):
        recipient = Recipient(bytes(item))
    else:
        raise TypeError(
            f"blobs[{index}] must be SIMPLEBLOB bytes or a Recipient, not {type(item).__name__}"
        )
    public = signer_public if recipient.public_key is None else recipient.public_key
    where = f"blobs[{index}]"
    bits = public.key_size
    if not _MIN_BITS <= bits <= _MAX_BITS:
        raise InvalidParameterError(
            f"{where}: the recipient key has a {bits}-bit modulus; "
            f"envelope recipients need {_MIN_BITS}..{_MAX_BITS} bits",
            field=where,
            rule="ENV-23",
        )
    blob = as_bytes(recipient.blob)
    try:
        model = parse(blob)
    except ParseError as err:
        raise err.relocated(0, where) from None
    if not isinstance(model, SimpleBlob):
        # The envelope never stores a secret in clear.
        raise InvalidParameterError(
            f"{where} is a {type(model).KIND} blob: an envelope carries SIMPLEBLOBs only",
            field=where,
            rule="ENV-11",
        )
    size = (bits + 7) // 8
    ciphertext = model.encrypted_key
    if (
        len(ciphertext) != size
        or int.from_bytes(ciphertext, "little") >= public.public_numbers().n
    ):
        raise InvalidParameterError(
            f"{where}: the SIMPLEBLOB is not wrapped to its recipient key "
            f"({len(ciphertext)}-byte ciphertext, {size}-byte modulus or value out of range)",
            field=where,
            rule="ENV-23",
        )
    key_id = envelope_key_id(public)
    role = recipient.role
    if role is None:
        role = Role.OWNER if key_id == signer_id else Role.BACKUP
    return _Prepared(
        role=role, oaep=recipient.oaep, key_id=key_id, blob=blob, model=model
    )


def seal(
    blobs: Sequence[bytes | bytearray | memoryview | Recipient],
    signer: rsa.RSAPrivateKey,
    *,
    context: bytes = b"",
    label: str = "",
    generation: int = 0,
) -> bytes:
    """Sign SIMPLEBLOBs into an envelope (SPEC §16.7).

    Each item is either SIMPLEBLOB bytes wrapped to the signer's own key
    with PKCS#1 v1.5 (Microsoft's procedure), or a :class:`Recipient` that
    names the wrapping key, the padding and, if needed, the role. Entries
    are written owner first, then backup authorities in key-id order (the
    canonical order), whatever the order given. Sealing is deterministic:
    the same arguments give the same bytes.

    :param blobs: 1 to 16 SIMPLEBLOBs: exactly one for the owner, the others
        for backup authorities, each wrapped to a different key of
        2048..16384 bits.
    :param signer: the RSA private key that signs (2048..16384 bits,
        exponent 65537); Microsoft's procedure uses the owner's key-exchange key.
    :param context: application binding, required again to open (not stored).
    :param label: signed description (at most 255 bytes of UTF-8, no
        control characters), such as the backup authority's key description
        and serial number.
    :param generation: signed counter, 0..2**64-1; increase it on each
        store to the same slot and pass ``min_generation`` when opening.
    :returns: the envelope bytes.
    :raises TypeError: for arguments of the wrong type (including a single
        bytes object instead of a sequence of blobs).
    :raises WeakKeyError: if the signer key is below policy.
    :raises InvalidParameterError: if a rule of SPEC §16.7 is broken: the
        number of blobs, the owner count, a repeated recipient key, differing
        session-key algorithms, a blob that is not a SIMPLEBLOB or not
        wrapped to its recipient's key, a recipient key below 2048 bits, a
        bad label or generation.
    :raises ParseError: if a blob is not a valid SIMPLEBLOB (SPEC §8).
    """
    if not isinstance(signer, rsa.RSAPrivateKey):
        raise TypeError(
            f"signer must be an RSA private key, not {type(signer).__name__}"
        )
    if isinstance(blobs, str | bytes | bytearray | memoryview | Recipient):
        raise TypeError(
            "blobs must be a sequence of SIMPLEBLOBs; put a single blob in a list"
        )
    signer_public = signer.public_key()
    _check_key_policy(signer_public, what="the signer key", in_envelope=False)
    ctx = as_bytes(context)
    label_bytes = _encode_label(label)
    _check_generation(generation, "generation")
    items = list(blobs)
    if not 1 <= len(items) <= MAX_RECIPIENTS:
        raise InvalidParameterError(
            f"an envelope holds 1..{MAX_RECIPIENTS} blobs, not {len(items)}",
            rule="ENV-7",
        )
    signer_id = envelope_key_id(signer_public)
    prepared = [
        _prepare(item, i, signer_public, signer_id) for i, item in enumerate(items)
    ]

    owners = [p for p in prepared if p.role is Role.OWNER]
    if len(owners) != 1:
        raise InvalidParameterError(
            f"an envelope has exactly one owner entry, not {len(owners)} "
            "(set Recipient.role for a blob wrapped to another key)",
            rule="ENV-12",
        )
    if len({p.key_id for p in prepared}) != len(prepared):
        raise InvalidParameterError(
            "two blobs are wrapped to the same key: one entry per recipient key",
            rule="ENV-13",
        )
    if len({p.model.key_alg for p in prepared}) != 1:
        raise InvalidParameterError(
            "the blobs wrap different session-key algorithms: an envelope holds one session key",
            rule="ENV-14",
        )
    ordered = owners + sorted(
        (p for p in prepared if p.role is Role.BACKUP), key=lambda p: p.key_id
    )

    parts = [
        _wire.encode(
            _wire.plan(HEADER, {"label_length": len(label_bytes)}),
            {
                "version": VERSION,
                "suite": SUITE_CAPI_RSA_PKCS1V15_SHA256,
                "generation": generation,
                "signer_key_id": signer_id,
                "label_length": len(label_bytes),
                "recipient_count": len(ordered),
                "label": label_bytes,
            },
            rule="ENV-1",
        )
    ]
    for p in ordered:
        parts.append(
            _wire.encode(
                _wire.plan(ENTRY, {"blob_length": len(p.blob)}),
                {
                    "role": int(p.role),
                    "padding": _PADDING_OAEP if p.oaep else _PADDING_PKCS1,
                    "blob_length": len(p.blob),
                    "recipient_key_id": p.key_id,
                    "blob": p.blob,
                },
                rule="ENV-1",
            )
        )
    size = (signer.key_size + 7) // 8
    parts.append(
        _wire.encode(
            _wire.prefix_plan(TRAILER), {"signature_length": size}, rule="ENV-1"
        )
    )
    signed = b"".join(parts)
    # Suite 1 is CryptSignHash with CALG_SHA_256: little-endian (SPEC §16.3).
    return signed + sign_hash(signer, _tbs(signed, ctx), hash_alg=AlgId.CALG_SHA_256)


# -- Microsoft's procedure -------------------------------------------------------


def _check_lossless(session_key: SessionKey) -> None:
    """Refuse a key whose salt or effective length a SIMPLEBLOB would drop.

    Loading returns what ``CryptImportKey`` restores: the default salt and
    effective length. Anything else would come back as a different key.
    """
    salt = default_salt(session_key.alg_id, len(session_key.key))
    if session_key.salt != salt:
        raise InvalidParameterError(
            f"the key has {len(session_key.salt)} bytes of salt, but a SIMPLEBLOB carries "
            f"no salt and loading restores the default ({len(salt)} bytes): the stored "
            "key would come back different"
        )
    if session_key.effective_bits is not None:
        raise InvalidParameterError(
            "the key sets an RC2 effective key length, which a SIMPLEBLOB does not carry: "
            "the stored key would come back different"
        )


def store_session_key(
    session_key: SessionKey,
    owner: rsa.RSAPrivateKey,
    *,
    backup: Sequence[rsa.RSAPublicKey] = (),
    context: bytes = b"",
    label: str = "",
    generation: int = 0,
    oaep: bool = False,
) -> bytes:
    """Store a session key as Microsoft describes, as one signed envelope.

    The key is wrapped to the owner's own public key (the owner entry) and
    to each backup authority's public key, and the envelope is signed with
    the owner's private key (SPEC §16.8).

    :param session_key: the key to store.
    :param owner: the owner's RSA key-exchange key pair; it wraps and signs.
    :param backup: public keys of backup authorities (at most 15).
    :param context: application binding, required again to load.
    :param label: signed description, e.g. the key's description and serial
        number for the backup authority.
    :param generation: signed counter (see :func:`seal`).
    :param oaep: wrap with OAEP (``CRYPT_OAEP``) instead of PKCS#1 v1.5,
        the ``CryptExportKey`` default.
    :returns: the envelope bytes.
    :raises TypeError: for arguments of the wrong type.
    :raises WeakKeyError: if the owner's key is below policy.
    :raises InvalidParameterError: as :func:`seal`, or if the session key's
        salt or effective key length differs from the defaults a SIMPLEBLOB
        restores, or the key does not fit the padding.
    """
    if not isinstance(session_key, SessionKey):
        raise TypeError(
            f"session_key must be a SessionKey, not {type(session_key).__name__}"
        )
    if not isinstance(owner, rsa.RSAPrivateKey):
        raise TypeError(f"owner must be an RSA private key, not {type(owner).__name__}")
    if isinstance(backup, rsa.RSAPublicKey):
        raise TypeError(
            "backup must be a sequence of public keys; put a single key in a list"
        )
    backups = list(backup)
    for key in backups:
        if not isinstance(key, rsa.RSAPublicKey):
            raise TypeError(
                f"backup keys must be RSA public keys, not {type(key).__name__}"
            )
    # Check the policy before spending RSA operations on wrapping.
    owner_public = owner.public_key()
    _check_key_policy(owner_public, what="the owner's key", in_envelope=False)
    _check_lossless(session_key)
    recipients = [
        Recipient(
            wrap_session_key(session_key, owner_public, oaep=oaep),
            owner_public,
            role=Role.OWNER,
            oaep=oaep,
        )
    ]
    recipients.extend(
        Recipient(
            wrap_session_key(session_key, key, oaep=oaep),
            key,
            role=Role.BACKUP,
            oaep=oaep,
        )
        for key in backups
    )
    return seal(recipients, owner, context=context, label=label, generation=generation)


def load_session_key(
    data: bytes | bytearray | memoryview,
    private_key: rsa.RSAPrivateKey,
    *,
    trusted: rsa.RSAPublicKey | Sequence[rsa.RSAPublicKey] | None = None,
    context: bytes = b"",
    min_generation: int | None = None,
) -> SessionKey:
    """Verify an envelope, then unwrap the entry for ``private_key`` (SPEC §16.8).

    The owner calls it with its own key pair; a backup authority passes the
    owner's public key as ``trusted`` and its own private key.

    :param data: the envelope bytes.
    :param private_key: the recipient's RSA private key.
    :param trusted: the signer key(s) to accept; ``None`` means the public
        half of ``private_key`` (the owner reading its own envelope).
    :param context: the application binding used when storing.
    :param min_generation: as for :func:`open_sealed`.
    :returns: the session key.
    :raises ParseError: for a malformed envelope (as :func:`open_sealed`).
    :raises SignatureError: (a subclass) for any verification failure.
    :raises NoRecipientError: if no entry is wrapped to ``private_key``.
    :raises DecryptionError: if the entry does not decrypt (one fixed message).
    :raises TypeError: for arguments of the wrong type.
    """
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise TypeError(
            f"private_key must be an RSA private key, not {type(private_key).__name__}"
        )
    signers = private_key.public_key() if trusted is None else trusted
    envelope = open_sealed(
        data, signers, context=context, min_generation=min_generation
    )
    return envelope.unwrap(private_key)
