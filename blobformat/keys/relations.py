# SPDX-License-Identifier: Apache-2.0
"""The relations between a key's numbers (SPEC §14.2), for CryptoAPI and CNG keys.

``keys/convert.py`` (CryptoAPI blobs), ``keys/export.py`` and ``keys/cng.py``
(CNG blobs) all check keys with these functions. They live below all three so
that ``convert.py`` and ``export.py`` can import ``keys/cng.py`` directly: no
hook fills a table at import time. Every failure is a
:class:`~blobformat.errors.KeyConversionError` naming the relation; no message
holds a key number.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, NoReturn, Protocol, cast

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from blobformat.errors import KeyConversionError
from blobformat.keys import legacy as _legacy

if TYPE_CHECKING:
    # Annotations only (see keys/convert.py: cryptography warns on access).
    from cryptography.hazmat.primitives.asymmetric import dh, dsa

    from blobformat.keys.convert import PublicKey

__all__ = ["check_cost", "g_pow_x"]


# cryptography's DSA implementation accepts these sizes only.
_DSA_P_BITS = (1024, 2048, 3072, 4096)
_DSA_Q_BITS = (160, 224, 256)


def _fail(message: str, relation: str, rule: str) -> KeyConversionError:
    return KeyConversionError(
        f"{message} (relation: {relation})", relation=relation, rule=rule
    )


def check_cost(bits: int, max_bits: int | None, *, what: str) -> None:
    """Refuse, before any arithmetic, a key whose validation exceeds the caller's bound."""
    if max_bits is not None and bits > max_bits:
        raise KeyConversionError(
            f"validating a {bits}-bit {what} key is refused above max_bits={max_bits} "
            "(its cost grows with about the fourth power of the size); pass a larger "
            "max_bits, or max_bits=None, for input whose cost you accept "
            "(relation: key size <= max_bits)",
            relation="key size <= max_bits",
            rule="KEY-13",
        )


# ---------------------------------------------------------------------------
# Checks -- SPEC §14.2


def _check_rsa_public(n: int, e: int) -> None:
    if not n & 1 or n <= e:
        # A modulus may have fewer bits than bitlen (SPEC §5.3, RSA-4), so a blob
        # can hold a modulus below its exponent.
        raise _fail(
            "RSA modulus must be odd and greater than the public exponent",
            "n odd, n > e",
            "KEY-1",
        )


class RSAPrivateValues(Protocol):
    """The numbers of an RSA private key under the CryptoAPI field names.

    An :class:`RSAPrivateKeyBlob` has them; so has the CNG loader's view of a
    CNG RSA private blob (``keys/cng.py``), which shares these checks.
    """

    @property
    def modulus(self) -> int: ...
    @property
    def public_exponent(self) -> int: ...
    @property
    def prime1(self) -> int: ...
    @property
    def prime2(self) -> int: ...
    @property
    def exponent1(self) -> int: ...
    @property
    def exponent2(self) -> int: ...
    @property
    def coefficient(self) -> int: ...
    @property
    def private_exponent(self) -> int: ...


def _check_rsa_private(blob: RSAPrivateValues, *, product_known: bool = False) -> None:
    """Check every RSA relation; ``product_known``: n == p*q was already checked."""
    n, e, d = blob.modulus, blob.public_exponent, blob.private_exponent
    p, q = blob.prime1, blob.prime2
    dp, dq, c = blob.exponent1, blob.exponent2, blob.coefficient
    # One pass for the usual case, a valid key (SPEC §14.2 KEY-1, KEY-2); the
    # cheap comparisons go first. Only a failure pays for naming the relation.
    p1, q1 = p - 1, q - 1
    if (
        n & 1
        and e < n
        and p > 2
        and q > 2
        and p != q
        and 0 < dp < p1
        and 0 < dq < q1
        and 0 < d < n
        and 0 < c < p
        and (product_known or p * q == n)
        and (e * dp) % p1 == 1
        and (e * dq) % q1 == 1
        and _d_agrees(n, e, d, p, q, dp, dq)
        and (c * q) % p == 1
    ):
        return
    _name_rsa_private_failure(n, e, d, p, q, dp, dq, c, product_known=product_known)


def _d_agrees(n: int, e: int, d: int, p: int, q: int, dp: int, dq: int) -> bool:
    """Whether d mod (p-1) == dp and d mod (q-1) == dq.

    Only for n == p*q (so p, q odd) and e*dp == 1 mod p-1, e*dq == 1 mod q-1,
    both already checked: then d agrees with dp exactly when e*d == 1 mod p-1
    (e is invertible mod p-1), and likewise for q. With phi = (p-1)(q-1) = n-p-q+1,
    r = (e*d - 1) mod phi costs one short division; r == 0 (d inverts e mod phi)
    and 2r == phi (a multiple of both p-1 and q-1, as p and q are odd) settle it.
    Any other r takes the two long divisions.
    """
    phi = n - p - q + 1
    r = (e * d - 1) % phi
    if r == 0 or 2 * r == phi:
        return True
    return d % (p - 1) == dp and d % (q - 1) == dq


