//! Outputs users and other programs read, pinned byte for byte: `llmcap classify --json` and
//! its text, `llmcap plan --json` and the Ansible inventory on the example fleet and the
//! guide's reports, and the fields `llmcap probe --json` writes. The page's downloads are
//! pinned by the page's own state tests (`web/src/state/tests.rs`). A refactor that changes one
//! of these bytes fails here; a deliberate change updates the snapshot (`cargo insta review`).

use crate::common::{fixture, llmcap, repo, stderr, stdout};
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The page's example fleet and the guide's own reports, sorted by path.
fn fleet() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("www/examples"))
        .unwrap()
        .chain(std::fs::read_dir(fixture("seed-reports")).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn args(head: &[&str], files: &[PathBuf]) -> Vec<String> {
    head.iter()
        .map(|s| s.to_string())
        .chain(files.iter().map(|p| p.to_str().unwrap().to_owned()))
        .collect()
}

fn run(args: &[String]) -> std::process::Output {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    llmcap(&refs)
}

#[test]
fn classify_json_is_pinned() {
    let output = run(&args(&["classify", "--json"], &fleet()));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("classify_json", stdout(&output));
}

#[test]
fn classify_what_if_text_is_pinned() {
    let output = run(&args(
        &["classify", "--ram-available-gb", "7", "--gpu-vram-gb", "0"],
        &fleet(),
    ));
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!("classify_what_if_text", stdout(&output));
}

#[test]
fn plans_and_inventory_are_pinned() {
    let dir = tempfile::tempdir().unwrap();
    for (name, extra) in [
        ("balanced", vec!["--e0-configs", "1000"]),
        ("seed", vec!["--strategy", "seed"]),
    ] {
        let plan = dir.path().join(format!("{name}.json"));
        let inventory = dir.path().join(format!("{name}.yml"));
        let mut head = vec!["plan", "--json", "--export", "ansible"];
        head.extend(extra);
        head.extend([
            "--output",
            plan.to_str().unwrap(),
            "--export-output",
            inventory.to_str().unwrap(),
        ]);
        let output = run(&args(&head, &fleet()));
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let written = std::fs::read_to_string(&plan).unwrap();
        assert_eq!(stdout(&output), written);
        insta::assert_snapshot!(format!("plan_{name}_json"), written);
        insta::assert_snapshot!(
            format!("plan_{name}_inventory"),
            std::fs::read_to_string(&inventory).unwrap()
        );
    }
}

/// Every key path of a JSON value, arrays written as `[]`.
fn key_paths(value: &Value, prefix: &str, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                let path = format!("{prefix}.{key}");
                out.insert(path.clone());
                key_paths(child, &path, out);
            }
        }
        Value::Array(items) => {
            for item in items {
                key_paths(item, &format!("{prefix}[]"), out);
            }
        }
        _ => {}
    }
}

/// Keys every quick probe writes, whatever the machine.
const ALWAYS: &[&str] = &[
    ".benchmark",
    ".benchmark.matrix_mult_time",
    ".benchmark.operations_per_second",
    ".benchmark.status",
    ".capabilities",
    ".capabilities.e0_e1",
    ".capabilities.e2_full",
    ".capabilities.e2_quantized",
    ".capabilities.model_recommendations",
    ".capabilities.prerequisites",
    ".checks",
    ".hostname",
    ".llmcap_assessment",
    ".ollama",
    ".ollama.host",
    ".ollama.installed",
    ".ollama.models",
    ".ollama.server_reachable",
    ".ollama.version",
    ".performance",
    ".performance.context_tokens",
    ".performance.devices",
    ".performance.devices[].bandwidth_gb_s",
    ".performance.devices[].bandwidth_source",
    ".performance.devices[].kind",
    ".performance.devices[].name",
    ".performance.devices[].speeds",
    ".performance.devices[].speeds[].generation_tok_s",
    ".performance.devices[].speeds[].gguf",
    ".performance.devices[].speeds[].level",
    ".performance.devices[].speeds[].prompt_tok_s",
    ".performance.devices[].speeds[].source",
    ".performance.prompt_tokens",
    ".recommendations",
    ".schema_version",
    ".system",
    ".system.architecture",
    ".system.cpu_count",
    ".system.cpu_count_physical",
    ".system.disk_free_gb",
    ".system.gpu",
    ".system.platform",
    ".system.processor",
    ".system.python_version",
    ".system.ram_available_gb",
    ".system.ram_gb",
    ".timestamp",
    ".timestamp_utc",
    ".tool",
    ".tool.name",
    ".tool.version",
];

