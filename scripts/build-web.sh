#!/usr/bin/env bash
# Builds the static site in www/: the Yew app (web/) compiled to wasm by wasm-pack into
# www/pkg/, shrunk by binaryen's wasm-opt, and embedded in a JavaScript module (one character
# per byte, scripts/embed-wasm.mjs), because the
# page's Content-Security-Policy (connect-src 'none') forbids fetching a .wasm file.
# Prints the size of what the browser downloads, raw and gzipped (gzip -9).
#
# Usage: scripts/build-web.sh   (installs missing build tools first: scripts/setup-web.sh --build-only)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/setup-web.sh --build-only
export PATH="$ROOT/.tools/cargo/bin:$ROOT/.tools/node/node_modules/.bin:$PATH"

PKG="$ROOT/www/pkg"
KEEP="$ROOT/target/web" # the bare .wasm, for size analysis (twiggy); not deployed
mkdir -p "$KEEP"

# Size over speed for the page's wasm only; the CLI keeps the workspace's release profile.
export CARGO_PROFILE_RELEASE_OPT_LEVEL=z
export CARGO_PROFILE_RELEASE_LTO=fat
export CARGO_PROFILE_RELEASE_CODEGEN_UNITS=1
# wasm-bindgen reads the `target_features` section, which stripping removes; wasm-opt strips.
export CARGO_PROFILE_RELEASE_STRIP=false

wasm-pack --quiet build web --mode no-install --target web --release --no-typescript --no-pack --out-dir "$PKG"

WASM="$PKG/llmcap_web_bg.wasm"
# The features Rust enables by default for wasm32-unknown-unknown, which browsers have had
# since 2021-2022.
wasm-opt -Oz --strip-debug --strip-producers \
  --enable-bulk-memory --enable-mutable-globals --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-reference-types --enable-multivalue \
  --strip-target-features -o "$KEEP/llmcap_web_bg.wasm" "$WASM"
rm -f "$WASM" "$PKG/.gitignore"

node scripts/embed-wasm.mjs "$KEEP/llmcap_web_bg.wasm" "$PKG/llmcap_web_bg.wasm.js"

size() { stat -c %s "$1"; }
gz() { gzip -9 -c "$1" | wc -c; }
total_raw=0
total_gz=0
printf 'build-web: %-28s %10s %10s\n' file bytes gzip-9
for f in www/index.js www/pkg/llmcap_web.js www/pkg/llmcap_web_bg.wasm.js; do
  raw=$(size "$f")
  zipped=$(gz "$f")
  total_raw=$((total_raw + raw))
  total_gz=$((total_gz + zipped))
  printf 'build-web: %-28s %10d %10d\n' "$f" "$raw" "$zipped"
done
printf 'build-web: %-28s %10d %10d\n' "wasm + JS bundle" "$total_raw" "$total_gz"
printf 'build-web: %-28s %10d %10d\n' "(bare .wasm, not shipped)" "$(size "$KEEP/llmcap_web_bg.wasm")" "$(gz "$KEEP/llmcap_web_bg.wasm")"
echo "$total_gz" >"$KEEP/bundle-gzip-bytes"
