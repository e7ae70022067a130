# SPDX-License-Identifier: Apache-2.0
"""The exceptions blobformat raises on purpose (SPEC §2.4).

Every failure caused by the bytes or values a caller passes in is a
:class:`BlobError`. Each error carries where it happened (``offset``,
``field``) and which SPEC.md requirement it enforces (``rule``). Messages
and attributes never contain key material: for secret fields they give
lengths only.

Hierarchy::

    BlobError
      ParseError (ValueError)
        TruncatedError, TrailingDataError, InvalidFieldError, UnsupportedBlobError
      EncodeError (ValueError)
      InvalidParameterError (ValueError)
        KeyMismatchError
      KeyConversionError (ValueError)
      PasswordError (ValueError)
      DecryptionError (ValueError)
      PaddingError (ValueError)
      SignatureError (ValueError)
        UnknownSignerError, BadSignatureError, WeakKeyError, StaleGenerationError
      NoRecipientError (LookupError)

One warning: :class:`LegacyKeyWarning` (a ``CryptographyDeprecationWarning``)
when a call hands a DSA or finite-field DH key object across the API while
cryptography deprecates those families (SPEC §14.4).
"""

from __future__ import annotations

import copy
from typing import ClassVar, TypeVar

from cryptography.utils import CryptographyDeprecationWarning

__all__ = [
    "BadSignatureError",
    "BlobError",
    "DecryptionError",
    "EncodeError",
    "InvalidFieldError",
    "InvalidParameterError",
    "KeyConversionError",
    "KeyMismatchError",
    "LegacyKeyWarning",
    "NoRecipientError",
    "PaddingError",
    "ParseError",
    "PasswordError",
    "SignatureError",
    "StaleGenerationError",
    "TrailingDataError",
    "TruncatedError",
    "UnknownSignerError",
    "UnsupportedBlobError",
    "WeakKeyError",
]

#: Where the documentation site renders a SPEC.md requirement: ``{anchor}`` is
#: :func:`spec_anchor` of the ID, so ``[SPEC RSA-4]`` in a message is
#: ``SPEC_URL.format(anchor="req-rsa-4")``. :attr:`~blobformat.BlobError.spec_url`
#: fills it in.
SPEC_URL = "https://blobformat.readthedocs.io/en/stable/spec.html#{anchor}"


def spec_anchor(rule: str) -> str:
    """The anchor of a requirement ID in the rendered specification.

    ``"RSA-4"`` gives ``"req-rsa-4"``. The documentation build puts this
    anchor on the bullet of SPEC.md that defines the ID.
    """
    return f"req-{rule.lower()}"


_E = TypeVar("_E", bound="BlobError")


class BlobError(Exception):
    """Root of every exception blobformat raises on purpose.

    It is abstract: only its subclasses are raised.

    :ivar message: what is wrong, without location or rule.
    :ivar offset: byte offset of the failing field in the input, if known.
    :ivar field: dotted path of the failing field (``"header.reserved"``), if known.
    :ivar rule: the SPEC.md requirement ID the input violates (``"HDR-3"``), if any.
    :ivar hint: what the input looks like instead, when that is known.
    """

    _abstract: ClassVar[bool] = True

    @property
    def spec_url(self) -> str | None:
        """The link to ``rule`` in the rendered specification, or ``None`` without a rule.

        Built from :data:`~blobformat.errors.SPEC_URL`; the message itself keeps the
        short ``[SPEC RSA-4]``.
        """
        return (
            None
            if self.rule is None
            else SPEC_URL.format(anchor=spec_anchor(self.rule))
        )

    def __init__(
        self,
        message: str,
        *,
        offset: int | None = None,
        field: str | None = None,
        rule: str | None = None,
        hint: str | None = None,
    ) -> None:
        if type(self).__dict__.get("_abstract", False):
            raise TypeError(f"{type(self).__name__} is abstract; raise a subclass")
        self.message = message
        self.offset = offset
        self.field = field
        self.rule = rule
        self.hint = hint
        super().__init__(self._render())

    def _details(self) -> str:
        return ""

    def relocated(self: _E, base: int, path: str = "") -> _E:
        """A copy of this error placed inside an enclosing structure.

        The offset moves by ``base`` (an error without one points at
        ``base``, the inner structure's start); ``path`` prefixes the field.
        """
        moved = copy.copy(self)
        moved.offset = base + (self.offset or 0)
        if path:
            moved.field = f"{path}.{self.field}" if self.field else path
        moved.args = (moved._render(),)
        return moved

    def _render(self) -> str:
        text = self.message
        where = []
        if self.offset is not None:
            where.append(f"at offset {self.offset}")
        if self.field is not None:
            where.append(f"({self.field})")
        if where:
            text = f"{text} {' '.join(where)}"
        text += self._details()
        if self.rule is not None:
            text = f"{text} [SPEC {self.rule}]"
        if self.hint:
            text = f"{text}; hint: {self.hint}"
        return text

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only arguments need help to survive pickling (multiprocessing).
        return (_rebuild, (type(self), self.message, dict(self.__dict__)))


