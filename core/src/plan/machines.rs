//! The fleet as the strategies see it: each kept report with its tier, compute, GPU memory
//! and training settings, computed once.

use super::EMBEDDING_MODEL;
use super::output::{
    Assignment, Excluded, Experiment, Generation, PlannedMachine, TierEntry, Tiers,
};
use super::tiers::{Tier, TierRule, guide_gpu_memory_gb, tier_rule};
use crate::judge::{Method, MethodFit, fine_tune_fit};
use crate::num::round2;
use crate::recommend::{QUANT_LEVELS, Settings, recommend};
use crate::report::{Embedding, EmbeddingStatus, Report, Tool, show_number};
use crate::rules::{PHASE_RULES, Phase};
use crate::speed::fleet::{MachineSpeed, generation_speed};
use std::borrow::Cow;

/// A machine the planner may give work to: the facts the strategies read, copied out of the
/// report so that their passes over a large fleet stay within a small, contiguous array.
#[derive(Debug)]
pub(crate) struct Candidate<'a> {
    /// Its index among the planner's inputs.
    pub input: usize,
    /// The report's file, or `file#n` for a report of a bundle.
    pub file: &'a str,
    /// Host name.
    pub hostname: String,
    /// The stored verdict, by [`Phase::ALL`].
    pub grants: [bool; 4],
    /// The guide's tier rule, `None` when excluded.
    pub rule: Option<&'static TierRule>,
    /// Available RAM, GiB.
    pub ram_available_gb: f64,
    /// Free disk, GiB.
    pub disk_free_gb: f64,
    /// Measured or estimated GFLOP/s.
    pub gflops: Option<f64>,
    /// Phi-3-mini's generation speed at the level it runs (`level`), where known.
    pub speed: Option<MachineSpeed>,
    /// The guide's name of that level, e.g. `4-bit`.
    pub level: &'static str,
    /// The best fine-tuning method for the E2 its report grants (full or LoRA at full
    /// precision, QLoRA quantized); `None` when it grants neither.
    pub e2_fit: Option<MethodFit>,
    /// Largest discrete GPU memory, GiB.
    pub gpu_memory_gb: Option<f64>,
    /// The Ollama tag recommended for it.
    pub model: Option<Cow<'static, str>>,
    /// Per-step batch size.
    pub batch_size: u32,
    /// Gradient accumulation steps.
    pub accumulation: u32,
    /// The program that wrote the report; `None` for the guide's script.
    pub tool: Option<Tool>,
    /// Sentences a second its embedding test encoded, when it succeeded.
    pub embedding_rate: Option<f64>,
    /// How its embedding test went, when it failed or timed out: E1 on it is in doubt.
    pub embedding_problem: Option<String>,
}

impl<'a> Candidate<'a> {
    /// The facts of input `input`, a valid report read from `file`.
    pub fn new(input: usize, file: &'a str, report: &Report, settings: &Settings) -> Candidate<'a> {
        let machine = &report.machine;
        let rec = recommend(machine, settings);
        // The level it runs; with too little memory even for 3-bit, the smallest.
        let level = rec
            .quantization
            .as_ref()
            .and_then(|q| QUANT_LEVELS.iter().find(|l| l.id == q.level))
            .unwrap_or(&QUANT_LEVELS[QUANT_LEVELS.len() - 1]);
        Candidate {
            input,
            file,
            hostname: report.hostname.as_str().to_owned(),
            grants: Phase::ALL.map(|p| report.capabilities.grants(p)),
            rule: tier_rule(&report.capabilities),
            ram_available_gb: machine.system.ram_available_gb,
            disk_free_gb: machine.system.disk_free_gb,
            gflops: machine.benchmark.effective_gflops().filter(|g| *g > 0.0),
            speed: generation_speed(machine, level.id),
            level: level.label,
            e2_fit: e2_fit(report),
            gpu_memory_gb: guide_gpu_memory_gb(&machine.system),
            model: rec.ollama_model.map(shared_tag),
            batch_size: rec.batch.batch_size,
            accumulation: rec.batch.gradient_accumulation_steps,
            tool: report.tool.clone(),
            embedding_rate: machine
                .embedding
                .as_ref()
                .filter(|e| e.status == EmbeddingStatus::Success)
                .and_then(|e| e.sentences_per_second)
                .filter(|r| r.is_finite() && *r > 0.0),
            embedding_problem: embedding_problem(machine.embedding.as_ref()),
        }
    }

    pub fn e2_method(&self) -> Option<Method> {
        self.e2_fit.as_ref().map(|f| f.method)
    }

    pub fn hostname(&self) -> &str {
        &self.hostname
    }

    pub fn tier(&self) -> Option<Tier> {
        self.rule.map(|r| r.tier)
    }

    pub fn can(&self, phase: Phase) -> bool {
        Phase::ALL
            .iter()
            .position(|&p| p == phase)
            .is_some_and(|i| self.grants[i])
    }

    pub fn can_e2(&self) -> bool {
        self.can(Phase::E2Full) || self.can(Phase::E2Quantized)
    }

    pub fn ram_available_gb(&self) -> f64 {
        self.ram_available_gb
    }

    /// An assignment of this machine, with its model and training settings.
    pub fn assign(
        &self,
        experiment: Experiment,
        parallel: bool,
        tasks: &'static [&'static str],
        reason: String,
    ) -> Assignment {
        Assignment {
            machine: self.hostname().to_owned(),
            experiment,
            parallel,
            tasks,
            model: if experiment.uses_embeddings() {
                Some(Cow::Borrowed(EMBEDDING_MODEL))
            } else {
                self.model.clone()
            },
            batch_size: self.batch_size,
            gradient_accumulation_steps: self.accumulation,
            share_percent: None,
            embedding_share_percent: None,
            method: None,
            estimated_seconds: None,
            configs: None,
            reason,
        }
    }
}

