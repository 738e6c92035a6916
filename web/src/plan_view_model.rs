//! What the plan section shows, read from `llmcap_core::plan`'s [`Plan`]: the phases with
//! their machines and reasons, the E0 shares, the E2 machine, exclusions and warnings.

use llmcap_core::plan::{Assignment, Experiment, Plan, Strategy, duration};

/// One line saying what a strategy does.
pub fn describe(strategy: Strategy) -> &'static str {
    match strategy {
        Strategy::Balanced => {
            "every phase staffed, E0 shared by Phi-3-mini speed, E2 on the best machine"
        }
        Strategy::Seed => "exactly the guide's distribute_workload.py",
    }
}

/// One machine's work in a phase.
#[derive(Debug, Clone, PartialEq)]
pub struct AssignmentView {
    /// Host name.
    pub host: String,
    /// What it runs (`e0_e1_subset`, ...).
    pub experiment: &'static str,
    /// Whether it runs alongside the phase's other machines.
    pub parallel: bool,
    /// The model it runs, when one fits.
    pub model: Option<String>,
    /// Batch size and gradient accumulation, e.g. `1 × 16`.
    pub batch: String,
    /// Its share of E0, e.g. `37 % (configs 0-370)`.
    pub share: Option<String>,
    /// Why this machine.
    pub reason: String,
    /// Its estimated duration, e.g. `3.4 h`, with the workload sizes.
    pub duration: Option<String>,
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
    pub experiment: &'static str,
    /// Why this machine.
    pub reason: String,
}

/// The plan as the page shows it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct PlanView {
    /// The strategy that made it.
    pub strategy: Strategy,
    /// Machines planned over (one per host).
    pub machines: usize,
    /// The phases in order.
    pub phases: Vec<PhaseView>,
    /// E0 shares (empty when the strategy does not share E0).
    pub e0_shares: Vec<ShareView>,
    /// The E2 machine, when one can run it.
    pub e2: Option<E2View>,
    /// Machines that get no work: host and why.
    pub excluded: Vec<(String, String)>,
    /// Everything the user should know.
    pub warnings: Vec<String>,
    /// The timeline, with the workload sizes.
    pub timeline: Option<TimelineView>,
}

/// The plan over time: its phases one after another, each machine's work a bar.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineView {
    /// Bars to scale in seconds; else, without workload sizes, each phase is one unit long
    /// and a bar its machine's share of it.
    pub to_scale: bool,
    /// All phases with a duration, seconds (units when not to scale).
    pub total_seconds: f64,
    /// The same as text.
    pub total: String,
    /// One row per assignment with a duration, in phase order.
    pub bars: Vec<TimelineBar>,
    /// Each phase's makespan, e.g. `Phase 2: 9.7 h (slowest: gpu-h200)`.
    pub phases: Vec<String>,
}

/// One machine's work in one phase, placed in time.
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineBar {
    /// Host name.
    pub host: String,
    /// 1, 2 or 3.
    pub phase: u8,
    /// When the phase starts, seconds from the plan's start.
    pub start_seconds: f64,
    /// How long the work takes.
    pub seconds: f64,
    /// The duration as text.
    pub text: String,
}

/// The bars of `plan`'s timeline: each phase starts when the previous known one ends.
/// Without durations, the phases are drawn one unit long each, and each machine's bar is its
/// share of the phase (the whole phase when it has no share: it runs beside the others).
fn timeline(plan: &Plan) -> Option<TimelineView> {
    let Some(timeline) = plan.timeline.as_ref() else {
        return relative_timeline(plan);
    };
    let mut start = 0.0;
    let mut bars = Vec::new();
    let mut phases = Vec::new();
    for span in &timeline.phases {
        let list = plan.phases()[usize::from(span.phase - 1)].1;
        bars.extend(list.iter().filter_map(|a| {
            let seconds = a.estimated_seconds?;
            Some(TimelineBar {
                host: a.machine.clone(),
                phase: span.phase,
                start_seconds: start,
                seconds,
                text: duration(seconds),
            })
        }));
        phases.push(format!(
            "Phase {}: {} (slowest: {})",
            span.phase,
            duration(span.makespan_seconds),
            span.bottleneck
        ));
        start += span.makespan_seconds;
    }
    Some(TimelineView {
        to_scale: true,
        total_seconds: timeline.total_seconds,
        total: duration(timeline.total_seconds),
        bars,
        phases,
    })
}

fn relative_timeline(plan: &Plan) -> Option<TimelineView> {
    let phases: Vec<(u8, &[Assignment])> = plan
        .phases()
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .collect();
    if phases.is_empty() {
        return None;
    }
    let mut bars = Vec::new();
    for (i, (phase, list)) in phases.iter().enumerate() {
        bars.extend(list.iter().map(|a| {
            let share = a.share_percent.map(|p| f64::from(p) / 100.0);
            TimelineBar {
                host: a.machine.clone(),
                phase: *phase,
                start_seconds: i as f64,
                seconds: share.unwrap_or(1.0),
                text: a
                    .share_percent
                    .map_or_else(|| "whole phase".to_owned(), |p| format!("{p} % of E0")),
            }
        }));
    }
    Some(TimelineView {
        to_scale: false,
        total_seconds: phases.len() as f64,
        total: "durations unknown: bars are shares of each phase (give a workload for times)"
            .to_owned(),
        bars,
        phases: phases
            .iter()
            .map(|(phase, list)| format!("Phase {phase}: {} machine(s)", list.len()))
            .collect(),
    })
}

const TITLES: [&str; 3] = [
    "Phase 1: prerequisites (P1-P3)",
    "Phase 2: E0 parameter optimisation and E1 retrieval",
    "Phase 3: E2 fine-tuning",
];

fn assignment(a: &Assignment) -> AssignmentView {
    AssignmentView {
        host: a.machine.clone(),
        experiment: a.experiment.as_str(),
        parallel: a.parallel,
        model: a.model.as_ref().map(|m| m.to_string()),
        batch: format!("{} × {}", a.batch_size, a.gradient_accumulation_steps),
        share: a.share_percent.map(|p| match a.configs {
            Some(c) => format!("{p} % (configs {}-{})", c.start, c.end),
            None => format!("{p} %"),
        }),
        reason: a.reason.clone(),
        duration: a.estimated_seconds.map(duration),
    }
}

/// Reads a plan for display.
pub fn build(plan: &Plan) -> PlanView {
    let phases = plan
        .phases()
        .iter()
        .zip(TITLES)
        .map(|((number, list), title)| PhaseView {
            key: format!("phase{number}"),
            title: title.to_owned(),
            assignments: list.iter().map(assignment).collect(),
        })
        .collect();
    let e0_shares = plan
        .phase2
        .iter()
        .filter_map(|a| {
            a.share_percent.map(|p| ShareView {
                host: a.machine.clone(),
                fraction: f64::from(p) / 100.0,
            })
        })
        .collect();
    let e2 = plan
        .phase3
        .iter()
        .find(|a| matches!(a.experiment, Experiment::E2Full | Experiment::E2Quantized))
        .map(|a| E2View {
            host: a.machine.clone(),
            experiment: a.experiment.as_str(),
            reason: a.reason.clone(),
        });
    PlanView {
        strategy: plan.strategy,
        machines: plan.reports_used(),
        phases,
        e0_shares,
        e2,
        excluded: plan
            .excluded
            .iter()
            .map(|e| (e.hostname.clone(), e.reason.clone()))
            .collect(),
        warnings: plan.warnings.clone(),
        timeline: timeline(plan),
    }
}
