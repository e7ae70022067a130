# SPDX-License-Identifier: Apache-2.0
"""The ``sign``, ``verify-signature``, ``pfx``, ``pvk`` and ``spc`` subcommands.

Built on the public API (SPEC §15.9, §14.8):

- ``sign`` makes a CryptSignHash signature (little-endian) of a file;
- ``verify-signature`` checks one (exit status 0 valid, 1 not);
- ``pfx`` combines a PVK file and its certificates into a PFX (``pvk2pfx``);
- ``pvk`` splits a PFX into a PVK file and its certificates;
- ``spc`` bundles certificates into an SPC file (``cert2spc``).

Passwords come from ``file:PATH``, ``env:VARIABLE`` or ``prompt``, never from
the command line; files holding a private key are created mode 0600.
"""

from __future__ import annotations

import argparse
from typing import Any

from cryptography.hazmat.primitives import serialization

import blobformat
from blobformat.cli import io as cio

__all__ = ["register"]

_HASHES = {
    "md2": blobformat.AlgId.CALG_MD2,
    "md4": blobformat.AlgId.CALG_MD4,
    "md5": blobformat.AlgId.CALG_MD5,
    "sha1": blobformat.AlgId.CALG_SHA1,
    "sha256": blobformat.AlgId.CALG_SHA_256,
    "sha384": blobformat.AlgId.CALG_SHA_384,
    "sha512": blobformat.AlgId.CALG_SHA_512,
    "ssl3-shamd5": blobformat.AlgId.CALG_SSL3_SHAMD5,
}


def _iterations(text: str) -> int | str:
    """``--max-iterations``: a positive count, or ``none``."""
    if text.lower() == "none":
        return "none"
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a count or 'none': {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError("the bound must be at least 1 (or 'none')")
    return value


def _hash(name: str) -> blobformat.AlgId:
    """A hash by short name (``sha256``) or ALG_ID name (``CALG_SHA_256``)."""
    key = name.lower().replace("_", "").replace("-", "")
    key = key.removeprefix("calg")
    for short, alg in _HASHES.items():
        if key == short.replace("-", "") or name.upper() == alg.name:
            return alg
    if key == "sha":
        return blobformat.AlgId.CALG_SHA1
    raise argparse.ArgumentTypeError(
        f"unknown hash {name!r}: one of {', '.join(_HASHES)} (or an ALG_ID name)"
    )


def _options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "hash_alg": args.hash,
        "no_hash_oid": args.no_hash_oid,
        "prehashed": args.prehashed,
    }


def _cmd_sign(args: argparse.Namespace) -> int:
    cio.one_stdin(args.data, args.key)
    password = cio.password_from(args.key_pass, what="key password")
    key = cio.load_key(args.key, password)
    if not blobformat.is_private_key(key):
        raise cio.CLIError(f"{args.key}: signing needs a private key")
    signature = blobformat.sign_hash(key, cio.read(args.data), **_options(args))
    if args.output is None or args.hex:
        text = (signature.hex() + "\n").encode("ascii")
        cio.write(args.output, text, secret=False, what="the signature", binary=False)
    else:
        cio.write(args.output, signature, secret=False, what="the signature")
    return 0


def _signature(args: argparse.Namespace) -> bytes:
    if args.signature_hex is not None:
        value: bytes = args.signature_hex
        return value
    path: str = args.signature
    if args.signature_format == "hex":
        return cio.hex_file(path, "the signature")
    return cio.read(path)


def _cmd_verify_signature(args: argparse.Namespace) -> int:
    cio.one_stdin(args.data, args.key, args.signature)
    key = cio.load_key(args.key, cio.password_from(args.key_pass, what="key password"))
    blobformat.verify_signature(
        key, cio.read(args.data), _signature(args), **_options(args)
    )
    print("OK: the signature verifies")
    return 0


