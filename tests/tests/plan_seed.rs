//! The seed strategy equals the guide's own `distribute_workload.py`, run by python3 on the
//! same report files.
//!
//! The guide's script reads `glob.glob("capability_report_*.json")`, whose order the file
//! system decides; llmcap defines input order as the sorted file names. The script is run
//! unchanged with `glob.glob` sorted, so both see the same order.

use crate::gate;
use crate::plan_fleet::{Spec, files, guide_keys, plan, raspberry_pi, spec, with};
use llmcap_core::plan::Strategy as PlanStrategy;
use proptest::prelude::*;
use serde_json::{Value, json};
use std::path::Path;
use std::process::Command;

const SCRIPT: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/fixtures/seed/distribute_workload.py"
);
const EPYC: &str = include_str!("../fixtures/seed-reports/epyc-2core.json");
const H200: &str = include_str!("../fixtures/seed-reports/h200-16core-offline.json");

/// Runs the guide's script with `python` as a program in a folder holding `files`; returns
/// its `distributed_plan.json` and its `assign_workload` result.
fn run_guide(mut python: Command, files: &[(String, String)]) -> (Value, Value) {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write report");
    }
    let driver = format!(
        r#"
import glob, json, runpy, sys
_glob = glob.glob
glob.glob = lambda pattern: sorted(_glob(pattern))
sys.path.insert(0, {dir:?})
import distribute_workload as guide
with open("tiers.json", "w") as f:
    json.dump(guide.assign_workload(guide.load_capability_reports()), f)
runpy.run_path({SCRIPT:?}, run_name="__main__")
"#,
        dir = Path::new(SCRIPT)
            .parent()
            .and_then(Path::to_str)
            .expect("script folder")
    );
    let output = python
        .arg("-c")
        .arg(driver)
        .current_dir(dir.path())
        .output()
        .expect("python3 runs");
    assert!(
        output.status.success(),
        "distribute_workload.py failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let read = |name: &str| -> Value {
        let text = std::fs::read_to_string(dir.path().join(name)).expect(name);
        serde_json::from_str(&text).expect("the guide writes JSON")
    };
    (read("distributed_plan.json"), read("tiers.json"))
}

/// llmcap's seed plan projected on the guide's keys, and its tiers.
fn run_llmcap(files: &[(String, String)]) -> (Value, Value) {
    let plan = plan(files, &with(PlanStrategy::Seed));
    let phases = json!({
        "phase1": guide_keys(&plan.phase1),
        "phase2": guide_keys(&plan.phase2),
        "phase3": guide_keys(&plan.phase3),
    });
    let tiers = serde_json::to_value(&plan.tiers).expect("serializable");
    (phases, tiers)
}

fn assert_same_as_guide(python: Command, files: &[(String, String)], what: &str) {
    let (guide_plan, guide_tiers) = run_guide(python, files);
    let (plan, tiers) = run_llmcap(files);
    assert_eq!(plan, guide_plan, "{what}: phases");
    assert_eq!(tiers, guide_tiers, "{what}: tiers");
}

fn named(host: &str, text: &str) -> (String, String) {
    (
        format!("capability_report_{host}.json"),
        text.replace("\"hostname\": \"vm\"", &format!("\"hostname\": \"{host}\"")),
    )
}

#[test]
fn the_real_reports_as_two_machines() {
    let Some(python) = gate::python() else { return };
    assert_same_as_guide(
        python,
        &[named("epyc", EPYC), named("h200", H200)],
        "epyc + h200",
    );
}

#[test]
fn the_real_reports_as_llmcap_keeps_them() {
    // Both are host "vm": llmcap keeps the newer (EPYC); the guide would list "vm" twice,
    // so it is given the file llmcap kept.
    let both = [
        ("capability_report_a.json".to_owned(), H200.to_owned()),
        ("capability_report_b.json".to_owned(), EPYC.to_owned()),
    ];
    let plan = plan(&both, &with(PlanStrategy::Seed));
    assert_eq!(plan.machines[0].file, "capability_report_b.json");
    let Some(python) = gate::python() else { return };
    assert_same_as_guide(python, &both[1..], "vm (kept)");
}

#[test]
fn constructed_fleets_in_both_formats() {
    let fleets: Vec<(&str, Vec<Spec>)> = vec![
        ("empty", vec![]),
        ("pi only", vec![raspberry_pi("pi")]),
        (
            "mixed",
            vec![
                raspberry_pi("pi").guide(),
                spec("laptop", 5.8),
                spec("mac", 11.0).guide(),
                spec("desktop", 27.0).gpu(24576),
                spec("server", 120.0).gpu(81920).guide(),
                spec("tiny", 1.5),
            ],
        ),
        (
            "nothing e2",
            vec![spec("b-old", 5.5), spec("a-nuc", 5.2), raspberry_pi("pi")],
        ),
        (
            "hand-edited verdicts",
            vec![
                spec("only-e2", 30.0).verdict([false, false, true, false]),
                spec("only-q", 30.0).verdict([false, false, false, true]),
                spec("none", 30.0).verdict([false; 4]),
            ],
        ),
    ];
    for (name, fleet) in fleets {
        let Some(python) = gate::python() else { return };
        assert_same_as_guide(python, &files(&fleet), name);
    }
}

fn arbitrary_spec() -> impl Strategy<Value = Spec> {
    (
        0usize..6,
        prop_oneof![
            Just(1.0),
            Just(3.5),
            Just(5.5),
            Just(8.0),
            Just(14.0),
            Just(64.0)
        ],
        prop_oneof![Just(4.0), Just(12.0), Just(200.0)],
        proptest::option::of(prop_oneof![Just(8192u64), Just(81920)]),
        any::<bool>(),
    )
        .prop_map(|(n, ram, disk, gpu, guide)| {
            let mut s = spec(&format!("host{n}"), ram).disk(disk);
            s.vram_mib = gpu;
            s.guide_format = guide;
            s
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    #[test]
    fn random_fleets_with_one_report_per_host(
        specs in proptest::collection::btree_map(0usize..6, arbitrary_spec(), 0..6)
    ) {
        let Some(python) = gate::python() else { return Ok(()) };
        // One report per host: the guide's script does not merge.
        let fleet: Vec<Spec> = specs
            .into_iter()
            .map(|(n, mut s)| {
                s.host = format!("host{n}");
                s
            })
            .collect();
        let files = files(&fleet);
        let (guide_plan, guide_tiers) = run_guide(python, &files);
        let (plan, tiers) = run_llmcap(&files);
        prop_assert_eq!(plan, guide_plan);
        prop_assert_eq!(tiers, guide_tiers);
    }
}
