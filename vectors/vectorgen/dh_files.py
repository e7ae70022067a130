"""dh_key_blob_test.json (SPEC §7, §14)."""

from __future__ import annotations

from dataclasses import dataclass, replace

from cryptography.hazmat.primitives.asymmetric import dh

from vectorgen.blobs import dh_v2_private, dh_v2_public, dh_v3
from vectorgen.common import (
    ALG,
    Group,
    Json,
    VectorFile,
    acceptable,
    big,
    dh_key,
    error,
    hx,
    invalid,
    patch,
    patch_u8,
    patch_u32,
    pkcs8,
    spki,
    valid,
)
from vectorgen.decode import bad, ok, tolerated


@dataclass(frozen=True)
class Dh:
    p: int
    g: int
    q: int | None
    y: int
    x: int

    @classmethod
    def of(cls, name: str) -> Dh:
        nums = dh_key(name).private_numbers()
        group = nums.public_numbers.parameter_numbers
        return cls(group.p, group.g, group.q, nums.public_numbers.y, nums.x)

    def group(self, *, with_q: bool = True) -> dh.DHParameterNumbers:
        return dh.DHParameterNumbers(self.p, self.g, self.q if with_q else None)

    def numbers(self, *, private: bool, with_q: bool = True) -> Json:
        out: Json = {"p": big(self.p), "g": big(self.g), "y": big(self.y)}
        if with_q and self.q is not None:
            out["q"] = big(self.q)
        if private:
            out["x"] = big(self.x)
        return dict(sorted(out.items()))

    def private_der(self, *, with_q: bool = True) -> str:
        public = dh.DHPublicNumbers(self.y, self.group(with_q=with_q))
        return pkcs8(dh.DHPrivateNumbers(self.x, public).private_key())

    def public_der(self, *, with_q: bool = True) -> str:
        return spki(dh.DHPublicNumbers(self.y, self.group(with_q=with_q)).public_key())


