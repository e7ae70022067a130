"""Shared pieces of the vector generator: hex, seeded randomness, keys, files.

Conventions of the published JSON (see ``vectors/README.md``):

* byte strings are lowercase hex;
* key numbers and other integers that may exceed 2^53 are "BigUint" strings:
  the unsigned big-endian hex of the value, without leading zero bytes, an
  even number of digits, ``"00"`` for zero;
* header-sized integers (fields of at most 4 bytes) are JSON numbers.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import json
import math
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh, dsa, rsa

from vectorgen.retired import Retired

Json = dict[str, Any]

KEYS_DIR = Path(__file__).resolve().parent.parent / "keys"
SCHEMA_NAME = "vectors.v1.schema.json"
SPEC_VERSION = "1.1.0-draft"
VECTORS_VERSION = "1"

# ALG_ID values used by the generator (wincrypt.h; SPEC §3.3). Kept here, not
# imported from blobformat, so that the vectors do not echo the library.
ALG: dict[str, int] = {
    "CALG_DSS_SIGN": 0x2200,
    "CALG_RSA_SIGN": 0x2400,
    "CALG_RSA_KEYX": 0xA400,
    "CALG_DH_SF": 0xAA01,
    "CALG_DH_EPHEM": 0xAA02,
    "CALG_DES": 0x6601,
    "CALG_RC2": 0x6602,
    "CALG_3DES": 0x6603,
    "CALG_DESX": 0x6604,
    "CALG_3DES_112": 0x6609,
    "CALG_RC5": 0x660D,
    "CALG_AES_128": 0x660E,
    "CALG_AES_192": 0x660F,
    "CALG_AES_256": 0x6610,
    "CALG_AES": 0x6611,
    "CALG_RC4": 0x6801,
    "CALG_MD2": 0x8001,
    "CALG_MD4": 0x8002,
    "CALG_MD5": 0x8003,
    "CALG_SHA1": 0x8004,
    "CALG_MAC": 0x8005,
    "CALG_HMAC": 0x8009,
    "CALG_SHA_256": 0x800C,
    "CALG_SHA_384": 0x800D,
    "CALG_SHA_512": 0x800E,
    "CALG_SSL3_MASTER": 0x4C01,
    "CALG_TLS1_MASTER": 0x4C06,
}

# bType values (SPEC §3.1).
SIMPLEBLOB = 0x01
PUBLICKEYBLOB = 0x06
PRIVATEKEYBLOB = 0x07
PLAINTEXTKEYBLOB = 0x08
OPAQUEKEYBLOB = 0x09
PUBLICKEYBLOBEX = 0x0A
SYMMETRICWRAPKEYBLOB = 0x0B
KEYSTATEBLOB = 0x0C

ERROR_CLASSES = (
    "TruncatedError",
    "TrailingDataError",
    "InvalidFieldError",
    "UnsupportedBlobError",
    "EncodeError",
    "KeyConversionError",
    "PasswordError",
    "DecryptionError",
    "PaddingError",
    "InvalidParameterError",
    "KeyMismatchError",
    "UnknownSignerError",
    "BadSignatureError",
    "WeakKeyError",
    "StaleGenerationError",
    "NoRecipientError",
)


def require(condition: bool, message: str) -> None:
    """Stop the generator when published data or a construction is not as expected."""
    if not condition:
        raise AssertionError(message)


# -- bytes and numbers ----------------------------------------------------------


def hx(data: bytes) -> str:
    """Lowercase hex of ``data``."""
    return data.hex()


def big(value: int) -> str:
    """BigUint: unsigned big-endian hex, minimal, even length, "00" for zero."""
    if value < 0:
        raise ValueError("BigUint values are unsigned")
    size = max(1, (value.bit_length() + 7) // 8)
    return value.to_bytes(size, "big").hex()


def le(value: int, size: int) -> bytes:
    """``value`` as an unsigned little-endian integer of ``size`` bytes."""
    return value.to_bytes(size, "little")


def nbytes(bits: int) -> int:
    """ceil(bits / 8)."""
    return (bits + 7) // 8


def patch(data: bytes, offset: int, raw: bytes) -> bytes:
    """``data`` with ``raw`` written at ``offset`` (same length)."""
    if offset + len(raw) > len(data):
        raise ValueError("patch beyond the end of the data")
    return data[:offset] + raw + data[offset + len(raw) :]


def patch_u32(data: bytes, offset: int, value: int) -> bytes:
    return patch(data, offset, le(value, 4))


def patch_u16(data: bytes, offset: int, value: int) -> bytes:
    return patch(data, offset, le(value, 2))


def patch_u8(data: bytes, offset: int, value: int) -> bytes:
    return patch(data, offset, bytes([value]))


# -- deterministic randomness -----------------------------------------------------


def rng(label: str) -> random.Random:
    """A PRNG seeded from ``label`` alone, so that each use is reproducible
    whatever else the generator draws (adding a vector changes no other)."""
    seed = hashlib.sha256(b"blobformat-vectors/v1/" + label.encode()).digest()
    return random.Random(int.from_bytes(seed, "big"))


def random_bytes(label: str, size: int) -> bytes:
    """``size`` bytes from the PRNG for ``label``."""
    r = rng(label)
    return bytes(r.getrandbits(8) for _ in range(size))


def nonzero_bytes(label: str, size: int) -> bytes:
    """``size`` non-zero bytes from the PRNG for ``label`` (PKCS#1 v1.5 PS)."""
    r = rng(label)
    return bytes(r.randrange(1, 256) for _ in range(size))


# -- keys -----------------------------------------------------------------------------


@functools.cache
def private_key(name: str) -> Any:
    """The private key in ``vectors/keys/<name>.pem``."""
    data = (KEYS_DIR / f"{name}.pem").read_bytes()
    return serialization.load_pem_private_key(data, password=None)


def rsa_key(name: str) -> rsa.RSAPrivateKey:
    key = private_key(name)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"{name} is not an RSA key")
    return key


