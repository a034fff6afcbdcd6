"""Finite-difference gradient checks of dlc-autodiff (grad-*.test).

  gradcheck.py FAMILY WORKDIR

Every case is a hand-written f64 function of its inputs with a scalar loss
L: either a loss op itself, or L = sum(W * op(inputs)) with W a fixed random
weight tensor passed as an extra, non-trainable argument (dlc.Mul, then
dlc.ReduceSum with keepdims = 0). Every float operand of the op under test
is a trainable argument. For each case the module holds two entry
functions built from the same body:

  @CASE_g  marked dlc.train_step: dlc-autodiff makes it return (L, dL/dx...)
  @CASE_l  L only, no autodiff

The module goes through `dlc-opt --dlc-decompose --dlc-autodiff
--dlc-lower-to-linalg --dlc-lower-to-llvm` (the training pipeline's order:
composite ops are decomposed before autodiff), `mlir-translate --mlir-to-llvmir` and `clang -shared`,
and is loaded with ctypes (NAME_packed(void **args), args = inputs...,
outputs..., workspace; the calling convention of Inputs/packed_main.c).
@CASE_g runs once; each element x_i of each trainable argument is then
checked against the central difference of @CASE_l,

  numeric = (L(x + h e_i) - L(x - h e_i)) / ((x_i + h) - (x_i - h)),  h = 1e-6

(the denominator is the step actually taken in f64), and passes when

  |analytic - numeric| <= 1e-6 + 1e-5 * |numeric|.

Inputs are kept away from kinks: Relu/LeakyRelu/Elu inputs have |x| >= 1e-2,
Div denominators |b| >= 0.5. One line per (case, gradient tensor): `ok` or
`FAIL` with the largest absolute and relative errors and the worst element;
the exit status is non-zero if any check failed. dlc-opt's diagnostics (the
warning for an unused trainable parameter) go to stderr.

Tools: those of train_ops.py ($DLC_OPT, $MLIR_TRANSLATE, $CC, $DLC_RUNTIME_LIBS).
FAMILY: gemm | matmul | binary | activations | softmax | shape | losses |
        binary_losses | unused | composite | math | tensor | conv |
        maxpool | global_pool | averagepool | conv_transpose | layernorm |
        attention | batchnorm | recurrent

Composite ops (BatchNormalization, Dropout, LayerNormalization, Attention,
RNN, GRU, LSTM) are differentiated through their dlc-decompose rewrite,
which runs first (a no-op elsewhere).
"""

import ctypes
import os
import re
import subprocess
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_ops import CC, DLC_OPT, RUNTIME_LIBS, TRANSLATE, ty  # noqa: E402

H = 1e-6
ATOL, RTOL = 1e-6, 1e-5
F64 = np.float64


def fty(ins, out):
    """functional-type(operands, results) of f64 tensors (shapes)."""
    return "(%s) -> %s" % (", ".join(ty(s, F64) for s in ins), ty(out, F64))


class Case:
    """One differentiated function: its arguments and op lines."""

    def __init__(self, name, seed):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.args = []      # (name, array, trainable)
        self.lines = []
        self.shapes = {}    # ssa -> shape (f64 values)
        self.counter = 0
        self.loss = None

    # ---------------------------------------------------------- arguments
    def arg(self, name, value, trainable=True):
        value = np.array(value, order="C")  # (ascontiguousarray makes 0-d 1-d)
        self.args.append((name, value, trainable))
        if value.dtype == F64:
            self.shapes["%" + name] = value.shape
        return "%" + name

    def randn(self, name, shape, trainable=True, away=0.0, scale=1.0):
        """Normal values; with `away`, every |x| >= away (kinks, poles)."""
        x = self.rng.standard_normal(shape) * scale
        if away:
            x = np.sign(x + (x == 0)) * (away + np.abs(x))
        return self.arg(name, x.astype(F64), trainable)

    # ---------------------------------------------------------------- ops
    def op(self, text, shape):
        """Appends `%vK = text` (text ends with its types); returns %vK."""
        v = "%%v%d" % self.counter
        self.counter += 1
        self.lines.append("    %s = %s" % (v, text))
        self.shapes[v] = tuple(shape)
        return v

    def unary(self, opname, x, attrs=""):
        s = self.shapes[x]
        return self.op("dlc.%s %s%s : %s" % (opname, x, attrs and " " + attrs, ty(s, F64)), s)

    def binary(self, opname, a, b):
        sa, sb = self.shapes[a], self.shapes[b]
        out = tuple(np.broadcast_shapes(sa, sb))
        return self.op("dlc.%s %s, %s : %s" % (opname, a, b, fty([sa, sb], out)), out)

    def reduce_all(self, x):
        return self.op("dlc.ReduceSum %s {keepdims = 0 : si64} : %s" %
                       (x, fty([self.shapes[x]], ())), ())

    def wsum(self, y):
        """L = sum(W * y), W random and not trainable."""
        w = self.randn("w%d" % self.counter, self.shapes[y], trainable=False)
        return self.reduce_all(self.binary("Mul", w, y))

    # ------------------------------------------------------------ function
    def text(self):
        assert self.loss is not None and self.shapes[self.loss] == ()
        params = ", ".join("%%%s: %s" % (n, ty(v.shape, v.dtype)) for n, v, _ in self.args)
        body = "\n".join(self.lines)
        ret = "    return %s : tensor<f64>\n  }\n" % self.loss
        trainable = ", ".join("true" if t else "false" for _, _, t in self.args)
        names = ", ".join('"%s"' % n for n, _, _ in self.args)
        return ("  func.func @%s_g(%s) -> tensor<f64>\n"
                "      attributes {dlc.entry, dlc.train_step, dlc.trainable = [%s],"
                " dlc.param_names = [%s]} {\n%s\n%s"
                "  func.func @%s_l(%s) -> tensor<f64> attributes {dlc.entry} {\n%s\n%s"
                % (self.name, params, trainable, names, body, ret,
                   self.name, params, body, ret))


