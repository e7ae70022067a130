# SPDX-License-Identifier: Apache-2.0
"""Session keys in blobs: SIMPLEBLOB wrap/unwrap and PLAINTEXTKEYBLOB (SPEC §15.2-§15.3).

Exports :func:`wrap_session_key`, :func:`unwrap_session_key`,
:func:`plaintext_key_blob` and :func:`load_session_key_blob`.

Unwrapping a PKCS#1 v1.5 SIMPLEBLOB needs the raw RSA result, because
``cryptography`` (on OpenSSL 3.2 and later) answers a bad padding with
*implicit rejection*: a pseudo-random "plaintext" instead of an error, so a
wrong key would be indistinguishable from a right one. The private
operation is therefore computed here with RSA blinding and a fault check,
and the padding is checked afterwards. OAEP unwrapping uses ``cryptography``
directly.

Unwrapping is no oracle for *which* check failed: every check (ciphertext
range, fault check, padding, key length for the algorithm) yields a 0/1
flag instead of raising, the flags are combined with ``&``, the same work
runs on every path (a ciphertext out of range is reduced and decrypted
anyway; a session key is built from the real bytes or from a dummy of a
valid length), and the one :class:`~blobformat.errors.DecryptionError` is
raised from a single place with no exception context. Python's big integers
are not constant-time; SPEC §18 states what remains.
"""

from __future__ import annotations

import hmac
import secrets

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from blobformat.capi import keywrap as _keywrap
from blobformat.capi.sessionkey import SessionKey, default_salt
from blobformat.codec.decode import as_bytes, parse
from blobformat.codec.keylengths import WRAP_ONLY_ALGS, blob_key_sizes
from blobformat.codec.models import PlaintextKeyBlob, SimpleBlob, SymmetricWrapKeyBlob
from blobformat.constants import AlgId, alg_name
from blobformat.errors import (
    DecryptionError,
    InvalidParameterError,
    UnsupportedBlobError,
)

__all__ = [
    "load_session_key_blob",
    "plaintext_key_blob",
    "unwrap_session_key",
    "unwrap_symmetric_key",
    "wrap_session_key",
    "wrap_symmetric_key",
]

_DECRYPTION_FAILED = "the SIMPLEBLOB could not be unwrapped with this key"

# CryptExportKey writes at least 8 bytes of non-zero padding (PKCS#1 v1.5, §7.2.1).
_MIN_PADDING = 8


def _oaep() -> padding.OAEP:
    # CRYPT_OAEP: SHA-1, MGF1 with SHA-1, empty label (SPEC §15.2).
    return padding.OAEP(
        mgf=padding.MGF1(hashes.SHA1()),  # noqa: S303 - the format fixes SHA-1
        algorithm=hashes.SHA1(),  # noqa: S303
        label=None,
    )


def wrap_session_key(
    key: SessionKey | bytes,
    public_key: rsa.RSAPublicKey,
    *,
    alg_id: AlgId | None = None,
    oaep: bool = False,
) -> bytes:
    """Encrypt a session key to an RSA key-exchange key as a SIMPLEBLOB.

    Like ``CryptExportKey(hKey, hExpKey, SIMPLEBLOB)``: PKCS#1 v1.5 type 2
    padding by default, OAEP (SHA-1, MGF1-SHA-1, empty label) as
    ``CRYPT_OAEP``; the ciphertext is stored little-endian. The salt of a
    salted key is not exported (CryptoAPI does not export it either).

    :param key: a :class:`SessionKey`, or raw key bytes together with ``alg_id``.
    :param public_key: the recipient's RSA public key.
    :param alg_id: the session key's algorithm when ``key`` is bytes; when
        ``key`` is a SessionKey it must be ``None`` or equal ``key.alg_id``.
    :param oaep: use OAEP instead of PKCS#1 v1.5.
    :returns: the SIMPLEBLOB bytes.
    :raises InvalidParameterError: for a missing or conflicting ``alg_id``,
        or a key too long for the modulus.
    :raises TypeError: for a public key that is not RSA.
    """
    if isinstance(key, SessionKey):
        if alg_id is not None and alg_id != key.alg_id:
            raise InvalidParameterError(
                "alg_id conflicts with the SessionKey's algorithm"
            )
        session = key
    else:
        if alg_id is None:
            raise InvalidParameterError("raw key bytes need alg_id")
        session = SessionKey(alg_id=AlgId(alg_id), key=as_bytes(key))
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise TypeError(
            f"public_key must be an RSA public key, not {type(public_key).__name__}"
        )
    size = (public_key.key_size + 7) // 8
    overhead = 42 if oaep else 11
    if len(session.key) > size - overhead:
        raise InvalidParameterError(
            f"a {len(session.key)}-byte key does not fit a {size}-byte modulus "
            f"with {'OAEP' if oaep else 'PKCS#1 v1.5'} padding",
            rule="SES-1",
        )
    scheme: padding.AsymmetricPadding = _oaep() if oaep else padding.PKCS1v15()
    ciphertext = public_key.encrypt(session.key, scheme)
    return SimpleBlob(
        key_alg=session.alg_id,
        wrap_alg=AlgId.CALG_RSA_KEYX,
        encrypted_key=ciphertext[::-1],
    ).to_bytes()


