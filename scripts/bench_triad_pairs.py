"""llmcap's triad against C STREAM's, in many interleaved runs: each run is one
`llmcap speed-check` (triad on all cores and on one) and then the C triad
(`.cache/speed/stream_triad`, built by scripts/bench-speed.sh or scripts/bench.sh) four times:
one core and all cores, on huge pages (as llmcap's arrays are) and on malloc's pages.
Prints each run, then medians, ranges and spreads, and the ratios of each pair.

Usage: python3 scripts/bench_triad_pairs.py LLMCAP_BIN [RUNS]   (default 21 runs)
"""

import json
import os
import statistics
import subprocess
import sys

STREAM = ".cache/speed/stream_triad"
COLUMNS = ["llmcap, one core", "C huge pages, one core", "C malloc's pages, one core",
           "llmcap, all cores", "C huge pages, all cores", "C malloc's pages, all cores"]
PAIRS = [(0, 1), (0, 2), (1, 2), (3, 4), (3, 5), (4, 5)]


def run(cmd, threads=None):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads)) if threads else None
    return json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout)


def one_run(llmcap, threads):
    mine = run([llmcap, "speed-check", "--bandwidth-seconds", "0.5"])["performance"]["memory_bandwidth"]
    mib = str(mine["array_mib"])
    c = {(t, pages): run([STREAM, mib, "10"] + (["huge"] if pages == "huge" else []), t)["triad_gb_s"]
         for t in (1, threads) for pages in ("huge", "normal")}
    return (mine["triad_one_core_gb_s"], c[(1, "huge")], c[(1, "normal")],
            mine["triad_all_cores_gb_s"], c[(threads, "huge")], c[(threads, "normal")])


def main():
    llmcap, runs = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 21
    threads = os.cpu_count() or 1
    rows = []
    print(" | ".join(COLUMNS))
    for _ in range(runs):
        rows.append(one_run(llmcap, threads))
        print(" | ".join(f"{v:.1f}" for v in rows[-1]), flush=True)
    med = statistics.median
    print(f"\n{runs} runs, GB/s:")
    for k, name in enumerate(COLUMNS):
        v = [r[k] for r in rows]
        print(f"- {name}: median {med(v):.1f}, {min(v):.1f}-{max(v):.1f}, spread {(max(v) - min(v)) / med(v):.0%}")
    print("ratios (median of the runs' ratios; their range):")
    for a, b in PAIRS:
        r = [x[a] / x[b] for x in rows]
        print(f"- {COLUMNS[a]} / {COLUMNS[b]}: {med(r):.2f} ({min(r):.2f}-{max(r):.2f})")


if __name__ == "__main__":
    main()
