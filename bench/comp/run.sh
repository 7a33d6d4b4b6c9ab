#!/usr/bin/env bash
# Benchmark: `reins comp calc` on a year of a sales org's credits, and the engine alone.
#
#   bench/comp/run.sh [BUILD_DIR] [SELLERS] [CREDIT_ROWS]     (defaults: build 2000 500000)
#
# gen.awk writes the org, quarterly quotas and a year of credits; plan.json is
# a mixed plan with a hold threshold, roll-up to managers and directors, an
# overlay share, a SPIF, caps per credit and per plan, milestone bonuses and a
# recoverable draw. Wall times suffer when other work shares the cores; CPU
# times (from --timings and engine_bench) are steadier.
set -eu
BUILD=${1:-build}
SELLERS=${2:-2000}
ROWS=${3:-500000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reins="$root/$BUILD/reins"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

awk -v sellers="$SELLERS" -v credits="$ROWS" -v out="$work" -f "$here/gen.awk"
echo "data: $SELLERS sellers, $(($(wc -l <"$work/credits.csv") - 1)) credit rows," \
     "$(($(wc -l <"$work/people.csv") - 1)) people, $(du -h "$work/credits.csv" | cut -f1) of CSV"

cc -O2 -std=c11 -D_GNU_SOURCE -I"$root/src" -o "$work/engine_bench" "$here/engine_bench.c" \
   "$root/$BUILD/libreins.a" $(pkg-config --libs jansson sqlite3 libpq libsodium libmicrohttpd) \
   -lpthread -lm

run() { # PERIOD: the whole year is computed; lines of PERIOD are written
  /usr/bin/time -f "  whole command: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
    "$reins" comp calc --plan "$here/plan.json" --credits "$work/credits.csv" \
    --quotas "$work/quotas.csv" --people "$work/people.csv" --period "$1" \
    --out "$work/lines.csv" --totals "$work/totals.csv" --timings >"$work/summary.txt"
  sed 's/^/  /' "$work/summary.txt"
  echo "  lines file: $(du -h "$work/lines.csv" | cut -f1)"
}
echo "== reins comp calc --period 2026-12 (a year computed, December's lines written)"
run 2026-12
echo "== reins comp calc --period 2026 (every line of the year written, with its sentence)"
run 2026
echo "== the engine alone (comp_run_stream, 7 runs, lines counted and dropped)"
/usr/bin/time -f "  peak RSS %M KB (reading included)" \
  "$work/engine_bench" "$here/plan.json" "$work/credits.csv" "$work/quotas.csv" \
  "$work/people.csv" 2026-12 7 | sed 's/^/  /'
