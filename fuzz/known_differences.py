# SPDX-License-Identifier: Apache-2.0
"""Known differences between blobformat and OpenSSL 3's ``pvkfmt.c``, machine-readable (SPEC §17).

Each :class:`KnownDifference` mirrors one row of SPEC.md §17's table
(``spec_row`` is the row's "topic" cell; a row marked ``(proposed)`` does not
exist in §17 yet and is proposed for it). The differential harness
(``fuzz_differential.py``) accepts a disagreement between blobformat and
OpenSSL only when exactly such a difference explains it:

- ``applies(case)`` is a small predicate on the disagreement: which side
  refused, the rule blobformat reported, and the numbers OpenSSL built;
- ``repair(case)``, where present, rewrites the input so that the
  difference disappears in a way OpenSSL ignores (for example zeroing
  ``reserved``). The harness then requires OpenSSL to give the same result
  on the repaired input and compares the two again, so that one input can
  be explained by several differences in turn and no other difference hides
  behind a known one. A difference without a repair ends the comparison.

This module needs neither blobformat nor OpenSSL. ``python
fuzz/known_differences.py`` prints the list as JSON.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field

__all__ = ["DIFFERENCES", "Case", "KnownDifference", "as_json"]

_KEYX, _SIGN, _DSS = 0xA400, 0x2400, 0x2200
_RSA_MAGICS = (b"RSA1", b"RSA2")
_DSS_MAGICS = (b"DSS1", b"DSS2", b"DSS3", b"DSS4")
_DH_MAGICS = (b"\x00DH1", b"\x00DH2", b"\x00DH3", b"\x00DH4")


@dataclass(frozen=True)
class Case:
    """One disagreement, as the differential harness sees it.

    :ivar data: the input (a key blob, or a plain PVK file).
    :ivar pvk: whether ``data`` is a PVK file; its key blob starts at ``base``.
    :ivar ours_ok: whether blobformat's loader returned a key.
    :ivar error: blobformat's error class name; ``rule``, ``path`` (field) and
        ``offset`` are the error's.
    :ivar parsed: the numbers of ``parse(data)``'s key blob, when it parsed.
    :ivar openssl_ok: whether OpenSSL built a key.
    :ivar openssl: the numbers OpenSSL built (empty when it refused).
    """

    data: bytes
    pvk: bool
    ours_ok: bool
    error: str | None
    rule: str | None
    path: str | None
    offset: int | None
    parsed: dict[str, int] | None
    openssl_ok: bool
    openssl: dict[str, int] = field(default_factory=dict)

    @property
    def base(self) -> int:
        """Offset of the key blob: after a PVK file's header and salt."""
        return 24 + self.u32(16) if self.pvk else 0

    def u32(self, offset: int) -> int:
        """The u32 at ``offset`` (0 beyond the input)."""
        return int.from_bytes(
            self.data[offset : offset + 4].ljust(4, b"\x00"), "little"
        )

    @property
    def magic(self) -> bytes:
        """The key blob's magic."""
        return self.data[self.base + 8 : self.base + 12]

    @property
    def blob_version(self) -> int:
        """The key blob's ``bVersion``."""
        return self.data[self.base + 1] if len(self.data) > self.base + 1 else -1


@dataclass(frozen=True)
class KnownDifference:
    """One documented difference; see the module docstring."""

    id: str
    spec_row: str
    ours: str
    openssl: str
    direction: str
    rules: tuple[str, ...]
    applies: Callable[[Case], bool]
    repair: Callable[[Case], bytes | None] | None = None


def _set(data: bytes, offset: int, value: bytes) -> bytes:
    return data[:offset] + value + data[offset + len(value) :]


def _ours_rejects(case: Case, *rules: str) -> bool:
    return not case.ours_ok and case.openssl_ok and case.rule in rules


def _cut_trailing(case: Case) -> bytes | None:
    if case.offset is None:
        return None
    if case.pvk and case.rule != "PVK-6":
        # Bytes after the inner blob: shorten the blob and its key_length.
        inner = case.offset - case.base
        return _set(case.data[: case.offset], 20, inner.to_bytes(4, "little"))
    return case.data[: case.offset]


