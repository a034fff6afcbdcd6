# Writes examples that lie near a 3-dimensional manifold in [0, 1]^16 (x =
# sigmoid(z A) + noise) into DIR as train_x.npy and test_x.npy, and no labels:
# the data of an autoencoder.
import sys
import numpy as np
rng = np.random.default_rng(7)
a = rng.normal(0, 1.5, (3, 16))
def split(n):
    z = rng.normal(0, 1, (n, 3))
    return (1 / (1 + np.exp(-z @ a)) + rng.normal(0, 0.02, (n, 16))).astype(np.float32)
np.save(f"{sys.argv[1]}/train_x.npy", split(512))
np.save(f"{sys.argv[1]}/test_x.npy", split(128))
