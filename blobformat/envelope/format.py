# SPDX-License-Identifier: Apache-2.0
"""The signed envelope's format constants and entry model (SPEC §16.2-§16.4).

Shared by the decoder (:mod:`blobformat.envelope.decode`) and the public API
(:mod:`blobformat.envelope`, which re-exports the public names).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any, Final, NoReturn, TypeVar

from blobformat.codec import wire as _wire
from blobformat.codec.models import SimpleBlob
from blobformat.envelope.schema import HEADER

__all__ = [
    "KEY_ID_CONTEXT",
    "MAX_ENVELOPE_SIZE",
    "MAX_LABEL_BYTES",
    "MAX_RECIPIENTS",
    "SIGNATURE_CONTEXT",
    "SUITE_CAPI_RSA_PKCS1V15_SHA256",
    "VERSION",
    "EnvelopeEntry",
    "Role",
    "Uncopyable",
    "refuse_state",
]

#: The layout version this module reads and writes (SPEC §16.2.1).
VERSION: Final = 1
#: Suite 1: RSASSA-PKCS1-v1_5 with SHA-256, signature stored little-endian
#: as CryptSignHash writes it (SPEC §16.3).
SUITE_CAPI_RSA_PKCS1V15_SHA256: Final = 1
#: Domain-separation string of the signature (SPEC §16.5); never stored.
SIGNATURE_CONTEXT: Final = b"blobformat/envelope/v1"
#: Domain-separation string of the key id (SPEC §16.4).
KEY_ID_CONTEXT: Final = b"blobformat/keyid/v1"
#: No envelope is longer; longer input is rejected before any field is read.
MAX_ENVELOPE_SIZE: Final = 65536
#: At most one owner and fifteen backup authorities.
MAX_RECIPIENTS: Final = 16
#: The label is at most this many bytes of UTF-8.
MAX_LABEL_BYTES: Final = 255

# Key policy of suite 1 (SPEC §16.3): the modulus size range and exponent.
_MIN_BITS: Final = 2048
_MAX_BITS: Final = 16384
_EXPONENT: Final = 65537
# A SIMPLEBLOB for a 2048..16384-bit key is 12 + 256 .. 12 + 2048 bytes.
_MIN_BLOB: Final = 12 + _MIN_BITS // 8
_MAX_BLOB: Final = 12 + _MAX_BITS // 8
_MIN_SIGNATURE: Final = _MIN_BITS // 8
_MAX_SIGNATURE: Final = _MAX_BITS // 8

_PADDING_PKCS1: Final = 1
_PADDING_OAEP: Final = 2

# Suite values that are assigned but not implemented here (SPEC §16.3).
_RESERVED_SUITES: Final = {
    0x0002: "RSASSA-PSS-SHA256, big-endian",
    0x0003: "Ed25519",
    0x00F0: "DSS/SHA-1, legacy",
    0x0101: "password MAC",
}

_WHAT: Final = "envelope"

# Fixed offsets of the header fields, for locating verification errors.
_HEADER_OFFSETS: Final = dict(_wire.prefix_plan(HEADER).offsets())


class Role(enum.IntEnum):
    """Who an envelope entry is for (SPEC §16.2.2)."""

    #: The key pair the session key belongs to (exactly one entry).
    OWNER = 1
    #: A backup authority that can recover the key if the owner loses its key pair.
    BACKUP = 2


class Uncopyable:
    """Refuses ``copy``, ``deepcopy`` and pickling (SPEC ENV-22).

    A copy of a verified envelope or entry would be a verified object nobody
    verified; the envelope's bytes are what is stored.
    """

    __slots__ = ()

    def __copy__(self) -> NoReturn:
        """Refuse: such objects come from a verified envelope only."""
        _no_copy(self)

    def __deepcopy__(self, memo: object) -> NoReturn:
        """Refuse, as :meth:`__copy__`."""
        _no_copy(self)

    def __reduce_ex__(self, protocol: Any) -> NoReturn:
        """Refuse pickling, under every protocol."""
        _no_copy(self)

    def __setstate__(self, state: object) -> NoReturn:
        """Refuse unpickling a crafted pickle into a verified-looking object."""
        _no_copy(self)


_C = TypeVar("_C", bound=type)


def refuse_state(cls: _C) -> _C:
    """Put :class:`Uncopyable`'s ``__setstate__`` back on a frozen slotted dataclass.

    Python 3.10's ``dataclass(frozen=True, slots=True)`` replaces the class's
    ``__setstate__`` unconditionally (3.11 keeps one the class body defines),
    which would let a crafted pickle build a verified-looking object (ENV-22).
    """
    setattr(cls, "__setstate__", Uncopyable.__setstate__)  # noqa: B010 - mypy refuses assigning a method
    return cls


@refuse_state
@dataclass(frozen=True, slots=True, kw_only=True)
class EnvelopeEntry(Uncopyable):
    """One recipient entry of a verified envelope (SPEC §16.2.2).

    :ivar role: owner or backup authority.
    :ivar oaep: the SIMPLEBLOB was wrapped with OAEP, else PKCS#1 v1.5.
    :ivar recipient_key_id: the key id (SPEC §16.4) of the wrapping key.
    :ivar blob: the parsed SIMPLEBLOB (its ciphertext is not secret).
    """

    role: Role
    oaep: bool
    recipient_key_id: bytes
    blob: SimpleBlob

    # A frozen slotted dataclass gets its own __setstate__ unless its body names one.
    __setstate__ = Uncopyable.__setstate__

    def __repr__(self) -> str:
        """Role, padding, algorithm and key id; no ciphertext."""
        return (
            f"EnvelopeEntry(role={self.role.name}, padding={'OAEP' if self.oaep else 'PKCS1v15'}, "
            f"key_alg={self.blob.key_alg.name}, recipient_key_id={self.recipient_key_id.hex()})"
        )


def _no_copy(obj: object) -> NoReturn:
    raise TypeError(
        f"{type(obj).__name__} objects cannot be copied or pickled: only open_sealed() "
        "makes them, after verifying the signature (SPEC ENV-22); store the envelope bytes"
    )