/// Keys a probe may write besides those, depending on the machine.
const OPTIONAL: &[&str] = &[
    ".benchmark.budget_seconds",
    ".benchmark.gflops",
    ".benchmark.matrix_size",
    ".benchmark.rounds",
    ".benchmark.seconds_per_product_median",
    ".benchmark.seconds_per_round_median",
    ".benchmark.threads",
    ".capabilities.notes",
    ".embedding",
    ".embedding.encode_seconds",
    ".embedding.load_seconds",
    ".embedding.max_abs_error",
    ".embedding.memory_needed_mib",
    ".embedding.model",
    ".embedding.model_path",
    ".embedding.peak_rss_mib",
    ".embedding.reason",
    ".embedding.sentences",
    ".embedding.sentences_per_second",
    ".embedding.status",
    ".embedding.threads",
    ".embedding.tokens",
    ".performance.compute",
    ".performance.compute.f16_gflops",
    ".performance.compute.f16_kernel",
    ".performance.compute.f16_rounds",
    ".performance.compute.f32_gflops",
    ".performance.compute.int8_gops",
    ".performance.compute.int8_kernel",
    ".performance.compute.int8_rounds",
    ".performance.compute.matrix_size",
    ".performance.compute.rounds",
    ".performance.compute.source",
    ".performance.devices[].gpu_cores",
    ".performance.devices[].speeds[].bound",
    ".performance.devices[].speeds[].offloaded",
    ".performance.memory_bandwidth",
    ".performance.memory_bandwidth.array_mib",
    ".performance.memory_bandwidth.copy_all_cores_gb_s",
    ".performance.memory_bandwidth.copy_one_core_gb_s",
    ".performance.memory_bandwidth.repetitions",
    ".performance.memory_bandwidth.seconds",
    ".performance.memory_bandwidth.source",
    ".performance.memory_bandwidth.threads",
    ".performance.memory_bandwidth.triad_all_cores_gb_s",
    ".performance.memory_bandwidth.triad_one_core_gb_s",
    ".performance.ollama",
    ".performance.ollama.eval_count",
    ".performance.ollama.generation_tok_s",
    ".performance.ollama.measured",
    ".performance.ollama.model",
    ".performance.ollama.prompt_eval_count",
    ".performance.ollama.prompt_tok_s",
    ".performance.ollama.quantization",
    ".performance.ollama.reason",
    ".performance.ollama.source",
    ".system.cpu_brand",
    ".system.disk_mount",
    ".system.disk_path",
    ".system.gpu_type",
    ".system.gpus",
    ".system.gpus[].driver",
    ".system.gpus[].name",
    ".system.gpus[].source",
    ".system.gpus[].unified_memory",
    ".system.gpus[].vendor",
    ".system.gpus[].vram_free_mib",
    ".system.gpus[].vram_total_mib",
    ".system.kernel",
    ".system.memory_limit_gb",
    ".system.os",
    ".system.ram_available_host_gb",
    ".tool.target",
    ".warnings",
];

#[test]
fn the_probe_writes_the_pinned_fields() {
    let dir = tempfile::tempdir().unwrap();
    let text = crate::common::quick_probe(dir.path(), "pinned-fields");
    let value: Value = serde_json::from_str(&text).unwrap();
    let mut paths = BTreeSet::new();
    key_paths(&value, "", &mut paths);
    // Checks and recommendations are pinned through `classify --json` above; llmcap's
    // assessment by its own types (`core/src/judge`).
    let written: BTreeSet<&str> = paths
        .iter()
        .map(String::as_str)
        .filter(|p| {
            !p.starts_with(".checks.")
                && !p.starts_with(".recommendations.")
                && !p.starts_with(".llmcap_assessment.")
        })
        .collect();
    for key in ALWAYS {
        assert!(written.contains(key), "{key} missing from {written:#?}");
    }
    for key in &written {
        assert!(
            ALWAYS.contains(key) || OPTIONAL.contains(key),
            "{key} is new: pin it in this test"
        );
    }
}
