"""signature_test.json: CryptSignHash / CryptVerifySignature signatures (SPEC §15.9).

RSA signatures are computed here from the key numbers (EM = 00 01 FF.. 00 T,
s = EM^d mod n, stored little-endian), independently of blobformat, and each
one for the 2048-, 1024- and 1000-bit keys is checked against the signature
Wine's CryptSignHash made (wine_signatures.py). DSS signatures are randomised:
they are computed here with a nonce k from a PRNG seeded by the case name, and
published as verification cases only.
"""

from __future__ import annotations

import hashlib
from typing import Any

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

from blobformat.capi.hashes import digest as library_digest
from blobformat.constants import AlgId
from vectorgen import public
from vectorgen.common import (
    ALG,
    Case,
    Json,
    VectorFile,
    error,
    hx,
    invalid,
    pkcs8,
    require,
    rng,
    rsa_key,
    spki,
    valid,
)
from vectorgen.dss_files import committed
from vectorgen.rsa_files import parse_rsa1
from vectorgen.wine_signatures import MESSAGE, WINE_SIGNATURES

DIGEST_INFO = {
    "CALG_MD2": bytes.fromhex("3020300c06082a864886f70d020205000410"),
    "CALG_MD4": bytes.fromhex("3020300c06082a864886f70d020405000410"),
    "CALG_MD5": bytes.fromhex("3020300c06082a864886f70d020505000410"),
    "CALG_SHA1": bytes.fromhex("3021300906052b0e03021a05000414"),
    "CALG_SHA_256": bytes.fromhex("3031300d060960864801650304020105000420"),
    "CALG_SHA_384": bytes.fromhex("3041300d060960864801650304020205000430"),
    "CALG_SHA_512": bytes.fromhex("3051300d060960864801650304020305000440"),
}
HASHES = (*DIGEST_INFO, "CALG_SSL3_SHAMD5")
ALG_IDS = {**ALG, "CALG_SSL3_SHAMD5": 0x8008}
HASHLIB = {
    "CALG_MD5": "md5",
    "CALG_SHA1": "sha1",
    "CALG_SHA_256": "sha256",
    "CALG_SHA_384": "sha384",
    "CALG_SHA_512": "sha512",
}
WINE_KEYS = ("rsa-2048", "rsa-1024-e3", "rsa-1000", "rsa-520")


def hash_value(alg: str, data: bytes) -> bytes:
    if alg == "CALG_SSL3_SHAMD5":
        return hashlib.md5(data).digest() + hashlib.sha1(data).digest()  # noqa: S324 - the format
    if alg in HASHLIB:
        return hashlib.new(HASHLIB[alg], data).digest()
    # hashlib lacks MD2 and MD4 (OpenSSL 3): the library's own implementations.
    return library_digest(AlgId[alg], data)


def payload(alg: str, value: bytes, no_oid: bool) -> bytes:
    return value if no_oid or alg == "CALG_SSL3_SHAMD5" else DIGEST_INFO[alg] + value


def rsa_sign_le(name: str, t: bytes) -> bytes | None:
    """The little-endian signature of payload ``t``, or None when the key is too small."""
    nums = rsa_key(name).private_numbers()
    n, d = nums.public_numbers.n, nums.d
    k = (n.bit_length() + 7) // 8
    if k < len(t) + 11:
        return None
    em = b"\x00\x01" + b"\xff" * (k - 3 - len(t)) + b"\x00" + t
    return pow(int.from_bytes(em, "big"), d, n).to_bytes(k, "little")


def signed(name: str, t: bytes) -> bytes:
    """As rsa_sign_le, for payloads the key holds."""
    signature = rsa_sign_le(name, t)
    if signature is None:
        raise AssertionError(f"{name} cannot sign a {len(t)}-byte payload")
    return signature


