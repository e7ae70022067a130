"""Unwrap failures are indistinguishable (SPEC §15.2 [SES-2], §15.6 [KWR-4], §12 [PVK-9]).

For each unwrap function, every secret-dependent failure kind must raise an
exception that is identical in everything a caller or a log can see: type,
message, args, attributes, cause, context and the traceback's frames (file,
function and line of each). A difference in any of them tells an attacker
which check failed, i.e. it is a padding oracle. Timing is measured by
benchmarks/oracle_timing.py, never here.
"""

from __future__ import annotations

import dataclasses
import traceback
from collections.abc import Callable

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import blobformat as bf
from blobformat.capi import keywrap as _keywrap
from blobformat.capi.rc2 import RC2
from blobformat.capi.sessionkey import SessionKey
from blobformat.capi.wrap import (
    unwrap_session_key,
    unwrap_symmetric_key,
    wrap_session_key,
)
from blobformat.envelope.store import load_session_key, seal
from tests import keyfactory as kf

AES = SessionKey(alg_id=bf.AlgId.CALG_AES_256, key=bytes(range(32)))
Fingerprint = tuple[object, ...]


def _raised(
    function: Callable[..., object], *args: object, **kwargs: object
) -> BaseException:
    """Call ``function`` and return what it raised (one call site for every case)."""
    try:
        function(*args, **kwargs)
    except Exception as err:  # the test inspects whatever is raised
        return err
    raise AssertionError("no exception was raised")


def _fingerprint(err: BaseException) -> Fingerprint:
    """Everything about an exception that a caller, a log or a traceback shows."""
    frames = tuple(
        (frame.filename, frame.name, frame.lineno)
        for frame in traceback.extract_tb(err.__traceback__)
    )
    return (
        type(err),
        str(err),
        repr(err),
        err.args,
        sorted((k, repr(v)) for k, v in vars(err).items()),
        repr(err.__cause__),
        repr(err.__context__),
        err.__suppress_context__,
        frames,
        "".join(traceback.format_exception(err)).replace(repr(err.__traceback__), ""),
    )


def _assert_uniform(errors: dict[str, BaseException], cls: type[BaseException]) -> None:
    """All errors are ``cls``, carry no cause or context and look the same."""
    for name, err in errors.items():
        assert type(err) is cls, (name, err)
        assert err.__cause__ is None, name
        assert err.__context__ is None, name
        assert err.__suppress_context__ is False, name
    prints = {name: _fingerprint(err) for name, err in errors.items()}
    first_name, first = next(iter(prints.items()))
    for name, other in prints.items():
        assert other == first, f"{name} differs from {first_name}"


# ---------------------------------------------------------------------------
# SIMPLEBLOB


def _simple(key_alg: bf.AlgId, ciphertext_be: bytes) -> bytes:
    return bf.SimpleBlob(
        key_alg=key_alg,
        wrap_alg=bf.AlgId.CALG_RSA_KEYX,
        encrypted_key=ciphertext_be[::-1],
    ).to_bytes()


