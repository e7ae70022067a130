# SPDX-License-Identifier: Apache-2.0
"""RFC 3217 Triple-DES and RC2 key wrap (SPEC §15.6, SYMMETRICWRAPKEYBLOB).

Microsoft describes the body of a SYMMETRICWRAPKEYBLOB as "the symmetric
key wrapping format specified in the IETF S/MIME X9.42 standard", the CMS
key wrap first published in RFC 2630 §12.6 and republished as RFC 3217.
Both directions are implemented here with the RFC's checks on unwrap.

Every unwrap failure (length, checksum, parity, RC2 length octet or
padding) raises :class:`~blobformat.errors.DecryptionError` with one fixed
message and rule, so the outcome is no oracle for which check failed.

Exports :data:`KEY_WRAP_IV`, :func:`cms_key_checksum`, :func:`wrap_3des`,
:func:`unwrap_3des`, :func:`wrap_rc2` and :func:`unwrap_rc2`.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Callable

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives.ciphers import Cipher, modes

from ._keylengths import require_int
from ._rc2 import RC2
from .errors import DecryptionError, InvalidParameterError

__all__ = [
    "KEY_WRAP_IV",
    "cms_key_checksum",
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
    :raises DecryptionError: KWR-4 for any unwrap failure (one message).
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
    if len(data) != 40:
        raise _fail()
    payload = _unwrap_core(
        data, lambda chain, blob: _tdes_cbc(kek24, chain, blob, decrypt=True)
    )
    cek24, icv = payload[:24], payload[24:]
    checksum_ok = hmac.compare_digest(cms_key_checksum(cek24), icv)
    parity_ok = _odd_parity(cek24) == cek24
    two_key_ok = cek_length == 24 or cek24[16:] == cek24[:8]
    if not (checksum_ok and parity_ok and two_key_ok):
        raise _fail()
    return cek24[:cek_length]


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
    :raises DecryptionError: KWR-4 for any unwrap failure (one message).
    """
    data = _as_bytes(wrapped, "wrapped")
    rc2 = _rc2_kek(kek, effective_bits)
    # IV (8) + at least one LCEKPAD block (8) + ICV (8).
    if len(data) % _BLOCK or len(data) < 3 * _BLOCK:
        raise _fail()
    payload = _unwrap_core(
        data, lambda chain, blob: _rc2_cbc(rc2, chain, blob, decrypt=True)
    )
    lcekpad, icv = payload[:-_BLOCK], payload[-_BLOCK:]
    checksum_ok = hmac.compare_digest(cms_key_checksum(lcekpad), icv)
    length = lcekpad[0]
    pad_length = len(lcekpad) - 1 - length
    # The length octet must fit, be non-zero, and leave at most 7 pad bytes.
    if not (checksum_ok and length >= 1 and 0 <= pad_length <= _BLOCK - 1):
        raise _fail()
    return lcekpad[1 : 1 + length]
