# SPDX-License-Identifier: Apache-2.0
"""Worst-case cost of ``open_sealed`` on hostile input (SPEC §16.11, §18).

``python benchmarks/envelope_worst.py [--bits 2048,4096,16384] [--rounds N]``

The input is a maximal envelope: 16 entries, each a SIMPLEBLOB for a
16384-bit key, a 255-byte label and a signature as long as the trusted key's
modulus, naming the trusted key as its signer, with a signature that does
not verify (every step of §16.6.2 runs, the last one fails). The trusted
key is a composite modulus without small factors, so the KEY-12 sanity
check runs to the end (one Miller-Rabin round). Reported per trusted-key
size, against the baseline of the same run (the structural parse alone):

- parse: ``envelope_tbs`` (steps 1-7, no key used);
- open, cold: ``open_sealed`` with the KEY-12 result not yet cached;
- open, warm: ``open_sealed`` again with the same key (cached check);
- KEY-12 alone, cold.

A measurement, not a test: nothing here runs under pytest.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import argparse  # noqa: E402
import contextlib  # noqa: E402
import math  # noqa: E402
import random  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

from cryptography.hazmat.primitives.asymmetric import rsa  # noqa: E402

from blobformat import envelope  # noqa: E402
from blobformat.codec import wire as _wire  # noqa: E402
from blobformat.codec.models import SimpleBlob  # noqa: E402
from blobformat.constants import AlgId  # noqa: E402
from blobformat.envelope.schema import ENTRY, HEADER, TRAILER  # noqa: E402
from blobformat.keys import rsacheck as _rsacheck  # noqa: E402


def factorless_modulus(bits: int, rng: random.Random) -> int:
    """An odd composite of ``bits`` bits with no prime factor below 2**16."""
    half = bits // 2
    while True:
        p = rng.getrandbits(half) | (1 << (half - 1)) | 1
        q = rng.getrandbits(bits - half) | (1 << (bits - half - 1)) | 1
        n = p * q
        if n.bit_length() == bits and math.gcd(n, _rsacheck._SMALL_PRIMES) == 1:
            return n


def maximal_envelope(signer: rsa.RSAPublicKey, rng: random.Random) -> bytes:
    label = b"L" * envelope.MAX_LABEL_BYTES
    parts = [
        _wire.encode(
            _wire.plan(HEADER, {"label_length": len(label)}),
            {
                "version": envelope.VERSION,
                "suite": envelope.SUITE_CAPI_RSA_PKCS1V15_SHA256,
                "generation": 0,
                "signer_key_id": envelope.envelope_key_id(signer),
                "label_length": len(label),
                "recipient_count": envelope.MAX_RECIPIENTS,
                "label": label,
            },
            rule="ENV-1",
        )
    ]
    ids = sorted(rng.randbytes(32) for _ in range(envelope.MAX_RECIPIENTS))
    for index, key_id in enumerate(ids):
        blob = SimpleBlob(
            key_alg=AlgId.CALG_AES_256,
            wrap_alg=AlgId.CALG_RSA_KEYX,
            encrypted_key=rng.randbytes(2048),
        ).to_bytes()
        parts.append(
            _wire.encode(
                _wire.plan(ENTRY, {"blob_length": len(blob)}),
                {
                    "role": 1 if index == 0 else 2,
                    "padding": 1,
                    "blob_length": len(blob),
                    "recipient_key_id": key_id,
                    "blob": blob,
                },
                rule="ENV-1",
            )
        )
    k = (signer.key_size + 7) // 8
    parts.append(
        _wire.encode(_wire.prefix_plan(TRAILER), {"signature_length": k}, rule="ENV-1")
    )
    signature = (rng.randrange(signer.public_numbers().n)).to_bytes(k, "little")
    return b"".join(parts) + signature


def best_of(
    rounds: int, func: Callable[[], object], before: Callable[[], object] | None = None
) -> float:
    best = math.inf
    for _ in range(rounds):
        if before is not None:
            before()
        start = time.perf_counter()
        with contextlib.suppress(envelope.BadSignatureError):
            func()
        best = min(best, time.perf_counter() - start)
    return best


def row(bits: int, rounds: int, rng: random.Random) -> str:
    """One table row for a trusted key of ``bits`` bits."""
    key = rsa.RSAPublicNumbers(65537, factorless_modulus(bits, rng)).public_key()
    data = maximal_envelope(key, rng)
    cold_rounds = 1 if bits > 8192 else rounds
    clear = _rsacheck._check_modulus.cache_clear
    parse = best_of(rounds, lambda: envelope.envelope_tbs(data))
    cold = best_of(cold_rounds, lambda: envelope.open_sealed(data, key), clear)
    warm = best_of(rounds, lambda: envelope.open_sealed(data, key))
    check = best_of(cold_rounds, lambda: _rsacheck.check_rsa_public_key(key), clear)
    return (
        f"| {bits} | {len(data)} | {parse * 1e3:.2f} ms | {cold * 1e3:.1f} ms | {warm * 1e3:.2f} ms "
        f"| {check * 1e3:.1f} ms | {cold / len(data) * 1e6:.2f} µs | {cold / parse:.0f}x | {warm / parse:.1f}x |"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bits", default="2048,4096,16384", help="trusted key sizes")
    parser.add_argument(
        "--rounds", type=int, default=5, help="best of N (cold 16384-bit runs: 1)"
    )
    args = parser.parse_args()
    rng = random.Random(2024)
    print(
        "| trusted key | envelope bytes | parse (baseline) | open cold | open warm | KEY-12 cold | open cold per input byte | cold / parse | warm / parse |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for bits in (int(b) for b in args.bits.split(",")):
        print(row(bits, args.rounds, rng))


if __name__ == "__main__":
    main()
