#!/usr/bin/env bash
# Benchmark: import a Salesforce-style opportunity report (all-or-nothing, owners by email,
# accounts made on the way, history written), import it again changed (every row compared,
# a third of them updated with history), and export it, on SQLite. Sizes are rows per file.
set -eu
BUILD=${1:-build}
reins="$PWD/$BUILD/reins"
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sellers=200
{
  echo "name,email,start_date"
  for i in $(seq 1 $sellers); do printf 'Seller %04d,seller%04d@bench.example,2024-01-01\n' "$i" "$i"; done
} >"$work/people.csv"
printf '%-8s %-10s %-10s %-10s\n' rows import reimport export
for n in ${SIZES:-10000 100000}; do
  awk -v n="$n" -v sellers=$sellers -f "$here/gen.awk" >"$work/opps.csv"
  awk -v n="$n" -v sellers=$sellers -v shift=9 -f "$here/gen.awk" >"$work/opps2.csv"
  db="$work/bench-$n.db"
  "$reins" --db "$db" import people "$work/people.csv" >/dev/null
  t0=$(date +%s.%N)
  "$reins" --db "$db" import opportunities --source salesforce "$work/opps.csv" >"$work/first.out"
  t1=$(date +%s.%N)
  "$reins" --db "$db" import opportunities --source salesforce "$work/opps2.csv" >"$work/second.out"
  t2=$(date +%s.%N)
  "$reins" --db "$db" export opportunities >"$work/out.csv"
  t3=$(date +%s.%N)
  grep -q "$n created" "$work/first.out" || { cat "$work/first.out" >&2; exit 1; }
  exported=$(($(wc -l <"$work/out.csv") - 1))
  [ "$exported" -eq "$n" ] || { echo "exported $exported rows, not $n" >&2; exit 1; }
  awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" -v d="$t3" \
    'BEGIN { printf "%-8s %-10s %-10s %-10s\n", n, sprintf("%.2fs", b - a), sprintf("%.2fs", c - b), sprintf("%.2fs", d - c) }'
  sed 's/^reins: /  /' "$work/second.out"
done
