//! `llmcap probe`: measure this machine and build its report.
//!
//! Slow, independent lookups (GPU tools, Ollama, Python) run on threads while sysinfo reads the
//! host and the bandwidth measurement writes its arrays; the benchmarks run after them on an
//! otherwise idle process. [`assemble`] turns the measurements into a [`Report`] and is a
//! pure function, tested on its own.

pub mod bounds;
pub mod gpu;
pub mod llm_test;
pub mod ollama;
pub mod ollama_host;
pub mod parse;
pub mod performance;
pub mod system;

use crate::bandwidth;
use crate::bench::{self, BenchOptions};
use crate::embed::{self, EmbedOptions};
use crate::progress::Progress;
use crate::tool;
use llmcap_core::classify::classify;
use llmcap_core::num::round2;
use llmcap_core::report::{
    Benchmark, Capabilities, DateTime, Embedding, Hostname, Machine, Ollama, Report,
    SCHEMA_VERSION, System, Tool, check_performance,
};
use llmcap_core::speed::report::{Compute, MemoryBandwidth, OllamaSpeed, Performance};
use llmcap_core::speed::table::REPORT_CONTEXT_TOKENS;
use performance::PerformanceOptions;
use std::path::PathBuf;
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// What `llmcap probe` was asked to do.
#[derive(Debug, Clone)]
pub struct ProbeOptions {
    /// Folder whose file system is measured (and where the report goes).
    pub output_dir: PathBuf,
    /// Use this name instead of the machine's host name.
    pub hostname: Option<Hostname>,
    /// Run the compute benchmark with these settings; `None` skips it.
    pub bench: Option<BenchOptions>,
    /// Measure memory bandwidth for this long (and f32 compute); `None` skips both.
    pub bandwidth_budget: Option<Duration>,
    /// Measure Phi-3 through Ollama within this time; `None` skips it.
    pub llm_test: Option<Duration>,
    /// Run the embedding test with these settings; `None` skips it.
    pub embedding: Option<EmbedOptions>,
    /// Limit for each external tool.
    pub tool_timeout: Duration,
    /// `OLLAMA_HOST`.
    pub ollama_host: Option<String>,
}

/// Everything measured, before it is shaped into a report.
#[derive(Debug, Clone)]
pub struct Measurements {
    /// sysinfo's facts.
    pub host: system::HostFacts,
    /// The disk, or why it could not be measured.
    pub disk: Result<system::DiskFacts, String>,
    /// GPUs.
    pub gpu: gpu::GpuFacts,
    /// Ollama and its warnings.
    pub ollama: (Ollama, Vec<String>),
    /// `sys.version` of `python3`, when found.
    pub python_version: Option<String>,
    /// The benchmark, when run.
    pub benchmark: Option<Benchmark>,
    /// Memory bandwidth and f32 compute, when measured.
    pub speed: Option<(MemoryBandwidth, Compute)>,
    /// Ollama's own Phi-3 speed, when asked for.
    pub llm_test: Option<OllamaSpeed>,
    /// The embedding test.
    pub embedding: Embedding,
    /// Local and UTC time of the probe.
    pub time: (DateTime, DateTime),
}

/// Measures the machine, reporting each step to `progress`.
pub fn measure(options: &ProbeOptions, progress: &mut Progress) -> Measurements {
    let timeout = options.tool_timeout;
    progress.step("Checking GPUs, Ollama and Python");
    let gpu = spawn(move || gpu::collect(timeout));
    let host_setting = options.ollama_host.clone();
    let ollama = spawn(move || ollama::collect(host_setting.as_deref(), timeout));
    let python = spawn(move || python_version(timeout));

    progress.step("Reading CPU, memory and disk");
    let host = system::collect();
    let speed_options = options.bandwidth_budget.map(|budget| {
        let mut speed_options = PerformanceOptions::for_machine(available_bytes(&host));
        speed_options.bandwidth.budget = budget;
        speed_options
    });
    // The bandwidth arrays are written while the tools' threads wait on their processes,
    // and before any benchmark runs.
    let arrays = speed_options.map(|o| spawn(move || bandwidth::prepare(&o.bandwidth)));
    let disk = system::disk_for(&options.output_dir);

    // Each thread's tools are bounded by `timeout`; the margin covers NVML, which has none.
    let wait = timeout + Duration::from_secs(2);
    let gpu = gpu.recv_timeout(wait).unwrap_or_else(|_| gpu::GpuFacts {
        warnings: vec![format!(
            "GPU detection did not finish within {} s",
            wait.as_secs()
        )],
        ..Default::default()
    });
    let ollama = ollama.recv_timeout(wait).unwrap_or_else(|_| {
        (
            Ollama::default(),
            vec![format!(
                "Ollama check did not finish within {} s",
                wait.as_secs()
            )],
        )
    });
    let python_version = python.recv_timeout(wait).ok().flatten();
    let arrays = arrays.and_then(|arrays| arrays.recv().ok());

    let benchmark = options.bench.as_ref().map(|bench_options| {
        progress.step("Running the matrix-multiply benchmark");
        bench::run(bench_options)
    });
    let speed = speed_options.map(|speed_options| {
        progress.step("Measuring memory bandwidth and compute (f32, int8 and f16)");
        match arrays {
            Some(arrays) => performance::measure_prepared(arrays, &speed_options),
            None => performance::measure(&speed_options),
        }
    });
    let llm_test = options.llm_test.map(|timeout| {
        progress.step("Measuring Phi-3 through Ollama");
        performance::llm_test(&ollama.0, timeout)
    });
    let embedding = match &options.embedding {
        Some(embed_options) => {
            progress.step("Loading the embedding model and encoding sentences");
            embed::run_test(embed_options)
        }
        None => Embedding::skipped("not run (--skip-embedding)"),
    };
    Measurements {
        host,
        disk,
        gpu,
        ollama,
        python_version,
        benchmark,
        speed,
        llm_test,
        embedding,
        time: now(),
    }
}

