# SPDX-License-Identifier: Apache-2.0
"""parse(): header sniffing, dispatch to a model, strict or lenient (SPEC §4, §13).

Decoding order (SPEC §4.3), which decides which error is reported first:

1. the input is bytes-like, else ``TypeError``;
2. a PVK file is recognised by its magic (SPEC §12);
3. the 8-byte BLOBHEADER (and, for key blobs, the 4-byte magic) is present;
4. ``bType`` and the magic select the kind, else ``UnsupportedBlobError``;
5. ``reserved`` and ``bVersion`` are checked;
6. the fixed part (every field before the first variable-size one) must be
   complete before any of its values is checked (SPEC §4.3 step 7); then
   its values are checked (ALG_ID, bit lengths);
7. the full length the body needs is compared with the input, before any
   number is read; then the body is read and its numbers checked.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar, cast

from blobformat.codec import registry as _registry
from blobformat.codec import wire as _wire
from blobformat.codec.model_base import (
    BlobHeader,
    DSSSeed,
    Tolerance,
    _generated,
    _Model,
)
from blobformat.codec.validate import fail
from blobformat.constants import AlgId, BlobType, alg_name
from blobformat.errors import (
    BlobError,
    InvalidFieldError,
    TruncatedError,
    UnsupportedBlobError,
)

__all__ = [
    "HEADER_OFFSETS",
    "as_bytes",
    "header_values",
    "parse",
    "parse_as",
    "prepare",
    "read_header",
    "recognise_other",
]

#: Offsets of the BLOBHEADER fields (SPEC §4.1).
HEADER_OFFSETS = {
    "header.blob_type": 0,
    "header.version": 1,
    "header.reserved": 2,
    "header.key_alg": 4,
}

if TYPE_CHECKING:
    # Type-only: the models register themselves in the registry this module reads.
    from blobformat.codec.cng import CngBlob, _CngModel
    from blobformat.codec.models import Blob

_M = TypeVar("_M", bound=_Model)
#: A model class of either family (parse_as accepts CryptoAPI and CNG models).
_AnyM = TypeVar("_AnyM", bound="_Model | _CngModel")
_BY_TYPE = _registry.BY_TYPE
_BY_LEAD = _registry.BY_LEADING_MAGIC
_QUICK = _registry.QUICK
_BY_FIRST = _registry.BY_FIRST_BYTE
_KEYED = _registry.KEYED
_BY_CNG = _registry.BY_CNG_MAGIC
#: First bytes of CryptoAPI blobs (their bType); a CNG magic never starts with one.
_BTYPE_FIRST = frozenset(bytes([t]) for t in BlobType)


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
    if (
        data[:1] == b"\x30"
        and len(data) > 1
        and (data[1] < 0x80 or data[1] in (0x81, 0x82, 0x83))
    ):
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


# NCRYPT_KEY_BLOB_HEADER {cbSize = 16, dwMagic, cbAlgName, cbKeyData}, and the
# parameter headers {cbLength, dwMagic, ...}: the magic is at offset 4.
_OTHER_MAGICS: dict[bytes, str] = {
    b"CPHR": "NCRYPT_CIPHER_KEY_BLOB (NCRYPT_KEY_BLOB_HEADER)",
    b"DKF1": "NCRYPT_KDF_KEY_BLOB (NCRYPT_KEY_BLOB_HEADER)",
    bytes.fromhex("0df0ad4b"): "NCRYPT_PROTECTED_KEY_BLOB (NCRYPT_KEY_BLOB_HEADER)",
    b"DHPM": "BCRYPT_DH_PARAMETERS (BCRYPT_DH_PARAMETER_HEADER)",
    b"DSPM": "BCRYPT_DSA_PARAMETERS (BCRYPT_DSA_PARAMETER_HEADER)",
    b"DPM2": "BCRYPT_DSA_PARAMETERS (BCRYPT_DSA_PARAMETER_HEADER_V2)",
}


def recognise_other(data: bytes) -> None:
    """Refuse, by name, the CNG structures whose magic sits at offset 4 (SPEC §20.9).

    An NCRYPT_KEY_BLOB_HEADER or a DH/DSA parameter header starts with its
    own length, a ULONG equal to the header size (16) or to the whole input;
    the magic follows. Neither is a key blob this library converts.
    """
    if len(data) < 8:
        return
    name = _OTHER_MAGICS.get(data[4:8])
    if name is None:
        return
    size = int.from_bytes(data[:4], "little")
    if size in (16, len(data)):
        raise UnsupportedBlobError(
            f"unsupported CNG structure: {name}",
            offset=4,
            field="magic",
            rule="CNG-3",
            hint=f"the input looks like a CNG {name.split(' ')[0]}",
        )


def header_values(data: bytes) -> tuple[int, int, int, int]:
    """``(bType, bVersion, reserved, aiKeyAlg)`` of a BLOBHEADER.

    :raises TruncatedError: [HDR-6] if fewer than 8 bytes are given.
    """
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
    return (
        data[0],
        data[1],
        int.from_bytes(data[2:4], "little"),
        int.from_bytes(data[4:8], "little"),
    )


def read_header(data: bytes, *, base: int = 0) -> BlobHeader:
    """Read a BLOBHEADER without checking it further.

    :raises TruncatedError: if fewer than 8 bytes are given.
    """
    try:
        blob_type, version, reserved, key_alg = header_values(data)
    except TruncatedError as err:
        raise err.relocated(base) from None
    return BlobHeader(
        blob_type=_BLOB_TYPES.get(blob_type, blob_type),
        version=version,
        key_alg=_ALGS.get(key_alg, key_alg),
        reserved=reserved,
    )


_BLOB_TYPES: dict[int, BlobType] = {int(t): t for t in BlobType}
_ALGS: dict[int, AlgId] = {int(a): a for a in AlgId}


def _unsupported(
    data: bytes, header: tuple[int, int, int, int], extra: str
) -> UnsupportedBlobError:
    return UnsupportedBlobError(
        f"unsupported blob: bType 0x{header[0]:02X}, bVersion {header[1]!r}, "
        f"aiKeyAlg {alg_name(header[3])}{extra}",
        offset=0,
        field="header.blob_type",
        rule="HDR-1",
        hint=_sniff(data),
    )


def _select(data: bytes, header: tuple[int, int, int, int]) -> type[Blob]:
    bt = header[0]
    kind = _registry.BY_TYPE.get(bt)
    if kind is not None:
        return kind.model
    if bt not in (BlobType.PUBLICKEYBLOB, BlobType.PRIVATEKEYBLOB):
        raise _unsupported(data, header, "")
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
    by_type = _registry.BY_MAGIC.get(magic)
    if by_type is None:
        raise _unsupported(data, header, f", magic {magic.hex()}")
    kind = by_type.get(bt)
    if kind is not None:
        return kind.model
    other = next(iter(by_type.values())).model.BLOB_TYPE
    fail(
        "magic does not match bType",
        field="magic",
        offsets={"magic": 8},
        rule="HDR-5",
        expected="a " + BlobType(bt).name + " magic",
        actual=f"{magic!r} (a {other.name} magic)",
    )


def _check_header(cls: type[_Model], header: tuple[int, int, int, int]) -> None:
    if header[2] != 0:
        fail(
            "BLOBHEADER.reserved must be 0",
            field="header.reserved",
            offsets=HEADER_OFFSETS,
            rule="HDR-3",
            expected="0",
            actual=str(header[2]),
        )
    if cls.VERSION is not None and header[1] != cls.VERSION:
        fail(
            f"bVersion does not match the {cls.KIND} layout",
            field="header.version",
            offsets=HEADER_OFFSETS,
            rule="HDR-2",
            expected=str(cls.VERSION),
            actual=str(header[1]),
        )


def _fast_decoder(
    cls: type[_Model], *, framed: bool
) -> Callable[[bytes], _Model | None]:
    """The fast strict decoder of ``cls``; ``framed`` adds the BLOBHEADER's checks."""
    gen = _generated(cls)
    rest_max, prefix_end = cls._REST_MAX, gen.template.prefix_end
    generated = gen.fast
    if generated is not None:
        # The generated decoder bounds an open-ended rest itself.
        return generated if framed else functools.partial(generated, framed=False)
    read, check, assemble = gen.template.reader, cls._check_prefix, gen.assemble
    version = cls.VERSION

    def fast(data: bytes) -> _Model | None:
        if rest_max is not None and len(data) - prefix_end > rest_max:
            return None
        row = read(data)
        # A framed blob's row starts with bType, bVersion, reserved (HDR-2, HDR-3).
        if row is None or (
            framed and (row[2] or (version is not None and row[1] != version))
        ):
            return None
        try:
            check(row, None)
            return assemble(row)
        except BlobError:
            return None

    return fast


