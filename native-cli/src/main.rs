//! `llmcap`: probe a machine, classify reports, plan a fleet.

mod bandwidth;
mod bench;
mod classify_cmd;
mod cli;
mod compute;
mod embed;
mod out;
mod plan_cmd;
mod probe;
mod probe_cmd;
mod progress;
mod render;
mod report_io;
mod speed_check;
mod tool;

use clap::Parser;
use cli::{Cli, Command};
use std::process::ExitCode;

/// The target triple this binary was built for.
pub const TARGET: &str = env!("LLMCAP_TARGET");

/// `llmcap --version`: the version and the target triple.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("LLMCAP_TARGET"), ")");

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Probe(args) => probe_cmd::run(args),
        Command::Classify(args) => classify_cmd::run(args),
        Command::Plan(args) => plan_cmd::run(args),
        Command::Schema => print_schema(),
        Command::EmbedCheck(args) => embed::check_main(args),
        Command::SpeedCheck(args) => speed_check::run(args),
        Command::EmbedWorker(args) => embed::worker_main(args),
    }
}

fn print_schema() -> ExitCode {
    let schema = schemars::schema_for!(llmcap_core::report::wire::RawReport);
    match report_io::to_json(&schema) {
        Ok(text) => {
            out::print(&text);
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(2)
        }
    }
}