class _Balance(Exception):  # noqa: N818 - never escapes _decrypt_simple
    """Raised and caught on OAEP success to match the failure path's cost."""


def _raw_decrypt(nums: rsa.RSAPrivateNumbers, c: int) -> tuple[int, int]:
    """Return (c^d mod n, 1), or (garbage, 0) if the fault check fails.

    Base blinding and CRT, then a check that m^e = c; nothing here raises
    or branches on the result.
    """
    pub = nums.public_numbers
    n, e = pub.n, pub.e
    # Blinding: the exponentiations see c*r^e, not the attacker's c.
    while True:
        r = secrets.randbelow(n - 2) + 2
        try:
            r_inv = pow(r, -1, n)
            break
        except ValueError:  # pragma: no cover - r shares a factor with n
            continue
    blinded = (c * pow(r, e, n)) % n
    m1 = pow(blinded, nums.dmp1, nums.p)
    m2 = pow(blinded, nums.dmq1, nums.q)
    h = (nums.iqmp * (m1 - m2)) % nums.p
    m = ((m2 + h * nums.q) * r_inv) % n
    size = (n.bit_length() + 7) // 8
    check = hmac.compare_digest(
        pow(m, e, n).to_bytes(size, "big"), c.to_bytes(size, "big")
    )
    return m, int(check)


def _is_zero(byte: int) -> int:
    """1 if ``byte`` (0..255) is zero, else 0, by arithmetic instead of a branch."""
    return ((byte - 1) >> 8) & 1


def _unpad_pkcs1(em: bytes) -> tuple[bytes, int]:
    """Split EM = 00 02 PS 00 M: return (M, 1), or (some suffix of EM, 0).

    Every byte is visited and the flags are combined with integer
    arithmetic, so neither the loop nor the result branches on where the
    separator is or which check fails.
    """
    found = 0  # 1 once the separator has been seen
    separator = 0
    for index in range(2, len(em)):
        take = _is_zero(em[index]) & (found ^ 1)
        separator |= -take & index
        found |= take
    # separator >= 2 + 8: at least _MIN_PADDING non-zero bytes before it.
    long_enough = ((separator - 2 - _MIN_PADDING) >> 31) & 1 ^ 1
    good = _is_zero(em[0]) & _is_zero(em[1] ^ 2) & found & long_enough
    return em[separator + 1 :], good


def _decrypt_simple(
    ciphertext: bytes, private_key: rsa.RSAPrivateKey, *, oaep: bool
) -> tuple[bytes, int]:
    """Decrypt a SIMPLEBLOB ciphertext without raising: (M, 1) or (junk, 0).

    A ciphertext of the wrong length, or not below n, is reduced mod n and
    decrypted all the same, so every failure class runs the private-key
    operation once.
    """
    nums = private_key.private_numbers()
    n = nums.public_numbers.n
    size = (private_key.key_size + 7) // 8
    c = int.from_bytes(ciphertext, "big")
    range_ok = int(len(ciphertext) == size) & int(c < n)
    # (c + n) % n rather than c % n: CPython returns at once when the
    # dividend is below the divisor, so c % n would be faster for c < n.
    c = (c + n) % n
    if oaep:
        plain = b""
        decrypted = 0
        try:
            plain = private_key.decrypt(c.to_bytes(size, "big"), _oaep())
            decrypted = 1
            # cryptography reports failure with an exception; raise and drop
            # one here too so both outcomes pay for one (benchmarks show it).
            raise _Balance
        except (ValueError, _Balance):
            # The exception ends here; the caller raises its own later,
            # outside any handler, so no context links the two.
            pass
        return plain, range_ok & decrypted
    m, fault_ok = _raw_decrypt(nums, c)
    message, padding_ok = _unpad_pkcs1(m.to_bytes(size, "big"))
    return message, range_ok & fault_ok & padding_ok


