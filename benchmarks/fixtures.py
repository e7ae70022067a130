# SPDX-License-Identifier: Apache-2.0
"""Test blobs for the benchmarks, built with the reference encoder.

The 2048-bit RSA and 1024-bit DSA keys are the published test keys in
``vectors/keys/`` (generated afresh only if those files are missing). The
blobs are encoded with :mod:`benchmarks.refparser`, so they do not depend on
the library under test; ``run.py`` then checks that ``blobformat.parse``
reads exactly the same values from them.

The key-size scaling series uses *synthetic* RSA blobs: numbers of the
right sizes (``n`` and ``d`` of full bit length) that are not a real key.
The codec does not check the numbers against each other (SPEC §5.3), so
parsing and encoding cost the same as for a real key, and 8192- and
16384-bit keys need not be generated.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, rsa

from benchmarks import refparser as ref

__all__ = ["Fixtures", "load_fixtures", "synthetic_rsa"]

ROOT = Path(__file__).resolve().parent.parent
KEYS = ROOT / "vectors" / "keys"

CALG_RC4 = 0x6801
CALG_AES_128 = 0x660E
AT_KEYEXCHANGE = 1


@dataclass(frozen=True)
class Fixtures:
    """The blobs of the main table and the key they come from."""

    rsa_key: rsa.RSAPrivateKey
    rsa_source: str
    dsa_source: str
    blobs: dict[str, bytes]


def _rsa_key() -> tuple[rsa.RSAPrivateKey, str]:
    path = KEYS / "rsa-2048.pem"
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), None)
        if isinstance(key, rsa.RSAPrivateKey) and key.key_size == 2048:
            return key, str(path.relative_to(ROOT))
    return rsa.generate_private_key(65537, 2048), "generated (rsa-2048.pem missing)"


def _dsa_key() -> tuple[dsa.DSAPrivateKey, str]:
    path = KEYS / "dsa-1024.pem"
    if path.exists():
        key = serialization.load_pem_private_key(path.read_bytes(), None)
        if isinstance(key, dsa.DSAPrivateKey) and key.key_size == 1024:
            return key, str(path.relative_to(ROOT))
    return dsa.generate_private_key(1024), "generated (dsa-1024.pem missing)"  # noqa: S505 - the published test-key size


def rsa_tuple(key: rsa.RSAPrivateKey) -> ref.RSAPrivate:
    """The reference parser's tuple for a cryptography RSA key."""
    pn = key.private_numbers()
    pub = pn.public_numbers
    return (
        ref.CALG_RSA_KEYX,
        key.key_size,
        pub.e,
        pub.n,
        pn.p,
        pn.q,
        pn.dmp1,
        pn.dmq1,
        pn.iqmp,
        pn.d,
    )


def load_fixtures(seed: int = 2048) -> Fixtures:
    """Build the RSA-2048, DSS-1024, SIMPLEBLOB, PVK and PLAINTEXTKEYBLOB test blobs."""
    rng = random.Random(seed)
    key, rsa_source = _rsa_key()
    priv = rsa_tuple(key)
    dkey, dsa_source = _dsa_key()
    dn = dkey.private_numbers()
    params = dn.public_numbers.parameter_numbers
    dss_public = ref.build_dss_public(
        (
            ref.CALG_DSS_SIGN,
            1024,
            params.p,
            params.q,
            params.g,
            dn.public_numbers.y,
            0xFFFFFFFF,
            b"\xff" * 20,
        )
    )
    private_blob = ref.build_rsa_private(priv)
    blobs = {
        "rsa-public": ref.build_rsa_public(priv[:4]),
        "rsa-private": private_blob,
        "dss-public": dss_public,
        "simpleblob": ref.build_simpleblob(
            (CALG_RC4, ref.CALG_RSA_KEYX, rng.randbytes(256))
        ),
        "pvk": ref.build_pvk((AT_KEYEXCHANGE, False, b"", private_blob, None)),
        "plaintextkeyblob": ref.build_plaintextkeyblob(
            (CALG_AES_128, rng.randbytes(16))
        ),
    }
    return Fixtures(key, rsa_source, dsa_source, blobs)


def synthetic_rsa(bits: int, seed: int = 0) -> tuple[bytes, bytes]:
    """A (public, private) pair of structurally valid RSA blobs of ``bits`` bits."""
    rng = random.Random(seed * 100003 + bits)
    half = (bits + 1) // 2

    def top(nbits: int) -> int:
        return rng.getrandbits(nbits) | (1 << (nbits - 1)) | 1

    n = top(bits)
    p, q = top(half), top(bits - half)
    d = top(bits - 1)
    t: ref.RSAPrivate = (
        ref.CALG_RSA_KEYX,
        bits,
        65537,
        n,
        p,
        q,
        rng.getrandbits(half - 1),
        rng.getrandbits(bits - half - 1),
        rng.getrandbits(half - 1),
        d,
    )
    return ref.build_rsa_public(t[:4]), ref.build_rsa_private(t)
