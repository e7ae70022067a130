# SPDX-License-Identifier: Apache-2.0
"""The benchmark rows: which callables are timed against which baseline.

Each ``*_section`` function returns a :class:`Section` of
:class:`~benchmarks.timing.Case` objects, ready for
:func:`benchmarks.timing.measure`. Rows whose implementation is missing
(a peer that does not import, a ``blobformat`` function not written yet)
are left out and a note says why.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa

import blobformat
from benchmarks import fixtures, peers
from benchmarks import refparser as ref
from benchmarks.timing import Case

KINDS = (
    "rsa-private",
    "rsa-public",
    "dss-public",
    "simpleblob",
    "plaintextkeyblob",
    "pvk",
)
KIND_TITLES = {
    "rsa-private": "RSA 2048 PRIVATEKEYBLOB (1172 B)",
    "rsa-public": "RSA 2048 PUBLICKEYBLOB (276 B)",
    "dss-public": "DSS 1024 PUBLICKEYBLOB v2 (444 B)",
    "simpleblob": "SIMPLEBLOB, RC4 under RSA 2048 (268 B)",
    "plaintextkeyblob": "PLAINTEXTKEYBLOB, AES-128 (28 B)",
    "pvk": "PVK, unencrypted RSA 2048 (1196 B)",
}
REF_PARSE: dict[str, Callable[[bytes], Any]] = {
    "rsa-private": ref.parse_rsa_private,
    "rsa-public": ref.parse_rsa_public,
    "dss-public": ref.parse_dss_public,
    "simpleblob": ref.parse_simpleblob,
    "plaintextkeyblob": ref.parse_plaintextkeyblob,
    "pvk": ref.parse_pvk,
}
REF_BUILD: dict[str, Callable[[Any], bytes]] = {
    "rsa-private": ref.build_rsa_private,
    "rsa-public": ref.build_rsa_public,
    "dss-public": ref.build_dss_public,
    "simpleblob": ref.build_simpleblob,
    "plaintextkeyblob": ref.build_plaintextkeyblob,
    "pvk": ref.build_pvk,
}
MODEL_CLASS = {
    "rsa-private": "RSAPrivateKeyBlob",
    "rsa-public": "RSAPublicKeyBlob",
    "dss-public": "DSSPublicKeyBlob",
    "simpleblob": "SimpleBlob",
    "plaintextkeyblob": "PlaintextKeyBlob",
    "pvk": "PVKFile",
}
#: The floor readers: header and size checks only (``struct-minimal`` rows).
MINIMAL_PARSE: dict[str, Callable[[bytes], Any]] = {
    "rsa-private": ref.parse_rsa_private_minimal,
    "rsa-public": ref.parse_rsa_public_minimal,
    "simpleblob": ref.parse_simpleblob_minimal,
    "plaintextkeyblob": ref.parse_plaintextkeyblob_minimal,
}
#: Small blobs whose parse is compared with the floor reader (target T7).
SMALL_KINDS = ("plaintextkeyblob", "simpleblob")
SIZES = (512, 1024, 2048, 3072, 4096, 8192, 16384)


@dataclass
class Section:
    """A table of the report: cases measured together."""

    title: str
    cases: list[Case] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(
        self,
        key: str,
        label: str,
        func: Callable[[], object],
        *,
        baseline: str | None = None,
        note: str = "",
        group: str = "",
    ) -> Case:
        case = Case(key, group or self.title, label, func, baseline, note)
        self.cases.append(case)
        return case


def _noop(_data: bytes) -> None:
    return None


# -- blobformat entry points that may or may not exist -----------------------


def _bf_attr(*names: str) -> Any:
    """``blobformat.<name>`` or ``blobformat.keys.<name>``, else None."""
    for name in names:
        obj = getattr(blobformat, name, None)
        if obj is not None:
            return obj
    try:
        import blobformat.keys as keys_mod  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        return None
    for name in names:
        obj = getattr(keys_mod, name, None)
        if obj is not None:
            return obj
    return None


@dataclass
class LoaderVariant:
    """One way of calling a ``load_*_key`` function."""

    label: str
    kwargs: dict[str, object]
    validating: bool | None  # None: unknown (no switch found)


_SKIP_WORDS = ("skip", "unsafe", "trust", "fast", "no_check", "novalid")
_VALIDATE_WORDS = ("valid", "check", "verify", "prim", "proof", "full")


def loader_variants(fn: Callable[..., Any]) -> tuple[list[LoaderVariant], str]:
    """Find the keyword that turns full key validation on or off.

    A boolean keyword whose name says "skip"/"unsafe" (True = no proof) or
    "validate"/"check"/"verify" (True = proof). Without one, the default
    call is measured once, and a note says so.
    """
    try:
        sig = inspect.signature(fn)
    except (TypeError, ValueError):
        return [LoaderVariant("default call", {}, None)], "signature not inspectable"
    params = list(sig.parameters.values())[1:]
    for prm in params:
        if prm.kind not in (prm.KEYWORD_ONLY, prm.POSITIONAL_OR_KEYWORD):
            continue
        name = prm.name.lower()
        if not isinstance(prm.default, bool):
            continue
        if any(w in name for w in _SKIP_WORDS):
            return [
                LoaderVariant(f"{prm.name}=True", {prm.name: True}, False),
                LoaderVariant(f"{prm.name}=False", {prm.name: False}, True),
            ], f"validation switch: {prm.name} (default {prm.default})"
        if any(w in name for w in _VALIDATE_WORDS):
            return [
                LoaderVariant(f"{prm.name}=False", {prm.name: False}, False),
                LoaderVariant(f"{prm.name}=True", {prm.name: True}, True),
            ], f"validation switch: {prm.name} (default {prm.default})"
    others = ", ".join(p.name for p in params) or "none"
    return [LoaderVariant("default call", {}, None)], (
        f"no boolean validation keyword recognised (keywords: {others}); "
        "measured the default call only"
    )


def make_loader(
    fn: Callable[..., Any], data: bytes, kwargs: dict[str, object]
) -> tuple[Callable[[], object], str]:
    """A zero-argument callable that turns ``data`` into a key, and its input kind.

    Tries ``fn(bytes)`` first, then ``fn(parse(bytes))`` (timed together).
    """
    try:
        fn(data, **kwargs)
    except Exception as first:
        try:
            fn(blobformat.parse(data), **kwargs)
        except Exception as err:
            raise RuntimeError(
                f"fails with bytes ({type(first).__name__}: {first}) "
                f"and with a model ({type(err).__name__}: {err})"
            ) from None

        def via_model() -> object:
            return fn(blobformat.parse(data), **kwargs)

        return via_model, "parse() + model"
    return functools.partial(fn, data, **kwargs), "bytes"


# -- building the sections -----------------------------------------------------


def _private_numbers(t: ref.RSAPrivate) -> rsa.RSAPrivateNumbers:
    _alg, _bits, e, n, p, q, dp, dq, qi, d = t
    return rsa.RSAPrivateNumbers(p, q, d, dp, dq, qi, rsa.RSAPublicNumbers(e, n))


def ref_to_private_key(data: bytes, *, validate: bool) -> rsa.RSAPrivateKey:
    """Reference: struct parser + cryptography's own key construction."""
    return _private_numbers(ref.parse_rsa_private(data)).private_key(
        unsafe_skip_rsa_key_validation=not validate
    )


