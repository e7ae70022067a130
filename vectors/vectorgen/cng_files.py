"""cng_*_test.json: the CNG key blobs of bcrypt.h (SPEC §20).

Blobs are built here field by field, independently of blobformat: header
ULONGs little-endian, every number after the header big-endian and of the
width its header gives. Three files: RSA, ECC, and DSA/DH/key data.
"""

from __future__ import annotations

import struct
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.hazmat.primitives import keywrap
from cryptography.hazmat.primitives.asymmetric import ec

from vectorgen.blobs import (
    dh_v2_private,
    dh_v2_public,
    dh_v3,
    dss_v2,
    dss_v3,
    rsa_private,
    rsa_public,
)
from vectorgen.common import (
    Blob,
    Case,
    Json,
    RsaNumbers,
    VectorFile,
    big,
    dh_key,
    dsa_key,
    error,
    hx,
    invalid,
    pkcs8,
    random_bytes,
    require,
    rsa_key,
    spki,
    valid,
)
from vectorgen.decode import bad, ok

# -- an independent CNG writer --------------------------------------------------------


@dataclass(frozen=True)
class F:
    """One CNG field: ``kind`` is ``bytes``, ``uint`` (a little-endian ULONG) or ``ubig``."""

    path: str
    kind: str
    size: int
    value: int | bytes


def cng(layout: str, fields: Sequence[F]) -> Blob:
    out = bytearray()
    described: list[Json] = []
    for f in fields:
        if f.kind == "bytes":
            require(isinstance(f.value, bytes) and len(f.value) == f.size, f.path)
            raw, shown = f.value, hx(f.value)
        elif f.kind == "uint":
            require(isinstance(f.value, int) and f.size == 4, f.path)
            raw, shown = struct.pack("<I", f.value), f.value
        else:
            require(isinstance(f.value, int), f.path)
            raw = f.value.to_bytes(f.size, "big")
            shown = f.value if f.size <= 4 else big(f.value)
        described.append(
            {
                "path": f.path,
                "offset": len(out),
                "size": f.size,
                "type": f.kind,
                "value": shown,
            }
        )
        out += raw
    return Blob(layout, bytes(out), tuple(described))


def u32(value: int) -> bytes:
    return struct.pack("<I", value)


def blen(value: int) -> int:
    return (value.bit_length() + 7) // 8


def put(data: bytes, offset: int, raw: bytes) -> bytes:
    return data[:offset] + raw + data[offset + len(raw) :]


# -- RSA ----------------------------------------------------------------------------


def rsa_cng(
    r: RsaNumbers,
    magic: str,
    *,
    cb_e: int | None = None,
    cb_n: int | None = None,
    cb_p: int | None = None,
) -> Blob:
    ce = blen(r.e) if cb_e is None else cb_e
    k = blen(r.n) if cb_n is None else cb_n
    p1 = blen(r.p) if cb_p is None else cb_p
    p2 = blen(r.q)
    private = magic != "RSA1"
    fields = [
        F("magic", "bytes", 4, magic.encode()),
        F("bit_length", "uint", 4, 8 * k),
        F("cb_public_exp", "uint", 4, ce),
        F("cb_modulus", "uint", 4, k),
        F("cb_prime1", "uint", 4, p1 if private else 0),
        F("cb_prime2", "uint", 4, p2 if private else 0),
        F("public_exponent", "ubig", ce, r.e),
        F("modulus", "ubig", k, r.n),
    ]
    if private:
        fields += [F("prime1", "ubig", p1, r.p), F("prime2", "ubig", p2, r.q)]
    if magic == "RSA3":
        fields += [
            F("exponent1", "ubig", p1, r.dp),
            F("exponent2", "ubig", p2, r.dq),
            F("coefficient", "ubig", p1, r.qinv),
            F("private_exponent", "ubig", k, r.d),
        ]
    return cng(f"CNG-{magic}", fields)


def rsa_json(r: RsaNumbers, private: bool) -> Json:
    return r.private_json() if private else r.public_json()


def _key_import(
    name: str,
    comment: str,
    flags: list[str],
    blob: bytes,
    kind: str,
    key: Any,
    numbers: Json,
    curve: str | None = None,
) -> Case:
    der = pkcs8(key) if kind == "private" else spki(key)
    return valid(
        name,
        comment,
        flags,
        blob=hx(blob),
        kind=kind,
        curve=curve,
        keyDer=der,
        keyNumbers=numbers,
    )


def _key_import_bad(
    name: str,
    comment: str,
    flags: list[str],
    blob: bytes,
    kind: str,
    expected: Json,
    curve: str | None = None,
) -> Case:
    return invalid(
        name, comment, flags, expected, blob=hx(blob), kind=kind, curve=curve
    )


def _export(
    name: str,
    comment: str,
    key: Any,
    kind: str,
    blob: bytes,
    *,
    full: bool = True,
    ecdh: bool = False,
    version: int | None = None,
) -> Case:
    der = pkcs8(key) if kind == "private" else spki(key)
    return valid(
        name,
        comment,
        [],
        keyDer=der,
        kind=kind,
        full=full,
        ecdh=ecdh,
        version=version,
        blob=hx(blob),
    )


def _convert(
    name: str,
    comment: str,
    flags: list[str],
    blob: bytes,
    to: str,
    out: bytes,
    alg: int | None = None,
) -> Case:
    return valid(name, comment, flags, blob=hx(blob), to=to, algId=alg, output=hx(out))


def _convert_bad(
    name: str, comment: str, flags: list[str], blob: bytes, to: str, expected: Json
) -> Case:
    return invalid(name, comment, flags, expected, blob=hx(blob), to=to, algId=None)


