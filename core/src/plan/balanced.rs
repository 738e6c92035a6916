//! The `balanced` strategy (the default): the guide's phases with its gaps fixed.
//!
//! | phase | experiment | machines | why |
//! |---|---|---|---|
//! | `phase1` | `prerequisites`, parallel | every tier-1 machine; with none, every machine of the lowest tier whose report grants the prerequisites | the guide leaves phase 1 empty without a tier-1 machine |
//! | `phase2` | `e0_e1_subset`, parallel | every tier-2 **and tier-3** machine whose report grants E0/E1 | the guide leaves tier 3 idle until phase 3 |
//! | `phase2` | `data_generation`, parallel | every tier-1 machine | the guide's second tier-1 task |
//! | `phase3` | `e2_full` or `e2_quantized` (as its report grants), not parallel, with its `method` | the best machine whose report grants E2: the best fine-tuning fit ([`crate::judge::fine_tune_fit`]: ready before slow before does not fit, a GPU before the CPU, then the fewest hours a million tokens), then most GPU memory, then available RAM, then GFLOP/s, then host name | the guide takes the first tier-3 machine, or falls back to a tier-2 machine that may not be able to run E2 |
//! | `phase3` | `e2_evaluation`, parallel | every other machine whose report grants E2 | the guide leaves them idle |
//!
//! E0 shares: each phase-2 machine's `share_percent` is in proportion to its Phi-3-mini
//! generation speed at the level it runs, on its fastest device
//! ([`crate::speed::fleet::generation_speed`]: measured by Ollama, else predicted from the
//! report's `performance` section, else estimated from its GPU's product table or its
//! GFLOP/s, with a warning); a machine with no speed at all counts as the median of the
//! others, or all count equally when none is known, with a warning. Shares are whole percentages summing to 100 by largest remainder, ties to the
//! smaller host name. With `e0_configs` = N, `0..N` is split into contiguous half-open
//! ranges in phase-2 order so that the last machine finishes as soon as possible
//! (`shares::split_by_speed`); with `tokens_per_config` each E0 assignment also gets its estimated
//! seconds, and with `train_tokens` the E2 assignment, where its training speed is known.
//! The prerequisites and data generation, where two or more machines share them, are split
//! by the embedding test's sentences a second (`embedding_share_percent`). A phase no
//! machine can run gets a warning.

use super::machines::{Candidate, Candidates};
use super::output::{Assignment, ConfigRange, Experiment};
use super::shares::{apportion, split_by_speed, weight_units};
use super::tiers::Tier;
use super::{Phases, PlanOptions};
use crate::judge::{fit_order, fit_reason};
use crate::num::{median, round1, round2};
use crate::report::show_number;
use crate::rules::Phase;
use crate::speed::fleet as speed;
use std::cmp::Ordering;

pub(crate) fn plan(fleet: &Candidates<'_>, options: &PlanOptions) -> Phases {
    let mut phases = Phases {
        phase1: prerequisites(fleet),
        ..Phases::default()
    };
    let (phase2, e0_warnings) = phase2(fleet, options);
    phases.phase2 = phase2;
    phases.phase3 = phase3(fleet, options);
    let gaps = [
        (
            &phases.phase1,
            "phase1 is empty: no machine can run the prerequisites",
        ),
        (
            &phases.phase2,
            "phase2 is empty: no machine can run E0/E1 or generate data",
        ),
        (
            &phases.phase3,
            "phase3 is empty: no machine's report grants E2 fine-tuning (full or quantized)",
        ),
    ];
    phases.warnings = gaps
        .iter()
        .filter(|(list, _)| list.is_empty())
        .map(|(_, text)| (*text).to_owned())
        .collect();
    if !phases.phase2.is_empty() && phases.phase2.iter().all(|a| a.share_percent.is_none()) {
        phases.warnings.push(
            "phase2 has no machine that can run E0/E1: only data generation, E0 is not assigned"
                .to_owned(),
        );
    }
    phases.warnings.extend(e0_warnings);
    let no_model: Vec<&str> = [&phases.phase2, &phases.phase3]
        .into_iter()
        .flatten()
        .filter(|a| a.model.is_none())
        .map(|a| a.machine.as_str())
        .collect();
    if !no_model.is_empty() {
        phases.warnings.push(format!(
            "no Phi-3 level fits the memory of {}: their assignments name no model",
            list_hosts(&no_model)
        ));
    }
    phases
}

