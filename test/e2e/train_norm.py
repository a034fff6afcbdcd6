"""Training-mode BatchNormalization and Dropout, end to end, against numpy.

  train_norm.py mask WORKDIR DRIVER_O
      dlc.DropoutMask lowered alone (hand-written MLIR through dlc-opt, as
      train_ops.py): every mask equals dropout_mask() below bit for bit, for
      several shapes, ratios, seeds, salts and steps; the fraction kept is
      1 - ratio within 4 standard deviations; masks of different steps (and
      of different salts at one step) differ.
  train_norm.py train WORKDIR
      A model with BatchNormalization ([N, C, H, W] and [N, C]) and Dropout,
      compiled with `dlc compile --train`, linked with the runtime and
      Inputs/train_steps.c and trained for STEPS SGD updates on fixed random
      batches. An independent float64 numpy implementation of the same
      forward pass (batch statistics, dropout masks from dropout_mask()),
      backward pass and update runs the same steps: every step's loss and
      accuracy, the final parameters, the running statistics (momentum
      0.8, ONNX's formula with the population variance) and the step
      counter agree to 1e-4 relative.
  train_norm.py resume WORKDIR
      The same model: STEPS updates in one run, and STEPS/2 + STEPS/2 updates
      in two runs, the second starting from the first's checkpoint, give
      bit-identical parameters, running statistics and losses (the dropout
      masks follow the step counter, which the checkpoint holds).

The mask generator (docs/training.md): with mix() SplitMix64's finalizer,
  s = mix(mix(mix(seed) ^ salt) ^ step), bits_i = mix(s + (i + 1) * GOLDEN),
  keep_i = (bits_i >> 11) * 2^-53 >= ratio, mask_i = keep_i / (1 - ratio),
with salt the FNV-1a 64-bit hash of the node's name and i the row-major
element index.
"""
import json
import os
import shutil
import subprocess
import sys

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

M64 = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15


def mix_int(z):
    """SplitMix64's finalizer on a Python int (mod 2^64)."""
    z &= M64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def mix_array(z):
    """The same on a uint64 array (numpy wraps array arithmetic mod 2^64)."""
    z = z ^ (z >> np.uint64(30))
    z = z * np.uint64(0xBF58476D1CE4E5B9)
    z = z ^ (z >> np.uint64(27))
    z = z * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def node_salt(name):
    """FNV-1a, 64-bit, of the node's name (UTF-8)."""
    h = 0xCBF29CE484222325
    for c in name.encode():
        h = ((h ^ c) * 0x100000001B3) & M64
    return h


def dropout_mask(shape, ratio, seed, salt, step, dtype=np.float32):
    s = mix_int(mix_int(mix_int(seed) ^ (salt & M64)) ^ (step & M64))
    n = int(np.prod(shape, dtype=np.int64))
    i = np.arange(1, n + 1, dtype=np.uint64)
    bits = mix_array(np.uint64(s) + i * np.uint64(GOLDEN))
    u = (bits >> np.uint64(11)).astype(np.float64) * 2.0**-53
    scale = np.asarray(1.0 / (1.0 - ratio), dtype)
    return np.where(u >= ratio, scale, dtype(0)).astype(dtype).reshape(shape)


def signed(u):
    """A u64 as the i64 attribute that holds its bits."""
    return u - (1 << 64) if u >= 1 << 63 else u


# ------------------------------------------------------------------ mask


