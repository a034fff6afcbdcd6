# Reads `dlc train` output on stdin; exits 1 unless each epoch's train loss is
# below the one before (with --first-last: unless the last epoch's is below
# the first's, for models whose loss is noisy, e.g. with dropout).
import re
import sys
losses = [float(m) for m in re.findall(r"^epoch \d+/\d+: train loss ([0-9.]+)", sys.stdin.read(), re.M)]
print("train losses:", losses)
if "--first-last" in sys.argv:
    sys.exit(0 if len(losses) >= 2 and losses[-1] < losses[0] else 1)
sys.exit(0 if len(losses) >= 2 and all(b < a for a, b in zip(losses, losses[1:])) else 1)