def ref_to_public_key(data: bytes) -> rsa.RSAPublicKey:
    """Reference: struct parser + ``RSAPublicNumbers(e, n).public_key()``."""
    _alg, _bits, e, n = ref.parse_rsa_public(data)
    return rsa.RSAPublicNumbers(e, n).public_key()


def parse_section(
    fx: fixtures.Fixtures,
    openssl: peers.OpenSSL | None,
    py_peers: list[peers.Peer],
    notes: list[str],
) -> Section:
    sec = Section("parse")
    wire = _wire_module()
    for kind in KINDS:
        data = fx.blobs[kind]
        base = f"parse/{kind}/struct"
        sec.add(
            base,
            "struct reference parser",
            functools.partial(REF_PARSE[kind], data),
            group=kind,
        )
        minimal = MINIMAL_PARSE.get(kind)
        if minimal is not None:
            small = kind in SMALL_KINDS
            sec.add(
                f"parse/{kind}/struct-minimal",
                "struct reader, header + size checks only"
                if small
                else "struct parser, magic + length checks only",
                functools.partial(minimal, data),
                baseline=base,
                group=kind,
                note="floor of T7" if small else "informational",
            )
        sec.add(
            f"parse/{kind}/blobformat",
            "blobformat.parse",
            functools.partial(blobformat.parse, data),
            baseline=base,
            group=kind,
        )
        cls = getattr(blobformat, MODEL_CLASS[kind], None)
        layout = getattr(cls, "LAYOUT", None)
        rule = getattr(cls, "RULE", "")
        interp = getattr(wire, "parse_interpreted", None) if wire else None
        if interp is not None and layout is not None:
            sec.add(
                f"parse/{kind}/interpreted",
                "construct interpreted (_wire.parse_interpreted)",
                functools.partial(interp, layout, data, rule=rule),
                baseline=base,
                group=kind,
                note="no model, no semantic checks"
                + ("; outer PVK layout only" if kind == "pvk" else ""),
            )
        elif kind == KINDS[0]:
            notes.append(
                "blobformat.codec.wire.parse_interpreted not found: construct-interpreted rows skipped"
            )
        if layout is not None:
            try:
                compiled = layout.struct.compile()
                compiled.parse(data)
            except Exception as err:
                notes.append(
                    f"construct compile() failed for {kind}: {type(err).__name__}: {err}"
                )
            else:
                sec.add(
                    f"parse/{kind}/compiled",
                    "construct compiled (schema .compile())",
                    functools.partial(compiled.parse, data),
                    baseline=base,
                    group=kind,
                    note="no model, no semantic checks"
                    + ("; outer PVK layout only" if kind == "pvk" else ""),
                )
        if openssl is not None:
            fn = {
                "rsa-private": openssl.private,
                "rsa-public": openssl.public,
                "dss-public": openssl.public,
                "pvk": openssl.pvk,
            }.get(kind)
            if fn is not None:
                name = {"rsa-private": "b2i_PrivateKey", "pvk": "b2i_PVK_bio"}.get(
                    kind, "b2i_PublicKey"
                )
                sec.add(
                    f"parse/{kind}/openssl",
                    f"OpenSSL C {name} (ctypes)",
                    functools.partial(fn, data),
                    baseline=base,
                    group=kind,
                    note="to EVP_PKEY + free; lenient",
                )
        for peer in py_peers:
            pfn = peer.parsers.get(kind)
            if pfn is None:
                continue
            sec.add(
                f"parse/{kind}/{peer.name}",
                f"{peer.name} (parse only)",
                functools.partial(pfn, data),
                baseline=base,
                group=kind,
                note="lenient; floor(bitlen/16) CRT sizes",
            )
        for peer in py_peers:
            if (
                peer.name == "malduck"
                and kind.startswith("rsa")
                and "import_key" in peer.extra
            ):
                sec.add(
                    f"parse/{kind}/malduck-full",
                    "malduck rsa.import_key (to PEM)",
                    functools.partial(peer.extra["import_key"], data),
                    baseline=base,
                    group=kind,
                    note="tries PEM/DER first, exports PEM",
                )
    _cng_rows(sec, fx, notes)
    sec.add(
        "parse/harness/noop",
        "(harness) partial() of a no-op",
        functools.partial(_noop, b""),
        group="harness",
        note="call overhead included in every row",
    )
    if openssl is not None:
        sec.add(
            "parse/harness/ctypes",
            "(harness) one ctypes call",
            openssl.noop,
            group="harness",
            note="OpenSSL rows make 2 (b2i + free), PVK 4",
        )
    return sec