def dh_file() -> VectorFile:
    f = VectorFile(
        "dh_key_blob_test.json",
        "Diffie-Hellman PUBLICKEYBLOB/PRIVATEKEYBLOB (\\0DH1..\\0DH4)",
        [
            "Diffie-Hellman blobs (SPEC §7) and their conversion (SPEC §14). A version-2",
            "public blob holds only y: converting it needs the group (parameters). Keys:",
            "vectors/keys/dh-512.pem (safe prime), dhx-1024.pem (X9.42 group with q).",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    imports = f.group("KeyImport", "Blob to key, or the error.", prefix="import")
    exports = f.group("KeyExport", "Key to blob, or the error.", prefix="export")

    safe, x942 = Dh.of("dh-512"), Dh.of("dhx-1024")
    bits = 512
    v2_pub = dh_v2_public(safe.y, bits=bits)
    v2_priv = dh_v2_private(safe.p, safe.g, safe.x)
    v3_pub = dh_v3(safe.p, None, safe.g, safe.y)
    v3_priv = dh_v3(safe.p, None, safe.g, safe.y, x=safe.x)
    x_pub = dh_v3(x942.p, x942.q, x942.g, x942.y)
    x_priv = dh_v3(x942.p, x942.q, x942.g, x942.y, x=x942.x, alg="CALG_DH_EPHEM")
    x_v2 = dh_v2_private(x942.p, x942.g, x942.x)
    decode.add(
        ok("dh-512-v2-public", "\\0DH1: y only (CALG_DH_SF)", v2_pub),
        ok("dh-512-v2-private", "\\0DH2: p, g and x", v2_priv),
        ok(
            "dh-512-v2-ephem",
            "\\0DH2 with CALG_DH_EPHEM",
            dh_v2_private(safe.p, safe.g, safe.x, alg="CALG_DH_EPHEM"),
        ),
        ok(
            "dh-512-v3-public", "\\0DH3 without q and j (bitlenQ = bitlenJ = 0)", v3_pub
        ),
        ok("dh-512-v3-private", "\\0DH4 without q and j; bitlenX = bitlenP", v3_priv),
        ok(
            "dhx-1024-v3-public",
            "\\0DH3 of an X9.42 group: q and j = (p-1)/q present",
            x_pub,
        ),
        ok("dhx-1024-v3-private", "\\0DH4 of an X9.42 group (CALG_DH_EPHEM)", x_priv),
        ok(
            "dhx-1024-v2-private",
            "\\0DH2 of an X9.42 group: version 2 has no room for q",
            x_v2,
        ),
    )
    group_json = {"p": big(safe.p), "g": big(safe.g)}
    imports.add(
        valid(
            "dh-512-v2-public",
            "y with the caller's group (p, g)",
            [],
            blob=hx(v2_pub.data),
            kind="public",
            parameters=group_json,
            keyDer=safe.public_der(),
            keyNumbers=safe.numbers(private=False),
        ),
        invalid(
            "dh-512-v2-public-no-group",
            "a version-2 public blob converted without its group (PEERS §4 item 18)",
            ["MissingGroup"],
            error("InvalidParameterError", "KEY-6"),
            blob=hx(v2_pub.data),
            kind="public",
        ),
        invalid(
            "dh-512-v2-public-wrong-group",
            "the caller's group has a 1024-bit p, the blob's bitlen is 512",
            ["MissingGroup"],
            error("KeyConversionError", "KEY-6", relation="p has bitlen bits"),
            blob=hx(v2_pub.data),
            kind="public",
            parameters={"p": big(x942.p), "g": big(x942.g)},
        ),
        valid(
            "dh-512-v2-private",
            "y is computed from p, g and x",
            [],
            blob=hx(v2_priv.data),
            kind="private",
            keyDer=safe.private_der(),
            keyNumbers=safe.numbers(private=True),
        ),
        valid(
            "dh-512-v3-public",
            "version 3 carries the group",
            [],
            blob=hx(v3_pub.data),
            kind="public",
            keyDer=safe.public_der(),
            keyNumbers=safe.numbers(private=False),
        ),
        valid(
            "dh-512-v3-private",
            "the blob's y equals g^x mod p",
            [],
            blob=hx(v3_priv.data),
            kind="private",
            keyDer=safe.private_der(),
            keyNumbers=safe.numbers(private=True),
        ),
        valid(
            "dhx-1024-v3-public",
            "an X9.42 group with q",
            [],
            blob=hx(x_pub.data),
            kind="public",
            keyDer=x942.public_der(),
            keyNumbers=x942.numbers(private=False),
        ),
        valid(
            "dhx-1024-v3-private",
            "an X9.42 private key",
            [],
            blob=hx(x_priv.data),
            kind="private",
            keyDer=x942.private_der(),
            keyNumbers=x942.numbers(private=True),
        ),
        acceptable(
            "dhx-1024-v2-private",
            "version 2 drops q; cryptography 50 and later accept groups without q only for safe "
            "primes (KEY-5), earlier versions and other libraries convert it",
            ["LibraryLimit"],
            error("KeyConversionError", "KEY-5"),
            blob=hx(x_v2.data),
            kind="private",
        ),
    )
    _conversion_failures(imports, safe, x942)
    exports.add(
        valid(
            "dh-512-private",
            "version 2 and CALG_DH_SF by default",
            [],
            keyDer=safe.private_der(),
            kind="private",
            algId=None,
            version=None,
            blob=hx(v2_priv.data),
        ),
        valid(
            "dh-512-public",
            "a version-2 public blob holds y only",
            [],
            keyDer=safe.public_der(),
            kind="public",
            algId=None,
            version=None,
            blob=hx(v2_pub.data),
        ),
        valid(
            "dh-512-private-v3",
            "version 3 requested",
            [],
            keyDer=safe.private_der(),
            kind="private",
            algId=None,
            version=3,
            blob=hx(v3_priv.data),
        ),
        valid(
            "dhx-1024-private-v3-ephem",
            "version 3 and CALG_DH_EPHEM requested",
            [],
            keyDer=x942.private_der(),
            kind="private",
            algId=ALG["CALG_DH_EPHEM"],
            version=3,
            blob=hx(x_priv.data),
        ),
        valid(
            "dhx-1024-public-v3",
            "the public half with q and j",
            [],
            keyDer=x942.public_der(),
            kind="public",
            algId=None,
            version=3,
            blob=hx(x_pub.data),
        ),
        valid(
            "dhx-1024-private-v2",
            "the default version 2 drops q",
            [],
            keyDer=x942.private_der(),
            kind="private",
            algId=None,
            version=None,
            blob=hx(x_v2.data),
        ),
        invalid(
            "dh-520",
            "p of 520 bits is not a multiple of 64",
            ["UnrepresentableKey"],
            error("KeyConversionError", "KEY-8"),
            keyDer=Dh.of("dh-520").private_der(),
            kind="private",
            algId=None,
            version=None,
        ),
        invalid(
            "alg-dss",
            "a DH key cannot be written with CALG_DSS_SIGN",
            ["WrongAlgorithm"],
            error("InvalidParameterError", "KEY-7"),
            keyDer=safe.private_der(),
            kind="private",
            algId=ALG["CALG_DSS_SIGN"],
            version=None,
        ),
        invalid(
            "version-1",
            "DH blobs have versions 2 and 3",
            ["WrongVersion"],
            error("InvalidParameterError", "KEY-7"),
            keyDer=safe.public_der(),
            kind="public",
            algId=None,
            version=1,
        ),
    )
    _invalid(decode, v2_pub.data, v2_priv.data, x_priv.data, v3_priv.data)
    _canonical(f, safe)
    _order(f, safe)
    return f


def _order(f: VectorFile, safe: Dh) -> None:
    """SPEC 1.1 (issue 14): the check orders of §4.3 and §7.3."""
    decode = f.group(
        "BlobDecode",
        "SPEC 1.1 §4.3, §7.3: which error wins when an input breaks several rules.",
        prefix="order",
    )
    flags = ["CheckOrder"]
    v2 = dh_v2_private(safe.p, safe.g, safe.x).data
    v3 = dh_v3(safe.p, None, safe.g, safe.y, x=safe.x).data
    bad_bits = patch_u32(patch_u32(v3, 12, 5), 16, 100)
    decode.add(
        bad(
            "v2-truncated-bitlen-bad-alg",
            "\\0DH2, 14 bytes with aiKeyAlg CALG_DSS_SIGN: truncation inside bitlen, not HDR-4",
            [*flags, "Truncated"],
            patch_u32(v2, 4, ALG["CALG_DSS_SIGN"])[:14],
            "TruncatedError",
            "DH-2",
            12,
            "bit_length",
        ),
        bad(
            "v3-truncated-seed-bad-bitlens",
            "\\0DH4 with bitlenP 5 and bitlenQ 100, input ends inside the DSSSEED seed: a truncation of the fixed part",
            [*flags, "Truncated"],
            bad_bits[:40],
            "TruncatedError",
            "DH-4",
            32,
            "seed.seed",
        ),
        bad(
            "v3-bitlen-p-and-bitlen-q",
            "bitlenP 5 and bitlenQ 100: bitlenP first",
            [*flags, "BadBitLength"],
            bad_bits,
            "InvalidFieldError",
            "DH-3",
            12,
            "bit_length_p",
        ),
    )


def _conversion_failures(imports: Group, safe: Dh, x942: Dh) -> None:
    def v2(k: Dh) -> bytes:
        return dh_v2_private(k.p, k.g, k.x).data

    def v4(k: Dh, *, j: int | None = None) -> bytes:
        blob = dh_v3(k.p, k.q, k.g, k.y, x=k.x)
        if j is None:
            return blob.data
        # rebuild with a chosen j (same size as (p-1)/q)
        real = (k.p - 1) // (k.q or 1)
        start = 52 + 128 + 20 + 128
        size = (real.bit_length() + 7) // 8
        return patch(blob.data, start, j.to_bytes(size, "little"))

    cases: list[tuple[str, str, bytes, str, str, str]] = [
        ("g-one", "g = 1", v2(replace(safe, g=1)), "1 < g < p-1", "KEY-3", "private"),
        (
            "g-p-minus-1",
            "g = p - 1, an element of order 2",
            v2(replace(safe, g=safe.p - 1)),
            "1 < g < p-1",
            "KEY-3",
            "private",
        ),
        (
            "x-p-minus-1",
            "x = p - 1 (no q: 0 < x < p - 1)",
            v2(replace(safe, x=safe.p - 1)),
            "0 < x < p-1",
            "KEY-4",
            "private",
        ),
        ("x-zero", "x = 0", v2(replace(safe, x=0)), "0 < x < p-1", "KEY-4", "private"),
        (
            "y-one",
            "y = 1",
            dh_v3(safe.p, None, safe.g, 1).data,
            "1 < y < p-1",
            "KEY-3",
            "public",
        ),
        (
            "q-not-divisor",
            "q + 2 does not divide p - 1",
            v4(replace(x942, q=(x942.q or 0) + 2), j=(x942.p - 1) // (x942.q or 1)),
            "q odd, q | p-1",
            "KEY-3",
            "private",
        ),
        (
            "j-wrong",
            "j + 1 instead of (p-1)/q",
            v4(x942, j=(x942.p - 1) // (x942.q or 1) + 1),
            "j == (p-1)/q",
            "KEY-3",
            "private",
        ),
        (
            "x-equals-q",
            "x = q",
            v4(replace(x942, x=x942.q or 0)),
            "0 < x < q",
            "KEY-4",
            "private",
        ),
        (
            "y-not-g-x",
            "the blob's y is not g^x mod p",
            v4(replace(x942, y=x942.y * x942.g % x942.p)),
            "y == g^x mod p",
            "KEY-4",
            "private",
        ),
    ]
    for name, comment, blob, relation, rule, kind in cases:
        imports.add(
            invalid(
                name,
                comment,
                ["InconsistentKey"],
                error("KeyConversionError", rule, relation=relation),
                blob=hx(blob),
                kind=kind,
            )
        )


def _invalid(
    decode: Group, v2_pub: bytes, v2_priv: bytes, x_priv: bytes, safe_v3: bytes
) -> None:
    add = decode.add
    add(
        bad(
            "alg-dss",
            "a DH blob with CALG_DSS_SIGN",
            ["WrongAlgorithm"],
            patch_u32(v2_priv, 4, ALG["CALG_DSS_SIGN"]),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "alg-rsa-keyx",
            "a DH blob with CALG_RSA_KEYX",
            ["WrongAlgorithm"],
            patch_u32(v2_pub, 4, ALG["CALG_RSA_KEYX"]),
            "InvalidFieldError",
            "HDR-4",
            4,
            "header.key_alg",
        ),
        bad(
            "magic-byte-order",
            '"DH1\\0" (44 48 31 00) instead of "\\0DH1" (00 44 48 31): a byte-order slip (PEERS §4 item 18)',
            ["MagicByteOrder"],
            patch(v2_pub, 8, b"DH1\x00"),
            "UnsupportedBlobError",
            "HDR-1",
            0,
            "header.blob_type",
        ),
        bad(
            "v2-version-3",
            "\\0DH2 requires bVersion 2",
            ["WrongVersion"],
            patch_u8(v2_priv, 1, 3),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        ),
    )
    for value, comment in (
        (0, "bitlen 0"),
        (448, "below 512"),
        (520, "not a multiple of 64"),
        (4160, "above 4096"),
    ):
        add(
            bad(
                f"bitlen-{value}",
                f"DH v2 {comment}",
                ["BadBitLength"],
                patch_u32(v2_priv, 12, value),
                "InvalidFieldError",
                "DH-1",
                12,
                "bit_length",
            )
        )
    add(
        bad(
            "v2-truncated",
            "the input ends inside x",
            ["Truncated"],
            v2_priv[:-5],
            "TruncatedError",
            "DH-2",
            144,
            "x",
        ),
        bad(
            "v2-public-truncated",
            "the input ends inside y",
            ["Truncated"],
            v2_pub[:-1],
            "TruncatedError",
            "DH-2",
            16,
            "y",
        ),
        bad(
            "v2-trailing",
            "one byte after a complete blob",
            ["TrailingData"],
            v2_priv + b"\x00",
            "TrailingDataError",
            "DH-2",
            len(v2_priv),
            None,
            lenient=tolerated(v2_priv, "trailing-data", len(v2_priv), "DH-2"),
        ),
    )
    for value, comment in ((520, "not a multiple of 64"), (4160, "above 4096")):
        add(
            bad(
                f"v3-bitlen-p-{value}",
                f"bitlenP {value}: {comment}",
                ["BadBitLength"],
                patch_u32(x_priv, 12, value),
                "InvalidFieldError",
                "DH-3",
                12,
                "bit_length_p",
            )
        )
    for value, comment in ((100, "below 160"), (1024, "not below bitlenP")):
        add(
            bad(
                f"v3-bitlen-q-{value}",
                f"bitlenQ {value}: {comment}",
                ["BadBitLength"],
                patch_u32(x_priv, 16, value),
                "InvalidFieldError",
                "DH-3",
                16,
                "bit_length_q",
            )
        )
    add(
        bad(
            "v3-bitlen-j-1025",
            "bitlenJ above bitlenP",
            ["BadBitLength"],
            patch_u32(x_priv, 20, 1025),
            "InvalidFieldError",
            "DH-3",
            20,
            "bit_length_j",
        ),
        bad(
            "v3-bitlen-x-0",
            "bitlenX 0",
            ["BadBitLength"],
            patch_u32(x_priv, 24, 0),
            "InvalidFieldError",
            "DH-3",
            24,
            "bit_length_x",
        ),
        bad(
            "v3-bitlen-x-161",
            "bitlenX above bitlenQ",
            ["BadBitLength"],
            patch_u32(x_priv, 24, 161),
            "InvalidFieldError",
            "DH-3",
            24,
            "bit_length_x",
        ),
        bad(
            "v3-no-q-bitlen-x-520",
            "without q, bitlenX must not exceed bitlenP",
            ["BadBitLength"],
            patch_u32(safe_v3, 24, 520),
            "InvalidFieldError",
            "DH-3",
            24,
            "bit_length_x",
        ),
        bad(
            "v3-truncated",
            "the last byte of x is missing",
            ["Truncated"],
            x_priv[:-1],
            "TruncatedError",
            "DH-4",
            len(x_priv) - 20,
            "x",
        ),
        bad(
            "v3-trailing",
            "one byte after a complete blob",
            ["TrailingData"],
            x_priv + b"\x00",
            "TrailingDataError",
            "DH-4",
            len(x_priv),
            None,
            lenient=tolerated(x_priv, "trailing-data", len(x_priv), "DH-4"),
        ),
        bad(
            "v3-x-above-bitlen-x",
            "bitlenX 150 (19 bytes) with bit 151 of x set",
            ["ValueTooLarge"],
            patch_u32(x_priv, 24, 150)[:-20] + bytes(18) + b"\xff",
            "InvalidFieldError",
            "DH-5",
            len(x_priv) - 20,
            "x",
        ),
    )


def _canonical(f: VectorFile, safe: Dh) -> None:
    """DH-6 (p fills its field) and DSS-7 on \\0DH3: security issue item 7."""
    decode = f.group(
        "BlobDecode",
        "DH-6 and DSS-7; lenient decoding rewrites the bit length or the counter.",
        prefix="canonical",
    )
    padded = dh_v2_private(safe.p, safe.g, safe.x, bits=1024).data
    canonical = dh_v2_private(safe.p, safe.g, safe.x).data
    decode.add(
        bad(
            "v2-p-512-in-1024",
            "\\0DH2: a 512-bit p zero-padded into bitlen 1024's fields",
            ["NonCanonicalBitLength"],
            padded,
            "InvalidFieldError",
            "DH-6",
            16,
            "p",
            lenient=tolerated(canonical, "non-canonical-bit-length", 16, "DH-6"),
        )
    )
    seeded = dh_v3(safe.p, None, safe.g, safe.y, seed=(0x80000000, bytes(20))).data
    fixed = dh_v3(safe.p, None, safe.g, safe.y, seed=(0xFFFFFFFF, bytes(20))).data
    decode.add(
        bad(
            "v3-seed-counter-0x80000000",
            "\\0DH3 with DSSSEED counter 0x80000000",
            ["AmbiguousSeedCounter"],
            seeded,
            "InvalidFieldError",
            "DSS-7",
            24,
            "seed.counter",
            lenient=tolerated(fixed, "ambiguous-seed-counter", 24, "DSS-7"),
        )
    )
