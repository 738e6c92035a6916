//! Fuzzing of what llmcap reads from others: report parsing, bundle reading and planning,
//! on stable Rust with proptest. The inputs are real reports mutated at random (a value
//! replaced by another of any type, a key dropped, the text cut or a byte flipped), bundles
//! of them, and plain random bytes. Nothing may panic; every error names its file; every
//! plan serializes to JSON and renders as text; every valid report gets a document.
//!
//! The tests run a few cases of each; `scripts/fuzz.sh` runs many more for a set number of
//! CPU-minutes (`LLMCAP_FUZZ_CASES` sets the cases per property and run).

use llmcap_core::plan::{self as planner, inputs, read_files};
use llmcap_core::report::write_bundle;
use llmcap_core::{
    PlanOptions, ReportFile, Settings, Strategy as Placement, document, parse_report, plan_json,
    render_text,
};
use proptest::prelude::*;
use serde_json::Value;

/// Real reports to mutate: the guide's, llmcap's with every section, a bundle's member.
const SEEDS: &[&str] = &[
    include_str!("../../www/examples/capability_report_gpu-h200.json"),
    include_str!("../../www/examples/capability_report_mac-m2.json"),
    include_str!("../../www/examples/capability_report_lab-pi.json"),
    include_str!("../../www/examples/capability_report_gpu-desktop.json"),
    include_str!("../fixtures/seed-reports/epyc-2core.json"),
    include_str!("../fixtures/bad/ram-available-above-total.json"),
];

fn cases() -> u32 {
    std::env::var("LLMCAP_FUZZ_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(48)
}

/// A JSON value of any type, with the values that break parsers: huge, negative,
/// fractional and non-finite-looking numbers, control characters, long strings, nesting.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("JSON has no NaN", |f| f.is_finite())
            .prop_map(Value::from),
        prop_oneof![Just(0.0), Just(-1.0), Just(1e300), Just(1e-300), Just(0.5)]
            .prop_map(Value::from),
        "\\PC{0,40}".prop_map(Value::String),
        "[\\x00-\\x1f\\x7f\\u{202e}\\u{1b}]{0,8}".prop_map(Value::String),
        (0usize..3).prop_map(|n| Value::String("x".repeat(n * 5000))),
    ];
    leaf.prop_recursive(3, 16, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map("[a-z_]{1,12}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// One change to a report: at the `pick`-th value of a walk through it, replace it or drop it.
#[derive(Debug, Clone)]
enum Mutation {
    Replace(usize, Value),
    Drop(usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any_value()).prop_map(|(at, v)| Mutation::Replace(at, v)),
        any::<usize>().prop_map(Mutation::Drop),
    ]
}

/// The number of values in `value`, itself included.
fn count(value: &Value) -> usize {
    1 + match value {
        Value::Array(items) => items.iter().map(count).sum(),
        Value::Object(map) => map.values().map(count).sum(),
        _ => 0,
    }
}

/// Applies `m` at the value numbered `at` in a depth-first walk; returns how many values
/// were passed, so the caller can walk on.
fn apply(value: &mut Value, at: usize, m: &Mutation) -> usize {
    if at == 0 {
        if let Mutation::Replace(_, new) = m {
            *value = new.clone();
        }
        return 1;
    }
    let mut passed = 1;
    let children: Vec<String> = match value {
        Value::Object(map) => map.keys().cloned().collect(),
        Value::Array(items) => (0..items.len()).map(|i| i.to_string()).collect(),
        _ => return 1,
    };
    for key in children {
        let child_at = at - passed;
        let child = match value {
            Value::Object(map) => map.get_mut(&key),
            Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get_mut(i)),
            _ => None,
        };
        let Some(child) = child else { continue };
        let size = count(child);
        if child_at < size {
            if child_at == 0 && matches!(m, Mutation::Drop(_)) {
                match value {
                    Value::Object(map) => drop(map.remove(&key)),
                    Value::Array(items) => drop(key.parse::<usize>().map(|i| items.remove(i))),
                    _ => {}
                }
            } else {
                apply(child, child_at, m);
            }
            return passed + size;
        }
        passed += size;
    }
    passed
}