def mask(workdir, driver):
    import train_ops as TO
    cases = [  # shape, dtype, ratio, seed, salt
        ((64, 128), np.float32, 0.5, 0, node_salt("drop")),
        ((3, 5, 7, 2), np.float64, 0.1, 12345, node_salt("dropout_1")),
        ((1000,), np.float32, 0.9, (1 << 63) + 5, 1),
        ((8, 33), np.float32, 0.25, 7, 0),
        ((2, 2), np.float32, 0.0, 3, 99),
    ]
    f = TO.Fn("mask")
    st = f.arg("step", np.int64(0))
    for shape, dt, ratio, seed, salt in cases:
        f.op("dlc.DropoutMask %s {ratio = %r : f64, seed = %d : i64, salt = %d : i64} "
             ": (tensor<i64>) -> %s" % (st, ratio, signed(seed), signed(salt), TO.ty(shape, dt)),
             shape, dt)
    f.build(workdir, driver)
    ok = True
    masks = {}
    for step in (0, 1, 2, 17, 10**12):
        got = f.run({"step": np.int64(step)})
        for (shape, dt, ratio, seed, salt), g in zip(cases, got):
            want = dropout_mask(shape, ratio, seed, salt, step, dt)
            label = "mask %s %s ratio %g seed %d salt %d step %d" % (
                shape, np.dtype(dt).name, ratio, seed, salt, step)
            if g.dtype != want.dtype or g.shape != want.shape or g.tobytes() != want.tobytes():
                bad = np.flatnonzero(g.ravel() != want.ravel())
                print("FAIL %s: %d of %d elements differ from the numpy generator "
                      "(first at %s: got %r, want %r)" % (label, bad.size, want.size,
                                                          bad[:1], g.ravel()[bad[:1]],
                                                          want.ravel()[bad[:1]]))
                ok = False
                continue
            n = g.size
            kept = np.count_nonzero(g) / n
            sigma = np.sqrt(ratio * (1 - ratio) / n)
            if abs(kept - (1 - ratio)) > 4 * sigma + 1e-12:
                print("FAIL %s: kept %.4f, expected %.4f +- %.4f" % (label, kept, 1 - ratio,
                                                                    4 * sigma))
                ok = False
            masks[(shape, step)] = g
            print("ok   %s: bit-exact, kept %.4f (1 - ratio = %.4f)" % (label, kept, 1 - ratio))
    # Different steps give different masks (whenever dropping is possible).
    for shape, dt, ratio, seed, salt in cases:
        if ratio == 0.0:
            continue
        steps = (0, 1, 2, 17, 10**12)
        for a in range(len(steps)):
            for b in range(a + 1, len(steps)):
                if np.array_equal(masks[(shape, steps[a])], masks[(shape, steps[b])]):
                    print("FAIL mask %s: steps %d and %d give the same mask" %
                          (shape, steps[a], steps[b]))
                    ok = False
    # Different salts at the same step and seed: independent masks.
    a = dropout_mask((4096,), 0.5, 0, node_salt("drop1"), 3)
    b = dropout_mask((4096,), 0.5, 0, node_salt("drop2"), 3)
    agree = np.mean((a != 0) == (b != 0))
    if not 0.45 < agree < 0.55:
        print("FAIL two salts agree on %.3f of the positions (independent: 0.5)" % agree)
        ok = False
    print("mask:", "ok" if ok else "MISMATCH")
    return ok


# ------------------------------------------------------------- training

STEPS = 12
N, C1, H, W = 8, 3, 4, 4
HID, CLS = 6, 4
LR = 0.1
MOMENTUM = 0.8  # ONNX's: running = 0.8 running + 0.2 batch
EPS = 1e-3
RATIO = 0.3
SEED = 42

TRAINABLE = [("bn1.scale", (C1,)), ("bn1.bias", (C1,)), ("fc1.weight", (HID, C1 * H * W)),
             ("fc1.bias", (HID,)), ("bn2.scale", (HID,)), ("bn2.bias", (HID,)),
             ("fc2.weight", (CLS, HID)), ("fc2.bias", (CLS,))]
RUNNING = [("bn1.mean", (C1,)), ("bn1.var", (C1,)), ("bn2.mean", (HID,)), ("bn2.var", (HID,))]


def model_json():
    params = [{"name": n, "shape": list(s), "init": {"kind": "zeros"}} for n, s in TRAINABLE]
    params += [{"name": n, "shape": list(s), "init": {"kind": "zeros"}, "trainable": False}
               for n, s in RUNNING]
    bn_attrs = {"epsilon": EPS, "momentum": MOMENTUM}
    nodes = [
        {"name": "bn1", "op": "BatchNormalization",
         "inputs": ["x", "bn1.scale", "bn1.bias", "bn1.mean", "bn1.var"], "outputs": ["n1"],
         "attrs": bn_attrs},
        {"name": "flat", "op": "Flatten", "inputs": ["n1"], "outputs": ["f"]},
        {"name": "fc1", "op": "Gemm", "inputs": ["f", "fc1.weight", "fc1.bias"],
         "outputs": ["h"], "attrs": {"transB": 1}},
        {"name": "bn2", "op": "BatchNormalization",
         "inputs": ["h", "bn2.scale", "bn2.bias", "bn2.mean", "bn2.var"], "outputs": ["n2"],
         "attrs": bn_attrs},
        {"name": "act", "op": "Relu", "inputs": ["n2"], "outputs": ["a"]},
        {"name": "drop", "op": "Dropout", "inputs": ["a"], "outputs": ["d"],
         "attrs": {"ratio": RATIO}},
        {"name": "fc2", "op": "Gemm", "inputs": ["d", "fc2.weight", "fc2.bias"],
         "outputs": ["logits"], "attrs": {"transB": 1}},
        {"name": "loss", "op": "SoftmaxCrossEntropyLoss", "inputs": ["logits", "y"],
         "outputs": ["loss"]},
    ]
    return {"version": 1, "name": "tn", "dims": {"batch": N},
            "inputs": [{"name": "x", "dtype": "f32", "shape": ["batch", C1, H, W]},
                       {"name": "y", "dtype": "i64", "shape": ["batch"]}],
            "parameters": params, "nodes": nodes, "outputs": ["logits"],
            "training": {"loss": "loss", "seed": SEED,
                         "optimizer": {"kind": "sgd", "learning_rate": LR},
                         "metrics": {"accuracy": ["logits", "y"]}}}


