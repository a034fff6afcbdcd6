"""dlc against its peers, by the protocol of shared/design/benchmarks.md.

Each case is compiled by dlc (`dlc compile [--train]`), linked with libdlcrt
into a shared library and called through ctypes from this process, so dlc
and its peer (OpenBLAS through numpy, PyTorch eager, torch.compile, ONNX
Runtime) run in the same process on the same data, interleaved A, B, A, B
after a warm-up. The PyTorch networks start from dlc's initial weights
(copied in before any call), so both sides compute the same function; the
first output or loss of each is compared as a check. A row reports the
median time of one call of each, their min and max, and the ratio
peer / dlc (above 1: dlc is faster). Peers run with the thread count of
--threads, and so does dlc (its parallel loops on libdlcrt's pool,
DLC_NUM_THREADS). After the table,
a second one sets the measured values against the targets of issue 5.

Run it through bench/bench.sh, which installs the peers into a virtual
environment. A peer that is not installed or does not work here gives an
`n/a` row with the reason.
"""

import argparse
import copy
import ctypes
import json
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


# --------------------------------------------------------------- models

def mlp_model(batch, train):
    m = {"version": 1, "name": "mlp", "dims": {"batch": batch},
         "inputs": [{"name": "x", "dtype": "f32", "shape": ["batch", 784]}],
         "parameters": [], "nodes": [], "outputs": ["logits"]}
    sizes = [784, 256, 128, 10]
    h = "x"
    for i in range(3):
        w, b = "fc%d.weight" % i, "fc%d.bias" % i
        m["parameters"] += [
            {"name": w, "shape": [sizes[i + 1], sizes[i]], "init": {"kind": "he_uniform", "seed": i}},
            {"name": b, "shape": [sizes[i + 1]], "init": {"kind": "zeros"}}]
        out = "logits" if i == 2 else "h%d" % i
        m["nodes"].append({"name": "fc%d" % i, "op": "Gemm", "inputs": [h, w, b],
                           "outputs": [out], "attrs": {"transB": 1}})
        if i < 2:
            m["nodes"].append({"name": "relu%d" % i, "op": "Relu", "inputs": [out],
                               "outputs": ["a%d" % i]})
            h = "a%d" % i
    return with_training(m, train)


def cnn_model(batch, train):
    m = {"version": 1, "name": "cnn", "dims": {"batch": batch},
         "inputs": [{"name": "x", "dtype": "f32", "shape": ["batch", 1, 28, 28]}],
         "parameters": [
             {"name": "c1.weight", "shape": [32, 1, 3, 3], "init": {"kind": "he_uniform", "seed": 1}},
             {"name": "c1.bias", "shape": [32], "init": {"kind": "zeros"}},
             {"name": "c2.weight", "shape": [64, 32, 3, 3], "init": {"kind": "he_uniform", "seed": 2}},
             {"name": "c2.bias", "shape": [64], "init": {"kind": "zeros"}},
             {"name": "fc.weight", "shape": [10, 1600], "init": {"kind": "glorot_uniform", "seed": 3}},
             {"name": "fc.bias", "shape": [10], "init": {"kind": "zeros"}}],
         "nodes": [
             {"name": "c1", "op": "Conv", "inputs": ["x", "c1.weight", "c1.bias"], "outputs": ["y1"]},
             {"name": "r1", "op": "Relu", "inputs": ["y1"], "outputs": ["z1"]},
             {"name": "p1", "op": "MaxPool", "inputs": ["z1"], "outputs": ["q1"],
              "attrs": {"kernel_shape": [2, 2], "strides": [2, 2]}},
             {"name": "c2", "op": "Conv", "inputs": ["q1", "c2.weight", "c2.bias"], "outputs": ["y2"]},
             {"name": "r2", "op": "Relu", "inputs": ["y2"], "outputs": ["z2"]},
             {"name": "p2", "op": "MaxPool", "inputs": ["z2"], "outputs": ["q2"],
              "attrs": {"kernel_shape": [2, 2], "strides": [2, 2]}},
             {"name": "flat", "op": "Flatten", "inputs": ["q2"], "outputs": ["f"]},
             {"name": "fc", "op": "Gemm", "inputs": ["f", "fc.weight", "fc.bias"],
              "outputs": ["logits"], "attrs": {"transB": 1}}],
         "outputs": ["logits"]}
    return with_training(m, train)


