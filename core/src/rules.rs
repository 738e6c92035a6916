//! The guide's rules as data: the verdict thresholds of `determine_capability`, the slow-CPU
//! note, the GPU recommendation lines, and the requirement tables.
//!
//! [`classify`](crate::classify::classify) evaluates these tables in one loop and records a
//! [`Check`](crate::classify::Check) for every row, so each verdict explains itself.

pub use crate::report::Phase;
use serde::Serialize;

#[cfg(feature = "schema")]
use schemars::JsonSchema;

/// One rule of the guide's verdict: the phase is granted when available RAM and free disk
/// both reach the thresholds (and, for `unless`, the other phase was not granted).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseRule {
    /// The phase granted.
    pub phase: Phase,
    /// Available RAM needed, GiB (`>=`).
    pub min_ram_available_gb: f64,
    /// Free disk needed, GiB (`>=`).
    pub min_disk_free_gb: f64,
    /// Granted only when this phase was not: the guide's `elif`.
    pub unless: Option<Phase>,
    /// The line added to `model_recommendations` when granted.
    pub recommendation: Option<&'static str>,
    /// What the rule checks and why.
    pub doc: &'static str,
}

/// The guide's `determine_capability`, row for row. Source: the guide's "Quick Capability Test
/// Script". Note that these thresholds are on *available* RAM, and are lower than the
/// "Minimum Requirements" tables' total RAM.
pub const PHASE_RULES: &[PhaseRule] = &[
    PhaseRule {
        phase: Phase::Prerequisites,
        min_ram_available_gb: 3.0,
        min_disk_free_gb: 5.0,
        unless: None,
        recommendation: None,
        doc: "P1-P3 generate data and embeddings: 3 GB of available RAM and 5 GB of free disk.",
    },
    PhaseRule {
        phase: Phase::E0E1,
        min_ram_available_gb: 5.0,
        min_disk_free_gb: 10.0,
        unless: None,
        recommendation: None,
        doc: "E0 parameter search and E1 retrieval run a quantized model and an index: 5 GB of available RAM and 10 GB of free disk.",
    },
    PhaseRule {
        phase: Phase::E2Full,
        min_ram_available_gb: 12.0,
        min_disk_free_gb: 15.0,
        unless: None,
        recommendation: Some("phi-3-mini (full precision)"),
        doc: "E2 fine-tuning at full precision holds Phi-3-mini's weights and gradients: 12 GB of available RAM and 15 GB of free disk.",
    },
    PhaseRule {
        phase: Phase::E2Quantized,
        min_ram_available_gb: 6.0,
        min_disk_free_gb: 10.0,
        unless: Some(Phase::E2Full),
        recommendation: Some("phi-3-mini (4-bit quantized)"),
        doc: "E2 fine-tuning of a 4-bit model, for machines that cannot do it at full precision: 6 GB of available RAM and 10 GB of free disk.",
    },
];

/// The guide's slow-CPU note: added when the benchmark's 100 rounds took longer than this.
pub const SLOW_CPU_SECONDS: f64 = 10.0;

/// The note the guide writes for a slow CPU.
pub const SLOW_CPU_NOTE: &str = "Slow CPU - expect longer runtimes";

/// A line the guide's verdict adds for a kind of GPU.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GpuLine {
    /// The report's `gpu_type`.
    pub gpu_type: &'static str,
    /// The line added to `model_recommendations`.
    pub line: &'static str,
}

/// The guide's GPU recommendation lines, appended after the phase lines.
pub const GPU_RECOMMENDATIONS: &[GpuLine] = &[
    GpuLine {
        gpu_type: "nvidia",
        line: "Consider using GGML/GGUF formats",
    },
    GpuLine {
        gpu_type: "apple_silicon",
        line: "Use MLX for optimal performance",
    },
];

/// How much a check counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[cfg_attr(feature = "schema", derive(JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Decides the guide's verdict (`determine_capability`).
    Verdict,
    /// The guide's "Absolute Minimum" table: a failure is a warning.
    Minimum,
    /// The guide's "Recommended" table: a failure is a warning too, unless the minimum for
    /// the same metric already failed.
    Recommended,
}

/// A measured quantity a requirement is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Metric {
    /// Total RAM (bounded by a container limit), GiB.
    RamTotalGb,
    /// Free disk, GiB.
    DiskFreeGb,
    /// Physical cores (logical CPUs where unknown).
    Cores,
    /// A CUDA-capable or Apple Silicon GPU.
    Gpu,
}

