#!/usr/bin/env bash
# Tests the aarch64 release archive for real, under emulation (qemu-user), as a Raspberry Pi
# owner would run it: unpack dist/llmcap-aarch64-unknown-linux-gnu.tar.gz, then
#   1. `llmcap --version` names the aarch64 target;
#   2. `llmcap probe --skip-embedding --json --no-save` gives a sane report (architecture
#      aarch64, cores, RAM, the tool's version and target);
#   3. its verdict, checks and recommendations equal `llmcap classify` of the same report by
#      the native binary;
#   4. when this llmcap has the embedding test: it loads and runs the test model (status
#      success), so the Pi path works end to end;
#   5. with --suite: the CLI's integration tests run against the aarch64 binary;
#   6. with --kernels: the compute kernels' unit tests, built for aarch64, pass on an emulated
#      CPU with the int8 dot product (`-cpu max`: the `dotprod` kernel) and on a Raspberry Pi
#      4's Cortex-A72 without it (the portable loop), and each probe names that kernel.
# Wall times of each step are printed, and written to target/test-aarch64/times.txt.
#
# Usage: scripts/test-aarch64.sh [--no-build] [--suite] [--kernels]
#   --no-build  test the archive already in dist/ (built by scripts/build-release.sh)
#   --suite     also run `cargo test -p llmcap-tests` with LLMCAP_BIN set to the aarch64 binary
#               and the Python and Ansible suites on (LLMCAP_TEST_PYTHON, LLMCAP_TEST_ANSIBLE)
#   --kernels   also build and run the compute kernels' unit tests for aarch64 (gcc-aarch64-linux-gnu)
#
# Installs what it needs when absent: Debian's qemu-user, qemu-user-binfmt and
# libc6-arm64-cross (apt-get, through sudo unless root), zig and cargo-zigbuild (through
# build-release.sh), ansible-core with --suite (scripts/setup-ansible.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

TARGET=aarch64-unknown-linux-gnu
SYSROOT=/usr/aarch64-linux-gnu
# Emulation is 20-100 times slower than the machine: the embedding test gets this long.
EMBEDDING_TIMEOUT_S=900

build=1
suite=0
kernels=0
for arg in "$@"; do
  case "$arg" in
    --no-build) build=0 ;;
    --suite) suite=1 ;;
    --kernels) kernels=1 ;;
    -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "test-aarch64: unknown argument '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

step() { printf '\n==> %s\n' "$*" >&2; }
fail() { echo "test-aarch64: FAILED: $*" >&2; exit 1; }

out=target/test-aarch64
rm -rf "$out"
mkdir -p "$out"
times="$out/times.txt"
: >"$times"
# Runs a command and records its wall time under a label.
timed() {
  local label="$1" started
  shift
  started=$(date +%s.%N)
  "$@"
  awk -v l="$label" -v s="$started" -v e="$(date +%s.%N)" \
    'BEGIN { printf "%s: %.1f s\n", l, e - s }' | tee -a "$times" >&2
}

step "Emulator and aarch64 C library"
packages=(qemu-user qemu-user-binfmt libc6-arm64-cross)
# --kernels links the unit tests for aarch64 with its C compiler.
[[ $kernels -eq 1 ]] && packages+=(gcc-aarch64-linux-gnu)
if ! command -v qemu-aarch64 >/dev/null || [[ ! -e "$SYSROOT/lib/ld-linux-aarch64.so.1" ]] \
  || [[ ! -e /usr/lib/binfmt.d/qemu-aarch64.conf ]] \
  || { [[ $kernels -eq 1 ]] && ! command -v aarch64-linux-gnu-gcc >/dev/null; }; then
  sudo=()
  [[ "$(id -u)" -eq 0 ]] || sudo=(sudo)
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  ${sudo[@]+"${sudo[@]}"} env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends "${packages[@]}"
fi
# The embedding test runs llmcap again as a child process; the kernel hands that aarch64
# program to qemu only through binfmt_misc. Register it when it is not (containers often
# lack systemd-binfmt); the child finds the C library through QEMU_LD_PREFIX.
export QEMU_LD_PREFIX="$SYSROOT"
binfmt=/proc/sys/fs/binfmt_misc
if [[ ! -e "$binfmt/qemu-aarch64" ]]; then
  [[ -e "$binfmt/register" ]] || mount -t binfmt_misc binfmt_misc "$binfmt" 2>/dev/null || true
  if [[ -w "$binfmt/register" ]]; then
    cat /usr/lib/binfmt.d/qemu-aarch64.conf >"$binfmt/register" || true
  fi
