#!/usr/bin/env bash
# Benchmark: import people from CSV (all-or-nothing, cycle-checked) and
# export them again, on SQLite. Sizes are people per file.
set -eu
BUILD=${1:-build}
reins="$PWD/$BUILD/reins"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%-8s %-10s %-10s %-10s\n' people import reimport export
for n in 1000 10000 50000; do
  awk -v n="$n" -v fanout=8 -f "$here/gen.awk" >"$work/people.csv"
  db="$work/bench-$n.db"
  t0=$(date +%s.%N)
  "$reins" --db "$db" import people "$work/people.csv" >/dev/null
  t1=$(date +%s.%N)
  "$reins" --db "$db" import people "$work/people.csv" >/dev/null   # every row an update
  t2=$(date +%s.%N)
  "$reins" --db "$db" export people >"$work/out.csv"
  t3=$(date +%s.%N)
  cmp -s <(tr -d '\r' <"$work/out.csv") "$work/people.csv" || { echo "export differs from input" >&2; exit 1; }
  awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
    'BEGIN { printf "%-8s %-10s %-10s %-10s\n", n, sprintf("%.2fs", b - a), sprintf("%.2fs", c - b), sprintf("%.2fs", d - c) }'
done
