# SPDX-License-Identifier: Apache-2.0
"""The package's layers (ARCHITECTURE.md): imports run one way, without cycles."""

from __future__ import annotations

import ast
from pathlib import Path

import blobformat

PACKAGE = Path(blobformat.__file__).parent

#: Layer of each top-level module or subpackage, lowest first. A module may
#: import its own layer or a lower one, never a higher one.
LAYERS = {
    "errors": 0,
    "constants": 0,
    "codec": 1,
    "keys": 2,
    "capi": 3,
    "envelope": 4,
    "scan": 4,
    # The public facade (blobformat/__init__.py) re-exports layers 0-4.
    "__init__": 5,
    # Clients of the public API: the command line and the test strategies.
    "cli": 6,
    "strategies": 6,
    "__main__": 7,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts.pop()
    return ".".join(parts)


def layer_of(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "__init__"
    assert top in LAYERS, (
        f"{module}: place it in a layer (tests/test_architecture.py, ARCHITECTURE.md)"
    )
    return LAYERS[top]


def runtime_imports(path: Path) -> set[str]:
    """Modules of blobformat that ``path`` imports at run time (type-only imports excluded)."""
    tree = ast.parse(path.read_text())
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only.update(id(n) for stmt in node.body for n in ast.walk(stmt))
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("blobformat"))
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            if not base.startswith("blobformat"):
                continue
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if candidate in MODULES else base)
    found.discard(me)
    return found


MODULES = {module_name(p) for p in PACKAGE.rglob("*.py")}
GRAPH = {module_name(p): runtime_imports(p) for p in PACKAGE.rglob("*.py")}


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        layer_of(module)


def test_imports_never_go_up_a_layer() -> None:
    for module, imports in GRAPH.items():
        for target in imports:
            assert target in MODULES, (module, target)
            assert layer_of(target) <= layer_of(module), (
                f"{module} (layer {layer_of(module)}) imports {target} (layer {layer_of(target)})"
            )


def test_no_import_cycles() -> None:
    # A package's __init__ re-exports its modules: edges from a package to its own
    # modules are the package's public face, not a dependency of those modules.
    def edges(module: str) -> set[str]:
        return {t for t in GRAPH[module] if not t.startswith(module + ".")}

    state: dict[str, int] = {}

    def visit(module: str, trail: list[str]) -> None:
        state[module] = 1
        for target in sorted(edges(module)):
            if state.get(target) == 1:
                cycle = (
                    [*trail[trail.index(target) :], target]
                    if target in trail
                    else [module, target]
                )
                raise AssertionError("import cycle: " + " -> ".join(cycle))
            if target not in state:
                visit(target, [*trail, target])
        state[module] = 2

    for module in sorted(GRAPH):
        if module not in state:
            visit(module, [module])


def test_the_checker_sees_a_violation(tmp_path: Path) -> None:
    """The walker finds imports inside functions, and ignores type-only ones."""
    sample = PACKAGE / "codec" / "decode.py"
    imports = runtime_imports(sample)
    assert "blobformat.codec.registry" in imports
    assert "blobformat.codec.models" not in imports  # only under TYPE_CHECKING


def test_every_registered_kind_is_public() -> None:
    """Adding a kind: its model must be exported (ARCHITECTURE.md, "Adding a blob kind")."""
    from blobformat.codec import registry

    assert registry.KINDS
    for kind in registry.KINDS:
        assert kind.model.__name__ in blobformat.__all__, kind.name
        assert getattr(blobformat, kind.model.__name__) is kind.model


def test_the_registry_is_the_only_dispatch_table() -> None:
    """Magics are written once (constants.Magic); the dispatcher reads the registry."""
    from blobformat.codec import registry
    from blobformat.constants import Magic

    framed = {k.magic for k in registry.KINDS if k.framed and k.magic}
    assert framed == {m.value.to_bytes(4, "little") for m in Magic}
    # No second table of magics in the dispatcher (its CNG hint names CNG magics only).
    source = (PACKAGE / "codec" / "decode.py").read_text()
    for name in ("DSS1", "DSS2", "DSS3", "DSS4", "DH1", "DH2", "DH3", "DH4"):
        assert name not in source, name


def test_cng_kinds_are_registry_entries() -> None:
    """Each CNG kind is one registry entry; parse finds it by magic (issue 15)."""
    from blobformat.codec import cng, registry
    from blobformat.constants import BlobType

    names = {k.name: k for k in registry.KINDS if k.family == "cng"}
    assert set(names) == {
        "cng-rsa-public",
        "cng-rsa-private",
        "cng-rsa-full-private",
        "cng-ecc-public",
        "cng-ecc-private",
        "cng-ecc-full",
        "cng-dsa-public",
        "cng-dsa-private",
        "cng-dh-public",
        "cng-dh-private",
        "cng-key-data",
    }
    # Every magic of the layout table dispatches, to the kind of its model.
    assert set(registry.BY_CNG_MAGIC) == set(cng.KINDS)
    for magic, table_kind in cng.KINDS.items():
        assert registry.BY_CNG_MAGIC[magic].model is table_kind.model
    assert set(names["cng-ecc-full"].magics) == set(cng.FULL_KINDS)
    for kind in names.values():
        assert not kind.framed and kind.magic_offset == 0 and kind.decode is not None
        assert registry.kind_of(kind.model) is kind
        # A CNG magic never starts with a bType, so it cannot shadow a CryptoAPI blob.
        assert all(m[0] not in set(BlobType) for m in kind.magics)
    # No second dispatch table or hook for CNG in the dispatcher.
    source = (PACKAGE / "codec" / "decode.py").read_text()
    assert "CNG_DISPATCH" not in source and "BY_CNG_MAGIC" in source


def test_a_cng_kind_needs_magics_and_a_decoder() -> None:
    import pytest

    from blobformat.codec import cng, registry

    with pytest.raises(ValueError, match="decoder"):
        registry.Kind(
            "x", cng.CngRSAPublicBlob, framed=False, family="cng", magics=(b"RSA1",)
        )
    with pytest.raises(ValueError, match="schema"):
        registry.Kind("x", blobformat.RSAPublicKeyBlob, magics=(b"RSA1",))
