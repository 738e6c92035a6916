//! Bundles end to end: the page's "Download merged reports" file, built here from its
//! documented format, read back by `llmcap plan` and `llmcap classify`.

use crate::common::{llmcap, repo, stderr, stdout};
use serde_json::{Value, json};
use std::fs;
use std::path::Path;

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// The example fleet's reports, as parsed JSON, in file-name order.
fn examples() -> Vec<Value> {
    let mut paths: Vec<_> = fs::read_dir(repo().join("www/examples"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| serde_json::from_slice(&fs::read(p).unwrap()).unwrap())
        .collect()
}

fn plan(paths: &[&Path]) -> (Value, String) {
    let out = tempfile::tempdir().unwrap();
    let written = out.path().join("distributed_plan.json");
    let mut args = vec!["plan", "--json", "-o", arg(&written)];
    args.extend(paths.iter().map(|p| arg(p)));
    let output = llmcap(&args);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (
        serde_json::from_str(&stdout(&output)).unwrap(),
        stderr(&output),
    )
}

/// A plan with each machine's file replaced by its host, to compare plans of the same
/// reports in differently named files.
fn by_host(mut plan: Value) -> Value {
    for machine in plan["machines"].as_array_mut().unwrap() {
        machine["file"] = machine["hostname"].clone();
    }
    plan
}

#[test]
fn a_bundle_plans_as_its_reports_one_by_one() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("merged.json");
    let reports = examples();
    let text = serde_json::to_string_pretty(&json!({"llmcap_bundle": 1, "reports": reports}));
    fs::write(&bundle, text.unwrap()).unwrap();

    let (one_by_one, _) = plan(&[&repo().join("www/examples")]);
    let (merged, _) = plan(&[&bundle]);
    let files: Vec<&str> = merged["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["file"].as_str().unwrap())
        .collect();
    assert_eq!(files.len(), reports.len());
    assert!(
        files.iter().all(|f| f.starts_with("merged.json#")),
        "{files:?}"
    );
    assert_eq!(by_host(merged), by_host(one_by_one));

    // Beside the files it came from, the bundle only adds duplicates.
    let (both, _) = plan(&[&repo().join("www/examples"), &bundle]);
    assert_eq!(both["machines"].as_array().unwrap().len(), reports.len());
    assert_eq!(both["duplicates"].as_array().unwrap().len(), reports.len());
    assert!(both["replaced"].as_array().unwrap().is_empty());
}

#[test]
fn a_bundle_larger_than_a_report_is_planned_and_a_bad_report_in_it_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("fleet.json");
    let all = examples();
    let template = all.iter().max_by_key(|r| r.to_string().len()).unwrap();
    let count = 1024 * 1024 / template.to_string().len() + 20;
    let mut reports: Vec<Value> = (0..count)
        .map(|i| {
            let mut r = template.clone();
            r["hostname"] = json!(format!("node-{i:03}"));
            r
        })
        .collect();
    reports[7]["system"]["ram_available_gb"] = json!("lots");
    let text = serde_json::to_string_pretty(&json!({"llmcap_bundle": 1, "reports": reports}));
    fs::write(&bundle, text.unwrap()).unwrap();
    assert!(fs::metadata(&bundle).unwrap().len() > 1024 * 1024);

    let (plan, err) = plan(&[&bundle]);
    assert_eq!(plan["machines"].as_array().unwrap().len(), count - 1);
    let rejected = plan["rejected"].as_array().unwrap();
    assert_eq!(rejected.len(), 1);
    assert_eq!(
        rejected[0]["file"],
        format!("fleet.json#{:0w$}", 8, w = count.to_string().len())
    );
    assert!(
        err.contains(&format!(
            "error: {}: field `system.ram_available_gb`",
            rejected[0]["file"].as_str().unwrap()
        )),
        "{err}"
    );
}

#[test]
fn a_bundle_from_a_newer_llmcap_is_one_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("new.json");
    let text = json!({"llmcap_bundle": 2, "reports": examples()}).to_string();
    fs::write(&bundle, text).unwrap();
    let output = llmcap(&["plan", arg(&bundle)]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains(
        "error: new.json: field `llmcap_bundle` is 2, newer than bundle version 1 that this llmcap reads; upgrade llmcap"
    ), "{}", stderr(&output));
}

#[test]
fn classify_reads_each_report_of_a_bundle() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("two.json");
    let reports: Vec<Value> = examples().into_iter().take(2).collect();
    let text = json!({"llmcap_bundle": 1, "reports": [reports[0], reports[1], 42]});
    fs::write(&bundle, text.to_string()).unwrap();
    let output = llmcap(&["classify", "--json", arg(&bundle)]);
    assert_eq!(output.status.code(), Some(2), "a bad report in it");
    let outcomes: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let outcomes = outcomes.as_array().unwrap();
    let files: Vec<&str> = outcomes
        .iter()
        .map(|o| o["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, ["two.json#1", "two.json#2", "two.json#3"]);
    assert_eq!(outcomes[0]["hostname"], reports[0]["hostname"]);
    assert_eq!(
        outcomes[2]["error"],
        "two.json#3: the report is a number, expected a JSON object"
    );
}

#[test]
fn a_bundle_of_many_bad_reports_prints_a_few_lines_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let mut reports = vec![json!({}); 30];
    reports.push(examples()[0].clone());
    let bundle = dir.path().join("merged.json");
    fs::write(
        &bundle,
        json!({"llmcap_bundle": 1, "reports": reports}).to_string(),
    )
    .unwrap();
    for command in ["plan", "classify"] {
        let written = dir.path().join("plan.json");
        let output = if command == "plan" {
            llmcap(&["plan", "-o", arg(&written), arg(&bundle)])
        } else {
            llmcap(&["classify", arg(&bundle)])
        };
        let errors: Vec<String> = stderr(&output)
            .lines()
            .filter(|l| l.starts_with("error: merged.json"))
            .map(str::to_owned)
            .collect();
        assert_eq!(errors.len(), 11, "{command}: {errors:#?}");
        assert!(
            errors[0].starts_with("error: merged.json#01: "),
            "{errors:?}"
        );
        assert_eq!(
            errors[10],
            "error: merged.json: … and 20 more bad reports in this bundle"
        );
    }
}
