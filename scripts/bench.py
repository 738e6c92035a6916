"""llmcap's benchmark script: medians and ratios against the peers, measured in one run.

Run through scripts/bench.sh, which prepares a venv with numpy and psutil and builds the
release binary. The machine is shared and noisy, so every comparison interleaves the two
sides and reports medians.
"""
import argparse
import ast
import json
import os
import pathlib
import statistics
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
GUIDE = REPO / "tests" / "fixtures" / "seed" / "test_capability.py"


def wall(cmd, **kwargs):
    start = time.perf_counter()
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):
        sys.exit(f"{cmd[0]} failed ({result.returncode}): {result.stderr}")
    return elapsed, result.stdout


def guide_functions(*names):
    """Source of the guide's functions, taken with ast (the script is the guide's, verbatim)."""
    tree = ast.parse(GUIDE.read_text())
    keep = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in names]
    return "import sys, platform, psutil, subprocess, time, json\n" + "\n".join(ast.unparse(n) for n in keep)


def quick_probe(llmcap, runs):
    facts = guide_functions("get_system_info", "test_ollama")
    guide_cmd = [sys.executable, "-c", facts + "\nget_system_info(); test_ollama()"]
    ours_cmd = [llmcap, "probe", "--skip-benchmark", "--skip-embedding", "--no-save", "--quiet", "--json"]
    ours, theirs = [], []
    for _ in range(runs):
        ours.append(wall(ours_cmd)[0])
        theirs.append(wall(guide_cmd)[0])
    return statistics.median(ours), statistics.median(theirs)


NUMPY_PRODUCT = """
import numpy as np, time, statistics, json, sys
n, budget = 1000, float(sys.argv[1])
np.dot(np.random.rand(n, n), np.random.rand(n, n))  # warm-up, as llmcap's first round
rounds, products, start = [], [], time.perf_counter()
while len(rounds) < 3 or time.perf_counter() - start < budget:
    t0 = time.perf_counter()
    a = np.random.rand(n, n); b = np.random.rand(n, n)
    t1 = time.perf_counter()
    c = np.dot(a, b)
    t2 = time.perf_counter()
    rounds.append(t2 - t0); products.append(t2 - t1)
    if len(rounds) >= 100: break
print(json.dumps({"gflops": 2 * n**3 / statistics.median(products) / 1e9,
                  "round": statistics.median(rounds)}))
"""


def matmul(llmcap, runs, budget):
    ours_cmd = [llmcap, "probe", "--skip-embedding", "--no-save", "--quiet", "--json", "--bench-seconds", str(budget)]
    numpy_cmd = [sys.executable, "-c", NUMPY_PRODUCT, str(budget)]
    ours, theirs, our_rounds, their_rounds, threads = [], [], [], [], None
    for _ in range(runs):
        report = json.loads(wall(ours_cmd)[1])["benchmark"]
        ours.append(report["gflops"])
        our_rounds.append(report["seconds_per_round_median"])
        threads = report["threads"]
        peer = json.loads(wall(numpy_cmd)[1])
        theirs.append(peer["gflops"])
        their_rounds.append(peer["round"])
    return (statistics.median(ours), statistics.median(theirs),
            statistics.median(our_rounds), statistics.median(their_rounds), threads)


LLAMA_BENCH = REPO / ".cache" / "speed" / "llama-build" / "bin" / "llama-bench"
Q4_K_M_GGUF = REPO / ".cache" / "speed" / "models" / "phi3-mini-random-Q4_K_M.gguf"


def peers_after(report):
    """The peers run right after a probe, where they are built: a C STREAM triad on arrays of
    the probe's size and on huge pages, as the probe's are (`scripts/bench.sh` builds it), and
    llama.cpp's own 4-bit generation speed on the random-weight Phi-3-mini
    (`scripts/setup-llama-bench.sh` builds both), the figure the prediction stands for."""
    stream = REPO / ".cache" / "speed" / "stream_triad"
    bandwidth = report["performance"]["memory_bandwidth"]
    peers = {}
    if stream.exists():
        out = wall([str(stream), str(bandwidth["array_mib"]), "10", "huge"])[1]
        peers["C STREAM triad, GB/s"] = json.loads(out)["triad_gb_s"]
    if LLAMA_BENCH.exists() and Q4_K_M_GGUF.exists():
        out = wall([str(LLAMA_BENCH), "-m", str(Q4_K_M_GGUF), "-p", "0", "-n", "32", "-r", "1",
                    "-t", str(bandwidth["threads"]), "-ngl", "0", "-o", "json"])[1]
        peers["llama-bench Q4_K_M tg32, tok/s"] = json.loads(out)[0]["avg_ts"]
    return peers


