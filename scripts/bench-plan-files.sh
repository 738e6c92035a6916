#!/usr/bin/env bash
# What a user waits for when planning a large fleet: the whole `llmcap plan` process on
# 100,000 report files in one folder (reading, parsing, planning, writing
# distributed_plan.json, printing the tables), against the guide's distribute_workload.py on
# the same folder, alternately, RUNS times each. Prints the medians, the ratio and each
# one's peak memory (GNU time's maximum resident set size) against the goals: at most 1 s, at
# most 0.25 x the guide's script, and at most 300 MB.
#
# The files are copies of the example fleet's and the guide's reports, one per host name
# (`h000000` ...), made once in target/bench-plan-files/.
#
# Usage: scripts/bench-plan-files.sh [RUNS] [FILES]   (defaults: 5 runs, 100000 files)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${1:-5}
files=${2:-100000}
cargo build --release -q -p llmcap
python3 - "$runs" "$files" <<'PY'
import json, pathlib, shutil, statistics, subprocess, sys, tempfile

runs, files = int(sys.argv[1]), int(sys.argv[2])
root = pathlib.Path.cwd()
folder = root / "target" / "bench-plan-files" / str(files)
seeds = sorted((root / "www/examples").glob("*.json")) + sorted(
    (root / "tests/fixtures/seed-reports").glob("*.json"))
texts = [json.loads(p.read_text()) for p in seeds]
if not folder.is_dir() or sum(1 for _ in folder.glob("capability_report_*.json")) != files:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for i in range(files):
        report = dict(texts[i % len(texts)])
        report["hostname"] = f"h{i:06d}"
        (folder / f"capability_report_h{i:06d}.json").write_text(json.dumps(report, indent=2))
shutil.copy(root / "tests/fixtures/seed/distribute_workload.py", folder / "distribute_workload.py")
llmcap = root / "target/release/llmcap"
out = pathlib.Path(tempfile.mkdtemp()) / "distributed_plan.json"

def timed(cmd, cwd):
    """Wall seconds and peak RSS (MB) of one run, from GNU time."""
    stats = pathlib.Path(tempfile.mkstemp()[1])
    subprocess.run(["/usr/bin/time", "-f", "%e %M", "-o", str(stats), *cmd], cwd=cwd,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    wall, kb = stats.read_text().split()[-2:]
    return float(wall), int(kb) / 1024

ours, guide = [], []
for _ in range(runs):
    guide.append(timed(["python3", "distribute_workload.py"], folder))
    ours.append(timed([str(llmcap), "plan", str(folder), "-o", str(out)], root))

def median(xs, i):
    return statistics.median(x[i] for x in xs)

t_ours, t_guide = median(ours, 0), median(guide, 0)
m_ours, m_guide = max(x[1] for x in ours), max(x[1] for x in guide)
print(f"{files} files, {runs} runs each, alternating")
print(f"llmcap plan:            median {t_ours:.3f} s (runs {', '.join(f'{x[0]:.2f}' for x in ours)}), peak {m_ours:.0f} MB")
print(f"distribute_workload.py: median {t_guide:.3f} s (runs {', '.join(f'{x[0]:.2f}' for x in guide)}), peak {m_guide:.0f} MB")
ratio = t_ours / t_guide
print(f"ratio {ratio:.2f} x the guide's script (goal <= 0.25): {'met' if ratio <= 0.25 else 'MISSED'}")
print(f"time {t_ours:.3f} s (goal <= 1 s): {'met' if t_ours <= 1 else 'MISSED'}")
print(f"peak memory {m_ours:.0f} MB (goal <= 300 MB): {'met' if m_ours <= 300 else 'MISSED'}")
PY
