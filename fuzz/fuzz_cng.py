# SPDX-License-Identifier: Apache-2.0
"""Fuzz the CNG key blobs: parse, load, dump and convert_blob (SPEC §20).

Input. Bytes that start with a CNG magic are used as they are; any other
non-empty input ``b`` becomes ``magic[b[0]] + b[1:]`` (the magics of
``blobformat.codec.cng.KINDS`` in sorted order), so that the fuzzer spends its
time in the bodies rather than in finding the magics. CryptoAPI key blobs are
also converted to CNG and back.

Invariant. For the CNG input ``c``:

- ``parse(c)`` returns a model ``m`` with ``m.to_bytes() == c``, a
  ``layout()`` that tiles ``c`` and a short ``repr``; or raises a
  ``BlobError`` with well-formed attributes (``_fuzzlib.check_error``);
- for a key model, ``load_public_key`` / ``load_private_key`` (generic ECC
  magics with the P-curve whose size ``cbKey`` is, RSA without the primality
  test, DH up to 1024 bits) return a key whose numbers are the blob's, or
  raise a ``BlobError``; an accepted RSA, named-curve ECC or DH key is written
  back by ``dump_*_key(format="cng")`` to exactly ``c``;
- ``export_public_key`` of a public blob that loads equals the loaded key's
  SubjectPublicKeyInfo (DSA and DH encoded without cryptography's classes);
- differential (OpenSSL through cryptography's point decoding): a named-curve
  public point loads exactly when ``EllipticCurvePublicKey.from_encoded_point``
  accepts ``04 || X || Y``;
- ``convert_blob(c, to="capi")`` returns a blob that ``parse`` accepts as a
  CryptoAPI key blob, or raises a ``BlobError``; for RSA1, RSA3, DSPB, DHPB
  and DHPV converting the result back gives exactly ``c``;
- a CryptoAPI RSA, DSS version 2 or (seedless, q-less) DH version 3 key blob
  ``k`` that ``convert_blob(k, to="cng")`` accepts converts back to exactly
  ``k`` with its own ``aiKeyAlg``;
- memory stays within ``tests/test_fuzz_replay.py``'s bound.
"""

from __future__ import annotations

import sys
import warnings

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf
    from blobformat.codec import cng as _cng

from _fuzzlib import attempt, require
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

MAGICS = sorted(_cng.KINDS)
REPR_LIMIT = 1024
#: DH groups above this size are refused before OpenSSL validates them (cost).
DH_MAX_BITS = 1024
_CURVE_BY_SIZE = {32: "P-256", 48: "P-384", 66: "P-521"}
_CURVES = {"P-256": ec.SECP256R1(), "P-384": ec.SECP384R1(), "P-521": ec.SECP521R1()}
#: CNG kinds whose conversion to CryptoAPI and back is the identity.
_ROUND_TRIP = {b"RSA1", b"RSA3", b"DSPB", b"DHPB", b"DHPV"}


def cng_input(data: bytes) -> bytes:
    """The CNG blob this harness checks for ``data``."""
    if data[:4] in _cng.KINDS or not data:
        return data
    return MAGICS[data[0] % len(MAGICS)] + data[1:]


def _layout(model: object, size: int) -> None:
    position = 0
    for span in model.layout():  # type: ignore[attr-defined]
        require(
            span.offset == position,
            f"layout: {span.path} at {span.offset}, expected {position}",
        )
        position += span.size
    require(position == size, f"layout ends at {position} of {size}")


def _numbers(model: object) -> dict[str, int]:
    names = (
        "modulus",
        "public_exponent",
        "prime1",
        "prime2",
        "x",
        "y",
        "d",
        "p",
        "q",
        "g",
    )
    return {n: v for n in names if isinstance(v := getattr(model, n, None), int)}


def _key_numbers(key: object) -> dict[str, int]:
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        priv = (
            key.private_numbers()
            if isinstance(key, ec.EllipticCurvePrivateKey)
            else None
        )
        pub = priv.public_numbers if priv is not None else key.public_numbers()  # type: ignore[union-attr]
        out = {"x": pub.x, "y": pub.y}
        return out if priv is None else {**out, "d": priv.private_value}
    if hasattr(key, "private_numbers"):
        nums = key.private_numbers()  # type: ignore[attr-defined]
        pub = nums.public_numbers
    else:
        nums, pub = None, key.public_numbers()  # type: ignore[attr-defined]
    if hasattr(pub, "n"):
        out = {"modulus": pub.n, "public_exponent": pub.e}
        return out if nums is None else {**out, "prime1": nums.p, "prime2": nums.q}
    group = pub.parameter_numbers
    out = {"p": group.p, "g": group.g, "y": pub.y}
    if group.q is not None:
        out["q"] = group.q
    return out if nums is None else {**out, "x": nums.x}