class Module:
    """Compiles cases into one shared object and runs the checks."""

    def __init__(self, cases):
        self.cases = cases
        names = [c.name for c in cases]
        assert len(set(names)) == len(names), "duplicate case names"

    def build(self, workdir):
        os.makedirs(workdir, exist_ok=True)
        src = os.path.join(workdir, "grad.mlir")
        with open(src, "w") as f:
            f.write("module {\n%s}\n" % "".join(c.text() for c in self.cases))
        llvm = os.path.join(workdir, "grad.llvm.mlir")
        ll = os.path.join(workdir, "grad.ll")
        so = os.path.join(workdir, "grad.so")
        sys.stdout.flush()
        subprocess.run([DLC_OPT, src, "--dlc-decompose", "--dlc-autodiff", "--dlc-lower-to-linalg",
                        "--dlc-lower-to-llvm", "-o", llvm], check=True)
        subprocess.run([TRANSLATE, "--mlir-to-llvmir", llvm, "-o", ll], check=True)
        subprocess.run([CC, "-shared", "-fPIC", "-O1", "-Wno-override-module", ll,
                        "-o", so] + RUNTIME_LIBS, check=True)
        # Each entry must take inputs, outputs and the workspace: a result
        # dropped or added by the lowering would shift the packed slots.
        with open(llvm) as f:
            lowered = f.read()
        for c in self.cases:
            n_in = len(c.args)
            for fn, n_out in (("_g", 1 + sum(t for _, _, t in c.args)), ("_l", 1)):
                m = re.search(r"llvm\.func @%s%s\(([^)]*)\)" % (c.name, fn), lowered)
                got = m.group(1).count("!llvm.ptr") if m else None
                if got != n_in + n_out + 1:
                    sys.exit("gradcheck.py: @%s%s takes %s pointers, expected %d" %
                             (c.name, fn, got, n_in + n_out + 1))
        self.lib = ctypes.CDLL(so)
        self.workspace = np.zeros(16 << 20, np.uint8)
        return self

    def _fn(self, name, inputs, outputs):
        fn = getattr(self.lib, name + "_packed")
        fn.argtypes = [ctypes.c_void_p]
        fn.restype = None
        bufs = list(inputs) + list(outputs) + [self.workspace]
        ptrs = (ctypes.c_void_p * len(bufs))(*[b.ctypes.data for b in bufs])
        return lambda: fn(ptrs)

    def check(self):
        ok = True
        for c in self.cases:
            inputs = [v.copy() for _, v, _ in c.args]
            trainable = [(n, x) for (n, _, t), x in zip(c.args, inputs) if t]
            outs = [np.zeros((), F64)] + [np.zeros(x.shape, F64) for _, x in trainable]
            self._fn(c.name + "_g", inputs, outs)()
            lout = np.zeros((), F64)
            loss = self._fn(c.name + "_l", inputs, [lout])
            loss()
            if not np.isclose(outs[0], lout, rtol=1e-12, atol=1e-12):
                print("FAIL %s: loss %r of the differentiated function, %r without" %
                      (c.name, float(outs[0]), float(lout)))
                ok = False
            for (n, x), g in zip(trainable, outs[1:]):
                flat = x.reshape(-1)  # a view: perturbs the argument in place
                num = np.zeros(flat.shape, F64)
                for i in range(flat.size):
                    x0 = flat[i]
                    xp, xm = x0 + H, x0 - H
                    flat[i] = xp
                    loss()
                    lp = float(lout)
                    flat[i] = xm
                    loss()
                    lm = float(lout)
                    flat[i] = x0
                    num[i] = (lp - lm) / (xp - xm)
                num = num.reshape(x.shape)
                err = np.abs(g - num)
                bad = ~(err <= ATOL + RTOL * np.abs(num))  # NaN fails too
                rel = err / np.maximum(np.abs(num), 1e-300)
                label = "%s d/d%s %s" % (c.name, n, list(x.shape))
                if bad.any():
                    ok = False
                    i = np.unravel_index(int(np.argmax(np.where(bad, err, -1))), x.shape)
                    print("FAIL %s: %d/%d elements off, max abs err %.3g, max rel err %.3g;"
                          " worst at %s: analytic %r, numeric %r" %
                          (label, int(bad.sum()), x.size, float(np.max(err)),
                           float(np.max(rel)), list(map(int, i)), float(g[i]),
                           float(num[i])))
                else:
                    print("ok   %s max abs err %.2g" % (label, float(err.max()) if err.size else 0))
        print("%d cases: %s" % (len(self.cases), "all passed" if ok else "FAILED"))
        return ok


# ------------------------------------------------------------------ families


def gemm():
    cases = []
    M, K, N = 3, 4, 5
    cshapes = [None, (N,), (M, 1), (M, N), (1, N), ()]
    k = 0
    for ta in (False, True):
        for tb in (False, True):
            for cs in cshapes:
                for alpha, beta in ((1.0, 1.0), (0.75, -1.5)):
                    if cs is None and beta != 1.0:
                        continue
                    name = "gemm_tA%d_tB%d_C%s_a%g_b%g" % (
                        ta, tb, "none" if cs is None else "x".join(map(str, cs)) or "scalar",
                        alpha, beta)
                    c = Case(name.replace(".", "p").replace("-", "m"), 100 + k)
                    k += 1
                    a = c.randn("a", (K, M) if ta else (M, K))
                    b = c.randn("b", (N, K) if tb else (K, N))
                    ops, ins = [a, b], [c.shapes[a], c.shapes[b]]
                    if cs is not None:
                        cc = c.randn("c", cs)
                        ops.append(cc)
                        ins.append(cs)
                    attrs = []
                    if alpha != 1.0:
                        attrs.append("alpha = %r" % alpha)
                    if beta != 1.0:
                        attrs.append("beta = %r" % beta)
                    if ta:
                        attrs.append("transA = true")
                    if tb:
                        attrs.append("transB = true")
                    y = c.op("dlc.Gemm %s%s : %s" % (
                        ", ".join(ops), " {%s}" % ", ".join(attrs) if attrs else "",
                        fty(ins, (M, N))), (M, N))
                    c.loss = c.wsum(y)
                    cases.append(c)
    return cases


def matmul():
    cfgs = [("2d", (3, 4), (4, 5)),
            ("batched", (2, 3, 4), (2, 4, 5)),
            ("bcast_b2d", (2, 3, 4), (4, 5)),
            ("bcast_a2d", (3, 4), (2, 4, 5)),
            ("bcast_a1", (1, 3, 4), (2, 4, 5)),
            ("bcast_b1", (2, 3, 4), (1, 4, 5)),
            ("bcast_4d", (2, 1, 3, 4), (3, 4, 2))]
    cases = []
    for k, (name, sa, sb) in enumerate(cfgs):
        c = Case("matmul_" + name, 200 + k)
        a, b = c.randn("a", sa), c.randn("b", sb)
        out = tuple(np.broadcast_shapes(sa[:-2], sb[:-2])) + (sa[-2], sb[-1])
        y = c.op("dlc.MatMul %s, %s : %s" % (a, b, fty([sa, sb], out)), out)
        c.loss = c.wsum(y)
        cases.append(c)
    return cases


def binary():
    shapes = [("4x3_3", (4, 3), (3,)), ("3_4x3", (3,), (4, 3)),
              ("4x1_1x5", (4, 1), (1, 5)), ("2x1x3_4x1", (2, 1, 3), (4, 1)),
              ("4x3_scalar", (4, 3), ()), ("scalar_4x3", (), (4, 3)),
              ("4x3_4x3", (4, 3), (4, 3))]
    cases = []
    k = 0
    for op in ("Add", "Sub", "Mul", "Div"):
        for sname, sa, sb in shapes:
            c = Case("%s_%s" % (op.lower(), sname), 300 + k)
            k += 1
            a = c.randn("a", sa)
            b = c.randn("b", sb, away=0.5 if op == "Div" else 0.0)
            c.loss = c.wsum(c.binary(op, a, b))
            cases.append(c)
        # Both operands the same value: the two contributions are summed.
        c = Case("%s_same_operand" % op.lower(), 300 + k)
        k += 1
        a = c.randn("a", (3, 4), away=0.5 if op == "Div" else 0.0)
        c.loss = c.wsum(c.binary(op, a, a))
        cases.append(c)
    return cases


