#!/usr/bin/env bash
# Benchmarks llmcap's embedding test (load, encode of the guide's 100 sentences and of the
# mixed 100, peak RSS) and, in the same run, sentence-transformers on the same model files,
# printing medians and ratios. Not part of the test command.
#
# Usage: scripts/bench-embed.sh [--runs N] [--with-python PYTHON]
#   --with-python PYTHON   a Python with sentence-transformers installed (default:
#                          $LLMCAP_BENCH_ST_PYTHON; without either, llmcap alone is measured)
# Making such a Python:  python3 -m venv /tmp/st-venv && /tmp/st-venv/bin/pip install
#                        sentence-transformers   (pulls torch; several minutes)
set -euo pipefail

runs=5
python="${LLMCAP_BENCH_ST_PYTHON:-}"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --with-python) python="$2"; shift 2 ;;
        *) echo "usage: $0 [--runs N] [--with-python PYTHON]" >&2; exit 2 ;;
    esac
done

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
model_dir="${LLMCAP_TEST_MODEL_DIR:-$repo_root/.cache/models/all-MiniLM-L6-v2}"
[[ -n "${LLMCAP_TEST_MODEL_DIR:-}" ]] || scripts/setup-test-model.sh "$model_dir"

cargo build --release --quiet -p llmcap
binary="$repo_root/target/release/llmcap"
if [[ -n "$python" ]] && ! "$python" -c "import sentence_transformers" 2>/dev/null; then
    echo "bench-embed: $python cannot import sentence_transformers" >&2
    exit 1
fi

echo "bench-embed: $(date -u +%Y-%m-%dT%H:%M:%SZ), binary $(stat -c %s "$binary") bytes"
python3 scripts/bench_embed.py compare "$binary" "$model_dir" \
    native-cli/src/embed/sentences.txt "$runs" "$python"
