"""Numeric tests of the training ops' lowering (train-*.test).

  train_ops.py FAMILY WORKDIR DRIVER_O

Builds hand-written MLIR functions (one @f with attributes {dlc.entry} per
configuration) through `dlc-opt --dlc-lower-to-linalg --dlc-lower-to-llvm`,
`mlir-translate --mlir-to-llvmir` and `clang -c -O2`, links each with
Inputs/packed_main.c (already compiled: DRIVER_O), runs it on raw binary
inputs and compares the outputs with numpy references of the torch formulas
(computed in float64 from the same f32 inputs; dlctest.check tolerances, f32
rtol 1e-5). Tools: $DLC_OPT (else dlc-opt on PATH), $MLIR_TRANSLATE (else
mlir-translate on PATH, else /usr/lib/llvm-22/bin), $CC (else clang-22);
$DLC_RUNTIME_LIBS, the link flags of libdlcrt (lit.cfg.py sets them).

FAMILY: losses | binary_losses | grads | optim | schedule
"""

import math
import os
import shutil
import subprocess
import sys

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlctest as T  # noqa: E402

MLIR_DT = {np.dtype(np.float32): "f32", np.dtype(np.float64): "f64",
           np.dtype(np.int64): "i64", np.dtype(np.int32): "i32"}


def tool(env, *names):
    if os.environ.get(env):
        return os.environ[env]
    for n in names:
        p = shutil.which(n) or (n if os.path.isabs(n) and os.path.exists(n) else None)
        if p:
            return p
    sys.exit("train_ops.py: none of %s found" % (names,))


DLC_OPT = tool("DLC_OPT", "dlc-opt")
TRANSLATE = tool("MLIR_TRANSLATE", "mlir-translate", "/usr/lib/llvm-22/bin/mlir-translate")
CC = tool("CC", "clang-22", "clang")
# libdlcrt and what it needs (set by lit.cfg.py): large parallel loops call
# its dlc_parallel_for.
RUNTIME_LIBS = os.environ.get("DLC_RUNTIME_LIBS", "").split() or ["-lm"]


def ty(shape, dtype):
    dt = MLIR_DT[np.dtype(dtype)]
    return "tensor<%s>" % "x".join([str(d) for d in shape] + [dt])


class Fn:
    """One entry function: arguments (name, example array) and op lines."""

    def __init__(self, name, attrs="", passes=()):
        self.name = name
        self.attrs = attrs      # extra function attributes, e.g. dlc.trainable
        self.passes = list(passes)  # dlc-opt passes before the lowering
        self.args = []   # (name, shape, dtype)
        self.lines = []
        self.results = []  # (ssa, shape, dtype)
        self.counter = 0

    def arg(self, name, like):
        like = np.asarray(like)
        self.args.append((name, like.shape, like.dtype))
        return "%" + name

    def op(self, text, shape, dtype, count=1):
        """Appends `%rK[, ...] = text`; the results are returned (and all of
        them become function results)."""
        names = []
        for _ in range(count):
            names.append("%%r%d" % self.counter)
            self.counter += 1
        self.lines.append("  %s = %s" % (", ".join(names), text))
        for n in names:
            self.results.append((n, tuple(shape), np.dtype(dtype)))
        return names

    def text(self):
        params = ", ".join("%%%s: %s" % (n, ty(s, d)) for n, s, d in self.args)
        rtypes = ", ".join(ty(s, d) for _, s, d in self.results)
        body = "\n".join(self.lines)
        rets = ", ".join(n for n, _, _ in self.results)
        attrs = "dlc.entry" + (", " + self.attrs if self.attrs else "")
        return ("func.func @f(%s) -> (%s) attributes {%s} {\n%s\n"
                "  return %s : %s\n}\n" % (params, rtypes, attrs, body, rets, rtypes))

    def build(self, workdir, driver):
        d = os.path.join(workdir, self.name)
        os.makedirs(d, exist_ok=True)
        src = os.path.join(d, "f.mlir")
        with open(src, "w") as f:
            f.write(self.text())
        llvm = os.path.join(d, "f.llvm.mlir")
        ll = os.path.join(d, "f.ll")
        obj = os.path.join(d, "f.o")
        exe = os.path.join(d, "f.exe")
        subprocess.run([DLC_OPT, src] + self.passes +
                       ["--dlc-lower-to-linalg", "--dlc-lower-to-llvm", "-o", llvm],
                       check=True)
        subprocess.run([TRANSLATE, "--mlir-to-llvmir", llvm, "-o", ll], check=True)
        subprocess.run([CC, "-c", "-O2", "-Wno-override-module", ll, "-o", obj],
                       check=True)
        subprocess.run([CC, driver, obj, "-o", exe] + RUNTIME_LIBS, check=True)
        self.exe, self.dir = exe, d
        return self

    def run(self, values):
        """values: {arg name: array}; returns the results in order."""
        specs = []
        for n, s, dt in self.args:
            v = np.ascontiguousarray(np.asarray(values[n], dtype=dt).reshape(s))
            p = os.path.join(self.dir, "in_%s.bin" % n)
            v.tofile(p)
            specs.append("i:" + p)
        outs = []
        for i, (_, s, dt) in enumerate(self.results):
            p = os.path.join(self.dir, "out_%d.bin" % i)
            outs.append((p, s, dt))
            specs.append("o:%s:%d" % (p, int(np.prod(s, dtype=np.int64)) * dt.itemsize))
        specs.append("w:%d" % (64 << 20))
        subprocess.run([self.exe] + specs, check=True)
        return [np.fromfile(p, dtype=dt).reshape(s) for p, s, dt in outs]