def dss_sign_le(name: str, value: bytes, label: str) -> bytes:
    """r || s, each 20 bytes little-endian, with a nonce from the PRNG for ``label``."""
    key = committed(name)
    k = rng(f"signature/{label}/k").randrange(1, key.q)
    r = pow(key.g, k, key.p) % key.q
    s = pow(k, -1, key.q) * (int.from_bytes(value, "big") + key.x * r) % key.q
    require(r != 0 and s != 0, "a usable nonce")
    return r.to_bytes(20, "little") + s.to_bytes(20, "little")


def signature_file() -> VectorFile:
    f = VectorFile(
        "signature_test.json",
        "CryptSignHash and CryptVerifySignature",
        [
            "Signatures as CryptoAPI makes them (SPEC §15.9): RSASSA-PKCS1-v1_5 with MD2, MD4,",
            "MD5, SHA-1, SHA-256/384/512 (with the DigestInfo, or without it: CRYPT_NOHASHOID)",
            "and CALG_SSL3_SHAMD5, and DSS with SHA-1; every signature stored little-endian as",
            "CryptSignHash returns it. Keys: vectors/keys/rsa-2048, rsa-1024-e3, rsa-1000,",
            "rsa-520, dsa-1024 and dsa-2048 .pem. `message` is the data hashed, or the hash",
            "value itself when `prehashed` (HP_HASHVAL).",
        ],
    )
    sign = f.group(
        "SignatureSign",
        "Signing: the signature bytes (RSA is deterministic), or the error.",
        prefix="sign",
    )
    verify = f.group(
        "SignatureVerify",
        "Verification: valid, or the one BadSignatureError.",
        prefix="verify",
    )

    def sign_case(
        name: str,
        comment: str,
        key: str,
        message: bytes,
        alg: str,
        *,
        no_oid: bool = False,
        prehashed: bool = False,
        flags: list[str] | None = None,
        expected: Json | None = None,
        key_der: str | None = None,
    ) -> Case:
        data: dict[str, Any] = {
            "privateKeyDer": key_der if key_der is not None else pkcs8(rsa_key(key)),
            "message": hx(message),
            "hashAlg": ALG_IDS[alg],
            "noHashOid": no_oid,
            "prehashed": prehashed,
        }
        if expected is not None:
            return invalid(name, comment, flags or [], expected, **data)
        value = message if prehashed else hash_value(alg, message)
        t = payload(alg, value, no_oid)
        signature = signed(key, t)
        case_flags = list(flags or [])
        wine = WINE_SIGNATURES.get((key, alg, int(no_oid)))
        if wine is not None and (
            message == MESSAGE or (prehashed and message == hash_value(alg, MESSAGE))
        ):
            require(wine == hx(signature), f"{name}: equals Wine's CryptSignHash")
            case_flags.append("WineCryptSignHash")
        return valid(
            name,
            comment,
            case_flags,
            **data,
            signature=hx(signature),
            intermediates={
                "hashValue": hx(value),
                "payload": hx(t),
                "signatureBigEndian": hx(signature[::-1]),
            },
        )

    # Every hash, with and without the DigestInfo, for each key Wine signed with.
    for key in WINE_KEYS:
        k = (rsa_key(key).key_size + 7) // 8
        for alg in HASHES:
            for no_oid in (False, True):
                if alg == "CALG_SSL3_SHAMD5" and no_oid:
                    continue  # the same signature: SSL3-SHAMD5 never has a DigestInfo
                value = hash_value(alg, MESSAGE)
                t = payload(alg, value, no_oid)
                label = f"{key}-{alg.removeprefix('CALG_').lower().replace('_', '')}{'-nooid' if no_oid else ''}"
                flags = ["NoHashOid"] if no_oid else []
                if alg in ("CALG_MD2", "CALG_MD4", "CALG_MD5", "CALG_SHA1"):
                    flags.append("LegacyHash")
                if alg == "CALG_SSL3_SHAMD5":
                    # Windows takes this hash's value only through HP_HASHVAL.
                    flags = ["Ssl3ShaMd5"]
                    sign.add(
                        sign_case(
                            label,
                            f"{key}, MD5 || SHA-1 set with HP_HASHVAL",
                            key,
                            value,
                            alg,
                            prehashed=True,
                            flags=flags,
                        )
                    )
                    continue
                if k < len(t) + 11:
                    sign.add(
                        sign_case(
                            label,
                            f"{key} ({k} bytes) cannot hold {len(t)} bytes of payload and 11 of padding",
                            key,
                            MESSAGE,
                            alg,
                            no_oid=no_oid,
                            flags=["KeyTooSmall", *flags],
                            expected=error("InvalidParameterError", "SIG-3"),
                        )
                    )
                    continue
                sign.add(
                    sign_case(
                        label,
                        f"{key}, {alg}{' with CRYPT_NOHASHOID' if no_oid else ''}",
                        key,
                        MESSAGE,
                        alg,
                        no_oid=no_oid,
                        flags=flags,
                    )
                )

    # Prehashed SHA-256 equals hashing the data (HP_HASHVAL).
    sign.add(
        sign_case(
            "rsa-2048-sha256-prehashed",
            "the SHA-256 value set with HP_HASHVAL",
            "rsa-2048",
            hash_value("CALG_SHA_256", MESSAGE),
            "CALG_SHA_256",
            prehashed=True,
            flags=["Prehashed"],
        )
    )
    sign.add(
        sign_case(
            "empty-message",
            "the empty message, SHA-1",
            "rsa-1024-e3",
            b"",
            "CALG_SHA1",
            flags=["LegacyHash"],
        )
    )

    # Refusals.
    for alg_value, why in (
        (ALG["CALG_RC4"], "RC4 is a cipher"),
        (ALG["CALG_HMAC"], "HMAC is not a signature hash"),
        (ALG["CALG_MAC"], "CALG_MAC is not a signature hash"),
        (0x800B, "CALG_SHA_256's neighbour, CALG_HASH_REPLACE_OWF"),
    ):
        case = invalid(
            f"hash-{alg_value:04x}",
            f"hash ALG_ID 0x{alg_value:04X}: {why}",
            ["UnsupportedHash"],
            error("InvalidParameterError", "SIG-1"),
            privateKeyDer=pkcs8(rsa_key("rsa-1024-e3")),
            message=hx(MESSAGE),
            hashAlg=alg_value,
            noHashOid=False,
            prehashed=False,
        )
        sign.add(case)
    for alg, size in (
        ("CALG_SHA_256", 31),
        ("CALG_SHA_256", 33),
        ("CALG_SSL3_SHAMD5", 20),
        ("CALG_MD5", 0),
    ):
        sign.add(
            sign_case(
                f"prehashed-{alg.removeprefix('CALG_').lower().replace('_', '')}-{size}",
                f"a {size}-byte value given as a {alg} hash",
                "rsa-1024-e3",
                bytes(size),
                alg,
                prehashed=True,
                flags=["Prehashed"],
                expected=error("InvalidParameterError", "SIG-2"),
            )
        )
    dsa = committed("dsa-1024")
    dsa_der = pkcs8(dsa.private_key())
    big_q_der = pkcs8(committed("dsa-2048").private_key())
    sign.add(
        sign_case(
            "dss-sha256",
            "DSS signs SHA-1 only",
            "",
            MESSAGE,
            "CALG_SHA_256",
            key_der=dsa_der,
            flags=["DssSignature"],
            expected=error("InvalidParameterError", "SIG-1"),
        )
    )
    sign.add(
        sign_case(
            "dss-nooid",
            "CRYPT_NOHASHOID with a DSS key",
            "",
            MESSAGE,
            "CALG_SHA1",
            no_oid=True,
            key_der=dsa_der,
            flags=["DssSignature"],
            expected=error("InvalidParameterError", "SIG-4"),
        )
    )
    sign.add(
        sign_case(
            "dss-q256",
            "a DSA key with a 256-bit q has no CryptoAPI signature",
            "",
            MESSAGE,
            "CALG_SHA1",
            key_der=big_q_der,
            flags=["DssSignature"],
            expected=error("InvalidParameterError", "SIG-4"),
        )
    )

    # -- verification -------------------------------------------------------------------

    def verify_case(
        name: str,
        comment: str,
        public_der: str,
        message: bytes,
        alg: str,
        signature: bytes,
        *,
        no_oid: bool = False,
        prehashed: bool = False,
        flags: list[str] | None = None,
        ok: bool = True,
    ) -> Case:
        data: dict[str, Any] = {
            "publicKeyDer": public_der,
            "message": hx(message),
            "hashAlg": ALG_IDS[alg],
            "noHashOid": no_oid,
            "prehashed": prehashed,
            "signature": hx(signature),
        }
        if ok:
            return valid(name, comment, flags or [], **data)
        return invalid(
            name,
            comment,
            flags or ["ModifiedSignature"],
            error("BadSignatureError", "SIG-5", field="signature"),
            **data,
        )

    # Windows' own signature from Wine's tests (they run on Windows): abSignatureSHA.
    n, e = parse_rsa1(public.WINE_RSAENH_SIGN_PUBLIC_KEY)
    wine_public = rsa.RSAPublicNumbers(e, n).public_key()
    wine_message = b"Wine rocks!\x00"
    verify.add(
        verify_case(
            "windows-sha1",
            "Wine test_verify_signature abSignatureSHA: made by Windows' CryptSignHash, SHA-1",
            spki(wine_public),
            wine_message,
            "CALG_SHA1",
            public.WINE_RSAENH_SIGNATURE_SHA1,
            flags=["WineTestData", "LegacyHash"],
        )
    )
    verify.add(
        verify_case(
            "windows-sha1-big-endian",
            "the same signature in I2OSP (big-endian) order",
            spki(wine_public),
            wine_message,
            "CALG_SHA1",
            public.WINE_RSAENH_SIGNATURE_SHA1[::-1],
            flags=["WineTestData", "BigEndianSignature"],
            ok=False,
        )
    )

    key = rsa_key("rsa-2048")
    pub = spki(key.public_key())
    value = hash_value("CALG_SHA_256", MESSAGE)
    good = signed("rsa-2048", payload("CALG_SHA_256", value, False))
    no_oid = signed("rsa-2048", value)
    require(
        key.sign(MESSAGE, padding.PKCS1v15(), hashes.SHA256())[::-1] == good,
        "cryptography agrees",
    )
    k = len(good)
    n2 = key.public_key().public_numbers().n
    verify.add(
        verify_case("sha256", "rsa-2048, SHA-256", pub, MESSAGE, "CALG_SHA_256", good)
    )
    verify.add(
        verify_case(
            "sha256-nooid",
            "rsa-2048, SHA-256, CRYPT_NOHASHOID",
            pub,
            MESSAGE,
            "CALG_SHA_256",
            no_oid,
            no_oid=True,
            flags=["NoHashOid"],
        )
    )
    bad: list[tuple[str, str, bytes, dict[str, Any], list[str]]] = [
        (
            "big-endian",
            "the signature in I2OSP order (not reversed)",
            good[::-1],
            {},
            ["BigEndianSignature"],
        ),
        (
            "bit-flipped",
            "the last byte changed",
            good[:-1] + bytes([good[-1] ^ 1]),
            {},
            ["ModifiedSignature"],
        ),
        (
            "other-message",
            "the signature of another message",
            signed(
                "rsa-2048",
                payload(
                    "CALG_SHA_256", hash_value("CALG_SHA_256", MESSAGE + b"."), False
                ),
            ),
            {},
            ["ModifiedSignature"],
        ),
        ("short", "one byte short (k - 1 bytes)", good[:-1], {}, ["WrongLength"]),
        (
            "long",
            "one zero byte more (k + 1 bytes, the same integer)",
            good + b"\x00",
            {},
            ["WrongLength"],
        ),
        ("empty", "no signature", b"", {}, ["WrongLength"]),
        (
            "value-n",
            "the signature integer equals n",
            n2.to_bytes(k, "little"),
            {},
            ["SignatureOutOfRange"],
        ),
        (
            "nooid-expected-oid",
            "a CRYPT_NOHASHOID signature where the DigestInfo is expected (CryptVerifySignature with flags 0 accepts it)",
            no_oid,
            {},
            ["CryptVerifySignatureLenient", "NoHashOid"],
        ),
        (
            "oid-expected-nooid",
            "a signature with DigestInfo verified as CRYPT_NOHASHOID",
            good,
            {"no_oid": True},
            ["NoHashOid"],
        ),
        (
            "other-hash",
            "a SHA-256 signature verified as SHA-512 over the same data",
            good,
            {"alg": "CALG_SHA_512"},
            ["ModifiedSignature"],
        ),
    ]
    s_plus_n = int.from_bytes(good, "little") + n2
    if s_plus_n < 1 << (8 * k):
        bad.append(
            (
                "value-s-plus-n",
                "s + n: the same residue, out of range",
                s_plus_n.to_bytes(k, "little"),
                {},
                ["SignatureOutOfRange"],
            )
        )
    for label, comment, signature, options, flags in bad:
        verify.add(
            verify_case(
                label,
                comment,
                pub,
                MESSAGE,
                options.get("alg", "CALG_SHA_256"),
                signature,
                no_oid=options.get("no_oid", False),
                flags=flags,
                ok=False,
            )
        )

    # DSS: r || s little-endian, each 20 bytes.
    dsa_pub = spki(dsa.private_key().public_key())
    sha1 = hash_value("CALG_SHA1", MESSAGE)
    q = dsa.q
    for i in range(3):
        verify.add(
            verify_case(
                f"dss-{i}",
                "dsa-1024, SHA-1: r || s, each 20 bytes little-endian",
                dsa_pub,
                MESSAGE,
                "CALG_SHA1",
                dss_sign_le("dsa-1024", sha1, f"dss-{i}"),
                flags=["DssSignature"],
            )
        )
    sig = dss_sign_le("dsa-1024", sha1, "dss-0")
    r, s = sig[:20], sig[20:]
    verify.add(
        verify_case(
            "dss-prehashed",
            "dsa-1024, the SHA-1 value given (HP_HASHVAL)",
            dsa_pub,
            sha1,
            "CALG_SHA1",
            sig,
            prehashed=True,
            flags=["DssSignature", "Prehashed"],
        )
    )
    dss_bad = [
        (
            "dss-big-endian",
            "r and s each big-endian (CNG's order)",
            r[::-1] + s[::-1],
            ["DssSignature", "BigEndianSignature"],
        ),
        (
            "dss-reversed",
            "the whole 40 bytes reversed",
            sig[::-1],
            ["DssSignature", "BigEndianSignature"],
        ),
        ("dss-swapped", "s || r", s + r, ["DssSignature", "ModifiedSignature"]),
        ("dss-r-zero", "r = 0", bytes(20) + s, ["DssSignature", "SignatureOutOfRange"]),
        (
            "dss-s-q",
            "s = q",
            r + q.to_bytes(20, "little"),
            ["DssSignature", "SignatureOutOfRange"],
        ),
        ("dss-short", "39 bytes", sig[:39], ["DssSignature", "WrongLength"]),
        (
            "dss-der",
            "the DER SEQUENCE of r and s that cryptography and OpenSSL use",
            encode_dss_signature(
                int.from_bytes(r, "little"), int.from_bytes(s, "little")
            ),
            ["DssSignature", "WrongLength"],
        ),
    ]
    for label, comment, signature, flags in dss_bad:
        verify.add(
            verify_case(
                label,
                comment,
                dsa_pub,
                MESSAGE,
                "CALG_SHA1",
                signature,
                flags=flags,
                ok=False,
            )
        )
    return f
