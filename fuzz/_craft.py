# SPDX-License-Identifier: Apache-2.0
"""Blob writers that do not validate, written from SPEC §4-§6 (for harnesses and seeds).

blobformat's models refuse to hold invalid values, so a harness that wants a
blob with exactly one wrong field needs its own writer. Every function here
writes the layout of the SPEC section it names with whatever values it is
given; a number that does not fit its field is reduced modulo the field
size (the field is written, its value is what the reader will see).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

__all__ = [
    "DSSV2",
    "DSSV3",
    "LAYOUT_CAP_BITS",
    "RSA",
    "header",
    "le",
    "no_seed",
    "u32",
]

#: Field sizes are computed from bit lengths capped here, so that an absurd
#: declared bit length gives a short blob, not a huge one (a reader must reject
#: it from the fixed part alone, SPEC §4.3 step 8).
LAYOUT_CAP_BITS = 16448

_A_RSA_KEYX = 0xA400
_A_DSS_SIGN = 0x2200


def le(value: int, size: int) -> bytes:
    """``value`` as a little-endian unsigned field of ``size`` bytes (reduced modulo 2^8size)."""
    return (value % (1 << (8 * size))).to_bytes(size, "little") if size > 0 else b""


def u32(value: int) -> bytes:
    """A little-endian u32 field."""
    return le(value, 4)


def header(blob_type: int, version: int, key_alg: int, reserved: int = 0) -> bytes:
    """An 8-byte BLOBHEADER (SPEC §4.1)."""
    return bytes([blob_type % 256, version % 256]) + le(reserved, 2) + u32(key_alg)


def no_seed() -> bytes:
    """A DSSSEED saying "no seed" (SPEC §6.2)."""
    return b"\xff" * 24


@dataclass
class RSA:
    """An RSA1/RSA2 blob (SPEC §5): numbers by the names of ``_fuzzlib.key_numbers``."""

    numbers: dict[str, int]
    bit_length: int
    private: bool
    key_alg: int = _A_RSA_KEYX
    version: int = 2
    reserved: int = 0

    FIELDS_PUBLIC = ("e", "n")
    FIELDS_PRIVATE = ("e", "n", "p", "q", "dp", "dq", "qinv", "d")

    def sizes(self) -> Mapping[str, int]:
        """Field sizes in bytes for this bit length."""
        bits = min(self.bit_length, LAYOUT_CAP_BITS)
        k, h = (bits + 7) // 8, (bits + 15) // 16
        return {"e": 4, "n": k, "p": h, "q": h, "dp": h, "dq": h, "qinv": h, "d": k}

    def encode(self) -> bytes:
        """The blob bytes."""
        sizes = self.sizes()
        out = header(
            7 if self.private else 6, self.version, self.key_alg, self.reserved
        )
        out += b"RSA2" if self.private else b"RSA1"
        out += u32(self.bit_length)
        for name in self.FIELDS_PRIVATE if self.private else self.FIELDS_PUBLIC:
            out += le(self.numbers[name], sizes[name])
        return out


@dataclass
class DSSV2:
    """A DSS1/DSS2 blob (SPEC §6.1); numbers ``p q g`` and ``y`` or ``x``."""

    numbers: dict[str, int]
    bit_length: int
    private: bool
    seed: bytes = b"\xff" * 24
    key_alg: int = _A_DSS_SIGN
    version: int = 2
    reserved: int = 0

    def encode(self) -> bytes:
        """The blob bytes."""
        n = (min(self.bit_length, LAYOUT_CAP_BITS) + 7) // 8
        v = self.numbers
        out = header(
            7 if self.private else 6, self.version, self.key_alg, self.reserved
        )
        out += b"DSS2" if self.private else b"DSS1"
        out += u32(self.bit_length) + le(v["p"], n) + le(v["q"], 20) + le(v["g"], n)
        out += le(v["x"], 20) if self.private else le(v["y"], n)
        return out + self.seed[:24].ljust(24, b"\x00")


@dataclass
class DSSV3:
    """A DSS3/DSS4 blob (SPEC §6.3)."""

    numbers: dict[str, int]
    bits: dict[str, int]
    private: bool
    seed: bytes = b"\xff" * 24
    key_alg: int = _A_DSS_SIGN
    version: int = 3
    reserved: int = 0

    def encode(self) -> bytes:
        """The blob bytes (``bits`` has keys ``p q j x``; ``j`` 0 omits the number j)."""
        b, v = self.bits, self.numbers
        size = {name: (min(b[name], LAYOUT_CAP_BITS) + 7) // 8 for name in b}
        out = header(
            7 if self.private else 6, self.version, self.key_alg, self.reserved
        )
        out += b"DSS4" if self.private else b"DSS3"
        out += u32(b["p"]) + u32(b["q"]) + u32(b["j"])
        if self.private:
            out += u32(b["x"])
        out += self.seed[:24].ljust(24, b"\x00")
        out += le(v["p"], size["p"]) + le(v["q"], size["q"]) + le(v["g"], size["p"])
        out += le(v.get("j", 0), size["j"]) + le(v["y"], size["p"])
        if self.private:
            out += le(v["x"], size["x"])
        return out
