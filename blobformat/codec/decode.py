# SPDX-License-Identifier: Apache-2.0
"""parse(): header sniffing, dispatch to a model, strict or lenient (SPEC §4, §13).

Decoding order (SPEC §4.3), which decides which error is reported first:

1. the input is bytes-like, else ``TypeError``;
2. a PVK file is recognised by its magic (SPEC §12);
3. the 8-byte BLOBHEADER (and, for key blobs, the 4-byte magic) is present;
4. ``bType`` and the magic select the kind, else ``UnsupportedBlobError``;
5. ``reserved`` and ``bVersion`` are checked;
6. the fields that size the body are read and checked (ALG_ID, bit lengths);
7. the full length the body needs is compared with the input, before any
   number is read; then the body is read and its numbers checked.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import TypeVar

from blobformat.codec import cng as _cng
from blobformat.codec import wire as _wire
from blobformat.codec.model_base import _Model
from blobformat.codec.models import (
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
from blobformat.codec.validate import alg_name, fail
from blobformat.constants import AlgId, BlobType, PVKKeyType
from blobformat.errors import (
    InvalidFieldError,
    ParseError,
    TruncatedError,
    UnsupportedBlobError,
)

__all__ = [
    "PVK_MAGIC",
    "as_bytes",
    "check_pvk_header",
    "check_pvk_key",
    "parse",
    "parse_as",
    "read_header",
]

PVK_MAGIC = b"\x1e\xf1\xb5\xb0"

_KEY_KINDS: dict[tuple[int, bytes], type[_Model]] = {
    (BlobType.PUBLICKEYBLOB, b"RSA1"): RSAPublicKeyBlob,
    (BlobType.PRIVATEKEYBLOB, b"RSA2"): RSAPrivateKeyBlob,
    (BlobType.PUBLICKEYBLOB, b"DSS1"): DSSPublicKeyBlob,
    (BlobType.PRIVATEKEYBLOB, b"DSS2"): DSSPrivateKeyBlob,
    (BlobType.PUBLICKEYBLOB, b"DSS3"): DSSPublicKeyBlobV3,
    (BlobType.PRIVATEKEYBLOB, b"DSS4"): DSSPrivateKeyBlobV3,
    (BlobType.PUBLICKEYBLOB, b"\x00DH1"): DHPublicKeyBlob,
    (BlobType.PRIVATEKEYBLOB, b"\x00DH2"): DHPrivateKeyBlob,
    (BlobType.PUBLICKEYBLOB, b"\x00DH3"): DHPublicKeyBlobV3,
    (BlobType.PRIVATEKEYBLOB, b"\x00DH4"): DHPrivateKeyBlobV3,
}
_MAGICS = {magic: bt for (bt, magic) in _KEY_KINDS}
_KEY_KINDS_BY_MAGIC: dict[bytes, dict[int, type[_Model]]] = {}
for (_bt, _magic), _kind in _KEY_KINDS.items():
    _KEY_KINDS_BY_MAGIC.setdefault(_magic, {})[_bt] = _kind
_NO_KIND: dict[int, type[_Model]] = {}

_OTHER_KINDS: dict[int, type[_Model]] = {
    BlobType.SIMPLEBLOB: SimpleBlob,
    BlobType.PLAINTEXTKEYBLOB: PlaintextKeyBlob,
    BlobType.SYMMETRICWRAPKEYBLOB: SymmetricWrapKeyBlob,
    BlobType.OPAQUEKEYBLOB: OpaqueKeyBlob,
    BlobType.PUBLICKEYBLOBEX: PublicKeyBlobEx,
    BlobType.KEYSTATEBLOB: KeyStateBlob,
}

# Offsets of the BLOBHEADER fields (SPEC §4.1).
_HEADER_OFFSETS = {
    "header.blob_type": 0,
    "header.version": 1,
    "header.reserved": 2,
    "header.key_alg": 4,
}

_M = TypeVar("_M", bound=_Model)
#: First bytes of CryptoAPI blobs (bType) and PVK files; nothing else is tried as CNG first.
_CAPI_FIRST = frozenset(bytes([t]) for t in (*BlobType, PVK_MAGIC[0]))


def as_bytes(data: object) -> bytes:
    """Return ``data`` as ``bytes``; raise ``TypeError`` if it is not bytes-like."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, bytearray | memoryview):
        return bytes(data)
    raise TypeError(
        f"expected bytes, bytearray or memoryview, not {type(data).__name__}"
    )