def _cmd_pfx(args: argparse.Namespace) -> int:
    cio.one_stdin(args.pvk, *args.cert, args.spc)
    sources = [cio.read(path) for path in args.cert]
    if args.spc is not None:
        sources.append(cio.read(args.spc))
    if not sources:
        raise cio.UsageError("give the key's certificate with --cert or --spc")
    pvk = cio.read(args.pvk)
    pvk_password = cio.password_from(args.pvk_pass, what="PVK password")
    pfx_password = cio.password_from(args.pfx_pass, what="PFX password", confirm=True)
    if pfx_password is None:
        raise cio.UsageError("--pfx-pass is required: a PFX is always encrypted")
    pfx = blobformat.pvk_to_pfx(
        pvk,
        sources,
        pvk_password=pvk_password,
        pfx_password=pfx_password,
        friendly_name=args.name,
        encryption="3des" if args.legacy else "aes256",
    )
    cio.write(args.output, pfx, secret=True, what="a PFX", force=args.force)
    return 0


def _cmd_pvk(args: argparse.Namespace) -> int:
    pfx_password = cio.password_from(args.pfx_pass, what="PFX password")
    pvk_password = cio.password_from(args.pvk_pass, what="PVK password", confirm=True)
    bound: dict[str, Any] = {}
    if args.max_iterations is not None:
        bound["max_iterations"] = (
            None if args.max_iterations == "none" else args.max_iterations
        )
    pvk, certificates = blobformat.pfx_to_pvk(
        cio.read(args.pfx),
        b"" if pfx_password is None else pfx_password,
        pvk_password=pvk_password,
        **bound,
    )
    if (args.cert or args.spc) and not certificates:
        raise cio.CLIError(f"{args.pfx} holds no certificate")
    cio.write(args.output, pvk, secret=True, what="a PVK file", force=args.force)
    if args.cert:
        der = certificates[0].public_bytes(serialization.Encoding.DER)
        cio.write(args.cert, der, secret=False, what="a certificate")
    if args.spc:
        cio.write(
            args.spc,
            blobformat.certs_to_spc(certificates),
            secret=False,
            what="an SPC file",
        )
    return 0


def _cmd_spc(args: argparse.Namespace) -> int:
    cio.one_stdin(*args.certificates)
    spc = blobformat.certs_to_spc([cio.read(path) for path in args.certificates])
    cio.write(args.output, spc, secret=False, what="an SPC file")
    return 0


def _add_hash_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--hash",
        type=_hash,
        default=blobformat.AlgId.CALG_SHA_256,
        help=f"hash algorithm: {', '.join(_HASHES)} (default sha256; DSS keys: sha1)",
    )
    p.add_argument(
        "--no-hash-oid",
        action="store_true",
        help="CRYPT_NOHASHOID: no DigestInfo (RSA)",
    )
    p.add_argument(
        "--prehashed",
        action="store_true",
        help="DATA holds the hash value itself (HP_HASHVAL), not the data to hash",
    )


