# SPDX-License-Identifier: Apache-2.0
"""No code is generated for a length taken from the input, and every cache is bounded.

The architecture issue: readers used to be compiled per (layout, bit length),
so each new hostile length cost two compiles and a stream of them thrashed
the cache. Readers and encoders are now made once per layout or class; plans
are made from the schema's size expressions without code. The benchmark
``benchmarks/hostile_lengths.py`` measures the cost; these tests pin the
mechanism (no timings here).
"""

from __future__ import annotations

import builtins
import random
import struct
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from hypothesis import given
from hypothesis import strategies as st

import blobformat as bf
from blobformat.codec import model_base, schema, wire
from tests.blob_samples import ALL_VALID

SAMPLE = bytes.fromhex("0602000000a40000525341310008000001000100")


@contextmanager
def compiles() -> Iterator[list[str]]:
    """Record every call of the built-in ``compile`` made inside the block."""
    seen: list[str] = []
    original = builtins.compile

    def spy(source: object, filename: str, *args: object, **kwargs: object) -> object:
        seen.append(str(filename))
        return original(source, filename, *args, **kwargs)  # type: ignore[call-overload]

    builtins.compile = spy  # type: ignore[assignment]
    try:
        yield seen
    finally:
        builtins.compile = original


def _rsa_public(bits: int, rng: random.Random) -> bytes:
    n = rng.getrandbits(bits) | (1 << (bits - 1)) | 1
    return (
        SAMPLE[:12] + struct.pack("<II", bits, 65537) + n.to_bytes(bits // 8, "little")
    )


def test_hostile_lengths_compile_nothing_and_make_no_plan() -> None:
    bf.parse(_rsa_public(2048, random.Random(0)))  # warm: the layout's reader exists
    wire.plan_for.cache_clear()
    generated = len(model_base._GENERATED)
    with compiles() as seen:
        for bits in range(384, 384 + 3000):
            with pytest.raises(bf.TruncatedError) as err:
                bf.parse(SAMPLE[:12] + struct.pack("<II", bits, 65537))
            assert err.value.rule == "RSA-2" and err.value.field == "modulus"
    assert seen == []
    assert len(model_base._GENERATED) == generated
    # Rejected from the sizes alone: not one plan was made.
    assert wire.plan_for.cache_info().currsize == 0


def test_valid_blobs_of_every_length_compile_nothing_and_the_cache_stays_bounded() -> (
    None
):
    rng = random.Random(1)
    bf.parse(_rsa_public(2048, rng))
    with compiles() as seen:
        for bits in range(384, 16385, 8):
            blob = bf.parse(_rsa_public(bits, rng))
            assert isinstance(blob, bf.RSAPublicKeyBlob) and blob.bit_length == bits
            blob.layout()  # makes a plan: cached, within the bound
            assert blob.to_bytes()[:12] == SAMPLE[:12]
    assert seen == []
    info = wire.plan_for.cache_info()
    assert info.maxsize == wire.PLAN_CACHE_SIZE
    assert info.currsize <= wire.PLAN_CACHE_SIZE


def test_the_spy_sees_code_generation() -> None:
    """The spy can fail: a new layout's first use does compile."""
    wire.template.cache_clear()
    with compiles() as seen:
        wire.template(schema.LAYOUTS["DH_PRIVATE_KEY_BLOB_V3"])
    assert seen


@given(
    st.sampled_from(sorted(schema.LAYOUTS)),
    st.lists(st.integers(0, 4200), min_size=4, max_size=4),
)
def test_template_sizes_equal_constructs_sizeof(name: str, values: list[int]) -> None:
    """The sizes come from the schema's own expressions: construct agrees on every field."""
    layout = schema.LAYOUTS[name]
    params = dict(zip(layout.params, values, strict=False))
    plan = wire.plan(layout, params)
    ours = tuple((f.path, f.offset, f.size) for f in plan.fields if not f.absent)
    theirs = tuple(
        row
        for row in wire.reference_plan(layout, params)
        if row[2] != 0 or row[0] not in {f.path for f in plan.fields if f.absent}
    )
    assert ours == theirs


@given(st.sampled_from(ALL_VALID))
def test_head_and_extent_agree_with_the_full_reader(data: bytes) -> None:
    """Template.head gives the row's first values; extent the blob's fixed length."""
    blob = bf.parse(data)
    t = wire.template(type(blob).LAYOUT)
    row = t.reader(data)
    head = t.head(data)
    assert row is not None and head is not None
    assert head == row[: len(head)]
    params = tuple(head[i] for i in t.param_index)
    assert t.extent(params) == (t.prefix_end if t.open_ended else len(data))
    assert t.head(data[: t.prefix_end - 1]) is None


@given(st.data())
def test_cng_fast_decoder_agrees_with_the_generic_path(data: st.DataObject) -> None:
    """The generated CNG decoders accept exactly what the table-driven path accepts."""
    from blobformat.codec import cng

    rng = random.Random(data.draw(st.integers(0, 2**32)))
    key = _rsa_public(1024, rng)
    model = bf.parse(key)
    assert isinstance(model, bf.RSAPublicKeyBlob)
    from cryptography.hazmat.primitives.asymmetric import rsa

    numbers = rsa.RSAPublicNumbers(model.public_exponent, model.modulus)
    blob = bytearray(bf.dump_public_key(numbers.public_key(), format="cng"))
    for _ in range(data.draw(st.integers(0, 3))):
        blob[data.draw(st.integers(0, len(blob) - 1))] = data.draw(st.integers(0, 255))
    candidate = bytes(blob[: data.draw(st.integers(0, len(blob)))])

    def outcome(fast: bool) -> object:
        saved = dict(cng._FAST), dict(cng._FAST_BY_MAGIC), cng._fast
        if not fast:
            # Every generated decoder declines: the table-driven path decides.
            cng._FAST.clear()
            cng._FAST_BY_MAGIC.clear()
            cng._fast = lambda _kind: lambda _data: None  # type: ignore[assignment]
        try:
            return ("ok", bf.parse(candidate))
        except bf.BlobError as err:
            return ("err", type(err), err.offset, err.field, err.rule)
        finally:
            cng._FAST.clear()
            cng._FAST.update(saved[0])
            cng._FAST_BY_MAGIC.clear()
            cng._FAST_BY_MAGIC.update(saved[1])
            cng._fast = saved[2]  # type: ignore[assignment]

    assert outcome(True) == outcome(False)


def test_v2_prefix_positions_are_shared() -> None:
    """DSS and DH version-2 kinds share one prefix rule set: same row positions."""
    from blobformat.codec import models

    for cls in (
        bf.DSSPublicKeyBlob,
        bf.DSSPrivateKeyBlob,
        bf.DHPublicKeyBlob,
        bf.DHPrivateKeyBlob,
    ):
        assert issubclass(cls, models._V2Base)
        positions = model_base.row_index(cls.LAYOUT, "header.key_alg", "bit_length")
        assert positions == (models._V2Base._ALG, models._V2Base._BITS)
