# Writes a small 3-class token set (x: [N, 3, 4] f32, 3 tokens of 4 features;
# y: [N] i64) whose class decides which token (0, 1 or 2) is bright, into DIR
# as train_x.npy, train_y.npy: a class is told by a token's position, so the
# model needs its positional embedding.
import sys
import numpy as np
rng = np.random.default_rng(5)
n = 48
y = rng.integers(0, 3, n)
x = rng.normal(0, 0.3, (n, 3, 4)).astype(np.float32)
for i, c in enumerate(y):
    x[i, c, :] += 1.5
np.save(f"{sys.argv[1]}/train_x.npy", x)
np.save(f"{sys.argv[1]}/train_y.npy", y.astype(np.int64))
