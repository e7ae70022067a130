"""Hostile lengths and huge inputs are refused quickly and in small memory (SPEC §4.3, §12.2, §16.6.2, §18).

Every length in these formats comes from the input. SPEC §4.3 step 9 and
§16.6.2 step 7 require a decoder to bound each length field and compare the
size it implies with the input before reading further, so that "no length
field can make a decoder allocate, loop or wait beyond the size of its
input". OpenSSL's parser once allocated gigabytes for a 16-byte header and
over-read short PVK keys (shared/reference/PEERS.md §4, items 1-4).

The stated bounds, for every case below:

- the call raises a ``blobformat.BlobError`` (never another exception);
- tracemalloc's peak during the call is at most :data:`MEMORY_BOUND`
  (256 KiB) plus the size of the input, measured on the first call for that
  input (so plan compilation and caches are included);
- the call takes less than :data:`TIME_LIMIT` seconds (milliseconds in
  practice; the limit only absorbs a loaded CI machine).

The CLI's ``inspect`` reads the file itself: there the input's size is the
read buffer, and nothing more may be allocated beyond the 256 KiB. (Parsing
checks the length caps of the open-ended kinds, SPEC §8 [SMP-3] and §10
[SWK-3], before it copies their bodies.)
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import io
import struct
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

import blobformat as bf
from blobformat.cli import app as _cli
from tests.keyfiles import rsa_key

MEMORY_BOUND = 256 * 1024
TIME_LIMIT = 1.0
FOUR_MIB = 4 * 1024 * 1024

A = bf.AlgId


def u32(value: int) -> bytes:
    return struct.pack("<I", value)


def random_bytes(label: str, size: int) -> bytes:
    """Deterministic pseudo-random bytes."""
    return hashlib.shake_256(label.encode()).digest(size)


def within_bounds(call: Callable[[], object], data: bytes) -> object:
    """Run ``call`` once within the memory and time bounds; return its result or BlobError."""
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        clock = time.perf_counter()
        try:
            outcome: object = call()
        except bf.BlobError as err:
            outcome = err
        elapsed = time.perf_counter() - clock
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if started:
            tracemalloc.stop()
    assert peak <= MEMORY_BOUND + len(data), (
        f"peak {peak} bytes for a {len(data)}-byte input ({type(outcome).__name__})"
    )
    assert elapsed < TIME_LIMIT, f"{elapsed:.3f} s"
    return outcome


def refused_within_bounds(call: Callable[[], object], data: bytes) -> bf.BlobError:
    """Run ``call`` once; check it raises a BlobError within the memory and time bounds."""
    outcome = within_bounds(call, data)
    if not isinstance(outcome, bf.BlobError):
        pytest.fail(f"the input was accepted: {outcome!r}")
    return outcome


# -- 16-byte headers with huge bit lengths (PEERS §4 items 3 and 4) -----------------------

HUGE_BITS = (0xFFFFFFFF, 0xA9800000, 0x80000000, 0xFFFFFFF9)
V2_KINDS = {
    "RSA1": (6, A.CALG_RSA_KEYX),
    "RSA2": (7, A.CALG_RSA_KEYX),
    "DSS1": (6, A.CALG_DSS_SIGN),
    "DSS2": (7, A.CALG_DSS_SIGN),
    "\0DH1": (6, A.CALG_DH_SF),
    "\0DH2": (7, A.CALG_DH_SF),
}
V3_KINDS = {
    "DSS3": (6, A.CALG_DSS_SIGN),
    "DSS4": (7, A.CALG_DSS_SIGN),
    "\0DH3": (6, A.CALG_DH_SF),
    "\0DH4": (7, A.CALG_DH_SF),
}


def header(blob_type: int, version: int, alg: int) -> bytes:
    return bytes([blob_type, version, 0, 0]) + u32(alg)


def v2_header(magic: str, bits: int) -> bytes:
    blob_type, alg = V2_KINDS[magic]
    return header(blob_type, 2, alg) + magic.encode("latin-1") + u32(bits)


def v3_header(magic: str, bits: int) -> bytes:
    blob_type, alg = V3_KINDS[magic]
    count = 4 if blob_type == 7 else 3
    return header(blob_type, 3, alg) + magic.encode("latin-1") + u32(bits) * count


def key_entry_points(data: bytes) -> list[Callable[[], object]]:
    return [
        lambda: bf.parse(data),
        lambda: bf.parse(data, lenient=True),
        lambda: bf.load_public_key(data),
        lambda: bf.load_private_key(data),
    ]


@pytest.mark.parametrize("bits", [*HUGE_BITS, 16384], ids=hex)
@pytest.mark.parametrize("magic", list(V2_KINDS), ids=lambda m: m.strip("\0"))
def test_huge_bit_length_v2_header_without_body(magic: str, bits: int) -> None:
    data = v2_header(magic, bits)
    for call in key_entry_points(data):
        err = refused_within_bounds(call, data)
        assert isinstance(err, bf.ParseError)


@pytest.mark.parametrize("bits", [*HUGE_BITS, 3072, 4096], ids=hex)
@pytest.mark.parametrize("magic", list(V3_KINDS), ids=lambda m: m.strip("\0"))
def test_huge_bit_lengths_v3_header_without_body(magic: str, bits: int) -> None:
    data = v3_header(magic, bits)
    for call in key_entry_points(data):
        err = refused_within_bounds(call, data)
        assert isinstance(err, bf.ParseError)


def test_largest_rsa_header_claims_more_than_the_input() -> None:
    # bitlen 16384 is valid: the 10 KiB body is missing, which must be a TruncatedError.
    data = v2_header("RSA2", 16384) + u32(65537)
    err = refused_within_bounds(lambda: bf.parse(data), data)
    assert isinstance(err, bf.TruncatedError)
    assert err.available == len(data)


# -- PVK lengths (PEERS §4 items 1 and 2; SPEC §12.2 [PVK-4], [PVK-5]) -------------------


def pvk_header(encrypted: int, salt_length: int, key_length: int) -> bytes:
    return (
        u32(0xB0B5F11E)
        + u32(0)
        + u32(1)
        + u32(encrypted)
        + u32(salt_length)
        + u32(key_length)
    )


@pytest.mark.parametrize(
    ("encrypted", "salt_length", "key_length"),
    [
        (1, 0xFFFFFFF0, 596),
        (1, 16, 0xFFFFFFF0),
        (1, 0xFFFFFFF0, 0xFFFFFFF0),
        (1, 0x80000000, 0x80000000),
        (0, 0, 0xFFFFFFF0),
        (0, 0xFFFFFFF0, 596),
    ],
)
def test_pvk_huge_lengths(encrypted: int, salt_length: int, key_length: int) -> None:
    data = pvk_header(encrypted, salt_length, key_length) + bytes(40)
    for call in (
        lambda: bf.parse(data),
        lambda: bf.load_pvk(data),
        lambda: bf.load_pvk(data, b"password"),
    ):
        err = refused_within_bounds(call, data)
        assert isinstance(err, bf.InvalidFieldError)
        assert err.rule in ("PVK-4", "PVK-5")


@pytest.mark.parametrize("key_length", range(8))
def test_pvk_encrypted_key_shorter_than_its_header(key_length: int) -> None:
    data = pvk_header(1, 16, key_length) + bytes(16 + key_length)
    err = refused_within_bounds(lambda: bf.load_pvk(data, b"password"), data)
    assert err.rule == "PVK-5"


# -- PLAINTEXTKEYBLOB dwKeySize (PEERS §4 item 19; SPEC §9 [PTK-3]) ------------------------


@pytest.mark.parametrize("size", [0xFFFFFFFF, 0x80000000, 0x10000])
def test_plaintextkeyblob_huge_key_size(size: int) -> None:
    data = header(8, 2, A.CALG_AES_256) + u32(size) + bytes(32)
    for call in (lambda: bf.parse(data), lambda: bf.load_session_key_blob(data)):
        err = refused_within_bounds(call, data)
        assert isinstance(err, bf.InvalidFieldError)
        assert err.rule == "PTK-3"


# -- envelope length fields at their maximum (SPEC §16.2, §16.6.2 step 7) --------------------


@functools.cache
def envelope() -> bytes:
    owner = rsa_key("rsa-2048")
    session = bf.SessionKey(alg_id=A.CALG_AES_128, key=bytes(range(16)))
    return bf.store_session_key(session, owner, label="resources")


def envelope_variants() -> dict[str, tuple[bytes, str]]:
    env = envelope()
    label = env[52]
    entry = 54 + label
    blob_length = struct.unpack_from("<H", env, entry + 2)[0]
    trailer = entry + 36 + blob_length
    return {
        "label_length=255": (env[:52] + b"\xff" + env[53:54], "ENV-1"),
        "recipient_count=255": (env[:53] + b"\xff" + env[54:], "ENV-7"),
        "recipient_count=16": (
            env[:53] + b"\x10" + env[54 : entry + 36 + blob_length],
            "ENV-1",
        ),
        "blob_length=65535": (
            env[: entry + 2] + b"\xff\xff" + env[entry + 4 :],
            "ENV-10",
        ),
        "signature_length=65535": (
            env[:trailer] + b"\xff\xff" + env[trailer + 2 :],
            "ENV-15",
        ),
    }


@pytest.mark.parametrize(
    "case",
    [
        "label_length=255",
        "recipient_count=255",
        "recipient_count=16",
        "blob_length=65535",
        "signature_length=65535",
    ],
)
def test_envelope_length_fields_at_maximum(case: str) -> None:
    data, rule = envelope_variants()[case]
    owner = rsa_key("rsa-2048")
    for call in (
        lambda: bf.open_sealed(data, owner.public_key()),
        lambda: bf.load_session_key(data, owner),
    ):
        err = refused_within_bounds(call, data)
        assert isinstance(err, bf.ParseError)
        assert err.rule == rule


# -- 4 MiB of random bytes to every entry point ------------------------------------------------


def run_inspect(path: Path) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = _cli.main(["inspect", str(path)])
    assert out.getvalue() == ""
    assert err.getvalue().startswith("blobformat: ") and err.getvalue().count("\n") == 1
    return status


def entry_points(data: bytes) -> dict[str, Callable[[], object]]:
    owner = rsa_key("rsa-2048")
    unwrapper = rsa_key("rsa-1032")
    kek = bf.SessionKey(alg_id=A.CALG_3DES, key=bytes(range(1, 25)))
    return {
        "parse": lambda: bf.parse(data),
        "parse-lenient": lambda: bf.parse(data, lenient=True),
        "load_public_key": lambda: bf.load_public_key(data),
        "load_private_key": lambda: bf.load_private_key(data),
        "load_pvk": lambda: bf.load_pvk(data),
        "load_pvk-password": lambda: bf.load_pvk(data, b"password"),
        "unwrap_session_key": lambda: bf.unwrap_session_key(data, unwrapper),
        "unwrap_session_key-oaep": lambda: bf.unwrap_session_key(
            data, unwrapper, oaep=True
        ),
        "load_session_key_blob": lambda: bf.load_session_key_blob(data),
        "unwrap_symmetric_key": lambda: bf.unwrap_symmetric_key(data, kek),
        "open_sealed": lambda: bf.open_sealed(data, owner.public_key()),
        "load_session_key": lambda: bf.load_session_key(data, owner),
    }


PREFIXES = {
    "random": b"",
    "simpleblob": header(1, 2, A.CALG_AES_128) + u32(A.CALG_RSA_KEYX),
    "plaintextkeyblob": header(8, 2, A.CALG_AES_128) + u32(FOUR_MIB),
    "symmetricwrapkeyblob": header(0x0B, 2, A.CALG_3DES) + u32(A.CALG_3DES),
    "rsa-private": v2_header("RSA2", 16384) + u32(65537),
    "pvk": pvk_header(1, 16, FOUR_MIB),
    "envelope": b"\x8bBFE\r\n\x1a\n\x01\x00\x01\x00",
}


@functools.cache
def big_input(kind: str) -> bytes:
    prefix = PREFIXES[kind]
    return prefix + random_bytes(f"blobformat resources/{kind}", FOUR_MIB - len(prefix))


def test_random_input_is_not_a_blob_kind() -> None:
    # The plain random input must not start like a kind whose body is free-form.
    assert big_input("random")[0] not in (1, 6, 7, 8, 9, 0x0A, 0x0B, 0x0C, 0x1E, 0x8B)


@pytest.mark.parametrize("kind", list(PREFIXES))
@pytest.mark.parametrize(
    "entry_point",
    [
        "parse",
        "parse-lenient",
        "load_public_key",
        "load_private_key",
        "load_pvk",
        "load_pvk-password",
        "unwrap_session_key",
        "unwrap_session_key-oaep",
        "load_session_key_blob",
        "unwrap_symmetric_key",
        "open_sealed",
        "load_session_key",
    ],
)
def test_four_mib_input(kind: str, entry_point: str) -> None:
    data = big_input(kind)
    if entry_point == "parse-lenient" and kind == "rsa-private":
        # Forensic mode accepts trailing bytes by design (SPEC §13): bounded, recorded.
        model = within_bounds(entry_points(data)[entry_point], data)
        assert isinstance(model, bf.RSAPrivateKeyBlob)
        assert [t.kind for t in model.tolerated] == ["trailing-data"]
        return
    refused_within_bounds(entry_points(data)[entry_point], data)


@pytest.mark.parametrize("kind", list(PREFIXES))
def test_four_mib_input_to_cli_inspect(kind: str, tmp_path: Path) -> None:
    data = big_input(kind)
    path = tmp_path / "big.blob"
    path.write_bytes(data)
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        clock = time.perf_counter()
        status = run_inspect(path)
        elapsed = time.perf_counter() - clock
        peak = tracemalloc.get_traced_memory()[1] - before
    finally:
        if started:
            tracemalloc.stop()
    assert status == 1
    assert peak <= MEMORY_BOUND + len(data), f"peak {peak}"
    assert elapsed < TIME_LIMIT, f"{elapsed:.3f} s"
