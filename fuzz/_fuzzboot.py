# SPDX-License-Identifier: Apache-2.0
"""Start-up code shared by every harness; it imports neither blobformat nor atheris eagerly.

A harness is a plain module with a ``check(data: bytes) -> None`` function.
Run as a script, it hands ``check`` to atheris; imported (by
``tests/test_fuzz_replay.py``), it is only a function. This module keeps the
two uses apart:

- :func:`instrumented` wraps the harness's ``import blobformat`` in
  ``atheris.instrument_imports`` when the harness runs under atheris, and in
  a no-op otherwise, so that coverage feedback covers blobformat and the
  replay test needs no atheris;
- :func:`fuzz` calls ``atheris.Setup(argv, check)`` and ``atheris.Fuzz()``,
  adding the resource limits below unless the command line sets them.

Invariant enforced here for every harness: an input may not make the process
exceed :data:`RSS_LIMIT_MB` of resident memory (libFuzzer ``-rss_limit_mb``),
nor run longer than :data:`TIMEOUT_S` seconds (``-timeout``, a hang).
``-malloc_limit_mb`` is set as well; libFuzzer enforces it only in builds with
sanitizer malloc hooks, so for CPython the RSS limit is the effective one.
"""

from __future__ import annotations

import contextlib
import shlex
import sys
import warnings
from collections.abc import Callable, Sequence
from pathlib import Path

__all__ = [
    "FUZZ_DIR",
    "MALLOC_LIMIT_MB",
    "ROOT",
    "RSS_LIMIT_MB",
    "TIMEOUT_S",
    "atheris_available",
    "fuzz",
    "instrumented",
]

FUZZ_DIR = Path(__file__).resolve().parent
ROOT = FUZZ_DIR.parent

#: Resident-set cap for a campaign (MiB). A CPython process with blobformat,
#: cryptography and atheris loaded sits at about 100 MiB; everything a single
#: input may add (at most a few times its size, inputs are at most
#: ``-max_len`` bytes) stays far below this.
RSS_LIMIT_MB = 768
#: Largest single allocation libFuzzer tolerates where it can see allocations.
MALLOC_LIMIT_MB = 64
#: Seconds one input may take before libFuzzer reports a hang.
TIMEOUT_S = 20

_INSTRUMENT = ("blobformat",)


def atheris_available() -> bool:
    """Whether atheris can be imported here."""
    try:
        import atheris  # noqa: F401
    except ImportError:
        return False
    return True


def instrumented(active: bool) -> contextlib.AbstractContextManager[object]:
    """``atheris.instrument_imports`` for blobformat when ``active``, else a no-op.

    :param active: pass ``__name__ == "__main__"``: only a harness run by
        atheris needs coverage instrumentation.
    """
    if active and atheris_available():
        import atheris

        return atheris.instrument_imports(include=list(_INSTRUMENT))  # type: ignore[no-any-return]
    return contextlib.nullcontext()


def _with_defaults(argv: Sequence[str]) -> list[str]:
    args = list(argv)
    if args and args[0].endswith(".py"):
        # -merge, -minimize_crash and -fork run argv[0] again through the shell:
        # make it a command that runs this script with this interpreter.
        args[0] = shlex.join([sys.executable, args[0]])
    defaults = {
        "-rss_limit_mb": str(RSS_LIMIT_MB),
        "-malloc_limit_mb": str(MALLOC_LIMIT_MB),
        "-timeout": str(TIMEOUT_S),
    }
    for flag, value in defaults.items():
        if not any(arg.startswith(flag + "=") for arg in args[1:]):
            args.append(f"{flag}={value}")
    return args


def fuzz(check: Callable[[bytes], None], argv: Sequence[str] | None = None) -> None:
    """Run ``check`` under atheris with the resource limits of this module.

    :param check: the harness's check function.
    :param argv: libFuzzer's command line (default ``sys.argv``).
    """
    import atheris

    # cryptography deprecates finite-field DH (50) and DSA (51) and warns on each
    # use, and blobformat answers with LegacyKeyWarning (SPEC KEY-10); the harnesses
    # use DSA and DH keys on purpose, and a campaign log should not fill with it.
    from cryptography.utils import CryptographyDeprecationWarning

    warnings.filterwarnings("ignore", category=CryptographyDeprecationWarning)
    atheris.Setup(_with_defaults(sys.argv if argv is None else argv), check)
    atheris.Fuzz()
