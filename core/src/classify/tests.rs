use super::*;
use crate::report::GpuType;
use crate::test_support::machine;

const FULL: &str = "phi-3-mini (full precision)";
const Q4: &str = "phi-3-mini (4-bit quantized)";
const GGUF: &str = "Consider using GGML/GGUF formats";
const MLX: &str = "Use MLX for optimal performance";

struct Case {
    ram: f64,
    disk: f64,
    time: f64,
    gpu: Option<GpuType>,
    /// prerequisites, e0_e1, e2_full, e2_quantized
    verdict: [bool; 4],
    recommendations: &'static [&'static str],
    slow: bool,
}

const fn case(
    ram: f64,
    disk: f64,
    verdict: [bool; 4],
    recommendations: &'static [&'static str],
) -> Case {
    Case {
        ram,
        disk,
        time: 1.0,
        gpu: None,
        verdict,
        recommendations,
        slow: false,
    }
}

/// The guide's `determine_capability` on its boundary values, worked by hand from its code.
#[test]
fn verdict_equals_the_guide_on_boundaries() {
    let cases = [
        case(2.99, 100.0, [false, false, false, false], &[]),
        case(3.0, 5.0, [true, false, false, false], &[]),
        case(3.0, 4.99, [false, false, false, false], &[]),
        case(4.99, 100.0, [true, false, false, false], &[]),
        case(5.0, 10.0, [true, true, false, false], &[]),
        case(5.0, 9.99, [true, false, false, false], &[]),
        case(6.0, 10.0, [true, true, false, true], &[Q4]),
        case(5.99, 10.0, [true, true, false, false], &[]),
        case(11.99, 100.0, [true, true, false, true], &[Q4]),
        case(12.0, 15.0, [true, true, true, false], &[FULL]),
        case(12.0, 14.99, [true, true, false, true], &[Q4]),
        case(100.0, 15.0, [true, true, true, false], &[FULL]),
        case(0.0, 0.0, [false, false, false, false], &[]),
        Case {
            time: 10.0,
            ..case(22.2, 70.82, [true, true, true, false], &[FULL])
        },
        Case {
            time: 10.01,
            slow: true,
            ..case(22.2, 70.82, [true, true, true, false], &[FULL])
        },
        Case {
            gpu: Some(GpuType::Nvidia),
            ..case(125.37, 63.98, [true, true, true, false], &[FULL, GGUF])
        },
        Case {
            gpu: Some(GpuType::AppleSilicon),
            ..case(6.0, 10.0, [true, true, false, true], &[Q4, MLX])
        },
        Case {
            gpu: Some(GpuType::Nvidia),
            ..case(2.0, 1.0, [false, false, false, false], &[GGUF])
        },
        Case {
            gpu: Some(GpuType::Amd),
            ..case(12.0, 15.0, [true, true, true, false], &[FULL])
        },
    ];
    for c in cases {
        let got = classify(&machine(c.ram, c.disk, Some(c.time), c.gpu.clone())).capabilities;
        let label = format!(
            "ram {} disk {} time {} gpu {:?}",
            c.ram, c.disk, c.time, c.gpu
        );
        assert_eq!(
            [got.prerequisites, got.e0_e1, got.e2_full, got.e2_quantized],
            c.verdict,
            "{label}"
        );
        assert_eq!(got.model_recommendations, c.recommendations, "{label}");
        assert_eq!(
            got.notes.as_deref(),
            c.slow.then_some(SLOW_CPU_NOTE),
            "{label}"
        );
    }
}

#[test]
fn no_slow_cpu_note_without_a_benchmark() {
    let got = classify(&machine(22.0, 70.0, None, None));
    assert_eq!(got.capabilities.notes, None);
}

