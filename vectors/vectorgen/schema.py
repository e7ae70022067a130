"""The JSON Schema (draft 2020-12) of the vector files, built as data.

Every object schema forbids unknown keys (``additionalProperties: false``),
so a misspelt key fails validation instead of silently taking a default.
"""

from __future__ import annotations

from typing import Any

from vectorgen.common import ERROR_CLASSES, SCHEMA_NAME, Json

HEX: Json = {"type": "string", "pattern": "^([0-9a-f]{2})*$"}
BIGUINT: Json = {
    "type": "string",
    "pattern": "^(00|0[1-9a-f]([0-9a-f]{2})*|[1-9a-f][0-9a-f]([0-9a-f]{2})*)$",
    "description": "unsigned big-endian hex, no leading zero bytes, even length",
}
U32: Json = {"type": "integer", "minimum": 0, "maximum": 0xFFFFFFFF}
NAT: Json = {"type": "integer", "minimum": 0}
RULE: Json = {"type": "string", "pattern": "^[A-Z]+-[0-9]+$"}
TEXT: Json = {"type": "string"}
BOOL: Json = {"type": "boolean"}
LAYOUTS = (
    "RSA1",
    "RSA2",
    "DSS1",
    "DSS2",
    "DSS3",
    "DSS4",
    "DH1",
    "DH2",
    "DH3",
    "DH4",
    "SIMPLEBLOB",
    "PLAINTEXTKEYBLOB",
    "SYMMETRICWRAPKEYBLOB",
    "OPAQUEKEYBLOB",
    "PUBLICKEYBLOBEX",
    "KEYSTATEBLOB",
    "PVK",
    # CNG key blobs (SPEC §20): the magic, and for full ECC keys the prefix FULL.
    "CNG-RSA1",
    "CNG-RSA2",
    "CNG-RSA3",
    "CNG-ECS1",
    "CNG-ECS2",
    "CNG-ECS3",
    "CNG-ECS4",
    "CNG-ECS5",
    "CNG-ECS6",
    "CNG-ECK1",
    "CNG-ECK2",
    "CNG-ECK3",
    "CNG-ECK4",
    "CNG-ECK5",
    "CNG-ECK6",
    "CNG-ECDP",
    "CNG-ECDV",
    "CNG-ECKP",
    "CNG-ECKV",
    "CNG-FULL-ECDP",
    "CNG-FULL-ECDV",
    "CNG-FULL-ECKP",
    "CNG-FULL-ECKV",
    "CNG-DSPB",
    "CNG-DSPV",
    "CNG-DPB2",
    "CNG-DPV2",
    "CNG-DHPB",
    "CNG-DHPV",
    "CNG-KDBM",
)
BUG_TYPES = (
    "BASIC",
    "EDGE_CASE",
    "MALFORMED",
    "TRUNCATION",
    "TYPE_CONFUSION",
    "MODIFIED_PARAMETER",
    "WEAK_PARAMS",
    "LEGACY",
    "KNOWN_BUG",
    "AUTH_BYPASS",
    "CONFIDENTIALITY",
    "INTEROP",
    "SOURCE",
)


def ref(name: str) -> Json:
    return {"$ref": f"#/$defs/{name}"}


def nullable(schema: Json) -> Json:
    return {"anyOf": [schema, {"type": "null"}]}


def array(items: Json, *, min_items: int = 0, unique: bool = False) -> Json:
    out: Json = {"type": "array", "items": items}
    if min_items:
        out["minItems"] = min_items
    if unique:
        out["uniqueItems"] = True
    return out


def obj(
    required: dict[str, Any], optional: dict[str, Any] | None = None, **extra: Any
) -> Json:
    """An object with exactly these keys (``required`` all present)."""
    props = {**required, **(optional or {})}
    out: Json = {
        "type": "object",
        "additionalProperties": False,
        "required": sorted(required),
        "properties": props,
    }
    out.update(extra)
    return out


