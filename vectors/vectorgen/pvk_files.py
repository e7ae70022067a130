"""pvk_test.json: PVK files, plain and RC4-encrypted (SPEC §12).

Encrypted files use 16-byte salts from a seeded PRNG, so an implementation
can check its writer by re-encrypting the decrypted blob with the same salt
and password and comparing bytes.
"""

from __future__ import annotations

from typing import Any

from vectorgen.blobs import dh_v2_private, dss_v2, dss_v3, pvk, pvk_encrypt, rsa_private
from vectorgen.common import (
    ALG,
    Case,
    Group,
    RsaNumbers,
    VectorFile,
    error,
    hx,
    invalid,
    patch,
    patch_u8,
    patch_u16,
    patch_u32,
    pkcs8,
    private_key,
    random_bytes,
    rsa_key,
    valid,
)
from vectorgen.decode import bad, ok, tolerated
from vectorgen.dss_files import committed

AT_KEYEXCHANGE, AT_SIGNATURE = 1, 2


def pvk_file() -> VectorFile:
    f = VectorFile(
        "pvk_test.json",
        "PVK files",
        [
            "PVK files (SPEC §12): decoding of the container, and loading the key with a",
            "password (RC4 keyed with SHA-1(salt || password), 128-bit 'strong' or 40-bit",
            "'weak'). Passwords are given as hex bytes.",
        ],
    )
    decode = f.group(
        "BlobDecode",
        "Decoding the container: fields, or the error (inner errors located in the file).",
    )
    imports = f.group(
        "PvkImport",
        "Loading the key with the password: PKCS#8 key and numbers, or the error.",
        prefix="load",
    )

    rsa = RsaNumbers.of(rsa_key("rsa-520"))
    rsa_blob = rsa_private(rsa).data
    rsa_der = pkcs8(rsa_key("rsa-520"))
    sign_blob = rsa_private(
        RsaNumbers.of(rsa_key("rsa-1024-e3")), alg="CALG_RSA_SIGN"
    ).data
    dsa = committed("dsa-1024")
    dss2 = dss_v2(dsa.p, dsa.q, dsa.g, x=dsa.x).data
    dss4 = dss_v3(dsa.p, dsa.q, dsa.g, dsa.y, x=dsa.x).data
    dsa_der = pkcs8(dsa.private_key())

    plain = [
        (
            "plain-rsa",
            AT_KEYEXCHANGE,
            rsa_blob,
            rsa_der,
            rsa.private_json(),
            "an unencrypted RSA key, AT_KEYEXCHANGE",
            [],
        ),
        (
            "plain-rsa-sign",
            AT_SIGNATURE,
            sign_blob,
            pkcs8(rsa_key("rsa-1024-e3")),
            RsaNumbers.of(rsa_key("rsa-1024-e3")).private_json(),
            "a CALG_RSA_SIGN key with AT_SIGNATURE",
            ["SignatureKey"],
        ),
        (
            "plain-dss2",
            AT_SIGNATURE,
            dss2,
            dsa_der,
            dsa.private_json(),
            "an unencrypted DSS2 key, AT_SIGNATURE (y is computed)",
            [],
        ),
        (
            "plain-dss4",
            AT_SIGNATURE,
            dss4,
            dsa_der,
            dsa.private_json(),
            "an unencrypted DSS4 (version 3) key",
            [],
        ),
    ]
    for name, key_type, blob, der, numbers, comment, flags in plain:
        file = pvk(key_type, blob)
        decode.add(ok(name, comment, file, flags))
        imports.add(
            valid(
                name,
                comment,
                flags,
                pvk=hx(file.data),
                password=None,
                keyDer=der,
                keyNumbers=numbers,
            )
        )

    encrypted = [
        (
            "strong-rsa",
            AT_KEYEXCHANGE,
            rsa_blob,
            rsa_der,
            rsa.private_json(),
            b"password",
            "strong",
            'RSA, 128-bit RC4, password "password"',
        ),
        (
            "weak-rsa",
            AT_KEYEXCHANGE,
            rsa_blob,
            rsa_der,
            rsa.private_json(),
            b"password",
            "weak",
            "RSA, 40-bit RC4 (the reader tries strong, then weak)",
        ),
        (
            "strong-dss",
            AT_SIGNATURE,
            dss2,
            dsa_der,
            dsa.private_json(),
            b"password",
            "strong",
            "DSS2, 128-bit RC4",
        ),
        (
            "weak-dss",
            AT_SIGNATURE,
            dss2,
            dsa_der,
            dsa.private_json(),
            b"secret",
            "weak",
            "DSS2, 40-bit RC4",
        ),
        (
            "strong-empty-password",
            AT_KEYEXCHANGE,
            rsa_blob,
            rsa_der,
            rsa.private_json(),
            b"",
            "strong",
            "the empty password",
        ),
        (
            "strong-utf8-password",
            AT_KEYEXCHANGE,
            rsa_blob,
            rsa_der,
            rsa.private_json(),
            "pässwörd".encode(),
            "strong",
            "a non-ASCII password, as its UTF-8 bytes",
        ),
        (
            "strong-long-password",
            AT_KEYEXCHANGE,
            rsa_blob,
            rsa_der,
            rsa.private_json(),
            b"correct horse battery staple " * 4,
            "strong",
            "a 116-byte password",
        ),
    ]
    files: dict[str, bytes] = {}
    for name, key_type, blob, der, numbers, password, strength, comment in encrypted:
        salt = random_bytes(f"pvk-salt/{name}", 16)
        file, rc4_key = pvk_encrypt(key_type, blob, password, salt, strength)
        files[name] = file.data
        decode.add(
            ok(
                name,
                f"{comment}: the container decodes without the password",
                file,
                ["EncryptedPvk"],
            )
        )
        imports.add(
            valid(
                name,
                comment,
                ["EncryptedPvk"],
                pvk=hx(file.data),
                password=hx(password),
                keyDer=der,
                keyNumbers=numbers,
                intermediates={
                    "strength": strength,
                    "rc4Key": hx(rc4_key),
                    "decryptedBlob": hx(blob),
                },
            )
        )
    strong = files["strong-rsa"]
    data_at = 24 + 16
    corrupt_bitlen = patch(strong, data_at + 13, bytes([strong[data_at + 13] ^ 0x80]))
    corrupt_d = patch(strong, len(strong) - 1, bytes([strong[-1] ^ 0x01]))
    corrupt_magic = patch(strong, data_at + 8, bytes([strong[data_at + 8] ^ 0x01]))

    def fail(
        name: str,
        comment: str,
        data: bytes,
        password: bytes | None,
        cls: str,
        rule: str,
        **extra: Any,
    ) -> Case:
        return invalid(
            name,
            comment,
            [
                "EncryptedPvk",
                "WrongPassword" if cls == "PasswordError" else "CorruptPvk",
            ],
            error(cls, rule, **extra),
            pvk=hx(data),
            password=None if password is None else hx(password),
        )

    imports.add(
        fail(
            "no-password",
            "an encrypted file read without a password",
            strong,
            None,
            "PasswordError",
            "PVK-9",
        ),
        fail(
            "wrong-password",
            "the wrong password",
            strong,
            b"Password",
            "PasswordError",
            "PVK-9",
        ),
        fail(
            "corrupt-magic",
            "the first encrypted byte (the magic) changed: indistinguishable from a wrong password",
            corrupt_magic,
            b"password",
            "PasswordError",
            "PVK-9",
        ),
        fail(
            "corrupt-bit-length",
            "one bit of the encrypted bitlen changed: the password is right (the magic decrypts), so the blob's error is reported, located in the file",
            corrupt_bitlen,
            b"password",
            "InvalidFieldError",
            "RSA-1",
            offset=data_at + 12,
            field="key.bit_length",
        ),
        fail(
            "corrupt-private-exponent",
            "the last byte of d changed: the numbers no longer form a key",
            corrupt_d,
            b"password",
            "KeyConversionError",
            "KEY-2",
        ),
    )
    _invalid(decode, pvk(AT_KEYEXCHANGE, rsa_blob).data, strong, dss2)
    _order(f, rsa_blob, strong)
    return f


