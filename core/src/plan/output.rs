//! The plan as it is written to `distributed_plan.json`: the guide's keys first, then
//! llmcap's additions, in a fixed order.

use super::PlanOptions;
use super::Strategy;
use crate::report::Tool;
use serde::Serialize;
use std::borrow::Cow;

/// A distributed execution plan.
///
/// Serialized by [`plan_json`](super::plan_json): the guide's `phase1`, `phase2`, `phase3`
/// come first, each entry starting with the guide's `machine`, `experiment`, `parallel`.
/// Nothing in it depends on the clock or on where the files were.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Plan {
    /// Prerequisites (P1-P3), in parallel.
    pub phase1: Vec<Assignment>,
    /// E0 parameter optimisation and E1 retrieval (and, in `balanced`, data generation).
    pub phase2: Vec<Assignment>,
    /// E2 fine-tuning (and, in `balanced`, evaluation beside it).
    pub phase3: Vec<Assignment>,
    /// The strategy that filled the phases.
    pub strategy: Strategy,
    /// The options the plan was made with.
    pub options: PlanOptions,
    /// The guide's `assign_workload` result.
    pub tiers: Tiers,
    /// Every report planned (one per host), in input order.
    pub machines: Vec<PlannedMachine>,
    /// Valid reports whose machine can run nothing, and why.
    pub excluded: Vec<Excluded>,
    /// Files that are not valid reports, with the error (see [`Plan::reject`]).
    pub rejected: Vec<Rejected>,
    /// Files equal to the report kept for their host.
    pub duplicates: Vec<Duplicate>,
    /// Older reports of a host, replaced by its newest.
    pub replaced: Vec<Replaced>,
    /// Each phase's estimated makespan, with the workload sizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Timeline>,
    /// Everything the user should know: gaps, exclusions, replacements, assumptions.
    pub warnings: Vec<String>,
}

/// How long each phase takes, where its assignments' durations are known.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Timeline {
    /// One entry per phase with a known duration, in order.
    pub phases: Vec<PhaseSpan>,
    /// The phases one after another, seconds: the sum of their makespans.
    pub total_seconds: f64,
}

/// One phase's makespan: its slowest assignment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PhaseSpan {
    /// 1, 2 or 3.
    pub phase: u8,
    /// Seconds until its last assignment with a duration ends.
    pub makespan_seconds: f64,
    /// The machine of that assignment.
    pub bottleneck: String,
}

impl Timeline {
    /// The timeline of `phases`, or `None` when no assignment has a duration.
    pub fn of(phases: [(u8, &[Assignment]); 3]) -> Option<Timeline> {
        let spans: Vec<PhaseSpan> = phases
            .iter()
            .filter_map(|(phase, list)| {
                let slowest = list
                    .iter()
                    .filter_map(|a| Some((a.estimated_seconds?, a)))
                    .max_by(|x, y| x.0.total_cmp(&y.0))?;
                Some(PhaseSpan {
                    phase: *phase,
                    makespan_seconds: slowest.0,
                    bottleneck: slowest.1.machine.clone(),
                })
            })
            .collect();
        let total: f64 = spans.iter().map(|s| s.makespan_seconds).sum();
        (!spans.is_empty()).then_some(Timeline {
            phases: spans,
            total_seconds: (total * 10.0_f64).round() / 10.0,
        })
    }
}

impl Plan {
    /// Reports planned, one per host: 0 means no usable report was given (the CLI exits 2).
    pub fn reports_used(&self) -> usize {
        self.machines.len()
    }

    /// Adds the files that were not valid reports, sorted by name and error, and the warning that
    /// counts them: what [`plan_files`](super::plan_files) does with the files it could not
    /// read, and what the page does with the same files.
    pub fn reject(&mut self, mut rejected: Vec<Rejected>) {
        if rejected.is_empty() {
            return;
        }
        rejected.sort_by(|a, b| (&a.file, &a.error).cmp(&(&b.file, &b.error)));
        self.rejected.extend(rejected);
        let files =
            self.machines.len() + self.rejected.len() + self.duplicates.len() + self.replaced.len();
        let warning = super::merge::skipped_warning(self.rejected.len(), files);
        self.warnings.insert(0, warning);
    }

    /// The three phases with their numbers.
    pub fn phases(&self) -> [(u8, &[Assignment]); 3] {
        [(1, &self.phase1), (2, &self.phase2), (3, &self.phase3)]
    }
}

/// What one machine does in one phase.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Assignment {
    /// The guide's key: the machine's host name.
    pub machine: String,
    /// The guide's key: what it runs.
    pub experiment: Experiment,
    /// The guide's key: runs at the same time as the phase's other entries.
    pub parallel: bool,
    /// The research tasks this covers.
    pub tasks: &'static [&'static str],
    /// The model to run: the Ollama tag recommended for this machine, or the embedding
    /// model for the prerequisites; `null` when no Phi-3 level fits its memory.
    pub model: Option<Cow<'static, str>>,
    /// Per-step batch size on this machine (the guide's "Batch Size Adjustment").
    pub batch_size: u32,
    /// Steps accumulated per optimizer update (the guide's "Gradient Accumulation").
    pub gradient_accumulation_steps: u32,
    /// Percentage of the E0 configurations this machine runs (phase 2, `balanced`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub share_percent: Option<u32>,
    /// The E0 configuration indices it runs, with `--e0-configs`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configs: Option<ConfigRange>,
    /// Percentage of the prerequisites' or data generation's embedding work this machine
    /// does, by embedding throughput (`balanced`, where two or more machines share it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub embedding_share_percent: Option<u32>,
    /// How it fine-tunes (the E2 assignment, `balanced`): `full`, `lora` or `qlora`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<crate::judge::Method>,
    /// Estimated seconds of its work, with the workload sizes (`tokens_per_config`,
    /// `train_tokens`) and where its speed is known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub estimated_seconds: Option<f64>,
    /// Why this machine got this work, in one line.
    pub reason: String,
}

