# SPDX-License-Identifier: Apache-2.0
"""An independent statement of the key relations of SPEC §14.2, for the harnesses.

blobformat's ``KeyConversionError`` names the relation that fails
(``err.relation``, for example ``"n == p*q"``). This module evaluates each
named relation directly from its SPEC wording, so that a harness can check
two things blobformat's own checks cannot tell it:

- a key blobformat accepts satisfies every relation (:func:`broken` is
  empty), so no check was skipped;
- a relation blobformat names as failing does fail (:func:`fails`), so the
  diagnostic points at the right numbers.

The numbers use the names of ``_fuzzlib.key_numbers``: RSA ``n e d p q dp dq
qinv``; DSA/DH ``p q g j y x`` (``q``, ``j``, ``y``, ``x`` optional).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from math import lcm

__all__ = [
    "DSA_P_BITS",
    "DSA_Q_BITS",
    "UNPREDICTABLE",
    "broken",
    "fails",
    "is_probable_prime",
]

#: DSA sizes cryptography can represent (SPEC §14.2 [KEY-5]).
DSA_P_BITS = (1024, 2048, 3072, 4096)
DSA_Q_BITS = (160, 224, 256)

#: Relations whose outcome depends on OpenSSL's own checks; a harness accepts
#: them as named without evaluating them.
UNPREDICTABLE = frozenset({"group accepted by cryptography"})

Numbers = Mapping[str, int]


def is_probable_prime(n: int, rounds: int = 24) -> bool:
    """Miller-Rabin with fixed bases derived from ``n`` (test keys only)."""
    if n < 4:
        return n in (2, 3)
    if n % 2 == 0:
        return False
    d, s = n - 1, 0
    while d % 2 == 0:
        d //= 2
        s += 1
    for i in range(rounds):
        a = 2 + (n * (i + 7) + i * i) % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(s - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _mod_inverse_ok(a: int, b: int, m: int) -> bool:
    """Whether a*b = 1 (mod m), for m >= 1."""
    return m >= 1 and (a * b) % m == 1 % m


def _rsa_ed(v: Numbers) -> bool:
    p, q, e, d, n = v["p"], v["q"], v["e"], v["d"], v["n"]
    if p < 2 or q < 2:
        return True
    return not (0 < d < n and _mod_inverse_ok(e, d, lcm(p - 1, q - 1)))


def _q(v: Numbers) -> int | None:
    return v.get("q")


def _dh_x_fails(v: Numbers) -> bool:
    return not 0 < v["x"] < v["p"] - 1


def _dsa_sizes(v: Numbers) -> bool:
    q = _q(v)
    return (
        q is None
        or v["p"].bit_length() not in DSA_P_BITS
        or q.bit_length() not in DSA_Q_BITS
    )


_RELATIONS: dict[str, Callable[[Numbers], bool]] = {
    # RSA, SPEC §14.2 [KEY-1], [KEY-2] ("n odd, n > 1" is the older KEY-1)
    "n odd, n > e": lambda v: v["n"] % 2 == 0 or v["n"] <= v["e"],
    "n odd, n > 1": lambda v: v["n"] < 3 or v["n"] % 2 == 0,
    "p > 2, q > 2": lambda v: v["p"] < 3 or v["q"] < 3,
    "n == p*q": lambda v: v["p"] * v["q"] != v["n"],
    "p != q": lambda v: v["p"] == v["q"],
    "exponent1 == d mod (p-1)": lambda v: (
        v["p"] < 2 or v["dp"] != v["d"] % (v["p"] - 1)
    ),
    "exponent2 == d mod (q-1)": lambda v: (
        v["q"] < 2 or v["dq"] != v["d"] % (v["q"] - 1)
    ),
    "e*d == 1 mod lcm(p-1, q-1)": _rsa_ed,
    "coefficient == q^-1 mod p": lambda v: (
        not (0 < v["qinv"] < v["p"] and (v["qinv"] * v["q"]) % v["p"] == 1)
    ),
    "p and q prime": lambda v: (
        not (is_probable_prime(v["p"]) and is_probable_prime(v["q"]))
    ),
    # DSS and DH groups and public values, [KEY-3]
    "p odd": lambda v: v["p"] < 5 or v["p"] % 2 == 0,
    "1 < g < p-1": lambda v: not 1 < v["g"] < v["p"] - 1,
    "q odd, q | p-1": lambda v: (
        _q(v) is not None
        and (v["q"] < 3 or v["q"] % 2 == 0 or (v["p"] - 1) % v["q"] != 0)
    ),
    "g^q == 1 mod p": lambda v: (
        _q(v) is not None and v["p"] > 1 and pow(v["g"], v["q"], v["p"]) != 1
    ),
    "j == (p-1)/q": lambda v: (
        "j" in v
        and _q(v) is not None
        and v["q"] > 0
        and v["j"] != (v["p"] - 1) // v["q"]
    ),
    "j present only with q": lambda v: "j" in v and _q(v) is None,
    "1 < y < p-1": lambda v: not 1 < v["y"] < v["p"] - 1,
    "y^q == 1 mod p": lambda v: (
        _q(v) is not None and v["p"] > 1 and pow(v["y"], v["q"], v["p"]) != 1
    ),
    # private values, [KEY-4]
    "0 < x < q": lambda v: _q(v) is not None and not 0 < v["x"] < v["q"],
    "0 < x < p-1": _dh_x_fails,
    "y == g^x mod p": lambda v: v["p"] > 1 and v["y"] != pow(v["g"], v["x"], v["p"]),
    # representability, [KEY-5]
    "p and q sizes supported by cryptography": _dsa_sizes,
    "p at least 512 bits": lambda v: v["p"].bit_length() < 512,
}

_RSA_ORDER = (
    "n odd, n > e",
    "p > 2, q > 2",
    "n == p*q",
    "p != q",
    "exponent1 == d mod (p-1)",
    "exponent2 == d mod (q-1)",
    "e*d == 1 mod lcm(p-1, q-1)",
    "coefficient == q^-1 mod p",
)


def fails(relation: str, numbers: Numbers) -> bool | None:
    """Whether ``relation`` fails for ``numbers``; ``None`` if it is not one this module knows."""
    test = _RELATIONS.get(relation)
    if test is None:
        return None
    try:
        return test(numbers)
    except KeyError:
        return None


def broken(numbers: Numbers, *, kind: str) -> set[str]:
    """Every relation of SPEC §14.2 that ``numbers`` break (primality excluded).

    :param kind: ``"rsa-private"``, ``"rsa-public"``, ``"dsa-private"``,
        ``"dsa-public"``, ``"dh-private"`` or ``"dh-public"``.
    """
    if kind == "rsa-public":
        names: tuple[str, ...] = ("n odd, n > e",)
    elif kind == "rsa-private":
        names = _RSA_ORDER
    else:
        group = (
            "p odd",
            "1 < g < p-1",
            "q odd, q | p-1",
            "g^q == 1 mod p",
            "j == (p-1)/q",
            "j present only with q",
        )
        names = group
        if "y" in numbers:
            names += ("1 < y < p-1", "y^q == 1 mod p")
        if kind.endswith("private"):
            names += ("0 < x < q",) if _q(numbers) is not None else ("0 < x < p-1",)
            if "y" in numbers:
                names += ("y == g^x mod p",)
        names += (
            ("p and q sizes supported by cryptography",)
            if kind.startswith("dsa")
            else ("p at least 512 bits",)
        )
    return {name for name in names if fails(name, numbers)}
