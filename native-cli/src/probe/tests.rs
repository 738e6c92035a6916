use super::*;
use crate::probe::gpu::GpuFacts;
use crate::probe::system::{CgroupMemory, DiskFacts, HostFacts};
use llmcap_core::report::GpuType;

const GIB: u64 = 1024 * 1024 * 1024;

fn measurements() -> Measurements {
    let t = DateTime::parse_local("2026-11-27 03:04:16").unwrap();
    Measurements {
        host: HostFacts {
            cpu_count: 2,
            cpu_count_physical: Some(2),
            cpu_brand: Some("AMD EPYC 7B13".into()),
            ram_total_bytes: 24 * GIB,
            ram_available_bytes: 22 * GIB,
            cgroup: None,
            architecture: "x86_64".into(),
            os: Some("Debian GNU/Linux 12".into()),
            kernel: Some("6.1".into()),
            hostname: Some("vm".into()),
        },
        disk: Ok(DiskFacts {
            free_bytes: 70 * GIB,
            mount: "/".into(),
            path: "/work".into(),
        }),
        gpu: GpuFacts::default(),
        ollama: (Ollama::default(), Vec::new()),
        python_version: Some("3.11.7".into()),
        benchmark: Some(Benchmark {
            matrix_mult_time: Some(14.77),
            status: llmcap_core::report::BenchmarkStatus::Success,
            ..Default::default()
        }),
        speed: None,
        llm_test: None,
        embedding: Embedding::skipped("test"),
        time: (t, t),
    }
}

fn measured_speed(triad_gb_s: f64) -> Option<(MemoryBandwidth, Compute)> {
    use llmcap_core::speed::report::Source;
    let memory = MemoryBandwidth {
        triad_all_cores_gb_s: Some(triad_gb_s),
        threads: Some(2),
        source: Some(Source::Measured),
        ..Default::default()
    };
    let compute = Compute {
        f32_gflops: Some(90.0),
        int8_gops: Some(130.0),
        f16_gflops: Some(120.0),
        source: Some(Source::Measured),
        ..Default::default()
    };
    Some((memory, compute))
}

#[test]
fn the_report_carries_speeds_predicted_from_the_measurements_and_reads_back() {
    let mut m = measurements();
    m.speed = measured_speed(24.0);
    let report = assemble(m, None);
    let section = report
        .machine
        .performance
        .as_ref()
        .expect("a performance section");
    let cpu = &section.devices[0];
    assert_eq!(cpu.bandwidth_gb_s, Some(24.0));
    let q4 = cpu.speeds.iter().find(|s| s.gguf == "Q4_K_M").unwrap();
    assert!(
        q4.generation_tok_s.is_some_and(|t| t > 0.5 && t < 20.0),
        "{q4:?}"
    );
    assert!(q4.prompt_tok_s.is_some());
    let json = serde_json::to_string(&report).unwrap();
    let back = llmcap_core::report::parse_report("r.json", json.as_bytes()).unwrap();
    assert_eq!(back.machine.performance, report.machine.performance);
}

#[test]
fn a_broken_measurement_leaves_the_speeds_out_with_a_warning_not_a_bad_report() {
    let mut m = measurements();
    m.speed = measured_speed(1e15);
    let report = assemble(m, None);
    assert_eq!(report.machine.performance, None);
    assert!(
        report.warnings.iter().any(
            |w| w.contains("speed figures were left out") && w.contains("triad_all_cores_gb_s")
        ),
        "{:?}",
        report.warnings
    );
    let json = serde_json::to_string(&report).unwrap();
    llmcap_core::report::parse_report("r.json", json.as_bytes()).unwrap();
}

#[test]
fn without_measurements_the_section_still_has_a_cpu_row_of_unknown_speeds() {
    let report = assemble(measurements(), None);
    let section = report.machine.performance.unwrap();
    assert_eq!(section.memory_bandwidth, None);
    assert!(
        section.devices[0]
            .speeds
            .iter()
            .all(|s| s.generation_tok_s.is_none())
    );
}

