#!/usr/bin/env bash
# Screen pop through HTTP: starts `switchyard serve` on a demo database, signs in a bench user,
# and runs wrk against GET /api/v1/customers/lookup with a different customer's phone number on
# every request (latency percentiles), then the same-URL comparison against nginx serving a
# static file of the same size (bench/http/compare_nginx.sh). Loopback only; bounded in time.
#
#   bench/api/lookup_http.sh DATA_DIR [DURATION]
#   DATA_DIR holds switchyard.db made by `switchyard demo-data --data DATA_DIR --customers N`.
set -euo pipefail
cd "$(dirname "$0")/../.."
data=${1:?usage: lookup_http.sh DATA_DIR [DURATION]}
duration=${2:-10s}
bin=build/switchyard
db="$data/switchyard.db"
[ -f "$db" ] || { echo "no database at $db (run switchyard demo-data --data $data first)" >&2; exit 2; }

tmp=$(mktemp -d /tmp/sy-lookup-bench.XXXXXX)
server_pid=""
cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

user="bench$RANDOM$RANDOM"
pass="bench-pass-$RANDOM$RANDOM"
echo "$pass" | "$bin" user add --data "$data" --username "$user" --role agent --password-stdin >/dev/null

"$bin" serve --data "$data" --http 127.0.0.1:0 >"$tmp/out" 2>"$tmp/err" &
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

customers=$(sqlite3 "$db" "SELECT COUNT(*) FROM customers")
# 2,000 phone numbers spread over the whole table, for wrk to cycle through.
sqlite3 "$db" "SELECT phone FROM customer_phones WHERE rowid % (SELECT MAX(1, COUNT(*) / 2000) FROM customer_phones) = 0 LIMIT 2000" >"$tmp/phones"
{
  echo "local phones = {"
  sed 's/.*/"&",/' "$tmp/phones"
  echo "}"
  echo "local i = 0"
  echo "wrk.headers[\"Cookie\"] = \"$cookie\""
  echo 'request = function() i = i + 1; return wrk.format("GET", "/api/v1/customers/lookup?phone=" .. phones[(i % #phones) + 1]) end'
  echo 'done = function(summary, latency, requests)'
  echo '  io.write(string.format("lookup latency: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms; %d requests, %d errors\n",'
  echo '    latency:percentile(50)/1000, latency:percentile(90)/1000, latency:percentile(99)/1000, latency.max/1000,'
  echo '    summary.requests, summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))'
  echo 'end'
} >"$tmp/lookup.lua"

echo "== $customers customers; $(wc -l <"$tmp/phones") different phone numbers; wrk -t2 -c16 -d$duration; $(nproc) CPUs"
timeout 120 wrk -t2 -c16 -d"$duration" -s "$tmp/lookup.lua" "$base" | grep -E "Requests/sec|lookup latency"
echo "== one lookup URL against nginx serving a file of the same size"
bench/http/compare_nginx.sh "$base/api/v1/customers/lookup?phone=$(head -1 "$tmp/phones")" "$cookie" "$duration"
