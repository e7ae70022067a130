# SPDX-License-Identifier: Apache-2.0
"""PVK files and certificates to PFX (PKCS #12) files and back (SPEC §14.8).

Exports :func:`pvk_to_pfx` (Microsoft's ``pvk2pfx``), :func:`pfx_to_pvk`,
:func:`certs_to_spc` (``cert2spc``) and :func:`load_certificates`.

Code-signing keys still travel as a ``.pvk`` file and a ``.spc`` (a PKCS #7
certificates-only bundle) or ``.cer`` file. The PKCS #12 and PKCS #7 encodings
are ``cryptography``'s; this module reads the PVK side, checks that the key
belongs to a certificate, and picks the PFX encryption.
"""

from __future__ import annotations

import contextlib
import importlib
import warnings
from collections.abc import Iterator, Sequence
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.utils import CryptographyDeprecationWarning

from blobformat.errors import (
    InvalidParameterError,
    KeyConversionError,
    KeyMismatchError,
    LegacyKeyWarning,
    PasswordError,
    UnsupportedBlobError,
)
from blobformat.keys import legacy as _legacy
from blobformat.keys.convert import dump_private_key, load_private_key
from blobformat.keys.der import DERError, read_element
from blobformat.keys.pfxcheck import PFX_MAX_ITERATIONS, scan_pfx
from blobformat.keys.pvk import dump_pvk, load_pvk

if TYPE_CHECKING:
    import cryptography.x509

__all__ = [
    "PFX_ENCRYPTIONS",
    "PFX_KDF_ROUNDS",
    "PFX_MAX_ITERATIONS",
    "CertificateInput",
    "certs_to_spc",
    "load_certificates",
    "pfx_to_pvk",
    "pvk_to_pfx",
]

#: One certificate source: an ``x509.Certificate``, or the bytes of a ``.cer``
#: (DER or PEM, one or more certificates) or ``.spc`` / ``.p7b`` file.
CertificateInput: TypeAlias = (
    "cryptography.x509.Certificate | bytes | bytearray | memoryview"
)

PfxEncryption: TypeAlias = Literal["aes256", "3des"]
#: The PFX encryptions :func:`pvk_to_pfx` writes.
PFX_ENCRYPTIONS: Final = ("aes256", "3des")
#: Key-derivation iterations for the key and certificate bags of each encryption
#: (cryptography fixes the MAC's). 100 000 each keeps a PFX under the 600 000
#: iterations in total that .NET reads by default; 2000 is what Windows 7 writes.
PFX_KDF_ROUNDS: Final[dict[str, int]] = {"aes256": 100_000, "3des": 2000}

_PEM_CERTIFICATE = b"-----BEGIN CERTIFICATE-----"
# What cryptography warns when it reads PKCS #7 or PKCS #12 input as BER.
_BER_FALLBACK = "could not be parsed as DER"


def _module(name: str) -> ModuleType:
    """Import one of cryptography's x509, pkcs7 and pkcs12 modules on first use.

    They import cryptography's DSA and DH classes, which ``import blobformat``
    must not touch (SPEC §14.4).
    """
    return importlib.import_module(name)


def _x509() -> Any:
    return _module("cryptography.x509")


def _pkcs7() -> Any:
    return _module("cryptography.hazmat.primitives.serialization.pkcs7")


def _pkcs12() -> Any:
    return _module("cryptography.hazmat.primitives.serialization.pkcs12")


def _parse_errors(*more: type[BaseException]) -> tuple[type[BaseException], ...]:
    """What cryptography raises for input it cannot read (not all are ValueErrors)."""
    x509 = _x509()
    return (
        ValueError,
        UnsupportedAlgorithm,
        x509.InvalidVersion,
        x509.DuplicateExtension,
        x509.UnsupportedGeneralNameType,
        *more,
    )


_MAX_CERTIFICATES = 64


class _BerFallbackError(Exception):
    """cryptography read its input as BER (it warned so): not DER."""


