"""End-to-end check of a compiled training step against numpy.

A small MLP is compiled with `dlc compile --train`, linked with the runtime
and Inputs/train_steps.c, and trained for STEPS updates on fixed random
batches, starting from a checkpoint this script writes. An independent
float64 numpy implementation of the same forward pass, loss, backward pass
and torch.optim update (written here from the formulas, not from dlc) runs
the same steps. Every step's loss and metric, and the final parameters and
optimizer state, must agree to 1e-4 relative (the spec's bar for 100 steps
in f32).

With --torch (the lit tests that REQUIRE torch), the losses and final
parameters are also compared with PyTorch itself: nn.Linear layers,
torch.nn.functional losses, torch.optim, LambdaLR for the schedule and
clip_grad_norm_, in float32, on the same weights and batches.

usage: train_mlp.py CONFIG WORKDIR [--torch]
       (CONFIG: adam, adamw_amsgrad, sgd, mse, rmsprop, adam_clip, bce_logits, focal)
"""
import json
import os
import struct
import subprocess
import sys

import numpy as np

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
STEPS = 100
BATCH, IN, H1, H2, C = 8, 12, 16, 10, 5

CONFIGS = {
    # optimizer dict, schedule, loss kind, activations, label smoothing
    "adam": dict(opt={"kind": "adam", "learning_rate": 0.01}, act=("Relu", "Tanh"),
                 loss="ce", smoothing=0.0),
    "adamw_amsgrad": dict(opt={"kind": "adamw", "learning_rate": 0.005, "amsgrad": True,
                               "betas": [0.8, 0.99], "weight_decay": 0.05},
                          schedule={"kind": "cosine", "total_steps": 100, "warmup_steps": 10},
                          act=("Sigmoid", "Relu"), loss="ce", smoothing=0.1),
    "sgd": dict(opt={"kind": "sgd", "learning_rate": 0.1, "momentum": 0.9, "nesterov": True,
                     "weight_decay": 0.001},
                schedule={"kind": "step", "step_size": 30, "gamma": 0.5},
                act=("Tanh", "Relu"), loss="ce", smoothing=0.0),
    "mse": dict(opt={"kind": "sgd", "learning_rate": 0.05, "momentum": 0.5, "dampening": 0.1},
                act=("Relu", "Sigmoid"), loss="mse", smoothing=0.0),
    "rmsprop": dict(opt={"kind": "rmsprop", "learning_rate": 0.002, "alpha": 0.95, "eps": 1e-6,
                         "momentum": 0.8, "centered": True, "weight_decay": 0.001},
                    schedule={"kind": "step", "step_size": 40, "gamma": 0.5},
                    act=("Tanh", "Relu"), loss="ce", smoothing=0.0),
    # clip_grad_norm below the gradients' global norm on most steps
    "adam_clip": dict(opt={"kind": "adam", "learning_rate": 0.01}, clip=0.75,
                      act=("Relu", "Tanh"), loss="ce", smoothing=0.0),
    # Multi-label targets in {0, 1} of shape [batch, C].
    "bce_logits": dict(opt={"kind": "adam", "learning_rate": 0.01}, act=("Relu", "Tanh"),
                       loss="bce_logits", smoothing=0.0),
    "focal": dict(opt={"kind": "sgd", "learning_rate": 0.1, "momentum": 0.9},
                  act=("Tanh", "Relu"), loss="focal", smoothing=0.0,
                  gamma=2.0, alpha=[0.25, 0.5, 1.0, 0.75, 1.5]),
}

PARAMS = [("fc1.weight", (H1, IN)), ("fc1.bias", (H1,)), ("fc2.weight", (H2, H1)),
          ("fc2.bias", (H2,)), ("fc3.weight", (C, H2)), ("fc3.bias", (C,))]


