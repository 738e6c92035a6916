//! The hidden `speed-check` subcommand: measures only what the report's `performance`
//! section needs (memory bandwidth, f32, int8 and f16 compute, the GPUs' bandwidth and, with `--llm-test`,
//! Ollama's own Phi-3 speed) and prints the section as JSON on stdout, its readable lines on
//! stderr. `scripts/bench-speed.sh` uses it to compare llmcap with C STREAM and llama-bench.

use crate::cli::SpeedArgs;
use crate::out;
use crate::probe::performance::{self, PerformanceOptions};
use crate::probe::{gpu, ollama, system};
use clap::Args;
use llmcap_core::speed::{self, table};
use std::process::ExitCode;
use std::time::Duration;

/// Arguments of `llmcap speed-check`.
#[derive(Debug, Clone, Args)]
pub struct SpeedCheckArgs {
    /// What to measure.
    #[command(flatten)]
    pub speed: SpeedArgs,
    /// Context (tokens of KV cache) at which generation speeds are predicted.
    #[arg(long, default_value_t = table::REPORT_CONTEXT_TOKENS, value_name = "TOKENS", value_parser = clap::value_parser!(u64).range(0..=1_048_576))]
    pub context_tokens: u64,
    /// Seconds each GPU tool (nvidia-smi, rocm-smi) may take.
    #[arg(long, default_value = "5", value_name = "SECONDS", value_parser = crate::cli::seconds)]
    pub tool_timeout: Duration,
}

/// Measures and prints. Exits 0, or 2 when the JSON could not be made.
pub fn run(args: SpeedCheckArgs) -> anyhow::Result<ExitCode> {
    let tool_timeout = args.tool_timeout;
    let host = system::collect();
    let gpus = gpu::collect(tool_timeout);
    let mut options = PerformanceOptions::for_machine(host.ram_available_bytes);
    options.bandwidth.budget = args.speed.bandwidth_seconds;
    let (memory, compute) = performance::measure(&options);
    let ollama = args.speed.llm_test.then(|| {
        let host_setting = std::env::var("OLLAMA_HOST").ok();
        let (facts, _) = ollama::collect(host_setting.as_deref(), tool_timeout);
        performance::llm_test(&facts, args.speed.llm_test_timeout)
    });
    let (section, mut warnings) = performance::section(
        Some(memory),
        Some(compute),
        &gpus,
        host.ram_available_bytes,
        ollama,
        args.context_tokens,
    );
    warnings.extend(gpus.warnings.iter().cloned());
    for line in speed::summary(&section) {
        out::eprint_line(format_args!("{}: {}", line.label, line.value));
    }
    for warning in &warnings {
        out::warning(warning);
    }
    let document = serde_json::json!({ "performance": section, "warnings": warnings });
    out::print(&crate::report_io::to_json(&document)?)?;
    Ok(ExitCode::SUCCESS)
}
