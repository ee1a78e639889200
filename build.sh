#!/usr/bin/env bash
# Release build into build/ (binary build/switchyard) and the web UI into web/dist.
set -euo pipefail
cd "$(dirname "$0")"
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSY_SANITIZE=OFF >/dev/null
ninja -C build
if [ -f web/package.json ]; then
  (cd web && npm run --silent build)
fi