def f64(x):
    return np.asarray(x, np.float64)


# ---------------------------------------------------------------- losses


def ref_ce(scores, labels, reduction, ignore, eps):
    """torch.nn.functional.cross_entropy (value, d/dscores for dloss)."""
    s = f64(scores)
    n, c = s.shape
    m = s.max(axis=1, keepdims=True)
    lse = (m + np.log(np.exp(s - m).sum(axis=1, keepdims=True)))[:, 0]
    logp = s - lse[:, None]
    valid = np.ones(n, bool) if ignore is None else labels != ignore
    safe = np.where(valid, labels, 0)
    onehot = np.zeros_like(s)
    onehot[np.arange(n), safe] = 1.0
    q = (1 - eps) * onehot + eps / c
    per = np.where(valid, -(q * logp).sum(axis=1), 0.0)
    count = valid.sum()
    p = np.exp(logp)
    g = np.where(valid[:, None], p - q, 0.0)
    if reduction == "none":
        return per, g
    if reduction == "sum":
        return per.sum(), g
    return per.sum() / count, g / count


def losses(workdir, driver):
    rng = np.random.default_rng(7)
    n, c = 6, 5
    scores = (rng.standard_normal((n, c)) * 3).astype(np.float32)
    labels = np.array([0, 4, -100, 2, 1, -100], np.int64)
    labels_noign = np.array([0, 4, 3, 2, 1, 1], np.int64)
    f = Fn("losses")
    s = f.arg("s", scores)
    l = f.arg("l", labels)
    ln = f.arg("ln", labels_noign)
    l32 = f.arg("l32", labels_noign.astype(np.int32))
    dl = f.arg("dl", np.float32(0))
    dln = f.arg("dln", np.zeros(n, np.float32))
    checks = []
    for red in ("mean", "sum", "none"):
        for ign in (None, -100):
            for eps in (0.0, 0.1):
                attrs = ['reduction = "%s"' % red]
                if ign is not None:
                    attrs.append("ignore_index = %d : si64" % ign)
                if eps:
                    attrs.append("label_smoothing = %r" % eps)
                a = "{%s}" % ", ".join(attrs)
                lab, labname = (l, labels) if ign is not None else (ln, labels_noign)
                lshape = (n,) if red == "none" else ()
                d = dln if red == "none" else dl
                dshape = "%s" % ty(lshape, np.float32)
                [loss] = f.op("dlc.SoftmaxCrossEntropyLoss %s, %s %s : (%s, %s) -> %s" %
                              (s, lab, a, ty((n, c), np.float32), ty((n,), np.int64),
                               ty(lshape, np.float32)), lshape, np.float32)
                [grad] = f.op("dlc.SoftmaxCrossEntropyLossGrad %s, %s, %s %s : (%s, %s, %s) -> %s" %
                              (d, s, lab, a, dshape, ty((n, c), np.float32),
                               ty((n,), np.int64), ty((n, c), np.float32)),
                              (n, c), np.float32)
                checks.append(("ce %s ignore=%s eps=%s" % (red, ign, eps), red, ign, eps,
                               labname))
    # i32 labels.
    f.op("dlc.SoftmaxCrossEntropyLoss %s, %s {label_smoothing = 0.2} : (%s, %s) -> tensor<f32>" %
         (s, l32, ty((n, c), np.float32), ty((n,), np.int32)), (), np.float32)
    # MSE.
    p = (rng.standard_normal((3, 4))).astype(np.float32)
    t = (rng.standard_normal((3, 4))).astype(np.float32)
    pa, ta = f.arg("p", p), f.arg("t", t)
    for red in ("mean", "sum", "none"):
        shape = (3, 4) if red == "none" else ()
        f.op('dlc.MeanSquaredError %s, %s {reduction = "%s"} : (%s, %s) -> %s' %
             (pa, ta, red, ty((3, 4), np.float32), ty((3, 4), np.float32),
              ty(shape, np.float32)), shape, np.float32)
    # Accuracy with ties: row 0 ties classes 1 and 3 (label 1: hit), row 1
    # ties 0 and 2 (label 2: miss, the first maximal class wins), row 2 plain
    # hit, row 3 plain miss, row 4 all equal (label 0: hit).
    acc_s = np.array([[0, 5, 1, 5], [7, 1, 7, 2], [0, 1, 9, 3], [4, 1, 2, 3],
                      [2, 2, 2, 2]], np.float32)
    acc_l = np.array([1, 2, 2, 1, 0], np.int64)
    sa, la = f.arg("as", acc_s), f.arg("al", acc_l)
    la32 = f.arg("al32", acc_l.astype(np.int32))
    f.op("dlc.Accuracy %s, %s : (%s, %s) -> tensor<f32>" %
         (sa, la, ty((5, 4), np.float32), ty((5,), np.int64)), (), np.float32)
    f.op("dlc.Accuracy %s, %s : (%s, %s) -> tensor<f32>" %
         (sa, la32, ty((5, 4), np.float32), ty((5,), np.int32)), (), np.float32)
    # ReduceSum.
    x = rng.standard_normal((2, 3, 4)).astype(np.float32)
    xa = f.arg("x", x)
    rs = [((), 1, (1, 1, 1)), ((1,), 0, (2, 4)), ((0, -1), 1, (1, 3, 1)), ((2,), 0, (2, 3))]
    for axes, keep, shape in rs:
        f.op("dlc.ReduceSum %s {axes = array<i64%s>, keepdims = %d : si64} : (%s) -> %s" %
             (xa, (": " + ", ".join(map(str, axes))) if axes else "", keep,
              ty((2, 3, 4), np.float32), ty(shape, np.float32)), shape, np.float32)
    f.op("dlc.Constant dense<[1.5, -2.0]> : tensor<2xf32>", (2,), np.float32)
    f.build(workdir, driver)

    ok = True
    for dlv in (1.0, 0.7):
        dlnv = np.linspace(0.5, 1.5, n).astype(np.float32)
        vals = {"s": scores, "l": labels, "ln": labels_noign,
                "l32": labels_noign.astype(np.int32), "dl": np.float32(dlv),
                "dln": dlnv, "p": p, "t": t, "as": acc_s, "al": acc_l,
                "al32": acc_l.astype(np.int32), "x": x}
        out = f.run(vals)
        k = 0
        for label, red, ign, eps, lab in checks:
            v, g = ref_ce(scores, lab, red, ign, eps)
            gd = g * (f64(dlnv)[:, None] if red == "none" else dlv)
            ok &= T.check(label + " loss", out[k], v)
            ok &= T.check(label + " grad dloss=%g" % dlv, out[k + 1], gd)
            k += 2
        v, _ = ref_ce(scores, labels_noign, "mean", None, 0.2)
        ok &= T.check("ce i32 labels eps=0.2", out[k], v)
        k += 1
        d = f64(p) - f64(t)
        for red, ref in (("mean", (d * d).mean()), ("sum", (d * d).sum()), ("none", d * d)):
            ok &= T.check("mse " + red, out[k], ref)
            k += 1
        ok &= T.check("accuracy ties i64", out[k], 0.6)
        ok &= T.check("accuracy ties i32", out[k + 1], 0.6)
        k += 2
        for axes, keep, shape in rs:
            ref = f64(x).sum(axis=tuple(axes) if axes else None, keepdims=bool(keep))
            ok &= T.check("reducesum axes=%s keepdims=%d" % (axes, keep), out[k],
                          np.reshape(ref, shape))
            k += 1
        ok &= T.check("constant", out[k], [1.5, -2.0])
    return ok


