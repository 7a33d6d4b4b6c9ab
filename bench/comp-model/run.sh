#!/usr/bin/env bash
# Benchmark: plan modelling and a payout run in the product, on a year of a sales org.
#
#   bench/comp-model/run.sh [BUILD_DIR] [SELLERS] [DEALS] [RUNS]
#       (defaults: build 2000 200000 3)
#
# gen.awk writes the org (a VP, directors, managers, SELLERS sellers), their quarterly
# quotas for 2025 and DEALS deals won in 2025; `reins import` loads them into a fresh
# SQLite database (and 2% of the deals lost again, so their history has a change), and
# model_bench.c puts plan.json on everyone with a quota, splits some deals, and times
# comp_model (draft.json against plan.json on the year and on a quarter: what
# POST /api/v1/comp/plans/model answers) and December's payout run, stored.
# With REINS_BENCH_PG set to a PostgreSQL URL of an empty database, the same runs there.
set -eu
BUILD=${1:-build}
SELLERS=${2:-2000}
DEALS=${3:-200000}
RUNS=${4:-3}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
reins="$root/$BUILD/reins"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
libs="$(pkg-config --libs libmicrohttpd jansson sqlite3 libpq libsodium libxml-2.0 xlsxwriter) -lpthread -lm"
cc -O2 -std=c11 -D_GNU_SOURCE -I"$root/src" -o "$work/model_bench" "$here/model_bench.c" \
   "$root/$BUILD/libreins.a" $libs

awk -v sellers="$SELLERS" -v deals="$DEALS" -v out="$work" -f "$here/gen.awk"
echo "== $(($(wc -l <"$work/people.csv") - 1)) people ($SELLERS sellers), $DEALS deals won in 2025," \
     "$(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"

bench() { # DB URL
  local db=$1
  "$reins" --db "$db" init >/dev/null
  "$reins" --db "$db" import people "$work/people.csv" >/dev/null
  "$reins" --db "$db" import quotas "$work/quotas.csv" >/dev/null
  "$reins" --db "$db" import opportunities --source salesforce "$work/won.csv" >/dev/null
  "$reins" --db "$db" import opportunities --source salesforce "$work/lost.csv" >/dev/null
  /usr/bin/time -f "  peak RSS %M KB" "$work/model_bench" "$db" "$here/plan.json" "$here/draft.json" "$RUNS"
}

echo "== SQLite"
bench "$work/model.db"
if [ -n "${REINS_BENCH_PG:-}" ]; then
  echo "== PostgreSQL"
  bench "$REINS_BENCH_PG"
fi
