"""envelope_test.json: the signed envelope BFE v1 (SPEC §16).

Envelopes are assembled here field by field and signed with cryptography
(RSASSA-PKCS1-v1_5 with SHA-256 is deterministic), so the vectors fix every
byte. Valid cases carry the TBS bytes, their SHA-256 and the signature in
both byte orders as intermediates.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, replace
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from vectorgen.blobs import rsa_encrypt_le, rsa_public, simpleblob
from vectorgen.common import (
    ALG,
    Case,
    Group,
    Json,
    RsaNumbers,
    VectorFile,
    big,
    error,
    hx,
    invalid,
    le,
    pkcs8,
    random_bytes,
    require,
    rsa_key,
    spki,
    valid,
)
from vectorgen.session_files import Wrapped, session_json

MAGIC = b"\x8bBFE\r\n\x1a\n"
SIGNATURE_CONTEXT = b"blobformat/envelope/v1"
OWNER, BACKUP = 1, 2
PKCS1, OAEP = 1, 2


def key_id(key: rsa.RSAPublicKey | rsa.RSAPrivateKey) -> bytes:
    """SPEC §16.4: SHA-256 of the domain string, a zero byte and the RSA1 body."""
    pub = key.public_key() if isinstance(key, rsa.RSAPrivateKey) else key
    nums = pub.public_numbers()
    body = rsa_public(nums.n, nums.e).data[8:]
    return hashlib.sha256(b"blobformat/keyid/v1\x00" + body).digest()


def pae(*pieces: bytes) -> bytes:
    """PASETO's pre-authentication encoding (SPEC §16.5)."""
    out = le(len(pieces), 8)
    for piece in pieces:
        out += le(len(piece), 8) + piece
    return out


@dataclass(frozen=True)
class Entry:
    role: int
    padding: int
    recipient: bytes  # key id
    blob: bytes
    blob_length: int | None = None  # None: len(blob)

    def encode(self) -> bytes:
        length = len(self.blob) if self.blob_length is None else self.blob_length
        return (
            bytes([self.role, self.padding])
            + le(length, 2)
            + self.recipient
            + self.blob
        )


@dataclass(frozen=True)
class Envelope:
    """Every field of an envelope, and how to sign it; defaults are valid values."""

    signer: str
    entries: tuple[Entry, ...]
    label: bytes = b""
    generation: int = 0
    context: bytes = b""
    version: int = 1
    suite: int = 1
    signer_id: bytes | None = None  # None: the signer's key id
    count: int | None = None  # None: len(entries)
    signature_length: int | None = None  # None: the signer's k
    signature: bytes | None = None  # None: sign
    trailing: bytes = b""
    extra: dict[str, Any] = field(default_factory=dict)

    def signed(self) -> bytes:
        signer = rsa_key(self.signer)
        sid = key_id(signer) if self.signer_id is None else self.signer_id
        count = len(self.entries) if self.count is None else self.count
        header = (
            MAGIC
            + le(self.version, 2)
            + le(self.suite, 2)
            + le(self.generation, 8)
            + sid
            + bytes([len(self.label), count])
            + self.label
        )
        k = (signer.key_size + 7) // 8
        length = k if self.signature_length is None else self.signature_length
        return header + b"".join(e.encode() for e in self.entries) + le(length, 2)

    def tbs(self) -> bytes:
        return pae(SIGNATURE_CONTEXT, self.context, self.signed())

    def signature_be(self) -> bytes:
        return rsa_key(self.signer).sign(
            self.tbs(), padding.PKCS1v15(), hashes.SHA256()
        )

    def encode(self) -> bytes:
        sig = self.signature_be()[::-1] if self.signature is None else self.signature
        return self.signed() + sig + self.trailing

    def intermediates(self) -> Json:
        tbs = self.tbs()
        big_endian = self.signature_be()
        return {
            "tbs": hx(tbs),
            "tbsSha256": hashlib.sha256(tbs).hexdigest(),
            "signatureLittleEndian": hx(big_endian[::-1]),
            "signatureBigEndian": hx(big_endian),
        }


def public_der(name: str) -> str:
    return spki(rsa_key(name).public_key())


def wrapped(
    label: str, key_name: str, alg: str, key: bytes, *, oaep: bool = False
) -> Wrapped:
    return Wrapped(f"envelope/{label}", key_name, alg, key, oaep=oaep)


def entry(w: Wrapped, role: int) -> Entry:
    return Entry(
        role, OAEP if w.oaep else PKCS1, key_id(rsa_key(w.key_name)), w.blob.data
    )


