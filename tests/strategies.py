"""Hypothesis strategies for every blob model (tests only)."""

from __future__ import annotations

from hypothesis import strategies as st

import blobformat as bf
from blobformat.constants import AlgClass

RSA_SIZES = [384, 512, 520, 1000, 1024, 1032, 1536, 2048, 2056]


def below_bits(bits: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=(1 << bits) - 1)


def filling(bits: int) -> st.SearchStrategy[int]:
    """A number whose most significant byte in a bits/8-byte field is non-zero (RSA-5, DSS-6, DH-6)."""
    return st.integers(min_value=1 << (bits - 8), max_value=(1 << bits) - 1)


def rsa_bits() -> st.SearchStrategy[int]:
    return st.sampled_from(RSA_SIZES) | st.integers(48, 137).map(lambda k: 8 * k)


def seeds() -> st.SearchStrategy[bf.DSSSeed]:
    # DSS-7: a counter is below 2^31, or 0xFFFFFFFF ("no seed").
    return st.one_of(
        st.just(bf.DSSSeed.none()),
        st.builds(
            lambda c, s: bf.DSSSeed(counter=c, seed=s),
            st.integers(0, 0x7FFFFFFF) | st.just(0xFFFFFFFF),
            st.binary(min_size=20, max_size=20),
        ),
    )


@st.composite
def rsa_public(draw: st.DrawFn) -> bf.RSAPublicKeyBlob:
    bits = draw(rsa_bits())
    return bf.RSAPublicKeyBlob(
        key_alg=draw(st.sampled_from([bf.AlgId.CALG_RSA_KEYX, bf.AlgId.CALG_RSA_SIGN])),
        bit_length=bits,
        public_exponent=draw(st.integers(1, 0x7FFFFFFF)) * 2 + 1,
        modulus=draw(filling(bits)),
    )


@st.composite
def rsa_private(draw: st.DrawFn) -> bf.RSAPrivateKeyBlob:
    bits = draw(rsa_bits())
    half = (bits + 15) // 16 * 8
    return bf.RSAPrivateKeyBlob(
        key_alg=draw(st.sampled_from([bf.AlgId.CALG_RSA_KEYX, bf.AlgId.CALG_RSA_SIGN])),
        bit_length=bits,
        public_exponent=draw(st.sampled_from([3, 65537, 0xFFFFFFFF])),
        modulus=draw(filling(bits)),
        prime1=draw(below_bits(half)),
        prime2=draw(below_bits(half)),
        exponent1=draw(below_bits(half)),
        exponent2=draw(below_bits(half)),
        coefficient=draw(below_bits(half)),
        private_exponent=draw(below_bits(bits)),
    )


@st.composite
def dss_v2(draw: st.DrawFn) -> bf.DSSPublicKeyBlob | bf.DSSPrivateKeyBlob:
    bits = draw(st.sampled_from(range(512, 1025, 64)))
    common = dict(
        key_alg=bf.AlgId.CALG_DSS_SIGN,
        bit_length=bits,
        p=draw(filling(bits)),
        q=draw(below_bits(160)),
        g=draw(below_bits(bits)),
        seed=draw(seeds()),
    )
    if draw(st.booleans()):
        return bf.DSSPublicKeyBlob(y=draw(below_bits(bits)), **common)  # type: ignore[arg-type]
    return bf.DSSPrivateKeyBlob(x=draw(below_bits(160)), **common)  # type: ignore[arg-type]


@st.composite
def dss_v3(draw: st.DrawFn) -> bf.DSSPublicKeyBlobV3 | bf.DSSPrivateKeyBlobV3:
    bits_p = draw(st.sampled_from(range(512, 3073, 64)))
    bits_q = draw(st.sampled_from([160, 224, 256]))
    bits_j = draw(st.sampled_from([0, bits_p - bits_q, bits_p - bits_q + 1]))
    common = dict(
        key_alg=bf.AlgId.CALG_DSS_SIGN,
        bit_length_p=bits_p,
        bit_length_q=bits_q,
        bit_length_j=bits_j,
        seed=draw(seeds()),
        p=draw(filling(bits_p)),
        q=draw(below_bits(bits_q)),
        g=draw(below_bits(bits_p)),
        j=None if bits_j == 0 else draw(below_bits(bits_j)),
        y=draw(below_bits(bits_p)),
    )
    if draw(st.booleans()):
        return bf.DSSPublicKeyBlobV3(**common)  # type: ignore[arg-type]
    bits_x = draw(st.integers(1, bits_q))
    return bf.DSSPrivateKeyBlobV3(
        bit_length_x=bits_x, x=draw(below_bits(bits_x)), **common  # type: ignore[arg-type]
    )


