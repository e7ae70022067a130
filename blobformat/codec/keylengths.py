# SPDX-License-Identifier: Apache-2.0
"""Symmetric key lengths and salt per CryptoAPI provider (SPEC §15.1).

The numbers are rsaenh's ``PROV_ENUMALGS_EX`` table as Microsoft documents
it for CryptDeriveKey and Wine mirrors it (``aProvEnumAlgsEx``); the salt
rules are the ones Windows shows in Wine's ``test_RC4_salt``, ``test_rc2``
and ``test_rc4`` (Windows-run tests), not Wine's own ``16 - keylen``
approximation.

Exports the provider names and algorithm sets, :class:`KeyLengthRange`, the
checks :func:`check_provider`, :func:`check_key_alg`, :func:`check_key_length`,
:func:`check_salt`, :func:`check_effective_bits` and :func:`require_int`, and
:func:`key_length_range`, :func:`resolve_key_bytes`, :func:`salt_length` and
:func:`alg_name`. Errors name the algorithm and lengths, never key bytes.
"""

from __future__ import annotations

from dataclasses import dataclass

from blobformat.constants import AlgId, alg_name
from blobformat.errors import InvalidParameterError

__all__ = [
    "BLOCK_CIPHERS",
    "DEFAULT_SALT_BYTES",
    "MAX_SALT_BYTES",
    "PROVIDERS",
    "SALTED_ALGS",
    "SESSION_KEY_ALGS",
    "WRAP_ONLY_ALGS",
    "KeyLengthRange",
    "check_effective_bits",
    "check_key_alg",
    "check_key_length",
    "check_provider",
    "check_salt",
    "key_length_range",
    "require_int",
    "resolve_key_bytes",
    "salt_length",
]

#: Provider personalities: MS_DEF_PROV, MS_STRONG_PROV, MS_ENHANCED_PROV and
#: MS_ENH_RSA_AES_PROV.
PROVIDERS = ("base", "strong", "enhanced", "aes")

#: Algorithms with a CryptEncrypt cipher, i.e. real session keys.
SESSION_KEY_ALGS: frozenset[AlgId] = frozenset(
    {
        AlgId.CALG_DES,
        AlgId.CALG_3DES_112,
        AlgId.CALG_3DES,
        AlgId.CALG_RC2,
        AlgId.CALG_RC4,
        AlgId.CALG_AES_128,
        AlgId.CALG_AES_192,
        AlgId.CALG_AES_256,
    }
)

#: Schannel master secrets: 48 bytes that can be wrapped but not encrypt.
WRAP_ONLY_ALGS: frozenset[AlgId] = frozenset(
    {AlgId.CALG_SSL3_MASTER, AlgId.CALG_TLS1_MASTER}
)

#: Block ciphers and their block length in bytes (RC4 is the stream cipher).
BLOCK_CIPHERS: dict[AlgId, int] = {
    AlgId.CALG_DES: 8,
    AlgId.CALG_3DES_112: 8,
    AlgId.CALG_3DES: 8,
    AlgId.CALG_RC2: 8,
    AlgId.CALG_AES_128: 16,
    AlgId.CALG_AES_192: 16,
    AlgId.CALG_AES_256: 16,
}

#: Only RC2 and RC4 keys carry salt (KP_SALT answers NTE_BAD_KEY otherwise).
SALTED_ALGS: frozenset[AlgId] = frozenset({AlgId.CALG_RC2, AlgId.CALG_RC4})

#: The salt length the Base provider always uses, and a 40-bit key's default.
DEFAULT_SALT_BYTES = 11
#: KP_SALT_EX accepts 0..24 bytes; 25 fails on Windows (test_rc2, test_rc4).
MAX_SALT_BYTES = 24

_MASTER_KEY_BYTES = 48


@dataclass(frozen=True, slots=True)
class KeyLengthRange:
    """Default, minimum and maximum key length of one algorithm, in bits.

    :ivar default_bits: the length used when the caller gives none.
    :ivar min_bits: the shortest length accepted.
    :ivar max_bits: the longest length accepted.
    """

    default_bits: int
    min_bits: int
    max_bits: int