/// Every kept report's machine, in input order.
#[derive(Debug)]
pub(crate) struct Candidates<'a> {
    pub all: Vec<Candidate<'a>>,
}

impl<'a> Candidates<'a> {
    /// The machines of a tier, in input order.
    pub fn in_tier(&self, tier: Tier) -> impl Iterator<Item = &Candidate<'a>> {
        self.all.iter().filter(move |m| m.tier() == Some(tier))
    }

    /// The guide's `assign_workload` result.
    pub fn tiers(&self) -> Tiers {
        let mut tiers = Tiers::default();
        for member in &self.all {
            let Some(rule) = member.rule else { continue };
            let list = match rule.tier {
                Tier::Tier1 => &mut tiers.tier1,
                Tier::Tier2 => &mut tiers.tier2,
                Tier::Tier3 => &mut tiers.tier3,
            };
            list.push(TierEntry {
                hostname: member.hostname().to_owned(),
                tasks: rule.tasks,
                model: rule.model,
            });
        }
        tiers
    }

    pub fn rows(&self) -> Vec<PlannedMachine> {
        self.all
            .iter()
            .map(|m| PlannedMachine {
                input: m.input,
                hostname: m.hostname().to_owned(),
                file: m.file.to_string(),
                tier: m.tier().map(Tier::number),
                capabilities: Phase::ALL
                    .into_iter()
                    .filter(|&p| m.can(p))
                    .map(Phase::key)
                    .collect(),
                ram_available_gb: m.ram_available_gb(),
                gpu_memory_gb: m.gpu_memory_gb.map(round2),
                gflops: m.gflops.map(round2),
                generation: m.speed.as_ref().map(|s| Generation {
                    tok_s: s.tok_s,
                    level: m.level,
                    device: s.device.clone(),
                    basis: s.basis.as_str(),
                }),
                tool: m.tool.clone(),
            })
            .collect()
    }

    /// Machines the guide's tiers leave out, and why.
    pub fn excluded(&self) -> Vec<Excluded> {
        self.all
            .iter()
            .filter(|m| m.rule.is_none())
            .map(|m| Excluded {
                hostname: m.hostname().to_owned(),
                file: m.file.to_string(),
                reason: exclusion_reason(m),
            })
            .collect()
    }
}

/// Why a machine gets no work: its stored verdict grants nothing, and what the least
/// demanding phase needs.
fn exclusion_reason(m: &Candidate<'_>) -> String {
    let rule = PHASE_RULES.iter().find(|r| r.phase == Phase::Prerequisites);
    match rule {
        Some(rule) => format!(
            "its report grants no phase: the prerequisites need {} GB of available RAM and {} GB of free disk, it has {} GB and {} GB",
            show_number(rule.min_ram_available_gb),
            show_number(rule.min_disk_free_gb),
            show_number(m.ram_available_gb),
            show_number(m.disk_free_gb),
        ),
        None => "its report grants no phase".to_owned(),
    }
}

/// The table's own copy of an Ollama tag, so that a fleet shares a handful of strings.
/// "failed: reason" or "timed out: reason" for an embedding test that did; `None` otherwise
/// (a skipped test says nothing about the machine).
fn embedding_problem(embedding: Option<&Embedding>) -> Option<String> {
    let embedding = embedding?;
    let what = match embedding.status {
        EmbeddingStatus::Fail => "failed",
        EmbeddingStatus::Timeout => "timed out",
        EmbeddingStatus::Success | EmbeddingStatus::Skip => return None,
    };
    Some(match &embedding.reason {
        Some(reason) => format!("{what}: {}", crate::report::show_text(reason)),
        None => what.to_owned(),
    })
}

fn shared_tag(tag: String) -> Cow<'static, str> {
    QUANT_LEVELS
        .iter()
        .map(|level| level.ollama_tag)
        .find(|known| *known == tag)
        .map_or(Cow::Owned(tag), Cow::Borrowed)
}

/// The best method for the E2 the report grants: full precision (full fine-tuning or LoRA
/// on the 16-bit model) when it grants `e2_full`, else QLoRA when it grants `e2_quantized`.
fn e2_fit(report: &Report) -> Option<MethodFit> {
    let caps = &report.capabilities;
    let methods: &[Method] = if caps.e2_full {
        &[Method::Full, Method::Lora]
    } else if caps.e2_quantized {
        &[Method::Qlora]
    } else {
        return None;
    };
    fine_tune_fit(&report.machine, methods)
}
