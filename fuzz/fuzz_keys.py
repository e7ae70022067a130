# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``load_public_key``, ``load_private_key`` and ``export_*`` (SPEC §14).

Invariant. For any bytes ``b``:

- both calls return a key or raise a ``BlobError`` subclass, never another
  exception; when ``parse(b)`` fails, both fail with the same error (they
  parse first), and a blob of the other kind is an ``UnsupportedBlobError``;
- an accepted key carries exactly the numbers of ``parse(b)`` and satisfies
  every relation of SPEC §14.2, evaluated independently by ``_relations``
  (no check skipped); it re-encodes with ``dump_*_key`` (same ``aiKeyAlg``
  and version) to a blob with the same numbers, or the encoder refuses it
  with a ``BlobError`` (SPEC §14.3 [KEY-8]: a modulus below 384 bits, ...);
- a ``KeyConversionError`` names, in ``relation``, a relation that does fail
  for the blob's numbers;
- version-2 DH public blobs are loaded with a fixed 1024-bit group when
  their bit length fits it (SPEC §14.2 [KEY-6]), and without one they fail
  with ``InvalidParameterError``;
- ``export_public_key`` / ``export_private_key`` (SPEC §14.4) fail as parse
  does on unparsable bytes, refuse a blob of the other kind, and otherwise
  agree with the loader: for a key the loader accepts, the export equals
  cryptography's SubjectPublicKeyInfo / PKCS#8 of that key (RSA private
  blobs are exported with cryptography's primality check, so there the
  export may refuse with ``p and q prime`` where the unsafe load passed);
  a refused load (other than [KEY-5], a key-library limit) is a refused export;
- memory stays within the replay test's bound and the campaign RSS limit.

CNG blobs (SPEC §20) are checked by ``fuzz_cng.py``: this harness skips them.