fn prerequisites(fleet: &Candidates<'_>) -> Vec<Assignment> {
    let capable = |m: &&Candidate<'_>| m.rule.is_some() && m.can(Phase::Prerequisites);
    let Some(lowest) = fleet
        .all
        .iter()
        .filter(capable)
        .filter_map(|m| m.tier())
        .min()
    else {
        return Vec::new();
    };
    let reason = if lowest == Tier::Tier1 {
        "tier 1: runs the prerequisites with the embedding model".to_owned()
    } else {
        format!(
            "no tier-1 machine: the prerequisites run on tier {}, the lowest tier that can run them",
            lowest.number()
        )
    };
    let machines: Vec<&Candidate<'_>> = fleet
        .all
        .iter()
        .filter(capable)
        .filter(|m| m.tier() == Some(lowest))
        .collect();
    let mut out: Vec<Assignment> = machines
        .iter()
        .map(|m| {
            m.assign(
                Experiment::Prerequisites,
                true,
                &["prerequisites"],
                reason.clone(),
            )
        })
        .collect();
    share_by_embedding(&mut out, &machines);
    out
}

/// Shares embedding work (the prerequisites, data generation) among `machines` by their
/// embedding test's sentences a second: a machine without one counts as the median of the
/// others, or all count equally. Nothing changes for a single machine.
fn share_by_embedding(list: &mut [Assignment], machines: &[&Candidate<'_>]) {
    if machines.len() < 2 {
        return;
    }
    let mut known: Vec<f64> = machines.iter().filter_map(|m| m.embedding_rate).collect();
    let fallback = median(&mut known).unwrap_or(1.0);
    let rates: Vec<f64> = machines
        .iter()
        .map(|m| m.embedding_rate.unwrap_or(fallback))
        .collect();
    let units: Vec<u128> = rates.iter().map(|r| weight_units(*r)).collect();
    let names: Vec<&str> = machines.iter().map(|m| m.hostname()).collect();
    let shares = apportion(&units, 100, &names);
    let total: f64 = rates.iter().sum();
    for (i, a) in list.iter_mut().enumerate() {
        let basis = if machines[i].embedding_rate.is_some() {
            "measured"
        } else {
            "unknown: the median of the others"
        };
        a.embedding_share_percent = Some(shares[i]);
        a.reason.push_str(&format!(
            "; {}% of this work for {} of {} sentences/s ({basis})",
            shares[i],
            show_number(round1(rates[i])),
            show_number(round1(total))
        ));
    }
}

/// How a machine's E0 weight was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Basis {
    /// Its report's speed: measured, predicted or estimated.
    Speed(speed::Basis),
    Median,
    Equal,
}

