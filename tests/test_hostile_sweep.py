"""Hostile-input sweep over the entry points added with CNG, scan, PFX and signatures.

Random bytes and near-valid mutations (``blobformat.strategies.mutated`` and
the fuzz corpora's CNG, PFX and signature seeds) go to every entry point.
Invariants: only ``BlobError`` subclasses escape; a strict parse re-encodes
to the input; a lenient parse re-encodes to bytes that parse strictly to an
equal model; a parsed model's ``repr`` and any error message never hold the
hex of a private number.
"""

from __future__ import annotations

import dataclasses
import datetime
import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import blobformat as bf
from blobformat import strategies as bst

CORPUS = Path(__file__).resolve().parent.parent / "fuzz" / "corpus"
SETTINGS = settings(
    deadline=None,
    max_examples=300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
T = TypeVar("T")

#: Fields that hold a private number in some model (the DSS/DH ``x``; CNG
#: ECC ``x`` is a public coordinate, so ``x`` counts only where ``d`` is absent).
_PRIVATE = (
    "prime1",
    "prime2",
    "exponent1",
    "exponent2",
    "coefficient",
    "private_exponent",
    "d",
)


def _seeds(*names: str) -> list[bytes]:
    out: list[bytes] = []
    for name in names:
        out += [
            p.read_bytes() for p in sorted((CORPUS / name).iterdir()) if p.is_file()
        ]
    return out


def _secret_hexes(model: object) -> list[str]:
    """Hex forms (both byte orders, both cases) of the model's private numbers."""
    if not dataclasses.is_dataclass(model):
        return []
    names = {f.name for f in dataclasses.fields(model)}
    fields = [n for n in _PRIVATE if n in names]
    if "x" in names and "d" not in names and "curve" not in names:
        fields.append("x")
    if isinstance(model, (bf.CngKeyDataBlob, bf.PlaintextKeyBlob)):
        fields.append("key")
    out: list[str] = []
    for name in fields:
        value = getattr(model, name)
        if isinstance(value, int):
            raw = value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big")
        elif isinstance(value, (bytes, bytearray)):
            raw = bytes(value)
        else:
            continue
        if (
            len(raw) < 6 or len(set(raw)) < 3
        ):  # too short or too regular to mean anything
            continue
        for form in (raw, raw[::-1]):
            out += [form.hex(), form.hex().upper()]
    return out


def _no_secret(model: object, *texts: str) -> None:
    layout = getattr(model, "layout", None)
    if callable(layout):
        # FieldSpan values are documented as non-secret.
        texts = (*texts, repr(layout()))
    for hexed in _secret_hexes(model):
        for text in texts:
            assert hexed not in text


def _outcome(call: Callable[[], T]) -> T | bf.BlobError:
    try:
        return call()
    except bf.BlobError as exc:
        str(exc)
        repr(exc)
        return exc


def _fields(model: object) -> dict[str, object]:
    """A model's fields but ``tolerated`` (a lenient parse records what it rewrote)."""
    assert dataclasses.is_dataclass(model)
    return {
        f.name: getattr(model, f.name)
        for f in dataclasses.fields(model)
        if f.name != "tolerated"
    }


def _check_parse(data: bytes) -> None:
    strict = _outcome(lambda: bf.parse(data))
    if not isinstance(strict, bf.BlobError):
        assert strict.to_bytes() == data
        _no_secret(strict, repr(strict), str(strict))
    lenient = _outcome(lambda: bf.parse(data, lenient=True))
    if not isinstance(lenient, bf.BlobError):
        again = bf.parse(lenient.to_bytes())
        assert _fields(again) == _fields(lenient)
        _no_secret(lenient, repr(lenient), str(lenient))
    model = strict if not isinstance(strict, bf.BlobError) else lenient
    for call in (
        lambda: bf.load_public_key(data),
        lambda: bf.load_private_key(data),
        lambda: bf.load_public_key(data, curve="P-256"),
        lambda: bf.load_private_key(data, curve="P-256"),
        lambda: bf.load_public_key(data, curve=ec.SECP256K1()),
        lambda: bf.load_private_key(data, curve=ec.SECP384R1()),
        lambda: bf.export_public_key(data),
        lambda: bf.export_private_key(data, encoding="der"),
        lambda: bf.convert_blob(data, to="cng"),
        lambda: bf.convert_blob(data, to="capi"),
    ):
        result = _outcome(call)
        if isinstance(result, bf.BlobError) and not isinstance(model, bf.BlobError):
            _no_secret(model, str(result), repr(result))


def _check_scan(data: bytes) -> None:
    for lenient in (False, True):
        for kinds in [None, *([k] for k in bf.SCAN_KINDS)]:
            result = _outcome(
                lambda k=kinds, le=lenient: list(bf.scan(data, kinds=k, lenient=le))
            )
            if isinstance(result, bf.BlobError):
                continue
            for match in result:
                piece = data[match.offset : match.offset + match.length]
                assert bf.parse(piece, lenient=lenient) == match.blob


_CNG = _seeds("cng")
_BLOBS = _seeds("parse", "keys")


def _cng_headers() -> st.SearchStrategy[bytes]:
    """A CNG magic, small little-endian ULONGs (plausible sizes), then random bytes."""
    magics = sorted({s[:4] for s in _CNG})
    ulongs = st.lists(
        st.integers(0, 600) | st.sampled_from([0, 1, 32, 64, 66, 128, 256, 0xFFFFFFFF]),
        max_size=12,
    ).map(lambda xs: b"".join(x.to_bytes(4, "little") for x in xs))
    return st.builds(
        lambda m, h, t: m + h + t,
        st.sampled_from(magics),
        ulongs,
        st.binary(max_size=300),
    )


@SETTINGS
@given(st.binary(max_size=300) | _cng_headers())
def test_random_bytes(data: bytes) -> None:
    """Random bytes: parse, load, export and convert raise BlobError or succeed."""
    _check_parse(data)


@SETTINGS
@given(bst.mutated(st.sampled_from(_CNG)))
def test_mutated_cng(data: bytes) -> None:
    """Mutated CNG seeds through every blob entry point."""
    _check_parse(data)


@SETTINGS
@given(bst.mutated(bst.blobs(real_keys=False)))
def test_mutated_capi(data: bytes) -> None:
    """Mutated CryptoAPI blobs and PVK files through every blob entry point."""
    _check_parse(data)


@settings(SETTINGS, max_examples=60)
@given(st.lists(st.sampled_from(_CNG + _BLOBS) | st.binary(max_size=80), max_size=4))
def test_scan_pieces(pieces: list[bytes]) -> None:
    """scan over concatenated seeds and junk: every match re-parses to its model."""
    _check_scan(b"".join(pieces))


@settings(SETTINGS, max_examples=60)
@given(bst.mutated(st.sampled_from(_CNG)), st.binary(max_size=16))
def test_scan_mutated(data: bytes, junk: bytes) -> None:
    """scan over a mutated CNG blob behind junk."""
    _check_scan(junk + data)


@functools.cache
def _rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=1024)


