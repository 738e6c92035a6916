//! From the lenient wire form to a validated [`Report`].
//!
//! Ranges are generous: they reject what no real machine can report (negative memory, a
//! thousand terabytes of RAM) and nothing a real machine can.

use super::wire::{
    RawBenchmark, RawCapabilities, RawEmbedding, RawGpu, RawOllama, RawReport, RawSystem, RawTool,
};
use super::{
    Benchmark, BenchmarkStatus, Capabilities, DateTime, Embedding, EmbeddingStatus, FieldError,
    Gpu, GpuType, Hostname, Machine, Ollama, Report, ReportError, SCHEMA_VERSION, System, Tool,
    show_number, show_text,
};

mod performance;

pub use performance::check_performance;

/// The most RAM a report may claim, GiB (64 TiB).
pub const MAX_RAM_GB: f64 = 65_536.0;
/// The most free disk a report may claim, GiB (about 10 PiB).
pub const MAX_DISK_GB: f64 = 10_000_000.0;
/// The most CPUs a report may claim.
pub const MAX_CPUS: u64 = 65_536;
/// The most GPU memory a report may claim per GPU, MiB (16 TiB).
pub const MAX_VRAM_MIB: u64 = 1 << 24;
/// The longest time any measured step may claim, seconds (about 115 days).
pub const MAX_SECONDS: f64 = 10_000_000.0;
/// The highest throughput any rate may claim (GFLOP/s, sentences/s, ...).
pub const MAX_RATE: f64 = 1e12;
/// The longest free-text field kept (names, versions, reasons).
pub const MAX_TEXT_CHARS: usize = 4096;

impl Report {
    /// Validates a wire report; errors name `file`.
    pub fn from_raw(file: &str, raw: RawReport) -> Result<Report, ReportError> {
        Report::try_from(raw).map_err(|source| ReportError::Invalid {
            file: file.to_owned(),
            source,
        })
    }
}

impl TryFrom<RawReport> for Report {
    type Error = FieldError;

    fn try_from(raw: RawReport) -> Result<Report, FieldError> {
        let schema_version = match raw.schema_version {
            None => None,
            Some(v) if v <= u64::from(SCHEMA_VERSION) && v >= 1 => Some(v as u32),
            Some(v) => {
                return Err(FieldError::invalid(
                    "schema_version",
                    v.to_string(),
                    format!("a version from 1 to {SCHEMA_VERSION}"),
                ));
            }
        };
        let hostname = match raw.hostname {
            Some(name) => Hostname::parse(&name)?,
            None => return Err(FieldError::missing("hostname", "the machine's host name")),
        };
        let timestamp = match raw.timestamp {
            Some(text) => DateTime::parse_local(&text).ok_or_else(|| {
                FieldError::invalid(
                    "timestamp",
                    show_text(&text),
                    "a local time like \"2026-11-27 03:04:16\"",
                )
            })?,
            None => return Err(FieldError::missing("timestamp", "the time of the probe")),
        };
        let timestamp_utc = raw
            .timestamp_utc
            .map(|text| {
                DateTime::parse_utc(&text).ok_or_else(|| {
                    FieldError::invalid(
                        "timestamp_utc",
                        show_text(&text),
                        "a UTC time like \"2026-11-27T03:04:16Z\"",
                    )
                })
            })
            .transpose()?;
        let system = raw
            .system
            .ok_or_else(|| FieldError::missing("system", "an object of system facts"))?;
        let benchmark = raw
            .benchmark
            .ok_or_else(|| FieldError::missing("benchmark", "an object with matrix_mult_time"))?;
        let capabilities = raw.capabilities.ok_or_else(|| {
            FieldError::missing(
                "capabilities",
                "an object with the verdict (prerequisites, ...)",
            )
        })?;
        Ok(Report {
            schema_version,
            tool: raw.tool.map(tool).transpose()?,
            timestamp,
            timestamp_utc,
            hostname,
            machine: Machine {
                system: system_from_raw(system)?,
                benchmark: benchmark_from_raw(benchmark)?,
                ollama: raw.ollama.map(ollama_from_raw).transpose()?,
                embedding: raw.embedding.map(embedding_from_raw).transpose()?,
                performance: raw.performance.map(check_performance).transpose()?,
            },
            capabilities: capabilities_from_raw(capabilities)?,
            warnings: raw
                .warnings
                .into_iter()
                .enumerate()
                .map(|(i, w)| text(&format!("warnings[{i}]"), w))
                .collect::<Result<_, _>>()?,
        })
    }
}

/// A number within `[min, max]`; `field` and the range go into the error.
fn bounded(field: &str, value: f64, min: f64, max: f64) -> Result<f64, FieldError> {
    if value.is_finite() && value >= min && value <= max {
        Ok(value)
    } else {
        Err(FieldError::invalid(
            field,
            show_number(value),
            format!("a number from {} to {}", show_number(min), show_number(max)),
        ))
    }
}

