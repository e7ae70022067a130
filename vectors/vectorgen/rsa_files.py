"""rsa_public_key_blob_test.json and rsa_private_key_blob_test.json (SPEC §5, §14)."""

from __future__ import annotations

import hashlib

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from vectorgen import public
from vectorgen.blobs import rsa_private, rsa_public
from vectorgen.common import (
    ALG,
    Case,
    Group,
    Json,
    RsaNumbers,
    VectorFile,
    acceptable,
    big,
    dsa_512_parameters,
    dsa_key,
    error,
    hx,
    invalid,
    nbytes,
    patch,
    patch_u8,
    patch_u16,
    patch_u32,
    pkcs8,
    require,
    rsa_from_primes,
    rsa_key,
    spki,
    valid,
)
from vectorgen.decode import bad, ok, still_invalid, tolerated

# Committed keys, with what makes each a real-world shape.
KEYS: dict[str, tuple[str, list[str]]] = {
    "rsa-512-e4byte": (
        "512-bit modulus, 4-byte public exponent 0xFFFFFFFB",
        ["LargeExponent"],
    ),
    "rsa-520": ("520-bit modulus: a multiple of 8 but not of 16", ["OddBitLength"]),
    "rsa-768-short-d": (
        "768-bit key whose private exponent has a zero top byte",
        ["LeadingZeroComponent"],
    ),
    "rsa-1000": ("1000-bit modulus: a multiple of 8 but not of 16", ["OddBitLength"]),
    "rsa-1024-e3": ("1024-bit key with public exponent 3", ["SmallExponent"]),
    "rsa-1028": (
        "1028-bit modulus: not a multiple of 8 (only OpenSSL writes such blobs)",
        ["OddBitLength", "BitLengthNotMultipleOf8"],
    ),
    "rsa-1032": (
        "1032-bit modulus (65-byte CRT fields); exponent2 has a zero top byte",
        ["OddBitLength", "LeadingZeroComponent"],
    ),
    "rsa-2048": ("2048-bit key, exponent 65537", []),
    "rsa-2048-e3": ("2048-bit key with public exponent 3", ["SmallExponent"]),
    "rsa-2056": ("2056-bit modulus: a multiple of 8 but not of 16", ["OddBitLength"]),
}
SIGN_KEYS = ("rsa-1024-e3", "rsa-2048")


def numbers(name: str) -> RsaNumbers:
    return RsaNumbers.of(rsa_key(name))


def parse_rsa2(blob: bytes) -> RsaNumbers:
    """Read an RSA2 blob by the offsets of SPEC §5.2 (for the published blobs)."""
    bits = int.from_bytes(blob[12:16], "little")
    k, h = nbytes(bits), (bits + 15) // 16
    pos = 20

    def take(size: int) -> int:
        nonlocal pos
        value = int.from_bytes(blob[pos : pos + size], "little")
        pos += size
        return value

    n = take(k)
    p, q, dp, dq, qinv = (take(h) for _ in range(5))
    d = take(k)
    e = int.from_bytes(blob[16:20], "little")
    return RsaNumbers(n, e, d, p, q, dp, dq, qinv)


def parse_rsa1(blob: bytes) -> tuple[int, int]:
    e = int.from_bytes(blob[16:20], "little")
    return int.from_bytes(blob[20:], "little"), e


def _wine_public() -> rsa.RSAPublicKey:
    n, e = parse_rsa1(public.WINE_RSAENH_SIGN_PUBLIC_KEY)
    key = rsa.RSAPublicNumbers(e, n).public_key()
    # The transcription is right if Windows' signature still verifies.
    key.verify(
        public.WINE_RSAENH_SIGNATURE_SHA1[::-1],
        b"Wine rocks!\x00",
        padding.PKCS1v15(),
        hashes.SHA1(),  # noqa: S303 - checking published data
    )
    return key


def wine_private(blob: bytes) -> rsa.RSAPrivateKey:
    nums = parse_rsa2(blob)
    key = rsa.RSAPrivateNumbers(
        nums.p,
        nums.q,
        nums.d,
        nums.dp,
        nums.dq,
        nums.qinv,
        rsa.RSAPublicNumbers(nums.e, nums.n),
    ).private_key()  # full checks: the transcription is consistent
    if rsa_private(nums, alg=_alg_name(blob)).data != blob:
        raise AssertionError("the encoder does not reproduce the published blob")
    return key


def _alg_name(blob: bytes) -> str:
    value = int.from_bytes(blob[4:8], "little")
    return next(name for name, v in ALG.items() if v == value)


def big_exponent_key() -> RsaNumbers:
    """The primes of rsa-512-e4byte with the smallest valid exponent >= 2^32."""
    base = numbers("rsa-512-e4byte")
    e = (1 << 32) + 1
    while True:
        try:
            return rsa_from_primes(base.p, base.q, e)
        except ValueError:  # e not invertible modulo lcm(p-1, q-1)
            e += 2


def tiny_modulus() -> rsa.RSAPublicKey:
    """A 320-bit modulus from two 160-bit primes (the DSA subgroup orders)."""
    q1 = dsa_key("dsa-1024").private_numbers().public_numbers.parameter_numbers.q
    q2 = dsa_512_parameters()[1]
    return rsa.RSAPublicNumbers(65537, q1 * q2).public_key()


def composite_prime_key() -> RsaNumbers:
    """A key whose "p" is the product of rsa-520's primes: every relation holds."""
    small = numbers("rsa-520")
    other = numbers("rsa-1032")
    return rsa_from_primes(small.p * small.q, other.p, 65537)


# -- the public-key file ------------------------------------------------------------


