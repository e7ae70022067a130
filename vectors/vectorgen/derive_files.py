"""derive_key_test.json (CryptDeriveKey, SPEC §15.4) and cipher_test.json (§15.1, §15.5).

The CryptDeriveKey cases are Windows answers: Wine's rsaenh and dssenh tests
(run on Windows) and Microsoft's Key Derivation Sample. Each gives the hash
value, the derived key and salt, and the CryptEncrypt output Windows
produced with it. The cipher cases are computed here with cryptography's
block ciphers (vectorgen.ciphers), independently of blobformat.
"""

from __future__ import annotations

import hashlib
from typing import Any

from blobformat.capi.hashes import digest as library_digest
from blobformat.constants import AlgId
from vectorgen import public
from vectorgen.ciphers import encrypt
from vectorgen.common import (
    ALG,
    Case,
    Json,
    VectorFile,
    error,
    hx,
    invalid,
    random_bytes,
    require,
    valid,
)

# Default key lengths of the AES provider (SPEC §15.1), in bytes.
AES_DEFAULT = {
    "CALG_DES": 8,
    "CALG_3DES_112": 16,
    "CALG_3DES": 24,
    "CALG_RC2": 16,
    "CALG_RC4": 16,
    "CALG_AES_128": 16,
    "CALG_AES_192": 24,
    "CALG_AES_256": 32,
}
DIGEST_SIZES = {
    "CALG_MD2": 16,
    "CALG_MD4": 16,
    "CALG_MD5": 16,
    "CALG_SHA1": 20,
    "CALG_SHA_256": 32,
}
HASHLIB = {"CALG_MD5": "md5", "CALG_SHA1": "sha1", "CALG_SHA_256": "sha256"}


def digest(alg: str, data: bytes) -> bytes:
    """The hash value; MD2 and MD4 (absent from hashlib) come from blobformat."""
    if alg in HASHLIB:
        return hashlib.new(HASHLIB[alg], data).digest()
    return library_digest(AlgId(ALG[alg]), data)


def extend(alg: str, value: bytes) -> bytes:
    """The 0x36/0x5C extension of SPEC §15.4 step 3."""
    b1 = bytes(0x36 ^ x for x in value) + b"\x36" * (64 - len(value))
    b2 = bytes(0x5C ^ x for x in value) + b"\x5c" * (64 - len(value))
    return digest(alg, b1) + digest(alg, b2)


def derived(hash_alg: str, value: bytes, key_alg: str, size: int) -> bytes:
    """SPEC §15.4 steps 2-4 (the key bytes)."""
    m = len(value)
    if m < size or (key_alg == "CALG_AES_128" and m in (16, 20)):
        return extend(hash_alg, value)[:size]
    return value[:size]


def op(
    operation: str,
    data: bytes,
    out: bytes,
    *,
    mode: str = "cbc",
    iv: bytes | None = None,
    final: bool = True,
    **extra: Any,
) -> Json:
    return {
        "operation": operation,
        "mode": mode,
        "iv": None if iv is None else hx(iv),
        "final": final,
        "input": hx(data),
        "output": hx(out),
        **extra,
    }


def derive_case(
    name: str,
    comment: str,
    flags: list[str],
    *,
    hash_alg: str,
    value: bytes,
    key_alg: str,
    bits: int | None,
    create_salt: bool = False,
    provider: str,
    key: bytes,
    salt: bytes,
    cipher: list[Json],
    hash_input: bytes | None = None,
) -> Case:
    data: Json = {"hashAlg": ALG[hash_alg]}
    if hash_input is not None:
        data["hashInput"] = hx(hash_input)
    data.update(
        hashValue=hx(value),
        keyAlg=ALG[key_alg],
        keyBits=bits,
        createSalt=create_salt,
        provider=provider,
        derivedKey={"key": hx(key), "salt": hx(salt)},
        cipher=cipher,
    )
    return valid(name, comment, flags, **data)


def derive_file() -> VectorFile:
    f = VectorFile(
        "derive_key_test.json",
        "CryptDeriveKey",
        [
            "CryptDeriveKey (SPEC §15.4) with the key lengths and salt rules of SPEC §15.1,",
            "followed by CryptEncrypt/CryptDecrypt calls on the derived key. The valid cases",
            "are Windows answers: Wine's rsaenh and dssenh tests (run on Windows) and",
            "Microsoft's Key Derivation Sample.",
        ],
    )
    g = f.group(
        "DeriveKey", "Hash value in, session key and cipher outputs out, or the error."
    )
    _key_derivation_table(g)
    _other_wine_tests(g)
    _dssenh(g)
    _microsoft_sample(g)
    _derive_failures(g)
    return f


