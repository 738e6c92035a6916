//! The verdict: which phases a machine can run, equal to the guide's `determine_capability`
//! on the same facts, with every check that led to it.

use crate::report::{Capabilities, GpuType, Machine, show_number};
use crate::rules::{
    GPU_RECOMMENDATIONS, Level, Metric, PHASE_RULES, Phase, REQUIREMENTS, SLOW_CPU_NOTE,
    SLOW_CPU_SECONDS,
};
use serde::Serialize;
use std::collections::BTreeMap;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// One requirement checked against one measured value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
pub struct Check {
    /// What is checked, e.g. `available RAM`.
    pub requirement: String,
    /// What is needed, e.g. `≥ 3 GB`.
    pub required: String,
    /// What was measured, e.g. `22.2 GB`.
    pub actual: String,
    /// Whether the measured value meets the requirement.
    pub pass: bool,
    /// Whether the check decides the verdict or only warns.
    pub level: Level,
    /// Where the requirement comes from in the guide.
    pub source: String,
}

/// The verdict on one machine and how it was reached.
#[derive(Debug, Clone, PartialEq)]
pub struct Assessment {
    /// The guide's verdict, exactly as `determine_capability` computes it.
    pub capabilities: Capabilities,
    /// Every check, per phase.
    pub checks: BTreeMap<Phase, Vec<Check>>,
    /// Requirements of the guide's tables that a granted phase does not meet.
    pub warnings: Vec<String>,
}

impl Assessment {
    /// Whether the verdict grants `phase`.
    pub fn grants(&self, phase: Phase) -> bool {
        self.capabilities.grants(phase)
    }

    /// The checks keyed by the phase's wire name, as a report stores them.
    pub fn checks_by_key(&self) -> BTreeMap<String, Vec<Check>> {
        self.checks
            .iter()
            .map(|(phase, checks)| (phase.key().to_owned(), checks.clone()))
            .collect()
    }
}

/// Measured values replaced for a what-if evaluation (`llmcap classify --ram-available-gb`,
/// the page's what-if panel).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Overrides {
    /// Available RAM, GiB.
    pub ram_available_gb: Option<f64>,
    /// Free disk, GiB.
    pub disk_free_gb: Option<f64>,
    /// Memory of the GPU, GiB: sets every discrete GPU to this size, adds a hypothetical
    /// NVIDIA GPU where there is none, and removes discrete GPUs when 0.
    pub gpu_vram_gb: Option<f64>,
}

impl Overrides {
    /// True when nothing is overridden.
    pub fn is_empty(&self) -> bool {
        *self == Overrides::default()
    }
}

impl Machine {
    /// This machine with the overridden values in place of the measured ones.
    pub fn with_overrides(&self, overrides: &Overrides) -> Machine {
        let mut machine = self.clone();
        let system = &mut machine.system;
        if let Some(ram) = overrides.ram_available_gb {
            system.ram_available_gb = ram;
            system.ram_gb = system.ram_gb.max(ram);
        }
        if let Some(disk) = overrides.disk_free_gb {
            system.disk_free_gb = disk;
        }
        if let Some(vram_gb) = overrides.gpu_vram_gb {
            let mib = (vram_gb.max(0.0) * 1024.0).round() as u64;
            if mib == 0 {
                system.gpus.retain(|g| g.unified_memory);
                if matches!(system.gpu_type, Some(GpuType::Nvidia | GpuType::Amd)) {
                    system.gpu_type = None;
                    system.gpu = None;
                }
            } else if system.gpus.iter().any(|g| !g.unified_memory) {
                for gpu in system.gpus.iter_mut().filter(|g| !g.unified_memory) {
                    gpu.vram_total_mib = Some(mib);
                    gpu.vram_free_mib = Some(mib);
                }
            } else {
                system.gpus.push(crate::report::Gpu {
                    vendor: "nvidia".to_owned(),
                    name: "what-if GPU".to_owned(),
                    vram_total_mib: Some(mib),
                    vram_free_mib: Some(mib),
                    driver: None,
                    unified_memory: false,
                    source: Some("what-if".to_owned()),
                });
                if system.gpu_type.is_none() {
                    system.gpu_type = Some(GpuType::Nvidia);
                    system.gpu = Some(format!("what-if GPU, {mib} MiB"));
                }
            }
        }
        machine
    }
}

const VERDICT_SOURCE: &str = "guide: test_capability.py determine_capability";

fn gb(value: f64) -> String {
    format!("{} GB", show_number(value))
}

