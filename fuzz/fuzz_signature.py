# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``sign_hash`` and ``verify_signature`` (SPEC §15.9).

The input is read as choices (``_fuzzlib.Choices``): a key, then a hash
algorithm, the flags, the data, a bit to flip and, as the rest of the input,
a signature. The key is one of the fixed test keys (``rsa-520`` and
``rsa-1032`` as PRIVATEKEYBLOB, ``rsa-1032`` as PUBLICKEYBLOB and as a
``cryptography`` object, ``dsa-1024`` as private and public DSS blob,
``rsa-520`` as a plain PVK file) or hostile key bytes (any blob or PVK
file). The hash algorithm is one of the eight of [SIG-1], one CryptoAPI
cannot sign with, or any 16-bit number; ``no_hash_oid`` and ``prehashed``
take every combination; data and signature arrive as ``bytes``,
``bytearray`` or ``memoryview``.

Invariant. For any choices:

- both calls return or raise a ``BlobError`` subclass, never another
  exception (the documented ``TypeError`` needs arguments of the wrong type,
  which this harness does not pass);
- an unknown hash algorithm is ``InvalidParameterError`` SIG-1; otherwise a
  key that cannot be used fails exactly as loading it does (``parse``, then
  ``load_private_key`` / ``load_public_key`` on the blob; an encrypted PVK
  file is ``PasswordError`` PVK-9; a blob of another kind, or a public blob
  given to ``sign_hash``, is ``InvalidParameterError`` SIG-4); otherwise the
  call fails exactly when one of SIG-1..SIG-4 applies (the hash for the key
  type, the prehashed length, ``k >= len(T) + 11``, a 160-bit DSS q,
  ``no_hash_oid`` with DSS), with one of those rules;
- otherwise ``verify_signature`` accepts exactly the signatures this
  harness's own check accepts: RSA, ``len == k``, the little-endian integer
  ``s < n`` and ``s^e mod n == 00 01 FF..FF 00 T`` with T built here from
  SPEC §15.9 (hashes from ``hashlib``; MD2 and MD4, which OpenSSL 3 lacks,
  from ``blobformat.capi.hashes``); DSS, 40 bytes, r and s little-endian in
  1..q-1, and ``cryptography`` verifies (r, s) over the SHA-1 value. Every
  refusal is one ``BadSignatureError`` SIG-5: one message, field
  ``signature``, no offset, no cause;
- byte order: an accepted RSA signature reversed is a big-endian signature
  ``cryptography`` verifies (``Prehashed`` for MD5, SHA-1 and SHA-2 with the
  DigestInfo); a signature ``sign_hash`` makes reversed equals
  ``cryptography``'s own signature of the same payload (RSA is
  deterministic);
- ``sign_hash`` (private keys) succeeds exactly when verification's
  conditions allow, and its signature verifies with the same key bytes; the
  signature with any one bit flipped never verifies (``BadSignatureError``,
  the same message);
- no error message shows a private number of a fixed key or of the hostile
  key blob (decimal, or hex in either byte order);
- memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import contextlib
import hashlib
import sys
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf
    from blobformat.capi.hashes import digest as _bf_digest

from _fuzzlib import (
    Choices,
    Outcome,
    attempt,
    check_no_secret,
    check_uniform_error,
    dsa_key,
    key_numbers,
    model_numbers,
    require,
    rsa_key,
    same_failure,
    secret_texts,
)
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.asymmetric import utils as asym_utils
from cryptography.utils import CryptographyDeprecationWarning

_A = bf.AlgId

#: SPEC §15.9: the DigestInfo prefix and digest length of each RSA hash (None: no prefix).
_HASHES: dict[int, tuple[bytes | None, int]] = {
    _A.CALG_MD2: (bytes.fromhex("3020300c06082a864886f70d020205000410"), 16),
    _A.CALG_MD4: (bytes.fromhex("3020300c06082a864886f70d020405000410"), 16),
    _A.CALG_MD5: (bytes.fromhex("3020300c06082a864886f70d020505000410"), 16),
    _A.CALG_SHA1: (bytes.fromhex("3021300906052b0e03021a05000414"), 20),
    _A.CALG_SHA_256: (bytes.fromhex("3031300d060960864801650304020105000420"), 32),
    _A.CALG_SHA_384: (bytes.fromhex("3041300d060960864801650304020205000430"), 48),
    _A.CALG_SHA_512: (bytes.fromhex("3051300d060960864801650304020305000440"), 64),
    _A.CALG_SSL3_SHAMD5: (None, 36),
}
_HASHLIB = {
    _A.CALG_MD5: "md5",
    _A.CALG_SHA1: "sha1",
    _A.CALG_SHA_256: "sha256",
    _A.CALG_SHA_384: "sha384",
    _A.CALG_SHA_512: "sha512",
}
_PREHASHED: dict[int, Callable[[], hashes.HashAlgorithm]] = {
    _A.CALG_MD5: hashes.MD5,
    _A.CALG_SHA1: hashes.SHA1,
    _A.CALG_SHA_256: hashes.SHA256,
    _A.CALG_SHA_384: hashes.SHA384,
    _A.CALG_SHA_512: hashes.SHA512,
}
#: Hash choices: the eight of SIG-1 and some ALG_IDs that cannot sign (then any 16 bits).
ALG_CHOICES = (
    *_HASHES,
    _A.CALG_SHA_256,
    _A.CALG_HMAC,
    _A.CALG_RC4,
    _A.CALG_RSA_SIGN,
    0,
)
_PRIVATE_NAMES = ("d", "p", "q", "dp", "dq", "qinv", "x")


