"""Published test data, with where it comes from (copied as data, with attribution).

Wine's tests run on real Windows as well as on Wine (assertions without
``todo_wine`` are Windows behaviour), so the blobs below are ones Windows
imports, and the expected outputs are ones Windows produced.
"""

from __future__ import annotations

from vectorgen.common import Json

WINE_RSAENH_COMMIT = "7c45914666871722e66394502160c296a3ebd5a3"
WINE_DSSENH_COMMIT = "e792a609741b271d0edc21bde69988b1234bb00a"

SOURCES: dict[str, Json] = {
    "MicrosoftPlaintextKeyExample": {
        "title": "Example C Program: Importing a Plaintext Key",
        "url": "https://learn.microsoft.com/en-us/windows/win32/seccrypto/example-c-program--importing-a-plaintext-key",
    },
    "MicrosoftKeyDerivationSample": {
        "title": "Key Derivation Sample (Platform SDK, CSP guide): MD5 of the password, RC4, Base provider",
        "url": "https://learn.microsoft.com/en-us/windows/win32/api/wincrypt/nf-wincrypt-cryptderivekey",
    },
    "WineRsaenhTests": {
        "title": f"Wine dlls/rsaenh/tests/rsaenh.c at {WINE_RSAENH_COMMIT} (run on Windows)",
        "url": f"https://gitlab.winehq.org/wine/wine/-/blob/{WINE_RSAENH_COMMIT}/dlls/rsaenh/tests/rsaenh.c",
    },
    "WineDssenhTests": {
        "title": f"Wine dlls/dssenh/tests/dssenh.c at {WINE_DSSENH_COMMIT} (run on Windows)",
        "url": f"https://gitlab.winehq.org/wine/wine/-/blob/{WINE_DSSENH_COMMIT}/dlls/dssenh/tests/dssenh.c",
    },
    "Rfc3217": {
        "title": "RFC 3217, Triple-DES and RC2 Key Wrapping, §3.3 and §4.3 examples",
        "url": "https://www.rfc-editor.org/rfc/rfc3217",
    },
}

# -- Microsoft ----------------------------------------------------------------------

# "Example C Program: Importing a Plaintext Key": a DES key with parity bits.
MS_PLAINTEXT_DES_BLOB = bytes.fromhex("080200000166000008000000f10e257c6bce0d34")

# "Key Derivation Sample": the 2000 SDK text names the password "124-kelp",
# but its hash (7340e6e2...b52a) is MD5 of "1134-kelp", the older spelling.
MS_KDS_PASSWORD = b"1134-kelp"
MS_KDS_MD5 = bytes.fromhex("7340e6e274b8ea399395aa29d638b52a")
MS_KDS_PLAINTEXT = bytes(range(32))
MS_KDS_CIPHERTEXT = bytes.fromhex(
    "2659de2444fa369c110cbb9db6a2bd24042ee3ba7276f3278dd5b42f56cff8c9"
)
MS_KDS_CIPHERTEXT_SALTED = bytes.fromhex(
    "47f45de2cc3b871b95bcfc39fb86d305daa291fb80f12a22c3b9ec91dd9faf50"
)

# -- RFC 3217 -----------------------------------------------------------------------

RFC3217_3DES = {
    "kek": "255e0d1c07b646dfb3134cc843ba8aa71f025b7c0838251f",
    "cek": "2923bf85e06dd6ae529149f1f1bae9eab3a7da3d860d3e98",
    "iv": "5dd4cbfc96f5453b",
    "wrapped": "690107618ef092b3b48ca1796b234ae9fa33ebb4159604037db5d6a84eb3aac2768c632775a467d4",
}
RFC3217_RC2 = {
    "kek": "fd04fd08060707fb0003fefffd02fe05",
    "effectiveBits": 40,
    "cek": "b70a25fbc9d86a86050ce0d711ead4d9",
    "iv": "c7d90059b29e97f7",
    "pad": "4845cce7fd1250",
    "wrapped": "70e699fb5701f7833330fb71e87c85a420bdc99af05d22af5a0e48d35f3138986cbaafb4b28d4f35",
}

