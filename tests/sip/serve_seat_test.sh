#!/usr/bin/env bash
# End to end, hot-desking: a real `switchyard serve` on a demo database; SIPp as the caller, as
# the desk phone of demo seat 8101 (REGISTER with the seat's digest credentials) and as agent
# 8001's own phone. Checks what an agent would: the seat shows as registered among the choices,
# agent8001 picks it, goes ready, and a queued call rings the seat phone (not the agent's own
# extension); the call record names agent8001. Going offline returns them to their own extension.
set -euo pipefail
BIN=$1
SRC=$2
# shellcheck source=serve_common.sh
source "$SRC/tests/sip/serve_common.sh" seat

demo_data
demo_passwords
grep -q "Demo seat phones 8101 … 8110" "$TMP/demo.log" || fail "the demo does not print its seat phones"

cat >"$TMP/flow.yaml" <<'EOF2'
id: seat-test
entry: agent
nodes:
  agent:
    queue: {name: general, skills: {general: 1}, priority: 0}
    branches: {timeout: goodbye, full: goodbye, closed: goodbye}
  goodbye:
    hangup: {reason: ivr_complete}
EOF2

SWITCHYARD_SIP_SERVICES="95598=$TMP/flow.yaml" SWITCHYARD_SIP_TRUNKS=127.0.0.1 \
SWITCHYARD_ACD_RING_TIMEOUT_S=20 SWITCHYARD_ACD_REQUIRE_REGISTERED_PHONE=true start_serve

send() {  # method name path body: prints the HTTP status, the body in $TMP/out.json
  curl -s -o "$TMP/out.json" -w '%{http_code}' -X "$1" -b "$TMP/$2.jar" \
    -H "X-CSRF-Token: $(cat "$TMP/$2.csrf")" -H 'Content-Type: application/json' -d "$4" "$HTTP/api/v1/$3"
}
get() { curl -sf -b "$TMP/$1.jar" "$HTTP/api/v1/$2"; }
login admin "$ADMIN_PW" admin
login agent8001 "$AGENT_PW" a1


echo "$(date +%T) 1. the seat phone 8101 and agent8001's own phone register"
P_SEAT=$(free_port); P_OWN=$(free_port)
sipp -sf "$SCEN/agent_phone_answer.xml" -i 127.0.0.1 -p "$P_SEAT" -mp "$(rtp_port)" -m 1 -d 1000 \
  -nostdin -timeout 60s -timeout_error >"$TMP/seat.log" 2>&1 &
SEAT=$!; BG+=("$SEAT")
sipp -sf "$SCEN/agent_phone_answer.xml" -i 127.0.0.1 -p "$P_OWN" -mp "$(rtp_port)" -m 1 -d 1000 \
  -nostdin -timeout 60s >"$TMP/own.log" 2>&1 &
OWN=$!; BG+=("$OWN")
register 8101 "$P_SEAT" || fail "seat 8101 could not register with the seat's password"
register 8001 "$P_OWN" || fail "8001 could not register"
sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/agent_register.xml" -i 127.0.0.1 -m 1 -nostdin \
  -timeout 20s -timeout_error -key ext 8101 -key contact_port "$P_SEAT" -key expires 300 \
  -au 8101 -ap wrong-password >>"$TMP/register.log" 2>&1 && fail "seat 8101 registered with a wrong password"

echo "$(date +%T) 2. agent8001 sees the seat registered, picks it and goes ready"
for _ in $(seq 1 50); do
  get a1 agents/me/seat-choices >"$TMP/choices.json"
  python3 -c 'import json,sys; c=[x for x in json.load(open(sys.argv[1]))["choices"] if x["extension"]=="8101"]; sys.exit(0 if c and c[0]["registered"] else 1)' "$TMP/choices.json" && break
  sleep 0.1
done
python3 - "$TMP/choices.json" <<'PY' || fail "seat choices: $(cat "$TMP/choices.json")"
import json, sys
j = json.load(open(sys.argv[1]))
ext = [c["extension"] for c in j["choices"]]
assert j["current_extension"] == "8001" and ext[0] == "8001", j
assert ext[1:] == [str(8101 + i) for i in range(10)], ext
seat = j["choices"][1]
assert seat["registered"] and seat["label"] == "3楼A区1号", seat
PY
CODE=$(send PUT a1 agents/me/extension '{"extension":"8101"}')
[ "$CODE" = 200 ] || fail "picking seat 8101 answered $CODE: $(cat "$TMP/out.json")"
CODE=$(send POST a1 agents/me/state '{"state":"ready"}')
[ "$CODE" = 200 ] || fail "agent8001 could not go ready at the seat: $CODE $(cat "$TMP/out.json")"

echo "$(date +%T) 3. a queued call rings the seat phone, which answers"
CALLER=13900000007
sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/call_pcap.xml" -s 95598 -key caller "$CALLER" -i 127.0.0.1 \
  -mp "$(rtp_port)" -m 1 -nostdin -timeout 60s -timeout_error >"$TMP/caller.log" 2>&1 &
CALL=$!; BG+=("$CALL")
REC=
for _ in $(seq 1 150); do
  REC=$(get admin "calls?from=$CALLER" | python3 -c 'import json,sys; i=json.load(sys.stdin)["items"]; c=i[0] if i else None; print(json.dumps(c) if c and c["answered_at"] else "")' 2>/dev/null || true)
  [ -n "$REC" ] && break
  sleep 0.1
done
[ -n "$REC" ] || fail "the call was not answered"
echo "$REC" | python3 -c 'import json,sys; c=json.load(sys.stdin); assert c["agent"] == "agent8001", c' ||
  fail "the answered call does not name agent8001: $REC"
CALL_ID=$(echo "$REC" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
grep -q "ringing extension 8101 (agent" "$TMP/serve.log" || fail "the server did not ring 8101"
sleep 1
CODE=$(send POST a1 "calls/$CALL_ID/hangup" '{}')
[ "$CODE" = 200 ] || fail "hangup answered $CODE: $(cat "$TMP/out.json")"
wait "$SEAT" || fail "the seat phone did not get the call as scripted (ring, answer, BYE)"
wait "$CALL" || fail "the caller's call did not go as scripted"
kill -0 "$OWN" 2>/dev/null || fail "agent8001's own phone was called although they sit at 8101"
grep -q "ringing extension 8001 " "$TMP/serve.log" && fail "the server rang agent8001's own phone"

echo "$(date +%T) 4. offline: back at their own extension, the seat free"
CODE=$(send POST a1 agents/me/state '{"state":"offline"}')
[ "$CODE" = 200 ] || fail "offline answered $CODE: $(cat "$TMP/out.json")"
get a1 agents/me | python3 -c 'import json,sys; a=json.load(sys.stdin); assert a["current_extension"] == "8001", a' ||
  fail "offline did not return agent8001 to their own extension"
echo "OK"
