# check_running_stats.py WEIGHTS NAME=INIT...: exits 1 unless each named
# tensor of the safetensors file WEIGHTS differs from its initial constant
# INIT everywhere (the train step updated it) and is finite.
import json
import struct
import sys
import numpy as np
with open(sys.argv[1], "rb") as f:
    n = struct.unpack("<Q", f.read(8))[0]
    header = json.loads(f.read(n))
    data = f.read()
ok = True
for arg in sys.argv[2:]:
    name, init = arg.split("=")
    b, e = header[name]["data_offsets"]
    v = np.frombuffer(data[b:e], np.float32)
    print(name, np.round(v, 4).tolist())
    if not (np.all(np.isfinite(v)) and np.all(v != float(init))):
        ok = False
sys.exit(0 if ok else 1)