# ------------------------------------------------- binary and focal losses


def reduce_ref(per, reduction):
    if reduction == "none":
        return per
    return per.sum() if reduction == "sum" else per.mean()


def ref_bce(p, t, reduction):
    """torch.nn.functional.binary_cross_entropy and its two backward
    formulas (binary_cross_entropy_backward, ..._target_backward) for dloss 1."""
    p, t = f64(p), f64(t)
    with np.errstate(divide="ignore"):
        logp = np.maximum(np.log(p), -100.0)
        log1mp = np.maximum(np.log1p(-p), -100.0)
        per = -(t * logp + (1 - t) * log1mp)
        dp = (p - t) / np.maximum(p * (1 - p), 1e-12)
        dt = np.log1p(-p) - np.log(p)
    k = 1.0 / p.size if reduction == "mean" else 1.0
    return reduce_ref(per, reduction), dp * k, dt * k


def ref_bce_logits(x, t, reduction):
    """binary_cross_entropy_with_logits: value, d/dx, d/dt for dloss 1."""
    x, t = f64(x), f64(t)
    per = np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))
    k = 1.0 / x.size if reduction == "mean" else 1.0
    sig = 1 / (1 + np.exp(-x))
    return reduce_ref(per, reduction), (sig - t) * k, -x * k


def ref_focal(scores, labels, gamma, alpha, reduction):
    """-alpha_y (1 - p_t)^gamma log p_t and d/dscores (dloss 1), the
    gradient by the closed form, itself checked against central differences
    of the float64 value."""
    s = f64(scores)
    n, c = s.shape

    def per_sample(s):
        m = s.max(axis=1, keepdims=True)
        logp = s - m - np.log(np.exp(s - m).sum(axis=1, keepdims=True))
        lpt = logp[np.arange(n), labels]
        a = np.ones(n) if alpha is None else np.asarray(alpha, np.float64)[labels]
        return -a * (-np.expm1(lpt)) ** gamma * lpt, logp, lpt, a

    per, logp, lpt, a = per_sample(s)
    pt, u = np.exp(lpt), -np.expm1(lpt)
    with np.errstate(divide="ignore", invalid="ignore"):
        term = np.where(u > 0, gamma * pt * u ** (gamma - 1) * lpt, 0.0) if gamma else 0.0
    F = u ** gamma - term
    onehot = np.zeros_like(s)
    onehot[np.arange(n), labels] = 1
    k = 1.0 / n if reduction == "mean" else 1.0
    g = (a * F)[:, None] * (np.exp(logp) - onehot) * k
    return reduce_ref(per, reduction), g, per_sample