def rsa_file() -> VectorFile:
    f = VectorFile(
        "cng_rsa_key_blob_test.json",
        "CNG BCRYPT_RSAKEY_BLOB",
        [
            "CNG RSA key blobs (SPEC §20.3): RSA1, RSA2 and RSA3 with the magic at offset 0,",
            "little-endian header ULONGs and big-endian numbers; decoding, conversion to and",
            "from keys, and conversion to and from the CryptoAPI layouts (SPEC §20.11).",
        ],
    )
    k2048 = RsaNumbers.of(rsa_key("rsa-2048"))
    k1032 = RsaNumbers.of(rsa_key("rsa-1032"))
    k_e3 = RsaNumbers.of(rsa_key("rsa-2048-e3"))
    k_unbal = RsaNumbers.of(rsa_key("rsa-2048-unbalanced"))
    k520 = RsaNumbers.of(rsa_key("rsa-520"))
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    pub, priv, full = (rsa_cng(k2048, m) for m in ("RSA1", "RSA2", "RSA3"))
    decode.add(
        ok(
            "rsa-2048-rsa1",
            "BCRYPT_RSAPUBLIC_BLOB: e in 3 bytes, n in 256",
            pub,
            ["CngLayout"],
        ),
        ok("rsa-2048-rsa2", "BCRYPT_RSAPRIVATE_BLOB: n, e, p, q", priv, ["CngLayout"]),
        ok(
            "rsa-2048-rsa3",
            "BCRYPT_RSAFULLPRIVATE_BLOB: with the CRT values and d",
            full,
            ["CngLayout"],
        ),
        ok(
            "rsa-1032-rsa3",
            "a 1032-bit key: 65-byte primes, 129-byte modulus",
            rsa_cng(k1032, "RSA3"),
            ["CngLayout"],
        ),
        ok(
            "rsa-2048-e3-rsa3",
            "public exponent 3: cbPublicExp 1",
            rsa_cng(k_e3, "RSA3"),
            ["CngLayout", "SmallExponent"],
        ),
        ok(
            "rsa-2048-unbalanced-rsa3",
            "a 1088-bit p and a 960-bit q: cbPrime1 136, cbPrime2 120 (a CryptoAPI blob cannot hold it)",
            rsa_cng(k_unbal, "RSA3"),
            ["CngLayout"],
        ),
        ok(
            "rsa-520-rsa1",
            "a 520-bit key (BitLength 520)",
            rsa_cng(k520, "RSA1"),
            ["CngLayout"],
        ),
    )
    decode.add(
        bad(
            "truncated-header",
            "10 bytes: the header ends inside cbPublicExp",
            ["CngTruncated"],
            pub.data[:10],
            "TruncatedError",
            "CNG-1",
            8,
            "cb_public_exp",
        ),
        bad(
            "magic-only",
            "the magic alone",
            ["CngTruncated"],
            b"RSA2",
            "TruncatedError",
            "CNG-1",
            4,
            "bit_length",
        ),
        bad(
            "truncated-modulus",
            "the modulus is one byte short",
            ["CngTruncated"],
            pub.data[:-1],
            "TruncatedError",
            "CNG-2",
            27,
            "modulus",
        ),
        bad(
            "truncated-d",
            "RSA3 without the last byte of d",
            ["CngTruncated"],
            full.data[:-1],
            "TruncatedError",
            "CNG-2",
            len(full.data) - 256,
            "private_exponent",
        ),
        bad(
            "trailing-byte",
            "one byte after the blob",
            ["CngTrailing"],
            pub.data + b"\0",
            "TrailingDataError",
            "CNG-2",
            len(pub.data),
            None,
            lenient={
                "result": "valid",
                "canonical": hx(pub.data),
                "tolerated": [
                    {"kind": "trailing-data", "offset": len(pub.data), "rule": "CNG-2"}
                ],
            },
        ),
        bad(
            "bitlen-2049",
            "BitLength not a multiple of 8",
            ["CngRsaSizes"],
            put(pub.data, 4, u32(2049)),
            "InvalidFieldError",
            "CRSA-1",
            4,
            "bit_length",
        ),
        bad(
            "bitlen-256",
            "BitLength 256, below 512",
            ["CngRsaSizes"],
            put(put(pub.data, 4, u32(256)), 12, u32(32)),
            "InvalidFieldError",
            "CRSA-1",
            4,
            "bit_length",
        ),
        bad(
            "bitlen-20000",
            "BitLength above 16384",
            ["CngRsaSizes"],
            put(pub.data, 4, u32(20000)),
            "InvalidFieldError",
            "CRSA-1",
            4,
            "bit_length",
        ),
        bad(
            "cbmodulus-255",
            "cbModulus is not BitLength / 8",
            ["CngRsaSizes"],
            put(pub.data, 12, u32(255)),
            "InvalidFieldError",
            "CRSA-2",
            12,
            "cb_modulus",
        ),
        bad(
            "cbmodulus-huge",
            "cbModulus 0xFFFFFFFF: refused before any read",
            ["CngRsaSizes", "CngHostileLength"],
            put(pub.data, 12, u32(0xFFFFFFFF)),
            "InvalidFieldError",
            "CRSA-2",
            12,
            "cb_modulus",
        ),
        bad(
            "cbpublicexp-9",
            "cbPublicExp 9: exponents are at most 64 bits",
            ["CngRsaSizes"],
            put(pub.data, 8, u32(9)),
            "InvalidFieldError",
            "CRSA-3",
            8,
            "cb_public_exp",
        ),
        bad(
            "cbpublicexp-0",
            "cbPublicExp 0",
            ["CngRsaSizes"],
            put(pub.data, 8, u32(0)),
            "InvalidFieldError",
            "CRSA-3",
            8,
            "cb_public_exp",
        ),
        bad(
            "rsa1-with-cbprime",
            "an RSA1 blob with cbPrime1 128",
            ["CngRsaSizes"],
            put(pub.data, 16, u32(128)),
            "InvalidFieldError",
            "CRSA-3",
            16,
            "cb_prime1",
        ),
        bad(
            "rsa2-cbprime2-0",
            "an RSA2 blob with cbPrime2 0",
            ["CngRsaSizes"],
            put(priv.data, 20, u32(0)),
            "InvalidFieldError",
            "CRSA-3",
            20,
            "cb_prime2",
        ),
        bad(
            "rsa2-cbprime1-huge",
            "cbPrime1 0xFFFFFFFF: refused before any read",
            ["CngRsaSizes", "CngHostileLength"],
            put(priv.data, 16, u32(0xFFFFFFFF)),
            "InvalidFieldError",
            "CRSA-3",
            16,
            "cb_prime1",
        ),
    )
    padded_n = rsa_cng(k2048, "RSA1", cb_n=257)
    padded_e = rsa_cng(k2048, "RSA1", cb_e=4)
    padded_p = rsa_cng(k2048, "RSA2", cb_p=129)
    even = RsaNumbers(k2048.n, 65536, 0, 0, 0, 0, 0, 0)
    one = RsaNumbers(k2048.n, 1, 0, 0, 0, 0, 0, 0)
    decode.add(
        bad(
            "modulus-leading-zero",
            "a 2048-bit modulus in 257 bytes (BitLength 2056): its first byte is zero",
            ["CngLeadingZero"],
            padded_n.data,
            "InvalidFieldError",
            "CRSA-4",
            27,
            "modulus",
        ),
        bad(
            "exponent-leading-zero",
            "65537 in 4 bytes (00 01 00 01): cbPublicExp is not the exponent's length",
            ["CngLeadingZero"],
            padded_e.data,
            "InvalidFieldError",
            "CRSA-4",
            24,
            "public_exponent",
        ),
        bad(
            "prime-leading-zero",
            "p in 129 bytes with a zero first byte",
            ["CngLeadingZero"],
            padded_p.data,
            "InvalidFieldError",
            "CRSA-4",
            283,
            "prime1",
        ),
        bad(
            "exponent-even",
            "e = 65536",
            ["CngRsaExponent"],
            rsa_cng(even, "RSA1").data,
            "InvalidFieldError",
            "CRSA-5",
            24,
            "public_exponent",
        ),
        bad(
            "exponent-one",
            "e = 1",
            ["CngRsaExponent"],
            rsa_cng(one, "RSA1").data,
            "InvalidFieldError",
            "CRSA-5",
            24,
            "public_exponent",
        ),
    )

    imports = f.group(
        "CngKeyImport",
        "CNG blobs to keys: load_public_key / load_private_key (SPEC §20.10).",
    )
    key2048 = rsa_key("rsa-2048")
    imports.add(
        _key_import(
            "import-rsa1",
            "RSA1 to SubjectPublicKeyInfo",
            [],
            pub.data,
            "public",
            key2048.public_key(),
            rsa_json(k2048, False),
        ),
        _key_import(
            "import-rsa3",
            "RSA3 to PKCS#8",
            [],
            full.data,
            "private",
            key2048,
            rsa_json(k2048, True),
        ),
        _key_import(
            "import-rsa2",
            "RSA2: d and the CRT values are computed (d mod lambda)",
            ["CngRsa2"],
            priv.data,
            "private",
            key2048,
            rsa_json(k2048, True),
        ),
    )
    e3 = rsa_key("rsa-2048-e3")
    phi_d = pow(k_e3.e, -1, (k_e3.p - 1) * (k_e3.q - 1))
    k_phi = RsaNumbers(
        k_e3.n,
        k_e3.e,
        phi_d,
        k_e3.p,
        k_e3.q,
        phi_d % (k_e3.p - 1),
        phi_d % (k_e3.q - 1),
        k_e3.qinv,
    )
    imports.add(
        _key_import(
            "import-rsa3-d-mod-phi",
            "RSA3 whose d is reduced mod phi(n), as some Windows versions write it",
            ["CngRsaD"],
            rsa_cng(k_phi, "RSA3").data,
            "private",
            k_phi.private_key(),
            rsa_json(k_phi, True),
        ),
        _key_import(
            "import-rsa3-e3",
            "RSA3 with e = 3",
            ["SmallExponent"],
            rsa_cng(k_e3, "RSA3").data,
            "private",
            e3,
            rsa_json(k_e3, True),
        ),
    )
    wrong_q = RsaNumbers(
        k2048.n, k2048.e, k2048.d, k2048.p, k2048.q + 2, k2048.dp, k2048.dq, k2048.qinv
    )
    wrong_dp = RsaNumbers(
        k2048.n, k2048.e, k2048.d, k2048.p, k2048.q, k2048.dp ^ 2, k2048.dq, k2048.qinv
    )
    even_n = RsaNumbers(k2048.n - 1, k2048.e, 0, 0, 0, 0, 0, 0)
    imports.add(
        _key_import_bad(
            "import-rsa2-wrong-q",
            "RSA2 whose primes do not multiply to n",
            ["CngKeyRelation"],
            rsa_cng(wrong_q, "RSA2").data,
            "private",
            error("KeyConversionError", "KEY-2", relation="n == p*q"),
        ),
        _key_import_bad(
            "import-rsa3-wrong-dp",
            "RSA3 whose exponent1 is not d mod (p-1)",
            ["CngKeyRelation"],
            rsa_cng(wrong_dp, "RSA3").data,
            "private",
            error("KeyConversionError", "KEY-2", relation="exponent1 == d mod (p-1)"),
        ),
        _key_import_bad(
            "import-rsa1-even-modulus",
            "an even modulus",
            ["CngKeyRelation"],
            rsa_cng(even_n, "RSA1").data,
            "public",
            error("KeyConversionError", "KEY-1", relation="n odd, n > e"),
        ),
    )

    exports = f.group(
        "CngKeyExport",
        "Keys to CNG blobs: dump_public_key / dump_private_key with format='cng'.",
    )
    key1032 = rsa_key("rsa-1032")
    exports.add(
        _export(
            "export-rsa-2048-public", "RSA1", key2048.public_key(), "public", pub.data
        ),
        _export(
            "export-rsa-2048-full",
            "RSA3 (full=True, the default)",
            key2048,
            "private",
            full.data,
        ),
        _export(
            "export-rsa-2048-rsa2",
            "RSA2 (full=False)",
            key2048,
            "private",
            priv.data,
            full=False,
        ),
        _export(
            "export-rsa-1032-full",
            "a 1032-bit key",
            key1032,
            "private",
            rsa_cng(k1032, "RSA3").data,
        ),
        _export(
            "export-rsa-unbalanced-full",
            "unbalanced primes: each in its own length",
            rsa_key("rsa-2048-unbalanced"),
            "private",
            rsa_cng(k_unbal, "RSA3").data,
        ),
    )

    conv = f.group(
        "BlobConvert",
        "convert_blob between the CryptoAPI and CNG layouts (SPEC §20.11).",
    )
    capi_pub = rsa_public(k2048.n, k2048.e)
    capi_priv = rsa_private(k2048)
    big_e = RsaNumbers(k2048.n, (1 << 32) + 15, 0, 0, 0, 0, 0, 0)
    small = rsa_public((1 << 383) + 1, 65537, bits=384)
    conv.add(
        _convert(
            "capi-rsa1-to-cng",
            "PUBLICKEYBLOB RSA1 to BCRYPT_RSAPUBLIC_BLOB",
            ["CngConversion"],
            capi_pub.data,
            "cng",
            pub.data,
        ),
        _convert(
            "capi-rsa2-to-cng",
            "PRIVATEKEYBLOB RSA2 to RSA3",
            ["CngConversion"],
            capi_priv.data,
            "cng",
            full.data,
        ),
        _convert(
            "cng-rsa1-to-capi",
            "RSA1 to PUBLICKEYBLOB (CALG_RSA_KEYX)",
            ["CngConversion"],
            pub.data,
            "capi",
            capi_pub.data,
        ),
        _convert(
            "cng-rsa3-to-capi",
            "RSA3 to PRIVATEKEYBLOB",
            ["CngConversion"],
            full.data,
            "capi",
            capi_priv.data,
        ),
        _convert(
            "cng-rsa2-to-capi",
            "RSA2 to PRIVATEKEYBLOB: d mod lambda and the CRT values computed",
            ["CngConversion", "CngRsa2"],
            priv.data,
            "capi",
            capi_priv.data,
        ),
        _convert(
            "cng-rsa3-to-capi-sign",
            "RSA3 to PRIVATEKEYBLOB with aiKeyAlg CALG_RSA_SIGN",
            ["CngConversion"],
            full.data,
            "capi",
            rsa_private(k2048, alg="CALG_RSA_SIGN").data,
            alg=0x2400,
        ),
        _convert_bad(
            "cng-unbalanced-to-capi",
            "primes longer than ceil(bitlen/16) bytes",
            ["CngConversion"],
            rsa_cng(k_unbal, "RSA3").data,
            "capi",
            error("KeyConversionError", "CKEY-3"),
        ),
        _convert_bad(
            "cng-exponent-33-bits-to-capi",
            "e >= 2^32 does not fit RSAPUBKEY.pubexp",
            ["CngConversion"],
            rsa_cng(big_e, "RSA1").data,
            "capi",
            error("KeyConversionError", "CKEY-3"),
        ),
        _convert_bad(
            "capi-384-bit-to-cng",
            "a 384-bit CryptoAPI key is below CNG's 512 bits",
            ["CngConversion"],
            small.data,
            "cng",
            error("KeyConversionError", "CKEY-3"),
        ),
    )
    return f