COMMON: dict[str, Any] = {
    "tcId": {"type": "integer", "minimum": 1},
    "name": {"type": "string", "pattern": "^[a-z0-9][a-z0-9.-]*$"},
    "comment": TEXT,
    "flags": array({"type": "string", "pattern": "^[A-Za-z0-9]+$"}, unique=True),
    "result": {"enum": ["valid", "invalid", "acceptable"]},
}
ERROR_KEYS: dict[str, Any] = {
    "error": {"enum": list(ERROR_CLASSES)},
    "rule": RULE,
}
LOCATION: dict[str, Any] = {"offset": nullable(NAT), "field": nullable(TEXT)}


def test_schema(
    *,
    inputs: dict[str, Any],
    optional_inputs: dict[str, Any] | None = None,
    valid_out: dict[str, Any],
    optional_out: dict[str, Any] | None = None,
    error_extra: dict[str, Any] | None = None,
    error_required: tuple[str, ...] = (),
) -> Json:
    """A test-case schema: inputs, the outputs of a valid case, the error keys.

    A valid case must carry every key of ``valid_out`` and no error; an
    invalid or acceptable case must carry ``error``, ``rule`` and the keys in
    ``error_required``. An acceptable case may carry the valid outputs too.
    """
    optional = {
        **(optional_inputs or {}),
        **valid_out,
        **(optional_out or {}),
        **ERROR_KEYS,
        **(error_extra or {}),
    }
    schema = obj({**COMMON, **inputs}, optional)
    schema["allOf"] = [
        {
            "if": {"properties": {"result": {"const": "valid"}}},
            "then": {"required": sorted(valid_out), "not": {"required": ["error"]}},
            "else": {
                "required": sorted({"error", "rule", *error_required}),
                "properties": {"flags": {"minItems": 1}},
            },
        }
    ]
    return schema


def group_schema(type_: str, test: str, extra: dict[str, Any] | None = None) -> Json:
    return obj(
        {
            "type": {"const": type_},
            "comment": TEXT,
            "tests": array(ref(test), min_items=1),
        },
        extra,
    )


SESSION_KEY = obj({"algId": U32, "key": HEX, "salt": HEX})

