#!/usr/bin/env bash
# Benchmarks the built page in headless Chromium (tests/browser/bench.mjs): 10,000 generated
# reports dropped → plan shown, and the gzipped bundle size. Builds first unless --no-build.
# Extra arguments go to bench.mjs (--check fails over budget). BENCH_RUNS sets the runs (5).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
scripts/setup-web.sh
if [[ "${1:-}" == "--no-build" ]]; then
  shift
else
  scripts/build-web.sh
fi
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p tests/artifacts
python3 -m http.server --bind 127.0.0.1 --directory www "$PORT" >tests/artifacts/http-server-bench.log 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  python3 -c "import urllib.request as u; u.urlopen('http://127.0.0.1:$PORT/index.html', timeout=1)" 2>/dev/null && break
  sleep 0.1
done
BASE_URL="http://127.0.0.1:$PORT" timeout 900 node tests/browser/bench.mjs "$@"
