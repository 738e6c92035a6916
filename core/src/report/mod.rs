//! Capability reports: the validated [`Report`], its wire format, and parsing.
//!
//! # Wire format (schema version 1)
//!
//! A report is one JSON object, written by `llmcap probe` as `capability_report_<host>.json`
//! or by the guide's `test_capability.py`. llmcap's format is a superset of the guide's:
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `timestamp` | string | local time of the probe, `YYYY-MM-DD HH:MM:SS` (guide) |
//! | `hostname` | string | the machine's name (guide) |
//! | `system.*` | object | `platform`, `processor`, `architecture`, `python_version`, `cpu_count`, `cpu_count_physical`, `ram_gb`, `ram_available_gb`, `disk_free_gb`, `gpu`, `gpu_type` (guide); `os`, `kernel`, `cpu_brand`, `ram_available_host_gb`, `memory_limit_gb`, `disk_path`, `disk_mount`, `gpus[]` (llmcap) |
//! | `benchmark.*` | object | `matrix_mult_time` (s for 100 rounds), `operations_per_second` (guide); `gflops`, medians, rounds, threads (llmcap) |
//! | `capabilities.*` | object | `prerequisites`, `e0_e1`, `e2_full`, `e2_quantized`, `model_recommendations`, `notes` (guide) |
//! | `schema_version` | integer | [`SCHEMA_VERSION`]; absent in the guide's reports |
//! | `tool` | object | `name`, `version`, `target` of the writer |
//! | `timestamp_utc` | string | UTC time, `YYYY-MM-DDTHH:MM:SSZ` |
//! | `ollama` | object | `installed`, `version`, `host`, `server_reachable`, `models` |
//! | `embedding` | object | the embedding load test: `status`, `reason`, timings, memory |
//! | `performance` | object | memory bandwidth, f32 compute, Phi-3-mini's speed per device and level, Ollama's measurement ([`crate::speed::report`]) |
//! | `checks` | object | per phase, a list of `{requirement, required, actual, pass, level, source}` |
//! | `recommendations` | object | quantization, install commands, batch size, machine type |
//! | `warnings` | array | problems the probe met, none fatal |
//!
//! Sizes are GiB in `_gb` keys (the guide's unit, which it calls GB) and MiB in `_mib` keys;
//! times are seconds. Unknown keys are ignored, `checks` and `recommendations` are recomputed
//! from the facts rather than read, and a `schema_version` newer than [`SCHEMA_VERSION`] is an
//! error. `schema/report.schema.json` is the JSON Schema of this format, generated from
//! [`wire::RawReport`].
//!
//! Many reports can travel as one file, a [`bundle`]: `{"llmcap_bundle": 1, "reports": [...]}`.

pub mod bundle;
mod de;
mod error;
mod error_lines;
mod machine;
mod parse;
mod phase;
mod time;
mod validate;
pub mod wire;
mod write;

pub use bundle::{
    BUNDLE_SNIFF_BYTES, BUNDLE_VERSION, MAX_BUNDLE_BYTES, MAX_BUNDLE_REPORTS, ReadReport,
    read_reports, worth_reading, write_bundle,
};
pub use error::{FieldError, ReportError, SizeLimit, show_number, show_text};
pub use error_lines::{MAX_ERRORS_PER_FILE, error_lines};
pub use machine::{
    Benchmark, BenchmarkStatus, Capabilities, Embedding, EmbeddingStatus, Gpu, GpuMemory, GpuType,
    Machine, Ollama, System,
};
pub use parse::{parse_raw, parse_report};
pub use phase::Phase;
pub use time::DateTime;
pub use validate::{MAX_TEXT_CHARS, check_performance};

use serde::Serialize;
use std::fmt;

/// The wire-format version this llmcap writes and the newest it reads.
pub const SCHEMA_VERSION: u32 = 1;

/// The largest report file accepted. Real reports are a few KiB.
pub const MAX_REPORT_BYTES: u64 = 1024 * 1024;

/// A validated capability report: everything downstream takes `&Report` and never re-checks.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// Wire-format version; `None` for reports written by the guide's script.
    pub schema_version: Option<u32>,
    /// The program that wrote the report, when it said.
    pub tool: Option<Tool>,
    /// Local time of the probe.
    pub timestamp: DateTime,
    /// UTC time of the probe (llmcap reports only).
    pub timestamp_utc: Option<DateTime>,
    /// The machine's name.
    pub hostname: Hostname,
    /// What was measured.
    pub machine: Machine,
    /// The verdict stored in the report.
    pub capabilities: Capabilities,
    /// Problems the probe met.
    pub warnings: Vec<String>,
}

/// The program that wrote a report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Tool {
    /// Its name.
    pub name: String,
    /// Its version.
    pub version: String,
    /// The target triple, when recorded.
    pub target: Option<String>,
}

/// A host name that is safe to show and to put in a file name.
///
/// 1-253 characters; letters, digits, `-`, `_` and `.`; no `..`, no leading `.`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Hostname(String);

impl Hostname {
    /// The longest host name accepted (DNS's limit).
    pub const MAX_CHARS: usize = 253;

    /// Checks a host name; the error says what a valid one looks like.
    pub fn parse(name: &str) -> Result<Hostname, FieldError> {
        let expected =
            "a host name of letters, digits, '-', '_' and '.' (1-253 characters, no '..')";
        let count = name.chars().count();
        let ok = (1..=Self::MAX_CHARS).contains(&count)
            && !name.starts_with('.')
            && !name.contains("..")
            && name
                .chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if ok {
            Ok(Hostname(name.to_owned()))
        } else {
            Err(FieldError::invalid("hostname", show_text(name), expected))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Hostname {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests;
