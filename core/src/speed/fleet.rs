//! The one speed figure the planner shares work by: Phi-3-mini's generation speed at the
//! quantization level a machine runs, on its fastest device. Measured by Ollama when the
//! report holds a measurement at that level; else predicted from the report's `performance`
//! section; else, for reports without one (the guide's, llmcap's older ones), estimated from
//! their other facts: the GPU by its product table, the CPU from its f64 GFLOP/s
//! ([`ESTIMATED_GB_S_PER_F64_GFLOPS`], or [`ESTIMATED_GB_S_PER_GUIDE_GFLOPS`] for the
//! guide's `matrix_mult_time`).

use super::report::{DeviceSpeed, Performance, Source};
use super::table::{
    self, ESTIMATED_GB_S_PER_F64_GFLOPS, ESTIMATED_GB_S_PER_GUIDE_GFLOPS, REPORT_CONTEXT_TOKENS,
};
use super::{gpu_bandwidth, predict, round3};
use crate::report::Machine;

/// Where a machine's speed comes from, most trusted first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// Ollama measured it on the machine (`llmcap probe --llm-test`).
    Measured,
    /// Predicted from the bandwidth the report measured, or a GPU's NVML or table figure.
    Predicted,
    /// The report has no speed figures: estimated from its other facts.
    Estimated,
}

impl Basis {
    /// `measured`, `predicted` or `estimated`.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::Measured => "measured",
            Basis::Predicted => "predicted",
            Basis::Estimated => "estimated",
        }
    }
}

/// A machine's Phi-3-mini generation speed.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineSpeed {
    /// Tokens a second.
    pub tok_s: f64,
    /// Where: `CPU`, a GPU's name, or `Ollama` for a measurement.
    pub device: String,
    /// Where the figure comes from.
    pub basis: Basis,
}

/// The machine's generation speed at `level` (`q4`), or `None` when nothing in its report
/// gives one.
pub fn generation_speed(machine: &Machine, level: &str) -> Option<MachineSpeed> {
    let section = machine.performance.as_ref();
    section
        .and_then(|p| measured(p, level))
        .or_else(|| section.and_then(|p| fastest(&p.devices, level, Basis::Predicted)))
        .or_else(|| estimated_speed(machine, level))
}

/// Ollama's measurement, when it ran the model at `level`.
fn measured(section: &Performance, level: &str) -> Option<MachineSpeed> {
    let ollama = section.ollama.as_ref().filter(|o| o.measured)?;
    let at_level = ollama.quantization.as_deref().and_then(table::level_of) == Some(level);
    let tok_s = ollama.generation_tok_s.filter(|t| at_level && *t > 0.0)?;
    Some(MachineSpeed {
        tok_s,
        device: "Ollama".to_owned(),
        basis: Basis::Measured,
    })
}

/// The fastest device's first speed at `level` (Ollama's GGUF type).
fn fastest(devices: &[DeviceSpeed], level: &str, basis: Basis) -> Option<MachineSpeed> {
    devices
        .iter()
        .filter_map(|device| {
            let (tok_s, basis) = row_speed(device, level, basis)?;
            Some(MachineSpeed {
                tok_s,
                device: device.name.clone(),
                basis,
            })
        })
        .max_by(|a, b| a.tok_s.total_cmp(&b.tok_s))
}

/// What a report without a `performance` section says of its devices: the CPU's bandwidth
/// estimated from its f64 GFLOP/s, and each GPU's name and the memory a model may use.
fn estimated_inputs(machine: &Machine) -> (Option<f64>, Vec<(&str, Option<u64>)>) {
    let system = &machine.system;
    let benchmark = &machine.benchmark;
    let cpu_bandwidth = match benchmark.gflops {
        Some(measured) => Some(measured * ESTIMATED_GB_S_PER_F64_GFLOPS),
        None => benchmark
            .effective_gflops()
            .map(|g| g * ESTIMATED_GB_S_PER_GUIDE_GFLOPS),
    };
    let ram_available = system.ram_available_bytes();
    let gpus = system
        .gpu_memory()
        .into_iter()
        .map(|g| {
            (
                g.name,
                if g.unified {
                    Some(ram_available)
                } else {
                    g.total_bytes
                },
            )
        })
        .collect();
    (cpu_bandwidth, gpus)
}

