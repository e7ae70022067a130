# SPDX-License-Identifier: Apache-2.0
"""The one boundary between blobformat and ``construct`` (SPEC §2.4).

The declarative schemas in :mod:`blobformat.codec.schema` are the single source
of every layout. This module reads each schema once into a *template*: its
fields in order, each with a fixed size or a size expression taken from the
schema itself (construct renders ``(this.bit_length + 7) // 8`` as source),
and the layout's length parameters (``bit_length`` and friends). From a
template it derives, once per layout and never per input value:

* a *reader* that decodes a whole blob of exactly the right length into a
  tuple of values, or returns ``None`` so that the generic path can report
  a located error;
* a *sizer* that gives every field's size for given parameter values, from
  which a :class:`Plan` (fields with offsets) is made without construct and
  without generating code.

Plans are cached in a bounded cache; nothing here compiles code for a length
taken from the input. :func:`reference_plan` evaluates construct's own
``sizeof`` for the same fields, and the tests hold the two together.

:func:`parse_interpreted` and :func:`build_interpreted` run construct itself
over the same schemas; the test suite checks that both paths agree on every
vector and on hostile input. Every construct exception is translated here
into a :class:`~blobformat.errors.BlobError`; none escapes this module.
"""

from __future__ import annotations

import functools
import re
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final, cast

import construct as cs

from blobformat.codec.schema import Layout
from blobformat.errors import (
    EncodeError,
    InvalidFieldError,
    TrailingDataError,
    TruncatedError,
)

__all__ = [
    "BYTES",
    "CONST",
    "PLAN_CACHE_SIZE",
    "REST",
    "UINT",
    "Field",
    "Plan",
    "Row",
    "Slot",
    "Template",
    "Value",
    "build_interpreted",
    "check_length",
    "encode",
    "parse_interpreted",
    "plan",
    "plan_for",
    "prefix_plan",
    "read",
    "reference_plan",
    "require",
    "template",
]

UINT: Final = 0
CONST: Final = 1
BYTES: Final = 2
REST: Final = 3
#: struct codes of the unsigned little-endian integers it reads natively.
_UINT_CODES: Final = {1: "B", 2: "H", 4: "I", 8: "Q"}
#: How many plans (one per layout and parameter values) are kept. Making a
#: plan costs a few microseconds and compiles nothing, so the bound only
#: limits memory.
PLAN_CACHE_SIZE: Final = 512