def lstm_model(batch, train, hidden=128):
    m = {"version": 1, "name": "lstm", "dims": {"batch": batch},
         "inputs": [{"name": "x", "dtype": "f32", "shape": ["batch", 28, 28]}],
         "parameters": [
             {"name": "W", "shape": [1, 4 * hidden, 28], "init": {"kind": "glorot_uniform", "seed": 1}},
             {"name": "R", "shape": [1, 4 * hidden, hidden], "init": {"kind": "glorot_uniform", "seed": 2}},
             {"name": "B", "shape": [1, 8 * hidden], "init": {"kind": "zeros"}},
             {"name": "fc.weight", "shape": [10, hidden], "init": {"kind": "glorot_uniform", "seed": 3}},
             {"name": "fc.bias", "shape": [10], "init": {"kind": "zeros"}}],
         "nodes": [
             {"name": "lstm", "op": "LSTM", "inputs": ["x", "W", "R", "B"], "outputs": ["", "h"],
              "attrs": {"hidden_size": hidden, "layout": 1}},
             {"name": "flat", "op": "Flatten", "inputs": ["h"], "outputs": ["f"]},
             {"name": "fc", "op": "Gemm", "inputs": ["f", "fc.weight", "fc.bias"],
              "outputs": ["logits"], "attrs": {"transB": 1}}],
         "outputs": ["logits"]}
    return with_training(m, train)


def with_training(m, train):
    if train:
        m["inputs"].append({"name": "label", "dtype": "i64", "shape": ["batch"]})
        m["nodes"].append({"name": "loss", "op": "SoftmaxCrossEntropyLoss",
                           "inputs": ["logits", "label"], "outputs": ["loss"]})
        m["training"] = {"loss": "loss", "optimizer": {"kind": "adam", "learning_rate": 0.001}}
    return m


def attention_model():
    """bench/attention_block.json (its // comment lines dropped): the
    attention block, with its MeanSquaredError training section."""
    with open(os.path.join(ROOT, "bench", "attention_block.json")) as f:
        return json.loads("\n".join(line for line in f
                                     if not line.lstrip().startswith("//")))


def matmul_model(m, k, n):
    return {"version": 1, "name": "mm",
            "inputs": [{"name": "a", "dtype": "f32", "shape": [m, k]},
                       {"name": "b", "dtype": "f32", "shape": [k, n]}],
            "nodes": [{"name": "mm", "op": "MatMul", "inputs": ["a", "b"], "outputs": ["c"]}],
            "outputs": ["c"]}


# ------------------------------------------------------------ dlc cases