fn spawn<T: Send + 'static>(work: impl FnOnce() -> T + Send + 'static) -> mpsc::Receiver<T> {
    let (sender, receiver) = mpsc::channel();
    thread::spawn(move || {
        let _ = sender.send(work());
    });
    receiver
}

/// `sys.version` of the Python a user would run: `python3`, else `python`. `-S -I` skips
/// `site` and the user's environment, which changes nothing in `sys.version` and saves most
/// of the interpreter's start-up.
fn python_version(timeout: Duration) -> Option<String> {
    ["python3", "python"].iter().find_map(|program| {
        tool::run(
            program,
            &["-S", "-I", "-c", "import sys; print(sys.version)"],
            timeout,
        )
        .ok()
        .map(|out| out.trim().to_owned())
        .filter(|v| !v.is_empty())
    })
}

/// Local time in the guide's format and UTC.
fn now() -> (DateTime, DateTime) {
    let zoned = jiff::Zoned::now();
    let local = zoned.strftime("%Y-%m-%d %H:%M:%S").to_string();
    let utc = zoned.timestamp().strftime("%Y-%m-%dT%H:%M:%SZ").to_string();
    let fallback = DateTime {
        year: 1970,
        month: 1,
        day: 1,
        hour: 0,
        minute: 0,
        second: 0,
    };
    (
        DateTime::parse_local(&local).unwrap_or(fallback),
        DateTime::parse_utc(&utc).unwrap_or(fallback),
    )
}

/// Said of a debug build's measurements: its own loops run unoptimised.
const UNOPTIMISED: &str = "this llmcap was built without optimisation (a debug build): \
     its memory bandwidth, and the CPU speeds predicted from it, are far too low; \
     build it with `cargo build --release`";

/// Memory available to new work: the host's, bounded by a container's limit.
fn available_bytes(host: &system::HostFacts) -> u64 {
    match host.cgroup {
        Some(cgroup) => host.ram_available_bytes.min(cgroup.free_bytes),
        None => host.ram_available_bytes,
    }
}

/// The section when every figure in it is one a reader accepts; otherwise nothing, with a
/// warning naming the figure, so that a broken measurement never makes the whole report one
/// that `llmcap plan` rejects.
fn checked(section: Performance, warnings: &mut Vec<String>) -> Option<Performance> {
    check_performance(section)
        .map_err(|e| warnings.push(format!("the speed figures were left out: {e}")))
        .ok()
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;

fn gib(bytes: u64) -> f64 {
    round2(bytes as f64 / GIB)
}

/// The guide's `platform.system()` for this build.
pub fn platform_name() -> &'static str {
    match std::env::consts::OS {
        "linux" => "Linux",
        "macos" => "Darwin",
        "windows" => "Windows",
        "freebsd" => "FreeBSD",
        other => other,
    }
}

/// The guide's `platform.processor()`: `arm`/`i386` on macOS, the identifier on Windows, the
/// architecture elsewhere.
fn processor_name(architecture: &str) -> String {
    match std::env::consts::OS {
        "macos" if architecture.starts_with("arm") || architecture == "aarch64" => "arm".to_owned(),
        "macos" => "i386".to_owned(),
        "windows" => {
            std::env::var("PROCESSOR_IDENTIFIER").unwrap_or_else(|_| architecture.to_owned())
        }
        _ => architecture.to_owned(),
    }
}

