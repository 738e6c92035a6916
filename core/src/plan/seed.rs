//! The `seed` strategy: the guide's `generate_execution_plan`, value for value.
//!
//! | phase | the guide's rule |
//! |---|---|
//! | `phase1` | `prerequisites`, parallel, on every tier-1 machine |
//! | `phase2` | `e0_e1_subset`, parallel, on every tier-2 machine |
//! | `phase3` | `e2_full`, not parallel, on the first tier-3 machine; else `e2_quantized` on the first tier-2 machine; else nothing |
//!
//! "First" is in input order: report files sorted by name (the guide uses `glob` order,
//! which the file system decides). The guide's gaps are kept, and each one the plan hits is
//! named in a warning: an empty phase, idle machines, and a fallback to a tier-2 machine
//! whose own report says it cannot run E2.

use super::machines::{Candidate, Candidates};
use super::output::Experiment;
use super::tiers::Tier;
use super::{Phases, PlanOptions};
use crate::rules::Phase;

pub(crate) fn plan(fleet: &Candidates<'_>, options: &PlanOptions) -> Phases {
    let mut phases = Phases::default();
    for m in fleet.in_tier(Tier::Tier1) {
        phases.phase1.push(m.assign(
            Experiment::Prerequisites,
            true,
            &["prerequisites"],
            "guide: every tier-1 machine runs the prerequisites".to_owned(),
        ));
    }
    for m in fleet.in_tier(Tier::Tier2) {
        phases.phase2.push(m.assign(
            Experiment::E0E1Subset,
            true,
            m.rule.map_or(&[][..], |r| r.tasks),
            "guide: every tier-2 machine runs a subset of E0/E1".to_owned(),
        ));
    }
    let first_tier3 = fleet.in_tier(Tier::Tier3).next();
    let first_tier2 = fleet.in_tier(Tier::Tier2).next();
    if let Some(m) = first_tier3 {
        phases.phase3.push(m.assign(
            Experiment::E2Full,
            false,
            m.rule.map_or(&[][..], |r| r.tasks),
            "guide: the first tier-3 machine runs E2 at full precision".to_owned(),
        ));
    } else if let Some(m) = first_tier2 {
        phases.phase3.push(m.assign(
            Experiment::E2Quantized,
            false,
            &["e2_finetuning"],
            "guide's fallback: no tier-3 machine, so the first tier-2 machine runs E2 quantized"
                .to_owned(),
        ));
        if !m.can_e2() {
            phases.warnings.push(format!(
                "phase3: the guide's fallback gives E2 to {}, whose report says it cannot run E2 (--strategy balanced never does)",
                m.hostname()
            ));
        }
    }
    phases.warnings.extend(gap_warnings(fleet, &phases));
    if options.e0_configs.is_some() {
        phases.warnings.push(
            "--e0-configs is ignored by the seed strategy, which does not split E0 (--strategy balanced does)"
                .to_owned(),
        );
    }
    phases
}

/// Empty phases, and machines the guide's rules leave idle.
fn gap_warnings(fleet: &Candidates<'_>, phases: &Phases) -> Vec<String> {
    let mut warnings = Vec::new();
    let count = |pred: &dyn Fn(&Candidate<'_>) -> bool| {
        fleet
            .all
            .iter()
            .filter(|m| m.rule.is_some() && pred(m))
            .count()
    };
    let gaps = [
        (
            &phases.phase1,
            "1",
            "the prerequisites",
            count(&|m| m.can(Phase::Prerequisites)),
            "tier-1",
        ),
        (
            &phases.phase2,
            "2",
            "E0/E1",
            count(&|m| m.can(Phase::E0E1)),
            "tier-2",
        ),
        (
            &phases.phase3,
            "3",
            "E2 fine-tuning",
            count(&|m| m.can_e2()),
            "tier-3 or tier-2",
        ),
    ];
    for (list, number, what, capable, tier) in gaps {
        if !list.is_empty() {
            continue;
        }
        warnings.push(if capable > 0 {
            format!(
                "phase{number} is empty: the guide runs {what} only on {tier} machines and there are none, though {capable} machines could (--strategy balanced uses them)"
            )
        } else {
            format!("phase{number} is empty: no machine can run {what}")
        });
    }
    let idle: Vec<&str> = fleet
        .in_tier(Tier::Tier3)
        .skip(1)
        .map(|m| m.hostname())
        .collect();
    if !idle.is_empty() {
        warnings.push(format!(
            "{} tier-3 machines get no work from the guide's plan: {}{}",
            idle.len(),
            idle.iter().take(5).copied().collect::<Vec<_>>().join(", "),
            if idle.len() > 5 { ", ..." } else { "" }
        ));
    }
    warnings
}