def _fast(kind: _registry.Kind[Blob]) -> Callable[[bytes], Blob | None]:
    if kind.fast is not None:
        return kind.fast
    # The kind's model is a Blob, so its decoder returns one.
    fast = cast(
        "Callable[[bytes], Blob | None]", _fast_decoder(kind.model, framed=kind.framed)
    )
    object.__setattr__(kind, "fast", fast)
    return fast


def _decode(cls: type[_M], data: bytes, *, lenient: bool) -> _M:
    """The generic decoder: every rule in SPEC order, every error located."""
    layout = cls.LAYOUT
    template = _wire.template(layout)
    prefix = _wire.prefix_plan(layout)
    _wire.check_length(
        prefix, len(data), rule=cls.RULE, what=cls.KIND, allow_trailing=True
    )
    values = _wire.read(prefix, data, {}, const_rule="HDR-5", skip_rest=True)
    cls._check_prefix(
        tuple([values.get(name) for name in template.names]), prefix.offsets()
    )
    if prefix.open_ended:
        # SPEC §4.3 step 9: the rest's length is checked before the rest is copied.
        cls._check_rest(len(data) - prefix.fields[-1].offset, prefix.offsets())
    params = tuple([_int(values[name]) for name in layout.params])
    tolerated: list[Tolerance] = []
    short = cls._SHORT_TAIL
    if lenient and short:
        full = _wire.plan_for(layout, params)
        last = full.fields[-1]
        if len(data) < full.end and last.path == short and len(data) >= last.offset:
            # Windows imports private blobs whose d is cut short (SPEC §13).
            head = _wire.Plan(full.fields[:-1], last.offset, False, (), {}, {})
            _wire.check_length(head, last.offset, rule=cls.RULE, what=cls.KIND)
            _wire.read(head, data, values)
            fragment = data[last.offset :]
            values[last.path] = cls._recover_short_tail(values, fragment, last.offset)
            tolerated.append(
                Tolerance(
                    "short-private-exponent",
                    last.offset,
                    f"{len(fragment)} of {last.size} bytes of {short} present;"
                    " recomputed from the primes",
                    cls.RULE,
                )
            )
            return _build(cls, values, tolerated, lenient=True)
    # The whole length the parameters imply is compared with the input before a
    # plan is made or any number is read (SPEC §4.3).
    extra = _wire.require(
        layout, params, len(data), rule=cls.RULE, what=cls.KIND, allow_trailing=lenient
    )
    full = _wire.plan_for(layout, params)
    if extra:
        tolerated.append(
            Tolerance(
                "trailing-data", full.end, f"{extra} bytes after the blob", cls.RULE
            )
        )
        data = data[: full.end]
    _wire.read(full, data, values, const_rule="HDR-5")
    return _build(cls, values, tolerated, lenient=lenient)


