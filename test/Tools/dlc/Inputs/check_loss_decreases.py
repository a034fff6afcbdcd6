# Reads `dlc train` output on stdin; exits 1 unless each epoch's train loss is
# below the one before.
import re
import sys
losses = [float(m) for m in re.findall(r"^epoch \d+/\d+: train loss ([0-9.]+)", sys.stdin.read(), re.M)]
print("train losses:", losses)
sys.exit(0 if len(losses) >= 2 and all(b < a for a, b in zip(losses, losses[1:])) else 1)
