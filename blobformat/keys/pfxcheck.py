# SPDX-License-Identifier: Apache-2.0
"""Read a PFX's outer structure strictly before ``cryptography`` reads it (SPEC §14.8).

Exports :func:`scan_pfx` and :data:`PFX_MAX_ITERATIONS`.

Two things must be settled before the PKCS #12 reader runs. The MAC's
iteration count sits outside the MAC, and every PBE count outside the data it
protects, so one changed INTEGER makes the reader run a key derivation that
many times before it can report a wrong password ([PFX-6]). And the reader
falls back to BER with a warning where [PFX-3] wants DER. This module walks
the PFX (RFC 7292) down to the algorithm parameters of every encrypted
content info and shrouded key bag outside encryption, with the strict reader
of :mod:`blobformat.keys.der`: no length is trusted beyond the input, nothing
is copied, and the nesting of safe-contents bags is bounded. What lies inside
encrypted content is out of its reach until the reader decrypts it.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

from blobformat.errors import UnsupportedBlobError
from blobformat.keys.der import (
    INTEGER,
    OCTET_STRING,
    OID,
    SEQUENCE,
    SET,
    DERError,
    Element,
    elements,
    is_oid,
    read_element,
    read_integer,
)

__all__ = ["PFX_MAX_ITERATIONS", "scan_pfx"]

#: The default bound on the sum of a PFX's iteration counts (PFX-6): .NET's
#: default for PKCS #12 files. pvk_to_pfx writes at most 100 000 per bag
#: plus cryptography's MAC count; Windows and OpenSSL write 2000 to 10 000.
PFX_MAX_ITERATIONS: Final = 600_000

_EXPLICIT_0 = 0xA0
_IMPLICIT_0 = 0x80
_IMPLICIT_1 = 0xA1
_PFX_VERSION = 3
_OID_DATA = "1.2.840.113549.1.7.1"
_OID_SIGNED_DATA = "1.2.840.113549.1.7.2"
_OID_ENCRYPTED_DATA = "1.2.840.113549.1.7.6"
_OID_SHROUDED_KEY_BAG = "1.2.840.113549.1.12.10.1.2"
_OID_SAFE_CONTENTS_BAG = "1.2.840.113549.1.12.10.1.6"
# pkcs-12PbeIds (RFC 7292 appendix C) and PKCS #5 v1.5 PBES1: (salt, iterations).
_SIMPLE_PBE: Final = (
    *(f"1.2.840.113549.1.12.1.{i}" for i in range(1, 7)),
    *(f"1.2.840.113549.1.5.{i}" for i in (1, 3, 4, 6, 10, 11)),
)
_OID_PBES2 = "1.2.840.113549.1.5.13"
_OID_PBKDF2 = "1.2.840.113549.1.5.12"
# RFC 7292 nests SafeContents in bags; real files nest once at most.
_MAX_BAG_DEPTH = 4


class _Items:
    """The elements of one constructed element, taken in order."""

    def __init__(self, scan: _Scan, parent: Element, field: str) -> None:
        self._scan = scan
        self._field = field
        self._end = parent.end
        self._iter: Iterator[Element] = elements(scan.data, parent.start, parent.end)
        self._next: Element | None = None

    def peek(self) -> Element | None:
        if self._next is None:
            self._next = next(self._iter, None)
        return self._next

    def take(self, tag: int, name: str) -> Element:
        found = self.peek()
        if found is None or found.tag != tag:
            raise self._scan.fail(
                f"expected {name}",
                self._end if found is None else found.offset,
                f"{self._field}.{name}",
            )
        self._next = None
        return found

    def optional(self, tag: int) -> Element | None:
        found = self.peek()
        if found is None or found.tag != tag:
            return None
        self._next = None
        return found

    def done(self) -> None:
        found = self.peek()
        if found is not None:
            raise self._scan.fail("unexpected element", found.offset, self._field)


class _Scan:
    """One walk over a PFX, summing its iteration counts."""

    def __init__(self, data: bytes, limit: int | None) -> None:
        self.data = data
        self.limit = limit
        self.total = 0

    def fail(self, message: str, offset: int, field: str) -> UnsupportedBlobError:
        return UnsupportedBlobError(
            f"the input is not a DER PFX (PKCS #12) file blobformat reads: {message}",
            offset=offset,
            field=field,
            rule="PFX-3",
        )

    def items(self, parent: Element, field: str) -> _Items:
        return _Items(self, parent, field)

    def inner(self, octets: Element, tag: int, field: str) -> Element:
        """The one element of ``tag`` that fills an OCTET STRING's or tag's contents."""
        element = read_element(self.data, octets.start, octets.end)
        if element.tag != tag or element.end != octets.end:
            raise self.fail("the contents are not one DER element", octets.start, field)
        return element

    def count(self, element: Element, field: str) -> None:
        """Add one iteration count, refusing the PFX once the sum passes the bound."""
        value = read_integer(self.data, element)
        if value < 1:
            raise self.fail("an iteration count below 1", element.offset, field)
        self.total += value
        if self.limit is not None and self.total > self.limit:
            raise UnsupportedBlobError(
                f"the PFX's iteration counts add up to more than max_iterations="
                f"{self.limit}; each costs the key derivation that many rounds before "
                "the password can be checked. Pass a larger max_iterations, or None, "
                "for files whose cost you accept",
                offset=element.offset,
                field=field,
                rule="PFX-6",
            )

    # -- structures -----------------------------------------------------------------

    def pfx(self) -> None:
        top = read_element(self.data, 0, len(self.data))
        if top.tag != SEQUENCE:
            raise self.fail("expected a SEQUENCE", 0, "pfx")
        if top.end != len(self.data):
            raise self.fail(
                f"{len(self.data) - top.end} byte(s) after the PFX", top.end, "pfx"
            )
        items = self.items(top, "pfx")
        version = items.take(INTEGER, "version")
        if read_integer(self.data, version) != _PFX_VERSION:
            raise self.fail("version is not 3", version.offset, "pfx.version")
        auth_safe = items.take(SEQUENCE, "authSafe")
        mac_data = items.optional(SEQUENCE)
        items.done()
        if mac_data is not None:
            self.mac_data(mac_data)
        self.auth_safe(auth_safe)

    def mac_data(self, mac_data: Element) -> None:
        field = "pfx.macData"
        items = self.items(mac_data, field)
        items.take(SEQUENCE, "mac")
        items.take(OCTET_STRING, "macSalt")
        iterations = items.optional(INTEGER)
        items.done()
        if iterations is None:
            return  # DEFAULT 1
        if read_integer(self.data, iterations) == 1:
            # DER leaves out a value equal to its DEFAULT.
            raise self.fail(
                "iterations 1 written out (DEFAULT)",
                iterations.offset,
                f"{field}.iterations",
            )
        self.count(iterations, f"{field}.iterations")

    def auth_safe(self, content_info: Element) -> None:
        field = "pfx.authSafe"
        items = self.items(content_info, field)
        content_type = items.take(OID, "contentType")
        if is_oid(self.data, content_type, _OID_SIGNED_DATA):
            raise self.fail(
                "public-key integrity mode (signedData) is not supported",
                content_type.offset,
                f"{field}.contentType",
            )
        if not is_oid(self.data, content_type, _OID_DATA):
            raise self.fail(
                "the authenticated safe is not of type data",
                content_type.offset,
                f"{field}.contentType",
            )
        explicit = items.take(_EXPLICIT_0, "content")
        items.done()
        octets = self.inner(explicit, OCTET_STRING, f"{field}.content")
        safe = self.inner(octets, SEQUENCE, f"{field}.content")
        for index, info in enumerate(elements(self.data, safe.start, safe.end)):
            where = f"{field}.contents[{index}]"
            if info.tag != SEQUENCE:
                raise self.fail("expected a ContentInfo", info.offset, where)
            self.content_info(info, where)

    def content_info(self, info: Element, field: str) -> None:
        items = self.items(info, field)
        content_type = items.take(OID, "contentType")
        explicit = items.take(_EXPLICIT_0, "content")
        items.done()
        if is_oid(self.data, content_type, _OID_DATA):
            octets = self.inner(explicit, OCTET_STRING, f"{field}.content")
            self.safe_contents(
                self.inner(octets, SEQUENCE, f"{field}.content"), field, 0
            )
        elif is_oid(self.data, content_type, _OID_ENCRYPTED_DATA):
            encrypted = self.inner(explicit, SEQUENCE, f"{field}.content")
            outer = self.items(encrypted, f"{field}.content")
            outer.take(INTEGER, "version")
            info_items = self.items(
                outer.take(SEQUENCE, "encryptedContentInfo"),
                f"{field}.content.encryptedContentInfo",
            )
            outer.optional(_IMPLICIT_1)  # unprotectedAttrs
            outer.done()
            info_items.take(OID, "contentType")
            algorithm = info_items.take(SEQUENCE, "contentEncryptionAlgorithm")
            info_items.optional(_IMPLICIT_0)  # encryptedContent
            info_items.done()
            self.algorithm(algorithm, f"{field}.contentEncryptionAlgorithm")
        else:
            raise self.fail(
                "a content type other than data and encryptedData",
                content_type.offset,
                f"{field}.contentType",
            )

    def safe_contents(self, contents: Element, field: str, depth: int) -> None:
        if depth > _MAX_BAG_DEPTH:
            raise self.fail(
                f"safe contents nested more than {_MAX_BAG_DEPTH} deep",
                contents.offset,
                field,
            )
        for index, bag in enumerate(elements(self.data, contents.start, contents.end)):
            where = f"{field}.bags[{index}]"
            if bag.tag != SEQUENCE:
                raise self.fail("expected a SafeBag", bag.offset, where)
            items = self.items(bag, where)
            bag_id = items.take(OID, "bagId")
            explicit = items.take(_EXPLICIT_0, "bagValue")
            items.optional(SET)  # bagAttributes
            items.done()
            value_element = read_element(self.data, explicit.start, explicit.end)
            if value_element.end != explicit.end:
                raise self.fail(
                    "the bag value is not one DER element", explicit.start, where
                )
            if is_oid(self.data, bag_id, _OID_SHROUDED_KEY_BAG):
                if value_element.tag != SEQUENCE:
                    raise self.fail(
                        "expected an EncryptedPrivateKeyInfo",
                        value_element.offset,
                        where,
                    )
                key_items = self.items(value_element, f"{where}.bagValue")
                algorithm = key_items.take(SEQUENCE, "encryptionAlgorithm")
                key_items.take(OCTET_STRING, "encryptedData")
                key_items.done()
                self.algorithm(algorithm, f"{where}.encryptionAlgorithm")
            elif is_oid(self.data, bag_id, _OID_SAFE_CONTENTS_BAG):
                if value_element.tag != SEQUENCE:
                    raise self.fail(
                        "expected SafeContents", value_element.offset, where
                    )
                self.safe_contents(value_element, f"{where}.bagValue", depth + 1)

    def algorithm(self, algorithm: Element, field: str) -> None:
        """Check a PBE AlgorithmIdentifier and count its iterations."""
        items = self.items(algorithm, field)
        oid = items.take(OID, "algorithm")
        if any(is_oid(self.data, oid, known) for known in _SIMPLE_PBE):
            params = self.items(
                items.take(SEQUENCE, "parameters"), f"{field}.parameters"
            )
            items.done()
            params.take(OCTET_STRING, "salt")
            self.count(
                params.take(INTEGER, "iterations"), f"{field}.parameters.iterations"
            )
            params.done()
            return
        if not is_oid(self.data, oid, _OID_PBES2):
            raise self.fail(
                "an encryption algorithm other than PKCS #12 PBE, PBES1 and PBES2",
                oid.offset,
                f"{field}.algorithm",
            )
        params = self.items(items.take(SEQUENCE, "parameters"), f"{field}.parameters")
        items.done()
        kdf = self.items(
            params.take(SEQUENCE, "keyDerivationFunc"),
            f"{field}.parameters.keyDerivationFunc",
        )
        params.take(SEQUENCE, "encryptionScheme")
        params.done()
        kdf_oid = kdf.take(OID, "algorithm")
        if not is_oid(self.data, kdf_oid, _OID_PBKDF2):
            raise self.fail(
                "a key derivation function other than PBKDF2",
                kdf_oid.offset,
                f"{field}.parameters.keyDerivationFunc",
            )
        where = f"{field}.parameters.keyDerivationFunc.parameters"
        pbkdf2 = self.items(kdf.take(SEQUENCE, "parameters"), where)
        kdf.done()
        pbkdf2.take(OCTET_STRING, "salt")
        self.count(pbkdf2.take(INTEGER, "iterationCount"), f"{where}.iterationCount")
        pbkdf2.optional(INTEGER)  # keyLength
        pbkdf2.optional(SEQUENCE)  # prf
        pbkdf2.done()


def scan_pfx(data: bytes, *, max_iterations: int | None = PFX_MAX_ITERATIONS) -> int:
    """Check a PFX's DER structure and bound its iteration counts (SPEC PFX-3, PFX-6).

    :param data: the PFX bytes.
    :param max_iterations: the largest sum of the iteration counts (the MAC's,
        and every PBE count outside encrypted content) to accept; ``None`` for
        no bound.
    :returns: that sum.
    :raises UnsupportedBlobError: for input that is not a DER PFX of the shape
        RFC 7292 gives (PFX-3), or a sum above ``max_iterations`` (PFX-6).
    """
    scan = _Scan(data, max_iterations)
    try:
        scan.pfx()
    except DERError as err:
        raise scan.fail(err.message, err.offset, "pfx") from None
    return scan.total
