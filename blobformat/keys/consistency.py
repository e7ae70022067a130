# SPDX-License-Identifier: Apache-2.0
"""The fast relation checks of SPEC §14.2 ([KEY-1]..[KEY-4]) on a parsed blob.

:func:`check_relations` applies every relation a blob's own numbers allow,
without primality proofs and without building a ``cryptography`` key object,
so its cost is a few big-number products and, for DSS and DH, a few modular
exponentiations. It is what the scanner (SPEC Appendix F) calls "consistent".
[KEY-5] (what a key library can represent) is deliberately not applied: a
768-bit DSS key is a valid blob.
"""

from __future__ import annotations

import typing

from blobformat.codec.cng import (
    CngBlob,
    CngDHPrivateBlob,
    CngDHPublicBlob,
    CngDSAPrivateBlob,
    CngDSAPublicBlob,
    CngECCFullKeyBlob,
    CngECCPrivateBlob,
    CngECCPublicBlob,
    CngKeyDataBlob,
    CngRSAFullPrivateBlob,
    CngRSAPrivateBlob,
)
from blobformat.codec.models import (
    AnyBlob,
    DHPrivateKeyBlob,
    DHPrivateKeyBlobV3,
    DHPublicKeyBlob,
    DHPublicKeyBlobV3,
    DSSPrivateKeyBlob,
    DSSPrivateKeyBlobV3,
    DSSPublicKeyBlob,
    DSSPublicKeyBlobV3,
    PVKFile,
    RSAPrivateKeyBlob,
    RSAPublicKeyBlob,
)
from blobformat.errors import (
    InvalidParameterError,
    KeyConversionError,
    UnsupportedBlobError,
)
from blobformat.keys.convert import load_private_key, load_public_key, y_mismatch
from blobformat.keys.relations import (
    _check_group,
    _check_rsa_private,
    _check_rsa_public,
    _check_x,
    _check_y,
    g_pow_x,
)

__all__ = ["GroupCache", "check_relations"]

#: Groups (p, q, g, j) already found consistent: DSS and DH keys share groups,
#: and checking one costs a modular exponentiation. Public values only.
GroupCache = dict[tuple[int, int | None, int, int | None], bool]


def _group(
    p: int, q: int | None, g: int, j: int | None, what: str, cache: GroupCache | None
) -> None:
    if cache is not None and cache.get((p, q, g, j)):
        return
    _check_group(p, q, g, j, what=what)
    if cache is not None:
        if len(cache) >= 64:
            cache.clear()
        cache[(p, q, g, j)] = True


