"""blobformat as a decoder for vectors/conformance.py (one JSON line in, one out)."""

import json
import sys

import blobformat as bf

for line in sys.stdin:
    request = json.loads(line)
    data = bytes.fromhex(request["input"])
    answer = {
        "id": request["id"],
        "result": "valid",
        "rule": None,
        "offset": None,
        "field": None,
    }
    try:
        if request["kind"] == "envelope":
            bf.envelope_tbs(
                data
            )  # parses strictly (SPEC §16.6.2 steps 1-7), no key needed
        else:
            bf.parse(data)  # a blob, or a PVK file by its magic (SPEC §4.3 step 1)
    except bf.BlobError as err:
        answer.update(
            result="invalid", rule=err.rule, offset=err.offset, field=err.field
        )
    print(json.dumps(answer), flush=True)