@functools.cache
def _pfx() -> bytes:
    key = _rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sweep")])
    now = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(now)
        .not_valid_after(now + datetime.timedelta(days=1))
        .sign(key, hashes.SHA256())
    )
    from cryptography.hazmat.primitives.serialization import NoEncryption

    return pkcs12.serialize_key_and_certificates(b"n", key, cert, None, NoEncryption())


def _pfx_mutations() -> st.SearchStrategy[bytes]:
    def flip(data: bytes, at: int, value: int) -> bytes:
        at %= len(data)
        return data[:at] + bytes([value]) + data[at + 1 :]

    base = st.sampled_from([*_seeds("pfx"), _pfx()])
    return st.one_of(
        base,
        st.builds(flip, base, st.integers(0, 1 << 16), st.integers(0, 255)),
        st.builds(lambda d, n: d[: n % (len(d) + 1)], base, st.integers(0, 1 << 16)),
        st.binary(max_size=200),
    )


@settings(SETTINGS, max_examples=200)
@given(_pfx_mutations())
def test_pfx_hostile(data: bytes) -> None:
    """pfx_to_pvk and certs_to_spc on hostile DER raise BlobError or succeed."""
    _outcome(lambda: bf.pfx_to_pvk(data, b""))
    _outcome(lambda: bf.pfx_to_pvk(data, b"", pvk_password=b"pw"))
    _outcome(lambda: bf.certs_to_spc(data))
    _outcome(lambda: bf.certs_to_spc([data, data]))