/// Device rows built from a report without a `performance` section: what
/// [`estimated_speed`] and [`device_speed`] must agree with.
#[cfg(test)]
fn estimated_devices(machine: &Machine) -> Vec<DeviceSpeed> {
    use super::{cpu_device, gpu_device};
    let (cpu_bandwidth, gpus) = estimated_inputs(machine);
    let mut devices = vec![cpu_device(
        cpu_bandwidth,
        &super::report::Compute::default(),
        REPORT_CONTEXT_TOKENS,
    )];
    devices.extend(gpus.into_iter().map(|(name, memory)| {
        let (bandwidth, _) = gpu_bandwidth(name, None);
        gpu_device(
            name,
            bandwidth,
            memory,
            cpu_bandwidth,
            REPORT_CONTEXT_TOKENS,
        )
    }));
    devices
}

/// One of a machine's devices, as [`device_speed`] is asked of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum On<'a> {
    /// The CPU.
    Cpu,
    /// A GPU by its product name; `unified` for Apple Silicon's, whose row may carry the
    /// chip's name rather than the GPU's.
    Gpu {
        /// Product name.
        name: &'a str,
        /// Shares system RAM.
        unified: bool,
    },
}

impl On<'_> {
    fn is_row(&self, row: &DeviceSpeed) -> bool {
        match *self {
            On::Cpu => row.kind == "cpu",
            On::Gpu { name, unified } => row.name == name || (unified && row.kind == "gpu"),
        }
    }
}

/// Phi-3-mini's generation speed at `level` on one device, and its basis: the report's
/// `performance` row when the section holds speeds, else estimated from its other facts.
/// Computed for that device and level alone, so that the planner pays for one level only.
pub fn device_speed(machine: &Machine, on: On<'_>, level: &str) -> Option<(f64, Basis)> {
    let has_speeds = |p: &&Performance| {
        p.devices
            .iter()
            .any(|d| d.speeds.iter().any(|s| s.generation_tok_s.is_some()))
    };
    let Some(section) = machine.performance.as_ref().filter(has_speeds) else {
        let gguf = table::ollama_type(level)?;
        let (cpu_bandwidth, gpus) = estimated_inputs(machine);
        let tok_s = match on {
            On::Cpu => estimated_cpu(gguf, cpu_bandwidth),
            On::Gpu { name, .. } => {
                let (_, memory) = gpus.into_iter().find(|(n, _)| *n == name)?;
                estimated_gpu(gguf, name, memory, cpu_bandwidth)
            }
        };
        return tok_s.map(|t| (t, Basis::Estimated));
    };
    let row = section.devices.iter().find(|r| on.is_row(r))?;
    row_speed(row, level, Basis::Predicted)
}

/// A device row's generation speed at `level`, with `basis` unless the row says it was
/// measured; `None` for a missing or absurd figure.
fn row_speed(row: &DeviceSpeed, level: &str, basis: Basis) -> Option<(f64, Basis)> {
    let speed = row.speeds.iter().find(|s| s.level == level)?;
    let tok_s = speed
        .generation_tok_s
        .filter(|t| t.is_finite() && *t > 0.0)?;
    let basis = match speed.source {
        Some(Source::Measured) => Basis::Measured,
        _ => basis,
    };
    Some((tok_s, basis))
}

/// The CPU's estimated speed for a report without a `performance` section.
fn estimated_cpu(gguf: table::GgufType, cpu_bandwidth: Option<f64>) -> Option<f64> {
    let generation = predict::cpu_generation(gguf, cpu_bandwidth?, None, REPORT_CONTEXT_TOKENS)?;
    Some(round3(generation.tokens_per_second)).filter(|t| t.is_finite() && *t > 0.0)
}

