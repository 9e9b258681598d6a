#!/usr/bin/env bash
# Runs the front-end fuzzer for SECONDS on a fresh corpus seeded from
# examples/ and stdlib/ (plus the lit test inputs). Fails on any crash.
set -euo pipefail
fuzzer=$1 corpus=$2 seconds=${3:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
rm -rf "$corpus" && mkdir -p "$corpus"
find "$root/examples" "$root/stdlib" "$root/test" -name '*.nn' -exec cp -t "$corpus" {} + 2>/dev/null || true
# Each input must finish well within a second; larger inputs are not useful.
exec "$fuzzer" "$corpus" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 \
  -max_len=8192 -print_final_stats=1 -close_fd_mask=3
