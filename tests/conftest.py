"""Shared fixtures and hypothesis profiles."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import cryptography
import pytest
from hypothesis import HealthCheck, settings

settings.register_profile(
    "ci",
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("dev", max_examples=100, deadline=None)
settings.register_profile("long", max_examples=5000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

ROOT = Path(__file__).resolve().parent.parent

# Behaviour that depends on the installed cryptography is tested per version
# (CI runs the suite on the newest and on the lowest allowed versions).
CRYPTOGRAPHY_MAJOR = int(cryptography.__version__.split(".")[0])


def openssl_path() -> str | None:
    return shutil.which("openssl")


@pytest.fixture(scope="session")
def openssl() -> Callable[..., bytes]:
    """Run the openssl CLI; skip when it is missing (CI installs it)."""
    exe = openssl_path()
    if exe is None:
        pytest.skip("openssl command-line tool not installed")

    def run(*args: str, stdin: bytes | None = None) -> bytes:
        proc = subprocess.run(
            [exe, *args], input=stdin, capture_output=True, check=False, timeout=120
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"openssl {' '.join(args)} failed: {proc.stderr.decode(errors='replace')}"
            )
        return proc.stdout

    return run