@contextlib.contextmanager
def _strict_reader() -> Iterator[None]:
    """Run one of cryptography's readers without letting its warnings out.

    Its BER fallback warning (an exception under ``-W error``) becomes
    :class:`_BerFallbackError`, raised after the reader returns; its deprecation
    warnings are dropped (KEY-10); anything else is passed on.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    ber = False
    for warning in caught:
        if _BER_FALLBACK in str(warning.message):
            ber = True
        elif not issubclass(warning.category, CryptographyDeprecationWarning):
            warnings.warn_explicit(
                warning.message, warning.category, warning.filename, warning.lineno
            )
    if ber:
        raise _BerFallbackError


# -- certificates ------------------------------------------------------------------


def _certificates_from_bytes(
    data: bytes, where: str
) -> list[cryptography.x509.Certificate]:
    found = _parse_certificates(data)
    if found:
        return found
    raise UnsupportedBlobError(
        f"{where} is not an X.509 certificate (DER or PEM) or a PKCS #7 certificate "
        "bundle (.spc, .p7b) with at least one certificate",
        field=where,
        rule="PFX-4",
    )


def _parse_certificates(data: bytes) -> list[cryptography.x509.Certificate]:
    """The certificates in ``data``, or an empty list.

    DER input must be one DER element (PFX-4): cryptography would read
    trailing bytes or BER with only a warning.
    """
    stripped = data.lstrip()
    found: list[cryptography.x509.Certificate] = []
    try:
        with _strict_reader():
            if stripped.startswith(b"-----BEGIN PKCS7-----"):
                found = list(_pkcs7().load_pem_pkcs7_certificates(data))
            elif stripped.startswith(_PEM_CERTIFICATE):
                found = list(_x509().load_pem_x509_certificates(data))
            elif data[:1] == b"\x30" and read_element(data, 0, len(data)).end == len(
                data
            ):
                try:
                    found = [_x509().load_der_x509_certificate(data)]
                except _parse_errors():
                    found = list(_pkcs7().load_der_pkcs7_certificates(data))
    except _parse_errors(DERError, _BerFallbackError):
        return []
    return found


def _round_trips(certificate: cryptography.x509.Certificate) -> bool:
    """Whether a certificate reads back alone from a PKCS #7 bundle (PFX-4).

    cryptography's X.509 parser decodes names and extensions lazily and
    accepts encodings OpenSSL, which reads PKCS #7 and PKCS #12 files,
    refuses (a name that is not valid UTF-8, say): such a certificate would
    be written into an SPC or PFX that no reader reads.
    """
    try:
        with _strict_reader():
            der: bytes = certificate.public_bytes(serialization.Encoding.DER)
            bundle = _pkcs7().serialize_certificates(
                [certificate], serialization.Encoding.DER
            )
            back = _pkcs7().load_der_pkcs7_certificates(bundle)
            same = [c.public_bytes(serialization.Encoding.DER) for c in back] == [der]
    except _parse_errors(_BerFallbackError):
        return False
    return same


def load_certificates(
    certificates: CertificateInput | Sequence[CertificateInput],
) -> list[cryptography.x509.Certificate]:
    """Read certificates from ``.cer`` files, SPC bundles or certificate objects.

    :param certificates: one source or a sequence of them; each is an
        ``x509.Certificate`` or file bytes: DER or PEM certificates, or a DER
        or PEM PKCS #7 certificates-only bundle (``.spc``, ``.p7b``).
    :returns: the certificates in the order given (at most 64).
    :raises UnsupportedBlobError: if a source holds no certificate, is DER
        with bytes after it or BER, or holds a certificate that does not read
        back from a PKCS #7 bundle (PFX-4).
    :raises InvalidParameterError: if there is none at all, or more than 64.
    :raises TypeError: for a source of another type.
    """
    given: object = certificates
    certificate_class = _x509().Certificate
    if isinstance(given, certificate_class | bytes | bytearray | memoryview):
        sources: list[object] = [given]
    elif isinstance(given, str) or not isinstance(given, Sequence):
        raise TypeError(
            "certificates must be bytes or x509.Certificate objects (or a sequence)"
        )
    else:
        sources = list(given)
    found: list[cryptography.x509.Certificate] = []
    for index, source in enumerate(sources):
        where = f"certificates[{index}]"
        if isinstance(source, certificate_class):
            these = [source]
        elif isinstance(source, bytes | bytearray | memoryview):
            these = _certificates_from_bytes(bytes(source), where)
        else:
            raise TypeError(
                f"{where} must be bytes or an x509.Certificate, not {type(source).__name__}"
            )
        for number, certificate in enumerate(these):
            if not _round_trips(certificate):
                raise UnsupportedBlobError(
                    f"certificate {number + 1} of {where} does not read back from a PKCS #7 "
                    "bundle (a field that does not decode, or an encoding OpenSSL refuses)",
                    field=where,
                    rule="PFX-4",
                )
        found.extend(these)
        if len(found) > _MAX_CERTIFICATES:
            break
    if not found:
        raise InvalidParameterError(
            "no certificate given", field="certificates", rule="PFX-4"
        )
    if len(found) > _MAX_CERTIFICATES:
        raise InvalidParameterError(
            f"{len(found)} certificates; at most {_MAX_CERTIFICATES}",
            field="certificates",
            rule="PFX-4",
        )
    return found


def certs_to_spc(certificates: CertificateInput | Sequence[CertificateInput]) -> bytes:
    """Bundle certificates as an SPC: a DER PKCS #7 certificates-only file (``cert2spc``).

    :param certificates: as for :func:`pvk_to_pfx`.
    :returns: the DER ``ContentInfo`` (``SignedData`` without signers). The
        certificates are a DER ``SET OF``, sorted by their encoding, so the
        order given is not kept and equal sets give equal bytes.
    :raises UnsupportedBlobError: if a source holds no certificate, or one
        that does not read back (PFX-4).
    :raises InvalidParameterError: if there is none at all, or more than 64.
    """
    spc: bytes = _pkcs7().serialize_certificates(
        load_certificates(certificates), serialization.Encoding.DER
    )
    return spc


# -- keys --------------------------------------------------------------------------


def _spki(key: Any) -> bytes:
    with _legacy.quiet():
        der: bytes = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    return der


def _order(
    key: Any, certificates: list[cryptography.x509.Certificate]
) -> list[cryptography.x509.Certificate]:
    """The key's certificate first, then the others in their order (PFX-1)."""
    with _legacy.quiet():
        wanted = _spki(key.public_key())
    for index, certificate in enumerate(certificates):
        try:
            with (
                _legacy.quiet()
            ):  # a DSA certificate's key is a deprecated class (KEY-10)
                public = certificate.public_key()
        except _parse_errors():
            continue  # a key type cryptography cannot load is not the PVK's key
        if _spki(public) == wanted:
            return [certificate, *certificates[:index], *certificates[index + 1 :]]
    raise KeyMismatchError(
        f"the private key matches none of the {len(certificates)} certificate(s): "
        "no certificate has its public key",
        field="certificates",
        rule="PFX-1",
    )


