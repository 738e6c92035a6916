#!/usr/bin/env bash
# Builds llmcap release archives: dist/llmcap-<target>.tar.gz (.zip on Windows) with a
# .sha256 file beside each, and the stripped binary's size printed. The binary is built with
# the size-tuned `dist` profile of the root Cargo.toml, into target/<target>/dist/.
#
# Usage: scripts/build-release.sh [--target TRIPLE]...
#   default targets: x86_64-unknown-linux-gnu and aarch64-unknown-linux-gnu
#
# Linux targets are built with cargo-zigbuild against glibc 2.17, so one binary runs on
# every glibc distribution since 2014 (CentOS 7, Debian 8, Ubuntu 14.04, Raspberry Pi OS
# 64-bit, Jetson Linux): docs/release.md says why this and not musl. zig and cargo-zigbuild
# come from PyPI, pinned, into .tools/venv (installed when absent). Other targets (macOS,
# Windows) are built natively with cargo, by the release workflow on their own runners.
set -euo pipefail
cd "$(dirname "$0")/.."

ZIGLANG_VERSION="0.13.0"
CARGO_ZIGBUILD_VERSION="0.24.0"
# The oldest glibc the Linux binaries need (Rust's own minimum).
GLIBC_FLOOR="2.17"
# The size budget of the stripped binary, model code included (20 MB).
MAX_BINARY_BYTES=20000000

targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --target) targets+=("${2:?--target needs a target triple}"); shift 2 ;;
    --target=*) targets+=("${1#--target=}"); shift ;;
    -h|--help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "build-release: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done
if [[ ${#targets[@]} -eq 0 ]]; then
  targets=(x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu)
fi

step() { printf '\n==> %s\n' "$*" >&2; }

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"
[[ -n "$version" ]] || { echo "build-release: no version in Cargo.toml" >&2; exit 1; }

sha256() {
  if command -v sha256sum >/dev/null; then sha256sum "$1"; else shasum -a 256 "$1"; fi
}

# zig and cargo-zigbuild, pinned, in the repository's own venv.
ensure_zigbuild() {
  local venv=.tools/venv
  if [[ -x "$venv/bin/cargo-zigbuild" ]] \
    && [[ "$("$venv/bin/cargo-zigbuild" --version)" == "cargo-zigbuild $CARGO_ZIGBUILD_VERSION" ]] \
    && [[ "$("$venv/bin/python" -m ziglang version)" == "$ZIGLANG_VERSION" ]]; then
    return
  fi
  step "Installing zig $ZIGLANG_VERSION and cargo-zigbuild $CARGO_ZIGBUILD_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    "ziglang==$ZIGLANG_VERSION" "cargo-zigbuild==$CARGO_ZIGBUILD_VERSION"
}

ensure_rust_target() {
  if command -v rustup >/dev/null && ! rustup target list --installed | grep -qx "$1"; then
    rustup target add "$1"
  fi
}

# The binary's path after building it for a target.
build() {
  local target="$1"
  ensure_rust_target "$target"
  case "$target" in
    *-linux-gnu)
      ensure_zigbuild
      # cargo-zigbuild finds zig through the venv's python (python -m ziglang).
      PATH="$PWD/.tools/venv/bin:$PATH" \
        cargo zigbuild --profile dist --locked -p llmcap --target "$target.$GLIBC_FLOOR" >&2
      ;;
    *)
      cargo build --profile dist --locked -p llmcap --target "$target" >&2
      ;;
  esac
  local exe=llmcap
  [[ "$target" == *windows* ]] && exe=llmcap.exe
  echo "target/$target/dist/$exe"
}

# Fails when a Linux binary needs a newer glibc than the floor (readelf reads any ELF).
check_glibc_floor() {
  local newest
  newest="$(readelf -V "$1" | grep -o 'GLIBC_[0-9][0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -n 1)"
  if [[ -z "$newest" ]] \
    || [[ "$(printf '%s\n%s\n' "$newest" "$GLIBC_FLOOR" | sort -V | tail -n 1)" != "$GLIBC_FLOOR" ]]; then
    echo "build-release: $1 needs glibc ${newest:-?}, expected at most $GLIBC_FLOOR" >&2
    exit 1
  fi
}

# dist/llmcap-<target>.<ext> holding the binary alone, and its .sha256.
package() {
  local target="$1" binary="$2" name archive
  name="llmcap-$target"
  mkdir -p dist
  if [[ "$target" == *windows* ]]; then
    archive="dist/$name.zip"
    rm -f "$archive"
    pwsh -NoProfile -Command "Compress-Archive -Path '$binary' -DestinationPath '$archive'"
  else
    archive="dist/$name.tar.gz"
    local stage
    stage="$(mktemp -d)"
    cp "$binary" "$stage/llmcap"
    chmod 755 "$stage/llmcap"
    # Same bytes for the same binary: fixed owner and time, no name or time in the gzip header.
    local flags=()
    if tar --version 2>/dev/null | grep -q 'GNU tar'; then
      flags=(--owner=0 --group=0 --numeric-owner --mtime=@"${SOURCE_DATE_EPOCH:-0}")
    fi
    tar -C "$stage" ${flags[@]+"${flags[@]}"} -cf - llmcap | gzip -9 -n >"$archive.partial"
    mv "$archive.partial" "$archive"
    rm -rf "$stage"
  fi
  (cd dist && sha256 "$(basename "$archive")" >"$(basename "$archive").sha256")
  echo "$archive"
}

for target in "${targets[@]}"; do
  step "Building llmcap $version for $target"
  started=$SECONDS
  binary="$(build "$target")"
  seconds=$((SECONDS - started))
  bytes=$(wc -c <"$binary" | tr -d ' ')
  if [[ "$bytes" -gt "$MAX_BINARY_BYTES" ]]; then
    echo "build-release: $binary is $bytes bytes, over the budget of $MAX_BINARY_BYTES" >&2
    exit 1
  fi
  if [[ "$target" == *-linux-gnu ]]; then
    check_glibc_floor "$binary"
  fi
  archive="$(package "$target" "$binary")"
  awk -v t="$target" -v b="$bytes" -v s="$seconds" -v a="$archive" \
    -v ab="$(wc -c <"$archive" | tr -d ' ')" 'BEGIN {
      printf "build-release: %s: binary %d bytes (%.2f MB), built in %d s; %s (%d bytes)\n",
        t, b, b / 1e6, s, a, ab }' >&2
done
