# shellcheck shell=bash disable=SC2034  # SCEN, HTTP, ADMIN_PW, AGENT_PW: for the scripts that source this
# Shared by the SIP end-to-end scripts (source it after setting BIN and SRC; the argument names
# the temporary directory): a temporary directory removed at exit (kept when SY_KEEP_TMP is
# set) together with the server and the background processes listed in BG, fail() with the
# server log, free ports, the demo database and its passwords, `switchyard serve` with SIP on a
# free port, signing in over HTTP and registering SIPp phones.
SCEN=$SRC/tests/sip/scenarios
TMP=$(mktemp -d "/tmp/sy-sip-$1.XXXXXX")
SERVER_PID=
BG=()
cleanup() {
  for p in "${BG[@]}"; do kill "$p" 2>/dev/null || true; done
  if [ -n "$SERVER_PID" ]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  [ -n "${SY_KEEP_TMP:-}" ] || rm -rf "$TMP"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; echo "--- server log"; tail -n 60 "$TMP/serve.log" || true; exit 1; }

free_port() {  # a port free for UDP and TCP on 127.0.0.1
  python3 - <<'PY'
import socket
for _ in range(100):
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 0))
    port = u.getsockname()[1]
    t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        t.bind(("127.0.0.1", port)); t.close(); u.close(); print(port); break
    except OSError:
        t.close(); u.close()
PY
}

rtp_port() { echo $(( 40000 + (RANDOM % 1000) * 20 )); }  # for SIPp's -mp

demo_data() {  # the demo database in $TMP; its output in $TMP/demo.log
  echo "$(date +%T) demo data"
  "$BIN" demo-data --customers 2000 --seed 1 --data "$TMP" >"$TMP/demo.log" 2>&1 || { cat "$TMP/demo.log"; exit 1; }
}

demo_passwords() {  # AGENT_PW (the demo agents' sign-in) and SIP_PW (their phones'), from demo_data
  AGENT_PW=$(grep -o "sign-in password [^ ]*" "$TMP/demo.log" | cut -d' ' -f3)
  SIP_PW=$(grep -o "phone (SIP) password [^ ]*" "$TMP/demo.log" | cut -d' ' -f4)
  [ -n "$AGENT_PW" ] && [ -n "$SIP_PW" ] || fail "demo passwords not printed"
}

# Starts `switchyard serve` on $TMP (working directory $TMP) with SIP on a free port and HTTP on
# any port; configuration comes from SWITCHYARD_* variables put before the call. Sets SIP_PORT,
# SERVER_PID, HTTP (its base URL) and ADMIN_PW. A loaded machine may take a while to start it.
start_serve() {
  SIP_PORT=$(free_port)
  local rtp_min=$(( 30000 + (RANDOM % 300) * 20 ))
  cd "$TMP" || fail "cannot enter $TMP"
  SWITCHYARD_RTP_PORT_MIN=$rtp_min SWITCHYARD_RTP_PORT_MAX=$((rtp_min + 199)) \
    "$BIN" serve --data "$TMP" --http 127.0.0.1:0 --sip "127.0.0.1:$SIP_PORT" >"$TMP/serve.log" 2>&1 &
  SERVER_PID=$!
  for _ in $(seq 1 300); do
    grep -q "SIP on" "$TMP/serve.log" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || fail "serve exited"
    sleep 0.1
  done
  grep -q "SIP on 127.0.0.1:$SIP_PORT" "$TMP/serve.log" || fail "serve did not start SIP"
  HTTP=$(grep -o "open http://[0-9.:]*" "$TMP/serve.log" | head -1 | sed 's|open ||')
  ADMIN_PW=$(grep -o "密码 [^ ]*" "$TMP/serve.log" | head -1 | cut -d' ' -f2)
}

login() {  # user password name: cookie jar $TMP/name.jar, CSRF token in $TMP/name.csrf
  curl -sf -c "$TMP/$3.jar" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$1\",\"password\":\"$2\"}" "$HTTP/api/v1/auth/login" |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["csrf_token"])' >"$TMP/$3.csrf" || fail "sign-in of $1"
}

register() {  # extension contact_port [expires, 300]: a SIPp phone's REGISTER with $SIP_PW
  sipp "127.0.0.1:$SIP_PORT" -sf "$SCEN/agent_register.xml" -i 127.0.0.1 -m 1 -nostdin \
    -timeout 20s -timeout_error -key ext "$1" -key contact_port "$2" -key expires "${3:-300}" \
    -au "$1" -ap "$SIP_PW" >>"$TMP/register.log" 2>&1
}
