//! Fleet planning: many capability reports in, one phased execution plan out — the guide's
//! `distribute_workload.py`, value for value (`seed`), or with its gaps fixed (`balanced`).
//!
//! The entry point is [`plan`]: what it reads of validated reports, each with the name of its
//! file ([`Input`]), and the [`PlanOptions`]. [`plan_files`] reads files and calls [`plan`];
//! the CLI (`llmcap plan`) reads and parses its files in parallel, makes each [`Input`] there
//! and calls [`plan`]; the page, which has read its files already, calls [`plan`] with
//! what-if values applied and [`Plan::reject`] with the files it could not use. Then
//! [`plan_json`] or [`render_text`]. The plan is a pure function of the reports and the
//! options, so the same reports give the same bytes everywhere.
//!
//! # Input
//!
//! | step | rule |
//! |---|---|
//! | parse ([`plan_files`]) | each file goes through [`read_reports`]: a report, or a bundle of reports (see [`crate::report::bundle`]) whose `n`-th report is named `file#n`; a bad file or bad report becomes one line in [`Plan::rejected`], sorted by name, and the others are still planned |
//! | facts | each valid report becomes an [`Input`]: its file's name and the [`Facts`] the planner reads of it, among them a 128-bit hash of its JSON (its content); the caller may drop the report then |
//! | order | inputs are sorted by file name, then content (that hash): the order they were given never matters; the zero-padded `#n` keeps a bundle's reports in its order; from here on, and in the plan's `file` fields and counts of files, each report of a bundle counts as a file named `file#n` |
//! | duplicates | a valid report with the same content as the kept report of its host is listed in [`Plan::duplicates`] |
//! | newest per host | host names that differ only in case are one host, as in DNS; for each host the newest report is kept, by `timestamp_utc` when every report of that host has one, else by the local `timestamp`; ties go to the first file by name, then content; the others are listed in [`Plan::replaced`] and warned about |
//! | tiers | the guide's `assign_workload`, see [`TIER_RULES`]; a machine that matches no rule is listed in [`Plan::excluded`] with the reason |
//! | E1 doubts | a machine given an E1 task whose report's embedding test failed or timed out gets a warning; the assignment itself follows the guide's verdict, which does not read that test |
//! | versions | each of [`Plan::machines`] names the program that wrote its report (`tool`: name, version, target; `null` for the guide's script); kept reports from more than one program or version give one warning naming each with its machines, newest llmcap first |
//!
//! # Strategies
//!
//! [`Strategy::Seed`] is the guide's `generate_execution_plan` (see [`seed`]);
//! [`Strategy::Balanced`], the default, fixes its gaps (see [`balanced`]). Both fill the
//! guide's keys (`phase1`, `phase2`, `phase3`; each entry `machine`, `experiment`,
//! `parallel`) and add the same richer fields.
//!
//! # Output
//!
//! [`plan_json`] writes `distributed_plan.json`; [`render_text`] writes a table per phase and
//! the warnings. In short (lists cut):
//!
//! ```json
//! {
//!   "phase1": [{"machine": "pi", "experiment": "prerequisites", "parallel": true,
//!               "tasks": ["prerequisites"], "model": "sentence-transformers/all-MiniLM-L6-v2",
//!               "batch_size": 1, "gradient_accumulation_steps": 16,
//!               "reason": "tier 1: runs the prerequisites with the embedding model"}],
//!   "phase2": [{"machine": "laptop", "experiment": "e0_e1_subset", "parallel": true, ...,
//!               "share_percent": 12, "configs": {"start": 0, "end": 116}, "reason": "..."}],
//!   "phase3": [{"machine": "workstation", "experiment": "e2_full", "parallel": false, ...}],
//!   "strategy": "balanced",
//!   "options": {"e0_configs": 1000, "target_batch_size": 16},
//!   "tiers": {"tier1": [{"hostname": "pi", "tasks": [...], "model": "embeddings_only"}], ...},
//!   "machines": [{"hostname": "pi", "file": "capability_report_pi.json", "tier": 1, ...,
//!                 "tool": {"name": "llmcap", "version": "0.1.0",
//!                          "target": "aarch64-unknown-linux-gnu"}}],
//!   "excluded": [{"hostname": "tiny", "file": "...", "reason": "..."}],
//!   "rejected": [{"file": "notes.json", "error": "notes.json: not valid JSON at ..."}],
//!   "duplicates": [{"file": "pi-copy.json", "hostname": "pi", "duplicate_of": "..."}],
//!   "replaced": [{"file": "...", "hostname": "laptop", "timestamp": "...", "kept_file": "...",
//!                 "kept_timestamp": "..."}],
//!   "warnings": ["..."]
//! }
//! ```
//!
//! A plan with [`Plan::reports_used`] = 0 means no usable report was given.