@dataclass(frozen=True)
class FixedKey:
    """A fixed key form: what is passed, whether it signs, its cryptography key."""

    name: str
    value: object
    private: bool
    key: object


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # DSA is deprecated by cryptography 51, and blobformat answers with LegacyKeyWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        warnings.simplefilter("ignore", bf.LegacyKeyWarning)
        yield


_FIXED: list[FixedKey] = []
_FIXED_SECRETS: set[str] = set()


def fixed_keys() -> list[FixedKey]:
    """The fixed key forms (built once)."""
    if not _FIXED:
        r520, r1032, d1024 = (
            rsa_key("rsa-520"),
            rsa_key("rsa-1032"),
            dsa_key("dsa-1024"),
        )
        with _quiet():
            _FIXED.extend(
                (
                    FixedKey(
                        "rsa-520 private blob", bf.dump_private_key(r520), True, r520
                    ),
                    FixedKey(
                        "rsa-1032 private blob", bf.dump_private_key(r1032), True, r1032
                    ),
                    FixedKey(
                        "rsa-1032 public blob",
                        bf.dump_public_key(r1032.public_key()),
                        False,
                        r1032.public_key(),
                    ),
                    FixedKey("rsa-1032 object", r1032, True, r1032),
                    FixedKey(
                        "dsa-1024 private blob", bf.dump_private_key(d1024), True, d1024
                    ),
                    FixedKey(
                        "dsa-1024 public blob",
                        bf.dump_public_key(d1024.public_key()),
                        False,
                        d1024.public_key(),
                    ),
                    FixedKey("rsa-520 plain PVK", bf.dump_pvk(r520), True, r520),
                )
            )
            for key in (r520, r1032, d1024):
                _FIXED_SECRETS.update(secret_texts(key_numbers(key), _PRIVATE_NAMES))
    return _FIXED


# -- the harness's own view of keys, hashes and signatures ------------------------------


@dataclass(frozen=True)
class Expected:
    """What a call must do: fail like ``error`` or with a rule of ``rules``, or go on."""

    error: bf.BlobError | None = None
    rules: frozenset[tuple[str, str]] = frozenset()


def _load(
    blob: bytes, private: bool
) -> tuple[object | None, bf.BlobError | None, frozenset[str]]:
    """Key bytes as SPEC §15.9 reads them: the key, or the error, and its secrets."""
    parsed = attempt(lambda: bf.parse(blob), len(blob))
    if parsed.error is not None:
        return None, parsed.error, frozenset()
    model = parsed.value
    if isinstance(model, bf.PVKFile):
        if model.blob is None:
            return None, bf.PasswordError("encrypted", rule="PVK-9"), frozenset()
        model = model.blob
    secrets = secret_texts(model_numbers(model), _PRIVATE_NAMES)
    private_kinds = bf.RSAPrivateKeyBlob | bf.DSSPrivateKeyBlob | bf.DSSPrivateKeyBlobV3
    public_kinds = bf.RSAPublicKeyBlob | bf.DSSPublicKeyBlob | bf.DSSPublicKeyBlobV3
    with _quiet():
        if isinstance(model, private_kinds):
            out: Outcome[object] = attempt(
                lambda: bf.load_private_key(model), len(blob)
            )
        elif not private and isinstance(model, public_kinds):
            out = attempt(lambda: bf.load_public_key(model), len(blob))
        else:
            return (
                None,
                bf.InvalidParameterError("kind", field="key", rule="SIG-4"),
                secrets,
            )
    return out.value, out.error, secrets


def _hash_value(alg: int, data: bytes) -> bytes:
    if alg == _A.CALG_SSL3_SHAMD5:
        return hashlib.md5(data).digest() + hashlib.sha1(data).digest()  # noqa: S324
    if alg in _HASHLIB:
        return hashlib.new(_HASHLIB[alg], data).digest()
    return _bf_digest(bf.AlgId(alg), data)  # MD2, MD4: OpenSSL 3 has neither


