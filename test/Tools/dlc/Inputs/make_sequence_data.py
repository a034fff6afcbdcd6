# Writes a small 3-class sequence set (x: [N, 6, 3] f32, y: [N] i64) into DIR
# as train_x.npy, train_y.npy. Every sequence has one pulse on feature 0 at a
# random step; the class is its position (steps 0-1, 2-3 or 4-5), so a model
# must carry what it saw across steps: the last input alone does not tell.
import sys
import numpy as np
rng = np.random.default_rng(5)
n = 48
y = rng.integers(0, 3, n)
x = rng.normal(0, 0.2, (n, 6, 3)).astype(np.float32)
for i, c in enumerate(y):
    x[i, 2 * c + rng.integers(0, 2), 0] += 2.0
np.save(f"{sys.argv[1]}/train_x.npy", x)
np.save(f"{sys.argv[1]}/train_y.npy", y.astype(np.int64))