def _pkcs1_cases(key: rsa.RSAPrivateKey) -> dict[str, bytes]:
    """SIMPLEBLOBs, one per PKCS#1 v1.5 failure kind, for ``key``."""
    pub = key.public_key().public_numbers()
    size = (key.key_size + 7) // 8

    def with_em(em: bytes, alg: bf.AlgId = bf.AlgId.CALG_AES_256) -> bytes:
        assert len(em) == size
        return _simple(
            alg, pow(int.from_bytes(em, "big"), pub.e, pub.n).to_bytes(size, "big")
        )

    def body(ps_len: int, payload: bytes, head: bytes = b"\x00\x02") -> bytes:
        return head + b"\x11" * ps_len + b"\x00" + payload

    ps = size - 3 - len(AES.key)
    good = bf.parse(wrap_session_key(AES, key.public_key()))
    assert isinstance(good, bf.SimpleBlob)
    return {
        "padding-type-byte": with_em(body(ps, AES.key, b"\x00\x01")),
        "leading-byte": with_em(body(ps, AES.key, b"\x01\x02")),
        "padding-too-short": with_em(body(7, b"\x22" * (size - 10))),
        "no-zero-separator": with_em(b"\x00\x02" + b"\x11" * (size - 2)),
        "valid-padding-wrong-key-length": with_em(body(ps + 25, AES.key[:7])),
        "valid-padding-one-byte-short": with_em(body(ps + 1, AES.key[:-1])),
        "valid-padding-master-secret-length": with_em(body(ps - 16, bytes(48))),
        "valid-padding-no-session-alg": with_em(body(ps, AES.key), bf.AlgId.CALG_SEAL),
        "wrong-private-key": wrap_session_key(AES, kf.rsa_key(2048).public_key()),
        "ciphertext-equals-n": _simple(
            bf.AlgId.CALG_AES_256, pub.n.to_bytes(size, "big")
        ),
        "ciphertext-above-n": _simple(
            bf.AlgId.CALG_AES_256, (pub.n + 1).to_bytes(size, "big")
        ),
        "ciphertext-one-byte-long": dataclasses.replace(
            good, encrypted_key=good.encrypted_key + b"\x00"
        ).to_bytes(),
        "ciphertext-one-byte-short": dataclasses.replace(
            good, encrypted_key=good.encrypted_key[:-1]
        ).to_bytes(),
    }


def _oaep_cases(key: rsa.RSAPrivateKey) -> dict[str, bytes]:
    """SIMPLEBLOBs, one per OAEP failure kind, for ``key``."""
    pub = key.public_key()
    size = (key.key_size + 7) // 8
    scheme = padding.OAEP(
        mgf=padding.MGF1(hashes.SHA1()), algorithm=hashes.SHA1(), label=None
    )
    return {
        "oaep-bad-padding": wrap_session_key(AES, pub),  # PKCS#1 v1.5 bytes
        "oaep-wrong-key-length": _simple(
            bf.AlgId.CALG_AES_256, pub.encrypt(bytes(7), scheme)
        ),
        "oaep-wrong-private-key": wrap_session_key(
            AES, kf.rsa_key(2048).public_key(), oaep=True
        ),
        "oaep-ciphertext-above-n": _simple(
            bf.AlgId.CALG_AES_256, (pub.public_numbers().n + 1).to_bytes(size, "big")
        ),
    }


def test_valid_controls_unwrap() -> None:
    # The cases above are built right: the same builders give working blobs.
    key = kf.rsa_key()
    assert unwrap_session_key(wrap_session_key(AES, key.public_key()), key) == AES
    assert (
        unwrap_session_key(
            wrap_session_key(AES, key.public_key(), oaep=True), key, oaep=True
        )
        == AES
    )


def test_simpleblob_failures_are_indistinguishable() -> None:
    key = kf.rsa_key()
    errors = {
        name: _raised(unwrap_session_key, blob, key, oaep=False)
        for name, blob in _pkcs1_cases(key).items()
    }
    errors |= {
        name: _raised(unwrap_session_key, blob, key, oaep=True)
        for name, blob in _oaep_cases(key).items()
    }
    _assert_uniform(errors, bf.DecryptionError)
    err = next(iter(errors.values()))
    assert isinstance(err, bf.DecryptionError)
    assert (err.rule, err.offset, err.field, err.hint) == ("SES-2", None, None, None)
    # The innermost frame is unwrap_session_key itself: no helper raised it.
    assert traceback.extract_tb(err.__traceback__)[-1].name == "unwrap_session_key"


def test_envelope_unwrap_goes_through_the_same_raise() -> None:
    owner = kf.rsa_key(2048)
    cases = _pkcs1_cases(owner)
    errors = {
        name: _raised(load_session_key, seal([cases[name]], owner), owner)
        for name in (
            "padding-type-byte",
            "no-zero-separator",
            "valid-padding-wrong-key-length",
        )
    }
    _assert_uniform(errors, bf.DecryptionError)
    direct = _raised(unwrap_session_key, cases["padding-type-byte"], owner)
    last = traceback.extract_tb(next(iter(errors.values())).__traceback__)[-1]
    assert last == traceback.extract_tb(direct.__traceback__)[-1]


