# SPDX-License-Identifier: Apache-2.0
"""Hypothesis strategies for every blob kind: valid blobs and near-valid hostile ones.

For people who test a parser of their own against blobformat, and for
blobformat's own tests (one generator, not two). Needs the ``strategies``
extra (``pip install 'blobformat[strategies]'``, which installs hypothesis);
``import blobformat`` never imports this module.

The valid strategies give models (call ``.to_bytes()`` for the wire form)
that :func:`blobformat.parse` accepts in strict mode. With ``real_keys=True``
(the default) the key blobs hold real keys that :func:`blobformat.load_private_key`
and :func:`blobformat.load_public_key` accept: small sizes by default, primes
found from a seed that hypothesis draws (so a failing example replays), and
fixed DSA and Diffie-Hellman groups. With ``real_keys=False`` every number is
arbitrary within what the blob format allows, and the sizes vary more: the
codec sees every layout, the key checks see garbage.

:func:`mutated` turns any of them into near-valid hostile bytes, the way the
structure-aware fuzz harness (``fuzz/fuzz_structured.py``) does: one field
off, a lying length, a truncation at or near a field boundary, a field
removed or repeated, bytes appended.
"""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, TypedDict, TypeVar, overload

from cryptography.hazmat.primitives.asymmetric import rsa

try:
    from hypothesis import strategies as st
    from hypothesis.errors import InvalidArgument
except ImportError as exc:  # pragma: no cover - exercised in a subprocess by the tests
    raise ImportError(
        "blobformat.strategies needs hypothesis: install the 'strategies' extra "
        "(pip install 'blobformat[strategies]')"
    ) from exc

import blobformat as bf
from blobformat.codec.keylengths import blob_key_sizes
from blobformat.constants import AlgClass
from blobformat.keys import pvk as _pvkfile

__all__ = [
    "PVK_PASSWORD",
    "blobs",
    "dh_private_blobs",
    "dh_public_blobs",
    "dss_private_blobs",
    "dss_public_blobs",
    "mutated",
    "opaque_blobs",
    "plaintext_key_blobs",
    "pvk_files",
    "rsa_private_blobs",
    "rsa_public_blobs",
    "session_keys",
    "simple_blobs",
    "symmetric_wrap_key_blobs",
]

#: The password of the encrypted PVK files :func:`pvk_files` makes (unless told otherwise).
PVK_PASSWORD = b"blobformat"

_T = TypeVar("_T")

# Real RSA keys come from a seed in this range: a pool small enough that the
# prime search (pure Python, cached) stays cheap across a test run.
_KEY_SEEDS = 32
_REAL_RSA_BITS = (384, 512, 520)
# Arbitrary-number blobs: the sizes the codec must handle (odd byte counts too).
_ANY_RSA_BITS = (384, 512, 520, 1000, 1024, 1032, 1536, 2048, 2056)
_RSA_ALGS = (bf.AlgId.CALG_RSA_KEYX, bf.AlgId.CALG_RSA_SIGN)
_DH_ALGS = (bf.AlgId.CALG_DH_SF, bf.AlgId.CALG_DH_EPHEM)
_SESSION_ALGS = tuple(
    a for a in bf.AlgId if a.alg_class in (AlgClass.DATA_ENCRYPT, AlgClass.MSG_ENCRYPT)
)
_DATA_ALGS = tuple(a for a in bf.AlgId if a.alg_class == AlgClass.DATA_ENCRYPT)
_PLAINTEXT_ALGS = tuple(a for a in _DATA_ALGS if blob_key_sizes(a))


def _hex(text: str) -> int:
    return int(text, 16)


@dataclass(frozen=True)
class _Group:
    """A DSA (X9.42) group: p prime, q prime dividing p-1, g of order q."""

    p: int
    q: int
    g: int