def _zero_field(width: int) -> Callable[[Case], bytes | None]:
    def repair(case: Case) -> bytes | None:
        if case.offset is None:
            return None
        return _set(case.data, case.offset, bytes(width))

    return repair


def _alg_for_magic(case: Case) -> int | None:
    if case.magic in _RSA_MAGICS:
        return _SIGN if case.pvk and case.u32(8) == 2 else _KEYX
    if case.magic in _DSS_MAGICS:
        return _DSS
    return None


def _fix_key_alg(case: Case) -> bytes | None:
    alg = _alg_for_magic(case)
    if alg is None or case.offset is None:
        return None
    return _set(case.data, case.offset, alg.to_bytes(4, "little"))


def _fix_key_type(case: Case) -> bytes | None:
    alg = case.u32(case.base + 4)
    if alg == _KEYX:
        return _set(case.data, 8, (1).to_bytes(4, "little"))
    if alg in (_SIGN, _DSS):
        return _set(case.data, 8, (2).to_bytes(4, "little"))
    # An unknown ALG_ID (and, in an encrypted file, an unreadable magic): start
    # from CALG_RSA_KEYX; aikeyalg-ignored and this repair then converge.
    wanted = _alg_for_magic(case) or _KEYX
    key_type = 1 if wanted == _KEYX else 2
    fixed = _set(case.data, case.base + 4, wanted.to_bytes(4, "little"))
    return _set(fixed, 8, key_type.to_bytes(4, "little"))


def _set_encrypted(case: Case) -> bytes | None:
    if case.u32(16) == 0:
        return None
    return _set(case.data, 12, (1).to_bytes(4, "little"))


def _declared_bits(case: Case) -> int:
    return case.u32(case.base + 12)


def _above_bitlen(case: Case) -> bool:
    bits = _declared_bits(case)
    return any(case.openssl.get(name, 0) >> bits for name in ("n", "d"))


