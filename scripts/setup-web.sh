#!/usr/bin/env bash
# Installs, when missing, the pinned tools that build and test the web page:
#   wasm-bindgen-cli and wasm-pack (cargo install into .tools/cargo),
#   wasm-opt from npm's binaryen (into .tools/node), the wasm32 Rust target,
#   Chromium (Debian's package, only when /usr/bin/chromium is absent; needs root),
#   and playwright-core and axe-core (npm ci in tests/browser).
# Fast when everything is already there. Prints the PATH additions to use afterwards.
#
# Usage: scripts/setup-web.sh [--build-only]   (--build-only: no browser, no playwright)
set -euo pipefail

BUILD_ONLY=false
[[ "${1:-}" == "--build-only" ]] && BUILD_ONLY=true

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TOOLS="$ROOT/.tools"
WASM_BINDGEN_VERSION=0.2.130 # must equal the `wasm-bindgen` pin in Cargo.toml
WASM_PACK_VERSION=0.15.1
BINARYEN_VERSION=132.0.0

log() { printf 'setup-web: %s\n' "$*" >&2; }

# cargo_tool BIN CRATE VERSION: installs CRATE@VERSION unless BIN already reports VERSION.
cargo_tool() {
  local bin=$1 crate=$2 version=$3
  local have
  have=$("$TOOLS/cargo/bin/$bin" --version 2>/dev/null || true)
  if [[ "$have" == *" $version"* ]]; then
    return
  fi
  log "installing $crate $version (takes several minutes on a small machine)"
  # --locked reproduces the release's own lock file. A registry mirror can lack a version that
  # file names (wasm-bindgen-cli 0.2.130 locks webpki-roots 1.0.11); then resolve afresh.
  if ! cargo install --locked --quiet --root "$TOOLS/cargo" --version "=$version" "$crate"; then
    log "$crate $version: its lock file names a crate the registry lacks; resolving without --locked"
    cargo install --quiet --root "$TOOLS/cargo" --version "=$version" "$crate"
  fi
}

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

cargo_tool wasm-bindgen wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
cargo_tool wasm-pack wasm-pack "$WASM_PACK_VERSION"

if [[ "$("$TOOLS/node/node_modules/.bin/wasm-opt" --version 2>/dev/null || true)" != *"version ${BINARYEN_VERSION%%.*}"* ]]; then
  log "installing binaryen $BINARYEN_VERSION (wasm-opt)"
  mkdir -p "$TOOLS/node"
  npm install --silent --no-audit --no-fund --prefix "$TOOLS/node" "binaryen@$BINARYEN_VERSION"
fi

if $BUILD_ONLY; then
  log "ready to build: PATH=$TOOLS/cargo/bin:$TOOLS/node/node_modules/.bin:\$PATH"
  exit 0
fi

if [[ ! -x /usr/bin/chromium ]]; then
  log "installing Debian's chromium"
  SUDO=()
  [[ $(id -u) -ne 0 ]] && SUDO=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq chromium chromium-driver >/dev/null
fi

if [[ ! -f "$ROOT/tests/browser/node_modules/playwright-core/package.json" ]] ||
  ! cmp -s "$ROOT/tests/browser/package-lock.json" "$ROOT/tests/browser/node_modules/.package-lock.json.installed" 2>/dev/null; then
  log "installing playwright-core and axe-core (npm ci in tests/browser)"
  (cd "$ROOT/tests/browser" && npm ci --silent --no-audit --no-fund)
  cp "$ROOT/tests/browser/package-lock.json" "$ROOT/tests/browser/node_modules/.package-lock.json.installed"
fi

log "ready: PATH=$TOOLS/cargo/bin:$TOOLS/node/node_modules/.bin:\$PATH"