def _name_rsa_private_failure(
    n: int,
    e: int,
    d: int,
    p: int,
    q: int,
    dp: int,
    dq: int,
    c: int,
    *,
    product_known: bool,
) -> NoReturn:
    """Raise the KeyConversionError naming the first RSA relation that fails."""
    _check_rsa_public(n, e)
    if p < 3 or q < 3:
        raise _fail("RSA primes must be greater than 2", "p > 2, q > 2", "KEY-2")
    if not product_known and p * q != n:
        raise _fail("RSA primes do not multiply to the modulus", "n == p*q", "KEY-2")
    if p == q:
        raise _fail("RSA primes must differ", "p != q", "KEY-2")
    # Name the value that is wrong, not merely a relation that fails: an
    # unreduced CRT exponent is wrong by itself; a CRT exponent that disagrees
    # with d is wrong when d is not (e*d_crt != 1); when the CRT values agree
    # with d, e*d = 1 mod lcm(p-1, q-1) is checked through them (half size).
    ed = "e*d == 1 mod lcm(p-1, q-1)"
    if not 0 < dp < p - 1:
        raise _fail("RSA exponent1 is wrong", "exponent1 == d mod (p-1)", "KEY-2")
    if not 0 < dq < q - 1:
        raise _fail("RSA exponent2 is wrong", "exponent2 == d mod (q-1)", "KEY-2")
    if not 0 < d < n:
        raise _fail("RSA private exponent is out of range", ed, "KEY-2")
    dp_inverts = (e * dp) % (p - 1) == 1
    dq_inverts = (e * dq) % (q - 1) == 1
    if d % (p - 1) != dp:
        if dp_inverts:
            raise _fail(
                "RSA private exponent does not invert the public exponent", ed, "KEY-2"
            )
        raise _fail("RSA exponent1 is wrong", "exponent1 == d mod (p-1)", "KEY-2")
    if d % (q - 1) != dq:
        if dq_inverts:
            raise _fail(
                "RSA private exponent does not invert the public exponent", ed, "KEY-2"
            )
        raise _fail("RSA exponent2 is wrong", "exponent2 == d mod (q-1)", "KEY-2")
    if not (dp_inverts and dq_inverts):
        raise _fail(
            "RSA private exponent does not invert the public exponent", ed, "KEY-2"
        )
    if not 0 < c < p or (c * q) % p != 1:
        raise _fail("RSA coefficient is wrong", "coefficient == q^-1 mod p", "KEY-2")
    # Every condition of _check_rsa_private's single pass is tested above.
    raise AssertionError("unreachable: the RSA relations hold")


def _check_group(p: int, q: int | None, g: int, j: int | None, *, what: str) -> None:
    """Domain parameters of DSS and DH keys (public values)."""
    if p < 5 or not p & 1:
        raise _fail(f"{what} prime p must be odd", "p odd", "KEY-3")
    if not 1 < g < p - 1:
        raise _fail(f"{what} generator out of range", "1 < g < p-1", "KEY-3")
    if q is not None:
        if q < 3 or not q & 1 or (p - 1) % q:
            raise _fail(f"{what} q does not divide p-1", "q odd, q | p-1", "KEY-3")
        if pow(g, q, p) != 1:
            raise _fail(
                f"{what} generator is not of order q", "g^q == 1 mod p", "KEY-3"
            )
        if j is not None and j != (p - 1) // q:
            raise _fail(f"{what} j is wrong", "j == (p-1)/q", "KEY-3")
    elif j is not None:
        raise _fail(f"{what} j without q", "j present only with q", "KEY-3")


def _check_y(p: int, q: int | None, y: int, *, what: str) -> None:
    if not 1 < y < p - 1:
        raise _fail(f"{what} public value out of range", "1 < y < p-1", "KEY-3")
    if q is not None and pow(y, q, p) != 1:
        raise _fail(
            f"{what} public value is not in the subgroup", "y^q == 1 mod p", "KEY-3"
        )


def _check_x(p: int, q: int | None, x: int, *, what: str) -> None:
    bound, relation = (q, "0 < x < q") if q is not None else (p - 1, "0 < x < p-1")
    if not 0 < x < bound:
        raise _fail(f"{what} private value out of range", relation, "KEY-4")


