# SPDX-License-Identifier: Apache-2.0
"""Hand-written ``struct`` reference parser and encoder (benchmarks only).

This is the baseline every benchmark ratio is computed against. It is *not*
used by the library. To keep the comparison fair it reads the same fields
and applies the same strict checks that ``blobformat.parse`` applies to the
kinds that are benchmarked (SPEC.md §4, §5.3, §6.1, §8, §12):

* header: ``bType``, ``bVersion``, ``reserved == 0``, ``aiKeyAlg`` per kind;
* the magic;
* the fields that size the body (bit length range, RSA exponent odd >= 3);
* the exact total length (no truncation, no trailing bytes) *before* any
  number is read;
* numbers against their declared bit length where the field size does not
  already guarantee it (RSA ``n`` and ``d`` when ``bitlen % 8 != 0``);
* PLAINTEXTKEYBLOB: a data-encryption ``aiKeyAlg`` and a ``dwKeySize`` its
  table allows (SPEC §9.1), before the key is sliced.

It returns plain tuples instead of frozen models: the difference in cost is
exactly the price of the library's model layer. Only the RSA, DSS (v2
public), SIMPLEBLOB, PLAINTEXTKEYBLOB and PVK-with-RSA kinds are implemented.

The ``*_minimal`` readers are the floor the issue compares small blobs with:
a ``struct`` reader that checks the header and the size and nothing else.
"""

from __future__ import annotations

import struct
from typing import Final

from blobformat.constants import AlgClass, AlgId

__all__ = [
    "RefError",
    "build_dss_public",
    "build_plaintextkeyblob",
    "build_pvk",
    "build_rsa_private",
    "build_rsa_public",
    "build_simpleblob",
    "parse_dss_public",
    "parse_plaintextkeyblob",
    "parse_plaintextkeyblob_minimal",
    "parse_pvk",
    "parse_rsa_private",
    "parse_rsa_private_minimal",
    "parse_rsa_public",
    "parse_rsa_public_minimal",
    "parse_simpleblob",
    "parse_simpleblob_minimal",
]

CALG_RSA_KEYX: Final = 0xA400
CALG_RSA_SIGN: Final = 0x2400
CALG_DSS_SIGN: Final = 0x2200
_RSA_ALGS: Final = frozenset({CALG_RSA_KEYX, CALG_RSA_SIGN})
_SESSION_ALGS: Final = frozenset(
    int(a)
    for a in AlgId
    if a.value & 0xE000 in (AlgClass.DATA_ENCRYPT, AlgClass.MSG_ENCRYPT)
)
# SPEC §9.1: the key sizes (bytes) a PLAINTEXTKEYBLOB may carry, by ALG_ID.
# Written out here from the SPEC table, not taken from the library.
_RC_SIZES: Final = frozenset(range(5, 17))
_PTK_SIZES: Final[dict[int, frozenset[int]]] = {
    0x6601: frozenset({8}),  # CALG_DES
    0x6609: frozenset({16}),  # CALG_3DES_112
    0x6603: frozenset({24}),  # CALG_3DES
    0x6602: _RC_SIZES,  # CALG_RC2
    0x6801: _RC_SIZES,  # CALG_RC4
    0x660E: frozenset({16}),  # CALG_AES_128
    0x660F: frozenset({24}),  # CALG_AES_192
    0x6610: frozenset({32}),  # CALG_AES_256
}
_NO_SIZES: Final[frozenset[int]] = frozenset()
_PVK_ALGS: Final = {
    1: frozenset({CALG_RSA_KEYX}),
    2: frozenset({CALG_RSA_SIGN, CALG_DSS_SIGN}),
}

# BLOBHEADER + magic + bitlen + pubexp (RSAPUBKEY): 20 bytes.
_RSA_HEAD: Final = struct.Struct("<BBHI4sII")
# BLOBHEADER + magic + bitlen (DSSPUBKEY): 16 bytes.
_DSS_HEAD: Final = struct.Struct("<BBHI4sI")
# DSSSEED: counter + 20 bytes.
_DSS_SEED: Final = struct.Struct("<I20s")
# BLOBHEADER + algid (SIMPLEBLOB) or dwKeySize (PLAINTEXTKEYBLOB): 12 bytes.
_SIMPLE_HEAD: Final = struct.Struct("<BBHII")
# PVK header: 24 bytes.
_PVK_HEAD: Final = struct.Struct("<4sIIIII")
_PVK_MAGIC: Final = b"\x1e\xf1\xb5\xb0"