def _order(f: VectorFile, rsa_blob: bytes, strong: bytes) -> None:
    """SPEC 1.1 (issue 14): §12.4 (the container) and §12.5 (loading the key)."""
    decode = f.group(
        "BlobDecode",
        "SPEC 1.1 §12.4: decoding the container; which error wins.",
        prefix="order",
    )
    loads = f.group(
        "PvkImport",
        "SPEC 1.1 §12.5: loading the key of a container that decodes.",
        prefix="load-order",
    )
    plain = pvk(AT_KEYEXCHANGE, rsa_blob).data
    flags = ["CheckOrder"]
    dh_keys = private_key("dh-512")
    numbers = dh_keys.private_numbers()
    group = numbers.public_numbers.parameter_numbers
    dh2 = dh_v2_private(group.p, group.g, numbers.x).data
    base = 24
    version_3 = patch_u8(rsa_blob, 1, 3)
    salt = random_bytes("pvk-salt/order-encrypted-version-3", 16)
    encrypted_v3, _ = pvk_encrypt(
        AT_KEYEXCHANGE, version_3, b"password", salt, "strong"
    )
    decode.add(
        bad(
            "truncated-header-bad-reserved",
            "10 bytes with reserved 1: the header is incomplete, so PVK-6 before PVK-1",
            [*flags, "Truncated"],
            patch_u32(plain, 4, 1)[:10],
            "TruncatedError",
            "PVK-6",
            8,
            "header.key_type",
        ),
        bad(
            "truncated-header-bad-key-length",
            "22 bytes with keylen 0: truncation inside keylen before PVK-5",
            [*flags, "Truncated"],
            patch_u32(plain, 20, 0)[:22],
            "TruncatedError",
            "PVK-6",
            20,
            "header.key_length",
        ),
        bad(
            "reserved-and-key-type",
            "reserved 1 and keytype 0: PVK-1 first",
            [*flags, "ReservedNonZero"],
            patch_u32(patch_u32(plain, 4, 1), 8, 0),
            "InvalidFieldError",
            "PVK-1",
            4,
            "header.reserved",
        ),
        bad(
            "key-length-and-truncated",
            "keylen 0 in a complete file: PVK-5 before the size (PVK-6)",
            [*flags, "BadLength"],
            patch_u32(plain, 20, 0),
            "InvalidFieldError",
            "PVK-5",
            20,
            "header.key_length",
        ),
        bad(
            "inner-public-and-key-type",
            "a PUBLICKEYBLOB's bType with keytype AT_SIGNATURE: PVK-7 before PVK-8",
            [*flags, "TypeConfusion"],
            patch_u32(patch_u8(plain, base, 6), 8, AT_SIGNATURE),
            "InvalidFieldError",
            "PVK-7",
            base,
            "key.header.blob_type",
        ),
        bad(
            "inner-reserved-and-key-type",
            "the key blob's reserved is 1 and keytype AT_SIGNATURE: PVK-8 before the key blob's own rules",
            [*flags, "KeyTypeMismatch"],
            patch_u32(patch_u16(plain, base + 2, 1), 8, AT_SIGNATURE),
            "InvalidFieldError",
            "PVK-8",
            base + 4,
            "key.header.key_alg",
        ),
        bad(
            "inner-dh2",
            "a \\0DH2 key blob (CALG_DH_SF) with keytype AT_KEYEXCHANGE: PVK-8",
            [*flags, "KeyTypeMismatch"],
            pvk(AT_KEYEXCHANGE, dh2).data,
            "InvalidFieldError",
            "PVK-8",
            base + 4,
            "key.header.key_alg",
        ),
        bad(
            "inner-dh2-alg-rsa-keyx",
            "a \\0DH2 key blob whose aiKeyAlg is CALG_RSA_KEYX: passes PVK-8, fails the blob's HDR-4",
            [*flags, "WrongAlgorithm"],
            pvk(AT_KEYEXCHANGE, patch_u32(dh2, 4, ALG["CALG_RSA_KEYX"])).data,
            "InvalidFieldError",
            "HDR-4",
            base + 4,
            "key.header.key_alg",
        ),
        bad(
            "inner-unknown-magic",
            "the key blob's magic is 'MAG1': HDR-1 located in the file",
            [*flags, "UnknownType"],
            patch(plain, base + 8, b"MAG1"),
            "UnsupportedBlobError",
            "HDR-1",
            base,
            "key.header.blob_type",
        ),
        bad(
            "inner-trailing",
            "keylen one more than the RSA2 blob: the blob's trailing byte, field 'key'",
            [*flags, "TrailingData"],
            pvk(AT_KEYEXCHANGE, rsa_blob + b"\x00").data,
            "TrailingDataError",
            "RSA-2",
            base + len(rsa_blob),
            "key",
        ),
        bad(
            "inner-truncated",
            "keylen one less than the RSA2 blob: truncated inside the private exponent",
            [*flags, "Truncated"],
            pvk(AT_KEYEXCHANGE, rsa_blob[:-1]).data,
            "TruncatedError",
            "RSA-2",
            base + len(rsa_blob) - 65,
            "key.private_exponent",
        ),
        bad(
            "inner-no-magic",
            "keylen 10: the key blob ends inside its magic",
            [*flags, "Truncated"],
            pvk(AT_KEYEXCHANGE, rsa_blob[:10]).data,
            "TruncatedError",
            "HDR-6",
            base + 8,
            "key.magic",
        ),
        ok(
            "encrypted-version-3",
            "an encrypted RSA2 blob whose clear bVersion is 3: the container allows 2 or 3 (the encrypted magic hides the kind)",
            encrypted_v3,
            ["EncryptedPvk"],
        ),
        bad(
            "encrypted-reserved-and-version",
            "an encrypted file's clear header with reserved 1 and bVersion 5: HDR-3 before HDR-2",
            [*flags, "ReservedNonZero"],
            patch_u16(patch_u8(strong, 40 + 1, 5), 40 + 2, 1),
            "InvalidFieldError",
            "HDR-3",
            42,
            "key.header.reserved",
        ),
        bad(
            "encrypted-public-and-dh",
            "an encrypted file's clear header with bType 6 and CALG_DH_SF: PVK-7 before PVK-8",
            [*flags, "TypeConfusion"],
            patch_u32(patch_u8(strong, 40, 6), 44, ALG["CALG_DH_SF"]),
            "InvalidFieldError",
            "PVK-7",
            40,
            "key.header.blob_type",
        ),
    )
    loads.add(
        invalid(
            "encrypted-version-3",
            "the container decodes, but the decrypted RSA2 blob needs bVersion 2: HDR-2 located in the file",
            [*flags, "EncryptedPvk", "WrongVersion"],
            error("InvalidFieldError", "HDR-2", offset=41, field="key.header.version"),
            pvk=hx(encrypted_v3.data),
            password=hx(b"password"),
        ),
        invalid(
            "encrypted-version-3-no-password",
            "the same file without a password: PVK-9 (the version is not checked before decryption)",
            [*flags, "EncryptedPvk", "WrongPassword"],
            error("PasswordError", "PVK-9"),
            pvk=hx(encrypted_v3.data),
            password=None,
        ),
    )


