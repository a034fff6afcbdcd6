"""dlc against its peers, by the protocol of shared/design/benchmarks.md.

Each case is compiled by dlc (`dlc compile [--train]`), linked with libdlcrt
into a shared library and called through ctypes from this process, so dlc
and its peer (OpenBLAS through numpy, PyTorch eager, ONNX Runtime) run in
the same process on the same data, interleaved A, B, A, B after a warm-up.
A row reports the median time of one call of each, their min and max, and
the ratio peer / dlc (above 1: dlc is faster). Peers run with the thread
count of --threads; dlc's generated code is single-threaded for now.

Run it through bench/bench.sh, which installs the peers into a virtual
environment. A peer that is not installed gives `n/a` rows.
"""

import argparse
import ctypes
import json
import os
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

    def __init__(self, build, model, train, workdir):
        self.dir = tempfile.mkdtemp(dir=workdir)
        path = os.path.join(self.dir, "model.json")
        with open(path, "w") as f:
            json.dump(model, f)
        dlc = os.path.join(build, "bin", "dlc")
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
        self.params = ctypes.c_void_p()
        self.check(self.lib.dlc_params_create(self.lib.bench_info(), ctypes.byref(self.params)))
        self.train = train

    def check(self, status):
        if status:
            self.lib.dlc_status_message.restype = ctypes.c_char_p
            raise RuntimeError(self.lib.dlc_status_message(ctypes.c_void_p(status)).decode())

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

    class Lstm(nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = nn.LSTM(28, 128, batch_first=True)
            self.fc = nn.Linear(128, 10)

        def forward(self, x):
            return self.fc(self.lstm(x)[1][0][0])
    return Lstm()


def torch_infer(torch, net, x):
    xt = torch.from_numpy(x)

    def run():
        with torch.no_grad():
            net(xt)
    return run


def torch_train(torch, net, x, y):
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss_fn = torch.nn.CrossEntropyLoss()

    def run():
        opt.zero_grad()
        loss_fn(net(xt), yt).backward()
        opt.step()
    return run


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
        sess.run(None, {"x": x})
    return run


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


def compare(a, b, reps, min_seconds):
    """Interleaved A, B runs after a warm-up of each; the per-call times."""
    a(), b()
    ta, tb = [], []
    for _ in range(reps):
        ta.append(timed(a, min_seconds))
        tb.append(timed(b, min_seconds))
    return ta, tb


def fmt(seconds):
    if seconds >= 1:
        return "%.2f s" % seconds
    if seconds >= 1e-3:
        return "%.2f ms" % (seconds * 1e3)
    return "%.1f us" % (seconds * 1e6)


ROWS = []


def row(case, peer, ta, tb):
    da, db = statistics.median(ta), statistics.median(tb)
    ROWS.append((case, fmt(da), peer, fmt(db), "%.3g" % (db / da),
                 "%s / %s" % (fmt(min(ta)), fmt(max(ta))),
                 "%s / %s" % (fmt(min(tb)), fmt(max(tb)))))
    print("  %-34s dlc %-10s %-18s %-10s ratio %s" % (case, fmt(da), peer, fmt(db), ROWS[-1][4]),
          file=sys.stderr)


def na(case, peer, why):
    ROWS.append((case, "", peer, "n/a", "", why, ""))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build"))
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--skip-torch", action="store_true")
    ap.add_argument("--only", default="", help="run the cases whose name contains this")
    args = ap.parse_args()
    reps = 3 if args.quick else 10
    min_seconds = 0.05 if args.quick else 0.2
    os.environ.setdefault("OPENBLAS_NUM_THREADS", str(args.threads))
    torch = None if args.skip_torch else torch_or_none()
    ort = ort_or_none()
    if torch:
        torch.set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    work = tempfile.mkdtemp(prefix="dlc-bench-")

    # sgemm against OpenBLAS through numpy.
    for m, k, n in [(256, 256, 256), (1024, 1024, 1024), (2048, 2048, 2048),
                    (64, 784, 256), (64, 3136, 128)]:
        case = "sgemm %dx%dx%d" % (m, k, n)
        if args.only not in case:
            continue
        d = Dlc(args.build, matmul_model(m, k, n), False, work)
        a = rng.standard_normal((m, k), dtype=np.float32)
        b = rng.standard_normal((k, n), dtype=np.float32)
        c = np.empty((m, n), np.float32)
        d.bind([a, b], [c])
        ta, tb = compare(d, lambda: np.matmul(a, b, out=c), reps, min_seconds)
        row(case, "numpy/OpenBLAS", ta, tb)

    # Networks: inference at batch 1 and 64, training steps at batch 64.
    builders = {"mlp": mlp_model, "cnn": cnn_model, "lstm": lstm_model}
    shapes = {"mlp": (784,), "cnn": (1, 28, 28), "lstm": (28, 28)}
    compile_times = {}
    for kind in ["mlp", "cnn", "lstm"]:
        for batch, train in ([(1, False), (64, False)] if kind != "lstm" else []) + [(64, True)]:
            case = "%s %s, batch %d" % (kind.upper(), "training step" if train else "inference",
                                        batch)
            if args.only not in case:
                continue
            d = Dlc(args.build, builders[kind](batch, train), train, work)
            if train:
                compile_times[kind] = d.compile_seconds
            x = rng.random((batch,) + shapes[kind], dtype=np.float32)
            y = rng.integers(0, 10, batch).astype(np.int64)
            out = np.empty((batch, 10), np.float32)
            d.bind([x, y] if train else [x], [] if train else [out])
            if not torch:
                na(case, "PyTorch", "torch not installed")
                continue
            net = torch_net(torch, kind)
            peer = torch_train(torch, net, x, y) if train else torch_infer(torch, net, x)
            ta, tb = compare(d, peer, reps, min_seconds)
            row(case, "PyTorch eager", ta, tb)
            if not train and ort:
                run = ort_infer(torch, ort, net, x, work, args.threads)
                if run:
                    ta, tb = compare(d, run, reps, min_seconds)
                    row(case, "ONNX Runtime", ta, tb)
    for kind, seconds in compile_times.items():
        ROWS.append(("dlc compile --train %s" % kind.upper(), fmt(seconds), "", "", "", "", ""))

    print("| case | dlc | peer | peer time | ratio (peer/dlc) | dlc min / max | peer min / max |")
    print("|---|---|---|---|---|---|---|")
    for r in ROWS:
        print("| " + " | ".join(r) + " |")
    print("\n%d threads for the peers; dlc's generated code is single-threaded. "
          "Ratio above 1: dlc is faster." % args.threads)


if __name__ == "__main__":
    main()
