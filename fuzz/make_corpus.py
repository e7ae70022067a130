# SPDX-License-Identifier: Apache-2.0
"""Write the seed corpora under ``fuzz/corpus/<harness>/``, deterministically.

Run from anywhere: ``python fuzz/make_corpus.py`` (blobformat importable).
The same inputs always give the same files: no randomness is used (PVK salts,
PKCS#1 padding and OAEP seeds are derived from fixed labels, envelopes are
sealed deterministically).

Sources:

1. ``vectors/samples/*``;
2. blobs written with blobformat from every key in ``vectors/keys/*.pem``
   (RSA, DSA, DH; both ALG_IDs and versions; plain and encrypted PVK files),
   session-key blobs, opaque kinds, DH blobs on a fixed group, and the
   envelopes of ``_envelopes``;
3. the malformed-input patterns of ``shared/reference/PEERS.md`` §4 (named
   after the item they come from, ``peers4-<n>-...``);
4. hex strings found in ``vectors/**/*.json``, when such files exist;
5. the reproducers of every finding (``regress-...``).

Files this script writes start with ``seed-``, ``peers4-``, ``vec-`` or
``regress-``; it deletes stale files with those prefixes and leaves every
other file (inputs kept from campaigns, ``min-...``) alone. Inputs are
routed to the harnesses that can use them; the parse and inspect harnesses
get every blob.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import sys
import warnings
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _certs
import _craft
import _envelopes
import _kworacle
import _pvkcrypt
import _rsaoracle
from _fuzzboot import FUZZ_DIR, ROOT
from _fuzzlib import MODP_1024, PASSWORD, dsa_key, key_numbers, rsa_key
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh, dsa
from cryptography.utils import CryptographyDeprecationWarning

import blobformat as bf

CORPUS = FUZZ_DIR / "corpus"
HARNESSES = (
    "parse",
    "keys",
    "pvk",
    "unwrap",
    "session_blob",
    "symwrap",
    "envelope",
    "inspect",
    "structured",
    "differential",
    "cng",
    "signature",
    "pfx",
    "scan",
)
PREFIXES = ("seed-", "peers4-", "vec-", "regress-")
MAX_JSON_SEEDS = 60
#: RSA keys above this size get one plain PVK seed at most (their primality tests are slow).
PVK_BIG_BITS = 1100

_A = bf.AlgId


def _stream(label: str, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(f"{label}/{counter}".encode()).digest()
        counter += 1
    return out[:length]


class Corpus:
    """Named inputs per harness."""

    def __init__(self) -> None:
        self.files: dict[str, dict[str, bytes]] = {name: {} for name in HARNESSES}

    def add(self, name: str, data: bytes, *harnesses: str) -> None:
        """Add ``data`` as ``name`` to the given harnesses (and always to parse)."""
        safe = re.sub(r"[^A-Za-z0-9._-]+", "_", name)
        for harness in {"parse", *harnesses}:
            self.files[harness].setdefault(safe, data)

    def write(self, only: Iterable[str] | None = None) -> dict[str, int]:
        """Write every harness directory (or ``only`` these); return the number of files per harness."""
        counts = {}
        for harness, files in self.files.items():
            if only is not None and harness not in only:
                continue
            directory = CORPUS / harness
            directory.mkdir(parents=True, exist_ok=True)
            seen: set[bytes] = set()
            wanted: dict[str, bytes] = {}
            # A regression input keeps its name when a seed has the same bytes.
            ordered = sorted(
                files.items(),
                key=lambda item: (not item[0].startswith("regress-"), item[0]),
            )
            for name, data in ordered:
                if data not in seen:
                    seen.add(data)
                    wanted[name] = data
            for path in directory.iterdir():
                if path.name.startswith(PREFIXES) and path.name not in wanted:
                    path.unlink()
            for name, data in wanted.items():
                path = directory / name
                if not path.exists() or path.read_bytes() != data:
                    path.write_bytes(data)
            counts[harness] = len(wanted)
        return counts


def _keys_from_vectors() -> Iterable[tuple[str, object]]:
    for path in sorted((ROOT / "vectors" / "keys").glob("*.pem")):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", CryptographyDeprecationWarning)
                key = serialization.load_pem_private_key(
                    path.read_bytes(), password=None
                )
        except (ValueError, TypeError):
            continue  # parameters, not a key
        yield path.stem, key


def _pvk_type(blob: bytes) -> int:
    return 1 if int.from_bytes(blob[4:8], "little") == _A.CALG_RSA_KEYX else 2


def add_key_blobs(corpus: Corpus) -> None:
    """Blobs and PVK files of every test key, in every form blobformat writes."""
    for name, key in _keys_from_vectors():
        variants: list[tuple[str, bytes]] = []
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            for label, kwargs in (
                ("", {}),
                ("-sign", {"alg_id": _A.CALG_RSA_SIGN}),
                ("-v2", {"version": 2}),
                ("-v3", {"version": 3}),
                ("-ephem", {"alg_id": _A.CALG_DH_EPHEM}),
            ):
                for kind, dump, target in (
                    ("private", bf.dump_private_key, key),
                    ("public", bf.dump_public_key, key.public_key()),
                ):  # type: ignore[attr-defined]
                    try:
                        variants.append((f"{kind}{label}", dump(target, **kwargs)))  # type: ignore[arg-type]
                    except bf.BlobError:
                        continue
        for label, blob in variants:
            extra = ("inspect",) if label in ("private", "public") else ()
            corpus.add(f"seed-{name}-{label}", blob, "keys", "differential", *extra)
        distinct = {blob: label for label, blob in reversed(variants)}
        for label, blob in variants:
            if (
                distinct[blob] != label
                or not label.startswith("private")
                or blob[8:12] not in _pvkcrypt.PRIVATE_MAGICS
            ):
                continue
            if label == "private-sign" and name != "rsa-520":
                continue
            # Loading a large RSA key tests its primes (tens of milliseconds): few of those.
            big = (
                blob[8:12] == b"RSA2"
                and int.from_bytes(blob[12:16], "little") > PVK_BIG_BITS
            )
            if big and name != "rsa-2048":
                continue
            key_type = _pvk_type(blob)
            salt = _stream(f"salt/{name}/{label}", 16)
            files = {"plain": _pvkcrypt.write(blob, key_type)}
            if not big:
                files["strong"] = _pvkcrypt.write(
                    blob, key_type, password=PASSWORD, salt=salt
                )
                files["weak"] = _pvkcrypt.write(
                    blob, key_type, password=PASSWORD, salt=salt, strength="weak"
                )
            for how, data in files.items():
                extra = ("inspect",) if how != "weak" else ()
                corpus.add(
                    f"seed-{name}-{label}-pvk-{how}",
                    data,
                    "pvk",
                    "keys",
                    "differential",
                    *extra,
                )


def add_dh_blobs(corpus: Corpus) -> None:
    """DH blobs (SPEC §7) on fixed groups: RFC 2409 group 2, and the DSA test key's group."""
    pn = key_numbers(_fuzz_dsa())
    groups = {"modp1024": (MODP_1024, 2, None), "x942": (pn["p"], pn["g"], pn["q"])}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        for name, (p, g, q) in groups.items():
            x = int.from_bytes(_stream(f"dh/{name}", 20), "big") | 1
            params = dh.DHParameterNumbers(p, g, q)
            key = dh.DHPrivateNumbers(
                x, dh.DHPublicNumbers(pow(g, x, p), params)
            ).private_key()
            for version in (2, 3):
                for kind, dump, target in (
                    ("private", bf.dump_private_key, key),
                    ("public", bf.dump_public_key, key.public_key()),
                ):
                    try:
                        blob = dump(target, version=version)  # type: ignore[arg-type]
                    except bf.BlobError:
                        continue
                    corpus.add(
                        f"seed-dh-{name}-{kind}-v{version}",
                        blob,
                        "keys",
                        "differential",
                        "inspect",
                    )