def full_probe(llmcap, runs):
    """Wall times of the full probe and the guide's script, interleaved, the probes' reports
    (for the spread of their speed figures), and the peers' figures measured right after each
    probe (`peers_after`), by name."""
    ours_cmd = [llmcap, "probe", "--skip-embedding", "--no-save", "--quiet", "--json"]
    ours, theirs, reports, peers = [], [], [], {}
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    for _ in range(runs):
        seconds, out = wall(ours_cmd)
        ours.append(seconds)
        reports.append(json.loads(out))
        for name, value in peers_after(reports[-1]).items():
            peers.setdefault(name, []).append(value)
        with tempfile.TemporaryDirectory() as tmp:
            theirs.append(wall([sys.executable, str(GUIDE)], cwd=tmp, env=env)[0])
    return statistics.median(ours), statistics.median(theirs), reports, peers


def spread(values):
    """(max - min) / median, the spread the probe's figures are judged by."""
    return (max(values) - min(values)) / statistics.median(values)


def speed_spread(reports, peers):
    """The spread of the triad bandwidth and of the predicted 4-bit CPU generation speed over
    the probes, beside the peers' spreads over the runs made right after each of them."""
    triads = [r["performance"]["memory_bandwidth"]["triad_all_cores_gb_s"] for r in reports]
    q4 = [next(s["generation_tok_s"] for s in r["performance"]["devices"][0]["speeds"]
               if s["gguf"] == "Q4_K_M") for r in reports]
    line = (f"speed figures over {len(reports)} probes: triad {min(triads):.1f}-{max(triads):.1f} GB/s "
            f"(spread {spread(triads):.0%}), Q4_K_M generation {min(q4):.2f}-{max(q4):.2f} tok/s "
            f"(spread {spread(q4):.0%}); goal <= 10 %, or C STREAM's own spread")
    for name, values in peers.items():
        line += f"; {name} right after each probe {min(values):.1f}-{max(values):.1f} (spread {spread(values):.0%})"
    return line


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--llmcap", required=True)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--skip-guide", action="store_true", help="skip the slow full-script comparison")
    args = parser.parse_args()
    llmcap = str(pathlib.Path(args.llmcap).resolve())
    load = os.getloadavg()[0]
    print(f"machine: {os.cpu_count()} CPUs, load average {load:.2f} at start")

    ours, theirs = quick_probe(llmcap, args.runs)
    print(f"quick probe (facts only), median of {args.runs}: llmcap {ours*1000:.0f} ms "
          f"(goal <= 100 ms), guide's get_system_info+test_ollama {theirs*1000:.0f} ms; "
          f"time ratio llmcap/guide {ours/theirs:.2f} (llmcap also asks NVML, rocm-smi, "
          f"Ollama's HTTP API and python3 for its version)")

    gflops, numpy_gflops, round_s, numpy_round_s, threads = matmul(llmcap, max(3, args.runs // 3), 1.5)
    print(f"matmul f64 1000x1000, median of {max(3, args.runs // 3)} interleaved runs: "
          f"llmcap {gflops:.1f} GFLOP/s ({threads} threads), numpy {numpy_gflops:.1f} GFLOP/s, "
          f"ratio {gflops/numpy_gflops:.2f} (goal >= 0.9)")
    print(f"guide's round (2 random matrices + product), median: llmcap {round_s*1000:.1f} ms, "
          f"numpy {numpy_round_s*1000:.1f} ms, ratio {numpy_round_s/round_s:.2f}")

    if not args.skip_guide:
        ours, theirs, reports, peers = full_probe(llmcap, 5)
        print(f"full probe without the embedding test, median of 5: llmcap {ours:.2f} s (goal <= 3 s), "
              f"guide's test_capability.py {theirs:.2f} s (its model test skips: no sentence-transformers "
              f"in this venv), time ratio llmcap/guide {ours/theirs:.2f} (goal <= 0.25)")
        print(speed_spread(reports, peers))


if __name__ == "__main__":
    main()
