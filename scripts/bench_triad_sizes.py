"""Does the array size move the C STREAM triad? Runs `.cache/speed/stream_triad` (built by
scripts/build-stream.sh) on huge pages, one core and all cores, with each array a multiple of
this machine's last-level cache, the sizes interleaved round by round. Prints each size's
median and range, and its median over the median at STREAM's own rule (4 × the cache).

A cache that kept part of the arrays between repetitions would read high at the small sizes.

Usage: python3 scripts/bench_triad_sizes.py [ROUNDS]   (default 9)
"""

import json
import os
import pathlib
import statistics
import subprocess
import sys

STREAM = ".cache/speed/stream_triad"
MULTIPLES = [1 / 3, 1, 2, 4, 8]


def last_level_cache_mib():
    caches = pathlib.Path("/sys/devices/system/cpu/cpu0/cache").glob("index*")
    level, size = max((int((c / "level").read_text()), (c / "size").read_text().strip()) for c in caches)
    units = {"K": 1 / 1024, "M": 1, "G": 1024}
    return float(size[:-1]) * units[size[-1]] if size[-1] in units else float(size) / 2**20


def triad(mib, threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    out = subprocess.run([STREAM, str(mib), "10", "huge"], capture_output=True, text=True,
                         check=True, env=env).stdout
    return json.loads(out)["triad_gb_s"]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 9
    llc = last_level_cache_mib()
    threads = os.cpu_count() or 1
    sizes = [max(1, round(m * llc)) for m in MULTIPLES]
    print(f"last-level cache {llc:.0f} MiB, arrays of {sizes} MiB, {rounds} rounds, {threads} threads")
    readings = {(s, t): [] for s in sizes for t in (1, threads)}
    for _ in range(rounds):
        for s in sizes:
            for t in (1, threads):
                readings[(s, t)].append(triad(s, t))
    for t in (1, threads):
        rule = statistics.median(readings[(round(4 * llc), t)])
        for m, s in zip(MULTIPLES, sizes):
            v = readings[(s, t)]
            med = statistics.median(v)
            print(f"{t} thread(s), {m:.2f} x cache ({s} MiB): median {med:.1f} GB/s, "
                  f"{min(v):.1f}-{max(v):.1f}, {med / rule:.2f} x the 4 x-cache median")


if __name__ == "__main__":
    main()