_SIG_KEYS = [
    s
    for s in _BLOBS + _CNG
    if not isinstance(_outcome(lambda s=s: bf.parse(s)), bf.BlobError)
]


@SETTINGS
@given(
    st.sampled_from(_SIG_KEYS)
    | bst.mutated(st.sampled_from(_SIG_KEYS))
    | st.binary(max_size=120),
    st.sampled_from(_seeds("signature")) | st.binary(max_size=300),
    st.sampled_from(list(bf.AlgId)),
    st.booleans(),
    st.booleans(),
)
def test_verify_signature_hostile(
    key: bytes, signature: bytes, hash_alg: bf.AlgId, no_oid: bool, prehashed: bool
) -> None:
    """verify_signature with hostile key bytes and signatures raises BlobError or returns."""
    _outcome(
        lambda: bf.verify_signature(
            key,
            b"data",
            signature,
            hash_alg=hash_alg,
            no_hash_oid=no_oid,
            prehashed=prehashed,
        )
    )


@SETTINGS
@given(
    st.sampled_from([b"k" * 16, b"k" * 24, b"k" * 32]) | st.binary(max_size=40),
    st.binary(max_size=80),
)
def test_cng_unwrap_hostile(kek: bytes, wrapped: bytes) -> None:
    """cng_unwrap_key on hostile input: BlobError or bytes."""
    _outcome(lambda: bf.cng_unwrap_key(kek, wrapped))


def _each() -> Iterator[bytes]:
    yield from _CNG


@pytest.mark.parametrize("seed", list(_each()), ids=lambda s: str(len(s)))
def test_cng_seeds_hold(seed: bytes) -> None:
    """Every CNG seed passes the sweep's checks unmutated (the sweep's baseline)."""
    _check_parse(seed)


def _parse_outcome(data: bytes, *, fast: bool) -> object:
    """parse's result or located error, with every generated decoder on or off."""
    from blobformat.codec import cng, decode

    saved = decode._BY_FIRST, dict(cng._FAST), dict(cng._FAST_BY_MAGIC), cng._fast
    if not fast:
        # No first-byte kind: parse goes to the generic CryptoAPI path; every
        # CNG generated decoder declines, so the table-driven path decides.
        decode._BY_FIRST = [None] * 256  # type: ignore[assignment]
        cng._FAST.clear()
        cng._FAST_BY_MAGIC.clear()
        cng._fast = lambda _kind: lambda _data: None  # type: ignore[assignment]
    try:
        return ("ok", bf.parse(data))
    except bf.BlobError as err:
        return ("err", type(err), err.offset, err.field, err.rule)
    finally:
        decode._BY_FIRST = saved[0]
        cng._FAST.clear()
        cng._FAST.update(saved[1])
        cng._FAST_BY_MAGIC.clear()
        cng._FAST_BY_MAGIC.update(saved[2])
        cng._fast = saved[3]  # type: ignore[assignment]


@SETTINGS
@given(
    bst.mutated(st.sampled_from(_CNG))
    | bst.mutated(bst.blobs(real_keys=False))
    | st.sampled_from(_CNG)
    | bst.blobs(real_keys=False).map(lambda m: m.to_bytes())
)
def test_generated_decoders_agree_with_generic(data: bytes) -> None:
    """Every generated decoder (CryptoAPI and CNG) accepts exactly what the generic path does."""
    assert _parse_outcome(data, fast=True) == _parse_outcome(data, fast=False)