def binary_losses(workdir, driver):
    ok = True
    rng = np.random.default_rng(5)
    shape = (3, 5)
    # Probabilities including the ends (the -100 clamp, the 1e-12 eps) and
    # values next to them; targets in [0, 1], soft ones too.
    p = rng.uniform(0.02, 0.98, shape).astype(np.float32)
    p[0] = [0.0, 1.0, 1e-7, 1 - 1e-7, 0.5]
    p[1, :2] = [0.0, 1.0]
    t = rng.uniform(0, 1, shape).astype(np.float32)
    t[0] = [0.0, 1.0, 1.0, 0.0, 0.5]
    t[1, :2] = [1.0, 0.0]
    t[2] = np.round(t[2])
    x = (rng.standard_normal(shape) * 4).astype(np.float32)
    x[0] = [50.0, -50.0, 50.0, -50.0, 0.0]
    x[1, :2] = [30.0, -88.0]
    n, c = 6, 4
    scores = (rng.standard_normal((n, c)) * 3).astype(np.float32)
    scores[0] = [50.0, -50.0, 0.0, 0.0]     # confident and right: p_t -> 1
    scores[1] = [50.0, -50.0, 0.0, 0.0]     # confident and wrong: log p_t = -100
    scores[2] = [1.0, 1.0, 1.0, 1.0]
    labels = np.array([0, 1, 3, 2, 1, 0], np.int64)
    alpha = [0.25, 0.5, 1.5, 0.75]
    dln_p = np.linspace(0.5, 1.5, p.size).reshape(shape).astype(np.float32)
    dln_s = np.linspace(-1.0, 2.0, n).astype(np.float32)

    f = Fn("binary_losses")
    pa, ta, xa = f.arg("p", p), f.arg("t", t), f.arg("x", x)
    sa, la = f.arg("s", scores), f.arg("l", labels)
    l32 = f.arg("l32", labels.astype(np.int32))
    dl = f.arg("dl", np.float32(0))
    dlp = f.arg("dlp", dln_p)
    dls = f.arg("dls", dln_s)
    T2, TS = ty(shape, np.float32), ty((n, c), np.float32)
    checks = []  # (label, reference function of the dloss value)
    for red in ("mean", "sum", "none"):
        lshape = shape if red == "none" else ()
        d, dshape = (dlp, T2) if red == "none" else (dl, "tensor<f32>")
        f.op('dlc.BinaryCrossEntropy %s, %s {reduction = "%s"} : (%s, %s) -> %s' %
             (pa, ta, red, T2, T2, ty(lshape, np.float32)), lshape, np.float32)
        checks.append(("bce %s" % red, lambda dv, red=red: ref_bce(p, t, red)[0]))
        for wrt in ("false", "true"):
            f.op('dlc.BinaryCrossEntropyGrad %s, %s, %s {reduction = "%s", wrt_target = %s}'
                 ' : (%s, %s, %s) -> %s' % (d, pa, ta, red, wrt, dshape, T2, T2, T2),
                 shape, np.float32)
            checks.append(("bce_grad %s wrt_target=%s" % (red, wrt),
                           lambda dv, red=red, wrt=wrt:
                           ref_bce(p, t, red)[2 if wrt == "true" else 1] *
                           (f64(dln_p) if red == "none" else dv)))
        f.op('dlc.BinaryCrossEntropyWithLogits %s, %s {reduction = "%s"} : (%s, %s) -> %s' %
             (xa, ta, red, T2, T2, ty(lshape, np.float32)), lshape, np.float32)
        checks.append(("bce_logits %s" % red,
                       lambda dv, red=red: ref_bce_logits(x, t, red)[0]))
        fshape = (n,) if red == "none" else ()
        fd, fdshape = (dls, ty((n,), np.float32)) if red == "none" else (dl, "tensor<f32>")
        for gamma in (2.0, 0.0, 1.5, 0.5):
            for al in (None, alpha):
                attrs = 'gamma = %r, reduction = "%s"' % (gamma, red)
                if al is not None:
                    attrs += ", alpha = array<f64: %s>" % ", ".join(map(repr, al))
                lab, lty = (l32, "i32") if gamma == 1.5 else (la, "i64")
                f.op("dlc.FocalLoss %s, %s {%s} : (%s, tensor<%dx%s>) -> %s" %
                     (sa, lab, attrs, TS, n, lty, ty(fshape, np.float32)), fshape, np.float32)
                f.op("dlc.FocalLossGrad %s, %s, %s {%s} : (%s, %s, tensor<%dx%s>) -> %s" %
                     (fd, sa, lab, attrs, fdshape, TS, n, lty, TS), (n, c), np.float32)
                tag = "focal %s gamma=%s alpha=%s" % (red, gamma, al is not None)
                checks.append((tag, lambda dv, red=red, g=gamma, al=al:
                               ref_focal(scores, labels, g, al, red)[0]))
                checks.append((tag + " grad", lambda dv, red=red, g=gamma, al=al:
                               ref_focal(scores, labels, g, al, red)[1] *
                               (f64(dln_s)[:, None] if red == "none" else dv)))
    f.build(workdir, driver)
    for dv in (1.0, -0.7):
        out = f.run({"p": p, "t": t, "x": x, "s": scores, "l": labels,
                     "l32": labels.astype(np.int32), "dl": np.float32(dv),
                     "dlp": dln_p, "dls": dln_s})
        for (label, ref), got in zip(checks, out):
            ok &= T.check(label + " dloss=%g" % dv, got, ref(dv))

    # The focal gradient formula against central differences of the value.
    for gamma in (2.0, 0.5):
        _, g, per_sample = ref_focal(scores[2:], labels[2:], gamma, alpha, "sum")
        s0, h = f64(scores[2:]), 1e-6
        num = np.zeros_like(s0)
        for i in np.ndindex(s0.shape):
            e = np.zeros_like(s0)
            e[i] = h
            num[i] = (per_sample(s0 + e)[0].sum() - per_sample(s0 - e)[0].sum()) / (2 * h)
        assert np.allclose(num, g, rtol=1e-6, atol=1e-8), (gamma, num, g)

    # The VJP rules through dlc-autodiff: p and t (or x and t) trainable, so
    # both gradient rules of each binary loss run; the focal scores.
    for red in ("mean", "sum"):
        for kind in ("bce", "bce_logits", "focal"):
            f = Fn("vjp_%s_%s" % (kind, red), passes=["--dlc-autodiff"],
                   attrs="dlc.train_step, dlc.trainable = [true, %s]" %
                   ("false" if kind == "focal" else "true"))
            if kind == "focal":
                a0, a1 = f.arg("s", scores), f.arg("l", labels)
                f.op('dlc.FocalLoss %s, %s {reduction = "%s", alpha = array<f64: %s>} : '
                     '(%s, tensor<%dxi64>) -> tensor<f32>' %
                     (a0, a1, red, ", ".join(map(repr, alpha)), TS, n), (), np.float32)
                f.results.append(("", (n, c), np.dtype(np.float32)))
                vals = {"s": scores, "l": labels}
                v, g, _ = ref_focal(scores, labels, 2.0, alpha, red)
                refs = [v, g]
            else:
                first = p if kind == "bce" else x
                a0, a1 = f.arg("a", first), f.arg("t", t)
                op = "BinaryCrossEntropy" if kind == "bce" else "BinaryCrossEntropyWithLogits"
                f.op('dlc.%s %s, %s {reduction = "%s"} : (%s, %s) -> tensor<f32>' %
                     (op, a0, a1, red, T2, T2), (), np.float32)
                f.results += [("", shape, np.dtype(np.float32))] * 2
                vals = {"a": first, "t": t}
                refs = list((ref_bce if kind == "bce" else ref_bce_logits)(first, t, red))
            # The source returns only the loss; autodiff appends the gradients.
            grads_meta = f.results[1:]
            f.results = f.results[:1]
            f.build(workdir, driver)
            f.results += grads_meta
            out = f.run(vals)
            for i, (got, ref) in enumerate(zip(out, refs)):
                ok &= T.check("vjp %s %s %s" % (kind, red, ["loss", "d0", "d1"][i]), got, ref)
    return ok



