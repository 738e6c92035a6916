#!/usr/bin/env bash
# Benchmarks llmcap against its peers in one run and prints medians and ratios:
#   - the quick probe (facts only) against the guide's get_system_info + test_ollama;
#   - the full probe (benchmark included) against the guide's whole script;
#   - llmcap's matmul GFLOP/s against numpy's on the same machine, runs interleaved;
#   - the spread of the probe's bandwidth and predicted 4-bit generation speed over 5 probes,
#     beside a C STREAM triad's and, where scripts/setup-llama-bench.sh has built it and the
#     Q4_K_M file, llama-bench's own generation speed, each run right after every probe.
# Usage: scripts/bench.sh [--runs N] [--skip-guide]
set -euo pipefail
cd "$(dirname "$0")/.."
venv=.cache/bench-venv
if [[ ! -x $venv/bin/python ]] || ! $venv/bin/python -c 'import numpy, psutil' 2>/dev/null; then
  echo "==> creating $venv (numpy, psutil)" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet numpy==2.3.5 psutil==7.1.3
fi
# The C STREAM triad bench.py runs after each full probe, where gcc can build it.
scripts/build-stream.sh >/dev/null || echo "==> no gcc: the C STREAM triad is left out" >&2
cargo build --release --locked -p llmcap >&2
exec "$venv/bin/python" scripts/bench.py --llmcap target/release/llmcap "$@"
