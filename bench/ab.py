"""A/B timing of dlc against itself: two or more compilers on the same cases.

bench.py compares dlc with its peers; this compares variants of dlc (a build
before and after a change, or one build under different environments), so a
code-generation change can be measured without PyTorch. Every variant's
model is compiled and linked as bench.py does it, then the variants are
called in turn, A, B, A, B, after a warm-up (the protocol of
shared/design/benchmarks.md); a row gives each variant's median time per
call, its min / max, and the ratio to the first variant (above 1: faster
than the first).

    python3 bench/ab.py --build build \
        --variant before=/tmp/dlc-before --variant after=build/bin/dlc \
        [--variant name=path,ENV=value,...] [--only cnn] [--quick]

A variant is `name=path-to-dlc`, optionally followed by `,NAME=value` pairs
set in the environment of its `dlc compile`. Cases: the CNN of bench.py at
inference batch 1 and 64 and its training step at batch 64, and the CNN's
two convolutions alone (inference, batch 64).
"""

import argparse
import os
import statistics
import sys
import tempfile

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench  # noqa: E402  (models, the Dlc wrapper, timing)


def conv_model(x_shape, w_shape):
    """One Conv with bias (no pads, stride 1), inference."""
    return {"version": 1, "name": "conv", "dims": {},
            "inputs": [{"name": "x", "dtype": "f32", "shape": list(x_shape)}],
            "parameters": [
                {"name": "w", "shape": list(w_shape), "init": {"kind": "he_uniform", "seed": 1}},
                {"name": "b", "shape": [w_shape[0]], "init": {"kind": "zeros"}}],
            "nodes": [{"name": "c", "op": "Conv", "inputs": ["x", "w", "b"], "outputs": ["y"]}],
            "outputs": ["y"]}


def cases():
    """(name, model, train, input shape, output shape or None)."""
    out = []
    for batch in (1, 64):
        out.append(("CNN inference, batch %d" % batch, bench.cnn_model(batch, False), False,
                    (batch, 1, 28, 28), (batch, 10)))
    out.append(("CNN training step, batch 64", bench.cnn_model(64, True), True,
                (64, 1, 28, 28), None))
    out.append(("conv1 alone 64x1x28x28 * 32x1x3x3", conv_model((64, 1, 28, 28), (32, 1, 3, 3)),
                False, (64, 1, 28, 28), (64, 32, 26, 26)))
    out.append(("conv2 alone 64x32x13x13 * 64x32x3x3",
                conv_model((64, 32, 13, 13), (64, 32, 3, 3)), False, (64, 32, 13, 13),
                (64, 64, 11, 11)))
    return out


class Variant:
    def __init__(self, spec):
        name, _, rest = spec.partition("=")
        parts = rest.split(",")
        self.name, self.dlc = name, os.path.abspath(parts[0])
        self.env = dict(p.split("=", 1) for p in parts[1:])


def compile_variant(variant, build, model, train, work):
    """bench.Dlc with this variant's compiler and environment."""
    saved = dict(os.environ)
    os.environ.update(variant.env)
    try:
        return bench.Dlc(build, model, train, work, dlc=variant.dlc)
    finally:
        os.environ.clear()
        os.environ.update(saved)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(bench.ROOT, "build"))
    ap.add_argument("--variant", action="append", required=True)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--reps", type=int, default=0)
    ap.add_argument("--only", default="")
    args = ap.parse_args()
    reps = args.reps or (3 if args.quick else 10)
    min_seconds = 0.05 if args.quick else 0.2
    variants = [Variant(v) for v in args.variant]
    rng = np.random.default_rng(0)
    work = tempfile.mkdtemp(prefix="dlc-ab-")
    rows = []
    for name, model, train, xs, ys in cases():
        if args.only not in name:
            continue
        x = rng.random(xs, dtype=np.float32)
        y = rng.integers(0, 10, xs[0]).astype(np.int64)
        fns = []
        for v in variants:
            d = compile_variant(v, args.build, model, train, work)
            out = [] if ys is None else [np.empty(ys, np.float32)]
            d.bind([x, y] if train else [x], out)
            fns.append(d)
        for f in fns:
            f()
        times = [[] for _ in fns]
        for _ in range(reps):
            for f, t in zip(fns, times):
                t.append(bench.timed(f, min_seconds))
        base = statistics.median(times[0])
        cells = []
        for v, t in zip(variants, times):
            med = statistics.median(t)
            cells.append("%s %s (%s / %s, x%.2f)" % (v.name, bench.fmt(med), bench.fmt(min(t)),
                                                     bench.fmt(max(t)), base / med))
        rows.append((name, cells))
        print("  %-40s %s" % (name, "  ".join(cells)), file=sys.stderr)
    print("| case | " + " | ".join(v.name for v in variants) + " |")
    print("|---" * (len(variants) + 1) + "|")
    for name, cells in rows:
        print("| %s | %s |" % (name, " | ".join(cells)))
    print("\nmedian (min / max) per call, x: speed relative to %s; %d interleaved runs."
          % (variants[0].name, reps))


if __name__ == "__main__":
    main()
