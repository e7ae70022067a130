# SPDX-License-Identifier: Apache-2.0
"""CryptEncrypt / CryptDecrypt for symmetric session keys (SPEC §15.5).

Reproduces rsaenh: CBC with an all-zero IV by default, ECB, and 8-bit CFB
over the block cipher; PKCS#5 padding of 1..blocklen bytes added on the
final encrypt call and checked on the final decrypt call; RC2 keyed with
key ‖ salt and an effective key length that defaults to the key's own bit
length (not counting salt); RC4 keyed with key ‖ salt; DES as raw 8 bytes
(parity bits ignored); 3DES-112 as K1, K2, K1.

``cryptography`` does the work where it can: AES, (Triple)DES, RC4 with the
key sizes OpenSSL accepts, and RC2 in CBC mode when the keying material is
16 bytes with 128 effective bits (the only RC2 form OpenSSL exposes). Everything else
falls back to :mod:`blobformat.capi.rc2` and a small pure-Python RC4. CFB-8 is
driven from Python over the forward block function (needs only
``cryptography.hazmat.decrepit``, cryptography 43 or later).

Exports :data:`MODES`, :func:`block_size` and :class:`CryptContext`.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from typing import TypeAlias

from cryptography.hazmat.decrepit.ciphers import algorithms as decrepit
from cryptography.hazmat.primitives.ciphers import (
    BlockCipherAlgorithm,
    Cipher,
    CipherContext,
    algorithms,
    modes,
)

from blobformat.capi.rc2 import RC2
from blobformat.codec.keylengths import (
    BLOCK_CIPHERS,
    SESSION_KEY_ALGS,
    check_effective_bits,
    check_key_alg,
    check_key_length,
    check_salt,
)
from blobformat.constants import AlgId, alg_name
from blobformat.errors import InvalidParameterError, PaddingError

__all__ = ["MODES", "CryptContext", "block_size"]

#: Cipher modes CryptoAPI implements (KP_MODE CRYPT_MODE_CBC/ECB/CFB).
#: OFB is accepted by KP_MODE but CryptEncrypt then fails, so it is absent.
MODES = ("cbc", "ecb", "cfb")

# RC4 key sizes (bytes) that OpenSSL, and so cryptography's ARC4, accepts.
_ARC4_SIZES = frozenset({5, 7, 8, 10, 16, 20, 24, 32})

_CryptographyMode: TypeAlias = modes.ECB | modes.CBC


def block_size(alg: AlgId) -> int:
    """Return the block length in bytes, or 0 for the stream cipher RC4."""
    return BLOCK_CIPHERS.get(alg, 0)


def _xor(a: bytes, b: bytes) -> bytes:
    """XOR two equal-length byte strings."""
    return (int.from_bytes(a, "big") ^ int.from_bytes(b, "big")).to_bytes(len(a), "big")


class _PyRC4:
    """RC4 keystream for key lengths OpenSSL refuses (48, 72, ... bits)."""

    __slots__ = ("_i", "_j", "_s")

    def __init__(self, key: bytes) -> None:
        s = list(range(256))
        j = 0
        for i in range(256):
            j = (j + s[i] + key[i % len(key)]) & 0xFF
            s[i], s[j] = s[j], s[i]
        self._s, self._i, self._j = s, 0, 0

    def update(self, data: bytes) -> bytes:
        """XOR ``data`` with the next keystream bytes."""
        s, i, j = self._s, self._i, self._j
        out = bytearray(len(data))
        for n, byte in enumerate(data):
            i = (i + 1) & 0xFF
            j = (j + s[i]) & 0xFF
            s[i], s[j] = s[j], s[i]
            out[n] = byte ^ s[(s[i] + s[j]) & 0xFF]
        self._i, self._j = i, j
        return bytes(out)


class _PyMode:
    """CBC, ECB or CFB-8 over a single-block function, with chaining state."""

    __slots__ = ("_chain", "_decrypt", "_decrypt_block", "_encrypt_block", "_mode")

    def __init__(
        self,
        encrypt_block: Callable[[bytes], bytes],
        decrypt_block: Callable[[bytes], bytes],
        mode: str,
        iv: bytes,
        *,
        decrypt: bool,
    ) -> None:
        self._encrypt_block = encrypt_block
        self._decrypt_block = decrypt_block
        self._mode = mode
        self._chain = iv
        self._decrypt = decrypt

    def update(self, data: bytes) -> bytes:
        """Process whole blocks of ``data``."""
        n = len(self._chain)
        out = bytearray()
        for offset in range(0, len(data), n):
            block = data[offset : offset + n]
            if self._mode == "ecb":
                fn = self._decrypt_block if self._decrypt else self._encrypt_block
                out += fn(block)
            elif self._mode == "cbc":
                if self._decrypt:
                    out += _xor(self._decrypt_block(block), self._chain)
                    self._chain = block
                else:
                    self._chain = self._encrypt_block(_xor(block, self._chain))
                    out += self._chain
            else:
                out += self._cfb8(block)
        return bytes(out)

    def _cfb8(self, block: bytes) -> bytes:
        """8-bit CFB: each byte uses the first byte of E(shift register)."""
        out = bytearray(len(block))
        reg = self._chain
        for i, byte in enumerate(block):
            out[i] = byte ^ self._encrypt_block(reg)[0]
            # The register shifts in the ciphertext byte in both directions.
            reg = reg[1:] + bytes([byte if self._decrypt else out[i]])
        self._chain = reg
        return bytes(out)


def _cryptography_block_cipher(
    alg: AlgId, key: bytes, salt: bytes, effective_bits: int
) -> BlockCipherAlgorithm | None:
    """Return a cryptography algorithm for the key, or None if it has none."""
    if alg in (AlgId.CALG_AES_128, AlgId.CALG_AES_192, AlgId.CALG_AES_256):
        return algorithms.AES(key)
    if alg == AlgId.CALG_DES:
        # Single DES is EDE with K1 = K2 = K3; parity bits are ignored.
        return decrepit.TripleDES(key * 3)
    if alg == AlgId.CALG_3DES_112:
        # Two-key 3DES runs as K1, K2, K1 (rsaenh setup_key_impl).
        return decrepit.TripleDES(key + key[:8])
    if alg == AlgId.CALG_3DES:
        return decrepit.TripleDES(key)
    # RC2: OpenSSL's RC2 takes a 16-byte key, uses 128 effective bits and
    # offers CBC only.
    if len(key) + len(salt) == 16 and effective_bits == 128:
        return decrepit.RC2(key + salt)
    return None


def _context(
    alg: BlockCipherAlgorithm, mode: _CryptographyMode, decrypt: bool
) -> CipherContext:
    """Open a cryptography cipher context."""
    cipher = Cipher(alg, mode)
    return cipher.decryptor() if decrypt else cipher.encryptor()


class CryptContext:
    """One key handle's CryptEncrypt or CryptDecrypt state.

    Between non-final calls the chaining state (CBC/CFB register, RC4
    keystream position) carries over; a final call resets it to the initial
    state, as rsaenh does.

    :param alg: a session-key ALG_ID.
    :param key: the key bytes, without salt.
    :param salt: RC2/RC4 salt appended to the key for the key schedule.
    :param effective_bits: RC2 effective key length; ``None`` means the
        key's bit length, not counting salt (rsaenh's default).
    :param mode: ``"cbc"``, ``"ecb"`` or ``"cfb"``; ignored for RC4, which
        has no mode.
    :param iv: block-length IV, ``None`` for all-zero; unused in ECB. RC4
        takes none.
    :param decrypt: ``True`` for CryptDecrypt, ``False`` for CryptEncrypt.
    :raises TypeError: if an argument has the wrong type.
    :raises InvalidParameterError: CIP-1 for a key with no cipher, CIP-2 for
        an unknown mode, CIP-3 for a wrong IV length, or the SYM rules for a
        malformed key.
    """

    __slots__ = ("_alg", "_block", "_decrypt", "_engine", "_factory")

    def __init__(
        self,
        alg: AlgId,
        key: bytes,
        *,
        salt: bytes = b"",
        effective_bits: int | None = None,
        mode: str = "cbc",
        iv: bytes | None = None,
        decrypt: bool,
    ) -> None:
        member = check_key_alg(alg, allow_wrap_only=True)
        if member not in SESSION_KEY_ALGS:
            raise InvalidParameterError(
                f"{member.name} is a wrap-only key and has no cipher",
                field="alg_id",
                rule="CIP-1",
            )
        check_key_length(member, len(key))
        check_salt(member, len(salt))
        check_effective_bits(member, effective_bits)
        if not isinstance(mode, str):
            raise TypeError(f"mode must be a str, not {type(mode).__name__}")
        if mode not in MODES:
            raise InvalidParameterError(
                f"unsupported cipher mode {mode!r}; expected one of {', '.join(MODES)}",
                field="mode",
                rule="CIP-2",
            )
        block = block_size(member)
        if iv is not None and len(iv) != block:
            expected = f"{block} bytes" if block else "none (RC4 has no IV)"
            raise InvalidParameterError(
                f"IV of {len(iv)} bytes for {alg_name(member)}; expected {expected}",
                field="iv",
                rule="CIP-3",
            )
        self._alg = member
        self._block = block
        self._decrypt = decrypt
        self._factory = self._make_factory(
            bytes(key),
            bytes(salt),
            8 * len(key) if effective_bits is None else effective_bits,
            mode,
            bytes(block) if iv is None else bytes(iv),
        )
        self._engine = self._factory()

    def __repr__(self) -> str:
        direction = "decrypt" if self._decrypt else "encrypt"
        return f"<CryptContext {self._alg.name} {direction}>"

    def _make_factory(
        self, key: bytes, salt: bytes, effective_bits: int, mode: str, iv: bytes
    ) -> Callable[[], _PyMode | _PyRC4 | CipherContext]:
        """Return a function that builds a fresh engine in the initial state."""
        if self._alg == AlgId.CALG_RC4:
            material = key + salt
            if len(material) in _ARC4_SIZES:
                return lambda: _context_stream(material)
            return lambda: _PyRC4(material)
        fast = _cryptography_block_cipher(self._alg, key, salt, effective_bits)
        decrypt = self._decrypt
        if fast is not None and mode == "cbc":
            return lambda: _context(fast, modes.CBC(iv), decrypt)
        if isinstance(fast, algorithms.AES | decrepit.TripleDES):
            if mode == "ecb":
                return lambda: _context(fast, modes.ECB(), decrypt)  # noqa: S305
            # CFB-8 runs here over one ECB encryptor: CFB uses only the
            # forward cipher, and cryptography has CFB8 only from 47.0.
            ecb = _context(fast, modes.ECB(), decrypt=False)  # noqa: S305
            return lambda: _PyMode(ecb.update, ecb.update, mode, iv, decrypt=decrypt)
        # RC2 outside OpenSSL's one supported form (16 bytes, 128 effective
        # bits, CBC only) runs on the pure-Python cipher.
        rc2 = RC2(key + salt, effective_bits)
        return lambda: _PyMode(
            rc2.encrypt_block, rc2.decrypt_block, mode, iv, decrypt=decrypt
        )

    def update(self, data: bytes | bytearray | memoryview, *, final: bool) -> bytes:
        """Encrypt or decrypt one CryptEncrypt/CryptDecrypt call's data.

        :param data: the input bytes.
        :param final: ``True`` for the last call: padding is added (encrypt)
            or checked and removed (decrypt), then the state resets.
        :returns: the output bytes.
        :raises TypeError: if ``data`` is not bytes-like.
        :raises InvalidParameterError: CIP-4 if block-cipher input that must
            be whole blocks is not, CIP-5 if a final decrypt gets no data.
        :raises PaddingError: CIP-6 if final decrypt padding is malformed.
        """
        if not isinstance(data, bytes | bytearray | memoryview):
            raise TypeError(f"data must be bytes-like, not {type(data).__name__}")
        data = bytes(data)
        block = self._block
        if self._decrypt and final and not data:
            raise InvalidParameterError(
                "final decrypt call needs at least one byte of data",
                field="data",
                rule="CIP-5",
            )
        if block and (self._decrypt or not final) and len(data) % block:
            raise InvalidParameterError(
                f"{len(data)} bytes is not a whole number of {block}-byte blocks",
                field="data",
                rule="CIP-4",
            )
        if block and final and not self._decrypt:
            pad = block - len(data) % block
            data += bytes([pad]) * pad
        try:
            out = self._engine.update(data)
            if block and final and self._decrypt:
                out = _unpad(out, block)
        finally:
            if final:
                # rsaenh resets the key (chain vector, RC4 state) after a final
                # call, and after a failed final decrypt too (test_des).
                self._engine = self._factory()
        return out


def _context_stream(material: bytes) -> CipherContext:
    """Open cryptography's ARC4 for one of the key sizes OpenSSL accepts."""
    return Cipher(decrepit.ARC4(material), mode=None).encryptor()


def _unpad(data: bytes, block: int) -> bytes:
    """Check and strip PKCS#5 padding the way rsaenh CPDecrypt does."""
    pad = data[-1]
    # The last byte must be 1..blocklen and every padding byte must equal it.
    valid = 1 <= pad <= block
    expected = bytes([pad]) * min(pad, block)
    if not (valid and hmac.compare_digest(data[len(data) - len(expected) :], expected)):
        raise PaddingError("final block has malformed PKCS#5 padding", rule="CIP-6")
    return data[: len(data) - pad]