def check_relations(blob: AnyBlob, *, groups: GroupCache | None = None) -> None:
    """Check the relations between a blob's numbers (SPEC §14.2 KEY-1..KEY-4).

    Session-key blobs, opaque kinds and encrypted PVK files carry no numbers
    to relate and always pass; an unencrypted PVK file is checked through its
    inner blob. A version-2 DH public blob holds y only (its group is the
    provider's, [KEY-6]): of [KEY-3] only ``1 < y`` can be checked.

    :param groups: a cache of the groups found consistent so far, kept by the
        caller across calls (the scanner keeps one per scan).
    :raises KeyConversionError: naming the first relation that fails.
    """
    if isinstance(blob, _CNG_MODELS):
        _check_cng(blob, groups)
        return
    if isinstance(blob, PVKFile):
        if blob.blob is None:
            return
        blob = blob.blob
    if isinstance(blob, RSAPublicKeyBlob):
        _check_rsa_public(blob.modulus, blob.public_exponent)
    elif isinstance(blob, RSAPrivateKeyBlob):
        _check_rsa_private(blob)
    elif isinstance(blob, DSSPublicKeyBlob | DSSPublicKeyBlobV3):
        j = blob.j if isinstance(blob, DSSPublicKeyBlobV3) else None
        _group(blob.p, blob.q, blob.g, j, "DSS", groups)
        _check_y(blob.p, blob.q, blob.y, what="DSS")
    elif isinstance(blob, DSSPrivateKeyBlob | DSSPrivateKeyBlobV3):
        j = blob.j if isinstance(blob, DSSPrivateKeyBlobV3) else None
        _group(blob.p, blob.q, blob.g, j, "DSS", groups)
        _check_x(blob.p, blob.q, blob.x, what="DSS")
        if isinstance(blob, DSSPrivateKeyBlobV3):
            # y == g^x with g of order q puts y in the subgroup: the range is
            # the only part of [KEY-3] left to check on y.
            _check_y(blob.p, None, blob.y, what="DSS")
            if g_pow_x(blob.p, blob.g, blob.x, what="DSS") != blob.y:
                raise y_mismatch("DSS")
    elif isinstance(blob, DHPublicKeyBlob):
        if blob.y < 2:
            raise KeyConversionError(
                "DH public value out of range (relation: 1 < y)",
                relation="1 < y",
                rule="KEY-3",
            )
    elif isinstance(blob, DHPublicKeyBlobV3):
        _group(blob.p, blob.q, blob.g, blob.j, "DH", groups)
        _check_y(blob.p, blob.q, blob.y, what="DH")
    elif isinstance(blob, DHPrivateKeyBlob | DHPrivateKeyBlobV3):
        q = blob.q if isinstance(blob, DHPrivateKeyBlobV3) else None
        j = blob.j if isinstance(blob, DHPrivateKeyBlobV3) else None
        _group(blob.p, q, blob.g, j, "DH", groups)
        _check_x(blob.p, q, blob.x, what="DH")
        if isinstance(blob, DHPrivateKeyBlobV3):
            # y == g^x with g of order q puts y in the subgroup: the range is
            # the only part of [KEY-3] left to check on y.
            _check_y(blob.p, None, blob.y, what="DH")
            if g_pow_x(blob.p, blob.g, blob.x, what="DH") != blob.y:
                raise y_mismatch("DH")


_CNG_MODELS = typing.get_args(CngBlob)
_CNG_PRIVATE = (
    CngRSAPrivateBlob,
    CngRSAFullPrivateBlob,
    CngECCPrivateBlob,
    CngDSAPrivateBlob,
    CngDHPrivateBlob,
)


def _check_cng(blob: CngBlob, groups: GroupCache | None) -> None:
    """The relations of a CNG key blob (SPEC §20, Appendix F.4).

    Without a primality proof (as for CryptoAPI blobs here). DSA and DH take
    the CryptoAPI blobs' checks: the key loaders would apply [KEY-5] and hide
    a 512-bit DSA key that the same key's CryptoAPI blob does not hide. RSA
    and EC keys go through the CNG key loaders. A generic ECC blob names no
    curve: its point can only be checked on a curve the caller names, so it
    passes; a key-data blob holds no numbers.
    """
    if isinstance(blob, CngDSAPublicBlob | CngDSAPrivateBlob):
        _group(blob.p, blob.q, blob.g, None, "DSA", groups)
        _check_y(blob.p, blob.q, blob.y, what="DSA")
        if isinstance(blob, CngDSAPrivateBlob):
            _check_x(blob.p, blob.q, blob.x, what="DSA")
            if g_pow_x(blob.p, blob.g, blob.x, what="DSA") != blob.y:
                raise y_mismatch("DSA")
        return
    if isinstance(blob, CngDHPublicBlob | CngDHPrivateBlob):
        _group(blob.p, None, blob.g, None, "DH", groups)
        _check_y(blob.p, None, blob.y, what="DH")
        if isinstance(blob, CngDHPrivateBlob):
            _check_x(blob.p, None, blob.x, what="DH")
            if g_pow_x(blob.p, blob.g, blob.x, what="DH") != blob.y:
                raise y_mismatch("DH")
        return
    if isinstance(blob, CngKeyDataBlob | CngECCFullKeyBlob) or (
        isinstance(blob, CngECCPublicBlob | CngECCPrivateBlob) and blob.curve is None
    ):
        return
    try:
        if isinstance(blob, _CNG_PRIVATE):
            load_private_key(
                blob.to_bytes(), unsafe_skip_rsa_key_validation=True, max_bits=None
            )
        else:
            load_public_key(blob.to_bytes(), max_bits=None)
    except (InvalidParameterError, UnsupportedBlobError) as err:
        raise KeyConversionError(str(err), rule=err.rule or "KEY-3") from None
