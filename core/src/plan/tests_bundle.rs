//! Bundles in the plan: many reports in one file plan as the same reports given one by one.

use super::tests::{E0, FULL, T, balanced, report};
use super::*;
use crate::report::{
    BUNDLE_SNIFF_BYTES, MAX_BUNDLE_BYTES, MAX_REPORT_BYTES, parse_report, write_bundle,
};

fn three_hosts() -> Vec<(&'static str, String)> {
    vec![
        ("a.json", report("a", 8.0, E0, Some(10.0), None, T)),
        (
            "b.json",
            report("b", 30.0, FULL, Some(40.0), Some(24_576), T),
        ),
        ("c.json", report("c", 12.0, E0, Some(20.0), None, T)),
    ]
}

fn bundle(files: &[(&str, String)]) -> String {
    let raw: Vec<_> = files
        .iter()
        .map(|(name, text)| parse_report(name, text.as_bytes()).unwrap())
        .collect();
    write_bundle(&raw)
}

/// The plan's JSON with each file name reduced to its host, to compare plans whose reports
/// came in differently named files.
fn by_host(plan: &Plan) -> serde_json::Value {
    let mut value = serde_json::to_value(plan).unwrap();
    for machine in value["machines"].as_array_mut().unwrap() {
        machine["file"] = machine["hostname"].clone();
    }
    value
}

#[test]
fn a_bundle_plans_like_its_reports_given_one_by_one() {
    let files = three_hosts();
    let one_by_one = balanced(&files);
    let merged = balanced(&[("fleet.json", bundle(&files))]);
    assert_eq!(merged.reports_used(), 3);
    let names: Vec<&str> = merged.machines.iter().map(|m| m.file.as_str()).collect();
    assert_eq!(names, ["fleet.json#1", "fleet.json#2", "fleet.json#3"]);
    assert_eq!(by_host(&merged), by_host(&one_by_one));
}

#[test]
fn a_bundle_beside_its_own_reports_adds_only_duplicates() {
    let mut files = three_hosts();
    files.push(("merged.json", bundle(&files)));
    let plan = balanced(&files);
    assert_eq!(plan.machines.len(), 3);
    assert!(plan.replaced.is_empty(), "{:?}", plan.replaced);
    let duplicates: Vec<(&str, &str)> = plan
        .duplicates
        .iter()
        .map(|d| (d.file.as_str(), d.duplicate_of.as_str()))
        .collect();
    assert_eq!(
        duplicates,
        [
            ("merged.json#1", "a.json"),
            ("merged.json#2", "b.json"),
            ("merged.json#3", "c.json"),
        ]
    );
}

#[test]
fn a_newer_report_in_a_bundle_replaces_an_older_file() {
    let newer = report("a", 9.0, E0, Some(10.0), None, "2026-11-28 10:00:00");
    let plan = balanced(&[
        ("a.json", report("a", 8.0, E0, Some(10.0), None, T)),
        ("z.json", bundle(&[("n", newer)])),
    ]);
    assert_eq!(plan.machines[0].file, "z.json#1");
    assert_eq!(plan.replaced[0].file, "a.json");
}

#[test]
fn a_bad_report_in_a_bundle_is_rejected_by_its_name_and_the_rest_is_planned() {
    let good = report("a", 8.0, E0, Some(10.0), None, T);
    let text = format!("{{\"llmcap_bundle\": 1, \"reports\": [{good}, {{\"hostname\": 7}}]}}");
    let plan = balanced(&[("m.json", text)]);
    assert_eq!(plan.machines.len(), 1);
    assert_eq!(plan.rejected.len(), 1);
    assert!(
        plan.rejected[0]
            .error
            .starts_with("m.json#2: field `hostname`"),
        "{:?}",
        plan.rejected
    );
    assert!(plan.warnings[0].ends_with("reports: 1 of 2 (see `rejected`)"));
}

#[test]
fn a_bundle_larger_than_a_report_is_read_when_given_whole() {
    let many: Vec<(String, String)> = (0..200)
        .map(|i| {
            let host = format!("host-{i:03}");
            let text = report(&host, 8.0, E0, Some(10.0), None, T);
            (host, text)
        })
        .collect();
    let files: Vec<(&str, String)> = many.iter().map(|(h, t)| (h.as_str(), t.clone())).collect();
    let text = bundle(&files);
    let padded = format!("{text}{}", " ".repeat(MAX_REPORT_BYTES as usize));
    assert!(padded.len() as u64 > MAX_REPORT_BYTES);
    let plan = plan_files(
        &[ReportFile::new("big.json", padded.as_bytes())],
        &PlanOptions::default(),
    );
    assert_eq!(plan.reports_used(), 200);

    // Not read whole, as the CLI and the page leave a file that is too large, or large and
    // not a bundle: rejected by its size and the limit it is over.
    let unread = |size: u64| {
        let plan = plan_files(
            &[ReportFile {
                name: "big.json",
                bytes: &[],
                size,
            }],
            &PlanOptions::default(),
        );
        plan.rejected[0].error.clone()
    };
    assert_eq!(
        unread(MAX_BUNDLE_BYTES + 1),
        format!(
            "big.json: too large ({} bytes); a bundle of reports can be at most {MAX_BUNDLE_BYTES} bytes",
            MAX_BUNDLE_BYTES + 1
        )
    );
    assert_eq!(
        unread(MAX_REPORT_BYTES + 1),
        format!(
            "big.json: too large ({} bytes); a report can be at most {MAX_REPORT_BYTES} bytes",
            MAX_REPORT_BYTES + 1
        )
    );

    // Given whole, a large bundle whose start does not name it is rejected just the same, as
    // the CLI and the page, which read only that start, reject it.
    let late = format!("{}{padded}", " ".repeat(BUNDLE_SNIFF_BYTES));
    let plan = plan_files(
        &[ReportFile::new("big.json", late.as_bytes())],
        &PlanOptions::default(),
    );
    assert_eq!(plan.rejected[0].error, unread(late.len() as u64));
}
