//! The real model, found each way a user can give it, matches sentence-transformers.

use super::support::{check_dir, embed_check, link_or_copy, real_model, test_model};
use std::fs;

#[test]
fn the_real_model_matches_sentence_transformers() {
    if test_model().is_none() {
        return;
    }
    let run = check_dir(&real_model(), &[]);
    let e = &run.result;
    assert_eq!(e.status, "success", "{:?}\n{}", e.reason, run.stderr);
    assert!(e.reason.is_none());
    assert!(run.output.status.success());
    assert_eq!(
        e.model.as_deref(),
        Some("sentence-transformers/all-MiniLM-L6-v2")
    );
    let error = e.max_abs_error.unwrap();
    assert!(error <= 1e-4, "max abs error {error}");
    // The guide's 100 sentences and the mixed 100, padded per batch of 32.
    assert_eq!(e.sentences, Some(200));
    assert!(e.tokens.unwrap() >= 2000, "{:?}", e.tokens);
    let (load, encode) = (e.load_seconds.unwrap(), e.encode_seconds.unwrap());
    assert!(load > 0.0 && encode > 0.0);
    let rate = e.sentences_per_second.unwrap();
    assert!((rate - 200.0 / encode).abs() < 1e-6 * rate);
    assert!(e.threads.unwrap() >= 1);
    // The weights alone are 87 MiB, and the child must have held them.
    let (peak, needed) = (e.peak_rss_mib.unwrap(), e.memory_needed_mib.unwrap());
    assert!(
        needed > 80.0 && needed < peak && peak < 2048.0,
        "{peak} {needed}"
    );
    assert!(
        run.stderr
            .contains("E1 retrieval: this machine can load and run"),
        "{}",
        run.stderr
    );
}

#[test]
fn the_hugging_face_cache_is_found_without_flags() {
    if test_model().is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let repo = home
        .path()
        .join(".cache/huggingface/hub/models--sentence-transformers--all-MiniLM-L6-v2");
    let hash = "c9745ed1d9f207416be6d2e6f8de32d1f16199bf";
    let snapshot = repo.join("snapshots").join(hash);
    fs::create_dir_all(&snapshot).unwrap();
    fs::create_dir_all(repo.join("refs")).unwrap();
    fs::write(repo.join("refs/main"), hash).unwrap();
    for file in [
        "config.json",
        "tokenizer.json",
        "model.safetensors",
        "sentence_bert_config.json",
    ] {
        link_or_copy(&real_model().join(file), &snapshot.join(file));
    }
    let run = embed_check(home.path(), &["--offline"], &[]);
    assert_eq!(run.result.status, "success", "{}", run.stderr);
    assert_eq!(
        run.result.model_path.as_deref(),
        Some(snapshot.to_str().unwrap())
    );

    // HF_HOME moves the cache: the default one is then found second, still without a
    // download.
    let run = embed_check(
        home.path(),
        &["--offline"],
        &[("HF_HOME", home.path().join("elsewhere").to_str().unwrap())],
    );
    assert_eq!(run.result.status, "success", "{}", run.stderr);
}

#[test]
fn llmcap_model_dir_names_the_model_and_threads_are_recorded() {
    if test_model().is_none() {
        return;
    }
    let home = tempfile::tempdir().unwrap();
    let model = real_model();
    let run = embed_check(
        home.path(),
        &["--threads", "1"],
        &[("LLMCAP_MODEL_DIR", model.to_str().unwrap())],
    );
    assert_eq!(run.result.status, "success", "{}", run.stderr);
    assert_eq!(run.result.threads, Some(1));
    assert_eq!(run.result.model_path.as_deref(), model.to_str());
}

#[test]
fn a_tiny_timeout_is_a_timeout_and_returns_promptly() {
    if test_model().is_none() {
        return;
    }
    let run = check_dir(&real_model(), &["--embedding-timeout", "0.05"]);
    let e = &run.result;
    assert_eq!(e.status, "timeout", "{:?}", e.reason);
    assert!(e.reason().contains("--embedding-timeout"), "{}", e.reason());
    assert!(run.took.as_secs() < 10, "took {:?}", run.took);
    assert_eq!(run.output.status.code(), Some(1));
    assert!(
        run.stderr
            .contains("E1 retrieval: the embedding model was too slow")
    );
}

#[test]
fn a_folder_with_only_the_required_files_matches_too() {
    if test_model().is_none() {
        return;
    }
    // config.json, tokenizer.json and model.safetensors, as the help names them; no
    // sentence_bert_config.json, so the model's own max_seq_length (256) applies.
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("model");
    fs::create_dir_all(&dir).unwrap();
    for file in ["config.json", "tokenizer.json"] {
        fs::copy(real_model().join(file), dir.join(file)).unwrap();
    }
    link_or_copy(
        &real_model().join("model.safetensors"),
        &dir.join("model.safetensors"),
    );
    let run = check_dir(&dir, &[]);
    assert_eq!(
        run.result.status, "success",
        "{:?}\n{}",
        run.result.reason, run.stderr
    );
}