def activations():
    cfgs = [("relu", "Relu", "", 1e-2), ("leakyrelu", "LeakyRelu", "", 1e-2),
            ("leakyrelu_a0p2", "LeakyRelu", "{alpha = 0.2}", 1e-2),
            ("elu", "Elu", "", 1e-2), ("elu_a1p5", "Elu", "{alpha = 1.5}", 1e-2),
            ("sigmoid", "Sigmoid", "", 0), ("tanh", "Tanh", "", 0),
            ("gelu_none", "Gelu", "", 0), ("gelu_none_attr", "Gelu", '{approximate = "none"}', 0),
            ("gelu_tanh", "Gelu", '{approximate = "tanh"}', 0)]
    cases = []
    for k, (name, op, attrs, away) in enumerate(cfgs):
        c = Case(name, 400 + k)
        x = c.randn("x", (3, 5), away=away, scale=2.0)
        c.loss = c.wsum(c.unary(op, x, attrs))
        cases.append(c)
    return cases


def softmax():
    cases = []
    k = 0
    for op in ("Softmax", "LogSoftmax"):
        for axis in (0, 1, 2, -1, -2, None):
            c = Case("%s_axis%s" % (op.lower(), "default" if axis is None else
                                    str(axis).replace("-", "m")), 500 + k)
            k += 1
            x = c.randn("x", (2, 3, 4), scale=2.0)
            attrs = "" if axis is None else "{axis = %d : si64}" % axis
            c.loss = c.wsum(c.unary(op, x, attrs))
            cases.append(c)
        c = Case("%s_2d" % op.lower(), 500 + k)
        k += 1
        x = c.randn("x", (4, 5), scale=2.0)
        c.loss = c.wsum(c.unary(op, x, "{axis = 0 : si64}"))
        cases.append(c)
    return cases


def shape():
    cases = []
    s = (2, 3, 4)

    def new(name):
        c = Case(name, 600 + len(cases))
        cases.append(c)
        return c, c.randn("x", s)

    for axis, out in ((0, (1, 24)), (1, (2, 12)), (2, (6, 4)), (3, (24, 1)), (-1, (6, 4))):
        c, x = new("flatten_axis%s" % str(axis).replace("-", "m"))
        c.loss = c.wsum(c.op("dlc.Flatten %s {axis = %d : si64} : %s" %
                             (x, axis, fty([s], out)), out))
    for target, out in (((0, -1), (2, 12)), ((4, 6), (4, 6)), ((-1,), (24,)),
                        ((2, 2, 3, 2), (2, 2, 3, 2))):
        c, x = new("reshape_%s" % "x".join(map(str, target)).replace("-", "m"))
        c.loss = c.wsum(c.op("dlc.Reshape %s {shape = array<i64: %s>} : %s" %
                             (x, ", ".join(map(str, target)), fty([s], out)), out))
    for perm in ((0, 2, 1), (2, 0, 1), (1, 2, 0), None):
        out = tuple(s[p] for p in perm) if perm else s[::-1]
        c, x = new("transpose_%s" % ("".join(map(str, perm)) if perm else "default"))
        attrs = " {perm = array<i64: %s>}" % ", ".join(map(str, perm)) if perm else ""
        c.loss = c.wsum(c.op("dlc.Transpose %s%s : %s" % (x, attrs, fty([s], out)), out))
    c, x = new("identity")
    c.loss = c.wsum(c.unary("Identity", x))
    for axes, keep in (((), 1), ((), 0), ((1,), 0), ((1,), 1), ((0, 2), 0), ((0, -1), 1),
                       ((-2,), 0), ((0, 1, 2), 1)):
        allax = axes or (0, 1, 2)
        norm = [a % 3 for a in allax]
        out = tuple(1 if i in norm else d for i, d in enumerate(s)) if keep else \
            tuple(d for i, d in enumerate(s) if i not in norm)
        c, x = new("reducesum_axes%s_keep%d" % ("_".join(map(str, axes)).replace("-", "m")
                                                or "all", keep))
        attrs = "keepdims = %d : si64" % keep
        if axes:
            attrs = "axes = array<i64: %s>, " % ", ".join(map(str, axes)) + attrs
        y = c.op("dlc.ReduceSum %s {%s} : %s" % (x, attrs, fty([s], out)), out)
        c.loss = c.wsum(y)
    return cases


def losses():
    cases = []
    n, ncls = 6, 5
    k = 0
    for red in ("mean", "sum", "none"):
        for ign in (None, 1, -100):
            for eps in (0.0, 0.1):
                for ldt in (np.int64,) if (ign, eps) != (None, 0.0) else (np.int64, np.int32):
                    name = "sce_%s_ign%s_ls%s%s" % (red, "none" if ign is None else ign, eps,
                                                   "_i32" if ldt == np.int32 else "")
                    c = Case(name.replace(".", "p").replace("-", "m"), 700 + k)
                    k += 1
                    s = c.randn("s", (n, ncls), scale=2.0)
                    labels = c.rng.integers(0, ncls, n)
                    if ign is not None:
                        labels[[1, 4]] = ign  # 1 is also a class: those samples vanish
                    labels[0] = 3 if ign != 3 else 2
                    lab = c.arg("lab", labels.astype(ldt), trainable=False)
                    attrs = ['reduction = "%s"' % red]
                    if ign is not None:
                        attrs.append("ignore_index = %d : si64" % ign)
                    if eps:
                        attrs.append("label_smoothing = %r" % eps)
                    out = (n,) if red == "none" else ()
                    y = c.op("dlc.SoftmaxCrossEntropyLoss %s, %s {%s} : (%s, %s) -> %s" %
                             (s, lab, ", ".join(attrs), ty((n, ncls), F64), ty((n,), ldt),
                              ty(out, F64)), out)
                    c.loss = c.wsum(y) if red == "none" else y
                    cases.append(c)
    # Default attributes (mean, no ignore_index, no smoothing).
    c = Case("sce_defaults", 790)
    s = c.randn("s", (n, ncls))
    lab = c.arg("lab", c.rng.integers(0, ncls, n).astype(np.int64), trainable=False)
    c.loss = c.op("dlc.SoftmaxCrossEntropyLoss %s, %s : (%s, %s) -> tensor<f64>" %
                  (s, lab, ty((n, ncls), F64), ty((n,), np.int64)), ())
    cases.append(c)
    for k, red in enumerate(("mean", "sum", "none", None)):
        for shp in ((3, 4), (2, 3, 2)):
            c = Case("mse_%s_%s" % (red or "default", "x".join(map(str, shp))), 800 + k)
            p, t = c.randn("p", shp), c.randn("t", shp)
            out = shp if red == "none" else ()
            attrs = ' {reduction = "%s"}' % red if red else ""
            y = c.op("dlc.MeanSquaredError %s, %s%s : %s" % (p, t, attrs, fty([shp, shp], out)),
                     out)
            c.loss = c.wsum(y) if red == "none" else y
            cases.append(c)
    return cases


