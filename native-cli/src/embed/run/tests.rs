//! The parent's reading of every way a worker can end, with shell scripts standing in for
//! the worker.

use super::*;
use crate::embed::SearchEnv;
use crate::embed::locate::REQUIRED_FILES;
use crate::embed::protocol::{PROTOCOL, WorkerStatus};
use std::fs;
use std::os::unix::fs::PermissionsExt;

/// Options whose model folder exists (with empty files) and whose worker is `script`.
fn with_worker(root: &Path, script: &str) -> EmbedOptions {
    let model = root.join("model");
    fs::create_dir_all(&model).unwrap();
    for file in REQUIRED_FILES {
        fs::write(model.join(file), "").unwrap();
    }
    let exe = root.join("fake-llmcap");
    fs::write(&exe, format!("#!/bin/sh\n{script}\n")).unwrap();
    fs::set_permissions(&exe, fs::Permissions::from_mode(0o755)).unwrap();
    EmbedOptions {
        model_dir: Some(model),
        worker_exe: Some(exe),
        timeout: Duration::from_secs(20),
        env: SearchEnv::default(),
        ..EmbedOptions::default()
    }
}

fn run(script: &str) -> Embedding {
    let root = tempfile::tempdir().unwrap();
    super::super::run_test(&with_worker(root.path(), script))
}

#[test]
fn a_good_result_line_is_the_result() {
    let report = WorkerReport {
        status: WorkerStatus::Success,
        reason: None,
        sentences: Some(200),
        encode_seconds: Some(2.0),
        ..WorkerReport::failed("/m".into(), String::new())
    };
    let line = serde_json::to_string(&report).unwrap();
    assert_eq!(report.protocol, PROTOCOL);
    let e = run(&format!(
        "[ \"$1 $2\" = \"embed-worker --model-dir\" ] || exit 9\necho '{line}'"
    ));
    assert_eq!(e.status, EmbeddingStatus::Success, "{:?}", e.reason);
    assert_eq!(e.sentences_per_second, Some(100.0));
}

#[test]
fn a_worker_killed_by_the_kernel_is_a_fail_naming_the_signal() {
    let e = run("echo 'llmcap-embed: stage encoding the mixed batch' >&2\nkill -9 $$");
    assert_eq!(e.status, EmbeddingStatus::Fail);
    assert_eq!(
        e.reason.as_deref(),
        Some(
            "the embedding worker was killed by signal 9 (SIGKILL: out of memory?) while \
             encoding the mixed batch"
        )
    );
    assert!(e.model_path.unwrap().ends_with("model"));
}

#[test]
fn a_panicking_worker_is_a_fail_with_the_panic_message() {
    let e = run("echo 'llmcap-embed: stage loading' >&2\n\
         echo \"thread 'main' panicked at src/x.rs:1:1:\" >&2\necho 'boom' >&2\nexit 101");
    assert_eq!(e.status, EmbeddingStatus::Fail);
    let reason = e.reason.unwrap();
    assert!(
        reason.starts_with("the embedding worker panicked (exit code 101) while loading: "),
        "{reason}"
    );
    assert!(reason.ends_with("boom"), "{reason}");
}

#[test]
fn garbage_on_stdout_is_a_fail_not_a_success() {
    let e = run("echo '{\"protocol\": 1, \"status\": \"succ'");
    assert_eq!(e.status, EmbeddingStatus::Fail);
    let reason = e.reason.unwrap();
    assert!(reason.contains("gave no usable result"), "{reason}");
    assert!(reason.contains("not valid JSON"), "{reason}");
}

#[test]
fn a_hung_worker_is_a_timeout_and_is_stopped() {
    let root = tempfile::tempdir().unwrap();
    let options = EmbedOptions {
        timeout: Duration::from_millis(300),
        ..with_worker(
            root.path(),
            "echo 'llmcap-embed: stage loading' >&2\nexec sleep 30",
        )
    };
    let started = std::time::Instant::now();
    let e = super::super::run_test(&options);
    assert!(started.elapsed() < Duration::from_secs(10));
    assert_eq!(e.status, EmbeddingStatus::Timeout);
    let reason = e.reason.unwrap();
    assert!(
        reason.contains("within 0.3 s (--embedding-timeout), still loading"),
        "{reason}"
    );
}

#[test]
fn a_missing_worker_binary_is_a_fail() {
    let root = tempfile::tempdir().unwrap();
    let options = EmbedOptions {
        worker_exe: Some(root.path().join("nope")),
        ..with_worker(root.path(), "")
    };
    let e = super::super::run_test(&options);
    assert_eq!(e.status, EmbeddingStatus::Fail);
    assert!(
        e.reason
            .unwrap()
            .starts_with("cannot run the embedding worker")
    );
}

#[test]
fn a_failed_download_is_a_skip_with_the_workers_reason() {
    let root = tempfile::tempdir().unwrap();
    let script = "echo '{\"protocol\":1,\"error\":\"cannot connect to hub:443\"}'";
    let options = EmbedOptions {
        model_dir: None,
        env: SearchEnv {
            hf_hub_cache: Some(root.path().join("hub")),
            ..SearchEnv::default()
        },
        ..with_worker(root.path(), script)
    };
    let mut steps = Vec::new();
    let e = run_test_with(&options, &mut |s| steps.push(s.clone()));
    assert_eq!(e.status, EmbeddingStatus::Skip);
    let reason = e.reason.unwrap();
    assert!(
        reason.contains("downloading it failed: cannot connect to hub:443"),
        "{reason}"
    );
    assert!(reason.contains("fix: "), "{reason}");
    assert!(
        matches!(&steps[..], [Step::Downloading { .. }]),
        "{steps:?}"
    );
}
