"""Replay the fuzz corpora through the harnesses' ``check`` functions, without atheris.

Every file in ``fuzz/corpus/<harness>/`` goes through ``fuzz/fuzz_<harness>.py``'s
``check(data)``, the same function atheris calls, so the invariants each
harness states in its docstring hold for every seed and every regression
input in normal CI. While each input runs, tracemalloc's peak must stay at
most :data:`MEMORY_BASE` plus :data:`MEMORY_PER_BYTE` times the input size
(the harnesses call several entry points and keep their results; caches are
warmed first, so the bound is per input).

Without a loadable libcrypto the differential harness compares nothing and
only runs blobformat's side; :func:`test_differential_oracle` is skipped.

Findings that are reported but not fixed are listed in
``_fuzzlib.OPEN_FINDINGS``: the harnesses count them instead of failing, and
the ``test_open_finding_*`` tests below reproduce each one as an
``xfail(strict=True)`` test that flips when the bug is fixed.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import json
import sys
import tracemalloc
from pathlib import Path
from types import ModuleType

import pytest

import blobformat as bf
from blobformat.cli import app as _cli
from blobformat.codec import decode as _decode
from tests import keyfiles
from tests.conftest import CRYPTOGRAPHY_MAJOR, ROOT
from tests.spectext import spec_17_topics

FUZZ = ROOT / "fuzz"
CORPUS = FUZZ / "corpus"
if str(FUZZ) not in sys.path:
    sys.path.insert(0, str(FUZZ))

HARNESSES = (
    "parse",
    "keys",
    "pvk",
    "unwrap",
    "session_blob",
    "symwrap",
    "envelope",
    "inspect",
    "structured",
    "differential",
    "cng",
    "signature",
    "pfx",
    "scan",
)
MEMORY_BASE = 256 * 1024
MEMORY_PER_BYTE = 4


def harness(name: str) -> ModuleType:
    return importlib.import_module(f"fuzz_{name}")


def corpus_files(name: str) -> list[Path]:
    return sorted(path for path in (CORPUS / name).iterdir() if path.is_file())


@pytest.mark.parametrize("name", HARNESSES)
def test_corpus_replays(name: str) -> None:
    module = harness(name)
    files = corpus_files(name)
    assert files, f"fuzz/corpus/{name} is empty: run fuzz/make_corpus.py"
    module.check(b"")  # load keys, build argument parsers, fill plan caches
    _decode.prepare()  # every kind's generated decoder: a one-time cost, not per input
    failures = []
    started = not tracemalloc.is_tracing()
    if started:
        tracemalloc.start()
    try:
        for path in files:
            data = path.read_bytes()
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            try:
                module.check(data)
            except Exception as err:  # report every failing input, not only the first
                failures.append(f"{path.name}: {type(err).__name__}: {err}")
                continue
            peak = tracemalloc.get_traced_memory()[1] - before
            bound = MEMORY_BASE + MEMORY_PER_BYTE * len(data)
            if peak > bound:
                failures.append(f"{path.name}: peak {peak} bytes > {bound}")
    finally:
        if started:
            tracemalloc.stop()
    assert not failures, "\n".join(failures)


def test_every_harness_has_a_corpus_and_a_check() -> None:
    scripts = {path.stem[len("fuzz_") :] for path in FUZZ.glob("fuzz_*.py")}
    assert scripts == set(HARNESSES)
    assert {path.name for path in CORPUS.iterdir() if path.is_dir()} == set(HARNESSES)
    for name in HARNESSES:
        module = harness(name)
        assert callable(module.check)
        assert "Invariant" in (module.__doc__ or ""), f"fuzz_{name} states no invariant"


def run_main(options: tuple[str, ...], path: Path) -> int:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        return _cli.main(["inspect", *options, str(path)])


def test_inspect_mirror_matches_main() -> None:
    # fuzz_inspect.run_inspect mirrors main(["inspect", ...]); both must agree.
    # (main builds its argument parser on every call: one option set per file.)
    module = harness("inspect")
    for index, path in enumerate(corpus_files("inspect")):
        options = module.OPTIONS[index % len(module.OPTIONS)]
        mirrored, _, _ = module.run_inspect(str(path), options)
        assert run_main(options, path) == mirrored, (path.name, options)


def test_differential_oracle() -> None:
    module = harness("differential")
    lib = module.libcrypto()
    if lib is None:
        pytest.skip("libcrypto (OpenSSL 3) cannot be loaded here")
    import _fuzzlib

    key = _fuzzlib.rsa_key("rsa-520")
    theirs = lib.private(bf.dump_private_key(key))
    assert theirs is not None and theirs.numbers == _fuzzlib.key_numbers(key)
    dsa = _fuzzlib.dsa_key()
    theirs = lib.public(bf.dump_public_key(dsa.public_key()))
    assert theirs is not None and theirs.numbers == _fuzzlib.key_numbers(
        dsa.public_key()
    )


# -- the known differences mirror SPEC §17 ------------------------------------------------


def test_known_differences_mirror_spec_17() -> None:
    import known_differences

    topics = spec_17_topics()
    ids = [d.id for d in known_differences.DIFFERENCES]
    assert len(ids) == len(set(ids))
    for difference in known_differences.DIFFERENCES:
        assert difference.direction in ("ours-rejects", "openssl-rejects")
        if difference.spec_row.startswith("(proposed) "):
            topic = difference.spec_row.removeprefix("(proposed) ")
            assert topic not in topics, (
                f"SPEC §17 has the row now: drop '(proposed)' ({topic})"
            )
        else:
            assert difference.spec_row in topics, (
                f"no SPEC §17 row '{difference.spec_row}'"
            )
    json.loads(known_differences.as_json())


# -- open findings: each flips when fixed ------------------------------------------------------


def corpus_input(harness_name: str, name: str) -> bytes:
    return (CORPUS / harness_name / name).read_bytes()


def test_open_findings_have_reproducers() -> None:
    import _fuzzlib

    tested: set[str] = (
        set()
    )  # F6-F12 were fixed; their tests below are regression tests
    assert set(_fuzzlib.OPEN_FINDINGS) <= tested, (
        "a new open finding needs an xfail test here"
    )


def test_fixed_finding_f6_pfx_iteration_count_bounded(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # F6 (fixed, PFX-6): the PKCS #12 MAC iteration count is outside the MAC, so one
    # changed INTEGER in a valid 1045-byte PFX (here 2^31 - 1) made cryptography run the
    # PKCS #12 KDF that many times (minutes) before PFX-2 was reported. Without timing
    # anything: the input must be refused before it reaches cryptography's reader.
    from cryptography.hazmat.primitives.serialization import pkcs12

    reached: list[str] = []

    def reader(name: str) -> object:
        def read(*args: object, **kwargs: object) -> object:
            reached.append(name)
            raise ValueError("not run: the iteration count is 2^31 - 1")

        return read

    for name in ("load_key_and_certificates", "load_pkcs12"):
        monkeypatch.setattr(pkcs12, name, reader(name))
    data = corpus_input("pfx", "regress-F6-pfx-mac-iterations")[
        3:
    ]  # the harness's choices
    with pytest.raises(bf.UnsupportedBlobError) as info:
        bf.pfx_to_pvk(data, b"fuzz-pfx-password")
    assert reached == [], "the PFX reached the PKCS #12 reader with 2^31 - 1 iterations"
    err = info.value
    assert (err.rule, err.field) == ("PFX-6", "pfx.macData.iterations")
    assert err.offset is not None and data[err.offset] == 0x02  # the INTEGER
    # With the bound lifted the reader is reached (and here refuses, being patched).
    with pytest.raises(bf.PasswordError):
        bf.pfx_to_pvk(data, b"fuzz-pfx-password", max_iterations=None)
    assert reached == ["load_key_and_certificates"]


def test_fixed_finding_f5_dump_writes_canonical_rsa_bitlen() -> None:
    # F5 (fixed with RSA-5): dump wrote bitlen = bits(n); SPEC §14.3 writes a 1028-bit
    # modulus with bitlen 1032 (same field sizes), which parses strictly.
    key = keyfiles.rsa_key("rsa-1028")
    blob = bf.parse(bf.dump_public_key(key.public_key()))
    assert isinstance(blob, bf.RSAPublicKeyBlob) and blob.bit_length == 1032


def relation_fails(data: bytes, load: object) -> bool | None:
    """Load ``data``; whether the relation the KeyConversionError names fails."""
    import _fuzzlib
    import _relations

    with pytest.raises(bf.KeyConversionError) as info:
        load(data)  # type: ignore[operator]
    return _relations.fails(
        info.value.relation or "", _fuzzlib.model_numbers(bf.parse(data))
    )


def test_fixed_finding_f1_exponent_changed() -> None:
    # F1 (fixed): a changed public exponent was blamed on 'exponent1 == d mod (p-1)',
    # which holds; the relation that fails is e*d == 1 mod lcm(p-1, q-1).
    data = corpus_input("keys", "regress-F1-rsa-exponent-changed")
    assert relation_fails(data, bf.load_private_key) is True


def test_fixed_finding_f1_unreduced_exponent1() -> None:
    # F1, second case (fixed in 2a12ad5): exponent1 + (p - 1) was blamed on d.
    data = corpus_input("keys", "regress-F1-rsa-exponent1-unreduced")
    assert relation_fails(data, bf.load_private_key) is True


@pytest.mark.parametrize("options", [(), ("--json",)])
@pytest.mark.parametrize(
    "name", ["regress-F2-pvk-encrypted-inspect", "regress-F2-pvk-encrypted-minimal"]
)
def test_fixed_finding_f2_inspect_hides_pvk_key_data(
    name: str, options: tuple[str, ...], tmp_path: Path
) -> None:
    # F2 (fixed in 2a12ad5): inspect printed an encrypted PVK file's key data.
    data = corpus_input("inspect", name)
    path = tmp_path / "key.pvk"
    path.write_bytes(data)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert _cli.main(["inspect", *options, str(path)]) == 0
    model = bf.parse(data)
    assert isinstance(model, bf.PVKFile) and model.encrypted
    assert model.key_data[8:].hex() not in "".join(out.getvalue().split())


@pytest.mark.parametrize(
    ("name", "load"),
    [
        ("regress-F3-rsa-public-modulus-below-exponent", bf.load_public_key),
        ("regress-F3-rsa-private-modulus-below-exponent", bf.load_private_key),
    ],
)
def test_fixed_finding_f3_modulus_below_exponent(name: str, load: object) -> None:
    # F3 (fixed in 8551c15): a modulus below the exponent let cryptography's
    # ValueError escape load_public_key and was blamed on "p and q prime".
    # Since RSA-5 such a modulus cannot fill a 384-bit field: the codec refuses it.
    data = corpus_input("keys", name)
    with pytest.raises(bf.InvalidFieldError) as info:
        load(data)  # type: ignore[operator]
    assert (info.value.rule, info.value.field, info.value.offset) == (
        "RSA-5",
        "bit_length",
        12,
    )


def test_fixed_finding_f4_dh_public_group_refused() -> None:
    # F4 (fixed in 78fc7ab): cryptography's "Invalid DH parameters" ValueError escaped.
    # Whether the group is refused depends on the installed cryptography (SPEC KEY-5):
    # from release 50 on, OpenSSL refuses this group (no safe prime, q not usable);
    # release 43..49 represents it. Both outcomes are checked, per version.
    data = corpus_input("keys", "regress-F4-dh3-public-group-refused")
    if CRYPTOGRAPHY_MAJOR >= 50:
        with pytest.raises(bf.KeyConversionError) as info:
            bf.load_public_key(data)
        assert info.value.rule == "KEY-5"
    else:
        key = bf.load_public_key(data)
        blob = bf.parse(data)
        assert isinstance(blob, bf.DHPublicKeyBlobV3)
        assert key.public_numbers().y == blob.y  # type: ignore[union-attr]
    # Conversion without cryptography's DH objects is the same on every version.
    assert b"BEGIN PUBLIC KEY" in bf.export_public_key(data)


@pytest.mark.parametrize(
    "name", ["regress-F7-cert-invalid-utf8-issuer", "regress-F7-cert-name-octet-string"]
)
def test_fixed_finding_f7_malformed_certificate_written(name: str) -> None:
    # F7 (fixed, PFX-4): cryptography parses a DER certificate's names lazily and more
    # laxly than OpenSSL, so a certificate whose issuer UTF8String is not UTF-8, or whose
    # subject name value is retagged OCTET STRING, loaded; certs_to_spc then wrote an SPC
    # that neither OpenSSL nor cryptography reads, and pvk_to_pfx a PFX that pfx_to_pvk,
    # with the right password, refused as PFX-2. A certificate that does not read back
    # from a PKCS #7 bundle is now refused, as bytes or as a certificate object.
    from cryptography import x509

    source = corpus_input("pfx", name)[3:]
    pvk = bf.dump_pvk(keyfiles.rsa_key("rsa-520"))
    for given in (source, x509.load_der_x509_certificate(source)):
        with pytest.raises(bf.UnsupportedBlobError) as info:
            bf.certs_to_spc([given])
        assert (info.value.rule, info.value.field) == ("PFX-4", "certificates[0]")
        with pytest.raises(bf.UnsupportedBlobError) as info:
            bf.pvk_to_pfx(pvk, given, pfx_password=b"pw", encryption="3des")
        assert (info.value.rule, info.value.field) == ("PFX-4", "certificates[0]")


def test_fixed_finding_f8_pfx_key_checked() -> None:
    # F8 (fixed, PFX-3): the PFX's key was not checked as SPEC §14.2 says. The DSA PFX
    # (no MAC, no certificate) with p + 2 loads in cryptography and became a PVK file that
    # load_pvk refuses (KEY-3, q does not divide p-1). pfx_to_pvk now refuses it with the
    # KeyConversionError the loaders give; a key whose numbers hold but which a PVK cannot
    # hold is PFX-3 instead (F11).
    data = corpus_input("pfx", "regress-F8-pfx-dsa-q-not-dividing-p-1")[3:]
    with pytest.raises(bf.KeyConversionError) as info:
        bf.pfx_to_pvk(data, b"")
    assert (info.value.rule, info.value.relation) == ("KEY-3", "q odd, q | p-1")


def test_fixed_finding_f9_pfx_not_der_refused() -> None:
    # F9 (fixed, PFX-3): PFX-3 takes DER only, but a PFX with one byte after it was read
    # (as BER, with cryptography's UserWarning, which -W error turns into an exception).
    import warnings

    data = corpus_input("pfx", "regress-F9-pfx-trailing-byte")[3:]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with pytest.raises(bf.UnsupportedBlobError) as info:
            bf.pfx_to_pvk(data, b"")
    assert (info.value.rule, info.value.offset) == ("PFX-3", len(data) - 1)
    assert not caught


def test_fixed_finding_f9_pkcs7_source_not_der_refused(tmp_path: Path) -> None:
    # F9, PKCS #7 case (fixed, PFX-4): a DER certificate bundle with a byte after it, or
    # with an indefinite length (BER), was read with cryptography's UserWarning.
    import warnings

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.serialization import pkcs7

    from blobformat.keys.pfx import load_certificates

    certificate = load_certificates(corpus_input("pfx", "seed-certs-der")[3:])[0]
    spc = pkcs7.serialize_certificates([certificate], serialization.Encoding.DER)
    assert spc[1] == 0x82  # two length bytes: rewritten below as indefinite
    ber = b"\x30\x80" + spc[4:] + b"\x00\x00"
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        pkcs7.load_der_pkcs7_certificates(ber)  # cryptography reads it, warning
    assert caught
    for bad in (spc + b"\x00", ber):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            with pytest.raises(bf.UnsupportedBlobError) as info:
                bf.certs_to_spc(bad)
        assert (info.value.rule, info.value.field) == ("PFX-4", "certificates[0]")
        assert not caught
    assert bf.certs_to_spc(spc) == spc


def test_fixed_finding_f10_pfx_dsa_warning_not_passed_on() -> None:
    # F10 (fixed): KEY-10 says cryptography's own warnings are not passed on, and no DSA
    # key object crosses the PFX API; but keys/pfx.py's _order called
    # certificate.public_key() outside _legacy.quiet(), so a DSA certificate made
    # pfx_to_pvk and pvk_to_pfx issue cryptography's "DSA is deprecated" warning.
    import warnings

    from cryptography.utils import CryptographyDeprecationWarning

    data = corpus_input("pfx", "seed-read-dsa-1024-no-mac")[3:]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bf.pfx_to_pvk(data, b"")
    assert not [
        w for w in caught if issubclass(w.category, CryptographyDeprecationWarning)
    ]


def test_fixed_finding_f11_pfx_key_pvk_cannot_hold() -> None:
    # F11 (fixed): a DSA key with a 1028-bit p (the DSA PFX without a MAC, p's leading
    # zero byte made 0x0A) is one a PVK cannot hold; pfx_to_pvk documents that as
    # UnsupportedBlobError PFX-3 but raised dump_pvk's KeyConversionError KEY-8.
    data = corpus_input("pfx", "regress-F11-pfx-dsa-p-1028-bits")[3:]
    with pytest.raises(bf.UnsupportedBlobError) as info:
        bf.pfx_to_pvk(data, b"")
    assert info.value.rule == "PFX-3"


def test_fixed_finding_f12_certificate_version_refused() -> None:
    # F12 (fixed): a DER certificate with version 18 makes cryptography raise
    # x509.InvalidVersion, which is not a ValueError, so load_certificates did not
    # catch it: it escaped certs_to_spc and pvk_to_pfx instead of PFX-4.
    source = corpus_input("pfx", "regress-F12-cert-version-18")[3:]
    with pytest.raises(bf.UnsupportedBlobError) as info:
        bf.certs_to_spc(source)
    assert (info.value.rule, info.value.field) == ("PFX-4", "certificates[0]")
    pvk = bf.dump_pvk(keyfiles.rsa_key("rsa-520"))
    with pytest.raises(bf.UnsupportedBlobError) as info:
        bf.pvk_to_pfx(pvk, [source], pfx_password=b"pw", encryption="3des")
    assert (info.value.rule, info.value.field) == ("PFX-4", "certificates[0]")
