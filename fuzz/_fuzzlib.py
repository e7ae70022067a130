# SPDX-License-Identifier: Apache-2.0
"""Invariants, fixed keys and a byte-choice reader shared by the harnesses.

The invariant every harness enforces through :func:`attempt` and
:func:`check_error`: calling a blobformat entry point on any bytes either
returns, or raises a :class:`blobformat.BlobError` subclass whose
attributes are well formed:

- ``offset`` is ``None`` or within ``0..len(input)``;
- ``rule`` is ``None`` or a SPEC.md requirement identifier such as ``HDR-3``;
- the message is at most :data:`MESSAGE_LIMIT` characters, whatever the
  input size (no error echoes its input);
- a :class:`~blobformat.DecryptionError` has no offset, no field and no
  chained cause (SPEC §15.2 [SES-2], §15.6 [KWR-4]), and one fixed message
  per operation (:func:`check_uniform_decryption_error`).

Any other exception propagates, and atheris reports it as a crash.
Violations of an invariant raise :class:`InvariantError` (never
``assert``, which ``python -O`` would remove).

This module imports blobformat: a harness imports it inside
``_fuzzboot.instrumented(...)``.
"""

from __future__ import annotations

import collections
import functools
import re
import sys
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from _fuzzboot import FUZZ_DIR, ROOT
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dh, dsa, rsa
from cryptography.utils import CryptographyDeprecationWarning

import blobformat as bf

__all__ = [
    "CONTEXT",
    "KEYS_DIR",
    "MESSAGE_LIMIT",
    "MODP_1024",
    "PASSWORD",
    "Choices",
    "InvariantError",
    "Outcome",
    "attempt",
    "check_error",
    "check_no_secret",
    "check_uniform_decryption_error",
    "check_uniform_error",
    "dsa_key",
    "follows_parse",
    "key_numbers",
    "model_numbers",
    "open_finding",
    "require",
    "rsa_key",
    "same_failure",
    "secret_texts",
]

#: The password the harnesses give to encrypted PVK files.
PASSWORD = b"fuzz-password"
#: The context the envelope harnesses seal and open with.
CONTEXT = b"blobformat-fuzz/slot-1"
#: Test keys shipped with the vectors (never used for anything else).
KEYS_DIR = ROOT / "vectors" / "keys"
#: Test keys that exist only for the fuzz harnesses.
FUZZ_KEYS_DIR = FUZZ_DIR / "keys"
#: Longest error message any input may produce.
MESSAGE_LIMIT = 2048
#: RFC 2409 §6.2 Oakley group 2 (1024-bit MODP), generator 2: the fixed group
#: for version-2 DH public blobs, which carry only y.
MODP_1024 = int(
    "FFFFFFFFFFFFFFFFC90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74"
    "020BBEA63B139B22514A08798E3404DDEF9519B3CD3A431B302B0A6DF25F1437"
    "4FE1356D6D51C245E485B576625E7EC6F44C42E9A637ED6B0BFF5CB6F406B7ED"
    "EE386BFB5A899FA5AE9F24117C4B1FE649286651ECE65381FFFFFFFFFFFFFFFF",
    16,
)

with warnings.catch_warnings():
    # cryptography 50 warns on every access to its finite-field DH names.
    warnings.simplefilter("ignore", CryptographyDeprecationWarning)
    _DHPrivateKey = dh.DHPrivateKey
    _DHPublicKey = dh.DHPublicKey

_RULE = re.compile(
    r"(HDR|RSA|DSS|DH|SMP|PTK|SWK|PVK|KEY|SES|ENV|SYM|KWR|CIP|DRV|SIG|PFX"
    r"|CNG|CRSA|CECC|CDSA|CDH|CKD|CKEY)-[0-9]{1,2}"
)

T = TypeVar("T")
T_co = TypeVar("T_co", covariant=True)


class InvariantError(AssertionError):
    """A harness invariant does not hold: a finding."""


def require(condition: object, message: str) -> None:
    """Raise :class:`InvariantError` with ``message`` unless ``condition``."""
    if not condition:
        raise InvariantError(message)


