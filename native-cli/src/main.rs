//! `llmcap`: probe a machine, classify reports, plan a fleet.
//!
//! Until `llmcap probe` lands, this binary carries only the embedding test's hidden
//! subcommands (`embed-worker`, `embed-check`).

mod embed;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(name = "llmcap", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run only the embedding load test and print its result as JSON.
    #[command(name = "embed-check", hide = true)]
    EmbedCheck(embed::CheckArgs),
    /// The embedding test's child process (run by the probe, not by hand).
    #[command(name = embed::WORKER_SUBCOMMAND, hide = true)]
    EmbedWorker(embed::WorkerArgs),
}

fn main() -> ExitCode {
    match Cli::parse().command {
        Command::EmbedCheck(args) => embed::check_main(args),
        Command::EmbedWorker(args) => embed::worker_main(args),
    }
}
