"""blobformat.scan / scan_file and ``blobformat scan`` (issue 16, SPEC Appendix F).

Corpora are built here: every kind planted in random bytes at random
alignments, back to back, across the finder's chunk boundaries and at the
very end of the buffer, with the exact offsets and lengths expected; decoys
that must not be reported. Both candidate finders (ahocorasick_rs and the
pure-Python fallback) must give the same matches.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import random
import stat
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

import blobformat as bf
from blobformat.cli import app as cli
from blobformat.cli import scan as cli_scan
from blobformat.scan import engine, finder, kinds
from tests import keyfiles
from tests import scanfixtures as fx

Expected = list[tuple[int, int, str]]


def found(data: bytes | memoryview, **options: object) -> Expected:
    return [(m.offset, m.length, m.kind) for m in bf.scan(data, **options)]  # type: ignore[arg-type]


@pytest.fixture(params=["ahocorasick_rs", "re"])
def engine_name(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Run a test once with each candidate finder."""
    name: str = request.param
    if name == "re":
        monkeypatch.setattr(engine, "best_finder", finder.RegexFinder)
    else:
        pytest.importorskip("ahocorasick_rs")
    return name


def plant(
    rng: random.Random,
    blobs: list[tuple[str, bytes]],
    *,
    gap: int = 300,
    tail: int = 50,
) -> tuple[bytes, Expected]:
    """Random bytes with the blobs at random offsets; open-ended kinds get a closed blob right after."""
    out = bytearray()
    expected: Expected = []
    closer = fx.every_kind()["rsa-public"]
    for name, blob in blobs:
        out += rng.randbytes(rng.randrange(gap))
        expected.append((len(out), len(blob), fx.kind_of(name)))
        out += blob
        if fx.kind_of(name) in fx.OPEN_ENDED:
            # Its length is decided by the next structure (SPEC Appendix F).
            expected.append((len(out), len(closer), "rsa-public"))
            out += closer
    out += rng.randbytes(tail)
    return bytes(out), expected


# -- planted corpora ---------------------------------------------------------------------


def test_every_kind_alone() -> None:
    for name, blob in fx.every_kind().items():
        assert found(blob) == [(0, len(blob), fx.kind_of(name))], name


def test_every_kind_planted_at_random_alignments(engine_name: str) -> None:
    rng = random.Random(1600)
    items = list(fx.every_kind().items()) * 3
    rng.shuffle(items)
    data, expected = plant(rng, items)
    assert found(data) == expected


def test_back_to_back_and_end_of_buffer(engine_name: str) -> None:
    blobs = fx.every_kind()
    order = [n for n in blobs if fx.kind_of(n) not in fx.OPEN_ENDED]
    data = b"".join(blobs[n] for n in order)
    expected, at = [], 0
    for n in order:
        expected.append((at, len(blobs[n]), fx.kind_of(n)))
        at += len(blobs[n])
    # Open-ended kinds back to back: each one stops where the next begins;
    # the last one ends with the buffer.
    for name in ("simpleblob", "symmetricwrapkeyblob", "simpleblob"):
        expected.append((at, len(blobs[name]), name))
        data += blobs[name]
        at += len(blobs[name])
    assert found(data) == expected