def envelope_file() -> VectorFile:
    f = VectorFile(
        "envelope_test.json",
        "Signed envelope BFE v1",
        [
            "The signed envelope of SPEC §16: key ids, verification (structure, signer",
            "selection, key policy, signature, generation), opening (unwrapping the entry for",
            "a private key) and sealing. Suite 1: RSASSA-PKCS1-v1_5 with SHA-256, signature",
            "stored little-endian. Owner key: vectors/keys/rsa-2048.pem; backup authorities:",
            "rsa-2056.pem and rsa-2048-e3.pem.",
        ],
    )
    ids = f.group("EnvelopeKeyId", "Key ids (SPEC §16.4).", prefix="keyid")
    verify = f.group(
        "EnvelopeVerify",
        "Verification with the trusted keys and context: the contents, or the error.",
        prefix="verify",
    )
    opening = f.group(
        "EnvelopeOpen", "Verification then unwrapping for a private key.", prefix="open"
    )
    seal = f.group(
        "EnvelopeSeal", "Sealing: the envelope bytes, or the error.", prefix="seal"
    )

    for name in ("rsa-2048", "rsa-2056", "rsa-2048-e3", "rsa-1024-e3"):
        key = rsa_key(name).public_key()
        nums = key.public_numbers()
        ids.add(
            valid(
                name,
                f"the key id of {name}",
                [],
                publicKeyDer=spki(key),
                keyIdInput=hx(rsa_public(nums.n, nums.e).data[8:]),
                keyId=hx(key_id(key)),
            )
        )

    aes = random_bytes("envelope/session-key", 32)
    owner = wrapped("owner", "rsa-2048", "CALG_AES_256", aes)
    owner_oaep = wrapped("owner-oaep", "rsa-2048", "CALG_AES_256", aes, oaep=True)
    backup_a = wrapped("backup-2056", "rsa-2056", "CALG_AES_256", aes)
    backup_b = wrapped("backup-e3", "rsa-2048-e3", "CALG_AES_256", aes, oaep=True)
    backups = sorted(
        [entry(backup_a, BACKUP), entry(backup_b, BACKUP)], key=lambda e: e.recipient
    )

    example = Envelope(
        "rsa-2048",
        (entry(owner, OWNER),),
        label=b"slot 1",
        generation=3,
        context=b"ctx",
    )
    require(len(example.encode()) == 622, "SPEC §16.13 says 622 bytes")
    three = Envelope(
        "rsa-2048",
        (entry(owner, OWNER), *backups),
        label="Schlüssel #7 — backup".encode(),
        generation=(1 << 53) + 1,
        context=b"slot/42",
    )
    bare = Envelope("rsa-2048", (entry(owner_oaep, OWNER),))
    separate = Envelope(
        "rsa-2056",
        (entry(owner, OWNER),),
        label=b"signed with a separate key",
        generation=9,
        context=b"ctx",
    )

    def ok(
        name: str,
        comment: str,
        env: Envelope,
        *,
        trusted: list[str],
        min_generation: int | None = None,
        flags: list[str] | None = None,
    ) -> Case:
        entries = [
            {
                "role": "owner" if e.role == OWNER else "backup",
                "padding": "oaep" if e.padding == OAEP else "pkcs1",
                "recipientKeyId": hx(e.recipient),
                "blob": hx(e.blob),
            }
            for e in env.entries
        ]
        return valid(
            name,
            comment,
            flags or [],
            envelope=hx(env.encode()),
            trustedKeys=[public_der(t) for t in trusted],
            context=hx(env.context),
            minGeneration=None if min_generation is None else big(min_generation),
            opened={
                "suite": 1,
                "label": env.label.decode("utf-8"),
                "generation": big(env.generation),
                "signerKeyId": hx(key_id(rsa_key(env.signer))),
                "entries": entries,
            },
            intermediates=env.intermediates(),
        )

    # PEERS §4 item 26: a signature whose big-endian form starts with a zero byte is
    # still k bytes, so its little-endian form ends with that zero byte.
    generation = next(
        g
        for g in range(100, 10000)
        if replace(example, generation=g).signature_be()[0] == 0
    )
    leading_zero = replace(example, generation=generation)
    verify.add(
        ok(
            "worked-example",
            'SPEC §16.13: an AES-256 key for the owner, label "slot 1", generation 3, context "ctx" (622 bytes)',
            example,
            trusted=["rsa-2048"],
        ),
        ok(
            "owner-and-two-backups",
            "an owner entry and two backup authorities (2056-bit PKCS#1 v1.5, 2048-bit OAEP) in key-id order; a UTF-8 label; generation 2^53 + 1",
            three,
            trusted=["rsa-2048"],
            flags=["Oaep"],
        ),
        ok(
            "oaep-empty-label-and-context",
            "an OAEP owner entry, empty label, empty context, generation 0",
            bare,
            trusted=["rsa-2048"],
            flags=["Oaep"],
        ),
        ok(
            "min-generation-equal",
            "min_generation equal to the generation",
            example,
            trusted=["rsa-2048"],
            min_generation=3,
        ),
        ok(
            "several-trusted-keys",
            "the signer is selected among several trusted keys by key id",
            example,
            trusted=["rsa-2056", "rsa-2048-e3", "rsa-2048"],
        ),
        ok(
            "signature-leading-zero",
            f"generation {generation}: the signature's big-endian form starts with a zero byte, stored as the last byte (PEERS §4 item 26)",
            leading_zero,
            trusted=["rsa-2048"],
            flags=["SignatureLeadingZero"],
        ),
        ok(
            "separate-signature-key",
            "the owner signs with a separate key (rsa-2056), as an AT_SIGNATURE key; the owner entry is wrapped to rsa-2048",
            separate,
            trusted=["rsa-2056"],
        ),
    )
    _verify_failures(verify, example, three)
    _open_cases(opening, example, three, aes)
    _seal_cases(seal, example, three, owner, backup_a, backup_b, aes)
    # Appended last, so that the tcIds of the released cases do not move.
    _factorable_signers(
        f.group(
            "EnvelopeVerify",
            "Verification with a trusted key anyone can factor (KEY-12): refused by the key policy.",
            prefix="verify",
        ),
        example,
    )
    return f


