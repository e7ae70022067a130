"""pfx_test.json: PVK files and certificates to PFX and back, SPC bundles (SPEC §14.8).

Certificates are built here (RSASSA-PKCS1-v1_5 signatures are deterministic,
so the certificates are too). A PFX is encrypted with random salts and IVs, so
the PFX files of the PfxImport cases were made once and are stored in
pfx_data.py; the generator checks that each still holds the key and
certificates it is said to. PfxExport cases give what the written PFX holds
when read back, not its bytes.
"""

from __future__ import annotations

import datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.x509.oid import NameOID

from vectorgen.blobs import pvk, pvk_encrypt, rsa_private
from vectorgen.common import (
    Case,
    RsaNumbers,
    VectorFile,
    error,
    hx,
    invalid,
    pkcs8,
    require,
    rsa_key,
    valid,
)
from vectorgen.pfx_data import PFX_FILES, PFX_PASSWORD

AT_KEYEXCHANGE, AT_SIGNATURE = 1, 2
DER = serialization.Encoding.DER


def certificate(
    key_name: str,
    subject: str,
    issuer_key: str | None = None,
    issuer: str | None = None,
) -> x509.Certificate:
    """A certificate of ``key_name``'s key, self-signed unless an issuer is named."""
    start = datetime.datetime(2024, 1, 1, tzinfo=datetime.timezone.utc)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
    issuer_name = x509.Name(
        [x509.NameAttribute(NameOID.COMMON_NAME, issuer or subject)]
    )
    return (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(issuer_name)
        .public_key(rsa_key(key_name).public_key())
        .serial_number(0x0B10BF0E)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=3650))
        .sign(rsa_key(issuer_key or key_name), hashes.SHA256())
    )


def certificates() -> dict[str, x509.Certificate]:
    """The vectors' certificates: a CA (rsa-2048), the signer (rsa-1024-e3), a stray one (rsa-520)."""
    return {
        "ca": certificate("rsa-2048", "blobformat vector CA"),
        "signer": certificate(
            "rsa-1024-e3",
            "blobformat vector code signing",
            "rsa-2048",
            "blobformat vector CA",
        ),
        "stray": certificate("rsa-520", "blobformat vector stray"),
    }


def der(cert: x509.Certificate) -> str:
    return hx(cert.public_bytes(DER))


def plain_pvk(key_name: str) -> str:
    """The unencrypted PVK a reader writes for an RSA key: CALG_RSA_KEYX, AT_KEYEXCHANGE."""
    return hx(
        pvk(AT_KEYEXCHANGE, rsa_private(RsaNumbers.of(rsa_key(key_name))).data).data
    )


def _check_stored(
    name: str, key_name: str | None, certs: list[x509.Certificate]
) -> None:
    loaded = pkcs12.load_key_and_certificates(
        bytes.fromhex(PFX_FILES[name]), PFX_PASSWORD
    )
    key, cert, extra = loaded
    if key_name is not None:
        require(
            key is not None and pkcs8(key) == pkcs8(rsa_key(key_name)),
            f"{name}: the stored PFX holds {key_name}",
        )
    found = ([cert] if cert is not None else []) + list(extra)
    require(
        set(found) == set(certs),
        f"{name}: the stored PFX holds the expected certificates",
    )