# ---------------------------------------------------------------------------
# RFC 3217 key wrap / SYMMETRICWRAPKEYBLOB

TDES_KEK = SessionKey(alg_id=bf.AlgId.CALG_3DES, key=bytes(range(1, 25)))
RC2_KEK = SessionKey(alg_id=bf.AlgId.CALG_RC2, key=bytes(range(40, 56)))
IV = bytes(range(8))


def _rc2_wrap_raw(lcekpad: bytes, *, checksum: bytes | None = None) -> bytes:
    """RC2-wrap an arbitrary LCEKPAD (bad length octets and padding included)."""
    rc2 = RC2(RC2_KEK.key, 128)
    icv = _keywrap.cms_key_checksum(lcekpad) if checksum is None else checksum
    return _keywrap._wrap_core(
        lcekpad + icv,
        IV,
        lambda chain, data: _keywrap._rc2_cbc(rc2, chain, data, decrypt=False),
    )


def _tdes_wrap_raw(cek24: bytes) -> bytes:
    """3DES-wrap 24 bytes as they are (no parity fix), with a right checksum."""
    kek = TDES_KEK.key
    return _keywrap._wrap_core(
        cek24 + _keywrap.cms_key_checksum(cek24),
        IV,
        lambda chain, data: _keywrap._tdes_cbc(kek, chain, data, decrypt=False),
    )


def _rc2_cases() -> dict[str, bytes]:
    good = _keywrap.wrap_rc2(bytes(range(16)), RC2_KEK.key, iv=IV)
    return {
        "rc2-bad-checksum": good[:-1] + bytes([good[-1] ^ 1]),
        "rc2-length-byte-zero": _rc2_wrap_raw(bytes(16)),
        "rc2-length-byte-too-long": _rc2_wrap_raw(bytes([40]) + bytes(15)),
        "rc2-bad-padding-length": _rc2_wrap_raw(bytes([5]) + bytes(15)),
        "rc2-checksum-of-other-bytes": _rc2_wrap_raw(
            bytes([16]) + bytes(23), checksum=bytes(8)
        ),
        "rc2-wrong-key-length": _keywrap.wrap_rc2(
            bytes(3), RC2_KEK.key, iv=IV, pad=bytes(4)
        ),
        "rc2-wrong-kek": _keywrap.wrap_rc2(bytes(range(16)), bytes(16), iv=IV),
    }


def _tdes_cases() -> dict[str, bytes]:
    good = _keywrap.wrap_3des(bytes(range(1, 25)), TDES_KEK.key, iv=IV)
    odd = _keywrap._odd_parity(bytes(range(1, 25)))
    return {
        "3des-bad-checksum": good[:-1] + bytes([good[-1] ^ 1]),
        "3des-bad-parity": _tdes_wrap_raw(bytes([odd[0] ^ 1]) + odd[1:]),
        "3des-wrong-kek": _keywrap.wrap_3des(
            bytes(range(1, 25)), bytes(range(2, 26)), iv=IV
        ),
    }


def _swk(key_alg: bf.AlgId, wrap_alg: bf.AlgId, wrapped: bytes) -> bytes:
    return bf.SymmetricWrapKeyBlob(
        key_alg=key_alg, wrap_alg=wrap_alg, wrapped_key=wrapped
    ).to_bytes()


