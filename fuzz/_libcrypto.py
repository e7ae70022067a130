# SPDX-License-Identifier: Apache-2.0
"""OpenSSL's MSBLOB/PVK readers (``crypto/pem/pvkfmt.c``) through ctypes, for the differential harness.

:func:`load` finds ``libcrypto`` (OpenSSL 3) and returns a :class:`LibCrypto`
or the reason it could not. Each reader returns the numbers of the key
OpenSSL built, under the names of ``_fuzzlib.key_numbers``, or ``None`` when
OpenSSL refused the input; OpenSSL's error queue is cleared after every
call and every key is freed.

- :meth:`LibCrypto.public` is ``b2i_PublicKey`` on an in-memory buffer;
- :meth:`LibCrypto.private` is ``b2i_PrivateKey``;
- :meth:`LibCrypto.pvk` is ``b2i_PVK_bio`` on a memory BIO, with a password
  callback that always answers the password given (never the terminal
  prompt OpenSSL uses without a callback). RC4 lives in OpenSSL 3's legacy
  provider, which :func:`load` loads next to the default one;
  :attr:`LibCrypto.rc4` says whether that worked.

Numbers are read with the (deprecated but exported) ``RSA_get0_*`` and
``DSA_get0_*`` accessors and ``BN_bn2bin``.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
from dataclasses import dataclass

__all__ = ["LibCrypto", "OpenSSLKey", "load"]

_EVP_PKEY_RSA = 6
_EVP_PKEY_DSA = 116
_PEM_BUFSIZE = 1024

_PasswordCallback = ctypes.CFUNCTYPE(
    ctypes.c_int,
    ctypes.POINTER(ctypes.c_char),
    ctypes.c_int,
    ctypes.c_int,
    ctypes.c_void_p,
)


@dataclass(frozen=True)
class OpenSSLKey:
    """What OpenSSL built: ``"rsa"`` or ``"dsa"``, public or private, and the numbers."""

    family: str
    private: bool
    numbers: dict[str, int]


def _candidates() -> list[str]:
    found = ctypes.util.find_library("crypto")
    out = [found] if found else []
    for pattern in (
        "/usr/lib/*/libcrypto.so.3",
        "/usr/lib64/libcrypto.so.3",
        "/usr/lib/libcrypto.so.3",
        "/usr/local/lib*/libcrypto.so.3",
        "/opt/homebrew/lib/libcrypto.3.dylib",
    ):
        out.extend(sorted(glob.glob(pattern)))
    return out


class LibCrypto:
    """Bindings to one libcrypto; see the module docstring."""

    def __init__(self, path: str) -> None:
        lib = ctypes.CDLL(path)
        self.path = path
        self._lib = lib
        vp, cp = ctypes.c_void_p, ctypes.c_char_p
        self._fn("OpenSSL_version", [ctypes.c_int], cp)
        self._fn("b2i_PublicKey", [ctypes.POINTER(cp), ctypes.c_long], vp)
        self._fn("b2i_PrivateKey", [ctypes.POINTER(cp), ctypes.c_long], vp)
        self._fn("b2i_PVK_bio", [vp, _PasswordCallback, vp], vp)
        self._fn("BIO_new_mem_buf", [cp, ctypes.c_int], vp)
        self._fn("BIO_free", [vp], ctypes.c_int)
        self._fn("EVP_PKEY_free", [vp], None)
        self._fn("EVP_PKEY_get_base_id", [vp], ctypes.c_int)
        self._fn("EVP_PKEY_get0_RSA", [vp], vp)
        self._fn("EVP_PKEY_get0_DSA", [vp], vp)
        self._fn(
            "RSA_get0_key",
            [vp, ctypes.POINTER(vp), ctypes.POINTER(vp), ctypes.POINTER(vp)],
            None,
        )
        self._fn("RSA_get0_factors", [vp, ctypes.POINTER(vp), ctypes.POINTER(vp)], None)
        self._fn(
            "RSA_get0_crt_params",
            [vp, ctypes.POINTER(vp), ctypes.POINTER(vp), ctypes.POINTER(vp)],
            None,
        )
        self._fn(
            "DSA_get0_pqg",
            [vp, ctypes.POINTER(vp), ctypes.POINTER(vp), ctypes.POINTER(vp)],
            None,
        )
        self._fn("DSA_get0_key", [vp, ctypes.POINTER(vp), ctypes.POINTER(vp)], None)
        self._fn("BN_num_bits", [vp], ctypes.c_int)
        self._fn("BN_bn2bin", [vp, ctypes.c_char_p], ctypes.c_int)
        self._fn("ERR_clear_error", [], None)
        self._fn("OSSL_PROVIDER_load", [vp, cp], vp)
        self.version = (lib.OpenSSL_version(0) or b"?").decode()
        default = lib.OSSL_PROVIDER_load(None, b"default")
        legacy = lib.OSSL_PROVIDER_load(None, b"legacy")
        lib.ERR_clear_error()
        #: Whether RC4 (the legacy provider) is available for encrypted PVK files.
        self.rc4 = bool(default) and bool(legacy)
        self._password = b""
        self._callback = _PasswordCallback(self._answer)

    def _fn(self, name: str, args: list[object], result: object) -> None:
        fn = getattr(self._lib, name)
        fn.argtypes = args
        fn.restype = result

    def _answer(
        self, buf: ctypes.Array[ctypes.c_char], size: int, _rw: int, _u: object
    ) -> int:
        secret = self._password[: max(0, min(size, _PEM_BUFSIZE))]
        ctypes.memmove(buf, secret, len(secret))
        return len(secret)

    def _bn(self, bn: int | None) -> int | None:
        if not bn:
            return None
        bits = self._lib.BN_num_bits(bn)
        buf = ctypes.create_string_buffer(max(1, (bits + 7) // 8))
        length = self._lib.BN_bn2bin(bn, buf)
        return int.from_bytes(buf.raw[:length], "big")

    def _numbers(self, pkey: int) -> OpenSSLKey | None:
        lib = self._lib
        kind = lib.EVP_PKEY_get_base_id(pkey)
        ptrs = [ctypes.c_void_p() for _ in range(8)]
        names: tuple[str, ...]
        if kind == _EVP_PKEY_RSA:
            rsa = lib.EVP_PKEY_get0_RSA(pkey)
            lib.RSA_get0_key(rsa, *(ctypes.byref(p) for p in ptrs[:3]))
            lib.RSA_get0_factors(rsa, *(ctypes.byref(p) for p in ptrs[3:5]))
            lib.RSA_get0_crt_params(rsa, *(ctypes.byref(p) for p in ptrs[5:8]))
            names = ("n", "e", "d", "p", "q", "dp", "dq", "qinv")
            family = "rsa"
        elif kind == _EVP_PKEY_DSA:
            dsa = lib.EVP_PKEY_get0_DSA(pkey)
            lib.DSA_get0_pqg(dsa, *(ctypes.byref(p) for p in ptrs[:3]))
            lib.DSA_get0_key(dsa, *(ctypes.byref(p) for p in ptrs[3:5]))
            names = ("p", "q", "g", "y", "x")
            family = "dsa"
        else:
            return None
        values = {name: self._bn(ptrs[i].value) for i, name in enumerate(names)}
        numbers = {name: value for name, value in values.items() if value is not None}
        private = ("d" if family == "rsa" else "x") in numbers
        return OpenSSLKey(family, private, numbers)

    def _finish(self, pkey: int | None) -> OpenSSLKey | None:
        try:
            return self._numbers(pkey) if pkey else None
        finally:
            if pkey:
                self._lib.EVP_PKEY_free(pkey)
            self._lib.ERR_clear_error()

    def public(self, data: bytes) -> OpenSSLKey | None:
        """``b2i_PublicKey``: the key, or None."""
        ptr = ctypes.c_char_p(data)
        return self._finish(self._lib.b2i_PublicKey(ctypes.byref(ptr), len(data)))

    def private(self, data: bytes) -> OpenSSLKey | None:
        """``b2i_PrivateKey``: the key, or None."""
        ptr = ctypes.c_char_p(data)
        return self._finish(self._lib.b2i_PrivateKey(ctypes.byref(ptr), len(data)))

    def pvk(self, data: bytes, password: bytes) -> OpenSSLKey | None:
        """``b2i_PVK_bio`` with a callback answering ``password``: the key, or None."""
        self._password = password
        bio = self._lib.BIO_new_mem_buf(data, len(data))
        if not bio:
            raise MemoryError("BIO_new_mem_buf failed")
        try:
            pkey = self._lib.b2i_PVK_bio(bio, self._callback, None)
        finally:
            self._lib.BIO_free(bio)
        return self._finish(pkey)


def load() -> tuple[LibCrypto | None, str]:
    """A :class:`LibCrypto`, or ``None`` and why none could be loaded."""
    errors = []
    for path in _candidates():
        try:
            return LibCrypto(path), ""
        except (OSError, AttributeError) as err:
            errors.append(f"{path}: {err}")
    return None, "; ".join(errors) or "libcrypto not found"
