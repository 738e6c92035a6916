//! The report's wire format as it is read: lenient serde types that accept the guide's
//! reports and llmcap's, and from which `schema/report.schema.json` is generated.
//!
//! Every field is optional here; [`Report::try_from`](super::Report) decides what is required
//! and checks the values. Unknown fields are ignored, so a newer llmcap's additions do not
//! break an older reader; the checks and recommendations a document carries are among them,
//! recomputed from the facts rather than trusted. llmcap writes the validated
//! [`Report`](super::Report) itself, whose serialization uses the same keys.

use super::de;
use crate::speed::report::Performance;
use serde::{Deserialize, Serialize};

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// A capability report as it is stored in `capability_report_<host>.json`.
///
/// The first five keys are the guide's; their names, types and meanings are unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[cfg_attr(feature = "schema", schemars(title = "llmcap capability report"))]
#[serde(expecting = "a JSON object (a capability report)")]
pub struct RawReport {
    /// Local time of the probe, `YYYY-MM-DD HH:MM:SS` (the guide's format).
    #[serde(default)]
    pub timestamp: Option<String>,
    /// The machine's host name.
    #[serde(default)]
    pub hostname: Option<String>,
    /// Measured system facts.
    #[serde(default)]
    pub system: Option<RawSystem>,
    /// The compute benchmark.
    #[serde(default)]
    pub benchmark: Option<RawBenchmark>,
    /// The verdict: what this machine can run.
    #[serde(default)]
    pub capabilities: Option<RawCapabilities>,
    /// Version of this wire format; absent in reports written by the guide's script.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "de::count"
    )]
    pub schema_version: Option<u64>,
    /// The program that wrote the report.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool: Option<RawTool>,
    /// The probe's time in UTC, RFC 3339 (`2026-11-27T03:04:16Z`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub timestamp_utc: Option<String>,
    /// Ollama, the local model runner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ollama: Option<RawOllama>,
    /// The embedding-model load test (all-MiniLM-L6-v2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedding: Option<RawEmbedding>,
    /// Memory bandwidth, and Phi-3-mini's speed per device and quantization level, each
    /// figure marked measured or predicted. Its types are lenient already (every field
    /// optional, unknown keys ignored), so the validated report keeps them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub performance: Option<Performance>,
    /// Problems the probe met (a missing or hung tool, say); none of them is fatal.
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub warnings: Vec<String>,
}

/// System facts: the guide's `system` object plus llmcap's additions.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(expecting = "an object of system facts")]
pub struct RawSystem {
    /// Operating system family: `Linux`, `Darwin`, `Windows`.
    #[serde(default)]
    pub platform: Option<String>,
    /// Processor name as Python's `platform.processor()` gives it (may be empty).
    #[serde(default)]
    pub processor: Option<String>,
    /// Machine architecture: `x86_64`, `aarch64`, `arm64`.
    #[serde(default)]
    pub architecture: Option<String>,
    /// Version of the Python interpreter (`sys.version`), when one was found.
    #[serde(default)]
    pub python_version: Option<String>,
    /// Logical CPUs.
    #[serde(default, deserialize_with = "de::count")]
    pub cpu_count: Option<u64>,
    /// Physical cores; `null` where the platform does not say.
    #[serde(default, deserialize_with = "de::count")]
    pub cpu_count_physical: Option<u64>,
    /// Total RAM in GiB (the guide calls it GB), two decimals.
    #[serde(default, deserialize_with = "de::number")]
    pub ram_gb: Option<f64>,
    /// RAM available to new work in GiB, two decimals; bounded by a container limit.
    #[serde(default, deserialize_with = "de::number")]
    pub ram_available_gb: Option<f64>,
    /// Free disk in GiB, two decimals, of the file system that holds the report.
    #[serde(default, deserialize_with = "de::number")]
    pub disk_free_gb: Option<f64>,
    /// The guide's GPU string: `nvidia-smi`'s `name, memory.total` lines, or Apple's text.
    #[serde(default)]
    pub gpu: Option<String>,
    /// `nvidia`, `apple_silicon`, `amd`, or absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gpu_type: Option<String>,
    /// Operating system name and version, e.g. `Debian GNU/Linux 12 (bookworm)`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Kernel version.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// CPU brand string, e.g. `AMD EPYC 7B13`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cpu_brand: Option<String>,
    /// Available RAM of the whole host, in GiB, before any container limit.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub ram_available_host_gb: Option<f64>,
    /// The container (cgroup) memory limit in GiB, where one applies.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub memory_limit_gb: Option<f64>,
    /// The folder whose file system `disk_free_gb` measures.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_path: Option<String>,
    /// The mount point of that file system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_mount: Option<String>,
    /// Every GPU found, one entry each.
    #[serde(
        default,
        deserialize_with = "de::list",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub gpus: Vec<RawGpu>,
}

