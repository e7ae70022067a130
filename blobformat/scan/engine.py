# SPDX-License-Identifier: Apache-2.0
"""``scan`` and ``scan_file``: every key blob in a buffer (SPEC Appendix F).

The pipeline, all of it streamed (memory does not grow with the input):

1. the finder reports every magic of the enabled rows, one chunk of
   :data:`CHUNK` bytes at a time; each hit gives a candidate start;
2. a candidate whose prefix (BLOBHEADER, magic, sizing fields) breaks a rule
   is dropped; the others are *structures*, with their declared length (0
   for open-ended kinds), kept in a look-ahead window of :data:`WINDOW` bytes;
3. in offset order, a structure that lies inside an already reported blob is
   skipped before any parsing; an open-ended one (SIMPLEBLOB,
   SYMMETRICWRAPKEYBLOB, opaque) is given the longest length its format
   allows that stops before the next structure; a cheap arithmetic test
   rejects inconsistent RSA numbers before parsing; then the bytes are
   parsed (strict or lenient) and the key relations checked;
4. ``kinds`` filters what is yielded, after all of that.
"""

from __future__ import annotations

import hashlib
import mmap
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TypeAlias

from blobformat.codec.models import AnyBlob, RSAPrivateKeyBlob
from blobformat.errors import BlobError, InvalidParameterError
from blobformat.keys.consistency import GroupCache, check_relations
from blobformat.scan.finder import Finder, best_finder
from blobformat.scan.kinds import NAME_OF, ROWS, KindSpec

__all__ = ["CHUNK", "KINDS", "WINDOW", "ScanMatch", "scan", "scan_file"]

#: Bytes given to the finder at a time (bounds the memory its hit list takes).
CHUNK = 1 << 16
#: Look-ahead for the next structure: covers the longest open-ended span and a
#: 16384-bit RSA private blob (9236 bytes), whose private exponent lenient
#: scanning may find cut short.
WINDOW = 10240
#: Prefix verdicts remembered per kind (a few MiB at most).
_VERDICTS = 8192
#: Models remembered for repeated blobs (at most 64 blobs of at most 110 KiB).
_MODELS = 64

#: Every kind name, in table order (the default ones and the opaque ones).
KINDS: tuple[str, ...] = tuple(dict.fromkeys(NAME_OF.values()))
_DEFAULT = frozenset(row.kind for row in ROWS if row.default)

Buffer: TypeAlias = bytes | bytearray | memoryview | mmap.mmap
Progress: TypeAlias = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class ScanMatch:
    """One blob found by :func:`scan`.

    :ivar offset: where the blob starts in the scanned data.
    :ivar length: how many bytes it occupies.
    :ivar kind: a stable kind name (``"rsa-private"``, ``"simpleblob"``,
        ``"pvk"``, ...; :data:`blobformat.SCAN_KINDS` lists them).
    :ivar blob: the model, equal to ``parse(data[offset:offset + length])``
        (with ``lenient=True`` when the scan was lenient).
    """

    offset: int
    length: int
    kind: str
    blob: AnyBlob


def _select(kinds: Iterable[str] | None) -> tuple[tuple[KindSpec, ...], frozenset[str]]:
    """The rows to scan for and the kinds to report."""
    if kinds is None:
        return tuple(r for r in ROWS if r.default), _DEFAULT
    if isinstance(kinds, str):
        raise InvalidParameterError(
            "kinds must be a collection of kind names, not a string"
        )
    wanted = frozenset(kinds)
    unknown = sorted(wanted - set(KINDS))
    if unknown:
        raise InvalidParameterError(
            f"unknown scan kind(s) {', '.join(map(repr, unknown))}; known: {', '.join(KINDS)}"
        )
    # Requested kinds come on top of the defaults, so that a filter never
    # changes what is found, only what is reported (SPEC Appendix F).
    return tuple(r for r in ROWS if r.default or r.kind in wanted), wanted


def _candidates(
    buf: memoryview,
    rows: tuple[KindSpec, ...],
    finder: Finder,
    by_magic: list[list[int]],
    progress: Progress | None,
) -> Iterator[tuple[int, int]]:
    """``(start, row index)`` of every magic hit, in order, chunk by chunk."""
    size = len(buf)
    longest = max(len(r.magic) for r in rows)
    reach = max(r.magic_offset for r in rows)
    pending: list[tuple[int, int]] = []
    for low in range(0, size, CHUNK):
        high = min(size, low + CHUNK)
        window = buf[low : min(size, high + longest - 1)]
        found = pending
        for magic, pos in finder.find(window, high - low):
            for index in by_magic[magic]:
                start = low + pos - rows[index].magic_offset
                if start >= 0:
                    found.append((start, index))
        window.release()
        found.sort()
        if high < size:
            # Hits in later chunks give starts of at least high - reach.
            cut = high - reach
            split = len(found)
            while split and found[split - 1][0] >= cut:
                split -= 1
            yield from found[:split]
            pending = found[split:]
        else:
            yield from found
        if progress is not None:
            progress(high - low)