def _key_sizes(alg: AlgId) -> frozenset[int]:
    """The key lengths in bytes a session key of ``alg`` may have (SPEC §15.1)."""
    if alg in WRAP_ONLY_ALGS:
        return _MASTER_SIZES
    return blob_key_sizes(alg)


_MASTER_SIZES = frozenset({48})
# Stand-in algorithm for building the dummy key when aiKeyAlg has no session
# key (the alg is public, so this branch tells nothing about the ciphertext).
_FALLBACK_ALG = AlgId.CALG_AES_128


def _finish_unwrap(
    alg: AlgId, key: bytes, ok: int, *, no_salt: bool
) -> tuple[SessionKey, int]:
    """Build the session key from ``key`` or a dummy, whichever is valid.

    The key length check is a set lookup, and a SessionKey is built on
    every path (from the real bytes or from zeros of a valid length), so a
    wrong key length costs what a good key costs and raises nothing.
    """
    sizes = _key_sizes(alg)
    alg_ok = int(bool(sizes))
    build_alg = (_FALLBACK_ALG, alg)[alg_ok]
    dummy = bytes(max(sizes) if sizes else 16)
    ok = ok & alg_ok & int(len(key) in sizes)
    session = _imported(build_alg, (dummy, key)[ok], no_salt=no_salt)
    return session, ok


def unwrap_session_key(
    blob: bytes | bytearray | memoryview,
    private_key: rsa.RSAPrivateKey,
    *,
    oaep: bool = False,
    no_salt: bool = False,
) -> SessionKey:
    """Decrypt a SIMPLEBLOB with the RSA private key it was wrapped to.

    :param blob: the SIMPLEBLOB bytes.
    :param private_key: the recipient's RSA private key.
    :param oaep: the blob was exported with ``CRYPT_OAEP``.
    :param no_salt: as ``CRYPT_NO_SALT``: do not give a 40-bit RC2/RC4 key the
        11 zero salt bytes ``CryptImportKey`` gives it by default.
    :returns: the session key.
    :raises ParseError: if the bytes are not a valid SIMPLEBLOB (a structural
        failure, before any decryption).
    :raises UnsupportedBlobError: if the blob is another kind.
    :raises DecryptionError: for every failure of the decryption itself —
        ciphertext length or value, padding, key length for the algorithm —
        with one fixed message, no location and no exception context, raised
        from one place after the same work on every path (SPEC §15.2).
    """
    model = parse(as_bytes(blob))
    if not isinstance(model, SimpleBlob):
        raise UnsupportedBlobError(
            f"expected a SIMPLEBLOB, got a {type(model).KIND} blob",
            offset=0,
            field="header",
        )
    if not isinstance(private_key, rsa.RSAPrivateKey):
        raise TypeError(
            f"private_key must be an RSA private key, not {type(private_key).__name__}"
        )
    plain, ok = _decrypt_simple(model.encrypted_key[::-1], private_key, oaep=oaep)
    session, ok = _finish_unwrap(model.key_alg, plain, ok, no_salt=no_salt)
    if not ok:
        # The only raise for a decryption failure (SES-2); no handler is active.
        raise DecryptionError(_DECRYPTION_FAILED, rule="SES-2")
    return session


def _imported(alg_id: AlgId, key: bytes, *, no_salt: bool) -> SessionKey:
    """A key as CryptImportKey makes it: the default salt unless CRYPT_NO_SALT."""
    return SessionKey(
        alg_id=alg_id, key=key, salt=b"" if no_salt else default_salt(alg_id, len(key))
    )


def plaintext_key_blob(key: SessionKey) -> bytes:
    """Write a session key as a PLAINTEXTKEYBLOB (SPEC §9).

    The salt is not part of the blob (CryptoAPI does not export it).

    :raises EncodeError: if the key cannot be written (see SPEC §9).
    """
    return PlaintextKeyBlob(key_alg=key.alg_id, key=key.key).to_bytes()


def load_session_key_blob(
    blob: bytes | bytearray | memoryview, *, no_salt: bool = False
) -> SessionKey:
    """Read a PLAINTEXTKEYBLOB into a :class:`SessionKey`.

    :param no_salt: as for :func:`unwrap_session_key`.
    :raises ParseError: if the bytes are not a valid PLAINTEXTKEYBLOB.
    :raises UnsupportedBlobError: if the blob is another kind.
    """
    model = parse(as_bytes(blob))
    if not isinstance(model, PlaintextKeyBlob):
        raise UnsupportedBlobError(
            f"expected a PLAINTEXTKEYBLOB, got a {type(model).KIND} blob",
            offset=0,
            field="header",
        )
    return _imported(model.key_alg, model.key, no_salt=no_salt)