#: One decoded field value: a number, a byte string, or ``None`` for an
#: absent optional number.
Value = int | bytes | None
#: The values of a layout's fields in template order. The schema fixes each
#: position's type (``int`` for UINT, ``bytes`` for BYTES/REST/CONST), so the
#: model layer reads positions without re-checking types.
Row = tuple[Any, ...]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a plan: dotted path, byte offset, byte size and kind.

    ``size`` is -1 for a REST field (the remainder of the input). ``absent``
    fields (an ``If`` whose condition is false) have size 0 and decode to
    ``None``.
    """

    path: str
    offset: int
    size: int
    kind: int
    const: bytes = b""
    absent: bool = False


@dataclass(frozen=True, slots=True, eq=False)
class Plan:
    """A flat layout for given length parameters.

    ``end`` is the offset after the last fixed-size field; ``names`` are the
    paths of the fields that carry values (constants and absent fields
    excluded), in order.
    """

    fields: tuple[Field, ...]
    end: int
    open_ended: bool
    names: tuple[str, ...]
    offset_map: dict[str, int]
    #: The length parameters it was made for (empty for a prefix plan).
    param_values: dict[str, int]

    def offsets(self) -> dict[str, int]:
        """Map each field path to its offset."""
        return self.offset_map


@dataclass(frozen=True, slots=True)
class Slot:
    """One field of a template.

    ``size`` is the fixed size, or -1 when ``size_src`` (a Python expression
    over the parameter variables ``p0``, ``p1``, …) gives it; ``cond_src`` is
    the condition of an optional field (``""``: always present).
    """

    path: str
    kind: int
    size: int
    size_src: str = ""
    cond_src: str = ""
    const: bytes = b""


@dataclass(frozen=True, slots=True, eq=False)
class Template:
    """A layout read once: its slots, parameters and generated functions."""

    layout: Layout
    slots: tuple[Slot, ...]
    #: Paths of the value-carrying slots (constants excluded), in order: the
    #: positions of a :data:`Row`.
    names: tuple[str, ...]
    #: Position of each length parameter in ``names``.
    param_index: tuple[int, ...]
    #: Number of leading fixed-size slots, and the offset after them.
    prefix_count: int
    prefix_end: int
    open_ended: bool
    #: ``reader(data)``: the row of a blob of exactly the right length, or
    #: ``None`` (short, long, or a constant that differs).
    reader: Callable[[bytes], Row | None]
    #: ``sizer(*params)``: every slot's size (0 when absent, -1 for REST).
    sizer: Callable[..., tuple[int, ...]]
    #: ``present(*params)``: whether each slot is present.
    present: Callable[..., tuple[bool, ...]]
    #: The reader's body as source lines (indented, over the input ``d``):
    #: they ``return None`` on a mismatch and leave the values in ``row``.
    #: The model layer embeds them in each kind's fast decoder.
    reader_lines: tuple[str, ...]
    #: The names the reader's lines use (constants, the prefix unpacker).
    reader_namespace: Mapping[str, object]
    _head: Callable[[bytes], Row | None]

    def head(self, data: bytes) -> Row | None:
        """The values of the leading fixed-size fields (a row's first positions).

        ``None`` when ``data`` is shorter than :attr:`prefix_end` or a constant
        (the magic) differs; nothing after the prefix is read. A kind's
        ``_check_prefix`` and :meth:`extent` need no more than this.
        """
        return self._head(data)

    def extent(self, params: tuple[int, ...]) -> int:
        """The length of the fixed part for these parameters (an open-ended rest excluded)."""
        return sum(size for size in self.sizer(*params) if size > 0)

    def index(self, *paths: str) -> tuple[int, ...]:
        """Positions of ``paths`` in a row."""
        return tuple(self.names.index(p) for p in paths)

    def size_expr(self, slot: Slot, params: tuple[str, ...]) -> str:
        """``slot``'s size as source over the expressions ``params`` of the parameters."""
        if slot.size >= 0:
            return str(slot.size)
        return _substitute(slot.size_src, params)

    def cond_expr(self, slot: Slot, params: tuple[str, ...]) -> str:
        """``slot``'s presence condition as source (``"True"`` when unconditional)."""
        return _substitute(slot.cond_src, params) if slot.cond_src else "True"


_THIS = re.compile(r"this((?:\['[A-Za-z0-9_]+'\])+)")
_PARAM = re.compile(r"\bp(\d+)\b")


def _substitute(src: str, params: tuple[str, ...]) -> str:
    return _PARAM.sub(lambda m: f"({params[int(m.group(1))]})", src)


def _expr_source(expr: object, layout: Layout) -> str:
    """Render a construct expression over ``this`` as source over ``p0``, ``p1``, ..."""

    def name(match: re.Match[str]) -> str:
        path = ".".join(re.findall(r"'([A-Za-z0-9_]+)'", match.group(1)))
        if path not in layout.params:  # pragma: no cover - a schema author error
            raise TypeError(
                f"{layout.name}: size depends on {path}, not a declared parameter"
            )
        return f"p{layout.params.index(path)}"

    return _THIS.sub(name, repr(expr))


def _slots(struct_: cs.Struct, layout: Layout, prefix: str, out: list[Slot]) -> None:
    for sub in struct_.subcons:
        name, con = (
            (sub.name, sub.subcon) if isinstance(sub, cs.Renamed) else (None, sub)
        )
        if isinstance(con, cs.Terminated.__class__):
            continue
        path = f"{prefix}{name}"
        if isinstance(con, cs.Struct):
            _slots(con, layout, f"{path}.", out)
            continue
        cond = ""
        if isinstance(con, cs.IfThenElse):
            cond = _expr_source(con.condfunc, layout)
            con = con.thensubcon
        if isinstance(con, cs.GreedyBytes.__class__):
            out.append(Slot(path, REST, -1))
            continue
        if isinstance(con, cs.Const):
            out.append(Slot(path, CONST, len(con.value), const=con.value))
            continue
        if isinstance(con, cs.FormatField) and con.fmtstr in ("<B", "<H", "<L", "<Q"):
            kind, length = UINT, con.sizeof()
        elif isinstance(con, cs.BytesInteger) and con.swapped and not con.signed:
            kind, length = UINT, con.length
        elif isinstance(con, cs.Bytes):
            kind, length = BYTES, con.length
        else:  # pragma: no cover - a schema author error, caught by the tests
            raise TypeError(f"unsupported construct in schema: {con!r}")
        if isinstance(length, int):
            out.append(Slot(path, kind, length, cond_src=cond))
        else:
            out.append(Slot(path, kind, -1, _expr_source(length, layout), cond))


@functools.lru_cache(maxsize=64)
def template(layout: Layout) -> Template:
    """The template of ``layout`` (one per layout; layouts are module-level)."""
    slots: list[Slot] = []
    _slots(layout.struct, layout, "", slots)
    names = tuple(s.path for s in slots if s.kind != CONST)
    prefix_count = 0
    prefix_end = 0
    for s in slots:
        if s.size < 0 or s.cond_src:
            break
        prefix_count += 1
        prefix_end += s.size
    reader, sizer, present, lines, namespace = _generate(
        layout, tuple(slots), prefix_count, prefix_end
    )
    return Template(
        layout=layout,
        slots=tuple(slots),
        names=names,
        param_index=tuple(names.index(p) for p in layout.params),
        prefix_count=prefix_count,
        prefix_end=prefix_end,
        open_ended=bool(slots) and slots[-1].kind == REST,
        reader=reader,
        sizer=sizer,
        present=present,
        reader_lines=lines,
        reader_namespace=namespace,
        _head=_head_reader(tuple(slots), prefix_count, prefix_end),
    )


def _generate(
    layout: Layout, slots: tuple[Slot, ...], prefix_count: int, prefix_end: int
) -> tuple[
    Callable[[bytes], Row | None],
    Callable[..., tuple[int, ...]],
    Callable[..., tuple[bool, ...]],
    tuple[str, ...],
    dict[str, object],
]:
    """Generate the reader, sizer and presence test of a layout (once per layout).

    The reader unpacks the leading fixed-size fields with one
    ``struct.unpack_from`` (several times cheaper than a slice and an
    ``int.from_bytes`` per field), computes the remaining sizes from the
    parameters exactly as the sizer does, compares the total with the input
    length, and only then slices the numbers.
    """
    fmt: list[str] = []
    slot_of: dict[int, str] = {}
    consts: dict[str, bytes] = {}
    checks: list[str] = []
    position = 0
    for i, s in enumerate(slots[:prefix_count]):
        index = sum(1 for code in fmt if not code.endswith("x"))
        if s.kind == CONST:
            name = f"_c{len(consts)}"
            consts[name] = s.const
            fmt.append(f"{s.size}s")
            checks.append(f"t[{index}] != {name}")
        elif s.kind == BYTES:
            fmt.append(f"{s.size}s")
            slot_of[i] = f"t[{index}]"
        elif s.size in _UINT_CODES:
            fmt.append(_UINT_CODES[s.size])
            slot_of[i] = f"t[{index}]"
        else:
            fmt.append(f"{s.size}x")
            slot_of[i] = f"_f(d[{position}:{position + s.size}], 'little')"
        position += s.size
    params = [f"t[{_struct_index(fmt, slots, layout, p)}]" for p in layout.params]
    lines = [
        f"    if _n(d) < {prefix_end}:",
        "        return None",
        "    t = _u(d, 0)" if any(not c.endswith("x") for c in fmt) else "    t = ()",
    ]
    if checks:
        lines += [f"    if {' or '.join(checks)}:", "        return None"]
    lines += [f"    p{k} = {src}" for k, src in enumerate(params)]
    out: list[str] = []
    offset = str(prefix_end)
    open_ended = False
    for i, s in enumerate(slots):
        if i < prefix_count:
            if s.kind != CONST:
                out.append(slot_of[i])
            continue
        if s.kind == REST:
            lines.append(f"    if _n(d) < {offset}:")
            lines.append("        return None")
            out.append(f"d[{offset}:]")
            open_ended = True
            break
        size = str(s.size) if s.size >= 0 else f"({s.size_src})"
        if s.cond_src:
            lines.append(f"    s{i} = {size} if {s.cond_src} else 0")
            size = f"s{i}"
        elif s.size < 0:
            lines.append(f"    s{i} = {size}")
            size = f"s{i}"
        lines.append(f"    o{i} = {offset}")
        start, offset = f"o{i}", f"o{i} + {size}"
        if s.kind == CONST:
            checks_src = f"d[{start}:{offset}] != {s.const!r}"
            lines += [f"    if {checks_src}:", "        return None"]
            continue
        value = (
            f"d[{start}:{offset}]"
            if s.kind == BYTES
            else f"_f(d[{start}:{offset}], 'little')"
        )
        if s.cond_src:
            value = f"({value} if s{i} else None)"
        out.append(value)
    if not open_ended:
        lines += [f"    if _n(d) != {offset}:", "        return None"]
    lines.append(f"    row = ({', '.join(out)}{',' if len(out) == 1 else ''})")
    body = tuple(lines)
    lines = [
        "def _read(d, _f=int.from_bytes, _u=_unpack, _n=len):",
        *body,
        "    return row",
    ]
    args = ", ".join(f"p{k}" for k in range(len(layout.params)))
    sizes = []
    presence = []
    for s in slots:
        size = str(s.size) if s.size >= 0 or s.kind == REST else f"({s.size_src})"
        if s.cond_src:
            sizes.append(f"({size} if {s.cond_src} else 0)")
            presence.append(f"bool({s.cond_src})")
        else:
            sizes.append(size)
            presence.append("True")
    lines += [
        f"def _sizes({args}):",
        f"    return ({', '.join(sizes)},)",
        f"def _present({args}):",
        f"    return ({', '.join(presence)},)",
    ]
    namespace: dict[str, object] = dict(consts)
    namespace["_unpack"] = struct.Struct("<" + "".join(fmt)).unpack_from
    shared = dict(namespace)
    source = "\n".join(lines) + "\n"
    # Generated once per layout from our own schemas, never from input values.
    exec(compile(source, f"<blobformat {layout.name} reader>", "exec"), namespace)  # noqa: S102
    return (
        cast("Callable[[bytes], Row | None]", namespace["_read"]),
        cast("Callable[..., tuple[int, ...]]", namespace["_sizes"]),
        cast("Callable[..., tuple[bool, ...]]", namespace["_present"]),
        body,
        shared,
    )


def _head_reader(
    slots: tuple[Slot, ...], prefix_count: int, prefix_end: int
) -> Callable[[bytes], Row | None]:
    """The prefix part of the reader: unpack, compare constants, return the values."""
    fmt = [
        f"{s.size}s"
        if s.kind in (CONST, BYTES)
        else _UINT_CODES.get(s.size, f"{s.size}s")
        for s in slots[:prefix_count]
    ]
    unpack = struct.Struct("<" + "".join(fmt)).unpack_from
    consts = tuple(
        (i, s.const) for i, s in enumerate(slots[:prefix_count]) if s.kind == CONST
    )
    values = tuple(i for i, s in enumerate(slots[:prefix_count]) if s.kind != CONST)
    wide = {
        i
        for i, s in enumerate(slots[:prefix_count])
        if s.kind == UINT and s.size not in _UINT_CODES
    }

    def head(data: bytes) -> Row | None:
        if len(data) < prefix_end:
            return None
        t = unpack(data, 0)
        for i, const in consts:
            if t[i] != const:
                return None
        return tuple(
            [int.from_bytes(t[i], "little") if i in wide else t[i] for i in values]
        )

    return head


def _struct_index(
    fmt: list[str], slots: tuple[Slot, ...], layout: Layout, path: str
) -> int:
    """Where parameter ``path`` sits in the prefix's ``unpack_from`` result."""
    index = 0
    for code, s in zip(fmt, slots, strict=False):
        if s.path == path:
            if code.endswith("x"):  # pragma: no cover - parameters are small integers
                raise TypeError(
                    f"{layout.name}: parameter {path} is not a native integer"
                )
            return index
        if not code.endswith("x"):
            index += 1
    raise TypeError(
        f"{layout.name}: parameter {path} is not a leading fixed-size field"
    )


@functools.lru_cache(maxsize=PLAN_CACHE_SIZE)
def plan_for(layout: Layout, values: tuple[int, ...]) -> Plan:
    """The full plan of ``layout`` for its length parameters' values, in order."""
    t = template(layout)
    sizes = t.sizer(*values)
    present = t.present(*values)
    fields: list[Field] = []
    offset = 0
    for s, size, here in zip(t.slots, sizes, present, strict=True):
        if s.kind == REST:
            fields.append(Field(s.path, offset, -1, REST))
            break
        fields.append(Field(s.path, offset, size, s.kind, s.const, absent=not here))
        offset += size
    return _make_plan(
        tuple(fields), offset, dict(zip(layout.params, values, strict=True))
    )


def _make_plan(fields: tuple[Field, ...], end: int, params: dict[str, int]) -> Plan:
    return Plan(
        fields=fields,
        end=end,
        open_ended=bool(fields) and fields[-1].kind == REST,
        names=tuple(f.path for f in fields if f.kind != CONST and not f.absent),
        offset_map={f.path: f.offset for f in fields},
        param_values=params,
    )


def plan(layout: Layout, params: Mapping[str, int]) -> Plan:
    """The full plan of ``layout`` for the given length parameters."""
    return plan_for(layout, tuple(params[k] for k in layout.params))


@functools.lru_cache(maxsize=64)
def prefix_plan(layout: Layout) -> Plan:
    """The leading fixed-size fields of ``layout``, up to the first sized one."""
    t = template(layout)
    fields: list[Field] = []
    offset = 0
    for s in t.slots[: t.prefix_count]:
        fields.append(Field(s.path, offset, s.size, s.kind, s.const))
        offset += s.size
    if t.prefix_count < len(t.slots) and t.slots[t.prefix_count].kind == REST:
        fields.append(Field(t.slots[t.prefix_count].path, offset, -1, REST))
    return _make_plan(tuple(fields), offset, {})


def reference_plan(
    layout: Layout, params: Mapping[str, int]
) -> tuple[tuple[str, int, int], ...]:
    """``(path, offset, size)`` of every field as construct's ``sizeof`` gives them.

    The reference for the template's size expressions (used by the tests).
    """
    ctx = cs.Container()
    for dotted, value in params.items():
        node = ctx
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, cs.Container())
        node[leaf] = value
    out: list[tuple[str, int, int]] = []

    def walk(
        struct_: cs.Struct, context: cs.Container, prefix: str, offset: int
    ) -> int:
        for sub in struct_.subcons:
            name, con = (
                (sub.name, sub.subcon) if isinstance(sub, cs.Renamed) else (None, sub)
            )
            if isinstance(con, cs.Terminated.__class__):
                continue
            path = f"{prefix}{name}"
            if isinstance(con, cs.Struct):
                offset = walk(
                    con, context.get(name, cs.Container()), f"{path}.", offset
                )
                continue
            if isinstance(con, cs.GreedyBytes.__class__):
                out.append((path, offset, -1))
                return offset
            size = int(con.sizeof(**context))
            out.append((path, offset, size))
            offset += size
        return offset

    walk(layout.struct, ctx, "", 0)
    return tuple(out)