RSAPublic = tuple[int, int, int, int]
"""(key_alg, bit_length, public_exponent, modulus)"""
RSAPrivate = tuple[int, int, int, int, int, int, int, int, int, int]
"""(key_alg, bit_length, e, n, p, q, dmp1, dmq1, iqmp, d)"""
DSSPublic = tuple[int, int, int, int, int, int, int, bytes]
"""(key_alg, bit_length, p, q, g, y, seed_counter, seed)"""
Simple = tuple[int, int, bytes]
"""(key_alg, wrap_alg, encrypted_key)"""
Plaintext = tuple[int, bytes]
"""(key_alg, key)"""
PVK = tuple[int, bool, bytes, bytes, RSAPrivate | None]
"""(key_type, encrypted, salt, key_data, inner blob or None)"""


class RefError(ValueError):
    """The reference parser rejected its input."""


def _rsa_head(data: bytes, btype: int, magic: bytes) -> tuple[int, int, int, int]:
    if len(data) < 20:
        raise RefError("truncated RSA header")
    bt, ver, reserved, alg, mg, bitlen, e = _RSA_HEAD.unpack_from(data)
    if bt != btype or ver != 2 or reserved or mg != magic:
        raise RefError("bad RSA header")
    if alg not in _RSA_ALGS:
        raise RefError("bad aiKeyAlg")
    if not 384 <= bitlen <= 16384:
        raise RefError("bad bitlen")
    if e < 3 or not e & 1:
        raise RefError("bad pubexp")
    return alg, bitlen, e, (bitlen + 7) >> 3


def parse_rsa_public(data: bytes) -> RSAPublic:
    """PUBLICKEYBLOB / RSA1 (SPEC §5.1)."""
    alg, bitlen, e, k = _rsa_head(data, 6, b"RSA1")
    if len(data) != 20 + k:
        raise RefError("wrong length")
    n = int.from_bytes(data[20:], "little")
    if n >> bitlen:
        raise RefError("modulus exceeds bitlen")
    return alg, bitlen, e, n


def parse_rsa_private(data: bytes) -> RSAPrivate:
    """PRIVATEKEYBLOB / RSA2 (SPEC §5.2)."""
    alg, bitlen, e, k = _rsa_head(data, 7, b"RSA2")
    h = (bitlen + 15) >> 4
    if len(data) != 20 + 2 * k + 5 * h:
        raise RefError("wrong length")
    o1 = 20 + k
    o2 = o1 + h
    o3 = o2 + h
    o4 = o3 + h
    o5 = o4 + h
    o6 = o5 + h
    frm = int.from_bytes
    n = frm(data[20:o1], "little")
    d = frm(data[o6:], "little")
    if n >> bitlen or d >> bitlen:
        raise RefError("number exceeds bitlen")
    return (
        alg,
        bitlen,
        e,
        n,
        frm(data[o1:o2], "little"),
        frm(data[o2:o3], "little"),
        frm(data[o3:o4], "little"),
        frm(data[o4:o5], "little"),
        frm(data[o5:o6], "little"),
        d,
    )


def parse_rsa_public_minimal(data: bytes) -> RSAPublic:
    """RSA1 with the least a careful parser does: magic and length only.

    Informational (the kind of parser the issue's 0.8 µs figure describes);
    the baseline of every ratio is :func:`parse_rsa_public`.
    """
    _bt, _ver, _res, alg, magic, bitlen, e = _RSA_HEAD.unpack_from(data)
    k = (bitlen + 7) >> 3
    if magic != b"RSA1" or len(data) != 20 + k:
        raise RefError("bad magic or length")
    return alg, bitlen, e, int.from_bytes(data[20:], "little")


