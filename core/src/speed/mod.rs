//! Speed where it matters for LLMs: memory bandwidth, and Phi-3-mini's generation and prompt
//! speed per device and quantization level, measured where possible and otherwise
//! predicted from measured figures, always saying which.
//!
//! - [`table`]: the model's constants, each with its source;
//! - [`gpus`]: GPU bandwidth from NVML readings or a table by product name;
//! - [`predict`]: the formulas;
//! - [`report`]: the report's `performance` section;
//! - [`fleet`]: the one speed per machine that the planner shares work by;
//! - this module: builds the section's device rows and its readable lines.

pub mod fleet;
pub mod gpus;
pub mod predict;
pub mod report;
pub mod table;

use report::{Bound, Compute, DeviceSpeed, LevelSpeed, Performance, Source};
use table::{LEVEL_TYPES, REPORT_PROMPT_TOKENS};

#[cfg(doc)]
use table::REPORT_CONTEXT_TOKENS;

/// Rounds to three significant digits, enough for a speed and stable in a report.
pub(crate) fn round3(value: f64) -> f64 {
    if value == 0.0 || !value.is_finite() {
        return value;
    }
    let digits = 2 - value.abs().log10().floor() as i32;
    let scale = 10f64.powi(digits);
    (value * scale).round() / scale
}

/// The CPU's row: predicted speeds at every level from the all-core triad bandwidth (GB/s)
/// and the measured compute figures (f16 and int8), each `None` where its input is missing
/// or absurd. Generation is predicted at `context_tokens` of KV cache
/// ([`REPORT_CONTEXT_TOKENS`] in reports).
pub fn cpu_device(
    bandwidth_gb_s: Option<f64>,
    compute: &Compute,
    context_tokens: u64,
) -> DeviceSpeed {
    let speeds = each_type(|level, gguf| {
        let prompt = predict::prompt_figure(gguf, compute)
            .and_then(|ops| predict::cpu_prompt(gguf, ops, REPORT_PROMPT_TOKENS));
        let compute_bound = prompt.map(|prompt| predict::cpu_compute_bound(prompt, compute));
        let generation = bandwidth_gb_s
            .and_then(|bw| predict::cpu_generation(gguf, bw, compute_bound, context_tokens));
        LevelSpeed {
            level: level.to_owned(),
            gguf: gguf.name().to_owned(),
            generation_tok_s: generation.map(|g| round3(g.tokens_per_second)),
            prompt_tok_s: prompt.map(round3),
            offloaded: None,
            bound: generation.map(|g| g.bound),
            source: Some(Source::Predicted),
        }
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
            bound: generation.map(|_| Bound::Memory),
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

/// One readable line about speed: what it is about, and what was found.
#[derive(Debug, Clone, PartialEq)]
pub struct SpeedLine {
    /// `Memory bandwidth`, `Phi-3-mini` or `Ollama speed test`.
    pub label: &'static str,
    /// For example `≈ 9.14 tok/s at 4-bit on the CPU, prompt ≈ 41 tok/s (predicted from
    /// 21.4 GB/s, measured)`, or `…, measured, capped by compute)` where compute binds.
    pub value: String,
}

/// The readable lines for a section: the measured bandwidth, Phi-3-mini's 4-bit speed on
/// each device with the figure it was predicted from, then Ollama's measurement.
pub fn summary(performance: &Performance) -> Vec<SpeedLine> {
    let line = |label, value| SpeedLine { label, value };
    let mut lines = Vec::new();
    if let Some(value) = performance
        .memory_bandwidth
        .as_ref()
        .and_then(bandwidth_line)
    {
        lines.push(line("Memory bandwidth", value));
    }
    lines.extend(
        performance
            .devices
            .iter()
            .filter_map(device_line)
            .map(|value| line("Phi-3-mini", value)),
    );
    if let Some(ollama) = &performance.ollama {
        lines.push(line("Ollama speed test", ollama_line(ollama)));
    }
    lines
}

fn bandwidth_line(m: &report::MemoryBandwidth) -> Option<String> {
    let all = m.triad_all_cores_gb_s?;
    let threads = m
        .threads
        .map_or(String::new(), |t| format!(" on {t} threads"));
    let one = m.triad_one_core_gb_s.map_or(String::new(), |one| {
        format!(", {} GB/s on one core", show(one))
    });
    Some(format!(
        "{} GB/s{threads}{one} (STREAM triad, measured)",
        show(all)
    ))
}

fn device_line(device: &DeviceSpeed) -> Option<String> {
    let speed = device
        .speeds
        .iter()
        .find(|s| s.level == SUMMARY_LEVEL.0 && s.generation_tok_s.is_some())?;
    let place = if device.kind == "cpu" {
        "the CPU".to_owned()
    } else {
        format!("the {}", device.name)
    };
    let prompt = speed
        .prompt_tok_s
        .map_or(String::new(), |p| format!(", prompt ≈ {} tok/s", show(p)));
    let from = match (device.bandwidth_gb_s, device.bandwidth_source) {
        (Some(bw), Some(source)) => format!(" from {} GB/s, {}", show(bw), name(source)),
        _ => String::new(),
    };
    let capped = if speed.bound == Some(Bound::Compute) {
        ", capped by compute"
    } else {
        ""
    };
    let split = match speed.offloaded {
        Some(share) if share < 1.0 => format!("; {:.0} % of it on the GPU", share * 100.0),
        _ => String::new(),
    };
    Some(format!(
        "≈ {} tok/s at {} on {place}{prompt} ({}{from}{capped}{split})",
        show(speed.generation_tok_s?),
        SUMMARY_LEVEL.1,
        speed.source.map_or("predicted", name)
    ))
}

fn ollama_line(ollama: &report::OllamaSpeed) -> String {
    match (ollama.generation_tok_s, &ollama.reason) {
        (Some(generation), _) if ollama.measured => format!(
            "{} ({}): {} tok/s generation, {} tok/s prompt (measured by Ollama)",
            ollama.model.as_deref().unwrap_or("a model"),
            ollama
                .quantization
                .as_deref()
                .unwrap_or("unknown quantization"),
            show(generation),
            ollama.prompt_tok_s.map_or("?".to_owned(), show)
        ),
        (_, Some(reason)) => format!("not measured ({reason})"),
        _ => "not measured".to_owned(),
    }
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
pub(crate) fn show(value: f64) -> String {
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
