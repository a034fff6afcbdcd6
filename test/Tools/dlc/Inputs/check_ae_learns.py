# Reads `dlc train` output on stdin for an autoencoder; exits 1 unless the
# last epoch's test loss (the reconstruction MSE) is below a quarter of the
# MSE of always answering the mean training example (what a model that
# ignores its input does best).
import re
import sys
import numpy as np
train = np.load(f"{sys.argv[1]}/train_x.npy")
test = np.load(f"{sys.argv[1]}/test_x.npy")
baseline = float(np.mean((test - train.mean(axis=0)) ** 2))
losses = [float(m) for m in re.findall(r"test loss ([0-9.]+)", sys.stdin.read())]
print("test losses:", losses, "baseline:", baseline)
sys.exit(0 if losses and losses[-1] < baseline / 4 else 1)
