#!/usr/bin/env bash
# The test command (README, .ci/run): installs dependencies, builds
# everything, then runs every test through ctest — the lit suites (test/),
# the unit tests, and 60 seconds of fuzzing the front end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/build.sh
build=${NNC_BUILD_DIR:-build}
ctest --test-dir "$build" --output-on-failure