#: CNG blobs (SPEC §20), measured against cng_parse.py's minimal struct readers.
CNG_KINDS = ("cng-rsa-private", "cng-rsa-public", "cng-ecc-private")
CNG_TITLES = {
    "cng-rsa-private": "CNG BCRYPT_RSAFULLPRIVATE_BLOB, RSA 2048",
    "cng-rsa-public": "CNG BCRYPT_RSAPUBLIC_BLOB, RSA 2048",
    "cng-ecc-private": "CNG BCRYPT_ECCPRIVATE_BLOB, P-256",
}


def _cng_rows(sec: Section, fx: fixtures.Fixtures, notes: list[str]) -> None:
    """``parse`` of CNG blobs next to a minimal struct reader of the same layout."""
    try:
        from cryptography.hazmat.primitives.asymmetric import ec

        from benchmarks import cng_parse

        dump_private = _bf_attr("dump_private_key")
        dump_public = _bf_attr("dump_public_key")
        if dump_private is None or dump_public is None:
            raise LookupError("blobformat.dump_private_key / dump_public_key missing")
        ec_key = ec.derive_private_key(0x1234567890ABCDEF, ec.SECP256R1())
        blobs = {
            "cng-rsa-private": (
                dump_private(fx.rsa_key, format="cng"),
                cng_parse.struct_rsa,
            ),
            "cng-rsa-public": (
                dump_public(fx.rsa_key.public_key(), format="cng"),
                cng_parse.struct_rsa,
            ),
            "cng-ecc-private": (
                dump_private(ec_key, format="cng"),
                cng_parse.struct_ecc,
            ),
        }
        for data, reader in blobs.values():
            reader(data)
            blobformat.parse(data)
    except Exception as err:
        notes.append(f"CNG rows skipped: {type(err).__name__}: {err}")
        return
    for kind, (data, reader) in blobs.items():
        KIND_TITLES[kind] = f"{CNG_TITLES[kind]} ({len(data)} B)"
        base = f"parse/{kind}/struct-minimal"
        sec.add(
            base,
            "struct reader, header + length checks (cng_parse.py)",
            functools.partial(reader, data),
            group=kind,
            note="no field checks",
        )
        sec.add(
            f"parse/{kind}/blobformat",
            "blobformat.parse",
            functools.partial(blobformat.parse, data),
            baseline=base,
            group=kind,
        )