fi
child_runs=0
[[ -e "$binfmt/qemu-aarch64" ]] && child_runs=1

step "Release archive for $TARGET"
if [[ $build -eq 1 ]]; then
  timed "build $TARGET (release)" scripts/build-release.sh --target "$TARGET"
fi
archive="dist/llmcap-$TARGET.tar.gz"
[[ -f "$archive" ]] || fail "$archive is missing: run scripts/build-release.sh --target $TARGET"
(cd dist && sha256sum -c "llmcap-$TARGET.tar.gz.sha256" >/dev/null) \
  || fail "$archive does not match its .sha256"
mkdir -p "$out/unpacked"
tar -xzf "$archive" -C "$out/unpacked"
llmcap="$out/unpacked/llmcap"
[[ -x "$llmcap" ]] || fail "the archive holds no executable llmcap"
emulated() { qemu-aarch64 -L "$SYSROOT" "$llmcap" "$@"; }

step "Native llmcap (for classify)"
cargo build --locked -p llmcap >&2
native=target/debug/llmcap

version="$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n 1)"

step "llmcap --version under qemu-aarch64"
got="$(emulated --version)"
[[ "$got" == "llmcap $version ($TARGET)" ]] || fail "--version printed '$got'"
echo "$got" >&2

step "llmcap probe --skip-embedding --json --no-save under qemu-aarch64"
timed "probe --skip-embedding (emulated aarch64)" \
  emulated probe --skip-embedding --json --no-save --quiet >"$out/report.json"
python3 - "$out/report.json" "$version" "$TARGET" <<'EOF'
import json, sys
path, version, target = sys.argv[1:]
report = json.load(open(path))
system, tool = report["system"], report["tool"]
problems = []
def expect(ok, what):
    if not ok:
        problems.append(what)
expect(system["architecture"] == "aarch64", f"architecture is {system['architecture']!r}")
expect(isinstance(system["cpu_count"], int) and system["cpu_count"] >= 1,
       f"cpu_count is {system['cpu_count']!r}")
expect(system["ram_gb"] > 0 and 0 < system["ram_available_gb"] <= system["ram_gb"],
       f"ram_gb {system['ram_gb']!r}, ram_available_gb {system['ram_available_gb']!r}")
expect(system["disk_free_gb"] > 0, f"disk_free_gb is {system['disk_free_gb']!r}")
expect(tool == {"name": "llmcap", "version": version, "target": target}, f"tool is {tool!r}")
bench = report["benchmark"]
expect(bench.get("status") == "success" and bench.get("gflops", 0) > 0,
       f"benchmark is {bench!r}")
expect(report["embedding"]["status"] == "skip", f"embedding is {report['embedding']!r}")
if problems:
    sys.exit("report: " + "; ".join(problems))
print(f"report: aarch64, {system['cpu_count']} CPUs, {system['ram_gb']} GB RAM, "
      f"{bench['gflops']} GFLOP/s emulated, tool {tool['version']} ({tool['target']})",
      file=sys.stderr)
EOF

step "The stored verdict equals the native llmcap's classify of the same report"
"$native" classify --json "$out/report.json" >"$out/classify.json"
python3 - "$out/report.json" "$out/classify.json" <<'EOF'
import json, sys
report = json.load(open(sys.argv[1]))
[native] = json.load(open(sys.argv[2]))
problems = [key for key in ("capabilities", "checks", "recommendations")
            if report[key] != native[key]]
