//! The fleet as the strategies see it: each kept report with its tier, compute, GPU memory
//! and training settings, computed once.

use super::EMBEDDING_MODEL;
use super::output::{
    Assignment, Excluded, Experiment, Generation, PlannedMachine, TierEntry, Tiers,
};
use super::tiers::{Tier, TierRule, guide_gpu_memory_gb, tier_rule};
use crate::judge::{self, Method, MethodFit};
use crate::num::round2;
use crate::recommend::{self, QUANT_LEVELS, Settings};
use crate::report::{
    Capabilities, DateTime, Embedding, EmbeddingStatus, Report, Tool, show_number,
};
use crate::rules::{PHASE_RULES, Phase};
use crate::speed::fleet::{MachineSpeed, generation_speed};
use std::borrow::Cow;
use std::ops::Deref;

/// What the planner reads of one report, copied out of it when it is read, so that the
/// report itself need not be kept: planning 100,000 files holds these, not the reports, and
/// the strategies' passes over a large fleet stay within a small, contiguous array.
///
/// Nothing here depends on the [`PlanOptions`](super::PlanOptions): the one fact that does,
/// the gradient accumulation, is worked out from `batch_size` when the plan is made.
#[derive(Debug, Clone, PartialEq)]
pub struct Facts {
    /// Host name.
    pub(crate) hostname: String,
    /// The report's local time.
    pub(crate) timestamp: DateTime,
    /// The report's UTC time, when it has one.
    pub(crate) timestamp_utc: Option<DateTime>,
    /// The 128-bit XXH3 hash of the report's CBOR form: two reports with the same hash
    /// say the same thing (a collision among a million reports has a chance of about
    /// 10^-27), and it orders reports of the same file name by content.
    pub(crate) content: u128,
    /// The stored verdict, by [`Phase::ALL`].
    pub(crate) grants: [bool; 4],
    /// The guide's tier rule, `None` when excluded.
    pub(crate) rule: Option<&'static TierRule>,
    /// Available RAM, GiB.
    pub(crate) ram_available_gb: f64,
    /// Free disk, GiB.
    pub(crate) disk_free_gb: f64,
    /// Measured or estimated GFLOP/s.
    pub(crate) gflops: Option<f64>,
    /// Phi-3-mini's generation speed at the level it runs (`level`), where known.
    pub(crate) speed: Option<MachineSpeed>,
    /// The guide's name of that level, e.g. `4-bit`.
    pub(crate) level: &'static str,
    /// The best fine-tuning method for the E2 its report grants (full or LoRA at full
    /// precision, QLoRA quantized); `None` when it grants neither.
    pub(crate) e2_fit: Option<MethodFit>,
    /// Largest discrete GPU memory, GiB.
    pub(crate) gpu_memory_gb: Option<f64>,
    /// The Ollama tag recommended for it.
    pub(crate) model: Option<Cow<'static, str>>,
    /// Per-step batch size.
    pub(crate) batch_size: u32,
    /// The program that wrote the report; `None` for the guide's script.
    pub(crate) tool: Option<Tool>,
    /// Sentences a second its embedding test encoded, when it succeeded.
    pub(crate) embedding_rate: Option<f64>,
    /// How its embedding test went, when it failed or timed out: E1 on it is in doubt.
    pub(crate) embedding_problem: Option<String>,
}

impl Facts {
    /// The facts of a valid report: what [`recommend`](recommend::recommend) would say of
    /// its model, level and batch size, without the rest of the recommendations.
    pub fn of(report: &Report) -> Facts {
        let machine = &report.machine;
        // The devices and each method's fit, worked out once for all the facts below.
        let devices = judge::devices(machine);
        let context = Settings::default().context_tokens;
        let fit = judge::inference_fit_on(machine, &devices, context);
        let methods = judge::method_fits(&devices);
        let fitted = fit
            .as_ref()
            .and_then(|f| QUANT_LEVELS.iter().find(|l| l.id == f.level));
        // The level it runs; with too little memory even for 3-bit, the smallest.
        let level = fitted.unwrap_or(&QUANT_LEVELS[QUANT_LEVELS.len() - 1]);
        Facts {
            hostname: report.hostname.as_str().to_owned(),
            timestamp: report.timestamp,
            timestamp_utc: report.timestamp_utc,
            content: content_hash(report),
            grants: Phase::ALL.map(|p| report.capabilities.grants(p)),
            rule: tier_rule(&report.capabilities),
            ram_available_gb: machine.system.ram_available_gb,
            disk_free_gb: machine.system.disk_free_gb,
            gflops: machine.benchmark.effective_gflops().filter(|g| *g > 0.0),
            speed: generation_speed(machine, level.id),
            level: level.label,
            e2_fit: e2_fit(&report.capabilities, &methods),
            gpu_memory_gb: guide_gpu_memory_gb(&machine.system),
            model: fitted.map(|l| Cow::Borrowed(l.ollama_tag)),
            batch_size: recommend::batch_size_of(machine, &methods),
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

    /// Host name.
    pub fn hostname(&self) -> &str {
        &self.hostname
    }
}

/// The XXH3-128 hash of the report written as CBOR, straight into the hasher. CBOR, unlike
/// JSON, copies numbers' bits instead of formatting them, and it names every field, so two
/// reports give the same bytes only when they say the same thing.
fn content_hash(report: &Report) -> u128 {
    struct Hasher(xxhash_rust::xxh3::Xxh3);
    impl std::io::Write for Hasher {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.update(bytes);
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut hasher = Hasher(xxhash_rust::xxh3::Xxh3::new());
    // A report holds only strings, numbers, booleans and lists, and the hasher never fails:
    // the CBOR is always written whole.
    let _ = ciborium::into_writer(report, &mut hasher);
    hasher.0.digest128()
}

/// A machine the planner may give work to: a kept report's facts, with the input it came
/// from and its gradient accumulation for the plan's target batch size.
#[derive(Debug)]
pub(crate) struct Candidate<'a> {
    /// Its index among the planner's inputs.
    pub input: usize,
    /// The report's file, or `file#n` for a report of a bundle.
    pub file: &'a str,
    /// What its report says.
    pub facts: &'a Facts,
    /// Gradient accumulation steps.
    pub accumulation: u32,
}

impl Deref for Candidate<'_> {
    type Target = Facts;

    fn deref(&self) -> &Facts {
        self.facts
    }
}

impl<'a> Candidate<'a> {
    /// Input `input`, read from `file`, planned for an effective batch of `target`.
    pub fn new(input: usize, file: &'a str, facts: &'a Facts, target: u32) -> Candidate<'a> {
        Candidate {
            input,
            file,
            facts,
            accumulation: recommend::accumulation_steps(target, facts.batch_size),
        }
    }

    pub fn e2_method(&self) -> Option<Method> {
        self.e2_fit.as_ref().map(|f| f.method)
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

/// The best method for the E2 the report grants: full precision (full fine-tuning or LoRA
/// on the 16-bit model) when it grants `e2_full`, else QLoRA when it grants `e2_quantized`.
/// `fits` holds each of [`Method::ALL`]'s fits.
fn e2_fit(caps: &Capabilities, fits: &[MethodFit]) -> Option<MethodFit> {
    let methods: &[Method] = if caps.e2_full {
        &[Method::Full, Method::Lora]
    } else if caps.e2_quantized {
        &[Method::Qlora]
    } else {
        return None;
    };
    judge::best_fit(fits.iter().filter(|f| methods.contains(&f.method)).cloned())
}
