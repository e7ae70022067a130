"""The public surface: __all__, typing marker, error hierarchy, import boundaries."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import blobformat
from blobformat import errors
from tests.conftest import ROOT

PACKAGE = Path(blobformat.__file__).parent


def test_all_is_exact() -> None:
    public = {name for name in dir(blobformat) if not name.startswith("_")}
    public -= {
        "annotations",
        "constants",
        "errors",
        "models",
    }
    modules = {name for name in public if inspect.ismodule(getattr(blobformat, name))}
    assert set(blobformat.__all__) == (public - modules) | {"__version__"}
    assert len(blobformat.__all__) == len(set(blobformat.__all__))


def test_py_typed_present() -> None:
    assert (PACKAGE / "py.typed").is_file()


def test_every_public_name_has_a_docstring() -> None:
    for name in blobformat.__all__:
        if name == "__version__":
            continue
        obj = getattr(blobformat, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert obj.__doc__, name


def test_error_hierarchy() -> None:
    for name in errors.__all__:
        cls = getattr(errors, name)
        if issubclass(cls, Warning):
            continue
        assert issubclass(cls, errors.BlobError)
    # The one warning class: a CryptographyDeprecationWarning, so filters on
    # cryptography's category match it too (SPEC §14.4).
    from cryptography.utils import CryptographyDeprecationWarning

    assert issubclass(errors.LegacyKeyWarning, CryptographyDeprecationWarning)
    for cls in (
        errors.TruncatedError,
        errors.TrailingDataError,
        errors.InvalidFieldError,
        errors.UnsupportedBlobError,
    ):
        assert issubclass(cls, errors.ParseError)
        assert issubclass(cls, ValueError)


def test_construct_only_behind_the_boundary() -> None:
    """Only the schema modules and the wire boundary may import construct (STYLE B.2)."""
    allowed = {"codec/schema.py", "codec/wire.py", "envelope/schema.py"}
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "construct" or n.startswith("construct.") for n in names):
                assert path.relative_to(PACKAGE).as_posix() in allowed, path


def test_no_assert_in_library() -> None:
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text())
        assert not any(isinstance(n, ast.Assert) for n in ast.walk(tree)), path.name


def test_cli_uses_public_api_only() -> None:
    """The command line is a client of the public API (and of its own package)."""
    for path in (PACKAGE / "cli").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("blobformat.")
            ):
                assert node.module.startswith("blobformat.cli"), (
                    path.name,
                    node.module,
                )


def test_lowest_constraints_match_pyproject() -> None:
    """.ci/constraints-lowest.txt pins every direct dependency at pyproject's lower bound."""
    text = (ROOT / "pyproject.toml").read_text()
    runtime = re.search(r"^dependencies = \[(.*?)^\]", text, re.M | re.S)
    test_extra = re.search(r"^test = \[(.*?)\]", text, re.M)
    assert runtime and test_extra
    bounds = dict(
        re.findall(
            r'"([A-Za-z0-9_.-]+)>=([0-9][0-9.]*)',
            runtime.group(1) + test_extra.group(1),
        )
    )
    pins = dict(
        re.findall(
            r"^([A-Za-z0-9_.-]+)==([0-9.]+)$",
            (ROOT / ".ci/constraints-lowest.txt").read_text(),
            re.M,
        )
    )
    assert set(pins) == set(bounds)
    for name, low in bounds.items():
        padded = low + ".0" * (2 - low.count("."))
        assert pins[name] in (low, padded), (name, low, pins[name])