def public_file() -> VectorFile:
    f = VectorFile(
        "rsa_public_key_blob_test.json",
        "RSA PUBLICKEYBLOB (RSA1)",
        [
            "RSA public key blobs (SPEC §4, §5.1) and their conversion to and from",
            "SubjectPublicKeyInfo (SPEC §14). Keys: vectors/keys/*.pem; published blobs:",
            "Wine's rsaenh tests, which Windows runs.",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    imports = f.group(
        "KeyImport",
        "Blob to key: the SubjectPublicKeyInfo and numbers, or the error.",
        prefix="import",
    )
    exports = f.group(
        "KeyExport",
        "Key to blob: the PUBLICKEYBLOB an encoder writes, or the error.",
        prefix="export",
    )

    for name, (what, flags) in KEYS.items():
        nums = numbers(name)
        blob = rsa_public(nums.n, nums.e)
        decode.add(ok(f"{name}-keyx", f"{what}; CALG_RSA_KEYX", blob, flags))
        imports.add(
            valid(
                f"{name}-keyx",
                what,
                flags,
                blob=hx(blob.data),
                kind="public",
                keyDer=spki(rsa_key(name).public_key()),
                keyNumbers=nums.public_json(),
            )
        )
        exports.add(
            valid(
                f"{name}-default",
                f"{what}; the default algorithm is CALG_RSA_KEYX",
                flags,
                keyDer=spki(rsa_key(name).public_key()),
                kind="public",
                algId=None,
                version=None,
                blob=hx(blob.data),
            )
        )
    for name in SIGN_KEYS:
        nums = numbers(name)
        blob = rsa_public(nums.n, nums.e, alg="CALG_RSA_SIGN")
        decode.add(
            ok(
                f"{name}-sign",
                "a CALG_RSA_SIGN public key (PEERS §4 item 9)",
                blob,
                ["SignatureKey"],
            )
        )
        exports.add(
            valid(
                f"{name}-sign",
                "CALG_RSA_SIGN requested",
                ["SignatureKey"],
                keyDer=spki(rsa_key(name).public_key()),
                kind="public",
                algId=ALG["CALG_RSA_SIGN"],
                version=2,
                blob=hx(blob.data),
            )
        )

    # Published blobs (Wine rsaenh.c, run on Windows).
    wine_pub = _wine_public()
    n, e = parse_rsa1(public.WINE_RSAENH_SIGN_PUBLIC_KEY)
    wine_blob = rsa_public(n, e, alg="CALG_RSA_SIGN")
    require(
        wine_blob.data == public.WINE_RSAENH_SIGN_PUBLIC_KEY,
        "the encoder reproduces abPubKey",
    )
    decode.add(
        ok(
            "wine-abpubkey",
            "Wine test_verify_signature abPubKey: a CALG_RSA_SIGN key Windows imports and exports back unchanged",
            wine_blob,
            ["WineTestData", "SignatureKey"],
        )
    )
    imports.add(
        valid(
            "wine-abpubkey",
            "Wine test_verify_signature abPubKey",
            ["WineTestData", "SignatureKey"],
            blob=hx(wine_blob.data),
            kind="public",
            keyDer=spki(wine_pub),
            keyNumbers={"n": big(n), "e": big(e)},
        )
    )
    ones = int.from_bytes(b"\x11" * 64, "little")
    short = rsa_public(ones, 65537, bits=512)
    decode.add(
        ok(
            "wine-abplainpublickey",
            "Wine test_import_export abPlainPublicKey: bitlen 512 but a 509-bit modulus "
            "(0x1111...11); Windows imports it and exports it back unchanged (SPEC §5.3 RSA-4)",
            short,
            ["WineTestData", "ModulusShorterThanBitLength"],
        )
    )
    imports.add(
        valid(
            "wine-abplainpublickey",
            "a modulus with fewer bits than bitlen converts to the same numbers",
            ["WineTestData", "ModulusShorterThanBitLength"],
            blob=hx(short.data),
            kind="public",
            keyDer=spki(rsa.RSAPublicNumbers(65537, ones).public_key()),
            keyNumbers={"n": big(ones), "e": big(65537)},
        )
    )
    # Bounds of RSA-1 with made-up odd moduli.
    for bits in (384, 16384):
        modulus = (
            (1 << (bits - 1))
            | int.from_bytes(hashlib.sha512(str(bits).encode()).digest(), "big")
            | 1
        )
        blob = rsa_public(modulus % (1 << bits) | (1 << (bits - 1)), 65537, bits=bits)
        decode.add(
            ok(
                f"bitlen-{bits}",
                f"bitlen {bits}, the {'smallest' if bits == 384 else 'largest'} allowed",
                blob,
                ["BitLengthBound"],
            )
        )
    blob = rsa_public(numbers("rsa-2048").n, 0xFFFFFFFF)
    decode.add(
        ok(
            "exponent-ffffffff",
            "pubexp 2^32 - 1 is odd and at least 3 (PEERS §4 item 12)",
            blob,
            ["LargeExponent"],
        )
    )

    _public_invalid(decode)

    # Conversion failures.
    base = numbers("rsa-512-e4byte")
    even = rsa_public(base.n + 1, base.e, bits=512)
    imports.add(
        invalid(
            "even-modulus",
            "an even modulus is not an RSA modulus",
            ["InconsistentKey"],
            error("KeyConversionError", "KEY-1", relation="n odd, n > e"),
            blob=hx(even.data),
            kind="public",
        ),
        invalid(
            "modulus-one",
            "modulus 1 (fewer bits than bitlen are allowed, SPEC §5.3)",
            ["InconsistentKey"],
            error("KeyConversionError", "KEY-1", relation="n odd, n > e"),
            blob=hx(rsa_public(1, 3, bits=384).data),
            kind="public",
        ),
        invalid(
            "modulus-below-exponent",
            "a 384-bit field holding the modulus 5 with exponent 65537: e >= n, no RSA key "
            "(RSA-4 allows moduli shorter than bitlen, so KEY-1 requires n > e explicitly)",
            ["InconsistentKey"],
            error("KeyConversionError", "KEY-1"),
            blob=hx(rsa_public(5, 65537, bits=384).data),
            kind="public",
        ),
    )
    key = rsa_key("rsa-2048").public_key()
    exports.add(
        invalid(
            "alg-dss",
            "an RSA key cannot be written with CALG_DSS_SIGN",
            ["WrongAlgorithm"],
            error("InvalidParameterError", "KEY-7"),
            keyDer=spki(key),
            kind="public",
            algId=ALG["CALG_DSS_SIGN"],
            version=None,
        ),
        invalid(
            "alg-rc4",
            "an RSA key cannot be written with CALG_RC4",
            ["WrongAlgorithm"],
            error("InvalidParameterError", "KEY-7"),
            keyDer=spki(key),
            kind="public",
            algId=ALG["CALG_RC4"],
            version=None,
        ),
        invalid(
            "version-3",
            "RSA blobs exist in version 2 only",
            ["WrongVersion"],
            error("InvalidParameterError", "KEY-7"),
            keyDer=spki(key),
            kind="public",
            algId=None,
            version=3,
        ),
        invalid(
            "exponent-2-32",
            "a public exponent of 2^32 or more does not fit pubexp (PEERS §4 item 12)",
            ["UnrepresentableKey"],
            error("KeyConversionError", "KEY-8", relation="e < 2^32"),
            keyDer=spki(big_exponent_key().private_key().public_key()),
            kind="public",
            algId=None,
            version=None,
        ),
        invalid(
            "modulus-320-bits",
            "a 320-bit modulus is below RSA-1's 384 bits",
            ["UnrepresentableKey"],
            error("KeyConversionError", "KEY-8"),
            keyDer=spki(tiny_modulus()),
            kind="public",
            algId=None,
            version=None,
        ),
    )
    _canonical_public(f)
    _order_public(f)
    return f


# SPEC 1.1 (issue 14): the check orders of §4.3/§5.5, and the relation cases OpenSSL
# imports, re-released with the OpenSslImports flag under new tcIds.
ORDER_COMMENT = (
    "SPEC 1.1 §4.3, §5.5: which error wins when an input breaks several rules."
)
RELATION_COMMENT = (
    "Key relations OpenSSL's MSBLOB reader does not check (flag OpenSslImports): "
    "replacements of released cases that lacked the flag."
)


def _order_public(f: VectorFile) -> None:
    decode = f.group("BlobDecode", ORDER_COMMENT, prefix="order")
    blob = rsa_public(numbers("rsa-512-e4byte").n, numbers("rsa-512-e4byte").e).data
    flags = ["CheckOrder"]
    bad_fixed = patch_u32(patch_u32(blob, 4, ALG["CALG_DES"]), 12, 5)
    decode.add(
        bad(
            "truncated-exponent-bad-alg-and-bitlen",
            "16 bytes with an invalid aiKeyAlg and bitlen: the fixed part is incomplete, so the truncation is reported before any of its values is checked",
            [*flags, "Truncated"],
            bad_fixed[:16],
            "TruncatedError",
            "RSA-2",
            16,
            "public_exponent",
        ),
        bad(
            "truncated-bitlen-bad-alg",
            "14 bytes with an invalid aiKeyAlg: truncation inside bitlen, not HDR-4",
            [*flags, "Truncated"],
            patch_u32(blob, 4, ALG["CALG_DES"])[:14],
            "TruncatedError",
            "RSA-2",
            12,
            "bit_length",
        ),
        bad(
            "reserved-and-version",
            "reserved 1 and bVersion 3: HDR-3 is checked before HDR-2",
            [*flags, "ReservedNonZero"],
            patch_u8(patch_u16(blob, 2, 1), 1, 3),
            "InvalidFieldError",
            "HDR-3",
            2,
            "header.reserved",
        ),
        bad(
            "version-and-alg",
            "bVersion 3 and aiKeyAlg 0: HDR-2 is checked before HDR-4",
            [*flags, "WrongVersion"],
            patch_u32(patch_u8(blob, 1, 3), 4, 0),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        ),
        bad(
            "alg-and-bitlen-and-exponent",
            "aiKeyAlg CALG_DES, bitlen 5 and pubexp 2: HDR-4 first",
            [*flags, "WrongAlgorithm"],
            patch_u32(bad_fixed, 16, 2),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "bitlen-and-exponent",
            "bitlen 5 and pubexp 2: RSA-1 before RSA-3",
            [*flags, "BadBitLength"],
            patch_u32(patch_u32(blob, 12, 5), 16, 2),
            "InvalidFieldError",
            "RSA-1",
            12,
            "bit_length",
        ),
        bad(
            "exponent-and-truncated-modulus",
            "pubexp 2 and the last modulus byte missing: the fixed values are checked before the size",
            [*flags, "BadExponent"],
            patch_u32(blob, 16, 2)[:-1],
            "InvalidFieldError",
            "RSA-3",
            16,
            "public_exponent",
        ),
    )
    imports = f.group("KeyImport", RELATION_COMMENT, prefix="relation")
    base = numbers("rsa-512-e4byte")
    imports.add(
        invalid(
            "even-modulus",
            "an even modulus is not an RSA modulus (replaces import-even-modulus)",
            ["InconsistentKey"],
            error("KeyConversionError", "KEY-1", relation="n odd, n > e"),
            blob=hx(rsa_public(base.n + 1, base.e, bits=512).data),
            kind="public",
        )
    )


def _set_bitlen(data: bytes, bits: int) -> bytes:
    return patch_u32(data, 12, bits)


def _canonical_public(f: VectorFile) -> None:
    """RSA-5 (security issue item 7): one bitlen per modulus; lenient rewrites it."""
    decode = f.group(
        "BlobDecode",
        "RSA-5: bitlen = 8*ceil(bits(n)/8); lenient decoding rewrites it.",
        prefix="canonical",
    )
    imports = f.group(
        "KeyImport",
        "RSA-5: the bitlen writers use for a modulus that is not whole bytes.",
        prefix="canonical-import",
    )
    flags = ["NonCanonicalBitLength"]
    big2048 = numbers("rsa-2048")
    canonical = rsa_public(big2048.n, big2048.e).data
    wide = rsa_public(big2048.n, big2048.e, bits=2056).data
    n1028 = numbers("rsa-1028")
    openssl_1028 = rsa_public(n1028.n, n1028.e).data
    fixed_1028 = rsa_public(n1028.n, n1028.e, bits=1032)
    ones = int.from_bytes(b"\x11" * 64, "little")
    wine = rsa_public(ones, 65537, bits=512).data
    decode.add(
        bad(
            "bitlen-2052-over-2048",
            "bitlen 2052 over a 2048-bit modulus: ceil reads 257 bytes, .NET's floor 256, Windows refuses it",
            [*flags, "BitLengthNotMultipleOf8"],
            _set_bitlen(canonical + b"\x00", 2052),
            "InvalidFieldError",
            "RSA-5",
            12,
            "bit_length",
            lenient=tolerated(canonical, "non-canonical-bit-length", 12, "RSA-5"),
        ),
        bad(
            "bitlen-16384-over-2048",
            "bitlen 16384: a 2048-bit modulus zero-padded to 2048 bytes (a second encoding of the key)",
            flags,
            _set_bitlen(canonical + bytes(2048 - 256), 16384),
            "InvalidFieldError",
            "RSA-5",
            12,
            "bit_length",
            lenient=tolerated(canonical, "non-canonical-bit-length", 12, "RSA-5"),
        ),
        bad(
            "bitlen-2056-over-2048",
            "bitlen 2056 (a multiple of 8) with the modulus' top byte zero",
            flags,
            wide,
            "InvalidFieldError",
            "RSA-5",
            12,
            "bit_length",
            lenient=tolerated(canonical, "non-canonical-bit-length", 12, "RSA-5"),
        ),
        bad(
            "bitlen-1028-openssl",
            "a 1028-bit key as OpenSSL writes it (bitlen 1028); lenient decoding gives bitlen 1032, the same fields",
            [*flags, "BitLengthNotMultipleOf8"],
            openssl_1028,
            "InvalidFieldError",
            "RSA-5",
            12,
            "bit_length",
            lenient=tolerated(fixed_1028.data, "non-canonical-bit-length", 12, "RSA-5"),
        ),
        ok(
            "bitlen-1032-over-1028",
            "a 1028-bit modulus with bitlen 1032: its top byte is non-zero (SPEC §14.3: what writers write)",
            fixed_1028,
            ["OddBitLength", "ModulusShorterThanBitLength"],
        ),
        bad(
            "bitlen-520-over-509",
            "Wine's abPlainPublicKey modulus (509 bits) declared as 520 bits: the top byte is zero",
            [*flags, "WineTestData"],
            _set_bitlen(wine[:20] + wine[20:] + b"\x00", 520),
            "InvalidFieldError",
            "RSA-5",
            12,
            "bit_length",
            lenient=tolerated(wine, "non-canonical-bit-length", 12, "RSA-5"),
        ),
        bad(
            "modulus-one-384",
            "modulus 1 in a 384-bit field: no canonical bitlen is in range",
            flags,
            rsa_public(1, 3, bits=384).data,
            "InvalidFieldError",
            "RSA-5",
            12,
            "bit_length",
            lenient=still_invalid("InvalidFieldError", "RSA-5", 12, "bit_length"),
        ),
    )
    imports.add(
        valid(
            "rsa-1028-bitlen-1032",
            "a 1028-bit key with bitlen 1032 converts",
            ["OddBitLength"],
            blob=hx(fixed_1028.data),
            kind="public",
            keyDer=spki(rsa_key("rsa-1028").public_key()),
            keyNumbers=n1028.public_json(),
        ),
    )
    # Replaces the retired export-rsa-1028-default (vectorgen/retired.py).
    exports = f.group(
        "KeyExport",
        "RSA-5, SPEC §14.3: writers write bitlen 8*ceil(bits(n)/8).",
        prefix="canonical-export",
    )
    exports.add(
        valid(
            "rsa-1028-default",
            "a 1028-bit key is written with bitlen 1032 (OpenSSL writes 1028, which RSA-5 refuses); the default algorithm is CALG_RSA_KEYX",
            ["OddBitLength"],
            keyDer=spki(rsa_key("rsa-1028").public_key()),
            kind="public",
            algId=None,
            version=None,
            blob=hx(fixed_1028.data),
        ),
    )


def _public_invalid(decode: Group) -> None:
    nums = numbers("rsa-512-e4byte")
    base = rsa_public(nums.n, nums.e).data  # 84 bytes
    add = decode.add
    header = [
        ("version-0", patch_u8(base, 1, 0), "bVersion 0 (PEERS §4 item 10)"),
        ("version-1", patch_u8(base, 1, 1), "bVersion 1"),
        (
            "version-3",
            patch_u8(base, 1, 3),
            "bVersion 3 on an RSA blob (PEERS §4 item 10)",
        ),
        (
            "version-0x20",
            patch_u8(base, 1, 0x20),
            "a vendor bVersion 0x20 with the RSA1 magic",
        ),
    ]
    for name, data, comment in header:
        add(
            bad(
                name,
                comment,
                ["WrongVersion"],
                data,
                "InvalidFieldError",
                "HDR-2",
                1,
                "header.version",
            )
        )
    for value in (1, 0x100, 0xFFFF):
        add(
            bad(
                f"reserved-{value:#x}",
                f"reserved = {value:#06x} (PEERS §4 item 10)",
                ["ReservedNonZero"],
                patch_u16(base, 2, value),
                "InvalidFieldError",
                "HDR-3",
                2,
                "header.reserved",
            )
        )
    algs = [
        ("alg-0", 0, "aiKeyAlg 0"),
        ("alg-at-keyexchange", 1, "AT_KEYEXCHANGE is not an ALG_ID (SPEC §4.2)"),
        ("alg-at-signature", 2, "AT_SIGNATURE is not an ALG_ID"),
        (
            "alg-dss-sign",
            ALG["CALG_DSS_SIGN"],
            "an RSA magic with CALG_DSS_SIGN (PEERS §4 item 8)",
        ),
        ("alg-rc4", ALG["CALG_RC4"], "an RSA blob with CALG_RC4 (PEERS §4 item 9)"),
        ("alg-dh-sf", ALG["CALG_DH_SF"], "an RSA blob with CALG_DH_SF"),
        ("alg-ffffffff", 0xFFFFFFFF, "aiKeyAlg 0xFFFFFFFF"),
    ]
    for name, value, comment in algs:
        add(
            bad(
                name,
                comment,
                ["WrongAlgorithm"],
                patch_u32(base, 4, value),
                "InvalidFieldError",
                "HDR-4",
                4,
                "header.key_alg",
            )
        )
    add(
        bad(
            "magic-rsa2",
            "a PUBLICKEYBLOB with the private magic RSA2 (PEERS §4 item 8)",
            ["TypeConfusion"],
            patch(base, 8, b"RSA2"),
            "InvalidFieldError",
            "HDR-5",
            8,
            "magic",
        ),
        bad(
            "magic-dss2",
            "a PUBLICKEYBLOB with the private magic DSS2",
            ["TypeConfusion"],
            patch(base, 8, b"DSS2"),
            "InvalidFieldError",
            "HDR-5",
            8,
            "magic",
        ),
    )
    for size in (8, 11):
        add(
            bad(
                f"truncated-{size}",
                f"{size} bytes: the magic is incomplete",
                ["Truncated"],
                base[:size],
                "TruncatedError",
                "HDR-6",
                8,
                "magic",
            )
        )
    bitlens = [
        (0, "bitlen 0 (PEERS §4 item 5)"),
        (8, "bitlen 8 (PEERS §4 item 5)"),
        (383, "one bit below the 384-bit minimum"),
        (16385, "one bit above the 16384-bit maximum"),
        (16392, "above the maximum"),
        (0x80000000, "bitlen 2^31 (PEERS §4 item 4: (2*bitlen)>>3 overflows)"),
        (0xFFFFFFF9, "bitlen 0xFFFFFFF9 (PEERS §4 item 4: (bitlen+7)>>3 wraps to 0)"),
        (0xFFFFFFFF, "bitlen 0xFFFFFFFF"),
        (
            0xA9800000,
            "bitlen 0xA9800000 (PEERS §4 item 3: OpenSSL allocated gigabytes)",
        ),
    ]
    for value, comment in bitlens:
        add(
            bad(
                f"bitlen-{value:#x}",
                comment,
                ["BadBitLength"],
                patch_u32(base, 12, value),
                "InvalidFieldError",
                "RSA-1",
                12,
                "bit_length",
            )
        )
    add(
        bad(
            "bitlen-a9800000-16-bytes",
            "the 16-byte input of PEERS §4 item 3: header, magic and bitlen 0xA9800000, no pubexp",
            ["BadBitLength", "Truncated"],
            patch_u32(base, 12, 0xA9800000)[:16],
            "TruncatedError",
            "RSA-2",
            16,
            "public_exponent",
        ),
        bad(
            "bitlen-a9800000-20-bytes",
            "header, magic, bitlen 0xA9800000 and pubexp: rejected before any allocation",
            ["BadBitLength"],
            patch_u32(base, 12, 0xA9800000)[:20],
            "InvalidFieldError",
            "RSA-1",
            12,
            "bit_length",
        ),
    )
    cuts = [
        (12, 12, "bit_length"),
        (16, 16, "public_exponent"),
        (20, 20, "modulus"),
        (52, 20, "modulus"),
        (83, 20, "modulus"),
    ]
    for size, offset, field in cuts:
        add(
            bad(
                f"truncated-at-{size}",
                f"{size} of 84 bytes (PEERS §4 item 6)",
                ["Truncated"],
                base[:size],
                "TruncatedError",
                "RSA-2",
                offset,
                field,
            )
        )
    add(
        bad(
            "bitlen-520-on-512-bit-blob",
            "bitlen 520 needs a 65-byte modulus; the input has 64",
            ["Truncated"],
            patch_u32(base, 12, 520),
            "TruncatedError",
            "RSA-2",
            20,
            "modulus",
        ),
        bad(
            "bitlen-504-on-512-bit-blob",
            "bitlen 504 needs a 63-byte modulus; one byte is left over",
            ["TrailingData"],
            patch_u32(base, 12, 504),
            "TrailingDataError",
            "RSA-2",
            83,
            None,
        ),
        bad(
            "trailing-1",
            "one byte after a complete blob (PEERS §4 item 7)",
            ["TrailingData"],
            base + b"\x00",
            "TrailingDataError",
            "RSA-2",
            84,
            None,
            lenient=tolerated(base, "trailing-data", 84, "RSA-2"),
        ),
        bad(
            "trailing-3",
            "three bytes after a complete blob",
            ["TrailingData"],
            base + b"\x01\x02\x03",
            "TrailingDataError",
            "RSA-2",
            84,
            None,
            lenient=tolerated(base, "trailing-data", 84, "RSA-2"),
        ),
    )
    for value in (0, 1, 2, 4, 65536):
        add(
            bad(
                f"exponent-{value}",
                f"pubexp {value} (PEERS §4 item 12)",
                ["BadExponent"],
                patch_u32(base, 16, value),
                "InvalidFieldError",
                "RSA-3",
                16,
                "public_exponent",
            )
        )
    n1028 = numbers("rsa-1028")
    big_blob = rsa_public(n1028.n, n1028.e).data
    add(
        bad(
            "modulus-above-bitlen-1028",
            "bitlen 1028 with bit 1028 of the 129-byte modulus set",
            ["ValueTooLarge"],
            patch(big_blob, 20 + 128, b"\x10"),
            "InvalidFieldError",
            "RSA-4",
            20,
            "modulus",
        ),
        bad(
            "modulus-above-bitlen-511",
            "bitlen 511 (same 64-byte field) with a 512-bit modulus",
            ["ValueTooLarge"],
            patch_u32(base, 12, 511),
            "InvalidFieldError",
            "RSA-4",
            20,
            "modulus",
        ),
    )


# -- the private-key file ------------------------------------------------------------


def private_file() -> VectorFile:
    f = VectorFile(
        "rsa_private_key_blob_test.json",
        "RSA PRIVATEKEYBLOB (RSA2)",
        [
            "RSA private key blobs (SPEC §4, §5.2, §13) and their conversion to and from",
            "PKCS#8 (SPEC §14). Keys: vectors/keys/*.pem; published blobs: Wine's rsaenh",
            "tests, which Windows runs.",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    imports = f.group(
        "KeyImport",
        "Blob to key: the PKCS#8 key and numbers, or the error.",
        prefix="import",
    )
    exports = f.group(
        "KeyExport",
        "Key to blob: the PRIVATEKEYBLOB an encoder writes, or the error.",
        prefix="export",
    )

    for name, (what, flags) in KEYS.items():
        nums = numbers(name)
        blob = rsa_private(nums)
        decode.add(ok(f"{name}-keyx", f"{what}; CALG_RSA_KEYX", blob, flags))
        imports.add(
            valid(
                f"{name}-keyx",
                what,
                flags,
                blob=hx(blob.data),
                kind="private",
                keyDer=pkcs8(rsa_key(name)),
                keyNumbers=nums.private_json(),
            )
        )
        exports.add(
            valid(
                f"{name}-default",
                f"{what}; the default algorithm is CALG_RSA_KEYX",
                flags,
                keyDer=pkcs8(rsa_key(name)),
                kind="private",
                algId=None,
                version=None,
                blob=hx(blob.data),
            )
        )
    for name in SIGN_KEYS:
        nums = numbers(name)
        blob = rsa_private(nums, alg="CALG_RSA_SIGN")
        decode.add(
            ok(
                f"{name}-sign",
                "a CALG_RSA_SIGN private key (PEERS §4 item 9)",
                blob,
                ["SignatureKey"],
            )
        )
        exports.add(
            valid(
                f"{name}-sign",
                "CALG_RSA_SIGN requested",
                ["SignatureKey"],
                keyDer=pkcs8(rsa_key(name)),
                kind="private",
                algId=ALG["CALG_RSA_SIGN"],
                version=2,
                blob=hx(blob.data),
            )
        )

    wine = [
        (
            "wine-abplainprivatekey",
            public.WINE_RSAENH_PLAIN_PRIVATE_KEY,
            "Wine test_import_private abPlainPrivateKey: 1024-bit CALG_RSA_KEYX key Windows imports",
            ["WineTestData"],
        ),
        (
            "wine-priv-key-with-high-bit",
            public.WINE_RSAENH_PRIV_KEY_WITH_HIGH_BIT,
            "Wine test_import_export priv_key_with_high_bit: CALG_RSA_SIGN key Windows imports and "
            "exports back unchanged; its coefficient has a zero top byte",
            ["WineTestData", "SignatureKey", "LeadingZeroComponent"],
        ),
    ]
    for name, data, comment, flags in wine:
        key = wine_private(data)
        nums = parse_rsa2(data)
        blob = rsa_private(nums, alg=_alg_name(data))
        decode.add(ok(name, comment, blob, flags))
        imports.add(
            valid(
                name,
                comment,
                flags,
                blob=hx(data),
                kind="private",
                keyDer=pkcs8(key),
                keyNumbers=nums.private_json(),
            )
        )

    _private_invalid(decode)
    _private_conversions(imports, exports)
    _canonical_private(f)
    relations = f.group("KeyImport", RELATION_COMMENT, prefix="relation")
    for name, comment, change, relation, rule in _private_relations():
        relations.add(
            _relation_case(
                name, f"{comment} (replaces import-{name})", change, relation, rule
            )
        )
    return f


def _private_invalid(decode: Group) -> None:
    add = decode.add
    nums = numbers("rsa-520")
    base = rsa_private(nums).data  # 315 bytes: modulus 20, primes 85 and 118, ...
    add(
        bad(
            "magic-rsa1",
            "a PRIVATEKEYBLOB with the public magic RSA1 (PEERS §4 item 8)",
            ["TypeConfusion"],
            patch(base, 8, b"RSA1"),
            "InvalidFieldError",
            "HDR-5",
            8,
            "magic",
        ),
        bad(
            "magic-dss1",
            "a PRIVATEKEYBLOB with the public magic DSS1",
            ["TypeConfusion"],
            patch(base, 8, b"DSS1"),
            "InvalidFieldError",
            "HDR-5",
            8,
            "magic",
        ),
        bad(
            "version-3",
            "bVersion 3 on an RSA blob",
            ["WrongVersion"],
            patch_u8(base, 1, 3),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        ),
        bad(
            "reserved-1",
            "reserved = 1",
            ["ReservedNonZero"],
            patch_u16(base, 2, 1),
            "InvalidFieldError",
            "HDR-3",
            2,
            "header.reserved",
        ),
        bad(
            "alg-rc4",
            "an RSA private key with CALG_RC4 (PEERS §4 item 9)",
            ["WrongAlgorithm"],
            patch_u32(base, 4, ALG["CALG_RC4"]),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "alg-at-keyexchange",
            "AT_KEYEXCHANGE instead of CALG_RSA_KEYX",
            ["WrongAlgorithm"],
            patch_u32(base, 4, 1),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "bitlen-383",
            "bitlen below 384",
            ["BadBitLength"],
            patch_u32(base, 12, 383),
            "InvalidFieldError",
            "RSA-1",
            12,
            "bit_length",
        ),
        bad(
            "bitlen-ffffffff",
            "bitlen 0xFFFFFFFF",
            ["BadBitLength"],
            patch_u32(base, 12, 0xFFFFFFFF),
            "InvalidFieldError",
            "RSA-1",
            12,
            "bit_length",
        ),
        bad(
            "exponent-even",
            "pubexp 65536",
            ["BadExponent"],
            patch_u32(base, 16, 65536),
            "InvalidFieldError",
            "RSA-3",
            16,
            "public_exponent",
        ),
    )
    fields = [
        (20, "modulus"),
        (85, "prime1"),
        (118, "prime2"),
        (151, "exponent1"),
        (184, "exponent2"),
        (217, "coefficient"),
        (250, "private_exponent"),
    ]
    for start, field in fields:
        add(
            bad(
                f"truncated-at-{field.replace('_', '-')}",
                f"the input ends where {field} starts (PEERS §4 item 6)",
                ["Truncated"],
                base[:start],
                "TruncatedError",
                "RSA-2",
                start,
                field,
            )
        )
    add(
        bad(
            "truncated-mid-prime1",
            "the input ends inside prime1",
            ["Truncated"],
            base[:100],
            "TruncatedError",
            "RSA-2",
            85,
            "prime1",
        ),
        bad(
            "truncated-last-byte",
            "the last byte of the private exponent is missing",
            ["Truncated"],
            base[:-1],
            "TruncatedError",
            "RSA-2",
            250,
            "private_exponent",
            lenient=tolerated(base, "short-private-exponent", 250, "RSA-2"),
        ),
        bad(
            "trailing-1",
            "one byte after a complete blob (PEERS §4 item 7)",
            ["TrailingData"],
            base + b"\x00",
            "TrailingDataError",
            "RSA-2",
            315,
            None,
            lenient=tolerated(base, "trailing-data", 315, "RSA-2"),
        ),
    )
    # Rounding (SPEC §5.4): the sizes a floor(k/2) reader expects.
    for name, bits, start in (("rsa-1032", 1032, 474), ("rsa-1000", 1000, 460)):
        n = numbers(name)
        full = rsa_private(n).data
        k = nbytes(bits)
        floor_size = 20 + 2 * k + 5 * (k // 2)
        add(
            bad(
                f"floor-halves-{bits}",
                f"{floor_size} bytes, the size of a {bits}-bit blob with floor(k/2)-byte CRT fields "
                "(Mono, malduck, impacket, wincrypto); SPEC §2.3 rounds up (PEERS §4 item 5)",
                ["FloorHalves", "Truncated"],
                full[:floor_size],
                "TruncatedError",
                "RSA-2",
                start,
                "private_exponent",
            )
        )
    n1028 = numbers("rsa-1028")
    full = rsa_private(n1028).data
    add(
        bad(
            "private-exponent-above-bitlen",
            "bitlen 1028 with bit 1028 of the private exponent set",
            ["ValueTooLarge"],
            patch(full, len(full) - 1, b"\x10"),
            "InvalidFieldError",
            "RSA-4",
            474,
            "private_exponent",
        )
    )
    # Windows imports abPlainPrivateKey cut down to 532 bytes (Wine test_import_private).
    wine = public.WINE_RSAENH_PLAIN_PRIVATE_KEY
    for size in (532, 560, 595):
        add(
            bad(
                f"wine-shortened-{size}",
                f"Wine's abPlainPrivateKey cut to {size} of 596 bytes: CryptImportKey accepts it "
                "and recomputes d; strict decoding rejects it, lenient decoding recomputes d (SPEC §13)",
                ["WineTestData", "WindowsAccepts", "ShortPrivateExponent", "Truncated"],
                wine[:size],
                "TruncatedError",
                "RSA-2",
                468,
                "private_exponent",
                lenient=tolerated(wine, "short-private-exponent", 468, "RSA-2"),
            )
        )
    wrong = bytearray(wine[:540])
    wrong[470] ^= 0xFF
    add(
        bad(
            "shortened-contradicting-primes",
            "a shortened private exponent whose bytes match no exponent the primes allow: "
            "lenient decoding refuses to guess",
            ["ShortPrivateExponent", "Truncated"],
            bytes(wrong),
            "TruncatedError",
            "RSA-2",
            468,
            "private_exponent",
            lenient=still_invalid(
                "InvalidFieldError", "RSA-2", 468, "private_exponent"
            ),
        )
    )


def _private_relations() -> list[tuple[str, str, Json, str, str]]:
    """RSA2 blobs (rsa-520) that break one relation of KEY-1/KEY-2 each."""
    nums = numbers("rsa-520")
    return [
        ("modulus", "n + 2 instead of p*q", {"n": nums.n + 2}, "n == p*q", "KEY-2"),
        ("even-modulus", "an even modulus", {"n": nums.n + 1}, "n odd, n > e", "KEY-1"),
        (
            "p-equals-q",
            "q = p and n = p*p (PEERS §4 item 13)",
            {"q": nums.p, "n": nums.p * nums.p},
            "p != q",
            "KEY-2",
        ),
        ("tiny-prime", "p = 1", {"p": 1}, "p > 2, q > 2", "KEY-2"),
        (
            "private-exponent",
            "d + 2",
            {"d": nums.d + 2},
            "e*d == 1 mod lcm(p-1, q-1)",
            "KEY-2",
        ),
        (
            "exponent1",
            "exponent1 with one bit flipped",
            {"dp": nums.dp ^ 2},
            "exponent1 == d mod (p-1)",
            "KEY-2",
        ),
        (
            "exponent2",
            "exponent2 with one bit flipped",
            {"dq": nums.dq ^ 2},
            "exponent2 == d mod (q-1)",
            "KEY-2",
        ),
        (
            "coefficient",
            "coefficient with one bit flipped",
            {"qinv": nums.qinv ^ 4},
            "coefficient == q^-1 mod p",
            "KEY-2",
        ),
        (
            "coefficient-swapped",
            "p^-1 mod q instead of q^-1 mod p (PEERS §4 item 13)",
            {"qinv": pow(nums.p, -1, nums.q)},
            "coefficient == q^-1 mod p",
            "KEY-2",
        ),
    ]


def _relation_case(
    name: str, comment: str, change: Json, relation: str, rule: str
) -> Case:
    values = {**numbers("rsa-520").__dict__, **change}
    blob = rsa_private(RsaNumbers(**values), bits=520)
    return invalid(
        name,
        comment,
        ["InconsistentKey"],
        error("KeyConversionError", rule, relation=relation),
        blob=hx(blob.data),
        kind="private",
    )


def _private_conversions(imports: Group, exports: Group) -> None:
    for name, comment, change, relation, rule in _private_relations():
        imports.add(_relation_case(name, comment, change, relation, rule))
    tiny = rsa_from_primes(3, 5, 65537)
    imports.add(
        invalid(
            "modulus-below-exponent",
            "p = 3, q = 5 in a 384-bit layout with exponent 65537: every relation of KEY-2 holds, "
            "but e >= n, so there is no RSA key (see the public-key file's case of the same name)",
            ["InconsistentKey"],
            error("KeyConversionError", "KEY-1"),
            blob=hx(rsa_private(tiny, bits=384).data),
            kind="private",
        )
    )
    composite = composite_prime_key()
    imports.add(
        acceptable(
            "composite-prime",
            "p is the product of two primes and every relation holds: SPEC §14.2 says a "
            "converter SHOULD establish that p and q are prime (the reference does)",
            ["CompositePrime"],
            error("KeyConversionError", "KEY-2", relation="p and q prime"),
            blob=hx(rsa_private(composite).data),
            kind="private",
        )
    )
    key = rsa_key("rsa-2048")
    exports.add(
        invalid(
            "alg-dss",
            "an RSA key cannot be written with CALG_DSS_SIGN",
            ["WrongAlgorithm"],
            error("InvalidParameterError", "KEY-7"),
            keyDer=pkcs8(key),
            kind="private",
            algId=ALG["CALG_DSS_SIGN"],
            version=None,
        ),
        invalid(
            "unbalanced-primes",
            "a 1088-bit p and a 960-bit q: p does not fit the 128-byte field (dotnet/runtime#43728, PEERS §4 item 14)",
            ["UnrepresentableKey"],
            error(
                "KeyConversionError",
                "KEY-8",
                relation="p and q fit ceil(bitlen/16) bytes",
            ),
            keyDer=pkcs8(rsa_key("rsa-2048-unbalanced")),
            kind="private",
            algId=None,
            version=None,
        ),
        invalid(
            "exponent-2-32",
            "a public exponent of 2^32 or more does not fit pubexp",
            ["UnrepresentableKey"],
            error("KeyConversionError", "KEY-8", relation="e < 2^32"),
            keyDer=pkcs8(big_exponent_key().private_key()),
            kind="private",
            algId=None,
            version=None,
        ),
    )


def _canonical_private(f: VectorFile) -> None:
    """RSA-5 on private blobs; lenient decoding re-lays the fields out."""
    decode = f.group(
        "BlobDecode",
        "RSA-5: bitlen = 8*ceil(bits(n)/8); lenient decoding rewrites it.",
        prefix="canonical",
    )
    imports = f.group(
        "KeyImport",
        "RSA-5: the bitlen writers use for a modulus that is not whole bytes.",
        prefix="canonical-import",
    )
    flags = ["NonCanonicalBitLength"]
    k = numbers("rsa-2048")
    canonical = rsa_private(k).data
    odd = rsa_private(k, bits=2052).data
    n1028 = numbers("rsa-1028")
    fixed_1028 = rsa_private(n1028, bits=1032)
    decode.add(
        bad(
            "bitlen-2052-over-2048",
            "an RSA2 blob with bitlen 2052 over a 2048-bit modulus (fields of 257 and 129 bytes)",
            [*flags, "BitLengthNotMultipleOf8"],
            odd,
            "InvalidFieldError",
            "RSA-5",
            12,
            "bit_length",
            lenient=tolerated(canonical, "non-canonical-bit-length", 12, "RSA-5"),
        ),
        bad(
            "bitlen-1028-openssl",
            "a 1028-bit key as OpenSSL writes it; lenient decoding gives bitlen 1032",
            [*flags, "BitLengthNotMultipleOf8"],
            rsa_private(n1028).data,
            "InvalidFieldError",
            "RSA-5",
            12,
            "bit_length",
            lenient=tolerated(fixed_1028.data, "non-canonical-bit-length", 12, "RSA-5"),
        ),
        ok(
            "bitlen-1032-over-1028",
            "a 1028-bit key with bitlen 1032 (SPEC §14.3)",
            fixed_1028,
            ["OddBitLength", "ModulusShorterThanBitLength"],
        ),
    )
    imports.add(
        valid(
            "rsa-1028-bitlen-1032",
            "a 1028-bit key with bitlen 1032 converts",
            ["OddBitLength"],
            blob=hx(fixed_1028.data),
            kind="private",
            keyDer=pkcs8(rsa_key("rsa-1028")),
            keyNumbers=n1028.private_json(),
        ),
    )
    # Replacements of retired cases (vectorgen/retired.py), at the end of the file.
    composite = composite_prime_key()
    composite_bits = 8 * nbytes(composite.n.bit_length())
    require(composite_bits == 1040, "the composite-prime modulus has 1036 bits")
    imports.add(
        acceptable(
            "composite-prime",
            "p is the product of two primes and every relation holds (a 1036-bit modulus, bitlen 1040): "
            "SPEC §14.2 says a converter SHOULD establish that p and q are prime (the reference does)",
            ["CompositePrime"],
            error("KeyConversionError", "KEY-2", relation="p and q prime"),
            blob=hx(rsa_private(composite, bits=composite_bits).data),
            kind="private",
        )
    )
    exports = f.group(
        "KeyExport",
        "RSA-5, SPEC §14.3: writers write bitlen 8*ceil(bits(n)/8).",
        prefix="canonical-export",
    )
    exports.add(
        valid(
            "rsa-1028-default",
            "a 1028-bit key is written with bitlen 1032 (OpenSSL writes 1028, which RSA-5 refuses); the default algorithm is CALG_RSA_KEYX",
            ["OddBitLength"],
            keyDer=pkcs8(rsa_key("rsa-1028")),
            kind="private",
            algId=None,
            version=None,
            blob=hx(fixed_1028.data),
        ),
    )
