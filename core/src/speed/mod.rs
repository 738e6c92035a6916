//! Speed where it matters for LLMs: memory bandwidth, and Phi-3-mini's generation and prompt
//! speed per device and quantization level, measured where possible and otherwise
//! predicted from measured figures, always saying which.
//!
//! - [`table`]: the model's constants, each with its source;
//! - [`gpus`]: GPU bandwidth from NVML readings or a table by product name;
//! - [`predict`]: the formulas;
//! - [`report`]: the report's `performance` section;
//! - this module: builds the section's device rows and its readable lines.

pub mod gpus;
pub mod predict;
pub mod report;
pub mod table;

use report::{DeviceSpeed, LevelSpeed, Performance, Source};
use table::{LEVEL_TYPES, REPORT_PROMPT_TOKENS};

#[cfg(doc)]
use table::REPORT_CONTEXT_TOKENS;

/// Rounds to three significant digits, enough for a speed and stable in a report.
fn round3(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let digits = 2 - value.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// The CPU's row: predicted speeds at every level from the all-core triad bandwidth (GB/s)
/// and the f32 GFLOP/s, each `None` where its input is missing or absurd. Generation is
/// predicted at `context_tokens` of KV cache ([`REPORT_CONTEXT_TOKENS`] in reports).
pub fn cpu_device(
    bandwidth_gb_s: Option<f64>,
    f32_gflops: Option<f64>,
    context_tokens: u64,
) -> DeviceSpeed {
    let speeds = each_type(|level, gguf| LevelSpeed {
        level: level.to_owned(),
        gguf: gguf.name().to_owned(),
        generation_tok_s: bandwidth_gb_s
            .and_then(|bw| predict::cpu_generation(gguf, bw, context_tokens))
            .map(round3),
        prompt_tok_s: f32_gflops
            .and_then(|g| predict::cpu_prompt(gguf, g, REPORT_PROMPT_TOKENS))
            .map(round3),
        offloaded: None,
        source: Some(Source::Predicted),
    });
    DeviceSpeed {
        kind: "cpu".to_owned(),
        name: "CPU".to_owned(),
        bandwidth_gb_s: bandwidth_gb_s.map(round3),
        bandwidth_source: bandwidth_gb_s.map(|_| Source::Measured),
        gpu_cores: None,
        speeds,
    }
}

/// A GPU's bandwidth and where it comes from: NVML's readings (maximum memory clock MHz,
/// bus width bits) when they make sense, else the table by product name. The second value
/// lists problems met, such as an NVML reading no GPU has.
pub fn gpu_bandwidth(name: &str, nvml: Option<(u32, u32)>) -> (Option<(f64, Source)>, Vec<String>) {
    let mut warnings = Vec::new();
    if let Some((clock, width)) = nvml {
        match gpus::nvml_peak_gb_s(clock, width) {
            Some(peak) => return (Some((peak, Source::Nvml)), warnings),
            None => warnings.push(format!(
                "{name}: NVML reported a {width}-bit memory bus at {clock} MHz, which no GPU has; \
                 its bandwidth comes from the product table instead"
            )),
        }
    }
    let found = gpus::lookup(name).map(|spec| (spec.bandwidth_gb_s, Source::Table));
    (found, warnings)
}

/// A GPU's row: predicted generation speeds at every level (prompt speed on a GPU is not
/// predicted: it depends on tensor-core kernels the model does not describe).
/// `memory_bytes` is what the model may use; `cpu_bandwidth_gb_s` prices the layers that do
/// not fit. Generation is predicted at `context_tokens` of KV cache.
pub fn gpu_device(
    name: &str,
    bandwidth: Option<(f64, Source)>,
    memory_bytes: Option<u64>,
    cpu_bandwidth_gb_s: Option<f64>,
    context_tokens: u64,
) -> DeviceSpeed {
    let facts = bandwidth
        .zip(memory_bytes)
        .map(|((bandwidth_gb_s, _), memory_bytes)| predict::GpuFacts {
            bandwidth_gb_s,
            memory_bytes,
        });
    let speeds = each_type(|level, gguf| {
        let generation = facts.and_then(|facts| {
            predict::gpu_generation(gguf, facts, cpu_bandwidth_gb_s, context_tokens)
        });
        LevelSpeed {
            level: level.to_owned(),
            gguf: gguf.name().to_owned(),
            generation_tok_s: generation.map(|g| round3(g.tokens_per_second)),
            prompt_tok_s: None,
            offloaded: generation.map(|g| (g.offloaded * 100.0).round() / 100.0),
            source: Some(Source::Predicted),
        }
    });
    DeviceSpeed {
        kind: "gpu".to_owned(),
        name: name.to_owned(),
        bandwidth_gb_s: bandwidth.map(|(b, _)| round3(b)),
        bandwidth_source: bandwidth.map(|(_, s)| s),
        gpu_cores: gpus::lookup(name).and_then(|spec| spec.gpu_cores),
        speeds,
    }
}

fn each_type(mut row: impl FnMut(&str, table::GgufType) -> LevelSpeed) -> Vec<LevelSpeed> {
    LEVEL_TYPES
        .iter()
        .flat_map(|(level, types)| types.iter().map(move |gguf| (*level, *gguf)))
        .map(|(level, gguf)| row(level, gguf))
        .collect()
}

/// The level the readable summary quotes: 4-bit, the guide's default for small machines.
const SUMMARY_LEVEL: (&str, &str) = ("q4", "4-bit");

/// The readable lines for a report, for example `Phi-3-mini here: ≈ 9.1 tok/s at 4-bit on
/// the CPU (predicted from 21.4 GB/s measured); ≈ 230 tok/s on the NVIDIA GeForce RTX 4090
/// (predicted from 1010 GB/s, NVML)`, then Ollama's measurement when there is one.
pub fn summary_lines(performance: &Performance) -> Vec<String> {
    let parts: Vec<String> = performance
        .devices
        .iter()
        .filter_map(|device| {
            let speed = device
                .speeds
                .iter()
                .find(|s| s.level == SUMMARY_LEVEL.0 && s.generation_tok_s.is_some())?;
            let tok_s = speed.generation_tok_s?;
            let place = if device.kind == "cpu" {
                "the CPU".to_owned()
            } else {
                format!("the {}", device.name)
            };
            let from = match (device.bandwidth_gb_s, device.bandwidth_source) {
                (Some(bw), Some(source)) => format!(" from {} GB/s, {}", show(bw), name(source)),
                _ => String::new(),
            };
            let split = match speed.offloaded {
                Some(share) if share < 1.0 => format!(", {:.0} % of it on the GPU", share * 100.0),
                _ => String::new(),
            };
            Some(format!(
                "≈ {} tok/s on {place} ({}{from}{split})",
                show(tok_s),
                speed.source.map_or("predicted", name)
            ))
        })
        .collect();
    let mut lines = Vec::new();
    if !parts.is_empty() {
        lines.push(format!(
            "Phi-3-mini here at {}: {}",
            SUMMARY_LEVEL.1,
            parts.join("; ")
        ));
    }
    if let Some(ollama) = &performance.ollama {
        lines.push(match (ollama.generation_tok_s, &ollama.reason) {
            (Some(generation), _) if ollama.measured => format!(
                "Ollama measured {} ({}): {} tok/s generation, {} tok/s prompt",
                ollama.model.as_deref().unwrap_or("a model"),
                ollama
                    .quantization
                    .as_deref()
                    .unwrap_or("unknown quantization"),
                show(generation),
                ollama.prompt_tok_s.map_or("?".to_owned(), show)
            ),
            (_, Some(reason)) => format!("Ollama speed test: not measured ({reason})"),
            _ => "Ollama speed test: not measured".to_owned(),
        });
    }
    lines
}

fn name(source: Source) -> &'static str {
    match source {
        Source::Measured => "measured",
        Source::Predicted => "predicted",
        Source::Nvml => "NVML",
        Source::Table => "product table",
        Source::Unknown => "unknown source",
    }
}

/// Three significant digits, no trailing zeros: `9.14`, `230`, `4920`.
fn show(value: f64) -> String {
    let rounded = round3(value);
    if rounded.abs() >= 100.0 {
        format!("{rounded:.0}")
    } else {
        let text = format!("{rounded:.2}");
        text.trim_end_matches('0').trim_end_matches('.').to_owned()
    }
}

#[cfg(test)]
mod tests;