/// A seed report with `mutations` applied, as text, then maybe cut or with a byte changed.
fn mutated(seed: usize, mutations: &[Mutation], damage: Option<(usize, u8)>, cut: bool) -> Vec<u8> {
    let mut report: Value = serde_json::from_str(SEEDS[seed % SEEDS.len()]).unwrap();
    for m in mutations {
        let at = match m {
            Mutation::Replace(at, _) | Mutation::Drop(at) => at % count(&report),
        };
        apply(&mut report, at, m);
    }
    let mut bytes = serde_json::to_vec(&report).unwrap();
    if let Some((at, byte)) = damage {
        let at = at % bytes.len().max(1);
        if cut {
            bytes.truncate(at);
        } else if let Some(b) = bytes.get_mut(at) {
            *b = byte;
        }
    }
    bytes
}

fn report_input() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<usize>(),
        prop::collection::vec(mutation(), 0..4),
        prop::option::weighted(0.2, (any::<usize>(), any::<u8>())),
        any::<bool>(),
    )
        .prop_map(|(seed, ms, damage, cut)| mutated(seed, &ms, damage, cut))
}

/// Every error names its file; a valid report gets a document, and the readable rows.
fn check_one(name: &str, bytes: &[u8]) -> Result<(), TestCaseError> {
    match parse_report(name, bytes) {
        Ok(report) => {
            let doc = document(&report, &Settings::default());
            let json = serde_json::to_string(&doc).unwrap();
            prop_assert!(json.starts_with('{'), "{}", json);
            let sheet = llmcap_core::document::sheet(&doc);
            prop_assert!(!sheet.phases.is_empty());
        }
        Err(error) => {
            let text = error.to_string();
            prop_assert!(text.contains(name), "{text}");
        }
    }
    Ok(())
}

/// Plans `files` with every strategy: the plan serializes, renders and counts its files.
fn check_plan(files: &[(String, Vec<u8>)], options: &PlanOptions) -> Result<(), TestCaseError> {
    let files: Vec<ReportFile<'_>> = files
        .iter()
        .map(|(name, bytes)| ReportFile::new(name, bytes))
        .collect();
    let (valid, rejected) = read_files(&files);
    for strategy in Placement::ALL {
        let options = PlanOptions {
            strategy,
            ..*options
        };
        let mut made = planner::plan(&inputs(&valid), &options);
        made.reject(rejected.clone());
        let json: Value = serde_json::from_str(&plan_json(&made)).unwrap();
        prop_assert!(json.get("phase1").is_some());
        prop_assert!(!render_text(&made).is_empty());
        prop_assert!(made.machines.len() <= valid.len());
    }
    Ok(())
}

fn options() -> impl Strategy<Value = PlanOptions> {
    (
        prop::option::of(0u32..5000),
        prop::option::of(0u64..10_000_000),
        prop::option::of(0u64..u64::MAX / 2),
        1u32..64,
    )
        .prop_map(|(e0_configs, tokens, train, batch)| PlanOptions {
            e0_configs,
            tokens_per_config: tokens,
            train_tokens: train,
            target_batch_size: batch,
            ..PlanOptions::default()
        })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_bytes_never_panic_and_errors_name_the_file(
        bytes in prop::collection::vec(any::<u8>(), 0..4096)
    ) {
        check_one("random.json", &bytes)?;
        check_plan(&[("random.json".to_owned(), bytes)], &PlanOptions::default())?;
    }

    #[test]
    fn mutated_reports_parse_or_are_rejected_by_name(bytes in report_input()) {
        check_one("mutated.json", &bytes)?;
    }

    #[test]
    fn fleets_and_bundles_of_mutated_reports_always_plan(
        reports in prop::collection::vec(report_input(), 1..6),
        bundled in prop::collection::vec(report_input(), 0..6),
        options in options()
    ) {
        let mut files: Vec<(String, Vec<u8>)> = reports
            .into_iter()
            .enumerate()
            .map(|(i, bytes)| (format!("r{i}.json"), bytes))
            .collect();
        let members: Vec<Value> = bundled
            .iter()
            .map(|b| serde_json::from_slice(b).unwrap_or(Value::Null))
            .collect();
        files.push(("bundle.json".to_owned(), write_bundle(&members).into_bytes()));
        check_plan(&files, &options)?;
    }
}
