# SPDX-License-Identifier: Apache-2.0
"""The one boundary between blobformat and ``construct`` (SPEC §2.4).

The declarative schemas in :mod:`blobformat.codec.schema` are the single source
of every layout. This module turns a schema into a *plan*: the flat list of
fields with their byte offsets and sizes for given length parameters
(``bit_length`` and friends). Plans are cached, so decoding a blob is a
bounds check against the input followed by slicing, and encoding is the
reverse. The plan is derived from the schema by construct's own ``sizeof``
evaluation, so the two cannot drift apart.

:func:`parse_interpreted` and :func:`build_interpreted` run construct itself
over the same schemas; the test suite checks that both paths agree on every
vector and on hostile input. Every construct exception is translated here
into a :class:`~blobformat.errors.BlobError`; none escapes this module.
"""

from __future__ import annotations

import dataclasses
import functools
import struct
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Final

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
    "REST",
    "UINT",
    "Field",
    "Plan",
    "Value",
    "build_interpreted",
    "check_length",
    "encode",
    "parse_interpreted",
    "plan",
    "plan_for",
    "prefix_plan",
    "read",
]

UINT: Final = 0
CONST: Final = 1
BYTES: Final = 2
REST: Final = 3
#: struct codes of the unsigned little-endian integers it reads natively.
_UINT_CODES: Final = {1: "B", 2: "H", 4: "I", 8: "Q"}

Value = int | bytes | None


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


Reader = Callable[[bytes], "tuple[Value, ...] | None"]
Writer = Callable[["tuple[Value, ...]"], bytes]


@dataclass(frozen=True, slots=True, eq=False)
class Plan:
    """A flat layout; ``end`` is the offset after the last fixed-size field.

    ``names`` are the paths of the fields that carry values (constants and
    absent fields excluded), in order; ``read_fast`` and ``write_fast`` are
    code generated from the fields (see :func:`_generate`). ``extras`` lets
    the model layer cache its own per-plan functions.
    """

    fields: tuple[Field, ...]
    end: int
    open_ended: bool
    names: tuple[str, ...] = ()
    offset_map: dict[str, int] = field(default_factory=dict)
    read_fast: Reader = field(default=lambda data: None)
    read_tail: Reader = field(default=lambda data: None)
    write_fast: Writer = field(default=lambda values: b"")
    extras: dict[object, object] = field(default_factory=dict)
    #: Generated per-model-class constructors and encoders (see blobformat.codec.models).
    assemblers: dict[type, Callable[..., object]] = field(default_factory=dict)
    encoders: dict[type, Callable[..., bytes]] = field(default_factory=dict)
    #: For a prefix plan: where its layout's length parameters sit in ``names``.
    param_index: tuple[int, ...] = ()
    #: For a full plan: the length parameters it was made for.
    param_values: dict[str, int] = field(default_factory=dict)

    def offsets(self) -> dict[str, int]:
        """Map each field path to its offset."""
        return self.offset_map


def _make_plan(fields: tuple[Field, ...], end: int, tail_from: int = 0) -> Plan:
    open_ended = bool(fields) and fields[-1].kind == REST
    names = tuple(f.path for f in fields if f.kind != CONST and not f.absent)
    reader, writer = _generate(fields)
    # The tail reader decodes only what the prefix reader has not (SPEC §4.3 step 7).
    tail, _ = _generate(tuple(f for f in fields if f.offset >= tail_from))
    return Plan(
        fields=fields,
        end=end,
        open_ended=open_ended,
        names=names,
        offset_map={f.path: f.offset for f in fields},
        read_fast=reader,
        read_tail=tail,
        write_fast=writer,
    )


