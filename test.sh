#!/usr/bin/env bash
# Installs, builds (release and ASan/UBSan) and runs every test: unit and integration tests through
# CTest on both databases (SQLite and a throw-away PostgreSQL), then the page tests in Chromium.
set -euo pipefail
cd "$(dirname "$0")"
root=$PWD
scripts/install-deps.sh

echo "== release build"
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSY_SANITIZE=OFF >/dev/null
ninja -C build
if [ -f web/package.json ]; then (cd web && npm run --silent build); fi

echo "== sanitizer build (ASan + UBSan)"
cmake -S . -B build-asan -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSY_SANITIZE=ON -DSY_BUILD_BENCH=OFF >/dev/null
ninja -C build-asan

# A throw-away PostgreSQL cluster for the store tests; removed on exit.
if [ -x scripts/pg-temp.sh ]; then
  pgdir=$(mktemp -d /tmp/sy-pg.XXXXXX)
  trap 'scripts/pg-temp.sh stop "$pgdir" || true; rm -rf "$pgdir"' EXIT
  SY_TEST_PG_URL=$(scripts/pg-temp.sh start "$pgdir")
  export SY_TEST_PG_URL
  echo "== PostgreSQL for tests at $SY_TEST_PG_URL"
fi

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
echo "== tests (release)"
ctest --test-dir build --output-on-failure -j2 --timeout 600
echo "== tests (sanitizers)"
ctest --test-dir build-asan --output-on-failure -j2 --timeout 900 -LE no_sanitizer

if [ -f tests/web/package.json ]; then
  echo "== page tests (Chromium)"
  (cd tests/web && SY_BINARY="$root/build/switchyard" SY_WEB_DIST="$root/web/dist" node --test --test-concurrency=1 ./*.test.mjs)
fi