#: Findings reported to the maintainers and not fixed yet: id -> what is wrong.
#: While a finding is listed here, the harnesses count it instead of failing,
#: so a campaign can look past it; ``tests/test_fuzz_replay.py`` replays its
#: reproducer with :data:`STRICT_FINDINGS` set, as an ``xfail(strict=True)``
#: test that flips when the bug is fixed (then delete the entry).
OPEN_FINDINGS: dict[str, str] = {}  # F6-F12 (fuzz_pfx) were fixed on 2026-12-06
#: Set to True to make open findings fail like any other invariant.
STRICT_FINDINGS = False
#: How often each open finding was seen in this process.
FINDINGS_SEEN: collections.Counter[str] = collections.Counter()


def open_finding(finding_id: str, condition: object, message: str) -> None:
    """Like :func:`require`, but only counted while ``finding_id`` is open."""
    if condition:
        return
    if finding_id in OPEN_FINDINGS and not STRICT_FINDINGS:
        FINDINGS_SEEN[finding_id] += 1
        count = FINDINGS_SEEN[finding_id]
        if count & (count - 1) == 0:  # 1, 2, 4, 8, ...: a campaign log shows the counts
            print(f"open finding {finding_id} seen {count} times", file=sys.stderr)
        return
    raise InvariantError(f"[{finding_id}] {message}")


def check_error(err: BaseException, size: int) -> None:
    """Check the attributes of an error raised for an input of ``size`` bytes."""
    if not isinstance(err, bf.BlobError):
        raise InvariantError(f"not a BlobError: {type(err).__name__}")
    name = type(err).__name__
    offset: object = err.offset
    require(
        offset is None or (isinstance(offset, int) and 0 <= offset <= size),
        f"{name}: offset {offset!r} outside an input of {size} bytes",
    )
    require(
        err.field is None or isinstance(err.field, str), f"{name}: field {err.field!r}"
    )
    require(
        err.rule is None or _RULE.fullmatch(err.rule) is not None,
        f"{name}: rule {err.rule!r} is not a SPEC requirement id",
    )
    text = str(err)
    require(len(text) <= MESSAGE_LIMIT, f"{name}: {len(text)}-character message")
    if isinstance(err, bf.DecryptionError):
        require(
            err.offset is None and err.field is None,
            "DecryptionError carries a location (SES-2/KWR-4 forbid it)",
        )
        require(
            err.__cause__ is None
            and (err.__context__ is None or err.__suppress_context__),
            "DecryptionError carries a cause (SES-2/KWR-4 forbid it)",
        )


_DECRYPTION_MESSAGES: dict[str, str] = {}


def check_uniform_decryption_error(operation: str, err: bf.DecryptionError) -> None:
    """Every DecryptionError of ``operation`` has the same message and rule."""
    text = f"{err.rule}: {err}"
    seen = _DECRYPTION_MESSAGES.setdefault(operation, text)
    require(seen == text, f"{operation}: DecryptionError varies: {seen!r} vs {text!r}")


_UNIFORM_MESSAGES: dict[str, str] = {}


def check_uniform_error(operation: str, err: bf.BlobError, field: str | None) -> None:
    """Every error of ``operation`` has one message and rule, ``field`` and nothing else.

    For failures that must not tell their causes apart (a bad signature
    [SIG-5], a PFX that does not decrypt [PFX-2]): no offset, no chained
    cause or context, and the same text each time.
    """
    name = type(err).__name__
    require(
        err.offset is None and err.field == field,
        f"{operation}: {name} located at {err.field}@{err.offset}, not {field}",
    )
    require(
        err.__cause__ is None and (err.__context__ is None or err.__suppress_context__),
        f"{operation}: {name} carries a cause",
    )
    text = f"{name}[{err.rule}]: {err}"
    seen = _UNIFORM_MESSAGES.setdefault(operation, text)
    require(seen == text, f"{operation}: the error varies: {seen!r} vs {text!r}")


#: Private numbers smaller than this are not looked for in messages: their
#: digits occur in ordinary text (offsets, sizes) by chance.
_SECRET_MIN = 1 << 64