fn phase2(fleet: &Candidates<'_>, options: &PlanOptions) -> (Vec<Assignment>, Vec<String>) {
    let workers: Vec<&Candidate<'_>> = fleet
        .all
        .iter()
        .filter(|m| matches!(m.tier(), Some(Tier::Tier2 | Tier::Tier3)) && m.can(Phase::E0E1))
        .collect();
    let (weighed, warnings) = e0_weights(&workers);
    let units: Vec<u128> = weighed.iter().map(|(t, _)| weight_units(*t)).collect();
    let names: Vec<&str> = workers.iter().map(|m| m.hostname()).collect();
    let shares = apportion(&units, 100, &names);
    let speeds: Vec<f64> = weighed.iter().map(|(t, _)| *t).collect();
    let counts = options
        .e0_configs
        .map(|n| split_by_speed(&speeds, n, &names));
    let total: f64 = weighed.iter().map(|(t, _)| t).sum();
    let mut start = 0u32;
    let mut out = Vec::with_capacity(fleet.all.len());
    for (i, m) in workers.iter().enumerate() {
        let (tok_s, basis) = weighed[i];
        let basis_text = match (basis, &m.speed) {
            (Basis::Speed(b), Some(speed)) => {
                format!("Phi-3-mini {} on {}, {}", m.level, speed.device, b.as_str())
            }
            (Basis::Median, _) | (Basis::Speed(_), None) => {
                "speed unknown: the median of the others".to_owned()
            }
            (Basis::Equal, _) => "speeds unknown: equal shares".to_owned(),
        };
        let reason = format!(
            "{}% of E0 for {} of {} tok/s in phase 2 ({basis_text})",
            shares[i],
            show_number(round2(tok_s)),
            show_number(round2(total))
        );
        let mut a = m.assign(
            Experiment::E0E1Subset,
            true,
            &["e0_optimization", "e1_retrieval"],
            reason,
        );
        a.share_percent = Some(shares[i]);
        if let Some(counts) = &counts {
            let end = start + counts[i];
            a.configs = Some(ConfigRange { start, end });
            start = end;
            let known = basis != Basis::Equal;
            a.estimated_seconds = options
                .tokens_per_config
                .filter(|_| known && tok_s > 0.0)
                .map(|t| round1(f64::from(counts[i]) * t as f64 / tok_s));
        }
        out.push(a);
    }
    let generators: Vec<&Candidate<'_>> = fleet.in_tier(Tier::Tier1).collect();
    let mut data: Vec<Assignment> = generators
        .iter()
        .map(|m| {
            m.assign(
                Experiment::DataGeneration,
                true,
                &["data_generation"],
                "tier 1: generates training data while E0/E1 run".to_owned(),
            )
        })
        .collect();
    share_by_embedding(&mut data, &generators);
    out.extend(data);
    (out, warnings)
}

