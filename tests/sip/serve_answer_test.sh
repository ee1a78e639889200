#!/usr/bin/env bash
# End to end, answering from the desktop: a real `switchyard serve` on a demo database; SIPp as
# the caller and as two agents' desk phones (REGISTER with digest auth; RTP from SIPp's pcaps).
# Checks what an agent would:
#  - 8001's phone accepts the remote answer (NOTIFY Event: talk): POST /api/v1/calls/{id}/answer
#    answers 200 (another agent's gets 403), the phone picks up, the call is bridged and recorded
#    with both voices, answering again is 409 invalid_call_state, the agent hangs up from the
#    desktop and the record names the agent;
#  - 8002's phone refuses it (489 Bad Event): 409 not_supported_by_phone at once, the phone keeps
#    ringing and the call is answered when the agent picks up the handset.
set -euo pipefail
BIN=$1
SRC=$2
# shellcheck source=serve_common.sh
source "$SRC/tests/sip/serve_common.sh" answer

demo_data
demo_passwords

# Callers go straight to the general queue: this test is about the agent's side.
cat >"$TMP/flow.yaml" <<'EOF'
id: answer-test
entry: agent
nodes:
  agent:
    queue: {name: general, skills: {general: 1}, priority: 0}
    branches: {timeout: goodbye, full: goodbye, closed: goodbye}
  goodbye:
    hangup: {reason: ivr_complete}
EOF

SWITCHYARD_SIP_SERVICES="95598=$TMP/flow.yaml" SWITCHYARD_SIP_TRUNKS=127.0.0.1 \
SWITCHYARD_ACD_RING_TIMEOUT_S=20 SWITCHYARD_ACD_REQUIRE_REGISTERED_PHONE=true start_serve

post() {  # name path body: prints "HTTP-status seconds", the body in $TMP/post.out
  curl -s -o "$TMP/post.out" -w '%{http_code} %{time_total}\n' -b "$TMP/$1.jar" \
    -H "X-CSRF-Token: $(cat "$TMP/$1.csrf")" -H 'Content-Type: application/json' -d "$3" "$HTTP/api/v1/$2"
}
api() { curl -sf -b "$TMP/admin.jar" "$HTTP/api/v1/$1"; }
error_code() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["error"]["code"])' "$TMP/post.out"; }
login admin "$ADMIN_PW" admin
login agent8001 "$AGENT_PW" a1
login agent8002 "$AGENT_PW" a2

call_of() {  # phone: the id of the newest call from it
  for _ in $(seq 1 100); do
    api "calls?from=$1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])' 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}
answer_when_offered() {  # name call: POST answer once the call rings for the agent ("HTTP-status seconds")
  local out
  for _ in $(seq 1 100); do
    out=$(post "$1" "calls/$2/answer" '{}')
    case "$out" in 403*|404*) sleep 0.1 ;; *) echo "$out"; return 0 ;; esac
  done
  echo "$out"
}
record() {  # phone: the newest call record from it, once `python-condition` on it (c) holds
  for _ in $(seq 1 100); do
    api "calls?from=$1" >"$TMP/rec.json" 2>/dev/null || true
    if python3 -c "import json,sys; i=json.load(open(sys.argv[1]))['items']; c=i[0] if i else None; sys.exit(0 if c and ($2) else 1)" "$TMP/rec.json" 2>/dev/null; then
      python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["items"][0], ensure_ascii=False))' "$TMP/rec.json"
      return 0
    fi
    sleep 0.1
  done
  return 1
}

echo "$(date +%T) 1. desk phones register: 8001 answers on NOTIFY Event: talk, 8002 refuses it"
P1=$(free_port); P2=$(free_port)
sipp -sf "$SRC/tests/web/scenarios/agent_phone_talk.xml" -i 127.0.0.1 -p "$P1" -mp "$(rtp_port)" \
  -m 1 -nostdin -timeout 60s -timeout_error >"$TMP/phone1.log" 2>&1 &
PHONE1=$!; BG+=("$PHONE1")
sipp -sf "$SCEN/agent_talk_refused.xml" -i 127.0.0.1 -p "$P2" -mp "$(rtp_port)" -m 1 -d 2500 \
  -nostdin -timeout 60s -timeout_error >"$TMP/phone2.log" 2>&1 &
PHONE2=$!; BG+=("$PHONE2")
register 8001 "$P1" || fail "8001 could not register"
register 8002 "$P2" || fail "8002 could not register"

echo "$(date +%T) 2. 8001 answers the ringing call from the desktop"
read -r CODE _ < <(post a1 agents/me/state '{"state":"ready"}')
[ "$CODE" = 200 ] || fail "agent8001 could not go ready: $CODE $(cat "$TMP/post.out")"
PHONE_A=13900000001
sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/call_pcap.xml" -s 95598 -key caller "$PHONE_A" -i 127.0.0.1 \
  -mp "$(rtp_port)" -m 1 -nostdin -timeout 60s -timeout_error >"$TMP/callerA.log" 2>&1 &