# A 2048-bit prime (`openssl prime -generate -bits 2048 -hex`): as a modulus, anyone
# can compute d = e^-1 mod (n - 1) and sign.
PRIME_2048 = int(
    "DD944BCD0AFE78E8F54D5FEBD60A3A84942709B706A2BA0BD92A602E1D944D61D0F4B8D593336E70C10947D69B6BDADC"
    "D4D16BEAFD31DA71094F5E333A106A5E4E2E05F3315764FA89CC8764796F583F7258A7967E26379C71491A8C043EC268"
    "B653CC7E68D80C2FE44044A08BA6B289CC5D5387E9677944A5689D55727D9F0B557C86994C7270D99A799A7ADCAAC263"
    "6A8816A44ED5DABA7B9CE60BF39588F422C41F1F12E440B21950B4686280B13B959DC3B26E36ED22B4151B9861B436CA"
    "5DE333B3973E37C68E0FEA41F89C32158BCF04E668661B9E4E48FC1C377BD76B6CD67200417E9CE71A14A02E2A997917"
    "8BE8CBAA2B50621F6C456D44C3E5D7F7",
    16,
)


def _factorable_signers(verify: Group, example: Envelope) -> None:
    n = rsa_key("rsa-2048").public_key().public_numbers().n
    moduli = (
        ("prime-modulus", "a 2048-bit prime modulus", PRIME_2048),
        ("even-modulus", "the modulus of rsa-2048 plus one (even)", n + 1),
        ("small-factor", "3 times the modulus of rsa-2048 (2050 bits)", 3 * n),
    )
    for name, comment, modulus in moduli:
        key = rsa.RSAPublicNumbers(65537, modulus).public_key()
        k = (key.key_size + 7) // 8
        weak = replace(
            example, signer_id=key_id(key), signature_length=k, signature=bytes(k)
        )
        verify.add(
            invalid(
                f"factorable-signer-{name}",
                f"{comment}: passes the size and exponent policy, refused before the signature is checked",
                ["SignatureFailure", "FactorableKey"],
                error("WeakKeyError", "ENV-17", offset=20, field="signer_key_id"),
                envelope=hx(weak.encode()),
                trustedKeys=[spki(key)],
                context=hx(example.context),
                minGeneration=None,
            )
        )


def _verify_case(
    name: str,
    comment: str,
    flags: list[str],
    data: bytes,
    cls: str,
    rule: str,
    offset: int | None,
    field_path: str | None,
    *,
    trusted: tuple[str, ...] = ("rsa-2048",),
    context: bytes = b"ctx",
    min_generation: int | None = None,
    hint: str | None = None,
) -> Case:
    extra: Json = {"hint": hint} if hint else {}
    return invalid(
        name,
        comment,
        flags,
        error(cls, rule, offset=offset, field=field_path, **extra),
        envelope=hx(data),
        trustedKeys=[public_der(t) for t in trusted],
        context=hx(context),
        minGeneration=None if min_generation is None else big(min_generation),
    )


