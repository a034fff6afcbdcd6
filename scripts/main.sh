#!/usr/bin/env bash
# The main job: install (with Debian's Fashion-MNIST), build, compile the
# bundled MLP with its training step, link it with the runtime in a small C
# program, train it and print the test accuracy after each epoch
# (DLC_EPOCHS, default 10). Each step is echoed so it can be repeated by hand.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${DLC_BUILD_DIR:-$root/build}"
"$root/scripts/setup.sh"
"$root/scripts/build.sh"

out="$build/main-job"
mkdir -p "$out"
run() { echo "+ $*"; "$@"; }
# 1. Compile the model with its training step: writes fashion_mlp.o and .h.
run "$build/bin/dlc" compile "$root/examples/fashion_mnist_mlp.json" --train -o "$out/fashion_mlp.o"
# 2. Link the generated object with the runtime in a small C program.
run clang-22 -O2 -I"$root/runtime/include" -I"$out" \
  "$root/examples/fashion_mnist_train.c" "$out/fashion_mlp.o" "$build/runtime/libdlcrt.a" \
  -lz -lm -lpthread -o "$out/fashion_mnist_train"
# 3. Train on Fashion-MNIST, printing the test accuracy after each epoch.
cd "$out"
run ./fashion_mnist_train /usr/share/datasets/fashion-mnist "${DLC_EPOCHS:-10}"
