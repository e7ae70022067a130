# SPDX-License-Identifier: Apache-2.0
"""The registry of blob kinds: each kind declared once, everything else derived.

A kind is its schema (:mod:`blobformat.codec.schema`), its model class
(:mod:`blobformat.codec.models`) and one :class:`Kind` entry added here by
the module that defines the model. The dispatcher (:func:`blobformat.parse`),
the scanner's candidate table and ``blobformat.__all__`` (checked by the
tests) are derived from the entries: the magic and ``bType`` come from the
model's schema and class variables, never from a second table.

Kinds not built on the shared template (the CNG blobs of SPEC §20, family
``"cng"``: big-endian numbers, magic at offset 0) register their magics,
taken from their own layout table in :mod:`blobformat.codec.cng`, and their
own decoder; the dispatcher finds them in :data:`BY_CNG_MAGIC`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final, Generic, Literal, Optional, TypeVar

from blobformat.codec import wire as _wire
from blobformat.codec.model_base import _Model

if TYPE_CHECKING:
    # Type-only: the models modules add the entries.
    from blobformat.codec.cng import CngBlob
    from blobformat.codec.models import AnyBlob, Blob

__all__ = [
    "BY_CNG_MAGIC",
    "BY_FIRST_BYTE",
    "BY_HEADER",
    "BY_LEADING_MAGIC",
    "BY_MAGIC",
    "BY_TYPE",
    "KEYED",
    "KINDS",
    "QUICK",
    "Kind",
    "add",
    "kind_of",
    "magic_of",
    "quick_key",
]


def magic_of(model: type[_Model]) -> tuple[int, bytes] | None:
    """The offset and bytes of the magic in ``model``'s schema (its first constant)."""
    offset = 0
    for slot in _wire.template(model.LAYOUT).slots:
        if slot.kind == _wire.CONST:
            return offset, slot.const
        if slot.size < 0 or slot.cond_src:
            return None
        offset += slot.size
    return None


#: The model class of a kind.
_B = TypeVar("_B", bound="AnyBlob")
Family = Literal["capi", "cng"]


@dataclass(frozen=True, slots=True)
class Kind(Generic[_B]):
    """One blob kind.

    :ivar name: a short stable identifier (``"rsa-public"``, ``"cng-rsa-public"``,
        ``"pvk"``…), used by ``scan`` and the CLI.
    :ivar model: the model class; for the ``"capi"`` family its schema and class
        variables give the rest.
    :ivar framed: whether the kind starts with a BLOBHEADER (CryptoAPI blobs)
        rather than its own magic at offset 0 (PVK files, CNG blobs).
    :ivar opaque: whether the body is provider-private bytes (scanners skip
        these by default: in random bytes they would be false positives).
    :ivar family: ``"capi"``: built on the shared template (CryptoAPI blobs,
        PVK files), decoded by the generated readers; ``"cng"``: its own
        layout table and ``decode`` (SPEC §20).
    :ivar magic: the magic's bytes (``b""`` when the kind has none): read from
        the schema for the ``"capi"`` family, the first of ``magics`` otherwise.
    :ivar magics: every magic that selects the kind (a CNG ECC public blob has
        eight); ``(magic,)`` for the ``"capi"`` family.
    :ivar decode: ``decode(data, lenient)`` of a kind not built on the template.
    :ivar magic_offset: where the magic sits in the blob.
    """

    name: str
    model: type[_B]
    framed: bool = True
    opaque: bool = False
    family: Family = "capi"
    magics: tuple[bytes, ...] = ()
    decode: Optional[Callable[[bytes, bool], _B]] = field(  # noqa: UP045 - evaluated at run time on 3.10
        default=None, compare=False, repr=False
    )
    magic: bytes = field(init=False, default=b"")
    magic_offset: int = field(init=False, default=-1)
    #: The strict fast decoder the dispatcher made for this kind (on first use).
    fast: Optional[Callable[[bytes], Blob | None]] = field(  # noqa: UP045 - evaluated at run time on 3.10
        init=False, default=None, compare=False, repr=False
    )

    def __post_init__(self) -> None:
        """Read the magic from the schema (``"capi"``) or take the given ones."""
        if self.family == "cng":
            if self.framed or self.decode is None or not self.magics:
                raise ValueError(
                    f"{self.name}: a CNG kind is unframed, with magics and a decoder"
                )
            object.__setattr__(self, "magic_offset", 0)
            object.__setattr__(self, "magic", self.magics[0])
            return
        if self.magics or self.decode is not None or not issubclass(self.model, _Model):
            raise ValueError(
                f"{self.name}: a template kind's magic and decoder come from its schema"
            )
        found = magic_of(self.model)
        if found is not None:
            object.__setattr__(self, "magic_offset", found[0])
            object.__setattr__(self, "magic", found[1])
            object.__setattr__(self, "magics", (found[1],))


