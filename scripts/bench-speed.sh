#!/usr/bin/env bash
# Compares llmcap's speed figures with their peers on this machine, interleaved in one run:
# llmcap's bandwidth (STREAM-style triad) with a C STREAM triad built with gcc -O3 -fopenmp
# (on huge pages as llmcap's arrays are, and on malloc's pages),
# and llmcap's predicted Phi-3-mini generation and prompt speeds with llama.cpp's own
# llama-bench (tg128, pp512, CPU only) on random-weight Phi-3-mini GGUF files at every type
# llmcap recommends. Prints medians over the rounds and the ratios measured in each round,
# and the efficiency factors that would make each prediction exact (to calibrate
# core/src/speed/table.rs). Not part of the test command; needs about 10 GB of disk in .cache/.
#
# Usage: nice scripts/bench-speed.sh [--rounds N] [--types "F16 Q8_0 ..."] [--threads T]
#        (environment: LLMCAP_BIN=PATH measures that binary)
set -euo pipefail

rounds=2
types="F16 Q8_0 Q4_K_M Q4_0 Q3_K_M"
threads="$(nproc)"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rounds) rounds="$2"; shift 2 ;;
        --types) types="$2"; shift 2 ;;
        --threads) threads="$2"; shift 2 ;;
        *) echo "usage: $0 [--rounds N] [--types \"F16 Q8_0 ...\"] [--threads T]" >&2; exit 2 ;;
    esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
cache="$repo_root/.cache/speed"
scripts/setup-llama-bench.sh
# LLMCAP_BIN: an llmcap binary to measure instead of a fresh release build (an optimised
# build of llmcap's own code; a plain debug build measures unoptimised kernels).
if [[ -n "${LLMCAP_BIN:-}" ]]; then
    llmcap="$LLMCAP_BIN"
else
    cargo build --release --quiet -p llmcap
    llmcap="$repo_root/target/release/llmcap"
fi
stream="$(scripts/build-stream.sh)"
out="$cache/bench-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$out"
# The C arrays are the size llmcap picks for this machine.
array_mib="$("$llmcap" speed-check --bandwidth-seconds 0.1 2>/dev/null \
    | python3 -c 'import json,sys; print(json.load(sys.stdin)["performance"]["memory_bandwidth"]["array_mib"])')"

echo "bench-speed: $(date -u +%Y-%m-%dT%H:%M:%SZ), $rounds rounds, $threads threads, arrays of $array_mib MiB, results in $out" >&2
for round in $(seq 1 "$rounds"); do
    # tg128 reads KV cache for 0..127 tokens: 64 on average.
    "$llmcap" speed-check --context-tokens 64 >"$out/llmcap-$round.json" 2>/dev/null
    # C on huge pages, as llmcap's arrays are (the like-for-like pair), then on malloc's.
    OMP_NUM_THREADS="$threads" "$stream" "$array_mib" 10 huge >"$out/stream-all-$round.json"
    OMP_NUM_THREADS=1 "$stream" "$array_mib" 10 huge >"$out/stream-one-$round.json"
    OMP_NUM_THREADS="$threads" "$stream" "$array_mib" 10 >"$out/stream-all-normal-$round.json"
    OMP_NUM_THREADS=1 "$stream" "$array_mib" 10 >"$out/stream-one-normal-$round.json"
    for type in $types; do
        echo "bench-speed: round $round, llama-bench $type" >&2
        "$cache/llama-build/bin/llama-bench" -m "$cache/models/phi3-mini-random-$type.gguf" \
            -p 512 -n 128 -t "$threads" -r 3 -ngl 0 -o json >"$out/llama-$type-$round.json" 2>/dev/null
        "$llmcap" speed-check --context-tokens 64 >"$out/llmcap-$round-after-$type.json" 2>/dev/null
    done
done
python3 scripts/bench_speed.py "$out" "$rounds" $types
