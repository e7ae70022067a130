"""The plan decoder and construct's interpreter agree on every input (SPEC §4.3)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

import blobformat as bf
from blobformat import strategies as bst
from blobformat.codec import schema as _schema
from blobformat.codec import wire as _wire
from tests.blob_samples import ALL_VALID


def _layout_of(model: bf.Blob) -> _schema.Layout:
    return type(model).LAYOUT


@given(bst.blobs(real_keys=False))
def test_plan_equals_construct_parse(model: bf.Blob) -> None:
    data = model.to_bytes()
    layout = _layout_of(model)
    via_construct = _wire.parse_interpreted(layout, data, rule="T")
    via_construct = {k: v for k, v in via_construct.items() if v is not None}
    p = model._plan()
    via_plan = _wire.read(p, data, {})
    via_plan = {k: v for k, v in via_plan.items() if v is not None}
    assert via_plan == via_construct


@given(bst.blobs(real_keys=False))
def test_plan_encode_equals_construct_build(model: bf.Blob) -> None:
    layout = _layout_of(model)
    p = model._plan()
    values = model._wire_values(p)
    for f in p.fields:
        if f.absent:
            values[f.path] = None
    assert _wire.build_interpreted(layout, values, rule="T") == model.to_bytes()


@given(st.sampled_from(ALL_VALID), st.integers(0, 2000), st.binary(max_size=4))
def test_truncation_and_trailing_agree(base: bytes, cut: int, tail: bytes) -> None:
    """Whenever the plan decoder reports a structural error, construct does too."""
    data = base[: min(cut, len(base))] + tail
    try:
        model = bf.parse(base)
    except bf.BlobError:  # pragma: no cover - bases are valid
        raise
    layout = type(model).LAYOUT
    try:
        result = bf.parse(data)
    except (bf.TruncatedError, bf.TrailingDataError) as err:
        if err.field == "header" or err.field == "magic":
            return
        try:
            _wire.parse_interpreted(layout, data, rule="T")
        except (bf.TruncatedError, bf.TrailingDataError):
            return
        raise AssertionError(
            f"construct accepted what the plan rejected: {err}"
        ) from None
    except bf.BlobError:
        return
    assert _wire.parse_interpreted(type(result).LAYOUT, data, rule="T") is not None


def test_interpreted_errors_are_translated() -> None:
    layout = _schema.LAYOUTS["RSA_PUBLIC_KEY_BLOB"]
    data = ALL_VALID[0]
    for bad, error in [
        (data[:-1], bf.TruncatedError),
        (data + b"\x00", bf.TrailingDataError),
        (data[:8] + b"RSA2" + data[12:], bf.InvalidFieldError),
    ]:
        try:
            _wire.parse_interpreted(layout, bad, rule="T")
        except error:
            continue
        raise AssertionError(error)
    try:
        _wire.build_interpreted(layout, {"header.blob_type": 6}, rule="T")
    except bf.EncodeError:
        pass
    else:  # pragma: no cover
        raise AssertionError("build of incomplete values must fail")


def test_encode_rejects_overflow_without_values() -> None:
    p = _wire.plan(_schema.LAYOUTS["RSA_PUBLIC_KEY_BLOB"], {"bit_length": 512})
    values = {f.path: 0 for f in p.fields if f.kind == _wire.UINT}
    values["modulus"] = (1 << 600) + 424242
    try:
        _wire.encode(p, values, rule="RSA-4")
    except bf.EncodeError as err:
        assert "424242" not in str(err)
        assert err.field == "modulus"
    else:  # pragma: no cover
        raise AssertionError("overflow must fail")


def _outcome(data: bytes) -> object:
    try:
        return ("ok", bf.parse(data))
    except bf.BlobError as err:
        return ("err", type(err), err.offset, err.field, err.rule, str(err))


@given(
    st.sampled_from(ALL_VALID) | bst.blobs(real_keys=False).map(lambda m: m.to_bytes()),
    st.data(),
)
def test_compiled_path_equals_generic_path(base: bytes, data: st.DataObject) -> None:
    """The generated readers give the same model, or defer to the same error."""
    from blobformat.codec import decode as _parse

    mutated = bytearray(base)
    for _ in range(data.draw(st.integers(0, 3))):
        if mutated:
            mutated[data.draw(st.integers(0, len(mutated) - 1))] = data.draw(
                st.integers(0, 255)
            )
    candidate = bytes(mutated[: data.draw(st.integers(0, len(mutated)))]) + data.draw(
        st.binary(max_size=3)
    )
    fast = _outcome(candidate)
    # parse reaches the generated decoders through its first-byte table: an
    # empty table sends every input down the generic path.
    original = _parse._BY_FIRST
    _parse._BY_FIRST = [None] * 256  # type: ignore[assignment]
    try:
        generic = _outcome(candidate)
    finally:
        _parse._BY_FIRST = original
    assert fast == generic
    if fast[0] == "ok":
        model = fast[1]
        assert model.to_bytes() == candidate  # type: ignore[union-attr]
        # The generated encoder and the generic encoder agree.
        p = model._plan()  # type: ignore[union-attr]
        assert _wire.encode(p, model._wire_values(p), rule="T") == candidate  # type: ignore[union-attr]
