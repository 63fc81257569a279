#!/usr/bin/env bash
# Installs everything the builds and tests need; idempotent: what is already there is
# skipped, so a second run takes seconds. Works on Debian/Ubuntu machines without
# internet access beyond package registries (apt, crates.io, npm) and on normal developer
# machines with rustup.
#
# wasm32 toolchain: the rustup `wasm32-unknown-unknown` target where it can be added;
# otherwise Debian's rustc-web + rust-web-src + lld-22, building std with -Z build-std
# (see scripts/cargo-wasm). The choice is recorded in .tools/wasm-mode;
# HUDDLE_WASM_MODE=debian or =rustup forces one.
set -euo pipefail
source "$(dirname "$0")/env.sh"
mkdir -p "$TOOLS/bin"

SUDO=""
[ "$(id -u)" = 0 ] || SUDO="sudo"

have_deb() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "ok installed"; }

apt_install() {
  local missing=()
  for p in "$@"; do have_deb "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "apt: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

is_debian() { command -v apt-get >/dev/null && command -v dpkg-query >/dev/null; }

# --- native Rust ---------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  echo "setup: no Rust toolchain: install rustup (https://rustup.rs) and run again" >&2
  exit 1
fi
for comp in rustfmt clippy; do
  if ! cargo "${comp/rustfmt/fmt}" --version >/dev/null 2>&1; then
    log "rustup: adding $comp"
    timeout 300 rustup component add "$comp"
  fi
done

# --- system packages: browser, PostgreSQL and the sqlite3 shell for tests -------------
# (the tests start throwaway PostgreSQL clusters of their own: scripts/with-postgres.sh);
# OpenSSL's headers and pkg-config for webauthn-rs (passkeys), which links OpenSSL;
# Pebble, Let's Encrypt's ACME test server, for tests/e2e/acme.test.mjs; aiosmtpd, an
# SMTP server the tests of sign-up mail start (server/tests/signup.rs, e2e signup-mail);
# the other engines of tests/e2e/engines.test.mjs: Firefox ESR (driven by geckodriver,
# below) and WebKitGTK's WebDriver with its MiniBrowser, which needs an X server (Xvfb).
if is_debian; then
  apt_install chromium chromium-driver fonts-noto-color-emoji ca-certificates curl postgresql python3 sqlite3 \
    libssl-dev pkg-config pebble python3-aiosmtpd firefox-esr webkit2gtk-driver xvfb xauth
fi

# --- Debian's nginx, for the test of the documented configuration ---------------------
# (tests/e2e/nginx.test.mjs) Unpacked into .tools/nginx, not installed: installing the
# package would start and enable a system nginx on port 80. The test runs this binary
# with the package's own nginx.conf and mime.types on random loopback ports.
if is_debian && [ ! -x "$TOOLS/nginx/usr/sbin/nginx" ]; then
  log "apt: unpacking Debian's nginx into .tools/nginx"
  debs="$(mktemp -d)"
  chmod 0777 "$debs"   # apt-get download runs as _apt when it can
  (cd "$debs" && { apt-get download -q nginx nginx-common 2>/dev/null \
     || { $SUDO apt-get update -qq && apt-get download -q nginx nginx-common; }; })
  for deb in "$debs"/*.deb; do dpkg-deb -x "$deb" "$TOOLS/nginx"; done
  if [ ! -x "$TOOLS/nginx/usr/sbin/nginx" ]; then   # older releases: the binary is in nginx-core
    (cd "$debs" && apt-get download -q nginx-core)
    dpkg-deb -x "$debs"/nginx-core_*.deb "$TOOLS/nginx"
  fi
  rm -rf "$debs"
  "$TOOLS/nginx/usr/sbin/nginx" -v
fi

# --- wasm32 toolchain ------------------------------------------------------------------
wasm_target_installed() { rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; }
# Order: HUDDLE_WASM_MODE, then the mode recorded by an earlier run, then the rustup
# target if it is installed or can be added, else Debian's toolchain.
mode="${HUDDLE_WASM_MODE:-$(wasm_mode)}"
if [ "$mode" != rustup ] && [ "$mode" != debian ]; then
  # rustup can only add the target with access to static.rust-lang.org; where that is
  # blocked it hangs, so ask the server first.
  if wasm_target_installed; then
    mode=rustup
  elif curl -sfI --max-time 8 https://static.rust-lang.org/dist/channel-rust-stable.toml.sha256 >/dev/null 2>&1 \
     && timeout 600 rustup target add wasm32-unknown-unknown; then
    mode=rustup
  else
    mode=debian
  fi
fi
if [ "$mode" = rustup ] && ! wasm_target_installed; then
  log "rustup: adding wasm32-unknown-unknown"
  timeout 600 rustup target add wasm32-unknown-unknown
fi
if [ "$mode" = debian ]; then
  if ! is_debian; then
    echo "setup: cannot add the rustup wasm32 target and this is not Debian" >&2
    exit 1
  fi
  apt_install rustc-web cargo-web rust-web-src rust-web-clippy lld-22
fi
echo "$mode" > "$TOOLS/wasm-mode"

# --- cargo-installed tools -------------------------------------------------------------
installed_version() { "$1" --version 2>/dev/null | awk '{print $2}'; }
if [ "$(installed_version trunk)" != "$TRUNK_VERSION" ]; then
  log "cargo install trunk $TRUNK_VERSION"
  cargo install trunk --version "$TRUNK_VERSION" --locked
fi
if [ "$(installed_version wasm-bindgen)" != "$WASM_BINDGEN_VERSION" ]; then
  log "cargo install wasm-bindgen-cli $WASM_BINDGEN_VERSION"
  cargo install wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION"
fi
# geckodriver (Mozilla's WebDriver server for Firefox), from crates.io, into .tools.
if [ "$(installed_version "$TOOLS/geckodriver/bin/geckodriver")" != "$GECKODRIVER_VERSION" ]; then
  log "cargo install geckodriver $GECKODRIVER_VERSION"
  cargo install geckodriver --version "$GECKODRIVER_VERSION" --locked --root "$TOOLS/geckodriver"
fi

# --- Node packages for the tests and benchmarks ------------------------------------------
if ! command -v node >/dev/null; then
  is_debian && apt_install nodejs npm
fi
stamp="$TOOLS/npm-stamp"
want="$(sha256sum "$ROOT/tests/package-lock.json" | cut -d' ' -f1)"
if [ ! -d "$ROOT/tests/node_modules" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "npm ci (tests/)"
  (cd "$ROOT/tests" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi
# Lighthouse 12.2.3 (tests/lighthouse/), run against the local Chromium.
stamp="$TOOLS/lighthouse-stamp"
want="$(sha256sum "$ROOT/tests/lighthouse/package-lock.json" | cut -d' ' -f1)"
if [ ! -d "$ROOT/tests/lighthouse/node_modules/lighthouse" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "npm ci --ignore-scripts (tests/lighthouse/)"
  (cd "$ROOT/tests/lighthouse" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi

# Mozilla's HTTP Observatory, for tests/e2e/https.test.mjs, in its own folder: installed
# without its postinstall, which downloads the HSTS preload and TLD lists from outside
# the package registries; an empty preload list stands in (no test host is preloaded).
stamp="$TOOLS/observatory-stamp"
want="$(sha256sum "$ROOT/tests/observatory/package-lock.json" | cut -d' ' -f1)"
observatory="$ROOT/tests/observatory/node_modules/@mdn/mdn-http-observatory"
if [ ! -d "$observatory" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "npm ci --ignore-scripts (tests/observatory/)"
  (cd "$ROOT/tests/observatory" && npm ci --ignore-scripts --no-audit --no-fund --loglevel=error)
  echo "$want" > "$stamp"
fi
[ -f "$observatory/conf/hsts-preload.json" ] || echo '{}' > "$observatory/conf/hsts-preload.json"

# An S3-compatible server (moto's, from PyPI) for Drive's tests on an object store, in
# its own virtual environment under .tools.
if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c "import ensurepip" 2>/dev/null; then
  is_debian && apt_install python3-venv
fi
stamp="$TOOLS/s3-stamp"
want="$(sha256sum "$ROOT/tests/s3/requirements.txt" | cut -d' ' -f1)"
if [ ! -x "$TOOLS/s3/bin/moto_server" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "pip install moto[server] (tests/s3/requirements.txt) into .tools/s3"
  rm -rf "$TOOLS/s3"
  python3 -m venv "$TOOLS/s3"
  "$TOOLS/s3/bin/pip" install --quiet --disable-pip-version-check -r "$ROOT/tests/s3/requirements.txt"
  echo "$want" > "$stamp"
fi

log "setup done (wasm toolchain: $mode)"
