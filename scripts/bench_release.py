"""Compares llmcap builds (release profiles, gnu against musl, ...) run in turn, so that
every build sees the same machine load: the matmul benchmark's GFLOP/s and the embedding
test's encode time, best and median of the runs, and their ratios to the first build.

Usage: python3 scripts/bench_release.py [--runs N] [--model-dir DIR] BINARY...

A build without `probe` (an older tree) is measured on the embedding test alone, through
`embed-check`; a build without the embedding test is measured on GFLOP/s alone.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys


def run_json(cmd):
    """The JSON a command prints, or None when it fails (a build without that command)."""
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if not done.stdout.strip():
        return None
    try:
        return json.loads(done.stdout)
    except json.JSONDecodeError:
        return None


def gflops(binary):
    report = run_json([binary, "probe", "--skip-embedding", "--json", "--no-save", "--quiet"])
    return report["benchmark"].get("gflops") if report else None


def encode_seconds(binary, model_dir):
    flags = ["--offline", "--model-dir", model_dir, "--embedding-timeout", "300"]
    report = run_json([binary, "probe", "--skip-benchmark", "--json", "--no-save", "--quiet", *flags])
    embedding = report["embedding"] if report else run_json([binary, "embed-check", *flags])
    if embedding and embedding.get("status") == "success":
        return embedding["encode_seconds"]
    return None


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--model-dir", default=".cache/models/all-MiniLM-L6-v2")
    parser.add_argument("binaries", nargs="+")
    args = parser.parse_args()
    results = {b: {"gflops": [], "encode_seconds": []} for b in args.binaries}
    for run in range(args.runs):
        for binary in args.binaries:
            for key, value in (("gflops", gflops(binary)),
                               ("encode_seconds", encode_seconds(binary, args.model_dir))):
                if value is not None:
                    results[binary][key].append(value)
        print(f"run {run + 1}/{args.runs} done", file=sys.stderr)
    base = results[args.binaries[0]]
    # The best run is the least disturbed by other load; the median is the typical one.
    columns = [("gflops", max, "best GFLOP/s"), ("gflops", statistics.median, "median GFLOP/s"),
               ("encode_seconds", min, "best encode s"),
               ("encode_seconds", statistics.median, "median encode s")]
    print(f"{'binary':40} {'bytes':>10} " + " ".join(f"{t:>15} {'ratio':>5}" for *_, t in columns))
    for binary in args.binaries:
        row = [f"{binary[-40:]:40}", f"{os.path.getsize(binary):>10}"]
        for key, stat, _ in columns:
            values, base_values = results[binary][key], base[key]
            if values and base_values:
                row += [f"{stat(values):>15.3f}", f"{stat(values) / stat(base_values):>5.2f}"]
            else:
                row += [f"{'-':>15}", f"{'-':>5}"]
        print(" ".join(row))


if __name__ == "__main__":
    main()
