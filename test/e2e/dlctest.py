"""dlctest: helpers for dlc's end-to-end numeric tests (numpy only).

What it offers:
  write_safetensors(path, {name: array})   weights file (F32/F64 tensors)
  write_model(path, model_dict)            model JSON
  run_dlc(model, inputs, outputs, ...)     `dlc run` in a subprocess; returns
                                           the outputs as numpy arrays
  check(label, got, ref, ...)              compare, print a verdict per tensor
  ref_*                                    numpy references with ONNX semantics,
                                           computed in float64

Tolerances (see check()): an output passes when, elementwise,
    |got - ref| <= atol + rtol * |ref|
with, by default,
    f32 outputs: rtol = 1e-5, atol = 1e-6
    f64 outputs: rtol = 1e-9, atol = 1e-12  (tight enough that an f64 op that
                 is secretly computed in f32 fails)
References are always computed in float64 from the very same (f32 or f64)
input values the compiled model sees. Contractions (Gemm, MatMul) add the
standard floating-point summation bound to atol: K * u * (|A| @ |B|), with
u the unit roundoff of the output dtype (see contraction_atol), so that a
different but valid summation order never fails a test. Shapes and dtypes
must match exactly; a NaN or Inf that the reference does not have is always a
failure.

dlc is found as $DLC, else on PATH (lit puts the build's bin dir first).
"""

import json
import math
import os
import shutil
import struct
import subprocess
import sys

import numpy as np

# ----------------------------------------------------------------- tolerances

TOL = {
    np.dtype(np.float32): (1e-5, 1e-6),
    np.dtype(np.float64): (1e-9, 1e-12),
}
UNIT_ROUNDOFF = {
    np.dtype(np.float32): 2.0**-24,
    np.dtype(np.float64): 2.0**-53,
}

DTYPE_NAMES = {"f32": np.float32, "f64": np.float64}


def np_dtype(name):
    return np.dtype(DTYPE_NAMES[name])


def dtype_name(dt):
    dt = np.dtype(dt)
    for k, v in DTYPE_NAMES.items():
        if np.dtype(v) == dt:
            return k
    raise ValueError("unsupported dtype %s" % dt)


# ---------------------------------------------------------------- file writers

_ST_DTYPES = {np.dtype(np.float32): "F32", np.dtype(np.float64): "F64"}


def write_safetensors(path, tensors):
    """Writes {name: ndarray} (f32/f64) as a safetensors file."""
    header = {}
    blobs = []
    offset = 0
    for name, arr in tensors.items():
        arr = np.array(arr, order="C")
        if arr.dtype not in _ST_DTYPES:
            raise ValueError("%s: unsupported dtype %s" % (name, arr.dtype))
        raw = arr.astype(arr.dtype.newbyteorder("<"), copy=False).tobytes()
        header[name] = {
            "dtype": _ST_DTYPES[arr.dtype],
            "shape": list(arr.shape),
            "data_offsets": [offset, offset + len(raw)],
        }
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)  # conventional 8-byte padding
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def write_model(path, model):
    with open(path, "w") as f:
        json.dump(model, f, indent=1)
        f.write("\n")


def read_model(path):
    """Reads a model JSON file; accepts whole-line // comments."""
    with open(path) as f:
        lines = [l for l in f if not l.lstrip().startswith("//")]
    return json.loads("".join(lines))


# ------------------------------------------------------------------ running dlc


def dlc_path():
    exe = os.environ.get("DLC") or shutil.which("dlc")
    if not exe:
        sys.exit("dlctest: dlc not found (set $DLC or put it on PATH)")
    return exe


class DlcError(Exception):
    pass


LAST_COMMAND = None  # the command line of the latest run_dlc, for reports


def run_dlc(model_path, inputs, outputs, workdir, weights=None, extra_args=()):
    """Runs `dlc run MODEL --input n=f ... --output n=f ...`.

    inputs: {name: ndarray} (written to WORKDIR as .npy)
    outputs: list of output names to fetch
    weights: {name: ndarray} written to a safetensors file, or None
    Returns {name: ndarray}. Raises DlcError with dlc's message on failure.
    """
    os.makedirs(workdir, exist_ok=True)
    cmd = [dlc_path(), "run", model_path]
    for name, arr in inputs.items():
        p = os.path.join(workdir, "in_%s.npy" % _fs(name))
        np.save(p, np.array(arr, order="C"))  # (ascontiguousarray would make 0-d 1-d)
        cmd += ["--input", "%s=%s" % (name, p)]
    if weights:
        p = os.path.join(workdir, "weights.safetensors")
        write_safetensors(p, weights)
        cmd += ["--weights", p]
    out_paths = {}
    for name in outputs:
        p = os.path.join(workdir, "out_%s.npy" % _fs(name))
        if os.path.exists(p):
            os.remove(p)
        out_paths[name] = p
        cmd += ["--output", "%s=%s" % (name, p)]
    cmd += list(extra_args)
    global LAST_COMMAND
    LAST_COMMAND = " ".join(cmd)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        raise DlcError("dlc exited %d\n  command: %s\n  stderr: %s" %
                       (proc.returncode, " ".join(cmd), proc.stderr.strip()))
    result = {}
    for name, p in out_paths.items():
        if not os.path.exists(p):
            raise DlcError("dlc wrote no file for output '%s'\n  command: %s" %
                           (name, " ".join(cmd)))
        result[name] = np.load(p)
    return result