def _fuzz_dsa() -> dsa.DSAPrivateKey:
    key = serialization.load_pem_private_key(
        (ROOT / "vectors/keys/dsa-1024.pem").read_bytes(), None
    )
    assert isinstance(key, dsa.DSAPrivateKey)
    return key


_SESSION = (
    (_A.CALG_DES, 8),
    (_A.CALG_3DES_112, 16),
    (_A.CALG_3DES, 24),
    (_A.CALG_RC2, 5),
    (_A.CALG_RC2, 16),
    (_A.CALG_RC4, 5),
    (_A.CALG_RC4, 7),
    (_A.CALG_RC4, 16),
    (_A.CALG_AES_128, 16),
    (_A.CALG_AES_192, 24),
    (_A.CALG_AES_256, 32),
    (_A.CALG_SSL3_MASTER, 48),
    (_A.CALG_TLS1_MASTER, 48),
)


def add_session_blobs(corpus: Corpus) -> None:
    """PLAINTEXTKEYBLOBs, SIMPLEBLOBs and SYMMETRICWRAPKEYBLOBs."""
    for alg, length in _SESSION:
        key = bf.SessionKey(alg_id=alg, key=_stream(f"key/{alg.name}/{length}", length))
        if alg.name.endswith("MASTER"):
            continue
        corpus.add(
            f"seed-ptk-{alg.name}-{length}",
            bf.plaintext_key_blob(key),
            "session_blob",
            "inspect",
        )
    for name in ("rsa-520", "rsa-1032"):
        public = rsa_key(name).public_key()
        for alg, length in _SESSION:
            key = bf.SessionKey(
                alg_id=alg, key=_stream(f"key/{alg.name}/{length}", length)
            )
            for oaep in (False, True):
                if length > (public.key_size + 7) // 8 - (42 if oaep else 11):
                    continue
                blob = _envelopes.deterministic_simpleblob(
                    key, public, oaep=oaep, label=f"{name}/{alg.name}".encode()
                )
                extra = ("inspect",) if name == "rsa-520" else ()
                corpus.add(
                    f"seed-simple-{name}-{alg.name}-{'oaep' if oaep else 'pkcs1'}",
                    blob,
                    "unwrap",
                    *extra,
                )
    kek_3des = _kworacle.odd_parity(bytes(range(0x10, 0x28)))
    kek_rc2 = bytes(range(0x40, 0x50))
    iv = bytes.fromhex("0011223344556677")
    for alg, length in ((_A.CALG_3DES, 24), (_A.CALG_3DES_112, 16)):
        cek = _kworacle.odd_parity(_stream(f"cek/{alg.name}", length))
        full = cek if length == 24 else cek + cek[:8]
        wrapped = _kworacle.wrap_3des(full, kek_3des, iv)
        data = bytes([0x0B, 2, 0, 0]) + int(alg).to_bytes(4, "little")
        data += int(_A.CALG_3DES).to_bytes(4, "little") + wrapped
        corpus.add(f"seed-swk-3des-{alg.name}", data, "symwrap", "inspect")
    for alg, length in (
        (_A.CALG_RC2, 7),
        (_A.CALG_RC2, 16),
        (_A.CALG_RC4, 5),
        (_A.CALG_AES_128, 16),
    ):
        cek = _stream(f"cek/{alg.name}/{length}", length)
        lcek = bytes([length]) + cek
        wrapped = _kworacle.wrap_rc2(lcek + bytes((-len(lcek)) % 8), kek_rc2, iv)
        data = bytes([0x0B, 2, 0, 0]) + int(alg).to_bytes(4, "little")
        data += int(_A.CALG_RC2).to_bytes(4, "little") + wrapped
        corpus.add(f"seed-swk-rc2-{alg.name}-{length}", data, "symwrap", "inspect")


