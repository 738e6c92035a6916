//! The plan's wire format, read back with this test's own types: an accidental change to
//! `distributed_plan.json` (a key renamed, added or dropped) breaks a test here. Snapshots
//! pin the exact bytes of the JSON and of the terminal text for one fleet.

use crate::plan_fleet::{files, plan, raspberry_pi, spec};
use llmcap_core::plan::{PlanOptions, Strategy, plan_json, render_text};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WirePlan {
    phase1: Vec<WireAssignment>,
    phase2: Vec<WireAssignment>,
    phase3: Vec<WireAssignment>,
    strategy: String,
    options: WireOptions,
    tiers: WireTiers,
    machines: Vec<WireMachine>,
    excluded: Vec<WireExcluded>,
    rejected: Vec<WireRejected>,
    duplicates: Vec<WireDuplicate>,
    replaced: Vec<WireReplaced>,
    warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireAssignment {
    machine: String,
    experiment: String,
    parallel: bool,
    tasks: Vec<String>,
    model: Option<String>,
    batch_size: u32,
    gradient_accumulation_steps: u32,
    share_percent: Option<u32>,
    configs: Option<WireRange>,
    /// `full`, `lora` or `qlora` on the E2 assignment.
    method: Option<String>,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireRange {
    start: u32,
    end: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireOptions {
    e0_configs: Option<u32>,
    target_batch_size: u32,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireTiers {
    tier1: Vec<WireTierEntry>,
    tier2: Vec<WireTierEntry>,
    tier3: Vec<WireTierEntry>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireTierEntry {
    hostname: String,
    tasks: Vec<String>,
    model: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireMachine {
    hostname: String,
    file: String,
    tier: Option<u8>,
    capabilities: Vec<String>,
    ram_available_gb: f64,
    gpu_memory_gb: Option<f64>,
    gflops: Option<f64>,
    generation: Option<WireGeneration>,
    tool: Option<WireTool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireGeneration {
    tok_s: f64,
    level: String,
    device: String,
    basis: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireTool {
    name: String,
    version: String,
    target: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireExcluded {
    hostname: String,
    file: String,
    reason: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireRejected {
    file: String,
    error: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireDuplicate {
    file: String,
    hostname: String,
    duplicate_of: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct WireReplaced {
    file: String,
    hostname: String,
    timestamp: String,
    kept_file: String,
    kept_timestamp: String,
}

/// A fleet that exercises every section of the plan.
fn sample() -> Vec<(String, String)> {
    let mut fleet = files(&[
        raspberry_pi("pi"),
        spec("laptop", 5.8).gflops(Some(30.0)),
        spec("workstation", 28.0).gpu(24576).gflops(Some(180.0)),
        spec("mac", 11.0).guide().time(Some(4.0)),
        spec("tiny", 1.5),
        spec("laptop", 5.6)
            .gflops(Some(28.0))
            .at("2026-11-20 08:00:00"),
    ]);
    // The older laptop report under another name, and the Pi's report twice.
    fleet[5].0 = "capability_report_laptop (old).json".to_owned();
    fleet.push(("pi-copy.json".to_owned(), fleet[0].1.clone()));
    fleet.push(("notes.json".to_owned(), "{\"hostname\": \"x\"".to_owned()));
    fleet
}

#[test]
fn the_json_reads_back_into_independent_types() {
    for strategy in Strategy::ALL {
        let options = PlanOptions {
            strategy,
            e0_configs: Some(1000),
            ..PlanOptions::default()
        };
        let json = plan_json(&plan(&sample(), &options));
        let wire: WirePlan = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
        assert_eq!(wire.strategy, strategy.as_str());
        assert_eq!(wire.options.e0_configs, Some(1000));
        assert_eq!(wire.duplicates.len(), 1);
        assert_eq!(wire.replaced.len(), 1);
        assert_eq!(wire.rejected.len(), 1);
        assert_eq!(wire.excluded.len(), 1);
    }
}

#[test]
fn the_json_is_pinned() {
    let options = PlanOptions {
        e0_configs: Some(1000),
        ..PlanOptions::default()
    };
    insta::assert_snapshot!("balanced_json", plan_json(&plan(&sample(), &options)));
    let seed = PlanOptions {
        strategy: Strategy::Seed,
        ..PlanOptions::default()
    };
    insta::assert_snapshot!("seed_json", plan_json(&plan(&sample(), &seed)));
}

#[test]
fn the_terminal_text_is_pinned() {
    let options = PlanOptions {
        e0_configs: Some(1000),
        ..PlanOptions::default()
    };
    insta::assert_snapshot!("balanced_text", render_text(&plan(&sample(), &options)));
}
