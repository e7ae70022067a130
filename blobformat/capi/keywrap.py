# SPDX-License-Identifier: Apache-2.0
"""RFC 3217 Triple-DES and RC2 key wrap (SPEC §15.6, SYMMETRICWRAPKEYBLOB).

Microsoft describes the body of a SYMMETRICWRAPKEYBLOB as "the symmetric
key wrapping format specified in the IETF S/MIME X9.42 standard", the CMS
key wrap first published in RFC 2630 §12.6 and republished as RFC 3217.
Both directions are implemented here with the RFC's checks on unwrap.

Every unwrap failure (length, checksum, parity, RC2 length octet or
padding) raises :class:`~blobformat.errors.DecryptionError` with one fixed
message and rule, so the outcome is no oracle for which check failed.

Each check runs on every input and the results are combined without
branching on them (``open_3des`` and ``open_rc2`` return a result and a
flag instead of raising), so the public unwrap functions raise that error
from one place, with no exception context.

Exports :data:`KEY_WRAP_IV`, :func:`cms_key_checksum`, :func:`wrap_3des`,
:func:`unwrap_3des`, :func:`wrap_rc2` and :func:`unwrap_rc2`, and for the
SYMMETRICWRAPKEYBLOB codec the non-raising :func:`open_3des` and
:func:`open_rc2` with the KEK builders :func:`tdes_kek` and :func:`rc2_kek`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from blobformat.capi.rc2 import RC2
from blobformat.codec.keylengths import require_int
from blobformat.errors import DecryptionError, InvalidParameterError

__all__ = [
    "KEY_WRAP_IV",
    "cms_key_checksum",
    "open_3des",
    "open_rc2",
    "rc2_kek",
    "tdes_kek",
    "unwrap_3des",
    "unwrap_rc2",
    "wrap_3des",
    "wrap_rc2",
]

#: The fixed IV of the second encryption pass (RFC 3217 §3.1 step 8, §4.1).
KEY_WRAP_IV = bytes.fromhex("4adda22c79e82105")

_BLOCK = 8
_UNWRAP_FAILED = "key unwrap failed"

_BytesLike = bytes | bytearray | memoryview


def _as_bytes(value: object, name: str) -> bytes:
    """Return a bytes copy of a bytes-like argument, else raise TypeError."""
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{name} must be bytes-like, not {type(value).__name__}")
    return bytes(value)


def _fail() -> DecryptionError:
    """Build the one error every unwrap failure raises (no ICV/padding oracle)."""
    return DecryptionError(_UNWRAP_FAILED, rule="KWR-4")


def unwrap_failed() -> DecryptionError:
    """The error for any key-unwrap failure, for callers that check further."""
    return _fail()


def tdes_kek(kek: _BytesLike) -> bytes:
    """Return the 24-byte Triple-DES KEK :func:`open_3des` takes."""
    return _tdes_kek(kek)


def rc2_kek(kek: _BytesLike, effective_bits: int) -> RC2:
    """Return the RC2 key-encryption cipher :func:`open_rc2` takes."""
    return _rc2_kek(kek, effective_bits)


def cms_key_checksum(key: bytes) -> bytes:
    """Return the CMS key checksum: the first 8 bytes of SHA-1(key) (§2).

    :param key: the bytes to check-sum.
    :returns: 8 bytes.
    """
    return hashlib.sha1(key, usedforsecurity=False).digest()[:8]


def _odd_parity(key: bytes) -> bytes:
    """Set each byte's low bit so the byte has odd parity (DES parity)."""
    return bytes((b & 0xFE) | ((bin(b >> 1).count("1") & 1) ^ 1) for b in key)


def _reverse(data: bytes) -> bytes:
    """Reverse the octet order (RFC 3217 §3.1 step 7)."""
    return data[::-1]


def _check_iv(iv: _BytesLike | None) -> bytes:
    """Return the caller's 8-byte IV, or 8 random bytes."""
    if iv is None:
        return os.urandom(_BLOCK)
    value = _as_bytes(iv, "iv")
    if len(value) != _BLOCK:
        raise InvalidParameterError(
            f"key wrap IV must be {_BLOCK} bytes, got {len(value)}",
            field="iv",
            rule="KWR-5",
        )
    return value