# -- Wine rsaenh.c (test_import_private, test_verify_signature, test_import_export) --
# abPlainPrivateKey: a 1024-bit CALG_RSA_KEYX PRIVATEKEYBLOB; Windows imports
# it, and every truncation of it down to 20 + bitlen/2 = 532 bytes.
# abSessionKey: a SIMPLEBLOB (CALG_RC4) wrapped to it; the array is declared
# with 148 bytes but initialised with 140, so the test passes 8 trailing zero
# bytes, which Windows accepts. abEncryptedMessage decrypts to "Wine rocks!\0".
# abPubKey: a CALG_RSA_SIGN PUBLICKEYBLOB Windows imports and exports back
# byte for byte; abSignatureSHA (with hash OID) verifies "Wine rocks!\0".
# priv_key_with_high_bit: a CALG_RSA_SIGN PRIVATEKEYBLOB Windows imports and
# exports back byte for byte; its coefficient has a zero top byte.
WINE_RSAENH_PLAIN_PRIVATE_KEY = bytes.fromhex(
    "0702000000a400005253413200040000010001009b64efce317cad56e21e9b96"
    "b3f029886ea8c21133d6cc8c69b21afdfc2321304d2945b63a6711801a91f29f"
    "01acc011505fcdb9ad769f6e915571da9796962275b48344899ef844407cd6cd"
    "9d88d688bc56b764e92c242f0d78551cb267b15ebc0ccf1ce9d39ea2152473d6"
    "db6f83b2f8bce7473b01ef490898d6a3f92557e9393c53301bf2c96231435d84"
    "2430219aaddb6291c807d92fd6b5376ffe7a12bcd9d22bbfd7b1fa7dc048dd74"
    "dd5504a18bc10ac4a55762ee088bf9196c5206f8730f24c9719fc545173eae06"
    "81a2964006bfeb9e802b27208f38cfebff3b3841356966131d3c013bf637ca9c"
    "617498cfc96ee890c7b733c0073cf8c8f6f2d7f02162588a55bfa12d3da669c5"
    "021931f0940f455c951b53bcf5b01a8fbf40e0c773e7726eebb10f38c5f8ee04"
    "ed341a10f95334f33ee65cd14765cdbdf106cbb4b126399f71fe3df862ab228b"
    "0edcb9e87406fc8c25a1a9cf07f9ac21017b1cdc94bd47e1a08659356a6fb970"
    "267c3cfdbd81393642c2bdbe84279a6981da9927c24f6233f47930c5635471f1"
    "4722259b6c002f1cf41f85bcf6676ae3f6558aefd00bd3a2c55170150af0984c"
    "b719620e2d2a4a7d7a0ac417e35d2052a998c3aa11f6bf4c94998189f07f66aa"
    "c888d7318471b66409760b7f1a1f2efecd592a541184d46a61dfaa76669d8211"
    "563dd252e6425a77929834f3566c9610405916cb7761e3bf4bd439fbb14ec174"
    "ec7aea3d68bb0be6c606bfdd7f9442c00fe492336c6e1bba73f97984df4500e4"
    "94889d0889cff2a4c547458586a5cca8f25d5807"
)
WINE_RSAENH_SESSION_KEY = bytes.fromhex(
    "010200000168000000a40000b8a4df5e9eb1bf853d242d1e69b767138e78f2df"
    "c669ce467ef2f233206fa1a5598325cb3ab18a1263023cfb4afaef8ef72957b1"
    "9ea7f302fdcadf5a1f71b626092439dac0de2a0ecd1fe5b64f82a0a990d3d96a"
    "43142af7acd5a05493c4b9e724844d695ecc2a32b5fbe4b408d536585940fb29"
    "7fa71725c40d7837048c4992"
)
WINE_RSAENH_ENCRYPTED_MESSAGE = bytes.fromhex("406428e88ae7a4d41cfdde71")
WINE_RSAENH_SIGN_PUBLIC_KEY = bytes.fromhex(
    "060200000024000052534131000400000100010071649f19891c21cc36a3c927"
    "088a09c6beebd3f819a99257e4b95dda8893e46b3877148a96c0b64e42f501dc"
    "f0eb3cc77bc4fd7cde93340a92e5979c3e65b8912fe3f389cd6c26a46cc76d0b"
    "2ca20b29e2fc30fa20db4cb891b869639641c2b460ebcdff3a1f94b123cf0f49"
    "add5338571af128784efa0eae1c1d4c7e12150ac"
)
WINE_RSAENH_SIGNATURE_SHA1 = bytes.fromhex(
    "5a4c66c93067cb913c4dd58dea4e85cdd9683af3243c99242532933dd62f8694"
    "2309ee02d415dc5f0e4445135f185d1ad70bd123d635985257457492e350b420"
    "282a11bf49b42cc5d41a274edfa0b57ac814dd9bb6cad6ffb26bd8986780ab53"
    "52bbe12ace792f005326d8a743ca720e6897377187c26a98bb6ca001ff049da6"
)
WINE_RSAENH_PRIV_KEY_WITH_HIGH_BIT = bytes.fromhex(
    "0702000000240000525341320004000001000100d5a20d66fe65b5f1c96bf558"
    "04382df4a35ada9e9581853d0107b2037770796e6c2642a412fdaa298304ce91"
    "90395e4956fd0ae5b1ea3bb270b020c11f22073e4dc073fd928f87d8d1d128d8"
    "19d19383e0b89f53f46a7ccb1053d03702b4a5f7a2286e26ef5c1401401ea3e1"
    "da76d01284b7487dc8675cb2d52eaf8e7d32599201d65b68289bb16c69eb615b"
    "4b13e2bd7dbecee84154caa8ddc7fe8bdff6556c5011c8151342599fbbea7378"
    "7b228d9662e5daa2855c20749f1c12f248061ac6d594ec316bb67b546177ec7c"
    "6fb7553d6b9805d78a7325f28fe4b88d27180d05ba23543710f01c41a6ae4c2a"
    "6a2f7f684386e79cfd9ef1fe84e3b69951fe1ebd01c610ef88a4d853148815c9"
    "e586e28d852e0dec15a748fa18fb018d2b90707f78b1337efe82405f4a97c242"
    "22d55fbcbdab2698cdb5df7ea068a7129ea5a29085c5ca734a598aeccfdd655d"
    "c1aa8653d5debb2324b89b740320b4f0e4ddd203fd675519281dc1b8a5890ec0"
    "809dddda9d305cc8bbfe8fced5f6dffa14afe4bab08445d867a7d0ce892a308c"
    "fae965a4212d6ba29b8f92bd3a107112c2023dd5831dfa42b7481b31e382902d"
    "9159f93852e5dbc14d3ae69b6abbeaa48d5ec40001b8ec91c1db63bd57b62615"
    "b63ea2df628da8bee1f139bd18d26fd7dadc7130f12171a4084346df50bd3c60"
    "5b6335e3375b2517545e6860b649ef6e09efda903ed4093336579a14bdf7b198"
    "3042038461eb8e50dc6a931b3251f9c6c219b35de2f8c58f68aa1ddbd37f8d98"
    "9c168cc3cdd9db08e63660b636dc1d59b65f015e"
)