def bn_forward(x, scale, bias, eps):
    """Training-mode BN over every axis but 1: (y, cache, batch mean, batch var)."""
    axes = (0,) + tuple(range(2, x.ndim))
    shape = [1, -1] + [1] * (x.ndim - 2)
    mean = x.mean(axis=axes, keepdims=True)
    d = x - mean
    var = (d * d).mean(axis=axes, keepdims=True)  # population variance
    inv = 1.0 / np.sqrt(var + eps)
    xhat = d * inv
    y = xhat * scale.reshape(shape) + bias.reshape(shape)
    return y, (xhat, inv, scale.reshape(shape), axes), mean.ravel(), var.ravel()


def bn_backward(dy, cache):
    xhat, inv, scale, axes = cache
    m = dy.size / xhat.shape[1]
    dscale = (dy * xhat).sum(axis=axes)
    dbias = dy.sum(axis=axes)
    dxhat = dy * scale
    dx = inv / m * (m * dxhat - dxhat.sum(axis=axes, keepdims=True)
                    - xhat * (dxhat * xhat).sum(axis=axes, keepdims=True))
    return dx, dscale, dbias


def reference_step(p, r, step, x, y):
    """One SGD step in float64; updates p (trainable) and r (running) in place."""
    x = x.astype(np.float64)
    n1, c1, m1, v1 = bn_forward(x, p["bn1.scale"], p["bn1.bias"], EPS)
    f = n1.reshape(N, -1)
    h = f @ p["fc1.weight"].T + p["fc1.bias"]
    n2, c2, m2, v2 = bn_forward(h, p["bn2.scale"], p["bn2.bias"], EPS)
    a = np.maximum(n2, 0)
    mk = dropout_mask((N, HID), RATIO, SEED, node_salt("drop"), step).astype(np.float64)
    d = a * mk
    z = d @ p["fc2.weight"].T + p["fc2.bias"]
    zmax = z.max(axis=1, keepdims=True)
    logp = z - zmax - np.log(np.exp(z - zmax).sum(axis=1, keepdims=True))
    loss = -logp[np.arange(N), y].mean()
    acc = np.mean(np.argmax(z, axis=1) == y)
    onehot = np.zeros_like(z)
    onehot[np.arange(N), y] = 1
    dz = (np.exp(logp) - onehot) / N
    g = {"fc2.weight": dz.T @ d, "fc2.bias": dz.sum(0)}
    da = (dz @ p["fc2.weight"]) * mk * (n2 > 0)
    dh, g["bn2.scale"], g["bn2.bias"] = bn_backward(da, c2)
    g["fc1.weight"], g["fc1.bias"] = dh.T @ f, dh.sum(0)
    df = (dh @ p["fc1.weight"]).reshape(n1.shape)
    _, g["bn1.scale"], g["bn1.bias"] = bn_backward(df, c1)
    for k in g:
        p[k] = p[k] - LR * g[k]
    for name, batch in (("bn1.mean", m1), ("bn1.var", v1), ("bn2.mean", m2), ("bn2.var", v2)):
        r[name] = MOMENTUM * r[name] + (1 - MOMENTUM) * batch
    return loss, acc


def setup(work, rng):
    os.makedirs(work, exist_ok=True)
    with open(os.path.join(work, "model.json"), "w") as f:
        json.dump(model_json(), f)
    params = {n: (rng.standard_normal(s) * 0.5).astype(np.float32) for n, s in TRAINABLE}
    for n in ("bn1.scale", "bn2.scale"):
        params[n] = (1.0 + params[n] * 0.2).astype(np.float32)
    running = {"bn1.mean": rng.standard_normal(C1).astype(np.float32),
               "bn1.var": rng.uniform(0.5, 2.0, C1).astype(np.float32),
               "bn2.mean": np.zeros(HID, np.float32), "bn2.var": np.ones(HID, np.float32)}
    x = (rng.standard_normal((STEPS, N, C1, H, W)) * 2 + 1).astype(np.float32)
    y = rng.integers(0, CLS, (STEPS, N)).astype(np.int64)
    return params, running, x, y


