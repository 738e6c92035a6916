//! Broken or wrong models: each a `fail` (or `skip`) whose reason names the file, never a
//! panic, a hang, or a `success`.

use super::support::{Run, check_dir, copy_model, real_model, tensor_range, test_model};
use std::fs;
use std::path::Path;

/// A copy of the real model with `change` applied to it, then tested.
fn check_changed(change: impl FnOnce(&Path)) -> Run {
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("model");
    copy_model(&dir);
    change(&dir);
    let run = check_dir(&dir, &[]);
    assert_ne!(run.result.status, "success", "{:?}", run.result);
    assert!(run.took.as_secs() < 60, "took {:?}", run.took);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
    run
}

/// Replaces the linked weights with `bytes`.
fn write_weights(dir: &Path, bytes: &[u8]) {
    let path = dir.join("model.safetensors");
    fs::remove_file(&path).unwrap();
    fs::write(path, bytes).unwrap();
}

fn real_weights() -> Vec<u8> {
    fs::read(real_model().join("model.safetensors")).unwrap()
}

fn assert_fail_naming(run: &Run, file: &str, words: &str) {
    assert_eq!(run.result.status, "fail", "{:?}", run.result);
    let reason = run.result.reason();
    assert!(reason.contains(file), "{reason} does not name {file}");
    assert!(reason.contains(words), "{reason} does not say {words:?}");
    assert!(
        run.stderr
            .contains("E1 retrieval: the embedding model did not run correctly")
    );
}

#[test]
fn truncated_weights_fail_naming_the_file() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| write_weights(dir, &real_weights()[..1 << 20]));
    assert_fail_naming(&run, "model.safetensors", "not a valid safetensors file");
}

#[test]
fn empty_weights_fail_naming_the_file() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| write_weights(dir, b""));
    assert_fail_naming(&run, "model.safetensors", "not a valid safetensors file");
}

#[test]
fn shuffled_weights_fail_the_reference_check() {
    if test_model().is_none() {
        return;
    }
    // Every value still a normal number, in the wrong place: only the comparison with
    // sentence-transformers can tell.
    let run = check_changed(|dir| {
        let mut bytes = real_weights();
        let range = tensor_range(&bytes, "encoder.layer.2.output.dense.weight");
        let values = &mut bytes[range];
        let count = values.len() / 4;
        for i in 0..count / 2 {
            for b in 0..4 {
                values.swap(i * 4 + b, (count - 1 - i) * 4 + b);
            }
        }
        write_weights(dir, &bytes);
    });
    assert_fail_naming(
        &run,
        "model.safetensors",
        "model output does not match the reference",
    );
    assert!(run.result.max_abs_error.unwrap() > 1e-4);
    // What was measured before the check is kept.
    assert!(run.result.load_seconds.is_some() && run.result.encode_seconds.is_some());
}

#[test]
fn flipped_bytes_in_the_weights_fail() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| {
        let mut bytes = real_weights();
        let range = tensor_range(&bytes, "encoder.layer.0.attention.self.query.weight");
        for byte in &mut bytes[range.start + 1000..range.start + 1064] {
            *byte ^= 0xff;
        }
        write_weights(dir, &bytes);
    });
    assert_fail_naming(&run, "model.safetensors", "model.safetensors");
}

#[test]
fn a_config_with_the_wrong_hidden_size_fails_naming_config_json() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| {
        let path = dir.join("config.json");
        let text = fs::read_to_string(&path).unwrap();
        fs::write(
            &path,
            text.replace("\"hidden_size\": 384", "\"hidden_size\": 768"),
        )
        .unwrap();
    });
    assert_fail_naming(&run, "config.json", "shape mismatch");
}

#[test]
fn a_garbage_tokenizer_fails_naming_tokenizer_json() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| fs::write(dir.join("tokenizer.json"), "\u{0}garbage{").unwrap());
    assert_fail_naming(&run, "tokenizer.json", "not a readable tokenizer");
}

#[test]
fn a_config_that_is_not_json_fails_naming_it() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| fs::write(dir.join("config.json"), "hidden_size = 384").unwrap());
    assert_fail_naming(&run, "config.json", "not a valid configuration");
}

#[test]
fn another_kind_of_model_fails_naming_config_json() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| {
        fs::write(
            dir.join("config.json"),
            r#"{"model_type": "gpt2", "n_embd": 768}"#,
        )
        .unwrap();
    });
    assert_fail_naming(&run, "config.json", "model_type is \"gpt2\"");
}

#[test]
fn a_smaller_bert_in_the_folder_fails_the_reference_check() {
    if test_model().is_none() {
        return;
    }
    // Five layers instead of six: loads cleanly, computes something else.
    let run = check_changed(|dir| {
        let path = dir.join("config.json");
        let text = fs::read_to_string(&path).unwrap();
        let changed = text.replace("\"num_hidden_layers\": 6", "\"num_hidden_layers\": 5");
        assert_ne!(changed, text);
        fs::write(&path, changed).unwrap();
    });
    assert_fail_naming(&run, "model.safetensors", "does not match the reference");
}

#[test]
fn a_different_max_seq_length_is_blamed_on_the_tokenizer_settings() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| {
        let config = r#"{"max_seq_length": 128, "do_lower_case": false}"#;
        fs::write(dir.join("sentence_bert_config.json"), config).unwrap();
    });
    assert_fail_naming(&run, "tokenizer.json", "max_seq_length is 128");
}

#[test]
fn a_pooling_other_than_mean_fails_naming_its_config() {
    if test_model().is_none() {
        return;
    }
    let run = check_changed(|dir| {
        let pooling = r#"{"word_embedding_dimension": 384, "pooling_mode_cls_token": true}"#;
        fs::write(dir.join("1_Pooling/config.json"), pooling).unwrap();
    });
    assert_fail_naming(&run, "1_Pooling/config.json", "not plain mean pooling");
}

#[test]
fn a_damaged_token_row_the_sentences_never_use_still_fails() {
    if test_model().is_none() {
        return;
    }
    // The last rows of the token table belong to rare tokens that no reference sentence
    // holds: the output comparison passes, the file's digest does not.
    let run = check_changed(|dir| {
        let mut bytes = real_weights();
        let range = tensor_range(&bytes, "embeddings.word_embeddings.weight");
        for byte in &mut bytes[range.end - 4096..range.end] {
            *byte ^= 0xff;
        }
        write_weights(dir, &bytes);
    });
    assert_fail_naming(&run, "model.safetensors", "differs from the published file");
    assert!(
        run.result.max_abs_error.unwrap() <= 1e-4,
        "the outputs matched: {:?}",
        run.result
    );
}
