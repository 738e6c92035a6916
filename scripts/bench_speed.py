"""Summarises a scripts/bench-speed.sh run: llmcap's triad against C STREAM, and llmcap's
predicted Phi-3-mini speeds against llama-bench, as medians over the rounds of the values
and of the per-round ratios.

Usage: python3 bench_speed.py OUT_DIR ROUNDS TYPE...
"""

import json
import statistics
import sys
from pathlib import Path


def load(path):
    return json.loads(Path(path).read_text())


def cpu_speeds(doc):
    """{gguf: (generation, prompt)} from a speed-check document's CPU row."""
    cpu = doc["performance"]["devices"][0]
    return {s["gguf"]: (s.get("generation_tok_s"), s.get("prompt_tok_s")) for s in cpu["speeds"]}


def llama_bench(path):
    """(tg128, pp512) average tok/s from llama-bench's JSON."""
    tg = pp = None
    for entry in load(path):
        if entry.get("n_gen") == 128 and entry.get("n_prompt") == 0:
            tg = entry["avg_ts"]
        if entry.get("n_prompt") == 512 and entry.get("n_gen") == 0:
            pp = entry["avg_ts"]
    return tg, pp


def med(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else float("nan")


PAGES = {"huge": "huge pages", "normal": "malloc's pages"}


def bandwidth(out, rounds):
    """llmcap's triad against C STREAM's on huge pages (as llmcap's arrays are: the pair
    judged), and beside C STREAM's on malloc's pages (4 KiB where THP is `madvise`). Runs
    from before the C program took `huge` have only malloc's pages."""
    print("| | round values | median |")
    print("|---|---|---|")
    rows = {}
    for r in range(1, rounds + 1):
        mine = load(out / f"llmcap-{r}.json")["performance"]["memory_bandwidth"]
        for cores, key, ours in (("all cores", "all", mine["triad_all_cores_gb_s"]),
                                 ("one core", "one", mine["triad_one_core_gb_s"])):
            rows.setdefault(f"llmcap triad, {cores}", []).append(ours)
            for path in (out / f"stream-{key}-{r}.json", out / f"stream-{key}-normal-{r}.json"):
                if path.exists():
                    c = load(path)
                    pages = PAGES[c.get("pages", "normal")]
                    rows.setdefault(f"C STREAM triad, {pages}, {cores}", []).append(c["triad_gb_s"])
                    rows.setdefault(f"ratio to C on {pages}, {cores}", []).append(ours / c["triad_gb_s"])
    for name, values in rows.items():
        shown = ", ".join(f"{v:.2f}" for v in values)
        print(f"| {name} | {shown} | {med(values):.2f} |")


def speed_checks_around(out, r, t, types):
    """The speed-checks of round r just before and just after type t's llama-bench."""
    before = f"llmcap-{r}.json" if t == types[0] else f"llmcap-{r}-after-{types[types.index(t) - 1]}.json"
    return [load(out / before), load(out / f"llmcap-{r}-after-{t}.json")]


def speeds(out, rounds, types):
    print()
    print("| type | predicted tg | llama-bench tg128 | ratio | predicted pp | llama-bench pp512 | ratio |")
    print("|---|---|---|---|---|---|---|")
    for t in types:
        cols = {k: [] for k in ("ptg", "tg", "rtg", "ppp", "pp", "rpp")}
        for r in range(1, rounds + 1):
            around = [cpu_speeds(doc) for doc in speed_checks_around(out, r, t, types)]
            ptg = statistics.mean(a[t][0] for a in around)
            ppp = statistics.mean(a[t][1] for a in around)
            tg, pp = llama_bench(out / f"llama-{t}-{r}.json")
            cols["ptg"].append(ptg)
            cols["tg"].append(tg)
            cols["rtg"].append(ptg / tg)
            cols["ppp"].append(ppp)
            cols["pp"].append(pp)
            cols["rpp"].append(ppp / pp)
        m = {k: med(v) for k, v in cols.items()}
        print(f"| {t} | {m['ptg']:.2f} | {m['tg']:.2f} | {m['rtg']:.2f} | {m['ppp']:.1f} | {m['pp']:.1f} | {m['rpp']:.2f} |")


# Phi-3-mini's operations per prompt token at pp512, as core/src/speed/table.rs counts
# them: two per weight of every product but the embedding lookup, and attention over 256
# tokens on average (ModelShape::flops_per_token).
PARAMETERS = 3_821_079_552
EMBEDDING = 32064 * 3072
OPS_PER_PROMPT_TOKEN = 2 * (PARAMETERS - EMBEDDING) + 4 * 32 * 3072 * 256


FIGURES = (("f32", "f32_gflops"), ("f16", "f16_gflops"), ("int8", "int8_gops"))


def compute(doc):
    """The speed-check's compute figures by name; None where it did not measure one."""
    c = doc["performance"]["compute"]
    return {name: c.get(key) for name, key in FIGURES}


def prompt_factors(out, rounds, types):
    """Each type's pp512 over each compute figure measured around it (the efficiency factor
    that would make its prompt prediction exact, from the f32, f16 and int8 figures), and its
    tg128 over its pp512 (the share CPU_GENERATION_COMPUTE_CEILINGS holds, where generation
    is bound by compute)."""
    names = [name for name, _ in FIGURES]
    print()
    print("| type | " + " | ".join(names) + " | pp512 | " + " | ".join(f"factor from {n}" for n in names)
          + " | tg128 / pp512 |")
    print("|---" * (2 * len(names) + 3) + "|")
    for t in types:
        cols = {}
        for r in range(1, rounds + 1):
            around = [compute(doc) for doc in speed_checks_around(out, r, t, types)]
            tg, pp = llama_bench(out / f"llama-{t}-{r}.json")
            achieved = pp * OPS_PER_PROMPT_TOKEN / 1e9
            for name in names:
                values = [a[name] for a in around if a[name] is not None]
                figure = statistics.mean(values) if values else None
                cols.setdefault(name, []).append(figure)
                cols.setdefault("k" + name, []).append(achieved / figure if figure else None)
            cols.setdefault("pp", []).append(pp)
            cols.setdefault("share", []).append(tg / pp)
        m = {k: med(v) for k, v in cols.items()}
        print(f"| {t} | " + " | ".join(f"{m[n]:.1f}" for n in names) + f" | {m['pp']:.1f} | "
              + " | ".join(f"{m['k' + n]:.3f}" for n in names) + f" | {m['share']:.2f} |")


def main():
    out = Path(sys.argv[1])
    rounds = int(sys.argv[2])
    types = sys.argv[3:]
    bandwidth(out, rounds)
    speeds(out, rounds, types)
    prompt_factors(out, rounds, types)
    print()
    print("A ratio is predicted / measured in the same round; an efficiency factor in")
    print("core/src/speed/table.rs divided by its ratio would make that prediction exact.")


if __name__ == "__main__":
    main()
