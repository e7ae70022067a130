# SPDX-License-Identifier: Apache-2.0
"""Other parsers to compare with: OpenSSL (ctypes), malduck, wincrypto, construct.

Every loader returns either the callables it offers or a note saying why it
is unavailable; nothing here raises on a missing or broken peer.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import io
import types
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "OpenSSL",
    "Peer",
    "load_malduck",
    "load_openssl",
    "load_wincrypto",
]

Parser = Callable[[bytes], object]


@dataclass
class Peer:
    """A peer implementation: its parsers by blob kind, or why it is missing."""

    name: str
    version: str = ""
    parsers: dict[str, Parser] = field(default_factory=dict)
    extra: dict[str, Parser] = field(default_factory=dict)
    note: str = ""

    @property
    def available(self) -> bool:
        """Whether any parser could be set up."""
        return bool(self.parsers)


# -- OpenSSL's C parser (pvkfmt.c) through ctypes ----------------------------


def _libcrypto_candidates() -> list[str]:
    out: list[str] = []
    found = ctypes.util.find_library("crypto")
    if found:
        out.append(found)
    for pattern in (
        "/usr/lib/*/libcrypto.so.3",
        "/usr/lib64/libcrypto.so.3",
        "/usr/lib/libcrypto.so.3",
        "/usr/local/lib*/libcrypto.so.3",
        "/opt/homebrew/lib/libcrypto.3.dylib",
        "/usr/local/opt/openssl@3/lib/libcrypto.3.dylib",
    ):
        out.extend(sorted(glob.glob(pattern)))
    return out


class OpenSSL:
    """``b2i_PublicKey`` / ``b2i_PrivateKey`` / ``b2i_PVK_bio`` from libcrypto.

    Each call parses into an ``EVP_PKEY`` and frees it again, so a row costs
    two ctypes calls (about 0.1-0.3 µs each on its own, see
    :meth:`call_overhead`).
    """

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        self.path = path
        self._lib = lib
        pp = ctypes.POINTER(ctypes.c_char_p)
        self._b2i_pub = lib.b2i_PublicKey
        self._b2i_pub.argtypes = [pp, ctypes.c_long]
        self._b2i_pub.restype = ctypes.c_void_p
        self._b2i_priv = lib.b2i_PrivateKey
        self._b2i_priv.argtypes = [pp, ctypes.c_long]
        self._b2i_priv.restype = ctypes.c_void_p
        self._free = lib.EVP_PKEY_free
        self._free.argtypes = [ctypes.c_void_p]
        self._free.restype = None
        self._bio_new = lib.BIO_new_mem_buf
        self._bio_new.argtypes = [ctypes.c_char_p, ctypes.c_int]
        self._bio_new.restype = ctypes.c_void_p
        self._bio_free = lib.BIO_free
        self._bio_free.argtypes = [ctypes.c_void_p]
        self._bio_free.restype = ctypes.c_int
        self._b2i_pvk = lib.b2i_PVK_bio
        self._b2i_pvk.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_void_p]
        self._b2i_pvk.restype = ctypes.c_void_p
        version = lib.OpenSSL_version
        version.argtypes = [ctypes.c_int]
        version.restype = ctypes.c_char_p
        self.version = (version(0) or b"?").decode()
        self._version_num = lib.OpenSSL_version_num
        self._version_num.argtypes = []
        self._version_num.restype = ctypes.c_ulong

    def public(self, data: bytes) -> None:
        """Parse a PUBLICKEYBLOB (RSA1 or DSS1) into an EVP_PKEY and free it."""
        ptr = ctypes.c_char_p(data)
        key = self._b2i_pub(ctypes.byref(ptr), len(data))
        if not key:
            raise ValueError("b2i_PublicKey failed")
        self._free(key)

    def private(self, data: bytes) -> None:
        """Parse a PRIVATEKEYBLOB (RSA2 or DSS2) into an EVP_PKEY and free it."""
        ptr = ctypes.c_char_p(data)
        key = self._b2i_priv(ctypes.byref(ptr), len(data))
        if not key:
            raise ValueError("b2i_PrivateKey failed")
        self._free(key)

    def pvk(self, data: bytes) -> None:
        """Parse an unencrypted PVK file through a memory BIO."""
        bio = self._bio_new(data, len(data))
        try:
            key = self._b2i_pvk(bio, None, None)
        finally:
            self._bio_free(bio)
        if not key:
            raise ValueError("b2i_PVK_bio failed")
        self._free(key)

    def noop(self) -> int:
        """One trivial ctypes call (``OpenSSL_version_num``): the call overhead."""
        return int(self._version_num())


def load_openssl() -> tuple[OpenSSL | None, str]:
    """Find libcrypto and its b2i functions; return it or why not."""
    errors = []
    for path in _libcrypto_candidates():
        try:
            return OpenSSL(path), ""
        except (OSError, AttributeError) as err:
            errors.append(f"{path}: {err}")
    if not errors:
        return (
            None,
            "libcrypto not found (ctypes.util.find_library('crypto') and system paths)",
        )
    return None, "; ".join(errors)


# -- malduck ------------------------------------------------------------------


def load_malduck() -> Peer:
    """malduck's BLOBHEADER + (Public|Private)KeyBlob parsers.

    ``parsers`` run exactly the parsing steps of ``malduck.rsa.import_key``
    (header, type and ALG_ID checks, ``BlobTypes[bType]().parse(buf)``)
    without its first attempt to read the input as PEM/DER and without its
    final PEM export; ``extra`` has the full ``malduck.rsa.import_key``.
    """
    peer = Peer("malduck")
    try:
        import malduck
        from malduck.crypto.rsa import RSA as MRSA
        from malduck.crypto.rsa import BlobTypes
        from malduck.crypto.winhdr import BLOBHEADER as _BLOBHEADER
    except Exception as err:
        peer.note = (
            f"not importable ({type(err).__name__}: {err}); try `pip install malduck`"
        )
        return peer
    peer.version = str(getattr(malduck, "__version__", "")) or _dist_version("malduck")
    header_cls: Any = _BLOBHEADER  # malduck is untyped
    header_size = header_cls.sizeof()

    def parse(data: bytes) -> object:
        if len(data) < header_size:
            return None
        buf = io.BytesIO(data)
        header = header_cls.parse(buf.read(header_size))
        if header.bType not in BlobTypes:
            return None
        if header.aiKeyAlg not in MRSA.algorithms:
            return None
        obj = BlobTypes[header.bType]()
        obj.parse(buf)
        return obj

    peer.parsers = {"rsa-public": parse, "rsa-private": parse}
    peer.extra = {"import_key": malduck.rsa.import_key}
    return peer


# -- wincrypto ----------------------------------------------------------------


class _NoConstruct:
    """Stands in for pycryptodome's ``RSA`` so that only parsing is timed."""

    @staticmethod
    def construct(components: tuple[int, ...], *_a: Any, **_k: Any) -> tuple[int, ...]:
        return components


