# Writes a small 3-class image set (x: [N, 1, 6, 6] f32, y: [N] i64) whose
# class decides which third of the image (rows 0-1, 2-3, 4-5) is bright, into
# DIR as train_x.npy, train_y.npy.
import sys
import numpy as np
rng = np.random.default_rng(4)
n = 48
y = rng.integers(0, 3, n)
x = rng.normal(0, 0.3, (n, 1, 6, 6)).astype(np.float32)
for i, c in enumerate(y):
    x[i, 0, 2 * c:2 * c + 2, :] += 1.5
np.save(f"{sys.argv[1]}/train_x.npy", x)
np.save(f"{sys.argv[1]}/train_y.npy", y.astype(np.int64))
