# SPDX-License-Identifier: Apache-2.0
"""blobformat: the Windows CryptoAPI key BLOB formats, strictly (SPEC.md).

Parse and write PUBLICKEYBLOB, PRIVATEKEYBLOB (RSA, DSS, DH; v2 and v3),
SIMPLEBLOB, PLAINTEXTKEYBLOB, SYMMETRICWRAPKEYBLOB, the opaque kinds and PVK
files; every failure is a :class:`BlobError` naming offset, field and the
SPEC.md rule.
"""

from __future__ import annotations

from blobformat._parse import parse
from blobformat.constants import AlgClass, AlgId, BlobType, Magic, PVKKeyType
from blobformat.errors import (
    BadSignatureError,
    BlobError,
    DecryptionError,
    EncodeError,
    InvalidFieldError,
    InvalidParameterError,
    KeyConversionError,
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
from blobformat.models import (
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

__version__ = "0.1.0"

__all__ = [
    "AlgClass",
    "AlgId",
    "BadSignatureError",
    "Blob",
    "BlobError",
    "BlobHeader",
    "BlobType",
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
    "FieldSpan",
    "InvalidFieldError",
    "InvalidParameterError",
    "KeyConversionError",
    "KeyStateBlob",
    "Magic",
    "NoRecipientError",
    "OpaqueKeyBlob",
    "PVKFile",
    "PVKKeyType",
    "PaddingError",
    "ParseError",
    "PasswordError",
    "PlaintextKeyBlob",
    "PublicKeyBlobEx",
    "RSAPrivateKeyBlob",
    "RSAPublicKeyBlob",
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
    "parse",
]