def _sniff(data: bytes) -> str | None:
    """A hint for input that is not a CryptoAPI blob (SPEC §4.4)."""
    if data.startswith(b"-----BEGIN"):
        return "the input looks like PEM, not a CryptoAPI blob"
    if data[:1] == b"\x30" and len(data) > 1 and (data[1] < 0x80 or data[1] in (0x81, 0x82, 0x83)):
        return "the input looks like DER (ASN.1), not a CryptoAPI blob"
    cng = {
        b"RSA1": "BCRYPT_RSAPUBLIC_BLOB",
        b"RSA2": "BCRYPT_RSAPRIVATE_BLOB",
        b"RSA3": "BCRYPT_RSAFULLPRIVATE_BLOB",
        b"DSPB": "BCRYPT_DSA_PUBLIC_BLOB",
        b"DSPV": "BCRYPT_DSA_PRIVATE_BLOB",
        b"DHPB": "BCRYPT_DH_PUBLIC_BLOB",
        b"DHPV": "BCRYPT_DH_PRIVATE_BLOB",
        b"KDBM": "BCRYPT_KEY_DATA_BLOB",
    }
    head = data[:4]
    if head in cng or head[:2] == b"EC":
        name = cng.get(head, "BCRYPT_ECCKEY_BLOB")
        return f"the input looks like a CNG {name}, not a CryptoAPI blob"
    return None


def _header_values(data: bytes) -> dict[str, _wire.Value]:
    if len(data) < 8:
        raise TruncatedError(
            "input is shorter than the 8-byte BLOBHEADER",
            hint=_sniff(data),
            needed=8,
            available=len(data),
            offset=0,
            field="header",
            rule="HDR-6",
        )
    return {
        "header.blob_type": data[0],
        "header.version": data[1],
        "header.reserved": int.from_bytes(data[2:4], "little"),
        "header.key_alg": int.from_bytes(data[4:8], "little"),
    }


def read_header(data: bytes, *, base: int = 0) -> BlobHeader:
    """Read a BLOBHEADER without checking it further.

    :raises TruncatedError: if fewer than 8 bytes are given.
    """
    try:
        values = _header_values(data)
    except TruncatedError as err:
        raise _relocate(err, base, "") from None
    key_alg = int(values["header.key_alg"])  # type: ignore[arg-type]
    blob_type = int(values["header.blob_type"])  # type: ignore[arg-type]
    return BlobHeader(
        blob_type=BlobType(blob_type) if blob_type in _BLOB_TYPES else blob_type,  # type: ignore[arg-type]
        version=int(values["header.version"]),  # type: ignore[arg-type]
        key_alg=AlgId(key_alg) if key_alg in _ALG_VALUES else key_alg,
        reserved=int(values["header.reserved"]),  # type: ignore[arg-type]
    )


_BLOB_TYPES = {int(t) for t in BlobType}
_ALG_VALUES = {int(a) for a in AlgId}


def _unsupported(data: bytes, values: Mapping[str, _wire.Value], extra: str) -> UnsupportedBlobError:
    bt = int(values["header.blob_type"])  # type: ignore[arg-type]
    return UnsupportedBlobError(
        f"unsupported blob: bType 0x{bt:02X}, bVersion {values['header.version']!r}, "
        f"aiKeyAlg {alg_name(int(values['header.key_alg']))}{extra}",  # type: ignore[arg-type]
        offset=0,
        field="header.blob_type",
        rule="HDR-1",
        hint=_sniff(data),
    )


def _select(data: bytes, values: Mapping[str, _wire.Value]) -> type[_Model]:
    bt = values["header.blob_type"]
    if not isinstance(bt, int):  # pragma: no cover - read as int above
        raise TypeError("bType")
    if bt in _OTHER_KINDS:
        return _OTHER_KINDS[bt]
    if bt not in (BlobType.PUBLICKEYBLOB, BlobType.PRIVATEKEYBLOB):
        raise _unsupported(data, values, "")
    if len(data) < 12:
        raise TruncatedError(
            "input ends before the key blob's 4-byte magic",
            needed=12,
            available=len(data),
            offset=8,
            field="magic",
            rule="HDR-6",
        )
    magic = data[8:12]
    kind = _KEY_KINDS.get((bt, magic))
    if kind is not None:
        return kind
    if magic in _MAGICS:
        fail(
            "magic does not match bType",
            field="magic",
            offsets={"magic": 8},
            rule="HDR-5",
            expected="a " + BlobType(bt).name + " magic",
            actual=f"{magic!r} (a {BlobType(_MAGICS[magic]).name} magic)",
        )
    raise _unsupported(data, values, f", magic {magic.hex()}")