DEFS: dict[str, Json] = {
    "hex": HEX,
    "bigUint": BIGUINT,
    "note": obj(
        {"bugType": {"enum": list(BUG_TYPES)}, "description": TEXT},
        {"specRefs": array(RULE, unique=True), "links": array(TEXT, unique=True)},
    ),
    "field": obj(
        {
            "path": TEXT,
            "offset": NAT,
            "size": NAT,
            "type": {"enum": ["uint", "bytes", "ubig"]},
            "value": {"anyOf": [U32, BIGUINT, HEX]},
        }
    ),
    "tolerance": obj({"kind": TEXT, "offset": NAT, "rule": RULE}),
    "keyNumbers": obj(
        {},
        dict.fromkeys(
            (
                "n",
                "e",
                "d",
                "p",
                "q",
                "dp",
                "dq",
                "qinv",
                "g",
                "j",
                "y",
                "x",
                "qx",
                "qy",
            ),
            BIGUINT,
        ),
        minProperties=2,
    ),
    "groupParameters": obj({"p": BIGUINT, "g": BIGUINT}, {"q": BIGUINT}),
    "sessionKey": SESSION_KEY,
    "cipherOperation": obj(
        {
            "operation": {"enum": ["encrypt", "decrypt"]},
            "mode": TEXT,
            "iv": nullable(HEX),
            "final": BOOL,
            "input": HEX,
            "output": HEX,
        },
        {"effectiveBits": U32},
    ),
    "envelopeEntry": obj(
        {
            "role": {"enum": ["owner", "backup"]},
            "padding": {"enum": ["pkcs1", "oaep"]},
            "recipientKeyId": HEX,
            "blob": HEX,
        }
    ),
    "sealRecipient": obj(
        {
            "blob": HEX,
            "publicKeyDer": nullable(HEX),
            "role": nullable({"enum": ["owner", "backup"]}),
            "oaep": BOOL,
        }
    ),
    # -- test cases --------------------------------------------------------------------
    "blobDecodeTest": test_schema(
        inputs={"blob": HEX},
        valid_out={"layout": {"enum": list(LAYOUTS)}, "fields": array(ref("field"))},
        error_extra={**LOCATION, "hint": {"enum": ["PEM", "DER", "CNG"]}},
        error_required=("offset", "field"),
        optional_out={
            "lenient": obj(
                {"result": {"enum": ["valid", "invalid"]}},
                {
                    "canonical": HEX,
                    "tolerated": array(ref("tolerance")),
                    **ERROR_KEYS,
                    **LOCATION,
                },
            )
        },
    ),
    "keyImportTest": test_schema(
        inputs={"blob": HEX, "kind": {"enum": ["public", "private"]}},
        optional_inputs={"parameters": ref("groupParameters")},
        valid_out={"keyDer": HEX, "keyNumbers": ref("keyNumbers")},
        error_extra={"relation": TEXT},
    ),
    "keyExportTest": test_schema(
        inputs={
            "keyDer": HEX,
            "kind": {"enum": ["public", "private"]},
            "algId": nullable(U32),
            "version": nullable(U32),
        },
        valid_out={"blob": HEX},
        error_extra={"relation": TEXT},
    ),
    "cngKeyImportTest": test_schema(
        inputs={
            "blob": HEX,
            "kind": {"enum": ["public", "private"]},
            "curve": nullable({"enum": ["P-256", "P-384", "P-521"]}),
        },
        valid_out={"keyDer": HEX, "keyNumbers": ref("keyNumbers")},
        error_extra={"relation": TEXT},
    ),
    "cngKeyExportTest": test_schema(
        inputs={
            "keyDer": HEX,
            "kind": {"enum": ["public", "private"]},
            "full": BOOL,
            "ecdh": BOOL,
            "version": nullable(U32),
        },
        valid_out={"blob": HEX},
        error_extra={"relation": TEXT},
    ),
    "blobConvertTest": test_schema(
        inputs={"blob": HEX, "to": {"enum": ["cng", "capi"]}, "algId": nullable(U32)},
        valid_out={"output": HEX},
        error_extra={"relation": TEXT},
    ),
    "cngKeyWrapTest": test_schema(
        inputs={"kek": HEX, "operation": {"enum": ["wrap", "unwrap"]}, "input": HEX},
        valid_out={"output": HEX},
    ),
    "pvkImportTest": test_schema(
        inputs={"pvk": HEX, "password": nullable(HEX)},
        valid_out={"keyDer": HEX, "keyNumbers": ref("keyNumbers")},
        optional_out={
            "intermediates": obj(
                {
                    "strength": {"enum": ["strong", "weak"]},
                    "rc4Key": HEX,
                    "decryptedBlob": HEX,
                }
            )
        },
        error_extra={**LOCATION, "relation": TEXT},
    ),
    "simpleBlobUnwrapTest": test_schema(
        inputs={
            "blob": HEX,
            "privateKeyDer": HEX,
            "padding": {"enum": ["pkcs1", "oaep"]},
            "noSalt": BOOL,
        },
        valid_out={"sessionKey": ref("sessionKey")},
        optional_out={
            "intermediates": obj(
                {"ciphertextBigEndian": HEX, "encodedMessage": HEX}, {"oaepSeed": HEX}
            )
        },
    ),
    "simpleBlobWrapTest": test_schema(
        inputs={
            "sessionKey": obj({"algId": U32, "key": HEX}),
            "publicKeyDer": HEX,
            "padding": {"enum": ["pkcs1", "oaep"]},
        },
        optional_inputs={"paddingString": HEX, "oaepSeed": HEX},
        valid_out={"blob": HEX, "encodedMessage": HEX},
    ),
    "sessionKeyImportTest": test_schema(
        inputs={"blob": HEX, "noSalt": BOOL},
        valid_out={"sessionKey": ref("sessionKey")},
        error_extra=LOCATION,
    ),
    "symmetricUnwrapTest": test_schema(
        inputs={
            "blob": HEX,
            "kek": obj({"algId": U32, "key": HEX, "effectiveBits": nullable(U32)}),
            "noSalt": BOOL,
        },
        valid_out={"sessionKey": ref("sessionKey")},
        optional_out={"intermediates": obj({"iv": HEX}, {"pad": HEX})},
    ),
    "keyWrapTest": test_schema(
        inputs={
            "algorithm": {"enum": ["3DES", "RC2"]},
            "operation": {"enum": ["wrap", "unwrap"]},
            "kek": HEX,
        },
        optional_inputs={
            "effectiveBits": U32,
            "cek": HEX,
            "iv": HEX,
            "pad": HEX,
            "cekLength": U32,
            "wrapped": HEX,
        },
        valid_out={"output": HEX},
    ),
    "deriveKeyTest": test_schema(
        inputs={
            "hashAlg": U32,
            "hashValue": HEX,
            "keyAlg": U32,
            "keyBits": nullable(U32),
            "createSalt": BOOL,
            "provider": TEXT,
        },
        optional_inputs={"hashInput": HEX},
        valid_out={"derivedKey": obj({"key": HEX, "salt": HEX})},
        optional_out={"cipher": array(ref("cipherOperation"))},
    ),
    "cipherTest": test_schema(
        inputs={
            "sessionKey": obj(
                {"algId": U32, "key": HEX, "salt": HEX, "effectiveBits": nullable(U32)}
            ),
            "operation": {"enum": ["encrypt", "decrypt"]},
            "mode": TEXT,
            "iv": nullable(HEX),
            "final": BOOL,
            "input": HEX,
        },
        valid_out={"output": HEX},
    ),
    "envelopeKeyIdTest": test_schema(
        inputs={"publicKeyDer": HEX},
        valid_out={"keyIdInput": HEX, "keyId": HEX},
    ),
    "envelopeVerifyTest": test_schema(
        inputs={
            "envelope": HEX,
            "trustedKeys": array(HEX),
            "context": HEX,
            "minGeneration": nullable(BIGUINT),
        },
        valid_out={
            "opened": obj(
                {
                    "suite": U32,
                    "label": TEXT,
                    "generation": BIGUINT,
                    "signerKeyId": HEX,
                    "entries": array(ref("envelopeEntry"), min_items=1),
                }
            )
        },
        optional_out={
            "intermediates": obj(
                {
                    "tbs": HEX,
                    "tbsSha256": HEX,
                    "signatureLittleEndian": HEX,
                    "signatureBigEndian": HEX,
                }
            )
        },
        error_extra={**LOCATION, "hint": {"enum": ["PEM", "SIMPLEBLOB"]}},
        error_required=("offset", "field"),
    ),
    "envelopeOpenTest": test_schema(
        inputs={
            "envelope": HEX,
            "trustedKeys": array(HEX, min_items=1),
            "context": HEX,
            "minGeneration": nullable(BIGUINT),
            "privateKeyDer": HEX,
        },
        valid_out={"sessionKey": ref("sessionKey")},
    ),
    "envelopeSealTest": test_schema(
        inputs={
            "recipients": array(ref("sealRecipient")),
            "signerKeyDer": HEX,
            "context": HEX,
            "label": TEXT,
            "generation": BIGUINT,
        },
        valid_out={"envelope": HEX},
    ),
    "signatureSignTest": test_schema(
        inputs={
            "privateKeyDer": HEX,
            "message": HEX,
            "hashAlg": U32,
            "noHashOid": BOOL,
            "prehashed": BOOL,
        },
        valid_out={"signature": HEX},
        optional_out={
            "intermediates": obj(
                {"hashValue": HEX, "payload": HEX, "signatureBigEndian": HEX}
            )
        },
    ),
    "signatureVerifyTest": test_schema(
        inputs={
            "publicKeyDer": HEX,
            "message": HEX,
            "hashAlg": U32,
            "noHashOid": BOOL,
            "prehashed": BOOL,
            "signature": HEX,
        },
        valid_out={},
        error_extra={"field": nullable(TEXT)},
    ),
    "pfxImportTest": test_schema(
        inputs={"pfx": HEX, "password": HEX},
        valid_out={"pvk": HEX, "certificates": array(HEX)},
        error_extra={"hint": {"enum": ["PEM"]}},
    ),
    "pfxExportTest": test_schema(
        inputs={
            "pvk": HEX,
            "pvkPassword": nullable(HEX),
            "certificates": array(HEX),
            "pfxPassword": HEX,
            "friendlyName": nullable(TEXT),
            "encryption": TEXT,
        },
        valid_out={"keyDer": HEX, "pfxCertificates": array(HEX)},
        error_extra={"field": nullable(TEXT)},
    ),
    "certsToSpcTest": test_schema(
        inputs={"certificates": array(HEX)},
        valid_out={"spc": HEX},
        error_extra={"field": nullable(TEXT)},
    ),
    # -- the list of OpenSSL differences kept next to the vectors ---------------------
    "openSslDifferences": obj(
        {
            "comment": array(TEXT),
            "openssl": TEXT,
            "topics": {
                "type": "object",
                "additionalProperties": obj(
                    {"inSpec17": BOOL, "description": TEXT}, {"proposedRow": TEXT}
                ),
            },
            "vectors": array(
                obj(
                    {
                        "file": TEXT,
                        "tcId": {"type": "integer", "minimum": 1},
                        "name": TEXT,
                        "flag": {
                            "enum": [
                                "OpenSslAccepts",
                                "OpenSslRejects",
                                "OpenSslImports",
                            ]
                        },
                        "topic": TEXT,
                    }
                )
            ),
        }
    ),
}

