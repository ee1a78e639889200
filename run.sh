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
exec build/switchyard serve --data var "$@"
