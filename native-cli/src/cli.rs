//! Command-line arguments.

use clap::{Args, Parser, Subcommand};
use llmcap_core::export::Format;
use llmcap_core::plan::Strategy;
use llmcap_core::report::Hostname;
use std::path::PathBuf;
use std::time::Duration;

const EXIT_CODES: &str = "\
Exit codes:
  probe     0 the machine can run at least the prerequisites; 1 it cannot; 2 usage or I/O error
  classify  0 every file was evaluated; 2 some file was bad (the others are still evaluated),
            or the output could not be written
  plan      0 a plan (and its export) was written; 2 no usable report was given, or a file
            could not be written";

/// Measure what a machine can run for LLM experiments, and plan work across machines.
#[derive(Debug, Parser)]
#[command(name = "llmcap", version = crate::VERSION, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Measure this machine, print the verdict and what to install, and write
    /// `capability_report_<host>.json`.
    #[command(after_help = EXIT_CODES)]
    Probe(ProbeArgs),
    /// Re-evaluate reports (the guide's or llmcap's), optionally with what-if values.
    #[command(after_help = EXIT_CODES)]
    Classify(ClassifyArgs),
    /// Merge reports (files or folders of *.json) into distributed_plan.json.
    #[command(after_help = EXIT_CODES)]
    Plan(PlanArgs),
    /// Print the JSON Schema of the report format.
    Schema,
    /// Run only the embedding load test and print its result as JSON.
    #[command(name = "embed-check", hide = true)]
    EmbedCheck(crate::embed::CheckArgs),
    /// Measure only memory bandwidth, compute (f32, int8 and f16) and GPU bandwidth, and print
    /// the report's `performance` section as JSON.
    #[command(name = "speed-check", hide = true)]
    SpeedCheck(crate::speed_check::SpeedCheckArgs),
    /// The embedding test's child process (run by the probe, not by hand).
    #[command(name = crate::embed::WORKER_SUBCOMMAND, hide = true)]
    EmbedWorker(crate::embed::WorkerArgs),
}

/// `llmcap probe`.
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Folder for the report; its file system is the one whose free space is measured.
    #[arg(long, short = 'o', default_value = ".", value_name = "DIR")]
    pub output_dir: PathBuf,
    /// Print the report's JSON on standard output instead of the readable report.
    #[arg(long)]
    pub json: bool,
    /// Do not write the report file.
    #[arg(long)]
    pub no_save: bool,
    /// No progress on standard error.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Name the machine this way instead of by its host name.
    #[arg(long, value_name = "NAME", value_parser = hostname)]
    pub hostname: Option<Hostname>,
    /// Skip the benchmarks: the guide's matrix multiply (the slow-CPU rule then cannot
    /// apply), memory bandwidth and the f32, int8 and f16 products (the CPU's Phi-3 speeds are
    /// then unknown).
    #[arg(long)]
    pub skip_benchmark: bool,
    /// Seconds the matrix-multiply benchmark may run (at least 3 rounds are measured).
    #[arg(long, default_value = "0.2", value_name = "SECONDS", value_parser = seconds)]
    pub bench_seconds: Duration,
    /// The speed measurements beyond the guide's benchmark.
    #[command(flatten)]
    pub speed: SpeedArgs,
    /// The embedding-model load test.
    #[command(flatten)]
    pub embed: crate::embed::EmbedArgs,
    /// A link to the page that carries the report.
    #[command(flatten)]
    pub link: LinkArgs,
    /// Seconds each external tool (nvidia-smi, rocm-smi, ollama, python3) may take.
    #[arg(long, default_value = "5", value_name = "SECONDS", value_parser = seconds)]
    pub tool_timeout: Duration,
    /// Effective batch size that gradient accumulation aims for.
    #[arg(long, default_value_t = llmcap_core::recommend::DEFAULT_TARGET_BATCH_SIZE, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub target_batch_size: u32,
    /// Context llmcap's own assessment judges inference at, tokens (KV cache included).
    #[arg(long, default_value_t = llmcap_core::judge::table::DEFAULT_CONTEXT_TOKENS, value_name = "TOKENS", value_parser = clap::value_parser!(u64).range(256..=131_072))]
    pub context: u64,
}

/// Links to the page that carry reports in their fragment (`#r=…`), which browsers never send.
#[derive(Debug, Clone, Args)]
pub struct LinkArgs {
    /// Print only a link to the page that carries the report(s): opening it adds them to the
    /// fleet in that browser.
    #[arg(long, conflicts_with = "json")]
    pub link: bool,
    /// The page the link opens.
    #[arg(long, value_name = "URL", default_value = llmcap_core::link::PAGE_URL)]
    pub page_url: String,
}

/// What is measured of LLM speed: memory bandwidth, and Phi-3 through Ollama on request.
#[derive(Debug, Clone, Args)]
pub struct SpeedArgs {
    /// Seconds the memory-bandwidth measurement may take.
    #[arg(long, default_value = "0.3", value_name = "SECONDS", value_parser = seconds)]
    pub bandwidth_seconds: Duration,
    /// Also measure Phi-3's real speed through Ollama's server (loads the model).
    #[arg(long)]
    pub llm_test: bool,
    /// Seconds the Ollama speed test may take, loading the model included.
    #[arg(long, default_value = crate::probe::llm_test::DEFAULT_TIMEOUT_SECONDS, value_name = "SECONDS", value_parser = seconds)]
    pub llm_test_timeout: Duration,
}

