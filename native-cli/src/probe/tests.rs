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
        embedding: Embedding::skipped("test"),
        time: (t, t),
    }
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
