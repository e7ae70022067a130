# SPDX-License-Identifier: Apache-2.0
"""A minimal DER writer for the DSA and DH key structures (PKCS#8 and SPKI), and a strict reader.

Two users. :mod:`blobformat.keys` wraps (p, q, g, x) of a version-2 DSS or
DH private blob, which carries no y, in a PKCS#8 ``PrivateKeyInfo`` and lets
OpenSSL (through ``cryptography``) load it and derive y in constant time.
:mod:`blobformat.keys.export` writes DSS and DH keys as PKCS#8 and
SubjectPublicKeyInfo without cryptography's DSA/DH classes, which
cryptography deprecates (SPEC §14.4). The encodings are the ones OpenSSL
writes: RFC 5958 PKCS#8 version 0 without attributes or public key, RFC
3279 ``Dss-Parms`` (p, q, g), PKCS#3 ``DHParameter`` (p, g) and X9.42
``DomainParameters`` (p, g, q); the public value is a DER INTEGER in the
BIT STRING. Only definite-length DER of non-negative INTEGERs is written,
which is all these structures need; a full ASN.1 library would add a
dependency for about sixty lines.

The reader (:func:`read_element`, :func:`elements`, :func:`read_integer`,
:func:`is_oid`) walks DER in place: every length is checked against the
enclosing element before anything is read, only definite, minimal lengths
and low tag numbers are accepted, and nothing is copied, so its cost and
memory follow the input, not its length fields. :mod:`blobformat.keys.pfxcheck`
uses it to read a PFX's outer structure before ``cryptography`` does.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "DERError",
    "Element",
    "dh_pkcs8",
    "dh_spki",
    "dhx_pkcs8",
    "dhx_spki",
    "dsa_pkcs8",
    "dsa_spki",
    "elements",
    "is_oid",
    "oid_body",
    "pem",
    "read_element",
    "read_integer",
]

_OID_DSA = "1.2.840.10040.4.1"
_OID_DH = "1.2.840.113549.1.3.1"
_OID_DHX = "1.2.840.10046.2.1"


def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes([tag]) + _length(len(body)) + body


def _integer(value: int) -> bytes:
    """DER INTEGER of a non-negative value (a leading 00 keeps it positive)."""
    return _tlv(0x02, value.to_bytes(value.bit_length() // 8 + 1, "big"))


def _sequence(*items: bytes) -> bytes:
    return _tlv(0x30, b"".join(items))


def _oid(dotted: str) -> bytes:
    parts = [int(p) for p in dotted.split(".")]
    out = bytearray([40 * parts[0] + parts[1]])
    for part in parts[2:]:
        chunk = [part & 0x7F]
        part >>= 7
        while part:
            chunk.append(0x80 | (part & 0x7F))
            part >>= 7
        out += bytes(reversed(chunk))
    return _tlv(0x06, bytes(out))


def _pkcs8(oid: str, params: bytes, x: int) -> bytes:
    algorithm = _sequence(_oid(oid), params)
    return _sequence(_integer(0), algorithm, _tlv(0x04, _integer(x)))


def _spki(oid: str, params: bytes, y: int) -> bytes:
    algorithm = _sequence(_oid(oid), params)
    # BIT STRING: a leading byte of 0 unused bits, then the DER INTEGER y.
    return _sequence(algorithm, _tlv(0x03, b"\x00" + _integer(y)))


def _dss_parms(p: int, q: int, g: int) -> bytes:
    return _sequence(_integer(p), _integer(q), _integer(g))


def _dh_parameter(p: int, g: int) -> bytes:
    return _sequence(_integer(p), _integer(g))


def _x942_parameters(p: int, g: int, q: int) -> bytes:
    return _sequence(_integer(p), _integer(g), _integer(q))


def dsa_pkcs8(p: int, q: int, g: int, x: int) -> bytes:
    """PKCS#8 DSA private key (RFC 5958, RFC 3279 Dss-Parms)."""
    return _pkcs8(_OID_DSA, _dss_parms(p, q, g), x)


def dh_pkcs8(p: int, g: int, x: int) -> bytes:
    """PKCS#8 PKCS#3 Diffie-Hellman private key (dhKeyAgreement)."""
    return _pkcs8(_OID_DH, _dh_parameter(p, g), x)


def dhx_pkcs8(p: int, g: int, q: int, x: int) -> bytes:
    """PKCS#8 X9.42 Diffie-Hellman private key (dhpublicnumber, with q)."""
    return _pkcs8(_OID_DHX, _x942_parameters(p, g, q), x)