# Made once with `openssl genpkey -genparam -algorithm DSA` (512/160, 1024/160, 2048/256).
_DSA_512 = _Group(
    p=_hex(
        "b8017611c7a08cc23917dc62b14af54e357f065a9ee8745e2b70c8aa30bff3cc"
        "8e5ea23f1d4b3c43475e774cfa9e29d175908942b117e14e5c90682623f61639"
    ),
    q=_hex("f548241c6bc83cecd1fe1cb28b82af0de60d2959"),
    g=_hex(
        "142529e4967029455c98c09f3d34519a519c7cb41b9d0fe43f112a9943a8f216"
        "33a8a287fbf60bb34416e29c4d42a36a10f93aa89592db3e0a6881aecfc671f"
    ),
)
_DSA_1024 = _Group(
    p=_hex(
        "9a04814750e72bc0d81411fd46949fb6f84157e5422afc9c0e66e6c59427678a"
        "2449dc9acf6514617ac66d024f276786e3ac292d2316fb857bf26043bac4e2b8"
        "965c225eb3933f26790de4d52048ac1f0add872e062d2ec2d8848c538167e824"
        "ee69b4a5d09650f6452c00ab45715faeeb26cbfb32f2df72b020c2ccba5699e3"
    ),
    q=_hex("b1ebe82be06f8e7d52133cbeadfba5e732bbe35f"),
    g=_hex(
        "5af3385281146ac73dc7476e9d288fc3147029d1b0c9f32ff5c9591f7b0cc037"
        "b752ec45e79e33ad0820f90c1012e69fd60ba9ef922998e5a10294272587ee45"
        "f44c57f796bc245545273f77f547d993c9167ee6d939ac54d3de3f7f5d9eced2"
        "f9eec9a55610e320debca2f85d23f359a3571c9abb8ef4099d442987b5a61f9"
    ),
)
_DSA_2048 = _Group(
    p=_hex(
        "823cb788f4e9d6975ea386d2721c20699404340f5f07450d6f8dbb4a35f0fe09"
        "3f6621768ccc1f199f4efbabfad9f2da10c303d6e31f625c47e901ef4707c26f"
        "b78bad265335b5a2dffd3def4ae372317bd7b76ccdaeae072fb1c8d4b2952610"
        "f2ee8921e9e307b6bceb85477eb0febadafecfa9814808bebdb5d869e7a7b09b"
        "64435f71b4a98938a559b703f1fecfa77dba4f5f1d23fc98713f93fcb726a035"
        "c320ce339330efc2bb258682a948b1707ab57d900be601706db5895c1d95c7c2"
        "c4a96db112701703db6d8e715b4c1e29eab8f0b9e371a4d9d1e56e4a8f8dd655"
        "aa404c914160ed28b55a8f71f2a0bdff3dcc10edbc666f2e25638852b31e6b35"
    ),
    q=_hex("800b20c587e81c3cad88e64d72d5f6a5fd95b678c6dda8134c42dd6ec2635da7"),
    g=_hex(
        "54035446441d4672ba74042aac3a6da9a694369fffac9558327c55ef49f0151e"
        "d5353d719c7c49ba6b73eb809b781e0ccac0b095afbdb7873d352345765f09c6"
        "30c8c31a8ddbce4f148f65836dcd6f669708458bee3ccd890b83d4670899bc82"
        "4aa41dcc576b41e4983e82ea827096aa67940dd2675bd0a7b8ff30432eef7f6c"
        "ea6d93b6ebc6d95f6afa7dc78c0d9ff56a96cd259fd652c4c8106da0b849ba34"
        "3c75adcd42586a6bdec14e0664cdb5ec6f8bd8d4c74a59f91b11b5a2a4608d19"
        "70aa8af3a4acd29a661eea68fb84ca982a91b3bec7d97dd6b49b344054e9976e"
        "21a637508dfc4b5fd507c631c7790453405e7b5b2cb7f0b2a379b1e2037bfd5f"
    ),
)

# A safe prime made with `openssl dhparam 512` (g = 2): a PKCS#3 group without q.
_SAFE_PRIME_512 = _hex(
    "f467b6be4e59f4048c0b1fd8db71ad4a2eb443e6ae8099e3d76c52405816ecf5"
    "ca8ca2245a7124d69e0369671a9070965c2f9173d375ffb03eb9c79674337277"
)
# cryptography holds DSA keys of 1024 bits and more only (SPEC KEY-5).
_DSS_V2_GROUPS = (_DSA_1024,)
_DSS_V3_GROUPS = (_DSA_1024, _DSA_2048)
_DH_X942_GROUPS = (_DSA_512, _DSA_1024)

# -- helpers ------------------------------------------------------------------------


def _below_bits(bits: int) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=(1 << bits) - 1)


def _filling(bits: int) -> st.SearchStrategy[int]:
    """A number whose top byte in a bits/8-byte field is non-zero (RSA-5, DSS-6, DH-6)."""
    return st.integers(min_value=1 << (bits - 8), max_value=(1 << bits) - 1)


def _seeds() -> st.SearchStrategy[bf.DSSSeed]:
    # DSS-7: a counter is below 2^31, or 0xFFFFFFFF ("no seed").
    return st.one_of(
        st.just(bf.DSSSeed.none()),
        st.builds(
            lambda c, s: bf.DSSSeed(counter=c, seed=s),
            st.integers(0, 0x7FFFFFFF) | st.just(0xFFFFFFFF),
            st.binary(min_size=20, max_size=20),
        ),
    )


def _choice(value: _T | None, default: Sequence[_T]) -> st.SearchStrategy[_T]:
    return st.just(value) if value is not None else st.sampled_from(default)


def _check_version(version: int | None) -> None:
    if version not in (None, 2, 3):
        raise InvalidArgument(f"version must be 2, 3 or None, not {version!r}")


def _check_rsa_bits(bits: int | None) -> None:
    # RSA-1 and RSA-5: 384..16384, a whole number of bytes.
    if bits is not None and not (384 <= bits <= 16384 and bits % 8 == 0):
        raise InvalidArgument(
            f"bits must be a multiple of 8 in 384..16384, not {bits!r}"
        )