def _canonical_rsa_bitlen(case: Case) -> bytes | None:
    """bitlen rounded up to a multiple of 8 when that keeps every field size (SPEC §5.4)."""
    bits = _declared_bits(case)
    canonical = -(-bits // 8) * 8
    n = case.openssl.get("n", 0)
    if canonical == bits or not n.bit_length() > canonical - 8:
        return None  # a bitlen wider than the modulus: the fields would shrink
    return _set(case.data, case.base + 12, canonical.to_bytes(4, "little"))


def _no_seed_counter(case: Case) -> bytes | None:
    """The DSSSEED counter set to 0xFFFFFFFF, which OpenSSL does not read either."""
    offset = case.offset
    if offset is None or offset + 4 > len(case.data):
        return None
    return _set(case.data, offset, b"\xff\xff\xff\xff")


def _relations_only(case: Case) -> bool:
    if case.ours_ok or not case.openssl_ok or case.error != "KeyConversionError":
        return False
    if case.parsed is None:
        return False
    shared = set(case.parsed) & set(case.openssl) - {"j"}
    return bool(shared) and all(case.parsed[k] == case.openssl[k] for k in shared)


DIFFERENCES: tuple[KnownDifference, ...] = (
    KnownDifference(
        id="trailing-bytes",
        spec_row="trailing bytes after a blob",
        ours="rejected (lenient: tolerated and recorded)",
        openssl="ignored",
        direction="ours-rejects",
        rules=("RSA-2", "DSS-2", "DSS-4", "PVK-6"),
        applies=lambda c: not c.ours_ok and c.error == "TrailingDataError",
        repair=_cut_trailing,
    ),
    KnownDifference(
        id="reserved-nonzero",
        spec_row="`reserved` ≠ 0",
        ours="rejected [HDR-3]",
        openssl="ignored",
        direction="ours-rejects",
        rules=("HDR-3",),
        applies=lambda c: not c.ours_ok and c.rule == "HDR-3",
        repair=_zero_field(2),
    ),
    KnownDifference(
        id="aikeyalg-ignored",
        spec_row="`aiKeyAlg`",
        ours="checked per kind [HDR-4]",
        openssl="ignored",
        direction="ours-rejects",
        rules=("HDR-4",),
        applies=lambda c: not c.ours_ok and c.rule == "HDR-4",
        repair=_fix_key_alg,
    ),
    KnownDifference(
        id="pvk-keytype",
        spec_row="PVK `keytype` vs `aiKeyAlg`",
        ours="must agree [PVK-8]; must be 1 or 2 [PVK-2]",
        openssl="ignored",
        direction="ours-rejects",
        rules=("PVK-8", "PVK-2"),
        applies=lambda c: c.pvk and not c.ours_ok and c.rule in ("PVK-8", "PVK-2"),
        repair=_fix_key_type,
    ),
    KnownDifference(
        id="pvk-reserved",
        spec_row="PVK header values",
        ours="rejected [PVK-1]",
        openssl="ignored",
        direction="ours-rejects",
        rules=("PVK-1",),
        applies=lambda c: c.pvk and not c.ours_ok and c.rule == "PVK-1",
        repair=lambda c: _set(c.data, 4, bytes(4)),
    ),
    KnownDifference(
        id="pvk-encrypted-flag",
        spec_row="PVK header values",
        ours="0 or 1 [PVK-3], and 0 exactly when there is no salt [PVK-4]",
        openssl="a salt means encrypted; the flag only refuses a flagged file without salt",
        direction="ours-rejects",
        rules=("PVK-3", "PVK-4"),
        applies=lambda c: (
            c.pvk
            and not c.ours_ok
            and c.rule in ("PVK-3", "PVK-4")
            and c.u32(16) != 0
            and c.u32(12) != 1
        ),
        repair=_set_encrypted,
    ),
    KnownDifference(
        id="pvk-clear-key-length",
        spec_row="PVK length caps",
        ours="key 8..102400 [PVK-5], for every file",
        openssl="3.0.19 does not check `keylen` of a clear file",
        direction="ours-rejects",
        rules=("PVK-5",),
        applies=lambda c: (
            c.pvk
            and _ours_rejects(c, "PVK-5")
            and c.u32(16) == 0
            and c.u32(20) > 102400
        ),
    ),
    KnownDifference(
        id="pvk-public-blob",
        spec_row="PVK holding a PUBLICKEYBLOB",
        ours="rejected [PVK-7]",
        openssl="an unencrypted file may hold a public key blob, which is returned",
        direction="ours-rejects",
        rules=("PVK-7",),
        applies=lambda c: (
            c.pvk and _ours_rejects(c, "PVK-7") and c.data[24:25] == b"\x06"
        ),
    ),
    KnownDifference(
        id="bversion-v3",
        spec_row="`bVersion`",
        ours="exactly 2, or 3 for v3 kinds [HDR-2]",
        openssl="exactly 2: rejects DSS v3",
        direction="openssl-rejects",
        rules=("HDR-2",),
        applies=lambda c: (
            c.ours_ok
            and not c.openssl_ok
            and c.blob_version == 3
            and c.magic in (b"DSS3", b"DSS4")
        ),
    ),
    KnownDifference(
        id="dh-unsupported",
        spec_row="DH blobs",
        ours="specified (§7)",
        openssl="not supported",
        direction="openssl-rejects",
        rules=(),
        applies=lambda c: c.ours_ok and not c.openssl_ok and c.magic in _DH_MAGICS,
    ),
    KnownDifference(
        id="rsa-bitlen-range",
        spec_row="RSA bitlen range",
        ours="384..16384 [RSA-1]",
        openssl="any",
        direction="ours-rejects",
        rules=("RSA-1",),
        applies=lambda c: (
            _ours_rejects(c, "RSA-1") and not 384 <= _declared_bits(c) <= 16384
        ),
    ),
    KnownDifference(
        id="rsa-pubexp",
        spec_row="RSA `pubexp` even, 0 or 1",
        ours="rejected [RSA-3]",
        openssl="accepted",
        direction="ours-rejects",
        rules=("RSA-3",),
        applies=lambda c: (
            _ours_rejects(c, "RSA-3")
            and c.openssl.get("e") == c.u32(c.base + 16)
            and (c.openssl["e"] < 3 or c.openssl["e"] % 2 == 0)
        ),
    ),
    KnownDifference(
        id="dss-v2-bitlen",
        spec_row="DSS v2 bitlen",
        ours="512..1024, multiple of 64 [DSS-1]",
        openssl="any with a 160-bit q",
        direction="ours-rejects",
        rules=("DSS-1",),
        applies=lambda c: _ours_rejects(c, "DSS-1") and c.magic in (b"DSS1", b"DSS2"),
    ),
    KnownDifference(
        id="number-above-bitlen",
        spec_row="RSA numbers not less than 2^bitlen",
        ours="rejected: modulus and private exponent below 2^bitlen [RSA-4]",
        openssl="accepted (bitlen only sizes the fields)",
        direction="ours-rejects",
        rules=("RSA-4",),
        applies=lambda c: _ours_rejects(c, "RSA-4") and _above_bitlen(c),
    ),
    KnownDifference(
        id="rsa-bitlen-not-canonical",
        spec_row="RSA bitlen not a multiple of 8",
        ours="rejected: bitlen = 8·ceil(bits(n)/8) [RSA-5]",
        openssl="accepted (bitlen only sizes the fields)",
        direction="ours-rejects",
        rules=("RSA-5",),
        applies=lambda c: (
            _ours_rejects(c, "RSA-5") and _canonical_rsa_bitlen(c) is not None
        ),
        repair=_canonical_rsa_bitlen,
    ),
    KnownDifference(
        id="rsa-bitlen-wider-than-modulus",
        spec_row="RSA bitlen wider than the modulus",
        ours="rejected: the modulus' top byte is non-zero [RSA-5]",
        openssl="accepted (bitlen only sizes the fields)",
        direction="ours-rejects",
        rules=("RSA-5",),
        applies=lambda c: (
            _ours_rejects(c, "RSA-5") and _canonical_rsa_bitlen(c) is None
        ),
    ),
    KnownDifference(
        id="p-top-byte-zero",
        spec_row="DSS or DH p with a zero top byte",
        ours="rejected: p's top byte is non-zero [DSS-6, DH-6]",
        openssl="accepted (bitlen only sizes the fields)",
        direction="ours-rejects",
        rules=("DSS-6", "DH-6"),
        applies=lambda c: _ours_rejects(c, "DSS-6", "DH-6"),
    ),
    KnownDifference(
        id="dssseed-counter-high-bit",
        spec_row="DSSSEED counter with the high bit set",
        ours="rejected [DSS-7]",
        openssl="not read",
        direction="ours-rejects",
        rules=("DSS-7",),
        applies=lambda c: _ours_rejects(c, "DSS-7"),
        repair=_no_seed_counter,
    ),
    KnownDifference(
        id="rsa-exponent-not-below-modulus",
        spec_row="RSA exponent not below the modulus",
        ours="rejected [KEY-1]",
        openssl="accepted (b2i_* builds the key)",
        direction="ours-rejects",
        rules=("KEY-1",),
        applies=lambda c: (
            _ours_rejects(c, "KEY-1")
            and c.error == "KeyConversionError"
            and 0 < c.openssl.get("n", 0) <= c.openssl.get("e", 0)
        ),
    ),
    KnownDifference(
        id="key-relations",
        spec_row="key relations on conversion",
        ours="checked: KEY-1..KEY-5 (n = pq, CRT values, DSS group and ranges, "
        "representable sizes)",
        openssl="not checked by b2i_*: any numbers of the right size are a key",
        direction="ours-rejects",
        rules=("KEY-1", "KEY-2", "KEY-3", "KEY-4", "KEY-5"),
        applies=_relations_only,
    ),
)


def as_json() -> str:
    """The list without its predicates, as JSON."""
    rows = [
        {
            "id": d.id,
            "spec_row": d.spec_row,
            "ours": d.ours,
            "openssl": d.openssl,
            "direction": d.direction,
            "rules": list(d.rules),
            "repairable": d.repair is not None,
        }
        for d in DIFFERENCES
    ]
    return json.dumps(rows, indent=2, ensure_ascii=False)


if __name__ == "__main__":
    print(as_json())
