# SPDX-License-Identifier: Apache-2.0
"""Fixed X.509 certificates and PFX files for the PFX harness (SPEC §14.8).

The certificates are built from the fixed test keys with fixed names, serial
numbers and dates and signed with RSA PKCS#1 v1.5 (deterministic), so every
run builds the same bytes: ``rsa-520`` and ``rsa-1032`` are self-signed,
``dsa-1024``'s certificate is issued by ``rsa-520`` (a DSA signature would be
randomised).

:func:`unprotected_pfx` is a PFX without a MAC and with unencrypted bags: the
bytes ``cryptography`` writes with ``NoEncryption`` with the ``macData``
field (whose salt is random) removed. It reads with the empty password, and
every byte of it reaches the PKCS #12 parser, so mutations of it exercise
the key and certificate paths. PFX files with a MAC have random salts:
``fuzz/keys/*.pfx`` were written once by :func:`write_protected` (see
``fuzz/keys/README.md``).
"""

from __future__ import annotations

import datetime
import functools
import warnings

from _fuzzboot import FUZZ_DIR
from _fuzzlib import dsa_key, rsa_key
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import NameOID

__all__ = [
    "CERT_KEYS",
    "PFX_PASSWORD",
    "certificate",
    "protected_pfx",
    "unprotected_pfx",
    "write_protected",
]

#: The keys that have a certificate here.
CERT_KEYS = ("rsa-520", "rsa-1032", "dsa-1024")
#: The password of the PFX files in ``fuzz/keys`` and of the PFX files the harness writes.
PFX_PASSWORD = b"fuzz-pfx-password"
#: The PFX files in ``fuzz/keys``: file name, key, certificates, encryption.
PROTECTED = (
    ("rsa-520-3des.pfx", "rsa-520", ("rsa-520",), "3des"),
    ("dsa-1024-aes256.pfx", "dsa-1024", ("rsa-520", "dsa-1024"), "aes256"),
)
_START = datetime.datetime(2026, 1, 1, tzinfo=datetime.timezone.utc)


def _key(name: str) -> object:
    return dsa_key(name) if name.startswith("dsa") else rsa_key(name)


def _name(text: str) -> x509.Name:
    return x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, f"blobformat fuzz {text}")]
    )


@functools.cache
def certificate(name: str) -> x509.Certificate:
    """The fixed certificate of key ``name`` (one of :data:`CERT_KEYS`)."""
    issuer = "rsa-520" if name.startswith("dsa") else name
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        builder = (
            x509.CertificateBuilder()
            .subject_name(_name(name))
            .issuer_name(_name(issuer))
            .public_key(_key(name).public_key())  # type: ignore[attr-defined]
            .serial_number(CERT_KEYS.index(name) + 1)
            .not_valid_before(_START)
            .not_valid_after(_START.replace(year=2046))
        )
        return builder.sign(rsa_key(issuer), hashes.SHA256())


def _der_length(size: int) -> bytes:
    if size < 0x80:
        return bytes([size])
    raw = size.to_bytes((size.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(raw)]) + raw


def _der_items(data: bytes) -> list[bytes]:
    """The TLV items that make up ``data`` (well-formed DER from cryptography)."""
    items, pos = [], 0
    while pos < len(data):
        first = data[pos + 1]
        if first < 0x80:
            head, size = 2, first
        else:
            count = first & 0x7F
            head, size = (
                2 + count,
                int.from_bytes(data[pos + 2 : pos + 2 + count], "big"),
            )
        items.append(data[pos : pos + head + size])
        pos += head + size
    return items


@functools.cache
def unprotected_pfx(
    name: str, friendly: bytes | None = b"fuzz", with_cert: bool = True
) -> bytes:
    """A PFX of key ``name`` (and its certificate), with no MAC and unencrypted bags."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        pfx = pkcs12.serialize_key_and_certificates(
            friendly,
            _key(name),
            certificate(name) if with_cert else None,  # type: ignore[arg-type]
            None,
            serialization.NoEncryption(),
        )
    (outer,) = _der_items(pfx)
    head = 2 + (outer[1] & 0x7F if outer[1] >= 0x80 else 0)
    content = _der_items(outer[head:])
    version, auth_safe = content[0], content[1]  # content[2] is macData: dropped
    body = version + auth_safe
    return b"\x30" + _der_length(len(body)) + body


def protected_pfx(file_name: str) -> bytes:
    """One of the PFX files in ``fuzz/keys`` (see :data:`PROTECTED`)."""
    return (FUZZ_DIR / "keys" / file_name).read_bytes()


def write_protected() -> None:
    """Write ``fuzz/keys/*.pfx`` (random salts: done once, the files are committed)."""
    import blobformat as bf

    for file_name, key, certs, encryption in PROTECTED:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            pvk = bf.dump_pvk(_key(key))  # type: ignore[arg-type]
        data = bf.pvk_to_pfx(
            pvk,
            [certificate(c) for c in certs],
            pfx_password=PFX_PASSWORD,
            encryption=encryption,
        )  # type: ignore[arg-type]
        (FUZZ_DIR / "keys" / file_name).write_bytes(data)


if __name__ == "__main__":
    write_protected()
