#!/usr/bin/env bash
# Benchmarks (not tests), printed as Markdown tables: crypto-wasm against WebCrypto,
# @noble/ciphers and crypto-js in Node.js and headless Chromium; time to the first
# rendered channel and wasm sizes; relay fan-out (deliveries/s, p50/p99 latency).
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
cargo bench -p huddle-server --bench relay_fanout