def _structures(
    buf: memoryview, rows: tuple[KindSpec, ...], candidates: Iterator[tuple[int, int]]
) -> Iterator[tuple[int, int, int]]:
    """``(start, row index, declared length)`` of each candidate whose prefix is valid.

    Verdicts are remembered per prefix bytes (a bounded cache): a flood of
    one repeated header costs one prefix check, not one per copy.
    """
    size = len(buf)
    verdicts: list[dict[bytes, int | None]] = [{} for _ in rows]
    for start, index in candidates:
        row = rows[index]
        end = start + row.prefix_end
        if end > size:
            continue
        head = bytes(buf[start:end])
        seen = verdicts[index]
        if head in seen:
            length = seen[head]
        else:
            length = row.size(head)
            if len(seen) >= _VERDICTS:
                seen.clear()
            seen[head] = length
        if length is not None:
            yield start, index, length


def _run(
    buf: memoryview,
    kinds: Iterable[str] | None,
    lenient: bool,
    progress: Progress | None,
) -> Iterator[ScanMatch]:
    rows, wanted = _select(kinds)
    magics: list[bytes] = []
    by_magic: list[list[int]] = []
    for index, row in enumerate(rows):
        if row.magic not in magics:
            magics.append(row.magic)
            by_magic.append([])
        by_magic[magics.index(row.magic)].append(index)
    engine = best_finder(magics)
    structures = _structures(
        buf, rows, _candidates(buf, rows, engine, by_magic, progress)
    )
    size = len(buf)
    ahead: deque[tuple[int, int, int]] = deque()
    more = True
    covered = 0  # end of the furthest-reaching blob reported so far
    evaluate = _Checker(lenient)
    while True:
        if not ahead:
            if not more:
                return
            nxt = next(structures, None)
            if nxt is None:
                return
            ahead.append(nxt)
        start, index, length = ahead.popleft()
        horizon = start + WINDOW
        while more and (not ahead or ahead[-1][0] < horizon):
            nxt = next(structures, None)
            if nxt is None:
                more = False
            else:
                ahead.append(nxt)
        row = rows[index]
        if row.open_ended:
            body = start + row.prefix_end
            end = min(size, body + row.rest_max)
            for other in ahead:
                if other[0] >= body:
                    end = min(end, other[0])
                    break
            end -= (end - body) % row.rest_step
            if end - body < row.rest_min:
                continue
        else:
            end = start + length
        if end <= covered:
            continue  # inside a reported blob: never reported on its own
        blob = evaluate(buf, row, start, end) if end <= size else None
        if blob is None and lenient and row.model is RSAPrivateKeyBlob:
            # Windows imports a private blob whose d is cut short (SPEC §13):
            # try the blob as ended by the data or by the next structure.
            cut = _short_end(start, end, size, ahead)
            if covered < cut != end:
                end = cut
                blob = evaluate(buf, row, start, end)
        if blob is None:
            continue
        covered = max(covered, end)
        name = NAME_OF.get(type(blob), row.kind)
        if name in wanted:
            yield ScanMatch(start, end - start, name, blob)


class _Checker:
    """Parses candidates and checks their relations, remembering what it can.

    Groups found consistent are remembered (DSS and DH keys share them), and
    so are the verdicts on exact byte strings (a dump holds the same key many
    times), by a 16-byte BLAKE2b digest; the last few models found are kept
    too (models are immutable), so a repeated blob is neither parsed nor
    checked again.
    """

    def __init__(self, lenient: bool) -> None:
        self.lenient = lenient
        self.groups: GroupCache = {}
        self.verdicts: dict[bytes, bool] = {}
        self.models: dict[bytes, AnyBlob] = {}

    def __call__(
        self, buf: memoryview, row: KindSpec, start: int, end: int
    ) -> AnyBlob | None:
        """The parsed, consistent blob in ``buf[start:end]``, or ``None``."""
        if row.precheck is not None and not row.precheck(buf, start, end):
            return None
        data = bytes(buf[start:end])
        digest = hashlib.blake2b(
            data, digest_size=16, person=row.kind.encode()[:16]
        ).digest()
        known = self.verdicts.get(digest)
        if known is False:
            return None
        model = self.models.get(digest)
        if model is not None:
            return model
        try:
            blob = row.parse(data, self.lenient)
            if known is None:
                check_relations(blob, groups=self.groups)
        except BlobError:
            blob = None
        if len(self.verdicts) >= _VERDICTS:
            self.verdicts.clear()
        self.verdicts[digest] = blob is not None
        if blob is not None:
            if len(self.models) >= _MODELS:
                self.models.clear()
            self.models[digest] = blob
        return blob


