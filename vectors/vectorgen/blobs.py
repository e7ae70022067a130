"""An independent encoder for every layout of SPEC §5-§12, and the RSA paddings.

Each function returns a :class:`~vectorgen.common.Blob`: the bytes and the
field list a decoder must report. Nothing here calls blobformat.
"""

from __future__ import annotations

import hashlib

from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
from cryptography.hazmat.primitives.ciphers import Cipher

from vectorgen.common import (
    ALG,
    KEYSTATEBLOB,
    OPAQUEKEYBLOB,
    PLAINTEXTKEYBLOB,
    PRIVATEKEYBLOB,
    PUBLICKEYBLOB,
    PUBLICKEYBLOBEX,
    SIMPLEBLOB,
    SYMMETRICWRAPKEYBLOB,
    Blob,
    Field,
    RsaNumbers,
    build,
    header_fields,
    nbytes,
)

NO_SEED = (0xFFFFFFFF, b"\xff" * 20)
PVK_MAGIC = bytes.fromhex("1ef1b5b0")

OPAQUE_LAYOUTS = {
    OPAQUEKEYBLOB: "OPAQUEKEYBLOB",
    PUBLICKEYBLOBEX: "PUBLICKEYBLOBEX",
    KEYSTATEBLOB: "KEYSTATEBLOB",
}


# -- RSA (SPEC §5) ---------------------------------------------------------------------


def rsa_public(
    n: int, e: int, *, bits: int | None = None, alg: str = "CALG_RSA_KEYX"
) -> Blob:
    bits = n.bit_length() if bits is None else bits
    return build(
        "RSA1",
        [
            *header_fields(PUBLICKEYBLOB, 2, ALG[alg]),
            Field("magic", 4, b"RSA1"),
            Field("bit_length", 4, bits),
            Field("public_exponent", 4, e),
            Field("modulus", nbytes(bits), n),
        ],
    )


def rsa_private(
    key: RsaNumbers, *, bits: int | None = None, alg: str = "CALG_RSA_KEYX"
) -> Blob:
    bits = key.n.bit_length() if bits is None else bits
    k, h = nbytes(bits), (bits + 15) // 16
    return build(
        "RSA2",
        [
            *header_fields(PRIVATEKEYBLOB, 2, ALG[alg]),
            Field("magic", 4, b"RSA2"),
            Field("bit_length", 4, bits),
            Field("public_exponent", 4, key.e),
            Field("modulus", k, key.n),
            Field("prime1", h, key.p),
            Field("prime2", h, key.q),
            Field("exponent1", h, key.dp),
            Field("exponent2", h, key.dq),
            Field("coefficient", h, key.qinv),
            Field("private_exponent", k, key.d),
        ],
    )


# -- DSS (SPEC §6) ---------------------------------------------------------------------


def _seed(seed: tuple[int, bytes]) -> list[Field]:
    return [Field("seed.counter", 4, seed[0]), Field("seed.seed", 20, seed[1])]


def dss_v2(
    p: int,
    q: int,
    g: int,
    *,
    y: int | None = None,
    x: int | None = None,
    seed: tuple[int, bytes] = NO_SEED,
    bits: int | None = None,
) -> Blob:
    """DSS1 when ``y`` is given, DSS2 when ``x`` is given."""
    bits = p.bit_length() if bits is None else bits
    n = bits // 8
    public = x is None
    last = Field("y", n, y) if public else Field("x", 20, x)
    return build(
        "DSS1" if public else "DSS2",
        [
            *header_fields(
                PUBLICKEYBLOB if public else PRIVATEKEYBLOB, 2, ALG["CALG_DSS_SIGN"]
            ),
            Field("magic", 4, b"DSS1" if public else b"DSS2"),
            Field("bit_length", 4, bits),
            Field("p", n, p),
            Field("q", 20, q),
            Field("g", n, g),
            last,
            *_seed(seed),
        ],
    )


