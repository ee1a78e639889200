#!/usr/bin/env bash
# Installs whatever Switchyard needs that this Debian 12 machine lacks (apt), and the web UI's npm
# packages. Fast when everything is present: it only asks dpkg.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build ccache pkg-config git curl
  libboost-dev libsqlite3-dev sqlite3 libpqxx-dev libpq-dev postgresql-15
  libargon2-dev libsodium-dev libssl-dev libyaml-cpp-dev libspdlog-dev libfmt-dev nlohmann-json3-dev
  libgtest-dev libgmock-dev libbenchmark-dev wrk nginx-light zlib1g-dev
  libsofia-sip-ua-dev libspandsp-dev espeak-ng sox libsndfile1-dev libmp3lame-dev sip-tester baresip
  libxlsxwriter-dev libhpdf-dev poppler-utils
  kannel kannel-extras
  nodejs npm chromium fonts-wqy-microhei
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
# A machine whose node came from elsewhere (not Debian's package) is fine as it is.
if command -v node >/dev/null && command -v npm >/dev/null; then
  missing=("${missing[@]/nodejs}"); missing=("${missing[@]/npm}")
fi
missing=($(printf '%s\n' "${missing[@]}" | grep -v '^$' || true))

if [ ${#missing[@]} -gt 0 ]; then
  echo "Installing: ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Web UI and page-test packages, pinned by package-lock.json.
for dir in web tests/web; do
  if [ -f "$dir/package.json" ]; then
    if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
      echo "npm ci in $dir"
      (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
    fi
  fi
done
