//! The guide's tiers (`assign_workload`) as a table, and the GPU memory the plan ranks by.

use crate::report::{Capabilities, System};
use crate::rules::Phase;

/// A tier of the guide's "Distributed Execution Strategy".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Weak machines: prerequisites and data generation.
    Tier1,
    /// Medium machines: E0 and E1 with quantized models.
    Tier2,
    /// Strong machines: E2 fine-tuning and evaluation.
    Tier3,
}

impl Tier {
    /// 1, 2 or 3.
    pub fn number(self) -> u8 {
        match self {
            Tier::Tier1 => 1,
            Tier::Tier2 => 2,
            Tier::Tier3 => 3,
        }
    }
}

/// One branch of the guide's `assign_workload`: a machine whose stored verdict grants
/// `when` joins `tier` with the guide's `tasks` and `model`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TierRule {
    /// The verdict key that must be true.
    pub when: Phase,
    /// The tier joined.
    pub tier: Tier,
    /// The guide's task list.
    pub tasks: &'static [&'static str],
    /// The guide's model name.
    pub model: &'static str,
}

/// The guide's `assign_workload`, branch for branch: the first rule whose phase the stored
/// verdict grants decides the tier (the guide's `if`/`elif` chain); a machine that matches
/// none is excluded.
///
/// | verdict key | tier | tasks | model |
/// |---|---|---|---|
/// | `e2_full` | 3 | `e2_finetuning`, `e2_evaluation` | `phi3-full` |
/// | `e2_quantized` | 2 | `e1_retrieval`, `e0_optimization` | `phi3-q4` |
/// | `e0_e1` | 2 | `e0_subset`, `e1_subset` | `phi3-q4` |
/// | `prerequisites` | 1 | `prerequisites`, `data_generation` | `embeddings_only` |
pub const TIER_RULES: &[TierRule] = &[
    TierRule {
        when: Phase::E2Full,
        tier: Tier::Tier3,
        tasks: &["e2_finetuning", "e2_evaluation"],
        model: "phi3-full",
    },
    TierRule {
        when: Phase::E2Quantized,
        tier: Tier::Tier2,
        tasks: &["e1_retrieval", "e0_optimization"],
        model: "phi3-q4",
    },
    TierRule {
        when: Phase::E0E1,
        tier: Tier::Tier2,
        tasks: &["e0_subset", "e1_subset"],
        model: "phi3-q4",
    },
    TierRule {
        when: Phase::Prerequisites,
        tier: Tier::Tier1,
        tasks: &["prerequisites", "data_generation"],
        model: "embeddings_only",
    },
];

/// The rule that places a machine, `None` when it is excluded.
pub(crate) fn tier_rule(caps: &Capabilities) -> Option<&'static TierRule> {
    TIER_RULES.iter().find(|rule| caps.grants(rule.when))
}

/// The largest discrete GPU memory in GiB: from llmcap's GPU list, else from the guide's
/// `gpu` text, whose lines are `nvidia-smi`'s `name, memory.total` (`NVIDIA H200, 143771
/// MiB`). Unified memory (Apple Silicon) is RAM, not counted here.
pub fn guide_gpu_memory_gb(system: &System) -> Option<f64> {
    system.largest_vram_gb().or_else(|| {
        if !system.gpus.is_empty() {
            return None;
        }
        system
            .guide_gpu_lines()
            .map(|(_, mib)| mib)
            .max()
            .map(|mib| mib as f64 / 1024.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_follow_the_guides_elif_order() {
        let order: Vec<Phase> = TIER_RULES.iter().map(|r| r.when).collect();
        assert_eq!(
            order,
            [
                Phase::E2Full,
                Phase::E2Quantized,
                Phase::E0E1,
                Phase::Prerequisites
            ]
        );
        for pair in TIER_RULES.windows(2) {
            assert!(pair[0].tier >= pair[1].tier, "tiers descend: {pair:?}");
        }
    }

    #[test]
    fn the_first_granted_rule_decides() {
        let caps = |p, e, f, q| Capabilities {
            prerequisites: p,
            e0_e1: e,
            e2_full: f,
            e2_quantized: q,
            ..Capabilities::default()
        };
        let tier = |c: Capabilities| tier_rule(&c).map(|r| (r.tier, r.model));
        assert_eq!(
            tier(caps(true, true, true, false)),
            Some((Tier::Tier3, "phi3-full"))
        );
        assert_eq!(
            tier(caps(true, true, false, true)),
            Some((Tier::Tier2, "phi3-q4"))
        );
        assert_eq!(
            tier(caps(true, false, false, false)),
            Some((Tier::Tier1, "embeddings_only"))
        );
        // The guide does not check prerequisites for the higher tiers.
        assert_eq!(
            tier(caps(false, false, true, false)),
            Some((Tier::Tier3, "phi3-full"))
        );
        assert_eq!(tier(caps(false, false, false, false)), None);
    }
}
