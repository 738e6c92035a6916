//! What the `embed-worker` child prints: one JSON line on stdout, last, and how the parent
//! reads it into the report's [`Embedding`].
//!
//! The child may print progress to stderr (`llmcap-embed: stage …`); stdout carries only the
//! result, so a crash leaves stdout empty rather than half a line the parent would trust.

use llmcap_core::report::{Embedding, EmbeddingStatus};
use serde::{Deserialize, Serialize};

/// The version of this protocol; the parent rejects any other.
pub const PROTOCOL: u32 = 1;

/// The longest reason kept from the child (the report allows 4096 characters).
pub const MAX_REASON_CHARS: usize = 1000;

/// The prefix of the child's progress lines on stderr.
pub const STAGE_PREFIX: &str = "llmcap-embed: stage ";

/// The outcome the child itself can report (a timeout or a crash it cannot).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum WorkerStatus {
    /// Loaded, encoded, and matched the reference.
    Success,
    /// Anything else; `reason` says what.
    Fail,
}

/// One timed batch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BatchReport {
    /// `guide` (100 × "Test sentence"), `mixed` (100 realistic sentences) or `reference`.
    pub name: String,
    /// Sentences.
    pub sentences: u64,
    /// Tokens, special tokens included, padding not.
    pub tokens: u64,
    /// Tokens computed, padding included.
    pub padded_tokens: u64,
    /// Seconds.
    pub seconds: f64,
}

/// The result of loading and encoding, as the child prints it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkerReport {
    /// [`PROTOCOL`].
    pub protocol: u32,
    /// Outcome.
    pub status: WorkerStatus,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The model folder.
    pub model_path: String,
    /// Seconds to read the configuration, the tokenizer and the weights.
    #[serde(default)]
    pub load_seconds: Option<f64>,
    /// Seconds to encode the timed batches (`guide` and `mixed`).
    #[serde(default)]
    pub encode_seconds: Option<f64>,
    /// Sentences in the timed batches.
    #[serde(default)]
    pub sentences: Option<u64>,
    /// Tokens in the timed batches, padding included.
    #[serde(default)]
    pub padded_tokens: Option<u64>,
    /// Tokens in the timed batches, padding not included.
    #[serde(default)]
    pub tokens: Option<u64>,
    /// Threads candle computes with.
    #[serde(default)]
    pub threads: Option<u64>,
    /// Resident memory before loading, MiB.
    #[serde(default)]
    pub baseline_rss_mib: Option<f64>,
    /// Peak resident memory of the child, MiB.
    #[serde(default)]
    pub peak_rss_mib: Option<f64>,
    /// Largest difference from the reference embeddings.
    #[serde(default)]
    pub max_abs_error: Option<f64>,
    /// Seconds spent on the self-check's own batch.
    #[serde(default)]
    pub check_seconds: Option<f64>,
    /// Each batch, in the order run.
    #[serde(default)]
    pub batches: Vec<BatchReport>,
}

impl WorkerReport {
    /// A failure before anything was measured.
    pub fn failed(model_path: String, reason: String) -> WorkerReport {
        WorkerReport {
            protocol: PROTOCOL,
            status: WorkerStatus::Fail,
            reason: Some(reason),
            model_path,
            load_seconds: None,
            encode_seconds: None,
            sentences: None,
            padded_tokens: None,
            tokens: None,
            threads: None,
            baseline_rss_mib: None,
            peak_rss_mib: None,
            max_abs_error: None,
            check_seconds: None,
            batches: Vec::new(),
        }
    }

    /// The report's form of this result for `model`.
    pub fn into_embedding(self, model: &str) -> Embedding {
        let rate = match (self.sentences, self.encode_seconds) {
            (Some(n), Some(s)) if s > 0.0 => Some(n as f64 / s),
            _ => None,
        };
        let needed = match (self.peak_rss_mib, self.baseline_rss_mib) {
            (Some(peak), Some(base)) => Some((peak - base).max(0.0)),
            _ => None,
        };
        Embedding {
            status: match self.status {
                WorkerStatus::Success => EmbeddingStatus::Success,
                WorkerStatus::Fail => EmbeddingStatus::Fail,
            },
            reason: self.reason.map(|r| clip(&r, MAX_REASON_CHARS)),
            model: Some(model.to_owned()),
            model_path: Some(self.model_path),
            load_seconds: self.load_seconds,
            encode_seconds: self.encode_seconds,
            sentences: self.sentences,
            sentences_per_second: rate,
            tokens: self.padded_tokens,
            threads: self.threads,
            peak_rss_mib: self.peak_rss_mib,
            memory_needed_mib: needed,
            max_abs_error: self.max_abs_error,
        }
    }
}

