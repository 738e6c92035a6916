//! The plan names the program that wrote each report, and warns when the fleet was probed
//! by different llmcap versions or by the guide's script, so a user knows which machines to
//! probe again.

use crate::plan_fleet::{files, plan, raspberry_pi, spec, with};
use llmcap_core::plan::{Strategy, plan_json};
use serde_json::{Value, json};

fn version_warnings(plan: &llmcap_core::plan::Plan) -> Vec<&String> {
    plan.warnings
        .iter()
        .filter(|w| w.starts_with("reports come from different programs"))
        .collect()
}

#[test]
fn each_machine_names_the_program_version_and_target_that_probed_it() {
    let fleet = files(&[
        raspberry_pi("pi").written_by("0.1.0", "aarch64-unknown-linux-gnu"),
        spec("desktop", 20.0).written_by("0.2.0", "x86_64-unknown-linux-gnu"),
        spec("mac", 11.0).guide(),
    ]);
    for strategy in Strategy::ALL {
        let json: Value = serde_json::from_str(&plan_json(&plan(&fleet, &with(strategy)))).unwrap();
        let tools: Vec<(&str, &Value)> = json["machines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| (m["hostname"].as_str().unwrap(), &m["tool"]))
            .collect();
        assert_eq!(
            tools,
            [
                (
                    "desktop",
                    &json!({"name": "llmcap", "version": "0.2.0", "target": "x86_64-unknown-linux-gnu"})
                ),
                ("mac", &Value::Null),
                (
                    "pi",
                    &json!({"name": "llmcap", "version": "0.1.0", "target": "aarch64-unknown-linux-gnu"})
                ),
            ]
        );
    }
}

#[test]
fn mixed_versions_give_one_warning_newest_first_and_what_to_reprobe() {
    let fleet = files(&[
        raspberry_pi("pi").written_by("0.9.0", "aarch64-unknown-linux-gnu"),
        spec("laptop", 6.0).written_by("0.9.0", "x86_64-unknown-linux-gnu"),
        spec("desktop", 20.0).written_by("0.10.0", "x86_64-unknown-linux-gnu"),
        spec("mac", 11.0).guide(),
    ]);
    let plan = plan(&fleet, &with(Strategy::Balanced));
    assert_eq!(
        version_warnings(&plan),
        [
            "reports come from different programs: llmcap 0.10.0 (desktop), llmcap 0.9.0 (laptop, pi), \
             the guide's script (mac); their measurements may not compare: probe the other machines \
             again with llmcap 0.10.0"
        ]
    );
}

#[test]
fn one_version_on_every_target_gives_no_warning() {
    let fleet = files(&[
        raspberry_pi("pi").written_by("0.1.0", "aarch64-unknown-linux-gnu"),
        spec("desktop", 20.0).written_by("0.1.0", "x86_64-unknown-linux-gnu"),
    ]);
    let plan = plan(&fleet, &with(Strategy::Balanced));
    assert!(version_warnings(&plan).is_empty(), "{:?}", plan.warnings);
}

#[test]
fn only_kept_reports_count() {
    // The old laptop report (0.0.9) is replaced by its newer one, so the versions agree.
    let fleet = files(&[
        spec("laptop", 6.0)
            .written_by("0.0.9", "x86_64-unknown-linux-gnu")
            .at("2026-11-01 10:00:00"),
        spec("desktop", 20.0).written_by("0.1.0", "x86_64-unknown-linux-gnu"),
    ]);
    let mut fleet = fleet;
    fleet.push((
        "capability_report_laptop_new.json".to_owned(),
        spec("laptop", 6.0)
            .written_by("0.1.0", "x86_64-unknown-linux-gnu")
            .json(),
    ));
    let plan = plan(&fleet, &with(Strategy::Balanced));
    assert_eq!(plan.replaced.len(), 1);
    assert!(version_warnings(&plan).is_empty(), "{:?}", plan.warnings);
}
