//! The published JSON Schema (`schema/report.schema.json`) is generated from the wire types,
//! and real reports of both producers validate against it.

use crate::common::{fixture, llmcap, quick_probe, repo, stdout};
use serde_json::Value;

fn committed() -> Value {
    let text = std::fs::read_to_string(repo().join("schema/report.schema.json"))
        .expect("schema/report.schema.json is committed");
    serde_json::from_str(&text).unwrap()
}

#[test]
fn committed_schema_is_what_the_types_generate() {
    let generated: Value = serde_json::from_str(&stdout(&llmcap(&["schema"]))).unwrap();
    assert!(
        generated == committed(),
        "schema/report.schema.json is stale: regenerate it with `cargo run -p llmcap -- schema > schema/report.schema.json`"
    );
}

#[test]
fn reports_of_both_producers_validate() {
    let validator = jsonschema::validator_for(&committed()).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let ours: Value = serde_json::from_str(&quick_probe(dir.path(), "schema-check")).unwrap();
    let mut documents = vec![("llmcap probe".to_owned(), ours)];
    for name in ["epyc-2core.json", "h200-16core-offline.json"] {
        let text = std::fs::read_to_string(fixture(&format!("seed-reports/{name}"))).unwrap();
        documents.push((name.to_owned(), serde_json::from_str(&text).unwrap()));
    }
    for (name, document) in documents {
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| format!("{e} at {}", e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:?}");
    }
}

#[test]
fn schema_rejects_what_llmcap_rejects() {
    let validator = jsonschema::validator_for(&committed()).unwrap();
    let mut bad: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("seed-reports/epyc-2core.json")).unwrap(),
    )
    .unwrap();
    bad["system"]["ram_gb"] = Value::String("23.5".into());
    assert!(!validator.is_valid(&bad));
}