def require(
    layout: Layout,
    params: tuple[int, ...],
    available: int,
    *,
    rule: str,
    what: str,
    allow_trailing: bool = False,
) -> int:
    """:func:`check_length` for the full layout, from the sizes alone.

    Computes the length the parameters imply and compares it with the input
    before any plan is made, so an input that cannot be a blob (a truncated
    header with any bit length) costs a few arithmetic operations.

    :returns: the number of trailing bytes (0 unless ``allow_trailing``).
    :raises TruncatedError: naming the first field that does not fit.
    :raises TrailingDataError: if bytes follow a closed layout.
    """
    t = template(layout)
    offset = 0
    for s, size in zip(t.slots, t.sizer(*params), strict=True):
        if s.kind == REST:
            return 0
        if offset + size > available:
            raise TruncatedError(
                f"{what}: input ends inside a field ({offset + size} bytes needed, {available} given)",
                needed=offset + size,
                available=available,
                offset=offset,
                field=s.path,
                rule=rule,
            )
        offset += size
    extra = available - offset
    if extra and not allow_trailing:
        raise TrailingDataError(
            f"{what}: {extra} unexpected bytes after the last field",
            extra=extra,
            offset=offset,
            rule=rule,
        )
    return extra


def check_length(
    p: Plan,
    available: int,
    *,
    rule: str,
    what: str,
    allow_trailing: bool = False,
) -> int:
    """Compare the plan with the input length before anything is read.

    :returns: the number of trailing bytes (0 unless ``allow_trailing``).
    :raises TruncatedError: naming the first field that does not fit.
    :raises TrailingDataError: if bytes follow a closed plan.
    """
    if available < p.end:
        for f in p.fields:
            if f.offset + max(f.size, 0) > available:
                raise TruncatedError(
                    f"{what}: input ends inside a field "
                    f"({f.offset + f.size} bytes needed, {available} given)",
                    needed=f.offset + f.size,
                    available=available,
                    offset=f.offset,
                    field=f.path,
                    rule=rule,
                )
    extra = available - p.end
    if extra and not p.open_ended and not allow_trailing:
        raise TrailingDataError(
            f"{what}: {extra} unexpected bytes after the last field",
            extra=extra,
            offset=p.end,
            rule=rule,
        )
    return 0 if p.open_ended else extra


