"""dss_v2_key_blob_test.json and dss_v3_key_blob_test.json (SPEC §6, §14)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from typing import Any

from cryptography.hazmat.primitives.asymmetric import dsa

from vectorgen import public
from vectorgen.blobs import NO_SEED, dss_v2, dss_v3
from vectorgen.common import (
    ALG,
    Case,
    Group,
    Json,
    VectorFile,
    acceptable,
    big,
    dsa_512_parameters,
    dsa_key,
    error,
    hx,
    invalid,
    patch,
    patch_u8,
    patch_u32,
    pkcs8,
    rng,
    spki,
    valid,
)
from vectorgen.decode import bad, ok, still_invalid, tolerated


@dataclass(frozen=True)
class Dsa:
    """DSA numbers, with the seed as stored in a blob (reversed FIPS 186 SEED)."""

    p: int
    q: int
    g: int
    y: int
    x: int
    seed: tuple[int, bytes] = NO_SEED

    def private_json(self) -> Json:
        return {
            "p": big(self.p),
            "q": big(self.q),
            "g": big(self.g),
            "y": big(self.y),
            "x": big(self.x),
        }

    def public_json(self) -> Json:
        return {"p": big(self.p), "q": big(self.q), "g": big(self.g), "y": big(self.y)}

    def private_key(self) -> dsa.DSAPrivateKey:
        params = dsa.DSAParameterNumbers(self.p, self.q, self.g)
        return dsa.DSAPrivateNumbers(
            self.x, dsa.DSAPublicNumbers(self.y, params)
        ).private_key()


def committed(name: str) -> Dsa:
    nums = dsa_key(name).private_numbers()
    g = nums.public_numbers.parameter_numbers
    return Dsa(g.p, g.q, g.g, nums.public_numbers.y, nums.x)


def dsa_512() -> Dsa:
    """OpenSSL's 512-bit FIPS 186-2 group with a private value from a seeded PRNG."""
    p, q, g = dsa_512_parameters()
    x = rng("dsa-512/x").randrange(1, q)
    return Dsa(p, q, g, pow(g, x, p), x)


def wine(blob: bytes) -> Dsa:
    """Read a published DSS2 blob and check its seed regenerates q (FIPS 186-2)."""
    bits = int.from_bytes(blob[12:16], "little")
    n = bits // 8
    p = int.from_bytes(blob[16 : 16 + n], "little")
    q = int.from_bytes(blob[16 + n : 36 + n], "little")
    g = int.from_bytes(blob[36 + n : 36 + 2 * n], "little")
    x = int.from_bytes(blob[36 + 2 * n : 56 + 2 * n], "little")
    counter = int.from_bytes(blob[56 + 2 * n : 60 + 2 * n], "little")
    stored = blob[60 + 2 * n : 80 + 2 * n]
    fips_seed = stored[::-1]  # stored reversed, like every CryptoAPI number (SPEC §6.2)
    s = int.from_bytes(fips_seed, "big")
    u = int.from_bytes(hashlib.sha1(fips_seed).digest(), "big") ^ int.from_bytes(  # noqa: S324
        hashlib.sha1(((s + 1) % (1 << 160)).to_bytes(20, "big")).digest(),  # noqa: S324
        "big",
    )
    if u | (1 << 159) | 1 != q:
        raise AssertionError("the published seed does not regenerate q")
    key = Dsa(p, q, g, pow(g, x, p), x, (counter, stored))
    key.private_key()  # cryptography checks the group
    if dss_v2(p, q, g, x=x, seed=key.seed).data != blob:
        raise AssertionError("the encoder does not reproduce the published blob")
    return key


def wine_keys() -> list[tuple[str, Dsa, str]]:
    return [
        (
            "wine-at-signature",
            wine(public.WINE_DSSENH_AT_SIGNATURE_PRIVATE_KEY),
            "Wine dssenh AT_SIGNATURE_PrivateKey (seed counter 497)",
        ),
        (
            "wine-dss-sign",
            wine(public.WINE_DSSENH_DSS_SIGN_PRIVATE_KEY),
            "Wine dssenh DSS_SIGN_PrivateKey (seed counter 60)",
        ),
    ]


def _import(
    name: str, comment: str, flags: list[str], blob: bytes, key: Dsa, *, private: bool
) -> Case:
    if private:
        return valid(
            name,
            comment,
            flags,
            blob=hx(blob),
            kind="private",
            keyDer=pkcs8(key.private_key()),
            keyNumbers=key.private_json(),
        )
    return valid(
        name,
        comment,
        flags,
        blob=hx(blob),
        kind="public",
        keyDer=spki(key.private_key().public_key()),
        keyNumbers=key.public_json(),
    )


