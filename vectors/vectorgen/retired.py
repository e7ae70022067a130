"""Retired test cases: released vectors that a later SPEC.md rule contradicts.

vectors/README.md, "Versioning": released vectors never change; a case that
turns out wrong is removed (with a CHANGELOG.md line) and its tcId stays
reserved for ever. The generator still builds each retired case where it was
released, so every other case keeps its tcId; ``VectorFile.to_json`` drops
it, and fails unless it sits exactly at the tcId recorded here (the table
cannot drift from the code) and unless the cases named in ``covered_by``
exist. Never delete the code of a retired case: later tcIds would move.

This module imports nothing from vectorgen, so tests/test_vectors.py can
read the table on its own.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Retired:
    """One retired case: its reserved tcId, why, and the cases that now cover it."""

    tc_id: int
    reason: str
    covered_by: tuple[str, ...] = ()


_RSA5_1028 = (
    "SPEC RSA-5: bitlen 1028 over a 1028-bit modulus is not 8*ceil(bits(n)/8) = 1032"
)
_RSA5_SHORT = (
    "SPEC RSA-5: a tiny modulus in a 384-bit field is not canonical, so the blob is refused "
    "before the KEY-1 check it was written for (no canonical blob has n <= e)"
)
_EXPORT_1028 = (
    "SPEC §14.3 (RSA-5): a 1028-bit key is written with bitlen 1032, not 1028"
)

_UNFLAGGED = (
    "released without the OpenSslImports flag although OpenSSL 3's MSBLOB reader imports it "
    "(SPEC §17, key relations on conversion); a released case never changes, so it is "
    "re-released with the flag under a new tcId (SPEC 1.1, issue 14)"
)

PUBLIC = "rsa_public_key_blob_test.json"
PRIVATE = "rsa_private_key_blob_test.json"
DSS_V2 = "dss_v2_key_blob_test.json"
HEADER = "blob_header_test.json"

# (file, case name) -> the retired case. Retired in vectors 1 after the
# security issue item 7 rules RSA-5 and DSS-7 (CHANGELOG.md, Unreleased).
RETIRED: dict[tuple[str, str], Retired] = {
    (PUBLIC, "rsa-1028-keyx"): Retired(
        6,
        _RSA5_1028,
        ("canonical-bitlen-1028-openssl", "canonical-bitlen-1032-over-1028"),
    ),
    (PUBLIC, "import-rsa-1028-keyx"): Retired(
        68,
        _RSA5_1028,
        ("canonical-bitlen-1028-openssl", "canonical-import-rsa-1028-bitlen-1032"),
    ),
    (PUBLIC, "import-modulus-one"): Retired(
        76, _RSA5_SHORT, ("canonical-modulus-one-384",)
    ),
    (PUBLIC, "import-modulus-below-exponent"): Retired(77, _RSA5_SHORT),
    (PUBLIC, "export-rsa-1028-default"): Retired(
        83, _EXPORT_1028, ("canonical-export-rsa-1028-default",)
    ),
    (PRIVATE, "rsa-1028-keyx"): Retired(
        6,
        _RSA5_1028,
        ("canonical-bitlen-1028-openssl", "canonical-bitlen-1032-over-1028"),
    ),
    (PRIVATE, "import-rsa-1028-keyx"): Retired(
        46,
        _RSA5_1028,
        ("canonical-bitlen-1028-openssl", "canonical-import-rsa-1028-bitlen-1032"),
    ),
    (PRIVATE, "import-modulus-below-exponent"): Retired(62, _RSA5_SHORT),
    (PRIVATE, "import-composite-prime"): Retired(
        63,
        "SPEC RSA-5: the 1036-bit modulus was written with bitlen 1036, not 1040",
        ("canonical-import-composite-prime",),
    ),
    (PRIVATE, "export-rsa-1028-default"): Retired(
        69, _EXPORT_1028, ("canonical-export-rsa-1028-default",)
    ),
    (HEADER, "cng-rsapublic"): Retired(
        26,
        "SPEC §20: a CNG BCRYPT_RSAPUBLIC_BLOB is decoded now (cng_rsa_key_blob_test.json), "
        "no longer refused as unsupported",
    ),
    (DSS_V2, "seed-counter-negative"): Retired(
        9,
        "SPEC DSS-7: a DSSSEED counter of 0x80000000 is refused (.NET reads it as 'no seed')",
        ("canonical-seed-counter-0x80000000",),
    ),
    # SPEC 1.1 (issue 14): key-relation cases OpenSSL imports, re-released with the flag.
    (PUBLIC, "import-even-modulus"): Retired(
        75, _UNFLAGGED, ("relation-even-modulus",)
    ),
    **{
        (PRIVATE, f"import-{name}"): Retired(tc_id, _UNFLAGGED, (f"relation-{name}",))
        for tc_id, name in (
            (53, "modulus"),
            (54, "even-modulus"),
            (55, "p-equals-q"),
            (56, "tiny-prime"),
            (57, "private-exponent"),
            (58, "exponent1"),
            (59, "exponent2"),
            (60, "coefficient"),
            (61, "coefficient-swapped"),
        )
    },
    **{
        (DSS_V2, f"import-{name}"): Retired(tc_id, _UNFLAGGED, (f"relation-{name}",))
        for tc_id, name in (
            (42, "g-one"),
            (43, "g-wrong-order"),
            (44, "q-not-divisor"),
            (46, "y-one"),
            (47, "y-outside-subgroup"),
            (48, "x-zero"),
            (49, "x-equals-q"),
        )
    },
}


def retired_in(filename: str) -> dict[str, Retired]:
    """The retired cases of one vector file, by case name."""
    return {name: entry for (file, name), entry in RETIRED.items() if file == filename}