# -- Wine dssenh.c (test_signhash_array, test_data_encryption, test_cipher_modes) --
# Two DSS2 (version-2 private) blobs with a FIPS 186 seed, imported by the
# Base, DH, Enhanced and Schannel DSS providers on Windows.
WINE_DSSENH_AT_SIGNATURE_PRIVATE_KEY = bytes.fromhex(
    "0702000000220000445353320004000001d1fc7a7053b2487023191f3ce12614"
    "7e9f0f7f335e2bf7ca01748cb4fdf644953556aa4d6248e2d1a27e6eebd6cc7c"
    "e8fd219aa2fd7a9d1a386987395a91c0522b9f2a547837829a7057abec938eac"
    "7304e853727232c6cbef47983c564962cbbbe73484a6723abe264686cacb3562"
    "4f19180bb078aed542df26db85637785013b32be5cf805c8de177fb90382faf1"
    "9e3273fa8deaa33048e2df5acb833dff56e9c094f86db3af4a97b9430ed42898"
    "572e3acade6f450dfb58ec78342e464dfe9802bbef071a13b6c22c06d90cc4b0"
    "4c3afc0163b55a5d2d9c47046751f252f58236eb6e66584c102c29724a6f6b6c"
    "e0933142f6dafa5b22439b1a9871e74174e912a41f270a639449d7ada5c45cc3"
    "c970b37b16b61dd409c49a462d0e7507317bed45cd998414f101000093d5a3e4"
    "3405eb983b5f2f11a4a5c4fffb227c54"
)
WINE_DSSENH_DSS_SIGN_PRIVATE_KEY = bytes.fromhex(
    "07020000002200004453533200040000f79e89a2cd0b61e0a3e5866b0498809c"
    "36c2764e22d521aa0359f495b2111fa0c5fcbe5d1f2ef43640488151b42586e0"
    "98c84da00899a100451b756b0d3e7d13d7233208f4eb279ee9055dacc8d76213"
    "432a6965dce652f96ae807cf3ef8c91d8edf4e9ad148f2da9efa925f6d57f2a4"
    "5f60ce927a8039219d4d3a60764c2fc0d3f414030305a90c57724f603ce90954"
    "0c2a56da30b62e6a967f4a8f830ab95cff84fa0e858146e91cbb781d7825008c"
    "785668e40637ccc72227ee0ef8cafc720ed6e690306622e2a2bf2e35bce7d624"
    "6a3d06e8e2be96cc9a0806b54483b07b707b2dc3469ac56bd9de9a24c9eaf528"
    "698a17cadfc40ea3082299d227dc9b08544af9b1743a9dd9c28221f597049037"
    "dad9dc19ad83cd35b04e0668d1697e7393bea505b3ccd2513c00000016e1ac17"
    "dc68ae03adf7b9ca0dca27ef76dae5cb"
)

