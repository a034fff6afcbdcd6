"""Single-op end-to-end cases: build a one-node model, run it with `dlc run`,
compare with the numpy reference of dlctest.py.

  ops.py --op gemm WORKDIR        every case of one op group (one lit test)
  ops.py --case gemm_transB WORKDIR   one case
  ops.py --list                   the groups and their cases

Every case runs even when an earlier one failed; each prints its own verdict
(`ok`/`FAIL <case>/<output>`), and the exit status is 1 if any failed.
Inputs come from np.random.default_rng(seed) with a per-case seed.
"""

import argparse
import os
import sys
import zlib

import numpy as np

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import dlctest as T  # noqa: E402

F32, F64 = np.float32, np.float64


class Case:
    """What one case needs: the model, the values fed to it, the references."""

    def __init__(self, model, inputs, refs, weights=None, extra_args=()):
        self.model = model
        self.extra_args = list(extra_args)  # more `dlc run` options
        self.inputs = inputs      # {name: ndarray}, fed with --input
        self.weights = weights    # {name: ndarray} or None, via --weights
        self.refs = refs          # {output: (ref float64, dtype, extra_atol)}


GROUPS = {}  # group -> {case name: builder(rng, name) -> Case}


def case(group, name):
    def register(fn):
        GROUPS.setdefault(group, {})[name] = fn
        return fn
    return register


