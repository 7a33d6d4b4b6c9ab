#!/usr/bin/env bash
# Benchmark: the territory engine (reins territory solve) on the public instances of
# ../shared/data/territory (when present) and on a generated large one (100,000 accounts
# into 200 territories). Prints objective, balance, time and peak memory per instance.
set -eu
BUILD=${1:-build}
reins="$PWD/$BUILD/reins"
here=$(cd "$(dirname "$0")" && pwd)
data=${REINS_TERRITORY_DATA:-}
for d in "$PWD/../shared/data/territory" "$PWD/../../shared/data/territory"; do
  [ -z "$data" ] && [ -d "$d" ] && data=$d
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# run NAME ARGS...: one solve, its report summarised on one line
run() {
  local name=$1; shift
  /usr/bin/time -f '%M' -o "$work/mem" "$reins" territory solve "$@" >"$work/report"
  awk -v name="$name" -v mem="$(cat "$work/mem")" '
    /^objective/ { obj = $2 }
    /^balance/   { bal = $2 == "met" ? "met" : "missed " $NF }
    /^method/    { m = $0; sub(/^method +/, "", m); m = m ~ /optimal/ ? "optimal" : "search" }
    /^time/      { t = $2 }
    END { printf "%-22s %14s  %-18s %-8s %7ss %7.1f MB\n", name, obj, bal, m, t, mem / 1024 }
  ' "$work/report"
}

printf "%-22s %14s  %-18s %-8s %8s %10s\n" instance objective balance method time peak-mem
if [ -n "$data" ]; then
  p="$data/pfizer-22x4"
  for band in 0.20 0.15 0.10; do
    run "pfizer-22x4 +-$band" --units "$p/bricks_index_values.csv" \
      --home-distances "$p/brick_rp_distances.csv" --homes 4,14,16,22 --tolerance "$band"
  done
  for g in 0 1 2 3 4; do
    run "dtdp planar500_G$g" --graphml "$data/dtdp-planar500/planar500_G$g.graphml" --k 10 \
      --objective diameter --tolerance 0.05 --time-limit 5 --seed 1
  done
  echo "published VNS largest diameters (published_results.csv):"
  awk -F, '$2 == "VNSExperiments" { printf "  %s %.3f in %ss\n", $1, $3, $5 }' \
    "$data/dtdp-planar500/published_results.csv"
else
  echo "no ../shared/data/territory: public instances skipped (set REINS_TERRITORY_DATA)"
fi
awk -v n=100000 -v k=200 -v seed=1 -v out="$work" -f "$here/gen.awk"
run "generated 100000x200" --units "$work/units.csv" --territories "$work/territories.csv" \
  --measures workload,potential --tolerance 0.05 --time-limit 60 --seed 1
