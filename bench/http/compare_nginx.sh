#!/usr/bin/env bash
# Compares our server with nginx serving a static file of the same size, in the same run, on
# loopback: fetches one response from URL, writes it to a temp web root, starts nginx (Debian's
# nginx-light) on a free 127.0.0.1 port with a temp prefix and config, runs the same wrk load
# against both, stops nginx and prints both requests/s and the ratio (target >= 0.5).
#
#   bench/http/compare_nginx.sh URL [COOKIE_HEADER_VALUE] [DURATION]
#   e.g. bench/http/compare_nginx.sh http://127.0.0.1:8080/api/v1/customers/lookup?phone=1380...
#        'sy_session=abc' 10s
# Environment: WRK_THREADS (2), WRK_CONNECTIONS (64), NGINX_WORKERS (2), ROUNDS (1: with more,
# the two are measured alternately that many times and the medians are compared).
set -euo pipefail

url=${1:?usage: compare_nginx.sh URL [COOKIE] [DURATION]}
cookie=${2:-}
duration=${3:-10s}
threads=${WRK_THREADS:-2}
connections=${WRK_CONNECTIONS:-64}
workers=${NGINX_WORKERS:-2}
rounds=${ROUNDS:-1}

case "$url" in
  http://127.0.0.1:* | http://localhost:* | http://\[::1\]:*) ;;
  *) echo "compare_nginx.sh: only loopback URLs are benchmarked ($url)" >&2; exit 2 ;;
esac
for tool in nginx wrk curl python3; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || {
    echo "compare_nginx.sh: $tool is not installed" >&2; exit 2; }
done
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

tmp=$(mktemp -d /tmp/sy-nginx-bench.XXXXXX)
nginx_pid=""
cleanup() {
  if [ -n "$nginx_pid" ] && kill -0 "$nginx_pid" 2>/dev/null; then
    kill -QUIT "$nginx_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$nginx_pid" 2>/dev/null || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

headers=()
[ -n "$cookie" ] && headers=(-H "Cookie: $cookie")

mkdir -p "$tmp/www" "$tmp/logs"
status=$(curl -s "${headers[@]}" -o "$tmp/www/payload.json" -w '%{http_code}' "$url")
if [ "$status" != 200 ]; then
  echo "compare_nginx.sh: $url answered $status, expected 200:" >&2
  head -c 300 "$tmp/www/payload.json" >&2; echo >&2
  exit 1
fi
size=$(stat -c %s "$tmp/www/payload.json")
# When run as root, nginx workers run as an unprivileged user: let them read the file.
chmod 755 "$tmp" "$tmp/www"
chmod 644 "$tmp/www/payload.json"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat > "$tmp/nginx.conf" <<CONF
worker_processes $workers;
daemon off;
pid $tmp/nginx.pid;
error_log $tmp/logs/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  types { application/json json; }
  default_type application/octet-stream;
  sendfile on;
  tcp_nopush on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $tmp/client_body;
  proxy_temp_path $tmp/proxy;
  fastcgi_temp_path $tmp/fastcgi;
  uwsgi_temp_path $tmp/uwsgi;
  scgi_temp_path $tmp/scgi;
  server {
    listen 127.0.0.1:$port;
    root $tmp/www;
    location / { }
  }
}
CONF
"$NGINX" -p "$tmp" -c "$tmp/nginx.conf" -e "$tmp/logs/error.log" &
nginx_pid=$!
nginx_url="http://127.0.0.1:$port/payload.json"
for _ in $(seq 50); do
  curl -sf -o /dev/null "$nginx_url" && break
  sleep 0.1
done
curl -sf -o /dev/null "$nginx_url" || { echo "nginx did not start:" >&2; tail -5 "$tmp/logs/error.log" >&2; exit 1; }

run_wrk() {  # url [wrk header args...]
  local target=$1; shift
  timeout 120 wrk -t"$threads" -c"$connections" -d"$duration" "$@" "$target" > "$tmp/wrk.out"
  # Error answers are cheap; a run that got them does not measure the endpoint.
  if grep -q 'Non-2xx' "$tmp/wrk.out"; then
    echo "warning: $target: $(grep 'Non-2xx' "$tmp/wrk.out" | xargs)" >&2
  fi
  awk '/Requests\/sec/ {print $2}' "$tmp/wrk.out"
}

echo "payload: $size bytes; wrk -t$threads -c$connections -d$duration; nginx workers: $workers;" \
  "$(nproc) CPUs; load average $(cut -d' ' -f1-3 /proc/loadavg); rounds: $rounds"
ours_all=()
theirs_all=()
for round in $(seq "$rounds"); do
  # Alternate the order so that background load drifting during the run hits both alike.
  if [ $((round % 2)) -eq 1 ]; then
    ours=$(run_wrk "$url" "${headers[@]}")
    theirs=$(run_wrk "$nginx_url")
  else
    theirs=$(run_wrk "$nginx_url")
    ours=$(run_wrk "$url" "${headers[@]}")
  fi
  [ "$rounds" -gt 1 ] && printf 'round %d: switchyard %s, nginx %s\n' "$round" "$ours" "$theirs"
  ours_all+=("$ours")
  theirs_all+=("$theirs")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ours=$(median "${ours_all[@]}")
theirs=$(median "${theirs_all[@]}")
ratio=$(python3 -c "print(f'{float(\"$ours\") / float(\"$theirs\"):.2f}')")
printf 'switchyard: %s requests/s  (%s)\n' "$ours" "$url"
printf 'nginx:      %s requests/s  (static file, same size)\n' "$theirs"
printf 'ratio:      %s (target >= 0.50)\n' "$ratio"
