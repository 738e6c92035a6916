//! GPU detection: NVIDIA through NVML with `nvidia-smi` as fallback, AMD through `rocm-smi`,
//! Apple Silicon through `sysctl`.

use super::bounds;
use super::parse::{self, SmiGpu};
use crate::tool::{self, ToolError};
use llmcap_core::report::{Gpu, GpuType, show_text};
use std::time::Duration;

/// What GPU detection found.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct GpuFacts {
    /// Every GPU.
    pub gpus: Vec<Gpu>,
    /// The guide's `gpu` string.
    pub guide_string: Option<String>,
    /// The guide's `gpu_type`.
    pub gpu_type: Option<GpuType>,
    /// Problems met (a tool that failed or hung); a missing tool is not a problem.
    pub warnings: Vec<String>,
    /// NVML's maximum memory clock (MHz) and memory bus width (bits) for each GPU of
    /// `gpus`, in order; `None` where NVML did not say (other tools, other vendors).
    pub nvml_memory: Vec<Option<(u32, u32)>>,
}

/// Looks for GPUs of every vendor. Each external tool is bounded by `timeout`, and what they
/// say by [`bounds::gpus`].
pub fn collect(timeout: Duration) -> GpuFacts {
    let mut facts = GpuFacts::default();
    for (g, source, memory) in nvidia(timeout, &mut facts.warnings) {
        facts.gpus.push(g.into_gpu("nvidia", source));
        facts.nvml_memory.push(memory);
    }
    if !facts.gpus.is_empty() {
        facts.gpu_type = Some(GpuType::Nvidia);
    } else {
        facts.gpus = amd(timeout, &mut facts.warnings);
        if !facts.gpus.is_empty() {
            facts.gpu_type = Some(GpuType::Amd);
        }
    }
    let apple = apple(timeout, &mut facts.warnings);
    if let Some(apple) = apple {
        facts.gpu_type = Some(GpuType::AppleSilicon);
        facts.gpus.push(apple);
    }
    bounds::gpus(&mut facts);
    facts.guide_string = match facts.gpu_type {
        // The guide's script reports Apple Silicon over anything nvidia-smi said.
        Some(GpuType::AppleSilicon) => Some("Apple Silicon (Neural Engine available)".to_owned()),
        Some(_) => Some(parse::guide_gpu_string(&facts.gpus)),
        None => None,
    };
    facts
}

/// An NVIDIA GPU, the tool that found it, and NVML's memory clock and bus width.
type NvidiaGpu = (SmiGpu, &'static str, Option<(u32, u32)>);

/// NVIDIA GPUs with the tool that found them.
fn nvidia(timeout: Duration, warnings: &mut Vec<String>) -> Vec<NvidiaGpu> {
    match nvml() {
        Ok(gpus) if !gpus.is_empty() => {
            return gpus.into_iter().map(|(g, m)| (g, "nvml", m)).collect();
        }
        Ok(_) => {}
        Err(NvmlFailure::NoLibrary) => {}
        Err(NvmlFailure::Other(message)) => {
            warnings.push(format!("NVML: {message}; asked nvidia-smi instead"));
        }
    }
    for program in nvidia_smi_candidates() {
        match tool::run(program, parse::NVIDIA_SMI_ARGS, timeout) {
            Ok(text) => {
                let parsed = parse::nvidia_smi_csv(&text);
                if let Some(warning) = skipped_lines("nvidia-smi", &parsed) {
                    warnings.push(warning);
                }
                return parsed
                    .items
                    .into_iter()
                    .map(|g| (g, "nvidia-smi", None))
                    .collect();
            }
            Err(ToolError::NotFound(_)) => continue,
            Err(e) => {
                warnings.push(e.to_string());
                return Vec::new();
            }
        }
    }
    Vec::new()
}

/// `nvidia-smi` on `PATH`, then where WSL puts it without adding it to `PATH`.
fn nvidia_smi_candidates() -> &'static [&'static str] {
    if cfg!(target_os = "linux") {
        &["nvidia-smi", "/usr/lib/wsl/lib/nvidia-smi"]
    } else {
        &["nvidia-smi"]
    }
}

enum NvmlFailure {
    NoLibrary,
    Other(String),
}

/// A GPU NVML found, with its maximum memory clock (MHz) and bus width (bits).
type NvmlGpu = (SmiGpu, Option<(u32, u32)>);

/// Asks NVML (`libnvidia-ml`, loaded at run time) for every GPU, with its maximum memory
/// clock and memory bus width where NVML gives both.
fn nvml() -> Result<Vec<NvmlGpu>, NvmlFailure> {
    use nvml_wrapper::enum_wrappers::device::Clock;
    use nvml_wrapper::error::NvmlError;
    let nvml = nvml_wrapper::Nvml::init().map_err(|e| match e {
        NvmlError::LibloadingError(_) | NvmlError::LibraryNotFound | NvmlError::DriverNotLoaded => {
            NvmlFailure::NoLibrary
        }
        other => NvmlFailure::Other(other.to_string()),
    })?;
    let count = nvml
        .device_count()
        .map_err(|e| NvmlFailure::Other(e.to_string()))?;
    let driver = nvml.sys_driver_version().ok();
    let mut gpus = Vec::new();
    for index in 0..count {
        let device = nvml
            .device_by_index(index)
            .map_err(|e| NvmlFailure::Other(e.to_string()))?;
        let memory = device.memory_info().ok();
        let clock_and_width = device
            .max_clock_info(Clock::Memory)
            .ok()
            .zip(device.memory_bus_width().ok());
        let gpu = SmiGpu {
            name: device
                .name()
                .unwrap_or_else(|_| format!("NVIDIA GPU {index}")),
            total_mib: memory.as_ref().map(|m| m.total / (1024 * 1024)),
            free_mib: memory.as_ref().map(|m| m.free / (1024 * 1024)),
            driver: driver.clone(),
        };
        gpus.push((gpu, clock_and_width));
    }
    Ok(gpus)
}

