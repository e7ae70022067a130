"""One valid blob of each kind, built from the models (tests only).

Shared by the tests that mutate valid blobs (test_codec_errors, test_wire) and the
CLI tests that feed them to the commands.
"""

from __future__ import annotations

import blobformat as bf

RSA_PUB = bf.RSAPublicKeyBlob(
    key_alg=bf.AlgId.CALG_RSA_KEYX,
    bit_length=512,
    public_exponent=65537,
    modulus=(1 << 511) | 12345,
).to_bytes()
RSA_PRIV = bf.RSAPrivateKeyBlob(
    key_alg=bf.AlgId.CALG_RSA_KEYX,
    bit_length=1032,
    public_exponent=3,
    modulus=(1 << 1031) | 99,
    prime1=(1 << 515) | 7,
    prime2=(1 << 515) | 9,
    exponent1=5,
    exponent2=6,
    coefficient=(1 << 519) | 1,
    private_exponent=(1 << 1030) | 77,
).to_bytes()
DSS_PUB = bf.DSSPublicKeyBlob(
    key_alg=bf.AlgId.CALG_DSS_SIGN,
    bit_length=1024,
    p=(1 << 1023) | 1,
    q=(1 << 159) | 1,
    g=2,
    y=3,
    seed=bf.DSSSeed.none(),
).to_bytes()
DSS3_PRIV = bf.DSSPrivateKeyBlobV3(
    key_alg=bf.AlgId.CALG_DSS_SIGN,
    bit_length_p=1024,
    bit_length_q=160,
    bit_length_j=864,
    bit_length_x=160,
    seed=bf.DSSSeed(counter=5, seed=bytes(range(20))),
    p=(1 << 1023) | 1,
    q=(1 << 159) | 1,
    g=2,
    j=(1 << 863) | 5,
    y=3,
    x=0x9F3A_51C7_22E0_0D4B_88A1_6E2F_1C3D_4E5F_6A7B_8C9D,
).to_bytes()
DH_PUB = bf.DHPublicKeyBlob(key_alg=bf.AlgId.CALG_DH_SF, bit_length=512, y=5).to_bytes()
DH3_PUB = bf.DHPublicKeyBlobV3(
    key_alg=bf.AlgId.CALG_DH_EPHEM,
    bit_length_p=512,
    bit_length_q=0,
    bit_length_j=0,
    seed=bf.DSSSeed.none(),
    p=(1 << 511) | 1,
    q=None,
    g=2,
    j=None,
    y=3,
).to_bytes()
SIMPLE = bf.SimpleBlob(
    key_alg=bf.AlgId.CALG_RC4, wrap_alg=bf.AlgId.CALG_RSA_KEYX, encrypted_key=bytes(64)
).to_bytes()
SWK = bf.SymmetricWrapKeyBlob(
    key_alg=bf.AlgId.CALG_3DES, wrap_alg=bf.AlgId.CALG_3DES, wrapped_key=bytes(40)
).to_bytes()
PVK = bf.PVKFile(
    key_type=bf.PVKKeyType.AT_KEYEXCHANGE, encrypted=False, salt=b"", key_data=RSA_PRIV
).to_bytes()
PVK_ENC = bf.PVKFile(
    key_type=bf.PVKKeyType.AT_KEYEXCHANGE,
    encrypted=True,
    salt=bytes(16),
    key_data=RSA_PRIV[:8] + bytes(len(RSA_PRIV) - 8),
).to_bytes()

CLOSED = [RSA_PUB, RSA_PRIV, DSS_PUB, DSS3_PRIV, DH_PUB, DH3_PUB, PVK, PVK_ENC]
ALL_VALID = [*CLOSED, SIMPLE, SWK]
