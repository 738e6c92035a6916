//! The embedding load test: can this machine load the sentence-transformers model
//! all-MiniLM-L6-v2 and encode with it, as the E1 retrieval phase needs?
//!
//! Pure Rust (candle + tokenizers), no Python. The test runs in a child process, the hidden
//! `llmcap embed-worker` subcommand, so a hung, crashing or memory-hungry model cannot take
//! the probe down, and the child's own peak memory is what the report records.
//!
//! - [`locate::locate_model`] finds the model: `--model-dir`, `LLMCAP_MODEL_DIR`, the Hugging Face
//!   cache, then (unless offline) a download into that cache;
//! - [`run_test`] runs the child under the time limit and returns the report's
//!   [`Embedding`]: `success`, `skip` (no model: says nothing about the machine), `fail` (with
//!   the file at fault, or the signal that killed the child) or `timeout`;
//! - [`worker_main`] is the child;
//!
//! The child loads the model, encodes the guide's batch (100 × "Test sentence") and a
//! realistic mixed batch of 100 sentences exactly as sentence-transformers does, then
//! encodes the reference sentences and compares them, and every guide embedding, with
//! `reference.json` (made by sentence-transformers). A difference over 1e-4 is a `fail`, so
//! a corrupted or wrong model never passes. The report's `sentences`, `encode_seconds` and
//! `tokens` cover the two timed batches (200 sentences); the self-check is not timed in them.

pub mod check;
mod fetch;
pub mod locate;
mod memory;
mod model;
mod protocol;
mod reference;
mod run;
mod supervise;
mod worker;

pub use check::{CheckArgs, check_main};
pub use locate::{MODEL_ID, SearchEnv};
pub use run::{Step, WORKER_SUBCOMMAND, run_test_with};
pub use worker::{WorkerArgs, worker_main};

use clap::Args;
use llmcap_core::report::Embedding;
use std::path::PathBuf;
use std::time::Duration;

/// The guide gives the model test 30 seconds.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// How long a download of the model (87 MiB) may take.
pub const DEFAULT_DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(600);

/// The embedding test's command-line options, to flatten into `llmcap probe`.
#[derive(Debug, Clone, Default, Args)]
pub struct EmbedArgs {
    /// Folder holding all-MiniLM-L6-v2 (config.json, tokenizer.json, model.safetensors);
    /// default: $LLMCAP_MODEL_DIR, then the Hugging Face cache.
    #[arg(long, value_name = "DIR")]
    pub model_dir: Option<PathBuf>,
    /// Never download the embedding model (also HF_HUB_OFFLINE=1).
    #[arg(long)]
    pub offline: bool,
    /// Seconds the embedding test may take before it is stopped (status `timeout`).
    #[arg(long, value_name = "SECONDS", default_value = "30", value_parser = crate::cli::seconds)]
    pub embedding_timeout: Option<Duration>,
    /// Seconds the model's download (87 MiB, once, into the Hugging Face cache) may take
    /// before it is stopped (status `skip`, with the fix); it is apart from
    /// --embedding-timeout, which covers loading and encoding.
    #[arg(long, value_name = "SECONDS", default_value = "600", value_parser = crate::cli::seconds)]
    pub download_timeout: Option<Duration>,
    /// Do not run the embedding test (status `skip`).
    #[arg(long)]
    pub skip_embedding: bool,
}

/// Everything [`run_test`] needs.
#[derive(Debug, Clone)]
pub struct EmbedOptions {
    /// `--model-dir`: the only folder tried when given.
    pub model_dir: Option<PathBuf>,
    /// `--offline`: never download.
    pub offline: bool,
    /// Limit for loading, encoding and checking (the child is killed after it).
    pub timeout: Duration,
    /// Limit for downloading the model.
    pub download_timeout: Duration,
    /// Show hf-hub's download progress bar on stderr.
    pub download_progress: bool,
    /// Threads for candle (`RAYON_NUM_THREADS` of the child); `None`: all CPUs.
    pub threads: Option<usize>,
    /// Sentences per batch.
    pub batch_size: usize,
    /// The binary to run as the worker; `None`: this one.
    pub worker_exe: Option<PathBuf>,
    /// When set, the test is not run and this is the skip reason.
    pub skip: Option<String>,
    /// The environment the model search reads.
    pub env: SearchEnv,
}

impl EmbedOptions {
    /// Options from the command line and this process's environment.
    pub fn from_args(args: &EmbedArgs) -> EmbedOptions {
        EmbedOptions {
            model_dir: args.model_dir.clone(),
            offline: args.offline,
            timeout: args.embedding_timeout.unwrap_or(DEFAULT_TIMEOUT),
            download_timeout: args.download_timeout.unwrap_or(DEFAULT_DOWNLOAD_TIMEOUT),
            skip: args
                .skip_embedding
                .then(|| "not run: --skip-embedding was given".to_owned()),
            ..EmbedOptions::default()
        }
    }
}

impl Default for EmbedOptions {
    fn default() -> EmbedOptions {
        EmbedOptions {
            model_dir: None,
            offline: false,
            timeout: DEFAULT_TIMEOUT,
            download_timeout: DEFAULT_DOWNLOAD_TIMEOUT,
            download_progress: false,
            threads: None,
            batch_size: model::DEFAULT_BATCH_SIZE,
            worker_exe: None,
            skip: None,
            env: SearchEnv::from_process(),
        }
    }
}

/// Runs the embedding load test in a child process. Never panics.
pub fn run_test(options: &EmbedOptions) -> Embedding {
    run_test_with(options, &mut |_| {})
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        embed: EmbedArgs,
    }

    #[test]
    fn arguments_become_options() {
        let cli = Cli::parse_from(["llmcap", "--model-dir", "/m", "--embedding-timeout", "2.5"]);
        let options = EmbedOptions::from_args(&cli.embed);
        assert_eq!(options.model_dir, Some(PathBuf::from("/m")));
        assert_eq!(options.timeout, Duration::from_millis(2500));
        assert!(!options.offline && options.skip.is_none());
        let cli = Cli::parse_from(["llmcap", "--offline", "--skip-embedding"]);
        let options = EmbedOptions::from_args(&cli.embed);
        assert_eq!(options.timeout, DEFAULT_TIMEOUT);
        assert!(options.offline && options.skip.is_some());
    }

    #[test]
    fn timeouts_must_be_positive_seconds() {
        for bad in ["0", "-1", "abc", "NaN", "inf", "1e9"] {
            assert!(crate::cli::seconds(bad).is_err(), "{bad}");
        }
        assert_eq!(crate::cli::seconds("0.01"), Ok(Duration::from_millis(10)));
    }

    #[test]
    fn skip_embedding_skips_without_looking() {
        let options = EmbedOptions {
            skip: Some("not run: --skip-embedding was given".to_owned()),
            worker_exe: Some(PathBuf::from("/nonexistent")),
            ..EmbedOptions::default()
        };
        let e = run_test(&options);
        assert_eq!(e.status, llmcap_core::report::EmbeddingStatus::Skip);
        assert_eq!(
            e.reason.as_deref(),
            Some("not run: --skip-embedding was given")
        );
    }
}
