//! The hidden `embed-check` subcommand: runs only the embedding test, prints the report's
//! `embedding` object as one JSON line on stdout and a readable summary on stderr. Tests and
//! the benchmark use it; so can a user who wants this one answer quickly.

use super::{EmbedArgs, EmbedOptions, Step, run_test_with};
use crate::out;
use clap::Args;
use clap::builder::TypedValueParser;
use llmcap_core::document::rows::embedding_meaning;
use llmcap_core::report::{Embedding, EmbeddingStatus};
use std::io::Write;
use std::process::ExitCode;

/// Arguments of `llmcap embed-check`.
#[derive(Debug, Clone, Args)]
pub struct CheckArgs {
    /// The options `llmcap probe` takes for this test.
    #[command(flatten)]
    pub embed: EmbedArgs,
    /// Threads for candle (default: all CPUs).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..).map(|n| n as usize))]
    pub threads: Option<usize>,
    /// Sentences per batch (sentence-transformers uses 32).
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = clap::value_parser!(u64).range(1..=1024).map(|n| n as usize))]
    pub batch_size: usize,
}

/// Runs the test and prints the result. Exits 0 on success or skip, 1 on fail or timeout,
/// 2 when the result could not be printed.
pub fn check_main(args: CheckArgs) -> ExitCode {
    let options = EmbedOptions {
        threads: args.threads,
        batch_size: args.batch_size,
        download_progress: true,
        ..EmbedOptions::from_args(&args.embed)
    };
    let embedding = run_test_with(&options, &mut |step| match step {
        Step::Downloading { cache, endpoint } => out::eprint_line(format_args!(
            "embedding: downloading {} from {endpoint} into {}",
            super::MODEL_ID,
            cache.display()
        )),
        Step::Testing { dir, source } => out::eprint_line(format_args!(
            "embedding: testing {} (from {})",
            dir.display(),
            source.describe()
        )),
    });
    out::eprint_line(format_args!("embedding: {}", summary(&embedding)));
    out::eprint_line(embedding_meaning(embedding.status));
    let line = serde_json::to_string(&embedding).map(|l| {
        l + "
"
    });
    let mut out = std::io::stdout().lock();
    let printed = line
        .map_err(std::io::Error::other)
        .and_then(|l| out.write_all(l.as_bytes()).and_then(|()| out.flush()));
    match (printed, embedding.status) {
        (Err(_), _) => ExitCode::from(2),
        (Ok(()), EmbeddingStatus::Success | EmbeddingStatus::Skip) => ExitCode::SUCCESS,
        (Ok(()), EmbeddingStatus::Fail | EmbeddingStatus::Timeout) => ExitCode::FAILURE,
    }
}

/// One line for people: the status, then the numbers or the reason.
pub fn summary(e: &Embedding) -> String {
    let mut parts = vec![e.status.as_str().to_owned()];
    if let Some(load) = e.load_seconds {
        parts.push(format!("loaded in {load:.2} s"));
    }
    if let (Some(n), Some(seconds)) = (e.sentences, e.encode_seconds) {
        let rate = e
            .sentences_per_second
            .map(|r| format!(" ({r:.0} sentences/s)"))
            .unwrap_or_default();
        parts.push(format!("encoded {n} sentences in {seconds:.2} s{rate}"));
    }
    if let Some(peak) = e.peak_rss_mib {
        let needed = e
            .memory_needed_mib
            .map(|m| format!(", {m:.0} MiB for the model"))
            .unwrap_or_default();
        parts.push(format!("peak memory {peak:.0} MiB{needed}"));
    }
    if let Some(error) = e.max_abs_error {
        parts.push(format!(
            "max abs error {error:.1e} vs sentence-transformers"
        ));
    }
    if let Some(reason) = &e.reason {
        parts.push(reason.clone());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_tells_numbers_or_the_reason() {
        let ok = Embedding {
            status: EmbeddingStatus::Success,
            reason: None,
            load_seconds: Some(0.123),
            encode_seconds: Some(0.5),
            sentences: Some(200),
            sentences_per_second: Some(400.0),
            peak_rss_mib: Some(190.4),
            memory_needed_mib: Some(180.0),
            max_abs_error: Some(2.5e-7),
            ..Embedding::skipped("")
        };
        assert_eq!(
            summary(&ok),
            "success, loaded in 0.12 s, encoded 200 sentences in 0.50 s (400 sentences/s), \
             peak memory 190 MiB, 180 MiB for the model, max abs error 2.5e-7 vs \
             sentence-transformers"
        );
        assert_eq!(summary(&Embedding::skipped("no model")), "skip, no model");
    }
}
