"""Blobs written by the openssl CLI parse and re-encode byte for byte (SPEC §5, §6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import blobformat as bf

pytestmark = pytest.mark.interop

RSA_SIZES = [512, 520, 1000, 1024, 1032, 2048, 2056]


@pytest.fixture(scope="module")
def rsa_pems(
    openssl: Callable[..., bytes], tmp_path_factory: pytest.TempPathFactory
) -> dict[tuple[int, int], Path]:
    out = {}
    base = tmp_path_factory.mktemp("rsa")
    for bits in RSA_SIZES:
        for e in (65537, 3):
            if e == 3 and bits not in (512, 1032):
                continue
            path = base / f"rsa-{bits}-{e}.pem"
            openssl(
                "genpkey",
                "-algorithm",
                "RSA",
                "-pkeyopt",
                f"rsa_keygen_bits:{bits}",
                "-pkeyopt",
                f"rsa_keygen_pubexp:{e}",
                "-out",
                str(path),
            )
            out[(bits, e)] = path
    return out


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
def test_openssl_rsa_blobs_roundtrip(
    openssl: Callable[..., bytes], rsa_pems: dict[tuple[int, int], Path], public: bool
) -> None:
    for (bits, e), pem in rsa_pems.items():
        args = ["rsa", "-in", str(pem), "-outform", "MSBLOB"]
        if public:
            args.append("-pubout")
        data = openssl(*args)
        blob = bf.parse(data)
        expected = bf.RSAPublicKeyBlob if public else bf.RSAPrivateKeyBlob
        assert isinstance(blob, expected)
        assert blob.bit_length == bits
        assert blob.public_exponent == e
        assert blob.to_bytes() == data
        size = (
            20 + (bits + 7) // 8
            if public
            else 20 + 2 * ((bits + 7) // 8) + 5 * ((bits + 15) // 16)
        )
        assert len(data) == size


def test_openssl_reads_our_rsa_blobs(
    openssl: Callable[..., bytes], rsa_pems: dict[tuple[int, int], Path], tmp_path: Path
) -> None:
    for (bits, _e), pem in rsa_pems.items():
        data = openssl("rsa", "-in", str(pem), "-outform", "MSBLOB")
        ours = bf.parse(data).to_bytes()
        path = tmp_path / f"{bits}.blob"
        path.write_bytes(ours)
        text_ours = openssl(
            "rsa", "-inform", "MSBLOB", "-in", str(path), "-noout", "-modulus"
        )
        text_ref = openssl("rsa", "-in", str(pem), "-noout", "-modulus")
        assert text_ours == text_ref


@pytest.fixture(scope="module")
def dsa_pem(
    openssl: Callable[..., bytes], tmp_path_factory: pytest.TempPathFactory
) -> Path:
    base = tmp_path_factory.mktemp("dsa")
    params = base / "params.pem"
    key = base / "dsa.pem"
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
        str(params),
    )
    openssl("genpkey", "-paramfile", str(params), "-out", str(key))
    return key


@pytest.mark.parametrize("public", [False, True], ids=["private", "public"])
def test_openssl_dsa_blobs_roundtrip(
    openssl: Callable[..., bytes], dsa_pem: Path, public: bool
) -> None:
    args = ["dsa", "-in", str(dsa_pem), "-outform", "MSBLOB"]
    if public:
        args.append("-pubout")
    data = openssl(*args)
    blob = bf.parse(data)
    assert isinstance(blob, bf.DSSPublicKeyBlob if public else bf.DSSPrivateKeyBlob)
    assert blob.bit_length == 1024
    assert blob.to_bytes() == data
    assert len(data) == (444 if public else 336)
