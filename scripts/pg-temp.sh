#!/usr/bin/env bash
# A throw-away PostgreSQL 15 cluster for tests.
#   scripts/pg-temp.sh start DIR   initdb's a cluster in DIR, starts it on 127.0.0.1 (free port,
#                                  unix socket in DIR), creates database sy_test and prints ONLY
#                                  its URL (postgresql://...) on stdout.
#   scripts/pg-temp.sh stop DIR    stops it (DIR itself is left for the caller to remove).
# Run as root, the server runs as the `postgres` system user (PostgreSQL refuses root).
set -euo pipefail

PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}
dir=${2:-}
if [ -z "$cmd" ] || [ -z "$dir" ]; then
  echo "usage: $0 start|stop DIR" >&2
  exit 2
fi
data="$dir/data"

as_owner() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

free_port() {
  python3 - <<'PY' 2>/dev/null || echo $((20000 + RANDOM % 20000))
import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])
PY
}

start() {
  mkdir -p "$dir"
  dir=$(cd "$dir" && pwd)
  data="$dir/data"
  if [ "$(id -u)" -eq 0 ]; then
    chown postgres: "$dir"
    chmod 700 "$dir"
  fi
  local password
  password=$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9' | head -c 20)
  as_owner sh -c "umask 077; printf '%s\n' '$password' > '$dir/pwfile'"
  as_owner "$PGBIN/initdb" -D "$data" -U postgres --pwfile="$dir/pwfile" -A scram-sha-256 \
    -E UTF8 --locale=C >"$dir/initdb.log" 2>&1 || {
      cat "$dir/initdb.log" >&2
      echo "pg-temp: initdb failed" >&2
      exit 1
    }
  rm -f "$dir/pwfile"
  # Throw-away data: skip fsync so CREATE/DROP DATABASE per test stay fast.
  cat >>"$data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
max_connections = 300
fsync = off
full_page_writes = off
synchronous_commit = on
shared_buffers = 128MB
logging_collector = off
CONF
  local port tries=0
  while true; do
    port=$(free_port)
    if as_owner "$PGBIN/pg_ctl" -D "$data" -o "-p $port" -l "$dir/server.log" -w -t 60 start \
        >/dev/null 2>&1; then
      break
    fi
    tries=$((tries + 1))
    if [ $tries -ge 5 ]; then
      tail -20 "$dir/server.log" >&2 || true
      echo "pg-temp: the server did not start" >&2
      exit 1
    fi
  done
  echo "$port" >"$dir/port"
  # pg_ctl -w already waited; pg_isready confirms TCP answers before we hand out the URL.
  for _ in $(seq 1 100); do
    if pg_isready -q -h 127.0.0.1 -p "$port"; then break; fi
    sleep 0.1
  done
  PGPASSWORD=$password "$PGBIN/psql" -q -X -h 127.0.0.1 -p "$port" -U postgres -d postgres \
    -c "CREATE DATABASE sy_test TEMPLATE template0 ENCODING 'UTF8'" >/dev/null
  echo "postgresql://postgres:$password@127.0.0.1:$port/sy_test"
}

stop() {
  if [ -f "$data/postmaster.pid" ]; then
    as_owner "$PGBIN/pg_ctl" -D "$data" -m fast -w -t 60 stop >/dev/null 2>&1 || {
      as_owner "$PGBIN/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    }
  fi
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  *)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
