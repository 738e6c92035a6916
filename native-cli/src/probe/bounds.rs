//! Bounds on what the tools and the system say, so that the probe's report is always one
//! that llmcap reads: a value no real machine has is cut or left out, with a warning.
//!
//! The report itself is held to core's validator and to [`MAX_REPORT_BYTES`]; these bounds
//! keep a report with every list at its longest and every name at its longest well within
//! that: 64 GPUs and 1,000 models of 256 characters take about 400 KB of the 1 MiB.
//!
//! [`MAX_REPORT_BYTES`]: llmcap_core::report::MAX_REPORT_BYTES

use super::gpu::GpuFacts;
use llmcap_core::report::{MAX_TEXT_CHARS, Ollama, System, show_text};

/// The most GPUs a report keeps: four times the 16 of the largest single machines sold
/// (DGX-2, HGX-2).
pub const MAX_GPUS: usize = 64;

/// The most Ollama models a report keeps; a workstation has tens.
pub const MAX_MODELS: usize = 1000;

/// The longest name or version kept from a tool (GPU and model names, drivers, versions):
/// real ones are under 100 characters.
pub const MAX_NAME_CHARS: usize = 256;

/// GPU memory llmcap believes, MiB: up to 2 TiB (no GPU has more); more is a broken reading.
pub const MAX_GPU_MIB: u64 = 2 << 20;

/// Keeps the first [`MAX_GPUS`] GPUs, cuts their names and drivers to [`MAX_NAME_CHARS`],
/// and leaves out memory above [`MAX_GPU_MIB`], saying so in `facts.warnings`.
pub fn gpus(facts: &mut GpuFacts) {
    let warnings = &mut facts.warnings;
    if facts.gpus.len() > MAX_GPUS {
        warnings.push(format!(
            "{} GPUs were reported; the report keeps the first {MAX_GPUS}",
            facts.gpus.len()
        ));
        facts.gpus.truncate(MAX_GPUS);
    }
    facts.nvml_memory.resize(facts.gpus.len(), None);
    for gpu in &mut facts.gpus {
        cut("a GPU name", &mut gpu.name, warnings);
        if let Some(driver) = &mut gpu.driver {
            cut("a GPU driver version", driver, warnings);
        }
        for memory in [&mut gpu.vram_total_mib, &mut gpu.vram_free_mib] {
            if let Some(mib) = memory.take_if(|mib| *mib > MAX_GPU_MIB) {
                warnings.push(format!(
                    "{}: {mib} MiB of GPU memory is not a reading any GPU gives; it was left out",
                    gpu.name
                ));
            }
        }
    }
}

/// Keeps the first [`MAX_MODELS`] models, leaves out names longer than [`MAX_NAME_CHARS`]
/// (a cut name would name no model) and cuts the version, saying so in `warnings`.
pub fn ollama(ollama: &mut Ollama, warnings: &mut Vec<String>) {
    let listed = ollama.models.len();
    ollama
        .models
        .retain(|m| m.chars().count() <= MAX_NAME_CHARS);
    let dropped = listed - ollama.models.len();
    if dropped > 0 {
        warnings.push(format!(
            "{dropped} of Ollama's model names are longer than {MAX_NAME_CHARS} characters; they were left out"
        ));
    }
    if ollama.models.len() > MAX_MODELS {
        warnings.push(format!(
            "Ollama lists {listed} models; the report keeps the first {MAX_MODELS}"
        ));
        ollama.models.truncate(MAX_MODELS);
    }
    if let Some(version) = &mut ollama.version {
        cut("Ollama's version", version, warnings);
    }
}

/// Cuts a text from a tool or the system (`what` says which) to [`MAX_NAME_CHARS`], with a
/// warning that shows it.
pub fn cut(what: &str, text: &mut String, warnings: &mut Vec<String>) {
    if let Some((end, _)) = text.char_indices().nth(MAX_NAME_CHARS) {
        warnings.push(format!(
            "{what} was cut to {MAX_NAME_CHARS} characters: {}",
            show_text(text)
        ));
        text.truncate(end);
    }
}

/// Cuts the texts the system gave (Python's version, the OS, kernel and CPU names) to
/// [`MAX_NAME_CHARS`].
pub fn system(system: &mut System, warnings: &mut Vec<String>) {
    let texts = [
        ("Python's version", &mut system.python_version),
        ("the OS name", &mut system.os),
        ("the kernel version", &mut system.kernel),
        ("the CPU name", &mut system.cpu_brand),
    ];
    for (what, text) in texts {
        if let Some(text) = text {
            cut(what, text, warnings);
        }
    }
}

/// Each warning cut to what a report holds ([`MAX_TEXT_CHARS`]).
pub fn warnings(warnings: &mut [String]) {
    for warning in warnings {
        if let Some((end, _)) = warning.char_indices().nth(MAX_TEXT_CHARS - 1) {
            warning.truncate(end);
            warning.push('…');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcap_core::report::Gpu;

    fn gpu(name: &str, mib: u64) -> Gpu {
        Gpu {
            vendor: "nvidia".to_owned(),
            name: name.to_owned(),
            vram_total_mib: Some(mib),
            vram_free_mib: Some(mib),
            driver: Some("550.1".to_owned()),
            unified_memory: false,
            source: Some("nvidia-smi".to_owned()),
        }
    }

    #[test]
    fn absurd_gpus_are_cut_with_warnings() {
        let mut facts = GpuFacts {
            gpus: vec![gpu(&"X".repeat(5007), 20_000_000); 150_000],
            ..Default::default()
        };
        gpus(&mut facts);
        assert_eq!(facts.gpus.len(), MAX_GPUS);
        assert_eq!(facts.nvml_memory.len(), MAX_GPUS);
        let first = &facts.gpus[0];
        assert_eq!(first.name.chars().count(), MAX_NAME_CHARS);
        assert_eq!((first.vram_total_mib, first.vram_free_mib), (None, None));
        let said = facts.warnings.join("\n");
        assert!(said.contains("150000 GPUs were reported"), "{said}");
        assert!(said.contains("(5007 characters)"), "{said}");
        assert!(said.contains("20000000 MiB of GPU memory"), "{said}");
        let mut real = GpuFacts {
            gpus: vec![gpu("NVIDIA H200", 143_771)],
            ..Default::default()
        };
        gpus(&mut real);
        assert_eq!(real.gpus, vec![gpu("NVIDIA H200", 143_771)]);
        assert_eq!(real.warnings, Vec::<String>::new());
    }

    #[test]
    fn too_many_or_too_long_models_are_left_out() {
        let mut o = Ollama {
            models: (0..400_000).map(|i| format!("m{i}")).collect(),
            ..Default::default()
        };
        o.models.insert(1, "y".repeat(5000));
        let mut said = Vec::new();
        ollama(&mut o, &mut said);
        assert_eq!(o.models.len(), MAX_MODELS);
        assert_eq!(o.models[..2], ["m0", "m1"]);
        assert_eq!(
            said,
            [
                "1 of Ollama's model names are longer than 256 characters; they were left out",
                "Ollama lists 400001 models; the report keeps the first 1000"
            ]
        );
    }

    #[test]
    fn warnings_fit_a_report() {
        let mut said = vec!["w".repeat(MAX_TEXT_CHARS + 10), "short".to_owned()];
        warnings(&mut said);
        assert_eq!(said[0].chars().count(), MAX_TEXT_CHARS);
        assert_eq!(said[1], "short");
    }
}