def register(sub: Any) -> None:
    """Add the signature and PFX subcommands to an argparse subparsers object."""
    p = sub.add_parser(
        "sign",
        help="sign a file as CryptSignHash does (little-endian signature)",
        description="Sign DATA with an RSA or DSS private key (blob, PVK, PEM or DER) the "
        "way CryptSignHash does. The signature is printed as hex, or written raw with -o.",
    )
    p.add_argument("data", help="the data to sign ('-' for stdin)")
    p.add_argument(
        "--key", required=True, help="private key file (blob, PVK, PEM, DER)"
    )
    p.add_argument(
        "--key-pass", metavar="SOURCE", help=f"key password, {cio.SOURCE_HELP}"
    )
    _add_hash_options(p)
    p.add_argument(
        "-o", "--output", metavar="FILE", help="write the raw signature to FILE"
    )
    p.add_argument(
        "--hex", action="store_true", help="write hex text to -o FILE instead"
    )
    p.set_defaults(func=_cmd_sign)

    p = sub.add_parser(
        "verify-signature",
        help="verify a CryptSignHash signature (exit status 1 if it does not verify)",
        description="Verify a signature in CryptoAPI's byte order over DATA.",
    )
    p.add_argument("data", help="the signed data ('-' for stdin)")
    p.add_argument("--key", required=True, help="public or private key file")
    p.add_argument(
        "--key-pass", metavar="SOURCE", help=f"key password, {cio.SOURCE_HELP}"
    )
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--signature", metavar="FILE", help="the signature file")
    group.add_argument(
        "--signature-hex",
        metavar="HEX",
        type=cio.hex_bytes,
        help="the signature as hex",
    )
    p.add_argument(
        "--signature-format",
        choices=["raw", "hex"],
        default="raw",
        help="how --signature FILE holds it (default raw bytes)",
    )
    _add_hash_options(p)
    p.set_defaults(func=_cmd_verify_signature)

    p = sub.add_parser(
        "pfx",
        help="combine a PVK file and its certificates into a PFX (pvk2pfx)",
        description="Write a PFX (PKCS #12) from a PVK file and the key's certificate "
        "(.cer, DER or PEM) or SPC file. The PFX file is created mode 0600.",
    )
    p.add_argument("--pvk", required=True, metavar="FILE", help="the PVK file")
    p.add_argument(
        "--cert",
        action="append",
        default=[],
        metavar="FILE",
        help="a certificate file, DER or PEM (repeatable)",
    )
    p.add_argument("--spc", metavar="FILE", help="an SPC / PKCS #7 certificate bundle")
    p.add_argument(
        "--pvk-pass", metavar="SOURCE", help=f"PVK password, {cio.SOURCE_HELP}"
    )
    p.add_argument(
        "--pfx-pass",
        metavar="SOURCE",
        required=True,
        help=f"PFX password, {cio.SOURCE_HELP}",
    )
    p.add_argument("--name", help="friendly name of the key in the PFX")
    p.add_argument(
        "--legacy",
        action="store_true",
        help="PBES1 SHA-1 3DES and an SHA-1 MAC, for Windows 7-era readers "
        "(default: AES-256-CBC, PBKDF2-SHA256)",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the PFX file")
    cio.add_force(p)
    p.set_defaults(func=_cmd_pfx)

    p = sub.add_parser(
        "pvk",
        help="write the private key of a PFX as a PVK file",
        description="Read a PFX and write its private key as a PVK file (mode 0600), and "
        "optionally its certificates.",
    )
    p.add_argument("pfx", help="the PFX file ('-' for stdin)")
    p.add_argument(
        "--pfx-pass",
        metavar="SOURCE",
        help=f"PFX password, {cio.SOURCE_HELP} (default: none)",
    )
    p.add_argument(
        "--pvk-pass",
        metavar="SOURCE",
        help=f"encrypt the PVK file (strong RC4): {cio.SOURCE_HELP}",
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the PVK file")
    p.add_argument(
        "--cert", metavar="FILE", help="also write the key's certificate (DER)"
    )
    p.add_argument(
        "--spc", metavar="FILE", help="also write all certificates as an SPC file"
    )
    p.add_argument(
        "--max-iterations",
        metavar="N",
        type=_iterations,
        help="refuse a PFX whose iteration counts add up to more than N before trying the "
        "password (default 600000; 'none' for no bound; SPEC PFX-6)",
    )
    cio.add_force(p)
    p.set_defaults(func=_cmd_pvk)

    p = sub.add_parser(
        "spc",
        help="bundle certificates into an SPC file (cert2spc)",
        description="Write a DER PKCS #7 certificates-only file from .cer/.spc files.",
    )
    p.add_argument(
        "certificates", nargs="+", help="certificate files (DER, PEM or SPC)"
    )
    p.add_argument(
        "-o", "--output", metavar="FILE", help="the SPC file (default: stdout)"
    )
    p.set_defaults(func=_cmd_spc)
