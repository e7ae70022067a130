"""simpleblob_test.json, plaintextkeyblob_test.json, symmetricwrapkeyblob_test.json.

SPEC §8-§10 (layouts), §15.2 (SIMPLEBLOB wrapping), §15.3 (PLAINTEXTKEYBLOB),
§15.6 (RFC 3217 key wrap). SIMPLEBLOBs are built here: EM = 00 02 PS 00 M
with PS from a seeded PRNG (or OAEP with a seeded seed), the RSA public
operation, and the ciphertext reversed into CryptoAPI order.
"""

from __future__ import annotations

from typing import Any

from vectorgen import public
from vectorgen.blobs import (
    oaep_sha1_em,
    pkcs1_v15_em,
    plaintextkeyblob,
    rsa_encrypt_le,
    simpleblob,
    symmetricwrapkeyblob,
)
from vectorgen.ciphers import odd_parity, wrap_3des, wrap_rc2, wrap_rc2_payload
from vectorgen.common import (
    ALG,
    Case,
    Group,
    Json,
    RsaNumbers,
    VectorFile,
    error,
    hx,
    invalid,
    nbytes,
    nonzero_bytes,
    patch,
    patch_u8,
    patch_u16,
    patch_u32,
    pkcs8,
    random_bytes,
    require,
    rsa_key,
    spki,
    valid,
)
from vectorgen.decode import bad, ok
from vectorgen.rsa_files import parse_rsa2, wine_private

# Session-key algorithms and their key lengths, for the default salt of SPEC §15.1.
SALTED = {"CALG_RC2", "CALG_RC4"}


def default_salt(alg: str, key: bytes) -> bytes:
    """CryptImportKey's salt: 11 zero bytes for a 40-bit RC2/RC4 key, else none."""
    return bytes(11) if alg in SALTED and len(key) == 5 else b""


def session_json(alg: str, key: bytes, *, no_salt: bool = False) -> Json:
    return {
        "algId": ALG[alg],
        "key": hx(key),
        "salt": "" if no_salt else hx(default_salt(alg, key)),
    }


class Wrapped:
    """A session key wrapped to a committed RSA key with seeded randomness."""

    def __init__(
        self,
        name: str,
        key_name: str,
        alg: str,
        key: bytes,
        *,
        oaep: bool = False,
        label: bytes = b"",
    ) -> None:
        self.name = name
        self.key_name = key_name
        self.alg = alg
        self.key = key
        self.oaep = oaep
        nums = RsaNumbers.of(rsa_key(key_name))
        self.numbers = nums
        k = nbytes(nums.n.bit_length())
        self.k = k
        if oaep:
            self.seed = random_bytes(f"oaep-seed/{name}", 20)
            self.ps = b""
            self.em = oaep_sha1_em(k, key, self.seed, label)
        else:
            self.seed = b""
            self.ps = nonzero_bytes(f"pkcs1-ps/{name}", k - 3 - len(key))
            self.em = pkcs1_v15_em(k, key, self.ps)
        self.ciphertext = rsa_encrypt_le(nums.n, nums.e, self.em)
        self.blob = simpleblob(alg, self.ciphertext)

    def intermediates(self) -> Json:
        out: Json = {
            "ciphertextBigEndian": hx(self.ciphertext[::-1]),
            "encodedMessage": hx(self.em),
        }
        if self.oaep:
            out["oaepSeed"] = hx(self.seed)
        return out


def key_bytes(label: str, size: int) -> bytes:
    return random_bytes(f"session-key/{label}", size)


WRAPS = [
    (
        "aes256-rsa2048",
        "rsa-2048",
        "CALG_AES_256",
        32,
        False,
        "AES-256 to a 2048-bit key",
    ),
    (
        "3des-rsa1024-e3",
        "rsa-1024-e3",
        "CALG_3DES",
        24,
        False,
        "3DES to a 1024-bit key with exponent 3",
    ),
    (
        "rc4-40-rsa520",
        "rsa-520",
        "CALG_RC4",
        5,
        False,
        "a 40-bit RC4 key to a 520-bit key: it gets 11 zero bytes of salt",
    ),
    ("des-rsa1032", "rsa-1032", "CALG_DES", 8, False, "DES to a 1032-bit key"),
    (
        "rc2-128-rsa2056",
        "rsa-2056",
        "CALG_RC2",
        16,
        False,
        "128-bit RC2 to a 2056-bit key (257-byte ciphertext)",
    ),
    (
        "rc2-40-rsa1028",
        "rsa-1028",
        "CALG_RC2",
        5,
        False,
        "40-bit RC2 to a 1028-bit key (129-byte ciphertext)",
    ),
    (
        "tls1-master-rsa2048",
        "rsa-2048",
        "CALG_TLS1_MASTER",
        48,
        False,
        "a 48-byte TLS 1.0 master secret (wrap-only)",
    ),
    (
        "ssl3-master-rsa1000",
        "rsa-1000",
        "CALG_SSL3_MASTER",
        48,
        False,
        "a 48-byte SSL 3 master secret to a 1000-bit key",
    ),
    (
        "aes192-rsa512-e4byte",
        "rsa-512-e4byte",
        "CALG_AES_192",
        24,
        False,
        "AES-192 to a 512-bit key with a 4-byte exponent",
    ),
    (
        "aes128-rsa2048-oaep",
        "rsa-2048",
        "CALG_AES_128",
        16,
        True,
        "AES-128 with CRYPT_OAEP (SHA-1, MGF1-SHA-1, empty label)",
    ),
    (
        "3des-rsa1032-oaep",
        "rsa-1032",
        "CALG_3DES",
        24,
        True,
        "3DES with OAEP to a 1032-bit key",
    ),
    (
        "aes256-rsa2056-oaep",
        "rsa-2056",
        "CALG_AES_256",
        32,
        True,
        "AES-256 with OAEP to a 2056-bit key",
    ),
    (
        "rc4-128-rsa1024-e3-oaep",
        "rsa-1024-e3",
        "CALG_RC4",
        16,
        True,
        "128-bit RC4 with OAEP",
    ),
]


