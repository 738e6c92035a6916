//! The report's `performance` section: measures memory bandwidth and compute (f32, int8 and f16), then
//! shapes them, the GPUs' bandwidth and Ollama's measurement into the section with the
//! core's speed model. [`section`] is pure and tested on its own.

use super::gpu::GpuFacts;
use crate::bandwidth::{self, BandwidthOptions};
use crate::compute::{self, ComputeOptions};
use llmcap_core::report::{Gpu, Ollama};
use llmcap_core::speed::report::{Compute, MemoryBandwidth, OllamaSpeed, Performance};
use llmcap_core::speed::{self, table};
use std::time::Duration;

/// What the CPU measurements are asked to do.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PerformanceOptions {
    /// The STREAM-style bandwidth measurement.
    pub bandwidth: BandwidthOptions,
    /// The f32, int8 and f16 matrix-product measurements.
    pub compute: ComputeOptions,
}

impl PerformanceOptions {
    /// Settings sized to this machine (`available_bytes` of memory available).
    pub fn for_machine(available_bytes: u64) -> Self {
        PerformanceOptions {
            bandwidth: BandwidthOptions::for_machine(
                available_bytes,
                bandwidth::last_level_cache_bytes(),
            ),
            compute: ComputeOptions::default(),
        }
    }
}

/// Measures bandwidth, then compute, one after the other on an otherwise idle process.
pub fn measure(options: &PerformanceOptions) -> (MemoryBandwidth, Compute) {
    measure_prepared(bandwidth::prepare(&options.bandwidth), options)
}

/// [`measure`], over bandwidth arrays prepared beforehand.
pub fn measure_prepared(
    arrays: bandwidth::Prepared,
    options: &PerformanceOptions,
) -> (MemoryBandwidth, Compute) {
    let memory = bandwidth::measure_prepared(arrays, &options.bandwidth);
    let compute = compute::measure(&options.compute);
    (memory, compute)
}

/// Ollama's own Phi-3 speed on the server the probe found (`ollama`), within `timeout`.
pub fn llm_test(ollama: &Ollama, timeout: Duration) -> OllamaSpeed {
    match ollama.host.as_deref() {
        Some(base) => super::llm_test::run(base, ollama.server_reachable, &ollama.models, timeout),
        None => OllamaSpeed {
            reason: Some(
                "OLLAMA_HOST names no server that can be asked (see the warnings)".to_owned(),
            ),
            ..Default::default()
        },
    }
}

/// Builds the section: the CPU's row from the measurements, a row per GPU, and Ollama's
/// measurement. `ram_available_bytes` is what a unified-memory GPU may use; generation
/// speeds are at `context_tokens` of KV cache (reports use
/// [`table::REPORT_CONTEXT_TOKENS`]). Returns the section and warnings about figures that
/// were dropped.
pub fn section(
    memory: Option<MemoryBandwidth>,
    compute: Option<Compute>,
    gpus: &GpuFacts,
    ram_available_bytes: u64,
    ollama: Option<OllamaSpeed>,
    context_tokens: u64,
) -> (Performance, Vec<String>) {
    let mut warnings = Vec::new();
    let cpu_bandwidth = memory.as_ref().and_then(|m| m.triad_all_cores_gb_s);
    let figures = compute.clone().unwrap_or_default();
    let mut devices = vec![speed::cpu_device(cpu_bandwidth, &figures, context_tokens)];
    for (index, gpu) in gpus.gpus.iter().enumerate() {
        let nvml = gpus.nvml_memory.get(index).copied().flatten();
        let (bandwidth, problems) = speed::gpu_bandwidth(&gpu.name, nvml);
        warnings.extend(problems);
        let memory_bytes = gpu_memory_bytes(gpu, ram_available_bytes, &mut warnings);
        devices.push(speed::gpu_device(
            &gpu.name,
            bandwidth,
            memory_bytes,
            cpu_bandwidth,
            context_tokens,
        ));
    }
    let performance = Performance {
        memory_bandwidth: memory,
        compute,
        context_tokens: Some(context_tokens),
        prompt_tokens: Some(table::REPORT_PROMPT_TOKENS),
        devices,
        ollama,
    };
    (performance, warnings)
}