# ---------------------------------------------------------------- gradients


def grads(workdir, driver):
    from math import erf
    rng = np.random.default_rng(11)
    shape = (3, 7)
    x = (rng.standard_normal(shape) * 2).astype(np.float32)
    x[0, :3] = [0.0, -0.0, 1e-3]
    dy = rng.standard_normal(shape).astype(np.float32)
    f = Fn("grads")
    xa, da = f.arg("x", x), f.arg("dy", dy)
    t = ty(shape, np.float32)
    xd, dd = f64(x), f64(dy)
    erfv = np.vectorize(erf)
    sig = 1 / (1 + np.exp(-xd))
    th = np.tanh(xd)
    c = math.sqrt(2 / math.pi)
    u = c * (xd + 0.044715 * xd ** 3)
    refs = []

    def add(label, text, ref):
        f.op(text + " : " + t, shape, np.float32)
        refs.append((label, ref))

    add("relu_grad", "dlc.ReluGrad %s, %s" % (da, xa), np.where(xd > 0, dd, 0.0))
    add("leaky_relu_grad", "dlc.LeakyReluGrad %s, %s {alpha = 0.2}" % (da, xa),
        np.where(xd >= 0, dd, 0.2 * dd))
    add("elu_grad", "dlc.EluGrad %s, %s {alpha = 1.5}" % (da, xa),
        np.where(xd > 0, dd, 1.5 * np.exp(xd) * dd))
    # Saved y = sigmoid(x) / tanh(x), rounded to f32 as the forward yields.
    ys = sig.astype(np.float32)
    yt = th.astype(np.float32)
    ysa, yta = f.arg("ys", ys), f.arg("yt", yt)
    add("sigmoid_grad", "dlc.SigmoidGrad %s, %s" % (da, ysa),
        dd * f64(ys) * (1 - f64(ys)))
    add("tanh_grad", "dlc.TanhGrad %s, %s" % (da, yta), dd * (1 - f64(yt) ** 2))
    gelu_exact = 0.5 * (1 + erfv(xd / math.sqrt(2))) + \
        xd * np.exp(-xd * xd / 2) / math.sqrt(2 * math.pi)
    gelu_tanh = 0.5 * (1 + np.tanh(u)) + \
        0.5 * xd * (1 - np.tanh(u) ** 2) * c * (1 + 3 * 0.044715 * xd ** 2)
    # The numpy derivatives themselves against central differences.
    h = 1e-6
    fwd_e = lambda z: 0.5 * z * (1 + erfv(z / math.sqrt(2)))  # noqa: E731
    fwd_t = lambda z: 0.5 * z * (1 + np.tanh(c * (z + 0.044715 * z ** 3)))  # noqa: E731
    assert np.allclose((fwd_e(xd + h) - fwd_e(xd - h)) / (2 * h), gelu_exact, atol=1e-7)
    assert np.allclose((fwd_t(xd + h) - fwd_t(xd - h)) / (2 * h), gelu_tanh, atol=1e-7)
    add("gelu_grad none", "dlc.GeluGrad %s, %s" % (da, xa), dd * gelu_exact)
    add("gelu_grad tanh", 'dlc.GeluGrad %s, %s {approximate = "tanh"}' % (da, xa),
        dd * gelu_tanh)
    for axis in (-1, 0):
        e = np.exp(xd - xd.max(axis=axis, keepdims=True))
        y = (e / e.sum(axis=axis, keepdims=True)).astype(np.float32)
        ly = (xd - xd.max(axis=axis, keepdims=True) -
              np.log(e.sum(axis=axis, keepdims=True))).astype(np.float32)
        ya, lya = f.arg("y%d" % (axis + 1), y), f.arg("ly%d" % (axis + 1), ly)
        yd, lyd = f64(y), f64(ly)
        add("softmax_grad axis=%d" % axis,
            "dlc.SoftmaxGrad %s, %s {axis = %d : si64}" % (da, ya, axis),
            yd * (dd - (dd * yd).sum(axis=axis, keepdims=True)))
        add("log_softmax_grad axis=%d" % axis,
            "dlc.LogSoftmaxGrad %s, %s {axis = %d : si64}" % (da, lya, axis),
            dd - np.exp(lyd) * dd.sum(axis=axis, keepdims=True))
        if axis == -1:
            vals_y = (y, ly)
        else:
            vals_y0 = (y, ly)
    f.build(workdir, driver)
    out = f.run({"x": x, "dy": dy, "ys": ys, "yt": yt, "y0": vals_y[0],
                 "ly0": vals_y[1], "y1": vals_y0[0], "ly1": vals_y0[1]})
    ok = True
    for (label, ref), got in zip(refs, out):
        ok &= T.check(label, got, ref)
    return ok


