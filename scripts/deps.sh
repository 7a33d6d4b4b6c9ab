#!/usr/bin/env bash
# Install the Debian 12 packages reins needs: `deps.sh run` to build and run,
# `deps.sh test` also for the tests (PostgreSQL, cmocka, Node.js, Chromium, valgrind).
# As root it installs what is missing; otherwise it prints the one command to run.
set -eu
pkgs=(gcc make pkg-config libmicrohttpd-dev libjansson-dev libsqlite3-dev libpq-dev
      libsodium-dev libxml2-dev libxlsxwriter-dev)
if [ "${1:-run}" = test ]; then
  pkgs+=(libcmocka-dev postgresql postgresql-client postgresql-common chromium sqlite3 unzip
         valgrind)
  command -v node >/dev/null 2>&1 || pkgs+=(nodejs npm)
fi
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "reins: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "reins: missing Debian packages; run:"
  echo "  sudo apt-get install -y ${missing[*]}"
  exit 1
fi
