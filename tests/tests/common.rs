//! Shared helpers: finding the built binary, running it, fixture paths.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository's root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf()
}

/// A fixture under `tests/fixtures/`.
pub fn fixture(relative: &str) -> PathBuf {
    repo().join("tests/fixtures").join(relative)
}

/// The `llmcap` binary: `$LLMCAP_BIN`, else the one cargo built beside this test.
/// `cargo test --workspace` builds it; a missing binary fails the test with the fix.
pub fn llmcap_bin() -> PathBuf {
    if let Some(bin) = std::env::var_os("LLMCAP_BIN") {
        return PathBuf::from(bin);
    }
    let exe = std::env::current_exe().unwrap();
    // target/<profile>/deps/tests-<hash> → target/<profile>/llmcap
    let profile_dir = exe.parent().and_then(Path::parent).unwrap();
    let bin = profile_dir.join(format!("llmcap{}", std::env::consts::EXE_SUFFIX));
    assert!(
        bin.exists(),
        "{} is missing: run `cargo test --workspace` (or `cargo build -p llmcap`) so the CLI is built",
        bin.display()
    );
    bin
}

/// Runs `llmcap args...`.
pub fn llmcap(args: &[&str]) -> Output {
    Command::new(llmcap_bin())
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("LLMCAP_MODEL_DIR")
        .output()
        .unwrap()
}

/// Standard output as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Runs a quick probe into `dir` under `hostname` and returns its JSON text.
pub fn quick_probe(dir: &Path, hostname: &str) -> String {
    let output = llmcap(&[
        "probe",
        "--skip-embedding",
        "--bench-seconds",
        "0.05",
        "--quiet",
        "--json",
        "--hostname",
        hostname,
        "--output-dir",
        dir.to_str().unwrap(),
    ]);
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "probe failed: {}",
        stderr(&output)
    );
    stdout(&output)
}
