"""The command line with CNG blobs: inspect shows offsets, convert reads and writes them."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

import blobformat as bf
from blobformat.cli.app import main
from tests import keyfiles


def _key(name: str) -> object:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keyfiles.vector_key(name)


@pytest.fixture
def rsa3(tmp_path: Path) -> Path:
    path = tmp_path / "rsa3.blob"
    path.write_bytes(bf.dump_private_key(_key("rsa-1032"), format="cng"))  # type: ignore[arg-type]
    return path


def test_inspect_text_shows_offsets_and_big_endian(
    rsa3: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(rsa3)]) == 0
    out = capsys.readouterr().out
    assert "BCRYPT_RSAFULLPRIVATE_BLOB" in out and "magic RSA3" in out
    blob = bf.parse(rsa3.read_bytes())
    assert isinstance(blob, bf.CngRSAFullPrivateBlob)
    # The modulus at offset 27, shown as stored: big-endian hex.
    assert "    27   129  modulus" in out
    assert f"0x{blob.modulus:0258x}"[:66] in out
    assert f"{blob.private_exponent:x}"[:32] not in out
    assert main(["inspect", "--show-private", str(rsa3)]) == 0
    assert f"{blob.private_exponent:x}"[:32] in capsys.readouterr().out


def test_inspect_json(rsa3: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["inspect", "--json", str(rsa3)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["kind"] == "CngRSAFullPrivateBlob"
    assert doc["header"] == {"cng_blob": "BCRYPT_RSAFULLPRIVATE_BLOB", "magic": "RSA3"}
    paths = [(f["path"], f["offset"]) for f in doc["fields"]]
    assert paths[:3] == [("magic", 0), ("bit_length", 4), ("cb_public_exp", 8)]


def test_convert_capi_to_cng_and_back(tmp_path: Path) -> None:
    key = _key("rsa-2048")
    capi = tmp_path / "capi.blob"
    capi.write_bytes(bf.dump_private_key(key))  # type: ignore[arg-type]
    out = tmp_path / "out.cng"
    assert main(["convert", str(capi), "--to", "cng", "-o", str(out)]) == 0
    assert out.read_bytes() == bf.dump_private_key(key, format="cng")  # type: ignore[arg-type]
    back = tmp_path / "back.blob"
    assert main(["convert", str(out), "--to", "blob", "-o", str(back)]) == 0
    assert back.read_bytes() == capi.read_bytes()
    pem = tmp_path / "key.pem"
    assert main(["convert", str(out), "--to", "pem", "-o", str(pem)]) == 0
    assert (
        serialization.load_pem_private_key(pem.read_bytes(), None).private_numbers()
        == key.private_numbers()
    )  # type: ignore[attr-defined, union-attr]
    public = tmp_path / "pub.cng"
    assert (
        main(["convert", str(capi), "--to", "cng", "--public", "-o", str(public)]) == 0
    )
    assert public.read_bytes()[:4] == b"RSA1"


def test_convert_ec_pem_to_cng(tmp_path: Path) -> None:
    key = ec.generate_private_key(ec.SECP384R1())
    pem = tmp_path / "ec.pem"
    pem.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    out = tmp_path / "ec.cng"
    assert main(["convert", str(pem), "--to", "cng", "--ecdh", "-o", str(out)]) == 0
    assert out.read_bytes()[:4] == b"ECK4"
    assert (
        bf.load_private_key(out.read_bytes()).private_numbers() == key.private_numbers()
    )  # type: ignore[union-attr]
    # CryptoAPI has no EC blob: a named error, exit code 1 or 2.
    assert main(["convert", str(out), "--to", "blob", "-o", str(tmp_path / "x")]) != 0


def test_convert_cng_dsa_to_pem(tmp_path: Path) -> None:
    key = _key("dsa-1024")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        blob = bf.dump_private_key(key, format="cng")  # type: ignore[arg-type]
        want = key.private_bytes(  # type: ignore[attr-defined]
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    src = tmp_path / "dsa.cng"
    src.write_bytes(blob)
    out = tmp_path / "dsa.pem"
    assert main(["convert", str(src), "--to", "pem", "-o", str(out)]) == 0
    assert out.read_bytes() == want
    kdbm = tmp_path / "k.cng"
    kdbm.write_bytes(bf.CngKeyDataBlob(key=bytes(16)).to_bytes())
    assert (
        main(["convert", str(kdbm), "--to", "pem", "-o", str(tmp_path / "x.pem")]) != 0
    )
