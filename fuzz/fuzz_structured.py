# SPDX-License-Identifier: Apache-2.0
"""Structure-aware fuzzing: plausible blobs with one field off (SPEC §5-§8, §12, §14-§16).

Random bytes rarely get past a header check. This harness reads its choices
from the input (``_fuzzlib.Choices``: the same bytes mean the same blob with
or without atheris) and builds, from fixed test keys, blobs that are valid
except for one field, so that the deep checks run: key relations, PVK
decryption, envelope verification and session-key unwrapping.

Invariant, per target (beyond "only ``BlobError`` subclasses escape"):

``rsa`` / ``dss``
    An RSA, DSS v2 or DSS v3 key blob written by ``_craft`` from a key in
    ``vectors/keys`` with exactly one field changed (a number, a bit length,
    ``aiKeyAlg`` or the DSSSEED). ``parse`` fails exactly when SPEC §4-§6
    say it must, with the rule that SPEC §4.3's order reports first;
    otherwise it reads back the numbers written. Loading then accepts exactly
    the keys that break no relation of SPEC §14.2 (``_keycheck``), and a
    ``KeyConversionError`` names a relation that fails.
``pvk``
    A private key blob with a corrupted body, in a plain PVK file and in an
    encrypted one (strong or weak, fuzzed salt). Without a password:
    ``PasswordError``. With the right password: if the corrupted blob still
    starts with a private-key magic, the same outcome as the plain file (the
    same key, or the same error class, rule and field at an offset moved by
    the salt length) [PVK-9]; otherwise ``PasswordError`` or a header error
    both files share. With a wrong password: ``PasswordError`` or that
    header error.
``envelope``
    A valid sealed envelope (``_envelopes``) with one field changed. Any
    change is rejected (SPEC §16.9); a changed value in a field whose check
    SPEC §16.6.2 names is rejected with that class and rule; a changed
    context is a ``BadSignatureError``, a minimum generation above the
    envelope's a ``StaleGenerationError`` [ENV-20].
``simpleblob``
    A SIMPLEBLOB whose PKCS#1 v1.5 or OAEP block is built by
    ``_rsaoracle`` with one defect (or none), optionally with a corrupted
    ciphertext. ``unwrap_session_key`` returns exactly the key the oracle
    decodes, else one uniform ``DecryptionError`` [SES-2].
``symwrap``
    A SYMMETRICWRAPKEYBLOB built by ``_kworacle`` with one defect (or none):
    the unwrap returns exactly what the oracle decodes, else one uniform
    ``DecryptionError`` [KWR-4]; a Triple-DES wrap of a key that is not
    Triple-DES is refused first (``InvalidParameterError``, KWR-2).

Memory stays within the replay test's bound and the campaign RSS limit.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from math import lcm

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf

import _craft
import _envelopes
import _kworacle
import _pvkcrypt
import _rsaoracle
from _fuzzlib import (
    CONTEXT,
    PASSWORD,
    Choices,
    Outcome,
    attempt,
    check_uniform_decryption_error,
    dsa_key,
    key_numbers,
    model_numbers,
    require,
    rsa_key,
    same_failure,
)
from _keycheck import check_key_outcome

_A = bf.AlgId
RSA_KEYS = (
    "rsa-520",
    "rsa-1000",
    "rsa-1024-e3",
    "rsa-1032",
    "rsa-512-e4byte",
    "rsa-2048",
)
ALGS = (
    0,
    1,
    2,
    _A.CALG_RSA_KEYX,
    _A.CALG_RSA_SIGN,
    _A.CALG_DSS_SIGN,
    _A.CALG_DH_SF,
    _A.CALG_RC4,
    _A.CALG_AES_256,
    0xFFFFFFFF,
)
BIT_LENGTHS = (
    0,
    1,
    8,
    160,
    383,
    384,
    511,
    512,
    520,
    1023,
    1024,
    1025,
    1088,
    3072,
    3073,
    4096,
    16384,
    16385,
    0x80000000,
    0xA9800000,
    0xFFFFFFF9,
    0xFFFFFFFF,
)


# -- value mutations -----------------------------------------------------------------


def _mutate_int(
    c: Choices, value: int, width_bits: int, deltas: tuple[int, ...]
) -> int:
    """One change to a number: small steps, bit flips, extremes, structured deltas."""
    op = c.int(0, 6)
    if op == 0:
        return value + c.int(1, 300)
    if op == 1:
        return value - c.int(1, 300)
    if op == 2:
        return value ^ (1 << c.int(0, max(0, width_bits - 1)))
    if op == 3:
        return c.pick((0, 1, 2, 3, (1 << width_bits) - 1, 1 << max(0, width_bits - 1)))
    if op == 4:
        return c.pick(deltas) if deltas else value
    if op == 5:
        return value + c.pick(deltas) if deltas else value
    return value - c.pick(deltas) if deltas else value


def _mutate_bits(c: Choices, value: int) -> int:
    op = c.int(0, 2)
    if op == 0:
        return c.pick(BIT_LENGTHS)
    if op == 1:
        return max(0, value + c.int(-70, 70))
    return int.from_bytes(c.take(4).ljust(4, b"\x00"), "little")


def _first_rule(parsed: Outcome[object], expected: list[str], what: str) -> None:
    """``parse`` fails with the first expected rule, or accepts when none is expected."""
    if expected:
        require(parsed.error is not None, f"{what}: accepted, expected {expected[0]}")
        assert parsed.error is not None
        require(
            parsed.error.rule == expected[0],
            f"{what}: {parsed.describe()}, expected {expected[0]} (of {expected})",
        )
    else:
        require(parsed.ok, f"{what}: {parsed.describe()}, expected acceptance")


def _check_loaded(data: bytes, model: object, private: bool) -> None:
    out: Outcome[object]
    if private:
        out = attempt(
            lambda: bf.load_private_key(data, unsafe_skip_rsa_key_validation=True),
            len(data),
        )
    else:
        out = attempt(lambda: bf.load_public_key(data), len(data))
    check_key_outcome(model, out)


# -- RSA and DSS key blobs -------------------------------------------------------------


def _rsa_expected(w: _craft.RSA) -> list[str]:
    """SPEC §4.3 order: HDR-3, HDR-2, HDR-4, RSA-1, RSA-3, then RSA-4 and RSA-5."""
    out = []
    if w.key_alg not in (_A.CALG_RSA_KEYX, _A.CALG_RSA_SIGN):
        out.append("HDR-4")
    if not 384 <= w.bit_length <= 16384:
        out.append("RSA-1")
    e = w.numbers["e"] % (1 << 32)
    if e < 3 or e % 2 == 0:
        out.append("RSA-3")
    sizes = w.sizes()
    for name in ("n", "d") if w.private else ("n",):
        if w.numbers[name] % (1 << (8 * sizes[name])) >> w.bit_length:
            out.append("RSA-4")
    n_bits = (w.numbers["n"] % (1 << (8 * sizes["n"]))).bit_length()
    if w.bit_length % 8 or n_bits <= w.bit_length - 8:
        out.append("RSA-5")
    return out


def _p_and_seed(
    w: _craft.DSSV2 | _craft.DSSV3, bits: int, size: int, out: list[str]
) -> None:
    """DSS-6 (p fills its field), then DSS-7 (the seed counter), after DSS-5."""
    if (w.numbers["p"] % (1 << (8 * size))).bit_length() <= bits - 8:
        out.append("DSS-6")
    counter = int.from_bytes(w.seed[:4], "little")
    if 0x80000000 <= counter < 0xFFFFFFFF:
        out.append("DSS-7")


def target_rsa(c: Choices) -> None:
    """An RSA blob with one field changed."""
    key = rsa_key(c.pick(RSA_KEYS))
    numbers = key_numbers(key)
    private = c.flag()
    w = _craft.RSA(numbers, key.key_size, private)
    fields = (
        "bit_length",
        "key_alg",
        *(w.FIELDS_PRIVATE if private else w.FIELDS_PUBLIC),
    )
    field = c.pick(fields)
    p, q = numbers["p"], numbers["q"]
    deltas = (p - 1, q - 1, lcm(p - 1, q - 1), (p - 1) * (q - 1), p, q, numbers["n"])
    if field == "bit_length":
        w.bit_length = _mutate_bits(c, w.bit_length)
    elif field == "key_alg":
        w.key_alg = c.pick(ALGS)
    else:
        width = 32 if field == "e" else 8 * w.sizes()[field]
        w.numbers[field] = _mutate_int(c, numbers[field], width, deltas)
    w.bit_length %= 1 << 32
    data = w.encode()
    sizes = w.sizes()
    reduced = {name: w.numbers[name] % (1 << (8 * sizes[name])) for name in sizes}
    w.numbers = reduced
    parsed = attempt(lambda: bf.parse(data), len(data))
    _first_rule(parsed, _rsa_expected(w), f"RSA {field}")
    if parsed.value is None:
        return
    got = model_numbers(parsed.value)
    require(all(reduced[k] == v for k, v in got.items()), "parse read other numbers")
    _check_loaded(data, parsed.value, private)


def _dss_expected_v2(w: _craft.DSSV2) -> list[str]:
    out = []
    if w.key_alg != _A.CALG_DSS_SIGN:
        out.append("HDR-4")
    if not (512 <= w.bit_length <= 1024 and w.bit_length % 64 == 0):
        out.append("DSS-1")
    n = (min(w.bit_length, _craft.LAYOUT_CAP_BITS) + 7) // 8
    names = ("p", "g") if w.private else ("p", "g", "y")
    if any((w.numbers[k] % (1 << (8 * n))) >> w.bit_length for k in names):
        out.append("DSS-5")
    _p_and_seed(w, w.bit_length, n, out)
    return out


def _dss_expected_v3(w: _craft.DSSV3) -> list[str]:
    b, out = w.bits, []
    if w.key_alg != _A.CALG_DSS_SIGN:
        out.append("HDR-4")
    if not (
        512 <= b["p"] <= 3072
        and b["p"] % 64 == 0
        and b["q"] in (160, 224, 256)
        and (b["j"] == 0 or 1 <= b["j"] <= b["p"])
        and (not w.private or 1 <= b["x"] <= b["q"])
    ):
        out.append("DSS-3")
    checks = [("p", "p"), ("g", "p"), ("y", "p"), ("q", "q")]
    if b["j"]:
        checks.append(("j", "j"))
    if w.private:
        checks.append(("x", "x"))
    size = {
        name: (min(bits, _craft.LAYOUT_CAP_BITS) + 7) // 8 for name, bits in b.items()
    }
    if any((w.numbers.get(k, 0) % (1 << (8 * size[s]))) >> b[s] for k, s in checks):
        out.append("DSS-5")
    _p_and_seed(w, b["p"], size["p"], out)
    return out


def target_dss(c: Choices) -> None:
    """A DSS v2 or v3 blob with one field changed."""
    key = dsa_key()
    numbers = key_numbers(key)
    private, v3 = c.flag(), c.flag()
    p, q = numbers["p"], numbers["q"]
    numbers["j"] = (p - 1) // q
    deltas = (p, q, p - 1, numbers["j"])
    names = ["key_alg", "seed", "p", "q", "g", "x" if private else "y"]
    if v3:
        names += ["bits.p", "bits.q", "bits.j", "j"] + (
            ["bits.x", "y"] if private else []
        )
    else:
        names.append("bit_length")
    field = c.pick(names)
    seed = b"\xff" * 24
    alg: int = _A.CALG_DSS_SIGN
    bits = {"p": 1024, "q": 160, "j": numbers["j"].bit_length(), "x": 160}
    bit_length = 1024
    if field == "key_alg":
        alg = c.pick(ALGS)
    elif field == "seed":
        seed = c.take(24).ljust(24, b"\x00")
    elif field == "bit_length":
        bit_length = _mutate_bits(c, 1024) % (1 << 32)
    elif field.startswith("bits."):
        bits[field[5:]] = _mutate_bits(c, bits[field[5:]]) % (1 << 32)
    else:
        numbers[field] = _mutate_int(c, numbers[field], 1024, deltas)
    if v3:
        w3 = _craft.DSSV3(numbers, bits, private, seed, alg)
        data, expected = w3.encode(), _dss_expected_v3(w3)
    else:
        w2 = _craft.DSSV2(numbers, bit_length, private, seed, alg)
        data, expected = w2.encode(), _dss_expected_v2(w2)
    parsed = attempt(lambda: bf.parse(data), len(data))
    _first_rule(parsed, expected, f"DSS {'v3' if v3 else 'v2'} {field}")
    if parsed.value is None:
        return
    model = parsed.value
    assert isinstance(
        model,
        bf.DSSPublicKeyBlob
        | bf.DSSPrivateKeyBlob
        | bf.DSSPublicKeyBlobV3
        | bf.DSSPrivateKeyBlobV3,
    )
    require(
        bf.parse(model.to_bytes()) == model and model.to_bytes() == data,
        "DSS round trip",
    )
    require(model.seed.counter == int.from_bytes(seed[:4], "little"), "seed counter")
    _check_loaded(data, model, private)


# -- PVK ----------------------------------------------------------------------------


_PVK_HEADER_RULES = frozenset({"PVK-5", "PVK-7", "PVK-8", "HDR-2", "HDR-3"})


def target_pvk(c: Choices) -> None:
    """A private key blob with a corrupted body, in a plain and an encrypted PVK file."""
    if c.flag():
        key: object = rsa_key(c.pick(("rsa-520", "rsa-1032")))
        key_type = 1
    else:
        key = dsa_key()
        key_type = 2
    blob = bytearray(
        bf.dump_private_key(key, version=c.pick((2, 3)) if key_type == 2 else None)
    )  # type: ignore[arg-type]
    op = c.int(0, 4)
    if op == 0:
        for _ in range(c.int(1, 3)):
            blob[c.int(8, len(blob) - 1)] ^= c.int(1, 255)
    elif op == 1:
        del blob[c.int(0, len(blob) - 1) :]
    elif op == 2:
        blob += c.take(c.int(1, 16))
    elif op == 3:
        offset = c.int(8, len(blob) - 4)
        blob[offset : offset + 4] = c.take(4).ljust(4, b"\x00")
    else:
        blob[8:12] = c.pick((b"RSA2", b"DSS2", b"DSS4", b"RSA1", b"DSS1", b"\x00DH2"))
    inner = bytes(blob)
    salt = c.take(c.int(1, 24)).ljust(1, b"\x00")
    strength = c.pick(("strong", "weak"))
    plain_file = _pvkcrypt.write(inner, key_type)
    enc_file = _pvkcrypt.write(
        inner, key_type, password=PASSWORD, salt=salt, strength=strength
    )
    plain = attempt(lambda: bf.load_pvk(plain_file), len(plain_file))
    keyed = attempt(lambda: bf.load_pvk(enc_file, PASSWORD), len(enc_file))
    bare = attempt(lambda: bf.load_pvk(enc_file), len(enc_file))
    wrong = attempt(lambda: bf.load_pvk(enc_file, PASSWORD + b"!"), len(enc_file))

    def header_error(out: Outcome[object]) -> bool:
        err = out.error
        return (
            isinstance(err, bf.ParseError)
            and err.rule in _PVK_HEADER_RULES
            and (plain.error is not None and same_failure(err, plain.error))
        )

    require(
        isinstance(bare.error, bf.PasswordError) or header_error(bare),
        f"encrypted PVK without password: {bare.describe()}",
    )
    require(
        isinstance(wrong.error, bf.PasswordError) or header_error(wrong),
        f"encrypted PVK with a wrong password: {wrong.describe()}",
    )
    if len(inner) >= 12 and inner[8:12] in _pvkcrypt.PRIVATE_MAGICS:
        if keyed.error is None or plain.error is None:
            require(
                keyed.ok and plain.ok,
                f"PVK: {keyed.describe()} vs plain {plain.describe()}",
            )
            require(
                key_numbers(keyed.value) == key_numbers(plain.value), "PVK: other key"
            )
            return
        require(
            same_failure(keyed.error, plain.error),
            f"PVK: {keyed.describe()} vs plain {plain.describe()}",
        )
        if keyed.error.offset is not None and plain.error.offset is not None:
            require(
                keyed.error.offset == plain.error.offset + len(salt),
                f"PVK: offset {keyed.error.offset} vs plain {plain.error.offset} + {len(salt)}",
            )
        return
    require(
        isinstance(keyed.error, bf.PasswordError) or header_error(keyed),
        f"PVK without a private magic: {keyed.describe()}",
    )


# -- envelopes --------------------------------------------------------------------------


def _envelope_fields(data: bytes) -> list[tuple[str, int, int]]:
    """(name, offset, size) of each field of a valid envelope (SPEC §16.2)."""
    fields = [
        ("magic", 0, 8),
        ("version", 8, 2),
        ("suite", 10, 2),
        ("generation", 12, 8),
        ("signer_key_id", 20, 32),
        ("label_length", 52, 1),
        ("recipient_count", 53, 1),
    ]
    label = data[52]
    if label:
        fields.append(("label", 54, label))
    pos = 54 + label
    for i in range(data[53]):
        length = int.from_bytes(data[pos + 2 : pos + 4], "little")
        fields += [
            (f"e{i}.role", pos, 1),
            (f"e{i}.padding", pos + 1, 1),
            (f"e{i}.blob_length", pos + 2, 2),
            (f"e{i}.key_id", pos + 4, 32),
            (f"e{i}.blob.type", pos + 36, 1),
            (f"e{i}.blob.version", pos + 37, 1),
            (f"e{i}.blob.reserved", pos + 38, 2),
            (f"e{i}.blob.key_alg", pos + 40, 4),
            (f"e{i}.blob.wrap_alg", pos + 44, 4),
            (f"e{i}.blob.ciphertext", pos + 48, length - 12),
        ]
        pos += 36 + length
    fields += [
        ("signature_length", pos, 2),
        ("signature", pos + 2, len(data) - pos - 2),
    ]
    return fields


def _label_ok(raw: bytes) -> bool:
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return not any(ord(ch) < 0x20 or 0x7F <= ord(ch) <= 0x9F for ch in text)


def _envelope_expected(
    name: str, new: bytes, data: bytes
) -> set[tuple[type, str]] | None:
    """Allowed (class, rule) for a changed value in field ``name``; None: any BlobError."""
    bad_sig: set[tuple[type, str]] = {(bf.BadSignatureError, "ENV-19")}
    value = int.from_bytes(new, "little")
    leaf = name.split(".", 1)[-1]
    if name == "magic":
        return {(bf.UnsupportedBlobError, "ENV-2")}
    if name == "version":
        return {(bf.UnsupportedBlobError, "ENV-3")}
    if name == "suite":
        return (
            {(bf.InvalidFieldError, "ENV-4")}
            if value == 0
            else {(bf.UnsupportedBlobError, "ENV-5")}
        )
    if name in ("generation", "signature") or leaf == "blob.ciphertext":
        return bad_sig | {(bf.BadSignatureError, "ENV-18")}
    if name == "signer_key_id":
        if new in _envelopes.public_keys_by_id():
            return bad_sig
        return {(bf.UnknownSignerError, "ENV-16")}
    if name == "recipient_count" and not 1 <= value <= 16:
        return {(bf.InvalidFieldError, "ENV-7")}
    if name == "label":
        label_start = 54
        label = data[label_start : label_start + data[52]]
        return bad_sig if _label_ok(label) else {(bf.InvalidFieldError, "ENV-6")}
    if leaf == "role":
        if value not in (1, 2):
            return {(bf.InvalidFieldError, "ENV-8")}
        return {(bf.InvalidFieldError, "ENV-12")}
    if leaf == "padding":
        return {(bf.InvalidFieldError, "ENV-9")} if value not in (1, 2) else bad_sig
    if leaf == "key_id":
        return bad_sig | {(bf.InvalidFieldError, "ENV-13")}
    if leaf == "blob.type":
        return {(bf.InvalidFieldError, "ENV-11")}
    if leaf == "blob.version":
        return {(bf.InvalidFieldError, "HDR-2")}
    if leaf == "blob.reserved":
        return {(bf.InvalidFieldError, "HDR-3")}
    if leaf == "blob.wrap_alg":
        return {(bf.InvalidFieldError, "SMP-1")}
    if leaf == "blob.key_alg":
        return {
            (bf.InvalidFieldError, "SMP-2"),
            (bf.InvalidFieldError, "ENV-14"),
        } | bad_sig
    if name == "signature_length" and not 256 <= value <= 2048:
        return {(bf.InvalidFieldError, "ENV-15")}
    return None


def target_envelope(c: Choices) -> None:
    """A valid envelope with one field changed (or the context, or a minimum generation)."""
    bases = _envelopes.base_envelopes()
    base = bases[c.pick(sorted(bases))]
    trusted = [
        rsa_key(_envelopes.OWNER).public_key(),
        rsa_key(_envelopes.BACKUP).public_key(),
    ]
    mode = c.int(0, 5)
    if mode == 0:
        context = CONTEXT + c.take(c.int(0, 4))
        out = attempt(lambda: bf.open_sealed(base, trusted, context=context), len(base))
        expected_ok = context == CONTEXT
        require(out.ok == expected_ok, f"envelope, context changed: {out.describe()}")
        if not expected_ok:
            require(
                isinstance(out.error, bf.BadSignatureError),
                f"context: {out.describe()}",
            )
        return
    if mode == 1:
        generation = int.from_bytes(base[12:20], "little")
        minimum = max(0, generation + c.int(-2, 2))
        out = attempt(
            lambda: bf.open_sealed(
                base, trusted, context=CONTEXT, min_generation=minimum
            ),
            len(base),
        )
        if minimum <= generation:
            require(out.ok, f"envelope, min_generation {minimum}: {out.describe()}")
        else:
            require(
                isinstance(out.error, bf.StaleGenerationError)
                and out.error.rule == "ENV-20",
                f"stale: {out.describe()}",
            )
        return
    name, offset, size = c.pick(_envelope_fields(base))
    data = bytearray(base)
    structural = mode == 5 or size == 0
    if structural:
        cut = offset + c.int(0, max(0, size))
        if c.flag():
            inserted, dropped = c.take(c.int(0, 3)), c.int(0, 3)
            data = data[:cut] + inserted + data[cut + dropped :]
        else:
            data = data[:cut]
    else:
        if size <= 8 and c.flag():
            new = c.take(size).ljust(size, b"\x00")
        else:
            index = offset + c.int(0, size - 1)
            data[index] ^= c.int(1, 255)
            new = bytes(data[offset : offset + size])
        data[offset : offset + size] = new
    mutated = bytes(data)
    out = attempt(
        lambda: bf.open_sealed(mutated, trusted, context=CONTEXT), len(mutated)
    )
    if mutated == base:
        require(out.ok, f"envelope unchanged but refused: {out.describe()}")
        return
    require(not out.ok, f"envelope with {name} changed was accepted")
    if structural:
        return
    allowed = _envelope_expected(name, new, mutated)
    if allowed is not None:
        err = out.error
        assert err is not None
        require(
            (type(err), err.rule) in allowed,
            f"envelope {name} changed: {out.describe()}, expected one of "
            f"{sorted((k.__name__, r) for k, r in allowed)}",
        )


# -- SIMPLEBLOB and SYMMETRICWRAPKEYBLOB ----------------------------------------------------


_SESSION = (
    (_A.CALG_RC4, 5),
    (_A.CALG_RC4, 16),
    (_A.CALG_RC2, 7),
    (_A.CALG_DES, 8),
    (_A.CALG_3DES_112, 16),
    (_A.CALG_3DES, 24),
    (_A.CALG_AES_128, 16),
    (_A.CALG_AES_256, 32),
    (_A.CALG_TLS1_MASTER, 48),
    (_A.CALG_DESX, 24),
)


def target_simpleblob(c: Choices) -> None:
    """A SIMPLEBLOB with a crafted (possibly defective) padding block or ciphertext."""
    key = rsa_key(c.pick(("rsa-520", "rsa-1032")))
    public = key.public_key()
    n = public.public_numbers().n
    k = (key.key_size + 7) // 8
    alg, length = c.pick(_SESSION)
    length = max(0, length + c.pick((0, 0, 0, -1, 1)))
    message = c.take(length).ljust(length, b"\x07")
    oaep = c.flag()
    defect = c.int(0, 6)
    if oaep:
        em = _rsaoracle.oaep_encode(
            message,
            k,
            c.take(20),
            separator=2 if defect == 1 else 1,
            first=1 if defect == 2 else 0,
            label_hash=bytes(20) if defect == 3 else _rsaoracle.SHA1_EMPTY,
        )
    else:
        ps = bytes(
            b | 1 for b in c.take(k - 3 - length).ljust(max(0, k - 3 - length), b"\x5a")
        )
        if defect == 1 and ps:
            index = c.int(0, len(ps) - 1)
            ps = ps[:index] + b"\x00" + ps[index + 1 :]
        em = _rsaoracle.pkcs1_encode(message, k, ps)
        if defect == 2:
            em = bytes([0, c.pick((0, 1, 3, 0x82))]) + em[2:]
        elif defect == 3:
            em = b"\x01" + em[1:]
    m = int.from_bytes(em[:k].rjust(k, b"\x00"), "big") % n
    cipher = _rsaoracle.raw_encrypt(public, m)
    if defect == 4:
        cipher = (n + c.int(0, 3)) % (1 << (8 * k))
    ct = cipher.to_bytes(k, "big")[::-1]
    if defect == 5:
        ct = (
            ct[: k - c.int(1, 3)]
            if c.flag()
            else ct + c.take(c.int(1, 3)).ljust(1, b"\x00")
        )
    elif defect == 6:
        index = c.int(0, k - 1)
        ct = ct[:index] + bytes([ct[index] ^ c.int(1, 255)]) + ct[index + 1 :]
    data = _rsaoracle.simpleblob(alg, ct)
    parsed = attempt(lambda: bf.parse(data), len(data))
    if not isinstance(parsed.value, bf.SimpleBlob):
        require(parsed.error is not None, "a crafted SIMPLEBLOB parsed as another kind")
        return
    for padding_oaep in (False, True):
        out = attempt(
            lambda p=padding_oaep: bf.unwrap_session_key(data, key, oaep=p), len(data)
        )  # type: ignore[misc]
        expected = _rsaoracle.expected_unwrap(parsed.value, key, oaep=padding_oaep)
        if expected is None:
            require(
                isinstance(out.error, bf.DecryptionError),
                f"SIMPLEBLOB defect {defect}: {out.describe()}, the oracle refuses",
            )
            assert isinstance(out.error, bf.DecryptionError)
            check_uniform_decryption_error("unwrap_session_key", out.error)
        else:
            require(
                out.ok and getattr(out.value, "key", None) == expected,
                f"SIMPLEBLOB defect {defect}: {out.describe()}, the oracle unwraps a key",
            )
        room = k - (42 if oaep else 11)
        if (
            padding_oaep == oaep
            and defect == 0
            and length <= room
            and (length in _rsaoracle.allowed_lengths(alg))
        ):
            require(expected == message, "oracle: a well-formed block does not decode")


def target_symwrap(c: Choices) -> None:
    """A SYMMETRICWRAPKEYBLOB built with a chosen (possibly defective) RFC 3217 wrap."""
    three_des = c.flag()
    iv = c.take(8).ljust(8, b"\x00")
    defect = c.int(0, 4)
    if three_des:
        kek = bf.SessionKey(
            alg_id=_A.CALG_3DES, key=_kworacle.odd_parity(bytes(range(0x10, 0x28)))
        )
        alg = c.pick((_A.CALG_3DES, _A.CALG_3DES_112, _A.CALG_AES_192))
        cek = _kworacle.odd_parity(c.take(24).ljust(24, b"\x01"))
        if alg == _A.CALG_3DES_112 and defect != 2:
            cek = cek[:16] + cek[:8]
        if defect == 1:
            cek = bytes([cek[0] ^ 1]) + cek[1:]
        wrapped = _kworacle.wrap_3des(cek, kek.key, iv)
        wrap_alg = _A.CALG_3DES
    else:
        kek = bf.SessionKey(alg_id=_A.CALG_RC2, key=bytes(range(0x40, 0x50)))
        alg = c.pick((_A.CALG_RC2, _A.CALG_RC4, _A.CALG_AES_128))
        length = c.int(1, 20)
        cek = c.take(length).ljust(length, b"\x02")
        octet = length if defect != 1 else c.pick((0, length + 1, 255))
        lcek = bytes([octet]) + cek
        pad = (-len(lcek)) % 8 + (8 if defect == 2 else 0)
        wrapped = _kworacle.wrap_rc2(lcek + bytes(pad), kek.key, iv)
        wrap_alg = _A.CALG_RC2
    if defect == 3:
        index = c.int(0, len(wrapped) - 1)
        wrapped = (
            wrapped[:index]
            + bytes([wrapped[index] ^ c.int(1, 255)])
            + wrapped[index + 1 :]
        )
    elif defect == 4:
        wrapped = wrapped[:-8] if c.flag() else wrapped + bytes(8)
    data = (
        bytes([0x0B, 2, 0, 0])
        + int(alg).to_bytes(4, "little")
        + int(wrap_alg).to_bytes(4, "little")
        + wrapped
    )
    parsed = attempt(lambda: bf.parse(data), len(data))
    if not isinstance(parsed.value, bf.SymmetricWrapKeyBlob):
        require(
            parsed.error is not None,
            "a crafted SYMMETRICWRAPKEYBLOB parsed as another kind",
        )
        return
    out = attempt(lambda: bf.unwrap_symmetric_key(data, kek), len(data))
    if three_des and alg not in (_A.CALG_3DES, _A.CALG_3DES_112):
        require(
            isinstance(out.error, bf.InvalidParameterError)
            and out.error.rule == "KWR-2",
            f"symwrap: a Triple-DES wrap of a {alg!r} key: {out.describe()}",
        )
        return
    cek_out = _kworacle.unwrap(
        "3des" if three_des else "rc2",
        wrapped,
        kek.key,
        two_key=alg == _A.CALG_3DES_112,
    )
    if cek_out is None or len(cek_out) not in _rsaoracle.allowed_lengths(alg):
        require(
            isinstance(out.error, bf.DecryptionError),
            f"symwrap defect {defect}: {out.describe()}, the oracle refuses",
        )
        assert isinstance(out.error, bf.DecryptionError)
        check_uniform_decryption_error("unwrap_symmetric_key", out.error)
        return
    require(
        out.ok and getattr(out.value, "key", None) == cek_out,
        f"symwrap defect {defect}: {out.describe()}, the oracle unwraps a key",
    )


TARGETS: tuple[Callable[[Choices], None], ...] = (
    target_rsa,
    target_dss,
    target_pvk,
    target_envelope,
    target_simpleblob,
    target_symwrap,
)


def check(data: bytes) -> None:
    """Build one structured input from ``data`` and check its target's invariant."""
    c = Choices(data)
    c.pick(TARGETS)(c)


if __name__ == "__main__":
    _fuzzboot.fuzz(check, sys.argv)