def _verify_failures(verify: Group, example: Envelope, three: Envelope) -> None:
    add = verify.add
    data = example.encode()
    m = "EnvelopeMalformed"
    cuts = [
        (0, 0, "magic"),
        (7, 0, "magic"),
        (53, 53, "recipient_count"),
        (58, 54, "label"),
        (90, 64, "entries[0].recipient_key_id"),
        (200, 96, "entries[0].blob"),
        (365, 364, "signature_length"),
        (621, 366, "signature"),
    ]
    for size, offset, field_path in cuts:
        add(
            _verify_case(
                f"truncated-{size}",
                f"{size} of 622 bytes",
                [m, "Truncated"],
                data[:size],
                "TruncatedError",
                "ENV-1",
                offset,
                field_path,
            )
        )
    add(
        _verify_case(
            "trailing-byte",
            "one byte after the signature",
            [m, "TrailingData"],
            data + b"\x00",
            "TrailingDataError",
            "ENV-1",
            622,
            None,
        ),
        _verify_case(
            "longer-than-65536",
            "65537 bytes: longer than any envelope, rejected before any field is read",
            [m, "TrailingData"],
            data + bytes(65537 - len(data)),
            "TrailingDataError",
            "ENV-1",
            65536,
            None,
        ),
        _verify_case(
            "bad-magic",
            "the first byte of the magic changed",
            [m],
            b"\x8a" + data[1:],
            "UnsupportedBlobError",
            "ENV-2",
            0,
            "magic",
        ),
        _verify_case(
            "bare-simpleblob",
            "a bare SIMPLEBLOB, which is not signed",
            [m, "NotABlob"],
            example.entries[0].blob,
            "UnsupportedBlobError",
            "ENV-2",
            0,
            "magic",
            hint="SIMPLEBLOB",
        ),
        _verify_case(
            "pem",
            "PEM text",
            [m, "NotABlob"],
            b"-----BEGIN PUBLIC KEY-----\nMIIB\n",
            "UnsupportedBlobError",
            "ENV-2",
            0,
            "magic",
            hint="PEM",
        ),
    )
    for version in (0, 2):
        add(
            _verify_case(
                f"version-{version}",
                f"version {version}",
                [m],
                replace(example, version=version).encode(),
                "UnsupportedBlobError",
                "ENV-3",
                8,
                "version",
            )
        )
    add(
        _verify_case(
            "suite-0",
            "suite 0 is reserved as invalid: there is no unsigned envelope",
            [m],
            replace(example, suite=0).encode(),
            "InvalidFieldError",
            "ENV-4",
            10,
            "suite",
        )
    )
    for suite in (2, 0xF0, 0x1234):
        add(
            _verify_case(
                f"suite-{suite:#06x}",
                f"suite {suite:#06x}: reserved or unassigned, not implemented",
                [m],
                replace(example, suite=suite).encode(),
                "UnsupportedBlobError",
                "ENV-5",
                10,
                "suite",
            )
        )
    labels = [
        ("overlong", b"\xc0\x80", 54, "an overlong encoding of U+0000"),
        ("surrogate", b"\xed\xa0\x80", 54, "an encoded surrogate"),
        ("above-10ffff", b"\xf4\x90\x80\x80", 54, "a code point above U+10FFFF"),
        ("invalid-byte", b"ab\xff", 56, "the byte 0xFF"),
        ("truncated-sequence", b"x\xe2\x82", 55, "a truncated multi-byte sequence"),
        ("newline", b"a\nb", 55, "a line feed (category Cc)"),
        ("delete", b"\x7f", 54, "DEL"),
        (
            "c1-csi",
            "x\u009b[2J".encode(),
            55,
            "U+009B, a one-character terminal escape introducer (C1)",
        ),
    ]
    for name, label, offset, comment in labels:
        add(
            _verify_case(
                f"label-{name}",
                f"the label holds {comment}",
                [m, "BadLabel"],
                replace(example, label=label).encode(),
                "InvalidFieldError",
                "ENV-6",
                offset,
                "label",
            )
        )
    for count in (0, 17):
        add(
            _verify_case(
                f"recipient-count-{count}",
                f"recipient_count {count}",
                [m, "BadLength"],
                replace(example, count=count).encode(),
                "InvalidFieldError",
                "ENV-7",
                53,
                "recipient_count",
            )
        )
    owner = example.entries[0]
    for role in (0, 3):
        add(
            _verify_case(
                f"role-{role}",
                f"role {role}",
                [m],
                replace(example, entries=(replace(owner, role=role),)).encode(),
                "InvalidFieldError",
                "ENV-8",
                60,
                "entries[0].role",
            )
        )
    add(
        _verify_case(
            "first-entry-backup",
            "entry 0 is a backup authority's: no owner first",
            [m, "RecipientPolicy"],
            replace(example, entries=(replace(owner, role=BACKUP),)).encode(),
            "InvalidFieldError",
            "ENV-12",
            60,
            "entries[0].role",
        )
    )
    for value in (0, 3):
        add(
            _verify_case(
                f"padding-{value}",
                f"padding {value}",
                [m],
                replace(example, entries=(replace(owner, padding=value),)).encode(),
                "InvalidFieldError",
                "ENV-9",
                61,
                "entries[0].padding",
            )
        )
    for length in (267, 2061):
        add(
            _verify_case(
                f"blob-length-{length}",
                f"blob_length {length}: outside 268..2060",
                [m, "BadLength"],
                replace(
                    example, entries=(replace(owner, blob_length=length),)
                ).encode(),
                "InvalidFieldError",
                "ENV-10",
                62,
                "entries[0].blob_length",
            )
        )
    small = Wrapped("envelope/recipient-1024", "rsa-1024-e3", "CALG_AES_256", bytes(32))
    add(
        _verify_case(
            "recipient-1024-bits",
            "a 140-byte SIMPLEBLOB for a 1024-bit recipient: below the 2048-bit floor",
            [m, "BadLength", "WeakKey"],
            replace(example, entries=(replace(owner, blob=small.blob.data),)).encode(),
            "InvalidFieldError",
            "ENV-10",
            62,
            "entries[0].blob_length",
        )
    )
    blob = owner.blob
    for value, name, comment in (
        (0x08, "plaintextkeyblob", "a PLAINTEXTKEYBLOB would put the key in clear"),
        (0x07, "privatekeyblob", "a PRIVATEKEYBLOB"),
    ):
        add(
            _verify_case(
                f"blob-{name}",
                f"the entry holds bType {value:#04x}: {comment}",
                [m, "TypeConfusion"],
                replace(
                    example, entries=(replace(owner, blob=bytes([value]) + blob[1:]),)
                ).encode(),
                "InvalidFieldError",
                "ENV-11",
                96,
                "entries[0].blob.header.blob_type",
            )
        )
    add(
        _verify_case(
            "blob-wrap-alg",
            "the SIMPLEBLOB's algid is CALG_RSA_SIGN: its own rule, located in the envelope",
            [m, "WrongAlgorithm"],
            replace(
                example,
                entries=(
                    replace(
                        owner, blob=blob[:8] + le(ALG["CALG_RSA_SIGN"], 4) + blob[12:]
                    ),
                ),
            ).encode(),
            "InvalidFieldError",
            "SMP-1",
            104,
            "entries[0].blob.wrap_alg",
        ),
        _verify_case(
            "blob-version",
            "the SIMPLEBLOB's bVersion is 3",
            [m, "WrongVersion"],
            replace(
                example, entries=(replace(owner, blob=blob[:1] + b"\x03" + blob[2:]),)
            ).encode(),
            "InvalidFieldError",
            "HDR-2",
            97,
            "entries[0].blob.header.version",
        ),
    )
    first, second, third = three.entries
    header = 54 + len(three.label)
    at1 = header + 36 + len(first.blob)
    add(
        _verify_case(
            "two-owners",
            "entry 1 claims to be an owner too",
            [m, "RecipientPolicy"],
            replace(
                three, entries=(first, replace(second, role=OWNER), third)
            ).encode(),
            "InvalidFieldError",
            "ENV-12",
            at1,
            "entries[1].role",
            context=b"slot/42",
        ),
        _verify_case(
            "duplicate-recipient",
            "entry 1 is wrapped to the owner's key id",
            [m, "RecipientPolicy"],
            replace(
                three,
                entries=(first, replace(second, recipient=first.recipient), third),
            ).encode(),
            "InvalidFieldError",
            "ENV-13",
            at1 + 4,
            "entries[1].recipient_key_id",
            context=b"slot/42",
        ),
        _verify_case(
            "backups-unsorted",
            "the backup entries in descending key-id order",
            [m, "RecipientPolicy"],
            replace(three, entries=(first, third, second)).encode(),
            "InvalidFieldError",
            "ENV-13",
            header + 36 + len(first.blob) + 36 + len(third.blob) + 4,
            "entries[2].recipient_key_id",
            context=b"slot/42",
        ),
        _verify_case(
            "mixed-algorithms",
            "entry 1 wraps a key of another algorithm (CALG_AES_128)",
            [m, "RecipientPolicy"],
            replace(
                three,
                entries=(
                    first,
                    replace(
                        second,
                        blob=second.blob[:4]
                        + le(ALG["CALG_AES_128"], 4)
                        + second.blob[8:],
                    ),
                    third,
                ),
            ).encode(),
            "InvalidFieldError",
            "ENV-14",
            at1 + 36 + 4,
            "entries[1].blob.header.key_alg",
            context=b"slot/42",
        ),
    )
    for length in (255, 2049):
        env = replace(example, signature_length=length, signature=bytes(length))
        add(
            _verify_case(
                f"signature-length-{length}",
                f"signature_length {length}: outside 256..2048",
                [m, "BadLength"],
                env.encode(),
                "InvalidFieldError",
                "ENV-15",
                364,
                "signature_length",
            )
        )
    _signature_failures(add, example)


