"""Decoded fields in the test vectors' form (tests only).

The vectors list each blob's fields as ``{path, offset, size, type, value}``;
test_vectors compares blobformat's layout with them, test_kaitai the Kaitai
Struct reading.
"""

from __future__ import annotations

from typing import Any

Json = dict[str, Any]


def big(value: int) -> str:
    """``value`` as big-endian hex, the vectors' form of a number."""
    return value.to_bytes(max(1, (value.bit_length() + 7) // 8), "big").hex()


_ATTRIBUTE = {"key": "key_data"}


def _cng_types(model: Any) -> dict[str, str]:
    """The vectors' field types of a CNG model: header ULONGs ``uint``, numbers ``ubig``."""
    from blobformat.codec import cng

    if not isinstance(model, cng._CngModel):
        return {}
    kind = model.kind
    names = {cng.U32: "uint", cng.UINT: "ubig", cng.BE32: "ubig", cng.BYTES: "bytes"}
    return {slot.path: names[slot.kind] for slot in (*kind.header, *kind.body)}


def fields_of(model: Any) -> list[Json]:
    """The decoded fields in the vectors' form, from blobformat's layout."""
    out = []
    types = _cng_types(model)
    for span in model.layout():
        value = span.value
        if value is None:
            name = span.path.rsplit(".", 1)[-1]
            # A PVK's layout field "key" is its model attribute key_data.
            if not hasattr(model, name):
                name = _ATTRIBUTE.get(name, name)
            value = getattr(model, name, None)
            if value is None:
                assert span.size == 0, span
                continue
        if isinstance(value, bytes):
            out.append(
                {
                    "path": span.path,
                    "offset": span.offset,
                    "size": span.size,
                    "type": "bytes",
                    "value": value.hex(),
                }
            )
        else:
            number = int(value)
            shown: Any = number if span.size <= 4 else big(number)
            out.append(
                {
                    "path": span.path,
                    "offset": span.offset,
                    "size": span.size,
                    "type": types.get(span.path, "uint"),
                    "value": shown,
                }
            )
    return out