/// One GPU.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(expecting = "an object describing a GPU")]
pub struct RawGpu {
    /// `nvidia`, `amd`, `apple` or another vendor's name.
    #[serde(default)]
    pub vendor: Option<String>,
    /// Product name, e.g. `NVIDIA H200`.
    #[serde(default)]
    pub name: Option<String>,
    /// Total memory in MiB; `null` where the tool does not say (unified-memory parts).
    #[serde(default, deserialize_with = "de::count")]
    pub vram_total_mib: Option<u64>,
    /// Free memory in MiB, when known.
    #[serde(default, deserialize_with = "de::count")]
    pub vram_free_mib: Option<u64>,
    /// Driver version.
    #[serde(default)]
    pub driver: Option<String>,
    /// True where the GPU shares the system RAM (Apple Silicon, some NVIDIA parts).
    #[serde(default)]
    pub unified_memory: Option<bool>,
    /// How it was found: `nvml`, `nvidia-smi`, `rocm-smi`, `sysctl`.
    #[serde(default)]
    pub source: Option<String>,
}

/// The compute benchmark: the guide's two keys plus llmcap's measurements.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(expecting = "an object with the benchmark's results")]
pub struct RawBenchmark {
    /// Seconds for 100 rounds of the guide's loop (two fresh random 1000×1000 f64 matrices
    /// and their product); `null` when the benchmark was skipped.
    #[serde(default, deserialize_with = "de::number")]
    pub matrix_mult_time: Option<f64>,
    /// 100 / `matrix_mult_time`.
    #[serde(default, deserialize_with = "de::number")]
    pub operations_per_second: Option<f64>,
    /// `success` or `skip`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    /// Measured GFLOP/s of the product alone (2·n³ floating-point operations per product).
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub gflops: Option<f64>,
    /// Median seconds of one product.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub seconds_per_product_median: Option<f64>,
    /// Median seconds of one round of the guide's loop (two random matrices and a product).
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub seconds_per_round_median: Option<f64>,
    /// Rounds measured within the time budget.
    #[serde(
        default,
        deserialize_with = "de::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub rounds: Option<u64>,
    /// Matrix side (1000).
    #[serde(
        default,
        deserialize_with = "de::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub matrix_size: Option<u64>,
    /// Threads the product used.
    #[serde(
        default,
        deserialize_with = "de::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub threads: Option<u64>,
    /// The time budget in seconds.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub budget_seconds: Option<f64>,
}

/// The guide's verdict, unchanged.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(expecting = "an object with the verdict (prerequisites, e0_e1, e2_full, e2_quantized)")]
pub struct RawCapabilities {
    /// Can run the prerequisites P1-P3.
    #[serde(default)]
    pub prerequisites: Option<bool>,
    /// Can run E0 parameter optimisation and E1 retrieval.
    #[serde(default)]
    pub e0_e1: Option<bool>,
    /// Can run E2 fine-tuning at full precision.
    #[serde(default)]
    pub e2_full: Option<bool>,
    /// Can run E2 fine-tuning with a quantized model (only when not `e2_full`).
    #[serde(default)]
    pub e2_quantized: Option<bool>,
    /// The guide's recommendation lines, in its order.
    #[serde(default, deserialize_with = "de::list")]
    pub model_recommendations: Vec<String>,
    /// `Slow CPU - expect longer runtimes` when the benchmark took over 10 s.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

/// The program that wrote a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(expecting = "an object naming the program")]
pub struct RawTool {
    /// `llmcap`.
    #[serde(default)]
    pub name: Option<String>,
    /// Its version.
    #[serde(default)]
    pub version: Option<String>,
    /// The target triple it was built for, e.g. `aarch64-unknown-linux-gnu`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// Ollama on this machine.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(expecting = "an object describing Ollama")]
pub struct RawOllama {
    /// The `ollama` command was found.
    #[serde(default)]
    pub installed: Option<bool>,
    /// `ollama --version`.
    #[serde(default)]
    pub version: Option<String>,
    /// The server's address that was tried.
    #[serde(default)]
    pub host: Option<String>,
    /// The server answered its HTTP API.
    #[serde(default)]
    pub server_reachable: Option<bool>,
    /// Models present (`name:tag`).
    #[serde(default, deserialize_with = "de::list")]
    pub models: Vec<String>,
}

/// The embedding-model load test.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(expecting = "an object with the embedding test's results")]
pub struct RawEmbedding {
    /// `success`, `skip`, `fail` or `timeout`.
    #[serde(default)]
    pub status: Option<String>,
    /// Why it was skipped or failed, and how to fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Model name, e.g. `sentence-transformers/all-MiniLM-L6-v2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Folder the model was loaded from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_path: Option<String>,
    /// Seconds to load the model.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub load_seconds: Option<f64>,
    /// Seconds to encode the sentences.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub encode_seconds: Option<f64>,
    /// Sentences encoded.
    #[serde(
        default,
        deserialize_with = "de::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub sentences: Option<u64>,
    /// Sentences per second of encoding.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub sentences_per_second: Option<f64>,
    /// Tokens in the encoded batches, padding included.
    #[serde(
        default,
        deserialize_with = "de::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub tokens: Option<u64>,
    /// Threads used.
    #[serde(
        default,
        deserialize_with = "de::count",
        skip_serializing_if = "Option::is_none"
    )]
    pub threads: Option<u64>,
    /// Peak resident memory of the process that ran the test, in MiB.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub peak_rss_mib: Option<f64>,
    /// Growth of that peak over the process's memory before loading, in MiB: the memory the
    /// test needed.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub memory_needed_mib: Option<f64>,
    /// Largest absolute difference from the reference embeddings.
    #[serde(
        default,
        deserialize_with = "de::number",
        skip_serializing_if = "Option::is_none"
    )]
    pub max_abs_error: Option<f64>,
}
