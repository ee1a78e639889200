#!/usr/bin/env bash
# End to end, caller to agent: a real `switchyard serve` on a demo database; SIPp as the trunk
# caller and as the agents' phones (REGISTER with digest auth, then ringing / answering with
# RTP from SIPp's pcaps). Checks what a caller, an agent and an operator would:
#  - an agent whose phone is not registered cannot go ready;
#  - a caller from a demo customer's number goes through the IVR (0 for an agent), is queued,
#    rings the first ready agent, whose phone does not answer: that agent is set not ready and
#    the caller keeps waiting; the next agent who goes ready gets the call, it is bridged and
#    recorded (stereo WAV with the caller on the left and the agent on the right, MP3 after);
#  - a caller keying menu 1, a demo account number and its PIN hears the arrears branch (the
#    record's IVR path; the PIN is masked in its digits);
#  - a second caller of the same area, over the area's cap, is told so and the record says so;
#  - a caller waiting past acd.callback_offer_after_s is offered a callback, keeps the place with
#    1 and is hung up with a goodbye; the record says callback_accepted, a contact row is left;
#  - the agent holds and resumes the call from the desktop (POST /api/v1/calls/{id}/hold,
#    unhold); another agent may not;
#  - GET /api/v1/calls/{id} shows agent, queue, wait, IVR path, the caller's area and recording id;
#  - a phone that unregisters sets its agent not ready;
#  - after kill -9 of the server the ended call's record and recording are still there.
set -euo pipefail
BIN=$1
SRC=$2
# shellcheck source=serve_common.sh
source "$SRC/tests/sip/serve_common.sh" agent

demo_data
demo_passwords

