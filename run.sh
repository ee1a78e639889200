#!/usr/bin/env bash
# Quick start: install what is missing, build, make demo data on embedded SQLite, start the server.
# The first start on an empty database creates the admin user and prints its password once.
set -euo pipefail
cd "$(dirname "$0")"
./build.sh
mkdir -p var
if [ ! -f var/switchyard.db ]; then
  echo "Creating demo data (100,000 customers)…"
  build/switchyard demo-data --data var --customers "${SY_DEMO_CUSTOMERS:-100000}" --seed 1
fi
if [ -f web/dist/index.html ]; then
  echo "Web desktop built into web/dist: sign in at the URL below (agent /agent, supervisor /supervisor)."
else
  echo "No web build in web/dist (npm missing?): the server shows a placeholder page; the API works."
fi
exec build/switchyard serve --data var "$@"