class Dlc:
    """One compiled model, called through libdlcrt (dlc_infer or
    dlc_train_step) from a shared library."""

    def __init__(self, build, model, train, workdir, dlc=None):
        """dlc: the compiler to run (default: the build's bin/dlc)."""
        self.dir = tempfile.mkdtemp(dir=workdir)
        path = os.path.join(self.dir, "model.json")
        with open(path, "w") as f:
            json.dump(model, f)
        dlc = dlc or os.path.join(build, "bin", "dlc")
        cmd = [dlc, "compile", path, "-o", os.path.join(self.dir, "model.o")]
        if train:
            cmd.insert(2, "--train")
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        self.compile_seconds = time.perf_counter() - start
        shim = os.path.join(self.dir, "shim.c")
        with open(shim, "w") as f:
            f.write('#include "model.h"\nconst dlc_model_info *bench_info(void) '
                    '{ return &%s_info; }\n' % model["name"])
        lib = os.path.join(self.dir, "model.so")
        subprocess.run([os.environ.get("CC", "clang-22"), "-shared", "-fPIC", "-O2",
                        "-I" + os.path.join(ROOT, "runtime", "include"), "-I" + self.dir, shim,
                        os.path.join(self.dir, "model.o"),
                        "-Wl,--whole-archive", os.path.join(build, "runtime", "libdlcrt.a"),
                        "-Wl,--no-whole-archive", "-lz", "-lm",
                        "-lpthread", "-o", lib], check=True)
        self.lib = ctypes.CDLL(lib)
        self.lib.bench_info.restype = ctypes.c_void_p
        self.lib.dlc_params_create.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_void_p)]
        self.lib.dlc_params_create.restype = ctypes.c_void_p
        self.lib.dlc_infer.restype = ctypes.c_void_p
        self.lib.dlc_train_step.restype = ctypes.c_void_p
        self.lib.dlc_eval_step.restype = ctypes.c_void_p
        self.lib.dlc_params_find.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
        self.lib.dlc_params_find.restype = ctypes.c_int32
        self.lib.dlc_params_data.argtypes = [ctypes.c_void_p, ctypes.c_int32]
        self.lib.dlc_params_data.restype = ctypes.c_void_p
        self.shapes = {p["name"]: [model["dims"][d] if isinstance(d, str) else d
                                   for d in p["shape"]]
                       for p in model.get("parameters", [])}
        self.params = ctypes.c_void_p()
        self.check(self.lib.dlc_params_create(self.lib.bench_info(), ctypes.byref(self.params)))
        self.train = train

    def check(self, status):
        if status:
            self.lib.dlc_status_message.restype = ctypes.c_char_p
            raise RuntimeError(self.lib.dlc_status_message(ctypes.c_void_p(status)).decode())

    def param(self, name):
        """A numpy view of parameter `name` (f32) in dlc's own storage."""
        index = self.lib.dlc_params_find(self.params, name.encode())
        if index < 0:
            raise KeyError(name)
        data = ctypes.cast(self.lib.dlc_params_data(self.params, index),
                           ctypes.POINTER(ctypes.c_float))
        return np.ctypeslib.as_array(data, shape=tuple(self.shapes[name]))

    def first_value(self):
        """The output (inference) or the loss without an update (training) for
        the bound arrays, to check that the peer computes the same function."""
        if self.train:
            self.check(self.lib.dlc_eval_step(self.params, self.inputs,
                                              ctypes.byref(self.loss), self.metrics))
            return np.float32(self.loss.value)
        self()
        return self.keep[1][0].copy()

    def bind(self, inputs, outputs):
        """Fixes the arrays of every later call (kept alive here)."""
        self.keep = (inputs, outputs)
        self.inputs = (ctypes.c_void_p * len(inputs))(*[a.ctypes.data for a in inputs])
        self.outputs = (ctypes.c_void_p * max(1, len(outputs)))(
            *[a.ctypes.data for a in outputs])
        self.loss = ctypes.c_float()
        self.metrics = (ctypes.c_float * 8)()

    def __call__(self):
        if self.train:
            self.check(self.lib.dlc_train_step(self.params, self.inputs,
                                               ctypes.byref(self.loss), self.metrics))
        else:
            self.check(self.lib.dlc_infer(self.params, self.inputs, self.outputs))


# ---------------------------------------------------------------- peers

def torch_or_none():
    try:
        import torch
        return torch
    except ImportError:
        return None


def ort_or_none():
    try:
        import onnxruntime
        return onnxruntime
    except ImportError:
        return None


def torch_net(torch, kind):
    nn = torch.nn
    if kind == "mlp":
        return nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(),
                             nn.Linear(128, 10))
    if kind == "cnn":
        return nn.Sequential(nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
                             nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                             nn.Linear(1600, 10))
    if kind == "attention":
        class Block(nn.Module):
            """bench/attention_block.json: post-LN multi-head self-attention."""

            def __init__(self):
                super().__init__()
                self.attn = nn.MultiheadAttention(256, 4, dropout=0.0, batch_first=True)
                self.ln = nn.LayerNorm(256)

            def forward(self, x):
                return self.ln(x + self.attn(x, x, x, need_weights=False)[0])
        return Block()

    class Lstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(28, 128, batch_first=True)
            self.fc = nn.Linear(128, 10)

        def forward(self, x):
            return self.fc(self.lstm(x)[1][0][0])
    return Lstm()


def onnx_gates_to_torch(a):
    """ONNX orders an LSTM's gate blocks i, o, f, c; PyTorch i, f, g(c), o."""
    i, o, f, c = np.split(a, 4, axis=0)
    return np.concatenate([i, f, c, o])