#[test]
fn every_verdict_explains_itself() {
    let got = classify(&machine(5.5, 12.0, Some(1.0), None));
    for phase in Phase::ALL {
        let checks = &got.checks[&phase];
        let verdict_checks: Vec<&Check> = checks
            .iter()
            .filter(|c| c.level == Level::Verdict)
            .collect();
        assert!(!verdict_checks.is_empty(), "{phase}");
        // A phase is granted exactly when all its verdict checks pass.
        assert_eq!(
            verdict_checks.iter().all(|c| c.pass),
            got.grants(phase),
            "{phase}"
        );
    }
    let e0 = &got.checks[&Phase::E0E1][0];
    assert_eq!(
        (
            e0.requirement.as_str(),
            e0.required.as_str(),
            e0.actual.as_str()
        ),
        ("available RAM", "≥ 5 GB", "5.5 GB")
    );
}

#[test]
fn guide_tables_warn_but_never_change_the_verdict() {
    // 5 GB available passes the verdict's E0-E1 rule, but the guide's table wants 6 GB RAM
    // and 2 cores; this machine has 5.5 GB in all and 1 core.
    let mut m = machine(5.0, 12.0, Some(1.0), None);
    m.system.ram_gb = 5.5;
    m.system.cpu_count = 1;
    m.system.cpu_count_physical = Some(1);
    let got = classify(&m);
    assert!(got.capabilities.e0_e1);
    assert!(
        got.warnings
            .iter()
            .any(|w| w.contains("E0-E1") && w.contains("RAM") && w.contains("6 GB")),
        "{:?}",
        got.warnings
    );
    assert!(
        got.warnings.iter().any(|w| w.contains("CPU cores")),
        "{:?}",
        got.warnings
    );
}

#[test]
fn recommended_values_warn_once_per_metric_and_phase() {
    // E2 at full precision, on 2 cores and 25 GB of free disk: under the guide's minimum
    // cores (4) and its recommended disk (30 GB) for E2.
    let mut m = machine(20.0, 25.0, Some(1.0), None);
    m.system.ram_gb = 32.0;
    m.system.cpu_count = 2;
    m.system.cpu_count_physical = Some(2);
    let got = classify(&m);
    assert!(got.capabilities.e2_full);
    let e2: Vec<&String> = got
        .warnings
        .iter()
        .filter(|w| w.starts_with("E2 (Fine-tuning - Full)"))
        .collect();
    assert!(
        e2.iter()
            .any(|w| w.contains("recommended free disk") && w.contains("30 GB")),
        "{e2:?}"
    );
    let cores: Vec<_> = e2.iter().filter(|w| w.contains("cores")).collect();
    assert_eq!(cores.len(), 1, "the minimum's warning only: {e2:?}");
    assert!(cores[0].contains("minimum"), "{cores:?}");
}

#[test]
fn overrides_replace_measured_values() {
    let m = machine(4.0, 8.0, Some(1.0), None);
    assert!(!classify(&m).capabilities.e0_e1);
    let what_if = m.with_overrides(&Overrides {
        ram_available_gb: Some(16.0),
        disk_free_gb: Some(40.0),
        gpu_vram_gb: None,
    });
    let got = classify(&what_if).capabilities;
    assert!(got.e2_full);
    assert_eq!(what_if.system.ram_available_gb, 16.0);
}

#[test]
fn a_what_if_gpu_is_added_and_removed() {
    let m = machine(22.0, 70.0, Some(1.0), None);
    let with_gpu = m.with_overrides(&Overrides {
        gpu_vram_gb: Some(24.0),
        ..Default::default()
    });
    assert_eq!(with_gpu.system.largest_vram_gb(), Some(24.0));
    assert_eq!(with_gpu.system.gpu_type, Some(GpuType::Nvidia));
    assert!(
        classify(&with_gpu)
            .capabilities
            .model_recommendations
            .contains(&GGUF.to_owned())
    );
    let without = with_gpu.with_overrides(&Overrides {
        gpu_vram_gb: Some(0.0),
        ..Default::default()
    });
    assert_eq!(without.system.largest_vram_gb(), None);
    assert_eq!(without.system.gpu_type, None);
}
