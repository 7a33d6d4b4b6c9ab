#!/usr/bin/env bash
# Benchmark: import a Salesforce-style opportunity report (all-or-nothing, owners by email,
# accounts made on the way, history written), import it again changed (every row compared,
# every close date moved, so all updated with history), and export it, on SQLite. Sizes are
# rows per file. Each step shows elapsed seconds and, in brackets, the CPU seconds reins used
# (user + system): on a shared machine the second is the steadier number.
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
TIMEFORMAT='%R %U %S'
timed() { # timed OUT CMD...: run CMD with stdout to OUT, print "elapsed [cpu]"
  local out=$1 t
  shift
  t=$({ time "$@" >"$out"; } 2>&1)
  awk -v t="$t" 'BEGIN { split(t, a, " "); printf "%.2fs [%.2f]", a[1], a[2] + a[3] }'
}
printf '%-8s %-16s %-16s %-16s\n' rows import reimport export
for n in ${SIZES:-10000 100000}; do
  awk -v n="$n" -v sellers=$sellers -f "$here/gen.awk" >"$work/opps.csv"
  awk -v n="$n" -v sellers=$sellers -v shift=9 -f "$here/gen.awk" >"$work/opps2.csv"
  db="$work/bench-$n.db"
  "$reins" --db "$db" import people "$work/people.csv" >/dev/null
  a=$(timed "$work/first.out" "$reins" --db "$db" import opportunities --source salesforce "$work/opps.csv")
  b=$(timed "$work/second.out" "$reins" --db "$db" import opportunities --source salesforce "$work/opps2.csv")
  c=$(timed "$work/out.csv" "$reins" --db "$db" export opportunities)
  grep -q "$n created" "$work/first.out" || { cat "$work/first.out" >&2; exit 1; }
  grep -q "$n updated" "$work/second.out" || { cat "$work/second.out" >&2; exit 1; }
  exported=$(($(wc -l <"$work/out.csv") - 1))
  [ "$exported" -eq "$n" ] || { echo "exported $exported rows, not $n" >&2; exit 1; }
  printf '%-8s %-16s %-16s %-16s\n' "$n" "$a" "$b" "$c"
done