def dlc_weights(kind, d):
    """The PyTorch state dict of torch_net(kind) holding dlc's parameters."""
    p = d.param
    if kind == "mlp":
        names = {"0": "fc0", "2": "fc1", "4": "fc2"}
    elif kind == "cnn":
        names = {"0": "c1", "3": "c2", "7": "fc"}
    elif kind == "lstm":
        hidden = p("R").shape[2]
        return {"lstm.weight_ih_l0": onnx_gates_to_torch(p("W")[0]),
                "lstm.weight_hh_l0": onnx_gates_to_torch(p("R")[0]),
                "lstm.bias_ih_l0": onnx_gates_to_torch(p("B")[0, :4 * hidden]),
                "lstm.bias_hh_l0": onnx_gates_to_torch(p("B")[0, 4 * hidden:]),
                "fc.weight": p("fc.weight"), "fc.bias": p("fc.bias")}
    else:
        return {"attn.in_proj_weight": np.concatenate([p(n + ".weight") for n in "qkv"]),
                "attn.in_proj_bias": np.concatenate([p(n + ".bias") for n in "qkv"]),
                "attn.out_proj.weight": p("proj.weight"), "attn.out_proj.bias": p("proj.bias"),
                "ln.weight": p("ln.scale"), "ln.bias": p("ln.bias")}
    return {"%s.%s" % (i, field): p("%s.%s" % (n, field))
            for i, n in names.items() for field in ("weight", "bias")}


def torch_net_like(torch, kind, d):
    """torch_net(kind) starting from the initial weights of dlc's model d."""
    net = torch_net(torch, kind)
    state = {k: torch.from_numpy(np.array(v)) for k, v in dlc_weights(kind, d).items()}
    net.load_state_dict(state, strict=True)
    return net


def torch_infer(torch, net, x):
    xt = torch.from_numpy(x)

    def run():
        with torch.no_grad():
            return net(xt)
    return run


def torch_train(torch, net, x, y, loss_fn, compiled=False):
    """One training step, forward + backward + Adam. With `compiled`, the
    forward and loss (and so, through AOTAutograd, the backward) and the
    Adam update are each a torch.compile graph."""
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    def loss_of():
        return loss_fn(net(xt), yt)

    update = opt.step
    if compiled:
        loss_of = torch.compile(loss_of)
        update = torch.compile(opt.step)

    def run():
        opt.zero_grad()
        loss = loss_of()
        loss.backward()
        update()
        return loss
    run.loss = lambda: loss_fn(net(xt), yt)  # at the current weights, no update
    return run


def inductor_problem():
    """Why torch.compile (inductor on CPU) cannot work here, or None."""
    cxx = os.environ.get("CXX", "g++")
    if not shutil.which(cxx):
        return "no C++ compiler %s for inductor; set CXX" % cxx
    return None


def torch_compile_peer(torch, make, warmups=3):
    """The torch.compile peer from make() (which compiles), after `warmups`
    calls that include the compilation; a string saying why when it fails."""
    why = inductor_problem()
    if why:
        return None, why
    start = time.perf_counter()
    try:
        run = make()
        for _ in range(warmups):
            run()
    except Exception as e:  # inductor or dynamo failing here: an n/a row
        return None, "%s: %s" % (type(e).__name__, (str(e).strip().splitlines() or [""])[0][:120])
    print("  (torch.compile: %.1f s to compile and warm up)" % (time.perf_counter() - start),
          file=sys.stderr)
    return run, None


def ort_infer(torch, ort, net, x, workdir, threads):
    path = os.path.join(workdir, "net_%d.onnx" % id(net))
    try:
        with warnings.catch_warnings():  # the TorchScript exporter's deprecation notice
            warnings.simplefilter("ignore")
            torch.onnx.export(net, torch.from_numpy(x), path, input_names=["x"], dynamo=False)
    except Exception as e:  # exporter missing or failing: no ORT row
        print("  (ONNX export failed: %s)" % str(e).splitlines()[0], file=sys.stderr)
        return None
    so = ort.SessionOptions()
    so.intra_op_num_threads = threads
    so.inter_op_num_threads = 1
    sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])

    def run():
        return sess.run(None, {"x": x})[0]
    return run


