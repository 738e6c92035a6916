#!/usr/bin/env bash
# Fuzzes report parsing, bundle reading and planning (tests/tests/fuzz.rs, proptest on stable
# Rust) for at least MINUTES CPU-minutes (10 by default): runs the three fuzz properties again
# and again, each run with fresh random inputs, until the CPU time used adds up, then prints the
# runs, the cases and the failures. Exits 1 on any failure; proptest's report of the smallest
# failing input is kept in target/fuzz/fuzz.log.
#
# Usage: scripts/fuzz.sh [MINUTES] [CASES_PER_PROPERTY_AND_RUN]
set -euo pipefail
cd "$(dirname "$0")/.."

minutes=${1:-10}
cases=${2:-2000}
log=target/fuzz/fuzz.log
mkdir -p target/fuzz
: >"$log"

# Built once; the runs use the binary itself, so no rebuild is counted as fuzzing.
binary=$(cargo test --release -p llmcap-tests --test tests --no-run --message-format=json 2>>"$log" |
  python3 -c 'import json, sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "tests" and m.get("executable"):
        print(m["executable"])')
budget=$((minutes * 60))
cpu=0 runs=0 failed=0
start=$(date +%s)
while [ "$cpu" -lt "$budget" ]; do
  if ! /usr/bin/time -f '%U %S' -o target/fuzz/cpu env LLMCAP_FUZZ_CASES="$cases" \
    "$binary" -q fuzz:: >>"$log" 2>&1; then
    failed=$((failed + 1))
  fi
  cpu=$((cpu + $(awk '{printf "%d", $1 + $2 + 0.5}' target/fuzz/cpu)))
  runs=$((runs + 1))
done
wall=$(($(date +%s) - start))
echo "fuzz: $runs runs x 3 properties x $cases cases = $((runs * 3 * cases)) cases in ${cpu} CPU-s (${wall} s wall), $failed failed runs"
[ "$failed" -eq 0 ]