# ---------------------------------------------------------------- optimizers


def ref_sgd(p, g, buf, lr, step, momentum, dampening, nesterov, wd):
    """torch.optim.SGD._single_tensor_sgd for one parameter (float64)."""
    p, g = f64(p), f64(g)
    lr = float(np.float32(lr))
    d = g + wd * p if wd else g
    if momentum:
        buf = d.copy() if step == 0 else momentum * f64(buf) + (1 - dampening) * d
        d = d + momentum * buf if nesterov else buf
    return p - lr * d, buf


def ref_adam(p, g, m, v, vmax, lr, step, b1, b2, eps, wd, decoupled):
    """torch.optim.Adam / AdamW (_single_tensor_adam) for one parameter."""
    p, g, m, v = f64(p), f64(g), f64(m), f64(v)
    lr = float(np.float32(lr))
    t = step + 1
    if wd and not decoupled:
        g = g + wd * p
    if wd and decoupled:
        p = p * (1 - lr * wd)
    m = m + (1 - b1) * (g - m)          # exp_avg.lerp_(grad, 1 - beta1)
    v = v * b2 + (1 - b2) * g * g
    bc1, bc2 = 1 - b1 ** t, 1 - b2 ** t
    if vmax is not None:
        vmax = np.maximum(f64(vmax), v)
        denom = np.sqrt(vmax) / math.sqrt(bc2) + eps
    else:
        denom = np.sqrt(v) / math.sqrt(bc2) + eps
    return p - (lr / bc1) * m / denom, m, v, vmax


def ref_rmsprop(p, g, sq, buf, ga, lr, alpha, eps, wd, momentum, centered):
    """torch.optim.RMSprop (_single_tensor_rmsprop) for one parameter."""
    p, g, sq = f64(p), f64(g), f64(sq)
    lr = float(np.float32(lr))
    if wd:
        g = g + wd * p
    sq = sq * alpha + (1 - alpha) * g * g
    if centered:
        ga = f64(ga) + (1 - alpha) * (g - f64(ga))   # grad_avg.lerp_(grad, 1 - alpha)
        avg = np.sqrt(sq - ga * ga) + eps
    else:
        avg = np.sqrt(sq) + eps
    if momentum > 0:
        buf = f64(buf) * momentum + g / avg
        p = p - lr * buf
    else:
        p = p - lr * g / avg
    return p, sq, buf, ga


def ref_clip_coef(grads, max_norm):
    """torch.nn.utils.clip_grad_norm_'s clamped coefficient."""
    total = math.sqrt(sum(float(np.sum(f64(g) ** 2)) for g in grads))
    return min(1.0, max_norm / (total + 1e-6))


