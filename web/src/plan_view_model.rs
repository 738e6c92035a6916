//! What the plan section shows, built from the fleet: the page's only door to the planner.
//!
//! Until `llmcap_core::plan` exists this builds the guide's (seed) plan with
//! [`crate::interim`]; wiring core's planner replaces the body of [`build`] and [`plan_json`].

use crate::fleet::FleetRow;
use crate::interim::{SeedPlan, seed_plan};

/// How work is split across machines.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Strategy {
    /// llmcap's strategy: every phase staffed, E0 shared by compute, E2 on the best machine.
    #[default]
    Balanced,
    /// Exactly the guide's `distribute_workload.py`.
    Seed,
}

impl Strategy {
    /// Both, in the order the switch shows them.
    pub const ALL: [Strategy; 2] = [Strategy::Balanced, Strategy::Seed];

    /// The name `llmcap plan --strategy` takes.
    pub fn key(self) -> &'static str {
        match self {
            Strategy::Balanced => "balanced",
            Strategy::Seed => "seed",
        }
    }

    /// One line saying what it does.
    pub fn description(self) -> &'static str {
        match self {
            Strategy::Balanced => {
                "every phase staffed, E0 shared by compute, E2 on the best machine"
            }
            Strategy::Seed => "exactly the guide's distribute_workload.py",
        }
    }
}

/// One machine's work in a phase.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentView {
    /// Host name.
    pub host: String,
    /// What it runs.
    pub experiment: String,
    /// Whether it runs alongside the phase's other machines.
    pub parallel: bool,
    /// Why this machine.
    pub reason: String,
}

/// One phase of the plan.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseView {
    /// Key in `distributed_plan.json`, e.g. `phase1`.
    pub key: String,
    /// Heading, e.g. `Phase 1: prerequisites (P1-P3)`.
    pub title: String,
    /// Who does what.
    pub assignments: Vec<AssignmentView>,
}

/// A machine's share of the E0 configurations.
#[derive(Debug, Clone, PartialEq)]
pub struct ShareView {
    /// Host name.
    pub host: String,
    /// Fraction of all configurations, 0-1.
    pub fraction: f64,
}

/// The machine chosen for E2 fine-tuning.
#[derive(Debug, Clone, PartialEq)]
pub struct E2View {
    /// Host name.
    pub host: String,
    /// `e2_full` or `e2_quantized`.
    pub experiment: String,
    /// Why this machine.
    pub reason: String,
}

/// The plan as the page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanView {
    /// The strategy that made it.
    pub strategy: Strategy,
    /// Machines planned over.
    pub machines: usize,
    /// The phases in order.
    pub phases: Vec<PhaseView>,
    /// E0 shares, largest first (empty when the strategy does not share E0).
    pub e0_shares: Vec<ShareView>,
    /// The E2 machine, when one can run it.
    pub e2: Option<E2View>,
    /// Problems a person must see.
    pub warnings: Vec<String>,
    /// Something about this plan that is not a problem of the fleet.
    pub notice: Option<String>,
}

/// The `(host, verdict)` pairs in report-file-name order, the guide's input order.
fn seed_input(rows: &[FleetRow]) -> SeedPlan {
    let mut by_file: Vec<&FleetRow> = rows.iter().collect();
    by_file.sort_by(|a, b| a.file.cmp(&b.file).then_with(|| a.host().cmp(b.host())));
    let machines: Vec<(&str, &llmcap_core::report::Capabilities)> =
        by_file.iter().map(|r| (r.host(), r.verdict())).collect();
    seed_plan(&machines)
}

const BALANCED_PENDING: &str = "The balanced strategy needs llmcap's planner, which this build of the page does not include yet: the plan below is the guide's (seed) plan.";

/// Plans the fleet with `strategy`.
pub fn build(rows: &[FleetRow], strategy: Strategy) -> PlanView {
    let seed = seed_input(rows);
    let phase =
        |key: &str, title: &str, entries: &[crate::interim::SeedEntry], reason: &str| PhaseView {
            key: key.to_owned(),
            title: title.to_owned(),
            assignments: entries
                .iter()
                .map(|e| AssignmentView {
                    host: e.machine.clone(),
                    experiment: e.experiment.to_owned(),
                    parallel: e.parallel,
                    reason: reason.to_owned(),
                })
                .collect(),
        };
    let e2 = seed.phase3.first().map(|e| E2View {
        host: e.machine.clone(),
        experiment: e.experiment.to_owned(),
        reason: if e.experiment == "e2_full" {
            "the first tier-3 machine in report-file order (the guide's rule)".to_owned()
        } else {
            "no tier-3 machine: the first tier-2 machine in report-file order, quantized (the guide's rule)".to_owned()
        },
    });
    let mut warnings = Vec::new();
    let empty = |p: &Vec<crate::interim::SeedEntry>| p.is_empty();
    if !rows.is_empty() {
        if empty(&seed.phase1) {
            warnings.push("Phase 1 (prerequisites) has no machine: the guide gives it only to tier-1 machines, and there are none.".to_owned());
        }
        if empty(&seed.phase2) {
            warnings.push("Phase 2 (E0/E1) has no machine: no tier-2 machine.".to_owned());
        }
        if e2.is_none() {
            warnings.push(
                "No machine can run E2 fine-tuning, even quantized: phase 3 is empty.".to_owned(),
            );
        }
    }
    PlanView {
        strategy,
        machines: rows.len(),
        phases: vec![
            phase(
                "phase1",
                "Phase 1: prerequisites (P1-P3)",
                &seed.phase1,
                "tier 1: can run only the prerequisites",
            ),
            phase(
                "phase2",
                "Phase 2: E0 parameter optimisation and E1 retrieval",
                &seed.phase2,
                "tier 2: can run E0/E1",
            ),
            phase(
                "phase3",
                "Phase 3: E2 fine-tuning",
                &seed.phase3,
                "see the E2 choice",
            ),
        ],
        e0_shares: Vec::new(),
        e2,
        warnings,
        notice: (strategy == Strategy::Balanced).then(|| BALANCED_PENDING.to_owned()),
    }
}

/// The text of `distributed_plan.json` for the fleet, as `llmcap plan --json` writes it.
pub fn plan_json(rows: &[FleetRow], _strategy: Strategy) -> String {
    serde_json::to_string_pretty(&seed_input(rows)).unwrap_or_default()
}
