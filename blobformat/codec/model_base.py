# SPDX-License-Identifier: Apache-2.0
"""The machinery every blob model shares (SPEC §4): header, field spans, seeds.

:class:`_Model` validates a model on construction with the rules
:func:`blobformat.parse` applies, generates its fast decoder and encoder from
the construct schemas, and gives ``layout()``, ``to_bytes()`` and a ``repr``
that hides secret fields. The kinds themselves live in
:mod:`blobformat.codec.models`.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar, TypeVar

from blobformat.codec import schema as _schema
from blobformat.codec import wire as _wire
from blobformat.codec.schema import Layout
from blobformat.constants import AlgId, BlobType

__all__ = ["BlobHeader", "DSSSeed", "FieldSpan", "Tolerance"]

_M = TypeVar("_M", bound="_Model")


@dataclass(frozen=True, slots=True)
class Tolerance:
    """One deviation that ``parse(..., lenient=True)`` accepted and recorded.

    :ivar kind: ``"trailing-data"``, ``"short-private-exponent"``,
        ``"non-canonical-bit-length"`` (RSA-5, DSS-6, DH-6: the bit length is
        rewritten to the one the number's size gives) or
        ``"ambiguous-seed-counter"`` (DSS-7: a counter with its high bit set is
        rewritten to "no seed").
    :ivar offset: where the deviation starts in the input.
    :ivar detail: what exactly was tolerated (sizes only, never key bytes).
    :ivar rule: the SPEC rule that strict parsing would have enforced.
    """

    kind: str
    offset: int
    detail: str
    rule: str


@dataclass(frozen=True, slots=True, kw_only=True)
class BlobHeader:
    """BLOBHEADER / PUBLICKEYSTRUC (SPEC §4.1).

    :ivar blob_type: ``bType``.
    :ivar version: ``bVersion`` (2, or 3 for DSS/DH version-3 blobs).
    :ivar key_alg: ``aiKeyAlg``: an :class:`AlgId` when known, else the raw value
        (only opaque kinds may carry unknown values).
    :ivar reserved: ``reserved``; always 0 in an accepted blob.
    """

    blob_type: BlobType
    version: int
    key_alg: AlgId | int
    reserved: int = 0


@dataclass(frozen=True, slots=True)
class FieldSpan:
    """Where a field sits in the encoded blob (for ``inspect`` and tooling).

    ``value`` is ``None`` for secret fields and for absent optional fields.
    """

    path: str
    offset: int
    size: int
    value: int | bytes | None
    secret: bool


@dataclass(frozen=True, slots=True, kw_only=True, repr=False)
class DSSSeed:
    """DSSSEED (SPEC §6.2): the FIPS 186 generation counter and seed.

    ``seed`` is kept exactly as stored: reversed relative to the FIPS 186
    SEED (see :attr:`fips_seed`). A counter of 0xFFFFFFFF means "no seed";
    the seed bytes are then conventionally all 0xFF but are kept verbatim.
    """

    counter: int
    seed: bytes

    NO_SEED_COUNTER: ClassVar[int] = 0xFFFFFFFF

    def __post_init__(self) -> None:
        """Check field types and sizes."""
        counter: object = self.counter
        seed: object = self.seed
        if not isinstance(counter, int) or not 0 <= counter <= 0xFFFFFFFF:
            raise TypeError("DSSSeed.counter must be an int in 0..0xFFFFFFFF")
        if not isinstance(seed, bytes) or len(seed) != 20:
            raise TypeError("DSSSeed.seed must be 20 bytes")

    @classmethod
    def none(cls) -> DSSSeed:
        """The "no seed" value: counter 0xFFFFFFFF, seed all 0xFF."""
        return cls(counter=cls.NO_SEED_COUNTER, seed=b"\xff" * 20)

    @property
    def has_seed(self) -> bool:
        """Whether the blob carries generation values (counter != 0xFFFFFFFF)."""
        return self.counter != self.NO_SEED_COUNTER

    @property
    def fips_seed(self) -> bytes:
        """The seed in FIPS 186 (big-endian) order."""
        return self.seed[::-1]

    def __repr__(self) -> str:
        """Show the counter and the seed in hex."""
        if self == DSSSeed.none():
            return "DSSSeed.none()"
        return f"DSSSeed(counter={self.counter}, seed={self.seed.hex()})"


def _describe_int(value: int) -> str:
    if value.bit_length() <= 64:
        return str(value)
    return f"<{value.bit_length()}-bit>"


class _Model:
    """Shared behaviour of every blob model (not public)."""

    __slots__ = ()

    KIND: ClassVar[str]
    BLOB_TYPE: ClassVar[BlobType]
    VERSION: ClassVar[int | None]
    LAYOUT: ClassVar[Layout]
    #: The SPEC rule naming this kind's layout (sizes, no trailing bytes).
    RULE: ClassVar[str]
    SECRET: ClassVar[frozenset[str]] = frozenset()

    # -- wire mapping ---------------------------------------------------------

    def _wire_value(self, path: str) -> _wire.Value:
        if path == "header.blob_type":
            return int(self.BLOB_TYPE)
        if path == "header.version":
            return self._version()
        if path == "header.reserved":
            return 0
        if path == "header.key_alg":
            return int(getattr(self, "key_alg"))  # noqa: B009
        if path.startswith("seed."):
            return getattr(getattr(self, "seed"), path[5:])  # type: ignore[no-any-return]  # noqa: B009
        return getattr(self, path)  # type: ignore[no-any-return]

    def _version(self) -> int:
        if self.VERSION is None:  # pragma: no cover - opaque kinds override
            raise NotImplementedError
        return self.VERSION

    def _params(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for name in self.LAYOUT.params:
            value = self._wire_value(name)
            out[name] = value if isinstance(value, int) else 0
        return out

    def _plan(self) -> _wire.Plan:
        return _wire.plan_for(
            self.LAYOUT,
            tuple([self._wire_value(name) for name in self.LAYOUT.params]),
        )

    def _wire_values(self, p: _wire.Plan) -> dict[str, _wire.Value]:
        return {
            f.path: self._wire_value(f.path)
            for f in p.fields
            if f.kind != _wire.CONST and not f.absent
        }

    @classmethod
    def _from_wire(
        cls: type[_M],
        values: Mapping[str, _wire.Value],
        tolerated: tuple[Tolerance, ...] = (),
    ) -> _M:
        kwargs: dict[str, object] = {}
        for f in dataclasses.fields(cls):  # type: ignore[arg-type]
            name = f.name
            if not f.init:
                continue
            if name == "tolerated":
                kwargs[name] = tolerated
            elif name == "key_alg":
                raw = int(values["header.key_alg"])  # type: ignore[arg-type]
                kwargs[name] = AlgId(raw) if cls.VERSION is not None else raw
            elif name in cls._ALG_FIELDS:
                kwargs[name] = _ALG_BY_VALUE.get(int(values[name]), values[name])  # type: ignore[arg-type]
            elif name == "version":
                kwargs[name] = values["header.version"]
            elif name == "seed":
                kwargs[name] = DSSSeed(
                    counter=values["seed.counter"],  # type: ignore[arg-type]
                    seed=values["seed.seed"],  # type: ignore[arg-type]
                )
            else:
                kwargs[name] = values[name]
        return cls(**kwargs)

    # -- validation -------------------------------------------------------------

    @classmethod
    def _check_prefix(
        cls, values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None
    ) -> None:
        """Rules on the fields that size the rest (run before the body is read)."""

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        """Rules on the numbers of the body."""

    def _check_types(self) -> None:
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if not f.init or f.name in ("seed", "tolerated"):
                continue
            value = getattr(self, f.name)
            if (f.name in self._ALG_FIELDS or (f.name == "key_alg" and self.VERSION is not None)) and (
                type(value) is int and value in _ALG_BY_VALUE
            ):
                # A plain int names the same ALG_ID: store the enum member.
                object.__setattr__(self, f.name, _ALG_BY_VALUE[value])
            if f.name in self._BYTES_FIELDS:
                if not isinstance(value, bytes):
                    raise TypeError(
                        f"{type(self).__name__}.{f.name} must be bytes, "
                        f"not {type(value).__name__}"
                    )
            elif f.name in self._OPTIONAL_FIELDS and value is None:
                continue
            elif not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise TypeError(
                    f"{type(self).__name__}.{f.name} must be a non-negative int"
                )

    _BYTES_FIELDS: ClassVar[frozenset[str]] = frozenset()
    _OPTIONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()
    #: Fields besides key_alg that hold an ALG_ID (normalised to AlgId members).
    _ALG_FIELDS: ClassVar[frozenset[str]] = frozenset()

    def _validate_all(self) -> None:
        self._check_types()
        prefix = _wire.prefix_plan(self.LAYOUT)
        self._check_prefix(
            {f.path: self._wire_value(f.path) for f in prefix.fields if f.kind != _wire.CONST},
            prefix.offsets(),
        )
        self._check_body(self._plan().offsets())

    def __post_init__(self) -> None:
        """Validate the model with the rules parsing applies (SPEC.md)."""
        self._validate_all()

    # -- public API -----------------------------------------------------------

    def to_bytes(self) -> bytes:
        """Encode the blob canonically.

        :returns: the only byte string SPEC.md accepts for this model.
        :raises EncodeError: if a field does not fit its slot.
        """
        p = self._plan()
        if self._FAST:
            try:
                return self._encoder(p)(self)
            except (OverflowError, AttributeError, TypeError):
                pass  # The generic encoder below reports the field that does not fit.
        return _wire.encode(p, self._wire_values(p), rule=self.RULE)

    # -- compiled fast paths (SPEC §4.3 decides what they may skip) -------------

    #: Whether the generated decoder and encoder serve this class.
    _FAST: ClassVar[bool] = True
    #: Wire paths whose value is not simply the attribute of the same name.
    _WIRE_EXPR: ClassVar[Mapping[str, str]] = {}

    @classmethod
    def _wire_expr(cls, path: str) -> str:
        if path in cls._WIRE_EXPR:
            return cls._WIRE_EXPR[path]
        if path == "header.blob_type":
            return str(int(cls.BLOB_TYPE))
        if path == "header.version":
            return "o.version" if cls.VERSION is None else str(cls.VERSION)
        if path == "header.reserved":
            return "0"
        if path == "header.key_alg":
            return "o.key_alg"
        return f"o.{path}"

    @classmethod
    def _encoder(cls, p: _wire.Plan) -> _Encoder:
        """A generated encoder for this class and plan, with constants folded."""
        fn = p.encoders.get(cls)
        if fn is None:
            parts: list[str] = []
            pending = b""
            for f in p.fields:
                if f.absent:
                    continue
                if f.kind == _wire.CONST:
                    pending += f.const
                    continue
                expr = cls._wire_expr(f.path)
                if f.kind == _wire.UINT and expr.isdigit():
                    pending += int(expr).to_bytes(f.size, "little")
                    continue
                if pending:
                    parts.append(repr(pending))
                    pending = b""
                parts.append(expr if f.kind != _wire.UINT else f"{expr}.to_bytes({f.size}, 'little')")
            if pending:
                parts.append(repr(pending))
            source = f"def _enc(o):\n    return b''.join(({', '.join(parts)},))\n"
            namespace: dict[str, object] = {}
            exec(compile(source, f"<blobformat {cls.__name__} encoder>", "exec"), namespace)  # noqa: S102 - generated from our own schemas
            fn = p.encoders[cls] = namespace["_enc"]  # type: ignore[assignment]
        return fn  # type: ignore[return-value]

    @classmethod
    def _assembler(cls, p: _wire.Plan) -> _Assembler:
        """A generated constructor from a plan's values that skips ``__init__``.

        Only the decoder calls it, after it has applied the prefix rules; the
        body rules run inside it unless the plan's field sizes already
        guarantee them (:meth:`_body_implied`, decided once per plan).
        """
        fn = p.assemblers.get(cls)
        if fn is None:
            index = {name: i for i, name in enumerate(p.names)}
            params = tuple(p.param_values[name] for name in cls.LAYOUT.params)
            lines = ["def _asm(v, _new=object.__new__, _set=object.__setattr__):", "    o = _new(_cls)"]
            for f in dataclasses.fields(cls):  # type: ignore[arg-type]
                name = f.name
                if name == "tolerated":
                    expr = "()"
                elif name == "key_alg":
                    raw = f"v[{index['header.key_alg']}]"
                    expr = f"_alg[{raw}]" if cls.VERSION is not None else raw
                elif name in cls._ALG_FIELDS:
                    expr = f"_alg[v[{index[name]}]]"
                elif name == "version":
                    expr = f"v[{index['header.version']}]"
                elif name == "seed":
                    expr = f"_seed(v[{index['seed.counter']}], v[{index['seed.seed']}])"
                elif name in index:
                    expr = f"v[{index[name]}]"
                else:
                    expr = "None"  # an optional number absent from this plan
                lines.append(f"    _set(o, {name!r}, {expr})")
            if not cls._body_implied(params):
                lines.append("    o._check_body(_offsets)")
            lines.append("    return o")
            namespace: dict[str, object] = {
                "_cls": cls,
                "_alg": _ALG_BY_VALUE,
                "_seed": _fast_seed,
                "_offsets": p.offset_map,
            }
            exec(compile("\n".join(lines) + "\n", f"<blobformat {cls.__name__} decoder>", "exec"), namespace)  # noqa: S102 - generated from our own schemas
            fn = p.assemblers[cls] = namespace["_asm"]  # type: ignore[assignment]
        return fn  # type: ignore[return-value]

    @classmethod
    def _body_implied(cls, params: tuple[int, ...]) -> bool:
        """Whether the field sizes already guarantee every body rule."""
        return False

    #: For layouts ending in "the rest of the input": the most bytes the rest
    #: may have, checked before it is copied (``None``: no limit).
    _REST_MAX: ClassVar[int | None] = None

    @classmethod
    def _check_rest(cls, size: int, offsets: Mapping[str, int] | None) -> None:
        """Rules on the length of a trailing open-ended field, checked before it is read."""

    @classmethod
    def _prefix_ok(cls, head: tuple[_wire.Value, ...]) -> bool:
        """A quick, conservative test of the prefix rules on the prefix plan's values.

        True only if :meth:`_check_prefix` would pass; False means "let the
        full check decide" (a test holds the two together).
        """
        return False

    @property
    def header(self) -> BlobHeader:
        """The BLOBHEADER this blob is written with."""
        key_alg = int(getattr(self, "key_alg"))  # noqa: B009
        return BlobHeader(
            blob_type=self.BLOB_TYPE,
            version=self._version(),
            key_alg=AlgId(key_alg) if key_alg in _ALG_VALUES else key_alg,
        )

    def layout(self) -> tuple[FieldSpan, ...]:
        """Every field with its offset, size and (non-secret) value."""
        p = self._plan()
        values = self._wire_values(p)
        spans = []
        for f in p.fields:
            secret = f.path in self.SECRET
            if f.kind == _wire.CONST:
                value: int | bytes | None = f.const
            else:
                value = None if (secret or f.absent) else values[f.path]
            size = f.size
            if f.kind == _wire.REST:
                raw = values[f.path]
                size = len(raw) if isinstance(raw, bytes) else 0
            spans.append(FieldSpan(f.path, f.offset, size, value, secret))
        return tuple(spans)

    @classmethod
    def from_bytes(
        cls: type[_M], data: bytes | bytearray | memoryview, *, lenient: bool = False
    ) -> _M:
        """Parse ``data`` and require it to be this kind of blob.

        :raises ParseError: as :func:`blobformat.parse` does.
        :raises UnsupportedBlobError: if the bytes are another kind.
        """
        from blobformat.codec.decode import parse_as

        return parse_as(cls, data, lenient=lenient)

    def __repr__(self) -> str:
        """Show the kind and public fields only; never key material."""
        parts = []
        for f in dataclasses.fields(self):  # type: ignore[arg-type]
            if not f.repr:
                continue
            value = getattr(self, f.name)
            if f.name in self.SECRET:
                if isinstance(value, int):
                    shown = f"<secret {value.bit_length()}-bit>"
                elif isinstance(value, bytes):
                    shown = f"<secret {len(value)} bytes>"
                else:
                    shown = "<secret>"
            elif isinstance(value, enum.Enum):
                shown = value.name
            elif isinstance(value, int) and not isinstance(value, bool):
                shown = _describe_int(value)
            elif isinstance(value, bytes):
                shown = f"<{len(value)} bytes>"
            elif f.name == "tolerated" and not value:
                continue
            else:
                shown = repr(value)
            parts.append(f"{f.name}={shown}")
        return f"{type(self).__name__}({', '.join(parts)})"


_ALG_VALUES = {int(a) for a in AlgId}
_ALG_BY_VALUE: dict[int, AlgId] = {int(a): a for a in AlgId}


def _prefix_index(layout: str, *names: str) -> tuple[int, ...]:
    """Positions of prefix fields among a layout's prefix-plan values."""
    p = _wire.prefix_plan(_schema.LAYOUTS[layout])
    return tuple(p.names.index(name) for name in names)


_Assembler = Callable[["tuple[_wire.Value, ...]"], "_Model"]
_Encoder = Callable[["_Model"], bytes]


def _fast_seed(counter: int, seed: bytes) -> DSSSeed:
    """A DSSSeed from wire values (a u32 and 20 bytes: valid by construction)."""
    obj = object.__new__(DSSSeed)
    object.__setattr__(obj, "counter", counter)
    object.__setattr__(obj, "seed", seed)
    return obj


