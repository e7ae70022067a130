"""vectors/conformance.py: blobformat agrees with every decoding vector through
the runner, and the runner reports decoders that disagree or break the protocol."""

from __future__ import annotations

import json
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

VECTORS = ROOT / "vectors"
RUNNER = VECTORS / "conformance.py"
ADAPTER = VECTORS / "blobformat_decoder.py"


def run_runner(
    *args: str, vectors: Path | None = None
) -> subprocess.CompletedProcess[str]:
    extra = [] if vectors is None else ["--vectors", str(vectors)]
    # -I: the runner needs nothing but the standard library (no blobformat on its path).
    return subprocess.run(
        [sys.executable, "-I", str(RUNNER), *extra, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def decoder_command(script: Path) -> str:
    return shlex.join([sys.executable, str(script)])


def write_decoder(tmp_path: Path, body: str) -> str:
    script = tmp_path / "decoder.py"
    script.write_text("import json, sys\n" + body)
    return decoder_command(script)


def decoding_cases() -> dict[str, dict[str, object]]:
    """The decoding vectors counted independently of the runner: id -> vector."""
    out = {}
    for path in sorted((VECTORS / "v1").glob("*.json")):
        document = json.loads(path.read_text())
        for group in document["testGroups"]:
            if group["type"] in ("BlobDecode", "EnvelopeVerify") or group[
                "type"
            ].endswith("Decode"):
                for test in group["tests"]:
                    out[f"{path.name}#{test['tcId']}"] = test
    return out


def table_rows(stdout: str) -> dict[str, list[str]]:
    rows = {}
    for line in stdout.splitlines():
        cells = line.split()
        if len(cells) == 6 and re.fullmatch(r"\d+", cells[1]):
            rows[cells[0]] = cells[1:]
    return rows


def test_blobformat_agrees_with_every_decoding_vector() -> None:
    done = run_runner("--decoder", decoder_command(ADAPTER), "--strict")
    assert done.returncode == 0, done.stdout + done.stderr
    rows = table_rows(done.stdout)
    cases = decoding_cases()
    total = len(cases)
    # Invalid and acceptable cases (the reference fails those as recorded) are compared in detail.
    invalid_located = sum(
        1
        for t in cases.values()
        if t["result"] != "valid"
        and t.get("error")
        not in (
            "UnknownSignerError",
            "BadSignatureError",
            "WeakKeyError",
            "StaleGenerationError",
        )
    )
    assert rows["total"] == [
        str(total),
        f"{total}/{total}",
        *[f"{invalid_located}/{invalid_located}"] * 3,
    ]
    # Every file with a decoding vector has its row, and the envelope's are in it.
    assert set(rows) - {"total", "file"} == {name.split("#")[0] for name in cases}
    assert "envelope_test.json" in rows
    assert done.stdout.rstrip().endswith("OK")


def test_the_readme_shows_the_adapter() -> None:
    readme = (VECTORS / "README.md").read_text()
    assert ADAPTER.read_text() in readme


def test_a_decoder_that_accepts_everything_fails(tmp_path: Path) -> None:
    command = write_decoder(
        tmp_path,
        "for line in sys.stdin:\n"
        "    r = json.loads(line)\n"
        "    print(json.dumps({'id': r['id'], 'result': 'valid', 'rule': None, 'offset': None, 'field': None}), flush=True)\n",
    )
    done = run_runner("--decoder", command, "--max-shown", "0")
    assert done.returncode == 1
    assert "Traceback" not in done.stderr
    invalid = [
        i
        for i, t in decoding_cases().items()
        if t["result"] == "invalid"
        and t["error"]
        not in (
            "UnknownSignerError",
            "BadSignatureError",
            "WeakKeyError",
            "StaleGenerationError",
        )
    ]
    assert f"Verdict disagreements ({len(invalid)}):" in done.stdout
    for case_id in invalid:
        assert f"  {case_id}: expected invalid " in done.stdout
    assert (
        "rsa_public_key_blob_test.json#1: " not in done.stdout
    )  # a valid vector agrees


def test_rule_offset_and_field_disagreements_are_counted_and_strict_fails(
    tmp_path: Path,
) -> None:
    # blobformat's answers with every rule renamed and every offset moved by one.
    command = write_decoder(
        tmp_path,
        f"import subprocess\n"
        f"inner = subprocess.Popen({[sys.executable, str(ADAPTER)]!r}, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)\n"
        "for line in sys.stdin:\n"
        "    inner.stdin.write(line); inner.stdin.flush()\n"
        "    a = json.loads(inner.stdout.readline())\n"
        "    if a['result'] == 'invalid':\n"
        "        a['rule'] = 'X-' + a['rule']\n"
        "        if a['id'].startswith('pvk_test'):\n"
        "            a['offset'] = None if a['offset'] is None else a['offset'] + 1\n"
        "    print(json.dumps(a), flush=True)\n",
    )
    lenient = run_runner("--decoder", command, "--max-shown", "0")
    assert lenient.returncode == 0, lenient.stdout  # verdicts agree
    rows = table_rows(lenient.stdout)
    located = rows["pvk_test.json"][2].split("/")[1]
    assert int(located) > 0
    # No rule agrees, no PVK offset, every field.
    assert rows["pvk_test.json"][2:] == [
        f"0/{located}",
        f"0/{located}",
        f"{located}/{located}",
    ]
    n = rows["rsa_public_key_blob_test.json"][2].split("/")[1]
    assert rows["rsa_public_key_blob_test.json"][2:] == [
        f"0/{n}",
        f"{n}/{n}",
        f"{n}/{n}",
    ]
    assert "Rule, offset or field disagreements" in lenient.stdout
    assert re.search(
        r"pvk_test.json#\d+: rule 'X-PVK-\d+' \(expected 'PVK-\d+'\), offset \d+ \(expected \d+\)",
        lenient.stdout,
    )
    strict = run_runner("--decoder", command, "--strict")
    assert strict.returncode == 1
    assert strict.stdout.rstrip().endswith("FAIL")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        # dies after a few answers
        (
            "for i, line in enumerate(sys.stdin):\n"
            "    if i == 3:\n"
            "        sys.stderr.write('decoder crashed here\\n'); sys.exit(7)\n"
            "    print(json.dumps({'id': json.loads(line)['id'], 'result': 'valid'}), flush=True)\n",
            "decoder output ended after 3 of",
        ),
        # garbage instead of an answer
        (
            "for line in sys.stdin:\n    print('this is not json', flush=True)\n",
            "answer is not JSON: 'this is not json'",
        ),
        # answers another id
        (
            "for line in sys.stdin:\n    print(json.dumps({'id': 'other#1', 'result': 'valid'}), flush=True)\n",
            "answer is for id 'other#1'",
        ),
        # a result that is neither verdict
        (
            "for line in sys.stdin:\n    print(json.dumps({'id': json.loads(line)['id'], 'result': 'ok'}), flush=True)\n",
            "result must be 'valid' or 'invalid', got 'ok'",
        ),
        # a JSON value that is not an object
        (
            "for line in sys.stdin:\n    print('[1, 2]', flush=True)\n",
            "answer is not a JSON object",
        ),
    ],
    ids=["crash", "garbage", "wrong-id", "bad-result", "not-object"],
)
def test_a_broken_decoder_is_reported_not_a_traceback(
    tmp_path: Path, body: str, message: str
) -> None:
    done = run_runner("--decoder", write_decoder(tmp_path, body))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert message in done.stdout
    assert done.stdout.rstrip().endswith("FAIL")