def binary_losses():
    """BinaryCrossEntropy (both operands), BinaryCrossEntropyWithLogits (both
    operands) and FocalLoss (scores), for every reduction."""
    cases = []
    shp, n, ncls = (3, 4), 6, 5
    for k, red in enumerate(("mean", "sum", "none")):
        out = shp if red == "none" else ()
        attrs = ' {reduction = "%s"}' % red
        # Probabilities kept inside (0.05, 0.95): log's clamp at -100 and the
        # 1e-12 floor of the gradient are far away.
        c = Case("bce_%s" % red, 900 + k)
        p = c.arg("p", c.rng.uniform(0.05, 0.95, shp).astype(F64))
        t = c.arg("t", c.rng.uniform(0.0, 1.0, shp).astype(F64))
        y = c.op("dlc.BinaryCrossEntropy %s, %s%s : %s" % (p, t, attrs, fty([shp, shp], out)), out)
        c.loss = c.wsum(y) if red == "none" else y
        cases.append(c)
        c = Case("bce_logits_%s" % red, 910 + k)
        x, t = c.randn("x", shp, scale=3.0), c.arg("t", c.rng.uniform(0, 1, shp).astype(F64))
        y = c.op("dlc.BinaryCrossEntropyWithLogits %s, %s%s : %s" % (x, t, attrs, fty([shp, shp], out)),
                 out)
        c.loss = c.wsum(y) if red == "none" else y
        cases.append(c)
        for j, (gamma, alpha) in enumerate(((2.0, None), (1.5, [0.25, 0.5, 1.0, 0.75, 1.5]),
                                            (0.0, None))):
            c = Case("focal_%s_g%s%s" % (red, str(gamma).replace(".", "p"),
                                         "_alpha" if alpha else ""), 920 + 3 * k + j)
            s = c.randn("s", (n, ncls), scale=2.0)
            lab = c.arg("lab", c.rng.integers(0, ncls, n).astype(np.int64), trainable=False)
            fattrs = ['reduction = "%s"' % red, "gamma = %r : f64" % gamma]
            if alpha:
                fattrs.append("alpha = array<f64: %s>" % ", ".join(map(repr, alpha)))
            fout = (n,) if red == "none" else ()
            y = c.op("dlc.FocalLoss %s, %s {%s} : (%s, %s) -> %s" %
                     (s, lab, ", ".join(fattrs), ty((n, ncls), F64), ty((n,), np.int64),
                      ty(fout, F64)), fout)
            c.loss = c.wsum(y) if red == "none" else y
            cases.append(c)
    return cases


def conv():
    """Conv: dX, dW and dB through strides, pads, dilations, groups and bias."""
    cases = []
    configs = [  # name, x shape, w shape, bias, attrs (strides, pads, dilations, group)
        ("plain", (2, 3, 5, 5), (4, 3, 3, 3), False, {}),
        ("bias", (1, 2, 4, 5), (3, 2, 2, 3), True, {}),
        ("pads", (1, 2, 5, 4), (2, 2, 3, 3), True, {"pads": [1, 2, 0, 1]}),
        ("strides", (2, 2, 7, 6), (3, 2, 3, 2), False, {"strides": [2, 3], "pads": [1, 1, 1, 1]}),
        ("dilations", (1, 2, 7, 7), (2, 2, 2, 3), True, {"dilations": [2, 2], "pads": [0, 1, 2, 1]}),
        ("group", (2, 4, 5, 5), (6, 2, 3, 3), True, {"group": 2, "pads": [1, 1, 1, 1]}),
        ("all", (1, 4, 8, 7), (4, 2, 3, 2), True,
         {"group": 2, "strides": [2, 1], "pads": [1, 0, 2, 1], "dilations": [1, 2]}),
    ]
    for k, (name, xs, ws, bias, attrs) in enumerate(configs):
        c = Case("conv_" + name, 1000 + k)
        x, w = c.randn("x", xs), c.randn("wt", ws)
        operands, shapes = [x, w], [xs, ws]
        if bias:
            operands.append(c.randn("b", (ws[0],)))
            shapes.append((ws[0],))
        st, pd = attrs.get("strides", [1, 1]), attrs.get("pads", [0, 0, 0, 0])
        dl = attrs.get("dilations", [1, 1])
        out = (xs[0], ws[0]) + tuple(
            (xs[2 + i] + pd[i] + pd[i + 2] - dl[i] * (ws[2 + i] - 1) - 1) // st[i] + 1
            for i in range(2))
        parts = ["%s = array<i64: %s>" % (a, ", ".join(map(str, v)))
                 for a, v in attrs.items() if a != "group"]
        if "group" in attrs:
            parts.append("group = %d : si64" % attrs["group"])
        text = "dlc.Conv %s%s : %s" % (", ".join(operands),
                                        " {%s}" % ", ".join(parts) if parts else "",
                                        fty(shapes, out))
        c.loss = c.wsum(c.op(text, out))
        cases.append(c)
    return cases