def pfx_file() -> VectorFile:
    f = VectorFile(
        "pfx_test.json",
        "PVK and certificates to PFX (PKCS #12) and back; SPC files",
        [
            "SPEC §14.8: reading a PFX into an unencrypted PVK file and its certificates (the",
            "key's first), writing a PFX from a PVK file and certificates (checked by reading it",
            "back), and certificates-only PKCS #7 (SPC) files. Key: vectors/keys/rsa-1024-e3.pem,",
            "its certificate issued by rsa-2048.pem; passwords are hex bytes.",
        ],
    )
    imports = f.group(
        "PfxImport",
        "Reading a PFX: the PVK file (unencrypted) and the certificates, or the error.",
        prefix="import",
    )
    exports = f.group(
        "PfxExport",
        "Writing a PFX, then reading it back: the key and certificates it holds, or the error.",
        prefix="export",
    )
    spc = f.group(
        "CertsToSpc",
        "Certificates to an SPC file (DER PKCS #7, certificates sorted as a DER SET OF).",
        prefix="spc",
    )

    certs = certificates()
    signer, ca, stray = certs["signer"], certs["ca"], certs["stray"]
    password = hx(PFX_PASSWORD)

    def imported(name: str, comment: str, flags: list[str]) -> Case:
        _check_stored(name, "rsa-1024-e3", [signer, ca])
        return valid(
            name,
            comment,
            flags,
            pfx=PFX_FILES[name],
            password=password,
            pvk=plain_pvk("rsa-1024-e3"),
            certificates=[der(signer), der(ca)],
        )

    imports.add(
        imported(
            "blobformat-aes256",
            "written by blobformat's pvk_to_pfx from pvk_test.json's plain-rsa-sign: AES-256-CBC, PBKDF2-HMAC-SHA256, HMAC-SHA256",
            ["PfxRoundTrip"],
        ),
        imported(
            "blobformat-3des",
            "written by pvk_to_pfx with the legacy encryption: PBES1 SHA-1 3DES, HMAC-SHA1",
            ["PfxRoundTrip", "LegacyPfx"],
        ),
        imported(
            "openssl-default",
            "written by `openssl pkcs12 -export` (OpenSSL 3.0 defaults: AES-256-CBC, PBKDF2, HMAC-SHA256)",
            ["OpenSslPfx"],
        ),
        imported(
            "openssl-legacy",
            "written by `openssl pkcs12 -export -legacy` (certificates RC2-40, key 3DES, HMAC-SHA1)",
            ["OpenSslPfx", "LegacyPfx"],
        ),
    )

    def refused(
        name: str,
        comment: str,
        flags: list[str],
        expected: dict[str, Any],
        data: str,
        pw: bytes = PFX_PASSWORD,
    ) -> Case:
        return invalid(name, comment, flags, expected, pfx=data, password=hx(pw))

    aes = PFX_FILES["blobformat-aes256"]
    corrupt = aes[:-10] + f"{int(aes[-10:-8], 16) ^ 1:02x}" + aes[-8:]
    _check_stored("mismatch", "rsa-1024-e3", [stray])
    _check_stored("ec-key", None, [])
    _check_stored("certificates-only", None, [signer])
    imports.add(
        refused(
            "wrong-password",
            "the wrong password",
            ["PfxWrongPassword"],
            error("PasswordError", "PFX-2"),
            aes,
            b"Pfx-password",
        ),
        refused(
            "empty-password",
            "the empty password for a PFX that has one",
            ["PfxWrongPassword"],
            error("PasswordError", "PFX-2"),
            aes,
            b"",
        ),
        refused(
            "corrupt",
            "one byte near the end (the MAC) changed: indistinguishable from a wrong password",
            ["PfxWrongPassword"],
            error("PasswordError", "PFX-2"),
            corrupt,
        ),
        refused(
            "mismatch",
            "the key and a certificate of another key",
            ["KeyMismatch"],
            error("KeyMismatchError", "PFX-1"),
            PFX_FILES["mismatch"],
        ),
        refused(
            "ec-key",
            "an EC (P-256) key, which a PVK file cannot hold",
            ["NotAPvkKey"],
            error("UnsupportedBlobError", "PFX-3"),
            PFX_FILES["ec-key"],
        ),
        refused(
            "certificates-only",
            "certificates and no private key",
            ["NotAPvkKey"],
            error("UnsupportedBlobError", "PFX-3"),
            PFX_FILES["certificates-only"],
        ),
        refused(
            "pem",
            "PEM text, not a DER PFX",
            ["NotAPvkKey"],
            error("UnsupportedBlobError", "PFX-3", hint="PEM"),
            hx(b"-----BEGIN PKCS12-----\n"),
        ),
    )

    signer_blob = rsa_private(
        RsaNumbers.of(rsa_key("rsa-1024-e3")), alg="CALG_RSA_SIGN"
    ).data
    pvk_bytes = pvk(AT_SIGNATURE, signer_blob).data
    encrypted_pvk, _ = pvk_encrypt(
        AT_SIGNATURE, signer_blob, b"password", bytes(range(16)), "strong"
    )
    key_der = pkcs8(rsa_key("rsa-1024-e3"))

    def exported(
        name: str,
        comment: str,
        flags: list[str],
        sources: list[x509.Certificate | bytes],
        *,
        holds: list[x509.Certificate] | None = None,
        pvk_data: bytes = pvk_bytes,
        pvk_password: bytes | None = None,
        pfx_password: bytes = PFX_PASSWORD,
        encryption: str = "aes256",
        expected: dict[str, Any] | None = None,
    ) -> Case:
        data: dict[str, Any] = {
            "pvk": hx(pvk_data),
            "pvkPassword": None if pvk_password is None else hx(pvk_password),
            "certificates": [
                hx(c) if isinstance(c, bytes) else der(c) for c in sources
            ],
            "pfxPassword": hx(pfx_password),
            "friendlyName": "blobformat vector",
            "encryption": encryption,
        }
        if expected is not None:
            return invalid(name, comment, flags, expected, **data)
        if holds is None:
            raise AssertionError(f"{name}: a valid case says what the PFX holds")
        return valid(
            name,
            comment,
            flags,
            **data,
            keyDer=key_der,
            pfxCertificates=[der(c) for c in holds],
        )

    spc_bytes = pkcs7.serialize_certificates([signer, ca], DER)
    exports.add(
        exported(
            "aes256",
            "the signer's certificate and the CA's",
            ["PfxRoundTrip"],
            [signer, ca],
            holds=[signer, ca],
        ),
        exported(
            "3des",
            "the legacy encryption",
            ["PfxRoundTrip", "LegacyPfx"],
            [signer, ca],
            holds=[signer, ca],
            encryption="3des",
        ),
        exported(
            "ca-first",
            "the CA's certificate given first: the key's certificate is put first",
            ["PfxRoundTrip"],
            [ca, signer],
            holds=[signer, ca],
        ),
        exported(
            "spc",
            "the certificates as one SPC file",
            ["PfxRoundTrip", "SpcBundle"],
            [spc_bytes],
            holds=[signer, ca],
        ),
        exported(
            "encrypted-pvk",
            'an encrypted PVK file (strong RC4, password "password")',
            ["PfxRoundTrip"],
            [signer],
            holds=[signer],
            pvk_data=encrypted_pvk.data,
            pvk_password=b"password",
        ),
        exported(
            "mismatch",
            "a certificate of another key only",
            ["KeyMismatch"],
            [stray],
            expected=error("KeyMismatchError", "PFX-1", field="certificates"),
        ),
        exported(
            "not-a-certificate",
            "a certificate source that is a PVK file",
            ["NotACertificate"],
            [signer, pvk_bytes],
            expected=error("UnsupportedBlobError", "PFX-4", field="certificates[1]"),
        ),
        exported(
            "empty-password",
            "an empty PFX password",
            ["WeakPfxParameters"],
            [signer],
            pfx_password=b"",
            expected=error("InvalidParameterError", "PFX-5", field="pfx_password"),
        ),
        exported(
            "rc2-40",
            "an encryption that is not offered (RC2-40)",
            ["WeakPfxParameters"],
            [signer],
            encryption="rc2-40",
            expected=error("InvalidParameterError", "PFX-5", field="encryption"),
        ),
    )

    spc.add(
        valid(
            "signer-and-ca",
            "two certificates",
            ["SpcBundle"],
            certificates=[der(signer), der(ca)],
            spc=hx(spc_bytes),
        ),
        valid(
            "ca-and-signer",
            "the same two in the other order: the same bytes (DER SET OF)",
            ["SpcBundle"],
            certificates=[der(ca), der(signer)],
            spc=hx(spc_bytes),
        ),
        valid(
            "one",
            "one certificate",
            ["SpcBundle"],
            certificates=[der(signer)],
            spc=hx(pkcs7.serialize_certificates([signer], DER)),
        ),
        invalid(
            "garbage",
            "bytes that are not a certificate",
            ["NotACertificate"],
            error("UnsupportedBlobError", "PFX-4", field="certificates[0]"),
            certificates=[hx(b"not a certificate")],
        ),
        invalid(
            "none",
            "no certificate",
            ["NotACertificate"],
            error("InvalidParameterError", "PFX-4", field="certificates"),
            certificates=[],
        ),
    )
    return f