def dsa_key(name: str) -> dsa.DSAPrivateKey:
    key = private_key(name)
    if not isinstance(key, dsa.DSAPrivateKey):
        raise TypeError(f"{name} is not a DSA key")
    return key


def dh_key(name: str) -> dh.DHPrivateKey:
    key = private_key(name)
    if not isinstance(key, dh.DHPrivateKey):
        raise TypeError(f"{name} is not a DH key")
    return key


def pkcs8(key: Any) -> str:
    """PKCS#8 DER hex of a private key."""
    der: bytes = key.private_bytes(
        serialization.Encoding.DER,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    return hx(der)


def spki(key: Any) -> str:
    """SubjectPublicKeyInfo DER hex of a public key."""
    der: bytes = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hx(der)


@dataclass(frozen=True)
class RsaNumbers:
    n: int
    e: int
    d: int
    p: int
    q: int
    dp: int
    dq: int
    qinv: int

    @classmethod
    def of(cls, key: rsa.RSAPrivateKey) -> RsaNumbers:
        nums = key.private_numbers()
        pub = nums.public_numbers
        return cls(
            pub.n, pub.e, nums.d, nums.p, nums.q, nums.dmp1, nums.dmq1, nums.iqmp
        )

    def private_json(self) -> Json:
        return {
            "n": big(self.n),
            "e": big(self.e),
            "d": big(self.d),
            "p": big(self.p),
            "q": big(self.q),
            "dp": big(self.dp),
            "dq": big(self.dq),
            "qinv": big(self.qinv),
        }

    def public_json(self) -> Json:
        return {"n": big(self.n), "e": big(self.e)}

    def private_key(self) -> rsa.RSAPrivateKey:
        numbers = rsa.RSAPrivateNumbers(
            p=self.p,
            q=self.q,
            d=self.d,
            dmp1=self.dp,
            dmq1=self.dq,
            iqmp=self.qinv,
            public_numbers=rsa.RSAPublicNumbers(self.e, self.n),
        )
        return numbers.private_key(unsafe_skip_rsa_key_validation=True)


def rsa_from_primes(p: int, q: int, e: int) -> RsaNumbers:
    """The RSA key with primes ``p``, ``q`` and exponent ``e`` (d modulo lcm)."""
    lam = (p - 1) * (q - 1) // math.gcd(p - 1, q - 1)
    d = pow(e, -1, lam)
    return RsaNumbers(p * q, e, d, p, q, d % (p - 1), d % (q - 1), pow(q, -1, p))


# -- fields and blobs -----------------------------------------------------------------


@dataclass(frozen=True)
class Field:
    """One field of a blob: its path (SPEC field names), size and value."""

    path: str
    size: int
    value: int | bytes | None  # None: an optional number that is absent


@dataclass(frozen=True)
class Blob:
    """Bytes built field by field, with the expected decoding."""

    layout: str
    data: bytes
    fields: tuple[Json, ...]

    def decoded(self) -> Json:
        return {"layout": self.layout, "fields": list(self.fields)}


def build(layout: str, fields: Sequence[Field]) -> Blob:
    """Pack ``fields`` in order and describe each as the vectors do."""
    out = bytearray()
    described: list[Json] = []
    for f in fields:
        if f.value is None:
            if f.size != 0:
                raise ValueError(f"{f.path}: an absent field has no bytes")
            continue
        if isinstance(f.value, bytes):
            if len(f.value) != f.size:
                raise ValueError(
                    f"{f.path}: {len(f.value)} bytes for a {f.size}-byte field"
                )
            raw = f.value
            value: Any = hx(raw)
            kind = "bytes"
        else:
            raw = le(f.value, f.size)
            value = f.value if f.size <= 4 else big(f.value)
            kind = "uint"
        described.append(
            {
                "path": f.path,
                "offset": len(out),
                "size": f.size,
                "type": kind,
                "value": value,
            }
        )
        out += raw
    return Blob(layout, bytes(out), tuple(described))


def header_fields(
    blob_type: int, version: int, key_alg: int, reserved: int = 0
) -> list[Field]:
    return [
        Field("header.blob_type", 1, blob_type),
        Field("header.version", 1, version),
        Field("header.reserved", 2, reserved),
        Field("header.key_alg", 4, key_alg),
    ]


# -- test cases, groups and files ----------------------------------------------------


@dataclass
class Case:
    """One test case before numbering; ``data`` holds the type's own keys."""

    name: str
    comment: str
    result: str
    flags: list[str]
    data: Json

    def __post_init__(self) -> None:
        if self.result not in ("valid", "invalid", "acceptable"):
            raise ValueError(self.result)
        if self.result != "valid" and not self.flags:
            raise ValueError(f"{self.name}: an invalid case needs a flag")
        if self.result != "valid" and "error" not in self.data:
            raise ValueError(f"{self.name}: an invalid case names its error")
        if len(set(self.flags)) != len(self.flags):
            raise ValueError(f"{self.name}: repeated flag")


def error(
    cls: str,
    rule: str,
    *,
    offset: int | bool | None = False,
    field: str | bool | None = False,
    **extra: Any,
) -> Json:
    """The expected-error keys of an invalid case.

    ``offset`` and ``field`` are written only when given (``None`` means
    "the error has none"); decoding groups always give both.
    """
    if cls not in ERROR_CLASSES:
        raise ValueError(cls)
    out: Json = {"error": cls, "rule": rule}
    if offset is not False:
        out["offset"] = offset
    if field is not False:
        out["field"] = field
    out.update(extra)
    return out


def valid(name: str, comment: str, flags: Iterable[str] = (), **data: Any) -> Case:
    return Case(name, comment, "valid", list(flags), data)


def invalid(
    name: str, comment: str, flags: Iterable[str], expected: Json, **data: Any
) -> Case:
    return Case(name, comment, "invalid", list(flags), {**data, **expected})


def acceptable(
    name: str, comment: str, flags: Iterable[str], expected: Json, **data: Any
) -> Case:
    return Case(name, comment, "acceptable", list(flags), {**data, **expected})


@dataclass
class Group:
    """A test group; ``prefix`` keeps case names unique across a file's groups."""

    type: str
    comment: str
    cases: list[Case] = field(default_factory=list)
    extra: Json = field(default_factory=dict)
    prefix: str = ""

    def add(self, *cases: Case) -> None:
        for case in cases:
            if self.prefix:
                case.name = f"{self.prefix}-{case.name}"
            self.cases.append(case)


@dataclass
class VectorFile:
    """One published file. Test ids are assigned in order: append new cases
    at the end of the last group (or in a new group) so that released ids
    never change. A retired case (``vectorgen/retired.py``) is still built
    where it was released, keeps its tcId reserved and is not written."""

    filename: str
    algorithm: str
    header: list[str]
    groups: list[Group] = field(default_factory=list)

    def group(
        self, type_: str, comment: str, *, prefix: str = "", **extra: Any
    ) -> Group:
        g = Group(type_, comment, extra=extra, prefix=prefix)
        self.groups.append(g)
        return g

    def to_json(
        self,
        notes: dict[str, Json],
        added_flags: dict[str, str] | None = None,
        retired: Mapping[str, Retired] | None = None,
    ) -> Json:
        """The file's JSON; ``added_flags`` maps case names to one more flag each
        (the OpenSSL differences list); ``retired`` names the retired cases, which
        are left out while their tcIds stay reserved."""
        added = dict(added_flags or {})
        table = dict(retired or {})
        pending = dict(table)
        tc = 0
        written = 0
        names: set[str] = set()
        used: set[str] = set()
        groups: list[Json] = []
        for g in self.groups:
            tests: list[Json] = []
            for case in g.cases:
                tc += 1
                if case.name in names:
                    raise ValueError(
                        f"{self.filename}: duplicate case name {case.name}"
                    )
                names.add(case.name)
                gone = pending.pop(case.name, None)
                if gone is not None:
                    # The id check keeps the table and the code in step: a deleted or
                    # moved case would shift every later tcId.
                    if gone.tc_id != tc:
                        raise ValueError(
                            f"{self.filename}: retired case {case.name} is built at tcId {tc}, retired as {gone.tc_id}"
                        )
                    continue
                written += 1
                flags = list(case.flags)
                extra_flag = added.pop(case.name, None)
                if extra_flag is not None:
                    flags.append(extra_flag)
                used.update(flags)
                tests.append(
                    {
                        "tcId": tc,
                        "name": case.name,
                        "comment": case.comment,
                        "flags": flags,
                        "result": case.result,
                        **case.data,
                    }
                )
            groups.append(
                {"type": g.type, "comment": g.comment, **g.extra, "tests": tests}
            )
        if added:
            raise ValueError(
                f"{self.filename}: listed cases that do not exist: {sorted(added)}"
            )
        if pending:
            raise ValueError(
                f"{self.filename}: retired cases the generator no longer builds: {sorted(pending)}"
            )
        emitted = {t["name"] for g in groups for t in g["tests"]}
        for name, entry in table.items():
            missing_cover = set(entry.covered_by) - emitted
            if missing_cover:
                raise ValueError(
                    f"{self.filename}: {name} is covered by cases that do not exist: {sorted(missing_cover)}"
                )
        missing = used - notes.keys()
        if missing:
            raise ValueError(
                f"{self.filename}: flags without a note: {sorted(missing)}"
            )
        return {
            "schema": SCHEMA_NAME,
            "vectorsVersion": VECTORS_VERSION,
            "specVersion": SPEC_VERSION,
            "generator": "vectors/generate.py",
            "algorithm": self.algorithm,
            "numberOfTests": written,
            "header": self.header,
            "notes": {name: notes[name] for name in sorted(used)},
            "testGroups": groups,
        }


def dumps(document: Json) -> str:
    """The canonical text of a vector or schema file."""
    return json.dumps(document, indent=1, ensure_ascii=True) + "\n"


def _der_length(data: bytes, pos: int) -> tuple[int, int]:
    first = data[pos]
    if first < 0x80:
        return first, pos + 1
    count = first & 0x7F
    return int.from_bytes(data[pos + 1 : pos + 1 + count], "big"), pos + 1 + count


def der_integers(der: bytes) -> list[int]:
    """The INTEGERs of a DER SEQUENCE of INTEGERs (DSA or DH parameters)."""
    if der[0] != 0x30:
        raise ValueError("not a SEQUENCE")
    length, pos = _der_length(der, 1)
    end = pos + length
    values = []
    while pos < end:
        if der[pos] != 0x02:
            raise ValueError("not an INTEGER")
        size, pos = _der_length(der, pos + 1)
        values.append(int.from_bytes(der[pos : pos + size], "big"))
        pos += size
    return values


@functools.cache
def dsa_512_parameters() -> tuple[int, int, int]:
    """p, q, g of ``dsa-512-params.pem`` (OpenSSL 3 makes 512-bit DSA
    parameters but refuses keys of that size, so only the group is stored)."""
    text = (KEYS_DIR / "dsa-512-params.pem").read_text()
    body = "".join(line for line in text.splitlines() if not line.startswith("-----"))
    p, q, g = der_integers(base64.b64decode(body))
    return p, q, g
