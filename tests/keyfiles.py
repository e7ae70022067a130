"""The fixed test keys of ``vectors/keys/`` (tests only).

The one place tests read those PEM files. Each file is parsed once per session:
loading a private key validates it, which costs tens of milliseconds for an RSA
key, and hypothesis tests ask for the same key on every example.
"""

from __future__ import annotations

import functools
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, rsa
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes

from tests.conftest import ROOT

KEYS_DIR = ROOT / "vectors" / "keys"


def pem_path(name: str) -> Path:
    """The path of ``vectors/keys/<name>.pem``, which must exist."""
    path = KEYS_DIR / f"{name}.pem"
    if not path.is_file():
        raise FileNotFoundError(path)
    return path


@functools.cache
def vector_key(name: str) -> PrivateKeyTypes:
    """The private key in ``vectors/keys/<name>.pem``, parsed on first use."""
    return serialization.load_pem_private_key(
        pem_path(name).read_bytes(), password=None
    )


def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """``vector_key(name)``, which must be an RSA key."""
    key = vector_key(name)
    assert isinstance(key, rsa.RSAPrivateKey), f"{name}.pem is not an RSA key"
    return key


def dsa_key(name: str) -> dsa.DSAPrivateKey:
    """``vector_key(name)``, which must be a DSA key."""
    key = vector_key(name)
    assert isinstance(key, dsa.DSAPrivateKey), f"{name}.pem is not a DSA key"
    return key