def _generate(fields: tuple[Field, ...]) -> tuple[Reader, Writer]:
    """Generate a reader and a writer for a fixed plan.

    The reader assumes the caller has compared the input length with the
    plan (it slices without checks) and returns ``None`` when a constant
    differs, so that the caller can fall back to :func:`read` for a located
    error. The writer assumes values that fit their fields. Both are checked
    against :func:`read`/:func:`encode` and against construct by the tests.
    """
    consts: dict[str, bytes] = {}
    checks: list[str] = []
    reads: list[str] = []
    writes: list[str] = []
    # The small fixed-size fields (constants, u8..u64, byte strings) are read by
    # one struct.unpack_from, which is several times cheaper than a slice and an
    # int.from_bytes per field; big integers are read on their own.
    fmt: list[str] = []
    start = fields[0].offset if fields else 0
    position = start
    index = 0
    for f in fields:
        lo, hi = f.offset, f.offset + f.size
        if f.absent:
            continue
        if f.kind == REST:
            reads.append(f"d[{lo}:]")
            writes.append(f"v[{index}]")
            index += 1
            continue
        if lo != position:  # pragma: no cover - plans are contiguous
            raise ValueError("plan fields are not contiguous")
        position = hi
        # Index of this field's value in unpack_from's result (pad bytes give none).
        slot = sum(1 for code in fmt if not code.endswith("x"))
        if f.kind == CONST:
            name = f"_c{len(consts)}"
            consts[name] = f.const
            fmt.append(f"{f.size}s")
            checks.append(f"t[{slot}] != {name}")
            writes.append(name)
            continue
        if f.kind == BYTES:
            fmt.append(f"{f.size}s")
            reads.append(f"t[{slot}]")
        elif f.size in _UINT_CODES:
            fmt.append(_UINT_CODES[f.size])
            reads.append(f"t[{slot}]")
        else:
            fmt.append(f"{f.size}x")
            reads.append(f"_f(d[{lo}:{hi}], 'little')")
        if f.kind == BYTES:
            writes.append(f"v[{index}]")
        else:
            writes.append(f"v[{index}].to_bytes({f.size}, 'little')")
        index += 1
    unpack = any(not code.endswith("x") for code in fmt)
    body = f"    t = _u(d, {start})\n" if unpack else ""
    guard = f"    if {' or '.join(checks)}:\n        return None\n" if checks else ""
    source = (
        "def _read(d, _f=int.from_bytes, _u=_unpack):\n"
        + body
        + guard
        + f"    return ({', '.join(reads)}{',' if len(reads) == 1 else ''})\n"
        + "def _write(v):\n"
        + f"    return b''.join(({', '.join(writes)}{',' if len(writes) == 1 else ''}))\n"
    )
    namespace: dict[str, object] = dict(consts)
    namespace["_unpack"] = struct.Struct("<" + "".join(fmt)).unpack_from
    exec(compile(source, "<blobformat plan>", "exec"), namespace)  # noqa: S102 - generated from our own schemas
    return namespace["_read"], namespace["_write"]  # type: ignore[return-value]


class _NeedsParamsError(Exception):
    """A field's size depends on a parameter that is not known yet."""


def _context(params: Mapping[str, int]) -> cs.Container:
    """Build a construct context from dotted parameter names."""
    ctx = cs.Container()
    for dotted, value in params.items():
        node = ctx
        *parents, leaf = dotted.split(".")
        for part in parents:
            node = node.setdefault(part, cs.Container())
        node[leaf] = value
    return ctx


def _sizeof(con: cs.Construct, ctx: cs.Container) -> int:
    try:
        return int(con.sizeof(**ctx))
    except (cs.SizeofError, KeyError, AttributeError) as err:
        raise _NeedsParamsError from err


