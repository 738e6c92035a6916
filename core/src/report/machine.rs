//! What was measured on a machine: the input of classification and recommendations.

use super::Phase;
use crate::speed::report::Performance;
use serde::{Serialize, Serializer};

/// Everything measured on a machine: what the verdict and the recommendations are computed
/// from. On the wire its parts are top-level keys of the report (see [`super::Report`]).
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
    /// Memory bandwidth and Phi-3-mini's speeds, when the report has them (llmcap's
    /// reports since the section was added).
    pub performance: Option<Performance>,
}

/// Hardware and operating-system facts: the report's `system` object.
#[derive(Debug, Clone, PartialEq, Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gpu_type: Option<GpuType>,
    /// Operating system name and version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub os: Option<String>,
    /// Kernel version.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kernel: Option<String>,
    /// CPU brand string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cpu_brand: Option<String>,
    /// Available RAM of the host before a container limit, GiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ram_available_host_gb: Option<f64>,
    /// Container memory limit, GiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_limit_gb: Option<f64>,
    /// Folder whose file system was measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_path: Option<String>,
    /// Its mount point.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk_mount: Option<String>,
    /// Every GPU found.
    #[serde(skip_serializing_if = "Vec::is_empty")]
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

    /// The GPUs of the guide's `gpu` string: `nvidia-smi`'s `name, N MiB` lines, as
    /// (name, MiB). Lines of another shape (Apple's text) are left out.
    pub fn guide_gpu_lines(&self) -> impl Iterator<Item = (&str, u64)> {
        self.gpu
            .as_deref()
            .unwrap_or_default()
            .lines()
            .filter_map(|line| {
                let (name, memory) = line.rsplit_once(',')?;
                let mib = memory.trim().strip_suffix("MiB")?.trim().parse().ok()?;
                Some((name.trim(), mib))
            })
    }

    /// Each GPU's memory, as the speed model and the assessment read it: the `gpus` list
    /// where the report has one, else the guide's `gpu` lines (NVIDIA's).
    pub fn gpu_memory(&self) -> Vec<GpuMemory<'_>> {
        if self.gpus.is_empty() {
            return self
                .guide_gpu_lines()
                .map(|(name, mib)| GpuMemory {
                    name,
                    vendor: "nvidia",
                    unified: false,
                    total_bytes: Some(mib << 20),
                    free_bytes: None,
                })
                .collect();
        }
        self.gpus
            .iter()
            .map(|g| GpuMemory {
                name: &g.name,
                vendor: &g.vendor,
                unified: g.unified_memory,
                total_bytes: g.vram_total_mib.map(|mib| mib << 20),
                free_bytes: g.vram_free_mib.map(|mib| mib << 20),
            })
            .collect()
    }

    /// RAM available to new work, bytes.
    pub fn ram_available_bytes(&self) -> u64 {
        (self.ram_available_gb.max(0.0) * 1024.0 * 1024.0 * 1024.0) as u64
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

/// One GPU's memory: what [`System::gpu_memory`] gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuMemory<'a> {
    /// Product name.
    pub name: &'a str,
    /// `nvidia`, `amd`, `apple`, ...
    pub vendor: &'a str,
    /// Shares system RAM (Apple Silicon): its own memory figures do not apply.
    pub unified: bool,
    /// Its memory, bytes, when known.
    pub total_bytes: Option<u64>,
    /// Its free memory, bytes, when known.
    pub free_bytes: Option<u64>,
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

impl Serialize for GpuType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
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
#[derive(Debug, Clone, PartialEq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Benchmark {
    /// Seconds for 100 rounds of the guide's loop: what the "Slow CPU" rule reads.
    pub matrix_mult_time: Option<f64>,
    /// 100 / `matrix_mult_time`.
    pub operations_per_second: Option<f64>,
    /// Whether it ran: `success` when `matrix_mult_time` is known, else `skip`.
    pub status: BenchmarkStatus,
    /// Measured GFLOP/s of the product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gflops: Option<f64>,
    /// Median seconds of one product.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_per_product_median: Option<f64>,
    /// Median seconds of one round.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seconds_per_round_median: Option<f64>,
    /// Rounds measured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rounds: Option<u64>,
    /// Matrix side.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub matrix_size: Option<u64>,
    /// Threads used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<u64>,
    /// Time budget, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub budget_seconds: Option<f64>,
}

/// Whether the compute benchmark ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BenchmarkStatus {
    /// It ran: the guide's times are known.
    Success,
    /// It was skipped (`--skip-benchmark`).
    #[default]
    Skip,
}

impl BenchmarkStatus {
    /// The status that the guide's `matrix_mult_time` implies.
    pub fn of(matrix_mult_time: Option<f64>) -> BenchmarkStatus {
        if matrix_mult_time.is_some() {
            BenchmarkStatus::Success
        } else {
            BenchmarkStatus::Skip
        }
    }
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
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
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

impl Serialize for EmbeddingStatus {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
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
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Embedding {
    /// Outcome.
    pub status: EmbeddingStatus,
    /// Why, for anything but success.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// Model name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<String>,
    /// Folder loaded from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_path: Option<String>,
    /// Load time, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_seconds: Option<f64>,
    /// Encode time, seconds.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encode_seconds: Option<f64>,
    /// Sentences encoded.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentences: Option<u64>,
    /// Encoding throughput.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sentences_per_second: Option<f64>,
    /// Tokens encoded, padding included.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens: Option<u64>,
    /// Threads used.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threads: Option<u64>,
    /// Peak RSS of the test's process, MiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub peak_rss_mib: Option<f64>,
    /// Memory the test needed, MiB.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub memory_needed_mib: Option<f64>,
    /// Largest difference from the reference embeddings.
    #[serde(skip_serializing_if = "Option::is_none")]
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
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
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
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
}

impl Capabilities {
    /// Whether the verdict grants `phase`: the one place a phase maps to its flag.
    pub fn grants(&self, phase: Phase) -> bool {
        match phase {
            Phase::Prerequisites => self.prerequisites,
            Phase::E0E1 => self.e0_e1,
            Phase::E2Full => self.e2_full,
            Phase::E2Quantized => self.e2_quantized,
        }
    }

    /// Grants `phase`; see [`Capabilities::grants`].
    pub fn grant(&mut self, phase: Phase) {
        let flag = match phase {
            Phase::Prerequisites => &mut self.prerequisites,
            Phase::E0E1 => &mut self.e0_e1,
            Phase::E2Full => &mut self.e2_full,
            Phase::E2Quantized => &mut self.e2_quantized,
        };
        *flag = true;
    }

    /// Whether two verdicts grant the same phases (recommendation lines and notes aside).
    pub fn same_phases(&self, other: &Capabilities) -> bool {
        Phase::ALL
            .iter()
            .all(|&p| self.grants(p) == other.grants(p))
    }

    /// Can run E2 in either form.
    pub fn e2(&self) -> bool {
        self.e2_full || self.e2_quantized
    }
}
