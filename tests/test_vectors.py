"""blobformat against its published test vectors (vectors/v1/*.json, SPEC §19).

Every case of every file runs here: decoding (strict and lenient), key
conversion both ways, PVK files with passwords, SIMPLEBLOB unwrapping
(PKCS#1 v1.5 and OAEP), PLAINTEXTKEYBLOB, SYMMETRICWRAPKEYBLOB and the RFC
3217 key wrap, CryptDeriveKey, CryptEncrypt/CryptDecrypt and the signed
envelope. The meta tests check the files themselves: the schema, that the
generator reproduces them, and that every SPEC requirement and every layout
is covered.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.util
import itertools
import json
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import dh, dsa, ec, padding, rsa
from cryptography.hazmat.primitives.serialization import pkcs12

import blobformat as bf
from blobformat.capi import keywrap as _keywrap
from blobformat.capi.hashes import digest
from blobformat.codec import cng
from tests.conftest import ROOT
from tests.spectext import spec_17_topics
from tests.vectorfields import Json, big, fields_of

VECTORS = ROOT / "vectors"
V1 = VECTORS / "v1"
SCHEMA_PATH = VECTORS / "schema" / "vectors.v1.schema.json"
DIFFERENCES_PATH = VECTORS / "openssl-differences.json"
RULE_DEF = re.compile(r"\*\*\[([A-Z]+-\d+)\]\*\*")

LAYOUTS: dict[str, type[Any]] = {
    "RSA1": bf.RSAPublicKeyBlob,
    "RSA2": bf.RSAPrivateKeyBlob,
    "DSS1": bf.DSSPublicKeyBlob,
    "DSS2": bf.DSSPrivateKeyBlob,
    "DSS3": bf.DSSPublicKeyBlobV3,
    "DSS4": bf.DSSPrivateKeyBlobV3,
    "DH1": bf.DHPublicKeyBlob,
    "DH2": bf.DHPrivateKeyBlob,
    "DH3": bf.DHPublicKeyBlobV3,
    "DH4": bf.DHPrivateKeyBlobV3,
    "SIMPLEBLOB": bf.SimpleBlob,
    "PLAINTEXTKEYBLOB": bf.PlaintextKeyBlob,
    "SYMMETRICWRAPKEYBLOB": bf.SymmetricWrapKeyBlob,
    "OPAQUEKEYBLOB": bf.OpaqueKeyBlob,
    "PUBLICKEYBLOBEX": bf.PublicKeyBlobEx,
    "KEYSTATEBLOB": bf.KeyStateBlob,
    "PVK": bf.PVKFile,
    # CNG key blobs (SPEC §20): one layout per magic.
    "CNG-RSA1": bf.CngRSAPublicBlob,
    "CNG-RSA2": bf.CngRSAPrivateBlob,
    "CNG-RSA3": bf.CngRSAFullPrivateBlob,
    **{
        f"CNG-{p}{d}": bf.CngECCPublicBlob if d % 2 else bf.CngECCPrivateBlob
        for p in ("ECS", "ECK")
        for d in range(1, 7)
    },
    **{
        f"CNG-{m}": bf.CngECCPublicBlob if m.endswith("P") else bf.CngECCPrivateBlob
        for m in ("ECDP", "ECDV", "ECKP", "ECKV")
    },
    **{f"CNG-FULL-{m}": bf.CngECCFullKeyBlob for m in ("ECDP", "ECDV", "ECKP", "ECKV")},
    "CNG-DSPB": bf.CngDSAPublicBlob,
    "CNG-DSPV": bf.CngDSAPrivateBlob,
    "CNG-DPB2": bf.CngDSAPublicBlob,
    "CNG-DPV2": bf.CngDSAPrivateBlob,
    "CNG-DHPB": bf.CngDHPublicBlob,
    "CNG-DHPV": bf.CngDHPrivateBlob,
    "CNG-KDBM": bf.CngKeyDataBlob,
}

# Vectors the library does not pass yet, with the reason; strict xfail, so a
# fix makes the test fail until the entry is removed.
KNOWN_LIBRARY_BUGS: dict[tuple[str, str], str] = {}

# The retired cases (vectors/README.md, "Versioning"): the generator's table is
# the source, read on its own (it imports nothing from the generator).
_spec = importlib.util.spec_from_file_location(
    "vectorgen_retired", VECTORS / "vectorgen" / "retired.py"
)
assert _spec is not None and _spec.loader is not None
_retired = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _retired  # dataclasses look their module up there
_spec.loader.exec_module(_retired)
RETIRED: dict[tuple[str, str], Any] = _retired.RETIRED


# -- loading -------------------------------------------------------------------------


@functools.cache
def vector_files() -> dict[str, Json]:
    return {
        path.name: json.loads(path.read_text()) for path in sorted(V1.glob("*.json"))
    }


@functools.cache
def schema() -> Json:
    loaded: Json = json.loads(SCHEMA_PATH.read_text())
    return loaded


def cases(group_type: str) -> list[Any]:
    params = []
    for filename, document in vector_files().items():
        for group in document["testGroups"]:
            if group["type"] != group_type:
                continue
            for test in group["tests"]:
                marks: list[Any] = []
                reason = KNOWN_LIBRARY_BUGS.get((filename, test["name"]))
                if reason is not None:
                    marks.append(pytest.mark.xfail(strict=True, reason=reason))
                params.append(
                    pytest.param(
                        test,
                        id=f"{filename.removesuffix('_test.json')}:{test['tcId']}:{test['name']}",
                        marks=marks,
                    )
                )
    return params


def all_tests() -> Iterator[tuple[str, Json, Json]]:
    for filename, document in vector_files().items():
        for group in document["testGroups"]:
            for test in group["tests"]:
                yield filename, group, test


def unhex(text: str) -> bytes:
    return bytes.fromhex(text)


def alg(value: int) -> bf.AlgId:
    return bf.AlgId(value)


# -- checking results ------------------------------------------------------------------


def check_error(err: BaseException, test: Json) -> None:
    assert type(err).__name__ == test["error"], f"{type(err).__name__}: {err}"
    assert isinstance(err, bf.BlobError)
    assert err.rule == test["rule"], str(err)
    for key, attr in (("offset", "offset"), ("field", "field")):
        if key in test:
            assert getattr(err, attr) == test[key], str(err)
    if "relation" in test:
        assert isinstance(err, bf.KeyConversionError)
        assert err.relation == test["relation"]
    if "hint" in test:
        assert err.hint is not None and test["hint"] in err.hint, err.hint


def run(
    test: Json, action: Callable[[], Any], check: Callable[[Any], None], output: str
) -> None:
    """Run ``action``; a valid case must succeed and pass ``check``, an invalid
    one must raise the named error. An acceptable case may do either: when it
    fails, it must fail as the vector records (the reference's choice); when it
    succeeds and the vector gives the ``output``, that must match."""
    if test["result"] == "valid":
        check(action())
        return
    try:
        outcome = action()
    except bf.BlobError as err:
        check_error(err, test)
        return
    assert test["result"] == "acceptable", f"expected {test['error']} [{test['rule']}]"
    if output in test:
        check(outcome)


def key_numbers(key: Any) -> Json:
    if isinstance(key, ec.EllipticCurvePrivateKey):
        en = key.private_numbers()
        return {
            "qx": en.public_numbers.x,
            "qy": en.public_numbers.y,
            "d": en.private_value,
        }
    if isinstance(key, ec.EllipticCurvePublicKey):
        ep = key.public_numbers()
        return {"qx": ep.x, "qy": ep.y}
    if isinstance(key, rsa.RSAPrivateKey):
        r = key.private_numbers()
        return {
            "n": r.public_numbers.n,
            "e": r.public_numbers.e,
            "d": r.d,
            "p": r.p,
            "q": r.q,
            "dp": r.dmp1,
            "dq": r.dmq1,
            "qinv": r.iqmp,
        }
    if isinstance(key, rsa.RSAPublicKey):
        rp = key.public_numbers()
        return {"n": rp.n, "e": rp.e}
    if isinstance(key, dsa.DSAPrivateKey):
        d = key.private_numbers()
        dg = d.public_numbers.parameter_numbers
        return {"p": dg.p, "q": dg.q, "g": dg.g, "y": d.public_numbers.y, "x": d.x}
    if isinstance(key, dsa.DSAPublicKey):
        dp = key.public_numbers()
        return {
            "p": dp.parameter_numbers.p,
            "q": dp.parameter_numbers.q,
            "g": dp.parameter_numbers.g,
            "y": dp.y,
        }
    if isinstance(key, dh.DHPrivateKey):
        h = key.private_numbers()
        hg = h.public_numbers.parameter_numbers
        out = {"p": hg.p, "g": hg.g, "y": h.public_numbers.y, "x": h.x}
        return out if hg.q is None else {**out, "q": hg.q}
    if isinstance(key, dh.DHPublicKey):
        hp = key.public_numbers()
        hpg = hp.parameter_numbers
        pub = {"p": hpg.p, "g": hpg.g, "y": hp.y}
        return pub if hpg.q is None else {**pub, "q": hpg.q}
    raise TypeError(type(key))


def key_der(key: Any) -> str:
    if hasattr(key, "private_bytes"):
        der: bytes = key.private_bytes(
            serialization.Encoding.DER,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    else:
        der = key.public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    return der.hex()


def check_key(key: Any, test: Json) -> None:
    assert key_der(key) == test["keyDer"]
    assert {name: big(value) for name, value in key_numbers(key).items()} == test[
        "keyNumbers"
    ]


def load_private_der(hex_der: str) -> Any:
    return serialization.load_der_private_key(
        unhex(hex_der), password=None, unsafe_skip_rsa_key_validation=True
    )


def load_public_der(hex_der: str) -> Any:
    return serialization.load_der_public_key(unhex(hex_der))


def session_key_json(key: bf.SessionKey) -> Json:
    return {"algId": int(key.alg_id), "key": key.key.hex(), "salt": key.salt.hex()}


# -- decoding --------------------------------------------------------------------------


@pytest.mark.parametrize("test", cases("BlobDecode"))
def test_blob_decode(test: Json) -> None:
    data = unhex(test["blob"])

    def check(model: Any) -> None:
        assert type(model) is LAYOUTS[test["layout"]]
        assert model.to_bytes() == data
        assert fields_of(model) == test["fields"]
        assert bf.parse(data, lenient=True) == model

    run(test, lambda: bf.parse(data), check, "layout")
    lenient = test.get("lenient")
    if lenient is None:
        return
    if lenient["result"] == "invalid":
        with pytest.raises(bf.BlobError) as info:
            bf.parse(data, lenient=True)
        check_error(info.value, lenient)
        return
    model = bf.parse(data, lenient=True)
    assert model.to_bytes() == unhex(lenient["canonical"])
    assert [
        {"kind": t.kind, "offset": t.offset, "rule": t.rule} for t in model.tolerated
    ] == lenient["tolerated"]


# -- key conversion --------------------------------------------------------------------


def group_parameters(test: Json) -> dh.DHParameterNumbers | None:
    params = test.get("parameters")
    if params is None:
        return None
    q = params.get("q")
    return dh.DHParameterNumbers(
        int(params["p"], 16), int(params["g"], 16), None if q is None else int(q, 16)
    )


@pytest.mark.parametrize("test", cases("KeyImport"))
def test_key_import(test: Json) -> None:
    data = unhex(test["blob"])
    if test["kind"] == "public":
        action: Callable[[], Any] = lambda: bf.load_public_key(  # noqa: E731
            data, parameters=group_parameters(test)
        )
    else:
        action = lambda: bf.load_private_key(data)  # noqa: E731
    run(test, action, lambda key: check_key(key, test), "keyDer")


@pytest.mark.parametrize("test", cases("KeyExport"))
def test_key_export(test: Json) -> None:
    kwargs: Json = {}
    if test["algId"] is not None:
        kwargs["alg_id"] = alg(test["algId"])
    if test["version"] is not None:
        kwargs["version"] = test["version"]
    if test["kind"] == "public":
        key = load_public_der(test["keyDer"])
        action: Callable[[], Any] = lambda: bf.dump_public_key(key, **kwargs)  # noqa: E731
    else:
        key = load_private_der(test["keyDer"])
        action = lambda: bf.dump_private_key(key, **kwargs)  # noqa: E731
    run(test, action, lambda blob: assert_equal(blob.hex(), test["blob"]), "blob")


@pytest.mark.parametrize("test", cases("CngKeyImport"))
def test_cng_key_import(test: Json) -> None:
    data = unhex(test["blob"])
    load = bf.load_public_key if test["kind"] == "public" else bf.load_private_key
    run(
        test,
        lambda: load(data, curve=test["curve"]),
        lambda key: check_key(key, test),
        "keyDer",
    )


@pytest.mark.parametrize("test", cases("CngKeyExport"))
def test_cng_key_export(test: Json) -> None:
    if test["kind"] == "public":
        key = load_public_der(test["keyDer"])
        action: Callable[[], Any] = lambda: bf.dump_public_key(  # noqa: E731
            key, format="cng", ecdh=test["ecdh"], version=test["version"]
        )
    else:
        key = load_private_der(test["keyDer"])
        action = lambda: bf.dump_private_key(  # noqa: E731
            key,
            format="cng",
            full=test["full"],
            ecdh=test["ecdh"],
            version=test["version"],
        )
    run(test, action, lambda blob: assert_equal(blob.hex(), test["blob"]), "blob")


@pytest.mark.parametrize("test", cases("BlobConvert"))
def test_blob_convert(test: Json) -> None:
    alg_id = None if test["algId"] is None else alg(test["algId"])
    action = lambda: bf.convert_blob(unhex(test["blob"]), to=test["to"], alg_id=alg_id)  # noqa: E731
    run(test, action, lambda out: assert_equal(out.hex(), test["output"]), "output")


@pytest.mark.parametrize("test", cases("CngKeyWrap"))
def test_cng_key_wrap(test: Json) -> None:
    kek, data = unhex(test["kek"]), unhex(test["input"])
    action = (
        (lambda: bf.cng_wrap_key(kek, data))
        if test["operation"] == "wrap"
        else (lambda: bf.cng_unwrap_key(kek, data))
    )
    run(test, action, lambda out: assert_equal(out.hex(), test["output"]), "output")


def assert_equal(actual: object, expected: object) -> None:
    assert actual == expected


@pytest.mark.parametrize("test", cases("PvkImport"))
def test_pvk_import(test: Json) -> None:
    data = unhex(test["pvk"])
    password = None if test["password"] is None else unhex(test["password"])
    run(
        test,
        lambda: bf.load_pvk(data, password),
        lambda key: check_key(key, test),
        "keyDer",
    )
    steps = test.get("intermediates")
    if steps is not None:
        assert password is not None
        pvk = bf.parse(data)
        assert isinstance(pvk, bf.PVKFile)
        sha = hashlib.sha1(pvk.salt + password).digest()
        assert unhex(steps["rc4Key"]) == (
            sha[:16] if steps["strength"] == "strong" else sha[:5] + bytes(11)
        )
        from cryptography.hazmat.decrepit.ciphers.algorithms import ARC4
        from cryptography.hazmat.primitives.ciphers import Cipher

        plain = (
            Cipher(ARC4(unhex(steps["rc4Key"])), mode=None)
            .decryptor()
            .update(pvk.key_data[8:])
        )
        assert pvk.key_data[:8] + plain == unhex(steps["decryptedBlob"])


# -- session keys ----------------------------------------------------------------------


@pytest.mark.parametrize("test", cases("SimpleBlobUnwrap"))
def test_simpleblob_unwrap(test: Json) -> None:
    key = load_private_der(test["privateKeyDer"])
    data = unhex(test["blob"])
    run(
        test,
        lambda: bf.unwrap_session_key(
            data, key, oaep=test["padding"] == "oaep", no_salt=test["noSalt"]
        ),
        lambda session: assert_equal(session_key_json(session), test["sessionKey"]),
        "sessionKey",
    )
    steps = test.get("intermediates")
    if steps is not None:
        # The encoded message is what the private key recovers from the ciphertext.
        numbers = key.private_numbers()
        c = int.from_bytes(unhex(steps["ciphertextBigEndian"]), "big")
        assert unhex(steps["ciphertextBigEndian"]) == data[12:][::-1]
        k = (key.key_size + 7) // 8
        assert pow(c, numbers.d, numbers.public_numbers.n).to_bytes(k, "big") == unhex(
            steps["encodedMessage"]
        )


@pytest.mark.parametrize("test", cases("SimpleBlobWrap"))
def test_simpleblob_wrap(test: Json) -> None:
    public_key = load_public_der(test["publicKeyDer"])
    session = test["sessionKey"]
    oaep = test["padding"] == "oaep"

    def action() -> bytes:
        return bf.wrap_session_key(
            unhex(session["key"]), public_key, alg_id=alg(session["algId"]), oaep=oaep
        )

    def check(blob: bytes) -> None:
        # wrap_session_key draws fresh randomness: compare its shape, and check
        # the vector's own arithmetic with the published padding.
        expected = unhex(test["blob"])
        assert len(blob) == len(expected) and blob[:12] == expected[:12]
        numbers = public_key.public_numbers()
        em = unhex(test["encodedMessage"])
        k = (public_key.key_size + 7) // 8
        assert (
            pow(int.from_bytes(em, "big"), numbers.e, numbers.n).to_bytes(k, "big")[
                ::-1
            ]
            == expected[12:]
        )
        if not oaep:
            assert em == b"\x00\x02" + unhex(test["paddingString"]) + b"\x00" + unhex(
                session["key"]
            )

    run(test, action, check, "blob")


@pytest.mark.parametrize("test", cases("SessionKeyImport"))
def test_session_key_import(test: Json) -> None:
    data = unhex(test["blob"])
    run(
        test,
        lambda: bf.load_session_key_blob(data, no_salt=test["noSalt"]),
        lambda session: assert_equal(session_key_json(session), test["sessionKey"]),
        "sessionKey",
    )


@pytest.mark.parametrize("test", cases("SymmetricUnwrap"))
def test_symmetric_unwrap(test: Json) -> None:
    kek_json = test["kek"]

    def action() -> bf.SessionKey:
        kek = bf.SessionKey(
            alg_id=alg(kek_json["algId"]),
            key=unhex(kek_json["key"]),
            effective_bits=kek_json["effectiveBits"],
        )
        return bf.unwrap_symmetric_key(unhex(test["blob"]), kek, no_salt=test["noSalt"])

    run(
        test,
        action,
        lambda session: assert_equal(session_key_json(session), test["sessionKey"]),
        "sessionKey",
    )


@pytest.mark.parametrize("test", cases("KeyWrap"))
def test_key_wrap(test: Json) -> None:
    kek = unhex(test["kek"])
    bits = test.get("effectiveBits")

    def action() -> bytes:
        options: dict[str, Any] = {}
        if "iv" in test:
            options["iv"] = unhex(test["iv"])
        if test["algorithm"] == "3DES":
            if test["operation"] == "wrap":
                return _keywrap.wrap_3des(unhex(test["cek"]), kek, **options)
            if "cekLength" in test:
                options["cek_length"] = test["cekLength"]
            return _keywrap.unwrap_3des(unhex(test["wrapped"]), kek, **options)
        if bits is not None:
            options["effective_bits"] = bits
        if test["operation"] == "wrap":
            if "pad" in test:
                options["pad"] = unhex(test["pad"])
            return _keywrap.wrap_rc2(unhex(test["cek"]), kek, **options)
        options.pop("iv", None)
        return _keywrap.unwrap_rc2(unhex(test["wrapped"]), kek, **options)

    run(test, action, lambda out: assert_equal(out.hex(), test["output"]), "output")


@pytest.mark.parametrize("test", cases("DeriveKey"))
def test_derive_key(test: Json) -> None:
    hash_value = unhex(test["hashValue"])
    if "hashInput" in test:
        assert digest(alg(test["hashAlg"]), unhex(test["hashInput"])) == hash_value

    def action() -> bf.SessionKey:
        return bf.derive_key(
            hash_value,
            alg(test["keyAlg"]),
            hash_alg=alg(test["hashAlg"]),
            key_bits=test["keyBits"],
            create_salt=test["createSalt"],
            provider=test["provider"],
        )

    def check(key: bf.SessionKey) -> None:
        assert {"key": key.key.hex(), "salt": key.salt.hex()} == test["derivedKey"]
        for op in test.get("cipher", []):
            used = (
                key
                if "effectiveBits" not in op
                else dataclasses.replace(key, effective_bits=op["effectiveBits"])
            )
            run_cipher(used, op)

    run(test, action, check, "derivedKey")


def run_cipher(key: bf.SessionKey, op: Json) -> bytes:
    method = key.encrypt if op["operation"] == "encrypt" else key.decrypt
    iv = None if op["iv"] is None else unhex(op["iv"])
    out = method(unhex(op["input"]), mode=op["mode"], iv=iv, final=op["final"])
    if "output" in op:
        assert out.hex() == op["output"]
    return out


@pytest.mark.parametrize("test", cases("Cipher"))
def test_cipher(test: Json) -> None:
    spec = test["sessionKey"]

    def action() -> bytes:
        key = bf.SessionKey(
            alg_id=alg(spec["algId"]),
            key=unhex(spec["key"]),
            salt=unhex(spec["salt"]),
            effective_bits=spec["effectiveBits"],
        )
        return run_cipher(key, {k: v for k, v in test.items() if k != "output"})

    run(test, action, lambda out: assert_equal(out.hex(), test["output"]), "output")


# -- the signed envelope -----------------------------------------------------------------


@pytest.mark.parametrize("test", cases("EnvelopeKeyId"))
def test_envelope_key_id(test: Json) -> None:
    key = load_public_der(test["publicKeyDer"])
    assert bf.envelope_key_id(key).hex() == test["keyId"]
    assert bf.dump_public_key(key)[8:].hex() == test["keyIdInput"]
    assert (
        hashlib.sha256(
            b"blobformat/keyid/v1\x00" + unhex(test["keyIdInput"])
        ).hexdigest()
        == test["keyId"]
    )


def minimum(test: Json) -> int | None:
    value = test["minGeneration"]
    return None if value is None else int(value, 16)


@pytest.mark.parametrize("test", cases("EnvelopeVerify"))
def test_envelope_verify(test: Json) -> None:
    data = unhex(test["envelope"])
    trusted = [load_public_der(k) for k in test["trustedKeys"]]
    context = unhex(test["context"])

    def check(opened: bf.SealedEnvelope) -> None:
        entries = [
            {
                "role": "owner" if e.role == bf.EnvelopeRole.OWNER else "backup",
                "padding": "oaep" if e.oaep else "pkcs1",
                "recipientKeyId": e.recipient_key_id.hex(),
                "blob": e.blob.to_bytes().hex(),
            }
            for e in opened.entries
        ]
        assert {
            "suite": opened.suite,
            "label": opened.label,
            "generation": big(opened.generation),
            "signerKeyId": opened.signer_key_id.hex(),
            "entries": entries,
        } == test["opened"]

    run(
        test,
        lambda: bf.open_sealed(
            data, trusted, context=context, min_generation=minimum(test)
        ),
        check,
        "opened",
    )
    steps = test.get("intermediates")
    if steps is not None:
        tbs = unhex(steps["tbs"])
        assert bf.envelope_tbs(data, context=context) == tbs
        assert hashlib.sha256(tbs).hexdigest() == steps["tbsSha256"]
        little = unhex(steps["signatureLittleEndian"])
        assert data.endswith(little)
        assert unhex(steps["signatureBigEndian"]) == little[::-1]
        if test["result"] == "valid":
            signer_id = unhex(test["opened"]["signerKeyId"])
            signer = next(k for k in trusted if bf.envelope_key_id(k) == signer_id)
            signer.verify(little[::-1], tbs, padding.PKCS1v15(), hashes.SHA256())


@pytest.mark.parametrize("test", cases("EnvelopeOpen"))
def test_envelope_open(test: Json) -> None:
    data = unhex(test["envelope"])
    trusted = [load_public_der(k) for k in test["trustedKeys"]]
    key = load_private_der(test["privateKeyDer"])
    run(
        test,
        lambda: bf.load_session_key(
            data,
            key,
            trusted=trusted,
            context=unhex(test["context"]),
            min_generation=minimum(test),
        ),
        lambda session: assert_equal(session_key_json(session), test["sessionKey"]),
        "sessionKey",
    )


@pytest.mark.parametrize("test", cases("EnvelopeSeal"))
def test_envelope_seal(test: Json) -> None:
    signer = load_private_der(test["signerKeyDer"])

    def action() -> bytes:
        recipients = [
            bf.Recipient(
                unhex(r["blob"]),
                None
                if r["publicKeyDer"] is None
                else load_public_der(r["publicKeyDer"]),
                role=None
                if r["role"] is None
                else (
                    bf.EnvelopeRole.OWNER
                    if r["role"] == "owner"
                    else bf.EnvelopeRole.BACKUP
                ),
                oaep=r["oaep"],
            )
            for r in test["recipients"]
        ]
        return bf.seal(
            recipients,
            signer,
            context=unhex(test["context"]),
            label=test["label"],
            generation=int(test["generation"], 16),
        )

    run(
        test,
        action,
        lambda envelope: assert_equal(envelope.hex(), test["envelope"]),
        "envelope",
    )


@pytest.mark.parametrize("test", cases("SignatureSign"))
def test_signature_sign(test: Json) -> None:
    key = load_private_der(test["privateKeyDer"])
    options = {
        "hash_alg": test["hashAlg"],
        "no_hash_oid": test["noHashOid"],
        "prehashed": test["prehashed"],
    }
    run(
        test,
        lambda: bf.sign_hash(key, unhex(test["message"]), **options),
        lambda signature: assert_equal(signature.hex(), test["signature"]),
        "signature",
    )
    steps = test.get("intermediates")
    if steps is not None:
        assert unhex(steps["signatureBigEndian"])[::-1].hex() == test["signature"]
        # The same signature verifies, and the blob form of the key signs alike.
        bf.verify_signature(
            key.public_key(),
            unhex(test["message"]),
            unhex(test["signature"]),
            **options,
        )
        assert (
            bf.sign_hash(
                bf.dump_private_key(key), unhex(test["message"]), **options
            ).hex()
            == test["signature"]
        )


@pytest.mark.parametrize("test", cases("SignatureVerify"))
def test_signature_verify(test: Json) -> None:
    key = load_public_der(test["publicKeyDer"])
    options = {
        "hash_alg": test["hashAlg"],
        "no_hash_oid": test["noHashOid"],
        "prehashed": test["prehashed"],
    }
    run(
        test,
        lambda: bf.verify_signature(
            key, unhex(test["message"]), unhex(test["signature"]), **options
        ),
        lambda result: assert_equal(result, None),
        "none",
    )


@pytest.mark.parametrize("test", cases("PfxImport"))
def test_pfx_import(test: Json) -> None:
    def check(result: tuple[bytes, list[Any]]) -> None:
        pvk, certs = result
        assert pvk.hex() == test["pvk"]
        assert [
            c.public_bytes(serialization.Encoding.DER).hex() for c in certs
        ] == test["certificates"]

    run(
        test,
        lambda: bf.pfx_to_pvk(unhex(test["pfx"]), unhex(test["password"])),
        check,
        "pvk",
    )


@pytest.mark.parametrize("test", cases("PfxExport"))
def test_pfx_export(test: Json) -> None:
    password = unhex(test["pfxPassword"])

    def action() -> bytes:
        return bf.pvk_to_pfx(
            unhex(test["pvk"]),
            [unhex(c) for c in test["certificates"]],
            pvk_password=None
            if test["pvkPassword"] is None
            else unhex(test["pvkPassword"]),
            pfx_password=password,
            friendly_name=test["friendlyName"],
            encryption=test["encryption"],
        )

    def check(pfx: bytes) -> None:
        # What any PKCS #12 reader finds in it (cryptography's, here).
        loaded = pkcs12.load_pkcs12(pfx, password)
        assert loaded.key is not None and key_der(loaded.key) == test["keyDer"]
        assert (
            loaded.cert is not None
            and loaded.cert.friendly_name == test["friendlyName"].encode()
        )
        held = [
            loaded.cert.certificate,
            *(c.certificate for c in loaded.additional_certs),
        ]
        assert [c.public_bytes(serialization.Encoding.DER).hex() for c in held] == test[
            "pfxCertificates"
        ]

    run(test, action, check, "keyDer")


def test_pfx_vectors_start_from_a_released_pvk_vector() -> None:
    released = {
        t["name"]: t
        for g in vector_files()["pvk_test.json"]["testGroups"]
        for t in g["tests"]
    }
    pvk = released["load-plain-rsa-sign"]["pvk"]
    exports = [
        t
        for g in vector_files()["pfx_test.json"]["testGroups"]
        if g["type"] == "PfxExport"
        for t in g["tests"]
    ]
    assert exports and all(t["pvk"] == pvk for t in exports if t["pvkPassword"] is None)
    # The stored PFX files hold the same key.
    for name in ("import-blobformat-aes256", "import-openssl-default"):
        case = next(
            t
            for g in vector_files()["pfx_test.json"]["testGroups"]
            for t in g["tests"]
            if t["name"] == name
        )
        out, _ = bf.pfx_to_pvk(unhex(case["pfx"]), unhex(case["password"]))
        assert key_der(bf.load_pvk(out)) == key_der(bf.load_pvk(unhex(pvk)))


@pytest.mark.parametrize("test", cases("CertsToSpc"))
def test_certs_to_spc(test: Json) -> None:
    run(
        test,
        lambda: bf.certs_to_spc([unhex(c) for c in test["certificates"]]),
        lambda spc: assert_equal(spc.hex(), test["spc"]),
        "spc",
    )


# -- the files themselves ---------------------------------------------------------------


def test_schema_is_valid_and_files_conform() -> None:
    validator_cls = jsonschema.Draft202012Validator
    validator_cls.check_schema(schema())
    validator = validator_cls(schema())
    assert vector_files(), "no vector files"
    for name, document in vector_files().items():
        error = jsonschema.exceptions.best_match(validator.iter_errors(document))
        assert error is None, (
            f"{name}: {error.message[:300]} at {list(error.absolute_path)}"
        )


def test_schema_rejects_unknown_keys() -> None:
    validator = jsonschema.Draft202012Validator(schema())
    document = json.loads(json.dumps(next(iter(vector_files().values()))))
    document["testGroups"][0]["tests"][0]["expectFail"] = True  # a misspelt key
    assert not validator.is_valid(document)
    document = json.loads(json.dumps(next(iter(vector_files().values()))))
    document["extra"] = 1
    assert not validator.is_valid(document)
    document = json.loads(json.dumps(next(iter(vector_files().values()))))
    document["testGroups"][0]["key"] = "a group-level key the schema does not define"
    assert not validator.is_valid(document)


def test_ids_counts_and_notes() -> None:
    for name, document in vector_files().items():
        tests = [t for g in document["testGroups"] for t in g["tests"]]
        assert document["numberOfTests"] == len(tests), name
        ids = [t["tcId"] for t in tests]
        assert ids[0] >= 1 and all(a < b for a, b in itertools.pairwise(ids)), (
            f"{name}: tcIds not strictly increasing"
        )
        assert len({t["name"] for t in tests}) == len(tests), name
        retired = {
            entry.tc_id: case for (file, case), entry in RETIRED.items() if file == name
        }
        # Every id up to the last is either a written case or a retired one, never both.
        assert sorted([*ids, *retired]) == list(range(1, max([*ids, *retired]) + 1)), (
            f"{name}: a gap that is not retired, or a retired tcId reused"
        )
        assert not set(retired.values()) & {t["name"] for t in tests}, (
            f"{name}: a retired name is back"
        )
        used = {flag for t in tests for flag in t["flags"]}
        assert used == set(document["notes"]), f"{name}: flags and notes differ"
        spec_ids = set(RULE_DEF.findall((ROOT / "SPEC.md").read_text()))
        for note in document["notes"].values():
            assert set(note.get("specRefs", [])) <= spec_ids


def test_retired_cases_name_published_files() -> None:
    assert RETIRED, "retired cases never leave the table (their tcIds stay reserved)"
    for (file, case), entry in RETIRED.items():
        assert file in vector_files(), file
        assert entry.reason and entry.tc_id >= 1, case
        names = {
            t["name"] for g in vector_files()[file]["testGroups"] for t in g["tests"]
        }
        assert set(entry.covered_by) <= names, (
            f"{file}: {case} is covered by missing cases"
        )


def test_regenerating_changes_nothing(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(VECTORS / "generate.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    produced = {
        p.relative_to(tmp_path).as_posix(): p.read_bytes()
        for p in tmp_path.rglob("*.json")
    }
    committed = {
        p.relative_to(VECTORS).as_posix(): p.read_bytes()
        for p in [*V1.glob("*.json"), *SCHEMA_PATH.parent.glob("*.json")]
    }
    assert sorted(produced) == sorted(committed)
    for rel, data in produced.items():
        assert data == committed[rel], f"{rel} differs from the generator's output"


def model_classes() -> set[type[Any]]:
    return {
        obj
        for name in bf.__all__
        if isinstance(obj := getattr(bf, name), type)
        and (hasattr(obj, "LAYOUT") or issubclass(obj, cng._CngModel))
    }


def test_every_layout_has_a_valid_vector() -> None:
    assert set(LAYOUTS.values()) == model_classes()
    seen = {
        test["layout"]
        for _, group, test in all_tests()
        if group["type"] == "BlobDecode" and test["result"] == "valid"
    }
    assert seen == set(LAYOUTS), (
        f"layouts without a valid vector: {sorted(set(LAYOUTS) - seen)}"
    )


# Requirements no test input can break on its own: ENV-22 forbids unwrapping an
# unverified envelope; the vectors that try it fail verification first and name
# ENV-22 through their flag. KEY-12's vectors are envelope vectors failing ENV-17
# (a factorable trusted key) that name KEY-12 through their flag.
COVERED_BY_FLAG_ONLY = {"ENV-22", "KEY-12"}
# KEY-5 ("refuse what the key library cannot represent") depends on the library: its
# "acceptable" vectors record the reference's refusal, and its invalid vector holds for
# converters to cryptography key objects (flag CryptographyKeyLimit, SPEC §19).
KEY_LIBRARY_FLAG = "CryptographyKeyLimit"
# Rules on the reference implementation's API, not on what an input decodes to: the
# export encoding argument (KEY-9), the deprecation warning (KEY-10), a key library
# without DSA/DH (KEY-11) and the caller's cost bounds (KEY-13, and PFX-6 for a PFX's
# iteration counts, whose default is the reference's own). No input breaks them by
# itself; tests/test_legacy_keys.py, tests/test_keys.py and tests/test_pfx.py test them.
API_RULES = {"KEY-9", "KEY-10", "KEY-11", "KEY-13", "PFX-6"}


def test_every_requirement_has_an_invalid_vector() -> None:
    spec_ids = set(RULE_DEF.findall((ROOT / "SPEC.md").read_text()))
    invalid_rules: set[str] = set()
    acceptable_rules: set[str] = set()
    by_flag: set[str] = set()
    for filename, _, test in all_tests():
        if test["result"] == "valid":
            continue
        (invalid_rules if test["result"] == "invalid" else acceptable_rules).add(
            test["rule"]
        )
        notes = vector_files()[filename]["notes"]
        for flag in test["flags"]:
            by_flag.update(notes[flag].get("specRefs", []))
    covered = invalid_rules | (by_flag & COVERED_BY_FLAG_ONLY) | API_RULES
    missing = spec_ids - covered
    assert not missing, f"requirements without an invalid vector: {sorted(missing)}"
    named = invalid_rules | acceptable_rules
    assert named <= spec_ids, f"vectors name unknown rules: {sorted(named - spec_ids)}"
    assert by_flag - invalid_rules >= COVERED_BY_FLAG_ONLY


def test_key_library_vectors_name_key_5() -> None:
    """Only KEY-5's vectors depend on the key library, and they say so by their flag."""
    flagged = [test for _, _, test in all_tests() if KEY_LIBRARY_FLAG in test["flags"]]
    assert flagged, "KEY-5 has no invalid vector"
    assert {(test["result"], test["rule"]) for test in flagged} == {
        ("invalid", "KEY-5")
    }
    invalid_key_5 = [
        test
        for _, _, test in all_tests()
        if test["result"] == "invalid" and test.get("rule") == "KEY-5"
    ]
    assert all(KEY_LIBRARY_FLAG in test["flags"] for test in invalid_key_5)


CHECK_ORDER_FLAG = "CheckOrder"


def test_check_order_vectors_cover_the_issue_14_orders() -> None:
    """The check orders SPEC 1.1 pins (§4.3 and the layout steps) each have a vector:
    (file, rule the vector names, another rule or truncation it competes with)."""
    wanted = {
        (
            "rsa_public_key_blob_test.json",
            "RSA-2",
        ),  # truncation inside the fixed part vs HDR-4/RSA-1
        ("rsa_public_key_blob_test.json", "HDR-3"),  # HDR-3 vs HDR-2
        ("rsa_public_key_blob_test.json", "HDR-2"),  # HDR-2 vs HDR-4
        ("dss_v3_key_blob_test.json", "DSS-4"),  # truncated DSSSEED vs DSS-3
        ("dh_key_blob_test.json", "DH-4"),  # truncated DSSSEED vs DH-3
        ("simpleblob_test.json", "SMP-2"),  # SMP-2 vs SMP-1
        ("simpleblob_test.json", "SMP-3"),  # truncation inside algid vs SMP-2
        ("symmetricwrapkeyblob_test.json", "SWK-2"),  # SWK-2 vs SWK-1
        (
            "symmetricwrapkeyblob_test.json",
            "SWK-3",
        ),  # truncation inside WrapAlgid vs SWK-2
        ("plaintextkeyblob_test.json", "PTK-2"),  # truncation inside dwKeySize vs PTK-1
        ("plaintextkeyblob_test.json", "PTK-1"),  # PTK-1 vs PTK-3
        ("pvk_test.json", "PVK-6"),  # truncation inside the PVK header vs PVK-1..5
        ("pvk_test.json", "PVK-7"),  # PVK-7 vs PVK-8
        ("pvk_test.json", "PVK-8"),  # PVK-8 vs the inner blob's errors; a DH2 key
        ("pvk_test.json", "HDR-4"),  # a DH2 key with an RSA aiKeyAlg passes PVK-8
    }
    found = {
        (filename, test["rule"])
        for filename, _, test in all_tests()
        if CHECK_ORDER_FLAG in test["flags"] and test["result"] == "invalid"
    }
    assert wanted <= found, sorted(wanted - found)


def test_openssl_flags_match_the_differences_list() -> None:
    differences = json.loads(DIFFERENCES_PATH.read_text())
    full = dict(schema()["$defs"]["openSslDifferences"])
    full["$defs"] = schema()["$defs"]
    jsonschema.Draft202012Validator(full).validate(differences)
    flagged = {
        (filename, test["tcId"], test["name"], flag)
        for filename, _, test in all_tests()
        for flag in test["flags"]
        if flag in ("OpenSslAccepts", "OpenSslRejects", "OpenSslImports")
    }
    listed = {
        (v["file"], v["tcId"], v["name"], v["flag"]) for v in differences["vectors"]
    }
    assert flagged == listed
    topics = differences["topics"]
    assert {v["topic"] for v in differences["vectors"]} == set(topics)
    in_spec = spec_17_topics()
    for topic, entry in topics.items():
        if entry["inSpec17"]:
            assert topic in in_spec, f"SPEC §17 has no row {topic!r}"
        else:
            assert "proposedRow" in entry and entry["proposedRow"].startswith(
                f"| {topic} |"
            )