/// A row of the guide's "Minimum Requirements by Experiment Phase" tables.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Requirement {
    /// Phases the row applies to (the guide's E2 table covers both E2 phases).
    pub phases: &'static [Phase],
    /// Minimum or recommended.
    pub level: Level,
    /// What is measured.
    pub metric: Metric,
    /// The value needed (`>=`); 1 for [`Metric::Gpu`].
    pub at_least: f64,
}

const PREREQ: &[Phase] = &[Phase::Prerequisites];
const E0E1: &[Phase] = &[Phase::E0E1];
const E2: &[Phase] = &[Phase::E2Full, Phase::E2Quantized];

/// The guide's requirement tables. They give warnings, never change the verdict. "CPU: Any
/// x86_64 or ARM processor" and "GPU: Not required" need no check.
pub const REQUIREMENTS: &[Requirement] = &[
    req(PREREQ, Level::Minimum, Metric::RamTotalGb, 4.0),
    req(PREREQ, Level::Minimum, Metric::DiskFreeGb, 5.0),
    req(PREREQ, Level::Recommended, Metric::RamTotalGb, 8.0),
    req(PREREQ, Level::Recommended, Metric::DiskFreeGb, 10.0),
    req(PREREQ, Level::Recommended, Metric::Cores, 4.0),
    req(E0E1, Level::Minimum, Metric::RamTotalGb, 6.0),
    req(E0E1, Level::Minimum, Metric::DiskFreeGb, 10.0),
    req(E0E1, Level::Minimum, Metric::Cores, 2.0),
    req(E0E1, Level::Recommended, Metric::RamTotalGb, 8.0),
    req(E0E1, Level::Recommended, Metric::DiskFreeGb, 20.0),
    req(E0E1, Level::Recommended, Metric::Cores, 4.0),
    req(E2, Level::Minimum, Metric::RamTotalGb, 8.0),
    req(E2, Level::Minimum, Metric::DiskFreeGb, 15.0),
    req(E2, Level::Minimum, Metric::Cores, 4.0),
    req(E2, Level::Recommended, Metric::RamTotalGb, 16.0),
    req(E2, Level::Recommended, Metric::DiskFreeGb, 30.0),
    req(E2, Level::Recommended, Metric::Cores, 8.0),
    req(E2, Level::Recommended, Metric::Gpu, 1.0),
];

const fn req(phases: &'static [Phase], level: Level, metric: Metric, at_least: f64) -> Requirement {
    Requirement {
        phases,
        level,
        metric,
        at_least,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phase_rules_cover_every_phase_once_in_order() {
        let phases: Vec<Phase> = PHASE_RULES.iter().map(|r| r.phase).collect();
        assert_eq!(phases, Phase::ALL);
    }

    #[test]
    fn phases_sorted_by_demand_except_the_fallback() {
        // Each unconditional rule asks at least as much as the one before it.
        let unconditional: Vec<&PhaseRule> =
            PHASE_RULES.iter().filter(|r| r.unless.is_none()).collect();
        for pair in unconditional.windows(2) {
            assert!(pair[0].min_ram_available_gb <= pair[1].min_ram_available_gb);
            assert!(pair[0].min_disk_free_gb <= pair[1].min_disk_free_gb);
        }
        // A fallback asks less than what it falls back from.
        for rule in PHASE_RULES.iter().filter(|r| r.unless.is_some()) {
            let main = PHASE_RULES
                .iter()
                .find(|r| Some(r.phase) == rule.unless)
                .unwrap();
            assert!(rule.min_ram_available_gb < main.min_ram_available_gb);
        }
    }

    #[test]
    fn recommended_never_below_minimum() {
        for min in REQUIREMENTS.iter().filter(|r| r.level == Level::Minimum) {
            for rec in REQUIREMENTS.iter().filter(|r| {
                r.level == Level::Recommended && r.metric == min.metric && r.phases == min.phases
            }) {
                assert!(rec.at_least >= min.at_least, "{min:?} vs {rec:?}");
            }
        }
    }

    #[test]
    fn every_rule_documents_itself() {
        assert!(PHASE_RULES.iter().all(|r| r.doc.len() > 20));
    }
}