/// A host name safe for the report and its file name: characters outside letters, digits,
/// `-`, `_` and `.` become `-`. Returns the name and whether it was changed.
pub fn safe_hostname(name: Option<&str>) -> (Hostname, bool) {
    let original = name.unwrap_or("").trim();
    if let Ok(valid) = Hostname::parse(original) {
        return (valid, false);
    }
    let mut cleaned: String = original
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .take(Hostname::MAX_CHARS)
        .collect();
    while cleaned.contains("..") {
        cleaned = cleaned.replace("..", ".");
    }
    let cleaned = cleaned.trim_start_matches('.').to_owned();
    let name = Hostname::parse(&cleaned).unwrap_or_else(|_| {
        Hostname::parse("unknown-host").unwrap_or_else(|_| unreachable!("a valid literal"))
    });
    (name, true)
}

/// Shapes measurements into a report: rounds to the guide's two decimals, bounds available RAM
/// by a container limit, and computes the verdict.
pub fn assemble(m: Measurements, hostname: Option<Hostname>) -> Report {
    let mut warnings = Vec::new();
    let hostname = hostname.unwrap_or_else(|| {
        let (name, changed) = safe_hostname(m.host.hostname.as_deref());
        if changed {
            warnings.push(format!(
                "the host name {:?} is not safe in a file name; the report calls it {name}",
                m.host.hostname.as_deref().unwrap_or("")
            ));
        }
        name
    });
    let host_available = m.host.ram_available_bytes;
    let available = available_bytes(&m.host);
    let (disk_free_gb, disk_path, disk_mount) = match &m.disk {
        Ok(disk) => (
            gib(disk.free_bytes),
            Some(disk.path.clone()),
            Some(disk.mount.clone()),
        ),
        Err(reason) => {
            warnings.push(format!(
                "could not measure free disk ({reason}); the verdict assumes none"
            ));
            (0.0, None, None)
        }
    };
    warnings.extend(m.gpu.warnings.iter().cloned());
    warnings.extend(m.ollama.1.iter().cloned());
    let architecture = m.host.architecture.clone();
    let mut system = System {
        platform: Some(platform_name().to_owned()),
        processor: Some(processor_name(&architecture)),
        architecture: Some(architecture),
        python_version: m.python_version.clone(),
        cpu_count: m.host.cpu_count.max(1) as u32,
        cpu_count_physical: m.host.cpu_count_physical.map(|c| c as u32),
        ram_gb: gib(m.host.ram_total_bytes),
        ram_available_gb: gib(available),
        disk_free_gb,
        gpu: m.gpu.guide_string.clone(),
        gpu_type: m.gpu.gpu_type.clone(),
        os: m.host.os.clone(),
        kernel: m.host.kernel.clone(),
        cpu_brand: m.host.cpu_brand.clone(),
        ram_available_host_gb: m.host.cgroup.map(|_| gib(host_available)),
        memory_limit_gb: m.host.cgroup.map(|c| gib(c.limit_bytes)),
        disk_path,
        disk_mount,
        gpus: m.gpu.gpus.clone(),
    };
    bounds::system(&mut system, &mut warnings);
    if m.speed.is_some() && cfg!(debug_assertions) {
        warnings.push(UNOPTIMISED.to_owned());
    }
    let (memory, compute) = m.speed.clone().unzip();
    let (section, speed_warnings) = performance::section(
        memory,
        compute,
        &m.gpu,
        available,
        m.llm_test.clone(),
        REPORT_CONTEXT_TOKENS,
    );
    warnings.extend(speed_warnings);
    let machine = Machine {
        system,
        benchmark: m.benchmark.clone().unwrap_or_default(),
        ollama: Some(m.ollama.0.clone()),
        embedding: Some(m.embedding.clone()),
        performance: checked(section, &mut warnings),
    };
    let capabilities: Capabilities = classify(&machine).capabilities;
    bounds::warnings(&mut warnings);
    Report {
        schema_version: Some(SCHEMA_VERSION),
        tool: Some(Tool {
            name: "llmcap".to_owned(),
            version: env!("CARGO_PKG_VERSION").to_owned(),
            target: Some(crate::TARGET.to_owned()),
        }),
        timestamp: m.time.0,
        timestamp_utc: Some(m.time.1),
        hostname,
        machine,
        capabilities,
        warnings,
    }
}

#[cfg(test)]
mod tests;