def test_a_crash_reports_exit_status_and_stderr(tmp_path: Path) -> None:
    body = "sys.stdin.readline()\nsys.stderr.write('panic: index out of range\\n')\nsys.exit(101)\n"
    done = run_runner("--decoder", write_decoder(tmp_path, body))
    assert done.returncode == 1
    assert "decoder exited with status 101" in done.stdout
    assert "panic: index out of range" in done.stdout
    assert "decoder output ended after 0 of" in done.stdout


def test_a_hanging_decoder_times_out(tmp_path: Path) -> None:
    body = "import time\nsys.stdin.readline()\ntime.sleep(600)\n"
    done = run_runner("--decoder", write_decoder(tmp_path, body), "--timeout", "1")
    assert done.returncode == 1
    assert "within 1 s: decoder stopped (killed)" in done.stdout


def test_a_decoder_that_reads_everything_first_does_not_deadlock(
    tmp_path: Path,
) -> None:
    # All requests (about a megabyte) are written before the first answer is
    # read back: the runner must write and read at the same time.
    body = (
        "lines = sys.stdin.readlines()\n"
        "for line in lines:\n"
        "    print(json.dumps({'id': json.loads(line)['id'], 'result': 'valid'}))\n"
    )
    done = run_runner("--decoder", write_decoder(tmp_path, body), "--kind", "blob")
    assert done.returncode == 1  # it disagrees on every invalid vector, but answers all
    assert "Decoder problems" not in done.stdout
    assert "envelope_test.json" not in done.stdout  # --kind blob


def test_a_command_that_does_not_start(tmp_path: Path) -> None:
    done = run_runner("--decoder", str(tmp_path / "no-such-decoder"))
    assert done.returncode == 2
    assert "cannot start" in done.stderr
    assert "Traceback" not in done.stderr


def test_new_vector_files_are_picked_up(tmp_path: Path) -> None:
    root = tmp_path / "vectors"
    shutil.copytree(VECTORS / "v1", root / "v1")
    # A later file in another directory, found by its schema and group type alone.
    extra = {
        "schema": "vectors.v2.schema.json",
        "testGroups": [
            {
                "type": "BlobDecode",
                "tests": [
                    {"tcId": 1, "result": "valid", "blob": "0902000000a40000"},
                    {
                        "tcId": 2,
                        "result": "invalid",
                        "blob": "0902010000a40000",
                        "error": "InvalidFieldError",
                        "rule": "HDR-3",
                        "offset": 2,
                        "field": "header.reserved",
                    },
                ],
            },
            {
                "type": "SomethingElse",
                "tests": [{"tcId": 3, "result": "valid", "blob": "00"}],
            },
        ],
    }
    (root / "v2").mkdir()
    (root / "v2" / "later_test.json").write_text(json.dumps(extra))
    (root / "v2" / "not_vectors.json").write_text(json.dumps({"vectors": []}))
    done = run_runner("--decoder", decoder_command(ADAPTER), "--strict", vectors=root)
    assert done.returncode == 0, done.stdout
    assert table_rows(done.stdout)["later_test.json"] == [
        "2",
        "2/2",
        "1/1",
        "1/1",
        "1/1",
    ]