def secret_texts(numbers: dict[str, int], names: Sequence[str]) -> frozenset[str]:
    """How the private numbers ``names`` of a key could show up in a message.

    Decimal, and hex of both byte orders (a blob stores them little-endian).
    """
    out: set[str] = set()
    for name in names:
        value = numbers.get(name)
        if value is None or value < _SECRET_MIN:
            continue
        raw = value.to_bytes((value.bit_length() + 7) // 8, "big")
        out.update((str(value), raw.hex(), raw[::-1].hex()))
    return frozenset(out)


def check_no_secret(err: BaseException, secrets: frozenset[str]) -> None:
    """An error's message, repr and hint contain none of ``secrets`` (any case)."""
    shown = " ".join((str(err), repr(err), str(getattr(err, "hint", "") or ""))).lower()
    compact = "".join(shown.split())
    for secret in secrets:
        require(
            secret not in shown and secret not in compact,
            f"{type(err).__name__} shows a private number of the key",
        )


@dataclass(frozen=True)
class Outcome(Generic[T_co]):
    """The result of one call: a value, the BlobError it raised, or a known escape.

    ``escaped`` holds a non-BlobError exception that an open finding
    (:data:`OPEN_FINDINGS`) explains; checks skip such outcomes.
    """

    value: T_co | None
    error: bf.BlobError | None
    escaped: BaseException | None = None

    @property
    def ok(self) -> bool:
        """Whether the call returned."""
        return self.error is None and self.escaped is None

    def describe(self) -> str:
        """A short text for invariant messages (never key material)."""
        if self.escaped is not None:
            return f"escaped {type(self.escaped).__name__} (open finding)"
        if self.error is None:
            return f"accepted ({type(self.value).__name__})"
        err = self.error
        return f"{type(err).__name__}[{err.rule}] {err.field}@{err.offset}"


#: Non-BlobError exceptions that an open finding explains: (type, message part, id).
#: F3, F4 and F12 (x509.InvalidVersion) were of this kind; all are fixed.
ESCAPES: tuple[tuple[type[Exception], str, str], ...] = ()


def _escape_finding(err: Exception) -> str | None:
    """The open finding that explains a non-BlobError exception, if any."""
    for kind, fragment, finding in ESCAPES:
        if isinstance(err, kind) and fragment in str(err):
            return finding
    return None


def attempt(call: Callable[[], T], size: int) -> Outcome[T]:
    """Run ``call``; catch only BlobError, checking it for an input of ``size`` bytes.

    Any other exception propagates, unless an open finding explains it: then
    it is counted (or raised as a violation with :data:`STRICT_FINDINGS`).
    """
    try:
        return Outcome(call(), None)
    except bf.BlobError as err:
        check_error(err, size)
        return Outcome(None, err)
    except Exception as err:
        finding = _escape_finding(err)
        if finding is None:
            raise
        open_finding(finding, False, f"{type(err).__name__} escaped: {err}")
        return Outcome(None, None, err)


def same_failure(a: bf.BlobError, b: bf.BlobError) -> bool:
    """Whether two errors report the same failure (class, rule and field)."""
    return type(a) is type(b) and a.rule == b.rule and a.field == b.field


def follows_parse(
    parsed: Outcome[object],
    kind: type[T],
    outcomes: Sequence[Outcome[object]],
    what: str,
) -> T | None:
    """The model an entry point for ``kind`` must go on to check, else ``None``.

    Every entry point parses first: where ``parse`` failed, each outcome must
    fail the same way; where it gave another kind of model, each must be an
    ``UnsupportedBlobError``. Only a ``kind`` model leaves checks to the caller.
    """
    if parsed.error is not None:
        for out in outcomes:
            require(
                out.error is not None and same_failure(out.error, parsed.error),
                f"{what}: does not fail as parse does: {out.describe()} vs {parsed.describe()}",
            )
        return None
    if not isinstance(parsed.value, kind):
        for out in outcomes:
            require(
                isinstance(out.error, bf.UnsupportedBlobError),
                f"{what}: {out.describe()}",
            )
        return None
    return parsed.value


# -- fixed keys -------------------------------------------------------------------


@functools.cache
def _load_pem(path: Path) -> object:
    return serialization.load_pem_private_key(path.read_bytes(), password=None)


def rsa_key(name: str) -> rsa.RSAPrivateKey:
    """A fixed RSA test key: ``vectors/keys/<name>.pem`` or ``fuzz/keys/<name>.pem``."""
    path = KEYS_DIR / f"{name}.pem"
    key = _load_pem(path if path.exists() else FUZZ_KEYS_DIR / f"{name}.pem")
    if not isinstance(key, rsa.RSAPrivateKey):
        raise TypeError(f"{name} is not an RSA key")
    return key


def dsa_key(name: str = "dsa-1024") -> dsa.DSAPrivateKey:
    """A fixed DSA test key from ``vectors/keys``."""
    key = _load_pem(KEYS_DIR / f"{name}.pem")
    if not isinstance(key, dsa.DSAPrivateKey):
        raise TypeError(f"{name} is not a DSA key")
    return key


def key_numbers(key: object) -> dict[str, int]:
    """The numbers of a ``cryptography`` key, under the names :func:`model_numbers` uses."""
    if isinstance(key, rsa.RSAPrivateKey):
        pn = key.private_numbers()
        return {
            "n": pn.public_numbers.n,
            "e": pn.public_numbers.e,
            "d": pn.d,
            "p": pn.p,
            "q": pn.q,
            "dp": pn.dmp1,
            "dq": pn.dmq1,
            "qinv": pn.iqmp,
        }
    if isinstance(key, rsa.RSAPublicKey):
        pub = key.public_numbers()
        return {"n": pub.n, "e": pub.e}
    if isinstance(key, dsa.DSAPrivateKey):
        dn = key.private_numbers()
        par = dn.public_numbers.parameter_numbers
        return {"p": par.p, "q": par.q, "g": par.g, "y": dn.public_numbers.y, "x": dn.x}
    if isinstance(key, dsa.DSAPublicKey):
        dpub = key.public_numbers()
        dpar = dpub.parameter_numbers
        return {"p": dpar.p, "q": dpar.q, "g": dpar.g, "y": dpub.y}
    if isinstance(key, _DHPrivateKey):
        hn = key.private_numbers()
        hpar = hn.public_numbers.parameter_numbers
        out = {"p": hpar.p, "g": hpar.g, "y": hn.public_numbers.y, "x": hn.x}
        if hpar.q is not None:
            out["q"] = hpar.q
        return out
    if isinstance(key, _DHPublicKey):
        hpub = key.public_numbers()
        hpar2 = hpub.parameter_numbers
        out = {"p": hpar2.p, "g": hpar2.g, "y": hpub.y}
        if hpar2.q is not None:
            out["q"] = hpar2.q
        return out
    raise TypeError(f"unexpected key type {type(key).__name__}")


def model_numbers(model: object) -> dict[str, int]:
    """The numbers a key blob model carries, named as in :func:`key_numbers`."""
    if isinstance(model, bf.RSAPrivateKeyBlob):
        return {
            "n": model.modulus,
            "e": model.public_exponent,
            "d": model.private_exponent,
            "p": model.prime1,
            "q": model.prime2,
            "dp": model.exponent1,
            "dq": model.exponent2,
            "qinv": model.coefficient,
        }
    if isinstance(model, bf.RSAPublicKeyBlob):
        return {"n": model.modulus, "e": model.public_exponent}
    out: dict[str, int] = {}
    for name in ("p", "q", "g", "j", "y", "x"):
        value = getattr(model, name, None)
        if isinstance(value, int):
            out[name] = value
    return out


# -- choices from bytes -------------------------------------------------------------


class Choices:
    """Deterministic choices read from the front of a fuzz input.

    The structure-aware harnesses use this instead of
    ``atheris.FuzzedDataProvider`` so that a corpus file means the same thing
    with and without atheris (the replay test runs without it). Once the
    input is used up every choice is 0 / the first option.
    """

    def __init__(self, data: bytes) -> None:
        self._data = data
        self._pos = 0

    @property
    def remaining(self) -> int:
        """Bytes not yet consumed."""
        return len(self._data) - self._pos

    def take(self, count: int) -> bytes:
        """Up to ``count`` bytes (fewer at the end of the input)."""
        count = max(0, count)
        chunk = self._data[self._pos : self._pos + count]
        self._pos += len(chunk)
        return chunk

    def int(self, low: int, high: int) -> int:
        """An integer in ``low..high`` (inclusive)."""
        if high <= low:
            return low
        span = high - low + 1
        width = (span.bit_length() + 7) // 8
        return low + int.from_bytes(self.take(width), "little") % span

    def flag(self) -> bool:
        """A boolean."""
        return self.int(0, 1) == 1

    def pick(self, options: Sequence[T]) -> T:
        """One of ``options`` (which must not be empty)."""
        return options[self.int(0, len(options) - 1)]

    def rest(self) -> bytes:
        """Everything not yet consumed."""
        return self.take(self.remaining)
