//! Running `llmcap embed-check` in a clean environment and reading its JSON with this
//! test's own types, so an accidental change of the output breaks a test.

use serde::Deserialize;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// The `embedding` object, as a reader of llmcap's reports sees it.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EmbeddingOut {
    pub status: String,
    pub reason: Option<String>,
    pub model: Option<String>,
    pub model_path: Option<String>,
    pub load_seconds: Option<f64>,
    pub encode_seconds: Option<f64>,
    pub sentences: Option<u64>,
    pub sentences_per_second: Option<f64>,
    pub tokens: Option<u64>,
    pub threads: Option<u64>,
    pub peak_rss_mib: Option<f64>,
    pub memory_needed_mib: Option<f64>,
    pub max_abs_error: Option<f64>,
}

impl EmbeddingOut {
    /// The reason, which every non-success must have.
    pub fn reason(&self) -> &str {
        self.reason
            .as_deref()
            .unwrap_or_else(|| panic!("no reason: {self:?}"))
    }
}

/// One run of `llmcap embed-check`.
#[derive(Debug)]
pub struct Run {
    pub result: EmbeddingOut,
    pub output: Output,
    pub stderr: String,
    pub took: Duration,
}

/// The real model's folder, `LLMCAP_TEST_MODEL_DIR`; `None` when that is unset, and the test
/// is then skipped with a note on the terminal. Set to a folder without the model fails the
/// test, saying how to fetch it. Nothing is fetched here.
pub fn test_model() -> Option<PathBuf> {
    let Some(dir) = std::env::var_os("LLMCAP_TEST_MODEL_DIR").filter(|d| !d.is_empty()) else {
        let thread = std::thread::current();
        // Straight to the terminal: the test harness captures only print!/eprint!.
        let _ = writeln!(
            std::io::stderr().lock(),
            "skipped: {}: set LLMCAP_TEST_MODEL_DIR to a copy of all-MiniLM-L6-v2 to run \
             (scripts/setup-test-model.sh fetches one into .cache/models/all-MiniLM-L6-v2)",
            thread.name().unwrap_or("a test")
        );
        return None;
    };
    let dir = PathBuf::from(dir);
    assert!(
        dir.join("model.safetensors").is_file(),
        "LLMCAP_TEST_MODEL_DIR is {}, which has no model.safetensors: run \
         scripts/setup-test-model.sh DIR to fetch all-MiniLM-L6-v2 there, or unset the variable",
        dir.display()
    );
    Some(dir)
}

/// The real model, in a test that checked [`test_model`].
pub fn real_model() -> PathBuf {
    test_model().expect("a test of the real model checks test_model() first")
}

/// Copies the real model's files into `dst`, linking the weights (tests that break them
/// write their own).
pub fn copy_model(dst: &Path) {
    copy_tree(&real_model(), dst);
}

fn copy_tree(src: &Path, dst: &Path) {
    fs::create_dir_all(dst).unwrap();
    for entry in fs::read_dir(src).unwrap() {
        let entry = entry.unwrap();
        let to = dst.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &to);
        } else if entry.file_name() == "model.safetensors" {
            link_or_copy(&entry.path(), &to);
        } else {
            fs::copy(entry.path(), &to).unwrap();
        }
    }
}

pub fn link_or_copy(src: &Path, dst: &Path) {
    #[cfg(unix)]
    std::os::unix::fs::symlink(fs::canonicalize(src).unwrap(), dst).unwrap();
    #[cfg(not(unix))]
    fs::copy(src, dst).unwrap();
}

/// Runs `llmcap embed-check ARGS` with only `HOME=home` and `env` set (no Hugging Face
/// variables leak in from the machine running the tests).
pub fn embed_check(home: &Path, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_llmcap"));
    command
        .env_clear()
        .env("HOME", home)
        .arg("embed-check")
        .args(args);
    if let Some(path) = std::env::var_os("PATH") {
        command.env("PATH", path);
    }
    for (name, value) in env {
        command.env(name, value);
    }
    let started = Instant::now();
    let output = command.output().unwrap();
    let took = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let result = serde_json::from_str(stdout.trim())
        .unwrap_or_else(|e| panic!("stdout is not the embedding JSON ({e}): {stdout}\n{stderr}"));
    Run {
        result,
        output,
        stderr,
        took,
    }
}

/// `embed-check --model-dir DIR` with an empty home.
pub fn check_dir(dir: &Path, extra: &[&str]) -> Run {
    let home = tempfile::tempdir().unwrap();
    let dir = dir.to_str().unwrap();
    let args: Vec<&str> = ["--model-dir", dir].iter().chain(extra).copied().collect();
    embed_check(home.path(), &args, &[])
}

/// The byte range of one tensor's data in a safetensors file.
pub fn tensor_range(bytes: &[u8], name: &str) -> std::ops::Range<usize> {
    let header_len = u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let header: serde_json::Value = serde_json::from_slice(&bytes[8..8 + header_len]).unwrap();
    let offsets = &header[name]["data_offsets"];
    let start = offsets[0].as_u64().unwrap() as usize + 8 + header_len;
    let end = offsets[1].as_u64().unwrap() as usize + 8 + header_len;
    start..end
}
