//! `llmcap`: probe a machine, classify reports, plan a fleet.

mod atomic_write;
mod bandwidth;
mod bench;
mod child;
mod cli;
mod cmd;
mod compute;
mod embed;
mod exclude;
mod f16;
mod int8;
mod out;
mod probe;
mod progress;
mod render;
mod report_io;
mod speed_check;
mod tiles;
mod tool;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

/// mimalloc instead of the C library's allocator: planning 100,000 report files makes and
/// frees some ten million small values on every core, and took 2.34 s against 3.34 s with
/// glibc's malloc (medians of 5 alternating runs; `docs/benchmarks.md`).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The target triple this binary was built for.
pub const TARGET: &str = env!("LLMCAP_TARGET");

/// `llmcap --version`: the version and the target triple.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("LLMCAP_TARGET"), ")");

/// Exit code of a command that failed: usage or I/O errors, in every command.
const ERROR_EXIT_CODE: u8 = 2;

/// The one place where a command's error becomes a line on standard error and exit code 2.
/// Commands return their own exit code otherwise (probe's 1, classify's 2 for bad files).
fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Probe(args) => cmd::probe::run(args),
        Command::Classify(args) => cmd::classify::run(args),
        Command::Plan(args) => cmd::plan::run(args),
        Command::Schema => print_schema(),
        Command::EmbedCheck(args) => Ok(embed::check_main(args)),
        Command::SpeedCheck(args) => speed_check::run(args),
        Command::EmbedWorker(args) => Ok(embed::worker_main(args)),
    };
    result.unwrap_or_else(|e| {
        out::error(format_args!("{e:#}"));
        ExitCode::from(ERROR_EXIT_CODE)
    })
}

fn print_schema() -> anyhow::Result<ExitCode> {
    let schema = schemars::schema_for!(llmcap_core::report::wire::RawReport);
    out::print(&report_io::to_json(&schema)?)?;
    Ok(ExitCode::SUCCESS)
}
