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
//! | `checks` | object | per phase, a list of `{requirement, required, actual, pass, level, source}` |
//! | `recommendations` | object | quantization, install commands, batch size, machine type |
//! | `warnings` | array | problems the probe met, none fatal |
//!
//! Sizes are GiB in `_gb` keys (the guide's unit, which it calls GB) and MiB in `_mib` keys;
//! times are seconds. Unknown keys are ignored, `checks` and `recommendations` are recomputed
//! from the facts rather than read, and a `schema_version` newer than [`SCHEMA_VERSION`] is an
//! error. `schema/report.schema.json` is the JSON Schema of this format, generated from
//! [`wire::RawReport`].

mod de;
mod error;
mod time;
mod validate;
pub mod wire;

pub use error::{FieldError, ReportError, show_number, show_text};
pub use time::DateTime;

use serde::Deserialize;
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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// Everything measured on a machine: the input of [`classify`](crate::classify::classify) and
/// [`recommend`](crate::recommend::recommend).
#[derive(Debug, Clone, PartialEq)]
pub struct Machine {
    /// Hardware and operating system.
    pub system: System,
    /// The compute benchmark.
    pub benchmark: Benchmark,
    /// Ollama, when the report says.
    pub ollama: Option<Ollama>,
    /// The embedding load test, when the report says.
    pub embedding: Option<Embedding>,
}

/// Hardware and operating-system facts.
#[derive(Debug, Clone, PartialEq)]
pub struct System {
    /// `Linux`, `Darwin`, `Windows`.
    pub platform: Option<String>,
    /// Python's `platform.processor()`.
    pub processor: Option<String>,
    /// `x86_64`, `aarch64`, `arm64`.
    pub architecture: Option<String>,
    /// Python's `sys.version`, when Python was found.
    pub python_version: Option<String>,
    /// Logical CPUs.
    pub cpu_count: u32,
    /// Physical cores, when known.
    pub cpu_count_physical: Option<u32>,
    /// Total RAM, GiB.
    pub ram_gb: f64,
    /// Available RAM, GiB, bounded by any container limit: what the verdict uses.
    pub ram_available_gb: f64,
    /// Free disk, GiB.
    pub disk_free_gb: f64,
    /// The guide's GPU string.
    pub gpu: Option<String>,
    /// The guide's GPU type.
    pub gpu_type: Option<GpuType>,
    /// Operating system name and version.
    pub os: Option<String>,
    /// Kernel version.
    pub kernel: Option<String>,
    /// CPU brand string.
    pub cpu_brand: Option<String>,
    /// Available RAM of the host before a container limit, GiB.
    pub ram_available_host_gb: Option<f64>,
    /// Container memory limit, GiB.
    pub memory_limit_gb: Option<f64>,
    /// Folder whose file system was measured.
    pub disk_path: Option<String>,
    /// Its mount point.
    pub disk_mount: Option<String>,
    /// Every GPU found.
    pub gpus: Vec<Gpu>,
}

impl System {
    /// Total RAM usable here: the container limit where it is lower than the host's RAM.
    pub fn usable_ram_gb(&self) -> f64 {
        match self.memory_limit_gb {
            Some(limit) if limit < self.ram_gb => limit,
            _ => self.ram_gb,
        }
    }

    /// Physical cores where known, else logical CPUs.
    pub fn cores(&self) -> u32 {
        self.cpu_count_physical.unwrap_or(self.cpu_count)
    }

    /// The largest discrete-GPU memory in GiB (unified memory is RAM, not counted here).
    pub fn largest_vram_gb(&self) -> Option<f64> {
        self.gpus
            .iter()
            .filter(|g| !g.unified_memory)
            .filter_map(|g| g.vram_total_mib)
            .max()
            .map(|mib| mib as f64 / 1024.0)
    }
}

/// The guide's `gpu_type`, plus AMD.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum GpuType {
    /// `nvidia`: found by `nvidia-smi` or NVML.
    Nvidia,
    /// `apple_silicon`: an Apple M-series chip (unified memory).
    AppleSilicon,
    /// `amd`: found by `rocm-smi` (llmcap only).
    Amd,
    /// Another value, kept as written.
    Other(String),
}

