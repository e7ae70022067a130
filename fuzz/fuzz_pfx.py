# SPDX-License-Identifier: Apache-2.0
"""Fuzz ``pfx_to_pvk``, ``pvk_to_pfx`` and ``certs_to_spc`` (SPEC §14.8).

The input is read as choices (``_fuzzlib.Choices``); its first choice picks
the target:

``read`` (0)
    ``pfx_to_pvk(pfx, password, pvk_password=...)`` on hostile PFX bytes (the
    rest of the input), with the fixed PFX password, the empty one or hostile
    password bytes, writing a plain or an encrypted PVK file. Seeds: the PFX
    files of ``fuzz/keys`` (3DES and AES-256, with a MAC) and PFX files without
    a MAC (``_certs.unprotected_pfx``), whose every byte reaches the parser.
``write`` (1)
    ``pvk_to_pfx`` on hostile PVK bytes (plain or encrypted, with no, the
    right or a wrong PVK password) with the certificate of a fixed key.
``certs`` (2)
    ``certs_to_spc`` and ``pvk_to_pfx`` (fixed ``rsa-520`` or ``dsa-1024``
    PVK file) on one to three hostile certificate sources.

Invariant. For any choices:

- every call returns or raises a documented ``BlobError`` subclass, never
  another exception: ``pfx_to_pvk`` only ``PasswordError`` PFX-2 (one
  message, field ``pfx_password``, no offset, no cause, whatever went
  wrong), ``UnsupportedBlobError`` PFX-3 or PFX-6 (iteration counts above
  the default bound, found before ``cryptography``'s reader runs: finding
  F6), ``KeyMismatchError`` PFX-1, or ``KeyConversionError`` with the
  KEY-1..KEY-5 rule ``load_pvk`` would give (PFX-3);
  ``pvk_to_pfx`` fails exactly as ``load_pvk`` does on the same file and
  password, and otherwise only with ``KeyMismatchError`` PFX-1 when the key
  is not the certificate's (SubjectPublicKeyInfo compared here) or with a
  PFX-4 certificate error; ``certs_to_spc`` only with PFX-4
  (``UnsupportedBlobError`` naming a source ``certificates[i]`` that exists,
  or ``InvalidParameterError``), and ``pvk_to_pfx`` fails the same way on
  the same sources;
- an accepted PFX gives a PVK file that ``load_pvk`` reads (with the PVK
  password when one was given, and not without it) to the key
  ``cryptography``'s own PKCS #12 reader finds, with the key's certificate
  first; written again with ``pvk_to_pfx`` and read back, it gives the same
  key numbers and the same certificates in the same order;
- a PFX ``pvk_to_pfx`` writes reads back (``pfx_to_pvk``) to the PVK's key
  numbers, with the key's certificate first and the same certificates;
- an accepted set of certificate sources gives an SPC that reads back to the
  same certificates (as a set: the SPC sorts them), and writing that SPC's
  certificates again gives the same bytes;
- no error message, repr or hint shows a private number of a fixed key or
  of the key in a hostile PVK file (decimal, or hex in either byte order);
- every accepted certificate reads back alone from a PKCS #7 bundle (F7);
- no call issues a warning: neither ``cryptography``'s BER fallback (F9) nor
  its deprecation warnings (F10, KEY-10);
- memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from typing import TypeVar

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf
    from blobformat.keys.pfx import load_certificates

import _certs
from _fuzzlib import (
    PASSWORD,
    Choices,
    Outcome,
    attempt,
    check_no_secret,
    check_uniform_error,
    dsa_key,
    key_numbers,
    model_numbers,
    require,
    rsa_key,
    same_failure,
    secret_texts,
)
from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.utils import CryptographyDeprecationWarning

#: The password pvk_to_pfx is given when this harness writes a PFX.
ROUND_TRIP_PASSWORD = b"fuzz-round-trip"
_PRIVATE_NAMES = ("d", "p", "q", "dp", "dq", "qinv", "x")
T = TypeVar("T")
#: What pfx_to_pvk may raise besides PasswordError PFX-2.
_READ_ERRORS = frozenset(
    {
        (bf.UnsupportedBlobError, "PFX-3"),
        (bf.UnsupportedBlobError, "PFX-6"),
        (bf.KeyMismatchError, "PFX-1"),
        *((bf.KeyConversionError, f"KEY-{n}") for n in range(1, 6)),
    }
)


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # DSA is deprecated by cryptography 51, and blobformat answers with LegacyKeyWarning.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        warnings.simplefilter("ignore", bf.LegacyKeyWarning)
        yield


_FIXED_SECRETS: set[str] = set()
_FIXED_PVK: dict[str, bytes] = {}


def _fixed() -> tuple[frozenset[str], dict[str, bytes]]:
    if not _FIXED_PVK:
        with _quiet():
            for name in _certs.CERT_KEYS:
                key = dsa_key(name) if name.startswith("dsa") else rsa_key(name)
                _FIXED_SECRETS.update(secret_texts(key_numbers(key), _PRIVATE_NAMES))
                _FIXED_PVK[name] = bf.dump_pvk(key)  # type: ignore[arg-type]
    return frozenset(_FIXED_SECRETS), _FIXED_PVK


# -- independent views ------------------------------------------------------------------


def _spki(key: object) -> bytes:
    with _quiet():
        return key.public_key().public_bytes(  # type: ignore[attr-defined,no-any-return]
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def _cert_spki(cert: x509.Certificate) -> bytes | None:
    """The certificate's SubjectPublicKeyInfo, or None when its key does not load.

    A key type cryptography does not know is no PVK's key: the library keeps
    such a certificate and matches the key against the others.
    """
    try:
        with _quiet():
            return cert.public_key().public_bytes(
                serialization.Encoding.DER,
                serialization.PublicFormat.SubjectPublicKeyInfo,
            )
    except (ValueError, UnsupportedAlgorithm):
        return None


def _well_formed(cert: x509.Certificate) -> bool:
    """Whether the certificate reads back alone from a PKCS #7 bundle.

    cryptography's own X.509 parser is lazier and laxer than OpenSSL's, which
    reads PKCS #7 and PKCS #12 (finding F7): what OpenSSL refuses would make
    an SPC or PFX no reader reads. Fields OpenSSL also decodes only on demand
    (extensions) may not decode; the SPC and PFX still read back.
    """
    try:
        with _quiet():
            bundle = pkcs7.serialize_certificates([cert], serialization.Encoding.DER)
            back = pkcs7.load_der_pkcs7_certificates(bundle)
    except (ValueError, UnsupportedAlgorithm):
        return False
    return _der(back) == _der([cert])


def _der(certs: Sequence[x509.Certificate]) -> list[bytes]:
    return [c.public_bytes(serialization.Encoding.DER) for c in certs]


def _secrets_of_pvk(pvk: bytes) -> frozenset[str]:
    try:
        model = bf.parse(pvk)
    except bf.BlobError:
        return frozenset()
    blob = model.blob if isinstance(model, bf.PVKFile) else model
    return (
        secret_texts(model_numbers(blob), _PRIVATE_NAMES)
        if blob is not None
        else frozenset()
    )


def _recorded(
    call: Callable[[], T], size: int, secrets: frozenset[str], what: str
) -> Outcome[T]:
    """``attempt(call)``, checking that it issues no warning.

    Warnings were findings F9 (cryptography's BER fallback warning, an
    exception under -W error) and F10 (cryptography's DSA deprecation warning
    passed on, which KEY-10 forbids); no DSA key object crosses these calls,
    so blobformat's own LegacyKeyWarning is not issued either.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = attempt(call, size)
    for warning in caught:
        require(False, f"{what} warned: {warning.category.__name__}: {warning.message}")
    if out.error is not None:
        check_no_secret(out.error, secrets)
    return out