def _is_rsa(key: object) -> bool:
    return isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey)


def _public(key: object) -> object:
    with _quiet():
        return key.public_key() if hasattr(key, "public_key") else key  # type: ignore[attr-defined]


def _rules(
    key: object, alg: int, data: bytes, no_oid: bool, prehashed: bool
) -> set[tuple[str, str]]:
    """The SIG rules (rule, field) that refuse this call; empty if none does."""
    found: set[tuple[str, str]] = set()
    prefix, size = _HASHES[alg]
    if prehashed and len(data) != size:
        found.add(("SIG-2", "data"))
    if _is_rsa(key):
        numbers = key_numbers(key)
        k = (numbers["n"].bit_length() + 7) // 8
        t_len = size + (0 if no_oid or prefix is None else len(prefix))
        if k < t_len + 11:
            found.add(("SIG-3", "key"))
        return found
    if alg != _A.CALG_SHA1:
        found.add(("SIG-1", "hash_alg"))
    if no_oid:
        found.add(("SIG-4", "no_hash_oid"))
    if key_numbers(_public(key))["q"].bit_length() != 160:
        found.add(("SIG-4", "key"))
    return found


def _encoded(k: int, payload: bytes) -> int:
    return int.from_bytes(
        b"\x00\x01" + b"\xff" * (k - 3 - len(payload)) + b"\x00" + payload, "big"
    )


def _payload(alg: int, value: bytes, no_oid: bool) -> bytes:
    prefix = _HASHES[alg][0]
    return value if no_oid or prefix is None else prefix + value


def _oracle_verifies(
    key: object, alg: int, value: bytes, sig: bytes, no_oid: bool
) -> bool:
    public = _public(key)
    numbers = key_numbers(public)
    if _is_rsa(public):
        n, e = numbers["n"], numbers["e"]
        k = (n.bit_length() + 7) // 8
        s = int.from_bytes(sig, "little")
        return (
            len(sig) == k
            and s < n
            and pow(s, e, n) == _encoded(k, _payload(alg, value, no_oid))
        )
    if len(sig) != 40:
        return False
    r, s = int.from_bytes(sig[:20], "little"), int.from_bytes(sig[20:], "little")
    if not (0 < r < numbers["q"] and 0 < s < numbers["q"]):
        return False
    try:
        with _quiet():
            public.verify(  # type: ignore[attr-defined]
                asym_utils.encode_dss_signature(r, s),
                value,
                asym_utils.Prehashed(hashes.SHA1()),  # noqa: S303 - DSS is SHA-1 here
            )
    except InvalidSignature:
        return False
    return True


def _check_byte_order(
    key: object, alg: int, value: bytes, sig: bytes, no_oid: bool, made: bool
) -> None:
    """SPEC §15.9: the RSA signature reversed is the big-endian one cryptography uses."""
    if not _is_rsa(key):
        return
    public = _public(key)
    if not no_oid and alg in _PREHASHED:
        try:
            public.verify(
                sig[::-1],
                value,
                padding.PKCS1v15(),  # type: ignore[attr-defined]
                asym_utils.Prehashed(_PREHASHED[alg]()),
            )
        except InvalidSignature:
            require(
                False,
                "an accepted signature reversed does not verify with cryptography",
            )
        if made and isinstance(key, rsa.RSAPrivateKey):
            theirs = key.sign(
                value, padding.PKCS1v15(), asym_utils.Prehashed(_PREHASHED[alg]())
            )
            require(
                theirs == sig[::-1],
                "sign_hash reversed is not cryptography's signature",
            )
    elif (
        made
        and isinstance(key, rsa.RSAPrivateKey)
        and hasattr(asym_utils, "NoDigestInfo")
    ):
        theirs = key.sign(
            _payload(alg, value, no_oid), padding.PKCS1v15(), asym_utils.NoDigestInfo()
        )
        require(
            theirs == sig[::-1], "sign_hash reversed is not cryptography's signature"
        )


# -- the check --------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    """One set of arguments read from the input."""

    alg: int
    no_oid: bool
    prehashed: bool
    data: bytes
    wrap: Callable[[bytes], bytes | bytearray | memoryview]

    def sign(self, key: object) -> bytes:
        return bf.sign_hash(
            key,
            self.wrap(self.data),
            hash_alg=self.alg,  # type: ignore[arg-type]
            no_hash_oid=self.no_oid,
            prehashed=self.prehashed,
        )

    def verify(self, key: object, sig: bytes) -> None:
        bf.verify_signature(
            key,
            self.wrap(self.data),
            self.wrap(sig),
            hash_alg=self.alg,  # type: ignore[arg-type]
            no_hash_oid=self.no_oid,
            prehashed=self.prehashed,
        )