def _v3(
    layout: str,
    blob_type: int,
    alg: int,
    magic: bytes,
    p: int,
    q: int | None,
    g: int,
    j: int | None,
    y: int,
    x: int | None,
    *,
    bits_p: int,
    bits_q: int,
    bits_j: int,
    bits_x: int | None,
    seed: tuple[int, bytes],
) -> Blob:
    fields = [
        *header_fields(blob_type, 3, alg),
        Field("magic", 4, magic),
        Field("bit_length_p", 4, bits_p),
        Field("bit_length_q", 4, bits_q),
        Field("bit_length_j", 4, bits_j),
    ]
    if x is not None:
        fields.append(Field("bit_length_x", 4, bits_x))
    fields += _seed(seed)
    size_p = nbytes(bits_p)
    fields += [
        Field("p", size_p, p),
        Field("q", nbytes(bits_q), q),
        Field("g", size_p, g),
        Field("j", nbytes(bits_j), j),
        Field("y", size_p, y),
    ]
    if x is not None and bits_x is not None:
        fields.append(Field("x", nbytes(bits_x), x))
    return build(layout, fields)


def dss_v3(
    p: int,
    q: int,
    g: int,
    y: int,
    *,
    x: int | None = None,
    j: int | None = None,
    with_j: bool = True,
    seed: tuple[int, bytes] = NO_SEED,
    bits_x: int | None = None,
) -> Blob:
    """DSS3 (no ``x``) or DSS4; ``j`` defaults to (p-1)/q unless ``with_j`` is false."""
    if with_j and j is None:
        j = (p - 1) // q
    if not with_j:
        j = None
    bits_j = 0 if j is None else j.bit_length()
    public = x is None
    return _v3(
        "DSS3" if public else "DSS4",
        PUBLICKEYBLOB if public else PRIVATEKEYBLOB,
        ALG["CALG_DSS_SIGN"],
        b"DSS3" if public else b"DSS4",
        p,
        q,
        g,
        j,
        y,
        x,
        bits_p=p.bit_length(),
        bits_q=q.bit_length(),
        bits_j=bits_j,
        bits_x=None if public else (q.bit_length() if bits_x is None else bits_x),
        seed=seed,
    )


# -- Diffie-Hellman (SPEC §7) ----------------------------------------------------------