# ---------------------------------------------------------------------------
# CBC over the two key-encryption ciphers.


def _tdes_kek(kek: _BytesLike) -> bytes:
    """Return a 24-byte 3DES KEK; a 16-byte (two-key) KEK runs as K1, K2, K1."""
    value = _as_bytes(kek, "kek")
    if len(value) not in (16, 24):
        raise InvalidParameterError(
            f"Triple-DES key-encryption key must be 16 or 24 bytes, got {len(value)}",
            field="kek",
            rule="KWR-1",
        )
    return value if len(value) == 24 else value + value[:8]


def _tdes_cbc(kek24: bytes, iv: bytes, data: bytes, *, decrypt: bool) -> bytes:
    """Triple-DES CBC without padding."""
    cipher = Cipher(TripleDES(kek24), modes.CBC(iv))
    context = cipher.decryptor() if decrypt else cipher.encryptor()
    return context.update(data) + context.finalize()


def _rc2_cbc(rc2: RC2, iv: bytes, data: bytes, *, decrypt: bool) -> bytes:
    """RC2 CBC without padding (pure Python: any key and effective length)."""
    out = bytearray()
    chain = iv
    for offset in range(0, len(data), _BLOCK):
        block = data[offset : offset + _BLOCK]
        if decrypt:
            plain = rc2.decrypt_block(block)
            out += bytes(a ^ b for a, b in zip(plain, chain, strict=True))
            chain = block
        else:
            mixed = bytes(a ^ b for a, b in zip(block, chain, strict=True))
            chain = rc2.encrypt_block(mixed)
            out += chain
    return bytes(out)


_CBC = Callable[[bytes, bytes], bytes]


def _wrap_core(payload: bytes, iv: bytes, encrypt: _CBC) -> bytes:
    """Run the steps both wraps share: CBC, prefix IV, reverse, CBC again."""
    temp1 = encrypt(iv, payload)
    temp3 = _reverse(iv + temp1)
    return encrypt(KEY_WRAP_IV, temp3)


def _unwrap_core(wrapped: bytes, decrypt: _CBC) -> bytes:
    """Undo :func:`_wrap_core`; return the decrypted payload (CEK ‖ ICV)."""
    temp2 = _reverse(decrypt(KEY_WRAP_IV, wrapped))
    return decrypt(temp2[:_BLOCK], temp2[_BLOCK:])


# ---------------------------------------------------------------------------
# Triple-DES key wrap, RFC 3217 §3.


def wrap_3des(
    cek: _BytesLike, kek: _BytesLike, *, iv: _BytesLike | None = None
) -> bytes:
    """Wrap a Triple-DES key with a Triple-DES key (RFC 3217 §3.1).

    A two-key CEK is wrapped as three keys with K3 = K1. The CEK's DES
    parity bits are set to odd first, as the RFC requires; DES ignores those
    bits, so the wrapped key encrypts exactly like the original.

    :param cek: the key to wrap, 16 or 24 bytes.
    :param kek: the key-encryption key, 16 (K1, K2, K1) or 24 bytes.
    :param iv: 8 bytes for reproducible output (tests only); ``None`` draws
        a random IV.
    :returns: 40 bytes.
    :raises TypeError: if an argument is not bytes-like.
    :raises InvalidParameterError: KWR-1 for a bad KEK length, KWR-2 for a
        bad CEK length, KWR-3 for a three-key CEK under a two-key KEK, KWR-5
        for an IV that is not 8 bytes.
    """
    cek_bytes = _as_bytes(cek, "cek")
    kek_bytes = _as_bytes(kek, "kek")
    kek24 = _tdes_kek(kek_bytes)
    if len(cek_bytes) not in (16, 24):
        raise InvalidParameterError(
            f"Triple-DES key to wrap must be 16 or 24 bytes, got {len(cek_bytes)}",
            field="cek",
            rule="KWR-2",
        )
    full = cek_bytes if len(cek_bytes) == 24 else cek_bytes + cek_bytes[:8]
    cek24 = _odd_parity(full)
    k1, k2, k3 = cek24[:8], cek24[8:16], cek24[16:]
    if len(kek_bytes) == 16 and len({k1, k2, k3}) == 3:
        # RFC 3217 §3: a two-key KEK MUST NOT wrap three distinct DES keys.
        raise InvalidParameterError(
            "a two-key Triple-DES KEK must not wrap a three-key Triple-DES key",
            field="cek",
            rule="KWR-3",
        )
    payload = cek24 + cms_key_checksum(cek24)
    return _wrap_core(
        payload,
        _check_iv(iv),
        lambda chain, data: _tdes_cbc(kek24, chain, data, decrypt=False),
    )