# Two demo customers of one area (not VIP, no outage quirks needed): callers A and C.
read -r AREA PHONE_A PHONE_C < <(python3 - "$TMP/switchyard.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute("""SELECT c.region_code, MIN(p.phone), MAX(p.phone) FROM customers c
  JOIN customer_phones p ON p.customer_id = c.id WHERE c.vip_level = 0
  GROUP BY c.region_code HAVING COUNT(DISTINCT c.id) >= 2 ORDER BY c.region_code LIMIT 1""").fetchone()
a = db.execute("""SELECT MIN(p.phone) FROM customer_phones p JOIN customers c ON c.id = p.customer_id
  WHERE c.region_code = ? AND c.vip_level = 0""", (rows[0],)).fetchone()[0]
cid = db.execute("SELECT customer_id FROM customer_phones WHERE phone = ?", (a,)).fetchone()[0]
c = db.execute("""SELECT MIN(p.phone) FROM customer_phones p JOIN customers c ON c.id = p.customer_id
  WHERE c.region_code = ? AND c.vip_level = 0 AND c.id <> ?""", (rows[0], cid)).fetchone()[0]
print(rows[0], a, c)
PY
)
echo "   callers $PHONE_A and $PHONE_C of area $AREA (capped at 1 waiting caller)"

# The shipped flow, with the day service at any hour so 0 reaches an agent whenever this runs.
sed 's/^    next: night_notice$/    next: outage/' "$SRC/config/flows/hotline-95598.yaml" >"$TMP/flow.yaml"
grep -q "next: night_notice" "$TMP/flow.yaml" && fail "could not open the day service in the test flow"

SWITCHYARD_SIP_SERVICES="95598=$TMP/flow.yaml" SWITCHYARD_SIP_TRUNKS=127.0.0.1 \
SWITCHYARD_ACD_RING_TIMEOUT_S=4 SWITCHYARD_ACD_REQUIRE_REGISTERED_PHONE=true \
SWITCHYARD_ACD_REGION_CAPS="$AREA=1" SWITCHYARD_ACD_CALLBACK_OFFER_AFTER_S=3 \
SWITCHYARD_ACD_ANNOUNCE_INTERVAL_S=5 start_serve

set_state() {  # name state: prints the HTTP status
  curl -s -o "$TMP/state.out" -w '%{http_code}' -b "$TMP/$1.jar" -H "X-CSRF-Token: $(cat "$TMP/$1.csrf")" \
    -H 'Content-Type: application/json' -d "{\"state\":\"$2\"}" "$HTTP/api/v1/agents/me/state"
}
my_state() { curl -sf -b "$TMP/$1.jar" "$HTTP/api/v1/agents/me" | python3 -c 'import json,sys; print(json.load(sys.stdin)["state"])'; }
api() { curl -sf -b "$TMP/admin.jar" "$HTTP/api/v1/$1"; }
login admin "$ADMIN_PW" admin
login agent8001 "$AGENT_PW" a1
login agent8003 "$AGENT_PW" a3

echo "$(date +%T) 1. without a registered phone an agent cannot go ready"
CODE=$(set_state a1 ready)
[ "$CODE" != 200 ] || fail "agent8001 went ready with no phone registered"

echo "$(date +%T) 2. phones register with digest auth: 8001 answers, 8003 rings unanswered"
P1=$(free_port); P3=$(free_port)
sipp -sf "$SCEN/agent_phone_answer.xml" -i 127.0.0.1 -p "$P1" -mp "$(rtp_port)" -m 1 -d 1000 -nostdin \
  -timeout 90s -timeout_error >"$TMP/phone1.log" 2>&1 &
PHONE1=$!; BG+=("$PHONE1")
sipp -sf "$SCEN/agent_noanswer.xml" -i 127.0.0.1 -p "$P3" -m 1 -nostdin -timeout 90s \
  -timeout_error >"$TMP/phone3.log" 2>&1 &
PHONE3=$!; BG+=("$PHONE3")
register 8001 "$P1" 300 || fail "8001 could not register"
register 8003 "$P3" 300 || fail "8003 could not register"
CODE=$(set_state a3 ready)
[ "$CODE" = 200 ] || fail "agent8003 could not go ready with a registered phone: $CODE $(cat "$TMP/state.out")"

# Caller B: bill and arrears (menu 1), account number and PIN of a demo account with arrears,
# by RFC 4733 digits; the scenario is ivr_agent.xml with those keys instead of 0.
read -r ACCOUNT PIN < <(python3 - "$TMP/demo.log" "$TMP/switchyard.db" <<'PY'
import re, sqlite3, sys
db = sqlite3.connect(sys.argv[2])
for account, pin in re.findall(r"account (\d+)  PIN (\d+)", open(sys.argv[1]).read()):
    if db.execute("SELECT arrears_fen FROM accounts WHERE account_no = ?", (account,)).fetchone()[0] > 0:
        print(account, pin); break
PY
)
[ -n "$ACCOUNT" ] || fail "no demo account with a PIN and arrears"
python3 - "$SCEN/ivr_agent.xml" "$TMP/ivr_bill.xml" "$ACCOUNT" "$PIN" "$TMP" <<'PY'
import struct, sys
src, dst, account, pin, tmp = sys.argv[1:]
xml = open(src).read()
# SIPp's digit recordings all carry one RTP timestamp: a repeated digit would be the same
# event. Each key gets its own copy with later sequence numbers and timestamps.
def key_pcap(k, n):
    name = {"#": "pound", "*": "star"}.get(k, k)
    d = open(f"/usr/share/sip-tester/dtmf_2833_{name}.pcap", "rb").read()
    out, off = bytearray(d[:24]), 24
    while off < len(d):
        hdr = d[off:off + 16]; incl = struct.unpack("<I", hdr[8:12])[0]
        pkt = bytearray(d[off + 16:off + 16 + incl]); off += 16 + incl
        ihl = (pkt[14] & 15) * 4; udp = 14 + ihl; rtp = udp + 8
        seq, ts = struct.unpack("!HI", pkt[rtp + 2:rtp + 8])
        struct.pack_into("!HI", pkt, rtp + 2, (seq + 40 * n) & 0xffff, (ts + 8000 * n) & 0xffffffff)
        pkt[udp + 6:udp + 8] = b"\0\0"  # no UDP checksum
        out += hdr + pkt
    path = f"{tmp}/key{n}.pcap"
    open(path, "wb").write(out)
    return path
n = 0
def key(k, pause):
    global n
    n += 1
    return (f'  <nop><action><exec play_pcap_audio="{key_pcap(k, n)}"/></action></nop>\n'
            f'  <pause milliseconds="{pause}"/>\n')
steps = '  <pause milliseconds="20000"/>\n' + key("1", 5000)
steps += "".join(key(k, 700) for k in account + "#") + '  <pause milliseconds="4000"/>\n'
steps += "".join(key(k, 700) for k in pin + "#") + '  <pause milliseconds="3000"/>\n'
start = xml.index('  <pause milliseconds="20000"/>')
end = xml.index("  <send retrans=\"500\">", start)
open(dst, "w").write(xml[:start] + steps + xml[end:])
PY
PHONE_B=13900000077
# Caller D waits in the queue (0), is offered a callback and keeps the place with 1; the centre
# says goodbye and hangs up.
python3 - "$SCEN/ivr_agent.xml" "$TMP/ivr_callback.xml" <<'PY'
import sys
src, dst = sys.argv[1:]
xml = open(src).read()
def key(k, pause):
    return (f'  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_{k}.pcap"/>'
            f'</action></nop>\n  <pause milliseconds="{pause}"/>\n')
tail = """  <recv request="BYE"/>
  <send>
    <![CDATA[
      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
</scenario>
"""
start = xml.index('  <pause milliseconds="20000"/>')
open(dst, "w").write(xml[:start] + '  <pause milliseconds="20000"/>\n' + key("0", 14000) +
                     key("1", 0) + tail)
PY
PHONE_D=13900000088

echo "$(date +%T) 3. caller A asks for an agent; caller B asks for the bill; caller C of A's area, over its cap"
sipp "127.0.0.1:$SIP_PORT" -sf "$TMP/ivr_bill.xml" -s 95598 -i 127.0.0.1 -m 1 -nostdin \
  -key caller "$PHONE_B" -mp "$(rtp_port)" -timeout 80s -timeout_error >"$TMP/callerB.log" 2>&1 &
CALLER_B=$!; BG+=("$CALLER_B")
sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/ivr_agent.xml" -s 95598 -i 127.0.0.1 -m 1 -nostdin \
  -key caller "$PHONE_A" -mp "$(rtp_port)" -d 9000 -timeout 80s -timeout_error >"$TMP/callerA.log" 2>&1 &
CALLER_A=$!; BG+=("$CALLER_A")
sleep 2
sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/ivr_agent.xml" -s 95598 -i 127.0.0.1 -m 1 -nostdin \
  -key caller "$PHONE_C" -mp "$(rtp_port)" -d 8000 -timeout 80s -timeout_error >"$TMP/callerC.log" 2>&1 &
CALLER_C=$!; BG+=("$CALLER_C")
sipp "127.0.0.1:$SIP_PORT" -sf "$TMP/ivr_callback.xml" -s 95598 -i 127.0.0.1 -m 1 -nostdin \
  -key caller "$PHONE_D" -mp "$(rtp_port)" -timeout 80s -timeout_error >"$TMP/callerD.log" 2>&1 &
CALLER_D=$!; BG+=("$CALLER_D")

echo "$(date +%T) 4. 8003's phone rings unanswered: after the ring time-out 8003 is not ready"
STATE=ready
for _ in $(seq 1 400); do
  STATE=$(my_state a3); [ "$STATE" != ready ] && break; sleep 0.1
done
[ "$STATE" != ready ] || fail "agent8003 still ready after ringing unanswered"
echo "   agent8003 is now $STATE"
wait "$PHONE3" || fail "8003's phone did not ring and get cancelled as scripted"
CODE=$(set_state a1 ready)
[ "$CODE" = 200 ] || fail "agent8001 could not go ready: $CODE $(cat "$TMP/state.out")"

echo "$(date +%T) 5. 8001 answers; from the desktop 8001 holds and resumes the call, 8003 may not"
CALL_A=
for _ in $(seq 1 100); do
  CALL_A=$(api "calls?from=$PHONE_A" | python3 -c 'import json,sys; i=json.load(sys.stdin)["items"]; print(i[0]["id"] if i and i[0]["answered_at"] else "")' 2>/dev/null || true)
  [ -n "$CALL_A" ] && break; sleep 0.1
done
[ -n "$CALL_A" ] || fail "caller A was not answered by 8001"
act() {  # name action: HTTP status of POST /api/v1/calls/{id}/action
  curl -s -o "$TMP/act.out" -w '%{http_code}' -b "$TMP/$1.jar" -H "X-CSRF-Token: $(cat "$TMP/$1.csrf")" \
    -H 'Content-Type: application/json' -d '{}' "$HTTP/api/v1/calls/$CALL_A/$2"
}
CODE=$(act a3 hold); [ "$CODE" = 403 ] || fail "another agent's hold answered $CODE: $(cat "$TMP/act.out")"
CODE=$(act a1 hold); [ "$CODE" = 200 ] || fail "hold answered $CODE: $(cat "$TMP/act.out")"
CODE=$(act a1 hold); [ "$CODE" = 409 ] || fail "a second hold answered $CODE: $(cat "$TMP/act.out")"
sleep 0.5
CODE=$(act a1 unhold); [ "$CODE" = 200 ] || fail "unhold answered $CODE: $(cat "$TMP/act.out")"

echo "$(date +%T) 6. the call stays bridged and is recorded; both callers hang up"
wait "$PHONE1" || fail "8001's phone did not get the call as scripted"
wait "$CALLER_A" || fail "caller A's call did not go as scripted"
wait "$CALLER_C" || fail "caller C's call did not go as scripted"
wait "$CALLER_B" || fail "caller B's call did not go as scripted"
wait "$CALLER_D" || fail "caller D's call did not go as scripted (callback, then our goodbye)"

record() {  # phone: the newest call record from it, as JSON, once ended
  for _ in $(seq 1 100); do
    api "calls?from=$1" >"$TMP/rec.json" 2>/dev/null || true
    if python3 -c 'import json,sys; i=json.load(open(sys.argv[1]))["items"]; sys.exit(0 if i and i[0]["ended_at"] else 1)' "$TMP/rec.json" 2>/dev/null; then
      python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))["items"][0], ensure_ascii=False))' "$TMP/rec.json"
      return 0
    fi
    sleep 0.1
  done
  return 1
}
REC_A=$(record "$PHONE_A") || fail "no ended record for caller A"
echo "   A: $REC_A"
CALL_ID=$(echo "$REC_A" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
api "calls/$CALL_ID" >"$TMP/callA.json" || fail "GET /api/v1/calls/$CALL_ID"
python3 - "$TMP/callA.json" "$AREA" <<'PY' || fail "caller A's record"
import json, sys
c = json.load(open(sys.argv[1]))
assert c["agent"] == "agent8001", c["agent"]
assert c["queue"] == "general", c["queue"]
assert c["answered_at"] and c["ended_at"], c
assert c["wait_s"] is not None and c["wait_s"] >= 4, c["wait_s"]  # rang 8003 for 4 s first
assert c["end_reason"] == "caller_hangup", c["end_reason"]
p = c["ivr_path"]
assert p[0] == "welcome" and "menu" in p and p[-1] == "agent", p
assert c["recording_id"], "no recording id"
assert c["region_code"] == sys.argv[2], ("region_code", c["region_code"], sys.argv[2])
PY
REC_ID=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["recording_id"])' "$TMP/callA.json")

REC_C=$(record "$PHONE_C") || fail "no ended record for caller C"
echo "   C: $REC_C"
echo "$REC_C" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert c["routing_reason"].startswith("region_capped"), c["routing_reason"]
assert c["agent"] is None, c["agent"]
assert "agent" in c["ivr_path"] and "callback_offer" in c["ivr_path"], c["ivr_path"]
assert c["region_code"] == sys.argv[1], ("region_code", c["region_code"])
' "$AREA" || fail "caller C's record does not say the area was capped"

REC_B=$(record "$PHONE_B") || fail "no ended record for caller B"
echo "   B: $REC_B"
echo "$REC_B" | python3 -c '
import json, sys
c = json.load(sys.stdin)
p = c["ivr_path"]
assert "bill_with_arrears" in p and p.index("pin_check") < p.index("bill_with_arrears"), p
d = {x["node"]: x["digits"] for x in c["digits"]}
assert d.get("bill_account") == sys.argv[1], d
assert d.get("bill_pin") == "******", d  # the PIN is masked
assert c["queue"] is None and c["agent"] is None, c
' "$ACCOUNT" || fail "caller B's record does not show the arrears branch"

REC_D=$(record "$PHONE_D") || fail "no ended record for caller D"
echo "   D: $REC_D"
echo "$REC_D" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert c["end_reason"] == "callback_accepted" and c["queue"] == "general" and c["agent"] is None, c
assert c["wait_s"] is not None and c["wait_s"] >= 3, c["wait_s"]
' || fail "caller D's record does not show the kept place"
python3 - "$TMP/switchyard.db" "$PHONE_D" <<'PY' || fail "no callback contact for caller D"
import sqlite3, sys
n = sqlite3.connect(sys.argv[1]).execute(
    "SELECT COUNT(*) FROM contacts WHERE phone = ? AND category = 'callback_request'", (sys.argv[2],)).fetchone()[0]
assert n == 1, n
PY

echo "$(date +%T) 7. the recording: MP3 after hang-up, stereo WAV with caller (left) and agent (right)"
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
[ -n "$MP3" ] && [ -s "$MP3" ] || fail "no MP3 recording for $REC_ID"
python3 - "${MP3%.mp3}.wav" <<'PY' || fail "the recording does not carry both sides"
import array, sys, wave
w = wave.open(sys.argv[1])
assert w.getnchannels() == 2 and w.getframerate() == 8000, (w.getnchannels(), w.getframerate())
s = array.array("h", w.readframes(w.getnframes()))
loud = [0, 0]
for ch in (0, 1):
    side = s[ch::2]
    for i in range(0, len(side) - 160, 160):  # 20 ms frames above about -40 dBFS
        if sum(abs(x) for x in side[i:i + 160]) / 160 > 330: loud[ch] += 1
print(f"   {w.getnframes() / 8000:.1f} s, loud 20 ms frames: caller {loud[0]}, agent {loud[1]}")
assert loud[0] >= 50 and loud[1] >= 50, loud
PY

echo "$(date +%T) 8. 8001's phone unregisters: the agent is set not ready at once"
register 8001 "$P1" 0 || fail "8001 could not unregister"
STATE=ready
for _ in $(seq 1 50); do
  STATE=$(my_state a1); [ "$STATE" != ready ] && break; sleep 0.1
done
[ "$STATE" != ready ] || fail "agent8001 still ready with no phone"

echo "$(date +%T) 9. kill -9 of the server: the ended call's record and its recording remain"
kill -9 "$SERVER_PID"; wait "$SERVER_PID" 2>/dev/null || true; SERVER_PID=
python3 - "$TMP/switchyard.db" "$CALL_ID" "$REC_ID" <<'PY' || fail "the record or recording did not survive"
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1])
c = db.execute("SELECT ended_at, recording_id, agent_id FROM calls WHERE id = ?", (sys.argv[2],)).fetchone()
assert c and c[0] and c[1] == sys.argv[3] and c[2], c
r = db.execute("SELECT path, format, duration_ms FROM recordings WHERE id = ?", (sys.argv[3],)).fetchone()
assert r and r[1] == "mp3" and r[2] > 5000 and os.path.getsize(r[0]) > 0, r
PY
echo "OK"
