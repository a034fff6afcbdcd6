"""Data and checks of c-link.test (model Inputs/clink.json).

  clink.py prepare MODEL DIR   writes DIR/weights.safetensors (the parameters
                               without init specs), DIR/x.npy, DIR/z.npy
  clink.py check MODEL DIR     compares DIR/typed_*.npy and DIR/packed_*.npy
                               (written by Inputs/main_infer.c) with numpy
"""

import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlctest as T  # noqa: E402


def tensors(model):
    rng = np.random.default_rng(4242)
    w = {}
    for p in model["parameters"]:
        dt = T.np_dtype(p.get("dtype", "f32"))
        if "data" in p:
            w[p["name"]] = np.array(p["data"], dt).reshape(p["shape"])
        elif "init" in p:
            assert p["init"]["kind"] == "constant"
            w[p["name"]] = np.full(p["shape"], p["init"]["value"], dt)
        else:  # from the weights file
            w[p["name"]] = (rng.standard_normal(p["shape"]) * 0.5).astype(dt)
    dims = model.get("dims", {})
    x = {}
    for i in model["inputs"]:
        shape = [dims[d] if isinstance(d, str) else d for d in i["shape"]]
        x[i["name"]] = (rng.standard_normal(shape) * 3).astype(T.np_dtype(i["dtype"]))
    from_file = {p["name"] for p in model["parameters"]
                 if "data" not in p and "init" not in p}
    return w, x, from_file


def main():
    mode, model_path, d = sys.argv[1:4]
    model = T.read_model(model_path)
    w, x, from_file = tensors(model)
    if mode == "prepare":
        os.makedirs(d, exist_ok=True)
        T.write_safetensors(os.path.join(d, "weights.safetensors"),
                            {n: v for n, v in w.items() if n in from_file})
        for n, v in x.items():
            np.save(os.path.join(d, "%s.npy" % n), v)
        return 0
    # The reference of clink.json.
    u = T.UNIT_ROUNDOFF[np.dtype(np.float32)]
    h1 = T.ref_gemm(x["x"], w["fc1.weight"], w["fc1.bias"], transB=1)
    e1 = T.contraction_atol(x["x"], w["fc1.weight"].T, np.float32) + 2 * u
    a1 = T.ref_tanh(h1)
    logits = T.ref_gemm(a1, w["fc2.weight"], w["fc2.bias"], transB=1)
    e2 = e1 @ np.abs(T.f64(w["fc2.weight"]).T) + \
        T.contraction_atol(a1, w["fc2.weight"].T, np.float32) + 2 * u
    probs = T.ref_softmax(logits, axis=-1)
    refs = {"logits": (logits, np.float32, e2),
            "probabilities": (probs, np.float32,
                              2 * probs * np.max(e2, axis=1, keepdims=True)),
            "zs": (T.ref_sigmoid(x["z"]), np.float64, 0.0)}
    ok = True
    for prefix in ("typed", "packed"):
        for name, (ref, dt, extra) in refs.items():
            path = os.path.join(d, "%s_%s.npy" % (prefix, name))
            if not os.path.exists(path):
                print("FAIL %s/%s: %s missing" % (prefix, name, path))
                ok = False
                continue
            ok &= T.check("c-link %s/%s" % (prefix, name), np.load(path), ref,
                          dtype=dt, extra_atol=extra)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