def open_3des(data: bytes, kek24: bytes, cek_length: int) -> tuple[bytes, int]:
    """Unwrap without raising: return (CEK, 1) on success, (dummy, 0) on failure.

    Every check runs on every input and the results are combined with ``&``,
    so the work does not depend on which check fails. A wrapped key of the
    wrong length is replaced by zeros of the right length and decrypted all
    the same. ``cek_length`` must already be 16 or 24; the dummy returned on
    failure has that length.
    """
    length_ok = int(len(data) == 40)
    blob = (bytes(40), data)[length_ok]
    payload = _unwrap_core(
        blob, lambda chain, part: _tdes_cbc(kek24, chain, part, decrypt=True)
    )
    cek24, icv = payload[:24], payload[24:]
    checksum_ok = int(hmac.compare_digest(cms_key_checksum(cek24), icv))
    parity_ok = int(hmac.compare_digest(_odd_parity(cek24), cek24))
    two_key_ok = int(hmac.compare_digest(cek24[16:], cek24[:8])) | int(cek_length == 24)
    ok = length_ok & checksum_ok & parity_ok & two_key_ok
    return (bytes(cek_length), cek24[:cek_length])[ok], ok


def unwrap_3des(wrapped: _BytesLike, kek: _BytesLike, *, cek_length: int = 24) -> bytes:
    """Unwrap a Triple-DES key (RFC 3217 §3.2).

    :param wrapped: the 40-byte wrapped key.
    :param kek: the key-encryption key, 16 or 24 bytes.
    :param cek_length: 24 to return the three-key CEK; 16 to return a
        two-key CEK, which then must have K3 = K1.
    :returns: the CEK, with odd DES parity.
    :raises TypeError: if an argument has the wrong type.
    :raises InvalidParameterError: KWR-1 for a bad KEK length, KWR-2 for a
        ``cek_length`` other than 16 or 24.
    :raises DecryptionError: KWR-4 for any unwrap failure (one message,
        raised from one place).
    """
    data = _as_bytes(wrapped, "wrapped")
    kek24 = _tdes_kek(kek)
    require_int(cek_length, "cek_length")
    if cek_length not in (16, 24):
        raise InvalidParameterError(
            f"Triple-DES key length must be 16 or 24 bytes, got {cek_length!r}",
            field="cek_length",
            rule="KWR-2",
        )
    cek, ok = open_3des(data, kek24, cek_length)
    if not ok:
        raise _fail()
    return cek


# ---------------------------------------------------------------------------
# RC2 key wrap, RFC 3217 §4.


def _rc2_kek(kek: _BytesLike, effective_bits: int) -> RC2:
    """Build the RC2 key-encryption cipher."""
    value = _as_bytes(kek, "kek")
    if not 1 <= len(value) <= 128:
        raise InvalidParameterError(
            f"RC2 key-encryption key must be 1..128 bytes, got {len(value)}",
            field="kek",
            rule="KWR-1",
        )
    return RC2(value, effective_bits)