def read(
    p: Plan,
    data: bytes,
    values: dict[str, Value],
    *,
    const_rule: str = "",
    skip_rest: bool = False,
) -> dict[str, Value]:
    """Decode the fields of ``p`` that are not yet in ``values``.

    The caller has already run :func:`check_length`, so every slice is
    within the input. ``skip_rest`` leaves an open-ended final field unread,
    so that its length can be checked before it is copied.

    :raises InvalidFieldError: if a constant field differs.
    """
    for f in p.fields:
        if f.path in values:
            continue
        if f.kind == UINT:
            if f.absent:
                values[f.path] = None
            else:
                values[f.path] = int.from_bytes(
                    data[f.offset : f.offset + f.size], "little"
                )
        elif f.kind == BYTES:
            values[f.path] = bytes(data[f.offset : f.offset + f.size])
        elif f.kind == REST:
            if skip_rest:
                continue
            values[f.path] = bytes(data[f.offset :])
        else:
            got = bytes(data[f.offset : f.offset + f.size])
            if got != f.const:
                raise InvalidFieldError(
                    f"bad constant in field '{f.path}'",
                    expected=f.const.hex(),
                    actual=got.hex(),
                    offset=f.offset,
                    field=f.path,
                    rule=const_rule,
                )
            values[f.path] = got
    return values


