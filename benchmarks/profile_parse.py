# SPDX-License-Identifier: Apache-2.0
"""Where does ``blobformat.parse`` (or ``.to_bytes()``) spend its time?

``python benchmarks/profile_parse.py`` profiles ``blobformat.parse`` of a
2048-bit RSA private key blob with cProfile and prints, per parse call:

1. the wall time with and without the profiler (cProfile inflates small
   Python functions several times over, so read its numbers as proportions);
2. the functions with the most *own* time, with calls per parse;
3. a profiler-free breakdown of the strict fast path: ``parse``'s own
   dispatch, the kind's fast decoder (``decode._fast_decoder``), the
   layout's generated reader (``wire.template(...).reader``), the prefix
   rules (``_check_prefix``), the generated constructor
   (``model_base._generated(cls).assemble``) and its body guard
   (``_check_body``); then the generic path's steps. Every stage is a row of
   the interleaved harness of ``run.py`` (medians, net of the call
   overhead); "derived" rows are differences. Internals change; a stage that
   no longer exists is shown as n/a.

``--breakdown`` prints only (3) for the PLAINTEXTKEYBLOB, SIMPLEBLOB and
RSA blobs, with the struct floor and the strict struct reference, as the
Markdown table of benchmarks/README.md.

Options: ``--kind`` (see ``--help``), ``--op to_bytes|load_key``,
``--calls N`` (cProfile), ``--rounds N`` (breakdown), ``--top N``,
``--sort cumulative``, ``--save FILE`` (pstats dump for snakeviz and friends).
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
from benchmarks.timing import Case, measure, summarise  # noqa: E402


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


class _Stages:
    """Stage rows measured together: interleaved rounds, medians, net of the call overhead.

    Rows are timed with :func:`benchmarks.timing.measure` (every round samples
    every row in a shuffled order, GC off inside a batch), so a busy phase of
    the shared machine hits all stages alike; best-of-N timing taken one
    stage after another does not survive other work on a 2-core VM.
    """

    HARNESS = "(harness: one call of a partial, subtracted below)"

    def __init__(self, rounds: int, target_ns: int) -> None:
        self.rounds = rounds
        self.target_ns = target_ns
        self.rows: list[tuple[str, Case | Callable[[], float] | None]] = []
        self.cases: dict[str, Case] = {}
        self.add(self.HARNESS, lambda: functools.partial(_noop, b""))

    def add(self, label: str, make: Callable[[], Callable[[], object]]) -> None:
        """A measured row; ``make()`` returns the zero-argument callable."""
        try:
            func = make()
            func()
        except Exception as err:
            self.rows.append((f"{label}  [n/a: {type(err).__name__}: {err}]", None))
            return
        case = Case(label, "stages", label, func)
        self.cases[label] = case
        self.rows.append((label, case))

    def derive(self, label: str, *parts: tuple[float, str]) -> None:
        """A row computed as the sum of ``sign * row`` over measured rows."""

        def value() -> float:
            return sum(sign * self.net(name) for sign, name in parts)

        if all(name in self.cases for _sign, name in parts):
            self.rows.append((label, value))

    def header(self, label: str) -> None:
        """A heading line (another path)."""
        self.rows.append((label, None))

    def net(self, label: str) -> float:
        """Median ns per call of a measured row, minus the harness's."""
        case = self.cases[label]
        st = summarise(case)
        harness = summarise(self.cases[self.HARNESS])
        if st is None or harness is None:
            return float("nan")
        return st.median if label == self.HARNESS else st.median - harness.median

    def run(self) -> list[tuple[str, float | None]]:
        """Measure every row; ``(label, ns)`` in order (``None`` for headings and n/a)."""
        measure(list(self.cases.values()), rounds=self.rounds, target_ns=self.target_ns)
        out: list[tuple[str, float | None]] = []
        for label, row in self.rows:
            if row is None:
                out.append((label, None))
            elif isinstance(row, Case):
                out.append(
                    (label, self.net(label))
                    if not row.error
                    else (f"{label} [{row.error}]", None)
                )
            else:
                out.append((label, row()))
        return out


def _noop(_data: bytes) -> None:
    return None


WHOLE = "whole parse()"
FAST = "kind.fast(data): the kind's strict fast decoder"
GENERATED = "  generated fast decoder (model_base._generated(cls).fast)"
READER = "    template.reader(data): the reader it inlines"
PREFIX = "    cls._check_prefix(row, None): prefix rules"
ASSEMBLE = "    generated constructor (assemble), with the body guard"
BODY = "      body guard"


