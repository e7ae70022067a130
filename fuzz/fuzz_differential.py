# SPDX-License-Identifier: Apache-2.0
"""Differential fuzzing against OpenSSL's libcrypto: ``b2i_PublicKey``, ``b2i_PrivateKey``, ``b2i_PVK_bio``.

Pairs compared: a ``bType`` 0x06 blob goes to ``load_public_key`` and
``b2i_PublicKey``; 0x07 to ``load_private_key`` (with
``unsafe_skip_rsa_key_validation=True``: OpenSSL does not test primality
either) and ``b2i_PrivateKey``; a PVK file to ``load_pvk(b, PASSWORD)`` and
``b2i_PVK_bio`` with a callback that gives the same password. Other input
is skipped.

An encrypted PVK file is first decrypted by this harness (``_pvkcrypt``) into
the equivalent plain file; OpenSSL must give the same result for both, and
so must blobformat. The plain file is then compared.

Invariant. For any bytes ``b``:

- where both accept, OpenSSL's key and blobformat's have the same family
  and the same numbers (RSA n e d p q dp dq qinv; DSA p q g y x);
- where exactly one accepts, a difference of ``known_differences.DIFFERENCES``
  (SPEC §17) applies; if it has a repair, OpenSSL gives the same result on
  the repaired input and the comparison continues there (at most
  :data:`MAX_REPAIRS` times); any disagreement no listed difference explains
  fails the harness;
- blobformat raises only ``BlobError`` subclasses (as in every harness).

Without a loadable libcrypto the check runs blobformat's side only (only
``BlobError`` escapes); without OpenSSL's legacy provider (RC4), encrypted
PVK files are not compared.
"""

from __future__ import annotations

import collections
import functools
import sys

import _fuzzboot

with _fuzzboot.instrumented(__name__ == "__main__"):
    import blobformat as bf

import _libcrypto
import _pvkcrypt
import known_differences
from _fuzzlib import PASSWORD, Outcome, attempt, key_numbers, model_numbers, require

MAX_REPAIRS = 12
#: How often each known difference explained a disagreement in this process.
SEEN: collections.Counter[str] = collections.Counter()


@functools.cache
def libcrypto() -> _libcrypto.LibCrypto | None:
    """The loaded libcrypto, or None."""
    lib, _why = _libcrypto.load()
    return lib


def _is_pvk(data: bytes) -> bool:
    return data[:4] == _pvkcrypt.PVK_MAGIC


def _ours(data: bytes) -> Outcome[object] | None:
    size = len(data)
    if _is_pvk(data):
        return attempt(lambda: bf.load_pvk(data, PASSWORD), size)
    if data[:1] == b"\x06":
        return attempt(lambda: bf.load_public_key(data), size)
    if data[:1] == b"\x07":
        return attempt(
            lambda: bf.load_private_key(data, unsafe_skip_rsa_key_validation=True), size
        )
    return None


def _openssl(lib: _libcrypto.LibCrypto, data: bytes) -> _libcrypto.OpenSSLKey | None:
    if _is_pvk(data):
        return lib.pvk(data, PASSWORD)
    return lib.public(data) if data[:1] == b"\x06" else lib.private(data)


def _u32(data: bytes, offset: int) -> int:
    return int.from_bytes(data[offset : offset + 4], "little")


def _encrypted_pvk(data: bytes) -> bool:
    return _is_pvk(data) and len(data) >= 24 and _u32(data, 16) != 0


