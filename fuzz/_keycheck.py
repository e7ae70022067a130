# SPDX-License-Identifier: Apache-2.0
"""Checks on the outcome of a key conversion, shared by the key harnesses (SPEC §14).

:func:`check_key_outcome` takes a parsed key blob model and what
``load_public_key`` / ``load_private_key`` did with it, and enforces:

- an accepted key carries the model's numbers and breaks no relation of
  SPEC §14.2 (``_relations.broken`` is empty);
- a ``KeyConversionError`` names, in ``relation``, a relation that fails for
  the model's numbers (``_relations.fails``), or one of the relations whose
  outcome is OpenSSL's to decide.
"""

from __future__ import annotations

import _relations
from _fuzzlib import Outcome, key_numbers, model_numbers, require

import blobformat as bf

__all__ = ["PRIVATE_MODELS", "PUBLIC_MODELS", "check_key_outcome", "kind_of"]

PUBLIC_MODELS = (
    bf.RSAPublicKeyBlob,
    bf.DSSPublicKeyBlob,
    bf.DSSPublicKeyBlobV3,
    bf.DHPublicKeyBlob,
    bf.DHPublicKeyBlobV3,
)
PRIVATE_MODELS = (
    bf.RSAPrivateKeyBlob,
    bf.DSSPrivateKeyBlob,
    bf.DSSPrivateKeyBlobV3,
    bf.DHPrivateKeyBlob,
    bf.DHPrivateKeyBlobV3,
)


def kind_of(model: object) -> str:
    """``"rsa-public"``, ``"dsa-private"``, ... for a key blob model."""
    if isinstance(model, bf.RSAPublicKeyBlob | bf.RSAPrivateKeyBlob):
        family = "rsa"
    elif isinstance(
        model,
        bf.DSSPublicKeyBlob
        | bf.DSSPrivateKeyBlob
        | bf.DSSPublicKeyBlobV3
        | bf.DSSPrivateKeyBlobV3,
    ):
        family = "dsa"
    else:
        family = "dh"
    return f"{family}-{'public' if isinstance(model, PUBLIC_MODELS) else 'private'}"


def _check_rejection(err: bf.BlobError, model: object, numbers: dict[str, int]) -> None:
    if not isinstance(err, bf.KeyConversionError):
        return
    relation = err.relation or ""
    if relation in _relations.UNPREDICTABLE:
        return
    if relation == "p has bitlen bits":
        require(
            numbers["p"].bit_length() != getattr(model, "bit_length", None),
            "'p has bitlen bits' named for a group that has bitlen bits",
        )
        return
    verdict = _relations.fails(relation, numbers)
    require(
        verdict is not None,
        f"KeyConversionError names an unknown relation {relation!r}",
    )
    if verdict:
        return
    broken = sorted(_relations.broken(numbers, kind=kind_of(model)))
    require(
        False, f"KeyConversionError names {relation!r}, which holds; broken: {broken}"
    )


def check_key_outcome(
    model: object, outcome: Outcome[object], numbers: dict[str, int] | None = None
) -> None:
    """Check a load_*_key outcome against the model it was loaded from.

    :param numbers: the numbers to judge relations by; default the model's
        (a version-2 DH public blob needs its group added by the caller).
    """
    values = model_numbers(model) if numbers is None else numbers
    if outcome.escaped is not None:
        return
    if outcome.error is not None:
        _check_rejection(outcome.error, model, values)
        return
    kind = kind_of(model)
    got = key_numbers(outcome.value)
    for name, value in values.items():
        if name in got:
            require(
                got[name] == value, f"{kind}: the key's {name} differs from the blob's"
            )
    merged = values | {k: v for k, v in got.items() if k not in values}
    broken = _relations.broken(merged, kind=kind)
    require(not broken, f"{kind}: accepted a key that breaks {sorted(broken)}")
