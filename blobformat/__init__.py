# SPDX-License-Identifier: Apache-2.0
"""blobformat: the Windows CryptoAPI key BLOB formats, strictly (SPEC.md).

Parse and write PUBLICKEYBLOB, PRIVATEKEYBLOB (RSA, DSS, DH; v2 and v3),
SIMPLEBLOB, PLAINTEXTKEYBLOB, SYMMETRICWRAPKEYBLOB, the opaque kinds, PVK
files and the CNG (bcrypt.h) key blobs; every failure is a :class:`BlobError` naming offset, field and the
SPEC.md rule.
"""

from __future__ import annotations

import typing as _typing

from blobformat.capi.sessionkey import SessionKey, derive_key, derive_key_from_password
from blobformat.capi.sign import sign_hash, verify_signature
from blobformat.capi.wrap import (
    load_session_key_blob,
    plaintext_key_blob,
    unwrap_session_key,
    unwrap_symmetric_key,
    wrap_session_key,
    wrap_symmetric_key,
)
from blobformat.codec.cng import (
    CngBlob,
    CngDHPrivateBlob,
    CngDHPublicBlob,
    CngDSAPrivateBlob,
    CngDSAPublicBlob,
    CngECCFullKeyBlob,
    CngECCPrivateBlob,
    CngECCPublicBlob,
    CngKeyDataBlob,
    CngRSAFullPrivateBlob,
    CngRSAPrivateBlob,
    CngRSAPublicBlob,
)
from blobformat.codec.decode import parse
from blobformat.codec.models import (
    AnyBlob,
    Blob,
    BlobHeader,
    DHPrivateKeyBlob,
    DHPrivateKeyBlobV3,
    DHPublicKeyBlob,
    DHPublicKeyBlobV3,
    DSSPrivateKeyBlob,
    DSSPrivateKeyBlobV3,
    DSSPublicKeyBlob,
    DSSPublicKeyBlobV3,
    DSSSeed,
    FieldSpan,
    KeyStateBlob,
    OpaqueKeyBlob,
    PlaintextKeyBlob,
    PublicKeyBlobEx,
    PVKFile,
    RSAPrivateKeyBlob,
    RSAPublicKeyBlob,
    SimpleBlob,
    SymmetricWrapKeyBlob,
    Tolerance,
)
from blobformat.constants import (
    PVK_FILE_MAGIC,
    AlgClass,
    AlgId,
    BlobType,
    Magic,
    PVKKeyType,
)
from blobformat.envelope.store import (
    EnvelopeEntry,
    Recipient,
    SealedEnvelope,
    envelope_key_id,
    envelope_tbs,
    load_session_key,
    open_sealed,
    seal,
    store_session_key,
)
from blobformat.envelope.store import Role as EnvelopeRole
from blobformat.errors import (
    BadSignatureError,
    BlobError,
    DecryptionError,
    EncodeError,
    InvalidFieldError,
    InvalidParameterError,
    KeyConversionError,
    KeyMismatchError,
    LegacyKeyWarning,
    NoRecipientError,
    PaddingError,
    ParseError,
    PasswordError,
    SignatureError,
    StaleGenerationError,
    TrailingDataError,
    TruncatedError,
    UnknownSignerError,
    UnsupportedBlobError,
    WeakKeyError,
)
from blobformat.keys import convert as _keys
from blobformat.keys.cng import cng_unwrap_key, cng_wrap_key, convert_blob
from blobformat.keys.convert import (
    dump_private_key,
    dump_public_key,
    is_private_key,
    is_public_key,
    load_private_key,
    load_public_key,
)
from blobformat.keys.export import export_private_key, export_public_key
from blobformat.keys.pfx import certs_to_spc, pfx_to_pvk, pvk_to_pfx
from blobformat.keys.pvk import dump_pvk, load_pvk
from blobformat.keys.rsacheck import check_rsa_public_key
from blobformat.scan import KINDS as SCAN_KINDS
from blobformat.scan import ScanMatch, scan, scan_file

__version__ = "0.1.0"

__all__ = [
    "PVK_FILE_MAGIC",
    "SCAN_KINDS",
    "AlgClass",
    "AlgId",
    "AnyBlob",
    "BadSignatureError",
    "Blob",
    "BlobError",
    "BlobHeader",
    "BlobType",
    "CngBlob",
    "CngDHPrivateBlob",
    "CngDHPublicBlob",
    "CngDSAPrivateBlob",
    "CngDSAPublicBlob",
    "CngECCFullKeyBlob",
    "CngECCPrivateBlob",
    "CngECCPublicBlob",
    "CngKeyDataBlob",
    "CngRSAFullPrivateBlob",
    "CngRSAPrivateBlob",
    "CngRSAPublicBlob",
    "DHPrivateKeyBlob",
    "DHPrivateKeyBlobV3",
    "DHPublicKeyBlob",
    "DHPublicKeyBlobV3",
    "DSSPrivateKeyBlob",
    "DSSPrivateKeyBlobV3",
    "DSSPublicKeyBlob",
    "DSSPublicKeyBlobV3",
    "DSSSeed",
    "DecryptionError",
    "EncodeError",
    "EnvelopeEntry",
    "EnvelopeRole",
    "FieldSpan",
    "InvalidFieldError",
    "InvalidParameterError",
    "KeyConversionError",
    "KeyMismatchError",
    "KeyStateBlob",
    "LegacyKeyWarning",
    "Magic",
    "NoRecipientError",
    "OpaqueKeyBlob",
    "PVKFile",
    "PVKKeyType",
    "PaddingError",
    "ParseError",
    "PasswordError",
    "PlaintextKeyBlob",
    "PrivateKey",
    "PublicKey",
    "PublicKeyBlobEx",
    "RSAPrivateKeyBlob",
    "RSAPublicKeyBlob",
    "Recipient",
    "ScanMatch",
    "SealedEnvelope",
    "SessionKey",
    "SignatureError",
    "SimpleBlob",
    "StaleGenerationError",
    "SymmetricWrapKeyBlob",
    "Tolerance",
    "TrailingDataError",
    "TruncatedError",
    "UnknownSignerError",
    "UnsupportedBlobError",
    "WeakKeyError",
    "__version__",
    "certs_to_spc",
    "check_rsa_public_key",
    "cng_unwrap_key",
    "cng_wrap_key",
    "convert_blob",
    "derive_key",
    "derive_key_from_password",
    "dump_private_key",
    "dump_public_key",
    "dump_pvk",
    "envelope_key_id",
    "envelope_tbs",
    "export_private_key",
    "export_public_key",
    "is_private_key",
    "is_public_key",
    "load_private_key",
    "load_public_key",
    "load_pvk",
    "load_session_key",
    "load_session_key_blob",
    "open_sealed",
    "parse",
    "pfx_to_pvk",
    "plaintext_key_blob",
    "pvk_to_pfx",
    "scan",
    "scan_file",
    "seal",
    "sign_hash",
    "store_session_key",
    "unwrap_session_key",
    "unwrap_symmetric_key",
    "verify_signature",
    "wrap_session_key",
    "wrap_symmetric_key",
]

if _typing.TYPE_CHECKING:
    from blobformat.keys.convert import PrivateKey, PublicKey

_LAZY = ("PrivateKey", "PublicKey")


def __getattr__(name: str) -> _typing.Any:
    # PublicKey and PrivateKey name cryptography's DSA and DH classes, which
    # cryptography deprecates: they are built on first use, not at import.
    if name in _LAZY:
        value = getattr(_keys, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))