def _fs(name):
    return "".join(c if c.isalnum() or c in "_-" else "_" for c in name)


# ------------------------------------------------------------------ comparison


def contraction_atol(a, b, out_dtype, matmul=np.matmul):
    """Elementwise bound K*u*(|A| @ |B|) for a contraction over K."""
    a = np.abs(np.asarray(a, np.float64))
    b = np.abs(np.asarray(b, np.float64))
    k = a.shape[-1] if a.ndim else 1
    return (k + 2) * UNIT_ROUNDOFF[np.dtype(out_dtype)] * matmul(a, b)


def check(label, got, ref, dtype=None, rtol=None, atol=None, extra_atol=0.0):
    """Compares `got` (dlc's output) with `ref` (float64 reference).

    dtype: expected dtype of `got` (default: got's own). rtol/atol default to
    TOL[dtype]; extra_atol (scalar or array broadcastable to ref) is added to
    atol. Prints one line per tensor; returns True when it matches.
    """
    got = np.asarray(got)
    ref = np.asarray(ref, dtype=np.float64)
    dt = np.dtype(dtype) if dtype is not None else got.dtype
    if dt not in TOL:
        print("FAIL %s: unexpected dtype %s" % (label, dt))
        return False
    d_rtol, d_atol = TOL[dt]
    rtol = d_rtol if rtol is None else rtol
    atol = d_atol if atol is None else atol
    if got.dtype != dt:
        print("FAIL %s: dtype %s, expected %s" % (label, got.dtype, dt))
        return False
    if got.shape != ref.shape:
        print("FAIL %s: shape %s, expected %s" % (label, list(got.shape),
                                                   list(ref.shape)))
        return False
    g = got.astype(np.float64)
    tol = atol + np.asarray(extra_atol, np.float64) + rtol * np.abs(ref)
    tol = np.broadcast_to(tol, ref.shape)
    finite_ref = np.isfinite(ref)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(g - ref)
        bad = ~(err <= tol)  # NaN in got -> bad
        # Equal infinities (same sign) agree.
        same_inf = (~finite_ref) & (g == ref)
        bad &= ~same_inf
    if not bad.any():
        print("ok   %s: %s %s" % (label, dt, list(ref.shape)))
        return True
    with np.errstate(invalid="ignore", divide="ignore"):
        fe = np.where(np.isfinite(err), err, np.inf)
        rel = fe / np.maximum(np.abs(ref), np.finfo(np.float64).tiny)
    idx = np.unravel_index(np.argmax(np.where(bad, fe, -1.0)), ref.shape)
    print("FAIL %s: %s %s, %d of %d elements differ (rtol=%g, atol=%g)" %
          (label, dt, list(ref.shape), int(bad.sum()), ref.size, rtol, atol))
    print("     max abs error %.6g, max rel error %.6g" %
          (float(np.max(np.where(bad, fe, 0))), float(np.max(np.where(bad, rel, 0)))))
    print("     worst at index %s: got %r, expected %r" %
          (list(int(i) for i in idx), float(g[idx]), float(ref[idx])))
    nan_got = int(np.isnan(g).sum())
    if nan_got:
        print("     %d NaN(s) in the output" % nan_got)
    return False


# ----------------------------------------------------------- numpy references
# All take and return float64 arrays (callers pass f32 data up-cast).


def f64(x):
    return np.asarray(x, dtype=np.float64)


def ref_gemm(a, b, c=None, alpha=1.0, beta=1.0, transA=0, transB=0):
    a, b = f64(a), f64(b)
    if transA:
        a = a.T
    if transB:
        b = b.T
    y = alpha * (a @ b)
    if c is not None:
        y = y + beta * f64(c)  # unidirectional broadcast of C to [M, N]
        assert y.shape == (a.shape[0], b.shape[1])
    return y