DH_ALGS = [bf.AlgId.CALG_DH_SF, bf.AlgId.CALG_DH_EPHEM]


@st.composite
def dh_v2(draw: st.DrawFn) -> bf.DHPublicKeyBlob | bf.DHPrivateKeyBlob:
    bits = draw(st.sampled_from(range(512, 2049, 64)))
    alg = draw(st.sampled_from(DH_ALGS))
    if draw(st.booleans()):
        return bf.DHPublicKeyBlob(key_alg=alg, bit_length=bits, y=draw(below_bits(bits)))
    return bf.DHPrivateKeyBlob(
        key_alg=alg,
        bit_length=bits,
        p=draw(filling(bits)),
        g=draw(below_bits(bits)),
        x=draw(below_bits(bits)),
    )


@st.composite
def dh_v3(draw: st.DrawFn) -> bf.DHPublicKeyBlobV3 | bf.DHPrivateKeyBlobV3:
    bits_p = draw(st.sampled_from(range(512, 2049, 64)))
    bits_q = draw(st.sampled_from([0, 160, 256, bits_p - 1]))
    bits_j = draw(st.sampled_from([0, 8, bits_p]))
    common = dict(
        key_alg=draw(st.sampled_from(DH_ALGS)),
        bit_length_p=bits_p,
        bit_length_q=bits_q,
        bit_length_j=bits_j,
        seed=draw(seeds()),
        p=draw(filling(bits_p)),
        q=None if bits_q == 0 else draw(below_bits(bits_q)),
        g=draw(below_bits(bits_p)),
        j=None if bits_j == 0 else draw(below_bits(bits_j)),
        y=draw(below_bits(bits_p)),
    )
    if draw(st.booleans()):
        return bf.DHPublicKeyBlobV3(**common)  # type: ignore[arg-type]
    bits_x = draw(st.integers(1, bits_q or bits_p))
    return bf.DHPrivateKeyBlobV3(
        bit_length_x=bits_x, x=draw(below_bits(bits_x)), **common  # type: ignore[arg-type]
    )


SESSION_ALGS = [
    a for a in bf.AlgId if a.alg_class in (AlgClass.DATA_ENCRYPT, AlgClass.MSG_ENCRYPT)
]
DATA_ALGS = [a for a in bf.AlgId if a.alg_class == AlgClass.DATA_ENCRYPT]


@st.composite
def simple(draw: st.DrawFn) -> bf.SimpleBlob:
    return bf.SimpleBlob(
        key_alg=draw(st.sampled_from(SESSION_ALGS)),
        wrap_alg=bf.AlgId.CALG_RSA_KEYX,
        encrypted_key=draw(st.binary(min_size=48, max_size=300)),
    )


@st.composite
def symmetric_wrap(draw: st.DrawFn) -> bf.SymmetricWrapKeyBlob:
    n = draw(st.integers(3, 32))
    return bf.SymmetricWrapKeyBlob(
        key_alg=draw(st.sampled_from(DATA_ALGS)),
        wrap_alg=draw(st.sampled_from([bf.AlgId.CALG_3DES, bf.AlgId.CALG_RC2])),
        wrapped_key=draw(st.binary(min_size=8 * n, max_size=8 * n)),
    )


@st.composite
def opaque(draw: st.DrawFn) -> bf.OpaqueKeyBlob | bf.PublicKeyBlobEx | bf.KeyStateBlob:
    cls = draw(st.sampled_from([bf.OpaqueKeyBlob, bf.PublicKeyBlobEx, bf.KeyStateBlob]))
    return cls(  # type: ignore[no-any-return]
        version=draw(st.integers(0, 255)),
        key_alg=draw(st.integers(0, 0xFFFFFFFF)),
        body=draw(st.binary(max_size=64)),
    )


def models() -> st.SearchStrategy[bf.Blob]:
    return st.one_of(
        rsa_public(),
        rsa_private(),
        dss_v2(),
        dss_v3(),
        dh_v2(),
        dh_v3(),
        simple(),
        symmetric_wrap(),
        opaque(),
    )


@st.composite
def pvk_plain(draw: st.DrawFn) -> bf.PVKFile:
    inner = draw(st.one_of(rsa_private(), dss_v2().filter(lambda b: isinstance(b, bf.DSSPrivateKeyBlob))))
    if isinstance(inner, bf.RSAPrivateKeyBlob) and inner.key_alg == bf.AlgId.CALG_RSA_KEYX:
        key_type = bf.PVKKeyType.AT_KEYEXCHANGE
    else:
        key_type = bf.PVKKeyType.AT_SIGNATURE
    return bf.PVKFile(key_type=key_type, encrypted=False, salt=b"", key_data=inner.to_bytes())