def dsa_spki(p: int, q: int, g: int, y: int) -> bytes:
    """SubjectPublicKeyInfo of a DSA public key (RFC 3279 §2.3.2)."""
    return _spki(_OID_DSA, _dss_parms(p, q, g), y)


def dh_spki(p: int, g: int, y: int) -> bytes:
    """SubjectPublicKeyInfo of a PKCS#3 Diffie-Hellman public key."""
    return _spki(_OID_DH, _dh_parameter(p, g), y)


def dhx_spki(p: int, g: int, q: int, y: int) -> bytes:
    """SubjectPublicKeyInfo of an X9.42 Diffie-Hellman public key (RFC 3279 §2.3.3)."""
    return _spki(_OID_DHX, _x942_parameters(p, g, q), y)


def pem(der: bytes, label: str) -> bytes:
    """RFC 7468 textual encoding: base64 in 64-character lines."""
    text = base64.b64encode(der)
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    begin = f"-----BEGIN {label}-----\n".encode("ascii")
    end = f"-----END {label}-----\n".encode("ascii")
    return begin + b"\n".join(lines) + b"\n" + end


# -- reading ---------------------------------------------------------------------------

#: Tags the reader names in its messages.
SEQUENCE = 0x30
SET = 0x31
INTEGER = 0x02
OCTET_STRING = 0x04
OID = 0x06
# Lengths above 2^32 - 1 cannot fit in any input this reader is given.
_MAX_LENGTH_BYTES = 4


class DERError(ValueError):
    """Input that is not DER, or not the expected element, at ``offset``.

    The caller turns it into the ``BlobError`` of its rule.
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


@dataclass(frozen=True, slots=True)
class Element:
    """One DER element of an input: offsets into that input, nothing copied."""

    tag: int
    #: Offset of the identifier octet.
    offset: int
    #: Offset of the contents.
    start: int
    #: Offset just after the contents.
    end: int


def read_element(data: bytes, pos: int, end: int) -> Element:
    """The DER element at ``data[pos:]``, which must end by ``end``.

    :raises DERError: for a truncated element, a high tag number, an
        indefinite or non-minimal length, or contents past ``end``.
    """
    if pos + 2 > end:
        raise DERError("truncated DER element", pos)
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise DERError("high tag numbers are not used here", pos)
    first = data[pos + 1]
    start = pos + 2
    if first < 0x80:
        length = first
    else:
        count = first & 0x7F
        if count == 0:
            raise DERError("indefinite length (BER, not DER)", pos + 1)
        if count > _MAX_LENGTH_BYTES or start + count > end:
            raise DERError("length field runs past the input", pos + 1)
        raw = data[start : start + count]
        length = int.from_bytes(raw, "big")
        if raw[0] == 0 or length < 0x80:
            raise DERError("length not in its shortest form (BER, not DER)", pos + 1)
        start += count
    if length > end - start:
        raise DERError("contents run past the enclosing element", pos + 1)
    return Element(tag, pos, start, start + length)


def elements(data: bytes, start: int, end: int) -> Iterator[Element]:
    """The elements that fill ``data[start:end]`` exactly, one at a time."""
    pos = start
    while pos < end:
        element = read_element(data, pos, end)
        yield element
        pos = element.end


def read_integer(data: bytes, element: Element) -> int:
    """A DER INTEGER's value (minimal two's complement).

    :raises DERError: if the element is not an INTEGER in its shortest form.
    """
    if element.tag != INTEGER:
        raise DERError("expected an INTEGER", element.offset)
    body = data[element.start : element.end]
    if not body:
        raise DERError("empty INTEGER", element.offset)
    if len(body) > 1 and (
        (body[0] == 0 and body[1] < 0x80) or (body[0] == 0xFF and body[1] >= 0x80)
    ):
        raise DERError(
            "INTEGER not in its shortest form (BER, not DER)", element.offset
        )
    return int.from_bytes(body, "big", signed=True)


def oid_body(dotted: str) -> bytes:
    """The contents octets of an OBJECT IDENTIFIER."""
    return _oid(dotted)[2:]


def is_oid(data: bytes, element: Element, dotted: str) -> bool:
    """Whether ``element`` is the OBJECT IDENTIFIER ``dotted`` (a known, short OID)."""
    return element.tag == OID and data[element.start : element.end] == oid_body(dotted)
