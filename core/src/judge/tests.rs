//! The memory model against published figures, each case citing its source, and the
//! verdicts on real reports.

use super::*;
use crate::recommend::{Settings, recommend};
use crate::report::parse_report;

const EPYC: &str = include_str!("../../../tests/fixtures/seed-reports/epyc-2core.json");
const H200: &str = include_str!("../../../www/examples/capability_report_gpu-h200.json");
const MAC: &str = include_str!("../../../www/examples/capability_report_mac-m2.json");

const GB: f64 = 1e9;

fn judged(json: &str) -> Judgement {
    let report = parse_report("r.json", json.as_bytes()).unwrap();
    let rec = recommend(&report.machine, &Settings::default());
    let grants = Phase::ALL.map(|p| report.capabilities.grants(p));
    judge(&report.machine, &rec, grants, DEFAULT_CONTEXT_TOKENS)
}

#[test]
fn the_memory_model_matches_published_figures() {
    let n = PHI3_MINI.parameters() as f64;
    // (what, llmcap's figure in bytes, the published one, tolerance, source)
    let cases = [
        (
            "Adam in fp32/mixed precision, weights and states, before activations",
            FULL_BYTES_PER_PARAMETER * n,
            // accelerate's `estimate-memory` (src/accelerate/commands/estimate.py):
            // training with Adam in float32 is 4 × the fp32 model, 16 bytes a parameter;
            // the issue quotes "some 61 GB for 3.8 B parameters".
            61.1 * GB,
            0.01,
        ),
        (
            "QLoRA at batch 1 on a GPU",
            training_bytes(Method::Qlora, 1, true),
            // Unsloth's requirements table ("absolute minimum"): 3B 3.5 GB, 7B 5 GB;
            // linear between them at 3.82 B: 3.8 GB.
            3.8 * GB,
            0.3,
        ),
        (
            "LoRA (16-bit) at batch 1 on a GPU",
            training_bytes(Method::Lora, 1, true),
            // Unsloth's table: 3B 8 GB, 7B 19 GB; at 3.82 B: 10.3 GB.
            10.3 * GB,
            0.3,
        ),
        (
            "f16 KV cache at 4k context",
            (PHI3_MINI.kv_bytes_per_token() * 4096) as f64,
            // llama.cpp issue #6849: "KV self size = 49248.00 MiB" for Phi-3-mini-128k at
            // n_ctx 131328, 384 KiB a token; at 4096 tokens 1536 MiB.
            1536.0 * 1024.0 * 1024.0,
            0.0,
        ),
        (
            "QLoRA's 4-bit base of a 65B model",
            QLORA_BASE_BYTES_PER_PARAMETER * 65e9,
            // The QLoRA paper fits a 65B model on one 48 GB GPU; its 4-bit base with
            // double quantization takes (4 + 0.127) / 8 bytes a parameter, 33.5 GB.
            33.5 * GB,
            0.01,
        ),
    ];
    for (what, ours, published, tolerance) in cases {
        let ratio = ours / published;
        assert!(
            (1.0 - tolerance..=1.0 + tolerance).contains(&ratio),
            "{what}: {ours:.3e} against {published:.3e} ({ratio:.3})"
        );
    }
}

#[test]
fn training_time_on_a_cpu_follows_six_n_and_four_n() {
    // 6 × 3.82e9 × 1e6 FLOPs at 0.4 × 100 GFLOP/s is 5.73e5 s, 159 h; LoRA two thirds.
    let full = training_hours_per_million(Method::Full, 100.0).unwrap();
    let lora = training_hours_per_million(Method::Lora, 100.0).unwrap();
    assert!((158.0..161.0).contains(&full), "{full}");
    assert!((lora / full - 2.0 / 3.0).abs() < 1e-9);
    assert_eq!(training_hours_per_million(Method::Full, 0.0), None);
}

