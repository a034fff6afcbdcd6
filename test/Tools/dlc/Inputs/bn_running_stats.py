# bn_running_stats.py make DIR: writes 16 examples x [16, 3, 4, 4] (f32, per
#   channel different means and spreads) and y [16] as DIR/train_{x,y}.npy.
# bn_running_stats.py check DIR WEIGHTS EPOCHS MOMENTUM: with the batch size
#   equal to the data set, every step normalizes the whole set (in some order,
#   which mean and variance do not see), so after EPOCHS steps the running
#   statistics of a BatchNormalization applied to x are, in float64,
#   r = m r + (1 - m) b repeated from r = 0 (mean) and 1 (var), b the
#   channel's mean and population variance (ONNX's formula). Exits 1 unless
#   bn.running_mean / bn.running_var in the safetensors file WEIGHTS
#   (written by dlc train --save) agree to 1e-5 relative.
import json
import struct
import sys
import numpy as np

mode, d = sys.argv[1], sys.argv[2]
if mode == "make":
    rng = np.random.default_rng(9)
    x = rng.normal(0, 1, (16, 3, 4, 4)) * np.array([0.5, 2.0, 1.0])[None, :, None, None]
    x += np.array([1.0, -3.0, 0.25])[None, :, None, None]
    np.save(f"{d}/train_x.npy", x.astype(np.float32))
    np.save(f"{d}/train_y.npy", rng.integers(0, 3, 16).astype(np.int64))
    sys.exit(0)

weights, epochs, m = sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
x = np.load(f"{d}/train_x.npy").astype(np.float64)
mean, var = x.mean(axis=(0, 2, 3)), x.var(axis=(0, 2, 3))
r_mean, r_var = np.zeros(3), np.ones(3)
for _ in range(epochs):
    r_mean = m * r_mean + (1 - m) * mean
    r_var = m * r_var + (1 - m) * var
with open(weights, "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
ok = True
for name, want in (("bn.running_mean", r_mean), ("bn.running_var", r_var)):
    b, e = header[name]["data_offsets"]
    got = np.frombuffer(data[b:e], np.float32).astype(np.float64)
    good = np.all(np.abs(got - want) <= 1e-5 * np.abs(want) + 1e-6)
    print("%s %s: got %s, numpy %s" % ("ok  " if good else "FAIL", name,
                                       np.round(got, 6).tolist(), np.round(want, 6).tolist()))
    ok &= bool(good)
sys.exit(0 if ok else 1)
