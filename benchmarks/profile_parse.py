# SPDX-License-Identifier: Apache-2.0
"""Where does ``blobformat.parse`` (or ``.to_bytes()``) spend its time?

``python benchmarks/profile_parse.py`` profiles ``blobformat.parse`` of a
2048-bit RSA private key blob with cProfile and prints, per parse call:

1. the wall time with and without the profiler (cProfile inflates small
   Python functions, so read its numbers as proportions);
2. the functions with the most *own* time, with calls per parse;
3. a profiler-free breakdown by stage (header, plans, reads, model
   construction, validation), timed by calling the library's internal
   steps one by one. Internals change; a stage that no longer exists is
   shown as n/a.

Options: ``--kind`` (rsa-private, rsa-public, dss-public, simpleblob, pvk),
``--op to_bytes``, ``--calls N``, ``--top N``, ``--sort cumulative``,
``--save FILE`` (pstats dump for snakeviz and friends).
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import cProfile  # noqa: E402
import functools  # noqa: E402
import pstats  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import blobformat  # noqa: E402
from benchmarks import fixtures  # noqa: E402
from benchmarks.suite import (  # noqa: E402
    KINDS,
    REF_BUILD,
    REF_PARSE,
    ref_to_private_key,
    ref_to_public_key,
)


def _best_per_call(func: Callable[[], object], calls: int, repeat: int = 7) -> float:
    """Best-of-``repeat`` time per call in ns (min is the least noisy here)."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter_ns()
        for _ in range(calls):
            func()
        best = min(best, (time.perf_counter_ns() - t0) / calls)
    return best


def _short(path: str) -> str:
    for prefix in (str(ROOT) + "/",):
        if path.startswith(prefix):
            return path[len(prefix) :]
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    return path


def profile(
    func: Callable[[], object], calls: int, top: int, sort: str, save: str | None
) -> float:
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(calls):
        func()
    prof.disable()
    if save:
        prof.dump_stats(save)
    st = pstats.Stats(prof)
    raw: dict[Any, Any] = st.stats  # type: ignore[attr-defined]
    total_own = sum(v[2] for v in raw.values())
    rows = []
    for (filename, line, name), (cc, nc, tt, ct, _callers) in raw.items():
        rows.append((filename, line, name, cc, nc, tt, ct))
    key = 5 if sort == "tottime" else 6
    rows.sort(key=lambda r: r[key], reverse=True)
    print(f"{'calls/op':>9} {'own us/op':>10} {'cum us/op':>10} {'own %':>6}  function")
    for filename, line, name, _cc, nc, tt, ct in rows[:top]:
        where = f"{_short(filename)}:{line}({name})" if line else name
        print(
            f"{nc / calls:>9.1f} {tt / calls * 1e6:>10.2f} {ct / calls * 1e6:>10.2f} "
            f"{100 * tt / total_own:>6.1f}  {where}"
        )
    return float(total_own / calls * 1e9)