#[test]
fn a_container_limit_bounds_available_ram_and_both_are_recorded() {
    let mut m = measurements();
    m.host.cgroup = Some(CgroupMemory {
        limit_bytes: 2 * GIB,
        free_bytes: GIB + GIB / 2,
    });
    let report = assemble(m, None);
    let s = &report.machine.system;
    assert_eq!(s.ram_available_gb, 1.5);
    assert_eq!(s.ram_available_host_gb, Some(22.0));
    assert_eq!(s.memory_limit_gb, Some(2.0));
    assert_eq!(s.ram_gb, 24.0);
    // 1.5 GB available is below the guide's 3 GB for the prerequisites.
    assert!(!report.capabilities.prerequisites);
}

#[test]
fn no_limit_means_no_extra_fields() {
    let report = assemble(measurements(), None);
    assert_eq!(report.machine.system.ram_available_gb, 22.0);
    assert_eq!(report.machine.system.ram_available_host_gb, None);
    assert_eq!(report.machine.system.memory_limit_gb, None);
}

#[test]
fn verdict_is_the_guides_on_the_rounded_facts() {
    let mut m = measurements();
    m.gpu = GpuFacts {
        gpu_type: Some(GpuType::Nvidia),
        guide_string: Some("NVIDIA H200, 143771 MiB".into()),
        ..Default::default()
    };
    let report = assemble(m, None);
    let c = &report.capabilities;
    assert!(c.prerequisites && c.e0_e1 && c.e2_full && !c.e2_quantized);
    assert_eq!(
        c.model_recommendations,
        [
            "phi-3-mini (full precision)",
            "Consider using GGML/GGUF formats"
        ]
    );
    assert_eq!(
        c.notes.as_deref(),
        Some("Slow CPU - expect longer runtimes")
    );
    assert_eq!(report.schema_version, Some(SCHEMA_VERSION));
    assert_eq!(
        report.tool.as_ref().unwrap().target.as_deref(),
        Some(crate::TARGET)
    );
}

#[test]
fn unsafe_host_names_are_cleaned_and_said() {
    for (raw, clean) in [
        (Some("my laptop"), "my-laptop"),
        (Some("../../etc"), "-.-etc"),
        (Some(".hidden"), "hidden"),
        (Some("a/b\\c"), "a-b-c"),
        (Some(""), "unknown-host"),
        (None, "unknown-host"),
        (Some("ok-name"), "ok-name"),
    ] {
        let (name, changed) = safe_hostname(raw);
        assert_eq!(name.as_str(), clean, "{raw:?}");
        assert_eq!(changed, raw != Some("ok-name"), "{raw:?}");
    }
    let mut m = measurements();
    m.host.hostname = Some("bad/name".into());
    let report = assemble(m, None);
    assert_eq!(report.hostname.as_str(), "bad-name");
    assert!(
        report.warnings.iter().any(|w| w.contains("bad/name")),
        "{:?}",
        report.warnings
    );
}

#[test]
fn an_unmeasurable_disk_is_a_warning_and_counts_as_none() {
    let mut m = measurements();
    m.disk = Err("no mounted file system holds /x".into());
    let report = assemble(m, None);
    assert_eq!(report.machine.system.disk_free_gb, 0.0);
    assert!(!report.capabilities.prerequisites);
    assert!(report.warnings[0].contains("could not measure free disk"));
}

#[test]
fn tool_warnings_reach_the_report() {
    let mut m = measurements();
    m.gpu
        .warnings
        .push("`nvidia-smi` did not answer within 5 s and was stopped".into());
    m.ollama
        .1
        .push("Ollama is installed but its server did not answer".into());
    let report = assemble(m, None);
    assert_eq!(report.warnings.len(), 2);
}

#[test]
fn a_skipped_benchmark_writes_nulls_not_zeros() {
    let mut m = measurements();
    m.benchmark = None;
    let report = assemble(m, None);
    assert_eq!(report.machine.benchmark.matrix_mult_time, None);
    assert_eq!(report.capabilities.notes, None);
}