# test_data_encryption: CryptDeriveKey from MD5("I love working with Wine\0")
# in the Enhanced DSS provider, then one final CryptEncrypt of each plaintext
# (its terminating zero byte included).
DSSENH_KEY_PASSWORD = b"I love working with Wine\x00"
DSSENH_PLAINTEXTS = (
    b"Great performance with Wine.\x00",
    b"Wine implements Windows API\x00",
    b"\x00",
)
DSSENH_KEYS = (
    ("3DES", "CALG_3DES", 168),
    ("3DES112", "CALG_3DES_112", 112),
    ("DES", "CALG_DES", 56),
    ("RC2", "CALG_RC2", 40),
    ("RC4", "CALG_RC4", 40),
)
DSSENH_ENCRYPTED = {
    "3DES_1": "6c60194127c116696f960c2ea45ff56aed4becd4920ce234e14ab5e20543fe17",
    "3DES_2": "17eb80deac4d9ed0a9ae74b5861aeab496275d754fdd8760fcafa1828309f1ca",
    "3DES_3": "af36c03d7864c44a",
    "3DES112_1": "b3f84b08d623cbca4326d99f6b9909e98c4c7def49da0b44cc8d066bedb7f167",
    "3DES112_2": "dccf93117ae4cd3f11d8e01ee08d9cba975d744d83035cf201afed7a878f888b",
    "3DES112_3": "04b39c5948c72fd1",
    "DES_1": "3ddc54af66724eef9d3502c21af41f01b1af13d9be7bd4f3f59d2ad83290e90b",
    "DES_2": "a805d7e961f46cce952b5208250330acd7e7d307b268637be3ab261e5cec424f",
    "DES_3": "3502bb7c435bf559",
    "RC2_1": "9ecba227c2ec10e094b3c39d7de212e4b0ded946ca1fa6faa4790859a6006216",
    "RC2_2": "2906fda1e08889b04d7f969d2c44a1d2bec6af10b886681b1d9f3cc41202bc73",
    "RC2_3": "264073fe13bb32a8",
    "RC4_1": "5a48eb16962316b7bb36e8438874b19d96f0840f5a56f962aeb54ace52",
    "RC4_2": "4a53e012c26a0ba2a535ea548b61acdea4b99d024149aa15868b66e0",
    "RC4_3": "1d",
}
DSSENH_MODES = {
    "cbc": "8f7b56ebad4d76c2d51df0609dde96e8b77beb4bee3fae0520f5e075a01df939",
    "ecb": "8f7b56ebad4d76c28be04ee4984fb83bf3eb6f0a5791ddc7345d4ca37e97bfee",
    "cfb": "511577ab621f7dcb351ed8d32a00f0947ca528dab8811599d1d5061dd3467eca",
}
# test_cipher_modes: a 40-bit RC2 key from MD5("GSOC is awesome!\0").
DSSENH_MODES_PASSWORD = b"GSOC is awesome!\x00"
DSSENH_MODES_PLAINTEXT = b"Testing block cipher modes.\x00"