def _is_probable_prime(n: int) -> bool:
    """Miller-Rabin with 32 bases drawn from ``n`` itself (deterministic)."""
    if n < 4:
        return n in (2, 3)
    if n % 2 == 0:
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    rng = random.Random(n)  # noqa: S311 - witnesses, not secrets
    for _ in range(32):
        x = pow(rng.randrange(2, n - 1), d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _prime(bits: int, seed: str, e: int) -> int:
    """A prime of exactly ``bits`` bits, top two bits set, with gcd(e, p-1) = 1."""
    rng = random.Random(seed)  # noqa: S311 - test keys, reproducible by design
    top = 3 << (bits - 2)
    while True:
        candidate = rng.getrandbits(bits) | top | 1
        if math.gcd(e, candidate - 1) == 1 and _is_probable_prime(candidate):
            return candidate


@functools.lru_cache(maxsize=512)
def _rsa_numbers(bits: int, e: int, seed: int) -> tuple[int, int, int]:
    """(p, q, d) of a real RSA key whose modulus has exactly ``bits`` bits."""
    half = bits // 2
    p = _prime(bits - half, f"rsa-p-{bits}-{e}-{seed}", e)
    q = _prime(half, f"rsa-q-{bits}-{e}-{seed}", e)
    counter = 0
    while q == p:  # astronomically unlikely; keeps the key valid anyway
        counter += 1
        q = _prime(half, f"rsa-q-{bits}-{e}-{seed}-{counter}", e)
    d = pow(e, -1, math.lcm(p - 1, q - 1))
    return p, q, d


# -- RSA ------------------------------------------------------------------------------


@st.composite
def _real_rsa(draw: st.DrawFn, bits: int | None) -> bf.RSAPrivateKeyBlob:
    size = draw(_choice(bits, _REAL_RSA_BITS))
    e = draw(st.sampled_from((65537, 3, 17)))
    p, q, d = _rsa_numbers(size, e, draw(st.integers(0, _KEY_SEEDS - 1)))
    return bf.RSAPrivateKeyBlob(
        key_alg=draw(st.sampled_from(_RSA_ALGS)),
        bit_length=size,
        public_exponent=e,
        modulus=p * q,
        prime1=p,
        prime2=q,
        exponent1=d % (p - 1),
        exponent2=d % (q - 1),
        coefficient=pow(q, -1, p),
        private_exponent=d,
    )


def _any_rsa_bits(bits: int | None) -> st.SearchStrategy[int]:
    if bits is not None:
        return st.just(bits)
    return st.sampled_from(_ANY_RSA_BITS) | st.integers(48, 137).map(lambda k: 8 * k)


@st.composite
def _any_rsa_public(draw: st.DrawFn, bits: int | None) -> bf.RSAPublicKeyBlob:
    size = draw(_any_rsa_bits(bits))
    return bf.RSAPublicKeyBlob(
        key_alg=draw(st.sampled_from(_RSA_ALGS)),
        bit_length=size,
        public_exponent=draw(st.integers(1, 0x7FFFFFFF)) * 2 + 1,
        modulus=draw(_filling(size)),
    )


@st.composite
def _any_rsa_private(draw: st.DrawFn, bits: int | None) -> bf.RSAPrivateKeyBlob:
    size = draw(_any_rsa_bits(bits))
    half = (size + 15) // 16 * 8
    return bf.RSAPrivateKeyBlob(
        key_alg=draw(st.sampled_from(_RSA_ALGS)),
        bit_length=size,
        public_exponent=draw(st.sampled_from([3, 65537, 0xFFFFFFFF])),
        modulus=draw(_filling(size)),
        prime1=draw(_below_bits(half)),
        prime2=draw(_below_bits(half)),
        exponent1=draw(_below_bits(half)),
        exponent2=draw(_below_bits(half)),
        coefficient=draw(_below_bits(half)),
        private_exponent=draw(_below_bits(size)),
    )


def rsa_public_blobs(
    bits: int | None = None, *, real_keys: bool = True
) -> st.SearchStrategy[bf.RSAPublicKeyBlob]:
    """PUBLICKEYBLOBs with magic RSA1 (SPEC §5.1).

    :param bits: the modulus size (a multiple of 8 in 384..16384); by default
        a few small sizes (384, 512, 520 bits for real keys; up to 2056 and odd
        byte counts otherwise). Real keys of 2048 bits and more take a while
        to find the first time.
    :param real_keys: the public half of a real RSA key; ``False`` for any
        odd exponent and any modulus that fills its field.
    """
    _check_rsa_bits(bits)
    if real_keys:
        return _real_rsa(bits).map(lambda b: b.public_blob())
    return _any_rsa_public(bits)


def rsa_private_blobs(
    bits: int | None = None, *, real_keys: bool = True
) -> st.SearchStrategy[bf.RSAPrivateKeyBlob]:
    """PRIVATEKEYBLOBs with magic RSA2 (SPEC §5.2).

    :param bits: as for :func:`rsa_public_blobs`.
    :param real_keys: a real RSA key (exponent 65537, 3 or 17) whose every
        relation :func:`blobformat.load_private_key` checks holds; ``False``
        for arbitrary numbers that fit their fields.
    """
    _check_rsa_bits(bits)
    return _real_rsa(bits) if real_keys else _any_rsa_private(bits)


# -- DSS ------------------------------------------------------------------------------


_DSSPublic = bf.DSSPublicKeyBlob | bf.DSSPublicKeyBlobV3
_DSSPrivate = bf.DSSPrivateKeyBlob | bf.DSSPrivateKeyBlobV3


class _DSSV2Args(TypedDict):
    """The fields a DSS version-2 public and private blob share (typed for ``**``)."""

    key_alg: bf.AlgId
    bit_length: int
    p: int
    q: int
    g: int
    seed: bf.DSSSeed


class _DSSV3Args(TypedDict):
    """The fields a DSS version-3 public and private blob share."""

    key_alg: bf.AlgId
    bit_length_p: int
    bit_length_q: int
    bit_length_j: int
    seed: bf.DSSSeed
    p: int
    q: int
    g: int
    j: int | None
    y: int


class _DHV3Args(TypedDict):
    """The fields a DH version-3 public and private blob share (q is optional there)."""

    key_alg: bf.AlgId
    bit_length_p: int
    bit_length_q: int
    bit_length_j: int
    seed: bf.DSSSeed
    p: int
    q: int | None
    g: int
    j: int | None
    y: int


@st.composite
def _real_dss(
    draw: st.DrawFn, version: int | None, private: bool
) -> _DSSPublic | _DSSPrivate:
    v = draw(_choice(version, (2, 3)))
    group = draw(st.sampled_from(_DSS_V2_GROUPS if v == 2 else _DSS_V3_GROUPS))
    x = draw(st.integers(1, group.q - 1))
    y = pow(group.g, x, group.p)
    bits = group.p.bit_length()
    if v == 2:
        common2: _DSSV2Args = {
            "key_alg": bf.AlgId.CALG_DSS_SIGN,
            "bit_length": bits,
            "p": group.p,
            "q": group.q,
            "g": group.g,
            "seed": bf.DSSSeed.none(),
        }
        if private:
            return bf.DSSPrivateKeyBlob(x=x, **common2)
        return bf.DSSPublicKeyBlob(y=y, **common2)
    j = (group.p - 1) // group.q
    with_j = draw(st.booleans())
    common3: _DSSV3Args = {
        "key_alg": bf.AlgId.CALG_DSS_SIGN,
        "bit_length_p": bits,
        "bit_length_q": group.q.bit_length(),
        "bit_length_j": j.bit_length() if with_j else 0,
        "seed": bf.DSSSeed.none(),
        "p": group.p,
        "q": group.q,
        "g": group.g,
        "j": j if with_j else None,
        "y": y,
    }
    if private:
        return bf.DSSPrivateKeyBlobV3(bit_length_x=group.q.bit_length(), x=x, **common3)
    return bf.DSSPublicKeyBlobV3(**common3)


@st.composite
def _any_dss_v2(draw: st.DrawFn, private: bool) -> _DSSPublic | _DSSPrivate:
    bits = draw(st.sampled_from(range(512, 1025, 64)))
    common: _DSSV2Args = {
        "key_alg": bf.AlgId.CALG_DSS_SIGN,
        "bit_length": bits,
        "p": draw(_filling(bits)),
        "q": draw(_below_bits(160)),
        "g": draw(_below_bits(bits)),
        "seed": draw(_seeds()),
    }
    if private:
        return bf.DSSPrivateKeyBlob(x=draw(_below_bits(160)), **common)
    return bf.DSSPublicKeyBlob(y=draw(_below_bits(bits)), **common)


@st.composite
def _any_dss_v3(draw: st.DrawFn, private: bool) -> _DSSPublic | _DSSPrivate:
    bits_p = draw(st.sampled_from(range(512, 3073, 64)))
    bits_q = draw(st.sampled_from([160, 224, 256]))
    bits_j = draw(st.sampled_from([0, bits_p - bits_q, bits_p - bits_q + 1]))
    common: _DSSV3Args = {
        "key_alg": bf.AlgId.CALG_DSS_SIGN,
        "bit_length_p": bits_p,
        "bit_length_q": bits_q,
        "bit_length_j": bits_j,
        "seed": draw(_seeds()),
        "p": draw(_filling(bits_p)),
        "q": draw(_below_bits(bits_q)),
        "g": draw(_below_bits(bits_p)),
        "j": None if bits_j == 0 else draw(_below_bits(bits_j)),
        "y": draw(_below_bits(bits_p)),
    }
    if not private:
        return bf.DSSPublicKeyBlobV3(**common)
    bits_x = draw(st.integers(1, bits_q))
    return bf.DSSPrivateKeyBlobV3(
        bit_length_x=bits_x, x=draw(_below_bits(bits_x)), **common
    )


@overload
def _dss(
    version: int | None, real_keys: bool, private: Literal[False]
) -> st.SearchStrategy[_DSSPublic]: ...
@overload
def _dss(
    version: int | None, real_keys: bool, private: Literal[True]
) -> st.SearchStrategy[_DSSPrivate]: ...
def _dss(
    version: int | None, real_keys: bool, private: bool
) -> st.SearchStrategy[_DSSPublic | _DSSPrivate]:
    _check_version(version)
    if real_keys:
        return _real_dss(version, private)
    choices = {2: _any_dss_v2(private), 3: _any_dss_v3(private)}
    return choices[version] if version is not None else st.one_of(*choices.values())


def dss_public_blobs(
    version: int | None = None, *, real_keys: bool = True
) -> st.SearchStrategy[bf.DSSPublicKeyBlob | bf.DSSPublicKeyBlobV3]:
    """DSS PUBLICKEYBLOBs: DSS1 (version 2) and DSS3 (version 3) (SPEC §6).

    :param version: 2 or 3; both by default.
    :param real_keys: y = g^x mod p in a fixed DSA group (1024 bits; 2048 too
        in version 3), without a seed; ``False`` for arbitrary numbers,
        every allowed size and seeds.
    """
    return _dss(version, real_keys, private=False)


def dss_private_blobs(
    version: int | None = None, *, real_keys: bool = True
) -> st.SearchStrategy[bf.DSSPrivateKeyBlob | bf.DSSPrivateKeyBlobV3]:
    """DSS PRIVATEKEYBLOBs: DSS2 (version 2) and DSS4 (version 3) (SPEC §6).

    :param version: 2 or 3; both by default.
    :param real_keys: as for :func:`dss_public_blobs`.
    """
    return _dss(version, real_keys, private=True)


# -- Diffie-Hellman ---------------------------------------------------------------------

_DHPublic = bf.DHPublicKeyBlob | bf.DHPublicKeyBlobV3
_DHPrivate = bf.DHPrivateKeyBlob | bf.DHPrivateKeyBlobV3


@st.composite
def _real_dh(
    draw: st.DrawFn, version: int | None, private: bool
) -> _DHPublic | _DHPrivate:
    v = draw(_choice(version, (2, 3)))
    alg = draw(st.sampled_from(_DH_ALGS))
    # A version-2 blob cannot carry q: its group is the safe prime (OpenSSL
    # refuses a DSA-style prime without q).
    group = draw(st.sampled_from((None, *_DH_X942_GROUPS))) if v == 3 else None
    p, g, q = (
        (_SAFE_PRIME_512, 2, None) if group is None else (group.p, group.g, group.q)
    )
    x = draw(st.integers(2, (q or p - 1) - 1))
    y = pow(g, x, p)
    bits = p.bit_length()
    if v == 2:
        if private:
            return bf.DHPrivateKeyBlob(key_alg=alg, bit_length=bits, p=p, g=g, x=x)
        return bf.DHPublicKeyBlob(key_alg=alg, bit_length=bits, y=y)
    j = None if q is None else (p - 1) // q
    common: _DHV3Args = {
        "key_alg": alg,
        "bit_length_p": bits,
        "bit_length_q": 0 if q is None else q.bit_length(),
        "bit_length_j": 0 if j is None else j.bit_length(),
        "seed": bf.DSSSeed.none(),
        "p": p,
        "q": q,
        "g": g,
        "j": j,
        "y": y,
    }
    if private:
        bits_x = bits if q is None else q.bit_length()
        return bf.DHPrivateKeyBlobV3(bit_length_x=bits_x, x=x, **common)
    return bf.DHPublicKeyBlobV3(**common)


@st.composite
def _any_dh_v2(draw: st.DrawFn, private: bool) -> _DHPublic | _DHPrivate:
    bits = draw(st.sampled_from(range(512, 2049, 64)))
    alg = draw(st.sampled_from(_DH_ALGS))
    if not private:
        return bf.DHPublicKeyBlob(
            key_alg=alg, bit_length=bits, y=draw(_below_bits(bits))
        )
    return bf.DHPrivateKeyBlob(
        key_alg=alg,
        bit_length=bits,
        p=draw(_filling(bits)),
        g=draw(_below_bits(bits)),
        x=draw(_below_bits(bits)),
    )


@st.composite
def _any_dh_v3(draw: st.DrawFn, private: bool) -> _DHPublic | _DHPrivate:
    bits_p = draw(st.sampled_from(range(512, 2049, 64)))
    bits_q = draw(st.sampled_from([0, 160, 256, bits_p - 1]))
    bits_j = draw(st.sampled_from([0, 8, bits_p]))
    common: _DHV3Args = {
        "key_alg": draw(st.sampled_from(_DH_ALGS)),
        "bit_length_p": bits_p,
        "bit_length_q": bits_q,
        "bit_length_j": bits_j,
        "seed": draw(_seeds()),
        "p": draw(_filling(bits_p)),
        "q": None if bits_q == 0 else draw(_below_bits(bits_q)),
        "g": draw(_below_bits(bits_p)),
        "j": None if bits_j == 0 else draw(_below_bits(bits_j)),
        "y": draw(_below_bits(bits_p)),
    }
    if not private:
        return bf.DHPublicKeyBlobV3(**common)
    bits_x = draw(st.integers(1, bits_q or bits_p))
    return bf.DHPrivateKeyBlobV3(
        bit_length_x=bits_x, x=draw(_below_bits(bits_x)), **common
    )


@overload
def _dh(
    version: int | None, real_keys: bool, private: Literal[False]
) -> st.SearchStrategy[_DHPublic]: ...
@overload
def _dh(
    version: int | None, real_keys: bool, private: Literal[True]
) -> st.SearchStrategy[_DHPrivate]: ...
def _dh(
    version: int | None, real_keys: bool, private: bool
) -> st.SearchStrategy[_DHPublic | _DHPrivate]:
    _check_version(version)
    if real_keys:
        return _real_dh(version, private)
    choices = {2: _any_dh_v2(private), 3: _any_dh_v3(private)}
    return choices[version] if version is not None else st.one_of(*choices.values())


def dh_public_blobs(
    version: int | None = None, *, real_keys: bool = True
) -> st.SearchStrategy[bf.DHPublicKeyBlob | bf.DHPublicKeyBlobV3]:
    r"""Diffie-Hellman PUBLICKEYBLOBs: \0DH1 (version 2) and \0DH3 (version 3) (SPEC §7).

    :param version: 2 or 3; both by default.
    :param real_keys: y = g^x mod p in a fixed group (a 512-bit safe prime
        with g = 2, or in version 3 also a DSA group with q); ``False`` for arbitrary numbers
        and every allowed size.
    """
    return _dh(version, real_keys, private=False)


def dh_private_blobs(
    version: int | None = None, *, real_keys: bool = True
) -> st.SearchStrategy[bf.DHPrivateKeyBlob | bf.DHPrivateKeyBlobV3]:
    r"""Diffie-Hellman PRIVATEKEYBLOBs: \0DH2 (version 2) and \0DH4 (version 3) (SPEC §7).

    :param version: 2 or 3; both by default.
    :param real_keys: as for :func:`dh_public_blobs`.
    """
    return _dh(version, real_keys, private=True)


# -- session-key blobs and the opaque kinds ---------------------------------------------


@st.composite
def _session_key(draw: st.DrawFn, max_bytes: int | None) -> bf.SessionKey:
    algs = [
        a
        for a in _PLAINTEXT_ALGS
        if max_bytes is None or min(blob_key_sizes(a)) <= max_bytes
    ]
    alg = draw(st.sampled_from(algs))
    sizes = sorted(
        n for n in blob_key_sizes(alg) if max_bytes is None or n <= max_bytes
    )
    size = draw(st.sampled_from(sizes))
    return bf.SessionKey(alg_id=alg, key=draw(st.binary(min_size=size, max_size=size)))


def session_keys() -> st.SearchStrategy[bf.SessionKey]:
    """Session keys (SPEC §15.1) with random key bytes and no salt.

    Every algorithm that encrypts data, with every key length it allows.
    """
    return _session_key(None)


@st.composite
def _wrapped(
    draw: st.DrawFn, public_key: rsa.RSAPublicKey, oaep: bool | None
) -> bf.SimpleBlob:
    use_oaep = draw(_choice(oaep, (False, True)))
    # PKCS#1 v1.5 needs 11 bytes of the modulus, OAEP with SHA-1 42 (SPEC SES-1).
    room = (public_key.key_size + 7) // 8 - (42 if use_oaep else 11)
    if room < 5:
        raise InvalidArgument(
            f"a {public_key.key_size}-bit key has no room for a session key"
        )
    session = draw(_session_key(room))
    blob = bf.parse(bf.wrap_session_key(session, public_key, oaep=use_oaep))
    if not isinstance(
        blob, bf.SimpleBlob
    ):  # pragma: no cover - wrap writes SIMPLEBLOBs
        raise TypeError(type(blob).__name__)
    return blob


def simple_blobs(
    wrapped_for: rsa.RSAPublicKey | None = None, *, oaep: bool | None = None
) -> st.SearchStrategy[bf.SimpleBlob]:
    """SIMPLEBLOBs (SPEC §8).

    :param wrapped_for: an RSA public key: the blobs then hold a session key
        (from :func:`session_keys`) really encrypted to it by
        :func:`blobformat.wrap_session_key`, which the private key unwraps. The
        padding comes from ``cryptography`` and is random, so a replayed example
        has another ciphertext for the same session key. Without a key: any
        session algorithm and an arbitrary ciphertext of 48..300 bytes.
    :param oaep: with ``wrapped_for``: OAEP (``True``), PKCS#1 v1.5 (``False``)
        or either (``None``).
    """
    if wrapped_for is not None:
        if not isinstance(wrapped_for, rsa.RSAPublicKey):
            raise InvalidArgument("wrapped_for must be an RSA public key")
        return _wrapped(wrapped_for, oaep)
    return st.builds(
        bf.SimpleBlob,
        key_alg=st.sampled_from(_SESSION_ALGS),
        wrap_alg=st.just(bf.AlgId.CALG_RSA_KEYX),
        encrypted_key=st.binary(min_size=48, max_size=300),
    )


@st.composite
def _plaintext(draw: st.DrawFn) -> bf.PlaintextKeyBlob:
    alg = draw(st.sampled_from(_PLAINTEXT_ALGS))
    size = draw(st.sampled_from(sorted(blob_key_sizes(alg))))
    return bf.PlaintextKeyBlob(
        key_alg=alg, key=draw(st.binary(min_size=size, max_size=size))
    )


def plaintext_key_blobs() -> st.SearchStrategy[bf.PlaintextKeyBlob]:
    """PLAINTEXTKEYBLOBs (SPEC §9): a random key of a length its algorithm allows."""
    return _plaintext()


@st.composite
def _symmetric_wrap(draw: st.DrawFn) -> bf.SymmetricWrapKeyBlob:
    blocks = draw(st.integers(3, 34))
    return bf.SymmetricWrapKeyBlob(
        key_alg=draw(st.sampled_from(_DATA_ALGS)),
        wrap_alg=draw(st.sampled_from([bf.AlgId.CALG_3DES, bf.AlgId.CALG_RC2])),
        wrapped_key=draw(st.binary(min_size=8 * blocks, max_size=8 * blocks)),
    )


def symmetric_wrap_key_blobs() -> st.SearchStrategy[bf.SymmetricWrapKeyBlob]:
    """SYMMETRICWRAPKEYBLOBs (SPEC §10): a wrap of 24..272 bytes (arbitrary content)."""
    return _symmetric_wrap()


def _opaque_kind(cls: type[_T]) -> st.SearchStrategy[_T]:
    return st.builds(
        cls,
        version=st.integers(0, 255),
        key_alg=st.integers(0, 0xFFFFFFFF),
        body=st.binary(max_size=64),
    )


def opaque_blobs() -> st.SearchStrategy[
    bf.OpaqueKeyBlob | bf.PublicKeyBlobEx | bf.KeyStateBlob
]:
    """OPAQUEKEYBLOB, PUBLICKEYBLOBEX and KEYSTATEBLOB (SPEC §11): any header, any body."""
    return st.one_of(
        _opaque_kind(bf.OpaqueKeyBlob),
        _opaque_kind(bf.PublicKeyBlobEx),
        _opaque_kind(bf.KeyStateBlob),
    )


# -- PVK files --------------------------------------------------------------------------


@st.composite
def _pvk(
    draw: st.DrawFn, encrypted: bool | None, password: bytes, real_keys: bool
) -> bf.PVKFile:
    inner: bf.Blob = draw(
        st.one_of(
            rsa_private_blobs(real_keys=real_keys),
            dss_private_blobs(version=2, real_keys=real_keys),
        )
    )
    if (
        isinstance(inner, bf.RSAPrivateKeyBlob)
        and inner.key_alg == bf.AlgId.CALG_RSA_KEYX
    ):
        key_type = bf.PVKKeyType.AT_KEYEXCHANGE
    else:
        key_type = bf.PVKKeyType.AT_SIGNATURE
    if not draw(_choice(encrypted, (False, True))):
        return bf.PVKFile(
            key_type=key_type, encrypted=False, salt=b"", key_data=inner.to_bytes()
        )
    return _pvkfile._encrypt(
        inner.to_bytes(),
        key_type,
        password,
        strength=draw(st.sampled_from(("strong", "weak"))),
        salt=draw(st.binary(min_size=16, max_size=16)),
    )


def pvk_files(
    encrypted: bool | None = None,
    *,
    password: bytes = PVK_PASSWORD,
    real_keys: bool = True,
) -> st.SearchStrategy[bf.PVKFile]:
    """PVK files (SPEC §12) holding an RSA or DSS (version 2) private key blob.

    :param encrypted: ``True`` for RC4-encrypted files (strong or weak key,
        random salt), ``False`` for plain ones; both by default.
    :param password: the password of the encrypted files.
    :param real_keys: the inner blob holds a real key (see :func:`rsa_private_blobs`).
    """
    if not isinstance(password, bytes):
        raise InvalidArgument("password must be bytes")
    return _pvk(encrypted, password, real_keys)


def blobs(*, real_keys: bool = True) -> st.SearchStrategy[bf.Blob]:
    """Any blob kind blobformat parses, PVK files included.

    :param real_keys: passed to every key strategy.
    """
    return st.one_of(
        rsa_public_blobs(real_keys=real_keys),
        rsa_private_blobs(real_keys=real_keys),
        dss_public_blobs(real_keys=real_keys),
        dss_private_blobs(real_keys=real_keys),
        dh_public_blobs(real_keys=real_keys),
        dh_private_blobs(real_keys=real_keys),
        simple_blobs(),
        plaintext_key_blobs(),
        symmetric_wrap_key_blobs(),
        opaque_blobs(),
        pvk_files(real_keys=real_keys),
    )


# -- near-valid hostile variants -------------------------------------------------------

# Declared lengths that lie: the SPEC's limits, one past them, and absurd values.
_LYING_LENGTHS = (
    0,
    1,
    8,
    16,
    24,
    160,
    383,
    384,
    511,
    512,
    513,
    1023,
    1024,
    1025,
    3072,
    3073,
    4096,
    4097,
    16384,
    16385,
    0x7FFFFFFF,
    0x80000000,
    0xFFFFFFF8,
    0xFFFFFFFF,
)
_LENGTH_WORDS = ("bit_length", "length", "size")


def _spans(data: bytes, original: object) -> tuple[bf.FieldSpan, ...]:
    if isinstance(original, bf.Blob):
        return tuple(s for s in original.layout() if s.size > 0)
    try:
        return tuple(s for s in bf.parse(data).layout() if s.size > 0)
    except bf.BlobError:
        return ()


def _le(value: int, size: int) -> bytes:
    return (value % (1 << (8 * size))).to_bytes(size, "little")


@st.composite
def _new_field_value(draw: st.DrawFn, old: bytes, lying: bool) -> bytes:
    """One change to a field's bytes: a step, a bit flip, an extreme, a lie, noise."""
    size = len(old)
    value = int.from_bytes(old, "little")
    ops = ("step", "flip", "extreme", "noise", *(("lie", "lie") if lying else ()))
    op = draw(st.sampled_from(ops))
    if op == "step":
        value += draw(st.integers(-300, 300).filter(bool))
    elif op == "flip":
        value ^= 1 << draw(st.integers(0, 8 * size - 1))
    elif op == "extreme":
        value = draw(st.sampled_from((0, 1, (1 << 8 * size) - 1, 1 << (8 * size - 1))))
    elif op == "lie":
        value = draw(st.sampled_from(_LYING_LENGTHS))
    else:
        return draw(st.binary(min_size=size, max_size=size))
    return _le(value, size)


@st.composite
def _mutate(draw: st.DrawFn, source: st.SearchStrategy[bf.Blob | bytes]) -> bytes:
    original = draw(source)
    data = original if isinstance(original, bytes) else original.to_bytes()
    spans = _spans(data, original)
    lengths = [s for s in spans if any(w in s.path for w in _LENGTH_WORDS)]
    ops = ["truncate", "append"]
    if spans:
        ops += ["field", "field", "field", "drop", "repeat"]
    if lengths:
        ops += ["length", "length"]
    op = draw(st.sampled_from(ops))
    if op in ("field", "length"):
        span = draw(st.sampled_from(lengths if op == "length" else spans))
        end = span.offset + span.size
        new = draw(_new_field_value(data[span.offset : end], lying=op == "length"))
        out = data[: span.offset] + new + data[end:]
    elif op == "drop":
        span = draw(st.sampled_from(spans))
        out = data[: span.offset] + data[span.offset + span.size :]
    elif op == "repeat":
        span = draw(st.sampled_from(spans))
        end = span.offset + span.size
        out = data[:end] + data[span.offset : end] + data[end:]
    elif op == "truncate":
        edges = sorted(
            {e for s in spans for e in (s.offset, s.offset + 1, s.offset + s.size - 1)}
            & set(range(len(data)))
        )
        cut = st.integers(0, max(0, len(data) - 1))
        out = data[: draw(st.sampled_from(edges) | cut if edges else cut)]
    else:
        out = data + draw(st.binary(min_size=1, max_size=64))
    if out == data:  # a step of zero or a random draw equal to the original
        out = data + b"\x00"
    return out


def mutated(
    blobs: st.SearchStrategy[bf.Blob]
    | st.SearchStrategy[bytes]
    | st.SearchStrategy[bf.Blob | bytes],
) -> st.SearchStrategy[bytes]:
    """Near-valid hostile variants of what ``blobs`` draws, as bytes.

    Exactly one change per example, chosen as the structure-aware fuzz
    harness does: a field's value off by a small step, a flipped bit, an
    extreme value or random bytes; a length or bit-length field that lies; a
    truncation at (or one byte around) a field boundary or anywhere; a field
    removed or repeated; bytes appended. The result always differs from the
    original; it may still be valid (a changed modulus is a valid modulus).

    :param blobs: a strategy of models (any strategy of this module) or of
        bytes (parsed to find the fields; unparseable bytes get truncations
        and appended bytes only).
    """
    source: st.SearchStrategy[bf.Blob | bytes] = blobs
    return _mutate(source)