def rnd(rng, shape, dtype=F32, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(dtype)


def wide(rng, dtype=F32):
    """Values over a wide range: big magnitudes, ±80, tiny, exact 0, random."""
    special = [-1000.0, -200.0, -100.0, -88.0, -80.0, -40.0, -20.0, -10.0,
               -5.0, -3.0, -1.0, -0.5, -1e-3, -1e-5, -1e-7, 0.0, 1e-7, 1e-5,
               1e-3, 0.5, 1.0, 3.0, 5.0, 10.0, 20.0, 40.0, 80.0, 88.0, 100.0,
               200.0, 1000.0]
    lin = np.linspace(-30.0, 30.0, 97)
    r = rng.standard_normal(64) * 4.0
    v = np.concatenate([special, lin, r])  # 192 values
    return v.astype(dtype).reshape(8, 24)


# ---------------------------------------------------------------- unary ops


def unary(name, op, x, ref, attrs=None):
    m = T.single_op_model(name, op, [("x", x)], attrs)
    return Case(m, {"x": x}, {"y": (ref, x.dtype, 0.0)})


def add_unary(group, name, op, make_x, ref_fn, attrs=None):
    @case(group, name)
    def build(rng, cname):
        x = make_x(rng)
        return unary(cname, op, x, ref_fn(x, **(attrs or {})), attrs)


add_unary("relu", "relu_f32", "Relu", lambda r: wide(r), T.ref_relu)
add_unary("relu", "relu_f32_rank3", "Relu", lambda r: rnd(r, [2, 3, 5]), T.ref_relu)
add_unary("relu", "relu_f64", "Relu", lambda r: wide(r, F64), T.ref_relu)

add_unary("leakyrelu", "leakyrelu_default_alpha", "LeakyRelu", wide, T.ref_leakyrelu)
add_unary("leakyrelu", "leakyrelu_alpha_0.2", "LeakyRelu", wide,
          T.ref_leakyrelu, {"alpha": 0.2})
add_unary("leakyrelu", "leakyrelu_alpha_1.5", "LeakyRelu",
          lambda r: rnd(r, [3, 7]), T.ref_leakyrelu, {"alpha": 1.5})
add_unary("leakyrelu", "leakyrelu_f64_alpha_0.3", "LeakyRelu",
          lambda r: wide(r, F64), T.ref_leakyrelu, {"alpha": 0.3})

add_unary("elu", "elu_default_alpha", "Elu", wide, T.ref_elu)
add_unary("elu", "elu_alpha_0.5", "Elu", wide, T.ref_elu, {"alpha": 0.5})
add_unary("elu", "elu_alpha_2.5_rank3", "Elu", lambda r: rnd(r, [2, 3, 4], scale=3),
          T.ref_elu, {"alpha": 2.5})
add_unary("elu", "elu_f64", "Elu", lambda r: wide(r, F64), T.ref_elu, {"alpha": 1.3})

add_unary("sigmoid", "sigmoid_f32_wide", "Sigmoid", wide, T.ref_sigmoid)
add_unary("sigmoid", "sigmoid_f32_rank3", "Sigmoid", lambda r: rnd(r, [3, 4, 5], scale=5),
          T.ref_sigmoid)
add_unary("sigmoid", "sigmoid_f64_wide", "Sigmoid", lambda r: wide(r, F64), T.ref_sigmoid)

add_unary("tanh", "tanh_f32_wide", "Tanh", wide, T.ref_tanh)
add_unary("tanh", "tanh_f32_small", "Tanh",
          lambda r: (r.standard_normal([4, 16]) * 1e-3).astype(F32), T.ref_tanh)
add_unary("tanh", "tanh_f64_wide", "Tanh", lambda r: wide(r, F64), T.ref_tanh)

add_unary("gelu", "gelu_none_default", "Gelu", wide, T.ref_gelu)
add_unary("gelu", "gelu_none_explicit", "Gelu", lambda r: rnd(r, [3, 9], scale=3),
          T.ref_gelu, {"approximate": "none"})
add_unary("gelu", "gelu_tanh", "Gelu", wide, T.ref_gelu, {"approximate": "tanh"})
add_unary("gelu", "gelu_f64_none", "Gelu", lambda r: wide(r, F64), T.ref_gelu)
add_unary("gelu", "gelu_f64_tanh", "Gelu", lambda r: wide(r, F64), T.ref_gelu,
          {"approximate": "tanh"})

add_unary("identity", "identity_f32", "Identity", lambda r: rnd(r, [3, 4]), T.ref_identity)
add_unary("identity", "identity_f64_rank3", "Identity",
          lambda r: rnd(r, [2, 3, 4], F64), T.ref_identity)
add_unary("identity", "identity_rank0", "Identity", lambda r: rnd(r, []), T.ref_identity)


# ------------------------------------------------------- softmax/logsoftmax

def add_softmax(group, op, ref_fn):
    lo = op.lower()
    specs = [
        ("default_axis", [3, 4, 5], None, F32, 1.0),
        ("axis0", [3, 4, 5], 0, F32, 1.0),
        ("axis1", [3, 4, 5], 1, F32, 1.0),
        ("axis-1", [3, 4, 5], -1, F32, 1.0),
        ("axis2", [3, 4, 5], 2, F32, 1.0),
        ("axis-3", [3, 4, 5], -3, F32, 1.0),
        ("2d", [4, 10], None, F32, 3.0),
        ("f64_axis1", [3, 4, 5], 1, F64, 2.0),
        ("f64_default", [4, 10], None, F64, 2.0),
    ]
    for suffix, shape, axis, dt, scale in specs:
        attrs = None if axis is None else {"axis": axis}
        add_unary(group, "%s_%s" % (lo, suffix), op,
                  (lambda shape, dt, scale: lambda r: rnd(r, shape, dt, scale))(
                      shape, dt, scale), ref_fn, attrs)

    def large(dt):
        def make(r):
            # ±80 and friends: exp(80) overflows f32, so only a max-shifted
            # implementation gets these right.
            x = r.choice([-80.0, -79.5, -40.0, 0.0, 40.0, 79.0, 80.0], size=[3, 4, 6])
            return (x + r.standard_normal(x.shape) * 0.1).astype(dt)
        return make
    for axis in (0, 1, -1):
        add_unary(group, "%s_large_axis%d" % (lo, axis), op, large(F32), ref_fn,
                  {"axis": axis})
    add_unary(group, "%s_f64_large" % lo, op, large(F64), ref_fn, {"axis": -1})

    def huge64(r):
        # exp(710) overflows f64.
        x = r.choice([-1000.0, -710.0, 0.0, 700.0, 709.0, 710.0, 1000.0], size=[4, 7])
        return (x + r.standard_normal(x.shape)).astype(F64)
    add_unary(group, "%s_f64_huge_axis0" % lo, op, huge64, ref_fn, {"axis": 0})
    # All-equal huge values in a row.
    add_unary(group, "%s_constant_rows_1000" % lo, op,
              lambda r: np.full([2, 5], 1000.0, F32), ref_fn)


add_softmax("softmax", "Softmax", T.ref_softmax)
add_softmax("logsoftmax", "LogSoftmax", T.ref_logsoftmax)


# ------------------------------------------------------------------ shape ops

for _axis in (None, 0, 1, 2, 3, 4, -1, -3):
    add_unary("flatten", "flatten_axis_%s" % ("default" if _axis is None else _axis),
              "Flatten", lambda r: rnd(r, [2, 3, 4, 5]), T.ref_flatten,
              None if _axis is None else {"axis": _axis})
add_unary("flatten", "flatten_f64_axis2_rank3", "Flatten",
          lambda r: rnd(r, [3, 2, 4], F64), T.ref_flatten, {"axis": 2})

for _i, (_src, _shape) in enumerate([
        ([2, 3, 4], [0, -1]),
        ([2, 3, 4], [-1]),
        ([2, 3, 4], [4, 0, 2]),
        ([2, 3, 4], [0, 0, -1]),
        ([2, 3, 4], [2, -1, 2, 1]),
        ([2, 3, 4], [6, 4]),
        ([6, 4], [2, 3, 4]),
        ([2, 3, 4], [-1, 0, 1]),
        ([2, 1, 3], [3, 2])]):
    add_unary("reshape", "reshape_%s_to_%s" % ("x".join(map(str, _src)),
                                               "_".join(map(str, _shape))),
              "Reshape", (lambda s: lambda r: rnd(r, s))(_src),
              T.ref_reshape, {"shape": _shape})
add_unary("reshape", "reshape_f64_0_-1", "Reshape", lambda r: rnd(r, [3, 2, 2], F64),
          T.ref_reshape, {"shape": [0, -1]})

for _src, _perm in [([2, 3, 4], None), ([3, 5], None), ([2, 3, 4], [1, 0, 2]),
                    ([2, 3, 4], [0, 2, 1]), ([2, 3, 4], [2, 0, 1]),
                    ([2, 3, 4, 5], [3, 1, 0, 2]), ([2, 3, 4, 5], None),
                    ([3, 5], [0, 1])]:
    add_unary("transpose", "transpose_%s_perm_%s" % (
        "x".join(map(str, _src)), "default" if _perm is None else "".join(map(str, _perm))),
        "Transpose", (lambda s: lambda r: rnd(r, s))(_src), T.ref_transpose,
        None if _perm is None else {"perm": _perm})
add_unary("transpose", "transpose_f64_perm_120", "Transpose",
          lambda r: rnd(r, [2, 3, 4], F64), T.ref_transpose, {"perm": [1, 2, 0]})


# ------------------------------------------------------------- binary ops

BINARY_SHAPES = [
    ("same", [3, 4], [3, 4]),
    ("4x3_3", [4, 3], [3]),
    ("3_4x3", [3], [4, 3]),
    ("4x1_1x5", [4, 1], [1, 5]),
    ("2x1x3_4x1", [2, 1, 3], [4, 1]),
    ("scalar_3x4", [], [3, 4]),
    ("3x4_scalar", [3, 4], []),
    ("scalar_scalar", [], []),
    ("1_2x3", [1], [2, 3]),
    ("rank4", [2, 1, 4, 1], [3, 1, 5]),
    ("rank4_same", [2, 3, 4, 5], [2, 3, 4, 5]),
]


def add_binary(op, ref_fn):
    lo = op.lower()

    def operand(r, shape, dt, divisor):
        if divisor:  # |b| in [0.5, 2], either sign
            mag = r.uniform(0.5, 2.0, shape)
            return (mag * r.choice([-1.0, 1.0], size=shape)).astype(dt)
        return rnd(r, shape, dt)

    def make(sa, sb, dt, same=False):
        def build(rng, cname):
            a = operand(rng, sa, dt, False)
            b = a if same else operand(rng, sb, dt, op == "Div")
            inputs = [("a", a)] if same else [("a", a), ("b", b)]
            m = T.single_op_model(cname, op, inputs,
                                  op_inputs=["a", "a"] if same else ["a", "b"])
            feed = dict(inputs)
            return Case(m, feed, {"y": (ref_fn(a, b), dt, 0.0)})
        return build

    for suffix, sa, sb in BINARY_SHAPES:
        case(lo, "%s_%s" % (lo, suffix))(make(sa, sb, F32))
    case(lo, "%s_f64_4x3_3" % lo)(make([4, 3], [3], F64))
    case(lo, "%s_f64_rank4" % lo)(make([2, 1, 4, 1], [3, 1, 5], F64))
    case(lo, "%s_same_operand_twice" % lo)(make([3, 5], [3, 5], F32, same=True))

    # One operand a parameter loaded from the weights file.
    @case(lo, "%s_param_operand" % lo)
    def build(rng, cname):
        a = operand(rng, [4, 3], F32, False)
        w = operand(rng, [3], F32, op == "Div")
        m = T.single_op_model(cname, op, [("a", a)], params=[("w", w)],
                              op_inputs=["a", "w"])
        return Case(m, {"a": a}, {"y": (ref_fn(a, w), F32, 0.0)}, weights={"w": w})


add_binary("Add", T.ref_add)
add_binary("Sub", T.ref_sub)
add_binary("Mul", T.ref_mul)
add_binary("Div", T.ref_div)


# ------------------------------------------------------------------ MatMul

def add_matmul(name, sa, sb, dt=F32, extra_args=()):
    @case("matmul", name)
    def build(rng, cname):
        a, b = rnd(rng, sa, dt), rnd(rng, sb, dt)
        m = T.single_op_model(cname, "MatMul", [("a", a), ("b", b)])
        return Case(m, {"a": a, "b": b},
                    {"y": (T.ref_matmul(a, b), dt, T.contraction_atol(a, b, dt))},
                    extra_args=extra_args)


add_matmul("matmul_2d", [3, 4], [4, 5])
add_matmul("matmul_3d_batched", [2, 3, 4], [2, 4, 5])
add_matmul("matmul_3d_x_2d", [2, 3, 4], [4, 5])
add_matmul("matmul_2d_x_3d", [3, 4], [2, 4, 5])
add_matmul("matmul_4d_bcast_2x1x3x4_5x4x6", [2, 1, 3, 4], [5, 4, 6])
add_matmul("matmul_1d_x_2d", [4], [4, 5])
add_matmul("matmul_2d_x_1d", [3, 4], [4])
add_matmul("matmul_1d_x_1d", [7], [7])
add_matmul("matmul_1d_x_3d", [4], [2, 4, 5])
add_matmul("matmul_3d_x_1d", [2, 3, 4], [4])
add_matmul("matmul_large_odd", [33, 65], [65, 47])
add_matmul("matmul_f64_3d", [2, 3, 4], [2, 4, 5], F64)
add_matmul("matmul_f64_4d_bcast", [2, 1, 3, 4], [5, 4, 6], F64)
# Through dlc-lower-contractions' kernel (docs/design.md): bottom and right
# edges of the register tile (M % 6, N % 64, N % 16 != 0), several k blocks
# (K > 384), b packed (K*N*4 > 1 MiB) and streamed, batch broadcasting.
add_matmul("kernel_edges", [37, 70], [70, 83])
add_matmul("kernel_k_blocks", [13, 1000], [1000, 40])
add_matmul("kernel_packed_b", [50, 700], [700, 450])
add_matmul("kernel_batch_bcast", [3, 1, 20, 30], [4, 30, 33])
add_matmul("kernel_f64_packed_b", [61, 520], [520, 300], F64)
# The same kernel tiled for AVX2 (6x16) and SSE (4x8) registers, and at
# every optimization level.
for _cpu in ["haswell", "x86-64"]:
    add_matmul("kernel_packed_b_" + _cpu.replace("-", "_"), [50, 700], [700, 450],
               extra_args=["--mcpu=" + _cpu])
for _lvl in range(4):
    add_matmul("kernel_edges_O%d" % _lvl, [37, 70], [70, 83], extra_args=["-O%d" % _lvl])


# -------------------------------------------------------------------- Conv

def ref_conv(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1), group=1):
    """Straightforward float64 loop reference of ONNX Conv (NCHW, 2-D)."""
    x, w = np.asarray(x, F64), np.asarray(w, F64)
    n, c, h, wd = x.shape
    m, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])))
    oh = (h + pads[0] + pads[2] - dil[0] * (kh - 1) - 1) // strides[0] + 1
    ow = (wd + pads[1] + pads[3] - dil[1] * (kw - 1) - 1) // strides[1] + 1
    mg = m // group
    y = np.zeros((n, m, oh, ow))
    for o in range(m):
        g = o // mg
        for i in range(oh):
            for j in range(ow):
                win = xp[:, g * cg:(g + 1) * cg,
                         i * strides[0]:i * strides[0] + dil[0] * (kh - 1) + 1:dil[0],
                         j * strides[1]:j * strides[1] + dil[1] * (kw - 1) + 1:dil[1]]
                y[:, o, i, j] = np.sum(win * w[o], axis=(1, 2, 3))
    if b is not None:
        y += np.asarray(b, F64)[None, :, None, None]
    return y


def add_conv(name, xs, ws, bias=False, dt=F32, **attrs):
    @case("conv", name)
    def build(rng, cname):
        x, w = rnd(rng, xs, dt), rnd(rng, ws, dt)
        inputs = [("x", x), ("w", w)]
        feed = {"x": x, "w": w}
        b = None
        if bias:
            b = rnd(rng, [ws[0]], dt)
            inputs.append(("b", b))
            feed["b"] = b
        m = T.single_op_model(cname, "Conv", inputs, attrs=attrs or None)
        ref = ref_conv(x, w, b, attrs.get("strides", (1, 1)), attrs.get("pads", (0, 0, 0, 0)),
                       attrs.get("dilations", (1, 1)), attrs.get("group", 1))
        k = ws[1] * ws[2] * ws[3]
        absref = ref_conv(np.abs(x), np.abs(w), None if b is None else np.abs(b),
                          attrs.get("strides", (1, 1)), attrs.get("pads", (0, 0, 0, 0)),
                          attrs.get("dilations", (1, 1)), attrs.get("group", 1))
        atol = (k + 3) * T.UNIT_ROUNDOFF[np.dtype(dt)] * absref
        return Case(m, feed, {"y": (ref, dt, atol)})