# -- Wine rsaenh.c CryptDeriveKey answers -------------------------------------------
# test_key_derivation: row i hashes 512 bytes b[j] = (j + i) & 0xFF with hash
# KD_HASHES[i // 12], derives key KD_KEYS[i % 12] with the provider's default
# length (the AES provider), and encrypts the first 4 bytes with Final set.
KD_HASHES = ("CALG_MD2", "CALG_MD4", "CALG_MD5", "CALG_SHA1", "CALG_SHA_256")
KD_KEYS = (
    "CALG_DES",
    "CALG_3DES_112",
    "CALG_3DES",
    "CALG_RC2",
    "CALG_RC4",
    "CALG_RC5",
    "CALG_RSA_SIGN",
    "CALG_RSA_KEYX",
    "CALG_AES",
    "CALG_AES_128",
    "CALG_AES_192",
    "CALG_AES_256",
)
# Rows the Windows run executes.
KD_WINDOWS_ROWS = {
    0: "5dda25a6b5c443fb",
    1: "6b183ba18927bfd4",
    2: "91ab17e5da27117d",
    9: "a1643ffe997f24130ca903ef9bc81f2a",
    10: "5decf872b2a64d5cea389ef086b67934",
    11: "d94bc2e3ca898b940d87bba2e83d5c62",
    12: "215abd26b43e8604",
    13: "9be5d1eb8f130bb3",
    14: "7d5eaaea10a4a444",
    21: "8a24d07a03e7a702f2174c01d50e7f12",
    22: "a956bca7974e28aa4be1a06ce2432c61",
    23: "0407ead9890ad2651213689ad08615ed",
    24: "f375cc7c6c0bcf93",
    25: "5170e0b7000d3e21",
    26: "582375253f8825eb",
    33: "976692026dec33f84e821120c7e2e6e8",
    34: "9bda73f4f3069307c932f1d8d496d17d",
    35: "2a0fe9a96f537c9e07e6c3c915997ca8",
    36: "d4d8aa44ac5e0b8d",
    37: "d81cbc6c92d309bf",
    38: "bd585a8898f8699a",
    45: "39cbafd78b754a3bd20e0db164578858",
    46: "a91383ca21a2f0be13bc55043808a9c4",
    47: "e16ca8540e24676dcaa2fe84f09b7866",
}
# Rows of the same table the test skips on Windows ("old_broken").
KD_TABLE_ONLY_ROWS = {
    3: "7d453d5600d7d154",
    4: "a98373a9",
    15: "77420ed260296f68",
    16: "5c7e9984",
    27: "901c774587dd1c2e",
    28: "c44cd2f1",
    39: "ccfb1a4d29ad3e65",
    40: "7a343d3c",
    48: "860d8cf4c0224add",
    49: "2de763f6584d9aa6",
    50: "20aa66d0ac839d99",
    51: "8c0119477ed2102c",
    52: "fa54139c",
    57: "f875c6718bb654d3dcff0e848a3f1946",
    58: "35f220c76cb28e513ec76b3e64a505df",
    59: "8ceb1fd37877f5bf7ade8d2ca516cce9",
}
# Rows the test expects Windows to refuse (NTE_BAD_ALGID): RC5, RSA, CALG_AES.
KD_REFUSED_ROWS = (5, 6, 7, 8, 17, 29, 41, 53)