def _is_pvk_key(key: object) -> bool:
    return isinstance(key, rsa.RSAPrivateKey) or _legacy.is_instance(
        key, "dsa", "DSAPrivateKey"
    )


def _as_bytes(value: object, name: str) -> bytes:
    if not isinstance(value, bytes | bytearray | memoryview):
        raise TypeError(f"{name} must be bytes, not {type(value).__name__}")
    return bytes(value)


def _encryption(
    password: bytes, encryption: str
) -> serialization.KeySerializationEncryption:
    builder = serialization.PrivateFormat.PKCS12.encryption_builder().kdf_rounds(
        PFX_KDF_ROUNDS[encryption]
    )
    if encryption == "aes256":
        builder = builder.key_cert_algorithm(
            _pkcs12().PBES.PBESv2SHA256AndAES256CBC
        ).hmac_hash(hashes.SHA256())
    else:
        # What Windows 7 (and XP) read: PBES1 with SHA-1 and 3DES, an SHA-1 MAC.
        builder = builder.key_cert_algorithm(
            _pkcs12().PBES.PBESv1SHA1And3KeyTripleDESCBC
        ).hmac_hash(hashes.SHA1())  # noqa: S303 - the legacy format's MAC
    return builder.build(password)


# -- conversions --------------------------------------------------------------------


