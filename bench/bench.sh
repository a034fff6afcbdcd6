#!/usr/bin/env bash
# The speed comparison of dlc with its peers (../shared/design/benchmarks.md):
# installs the peers into bench/.venv from the Python package registry
# (numpy, whose wheel brings OpenBLAS; onnxruntime; torch), builds dlc,
# compiles the cases and prints one table: case, dlc, peer, ratio, min, max.
#
#   bash bench/bench.sh [--quick] [--skip-torch]
#
# --quick runs fewer repetitions; --skip-torch leaves out PyTorch (a large
# download) and its rows. Never part of CI: benchmarks are not tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bash "$root/scripts/setup.sh"
bash "$root/scripts/build.sh" > /dev/null
venv="$root/bench/.venv"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
packages=(numpy onnxruntime)
[[ " $* " == *" --skip-torch "* ]] || packages+=(torch)
"$venv/bin/python" -m pip install --quiet --upgrade "${packages[@]}"
exec "$venv/bin/python" "$root/bench/bench.py" --build "${DLC_BUILD_DIR:-$root/build}" "$@"