def add_other_kinds(corpus: Corpus) -> None:
    """Opaque kinds (SPEC §11) and non-blob input with hints (SPEC §4.4)."""
    for bt, name in ((0x09, "opaque"), (0x0A, "publickeyblobex"), (0x0C, "keystate")):
        corpus.add(
            f"seed-{name}",
            _craft.header(bt, 0x33, 0x12345678) + _stream(name, 40),
            "inspect",
        )
        corpus.add(f"seed-{name}-empty", _craft.header(bt, 2, 0), "inspect")
    pem = (
        rsa_key("rsa-520")
        .public_key()
        .public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    der = (
        rsa_key("rsa-520")
        .public_key()
        .public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    corpus.add("seed-pem", pem, "keys", "envelope", "inspect")
    corpus.add("seed-der", der, "keys", "inspect")
    n = key_numbers(rsa_key("rsa-520"))["n"]
    cng = b"RSA1" + _craft.u32(520) + _craft.u32(3) + _craft.u32(65) + bytes(8)
    corpus.add(
        "seed-cng-rsapublic",
        cng + (65537).to_bytes(3, "big") + n.to_bytes(65, "big"),
        "cng",
        "keys",
        "inspect",
    )


def add_envelopes(corpus: Corpus) -> None:
    """The fixed envelopes, their truncations at each header field, and look-alikes."""
    for name, data in _envelopes.base_envelopes().items():
        corpus.add(f"seed-envelope-{name}", data, "envelope", "inspect")
    base = _envelopes.base_envelopes()["owner-only"]
    for cut in (
        0,
        7,
        8,
        12,
        20,
        52,
        53,
        54,
        60,
        64,
        96,
        100,
        len(base) - 256,
        len(base) - 1,
    ):
        corpus.add(f"peers4-6-envelope-truncated-{cut}", base[:cut], "envelope")
    corpus.add("seed-envelope-trailing", base + b"\x00", "envelope")
    corpus.add("seed-envelope-oversize", base + bytes(65537 - len(base)), "envelope")
    blob = _envelopes.deterministic_simpleblob(
        _envelopes.SESSION_KEY, rsa_key("rsa-2048").public_key(), oaep=False
    )
    corpus.add("seed-envelope-bare-simpleblob", blob, "envelope", "unwrap")


def add_peers_patterns(corpus: Corpus) -> None:
    """PEERS.md §4's malformed-input patterns, one or more inputs per item."""
    rsa_priv = bf.dump_private_key(rsa_key("rsa-520"))
    rsa_pub = bf.dump_public_key(rsa_key("rsa-520").public_key())
    dss_priv = bf.dump_private_key(_fuzz_dsa())
    dss_pub3 = bf.dump_public_key(_fuzz_dsa().public_key(), version=3)
    pvk_plain = _pvkcrypt.write(rsa_priv, 1)
    key_harnesses = ("keys", "differential")
    # 1. encrypted PVK with a key length of 0..7: rejected before the BLOBHEADER is read.
    for keylen in range(8):
        data = _pvkcrypt.header(1, 1, 16, keylen) + bytes(16) + rsa_priv[:keylen]
        extra = ("inspect",) if keylen in (0, 7) else ()
        corpus.add(
            f"peers4-1-pvk-encrypted-keylen-{keylen}",
            data,
            "pvk",
            "differential",
            *extra,
        )
    # 2. huge PVK lengths.
    for salt, key in (
        (0xFFFFFFF0, 8),
        (16, 0xFFFFFFF0),
        (0x80000000, 0x80000000),
        (10241, 600),
        (16, 102401),
    ):
        data = _pvkcrypt.header(1, 1, salt, key) + bytes(64)
        corpus.add(
            f"peers4-2-pvk-lengths-{salt:x}-{key:x}",
            data,
            "pvk",
            "differential",
            "inspect",
        )
    # 3, 4, 5. 16-byte headers and bodies with extreme or odd bit lengths.
    for bits in (
        0xA9800000,
        0x80000000,
        0xFFFFFFF9,
        0xFFFFFFFC,
        0xFFFFFFFF,
        0,
        8,
        16384,
        16385,
    ):
        for bt, magic in ((6, b"RSA1"), (7, b"RSA2"), (6, b"DSS1"), (7, b"DSS2")):
            alg = _A.CALG_DSS_SIGN if magic.startswith(b"DSS") else _A.CALG_RSA_KEYX
            data = (
                _craft.header(bt, 2, alg) + magic + _craft.u32(bits) + _craft.u32(65537)
            )
            corpus.add(
                f"peers4-3-{magic.decode()}-bitlen-{bits:x}-no-body",
                data,
                *key_harnesses,
            )
    numbers = key_numbers(rsa_key("rsa-520"))
    for bits in (1028, 1029, 1032, 519):
        blob = _craft.RSA(numbers, bits, True).encode()
        corpus.add(f"peers4-5-rsa-bitlen-{bits}", blob, *key_harnesses)
    # 6. truncation at every field boundary and inside numbers; 7. trailing bytes.
    for label, blob in (
        ("rsa-private", rsa_priv),
        ("rsa-public", rsa_pub),
        ("dss-private", dss_priv),
        ("dss3-public", dss_pub3),
        ("pvk", pvk_plain),
    ):
        spans = bf.parse(blob).layout()
        cuts = sorted(
            {s.offset for s in spans} | {s.offset + s.size // 2 for s in spans}
        )
        for cut in cuts:
            corpus.add(
                f"peers4-6-{label}-truncated-{cut}", blob[:cut], *key_harnesses, "pvk"
            )
        corpus.add(
            f"peers4-7-{label}-trailing",
            blob + b"\x00\x01",
            *key_harnesses,
            "pvk",
            "inspect",
        )
    # 8, 9. type and ALG_ID confusion.
    confusions = {
        "publickeyblob-rsa2": b"\x06" + rsa_priv[1:],
        "privatekeyblob-rsa1": b"\x07" + rsa_pub[1:],
        "rsa-with-dss-sign": rsa_pub[:4] + _craft.u32(_A.CALG_DSS_SIGN) + rsa_pub[8:],
        "rsa-with-rsa-sign": rsa_pub[:4] + _craft.u32(_A.CALG_RSA_SIGN) + rsa_pub[8:],
        "rsa-with-rc4": rsa_pub[:4] + _craft.u32(_A.CALG_RC4) + rsa_pub[8:],
        "rsa-with-at-keyexchange": rsa_pub[:4] + _craft.u32(1) + rsa_pub[8:],
    }
    for label, data in confusions.items():
        corpus.add(f"peers4-8-{label}", data, *key_harnesses, "inspect")
    # 10. bVersion and reserved.
    for version in (0, 1, 3, 0x20):
        corpus.add(
            f"peers4-10-rsa-bversion-{version}",
            rsa_pub[:1] + bytes([version]) + rsa_pub[2:],
            *key_harnesses,
        )
    corpus.add(
        "peers4-10-vendor-gost",
        _craft.header(7, 0x20, 0x661E) + b"MAG1" + bytes(32),
        "keys",
    )
    corpus.add(
        "peers4-10-reserved", rsa_pub[:2] + b"\x01\x00" + rsa_pub[4:], *key_harnesses
    )
    # 12. public exponents.
    for e in (0, 1, 2, 4, 0xFFFFFFFF, 0x01000001, 0xFFFFFFFE):
        corpus.add(
            f"peers4-12-pubexp-{e:x}",
            rsa_pub[:16] + _craft.u32(e) + rsa_pub[20:],
            *key_harnesses,
        )
    # 13. inconsistent numbers.
    prime_p, prime_q = numbers["p"], numbers["q"]
    bad = {
        "n-not-pq": {"n": numbers["n"] + 2},
        "wrong-d": {"d": numbers["d"] + 2},
        "iqmp-swapped": {"qinv": pow(prime_p, -1, prime_q)},
        "p-equals-q": {"q": prime_p},
        "p-equals-q-n-square": {"q": prime_p, "n": prime_p * prime_p},
        "dp-unreduced": {"dp": numbers["dp"] + prime_p - 1},
        "composite-p": {"p": prime_p * 3},
    }
    for label, change in bad.items():
        blob = _craft.RSA({**numbers, **change}, 520, True).encode()
        corpus.add(f"peers4-13-{label}", blob, *key_harnesses, "inspect")
    # 16, 17. DSSSEED and DSS v3 bit lengths.
    for label, seed in (
        ("ff-counter-other-seed", b"\xff" * 4 + bytes(20)),
        ("counter-0", bytes(24)),
        ("counter-signed", b"\x00\x00\x00\x80" + bytes(20)),
    ):
        corpus.add(f"peers4-16-dssseed-{label}", dss_priv[:-24] + seed, *key_harnesses)
    dn = key_numbers(_fuzz_dsa())
    dn["j"] = (dn["p"] - 1) // dn["q"]
    changes: tuple[tuple[str, dict[str, int]], ...] = (
        ("q200", {"q": 200}),
        ("q161", {"q": 161}),
        ("j-above-p", {"j": 1025}),
        ("x-above-q", {"x": 161}),
        ("j-zero", {"j": 0}),
        ("p-1088", {"p": 1088}),
    )
    for label, change in changes:
        all_bits = {"p": 1024, "q": 160, "j": dn["j"].bit_length(), "x": 160, **change}
        blob = _craft.DSSV3(dn, all_bits, True).encode()
        corpus.add(f"peers4-17-dss3-{label}", blob, *key_harnesses)
    # 19. PLAINTEXTKEYBLOB sizes.
    aes = bf.plaintext_key_blob(bf.SessionKey(alg_id=_A.CALG_AES_128, key=bytes(16)))
    for label, size in (
        ("smaller", 15),
        ("larger", 17),
        ("zero", 0),
        ("max", 0xFFFFFFFF),
    ):
        corpus.add(
            f"peers4-19-ptk-size-{label}",
            aes[:8] + _craft.u32(size) + aes[12:],
            "session_blob",
        )
    for label, alg, length in (
        ("aes-5", _A.CALG_AES_128, 5),
        ("des-7", _A.CALG_DES, 7),
        ("rc2-17", _A.CALG_RC2, 17),
        ("rsa-keyx", _A.CALG_RSA_KEYX, 16),
    ):
        data = _craft.header(8, 2, alg) + _craft.u32(length) + bytes(length)
        corpus.add(f"peers4-19-ptk-{label}", data, "session_blob")
    # 20. SIMPLEBLOB defects.
    wrapping = rsa_key("rsa-520")
    k = 65
    message = bytes(range(1, 17))
    good_ps = b"\x5a" * (k - 3 - len(message))
    blocks = {
        "bad-type": b"\x00\x01" + good_ps + b"\x00" + message,
        "short-ps": b"\x00\x02"
        + b"\x5a" * 7
        + b"\x00"
        + message.rjust(k - 10, b"\x33"),
        "no-separator": b"\x00\x02" + b"\x5a" * (k - 2),
        "ssl2-marker": b"\x00\x02" + good_ps[:-8] + b"\x03" * 8 + b"\x00" + message,
        "good": b"\x00\x02" + good_ps + b"\x00" + message,
    }
    for label, em in blocks.items():
        c = _rsaoracle.raw_encrypt(wrapping.public_key(), int.from_bytes(em, "big"))
        ct = c.to_bytes(k, "big")
        corpus.add(
            f"peers4-20-simple-{label}",
            _rsaoracle.simpleblob(_A.CALG_AES_128, ct[::-1]),
            "unwrap",
        )
        if label == "good":
            corpus.add(
                "peers4-20-simple-unreversed",
                _rsaoracle.simpleblob(_A.CALG_AES_128, ct),
                "unwrap",
            )
            corpus.add(
                "peers4-20-simple-algid-rc4",
                _rsaoracle.simpleblob(_A.CALG_AES_128, ct[::-1], wrap_alg=_A.CALG_RC4),
                "unwrap",
            )
    for length in (47, 48, 2048, 2049):
        corpus.add(
            f"peers4-20-simple-length-{length}",
            _rsaoracle.simpleblob(_A.CALG_AES_128, bytes(length)),
            "unwrap",
        )
    # 22. PVK: encrypted flag without salt, key type mismatch.
    corpus.add(
        "peers4-22-pvk-encrypted-no-salt",
        _pvkcrypt.header(1, 1, 0, len(rsa_priv)) + rsa_priv,
        "pvk",
        "differential",
    )
    corpus.add(
        "peers4-22-pvk-keytype-signature-rsa-keyx",
        _pvkcrypt.write(rsa_priv, 2),
        "pvk",
        "differential",
    )
    corpus.add(
        "peers4-22-pvk-salt-not-encrypted",
        _pvkcrypt.header(1, 0, 16, len(rsa_priv)) + bytes(16) + rsa_priv,
        "pvk",
        "differential",
    )
    # SYMMETRICWRAPKEYBLOB lengths (SPEC §10 [SWK-3]).
    for length in (16, 41, 280):
        data = (
            _craft.header(0x0B, 2, _A.CALG_3DES)
            + _craft.u32(_A.CALG_3DES)
            + bytes(length)
        )
        corpus.add(f"seed-swk-length-{length}", data, "symwrap")


def add_regressions(corpus: Corpus) -> None:
    """Reproducers of the findings (see fuzz/README.md)."""
    changed = bytearray(bf.dump_private_key(rsa_key("rsa-520")))
    changed[16:20] = (65537 + 2).to_bytes(4, "little")
    corpus.add(
        "regress-F1-rsa-exponent-changed", bytes(changed), "keys", "differential"
    )
    numbers = key_numbers(rsa_key("rsa-520"))
    unreduced = _craft.RSA(
        {**numbers, "dp": numbers["dp"] + numbers["p"] - 1}, 520, True
    )
    corpus.add(
        "regress-F1-rsa-exponent1-unreduced", unreduced.encode(), "keys", "differential"
    )
    key = rsa_key("rsa-520")
    blob = bf.dump_private_key(key)
    encrypted = _pvkcrypt.write(blob, 1, password=PASSWORD, salt=_stream("F2", 16))
    corpus.add("regress-F2-pvk-encrypted-inspect", encrypted, "pvk", "inspect")
    # Only an encrypted file's clear BLOBHEADER is checked: 16 bytes of key data suffice.
    minimal = (
        _pvkcrypt.header(1, 1, 1, 16) + b"\x00" + _craft.header(7, 2, _A.CALG_RSA_KEYX)
    )
    corpus.add(
        "regress-F2-pvk-encrypted-minimal",
        minimal + bytes.fromhex("0123456789abcdef"),
        "pvk",
        "inspect",
    )
    small_n = _craft.header(6, 2, _A.CALG_RSA_KEYX) + b"RSA1" + _craft.u32(512)
    small_n += _craft.u32(65537) + (3).to_bytes(64, "little")
    corpus.add(
        "regress-F3-rsa-public-modulus-below-exponent", small_n, "keys", "differential"
    )
    tiny = {"n": 15, "e": 65537, "d": 1, "p": 3, "q": 5, "dp": 1, "dq": 1, "qinv": 2}
    corpus.add(
        "regress-F3-rsa-private-modulus-below-exponent",
        _craft.RSA(tiny, 384, True).encode(),
        "keys",
        "differential",
    )
    p = (1 << 511) + 1
    dh3 = (
        _craft.header(6, 3, _A.CALG_DH_SF)
        + b"\x00DH3"
        + _craft.u32(512)
        + _craft.u32(0)
    )
    dh3 += (
        _craft.u32(0)
        + _craft.no_seed()
        + _craft.le(p, 64)
        + _craft.le(2, 64)
        + _craft.le(3, 64)
    )
    corpus.add("regress-F4-dh3-public-group-refused", dh3, "keys", "differential")


def add_structured(corpus: Corpus) -> None:
    """Choice bytes for each target of fuzz_structured (the first byte picks the target)."""
    for target in range(6):
        for variant in range(12):
            data = bytes([target]) + _stream(f"structured/{target}/{variant}", 96)
            corpus.files["structured"][f"seed-target{target}-{variant:02d}"] = data


def add_cng_blobs(corpus: Corpus) -> None:
    """CNG blobs (SPEC §20) of every test key and of fixed EC keys, and the CNG vectors' blobs."""
    from cryptography.hazmat.primitives.asymmetric import ec

    for name, key in _keys_from_vectors():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            pub = key.public_key()  # type: ignore[attr-defined]
            variants = [
                ("public", bf.dump_public_key, pub, {"format": "cng"}),
                ("private", bf.dump_private_key, key, {"format": "cng"}),
                (
                    "private-rsa2",
                    bf.dump_private_key,
                    key,
                    {"format": "cng", "full": False},
                ),
                ("capi-private", bf.dump_private_key, key, {}),
                ("capi-public", bf.dump_public_key, pub, {}),
            ]
            for label, dump, target, kwargs in variants:
                try:
                    corpus.add(
                        f"seed-cng-{name}-{label}",
                        dump(target, **kwargs),
                        "cng",
                        "inspect",
                    )  # type: ignore[operator]
                except bf.BlobError:
                    continue
    for curve in (ec.SECP256R1(), ec.SECP384R1(), ec.SECP521R1(), ec.SECP256K1()):
        secret = (
            int.from_bytes(_stream(f"cng/ec/{curve.name}", 80), "big")
            % (1 << (curve.key_size - 1))
            + 1
        )
        ec_priv = ec.derive_private_key(secret, curve)
        for ecdh in (False, True):
            corpus.add(
                f"seed-cng-{curve.name}-{'ecdh' if ecdh else 'ecdsa'}-private",
                bf.dump_private_key(ec_priv, format="cng", ecdh=ecdh),
                "cng",
                "inspect",
            )
            corpus.add(
                f"seed-cng-{curve.name}-{'ecdh' if ecdh else 'ecdsa'}-public",
                bf.dump_public_key(ec_priv.public_key(), format="cng", ecdh=ecdh),
                "cng",
            )
    corpus.add(
        "seed-cng-kdbm",
        bf.CngKeyDataBlob(key=_stream("cng/kdbm", 32)).to_bytes(),
        "cng",
        "inspect",
    )
    for path in sorted((ROOT / "vectors" / "v1").glob("cng_*_test.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for group in doc["testGroups"]:
            if group["type"] != "BlobDecode":
                continue
            for test in group["tests"]:
                corpus.add(f"vec-{test['name']}", bytes.fromhex(test["blob"]), "cng")


#: Digest lengths of the signature hashes (SPEC SIG-2), for prehashed seeds.
_SIGNATURE_HASH_SIZES = {
    _A.CALG_MD2: 16,
    _A.CALG_MD4: 16,
    _A.CALG_MD5: 16,
    _A.CALG_SHA1: 20,
    _A.CALG_SHA_256: 32,
    _A.CALG_SHA_384: 48,
    _A.CALG_SHA_512: 64,
    _A.CALG_SSL3_SHAMD5: 36,
}


def _choice_u16(value: int) -> bytes:
    return value.to_bytes(2, "little")


def add_signature(corpus: Corpus) -> None:
    """Choice bytes for fuzz_signature: valid signatures, their mutations, hostile keys.

    Layout (see the harness): key choice [, u16 length, key bytes], hash choice
    [, u16 ALG_ID], flags (bit 0 no_hash_oid, bit 1 prehashed, bits 2-3 the
    buffer type), data length and data, u16 bit to flip, signature.
    """
    files = corpus.files["signature"]
    keys = ("rsa-520", "rsa-1032", None, "rsa-1032", "dsa-1024", None, "rsa-520")
    algs = (
        _A.CALG_MD2,
        _A.CALG_MD4,
        _A.CALG_MD5,
        _A.CALG_SHA1,
        _A.CALG_SHA_256,
        _A.CALG_SHA_384,
        _A.CALG_SHA_512,
        _A.CALG_SSL3_SHAMD5,
    )
    data = b"blobformat fuzz signature"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        warnings.simplefilter("ignore", bf.LegacyKeyWarning)
        for key_index, name in enumerate(keys):
            if name is None:
                continue
            key = dsa_key(name) if name.startswith("dsa") else rsa_key(name)
            for alg_index, alg in enumerate(algs):
                dss = name.startswith("dsa")
                if dss and alg != _A.CALG_SHA1:
                    continue
                # One flag combination per key and hash (both without no_hash_oid for DSS).
                for flags in (0, 2) if dss else ((alg_index + key_index) % 4,):
                    no_oid, prehashed = bool(flags & 1), bool(flags & 2)
                    message = data
                    if prehashed:
                        message = _stream(
                            f"signature/{alg}", _SIGNATURE_HASH_SIZES[alg]
                        )
                    try:
                        sig = bf.sign_hash(
                            key,
                            message,
                            hash_alg=alg,
                            no_hash_oid=no_oid,
                            prehashed=prehashed,
                        )
                    except bf.InvalidParameterError:
                        continue  # SIG-3: the key is too small for this payload
                    head = bytes([key_index, alg_index, flags, len(message)]) + message
                    label = f"seed-{name}-{key_index}-{alg.name}-f{flags}"
                    files[label] = head + _choice_u16(key_index * 8 + alg_index) + sig
                    if key_index in (1, 4):  # the same with the public blob
                        public = bytes([key_index + 1]) + head[1:]
                        files[label + "-public"] = public + _choice_u16(0) + sig
                    broken = bytearray(sig)
                    broken[len(sig) // 2] ^= 0x10
                    files[label + "-mutated"] = head + _choice_u16(3) + bytes(broken)
        # Hostile key bytes: every blob and PVK form of a few keys, then a signature.
        hostile = 7
        forms = {
            "rsa-520-private": bf.dump_private_key(rsa_key("rsa-520")),
            "rsa-520-public": bf.dump_public_key(rsa_key("rsa-520").public_key()),
            "rsa-1000-private": bf.dump_private_key(rsa_key("rsa-1000")),
            "dsa-1024-private": bf.dump_private_key(dsa_key("dsa-1024")),
            "dsa-1024-public3": bf.dump_public_key(
                dsa_key("dsa-1024").public_key(), version=3
            ),
            "dsa-2048-private": bf.dump_private_key(dsa_key("dsa-2048")),
            "rsa-520-pvk": bf.dump_pvk(rsa_key("rsa-520")),
            "rsa-520-pvk-encrypted": _pvkcrypt.write(
                bf.dump_private_key(rsa_key("rsa-520")),
                1,
                password=PASSWORD,
                salt=_stream("signature-pvk", 16),
            ),
            "session-blob": bf.plaintext_key_blob(
                bf.SessionKey(alg_id=_A.CALG_RC4, key=bytes(16))
            ),
        }
        for label, blob in forms.items():
            for alg_index, flags in ((3, 0), (7, 1)):
                head = (
                    bytes([hostile])
                    + _choice_u16(len(blob))
                    + blob
                    + bytes([alg_index, flags])
                )
                files[f"seed-hostile-{label}-a{alg_index}-f{flags}"] = (
                    head
                    + bytes([len(data)])
                    + data
                    + _choice_u16(9)
                    + _stream(label, 65)
                )
    # Hash choices that cannot sign, and a raw 16-bit ALG_ID.
    for pick in range(8, 13):
        files[f"seed-alg-choice-{pick}"] = (
            bytes([0, pick, 0, 4]) + b"data" + _choice_u16(0)
        )
    files["seed-alg-raw"] = (
        bytes([0, 13]) + _choice_u16(0x8004) + b"\x00\x04data\x00\x00"
    )


def add_pfx(corpus: Corpus) -> None:
    """Choice bytes for fuzz_pfx: PFX files, PVK files and certificate sources.

    Layout (see the harness): target, then for ``read`` the password choice
    [, length, password], the PVK-password flag and the PFX; for ``write``
    the certificate, PVK-password and encryption choices and the PVK file;
    for ``certs`` the key, the number of sources, u16 lengths and the sources.
    """
    files = corpus.files["pfx"]
    for file_name, *_ in _certs.PROTECTED:
        pfx = _certs.protected_pfx(file_name)
        stem = file_name.removesuffix(".pfx")
        files[f"seed-read-{stem}"] = bytes([0, 0, 0]) + pfx
        files[f"seed-read-{stem}-pvk-password"] = bytes([0, 0, 1]) + pfx
        files[f"seed-read-{stem}-wrong-password"] = (
            bytes([0, 2, 5]) + b"wrong" + b"\x00" + pfx
        )
        files[f"seed-read-{stem}-truncated"] = bytes([0, 0, 0]) + pfx[: len(pfx) // 2]
    for name in _certs.CERT_KEYS:
        pfx = _certs.unprotected_pfx(name)
        files[f"seed-read-{name}-no-mac"] = bytes([0, 1, 0]) + pfx
        files[f"seed-read-{name}-no-mac-pvk-password"] = bytes([0, 1, 1]) + pfx
    files["seed-read-rsa-1032-no-mac-no-name"] = bytes(
        [0, 1, 0]
    ) + _certs.unprotected_pfx("rsa-1032", None)
    files["seed-read-pem"] = bytes([0, 0, 0]) + b"-----BEGIN PKCS12-----\n"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        keys = {
            name: dsa_key(name) if name.startswith("dsa") else rsa_key(name)
            for name in _certs.CERT_KEYS
        }
        pvks = {name: bf.dump_pvk(key) for name, key in keys.items()}  # type: ignore[arg-type]
        encrypted = _pvkcrypt.write(
            bf.dump_private_key(keys["rsa-520"]),
            1,
            password=PASSWORD,
            salt=_stream("pfx-pvk", 16),
        )
    for index, name in enumerate(_certs.CERT_KEYS):
        files[f"seed-write-{name}"] = bytes([1, index, 0, 1]) + pvks[name]
        files[f"seed-write-{name}-other-cert"] = (
            bytes([1, (index + 1) % 3, 0, 1]) + pvks[name]
        )
    files["seed-write-rsa-520-aes256"] = bytes([1, 0, 0, 0]) + pvks["rsa-520"]
    for choice in range(3):
        files[f"seed-write-rsa-520-encrypted-{choice}"] = (
            bytes([1, 0, choice, 1]) + encrypted
        )
    der = {
        name: _certs.certificate(name).public_bytes(serialization.Encoding.DER)
        for name in _certs.CERT_KEYS
    }
    pem = {
        name: _certs.certificate(name).public_bytes(serialization.Encoding.PEM)
        for name in _certs.CERT_KEYS
    }
    spc = bf.certs_to_spc([der["rsa-520"], der["dsa-1024"]])
    files["seed-certs-der"] = bytes([2, 0, 0]) + der["rsa-520"]
    files["seed-certs-pem-two"] = bytes([2, 1, 0]) + pem["rsa-1032"] + pem["dsa-1024"]
    files["seed-certs-spc"] = bytes([2, 1, 0]) + spc
    files["seed-certs-spc-pem"] = bytes([2, 0, 0]) + (
        b"-----BEGIN PKCS7-----\n" + base64.encodebytes(spc) + b"-----END PKCS7-----\n"
    )
    files["seed-certs-two-sources"] = (
        bytes([2, 0, 1])
        + _choice_u16(len(der["rsa-1032"]))
        + der["rsa-1032"]
        + der["rsa-520"]
    )
    files["seed-certs-three-sources"] = (
        bytes([2, 1, 2])
        + _choice_u16(len(der["dsa-1024"]))
        + der["dsa-1024"]
        + _choice_u16(3)
        + b"\x30\x01\x00"
        + pem["rsa-520"]
    )
    files["seed-certs-none-matching"] = bytes([2, 1, 0]) + der["rsa-1032"]
    files["seed-certs-truncated"] = bytes([2, 0, 0]) + der["rsa-520"][:-40]
    files["seed-certs-empty"] = bytes([2, 0, 0])
    # F7: the rsa-520 certificate with one byte of its issuer's UTF8String made 0xFF.
    bad = bytearray(der["rsa-520"])
    bad[der["rsa-520"].index(b"blobformat fuzz rsa-520")] = 0xFF
    files["regress-F7-cert-invalid-utf8-issuer"] = bytes([2, 0, 0]) + bytes(bad)
    # F7, second case: the subject's common name retagged from UTF8String to OCTET STRING.
    retagged = bytearray(der["rsa-520"])
    retagged[der["rsa-520"].rindex(b"\x0c\x17blobformat fuzz rsa-520")] = 0x04
    files["regress-F7-cert-name-octet-string"] = bytes([2, 0, 0]) + bytes(retagged)
    # F8: the DSA PFX without a MAC and without a certificate, with p + 2.
    p_bytes = (
        dsa_key("dsa-1024").parameters().parameter_numbers().p.to_bytes(128, "big")
    )
    changed = (int.from_bytes(p_bytes, "big") + 2).to_bytes(128, "big")
    files["regress-F8-pfx-dsa-q-not-dividing-p-1"] = bytes(
        [0, 1, 0]
    ) + _certs.unprotected_pfx("dsa-1024", b"fuzz", False).replace(p_bytes, changed)
    # F11: the same PFX with p's leading zero byte made 0x0A: a 1028-bit p.
    files["regress-F11-pfx-dsa-p-1028-bits"] = bytes(
        [0, 1, 0]
    ) + _certs.unprotected_pfx("dsa-1024", b"fuzz", False).replace(
        b"\x02\x81\x81\x00" + p_bytes, b"\x02\x81\x81\x0a" + p_bytes
    )
    # F9: the RSA PFX without a MAC and one byte after it.
    files["regress-F9-pfx-trailing-byte"] = (
        bytes([0, 1, 0]) + _certs.unprotected_pfx("rsa-520") + b"\x00"
    )
    # F12: the rsa-520 certificate with version 18 (a0 03 02 01 02 -> 02 01 12).
    versioned = der["rsa-520"].replace(
        b"\xa0\x03\x02\x01\x02", b"\xa0\x03\x02\x01\x12", 1
    )
    files["regress-F12-cert-version-18"] = bytes([2, 0, 0]) + versioned
    # F6: the 3DES PFX with its MAC iteration count raised to 2^31 - 1 (a 4-byte INTEGER).
    pfx = _certs.protected_pfx("rsa-520-3des.pfx")
    files["regress-F6-pfx-mac-iterations"] = bytes([0, 0, 0]) + _raise_mac_iterations(
        pfx
    )


def _raise_mac_iterations(pfx: bytes) -> bytes:
    """``pfx`` with MacData.iterations = 2^31 - 1 (lengths rewritten; MAC unchanged)."""
    version, auth_safe, mac_data = _certs._der_items(pfx[4:])  # outer: 30 82 LL LL
    digest, salt, _iterations = _certs._der_items(mac_data[2:])  # short-form length
    body = digest + salt + b"\x02\x04\x7f\xff\xff\xff"
    mac_data = b"\x30" + _certs._der_length(len(body)) + body
    content = version + auth_safe + mac_data
    return b"\x30" + _certs._der_length(len(content)) + content


def add_vector_json(corpus: Corpus) -> None:
    """Hex strings from ``vectors/**/*.json``, when such files exist."""
    count = 0
    for path in sorted((ROOT / "vectors").rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for index, text in enumerate(_hex_strings(doc)):
            if count >= MAX_JSON_SEEDS:
                return
            data = bytes.fromhex(text)
            corpus.add(f"vec-{path.stem}-{index}", data, *_route(data))
            count += 1


def _route(data: bytes) -> tuple[str, ...]:
    """The harnesses an input from elsewhere is for, by its first bytes."""
    if data[:4] == _pvkcrypt.PVK_MAGIC:
        return ("pvk", "keys", "differential")
    if data[:8] == b"\x8bBFE\r\n\x1a\n":
        return ("envelope",)
    return {
        b"\x01": ("unwrap",),
        b"\x06": ("keys", "differential"),
        b"\x07": ("keys", "differential"),
        b"\x08": ("session_blob",),
        b"\x0b": ("symwrap",),
        b"R": ("cng",),
        b"E": ("cng",),
        b"D": ("cng",),
        b"K": ("cng",),
    }.get(data[:1], ())


def _hex_strings(node: object) -> Iterable[str]:
    if isinstance(node, dict):
        for value in node.values():
            yield from _hex_strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _hex_strings(value)
    elif (
        isinstance(node, str)
        and len(node) >= 16
        and len(node) % 2 == 0
        and re.fullmatch(r"[0-9a-fA-F]+", node)
    ):
        yield node


def build() -> Corpus:
    """Every seed, routed to its harnesses."""
    corpus = Corpus()
    for path in sorted((ROOT / "vectors" / "samples").glob("*")):
        if path.is_file():
            corpus.add(
                f"seed-sample-{path.name}",
                path.read_bytes(),
                "keys",
                "differential",
                "pvk",
                "inspect",
            )
    add_key_blobs(corpus)
    add_dh_blobs(corpus)
    add_session_blobs(corpus)
    add_other_kinds(corpus)
    add_envelopes(corpus)
    add_peers_patterns(corpus)
    add_regressions(corpus)
    add_structured(corpus)
    add_cng_blobs(corpus)

    add_signature(corpus)
    add_pfx(corpus)
    add_vector_json(corpus)
    add_scan_seeds(corpus)
    return corpus


def add_scan_seeds(corpus: Corpus) -> None:
    """Seeds for fuzz_scan: valid blobs (one of each kind parse accepts) in
    pseudo-random bytes, back to back, cut at the end, with one bit flipped,
    and short floods of their headers. Only the scan harness gets them."""
    chosen: dict[str, list[bytes]] = {}
    for name, data in sorted(corpus.files["parse"].items()):
        if not name.startswith("seed-") or len(data) > 3000:
            continue
        try:
            kind = type(bf.parse(data)).__name__
        except bf.BlobError:
            continue
        if not chosen.setdefault(kind, []):
            chosen[kind].append(data)
    blobs = [blob for kind in sorted(chosen) for blob in chosen[kind]]
    files = corpus.files["scan"]
    for i, blob in enumerate(blobs):
        files[f"seed-scan-{i:02d}-embedded"] = (
            _stream(f"scan-before-{i}", 7 + i) + blob + _stream(f"scan-after-{i}", 40)
        )
        files[f"seed-scan-{i:02d}-cut-at-end"] = (
            blob + _stream(f"scan-cut-{i}", 5) + blob[:-1]
        )
        flipped = bytearray(blob)
        flipped[len(blob) // 2] ^= 0x10
        files[f"seed-scan-{i:02d}-flipped"] = bytes(flipped) + blob
        files[f"seed-scan-{i:02d}-flood"] = blob[:24] * 20
    for start in range(0, len(blobs), 4):
        files[f"seed-scan-run-{start:02d}"] = b"".join(blobs[start : start + 4])


def main() -> int:
    """Write the corpora (or those named on the command line) and print their sizes."""
    counts = build().write(sys.argv[1:] or None)
    for harness, count in counts.items():
        print(f"{harness:>13}: {count} files")
    return 0


if __name__ == "__main__":
    sys.exit(main())
