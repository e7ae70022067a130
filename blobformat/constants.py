# SPDX-License-Identifier: Apache-2.0
"""wincrypt.h constants used by the key BLOB formats (SPEC §3).

Exports :class:`BlobType`, :class:`AlgId`, :class:`Magic`, :class:`AlgClass`
and :class:`PVKKeyType`. Member names keep the exact wincrypt.h spellings so
that SPEC.md, Microsoft's pages and this code can be grepped against each
other.
"""

from __future__ import annotations

import enum
from typing import Final

__all__ = [
    "PVK_FILE_MAGIC",
    "AlgClass",
    "AlgId",
    "BlobType",
    "Magic",
    "PVKKeyType",
    "alg_name",
]


class BlobType(enum.IntEnum):
    """``BLOBHEADER.bType`` values (SPEC §3.1)."""

    SIMPLEBLOB = 0x01
    PUBLICKEYBLOB = 0x06
    PRIVATEKEYBLOB = 0x07
    PLAINTEXTKEYBLOB = 0x08
    OPAQUEKEYBLOB = 0x09
    PUBLICKEYBLOBEX = 0x0A
    SYMMETRICWRAPKEYBLOB = 0x0B
    KEYSTATEBLOB = 0x0C


class AlgClass(enum.IntEnum):
    """The ALG_CLASS bits (13..15) of an ALG_ID."""

    ANY = 0x0000
    SIGNATURE = 0x2000
    MSG_ENCRYPT = 0x4000
    DATA_ENCRYPT = 0x6000
    HASH = 0x8000
    KEY_EXCHANGE = 0xA000
    ALL = 0xE000


class AlgId(enum.IntEnum):
    """``ALG_ID`` values from wincrypt.h (SPEC §3.3).

    Only the identifiers that can appear in a key BLOB, a SIMPLEBLOB wrap,
    a PVK file or a CryptDeriveKey call are listed.
    """

    # Signature and key-exchange (public-key) algorithms.
    CALG_NO_SIGN = 0x2000
    CALG_DSS_SIGN = 0x2200
    CALG_ECDSA = 0x2203
    CALG_RSA_SIGN = 0x2400
    CALG_RSA_KEYX = 0xA400
    CALG_ECMQV = 0xA001
    CALG_HUGHES_MD5 = 0xA003
    CALG_DH_SF = 0xAA01
    CALG_DH_EPHEM = 0xAA02
    CALG_AGREEDKEY_ANY = 0xAA03
    CALG_KEA_KEYX = 0xAA04
    CALG_ECDH = 0xAA05
    CALG_ECDH_EPHEM = 0xAE06
    # Block ciphers.
    CALG_DES = 0x6601
    CALG_RC2 = 0x6602
    CALG_3DES = 0x6603
    CALG_DESX = 0x6604
    CALG_3DES_112 = 0x6609
    CALG_SKIPJACK = 0x660A
    CALG_TEK = 0x660B
    CALG_CYLINK_MEK = 0x660C
    CALG_RC5 = 0x660D
    CALG_AES_128 = 0x660E
    CALG_AES_192 = 0x660F
    CALG_AES_256 = 0x6610
    CALG_AES = 0x6611
    # Stream ciphers.
    CALG_RC4 = 0x6801
    CALG_SEAL = 0x6802
    # Hashes and MACs.
    CALG_MD2 = 0x8001
    CALG_MD4 = 0x8002
    CALG_MD5 = 0x8003
    CALG_SHA1 = 0x8004
    # CALG_SHA is the older wincrypt.h spelling of CALG_SHA1 (an alias).
    CALG_SHA = 0x8004
    CALG_MAC = 0x8005
    CALG_SSL3_SHAMD5 = 0x8008
    CALG_HMAC = 0x8009
    CALG_TLS1PRF = 0x800A
    CALG_HASH_REPLACE_OWF = 0x800B
    CALG_SHA_256 = 0x800C
    CALG_SHA_384 = 0x800D
    CALG_SHA_512 = 0x800E
    # Schannel master and session keys (message-encryption class).
    CALG_SSL3_MASTER = 0x4C01
    CALG_SCHANNEL_MASTER_HASH = 0x4C02
    CALG_SCHANNEL_MAC_KEY = 0x4C03
    CALG_PCT1_MASTER = 0x4C04
    CALG_SSL2_MASTER = 0x4C05
    CALG_TLS1_MASTER = 0x4C06
    CALG_SCHANNEL_ENC_KEY = 0x4C07

    @property
    def alg_class(self) -> AlgClass:
        """The ALG_CLASS part of this identifier."""
        return AlgClass(self.value & 0xE000)


class Magic(enum.IntEnum):
    r"""Magic DWORDs that follow the BLOBHEADER (SPEC §3.2).

    Stored little-endian, so most read as ASCII in file order; the DH magics
    start with a zero byte on disk (``00 44 48 31`` is "\\0DH1").
    """

    RSA1 = 0x31415352
    RSA2 = 0x32415352
    DSS1 = 0x31535344
    DSS2 = 0x32535344
    DSS3 = 0x33535344
    DSS4 = 0x34535344
    DH1 = 0x31484400
    DH2 = 0x32484400
    DH3 = 0x33484400
    DH4 = 0x34484400


#: The first DWORD of a PVK file, 0xB0B5F11E (``1E F1 B5 B0`` on disk; SPEC §12.1).
PVK_FILE_MAGIC: Final = 0xB0B5F11E


class PVKKeyType(enum.IntEnum):
    """The ``keytype`` field of a PVK file header (SPEC §12.1)."""

    AT_KEYEXCHANGE = 1
    AT_SIGNATURE = 2


_ALG_NAMES: dict[int, str] = {int(a): f"{a.name} (0x{int(a):04X})" for a in AlgId}


def alg_name(value: int) -> str:
    """An ALG_ID for messages: its wincrypt.h name and value, or its value in hex."""
    return _ALG_NAMES.get(value) or f"0x{value:08X}"