def model_json(cfg):
    nodes = [
        {"name": "fc1", "op": "Gemm", "inputs": ["x", "fc1.weight", "fc1.bias"], "outputs": ["h1"], "attrs": {"transB": 1}},
        {"name": "act1", "op": cfg["act"][0], "inputs": ["h1"], "outputs": ["a1"]},
        {"name": "fc2", "op": "Gemm", "inputs": ["a1", "fc2.weight", "fc2.bias"], "outputs": ["h2"], "attrs": {"transB": 1}},
        {"name": "act2", "op": cfg["act"][1], "inputs": ["h2"], "outputs": ["a2"]},
        {"name": "fc3", "op": "Gemm", "inputs": ["a2", "fc3.weight", "fc3.bias"], "outputs": ["logits"], "attrs": {"transB": 1}},
    ]
    inputs = [{"name": "x", "dtype": "f32", "shape": ["batch", IN]}]
    training = {"loss": "loss", "optimizer": cfg["opt"]}
    if "schedule" in cfg:
        training["schedule"] = cfg["schedule"]
    if "clip" in cfg:
        training["clip_grad_norm"] = cfg["clip"]
    if cfg["loss"] == "ce":
        inputs.append({"name": "y", "dtype": "i64", "shape": ["batch"]})
        attrs = {"label_smoothing": cfg["smoothing"]} if cfg["smoothing"] else {}
        nodes.append({"name": "loss", "op": "SoftmaxCrossEntropyLoss", "inputs": ["logits", "y"],
                      "outputs": ["loss"], "attrs": attrs})
        training["metrics"] = {"accuracy": ["logits", "y"]}
    elif cfg["loss"] == "focal":
        inputs.append({"name": "y", "dtype": "i64", "shape": ["batch"]})
        nodes.append({"name": "loss", "op": "FocalLoss", "inputs": ["logits", "y"],
                      "outputs": ["loss"], "attrs": {"gamma": cfg["gamma"], "alpha": cfg["alpha"]}})
        training["metrics"] = {"accuracy": ["logits", "y"]}
    else:
        op = {"mse": "MeanSquaredError", "bce_logits": "BinaryCrossEntropyWithLogits"}[cfg["loss"]]
        inputs.append({"name": "t", "dtype": "f32", "shape": ["batch", C]})
        nodes.append({"name": "loss", "op": op, "inputs": ["logits", "t"], "outputs": ["loss"]})
    return {"version": 1, "name": "tm", "dims": {"batch": BATCH}, "inputs": inputs,
            "parameters": [{"name": n, "shape": list(s), "init": {"kind": "zeros"}} for n, s in PARAMS],
            "nodes": nodes, "outputs": ["logits"], "training": training}


def state_suffixes(opt):
    if opt["kind"] == "sgd":
        return ["momentum_buffer"] if opt.get("momentum", 0.0) else []
    if opt["kind"] == "rmsprop":  # torch.optim.RMSprop's state order
        return (["square_avg"] + (["momentum_buffer"] if opt.get("momentum", 0.0) > 0 else [])
                + (["grad_avg"] if opt.get("centered") else []))
    return ["adam_m", "adam_v"] + (["adam_vmax"] if opt.get("amsgrad") else [])