/// Computes the verdict for a machine: the guide's rules ([`PHASE_RULES`], the slow-CPU note,
/// the GPU lines) give the verdict; the guide's tables ([`REQUIREMENTS`]) add checks and
/// warnings but never change it.
pub fn classify(machine: &Machine) -> Assessment {
    let system = &machine.system;
    let ram = system.ram_available_gb;
    let disk = system.disk_free_gb;
    let mut capabilities = Capabilities::default();
    let mut checks: BTreeMap<Phase, Vec<Check>> = BTreeMap::new();

    for rule in PHASE_RULES {
        let ram_ok = ram >= rule.min_ram_available_gb;
        let disk_ok = disk >= rule.min_disk_free_gb;
        let blocked = rule.unless.filter(|other| capabilities.grants(*other));
        let phase_checks = checks.entry(rule.phase).or_default();
        phase_checks.push(Check {
            requirement: "available RAM".to_owned(),
            required: format!("≥ {}", gb(rule.min_ram_available_gb)),
            actual: gb(ram),
            pass: ram_ok,
            level: Level::Verdict,
            source: VERDICT_SOURCE.to_owned(),
        });
        phase_checks.push(Check {
            requirement: "free disk".to_owned(),
            required: format!("≥ {}", gb(rule.min_disk_free_gb)),
            actual: gb(disk),
            pass: disk_ok,
            level: Level::Verdict,
            source: VERDICT_SOURCE.to_owned(),
        });
        if let Some(other) = rule.unless {
            phase_checks.push(Check {
                requirement: format!("not already granted {}", other.key()),
                required: format!("{} = false", other.key()),
                actual: format!("{} = {}", other.key(), blocked.is_some()),
                pass: blocked.is_none(),
                level: Level::Verdict,
                source: VERDICT_SOURCE.to_owned(),
            });
        }
        if ram_ok && disk_ok && blocked.is_none() {
            capabilities.grant(rule.phase);
            if let Some(line) = rule.recommendation {
                capabilities.model_recommendations.push(line.to_owned());
            }
        }
    }

    if machine
        .benchmark
        .matrix_mult_time
        .is_some_and(|t| t > SLOW_CPU_SECONDS)
    {
        capabilities.notes = Some(SLOW_CPU_NOTE.to_owned());
    }

    if let Some(gpu_type) = &system.gpu_type
        && let Some(gpu) = GPU_RECOMMENDATIONS
            .iter()
            .find(|g| g.gpu_type == gpu_type.as_str())
    {
        capabilities.model_recommendations.push(gpu.line.to_owned());
    }

    let mut warnings = Vec::new();
    // A metric already warned about for a phase (its minimum failed) is not warned about
    // again for its recommended value.
    let mut warned: Vec<(Phase, Metric)> = Vec::new();
    for requirement in REQUIREMENTS {
        let check = table_check(
            machine,
            requirement.metric,
            requirement.at_least,
            requirement.level,
        );
        for phase in requirement.phases {
            let key = (*phase, requirement.metric);
            if !check.pass && capabilities.grants(*phase) && !warned.contains(&key) {
                let which = match requirement.level {
                    Level::Recommended => "recommended",
                    _ => "minimum",
                };
                warnings.push(format!(
                    "{}: the guide's {which} {} is {}, this machine has {}",
                    phase.title(),
                    check.requirement,
                    check.required,
                    check.actual
                ));
                warned.push(key);
            }
            checks.entry(*phase).or_default().push(check.clone());
        }
    }

    Assessment {
        capabilities,
        checks,
        warnings,
    }
}

fn table_check(machine: &Machine, metric: Metric, at_least: f64, level: Level) -> Check {
    let system = &machine.system;
    let source = match level {
        Level::Recommended => "guide: Minimum Requirements by Experiment Phase, Recommended",
        _ => "guide: Minimum Requirements by Experiment Phase, Absolute Minimum",
    };
    let (requirement, required, actual, pass) = match metric {
        Metric::RamTotalGb => {
            let ram = system.usable_ram_gb();
            (
                "RAM".to_owned(),
                format!("≥ {}", gb(at_least)),
                gb(ram),
                ram >= at_least,
            )
        }
        Metric::DiskFreeGb => (
            "free disk".to_owned(),
            format!("≥ {}", gb(at_least)),
            gb(system.disk_free_gb),
            system.disk_free_gb >= at_least,
        ),
        Metric::Cores => {
            let cores = system.cores();
            (
                "CPU cores".to_owned(),
                format!("≥ {}", show_number(at_least)),
                cores.to_string(),
                f64::from(cores) >= at_least,
            )
        }
        Metric::Gpu => {
            let kind = system.gpu_type.as_ref().map(GpuType::as_str);
            (
                "GPU".to_owned(),
                "CUDA-capable or Apple Silicon".to_owned(),
                kind.unwrap_or("none").to_owned(),
                matches!(kind, Some("nvidia" | "apple_silicon")),
            )
        }
    };
    Check {
        requirement,
        required,
        actual,
        pass,
        level,
        source: source.to_owned(),
    }
}

#[cfg(test)]
mod tests;