def check_same(case, peer, ours, theirs):
    """Prints how far the peer's first output or loss is from dlc's."""
    theirs = np.asarray(theirs.detach() if hasattr(theirs, "detach") else theirs)
    diff = float(np.max(np.abs(np.asarray(ours, np.float64) - theirs)))
    scale = float(np.max(np.abs(ours))) or 1.0
    print("  (%s, %s: max |dlc - peer| = %.2g, relative %.2g)"
          % (case, peer, diff, diff / scale), file=sys.stderr)


# --------------------------------------------------------------- timing

def timed(fn, min_seconds):
    """Seconds per call of fn, over enough calls to last min_seconds."""
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return elapsed / calls


# Seconds of quiet before each timed run. A system's idle threads go on
# spinning for a while after its last call, and on two cores they take
# the cores of whatever runs next: OpenBLAS's workers spin about 0.107 s
# (measured: CPU time burnt during a sleep after one sgemm), PyTorch's
# OpenMP threads about 4.5 ms, libdlcrt's pool 0.1 ms. Without the pause
# the first half of each 0.2 s dlc run after OpenBLAS shared its cores
# with OpenBLAS's spinning thread (sgemm 1024^3: 9.3 ms, against 6.9 ms
# with the pause).
SETTLE_SECONDS = 0.15


def compare(a, b, reps, min_seconds):
    """Interleaved A, B runs after a warm-up of each, each run after
    SETTLE_SECONDS of quiet; the per-call times."""
    a(), b()
    ta, tb = [], []
    for _ in range(reps):
        time.sleep(SETTLE_SECONDS)
        ta.append(timed(a, min_seconds))
        time.sleep(SETTLE_SECONDS)
        tb.append(timed(b, min_seconds))
    return ta, tb


def fmt(seconds):
    if seconds >= 1:
        return "%.2f s" % seconds
    if seconds >= 1e-3:
        return "%.2f ms" % (seconds * 1e3)
    return "%.1f us" % (seconds * 1e6)


ROWS = []
MEDIANS = {}      # (case, peer) -> (dlc median, peer median), seconds
DLC_SAMPLES = {}  # case -> every per-call time of dlc measured for it
COMPILE = {}      # display name -> seconds of `dlc compile --train`
NOTES = []        # lines printed under the table


def row(case, peer, ta, tb):
    da, db = statistics.median(ta), statistics.median(tb)
    MEDIANS[case, peer] = (da, db)
    DLC_SAMPLES.setdefault(case, []).extend(ta)
    ROWS.append((case, fmt(da), peer, fmt(db), "%.3g" % (db / da),
                 "%s / %s" % (fmt(min(ta)), fmt(max(ta))),
                 "%s / %s" % (fmt(min(tb)), fmt(max(tb)))))
    print("  %-36s dlc %-10s %-18s %-10s ratio %s" % (case, fmt(da), peer, fmt(db), ROWS[-1][4]),
          file=sys.stderr)


def na(case, peer, why, ta=None):
    """A peer row without a peer time; dlc's own time when it was taken."""
    why = why.replace("|", "/")
    if ta:
        DLC_SAMPLES.setdefault(case, []).extend(ta)
        ROWS.append((case, fmt(statistics.median(ta)), peer, "n/a (%s)" % why, "",
                     "%s / %s" % (fmt(min(ta)), fmt(max(ta))), ""))
    else:
        ROWS.append((case, "", peer, "n/a (%s)" % why, "", "", ""))
    print("  %-36s %-18s n/a (%s)" % (case, peer, why), file=sys.stderr)


def dlc_median(case):
    return statistics.median(DLC_SAMPLES[case]) if DLC_SAMPLES.get(case) else None


