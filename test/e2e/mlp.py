"""MLP end-to-end tests: Gemm(transB) -> Relu -> ... -> Gemm -> Softmax.

  mlp.py --weights file  [--sizes 784,256,128,10] [--dtype f32] WORKDIR
      every parameter has a (random-kind) init spec, and a safetensors file
      overrides all of them: the reference uses the file's values, so a run
      that ignored the file would fail.
  mlp.py --weights init  ...
      parameters come only from the model's init specs (kinds data, constant,
      zeros, ones), which the reference reproduces.
  mlp.py --weights mixed ...
      weight matrices from the file, biases from init specs.

Outputs checked: logits and probabilities. Tolerance: dlctest's rtol/atol
plus a propagated floating-point error bound (summation bound of each Gemm,
carried through the following layers by |W|; Relu is 1-Lipschitz; softmax
perturbs p_i by at most 2 p_i max_j |dz_j|).
"""

import argparse
import os
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlctest as T  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--weights", choices=["file", "init", "mixed"], required=True)
    p.add_argument("--sizes", default="32,64,32,10")
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--dtype", default="f32", choices=["f32", "f64"])
    p.add_argument("--seed", type=int, default=1234)
    p.add_argument("workdir")
    args = p.parse_args()

    dt = T.np_dtype(args.dtype)
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = np.random.default_rng(args.seed)
    os.makedirs(args.workdir, exist_ok=True)
    label = "mlp_%s_%s_%s" % (args.weights, "x".join(map(str, sizes)), args.dtype)

    params, nodes, file_weights, values = [], [], {}, {}
    prev = "x"
    nlayers = len(sizes) - 1
    for i in range(nlayers):
        fin, fout = sizes[i], sizes[i + 1]
        wname, bname = "fc%d.weight" % (i + 1), "fc%d.bias" % (i + 1)
        w = (rng.uniform(-1.0, 1.0, [fout, fin]) * np.sqrt(3.0 / fin)).astype(dt)
        b = (rng.standard_normal(fout) * 0.1).astype(dt)
        wspec = {"name": wname, "dtype": args.dtype, "shape": [fout, fin]}
        bspec = {"name": bname, "dtype": args.dtype, "shape": [fout]}
        if args.weights == "file":
            # Init specs that the file must override.
            wspec["init"] = {"kind": "he_uniform", "seed": 10 + i}
            bspec["init"] = {"kind": "constant", "value": 5.0}
            file_weights[wname], file_weights[bname] = w, b
        else:
            if args.weights == "mixed":
                wspec["init"] = {"kind": "glorot_uniform", "seed": 20 + i}
                file_weights[wname] = w
            else:
                wspec["data"] = [float(v) for v in w.reshape(-1)]
            kind = i % 4
            if kind == 0:
                bspec["init"] = {"kind": "constant", "value": 0.125}
                b = np.full(fout, 0.125, dt)
            elif kind == 1:
                bspec["init"] = {"kind": "zeros"}
                b = np.zeros(fout, dt)
            elif kind == 2:
                bspec["data"] = [float(v) for v in b]
            else:
                bspec["init"] = {"kind": "ones"}
                b = np.ones(fout, dt)
        params += [wspec, bspec]
        values[wname], values[bname] = w, b
        out = "logits" if i == nlayers - 1 else "h%d" % (i + 1)
        nodes.append({"name": "fc%d" % (i + 1), "op": "Gemm",
                      "inputs": [prev, wname, bname], "outputs": [out],
                      "attrs": {"transB": 1}})
        if i != nlayers - 1:
            nodes.append({"name": "relu%d" % (i + 1), "op": "Relu",
                          "inputs": [out], "outputs": ["a%d" % (i + 1)]})
            prev = "a%d" % (i + 1)
    nodes.append({"name": "probs", "op": "Softmax", "inputs": ["logits"],
                  "outputs": ["probabilities"], "attrs": {"axis": 1}})
    model = {"version": 1, "name": "mlp_" + args.weights,
             "inputs": [{"name": "x", "dtype": args.dtype,
                         "shape": [args.batch, sizes[0]]}],
             "parameters": params, "nodes": nodes,
             "outputs": ["logits", "probabilities"]}
    mpath = os.path.join(args.workdir, "model.json")
    T.write_model(mpath, model)

    x = rng.standard_normal([args.batch, sizes[0]]).astype(dt)

    # Reference with a propagated error bound.
    u = T.UNIT_ROUNDOFF[dt]
    a, err = T.f64(x), np.zeros(x.shape)
    for i in range(nlayers):
        w, b = T.f64(values["fc%d.weight" % (i + 1)]), T.f64(values["fc%d.bias" % (i + 1)])
        z = a @ w.T + b
        err = err @ np.abs(w.T) + T.contraction_atol(a, w.T, dt) + 2 * u * np.abs(b)
        if i != nlayers - 1:
            a = np.maximum(z, 0.0)
    logits = z
    probs = T.ref_softmax(logits, axis=1)
    probs_err = 2.0 * probs * np.max(err, axis=1, keepdims=True)

    try:
        got = T.run_dlc(mpath, {"x": x}, ["logits", "probabilities"], args.workdir,
                        weights=file_weights or None)
    except T.DlcError as e:
        print("FAIL %s: %s" % (label, e))
        return 1
    ok = T.check(label + "/logits", got["logits"], logits, dtype=dt, extra_atol=err)
    ok &= T.check(label + "/probabilities", got["probabilities"], probs, dtype=dt,
                  extra_atol=probs_err)
    if not ok:
        print("     model: %s\n     rerun: %s" % (mpath, T.LAST_COMMAND))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