def build(work):
    import train_mlp as TM
    dlc = os.environ.get("DLC", "dlc")
    cc = os.environ["CC_FOR_TEST"]
    subprocess.run([dlc, "compile", os.path.join(work, "model.json"), "--train", "-o",
                    os.path.join(work, "model.o")], check=True)
    subprocess.run([cc, "-O2", "-DMODEL_INFO=tn_info", "-I" + work]
                   + os.environ["DLCRT_CFLAGS"].split()
                   + [os.path.join(HERE, "Inputs", "train_steps.c"),
                      os.path.join(work, "model.o")]
                   + os.environ["DLCRT_LIBS"].split()
                   + ["-o", os.path.join(work, "train_steps")], check=True)
    return TM


def run_steps(exe, work, init, x, y, TM):
    """train_steps over batches x, y from the checkpoint `init`; returns
    (losses, metrics, final checkpoint)."""
    os.makedirs(work, exist_ok=True)
    TM.write_safetensors(os.path.join(work, "init.safetensors"), init)
    np.save(os.path.join(work, "x.npy"), x)
    np.save(os.path.join(work, "y.npy"), y)
    subprocess.run([exe, work, str(len(x))], check=True, stdout=subprocess.DEVNULL)
    return (np.load(os.path.join(work, "losses.npy")), np.load(os.path.join(work, "metrics.npy")),
            TM.read_safetensors(os.path.join(work, "final.safetensors")))


def checkpoint(params, running, step):
    init = dict(params)
    init.update(running)
    init["optimizer.step"] = np.array(step, np.int64)
    return init


def train(work):
    rng = np.random.default_rng(11)
    params, running, x, y = setup(work, rng)
    TM = build(work)
    losses, metrics, final = run_steps(os.path.join(work, "train_steps"),
                                       os.path.join(work, "run"),
                                       checkpoint(params, running, 0), x, y, TM)
    p = {k: v.astype(np.float64) for k, v in params.items()}
    r = {k: v.astype(np.float64) for k, v in running.items()}
    ref_losses, ref_acc = [], []
    for s in range(STEPS):
        loss, acc = reference_step(p, r, s, x[s], y[s])
        ref_losses.append(loss)
        ref_acc.append(acc)
    ok = TM.close("losses", losses, ref_losses)
    ok &= TM.close("accuracy", metrics[:, 0], ref_acc, rtol=0, atol=1e-6)
    for k, v in list(p.items()) + list(r.items()):
        ok &= TM.close(k, final[k], v, rtol=1e-4, atol=1e-5)
    if int(final["optimizer.step"]) != STEPS:
        print("FAIL optimizer.step", final["optimizer.step"])
        ok = False
    # The running statistics moved away from their initial values (so the
    # comparison above is not vacuous), and the dropout masks differed
    # between steps.
    for k in running:
        if np.allclose(final[k], running[k]):
            print("FAIL running statistic %s did not change" % k)
            ok = False
    m = [dropout_mask((N, HID), RATIO, SEED, node_salt("drop"), s) for s in range(STEPS)]
    if any(np.array_equal(m[0], mm) for mm in m[1:]):
        print("FAIL the reference masks repeat")
        ok = False
    print("train: %d steps, first loss %.6f, last %.6f, bn1.mean %s -> %s:" % (
        STEPS, ref_losses[0], ref_losses[-1], np.round(running["bn1.mean"], 4),
        np.round(final["bn1.mean"], 4)), "ok" if ok else "MISMATCH")
    return ok


def resume(work):
    rng = np.random.default_rng(12)
    params, running, x, y = setup(work, rng)
    TM = build(work)
    exe = os.path.join(work, "train_steps")
    init = checkpoint(params, running, 0)
    l_all, _, f_all = run_steps(exe, os.path.join(work, "all"), init, x, y, TM)
    half = STEPS // 2
    l_a, _, f_a = run_steps(exe, os.path.join(work, "first"), init, x[:half], y[:half], TM)
    l_b, _, f_b = run_steps(exe, os.path.join(work, "second"), dict(f_a), x[half:], y[half:], TM)
    ok = True
    if np.concatenate([l_a, l_b]).tobytes() != l_all.tobytes():
        print("FAIL losses of the resumed run differ:", np.concatenate([l_a, l_b]), l_all)
        ok = False
    for k, v in f_all.items():
        if f_b[k].tobytes() != v.tobytes():
            print("FAIL %s differs after resuming" % k)
            ok = False
    print("resume: %d steps in one run and %d + %d from a checkpoint: %s" % (
        STEPS, half, STEPS - half, "identical" if ok else "MISMATCH"))
    return ok


def main():
    family, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    if family == "mask":
        ok = mask(work, sys.argv[3])
    elif family == "train":
        ok = train(work)
    elif family == "resume":
        ok = resume(work)
    else:
        sys.exit("unknown family " + family)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