def _fixed(bits: int) -> KeyLengthRange:
    """Return a range with a single length."""
    return KeyLengthRange(bits, bits, bits)


_BASE = {
    AlgId.CALG_RC2: KeyLengthRange(40, 40, 56),
    AlgId.CALG_RC4: KeyLengthRange(40, 40, 56),
    AlgId.CALG_DES: _fixed(56),
}
_STRONG = {
    AlgId.CALG_RC2: KeyLengthRange(128, 40, 128),
    AlgId.CALG_RC4: KeyLengthRange(128, 40, 128),
    AlgId.CALG_DES: _fixed(56),
    AlgId.CALG_3DES_112: _fixed(112),
    AlgId.CALG_3DES: _fixed(168),
}
_AES = {
    **_STRONG,
    AlgId.CALG_AES_128: _fixed(128),
    AlgId.CALG_AES_192: _fixed(192),
    AlgId.CALG_AES_256: _fixed(256),
}
_TABLE: dict[str, dict[AlgId, KeyLengthRange]] = {
    "base": _BASE,
    "strong": _STRONG,
    "enhanced": _STRONG,
    "aes": _AES,
}

# DES-family lengths are stated without parity bits (56, 112, 168) but stored
# with them (8, 16, 24 bytes); rsaenh accepts either spelling.
_DES_STORAGE = {
    AlgId.CALG_DES: (56, 64, 8),
    AlgId.CALG_3DES_112: (112, 128, 16),
    AlgId.CALG_3DES: (168, 192, 24),
}


