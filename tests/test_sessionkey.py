# SPDX-License-Identifier: Apache-2.0
"""The public session-key API: model rules, secrecy, bytes-likes, contract."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable

import pytest

from blobformat.capi.sessionkey import (
    SessionKey,
    default_salt,
    derive_key,
    derive_key_from_password,
)
from blobformat.constants import AlgId
from blobformat.errors import BlobError, InvalidParameterError, PaddingError

A = AlgId


def test_public_names() -> None:
    import blobformat.capi.sessionkey as module

    assert set(module.__all__) == {
        "SessionKey",
        "default_salt",
        "derive_key",
        "derive_key_from_password",
    }


def test_signatures_are_the_public_contract() -> None:
    assert str(inspect.signature(derive_key)) == (
        "(hash_value: 'bytes | bytearray | memoryview', key_alg: 'AlgId', *, "
        "hash_alg: 'AlgId', key_bits: 'int | None' = None, "
        "create_salt: 'bool' = False, provider: 'str' = 'aes') -> 'SessionKey'"
    )
    assert str(inspect.signature(derive_key_from_password)) == (
        "(password: 'bytes | bytearray | memoryview', key_alg: 'AlgId', *, "
        "hash_alg: 'AlgId' = <AlgId.CALG_SHA1: 32772>, key_bits: 'int | None' = None, "
        "create_salt: 'bool' = False, provider: 'str' = 'aes') -> 'SessionKey'"
    )
    assert list(inspect.signature(SessionKey.encrypt).parameters) == [
        "self",
        "data",
        "mode",
        "iv",
        "final",
    ]


# -- the dataclass ------------------------------------------------------------


def test_frozen_slotted_keyword_only() -> None:
    key = SessionKey(alg_id=A.CALG_AES_128, key=bytes(16))
    with pytest.raises(dataclasses.FrozenInstanceError):
        key.key = bytes(16)  # type: ignore[misc]
    assert not hasattr(key, "__dict__")
    with pytest.raises(TypeError):
        SessionKey(A.CALG_AES_128, bytes(16))  # type: ignore[call-arg]
    assert key.salt == b"" and key.effective_bits is None


def test_replace_revalidates() -> None:
    key = SessionKey(alg_id=A.CALG_RC2, key=bytes(5), salt=bytes(11))
    assert dataclasses.replace(key, salt=b"").salt == b""
    assert dataclasses.replace(key, effective_bits=128).effective_bits == 128
    with pytest.raises(InvalidParameterError) as info:
        dataclasses.replace(key, alg_id=A.CALG_DES)
    assert info.value.rule == "SYM-2"


def test_fields_are_normalised() -> None:
    # The fields are typed bytes/AlgId, but any bytes-like and int is accepted.
    key: object = bytearray(b"12345")
    salt: object = memoryview(bytes(11))
    alg: object = 0x6801
    a = SessionKey(alg_id=A.CALG_RC4, key=key, salt=salt)  # type: ignore[arg-type]
    b = SessionKey(alg_id=alg, key=b"12345", salt=bytes(11))  # type: ignore[arg-type]
    assert a == b and hash(a) == hash(b)
    assert type(a.key) is bytes and type(a.salt) is bytes
    assert a.alg_id is A.CALG_RC4 and b.alg_id is A.CALG_RC4


@pytest.mark.parametrize(
    ("alg", "length"),
    [
        (A.CALG_DES, 8),
        (A.CALG_3DES_112, 16),
        (A.CALG_3DES, 24),
        (A.CALG_AES_128, 16),
        (A.CALG_AES_192, 24),
        (A.CALG_AES_256, 32),
        (A.CALG_RC2, 5),
        (A.CALG_RC2, 16),
        (A.CALG_RC4, 7),
        (A.CALG_TLS1_MASTER, 48),
        (A.CALG_SSL3_MASTER, 48),
    ],
)
def test_valid_lengths(alg: AlgId, length: int) -> None:
    assert len(SessionKey(alg_id=alg, key=bytes(length)).key) == length


@pytest.mark.parametrize(
    "alg", [A.CALG_RC5, A.CALG_AES, A.CALG_RSA_KEYX, A.CALG_SHA1, 0x1234]
)
def test_unsupported_algorithms(alg: AlgId) -> None:
    with pytest.raises(InvalidParameterError) as info:
        SessionKey(alg_id=alg, key=bytes(16))
    assert info.value.rule == "SYM-1"


@pytest.mark.parametrize(
    ("alg", "length"),
    [
        (A.CALG_DES, 7),
        (A.CALG_DES, 16),
        (A.CALG_3DES_112, 24),
        (A.CALG_3DES, 16),
        (A.CALG_AES_128, 32),
        (A.CALG_AES_256, 16),
        (A.CALG_RC2, 4),
        (A.CALG_RC2, 17),
        (A.CALG_RC4, 0),
        (A.CALG_TLS1_MASTER, 32),
    ],
)
def test_invalid_lengths(alg: AlgId, length: int) -> None:
    with pytest.raises(InvalidParameterError) as info:
        SessionKey(alg_id=alg, key=bytes(length))
    assert info.value.rule == "SYM-2"
    assert alg.name in str(info.value) and str(length) in str(info.value)


def test_salt_rules() -> None:
    with pytest.raises(InvalidParameterError) as info:
        SessionKey(alg_id=A.CALG_AES_128, key=bytes(16), salt=b"\x01")
    assert info.value.rule == "SYM-3"
    assert len(SessionKey(alg_id=A.CALG_RC4, key=bytes(5), salt=bytes(24)).salt) == 24
    with pytest.raises(InvalidParameterError) as info:
        SessionKey(alg_id=A.CALG_RC4, key=bytes(5), salt=bytes(25))
    assert info.value.rule == "SYM-4"


@pytest.mark.parametrize(
    ("alg", "length", "bits"),
    [
        (A.CALG_RC4, 16, 128),
        (A.CALG_AES_128, 16, 128),
        (A.CALG_RC2, 16, 0),
        (A.CALG_RC2, 16, 1025),
    ],
)
def test_effective_bits_rules(alg: AlgId, length: int, bits: int) -> None:
    # Windows: KP_EFFECTIVE_KEYLEN 0 and 1025 fail (test_rc2); RC2 only.
    with pytest.raises(InvalidParameterError) as info:
        SessionKey(alg_id=alg, key=bytes(length), effective_bits=bits)
    assert info.value.rule == "SYM-5"


def test_field_types() -> None:
    with pytest.raises(TypeError):
        SessionKey(alg_id=A.CALG_RC4, key="12345")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        SessionKey(alg_id="CALG_RC4", key=bytes(5))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        SessionKey(alg_id=A.CALG_RC4, key=bytes(5), salt=None)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        SessionKey(alg_id=A.CALG_RC2, key=bytes(5), effective_bits=40.0)  # type: ignore[arg-type]


# -- secrecy ------------------------------------------------------------------

SECRET = bytes.fromhex("c0ffee1234deadbeefcafef00dba5eba")
SALT = bytes.fromhex("5a17ed5a17ed5a17ed5a17")


def _renderings(value: bytes) -> list[str]:
    return [
        value.hex(),
        value.hex().upper(),
        repr(value),
        value[:4].hex(),
        str(list(value[:4]))[1:-1],
    ]


def test_repr_shows_lengths_only() -> None:
    key = SessionKey(alg_id=A.CALG_RC2, key=SECRET, salt=SALT, effective_bits=128)
    text = repr(key)
    assert text == (
        "SessionKey(alg_id=CALG_RC2, key_bits=128, salt_bytes=11, effective_bits=128)"
    )
    for secret in (SECRET, SALT):
        for rendering in _renderings(secret):
            assert rendering not in text
    assert str(key) == text


def _collect_errors() -> list[BaseException]:
    key = SessionKey(alg_id=A.CALG_RC2, key=SECRET)
    salted = SessionKey(alg_id=A.CALG_RC4, key=SECRET[:5], salt=SALT)
    attempts: list[Callable[[], object]] = [
        lambda: SessionKey(alg_id=A.CALG_RC2, key=SECRET + SECRET),
        lambda: SessionKey(alg_id=A.CALG_AES_128, key=SECRET, salt=SALT),
        lambda: SessionKey(alg_id=A.CALG_RC4, key=SECRET[:5], salt=SALT * 3),
        lambda: SessionKey(alg_id=A.CALG_RC4, key=SECRET, effective_bits=64),
        lambda: key.decrypt(key.encrypt(SECRET, final=False)),
        lambda: key.encrypt(SECRET, iv=SECRET),
        lambda: key.encrypt(SECRET[:5], final=False),
        lambda: salted.decrypt(b""),
        lambda: derive_key(SECRET + SECRET, A.CALG_RC4, hash_alg=A.CALG_SHA1),
        lambda: derive_key(
            SECRET,
            A.CALG_RC4,
            hash_alg=A.CALG_MD5,
            key_bits=56,
            create_salt=True,
            provider="base",
        ),
    ]
    errors: list[BaseException] = []
    for attempt in attempts:
        with pytest.raises(BlobError) as info:
            attempt()
        errors.append(info.value)
    return errors


def test_errors_never_contain_key_or_salt_bytes() -> None:
    errors = _collect_errors()
    assert {type(e) for e in errors} == {InvalidParameterError, PaddingError}
    for error in errors:
        text = f"{error} {error!r} {error.args!r} {vars(error)!r}"
        for secret in (SECRET, SALT):
            for rendering in _renderings(secret):
                assert rendering not in text, (rendering, text)


# -- bytes-like inputs and argument types -------------------------------------


def test_accepts_bytes_like_everywhere() -> None:
    key = SessionKey(alg_id=A.CALG_AES_128, key=bytes(16))
    expected = key.encrypt(b"data", iv=bytes(range(16)))
    assert key.encrypt(bytearray(b"data"), iv=memoryview(bytes(range(16)))) == expected
    assert key.decrypt(memoryview(expected), iv=bytearray(range(16))) == b"data"
    password = b"secret"
    assert derive_key_from_password(
        bytearray(password), A.CALG_RC4
    ) == derive_key_from_password(memoryview(password), A.CALG_RC4)
    assert derive_key(bytearray(20), A.CALG_RC4, hash_alg=A.CALG_SHA1).key == bytes(16)


def test_argument_types() -> None:
    key = SessionKey(alg_id=A.CALG_AES_128, key=bytes(16))
    with pytest.raises(TypeError):
        key.encrypt("text")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        key.encrypt(b"x", iv="0" * 16)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        key.decrypt(b"x" * 16, final=1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        derive_key_from_password("password", A.CALG_RC4)  # type: ignore[arg-type]


def test_password_derivation_uses_sha1_by_default() -> None:
    from blobformat.capi.hashes import digest

    via_password = derive_key_from_password(b"pw", A.CALG_AES_256)
    via_hash = derive_key(
        digest(A.CALG_SHA1, b"pw"), A.CALG_AES_256, hash_alg=A.CALG_SHA1
    )
    assert via_password == via_hash
    with pytest.raises(InvalidParameterError) as info:
        derive_key_from_password(b"pw", A.CALG_RC4, hash_alg=A.CALG_MAC)
    assert info.value.rule == "DRV-1"


def test_default_salt() -> None:
    # CryptImportKey/CryptGenKey: 11 zero bytes for 40-bit RC2/RC4 keys only.
    assert default_salt(A.CALG_RC4, 5) == bytes(11)
    assert default_salt(A.CALG_RC2, 5) == bytes(11)
    assert default_salt(A.CALG_RC4, 7) == b""
    assert default_salt(A.CALG_AES_128, 16) == b""
    assert default_salt(A.CALG_TLS1_MASTER, 48) == b""
    with pytest.raises(TypeError):
        default_salt(A.CALG_RC4, 5.0)  # type: ignore[arg-type]


def test_repr_without_effective_bits() -> None:
    key = SessionKey(alg_id=A.CALG_3DES, key=bytes(24))
    assert repr(key) == "SessionKey(alg_id=CALG_3DES, key_bits=192, salt_bytes=0)"