def write_safetensors(path, tensors):
    header, blobs, offset = {}, [], 0
    for name, arr in tensors.items():
        raw = np.ascontiguousarray(arr).tobytes()
        dtype = {np.dtype(np.float32): "F32", np.dtype(np.int64): "I64"}[arr.dtype]
        header[name] = {"dtype": dtype, "shape": list(arr.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


def read_safetensors(path):
    with open(path, "rb") as f:
        n = struct.unpack("<Q", f.read(8))[0]
        header = json.loads(f.read(n))
        data = f.read()
    out = {}
    for name, e in header.items():
        if name == "__metadata__":
            continue
        b, end = e["data_offsets"]
        dt = {"F32": np.float32, "I64": np.int64}[e["dtype"]]
        out[name] = np.frombuffer(data[b:end], dtype=dt).reshape(e["shape"])
    return out


# ---------------------------------------------------------------- reference
ACT = {
    "Relu": (lambda h: np.maximum(h, 0), lambda h, a: (h > 0).astype(np.float64)),
    "Tanh": (np.tanh, lambda h, a: 1 - a * a),
    "Sigmoid": (lambda h: 1 / (1 + np.exp(-h)), lambda h, a: a * (1 - a)),
}


def learning_rate(cfg, step):
    lr = cfg["opt"]["learning_rate"]
    s = cfg.get("schedule")
    if not s:
        return lr
    if s["kind"] == "step":
        return lr * s.get("gamma", 0.1) ** (step // s["step_size"])
    if s["kind"] == "cosine":
        w, total = s.get("warmup_steps", 0), s["total_steps"]
        if step < w:
            return lr * (step + 1) / w
        t = min(max(step - w, 0), total - w)
        lo = s.get("min_learning_rate", 0.0)
        return lo + (lr - lo) * (1 + np.cos(np.pi * t / (total - w))) / 2
    raise ValueError(s)


CLIPPED = []  # per reference step: whether clip_grad_norm scaled the gradients


def reference_step(cfg, params, state, step, batch):
    x = batch["x"].astype(np.float64)
    w = {k: v for k, v in params.items()}
    h1 = x @ w["fc1.weight"].T + w["fc1.bias"]
    a1 = ACT[cfg["act"][0]][0](h1)
    h2 = a1 @ w["fc2.weight"].T + w["fc2.bias"]
    a2 = ACT[cfg["act"][1]][0](h2)
    z = a2 @ w["fc3.weight"].T + w["fc3.bias"]
    metric = []
    if cfg["loss"] == "ce":
        y = batch["y"]
        eps = cfg["smoothing"]
        m = z.max(axis=1, keepdims=True)
        lse = m[:, 0] + np.log(np.exp(z - m).sum(axis=1))
        q = np.full_like(z, eps / C)
        q[np.arange(BATCH), y] += 1 - eps
        loss = np.mean(lse - (q * z).sum(axis=1))
        soft = np.exp(z - lse[:, None])
        dz = (soft - q) / BATCH
        metric = [np.mean(np.argmax(z, axis=1) == y)]
    elif cfg["loss"] == "focal":
        # -alpha_y (1 - p_t)^gamma log p_t, mean over the batch; the gradient
        # d/dz_c = alpha_y F (p_c - [c == y]) / BATCH with
        # F = (1 - p_t)^gamma - gamma p_t (1 - p_t)^(gamma - 1) log p_t.
        y, g = batch["y"], cfg["gamma"]
        a = np.asarray(cfg["alpha"], np.float64)[y]
        m = z.max(axis=1, keepdims=True)
        logp = z - m - np.log(np.exp(z - m).sum(axis=1, keepdims=True))
        lpt = logp[np.arange(BATCH), y]
        pt = np.exp(lpt)
        loss = np.mean(-a * (1 - pt) ** g * lpt)
        F = (1 - pt) ** g - g * pt * (1 - pt) ** (g - 1) * lpt
        onehot = np.zeros_like(z)
        onehot[np.arange(BATCH), y] = 1
        dz = (a * F)[:, None] * (np.exp(logp) - onehot) / BATCH
        metric = [np.mean(np.argmax(z, axis=1) == y)]
    elif cfg["loss"] == "bce_logits":
        # torch's binary_cross_entropy_with_logits, mean over all elements.
        t = batch["t"].astype(np.float64)
        loss = np.mean(np.maximum(z, 0) - z * t + np.log1p(np.exp(-np.abs(z))))
        dz = (1 / (1 + np.exp(-z)) - t) / z.size
    else:
        t = batch["t"].astype(np.float64)
        loss = np.mean((z - t) ** 2)
        dz = 2 * (z - t) / z.size
    grads = {"fc3.weight": dz.T @ a2, "fc3.bias": dz.sum(0)}
    dh2 = (dz @ w["fc3.weight"]) * ACT[cfg["act"][1]][1](h2, a2)
    grads.update({"fc2.weight": dh2.T @ a1, "fc2.bias": dh2.sum(0)})
    dh1 = (dh2 @ w["fc2.weight"]) * ACT[cfg["act"][0]][1](h1, a1)
    grads.update({"fc1.weight": dh1.T @ x, "fc1.bias": dh1.sum(0)})

    clipped = False
    if "clip" in cfg:  # torch.nn.utils.clip_grad_norm_, before the update
        total = np.sqrt(sum(np.sum(g * g) for g in grads.values()))
        coef = cfg["clip"] / (total + 1e-6)
        if coef < 1:
            grads = {k: g * coef for k, g in grads.items()}
            clipped = True
    CLIPPED.append(clipped)

    opt, lr = cfg["opt"], learning_rate(cfg, step)
    for name, _ in PARAMS:
        p, g = params[name], grads[name]
        if opt["kind"] == "sgd":
            g = g + opt.get("weight_decay", 0.0) * p
            mom = opt.get("momentum", 0.0)
            if mom:
                key = name + ".momentum_buffer"
                buf = g if step == 0 else mom * state[key] + (1 - opt.get("dampening", 0.0)) * g
                state[key] = buf
                g = g + mom * buf if opt.get("nesterov") else buf
            params[name] = p - lr * g
        elif opt["kind"] == "rmsprop":
            alpha, eps_r = opt.get("alpha", 0.99), opt.get("eps", 1e-8)
            mom = opt.get("momentum", 0.0)
            g = g + opt.get("weight_decay", 0.0) * p
            sq = alpha * state[name + ".square_avg"] + (1 - alpha) * g * g
            state[name + ".square_avg"] = sq
            if opt.get("centered"):
                ga = alpha * state[name + ".grad_avg"] + (1 - alpha) * g
                state[name + ".grad_avg"] = ga
                avg = np.sqrt(sq - ga * ga) + eps_r
            else:
                avg = np.sqrt(sq) + eps_r
            if mom > 0:
                buf = mom * state[name + ".momentum_buffer"] + g / avg
                state[name + ".momentum_buffer"] = buf
                params[name] = p - lr * buf
            else:
                params[name] = p - lr * g / avg
        else:
            b1, b2 = opt.get("betas", [0.9, 0.999])
            wd = opt.get("weight_decay", 0.01 if opt["kind"] == "adamw" else 0.0)
            eps_a = opt.get("eps", 1e-8)
            t = step + 1
            if opt["kind"] == "adamw":
                p = p * (1 - lr * wd)
            else:
                g = g + wd * p
            m = b1 * state[name + ".adam_m"] + (1 - b1) * g
            v = b2 * state[name + ".adam_v"] + (1 - b2) * g * g
            state[name + ".adam_m"], state[name + ".adam_v"] = m, v
            if opt.get("amsgrad"):
                v = np.maximum(state[name + ".adam_vmax"], v)
                state[name + ".adam_vmax"] = v
            denom = np.sqrt(v) / np.sqrt(1 - b2 ** t) + eps_a
            params[name] = p - lr / (1 - b1 ** t) * m / denom
    return loss, metric


def torch_run(cfg, params, batches):
    """The same training with PyTorch: returns (losses, final parameters)."""
    import torch
    import torch.nn.functional as F
    torch.manual_seed(0)
    acts = {"Relu": torch.relu, "Tanh": torch.tanh, "Sigmoid": torch.sigmoid}
    w = {n: torch.nn.Parameter(torch.from_numpy(params[n].copy())) for n, _ in PARAMS}
    ordered = [w[n] for n, _ in PARAMS]
    opt, kind = cfg["opt"], cfg["opt"]["kind"]
    lr = opt["learning_rate"]
    if kind == "sgd":
        o = torch.optim.SGD(ordered, lr=lr, momentum=opt.get("momentum", 0.0),
                            dampening=opt.get("dampening", 0.0), nesterov=opt.get("nesterov", False),
                            weight_decay=opt.get("weight_decay", 0.0))
    elif kind in ("adam", "adamw"):
        cls = torch.optim.Adam if kind == "adam" else torch.optim.AdamW
        o = cls(ordered, lr=lr, betas=tuple(opt.get("betas", [0.9, 0.999])), eps=opt.get("eps", 1e-8),
                weight_decay=opt.get("weight_decay", 0.0 if kind == "adam" else 0.01),
                amsgrad=opt.get("amsgrad", False))
    else:
        o = torch.optim.RMSprop(ordered, lr=lr, alpha=opt.get("alpha", 0.99), eps=opt.get("eps", 1e-8),
                                weight_decay=opt.get("weight_decay", 0.0),
                                momentum=opt.get("momentum", 0.0), centered=opt.get("centered", False))
    sched = torch.optim.lr_scheduler.LambdaLR(o, lambda s: learning_rate(cfg, s) / lr)
    losses = []
    for s in range(STEPS):
        x = torch.from_numpy(batches["x"][s])
        h = acts[cfg["act"][0]](F.linear(x, w["fc1.weight"], w["fc1.bias"]))
        h = acts[cfg["act"][1]](F.linear(h, w["fc2.weight"], w["fc2.bias"]))
        z = F.linear(h, w["fc3.weight"], w["fc3.bias"])
        if cfg["loss"] == "ce":
            loss = F.cross_entropy(z, torch.from_numpy(batches["y"][s]),
                                   label_smoothing=cfg["smoothing"])
        elif cfg["loss"] == "mse":
            loss = F.mse_loss(z, torch.from_numpy(batches["t"][s]))
        else:
            loss = F.binary_cross_entropy_with_logits(z, torch.from_numpy(batches["t"][s]))
        o.zero_grad()
        loss.backward()
        if "clip" in cfg:
            torch.nn.utils.clip_grad_norm_(ordered, cfg["clip"])
        o.step()
        sched.step()
        losses.append(loss.item())
    return losses, {n: w[n].detach().numpy() for n, _ in PARAMS}


def close(label, got, want, rtol=1e-4, atol=1e-6):
    got, want = np.asarray(got, np.float64), np.asarray(want, np.float64)
    bad = np.abs(got - want) > atol + rtol * np.abs(want)
    if bad.any():
        i = np.unravel_index(np.argmax(np.abs(got - want) - rtol * np.abs(want)), want.shape)
        print(f"FAIL {label}: {bad.sum()} of {bad.size} differ; at {i}: got {got[i]!r}, "
              f"want {want[i]!r}")
        return False
    return True


def main():
    name, work = sys.argv[1], sys.argv[2]
    cfg = CONFIGS[name]
    os.makedirs(work, exist_ok=True)
    rng = np.random.default_rng(7)
    with open(os.path.join(work, "model.json"), "w") as f:
        json.dump(model_json(cfg), f)
    params = {n: (rng.standard_normal(s) * (1.0 / np.sqrt(s[-1]))).astype(np.float32) for n, s in PARAMS}
    state = {}
    for n, s in PARAMS:
        for suffix in state_suffixes(cfg["opt"]):
            state[f"{n}.{suffix}"] = np.zeros(s, np.float32)
    init = dict(params)
    init.update(state)
    init["optimizer.step"] = np.array(0, np.int64)
    write_safetensors(os.path.join(work, "init.safetensors"), init)
    batches = {"x": rng.standard_normal((STEPS, BATCH, IN)).astype(np.float32)}
    if cfg["loss"] in ("ce", "focal"):
        batches["y"] = rng.integers(0, C, (STEPS, BATCH)).astype(np.int64)
    elif cfg["loss"] == "bce_logits":
        batches["t"] = rng.integers(0, 2, (STEPS, BATCH, C)).astype(np.float32)
    else:
        batches["t"] = rng.uniform(0, 1, (STEPS, BATCH, C)).astype(np.float32)
    for k, v in batches.items():
        np.save(os.path.join(work, k + ".npy"), v)

    dlc = os.environ.get("DLC", "dlc")
    cc = os.environ["CC_FOR_TEST"]
    subprocess.run([dlc, "compile", os.path.join(work, "model.json"), "--train", "-o",
                    os.path.join(work, "model.o")], check=True)
    subprocess.run([cc, "-O2", "-DMODEL_INFO=tm_info", "-I" + work] + os.environ["DLCRT_CFLAGS"].split()
                   + [os.path.join(HERE, "Inputs", "train_steps.c"), os.path.join(work, "model.o")]
                   + os.environ["DLCRT_LIBS"].split() + ["-o", os.path.join(work, "train_steps")], check=True)
    subprocess.run([os.path.join(work, "train_steps"), work, str(STEPS)], check=True)

    ref_params = {k: v.astype(np.float64) for k, v in params.items()}
    ref_state = {k: v.astype(np.float64) for k, v in state.items()}
    ref_losses, ref_metrics = [], []
    for s in range(STEPS):
        loss, metric = reference_step(cfg, ref_params, ref_state, s, {k: v[s] for k, v in batches.items()})
        ref_losses.append(loss)
        ref_metrics.append(metric)
    ok = close("losses", np.load(os.path.join(work, "losses.npy")), ref_losses)
    if cfg["loss"] in ("ce", "focal"):
        got = np.load(os.path.join(work, "metrics.npy"))[:, 0]
        ok &= close("accuracy", got, [m[0] for m in ref_metrics], rtol=0, atol=1e-6)
    final = read_safetensors(os.path.join(work, "final.safetensors"))
    for k, v in list(ref_params.items()) + list(ref_state.items()):
        ok &= close(k, final[k], v, rtol=1e-4, atol=1e-5)
    ok &= int(final["optimizer.step"]) == STEPS or print("FAIL optimizer.step", final["optimizer.step"])
    if "clip" in cfg:
        n = sum(CLIPPED)
        print(f"{name}: clip_grad_norm {cfg['clip']} clipped {n} of {STEPS} steps")
        if n < STEPS // 2:
            print("FAIL clip_grad_norm clipped too few steps to test clipping")
            ok = False
    if "--torch" in sys.argv:
        t_losses, t_params = torch_run(cfg, params, batches)
        got = np.load(os.path.join(work, "losses.npy"))
        ok &= close("losses vs torch", got, t_losses)
        rel = np.max(np.abs(got - np.asarray(t_losses)) / np.abs(np.asarray(t_losses)))
        print(f"{name}: max relative loss difference to torch.optim over {STEPS} steps: {rel:.2e}")
        for k, v in t_params.items():
            ok &= close(k + " vs torch", final[k], v, rtol=1e-4, atol=1e-5)
    print(f"{name}: {STEPS} steps, first loss {ref_losses[0]:.6f}, last {ref_losses[-1]:.6f}:",
          "ok" if ok else "MISMATCH")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