def _check_header(cls: type[_Model], values: Mapping[str, _wire.Value]) -> None:
    reserved = values["header.reserved"]
    if reserved != 0:
        fail(
            "BLOBHEADER.reserved must be 0",
            field="header.reserved",
            offsets=_HEADER_OFFSETS,
            rule="HDR-3",
            expected="0",
            actual=str(reserved),
        )
    if cls.VERSION is not None and values["header.version"] != cls.VERSION:
        fail(
            f"bVersion does not match the {cls.KIND} layout",
            field="header.version",
            offsets=_HEADER_OFFSETS,
            rule="HDR-2",
            expected=str(cls.VERSION),
            actual=str(values["header.version"]),
        )


def _recover_private_exponent(
    values: Mapping[str, _wire.Value], fragment: bytes, offset: int
) -> int:
    """Rebuild a shortened RSA ``d`` from p, q, e and its low bytes (SPEC §13)."""
    p, q, e = values["prime1"], values["prime2"], values["public_exponent"]
    if not (isinstance(p, int) and isinstance(q, int) and isinstance(e, int)):
        raise TypeError("numbers")  # pragma: no cover
    low = int.from_bytes(fragment, "little")
    mask = (1 << (8 * len(fragment))) - 1
    candidates = []
    if p > 1 and q > 1:
        phi = (p - 1) * (q - 1)
        from math import gcd

        lcm = phi // gcd(p - 1, q - 1)
        for modulus in (lcm, phi):
            try:
                candidates.append(pow(e, -1, modulus))
            except ValueError:
                continue
    for d in candidates:
        if d & mask == low:
            return d
    raise InvalidFieldError(
        "shortened private exponent cannot be recovered from the primes",
        offset=offset,
        field="private_exponent",
        rule="RSA-2",
    )


def _decode_fast(cls: type[_M], data: bytes) -> _M | None:
    """Strict decoding through the generated readers, or ``None``.

    Applies the same rules in the same order as :func:`_decode`; it returns
    ``None`` (and the caller re-runs the generic path, which raises the
    located error) whenever the input is not a plain valid blob.
    """
    layout = cls.LAYOUT
    prefix = _wire.prefix_plan(layout)
    size = len(data)
    if size < prefix.end:
        return None
    rest_max = cls._REST_MAX
    if prefix.open_ended and rest_max is not None and size - prefix.fields[-1].offset > rest_max:
        return None  # The generic path reports it without copying the rest.
    head = prefix.read_fast(data)
    if head is None:
        return None
    if not cls._prefix_ok(head):
        # The class's quick test was not conclusive: the full rules decide.
        cls._check_prefix(dict(zip(prefix.names, head, strict=True)), prefix.offset_map)
    index = prefix.param_index
    if index:
        params = (head[index[0]],) if len(index) == 1 else tuple([head[i] for i in index])
        full = _wire.plan_for(layout, params)
        if size != full.end and not (full.open_ended and size >= full.end):
            return None
        tail = full.read_tail(data)
        if tail is None:
            return None
        body = head + tail
    else:
        # Nothing sizes the body: the prefix plan is the whole plan.
        full, body = prefix, head
        if size != full.end and not full.open_ended:
            return None
    assemble = full.assemblers.get(cls) or cls._assembler(full)
    return assemble(body)  # type: ignore[return-value]