add_conv("conv_basic", [2, 3, 7, 7], [4, 3, 3, 3])
add_conv("conv_bias", [2, 3, 6, 5], [4, 3, 3, 2], bias=True)
add_conv("conv_pads", [1, 2, 5, 5], [3, 2, 3, 3], bias=True, pads=[1, 2, 0, 1])
add_conv("conv_strides", [2, 2, 9, 8], [3, 2, 3, 3], strides=[2, 3], pads=[1, 1, 1, 1])
add_conv("conv_dilations", [1, 2, 9, 9], [2, 2, 3, 2], dilations=[2, 3], pads=[2, 0, 1, 3])
add_conv("conv_group2", [2, 4, 6, 6], [6, 2, 3, 3], bias=True, group=2, pads=[1, 1, 1, 1])
add_conv("conv_depthwise", [1, 3, 5, 5], [3, 1, 3, 3], group=3, strides=[2, 2])
add_conv("conv_kernel_shape_1x1", [2, 3, 4, 4], [5, 3, 1, 1], kernel_shape=[1, 1])
add_conv("conv_f64_all", [2, 4, 8, 7], [4, 2, 3, 2], bias=True, dt=F64, group=2,
         strides=[2, 1], pads=[1, 0, 2, 1], dilations=[1, 2])


# ----------------------------------------------------------------- MaxPool

