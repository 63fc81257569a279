#!/usr/bin/env bash
# Runs a command with an S3-compatible server: moto's (PyPI, installed into .tools/s3 by
# setup.sh) on a random loopback port, a bucket made for the run, and the environment
# that points the server's Drive at it (HUDDLE_TEST_S3=s3://BUCKET, AWS_*); stopped
# afterwards. Usage: scripts/with-s3.sh cargo test -p huddle-server --test drive
set -euo pipefail
source "$(dirname "$0")/env.sh"
moto="$TOOLS/s3/bin/moto_server"
[ -x "$moto" ] || { echo "with-s3: $moto is missing: run scripts/setup.sh" >&2; exit 1; }
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
log_file=$(mktemp)
"$moto" -H 127.0.0.1 -p "$port" >"$log_file" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log_file"' EXIT
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$port/" >/dev/null 2>&1 && break
  sleep 0.1
done
bucket="huddle-test-$RANDOM"
curl -fsS -X PUT "http://127.0.0.1:$port/$bucket" >/dev/null
log "moto S3 server on 127.0.0.1:$port, bucket $bucket"
export HUDDLE_TEST_S3="s3://$bucket"
export AWS_ENDPOINT="http://127.0.0.1:$port" AWS_ALLOW_HTTP=true AWS_REGION=us-east-1
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test
"$@"