# -- version 2 ------------------------------------------------------------------------


def v2_file() -> VectorFile:
    f = VectorFile(
        "dss_v2_key_blob_test.json",
        "DSS PUBLICKEYBLOB/PRIVATEKEYBLOB version 2 (DSS1, DSS2)",
        [
            "Version-2 DSS blobs (SPEC §6.1, §6.2) and their conversion (SPEC §14): the",
            "private blob has no y, converters compute y = g^x mod p. Keys: vectors/keys/;",
            "published blobs: Wine's dssenh tests, which Windows runs.",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    imports = f.group(
        "KeyImport",
        "Blob to key: the PKCS#8 or SubjectPublicKeyInfo key, or the error.",
        prefix="import",
    )
    exports = f.group("KeyExport", "Key to blob, or the error.", prefix="export")

    key = committed("dsa-1024")
    shapes: list[tuple[str, Dsa, str, list[str]]] = [
        (
            "dsa-1024",
            key,
            "1024-bit key, no seed (counter 0xFFFFFFFF), as OpenSSL and blobformat write it",
            [],
        ),
    ]
    shapes += [
        (name, k, comment, ["WineTestData", "DssSeed"])
        for name, k, comment in wine_keys()
    ]
    for name, k, comment, flags in shapes:
        private = dss_v2(k.p, k.q, k.g, x=k.x, seed=k.seed)
        public_blob = dss_v2(k.p, k.q, k.g, y=k.y, seed=k.seed)
        decode.add(ok(f"{name}-private", f"{comment}: DSS2", private, flags))
        decode.add(
            ok(f"{name}-public", f"{comment}: DSS1 (y = g^x mod p)", public_blob, flags)
        )
        imports.add(
            _import(
                f"{name}-private",
                f"{comment}: y is computed",
                flags,
                private.data,
                k,
                private=True,
            )
        )
        imports.add(
            _import(
                f"{name}-public", comment, flags, public_blob.data, k, private=False
            )
        )
    exports.add(
        valid(
            "dsa-1024-private",
            "a 1024-bit key fits version 2, the default",
            [],
            keyDer=pkcs8(key.private_key()),
            kind="private",
            algId=None,
            version=None,
            blob=hx(dss_v2(key.p, key.q, key.g, x=key.x).data),
        ),
        valid(
            "dsa-1024-public",
            "the public half, version 2",
            [],
            keyDer=spki(key.private_key().public_key()),
            kind="public",
            algId=None,
            version=None,
            blob=hx(dss_v2(key.p, key.q, key.g, y=key.y).data),
        ),
        valid(
            "dsa-1024-private-explicit",
            "CALG_DSS_SIGN and version 2 requested",
            [],
            keyDer=pkcs8(key.private_key()),
            kind="private",
            algId=ALG["CALG_DSS_SIGN"],
            version=2,
            blob=hx(dss_v2(key.p, key.q, key.g, x=key.x).data),
        ),
    )
    seeds = [
        (
            "seed-counter-0",
            (0, bytes(20)),
            "counter 0 is a valid counter, kept verbatim (SPEC §6.2; .NET's v2 reader treats counter <= 0 as 'no seed')",
        ),
        (
            "seed-none-odd-bytes",
            (0xFFFFFFFF, bytes(range(20))),
            "'no seed' counter with seed bytes other than 0xFF: kept verbatim (PEERS §4 item 16)",
        ),
        (
            "seed-counter-negative",
            (0x80000000, b"\x5a" * 20),
            "counter 0x80000000, negative as a signed value (PEERS §4 item 16)",
        ),
    ]
    for name, seed, comment in seeds:
        decode.add(
            ok(
                name,
                comment,
                dss_v2(key.p, key.q, key.g, y=key.y, seed=seed),
                ["DssSeed"],
            )
        )
    small = dsa_512()
    for kind, blob in (
        ("private", dss_v2(small.p, small.q, small.g, x=small.x)),
        ("public", dss_v2(small.p, small.q, small.g, y=small.y)),
    ):
        decode.add(
            ok(
                f"dsa-512-{kind}",
                f"512-bit DSS {kind} key, the smallest DSS-1 allows (Windows' base DSS provider minimum)",
                blob,
                ["BitLengthBound"],
            )
        )
        imports.add(
            acceptable(
                f"dsa-512-{kind}",
                "cryptography (hence the reference) has no 512-bit DSA: KEY-5 requires refusing, "
                "a library that represents such keys converts it",
                ["LibraryLimit"],
                error("KeyConversionError", "KEY-5"),
                blob=hx(blob.data),
                kind=kind,
            )
        )

    _v2_invalid(decode, key)
    _conversion_failures(imports, key, version=2)

    big_key = committed("dsa-2048")
    exports.add(
        invalid(
            "dsa-2048-version-2",
            "a 2048-bit key does not fit version 2 (q is 256 bits)",
            ["UnrepresentableKey"],
            error("KeyConversionError", "KEY-8"),
            keyDer=pkcs8(big_key.private_key()),
            kind="private",
            algId=None,
            version=2,
        ),
        invalid(
            "alg-rsa-keyx",
            "a DSA key cannot be written with CALG_RSA_KEYX",
            ["WrongAlgorithm"],
            error("InvalidParameterError", "KEY-7"),
            keyDer=pkcs8(key.private_key()),
            kind="private",
            algId=ALG["CALG_RSA_KEYX"],
            version=None,
        ),
        invalid(
            "version-4",
            "DSS blobs have versions 2 and 3",
            ["WrongVersion"],
            error("InvalidParameterError", "KEY-7"),
            keyDer=spki(key.private_key().public_key()),
            kind="public",
            algId=None,
            version=4,
        ),
    )
    _canonical_v2(f, key)
    _order_v2(f, key)
    relations = f.group(
        "KeyImport",
        "Key relations OpenSSL's MSBLOB reader does not check (flag OpenSslImports): "
        "replacements of released cases that lacked the flag.",
        prefix="relation",
    )
    _conversion_failures(
        relations,
        key,
        version=2,
        only=OPENSSL_IMPORTS,
        note=" (replaces import-{name})",
    )
    return f


ORDER_COMMENT = (
    "SPEC 1.1 §4.3, §6.5: which error wins when an input breaks several rules."
)


def _order_v2(f: VectorFile, key: Dsa) -> None:
    decode = f.group("BlobDecode", ORDER_COMMENT, prefix="order")
    blob = dss_v2(key.p, key.q, key.g, y=key.y).data
    flags = ["CheckOrder"]
    short = key.p >> 8
    zero_top = dss_v2(
        short, key.q, key.g, y=key.y, bits=1024, seed=(0x80000000, b"\x5a" * 20)
    ).data
    decode.add(
        bad(
            "truncated-bitlen-bad-alg",
            "14 bytes with aiKeyAlg CALG_RSA_KEYX: truncation inside bitlen, not HDR-4",
            [*flags, "Truncated"],
            patch_u32(blob, 4, ALG["CALG_RSA_KEYX"])[:14],
            "TruncatedError",
            "DSS-2",
            12,
            "bit_length",
        ),
        bad(
            "alg-and-bitlen",
            "aiKeyAlg CALG_RSA_KEYX and bitlen 520: HDR-4 first",
            [*flags, "WrongAlgorithm"],
            patch_u32(patch_u32(blob, 4, ALG["CALG_RSA_KEYX"]), 12, 520),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "bitlen-and-truncated",
            "bitlen 520 and the last byte missing: DSS-1 is checked before the size",
            [*flags, "BadBitLength"],
            patch_u32(blob, 12, 520)[:-1],
            "InvalidFieldError",
            "DSS-1",
            12,
            "bit_length",
        ),
        bad(
            "p-top-byte-zero-and-seed-counter",
            "p with a zero top byte and DSSSEED counter 0x80000000: DSS-6 before DSS-7",
            [*flags, "NonCanonicalBitLength", "AmbiguousSeedCounter"],
            zero_top,
            "InvalidFieldError",
            "DSS-6",
            16,
            "p",
        ),
        bad(
            "seed-counter-and-truncated",
            "DSSSEED counter 0x80000000 and the last byte missing: the size is checked before the body's DSS-7",
            [*flags, "Truncated"],
            dss_v2(key.p, key.q, key.g, y=key.y, seed=(0x80000000, b"\x5a" * 20)).data[
                :-1
            ],
            "TruncatedError",
            "DSS-2",
            424,
            "seed.seed",
        ),
    )


def _v2_invalid(decode: Group, key: Dsa) -> None:
    add = decode.add
    pub = dss_v2(key.p, key.q, key.g, y=key.y).data  # 444 bytes
    priv = dss_v2(key.p, key.q, key.g, x=key.x).data  # 336 bytes
    add(
        bad(
            "version-3",
            "DSS1 requires bVersion 2",
            ["WrongVersion"],
            patch_u8(pub, 1, 3),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        ),
        bad(
            "alg-rsa-keyx",
            "a DSS blob with CALG_RSA_KEYX",
            ["WrongAlgorithm"],
            patch_u32(pub, 4, ALG["CALG_RSA_KEYX"]),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "alg-rsa-sign",
            "a DSS blob with CALG_RSA_SIGN",
            ["WrongAlgorithm"],
            patch_u32(priv, 4, ALG["CALG_RSA_SIGN"]),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "alg-at-signature",
            "AT_SIGNATURE instead of CALG_DSS_SIGN",
            ["WrongAlgorithm"],
            patch_u32(priv, 4, 2),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "dss1-in-privatekeyblob",
            "a PRIVATEKEYBLOB with the public magic DSS1",
            ["TypeConfusion"],
            patch_u8(pub, 0, 7),
            "InvalidFieldError",
            "HDR-5",
            8,
            "magic",
        ),
    )
    for value, comment in (
        (0, "bitlen 0"),
        (448, "below 512"),
        (520, "not a multiple of 64"),
        (1025, "not a multiple of 64"),
        (1088, "above 1024"),
        (2048, "version 2 holds at most 1024 bits"),
        (0xFFFFFFFF, "bitlen 0xFFFFFFFF"),
    ):
        add(
            bad(
                f"bitlen-{value}",
                f"DSS v2 {comment}",
                ["BadBitLength"],
                patch_u32(pub, 12, value),
                "InvalidFieldError",
                "DSS-1",
                12,
                "bit_length",
            )
        )
    cuts = [
        (16, 16, "p"),
        (150, 144, "q"),
        (292, 292, "y"),
        (420, 420, "seed.counter"),
        (430, 424, "seed.seed"),
        (443, 424, "seed.seed"),
    ]
    for size, offset, field in cuts:
        add(
            bad(
                f"public-truncated-{size}",
                f"{size} of 444 bytes (PEERS §4 item 6)",
                ["Truncated"],
                pub[:size],
                "TruncatedError",
                "DSS-2",
                offset,
                field,
            )
        )
    add(
        bad(
            "private-truncated-x",
            "the input ends inside x",
            ["Truncated"],
            priv[:300],
            "TruncatedError",
            "DSS-2",
            292,
            "x",
        ),
        bad(
            "public-trailing",
            "two bytes after a complete blob",
            ["TrailingData"],
            pub + b"\x00\x00",
            "TrailingDataError",
            "DSS-2",
            444,
            None,
            lenient=tolerated(pub, "trailing-data", 444, "DSS-2"),
        ),
        bad(
            "private-trailing",
            "one byte after a complete blob",
            ["TrailingData"],
            priv + b"\xff",
            "TrailingDataError",
            "DSS-2",
            336,
            None,
            lenient=tolerated(priv, "trailing-data", 336, "DSS-2"),
        ),
        bad(
            "q-24-bytes",
            "a 24-byte q in a version-2 blob: the layout fixes 20 bytes, so 4 bytes are left over (PEERS §4 item 17)",
            ["TrailingData"],
            pub[:144] + key.q.to_bytes(24, "little") + pub[164:],
            "TrailingDataError",
            "DSS-2",
            444,
            None,
        ),
    )


#: The KEY-3/KEY-4 cases of version 2 that OpenSSL's MSBLOB reader imports (all but p-even).
OPENSSL_IMPORTS = (
    "g-one",
    "g-wrong-order",
    "q-not-divisor",
    "y-one",
    "y-outside-subgroup",
    "x-zero",
    "x-equals-q",
)


def _conversion_failures(
    imports: Group,
    key: Dsa,
    *,
    version: int,
    only: tuple[str, ...] | None = None,
    note: str = "",
) -> None:
    p, q, g = key.p, key.q, key.g
    cases: list[tuple[str, str, Json, str, str, bool]] = [
        ("g-one", "g = 1", {"g": 1}, "1 < g < p-1", "KEY-3", False),
        (
            "g-wrong-order",
            "g + 1 does not have order q",
            {"g": g + 1},
            "g^q == 1 mod p",
            "KEY-3",
            False,
        ),
        (
            "q-not-divisor",
            "q + 2 does not divide p - 1",
            {"q": q + 2},
            "q odd, q | p-1",
            "KEY-3",
            False,
        ),
        ("p-even", "p + 1 is even", {"p": p + 1}, "p odd", "KEY-3", False),
        ("y-one", "y = 1", {"y": 1}, "1 < y < p-1", "KEY-3", True),
        (
            "y-outside-subgroup",
            "y = p - 2 is not in the order-q subgroup",
            {"y": p - 2},
            "y^q == 1 mod p",
            "KEY-3",
            True,
        ),
        ("x-zero", "x = 0", {"x": 0}, "0 < x < q", "KEY-4", False),
        ("x-equals-q", "x = q", {"x": q}, "0 < x < q", "KEY-4", False),
    ]
    for name, comment, change, relation, rule, public_only in cases:
        if only is not None and name not in only:
            continue
        k = replace(key, **change)
        if version == 2:
            blob = (
                dss_v2(k.p, k.q, k.g, y=k.y)
                if public_only
                else dss_v2(k.p, k.q, k.g, x=k.x)
            )
        else:
            j = (key.p - 1) // key.q
            blob = (
                dss_v3(k.p, k.q, k.g, k.y, j=j)
                if public_only
                else dss_v3(k.p, k.q, k.g, k.y, x=k.x, j=j)
            )
        imports.add(
            invalid(
                name,
                comment + note.format(name=name),
                ["InconsistentKey"],
                error("KeyConversionError", rule, relation=relation),
                blob=hx(blob.data),
                kind="public" if public_only else "private",
            )
        )


# -- version 3 ------------------------------------------------------------------------


def v3_file() -> VectorFile:
    f = VectorFile(
        "dss_v3_key_blob_test.json",
        "DSS PUBLICKEYBLOB/PRIVATEKEYBLOB version 3 (DSS3, DSS4)",
        [
            "Version-3 DSS blobs (SPEC §6.3) and their conversion (SPEC §14). OpenSSL 3 reads",
            "version 2 only (flag OpenSslRejects).",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    imports = f.group("KeyImport", "Blob to key, or the error.", prefix="import")
    exports = f.group("KeyExport", "Key to blob, or the error.", prefix="export")

    k1024, k2048 = committed("dsa-1024"), committed("dsa-2048")
    at_signature = wine_keys()[0][1]
    shapes: list[tuple[str, Dsa, str, list[str], dict[str, Any]]] = [
        ("dsa-1024", k1024, "1024-bit key, q 160 bits, j = (p-1)/q present", [], {}),
        ("dsa-2048", k2048, "2048-bit key, q 256 bits", [], {}),
        ("dsa-1024-no-j", k1024, "bitlenJ 0: j is absent", [], {"with_j": False}),
        (
            "wine-at-signature-seed",
            at_signature,
            "the numbers and seed of Wine's AT_SIGNATURE_PrivateKey in a version-3 blob",
            ["DssSeed"],
            {"seed": at_signature.seed},
        ),
    ]
    for name, k, comment, flags, opts in shapes:
        private = dss_v3(k.p, k.q, k.g, k.y, x=k.x, **opts)
        public_blob = dss_v3(k.p, k.q, k.g, k.y, **opts)
        decode.add(ok(f"{name}-private", f"{comment}: DSS4", private, flags))
        decode.add(ok(f"{name}-public", f"{comment}: DSS3", public_blob, flags))
        imports.add(
            _import(
                f"{name}-private",
                f"{comment}: the blob's y must equal g^x mod p",
                flags,
                private.data,
                k,
                private=True,
            )
        )
        imports.add(
            _import(
                f"{name}-public", comment, flags, public_blob.data, k, private=False
            )
        )
    # bitlenX below bitlenQ: x = (x >> 8) has at most 152 bits.
    tight = replace(k1024, x=k1024.x >> 8, y=pow(k1024.g, k1024.x >> 8, k1024.p))
    tight_blob = dss_v3(
        tight.p, tight.q, tight.g, tight.y, x=tight.x, bits_x=tight.x.bit_length()
    )
    decode.add(
        ok(
            "bitlen-x-below-q",
            "bitlenX is x's own bit length, below bitlenQ",
            tight_blob,
        )
    )
    imports.add(
        _import(
            "bitlen-x-below-q",
            "bitlenX below bitlenQ converts like any other",
            [],
            tight_blob.data,
            tight,
            private=True,
        )
    )
    exports.add(
        valid(
            "dsa-2048-default",
            "a 2048-bit key is written as version 3 by default",
            [],
            keyDer=pkcs8(k2048.private_key()),
            kind="private",
            algId=None,
            version=None,
            blob=hx(dss_v3(k2048.p, k2048.q, k2048.g, k2048.y, x=k2048.x).data),
        ),
        valid(
            "dsa-1024-version-3",
            "version 3 requested for a key that fits version 2",
            [],
            keyDer=pkcs8(k1024.private_key()),
            kind="private",
            algId=None,
            version=3,
            blob=hx(dss_v3(k1024.p, k1024.q, k1024.g, k1024.y, x=k1024.x).data),
        ),
        valid(
            "dsa-2048-public",
            "the public half of the 2048-bit key",
            [],
            keyDer=spki(k2048.private_key().public_key()),
            kind="public",
            algId=None,
            version=None,
            blob=hx(dss_v3(k2048.p, k2048.q, k2048.g, k2048.y).data),
        ),
    )
    _v3_invalid(decode, k1024)
    _conversion_failures(imports, k1024, version=3)
    j = (k1024.p - 1) // k1024.q
    imports.add(
        invalid(
            "j-wrong",
            "j + 1 instead of (p-1)/q",
            ["InconsistentKey"],
            error("KeyConversionError", "KEY-3", relation="j == (p-1)/q"),
            blob=hx(
                dss_v3(k1024.p, k1024.q, k1024.g, k1024.y, x=k1024.x, j=j + 1).data
            ),
            kind="private",
        ),
        invalid(
            "y-not-g-x",
            "the blob's y is not g^x mod p",
            ["InconsistentKey"],
            error("KeyConversionError", "KEY-4", relation="y == g^x mod p"),
            blob=hx(
                dss_v3(
                    k1024.p, k1024.q, k1024.g, k1024.y * k1024.g % k1024.p, x=k1024.x
                ).data
            ),
            kind="private",
        ),
    )
    _order_v3(f, k1024)
    return f


def _order_v3(f: VectorFile, key: Dsa) -> None:
    decode = f.group(
        "BlobDecode",
        "SPEC 1.1 §4.3, §6.5: which error wins when an input breaks several rules.",
        prefix="order",
    )
    priv = dss_v3(key.p, key.q, key.g, key.y, x=key.x).data
    flags = ["CheckOrder"]
    bad_bits = patch_u32(patch_u32(priv, 12, 5), 16, 0)
    counter = dss_v3(
        key.p, key.q, key.g, key.y, x=key.x, seed=(0x80000000, b"\x5a" * 20)
    ).data
    decode.add(
        bad(
            "truncated-seed-bad-bitlens",
            "bitlenP 5 and bitlenQ 0, input ends inside the DSSSEED seed: the DSSSEED belongs to the fixed part, so this is a truncation",
            [*flags, "Truncated"],
            bad_bits[:40],
            "TruncatedError",
            "DSS-4",
            32,
            "seed.seed",
        ),
        bad(
            "truncated-counter-bad-alg",
            "aiKeyAlg CALG_RSA_SIGN, input ends inside the DSSSEED counter",
            [*flags, "Truncated"],
            patch_u32(priv, 4, ALG["CALG_RSA_SIGN"])[:30],
            "TruncatedError",
            "DSS-4",
            28,
            "seed.counter",
        ),
        bad(
            "bitlen-p-and-bitlen-q",
            "bitlenP 5 and bitlenQ 0: bitlenP is checked first",
            [*flags, "BadBitLength"],
            bad_bits,
            "InvalidFieldError",
            "DSS-3",
            12,
            "bit_length_p",
        ),
        bad(
            "bitlen-x-and-seed-counter",
            "bitlenX 0 and DSSSEED counter 0x80000000: the bit lengths are checked before the DSSSEED",
            [*flags, "BadBitLength"],
            patch_u32(counter, 24, 0),
            "InvalidFieldError",
            "DSS-3",
            24,
            "bit_length_x",
        ),
        bad(
            "seed-counter-and-truncated",
            "DSSSEED counter 0x80000000 and the input ends inside p: the size is checked before DSS-7",
            [*flags, "Truncated"],
            counter[:100],
            "TruncatedError",
            "DSS-4",
            52,
            "p",
        ),
    )
    j_size = (((key.p - 1) // key.q).bit_length() + 7) // 8
    j_at = 52 + 128 + 20 + 128
    x_at = j_at + j_size + 128
    # j's top byte set to 0xFF, and bitlenX one below x's length (same field sizes):
    # both numbers exceed their bit lengths.
    both_high = patch(
        patch_u32(priv, 24, key.x.bit_length() - 1), j_at + j_size - 1, b"\xff"
    )
    p_top_zero = patch(patch_u32(priv, 24, key.x.bit_length() - 1), 52 + 127, b"\x00")
    decode.add(
        bad(
            "j-and-x-above-bit-lengths",
            "j and x each one bit longer than bitlenJ and bitlenX: DSS-5 checks j before x",
            [*flags, "ValueTooLarge"],
            both_high,
            "InvalidFieldError",
            "DSS-5",
            j_at,
            "j",
        ),
        bad(
            "x-above-bit-length-and-p-top-byte-zero",
            "x longer than bitlenX and p's top byte zero: DSS-5 before DSS-6",
            [*flags, "ValueTooLarge"],
            p_top_zero,
            "InvalidFieldError",
            "DSS-5",
            x_at,
            "x",
        ),
    )
    small = dsa_512()
    library = f.group(
        "KeyImport",
        "SPEC 1.1 §19: KEY-5 for converters to cryptography key objects.",
        prefix="library",
    )
    library.add(
        invalid(
            "dsa-512-v3-public",
            "a DSS3 blob with a 512-bit p and 160-bit q: valid under §6.3 and §14.2, but cryptography "
            "has no 512-bit DSA, and KEY-5 forbids approximating it",
            ["CryptographyKeyLimit"],
            error("KeyConversionError", "KEY-5"),
            blob=hx(dss_v3(small.p, small.q, small.g, small.y).data),
            kind="public",
        )
    )


def _v3_invalid(decode: Group, key: Dsa) -> None:
    add = decode.add
    priv = dss_v3(key.p, key.q, key.g, key.y, x=key.x).data
    pub = dss_v3(key.p, key.q, key.g, key.y).data
    j_bits = ((key.p - 1) // key.q).bit_length()
    j_size = (j_bits + 7) // 8
    x_at = 52 + 128 + 20 + 128 + j_size + 128
    add(
        bad(
            "version-2",
            "DSS4 requires bVersion 3",
            ["WrongVersion"],
            patch_u8(priv, 1, 2),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        ),
        bad(
            "public-version-2",
            "DSS3 requires bVersion 3",
            ["WrongVersion"],
            patch_u8(pub, 1, 2),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        ),
        bad(
            "dss4-in-publickeyblob",
            "a PUBLICKEYBLOB with the private magic DSS4",
            ["TypeConfusion"],
            patch_u8(priv, 0, 6),
            "InvalidFieldError",
            "HDR-5",
            8,
            "magic",
        ),
    )
    bad_p = [
        (448, "below 512"),
        (1000, "not a multiple of 64"),
        (3136, "above 3072"),
        (4096, "above 3072"),
    ]
    for value, comment in bad_p:
        add(
            bad(
                f"bitlen-p-{value}",
                f"bitlenP {value}: {comment}",
                ["BadBitLength"],
                patch_u32(priv, 12, value),
                "InvalidFieldError",
                "DSS-3",
                12,
                "bit_length_p",
            )
        )
    for value in (0, 161, 192, 512):
        add(
            bad(
                f"bitlen-q-{value}",
                f"bitlenQ {value}: not 160, 224 or 256 (PEERS §4 item 17)",
                ["BadBitLength"],
                patch_u32(priv, 16, value),
                "InvalidFieldError",
                "DSS-3",
                16,
                "bit_length_q",
            )
        )
    add(
        bad(
            "bitlen-j-1025",
            "bitlenJ above bitlenP (PEERS §4 item 17)",
            ["BadBitLength"],
            patch_u32(priv, 20, 1025),
            "InvalidFieldError",
            "DSS-3",
            20,
            "bit_length_j",
        )
    )
    for value in (0, 161):
        add(
            bad(
                f"bitlen-x-{value}",
                f"bitlenX {value}: outside 1..bitlenQ (PEERS §4 item 17)",
                ["BadBitLength"],
                patch_u32(priv, 24, value),
                "InvalidFieldError",
                "DSS-3",
                24,
                "bit_length_x",
            )
        )
    add(
        bad(
            "truncated-at-seed",
            "the input ends where the DSSSEED starts",
            ["Truncated"],
            priv[:28],
            "TruncatedError",
            "DSS-4",
            28,
            "seed.counter",
        ),
        bad(
            "truncated-at-p",
            "the input ends where p starts",
            ["Truncated"],
            priv[:52],
            "TruncatedError",
            "DSS-4",
            52,
            "p",
        ),
        bad(
            "truncated-last-byte",
            "the last byte of x is missing",
            ["Truncated"],
            priv[:-1],
            "TruncatedError",
            "DSS-4",
            x_at,
            "x",
        ),
        bad(
            "trailing",
            "one byte after a complete blob",
            ["TrailingData"],
            priv + b"\x00",
            "TrailingDataError",
            "DSS-4",
            len(priv),
            None,
            lenient=tolerated(priv, "trailing-data", len(priv), "DSS-4"),
        ),
        bad(
            "bitlen-x-152-trailing",
            "bitlenX 152 makes x 19 bytes: one byte is left over",
            ["TrailingData"],
            patch_u32(priv, 24, 152),
            "TrailingDataError",
            "DSS-4",
            len(priv) - 1,
            None,
        ),
    )
    x_high = patch_u32(priv, 24, 150)[:-20] + bytes(18) + b"\xff"
    add(
        bad(
            "x-above-bitlen-x",
            "bitlenX 150 (19 bytes) with bit 151 of x set",
            ["ValueTooLarge"],
            x_high,
            "InvalidFieldError",
            "DSS-5",
            x_at,
            "x",
        ),
        bad(
            "j-above-bitlen-j",
            f"bitlenJ {j_bits} with the top byte of the {j_size}-byte j set to 0xFF",
            ["ValueTooLarge"],
            patch(priv, 52 + 128 + 20 + 128 + j_size - 1, b"\xff"),
            "InvalidFieldError",
            "DSS-5",
            52 + 128 + 20 + 128,
            "j",
        ),
    )


def _canonical_v2(f: VectorFile, key: Dsa) -> None:
    """DSS-6 (p fills its field) and DSS-7 (unambiguous seed counters): security issue item 7."""
    decode = f.group(
        "BlobDecode",
        "DSS-6 and DSS-7; lenient decoding rewrites the bit length or the counter.",
        prefix="canonical",
    )
    flags = ["AmbiguousSeedCounter", "DssSeed"]
    for counter in (0x80000000, 0xFFFFFFFE):
        blob = dss_v2(key.p, key.q, key.g, y=key.y, seed=(counter, b"\x5a" * 20)).data
        fixed = dss_v2(
            key.p, key.q, key.g, y=key.y, seed=(0xFFFFFFFF, b"\x5a" * 20)
        ).data
        decode.add(
            bad(
                f"seed-counter-{counter:#x}",
                f"counter {counter:#x}: a seed to Microsoft's page, 'no seed' to .NET's signed read",
                flags,
                blob,
                "InvalidFieldError",
                "DSS-7",
                420,
                "seed.counter",
                lenient=tolerated(fixed, "ambiguous-seed-counter", 420, "DSS-7"),
            )
        )
    private = dss_v2(key.p, key.q, key.g, x=key.x, seed=(0x80000000, bytes(20))).data
    decode.add(
        bad(
            "seed-counter-0x80000000-private",
            "DSS2 with counter 0x80000000",
            flags,
            private,
            "InvalidFieldError",
            "DSS-7",
            312,
            "seed.counter",
            lenient=tolerated(
                dss_v2(key.p, key.q, key.g, x=key.x, seed=(0xFFFFFFFF, bytes(20))).data,
                "ambiguous-seed-counter",
                312,
                "DSS-7",
            ),
        )
    )
    decode.add(
        ok(
            "seed-counter-0x7fffffff",
            "counter 2^31 - 1: positive to every reader",
            dss_v2(key.p, key.q, key.g, y=key.y, seed=(0x7FFFFFFF, b"\x5a" * 20)),
            ["DssSeed"],
        )
    )
    small = dsa_512()
    padded = dss_v2(small.p, small.q, small.g, y=small.y, bits=1024).data
    decode.add(
        bad(
            "p-512-in-1024",
            "a 512-bit p zero-padded into bitlen 1024's fields (a second encoding of the key)",
            ["NonCanonicalBitLength"],
            padded,
            "InvalidFieldError",
            "DSS-6",
            16,
            "p",
            lenient=tolerated(
                dss_v2(small.p, small.q, small.g, y=small.y).data,
                "non-canonical-bit-length",
                16,
                "DSS-6",
            ),
        )
    )
    short = key.p >> 8
    decode.add(
        bad(
            "p-top-byte-zero",
            "p with a zero top byte and no smaller allowed bitlen (1016 bits in 1024): refused in both modes",
            ["NonCanonicalBitLength"],
            dss_v2(short, key.q, key.g, y=key.y, bits=1024).data,
            "InvalidFieldError",
            "DSS-6",
            16,
            "p",
            lenient=still_invalid("InvalidFieldError", "DSS-6", 16, "p"),
        )
    )
