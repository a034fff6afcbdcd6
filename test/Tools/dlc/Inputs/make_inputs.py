"""Writes the .npy and .safetensors files that run-*.test feed to `dlc run`.

Usage: make_inputs.py DIR. The safetensors files are written by hand (a
little-endian u64 header length, a JSON header, raw data) so that the tests
need nothing but numpy.
"""
import json
import os
import struct
import sys

import numpy as np


def safetensors(path, tensors):
    header, data = {}, b""
    for name, array in tensors.items():
        raw = array.tobytes()
        header[name] = {"dtype": "F32", "shape": list(array.shape),
                        "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header).encode()
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)) + text + data)


out = sys.argv[1]
os.makedirs(out, exist_ok=True)
x = np.arange(8, dtype=np.float32).reshape(2, 4) / 8
np.save(os.path.join(out, "x.npy"), x)
np.save(os.path.join(out, "x_f64.npy"), x.astype(np.float64))
np.save(os.path.join(out, "x_wrong_shape.npy"), np.ones((3, 4), np.float32))
with open(os.path.join(out, "x.npy"), "rb") as f:
    whole = f.read()
with open(os.path.join(out, "x_truncated.npy"), "wb") as f:
    f.write(whole[:-20])
safetensors(os.path.join(out, "w.safetensors"),
            {"shift": np.array([1.0, -100.0, 0.5], np.float32)})
safetensors(os.path.join(out, "w_wrong_shape.safetensors"),
            {"shift": np.zeros(4, np.float32)})