def _check_key(data: bytes, model: object) -> None:
    role = model.role  # type: ignore[attr-defined]
    curve = None
    if (
        isinstance(model, bf.CngECCPublicBlob | bf.CngECCPrivateBlob)
        and model.curve is None
    ):
        curve = _CURVE_BY_SIZE.get(model.cb_key)
        if curve is None:
            return
    size = len(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if role == "public":
            out = attempt(
                lambda: bf.load_public_key(data, curve=curve, max_bits=DH_MAX_BITS),
                size,
            )
        else:
            out = attempt(
                lambda: bf.load_private_key(
                    data,
                    curve=curve,
                    unsafe_skip_rsa_key_validation=True,
                    max_bits=DH_MAX_BITS,
                ),
                size,
            )
    if isinstance(model, bf.CngECCPublicBlob) and model.curve is not None:
        encoded = (
            b"\x04"
            + model.x.to_bytes(model.cb_key, "big")
            + model.y.to_bytes(model.cb_key, "big")
        )
        try:
            ec.EllipticCurvePublicKey.from_encoded_point(_CURVES[model.curve], encoded)
            peer = True
        except ValueError:
            peer = False
        require(
            peer == out.ok,
            f"{model.curve} point: cryptography {peer}, blobformat {out.describe()}",
        )
    if not out.ok:
        return
    if (
        role == "public" and curve is None
    ):  # export_* takes no curve= for generic ECC blobs
        exported = attempt(
            lambda: bf.export_public_key(data, encoding="der", max_bits=DH_MAX_BITS),
            size,
        )
        spki = out.value.public_bytes(  # type: ignore[union-attr]
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        require(
            exported.value == spki,
            f"export_public_key disagrees with load: {exported.describe()}",
        )
    got = _key_numbers(out.value)
    want = _numbers(model)
    for name, value in got.items():
        if name in want:
            require(want[name] == value, f"loaded key: {name} differs from the blob's")
    if isinstance(model, bf.CngDSAPublicBlob | bf.CngDSAPrivateBlob):
        return  # writers use "no seed" and the default version
    if (
        isinstance(model, bf.CngECCPublicBlob | bf.CngECCPrivateBlob)
        and model.curve is None
    ):
        return  # a P-curve key is written with its named magic
    full = isinstance(model, bf.CngRSAFullPrivateBlob)
    ecdh = bool(getattr(model, "ecdh", False))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if role == "public":
            again = bf.dump_public_key(out.value, format="cng", ecdh=ecdh)  # type: ignore[arg-type]
        else:
            again = bf.dump_private_key(out.value, format="cng", full=full, ecdh=ecdh)  # type: ignore[arg-type]
    require(
        again == data, f"{type(model).__name__}: load then dump differs from the input"
    )


def _check_convert(data: bytes, magic: bytes) -> None:
    out = attempt(lambda: bf.convert_blob(data, to="capi"), len(data))
    if not out.ok:
        return
    capi = bf.parse(out.value)  # type: ignore[arg-type]
    require(
        not type(capi).__name__.startswith("Cng"),
        "convert_blob(to='capi') gave a CNG blob",
    )
    if magic in _ROUND_TRIP:
        back = bf.convert_blob(out.value, to="cng")  # type: ignore[arg-type]
        require(
            back == data, f"{magic!r}: CNG -> CryptoAPI -> CNG differs from the input"
        )


_CAPI_ROUND_TRIP = (
    bf.RSAPublicKeyBlob,
    bf.RSAPrivateKeyBlob,
    bf.DSSPublicKeyBlob,
    bf.DSSPrivateKeyBlob,
    bf.DHPublicKeyBlobV3,
    bf.DHPrivateKeyBlobV3,
)


def _check_capi(data: bytes) -> None:
    parsed = attempt(lambda: bf.parse(data), len(data))
    if not isinstance(parsed.value, _CAPI_ROUND_TRIP):
        return
    model = parsed.value
    out = attempt(lambda: bf.convert_blob(data, to="cng"), len(data))
    if not out.ok:
        return
    alg = model.key_alg
    back = attempt(lambda: bf.convert_blob(out.value, to="capi", alg_id=alg), len(data))  # type: ignore[arg-type]
    if isinstance(model, bf.DSSPrivateKeyBlob):
        # DSS2 has no y: the CNG blob's y is g^x mod p, which always converts back.
        require(back.ok, f"DSS2 -> CNG -> CryptoAPI failed: {back.describe()}")
    if back.ok:
        require(
            back.value == data,
            f"{type(model).__name__}: CryptoAPI -> CNG -> CryptoAPI differs",
        )


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    if data[:1] and data[:1] not in (b"R", b"E", b"D", b"K"):
        _check_capi(data)
    blob = cng_input(data)
    parsed = attempt(lambda: bf.parse(blob), len(blob))
    if parsed.value is None:
        return
    model = parsed.value
    if not type(model).__name__.startswith("Cng"):
        return
    require(
        model.to_bytes() == blob,
        f"{type(model).__name__}: to_bytes() differs from the input",
    )
    _layout(model, len(blob))
    require(len(repr(model)) <= REPR_LIMIT, "repr too long")
    if model.role != "symmetric" and not isinstance(model, bf.CngECCFullKeyBlob):  # type: ignore[union-attr]
        _check_key(blob, model)
    _check_convert(blob, blob[:4])


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
