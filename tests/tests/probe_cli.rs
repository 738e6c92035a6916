//! `llmcap probe` end to end: the JSON it prints, decoded with types of this test's own, so
//! that an accidental change of the wire format breaks here.

use crate::common::{llmcap, quick_probe, stderr, stdout};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ReportV1 {
    timestamp: String,
    hostname: String,
    system: SystemV1,
    benchmark: BenchmarkV1,
    capabilities: CapabilitiesV1,
    schema_version: u32,
    tool: ToolV1,
    timestamp_utc: String,
    ollama: OllamaV1,
    embedding: EmbeddingV1,
    performance: PerformanceV1,
    llmcap_assessment: AssessmentV1,
    checks: BTreeMap<String, Vec<CheckV1>>,
    recommendations: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    warnings: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct SystemV1 {
    platform: String,
    processor: String,
    architecture: String,
    python_version: Option<String>,
    cpu_count: u32,
    cpu_count_physical: Option<u32>,
    ram_gb: f64,
    ram_available_gb: f64,
    disk_free_gb: f64,
    gpu: Option<String>,
    gpu_type: Option<String>,
    os: Option<String>,
    kernel: Option<String>,
    cpu_brand: Option<String>,
    ram_available_host_gb: Option<f64>,
    memory_limit_gb: Option<f64>,
    disk_path: Option<String>,
    disk_mount: Option<String>,
    #[serde(default)]
    gpus: Vec<serde_json::Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct BenchmarkV1 {
    matrix_mult_time: Option<f64>,
    operations_per_second: Option<f64>,
    status: String,
    gflops: Option<f64>,
    seconds_per_product_median: Option<f64>,
    seconds_per_round_median: Option<f64>,
    rounds: Option<u64>,
    matrix_size: Option<u64>,
    threads: Option<u64>,
    budget_seconds: Option<f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CapabilitiesV1 {
    prerequisites: bool,
    e0_e1: bool,
    e2_full: bool,
    e2_quantized: bool,
    model_recommendations: Vec<String>,
    notes: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ToolV1 {
    name: String,
    version: String,
    target: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct OllamaV1 {
    installed: bool,
    version: Option<String>,
    host: Option<String>,
    server_reachable: bool,
    models: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PerformanceV1 {
    memory_bandwidth: MemoryBandwidthV1,
    compute: ComputeV1,
    context_tokens: u64,
    prompt_tokens: u64,
    devices: Vec<DeviceV1>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct AssessmentV1 {
    context_tokens: u64,
    inference: Option<serde_json::Value>,
    methods: Vec<serde_json::Value>,
    phases: Vec<PhaseJudgementV1>,
    disagreements: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct PhaseJudgementV1 {
    phase: String,
    verdict: String,
    why: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct MemoryBandwidthV1 {
    triad_all_cores_gb_s: f64,
    triad_one_core_gb_s: f64,
    copy_all_cores_gb_s: f64,
    copy_one_core_gb_s: f64,
    threads: u64,
    array_mib: u64,
    repetitions: u64,
    seconds: f64,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct ComputeV1 {
    f32_gflops: f64,
    matrix_size: u64,
    rounds: u64,
    int8_gops: f64,
    int8_kernel: String,
    int8_rounds: u64,
    f16_gflops: f64,
    f16_kernel: String,
    f16_rounds: u64,
    source: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct DeviceV1 {
    kind: String,
    name: String,
    bandwidth_gb_s: Option<f64>,
    bandwidth_source: Option<String>,
    gpu_cores: Option<(u32, u32)>,
    speeds: Vec<LevelSpeedV1>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct LevelSpeedV1 {
    level: String,
    gguf: String,
    generation_tok_s: Option<f64>,
    prompt_tok_s: Option<f64>,
    offloaded: Option<f64>,
    bound: Option<String>,
    source: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct EmbeddingV1 {
    status: String,
    reason: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct CheckV1 {
    requirement: String,
    required: String,
    actual: String,
    pass: bool,
    level: String,
    source: String,
}

#[test]
fn json_output_has_the_documented_shape_and_is_the_saved_file() {
    let dir = tempfile::tempdir().unwrap();
    let json = quick_probe(dir.path(), "probe-test");
    let report: ReportV1 = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}\n{json}"));
    assert_eq!(report.schema_version, 1);
    assert_eq!(report.hostname, "probe-test");
    assert_eq!(report.tool.name, "llmcap");
    assert!(report.system.ram_available_gb <= report.system.ram_gb);
    assert!(report.system.cpu_count >= 1);
    assert!(report.benchmark.gflops.unwrap() > 0.0);
    assert_eq!(report.benchmark.status, "success");
    assert_eq!(report.embedding.status, "skip");
    // llmcap's assessment: a verdict per phase, in the guide's order, with its reason.
    let judged: Vec<(&str, &str)> = report
        .llmcap_assessment
        .phases
        .iter()
        .map(|p| (p.phase.as_str(), p.verdict.as_str()))
        .collect();
    assert_eq!(
        judged.iter().map(|(p, _)| *p).collect::<Vec<_>>(),
        ["prerequisites", "e0_e1", "e2_full", "e2_quantized"]
    );
    for (_, verdict) in &judged {
        assert!(
            ["ready", "slow", "does_not_fit"].contains(verdict),
            "{judged:?}"
        );
    }
    assert_eq!(report.llmcap_assessment.methods.len(), 3);
    // The CPU's row: the measured bandwidth, and a predicted speed at every level.
    let cpu = &report.performance.devices[0];
    assert_eq!(cpu.kind, "cpu");
    assert!(cpu.bandwidth_gb_s.is_some_and(|b| b > 0.0), "{cpu:?}");
    assert_eq!(cpu.bandwidth_source.as_deref(), Some("measured"));
    let levels: Vec<&str> = cpu.speeds.iter().map(|s| s.level.as_str()).collect();
    assert_eq!(levels, ["fp16", "q8", "q4", "q4", "q3"]);
    assert!(
        cpu.speeds
            .iter()
            .all(|s| s.source == "predicted" && s.generation_tok_s.is_some_and(|t| t > 0.0)),
        "{cpu:?}"
    );
    // Each says what bounds it: the bandwidth, or the compute the probe measured.
    assert!(
        cpu.speeds
            .iter()
            .all(|s| matches!(s.bound.as_deref(), Some("memory" | "compute"))),
        "{cpu:?}"
    );
    // Every level has a prompt speed: F16's from the f16 figure, the others' from int8.
    assert!(
        cpu.speeds
            .iter()
            .all(|s| s.prompt_tok_s.is_some_and(|t| t > 0.0)),
        "{cpu:?}"
    );
    let compute = &report.performance.compute;
    assert!(
        compute.int8_gops > 0.0 && compute.int8_rounds >= 3,
        "{compute:?}"
    );
    let kernels = ["avx512-vnni", "avx-vnni", "avx2", "dotprod", "portable"];
    assert!(
        kernels.contains(&compute.int8_kernel.as_str()),
        "{compute:?}"
    );
    assert!(
        compute.f16_gflops > 0.0 && compute.f16_rounds >= 3,
        "{compute:?}"
    );
    assert!(
        ["avx512", "avx2", "portable"].contains(&compute.f16_kernel.as_str()),
        "{compute:?}"
    );
    for phase in ["prerequisites", "e0_e1", "e2_full", "e2_quantized"] {
        assert!(!report.checks[phase].is_empty(), "{phase}");
    }
    // The guide's values are rounded to two decimals, as its script does.
    for value in [
        report.system.ram_gb,
        report.system.ram_available_gb,
        report.system.disk_free_gb,
    ] {
        assert_eq!((value * 100.0).round() / 100.0, value);
    }
    let saved =
        std::fs::read_to_string(dir.path().join("capability_report_probe-test.json")).unwrap();
    assert_eq!(saved, json);
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary files left behind"
    );
}

#[test]
fn readable_output_says_what_to_install() {
    let dir = tempfile::tempdir().unwrap();
    let output = llmcap(&[
        "probe",
        "--skip-embedding",
        "--skip-benchmark",
        "--quiet",
        "--hostname",
        "h",
        "-o",
        dir.path().to_str().unwrap(),
    ]);
    let text = stdout(&output);
    assert!(text.contains("Experiment capabilities"), "{text}");
    assert!(text.contains("What to install"), "{text}");
    assert!(text.contains("Report saved to:"), "{text}");
    assert!(text.contains("not run (--skip-benchmark)"), "{text}");
    assert!(stderr(&output).is_empty(), "--quiet: {}", stderr(&output));
    // The last line links to the page with the saved report in the fragment.
    let last = text.lines().last().unwrap();
    let fragment = last
        .strip_prefix("Add it to the page's fleet: https://llmcap.github.io/llmcap/#")
        .unwrap_or_else(|| panic!("{last}"));
    let saved = std::fs::read(dir.path().join("capability_report_h.json")).unwrap();
    assert_eq!(llmcap_core::link::decode(fragment).unwrap(), saved);
}

#[test]
fn progress_goes_to_stderr_unless_quiet() {
    let output = llmcap(&[
        "probe",
        "--skip-embedding",
        "--skip-benchmark",
        "--no-save",
        "--json",
    ]);
    assert!(stderr(&output).contains("[1/2]"), "{}", stderr(&output));
    let _: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
}

#[test]
fn a_hostname_cannot_escape_the_output_folder() {
    let output = llmcap(&[
        "probe",
        "--skip-embedding",
        "--skip-benchmark",
        "--hostname",
        "../evil",
        "-o",
        "/tmp",
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--hostname"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn the_longest_host_names_get_distinct_report_files() {
    let dir = tempfile::tempdir().unwrap();
    for last in ["a", "b"] {
        let host = format!("{}{last}", "h".repeat(252));
        let output = llmcap(&[
            "probe",
            "--skip-embedding",
            "--skip-benchmark",
            "--quiet",
            "--hostname",
            &host,
            "-o",
            dir.path().to_str().unwrap(),
        ]);
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            stderr(&output)
        );
    }
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 2, "{names:?}");
    assert!(names.iter().all(|n| n.len() <= 243), "{names:?}");
}

#[test]
fn an_unwritable_output_folder_is_exit_code_2() {
    let output = llmcap(&[
        "probe",
        "--skip-embedding",
        "--skip-benchmark",
        "-q",
        "-o",
        "/proc/llmcap-cannot-write",
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).starts_with("error: "),
        "{}",
        stderr(&output)
    );
}

#[test]
fn version_names_the_target() {
    let text = stdout(&llmcap(&["--version"]));
    assert!(text.starts_with("llmcap "), "{text}");
    assert!(text.contains(std::env::consts::ARCH), "{text}");
}

#[test]
fn help_documents_exit_codes() {
    let text = stdout(&llmcap(&["probe", "--help"]));
    assert!(text.contains("Exit codes"), "{text}");
}

#[test]
fn a_hub_that_never_answers_is_bounded_by_the_download_timeout() {
    // Accepts connections (the kernel queues them) and never answers.
    let silent = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = silent.local_addr().unwrap().port();
    let home = tempfile::tempdir().unwrap();
    let started = std::time::Instant::now();
    let output = std::process::Command::new(crate::common::llmcap_bin())
        .args([
            "probe",
            "--skip-benchmark",
            "--no-save",
            "--quiet",
            "--json",
        ])
        .args(["--download-timeout", "2"])
        .env("HF_ENDPOINT", format!("http://127.0.0.1:{port}"))
        .env("HF_HUB_CACHE", home.path().join("hub"))
        .env("HOME", home.path())
        .env_remove("HF_HOME")
        .env_remove("HF_HUB_OFFLINE")
        .env_remove("LLMCAP_MODEL_DIR")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let report: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
    let embedding = &report["embedding"];
    assert_eq!(embedding["status"], "skip", "{embedding}");
    let reason = embedding["reason"].as_str().unwrap();
    assert!(reason.contains("did not finish within 2"), "{reason}");
    assert!(
        elapsed < std::time::Duration::from_secs(60),
        "bounded by the flag: {elapsed:?}"
    );
    drop(silent);
}

/// A tool that exits but leaves a grandchild holding its output pipe (`setsid sleep 120 &`)
/// must not stall the probe past `--tool-timeout`, and what it printed is kept.
#[cfg(target_os = "linux")]
#[test]
fn a_tool_whose_grandchild_holds_its_output_is_read_within_the_timeout() {
    use std::os::unix::fs::PermissionsExt;
    let bin = tempfile::tempdir().unwrap();
    let pid_file = bin.path().join("sleeper.pid");
    let script = bin.path().join("nvidia-smi");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\necho 'NVIDIA Lingering GPU, 24576, 24000, 550.1'\n\
             setsid sleep 120 &\necho $! > '{}'\n",
            pid_file.display()
        ),
    )
    .unwrap();
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!(
        "{}:{}",
        bin.path().display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let started = std::time::Instant::now();
    let output = std::process::Command::new(crate::common::llmcap_bin())
        .args(["probe", "--skip-embedding", "--skip-benchmark", "--no-save"])
        .args(["--quiet", "--json", "--tool-timeout", "3"])
        .env("PATH", path)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    if let Ok(pid) = std::fs::read_to_string(&pid_file) {
        let _ = std::process::Command::new("kill")
            .args(["-9", pid.trim()])
            .status();
    }
    let report: serde_json::Value = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", stderr(&output)));
    let gpus = report["system"]["gpus"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    if gpus.iter().any(|g| g["source"] == "nvml") {
        eprintln!("skipped: NVML answers on this machine, so nvidia-smi is not asked");
        return;
    }
    assert!(
        gpus.iter().any(|g| g["name"] == "NVIDIA Lingering GPU"),
        "the GPU the tool printed is kept: {gpus:?} {}",
        report["warnings"]
    );
    assert!(
        elapsed < std::time::Duration::from_secs(5),
        "bounded by --tool-timeout 3: {elapsed:?}"
    );
}