def optim(workdir, driver):
    rng = np.random.default_rng(3)
    shape = (4, 5)
    p0 = rng.standard_normal(shape).astype(np.float32)
    grads_ = [rng.standard_normal(shape).astype(np.float32) for _ in range(3)]
    lrs = [np.float32(0.1), np.float32(0.05), np.float32(0.01)]
    t = ty(shape, np.float32)
    ok = True

    sgd_cfgs = [dict(momentum=0.0, dampening=0.0, nesterov=False, wd=0.0),
                dict(momentum=0.0, dampening=0.0, nesterov=False, wd=0.01),
                dict(momentum=0.9, dampening=0.0, nesterov=False, wd=0.0),
                dict(momentum=0.9, dampening=0.1, nesterov=False, wd=0.01),
                dict(momentum=0.9, dampening=0.0, nesterov=True, wd=0.001)]
    for i, cfg in enumerate(sgd_cfgs):
        f = Fn("sgd%d" % i)
        pa, ga = f.arg("p", p0), f.arg("g", p0)
        has_buf = cfg["momentum"] != 0
        ba = f.arg("b", p0) if has_buf else None
        la, sa = f.arg("lr", np.float32(0)), f.arg("step", np.int64(0))
        attrs = "{momentum = %r, dampening = %r, nesterov = %s, weight_decay = %r}" % (
            cfg["momentum"], cfg["dampening"], "true" if cfg["nesterov"] else "false",
            cfg["wd"])
        ops = "%s, %s%s, %s, %s" % (pa, ga, (" momentum_buffer " + ba) if has_buf else "",
                                    la, sa)
        types = [t, t] + ([t] if has_buf else []) + ["tensor<f32>", "tensor<i64>"]
        n = 2 if has_buf else 1
        f.op("dlc.SGDUpdate %s %s : (%s) -> (%s)" % (ops, attrs, ", ".join(types),
                                                    ", ".join([t] * n)),
             shape, np.float32, count=n)
        f.build(workdir, driver)
        p = p0
        buf = np.zeros(shape, np.float32)
        for step in range(3):
            out = f.run({"p": p, "g": grads_[step], "b": buf, "lr": lrs[step],
                         "step": np.int64(step)})
            rp, rb = ref_sgd(p, grads_[step], buf, lrs[step], step, cfg["momentum"],
                             cfg["dampening"], cfg["nesterov"], cfg["wd"])
            label = "sgd %s step %d" % (cfg, step)
            ok &= T.check(label + " param", out[0], rp)
            if has_buf:
                ok &= T.check(label + " buffer", out[1], rb)
                buf = out[1]
            p = out[0]

    adam_cfgs = [dict(wd=0.0, decoupled=False, amsgrad=False),
                 dict(wd=0.01, decoupled=False, amsgrad=False),
                 dict(wd=0.01, decoupled=True, amsgrad=False),
                 dict(wd=0.0, decoupled=False, amsgrad=True),
                 dict(wd=0.05, decoupled=True, amsgrad=True)]
    b1, b2, eps = 0.9, 0.999, 1e-8
    for i, cfg in enumerate(adam_cfgs):
        f = Fn("adam%d" % i)
        pa, ga = f.arg("p", p0), f.arg("g", p0)
        ma, va = f.arg("m", p0), f.arg("v", p0)
        vma = f.arg("vm", p0) if cfg["amsgrad"] else None
        la, sa = f.arg("lr", np.float32(0)), f.arg("step", np.int64(0))
        attrs = "{weight_decay = %r, decoupled = %s}" % (
            cfg["wd"], "true" if cfg["decoupled"] else "false")
        ops = "%s, %s, %s, %s%s, %s, %s" % (pa, ga, ma, va,
                                            (" vmax " + vma) if vma else "", la, sa)
        n = 4 if vma else 3
        types = [t] * (n + 1) + ["tensor<f32>", "tensor<i64>"]
        f.op("dlc.AdamUpdate %s %s : (%s) -> (%s)" % (ops, attrs, ", ".join(types),
                                                     ", ".join([t] * n)),
             shape, np.float32, count=n)
        f.build(workdir, driver)
        p = p0
        m = np.zeros(shape, np.float32)
        v = np.zeros(shape, np.float32)
        vm = np.zeros(shape, np.float32)
        for step in range(3):
            lr = np.float32(1e-2)
            out = f.run({"p": p, "g": grads_[step], "m": m, "v": v, "vm": vm, "lr": lr,
                         "step": np.int64(step)})
            rp, rm, rv, rvm = ref_adam(p, grads_[step], m, v,
                                       vm if cfg["amsgrad"] else None, lr, step,
                                       b1, b2, eps, cfg["wd"], cfg["decoupled"])
            label = "adam %s step %d" % (cfg, step)
            ok &= T.check(label + " param", out[0], rp)
            ok &= T.check(label + " m", out[1], rm)
            ok &= T.check(label + " v", out[2], rv)
            if cfg["amsgrad"]:
                ok &= T.check(label + " vmax", out[3], rvm)
                vm = out[3]
            p, m, v = out[0], out[1], out[2]

    rms_cfgs = [dict(alpha=0.99, eps=1e-8, wd=0.0, momentum=0.0, centered=False),
                dict(alpha=0.9, eps=1e-6, wd=0.0, momentum=0.0, centered=True),
                dict(alpha=0.95, eps=1e-8, wd=0.0, momentum=0.9, centered=False),
                dict(alpha=0.99, eps=1e-8, wd=0.05, momentum=0.0, centered=False),
                dict(alpha=0.8, eps=1e-7, wd=0.01, momentum=0.5, centered=True)]
    for i, cfg in enumerate(rms_cfgs):
        f = Fn("rmsprop%d" % i)
        pa, ga, sqa = f.arg("p", p0), f.arg("g", p0), f.arg("sq", p0)
        has_buf, cen = cfg["momentum"] > 0, cfg["centered"]
        ba = f.arg("b", p0) if has_buf else None
        gaa = f.arg("ga", p0) if cen else None
        la, sa = f.arg("lr", np.float32(0)), f.arg("step", np.int64(0))
        attrs = "{alpha = %.17e, eps = %.17e, weight_decay = %.17e, momentum = %.17e, centered = %s}" % (
            cfg["alpha"], cfg["eps"], cfg["wd"], cfg["momentum"], "true" if cen else "false")
        ops = "%s, %s, %s%s%s, %s, %s" % (pa, ga, sqa,
                                          (" momentum_buffer " + ba) if has_buf else "",
                                          (" grad_avg " + gaa) if cen else "", la, sa)
        n = 2 + int(has_buf) + int(cen)
        types = [t] * (n + 1) + ["tensor<f32>", "tensor<i64>"]
        f.op("dlc.RMSPropUpdate %s %s : (%s) -> (%s)" % (ops, attrs, ", ".join(types),
                                                        ", ".join([t] * n)),
             shape, np.float32, count=n)
        f.build(workdir, driver)
        p = p0
        sq = np.zeros(shape, np.float32)
        buf = np.zeros(shape, np.float32)
        gav = np.zeros(shape, np.float32)
        for step in range(3):
            out = f.run({"p": p, "g": grads_[step], "sq": sq, "b": buf, "ga": gav,
                         "lr": lrs[step], "step": np.int64(step)})
            rp, rsq, rb, rga = ref_rmsprop(p, grads_[step], sq, buf, gav, lrs[step],
                                           cfg["alpha"], cfg["eps"], cfg["wd"],
                                           cfg["momentum"], cen)
            label = "rmsprop %s step %d" % (cfg, step)
            ok &= T.check(label + " param", out[0], rp)
            ok &= T.check(label + " square_avg", out[1], rsq)
            k = 2
            if has_buf:
                ok &= T.check(label + " momentum_buffer", out[k], rb)
                buf = out[k]
                k += 1
            if cen:
                ok &= T.check(label + " grad_avg", out[k], rga)
                gav = out[k]
            p, sq = out[0], out[1]

    # Global norm clipping: GlobalNormScale over three gradients of different
    # ranks, then each scaled by dlc.Mul (as dlc-insert-optimizer emits it).
    # The global norm is about 4.5 (x1: max_norm 1 and 0.5 clip, 100 does not)
    # and 0.045 (x0.01: none clips).
    ga0 = rng.standard_normal((4, 5)).astype(np.float32)
    gb0 = rng.standard_normal((5,)).astype(np.float32)
    gc0 = np.float32(rng.standard_normal())
    for dt in (np.float32, np.float64):
        f = Fn("clip_%s" % MLIR_DT[np.dtype(dt)])
        args = [f.arg("a", ga0.astype(dt)), f.arg("b", gb0.astype(dt)),
                f.arg("c", np.asarray(gc0, dt))]
        tys = [ty((4, 5), dt), ty((5,), dt), ty((), dt)]
        st = ty((), dt)
        coefs = []
        for max_norm in (1.0, 0.5, 100.0):
            (c,) = f.op("dlc.GlobalNormScale %s {max_norm = %.17e} : (%s) -> %s"
                        % (", ".join(args), max_norm, ", ".join(tys), st), (), dt)
            coefs.append((max_norm, c))
        # scale by the first coefficient
        for a, tt, shp in zip(args, tys, [(4, 5), (5,), ()]):
            f.op("dlc.Mul %s, %s : (%s, %s) -> %s" % (a, coefs[0][1], tt, st, tt), shp, dt)
        f.build(workdir, driver)
        for scale in (1.0, 0.01):
            gs = [ga0.astype(dt) * dt(scale), gb0.astype(dt) * dt(scale),
                  np.asarray(gc0, dt) * dt(scale)]
            out = f.run({"a": gs[0], "b": gs[1], "c": gs[2]})
            total = math.sqrt(sum(float(np.sum(f64(g) ** 2)) for g in gs))
            for j, (max_norm, _) in enumerate(coefs):
                want = ref_clip_coef(gs, max_norm)
                label = "clip %s norm %.4g max_norm %g (%s)" % (
                    MLIR_DT[np.dtype(dt)], total, max_norm,
                    "clips" if want < 1 else "no clipping")
                ok &= T.check(label + " coef", out[j], want)
            c0 = ref_clip_coef(gs, 1.0)
            for j, g in enumerate(gs):
                ok &= T.check("clip %s norm %.4g scaled grad %d" % (
                    MLIR_DT[np.dtype(dt)], total, j), out[3 + j], f64(g) * c0)
    return ok


