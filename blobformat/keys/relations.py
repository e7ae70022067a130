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

from blobformat.codec.models import (
    Blob,
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
from blobformat.errors import KeyConversionError
from blobformat.keys.convert import (
    _check_group,
    _check_rsa_private,
    _check_rsa_public,
    _check_y,
    check_dh_private,
    check_dh_public,
    check_dss_private,
    y_mismatch,
)
from blobformat.keys.export import g_pow_x

__all__ = ["check_relations"]


def check_relations(blob: Blob) -> None:
    """Check the relations between a blob's numbers (SPEC §14.2 KEY-1..KEY-4).

    Session-key blobs, opaque kinds and encrypted PVK files carry no numbers
    to relate and always pass; an unencrypted PVK file is checked through its
    inner blob. A version-2 DH public blob holds y only (its group is the
    provider's, [KEY-6]): of [KEY-3] only ``1 < y`` can be checked.

    :raises KeyConversionError: naming the first relation that fails.
    """
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
        _check_group(blob.p, blob.q, blob.g, j, what="DSS")
        _check_y(blob.p, blob.q, blob.y, what="DSS")
    elif isinstance(blob, DSSPrivateKeyBlob | DSSPrivateKeyBlobV3):
        check_dss_private(blob)
        if isinstance(blob, DSSPrivateKeyBlobV3) and g_pow_x(blob.p, blob.g, blob.x, what="DSS") != blob.y:
            raise y_mismatch("DSS")
    elif isinstance(blob, DHPublicKeyBlob):
        if blob.y < 2:
            raise KeyConversionError(
                "DH public value out of range (relation: 1 < y)", relation="1 < y", rule="KEY-3"
            )
    elif isinstance(blob, DHPublicKeyBlobV3):
        check_dh_public(blob, None)
    elif isinstance(blob, DHPrivateKeyBlob | DHPrivateKeyBlobV3):
        check_dh_private(blob)
        if isinstance(blob, DHPrivateKeyBlobV3) and g_pow_x(blob.p, blob.g, blob.x, what="DH") != blob.y:
            raise y_mismatch("DH")
