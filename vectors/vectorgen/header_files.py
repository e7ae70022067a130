"""blob_header_test.json: the BLOBHEADER rules every kind shares, and the opaque kinds.

SPEC §4 (header, decoding procedure, input that is not a CryptoAPI blob) and
§11 (OPAQUEKEYBLOB, PUBLICKEYBLOBEX, KEYSTATEBLOB).
"""

from __future__ import annotations

from cryptography.hazmat.primitives import serialization

from vectorgen.blobs import opaque
from vectorgen.common import (
    ALG,
    KEYSTATEBLOB,
    OPAQUEKEYBLOB,
    PUBLICKEYBLOBEX,
    VectorFile,
    le,
    random_bytes,
    rsa_key,
)
from vectorgen.decode import bad, ok

RSA_HEADER = bytes.fromhex("0602000000a40000")


def header_file() -> VectorFile:
    f = VectorFile(
        "blob_header_test.json",
        "BLOBHEADER and opaque kinds",
        [
            "The rules every blob shares (SPEC §4): the 8-byte header, the blob type and",
            "magic, the decoding order, hints for input that is not a CryptoAPI blob; and",
            "the opaque kinds (SPEC §11), whose bodies are kept verbatim.",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    body = random_bytes("opaque/body", 32)
    decode.add(
        ok(
            "opaquekeyblob",
            "OPAQUEKEYBLOB: header and body kept verbatim",
            opaque(OPAQUEKEYBLOB, 2, ALG["CALG_3DES"], body),
            ["OpaqueBody"],
        ),
        ok(
            "opaquekeyblob-version-5-unknown-alg",
            "an opaque kind keeps bVersion and aiKeyAlg as found, even unknown ones",
            opaque(OPAQUEKEYBLOB, 5, 0x12345678, body[:3]),
            ["OpaqueBody"],
        ),
        ok(
            "publickeyblobex",
            "PUBLICKEYBLOBEX: an undocumented body, kept verbatim",
            opaque(PUBLICKEYBLOBEX, 2, ALG["CALG_RSA_KEYX"], b"RSA1" + body[:12]),
            ["OpaqueBody"],
        ),
        ok(
            "keystateblob-empty",
            "KEYSTATEBLOB with an empty body",
            opaque(KEYSTATEBLOB, 2, 0, b""),
            ["OpaqueBody"],
        ),
    )
    for size in (0, 1, 7):
        decode.add(
            bad(
                f"truncated-{size}",
                f"{size} bytes: no complete header",
                ["Truncated"],
                RSA_HEADER[:size],
                "TruncatedError",
                "HDR-6",
                0,
                "header",
            )
        )
    decode.add(
        bad(
            "opaque-truncated-7",
            "an OPAQUEKEYBLOB header of 7 bytes",
            ["Truncated"],
            opaque(OPAQUEKEYBLOB, 2, 0, b"").data[:7],
            "TruncatedError",
            "HDR-6",
            0,
            "header",
        )
    )
    for value in (0x00, 0x02, 0x03, 0x04, 0x05, 0x0D, 0xFF):
        data = bytes([value]) + RSA_HEADER[1:] + b"RSA1" + bytes(8)
        decode.add(
            bad(
                f"btype-{value:#04x}",
                f"bType {value:#04x} is not in SPEC §3.1",
                ["UnknownType"],
                data,
                "UnsupportedBlobError",
                "HDR-1",
                0,
                "header.blob_type",
            )
        )
    vendor = b"\x06\x20\x00\x00" + le(0x1EAA, 4) + b"MAG1" + bytes(60)
    decode.add(
        bad(
            "vendor-gost",
            "a vendor blob: bVersion 0x20 and magic MAG1 (CryptoPro GOST); unsupported, not malformed",
            ["UnknownType"],
            vendor,
            "UnsupportedBlobError",
            "HDR-1",
            0,
            "header.blob_type",
        )
    )
    for magic in (b"ECS1", b"RSA3", b"DSS5", b"\x00DH5", b"rsa1"):
        data = RSA_HEADER + magic + bytes(60)
        decode.add(
            bad(
                f"magic-{magic.hex()}",
                f"PUBLICKEYBLOB with the unknown magic {magic!r}",
                ["UnknownType"],
                data,
                "UnsupportedBlobError",
                "HDR-1",
                0,
                "header.blob_type",
            )
        )
    decode.add(
        bad(
            "opaque-reserved",
            "an opaque kind still checks reserved (SPEC §11)",
            ["ReservedNonZero"],
            opaque(OPAQUEKEYBLOB, 2, 0, b"abc").data[:2]
            + b"\x01\x00"
            + bytes(4)
            + b"abc",
            "InvalidFieldError",
            "HDR-3",
            2,
            "header.reserved",
        ),
        bad(
            "keystate-reserved",
            "KEYSTATEBLOB with reserved = 0xFFFF",
            ["ReservedNonZero"],
            b"\x0c\x02\xff\xff" + bytes(4),
            "InvalidFieldError",
            "HDR-3",
            2,
            "header.reserved",
        ),
    )
    key = rsa_key("rsa-520").public_key()
    pem = key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    numbers = key.public_numbers()
    cng = (
        b"RSA1"
        + le(520, 4)
        + le(3, 4)
        + le(65, 4)
        + bytes(8)
        + numbers.e.to_bytes(3, "big")
        + numbers.n.to_bytes(65, "big")
    )
    decode.add(
        bad(
            "pem",
            "a PEM public key given to the blob decoder (PEERS §4 item 11)",
            ["NotABlob"],
            pem,
            "UnsupportedBlobError",
            "HDR-1",
            0,
            "header.blob_type",
            hint="PEM",
        ),
        bad(
            "der-spki",
            "a DER SubjectPublicKeyInfo (PEERS §4 item 11)",
            ["NotABlob"],
            der,
            "UnsupportedBlobError",
            "HDR-1",
            0,
            "header.blob_type",
            hint="DER",
        ),
        bad(
            "cng-rsapublic",
            'a CNG BCRYPT_RSAPUBLIC_BLOB: "RSA1" at offset 0, not 8 (PEERS §4 item 11)',
            ["NotABlob"],
            cng,
            "UnsupportedBlobError",
            "HDR-1",
            0,
            "header.blob_type",
            hint="CNG",
        ),
        bad(
            "pem-prefix",
            '"-----": too short to be anything',
            ["NotABlob", "Truncated"],
            b"-----",
            "TruncatedError",
            "HDR-6",
            0,
            "header",
        ),
    )
    return f