def _expect(key: object | None, key_error: bf.BlobError | None, call: Call) -> Expected:
    if call.alg not in _HASHES:
        return Expected(rules=frozenset({("SIG-1", "hash_alg")}))
    if key_error is not None:
        return Expected(error=key_error)
    return Expected(
        rules=frozenset(_rules(key, call.alg, call.data, call.no_oid, call.prehashed))
    )


def _follows(out: Outcome[object], expected: Expected, what: str) -> bool:
    """Check a failure the harness predicts; whether the call went on to its own checks."""
    if expected.error is not None:
        require(
            out.error is not None and same_failure(out.error, expected.error),
            f"{what}: {out.describe()}, loading the key gives "
            f"{type(expected.error).__name__}[{expected.error.rule}]",
        )
        return False
    if expected.rules:
        err = out.error
        require(
            isinstance(err, bf.InvalidParameterError)
            and (err.rule or "", err.field or "") in expected.rules,
            f"{what}: {out.describe()}, expected one of {sorted(expected.rules)}",
        )
        return False
    return True


def _bad_signature(out: Outcome[object], what: str) -> None:
    require(isinstance(out.error, bf.BadSignatureError), f"{what}: {out.describe()}")
    assert out.error is not None
    require(out.error.rule == "SIG-5", f"{what}: rule {out.error.rule}")
    check_uniform_error("verify_signature", out.error, "signature")


def _read(data: bytes) -> tuple[FixedKey | bytes, Call, int, bytes]:
    c = Choices(data)
    keys = fixed_keys()
    index = c.int(0, len(keys))
    key: FixedKey | bytes = (
        keys[index] if index < len(keys) else c.take(c.int(0, 0xFFFE))
    )
    pick = c.int(0, len(ALG_CHOICES))
    alg = ALG_CHOICES[pick] if pick < len(ALG_CHOICES) else c.int(0, 0xFFFE)
    flags = c.int(0, 15)
    wrap: Callable[[bytes], bytes | bytearray | memoryview] = (
        bytes,
        bytearray,
        memoryview,
        bytes,
    )[flags >> 2]
    message = c.take(c.int(0, 254))
    flip = c.int(0, 0xFFFE)
    call = Call(int(alg), bool(flags & 1), bool(flags & 2), message, wrap)
    return key, call, flip, c.rest()


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    key_form, call, flip, sig = _read(data)
    size = len(data)
    if isinstance(key_form, FixedKey):
        passed, signs = key_form.value, key_form.private
        verify_key: object | None = key_form.key
        sign_key: object | None = key_form.key if signs else None
        verify_error = sign_error = None
        secrets = frozenset(_FIXED_SECRETS)
    else:
        passed, signs = key_form, True
        verify_key, verify_error, secrets = _load(key_form, private=False)
        sign_key, sign_error, _ = _load(key_form, private=True)
        secrets |= _FIXED_SECRETS

    def seen(out: Outcome[object]) -> Outcome[object]:
        if out.error is not None:
            check_no_secret(out.error, secrets)
        return out

    verified = seen(attempt(lambda: call.verify(passed, sig), size))
    if _follows(verified, _expect(verify_key, verify_error, call), "verify_signature"):
        value = call.data if call.prehashed else _hash_value(call.alg, call.data)
        if _oracle_verifies(verify_key, call.alg, value, sig, call.no_oid):
            require(
                verified.ok,
                f"verify_signature: {verified.describe()}, the signature is valid",
            )
            _check_byte_order(verify_key, call.alg, value, sig, call.no_oid, made=False)
        else:
            _bad_signature(verified, "verify_signature of an invalid signature")
    if not signs:
        return
    signed = seen(attempt(lambda: call.sign(passed), size))
    if not _follows(signed, _expect(sign_key, sign_error, call), "sign_hash"):
        return
    require(signed.ok, f"sign_hash: {signed.describe()}, no SIG rule refuses the call")
    made = signed.value
    assert isinstance(made, bytes)
    value = call.data if call.prehashed else _hash_value(call.alg, call.data)
    require(
        _oracle_verifies(sign_key, call.alg, value, made, call.no_oid),
        "sign_hash made a signature the harness's check refuses",
    )
    _check_byte_order(sign_key, call.alg, value, made, call.no_oid, made=True)
    again = seen(attempt(lambda: call.verify(passed, made), size))
    require(again.ok, f"verify_signature of sign_hash's signature: {again.describe()}")
    flipped = bytearray(made)
    bit = flip % (8 * len(made))
    flipped[bit // 8] ^= 1 << (bit % 8)
    changed = seen(attempt(lambda: call.verify(passed, bytes(flipped)), size))
    _bad_signature(changed, f"verify_signature with bit {bit} flipped")


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