def ref_matmul(a, b):
    return np.matmul(f64(a), f64(b))


def ref_add(a, b):
    return f64(a) + f64(b)


def ref_sub(a, b):
    return f64(a) - f64(b)


def ref_mul(a, b):
    return f64(a) * f64(b)


def ref_div(a, b):
    return f64(a) / f64(b)


def ref_relu(x):
    return np.maximum(f64(x), 0.0)


def ref_leakyrelu(x, alpha=0.01):
    x = f64(x)
    return np.where(x < 0, alpha * x, x)


def ref_elu(x, alpha=1.0):
    x = f64(x)
    return np.where(x < 0, alpha * np.expm1(np.minimum(x, 0.0)), x)


def ref_sigmoid(x):
    x = f64(x)
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def ref_tanh(x):
    return np.tanh(f64(x))


_erf = np.vectorize(math.erf, otypes=[np.float64])


def ref_gelu(x, approximate="none"):
    x = f64(x)
    if approximate == "tanh":
        return 0.5 * x * (1.0 + np.tanh(math.sqrt(2.0 / math.pi) *
                                        (x + 0.044715 * x**3)))
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


def ref_softmax(x, axis=-1):
    x = f64(x)
    m = np.max(x, axis=axis, keepdims=True)
    e = np.exp(x - m)
    return e / np.sum(e, axis=axis, keepdims=True)


def ref_logsoftmax(x, axis=-1):
    x = f64(x)
    m = np.max(x, axis=axis, keepdims=True)
    s = x - m
    return s - np.log(np.sum(np.exp(s), axis=axis, keepdims=True))


def ref_flatten(x, axis=1):
    x = f64(x)
    if axis < 0:
        axis += x.ndim
    outer = int(np.prod(x.shape[:axis], dtype=np.int64))
    return x.reshape(outer, -1) if x.size else x.reshape(outer, 0)


def ref_reshape(x, shape):
    x = f64(x)
    # ONNX (allowzero = 0): 0 copies the input's dimension, -1 is inferred.
    target = [x.shape[i] if d == 0 else d for i, d in enumerate(shape)]
    return x.reshape(target)


def ref_transpose(x, perm=None):
    return np.transpose(f64(x), perm)


def ref_identity(x):
    return f64(x)


def ref_layernorm(x, scale, b=None, axis=-1, epsilon=1e-5):
    """ONNX LayerNormalization (Y only): normalize over axes [axis, rank)."""
    x = f64(x)
    axes = tuple(range(axis % x.ndim, x.ndim))
    mean = x.mean(axis=axes, keepdims=True)
    var = ((x - mean) ** 2).mean(axis=axes, keepdims=True)
    y = (x - mean) / np.sqrt(var + epsilon) * f64(scale)
    return y if b is None else y + f64(b)


def causal_keep(sq, sk):
    """keep[i, j] = j <= i: torch's is_causal (triangle at the top left)."""
    return np.arange(sk)[None, :] <= np.arange(sq)[:, None]


def ref_attention(q, k, v, mask=None, is_causal=0, scale=None):
    """softmax(Q Kᵀ scale + mask, causal) V for Q [B, H, Sq, D], K [B, H, Sk, D],
    V [B, H, Sk, Dv]; masked (causal) scores get weight exactly 0."""
    q, k, v = f64(q), f64(k), f64(v)
    if scale is None:
        scale = 1.0 / math.sqrt(q.shape[-1])
    s = (q @ np.swapaxes(k, -1, -2)) * scale
    if mask is not None:
        s = s + f64(mask)
    if is_causal:
        s = np.where(causal_keep(q.shape[-2], k.shape[-2]), s, -np.inf)
    return ref_softmax(s, axis=-1) @ v


# --------------------------------------------------------------- small models


def single_op_model(name, op, inputs, attrs=None, params=(), output="y",
                    op_inputs=None):
    """A model with one node. inputs/params: lists of (name, ndarray)."""
    node = {"name": op.lower(), "op": op,
            "inputs": op_inputs if op_inputs is not None
            else [n for n, _ in params] + [n for n, _ in inputs],
            "outputs": [output]}
    if attrs:
        node["attrs"] = attrs
    model = {
        "version": 1,
        "name": name,
        "inputs": [{"name": n, "dtype": dtype_name(a.dtype),
                    "shape": list(a.shape)} for n, a in inputs],
        "nodes": [node],
        "outputs": [output],
    }
    if params:
        model["parameters"] = [{"name": n, "dtype": dtype_name(a.dtype),
                                "shape": list(a.shape)} for n, a in params]
    return model