def _escaped(*outcomes: Outcome[object]) -> bool:
    """Whether a call let through an exception an open finding explains (none now)."""
    return any(out.escaped is not None for out in outcomes)


def _round_trip(
    pvk: bytes,
    pvk_password: bytes | None,
    certs: list[x509.Certificate],
    numbers: dict[str, int],
    what: str,
) -> None:
    """pvk_to_pfx then pfx_to_pvk gives the same key and certificates (3DES: fast)."""
    with _quiet():  # warnings are checked where the harness records them
        pfx = bf.pvk_to_pfx(
            pvk,
            certs,
            pvk_password=pvk_password,
            pfx_password=ROUND_TRIP_PASSWORD,
            encryption="3des",
        )
        pvk_again, certs_again = bf.pfx_to_pvk(pfx, ROUND_TRIP_PASSWORD)
        key = bf.load_pvk(pvk_again)
    require(key_numbers(key) == numbers, f"{what}: the round trip changed the key")
    require(
        _der(certs_again) == _der(certs),
        f"{what}: the round trip changed the certificates",
    )


# -- targets ----------------------------------------------------------------------------


def _read(c: Choices, secrets: frozenset[str]) -> None:
    which = c.int(0, 2)
    password = (_certs.PFX_PASSWORD, b"", None)[which]
    if password is None:
        password = c.take(c.int(0, 32))
    pvk_password = PASSWORD if c.flag() else None
    pfx = c.rest()
    out = _recorded(
        lambda: bf.pfx_to_pvk(pfx, password, pvk_password=pvk_password),
        len(pfx),
        secrets,
        "pfx_to_pvk",
    )
    if _escaped(out):
        return
    if out.error is not None:
        err = out.error
        if isinstance(err, bf.PasswordError):
            require(err.rule == "PFX-2", f"pfx_to_pvk: {out.describe()}")
            check_uniform_error("pfx_to_pvk", err, "pfx_password")
        else:
            require(
                (type(err), err.rule) in _READ_ERRORS,
                f"pfx_to_pvk: undocumented {out.describe()}",
            )
        return
    assert out.value is not None
    pvk, certs = out.value
    with _quiet():
        theirs = pkcs12.load_key_and_certificates(pfx, password)
        loaded = attempt(lambda: bf.load_pvk(pvk, pvk_password), len(pvk))
    # F8 (fixed): the key in a PFX is checked as SPEC §14.2 says before it is written.
    require(
        loaded.ok, f"pfx_to_pvk wrote a PVK file load_pvk refuses: {loaded.describe()}"
    )
    key = loaded.value
    numbers = key_numbers(key)
    require(
        theirs[0] is not None and key_numbers(theirs[0]) == numbers,
        "pfx_to_pvk: the PVK's key is not the PFX's",
    )
    if pvk_password is not None:
        bare = attempt(lambda: bf.load_pvk(pvk), len(pvk))
        require(
            isinstance(bare.error, bf.PasswordError),
            "pfx_to_pvk: the PVK is not encrypted",
        )
    given = ([theirs[1]] if theirs[1] is not None else []) + list(theirs[2])
    require(
        sorted(_der(certs)) == sorted(_der(given)), "pfx_to_pvk: certificates differ"
    )
    if not certs:
        return
    require(
        _cert_spki(certs[0]) == _spki(key),
        "pfx_to_pvk: the key's certificate is not first",
    )
    _round_trip(pvk, pvk_password, certs, numbers, "pfx_to_pvk")