pub mod balanced;
mod files;
mod machines;
mod merge;
mod output;
mod render;
pub mod seed;
mod shares;
mod tiers;
mod versions;

pub use files::{ReportFile, inputs, read_files, sort_out};
pub use machines::Facts;
pub use output::{
    Assignment, ConfigRange, Duplicate, Excluded, Experiment, Generation, PhaseSpan, Plan,
    PlannedMachine, Rejected, Replaced, TierEntry, Tiers, Timeline,
};
pub use render::{duration, plan_json, render_text, write_plan_json, write_text};
pub use tiers::{TIER_RULES, Tier, TierRule, guide_gpu_memory_gb};

use crate::recommend::DEFAULT_TARGET_BATCH_SIZE;
use crate::report::Report;
#[cfg(doc)]
use crate::report::read_reports;
use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The embedding model of the prerequisites (P1-P3): the guide's `embeddings_only`.
pub const EMBEDDING_MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// How the phases are filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    /// The guide's fixes: every capable machine works, E0 is sharded by compute, E2 goes to
    /// the best capable machine.
    #[default]
    Balanced,
    /// The guide's `generate_execution_plan`, value for value.
    Seed,
}

impl Strategy {
    /// Every strategy, default first.
    pub const ALL: [Strategy; 2] = [Strategy::Balanced, Strategy::Seed];

    /// The name used on the command line and in the plan.
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Balanced => "balanced",
            Strategy::Seed => "seed",
        }
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A strategy name that is not one of [`Strategy::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown strategy {0:?}, expected \"balanced\" or \"seed\"")]
pub struct UnknownStrategy(pub String);

impl FromStr for Strategy {
    type Err = UnknownStrategy;

    fn from_str(name: &str) -> Result<Strategy, UnknownStrategy> {
        Strategy::ALL
            .into_iter()
            .find(|s| s.as_str() == name)
            .ok_or_else(|| UnknownStrategy(name.to_owned()))
    }
}

/// Everything besides the reports that the plan depends on; echoed in [`Plan::options`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct PlanOptions {
    /// How the phases are filled (written once, as [`Plan::strategy`]).
    #[serde(skip_serializing)]
    pub strategy: Strategy,
    /// Number of E0 parameter configurations: with it, each phase-2 machine of the balanced
    /// strategy gets an explicit half-open index range, and the ranges cover `0..N` once.
    pub e0_configs: Option<u32>,
    /// Tokens each E0 configuration generates: with `e0_configs`, each E0 assignment gets
    /// an estimated duration from its machine's generation speed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tokens_per_config: Option<u64>,
    /// Training tokens of E2: the E2 assignment gets an estimated duration where its
    /// machine's training speed is known (on a CPU, from its measured compute).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub train_tokens: Option<u64>,
    /// Effective batch size that gradient accumulation aims for.
    pub target_batch_size: u32,
}

impl Default for PlanOptions {
    fn default() -> Self {
        PlanOptions {
            strategy: Strategy::Balanced,
            e0_configs: None,
            tokens_per_config: None,
            train_tokens: None,
            target_batch_size: DEFAULT_TARGET_BATCH_SIZE,
        }
    }
}

/// One report given to the planner: the name of its file, and what the planner reads of the
/// report ([`Facts`]), so that the report need not be kept once its input is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Input {
    /// The file's base name, or `file#n` for the `n`-th report of a bundle.
    pub file: String,
    /// What the planner reads of the report.
    pub facts: Facts,
}