if native["differences"]:
    problems.append(f"differences {native['differences']!r}")
if problems:
    sys.exit(f"the aarch64 report and native classify differ in: {', '.join(problems)}")
caps = report["capabilities"]
granted = [k for k in ("prerequisites", "e0_e1", "e2_full", "e2_quantized") if caps[k]]
print(f"classify: equal (grants {', '.join(granted) or 'nothing'})", file=sys.stderr)
EOF

if [[ -e native-cli/src/embed/worker.rs ]]; then
  step "Embedding test with the test model under qemu-aarch64"
  [[ $child_runs -eq 1 ]] || fail "binfmt_misc has no qemu-aarch64 entry and it could not be \
registered (needs root and a mountable binfmt_misc): the embedding test's child process cannot run"
  scripts/setup-test-model.sh >&2
  timed "probe with the embedding test (emulated aarch64)" \
    emulated probe --skip-benchmark --json --no-save --quiet --offline \
    --model-dir .cache/models/all-MiniLM-L6-v2 --embedding-timeout "$EMBEDDING_TIMEOUT_S" \
    >"$out/report-embedding.json"
  python3 - "$out/report-embedding.json" <<'EOF'
import json, sys
embedding = json.load(open(sys.argv[1]))["embedding"]
if embedding.get("status") != "success":
    sys.exit(f"embedding test: {embedding!r}")
print(f"embedding: success, load {embedding.get('load_seconds')} s, encode "
      f"{embedding.get('encode_seconds')} s (emulated)", file=sys.stderr)
EOF
else
  echo "test-aarch64: this llmcap has no embedding test yet (native-cli/src/embed/worker.rs)" >&2
fi

if [[ $suite -eq 1 ]]; then
  step "The CLI's integration tests against the aarch64 binary"
  [[ $child_runs -eq 1 ]] || fail "binfmt_misc has no qemu-aarch64 entry: the tests cannot run it"
  # version_names_the_target expects the test's own architecture (x86_64); step 1 above
  # checks the aarch64 binary's --version instead.
  # Every gated suite on: the guide's scripts (python3) and the playbooks (ansible-core).
  scripts/setup-ansible.sh >&2
  timed "integration tests (emulated aarch64)" \
    env LLMCAP_BIN="$PWD/$llmcap" LLMCAP_TEST_PYTHON=1 LLMCAP_TEST_ANSIBLE=1 \
    cargo test --locked -p llmcap-tests -- \
    --skip probe_cli::version_names_the_target
fi

if [[ $kernels -eq 1 ]]; then
  step "The compute kernels under an emulated CPU with and without the int8 dot product"
  rustup target add "$TARGET" >&2
  for cpu_kernel in max:dotprod cortex-a72:portable; do
    cpu="${cpu_kernel%%:*}" want="${cpu_kernel#*:}"
    timed "kernel tests on -cpu $cpu (emulated aarch64)" \
      env CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_LINKER=aarch64-linux-gnu-gcc \
      CC_aarch64_unknown_linux_gnu=aarch64-linux-gnu-gcc \
      CARGO_TARGET_AARCH64_UNKNOWN_LINUX_GNU_RUNNER="qemu-aarch64 -cpu $cpu -L $SYSROOT" \
      cargo test --locked --release -p llmcap --target "$TARGET" --bin llmcap -- \
      int8:: f16:: tiles:: compute::tests::the_product_is_correct
    got="$(qemu-aarch64 -cpu "$cpu" -L "$SYSROOT" "$llmcap" probe --skip-embedding --json \
      --no-save --quiet | python3 -c 'import json, sys
print(json.load(sys.stdin)["performance"]["compute"]["int8_kernel"])')"
    [[ "$got" == "$want" ]] || fail "on -cpu $cpu the probe ran the int8 kernel '$got', not '$want'"
    echo "-cpu $cpu: the probe ran the '$got' int8 kernel" >&2
  done
fi

step "aarch64 under emulation: all checks passed"
cat "$times" >&2