def encode(p: Plan, values: Mapping[str, Value], *, rule: str) -> bytes:
    """Write ``values`` following plan ``p``.

    :raises EncodeError: if a number does not fit its field or a byte
        field has the wrong length (messages give sizes, never values).
    """
    parts: list[bytes] = []
    for f in p.fields:
        if f.absent:
            continue
        if f.kind == CONST:
            parts.append(f.const)
            continue
        value = values[f.path]
        if f.kind == UINT:
            if not isinstance(value, int) or value < 0:
                raise EncodeError(
                    f"field '{f.path}' must be a non-negative integer",
                    field=f.path,
                    offset=f.offset,
                    rule=rule,
                )
            try:
                parts.append(value.to_bytes(f.size, "little"))
            except OverflowError:
                raise EncodeError(
                    f"field '{f.path}' does not fit in {f.size} bytes",
                    field=f.path,
                    offset=f.offset,
                    rule=rule,
                ) from None
        else:
            if not isinstance(value, bytes) or (
                f.kind == BYTES and len(value) != f.size
            ):
                raise EncodeError(
                    f"field '{f.path}' must be {f.size} bytes",
                    field=f.path,
                    offset=f.offset,
                    rule=rule,
                )
            parts.append(value)
    return b"".join(parts)


def _flatten(
    container: Mapping[str, object], prefix: str, out: dict[str, Value]
) -> None:
    for key, value in container.items():
        if key.startswith("_"):
            continue
        path = f"{prefix}{key}"
        if isinstance(value, Mapping):
            _flatten(value, f"{path}.", out)
        elif isinstance(value, int | bytes) or value is None:
            out[path] = value
        else:  # pragma: no cover - the schemas produce no other types
            raise TypeError(f"unexpected parsed value at {path}")


