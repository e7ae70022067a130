"""blobformat.strategies: valid blobs parse and load, mutated ones differ and fail cleanly."""

from __future__ import annotations

import contextlib
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

import blobformat as bf
from blobformat import strategies as bst
from tests import keyfactory as kf

KINDS = {
    "rsa_public_blobs": bf.RSAPublicKeyBlob,
    "rsa_private_blobs": bf.RSAPrivateKeyBlob,
    "dss_public_blobs": bf.DSSPublicKeyBlob | bf.DSSPublicKeyBlobV3,
    "dss_private_blobs": bf.DSSPrivateKeyBlob | bf.DSSPrivateKeyBlobV3,
    "dh_public_blobs": bf.DHPublicKeyBlob | bf.DHPublicKeyBlobV3,
    "dh_private_blobs": bf.DHPrivateKeyBlob | bf.DHPrivateKeyBlobV3,
    "pvk_files": bf.PVKFile,
}
OTHERS = {
    "simple_blobs": bf.SimpleBlob,
    "plaintext_key_blobs": bf.PlaintextKeyBlob,
    "symmetric_wrap_key_blobs": bf.SymmetricWrapKeyBlob,
    "opaque_blobs": bf.OpaqueKeyBlob | bf.PublicKeyBlobEx | bf.KeyStateBlob,
}


@pytest.mark.parametrize("real_keys", [True, False])
@pytest.mark.parametrize("name", sorted(KINDS))
@settings(max_examples=25)
@given(data=st.data())
def test_key_blobs_are_canonical(
    name: str, real_keys: bool, data: st.DataObject
) -> None:
    blob = data.draw(getattr(bst, name)(real_keys=real_keys))
    assert isinstance(blob, KINDS[name])
    encoded = blob.to_bytes()
    assert bf.parse(encoded) == blob
    assert bf.parse(encoded).to_bytes() == encoded


@pytest.mark.parametrize("name", sorted(OTHERS))
@settings(max_examples=25)
@given(data=st.data())
def test_session_and_opaque_blobs_are_canonical(name: str, data: st.DataObject) -> None:
    blob = data.draw(getattr(bst, name)())
    assert isinstance(blob, OTHERS[name])
    assert bf.parse(blob.to_bytes()) == blob


@settings(max_examples=40)
@given(bst.blobs())
def test_real_keys_convert(blob: bf.Blob) -> None:
    """Every real key blob passes the key checks of SPEC §14.2 (a v2 DH public needs its group)."""
    data = blob.to_bytes()
    if isinstance(blob, bf.PVKFile):
        bf.load_pvk(data, bst.PVK_PASSWORD if blob.encrypted else None)
    elif isinstance(
        blob,
        bf.RSAPrivateKeyBlob
        | bf.DSSPrivateKeyBlob
        | bf.DSSPrivateKeyBlobV3
        | bf.DHPrivateKeyBlob
        | bf.DHPrivateKeyBlobV3,
    ):
        bf.load_private_key(data)
        bf.export_private_key(data)
    elif isinstance(
        blob,
        bf.RSAPublicKeyBlob
        | bf.DSSPublicKeyBlob
        | bf.DSSPublicKeyBlobV3
        | bf.DHPublicKeyBlobV3,
    ):
        bf.load_public_key(data)
        bf.export_public_key(data)


@settings(max_examples=10)
@given(bst.rsa_private_blobs(bits=1024))
def test_rsa_bits_is_the_modulus_size(blob: bf.RSAPrivateKeyBlob) -> None:
    assert blob.bit_length == 1024
    assert blob.modulus.bit_length() == 1024


@pytest.mark.parametrize("bits", [383, 392 + 1, 16392, 0])
def test_rsa_bits_outside_the_spec_are_refused(bits: int) -> None:
    with pytest.raises(InvalidArgument):
        bst.rsa_public_blobs(bits=bits)


def test_version_must_be_2_or_3() -> None:
    with pytest.raises(InvalidArgument):
        bst.dss_public_blobs(version=4)


@given(bst.pvk_files(encrypted=True, password=b"other"))
def test_encrypted_pvk_needs_its_password(pvk: bf.PVKFile) -> None:
    assert pvk.encrypted and len(pvk.salt) == 16
    with pytest.raises(bf.PasswordError):
        bf.load_pvk(pvk.to_bytes(), bst.PVK_PASSWORD)
    bf.load_pvk(pvk.to_bytes(), b"other")


