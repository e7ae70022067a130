"""DSS and DH keys while cryptography deprecates, and after it removes, DSA and DH.

SPEC §14.4: import is silent; a DSA/DH key object crossing the API brings one
LegacyKeyWarning at the caller's line (only where cryptography deprecates the
family); export_public_key / export_private_key convert every key blob to
SubjectPublicKeyInfo / PKCS#8 without cryptography's DSA/DH classes, equal to
what cryptography and `openssl pkey` write.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from hypothesis import given
from hypothesis import strategies as st

import blobformat as bf
from blobformat.keys import legacy as _legacy
from blobformat.keys.export import g_pow_x
from tests import keyfactory
from tests.conftest import CRYPTOGRAPHY_MAJOR, ROOT

# The releases of cryptography that deprecate each family.
DEPRECATED = {"dsa": CRYPTOGRAPHY_MAJOR >= 51, "dh": CRYPTOGRAPHY_MAJOR >= 50}

PEM = serialization.Encoding.PEM
DER = serialization.Encoding.DER
PKCS8 = serialization.PrivateFormat.PKCS8
SPKI = serialization.PublicFormat.SubjectPublicKeyInfo


def _blobs() -> dict[str, tuple[str, bytes]]:
    """name -> (family, blob) for every DSS/DH layout, made with cryptography's keys."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        dsa_key = keyfactory.dsa_key(1024)
        dh_q = keyfactory.dh_key(True)
        dh_plain = keyfactory.dh_key(False)
        return {
            "dss2-private": ("dsa", bf.dump_private_key(dsa_key, version=2)),
            "dss3-private": ("dsa", bf.dump_private_key(dsa_key, version=3)),
            "dss2-public": ("dsa", bf.dump_public_key(dsa_key.public_key(), version=2)),
            "dss3-public": ("dsa", bf.dump_public_key(dsa_key.public_key(), version=3)),
            "dh2-private": ("dh", bf.dump_private_key(dh_plain, version=2)),
            "dh3-private": ("dh", bf.dump_private_key(dh_q, version=3)),
            "dh3-private-noq": ("dh", bf.dump_private_key(dh_plain, version=3)),
            "dh3-public": ("dh", bf.dump_public_key(dh_q.public_key(), version=3)),
            "dh3-public-noq": (
                "dh",
                bf.dump_public_key(dh_plain.public_key(), version=3),
            ),
        }


BLOBS = _blobs()
PRIVATE = sorted(name for name in BLOBS if "private" in name)