def _signature_failures(add: Any, example: Envelope) -> None:
    data = example.encode()
    s = "SignatureFailure"
    # The substitution attack of SPEC §16.11: an attacker wraps its own session key to
    # the owner's public key and signs with its own key.
    attacker = Envelope(
        "rsa-2056",
        (
            entry(
                Wrapped("envelope/attacker", "rsa-2048", "CALG_AES_256", bytes(32)),
                OWNER,
            ),
        ),
        label=b"slot 1",
        generation=3,
        context=b"ctx",
    )
    add(
        _verify_case(
            "unknown-signer",
            "the signer (rsa-2048) is not among the trusted keys",
            [s],
            data,
            "UnknownSignerError",
            "ENV-16",
            20,
            "signer_key_id",
            trusted=("rsa-2056",),
        ),
        _verify_case(
            "substitution",
            "an attacker's SIMPLEBLOB for the owner, signed by the attacker's key: no trusted key has its id",
            [s, "Substitution"],
            attacker.encode(),
            "UnknownSignerError",
            "ENV-16",
            20,
            "signer_key_id",
        ),
    )
    for name, signer, comment in (
        ("rsa-1024-e3", "rsa-1024-e3", "a 1024-bit signer key"),
        ("rsa-2048-e3", "rsa-2048-e3", "a signer key with exponent 3"),
    ):
        weak = replace(
            example,
            signer_id=key_id(rsa_key(signer)),
            signature_length=256,
            signature=bytes(256),
        )
        add(
            _verify_case(
                f"weak-signer-{name}",
                f"{comment}: refused before the signature is checked",
                [s, "WeakKey"],
                weak.encode(),
                "WeakKeyError",
                "ENV-17",
                20,
                "signer_key_id",
                trusted=(signer,),
            )
        )
    n = rsa_key("rsa-2048").public_key().public_numbers().n
    long_sig = replace(example, signature_length=257, signature=bytes(257))
    above = replace(example, signature=(n + 1).to_bytes(256, "little"))
    add(
        _verify_case(
            "signature-length-257",
            "signature_length 257 for a 256-byte signer modulus",
            [s],
            long_sig.encode(),
            "BadSignatureError",
            "ENV-18",
            364,
            "signature_length",
        ),
        _verify_case(
            "signature-above-modulus",
            "the signature value n + 1",
            [s],
            above.encode(),
            "BadSignatureError",
            "ENV-18",
            366,
            "signature",
        ),
    )
    flipped = data[:-1] + bytes([data[-1] ^ 1])
    relabelled = replace(
        example, label=b"slot 2", signature=example.signature_be()[::-1]
    )
    stale_and_bad = flipped
    big_endian = example.signed() + example.signature_be()
    be_value = int.from_bytes(example.signature_be(), "little")
    be_rule, be_field = (
        ("ENV-18", "signature") if be_value >= n else ("ENV-19", "signature")
    )
    add(
        _verify_case(
            "signature-bit-flipped",
            "the last signature byte changed",
            [s],
            flipped,
            "BadSignatureError",
            "ENV-19",
            366,
            "signature",
        ),
        _verify_case(
            "wrong-context",
            'verified with context "other" instead of "ctx": the envelope was moved to another slot',
            [s],
            data,
            "BadSignatureError",
            "ENV-19",
            366,
            "signature",
            context=b"other",
        ),
        _verify_case(
            "label-changed",
            "the label changed after signing",
            [s],
            relabelled.encode(),
            "BadSignatureError",
            "ENV-19",
            366,
            "signature",
        ),
        _verify_case(
            "signature-big-endian",
            "the signature stored big-endian (not reversed as CryptSignHash writes it)",
            [s],
            big_endian,
            "BadSignatureError",
            be_rule,
            366,
            be_field,
        ),
        _verify_case(
            "stale-and-bad-signature",
            "below min_generation and a bad signature: the signature is checked first",
            [s],
            stale_and_bad,
            "BadSignatureError",
            "ENV-19",
            366,
            "signature",
            min_generation=4,
        ),
    )
    # CRYPT_NOHASHOID: PKCS#1 v1.5 over the bare SHA-256 value, without DigestInfo.
    key = rsa_key("rsa-2048")
    nums = RsaNumbers.of(key)
    digest = hashlib.sha256(example.tbs()).digest()
    em = b"\x00\x01" + b"\xff" * (256 - 3 - len(digest)) + b"\x00" + digest
    no_oid = pow(int.from_bytes(em, "big"), nums.d, nums.n).to_bytes(256, "big")
    add(
        _verify_case(
            "signature-without-digestinfo",
            "a signature without the DigestInfo (as CRYPT_NOHASHOID makes): SPEC requires the full encoded message; "
            "CryptVerifySignature with flags 0 accepts it (SPEC §16.10)",
            [s, "WindowsAccepts"],
            example.signed() + no_oid[::-1],
            "BadSignatureError",
            "ENV-19",
            366,
            "signature",
        ),
        _verify_case(
            "stale-generation",
            "generation 3 below min_generation 4",
            ["StaleGeneration"],
            data,
            "StaleGenerationError",
            "ENV-20",
            12,
            "generation",
            min_generation=4,
        ),
    )