@pytest.mark.parametrize("chunk", [64, 97, 1024])
def test_chunk_boundaries(
    chunk: int, engine_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # With tiny chunks every magic straddles or touches a boundary somewhere.
    monkeypatch.setattr(engine, "CHUNK", chunk)
    rng = random.Random(chunk)
    items = list(fx.every_kind().items())
    data, expected = plant(rng, items, gap=chunk * 2)
    assert found(data) == expected


def test_magic_straddles_the_real_chunk_boundary(engine_name: str) -> None:
    blob = fx.every_kind()["rsa-private"]
    for delta in range(-14, 4):
        start = (
            engine.CHUNK + delta
        )  # the magic at start + 8 crosses the boundary for some
        data = bytes(start) + blob + bytes(5)
        assert found(data) == [(start, len(blob), "rsa-private")], delta


def test_blob_ends_exactly_at_the_end(engine_name: str) -> None:
    for name, blob in fx.every_kind().items():
        data = random.Random(3).randbytes(777) + blob
        assert found(data) == [(777, len(blob), fx.kind_of(name))], name


def test_every_input_type() -> None:
    rng = random.Random(9)
    data, expected = plant(rng, list(fx.every_kind().items()))
    assert found(bytearray(data)) == expected
    assert found(memoryview(data)) == expected
    assert found(memoryview(data)[:]) == expected
    with pytest.raises(TypeError):
        bf.scan("text")  # type: ignore[arg-type]


def test_match_blob_equals_parse_of_its_bytes() -> None:
    rng = random.Random(5)
    data, _ = plant(rng, list(fx.every_kind().items()))
    matches = list(bf.scan(data))
    assert matches
    for m in matches:
        assert m.blob == bf.parse(data[m.offset : m.offset + m.length])
        assert m.kind in bf.SCAN_KINDS


def test_groups_cryptography_cannot_represent_are_reported() -> None:
    dss512, dh = fx.dss_512_blob(), fx.dh_unsafe_group_blob()
    with pytest.raises(bf.KeyConversionError):
        bf.load_public_key(dss512)  # KEY-5
    assert found(dss512 + dh) == [
        (0, len(dss512), "dss-public"),
        (len(dss512), len(dh), "dh-private"),
    ]


# -- containment, containers, kinds --------------------------------------------------------


def test_pvk_hides_its_inner_blob_and_kinds_filters_the_result() -> None:
    pvk = fx.every_kind()["pvk"]
    assert found(pvk) == [(0, len(pvk), "pvk")]
    assert found(pvk, kinds=["rsa-private"]) == []
    assert found(pvk, kinds=["pvk", "rsa-public"]) == [(0, len(pvk), "pvk")]


def test_invalid_container_does_not_hide_the_inner_blob() -> None:
    pvk = bytearray(fx.every_kind()["pvk"])
    inner = fx.every_kind()["rsa-private"]
    for corrupt, value in ((8, 0), (12, 7), (23, 0x7F)):  # PVK-2, PVK-3, PVK-5
        bad = bytearray(pvk)
        bad[corrupt] = value
        assert found(bytes(bad)) == [(24, len(inner), "rsa-private")], corrupt


def test_opaque_kinds_only_when_asked() -> None:
    opaque = bf.OpaqueKeyBlob(version=2, key_alg=0x6610, body=b"\x55" * 40).to_bytes()
    rsa = fx.every_kind()["rsa-public"]
    data = opaque + rsa
    assert found(data) == [(len(opaque), len(rsa), "rsa-public")]
    assert found(data, kinds=["opaquekeyblob"]) == [(0, len(opaque), "opaquekeyblob")]


def test_unknown_kind_is_refused_at_the_call() -> None:
    with pytest.raises(bf.InvalidParameterError):
        bf.scan(b"", kinds=["rsa"])
    with pytest.raises(bf.InvalidParameterError):
        bf.scan(b"", kinds="rsa-public")


def test_open_ended_length_rule() -> None:
    simple = fx.every_kind()["simpleblob"]
    junk = random.Random(2).randbytes(5000)
    # Followed by junk: the longest ciphertext the format allows (2048 bytes).
    assert found(simple + junk) == [(0, 12 + 2048, "simpleblob")]
    wrap = fx.every_kind()["symmetricwrapkeyblob"]
    # A wrapped key is at most 272 bytes, a multiple of 8.
    assert found(wrap + junk) == [(0, 12 + 272, "symmetricwrapkeyblob")]
    assert found(wrap + junk[:13]) == [(0, len(wrap) + 8, "symmetricwrapkeyblob")]
    # Too short before the next structure: not a SIMPLEBLOB.
    rsa = fx.every_kind()["rsa-public"]
    assert found(simple[: 12 + 47] + rsa) == [(59, len(rsa), "rsa-public")]


# -- decoys ----------------------------------------------------------------------------------


def flip(blob: bytes, offset: int, bit: int = 0) -> bytes:
    out = bytearray(blob)
    out[offset] ^= 1 << bit
    return bytes(out)


def decoys() -> Iterator[tuple[str, bytes]]:
    blobs = fx.every_kind()
    rsa = blobs["rsa-private"]
    k = (520 + 7) // 8
    h = (520 + 15) // 16
    yield "rsa-private truncated", rsa[:-1]
    yield "rsa-private cut in the middle", rsa[: len(rsa) // 2]
    yield "flipped bit in p (RSA)", flip(rsa, 20 + k + 3)
    yield "flipped bit in q (RSA)", flip(rsa, 20 + k + h + 1, 3)
    yield "flipped bit in d (RSA)", flip(rsa, len(rsa) - 40, 5)
    dss = blobs["dss-public"]
    yield "flipped bit in p (DSS)", flip(dss, 16 + 40, 2)
    yield "flipped bit in q (DSS v3)", flip(blobs["dss-private-v3"], 52 + 128 + 4)
    yield (
        "flipped bit in x (DSS v3)",
        flip(blobs["dss-private-v3"], len(blobs["dss-private-v3"]) - 5),
    )
    yield (
        "flipped bit in y (DH v3)",
        flip(blobs["dh-private-v3"], len(blobs["dh-private-v3"]) - 30),
    )
    for name in (
        "rsa-public",
        "dss-private",
        "dh-private",
        "plaintextkeyblob",
        "simpleblob",
    ):
        yield f"reserved != 0 ({name})", flip(blobs[name], 2)
        yield (
            f"truncated at the end ({name})",
            blobs[name][: -1 if name != "simpleblob" else 12 + 40],
        )
    yield "absurd bit length", rsa[:12] + (0xFFFFFFF8).to_bytes(4, "little") + rsa[16:]
    yield "bit length 0", rsa[:12] + bytes(4) + rsa[16:]
    yield (
        "absurd PVK key length",
        blobs["pvk"][:20] + (0x7FFFFFFF).to_bytes(4, "little") + bytes(400),
    )
    yield (
        "RSA2 header with garbage",
        rsa[:20] + random.Random(7).randbytes(len(rsa) - 20),
    )
    yield (
        "RSA1 magic in garbage",
        random.Random(8).randbytes(100) + b"RSA1" + random.Random(8).randbytes(100),
    )
    yield (
        "every magic in garbage",
        b"".join(
            random.Random(i).randbytes(11) + row.magic
            for i, row in enumerate(kinds.ROWS)
        ),
    )


@pytest.mark.parametrize(("name", "decoy"), list(decoys()))
def test_decoys_are_not_reported(name: str, decoy: bytes, engine_name: str) -> None:
    rng = random.Random(name)
    assert found(rng.randbytes(64) + decoy) == []


def test_decoys_next_to_real_blobs() -> None:
    rng = random.Random(77)
    real = fx.every_kind()["dss-private"]
    data = bytearray()
    expected: Expected = []
    for name, decoy in decoys():
        if name.startswith("truncated at the end"):
            continue  # completed by whatever follows: a decoy only at the end
        data += decoy + rng.randbytes(rng.randrange(40))
        expected.append((len(data), len(real), "dss-private"))
        data += real + rng.randbytes(rng.randrange(40))
    assert found(bytes(data)) == expected


# -- lenient -----------------------------------------------------------------------------------


def test_lenient_reports_a_shortened_private_exponent_at_the_end() -> None:
    rsa = fx.every_kind()["rsa-private"]
    short = rsa[:-20]
    assert found(short) == []
    matches = list(bf.scan(short, lenient=True))
    assert [(m.offset, m.length, m.kind) for m in matches] == [
        (0, len(short), "rsa-private")
    ]
    assert [t.kind for t in matches[0].blob.tolerated] == ["short-private-exponent"]
    assert matches[0].blob == bf.parse(short, lenient=True)


def test_lenient_reports_an_ambiguous_seed_counter() -> None:
    dss = bytearray(fx.every_kind()["dss-public"])
    dss[-24:-20] = (0x80000000).to_bytes(4, "little")  # DSS-7
    assert found(bytes(dss)) == []
    matches = list(bf.scan(bytes(dss), lenient=True))
    assert [t.kind for t in matches[0].blob.tolerated] == ["ambiguous-seed-counter"]


# -- the finders -------------------------------------------------------------------------------


def test_both_finders_give_the_same_positions() -> None:
    pytest.importorskip("ahocorasick_rs")
    magics = sorted({row.magic for row in kinds.ROWS})
    rng = random.Random(4)
    data = bytearray(rng.randbytes(20000))
    for _ in range(300):  # overlapping and adjacent magics included
        at = rng.randrange(len(data) - 8)
        magic = rng.choice(magics)
        data[at : at + len(magic)] = magic
    view = memoryview(bytes(data))
    for stop in (len(view), len(view) - 3, 5000):
        a = sorted(finder.AhoCorasickFinder(magics).find(view, stop))
        b = sorted(finder.RegexFinder(magics).find(view, stop))
        assert a == b
        assert a, "no magic found"


def test_the_table_is_the_registry() -> None:
    from blobformat.codec import registry

    # One row per registered kind, and per further magic of a CNG kind (a magic
    # two CNG kinds share gets one row; the parsed model names the kind).
    assert list(dict.fromkeys(row.kind for row in kinds.ROWS)) == [
        k.name for k in registry.KINDS if k.name != "cng-ecc-full"
    ]
    assert {row.kind for row in kinds.ROWS if not row.default} == {
        "opaquekeyblob",
        "publickeyblobex",
        "keystateblob",
    }
    assert tuple(bf.SCAN_KINDS) == tuple(k.name for k in registry.KINDS)
    cng = {k.name: set(k.magics) for k in registry.KINDS if k.family == "cng"}
    assert {row.magic for row in kinds.ROWS if row.cng_header} == set().union(
        *cng.values()
    )


def test_prefix_sizes_equal_the_blob_lengths() -> None:
    by_kind = {row.kind: row for row in kinds.ROWS}
    for name, blob in fx.every_kind().items():
        row = by_kind[fx.kind_of(name)]
        size = row.size(blob[: row.prefix_end])
        assert size == (0 if row.open_ended else len(blob)), name
        assert (
            blob[row.magic_offset : row.magic_offset + len(row.magic)] == row.magic
        ), name


# -- scan_file ---------------------------------------------------------------------------------


def test_scan_file_equals_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "CHUNK", 4096)
    rng = random.Random(21)
    data, expected = plant(rng, list(fx.every_kind().items()) * 2, gap=5000)
    path = tmp_path / "dump.bin"
    path.write_bytes(data)
    from_file = list(bf.scan_file(path))
    assert from_file == list(bf.scan(data))
    assert [(m.offset, m.length, m.kind) for m in from_file] == expected
    empty = tmp_path / "empty"
    empty.write_bytes(b"")
    assert list(bf.scan_file(empty)) == []


def test_scan_file_closes_when_abandoned(tmp_path: Path) -> None:
    path = tmp_path / "two.bin"
    blob = fx.every_kind()["rsa-public"]
    path.write_bytes(blob + blob)
    it = bf.scan_file(path)
    assert next(it).offset == 0
    it.close()  # releases the views and unmaps without BufferError


def test_memory_does_not_grow_with_a_flood() -> None:
    # 4 MiB of back-to-back RSA2 headers: matches are streamed, hits chunked.
    flood = (b"\x07\x02\x00\x00\x00\xa4\x00\x00RSA2" * (4 << 20 // 12))[: 4 << 20]
    tracemalloc.start()
    try:
        assert found(flood) == []
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, peak


# -- the command line --------------------------------------------------------------------------


def run_cli(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["scan", *args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def dump(tmp_path: Path) -> tuple[Path, bytes]:
    data, _ = plant(random.Random(31), list(fx.every_kind().items()))
    path = tmp_path / "dump.bin"
    path.write_bytes(data)
    return path, data


def test_cli_json_agrees_with_the_api(dump: tuple[Path, bytes]) -> None:
    path, data = dump
    code, out, err = run_cli("--json", str(path))
    assert code == 0 and err == ""
    docs = [json.loads(line) for line in out.splitlines()]
    assert [(d["offset"], d["length"], d["kind"], d["file"]) for d in docs] == [
        (m.offset, m.length, m.kind, str(path)) for m in bf.scan(data)
    ]


def test_cli_text_lines(dump: tuple[Path, bytes]) -> None:
    path, data = dump
    code, out, err = run_cli(str(path))
    assert code == 0 and err == ""
    lines = out.splitlines()
    matches = list(bf.scan(data))
    assert len(lines) == len(matches)
    for line, m in zip(lines, matches, strict=True):
        fields = line.split()
        assert fields[:4] == [
            f"0x{m.offset:010x}",
            str(m.offset),
            m.kind,
            str(m.length),
        ]
    assert "RSA-520 private, CALG_RSA_KEYX" in out


def test_cli_prints_no_private_number(dump: tuple[Path, bytes]) -> None:
    path, data = dump
    secrets: list[str] = []
    for m in bf.scan(data):
        blob = m.blob.blob if isinstance(m.blob, bf.PVKFile) and m.blob.blob else m.blob
        for name in type(blob).SECRET:
            value = getattr(blob, name, None)
            if isinstance(value, int):
                secrets += [
                    f"{value:x}",
                    str(value)[:20],
                    value.to_bytes((value.bit_length() + 7) // 8, "little").hex()[:20],
                ]
            elif isinstance(value, bytes) and value:
                secrets.append(value.hex()[:16])
    assert secrets
    for options in ((), ("--json",), ("--lenient",)):
        _, out, _ = run_cli(*options, str(path))
        assert not [s for s in secrets if s in out], options


def test_cli_kinds_and_exit_status(dump: tuple[Path, bytes], tmp_path: Path) -> None:
    path, _ = dump
    code, out, _ = run_cli(
        "--json", "--kinds", "pvk,simpleblob", "--kinds", "dh-public", str(path)
    )
    assert code == 0
    assert {json.loads(line)["kind"] for line in out.splitlines()} == {
        "pvk",
        "simpleblob",
        "dh-public",
    }
    nothing = tmp_path / "nothing.bin"
    nothing.write_bytes(os.urandom(1000))
    assert run_cli(str(nothing)) == (0, "", "")
    code, _, err = run_cli("--kinds", "rsa", str(path))
    assert code == 2 and "unknown kind" in err
    code, _, err = run_cli(str(tmp_path / "missing"))
    assert code == 1 and "cannot read" in err


def test_cli_extract_permissions(dump: tuple[Path, bytes], tmp_path: Path) -> None:
    path, data = dump
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    code, out, _ = run_cli("--json", "--extract", str(out_dir), str(path))
    assert code == 0
    docs = [json.loads(line) for line in out.splitlines()]
    assert len(list(out_dir.iterdir())) == len(docs)
    kinds_seen = set()
    for doc in docs:
        written = Path(doc["extracted"])
        assert (
            written.read_bytes() == data[doc["offset"] : doc["offset"] + doc["length"]]
        )
        mode = stat.S_IMODE(written.stat().st_mode)
        private = doc["kind"].endswith(("private", "private-v3")) or doc["kind"] in (
            "pvk",
            "plaintextkeyblob",
        )
        if private:
            assert mode == 0o600, (doc["kind"], oct(mode))
        kinds_seen.add(private)
    assert kinds_seen == {True, False}


def test_cli_several_files_in_parallel(tmp_path: Path) -> None:
    paths, expected = [], []
    for seed in range(3):
        data, _ = plant(random.Random(seed), list(fx.every_kind().items())[seed::3])
        path = tmp_path / f"f{seed}.bin"
        path.write_bytes(data)
        paths.append(str(path))
        expected += [(str(path), m.offset, m.kind) for m in bf.scan(data)]
    code, out, err = run_cli("--json", "--jobs", "2", *paths)
    assert code == 0 and err == ""
    assert [
        (d["file"], d["offset"], d["kind"]) for d in map(json.loads, out.splitlines())
    ] == expected
    code, text, _ = run_cli("--jobs", "2", *paths)
    assert all(line.split(": ", 1)[0] in paths for line in text.splitlines())


def test_cli_progress_bar_only_on_a_terminal(
    dump: tuple[Path, bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    path, _ = dump
    monkeypatch.setattr(cli_scan, "PROGRESS_MIN_BYTES", 0)
    _, out_plain, err = run_cli(str(path))
    assert err == ""  # not a terminal: silent
    err_buffer = io.StringIO()
    err_buffer.isatty = lambda: True  # type: ignore[method-assign]
    out_buffer = io.StringIO()
    with contextlib.redirect_stdout(out_buffer), contextlib.redirect_stderr(err_buffer):
        assert cli.main(["scan", str(path)]) == 0
    assert err_buffer.getvalue(), "no progress bar on a terminal"
    assert out_buffer.getvalue() == out_plain
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(err_buffer),
    ):
        err_buffer.truncate(0)
        err_buffer.seek(0)
        assert cli.main(["scan", "--json", str(path)]) == 0
    assert err_buffer.getvalue() == ""  # --json: silent


def test_fallback_when_ahocorasick_rs_is_missing(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "ahocorasick_rs", None)  # import fails
    chosen = finder.best_finder([b"RSA1"])
    assert isinstance(chosen, finder.RegexFinder)
    rng = random.Random(44)
    data, expected = plant(rng, list(fx.every_kind().items()))
    assert found(data) == expected


def test_relation_checks_and_the_group_cache() -> None:
    from blobformat.keys.consistency import check_relations

    blobs = fx.every_kind()
    groups: dict = {}  # type: ignore[type-arg]
    for blob in blobs.values():
        check_relations(bf.parse(blob), groups=groups)
    assert groups, "no group was remembered"
    good = bf.parse(blobs["dss-private-v3"])
    assert isinstance(good, bf.DSSPrivateKeyBlobV3)
    import dataclasses

    wrong_y = dataclasses.replace(good, y=pow(good.g, good.x + 1, good.p))
    with pytest.raises(bf.KeyConversionError) as err:
        check_relations(
            wrong_y, groups=groups
        )  # the group is cached; y is still checked
    assert err.value.rule == "KEY-4"
    bad_group = dataclasses.replace(
        good, g=good.g + 2, y=pow(good.g + 2, good.x, good.p)
    )
    with pytest.raises(bf.KeyConversionError) as err:
        check_relations(bad_group, groups=groups)
    assert err.value.rule == "KEY-3"
    dh1 = bf.parse(blobs["dh-public"])
    with pytest.raises(bf.KeyConversionError):
        check_relations(dataclasses.replace(dh1, y=1))


def test_cng_blobs_are_found_once_registered() -> None:
    """CNG kinds come from the registry: every CNG blob `parse` knows is found exactly."""
    import warnings

    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    rng = random.Random(44)
    rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    planted = [
        ("cng-rsa-public", bf.dump_public_key(rsa_key.public_key(), format="cng")),
        ("cng-rsa-private", bf.dump_private_key(rsa_key, format="cng", full=False)),
        ("cng-rsa-full-private", bf.dump_private_key(rsa_key, format="cng")),
        ("cng-key-data", bf.CngKeyDataBlob(key=bytes(range(16))).to_bytes()),
    ]
    for curve in (ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1()):
        key = ec.generate_private_key(curve)
        planted.append(
            ("cng-ecc-private", bf.dump_private_key(key, format="cng", ecdh=True))
        )
        planted.append(
            ("cng-ecc-public", bf.dump_public_key(key.public_key(), format="cng"))
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name in ("dsa-1024", "dh-512"):
            key = keyfiles.vector_key(name)
            family = "dsa" if name.startswith("dsa") else "dh"
            planted.append(
                (f"cng-{family}-private", bf.dump_private_key(key, format="cng"))
            )
            planted.append(
                (
                    f"cng-{family}-public",
                    bf.dump_public_key(key.public_key(), format="cng"),
                )
            )  # type: ignore[union-attr]
    data = bytearray()
    expected = []
    for kind, blob in planted:
        data += bytes(rng.randrange(256) for _ in range(rng.randrange(1, 40)))
        expected.append((len(data), len(blob), kind))
        data += blob
    # A decoy: a CNG RSA magic whose BitLength disagrees with cbModulus.
    decoy = bytearray(planted[0][1])
    decoy[4] ^= 0x08
    data += b"\x00" * 7 + decoy
    found = [(m.offset, m.length, m.kind) for m in bf.scan(bytes(data))]
    assert found == expected
    assert all(
        m.blob == bf.parse(bytes(data[m.offset : m.offset + m.length]))
        for m in bf.scan(bytes(data))
    )


def test_cng_dsa_blob_key_5_does_not_hide_it() -> None:
    """Appendix F.4: [KEY-5] does not apply to CNG blobs either. A 512-bit DSA key
    (published vectors) is reported as a CNG blob as it is as a CryptoAPI blob; its
    relations are still checked (an altered y is not reported)."""
    from tests.conftest import ROOT

    document = json.loads(
        (ROOT / "vectors" / "v1" / "dss_v2_key_blob_test.json").read_text()
    )
    by_id = {t["tcId"]: t for g in document["testGroups"] for t in g["tests"]}
    for tc_id, kind in ((10, "cng-dsa-private"), (11, "cng-dsa-public")):
        capi = bytes.fromhex(by_id[tc_id]["blob"])
        assert bf.parse(capi).p.bit_length() == 512  # type: ignore[union-attr]
        cng = bf.convert_blob(capi, to="cng")
        assert [(m.kind, m.offset, m.length) for m in bf.scan(cng)] == [
            (kind, 0, len(cng))
        ]
        parsed = bf.parse(cng)
        assert isinstance(parsed, bf.CngDSAPublicBlob | bf.CngDSAPrivateBlob)
        altered = dataclasses.replace(parsed, y=parsed.y ^ 2).to_bytes()
        assert list(bf.scan(altered)) == []