def _decode(cls: type[_M], data: bytes, *, lenient: bool) -> _M:
    if cls._FAST and not lenient:
        fast = _decode_fast(cls, data)
        if fast is not None:
            return fast
    layout = cls.LAYOUT
    prefix = _wire.prefix_plan(layout)
    _wire.check_length(prefix, len(data), rule=cls.RULE, what=cls.KIND, allow_trailing=True)
    values = _wire.read(prefix, data, {}, const_rule="HDR-5", skip_rest=True)
    cls._check_prefix(values, prefix.offsets())
    if prefix.open_ended:
        # SPEC §4.3 step 6: the rest's length is checked before the rest is copied.
        cls._check_rest(len(data) - prefix.fields[-1].offset, prefix.offsets())
    full = _wire.plan(layout, {k: values[k] for k in layout.params})  # type: ignore[misc]
    tolerated: list[Tolerance] = []
    if lenient and cls is RSAPrivateKeyBlob and len(data) < full.end:
        last = full.fields[-1]
        if len(data) >= last.offset:
            # Windows imports private blobs whose d is cut short (SPEC §13).
            _wire.check_length(
                _wire.Plan(full.fields[:-1], last.offset, False),
                last.offset,
                rule=cls.RULE,
                what=cls.KIND,
            )
            _wire.read(_wire.Plan(full.fields[:-1], last.offset, False), data, values)
            fragment = data[last.offset :]
            values[last.path] = _recover_private_exponent(values, fragment, last.offset)
            tolerated.append(
                Tolerance(
                    "short-private-exponent",
                    last.offset,
                    f"{len(fragment)} of {last.size} bytes of private_exponent present;"
                    " recomputed from the primes",
                    cls.RULE,
                )
            )
            return _build(cls, values, tolerated, lenient=True)
    extra = _wire.check_length(
        full, len(data), rule=cls.RULE, what=cls.KIND, allow_trailing=lenient
    )
    if extra:
        tolerated.append(
            Tolerance("trailing-data", full.end, f"{extra} bytes after the blob", cls.RULE)
        )
        data = data[: full.end]
    _wire.read(full, data, values, const_rule="HDR-5")
    return _build(cls, values, tolerated, lenient=lenient)


#: Rules whose violations lenient decoding rewrites to the canonical form (SPEC §13).
_CANONICALISED = frozenset({"RSA-5", "DSS-6", "DH-6", "DSS-7"})


def _build(
    cls: type[_M], values: dict[str, _wire.Value], tolerated: list[Tolerance], *, lenient: bool
) -> _M:
    """Make the model; in lenient mode, rewrite non-canonical sizes and seed counters.

    Each rewrite is recorded; if the rewritten values break any rule (a CRT
    component longer than the canonical field, say), the strict error stands.
    """
    try:
        return cls._from_wire(values, tuple(tolerated))
    except InvalidFieldError as first:
        if not lenient or first.rule not in _CANONICALISED:
            raise
        original = first
    fixed = dict(values)
    notes = list(tolerated)
    err: InvalidFieldError = original
    # Each rule is rewritten at most once: DSS-6/DH-6 and DSS-7 can both apply.
    for _ in range(len(_CANONICALISED)):
        note = _canonicalise(fixed, err)
        if note is None:
            raise original
        notes.append(note)
        try:
            return cls._from_wire(fixed, tuple(notes))
        except InvalidFieldError as again:
            if again.rule not in _CANONICALISED or again.rule == err.rule:
                raise original from None
            err = again
    raise original  # pragma: no cover - every rule rewrites once at most