def stages(kind: str, data: bytes, calls: int) -> list[tuple[str, float | None]]:
    """Time the steps of ``parse`` separately (best effort, internals may move)."""
    from blobformat.codec import decode as _parse
    from blobformat.codec import wire as _wire

    out: list[tuple[str, float | None]] = []

    def add(label: str, make: Callable[[], Callable[[], object]]) -> None:
        try:
            func = make()
            func()
        except Exception as err:
            out.append((f"{label}  [n/a: {type(err).__name__}: {err}]", None))
            return
        out.append((label, _best_per_call(func, calls)))

    add("whole parse()", lambda: functools.partial(blobformat.parse, data))
    model = blobformat.parse(data)
    cls: Any = type(model)
    if hasattr(_parse, "_decode_fast") and getattr(cls, "_FAST", False):
        _fast_stages(cls, data, add)
        out.append(
            ("generic path (lenient mode, errors, kinds without a fast path):", None)
        )
    add("as_bytes()", lambda: functools.partial(_parse.as_bytes, data))
    if kind != "pvk":
        add("_header_values()", lambda: functools.partial(_parse._header_values, data))
        hv = _parse._header_values(data)
        add("_select()", lambda: functools.partial(_parse._select, data, hv))
        add("_check_header()", lambda: functools.partial(_parse._check_header, cls, hv))
    layout = cls.LAYOUT
    prefix = _wire.prefix_plan(layout)
    add(
        "_wire.prefix_plan() (lru_cache)",
        lambda: functools.partial(_wire.prefix_plan, layout),
    )
    add(
        "_wire.check_length(prefix)",
        lambda: functools.partial(
            _wire.check_length,
            prefix,
            len(data),
            rule=cls.RULE,
            what=cls.KIND,
            allow_trailing=True,
        ),
    )
    add(
        "_wire.read(prefix)",
        lambda: lambda: _wire.read(prefix, data, {}, const_rule="HDR-5"),
    )
    pv = _wire.read(prefix, data, {}, const_rule="HDR-5")
    add("prefix.offsets() (dict built per call)", lambda: prefix.offsets)
    add(
        "cls._check_prefix()",
        lambda: functools.partial(cls._check_prefix, pv, prefix.offsets()),
    )
    params: dict[str, Any] = {k: pv[k] for k in layout.params}
    add(
        "_wire.plan() (params dict + lru_cache)",
        lambda: functools.partial(_wire.plan, layout, params),
    )
    full = _wire.plan(layout, params)
    add(
        "_wire.check_length(full)",
        lambda: functools.partial(
            _wire.check_length, full, len(data), rule=cls.RULE, what=cls.KIND
        ),
    )
    add(
        "_wire.read(full, prefix values)",
        lambda: lambda: _wire.read(full, data, dict(pv), const_rule="HDR-5"),
    )
    values = _wire.read(full, data, dict(pv), const_rule="HDR-5")
    add(
        "cls._from_wire() (model + validation)",
        lambda: functools.partial(cls._from_wire, values, ()),
    )
    add("  of which model._validate_all()", lambda: model._validate_all)
    add("    of which model._check_types()", lambda: model._check_types)
    add(
        "    of which the prefix re-check (wire-value dict + _check_prefix)",
        lambda: (
            lambda: cls._check_prefix(
                {
                    f.path: model._wire_value(f.path)
                    for f in prefix.fields
                    if f.kind != _wire.CONST
                },
                prefix.offsets(),
            )
        ),
    )
    add("    of which model._plan() (for offsets)", lambda: model._plan)
    add("    of which model._plan().offsets()", lambda: lambda: model._plan().offsets())
    add(
        "    of which model._check_body(offsets)",
        lambda: functools.partial(model._check_body, model._plan().offsets()),
    )
    return out


def _fast_stages(
    cls: Any,
    data: bytes,
    add: Callable[[str, Callable[[], Callable[[], object]]], None],
) -> None:
    """The steps of the generated fast decoder (``_parse._decode_fast``)."""
    from blobformat.codec import decode as _parse
    from blobformat.codec import wire as _wire

    layout = cls.LAYOUT
    add(
        "fast path: _decode_fast()",
        lambda: functools.partial(_parse._decode_fast, cls, data),
    )
    prefix = _wire.prefix_plan(layout)
    add(
        "  prefix.read_fast() (generated)",
        lambda: functools.partial(prefix.read_fast, data),
    )
    head: Any = prefix.read_fast(data)
    add(
        "  dict(zip(prefix.names, head))",
        lambda: lambda: dict(zip(prefix.names, head, strict=True)),
    )
    hv = dict(zip(prefix.names, head, strict=True))
    add(
        "  cls._check_prefix(values, offsets)",
        lambda: functools.partial(cls._check_prefix, hv, prefix.offset_map),
    )
    params = tuple(head[prefix.names.index(k)] for k in layout.params)
    add(
        "  params tuple (generator over layout.params)",
        lambda: lambda: tuple(head[prefix.names.index(k)] for k in layout.params),
    )
    add(
        "  _wire.plan_for() (lru_cache)",
        lambda: functools.partial(_wire.plan_for, layout, params),
    )
    full = _wire.plan_for(layout, params)
    add(
        "  full.read_tail() (generated)",
        lambda: functools.partial(full.read_tail, data),
    )
    body = head + full.read_tail(data)
    add(
        "  cls._assembler(full) (lookup)",
        lambda: functools.partial(cls._assembler, full),
    )
    asm = cls._assembler(full)
    add(
        "  assembler(body) (generated constructor)",
        lambda: functools.partial(asm, body),
    )
    add(
        "  cls._body_implied(params)",
        lambda: functools.partial(cls._body_implied, params),
    )
    obj = asm(body)
    add(
        "  model._check_body(offsets)",
        lambda: functools.partial(obj._check_body, full.offset_map),
    )