def _int(value: _wire.Value) -> int:
    if not isinstance(value, int):  # pragma: no cover - length parameters are integers
        raise TypeError("length parameter")
    return value


#: Rules whose violations lenient decoding rewrites to the canonical form (SPEC §13).
_CANONICALISED = frozenset({"RSA-5", "DSS-6", "DH-6", "DSS-7"})


def _build(
    cls: type[_M],
    values: dict[str, _wire.Value],
    tolerated: list[Tolerance],
    *,
    lenient: bool,
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
        note = _canonicalise(cls, fixed, err)
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


def _canonicalise(
    cls: type[_Model], values: dict[str, _wire.Value], err: InvalidFieldError
) -> Tolerance | None:
    """Rewrite the value ``err`` objects to; ``None`` if there is no canonical form."""
    offset = err.offset or 0
    if err.field not in ("bit_length", "p", "seed.counter"):
        return (
            None  # raised inside a nested blob (a PVK file's key): not ours to rewrite
        )
    if err.rule == "DSS-7":
        counter = _int(values["seed.counter"])
        values["seed.counter"] = DSSSeed.NO_SEED_COUNTER
        return Tolerance(
            "ambiguous-seed-counter",
            offset,
            f"DSSSEED counter 0x{counter:08X} read as no seed (0xFFFFFFFF)",
            "DSS-7",
        )
    rng = cls.BITS
    if rng is None:  # pragma: no cover - only sized key blobs raise RSA-5, DSS-6, DH-6
        return None
    if err.rule == "RSA-5":
        name, number, step = "bit_length", _int(values["modulus"]), 8
    else:
        name = "bit_length" if "bit_length" in values else "bit_length_p"
        number, step = _int(values["p"]), 64
    declared = _int(values[name])
    bits = number.bit_length()
    canonical = max(rng.low, -(-bits // step) * step)
    if canonical == declared or canonical > rng.high or bits <= canonical - 8:
        return None
    values[name] = canonical
    what = "modulus" if err.rule == "RSA-5" else "p"
    return Tolerance(
        "non-canonical-bit-length",
        offset,
        f"bit length {declared} for a {bits}-bit {what}; rewritten as {canonical}",
        err.rule or "RSA-5",
    )


def parse(
    data: bytes | bytearray | memoryview, *, lenient: bool = False
) -> Blob | CngBlob:
    """Parse one CryptoAPI key BLOB, PVK file or CNG key blob (SPEC §20).

    Strict by default: the whole input must be exactly one blob that
    SPEC.md accepts, so ``parse(data).to_bytes() == data``.

    :param data: the bytes.
    :param lenient: forensic mode: also accept trailing bytes, RSA
        private blobs whose private exponent is cut short (as Windows
        imports them), bit lengths that are not the canonical one for the
        modulus (RSA-5, DSS-6, DH-6) and DSSSEED counters with the high bit
        set (DSS-7), rewritten to their canonical form. What was tolerated
        is recorded in the model's ``tolerated`` field, and ``to_bytes()``
        then gives the canonical form.
    :returns: a frozen model (see :data:`blobformat.Blob`).
    :raises TypeError: if ``data`` is not bytes-like.
    :raises TruncatedError: if the input ends inside a field.
    :raises TrailingDataError: if bytes follow the blob.
    :raises InvalidFieldError: if a field breaks a SPEC.md rule.
    :raises UnsupportedBlobError: if the input is not a kind SPEC.md covers.
    """
    buf = data if type(data) is bytes else as_bytes(data)
    if not lenient and len(buf) >= 12:
        # The common case first: a known kind, decoded by its generated reader.
        bt = buf[0]
        entry = _BY_FIRST[bt]
        kind = (
            _QUICK.get(bt << 16 | buf[8] << 8 | buf[11]) if entry is _KEYED else entry
        )
        if kind is not None:
            found = (kind.fast or _fast(kind))(buf)
            if found is not None:
                return found
    # After the CryptoAPI fast path, so CryptoAPI parses pay nothing for CNG:
    # a CNG blob starts with its magic, ASCII capital letters, never a bType
    # (SPEC §20.2); its registry entry decodes it.
    cng = _BY_CNG.get(buf[:4])
    if cng is not None and cng.decode is not None:
        return cng.decode(buf, lenient)
    if buf[:1] not in _BTYPE_FIRST and buf[:4] not in _BY_LEAD:
        recognise_other(buf)
    lead = _BY_LEAD.get(buf[:4])
    if lead is not None:
        return _decode(lead.model, buf, lenient=lenient)
    header = header_values(buf)
    cls = _select(buf, header)
    _check_header(cls, header)
    return _decode(cls, buf, lenient=lenient)


def prepare() -> None:
    """Generate every registered kind's readers and decoder now rather than on first use.

    Parsing does this lazily, once per kind; call it before forking workers,
    timing, or measuring memory per input, so the one-time cost is paid here.
    CNG kinds (family ``"cng"``) are not prepared here: their strict decoder
    is generated from their table entry on first use.
    """
    for kind in _registry.KINDS:
        if kind.family == "capi" and (kind.framed or kind.magic_offset == 0):
            _fast(kind)
            _wire.prefix_plan(kind.model.LAYOUT)


def parse_as(
    cls: type[_AnyM], data: bytes | bytearray | memoryview, *, lenient: bool = False
) -> _AnyM:
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
