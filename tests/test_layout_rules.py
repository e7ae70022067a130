"""Rules for the test suite's own layout.

A test module never imports another test module: what tests share lives in helper
modules (names not starting with ``test_``), so importing a test module never runs
or re-registers another one's tests, and each module can be run alone. The
vectors' PEM keys are read in one place, tests/keyfiles.py, which parses each once.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from tests import keyfiles
from tests.conftest import ROOT

TESTS = ROOT / "tests"
# fuzz/ and benchmarks/ run on their own; they must not lean on test modules either.
CHECKED = [TESTS, ROOT / "fuzz", ROOT / "benchmarks"]


def is_test_module(dotted: str) -> bool:
    return dotted.rsplit(".", 1)[-1].startswith("test_")


def imported_test_modules(source: str) -> list[str]:
    """Every test module that ``source`` imports, at any depth (functions included)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if is_test_module(alias.name)]
        elif isinstance(node, ast.ImportFrom):
            base = "." * node.level + (node.module or "")
            if node.module and is_test_module(node.module):
                found.append(base)
            else:
                # ``from tests import test_x`` / ``from . import test_x``
                joined = [
                    f"{base}.{alias.name}" if node.module else base + alias.name
                    for alias in node.names
                ]
                found += [name for name in joined if is_test_module(name)]
    return found


def python_files() -> list[Path]:
    return sorted(
        p for folder in CHECKED if folder.is_dir() for p in folder.rglob("*.py")
    )


def test_no_module_imports_a_test_module() -> None:
    offenders = {}
    for path in python_files():
        imported = imported_test_modules(path.read_text(encoding="utf-8"))
        if imported:
            offenders[str(path.relative_to(ROOT))] = imported
    assert not offenders, (
        f"move what is shared into a helper module (not test_*): {offenders}"
    )


def test_the_import_check_sees_every_form() -> None:
    source = """
import tests.test_a
import test_b as b
from tests.test_c import x
from test_d import y
from tests import test_e, keyfiles
from . import test_f
from .test_g import z

def later():
    from tests.test_h import w
"""
    assert imported_test_modules(source) == [
        "tests.test_a",
        "test_b",
        "tests.test_c",
        "test_d",
        "tests.test_e",
        ".test_f",
        ".test_g",
        "tests.test_h",
    ]
    helpers = "from tests import keyfiles, strategies\nfrom tests.conftest import ROOT\nimport pytest\n"
    assert imported_test_modules(helpers) == []


VECTOR_KEYS = re.compile(r"""vectors["']?\s*/\s*["']?keys\b""")


def test_only_keyfiles_reads_the_vector_keys() -> None:
    # One cached loader (tests/keyfiles.py): a PEM parsed per use made one
    # hypothesis test re-validate the same RSA key 150 times.
    assert VECTOR_KEYS.search('ROOT / "vectors" / "keys" / f"{name}.pem"')
    assert VECTOR_KEYS.search('(ROOT / "vectors/keys/rsa-2048.pem")')
    others = [
        path.name
        for path in sorted(TESTS.glob("*.py"))
        if path.name not in ("keyfiles.py", Path(__file__).name)
        and VECTOR_KEYS.search(path.read_text(encoding="utf-8"))
    ]
    assert not others, f"load vectors/keys PEMs through tests/keyfiles.py: {others}"


def test_each_vector_pem_is_parsed_once() -> None:
    assert keyfiles.rsa_key("rsa-520") is keyfiles.rsa_key("rsa-520")
    assert keyfiles.vector_key("dsa-1024") is keyfiles.dsa_key("dsa-1024")
    with pytest.raises(FileNotFoundError):
        keyfiles.pem_path("no-such-key")