fn required_number(field: &str, value: Option<f64>, max: f64) -> Result<f64, FieldError> {
    let value = value.ok_or_else(|| FieldError::missing(field, "a number ≥ 0"))?;
    bounded(field, value, 0.0, max)
}

fn optional_number(field: &str, value: Option<f64>, max: f64) -> Result<Option<f64>, FieldError> {
    value.map(|v| bounded(field, v, 0.0, max)).transpose()
}

fn optional_count(
    field: &str,
    value: Option<u64>,
    min: u64,
    max: u64,
) -> Result<Option<u64>, FieldError> {
    match value {
        Some(v) if v < min || v > max => Err(FieldError::invalid(
            field,
            v.to_string(),
            format!("a whole number from {min} to {max}"),
        )),
        other => Ok(other),
    }
}

fn text(field: &str, value: String) -> Result<String, FieldError> {
    if value.chars().count() > MAX_TEXT_CHARS {
        return Err(FieldError::invalid(
            field,
            show_text(&value),
            format!("text of at most {MAX_TEXT_CHARS} characters"),
        ));
    }
    Ok(value)
}

fn optional_text(field: &str, value: Option<String>) -> Result<Option<String>, FieldError> {
    value.map(|v| text(field, v)).transpose()
}

fn tool(raw: RawTool) -> Result<Tool, FieldError> {
    Ok(Tool {
        name: text("tool.name", raw.name.unwrap_or_default())?,
        version: text("tool.version", raw.version.unwrap_or_default())?,
        target: optional_text("tool.target", raw.target)?,
    })
}

fn system_from_raw(raw: RawSystem) -> Result<System, FieldError> {
    let cpu_count = optional_count("system.cpu_count", raw.cpu_count, 1, MAX_CPUS)?
        .ok_or_else(|| FieldError::missing("system.cpu_count", "the number of logical CPUs"))?;
    let cpu_count_physical = optional_count(
        "system.cpu_count_physical",
        raw.cpu_count_physical,
        1,
        MAX_CPUS,
    )?;
    let ram_gb = required_number("system.ram_gb", raw.ram_gb, MAX_RAM_GB)?;
    let ram_available_gb =
        required_number("system.ram_available_gb", raw.ram_available_gb, MAX_RAM_GB)?;
    // Both are rounded to 0.01 GiB, so allow that much disagreement.
    if ram_available_gb > ram_gb + 0.011 {
        return Err(FieldError::invalid(
            "system.ram_available_gb",
            show_number(ram_available_gb),
            format!("at most system.ram_gb ({})", show_number(ram_gb)),
        ));
    }
    let gpus = raw
        .gpus
        .into_iter()
        .enumerate()
        .map(|(i, g)| gpu_from_raw(i, g))
        .collect::<Result<_, _>>()?;
    Ok(System {
        platform: optional_text("system.platform", raw.platform)?,
        processor: optional_text("system.processor", raw.processor)?,
        architecture: optional_text("system.architecture", raw.architecture)?,
        python_version: optional_text("system.python_version", raw.python_version)?,
        cpu_count: cpu_count as u32,
        cpu_count_physical: cpu_count_physical.map(|c| c as u32),
        ram_gb,
        ram_available_gb,
        disk_free_gb: required_number("system.disk_free_gb", raw.disk_free_gb, MAX_DISK_GB)?,
        gpu: optional_text("system.gpu", raw.gpu)?,
        gpu_type: optional_text("system.gpu_type", raw.gpu_type)?.map(|t| GpuType::from_wire(&t)),
        os: optional_text("system.os", raw.os)?,
        kernel: optional_text("system.kernel", raw.kernel)?,
        cpu_brand: optional_text("system.cpu_brand", raw.cpu_brand)?,
        ram_available_host_gb: optional_number(
            "system.ram_available_host_gb",
            raw.ram_available_host_gb,
            MAX_RAM_GB,
        )?,
        memory_limit_gb: optional_number(
            "system.memory_limit_gb",
            raw.memory_limit_gb,
            MAX_RAM_GB,
        )?,
        disk_path: optional_text("system.disk_path", raw.disk_path)?,
        disk_mount: optional_text("system.disk_mount", raw.disk_mount)?,
        gpus,
    })
}

fn gpu_from_raw(i: usize, raw: RawGpu) -> Result<Gpu, FieldError> {
    let field = |name: &str| format!("system.gpus[{i}].{name}");
    Ok(Gpu {
        vendor: text(&field("vendor"), raw.vendor.unwrap_or_default())?,
        name: text(&field("name"), raw.name.unwrap_or_default())?,
        vram_total_mib: optional_count(
            &field("vram_total_mib"),
            raw.vram_total_mib,
            0,
            MAX_VRAM_MIB,
        )?,
        vram_free_mib: optional_count(&field("vram_free_mib"), raw.vram_free_mib, 0, MAX_VRAM_MIB)?,
        driver: optional_text(&field("driver"), raw.driver)?,
        unified_memory: raw.unified_memory.unwrap_or(false),
        source: optional_text(&field("source"), raw.source)?,
    })
}