/// A GPU's estimated speed, from its product table and `memory` bytes.
fn estimated_gpu(
    gguf: table::GgufType,
    name: &str,
    memory: Option<u64>,
    cpu_bandwidth: Option<f64>,
) -> Option<f64> {
    let ((bandwidth_gb_s, _), memory_bytes) = gpu_bandwidth(name, None).0.zip(memory)?;
    let facts = predict::GpuFacts {
        bandwidth_gb_s,
        memory_bytes,
    };
    let generation = predict::gpu_generation(gguf, facts, cpu_bandwidth, REPORT_CONTEXT_TOKENS)?;
    Some(round3(generation.tokens_per_second)).filter(|t| t.is_finite() && *t > 0.0)
}

/// What [`fastest`] finds in [`estimated_devices`] at `level`, computed for that level's
/// GGUF type alone: the planner asks it of every report, and building every device's row
/// at every level for it made planning 100,000 reports a fifth slower.
fn estimated_speed(machine: &Machine, level: &str) -> Option<MachineSpeed> {
    let gguf = table::ollama_type(level)?;
    let (cpu_bandwidth, gpus) = estimated_inputs(machine);
    let cpu = estimated_cpu(gguf, cpu_bandwidth).map(|t| (t, "CPU"));
    let gpus = gpus.into_iter().filter_map(|(name, memory)| {
        Some((estimated_gpu(gguf, name, memory, cpu_bandwidth)?, name))
    });
    cpu.into_iter()
        .chain(gpus)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(tok_s, name)| MachineSpeed {
            tok_s,
            device: name.to_owned(),
            basis: Basis::Estimated,
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::parse_report;

    const H200: &str = include_str!("../../../www/examples/capability_report_gpu-h200.json");
    const EPYC: &str = include_str!("../../../www/examples/capability_report_cloud-epyc.json");

    fn example(json: &str) -> Machine {
        parse_report("example.json", json.as_bytes())
            .unwrap()
            .machine
    }

    #[test]
    fn a_guide_report_is_estimated_from_its_gpu_table_and_gflops() {
        let h200 = generation_speed(&example(H200), "q4").unwrap();
        assert_eq!(h200.device, "NVIDIA H200");
        assert_eq!(h200.basis, Basis::Estimated);
        let epyc = generation_speed(&example(EPYC), "q4").unwrap();
        assert_eq!(epyc.device, "CPU");
        assert!(h200.tok_s > 50.0 * epyc.tok_s, "{h200:?} {epyc:?}");
    }

    #[test]
    fn a_measurement_at_the_level_run_wins_over_the_prediction() {
        let mut machine = example(EPYC);
        let mut section = Performance {
            devices: estimated_devices(&machine),
            ..Default::default()
        };
        section.ollama = Some(super::super::report::OllamaSpeed {
            measured: true,
            quantization: Some("Q4_0".to_owned()),
            generation_tok_s: Some(7.5),
            ..Default::default()
        });
        machine.performance = Some(section);
        let q4 = generation_speed(&machine, "q4").unwrap();
        assert_eq!((q4.tok_s, q4.basis), (7.5, Basis::Measured));
        let q8 = generation_speed(&machine, "q8").unwrap();
        assert_eq!(q8.basis, Basis::Predicted);
    }

    #[test]
    fn nothing_known_is_no_speed() {
        let mut machine = example(EPYC);
        machine.benchmark = Default::default();
        assert_eq!(generation_speed(&machine, "q4"), None);
    }

    #[test]
    fn the_direct_estimate_is_what_the_estimated_rows_give() {
        let examples = [
            H200,
            EPYC,
            include_str!("../../../www/examples/capability_report_gpu-desktop.json"),
            include_str!("../../../www/examples/capability_report_mac-m2.json"),
            include_str!("../../../www/examples/capability_report_lab-pi.json"),
            include_str!("../../../www/examples/capability_report_old-thinkpad.json"),
        ];
        for json in examples {
            let machine = example(json);
            for (level, _) in table::LEVEL_TYPES {
                let rows = fastest(&estimated_devices(&machine), level, Basis::Estimated);
                assert_eq!(estimated_speed(&machine, level), rows, "{level}");
            }
        }
    }
}
