"""ArgMax end to end: i64 results compared exactly with numpy.argmax (first
index on ties, select_last_index = 0). ops.py compares float outputs only.

  argmax.py WORKDIR
"""

import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlctest as T  # noqa: E402

CASES = [  # name, input, axis (None: default 0), keepdims (None: default 1)
    ("ties_axis1_nokeep", np.array([[1, 5, 5, 2], [-3, -1, -2, -1], [0, 0, 0, 0]]), 1, 0),
    ("default_axis_keep", None, None, None),
    ("axis_neg1_rank3_keep", None, -1, 1),
    ("axis1_rank3_f64", None, 1, 0),
    ("infinities", np.array([[-np.inf, -np.inf, -1e30], [np.inf, 3, np.inf]]), 1, 0),
]


def main():
    workdir = sys.argv[1]
    rng = np.random.default_rng(7)
    failed = []
    for name, x, axis, keep in CASES:
        dt = np.float64 if "f64" in name else np.float32
        if x is None:
            x = rng.standard_normal((3, 4, 5) if "rank3" in name else (4, 3))
        x = np.asarray(x).astype(dt)
        attrs = {}
        if axis is not None:
            attrs["axis"] = axis
        if keep is not None:
            attrs["keepdims"] = keep
        m = T.single_op_model(name, "ArgMax", [("x", x)], attrs or None)
        cdir = os.path.join(workdir, name)
        os.makedirs(cdir, exist_ok=True)
        mpath = os.path.join(cdir, "model.json")
        T.write_model(mpath, m)
        ax = 0 if axis is None else axis
        ref = np.argmax(x, axis=ax)
        if keep is None or keep:
            ref = np.expand_dims(ref, ax)
        try:
            got = T.run_dlc(mpath, {"x": x}, ["y"], cdir)["y"]
        except T.DlcError as e:
            print("FAIL %s: %s" % (name, e))
            failed.append(name)
            continue
        if got.dtype != np.int64 or got.shape != ref.shape or not (got == ref).all():
            print("FAIL %s: got %s %s, expected %s" % (name, got.dtype, got.tolist(),
                                                      ref.tolist()))
            failed.append(name)
        else:
            print("ok   %s" % name)
    print("%d/%d cases passed" % (len(CASES) - len(failed), len(CASES)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
