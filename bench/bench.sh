#!/usr/bin/env bash
# The speed comparison of dlc with its peers (../shared/design/benchmarks.md):
# installs the peers into bench/.venv from the Python package registry where
# missing (numpy, whose wheel brings OpenBLAS; onnxruntime; torch and onnx),
# builds dlc, compiles the cases and prints one table on stdout (case, dlc,
# peer, ratio, min, max), then the issue's targets against the measured
# values; progress goes to stderr.
#
#   bash bench/bench.sh [--quick] [--skip-torch] [--only TEXT]...
#
# --quick runs fewer repetitions; --skip-torch leaves out PyTorch (a large
# download; its rows and the ONNX Runtime rows, which need its exporter,
# become n/a); --only (repeatable) runs the rows whose "CASE vs PEER"
# contains one of the texts (sgemm, MLP, "training step", torch.compile,
# Attention, ...).
# Never part of CI: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh" >&2
bash "$root/scripts/build.sh" > /dev/null
venv="$root/bench/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
packages=(numpy onnxruntime)
[[ " $* " == *" --skip-torch "* ]] || packages+=(torch onnx)
# Only what is missing: the peers' versions stay those of the last install.
"$venv/bin/python" -m pip install --quiet "${packages[@]}" >&2
exec "$venv/bin/python" "$root/bench/bench.py" --build "${DLC_BUILD_DIR:-$root/build}" "$@"
