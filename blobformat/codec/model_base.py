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
from typing import Any, ClassVar, TypeVar, cast

from blobformat.codec import wire as _wire
from blobformat.codec.schema import Layout
from blobformat.codec.validate import BitRange
from blobformat.constants import AlgId, BlobType
from blobformat.errors import BlobError

__all__ = ["BlobHeader", "DSSSeed", "FieldSpan", "Generated", "Tolerance", "row_index"]

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

    :ivar blob_type: ``bType``: a :class:`BlobType` when known, else the raw
        value (a PVK file's encrypted key blob is not checked further).
    :ivar version: ``bVersion`` (2, or 3 for DSS/DH version-3 blobs).
    :ivar key_alg: ``aiKeyAlg``: an :class:`AlgId` when known, else the raw value
        (only opaque kinds may carry unknown values).
    :ivar reserved: ``reserved``; always 0 in an accepted blob.
    """

    blob_type: BlobType | int
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
    """Shared behaviour of every blob model (not public).

    A kind is declared by its schema (:mod:`blobformat.codec.schema`), its
    model class (the fields, the class variables below and its rules) and
    one registry entry (:mod:`blobformat.codec.registry`). Everything else —
    the reader, the encoder, the constructor used by the decoder — is
    derived once per class from the schema's template.
    """

    __slots__ = ()

    # Every concrete model is a dataclass; declaring the protocol's attribute
    # lets dataclasses.fields() accept model classes without casts.
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]
    KIND: ClassVar[str]
    BLOB_TYPE: ClassVar[BlobType]
    VERSION: ClassVar[int | None]
    LAYOUT: ClassVar[Layout]
    #: The SPEC rule naming this kind's layout (sizes, no trailing bytes).
    RULE: ClassVar[str]
    SECRET: ClassVar[frozenset[str]] = frozenset()
    #: The bit lengths the kind's size field allows (sized key blobs only).
    BITS: ClassVar[BitRange | None] = None
    #: Lenient mode: the last field that may be cut short and recomputed by
    #: :meth:`_recover_short_tail` (SPEC §13), or ``""``.
    _SHORT_TAIL: ClassVar[str] = ""
    #: Whether the field sizes alone guarantee every body rule, so that the
    #: decoder may skip :meth:`_check_body` (decided per class).
    _BODY_IMPLIED: ClassVar[bool] = False
    #: For a *decoded* blob, the body rules its field sizes do not already
    #: guarantee, as an expression over the new model ``o``: the fast decoder
    #: accepts when it is true and otherwise leaves the verdict (and the
    #: located error) to the generic decoder, which runs :meth:`_check_body`.
    #: ``""``: the fast decoder runs :meth:`_check_body` itself.
    _DECODED_GUARD: ClassVar[str] = ""
    #: For layouts ending in "the rest of the input": the most bytes the rest
    #: may have, checked before it is copied (``None``: no limit).
    _REST_MAX: ClassVar[int | None] = None
    #: Wire paths whose value is not simply the attribute of the same name:
    #: a Python expression over the model ``o`` (the one value mapping).
    _WIRE_EXPR: ClassVar[Mapping[str, str]] = {}
    _BYTES_FIELDS: ClassVar[frozenset[str]] = frozenset()
    _OPTIONAL_FIELDS: ClassVar[frozenset[str]] = frozenset()
    #: Fields besides key_alg that hold an ALG_ID (normalised to AlgId members).
    _ALG_FIELDS: ClassVar[frozenset[str]] = frozenset()

    # -- wire mapping ---------------------------------------------------------

    @classmethod
    def _wire_expr(cls, path: str) -> str:
        """The value of wire field ``path`` as an expression over the model ``o``."""
        if path in cls._WIRE_EXPR:
            return cls._WIRE_EXPR[path]
        if path == "header.blob_type":
            return str(int(cls.BLOB_TYPE))
        if path == "header.version":
            return "o.version" if cls.VERSION is None else str(cls.VERSION)
        if path == "header.reserved":
            return "0"
        if path == "header.key_alg":
            return "int(o.key_alg)"
        return f"o.{path}"

    def _version(self) -> int:
        if self.VERSION is None:  # pragma: no cover - opaque kinds override
            raise NotImplementedError
        return self.VERSION

    def _row(self) -> _wire.Row:
        """The wire values of this model, in the template's order."""
        return _generated(type(self)).row(self)

    def _plan(self) -> _wire.Plan:
        gen = _generated(type(self))
        row = gen.row(self)
        return _wire.plan_for(
            self.LAYOUT, tuple([row[i] for i in gen.template.param_index])
        )

    def _wire_values(self, p: _wire.Plan) -> dict[str, _wire.Value]:
        values = dict(
            zip(_generated(type(self)).template.names, self._row(), strict=True)
        )
        return {name: values[name] for name in p.names}

    @classmethod
    def _from_wire(
        cls: type[_M],
        values: Mapping[str, _wire.Value],
        tolerated: tuple[Tolerance, ...] = (),
    ) -> _M:
        """The model of decoded ``values``, through the validating constructor."""
        kwargs: dict[str, object] = {}
        for f in _init_fields(cls):
            name = f.name
            if name == "tolerated":
                kwargs[name] = tolerated
            elif name == "key_alg":
                raw = values["header.key_alg"]
                kwargs[name] = (
                    _ALG_BY_VALUE.get(raw, raw) if isinstance(raw, int) else raw
                )
            elif name in cls._ALG_FIELDS:
                raw = values[name]
                kwargs[name] = (
                    _ALG_BY_VALUE.get(raw, raw) if isinstance(raw, int) else raw
                )
            elif name == "version":
                kwargs[name] = values["header.version"]
            elif name == "seed":
                kwargs[name] = DSSSeed(
                    counter=_int(values["seed.counter"]),
                    seed=_bytes(values["seed.seed"]),
                )
            else:
                kwargs[name] = values[name]
        return cls(**kwargs)

    @classmethod
    def _recover_short_tail(
        cls, values: Mapping[str, _wire.Value], fragment: bytes, offset: int
    ) -> int:
        """The value of a :attr:`_SHORT_TAIL` field of which only ``fragment`` is present."""
        raise NotImplementedError  # pragma: no cover - only declared with _SHORT_TAIL

    @classmethod
    def _from_row(cls: type[_M], row: _wire.Row) -> _M:
        """A model from a decoded row through the validating constructor.

        Kinds whose fields are not plain wire values override it; the
        generated decoder then calls it instead of assembling the model.
        """
        raise NotImplementedError  # pragma: no cover - see _generate

    # -- validation -------------------------------------------------------------

    @classmethod
    def _check_prefix(cls, row: _wire.Row, offsets: Mapping[str, int] | None) -> None:
        """Rules on the fields that size the rest, run before the body is read.

        ``row`` holds at least the prefix's values, at the template's
        positions; ``offsets`` locates errors (``None`` on the fast path,
        which re-runs the generic decoder to report a failure).
        """

    def _check_body(self, offsets: Mapping[str, int] | None) -> None:
        """Rules on the numbers of the body."""

    @classmethod
    def _check_rest(cls, size: int, offsets: Mapping[str, int] | None) -> None:
        """Rules on the length of a trailing open-ended field, checked before it is read."""

    def _check_types(self) -> None:
        for f in _init_fields(type(self)):
            if f.name in ("seed", "tolerated"):
                continue
            value = getattr(self, f.name)
            if (
                f.name in self._ALG_FIELDS
                or (f.name == "key_alg" and self.VERSION is not None)
            ) and (type(value) is int and value in _ALG_BY_VALUE):
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

    def _validate_all(self) -> None:
        self._check_types()
        self._check_prefix(self._row(), _wire.prefix_plan(self.LAYOUT).offsets())
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
        try:
            return _generated(type(self)).encode(self)
        except (OverflowError, AttributeError, TypeError):
            # The generic encoder reports the field that does not fit.
            p = self._plan()
            return _wire.encode(p, self._wire_values(p), rule=self.RULE)

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

    def __repr__(self) -> str:
        """Show the kind and public fields only; never key material."""
        parts = []
        for f in dataclasses.fields(self):
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


def row_index(layout: Layout, *paths: str) -> tuple[int, ...]:
    """Positions of wire fields in a row of ``layout`` (see :data:`blobformat.codec.wire.Row`)."""
    return _wire.template(layout).index(*paths)


def _int(value: _wire.Value) -> int:
    if not isinstance(value, int):  # pragma: no cover - the schema reads a u32
        raise TypeError("expected an integer field")
    return value


def _bytes(value: _wire.Value) -> bytes:
    if not isinstance(value, bytes):  # pragma: no cover - the schema reads bytes
        raise TypeError("expected a byte-string field")
    return value


_INIT_FIELDS: dict[type, tuple[dataclasses.Field[Any], ...]] = {}


def _init_fields(cls: type[_Model]) -> tuple[dataclasses.Field[Any], ...]:
    fields = _INIT_FIELDS.get(cls)
    if fields is None:
        fields = _INIT_FIELDS[cls] = tuple(f for f in dataclasses.fields(cls) if f.init)
    return fields


def _fast_seed(counter: int, seed: bytes) -> DSSSeed:
    """A DSSSeed from wire values (a u32 and 20 bytes: valid by construction)."""
    obj = object.__new__(DSSSeed)
    object.__setattr__(obj, "counter", counter)
    object.__setattr__(obj, "seed", seed)
    return obj


@dataclass(frozen=True, slots=True)
class Generated:
    """What is derived once per model class from its template."""

    template: _wire.Template
    #: ``row(model)``: the wire values in template order.
    row: Callable[[_Model], _wire.Row]
    #: ``assemble(row)``: the model, without ``__init__``; runs the body
    #: rules (unless implied) with no offsets. Only the decoder calls it,
    #: after the prefix rules.
    assemble: Callable[[_wire.Row], _Model]
    #: ``encode(model)``: the canonical bytes.
    encode: Callable[[_Model], bytes]
    #: ``fast(data, framed=True)``: the strict decoder without error locations
    #: (``None`` on any doubt), or ``None`` for kinds built by ``_from_row``.
    fast: _FastFn | None = None


_GENERATED: dict[type, Generated] = {}
_RowFn = Callable[[_Model], _wire.Row]
_AssembleFn = Callable[[_wire.Row], _Model]
_FastFn = Callable[..., "_Model | None"]
_EncodeFn = Callable[[_Model], bytes]


def _builder(cls: type) -> type | None:
    """A mutable class with ``cls``'s layout, or ``None`` when there is none.

    ``cls`` is a frozen slotted dataclass whose fields are all its own slots
    (its bases add none), so an instance built as the twin can take
    ``cls`` as its class (``object.__class__`` assignment checks the layouts).
    """
    slots = cls.__dict__.get("__slots__")
    base = cls.__bases__[0]
    if (
        not slots
        or len(cls.__bases__) != 1
        or any(
            klass.__dict__.get("__slots__", ())
            for klass in base.__mro__
            if klass is not object
        )
    ):
        return None
    return type(f"_{cls.__name__}Builder", (base,), {"__slots__": tuple(slots)})


def _generated(cls: type[_Model]) -> Generated:
    """The generated functions of ``cls`` (made on first use, once per class)."""
    gen = _GENERATED.get(cls)
    if gen is None:
        gen = _GENERATED[cls] = _generate(cls)
    return gen


def _exec(source: str, name: str, namespace: dict[str, object]) -> object:
    # Generated once per class from our own schemas, never from input values.
    exec(compile(source, f"<blobformat {name}>", "exec"), namespace)  # noqa: S102
    return namespace["_fn"]


def _generate(cls: type[_Model]) -> Generated:
    t = _wire.template(cls.LAYOUT)
    exprs = {name: cls._wire_expr(name) for name in t.names}
    row_src = f"def _fn(o):\n    return ({', '.join(exprs[n] for n in t.names)},)\n"
    row = _exec(row_src, f"{cls.__name__} row", {})

    if getattr(cls._from_row, "__func__", None) is not getattr(
        _Model._from_row, "__func__", None
    ):
        return Generated(t, cast("_RowFn", row), cls._from_row, _encoder(cls, t, exprs))
    index = {name: i for i, name in enumerate(t.names)}
    # Slot descriptors set a frozen dataclass's fields about twice as fast as
    # object.__setattr__.
    namespace: dict[str, object] = {
        "_cls": cls,
        "_alg": _ALG_BY_VALUE,
        "_seed": _fast_seed,
    }
    builder = _builder(cls)
    if builder is not None:
        # Fields written on a mutable twin with the same slots, then the class
        # switched: plain attribute stores cost a third of a descriptor call.
        namespace["_builder"] = builder
        lines = ["def _fn(v, _new=object.__new__):", "    o = _new(_builder)"]
    else:
        lines = ["def _fn(v, _new=object.__new__):", "    o = _new(_cls)"]
    for f in _init_fields(cls):
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
        else:
            expr = f"v[{index[name]}]"
        namespace[f"_set_{name}"] = getattr(cls, name).__set__
        lines.append(
            f"    o.{name} = {expr}" if builder else f"    _set_{name}(o, {expr})"
        )
    for f in dataclasses.fields(cls):
        if not f.init and f.default is not dataclasses.MISSING:
            namespace[f"_set_{f.name}"] = getattr(cls, f.name).__set__
            lines.append(
                f"    o.{f.name} = {f.default!r}"
                if builder
                else f"    _set_{f.name}(o, {f.default!r})"
            )
    if builder is not None:
        lines.append("    o.__class__ = _cls")
    if not cls._BODY_IMPLIED and not cls._DECODED_GUARD:
        lines.append("    o._check_body(None)")
    elif cls._DECODED_GUARD:
        lines += [f"    if not ({cls._DECODED_GUARD}):", "        o._check_body(None)"]
    lines.append("    return o")
    assemble = _exec(
        "\n".join(lines) + "\n", f"{cls.__name__} decoder", dict(namespace)
    )
    # The fast decoder: the layout's reader, the header's rules for a framed
    # kind, the kind's prefix rules and the constructor above, in one function.
    fast_lines = [
        "def _fn(d, framed=True, _n=len, _f=int.from_bytes, _u=_unpack, _new=object.__new__):",
        # An open-ended rest longer than the kind allows: the generic path
        # reports it without copying the rest.
        *(
            [f"    if _n(d) - {t.prefix_end} > {cls._REST_MAX}:", "        return None"]
            if cls._REST_MAX is not None
            else []
        ),
        *t.reader_lines,
        f"    if framed and (row[2] or row[1] != {cls.VERSION}):"
        if cls.VERSION is not None
        else "    if framed and row[2]:",
        "        return None",
        "    try:",
        "        _check(row, None)",
        *(
            "    "
            + line.replace("(v[", "(row[")
            .replace("[v[", "[row[")
            .replace(", v[", ", row[")
            .replace("= v[", "= row[")
            for line in lines[1:-1]
            if not (
                cls._DECODED_GUARD
                and ("_check_body" in line or line.startswith("    if not ("))
            )
        ),
        "    except _error:",
        "        return None",
        *(
            [f"    if not ({cls._DECODED_GUARD}):", "        return None"]
            if cls._DECODED_GUARD
            else []
        ),
        "    return o",
    ]
    namespace.update(t.reader_namespace)
    namespace.update({"_check": cls._check_prefix, "_error": BlobError})
    fast = _exec(
        "\n".join(fast_lines) + "\n", f"{cls.__name__} fast decoder", namespace
    )
    return Generated(
        t,
        cast("_RowFn", row),
        cast("_AssembleFn", assemble),
        _encoder(cls, t, exprs),
        cast("_FastFn", fast),
    )


def _encoder(
    cls: type[_Model], t: _wire.Template, exprs: Mapping[str, str]
) -> _EncodeFn:
    """Generate the encoder of ``cls``.

    Constants are folded; sizes are computed from the model's own length
    parameters with the schema's expressions.
    """
    params = tuple(f"_p{k}" for k in range(len(t.layout.params)))
    body = [f"    _p{k} = {exprs[p]}" for k, p in enumerate(t.layout.params)]
    parts: list[str] = []
    pending = b""
    for slot in t.slots:
        if slot.kind == _wire.CONST:
            pending += slot.const
            continue
        expr = exprs[slot.path]
        if (
            slot.kind == _wire.UINT
            and slot.size >= 0
            and not slot.cond_src
            and expr.isdigit()
        ):
            pending += int(expr).to_bytes(slot.size, "little")
            continue
        if pending:
            parts.append(repr(pending))
            pending = b""
        if slot.kind == _wire.UINT:
            part = f"({expr}).to_bytes({t.size_expr(slot, params)}, 'little')"
        else:
            part = expr
        if slot.cond_src:
            part = f"({part} if {t.cond_expr(slot, params)} else b'')"
        parts.append(part)
    if pending:
        parts.append(repr(pending))
    return cast(
        "_EncodeFn",
        _exec(
            "def _fn(o):\n"
            + "".join(line + "\n" for line in body)
            + f"    return b''.join(({', '.join(parts)},))\n",
            f"{cls.__name__} encoder",
            {},
        ),
    )
