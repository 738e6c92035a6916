use super::report::{Bound, OllamaSpeed};
use super::*;

const GIB: u64 = 1 << 30;

/// Compute figures of `giga_ops` each, f32, f16 and int8.
fn figures(giga_ops: f64) -> Compute {
    Compute {
        f32_gflops: Some(giga_ops),
        f16_gflops: Some(giga_ops),
        int8_gops: Some(giga_ops),
        ..Compute::default()
    }
}

#[test]
fn the_cpu_row_predicts_every_level_from_measured_figures() {
    let cpu = cpu_device(Some(21.4), &figures(90.0), 512);
    assert_eq!(cpu.bandwidth_source, Some(Source::Measured));
    let levels: Vec<(&str, &str)> = cpu
        .speeds
        .iter()
        .map(|s| (s.level.as_str(), s.gguf.as_str()))
        .collect();
    assert_eq!(
        levels,
        [
            ("fp16", "F16"),
            ("q8", "Q8_0"),
            ("q4", "Q4_0"),
            ("q4", "Q4_K_M"),
            ("q3", "Q3_K_M")
        ]
    );
    for speed in &cpu.speeds {
        assert_eq!(speed.source, Some(Source::Predicted));
        assert!(speed.generation_tok_s.unwrap() > 0.0, "{speed:?}");
        assert!(speed.prompt_tok_s.unwrap() > 0.0, "{speed:?}");
    }
    // Without measurements, no speeds, and no claim of a source for the bandwidth.
    let blind = cpu_device(None, &figures(f64::NAN), 512);
    assert_eq!(blind.bandwidth_source, None);
    assert!(blind.speeds.iter().all(|s| s.generation_tok_s.is_none()));
    assert!(blind.speeds.iter().all(|s| s.prompt_tok_s.is_none()));
}

#[test]
fn gpu_bandwidth_prefers_sane_nvml_readings_then_the_table() {
    let (nvml, warnings) = gpu_bandwidth("NVIDIA H200", Some((3201, 6144)));
    let (peak, source) = nvml.unwrap();
    assert_eq!(source, Source::Nvml);
    assert!((4800.0..=4950.0).contains(&peak), "{peak}");
    assert!(warnings.is_empty());

    let (table, warnings) = gpu_bandwidth("NVIDIA H200", Some((3201, 0)));
    assert_eq!(table, Some((4800.0, Source::Table)));
    assert!(warnings[0].contains("0-bit"), "{warnings:?}");

    let (unknown, warnings) = gpu_bandwidth("Mystery Accelerator", None);
    assert_eq!(unknown, None);
    assert!(warnings.is_empty());
}

#[test]
fn the_captured_h200_has_its_published_bandwidth() {
    // The name nvidia-smi printed on the H200 machine (tests/fixtures/tools/nvidia-smi-h200.txt).
    let capture = include_str!("../../../tests/fixtures/tools/nvidia-smi-h200.txt");
    let name = capture
        .lines()
        .find_map(|line| line.split(',').next().filter(|n| n.contains("H200")))
        .unwrap();
    let (bandwidth, _) = gpu_bandwidth(name.trim(), None);
    let (peak, source) = bandwidth.unwrap();
    assert!((4800.0..=4900.0).contains(&peak), "{peak}");
    assert_eq!(source, Source::Table);
    let h200 = gpu_device(
        name.trim(),
        bandwidth,
        Some(143_771 * 1024 * 1024),
        Some(40.0),
        512,
    );
    assert!(h200.speeds.iter().all(|s| s.offloaded == Some(1.0)));
}

#[test]
fn a_gpu_that_is_too_small_splits_and_says_so() {
    let small = gpu_device(
        "NVIDIA GeForce RTX 3050",
        Some((224.0, Source::Table)),
        Some(4 * GIB),
        Some(20.0),
        512,
    );
    let fp16 = &small.speeds[0];
    assert!(fp16.offloaded.unwrap() < 0.5, "{fp16:?}");
    let q3 = small.speeds.last().unwrap();
    assert_eq!(q3.offloaded, Some(1.0));
    assert!(q3.generation_tok_s.unwrap() > fp16.generation_tok_s.unwrap());
    // Unknown memory or bandwidth: no speeds.
    let unknown = gpu_device(
        "NVIDIA GeForce RTX 3050",
        None,
        Some(4 * GIB),
        Some(20.0),
        512,
    );
    assert!(unknown.speeds.iter().all(|s| s.generation_tok_s.is_none()));
}

