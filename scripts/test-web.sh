#!/usr/bin/env bash
# Tests the built page in headless Chromium: serves www/ on 127.0.0.1 (a free port), runs
# tests/browser/e2e.mjs (node's test runner), and leaves screenshots and the downloaded files
# in tests/artifacts/.
#
# Usage: scripts/test-web.sh [--no-build]
#   LLMCAP_BIN=target/release/llmcap scripts/test-web.sh
#     also compares the page's distributed_plan.json byte for byte with `llmcap plan --json`
#     on the same files; a difference fails the test.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/setup-web.sh
if [[ "${1:-}" != "--no-build" ]]; then
  scripts/build-web.sh
fi
if [[ -n "${LLMCAP_BIN:-}" ]]; then
  LLMCAP_BIN=$(realpath "$LLMCAP_BIN")
  [[ -x "$LLMCAP_BIN" ]] || { echo "test-web: LLMCAP_BIN=$LLMCAP_BIN is not an executable" >&2; exit 1; }
  export LLMCAP_BIN
else
  echo "test-web: LLMCAP_BIN is not set: the byte-for-byte comparison with llmcap plan --json is not run" >&2
fi

mkdir -p tests/artifacts
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -m http.server --bind 127.0.0.1 --directory www "$PORT" >tests/artifacts/http-server.log 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  if python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/index.html', timeout=1)" 2>/dev/null; then
    break
  fi
  sleep 0.1
done

export BASE_URL="http://127.0.0.1:$PORT"
timeout 600 node --test-reporter=spec tests/browser/e2e.mjs