def load_wincrypto() -> Peer:
    """wincrypto's ``CryptImportKey``, full and parse-only.

    wincrypto parses and builds a pycryptodome key in one function. The
    parse-only variant runs wincrypto's own code objects unchanged, with
    ``RSA.construct`` replaced by a function that returns its argument.
    ``extra`` has the real ``CryptImportKey`` (the private key import runs
    pycryptodome's consistency check, which includes primality tests).
    """
    peer = Peer("wincrypto")
    try:
        import wincrypto  # type: ignore[import-untyped, unused-ignore]
        from wincrypto import (  # type: ignore[import-untyped, unused-ignore]
            algorithms,
            api,
            constants,
        )
    except Exception as err:
        peer.note = (
            f"not importable ({type(err).__name__}: {err}); try `pip install wincrypto`"
        )
        return peer
    peer.version = _dist_version("wincrypto")
    try:
        glb = dict(vars(algorithms))
        glb["RSA"] = _NoConstruct
        base = algorithms.RSA_KEYX

        def copy(name: str) -> classmethod[Any, Any, Any]:
            fn = getattr(base, name).__func__
            return classmethod(
                types.FunctionType(
                    fn.__code__, glb, fn.__name__, fn.__defaults__, fn.__closure__
                )
            )

        parse_only_cls = type(
            "RSA_KEYX_parse_only",
            (base,),
            {
                "import_publickeyblob": copy("import_publickeyblob"),
                "import_privatekeyblob": copy("import_privatekeyblob"),
            },
        )
        api_glb = dict(vars(api))
        api_glb["algorithm_registry"] = {
            **algorithms.algorithm_registry,
            constants.CALG_RSA_KEYX: parse_only_cls,
        }
        fn = api.CryptImportKey
        parse_only = types.FunctionType(
            fn.__code__, api_glb, fn.__name__, fn.__defaults__
        )
    except Exception as err:
        peer.note = (
            f"could not set up the parse-only variant ({type(err).__name__}: {err})"
        )
        return peer
    peer.parsers = {"rsa-public": parse_only, "rsa-private": parse_only}
    peer.extra = {"CryptImportKey": wincrypto.CryptImportKey}
    return peer


def _dist_version(name: str) -> str:
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return ""
