#!/usr/bin/env bash
# The main job: install, build, compile the bundled example model with dlc,
# link the object with the runtime in a small C program, run it and print
# its outputs. Each step is echoed so it can be repeated by hand.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DLC_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"

out="$build/main-job"
mkdir -p "$out"
run() { echo "+ $*"; "$@"; }
run "$build/bin/dlc" compile "$root/examples/mlp.json" -o "$out/mlp.o"
run clang-22 -O2 -I"$root/runtime/include" -I"$out" \
  "$root/examples/mlp_infer.c" "$out/mlp.o" "$build/runtime/libdlcrt.a" \
  -lz -lm -lpthread -o "$out/mlp_infer"
run "$out/mlp_infer"
