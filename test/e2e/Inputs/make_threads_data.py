# Writes the data of train-threads-determinism.test into DIR: for the MLP,
# mlp_x [256, 64] f32 (noise around one of 4 random prototypes) and mlp_y
# [256] i64 (the prototype); for the CNN, cnn_x [64, 1, 12, 12] f32 (noise
# plus a bright band in one third of the rows) and cnn_y [64] i64 (the third);
# mlp_batch.npy, one batch [32, 64] for inference.
import sys
import numpy as np
out = sys.argv[1]
rng = np.random.default_rng(11)
protos = rng.normal(0, 1, (4, 64))
y = rng.integers(0, 4, 256)
x = protos[y] + rng.normal(0, 0.8, (256, 64))
np.save(f"{out}/mlp_x.npy", x.astype(np.float32))
np.save(f"{out}/mlp_y.npy", y.astype(np.int64))
np.save(f"{out}/mlp_batch.npy", x[:32].astype(np.float32))
y = rng.integers(0, 3, 64)
x = rng.normal(0, 0.3, (64, 1, 12, 12)).astype(np.float32)
for i, c in enumerate(y):
    x[i, 0, 4 * c:4 * c + 4, :] += 1.0
np.save(f"{out}/cnn_x.npy", x)
np.save(f"{out}/cnn_y.npy", y.astype(np.int64))
