"""Generated code flushes subnormal floats to zero (docs/abi.md, "Subnormal
floats"): x * y over 2^17 elements, run with `dlc run --threads N`, so that
the vector loop runs on pool threads as well as the calling one.

Each element is one of: a product whose exact value is subnormal (1e-20²,
flushed to 0 on output), a subnormal operand (1e-40 · 1e20, read as 0), or
an ordinary product (exact). The reference is numpy's IEEE product with
both flushes applied, so every element must match exactly; a thread that
kept gradual underflow would leave 1e-40 or 1e-20 behind.

  subnormals.py WORKDIR THREADS
"""

import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlctest as T  # noqa: E402


def flush(a):
    """Subnormals to zeros of the same sign, as the hardware does."""
    return np.where(np.abs(a) < np.finfo(np.float32).tiny, np.copysign(np.float32(0), a), a)


def main():
    workdir, threads = sys.argv[1], sys.argv[2]
    n = 1 << 17
    model = {"version": 1, "name": "subnormals", "dims": {},
             "inputs": [{"name": "x", "dtype": "f32", "shape": [n]},
                        {"name": "y", "dtype": "f32", "shape": [n]}],
             "parameters": [],
             "nodes": [{"name": "mul", "op": "Mul", "inputs": ["x", "y"], "outputs": ["z"]}],
             "outputs": ["z"]}
    os.makedirs(workdir, exist_ok=True)
    path = os.path.join(workdir, "model.json")
    T.write_model(path, model)
    kind = np.arange(n) % 3
    x = np.select([kind == 0, kind == 1], [1e-20, -1e-40], 3.0).astype(np.float32)
    y = np.select([kind == 0, kind == 1], [1e-20, 1e20], -2.0).astype(np.float32)
    assert np.count_nonzero(x * y) == n  # numpy keeps IEEE underflow
    got = T.run_dlc(path, {"x": x, "y": y}, ["z"], workdir,
                    extra_args=["--threads", threads])["z"]
    want = flush(flush(x) * flush(y))
    bad = np.flatnonzero(got.view(np.uint32) != want.view(np.uint32))
    if bad.size:
        i = bad[0]
        print("FAIL threads=%s: %d of %d elements differ; first z[%d] = %r, want %r "
              "(x = %r, y = %r)" % (threads, bad.size, n, i, got[i], want[i], x[i], y[i]))
        return 1
    print("ok threads=%s: %d zeros, %d exact products" % (threads, np.count_nonzero(want == 0),
                                                         np.count_nonzero(want)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
