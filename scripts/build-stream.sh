#!/usr/bin/env bash
# Builds the C STREAM triad (scripts/stream_triad.c, gcc -O3 -march=native -fopenmp) into
# .cache/speed/stream_triad when it is missing or older than its source, and prints its path.
# The bench scripts compare llmcap's triad with it. Exits 1, printing nothing, without gcc.
set -euo pipefail
cd "$(dirname "$0")/.."
stream="$PWD/.cache/speed/stream_triad"
command -v gcc >/dev/null || exit 1
if [[ ! -x $stream || scripts/stream_triad.c -nt $stream ]]; then
  mkdir -p "$(dirname "$stream")"
  gcc -O3 -march=native -fopenmp scripts/stream_triad.c -o "$stream"
fi
echo "$stream"
