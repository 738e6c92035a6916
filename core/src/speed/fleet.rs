//! The one speed figure the planner shares work by: Phi-3-mini's generation speed at the
//! quantization level a machine runs, on its fastest device. Measured by Ollama when the
//! report holds a measurement at that level; else predicted from the report's `performance`
//! section; else, for reports without one (the guide's, llmcap's older ones), estimated from
//! their other facts: the GPU by its product table, the CPU from its f64 GFLOP/s
//! ([`ESTIMATED_GB_S_PER_F64_GFLOPS`], or [`ESTIMATED_GB_S_PER_GUIDE_GFLOPS`] for the
//! guide's `matrix_mult_time`).

use super::report::{DeviceSpeed, Performance, Source};
use super::table::{
    self, ESTIMATED_GB_S_PER_F64_GFLOPS, ESTIMATED_GB_S_PER_GUIDE_GFLOPS, LEVEL_TYPES,
    REPORT_CONTEXT_TOKENS,
};
use super::{cpu_device, gpu_bandwidth, gpu_device, predict, round3};
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
            let speed = device.speeds.iter().find(|s| s.level == level)?;
            let tok_s = speed
                .generation_tok_s
                .filter(|t| t.is_finite() && *t > 0.0)?;
            let basis = match speed.source {
                Some(Source::Measured) => Basis::Measured,
                _ => basis,
            };
            Some(MachineSpeed {
                tok_s,
                device: device.name.clone(),
                basis,
            })
        })
        .max_by(|a, b| a.tok_s.total_cmp(&b.tok_s))
}

/// The machine's device rows and their basis: its `performance` section's when it has one
/// with a speed in it (`Predicted`), else rows estimated from its other facts.
pub fn device_rows(machine: &Machine) -> (Vec<DeviceSpeed>, Basis) {
    let known = |p: &&Performance| {
        p.devices
            .iter()
            .any(|d| d.speeds.iter().any(|s| s.generation_tok_s.is_some()))
    };
    match machine.performance.as_ref().filter(known) {
        Some(section) => (section.devices.clone(), Basis::Predicted),
        None => (estimated_devices(machine), Basis::Estimated),
    }
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

/// Device rows built from a report without a `performance` section.
fn estimated_devices(machine: &Machine) -> Vec<DeviceSpeed> {
    let (cpu_bandwidth, gpus) = estimated_inputs(machine);
    let mut devices = vec![cpu_device(cpu_bandwidth, None, REPORT_CONTEXT_TOKENS)];
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

/// What [`fastest`] finds in [`estimated_devices`] at `level`, computed for that level's
/// GGUF type alone: the planner asks it of every report, and building every device's row
/// at every level for it made planning 100,000 reports a fifth slower.
fn estimated_speed(machine: &Machine, level: &str) -> Option<MachineSpeed> {
    let (_, types) = LEVEL_TYPES.iter().find(|(id, _)| *id == level)?;
    let gguf = *types.first()?;
    let (cpu_bandwidth, gpus) = estimated_inputs(machine);
    let context = REPORT_CONTEXT_TOKENS;
    let cpu = cpu_bandwidth
        .and_then(|bw| predict::cpu_generation(gguf, bw, context))
        .map(|t| (round3(t), "CPU"));
    let gpus = gpus.into_iter().filter_map(|(name, memory)| {
        let ((bandwidth_gb_s, _), memory_bytes) = gpu_bandwidth(name, None).0.zip(memory)?;
        let facts = predict::GpuFacts {
            bandwidth_gb_s,
            memory_bytes,
        };
        let generation = predict::gpu_generation(gguf, facts, cpu_bandwidth, context)?;
        Some((round3(generation.tokens_per_second), name))
    });
    cpu.into_iter()
        .chain(gpus)
        .filter(|(t, _)| t.is_finite() && *t > 0.0)
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
            for (level, _) in LEVEL_TYPES {
                let rows = fastest(&estimated_devices(&machine), level, Basis::Estimated);
                assert_eq!(estimated_speed(&machine, level), rows, "{level}");
            }
        }
    }
}