RSA keys are loaded with ``unsafe_skip_rsa_key_validation=True`` (the
arithmetic relations are still checked; primality is not); keys of up to
1100 bits are loaded a second time with full validation, which must agree
or refuse with ``p and q prime``.
"""

from __future__ import annotations

import sys
import warnings

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf

from _fuzzlib import (
    MODP_1024,
    Outcome,
    attempt,
    model_numbers,
    require,
    same_failure,
)
from _keycheck import PRIVATE_MODELS, PUBLIC_MODELS, check_key_outcome
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh
from cryptography.utils import CryptographyDeprecationWarning

FULL_VALIDATION_MAX_BITS = 1100

# Fields that may differ between a blob and the canonical blob of its key
# (SPEC §14.3: writers use exact bit lengths and "no seed").
_WRITER_CHOICES = frozenset(
    {
        "bit_length",
        "bit_length_p",
        "bit_length_q",
        "bit_length_j",
        "bit_length_x",
        "seed",
    }
)


def _group() -> dh.DHParameterNumbers:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        return dh.DHParameterNumbers(MODP_1024, 2)


def _numbers_for_relations(
    model: object, group: dh.DHParameterNumbers | None
) -> dict[str, int]:
    numbers = model_numbers(model)
    if isinstance(model, bf.DHPublicKeyBlob) and group is not None:
        numbers.update(p=group.p, g=group.g)
    return numbers


def _check_redump(key: object, model: bf.Blob) -> None:
    version = model.header.version
    alg = model.header.key_alg
    if isinstance(model, PUBLIC_MODELS):
        redo = attempt(lambda: bf.dump_public_key(key, alg_id=alg, version=version), 0)  # type: ignore[arg-type]
    else:
        redo = attempt(lambda: bf.dump_private_key(key, alg_id=alg, version=version), 0)  # type: ignore[arg-type]
    if redo.value is None:
        # SPEC §14.3 [KEY-8]: a key the layout cannot hold again is refused.
        require(
            isinstance(redo.error, bf.KeyConversionError | bf.InvalidParameterError),
            f"dump_*_key: {redo.describe()}",
        )
        return
    again = bf.parse(redo.value)
    require(type(again) is type(model), "dump_*_key wrote another kind of blob")
    optional = set() if getattr(model, "j", None) is not None else {"j"}
    before, after = model_numbers(model), model_numbers(again)
    require(
        all(after.get(k) == v for k, v in before.items()), "dump_*_key changed a number"
    )
    require(set(after) - set(before) <= optional, "dump_*_key added a number")
    for name in type(model).__dataclass_fields__:
        if name in _WRITER_CHOICES or name in optional or name == "tolerated":
            continue
        require(
            getattr(again, name) == getattr(model, name), f"dump_*_key changed {name}"
        )


def _load(data: bytes, model: object, private: bool) -> Outcome[object]:
    size = len(data)
    if private:
        return attempt(
            lambda: bf.load_private_key(data, unsafe_skip_rsa_key_validation=True), size
        )
    if isinstance(model, bf.DHPublicKeyBlob):
        bare = attempt(lambda: bf.load_public_key(data), size)
        require(
            isinstance(bare.error, bf.InvalidParameterError),
            f"a version-2 DH public blob without a group: {bare.describe()}",
        )
        return attempt(lambda: bf.load_public_key(data, parameters=_group()), size)
    return attempt(lambda: bf.load_public_key(data), size)


def _export(data: bytes, model: object, private: bool) -> Outcome[bytes]:
    size = len(data)
    if private:
        return attempt(lambda: bf.export_private_key(data, encoding="der"), size)
    group = None
    if isinstance(model, bf.DHPublicKeyBlob):
        numbers = _group()
        group = (numbers.p, numbers.g)
    return attempt(
        lambda: bf.export_public_key(data, encoding="der", parameters=group), size
    )


def _check_export(
    data: bytes, model: object, private: bool, loaded: Outcome[object]
) -> None:
    exported = _export(data, model, private)
    if not loaded.ok:
        if (
            isinstance(loaded.error, bf.KeyConversionError)
            and loaded.error.rule == "KEY-5"
        ):
            return  # the key library's limit, not the blob's
        require(
            not exported.ok, f"export accepted what load refused: {loaded.describe()}"
        )
        return
    if not exported.ok:
        require(
            private
            and isinstance(model, bf.RSAPrivateKeyBlob | bf.PVKFile)
            and isinstance(exported.error, bf.KeyConversionError)
            and exported.error.relation in ("p and q prime", "key size <= max_bits"),
            f"export refused what load accepted: {exported.describe()}",
        )
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        key = loaded.value
        if private:
            expected = key.private_bytes(  # type: ignore[union-attr]
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        else:
            expected = key.public_bytes(  # type: ignore[union-attr]
                serialization.Encoding.DER,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
    require(exported.value == expected, "export differs from cryptography's encoding")


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    size = len(data)
    parsed = attempt(lambda: bf.parse(data), size)
    if parsed.value is None:
        assert parsed.error is not None
        for private in (False, True):
            for out in (_load(data, None, private), _export(data, None, private)):
                require(
                    out.error is not None and same_failure(out.error, parsed.error),
                    f"load/export ({'private' if private else 'public'}) does not fail as "
                    f"parse does: {out.describe()} vs {parsed.describe()}",
                )
        return
    model: bf.Blob = parsed.value
    if type(model).__name__.startswith("Cng"):
        return  # fuzz_cng.py
    inner = model.blob if isinstance(model, bf.PVKFile) else model
    for private in (False, True):
        out = _load(data, model, private)
        fits = isinstance(inner, PRIVATE_MODELS if private else PUBLIC_MODELS)
        if not fits:
            require(
                isinstance(out.error, bf.UnsupportedBlobError),
                f"{type(model).__name__} loaded as {'private' if private else 'public'}: "
                f"{out.describe()}",
            )
            if private:
                # A public key blob has no PKCS#8 form; an encrypted PVK file needs
                # its password first.
                refused = _export(data, model, private)
                encrypted = isinstance(model, bf.PVKFile) and model.encrypted
                expected = bf.PasswordError if encrypted else bf.UnsupportedBlobError
                require(
                    isinstance(refused.error, expected),
                    f"{type(model).__name__} exported as private: {refused.describe()}",
                )
            continue
        _check_export(data, model, private, out)
        group = _group() if isinstance(inner, bf.DHPublicKeyBlob) else None
        numbers = _numbers_for_relations(inner, group)
        check_key_outcome(inner, out, numbers)
        if not out.ok:
            continue
        _check_redump(out.value, inner)  # type: ignore[arg-type]
        if (
            isinstance(inner, bf.RSAPrivateKeyBlob)
            and inner.bit_length <= FULL_VALIDATION_MAX_BITS
        ):
            full = attempt(lambda: bf.load_private_key(data), size)
            require(
                full.ok
                or (
                    isinstance(full.error, bf.KeyConversionError)
                    and full.error.relation == "p and q prime"
                ),
                f"full validation disagrees: {full.describe()}",
            )


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