def _invalid(decode: Group, plain: bytes, encrypted: bytes, dss2: bytes) -> None:
    add = decode.add
    header = [
        (
            "reserved",
            patch_u32(plain, 4, 1),
            "reserved = 1",
            "PVK-1",
            4,
            "header.reserved",
            "ReservedNonZero",
        ),
        (
            "key-type-0",
            patch_u32(plain, 8, 0),
            "keytype 0",
            "PVK-2",
            8,
            "header.key_type",
            "WrongAlgorithm",
        ),
        (
            "key-type-3",
            patch_u32(plain, 8, 3),
            "keytype 3",
            "PVK-2",
            8,
            "header.key_type",
            "WrongAlgorithm",
        ),
        (
            "encrypted-2",
            patch_u32(plain, 12, 2),
            "encrypted = 2",
            "PVK-3",
            12,
            "header.encrypted",
            "BadLength",
        ),
        (
            "encrypted-no-salt",
            patch_u32(plain, 12, 1),
            "encrypted with saltlen 0 (PEERS §4 item 22)",
            "PVK-4",
            16,
            "header.salt_length",
            "BadLength",
        ),
        (
            "plain-with-salt-length",
            patch_u32(plain, 16, 4),
            "not encrypted but saltlen 4",
            "PVK-4",
            16,
            "header.salt_length",
            "BadLength",
        ),
        (
            "salt-length-huge",
            patch_u32(encrypted, 16, 0xFFFFFFF0),
            "saltlen 0xFFFFFFF0 (PEERS §4 item 2)",
            "PVK-4",
            16,
            "header.salt_length",
            "BadLength",
        ),
        (
            "salt-length-10241",
            patch_u32(encrypted, 16, 10241),
            "saltlen 10241, one above the cap",
            "PVK-4",
            16,
            "header.salt_length",
            "BadLength",
        ),
        (
            "key-length-0",
            patch_u32(plain, 20, 0),
            "keylen 0",
            "PVK-5",
            20,
            "header.key_length",
            "BadLength",
        ),
        (
            "key-length-huge",
            patch_u32(plain, 20, 0xFFFFFFF0),
            "keylen 0xFFFFFFF0 (PEERS §4 item 2)",
            "PVK-5",
            20,
            "header.key_length",
            "BadLength",
        ),
        (
            "key-length-102401",
            patch_u32(plain, 20, 102401),
            "keylen 102401, one above the cap",
            "PVK-5",
            20,
            "header.key_length",
            "BadLength",
        ),
    ]
    for name, data, comment, rule, offset, field, flag in header:
        add(bad(name, comment, [flag], data, "InvalidFieldError", rule, offset, field))
    for length in range(8):
        data = patch_u32(encrypted, 20, length)[: 24 + 16 + length]
        add(
            bad(
                f"encrypted-key-length-{length}",
                f"encrypted, saltlen 16, keylen {length}: no room for the clear BLOBHEADER "
                "(PEERS §4 item 1: OpenSSL read past the buffer)",
                ["BadLength"],
                data,
                "InvalidFieldError",
                "PVK-5",
                20,
                "header.key_length",
            )
        )
    add(
        bad(
            "salt-and-key-overflow",
            "saltlen 16 and keylen 0xFFFFFFF8: their sum overflows 32 bits (PEERS §4 item 2)",
            ["BadLength"],
            patch_u32(encrypted, 20, 0xFFFFFFF8),
            "InvalidFieldError",
            "PVK-5",
            20,
            "header.key_length",
        ),
        bad(
            "truncated-header",
            "the input ends inside the header",
            ["Truncated"],
            plain[:22],
            "TruncatedError",
            "PVK-6",
            20,
            "header.key_length",
        ),
        bad(
            "truncated-key",
            "the last byte of the key blob is missing",
            ["Truncated"],
            plain[:-1],
            "TruncatedError",
            "PVK-6",
            24,
            "key",
        ),
        bad(
            "truncated-salt",
            "the input ends inside the salt",
            ["Truncated"],
            encrypted[:30],
            "TruncatedError",
            "PVK-6",
            24,
            "salt",
        ),
        bad(
            "trailing",
            "one byte after the key blob",
            ["TrailingData"],
            plain + b"\x00",
            "TrailingDataError",
            "PVK-6",
            len(plain),
            None,
            lenient=tolerated(plain, "trailing-data", len(plain), "PVK-6"),
        ),
        bad(
            "inner-public-key",
            "the key blob is a PUBLICKEYBLOB",
            ["TypeConfusion"],
            patch_u8(plain, 24, 6),
            "InvalidFieldError",
            "PVK-7",
            24,
            "key.header.blob_type",
        ),
        bad(
            "inner-simpleblob",
            "the key blob is a SIMPLEBLOB",
            ["TypeConfusion"],
            patch_u8(plain, 24, 1),
            "InvalidFieldError",
            "PVK-7",
            24,
            "key.header.blob_type",
        ),
        bad(
            "key-type-sign-with-keyx",
            "AT_SIGNATURE with a CALG_RSA_KEYX key (PEERS §4 item 22)",
            ["KeyTypeMismatch"],
            patch_u32(plain, 8, 2),
            "InvalidFieldError",
            "PVK-8",
            28,
            "key.header.key_alg",
        ),
        bad(
            "key-type-keyx-with-dss",
            "AT_KEYEXCHANGE with a DSS key",
            ["KeyTypeMismatch"],
            pvk(AT_KEYEXCHANGE, dss2).data,
            "InvalidFieldError",
            "PVK-8",
            28,
            "key.header.key_alg",
        ),
        bad(
            "inner-reserved",
            "the key blob's reserved field is 1",
            ["ReservedNonZero"],
            patch_u16(plain, 26, 1),
            "InvalidFieldError",
            "HDR-3",
            26,
            "key.header.reserved",
        ),
        bad(
            "inner-bit-length",
            "the key blob's bitlen is 100",
            ["BadBitLength"],
            patch_u32(plain, 36, 100),
            "InvalidFieldError",
            "RSA-1",
            36,
            "key.bit_length",
        ),
        bad(
            "inner-exponent-even",
            "the key blob's pubexp is even",
            ["BadExponent"],
            patch_u32(plain, 40, 2),
            "InvalidFieldError",
            "RSA-3",
            40,
            "key.public_exponent",
        ),
        bad(
            "encrypted-inner-version",
            "an encrypted file's clear BLOBHEADER has bVersion 5",
            ["WrongVersion"],
            patch_u8(encrypted, 24 + 16 + 1, 5),
            "InvalidFieldError",
            "HDR-2",
            41,
            "key.header.version",
        ),
        bad(
            "encrypted-inner-dh",
            "an encrypted file's clear BLOBHEADER names CALG_DH_SF",
            ["KeyTypeMismatch"],
            patch_u32(encrypted, 24 + 16 + 4, ALG["CALG_DH_SF"]),
            "InvalidFieldError",
            "PVK-8",
            44,
            "key.header.key_alg",
        ),
    )