#[test]
fn summary_names_each_figures_source() {
    let performance = Performance {
        devices: vec![
            cpu_device(Some(21.4), &figures(50.0), 512),
            gpu_device(
                "NVIDIA GeForce RTX 4090",
                Some((1008.096, Source::Nvml)),
                Some(24 * GIB),
                Some(21.4),
                512,
            ),
        ],
        ..Default::default()
    };
    let lines = summary(&performance);
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert!(lines.iter().all(|l| l.label == "Phi-3-mini"), "{lines:?}");
    let (cpu, gpu) = (&lines[0].value, &lines[1].value);
    assert!(cpu.starts_with("≈ "), "{cpu}");
    assert!(
        cpu.contains("tok/s at 4-bit on the CPU, prompt ≈ "),
        "{cpu}"
    );
    // 50 GOP/s caps generation below what 21.4 GB/s allows.
    assert!(
        cpu.ends_with("(predicted from 21.4 GB/s, measured, capped by compute)"),
        "{cpu}"
    );
    // With compute to spare the bandwidth binds, and the line says only that.
    let fast = summary(&Performance {
        devices: vec![cpu_device(Some(21.4), &figures(5000.0), 512)],
        ..Default::default()
    });
    assert!(
        fast[0]
            .value
            .ends_with("(predicted from 21.4 GB/s, measured)"),
        "{fast:?}"
    );
    assert!(
        gpu.contains("at 4-bit on the NVIDIA GeForce RTX 4090 (predicted from 1010 GB/s, NVML)"),
        "{gpu}"
    );
}

#[test]
fn each_row_records_its_bound() {
    let bounds = |device: &DeviceSpeed| -> Vec<Option<Bound>> {
        device.speeds.iter().map(|s| s.bound).collect()
    };
    let every = |bound| vec![bound; LEVEL_TYPES.iter().map(|(_, t)| t.len()).sum()];
    // 10 f32 GFLOP/s on 21.4 GB/s: compute binds every level; 5000 leaves the bandwidth.
    assert_eq!(
        bounds(&cpu_device(Some(21.4), &figures(10.0), 512)),
        every(Some(Bound::Compute))
    );
    assert_eq!(
        bounds(&cpu_device(Some(21.4), &figures(5000.0), 512)),
        every(Some(Bound::Memory))
    );
    // No bandwidth, no generation speed, no bound; a GPU's is its memory.
    assert_eq!(bounds(&cpu_device(None, &figures(90.0), 512)), every(None));
    let gpu = gpu_device(
        "NVIDIA H200",
        Some((4800.0, Source::Table)),
        Some(140 * GIB),
        None,
        512,
    );
    assert_eq!(bounds(&gpu), every(Some(Bound::Memory)));
}

#[test]
fn the_line_says_capped_only_when_the_row_says_compute() {
    // A bandwidth-bound row whose speeds happen to sit at the compute ceiling's ratio.
    let mut cpu = cpu_device(Some(21.4), &figures(5000.0), 512);
    for speed in &mut cpu.speeds {
        speed.generation_tok_s = Some(30.0);
        speed.prompt_tok_s = Some(100.0);
    }
    let line = |device: &DeviceSpeed| {
        summary(&Performance {
            devices: vec![device.clone()],
            ..Default::default()
        })[0]
            .value
            .clone()
    };
    assert!(line(&cpu).ends_with("measured)"), "{}", line(&cpu));
    for speed in &mut cpu.speeds {
        speed.bound = Some(Bound::Compute);
    }
    assert!(line(&cpu).ends_with("capped by compute)"), "{}", line(&cpu));
}

#[test]
fn summary_reports_ollama_measurements_and_failures() {
    let measured = Performance {
        ollama: Some(OllamaSpeed {
            measured: true,
            model: Some("phi3:mini".to_owned()),
            quantization: Some("Q4_0".to_owned()),
            generation_tok_s: Some(8.714),
            prompt_tok_s: Some(31.25),
            ..Default::default()
        }),
        ..Default::default()
    };
    let values = |p: &Performance| -> Vec<String> {
        summary(p)
            .into_iter()
            .map(|l| format!("{}: {}", l.label, l.value))
            .collect()
    };
    assert_eq!(
        values(&measured),
        [
            "Ollama speed test: phi3:mini (Q4_0): 8.71 tok/s generation, 31.3 tok/s prompt (measured by Ollama)"
        ]
    );
    let failed = Performance {
        ollama: Some(OllamaSpeed {
            reason: Some("no Phi-3 model in Ollama".to_owned()),
            ..Default::default()
        }),
        ..Default::default()
    };
    assert_eq!(
        values(&failed),
        ["Ollama speed test: not measured (no Phi-3 model in Ollama)"]
    );
    assert!(summary(&Performance::default()).is_empty());
}

#[test]
fn rounding_keeps_three_significant_digits() {
    assert_eq!(round3(9.1449), 9.14);
    assert_eq!(round3(4916.7), 4920.0);
    assert_eq!(round3(0.012345), 0.0123);
    assert_eq!(show(230.4), "230");
    assert_eq!(show(21.4), "21.4");
    assert_eq!(show(9.0), "9");
}
