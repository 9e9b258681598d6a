#!/usr/bin/env bash
# The main job (README): installs dependencies, builds nnc, and checks every
# example. (Training the default example joins once code generation lands.)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/build.sh
build=${NNC_BUILD_DIR:-build}
for f in examples/*.nn; do
  "$build/bin/nnc" check "$f"
  echo "ok   $f"
done
