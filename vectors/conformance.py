#!/usr/bin/env python3
# SPDX-License-Identifier: CC0-1.0
"""Run another implementation's decoder against every decoding vector.

Usage::

    python vectors/conformance.py --decoder "COMMAND"

The runner starts COMMAND once and talks to it over pipes, one JSON object per
line (vectors/README.md, "Conformance runner"):

* to the decoder's stdin, one request per decoding vector, in file order:
  ``{"id": "<file>#<tcId>", "kind": "blob" | "envelope", "input": "<hex>"}``;
* from its stdout, one answer per request, in the same order:
  ``{"id": ..., "result": "valid" | "invalid", "rule": "RSA-2" | null,
  "offset": int | null, "field": "header.reserved" | null}``.

Decoding vectors are found by walking the vectors directory: every JSON file
with a ``schema`` and ``testGroups`` is read, and its groups are selected by
their ``type`` (``BlobDecode`` for blobs and PVK files, ``EnvelopeVerify`` for
envelope parsing, and any later ``...Decode`` type), so files added later are
picked up without a change here.

It prints a table per vector file (cases; verdict, rule, offset and field
agreement) and every disagreement. Exit status: 0 when every verdict agrees
(with ``--strict``: every rule, offset and field too), 1 when one does not or
the decoder broke the protocol (died, hung, printed something that is not an
answer, answered another id), 2 when the runner cannot run (no vectors, the
command does not start).

Standard library only: it runs with a plain ``python3`` (3.8 or later) and
needs nothing of blobformat.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import re
import shlex
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

# Envelope vectors are verifications (SPEC §16.6.2): steps 1-7 parse the
# envelope without any key, steps 8-12 need the trusted keys. A failure of the
# later steps (these error classes) means the envelope parsed.
_AFTER_PARSING = frozenset(
    {"UnknownSignerError", "BadSignatureError", "WeakKeyError", "StaleGenerationError"}
)

# The input key of a decoding group, by preference.
_INPUT_KEYS = ("blob", "pvk", "envelope", "input")

_VERDICTS = ("valid", "invalid")
_SCHEMA_NAME = re.compile(r"^vectors\.v\d+\.schema\.json$")


@dataclass(frozen=True)
class Case:
    """One decoding vector and the answer it expects."""

    id: str
    file: str
    kind: str
    input: str
    result: str  # "valid", "invalid" or "acceptable" (either verdict agrees)
    rule: str | None = None
    offset: int | None = None
    field: str | None = None
    # Which of offset and field the vector states (older files may omit them).
    located: frozenset[str] = frozenset()


@dataclass
class Answer:
    """What the decoder said about one case, or why it said nothing usable."""

    result: str | None = None
    rule: str | None = None
    offset: int | None = None
    field: str | None = None
    problem: str | None = None


@dataclass
class Row:
    """Agreement counts of one vector file."""

    cases: int = 0
    verdicts: int = 0
    rules: list[int] = field(default_factory=lambda: [0, 0])
    offsets: list[int] = field(default_factory=lambda: [0, 0])
    fields: list[int] = field(default_factory=lambda: [0, 0])


# -- finding the decoding vectors ------------------------------------------------------


def _group_input(group: dict[str, Any]) -> tuple[str, str, bool] | None:
    """(input key, kind, envelope verification?) of a decoding group, else None."""
    kind_of = {"blob": "blob", "pvk": "blob", "envelope": "envelope", "input": "blob"}
    group_type = str(group.get("type", ""))
    if group_type == "BlobDecode":
        return "blob", "blob", False
    if group_type == "EnvelopeVerify":
        return "envelope", "envelope", True
    if group_type.endswith("Decode"):
        tests = group.get("tests") or [{}]
        for key in _INPUT_KEYS:
            if key in tests[0]:
                kind = "envelope" if "Envelope" in group_type else kind_of[key]
                return key, kind, False
    return None


def _vector_documents(root: Path) -> Iterator[tuple[Path, dict[str, Any]]]:
    for path in sorted(root.rglob("*.json")):
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if (
            isinstance(document, dict)
            and _SCHEMA_NAME.match(str(document.get("schema", "")))
            and isinstance(document.get("testGroups"), list)
        ):
            yield path, document


def _expected(test: dict[str, Any], envelope_verification: bool) -> dict[str, Any]:
    if (
        envelope_verification
        and test.get("result") != "valid"
        and test.get("error") in _AFTER_PARSING
    ):
        return {"result": "valid"}
    return test


def load_cases(root: Path) -> list[Case]:
    """Every decoding vector under ``root``, in file and tcId order."""
    documents = list(_vector_documents(root))
    names = [path.name for path, _ in documents]
    cases: list[Case] = []
    for path, document in documents:
        # The id names the file; a name found twice (v1/ and a later v2/) keeps its directory.
        name = (
            path.name
            if names.count(path.name) == 1
            else path.relative_to(root).as_posix()
        )
        for group in document["testGroups"]:
            selected = _group_input(group) if isinstance(group, dict) else None
            if selected is None:
                continue
            key, kind, envelope_verification = selected
            for test in group.get("tests", []):
                expect = _expected(test, envelope_verification)
                located = frozenset(k for k in ("offset", "field") if k in expect)
                cases.append(
                    Case(
                        id=f"{name}#{test['tcId']}",
                        file=name,
                        kind=kind,
                        input=test[key],
                        result=expect["result"],
                        rule=expect.get("rule"),
                        offset=expect.get("offset"),
                        field=expect.get("field"),
                        located=located,
                    )
                )
    return cases


# -- talking to the decoder ------------------------------------------------------------


def _answer_from(line: bytes, case: Case) -> Answer:
    text = line.decode("utf-8", errors="replace").strip()
    shown = text if len(text) <= 120 else text[:117] + "..."
    try:
        obj = json.loads(text)
    except ValueError:
        return Answer(problem=f"answer is not JSON: {shown!r}")
    if not isinstance(obj, dict):
        return Answer(problem=f"answer is not a JSON object: {shown!r}")
    if obj.get("id") != case.id:
        return Answer(
            problem=f"answer is for id {obj.get('id')!r}, expected {case.id!r} (answers must come in request order)"
        )
    result, rule, offset, fld = (
        obj.get("result"),
        obj.get("rule"),
        obj.get("offset"),
        obj.get("field"),
    )
    if result not in _VERDICTS:
        return Answer(problem=f"result must be 'valid' or 'invalid', got {result!r}")
    if rule is not None and not isinstance(rule, str):
        return Answer(problem=f"rule must be a string or null, got {rule!r}")
    if offset is not None and (isinstance(offset, bool) or not isinstance(offset, int)):
        return Answer(problem=f"offset must be an integer or null, got {offset!r}")
    if fld is not None and not isinstance(fld, str):
        return Answer(problem=f"field must be a string or null, got {fld!r}")
    return Answer(result=result, rule=rule, offset=offset, field=fld)


class _Decoder:
    """The decoder process, fed by one thread and read by another, so that
    neither side blocks the other however large the inputs are."""

    def __init__(self, argv: Sequence[str], requests: Sequence[bytes]) -> None:
        self.process = subprocess.Popen(  # noqa: S603 (the command is the user's own decoder)
            list(argv),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.lines: queue.Queue[bytes | None] = queue.Queue()
        self.stderr_tail = b""
        self.write_error: str | None = None
        self._threads = [
            threading.Thread(target=self._write, args=(requests,), daemon=True),
            threading.Thread(target=self._read, daemon=True),
            threading.Thread(target=self._read_stderr, daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def _write(self, requests: Sequence[bytes]) -> None:
        stdin = self.process.stdin
        assert stdin is not None  # noqa: S101 (Popen was given PIPE)
        try:
            for request in requests:
                stdin.write(request)
                stdin.flush()
        except OSError as err:  # BrokenPipeError: the decoder stopped reading
            self.write_error = f"writing to the decoder failed: {err.strerror or err}"
        finally:
            with contextlib.suppress(OSError):
                stdin.close()

    def _read(self) -> None:
        stdout = self.process.stdout
        assert stdout is not None  # noqa: S101
        for line in stdout:
            if line.strip():
                self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self) -> None:
        stderr = self.process.stderr
        assert stderr is not None  # noqa: S101
        for chunk in iter(lambda: stderr.read(4096), b""):
            self.stderr_tail = (self.stderr_tail + chunk)[-2000:]

    def next_line(self, timeout: float) -> bytes | None:
        """The next non-empty line; None at end of output; raises queue.Empty on timeout."""
        return self.lines.get(timeout=timeout)

    def stop(self, timeout: float) -> int | None:
        """Wait for the decoder to exit (killing it after ``timeout``); its status."""
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None
        finally:
            for thread in self._threads[1:]:
                thread.join(timeout=2)


def run_decoder(
    argv: Sequence[str], cases: Sequence[Case], timeout: float
) -> tuple[list[Answer], list[str]]:
    """Send every case to the decoder; its answers (one per case) and protocol problems."""
    requests = [
        (
            json.dumps(
                {"id": c.id, "kind": c.kind, "input": c.input}, separators=(",", ":")
            )
            + "\n"
        ).encode()
        for c in cases
    ]
    decoder = _Decoder(argv, requests)
    answers: list[Answer] = []
    problems: list[str] = []
    ended = False
    for case in cases:
        try:
            line = decoder.next_line(timeout)
        except queue.Empty:
            problems.append(
                f"no answer for {case.id} within {timeout:g} s: decoder stopped (killed)"
            )
            decoder.process.kill()
            break
        if line is None:
            ended = True
            problems.append(
                f"decoder output ended after {len(answers)} of {len(cases)} answers"
            )
            break
        answers.append(_answer_from(line, case))
    if len(answers) == len(cases) and not ended:
        try:
            extra = decoder.next_line(timeout)
        except queue.Empty:
            extra = None
            problems.append(
                f"decoder did not exit within {timeout:g} s after its last answer (killed)"
            )
            decoder.process.kill()
        if extra is not None:
            problems.append(f"decoder printed more lines than answers: {extra[:80]!r}")
    status = decoder.stop(timeout)
    if status not in (0, None):
        problems.append(f"decoder exited with status {status}")
    if decoder.write_error and len(answers) < len(cases):
        problems.append(decoder.write_error)
    if problems and decoder.stderr_tail.strip():
        tail = (
            decoder.stderr_tail.decode("utf-8", errors="replace")
            .strip()
            .splitlines()[-5:]
        )
        problems.append("decoder stderr (last lines): " + " | ".join(tail))
    missing = "no answer (see the decoder problems)"
    answers += [Answer(problem=missing) for _ in cases[len(answers) :]]
    return answers, problems


# -- comparing -------------------------------------------------------------------------


def _describe(
    result: str | None, rule: str | None, offset: int | None, fld: str | None
) -> str:
    if result != "invalid":
        return str(result)
    return f"invalid {rule} at {offset} {fld}"


def compare(
    cases: Sequence[Case], answers: Sequence[Answer]
) -> tuple[dict[str, Row], list[str], list[str]]:
    """Agreement per file; verdict disagreements; rule/offset/field disagreements."""
    rows: dict[str, Row] = {}
    verdict_diffs: list[str] = []
    detail_diffs: list[str] = []
    # Indexing, not zip(strict=True): the runner also works on Python 3.8 and 3.9.
    for index, case in enumerate(cases):
        answer = answers[index]
        row = rows.setdefault(case.file, Row())
        row.cases += 1
        expected = _describe(case.result, case.rule, case.offset, case.field)
        if answer.problem is not None:
            verdict_diffs.append(f"{case.id}: expected {expected}; {answer.problem}")
            continue
        if case.result == "acceptable" or answer.result == case.result:
            row.verdicts += 1
        else:
            got = _describe(answer.result, answer.rule, answer.offset, answer.field)
            verdict_diffs.append(f"{case.id}: expected {expected}; got {got}")
            continue
        if answer.result != "invalid" or case.rule is None:
            continue
        differs = []
        for name, counts, want, got_value in (
            ("rule", row.rules, case.rule, answer.rule),
            ("offset", row.offsets, case.offset, answer.offset),
            ("field", row.fields, case.field, answer.field),
        ):
            if name != "rule" and name not in case.located:
                continue
            counts[1] += 1
            if want == got_value:
                counts[0] += 1
            else:
                differs.append(f"{name} {got_value!r} (expected {want!r})")
        if differs:
            detail_diffs.append(f"{case.id}: " + ", ".join(differs))
    return rows, verdict_diffs, detail_diffs


def _table(rows: dict[str, Row]) -> list[str]:
    total = Row()
    lines = []
    header = ("file", "cases", "verdict", "rule", "offset", "field")
    body = []
    for name, row in rows.items():
        body.append(_cells(name, row))
        total.cases += row.cases
        total.verdicts += row.verdicts
        for mine, theirs in (
            (total.rules, row.rules),
            (total.offsets, row.offsets),
            (total.fields, row.fields),
        ):
            mine[0] += theirs[0]
            mine[1] += theirs[1]
    body.append(_cells("total", total))
    widths = [max(len(r[i]) for r in [header, *body]) for i in range(len(header))]
    for number, cells in enumerate([header, *body]):
        if number == len(body):  # a rule above the total
            lines.append("  ".join("-" * w for w in widths))
        lines.append(
            "  ".join(
                cells[i].ljust(w) if i == 0 else cells[i].rjust(w)
                for i, w in enumerate(widths)
            )
        )
    return lines


def _cells(name: str, row: Row) -> tuple[str, str, str, str, str, str]:
    def ratio(pair: list[int]) -> str:
        return f"{pair[0]}/{pair[1]}"

    return (
        name,
        str(row.cases),
        f"{row.verdicts}/{row.cases}",
        ratio(row.rules),
        ratio(row.offsets),
        ratio(row.fields),
    )


# -- command line ----------------------------------------------------------------------


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Run a decoder against every decoding vector (blobs, PVK files, envelope parsing).",
        epilog="Protocol: vectors/README.md, section 'Conformance runner'.",
    )
    parser.add_argument(
        "--decoder",
        required=True,
        metavar="COMMAND",
        help="the decoder command line (split like a POSIX shell; started once)",
    )
    parser.add_argument(
        "--vectors",
        type=Path,
        default=HERE,
        metavar="DIR",
        help="directory to walk for vector files (default: %(default)s)",
    )
    parser.add_argument(
        "--kind",
        action="append",
        choices=("blob", "envelope"),
        help="send only inputs of this kind (repeatable; default: all)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=20.0,
        metavar="SECONDS",
        help="longest wait for each answer (default: %(default)s)",
    )
    parser.add_argument(
        "--strict",
        action="store_true",
        help="also fail when a rule, offset or field disagrees",
    )
    parser.add_argument(
        "--max-shown",
        type=int,
        default=100,
        metavar="N",
        help="show at most N disagreements of each sort (0: all)",
    )
    return parser.parse_args(argv)


def _shown(lines: list[str], limit: int) -> list[str]:
    if limit <= 0 or len(lines) <= limit:
        return lines
    return [*lines[:limit], f"... and {len(lines) - limit} more"]


def main(argv: Sequence[str] | None = None) -> int:
    """Run the conformance check; the exit status (0 agree, 1 disagree, 2 cannot run)."""
    args = _arguments(argv)
    cases = load_cases(args.vectors)
    if args.kind:
        cases = [c for c in cases if c.kind in args.kind]
    if not cases:
        print(f"conformance: no decoding vectors under {args.vectors}", file=sys.stderr)
        return 2
    command = shlex.split(args.decoder, posix=os.name != "nt")
    if not command:
        print("conformance: the decoder command is empty", file=sys.stderr)
        return 2
    try:
        answers, problems = run_decoder(command, cases, args.timeout)
    except OSError as err:
        print(
            f"conformance: cannot start {command[0]!r}: {err.strerror or err}",
            file=sys.stderr,
        )
        return 2
    rows, verdict_diffs, detail_diffs = compare(cases, answers)
    out = _table(rows)
    if problems:
        out += ["", "Decoder problems:", *(f"  {p}" for p in problems)]
    if verdict_diffs:
        out += [
            "",
            f"Verdict disagreements ({len(verdict_diffs)}):",
            *(f"  {d}" for d in _shown(verdict_diffs, args.max_shown)),
        ]
    if detail_diffs:
        out += [
            "",
            f"Rule, offset or field disagreements ({len(detail_diffs)}):",
            *(f"  {d}" for d in _shown(detail_diffs, args.max_shown)),
        ]
    failed = bool(problems or verdict_diffs or (args.strict and detail_diffs))
    out += ["", "FAIL" if failed else "OK"]
    print("\n".join(out))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