def dh_v2_public(y: int, *, bits: int, alg: str = "CALG_DH_SF") -> Blob:
    return build(
        "DH1",
        [
            *header_fields(PUBLICKEYBLOB, 2, ALG[alg]),
            Field("magic", 4, b"\x00DH1"),
            Field("bit_length", 4, bits),
            Field("y", bits // 8, y),
        ],
    )


def dh_v2_private(
    p: int, g: int, x: int, *, bits: int | None = None, alg: str = "CALG_DH_SF"
) -> Blob:
    bits = p.bit_length() if bits is None else bits
    n = bits // 8
    return build(
        "DH2",
        [
            *header_fields(PRIVATEKEYBLOB, 2, ALG[alg]),
            Field("magic", 4, b"\x00DH2"),
            Field("bit_length", 4, bits),
            Field("p", n, p),
            Field("g", n, g),
            Field("x", n, x),
        ],
    )


def dh_v3(
    p: int,
    q: int | None,
    g: int,
    y: int,
    *,
    x: int | None = None,
    alg: str = "CALG_DH_SF",
    seed: tuple[int, bytes] = NO_SEED,
) -> Blob:
    """\\0DH3 (no ``x``) or \\0DH4; ``j`` = (p-1)/q when q is known, else absent."""
    j = None if q is None else (p - 1) // q
    public = x is None
    bits_q = 0 if q is None else q.bit_length()
    return _v3(
        "DH3" if public else "DH4",
        PUBLICKEYBLOB if public else PRIVATEKEYBLOB,
        ALG[alg],
        b"\x00DH3" if public else b"\x00DH4",
        p,
        q,
        g,
        j,
        y,
        x,
        bits_p=p.bit_length(),
        bits_q=bits_q,
        bits_j=0 if j is None else j.bit_length(),
        bits_x=None if public else (bits_q or p.bit_length()),
        seed=seed,
    )


# -- session-key blobs (SPEC §8-§10) and opaque kinds (§11) ---------------------------


def simpleblob(
    key_alg: str, ciphertext_le: bytes, *, wrap_alg: int | None = None
) -> Blob:
    return build(
        "SIMPLEBLOB",
        [
            *header_fields(SIMPLEBLOB, 2, ALG[key_alg]),
            Field(
                "wrap_alg", 4, ALG["CALG_RSA_KEYX"] if wrap_alg is None else wrap_alg
            ),
            Field("encrypted_key", len(ciphertext_le), ciphertext_le),
        ],
    )


def plaintextkeyblob(key_alg: str, key: bytes) -> Blob:
    return build(
        "PLAINTEXTKEYBLOB",
        [
            *header_fields(PLAINTEXTKEYBLOB, 2, ALG[key_alg]),
            Field("key_size", 4, len(key)),
            Field("key", len(key), key),
        ],
    )


def symmetricwrapkeyblob(key_alg: str, wrap_alg: str, wrapped: bytes) -> Blob:
    return build(
        "SYMMETRICWRAPKEYBLOB",
        [
            *header_fields(SYMMETRICWRAPKEYBLOB, 2, ALG[key_alg]),
            Field("wrap_alg", 4, ALG[wrap_alg]),
            Field("wrapped_key", len(wrapped), wrapped),
        ],
    )


def opaque(blob_type: int, version: int, key_alg: int, body: bytes) -> Blob:
    return build(
        OPAQUE_LAYOUTS[blob_type],
        [*header_fields(blob_type, version, key_alg), Field("body", len(body), body)],
    )


# -- PVK (SPEC §12) --------------------------------------------------------------------


def pvk_rc4_key(salt: bytes, password: bytes, strength: str) -> bytes:
    """The RC4 key of SPEC §12.3: SHA-1(salt ‖ password), strong or weak."""
    digest = hashlib.sha1(salt + password).digest()  # noqa: S324 - the format's KDF
    return digest[:16] if strength == "strong" else digest[:5] + bytes(11)


def rc4(key: bytes, data: bytes) -> bytes:
    return Cipher(ARC4(key), mode=None).encryptor().update(data)


def pvk(
    key_type: int, inner: bytes, *, salt: bytes = b"", encrypted: bool = False
) -> Blob:
    return build(
        "PVK",
        [
            Field("header.magic", 4, PVK_MAGIC),
            Field("header.reserved", 4, 0),
            Field("header.key_type", 4, key_type),
            Field("header.encrypted", 4, 1 if encrypted else 0),
            Field("header.salt_length", 4, len(salt)),
            Field("header.key_length", 4, len(inner)),
            Field("salt", len(salt), salt),
            Field("key", len(inner), inner),
        ],
    )


def pvk_encrypt(
    key_type: int, blob: bytes, password: bytes, salt: bytes, strength: str
) -> tuple[Blob, bytes]:
    """An encrypted PVK file of ``blob`` and the RC4 key used."""
    rc4_key = pvk_rc4_key(salt, password, strength)
    inner = blob[:8] + rc4(rc4_key, blob[8:])
    return pvk(key_type, inner, salt=salt, encrypted=True), rc4_key


# -- RSA encryption for SIMPLEBLOBs (SPEC §15.2) ----------------------------------------


def pkcs1_v15_em(k: int, message: bytes, ps: bytes) -> bytes:
    """EM = 00 02 PS 00 M (``ps`` must have k - 3 - len(M) non-zero bytes)."""
    if len(ps) != k - 3 - len(message) or 0 in ps:
        raise ValueError("bad PS")
    return b"\x00\x02" + ps + b"\x00" + message


def _mgf1_sha1(seed: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha1(seed + counter.to_bytes(4, "big")).digest()  # noqa: S324
        counter += 1
    return out[:length]


def oaep_sha1_em(k: int, message: bytes, seed: bytes, label: bytes = b"") -> bytes:
    """EME-OAEP encoding with SHA-1 and MGF1-SHA-1 (RFC 8017 §7.1.1)."""
    if len(seed) != 20 or len(message) > k - 42:
        raise ValueError("bad OAEP input")
    l_hash = hashlib.sha1(label).digest()  # noqa: S324
    db = l_hash + bytes(k - len(message) - 42) + b"\x01" + message
    masked_db = bytes(a ^ b for a, b in zip(db, _mgf1_sha1(seed, k - 21), strict=True))
    masked_seed = bytes(
        a ^ b for a, b in zip(seed, _mgf1_sha1(masked_db, 20), strict=True)
    )
    return b"\x00" + masked_seed + masked_db


def rsa_encrypt_le(n: int, e: int, em: bytes) -> bytes:
    """The RSA public operation on EM, as CryptoAPI stores it (little-endian)."""
    k = nbytes(n.bit_length())
    c = pow(int.from_bytes(em, "big"), e, n)
    return c.to_bytes(k, "big")[::-1]