impl GpuType {
    /// The wire spelling.
    pub fn as_str(&self) -> &str {
        match self {
            GpuType::Nvidia => "nvidia",
            GpuType::AppleSilicon => "apple_silicon",
            GpuType::Amd => "amd",
            GpuType::Other(other) => other,
        }
    }

    /// Reads the wire spelling.
    pub fn from_wire(text: &str) -> GpuType {
        match text {
            "nvidia" => GpuType::Nvidia,
            "apple_silicon" => GpuType::AppleSilicon,
            "amd" => GpuType::Amd,
            other => GpuType::Other(other.to_owned()),
        }
    }
}

/// One GPU.
#[derive(Debug, Clone, PartialEq)]
pub struct Gpu {
    /// `nvidia`, `amd`, `apple`, ...
    pub vendor: String,
    /// Product name.
    pub name: String,
    /// Total memory in MiB, when known.
    pub vram_total_mib: Option<u64>,
    /// Free memory in MiB, when known.
    pub vram_free_mib: Option<u64>,
    /// Driver version.
    pub driver: Option<String>,
    /// Shares system RAM.
    pub unified_memory: bool,
    /// How it was found.
    pub source: Option<String>,
}

/// The compute benchmark. All numbers are `None` when it was skipped.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Benchmark {
    /// Seconds for 100 rounds of the guide's loop: what the "Slow CPU" rule reads.
    pub matrix_mult_time: Option<f64>,
    /// 100 / `matrix_mult_time`.
    pub operations_per_second: Option<f64>,
    /// Measured GFLOP/s of the product.
    pub gflops: Option<f64>,
    /// Median seconds of one product.
    pub seconds_per_product_median: Option<f64>,
    /// Median seconds of one round.
    pub seconds_per_round_median: Option<f64>,
    /// Rounds measured.
    pub rounds: Option<u64>,
    /// Matrix side.
    pub matrix_size: Option<u64>,
    /// Threads used.
    pub threads: Option<u64>,
    /// Time budget, seconds.
    pub budget_seconds: Option<f64>,
}

impl Benchmark {
    /// GFLOP/s: measured, or estimated from the guide's `matrix_mult_time` (100 products of
    /// 2·1000³ operations; an underestimate, since the guide's time includes making the
    /// random matrices).
    pub fn effective_gflops(&self) -> Option<f64> {
        self.gflops.or_else(|| {
            self.matrix_mult_time
                .filter(|t| *t > 0.0)
                .map(|t| 100.0 * 2.0 * 1e9 / t / 1e9)
        })
    }
}

/// Ollama on the machine.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Ollama {
    /// The CLI was found.
    pub installed: bool,
    /// Its version.
    pub version: Option<String>,
    /// The server address tried.
    pub host: Option<String>,
    /// The server answered.
    pub server_reachable: bool,
    /// Models present.
    pub models: Vec<String>,
}

/// Outcome of the embedding load test.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EmbeddingStatus {
    /// Loaded, encoded and matched the reference.
    Success,
    /// Not run (no model, or `--skip-embedding`): says nothing about the machine.
    Skip,
    /// The model could not be loaded or gave wrong output.
    Fail,
    /// Ran past its time limit.
    Timeout,
}

impl EmbeddingStatus {
    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EmbeddingStatus::Success => "success",
            EmbeddingStatus::Skip => "skip",
            EmbeddingStatus::Fail => "fail",
            EmbeddingStatus::Timeout => "timeout",
        }
    }

    /// Reads the wire spelling.
    pub fn from_wire(text: &str) -> Option<EmbeddingStatus> {
        Some(match text {
            "success" => EmbeddingStatus::Success,
            "skip" => EmbeddingStatus::Skip,
            "fail" => EmbeddingStatus::Fail,
            "timeout" => EmbeddingStatus::Timeout,
            _ => return None,
        })
    }
}

