#!/usr/bin/env bash
# make run: a demo organisation in demo.db (made once), served on 127.0.0.1:8080.
set -eu
reins=${1:-build/reins}
db=${REINS_DEMO_DB:-demo.db}
password=${REINS_DEMO_PASSWORD:-reins-demo}
if [ ! -f "$db" ]; then
  "$reins" --db "$db" demo --seed 1 --password "$password"
else
  echo "reins: using the existing $db (delete it for a fresh demo); demo password: $password"
  "$reins" --db "$db" user list | sed -n '1,4p'
fi
echo "reins: open http://127.0.0.1:8080 and log in with one of the emails above (API under /api/v1)"
exec "$reins" --db "$db" serve --listen "${REINS_LISTEN:-127.0.0.1:8080}"