impl Input {
    /// The input of a valid report read from `file`.
    pub fn new(file: impl Into<String>, report: &Report) -> Input {
        Input {
            file: file.into(),
            facts: Facts::of(report),
        }
    }

    /// The report's host name.
    pub fn hostname(&self) -> &str {
        self.facts.hostname()
    }
}

/// Plans valid reports: the planner's entry point. `inputs` may come in any order; each
/// machine, duplicate and replaced report of the plan names the input it came from by its
/// index (`input`). Never panics.
pub fn plan(inputs: &[Input], options: &PlanOptions) -> Plan {
    let intake = merge::intake(inputs, options.target_batch_size);
    let mut warnings = merge::replaced_warnings(&intake);
    let candidates = machines::Candidates { all: intake.kept };
    warnings.extend(versions::mixed_versions_warning(&candidates.all));
    let excluded = candidates.excluded();
    warnings.extend(
        excluded
            .iter()
            .map(|e| format!("{}: excluded, {}", e.hostname, e.reason)),
    );
    let phases = match options.strategy {
        Strategy::Seed => seed::plan(&candidates, options),
        Strategy::Balanced => balanced::plan(&candidates, options),
    };
    let doubts = e1_doubts(&candidates, &phases);
    warnings.extend(phases.warnings);
    warnings.extend(doubts);
    let timeline = Timeline::of([
        (1, &phases.phase1),
        (2, &phases.phase2),
        (3, &phases.phase3),
    ]);
    Plan {
        timeline,
        phase1: phases.phase1,
        phase2: phases.phase2,
        phase3: phases.phase3,
        strategy: options.strategy,
        options: *options,
        tiers: candidates.tiers(),
        machines: candidates.rows(),
        excluded,
        rejected: Vec::new(),
        duplicates: intake.duplicates,
        replaced: intake.replaced,
        warnings,
    }
}

/// Reads and plans report files: parses each file (a report or a bundle of them), plans the
/// valid reports with [`plan`], and lists the rest in [`Plan::rejected`].
///
/// `files` are base names and contents, in any order. Never panics, whatever the bytes.
pub fn plan_files(files: &[ReportFile<'_>], options: &PlanOptions) -> Plan {
    let (valid, rejected) = files::read_files(files);
    let mut plan = plan(&files::inputs(&valid), options);
    plan.reject(rejected);
    plan
}

/// One warning per machine given an E1 task although its embedding test failed or timed out:
/// the plan follows the guide's verdict, which does not look at that test, so the user is
/// told where E1 may not run.
fn e1_doubts(fleet: &machines::Candidates<'_>, phases: &Phases) -> Vec<String> {
    let problems: std::collections::HashMap<&str, &str> = fleet
        .all
        .iter()
        .filter_map(|m| Some((m.hostname(), m.embedding_problem.as_deref()?)))
        .collect();
    if problems.is_empty() {
        return Vec::new();
    }
    let mut hosts: Vec<&str> = phases
        .phase1
        .iter()
        .chain(&phases.phase2)
        .chain(&phases.phase3)
        .filter(|a| a.tasks.iter().any(|t| t.starts_with("e1")))
        .map(|a| a.machine.as_str())
        .collect();
    hosts.sort_unstable();
    hosts.dedup();
    hosts
        .into_iter()
        .filter_map(|host| {
            let problem = problems.get(host)?;
            Some(format!(
                "{host}: assigned E1 retrieval, but its embedding test {problem}; fix that and \
                 probe it again, or move its E1 work elsewhere"
            ))
        })
        .collect()
}

/// The phases a strategy fills, and what it warns about.
#[derive(Debug, Default)]
pub(crate) struct Phases {
    pub phase1: Vec<Assignment>,
    pub phase2: Vec<Assignment>,
    pub phase3: Vec<Assignment>,
    pub warnings: Vec<String>,
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_bundle;