def parse_rsa_private_minimal(data: bytes) -> RSAPrivate:
    """RSA2 with magic and length checks only (informational, see above)."""
    _bt, _ver, _res, alg, magic, bitlen, e = _RSA_HEAD.unpack_from(data)
    k = (bitlen + 7) >> 3
    h = (bitlen + 15) >> 4
    if magic != b"RSA2" or len(data) != 20 + 2 * k + 5 * h:
        raise RefError("bad magic or length")
    o1 = 20 + k
    frm = int.from_bytes
    return (
        alg,
        bitlen,
        e,
        frm(data[20:o1], "little"),
        frm(data[o1 : o1 + h], "little"),
        frm(data[o1 + h : o1 + 2 * h], "little"),
        frm(data[o1 + 2 * h : o1 + 3 * h], "little"),
        frm(data[o1 + 3 * h : o1 + 4 * h], "little"),
        frm(data[o1 + 4 * h : o1 + 5 * h], "little"),
        frm(data[o1 + 5 * h :], "little"),
    )


def parse_dss_public(data: bytes) -> DSSPublic:
    """PUBLICKEYBLOB / DSS1, version 2 (SPEC §6.1)."""
    if len(data) < 16:
        raise RefError("truncated DSS header")
    bt, ver, reserved, alg, mg, bitlen = _DSS_HEAD.unpack_from(data)
    if bt != 6 or ver != 2 or reserved or mg != b"DSS1":
        raise RefError("bad DSS header")
    if alg != CALG_DSS_SIGN:
        raise RefError("bad aiKeyAlg")
    if not 512 <= bitlen <= 1024 or bitlen % 64:
        raise RefError("bad bitlen")
    k = bitlen >> 3  # a multiple of 64 bits: every number fits its field
    if len(data) != 16 + 3 * k + 44:
        raise RefError("wrong length")
    frm = int.from_bytes
    o_q = 16 + k
    o_g = o_q + 20
    o_y = o_g + k
    o_s = o_y + k
    counter, seed = _DSS_SEED.unpack_from(data, o_s)
    return (
        alg,
        bitlen,
        frm(data[16:o_q], "little"),
        frm(data[o_q:o_g], "little"),
        frm(data[o_g:o_y], "little"),
        frm(data[o_y:o_s], "little"),
        counter,
        seed,
    )


def parse_simpleblob(data: bytes) -> Simple:
    """SIMPLEBLOB (SPEC §8)."""
    if len(data) < 12:
        raise RefError("truncated SIMPLEBLOB header")
    bt, ver, reserved, alg, wrap = _SIMPLE_HEAD.unpack_from(data)
    if bt != 1 or ver != 2 or reserved:
        raise RefError("bad SIMPLEBLOB header")
    if alg not in _SESSION_ALGS:
        raise RefError("bad aiKeyAlg")
    if wrap != CALG_RSA_KEYX:
        raise RefError("bad algid")
    if not 48 <= len(data) - 12 <= 2048:
        raise RefError("bad ciphertext length")
    return alg, wrap, data[12:]


def parse_simpleblob_minimal(data: bytes) -> Simple:
    """SIMPLEBLOB checking only the header (bType, bVersion, reserved) and the size.

    The floor of the small-blob target; the strict baseline is
    :func:`parse_simpleblob`.
    """
    bt, ver, reserved, alg, wrap = _SIMPLE_HEAD.unpack_from(data)
    if bt != 1 or ver != 2 or reserved or not 48 <= len(data) - 12 <= 2048:
        raise RefError("bad header or size")
    return alg, wrap, data[12:]


def parse_plaintextkeyblob(data: bytes) -> Plaintext:
    """PLAINTEXTKEYBLOB (SPEC §9): PTK-1 and PTK-3 before the size, PTK-2."""
    if len(data) < 12:
        raise RefError("truncated PLAINTEXTKEYBLOB header")
    bt, ver, reserved, alg, size = _SIMPLE_HEAD.unpack_from(data)
    if bt != 8 or ver != 2 or reserved:
        raise RefError("bad PLAINTEXTKEYBLOB header")
    # Only data-encryption ALG_IDs are in the table, so this is PTK-1 and PTK-3.
    if size not in _PTK_SIZES.get(alg, _NO_SIZES):
        raise RefError("bad aiKeyAlg or dwKeySize")
    if len(data) != 12 + size:
        raise RefError("wrong length")
    return alg, data[12:]


