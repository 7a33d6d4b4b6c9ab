#!/usr/bin/env bash
# make test: every test, on SQLite and on PostgreSQL.
#
#   scripts/test.sh [BUILD_DIR]
#
# Unit tests (cmocka) run their storage tests on both databases; API tests
# (node:test against the real binary on a free port) run once per database;
# fuzz corpora are replayed. PostgreSQL: when no server is given (PGHOST
# unset), the whole run re-executes itself inside pg_virtualenv, which makes
# a throwaway cluster (it works as root too). Ends with "N passed, N failed".
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."

if [ -z "${PGHOST:-}" ] && [ -z "${REINS_TEST_NO_PG:-}" ]; then
  if command -v pg_virtualenv >/dev/null 2>&1; then
    exec pg_virtualenv -- "$0" "$@"
  fi
  echo "reins: pg_virtualenv not found (package postgresql-common): PostgreSQL runs skipped" >&2
fi
if [ -n "${PGHOST:-}" ]; then export REINS_TEST_PG=1; fi

pass=0
fail=0
failed_names=()
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

# Unit tests: cmocka's summary lines give the counts.
for t in $(find "$BUILD/tests" -type f -executable 2>/dev/null | sort); do
  name=${t#"$BUILD/tests/"}
  out="$log_dir/$(echo "$name" | tr / _).log"
  ( cd "$log_dir" && TMPDIR="$log_dir" "$OLDPWD/$t" ) >"$out" 2>&1
  rc=$?
  p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$out" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$f" -ne 0 ]; then
    failed_names+=("unit/$name"); cat "$out"
  fi
  echo "unit $name: $p passed, $f failed"
done

# Fuzz corpora, replayed by the gcc-built targets.
for t in $(find "$BUILD/fuzz" -type f -executable 2>/dev/null | sort); do
  name=$(basename "$t" _fuzz)
  if "$t" "fuzz/corpus/$name" >"$log_dir/fuzz_$name.log" 2>&1; then
    pass=$((pass + 1)); echo "fuzz $name: corpus replayed"
  else
    fail=$((fail + 1)); failed_names+=("fuzz/$name"); cat "$log_dir/fuzz_$name.log"
  fi
done

# API tests, once per database.
run_api() {
  local kind=$1 out="$log_dir/api_$1.log"
  REINS_BIN="$PWD/$BUILD/reins" REINS_TEST_DB=$kind \
    node --test --test-reporter=tap tests/api/ >"$out" 2>&1
  local rc=$?
  local p f
  p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$out" | tail -1)
  f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$out" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$f" -ne 0 ]; then
    failed_names+=("api/$kind"); grep -B2 -A30 '^not ok' "$out" | head -200
  fi
  echo "api on $kind: $p passed, $f failed"
}
if ls tests/api/*.test.mjs >/dev/null 2>&1; then
  run_api sqlite
  if [ -n "${REINS_TEST_PG:-}" ]; then run_api postgres; fi
fi

if [ ${#failed_names[@]} -ne 0 ]; then echo "failed: ${failed_names[*]}"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