CALLER_A=$!; BG+=("$CALLER_A")
CALL_A=$(call_of "$PHONE_A") || fail "no call from caller A"
read -r CODE SECONDS_TAKEN < <(answer_when_offered a1 "$CALL_A")
[ "$CODE" = 200 ] || fail "answer answered $CODE: $(cat "$TMP/post.out")"
echo "   answered from the desktop in ${SECONDS_TAKEN} s"
read -r CODE _ < <(post a2 "calls/$CALL_A/answer" '{}')
[ "$CODE" = 403 ] || fail "another agent's answer answered $CODE: $(cat "$TMP/post.out")"
REC=$(record "$PHONE_A" 'c["answered_at"]') || fail "the call was not answered by 8001's phone"
echo "$REC" | python3 -c 'import json,sys; c=json.load(sys.stdin); assert c["agent"] == "agent8001", c' ||
  fail "the answered call does not name agent8001: $REC"
read -r CODE _ < <(post a1 "calls/$CALL_A/answer" '{}')
[ "$CODE" = 409 ] && [ "$(error_code)" = invalid_call_state ] ||
  fail "answering a talking call answered $CODE: $(cat "$TMP/post.out")"
sleep 2.5  # both speak through the bridge
read -r CODE _ < <(post a1 "calls/$CALL_A/hangup" '{}')
[ "$CODE" = 200 ] || fail "hangup answered $CODE: $(cat "$TMP/post.out")"
wait "$PHONE1" || fail "8001's phone did not get the call as scripted (ring, NOTIFY talk, answer, BYE)"
wait "$CALLER_A" || fail "caller A's call did not go as scripted"
REC=$(record "$PHONE_A" 'c["ended_at"]') || fail "no ended record for caller A"
echo "   A: $REC"
echo "$REC" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert c["agent"] == "agent8001" and c["end_reason"] == "agent_hangup" and c["recording_id"], c
' || fail "caller A's record"
REC_ID=$(echo "$REC" | python3 -c 'import json,sys; print(json.load(sys.stdin)["recording_id"])')
MP3=
for _ in $(seq 1 100); do
  MP3=$(python3 - "$TMP/switchyard.db" "$REC_ID" <<'PY'
import sqlite3, sys
r = sqlite3.connect(sys.argv[1]).execute("SELECT path, format FROM recordings WHERE id = ?", (sys.argv[2],)).fetchone()
print(r[0] if r and r[1] == "mp3" else "")
PY
)
  [ -n "$MP3" ] && break; sleep 0.1
done
[ -n "$MP3" ] || fail "no MP3 recording for $REC_ID"
python3 - "${MP3%.mp3}.wav" <<'PY' || fail "the recording does not carry both voices"
import array, sys, wave
w = wave.open(sys.argv[1])
s = array.array("h", w.readframes(w.getnframes()))
loud = [0, 0]
for ch in (0, 1):
    side = s[ch::2]
    for i in range(0, len(side) - 160, 160):  # 20 ms frames above about -40 dBFS
        if sum(abs(x) for x in side[i:i + 160]) / 160 > 330: loud[ch] += 1
print(f"   recording {w.getnframes() / 8000:.1f} s, loud 20 ms frames: caller {loud[0]}, agent {loud[1]}")
assert w.getnchannels() == 2 and loud[0] >= 50 and loud[1] >= 50, loud
PY

echo "$(date +%T) 3. 8002's phone cannot be answered from the desktop: it rings on until picked up"
read -r CODE _ < <(post a1 agents/me/state '{"state":"offline"}')
[ "$CODE" = 200 ] || fail "agent8001 could not sign off: $CODE $(cat "$TMP/post.out")"
read -r CODE _ < <(post a2 agents/me/state '{"state":"ready"}')
[ "$CODE" = 200 ] || fail "agent8002 could not go ready: $CODE $(cat "$TMP/post.out")"
PHONE_C=13900000002
sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/call_pcap.xml" -s 95598 -key caller "$PHONE_C" -i 127.0.0.1 \
  -mp "$(rtp_port)" -m 1 -nostdin -timeout 60s -timeout_error >"$TMP/callerC.log" 2>&1 &
CALLER_C=$!; BG+=("$CALLER_C")
CALL_C=$(call_of "$PHONE_C") || fail "no call from caller C"
read -r CODE SECONDS_TAKEN < <(answer_when_offered a2 "$CALL_C")
[ "$CODE" = 409 ] && [ "$(error_code)" = not_supported_by_phone ] ||
  fail "answering on a phone that refuses answered $CODE: $(cat "$TMP/post.out")"
echo "   409 not_supported_by_phone in ${SECONDS_TAKEN} s: $(cat "$TMP/post.out")"
python3 -c 'import sys; assert float(sys.argv[1]) < 2.0, sys.argv[1]' "$SECONDS_TAKEN" ||
  fail "the refusal took ${SECONDS_TAKEN} s (the phone's 489 should end the wait)"
api "calls?from=$PHONE_C" | python3 -c 'import json,sys; c=json.load(sys.stdin)["items"][0]; assert not c["answered_at"], c' ||
  fail "the call was answered although the phone refused"
REC=$(record "$PHONE_C" 'c["answered_at"]') || fail "the call was not answered when 8002 picked up"
echo "$REC" | python3 -c 'import json,sys; c=json.load(sys.stdin); assert c["agent"] == "agent8002", c' ||
  fail "the answered call does not name agent8002: $REC"
read -r CODE _ < <(post a2 "calls/$CALL_C/hangup" '{}')
[ "$CODE" = 200 ] || fail "hangup answered $CODE: $(cat "$TMP/post.out")"
wait "$PHONE2" || fail "8002's phone did not get the call as scripted (ring, 489, answer, BYE)"
wait "$CALLER_C" || fail "caller C's call did not go as scripted"
echo "OK"