def _write(c: Choices, secrets: frozenset[str]) -> None:
    cert = _certs.certificate(c.pick(_certs.CERT_KEYS))
    pvk_password = c.pick((None, PASSWORD, b"wrong password"))
    encryption = "aes256" if c.int(0, 7) == 0 else "3des"
    pvk = c.rest()
    secrets = secrets | _secrets_of_pvk(pvk)
    with _quiet():
        loaded = attempt(lambda: bf.load_pvk(pvk, pvk_password), len(pvk))
    out = _recorded(
        lambda: bf.pvk_to_pfx(
            pvk,
            cert,
            pvk_password=pvk_password,
            pfx_password=_certs.PFX_PASSWORD,
            encryption=encryption,
        ),  # type: ignore[arg-type]
        len(pvk),
        secrets,
        "pvk_to_pfx",
    )
    if _escaped(out):
        return
    if loaded.error is not None:
        require(
            out.error is not None and same_failure(out.error, loaded.error),
            f"pvk_to_pfx: {out.describe()}, load_pvk gives {loaded.describe()}",
        )
        return
    if _spki(loaded.value) != _cert_spki(cert):
        require(
            isinstance(out.error, bf.KeyMismatchError) and out.error.rule == "PFX-1",
            f"pvk_to_pfx with another key's certificate: {out.describe()}",
        )
        return
    require(out.ok, f"pvk_to_pfx: {out.describe()}, the key is the certificate's")
    assert isinstance(out.value, bytes)
    with _quiet():
        back = bf.pfx_to_pvk(out.value, _certs.PFX_PASSWORD)
        require(
            key_numbers(bf.load_pvk(back[0])) == key_numbers(loaded.value),
            "pvk_to_pfx/pfx_to_pvk changed the key",
        )
    require(
        _der(back[1]) == _der([cert]), "pvk_to_pfx/pfx_to_pvk changed the certificate"
    )


