# SPDX-License-Identifier: Apache-2.0
"""Semantic rules of the blob layouts (SPEC.md's MUSTs), in plain Python.

Each check names the SPEC requirement it enforces and, through ``offsets``
(field path -> byte offset), where the field sits. The same functions run
for parsed blobs and for hand-built models, so a model that exists is a
model that can be encoded. Messages show values only for non-secret fields.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import NoReturn

from blobformat.codec.keylengths import blob_key_size_table
from blobformat.constants import AlgClass, AlgId, alg_name
from blobformat.errors import InvalidFieldError

__all__ = [
    "DATA_ALG_VALUES",
    "DH_ALGS",
    "DSS_ALGS",
    "PLAINTEXT_KEY_SIZES",
    "RSA_ALGS",
    "SESSION_ALG_VALUES",
    "BitRange",
    "check_alg",
    "check_bit_length",
    "check_fits",
    "check_plaintext_key_size",
    "check_seed_counter",
    "check_session_alg",
    "check_whole_bytes",
    "fail",
]

RSA_ALGS = frozenset({AlgId.CALG_RSA_KEYX, AlgId.CALG_RSA_SIGN})
DSS_ALGS = frozenset({AlgId.CALG_DSS_SIGN})
DH_ALGS = frozenset({AlgId.CALG_DH_SF, AlgId.CALG_DH_EPHEM})

#: ALG_ID classes a session key (SIMPLEBLOB, SYMMETRICWRAPKEYBLOB) may have.
SESSION_CLASSES = frozenset({AlgClass.DATA_ENCRYPT, AlgClass.MSG_ENCRYPT})
_DATA_ONLY = frozenset({AlgClass.DATA_ENCRYPT})

_ALG_VALUES = {int(a) for a in AlgId}
_ALG_BY_VALUE: dict[int, AlgId] = {int(a): a for a in AlgId}
#: ALG_ID values by class, as plain ints for fast membership tests.
SESSION_ALG_VALUES = frozenset(
    int(a)
    for a in AlgId
    if a.alg_class in (AlgClass.DATA_ENCRYPT, AlgClass.MSG_ENCRYPT)
)
DATA_ALG_VALUES = frozenset(
    int(a) for a in AlgId if a.alg_class == AlgClass.DATA_ENCRYPT
)
#: PTK-3: the key lengths (bytes) a PLAINTEXTKEYBLOB may carry, by data-encryption
#: ALG_ID (SPEC §9, from the key-length table of §15.1).
PLAINTEXT_KEY_SIZES: dict[int, frozenset[int]] = {
    alg: sizes for alg, sizes in blob_key_size_table().items() if alg in DATA_ALG_VALUES
}


def fail(
    message: str,
    *,
    field: str,
    offsets: Mapping[str, int] | None,
    rule: str,
    expected: str | None = None,
    actual: str | None = None,
) -> NoReturn:
    """Raise :class:`InvalidFieldError` located at ``field``."""
    raise InvalidFieldError(
        message,
        expected=expected,
        actual=actual,
        offset=None if offsets is None else offsets.get(field),
        field=field,
        rule=rule,
    )


def check_alg(
    value: int,
    allowed: frozenset[AlgId],
    *,
    what: str,
    field: str,
    offsets: Mapping[str, int] | None,
    rule: str,
) -> AlgId:
    """Return ``value`` as an :class:`AlgId` if it is one of ``allowed``."""
    if value in allowed:
        return _ALG_BY_VALUE[value]
    fail(
        f"ALG_ID not allowed for {what}",
        field=field,
        offsets=offsets,
        rule=rule,
        expected=" or ".join(sorted(a.name for a in allowed)),
        actual=alg_name(value),
    )


def check_session_alg(
    value: int,
    *,
    what: str,
    field: str,
    offsets: Mapping[str, int] | None,
    rule: str,
    classes: frozenset[AlgClass] = SESSION_CLASSES,
) -> AlgId:
    """Return ``value`` as an :class:`AlgId` if it names a session-key algorithm."""
    allowed = DATA_ALG_VALUES if classes == _DATA_ONLY else SESSION_ALG_VALUES
    if value in allowed:
        return _ALG_BY_VALUE[value]
    fail(
        f"{what} must name a session-key algorithm",
        field=field,
        offsets=offsets,
        rule=rule,
        expected="an ALG_ID of class " + " or ".join(sorted(c.name for c in classes)),
        actual=alg_name(value),
    )


@dataclass(frozen=True, slots=True)
class BitRange:
    """The bit lengths a layout allows: ``low..high`` in steps of ``step``.

    Declared once per kind (on its model class) and used by the decoder's
    rules, lenient canonicalisation and key conversion alike.
    """

    low: int
    high: int
    step: int = 1

    def __contains__(self, value: object) -> bool:
        """Whether ``value`` is an allowed bit length."""
        return (
            type(value) is int
            and self.low <= value <= self.high
            and value % self.step == 0
        )

    def check(
        self, value: int, *, field: str, offsets: Mapping[str, int] | None, rule: str
    ) -> None:
        """Raise :class:`InvalidFieldError` if ``value`` is not in the range."""
        if value not in self:
            check_bit_length(
                value,
                low=self.low,
                high=self.high,
                step=self.step,
                field=field,
                offsets=offsets,
                rule=rule,
            )


def check_bit_length(
    value: int,
    *,
    low: int,
    high: int,
    step: int,
    field: str,
    offsets: Mapping[str, int] | None,
    rule: str,
    allow_zero: bool = False,
) -> None:
    """Check ``low <= value <= high`` and ``value % step == 0`` (or 0 if allowed)."""
    if allow_zero and value == 0:
        return
    if low <= value <= high and value % step == 0:
        return
    expected = f"{low}..{high}"
    if step > 1:
        expected += f" in steps of {step}"
    if allow_zero:
        expected = "0 or " + expected
    fail(
        "bit length out of range",
        field=field,
        offsets=offsets,
        rule=rule,
        expected=expected,
        actual=str(value),
    )


def check_fits(
    value: int,
    bits: int,
    *,
    field: str,
    offsets: Mapping[str, int] | None,
    rule: str,
) -> None:
    """Check that a number is below ``2**bits`` (its declared bit length).

    The message gives the value's bit length only: the field may be secret.
    """
    if value >> bits:
        fail(
            "number exceeds its declared bit length",
            field=field,
            offsets=offsets,
            rule=rule,
            expected=f"at most {bits} bits",
            actual=f"{value.bit_length()} bits",
        )


def check_whole_bytes(
    number_bits: int,
    declared: int,
    *,
    what: str,
    offsets: Mapping[str, int] | None,
    rule: str,
) -> None:
    """Check that a modulus fills its field: ``declared == 8 * ceil(number_bits / 8)``.

    That is, ``declared`` is a multiple of 8 and the number's most significant
    byte in the field is non-zero (RSA-5, DSS-6, DH-6), so that one number has
    one bit length. RSA names ``bit_length`` (the value that must change); DSS
    and DH name ``p``, whose bit length is fixed to multiples of 64.
    """
    if declared % 8 == 0 and number_bits > declared - 8:
        return
    if what == "modulus":
        canonical = (number_bits + 7) // 8 * 8
        fail(
            "RSA bitlen must be the modulus' byte length times 8",
            field="bit_length",
            offsets=offsets,
            rule=rule,
            expected=f"{canonical} (a {number_bits}-bit modulus)",
            actual=str(declared),
        )
    fail(
        f"{what} must fill its field: its most significant byte is zero",
        field=what,
        offsets=offsets,
        rule=rule,
        expected=f"{declared - 7}..{declared} bits",
        actual=f"{number_bits} bits",
    )


#: DSSSEED counters at or above this are negative to a signed reader (.NET's
#: version-2 import reads "no seed" there); only 0xFFFFFFFF is "no seed" here.
SEED_COUNTER_LIMIT = 0x80000000


def check_seed_counter(counter: int, *, offsets: Mapping[str, int] | None) -> None:
    """DSS-7: a DSSSEED counter is below 2^31 or exactly 0xFFFFFFFF ("no seed")."""
    if counter < SEED_COUNTER_LIMIT or counter == 0xFFFFFFFF:
        return
    fail(
        "DSSSEED counter has its high bit set but is not 0xFFFFFFFF",
        field="seed.counter",
        offsets=offsets,
        rule="DSS-7",
        expected="0..0x7FFFFFFF, or 0xFFFFFFFF for no seed",
        actual=f"0x{counter:08X}",
    )


def check_plaintext_key_size(
    alg: AlgId, size: int, *, field: str, offsets: Mapping[str, int] | None
) -> None:
    """Check a PLAINTEXTKEYBLOB key length against the key-length table (SPEC §9).

    Runs before the key bytes are read, so a huge ``dwKeySize`` fails here.
    """
    from blobformat.codec import keylengths as _keylengths

    allowed = _keylengths.blob_key_sizes(alg)
    if size in allowed:
        return
    if not allowed:
        expected = "an algorithm with a defined key length"
    elif len(allowed) == 1:
        expected = f"{next(iter(allowed))} bytes"
    else:
        expected = f"{min(allowed)}..{max(allowed)} bytes"
    fail(
        f"key length not allowed for {alg.name}",
        field=field,
        offsets=offsets,
        rule="PTK-3",
        expected=expected,
        actual=f"{size} bytes",
    )