# -- ECC ----------------------------------------------------------------------------

CURVES: dict[str, tuple[ec.EllipticCurve, int, int, int]] = {
    # name: (curve, cbKey, first magic digit, field prime)
    "P-256": (ec.SECP256R1(), 32, 1, 2**256 - 2**224 + 2**192 + 2**96 - 1),
    "P-384": (ec.SECP384R1(), 48, 3, 2**384 - 2**128 - 2**96 + 2**32 - 1),
    "P-521": (ec.SECP521R1(), 66, 5, 2**521 - 1),
}
P256_A = CURVES["P-256"][3] - 3
P256_B = 0x5AC635D8AA3A93E7B3EBBD55769886BC651D06B0CC53B0F63BCE3C3E27D2604B
P256_GX = 0x6B17D1F2E12C4247F8BCE6E563A440F277037D812DEB33A0F4A13945D898C296
P256_GY = 0x4FE342E2FE1A7F9B8EE7EB4A7C0F9E162BCE33576B315ECECBB6406837BF51F5
P256_N = 0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551


def ec_key(label: str, curve: ec.EllipticCurve) -> ec.EllipticCurvePrivateKey:
    """A deterministic EC key: d from the PRNG for ``label``."""
    d = (
        int.from_bytes(random_bytes(f"ec/{label}", 80), "big")
        % (2 ** (curve.key_size - 1))
        + 1
    )
    return ec.derive_private_key(d, curve)


