# SPDX-License-Identifier: Apache-2.0
"""CNG parse cost against a hand-written struct parser: ``python benchmarks/cng_parse.py``.

Issue 15 asks CNG parsing to meet the ratio targets of CryptoAPI parsing
(README "Performance": at most 3x a struct parser for an RSA private blob,
4x for a public one). This measures, in one run, ``blobformat.parse`` of a
2048-bit BCRYPT_RSAFULLPRIVATE_BLOB, a BCRYPT_RSAPUBLIC_BLOB and a P-256
ECCPRIVATE blob against a minimal struct-based reader of the same layout
(header unpack, length check, big-endian ``int.from_bytes`` per number), and
the CryptoAPI RSA private blob against the same kind of reader for reference.
Prints medians and ratios with their interquartile ranges; a measurement,
not a test (no timing is ever asserted in the test suite).
"""

from __future__ import annotations

import argparse
import statistics
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

import blobformat as bf  # noqa: E402

_HEAD = struct.Struct("<4sIIIII")


def struct_rsa(data: bytes) -> tuple[int, ...]:
    """The reference: the least a correct CNG RSA reader does."""
    magic, bits, ce, cn, cp, cq = _HEAD.unpack_from(data)
    if magic not in (b"RSA1", b"RSA2", b"RSA3") or cn != bits // 8:
        raise ValueError("bad header")
    sizes = (
        [ce, cn]
        + ([cp, cq] if magic != b"RSA1" else [])
        + ([cp, cq, cp, cn] if magic == b"RSA3" else [])
    )
    if 24 + sum(sizes) != len(data):
        raise ValueError("bad length")
    out, pos = [], 24
    for size in sizes:
        out.append(int.from_bytes(data[pos : pos + size], "big"))
        pos += size
    return tuple(out)


def struct_ecc(data: bytes) -> tuple[int, ...]:
    magic, cb = struct.unpack_from("<4sI", data)
    count = 3 if magic[3] in b"246V" else 2
    if 8 + count * cb != len(data):
        raise ValueError("bad length")
    return tuple(
        int.from_bytes(data[8 + i * cb : 8 + (i + 1) * cb], "big") for i in range(count)
    )


def struct_capi_rsa_private(data: bytes) -> tuple[int, ...]:
    bt, _ver, _res, _alg, magic, bits, e = struct.unpack_from("<BBHI4sII", data)
    k, h = (bits + 7) // 8, (bits + 15) // 16
    if bt != 7 or magic != b"RSA2" or len(data) != 20 + 2 * k + 5 * h:
        raise ValueError("bad blob")
    sizes = [k, h, h, h, h, h, k]
    out, pos = [e], 20
    for size in sizes:
        out.append(int.from_bytes(data[pos : pos + size], "little"))
        pos += size
    return tuple(out)


def measure(
    fn: Callable[[bytes], object], data: bytes, rounds: int, number: int
) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(number):
            fn(data)
        samples.append((time.perf_counter() - start) / number)
    return samples


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds")
    args = parser.parse_args(argv)
    rounds, number = (7, 500) if args.quick else (25, 2000)
    key = serialization.load_pem_private_key(
        (ROOT / "vectors/keys/rsa-2048.pem").read_bytes(), None
    )
    ec_key = ec.derive_private_key(0x1234567890ABCDEF, ec.SECP256R1())
    cases = [
        ("CNG RSA3 (2048)", bf.dump_private_key(key, format="cng"), struct_rsa, 3.0),  # type: ignore[arg-type]
        (
            "CNG RSA1 (2048)",
            bf.dump_public_key(key.public_key(), format="cng"),
            struct_rsa,
            4.0,
        ),  # type: ignore[arg-type]
        (
            "CNG ECS2 (P-256)",
            bf.dump_private_key(ec_key, format="cng"),
            struct_ecc,
            4.0,
        ),
        ("CAPI RSA2 (2048)", bf.dump_private_key(key), struct_capi_rsa_private, 3.0),  # type: ignore[arg-type]
    ]
    print(f"{'blob':<18} {'parse µs':>9} {'struct µs':>10} {'ratio [IQR]':>20}  target")
    for name, data, reference, target in cases:
        ours = measure(bf.parse, data, rounds, number)
        ref = measure(reference, data, rounds, number)
        ratios = sorted(a / b for a, b in zip(ours, ref, strict=True))
        q1, median, q3 = statistics.quantiles(ratios, n=4)
        verdict = "pass" if median <= target else "FAIL"
        print(
            f"{name:<18} {statistics.median(ours) * 1e6:9.2f} {statistics.median(ref) * 1e6:10.2f} "
            f"{median:8.2f}x [{q1:.2f}-{q3:.2f}]  <= {target:g}x: {verdict}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
