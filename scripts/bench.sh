#!/usr/bin/env bash
# Benchmarks (not tests): crypto-wasm against WebCrypto, @noble/ciphers and crypto-js in
# Node.js and headless Chromium. Prints Markdown tables (MB/s and crypto-wasm's ratios).
set -euo pipefail
source "$(dirname "$0")/env.sh"
"$ROOT/scripts/setup.sh"
"$ROOT/scripts/build-pkg.sh"
ln -sfn ../../crypto-wasm/pkg "$ROOT/tests/node_modules/crypto-wasm"
cd "$ROOT"
node tests/bench/run-node.mjs
node tests/bench/run-browser.mjs