fn amd(timeout: Duration, warnings: &mut Vec<String>) -> Vec<Gpu> {
    if !cfg!(target_os = "linux") {
        return Vec::new();
    }
    match tool::run("rocm-smi", parse::ROCM_SMI_ARGS, timeout) {
        Ok(text) => match parse::rocm_smi_json(&text) {
            Some(parsed) => {
                if let Some(warning) = skipped_lines("rocm-smi", &parsed) {
                    warnings.push(warning);
                }
                parsed
                    .items
                    .into_iter()
                    .map(|g| SmiGpu {
                        name: g.name,
                        total_mib: g.total_mib,
                        free_mib: g.free_mib,
                        driver: None,
                    })
                    .map(|g| g.into_gpu("amd", "rocm-smi"))
                    .collect()
            }
            None => {
                let first = show_text(text.lines().next().unwrap_or(""));
                warnings.push(format!("rocm-smi printed no JSON: {first}"));
                Vec::new()
            }
        },
        Err(ToolError::NotFound(_)) => Vec::new(),
        Err(e) => {
            warnings.push(e.to_string());
            Vec::new()
        }
    }
}

/// The Apple Silicon GPU from `sysctl` values: `hw.optional.arm64`,
/// `machdep.cpu.brand_string` and `hw.memsize` (bytes). Its memory is the system's.
#[cfg_attr(not(target_os = "macos"), allow(dead_code))]
pub fn apple_gpu(arm64: &str, brand: &str, memsize: &str) -> Option<Gpu> {
    if arm64.trim() != "1" {
        return None;
    }
    let brand = brand.trim();
    Some(Gpu {
        vendor: "apple".to_owned(),
        name: if brand.is_empty() {
            "Apple Silicon GPU".to_owned()
        } else {
            format!("{brand} GPU")
        },
        vram_total_mib: memsize
            .trim()
            .parse::<u64>()
            .ok()
            .map(|b| b / (1024 * 1024)),
        vram_free_mib: None,
        driver: None,
        unified_memory: true,
        source: Some("sysctl".to_owned()),
    })
}

/// # Platform-specific behaviour
/// On macOS, reads `sysctl`; elsewhere there is no Apple Silicon.
#[cfg(target_os = "macos")]
fn apple(timeout: Duration, warnings: &mut Vec<String>) -> Option<Gpu> {
    let read = |key: &str| tool::run("sysctl", &["-n", key], timeout);
    match read("hw.optional.arm64") {
        Ok(arm64) => apple_gpu(
            &arm64,
            &read("machdep.cpu.brand_string").unwrap_or_default(),
            &read("hw.memsize").unwrap_or_default(),
        ),
        Err(ToolError::Failed { .. }) => None, // an Intel Mac has no such key
        Err(e) => {
            warnings.push(e.to_string());
            None
        }
    }
}

/// # Platform-specific behaviour
/// On macOS, reads `sysctl`; elsewhere there is no Apple Silicon.
#[cfg(not(target_os = "macos"))]
fn apple(_timeout: Duration, _warnings: &mut Vec<String>) -> Option<Gpu> {
    None
}

/// One warning for the lines of a tool's output that were no GPU, when there were any.
fn skipped_lines<T>(tool: &str, parsed: &parse::Parsed<T>) -> Option<String> {
    let first = parsed.first_skipped.as_deref()?;
    let lines = match parsed.skipped {
        1 => "1 line that did not parse as a GPU was".to_owned(),
        n => format!("{n} lines that did not parse as a GPU were"),
    };
    let found = match parsed.items.len() {
        0 => "no GPU".to_owned(),
        1 => "1 GPU".to_owned(),
        n => format!("{n} GPUs"),
    };
    Some(format!(
        "{tool} printed {found}; {lines} skipped (the first: {first})"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_silicon_from_sysctl_values() {
        let gpu = apple_gpu("1\n", "Apple M2 Pro\n", "34359738368\n").unwrap();
        assert_eq!(gpu.name, "Apple M2 Pro GPU");
        assert_eq!(gpu.vram_total_mib, Some(32768));
        assert!(gpu.unified_memory);
        assert_eq!(apple_gpu("0", "Intel(R) Core(TM) i7", "17179869184"), None);
    }

    #[test]
    fn skipped_lines_are_one_warning_that_counts_them() {
        let parsed = parse::nvidia_smi_csv("NVIDIA X, 1024, 1000, 550.54\n\u{1b}[2J,x\nzz\n");
        assert_eq!(
            skipped_lines("nvidia-smi", &parsed).unwrap(),
            "nvidia-smi printed 1 GPU; 2 lines that did not parse as a GPU were skipped \
             (the first: \"\\u{1b}[2J,x\")"
        );
        assert_eq!(
            skipped_lines("nvidia-smi", &parse::nvidia_smi_csv("NVIDIA X, 1, 1, 1\n")),
            None
        );
    }

    #[test]
    fn detection_never_fails_on_this_machine() {
        // Whatever this machine has, detection returns and is consistent with itself.
        let facts = collect(Duration::from_secs(5));
        assert_eq!(facts.gpus.is_empty(), facts.gpu_type.is_none());
        assert_eq!(facts.gpus.is_empty(), facts.guide_string.is_none());
        assert_eq!(facts.nvml_memory.len(), facts.gpus.len());
    }
}
