//! The embedding load test. Until the candle-based test lands, every probe records it as
//! skipped with that reason; nothing here claims a result.

use llmcap_core::report::Embedding;
use std::path::PathBuf;
use std::time::Duration;

/// Settings of the embedding test.
#[derive(Debug, Clone, Default)]
#[allow(dead_code)] // read by the candle-based test
pub struct EmbedOptions {
    /// `--model-dir`.
    pub model_dir: Option<PathBuf>,
    /// `--offline`.
    pub offline: bool,
    /// `--embedding-timeout`.
    pub timeout: Duration,
}

/// Runs the test; in this build it is not available.
pub fn run_test(_options: &EmbedOptions) -> Embedding {
    Embedding::skipped("the embedding test is not built into this llmcap")
}

/// One line on what the result means for the machine.
pub fn meaning(_embedding: &Embedding) -> &'static str {
    "E1 retrieval needs the embedding model; this machine was not tested."
}
