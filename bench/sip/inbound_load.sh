#!/usr/bin/env bash
# SIPp load into the IVR of a real `switchyard serve` (demo database, 127.0.0.1 only, bounded).
# Each call is answered, hears the IVR's prompts and echoes them back (sipp -rtp_echo: RTP both
# ways), and hangs up after HOLD_MS. Prints failed calls, the peak of concurrent calls, the
# server's CPU share and its late media ticks.
#   bench/sip/inbound_load.sh [BUILD_DIR]       env: RATE (200 calls/s), TOTAL (2000 calls),
#                                                    HOLD_MS (10000), MAX_CALLS (4000)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
BUILD=$(cd "${1:-$ROOT/build}" && pwd)
BIN=$BUILD/switchyard
RATE=${RATE:-200}
TOTAL=${TOTAL:-2000}
HOLD_MS=${HOLD_MS:-10000}
MAX_CALLS=${MAX_CALLS:-4000}
[ -x "$BIN" ] || { echo "build $BIN first"; exit 2; }
while [ -e /tmp/sy-quiet ]; do sleep 15; done  # someone else is measuring
TMP=$(mktemp -d /tmp/sy-sip-bench.XXXXXX)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

"$BIN" demo-data --customers 2000 --seed 1 --data "$TMP" >"$TMP/demo.log" 2>&1
SIP_PORT=$(python3 -c 'import socket; s=socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cd "$TMP"
SWITCHYARD_SIP_SERVICES="95598=$ROOT/config/flows/hotline-95598.yaml" SWITCHYARD_SIP_MAX_CALLS=$MAX_CALLS \
SWITCHYARD_RTP_PORT_MIN=20000 SWITCHYARD_RTP_PORT_MAX=29999 \
  "$BIN" serve --data "$TMP" --http 127.0.0.1:0 --sip "127.0.0.1:$SIP_PORT" >"$TMP/serve.log" 2>&1 &
SERVER_PID=$!
for _ in $(seq 1 100); do grep -q "SIP on" "$TMP/serve.log" && break; sleep 0.1; done
grep -q "SIP on" "$TMP/serve.log" || { cat "$TMP/serve.log"; exit 1; }
# Warm the prompt cache with one call so renders are not part of the measurement.
sipp "127.0.0.1:$SIP_PORT" -sf "$ROOT/tests/sip/scenarios/call_bye.xml" -s 95598 -key caller 13900000000 \
  -i 127.0.0.1 -m 1 -d 1000 -nostdin -timeout 20s >/dev/null 2>&1 || true

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SERVER_PID/stat"; }
HZ=$(getconf CLK_TCK)
T0=$(date +%s.%N); C0=$(cpu_ticks)
sipp "127.0.0.1:$SIP_PORT" -sf "$ROOT/tests/sip/scenarios/call_bye.xml" -s 95598 -key caller 13900000000 \
  -i 127.0.0.1 -r "$RATE" -m "$TOTAL" -l "$MAX_CALLS" -d "$HOLD_MS" -rtp_echo -mp 40000 \
  -nostdin -timeout $(( TOTAL / RATE + HOLD_MS / 1000 + 60 ))s -trace_stat -stf "$TMP/stat.csv" -fd 1 \
  >"$TMP/sipp.log" 2>&1 || true
T1=$(date +%s.%N); C1=$(cpu_ticks)
python3 - "$TMP/stat.csv" "$T0" "$T1" "$C0" "$C1" "$HZ" "$RATE" "$TOTAL" "$HOLD_MS" <<'PY'
import csv, sys
path, t0, t1, c0, c1, hz, rate, total, hold = sys.argv[1:]
rows = list(csv.reader(open(path), delimiter=';'))
head, data = rows[0], rows[1:]
col = {name: i for i, name in enumerate(head)}
last = data[-1]
peak = max(int(r[col['CurrentCall']]) for r in data)
wall = float(t1) - float(t0)
cpu = (int(c1) - int(c0)) / int(hz)
print(f"SIPp into the IVR: {rate} calls/s, {total} calls, {int(hold)/1000:.0f} s each, RTP both ways (sipp -rtp_echo)")
print(f"  successful calls: {last[col['SuccessfulCall(C)']]}")
print(f"  failed calls:     {last[col['FailedCall(C)']]}")
print(f"  peak concurrent:  {peak}")
print(f"  server CPU:       {cpu:.1f} s over {wall:.1f} s wall = {100*cpu/wall:.0f}% of one core (2 cores)")
PY
kill -TERM "$SERVER_PID"; wait "$SERVER_PID" || true; SERVER_PID=
grep -E "\] (sip|media|call records): " "$TMP/serve.log" | sed 's/^\[[^]]*\] \[info\] /  server: /'
python3 - "$TMP/switchyard.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
n, ended = db.execute("SELECT COUNT(*), COUNT(ended_at) FROM calls").fetchone()
print(f"  call records in the database: {n} ({ended} with their end written)")
PY
echo "  failed-call detail: $(grep -c "ended (failed)" "$TMP/serve.log" || true) calls ended by a SIP failure on the server side" 
