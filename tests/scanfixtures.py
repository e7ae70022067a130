"""Blobs of every kind the scanner reports, built from the fixed test keys (tests/keyfiles.py).

Used by tests/test_scan.py and fuzz/make_scan_corpus (the seed corpus of
fuzz_scan). Deterministic: salts, IVs and padding come from fixed seeds, so
the same bytes come out on every run.
"""

from __future__ import annotations

import base64
import functools
import random
import warnings

from cryptography.hazmat.primitives.asymmetric import rsa

import blobformat as bf
from tests import keyfiles


def _pem(name: str) -> object:
    with warnings.catch_warnings():
        # cryptography deprecates DSA and DH keys; these are test inputs.
        warnings.simplefilter("ignore")
        return keyfiles.vector_key(name.removesuffix(".pem"))


@functools.cache
def rsa_key(name: str = "rsa-520") -> rsa.RSAPrivateKey:
    key = _pem(f"{name}.pem")
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@functools.cache
def _dsa_numbers() -> tuple[int, int, int, int, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nums = _pem("dsa-1024.pem").private_numbers()  # type: ignore[attr-defined]
    pn = nums.public_numbers.parameter_numbers
    return pn.p, pn.q, pn.g, nums.x, nums.public_numbers.y


@functools.cache
def _dsa512_group() -> tuple[int, int, int]:
    """p, q, g of dsa-512-params.pem: DER SEQUENCE { INTEGER p, INTEGER q, INTEGER g }."""
    text = keyfiles.pem_path("dsa-512-params").read_text()
    der = base64.b64decode(
        "".join(line for line in text.splitlines() if not line.startswith("-----"))
    )

    def length(at: int) -> tuple[int, int]:
        first = der[at]
        if first < 0x80:
            return first, at + 1
        count = first & 0x7F
        return int.from_bytes(der[at + 1 : at + 1 + count], "big"), at + 1 + count

    _, at = length(1)  # the SEQUENCE
    numbers = []
    for _ in range(3):
        size, at = length(at + 1)  # skip the INTEGER tag
        numbers.append(int.from_bytes(der[at : at + size], "big"))
        at += size
    return numbers[0], numbers[1], numbers[2]


@functools.cache
def _dh_numbers(name: str) -> tuple[int, int, int | None, int, int]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        nums = _pem(name).private_numbers()  # type: ignore[attr-defined]
    pn = nums.public_numbers.parameter_numbers
    return pn.p, pn.g, pn.q, nums.x, nums.public_numbers.y


def _seed() -> bf.DSSSeed:
    return bf.DSSSeed.none()


def rsa_blobs(name: str = "rsa-520") -> dict[str, bytes]:
    key = rsa_key(name)
    return {
        "rsa-private": bf.dump_private_key(key),
        "rsa-public": bf.dump_public_key(key.public_key()),
    }


def dss_blobs() -> dict[str, bytes]:
    p, q, g, x, y = _dsa_numbers()
    j = (p - 1) // q
    bits = p.bit_length()
    alg = bf.AlgId.CALG_DSS_SIGN
    return {
        "dss-public": bf.DSSPublicKeyBlob(
            key_alg=alg, bit_length=bits, p=p, q=q, g=g, y=y, seed=_seed()
        ).to_bytes(),
        "dss-private": bf.DSSPrivateKeyBlob(
            key_alg=alg, bit_length=bits, p=p, q=q, g=g, x=x, seed=_seed()
        ).to_bytes(),
        "dss-public-v3": bf.DSSPublicKeyBlobV3(
            key_alg=alg,
            bit_length_p=bits,
            bit_length_q=q.bit_length(),
            bit_length_j=j.bit_length(),
            seed=_seed(),
            p=p,
            q=q,
            g=g,
            j=j,
            y=y,
        ).to_bytes(),
        "dss-private-v3": bf.DSSPrivateKeyBlobV3(
            key_alg=alg,
            bit_length_p=bits,
            bit_length_q=q.bit_length(),
            bit_length_j=j.bit_length(),
            bit_length_x=q.bit_length(),
            seed=_seed(),
            p=p,
            q=q,
            g=g,
            j=j,
            y=y,
            x=x,
        ).to_bytes(),
    }


def dss_512_blob() -> bytes:
    """A 512-bit DSS public key: valid, consistent, not representable by cryptography (KEY-5)."""
    p, q, g = _dsa512_group()
    x = 0x1234567890ABCDEF1234567890ABCDEF % q
    return bf.DSSPublicKeyBlob(
        key_alg=bf.AlgId.CALG_DSS_SIGN,
        bit_length=512,
        p=p,
        q=q,
        g=g,
        y=pow(g, x, p),
        seed=_seed(),
    ).to_bytes()


def dh_blobs() -> dict[str, bytes]:
    p, g, _, x, y = _dh_numbers("dh-512.pem")
    alg = bf.AlgId.CALG_DH_SF
    bits = p.bit_length()
    out = {
        "dh-public": bf.DHPublicKeyBlob(key_alg=alg, bit_length=bits, y=y).to_bytes(),
        "dh-private": bf.DHPrivateKeyBlob(
            key_alg=alg, bit_length=bits, p=p, g=g, x=x
        ).to_bytes(),
    }
    p, g, q, x, y = _dh_numbers("dhx-1024.pem")
    assert q is not None
    j = (p - 1) // q
    common = {
        "key_alg": bf.AlgId.CALG_DH_EPHEM,
        "bit_length_p": p.bit_length(),
        "bit_length_q": q.bit_length(),
        "bit_length_j": j.bit_length(),
        "seed": _seed(),
        "p": p,
        "q": q,
        "g": g,
        "j": j,
        "y": y,
    }
    out["dh-public-v3"] = bf.DHPublicKeyBlobV3(**common).to_bytes()  # type: ignore[arg-type]
    out["dh-private-v3"] = bf.DHPrivateKeyBlobV3(  # type: ignore[arg-type]
        bit_length_x=q.bit_length(), x=x, **common
    ).to_bytes()
    return out


def dh_unsafe_group_blob() -> bytes:
    """A DH v2 private key over a prime that is not a safe prime (KEY-5: still a valid blob)."""
    p, q, g = _dsa512_group()
    return bf.DHPrivateKeyBlob(
        key_alg=bf.AlgId.CALG_DH_SF, bit_length=512, p=p, g=g, x=q - 5
    ).to_bytes()


def session_blobs() -> dict[str, bytes]:
    rng = random.Random(16)
    aes = bf.SessionKey(alg_id=bf.AlgId.CALG_AES_128, key=rng.randbytes(16))
    kek = bf.SessionKey(alg_id=bf.AlgId.CALG_3DES, key=rng.randbytes(24))
    tdes = bf.SessionKey(alg_id=bf.AlgId.CALG_3DES, key=rng.randbytes(24))
    simple = bf.SimpleBlob(
        key_alg=bf.AlgId.CALG_RC4,
        wrap_alg=bf.AlgId.CALG_RSA_KEYX,
        encrypted_key=rng.randbytes(65),
    ).to_bytes()
    return {
        "simpleblob": simple,
        "plaintextkeyblob": bf.plaintext_key_blob(aes),
        "symmetricwrapkeyblob": bf.wrap_symmetric_key(tdes, kek, iv=bytes(range(8))),
    }


def pvk_blobs() -> dict[str, bytes]:
    key = rsa_key("rsa-520")
    private = bf.dump_private_key(key)
    # An encrypted file: the BLOBHEADER in clear, the rest stands for RC4 output.
    encrypted = bf.PVKFile(
        key_type=bf.PVKKeyType.AT_KEYEXCHANGE,
        encrypted=True,
        salt=bytes(range(16)),
        key_data=private[:8] + random.Random(12).randbytes(len(private) - 8),
    )
    return {"pvk": bf.dump_pvk(key, None), "pvk-encrypted": encrypted.to_bytes()}


@functools.cache
def every_kind() -> dict[str, bytes]:
    """One valid blob per default kind (and an encrypted PVK under "pvk-encrypted")."""
    out: dict[str, bytes] = {}
    for part in (rsa_blobs(), dss_blobs(), dh_blobs(), session_blobs(), pvk_blobs()):
        out.update(part)
    return out


def kind_of(name: str) -> str:
    """The scan kind of an :func:`every_kind` entry."""
    return "pvk" if name.startswith("pvk") else name


#: Kinds whose length the blob does not record (SPEC Appendix F).
OPEN_ENDED = frozenset({"simpleblob", "symmetricwrapkeyblob"})


def distinct_blobs(count: int, seed: int = 0) -> list[tuple[str, bytes]]:
    """``count`` different blobs, the kinds in turn: fresh RSA keys, fresh DSS/DH
    key pairs on the fixed groups, random session keys and ciphertexts.

    No two are equal, so a scanner cannot answer one from another's verdict.
    """
    rng = random.Random(seed)
    p, q, g, _, _ = _dsa_numbers()
    j = (p - 1) // q
    dh_p, dh_g, _, _, _ = _dh_numbers("dh-512.pem")
    xp, xg, xq, _, _ = _dh_numbers("dhx-1024.pem")
    assert xq is not None
    xj = (xp - 1) // xq
    dss, dh = bf.AlgId.CALG_DSS_SIGN, bf.AlgId.CALG_DH_SF
    kek = bf.SessionKey(alg_id=bf.AlgId.CALG_3DES, key=rng.randbytes(24))
    rsa_keys = [
        rsa.generate_private_key(public_exponent=65537, key_size=1024)
        for _ in range(max(1, count // 15))
    ]

    def v3(
        cls: type, pp: int, qq: int, gg: int, jj: int, x: int, private: bool
    ) -> bytes:
        extra = {"bit_length_x": qq.bit_length(), "x": x} if private else {}
        return cls(  # type: ignore[no-any-return]
            key_alg=dss if pp == p else dh,
            bit_length_p=pp.bit_length(),
            bit_length_q=qq.bit_length(),
            bit_length_j=jj.bit_length(),
            seed=_seed(),
            p=pp,
            q=qq,
            g=gg,
            j=jj,
            y=pow(gg, x, pp),
            **extra,
        ).to_bytes()

    makers = {
        "rsa-private": lambda i: bf.dump_private_key(rsa_keys[i % len(rsa_keys)]),
        "rsa-public": lambda i: bf.dump_public_key(
            rsa_keys[i % len(rsa_keys)].public_key()
        ),
        "pvk": lambda i: bf.dump_pvk(
            rsa_keys[i % len(rsa_keys)], None if i % 2 else b"pw"
        ),
        "dss-public": lambda i: bf.DSSPublicKeyBlob(
            key_alg=dss,
            bit_length=1024,
            p=p,
            q=q,
            g=g,
            y=pow(g, rng.randrange(2, q), p),
            seed=_seed(),
        ).to_bytes(),
        "dss-private": lambda i: bf.DSSPrivateKeyBlob(
            key_alg=dss,
            bit_length=1024,
            p=p,
            q=q,
            g=g,
            x=rng.randrange(2, q),
            seed=_seed(),
        ).to_bytes(),
        "dss-public-v3": lambda i: v3(
            bf.DSSPublicKeyBlobV3, p, q, g, j, rng.randrange(2, q), False
        ),
        "dss-private-v3": lambda i: v3(
            bf.DSSPrivateKeyBlobV3, p, q, g, j, rng.randrange(2, q), True
        ),
        "dh-public": lambda i: bf.DHPublicKeyBlob(
            key_alg=dh, bit_length=512, y=pow(dh_g, rng.randrange(2, dh_p - 2), dh_p)
        ).to_bytes(),
        "dh-private": lambda i: bf.DHPrivateKeyBlob(
            key_alg=dh, bit_length=512, p=dh_p, g=dh_g, x=rng.randrange(2, dh_p - 2)
        ).to_bytes(),
        "dh-public-v3": lambda i: v3(
            bf.DHPublicKeyBlobV3, xp, xq, xg, xj, rng.randrange(2, xq), False
        ),
        "dh-private-v3": lambda i: v3(
            bf.DHPrivateKeyBlobV3, xp, xq, xg, xj, rng.randrange(2, xq), True
        ),
        "simpleblob": lambda i: bf.SimpleBlob(
            key_alg=bf.AlgId.CALG_RC4,
            wrap_alg=bf.AlgId.CALG_RSA_KEYX,
            encrypted_key=rng.randbytes(128),
        ).to_bytes(),
        "plaintextkeyblob": lambda i: bf.plaintext_key_blob(
            bf.SessionKey(alg_id=bf.AlgId.CALG_AES_256, key=rng.randbytes(32))
        ),
        "symmetricwrapkeyblob": lambda i: bf.wrap_symmetric_key(
            bf.SessionKey(alg_id=bf.AlgId.CALG_3DES, key=rng.randbytes(24)),
            kek,
            iv=rng.randbytes(8),
        ),
    }
    names = list(makers)
    return [
        (names[i % len(names)], makers[names[i % len(names)]](i)) for i in range(count)
    ]
