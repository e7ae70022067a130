# SPDX-License-Identifier: Apache-2.0
"""Wire layout of the signed envelope, BFE v1 (SPEC §16.2).

Declarations only: each ``construct`` struct below is one byte table of
SPEC §16.2, field for field, and only :mod:`blobformat.codec.wire` runs them.
An envelope is a header, ``recipient_count`` entries and a trailer; the
entries are declared once and laid end to end by
:mod:`blobformat.envelope`, because the number of entries is data.

Every integer is unsigned little-endian, as in the CryptoAPI blobs. Every
length field is as narrow as its cap allows, so that no length can name
more than a few kilobytes: ``label_length`` u8 (0..255), ``blob_length``
and ``signature_length`` u16 (caps 2060 and 2048).
"""

from __future__ import annotations

import construct as cs
from construct import this

from blobformat.codec.schema import Layout

__all__ = [
    "ENTRY",
    "ENVELOPE_ENTRY",
    "ENVELOPE_HEADER",
    "ENVELOPE_TRAILER",
    "HEADER",
    "MAGIC",
    "TRAILER",
]

#: "\x8BBFE\r\n\x1A\n": a high-bit byte, the format name, then CR LF, ^Z and
#: LF, so that 7-bit and text-mode damage breaks the magic (PNG's rationale).
MAGIC = b"\x8bBFE\r\n\x1a\n"

# Envelope header -- SPEC §16.2.1
ENVELOPE_HEADER = cs.Struct(
    "magic" / cs.Const(MAGIC),
    "version" / cs.Int16ul,  # layout version, 1
    "suite" / cs.Int16ul,  # signature suite (SPEC §16.3)
    "generation" / cs.Int64ul,  # signed counter per storage slot
    "signer_key_id" / cs.Bytes(32),  # key id of the signer (a lookup hint)
    "label_length" / cs.Int8ul,  # bytes of UTF-8 in ``label``
    "recipient_count" / cs.Int8ul,  # number of entries, 1..16
    "label" / cs.Bytes(this.label_length),  # signed description, UTF-8
)

# Recipient entry -- SPEC §16.2.2
ENVELOPE_ENTRY = cs.Struct(
    "role" / cs.Int8ul,  # 1 owner, 2 backup authority
    "padding" / cs.Int8ul,  # 1 RSAES-PKCS1-v1_5, 2 RSAES-OAEP (CRYPT_OAEP)
    "blob_length" / cs.Int16ul,  # bytes in ``blob``
    "recipient_key_id" / cs.Bytes(32),  # key id of the wrapping key
    "blob" / cs.Bytes(this.blob_length),  # a canonical SIMPLEBLOB (SPEC §8)
)

# Trailer -- SPEC §16.2.3. The signature covers every byte before it,
# ``signature_length`` included.
ENVELOPE_TRAILER = cs.Struct(
    "signature_length" / cs.Int16ul,  # bytes in ``signature``
    "signature" / cs.Bytes(this.signature_length),  # suite-defined
    cs.Terminated,
)

HEADER = Layout("ENVELOPE_HEADER", ENVELOPE_HEADER, ("label_length",))
ENTRY = Layout("ENVELOPE_ENTRY", ENVELOPE_ENTRY, ("blob_length",))
TRAILER = Layout("ENVELOPE_TRAILER", ENVELOPE_TRAILER, ("signature_length",))