/// Each worker's E0 weight, its Phi-3-mini generation tok/s, and how it was found; with the
/// warnings for machines whose speed was estimated or unknown.
fn e0_weights(workers: &[&Candidate<'_>]) -> (Vec<(f64, Basis)>, Vec<String>) {
    let mut known: Vec<f64> = workers
        .iter()
        .filter_map(|m| Some(m.speed.as_ref()?.tok_s))
        .collect();
    let hosts = |keep: &dyn Fn(&Candidate<'_>) -> bool| -> Vec<&str> {
        workers
            .iter()
            .filter(|m| keep(m))
            .map(|m| m.hostname())
            .collect()
    };
    let unknown = hosts(&|m| m.speed.is_none());
    let estimated = hosts(&|m| {
        m.speed
            .as_ref()
            .is_some_and(|s| s.basis == speed::Basis::Estimated)
    });
    let fallback = median(&mut known);
    let mut warnings = Vec::new();
    if !estimated.is_empty() {
        warnings.push(format!(
            "no measured speed in the reports of {}: their E0 shares use Phi-3-mini speeds estimated from their GPU's product table or their matrix-multiply GFLOP/s (run `llmcap probe` there for measured ones)",
            list_hosts(&estimated)
        ));
    }
    if !unknown.is_empty() {
        warnings.push(match fallback {
            Some(median) => format!(
                "no speed in the reports of {}: their E0 shares assume the median of the others, {} tok/s",
                list_hosts(&unknown),
                show_number(round2(median))
            ),
            None => "no phase-2 report gives a speed: E0 is split equally".to_owned(),
        });
    }
    let weighed = workers
        .iter()
        .map(|m| match (&m.speed, fallback) {
            (Some(speed), _) => (speed.tok_s, Basis::Speed(speed.basis)),
            (None, Some(median)) => (median, Basis::Median),
            (None, None) => (1.0, Basis::Equal),
        })
        .collect();
    (weighed, warnings)
}

/// Best first: the best fine-tuning fit (ready before slow before does not fit, a GPU before
/// the CPU, then the fewest hours a million tokens), then most GPU memory, then available
/// RAM, then GFLOP/s, then host name.
fn e2_rank(a: &Candidate<'_>, b: &Candidate<'_>) -> Ordering {
    let fit = |m: &Candidate<'_>| m.e2_fit.as_ref().map_or((3, true, true, 0.0), fit_order);
    let (fa, fb) = (fit(a), fit(b));
    let gpu = |m: &Candidate<'_>| m.gpu_memory_gb.unwrap_or(0.0);
    let gflops = |m: &Candidate<'_>| m.gflops.unwrap_or(0.0);
    (fa.0, fa.1, fa.2)
        .cmp(&(fb.0, fb.1, fb.2))
        .then_with(|| fa.3.total_cmp(&fb.3))
        .then_with(|| gpu(b).total_cmp(&gpu(a)))
        .then_with(|| b.ram_available_gb().total_cmp(&a.ram_available_gb()))
        .then_with(|| gflops(b).total_cmp(&gflops(a)))
        .then_with(|| a.hostname().cmp(b.hostname()))
}

fn phase3(fleet: &Candidates<'_>, options: &PlanOptions) -> Vec<Assignment> {
    let capable = || fleet.all.iter().filter(|m| m.rule.is_some() && m.can_e2());
    let Some(best) = capable().min_by(|a, b| e2_rank(a, b)) else {
        return Vec::new();
    };
    let full = best.can(Phase::E2Full);
    let others = capable().count() - 1;
    let gpu = match best.gpu_memory_gb {
        Some(gb) => format!("{} GB GPU memory", round2(gb)),
        None => "no GPU".to_owned(),
    };
    let gflops = match best.gflops {
        Some(g) => format!("{g:.1} GFLOP/s"),
        None => "GFLOP/s unknown".to_owned(),
    };
    let fit = best
        .e2_fit
        .as_ref()
        .map_or(String::new(), |f| format!("{}; ", fit_reason(f)));
    let reason = format!(
        "best of {} E2-capable machines: {fit}{gpu}, {} GB available RAM, {gflops}; its report grants E2 {}",
        others + 1,
        best.ram_available_gb(),
        if full {
            "at full precision"
        } else {
            "quantized"
        }
    );
    let tasks: &'static [&'static str] = if others == 0 {
        &["e2_finetuning", "e2_evaluation"]
    } else {
        &["e2_finetuning"]
    };
    let experiment = if full {
        Experiment::E2Full
    } else {
        Experiment::E2Quantized
    };
    let mut e2 = best.assign(experiment, false, tasks, reason);
    e2.method = best.e2_method();
    if let Some(fit) = &best.e2_fit {
        // The batch its method fits at, which may be below the best method's.
        e2.batch_size = fit.batch_size;
        e2.gradient_accumulation_steps = (options.target_batch_size / fit.batch_size).max(1);
    }
    e2.estimated_seconds = options.train_tokens.and_then(|tokens| {
        let hours = best.e2_fit.as_ref()?.hours_per_million_tokens?;
        Some(round1(hours * 3600.0 * tokens as f64 / 1e6))
    });
    let mut out = vec![e2];
    let evaluation = format!("can run E2: evaluates while {} fine-tunes", best.hostname());
    out.extend(capable().filter(|m| !std::ptr::eq(*m, best)).map(|m| {
        m.assign(
            Experiment::E2Evaluation,
            true,
            &["e2_evaluation"],
            evaluation.clone(),
        )
    }));
    out
}

/// Up to five host names, then a count.
fn list_hosts(hosts: &[&str]) -> String {
    const SHOWN: usize = 5;
    let mut text = hosts
        .iter()
        .take(SHOWN)
        .copied()
        .collect::<Vec<_>>()
        .join(", ");
    if hosts.len() > SHOWN {
        text.push_str(&format!(" and {} more", hosts.len() - SHOWN));
    }
    text
}