/// The embedding load test's result.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedding {
    /// Outcome.
    pub status: EmbeddingStatus,
    /// Why, for anything but success.
    pub reason: Option<String>,
    /// Model name.
    pub model: Option<String>,
    /// Folder loaded from.
    pub model_path: Option<String>,
    /// Load time, seconds.
    pub load_seconds: Option<f64>,
    /// Encode time, seconds.
    pub encode_seconds: Option<f64>,
    /// Sentences encoded.
    pub sentences: Option<u64>,
    /// Encoding throughput.
    pub sentences_per_second: Option<f64>,
    /// Tokens encoded, padding included.
    pub tokens: Option<u64>,
    /// Threads used.
    pub threads: Option<u64>,
    /// Peak RSS of the test's process, MiB.
    pub peak_rss_mib: Option<f64>,
    /// Memory the test needed, MiB.
    pub memory_needed_mib: Option<f64>,
    /// Largest difference from the reference embeddings.
    pub max_abs_error: Option<f64>,
}

impl Embedding {
    /// A test that was not run, with the reason.
    pub fn skipped(reason: impl Into<String>) -> Embedding {
        Embedding {
            status: EmbeddingStatus::Skip,
            reason: Some(reason.into()),
            model: None,
            model_path: None,
            load_seconds: None,
            encode_seconds: None,
            sentences: None,
            sentences_per_second: None,
            tokens: None,
            threads: None,
            peak_rss_mib: None,
            memory_needed_mib: None,
            max_abs_error: None,
        }
    }
}

/// The guide's verdict: which phases the machine can run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Capabilities {
    /// P1-P3.
    pub prerequisites: bool,
    /// E0 and E1.
    pub e0_e1: bool,
    /// E2 at full precision.
    pub e2_full: bool,
    /// E2 quantized (only when not full).
    pub e2_quantized: bool,
    /// The guide's recommendation lines, in order.
    pub model_recommendations: Vec<String>,
    /// The guide's note.
    pub notes: Option<String>,
}

impl Capabilities {
    /// Can run E2 in either form.
    pub fn e2(&self) -> bool {
        self.e2_full || self.e2_quantized
    }
}

/// Reads one report file (the guide's format or llmcap's) and validates it.
///
/// `file` is the name used in error messages. Never panics, whatever the bytes.
pub fn parse_report(file: &str, bytes: &[u8]) -> Result<Report, ReportError> {
    let raw = parse_raw(file, bytes)?;
    Report::from_raw(file, raw)
}

/// Reads one report file into the lenient wire form, checking only that it is a JSON object
/// of the right shape.
pub fn parse_raw(file: &str, bytes: &[u8]) -> Result<wire::RawReport, ReportError> {
    let file_owned = || file.to_owned();
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge {
            file: file_owned(),
            size: bytes.len() as u64,
            limit: MAX_REPORT_BYTES,
        });
    }
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => {
            let utf16 = bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]);
            return Err(ReportError::NotText {
                file: file_owned(),
                what: if utf16 {
                    "UTF-16, not UTF-8,".to_owned()
                } else {
                    "bytes that are not UTF-8".to_owned()
                },
                offset: e.valid_up_to(),
            });
        }
    };
    if let Some(offset) = first_control(text) {
        return Err(ReportError::NotText {
            file: file_owned(),
            what: format!(
                "control character {:?}",
                text[offset..].chars().next().unwrap_or('\0')
            ),
            offset,
        });
    }
    let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let Some(first) = body.chars().next() else {
        return Err(ReportError::Empty { file: file_owned() });
    };
    if first != '{'
        && let Some(found) = json_kind(body)
    {
        return Err(ReportError::NotAnObject {
            file: file_owned(),
            found,
        });
    }
    // Fast path: plain serde. Only a report that fails is decoded again with
    // serde_path_to_error, which names the field but allocates for every key it passes.
    let mut deserializer = serde_json::Deserializer::from_str(body);
    if let Ok(raw) = wire::RawReport::deserialize(&mut deserializer)
        && deserializer.end().is_ok()
    {
        check_schema_version(file, raw.schema_version)?;
        return Ok(raw);
    }
    let mut deserializer = serde_json::Deserializer::from_str(body);
    match serde_path_to_error::deserialize::<_, wire::RawReport>(&mut deserializer) {
        Ok(raw) => {
            if let Err(trailing) = deserializer.end() {
                return Err(syntax_error(file, body, &trailing));
            }
            check_schema_version(file, raw.schema_version)?;
            Ok(raw)
        }
        Err(error) => {
            // A newer format may fail to decode for reasons this version cannot explain: say
            // that first.
            check_schema_version(file, peek_schema_version(body))?;
            Err(decode_error(file, body, error))
        }
    }
}

