# Sourced by the other scripts: paths and versions shared by setup, build and tests.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
TOOLS="$ROOT/.tools"

# Versions. wasm-bindgen-cli must equal the wasm-bindgen crate pinned in Cargo.toml.
TRUNK_VERSION=0.21.14
GECKODRIVER_VERSION=0.37.1
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$ROOT/Cargo.toml")"
export TRUNK_VERSION WASM_BINDGEN_VERSION

export PATH="$HOME/.cargo/bin:$TOOLS/bin:$PATH"
# Native builds use target/, wasm builds target/wasm (see .cargo/config.toml).
export NATIVE_TARGET_DIR="$ROOT/target"
export WASM_TARGET_DIR="$ROOT/target/wasm"
# Builds with WebAssembly relaxed SIMD (HUDDLE_WASM_RELAXED=1) have their own directory.
export WASM_RELAXED_TARGET_DIR="$ROOT/target/wasm-relaxed"
export CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}"

# The wasm toolchain mode that setup.sh chose: "rustup" (the rustup wasm32 target) or
# "debian" (Debian's rustc-web building std with -Z build-std).
wasm_mode() { cat "$TOOLS/wasm-mode" 2>/dev/null || echo unknown; }

# wasm-opt from npm `binaryen` (tests/package.json): Debian's wasm-opt 108 corrupts
# wasm-bindgen's externref table. Features rustc enables are spelled out; more may follow
# the file name (`wasm_opt f.wasm --enable-relaxed-simd`).
wasm_opt() {
  local file="$1"
  shift
  "$ROOT/tests/node_modules/.bin/wasm-opt" -O3 --enable-simd --enable-bulk-memory \
    --enable-sign-ext --enable-mutable-globals --enable-nontrapping-float-to-int \
    --enable-multivalue --enable-reference-types "$@" "$file" -o "$file.opt"
  mv "$file.opt" "$file"
}

# Points cargo (and Trunk, which runs `cargo` from PATH) at the wasm toolchain.
# HUDDLE_WASM_RELAXED=1 adds the relaxed-simd target feature (crypto-wasm's second build).
use_wasm_toolchain() {
  export CARGO_TARGET_DIR="$WASM_TARGET_DIR"
  if [ "${HUDDLE_WASM_RELAXED:-}" = 1 ]; then
    export CARGO_TARGET_DIR="$WASM_RELAXED_TARGET_DIR"
    # RUSTFLAGS replaces .cargo/config.toml's target rustflags, so simd128 is repeated.
    export RUSTFLAGS="-C target-feature=+simd128,+relaxed-simd"
  fi
  case "$(wasm_mode)" in
    rustup) ;;
    debian)
      mkdir -p "$TOOLS/debian-cargo"
      for tool in cargo cargo-clippy clippy-driver; do
        ln -sfn "/usr/bin/$tool" "$TOOLS/debian-cargo/$tool"
      done
      export PATH="$TOOLS/debian-cargo:$PATH"
      export RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc RUSTC_BOOTSTRAP=1
      export CARGO_UNSTABLE_BUILD_STD=std,panic_abort
      export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER=wasm-ld-22 ;;
    *) echo "no wasm toolchain yet: run scripts/setup.sh" >&2; return 1 ;;
  esac
}

log() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }
