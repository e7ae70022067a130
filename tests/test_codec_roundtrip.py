"""Round trips: parse(b).to_bytes() == b and parse(m.to_bytes()) == m (SPEC §2.5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import blobformat as bf
from blobformat import strategies as bst
from blobformat.codec import decode as _parse


@given(bst.blobs(real_keys=False))
def test_model_roundtrip(model: bf.Blob) -> None:
    data = model.to_bytes()
    again = bf.parse(data)
    assert again == model
    assert again.to_bytes() == data
    assert type(model).from_bytes(data) == model


@given(bst.pvk_files(encrypted=False, real_keys=False))
def test_pvk_plain_roundtrip(pvk: bf.PVKFile) -> None:
    data = pvk.to_bytes()
    again = bf.parse(data)
    assert isinstance(again, bf.PVKFile)
    assert again == pvk
    assert again.blob is not None
    assert again.blob.to_bytes() == pvk.key_data
    assert again.to_bytes() == data


@given(
    bst.blobs(real_keys=False),
    st.sampled_from([bytes, bytearray, memoryview, "mv-bytearray"]),
)
def test_bytes_like_inputs(model: bf.Blob, kind: object) -> None:
    data = model.to_bytes()
    if kind == "mv-bytearray":
        arg: bytes | bytearray | memoryview = memoryview(bytearray(data))
    else:
        arg = kind(data)  # type: ignore[operator]
    assert bf.parse(arg) == model


@pytest.mark.parametrize("bad", ["text", 12, None, [1, 2, 3], object()])
def test_non_bytes_input_is_type_error(bad: object) -> None:
    with pytest.raises(TypeError, match="expected bytes"):
        bf.parse(bad)  # type: ignore[arg-type]


@given(bst.blobs(real_keys=False), st.data())
def test_layout_matches_encoding(model: bf.Blob, data: st.DataObject) -> None:
    encoded = model.to_bytes()
    spans = model.layout()
    position = 0
    for span in spans:
        assert span.offset == position
        position += span.size
        if span.value is not None and not span.secret:
            raw = encoded[span.offset : span.offset + span.size]
            if isinstance(span.value, bytes):
                assert raw == span.value
            else:
                assert int.from_bytes(raw, "little") == span.value
    assert position == len(encoded)


def test_header_property() -> None:
    blob = bf.RSAPublicKeyBlob(
        key_alg=bf.AlgId.CALG_RSA_SIGN,
        bit_length=512,
        public_exponent=3,
        modulus=(1 << 511) | 7,
    )
    assert blob.header == bf.BlobHeader(
        blob_type=bf.BlobType.PUBLICKEYBLOB, version=2, key_alg=bf.AlgId.CALG_RSA_SIGN
    )
    opaque = bf.OpaqueKeyBlob(version=9, key_alg=0x12345678, body=b"x")
    assert opaque.header.key_alg == 0x12345678
    assert opaque.header.version == 9


def test_known_bytes_rsa_public() -> None:
    # The worked example of SPEC Appendix B, with a modulus of 0x01..0x40.
    modulus = bytes(range(1, 65))
    data = bytes.fromhex("0602000000a40000525341310002000001000100") + modulus
    blob = bf.parse(data)
    assert isinstance(blob, bf.RSAPublicKeyBlob)
    assert blob.bit_length == 512
    assert blob.public_exponent == 65537
    assert blob.modulus == int.from_bytes(modulus, "little")
    assert blob.to_bytes() == data


def test_plan_is_shared_with_header_reader() -> None:
    header = _parse.read_header(bytes.fromhex("0702000000a40000"))
    assert header.blob_type == bf.BlobType.PRIVATEKEYBLOB
    assert header.key_alg == bf.AlgId.CALG_RSA_KEYX