def _dsa_representable(p: int, q: int) -> None:
    if p.bit_length() not in _DSA_P_BITS or q.bit_length() not in _DSA_Q_BITS:
        raise _fail(
            "cryptography represents DSA keys with a p of 1024, 2048, 3072 or 4096 "
            "bits and a q of 160, 224 or 256 bits only; this key has a "
            f"{p.bit_length()}-bit p and a {q.bit_length()}-bit q",
            "p and q sizes supported by cryptography",
            "KEY-5",
        )


def _dh_representable(p: int) -> None:
    if p.bit_length() < 512:
        raise _fail(
            "cryptography represents DH groups with a p of at least 512 bits only",
            "p at least 512 bits",
            "KEY-5",
        )


def _public_key(
    numbers: dsa.DSAPublicNumbers | dh.DHPublicNumbers, *, what: str
) -> PublicKey:
    """Build a public key; an OpenSSL refusal of the group is KEY-5, not a ValueError."""
    try:
        with _legacy.quiet():
            return numbers.public_key()
    except ValueError as err:
        # Recent OpenSSL (cryptography >= 50) refuses a DH group without q
        # unless p is a safe prime.
        raise _fail(
            f"cryptography cannot represent this {what} key: OpenSSL refused its group",
            "group accepted by cryptography",
            "KEY-5",
        ) from err


def _derived_private_key(
    der: bytes, *, family: _legacy.Family, what: str
) -> dsa.DSAPrivateKey | dh.DHPrivateKey:
    """Load a PKCS#8 key so that OpenSSL computes y = g^x mod p in constant time."""
    try:
        with _legacy.quiet():
            key = serialization.load_der_private_key(der, password=None)
    except (ValueError, TypeError) as err:
        # Recent OpenSSL (cryptography >= 50) refuses a DH group given without q
        # unless p is a safe prime; a version-2 DH blob carries no q.
        raise _fail(
            f"cryptography cannot represent this {what} key: OpenSSL refused its group",
            "group accepted by cryptography",
            "KEY-5",
        ) from err
    private_class = (
        family.DSAPrivateKey if family.name == "dsa" else family.DHPrivateKey
    )
    if not isinstance(key, private_class):  # pragma: no cover - OpenSSL's own answer
        raise _fail(f"unexpected {what} key type", "key type", "KEY-5")
    # The check above proves a DSA or DH private key; the classes are looked up
    # at run time (keys/legacy.py), so mypy sees them as Any.
    return cast("dsa.DSAPrivateKey | dh.DHPrivateKey", key)


def _load_rsa_private(
    blob: RSAPrivateValues, skip_validation: bool, max_bits: int | None
) -> rsa.RSAPrivateKey:
    if not skip_validation:
        check_cost(blob.modulus.bit_length(), max_bits, what="RSA")
    _check_rsa_public(blob.modulus, blob.public_exponent)
    numbers = rsa.RSAPrivateNumbers(
        p=blob.prime1,
        q=blob.prime2,
        d=blob.private_exponent,
        dmp1=blob.exponent1,
        dmq1=blob.exponent2,
        iqmp=blob.coefficient,
        public_numbers=rsa.RSAPublicNumbers(blob.public_exponent, blob.modulus),
    )
    try:
        rsa_key = numbers.private_key(unsafe_skip_rsa_key_validation=skip_validation)
    except ValueError as err:
        # Name the relation that fails; if every relation holds, what
        # cryptography refused is the primality of p or q.
        _check_rsa_private(blob)
        raise _fail(
            "cryptography's RSA key check failed (p or q is not prime)",
            "p and q prime",
            "KEY-2",
        ) from err
    # cryptography has checked n == p*q; the CRT values and d are ours to check
    # (its own check of them is the one unsafe_skip_rsa_key_validation skips).
    _check_rsa_private(blob, product_known=True)
    return rsa_key


def g_pow_x(p: int, g: int, x: int, *, what: str) -> int:
    """Compute y = g^x mod p with the secret exponent blinded.

    Python's ``pow`` takes time that depends on the exponent. It is run on
    x + r for a random r 64 bits wider than x, and the result is multiplied
    by g^-r: neither exponentiation sees x alone. No group order is needed,
    so this holds for groups given without q.
    """
    r = secrets.randbits(x.bit_length() + 64) | 1
    try:
        unblind = pow(pow(g, r, p), -1, p)
    except ValueError:
        # g shares a factor with p, so p is not prime.
        raise KeyConversionError(
            f"{what} generator is not invertible mod p (relation: gcd(g, p) == 1)",
            relation="gcd(g, p) == 1",
            rule="KEY-3",
        ) from None
    return pow(g, x + r, p) * unblind % p
