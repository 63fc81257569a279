#!/usr/bin/env bash
# Runs Huddle: installs what is missing, builds the SPA (release) and the server, then
# serves the app. Prints the URL to open. Options are passed to huddle-server
# (e.g. `scripts/run.sh --listen 127.0.0.1:9000`).
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/setup.sh"
log "building the app (release)"
"$ROOT/scripts/trunk" build --release
log "building the server (release)"
cargo build --release -p huddle-server --manifest-path "$ROOT/Cargo.toml"
cd "$ROOT"
log "demo accounts: alice, bob, carol — password huddle-demo-password (database: data/huddle.sqlite)"
exec "$NATIVE_TARGET_DIR/release/huddle-server" --dist "$ROOT/dist" --database "$ROOT/data/huddle.sqlite" --demo "$@"