/// The memory a GPU's model may use: its VRAM, or for unified memory what the system has
/// available.
fn gpu_memory_bytes(
    gpu: &Gpu,
    ram_available_bytes: u64,
    warnings: &mut Vec<String>,
) -> Option<u64> {
    if gpu.unified_memory {
        return Some(ram_available_bytes);
    }
    match gpu.vram_total_mib {
        Some(mib) if (1..=super::bounds::MAX_GPU_MIB).contains(&mib) => Some(mib << 20),
        Some(mib) => {
            warnings.push(format!(
                "{}: {mib} MiB of GPU memory is not a reading any GPU gives; its speed is not predicted",
                gpu.name
            ));
            None
        }
        None => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcap_core::speed::report::Source;

    fn nvidia(name: &str, vram_total_mib: Option<u64>) -> Gpu {
        Gpu {
            vendor: "nvidia".to_owned(),
            name: name.to_owned(),
            vram_total_mib,
            vram_free_mib: None,
            driver: None,
            unified_memory: false,
            source: Some("nvml".to_owned()),
        }
    }

    fn measured() -> (Option<MemoryBandwidth>, Option<Compute>) {
        let memory = MemoryBandwidth {
            triad_all_cores_gb_s: Some(40.0),
            source: Some(Source::Measured),
            ..Default::default()
        };
        let compute = Compute {
            f32_gflops: Some(100.0),
            int8_gops: Some(150.0),
            source: Some(Source::Measured),
            ..Default::default()
        };
        (Some(memory), Some(compute))
    }

    #[test]
    fn each_gpu_gets_a_row_with_its_bandwidths_source() {
        let gpus = GpuFacts {
            gpus: vec![
                nvidia("NVIDIA H200", Some(143_771)),
                nvidia("NVIDIA GeForce RTX 4090", Some(24_564)),
            ],
            nvml_memory: vec![None, Some((10501, 384))],
            ..Default::default()
        };
        let (memory, compute) = measured();
        let (section, warnings) = section(memory, compute, &gpus, 8 << 30, None, 512);
        assert!(warnings.is_empty(), "{warnings:?}");
        let sources: Vec<_> = section.devices.iter().map(|d| d.bandwidth_source).collect();
        assert_eq!(
            sources,
            [
                Some(Source::Measured),
                Some(Source::Table),
                Some(Source::Nvml)
            ]
        );
        assert_eq!(section.devices[1].bandwidth_gb_s, Some(4800.0));
        assert_eq!(section.devices[2].bandwidth_gb_s, Some(1010.0));
        assert_eq!(section.context_tokens, Some(512));
    }

    #[test]
    fn absurd_gpu_readings_are_dropped_with_a_warning() {
        let gpus = GpuFacts {
            gpus: vec![
                nvidia("NVIDIA L4", Some(10_000_000)),
                nvidia("NVIDIA L4", Some(0)),
            ],
            nvml_memory: vec![Some((0, 192)), Some((6251, 0))],
            ..Default::default()
        };
        let (memory, compute) = measured();
        let (section, warnings) = section(memory, compute, &gpus, 8 << 30, None, 512);
        assert_eq!(warnings.len(), 4, "{warnings:?}");
        assert!(warnings.iter().any(|w| w.contains("10000000 MiB")));
        assert!(warnings.iter().any(|w| w.contains("0-bit")));
        for gpu in &section.devices[1..] {
            // The table still gives the bandwidth, but without memory there is no speed.
            assert_eq!(gpu.bandwidth_source, Some(Source::Table));
            assert!(gpu.speeds.iter().all(|s| s.generation_tok_s.is_none()));
        }
        // The section still serialises into a report a reader accepts.
        let json = serde_json::to_string(&section).unwrap();
        let back: Performance = serde_json::from_str(&json).unwrap();
        assert_eq!(back, section);
    }

    #[test]
    fn unified_memory_uses_what_the_system_has_available() {
        let apple = Gpu {
            vendor: "apple".to_owned(),
            name: "Apple M2 Pro GPU".to_owned(),
            vram_total_mib: Some(16_384),
            vram_free_mib: None,
            driver: None,
            unified_memory: true,
            source: Some("sysctl".to_owned()),
        };
        let gpus = GpuFacts {
            gpus: vec![apple],
            nvml_memory: vec![None],
            ..Default::default()
        };
        let (memory, compute) = measured();
        let (section, _) = section(memory, compute, &gpus, 4 << 30, None, 512);
        let m2 = &section.devices[1];
        assert_eq!(m2.bandwidth_gb_s, Some(200.0));
        assert_eq!(m2.gpu_cores, Some((16, 19)));
        // 4 GiB available: F16 does not fit, Q3_K_M does.
        assert!(m2.speeds[0].offloaded.unwrap() < 1.0);
        assert_eq!(m2.speeds.last().unwrap().offloaded, Some(1.0));
    }
}