def stages_to_bytes(data: bytes, calls: int) -> list[tuple[str, float | None]]:
    """Time the steps of ``to_bytes`` separately (best effort)."""
    from blobformat.codec import wire as _wire

    model: Any = blobformat.parse(data)
    out: list[tuple[str, float | None]] = []

    def add(label: str, make: Callable[[], Callable[[], object]]) -> None:
        try:
            func = make()
            func()
        except Exception as err:
            out.append((f"{label}  [n/a: {type(err).__name__}: {err}]", None))
            return
        out.append((label, _best_per_call(func, calls)))

    add("whole to_bytes()", lambda: model.to_bytes)
    add("model._params()", lambda: model._params)
    add("model._plan() (params + lru_cache)", lambda: model._plan)
    plan = model._plan()
    add("model._wire_values(plan)", lambda: functools.partial(model._wire_values, plan))
    values = model._wire_values(plan)
    add(
        "_wire.encode(plan, values)",
        lambda: functools.partial(_wire.encode, plan, values, rule=model.RULE),
    )
    return out


def _stages_to_bytes_for_kind(
    _kind: str, data: bytes, calls: int
) -> list[tuple[str, float | None]]:
    return stages_to_bytes(data, calls)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Profile blobformat.parse / to_bytes.")
    ap.add_argument("--kind", choices=KINDS, default="rsa-private")
    ap.add_argument(
        "--op",
        choices=("parse", "to_bytes", "load_key"),
        default="parse",
        help="load_key: blobformat.load_private_key / load_public_key "
        "(unsafe_skip_rsa_key_validation=True), RSA kinds only",
    )
    ap.add_argument("--calls", type=int, default=20000)
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--sort", choices=("tottime", "cumulative"), default="tottime")
    ap.add_argument("--save", help="write the raw pstats to this file")
    ap.add_argument("--no-stages", action="store_true", help="skip the stage breakdown")
    args = ap.parse_args(argv)

    fx = fixtures.load_fixtures()
    data = fx.blobs[args.kind]
    if args.op == "parse":
        func: Callable[[], object] = functools.partial(blobformat.parse, data)
        ref: Callable[[], object] = functools.partial(REF_PARSE[args.kind], data)
    elif args.op == "to_bytes":
        func = blobformat.parse(data).to_bytes
        ref = functools.partial(REF_BUILD[args.kind], REF_PARSE[args.kind](data))
    else:
        if args.kind not in ("rsa-private", "rsa-public"):
            ap.error("--op load_key needs --kind rsa-private or rsa-public")
        private = args.kind == "rsa-private"
        loader = getattr(
            blobformat, "load_private_key" if private else "load_public_key", None
        )
        if loader is None:
            ap.error("blobformat has no load_private_key / load_public_key (yet)")
        kwargs = {"unsafe_skip_rsa_key_validation": True} if private else {}
        func = functools.partial(loader, data, **kwargs)
        if private:
            ref = functools.partial(ref_to_private_key, data, validate=False)
        else:
            ref = functools.partial(ref_to_public_key, data)
        args.no_stages = True
    func()
    plain = _best_per_call(func, max(1000, args.calls // 10))
    ref_ns = _best_per_call(ref, max(1000, args.calls // 10))
    print(
        f"blobformat {args.op} of {args.kind} ({len(data)} bytes): best {plain / 1000:.2f} us/op "
        f"without profiler; reference {ref_ns / 1000:.2f} us/op -> {plain / ref_ns:.1f}x"
    )
    print(f"\ncProfile, {args.calls} calls, sorted by {args.sort}:\n")
    prof_ns = profile(func, args.calls, args.top, args.sort, args.save)
    print(
        f"\n(profiled total {prof_ns / 1000:.2f} us/op of own time: {prof_ns / plain:.1f}x inflation)"
    )
    if not args.no_stages:
        print(
            "\nStages without the profiler (best of 7, us/op; nested rows are parts of the row above):\n"
        )
        staged = stages if args.op == "parse" else _stages_to_bytes_for_kind
        for label, ns in staged(args.kind, data, max(1000, args.calls // 10)):
            if ns is None and label.endswith(":"):
                print(f"\n  {label}")
                continue
            shown = "n/a" if ns is None else f"{ns / 1000:8.2f}"
            print(f"  {shown:>8}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
