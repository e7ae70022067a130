# SPDX-License-Identifier: Apache-2.0
"""A minimal DER writer for the PKCS#8 structures key conversion hands to OpenSSL.

Version-2 DSS and DH private blobs carry x but not y. Computing y = g^x mod p
with Python's ``pow`` would run a variable-time exponentiation on a secret,
so :mod:`blobformat.keys` instead wraps (p, q, g, x) in a PKCS#8
``PrivateKeyInfo`` and lets OpenSSL (through ``cryptography``) load it; OpenSSL
derives y in constant time. ``cryptography`` offers no way to encode these
structures from numbers, hence these few lines.
"""

from __future__ import annotations

__all__ = ["dh_pkcs8", "dhx_pkcs8", "dsa_pkcs8"]

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


def dsa_pkcs8(p: int, q: int, g: int, x: int) -> bytes:
    """PKCS#8 DSA private key (RFC 5958, RFC 3279 Dss-Parms)."""
    return _pkcs8(_OID_DSA, _sequence(_integer(p), _integer(q), _integer(g)), x)


def dh_pkcs8(p: int, g: int, x: int) -> bytes:
    """PKCS#8 PKCS#3 Diffie-Hellman private key (dhKeyAgreement)."""
    return _pkcs8(_OID_DH, _sequence(_integer(p), _integer(g)), x)


def dhx_pkcs8(p: int, g: int, q: int, x: int) -> bytes:
    """PKCS#8 X9.42 Diffie-Hellman private key (dhpublicnumber, with q)."""
    return _pkcs8(_OID_DHX, _sequence(_integer(p), _integer(g), _integer(q)), x)