def _certificates(c: Choices, secrets: frozenset[str]) -> None:
    name = c.pick(("rsa-520", "dsa-1024"))
    count = c.int(1, 3)
    sources = [c.take(c.int(0, 0xFFFE)) for _ in range(count - 1)] + [c.rest()]
    size = sum(len(s) for s in sources)
    spc = _recorded(lambda: bf.certs_to_spc(sources), size, secrets, "certs_to_spc")
    pvk = _fixed()[1][name]
    pfx = _recorded(
        lambda: bf.pvk_to_pfx(
            pvk, sources, pfx_password=_certs.PFX_PASSWORD, encryption="3des"
        ),
        size,
        secrets,
        "pvk_to_pfx",
    )
    if _escaped(spc, pfx):
        return
    if spc.error is not None:
        err = spc.error
        fields = [f"certificates[{i}]" for i in range(count)]
        require(
            err.rule == "PFX-4"
            and (
                (type(err) is bf.UnsupportedBlobError and err.field in fields)
                or (
                    type(err) is bf.InvalidParameterError
                    and err.field == "certificates"
                )
            ),
            f"certs_to_spc: undocumented {spc.describe()}",
        )
        require(
            pfx.error is not None and same_failure(pfx.error, err),
            f"pvk_to_pfx: {pfx.describe()}, certs_to_spc gives {spc.describe()}",
        )
        return
    assert isinstance(spc.value, bytes)
    certs = load_certificates(sources)
    bad = [i for i, cert in enumerate(certs) if not _well_formed(cert)]
    require(not bad, f"certs_to_spc accepted malformed certificates {bad} (F7)")
    from_spc = pkcs7.load_der_pkcs7_certificates(spc.value)
    require(
        sorted(_der(from_spc)) == sorted(_der(certs)), "certs_to_spc lost certificates"
    )
    require(bf.certs_to_spc(spc.value) == spc.value, "certs_to_spc is not canonical")
    with _quiet():
        key = bf.load_pvk(pvk)
    matching = [cert for cert in certs if _cert_spki(cert) == _spki(key)]
    if not matching:
        require(
            isinstance(pfx.error, bf.KeyMismatchError) and pfx.error.rule == "PFX-1",
            f"pvk_to_pfx with no matching certificate: {pfx.describe()}",
        )
        return
    require(pfx.ok, f"pvk_to_pfx: {pfx.describe()}, a certificate matches")
    assert isinstance(pfx.value, bytes)
    with _quiet():
        pvk_back, certs_back = bf.pfx_to_pvk(pfx.value, _certs.PFX_PASSWORD)
        require(
            key_numbers(bf.load_pvk(pvk_back)) == key_numbers(key),
            "pvk_to_pfx/pfx_to_pvk changed the key",
        )
    first = certs.index(matching[0])
    expected = [certs[first], *certs[:first], *certs[first + 1 :]]
    require(
        _der(certs_back) == _der(expected),
        "pvk_to_pfx: certificates not key's first, then in the order given",
    )


TARGETS = (_read, _write, _certificates)


def check(data: bytes) -> None:
    """Check the invariant above for one input."""
    secrets, _ = _fixed()
    c = Choices(data)
    target = TARGETS[c.int(0, len(TARGETS) - 1)]
    target(c, secrets)


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