# ---------------------------------------------------------------- schedule


def ref_lr(s, sched, lr, gamma=0.1, step_size=1, total=1, warmup=0, min_lr=0.0):
    if sched == "constant":
        r = lr
    elif sched == "step":
        r = lr * gamma ** (s // step_size)
    elif sched == "exponential":
        r = lr * gamma ** s
    else:
        if s < warmup:
            r = lr * (s + 1) / warmup
        else:
            span = total - warmup
            tt = min(max(s - warmup, 0), span)
            r = min_lr + (lr - min_lr) * (1 + math.cos(math.pi * tt / span)) / 2
    return float(np.float32(r))


def schedule(workdir, driver):
    cfgs = [("constant", dict(lr=0.01), ""),
            ("step", dict(lr=0.1, gamma=0.5, step_size=3), "gamma = 0.5, step_size = 3"),
            ("exponential", dict(lr=0.1, gamma=0.9), "gamma = 0.9"),
            ("cosine", dict(lr=0.1, total=10, warmup=3, min_lr=0.001),
             "total_steps = 10, warmup_steps = 3, min_learning_rate = 1.0e-03"),
            ("cosine", dict(lr=0.05, total=8), "total_steps = 8")]
    f = Fn("schedule")
    sa = f.arg("step", np.int64(0))
    for sched, kw, extra in cfgs:
        attrs = 'schedule = "%s", learning_rate = %r' % (sched, kw["lr"])
        if extra:
            attrs += ", " + extra
        f.op("dlc.LearningRate %s {%s} : (tensor<i64>) -> tensor<f32>" % (sa, attrs),
             (), np.float32)
    f.op("dlc.StepIncrement %s : tensor<i64>" % sa, (), np.int64)
    f.build(workdir, driver)
    ok = True
    for s in (0, 1, 2, 3, 4, 6, 9, 10, 12, 100):
        out = f.run({"step": np.int64(s)})
        for (sched, kw, _), got in zip(cfgs, out):
            ok &= T.check("lr %s %s step %d" % (sched, kw, s), got, ref_lr(s, sched, **kw))
        if int(out[-1]) != s + 1:
            print("FAIL step increment of %d: %d" % (s, int(out[-1])))
            ok = False
        else:
            print("ok   step increment of %d" % s)
    return ok


def main():
    family, workdir, driver = sys.argv[1:4]
    os.makedirs(workdir, exist_ok=True)
    fn = {"losses": losses, "binary_losses": binary_losses, "grads": grads,
          "optim": optim, "schedule": schedule}[family]
    return 0 if fn(workdir, driver) else 1


if __name__ == "__main__":
    sys.exit(main())