/// A half-open range of E0 configuration indices, `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct ConfigRange {
    /// First index.
    pub start: u32,
    /// One past the last index.
    pub end: u32,
}

impl ConfigRange {
    /// Indices in the range.
    pub fn len(&self) -> u32 {
        self.end - self.start
    }

    /// True when the range holds no index.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
}

/// An experiment of the plan; the guide's names where it has them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Experiment {
    /// P1-P3 (guide).
    Prerequisites,
    /// Training-data generation, the guide's second tier-1 task.
    DataGeneration,
    /// A part of E0 and E1 (guide).
    E0E1Subset,
    /// E2 fine-tuning at full precision (guide).
    E2Full,
    /// E2 fine-tuning of a quantized model (guide).
    E2Quantized,
    /// Evaluation runs beside E2 fine-tuning.
    E2Evaluation,
}

impl Experiment {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Experiment::Prerequisites => "prerequisites",
            Experiment::DataGeneration => "data_generation",
            Experiment::E0E1Subset => "e0_e1_subset",
            Experiment::E2Full => "e2_full",
            Experiment::E2Quantized => "e2_quantized",
            Experiment::E2Evaluation => "e2_evaluation",
        }
    }

    /// Runs the embedding model rather than Phi-3.
    pub fn uses_embeddings(self) -> bool {
        matches!(self, Experiment::Prerequisites | Experiment::DataGeneration)
    }
}

/// The guide's three tiers, each a list of `assign_workload` entries in input order.
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Tiers {
    /// Weak machines: prerequisites and data generation.
    pub tier1: Vec<TierEntry>,
    /// Medium machines: E0 and E1.
    pub tier2: Vec<TierEntry>,
    /// Strong machines: E2.
    pub tier3: Vec<TierEntry>,
}

/// One entry of the guide's `assign_workload`, value for value.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TierEntry {
    /// The machine's host name.
    pub hostname: String,
    /// The guide's tasks for the tier.
    pub tasks: &'static [&'static str],
    /// The guide's model name for the tier (`phi3-full`, `phi3-q4`, `embeddings_only`).
    pub model: &'static str,
}

/// A planned machine and the facts the plan used.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PlannedMachine {
    /// Its report's index among the planner's inputs: how a caller finds the report again.
    #[serde(skip)]
    pub input: usize,
    /// Host name.
    pub hostname: String,
    /// The report's file (base name).
    pub file: String,
    /// The guide's tier, `null` when excluded.
    pub tier: Option<u8>,
    /// Phases the stored verdict grants, as the guide names them.
    pub capabilities: Vec<&'static str>,
    /// Available RAM, GiB.
    pub ram_available_gb: f64,
    /// Largest GPU memory, GiB (from the GPU list, or the guide's `gpu` text).
    pub gpu_memory_gb: Option<f64>,
    /// Measured GFLOP/s, or the estimate from the guide's `matrix_mult_time`, 2 decimals.
    pub gflops: Option<f64>,
    /// Phi-3-mini's generation speed that the balanced plan shares E0 by; `null` when
    /// nothing in the report gives one.
    pub generation: Option<Generation>,
    /// The program that wrote the report (`name`, `version`, `target`), so the plan shows
    /// which machines ran an older llmcap; `null` for the guide's script.
    pub tool: Option<Tool>,
}

/// A machine's Phi-3-mini generation speed, as the planner reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Generation {
    /// Tokens a second.
    pub tok_s: f64,
    /// The level it runs, the guide's name (`8-bit`).
    pub level: &'static str,
    /// The device: `CPU`, a GPU's name, or `Ollama` for a measurement.
    pub device: String,
    /// `measured`, `predicted` or `estimated`.
    pub basis: &'static str,
}

/// A valid report whose machine gets no work.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Excluded {
    /// Host name.
    pub hostname: String,
    /// The report's file.
    pub file: String,
    /// Why, in one line.
    pub reason: String,
}

/// A file that is not a valid report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rejected {
    /// The file's base name.
    pub file: String,
    /// One line naming the file, the field and the value.
    pub error: String,
}

/// A file whose report equals the one kept for its host.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Duplicate {
    /// Its index among the planner's inputs.
    #[serde(skip)]
    pub input: usize,
    /// The dropped file.
    pub file: String,
    /// Its host.
    pub hostname: String,
    /// The file kept.
    pub duplicate_of: String,
}

/// An older report of a host, replaced by the newest.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Replaced {
    /// Its index among the planner's inputs.
    #[serde(skip)]
    pub input: usize,
    /// The dropped file.
    pub file: String,
    /// Its host.
    pub hostname: String,
    /// Its time (UTC with a `Z` when the host's reports were compared in UTC).
    pub timestamp: String,
    /// The file kept.
    pub kept_file: String,
    /// The kept report's time.
    pub kept_timestamp: String,
}
