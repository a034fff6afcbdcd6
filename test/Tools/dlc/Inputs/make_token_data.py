# Writes sequences of 5 token ids (i32) with labels into DIR: class 1
# sequences draw their tokens from 10..19, class 0 from 0..9, so a bag of
# embeddings separates them once the embedding learns.
import sys
import numpy as np
rng = np.random.default_rng(3)
for split, n in (("train", 256), ("test", 64)):
    y = rng.integers(0, 2, n)
    x = rng.integers(0, 10, (n, 5)) + 10 * y[:, None]
    np.save(f"{sys.argv[1]}/{split}_x.npy", x.astype(np.int32))
    np.save(f"{sys.argv[1]}/{split}_y.npy", y.astype(np.int64))