def pvk_to_pfx(
    pvk: bytes | bytearray | memoryview,
    certificates: CertificateInput | Sequence[CertificateInput],
    *,
    pvk_password: bytes | None = None,
    pfx_password: bytes,
    friendly_name: str | None = None,
    encryption: PfxEncryption = "aes256",
) -> bytes:
    """Combine a PVK file and its certificates into a PFX (``pvk2pfx``; SPEC §14.8).

    :param pvk: the PVK file.
    :param certificates: the key's certificate and any chain certificates: one
        source or a sequence of them, each an ``x509.Certificate`` or the bytes of
        a ``.cer`` file (DER or PEM, one or more certificates) or of an SPC /
        PKCS #7 certificates-only bundle (DER or PEM); 1 to 64 in all.
    :param pvk_password: the PVK file's password, if it is encrypted.
    :param pfx_password: the PFX password (not empty).
    :param friendly_name: the key's friendly name (``PKCS #9 friendlyName``).
    :param encryption: ``"aes256"`` (PBES2: PBKDF2-HMAC-SHA256 and AES-256-CBC,
        HMAC-SHA256 MAC; Windows 10 1709 and later, OpenSSL 1.1+) or ``"3des"``
        (PBES1 SHA-1 and 3DES for key and certificates, SHA-1 MAC; what Windows 7
        and other old readers need; OpenSSL 3 reads it without ``-legacy``).
    :returns: the DER PFX, with the key's certificate first.
    :raises KeyMismatchError: if no certificate carries the key's public key (PFX-1).
    :raises PasswordError: if the PVK password is missing or wrong.
    :raises InvalidParameterError: for an empty PFX password or an unknown
        encryption (PFX-5), or no certificate or more than 64 (PFX-4).
    :raises UnsupportedBlobError: for input that is not a PVK file or a
        certificate (PFX-4).
    :raises ParseError, KeyConversionError: for a malformed PVK file.
    """
    password = _as_bytes(pfx_password, "pfx_password")
    if not password:
        raise InvalidParameterError(
            "the PFX password is empty: a PFX holding a private key needs a password",
            field="pfx_password",
            rule="PFX-5",
        )
    if encryption not in PFX_ENCRYPTIONS:
        raise InvalidParameterError(
            f"encryption must be one of {', '.join(PFX_ENCRYPTIONS)}, not {encryption!r}",
            field="encryption",
            rule="PFX-5",
        )
    if friendly_name is not None and not isinstance(friendly_name, str):
        raise TypeError("friendly_name must be a str or None")
    certs = load_certificates(certificates)
    with warnings.catch_warnings():
        # The key object stays inside: nothing deprecated reaches the caller.
        warnings.simplefilter("ignore", LegacyKeyWarning)
        key: Any = load_pvk(
            pvk,
            None if pvk_password is None else _as_bytes(pvk_password, "pvk_password"),
        )
    ordered = _order(key, certs)
    name = None if friendly_name is None else friendly_name.encode("utf-8")
    with _legacy.quiet():
        pfx: bytes = _pkcs12().serialize_key_and_certificates(
            name,
            key,
            ordered[0],
            ordered[1:] or None,
            _encryption(password, encryption),
        )
    return pfx