def require_int(value: object, name: str) -> int:
    """Return ``value`` if it is an int (not a bool), else raise TypeError."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not {type(value).__name__}")
    return value


def check_provider(provider: str) -> str:
    """Validate a provider name.

    :param provider: ``"base"``, ``"strong"``, ``"enhanced"`` or ``"aes"``.
    :returns: the same name.
    :raises TypeError: if ``provider`` is not a str.
    :raises InvalidParameterError: for any other name (SYM-6).
    """
    if not isinstance(provider, str):
        raise TypeError(f"provider must be a str, not {type(provider).__name__}")
    if provider not in _TABLE:
        raise InvalidParameterError(
            f"unknown provider {provider!r}; expected one of {', '.join(PROVIDERS)}",
            field="provider",
            rule="SYM-6",
        )
    return provider


def check_key_alg(alg: AlgId, *, allow_wrap_only: bool = False) -> AlgId:
    """Validate that ``alg`` names a session-key algorithm.

    :param alg: the key's ALG_ID.
    :param allow_wrap_only: also accept CALG_SSL3_MASTER and CALG_TLS1_MASTER.
    :returns: ``alg`` as an :class:`AlgId`.
    :raises TypeError: if ``alg`` is not an int.
    :raises InvalidParameterError: for any other algorithm (SYM-1).
    """
    require_int(alg, "algorithm")
    allowed = SESSION_KEY_ALGS | WRAP_ONLY_ALGS if allow_wrap_only else SESSION_KEY_ALGS
    if alg not in allowed:
        raise InvalidParameterError(
            f"{alg_name(alg)} is not a supported session-key algorithm",
            field="alg_id",
            rule="SYM-1",
        )
    return AlgId(alg)


def key_length_range(alg: AlgId, provider: str) -> KeyLengthRange:
    """Return the key-length range of ``alg`` in ``provider``.

    :param alg: a session-key ALG_ID.
    :param provider: a provider name.
    :returns: default, minimum and maximum in bits.
    :raises TypeError: if an argument has the wrong type.
    :raises InvalidParameterError: for an unknown provider (SYM-6), a
        non-session algorithm (SYM-1), or one the provider lacks (SYM-7).
    """
    table = _TABLE[check_provider(provider)]
    member = check_key_alg(alg)
    if member not in table:
        raise InvalidParameterError(
            f"{member.name} is not available in the {provider} provider",
            field="alg_id",
            rule="SYM-7",
        )
    return table[member]


def _bad_bits(
    alg: AlgId, bits: int, provider: str, expected: str
) -> InvalidParameterError:
    """Build the SYM-2 error for a requested bit length."""
    return InvalidParameterError(
        f"{alg.name} key length of {bits} bits is not allowed in the {provider} "
        f"provider (expected {expected})",
        field="key_bits",
        rule="SYM-2",
    )


def resolve_key_bytes(alg: AlgId, provider: str, key_bits: int | None) -> int:
    """Turn a requested key length into the stored key length in bytes.

    Mirrors rsaenh ``new_key``: ``None`` means the provider default; DES,
    3DES-112 and 3DES accept the length with or without parity bits; RC2 and
    RC4 accept any whole number of bytes within the provider's range; AES
    lengths are fixed.

    :param alg: a session-key ALG_ID.
    :param provider: a provider name.
    :param key_bits: requested length in bits, or ``None`` for the default.
    :returns: the key length in bytes.
    :raises TypeError: if ``key_bits`` is neither ``None`` nor an int.
    :raises InvalidParameterError: SYM-1, SYM-6, SYM-7 as for
        :func:`key_length_range`; SYM-2 if ``key_bits`` is not allowed.
    """
    limits = key_length_range(alg, provider)
    member = AlgId(alg)
    if key_bits is None:
        bits = limits.default_bits
    else:
        bits = require_int(key_bits, "key_bits")
    if member in _DES_STORAGE:
        effective, storage, nbytes = _DES_STORAGE[member]
        if bits not in (effective, storage):
            raise _bad_bits(member, bits, provider, f"{effective} or {storage}")
        return nbytes
    if bits % 8 or not limits.min_bits <= bits <= limits.max_bits:
        raise _bad_bits(
            member,
            bits,
            provider,
            f"a multiple of 8 in {limits.min_bits}..{limits.max_bits}",
        )
    return bits // 8


def check_key_length(alg: AlgId, length: int, *, provider: str | None = None) -> None:
    """Check that a key of ``length`` bytes is valid for ``alg``.

    With a provider, the provider's range applies; without one, a length is
    valid if any provider accepts it (RC2/RC4: 5..16 bytes). The Schannel
    master secrets CALG_SSL3_MASTER and CALG_TLS1_MASTER are wrap-only keys
    of exactly 48 bytes.

    :param alg: the key's ALG_ID.
    :param length: the key length in bytes (without salt).
    :param provider: a provider name, or ``None`` for any provider.
    :raises TypeError: if an argument has the wrong type.
    :raises InvalidParameterError: SYM-1 for an unsupported algorithm, SYM-6
        for an unknown provider, SYM-7 if the provider lacks the algorithm,
        SYM-2 for a bad length. Messages give lengths, never key bytes.
    """
    member = check_key_alg(alg, allow_wrap_only=True)
    require_int(length, "length")
    if member in WRAP_ONLY_ALGS:
        if length != _MASTER_KEY_BYTES:
            raise InvalidParameterError(
                f"{member.name} key must be {_MASTER_KEY_BYTES} bytes, got {length}",
                field="key",
                rule="SYM-2",
            )
        return
    providers = PROVIDERS if provider is None else (check_provider(provider),)
    available = [p for p in providers if member in _TABLE[p]]
    if not available:
        # Only reachable with an explicit provider that lacks the algorithm.
        key_length_range(member, providers[0])
    for name in available:
        limits = _TABLE[name][member]
        if member in _DES_STORAGE:
            if length == _DES_STORAGE[member][2]:
                return
        elif limits.min_bits <= length * 8 <= limits.max_bits:
            return
    where = "any provider" if provider is None else f"the {provider} provider"
    raise InvalidParameterError(
        f"{member.name} key of {length} bytes ({length * 8} bits) is not allowed "
        f"in {where}",
        field="key",
        rule="SYM-2",
    )


def check_salt(alg: AlgId, salt_length_bytes: int) -> None:
    """Check a salt length for an algorithm.

    :param alg: the key's ALG_ID.
    :param salt_length_bytes: the salt length in bytes.
    :raises InvalidParameterError: SYM-3 if a non-RC2/RC4 key has salt, SYM-4
        if the salt is longer than 24 bytes.
    """
    if salt_length_bytes and alg not in SALTED_ALGS:
        raise InvalidParameterError(
            f"{alg_name(alg)} keys take no salt (got {salt_length_bytes} bytes)",
            field="salt",
            rule="SYM-3",
        )
    if salt_length_bytes > MAX_SALT_BYTES:
        raise InvalidParameterError(
            f"salt of {salt_length_bytes} bytes exceeds {MAX_SALT_BYTES} bytes",
            field="salt",
            rule="SYM-4",
        )


def check_effective_bits(alg: AlgId, effective_bits: int | None) -> None:
    """Check an RC2 effective key length (``KP_EFFECTIVE_KEYLEN``).

    :param alg: the key's ALG_ID.
    :param effective_bits: ``None`` for the default, else 1..1024.
    :raises TypeError: if ``effective_bits`` is neither ``None`` nor an int.
    :raises InvalidParameterError: SYM-5 if set for a non-RC2 key or out of
        range.
    """
    if effective_bits is None:
        return
    require_int(effective_bits, "effective_bits")
    if alg != AlgId.CALG_RC2 or not 1 <= effective_bits <= 1024:
        raise InvalidParameterError(
            f"effective key length {effective_bits} is not valid for {alg_name(alg)} "
            "(RC2 only, 1..1024 bits)",
            field="effective_bits",
            rule="SYM-5",
        )


def salt_length(
    alg: AlgId,
    key_bytes: int,
    provider: str,
    *,
    create_salt: bool,
    no_salt: bool = False,
) -> int:
    """Return the salt length a new RC2/RC4 key gets (CryptGenKey/DeriveKey).

    Windows behaviour (Wine's Windows-run ``test_RC4_salt``, ``test_rc2``,
    ``test_rc4``): a 40-bit key gets 11 zero bytes of salt unless
    CRYPT_NO_SALT is given. With CRYPT_CREATE_SALT the Base and Strong
    providers use 11 salt bytes whatever the key length; the Enhanced
    provider uses none. The AES provider is assumed to act as Enhanced
    (unverified on Windows; SPEC §15.1 records the decision).

    :param alg: the key's ALG_ID.
    :param key_bytes: the key length in bytes.
    :param provider: a provider name.
    :param create_salt: whether CRYPT_CREATE_SALT is set.
    :param no_salt: whether CRYPT_NO_SALT is set.
    :returns: 0 or 11.
    :raises InvalidParameterError: for an unknown provider (SYM-6).
    """
    check_provider(provider)
    if alg not in SALTED_ALGS:
        return 0
    if create_salt:
        return DEFAULT_SALT_BYTES if provider in ("base", "strong") else 0
    if key_bytes == 5 and not no_salt:
        return DEFAULT_SALT_BYTES
    return 0


def blob_key_sizes(alg: int) -> frozenset[int]:
    """Key lengths in bytes a PLAINTEXTKEYBLOB may carry for ``alg`` (SPEC §9).

    The union over every provider, as :func:`check_key_length` with no
    provider accepts; empty for algorithms without a session-key length.
    """
    return _BLOB_KEY_SIZES.get(alg, frozenset())


def _blob_key_sizes() -> dict[int, frozenset[int]]:
    sizes: dict[int, frozenset[int]] = {}
    for table in _TABLE.values():
        for alg, limits in table.items():
            if alg in _DES_STORAGE:
                lengths = {_DES_STORAGE[alg][2]}
            else:
                lengths = set(range(limits.min_bits // 8, limits.max_bits // 8 + 1))
            sizes[int(alg)] = frozenset(sizes.get(int(alg), frozenset()) | lengths)
    return sizes


_BLOB_KEY_SIZES = _blob_key_sizes()


def blob_key_size_table() -> dict[int, frozenset[int]]:
    """:func:`blob_key_sizes` for every algorithm that has sizes (a copy)."""
    return dict(_BLOB_KEY_SIZES)
