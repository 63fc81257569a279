#!/usr/bin/env bash
# Benchmarks (not tests), printed as Markdown tables: crypto-wasm against WebCrypto,
# @noble/ciphers and crypto-js in Node.js and headless Chromium; time to the first
# rendered channel and wasm sizes; Lighthouse on the signed-in channel view; relay fan-out (deliveries/s, p50/p99 latency); Drive
# (throughput against the disk, memory during a 1 GiB upload, a 10,000-item folder); relay
# memory (per idle connection, and bounded under a flood of stalled readers); REST
# API load (50 clients posting and reading, requests/s, p50/p99) and search latency, on
# SQLite and on PostgreSQL (tests/bench/api-load.mjs).
#
# HUDDLE_BASELINE_REV=<commit> also builds that commit's server (a git worktree in
# target/baseline-src, built into target/baseline) and puts it under the same API load,
# with the ratios after/before; e.g. 4a9706f, the commit before encryption at rest.
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build-pkg.sh"
ln -sfn ../../crypto-wasm/pkg "$ROOT/tests/node_modules/crypto-wasm"
cd "$ROOT"
node tests/bench/run-node.mjs
# Node.js 22 and later load the relaxed-SIMD build (an optional npm dependency of tests/).
if [ -x tests/node_modules/node22/bin/node ]; then
  tests/node_modules/node22/bin/node tests/bench/run-node.mjs
fi
node tests/bench/run-browser.mjs
"$ROOT/scripts/trunk" build --release
cargo build --release -p huddle-server
node tests/bench/first-render.mjs
# Lighthouse on the signed-in channel view (Node.js 20: Lighthouse 12.2.3 is pinned).
node tests/bench/lighthouse.mjs
cargo bench -p huddle-server --bench relay_fanout
# Relay memory: per idle connection, and under a flood with 200 connections that never
# read (Node.js 22 for its WebSocket client).
tests/node_modules/node22/bin/node tests/bench/relay-memory.mjs
# Drive: upload and download throughput against the disk's own, the server's memory
# during a 1 GiB upload, listing a folder of 10,000 items.
node tests/bench/drive.mjs
# An older server to compare the API load with (HUDDLE_BASELINE_REV, see above).
if [ -n "${HUDDLE_BASELINE_REV:-}" ]; then
  git -C "$ROOT" worktree remove --force "$ROOT/target/baseline-src" 2>/dev/null || true
  rm -rf "$ROOT/target/baseline-src"
  git -C "$ROOT" worktree prune
  git -C "$ROOT" worktree add --force --detach "$ROOT/target/baseline-src" "$HUDDLE_BASELINE_REV"
  CARGO_TARGET_DIR="$ROOT/target/baseline" cargo build --release -p huddle-server \
    --manifest-path "$ROOT/target/baseline-src/Cargo.toml"
  export HUDDLE_BASELINE_BIN="$ROOT/target/baseline/release/huddle-server"
fi
# REST API load and search on SQLite, then on PostgreSQL (the script runs only
# PostgreSQL when with-postgres.sh sets HUDDLE_TEST_POSTGRES).
node tests/bench/api-load.mjs
scripts/with-postgres.sh node tests/bench/api-load.mjs
