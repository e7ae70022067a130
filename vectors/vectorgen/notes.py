"""The meaning of every flag (Wycheproof "notes"): bug type, description, rules."""

from __future__ import annotations

from collections.abc import Sequence

from vectorgen.common import Json

PEERS = "shared/reference/PEERS.md §4"


def note(
    bug_type: str,
    description: str,
    spec_refs: Sequence[str] = (),
    links: Sequence[str] = (),
) -> Json:
    out: Json = {"bugType": bug_type, "description": description}
    if spec_refs:
        out["specRefs"] = list(spec_refs)
    if links:
        out["links"] = list(links)
    return out


NOTES: dict[str, Json] = {
    # -- CNG key blobs (SPEC §20) -------------------------------------------------------
    "CngLayout": note(
        "BASIC",
        "A CNG key blob as bcrypt.h lays it out: magic at offset 0, little-endian header ULONGs, big-endian numbers (SPEC §20.1).",
    ),
    "CngTruncated": note(
        "TRUNCATION",
        "The input ends inside the fixed header or a sized field (SPEC §20.2).",
        ["CNG-1", "CNG-2"],
    ),
    "CngTrailing": note("MALFORMED", "Bytes follow a complete CNG blob.", ["CNG-2"]),
    "CngHostileLength": note(
        "MODIFIED_PARAMETER",
        "A size field near 2^32: a decoder must refuse it from the header, without allocating or reading (SPEC §20.2 step 4).",
    ),
    "CngRsaSizes": note(
        "MODIFIED_PARAMETER",
        "A BCRYPT_RSAKEY_BLOB size field out of its range or inconsistent with BitLength.",
        ["CRSA-1", "CRSA-2", "CRSA-3"],
    ),
    "CngLeadingZero": note(
        "MALFORMED",
        "A number whose width is its own size field starts with a zero byte: a second encoding of the same value (SPEC §20.1).",
        ["CRSA-4", "CDSA-2", "CDH-2", "CECC-2"],
    ),
    "CngRsaExponent": note(
        "WEAK_PARAMS", "An even RSA public exponent, or 1.", ["CRSA-5"]
    ),
    "CngRsa2": note(
        "EDGE_CASE",
        "An RSAPRIVATE blob has no d: it is computed mod lambda(n) with the CRT values (SPEC §20.3).",
    ),
    "CngRsaD": note(
        "INTEROP",
        "Microsoft notes that d is reduced mod phi(n) or mod lambda(n) depending on the Windows version; both are accepted (SPEC §20.3).",
    ),
    "CngEccSize": note(
        "MODIFIED_PARAMETER",
        "cbKey does not match the named curve, or is outside 20..66 for a generic magic.",
        ["CECC-1"],
    ),
    "CngEccRange": note(
        "MODIFIED_PARAMETER",
        "An ECC coordinate not below the field prime, or d outside 1..n-1.",
        ["CECC-2"],
    ),
    "CngEccFull": note(
        "EDGE_CASE",
        "BCRYPT_ECCFULLKEY_BLOB: a generic magic followed by dwVersion 1 and explicit curve parameters (SPEC §20.5).",
        ["CECC-3"],
    ),
    "CngGenericCurve": note(
        "INTEROP",
        "The generic ECC magics name no curve; the caller gives it. Readers that assume P-256 misread other curves (SPEC §20.10).",
        ["CKEY-2"],
    ),
    "CngDsaSizes": note(
        "MODIFIED_PARAMETER",
        "A BCRYPT_DSA_KEY_BLOB(_V2) header value out of range.",
        ["CDSA-1"],
    ),
    "CngDhSizes": note(
        "MODIFIED_PARAMETER", "A BCRYPT_DH_KEY_BLOB cbKey out of range.", ["CDH-1"]
    ),
    "CngKeyData": note(
        "MALFORMED",
        "BCRYPT_KEY_DATA_BLOB and BCRYPT_AES_WRAP_KEY_BLOB rules (SPEC §20.8).",
        ["CKD-1", "CKD-2", "CKD-3"],
    ),
    "CngOtherStructure": note(
        "TYPE_CONFUSION",
        "A CNG structure with its magic at offset 4 (NCRYPT_KEY_BLOB_HEADER, parameter headers), refused by name (SPEC §20.9).",
        ["CNG-3"],
    ),
    "CngKeyRelation": note(
        "MODIFIED_PARAMETER",
        "The blob parses but its numbers do not form a key: EC point off the curve or d*G != Q, RSA or DSA/DH relations of SPEC §14.2.",
        ["CKEY-1", "KEY-1", "KEY-2", "KEY-3", "KEY-4"],
    ),
    "CngConversion": note(
        "INTEROP",
        "convert_blob between the CryptoAPI and CNG layouts; what the target cannot hold is refused (SPEC §20.11).",
        ["CKEY-3"],
    ),
    "Rfc3394": note(
        "SOURCE",
        "The test vectors of RFC 3394 §4 (AES key wrap).",
        links=["https://www.rfc-editor.org/rfc/rfc3394"],
    ),
    # -- shapes of valid input --------------------------------------------------------
    "OddBitLength": note(
        "EDGE_CASE",
        "The modulus bit length is not a multiple of 16, so ceil(bitlen/16) and "
        "floor(bitlen/16) differ; SPEC §2.3 rounds up.",
        links=[f"{PEERS} item 5"],
    ),
    "BitLengthNotMultipleOf8": note(
        "EDGE_CASE",
        "bitlen is not a multiple of 8; the modulus field is ceil(bitlen/8) bytes. Only "
        "OpenSSL writes such blobs, Windows rejects them (SPEC §5.4, §17).",
        links=[f"{PEERS} item 5"],
    ),
    "LeadingZeroComponent": note(
        "EDGE_CASE",
        "A number is shorter than its field: it is zero-padded at its most significant end "
        "(the end of the field). Writers that do not pad produce blobs Windows rejects.",
        links=[f"{PEERS} item 14"],
    ),
    "SmallExponent": note("EDGE_CASE", "Public exponent 3."),
    "LargeExponent": note(
        "EDGE_CASE",
        "A public exponent of 2^24 or more: all four bytes of pubexp matter (Mono's reader "
        "kept three).",
        links=[f"{PEERS} item 12"],
    ),
    "SignatureKey": note(
        "EDGE_CASE",
        "aiKeyAlg CALG_RSA_SIGN: a valid RSA key algorithm that some readers reject.",
        links=[f"{PEERS} item 9"],
    ),
    "ModulusShorterThanBitLength": note(
        "EDGE_CASE",
        "The modulus has fewer bits than bitlen declares; decoders must accept it "
        "(SPEC §5.3, RSA-4).",
    ),
    "BitLengthBound": note("EDGE_CASE", "bitlen at the bound of its allowed range."),
    "NonCanonicalBitLength": note(
        "MALFORMED",
        "A bit length other than the one the number's size gives: RSA bitlen must be "
        "8*ceil(bits(n)/8), a DSS or DH p must have a non-zero top byte. Readers that round "
        "bitlen/8 differently read different keys from such a blob, and a wider bitlen is "
        "a second encoding of the same key. Lenient decoding rewrites it.",
        spec_refs=["RSA-5", "DSS-6", "DH-6"],
        links=[f"{PEERS} item 5"],
    ),
    "AmbiguousSeedCounter": note(
        "MALFORMED",
        "A DSSSEED counter with the high bit set other than 0xFFFFFFFF: a seed to readers "
        "that follow Microsoft's page, 'no seed' to .NET's signed read. Lenient decoding "
        "rewrites it to 0xFFFFFFFF.",
        spec_refs=["DSS-7"],
        links=[f"{PEERS} item 16"],
    ),
    "DssSeed": note(
        "EDGE_CASE",
        "A DSSSEED other than the usual 'no seed' (counter 0xFFFFFFFF, seed 0xFF x 20): "
        "decoders keep counter and seed verbatim (SPEC §6.2). The seed is stored reversed "
        "relative to FIPS 186: SHA-1 of the reversed bytes regenerates q.",
        links=[f"{PEERS} item 16"],
    ),
    "CryptographyKeyLimit": note(
        "EDGE_CASE",
        "A key that passes every blob rule and SPEC §14.2 relation but that `cryptography` "
        "(the reference implementation's key library) cannot represent: KEY-5 requires a "
        "converter to `cryptography` key objects to refuse it, so the case is invalid for "
        "such converters. A converter to another key library applies KEY-5 to that "
        "library's limits and may skip the case (SPEC §19).",
        ["KEY-5"],
    ),
    "CheckOrder": note(
        "MALFORMED",
        "The input breaks more than one rule, or breaks a rule and is also truncated: the "
        "decoding steps of SPEC §4.3 and the layout's section (§5.5, §6.5, §7.3, §8.2, §9.2, "
        "§10.1, §12.4) decide which error is reported, at which field and offset.",
    ),
    "LibraryLimit": note(
        "EDGE_CASE",
        "A key the reference implementation's key library (cryptography) cannot represent; "
        "KEY-5 requires refusing it. Libraries that can represent it may convert it, so the "
        "result is acceptable either way.",
        ["KEY-5"],
    ),
    # -- provenance -------------------------------------------------------------------
    "WineTestData": note(
        "SOURCE",
        "Bytes published in Wine's rsaenh or dssenh tests, which also run on Windows: "
        "Windows accepts these blobs or produced these outputs.",
        links=[
            "https://gitlab.winehq.org/wine/wine/-/blob/7c45914666871722e66394502160c296a3ebd5a3/dlls/rsaenh/tests/rsaenh.c",
            "https://gitlab.winehq.org/wine/wine/-/blob/e792a609741b271d0edc21bde69988b1234bb00a/dlls/dssenh/tests/dssenh.c",
        ],
    ),
    "MicrosoftDocs": note(
        "SOURCE",
        "Data published in Microsoft's documentation.",
        links=[
            "https://learn.microsoft.com/en-us/windows/win32/seccrypto/example-c-program--importing-a-plaintext-key",
            "https://learn.microsoft.com/en-us/windows/win32/api/wincrypt/nf-wincrypt-cryptderivekey",
        ],
    ),
    "Rfc3217": note(
        "SOURCE",
        "The worked examples of RFC 3217 §3.3 and §4.3.",
        links=["https://www.rfc-editor.org/rfc/rfc3217"],
    ),
    # -- session keys -------------------------------------------------------------------
    "Oaep": note(
        "EDGE_CASE",
        "Wrapped with RSAES-OAEP as CRYPT_OAEP: SHA-1, MGF1-SHA-1, empty label (SPEC §15.2).",
    ),
    "Ssl2Marker": note(
        "EDGE_CASE",
        "PKCS#1 v1.5 padding whose PS ends in eight 0x03 bytes (SSLv2 rollback detection). "
        "SPEC §15.2 requires only 8 non-zero PS bytes, so it is valid here.",
        links=[f"{PEERS} item 20"],
    ),
    "DesParity": note(
        "EDGE_CASE",
        "A DES key without odd parity: CryptoAPI neither checks nor sets parity, so the key "
        "bytes are kept verbatim (SPEC §9).",
        links=[f"{PEERS} item 19"],
    ),
    "KeyTooLong": note(
        "MODIFIED_PARAMETER", "The session key does not fit the RSA padding.", ["SES-1"]
    ),
    "UnwrapFailure": note(
        "CONFIDENTIALITY",
        "Unwrapping fails. Every cause (padding, length, key length for the algorithm, "
        "checksum, parity, wrong key) gives the same DecryptionError, so that the outcome is "
        "no padding oracle.",
        ["SES-2", "KWR-4"],
        [f"{PEERS} items 20, 21"],
    ),
    "BadWrapParameter": note(
        "MODIFIED_PARAMETER",
        "A key-wrap argument outside RFC 3217's limits (key-encryption key, key to wrap, IV, "
        "padding).",
        ["KWR-1", "KWR-2", "KWR-3", "KWR-5"],
    ),
    "BadLength": note(
        "MALFORMED",
        "A length field or a variable-size body outside its allowed values.",
        [
            "SMP-3",
            "PTK-2",
            "PTK-3",
            "SWK-3",
            "PVK-4",
            "PVK-5",
            "ENV-7",
            "ENV-10",
            "ENV-15",
        ],
        [f"{PEERS} items 1, 2, 19"],
    ),
    # -- malformed input --------------------------------------------------------------
    "WrongVersion": note(
        "MALFORMED",
        "bVersion is not the one the kind requires.",
        ["HDR-2"],
        [f"{PEERS} item 10"],
    ),
    "ReservedNonZero": note(
        "MALFORMED",
        "A reserved field is not zero.",
        ["HDR-3", "PVK-1"],
        [f"{PEERS} item 10"],
    ),
    "WrongAlgorithm": note(
        "MALFORMED",
        "An ALG_ID the kind does not allow (including AT_KEYEXCHANGE/AT_SIGNATURE aliases).",
        ["HDR-4", "SMP-1", "SMP-2", "PTK-1", "SWK-1", "SWK-2", "KEY-7"],
        [f"{PEERS} items 8, 9"],
    ),
    "TypeConfusion": note(
        "TYPE_CONFUSION",
        "A magic or blob type that belongs to another kind.",
        ["HDR-5", "PVK-7", "ENV-11"],
        [f"{PEERS} item 8"],
    ),
    "Truncated": note(
        "TRUNCATION",
        "The input ends inside a field; decoders must compare sizes before reading.",
        ["HDR-6", "RSA-2", "DSS-2", "DSS-4", "DH-2", "DH-4", "PVK-6", "ENV-1"],
        [f"{PEERS} item 6"],
    ),
    "TrailingData": note(
        "MALFORMED",
        "Bytes follow a complete structure. Strict decoding rejects them; lenient decoding "
        "(SPEC §13) tolerates and records them.",
        ["RSA-2", "DSS-2", "DSS-4", "DH-2", "DH-4", "PVK-6", "ENV-1"],
        [f"{PEERS} item 7"],
    ),
    "BadBitLength": note(
        "MALFORMED",
        "A bit length outside its range, including values whose byte length overflows "
        "32-bit arithmetic or would make a decoder allocate gigabytes.",
        ["RSA-1", "DSS-1", "DSS-3", "DH-1", "DH-3"],
        [f"{PEERS} items 3, 4, 5, 17"],
    ),
    "BadExponent": note(
        "MALFORMED", "pubexp is even, 0 or 1.", ["RSA-3"], [f"{PEERS} item 12"]
    ),
    "ValueTooLarge": note(
        "MALFORMED",
        "A number is not less than 2 to the power of its declared bit length.",
        ["RSA-4", "DSS-5", "DH-5"],
    ),
    "FloorHalves": note(
        "INTEROP",
        "The size a reader that rounds bitlen/16 down expects (Mono, malduck, impacket, "
        "wincrypto); SPEC §2.3 rounds up, as OpenSSL, .NET and Wine do.",
        ["RSA-2"],
        [f"{PEERS} item 5"],
    ),
    "ShortPrivateExponent": note(
        "LEGACY",
        "An RSA private blob whose private exponent is cut short. CryptImportKey accepts it; "
        "lenient decoding recomputes d and records it (SPEC §13).",
        ["RSA-2"],
    ),
    "MagicByteOrder": note(
        "MALFORMED",
        "A Diffie-Hellman magic written in the wrong byte order: \\0DH1 is 00 44 48 31 "
        "(value 0x31484400); 44 48 31 00 is no known magic.",
        ["HDR-1"],
        [f"{PEERS} item 18"],
    ),
    "UnknownType": note(
        "MALFORMED",
        "A blob type or magic outside SPEC §3: unsupported (vendor types, CNG), not malformed.",
        ["HDR-1"],
        [f"{PEERS} item 10"],
    ),
    "NotABlob": note(
        "TYPE_CONFUSION",
        "PEM, DER or a CNG blob given to the CryptoAPI decoder; the error SHOULD say what the "
        "input looks like (SPEC §4.4). The hint key names the word the hint contains.",
        ["HDR-1", "HDR-6"],
        [f"{PEERS} item 11"],
    ),
    "OpaqueBody": note(
        "EDGE_CASE",
        "An opaque kind (SPEC §11): bVersion, aiKeyAlg and the body are kept as found.",
    ),
    # -- CryptDeriveKey and ciphers -------------------------------------------------------
    "NotRunOnWindows": note(
        "SOURCE",
        "A row of Wine's test_key_derivation table that the test skips on Windows "
        '("old_broken": RC2/RC4 at default length, everything from SHA-256); the expected '
        "bytes are the table's, reproduced by SPEC §15.4 but not confirmed on Windows.",
    ),
    "DssProvider": note(
        "SOURCE",
        "Windows' answer from the Enhanced DSS provider (Wine dssenh tests), reproduced with the "
        "key lengths and rules of the RSA Enhanced provider (SPEC §15.1, §15.4).",
    ),
    "NotASessionKey": note(
        "MODIFIED_PARAMETER",
        "An algorithm that is no session-key algorithm of SPEC §15.1 (RC5, RSA, the generic "
        "CALG_AES; master secrets cannot be derived).",
        ["SYM-1"],
    ),
    "BadKeyLength": note(
        "MODIFIED_PARAMETER",
        "A key length the algorithm or provider does not allow.",
        ["SYM-2"],
    ),
    "BadSalt": note(
        "MODIFIED_PARAMETER",
        "Salt or an effective key length where SPEC §15.1 does not allow it.",
        ["SYM-3", "SYM-4", "SYM-5"],
    ),
    "BadDeriveParameter": note(
        "MODIFIED_PARAMETER",
        "A CryptDeriveKey argument SPEC §15.4 refuses (hash algorithm, hash length, SHA-2 "
        "outside the AES provider, created salt longer than the hash) or an unknown provider.",
        ["DRV-1", "DRV-2", "DRV-3", "DRV-4", "SYM-6", "SYM-7"],
    ),
    "BadCipherCall": note(
        "MODIFIED_PARAMETER",
        "A CryptEncrypt/CryptDecrypt call SPEC §15.5 refuses: a wrap-only key, an unknown mode, "
        "a wrong IV length, partial blocks, an empty final decrypt.",
        ["CIP-1", "CIP-2", "CIP-3", "CIP-4", "CIP-5"],
    ),
    "BadPadding": note(
        "MALFORMED",
        "The last block of a final CryptDecrypt does not end in valid PKCS#5 padding "
        "(wincrypto strips padding without checking it).",
        ["CIP-6"],
        [f"{PEERS} item 21"],
    ),
    "Rc4": note(
        "BASIC", "RC4: the key schedule runs over key || salt; no padding, mode or IV."
    ),
    # -- PVK ----------------------------------------------------------------------------
    "EncryptedPvk": note(
        "BASIC",
        "An RC4-encrypted PVK file (SPEC §12.3). The salt is in the file; re-encrypting the "
        "decrypted blob with it and the password must give the same bytes (PEERS §4 item 23: "
        "OpenSSL once encrypted with the decryption routine).",
        links=[f"{PEERS} items 22, 23"],
    ),
    "WrongPassword": note(
        "MODIFIED_PARAMETER",
        "The password is missing or does not decrypt the file; a corrupted magic looks the same.",
        ["PVK-9"],
        [f"{PEERS} item 22"],
    ),
    "CorruptPvk": note(
        "MODIFIED_PARAMETER",
        "The password is right but the decrypted blob is not: its own error is reported, "
        "located in the file (SPEC §12.3, PVK-9).",
        ["PVK-9", "KEY-2"],
    ),
    "KeyTypeMismatch": note(
        "TYPE_CONFUSION",
        "keytype disagrees with the key blob's aiKeyAlg, or the blob is of a kind a PVK file "
        "cannot hold.",
        ["PVK-8"],
        [f"{PEERS} item 22"],
    ),
    # -- key conversion ---------------------------------------------------------------
    "MissingGroup": note(
        "MODIFIED_PARAMETER",
        "A version-2 DH public blob holds only y: it converts only with the caller's group, "
        "whose p must have bitlen bits.",
        ["KEY-6"],
        [f"{PEERS} item 18"],
    ),
    "InconsistentKey": note(
        "MODIFIED_PARAMETER",
        "Structurally valid numbers that do not form a key; conversion must check every "
        "relation (malduck builds such keys with checks off).",
        ["KEY-1", "KEY-2", "KEY-3", "KEY-4"],
        [f"{PEERS} item 13"],
    ),
    "CompositePrime": note(
        "MODIFIED_PARAMETER",
        "A 'prime' that is composite while every other relation holds; only a primality "
        "test finds it. SPEC §14.2 says SHOULD, so the result is acceptable either way; "
        "the error is what the reference implementation reports.",
        ["KEY-2"],
        [f"{PEERS} item 13"],
    ),
    "UnrepresentableKey": note(
        "EDGE_CASE",
        "A key the blob layout cannot hold; an encoder must refuse it, never approximate.",
        ["KEY-8"],
        [f"{PEERS} item 14"],
    ),
    # -- the envelope -------------------------------------------------------------------
    "EnvelopeMalformed": note(
        "MALFORMED",
        "A structural rule of the envelope (SPEC §16.2) is broken; found before any key is used.",
        [
            "ENV-1",
            "ENV-2",
            "ENV-3",
            "ENV-4",
            "ENV-5",
            "ENV-6",
            "ENV-7",
            "ENV-8",
            "ENV-9",
            "ENV-10",
            "ENV-11",
            "ENV-12",
            "ENV-13",
            "ENV-14",
            "ENV-15",
        ],
    ),
    "BadLabel": note(
        "MALFORMED",
        "The label is not well-formed UTF-8, holds a control character (category Cc, C1 "
        "included) or is longer than 255 bytes.",
        ["ENV-6"],
    ),
    "RecipientPolicy": note(
        "MALFORMED",
        "The entries break the recipient rules: one owner, first; distinct keys; backups by "
        "key id; one session-key algorithm; a recipient for the opening key.",
        ["ENV-12", "ENV-13", "ENV-14", "ENV-21", "ENV-23"],
    ),
    "WeakKey": note(
        "WEAK_PARAMS",
        "A key below the suite-1 policy: signer 2048..16384 bits with exponent 65537, "
        "recipients 2048..16384 bits.",
        ["ENV-10", "ENV-17", "ENV-23"],
    ),
    "FactorableKey": note(
        "WEAK_PARAMS",
        "A trusted signer key whose modulus anyone can factor (prime, even, or with a prime "
        "factor below 2^16) fails the suite-1 key policy.",
        ["ENV-17", "KEY-12"],
    ),
    "SignatureFailure": note(
        "AUTH_BYPASS",
        "The signer is unknown, or the signature does not verify over the TBS bytes with the "
        "caller's context.",
        ["ENV-16", "ENV-18", "ENV-19"],
    ),
    "Substitution": note(
        "AUTH_BYPASS",
        "Microsoft's substitution attack: anyone can wrap a session key to the owner's public "
        "key; without a trusted signature the envelope must be refused.",
        ["ENV-16"],
    ),
    "SignatureLeadingZero": note(
        "EDGE_CASE",
        "An RSA signature whose big-endian form starts with a zero byte: it is still stored as "
        "k bytes, so its little-endian form ends with zero (open-eid's resize bug).",
        links=[f"{PEERS} item 26"],
    ),
    "StaleGeneration": note(
        "AUTH_BYPASS",
        "A rolled-back envelope: its generation is below the caller's minimum.",
        ["ENV-20"],
    ),
    "UnwrapBeforeVerify": note(
        "AUTH_BYPASS",
        "Opening must verify first: no entry of an envelope that fails verification is ever "
        "unwrapped (ENV-22). The error is the verification's.",
        ["ENV-22", "ENV-16", "ENV-19"],
    ),
    # -- signatures (SPEC §15.9) and PFX files (§14.8) --------------------------------------
    "WineCryptSignHash": note(
        "INTEROP",
        "The signature equals, byte for byte, what CryptSignHash returned under Wine 8.0's "
        "rsaenh for the same key blob, hash and flags (vectorgen/wine_signatures.py).",
        ["SIG-5"],
    ),
    "NoHashOid": note(
        "EDGE_CASE",
        "CRYPT_NOHASHOID: the encoded message holds the bare hash value, without the DigestInfo.",
    ),
    "LegacyHash": note(
        "LEGACY",
        "MD2, MD4, MD5 or SHA-1: collisions make such signatures forgeable; for existing data only.",
    ),
    "Ssl3ShaMd5": note(
        "EDGE_CASE",
        "CALG_SSL3_SHAMD5: the 36-byte MD5 || SHA-1 value, never with a DigestInfo; Windows takes "
        "it only through HP_HASHVAL.",
    ),
    "KeyTooSmall": note(
        "EDGE_CASE",
        "The modulus cannot hold the payload and 11 bytes of PKCS#1 v1.5 padding (SIG-3). Wine's "
        "rsaenh crashes or signs a truncated hash here.",
        ["SIG-3"],
    ),
    "Prehashed": note(
        "EDGE_CASE",
        "The hash value is given directly (HP_HASHVAL), not the data (SIG-2).",
    ),
    "UnsupportedHash": note(
        "MODIFIED_PARAMETER",
        "An ALG_ID that is not a signature hash (SIG-1).",
        ["SIG-1"],
    ),
    "DssSignature": note(
        "LEGACY",
        "DSS with SHA-1: r || s, each a 20-byte little-endian integer; the key's q has 160 bits "
        "(SIG-4). DSA signatures are randomised, so these are verification cases.",
        ["SIG-4"],
    ),
    "BigEndianSignature": note(
        "INTEROP",
        "The signature in big-endian (I2OSP, CNG, OpenSSL) order: CryptoAPI's is little-endian, "
        "so it must not verify (the bug of open-eid/chrome-token-signing#40, the other way round).",
        ["SIG-5"],
        ["https://github.com/open-eid/chrome-token-signing/issues/40"],
    ),
    "ModifiedSignature": note(
        "MODIFIED_PARAMETER",
        "A signature changed, or checked against other data or another hash.",
        ["SIG-5"],
    ),
    "WrongLength": note(
        "MALFORMED",
        "The signature is not exactly k bytes (RSA) or 40 bytes (DSS).",
        ["SIG-5"],
    ),
    "SignatureOutOfRange": note(
        "MALFORMED",
        "The RSA signature integer is not below n, or r or s not in 1..q-1.",
        ["SIG-5"],
    ),
    "CryptVerifySignatureLenient": note(
        "INTEROP",
        "CryptVerifySignature with flags 0 accepts a signature without the DigestInfo where one "
        "is expected; SPEC SIG-5 does not (SPEC §15.9, §16.10).",
        ["SIG-5"],
    ),
    "PfxRoundTrip": note(
        "BASIC", "A PFX written from a PVK file and certificates, read back."
    ),
    "OpenSslPfx": note(
        "INTEROP",
        "A PFX written by `openssl pkcs12 -export` (OpenSSL 3.0), stored as made.",
    ),
    "LegacyPfx": note(
        "LEGACY",
        "PBES1 encryption with SHA-1 (3DES, or RC2-40 for certificates as `openssl pkcs12 "
        "-legacy` writes), read by Windows 7-era tools.",
    ),
    "PfxWrongPassword": note(
        "CONFIDENTIALITY",
        "The PFX does not decrypt or its MAC fails: one PasswordError, whatever the cause (PFX-2).",
        ["PFX-2"],
    ),
    "KeyMismatch": note(
        "MODIFIED_PARAMETER",
        "No certificate carries the private key's public key (PFX-1).",
        ["PFX-1"],
    ),
    "NotAPvkKey": note(
        "TYPE_CONFUSION",
        "The PFX holds no private key, or one a PVK file cannot hold (PFX-3).",
        ["PFX-3"],
    ),
    "NotACertificate": note(
        "TYPE_CONFUSION",
        "A certificate source that holds no X.509 certificate (PFX-4).",
        ["PFX-4"],
    ),
    "WeakPfxParameters": note(
        "WEAK_PARAMS",
        "An empty PFX password or an unknown encryption (PFX-5).",
        ["PFX-5"],
    ),
    "SpcBundle": note(
        "BASIC", "A PKCS #7 certificates-only bundle (.spc, as cert2spc writes it)."
    ),
    # -- differences from other implementations -----------------------------------------
    "OpenSslAccepts": note(
        "INTEROP",
        "OpenSSL 3 (`openssl rsa|dsa -inform MSBLOB|PVK`) accepts this input, which SPEC.md "
        "rejects. The difference is listed in vectors/openssl-differences.json and SPEC §17.",
    ),
    "OpenSslRejects": note(
        "INTEROP",
        "OpenSSL 3 rejects this valid input (it reads version-2 DSS blobs only). Listed in "
        "vectors/openssl-differences.json and SPEC §17.",
    ),
    "OpenSslImports": note(
        "INTEROP",
        "OpenSSL 3's MSBLOB reader (`openssl rsa|dsa -inform MSBLOB`, `b2i_*`) imports this "
        "key without checking the relation SPEC §14.2 requires; `openssl pkey -check` "
        "rejects it. Listed in vectors/openssl-differences.json and SPEC §17 (key relations "
        "on conversion).",
    ),
    "WindowsAccepts": note(
        "INTEROP",
        "Windows (CryptImportKey, as run by Wine's tests) accepts this input, which SPEC.md "
        "rejects in strict mode (SPEC §17).",
    ),
}
