use super::*;
use crate::report::{Gpu, GpuType, Ollama};
use crate::test_support::machine;

fn rec(m: &Machine) -> Recommendations {
    recommend(m, &Settings::default())
}

fn nvidia(vram_mib: u64) -> Gpu {
    Gpu {
        vendor: "nvidia".into(),
        name: "NVIDIA Test".into(),
        vram_total_mib: Some(vram_mib),
        vram_free_mib: Some(vram_mib),
        driver: None,
        unified_memory: false,
        source: None,
    }
}

#[test]
fn quant_levels_sorted_best_first_and_by_memory() {
    for pair in QUANT_LEVELS.windows(2) {
        assert!(pair[0].needs_gb() > pair[1].needs_gb(), "{pair:?}");
        assert!(pair[0].ram_range_gb.0 <= pair[0].ram_range_gb.1);
    }
}

#[test]
fn tags_are_the_guides_and_ollamas_spelling() {
    let q4 = QUANT_LEVELS.iter().find(|l| l.id == "q4").unwrap();
    assert_eq!(q4.ollama_tag, "phi3:3.8b-mini-4k-instruct-q4_0");
    let q3 = QUANT_LEVELS.iter().find(|l| l.id == "q3").unwrap();
    assert_eq!(q3.ollama_tag, "phi3:3.8b-mini-4k-instruct-q3_K_M");
}

/// A machine whose CPU is fast at every level: the guide's benchmark in 2 ms.
fn fast(ram_available_gb: f64) -> Machine {
    machine(ram_available_gb, 50.0, Some(0.002), None)
}

/// GiB the assessment needs for `level` on the CPU at the default context.
fn needs_gib(level: &str) -> f64 {
    let bytes = judge::inference_bytes(level, Settings::default().context_tokens, false).unwrap();
    bytes as f64 / (1u64 << 30) as f64
}

#[test]
fn the_level_is_the_most_precise_that_fits_by_the_assessments_memory_model() {
    for (i, level) in QUANT_LEVELS.iter().enumerate() {
        let needs = needs_gib(level.id);
        let fits = rec(&fast(needs + 0.01));
        let level_of = |r: &Recommendations| r.quantization.as_ref().map(|q| q.level.clone());
        assert_eq!(level_of(&fits).as_deref(), Some(level.id), "{needs} GiB");
        let below = rec(&fast(needs - 0.02));
        let next = QUANT_LEVELS.get(i + 1).map(|l| l.id);
        assert_eq!(level_of(&below).as_deref(), next, "{needs} GiB");
        assert_eq!(below.ollama_model.is_some(), next.is_some());
        let q = fits.quantization.unwrap();
        assert_eq!(
            (q.device.as_str(), q.memory_basis.as_str()),
            ("CPU", "available RAM")
        );
    }
}

#[test]
fn a_cpu_too_slow_for_fp16_is_not_told_to_pull_it() {
    // The guide's benchmark in 16 s, about this 2-core build machine's bandwidth: FP16 fits
    // in 22 GB but runs below the slow line.
    let m = machine(22.2, 50.0, Some(16.0), None);
    let (fp16, _) =
        crate::speed::fleet::device_speed(&m, crate::speed::fleet::On::Cpu, "fp16").unwrap();
    assert!(fp16 < judge::table::SLOW_GENERATION_TOK_S, "{fp16}");
    let got = rec(&m);
    let level = got.quantization.as_ref().unwrap().level.as_str();
    assert_eq!(level, "q8");
    assert_eq!(Some(level), judge::inference_fit(&m, 4096).map(|f| f.level));
    let pulls: Vec<&String> = got.install.iter().flat_map(|o| &o.commands).collect();
    assert!(pulls.iter().all(|c| !c.contains("fp16")), "{pulls:?}");
}

#[test]
fn a_big_gpu_lifts_the_level_and_the_batch() {
    let mut m = machine(4.0, 50.0, Some(1.0), Some(GpuType::Nvidia));
    m.system.gpus = vec![nvidia(24 * 1024)];
    let got = rec(&m);
    let q = got.quantization.unwrap();
    assert_eq!(
        (q.level.as_str(), q.memory_basis.as_str()),
        ("fp16", "GPU memory")
    );
    assert_eq!(got.batch.batch_size, 4);
    assert_eq!(got.install[0].runtime, "llama.cpp");
    assert!(got.install[0].commands[0].contains("GGML_CUDA=on"));
    let tuning = got.fine_tuning.unwrap();
    assert_eq!(
        (tuning.method, tuning.device.as_str()),
        (Method::Lora, "NVIDIA Test")
    );
    assert_eq!(tuning.commands[0], "pip install torch");
}