def targets():
    """The targets of issue 5 against this run: (what, measured, target, met)."""
    out = []

    def ratio(case, peer):
        m = MEDIANS.get((case, peer))
        return m and m[1] / m[0]

    def at_least(what, value, goal, unit="x"):
        out.append((what, "%.3g%s" % (value, unit) if value else "not run",
                    ">= %g%s" % (goal, unit),
                    ("yes" if value >= goal else "no") if value else "n/a"))

    def at_most(what, value, goal, unit="x", show=None):
        out.append((what, (show or "%.3g%s" % (value, unit)) if value else "not run",
                    "<= %g%s" % (goal, unit),
                    ("yes" if value <= goal else "no") if value else "n/a"))

    blas = "numpy/OpenBLAS"
    at_least("sgemm 1024x1024x1024, speed vs OpenBLAS", ratio("sgemm 1024x1024x1024", blas), 0.85)
    for shape in ("64x784x256", "64x3136x128"):
        at_least("sgemm %s, speed vs OpenBLAS" % shape, ratio("sgemm " + shape, blas), 1.0)
    for kind, goal in (("MLP", 2.0), ("CNN", 1.0), ("LSTM", 1.5)):
        at_least("%s training step, batch 64, speed vs PyTorch eager" % kind,
                 ratio("%s training step, batch 64" % kind, "PyTorch eager"), goal)
    for kind in ("MLP", "CNN"):
        r = ratio("%s inference, batch 1" % kind, "ONNX Runtime")
        at_most("%s inference, batch 1, latency vs ONNX Runtime" % kind, r and 1 / r, 0.5)
    train, infer = dlc_median("MLP training step, batch 64"), dlc_median("MLP inference, batch 64")
    at_most("dlc MLP training step / MLP inference, batch 64",
            train and infer and train / infer, 3.5)
    for kind, goal in (("MLP", 2.0), ("CNN", 5.0)):
        t = COMPILE.get(kind)
        at_most("dlc compile --train %s" % kind, t, goal, " s", t and fmt(t))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-torch", action="store_true")
    ap.add_argument("--only", action="append", default=[],
                    help="run the rows whose 'CASE vs PEER' contains this (e.g. sgemm, "
                         "'training step', torch.compile, Attention); may be repeated")
    args = ap.parse_args()
    # Every compiled case embeds libdlcrt, whose pool reads this when it
    # starts: dlc gets the same thread count as the peers.
    os.environ["DLC_NUM_THREADS"] = str(args.threads)
    reps = 3 if args.quick else 10
    min_seconds = 0.05 if args.quick else 0.2
    def wanted(case, peer):
        return not args.only or any(w in "%s vs %s" % (case, peer) for w in args.only)

    load, cores = os.getloadavg()[0], os.cpu_count()
    if load > 0.5:
        NOTES.append("Load average %.1f on %d cores when the run began: other processes shared "
                     "the cores, which slows the multi-threaded peers most (each parallel "
                     "region waits for every thread to be scheduled)." % (load, cores))
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    torch = None if args.skip_torch else torch_or_none()
    ort = ort_or_none()
    if torch:
        torch.set_num_threads(args.threads)
        # Inductor's notice that this machine has no CUDA runtime.
        logging.getLogger("torch.utils.cpp_extension").setLevel(logging.ERROR)
        # Dynamo's notice that it ignores the profiler scope of Adam.step.
        torch._logging.set_logs(dynamo=logging.ERROR)
    rng = np.random.default_rng(0)
    work = tempfile.mkdtemp(prefix="dlc-bench-")

    # sgemm against OpenBLAS through numpy.
    for m, k, n in [(256, 256, 256), (1024, 1024, 1024), (2048, 2048, 2048),
                    (64, 784, 256), (64, 3136, 128)]:
        case = "sgemm %dx%dx%d" % (m, k, n)
        if not wanted(case, "numpy/OpenBLAS"):
            continue
        d = Dlc(args.build, matmul_model(m, k, n), False, work)
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        c = np.empty((m, n), np.float32)
        d.bind([a, b], [c])
        ta, tb = compare(d, lambda: np.matmul(a, b, out=c), reps, min_seconds)
        row(case, "numpy/OpenBLAS", ta, tb)

    # Networks: inference at batch 1 and 64, training steps at batch 64; the
    # attention block at batch 8.
    builders = {"mlp": mlp_model, "cnn": cnn_model, "lstm": lstm_model,
                "attention": lambda batch, train: attention_model()}
    shapes = {"mlp": (784,), "cnn": (1, 28, 28), "lstm": (28, 28), "attention": (128, 256)}
    names = {"mlp": "MLP", "cnn": "CNN", "lstm": "LSTM", "attention": "Attention block"}
    cases = [("mlp", 1, False), ("mlp", 64, False), ("mlp", 64, True),
             ("cnn", 1, False), ("cnn", 64, False), ("cnn", 64, True),
             ("lstm", 64, True), ("attention", 8, False), ("attention", 8, True)]
    for kind, batch, train in cases:
        case = "%s %s, batch %d" % (names[kind], "training step" if train else "inference", batch)
        peers = [p for p in ["PyTorch eager", "torch.compile"] + ([] if train else ["ONNX Runtime"])
                 if wanted(case, p)]
        if not peers:
            continue
        print("%s:" % case, file=sys.stderr)
        d = Dlc(args.build, builders[kind](batch, train), train, work)
        if train:
            COMPILE[names[kind]] = d.compile_seconds
        x = rng.random((batch,) + shapes[kind], dtype=np.float32)
        if kind == "attention":
            x = rng.standard_normal((batch,) + shapes[kind], dtype=np.float32)
            y = rng.standard_normal((batch,) + shapes[kind], dtype=np.float32)
            out = np.empty((batch,) + shapes[kind], np.float32)
        else:
            y = rng.integers(0, 10, batch).astype(np.int64)
            out = np.empty((batch, 10), np.float32)
        d.bind([x, y] if train else [x], [] if train else [out])
        ours = d.first_value()
        if not torch:
            # No PyTorch (and so no ONNX export): dlc's own time, peers n/a.
            ta = [timed(d, min_seconds) for _ in range(reps)]
            for p in peers:
                na(case, p, "needs torch to export the model" if p == "ONNX Runtime"
                   else "--skip-torch" if args.skip_torch else "torch not installed", ta)
                ta = None
            continue
        net = torch_net_like(torch, kind, d)
        if kind == "attention" and not train:
            net.eval()  # inference: nn.MultiheadAttention's fused fast path
        initial = copy.deepcopy(net)  # the compiled peer starts from the same weights
        loss_fn = torch.nn.MSELoss() if kind == "attention" else torch.nn.CrossEntropyLoss()
        for p in peers:
            if p == "PyTorch eager":
                if train:
                    peer = torch_train(torch, net, x, y, loss_fn)
                    check_same(case, p, ours, peer.loss())
                else:
                    peer = torch_infer(torch, net, x)
                    check_same(case, p, ours, peer())
            elif p == "torch.compile":
                compiled = copy.deepcopy(initial)
                peer, why = torch_compile_peer(
                    torch, lambda: torch_train(torch, compiled, x, y, loss_fn, compiled=True)
                    if train else torch_infer(torch, torch.compile(compiled), x))
                if kind == "lstm" and peer:
                    NOTES.append("%s vs torch.compile: dynamo leaves nn.LSTM to eager (a graph "
                                 "break, its default allow_rnn=False); the Linear, the loss and "
                                 "Adam are compiled." % case)
                if not peer:
                    na(case, p, why)
                    continue
            else:
                if not ort:
                    na(case, p, "onnxruntime not installed")
                    continue
                peer = ort_infer(torch, ort, copy.deepcopy(initial), x, work, args.threads)
                if not peer:
                    na(case, p, "ONNX export failed")
                    continue
                check_same(case, p, ours, peer())
            ta, tb = compare(d, peer, reps, min_seconds)
            row(case, p, ta, tb)
    for kind, seconds in COMPILE.items():
        ROWS.append(("dlc compile --train %s" % kind, fmt(seconds), "", "", "", "", ""))

    print("| case | dlc | peer | peer time | ratio (peer/dlc) | dlc min / max | peer min / max |")
    print("|---|---|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")
    print("\n%d threads for dlc and for the peers. "
          "Ratio above 1: dlc is faster." % args.threads)
    for note in NOTES:
        print("\n" + note)
    print("\n| target (issue 5) | measured | target | met |")
    print("|---|---|---|---|")
    for r in targets():
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