def _run(
    code: str, *args: str, warn_error: bool = True
) -> subprocess.CompletedProcess[str]:
    flags = ["-W", "error"] if warn_error else []
    return subprocess.run(
        [sys.executable, *flags, "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )


# -- silent import -------------------------------------------------------------------


def test_import_and_rsa_use_are_silent_under_w_error() -> None:
    code = """
import blobformat, pathlib
data = pathlib.Path("vectors/samples/rsa-2048-private.blob").read_bytes()
key = blobformat.load_private_key(data)
blobformat.dump_private_key(key)
blobformat.export_private_key(data)
blobformat.is_private_key(key)
from blobformat.keys import legacy as _legacy
assert not _legacy._cache, _legacy._cache
print("ok")
"""
    proc = _run(code)
    assert proc.returncode == 0, proc.stderr
    assert (proc.stdout, proc.stderr) == ("ok\n", "")


def test_import_touches_no_deprecated_name() -> None:
    # Record every deprecated attribute cryptography hands out, silenced or not.
    code = """
import cryptography.utils as u
seen = []
original = u._ModuleWithDeprecations.__getattr__
def spy(self, name):
    if isinstance(getattr(self._module, name, None), u._DeprecatedValue):
        seen.append(name)
    return original(self, name)
u._ModuleWithDeprecations.__getattr__ = spy
import blobformat, pathlib
blobformat.parse(pathlib.Path("vectors/samples/rsa-2048-public.blob").read_bytes())
print(seen)
"""
    proc = _run(code, warn_error=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "[]\n"


def test_cli_inspect_rsa_is_silent_under_w_error() -> None:
    proc = subprocess.run(
        [
            sys.executable,
            "-W",
            "error",
            "-m",
            "blobformat",
            "inspect",
            "vectors/samples/rsa-2048-public.blob",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert "RSA" in proc.stdout


def test_lazy_type_aliases() -> None:
    assert "PublicKey" in dir(bf) and "PrivateKey" in dir(bf)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        key = keyfactory.rsa_key(1024)
        assert isinstance(key, bf.PrivateKey)
        assert isinstance(key.public_key(), bf.PublicKey)
    assert bf.is_private_key(key) and not bf.is_public_key(key)
    assert bf.is_public_key(key.public_key()) and not bf.is_private_key(
        key.public_key()
    )
    assert not bf.is_public_key(b"key") and not bf.is_private_key(None)


# -- the warning policy --------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BLOBS))
def test_load_warns_once_at_the_callers_line(name: str) -> None:
    family, blob = BLOBS[name]
    load: Callable[..., object] = (
        bf.load_private_key if "private" in name else bf.load_public_key
    )
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        key = load(blob)
    assert key is not None
    if DEPRECATED[family]:
        # One warning, blobformat's, pointing here; none of cryptography's own.
        assert [w.category for w in caught] == [bf.LegacyKeyWarning]
        assert caught[0].filename == __file__
        assert caught[0].lineno == line
        assert "export_private_key" in str(caught[0].message)
    else:
        assert caught == []


@pytest.mark.parametrize("name", sorted(BLOBS))
def test_dump_warns_at_the_callers_line(name: str) -> None:
    family, blob = BLOBS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key = (
            bf.load_private_key(blob) if "private" in name else bf.load_public_key(blob)
        )
    dump = bf.dump_private_key if "private" in name else bf.dump_public_key
    version = int(name[name.index("-") - 1])
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = sys._getframe().f_lineno + 1
        out = dump(key, version=version)  # type: ignore[arg-type]
    assert out == blob
    if DEPRECATED[family]:
        assert [(w.category, w.filename, w.lineno) for w in caught] == [
            (bf.LegacyKeyWarning, __file__, line)
        ]
    else:
        assert caught == []


@pytest.mark.parametrize("name", sorted(BLOBS))
def test_export_never_warns(name: str) -> None:
    _, blob = BLOBS[name]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = bf.export_public_key(blob)
        assert out.startswith(b"-----BEGIN PUBLIC KEY-----\n")
        if "private" in name:
            assert bf.export_private_key(blob).startswith(
                b"-----BEGIN PRIVATE KEY-----\n"
            )


def test_w_error_turns_the_warning_into_an_error_at_the_call() -> None:
    _, blob = BLOBS["dss3-private"]
    code = """
import sys, blobformat
data = bytes.fromhex(sys.argv[1])
blobformat.export_private_key(data)
try:
    blobformat.load_private_key(data)
except blobformat.LegacyKeyWarning as w:
    print("raised")
else:
    print("loaded")
"""
    proc = _run(code, blob.hex())
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == ("raised\n" if DEPRECATED["dsa"] else "loaded\n")


def test_warning_matches_filters_on_cryptographys_category() -> None:
    from cryptography.utils import CryptographyDeprecationWarning

    _, blob = BLOBS["dh3-private"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        bf.load_private_key(blob)


# -- export: equal to cryptography and to openssl ------------------------------------


@pytest.mark.parametrize("name", sorted(BLOBS))
@pytest.mark.parametrize("encoding", ["pem", "der"])
def test_export_equals_cryptographys_serialisation(name: str, encoding: str) -> None:
    _, blob = BLOBS[name]
    enc = PEM if encoding == "pem" else DER
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if "private" in name:
            key = bf.load_private_key(blob)
            assert bf.export_private_key(blob, encoding=encoding) == key.private_bytes(  # type: ignore[arg-type]
                enc, PKCS8, serialization.NoEncryption()
            )
            public = key.public_key()
        else:
            public = bf.load_public_key(blob)
        assert bf.export_public_key(blob, encoding=encoding) == public.public_bytes(
            enc, SPKI
        )  # type: ignore[arg-type]


def test_export_rsa_and_pvk() -> None:
    data = (ROOT / "vectors/samples/rsa-2048-private.blob").read_bytes()
    key = bf.load_private_key(data)
    assert bf.export_private_key(data) == key.private_bytes(
        PEM, PKCS8, serialization.NoEncryption()
    )
    spki = key.public_key().public_bytes(DER, SPKI)
    assert bf.export_public_key(data, encoding="der") == spki
    pub = (ROOT / "vectors/samples/rsa-2048-public.blob").read_bytes()
    assert bf.export_public_key(pub, encoding="der") == spki
    pvk = bf.dump_pvk(key, b"pw")
    assert bf.export_private_key(pvk, password=b"pw") == bf.export_private_key(data)
    assert bf.export_public_key(pvk, password=b"pw", encoding="der") == spki
    with pytest.raises(bf.PasswordError):
        bf.export_private_key(pvk)


def test_export_dh_v2_public_needs_the_group() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        key = keyfactory.dh_key(False)
        blob = bf.dump_public_key(key.public_key(), version=2)
        group = keyfactory.dh_group(False)
        expected = key.public_key().public_bytes(PEM, SPKI)
    with pytest.raises(bf.InvalidParameterError) as info:
        bf.export_public_key(blob)
    assert info.value.rule == "KEY-6"
    assert bf.export_public_key(blob, parameters=(group.p, group.g)) == expected
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert bf.export_public_key(blob, parameters=group) == expected
    with pytest.raises(bf.KeyConversionError) as kinfo:
        bf.export_public_key(blob, parameters=(keyfactory.SAFE_PRIME_520, 2))
    assert kinfo.value.rule == "KEY-6"
    for bad in [(1,), (1, 2, 3, 4), (group.p, "2"), (group.p, True)]:
        with pytest.raises(bf.InvalidParameterError):
            bf.export_public_key(blob, parameters=bad)  # type: ignore[arg-type]


def test_export_refusals() -> None:
    _, blob = BLOBS["dss3-public"]
    with pytest.raises(bf.UnsupportedBlobError):
        bf.export_private_key(blob)
    with pytest.raises(bf.InvalidParameterError):
        bf.export_public_key(blob, encoding="asn1")  # type: ignore[arg-type]
    with pytest.raises(bf.InvalidParameterError) as info:
        bf.export_private_key(BLOBS["dss3-private"][1], encoding="PEM")  # type: ignore[arg-type]
    assert info.value.rule == "KEY-9"
    simple = bf.SimpleBlob(
        key_alg=bf.AlgId.CALG_RC4,
        wrap_alg=bf.AlgId.CALG_RSA_KEYX,
        encrypted_key=bytes(64),
    ).to_bytes()
    with pytest.raises(bf.UnsupportedBlobError):
        bf.export_public_key(simple)


@pytest.mark.parametrize("name", ["dss3-private", "dh3-private"])
def test_export_checks_the_stored_y(name: str) -> None:
    _, blob = BLOBS[name]
    model = bf.parse(blob)
    assert isinstance(model, bf.DSSPrivateKeyBlobV3 | bf.DHPrivateKeyBlobV3)
    # Another element of the group: in range and in the subgroup, but not g^x.
    wrong = dataclasses.replace(model, y=pow(model.y, 2, model.p)).to_bytes()
    for export in (bf.export_private_key, bf.export_public_key):
        with pytest.raises(bf.KeyConversionError) as info:
            export(wrong)
        assert (info.value.rule, info.value.relation) == ("KEY-4", "y == g^x mod p")


@given(
    p=st.sampled_from([keyfactory.SAFE_PRIME_512, keyfactory.SAFE_PRIME_520]),
    g=st.integers(min_value=2, max_value=1000),
    x=st.integers(min_value=1, max_value=2**600),
)
def test_blinded_exponentiation_is_exponentiation(p: int, g: int, x: int) -> None:
    assert g_pow_x(p, g, x, what="DH") == pow(g, x, p)


def test_blinded_exponentiation_refuses_a_non_invertible_generator() -> None:
    with pytest.raises(bf.KeyConversionError) as info:
        g_pow_x(15, 6, 5, what="DH")
    assert info.value.rule == "KEY-3"


@pytest.mark.interop
@pytest.mark.parametrize("name", sorted(BLOBS))
def test_openssl_pkey_writes_the_export_back_unchanged(
    name: str, openssl: Callable[..., bytes], tmp_path: Path
) -> None:
    _, blob = BLOBS[name]
    public = bf.export_public_key(blob)
    assert openssl("pkey", "-pubin", stdin=public) == public
    public_der = bf.export_public_key(blob, encoding="der")
    assert (
        openssl("pkey", "-pubin", "-inform", "DER", "-outform", "DER", stdin=public_der)
        == public_der
    )
    assert openssl("pkey", "-pubin", "-inform", "DER", stdin=public_der) == public
    if "private" in name:
        private = bf.export_private_key(blob)
        assert openssl("pkey", stdin=private) == private
        assert openssl("pkey", "-pubout", stdin=private) == public
        # DER in, PEM (PKCS#8) out: OpenSSL 3.0 writes DSA's DER output in the
        # traditional form, so the comparison goes through its PKCS#8 PEM.
        private_der = bf.export_private_key(blob, encoding="der")
        assert openssl("pkey", "-inform", "DER", stdin=private_der) == private


# -- cryptography without DSA and DH -------------------------------------------------

# Replaces cryptography's dsa and dh modules by empty ones after cryptography's own
# modules have imported them, as a release without the families would look.
_HIDE = """
import sys, types
import cryptography.hazmat.primitives.serialization
import cryptography.hazmat.primitives.asymmetric as asym
for name in ("dsa", "dh"):
    full = "cryptography.hazmat.primitives.asymmetric." + name
    sys.modules[full] = types.ModuleType(full)
    setattr(asym, name, sys.modules[full])
"""


def test_without_cryptographys_dsa_and_dh(tmp_path: Path) -> None:
    for name, (_, blob) in BLOBS.items():
        (tmp_path / f"{name}.blob").write_bytes(blob)
    code = (
        _HIDE
        + """
import json, pathlib, sys, warnings
import blobformat
from blobformat.cli import app as _cli
out = {}
folder = pathlib.Path(sys.argv[1])
for path in sorted(folder.glob("*.blob")):
    data = path.read_bytes()
    entry = out[path.stem] = {"public": blobformat.export_public_key(data).decode()}
    if "private" in path.stem:
        entry["private"] = blobformat.export_private_key(data).decode()
        load = blobformat.load_private_key
    else:
        load = blobformat.load_public_key
    try:
        load(data)
    except blobformat.KeyConversionError as err:
        entry["load"] = [err.rule, "export_private_key" in str(err)]
    target = folder / (path.stem + ".cli.pem")
    entry["cli"] = _cli.main(["convert", str(path), "--to", "pem", "-o", str(target)])
    entry["cli_same"] = target.read_text() == entry.get("private", entry["public"])
rsa = pathlib.Path("vectors/samples/rsa-2048-private.blob").read_bytes()
key = blobformat.load_private_key(rsa)
assert blobformat.dump_private_key(key) == rsa
assert not blobformat.is_private_key(object())
print(json.dumps(out))
"""
    )
    proc = _run(code, str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    result = json.loads(proc.stdout)
    assert set(result) == set(BLOBS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, entry in result.items():
            _, blob = BLOBS[name]
            assert entry["public"].encode() == bf.export_public_key(blob)
            if "private" in name:
                assert entry["private"].encode() == bf.export_private_key(blob)
            assert entry["load"] == ["KEY-11", True]
            assert (entry["cli"], entry["cli_same"]) == (0, True)


@pytest.mark.interop
def test_without_cryptography_openssl_reads_dss3_and_dh3_pkcs8(
    openssl: Callable[..., bytes], tmp_path: Path
) -> None:
    """The issue's acceptance check: DSS v3 and DH v3 private blobs -> PKCS#8 PEM
    with cryptography's DSA/DH hidden, which `openssl pkey` writes back unchanged."""
    for name in ("dss3-private", "dh3-private"):
        (tmp_path / f"{name}.blob").write_bytes(BLOBS[name][1])
    code = (
        _HIDE
        + """
import pathlib, sys
import blobformat
for path in pathlib.Path(sys.argv[1]).glob("*.blob"):
    path.with_suffix(".pem").write_bytes(blobformat.export_private_key(path.read_bytes()))
"""
    )
    proc = _run(code, str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    for name in ("dss3-private", "dh3-private"):
        pem = (tmp_path / f"{name}.pem").read_bytes()
        assert pem.startswith(b"-----BEGIN PRIVATE KEY-----\n")
        assert openssl("pkey", stdin=pem) == pem
        text = openssl("pkey", "-noout", "-text", stdin=pem).decode()
        assert (
            ("priv:" in text and "Q:" in text)
            if name.startswith("dss")
            else ("DH Private-Key" in text)
        )


def test_family_lookup_reports_removal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_legacy, "_cache", {})
    monkeypatch.setitem(_legacy._MODULES, "dsa", "blobformat_no_such_module")
    found = _legacy.family("dsa")
    assert not found.available and not found.deprecated
    with pytest.raises(bf.KeyConversionError) as info:
        _legacy.require("dsa", what="DSS")
    assert info.value.rule == "KEY-11"
    assert not _legacy.is_instance(object(), "dsa", "DSAPublicKey")