/// `llmcap classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// Report files, or bundles of reports such as the page's merged download (each report
    /// of a bundle is named FILE#n).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Evaluate as if this much RAM were available (GB).
    #[arg(long, value_name = "GB", value_parser = non_negative)]
    pub ram_available_gb: Option<f64>,
    /// Evaluate as if this much disk were free (GB).
    #[arg(long, value_name = "GB", value_parser = non_negative)]
    pub disk_free_gb: Option<f64>,
    /// Evaluate as if the GPU had this much memory (GB); adds a GPU where there is none, and
    /// 0 removes discrete GPUs.
    #[arg(long, value_name = "GB", value_parser = non_negative)]
    pub gpu_vram_gb: Option<f64>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
    /// Effective batch size that gradient accumulation aims for.
    #[arg(long, default_value_t = llmcap_core::recommend::DEFAULT_TARGET_BATCH_SIZE, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub target_batch_size: u32,
    /// Context llmcap's own assessment judges inference at, tokens (KV cache included).
    #[arg(long, default_value_t = llmcap_core::judge::table::DEFAULT_CONTEXT_TOKENS, value_name = "TOKENS", value_parser = clap::value_parser!(u64).range(256..=131_072))]
    pub context: u64,
}

/// `llmcap plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    /// Report files, or folders whose *.json files are reports (distributed_plan.json is left
    /// out). A file may also be a bundle of reports, such as the page's merged download; its
    /// reports are named FILE#n.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// `balanced` fixes the guide's gaps; `seed` is the guide's own plan, value for value.
    #[arg(long, default_value = "balanced", value_name = "STRATEGY")]
    pub strategy: Strategy,
    /// Number of E0 parameter configurations: each phase-2 machine gets an index range.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub e0_configs: Option<u32>,
    /// Tokens each E0 configuration generates: with --e0-configs, each E0 assignment gets
    /// an estimated duration, and each phase its makespan.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..), requires = "e0_configs")]
    pub tokens_per_config: Option<u64>,
    /// Training tokens of E2: its assignment gets an estimated duration where the machine's
    /// training speed is known.
    #[arg(long, value_name = "T", value_parser = clap::value_parser!(u64).range(1..))]
    pub train_tokens: Option<u64>,
    /// Where to write the plan.
    #[arg(
        long,
        short = 'o',
        default_value = "distributed_plan.json",
        value_name = "FILE"
    )]
    pub output: PathBuf,
    /// Print the plan's JSON instead of the tables.
    #[arg(long)]
    pub json: bool,
    /// Effective batch size that gradient accumulation aims for.
    #[arg(long, default_value_t = llmcap_core::recommend::DEFAULT_TARGET_BATCH_SIZE, value_name = "N", value_parser = clap::value_parser!(u32).range(1..=65536))]
    pub target_batch_size: u32,
    /// Also write the plan for an existing engine: `ansible` writes an inventory with a group
    /// per tier and per phase and each machine's model and settings as host variables.
    #[arg(long, value_name = "FORMAT")]
    pub export: Option<Format>,
    /// Where to write the export [default: llmcap_inventory.yml for ansible].
    #[arg(long, value_name = "FILE", requires = "export")]
    pub export_output: Option<PathBuf>,
    /// A link to the page that carries the whole fleet.
    #[command(flatten)]
    pub link: LinkArgs,
    /// Plan without these machines, by report host name (repeat it, or give a comma list):
    /// their share of E0 goes to the others, as after losing a machine.
    #[arg(long, value_name = "HOST", value_delimiter = ',')]
    pub exclude: Vec<String>,
}

/// Reads a number of seconds, fractions allowed, more than 0 and at most a day: every
/// time limit and budget on the command line.
pub fn seconds(text: &str) -> Result<Duration, String> {
    match text.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v <= 86_400.0 => Ok(Duration::from_secs_f64(v)),
        _ => Err(format!(
            "{text:?} is not a number of seconds more than 0 and at most 86400"
        )),
    }
}

/// A `--hostname`, checked as a report's host name is; clap prints the value before this.
fn hostname(text: &str) -> Result<Hostname, String> {
    Hostname::parse(text).map_err(|e| format!("expected {}", e.expected))
}

fn non_negative(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=1e7).contains(&v) => Ok(v),
        _ => Err(format!("{text:?} is not a number of GB from 0 to 10000000")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn arguments_are_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn bad_numbers_are_usage_errors() {
        for args in [
            vec!["llmcap", "probe", "--bench-seconds", "-1"],
            vec!["llmcap", "probe", "--bench-seconds", "NaN"],
            vec!["llmcap", "classify", "r.json", "--ram-available-gb", "lots"],
            vec!["llmcap", "probe", "--hostname", "../evil"],
        ] {
            let err = Cli::try_parse_from(&args).unwrap_err();
            assert_eq!(err.exit_code(), 2, "{args:?}");
        }
    }

    #[test]
    fn a_bad_hostname_says_what_a_good_one_looks_like() {
        let err = Cli::try_parse_from(["llmcap", "probe", "--hostname", "a/b"]).unwrap_err();
        let text = err.to_string();
        assert!(
            text.contains("invalid value 'a/b' for '--hostname <NAME>': expected a host name"),
            "{text}"
        );
        assert!(!text.contains("field `hostname`"), "{text}");
    }
}
