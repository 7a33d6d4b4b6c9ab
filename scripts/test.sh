#!/usr/bin/env bash
# make test: every test, on SQLite and on PostgreSQL.
#
#   scripts/test.sh [BUILD_DIR]
#
# Unit tests (cmocka) run their storage tests on both databases; API tests
# (node:test against the real binary on a free port) run once per database;
# browser tests (headless Debian chromium, playwright-core) once; fuzz
# corpora are replayed; the unit tests of code that shares work between
# threads run again under valgrind's helgrind (race checks). PostgreSQL: when no server is given (PGHOST unset),
# the whole run re-executes itself inside pg_virtualenv, which makes a
# throwaway cluster (it works as root too). Ends with "N passed, N failed".
set -u
BUILD=${1:-build}
cd "$(dirname "$0")/.."

if [ -z "${PGHOST:-}" ] && [ -z "${REINS_TEST_NO_PG:-}" ]; then
  if command -v pg_virtualenv >/dev/null 2>&1; then
    exec pg_virtualenv -t -- "$0" "$@"
  fi
  echo "reins: pg_virtualenv not found (package postgresql-common): PostgreSQL runs skipped" >&2
fi
if [ -n "${PGHOST:-}" ]; then export REINS_TEST_PG=1; fi

pass=0
fail=0
failed_names=()
log_dir=$(mktemp -d)
trap 'rm -rf "$log_dir"' EXIT

# Add one suite's counts: NAME LOG EXIT_CODE PASSED_REGEX FAILED_REGEX.
# A suite that exits non-zero without reporting a failure counts as one.
tally() {
  local name=$1 out=$2 rc=$3 p f
  p=$(sed -n "s/$4/\\1/p" "$out" | tail -1)
  f=$(sed -n "s/$5/\\1/p" "$out" | tail -1)
  p=${p:-0}; f=${f:-0}
  if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then f=1; fi
  pass=$((pass + p)); fail=$((fail + f))
  if [ "$f" -ne 0 ]; then
    failed_names+=("$name")
    if grep -q '^not ok' "$out"; then grep -B2 -A30 '^not ok' "$out" | head -300; else cat "$out"; fi
  fi
  echo "$name: $p passed, $f failed"
}
CMOCKA_PASSED='^\[  PASSED  \] \([0-9]*\) test.*'
CMOCKA_FAILED='^\[  FAILED  \] \([0-9]*\) test.*'
TAP_PASSED='^# pass \([0-9]*\)'
TAP_FAILED='^# fail \([0-9]*\)'

# Unit tests; each runs in a scratch folder, its SQLite files there too.
for t in $(find "$BUILD/tests" -type f -executable 2>/dev/null | sort); do
  name=${t#"$BUILD/tests/"}
  out="$log_dir/$(echo "$name" | tr / _).log"
  ( cd "$log_dir" && TMPDIR="$log_dir" "$OLDPWD/$t" ) >"$out" 2>&1
  tally "unit $name" "$out" $? "$CMOCKA_PASSED" "$CMOCKA_FAILED"
done

# Race checks: the tests whose code shares work between threads, again under helgrind, each
# counting as one test (a sanitizer build cannot run under valgrind; its tests ran above).
if ldd "$BUILD/reins" 2>/dev/null | grep -q libasan; then
  echo "race checks: not with a sanitizer build"
else
  for name in core/test_threads comp/test_comp comp/test_comp_halves; do
    out="$log_dir/races_$(echo "$name" | tr / _).log"
    if ( cd "$log_dir" && TMPDIR="$log_dir" valgrind --tool=helgrind -q --error-exitcode=1 \
           --suppressions="$OLDPWD/tests/helgrind.supp" "$OLDPWD/$BUILD/tests/$name" ) >"$out" 2>&1
    then echo "# pass 1" >>"$out"; rc=0; else rc=1; fi
    tally "races $name" "$out" $rc "$TAP_PASSED" "$TAP_FAILED"
  done
fi

# Fuzz corpora, replayed by the gcc-built targets: each replay counts as one test.
for t in $(find "$BUILD/fuzz" -type f -executable 2>/dev/null | sort); do
  name=$(basename "$t" _fuzz)
  out="$log_dir/fuzz_$name.log"
  if "$t" "fuzz/corpus/$name" >"$out" 2>&1; then echo "# pass 1" >>"$out"; rc=0; else rc=1; fi
  tally "fuzz $name" "$out" $rc "$TAP_PASSED" "$TAP_FAILED"
done

# API tests, once per database.
if ls tests/api/*.test.mjs >/dev/null 2>&1; then
  for kind in sqlite ${REINS_TEST_PG:+postgres}; do
    out="$log_dir/api_$kind.log"
    REINS_BIN="$PWD/$BUILD/reins" REINS_TEST_DB=$kind \
      node --test --test-reporter=tap tests/api/ >"$out" 2>&1
    tally "api on $kind" "$out" $? "$TAP_PASSED" "$TAP_FAILED"
  done
fi

# Browser tests: headless Debian chromium driven by playwright-core (npm, pinned).
if ls tests/browser/*.test.mjs >/dev/null 2>&1; then
  if [ ! -d node_modules/playwright-core ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund --loglevel=error >"$log_dir/npm.log" 2>&1 || cat "$log_dir/npm.log"
  fi
  out="$log_dir/browser.log"
  REINS_BIN="$PWD/$BUILD/reins" node --test --test-reporter=tap tests/browser/ >"$out" 2>&1
  tally "browser" "$out" $? "$TAP_PASSED" "$TAP_FAILED"
fi

if [ ${#failed_names[@]} -ne 0 ]; then echo "failed: ${failed_names[*]}"; fi
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