_TDES_FAMILY = (AlgId.CALG_3DES, AlgId.CALG_3DES_112)


def _kek_rc2_bits(kek: SessionKey) -> int:
    # An RC2 key-encryption key keys with its effective length, or its own size.
    return kek.effective_bits if kek.effective_bits is not None else 8 * len(kek.key)


def wrap_symmetric_key(
    key: SessionKey, kek: SessionKey, *, iv: bytes | None = None
) -> bytes:
    """Wrap a session key with a key-encryption key as a SYMMETRICWRAPKEYBLOB.

    RFC 3217 key wrap (SPEC §10, §15.6): Triple-DES wrap when ``kek`` is a
    CALG_3DES key (the wrapped key must be CALG_3DES or CALG_3DES_112), RC2
    wrap when it is a CALG_RC2 key.

    :param key: the key to wrap.
    :param kek: the key-encryption key (CALG_3DES or CALG_RC2).
    :param iv: a fixed 8-byte IV, for reproducible output only.
    :returns: the SYMMETRICWRAPKEYBLOB bytes.
    :raises InvalidParameterError: for an unsuitable key or KEK (SWK-1, KWR-n).
    """
    if kek.alg_id == AlgId.CALG_3DES:
        if key.alg_id not in _TDES_FAMILY:
            raise InvalidParameterError(
                "Triple-DES key wrap wraps CALG_3DES or CALG_3DES_112 keys only",
                rule="KWR-2",
            )
        wrapped = _keywrap.wrap_3des(key.key, kek.key, iv=iv)
    elif kek.alg_id == AlgId.CALG_RC2:
        wrapped = _keywrap.wrap_rc2(
            key.key, kek.key, effective_bits=_kek_rc2_bits(kek), iv=iv
        )
    else:
        raise InvalidParameterError(
            f"a SYMMETRICWRAPKEYBLOB's key-encryption key is CALG_3DES or CALG_RC2, "
            f"not {kek.alg_id.name}",
            rule="SWK-1",
        )
    return SymmetricWrapKeyBlob(
        key_alg=key.alg_id, wrap_alg=kek.alg_id, wrapped_key=wrapped
    ).to_bytes()


def unwrap_symmetric_key(
    blob: bytes | bytearray | memoryview, kek: SessionKey, *, no_salt: bool = False
) -> SessionKey:
    """Unwrap a SYMMETRICWRAPKEYBLOB with its key-encryption key.

    :param blob: the SYMMETRICWRAPKEYBLOB bytes.
    :param kek: the key-encryption key; its algorithm must be the blob's
        ``WrapAlgid``.
    :param no_salt: as for :func:`unwrap_session_key`.
    :returns: the unwrapped session key.
    :raises ParseError: if the bytes are not a valid SYMMETRICWRAPKEYBLOB.
    :raises UnsupportedBlobError: if the blob is another kind.
    :raises InvalidParameterError: if ``kek`` is not of the blob's wrap algorithm.
    :raises DecryptionError: for every unwrap failure, with one fixed message
        (including a key length the algorithm does not allow).
    """
    model = parse(as_bytes(blob))
    if not isinstance(model, SymmetricWrapKeyBlob):
        raise UnsupportedBlobError(
            f"expected a SYMMETRICWRAPKEYBLOB, got a {type(model).KIND} blob",
            offset=0,
            field="header",
        )
    if kek.alg_id != model.wrap_alg:
        raise InvalidParameterError(
            f"the blob is wrapped with {model.wrap_alg.name}, the key given is "
            f"{kek.alg_id.name}",
            rule="SWK-1",
        )
    if model.wrap_alg == AlgId.CALG_3DES:
        if model.key_alg not in _TDES_FAMILY:
            # RFC 3217's Triple-DES wrap carries Triple-DES keys only (as wrapping does).
            raise InvalidParameterError(
                "Triple-DES key wrap carries CALG_3DES or CALG_3DES_112 keys, "
                f"not {alg_name(model.key_alg)}",
                rule="KWR-2",
            )
        length = 16 if model.key_alg == AlgId.CALG_3DES_112 else 24
        plain, ok = _keywrap.open_3des(
            model.wrapped_key, _keywrap.tdes_kek(kek.key), length
        )
    else:
        plain, ok = _keywrap.open_rc2(
            model.wrapped_key, _keywrap.rc2_kek(kek.key, _kek_rc2_bits(kek))
        )
    session, ok = _finish_unwrap(model.key_alg, plain, ok, no_salt=no_salt)
    if not ok:
        # The only raise for an unwrap failure (KWR-4); no handler is active.
        raise _keywrap.unwrap_failed()
    return session
