#!/usr/bin/env bash
# Plans generated fleets of 1,000, 10,000 and 100,000 reports (parsing included) with the
# criterion bench core/benches/plan.rs, then prints the 100k median and the 100k/10k ratio
# against the goals: 100k in at most 1 s, and a ratio of at most 12 (linear cost).
#
# Usage: scripts/bench-plan.sh [--check]   (--check: exit 1 when a goal is missed)
set -euo pipefail
cd "$(dirname "$0")/.."

cargo bench -p llmcap-core --bench plan -- 'plan/'

python3 - "${1:-}" <<'PY'
import json, pathlib, sys

base = pathlib.Path("target/criterion/plan")

def median_ms(name, n):
    estimates = json.loads((base / name / str(n) / "new" / "estimates.json").read_text())
    return estimates["median"]["point_estimate"] / 1e6

p1k, p10k, p100k = (median_ms("parse+plan", n) for n in (1_000, 10_000, 100_000))
json_100k = median_ms("json", 100_000)
ratio = p100k / p10k
print()
print(f"parse+plan medians: 1k {p1k:.1f} ms, 10k {p10k:.1f} ms, 100k {p100k:.1f} ms")
print(f"plan_json of the 100k plan: {json_100k:.1f} ms")
ok_time, ok_ratio = p100k <= 1000, ratio <= 12
print(f"100k planned in {p100k / 1000:.3f} s (goal <= 1 s): {'met' if ok_time else 'MISSED'}")
print(f"100k/10k ratio {ratio:.2f} (goal <= 12): {'met' if ok_ratio else 'MISSED'}")
if sys.argv[1] == "--check" and not (ok_time and ok_ratio):
    sys.exit(1)
PY