GROUP_TYPES: dict[str, tuple[str, dict[str, Any] | None]] = {
    "BlobDecode": ("blobDecodeTest", None),
    "KeyImport": ("keyImportTest", None),
    "KeyExport": ("keyExportTest", None),
    "PvkImport": ("pvkImportTest", None),
    "SimpleBlobUnwrap": ("simpleBlobUnwrapTest", None),
    "SimpleBlobWrap": ("simpleBlobWrapTest", None),
    "SessionKeyImport": ("sessionKeyImportTest", None),
    "SymmetricUnwrap": ("symmetricUnwrapTest", None),
    "KeyWrap": ("keyWrapTest", None),
    "DeriveKey": ("deriveKeyTest", None),
    "Cipher": ("cipherTest", None),
    "EnvelopeKeyId": ("envelopeKeyIdTest", None),
    "EnvelopeVerify": ("envelopeVerifyTest", None),
    "EnvelopeOpen": ("envelopeOpenTest", None),
    "EnvelopeSeal": ("envelopeSealTest", None),
    "SignatureSign": ("signatureSignTest", None),
    "SignatureVerify": ("signatureVerifyTest", None),
    "PfxImport": ("pfxImportTest", None),
    "PfxExport": ("pfxExportTest", None),
    "CertsToSpc": ("certsToSpcTest", None),
    "CngKeyImport": ("cngKeyImportTest", None),
    "CngKeyExport": ("cngKeyExportTest", None),
    "BlobConvert": ("blobConvertTest", None),
    "CngKeyWrap": ("cngKeyWrapTest", None),
}


