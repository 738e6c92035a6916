#!/usr/bin/env python3
"""Benchmark of llmcap's embedding test against sentence-transformers, in one run.

Called by scripts/bench-embed.sh; standard library only on the llmcap side. Each run is a
fresh process, measured from outside: wall time, and peak resident memory of the process
tree (os.wait4's ru_maxrss: the largest process). Runs of the two tools alternate so a busy
machine slows both alike. Prints medians and ratios (sentence-transformers / llmcap).

    bench_embed.py compare LLMCAP_BIN MODEL_DIR SENTENCES RUNS [ST_PYTHON]
    bench_embed.py st-run MODEL_DIR SENTENCES     (inside the sentence-transformers venv)
"""

import json
import os
import statistics
import subprocess
import sys
import time


def st_run(model_dir, sentences_file):
    """One sentence-transformers run, timed inside: import, load, encode both batches."""
    t0 = time.perf_counter()
    from sentence_transformers import SentenceTransformer  # noqa: E402
    import resource
    import sentence_transformers
    import torch

    t1 = time.perf_counter()
    model = SentenceTransformer(model_dir, device="cpu")
    t2 = time.perf_counter()
    model.encode(["Test sentence"] * 100, batch_size=32)
    t3 = time.perf_counter()
    with open(sentences_file, encoding="utf-8") as f:
        mixed = [line.rstrip("\n") for line in f if line.strip()]
    model.encode(mixed, batch_size=32)
    t4 = time.perf_counter()
    print(
        json.dumps(
            {
                "import_seconds": t1 - t0,
                "load_seconds": t2 - t1,
                "guide_seconds": t3 - t2,
                "mixed_seconds": t4 - t3,
                "threads": torch.get_num_threads(),
                "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                "versions": f"sentence-transformers {sentence_transformers.__version__}, "
                f"torch {torch.__version__}",
            }
        )
    )


def measured(argv, env=None):
    """Runs argv; returns (stdout, wall seconds, peak RSS MiB of the largest process)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0,):
        sys.exit(f"{argv[0]} failed ({proc.returncode}): {err.decode(errors='replace')}")
    return out.decode(), wall, usage.ru_maxrss / 1024


def llmcap_run(binary, model_dir):
    """One llmcap run: the whole `embed-check` (parent + worker) from outside, and the
    worker's own timings and peak from its JSON line."""
    out, wall, tree_peak = measured([binary, "embed-check", "--model-dir", model_dir])
    check = json.loads(out.strip().splitlines()[-1])
    if check["status"] != "success":
        sys.exit(f"llmcap's embedding test did not succeed: {check}")
    out, _, _ = measured([binary, "embed-worker", "--model-dir", model_dir])
    worker = json.loads(out.strip().splitlines()[-1])
    batches = {b["name"]: b["seconds"] for b in worker["batches"]}
    return {
        "wall_seconds": wall,
        "tree_peak_rss_mib": tree_peak,
        "load_seconds": check["load_seconds"],
        "encode_seconds": check["encode_seconds"],
        "guide_seconds": batches["guide"],
        "mixed_seconds": batches["mixed"],
        "check_seconds": worker["check_seconds"],
        "peak_rss_mib": check["peak_rss_mib"],
        "memory_needed_mib": check["memory_needed_mib"],
        "threads": check["threads"],
        "max_abs_error": check["max_abs_error"],
    }


def python_run(python, model_dir, sentences):
    out, wall, tree_peak = measured([python, __file__, "st-run", model_dir, sentences])
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_seconds"] = wall
    result["tree_peak_rss_mib"] = tree_peak
    return result


def median(runs, key):
    return statistics.median(r[key] for r in runs)


def compare(binary, model_dir, sentences, runs, python=None):
    with open("/proc/loadavg") as f:
        load_before = f.read().split()[:3]
    ours, theirs = [], []
    for i in range(runs):
        ours.append(llmcap_run(binary, model_dir))
        if python:
            theirs.append(python_run(python, model_dir, sentences))
        print(f"run {i + 1}/{runs} done", file=sys.stderr)
    with open("/proc/loadavg") as f:
        load_after = f.read().split()[:3]

    print(f"machine: {os.cpu_count()} CPUs; load average {' '.join(load_before)} before, "
          f"{' '.join(load_after)} after; {runs} runs each, medians")
    print(f"llmcap: threads {ours[0]['threads']}, max abs error vs reference "
          f"{max(r['max_abs_error'] for r in ours):.1e}")
    if theirs:
        print(f"peer: {theirs[0]['versions']}, threads {theirs[0]['threads']}")
    rows = [
        ("load (s)", "load_seconds"),
        ("encode guide 100 x 'Test sentence' (s)", "guide_seconds"),
        ("encode mixed 100 sentences (s)", "mixed_seconds"),
        ("load + encode guide (s)", None),
        ("whole process, wall (s)", "wall_seconds"),
        ("peak RSS, largest process (MiB)", "tree_peak_rss_mib"),
    ]
    print(f"{'measure':44} {'llmcap':>10} {'sent-tr':>10} {'ratio':>8}")
    for label, key in rows:
        if key is None:
            a = median([{"x": r["load_seconds"] + r["guide_seconds"]} for r in ours], "x")
            b = (median([{"x": r["load_seconds"] + r["guide_seconds"]} for r in theirs], "x")
                 if theirs else None)
        else:
            a = median(ours, key)
            b = median(theirs, key) if theirs else None
        ratio = f"{b / a:7.1f}x" if b is not None and a > 0 else "       -"
        bs = f"{b:10.3f}" if b is not None else "         -"
        print(f"{label:44} {a:10.3f} {bs} {ratio}")
    if theirs:
        print(f"{'sentence-transformers import (s)':44} {'-':>10} "
              f"{median(theirs, 'import_seconds'):10.3f}")
    print(f"{'llmcap self-check, untimed in report (s)':44} {median(ours, 'check_seconds'):10.3f}")
    print(f"{'llmcap memory needed by the model (MiB)':44} "
          f"{median(ours, 'memory_needed_mib'):10.1f}")


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == "st-run":
        st_run(sys.argv[2], sys.argv[3])
    elif len(sys.argv) in (6, 7) and sys.argv[1] == "compare":
        python = sys.argv[6] if len(sys.argv) == 7 and sys.argv[6] else None
        compare(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]), python)
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