def ecc_cng(
    magic: str,
    size: int,
    x: int,
    y: int,
    d: int | None = None,
    layout: str | None = None,
) -> Blob:
    fields = [
        F("magic", "bytes", 4, magic.encode()),
        F("cb_key", "uint", 4, size),
        F("x", "ubig", size, x),
        F("y", "ubig", size, y),
    ]
    if d is not None:
        fields.append(F("d", "ubig", size, d))
    return cng(layout or f"CNG-{magic}", fields)


def full_cng(magic: str, x: int, y: int, d: int | None, *, curve_type: int = 1) -> Blob:
    f = 32
    fields = [
        F("magic", "bytes", 4, magic.encode()),
        F("version", "uint", 4, 1),
        F("curve_type", "uint", 4, curve_type),
        F("curve_generation_alg", "uint", 4, 0),
        F("cb_field_length", "uint", 4, f),
        F("cb_subgroup_order", "uint", 4, 32),
        F("cb_cofactor", "uint", 4, 1),
        F("cb_seed", "uint", 4, 0),
        F("prime", "ubig", f, CURVES["P-256"][3]),
        F("a", "ubig", f, P256_A),
        F("b", "ubig", f, P256_B),
        F("gx", "ubig", f, P256_GX),
        F("gy", "ubig", f, P256_GY),
        F("order", "ubig", 32, P256_N),
        F("cofactor", "ubig", 1, 1),
        F("seed", "bytes", 0, b""),
        F("x", "ubig", f, x),
        F("y", "ubig", f, y),
    ]
    if d is not None:
        fields.append(F("d", "ubig", 32, d))
    return cng(f"CNG-FULL-{magic}", fields)


def ec_json(key: ec.EllipticCurvePrivateKey, private: bool) -> Json:
    nums = key.private_numbers()
    out = {"qx": big(nums.public_numbers.x), "qy": big(nums.public_numbers.y)}
    return {**out, "d": big(nums.private_value)} if private else out