def pfx_to_pvk(
    pfx: bytes | bytearray | memoryview,
    pfx_password: bytes,
    *,
    pvk_password: bytes | None = None,
    max_iterations: int | None = PFX_MAX_ITERATIONS,
) -> tuple[bytes, list[cryptography.x509.Certificate]]:
    """Split a PFX into a PVK file and its certificates (SPEC §14.8).

    :param pfx: the PFX (PKCS #12) file, DER.
    :param pfx_password: its password (``b""`` for a PFX without one).
    :param pvk_password: encrypt the PVK with this password (strong RC4);
        ``None`` writes it unencrypted.
    :param max_iterations: the largest sum of the PFX's iteration counts (its
        MAC's and those of the key and certificate encryption that can be
        read before decryption) to run; each costs a key derivation of that
        many rounds. Default 600 000 (.NET's default); ``None`` for no bound
        (PFX-6).
    :returns: the PVK file, and the certificates: the key's certificate
        first, then the others in the PFX's order.
    :raises PasswordError: if the PFX does not decrypt (a wrong password and
        a corrupt MAC are one error, PFX-2).
    :raises UnsupportedBlobError: if the input is not DER (PFX-3), its
        iteration counts exceed ``max_iterations`` (PFX-6), or the PFX holds
        no private key, one a PVK cannot hold, or a certificate that does
        not read back (PFX-3).
    :raises KeyConversionError: if the key's numbers fail a check of SPEC
        §14.2, as :func:`load_pvk` would report them (PFX-3).
    :raises KeyMismatchError: if the PFX has certificates and none carries the
        key's public key (PFX-1).
    :raises InvalidParameterError: for a ``max_iterations`` below 1 (PFX-6).
    """
    data = _as_bytes(pfx, "pfx")
    password = _as_bytes(pfx_password, "pfx_password")
    _check_bound(max_iterations)
    if data[:1] != b"\x30":
        hint = "PEM" if data.lstrip().startswith(b"-----BEGIN") else None
        raise UnsupportedBlobError(
            "the input is not a DER PFX (PKCS #12) file",
            offset=0,
            field="pfx",
            rule="PFX-3",
            hint=hint,
        )
    # Before cryptography's reader: it would run every KDF first (PFX-6) and
    # read BER with only a warning (PFX-3).
    scan_pfx(data, max_iterations=max_iterations)
    loaded = _read_pfx(data, password)
    key: Any = loaded[0]
    certificate, extra = loaded[1], loaded[2]
    if key is None or not _is_pvk_key(key):
        what = (
            "no private key"
            if key is None
            else f"a {type(key).__name__.lstrip('_')} key"
        )
        raise UnsupportedBlobError(
            f"the PFX holds {what}; a PVK file holds an RSA or DSA private key only",
            field="pfx",
            rule="PFX-3",
        )
    certs = ([certificate] if certificate is not None else []) + list(extra)
    for number, each in enumerate(certs):
        if not _round_trips(each):
            raise UnsupportedBlobError(
                f"certificate {number + 1} of the PFX does not read back from a PKCS #7 "
                "bundle (a field that does not decode, or an encoding OpenSSL refuses)",
                field="pfx",
                rule="PFX-3",
            )
    _check_pvk_key(key)
    if certs:
        certs = _order(key, certs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LegacyKeyWarning)
        pvk = dump_pvk(
            key,
            None if pvk_password is None else _as_bytes(pvk_password, "pvk_password"),
        )
    return pvk, certs


def _check_bound(max_iterations: object) -> None:
    if max_iterations is None:
        return
    if not isinstance(max_iterations, int) or isinstance(max_iterations, bool):
        raise TypeError("max_iterations must be an int or None")
    if max_iterations < 1:
        raise InvalidParameterError(
            f"max_iterations must be at least 1 (or None), not {max_iterations}",
            field="max_iterations",
            rule="PFX-6",
        )


def _read_pfx(data: bytes, password: bytes) -> tuple[Any, Any, Any]:
    """Run the PKCS #12 reader of cryptography; its failures as SPEC §14.8 says."""
    try:
        with _legacy.quiet(), _strict_reader():
            loaded: tuple[Any, Any, Any] = _pkcs12().load_key_and_certificates(
                data, password
            )
    except _BerFallbackError:
        raise UnsupportedBlobError(
            "the input is not a DER PFX (PKCS #12) file: it reads as BER only",
            field="pfx",
            rule="PFX-3",
        ) from None
    except UnsupportedAlgorithm:
        raise UnsupportedBlobError(
            "the PFX uses an encryption or MAC algorithm that cannot be read",
            field="pfx",
            rule="PFX-3",
        ) from None
    except ValueError:
        # cryptography reports a wrong password and a malformed file alike.
        raise PasswordError(
            "the PFX does not decrypt with this password (or is corrupt)",
            field="pfx_password",
            rule="PFX-2",
        ) from None
    except _parse_errors():
        # Raised for content read only once the password was right.
        raise UnsupportedBlobError(
            "the PFX holds a certificate that cannot be read",
            field="pfx",
            rule="PFX-3",
        ) from None
    return loaded


def _check_pvk_key(key: Any) -> None:
    """Refuse a key a PVK cannot hold (PFX-3) or load_pvk would refuse (KEY-1..KEY-5).

    cryptography's PKCS #12 reader proves RSA primes prime but checks no
    DSA relation; the PVK's blob is checked as load_pvk checks it, so
    every PVK file written reads back.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LegacyKeyWarning)
        try:
            blob = dump_private_key(key)
        except KeyConversionError as err:
            raise UnsupportedBlobError(
                f"the PFX's key cannot be held by a PVK file: {err.message}",
                field="pfx",
                rule="PFX-3",
            ) from None
        # The RSA primes were proven prime by the PKCS #12 reader already.
        load_private_key(blob, unsafe_skip_rsa_key_validation=True)