def _rebuild(cls: type[BlobError], message: str, state: dict[str, object]) -> BlobError:
    err = cls.__new__(cls)
    Exception.__init__(err, message)
    err.__dict__.update(state)
    Exception.__init__(err, err._render())
    return err


class ParseError(BlobError, ValueError):
    """The bytes are not something blobformat accepts (abstract)."""

    _abstract = True


class TruncatedError(ParseError):
    """The input ends inside a field.

    :ivar needed: bytes the structure needs from the start of the input.
    :ivar available: bytes actually given.
    """

    _abstract = False

    def __init__(
        self,
        message: str,
        *,
        needed: int,
        available: int,
        offset: int | None = None,
        field: str | None = None,
        rule: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.needed = needed
        self.available = available
        super().__init__(message, offset=offset, field=field, rule=rule, hint=hint)


class TrailingDataError(ParseError):
    """Bytes follow a complete structure.

    :ivar extra: how many surplus bytes there are.
    """

    _abstract = False

    def __init__(
        self,
        message: str,
        *,
        extra: int,
        offset: int | None = None,
        field: str | None = None,
        rule: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.extra = extra
        super().__init__(message, offset=offset, field=field, rule=rule, hint=hint)


class InvalidFieldError(ParseError):
    """A field holds a value SPEC.md does not allow.

    :ivar expected: a description of the allowed values (never secret).
    :ivar actual: the value found, or ``None`` for secret fields.
    """

    _abstract = False

    def __init__(
        self,
        message: str,
        *,
        expected: str | None = None,
        actual: str | None = None,
        offset: int | None = None,
        field: str | None = None,
        rule: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.expected = expected
        self.actual = actual
        super().__init__(message, offset=offset, field=field, rule=rule, hint=hint)

    def _details(self) -> str:
        details = []
        if self.expected is not None:
            details.append(f"expected {self.expected}")
        if self.actual is not None:
            details.append(f"got {self.actual}")
        return f": {', '.join(details)}" if details else ""


class UnsupportedBlobError(ParseError):
    """Well-formed input of a kind outside SPEC.md's supported set.

    Vendor CSPs define their own ``bType`` values; this names the header
    values found so that a caller can route the bytes elsewhere.
    """

    _abstract = False


class EncodeError(BlobError, ValueError):
    """A model or key cannot be written as the requested blob."""

    _abstract = False


class InvalidParameterError(BlobError, ValueError):
    """An argument value is outside what the operation supports."""

    _abstract = False


class KeyMismatchError(InvalidParameterError):
    """A private key and the certificates given for it do not belong together.

    No certificate carries the key's public key (SPEC §14.8, PFX-1).
    """


class KeyConversionError(BlobError, ValueError):
    """Key numbers are inconsistent or cannot be represented.

    :ivar relation: the relation that fails, e.g. ``"n == p*q"``.
    """

    _abstract = False

    def __init__(
        self,
        message: str,
        *,
        relation: str | None = None,
        offset: int | None = None,
        field: str | None = None,
        rule: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.relation = relation
        super().__init__(message, offset=offset, field=field, rule=rule, hint=hint)


class PasswordError(BlobError, ValueError):
    """A password is missing, or does not decrypt the PVK file."""

    _abstract = False


class DecryptionError(BlobError, ValueError):
    """Unwrapping failed.

    Raised with one fixed message and no location for every cause (bad
    padding, wrong length, wrong key), so that it cannot act as a padding
    oracle (SPEC §15.2).
    """

    _abstract = False


class PaddingError(BlobError, ValueError):
    """The final block of ``CryptDecrypt``-style data has bad PKCS#5 padding."""

    _abstract = False


class SignatureError(BlobError, ValueError):
    """A signature or a signed envelope failed verification (SPEC §15.9, §16)."""

    _abstract = False


class UnknownSignerError(SignatureError):
    """The envelope's signer key id matches no trusted key."""


class BadSignatureError(SignatureError):
    """The signature does not verify (over the data, or the envelope and context)."""


class WeakKeyError(SignatureError):
    """A key is below the envelope's key policy (size or exponent)."""


class StaleGenerationError(SignatureError):
    """The envelope's generation is below the caller's minimum."""


class NoRecipientError(BlobError, LookupError):
    """No envelope entry is wrapped to the given private key."""

    _abstract = False


class LegacyKeyWarning(CryptographyDeprecationWarning):
    """A call returned or took a DSA or finite-field DH key object of cryptography.

    cryptography deprecates both families (DH since release 50, DSA since 51)
    and says it will remove them. blobformat silences cryptography's own
    warnings, which would point into blobformat, and issues this one at the
    caller's line instead, only with versions of cryptography that deprecate
    the family. :func:`blobformat.export_private_key` and
    :func:`blobformat.export_public_key` convert DSS and DH blobs without
    cryptography's key classes and never warn. Being a subclass of
    ``CryptographyDeprecationWarning``, it is matched by filters on that
    category too (SPEC §14.4).
    """