def stages(
    kind: str, data: bytes, rounds: int, target_ns: int
) -> list[tuple[str, float | None]]:
    """Time the steps of ``parse`` separately, net of the call overhead.

    The strict fast path: ``parse``'s dispatch (``codec/decode.py``), the
    kind's fast decoder (``decode._fast_decoder``: the generated decoder of
    ``model_base._generate``, wrapped when the layout has a size cap), and
    the pieces that decoder inlines, each timed as the separate function the
    codec also has: the layout's reader, ``_check_prefix``, the constructor
    with its body guard (``_DECODED_GUARD`` or ``_check_body``). Then the
    generic path that runs when the fast path declines. "derived" rows are
    differences of measured rows. Internals move; a step that no longer
    exists is shown as n/a.
    """
    from blobformat.codec import decode as _decode
    from blobformat.codec import model_base as _mb
    from blobformat.codec import registry as _registry

    st = _Stages(rounds, target_ns)
    st.add(WHOLE, lambda: functools.partial(blobformat.parse, data))
    model = blobformat.parse(data)
    cls: Any = type(model)
    try:
        entry = _registry.kind_of(cls)
        fast: Any = entry.fast or _decode._fast(entry)
        gen = _mb._generated(cls)
    except Exception as err:
        st.header(f"fast path  [n/a: {type(err).__name__}: {err}]")
        return st.run()
    st.add(FAST, lambda: functools.partial(fast, data))
    st.derive(
        "  parse()'s own work: type check, length, registry lookup (derived)",
        (1, WHOLE),
        (-1, FAST),
    )
    generated = getattr(gen, "fast", None)
    inner = FAST
    if generated is not None and fast is not generated:
        inner = GENERATED
        st.add(
            GENERATED,
            lambda: functools.partial(generated, data, entry.framed),
        )
        st.derive(
            "  its wrapper: size cap of an open-ended layout, framed flag (derived)",
            (1, FAST),
            (-1, GENERATED),
        )
    reader = gen.template.reader
    st.add(READER, lambda: functools.partial(reader, data))
    row = reader(data)
    st.add(PREFIX, lambda: functools.partial(cls._check_prefix, row, None))
    st.add(ASSEMBLE, lambda: functools.partial(gen.assemble, row))
    guard = getattr(cls, "_DECODED_GUARD", "")
    if guard:
        # The class's own guard expression (project source, not input).
        test = eval(f"lambda o: ({guard})")  # noqa: S307
        st.add(f"{BODY}: _DECODED_GUARD", lambda: functools.partial(test, model))
        body = f"{BODY}: _DECODED_GUARD"
    elif not cls._BODY_IMPLIED and gen.assemble != getattr(cls, "_from_row", None):
        st.add(
            f"{BODY}: _check_body(None)",
            lambda: functools.partial(model._check_body, None),
        )
        body = f"{BODY}: _check_body(None)"
    else:
        body = ""
        st.header("      (no body guard: implied by the sizes, or a custom _from_row)")
    if body:
        st.derive(
            "      object creation and slot stores (derived)", (1, ASSEMBLE), (-1, body)
        )
    st.derive(
        "    rest of the decoder: header rules, try/except, the _check_prefix call (derived)"
        if generated is not None
        else "    the closure's own work: size cap, header rules, calls (derived)",
        (1, inner),
        (-1, READER),
        (-1, PREFIX),
        (-1, ASSEMBLE),
    )
    st.header(
        "generic path (lenient mode, errors, and whatever the fast path declines):"
    )
    st.add(
        "_decode.header_values()",
        lambda: functools.partial(_decode.header_values, data),
    )
    if entry.framed:
        hv = _decode.header_values(data)
        st.add(
            "_decode._select()", lambda: functools.partial(_decode._select, data, hv)
        )
        st.add(
            "_decode._check_header()",
            lambda: functools.partial(_decode._check_header, cls, hv),
        )
    st.add(
        "_decode._decode(cls, data) (prefix, require, read, _from_wire)",
        lambda: functools.partial(_decode._decode, cls, data, lenient=False),
    )
    st.add(
        "parse(data, lenient=True)",
        lambda: functools.partial(blobformat.parse, data, lenient=True),
    )
    return st.run()


def stages_to_bytes(
    kind: str, data: bytes, rounds: int, target_ns: int
) -> list[tuple[str, float | None]]:
    """Time the steps of ``to_bytes`` separately, net of the call overhead."""
    from blobformat.codec import model_base as _mb
    from blobformat.codec import wire as _wire

    model: Any = blobformat.parse(data)
    st = _Stages(rounds, target_ns)
    st.add("whole to_bytes()", lambda: model.to_bytes)
    st.add(
        "  generated encoder (model_base._generated(cls).encode)",
        lambda: functools.partial(_mb._generated(type(model)).encode, model),
    )
    st.add(
        f"strict struct reference encoder ({kind})",
        lambda: functools.partial(REF_BUILD[kind], REF_PARSE[kind](data)),
    )
    st.header("generic encoder (used when a field does not fit, to locate it):")
    st.add("model._row()", lambda: model._row)
    st.add("model._plan() (row + plan_for cache)", lambda: model._plan)
    plan = model._plan()
    st.add(
        "model._wire_values(plan)", lambda: functools.partial(model._wire_values, plan)
    )
    values = model._wire_values(plan)
    st.add(
        "_wire.encode(plan, values)",
        lambda: functools.partial(_wire.encode, plan, values, rule=model.RULE),
    )
    return st.run()