def test_symmetric_wrap_failures_are_indistinguishable() -> None:
    errors = {
        name: _raised(unwrap_symmetric_key, blob, kek)
        for name, blob, kek in [
            *(
                (n, _swk(bf.AlgId.CALG_RC2, bf.AlgId.CALG_RC2, w), RC2_KEK)
                for n, w in _rc2_cases().items()
            ),
            *(
                (n, _swk(bf.AlgId.CALG_3DES, bf.AlgId.CALG_3DES, w), TDES_KEK)
                for n, w in _tdes_cases().items()
            ),
            (
                "3des-two-key-k3-not-k1",
                _swk(
                    bf.AlgId.CALG_3DES_112,
                    bf.AlgId.CALG_3DES,
                    _keywrap.wrap_3des(bytes(range(1, 25)), TDES_KEK.key, iv=IV),
                ),
                TDES_KEK,
            ),
            (
                "rc2-valid-wrap-aes-key-length",
                _swk(
                    bf.AlgId.CALG_AES_128,
                    bf.AlgId.CALG_RC2,
                    _keywrap.wrap_rc2(bytes(15), RC2_KEK.key, iv=IV, pad=bytes(0)),
                ),
                RC2_KEK,
            ),
        ]
    }
    _assert_uniform(errors, bf.DecryptionError)
    err = next(iter(errors.values()))
    assert isinstance(err, bf.DecryptionError)
    assert (err.rule, err.offset, err.field) == ("KWR-4", None, None)
    assert traceback.extract_tb(err.__traceback__)[-1].name == "unwrap_symmetric_key"


def test_symmetric_wrap_valid_controls() -> None:
    rc2 = _keywrap.wrap_rc2(bytes(range(16)), RC2_KEK.key, iv=IV)
    assert unwrap_symmetric_key(
        _swk(bf.AlgId.CALG_RC2, bf.AlgId.CALG_RC2, rc2), RC2_KEK
    ).key == bytes(range(16))
    raw = _rc2_wrap_raw(bytes([16]) + bytes(range(16)) + bytes(7))
    assert _keywrap.unwrap_rc2(raw, RC2_KEK.key) == bytes(range(16))
    odd = _keywrap._odd_parity(bytes(range(1, 25)))
    assert _keywrap.unwrap_3des(_tdes_wrap_raw(odd), TDES_KEK.key) == odd


def test_key_wrap_functions_fail_uniformly() -> None:
    # A 3-byte CEK is a valid RC2 key wrap; only the blob's aiKeyAlg rejects it.
    errors = {
        name: _raised(_keywrap.unwrap_rc2, w, RC2_KEK.key)
        for name, w in _rc2_cases().items()
        if name != "rc2-wrong-key-length"
    }
    errors["rc2-short"] = _raised(_keywrap.unwrap_rc2, bytes(16), RC2_KEK.key)
    errors["rc2-not-blocks"] = _raised(_keywrap.unwrap_rc2, bytes(25), RC2_KEK.key)
    _assert_uniform(errors, bf.DecryptionError)
    tdes = {
        name: _raised(_keywrap.unwrap_3des, w, TDES_KEK.key)
        for name, w in _tdes_cases().items()
    }
    tdes["3des-length"] = _raised(_keywrap.unwrap_3des, bytes(48), TDES_KEK.key)
    good = _keywrap.wrap_3des(bytes(range(1, 25)), TDES_KEK.key, iv=IV)
    tdes["3des-k3-not-k1"] = _raised(
        _keywrap.unwrap_3des, good, TDES_KEK.key, cek_length=16
    )
    _assert_uniform(tdes, bf.DecryptionError)


# ---------------------------------------------------------------------------
# PVK


def test_pvk_wrong_password_and_corrupt_magic_are_indistinguishable() -> None:
    key = kf.rsa_key()
    strong = bf.dump_pvk(key, b"password")
    weak = bf.dump_pvk(key, b"password", strength="weak")
    magic_at = 24 + 16 + 8  # header, salt, the inner BLOBHEADER in clear
    corrupt = strong[:magic_at] + bytes([strong[magic_at] ^ 1]) + strong[magic_at + 1 :]
    errors = {
        "strong-wrong-password": _raised(bf.load_pvk, strong, b"Password"),
        "weak-wrong-password": _raised(bf.load_pvk, weak, b"Password"),
        "corrupt-magic": _raised(bf.load_pvk, corrupt, b"password"),
        "empty-password": _raised(bf.load_pvk, strong, b""),
    }
    _assert_uniform(errors, bf.PasswordError)
    assert bf.load_pvk(weak, b"password").private_numbers() == key.private_numbers()