def _walk(
    struct: cs.Struct,
    ctx: cs.Container,
    prefix: str,
    offset: int,
    out: list[Field],
) -> int:
    """Append the fields of ``struct`` to ``out``; return the end offset."""
    for sub in struct.subcons:
        if isinstance(sub, cs.Renamed):
            name, con = sub.name, sub.subcon
        else:
            name, con = None, sub
        if isinstance(con, cs.Terminated.__class__):
            continue
        path = f"{prefix}{name}"
        if isinstance(con, cs.Struct):
            offset = _walk(con, ctx.get(name, cs.Container()), f"{path}.", offset, out)
            continue
        absent = False
        if isinstance(con, cs.IfThenElse):
            try:
                present = bool(cs.core.evaluate(con.condfunc, ctx))
            except (KeyError, AttributeError) as err:
                raise _NeedsParamsError from err
            if not present:
                out.append(Field(path, offset, 0, UINT, absent=True))
                continue
            con = con.thensubcon
        if isinstance(con, cs.GreedyBytes.__class__):
            out.append(Field(path, offset, -1, REST))
            return offset
        if isinstance(con, cs.Const):
            out.append(Field(path, offset, len(con.value), CONST, const=con.value))
            offset += len(con.value)
            continue
        size = _sizeof(con, ctx)
        if isinstance(con, cs.Bytes):
            kind = BYTES
        elif (isinstance(con, cs.FormatField) and con.fmtstr in ("<B", "<H", "<L", "<Q")) or (isinstance(con, cs.BytesInteger) and con.swapped and not con.signed):
            kind = UINT
        else:  # pragma: no cover - a schema author error, caught by the tests
            raise TypeError(f"unsupported construct in schema: {con!r}")
        out.append(Field(path, offset, size, kind, absent=absent))
        offset += size
    return offset


@functools.lru_cache(maxsize=1024)
def plan_for(layout: Layout, values: tuple[int, ...]) -> Plan:
    """The full plan of ``layout`` for its length parameters' values, in order."""
    fields: list[Field] = []
    params = dict(zip(layout.params, values, strict=True))
    end = _walk(layout.struct, _context(params), "", 0, fields)
    made = _make_plan(tuple(fields), end, prefix_plan(layout).end)
    return dataclasses.replace(made, param_values=params)


def plan(layout: Layout, params: Mapping[str, int]) -> Plan:
    """The full plan of ``layout`` for the given length parameters."""
    return plan_for(layout, tuple(params[k] for k in layout.params))


@functools.lru_cache(maxsize=64)
def _prefix_cached(layout: Layout) -> Plan:
    fields: list[Field] = []
    try:
        end = _walk(layout.struct, cs.Container(), "", 0, fields)
    except _NeedsParamsError:
        end = fields[-1].offset + fields[-1].size if fields else 0
    made = _make_plan(tuple(fields), end)
    index = tuple(made.names.index(name) for name in layout.params)
    return dataclasses.replace(made, param_index=index)


def prefix_plan(layout: Layout) -> Plan:
    """The leading fixed-size fields of ``layout``, up to the first sized one."""
    return _prefix_cached(layout)


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


def _flatten(container: Mapping[str, object], prefix: str, out: dict[str, Value]) -> None:
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
    field = ".".join(
        part.strip() for part in path.split("->")[1:] if part.strip()
    ) or None
    if isinstance(err, cs.StreamError):
        return TruncatedError(
            "input ends inside a field",
            needed=available + 1,
            available=available,
            field=field,
            rule=rule,
        )
    if isinstance(err, cs.TerminatedError):
        return TrailingDataError("unexpected bytes after the last field", extra=1, rule=rule)
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


def build_interpreted(layout: Layout, values: Mapping[str, Value], *, rule: str) -> bytes:
    """Build with construct itself (the reference path used by the tests).

    :raises EncodeError: translated from construct's exceptions.
    """
    try:
        return bytes(layout.struct.build(_unflatten(values)))
    except cs.ConstructError as err:
        raise _translate(err, rule=rule, available=0) from None
    except (KeyError, TypeError, ValueError) as err:
        # construct reports a missing or mistyped value with built-in exceptions.
        raise EncodeError(f"value cannot be encoded ({type(err).__name__})", rule=rule) from None
