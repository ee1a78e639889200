#!/usr/bin/env bash
# What gzip costs and saves on a JSON API route: starts `switchyard serve` on a demo database,
# signs in a bench user, prints the size of one page of GET /api/v1/customers with and without
# gzip, then runs wrk on it without and with "Accept-Encoding: gzip" (requests/s, latency).
# Loopback only; bounded in time (ROUNDS × two wrk runs of DURATION each, 1 thread, 4
# connections).
#
#   [ROUNDS=1] bench/api/gzip_http.sh DATA_DIR [DURATION] [BINARY]
#   DATA_DIR holds switchyard.db made by `switchyard demo-data --data DATA_DIR --customers N`.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:?usage: gzip_http.sh DATA_DIR [DURATION] [BINARY]}
duration=${2:-10s}
bin=${3:-build/switchyard}
rounds=${ROUNDS:-1}
[ -f "$data/switchyard.db" ] || { echo "no database in $data (run switchyard demo-data --data $data first)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/sy-gzip-bench.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

user="bench$RANDOM$RANDOM"
pass="bench-pass-$RANDOM$RANDOM"
echo "$pass" | "$bin" user add --data "$data" --username "$user" --role supervisor --password-stdin >/dev/null

"$bin" serve --data "$data" --http 127.0.0.1:0 --sip 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
server_pid=$!
port=""
for _ in $(seq 300); do
  port=$(sed -n 's|.*open http://127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$tmp/out")
  [ -n "$port" ] && break
  sleep 0.1
done
[ -n "$port" ] || { echo "server did not start:" >&2; cat "$tmp/err" >&2; exit 1; }
base="http://127.0.0.1:$port"

cookie=$(curl -s -D - -o /dev/null -H 'Content-Type: application/json' \
  -d "{\"username\":\"$user\",\"password\":\"$pass\"}" "$base/api/v1/auth/login" |
  sed -n 's/^[Ss]et-[Cc]ookie: \(sy_session=[^;]*\).*/\1/p')
[ -n "$cookie" ] || { echo "sign-in failed" >&2; exit 1; }

path="/api/v1/customers?page_size=50"
plain=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "Cookie: $cookie" "$base$path")
gz=$(curl -s -o /dev/null -w '%{http_code} %{size_download}' -H "Cookie: $cookie" -H 'Accept-Encoding: gzip' "$base$path")
echo "GET $path: identity ${plain#* } bytes (status ${plain% *}), gzip ${gz#* } bytes (status ${gz% *})"

cat >"$tmp/report.lua" <<'LUA'
done = function(summary, latency, requests)
  io.write(string.format("  %.0f requests/s, latency p50 %.2f ms, p99 %.2f ms; %d requests, %d errors, %.1f KiB/request read\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout,
    summary.bytes / summary.requests / 1024))
end
LUA
# Alternating rounds, so that load from elsewhere on the machine falls on both alike.
for round in $(seq "$rounds"); do
  echo "round $round, wrk -t1 -c4 -d$duration, no Accept-Encoding:"
  wrk -t1 -c4 -d"$duration" -s "$tmp/report.lua" -H "Cookie: $cookie" "$base$path" | tail -1
  echo "round $round, wrk -t1 -c4 -d$duration, Accept-Encoding: gzip:"
  wrk -t1 -c4 -d"$duration" -s "$tmp/report.lua" -H "Cookie: $cookie" -H 'Accept-Encoding: gzip' "$base$path" | tail -1
done