def tobytes_section(fx: fixtures.Fixtures, notes: list[str]) -> Section:
    sec = Section("to_bytes")
    wire = _wire_module()
    for kind in KINDS:
        data = fx.blobs[kind]
        parsed = REF_PARSE[kind](data)
        model = blobformat.parse(data)
        base = f"to_bytes/{kind}/struct"
        sec.add(
            base,
            "struct reference encoder",
            functools.partial(REF_BUILD[kind], parsed),
            group=kind,
        )
        sec.add(
            f"to_bytes/{kind}/blobformat",
            "model.to_bytes()",
            model.to_bytes,
            baseline=base,
            group=kind,
        )
        cls = type(model)
        build = getattr(wire, "build_interpreted", None) if wire else None
        interp = getattr(wire, "parse_interpreted", None) if wire else None
        layout = getattr(cls, "LAYOUT", None)
        if build is not None and interp is not None and layout is not None:
            try:
                values = interp(layout, data, rule=cls.RULE)
                if build(layout, values, rule=cls.RULE) != data:
                    raise ValueError("does not round-trip")
            except Exception as err:
                notes.append(f"construct build_interpreted unusable for {kind}: {err}")
            else:
                sec.add(
                    f"to_bytes/{kind}/interpreted",
                    "construct interpreted (_wire.build_interpreted)",
                    functools.partial(build, layout, values, rule=cls.RULE),
                    baseline=base,
                    group=kind,
                    note="from a flat dict; no model",
                )
    return sec


def keys_section(
    fx: fixtures.Fixtures, py_peers: list[peers.Peer], notes: list[str]
) -> Section:
    sec = Section("key conversion")
    priv = fx.blobs["rsa-private"]
    pub = fx.blobs["rsa-public"]
    numbers = _private_numbers(ref.parse_rsa_private(priv))
    pubnum = numbers.public_numbers

    sec.add(
        "keys/private/crypto-only",
        "cryptography RSAPrivateNumbers.private_key(unsafe_skip_rsa_key_validation=True), from ints",
        functools.partial(numbers.private_key, unsafe_skip_rsa_key_validation=True),
        group="private key, no primality proof",
        note="no parsing",
    )
    fast_base = "keys/private/struct+crypto"
    sec.add(
        fast_base,
        "struct parser + cryptography construction (skip validation)",
        functools.partial(ref_to_private_key, priv, validate=False),
        group="private key, no primality proof",
    )
    full_base = "keys/private/struct+crypto-validated"
    sec.add(
        full_base,
        "struct parser + cryptography construction (full validation)",
        functools.partial(ref_to_private_key, priv, validate=True),
        group="private key, full validation",
    )
    sec.add(
        "keys/public/crypto-only",
        "cryptography RSAPublicNumbers(e, n).public_key(), from ints",
        pubnum.public_key,
        group="public key",
        note="no parsing",
    )
    pub_base = "keys/public/struct+crypto"
    sec.add(
        pub_base,
        "struct parser + RSAPublicNumbers(e, n).public_key()",
        functools.partial(ref_to_public_key, pub),
        group="public key",
    )

    for fname, data, is_private in (
        ("load_private_key", priv, True),
        ("load_public_key", pub, False),
    ):
        fn = _bf_attr(fname)
        if fn is None:
            notes.append(
                f"blobformat.{fname} does not exist (yet): its rows and target were skipped"
            )
            continue
        variants, how = loader_variants(fn)
        notes.append(f"blobformat.{fname}: {how}")
        for var in variants:
            try:
                func, input_kind = make_loader(fn, data, var.kwargs)
            except Exception as err:
                notes.append(f"blobformat.{fname}({var.label}) unusable: {err}")
                continue
            if is_private:
                if var.validating:
                    group, base, tag = "private key, full validation", full_base, "full"
                else:
                    group, base, tag = (
                        "private key, no primality proof",
                        fast_base,
                        "fast",
                    )
                    if var.validating is None:
                        tag = "default"
            else:
                group, base, tag = (
                    "public key",
                    pub_base,
                    "fast" if var.validating is not True else "full",
                )
            sec.add(
                f"keys/{'private' if is_private else 'public'}/blobformat-{tag}",
                f"blobformat.{fname}({var.label}) [{input_kind} in]",
                func,
                baseline=base,
                group=group,
            )
    for peer in py_peers:
        if peer.name == "wincrypto" and "CryptImportKey" in peer.extra:
            sec.add(
                "keys/public/wincrypto",
                "wincrypto CryptImportKey (pycryptodome key)",
                functools.partial(peer.extra["CryptImportKey"], pub),
                baseline=pub_base,
                group="public key",
                note="parse + RSA.construct((n, e))",
            )
            sec.add(
                "keys/private/wincrypto",
                "wincrypto CryptImportKey (pycryptodome key, consistency check)",
                functools.partial(peer.extra["CryptImportKey"], priv),
                baseline=full_base,
                group="private key, full validation",
                note="primality tests by pycryptodome",
            )
    return sec


