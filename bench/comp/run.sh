#!/usr/bin/env bash
# Benchmark: `reins comp calc` and the engine alone, on two datasets.
#
#   bench/comp/run.sh [BUILD_DIR] [SELLERS] [CREDIT_ROWS] [FLAT_PAYEES] [FLAT_ROWS]
#       (defaults: build 2000 500000 10000 10000000; FLAT_ROWS=0 skips the flat case)
#
# 1. A year of a sales org (gen.awk, plan.json): a mixed plan with a hold
#    threshold, roll-up to managers and directors, an overlay share, a SPIF,
#    caps per credit and per plan, milestone bonuses and a recoverable draw.
# 2. The issue's large case (gen_flat.c, plan-flat.json): 10 million credits for
#    10,000 payees with marginal tiers, 60/40 splits, overlays, a SPIF and a cap
#    per quarter; the credits file is about 640 MB.
# The machine is shared: wall times suffer when other work holds the cores, so
# each run prints the load average, and CPU times (user + sys, --timings and
# engine_bench) are the steadier numbers.
set -eu
BUILD=${1:-build}
SELLERS=${2:-2000}
ROWS=${3:-500000}
FLAT_PAYEES=${4:-10000}
FLAT_ROWS=${5:-10000000}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reins="$root/$BUILD/reins"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
libs="$(pkg-config --libs jansson sqlite3 libpq libsodium libmicrohttpd libxml-2.0) -lpthread -lm"

cc -O2 -std=c11 -D_GNU_SOURCE -I"$root/src" -o "$work/engine_bench" "$here/engine_bench.c" \
   "$root/$BUILD/libreins.a" $libs
cc -O2 -std=c11 -o "$work/gen_flat" "$here/gen_flat.c"
cc -O2 -std=c11 -D_GNU_SOURCE -o "$work/fresh_memory" "$here/fresh_memory.c"

# What this machine charges for new memory (README.md, ninth round): the 10 M case's
# whole command touches about 1 GB of it, so its times compare across machines only
# next to this line. Then a pause, so that the memory the probe freed is cold again.
echo "== this machine: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)," \
     "transparent huge pages $(sed 's/.*\[\(.*\)\].*/\1/' /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null || echo unknown)"
"$work/fresh_memory" 512 | sed 's/^/  /'
sleep 5

calc() { # DIR PLAN PERIOD [--people FILE]: the whole command, timed
  local dir=$1 plan=$2 period=$3
  shift 3
  echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "  whole command: %e s wall, %U s user, %S s sys, peak RSS %M KB" \
    "$reins" comp calc --plan "$plan" --credits "$dir/credits.csv" \
    --quotas "$dir/quotas.csv" "$@" --period "$period" \
    --out "$dir/lines.csv" --totals "$dir/totals.csv" --timings >"$dir/summary.txt"
  sed 's/^/  /' "$dir/summary.txt"
  echo "  lines file: $(du -h "$dir/lines.csv" | cut -f1)"
  rm -f "$dir/lines.csv"
}

engine() { # DIR PLAN PEOPLE|- RUNS [WORKERS]
  echo "  load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  /usr/bin/time -f "  peak RSS %M KB (reading included)" \
    "$work/engine_bench" "$2" "$1/credits.csv" "$1/quotas.csv" "$3" 2026-12 "$4" ${5:-} |
    sed 's/^/  /'
}

year="$work/year"
mkdir -p "$year"
awk -v sellers="$SELLERS" -v credits="$ROWS" -v out="$year" -f "$here/gen.awk"
echo "== year: $SELLERS sellers, $(($(wc -l <"$year/credits.csv") - 1)) credit rows," \
     "$(($(wc -l <"$year/people.csv") - 1)) people, $(du -h "$year/credits.csv" | cut -f1) of CSV"
echo "== reins comp calc --period 2026-12 (a year computed, December's lines written)"
calc "$year" "$here/plan.json" 2026-12 --people "$year/people.csv"
echo "== reins comp calc --period 2026 (every line of the year written, with its sentence)"
calc "$year" "$here/plan.json" 2026 --people "$year/people.csv"
echo "== the engine alone (comp_run_stream, 7 runs, lines counted and dropped)"
engine "$year" "$here/plan.json" "$year/people.csv" 7
rm -rf "$year"

[ "$FLAT_ROWS" -gt 0 ] || exit 0
flat="$work/flat"
mkdir -p "$flat"
"$work/gen_flat" "$FLAT_PAYEES" "$FLAT_ROWS" "$flat"
echo "== flat: $FLAT_PAYEES payees, $(($(wc -l <"$flat/credits.csv") - 1)) credit rows," \
     "$(du -h "$flat/credits.csv" | cut -f1) of CSV"
# Three times: on this VM memory the process has not touched for a while costs far more
# the first time (see README.md, eighth round), so the first run is the cold case and the
# next two, each right after the one before, the warm one.
for run in 1 2 3; do
  echo "== reins comp calc --period 2026-12 (a year computed, December's lines written), run $run of 3"
  calc "$flat" "$here/plan-flat.json" 2026-12
done
echo "== the engine alone (comp_run_stream, 3 runs, lines counted and dropped), every core"
engine "$flat" "$here/plan-flat.json" - 3
echo "== the engine alone on one thread"
engine "$flat" "$here/plan-flat.json" - 3 1