def build_schema() -> Json:
    defs = dict(DEFS)
    branches = []
    for type_, (test, extra) in GROUP_TYPES.items():
        name = type_[0].lower() + type_[1:] + "Group"
        defs[name] = group_schema(type_, test, extra)
        branches.append(
            {"if": {"properties": {"type": {"const": type_}}}, "then": ref(name)}
        )
    # Dispatch on "type" (each group is checked against its own schema only).
    group_dispatch: Json = {
        "type": "object",
        "required": ["type"],
        "properties": {"type": {"enum": list(GROUP_TYPES)}},
        "allOf": branches,
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": f"https://example.invalid/blobformat/vectors/{SCHEMA_NAME}",
        "title": "blobformat test vectors, version 1",
        "description": "Wycheproof-shaped test vectors for the Windows CryptoAPI key BLOB formats (SPEC.md).",
        **obj(
            {
                "schema": {"const": SCHEMA_NAME},
                "vectorsVersion": {"const": "1"},
                "specVersion": TEXT,
                "generator": TEXT,
                "algorithm": TEXT,
                "numberOfTests": {"type": "integer", "minimum": 1},
                "header": array(TEXT),
                "notes": {
                    "type": "object",
                    "propertyNames": {"pattern": "^[A-Za-z0-9]+$"},
                    "additionalProperties": ref("note"),
                },
                "testGroups": array(group_dispatch, min_items=1),
            }
        ),
        "$defs": defs,
    }
