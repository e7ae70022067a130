"""Keys and PVK files against the openssl CLI (issue: keys, item 7)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

import blobformat as bf

pytestmark = pytest.mark.interop

LEGACY = ("-provider", "legacy", "-provider", "default")
RSA_CASES = [
    (512, 3),
    (512, 65537),
    (1024, 3),
    (1032, 65537),
    (2048, 65537),
    (2048, 3),
    (4096, 65537),
]


@pytest.fixture(scope="module")
def keydir(
    openssl: Callable[..., bytes], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    base = tmp_path_factory.mktemp("keys")
    for bits, e in RSA_CASES:
        openssl(
            "genpkey",
            "-algorithm",
            "RSA",
            "-pkeyopt",
            f"rsa_keygen_bits:{bits}",
            "-pkeyopt",
            f"rsa_keygen_pubexp:{e}",
            "-out",
            str(base / f"rsa-{bits}-{e}.pem"),
        )
    openssl(
        "genpkey",
        "-genparam",
        "-algorithm",
        "DSA",
        "-pkeyopt",
        "dsa_paramgen_bits:1024",
        "-pkeyopt",
        "dsa_paramgen_q_bits:160",
        "-out",
        str(base / "dsaparam.pem"),
    )
    openssl(
        "genpkey",
        "-paramfile",
        str(base / "dsaparam.pem"),
        "-out",
        str(base / "dsa.pem"),
    )
    return base


def _pems(keydir: Path) -> list[tuple[str, Path]]:
    out = [("rsa", keydir / f"rsa-{b}-{e}.pem") for b, e in RSA_CASES]
    out.append(("dsa", keydir / "dsa.pem"))
    return out


def test_our_blobs_equal_openssl(openssl: Callable[..., bytes], keydir: Path) -> None:
    for tool, pem in _pems(keydir):
        key = serialization.load_pem_private_key(pem.read_bytes(), None)
        assert bf.dump_private_key(key) == openssl(
            tool, "-in", str(pem), "-outform", "MSBLOB"
        )  # type: ignore[arg-type]
        assert bf.dump_public_key(key.public_key()) == openssl(  # type: ignore[arg-type]
            tool, "-in", str(pem), "-pubout", "-outform", "MSBLOB"
        )


def test_openssl_blobs_load_to_the_same_key(
    openssl: Callable[..., bytes], keydir: Path
) -> None:
    for tool, pem in _pems(keydir):
        key = serialization.load_pem_private_key(pem.read_bytes(), None)
        blob = openssl(tool, "-in", str(pem), "-outform", "MSBLOB")
        assert bf.load_private_key(blob).private_numbers() == key.private_numbers()  # type: ignore[union-attr]


def test_openssl_reads_our_blobs(
    openssl: Callable[..., bytes], keydir: Path, tmp_path: Path
) -> None:
    for tool, pem in _pems(keydir):
        key = serialization.load_pem_private_key(pem.read_bytes(), None)
        ours = tmp_path / "ours.blob"
        ours.write_bytes(bf.dump_private_key(key))  # type: ignore[arg-type]
        der = openssl(tool, "-inform", "MSBLOB", "-in", str(ours), "-outform", "DER")
        again = serialization.load_der_private_key(der, None)
        assert again.private_numbers() == key.private_numbers()  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", ["none", "weak", "strong"])
def test_pvk_both_ways(
    openssl: Callable[..., bytes], keydir: Path, tmp_path: Path, mode: str
) -> None:
    for tool, pem in _pems(keydir)[:2] + _pems(keydir)[-1:]:
        key = serialization.load_pem_private_key(pem.read_bytes(), None)
        # OpenSSL writes, we read.
        theirs = openssl(
            tool,
            "-in",
            str(pem),
            "-outform",
            "PVK",
            f"-pvk-{mode}",
            "-passout",
            "pass:s3cret",
            *LEGACY,
        )
        password = None if mode == "none" else b"s3cret"
        assert bf.load_pvk(theirs, password).private_numbers() == key.private_numbers()  # type: ignore[union-attr]
        if mode == "none":
            assert bf.dump_pvk(key) == theirs  # type: ignore[arg-type]
        # We write, OpenSSL reads.
        ours = tmp_path / f"ours-{mode}.pvk"
        ours.write_bytes(
            bf.dump_pvk(key, password, strength="weak" if mode == "weak" else "strong")  # type: ignore[arg-type]
        )
        der = openssl(
            tool,
            "-inform",
            "PVK",
            "-in",
            str(ours),
            "-passin",
            "pass:s3cret",
            "-outform",
            "DER",
            *LEGACY,
        )
        assert (
            serialization.load_der_private_key(der, None).private_numbers()
            == key.private_numbers()
        )  # type: ignore[union-attr]
