//! Stand-ins for `llmcap_core::plan`, which is not in core yet: the newest-report-per-host
//! rule, the guide's tiers, and the guide's (seed) plan.
//!
//! Everything here is to be deleted when core's planner lands; the rest of the page reaches it
//! only through [`crate::plan_view_model`] and [`crate::fleet`], so that change stays small.

use llmcap_core::Report;
use llmcap_core::report::Capabilities;
use serde::Serialize;
use std::collections::BTreeMap;

/// What the merge decided about one report that is not used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeNote {
    /// Index of the report in the merge's input.
    pub index: usize,
    /// What happened, starting with the file's name.
    pub message: String,
}

/// The reports a plan uses: one per host, the newest.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Merge {
    /// Indexes into the input of the reports kept, in input order.
    pub kept: Vec<usize>,
    /// Why each other report is not used.
    pub notes: Vec<MergeNote>,
}

/// Keeps the newest report per host name (by the probe's time; the first loaded on a tie) and
/// says which file replaced which. `reports` is `(file name, report)` in load order.
pub fn merge(reports: &[(&str, &Report)]) -> Merge {
    let mut newest: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, (_, report)) in reports.iter().enumerate() {
        let host = report.hostname.as_str();
        match newest.get(host) {
            Some(&j) if reports[j].1.timestamp >= report.timestamp => {}
            _ => {
                newest.insert(host, i);
            }
        }
    }
    let mut merge = Merge::default();
    for (i, (file, report)) in reports.iter().enumerate() {
        let host = report.hostname.as_str();
        let winner = newest.get(host).copied().unwrap_or(i);
        if winner == i {
            merge.kept.push(i);
            continue;
        }
        let (other_file, other) = reports[winner];
        let message = if other == *report {
            format!("{file}: the same report as {other_file}; counted once")
        } else {
            format!(
                "{file}: host `{host}` is also in {other_file}, which is newer ({} against {}); this older report is not used",
                other.timestamp, report.timestamp
            )
        };
        merge.notes.push(MergeNote { index: i, message });
    }
    merge
}

/// The guide's machine tiers (`assign_workload`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    /// Cannot run even the prerequisites.
    Excluded,
    /// Prerequisites only.
    Tier1,
    /// E0/E1, quantized E2.
    Tier2,
    /// Full-precision E2.
    Tier3,
}

impl Tier {
    /// The guide's tier of a verdict: tier 3 = `e2_full`, tier 2 = `e2_quantized` or `e0_e1`,
    /// tier 1 = prerequisites only.
    pub fn of(capabilities: &Capabilities) -> Tier {
        if capabilities.e2_full {
            Tier::Tier3
        } else if capabilities.e2_quantized || capabilities.e0_e1 {
            Tier::Tier2
        } else if capabilities.prerequisites {
            Tier::Tier1
        } else {
            Tier::Excluded
        }
    }

    /// How the page shows it.
    pub fn label(self) -> &'static str {
        match self {
            Tier::Tier3 => "tier 3",
            Tier::Tier2 => "tier 2",
            Tier::Tier1 => "tier 1",
            Tier::Excluded => "excluded",
        }
    }
}

/// One line of the guide's `distributed_plan.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeedEntry {
    /// Host name.
    pub machine: String,
    /// `prerequisites`, `e0_e1_subset`, `e2_full` or `e2_quantized`.
    pub experiment: &'static str,
    /// Whether it runs alongside the phase's other machines.
    pub parallel: bool,
}

/// The guide's `generate_execution_plan` output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct SeedPlan {
    /// Prerequisites on tier-1 machines.
    pub phase1: Vec<SeedEntry>,
    /// E0/E1 on tier-2 machines.
    pub phase2: Vec<SeedEntry>,
    /// E2 on the first tier-3 machine, else the first tier-2 one.
    pub phase3: Vec<SeedEntry>,
}

/// The guide's plan for `(host, verdict)` pairs given in report-file-name order.
pub fn seed_plan(machines: &[(&str, &Capabilities)]) -> SeedPlan {
    let entry = |host: &str, experiment, parallel| SeedEntry {
        machine: host.to_owned(),
        experiment,
        parallel,
    };
    let in_tier = |tier: Tier| {
        machines
            .iter()
            .filter(move |(_, c)| Tier::of(c) == tier)
            .map(|(h, _)| *h)
    };
    let mut plan = SeedPlan {
        phase1: in_tier(Tier::Tier1)
            .map(|h| entry(h, "prerequisites", true))
            .collect(),
        phase2: in_tier(Tier::Tier2)
            .map(|h| entry(h, "e0_e1_subset", true))
            .collect(),
        phase3: Vec::new(),
    };
    if let Some(host) = in_tier(Tier::Tier3).next() {
        plan.phase3.push(entry(host, "e2_full", false));
    } else if let Some(host) = in_tier(Tier::Tier2).next() {
        plan.phase3.push(entry(host, "e2_quantized", false));
    }
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcap_core::parse_report;

    const EPYC: &str = include_str!("../../tests/fixtures/seed-reports/epyc-2core.json");
    const H200: &str = include_str!("../../tests/fixtures/seed-reports/h200-16core-offline.json");

    #[test]
    fn newest_report_per_host_is_kept_and_the_other_named() {
        // Both real reports are from a host called `vm`; the EPYC one is newer.
        let h200 = parse_report("h200.json", H200.as_bytes()).unwrap();
        let epyc = parse_report("epyc.json", EPYC.as_bytes()).unwrap();
        for order in [
            [("h200.json", &h200), ("epyc.json", &epyc)],
            [("epyc.json", &epyc), ("h200.json", &h200)],
        ] {
            let merge = merge(&order);
            let kept: Vec<&str> = merge.kept.iter().map(|&i| order[i].0).collect();
            assert_eq!(kept, ["epyc.json"]);
            assert_eq!(merge.notes.len(), 1);
            assert!(
                merge.notes[0]
                    .message
                    .starts_with("h200.json: host `vm` is also in epyc.json, which is newer"),
                "{}",
                merge.notes[0].message
            );
        }
    }

    #[test]
    fn tiers_follow_assign_workload() {
        let caps = |p, e, f, q| Capabilities {
            prerequisites: p,
            e0_e1: e,
            e2_full: f,
            e2_quantized: q,
            ..Capabilities::default()
        };
        assert_eq!(Tier::of(&caps(true, true, true, false)), Tier::Tier3);
        assert_eq!(Tier::of(&caps(true, true, false, true)), Tier::Tier2);
        assert_eq!(Tier::of(&caps(true, true, false, false)), Tier::Tier2);
        assert_eq!(Tier::of(&caps(true, false, false, false)), Tier::Tier1);
        assert_eq!(Tier::of(&caps(false, false, false, false)), Tier::Excluded);
    }
}