#[test]
fn fine_tuning_names_the_method_its_device_and_what_to_install() {
    // 8 GB of RAM: LoRA's 16-bit base does not fit, QLoRA does, on the CPU.
    let got = rec(&fast(8.0));
    let tuning = got.fine_tuning.unwrap();
    assert_eq!(
        (tuning.method, tuning.device.as_str()),
        (Method::Qlora, "CPU")
    );
    assert_eq!(
        tuning.commands,
        [
            "pip install torch --index-url https://download.pytorch.org/whl/cpu",
            "pip install transformers peft trl bitsandbytes"
        ]
    );
    assert!(
        tuning.why.starts_with("QLoRA on the CPU fits at batch 2"),
        "{}",
        tuning.why
    );
    // Too little memory for any method: no fine-tuning, and the guide's batch rule.
    let none = rec(&fast(1.0));
    assert_eq!(none.fine_tuning, None);
    assert_eq!(none.batch.batch_size, 1);
}

#[test]
fn batch_size_follows_the_guide() {
    for (ram, batch, accumulation) in [
        (7.99, 1, 16),
        (8.0, 2, 8),
        (15.99, 2, 8),
        (16.0, 4, 4),
        (64.0, 4, 4),
    ] {
        let got = rec(&machine(ram, 50.0, Some(1.0), None)).batch;
        assert_eq!(
            (got.batch_size, got.gradient_accumulation_steps),
            (batch, accumulation),
            "{ram} GB"
        );
    }
    let custom = recommend(
        &machine(8.0, 50.0, None, None),
        &Settings {
            target_batch_size: 3,
            ..Settings::default()
        },
    )
    .batch;
    assert_eq!(custom.gradient_accumulation_steps, 1);
}

#[test]
fn apple_silicon_gets_mlx_first() {
    let mut m = machine(5.0, 50.0, Some(1.0), Some(GpuType::AppleSilicon));
    m.system.platform = Some("Darwin".into());
    let got = rec(&m);
    assert_eq!(got.install[0].runtime, "mlx");
    assert!(
        got.install[0]
            .commands
            .iter()
            .any(|c| c.contains("mlx-community/Phi-3-mini-4k-instruct-4bit"))
    );
    assert!(got.install[1].commands[0].starts_with("brew install ollama"));
    // Room for 3-bit only.
    let tiny = rec(&machine(
        needs_gib("q3") + 0.01,
        50.0,
        Some(1.0),
        Some(GpuType::AppleSilicon),
    ));
    assert!(
        tiny.install[0]
            .commands
            .iter()
            .any(|c| c.contains("--q-bits 3")),
        "{:?}",
        tiny.install[0]
    );
}

#[test]
fn ollama_commands_skip_what_is_already_there() {
    let mut m = fast(needs_gib("q4") + 0.01);
    m.ollama = Some(Ollama {
        installed: true,
        models: vec!["phi3:3.8b-mini-4k-instruct-q4_0".into()],
        ..Default::default()
    });
    let got = rec(&m);
    assert!(got.ollama_model_present);
    assert_eq!(got.install[0].runtime, "ollama");
    assert_eq!(
        got.install[0].commands,
        vec!["ollama run phi3:3.8b-mini-4k-instruct-q4_0 \"Hello\"".to_owned()]
    );
    m.ollama = None;
    assert!(rec(&m).install[0].commands[0].contains("install.sh"));
}

#[test]
fn machine_type_and_decision_branch_follow_total_ram() {
    for (ram, machine_type, step) in [
        (2.0_f64, "Raspberry Pi", 2),
        (3.99, "Raspberry Pi", 2),
        (4.0, "Old Desktop", 3),
        (7.7, "Old Desktop", 3),
        (8.0, "Modern Laptop", 4),
        (15.6, "Modern Laptop", 4),
        (16.0, "Desktop with GPU", 4),
        (16.01, "Desktop with GPU", 5),
        (125.0, "Desktop with GPU", 5),
    ] {
        let mut m = machine(ram.min(2.0), 50.0, None, None);
        m.system.ram_gb = ram;
        let got = rec(&m);
        assert!(
            got.machine_type.name.starts_with(machine_type),
            "{ram}: {}",
            got.machine_type.name
        );
        assert_eq!(got.decision.step, step, "{ram}");
    }
}

#[test]
fn a_container_limit_bounds_total_ram() {
    let mut m = machine(1.5, 50.0, None, None);
    m.system.ram_gb = 64.0;
    m.system.memory_limit_gb = Some(2.0);
    assert!(rec(&m).machine_type.name.starts_with("Raspberry Pi"));
}
