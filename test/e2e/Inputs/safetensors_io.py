"""A minimal safetensors reader for the end-to-end tests (no dependency
besides NumPy): the 8-byte little-endian header length, the JSON header,
then the tensors' bytes."""
import json
import struct

import numpy as np

_DTYPES = {"F32": "<f4", "F64": "<f8", "I32": "<i4", "I64": "<i8", "U8": "u1",
           "BOOL": "?"}


def read_safetensors(path):
    """The checkpoint's tensors by name; floating-point ones as float64."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    body = data[8 + n :]
    out = {}
    for name, t in header.items():
        if name == "__metadata__":
            continue
        lo, hi = t["data_offsets"]
        a = np.frombuffer(body[lo:hi], _DTYPES[t["dtype"]]).reshape(t["shape"])
        out[name] = a.astype(np.float64) if a.dtype.kind == "f" else a.copy()
    return out