def _open_cases(opening: Group, example: Envelope, three: Envelope, aes: bytes) -> None:
    def open_case(
        env_bytes: bytes, private: str, trusted: list[str], context: bytes, **extra: Any
    ) -> Json:
        return {
            "envelope": hx(env_bytes),
            "trustedKeys": [public_der(t) for t in trusted],
            "context": hx(context),
            "minGeneration": None,
            "privateKeyDer": pkcs8(rsa_key(private)),
            **extra,
        }

    session = session_json("CALG_AES_256", aes)
    opening.add(
        valid(
            "owner",
            "the owner opens its own envelope",
            [],
            **open_case(example.encode(), "rsa-2048", ["rsa-2048"], b"ctx"),
            sessionKey=session,
        ),
        valid(
            "backup-pkcs1",
            "a backup authority (2056 bits) trusts the owner's key and unwraps its own entry",
            [],
            **open_case(three.encode(), "rsa-2056", ["rsa-2048"], b"slot/42"),
            sessionKey=session,
        ),
        valid(
            "backup-oaep",
            "the OAEP backup entry",
            ["Oaep"],
            **open_case(three.encode(), "rsa-2048-e3", ["rsa-2048"], b"slot/42"),
            sessionKey=session,
        ),
        invalid(
            "no-entry",
            "the 2056-bit key has no entry in the owner-only envelope",
            ["RecipientPolicy"],
            error("NoRecipientError", "ENV-21"),
            **open_case(example.encode(), "rsa-2056", ["rsa-2048"], b"ctx"),
        ),
    )
    flipped = example.encode()
    flipped = flipped[:-1] + bytes([flipped[-1] ^ 1])
    opening.add(
        invalid(
            "bad-signature",
            "an entry is never unwrapped before the signature verifies (ENV-22)",
            ["UnwrapBeforeVerify"],
            error("BadSignatureError", "ENV-19"),
            **open_case(flipped, "rsa-2048", ["rsa-2048"], b"ctx"),
        ),
        invalid(
            "backup-trusts-itself",
            "a backup authority that trusts only its own key: it did not sign, so the signer is unknown",
            ["UnwrapBeforeVerify"],
            error("UnknownSignerError", "ENV-16"),
            **open_case(three.encode(), "rsa-2056", ["rsa-2056"], b"slot/42"),
        ),
    )
    # A correctly signed envelope whose owner entry does not decrypt.
    nums = RsaNumbers.of(rsa_key("rsa-2048"))
    garbage = simpleblob(
        "CALG_AES_256",
        rsa_encrypt_le(
            nums.n,
            nums.e,
            random_bytes("envelope/garbage-em", 256)[1:].rjust(256, b"\x00"),
        ),
    )
    corrupt = replace(
        example, entries=(replace(example.entries[0], blob=garbage.data),)
    )
    opening.add(
        invalid(
            "entry-does-not-decrypt",
            "signed, but the owner's SIMPLEBLOB holds no valid padding: the one DecryptionError of §15.2",
            ["UnwrapFailure"],
            error("DecryptionError", "SES-2"),
            **open_case(corrupt.encode(), "rsa-2048", ["rsa-2048"], b"ctx"),
        )
    )