def simpleblob_file() -> VectorFile:
    f = VectorFile(
        "simpleblob_test.json",
        "SIMPLEBLOB",
        [
            "SIMPLEBLOB decoding (SPEC §8) and unwrapping with RSA private keys (SPEC §15.2),",
            "PKCS#1 v1.5 and OAEP. Every unwrap failure is one DecryptionError (SES-2). Wrap",
            "cases give the padding string or OAEP seed for implementations that can inject them.",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    unwrap = f.group(
        "SimpleBlobUnwrap",
        "Unwrapping with the private key: the session key, or DecryptionError.",
        prefix="unwrap",
    )
    wrap = f.group(
        "SimpleBlobWrap",
        "Wrapping with the public key and the given padding randomness.",
        prefix="wrap",
    )

    # Wine test_import_private: Windows imports this SIMPLEBLOB with abPlainPrivateKey.
    wine_key = wine_private(public.WINE_RSAENH_PLAIN_PRIVATE_KEY)
    wine_blob = public.WINE_RSAENH_SESSION_KEY
    require(len(wine_blob) == 140, "abSessionKey has 140 initialised bytes")
    wine_nums = parse_rsa2(public.WINE_RSAENH_PLAIN_PRIVATE_KEY)
    c = int.from_bytes(wine_blob[12:], "little")
    em = pow(c, wine_nums.d, wine_nums.n).to_bytes(128, "big")
    session = em[em.index(0, 2) + 1 :]
    decode.add(
        ok(
            "wine-absessionkey",
            "Wine test_import_private abSessionKey: CALG_RC4 wrapped to a 1024-bit key",
            simpleblob("CALG_RC4", wine_blob[12:]),
            ["WineTestData"],
        )
    )
    unwrap.add(
        valid(
            "wine-absessionkey",
            "Wine's abSessionKey with abPlainPrivateKey: a 56-bit RC4 key (no salt), which decrypts "
            'abEncryptedMessage 406428e88ae7a4d41cfdde71 to "Wine rocks!\\0"',
            ["WineTestData"],
            blob=hx(wine_blob),
            privateKeyDer=pkcs8(wine_key),
            padding="pkcs1",
            noSalt=False,
            sessionKey=session_json("CALG_RC4", session),
            intermediates={
                "ciphertextBigEndian": hx(wine_blob[12:][::-1]),
                "encodedMessage": hx(em),
            },
        ),
        invalid(
            "wine-absessionkey-148-bytes",
            "the 148-byte buffer Wine's test passes to CryptImportKey (declared 148, initialised "
            "140): Windows ignores the 8 trailing zero bytes; here the ciphertext is 136 bytes "
            "for a 128-byte modulus (SMP-3), an unwrap failure",
            ["WineTestData", "WindowsAccepts"],
            error("DecryptionError", "SES-2"),
            blob=hx(wine_blob + bytes(8)),
            privateKeyDer=pkcs8(wine_key),
            padding="pkcs1",
            noSalt=False,
        ),
    )

    wrapped = {}
    for name, key_name, alg, size, oaep, comment in WRAPS:
        w = Wrapped(name, key_name, alg, key_bytes(name, size), oaep=oaep)
        wrapped[name] = w
        decode.add(ok(name, comment, w.blob))
        unwrap.add(
            valid(
                name,
                comment,
                ["Oaep"] if oaep else [],
                blob=hx(w.blob.data),
                privateKeyDer=pkcs8(rsa_key(key_name)),
                padding="oaep" if oaep else "pkcs1",
                noSalt=False,
                sessionKey=session_json(alg, w.key),
                intermediates=w.intermediates(),
            )
        )
    w40 = wrapped["rc4-40-rsa520"]
    unwrap.add(
        valid(
            "rc4-40-rsa520-no-salt",
            "the same 40-bit key imported with CRYPT_NO_SALT: no salt",
            [],
            blob=hx(w40.blob.data),
            privateKeyDer=pkcs8(rsa_key("rsa-520")),
            padding="pkcs1",
            noSalt=True,
            sessionKey=session_json("CALG_RC4", w40.key, no_salt=True),
            intermediates=w40.intermediates(),
        )
    )
    # The SSL2 rollback marker: PS ending in eight 0x03 bytes is valid padding here.
    base = RsaNumbers.of(rsa_key("rsa-1024-e3"))
    aes = key_bytes("ssl2-marker", 16)
    ps = nonzero_bytes("pkcs1-ps/ssl2-marker", 128 - 3 - 16 - 8) + b"\x03" * 8
    ssl2_em = pkcs1_v15_em(128, aes, ps)
    ssl2_blob = simpleblob("CALG_AES_128", rsa_encrypt_le(base.n, base.e, ssl2_em))
    unwrap.add(
        valid(
            "ssl2-rollback-marker",
            "PS ends with eight 0x03 bytes (the SSLv2 rollback marker of PEERS §4 item 20): "
            "SPEC §15.2 requires only 8 non-zero PS bytes; Windows rejects it only with CRYPT_SSL2_FALLBACK",
            ["Ssl2Marker"],
            blob=hx(ssl2_blob.data),
            privateKeyDer=pkcs8(rsa_key("rsa-1024-e3")),
            padding="pkcs1",
            noSalt=False,
            sessionKey=session_json("CALG_AES_128", aes),
            intermediates={
                "ciphertextBigEndian": hx(ssl2_blob.data[12:][::-1]),
                "encodedMessage": hx(ssl2_em),
            },
        )
    )
    for name in ("aes256-rsa2048", "aes128-rsa2048-oaep", "rc4-40-rsa520"):
        w = wrapped[name]
        extra: dict[str, Any] = (
            {"oaepSeed": hx(w.seed)} if w.oaep else {"paddingString": hx(w.ps)}
        )
        wrap.add(
            valid(
                name,
                "the unwrap case's key and randomness give its blob",
                ["Oaep"] if w.oaep else [],
                sessionKey={"algId": ALG[w.alg], "key": hx(w.key)},
                publicKeyDer=spki(rsa_key(w.key_name).public_key()),
                padding="oaep" if w.oaep else "pkcs1",
                blob=hx(w.blob.data),
                encodedMessage=hx(w.em),
                **extra,
            )
        )
    wrap.add(
        invalid(
            "aes256-oaep-rsa512",
            "a 32-byte key with OAEP needs k - 42 >= 32; a 512-bit modulus gives 22",
            ["KeyTooLong"],
            error("InvalidParameterError", "SES-1"),
            sessionKey={"algId": ALG["CALG_AES_256"], "key": hx(bytes(32))},
            publicKeyDer=spki(rsa_key("rsa-512-e4byte").public_key()),
            padding="oaep",
        ),
        invalid(
            "3des-oaep-rsa520",
            "a 24-byte key with OAEP to a 520-bit modulus (65 - 42 = 23)",
            ["KeyTooLong"],
            error("InvalidParameterError", "SES-1"),
            sessionKey={"algId": ALG["CALG_3DES"], "key": hx(bytes(24))},
            publicKeyDer=spki(rsa_key("rsa-520").public_key()),
            padding="oaep",
        ),
    )
    _simpleblob_invalid(decode, wine_blob)
    _unwrap_failures(unwrap, wrapped)
    _simpleblob_order(f)
    return f


def _simpleblob_order(f: VectorFile) -> None:
    """SPEC 1.1 (issue 14): §3.3's encryption algorithms and the check order of §8.2."""
    decode = f.group(
        "BlobDecode",
        "SPEC 1.1 §3.3, §8.2: encryption algorithms, and which error wins.",
        prefix="order",
    )
    ciphertext = random_bytes("order/simpleblob", 256)
    base = simpleblob("CALG_AES_256", ciphertext).data
    flags = ["CheckOrder"]
    decode.add(
        ok(
            "aes-generic",
            "aiKeyAlg CALG_AES is an encryption algorithm of §3.3, so the blob decodes (unwrapping it fails: no key length in §15.1)",
            simpleblob("CALG_AES", ciphertext),
        ),
        bad(
            "alg-and-wrap-alg",
            "aiKeyAlg CALG_RSA_SIGN and algid CALG_RSA_SIGN: SMP-2 before SMP-1",
            [*flags, "WrongAlgorithm"],
            patch_u32(
                patch_u32(base, 4, ALG["CALG_RSA_SIGN"]), 8, ALG["CALG_RSA_SIGN"]
            ),
            "InvalidFieldError",
            "SMP-2",
            4,
            "header.key_alg",
        ),
        bad(
            "truncated-wrap-alg-bad-alg",
            "10 bytes with aiKeyAlg CALG_RSA_SIGN: the input ends inside algid, a truncation under SMP-3",
            [*flags, "Truncated"],
            patch_u32(base, 4, ALG["CALG_RSA_SIGN"])[:10],
            "TruncatedError",
            "SMP-3",
            8,
            "wrap_alg",
        ),
        bad(
            "wrap-alg-and-no-ciphertext",
            "12 bytes with algid 0: SMP-1 before the ciphertext length (SMP-3)",
            [*flags, "WrongAlgorithm"],
            patch_u32(base, 8, 0)[:12],
            "InvalidFieldError",
            "SMP-1",
            8,
            "wrap_alg",
        ),
        bad(
            "alg-class-bits-not-in-table",
            "aiKeyAlg 0x66FF has DATA_ENCRYPT class bits but is not in §3.3's table",
            [*flags, "WrongAlgorithm"],
            patch_u32(base, 4, 0x66FF),
            "InvalidFieldError",
            "SMP-2",
            4,
            "header.key_alg",
        ),
    )


def _simpleblob_invalid(decode: Group, blob: bytes) -> None:
    add = decode.add
    for name, value, comment in (
        (
            "wrap-alg-rsa-sign",
            ALG["CALG_RSA_SIGN"],
            "algid CALG_RSA_SIGN (PEERS §4 item 20: Wine ignores algid)",
        ),
        ("wrap-alg-0", 0, "algid 0"),
        ("wrap-alg-3des", ALG["CALG_3DES"], "algid CALG_3DES"),
        ("wrap-alg-dh", ALG["CALG_DH_SF"], "algid CALG_DH_SF"),
    ):
        add(
            bad(
                name,
                comment,
                ["WrongAlgorithm"],
                patch_u32(blob, 8, value),
                "InvalidFieldError",
                "SMP-1",
                8,
                "wrap_alg",
            )
        )
    for name, value, comment in (
        (
            "key-alg-rsa-keyx",
            ALG["CALG_RSA_KEYX"],
            "aiKeyAlg CALG_RSA_KEYX is not a session-key algorithm",
        ),
        ("key-alg-md5", ALG["CALG_MD5"], "aiKeyAlg CALG_MD5 (a hash)"),
        ("key-alg-dss", ALG["CALG_DSS_SIGN"], "aiKeyAlg CALG_DSS_SIGN"),
        (
            "key-alg-unknown",
            0x6666,
            "aiKeyAlg 0x6666, of the data-encryption class but not in §3.3",
        ),
    ):
        add(
            bad(
                name,
                comment,
                ["WrongAlgorithm"],
                patch_u32(blob, 4, value),
                "InvalidFieldError",
                "SMP-2",
                4,
                "header.key_alg",
            )
        )
    add(
        bad(
            "no-ciphertext",
            "a header and algid without ciphertext",
            ["BadLength"],
            blob[:12],
            "InvalidFieldError",
            "SMP-3",
            12,
            "encrypted_key",
        ),
        bad(
            "ciphertext-47",
            "47 bytes: below a 384-bit modulus",
            ["BadLength"],
            blob[:12] + bytes(47),
            "InvalidFieldError",
            "SMP-3",
            12,
            "encrypted_key",
        ),
        bad(
            "ciphertext-2049",
            "2049 bytes: above a 16384-bit modulus",
            ["BadLength"],
            blob[:12] + bytes(2049),
            "InvalidFieldError",
            "SMP-3",
            12,
            "encrypted_key",
        ),
        bad(
            "truncated-algid",
            "the input ends inside algid",
            ["Truncated"],
            blob[:10],
            "TruncatedError",
            "SMP-3",
            8,
            "wrap_alg",
        ),
        bad(
            "version-3",
            "SIMPLEBLOB requires bVersion 2",
            ["WrongVersion"],
            patch_u8(blob, 1, 3),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        ),
        bad(
            "reserved-0x100",
            "reserved = 0x0100",
            ["ReservedNonZero"],
            patch_u16(blob, 2, 0x100),
            "InvalidFieldError",
            "HDR-3",
            2,
            "header.reserved",
        ),
    )
    add(
        ok(
            "ciphertext-48",
            "48 bytes, the shortest ciphertext (a 384-bit modulus)",
            simpleblob("CALG_RC4", bytes(range(48))),
        )
    )
    add(
        ok(
            "ciphertext-2048",
            "2048 bytes, the longest ciphertext (a 16384-bit modulus)",
            simpleblob("CALG_AES_256", bytes(i & 0xFF for i in range(2048))),
        )
    )


def _unwrap_failures(unwrap: Group, wrapped: dict[str, Wrapped]) -> None:
    key = rsa_key("rsa-1024-e3")
    nums = RsaNumbers.of(key)
    der = pkcs8(key)
    aes = key_bytes("unwrap-failures", 16)

    def with_em(em: bytes, alg: str = "CALG_AES_128") -> bytes:
        return simpleblob(alg, rsa_encrypt_le(nums.n, nums.e, em)).data

    def body(ps_len: int, payload: bytes, head: bytes = b"\x00\x02") -> bytes:
        return (
            head
            + nonzero_bytes(f"bad-ps/{ps_len}/{len(payload)}", ps_len)
            + b"\x00"
            + payload
        )

    ps_len = 128 - 3 - 16
    good = with_em(body(ps_len, aes))
    oaep = wrapped["3des-rsa1032-oaep"]
    pkcs = wrapped["des-rsa1032"]
    labelled = Wrapped(
        "oaep-label", "rsa-1032", "CALG_3DES", oaep.key, oaep=True, label=b"label"
    )
    other = wine_private(public.WINE_RSAENH_PLAIN_PRIVATE_KEY)
    cases: list[tuple[str, str, bytes, str, str]] = [
        (
            "block-type-1",
            "EM starts 00 01 (a signature block)",
            with_em(body(ps_len, aes, b"\x00\x01")),
            der,
            "pkcs1",
        ),
        (
            "leading-byte",
            "EM starts 01 02",
            with_em(body(ps_len, aes, b"\x01\x02")),
            der,
            "pkcs1",
        ),
        (
            "no-separator",
            "no zero byte after PS",
            with_em(b"\x00\x02" + nonzero_bytes("no-separator", 126)),
            der,
            "pkcs1",
        ),
        (
            "short-padding",
            "PS of 7 bytes (PEERS §4 item 20)",
            with_em(body(7, nonzero_bytes("short-padding-key", 118))),
            der,
            "pkcs1",
        ),
        (
            "key-length-15",
            "a 15-byte key for CALG_AES_128",
            with_em(body(ps_len + 1, aes[:15])),
            der,
            "pkcs1",
        ),
        (
            "key-length-17",
            "a 17-byte key for CALG_RC4",
            with_em(body(ps_len - 1, aes + b"\x01"), "CALG_RC4"),
            der,
            "pkcs1",
        ),
        (
            "ciphertext-above-modulus",
            "the ciphertext is n + 1",
            simpleblob("CALG_AES_128", (nums.n + 1).to_bytes(128, "little")).data,
            der,
            "pkcs1",
        ),
        (
            "ciphertext-zero",
            "the ciphertext is 0",
            simpleblob("CALG_AES_128", bytes(128)).data,
            der,
            "pkcs1",
        ),
        (
            "big-endian-ciphertext",
            "the ciphertext not reversed (PEERS §4 item 20)",
            good[:12] + good[12:][::-1],
            der,
            "pkcs1",
        ),
        (
            "one-byte-long",
            "129 ciphertext bytes for a 128-byte modulus (SMP-3)",
            good + b"\x00",
            der,
            "pkcs1",
        ),
        (
            "one-byte-short",
            "127 ciphertext bytes for a 128-byte modulus (SMP-3)",
            good[:-1],
            der,
            "pkcs1",
        ),
        (
            "wrong-private-key",
            "wrapped to rsa-1024-e3, unwrapped with another 1024-bit key",
            good,
            pkcs8(other),
            "pkcs1",
        ),
        (
            "oaep-blob-as-pkcs1",
            "an OAEP blob unwrapped as PKCS#1 v1.5",
            oaep.blob.data,
            pkcs8(rsa_key("rsa-1032")),
            "pkcs1",
        ),
        (
            "pkcs1-blob-as-oaep",
            "a PKCS#1 v1.5 blob unwrapped as OAEP",
            pkcs.blob.data,
            pkcs8(rsa_key("rsa-1032")),
            "oaep",
        ),
        (
            "oaep-label",
            'OAEP with the label "label" (CRYPT_OAEP uses an empty label; PEERS §4 item 20)',
            labelled.blob.data,
            pkcs8(rsa_key("rsa-1032")),
            "oaep",
        ),
    ]
    out: list[Case] = []
    for name, comment, blob, key_der, pad in cases:
        out.append(
            invalid(
                name,
                comment
                + "; one fixed DecryptionError for every cause, no padding oracle",
                ["UnwrapFailure"],
                error("DecryptionError", "SES-2"),
                blob=hx(blob),
                privateKeyDer=key_der,
                padding=pad,
                noSalt=False,
            )
        )
    unwrap.add(*out)


# -- PLAINTEXTKEYBLOB ----------------------------------------------------------------------


PLAIN_KEYS = [
    (
        "des-no-parity",
        "CALG_DES",
        bytes(8),
        "a DES key without odd parity: kept verbatim (SPEC §9)",
        ["DesParity"],
    ),
    ("3des-112", "CALG_3DES_112", None, "a 16-byte two-key Triple-DES key", []),
    ("3des", "CALG_3DES", None, "a 24-byte Triple-DES key", []),
    ("aes-128", "CALG_AES_128", None, "AES-128", []),
    ("aes-192", "CALG_AES_192", None, "AES-192", []),
    ("aes-256", "CALG_AES_256", None, "AES-256", []),
    (
        "rc2-40",
        "CALG_RC2",
        None,
        "a 40-bit RC2 key: imported with 11 zero bytes of salt",
        [],
    ),
    ("rc2-128", "CALG_RC2", None, "a 128-bit RC2 key", []),
    (
        "rc4-40",
        "CALG_RC4",
        None,
        "a 40-bit RC4 key: imported with 11 zero bytes of salt",
        [],
    ),
    ("rc4-56", "CALG_RC4", None, "a 56-bit RC4 key: no salt", []),
    ("rc4-128", "CALG_RC4", None, "a 128-bit RC4 key", []),
]
SIZES = {
    "des-no-parity": 8,
    "3des-112": 16,
    "3des": 24,
    "aes-128": 16,
    "aes-192": 24,
    "aes-256": 32,
    "rc2-40": 5,
    "rc2-128": 16,
    "rc4-40": 5,
    "rc4-56": 7,
    "rc4-128": 16,
}


def plaintext_file() -> VectorFile:
    f = VectorFile(
        "plaintextkeyblob_test.json",
        "PLAINTEXTKEYBLOB",
        [
            "PLAINTEXTKEYBLOB decoding (SPEC §9) and import as a session key (SPEC §15.3): the",
            "key with the default salt of SPEC §15.1. Includes Microsoft's documented DES example.",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    imports = f.group(
        "SessionKeyImport",
        "Import: the session key with its default salt, or the error.",
        prefix="import",
    )
    ms = plaintextkeyblob("CALG_DES", public.MS_PLAINTEXT_DES_BLOB[12:])
    require(
        ms.data == public.MS_PLAINTEXT_DES_BLOB,
        "the encoder reproduces Microsoft's example",
    )
    decode.add(
        ok(
            "microsoft-des-example",
            "Microsoft's 'Importing a Plaintext Key' example: a DES key with parity bits",
            ms,
            ["MicrosoftDocs"],
        )
    )
    imports.add(
        valid(
            "microsoft-des-example",
            "Microsoft's documented DES key",
            ["MicrosoftDocs"],
            blob=hx(ms.data),
            noSalt=False,
            sessionKey=session_json("CALG_DES", ms.data[12:]),
        )
    )
    for name, alg, key, comment, flags in PLAIN_KEYS:
        material = (
            key if key is not None else key_bytes(f"plaintext/{name}", SIZES[name])
        )
        blob = plaintextkeyblob(alg, material)
        decode.add(ok(name, comment, blob, flags))
        imports.add(
            valid(
                name,
                comment,
                flags,
                blob=hx(blob.data),
                noSalt=False,
                sessionKey=session_json(alg, material),
            )
        )
    rc4 = plaintextkeyblob("CALG_RC4", key_bytes("plaintext/rc4-40", 5))
    imports.add(
        valid(
            "rc4-40-no-salt",
            "CRYPT_NO_SALT: the 40-bit key without salt",
            [],
            blob=hx(rc4.data),
            noSalt=True,
            sessionKey=session_json("CALG_RC4", rc4.data[12:], no_salt=True),
        )
    )

    base = public.MS_PLAINTEXT_DES_BLOB
    aes = plaintextkeyblob("CALG_AES_128", key_bytes("plaintext/aes-128", 16)).data
    rc2 = plaintextkeyblob("CALG_RC2", key_bytes("plaintext/rc2-40", 5)).data
    bad_alg = [
        ("key-alg-rsa-keyx", ALG["CALG_RSA_KEYX"], "CALG_RSA_KEYX"),
        (
            "key-alg-ssl3-master",
            ALG["CALG_SSL3_MASTER"],
            "CALG_SSL3_MASTER (message-encryption class)",
        ),
        ("key-alg-tls1-master", ALG["CALG_TLS1_MASTER"], "CALG_TLS1_MASTER"),
        ("key-alg-md5", ALG["CALG_MD5"], "CALG_MD5"),
    ]
    for name, value, comment in bad_alg:
        decode.add(
            bad(
                name,
                f"aiKeyAlg {comment} is not a data-encryption algorithm",
                ["WrongAlgorithm"],
                patch_u32(base, 4, value),
                "InvalidFieldError",
                "PTK-1",
                4,
                "header.key_alg",
            )
        )
    sizes = [
        (
            "aes-128-5-bytes",
            patch_u32(aes[:17], 8, 5),
            "an AES-128 key of 5 bytes (PEERS §4 item 19: malduck passes the size check, then fails)",
        ),
        (
            "des-7-bytes",
            patch_u32(base[:19], 8, 7),
            "a 7-byte DES key: DES keys are stored with parity, 8 bytes (PEERS §4 item 19)",
        ),
        (
            "rc2-17-bytes",
            patch_u32(aes + b"\x00", 4, ALG["CALG_RC2"])[:8]
            + patch_u32(b"\x00" * 4, 0, 17)
            + bytes(17),
            "a 17-byte RC2 key (PEERS §4 item 19)",
        ),
        (
            "rc4-4-bytes",
            patch_u32(patch_u32(base[:16], 4, ALG["CALG_RC4"]), 8, 4),
            "a 4-byte RC4 key",
        ),
        (
            "3des-21-bytes",
            patch_u32(patch_u32(base[:12], 4, ALG["CALG_3DES"]), 8, 21) + bytes(21),
            "a 21-byte Triple-DES key (parity bits left out)",
        ),
        (
            "desx-24-bytes",
            patch_u32(patch_u32(base[:12], 4, ALG["CALG_DESX"]), 8, 24) + bytes(24),
            "CALG_DESX has no key length in SPEC §15.1",
        ),
        (
            "key-size-ffffffff",
            patch_u32(base, 8, 0xFFFFFFFF),
            "dwKeySize 0xFFFFFFFF (PEERS §4 item 19), checked before the key is read",
        ),
        ("key-size-0", patch_u32(base[:12], 8, 0), "dwKeySize 0 and no key"),
    ]
    for name, data, comment in sizes:
        decode.add(
            bad(
                name,
                comment,
                ["BadLength"],
                data,
                "InvalidFieldError",
                "PTK-3",
                8,
                "key_size",
            )
        )
    decode.add(
        bad(
            "key-size-smaller",
            "dwKeySize 5 with 6 key bytes (PEERS §4 item 19)",
            ["BadLength", "TrailingData"],
            rc2 + b"\x00",
            "TrailingDataError",
            "PTK-2",
            17,
            None,
        ),
        bad(
            "key-size-larger",
            "dwKeySize 16 with 15 key bytes",
            ["BadLength", "Truncated"],
            aes[:-1],
            "TruncatedError",
            "PTK-2",
            12,
            "key",
        ),
        bad(
            "version-3",
            "PLAINTEXTKEYBLOB requires bVersion 2",
            ["WrongVersion"],
            patch_u8(base, 1, 3),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        ),
    )
    imports.add(
        invalid(
            "aes-128-5-bytes",
            "an AES-128 key of 5 bytes",
            ["BadLength"],
            error("InvalidFieldError", "PTK-3", offset=8, field="key_size"),
            blob=hx(patch_u32(aes[:17], 8, 5)),
            noSalt=False,
        ),
        invalid(
            "key-alg-rsa-keyx",
            "not a data-encryption algorithm",
            ["WrongAlgorithm"],
            error("InvalidFieldError", "PTK-1", offset=4, field="header.key_alg"),
            blob=hx(patch_u32(base, 4, ALG["CALG_RSA_KEYX"])),
            noSalt=False,
        ),
    )
    _plaintext_order(f)
    return f


def _plaintext_order(f: VectorFile) -> None:
    """SPEC 1.1 (issue 14): PTK-1's set, §9.1's table and the check order of §9.2."""
    decode = f.group(
        "BlobDecode",
        "SPEC 1.1 §9.1, §9.2: data-encryption algorithms, key lengths, and which error wins.",
        prefix="order",
    )
    base = plaintextkeyblob("CALG_AES_128", random_bytes("order/plaintext", 16)).data
    flags = ["CheckOrder"]
    decode.add(
        bad(
            "truncated-key-size-bad-alg",
            "10 bytes with aiKeyAlg CALG_RSA_SIGN: the input ends inside dwKeySize, a truncation under PTK-2",
            [*flags, "Truncated"],
            patch_u32(base, 4, ALG["CALG_RSA_SIGN"])[:10],
            "TruncatedError",
            "PTK-2",
            8,
            "key_size",
        ),
        bad(
            "alg-and-key-size",
            "aiKeyAlg CALG_RSA_SIGN and dwKeySize 3: PTK-1 before PTK-3",
            [*flags, "WrongAlgorithm"],
            patch_u32(patch_u32(base, 4, ALG["CALG_RSA_SIGN"]), 8, 3),
            "InvalidFieldError",
            "PTK-1",
            4,
            "header.key_alg",
        ),
        bad(
            "key-size-and-truncated",
            "dwKeySize 3 with no key bytes: PTK-3 before the size (PTK-2)",
            [*flags, "BadLength"],
            patch_u32(base, 8, 3)[:12],
            "InvalidFieldError",
            "PTK-3",
            8,
            "key_size",
        ),
        bad(
            "alg-class-bits-not-in-table",
            "aiKeyAlg 0x66FF has DATA_ENCRYPT class bits but is not in §3.3's table",
            [*flags, "WrongAlgorithm"],
            patch_u32(base, 4, 0x66FF),
            "InvalidFieldError",
            "PTK-1",
            4,
            "header.key_alg",
        ),
        bad(
            "msg-encrypt-alg",
            "aiKeyAlg CALG_SSL3_MASTER is an encryption algorithm but not a data-encryption one",
            [*flags, "WrongAlgorithm"],
            patch_u32(base, 4, ALG["CALG_SSL3_MASTER"]),
            "InvalidFieldError",
            "PTK-1",
            4,
            "header.key_alg",
        ),
        bad(
            "rc5-16-bytes",
            "CALG_RC5 is a data-encryption algorithm without a key length in §9.1",
            [*flags, "BadLength"],
            patch_u32(base, 4, ALG["CALG_RC5"]),
            "InvalidFieldError",
            "PTK-3",
            8,
            "key_size",
        ),
        bad(
            "aes-generic-16-bytes",
            "CALG_AES (generic) has no key length in §9.1",
            [*flags, "BadLength"],
            patch_u32(base, 4, ALG["CALG_AES"]),
            "InvalidFieldError",
            "PTK-3",
            8,
            "key_size",
        ),
    )


# -- SYMMETRICWRAPKEYBLOB and RFC 3217 ------------------------------------------------------


def _kw(name: str, comment: str, flags: list[str], **data: Any) -> Case:
    return valid(name, comment, flags, **data)


def symmetric_wrap_file() -> VectorFile:
    f = VectorFile(
        "symmetricwrapkeyblob_test.json",
        "SYMMETRICWRAPKEYBLOB and the RFC 3217 key wrap",
        [
            "SYMMETRICWRAPKEYBLOB decoding (SPEC §10), unwrapping with a key-encryption key",
            "(SPEC §15.3), and the RFC 3217 Triple-DES and RC2 key wraps on their own (SPEC",
            "§15.6), including RFC 3217's published examples. Every unwrap failure is one",
            "DecryptionError (KWR-4).",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding: valid blobs give these fields; invalid ones this error.",
    )
    unwrap = f.group(
        "SymmetricUnwrap",
        "Unwrapping the blob with its key-encryption key.",
        prefix="unwrap",
    )
    keywrap = f.group(
        "KeyWrap",
        "The key wrap primitives: wrap with the given IV and padding, or unwrap.",
        prefix="keywrap",
    )

    r3 = public.RFC3217_3DES
    rc = public.RFC3217_RC2
    keywrap.add(
        _kw(
            "rfc3217-3des-wrap",
            "RFC 3217 §3.3 example",
            ["Rfc3217"],
            algorithm="3DES",
            operation="wrap",
            kek=r3["kek"],
            cek=r3["cek"],
            iv=r3["iv"],
            output=r3["wrapped"],
        ),
        _kw(
            "rfc3217-3des-unwrap",
            "RFC 3217 §3.3 example, unwrapped",
            ["Rfc3217"],
            algorithm="3DES",
            operation="unwrap",
            kek=r3["kek"],
            wrapped=r3["wrapped"],
            output=r3["cek"],
        ),
        _kw(
            "rfc3217-rc2-wrap",
            "RFC 3217 §4.3 example (a KEK with 40 effective bits)",
            ["Rfc3217"],
            algorithm="RC2",
            operation="wrap",
            kek=rc["kek"],
            effectiveBits=rc["effectiveBits"],
            cek=rc["cek"],
            iv=rc["iv"],
            pad=rc["pad"],
            output=rc["wrapped"],
        ),
        _kw(
            "rfc3217-rc2-unwrap",
            "RFC 3217 §4.3 example, unwrapped",
            ["Rfc3217"],
            algorithm="RC2",
            operation="unwrap",
            kek=rc["kek"],
            effectiveBits=rc["effectiveBits"],
            wrapped=rc["wrapped"],
            output=rc["cek"],
        ),
    )
    tdes_kek = random_bytes("kek/3des", 24)
    two_key_kek = random_bytes("kek/3des-112", 16)
    rc2_kek = random_bytes("kek/rc2", 16)
    cek24 = odd_parity(random_bytes("cek/3des", 24))
    cek16 = odd_parity(random_bytes("cek/3des-112", 16))
    iv = random_bytes("kw-iv/1", 8)
    w24 = wrap_3des(cek24, tdes_kek, iv)
    w16 = wrap_3des(cek16, two_key_kek, iv)
    keywrap.add(
        _kw(
            "3des-two-key-cek",
            "a 16-byte CEK is wrapped as K1 K2 K1 with a two-key KEK",
            [],
            algorithm="3DES",
            operation="wrap",
            kek=hx(two_key_kek),
            cek=hx(cek16),
            iv=hx(iv),
            output=hx(w16),
        ),
        _kw(
            "3des-two-key-unwrap",
            "unwrapped as a 16-byte key",
            [],
            algorithm="3DES",
            operation="unwrap",
            kek=hx(two_key_kek),
            wrapped=hx(w16),
            cekLength=16,
            output=hx(cek16),
        ),
        _kw(
            "3des-two-key-unwrap-24",
            "the same wrap unwrapped as 24 bytes: K1 K2 K1",
            [],
            algorithm="3DES",
            operation="unwrap",
            kek=hx(two_key_kek),
            wrapped=hx(w16),
            output=hx(cek16 + cek16[:8]),
        ),
    )
    for size in (1, 7, 8, 255):
        cek = random_bytes(f"cek/rc2/{size}", size)
        padding = random_bytes(f"kw-pad/rc2/{size}", -(size + 1) % 8)
        riv = random_bytes(f"kw-iv/rc2/{size}", 8)
        out = wrap_rc2(cek, rc2_kek, riv, padding)
        keywrap.add(
            _kw(
                f"rc2-{size}-byte-cek",
                f"RC2 wrap of a {size}-byte key: {len(out)} bytes",
                [],
                algorithm="RC2",
                operation="wrap",
                kek=hx(rc2_kek),
                cek=hx(cek),
                iv=hx(riv),
                pad=hx(padding),
                output=hx(out),
            ),
            _kw(
                f"rc2-{size}-byte-cek-unwrap",
                "unwrapped",
                [],
                algorithm="RC2",
                operation="unwrap",
                kek=hx(rc2_kek),
                wrapped=hx(out),
                output=hx(cek),
            ),
        )
    _keywrap_failures(keywrap, tdes_kek, two_key_kek, rc2_kek, w24, cek24)

    # Blobs.
    blob_3des = symmetricwrapkeyblob("CALG_3DES", "CALG_3DES", w24)
    blob_112 = symmetricwrapkeyblob(
        "CALG_3DES_112",
        "CALG_3DES",
        wrap_3des(cek16, tdes_kek, random_bytes("kw-iv/2", 8)),
    )
    aes = random_bytes("cek/aes-128", 16)
    rc4_40 = random_bytes("cek/rc4-40", 5)
    des = odd_parity(random_bytes("cek/des", 8))

    def rc2_blob(alg: str, cek: bytes, label: str) -> bytes:
        return wrap_rc2(
            cek,
            rc2_kek,
            random_bytes(f"kw-iv/{label}", 8),
            random_bytes(f"kw-pad/{label}", -(len(cek) + 1) % 8),
        )

    blob_aes = symmetricwrapkeyblob(
        "CALG_AES_128", "CALG_RC2", rc2_blob("CALG_AES_128", aes, "aes")
    )
    blob_rc4 = symmetricwrapkeyblob(
        "CALG_RC4", "CALG_RC2", rc2_blob("CALG_RC4", rc4_40, "rc4")
    )
    blob_des = symmetricwrapkeyblob(
        "CALG_DES", "CALG_RC2", rc2_blob("CALG_DES", des, "des")
    )
    decode.add(
        ok(
            "3des-by-3des",
            "a Triple-DES key wrapped with a Triple-DES KEK: 40 bytes",
            blob_3des,
        ),
        ok(
            "3des-112-by-3des",
            "a two-key Triple-DES key wrapped with a Triple-DES KEK",
            blob_112,
        ),
        ok(
            "aes-128-by-rc2",
            "an AES-128 key wrapped with an RC2 KEK: 32 bytes",
            blob_aes,
        ),
        ok(
            "rc4-40-by-rc2",
            "a 40-bit RC4 key wrapped with RC2: 24 bytes, the shortest",
            blob_rc4,
        ),
        ok(
            "rc2-272-bytes",
            "272 bytes, the RC2 wrap of a 255-byte key (the longest)",
            symmetricwrapkeyblob("CALG_RC2", "CALG_RC2", bytes(272)),
        ),
    )
    tdes = {"algId": ALG["CALG_3DES"], "key": hx(tdes_kek), "effectiveBits": None}
    rc2 = {"algId": ALG["CALG_RC2"], "key": hx(rc2_kek), "effectiveBits": None}
    unwrap.add(
        valid(
            "3des-by-3des",
            "Triple-DES key-encryption key",
            [],
            blob=hx(blob_3des.data),
            kek=tdes,
            noSalt=False,
            sessionKey=session_json("CALG_3DES", cek24),
        ),
        valid(
            "3des-112-by-3des",
            "a two-key result: K3 equals K1",
            [],
            blob=hx(blob_112.data),
            kek=tdes,
            noSalt=False,
            sessionKey=session_json("CALG_3DES_112", cek16),
        ),
        valid(
            "aes-128-by-rc2",
            "RC2 key-encryption key (128 bits, 128 effective bits)",
            [],
            blob=hx(blob_aes.data),
            kek=rc2,
            noSalt=False,
            sessionKey=session_json("CALG_AES_128", aes),
        ),
        valid(
            "rc4-40-by-rc2",
            "a 40-bit key gets 11 zero bytes of salt",
            [],
            blob=hx(blob_rc4.data),
            kek=rc2,
            noSalt=False,
            sessionKey=session_json("CALG_RC4", rc4_40),
        ),
        valid(
            "rc4-40-by-rc2-no-salt",
            "CRYPT_NO_SALT",
            [],
            blob=hx(blob_rc4.data),
            kek=rc2,
            noSalt=True,
            sessionKey=session_json("CALG_RC4", rc4_40, no_salt=True),
        ),
        valid(
            "des-by-rc2",
            "a DES key",
            [],
            blob=hx(blob_des.data),
            kek=rc2,
            noSalt=False,
            sessionKey=session_json("CALG_DES", des),
        ),
    )
    flipped = patch(
        blob_3des.data, len(blob_3des.data) - 1, bytes([blob_3des.data[-1] ^ 1])
    )
    three = symmetricwrapkeyblob("CALG_3DES_112", "CALG_3DES", w24)
    short_aes = symmetricwrapkeyblob(
        "CALG_AES_128", "CALG_RC2", rc2_blob("CALG_AES_128", aes[:15], "aes-15")
    )
    unwrap.add(
        invalid(
            "kek-algorithm-mismatch",
            "an RC2 key offered for a blob whose WrapAlgid is CALG_3DES",
            ["WrongAlgorithm"],
            error("InvalidParameterError", "SWK-1"),
            blob=hx(blob_3des.data),
            kek=rc2,
            noSalt=False,
        ),
        invalid(
            "flipped-bit",
            "the last wrapped byte changed",
            ["UnwrapFailure"],
            error("DecryptionError", "KWR-4"),
            blob=hx(flipped),
            kek=tdes,
            noSalt=False,
        ),
        invalid(
            "wrong-kek",
            "another Triple-DES key-encryption key",
            ["UnwrapFailure"],
            error("DecryptionError", "KWR-4"),
            blob=hx(blob_3des.data),
            kek={**tdes, "key": hx(random_bytes("kek/other", 24))},
            noSalt=False,
        ),
        invalid(
            "three-keys-as-3des-112",
            "CALG_3DES_112 but the wrapped key has three distinct DES keys",
            ["UnwrapFailure"],
            error("DecryptionError", "KWR-4"),
            blob=hx(three.data),
            kek=tdes,
            noSalt=False,
        ),
        invalid(
            "aes-128-15-bytes",
            "CALG_AES_128 but a 15-byte key is wrapped",
            ["UnwrapFailure"],
            error("DecryptionError", "KWR-4"),
            blob=hx(short_aes.data),
            kek=rc2,
            noSalt=False,
        ),
    )
    _swk_invalid(decode, blob_3des.data)
    _swk_order(f)
    return f


def _swk_order(f: VectorFile) -> None:
    """SPEC 1.1 (issue 14): the check order of §10.1; a decoder does not check 3DES's 40 bytes."""
    decode = f.group(
        "BlobDecode",
        "SPEC 1.1 §10, §10.1: what a decoder checks, and which error wins.",
        prefix="order",
    )
    base = symmetricwrapkeyblob(
        "CALG_3DES", "CALG_3DES", random_bytes("order/swk", 40)
    ).data
    flags = ["CheckOrder"]
    decode.add(
        ok(
            "3des-wrap-32-bytes",
            "WrapAlgid CALG_3DES with a 32-byte wrapped key: a decoder checks SWK-3's lengths only (unwrapping fails, KWR-4)",
            symmetricwrapkeyblob(
                "CALG_3DES", "CALG_3DES", random_bytes("order/swk-32", 32)
            ),
        ),
        bad(
            "alg-and-wrap-alg",
            "aiKeyAlg CALG_RSA_SIGN and WrapAlgid CALG_DES: SWK-2 before SWK-1",
            [*flags, "WrongAlgorithm"],
            patch_u32(patch_u32(base, 4, ALG["CALG_RSA_SIGN"]), 8, ALG["CALG_DES"]),
            "InvalidFieldError",
            "SWK-2",
            4,
            "header.key_alg",
        ),
        bad(
            "truncated-wrap-alg-bad-alg",
            "10 bytes with aiKeyAlg CALG_RSA_SIGN: the input ends inside WrapAlgid, a truncation under SWK-3",
            [*flags, "Truncated"],
            patch_u32(base, 4, ALG["CALG_RSA_SIGN"])[:10],
            "TruncatedError",
            "SWK-3",
            8,
            "wrap_alg",
        ),
        bad(
            "wrap-alg-and-short",
            "WrapAlgid CALG_DES and a 20-byte wrapped key: SWK-1 before SWK-3",
            [*flags, "WrongAlgorithm"],
            patch_u32(base, 8, ALG["CALG_DES"])[:32],
            "InvalidFieldError",
            "SWK-1",
            8,
            "wrap_alg",
        ),
    )


def _keywrap_failures(
    keywrap: Group,
    tdes_kek: bytes,
    two_key_kek: bytes,
    rc2_kek: bytes,
    w24: bytes,
    cek24: bytes,
) -> None:
    iv = hx(bytes(8))

    def fail(name: str, comment: str, cls: str, rule: str, **data: Any) -> Case:
        flags = ["UnwrapFailure"] if cls == "DecryptionError" else ["BadWrapParameter"]
        return invalid(name, comment, flags, error(cls, rule), **data)

    even = bytes(b & 0xFE for b in cek24)  # every byte with even parity
    bad_parity = wrap_3des(
        even, tdes_kek, random_bytes("kw-iv/parity", 8), fix_parity=False
    )
    zero_len = wrap_rc2_payload(
        b"\x00" + random_bytes("kw/zero-len", 7), rc2_kek, random_bytes("kw-iv/zero", 8)
    )
    long_pad = wrap_rc2_payload(
        b"\x01" + random_bytes("kw/long-pad", 15),
        rc2_kek,
        random_bytes("kw-iv/long", 8),
    )
    beyond = wrap_rc2_payload(
        b"\x10" + random_bytes("kw/beyond", 7), rc2_kek, random_bytes("kw-iv/beyond", 8)
    )
    keywrap.add(
        fail(
            "3des-kek-8-bytes",
            "a Triple-DES KEK of 8 bytes",
            "InvalidParameterError",
            "KWR-1",
            algorithm="3DES",
            operation="wrap",
            kek=hx(tdes_kek[:8]),
            cek=hx(cek24),
            iv=iv,
        ),
        fail(
            "rc2-kek-empty",
            "an RC2 KEK of 0 bytes",
            "InvalidParameterError",
            "KWR-1",
            algorithm="RC2",
            operation="wrap",
            kek="",
            cek="01",
            iv=iv,
            pad="",
        ),
        fail(
            "rc2-kek-129-bytes",
            "an RC2 KEK of 129 bytes",
            "InvalidParameterError",
            "KWR-1",
            algorithm="RC2",
            operation="wrap",
            kek=hx(bytes(129)),
            cek="01",
            iv=iv,
            pad=hx(bytes(6)),
        ),
        fail(
            "3des-cek-8-bytes",
            "a Triple-DES CEK of 8 bytes",
            "InvalidParameterError",
            "KWR-2",
            algorithm="3DES",
            operation="wrap",
            kek=hx(tdes_kek),
            cek=hx(cek24[:8]),
            iv=iv,
        ),
        fail(
            "3des-cek-length-8",
            "a requested unwrapped length of 8",
            "InvalidParameterError",
            "KWR-2",
            algorithm="3DES",
            operation="unwrap",
            kek=hx(tdes_kek),
            wrapped=hx(w24),
            cekLength=8,
        ),
        fail(
            "rc2-cek-empty",
            "an RC2 CEK of 0 bytes",
            "InvalidParameterError",
            "KWR-2",
            algorithm="RC2",
            operation="wrap",
            kek=hx(rc2_kek),
            cek="",
            iv=iv,
            pad=hx(bytes(7)),
        ),
        fail(
            "rc2-cek-256-bytes",
            "an RC2 CEK of 256 bytes",
            "InvalidParameterError",
            "KWR-2",
            algorithm="RC2",
            operation="wrap",
            kek=hx(rc2_kek),
            cek=hx(bytes(256)),
            iv=iv,
            pad=hx(bytes(7)),
        ),
        fail(
            "two-key-kek-three-key-cek",
            "RFC 3217 §3: a two-key KEK must not wrap three distinct DES keys",
            "InvalidParameterError",
            "KWR-3",
            algorithm="3DES",
            operation="wrap",
            kek=hx(two_key_kek),
            cek=hx(cek24),
            iv=iv,
        ),
        fail(
            "iv-7-bytes",
            "a 7-byte IV",
            "InvalidParameterError",
            "KWR-5",
            algorithm="3DES",
            operation="wrap",
            kek=hx(tdes_kek),
            cek=hx(cek24),
            iv=hx(bytes(7)),
        ),
        fail(
            "rc2-pad-wrong-length",
            "3 padding bytes where the 16-byte key needs 7",
            "InvalidParameterError",
            "KWR-5",
            algorithm="RC2",
            operation="wrap",
            kek=hx(rc2_kek),
            cek=hx(bytes(16)),
            iv=iv,
            pad=hx(bytes(3)),
        ),
        fail(
            "3des-short",
            "32 bytes instead of 40",
            "DecryptionError",
            "KWR-4",
            algorithm="3DES",
            operation="unwrap",
            kek=hx(tdes_kek),
            wrapped=hx(w24[:32]),
        ),
        fail(
            "3des-long",
            "48 bytes instead of 40",
            "DecryptionError",
            "KWR-4",
            algorithm="3DES",
            operation="unwrap",
            kek=hx(tdes_kek),
            wrapped=hx(w24 + bytes(8)),
        ),
        fail(
            "3des-empty",
            "no bytes",
            "DecryptionError",
            "KWR-4",
            algorithm="3DES",
            operation="unwrap",
            kek=hx(tdes_kek),
            wrapped="",
        ),
        fail(
            "3des-flipped-first",
            "the first byte changed",
            "DecryptionError",
            "KWR-4",
            algorithm="3DES",
            operation="unwrap",
            kek=hx(tdes_kek),
            wrapped=hx(bytes([w24[0] ^ 1]) + w24[1:]),
        ),
        fail(
            "3des-even-parity",
            "a CEK whose bytes have even parity (the wrap must set odd parity)",
            "DecryptionError",
            "KWR-4",
            algorithm="3DES",
            operation="unwrap",
            kek=hx(tdes_kek),
            wrapped=hx(bad_parity),
        ),
        fail(
            "3des-k3-not-k1",
            "RFC 3217's three-key example unwrapped as a 16-byte key",
            "DecryptionError",
            "KWR-4",
            algorithm="3DES",
            operation="unwrap",
            kek=public.RFC3217_3DES["kek"],
            wrapped=public.RFC3217_3DES["wrapped"],
            cekLength=16,
        ),
        fail(
            "rc2-length-octet-0",
            "LCEKPAD with length octet 0",
            "DecryptionError",
            "KWR-4",
            algorithm="RC2",
            operation="unwrap",
            kek=hx(rc2_kek),
            wrapped=hx(zero_len),
        ),
        fail(
            "rc2-padding-15",
            "length octet 1 in a 16-byte LCEKPAD: 14 padding bytes, more than 7",
            "DecryptionError",
            "KWR-4",
            algorithm="RC2",
            operation="unwrap",
            kek=hx(rc2_kek),
            wrapped=hx(long_pad),
        ),
        fail(
            "rc2-length-beyond",
            "length octet 16 in an 8-byte LCEKPAD",
            "DecryptionError",
            "KWR-4",
            algorithm="RC2",
            operation="unwrap",
            kek=hx(rc2_kek),
            wrapped=hx(beyond),
        ),
        fail(
            "rc2-wrong-effective-bits",
            "RFC 3217's RC2 example unwrapped with 128 effective bits instead of 40",
            "DecryptionError",
            "KWR-4",
            algorithm="RC2",
            operation="unwrap",
            kek=public.RFC3217_RC2["kek"],
            effectiveBits=128,
            wrapped=public.RFC3217_RC2["wrapped"],
        ),
        fail(
            "rc2-not-multiple-of-8",
            "33 bytes",
            "DecryptionError",
            "KWR-4",
            algorithm="RC2",
            operation="unwrap",
            kek=hx(rc2_kek),
            wrapped=hx(bytes(33)),
        ),
    )


def _swk_invalid(decode: Group, blob: bytes) -> None:
    add = decode.add
    for name, value in (
        ("wrap-alg-des", ALG["CALG_DES"]),
        ("wrap-alg-aes-128", ALG["CALG_AES_128"]),
        ("wrap-alg-rc4", ALG["CALG_RC4"]),
        ("wrap-alg-0", 0),
    ):
        add(
            bad(
                name,
                "WrapAlgid must be CALG_3DES or CALG_RC2",
                ["WrongAlgorithm"],
                patch_u32(blob, 8, value),
                "InvalidFieldError",
                "SWK-1",
                8,
                "wrap_alg",
            )
        )
    for name, value in (
        ("key-alg-rsa-keyx", ALG["CALG_RSA_KEYX"]),
        ("key-alg-tls1-master", ALG["CALG_TLS1_MASTER"]),
        ("key-alg-md5", ALG["CALG_MD5"]),
    ):
        add(
            bad(
                name,
                "the wrapped key's algorithm must be a data-encryption algorithm",
                ["WrongAlgorithm"],
                patch_u32(blob, 4, value),
                "InvalidFieldError",
                "SWK-2",
                4,
                "header.key_alg",
            )
        )
    for size in (0, 16, 20, 25, 280):
        add(
            bad(
                f"wrapped-{size}-bytes",
                f"{size} wrapped bytes: not a multiple of 8 in 24..272",
                ["BadLength"],
                blob[:12] + bytes(size),
                "InvalidFieldError",
                "SWK-3",
                12,
                "wrapped_key",
            )
        )
    add(
        bad(
            "version-3",
            "SYMMETRICWRAPKEYBLOB requires bVersion 2",
            ["WrongVersion"],
            patch_u8(blob, 1, 3),
            "InvalidFieldError",
            "HDR-2",
            1,
            "header.version",
        )
    )