# The other Windows-run tests derive from MD2 of 2000 bytes b[i] = i & 0xFF.
WINE_PLAIN_13 = bytes(range(13))
WINE_BLOCK_MODES = {  # test_block_cipher_modes: 40-bit RC2, 23 bytes
    "ecb": "c09ae42f0a476711f2b25d5f08ff49a4453a6814ca18e5f4",
    "cbc": "c09ae42f0a47671110f5da614e3dabc09785011297a4f7d3",
    "cfb": "29b567850b1bec07672da1a41a47246a54e1e092f90ef6eb",
}
WINE_RC2_40 = "c09ae42f0a476711fb1887ce0c7507b1"
WINE_RC2_56_EFFECTIVE_128 = "8281f7ffddd7888c2a2ac0ce4c89b666"
WINE_RC2_56_EFFECTIVE_40 = "23c87013422ea8985cdf7a9beadb961b"
# test_rc2, 40 bits with CRYPT_CREATE_SALT: MD5 of the buffer whose first 16
# bytes the previous step encrypted in place; then 16 bytes of 0xAF.
WINE_RC2_40_SALT = {
    "enhanced": (
        WINE_RC2_56_EFFECTIVE_128,
        "a3d741877ad018dbd46a4feef3cacd34b3159a2a885f43a5",
    ),
    "strong": (
        WINE_RC2_56_EFFECTIVE_128,
        "b933b67a35c30688bfd5ccaf14aee231c69aaa3f052f22da",
    ),
    "base": (
        WINE_RC2_56_EFFECTIVE_40,
        "8c4ea6009b15ef9e8881d065d65357080a7780fa7e891455",
    ),
}
WINE_RC4_56 = "170c448eae90cdb07f87f57aecb22e35"
# test_rc4, 40 bits with CRYPT_CREATE_SALT, MD5 of 2000 bytes i & 0xFF.
WINE_RC4_40_SALT = {
    "enhanced": "41e633c950a1bf88124dd3e347886da5",
    "strong": "2faceaeaff687e77f4b9487c4e79a6b5",
    "base": "2faceaeaff687e77f4b9487c4e79a6b5",
}
WINE_DES_ECB = "58864246654b9262cf0f6537437a82b9"
WINE_3DES_112 = "8e0c3ca305885f7a32a1065264d2441c"
WINE_3DES = "7bbadda239d37bb3c751814153e8cfeb"
WINE_AES_PLAIN = b"AES Test With 2 Blocks Of Data.\x00"
WINE_AES = {
    "CALG_AES_128": "fe853be1f5e15875d5a974e309eaa5042335a23b5cf16c6fb9cd64063e4183ef2afeeab56c1720798c513e56ede14768",
    "CALG_AES_192": "6bf0fd32eec60613a8e63c8185b82ea1d43be822a5744abe9dcfcc3726195ad17f76bf9428ce27216187ebb98ba8b457",
    "CALG_AES_256": "2057170b1776d83b26908b4cf2007933292b139ce29509c1cd20872232709d759a94f5765cb1622ce1767c8673e67a23",
}