def _key_derivation_table(g: Any) -> None:
    rows = {
        **{i: (v, ["WineTestData"]) for i, v in public.KD_WINDOWS_ROWS.items()},
        **{
            i: (v, ["WineTestData", "NotRunOnWindows"])
            for i, v in public.KD_TABLE_ONLY_ROWS.items()
        },
    }
    for i in sorted(rows):
        expected, flags = rows[i]
        hash_alg, key_alg = public.KD_HASHES[i // 12], public.KD_KEYS[i % 12]
        data = bytes((j + i) & 0xFF for j in range(512))
        value = digest(hash_alg, data)
        key = derived(hash_alg, value, key_alg, AES_DEFAULT[key_alg])
        g.add(
            derive_case(
                f"wine-key-derivation-row-{i}",
                f"test_key_derivation row {i}: {key_alg} from {hash_alg}, the AES provider's default length",
                flags,
                hash_alg=hash_alg,
                value=value,
                key_alg=key_alg,
                bits=None,
                provider="aes",
                key=key,
                salt=b"",
                cipher=[op("encrypt", data[:4], bytes.fromhex(expected))],
                hash_input=data,
            )
        )
    for i in public.KD_REFUSED_ROWS:
        hash_alg, key_alg = public.KD_HASHES[i // 12], public.KD_KEYS[i % 12]
        value = digest(hash_alg, bytes((j + i) & 0xFF for j in range(512)))
        g.add(
            invalid(
                f"wine-key-derivation-row-{i}",
                f"test_key_derivation row {i}: {key_alg} is refused (NTE_BAD_ALGID on Windows)",
                ["WineTestData", "NotASessionKey"],
                error("InvalidParameterError", "SYM-1"),
                hashAlg=ALG[hash_alg],
                hashValue=hx(value),
                keyAlg=ALG[key_alg],
                keyBits=None,
                createSalt=False,
                provider="aes",
            )
        )


MD2_2000_INPUT = bytes(i & 0xFF for i in range(2000))


def _other_wine_tests(g: Any) -> None:
    md2 = digest("CALG_MD2", MD2_2000_INPUT)
    plain23 = bytes(range(23))
    p13 = public.WINE_PLAIN_13
    modes = public.WINE_BLOCK_MODES
    for provider in ("base", "strong", "enhanced"):
        key = md2[:5]
        cfb = bytes.fromhex(modes["cfb"])
        g.add(
            derive_case(
                f"wine-block-cipher-modes-{provider}",
                "test_block_cipher_modes: 40-bit RC2 from MD2 of 2000 bytes i & 0xFF; 11 zero salt bytes; "
                "ECB, CBC, and CFB as 16 bytes non-final then 7 bytes final",
                ["WineTestData"],
                hash_alg="CALG_MD2",
                value=md2,
                key_alg="CALG_RC2",
                bits=40,
                provider=provider,
                key=key,
                salt=bytes(11),
                cipher=[
                    op("encrypt", plain23, bytes.fromhex(modes["ecb"]), mode="ecb"),
                    op("decrypt", bytes.fromhex(modes["ecb"]), plain23, mode="ecb"),
                    op("encrypt", plain23, bytes.fromhex(modes["cbc"])),
                    op("decrypt", bytes.fromhex(modes["cbc"]), plain23),
                    op("encrypt", plain23[:16], cfb[:16], mode="cfb", final=False),
                    op("encrypt", plain23[16:], cfb[16:], mode="cfb", iv=cfb[8:16]),
                    op("decrypt", cfb, plain23, mode="cfb"),
                    op("encrypt", p13, bytes.fromhex(public.WINE_RC2_40)),
                ],
            )
        )
        g.add(
            derive_case(
                f"wine-rc4-56-{provider}",
                "test_rc4: a 56-bit RC4 key from the same hash",
                ["WineTestData"],
                hash_alg="CALG_MD2",
                value=md2,
                key_alg="CALG_RC4",
                bits=56,
                provider=provider,
                key=md2[:7],
                salt=b"",
                cipher=[
                    op("encrypt", bytes(range(16)), bytes.fromhex(public.WINE_RC4_56))
                ],
            )
        )
        for bits in (None, 56, 64):
            g.add(
                derive_case(
                    f"wine-des-{bits or 'default'}-{provider}",
                    f"test_des: key length {bits or 'default'} gives the same 8-byte key; ECB",
                    ["WineTestData"],
                    hash_alg="CALG_MD2",
                    value=md2,
                    key_alg="CALG_DES",
                    bits=bits,
                    provider=provider,
                    key=md2[:8],
                    salt=b"",
                    cipher=[
                        op(
                            "encrypt",
                            p13,
                            bytes.fromhex(public.WINE_DES_ECB),
                            mode="ecb",
                        )
                    ],
                )
            )
    g.add(
        derive_case(
            "wine-rc2-56-effective-length",
            "test_rc2: a 56-bit RC2 key; KP_EFFECTIVE_KEYLEN 128 (Strong, Enhanced) or forced to 40 (Base)",
            ["WineTestData"],
            hash_alg="CALG_MD2",
            value=md2,
            key_alg="CALG_RC2",
            bits=56,
            provider="strong",
            key=md2[:7],
            salt=b"",
            cipher=[
                op(
                    "encrypt",
                    p13,
                    bytes.fromhex(public.WINE_RC2_56_EFFECTIVE_128),
                    effectiveBits=128,
                ),
                op(
                    "encrypt",
                    p13,
                    bytes.fromhex(public.WINE_RC2_56_EFFECTIVE_40),
                    effectiveBits=40,
                ),
            ],
        )
    )
    for provider, (previous, expected) in public.WINE_RC2_40_SALT.items():
        buffer = bytes.fromhex(previous) + bytes(i & 0xFF for i in range(16, 2000))
        value = digest("CALG_MD5", buffer)
        salt = value[5:16] if provider != "enhanced" else b""
        g.add(
            derive_case(
                f"wine-rc2-40-create-salt-{provider}",
                "test_rc2: 40-bit RC2 with CRYPT_CREATE_SALT from MD5 of the test's buffer: "
                "11 salt bytes from the hash (Base, Strong) or none (Enhanced)",
                ["WineTestData"],
                hash_alg="CALG_MD5",
                value=value,
                key_alg="CALG_RC2",
                bits=40,
                create_salt=True,
                provider=provider,
                key=value[:5],
                salt=salt,
                cipher=[op("encrypt", b"\xaf" * 16, bytes.fromhex(expected))],
            )
        )
    md5 = digest("CALG_MD5", MD2_2000_INPUT)
    for provider, expected in public.WINE_RC4_40_SALT.items():
        g.add(
            derive_case(
                f"wine-rc4-40-create-salt-{provider}",
                "test_rc4: 40-bit RC4 with CRYPT_CREATE_SALT from MD5 of 2000 bytes i & 0xFF",
                ["WineTestData"],
                hash_alg="CALG_MD5",
                value=md5,
                key_alg="CALG_RC4",
                bits=40,
                create_salt=True,
                provider=provider,
                key=md5[:5],
                salt=md5[5:16] if provider != "enhanced" else b"",
                cipher=[op("encrypt", b"\xaf" * 16, bytes.fromhex(expected))],
            )
        )
    for provider in ("strong", "enhanced", "aes"):
        g.add(
            derive_case(
                f"wine-3des-112-{provider}",
                "test_3des112: two-key Triple-DES from MD2 (the plain hash prefix: no extension for 3DES-112)",
                ["WineTestData"],
                hash_alg="CALG_MD2",
                value=md2,
                key_alg="CALG_3DES_112",
                bits=None,
                provider=provider,
                key=md2[:16],
                salt=b"",
                cipher=[op("encrypt", p13, bytes.fromhex(public.WINE_3DES_112))],
            ),
            derive_case(
                f"wine-3des-{provider}",
                "test_3des: Triple-DES from a 16-byte hash (extended: m < n)",
                ["WineTestData"],
                hash_alg="CALG_MD2",
                value=md2,
                key_alg="CALG_3DES",
                bits=None,
                provider=provider,
                key=extend("CALG_MD2", md2)[:24],
                salt=b"",
                cipher=[op("encrypt", p13, bytes.fromhex(public.WINE_3DES))],
            ),
        )
    for alg, expected in public.WINE_AES.items():
        size = AES_DEFAULT[alg]
        g.add(
            derive_case(
                f"wine-aes-{alg.lower().removeprefix('calg_').replace('_', '-')}",
                f"test_aes: {alg} from MD2 (extended: the AES-128 rule or m < n)",
                ["WineTestData"],
                hash_alg="CALG_MD2",
                value=md2,
                key_alg=alg,
                bits=None,
                provider="aes",
                key=extend("CALG_MD2", md2)[:size],
                salt=b"",
                cipher=[
                    op("encrypt", public.WINE_AES_PLAIN, bytes.fromhex(expected)),
                    op("decrypt", bytes.fromhex(expected), public.WINE_AES_PLAIN),
                ],
            )
        )


def _dssenh(g: Any) -> None:
    value = digest("CALG_MD5", public.DSSENH_KEY_PASSWORD)
    for label, alg, bits in public.DSSENH_KEYS:
        size = {
            "CALG_3DES": 24,
            "CALG_3DES_112": 16,
            "CALG_DES": 8,
            "CALG_RC2": 5,
            "CALG_RC4": 5,
        }[alg]
        key = derived("CALG_MD5", value, alg, size)
        salt = bytes(11) if size == 5 else b""
        ops = [
            op("encrypt", plain, bytes.fromhex(public.DSSENH_ENCRYPTED[f"{label}_{n}"]))
            for n, plain in enumerate(public.DSSENH_PLAINTEXTS, 1)
        ]
        g.add(
            derive_case(
                f"wine-dssenh-{label.lower()}",
                f'dssenh test_data_encryption: {alg} ({bits} bits) from MD5("I love working with Wine\\0") '
                "in the Enhanced DSS provider; reproduced with the RSA Enhanced provider's rules",
                ["WineTestData", "DssProvider"],
                hash_alg="CALG_MD5",
                value=value,
                key_alg=alg,
                bits=bits,
                provider="enhanced",
                key=key,
                salt=salt,
                cipher=ops,
                hash_input=public.DSSENH_KEY_PASSWORD,
            )
        )
    value = digest("CALG_MD5", public.DSSENH_MODES_PASSWORD)
    plain = public.DSSENH_MODES_PLAINTEXT
    g.add(
        derive_case(
            "wine-dssenh-cipher-modes",
            'dssenh test_cipher_modes: 40-bit RC2 from MD5("GSOC is awesome!\\0"), CBC, ECB and CFB',
            ["WineTestData", "DssProvider"],
            hash_alg="CALG_MD5",
            value=value,
            key_alg="CALG_RC2",
            bits=40,
            provider="enhanced",
            key=value[:5],
            salt=bytes(11),
            cipher=[
                op("encrypt", plain, bytes.fromhex(public.DSSENH_MODES[m]), mode=m)
                for m in ("cbc", "ecb", "cfb")
            ],
            hash_input=public.DSSENH_MODES_PASSWORD,
        )
    )


def _microsoft_sample(g: Any) -> None:
    value = digest("CALG_MD5", public.MS_KDS_PASSWORD)
    require(value == public.MS_KDS_MD5, "MD5 of the sample password")
    g.add(
        derive_case(
            "microsoft-key-derivation-sample",
            'Microsoft\'s Key Derivation Sample: MD5 of "1134-kelp", RC4, Base provider; a 40-bit key with 11 zero salt bytes',
            ["MicrosoftDocs"],
            hash_alg="CALG_MD5",
            value=value,
            key_alg="CALG_RC4",
            bits=None,
            provider="base",
            key=value[:5],
            salt=bytes(11),
            cipher=[op("encrypt", public.MS_KDS_PLAINTEXT, public.MS_KDS_CIPHERTEXT)],
            hash_input=public.MS_KDS_PASSWORD,
        ),
        derive_case(
            "microsoft-key-derivation-sample-salted",
            "the same with CRYPT_CREATE_SALT: the 11 hash bytes after the key are the salt",
            ["MicrosoftDocs"],
            hash_alg="CALG_MD5",
            value=value,
            key_alg="CALG_RC4",
            bits=None,
            create_salt=True,
            provider="base",
            key=value[:5],
            salt=value[5:16],
            cipher=[
                op("encrypt", public.MS_KDS_PLAINTEXT, public.MS_KDS_CIPHERTEXT_SALTED)
            ],
            hash_input=public.MS_KDS_PASSWORD,
        ),
    )


def _derive_failures(g: Any) -> None:
    sha1 = hashlib.sha1(b"derive failures").digest()  # noqa: S324 - test input
    md5 = hashlib.md5(b"derive failures").digest()  # noqa: S324 - test input
    sha256 = hashlib.sha256(b"derive failures").digest()

    def fail(
        name: str,
        comment: str,
        rule: str,
        flag: str,
        *,
        hash_alg: str = "CALG_SHA1",
        value: bytes = sha1,
        key_alg: str = "CALG_RC4",
        bits: int | None = None,
        create_salt: bool = False,
        provider: str = "aes",
    ) -> Case:
        return invalid(
            name,
            comment,
            [flag],
            error("InvalidParameterError", rule),
            hashAlg=ALG[hash_alg],
            hashValue=hx(value),
            keyAlg=ALG[key_alg],
            keyBits=bits,
            createSalt=create_salt,
            provider=provider,
        )

    g.add(
        fail(
            "hash-hmac",
            "CALG_HMAC is not a hash CryptDeriveKey takes",
            "DRV-1",
            "BadDeriveParameter",
            hash_alg="CALG_HMAC",
        ),
        fail(
            "hash-mac", "CALG_MAC", "DRV-1", "BadDeriveParameter", hash_alg="CALG_MAC"
        ),
        fail(
            "hash-value-19",
            "a 19-byte SHA-1 value",
            "DRV-2",
            "BadDeriveParameter",
            value=sha1[:19],
        ),
        fail(
            "hash-value-21",
            "a 21-byte SHA-1 value",
            "DRV-2",
            "BadDeriveParameter",
            value=sha1 + b"\x00",
        ),
        fail(
            "hash-value-empty",
            "an empty hash value",
            "DRV-2",
            "BadDeriveParameter",
            value=b"",
        ),
        *(
            fail(
                f"sha256-in-{p}",
                f"SHA-256 in the {p} provider (NTE_BAD_ALGID on Windows)",
                "DRV-3",
                "BadDeriveParameter",
                hash_alg="CALG_SHA_256",
                value=sha256,
                bits=56,
                provider=p,
            )
            for p in ("base", "strong", "enhanced")
        ),
        fail(
            "created-salt-too-long",
            "Base, 56-bit RC4, MD5, CRYPT_CREATE_SALT: 7 + 11 > 16 hash bytes",
            "DRV-4",
            "BadDeriveParameter",
            hash_alg="CALG_MD5",
            value=md5,
            bits=56,
            create_salt=True,
            provider="base",
        ),
        fail(
            "key-alg-rc5",
            "CALG_RC5 is not a session-key algorithm here",
            "SYM-1",
            "NotASessionKey",
            key_alg="CALG_RC5",
        ),
        fail(
            "key-alg-aes-generic",
            "the generic CALG_AES (NTE_BAD_ALGID on Windows)",
            "SYM-1",
            "NotASessionKey",
            key_alg="CALG_AES",
        ),
        fail(
            "key-alg-tls1-master",
            "CryptDeriveKey does not make master secrets",
            "SYM-1",
            "NotASessionKey",
            key_alg="CALG_TLS1_MASTER",
        ),
        fail(
            "bits-rc4-64-base",
            "64 bits: the Base provider's RC4 is 40..56",
            "SYM-2",
            "BadKeyLength",
            bits=64,
            provider="base",
        ),
        fail(
            "bits-rc2-44",
            "44 bits: not a whole number of bytes",
            "SYM-2",
            "BadKeyLength",
            key_alg="CALG_RC2",
            bits=44,
        ),
        fail(
            "bits-des-48",
            "48 bits for DES",
            "SYM-2",
            "BadKeyLength",
            key_alg="CALG_DES",
            bits=48,
        ),
        fail(
            "bits-3des-112-168",
            "168 bits for two-key Triple-DES",
            "SYM-2",
            "BadKeyLength",
            key_alg="CALG_3DES_112",
            bits=168,
        ),
        fail(
            "bits-aes-128-256",
            "256 bits for AES-128",
            "SYM-2",
            "BadKeyLength",
            key_alg="CALG_AES_128",
            bits=256,
        ),
        fail(
            "bits-rc4-0-explicit",
            "0 bits given explicitly (the default is written as null)",
            "SYM-2",
            "BadKeyLength",
            bits=0,
        ),
        fail(
            "provider-schannel",
            "an unknown provider name",
            "SYM-6",
            "BadDeriveParameter",
            provider="schannel",
        ),
        fail(
            "3des-in-base",
            "no Triple-DES in the Base provider",
            "SYM-7",
            "BadDeriveParameter",
            key_alg="CALG_3DES",
            hash_alg="CALG_MD5",
            value=md5,
            provider="base",
        ),
        fail(
            "aes-in-enhanced",
            "AES only in the AES provider (NTE_BAD_ALGID on Windows)",
            "SYM-7",
            "BadDeriveParameter",
            key_alg="CALG_AES_128",
            provider="enhanced",
        ),
    )


# -- CryptEncrypt / CryptDecrypt ------------------------------------------------------------


CIPHER_KEYS = [
    ("des", "CALG_DES", 8),
    ("3des-112", "CALG_3DES_112", 16),
    ("3des", "CALG_3DES", 24),
    ("aes-128", "CALG_AES_128", 16),
    ("aes-192", "CALG_AES_192", 24),
    ("aes-256", "CALG_AES_256", 32),
    ("rc2-128", "CALG_RC2", 16),
]


def session(
    alg: str, key: bytes, salt: bytes = b"", effective: int | None = None
) -> Json:
    return {
        "algId": ALG[alg],
        "key": hx(key),
        "salt": hx(salt),
        "effectiveBits": effective,
    }


def cipher_case(
    name: str,
    comment: str,
    flags: list[str],
    key: Json,
    operation: str,
    mode: str,
    iv: bytes | None,
    final: bool,
    data: bytes,
    out: bytes,
) -> Case:
    return valid(
        name,
        comment,
        flags,
        sessionKey=key,
        operation=operation,
        mode=mode,
        iv=None if iv is None else hx(iv),
        final=final,
        input=hx(data),
        output=hx(out),
    )


def cipher_file() -> VectorFile:
    f = VectorFile(
        "cipher_test.json",
        "CryptEncrypt/CryptDecrypt",
        [
            "One CryptEncrypt or CryptDecrypt call on a freshly set-up session key (SPEC",
            "§15.5): CBC (default, zero IV), ECB and 8-bit CFB; PKCS#5 padding on final calls;",
            "RC4 over key || salt. Session-key rules of SPEC §15.1. Outputs computed with",
            "cryptography's block ciphers, independently of blobformat.",
        ],
    )
    g = f.group("Cipher", "One call: the output, or the error.")
    plain = b"blobformat cipher vectors: CryptEncrypt answers"  # 47 bytes
    for label, alg, size in CIPHER_KEYS:
        key = random_bytes(f"cipher-key/{label}", size)
        block = 16 if alg.startswith("CALG_AES") else 8
        iv = random_bytes(f"cipher-iv/{label}", block)
        k = session(alg, key)
        for mode in ("cbc", "ecb", "cfb"):
            out = encrypt(alg, key, plain, mode=mode)
            g.add(
                cipher_case(
                    f"{label}-{mode}-encrypt",
                    f"{alg}, {mode.upper()}, final: 47 bytes padded",
                    [],
                    k,
                    "encrypt",
                    mode,
                    None,
                    True,
                    plain,
                    out,
                ),
                cipher_case(
                    f"{label}-{mode}-decrypt",
                    f"{alg}, {mode.upper()}, final: padding removed",
                    [],
                    k,
                    "decrypt",
                    mode,
                    None,
                    True,
                    out,
                    plain,
                ),
            )
        aligned = plain[: 2 * block]
        g.add(
            cipher_case(
                f"{label}-cbc-iv",
                f"{alg}, CBC with a caller IV",
                [],
                k,
                "encrypt",
                "cbc",
                iv,
                True,
                plain,
                encrypt(alg, key, plain, iv=iv),
            ),
            cipher_case(
                f"{label}-cfb-iv",
                f"{alg}, CFB with a caller IV",
                [],
                k,
                "encrypt",
                "cfb",
                iv,
                True,
                plain,
                encrypt(alg, key, plain, mode="cfb", iv=iv),
            ),
            cipher_case(
                f"{label}-aligned",
                f"{alg}: whole blocks get a whole block of padding",
                [],
                k,
                "encrypt",
                "cbc",
                None,
                True,
                aligned,
                encrypt(alg, key, aligned),
            ),
            cipher_case(
                f"{label}-empty",
                f"{alg}: an empty final call gives one block of padding",
                [],
                k,
                "encrypt",
                "cbc",
                None,
                True,
                b"",
                encrypt(alg, key, b""),
            ),
            cipher_case(
                f"{label}-not-final",
                f"{alg}: a non-final call of whole blocks, no padding",
                [],
                k,
                "encrypt",
                "cbc",
                None,
                False,
                aligned,
                encrypt(alg, key, aligned, final=False),
            ),
            cipher_case(
                f"{label}-decrypt-not-final",
                f"{alg}: a non-final decrypt keeps the padding bytes",
                [],
                k,
                "decrypt",
                "cbc",
                None,
                False,
                encrypt(alg, key, aligned),
                aligned + bytes([block]) * block,
            ),
        )
    for label, size, salt in (
        ("rc4-40-salted", 5, bytes(11)),
        ("rc4-56", 7, b""),
        ("rc4-128", 16, b""),
        ("rc4-40-hash-salt", 5, random_bytes("cipher-salt/rc4", 11)),
    ):
        key = random_bytes(f"cipher-key/{label}", size)
        out = encrypt("CALG_RC4", key, plain, salt=salt)
        k = session("CALG_RC4", key, salt)
        g.add(
            cipher_case(
                f"{label}-encrypt",
                f"RC4 over key || salt ({size} + {len(salt)} bytes); no padding, no mode",
                ["Rc4"],
                k,
                "encrypt",
                "cbc",
                None,
                True,
                plain,
                out,
            ),
            cipher_case(
                f"{label}-decrypt",
                "RC4 decryption is the same keystream",
                ["Rc4"],
                k,
                "decrypt",
                "ecb",
                None,
                True,
                out,
                plain,
            ),
        )
    _cipher_failures(g)
    return f


def _cipher_failures(g: Any) -> None:
    des = random_bytes("cipher-key/des", 8)
    aes = random_bytes("cipher-key/aes-128", 16)
    rc4 = random_bytes("cipher-key/rc4-128", 16)

    def fail(
        name: str,
        comment: str,
        cls: str,
        rule: str,
        flag: str,
        key: Json,
        operation: str = "encrypt",
        mode: str = "cbc",
        iv: bytes | None = None,
        final: bool = True,
        data: bytes = b"data",
    ) -> Case:
        return invalid(
            name,
            comment,
            [flag],
            error(cls, rule),
            sessionKey=key,
            operation=operation,
            mode=mode,
            iv=None if iv is None else hx(iv),
            final=final,
            input=hx(data),
        )

    def padded(alg: str, key: bytes, block: int, tail: bytes) -> bytes:
        """A ciphertext whose last plaintext block ends with ``tail`` (no real padding)."""
        return encrypt(alg, key, bytes(2 * block - len(tail)) + tail, final=False)

    k_des, k_aes, k_rc4 = (
        session("CALG_DES", des),
        session("CALG_AES_128", aes),
        session("CALG_RC4", rc4),
    )
    g.add(
        fail(
            "wrap-only-key",
            "a TLS 1.0 master secret cannot encrypt",
            "InvalidParameterError",
            "CIP-1",
            "BadCipherCall",
            session("CALG_TLS1_MASTER", bytes(48)),
        ),
        fail(
            "mode-ofb",
            "OFB: the providers answer NTE_BAD_ALGID",
            "InvalidParameterError",
            "CIP-2",
            "BadCipherCall",
            k_des,
            mode="ofb",
        ),
        fail(
            "mode-ctr",
            "CTR is no CryptoAPI mode",
            "InvalidParameterError",
            "CIP-2",
            "BadCipherCall",
            k_aes,
            mode="ctr",
        ),
        fail(
            "iv-7-bytes",
            "a 7-byte IV for DES",
            "InvalidParameterError",
            "CIP-3",
            "BadCipherCall",
            k_des,
            iv=bytes(7),
        ),
        fail(
            "iv-8-bytes-aes",
            "an 8-byte IV for AES",
            "InvalidParameterError",
            "CIP-3",
            "BadCipherCall",
            k_aes,
            iv=bytes(8),
        ),
        fail(
            "iv-rc4",
            "RC4 takes no IV",
            "InvalidParameterError",
            "CIP-3",
            "BadCipherCall",
            k_rc4,
            iv=bytes(8),
        ),
        fail(
            "not-final-partial-block",
            "a non-final CryptEncrypt of 13 bytes",
            "InvalidParameterError",
            "CIP-4",
            "BadCipherCall",
            k_des,
            final=False,
            data=bytes(13),
        ),
        fail(
            "decrypt-partial-block",
            "a CryptDecrypt of 13 bytes",
            "InvalidParameterError",
            "CIP-4",
            "BadCipherCall",
            k_des,
            operation="decrypt",
            data=bytes(13),
        ),
        fail(
            "decrypt-aes-15",
            "a final AES CryptDecrypt of 15 bytes",
            "InvalidParameterError",
            "CIP-4",
            "BadCipherCall",
            k_aes,
            operation="decrypt",
            data=bytes(15),
        ),
        fail(
            "decrypt-empty-final",
            "a final CryptDecrypt of no bytes",
            "InvalidParameterError",
            "CIP-5",
            "BadCipherCall",
            k_des,
            operation="decrypt",
            data=b"",
        ),
        fail(
            "decrypt-empty-final-rc4",
            "a final CryptDecrypt of no bytes, RC4 too (NTE_BAD_LEN first)",
            "InvalidParameterError",
            "CIP-5",
            "BadCipherCall",
            k_rc4,
            operation="decrypt",
            data=b"",
        ),
    )
    for label, alg, key, k, block in (
        ("des", "CALG_DES", des, k_des, 8),
        ("aes", "CALG_AES_128", aes, k_aes, 16),
    ):
        for name, tail, comment in (
            ("zero", b"\x00", "a padding length of 0"),
            (
                "too-long",
                bytes([block + 1]),
                f"a padding length of {block + 1}, more than a block",
            ),
            ("inconsistent", b"\x01\x02", "last byte 2, the byte before it 1"),
            ("one-inner-byte", b"\x03\x03\x04\x03", "one of the padding bytes differs"),
        ):
            g.add(
                fail(
                    f"padding-{name}-{label}",
                    f"{alg}: {comment} (PEERS §4 item 21)",
                    "PaddingError",
                    "CIP-6",
                    "BadPadding",
                    k,
                    operation="decrypt",
                    data=padded(alg, key, block, tail),
                )
            )
    g.add(
        fail(
            "alg-rc5",
            "CALG_RC5 is not a session-key algorithm",
            "InvalidParameterError",
            "SYM-1",
            "NotASessionKey",
            session("CALG_RC5", bytes(16)),
        ),
        fail(
            "alg-aes-generic",
            "the generic CALG_AES",
            "InvalidParameterError",
            "SYM-1",
            "NotASessionKey",
            session("CALG_AES", bytes(16)),
        ),
        fail(
            "alg-rsa-keyx",
            "CALG_RSA_KEYX",
            "InvalidParameterError",
            "SYM-1",
            "NotASessionKey",
            session("CALG_RSA_KEYX", bytes(16)),
        ),
        fail(
            "rc4-4-bytes",
            "a 4-byte RC4 key",
            "InvalidParameterError",
            "SYM-2",
            "BadKeyLength",
            session("CALG_RC4", bytes(4)),
        ),
        fail(
            "rc4-17-bytes",
            "a 17-byte RC4 key",
            "InvalidParameterError",
            "SYM-2",
            "BadKeyLength",
            session("CALG_RC4", bytes(17)),
        ),
        fail(
            "aes-128-15-bytes",
            "a 15-byte AES-128 key",
            "InvalidParameterError",
            "SYM-2",
            "BadKeyLength",
            session("CALG_AES_128", bytes(15)),
        ),
        fail(
            "des-7-bytes",
            "a 7-byte DES key",
            "InvalidParameterError",
            "SYM-2",
            "BadKeyLength",
            session("CALG_DES", bytes(7)),
        ),
        fail(
            "salt-on-aes",
            "salt on an AES key",
            "InvalidParameterError",
            "SYM-3",
            "BadSalt",
            session("CALG_AES_128", aes, bytes(11)),
        ),
        fail(
            "salt-on-des",
            "salt on a DES key",
            "InvalidParameterError",
            "SYM-3",
            "BadSalt",
            session("CALG_DES", des, bytes(1)),
        ),
        fail(
            "salt-25-bytes",
            "25 bytes of salt (KP_SALT_EX accepts 0..24)",
            "InvalidParameterError",
            "SYM-4",
            "BadSalt",
            session("CALG_RC4", bytes(5), bytes(25)),
        ),
        fail(
            "effective-bits-rc4",
            "an effective key length on RC4",
            "InvalidParameterError",
            "SYM-5",
            "BadSalt",
            session("CALG_RC4", bytes(16), effective=40),
        ),
        fail(
            "effective-bits-0",
            "RC2 effective key length 0",
            "InvalidParameterError",
            "SYM-5",
            "BadSalt",
            session("CALG_RC2", bytes(16), effective=0),
        ),
        fail(
            "effective-bits-1025",
            "RC2 effective key length 1025",
            "InvalidParameterError",
            "SYM-5",
            "BadSalt",
            session("CALG_RC2", bytes(16), effective=1025),
        ),
    )