def _canonicalise(values: dict[str, _wire.Value], err: InvalidFieldError) -> Tolerance | None:
    """Rewrite the value ``err`` objects to; ``None`` if there is no canonical form."""
    offset = err.offset or 0
    if err.field not in ("bit_length", "p", "seed.counter"):
        return None  # raised inside a nested blob (a PVK file's key): not ours to rewrite
    if err.rule == "DSS-7":
        counter = values["seed.counter"]
        if not isinstance(counter, int):  # pragma: no cover - read as a u32
            raise TypeError("seed.counter")
        values["seed.counter"] = DSSSeed.NO_SEED_COUNTER
        return Tolerance(
            "ambiguous-seed-counter",
            offset,
            f"DSSSEED counter 0x{counter:08X} read as no seed (0xFFFFFFFF)",
            "DSS-7",
        )
    if err.rule == "RSA-5":
        name, number, step, low, high = "bit_length", values["modulus"], 8, 384, 16384
    else:
        name = "bit_length" if "bit_length" in values else "bit_length_p"
        number, step, low, high = values["p"], 64, 512, 4096
    declared = values[name]
    if not (isinstance(number, int) and isinstance(declared, int)):  # pragma: no cover
        raise TypeError("numbers")
    bits = number.bit_length()
    canonical = max(low, -(-bits // step) * step)
    if canonical == declared or canonical > high or bits <= canonical - 8:
        return None
    values[name] = canonical
    what = "modulus" if err.rule == "RSA-5" else "p"
    return Tolerance(
        "non-canonical-bit-length",
        offset,
        f"bit length {declared} for a {bits}-bit {what}; rewritten as {canonical}",
        err.rule or "RSA-5",
    )


def parse(data: bytes | bytearray | memoryview, *, lenient: bool = False) -> Blob:
    """Parse one CryptoAPI key BLOB or PVK file.

    Strict by default: the whole input must be exactly one blob that
    SPEC.md accepts, so ``parse(data).to_bytes() == data``.

    :param data: the bytes.
    :param lenient: forensic mode: also accept trailing bytes, RSA
        private blobs whose private exponent is cut short (as Windows
        imports them), bit lengths that are not the canonical one for the
        modulus (RSA-5, DSS-6, DH-6) and DSSSEED counters with the high bit
        set (DSS-7), rewritten to their canonical form. What was tolerated is recorded in the model's
        ``tolerated`` field, and ``to_bytes()`` then gives the canonical form.
    :returns: a frozen model (see :data:`blobformat.Blob`).
    :raises TypeError: if ``data`` is not bytes-like.
    :raises TruncatedError: if the input ends inside a field.
    :raises TrailingDataError: if bytes follow the blob.
    :raises InvalidFieldError: if a field breaks a SPEC.md rule.
    :raises UnsupportedBlobError: if the input is not a kind SPEC.md covers.
    """
    buf = data if type(data) is bytes else as_bytes(data)
    if buf[:1] not in _CAPI_FIRST:
        # CNG blobs start with an ASCII capital letter, never a bType (SPEC §20.2).
        cng = _cng.dispatch(buf, lenient=lenient)
        if cng is not None:
            return cng
    if buf[:4] == PVK_MAGIC:
        return _decode(PVKFile, buf, lenient=lenient)
    if len(buf) >= 12:
        # Fast dispatch for the common case; anything unusual takes the path below.
        bt = buf[0]
        cls = _OTHER_KINDS.get(bt) or _KEY_KINDS_BY_MAGIC.get(buf[8:12], _NO_KIND).get(bt)
        if cls is not None and buf[2:4] == b"\x00\x00" and buf[1] == cls.VERSION:
            if not lenient and cls._FAST:
                fast = _decode_fast(cls, buf)
                if fast is not None:
                    return fast  # type: ignore[return-value]
            return _decode(cls, buf, lenient=lenient)  # type: ignore[return-value]
    values = _header_values(buf)
    cls = _select(buf, values)
    _check_header(cls, values)
    return _decode(cls, buf, lenient=lenient)  # type: ignore[return-value]


def parse_as(cls: type[_M], data: bytes | bytearray | memoryview, *, lenient: bool = False) -> _M:
    """Parse ``data`` and require a model of class ``cls``.

    :raises UnsupportedBlobError: if the input is a different kind.
    """
    blob = parse(data, lenient=lenient)
    if not isinstance(blob, cls):
        raise UnsupportedBlobError(
            f"expected a {cls.KIND} blob, got a {type(blob).KIND} blob",
            offset=0,
            field="header",
        )
    return blob


# ---------------------------------------------------------------------------
# PVK -- SPEC §12


def check_pvk_header(values: Mapping[str, _wire.Value], offsets: Mapping[str, int] | None) -> None:
    """Rules on the PVK header, checked before the salt and key are read."""
    if values["header.reserved"] != 0:
        fail(
            "PVK reserved field must be 0",
            field="header.reserved",
            offsets=offsets,
            rule="PVK-1",
            expected="0",
            actual=str(values["header.reserved"]),
        )
    key_type = values["header.key_type"]
    if key_type not in (PVKKeyType.AT_KEYEXCHANGE, PVKKeyType.AT_SIGNATURE):
        fail(
            "PVK key type must be AT_KEYEXCHANGE (1) or AT_SIGNATURE (2)",
            field="header.key_type",
            offsets=offsets,
            rule="PVK-2",
            expected="1 or 2",
            actual=str(key_type),
        )
    encrypted = values["header.encrypted"]
    if encrypted not in (0, 1):
        fail(
            "PVK encrypted flag must be 0 or 1",
            field="header.encrypted",
            offsets=offsets,
            rule="PVK-3",
            expected="0 or 1",
            actual=str(encrypted),
        )
    salt_length = values["header.salt_length"]
    if not isinstance(salt_length, int):  # pragma: no cover
        raise TypeError("salt_length")
    if encrypted and not 1 <= salt_length <= PVKFile.MAX_SALT:
        fail(
            "salt length of an encrypted PVK out of range",
            field="header.salt_length",
            offsets=offsets,
            rule="PVK-4",
            expected=f"1..{PVKFile.MAX_SALT}",
            actual=str(salt_length),
        )
    if not encrypted and salt_length != 0:
        fail(
            "an unencrypted PVK has no salt",
            field="header.salt_length",
            offsets=offsets,
            rule="PVK-4",
            expected="0",
            actual=str(salt_length),
        )
    key_length = values["header.key_length"]
    if not isinstance(key_length, int):  # pragma: no cover
        raise TypeError("key_length")
    if not 8 <= key_length <= PVKFile.MAX_KEY:
        fail(
            "PVK key length out of range",
            field="header.key_length",
            offsets=offsets,
            rule="PVK-5",
            expected=f"8..{PVKFile.MAX_KEY}",
            actual=str(key_length),
        )


def _relocate(err: ParseError, base: int, prefix: str) -> ParseError:
    """The same error, located inside an enclosing structure."""
    moved = copy.copy(err)
    moved.offset = base + (err.offset or 0)
    if prefix:
        moved.field = f"{prefix}.{err.field}" if err.field else prefix
    moved.args = (moved._render(),)
    return moved


_PVK_ALGS = {
    PVKKeyType.AT_KEYEXCHANGE: frozenset({AlgId.CALG_RSA_KEYX}),
    PVKKeyType.AT_SIGNATURE: frozenset({AlgId.CALG_RSA_SIGN, AlgId.CALG_DSS_SIGN}),
}


def check_pvk_key(
    pvk: PVKFile, offsets: Mapping[str, int] | None
) -> RSAPrivateKeyBlob | DSSPrivateKeyBlob | DSSPrivateKeyBlobV3 | None:
    """Check the key blob of a PVK file; parse it when it is not encrypted."""
    # The lengths were checked with the header (check_pvk_header), so the
    # key data holds at least the 8-byte BLOBHEADER.
    base = 24 + len(pvk.salt)
    header = _header_values(pvk.key_data)
    inner = {f"key.{k}": base + v for k, v in _HEADER_OFFSETS.items()}
    if header["header.blob_type"] != BlobType.PRIVATEKEYBLOB:
        fail(
            "a PVK file must hold a PRIVATEKEYBLOB",
            field="key.header.blob_type",
            offsets=inner,
            rule="PVK-7",
            expected="0x07 (PRIVATEKEYBLOB)",
            actual=f"0x{int(header['header.blob_type']):02X}",  # type: ignore[arg-type]
        )
    key_alg = int(header["header.key_alg"])  # type: ignore[arg-type]
    allowed = _PVK_ALGS[pvk.key_type]
    if key_alg not in allowed:
        fail(
            "PVK key type does not match the key blob's ALG_ID",
            field="key.header.key_alg",
            offsets=inner,
            rule="PVK-8",
            expected=" or ".join(sorted(a.name for a in allowed))
            + f" for key type {pvk.key_type.name}",
            actual=alg_name(key_alg),
        )
    if pvk.encrypted:
        # Only the BLOBHEADER is in clear; the body is checked after decryption.
        if header["header.reserved"] != 0:
            fail(
                "BLOBHEADER.reserved must be 0",
                field="key.header.reserved",
                offsets=inner,
                rule="HDR-3",
                expected="0",
                actual=str(header["header.reserved"]),
            )
        if header["header.version"] not in (2, 3):
            fail(
                "bVersion of a private key blob must be 2 or 3",
                field="key.header.version",
                offsets=inner,
                rule="HDR-2",
                expected="2 or 3",
                actual=str(header["header.version"]),
            )
        return None
    try:
        blob = parse(pvk.key_data)
    except ParseError as err:
        raise _relocate(err, base, "key") from None
    if not isinstance(blob, RSAPrivateKeyBlob | DSSPrivateKeyBlob | DSSPrivateKeyBlobV3):
        fail(
            "a PVK file must hold an RSA or DSS private key blob",
            field="key.magic",
            offsets={"key.magic": base + 8},
            rule="PVK-7",
            expected="RSA2, DSS2 or DSS4",
            actual=type(blob).__name__,
        )
    return blob