#: Length of one sample of the stage breakdown (batches calibrated to it).
STAGE_TARGET_NS = 300_000
BREAKDOWN_KINDS = ("plaintextkeyblob", "simpleblob", "rsa-public", "rsa-private")
FLOOR = "struct floor (header + size, or magic + length, checks only)"
REFERENCE = "strict struct reference parser"


def breakdown(rounds: int, target_ns: int) -> str:
    """The fast path's stages for the small and the RSA blobs, as a Markdown table.

    The table of benchmarks/README.md's "where the remaining time goes":
    median µs per call net of the call overhead, next to the struct floor and
    the strict struct reference of the same blob, measured in the same rounds.
    """
    from benchmarks.suite import KIND_TITLES, MINIMAL_PARSE

    fx = fixtures.load_fixtures()
    columns: list[dict[str, float | None]] = []
    order: list[str] = []
    for kind in BREAKDOWN_KINDS:
        data = fx.blobs[kind]
        rows = _breakdown_rows(kind, data, rounds, target_ns, MINIMAL_PARSE[kind])
        found = {
            label.split(": ")[0] if label.startswith(BODY) else label: ns
            for label, ns in rows
            if not label.strip().startswith("(")
        }
        # Keep each kind's stage order when merging the rows of all kinds.
        at = 0
        for label in found:
            if label in order:
                at = order.index(label) + 1
            else:
                order.insert(at, label)
                at += 1
        columns.append(found)
    head = " | ".join(KIND_TITLES[k] for k in BREAKDOWN_KINDS)
    lines = [f"| µs per call | {head} |", "|---" + "|---:" * len(BREAKDOWN_KINDS) + "|"]
    for label in order:
        cells = []
        for found in columns:
            ns = found.get(label)
            cells.append("-" if ns is None else f"{ns / 1000:.2f}")
        shown = label.strip()
        indent = (len(label) - len(label.lstrip())) // 2
        lines.append(f"| {'· ' * indent}{shown} | {' | '.join(cells)} |")
    return "\n".join(lines)


def _breakdown_rows(
    kind: str,
    data: bytes,
    rounds: int,
    target_ns: int,
    floor: Callable[[bytes], object],
) -> list[tuple[str, float | None]]:
    rows = stages(kind, data, rounds, target_ns)
    cut = next(
        (i for i, (label, _ns) in enumerate(rows) if label.endswith(":")), len(rows)
    )
    # The floors in their own interleaved rounds, next to a fresh whole parse().
    st = _Stages(rounds, target_ns)
    st.add(WHOLE, lambda: functools.partial(blobformat.parse, data))
    st.add(FLOOR, lambda: functools.partial(floor, data))
    st.add(REFERENCE, lambda: functools.partial(REF_PARSE[kind], data))
    extra = [(label, ns) for label, ns in st.run() if label in (FLOOR, REFERENCE)]
    return rows[:cut] + extra


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
    ap.add_argument(
        "--rounds",
        type=int,
        default=40,
        help="interleaved rounds of the stage breakdown (default 40; samples of about 0.3 ms)",
    )
    ap.add_argument(
        "--breakdown",
        action="store_true",
        help="print only the fast path's stages of the PLAINTEXTKEYBLOB, SIMPLEBLOB and RSA "
        "blobs as one Markdown table (no cProfile)",
    )
    args = ap.parse_args(argv)
    if args.breakdown:
        print(breakdown(args.rounds, STAGE_TARGET_NS))
        return 0

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
            f"\nStages without the profiler (medians of {args.rounds} interleaved rounds, us/op net"
            " of the call overhead; nested rows are parts of the row above; % of the whole call):\n"
        )
        staged = stages if args.op == "parse" else stages_to_bytes
        rows = staged(args.kind, data, args.rounds, STAGE_TARGET_NS)
        whole = next((ns for label, ns in rows if label.startswith("whole")), None)
        for label, ns in rows:
            if ns is None and label.endswith(":"):
                print(f"\n  {label}")
                whole = None  # another path: no share of the fast call
                continue
            shown = "n/a" if ns is None else f"{ns / 1000:8.3f}"
            share = (
                f"{100 * ns / whole:5.0f}%"
                if ns is not None and whole and not label.strip().startswith("(")
                else ""
            )
            print(f"  {shown:>8} {share:>6}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
