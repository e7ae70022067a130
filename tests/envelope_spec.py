"""Test keys and an independent reading of SPEC §16's envelope format (tests only).

Written from the SPEC tables, not from blobformat.envelope, so the envelope tests
(test_envelope, test_envelope_cli, test_rsacheck) can build and take apart
envelopes without trusting the code under test.
"""

from __future__ import annotations

import functools
import hashlib
import struct
from dataclasses import dataclass

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import blobformat
from blobformat.constants import AlgId

# -- keys, made once per session --------------------------------------------------------


@functools.cache
def key(name: str) -> rsa.RSAPrivateKey:
    """Distinct 2048-bit keys by name; 'weak1024' and 'e3' break the key policy."""
    if name == "weak1024":
        return rsa.generate_private_key(public_exponent=65537, key_size=1024)
    if name == "e3":
        return rsa.generate_private_key(public_exponent=3, key_size=2048)
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pub(name: str) -> rsa.RSAPublicKey:
    return key(name).public_key()


SESSION = bytes(range(1, 33))
AES = AlgId.CALG_AES_256
CONTEXT = b"storage slot A"

# -- an independent reading of SPEC §16 ------------------------------------------------

MAGIC = b"\x8bBFE\r\n\x1a\n"
SIG_CONTEXT = b"blobformat/envelope/v1"
DIGEST_INFO_SHA256 = bytes.fromhex("3031300d060960864801650304020105000420")


def spec_key_id(
    public_key: rsa.RSAPublicKey, alg_id: AlgId = AlgId.CALG_RSA_KEYX
) -> bytes:
    body = blobformat.dump_public_key(public_key, alg_id=alg_id)[8:]
    return hashlib.sha256(b"blobformat/keyid/v1" + b"\x00" + body).digest()


def le64(n: int) -> bytes:
    return n.to_bytes(8, "little")


def spec_tbs(signed: bytes, context: bytes) -> bytes:
    pieces = [SIG_CONTEXT, context, signed]
    return le64(len(pieces)) + b"".join(le64(len(p)) + p for p in pieces)


def simple_blob(
    public_key: rsa.RSAPublicKey,
    session: bytes = SESSION,
    alg: AlgId = AES,
    *,
    oaep: bool = False,
) -> bytes:
    """A SIMPLEBLOB made with cryptography alone (ciphertext reversed)."""
    scheme: padding.AsymmetricPadding = (
        # CRYPT_OAEP: SHA-1 and MGF1-SHA-1 (SPEC §15.2), not a choice of ours.
        padding.OAEP(
            mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None
        )
        if oaep
        else padding.PKCS1v15()
    )
    ciphertext = public_key.encrypt(session, scheme)
    return (
        bytes([1, 2, 0, 0])
        + struct.pack("<I", alg)
        + struct.pack("<I", AlgId.CALG_RSA_KEYX)
        + ciphertext[::-1]
    )


def enc_header(
    *,
    signer_id: bytes,
    count: int,
    label: bytes = b"",
    generation: int = 0,
    version: int = 1,
    suite: int = 1,
    label_length: int | None = None,
) -> bytes:
    return (
        MAGIC
        + struct.pack("<HHQ", version, suite, generation)
        + signer_id
        + struct.pack(
            "<BB", len(label) if label_length is None else label_length, count
        )
        + label
    )


def enc_entry(
    role: int, pad: int, key_id: bytes, blob: bytes, blob_length: int | None = None
) -> bytes:
    length = len(blob) if blob_length is None else blob_length
    return struct.pack("<BBH", role, pad, length) + key_id + blob


def sign_body(
    body: bytes,
    signer: rsa.RSAPrivateKey,
    context: bytes = CONTEXT,
    *,
    signature_length: int | None = None,
) -> bytes:
    """Append signature_length and the suite-1 signature, as SPEC §16.5 says."""
    k = (signer.key_size + 7) // 8
    signed = body + struct.pack(
        "<H", k if signature_length is None else signature_length
    )
    signature = signer.sign(
        spec_tbs(signed, context), padding.PKCS1v15(), hashes.SHA256()
    )
    return signed + signature[::-1]


@dataclass
class Entry:
    offset: int
    role: int
    pad: int
    blob_length: int
    key_id: bytes
    blob_offset: int


@dataclass
class Walk:
    label_length: int
    count: int
    entries: list[Entry]
    sig_len_offset: int
    sig_offset: int


def walk(env: bytes) -> Walk:
    """Field offsets of a well-formed envelope, from the SPEC tables."""
    label_length, count = env[52], env[53]
    pos = 54 + label_length
    entries = []
    for _ in range(count):
        role, pad, length = struct.unpack_from("<BBH", env, pos)
        entries.append(Entry(pos, role, pad, length, env[pos + 4 : pos + 36], pos + 36))
        pos += 36 + length
    return Walk(label_length, count, entries, pos, pos + 2)


def body_of(env: bytes) -> bytes:
    return env[: walk(env).sig_len_offset]


def resign(env: bytes, signer: str = "owner", context: bytes = CONTEXT) -> bytes:
    """Give a (mutated) envelope a valid signature by ``signer`` over its new bytes."""
    return sign_body(body_of(env), key(signer), context)


def patch(env: bytes, offset: int, new: bytes) -> bytes:
    return env[:offset] + new + env[offset + len(new) :]


def raw_sign(signer: rsa.RSAPrivateKey, em: bytes) -> bytes:
    """RSA private operation on a chosen encoded message; returns little-endian."""
    n = signer.public_key().public_numbers().n
    k = (signer.key_size + 7) // 8
    s = pow(int.from_bytes(em, "big"), signer.private_numbers().d, n)
    return s.to_bytes(k, "big")[::-1]


def with_signature(env: bytes, signature: bytes) -> bytes:
    w = walk(env)
    return env[: w.sig_len_offset] + struct.pack("<H", len(signature)) + signature