def scaling_section() -> Section:
    sec = Section("scaling")
    for bits in SIZES:
        pub, priv = fixtures.synthetic_rsa(bits)
        m_priv = blobformat.parse(priv)
        m_pub = blobformat.parse(pub)
        t_priv = ref.parse_rsa_private(priv)
        t_pub = ref.parse_rsa_public(pub)
        g = str(bits)
        sec.add(
            f"scale/{bits}/parse-priv/struct",
            "struct parse priv",
            functools.partial(ref.parse_rsa_private, priv),
            group=g,
        )
        sec.add(
            f"scale/{bits}/parse-priv/blobformat",
            "parse priv",
            functools.partial(blobformat.parse, priv),
            baseline=f"scale/{bits}/parse-priv/struct",
            group=g,
        )
        sec.add(
            f"scale/{bits}/parse-pub/struct",
            "struct parse pub",
            functools.partial(ref.parse_rsa_public, pub),
            group=g,
        )
        sec.add(
            f"scale/{bits}/parse-pub/blobformat",
            "parse pub",
            functools.partial(blobformat.parse, pub),
            baseline=f"scale/{bits}/parse-pub/struct",
            group=g,
        )
        sec.add(
            f"scale/{bits}/build-priv/struct",
            "struct build priv",
            functools.partial(ref.build_rsa_private, t_priv),
            group=g,
        )
        sec.add(
            f"scale/{bits}/build-priv/blobformat",
            "to_bytes priv",
            m_priv.to_bytes,
            baseline=f"scale/{bits}/build-priv/struct",
            group=g,
        )
        sec.add(
            f"scale/{bits}/build-pub/struct",
            "struct build pub",
            functools.partial(ref.build_rsa_public, t_pub),
            group=g,
        )
        sec.add(
            f"scale/{bits}/build-pub/blobformat",
            "to_bytes pub",
            m_pub.to_bytes,
            baseline=f"scale/{bits}/build-pub/struct",
            group=g,
        )
    return sec


def _wire_module() -> Any:
    try:
        from blobformat.codec import wire as _wire
    except ImportError:
        return None
    return _wire


# -- measuring -----------------------------------------------------------------


def _dotted(obj: object, path: str) -> object:
    for part in path.split("."):
        obj = getattr(obj, part)
    return int(obj) if isinstance(obj, int) else obj


def sanity(fx: fixtures.Fixtures) -> list[str]:
    """Check that blobformat and the reference parser read the same values."""
    problems = []
    fields = {
        "rsa-private": (
            "key_alg",
            "bit_length",
            "public_exponent",
            "modulus",
            "prime1",
            "prime2",
            "exponent1",
            "exponent2",
            "coefficient",
            "private_exponent",
        ),
        "rsa-public": ("key_alg", "bit_length", "public_exponent", "modulus"),
        "dss-public": (
            "key_alg",
            "bit_length",
            "p",
            "q",
            "g",
            "y",
            "seed.counter",
            "seed.seed",
        ),
        "simpleblob": ("key_alg", "wrap_alg", "encrypted_key"),
        "plaintextkeyblob": ("key_alg", "key"),
        "pvk": ("key_type", "encrypted", "salt", "key_data"),
    }
    for kind, names in fields.items():
        data = fx.blobs[kind]
        try:
            model = blobformat.parse(data)
            if model.to_bytes() != data:
                problems.append(f"{kind}: to_bytes() does not reproduce the input")
            got = tuple(_dotted(model, n) for n in names)
        except Exception as err:
            problems.append(f"{kind}: blobformat fails: {type(err).__name__}: {err}")
            continue
        want = REF_PARSE[kind](data)[: len(names)]
        if got != tuple(want):
            problems.append(
                f"{kind}: blobformat and the struct reference read different values"
            )
    return problems
