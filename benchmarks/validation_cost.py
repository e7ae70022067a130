# SPDX-License-Identifier: Apache-2.0
"""Worst-case cost of key validation at the default bound: ``python benchmarks/validation_cost.py``.

SPEC §14.6 [KEY-13]: ``load_*_key``, ``load_pvk`` and ``export_*`` refuse,
before any arithmetic, a key larger than ``max_bits`` (default 4096) whose
validation would be expensive. This measures, in one run, what a hostile
input can still cost under the default, per input byte and as a ratio to
``parse`` of the same bytes (the baseline measured in the same run):

- an RSA 4096-bit private blob through ``load_private_key`` (cryptography's
  primality proof of p and q: the dominant cost);
- a 4096-bit DH v3 public blob (RFC 3526 group 16, q = (p-1)/2) through
  ``load_public_key`` (cryptography's group check) and ``export_public_key``
  (blobformat's own checks only);
- a 16384-bit RSA private blob, refused at the default bound (KEY-13);
- the same 16384-bit blob with ``unsafe_skip_rsa_key_validation``.

Writes ``benchmarks/results/validation_cost.md``. A measurement, not a test.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import cryptography  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

import blobformat as bf  # noqa: E402

# RFC 3526 §5, the 4096-bit MODP group (group 16), generator 2.
MODP_4096 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE45B3DC2007CB8A163BF05"
    "98DA48361C55D39A69163FA8FD24CF5F83655D23DCA3AD961C62F356208552BB"
    "9ED529077096966D670C354E4ABC9804F1746C08CA18217C32905E462E36CE3B"
    "E39E772C180E86039B2783A2EC07A28FB5C55DF06F4C52C9DE2BCBF695581718"
    "3995497CEA956AE515D2261898FA051015728E5A8AAAC42DAD33170D04507A33"
    "A85521ABDF1CBA64ECFB850458DBEF0A8AEA71575D060C7DB3970F85A6E1E4C7"
    "ABF5AE8CDB0933D71E8C94E04A25619DCEE3D2261AD2EE6BF12FFA06D98A0864"
    "D87602733EC86A64521F2B18177B200CBBE117577A615D6C770988C0BAD946E2"
    "08E24FA074E5AB3143DB5BFCE0FD108E4B82D120A92108011A723C12A787E6D7"
    "88719A10BDBA5B2699C327186AF4E23C1A946834B6150BDA2583E9CA2AD44CE8"
    "DBBBC2DB04DE8EF92E8EFC141FBECAA6287C59474E6BC05D99B2964FA090C3A2"
    "233BA186515BE7ED1F612970CEE2D7AFB81BDD762170481CD0069127D5B05AA9"
    "93B4EA988D8FDDC186FFB7DC90A6C08F4DF435C934063199FFFFFFFFFFFFFFFF",
    16,
)


def timed(func: Callable[[], object], repeat: int) -> float:
    """Median seconds of ``repeat`` calls."""
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def refused(func: Callable[[], object]) -> Callable[[], object]:
    def call() -> object:
        try:
            func()
        except bf.KeyConversionError as err:
            return err
        raise AssertionError("expected a refusal")

    return call


def dh_public_blob() -> bytes:
    p = MODP_4096
    q = (p - 1) // 2
    y = pow(2, 0x1234567890ABCDEF1234567890ABCDEF, p)
    j = (p - 1) // q
    return bf.DHPublicKeyBlobV3(
        key_alg=bf.AlgId.CALG_DH_SF,
        bit_length_p=4096,
        bit_length_q=q.bit_length(),
        bit_length_j=j.bit_length(),
        seed=bf.DSSSeed.none(),
        p=p,
        q=q,
        g=4,
        j=j,
        y=y,
    ).to_bytes()


def rsa_16384_shaped() -> bytes:
    # The sizes of a 16384-bit private blob; the bound refuses it before any number is used.
    half = 1 << 8190
    return bf.RSAPrivateKeyBlob(
        key_alg=bf.AlgId.CALG_RSA_KEYX,
        bit_length=16384,
        public_exponent=65537,
        modulus=(1 << 16383) | 1,
        prime1=half | 1,
        prime2=half | 3,
        exponent1=5,
        exponent2=7,
        coefficient=9,
        private_exponent=11,
    ).to_bytes()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # DH key objects bring LegacyKeyWarning
    rsa4096 = bf.dump_private_key(
        rsa.generate_private_key(public_exponent=65537, key_size=4096)
    )
    dh4096 = dh_public_blob()
    big = rsa_16384_shaped()
    rows = [
        (
            "RSA 4096 private, load_private_key (default)",
            rsa4096,
            lambda: bf.load_private_key(rsa4096),
        ),
        (
            "RSA 4096 private, export_private_key",
            rsa4096,
            lambda: bf.export_private_key(rsa4096),
        ),
        (
            "DH 4096 v3 public, load_public_key (group check)",
            dh4096,
            lambda: bf.load_public_key(dh4096),
        ),
        (
            "DH 4096 v3 public, export_public_key",
            dh4096,
            lambda: bf.export_public_key(dh4096),
        ),
        (
            "RSA 16384-size private, refused (KEY-13)",
            big,
            refused(lambda: bf.load_private_key(big)),
        ),
        (
            "RSA 16384-size private, unsafe_skip_rsa_key_validation",
            big,
            refused(
                lambda: bf.load_private_key(big, unsafe_skip_rsa_key_validation=True)
            ),
        ),
    ]
    lines = [
        "# Key validation cost at the default bound (SPEC §14.6, KEY-13)",
        "",
        f"{dt.date.today()}, {platform.python_implementation()} {platform.python_version()}, "
        f"cryptography {cryptography.__version__}, {platform.machine()}; median of "
        f"{args.repeat} calls; `parse` of the same bytes is the baseline of each row.",
        "",
        "| what | input bytes | time | per input byte | ratio to parse |",
        "|---|---:|---:|---:|---:|",
    ]
    for label, data, func in rows:
        base = timed(lambda data=data: bf.parse(data), max(args.repeat, 50))
        cost = timed(func, args.repeat)
        lines.append(
            f"| {label} | {len(data)} | {cost * 1e3:.2f} ms | {cost / len(data) * 1e6:.2f} µs | "
            f"{cost / base:,.0f}x |"
        )
        print(lines[-1], flush=True)
    lines += [
        "",
        "Without the bound (`max_bits=None`), a real 16384-bit RSA private blob (9,236 bytes)",
        "took 29.8 s in `load_private_key` on this VM (3.2 ms per input byte; security review,",
        "2026-12-06): the reason for the default.",
    ]
    out = ROOT / "benchmarks" / "results" / "validation_cost.md"
    out.write_text("\n".join(lines) + "\n")
    print(f"wrote {out.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
