# SPDX-License-Identifier: Apache-2.0
"""Wire layouts of the CryptoAPI key BLOBs and PVK files (SPEC §4-§12).

Declarations only: each ``construct`` struct below is the byte table of the
SPEC.md section named beside it, field for field. Field names are the
snake_case names used by :mod:`blobformat.codec.models`; the wincrypt.h name is in
the comment beside each field. Nothing here validates values: semantic rules
live in :mod:`blobformat.codec.validate`, and only :mod:`blobformat.codec.wire` runs
these structs.

Length conventions (SPEC §2.3): a number declared with ``bitlen`` bits
occupies ``ceil(bitlen / 8)`` bytes; an RSA CRT component occupies
``ceil(bitlen / 16)`` bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import construct as cs
from construct import this

from blobformat.constants import PVK_FILE_MAGIC, Magic

__all__ = [
    "BLOBHEADER",
    "DH_PRIVATE_KEY_BLOB",
    "DH_PRIVATE_KEY_BLOB_V3",
    "DH_PUBLIC_KEY_BLOB",
    "DH_PUBLIC_KEY_BLOB_V3",
    "DSSSEED",
    "DSS_PRIVATE_KEY_BLOB",
    "DSS_PRIVATE_KEY_BLOB_V3",
    "DSS_PUBLIC_KEY_BLOB",
    "DSS_PUBLIC_KEY_BLOB_V3",
    "OPAQUE_BLOB",
    "PLAINTEXT_KEY_BLOB",
    "PVK_FILE",
    "PVK_HEADER",
    "RSA_PRIVATE_KEY_BLOB",
    "RSA_PUBLIC_KEY_BLOB",
    "SIMPLE_BLOB",
    "SYMMETRIC_WRAP_KEY_BLOB",
    "Layout",
]


@dataclass(frozen=True, eq=False)
class Layout:
    """A whole-structure schema plus the fields that size the rest of it.

    ``params`` name the fixed-size fields whose values determine the sizes of
    later fields (``bit_length`` for RSA). A decoder reads and validates those
    first, then derives every later offset from them, so that it compares
    the full required length with the input before reading any number.
    """

    name: str
    struct: cs.Struct
    params: tuple[str, ...]

    # Layouts are module-level singletons: identity is equality (and the plan
    # cache key), since construct objects do not compare by value.


def magic(value: int) -> cs.Construct:
    """A magic DWORD (SPEC §3.2), stored little-endian; values from :mod:`blobformat.constants`."""
    return cs.Const(value.to_bytes(4, "little"))


def le_uint(length: object) -> cs.Construct:
    """Little-endian unsigned integer of ``length`` bytes (SPEC §2.2)."""
    return cs.BytesInteger(length, signed=False, swapped=True)


def nbytes(bits: Any) -> Any:
    """Bytes for a number of ``bits`` bits: ``ceil(bits / 8)`` (SPEC §2.3).

    ``bits`` is a construct expression (``this.bit_length``), so is the result.
    """
    return (bits + 7) // 8


def optional_uint(bits: Any) -> cs.Construct:
    """A number that is absent when its declared bit length is 0 (SPEC §6.3)."""
    return cs.If(bits > 0, le_uint(nbytes(bits)))


# BLOBHEADER / PUBLICKEYSTRUC (wincrypt.h) -- SPEC §4.1
BLOBHEADER = cs.Struct(
    "blob_type" / cs.Int8ul,  # bType
    "version" / cs.Int8ul,  # bVersion
    "reserved" / cs.Int16ul,  # reserved
    "key_alg" / cs.Int32ul,  # aiKeyAlg
)

# DSSSEED (wincrypt.h) -- SPEC §6.2
DSSSEED = cs.Struct(
    "counter" / cs.Int32ul,  # counter
    "seed" / cs.Bytes(20),  # seed[20], stored reversed relative to FIPS 186
)

# PUBLICKEYBLOB with RSAPUBKEY, magic "RSA1" -- SPEC §5.1
RSA_PUBLIC_KEY_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.RSA1),  # RSAPUBKEY.magic
    "bit_length" / cs.Int32ul,  # RSAPUBKEY.bitlen
    "public_exponent" / cs.Int32ul,  # RSAPUBKEY.pubexp
    "modulus" / le_uint(nbytes(this.bit_length)),  # modulus[bitlen/8]
    cs.Terminated,
)

# PRIVATEKEYBLOB with RSAPUBKEY, magic "RSA2" -- SPEC §5.2
_RSA_HALF = (this.bit_length + 15) // 16
RSA_PRIVATE_KEY_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.RSA2),  # RSAPUBKEY.magic
    "bit_length" / cs.Int32ul,  # RSAPUBKEY.bitlen
    "public_exponent" / cs.Int32ul,  # RSAPUBKEY.pubexp
    "modulus" / le_uint(nbytes(this.bit_length)),  # modulus[bitlen/8]
    "prime1" / le_uint(_RSA_HALF),  # prime1[bitlen/16]
    "prime2" / le_uint(_RSA_HALF),  # prime2[bitlen/16]
    "exponent1" / le_uint(_RSA_HALF),  # exponent1[bitlen/16]
    "exponent2" / le_uint(_RSA_HALF),  # exponent2[bitlen/16]
    "coefficient" / le_uint(_RSA_HALF),  # coefficient[bitlen/16]
    "private_exponent" / le_uint(nbytes(this.bit_length)),  # privateExponent
    cs.Terminated,
)

# PUBLICKEYBLOB with DSSPUBKEY, magic "DSS1" -- SPEC §6.1
DSS_PUBLIC_KEY_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.DSS1),  # DSSPUBKEY.magic
    "bit_length" / cs.Int32ul,  # DSSPUBKEY.bitlen
    "p" / le_uint(nbytes(this.bit_length)),  # p[bitlen/8]
    "q" / le_uint(20),  # q[20]
    "g" / le_uint(nbytes(this.bit_length)),  # g[bitlen/8]
    "y" / le_uint(nbytes(this.bit_length)),  # y[bitlen/8]
    "seed" / DSSSEED,  # DSSSEED
    cs.Terminated,
)

# PRIVATEKEYBLOB with DSSPUBKEY, magic "DSS2" -- SPEC §6.1
DSS_PRIVATE_KEY_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.DSS2),  # DSSPUBKEY.magic
    "bit_length" / cs.Int32ul,  # DSSPUBKEY.bitlen
    "p" / le_uint(nbytes(this.bit_length)),  # p[bitlen/8]
    "q" / le_uint(20),  # q[20]
    "g" / le_uint(nbytes(this.bit_length)),  # g[bitlen/8]
    "x" / le_uint(20),  # x[20]
    "seed" / DSSSEED,  # DSSSEED
    cs.Terminated,
)

# PUBLICKEYBLOB with DSSPUBKEY_VER3, magic "DSS3" -- SPEC §6.3
DSS_PUBLIC_KEY_BLOB_V3 = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.DSS3),  # DSSPUBKEY_VER3.magic
    "bit_length_p" / cs.Int32ul,  # bitlenP
    "bit_length_q" / cs.Int32ul,  # bitlenQ
    "bit_length_j" / cs.Int32ul,  # bitlenJ (0: no J)
    "seed" / DSSSEED,  # DSSSeed
    "p" / le_uint(nbytes(this.bit_length_p)),  # p[bitlenP/8]
    "q" / le_uint(nbytes(this.bit_length_q)),  # q[bitlenQ/8]
    "g" / le_uint(nbytes(this.bit_length_p)),  # g[bitlenP/8]
    "j" / optional_uint(this.bit_length_j),  # j[bitlenJ/8]
    "y" / le_uint(nbytes(this.bit_length_p)),  # y[bitlenP/8]
    cs.Terminated,
)

# PRIVATEKEYBLOB with DSSPRIVKEY_VER3, magic "DSS4" -- SPEC §6.3
DSS_PRIVATE_KEY_BLOB_V3 = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.DSS4),  # DSSPRIVKEY_VER3.magic
    "bit_length_p" / cs.Int32ul,  # bitlenP
    "bit_length_q" / cs.Int32ul,  # bitlenQ
    "bit_length_j" / cs.Int32ul,  # bitlenJ (0: no J)
    "bit_length_x" / cs.Int32ul,  # bitlenX
    "seed" / DSSSEED,  # DSSSeed
    "p" / le_uint(nbytes(this.bit_length_p)),  # p[bitlenP/8]
    "q" / le_uint(nbytes(this.bit_length_q)),  # q[bitlenQ/8]
    "g" / le_uint(nbytes(this.bit_length_p)),  # g[bitlenP/8]
    "j" / optional_uint(this.bit_length_j),  # j[bitlenJ/8]
    "y" / le_uint(nbytes(this.bit_length_p)),  # y[bitlenP/8]
    "x" / le_uint(nbytes(this.bit_length_x)),  # x[bitlenX/8]
    cs.Terminated,
)

# PUBLICKEYBLOB with DHPUBKEY, magic "\0DH1" -- SPEC §7.1
DH_PUBLIC_KEY_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.DH1),  # DHPUBKEY.magic
    "bit_length" / cs.Int32ul,  # DHPUBKEY.bitlen
    "y" / le_uint(nbytes(this.bit_length)),  # y[bitlen/8]
    cs.Terminated,
)

# PRIVATEKEYBLOB with DHPUBKEY, magic "\0DH2" -- SPEC §7.1
DH_PRIVATE_KEY_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.DH2),  # DHPUBKEY.magic
    "bit_length" / cs.Int32ul,  # DHPUBKEY.bitlen
    "p" / le_uint(nbytes(this.bit_length)),  # prime[bitlen/8]
    "g" / le_uint(nbytes(this.bit_length)),  # generator[bitlen/8]
    "x" / le_uint(nbytes(this.bit_length)),  # secret[bitlen/8]
    cs.Terminated,
)

# PUBLICKEYBLOB with DHPUBKEY_VER3, magic "\0DH3" -- SPEC §7.2
DH_PUBLIC_KEY_BLOB_V3 = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.DH3),  # DHPUBKEY_VER3.magic
    "bit_length_p" / cs.Int32ul,  # bitlenP
    "bit_length_q" / cs.Int32ul,  # bitlenQ (0: no Q)
    "bit_length_j" / cs.Int32ul,  # bitlenJ (0: no J)
    "seed" / DSSSEED,  # DSSSeed
    "p" / le_uint(nbytes(this.bit_length_p)),  # p[bitlenP/8]
    "q" / optional_uint(this.bit_length_q),  # q[bitlenQ/8]
    "g" / le_uint(nbytes(this.bit_length_p)),  # g[bitlenP/8]
    "j" / optional_uint(this.bit_length_j),  # j[bitlenJ/8]
    "y" / le_uint(nbytes(this.bit_length_p)),  # y[bitlenP/8]
    cs.Terminated,
)

# PRIVATEKEYBLOB with DHPRIVKEY_VER3, magic "\0DH4" -- SPEC §7.2
DH_PRIVATE_KEY_BLOB_V3 = cs.Struct(
    "header" / BLOBHEADER,
    "magic" / magic(Magic.DH4),  # DHPRIVKEY_VER3.magic
    "bit_length_p" / cs.Int32ul,  # bitlenP
    "bit_length_q" / cs.Int32ul,  # bitlenQ (0: no Q)
    "bit_length_j" / cs.Int32ul,  # bitlenJ (0: no J)
    "bit_length_x" / cs.Int32ul,  # bitlenX
    "seed" / DSSSEED,  # DSSSeed
    "p" / le_uint(nbytes(this.bit_length_p)),  # p[bitlenP/8]
    "q" / optional_uint(this.bit_length_q),  # q[bitlenQ/8]
    "g" / le_uint(nbytes(this.bit_length_p)),  # g[bitlenP/8]
    "j" / optional_uint(this.bit_length_j),  # j[bitlenJ/8]
    "y" / le_uint(nbytes(this.bit_length_p)),  # y[bitlenP/8]
    "x" / le_uint(nbytes(this.bit_length_x)),  # x[bitlenX/8]
    cs.Terminated,
)

# SIMPLEBLOB -- SPEC §8.1. The ciphertext is the rest of the blob: its length
# is the wrapping key's modulus length, which the blob does not record.
SIMPLE_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "wrap_alg" / cs.Int32ul,  # algid: ALG_ID of the key-exchange (wrapping) key
    "encrypted_key" / cs.GreedyBytes,  # encryptedkey[rsapubkey.bitlen/8], LE
)

# PLAINTEXTKEYBLOB -- SPEC §9
PLAINTEXT_KEY_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "key_size" / cs.Int32ul,  # dwKeySize
    "key" / cs.Bytes(this.key_size),  # rgbKeyData[dwKeySize]
    cs.Terminated,
)

# SYMMETRICWRAPKEYBLOB -- SPEC §10. The wrapped key is the rest of the blob.
SYMMETRIC_WRAP_KEY_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "wrap_alg" / cs.Int32ul,  # ALG_ID of the wrapping (key-encryption) key
    "wrapped_key" / cs.GreedyBytes,  # RFC 3217 wrapped key
)

# OPAQUEKEYBLOB, PUBLICKEYBLOBEX, KEYSTATEBLOB -- SPEC §11. The body is
# provider-private and kept as bytes.
OPAQUE_BLOB = cs.Struct(
    "header" / BLOBHEADER,
    "body" / cs.GreedyBytes,
)

# PVK file header (no wincrypt.h name; OpenSSL pvkfmt.c) -- SPEC §12.1
PVK_HEADER = cs.Struct(
    "magic" / magic(PVK_FILE_MAGIC),  # 0xB0B5F11E
    "reserved" / cs.Int32ul,  # reserved
    "key_type" / cs.Int32ul,  # keytype: AT_KEYEXCHANGE or AT_SIGNATURE
    "encrypted" / cs.Int32ul,  # is_encrypted
    "salt_length" / cs.Int32ul,  # saltlen
    "key_length" / cs.Int32ul,  # keylen
)

# Whole PVK file -- SPEC §12.1
PVK_FILE = cs.Struct(
    "header" / PVK_HEADER,
    "salt" / cs.Bytes(this.header.salt_length),  # salt[saltlen]
    "key" / cs.Bytes(this.header.key_length),  # key blob[keylen]
    cs.Terminated,
)


def _layouts() -> dict[str, Layout]:
    """Every top-level layout, keyed by name."""
    return {
        layout.name: layout
        for layout in (
            Layout("RSA_PUBLIC_KEY_BLOB", RSA_PUBLIC_KEY_BLOB, ("bit_length",)),
            Layout("RSA_PRIVATE_KEY_BLOB", RSA_PRIVATE_KEY_BLOB, ("bit_length",)),
            Layout("DSS_PUBLIC_KEY_BLOB", DSS_PUBLIC_KEY_BLOB, ("bit_length",)),
            Layout("DSS_PRIVATE_KEY_BLOB", DSS_PRIVATE_KEY_BLOB, ("bit_length",)),
            Layout(
                "DSS_PUBLIC_KEY_BLOB_V3",
                DSS_PUBLIC_KEY_BLOB_V3,
                ("bit_length_p", "bit_length_q", "bit_length_j"),
            ),
            Layout(
                "DSS_PRIVATE_KEY_BLOB_V3",
                DSS_PRIVATE_KEY_BLOB_V3,
                ("bit_length_p", "bit_length_q", "bit_length_j", "bit_length_x"),
            ),
            Layout("DH_PUBLIC_KEY_BLOB", DH_PUBLIC_KEY_BLOB, ("bit_length",)),
            Layout("DH_PRIVATE_KEY_BLOB", DH_PRIVATE_KEY_BLOB, ("bit_length",)),
            Layout(
                "DH_PUBLIC_KEY_BLOB_V3",
                DH_PUBLIC_KEY_BLOB_V3,
                ("bit_length_p", "bit_length_q", "bit_length_j"),
            ),
            Layout(
                "DH_PRIVATE_KEY_BLOB_V3",
                DH_PRIVATE_KEY_BLOB_V3,
                ("bit_length_p", "bit_length_q", "bit_length_j", "bit_length_x"),
            ),
            Layout("SIMPLE_BLOB", SIMPLE_BLOB, ()),
            Layout("PLAINTEXT_KEY_BLOB", PLAINTEXT_KEY_BLOB, ("key_size",)),
            Layout("SYMMETRIC_WRAP_KEY_BLOB", SYMMETRIC_WRAP_KEY_BLOB, ()),
            Layout("OPAQUE_BLOB", OPAQUE_BLOB, ()),
            Layout(
                "PVK_FILE",
                PVK_FILE,
                ("header.salt_length", "header.key_length"),
            ),
        )
    }


LAYOUTS: dict[str, Layout] = _layouts()
