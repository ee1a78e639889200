#!/usr/bin/env bash
# End to end: a real `switchyard serve` on a demo database, called by SIPp as the trunk.
# Checks what a caller and an operator would: OPTIONS 200, the call is answered and the caller
# hears RTP, DTMF 2 then 1 (RFC 4733) reaches the fault-repair queue and leaves a contact row,
# malformed SDP gets 488 during that call, an untrusted source gets 403, and past max_calls a
# new call gets 503 while live calls finish normally.
set -euo pipefail
BIN=$1
SRC=$2
# shellcheck source=serve_common.sh
source "$SRC/tests/sip/serve_common.sh" serve

demo_data
SWITCHYARD_SIP_SERVICES="95598=$SRC/config/flows/hotline-95598.yaml" \
SWITCHYARD_SIP_MAX_CALLS=3 SWITCHYARD_SIP_TRUNKS=127.0.0.1 start_serve
curl -sf -c "$TMP/cookies" -H 'Content-Type: application/json' \
  -d "{\"username\":\"admin\",\"password\":\"$ADMIN_PW\"}" "$HTTP/api/v1/auth/login" >/dev/null \
  || fail "admin sign-in"
calls_api() { curl -sf -b "$TMP/cookies" "$HTTP/api/v1/calls$1"; }

sipp_call() {  # scenario, extra args...
  local scen=$1; shift
  sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/$scen" -s 95598 -i 127.0.0.1 -m 1 -l 1 -nostdin \
    -timeout 40s -timeout_error -recv_timeout 15000 "$@" >>"$TMP/sipp.log" 2>&1
}

echo "$(date +%T) 1. OPTIONS is answered 200 (UDP and TCP)"
sipp_call options.xml -key caller probe || fail "OPTIONS over UDP"
sipp_call options.xml -key caller probe -t t1 || fail "OPTIONS over TCP"

echo "$(date +%T) 2. a call is answered and the caller hears RTP (the welcome prompt)"
RTP_LISTEN=$(free_port)
python3 - "$RTP_LISTEN" >"$TMP/rtp.count" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", int(sys.argv[1])))
s.settimeout(0.5); n = 0; loud = 0; end = time.time() + 4.5
while time.time() < end:
    try:
        data, _ = s.recvfrom(2048)
    except socket.timeout:
        continue
    if len(data) >= 12 and data[0] >> 6 == 2 and (data[1] & 0x7f) == 0:
        n += 1
        if any(b not in (0xff, 0x7f) for b in data[12:]): loud += 1  # mu-law silence is 0xff
print(n, loud)
PY
LISTENER=$!
sipp_call call_rtp.xml -key caller 13900000001 -key rtp_port "$RTP_LISTEN" -d 3000 || fail "call with RTP"
wait "$LISTENER"
read -r PACKETS LOUD <"$TMP/rtp.count"
echo "   RTP packets received by the caller: $PACKETS ($LOUD with sound)"
[ "$PACKETS" -ge 50 ] || fail "expected at least 50 RTP packets (20 ms each) in 3 s, got $PACKETS"
[ "$LOUD" -ge 10 ] || fail "the RTP carried no prompt audio"

echo "$(date +%T) 3. DTMF 2 (repair) then 1 (this number) by RFC 4733; malformed SDP meanwhile gets 488"
CALLER=075500009999
sipp_call ivr_repair.xml -key caller "$CALLER" -mp "$(free_port)" &
IVR=$!
sleep 2
sipp_call bad_sdp_488.xml -key caller 13900000002 || fail "malformed SDP was not answered 488"
wait "$IVR" || fail "the IVR call did not go as scripted"
FOUND=0
for _ in $(seq 1 50); do
  FOUND=$(python3 - "$TMP/switchyard.db" "$CALLER" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT COUNT(*) FROM contacts WHERE phone = ? AND category = 'fault_repair'",
                 (sys.argv[2],)).fetchone()[0])
PY
)
  [ "$FOUND" -ge 1 ] && break
  sleep 0.1
done
[ "$FOUND" -ge 1 ] || fail "no fault-repair contact row for $CALLER"
grep -q "ivr path welcome>" "$TMP/serve.log" || fail "no call summary with the IVR path"
# The call record, as an operator reads it (GET /api/v1/calls): ended by the caller, the IVR
# path through the repair menu into the repair queue, the queue and the wait.
RECORD_OK=0
for _ in $(seq 1 50); do
  calls_api "?from=$CALLER" >"$TMP/calls.json" 2>/dev/null || true
  if python3 - "$TMP/calls.json" "$CALLER" >"$TMP/record.txt" 2>&1 <<'PY'
import json, sys
items = json.load(open(sys.argv[1]))["items"]
assert len(items) == 1, f"{len(items)} records"
c = items[0]
print(json.dumps(c, ensure_ascii=False))
assert c["ended_at"] and c["end_reason"] == "caller_hangup", c["end_reason"]
path = c["ivr_path"]
assert path[0] == "welcome" and path[-1] == "repair_queue", path
assert "repair" in path and "repair_use_caller" in path, path
assert c["queue"] == "repair" and c["wait_s"] is not None, (c["queue"], c["wait_s"])
assert c["to"] == "95598" and c["from"] == sys.argv[2], (c["to"], c["from"])
PY
  then RECORD_OK=1; break; fi
  sleep 0.1
done
[ "$RECORD_OK" = 1 ] || { cat "$TMP/record.txt"; fail "the call record is not as expected"; }
echo "   record: $(head -c 400 "$TMP/record.txt")"

echo "$(date +%T) 4. an untrusted source gets 403"
sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/reject_403.xml" -s 95598 -key caller 1 -i 127.0.0.2 -m 1 \
  -nostdin -timeout 20s -timeout_error >>"$TMP/sipp.log" 2>&1 || fail "untrusted source not refused with 403"

echo "$(date +%T) 5. past max_calls (3) a new call gets 503 + Retry-After; the live calls finish normally"
sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/call_bye.xml" -s 95598 -key caller 13900000003 -i 127.0.0.1 \
  -m 3 -l 3 -r 10 -d 4000 -nostdin -timeout 40s -timeout_error >>"$TMP/sipp.log" 2>&1 &
LIVE=$!
sleep 1.5
sipp_call overload_503.xml -key caller 13900000004 || fail "no 503 past max_calls"
wait "$LIVE" || fail "a live call was harmed by the overload"
grep -q "caller_hangup" "$TMP/serve.log" || fail "no call ended by the caller's BYE"
echo "OK"
