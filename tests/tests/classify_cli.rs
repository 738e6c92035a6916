//! `llmcap classify`: what-if re-evaluation, per-file errors, exit codes.

use crate::common::{fixture, llmcap, stderr, stdout};
use serde_json::Value;

fn path(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn the_guides_reports_keep_their_stored_verdict() {
    let a = fixture("seed-reports/epyc-2core.json");
    let b = fixture("seed-reports/h200-16core-offline.json");
    let output = llmcap(&["classify", path(&a), path(&b)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = stdout(&output);
    assert_eq!(
        text.matches("Same as the verdict stored in the file.")
            .count(),
        2,
        "{text}"
    );
}

#[test]
fn overrides_change_the_verdict_and_say_how() {
    let a = fixture("seed-reports/epyc-2core.json");
    let output = llmcap(&["classify", "--json", "--ram-available-gb", "7", path(&a)]);
    assert_eq!(output.status.code(), Some(0));
    let results: Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &results[0];
    assert_eq!(first["capabilities"]["e2_full"], false);
    assert_eq!(first["capabilities"]["e2_quantized"], true);
    let differences: Vec<&str> = first["differences"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        differences.contains(&"e2_full: stored true, now false"),
        "{differences:?}"
    );
    assert_eq!(first["recommendations"]["quantization"]["level"], "q8");
}

#[test]
fn a_bad_file_is_named_and_the_others_are_still_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("broken.json");
    std::fs::write(&bad, r#"{"hostname": "x", "system": {"ram_gb": "lots"}}"#).unwrap();
    let good = fixture("seed-reports/epyc-2core.json");
    let output = llmcap(&["classify", "--json", path(&bad), path(&good)]);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert!(err.contains("broken.json: field `system.ram_gb`"), "{err}");
    assert!(err.contains("\"lots\""), "{err}");
    let results: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(results.as_array().unwrap().len(), 2);
    assert_eq!(results[0]["file"], "broken.json");
    assert!(
        results[0]["error"]
            .as_str()
            .unwrap()
            .contains("system.ram_gb")
    );
    assert_eq!(results[1]["hostname"], "vm");
}

#[test]
fn a_missing_file_is_exit_code_2() {
    let output = llmcap(&["classify", "/nonexistent/report.json"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no such file"),
        "{}",
        stderr(&output)
    );
}
