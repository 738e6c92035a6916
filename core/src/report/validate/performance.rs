//! Checks the `performance` section's figures: every rate finite, not negative and below
//! [`MAX_RATE`], every share of layers within 0 to 1, every text of a sane length. Its types
//! are lenient already, so a check returns the section unchanged or names the field at fault.

use super::{MAX_CPUS, MAX_RATE, MAX_SECONDS, optional_count, optional_number, optional_text};
use crate::report::FieldError;
use crate::speed::report::{
    Compute, DeviceSpeed, LevelSpeed, MemoryBandwidth, OllamaSpeed, Performance,
};

/// The longest context or prompt a report may claim, tokens (16 Mi).
const MAX_TOKENS: u64 = 1 << 24;

/// The section, or the first figure no machine can have: what a reader checks, and what the
/// probe checks before it writes a report.
pub fn check_performance(section: Performance) -> Result<Performance, FieldError> {
    if let Some(memory) = &section.memory_bandwidth {
        memory_bandwidth(memory)?;
    }
    if let Some(compute) = &section.compute {
        self::compute(compute)?;
    }
    optional_count(
        "performance.context_tokens",
        section.context_tokens,
        0,
        MAX_TOKENS,
    )?;
    optional_count(
        "performance.prompt_tokens",
        section.prompt_tokens,
        0,
        MAX_TOKENS,
    )?;
    for (i, device) in section.devices.iter().enumerate() {
        self::device(&format!("performance.devices[{i}]"), device)?;
    }
    if let Some(ollama) = &section.ollama {
        self::ollama(ollama)?;
    }
    Ok(section)
}

fn rate(field: &str, value: Option<f64>) -> Result<(), FieldError> {
    optional_number(field, value, MAX_RATE).map(drop)
}

fn text(field: &str, value: &str) -> Result<(), FieldError> {
    optional_text(field, Some(value.to_owned())).map(drop)
}

fn memory_bandwidth(m: &MemoryBandwidth) -> Result<(), FieldError> {
    let field = |name: &str| format!("performance.memory_bandwidth.{name}");
    rate(&field("triad_all_cores_gb_s"), m.triad_all_cores_gb_s)?;
    rate(&field("triad_one_core_gb_s"), m.triad_one_core_gb_s)?;
    rate(&field("copy_all_cores_gb_s"), m.copy_all_cores_gb_s)?;
    rate(&field("copy_one_core_gb_s"), m.copy_one_core_gb_s)?;
    optional_count(&field("threads"), m.threads, 1, MAX_CPUS)?;
    optional_number(&field("seconds"), m.seconds, MAX_SECONDS)?;
    Ok(())
}

fn compute(c: &Compute) -> Result<(), FieldError> {
    rate("performance.compute.f32_gflops", c.f32_gflops)?;
    rate("performance.compute.int8_gops", c.int8_gops)?;
    optional_text("performance.compute.int8_kernel", c.int8_kernel.clone())?;
    rate("performance.compute.f16_gflops", c.f16_gflops)?;
    optional_text("performance.compute.f16_kernel", c.f16_kernel.clone()).map(drop)
}

fn device(field: &str, d: &DeviceSpeed) -> Result<(), FieldError> {
    text(&format!("{field}.kind"), &d.kind)?;
    text(&format!("{field}.name"), &d.name)?;
    rate(&format!("{field}.bandwidth_gb_s"), d.bandwidth_gb_s)?;
    for (i, speed) in d.speeds.iter().enumerate() {
        level(&format!("{field}.speeds[{i}]"), speed)?;
    }
    Ok(())
}

fn level(field: &str, s: &LevelSpeed) -> Result<(), FieldError> {
    text(&format!("{field}.level"), &s.level)?;
    text(&format!("{field}.gguf"), &s.gguf)?;
    rate(&format!("{field}.generation_tok_s"), s.generation_tok_s)?;
    rate(&format!("{field}.prompt_tok_s"), s.prompt_tok_s)?;
    optional_number(&format!("{field}.offloaded"), s.offloaded, 1.0)?;
    Ok(())
}

fn ollama(o: &OllamaSpeed) -> Result<(), FieldError> {
    let field = |name: &str| format!("performance.ollama.{name}");
    optional_text(&field("reason"), o.reason.clone())?;
    optional_text(&field("model"), o.model.clone())?;
    optional_text(&field("quantization"), o.quantization.clone())?;
    rate(&field("generation_tok_s"), o.generation_tok_s)?;
    rate(&field("prompt_tok_s"), o.prompt_tok_s)?;
    Ok(())
}