def ecc_file() -> VectorFile:
    f = VectorFile(
        "cng_ecc_key_blob_test.json",
        "CNG BCRYPT_ECCKEY_BLOB and BCRYPT_ECCFULLKEY_BLOB",
        [
            "CNG ECC key blobs (SPEC §20.4, §20.5): ECDSA ECS1..ECS6 and ECDH ECK1..ECK6 on",
            "P-256, P-384 and P-521, the generic magics ECDP/ECDV/ECKP/ECKV that name no curve,",
            "and the explicit-parameter full key blob; decoding and conversion to and from keys.",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    keys = {name: ec_key(name, c[0]) for name, c in CURVES.items()}
    blobs: dict[str, Blob] = {}
    for name, (_, size, digit, _) in CURVES.items():
        nums = keys[name].private_numbers()
        x, y, d = nums.public_numbers.x, nums.public_numbers.y, nums.private_value
        for prefix, what in (("ECS", "ECDSA"), ("ECK", "ECDH")):
            pub = ecc_cng(f"{prefix}{digit}", size, x, y)
            prv = ecc_cng(f"{prefix}{digit + 1}", size, x, y, d)
            blobs[f"{prefix}{digit}"], blobs[f"{prefix}{digit + 1}"] = pub, prv
            decode.add(
                ok(
                    f"{prefix.lower()}{digit}-{name.lower()}",
                    f"{what} {name} public: X and Y, {size} bytes each",
                    pub,
                    ["CngLayout"],
                ),
                ok(
                    f"{prefix.lower()}{digit + 1}-{name.lower()}",
                    f"{what} {name} private: X, Y and d",
                    prv,
                    ["CngLayout"],
                ),
            )
    p256 = keys["P-256"].private_numbers()
    gx, gy, gd = p256.public_numbers.x, p256.public_numbers.y, p256.private_value
    for magic in ("ECDP", "ECDV", "ECKP", "ECKV"):
        blob = ecc_cng(magic, 32, gx, gy, gd if magic.endswith("V") else None)
        blobs[magic] = blob
        decode.add(
            ok(
                f"generic-{magic.lower()}",
                f"{magic}: a generic magic, the curve is not in the blob (a P-256 key)",
                blob,
                ["CngLayout", "CngGenericCurve"],
            )
        )
    for magic in ("ECDP", "ECDV", "ECKP", "ECKV"):
        decode.add(
            ok(
                f"full-{magic.lower()}",
                f"BCRYPT_ECCFULLKEY_BLOB with {magic}: P-256 given explicitly",
                full_cng(magic, gx, gy, gd if magic.endswith("V") else None),
                ["CngLayout", "CngEccFull"],
            )
        )
    p521 = CURVES["P-521"][3]
    decode.add(
        bad(
            "ecs1-cbkey-48",
            "ECS1 (P-256) with cbKey 48",
            ["CngEccSize"],
            put(blobs["ECS1"].data, 4, u32(48)),
            "InvalidFieldError",
            "CECC-1",
            4,
            "cb_key",
        ),
        bad(
            "ecs5-cbkey-65",
            "ECS5 (P-521) with cbKey 65: 521 bits need 66 bytes",
            ["CngEccSize"],
            put(blobs["ECS5"].data, 4, u32(65)),
            "InvalidFieldError",
            "CECC-1",
            4,
            "cb_key",
        ),
        bad(
            "ecdp-cbkey-8",
            "a generic blob with 8-byte coordinates",
            ["CngEccSize"],
            ecc_cng("ECDP", 8, 1, 2).data,
            "InvalidFieldError",
            "CECC-1",
            4,
            "cb_key",
        ),
        bad(
            "eckv-cbkey-huge",
            "a generic blob with cbKey 0xFFFFFFFF: refused before any read",
            ["CngEccSize", "CngHostileLength"],
            b"ECKV" + u32(0xFFFFFFFF) + bytes(8),
            "InvalidFieldError",
            "CECC-1",
            4,
            "cb_key",
        ),
        bad(
            "ecs1-x-is-p",
            "X equal to the field prime",
            ["CngEccRange"],
            ecc_cng("ECS1", 32, CURVES["P-256"][3], gy).data,
            "InvalidFieldError",
            "CECC-2",
            8,
            "x",
        ),
        bad(
            "ecs2-d-zero",
            "d = 0",
            ["CngEccRange"],
            ecc_cng("ECS2", 32, gx, gy, 0).data,
            "InvalidFieldError",
            "CECC-2",
            72,
            "d",
        ),
        bad(
            "ecs2-d-is-n",
            "d = n",
            ["CngEccRange"],
            ecc_cng("ECS2", 32, gx, gy, P256_N).data,
            "InvalidFieldError",
            "CECC-2",
            72,
            "d",
        ),
        bad(
            "ecs5-x-522-bits",
            "P-521 X with its top byte 0x02: above the field prime",
            ["CngEccRange"],
            ecc_cng("ECS5", 66, p521 + 1, 5).data,
            "InvalidFieldError",
            "CECC-2",
            8,
            "x",
        ),
        bad(
            "ecs1-truncated-y",
            "ECS1 with Y one byte short",
            ["CngTruncated"],
            blobs["ECS1"].data[:-1],
            "TruncatedError",
            "CNG-2",
            40,
            "y",
        ),
        bad(
            "full-curve-type-7",
            "a full key blob with dwCurveType 7",
            ["CngEccFull"],
            put(full_cng("ECDP", gx, gy, None).data, 8, u32(7)),
            "InvalidFieldError",
            "CECC-3",
            8,
            "curve_type",
        ),
        bad(
            "full-field-length-67",
            "a full key blob with cbFieldLength 67",
            ["CngEccFull"],
            put(full_cng("ECDP", gx, gy, None).data, 16, u32(67)),
            "InvalidFieldError",
            "CECC-3",
            16,
            "cb_field_length",
        ),
        bad(
            "full-prime-leading-zero",
            "a full key blob whose prime starts with a zero byte",
            ["CngEccFull", "CngLeadingZero"],
            put(full_cng("ECDP", gx, gy, None).data, 32, b"\0"),
            "InvalidFieldError",
            "CECC-2",
            32,
            "prime",
        ),
    )
    imports = f.group(
        "CngKeyImport",
        "CNG blobs to keys (SPEC §20.10): the point is on the curve, d*G = Q.",
    )
    for name, (_, _, digit, _) in CURVES.items():
        key = keys[name]
        imports.add(
            _key_import(
                f"import-ecs{digit}-{name.lower()}",
                f"{name} public key",
                [],
                blobs[f"ECS{digit}"].data,
                "public",
                key.public_key(),
                ec_json(key, False),
            ),
            _key_import(
                f"import-ecs{digit + 1}-{name.lower()}",
                f"{name} private key",
                [],
                blobs[f"ECS{digit + 1}"].data,
                "private",
                key,
                ec_json(key, True),
            ),
            _key_import(
                f"import-eck{digit + 1}-{name.lower()}",
                f"{name} ECDH private key",
                [],
                blobs[f"ECK{digit + 1}"].data,
                "private",
                key,
                ec_json(key, True),
            ),
        )
    key = keys["P-256"]
    other = ec_key("other", ec.SECP256R1()).private_numbers().private_value
    imports.add(
        _key_import(
            "import-generic-with-curve",
            "ECKV with curve P-256 given by the caller",
            ["CngGenericCurve"],
            blobs["ECKV"].data,
            "private",
            key,
            ec_json(key, True),
            curve="P-256",
        ),
        _key_import_bad(
            "import-generic-without-curve",
            "ECDP names no curve and none is given",
            ["CngGenericCurve"],
            blobs["ECDP"].data,
            "public",
            error("InvalidParameterError", "CKEY-2"),
        ),
        _key_import_bad(
            "import-generic-wrong-curve",
            "ECDV with 32-byte coordinates but curve P-384",
            ["CngGenericCurve"],
            blobs["ECDV"].data,
            "private",
            error("InvalidParameterError", "CKEY-2"),
            curve="P-384",
        ),
        _key_import_bad(
            "import-named-other-curve",
            "ECS2 (P-256) with curve P-521 given",
            ["CngGenericCurve"],
            blobs["ECS2"].data,
            "private",
            error("InvalidParameterError", "CKEY-2"),
            curve="P-521",
        ),
        _key_import_bad(
            "import-off-curve",
            "Y + 1: the point is not on P-256",
            ["CngKeyRelation"],
            ecc_cng("ECS1", 32, gx, gy ^ 1).data,
            "public",
            error("KeyConversionError", "CKEY-1", relation="Q on the curve"),
        ),
        _key_import_bad(
            "import-d-mismatch",
            "d of another key",
            ["CngKeyRelation"],
            ecc_cng("ECS2", 32, gx, gy, other).data,
            "private",
            error("KeyConversionError", "CKEY-1", relation="Q == d*G"),
        ),
    )
    exports = f.group(
        "CngKeyExport",
        "EC keys to CNG blobs (format='cng'; ecdh picks the ECK magics).",
    )
    for name, (_, _, digit, _) in CURVES.items():
        key = keys[name]
        exports.add(
            _export(
                f"export-{name.lower()}-ecdsa",
                f"{name} private key as ECS{digit + 1}",
                key,
                "private",
                blobs[f"ECS{digit + 1}"].data,
            ),
            _export(
                f"export-{name.lower()}-ecdh",
                f"{name} private key as ECK{digit + 1} (ecdh=True)",
                key,
                "private",
                blobs[f"ECK{digit + 1}"].data,
                ecdh=True,
            ),
            _export(
                f"export-{name.lower()}-public",
                f"{name} public key as ECS{digit}",
                key.public_key(),
                "public",
                blobs[f"ECS{digit}"].data,
            ),
        )
    k1 = ec_key("secp256k1", ec.SECP256K1())
    n1 = k1.private_numbers()
    exports.add(
        _export(
            "export-secp256k1-generic",
            "a curve without a named magic: ECDV",
            k1,
            "private",
            ecc_cng(
                "ECDV", 32, n1.public_numbers.x, n1.public_numbers.y, n1.private_value
            ).data,
        ),
    )
    return f


# -- DSA, DH, key data -----------------------------------------------------------------


def dsa_v1(
    p: int,
    q: int,
    g: int,
    y: int,
    x: int | None,
    *,
    cb_key: int | None = None,
    counter: int = 0xFFFFFFFF,
    seed: bytes = b"\xff" * 20,
) -> Blob:
    k = blen(p) if cb_key is None else cb_key
    magic = "DSPB" if x is None else "DSPV"
    fields = [
        F("magic", "bytes", 4, magic.encode()),
        F("cb_key", "uint", 4, k),
        F("counter", "ubig", 4, counter),
        F("seed", "bytes", 20, seed),
        F("q", "ubig", 20, q),
        F("p", "ubig", k, p),
        F("g", "ubig", k, g),
        F("y", "ubig", k, y),
    ]
    if x is not None:
        fields.append(F("x", "ubig", 20, x))
    return cng(f"CNG-{magic}", fields)


def dsa_v2(
    p: int,
    q: int,
    g: int,
    y: int,
    x: int | None,
    *,
    hash_alg: int = 1,
    standard: int = 1,
    seed: bytes | None = None,
    counter: int = 0xFFFFFFFF,
) -> Blob:
    group = blen(q)
    seed = b"\xff" * group if seed is None else seed
    k = blen(p)
    magic = "DPB2" if x is None else "DPV2"
    fields = [
        F("magic", "bytes", 4, magic.encode()),
        F("cb_key", "uint", 4, k),
        F("hash_algorithm", "uint", 4, hash_alg),
        F("standard_version", "uint", 4, standard),
        F("cb_seed_length", "uint", 4, len(seed)),
        F("cb_group_size", "uint", 4, group),
        F("counter", "ubig", 4, counter),
        F("seed", "bytes", len(seed), seed),
        F("q", "ubig", group, q),
        F("p", "ubig", k, p),
        F("g", "ubig", k, g),
        F("y", "ubig", k, y),
    ]
    if x is not None:
        fields.append(F("x", "ubig", group, x))
    return cng(f"CNG-{magic}", fields)


def dh_cng(p: int, g: int, y: int, x: int | None, *, cb_key: int | None = None) -> Blob:
    k = blen(p) if cb_key is None else cb_key
    magic = "DHPB" if x is None else "DHPV"
    fields = [
        F("magic", "bytes", 4, magic.encode()),
        F("cb_key", "uint", 4, k),
        F("p", "ubig", k, p),
        F("g", "ubig", k, g),
        F("y", "ubig", k, y),
    ]
    if x is not None:
        fields.append(F("x", "ubig", k, x))
    return cng(f"CNG-{magic}", fields)


def kdbm(key: bytes, *, version: int = 1) -> Blob:
    return cng(
        "CNG-KDBM",
        [
            F("magic", "bytes", 4, b"KDBM"),
            F("version", "uint", 4, version),
            F("cb_key_data", "uint", 4, len(key)),
            F("key", "bytes", len(key), key),
        ],
    )


def _dsa_json(p: int, q: int, g: int, y: int, x: int | None) -> Json:
    out = {"p": big(p), "q": big(q), "g": big(g), "y": big(y)}
    return out if x is None else {**out, "x": big(x)}


def _dh_json(p: int, g: int, y: int, x: int | None) -> Json:
    out = {"p": big(p), "g": big(g), "y": big(y)}
    return out if x is None else {**out, "x": big(x)}


def dsa_dh_file() -> VectorFile:
    f = VectorFile(
        "cng_dsa_dh_key_blob_test.json",
        "CNG BCRYPT_DSA_KEY_BLOB (V2), BCRYPT_DH_KEY_BLOB, BCRYPT_KEY_DATA_BLOB",
        [
            "CNG DSA (versions 1 and 2), Diffie-Hellman and symmetric key data blobs (SPEC",
            "§20.6-§20.9), the NCRYPT and parameter headers that are refused by name, the",
            "conversions to keys and to the CryptoAPI layouts, and the AES key wrap blob.",
        ],
    )
    d1 = dsa_key("dsa-1024").private_numbers()
    g1 = d1.public_numbers.parameter_numbers
    d2 = dsa_key("dsa-2048").private_numbers()
    g2 = d2.public_numbers.parameter_numbers
    h = dh_key("dh-512").private_numbers()
    hg = h.public_numbers.parameter_numbers
    v1_pub = dsa_v1(g1.p, g1.q, g1.g, d1.public_numbers.y, None)
    v1_prv = dsa_v1(g1.p, g1.q, g1.g, d1.public_numbers.y, d1.x)
    v2_pub = dsa_v2(g2.p, g2.q, g2.g, d2.public_numbers.y, None)
    v2_prv = dsa_v2(g2.p, g2.q, g2.g, d2.public_numbers.y, d2.x)
    dh_pub = dh_cng(hg.p, hg.g, h.public_numbers.y, None)
    dh_prv = dh_cng(hg.p, hg.g, h.public_numbers.y, h.x)
    aes = random_bytes("cng/kdbm", 16)
    kd = kdbm(aes)
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    decode.add(
        ok(
            "dspb-1024",
            "DSA version 1 public, no seed (Count 0xFFFFFFFF)",
            v1_pub,
            ["CngLayout"],
        ),
        ok("dspv-1024", "DSA version 1 private", v1_prv, ["CngLayout"]),
        ok(
            "dpb2-2048",
            "DSA version 2 public: 2048-bit p, 256-bit q, SHA-256, FIPS 186-3",
            v2_pub,
            ["CngLayout"],
        ),
        ok("dpv2-2048", "DSA version 2 private", v2_prv, ["CngLayout"]),
        ok(
            "dspb-1024-seed",
            "DSA version 1 with a seed and Count 5 (big-endian)",
            dsa_v1(
                g1.p,
                g1.q,
                g1.g,
                d1.public_numbers.y,
                None,
                counter=5,
                seed=random_bytes("cng/seed", 20),
            ),
            ["CngLayout"],
        ),
        ok("dhpb-512", "DH public: p, g, y", dh_pub, ["CngLayout"]),
        ok("dhpv-512", "DH private: p, g, y, x", dh_prv, ["CngLayout"]),
        ok("kdbm-aes128", "BCRYPT_KEY_DATA_BLOB with a 16-byte key", kd, ["CngLayout"]),
    )
    p512_padded = dsa_v1(g1.p, g1.q, g1.g, d1.public_numbers.y, None, cb_key=128 + 8)
    small_q = dsa_v1(g1.p, g1.q >> 8, g1.g, d1.public_numbers.y, None)
    decode.add(
        bad(
            "dspb-cbkey-127",
            "DSA version 1 with cbKey 127",
            ["CngDsaSizes"],
            put(v1_pub.data, 4, u32(127)),
            "InvalidFieldError",
            "CDSA-1",
            4,
            "cb_key",
        ),
        bad(
            "dspb-cbkey-136",
            "DSA version 1 with cbKey 136 (1088 bits)",
            ["CngDsaSizes"],
            p512_padded.data,
            "InvalidFieldError",
            "CDSA-1",
            4,
            "cb_key",
        ),
        bad(
            "dpb2-hash-3",
            "hashAlgorithm 3",
            ["CngDsaSizes"],
            put(v2_pub.data, 8, u32(3)),
            "InvalidFieldError",
            "CDSA-1",
            8,
            "hash_algorithm",
        ),
        bad(
            "dpb2-standard-2",
            "standardVersion 2",
            ["CngDsaSizes"],
            put(v2_pub.data, 12, u32(2)),
            "InvalidFieldError",
            "CDSA-1",
            12,
            "standard_version",
        ),
        bad(
            "dpb2-group-24",
            "cbGroupSize 24",
            ["CngDsaSizes"],
            put(v2_pub.data, 20, u32(24)),
            "InvalidFieldError",
            "CDSA-1",
            20,
            "cb_group_size",
        ),
        bad(
            "dpb2-seed-16",
            "cbSeedLength 16, below cbGroupSize",
            ["CngDsaSizes"],
            put(v2_pub.data, 16, u32(16)),
            "InvalidFieldError",
            "CDSA-1",
            16,
            "cb_seed_length",
        ),
        bad(
            "dpb2-seed-huge",
            "cbSeedLength 0xFFFFFFFF: refused before any read",
            ["CngDsaSizes", "CngHostileLength"],
            put(v2_pub.data, 16, u32(0xFFFFFFFF)),
            "InvalidFieldError",
            "CDSA-1",
            16,
            "cb_seed_length",
        ),
        bad(
            "dspb-q-leading-zero",
            "a 152-bit q in the 20-byte field",
            ["CngLeadingZero"],
            small_q.data,
            "InvalidFieldError",
            "CDSA-2",
            32,
            "q",
        ),
        bad(
            "dspb-p-leading-zero",
            "p starts with a zero byte",
            ["CngLeadingZero"],
            put(v1_pub.data, 52, b"\0"),
            "InvalidFieldError",
            "CDSA-2",
            52,
            "p",
        ),
        bad(
            "dspb-truncated",
            "the header ends inside q",
            ["CngTruncated"],
            v1_pub.data[:40],
            "TruncatedError",
            "CNG-1",
            32,
            "q",
        ),
        bad(
            "dhpb-cbkey-65",
            "DH cbKey 65",
            ["CngDhSizes"],
            put(dh_pub.data, 4, u32(65)),
            "InvalidFieldError",
            "CDH-1",
            4,
            "cb_key",
        ),
        bad(
            "dhpb-cbkey-huge",
            "DH cbKey 0xFFFFFFF8: refused before any read",
            ["CngDhSizes", "CngHostileLength"],
            put(dh_pub.data, 4, u32(0xFFFFFFF8)),
            "InvalidFieldError",
            "CDH-1",
            4,
            "cb_key",
        ),
        bad(
            "dhpb-p-leading-zero",
            "p starts with a zero byte",
            ["CngLeadingZero"],
            put(dh_pub.data, 8, b"\0"),
            "InvalidFieldError",
            "CDH-2",
            8,
            "p",
        ),
        bad(
            "dhpv-truncated-x",
            "DHPV without its last byte",
            ["CngTruncated"],
            dh_prv.data[:-1],
            "TruncatedError",
            "CNG-2",
            8 + 3 * 64,
            "x",
        ),
        bad(
            "kdbm-version-2",
            "dwVersion 2",
            ["CngKeyData"],
            kdbm(aes, version=2).data,
            "InvalidFieldError",
            "CKD-1",
            4,
            "version",
        ),
        bad(
            "kdbm-empty",
            "cbKeyData 0",
            ["CngKeyData"],
            kdbm(b"").data,
            "InvalidFieldError",
            "CKD-2",
            8,
            "cb_key_data",
        ),
        bad(
            "kdbm-huge",
            "cbKeyData 0xFFFFFFFF with a 3-byte body",
            ["CngKeyData", "CngHostileLength"],
            b"KDBM" + u32(1) + u32(0xFFFFFFFF) + b"abc",
            "InvalidFieldError",
            "CKD-2",
            8,
            "cb_key_data",
        ),
        bad(
            "kdbm-short",
            "cbKeyData 32 with 16 bytes",
            ["CngTruncated"],
            b"KDBM" + u32(1) + u32(32) + aes,
            "TruncatedError",
            "CNG-2",
            12,
            "key",
        ),
        bad(
            "ncrypt-cipher-key-blob",
            "NCRYPT_KEY_BLOB_HEADER (magic CPHR at offset 4): not a key pair blob",
            ["CngOtherStructure"],
            u32(16) + b"CPHR" + u32(8) + u32(28),
            "UnsupportedBlobError",
            "CNG-3",
            4,
            "magic",
        ),
        bad(
            "dh-parameters",
            "BCRYPT_DH_PARAMETER_HEADER (DHPM at offset 4, cbLength = the input's length)",
            ["CngOtherStructure"],
            u32(12 + 128)
            + b"DHPM"
            + u32(64)
            + hg.p.to_bytes(64, "big")
            + hg.g.to_bytes(64, "big"),
            "UnsupportedBlobError",
            "CNG-3",
            4,
            "magic",
        ),
    )
    imports = f.group("CngKeyImport", "CNG blobs to keys (SPEC §20.10).")
    dkey1, dkey2, hkey = dsa_key("dsa-1024"), dsa_key("dsa-2048"), dh_key("dh-512")
    imports.add(
        _key_import(
            "import-dspb",
            "DSA version 1 public",
            [],
            v1_pub.data,
            "public",
            dkey1.public_key(),
            _dsa_json(g1.p, g1.q, g1.g, d1.public_numbers.y, None),
        ),
        _key_import(
            "import-dspv",
            "DSA version 1 private: y checked against x",
            [],
            v1_prv.data,
            "private",
            dkey1,
            _dsa_json(g1.p, g1.q, g1.g, d1.public_numbers.y, d1.x),
        ),
        _key_import(
            "import-dpv2",
            "DSA version 2 private",
            [],
            v2_prv.data,
            "private",
            dkey2,
            _dsa_json(g2.p, g2.q, g2.g, d2.public_numbers.y, d2.x),
        ),
        _key_import(
            "import-dhpb",
            "DH public",
            [],
            dh_pub.data,
            "public",
            hkey.public_key(),
            _dh_json(hg.p, hg.g, h.public_numbers.y, None),
        ),
        _key_import(
            "import-dhpv",
            "DH private: y checked against x",
            [],
            dh_prv.data,
            "private",
            hkey,
            _dh_json(hg.p, hg.g, h.public_numbers.y, h.x),
        ),
        _key_import_bad(
            "import-dspv-wrong-y",
            "a DSA private blob whose y is not g^x mod p",
            ["CngKeyRelation"],
            dsa_v1(g1.p, g1.q, g1.g, pow(g1.g, 2, g1.p), d1.x).data,
            "private",
            error("KeyConversionError", "KEY-4", relation="y == g^x mod p"),
        ),
        _key_import_bad(
            "import-dhpb-y-one",
            "a DH public value of 1",
            ["CngKeyRelation"],
            dh_cng(hg.p, hg.g, 1, None).data,
            "public",
            error("KeyConversionError", "KEY-3", relation="1 < y < p-1"),
        ),
    )
    exports = f.group("CngKeyExport", "DSA and DH keys to CNG blobs (format='cng').")
    exports.add(
        _export(
            "export-dsa-1024",
            "version 1 (q has 160 bits)",
            dkey1,
            "private",
            v1_prv.data,
        ),
        _export(
            "export-dsa-2048", "version 2 (256-bit q)", dkey2, "private", v2_prv.data
        ),
        _export(
            "export-dsa-1024-public",
            "version 1 public",
            dkey1.public_key(),
            "public",
            v1_pub.data,
        ),
        _export("export-dh-512", "DHPV", hkey, "private", dh_prv.data),
        _export(
            "export-dh-512-public", "DHPB", hkey.public_key(), "public", dh_pub.data
        ),
    )
    conv = f.group(
        "BlobConvert",
        "convert_blob between the CryptoAPI and CNG layouts (SPEC §20.11).",
    )
    capi_dss2 = dss_v2(g1.p, g1.q, g1.g, x=d1.x)
    capi_dss1 = dss_v2(g1.p, g1.q, g1.g, y=d1.public_numbers.y)
    capi_dss4 = dss_v3(g2.p, g2.q, g2.g, d2.public_numbers.y, x=d2.x)
    capi_dh4 = dh_v3(hg.p, None, hg.g, h.public_numbers.y, x=h.x)
    capi_dh3 = dh_v3(hg.p, None, hg.g, h.public_numbers.y)
    capi_dh2 = dh_v2_private(hg.p, hg.g, h.x)
    capi_dh1 = dh_v2_public(h.public_numbers.y, bits=512)
    dhx = dh_key("dhx-1024").private_numbers()
    dhx_g = dhx.public_numbers.parameter_numbers
    require(dhx_g.q is not None, "dhx-1024 has q")
    capi_dhx = dh_v3(dhx_g.p, dhx_g.q, dhx_g.g, dhx.public_numbers.y)
    seeded_v2 = dsa_v2(
        g2.p,
        g2.q,
        g2.g,
        d2.public_numbers.y,
        None,
        counter=7,
        seed=random_bytes("cng/seed2", 32),
    )
    conv.add(
        _convert(
            "capi-dss2-to-cng",
            "DSS2 to DSPV: y computed from x",
            ["CngConversion"],
            capi_dss2.data,
            "cng",
            v1_prv.data,
        ),
        _convert(
            "capi-dss1-to-cng",
            "DSS1 to DSPB",
            ["CngConversion"],
            capi_dss1.data,
            "cng",
            v1_pub.data,
        ),
        _convert(
            "cng-dspv-to-capi",
            "DSPV to DSS2 (y dropped)",
            ["CngConversion"],
            v1_prv.data,
            "capi",
            capi_dss2.data,
        ),
        _convert(
            "capi-dss4-to-cng",
            "DSS4 to DPV2",
            ["CngConversion"],
            capi_dss4.data,
            "cng",
            v2_prv.data,
        ),
        _convert(
            "cng-dpv2-to-capi",
            "DPV2 to DSS4 (j = (p-1)/q written)",
            ["CngConversion"],
            v2_prv.data,
            "capi",
            capi_dss4.data,
        ),
        _convert(
            "capi-dh4-to-cng",
            "\\0DH4 without q to DHPV",
            ["CngConversion"],
            capi_dh4.data,
            "cng",
            dh_prv.data,
        ),
        _convert(
            "capi-dh2-to-cng",
            "\\0DH2 to DHPV: y computed from x",
            ["CngConversion"],
            capi_dh2.data,
            "cng",
            dh_prv.data,
        ),
        _convert(
            "capi-dh3-to-cng",
            "\\0DH3 without q to DHPB",
            ["CngConversion"],
            capi_dh3.data,
            "cng",
            dh_pub.data,
        ),
        _convert(
            "cng-dhpv-to-capi",
            "DHPV to \\0DH4",
            ["CngConversion"],
            dh_prv.data,
            "capi",
            capi_dh4.data,
        ),
        _convert_bad(
            "capi-dh1-to-cng",
            "\\0DH1 carries y only",
            ["CngConversion"],
            capi_dh1.data,
            "cng",
            error("KeyConversionError", "CKEY-3"),
        ),
        _convert_bad(
            "capi-dhx-to-cng",
            "a DH group with q: CNG DH blobs have no q",
            ["CngConversion"],
            capi_dhx.data,
            "cng",
            error("KeyConversionError", "CKEY-3"),
        ),
        _convert_bad(
            "cng-dpb2-seed-to-capi",
            "a 32-byte version-2 seed does not fit a DSSSEED",
            ["CngConversion"],
            seeded_v2.data,
            "capi",
            error("KeyConversionError", "CKEY-3"),
        ),
        _convert_bad(
            "cng-kdbm-to-capi",
            "key data has no CryptoAPI counterpart here",
            ["CngConversion"],
            kd.data,
            "capi",
            error("KeyConversionError", "CKEY-3"),
        ),
    )
    wrap = f.group(
        "CngKeyWrap", "BCRYPT_AES_WRAP_KEY_BLOB: RFC 3394 AES key wrap (SPEC §20.8)."
    )
    kek = bytes(range(16))
    key_data = bytes.fromhex("00112233445566778899aabbccddeeff")
    wrapped = keywrap.aes_key_wrap(kek, key_data)
    kek256 = bytes(range(32))
    key256 = bytes.fromhex(
        "00112233445566778899aabbccddeeff000102030405060708090a0b0c0d0e0f"
    )
    wrap.add(
        valid(
            "rfc3394-4.1-wrap",
            "RFC 3394 §4.1: 128-bit key under a 128-bit KEK",
            ["Rfc3394"],
            kek=hx(kek),
            operation="wrap",
            input=hx(key_data),
            output=hx(wrapped),
        ),
        valid(
            "rfc3394-4.1-unwrap",
            "RFC 3394 §4.1, unwrapped",
            ["Rfc3394"],
            kek=hx(kek),
            operation="unwrap",
            input=hx(wrapped),
            output=hx(key_data),
        ),
        valid(
            "rfc3394-4.6-wrap",
            "RFC 3394 §4.6: 256-bit key under a 256-bit KEK",
            ["Rfc3394"],
            kek=hx(kek256),
            operation="wrap",
            input=hx(key256),
            output=hx(keywrap.aes_key_wrap(kek256, key256)),
        ),
        invalid(
            "unwrap-altered",
            "one bit of the wrapped key flipped",
            ["CngKeyData"],
            error("DecryptionError", "CKD-3"),
            kek=hx(kek),
            operation="unwrap",
            input=hx(put(wrapped, 10, bytes([wrapped[10] ^ 1]))),
        ),
        invalid(
            "unwrap-short",
            "16 bytes: too short to unwrap",
            ["CngKeyData"],
            error("DecryptionError", "CKD-3"),
            kek=hx(kek),
            operation="unwrap",
            input=hx(wrapped[:16]),
        ),
        invalid(
            "wrap-kek-15",
            "a 15-byte KEK",
            ["CngKeyData"],
            error("InvalidParameterError", "CKD-3"),
            kek=hx(kek[:15]),
            operation="wrap",
            input=hx(key_data),
        ),
    )
    return f