def _plain_equivalent(lib: _libcrypto.LibCrypto, data: bytes) -> bytes | None:
    """The plain PVK file equivalent to an encrypted one blobformat would decrypt."""
    salt_length, key_length = _u32(data, 16), _u32(data, 20)
    if not (
        _u32(data, 12) == 1 and 1 <= salt_length <= 10240 and 8 <= key_length <= 102400
    ):
        return None
    end = 24 + salt_length + key_length
    if len(data) < end:
        return None
    opened = _pvkcrypt.decrypt_body(
        data[24 + salt_length : end], data[24 : 24 + salt_length], PASSWORD
    )
    if opened is None:
        return None
    head = _pvkcrypt.header(_u32(data, 8), 0, 0, key_length, reserved=_u32(data, 4))
    plain = head + opened[0] + data[end:]
    before, after = _openssl(lib, data), _openssl(lib, plain)
    require(
        before == after,
        "OpenSSL reads an encrypted PVK and its plain equivalent differently",
    )
    ours_before, ours_after = _ours(data), _ours(plain)
    assert ours_before is not None and ours_after is not None
    require(
        ours_before.ok == ours_after.ok,
        f"blobformat: encrypted PVK {ours_before.describe()}, plain {ours_after.describe()}",
    )
    return plain


def _parsed_numbers(data: bytes) -> dict[str, int] | None:
    parsed = attempt(lambda: bf.parse(data), len(data))
    model = parsed.value
    if isinstance(model, bf.PVKFile):
        model = model.blob
    return model_numbers(model) if model is not None else None


def _family(key: object) -> str:
    return (
        "rsa"
        if type(key).__module__.endswith(".rsa") or "RSA" in type(key).__name__
        else "dsa"
    )


def compare(lib: _libcrypto.LibCrypto, data: bytes, depth: int = 0) -> None:
    """Compare blobformat with OpenSSL on ``data``; explain or fail."""
    require(
        depth <= MAX_REPAIRS, "too many repairs: the known differences do not converge"
    )
    if _encrypted_pvk(data):
        if not lib.rc4:
            return
        plain = _plain_equivalent(lib, data)
        if plain is not None:
            data = plain
    ours = _ours(data)
    if ours is None or ours.escaped is not None:
        return
    theirs = _openssl(lib, data)
    if ours.ok and theirs is not None:
        mine = key_numbers(ours.value)
        require(_family(ours.value) == theirs.family, "OpenSSL built another key type")
        shared = set(mine) & set(theirs.numbers)
        differ = sorted(name for name in shared if mine[name] != theirs.numbers[name])
        require(not differ, f"both accept, but the keys differ in {differ}")
        return
    if not ours.ok and theirs is None:
        return
    err = ours.error
    case = known_differences.Case(
        data=data,
        pvk=_is_pvk(data),
        ours_ok=ours.ok,
        error=type(err).__name__ if err is not None else None,
        rule=err.rule if err is not None else None,
        path=err.field if err is not None else None,
        offset=err.offset if err is not None else None,
        parsed=_parsed_numbers(data),
        openssl_ok=theirs is not None,
        openssl=dict(theirs.numbers) if theirs is not None else {},
    )
    for difference in known_differences.DIFFERENCES:
        if not difference.applies(case):
            continue
        SEEN[difference.id] += 1
        if difference.repair is None:
            return
        fixed = difference.repair(case)
        require(
            fixed is not None and fixed != data,
            f"{difference.id}: no repair for this input",
        )
        assert fixed is not None
        require(
            _openssl(lib, fixed) == theirs, f"OpenSSL does not ignore {difference.id}"
        )
        compare(lib, fixed, depth + 1)
        return
    require(
        False,
        f"unexplained difference: blobformat {ours.describe()}, OpenSSL "
        f"{'accepts a ' + theirs.family + ' key' if theirs else 'refuses'}",
    )


def check(data: bytes) -> None:
    """Check the invariant above for one input (blobformat's side only without libcrypto)."""
    lib = libcrypto()
    if lib is None:
        _ours(data)
        return
    compare(lib, data)


if __name__ == "__main__":
    if libcrypto() is None:
        # Nothing to compare with: say so, and do not fail a smoke run.
        print(
            f"fuzz_differential: skipped, libcrypto cannot be loaded: {_libcrypto.load()[1]}",
            file=sys.stderr,
        )
        sys.exit(0)
    _fuzzboot.fuzz(check, sys.argv)