def parse_plaintextkeyblob_minimal(data: bytes) -> Plaintext:
    """PLAINTEXTKEYBLOB checking only the header (bType, bVersion, reserved) and the size.

    The floor of the small-blob target; the strict baseline is
    :func:`parse_plaintextkeyblob`.
    """
    bt, ver, reserved, alg, size = _SIMPLE_HEAD.unpack_from(data)
    if bt != 8 or ver != 2 or reserved or len(data) != 12 + size:
        raise RefError("bad header or size")
    return alg, data[12:]


def parse_pvk(data: bytes) -> PVK:
    """PVK file holding an RSA private key blob (SPEC §12)."""
    if len(data) < 24:
        raise RefError("truncated PVK header")
    magic, reserved, key_type, encrypted, salt_len, key_len = _PVK_HEAD.unpack_from(
        data
    )
    if magic != _PVK_MAGIC or reserved:
        raise RefError("bad PVK header")
    if key_type not in (1, 2) or encrypted not in (0, 1):
        raise RefError("bad PVK key type or flag")
    if (encrypted and not 1 <= salt_len <= 10240) or (not encrypted and salt_len):
        raise RefError("bad salt length")
    if not 8 <= key_len <= 102400:
        raise RefError("bad key length")
    if len(data) != 24 + salt_len + key_len:
        raise RefError("wrong length")
    salt = data[24 : 24 + salt_len]
    key = data[24 + salt_len :]
    if key[0] != 7:
        raise RefError("not a PRIVATEKEYBLOB")
    if int.from_bytes(key[4:8], "little") not in _PVK_ALGS[key_type]:
        raise RefError("key type does not match aiKeyAlg")
    inner = None if encrypted else parse_rsa_private(key)
    return key_type, bool(encrypted), salt, key, inner


# -- encoders ---------------------------------------------------------------


def build_rsa_public(t: RSAPublic) -> bytes:
    """Encode a PUBLICKEYBLOB / RSA1."""
    alg, bitlen, e, n = t
    return _RSA_HEAD.pack(6, 2, 0, alg, b"RSA1", bitlen, e) + n.to_bytes(
        (bitlen + 7) >> 3, "little"
    )


def build_rsa_private(t: RSAPrivate) -> bytes:
    """Encode a PRIVATEKEYBLOB / RSA2."""
    alg, bitlen, e, n, p, q, dp, dq, qi, d = t
    k = (bitlen + 7) >> 3
    h = (bitlen + 15) >> 4
    return b"".join(
        (
            _RSA_HEAD.pack(7, 2, 0, alg, b"RSA2", bitlen, e),
            n.to_bytes(k, "little"),
            p.to_bytes(h, "little"),
            q.to_bytes(h, "little"),
            dp.to_bytes(h, "little"),
            dq.to_bytes(h, "little"),
            qi.to_bytes(h, "little"),
            d.to_bytes(k, "little"),
        )
    )


def build_dss_public(t: DSSPublic) -> bytes:
    """Encode a PUBLICKEYBLOB / DSS1."""
    alg, bitlen, p, q, g, y, counter, seed = t
    k = bitlen >> 3
    return b"".join(
        (
            _DSS_HEAD.pack(6, 2, 0, alg, b"DSS1", bitlen),
            p.to_bytes(k, "little"),
            q.to_bytes(20, "little"),
            g.to_bytes(k, "little"),
            y.to_bytes(k, "little"),
            _DSS_SEED.pack(counter, seed),
        )
    )


def build_simpleblob(t: Simple) -> bytes:
    """Encode a SIMPLEBLOB."""
    alg, wrap, ciphertext = t
    return _SIMPLE_HEAD.pack(1, 2, 0, alg, wrap) + ciphertext


def build_plaintextkeyblob(t: Plaintext) -> bytes:
    """Encode a PLAINTEXTKEYBLOB."""
    alg, key = t
    return _SIMPLE_HEAD.pack(8, 2, 0, alg, len(key)) + key


def build_pvk(t: PVK) -> bytes:
    """Encode a PVK file (the key blob is written as stored)."""
    key_type, encrypted, salt, key, _inner = t
    return (
        _PVK_HEAD.pack(_PVK_MAGIC, 0, key_type, int(encrypted), len(salt), len(key))
        + salt
        + key
    )
