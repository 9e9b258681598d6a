#!/usr/bin/env bash
# The main job (README): installs dependencies, builds nnc, checks every
# example, and trains the default example (the MLP on Fashion-MNIST) for one
# epoch, printing its test accuracy.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/build.sh
build=${NNC_BUILD_DIR:-build}
for f in examples/*.nn; do
  "$build/bin/nnc" check "$f"
  echo "ok   $f"
done
"$build/bin/nnc" build examples/mlp.nn -o "$build/mlp"
"$build/mlp" train --epochs 1 --save "$build/mlp.safetensors"