def _short_end(
    start: int, end: int, size: int, ahead: deque[tuple[int, int, int]]
) -> int:
    """Where a blob declared to end at ``end`` is cut: by the data or the next structure."""
    for other in ahead:
        if start < other[0] < end:
            return other[0]
        if other[0] >= end:
            break
    return min(end, size)


def scan(
    data: Buffer,
    *,
    kinds: Iterable[str] | None = None,
    lenient: bool = False,
    progress: Progress | None = None,
) -> Iterator[ScanMatch]:
    """Find every CryptoAPI key blob and PVK file in ``data`` (SPEC Appendix F).

    Matches come in offset order, one at a time (nothing is collected). A
    match is reported when its bytes parse (strictly, unless ``lenient``)
    and, for key blobs, its numbers satisfy the relations of SPEC §14.2
    [KEY-1]..[KEY-4] (no primality proof; groups a key library cannot
    represent, [KEY-5], are still reported). A blob inside a reported blob
    (the key of a PVK file) is not reported on its own.

    SIMPLEBLOB and SYMMETRICWRAPKEYBLOB do not record their length: the
    match has the longest length the format allows (ciphertext of 2048
    bytes; wrapped key of 272 bytes, a multiple of 8) that stops before the
    next structure, i.e. the next offset where any scanned kind's BLOBHEADER,
    magic and sizing fields are valid, and before the end of ``data``.

    :param data: bytes, bytearray, memoryview or mmap.
    :param kinds: kind names to report (default: every kind but the opaque
        ones, ``"opaquekeyblob"``, ``"publickeyblobex"``, ``"keystateblob"``).
        The filter applies to the result: a blob inside an unrequested
        container stays hidden.
    :param lenient: report what lenient parsing accepts (SPEC §13), with its
        tolerances recorded on the model.
    :param progress: called with the number of bytes searched, chunk by chunk.
    :returns: an iterator of :class:`ScanMatch`.
    :raises InvalidParameterError: for an unknown kind name.
    :raises TypeError: if ``data`` is not bytes-like.
    """
    _select(kinds)  # fail on bad kinds at the call, not at the first next()
    if not isinstance(data, bytes | bytearray | memoryview | mmap.mmap):
        raise TypeError(
            f"expected bytes, bytearray, memoryview or mmap, not {type(data).__name__}"
        )
    return _scan_buffer(data, kinds, lenient, progress)


def _scan_buffer(
    data: Buffer, kinds: Iterable[str] | None, lenient: bool, progress: Progress | None
) -> Iterator[ScanMatch]:
    with memoryview(data) as view, view.cast("B") as flat:
        yield from _run(flat, kinds, lenient, progress)


def scan_file(
    path: str | os.PathLike[str],
    *,
    kinds: Iterable[str] | None = None,
    lenient: bool = False,
    progress: Progress | None = None,
) -> Iterator[ScanMatch]:
    """:func:`scan` over a file, memory-mapped: never read whole.

    Memory use does not depend on the file's size; the results equal
    ``scan(open(path, "rb").read(), ...)``. The file is opened at the call
    and closed when the iterator is exhausted or closed.

    :raises OSError: if the file cannot be opened.
    """
    _select(kinds)
    handle = open(path, "rb")  # noqa: SIM115 - closed by the generator below
    try:
        if os.fstat(handle.fileno()).st_size == 0:
            mapped: Buffer = b""  # mmap refuses empty files
        else:
            mapped = mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
    except BaseException:
        handle.close()
        raise
    return _scan_mapped(handle, mapped, kinds, lenient, progress)


def _scan_mapped(
    handle: object,
    mapped: Buffer,
    kinds: Iterable[str] | None,
    lenient: bool,
    progress: Progress | None,
) -> Iterator[ScanMatch]:
    try:
        yield from _scan_buffer(mapped, kinds, lenient, progress)
    finally:
        if isinstance(mapped, mmap.mmap):
            mapped.close()
        close = getattr(handle, "close", None)
        if close is not None:
            close()
