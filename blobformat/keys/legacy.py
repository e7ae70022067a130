# SPDX-License-Identifier: Apache-2.0
"""cryptography's DSA and finite-field DH, reached only when a DSS or DH key is used.

cryptography deprecates finite-field DH (release 50) and DSA (release 51) and
warns on every access to their names; it says both will be removed. DSS and
DH blobs are two of the three key families CryptoAPI writes, so blobformat
keeps them working in three tiers (SPEC §14.4):

* nothing here runs at ``import blobformat`` or for an RSA key;
* when a caller hands a DSA/DH key object across the API (``load_*_key``
  returns one, ``dump_*_key`` takes one), cryptography's own warnings, which
  would point into blobformat, are silenced and one
  :class:`~blobformat.errors.LegacyKeyWarning` points at the caller's line
  instead; it is issued only by versions of cryptography that deprecate the
  family;
* when cryptography no longer has the family, :func:`family` reports it and
  the key functions raise ``KeyConversionError`` [KEY-11] pointing to
  :func:`blobformat.export_private_key`, which needs no key object at all.

Exports :func:`family`, :func:`quiet`, :func:`warn_caller` and
:func:`is_instance`.
"""

from __future__ import annotations

import contextlib
import importlib
import sys
import warnings
from collections.abc import Iterator
from dataclasses import dataclass
from types import FrameType, ModuleType
from typing import Any, Literal

from cryptography.utils import CryptographyDeprecationWarning

from blobformat.errors import KeyConversionError, LegacyKeyWarning

__all__ = [
    "Family",
    "FamilyName",
    "family",
    "is_instance",
    "quiet",
    "require",
    "warn_caller",
]

FamilyName = Literal["dsa", "dh"]

_MODULES: dict[FamilyName, str] = {
    "dsa": "cryptography.hazmat.primitives.asymmetric.dsa",
    "dh": "cryptography.hazmat.primitives.asymmetric.dh",
}
# The names blobformat uses from each module; all must be present.
_NAMES: dict[FamilyName, tuple[str, ...]] = {
    "dsa": ("DSAPublicKey", "DSAPrivateKey", "DSAParameterNumbers", "DSAPublicNumbers"),
    "dh": (
        "DHPublicKey",
        "DHPrivateKey",
        "DHParameters",
        "DHParameterNumbers",
        "DHPublicNumbers",
    ),
}
# The rule that specifies the warning (SPEC §14.4).
_WARNING_RULE = "KEY-10"
_LABEL: dict[FamilyName, str] = {"dsa": "DSA", "dh": "finite-field Diffie-Hellman"}


@dataclass(frozen=True)
class Family:
    """What the installed cryptography offers for one key family."""

    name: FamilyName
    #: The looked-up classes by name; empty when cryptography has removed them.
    classes: dict[str, Any]
    #: Whether this version of cryptography deprecates the family.
    deprecated: bool

    @property
    def available(self) -> bool:
        """Whether cryptography still provides the family's key classes."""
        return bool(self.classes)

    def __getattr__(self, name: str) -> Any:
        try:
            return self.classes[name]
        except KeyError:
            raise AttributeError(name) from None


_cache: dict[FamilyName, Family] = {}


def family(name: FamilyName) -> Family:
    """Look up a family's classes once, without letting cryptography warn.

    The look-up is cached: it happens on the first DSS/DH call, never at import.
    """
    found = _cache.get(name)
    if found is None:
        found = _cache[name] = _look_up(name)
    return found


def _look_up(name: FamilyName) -> Family:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CryptographyDeprecationWarning)
        try:
            module: ModuleType | None = importlib.import_module(_MODULES[name])
        except ImportError:
            module = None
        classes: dict[str, Any] = {}
        if module is not None:
            try:
                classes = {attr: getattr(module, attr) for attr in _NAMES[name]}
            except AttributeError:
                classes = {}
    deprecated = any(
        issubclass(w.category, CryptographyDeprecationWarning) for w in caught
    )
    return Family(name=name, classes=classes, deprecated=deprecated)


def require(name: FamilyName, *, what: str) -> Family:
    """The family, or the KEY-11 refusal when cryptography no longer has it."""
    found = family(name)
    if not found.available:
        raise KeyConversionError(
            f"this version of cryptography no longer provides {_LABEL[name]} keys, so "
            f"the {what} key cannot become a key object; blobformat.export_private_key() "
            "and export_public_key() convert the blob to PKCS#8 / SubjectPublicKeyInfo "
            "without it (relation: key type provided by cryptography)",
            relation="key type provided by cryptography",
            rule="KEY-11",
        )
    return found


def is_instance(obj: object, name: FamilyName, *class_names: str) -> bool:
    """``isinstance`` against a family's classes; False when the family is gone.

    Only called for objects that are not RSA keys, so an RSA call never looks
    the family up.
    """
    found = family(name)
    return any(
        isinstance(obj, found.classes[c]) for c in class_names if c in found.classes
    )


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Silence cryptography's deprecation warnings raised inside blobformat.

    They would point at blobformat's own lines; :func:`warn_caller` reports
    the deprecation to the caller instead.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        yield


def warn_caller(name: FamilyName, *, returned: bool) -> None:
    """Issue one LegacyKeyWarning at the first frame outside blobformat.

    Nothing is issued when the installed cryptography does not deprecate the
    family. ``returned``: the key object is handed to the caller (load) or
    taken from the caller (dump).
    """
    if not family(name).deprecated:
        return
    verb = "returns" if returned else "takes"
    warnings.warn(
        f"this call {verb} a {_LABEL[name]} key object: cryptography deprecates "
        f"{_LABEL[name]} and says it will remove it. blobformat.export_private_key() "
        "and export_public_key() convert DSS and DH blobs to PKCS#8 and "
        f"SubjectPublicKeyInfo without cryptography's key classes (SPEC {_WARNING_RULE}).",
        LegacyKeyWarning,
        stacklevel=_caller_stacklevel(),
    )


def _caller_stacklevel() -> int:
    """The ``stacklevel`` of the nearest frame outside the blobformat package."""
    frame: FrameType | None = sys._getframe(1)  # warn_caller's frame
    level = 1
    while frame is not None:
        module = frame.f_globals.get("__name__", "")
        if module != "blobformat" and not module.startswith("blobformat."):
            return level
        frame = frame.f_back
        level += 1
    return level