/// The result of a download, as the child prints it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchReport {
    /// [`PROTOCOL`].
    pub protocol: u32,
    /// The complete model folder in the cache, when the download worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_path: Option<String>,
    /// Why it did not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Reads the child's stdout: its last non-empty line must be a `T` of this [`PROTOCOL`].
pub fn parse_last_line<T>(stdout: &str) -> Result<T, String>
where
    T: for<'de> Deserialize<'de> + HasProtocol,
{
    let Some(line) = stdout.lines().rev().find(|l| !l.trim().is_empty()) else {
        return Err("it printed no result".to_owned());
    };
    let value: T = serde_json::from_str(line)
        .map_err(|e| format!("its result is not valid JSON ({e}): {}", clip(line, 200)))?;
    match value.protocol() {
        PROTOCOL => Ok(value),
        other => Err(format!(
            "it speaks protocol {other}, this llmcap speaks {PROTOCOL} (a different llmcap binary?)"
        )),
    }
}

/// Results that carry a protocol version.
pub trait HasProtocol {
    /// The version written.
    fn protocol(&self) -> u32;
}

impl HasProtocol for WorkerReport {
    fn protocol(&self) -> u32 {
        self.protocol
    }
}

impl HasProtocol for FetchReport {
    fn protocol(&self) -> u32 {
        self.protocol
    }
}

/// The last progress stage the child announced on stderr, if any.
pub fn last_stage(stderr: &str) -> Option<&str> {
    stderr
        .lines()
        .rev()
        .find_map(|l| l.strip_prefix(STAGE_PREFIX))
        .map(str::trim)
}

/// At most `max` characters of `text`, marked when cut.
pub fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> WorkerReport {
        WorkerReport {
            status: WorkerStatus::Success,
            reason: None,
            load_seconds: Some(0.25),
            encode_seconds: Some(0.5),
            sentences: Some(200),
            padded_tokens: Some(3000),
            tokens: Some(2500),
            threads: Some(2),
            baseline_rss_mib: Some(10.0),
            peak_rss_mib: Some(190.0),
            max_abs_error: Some(2e-7),
            check_seconds: Some(0.1),
            ..WorkerReport::failed("/m".to_owned(), String::new())
        }
    }

    #[test]
    fn a_printed_report_reads_back_the_same() {
        let line = serde_json::to_string(&sample()).unwrap();
        assert!(!line.contains('\n'));
        let out = format!("noise that is not the result\n{line}\n\n");
        assert_eq!(parse_last_line::<WorkerReport>(&out).unwrap(), sample());
    }

    #[test]
    fn missing_garbled_or_foreign_results_are_errors() {
        let none = parse_last_line::<WorkerReport>(" \n").unwrap_err();
        assert!(none.contains("no result"), "{none}");
        let cut = parse_last_line::<WorkerReport>("{\"protocol\":1,\"sta").unwrap_err();
        assert!(cut.contains("not valid JSON"), "{cut}");
        let mut future = sample();
        future.protocol = 2;
        let line = serde_json::to_string(&future).unwrap();
        let err = parse_last_line::<WorkerReport>(&line).unwrap_err();
        assert!(err.contains("protocol 2"), "{err}");
    }

    #[test]
    fn success_becomes_an_embedding_with_rates_and_memory() {
        let e = sample().into_embedding("sentence-transformers/all-MiniLM-L6-v2");
        assert_eq!(e.status, EmbeddingStatus::Success);
        assert_eq!(e.sentences_per_second, Some(400.0));
        assert_eq!(e.memory_needed_mib, Some(180.0));
        assert_eq!(e.tokens, Some(3000), "the report counts padded tokens");
        assert_eq!(e.model_path.as_deref(), Some("/m"));
    }

    #[test]
    fn failure_keeps_its_reason_and_invents_no_numbers() {
        let e = WorkerReport::failed("/m".into(), "config.json: bad".into()).into_embedding("m");
        assert_eq!(e.status, EmbeddingStatus::Fail);
        assert_eq!(e.reason.as_deref(), Some("config.json: bad"));
        assert_eq!((e.sentences_per_second, e.memory_needed_mib), (None, None));
    }

    #[test]
    fn fetch_reports_read_back() {
        let ok = FetchReport {
            protocol: PROTOCOL,
            model_path: Some("/c/snap".into()),
            error: None,
        };
        let line = serde_json::to_string(&ok).unwrap();
        assert_eq!(parse_last_line::<FetchReport>(&line).unwrap(), ok);
    }

    #[test]
    fn last_stage_and_clip() {
        let err = "warning\nllmcap-embed: stage loading\nllmcap-embed: stage encoding guide\nx\n";
        assert_eq!(last_stage(err), Some("encoding guide"));
        assert_eq!(last_stage("nothing"), None);
        assert_eq!(clip("abcdef", 3), "abc…");
        assert_eq!(clip("ab", 3), "ab");
    }
}