#: Every kind, in registration order.
KINDS: list[Kind[Any]] = []
#: Framed kinds with a magic after the header, by (bType, magic).
BY_HEADER: dict[tuple[int, bytes], Kind[Blob]] = {}
#: The same, by magic then bType (the dispatcher's first lookup).
BY_MAGIC: dict[bytes, dict[int, Kind[Blob]]] = {}
#: Framed kinds without a magic, by bType.
BY_TYPE: dict[int, Kind[Blob]] = {}
#: Unframed template kinds (their own magic at offset 0: PVK files), by magic.
BY_LEADING_MAGIC: dict[bytes, Kind[Blob]] = {}
#: The dispatcher's first guess, from three bytes it reads without slicing:
#: framed kinds by ``quick_key(bType, magic[0], magic[3])``, unframed kinds by
#: their first byte. The kind's reader then checks the whole magic.
QUICK: dict[int, Kind[Blob]] = {}
#: CNG kinds (SPEC §20) by each of their magics at offset 0. Kinds that share
#: a magic (the ECC full key blob and the generic ECC blobs, told apart by the
#: next ULONG, SPEC §20.5) share their decoder; the first registered is listed.
BY_CNG_MAGIC: dict[bytes, Kind[CngBlob]] = {}


class Keyed(enum.Enum):
    """Marks a bType whose kinds differ by their magic (look the blob up in QUICK)."""

    KEYED = "keyed"


KEYED: Final = Keyed.KEYED
#: The dispatcher's first lookup, by the blob's first byte: a framed kind
#: without a magic (selected by its bType alone), :data:`KEYED` for the key
#: blob bTypes, an unframed template kind by its magic's first byte, or None.
BY_FIRST_BYTE: list[Kind[Blob] | Keyed | None] = [None] * 256


def quick_key(blob_type: int, first: int, last: int) -> int:
    """The :data:`QUICK` key of a framed blob: bType and the magic's first and last bytes."""
    return blob_type << 16 | first << 8 | last


_BY_MODEL: dict[type, Kind[Any]] = {}


def add(*kinds: Kind[Any]) -> None:
    """Register kinds; a clash of names, models or dispatch keys is a bug."""
    for kind in kinds:
        model = kind.model
        if kind.name in {k.name for k in KINDS} or model in _BY_MODEL:
            raise ValueError(f"kind registered twice: {kind.name}")
        if kind.family == "cng":
            for magic in kind.magics:
                other = BY_CNG_MAGIC.get(magic)
                if len(magic) != 4 or (
                    other is not None and other.decode is not kind.decode
                ):
                    raise ValueError(
                        f"{kind.name}: CNG magic {magic!r} taken by another decoder"
                    )
                BY_CNG_MAGIC.setdefault(magic, kind)
        elif not kind.framed:
            if kind.magic_offset != 0 or kind.magic in BY_LEADING_MAGIC:
                raise ValueError(
                    f"{kind.name}: an unframed kind needs its own magic at offset 0"
                )
            BY_LEADING_MAGIC[kind.magic] = kind
            _quick(kind.magic[0], kind)
            _first(kind.magic[0], kind)
        elif kind.magic:
            key = (int(model.BLOB_TYPE), kind.magic)
            if key in BY_HEADER:
                raise ValueError(f"{kind.name}: bType and magic already taken")
            BY_HEADER[key] = kind
            BY_MAGIC.setdefault(kind.magic, {})[key[0]] = kind
            _quick(quick_key(key[0], kind.magic[0], kind.magic[3]), kind)
            if BY_FIRST_BYTE[key[0]] is not KEYED:
                _first(key[0], KEYED)
        else:
            if int(model.BLOB_TYPE) in BY_TYPE:
                raise ValueError(f"{kind.name}: bType already taken")
            BY_TYPE[int(model.BLOB_TYPE)] = kind
            _first(int(model.BLOB_TYPE), kind)
        KINDS.append(kind)
        _BY_MODEL[model] = kind


def _first(byte: int, entry: Kind[Blob] | Keyed) -> None:
    if BY_FIRST_BYTE[byte] is not None:
        raise ValueError(f"first byte 0x{byte:02X} already dispatches elsewhere")
    BY_FIRST_BYTE[byte] = entry


def _quick(key: int, kind: Kind[Blob]) -> None:
    if key in QUICK:
        raise ValueError(f"{kind.name}: quick dispatch key taken by {QUICK[key].name}")
    QUICK[key] = kind


def kind_of(model: type[AnyBlob]) -> Kind[Any]:
    """The registry entry of a model class."""
    return _BY_MODEL[model]