fn benchmark_from_raw(raw: RawBenchmark) -> Result<Benchmark, FieldError> {
    let matrix_mult_time = match raw.matrix_mult_time {
        Some(t) if t <= 0.0 || !t.is_finite() => {
            return Err(FieldError::invalid(
                "benchmark.matrix_mult_time",
                show_number(t),
                "a time in seconds > 0",
            ));
        }
        other => optional_number("benchmark.matrix_mult_time", other, MAX_SECONDS)?,
    };
    Ok(Benchmark {
        matrix_mult_time,
        status: BenchmarkStatus::of(matrix_mult_time),
        operations_per_second: optional_number(
            "benchmark.operations_per_second",
            raw.operations_per_second,
            MAX_RATE,
        )?,
        gflops: optional_number("benchmark.gflops", raw.gflops, MAX_RATE)?,
        seconds_per_product_median: optional_number(
            "benchmark.seconds_per_product_median",
            raw.seconds_per_product_median,
            MAX_SECONDS,
        )?,
        seconds_per_round_median: optional_number(
            "benchmark.seconds_per_round_median",
            raw.seconds_per_round_median,
            MAX_SECONDS,
        )?,
        rounds: raw.rounds,
        matrix_size: raw.matrix_size,
        threads: optional_count("benchmark.threads", raw.threads, 1, MAX_CPUS)?,
        budget_seconds: optional_number(
            "benchmark.budget_seconds",
            raw.budget_seconds,
            MAX_SECONDS,
        )?,
    })
}

fn capabilities_from_raw(raw: RawCapabilities) -> Result<Capabilities, FieldError> {
    let flag = |name: &str, value: Option<bool>| {
        value.ok_or_else(|| FieldError::missing(format!("capabilities.{name}"), "true or false"))
    };
    Ok(Capabilities {
        prerequisites: flag("prerequisites", raw.prerequisites)?,
        e0_e1: flag("e0_e1", raw.e0_e1)?,
        e2_full: flag("e2_full", raw.e2_full)?,
        e2_quantized: flag("e2_quantized", raw.e2_quantized)?,
        model_recommendations: raw
            .model_recommendations
            .into_iter()
            .enumerate()
            .map(|(i, r)| text(&format!("capabilities.model_recommendations[{i}]"), r))
            .collect::<Result<_, _>>()?,
        notes: optional_text("capabilities.notes", raw.notes)?,
    })
}

fn ollama_from_raw(raw: RawOllama) -> Result<Ollama, FieldError> {
    Ok(Ollama {
        installed: raw.installed.unwrap_or(false),
        version: optional_text("ollama.version", raw.version)?,
        host: optional_text("ollama.host", raw.host)?,
        server_reachable: raw.server_reachable.unwrap_or(false),
        models: raw
            .models
            .into_iter()
            .enumerate()
            .map(|(i, m)| text(&format!("ollama.models[{i}]"), m))
            .collect::<Result<_, _>>()?,
    })
}

fn embedding_from_raw(raw: RawEmbedding) -> Result<Embedding, FieldError> {
    let status = match raw.status {
        Some(s) => EmbeddingStatus::from_wire(&s).ok_or_else(|| {
            FieldError::invalid(
                "embedding.status",
                show_text(&s),
                "one of \"success\", \"skip\", \"fail\", \"timeout\"",
            )
        })?,
        None => {
            return Err(FieldError::missing(
                "embedding.status",
                "success, skip, fail or timeout",
            ));
        }
    };
    let seconds =
        |name: &str, v: Option<f64>| optional_number(&format!("embedding.{name}"), v, MAX_SECONDS);
    let rate =
        |name: &str, v: Option<f64>| optional_number(&format!("embedding.{name}"), v, MAX_RATE);
    Ok(Embedding {
        status,
        reason: optional_text("embedding.reason", raw.reason)?,
        model: optional_text("embedding.model", raw.model)?,
        model_path: optional_text("embedding.model_path", raw.model_path)?,
        load_seconds: seconds("load_seconds", raw.load_seconds)?,
        encode_seconds: seconds("encode_seconds", raw.encode_seconds)?,
        sentences: raw.sentences,
        sentences_per_second: rate("sentences_per_second", raw.sentences_per_second)?,
        tokens: raw.tokens,
        threads: optional_count("embedding.threads", raw.threads, 1, MAX_CPUS)?,
        peak_rss_mib: rate("peak_rss_mib", raw.peak_rss_mib)?,
        memory_needed_mib: rate("memory_needed_mib", raw.memory_needed_mib)?,
        max_abs_error: raw
            .max_abs_error
            .map(|e| bounded("embedding.max_abs_error", e, 0.0, f64::MAX))
            .transpose()?,
    })
}