def _unflatten(values: Mapping[str, Value]) -> dict[str, object]:
    root: dict[str, object] = {}
    for dotted, value in values.items():
        node = root
        *parents, leaf = dotted.split(".")
        for part in parents:
            child = node.setdefault(part, {})
            if not isinstance(child, dict):  # pragma: no cover - schema error
                raise TypeError(dotted)
            node = child
        node[leaf] = value
    return root


def _translate(err: cs.ConstructError, *, rule: str, available: int) -> Exception:
    """Map a construct exception to a BlobError without its message text."""
    path = str(getattr(err, "path", "") or "")
    field = (
        ".".join(part.strip() for part in path.split("->")[1:] if part.strip()) or None
    )
    if isinstance(err, cs.StreamError):
        return TruncatedError(
            "input ends inside a field",
            needed=available + 1,
            available=available,
            field=field,
            rule=rule,
        )
    if isinstance(err, cs.TerminatedError):
        return TrailingDataError(
            "unexpected bytes after the last field", extra=1, rule=rule
        )
    if isinstance(err, cs.ConstError):
        return InvalidFieldError("bad constant", field=field, rule=rule)
    return EncodeError("value cannot be encoded", field=field, rule=rule)


def parse_interpreted(layout: Layout, data: bytes, *, rule: str) -> dict[str, Value]:
    """Parse with construct itself (the reference path used by the tests).

    :raises TruncatedError, TrailingDataError, InvalidFieldError: translated
        from construct's exceptions.
    """
    try:
        container = layout.struct.parse(data)
    except cs.ConstructError as err:
        raise _translate(err, rule=rule, available=len(data)) from None
    out: dict[str, Value] = {}
    _flatten(container, "", out)
    return out


def build_interpreted(
    layout: Layout, values: Mapping[str, Value], *, rule: str
) -> bytes:
    """Build with construct itself (the reference path used by the tests).

    :raises EncodeError: translated from construct's exceptions.
    """
    try:
        return bytes(layout.struct.build(_unflatten(values)))
    except cs.ConstructError as err:
        raise _translate(err, rule=rule, available=0) from None
    except (KeyError, TypeError, ValueError) as err:
        # construct reports a missing or mistyped value with built-in exceptions.
        raise EncodeError(
            f"value cannot be encoded ({type(err).__name__})", rule=rule
        ) from None