def wrap_rc2(
    cek: _BytesLike,
    kek: _BytesLike,
    *,
    effective_bits: int = 128,
    iv: _BytesLike | None = None,
    pad: _BytesLike | None = None,
) -> bytes:
    """Wrap an RC2 key with an RC2 key (RFC 3217 §4.1).

    LCEK = length octet ‖ CEK is padded with random bytes to a multiple of
    8, check-summed, CBC-encrypted under a random IV, reversed with the IV
    and encrypted again under :data:`KEY_WRAP_IV`.

    :param cek: the key to wrap, 1..255 bytes.
    :param kek: the RC2 key-encryption key, 1..128 bytes (RFC 3217 asks for
        128-bit KEKs).
    :param effective_bits: the KEK's effective key length, 128 by default.
    :param iv: 8 bytes for reproducible output (tests only); ``None`` draws
        a random IV.
    :param pad: the padding bytes (tests only; exactly as many as needed);
        ``None`` draws random padding.
    :returns: the wrapped key, 16 + len(LCEK padded) bytes.
    :raises TypeError: if an argument has the wrong type.
    :raises InvalidParameterError: KWR-1 for a bad KEK length, KWR-2 for a
        bad CEK length, KWR-5 for a wrong IV or padding length, SYM-5 for an
        effective length outside 1..1024.
    """
    cek_bytes = _as_bytes(cek, "cek")
    rc2 = _rc2_kek(kek, effective_bits)
    if not 1 <= len(cek_bytes) <= 255:
        raise InvalidParameterError(
            f"RC2 key to wrap must be 1..255 bytes, got {len(cek_bytes)}",
            field="cek",
            rule="KWR-2",
        )
    lcek = bytes([len(cek_bytes)]) + cek_bytes
    pad_length = -len(lcek) % _BLOCK
    if pad is None:
        pad_bytes = os.urandom(pad_length)
    else:
        pad_bytes = _as_bytes(pad, "pad")
        if len(pad_bytes) != pad_length:
            raise InvalidParameterError(
                f"RC2 key wrap needs {pad_length} padding bytes, got {len(pad_bytes)}",
                field="pad",
                rule="KWR-5",
            )
    lcekpad = lcek + pad_bytes
    payload = lcekpad + cms_key_checksum(lcekpad)
    return _wrap_core(
        payload,
        _check_iv(iv),
        lambda chain, data: _rc2_cbc(rc2, chain, data, decrypt=False),
    )


def open_rc2(data: bytes, rc2: RC2) -> tuple[bytes, int]:
    """Unwrap without raising: return (CEK, 1) on success, (dummy, 0) on failure.

    As :func:`open_3des`: every check runs and the results are combined with
    ``&``. A wrapped key whose length is not a multiple of 8 of at least 24
    bytes is replaced by 24 zero bytes and decrypted all the same. The dummy
    returned on failure is 16 zero bytes.
    """
    # IV (8) + at least one LCEKPAD block (8) + ICV (8).
    length_ok = int(len(data) % _BLOCK == 0) & int(len(data) >= 3 * _BLOCK)
    blob = (bytes(3 * _BLOCK), data)[length_ok]
    payload = _unwrap_core(
        blob, lambda chain, part: _rc2_cbc(rc2, chain, part, decrypt=True)
    )
    lcekpad, icv = payload[:-_BLOCK], payload[-_BLOCK:]
    checksum_ok = int(hmac.compare_digest(cms_key_checksum(lcekpad), icv))
    length = lcekpad[0]
    pad_length = len(lcekpad) - 1 - length
    # The length octet must fit, be non-zero, and leave at most 7 pad bytes.
    shape_ok = int(length >= 1) & int(pad_length >= 0) & int(pad_length <= _BLOCK - 1)
    ok = length_ok & checksum_ok & shape_ok
    return (bytes(16), lcekpad[1 : 1 + length])[ok], ok


def unwrap_rc2(
    wrapped: _BytesLike, kek: _BytesLike, *, effective_bits: int = 128
) -> bytes:
    """Unwrap an RC2 key (RFC 3217 §4.2).

    :param wrapped: the wrapped key: a multiple of 8 bytes, at least 24.
    :param kek: the RC2 key-encryption key, 1..128 bytes.
    :param effective_bits: the KEK's effective key length, 128 by default.
    :returns: the CEK.
    :raises TypeError: if an argument has the wrong type.
    :raises InvalidParameterError: KWR-1 for a bad KEK length, SYM-5 for an
        effective length outside 1..1024.
    :raises DecryptionError: KWR-4 for any unwrap failure (one message,
        raised from one place).
    """
    data = _as_bytes(wrapped, "wrapped")
    rc2 = _rc2_kek(kek, effective_bits)
    cek, ok = open_rc2(data, rc2)
    if not ok:
        raise _fail()
    return cek