#[test]
fn the_two_core_machine_is_told_what_full_precision_really_means() {
    let j = judged(EPYC);
    let e2 = &j.phases[2];
    assert_eq!(e2.phase, Phase::E2Full);
    assert_eq!(e2.verdict, Verdict::Slow, "{e2:?}");
    assert!(e2.why.contains("LoRA on the CPU"), "{}", e2.why);
    assert!(
        e2.why.contains("h per million training tokens"),
        "{}",
        e2.why
    );
    let lines = j.disagreements.join("\n");
    assert!(
        lines.contains(
            "The guide grants E2 (Fine-tuning - Full) (its rule of 12 GB available RAM and 15 GB free disk)"
        ),
        "{lines}"
    );
    // A guide report measured only f64: the hours say they are estimated from it.
    assert!(
        e2.why.contains("(estimated from the f64 benchmark)"),
        "{}",
        e2.why
    );
    assert!(
        lines.contains("chosen by RAM alone: this machine has no GPU"),
        "{lines}"
    );
    // Full fine-tuning's 61 GB does not fit in its 22 GB.
    assert_eq!(j.methods[0].verdict, Verdict::DoesNotFit);
}

#[test]
fn the_h200_is_ready_for_everything_on_its_gpu() {
    let j = judged(H200);
    for phase in &j.phases {
        assert_eq!(phase.verdict, Verdict::Ready, "{phase:?}");
    }
    let fit = j.inference.unwrap();
    assert_eq!((fit.device.as_str(), fit.level), ("NVIDIA H200", "fp16"));
    assert!(j.methods.iter().all(|m| m.kind == Some(DeviceKind::Cuda)));
    assert!(j.disagreements.is_empty(), "{:?}", j.disagreements);
}

#[test]
fn apple_silicon_fine_tunes_with_adapters_in_unified_memory() {
    let j = judged(MAC);
    let qlora = &j.methods[2];
    assert_eq!(qlora.kind, Some(DeviceKind::Apple), "{qlora:?}");
    assert_ne!(qlora.verdict, Verdict::DoesNotFit);
}

#[test]
fn amd_gpus_do_not_count_for_qlora() {
    assert!(!DeviceKind::Rocm.supports(Method::Qlora));
    assert!(DeviceKind::Rocm.supports(Method::Lora));
    assert!(DeviceKind::Cpu.supports(Method::Qlora));
}

#[test]
fn a_gpu_trains_at_its_published_peak_and_says_so() {
    let j = judged(H200);
    let lora = &j.methods[1];
    // 4 × 3.82e9 × 1e6 FLOPs at 0.4 × 989.4 TFLOP/s: 38.6 s.
    let hours = lora.hours_per_million_tokens.unwrap();
    assert!((0.0105..0.0110).contains(&hours), "{hours}");
    assert_eq!(lora.compute, Some(ComputeBasis::Table));
    let why = fit_reason(lora);
    assert!(
        why.contains("(from the GPU's published 16-bit peak)"),
        "{why}"
    );
    assert!(
        why.starts_with("LoRA on the NVIDIA H200 fits at batch 4"),
        "{why}"
    );
}

#[test]
fn a_gpu_without_a_compute_figure_ranks_after_one_with() {
    let fit = |hours: Option<f64>| MethodFit {
        method: Method::Lora,
        verdict: Verdict::Ready,
        device: Some("GPU".to_owned()),
        kind: Some(DeviceKind::Cuda),
        batch_size: 4,
        needs_gib: 10.0,
        has_gib: 24.0,
        hours_per_million_tokens: hours,
        compute: hours.map(|_| ComputeBasis::Table),
    };
    assert!(fit_order(&fit(Some(0.5))) < fit_order(&fit(None)));
    assert!(fit_order(&fit(Some(0.1))) < fit_order(&fit(Some(0.5))));
    let unknown = fit_reason(&fit(None));
    assert!(
        unknown.contains("time unknown (no published compute figure"),
        "{unknown}"
    );
}

#[test]
fn the_batch_is_lowered_until_the_method_fits() {
    let device = |total_bytes: f64| Device {
        kind: DeviceKind::Cpu,
        name: "CPU".to_owned(),
        free_bytes: total_bytes as u64,
        total_bytes: total_bytes as u64,
        gflops: None,
    };
    // Room for full fine-tuning at one sequence a step only, where the guide's rule says 4.
    let one = training_bytes(Method::Full, 1, false);
    assert!(one / GIB >= 16.0);
    assert_eq!(batch_on(Method::Full, &device(one + 1.0)), Some(1));
    let four = training_bytes(Method::Full, 4, false);
    assert_eq!(batch_on(Method::Full, &device(four)), Some(4));
    assert_eq!(batch_on(Method::Full, &device(one - 1.0)), None);
}