def maxpool():
    """MaxPool: dY routed to each window's argmax (values distinct, so the
    argmax is stable under the finite-difference step), overlapping windows,
    strides and pads, windows that tile the input."""
    cases = []
    for k, (name, xs, attrs) in enumerate([
            ("2x2", (2, 2, 4, 6), {"kernel_shape": [2, 2], "strides": [2, 2]}),
            ("overlap", (1, 2, 5, 5), {"kernel_shape": [3, 3]}),
            ("pads", (1, 3, 6, 5), {"kernel_shape": [3, 2], "strides": [2, 1], "pads": [1, 0, 2, 1]}),
            # Windows that tile the input (stride = kernel: one lookup per
            # element), with rows and columns no window covers, and pads.
            ("tiled_ragged", (1, 2, 5, 7), {"kernel_shape": [2, 2], "strides": [2, 2]}),
            ("tiled_pads", (1, 2, 7, 8), {"kernel_shape": [3, 3], "strides": [3, 3],
                                          "pads": [1, 2, 1, 0]})]):
        c = Case("maxpool_" + name, 1100 + k)
        n = int(np.prod(xs))
        # A permutation of spaced values: no ties, gaps far above h.
        x = c.arg("x", (c.rng.permutation(n) * 0.1 - n * 0.05).reshape(xs).astype(F64))
        st, pd, ks = attrs.get("strides", [1, 1]), attrs.get("pads", [0, 0, 0, 0]), attrs["kernel_shape"]
        out = xs[:2] + tuple((xs[2 + i] + pd[i] + pd[i + 2] - ks[i]) // st[i] + 1 for i in range(2))
        parts = ", ".join("%s = array<i64: %s>" % (a, ", ".join(map(str, v))) for a, v in attrs.items())
        c.loss = c.wsum(c.op("dlc.MaxPool %s {%s} : %s" % (x, parts, fty([xs], out)), out))
        cases.append(c)
    return cases


def global_pool():
    """GlobalAveragePool and GlobalMaxPool (distinct values: a stable argmax)."""
    cases = []
    for k, xs in enumerate([(2, 3, 4, 5), (1, 2, 1, 3)]):
        for j, op in enumerate(("GlobalAveragePool", "GlobalMaxPool")):
            c = Case("%s_%d" % (op.lower(), k), 1200 + 2 * k + j)
            n = int(np.prod(xs))
            x = c.arg("x", (c.rng.permutation(n) * 0.1 - n * 0.05).reshape(xs).astype(F64))
            out = xs[:2] + (1, 1)
            c.loss = c.wsum(c.op("dlc.%s %s : %s" % (op, x, fty([xs], out)), out))
            cases.append(c)
    return cases


def averagepool():
    """AveragePool: overlapping windows, strides, pads with count_include_pad 0 and 1."""
    cases = []
    for k, (name, xs, attrs) in enumerate([
            ("2x2", (2, 2, 4, 6), {"kernel_shape": [2, 2], "strides": [2, 2]}),
            ("overlap", (1, 2, 5, 5), {"kernel_shape": [3, 3]}),
            ("pads_exclude", (1, 3, 6, 5), {"kernel_shape": [3, 2], "strides": [2, 1], "pads": [1, 0, 2, 1]}),
            ("pads_include", (1, 3, 6, 5), {"kernel_shape": [3, 2], "strides": [2, 1], "pads": [1, 0, 2, 1],
                                            "count_include_pad": 1})]):
        c = Case("averagepool_" + name, 1300 + k)
        x = c.randn("x", xs)
        st, pd, ks = attrs.get("strides", [1, 1]), attrs.get("pads", [0, 0, 0, 0]), attrs["kernel_shape"]
        out = xs[:2] + tuple((xs[2 + i] + pd[i] + pd[i + 2] - ks[i]) // st[i] + 1 for i in range(2))
        parts = ", ".join("%s = array<i64: %s>" % (a, ", ".join(map(str, v)))
                          for a, v in attrs.items() if a != "count_include_pad")
        if "count_include_pad" in attrs:
            parts += ", count_include_pad = %d : si64" % attrs["count_include_pad"]
        c.loss = c.wsum(c.op("dlc.AveragePool %s {%s} : %s" % (x, parts, fty([xs], out)), out))
        cases.append(c)
    return cases


def conv_transpose():
    """ConvTranspose: dX (a Conv), dW (ConvBackwardFilter) and dB."""
    cases = []
    configs = [
        ("plain", (1, 3, 3, 4), (3, 2, 3, 3), False, {}),
        ("strides_bias", (2, 2, 3, 3), (2, 3, 2, 3), True, {"strides": [2, 3], "pads": [1, 0, 0, 1]}),
        ("all", (1, 4, 3, 4), (4, 1, 2, 3), True,
         {"group": 2, "strides": [2, 2], "pads": [0, 1, 1, 0], "dilations": [2, 1],
          "output_padding": [1, 1]}),
    ]
    for k, (name, xs, ws, bias, attrs) in enumerate(configs):
        c = Case("convtranspose_" + name, 1400 + k)
        x, w = c.randn("x", xs), c.randn("wt", ws)
        g = attrs.get("group", 1)
        operands, shapes = [x, w], [xs, ws]
        if bias:
            operands.append(c.randn("b", (ws[1] * g,)))
            shapes.append((ws[1] * g,))
        st, pd = attrs.get("strides", [1, 1]), attrs.get("pads", [0, 0, 0, 0])
        dl, op = attrs.get("dilations", [1, 1]), attrs.get("output_padding", [0, 0])
        out = (xs[0], ws[1] * g) + tuple(
            st[i] * (xs[2 + i] - 1) + op[i] + dl[i] * (ws[2 + i] - 1) + 1 - pd[i] - pd[i + 2]
            for i in range(2))
        parts = ["%s = array<i64: %s>" % (a, ", ".join(map(str, v)))
                 for a, v in attrs.items() if a != "group"]
        if "group" in attrs:
            parts.append("group = %d : si64" % attrs["group"])
        text = "dlc.ConvTranspose %s%s : %s" % (", ".join(operands),
                                                 " {%s}" % ", ".join(parts) if parts else "",
                                                 fty(shapes, out))
        c.loss = c.wsum(c.op(text, out))
        cases.append(c)
    return cases


def unused():
    """A trainable parameter the loss ignores (dlc-opt warns; gradient 0),
    one used only by a value the loss ignores, and a used one beside them."""
    c = Case("unused", 900)
    w = c.randn("w", (3, 4))
    c.randn("u", (2, 5))
    v = c.randn("v", (4,))
    c.binary("Mul", v, v)  # a dead use: still no effect on the loss
    c.loss = c.wsum(c.unary("Tanh", w))
    return [c]


def composite():
    """Small networks: values with several uses, chains of VJP rules."""
    cases = []
    c = Case("mlp_sce", 950)
    x = c.randn("x", (4, 6), trainable=False)
    w1, b1 = c.randn("w1", (5, 6), scale=0.5), c.randn("b1", (5,))
    w2, b2 = c.randn("w2", (3, 5), scale=0.5), c.randn("b2", (3,))
    lab = c.arg("lab", np.array([0, 2, 1, 2], np.int64), trainable=False)
    h = c.op("dlc.Gemm %s, %s, %s {transB = true} : %s" % (x, w1, b1, fty([(4, 6), (5, 6), (5,)], (4, 5))), (4, 5))
    a = c.unary("Tanh", h)
    r = c.binary("Add", a, h)  # residual: h used twice
    o = c.op("dlc.Gemm %s, %s, %s {transB = true} : %s" % (r, w2, b2, fty([(4, 5), (3, 5), (3,)], (4, 3))), (4, 3))
    c.loss = c.op("dlc.SoftmaxCrossEntropyLoss %s, %s {label_smoothing = 0.05} : (%s, %s) -> tensor<f64>"
                  % (o, lab, ty((4, 3), F64), ty((4,), np.int64)), ())
    cases.append(c)

    c = Case("attention_mse", 951)
    q = c.randn("q", (2, 3, 4))
    kk = c.randn("k", (2, 3, 4))
    t = c.randn("t", (2, 3, 4), trainable=False)
    kt = c.op("dlc.Transpose %s {perm = array<i64: 0, 2, 1>} : %s" % (kk, fty([(2, 3, 4)], (2, 4, 3))), (2, 4, 3))
    sc = c.op("dlc.MatMul %s, %s : %s" % (q, kt, fty([(2, 3, 4), (2, 4, 3)], (2, 3, 3))), (2, 3, 3))
    p = c.unary("Softmax", sc, "{axis = -1 : si64}")
    y = c.op("dlc.MatMul %s, %s : %s" % (p, kk, fty([(2, 3, 3), (2, 3, 4)], (2, 3, 4))), (2, 3, 4))
    g = c.unary("Gelu", y, '{approximate = "tanh"}')
    sg = c.unary("Sigmoid", q)
    m = c.binary("Mul", g, sg)
    c.loss = c.op("dlc.MeanSquaredError %s, %s : %s" % (m, t, fty([(2, 3, 4), (2, 3, 4)], ())), ())
    cases.append(c)
    return cases


def math():
    """The elementwise math ops of DlcMathOps.td: unary ops and activations,
    Pow (both operands, a > 0), Max/Min (ties: half to each operand, as
    torch), Where (condition from Greater, 3-way broadcasting), Clip, Cast
    (f64 to f64; through i64 no gradient reaches x)."""
    cases = []
    k = 0

    def new(name):
        nonlocal k
        k += 1
        return Case(name, 1000 + k)

    def bty(shape):
        return ty(shape, F64).replace("f64", "i1")

    def pos(c, name, shape, lo, hi):
        return c.arg(name, c.rng.uniform(lo, hi, shape).astype(F64))

    unary = [("neg", "Neg", "", None), ("abs", "Abs", "", 0.05), ("exp", "Exp", "", None),
             ("log", "Log", "", "pos"), ("sqrt", "Sqrt", "", "pos"),
             ("reciprocal", "Reciprocal", "", 0.5),
             ("selu", "Selu", "", 1e-2), ("selu_attrs", "Selu", "{alpha = 2.0, gamma = 0.5}", 1e-2),
             ("softplus", "Softplus", "", None),
             ("hardsigmoid", "HardSigmoid", "", None),
             ("hardsigmoid_attrs", "HardSigmoid", "{alpha = 0.5, beta = 0.25}", None),
             ("clip", "Clip", "{min = -0.5, max = 1.0}", None),
             ("clip_min", "Clip", "{min = 0.2}", None), ("clip_max", "Clip", "{max = -0.3}", None),
             ("clip_none", "Clip", "", None)]
    for name, op, attrs, away in unary:
        c = new(name)
        if away == "pos":
            x = pos(c, "x", (3, 5), 0.3, 3.0)
        else:
            x = c.randn("x", (3, 5), away=away or 0.0, scale=2.0)
            # Away from the kinks of HardSigmoid (t = 0, 1) and Clip (bounds).
            v = c.args[-1][1]
            for kink in (-2.5, 2.5, -1.0, 1.0, 0.5, -0.5, 0.2, -0.3):
                v[np.abs(v - kink) < 1e-2] += 3e-2
        c.loss = c.wsum(c.unary(op, x, attrs))
        cases.append(c)

    for sname, sa, sb in (("4x3_3", (4, 3), (3,)), ("3_4x3", (3,), (4, 3)),
                          ("4x3_scalar", (4, 3), ()), ("4x1_1x5", (4, 1), (1, 5))):
        c = new("pow_" + sname)
        a = pos(c, "a", sa, 0.3, 3.0)
        b = c.randn("b", sb)
        c.loss = c.wsum(c.binary("Pow", a, b))
        cases.append(c)
        for op in ("Max", "Min"):
            c = new("%s_%s" % (op.lower(), sname))
            a, b = c.randn("a", sa), c.randn("b", sb)
            c.loss = c.wsum(c.binary(op, a, b))
            cases.append(c)
    for op in ("Max", "Min"):
        # Ties everywhere: each operand gets half, together dY.
        c = new("%s_same_operand" % op.lower())
        a = c.randn("a", (3, 4))
        c.loss = c.wsum(c.binary(op, a, a))
        cases.append(c)

    for sname, sc, sx, sy in (("same", (4, 3), (4, 3), (4, 3)),
                              ("3way", (4, 1), (3,), ()), ("rank3", (2, 1, 1), (1, 3, 1), (4,))):
        c = new("where_" + sname)
        cv = c.randn("c", sc, trainable=False, away=0.1)
        z = c.arg("z", np.zeros((), F64), trainable=False)
        x, y = c.randn("x", sx), c.randn("y", sy)
        out = tuple(np.broadcast_shapes(sc, sx, sy))
        cond = c.op("dlc.Greater %s, %s : (%s, %s) -> %s" %
                    (cv, z, ty(sc, F64), ty((), F64), bty(sc)), sc)
        w = c.op("dlc.Where %s, %s, %s : (%s, %s, %s) -> %s" %
                 (cond, x, y, bty(sc), ty(sx, F64), ty(sy, F64), ty(out, F64)), out)
        c.loss = c.wsum(w)
        cases.append(c)

    c = new("cast_f64_f64")
    x = c.randn("x", (3, 4))
    y = c.op("dlc.Cast %s {to = 11 : si64} : %s" % (x, fty([(3, 4)], (3, 4))), (3, 4))
    c.loss = c.wsum(c.unary("Tanh", y))
    cases.append(c)
    # Through i64: no gradient flows back to x; only w contributes.
    c = new("cast_through_i64")
    x = c.randn("x", (3, 4), scale=3.0)
    wv = c.randn("v", (3, 4))
    t = c.op("dlc.Cast %s {to = 7 : si64} : (%s) -> %s" % (x, ty((3, 4), F64), ty((3, 4), np.int64)),
             (3, 4))
    y = c.op("dlc.Cast %s {to = 11 : si64} : (%s) -> %s" % (t, ty((3, 4), np.int64), ty((3, 4), F64)),
             (3, 4))
    c.loss = c.wsum(c.binary("Mul", y, wv))
    cases.append(c)
    return cases


def tensor():
    """Concat, Split (one output unused too), Slice (steps, negative steps,
    clamping), Squeeze, Unsqueeze, ReduceMean, ReduceMax (distinct values:
    no ties) and Gather (repeated and negative indices: the scatter-add)."""
    cases = []

    def new(name):
        c = Case(name, 1000 + len(cases))
        cases.append(c)
        return c

    def arr(v):
        return ", ".join(map(str, v))

    c = new("concat_axis1")
    a, b = c.randn("a", (2, 3)), c.randn("b", (2, 2))
    c.loss = c.wsum(c.op("dlc.Concat %s, %s {axis = 1 : si64} : %s" %
                         (a, b, fty([(2, 3), (2, 2)], (2, 5))), (2, 5)))
    c = new("concat_three_axis0_same_input")
    a, b = c.randn("a", (1, 3)), c.randn("b", (2, 3))
    c.loss = c.wsum(c.op("dlc.Concat %s, %s, %s {axis = 0 : si64} : %s" %
                         (a, b, a, fty([(1, 3), (2, 3), (1, 3)], (4, 3))), (4, 3)))

    for name, used in (("split_both_used", (0, 1)), ("split_second_unused", (0,))):
        c = new(name)
        x = c.randn("x", (3, 6))
        v = "%%v%d" % c.counter
        c.counter += 1
        c.lines.append("    %s:2 = dlc.Split %s {axis = 1 : si64, split = array<i64: 2, 4>} : "
                       "(%s) -> (%s, %s)" % (v, x, ty((3, 6), F64), ty((3, 2), F64),
                                             ty((3, 4), F64)))
        c.shapes[v + "#0"], c.shapes[v + "#1"] = (3, 2), (3, 4)
        losses = [c.wsum("%s#%d" % (v, i)) for i in used]
        c.loss = losses[0] if len(losses) == 1 else c.binary("Add", losses[0], losses[1])

    for name, shp, starts, ends, axes, steps, out in (
            ("slice_basic", (4, 5), (1, 2), (3, 5), None, None, (2, 3)),
            ("slice_steps", (5, 7), (0, 1), (5, 7), (0, 1), (2, 3), (3, 2)),
            ("slice_negative_step", (4, 6), (-1,), (-100,), (1,), (-2,), (4, 3)),
            ("slice_clamped", (3, 4), (-10,), (100,), (0,), None, (3, 4))):
        c = new(name)
        x = c.randn("x", shp)
        attrs = "starts = array<i64: %s>, ends = array<i64: %s>" % (arr(starts), arr(ends))
        if axes:
            attrs += ", axes = array<i64: %s>" % arr(axes)
        if steps:
            attrs += ", steps = array<i64: %s>" % arr(steps)
        c.loss = c.wsum(c.op("dlc.Slice %s {%s} : %s" % (x, attrs, fty([shp], out)), out))

    c = new("squeeze_all")
    x = c.randn("x", (1, 3, 1))
    c.loss = c.wsum(c.op("dlc.Squeeze %s : %s" % (x, fty([(1, 3, 1)], (3,))), (3,)))
    c = new("unsqueeze")
    x = c.randn("x", (2, 3))
    c.loss = c.wsum(c.op("dlc.Unsqueeze %s {axes = array<i64: 0, -1>} : %s" %
                         (x, fty([(2, 3)], (1, 2, 3, 1))), (1, 2, 3, 1)))

    s = (2, 3, 4)
    for op in ("ReduceMean", "ReduceMax"):
        for axes, keep in (((), 1), ((1,), 0), ((0, -1), 1), ((0, 1, 2), 0)):
            allax = axes or (0, 1, 2)
            norm = [a % 3 for a in allax]
            out = tuple(1 if i in norm else d for i, d in enumerate(s)) if keep else \
                tuple(d for i, d in enumerate(s) if i not in norm)
            c = new("%s_axes%s_keep%d" % (op.lower(), "_".join(map(str, axes)).replace("-", "m")
                                          or "all", keep))
            x = c.randn("x", s)
            attrs = "keepdims = %d : si64" % keep
            if axes:
                attrs = "axes = array<i64: %s>, " % arr(axes) + attrs
            c.loss = c.wsum(c.op("dlc.%s %s {%s} : %s" % (op, x, attrs, fty([s], out)), out))

    # Two-way ties: the central difference sees half of each one-sided
    # derivative, which is the even split of ReduceMaxGrad (torch.amax).
    c = new("reducemax_two_way_ties")
    x = c.arg("x", np.array([[1.0, 3.0, 3.0], [0.5, -1.0, 0.5]], F64))
    c.loss = c.wsum(c.op("dlc.ReduceMax %s {axes = array<i64: 1>, keepdims = 0 : si64} : %s" %
                         (x, fty([(2, 3)], (2,))), (2,)))

    for name, dshape, idx, idt in (
            ("gather_rows_repeated", (5, 3), [[1, 4, 1], [0, -1, 1]], np.int64),
            ("gather_1d_i32", (6,), [2, 2, -6, 5], np.int32),
            ("gather_scalar_index_rank3", (4, 2, 3), 2, np.int64)):
        c = new(name)
        d = c.randn("d", dshape)
        ind = np.array(idx, dtype=idt)
        i = c.arg("idx", ind, trainable=False)
        out = ind.shape + dshape[1:]
        c.loss = c.wsum(c.op("dlc.Gather %s, %s : (%s, %s) -> %s" %
                             (d, i, ty(dshape, F64), ty(ind.shape, idt), ty(out, F64)), out))

    # Slices that take a prefix (start 0, step 1, fewer than all) of a
    # dimension, beside one taking the rest: SliceGrad must write zeros past
    # the prefix (an unrolled RNN slices its input projection this way).
    c = new("slice_prefix_and_rest")
    x = c.randn("x", (4, 3))
    parts = [c.op("dlc.Slice %s {starts = array<i64: %d>, ends = array<i64: %d>, axes = array<i64: 0>}"
                  " : %s" % (x, b, e, fty([(4, 3)], (e - b, 3))), (e - b, 3))
             for b, e in ((0, 1), (1, 4))]
    c.loss = c.binary("Add", c.wsum(c.unary("Tanh", parts[0])), c.wsum(c.unary("Tanh", parts[1])))
    return cases


def recurrent():
    """RNN, GRU (both linear_before_reset) and LSTM, decomposed by
    dlc-decompose: gradients w.r.t. X, W, R, B, initial_h, initial_c and P
    through the unrolled steps, every direction and both layouts. The loss
    weighs every output (Y, Y_h and Y_c), so each path back is checked."""
    cases = []
    S, N, I, H = 3, 2, 3, 2
    configs = [  # name, op, G, direction, layout, attrs, optional operands
        ("rnn_bidirectional", "RNN", 1, "bidirectional", 0, "", ("B", "initial_h")),
        ("rnn_reverse_layout1_sigmoid", "RNN", 1, "reverse", 1,
         'activations = ["Sigmoid"]', ("initial_h",)),
        ("gru_forward_layout1", "GRU", 3, "forward", 1, "", ("B", "initial_h")),
        ("gru_lbr_bidirectional", "GRU", 3, "bidirectional", 0,
         "linear_before_reset = 1 : si64", ("B", "initial_h")),
        ("gru_lbr_reverse_zero_state", "GRU", 3, "reverse", 0,
         "linear_before_reset = 1 : si64", ("B",)),
        ("lstm_bidirectional_peepholes", "LSTM", 4, "bidirectional", 0, "",
         ("B", "initial_h", "initial_c", "P")),
        ("lstm_forward_layout1", "LSTM", 4, "forward", 1, "", ("B", "initial_c")),
        ("lstm_reverse_bare", "LSTM", 4, "reverse", 0, "", ()),
    ]
    for k, (name, op, G, direction, layout, extra, opt) in enumerate(configs):
        c = Case(name, 1500 + k)
        D = 2 if direction == "bidirectional" else 1
        state = (N, D, H) if layout else (D, N, H)
        operands = [c.randn("x", (N, S, I) if layout else (S, N, I)),
                    c.randn("wt", (D, G * H, I), scale=0.7),
                    c.randn("rt", (D, G * H, H), scale=0.7)]
        shapes = [c.shapes[v] for v in operands]
        text = "%s, %s, %s" % tuple(operands)
        for o, shape in (("B", (D, 2 * G * H)), ("initial_h", state),
                         ("initial_c", state), ("P", (D, 3 * H))):
            if o in opt:
                v = c.randn(o.lower(), shape, scale=0.5)
                text += " %s(%s)" % (o, v)
                shapes.append(shape)
        attrs = ["hidden_size = %d : si64" % H, 'direction = "%s"' % direction,
                 "layout = %d : si64" % layout] + ([extra] if extra else [])
        # Y, then Y_h (and Y_c), shaped like the states.
        outs = [(N, S, D, H) if layout else (S, D, N, H)] + [state] * (2 if op == "LSTM" else 1)
        v = "%%v%d" % c.counter
        c.counter += 1
        c.lines.append("    %s:%d = dlc.%s %s {%s} : (%s) -> (%s)" % (
            v, len(outs), op, text, ", ".join(attrs), ", ".join(ty(sh, F64) for sh in shapes),
            ", ".join(ty(sh, F64) for sh in outs)))
        loss = None
        for i, sh in enumerate(outs):
            c.shapes["%s#%d" % (v, i)] = sh
            part = c.wsum("%s#%d" % (v, i))
            loss = part if loss is None else c.binary("Add", loss, part)
        c.loss = loss
        cases.append(c)
    return cases


def attr_dict(attrs):
    """` {a, b}` for an op's attribute list, or nothing when it is empty."""
    return " {%s}" % ", ".join(attrs) if attrs else ""


def layernorm():
    """LayerNormalization (decomposed by dlc-decompose): d/dX, d/dScale and
    d/dB over the last axis, several axes, without B, with a Scale that
    broadcasts to the normalized shape, and a large epsilon."""
    cases = []
    cfgs = [("last_axis", (3, 5), None, (5,), (5,), None),
            ("axis1", (2, 3, 4), 1, (3, 4), (3, 4), None),
            ("axis_m1_no_bias", (2, 3, 4), -1, (4,), None, None),
            ("scale_broadcast", (2, 3, 4), 1, (1, 4), (4,), None),
            ("epsilon", (4, 3), None, (3,), (3,), 0.1)]
    for k, (name, xs, axis, ss, bs, eps) in enumerate(cfgs):
        c = Case("layernorm_" + name, 1600 + k)
        x, s = c.randn("x", xs), c.randn("scale", ss)
        ops, ins = [x, s], [xs, ss]
        if bs is not None:
            ops.append(c.randn("b", bs))
            ins.append(bs)
        attrs = []
        if axis is not None:
            attrs.append("axis = %d : si64" % axis)
        if eps is not None:
            attrs.append("epsilon = %r : f64" % eps)
        y = c.op("dlc.LayerNormalization %s%s : %s" % (
            ", ".join(ops), attr_dict(attrs), fty(ins, xs)), xs)
        c.loss = c.wsum(y)
        cases.append(c)
    return cases


def attention():
    """Attention (decomposed by dlc-decompose): d/dQ, d/dK, d/dV and d/dmask,
    with a full and a broadcast mask (its gradient summed over B and H),
    causal with Sq = Sk and Sq > Sk (masked scores get gradient 0, and so
    does the mask there), a custom scale, Sq != Sk and Dv != D."""
    cases = []
    # name, B, H, Sq, Sk, D, Dv, mask shape, is_causal, scale
    cfgs = [("plain", 1, 2, 3, 3, 4, 4, None, 0, None),
            ("mask_full", 1, 2, 3, 5, 4, 2, (1, 2, 3, 5), 0, None),
            ("mask_2d", 2, 2, 3, 4, 3, 3, (3, 4), 0, None),
            ("causal", 1, 2, 4, 4, 3, 3, None, 1, None),
            ("causal_sq_gt_sk_mask", 1, 1, 4, 3, 2, 3, (4, 3), 1, None),
            ("scale", 2, 1, 3, 2, 4, 5, (2, 1, 1, 2), 0, 0.6)]
    for k, (name, b, h, sq, sk, d, dv, ms, causal, scale) in enumerate(cfgs):
        c = Case("attention_" + name, 1700 + k)
        q, kk = c.randn("q", (b, h, sq, d)), c.randn("k", (b, h, sk, d))
        v = c.randn("v", (b, h, sk, dv))
        ops, ins = [q, kk, v], [(b, h, sq, d), (b, h, sk, d), (b, h, sk, dv)]
        if ms is not None:
            ops.append(c.randn("mask", ms))
            ins.append(ms)
        attrs = []
        if causal:
            attrs.append("is_causal = true")
        if scale is not None:
            attrs.append("scale = %r : f64" % scale)
        out = (b, h, sq, dv)
        y = c.op("dlc.Attention %s%s : %s" % (
            ", ".join(ops), attr_dict(attrs), fty(ins, out)), out)
        c.loss = c.wsum(y)
        cases.append(c)
    return cases


def batchnorm():
    """BatchNormalization through its decomposition (dlc-decompose): training
    mode (batch statistics; dX through the mean and the variance, dscale,
    dB) on [N, C, H, W], [N, C] and [N, C, L]; inference mode (running
    statistics, every operand); Dropout's Mul by the mask at a fixed step."""
    cases = []
    for k, (name, xs, training) in enumerate([
            ("train_nchw", (3, 2, 3, 2), True), ("train_nc", (5, 3), True),
            ("train_ncl", (2, 3, 4), True), ("infer_nchw", (2, 3, 2, 2), False)]):
        c = Case("batchnorm_" + name, 1500 + k)
        ch = xs[1]
        x = c.randn("x", xs, scale=2.0)
        scale, b = c.randn("scale", (ch,)), c.randn("b", (ch,))
        mean = c.randn("mean", (ch,), trainable=not training)
        var = c.arg("var", c.rng.uniform(0.5, 2.0, ch), trainable=not training)
        operands = [x, scale, b, mean, var]
        types = ", ".join(ty(s, F64) for s in [xs] + [(ch,)] * 4)
        v = "%%v%d" % c.counter
        c.counter += 1
        if training:
            c.lines.append("    %s:3 = dlc.BatchNormalization %s {epsilon = 1.0e-3 : f64, "
                           "training = true} : (%s) -> (%s, %s, %s)" %
                           (v, ", ".join(operands), types, ty(xs, F64), ty((ch,), F64),
                            ty((ch,), F64)))
            y = v + "#0"
        else:
            c.lines.append("    %s = dlc.BatchNormalization %s {epsilon = 1.0e-3 : f64} "
                           ": (%s) -> %s" % (v, ", ".join(operands), types, ty(xs, F64)))
            y = v
        c.shapes[y] = xs
        c.loss = c.wsum(y)
        cases.append(c)
    # Dropout in training form at a fixed step: dX = dY * mask.
    c = Case("dropout_train", 1550)
    x = c.randn("x", (4, 6))
    c.lines.append("    %step = dlc.Constant dense<5> : tensor<i64>")
    y = c.op("dlc.Dropout %s step %%step {ratio = 0.4 : f64, seed = 3 : i64, salt = 9 : i64}"
             " : (%s, tensor<i64>) -> %s" % (x, ty((4, 6), F64), ty((4, 6), F64)), (4, 6))
    c.loss = c.wsum(y)
    cases.append(c)
    return cases


FAMILIES = {"gemm": gemm, "matmul": matmul, "binary": binary,
            "activations": activations, "softmax": softmax, "shape": shape,
            "losses": losses, "binary_losses": binary_losses, "unused": unused,
            "composite": composite, "math": math, "tensor": tensor, "conv": conv,
            "maxpool": maxpool, "global_pool": global_pool, "averagepool": averagepool,
            "conv_transpose": conv_transpose, "layernorm": layernorm,
            "attention": attention, "batchnorm": batchnorm, "recurrent": recurrent}


def main():
    family, workdir = sys.argv[1:3]
    m = Module(FAMILIES[family]()).build(workdir)
    return 0 if m.check() else 1


if __name__ == "__main__":
    sys.exit(main())
