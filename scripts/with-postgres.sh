#!/usr/bin/env bash
# Runs a command with a throwaway PostgreSQL server: initdb into a temporary directory,
# started on a random loopback port (and a Unix socket in that directory), as the
# `postgres` user when run as root; stopped and removed afterwards, whatever the command
# does. The command gets HUDDLE_TEST_POSTGRES, a URL of the server's `postgres` database
# (user `postgres`, trust authentication on loopback only) from which the tests create
# databases of their own.
#
#   scripts/with-postgres.sh cargo test -p huddle-server
set -euo pipefail
source "$(dirname "$0")/env.sh"

bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: PostgreSQL's server programs are missing (Debian package postgresql): run scripts/setup.sh" >&2
  exit 1
fi
dir="$(mktemp -d "${TMPDIR:-/tmp}/huddle-pg.XXXXXX")"
as_pg=()
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_pg=(runuser -u postgres --)
fi
stop() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -m immediate -s stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
"${as_pg[@]}" "$bin/initdb" -D "$dir/data" -U postgres -A trust --no-sync --no-instructions \
  -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; exit 1; }
# A free port: bind port 0, read it, release it (a race with another process is retried).
for attempt in 1 2 3 4 5; do
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if "${as_pg[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -s -o \
    "-k $dir -c listen_addresses=127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
    start; then
    break
  fi
  if [ "$attempt" = 5 ]; then
    cat "$dir/server.log" >&2
    exit 1
  fi
done
export HUDDLE_TEST_POSTGRES="postgres://postgres@127.0.0.1:$port/postgres"
log "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') on 127.0.0.1:$port (in $dir)"
status=0
"$@" || status=$?
exit "$status"
