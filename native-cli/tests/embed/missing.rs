//! No model: a `skip` that says how to fix it, quickly, never a failure of the machine.

use super::support::embed_check;
use std::time::Duration;

#[test]
fn offline_without_a_model_is_a_skip_with_the_fix() {
    let home = tempfile::tempdir().unwrap();
    let run = embed_check(home.path(), &["--offline"], &[]);
    let e = &run.result;
    assert_eq!(e.status, "skip");
    assert!(run.output.status.success(), "a skip is not a failure");
    let reason = e.reason();
    let cache = home.path().join(".cache/huggingface/hub");
    assert!(reason.contains(cache.to_str().unwrap()), "{reason}");
    assert!(reason.contains("(--offline)"), "{reason}");
    assert!(
        reason.contains("fix: run once without --offline"),
        "{reason}"
    );
    assert!(reason.contains("--model-dir DIR"), "{reason}");
    assert!(
        run.stderr.contains("says nothing about the machine"),
        "{}",
        run.stderr
    );
}

#[test]
fn hf_hub_offline_is_honoured() {
    let home = tempfile::tempdir().unwrap();
    let run = embed_check(home.path(), &[], &[("HF_HUB_OFFLINE", "1")]);
    assert_eq!(run.result.status, "skip");
    let reason = run.result.reason();
    assert!(reason.contains("with HF_HUB_OFFLINE unset"), "{reason}");
}

#[test]
fn an_unreachable_hub_is_a_fast_skip_with_the_fix() {
    let home = tempfile::tempdir().unwrap();
    let run = embed_check(home.path(), &[], &[("HF_ENDPOINT", "http://127.0.0.1:9")]);
    assert_eq!(run.result.status, "skip");
    let reason = run.result.reason();
    assert!(reason.contains("downloading it failed"), "{reason}");
    assert!(reason.contains("127.0.0.1:9"), "{reason}");
    assert!(reason.contains("fix: connect this machine"), "{reason}");
    assert!(run.took < Duration::from_secs(15), "took {:?}", run.took);
    // Nothing half-downloaded is left posing as the model.
    let repo = home
        .path()
        .join(".cache/huggingface/hub/models--sentence-transformers--all-MiniLM-L6-v2");
    assert!(!repo.join("refs/main").exists());
}

#[test]
fn a_named_folder_that_is_missing_or_incomplete_is_a_skip_naming_it() {
    let root = tempfile::tempdir().unwrap();
    let missing = root.path().join("no-such-model");
    let run = embed_check(
        root.path(),
        &["--model-dir", missing.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.result.status, "skip");
    let reason = run.result.reason();
    assert!(reason.contains(missing.to_str().unwrap()), "{reason}");
    assert!(reason.contains("does not exist"), "{reason}");

    let partial = root.path().join("partial");
    std::fs::create_dir(&partial).unwrap();
    // Only the files' presence is checked before the tokenizer's absence is reported.
    std::fs::write(partial.join("config.json"), r#"{"model_type": "bert"}"#).unwrap();
    let run = embed_check(
        root.path(),
        &["--model-dir", partial.to_str().unwrap()],
        &[],
    );
    assert_eq!(run.result.status, "skip");
    assert!(run.result.reason().contains("has no tokenizer.json"));
}