def ref_maxpool(x, kernel, strides=(1, 1), pads=(0, 0, 0, 0)):
    """Loop reference of ONNX MaxPool (NCHW, 2-D, padding with -inf)."""
    x = np.asarray(x, F64)
    xp = np.pad(x, ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3])),
                constant_values=-np.inf)
    oh = (xp.shape[2] - kernel[0]) // strides[0] + 1
    ow = (xp.shape[3] - kernel[1]) // strides[1] + 1
    y = np.empty(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            y[:, :, i, j] = xp[:, :, i * strides[0]:i * strides[0] + kernel[0],
                               j * strides[1]:j * strides[1] + kernel[1]].max(axis=(2, 3))
    return y


def add_maxpool(name, xs, dt=F32, **attrs):
    @case("maxpool", name)
    def build(rng, cname):
        x = rnd(rng, xs, dt)
        m = T.single_op_model(cname, "MaxPool", [("x", x)], attrs=attrs)
        ref = ref_maxpool(x, attrs["kernel_shape"], attrs.get("strides", (1, 1)),
                          attrs.get("pads", (0, 0, 0, 0)))
        return Case(m, {"x": x}, {"y": (ref, dt, 0.0)})


add_maxpool("maxpool_2x2_s2", [2, 3, 8, 8], kernel_shape=[2, 2], strides=[2, 2])
add_maxpool("maxpool_3x3_s1", [1, 2, 6, 7], kernel_shape=[3, 3])
add_maxpool("maxpool_pads", [2, 2, 5, 6], kernel_shape=[3, 2], strides=[2, 2], pads=[1, 0, 1, 1])
add_maxpool("maxpool_odd_f64", [1, 3, 9, 7], dt=F64, kernel_shape=[3, 3], strides=[2, 3],
            pads=[2, 1, 0, 2])


# ------------------------------------------- GlobalAveragePool, GlobalMaxPool

def add_global_pool(group, op, ref_fn, xs, dt=F32):
    @case(group, "%s_%s_%s" % (group, "x".join(map(str, xs)), np.dtype(dt).name))
    def build(rng, cname):
        x = rnd(rng, xs, dt)
        m = T.single_op_model(cname, op, [("x", x)])
        ref = ref_fn(np.asarray(x, F64))
        atol = (xs[2] * xs[3] + 2) * T.UNIT_ROUNDOFF[np.dtype(dt)] * np.abs(x).astype(F64).mean(
            axis=(2, 3), keepdims=True) if op == "GlobalAveragePool" else 0.0
        return Case(m, {"x": x}, {"y": (ref, dt, atol)})


for _xs, _dt in (([2, 3, 5, 4], F32), ([1, 4, 7, 7], F64), ([3, 2, 1, 1], F32)):
    add_global_pool("globalaveragepool", "GlobalAveragePool",
                    lambda x: x.mean(axis=(2, 3), keepdims=True), _xs, _dt)
    add_global_pool("globalmaxpool", "GlobalMaxPool",
                    lambda x: x.max(axis=(2, 3), keepdims=True), _xs, _dt)


# ------------------------------------------------------------- AveragePool

def ref_avgpool(x, kernel, strides=(1, 1), pads=(0, 0, 0, 0), include_pad=0):
    """Loop reference of ONNX AveragePool (NCHW, 2-D)."""
    x = np.asarray(x, F64)
    pw = ((0, 0), (0, 0), (pads[0], pads[2]), (pads[1], pads[3]))
    xp, ones = np.pad(x, pw), np.pad(np.ones_like(x), pw)
    oh = (xp.shape[2] - kernel[0]) // strides[0] + 1
    ow = (xp.shape[3] - kernel[1]) // strides[1] + 1
    y = np.empty(x.shape[:2] + (oh, ow))
    for i in range(oh):
        for j in range(ow):
            sl = (slice(None), slice(None), slice(i * strides[0], i * strides[0] + kernel[0]),
                  slice(j * strides[1], j * strides[1] + kernel[1]))
            cnt = kernel[0] * kernel[1] if include_pad else ones[sl].sum(axis=(2, 3))
            y[:, :, i, j] = xp[sl].sum(axis=(2, 3)) / cnt
    return y


def add_avgpool(name, xs, dt=F32, **attrs):
    @case("averagepool", name)
    def build(rng, cname):
        x = rnd(rng, xs, dt)
        m = T.single_op_model(cname, "AveragePool", [("x", x)], attrs=attrs)
        ref = ref_avgpool(x, attrs["kernel_shape"], attrs.get("strides", (1, 1)),
                          attrs.get("pads", (0, 0, 0, 0)), attrs.get("count_include_pad", 0))
        k = attrs["kernel_shape"][0] * attrs["kernel_shape"][1]
        atol = (k + 3) * T.UNIT_ROUNDOFF[np.dtype(dt)] * ref_avgpool(
            np.abs(x), attrs["kernel_shape"], attrs.get("strides", (1, 1)),
            attrs.get("pads", (0, 0, 0, 0)), attrs.get("count_include_pad", 0))
        return Case(m, {"x": x}, {"y": (ref, dt, atol)})


add_avgpool("averagepool_2x2_s2", [2, 3, 8, 8], kernel_shape=[2, 2], strides=[2, 2])
add_avgpool("averagepool_3x3_s1", [1, 2, 6, 7], kernel_shape=[3, 3])
add_avgpool("averagepool_pads_exclude", [2, 2, 5, 6], kernel_shape=[3, 2], strides=[2, 2],
            pads=[1, 0, 1, 1])
add_avgpool("averagepool_pads_include", [2, 2, 5, 6], kernel_shape=[3, 2], strides=[2, 2],
            pads=[1, 0, 1, 1], count_include_pad=1)
add_avgpool("averagepool_f64", [1, 3, 9, 7], dt=F64, kernel_shape=[3, 3], strides=[2, 3],
            pads=[2, 1, 0, 2])


# ----------------------------------------------------------- ConvTranspose

def ref_conv_transpose(x, w, b=None, strides=(1, 1), pads=(0, 0, 0, 0), dil=(1, 1),
                       group=1, out_pad=(0, 0)):
    """Scatter loop reference of ONNX ConvTranspose (NCHW, 2-D)."""
    x, w = np.asarray(x, F64), np.asarray(w, F64)
    n, c, h, wd = x.shape
    _, mg, kh, kw = w.shape
    cg = c // group
    full = [strides[i] * (x.shape[2 + i] - 1) + out_pad[i] + dil[i] * (w.shape[2 + i] - 1) + 1
            for i in range(2)]
    y = np.zeros((n, mg * group, full[0], full[1]))
    for ci in range(c):
        g = ci // cg
        for i in range(h):
            for j in range(wd):
                for a in range(kh):
                    for bb in range(kw):
                        y[:, g * mg:(g + 1) * mg, i * strides[0] + a * dil[0],
                          j * strides[1] + bb * dil[1]] += x[:, ci, i, j][:, None] * w[ci, :, a, bb]
    y = y[:, :, pads[0]:full[0] - pads[2], pads[1]:full[1] - pads[3]]
    if b is not None:
        y = y + np.asarray(b, F64)[None, :, None, None]
    return y


def add_conv_transpose(name, xs, ws, bias=False, dt=F32, **attrs):
    @case("convtranspose", name)
    def build(rng, cname):
        x, w = rnd(rng, xs, dt), rnd(rng, ws, dt)
        inputs, feed = [("x", x), ("w", w)], {"x": x, "w": w}
        b = None
        if bias:
            b = rnd(rng, [ws[1] * attrs.get("group", 1)], dt)
            inputs.append(("b", b))
            feed["b"] = b
        m = T.single_op_model(cname, "ConvTranspose", inputs, attrs=attrs or None)
        args = (attrs.get("strides", (1, 1)), attrs.get("pads", (0, 0, 0, 0)),
                attrs.get("dilations", (1, 1)), attrs.get("group", 1),
                attrs.get("output_padding", (0, 0)))
        ref = ref_conv_transpose(x, w, b, *args)
        absref = ref_conv_transpose(np.abs(x), np.abs(w), None if b is None else np.abs(b), *args)
        atol = (xs[1] * ws[2] * ws[3] + 3) * T.UNIT_ROUNDOFF[np.dtype(dt)] * absref
        return Case(m, feed, {"y": (ref, dt, atol)})


add_conv_transpose("convtranspose_basic", [2, 3, 4, 4], [3, 2, 3, 3])
add_conv_transpose("convtranspose_strides_bias", [1, 2, 4, 3], [2, 3, 3, 2], bias=True,
                   strides=[2, 3], pads=[1, 0, 1, 1])
add_conv_transpose("convtranspose_all", [2, 4, 3, 4], [4, 1, 2, 3], bias=True, dt=F64, group=2,
                   strides=[2, 2], pads=[0, 1, 1, 0], dilations=[2, 1], output_padding=[1, 1])


# -------------------------------------------------------------------- Gemm

def add_gemm(name, M, K, N, c_shape=None, alpha=None, beta=None, transA=0,
             transB=0, dt=F32, b_param=False, extra_args=()):
    @case("gemm", name)
    def build(rng, cname):
        a = rnd(rng, [K, M] if transA else [M, K], dt)
        b = rnd(rng, [N, K] if transB else [K, N], dt)
        c = None if c_shape is None else rnd(rng, c_shape, dt)
        attrs = {}
        if alpha is not None:
            attrs["alpha"] = alpha
        if beta is not None:
            attrs["beta"] = beta
        if transA:
            attrs["transA"] = 1
        if transB:
            attrs["transB"] = 1
        inputs = [("a", a)] + ([] if b_param else [("b", b)]) + \
                 ([] if c is None else [("c", c)])
        params = [("b", b)] if b_param else []
        m = T.single_op_model(cname, "Gemm", inputs, attrs or None, params=params,
                              op_inputs=["a", "b"] + ([] if c is None else ["c"]))
        ref = T.ref_gemm(a, b, c, 1.0 if alpha is None else alpha,
                         1.0 if beta is None else beta, transA, transB)
        at = a.T if transA else a
        bt = b.T if transB else b
        tol = abs(1.0 if alpha is None else alpha) * T.contraction_atol(at, bt, dt)
        if c is not None:
            tol = tol + T.UNIT_ROUNDOFF[np.dtype(dt)] * 2 * np.abs(
                (1.0 if beta is None else beta) * np.asarray(c, np.float64))
        feed = {n: v for n, v in inputs}
        return Case(m, feed, {"y": (ref, dt, tol)},
                    weights={"b": b} if b_param else None, extra_args=extra_args)


add_gemm("gemm_basic_noC", 3, 4, 5)
add_gemm("gemm_C_N", 3, 4, 5, c_shape=[5])
add_gemm("gemm_transA", 3, 4, 5, c_shape=[5], transA=1)
add_gemm("gemm_transB_weights_file", 3, 4, 5, c_shape=[5], transB=1, b_param=True)
add_gemm("gemm_alpha_only", 3, 4, 5, alpha=2.5)
add_gemm("gemm_beta_only_C_MN", 3, 4, 5, c_shape=[3, 5], beta=0.25)
add_gemm("gemm_tAtB_alpha_beta_C_N", 3, 4, 5, c_shape=[5], alpha=0.5, beta=-2.0,
         transA=1, transB=1)
add_gemm("gemm_tAtB_alpha_beta_C_M1", 3, 4, 5, c_shape=[3, 1], alpha=-1.25, beta=3.0,
         transA=1, transB=1)
add_gemm("gemm_tAtB_alpha_beta_C_1N", 3, 4, 5, c_shape=[1, 5], alpha=0.75, beta=0.5,
         transA=1, transB=1)
add_gemm("gemm_tAtB_alpha_beta_C_MN", 3, 4, 5, c_shape=[3, 5], alpha=2.0, beta=-0.5,
         transA=1, transB=1)
add_gemm("gemm_tAtB_alpha_noC", 3, 4, 5, alpha=1.5, transA=1, transB=1)
add_gemm("gemm_C_1", 3, 4, 5, c_shape=[1], beta=2.0, transB=1)
add_gemm("gemm_C_scalar", 3, 4, 5, c_shape=[], beta=2.0)
add_gemm("gemm_large_odd_transB", 33, 65, 47, c_shape=[47], transB=1)
add_gemm("gemm_f64_tAtB_alpha_beta_C_N", 3, 4, 5, c_shape=[5], alpha=0.5, beta=-2.0,
         transA=1, transB=1, dt=F64)
add_gemm("gemm_f64_transB_C_MN", 6, 8, 7, c_shape=[6, 7], transB=1, dt=F64)
# The kernel with transposed operands: packed b read down its columns,
# a read across its columns, edges, several k blocks.
add_gemm("kernel_transB_k_blocks", 45, 600, 70, c_shape=[70], transB=1)
add_gemm("kernel_transA_edges", 61, 90, 130, transA=1)
add_gemm("kernel_tAtB", 20, 400, 35, c_shape=[20, 35], alpha=0.5, beta=2.0,
         transA=1, transB=1)
# x.W^T with 128 rows or more: W packed through 16 x 16 register transposes
# (AVX-512), with a scalar tail of k (300 = 18 * 16 + 12; 600 = k blocks of
# 256, 256, 88 = 5 * 16 + 8) and clamped columns past N.
add_gemm("kernel_transB_many_rows", 150, 300, 45, c_shape=[45], transB=1)
add_gemm("kernel_transB_many_rows_k_blocks", 140, 600, 70, transB=1)
add_gemm("kernel_transB_many_rows_haswell", 150, 300, 45, transB=1,
         extra_args=["--mcpu=haswell"])


# ----------------------------------------------- sizes (vector remainders)

add_unary("sizes", "sizes_gelu_1000", "Gelu", lambda r: rnd(r, [1000], scale=3), T.ref_gelu)
add_unary("sizes", "sizes_sigmoid_3x257", "Sigmoid", lambda r: rnd(r, [3, 257], scale=5),
          T.ref_sigmoid)
add_unary("sizes", "sizes_tanh_f64_131", "Tanh", lambda r: rnd(r, [131], F64, 3),
          T.ref_tanh)
add_unary("sizes", "sizes_softmax_7x129", "Softmax", lambda r: rnd(r, [7, 129], scale=4),
          T.ref_softmax)
add_unary("sizes", "sizes_logsoftmax_129x7_axis0", "LogSoftmax",
          lambda r: rnd(r, [129, 7], scale=4), T.ref_logsoftmax, {"axis": 0})
add_unary("sizes", "sizes_transpose_17x33x5", "Transpose",
          lambda r: rnd(r, [17, 33, 5]), T.ref_transpose, {"perm": [2, 0, 1]})


@case("sizes", "sizes_add_17x33_33")
def _add_17x33(rng, cname):
    a, b = rnd(rng, [17, 33]), rnd(rng, [33])
    m = T.single_op_model(cname, "Add", [("a", a), ("b", b)])
    return Case(m, {"a": a, "b": b}, {"y": (T.ref_add(a, b), F32, 0.0)})


@case("sizes", "sizes_mul_f64_9x1x31_5x1")
def _mul_odd(rng, cname):
    a, b = rnd(rng, [9, 1, 31], F64), rnd(rng, [5, 1], F64)
    m = T.single_op_model(cname, "Mul", [("a", a), ("b", b)])
    return Case(m, {"a": a, "b": b}, {"y": (T.ref_mul(a, b), F64, 0.0)})


# ------------------------------------------------------ multi-node graphs

def graph_model(name, inputs, nodes, outputs, params=(), dims=None):
    m = {"version": 1, "name": name,
         "inputs": [{"name": n, "dtype": T.dtype_name(a.dtype), "shape": list(a.shape)}
                    for n, a in inputs],
         "nodes": [dict(n) for n in nodes], "outputs": list(outputs)}
    if params:
        m["parameters"] = [{"name": n, "dtype": T.dtype_name(a.dtype),
                            "shape": list(a.shape)} for n, a in params]
    if dims:
        m["dims"] = dims
    return m


def node(op, ins, out, **attrs):
    n = {"op": op, "inputs": list(ins), "outputs": [out]}
    if attrs:
        n["attrs"] = attrs
    return n


@case("graph", "graph_transpose_then_matmul")
def _g1(rng, cname):
    x, w = rnd(rng, [4, 3]), rnd(rng, [4, 5])
    m = graph_model(cname, [("x", x), ("w", w)],
                    [node("Transpose", ["x"], "xt"), node("MatMul", ["xt", "w"], "y")], ["y"])
    return Case(m, {"x": x, "w": w},
                {"y": (T.ref_matmul(x.T, w), F32, T.contraction_atol(x.T, w, F32))})


@case("graph", "graph_reshape_add_flatten")
def _g2(rng, cname):
    x, b = rnd(rng, [2, 3, 4]), rnd(rng, [4])
    m = graph_model(cname, [("x", x), ("b", b)],
                    [node("Reshape", ["x"], "r", shape=[-1, 0, 2, 2]),
                     node("Add", ["r", "b2"], "s"),
                     node("Reshape", ["b"], "b2", shape=[2, 2]),
                     node("Flatten", ["s"], "y", axis=2)], ["y"])
    ref = T.ref_flatten(T.ref_reshape(x, [-1, 0, 2, 2]) + T.f64(b).reshape(2, 2), 2)
    return Case(m, {"x": x, "b": b}, {"y": (ref, F32, 0.0)})


@case("graph", "graph_fanout_two_outputs_out_of_order")
def _g3(rng, cname):
    x = rnd(rng, [3, 5])
    # Nodes listed out of order; r is both an output and used twice.
    m = graph_model(cname, [("x", x)],
                    [node("Add", ["r", "sq"], "z"), node("Mul", ["r", "r"], "sq"),
                     node("Relu", ["x"], "r")], ["r", "z"])
    r = T.ref_relu(x)
    return Case(m, {"x": x}, {"r": (r, F32, 0.0), "z": (r + r * r, F32, 0.0)})


def conv_relu_case(cname, rng, keep_preactivation):
    """Conv with bias, then Relu: at inference the Relu and the bias run in
    the GEMM kernel's epilogue; with the pre-activation also an output (two
    readers) only the bias does."""
    x, w, b = rnd(rng, [2, 8, 12, 12]), rnd(rng, [16, 8, 3, 3]), rnd(rng, [16])
    outs = ["y", "c"] if keep_preactivation else ["y"]
    m = graph_model(cname, [("x", x), ("w", w), ("b", b)],
                    [node("Conv", ["x", "w", "b"], "c", pads=[1, 0, 1, 0]),
                     node("Relu", ["c"], "y")], outs)
    c = ref_conv(x, w, b, pads=(1, 0, 1, 0))
    atol = (72 + 3) * T.UNIT_ROUNDOFF[np.dtype(F32)] * ref_conv(
        np.abs(x), np.abs(w), np.abs(b), pads=(1, 0, 1, 0))
    refs = {"y": (np.maximum(c, 0.0), F32, atol)}
    if keep_preactivation:
        refs["c"] = (c, F32, atol)
    return Case(m, {"x": x, "w": w, "b": b}, refs)


@case("graph", "graph_conv_bias_relu")
def _g_conv_relu(rng, cname):
    return conv_relu_case(cname, rng, keep_preactivation=False)


@case("graph", "graph_conv_bias_relu_and_preactivation")
def _g_conv_relu_pre(rng, cname):
    return conv_relu_case(cname, rng, keep_preactivation=True)


def concat_slice_case(cname, rng, level):
    """Concat (inputs copied into slots of one buffer) and a strided Slice
    of it (a view), both outputs: the strided copies must work at every
    optimization level."""
    a, b = rnd(rng, [3, 5]), rnd(rng, [3, 20])
    m = graph_model(cname, [("a", a), ("b", b)],
                    [node("Concat", ["a", "b"], "y", axis=1),
                     node("Slice", ["y"], "z", starts=[1], ends=[24], axes=[1], steps=[2])],
                    ["y", "z"])
    y = np.concatenate([a, b], axis=1)
    return Case(m, {"a": a, "b": b}, {"y": (y, F32, 0.0), "z": (y[:, 1:24:2], F32, 0.0)},
                extra_args=["-O%d" % level])


for _level in (0, 3):
    @case("graph", "graph_concat_strided_slice_O%d" % _level)
    def _g_concat_slice(rng, cname, _level=_level):
        return concat_slice_case(cname, rng, _level)


@case("graph", "graph_transpose_softmax_transpose")
def _g4(rng, cname):
    x = rnd(rng, [2, 3, 4], scale=3)
    m = graph_model(cname, [("x", x)],
                    [node("Transpose", ["x"], "t", perm=[2, 0, 1]),
                     node("Softmax", ["t"], "s", axis=1),
                     node("Transpose", ["s"], "y", perm=[1, 2, 0])], ["y"])
    ref = np.transpose(T.ref_softmax(np.transpose(x, [2, 0, 1]), 1), [1, 2, 0])
    return Case(m, {"x": x}, {"y": (ref, F32, 0.0)})


@case("graph", "graph_gemm_x_xT_unused_input")
def _g5(rng, cname):
    x, unused = rnd(rng, [4, 6]), rnd(rng, [2])
    m = graph_model(cname, [("x", x), ("unused", unused)],
                    [node("Gemm", ["x", "x"], "g", transB=1, alpha=0.5),
                     node("Sigmoid", ["unused"], "dead"),
                     node("Tanh", ["g"], "y")], ["y"])
    g = 0.5 * T.ref_matmul(x, x.T)
    tol = 0.5 * T.contraction_atol(x, x.T, F32)
    return Case(m, {"x": x}, {"y": (T.ref_tanh(g), F32, tol)})


@case("graph", "graph_named_dim_default")
def _g6(rng, cname):
    x, w = rnd(rng, [3, 4]), rnd(rng, [5, 4])
    m = graph_model(cname, [("x", x)], [node("Gemm", ["x", "w"], "y", transB=1)], ["y"],
                    params=[("w", w)], dims={"batch": 3})
    m["inputs"][0]["shape"] = ["batch", 4]
    return Case(m, {"x": x}, {"y": (T.ref_gemm(x, w, transB=1), F32,
                                    T.contraction_atol(x, w.T, F32))}, weights={"w": w})


@case("graph", "graph_named_dim_override")
def _g7(rng, cname):
    x, w = rnd(rng, [7, 4]), rnd(rng, [5, 4])
    m = graph_model(cname, [("x", x)],
                    [node("Gemm", ["x", "w"], "g", transB=1),
                     node("LogSoftmax", ["g"], "y")], ["y"], params=[("w", w)],
                    dims={"batch": 3})
    m["inputs"][0]["shape"] = ["batch", 4]
    g = T.ref_gemm(x, w, transB=1)
    tol = 2 * T.contraction_atol(x, w.T, F32)
    return Case(m, {"x": x}, {"y": (T.ref_logsoftmax(g), F32, tol)}, weights={"w": w},
                extra_args=["--dim", "batch=7"])


def add_optlevel(level):
    @case("graph", "graph_opt_level_O%d" % level)
    def build(rng, cname):
        x, w = rnd(rng, [5, 8]), rnd(rng, [8, 6])
        m = graph_model(cname, [("x", x), ("w", w)],
                        [node("MatMul", ["x", "w"], "h"), node("Gelu", ["h"], "g"),
                         node("Softmax", ["g"], "y", axis=0)], ["y"])
        h = T.ref_matmul(x, w)
        # d softmax <= 2 p max|dh|, |gelu'| <= 1.13
        p = T.ref_softmax(T.ref_gelu(h), 0)
        tol = 2 * p * 1.13 * np.max(T.contraction_atol(x, w, F32))
        return Case(m, {"x": x, "w": w}, {"y": (p, F32, tol)},
                    extra_args=["-O%d" % level])


for _lvl in range(4):
    add_optlevel(_lvl)


# ------------------------------------------- shape, reduction and embedding ops


def multi_model(name, inputs, op, ins, outs, attrs=None, input_dtypes=None):
    """A one-node model with any number of outputs; input_dtypes overrides
    the dtype name of an input (integer indices)."""
    n = {"name": op.lower(), "op": op, "inputs": list(ins), "outputs": list(outs)}
    if attrs:
        n["attrs"] = attrs
    dts = input_dtypes or {}
    return {"version": 1, "name": name,
            "inputs": [{"name": k, "dtype": dts.get(k) or T.dtype_name(a.dtype),
                        "shape": list(a.shape)} for k, a in inputs],
            "nodes": [n], "outputs": list(outs)}


def add_concat(cname, shapes, axis, dt=F32):
    @case("concat", cname)
    def build(rng, name):
        xs = [("x%d" % i, rnd(rng, s, dt)) for i, s in enumerate(shapes)]
        m = multi_model(name, xs, "Concat", [k for k, _ in xs], ["y"], {"axis": axis})
        ref = np.concatenate([T.f64(a) for _, a in xs], axis=axis)
        return Case(m, dict(xs), {"y": (ref, dt, 0.0)})


add_concat("concat_axis0", [[2, 3], [4, 3]], 0)
add_concat("concat_axis1_three", [[2, 3], [2, 1], [2, 5]], 1)
add_concat("concat_axis_neg1_rank3", [[2, 3, 4], [2, 3, 2]], -1)
add_concat("concat_single", [[3, 4]], 0)
add_concat("concat_f64_axis1", [[2, 2, 3], [2, 4, 3]], 1, F64)


def add_split(cname, shape, axis, split, nout, dt=F32, num_outputs_attr=False):
    @case("split", cname)
    def build(rng, name):
        x = rnd(rng, shape, dt)
        attrs = {}
        if axis is not None:
            attrs["axis"] = axis
        if split is not None:
            attrs["split"] = split
        if num_outputs_attr:
            attrs["num_outputs"] = nout
        outs = ["y%d" % i for i in range(nout)]
        m = multi_model(name, [("x", x)], "Split", ["x"], outs, attrs)
        ax = 0 if axis is None else axis
        d = x.shape[ax]
        sizes = split or [min(-(-d // nout), d - -(-d // nout) * i) for i in range(nout)]
        bounds = np.cumsum(sizes)[:-1]
        parts = np.split(T.f64(x), bounds, axis=ax)
        return Case(m, {"x": x}, {o: (p, dt, 0.0) for o, p in zip(outs, parts)})


add_split("split_equal_default_axis", [6, 3], None, None, 3)
add_split("split_sizes_axis1", [2, 7, 2], 1, [2, 4, 1], 3)
add_split("split_uneven_num_outputs", [2, 7], -1, None, 3, num_outputs_attr=True)
add_split("split_f64_two", [4, 2], 0, [1, 3], 2, F64)


def add_slice(cname, shape, starts, ends, axes=None, steps=None, dt=F32):
    @case("slice", cname)
    def build(rng, name):
        x = rnd(rng, shape, dt)
        attrs = {"starts": starts, "ends": ends}
        if axes is not None:
            attrs["axes"] = axes
        if steps is not None:
            attrs["steps"] = steps
        idx = [slice(None)] * x.ndim
        for i, (s, e) in enumerate(zip(starts, ends)):
            a = axes[i] if axes is not None else i
            k = steps[i] if steps is not None else 1
            # numpy's clamping differs for huge negative ends with negative
            # steps: None means "through index 0".
            if k < 0 and e < -x.shape[a]:
                e = None
            idx[a] = slice(s, e, k)
        ref = T.f64(x)[tuple(idx)]
        return Case(unary(name, "Slice", x, ref, attrs).model, {"x": x}, {"y": (ref, dt, 0.0)})


add_slice("slice_basic", [5, 6], [1, 2], [4, 5])
add_slice("slice_axes_negative_bounds", [4, 8], [1], [-1], axes=[1])
add_slice("slice_steps2", [7, 9], [0, 1], [7, 9], steps=[2, 3])
add_slice("slice_negative_step", [5, 6], [-1], [-100], axes=[1], steps=[-1])
add_slice("slice_negative_step2_axis0", [7, 3], [5], [0], axes=[0], steps=[-2])
add_slice("slice_clamped_ends", [4, 5], [-10, 2], [100, 1000], axes=[0, -1])
add_slice("slice_rank3_mixed", [3, 4, 5], [2, 0], [-4, 5], axes=[2, 0], steps=[-1, 2])
add_slice("slice_f64", [6], [1], [5], steps=[3], dt=F64)


def add_squeeze(cname, shape, axes, op="Squeeze", dt=F32):
    attrs = None if axes is None else {"axes": axes}

    def ref(x, **_):
        if op == "Squeeze":
            return T.f64(x).squeeze() if axes is None else T.f64(x).squeeze(tuple(axes))
        y = T.f64(x)
        out_rank = x.ndim + len(axes)
        for a in sorted(a + out_rank if a < 0 else a for a in axes):
            y = np.expand_dims(y, a)
        return y

    add_unary(op.lower(), cname, op, lambda r: rnd(r, shape, dt), ref, attrs)


add_squeeze("squeeze_all", [1, 3, 1, 4], None)
add_squeeze("squeeze_axes", [1, 3, 1, 4], [2])
add_squeeze("squeeze_negative_axes", [2, 1, 3, 1], [-1, 1])
add_squeeze("squeeze_f64_to_scalar", [1, 1], None, dt=F64)
add_squeeze("unsqueeze_front_back", [3, 4], [0, 3], op="Unsqueeze")
add_squeeze("unsqueeze_negative", [3, 4], [-1], op="Unsqueeze")
add_squeeze("unsqueeze_middle_two", [2, 3], [1, 2], op="Unsqueeze")
add_squeeze("unsqueeze_f64_scalar", [], [0], op="Unsqueeze", dt=F64)


def add_reduce(op, fn, cname, shape, axes, keepdims, dt=F32):
    attrs = {}
    if axes is not None:
        attrs["axes"] = axes
    if keepdims is not None:
        attrs["keepdims"] = keepdims

    def ref(x, **_):
        ax = None if not axes else tuple(axes)
        return fn(T.f64(x), axis=ax, keepdims=keepdims != 0)

    add_unary(op.lower(), cname, op, lambda r: rnd(r, shape, dt), ref, attrs or None)


for _op, _fn in (("ReduceMean", np.mean), ("ReduceMax", np.max), ("ReduceSum", np.sum)):
    _p = _op.lower()
    add_reduce(_op, _fn, _p + "_all_keep", [3, 4], None, None)
    add_reduce(_op, _fn, _p + "_axis1", [3, 4, 5], [1], 0)
    add_reduce(_op, _fn, _p + "_axes_neg_keep", [3, 4, 5], [0, -1], 1)
    add_reduce(_op, _fn, _p + "_all_nokeep", [2, 3], None, 0)
    add_reduce(_op, _fn, _p + "_f64_axis0", [5, 2], [0], 0, F64)


def add_gather(cname, data_shape, idx, idt="i64", dt=F32):
    @case("gather", cname)
    def build(rng, name):
        data = rnd(rng, data_shape, dt)
        ind = np.array(idx, dtype=np.int64 if idt == "i64" else np.int32)
        m = multi_model(name, [("data", data), ("idx", ind)], "Gather", ["data", "idx"],
                        ["y"], None, {"idx": idt})
        # Negative indices count from the end; what is still out of range
        # is clamped to the nearest row (docs/ops.md).
        n = data.shape[0]
        wrapped = np.where(ind < 0, ind.astype(np.int64) + n, ind.astype(np.int64))
        ref = np.take(T.f64(data), np.clip(wrapped, 0, n - 1), axis=0)
        return Case(m, {"data": data, "idx": ind}, {"y": (ref, dt, 0.0)})


add_gather("gather_embedding_2d_idx", [10, 4], [[1, 3, 3], [0, 9, 2]])
add_gather("gather_negative_idx", [6, 3], [-1, 0, -6])
add_gather("gather_i32_1d_data", [7], [[6, 2], [2, 0]], idt="i32")
add_gather("gather_scalar_idx_rank3", [5, 2, 3], 4)
add_gather("gather_f64", [4, 2], [3, 3, 1], dt=F64)
add_gather("gather_out_of_range_clamped", [6, 3], [6, 100, -7, -100, 2])


# ------------------------------------------------------------------ driver


# ------------------------------------------ elementwise math (DlcMathOps.td)
# Unary math and activations, Pow/Max/Min, comparisons (through Where, as the
# harness feeds and reads float tensors), Where, Cast (float round trips and
# casts through integer and bool types back to float), Clip.

def _pos(lo, hi, dt=F32):
    return lambda r, shape=(6, 7): r.uniform(lo, hi, shape).astype(dt)


def _no_zero(r, dt=F32):
    x = wide(r, dt)
    return np.where(x == 0, dt(0.25), x).astype(dt)


def ref_selu(x, alpha=1.67326319217681884765625, gamma=1.05070102214813232421875):
    x = T.f64(x)
    return gamma * np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0)))


def ref_hardsigmoid(x, alpha=0.2, beta=0.5):
    return np.clip(alpha * T.f64(x) + beta, 0.0, 1.0)


def ref_softplus(x):
    x = T.f64(x)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def ref_clip(x, min=None, max=None):
    x = T.f64(x)
    if min is not None:
        x = np.maximum(x, min)
    if max is not None:
        x = np.minimum(x, max)
    return x


def _exp_range(r, dt=F32):
    return np.clip(wide(r, dt), -80.0, 80.0).astype(dt)


for _dt, _sfx in ((F32, ""), (F64, "_f64")):
    add_unary("neg", "neg" + _sfx, "Neg", lambda r, d=_dt: wide(r, d), lambda x: -T.f64(x))
    add_unary("abs", "abs" + _sfx, "Abs", lambda r, d=_dt: wide(r, d), lambda x: np.abs(T.f64(x)))
    add_unary("exp", "exp" + _sfx, "Exp", lambda r, d=_dt: _exp_range(r, d),
              lambda x: np.exp(T.f64(x)))
    add_unary("log", "log" + _sfx, "Log", lambda r, d=_dt: _pos(1e-6, 1e6, d)(r),
              lambda x: np.log(T.f64(x)))
    add_unary("sqrt", "sqrt" + _sfx, "Sqrt", lambda r, d=_dt: _pos(0.0, 1e4, d)(r),
              lambda x: np.sqrt(T.f64(x)))
    add_unary("reciprocal", "reciprocal" + _sfx, "Reciprocal",
              lambda r, d=_dt: _no_zero(r, d), lambda x: 1.0 / T.f64(x))
    add_unary("selu", "selu" + _sfx, "Selu", lambda r, d=_dt: wide(r, d), ref_selu)
    add_unary("hardsigmoid", "hardsigmoid" + _sfx, "HardSigmoid",
              lambda r, d=_dt: wide(r, d), ref_hardsigmoid)
    add_unary("softplus", "softplus" + _sfx, "Softplus", lambda r, d=_dt: wide(r, d),
              ref_softplus)
    add_unary("clip", "clip_both" + _sfx, "Clip", lambda r, d=_dt: wide(r, d), ref_clip,
              {"min": -1.5, "max": 6.0})
add_unary("selu", "selu_attrs", "Selu", wide, ref_selu, {"alpha": 2.0, "gamma": 0.5})
add_unary("hardsigmoid", "hardsigmoid_attrs", "HardSigmoid", wide, ref_hardsigmoid,
          {"alpha": 0.5, "beta": 0.25})
add_unary("clip", "clip_min_only", "Clip", wide, ref_clip, {"min": 0.0})
add_unary("clip", "clip_max_only", "Clip", wide, ref_clip, {"max": -2.0})
add_unary("clip", "clip_none", "Clip", lambda r: rnd(r, [3, 4]), ref_clip)
add_unary("sizes", "sizes_softplus_3x257", "Softplus", lambda r: rnd(r, [3, 257], scale=20),
          ref_softplus)

add_binary("Max", lambda a, b: np.maximum(T.f64(a), T.f64(b)))
add_binary("Min", lambda a, b: np.minimum(T.f64(a), T.f64(b)))


def add_pow(name, make_a, make_b, dt=F32):
    @case("pow", name)
    def build(rng, cname):
        a, b = make_a(rng).astype(dt), make_b(rng).astype(dt)
        m = T.single_op_model(cname, "Pow", [("a", a), ("b", b)])
        ref = np.power(T.f64(a), T.f64(b))
        return Case(m, {"a": a, "b": b}, {"y": (ref, dt, 0.0)})


add_pow("pow_4x3_3", lambda r: r.uniform(0.1, 4.0, [4, 3]), lambda r: r.uniform(-3, 3, [3]))
add_pow("pow_scalar_exponent", lambda r: r.uniform(0.1, 4.0, [5, 6]),
        lambda r: np.array(2.5))
add_pow("pow_negative_base_integer_exponent", lambda r: r.uniform(-3, 3, [4, 5]),
        lambda r: np.array([2.0, 3.0, -1.0, 0.0, 1.0]))
add_pow("pow_f64_rank3", lambda r: r.uniform(0.1, 4.0, [2, 3, 4]),
        lambda r: r.uniform(-3, 3, [3, 1]), F64)


def add_graph_case(group, name, make):
    """make(rng) -> (inputs [(name, array)], nodes, ref, dtype)"""
    @case(group, name)
    def build(rng, cname):
        inputs, nodes, ref, dt = make(rng)
        m = graph_model(cname, inputs, nodes, ["y"])
        return Case(m, dict(inputs), {"y": (ref, dt, 0.0)})


def _compare_case(op, npop, dt, sa, sb):
    def make(rng):
        a = rnd(rng, sa, dt)
        b = rnd(rng, sb, dt)
        # Some exact ties (where shapes allow).
        if sa == sb:
            b = np.where(rng.uniform(size=sa) < 0.3, a, b).astype(dt)
        x = rnd(rng, np.broadcast_shapes(sa, sb), dt)
        z = np.zeros([], dt)
        nodes = [node(op, ["a", "b"], "c"), node("Where", ["c", "x", "z"], "y")]
        ref = np.where(npop(T.f64(a), T.f64(b)), T.f64(x), 0.0)
        return [("a", a), ("b", b), ("x", x), ("z", z)], nodes, ref, dt
    return make


for _op, _np in (("Equal", np.equal), ("Less", np.less), ("Greater", np.greater)):
    _lo = _op.lower()
    add_graph_case("compare", "%s_4x3_4x3" % _lo, _compare_case(_op, _np, F32, (4, 3), (4, 3)))
    add_graph_case("compare", "%s_4x3_3" % _lo, _compare_case(_op, _np, F32, (4, 3), (3,)))
    add_graph_case("compare", "%s_f64_2x1x3_4x1" % _lo,
                   _compare_case(_op, _np, F64, (2, 1, 3), (4, 1)))


def _where_case(dt, sc, sx, sy):
    def make(rng):
        c = rnd(rng, sc, dt)
        x, y = rnd(rng, sx, dt), rnd(rng, sy, dt)
        z = np.zeros([], dt)
        nodes = [node("Greater", ["c", "z"], "cond"), node("Where", ["cond", "x", "y"], "y0"),
                 node("Identity", ["y0"], "y")]
        ref = np.where(T.f64(c) > 0, T.f64(x), T.f64(y))
        return [("c", c), ("z", z), ("x", x), ("y_in", y)], \
            [dict(n, inputs=[("y_in" if i == "y" else i) for i in n["inputs"]])
             for n in nodes], ref, dt
    return make


add_graph_case("where", "where_same", _where_case(F32, (4, 3), (4, 3), (4, 3)))
add_graph_case("where", "where_3way_broadcast", _where_case(F32, (4, 1), (3,), ()))
add_graph_case("where", "where_f64_rank3", _where_case(F64, (2, 1, 1), (1, 3, 1), (4,)))


def _cast_case(dt, chain, ref_fn, out_dt):
    def make(rng):
        x = (rnd(rng, (5, 6), dt, scale=3.0))
        x.flat[:3] = [0.0, -0.0, 2.5]
        nodes, prev = [], "x"
        for i, to in enumerate(chain):
            out = "y" if i == len(chain) - 1 else "t%d" % i
            nodes.append(node("Cast", [prev], out, to=to))
            prev = out
        return [("x", x)], nodes, ref_fn(T.f64(x)), out_dt
    return make


add_graph_case("cast", "cast_f32_f64", _cast_case(F32, [11], lambda x: x, F64))
add_graph_case("cast", "cast_f64_f32", _cast_case(F64, [1], lambda x: x, F32))
add_graph_case("cast", "cast_f32_f32", _cast_case(F32, [1], lambda x: x, F32))
add_graph_case("cast", "cast_f32_i64_f32", _cast_case(F32, [7, 1], np.trunc, F32))
add_graph_case("cast", "cast_f64_i32_f64", _cast_case(F64, [6, 11], np.trunc, F64))
add_graph_case("cast", "cast_f32_i8_i64_f64", _cast_case(F32, [3, 7, 11], np.trunc, F64))
add_graph_case("cast", "cast_f32_bool_f32",
               _cast_case(F32, [9, 1], lambda x: (x != 0).astype(np.float64), F32))
add_graph_case("cast", "cast_f64_bool_i32_f64",
               _cast_case(F64, [9, 6, 11], lambda x: (x != 0).astype(np.float64), F64))


# ------------------------------------------------------- LayerNormalization

def layernorm_atol(x, scale, b, axis, dt):
    """Rounding bound of the decomposition in dtype dt: the two n-term means
    (n the normalized size) and the few elementwise ops after them, relative
    to the normalized magnitude (|x| + |mean|) / std, times |Scale|, plus B."""
    x = np.asarray(x, F64)
    axes = tuple(range(axis % x.ndim, x.ndim))
    n = int(np.prod([x.shape[a] for a in axes]))
    mean = x.mean(axis=axes, keepdims=True)
    std = np.sqrt(((x - mean) ** 2).mean(axis=axes, keepdims=True))
    u = T.UNIT_ROUNDOFF[np.dtype(dt)]
    mag = (np.abs(x) + np.abs(mean)) / np.maximum(std, np.finfo(F64).tiny)
    extra = (n + 8) * u * mag * np.abs(np.asarray(scale, F64))
    if b is not None:
        extra = extra + u * np.abs(np.asarray(b, F64))
    return extra


def add_layernorm(cname, xs, ns, axis=None, bias=True, eps=None, dt=F32,
                  offset=0.0, bshape=None):
    """xs: X's shape; ns: Scale's shape; bshape: B's (default ns)."""
    @case("layernorm", cname)
    def build(rng, name):
        x = (rnd(rng, xs, F64) * 2.0 + offset).astype(dt)
        sc = rnd(rng, ns, dt)
        b = rnd(rng, bshape or ns, dt) if bias else None
        attrs = {}
        if axis is not None:
            attrs["axis"] = axis
        if eps is not None:
            attrs["epsilon"] = eps
        inputs = [("x", x), ("scale", sc)] + ([("b", b)] if bias else [])
        m = T.single_op_model(name, "LayerNormalization", inputs, attrs or None)
        kw = {"axis": -1 if axis is None else axis}
        if eps is not None:
            kw["epsilon"] = eps
        ref = T.ref_layernorm(x, sc, b, **kw)
        return Case(m, dict(inputs),
                    {"y": (ref, dt, layernorm_atol(x, sc, b, kw["axis"], dt))})


add_layernorm("layernorm_last_axis", [4, 6, 8], [8])
add_layernorm("layernorm_axis1_rank3", [3, 4, 5], [4, 5], axis=1)
add_layernorm("layernorm_axis0_all", [3, 7], [3, 7], axis=0)
add_layernorm("layernorm_axis-2_no_bias", [2, 3, 4, 5], [4, 5], axis=-2, bias=False)
add_layernorm("layernorm_scale_broadcast", [2, 4, 6], [1, 6], axis=1, bshape=[6])
add_layernorm("layernorm_epsilon", [5, 3], [3], eps=0.5)
add_layernorm("layernorm_offset_mean", [4, 16], [16], offset=50.0)
add_layernorm("layernorm_odd_sizes", [3, 33], [33])
add_layernorm("layernorm_f64_last_axis", [4, 6, 8], [8], dt=F64)
add_layernorm("layernorm_f64_axis1_no_bias", [2, 3, 4], [3, 4], axis=1, bias=False, dt=F64,
              eps=1e-3)


# ---------------------------------------------------------------- Attention

def attention_atol(q, k, v, mask, is_causal, scale, dt):
    """Rounding bound of the decomposition in dtype dt: the score
    contraction (D terms), an error e in a row of scores changes each
    softmax weight by at most p * 2 max|e| (plus a few ulp for exp and the
    normalization), and the output contraction over Sk."""
    q, k, v = (np.asarray(a, F64) for a in (q, k, v))
    u = T.UNIT_ROUNDOFF[np.dtype(dt)]
    sc = 1.0 / np.sqrt(q.shape[-1]) if scale is None else scale
    s = q @ np.swapaxes(k, -1, -2) * sc
    if mask is not None:
        s = s + np.asarray(mask, F64)
    s_err = (q.shape[-1] + 3) * u * (np.abs(q) @ np.swapaxes(np.abs(k), -1, -2)) * abs(sc)
    # -inf in a user mask: weight exactly 0, no error to propagate.
    s_err = s_err + 2 * u * np.abs(np.where(np.isfinite(s), s, 0.0))
    s_err = np.where(np.isfinite(s), s_err, 0.0)
    if is_causal:
        s_err = np.where(T.causal_keep(q.shape[-2], k.shape[-2]), s_err, 0.0)
    p = T.ref_softmax(np.where(T.causal_keep(q.shape[-2], k.shape[-2]), s, -np.inf)
                      if is_causal else s)
    p_err = p * (2 * np.max(s_err, axis=-1, keepdims=True) + 16 * u)
    return (k.shape[-2] + 2) * u * (p @ np.abs(v)) + p_err @ np.abs(v)


def add_attention(cname, b, h, sq, sk, d, dv=None, mask=None, is_causal=0,
                  scale=None, dt=F32, masked=-1e4):
    """mask: None or the mask's shape (it must broadcast to [b, h, sq, sk]);
    about a quarter of its entries are `masked`, never in the first column
    (so that with -inf no row of the scores is masked entirely)."""
    dv = d if dv is None else dv

    @case("attention", cname)
    def build(rng, name):
        q, k = rnd(rng, [b, h, sq, d], dt), rnd(rng, [b, h, sk, d], dt)
        v = rnd(rng, [b, h, sk, dv], dt)
        inputs = [("q", q), ("k", k), ("v", v)]
        m = None
        if mask is not None:
            m = rnd(rng, mask, dt)
            # Some entries far below the rest, as a padding mask has.
            hit = rng.random(mask) < 0.25
            hit[..., 0] = False
            m = np.where(hit, masked, m).astype(dt)
            inputs.append(("mask", m))
        attrs = {}
        if is_causal:
            attrs["is_causal"] = 1
        if scale is not None:
            attrs["scale"] = scale
        model = T.single_op_model(name, "Attention", inputs, attrs or None)
        ref = T.ref_attention(q, k, v, m, is_causal, scale)
        return Case(model, dict(inputs),
                    {"y": (ref, dt, attention_atol(q, k, v, m, is_causal, scale, dt))})


add_attention("attention_basic", 2, 3, 5, 5, 4)
add_attention("attention_mask_full", 2, 2, 4, 4, 8, mask=[2, 2, 4, 4])
add_attention("attention_mask_2d", 1, 3, 4, 6, 5, mask=[4, 6])
add_attention("attention_mask_padding", 2, 2, 5, 5, 4, mask=[2, 1, 1, 5])
add_attention("attention_causal", 2, 2, 6, 6, 4, is_causal=1)
add_attention("attention_causal_sq_gt_sk", 1, 2, 5, 3, 4, is_causal=1)
add_attention("attention_causal_sq_lt_sk_mask", 1, 2, 3, 5, 4, mask=[3, 5], is_causal=1)
add_attention("attention_mask_neg_inf_causal", 2, 2, 5, 6, 4, mask=[2, 1, 5, 6], is_causal=1,
              masked=-np.inf)
add_attention("attention_scale", 2, 2, 4, 4, 6, scale=0.7)
add_attention("attention_sq_ne_sk_dv_ne_d", 2, 2, 3, 7, 4, dv=9)
add_attention("attention_odd_sizes", 1, 1, 17, 13, 11, dv=5)
add_attention("attention_f64", 2, 2, 4, 6, 3, dv=5, mask=[1, 2, 4, 6], scale=0.9, dt=F64)
add_attention("attention_f64_causal", 1, 3, 5, 5, 4, is_causal=1, dt=F64)
add_attention("attention_f64_mask_neg_inf", 1, 2, 4, 5, 3, mask=[4, 5], dt=F64, masked=-np.inf)
# ------------------------------------------- BatchNormalization, Dropout

def ref_batchnorm(x, scale, b, mean, var, eps=1e-5):
    """ONNX BatchNormalization in inference mode (running statistics), and the
    float64 magnitude of its terms (for the rounding bound)."""
    shape = [-1] + [1] * (x.ndim - 2)
    k = T.f64(scale) / np.sqrt(T.f64(var) + eps)
    d = T.f64(x) - T.f64(mean).reshape(shape)
    y = d * k.reshape(shape) + T.f64(b).reshape(shape)
    mag = np.abs(d) * np.abs(k).reshape(shape) + np.abs(T.f64(b)).reshape(shape)
    return y, mag


def add_batchnorm(name, xs, dt=F32, as_params=False, **attrs):
    @case("batchnorm", name)
    def build(rng, cname):
        c = xs[1]
        x = rnd(rng, xs, dt, scale=3.0) + dt(1.5)
        scale, b, mean = rnd(rng, [c], dt), rnd(rng, [c], dt), rnd(rng, [c], dt)
        var = (rng.uniform(0.1, 4.0, c)).astype(dt)
        names = ["x", "scale", "b", "mean", "var"]
        values = dict(zip(names, [x, scale, b, mean, var]))
        if as_params:
            # The model's own parameters: scale and B trainable, the running
            # statistics not (they come from the weights file).
            m = T.single_op_model(cname, "BatchNormalization", [("x", x)], attrs=attrs or None,
                                  op_inputs=names)
            m["parameters"] = [{"name": n, "dtype": T.dtype_name(dt), "shape": [c],
                                "trainable": n in ("scale", "b")} for n in names[1:]]
            feed, weights = {"x": x}, {n: values[n] for n in names[1:]}
        else:
            m = T.single_op_model(cname, "BatchNormalization",
                                  [(n, values[n]) for n in names], attrs=attrs or None)
            feed, weights = values, None
        ref, mag = ref_batchnorm(x, scale, b, mean, var, attrs.get("epsilon", 1e-5))
        atol = 8 * T.UNIT_ROUNDOFF[np.dtype(dt)] * mag
        return Case(m, feed, {"y": (ref, dt, atol)}, weights=weights)


add_batchnorm("batchnorm_nchw", [2, 3, 4, 5])
add_batchnorm("batchnorm_2d_eps", [6, 4], epsilon=1e-3)
add_batchnorm("batchnorm_3d_f64", [2, 3, 7], dt=F64, momentum=0.5)
add_batchnorm("batchnorm_params", [4, 5, 3, 3], as_params=True, epsilon=1e-4)


def add_dropout_infer(name, xs, dt=F32, **attrs):
    """Inference (`dlc run`) ignores Dropout: the output is the input, exactly."""
    @case("dropout", name)
    def build(rng, cname):
        x = rnd(rng, xs, dt)
        m = T.single_op_model(cname, "Dropout", [("x", x)], attrs=attrs or None)
        return Case(m, {"x": x}, {"y": (T.f64(x), dt, 0.0)})


add_dropout_infer("dropout_infer_default", [4, 10])
add_dropout_infer("dropout_infer_ratio", [2, 3, 5, 5], ratio=0.9)
add_dropout_infer("dropout_infer_f64", [7], dt=F64, ratio=0.25)


def run_case(cname, build, workdir):
    rng = np.random.default_rng(zlib.crc32(cname.encode()))
    c = build(rng, cname)
    cdir = os.path.join(workdir, cname)
    os.makedirs(cdir, exist_ok=True)
    c.model["name"] = "".join(ch if ch.isalnum() else "_" for ch in cname)
    mpath = os.path.join(cdir, "model.json")
    T.write_model(mpath, c.model)
    try:
        got = T.run_dlc(mpath, c.inputs, list(c.refs), cdir, weights=c.weights,
                        extra_args=c.extra_args)
    except T.DlcError as e:
        print("FAIL %s: %s\n     model: %s" % (cname, e, mpath))
        return False
    ok = True
    for out, (ref, dt, extra) in c.refs.items():
        ok &= T.check("%s/%s" % (cname, out), got[out], ref, dtype=dt, extra_atol=extra)
    if not ok:
        print("     model: %s\n     rerun: %s" % (mpath, T.LAST_COMMAND))
    return ok


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--op", help="op group, e.g. gemm")
    p.add_argument("--case", help="one case name")
    p.add_argument("--list", action="store_true")
    p.add_argument("workdir", nargs="?")
    args = p.parse_args()
    if args.list:
        for g, cases in GROUPS.items():
            print("%s: %s" % (g, " ".join(cases)))
        return 0
    if not args.workdir or bool(args.op) == bool(args.case):
        p.error("give WORKDIR and exactly one of --op, --case")
    if args.op:
        if args.op not in GROUPS:
            p.error("unknown op group '%s' (known: %s)" % (args.op, ", ".join(GROUPS)))
        todo = list(GROUPS[args.op].items())
    else:
        todo = [(n, b) for g in GROUPS.values() for n, b in g.items() if n == args.case]
        if not todo:
            p.error("unknown case '%s'" % args.case)
    failed = [n for n, b in todo if not run_case(n, b, args.workdir)]
    print("%d/%d cases passed" % (len(todo) - len(failed), len(todo)))
    if failed:
        print("failed cases: %s" % " ".join(failed))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