@pytest.mark.parametrize("oaep", [False, True])
@settings(max_examples=25)
@given(data=st.data())
def test_simple_blobs_wrapped_for_a_key_unwrap(oaep: bool, data: st.DataObject) -> None:
    owner = kf.rsa_key(1024)
    blob = data.draw(bst.simple_blobs(wrapped_for=owner.public_key(), oaep=oaep))
    assert isinstance(blob, bf.SimpleBlob)
    key = bf.unwrap_session_key(blob.to_bytes(), owner, oaep=oaep)
    assert key.alg_id == blob.key_alg


def test_simple_blobs_refuse_a_non_rsa_key() -> None:
    with pytest.raises(InvalidArgument):
        bst.simple_blobs(wrapped_for=b"not a key")  # type: ignore[arg-type]


@given(bst.session_keys())
def test_session_keys_round_trip_as_plaintext_blobs(key: bf.SessionKey) -> None:
    # A 40-bit RC2/RC4 key imports with CryptoAPI's 11-byte zero salt (SPEC §15.1).
    again = bf.load_session_key_blob(bf.plaintext_key_blob(key))
    assert (again.alg_id, again.key) == (key.alg_id, key.key)


@settings(max_examples=300)
@given(bst.mutated(bst.blobs()))
def test_mutated_real_keys_fail_only_with_blob_errors(hostile: bytes) -> None:
    """Strict acceptance means canonical bytes; the key loaders fail only with BlobError."""
    try:
        model = bf.parse(hostile)
    except bf.BlobError:
        model = None
    if model is not None:
        assert model.to_bytes() == hostile
    for load in (
        bf.load_private_key,
        bf.load_public_key,
        bf.export_public_key,
        bf.export_private_key,
    ):
        with contextlib.suppress(bf.BlobError):
            load(hostile)
    with contextlib.suppress(bf.BlobError):
        bf.load_pvk(hostile, bst.PVK_PASSWORD)


@settings(max_examples=300)
@given(st.data())
def test_mutated_differs_and_fails_cleanly(data: st.DataObject) -> None:
    original = data.draw(bst.blobs(real_keys=False))
    hostile = data.draw(bst.mutated(st.just(original)))
    assert hostile != original.to_bytes()
    for lenient in (False, True):
        with contextlib.suppress(bf.BlobError):
            bf.parse(hostile, lenient=lenient)


@settings(max_examples=50)
@given(bst.mutated(st.binary(max_size=40)))
def test_mutated_takes_raw_bytes(hostile: bytes) -> None:
    assert isinstance(hostile, bytes)


def test_mutated_reaches_every_kind_of_change() -> None:
    """Over a few hundred examples: length lies, truncations, appended bytes all occur."""
    seen: set[str] = set()
    original = bf.RSAPublicKeyBlob(
        key_alg=bf.AlgId.CALG_RSA_KEYX,
        bit_length=512,
        public_exponent=65537,
        modulus=(1 << 511) + 1,
    )
    data = original.to_bytes()

    @settings(max_examples=300, database=None)
    @given(bst.mutated(st.just(original)))
    def collect(hostile: bytes) -> None:
        if len(hostile) < len(data):
            seen.add("shorter")
        elif len(hostile) > len(data):
            seen.add("longer")
        elif hostile[12:16] != data[12:16]:
            seen.add("bit_length")
        elif hostile[20:] != data[20:]:
            seen.add("modulus")

    collect()
    assert seen == {"shorter", "longer", "bit_length", "modulus"}


def _run(code: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_import_blobformat_does_not_import_strategies_or_hypothesis() -> None:
    proc = _run(
        "import sys, blobformat; "
        "print('blobformat.strategies' in sys.modules, 'hypothesis' in sys.modules)"
    )
    assert proc.stdout.split() == ["False", "False"], proc.stderr


def test_without_hypothesis_the_error_names_the_extra() -> None:
    proc = _run(
        "import sys; sys.modules['hypothesis'] = None\n"
        "try:\n    import blobformat.strategies\n"
        "except ImportError as e:\n    print(e)\n"
    )
    assert "blobformat[strategies]" in proc.stdout, proc.stderr