def _seal_cases(
    seal: Group,
    example: Envelope,
    three: Envelope,
    owner: Wrapped,
    backup_a: Wrapped,
    backup_b: Wrapped,
    aes: bytes,
) -> None:
    def recipient(
        w: Wrapped, *, key: str | None = None, role: str | None = None
    ) -> Json:
        return {
            "blob": hx(w.blob.data),
            "publicKeyDer": None if key is None else public_der(key),
            "role": role,
            "oaep": w.oaep,
        }

    def case(
        recipients: list[Json],
        env: Envelope,
        label: str | None = None,
        generation: int | None = None,
    ) -> Json:
        return {
            "recipients": recipients,
            "signerKeyDer": pkcs8(rsa_key(env.signer)),
            "context": hx(env.context),
            "label": env.label.decode("utf-8") if label is None else label,
            "generation": big(env.generation if generation is None else generation),
        }

    owner_r = recipient(owner)
    a = recipient(backup_a, key="rsa-2056")
    b = recipient(backup_b, key="rsa-2048-e3")
    seal.add(
        valid(
            "worked-example",
            "SIMPLEBLOB bytes wrapped to the signer's own key (Microsoft's procedure)",
            [],
            **case([owner_r], example),
            envelope=hx(example.encode()),
        ),
        valid(
            "owner-and-two-backups",
            "recipients given out of order are written owner first, then by key id",
            ["Oaep"],
            **case([b, owner_r, a], three),
            envelope=hx(three.encode()),
        ),
    )

    def fail(
        name: str,
        comment: str,
        rule: str,
        recipients: list[Json],
        *,
        cls: str = "InvalidParameterError",
        env: Envelope = example,
        label: str | None = None,
        flag: str = "RecipientPolicy",
    ) -> Case:
        return invalid(
            name,
            comment,
            [flag],
            error(cls, rule),
            **case(recipients, env, label=label),
        )

    other_alg = Wrapped("envelope/backup-aes128", "rsa-2056", "CALG_AES_128", aes[:16])
    small = Wrapped("envelope/recipient-1024", "rsa-1024-e3", "CALG_AES_256", bytes(32))
    plaintext = "08020000" + "10660000" + "20000000" + hx(aes)
    seal.add(
        fail("no-recipients", "no blobs", "ENV-7", [], flag="BadLength"),
        fail(
            "seventeen-recipients",
            "17 blobs",
            "ENV-7",
            [owner_r] * 17,
            flag="BadLength",
        ),
        fail(
            "no-owner",
            "every blob is for a backup authority",
            "ENV-12",
            [{**a, "role": "backup"}, {**b, "role": "backup"}],
        ),
        fail(
            "two-owners",
            "two blobs claim the owner role",
            "ENV-12",
            [owner_r, {**a, "role": "owner"}],
        ),
        fail(
            "same-key-twice",
            "two blobs wrapped to the same key",
            "ENV-13",
            [
                owner_r,
                recipient(
                    Wrapped("envelope/owner-again", "rsa-2048", "CALG_AES_256", aes),
                    key="rsa-2048",
                    role="backup",
                ),
            ],
        ),
        fail(
            "mixed-algorithms",
            "blobs of different session-key algorithms",
            "ENV-14",
            [owner_r, recipient(other_alg, key="rsa-2056")],
        ),
        fail(
            "plaintextkeyblob",
            "a PLAINTEXTKEYBLOB instead of a SIMPLEBLOB",
            "ENV-11",
            [{"blob": plaintext, "publicKeyDer": None, "role": None, "oaep": False}],
            flag="TypeConfusion",
        ),
        fail(
            "label-256-bytes",
            "a label of 256 bytes of UTF-8",
            "ENV-6",
            [owner_r],
            label="x" * 256,
            flag="BadLabel",
        ),
        fail(
            "label-control",
            "a label with a tab",
            "ENV-6",
            [owner_r],
            label="a\tb",
            flag="BadLabel",
        ),
        fail(
            "weak-signer",
            "a signer key with exponent 3",
            "ENV-17",
            [recipient(backup_b, key="rsa-2048-e3")],
            cls="WeakKeyError",
            env=replace(three, signer="rsa-2048-e3"),
            flag="WeakKey",
        ),
        fail(
            "recipient-1024-bits",
            "a recipient key of 1024 bits",
            "ENV-23",
            [owner_r, recipient(small, key="rsa-1024-e3")],
            flag="WeakKey",
        ),
        fail(
            "blob-not-for-key",
            "the blob is wrapped to rsa-2056 but named as wrapped to rsa-2048-e3 (257 bytes for a 256-byte modulus)",
            "ENV-23",
            [owner_r, {**a, "publicKeyDer": public_der("rsa-2048-e3")}],
        ),
    )
