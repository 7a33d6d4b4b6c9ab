#!/usr/bin/env bash
# make bench: every benchmark under bench/ (each a directory with a run.sh).
set -eu
BUILD=${1:-build}
found=0
for b in bench/*/run.sh; do
  [ -e "$b" ] || continue
  found=1
  echo "== $b"
  "$b" "$BUILD"
done
[ "$found" -eq 1 ] || echo "reins: no benchmarks yet (bench/*/run.sh)"
