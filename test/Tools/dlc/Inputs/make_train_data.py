# Writes a small 3-class data set (x: [N, 6] f32, y: [N] i64) whose class
# decides which features are large, into DIR as train_x.npy … test_y.npy.
import sys
import numpy as np
rng = np.random.default_rng(3)
def make(n):
    y = rng.integers(0, 3, n)
    x = rng.normal(0, 0.3, (n, 6)).astype(np.float32)
    x[np.arange(n), 2 * y] += 2.0
    return x, y.astype(np.int64)
for split, n in (("train", 40), ("test", 18)):
    x, y = make(n)
    np.save(f"{sys.argv[1]}/{split}_x.npy", x)
    np.save(f"{sys.argv[1]}/{split}_y.npy", y)