/// The offset of the first control character that is not white space.
///
/// Scans bytes first: every such character starts with a byte below 0x20, 0x7F, or 0xC2
/// (U+0080-U+009F), so most reports are checked without decoding a single character.
fn first_control(text: &str) -> Option<usize> {
    const CHUNK: usize = 64;
    // Branch-free so that the compiler can test a whole chunk with vector instructions.
    let suspect = |b: u8| (b < 0x20 && b.wrapping_sub(b'\t') > 4) | (b == 0x7f) | (b == 0xc2);
    let chunk = text
        .as_bytes()
        .chunks(CHUNK)
        .position(|chunk| chunk.iter().fold(false, |any, &b| any | suspect(b)))?;
    let start = chunk * CHUNK;
    let first = start
        + text
            .as_bytes()
            .get(start..)?
            .iter()
            .position(|&b| suspect(b))?;
    // `first` is an ASCII byte or a lead byte, so a character boundary.
    text.get(first..)?
        .find(|c: char| c.is_control() && !c.is_whitespace())
        .map(|offset| first + offset)
}

fn check_schema_version(file: &str, found: Option<u64>) -> Result<(), ReportError> {
    match found {
        Some(found) if found > u64::from(SCHEMA_VERSION) => Err(ReportError::NewerSchema {
            file: file.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        }),
        _ => Ok(()),
    }
}

fn peek_schema_version(body: &str) -> Option<u64> {
    #[derive(Deserialize)]
    struct Peek {
        schema_version: Option<u64>,
    }
    serde_json::from_str::<Peek>(body).ok()?.schema_version
}

fn json_kind(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    Some(
        match value {
            serde_json::Value::Array(_) => "a JSON array",
            serde_json::Value::String(_) => "a JSON string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            serde_json::Value::Null => "null",
            serde_json::Value::Object(_) => return None,
        }
        .to_owned(),
    )
}

fn decode_error(
    file: &str,
    body: &str,
    error: serde_path_to_error::Error<serde_json::Error>,
) -> ReportError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let message = strip_position(&inner.to_string());
    if inner.is_data() && path != "." {
        return ReportError::WrongType {
            file: file.to_owned(),
            field: path,
            message,
        };
    }
    syntax_error(file, body, &inner)
}

fn syntax_error(file: &str, body: &str, error: &serde_json::Error) -> ReportError {
    let message = strip_position(&error.to_string());
    let field = key_at(body, error.line(), error.column())
        .map(|key| format!(" in field `{key}`"))
        .unwrap_or_default();
    let hint = python_literal_at(body, error.line(), error.column())
        .map(|lit| format!(" (`{lit}` is Python's, not JSON's; write null)"))
        .unwrap_or_default();
    ReportError::Syntax {
        file: file.to_owned(),
        line: error.line(),
        column: error.column(),
        message: format!("{message}{field}{hint}"),
    }
}

fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// The key whose value was being read at a syntax error, when it is on the same line
/// (`"gpu": None` gives `gpu`), so that the message can name the field.
fn key_at(body: &str, line: usize, column: usize) -> Option<&str> {
    let text = body.lines().nth(line.checked_sub(1)?)?;
    let end = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let before = text.get(..end)?;
    let colon = before.rfind("\":")?;
    let open = before.get(..colon)?.rfind('"')?;
    let key = before.get(open + 1..colon)?;
    let plain = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    (!key.is_empty() && key.len() <= 64 && key.chars().all(plain)).then_some(key)
}

/// Python's `json.dump` writes `NaN` and `Infinity`, which are not JSON; a hand-edited
/// report may hold Python's `None`.
fn python_literal_at(body: &str, line: usize, column: usize) -> Option<&'static str> {
    let text = body.lines().nth(line.checked_sub(1)?)?;
    let start = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let around = text.get(start.saturating_sub(1)..)?;
    ["-Infinity", "Infinity", "NaN", "None"]
        .into_iter()
        .find(|lit| {
            around
                .trim_start_matches([':', ' ', '[', ','])
                .starts_with(lit)
        })
}

#[cfg(test)]
mod tests;