def test_generic_switch_reaches_the_generic_path() -> None:
    """The switch above really turns the generated decoders off (else the test above is idle)."""
    from blobformat.codec import decode

    calls: list[int] = []
    original = decode._decode

    def spy(cls: type, buf: bytes, *, lenient: bool) -> object:
        calls.append(1)
        return original(cls, buf, lenient=lenient)

    data = bf.dump_public_key(_rsa_key().public_key())
    decode._decode = spy  # type: ignore[assignment]
    try:
        _parse_outcome(data, fast=True)
        on = len(calls)
        _parse_outcome(data, fast=False)
    finally:
        decode._decode = original
    assert on == 0 and len(calls) == 1


class _UnknownCurve(ec.EllipticCurve):
    """A curve object OpenSSL does not know (a caller's own subclass)."""

    @property
    def name(self) -> str:
        return "no-such-curve"

    @property
    def key_size(self) -> int:
        return 256

    @property
    def group_order(self) -> int:
        return 5


@pytest.mark.parametrize("magic", [b"ECDP", b"ECDV", b"ECKP", b"ECKV"])
def test_generic_ecc_with_an_unsupported_curve(magic: bytes) -> None:
    """curve= an EllipticCurve OpenSSL lacks is InvalidParameterError CKEY-2.

    Found by this sweep: cryptography's UnsupportedAlgorithm escaped from
    load_public_key / load_private_key for a generic ECC blob.
    """
    key = ec.generate_private_key(ec.SECP256R1())
    if magic in (b"ECDP", b"ECKP"):
        data = magic + bf.dump_public_key(key.public_key(), format="cng")[4:]
        load: Callable[..., object] = bf.load_public_key
    else:
        data = magic + bf.dump_private_key(key, format="cng")[4:]
        load = bf.load_private_key
    with pytest.raises(bf.InvalidParameterError) as info:
        load(data, curve=_UnknownCurve())
    assert info.value.rule == "CKEY-2"


def test_secret_check_sees_private_numbers() -> None:
    """The repr check is not idle: it finds each private number it looks for."""
    key = _rsa_key()
    for fmt in ("capi", "cng"):
        model = bf.parse(bf.dump_private_key(key, format=fmt))  # type: ignore[arg-type]
        hexes = _secret_hexes(model)
        assert len(hexes) >= 8
        _no_secret(model, repr(model), str(model))
        with pytest.raises(AssertionError):
            _no_secret(model, f"leak {hexes[-1]}")


@pytest.mark.parametrize(
    "name", ["rsa-1024-e3-public", "secp256r1-ecdsa-private", "dsa-1024-public"]
)
def test_parsed_cng_model_as_signature_key(name: str) -> None:
    """A parsed CNG model is refused as its bytes are: SIG-4, not a TypeError.

    Found by this review: verify_signature and sign_hash took CNG blob bytes
    to InvalidParameterError SIG-4 but raised TypeError ("... or a key blob")
    for the same blob parsed.
    """
    data = (CORPUS / "cng" / f"seed-cng-{name}").read_bytes()
    for key in (data, bf.parse(data)):
        with pytest.raises(bf.InvalidParameterError) as verify:
            bf.verify_signature(key, b"x", bytes(40), hash_alg=bf.AlgId.CALG_SHA1)
        assert verify.value.rule == "SIG-4"
        with pytest.raises(bf.InvalidParameterError) as sign:
            bf.sign_hash(key, b"x", hash_alg=bf.AlgId.CALG_SHA1)
        assert sign.value.rule == "SIG-4"


@pytest.mark.parametrize("alg_id", ["x", "41984", b"\x00\xa4", 1.5, True])
def test_convert_blob_alg_id_of_a_wrong_type(alg_id: object) -> None:
    """convert_blob(to="capi", alg_id=<not an int>) is TypeError.

    Found by this review: a str raised ValueError from int() (an escape), a
    float or bool was read as a number.
    """
    data = (CORPUS / "cng" / "seed-cng-rsa-1024-e3-public").read_bytes()
    with pytest.raises(TypeError):
        bf.convert_blob(data, to="capi", alg_id=alg_id)  # type: ignore[arg-type]
