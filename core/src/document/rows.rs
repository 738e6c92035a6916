//! What a reader is told about one machine, as rows: its facts, the verdict per phase with
//! its reasons, what to install, and the warnings. `llmcap probe` prints these rows and the
//! page shows the same rows, so the two never disagree and neither computes anything.

use super::Document;
use crate::classify::{Assessment, Check};
use crate::judge::Judgement;
use crate::num::{round1, round2};
use crate::recommend::{InstallOption, Recommendations};
use crate::report::{Embedding, EmbeddingStatus, Gpu, Ollama, Phase, Report, System, show_number};
use crate::rules::Level;
use crate::speed;

/// One machine, ready to read.
#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// Facts, grouped by section, in reading order.
    pub facts: Vec<Fact>,
    /// The guide's verdict, one row per phase in the guide's order.
    pub phases: Vec<PhaseRow>,
    /// The guide's recommendation lines.
    pub guide_lines: Vec<String>,
    /// The guide's note (slow CPU).
    pub guide_note: Option<String>,
    /// What to install, or why nothing yet.
    pub install: Install,
    /// The probe's warnings, then the guide's tables' warnings.
    pub warnings: Vec<String>,
    /// The guide's closing line.
    pub conclusion: &'static str,
}

/// The part of the readable report a fact belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    /// Who wrote the report, and when.
    Report,
    /// Hardware.
    System,
    /// Installed software.
    Software,
    /// Measured speed.
    Performance,
    /// llmcap's own assessment, beside the guide's verdict.
    Assessment,
}

impl Section {
    /// The section's heading.
    pub fn title(self) -> &'static str {
        match self {
            Section::Report => "Report",
            Section::System => "System",
            Section::Software => "Software",
            Section::Performance => "Performance",
            Section::Assessment => "llmcap's assessment (beside the guide's verdict)",
        }
    }
}

/// One fact: a label and its value, with an explanation where the value needs one.
#[derive(Debug, Clone, PartialEq)]
pub struct Fact {
    /// Where it is shown.
    pub section: Section,
    /// What it is, e.g. `RAM`.
    pub label: &'static str,
    /// Its value, in words and units.
    pub value: String,
    /// What the value means for the experiments, when it needs saying.
    pub meaning: Option<&'static str>,
}

/// The verdict on one phase.
#[derive(Debug, Clone, PartialEq)]
pub struct PhaseRow {
    /// The phase.
    pub phase: Phase,
    /// Whether the guide's verdict grants it.
    pub granted: bool,
    /// Why not, or what happens instead, one reason each.
    pub why: Vec<String>,
    /// Every check of the phase.
    pub checks: Vec<Check>,
}

/// One line of advice beside the install commands.
#[derive(Debug, Clone, PartialEq)]
pub struct Setting {
    /// A stable name for it (`batch`, `machine-type`, `decision-tree`): what the page's
    /// styles and tests find it by.
    pub key: &'static str,
    /// Its label, e.g. `Fine-tuning`.
    pub label: &'static str,
    /// Its value.
    pub value: String,
}

/// What to install on the machine.
#[derive(Debug, Clone, PartialEq)]
pub enum Install {
    /// Nothing yet: it cannot run even the prerequisites, for these reasons.
    Nothing(String),
    /// The model, how to install it, and the training settings.
    Model {
        /// The quantization level chosen, and the memory behind the choice.
        model: String,
        /// Ways to install and run it, best first.
        options: Vec<InstallOption>,
        /// Fine-tuning settings, machine type and decision-tree branch.
        settings: Vec<Setting>,
        /// Other advice.
        notes: Vec<String>,
    },
}

/// The rows of a document.
pub fn sheet(document: &Document<'_>) -> Sheet {
    let report = document.report;
    let caps = &report.capabilities;
    Sheet {
        facts: facts(report)
            .into_iter()
            .chain(judgement_facts(&document.judgement))
            .collect(),
        phases: phase_rows(&document.assessment),
        guide_lines: caps.model_recommendations.clone(),
        guide_note: caps.notes.clone(),
        install: install(report, document),
        warnings: report
            .warnings
            .iter()
            .chain(&document.assessment.warnings)
            .cloned()
            .collect(),
        conclusion: conclusion(report),
    }
}

fn fact(section: Section, label: &'static str, value: String) -> Fact {
    Fact {
        section,
        label,
        value,
        meaning: None,
    }
}

fn facts(report: &Report) -> Vec<Fact> {
    let s = &report.machine.system;
    let mut facts = vec![
        fact(Section::Report, "Probed at", report.timestamp.to_string()),
        fact(Section::Report, "Written by", written_by(report)),
        fact(Section::System, "Platform", platform(s)),
        fact(Section::System, "CPU", cpu(s)),
        fact(Section::System, "RAM", ram(s)),
        fact(Section::System, "Disk", disk(s)),
    ];
    facts.extend(gpus(s).into_iter().map(|g| fact(Section::System, "GPU", g)));
    facts.push(fact(Section::Software, "Python", python(s)));
    facts.push(fact(
        Section::Software,
        "Ollama",
        ollama(report.machine.ollama.as_ref()),
    ));
    facts.push(fact(
        Section::Performance,
        "Matrix multiply",
        benchmark(report),
    ));
    if let Some(performance) = &report.machine.performance {
        facts.extend(
            speed::summary(performance)
                .into_iter()
                .map(|line| fact(Section::Performance, line.label, line.value)),
        );
    }
    if let Some(e) = &report.machine.embedding {
        facts.push(Fact {
            meaning: Some(embedding_meaning(e.status)),
            ..fact(Section::Performance, "Embedding test", embedding(e))
        });
    }
    facts
}

/// One fact per phase, then one per disagreement with the guide.
fn judgement_facts(judgement: &Judgement) -> Vec<Fact> {
    let phases = judgement.phases.iter().map(|p| {
        let value = format!("{}: {}", p.verdict.as_str(), p.why);
        fact(Section::Assessment, p.phase.title(), value)
    });
    let differs = judgement
        .disagreements
        .iter()
        .map(|line| fact(Section::Assessment, "Differs from the guide", line.clone()));
    phases.chain(differs).collect()
}

fn written_by(report: &Report) -> String {
    report
        .tool
        .as_ref()
        .map_or("the guide's test_capability.py".to_owned(), |t| {
            format!("{} {}", t.name, t.version)
        })
}

fn platform(s: &System) -> String {
    let os =
        s.os.as_deref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default();
    format!(
        "{} {}{os}",
        s.platform.as_deref().unwrap_or("?"),
        s.architecture.as_deref().unwrap_or("?")
    )
}

fn cpu(s: &System) -> String {
    let brand = s
        .cpu_brand
        .as_deref()
        .or(s.processor.as_deref())
        .filter(|b| !b.is_empty())
        .map(|b| format!("{b}, "))
        .unwrap_or_default();
    let cores = s
        .cpu_count_physical
        .map_or("?".to_owned(), |c| c.to_string());
    format!("{brand}{cores} cores ({} threads)", s.cpu_count)
}

fn ram(s: &System) -> String {
    let limit = match (s.memory_limit_gb, s.ram_available_host_gb) {
        (Some(limit), Some(host)) => format!(
            "; container limit {} GB (host has {} GB available)",
            show_number(limit),
            show_number(host)
        ),
        (Some(limit), None) => format!("; container limit {} GB", show_number(limit)),
        _ => String::new(),
    };
    format!(
        "{} GB total, {} GB available{limit}",
        show_number(s.ram_gb),
        show_number(s.ram_available_gb)
    )
}

fn disk(s: &System) -> String {
    let place = match (&s.disk_mount, &s.disk_path) {
        (Some(mount), Some(path)) => format!(" on {mount} (holding {path})"),
        (None, Some(path)) => format!(" at {path}"),
        _ => String::new(),
    };
    format!("{} GB free{place}", show_number(s.disk_free_gb))
}

fn gpus(s: &System) -> Vec<String> {
    if s.gpus.is_empty() {
        return vec![s.gpu.clone().unwrap_or_else(|| "none detected".to_owned())];
    }
    s.gpus.iter().map(gpu).collect()
}

fn gpu(g: &Gpu) -> String {
    let gb = |mib: u64| show_number(round1(mib as f64 / 1024.0));
    let memory = match (g.vram_total_mib, g.unified_memory) {
        (Some(mib), true) => format!(", {} GB unified memory", gb(mib)),
        (Some(mib), false) => format!(", {} GB", gb(mib)),
        (None, _) => ", memory not reported".to_owned(),
    };
    let driver = g.driver.as_deref().map(|d| format!(", driver {d}"));
    format!("{}{memory}{}", g.name, driver.unwrap_or_default())
}

fn python(s: &System) -> String {
    s.python_version
        .as_deref()
        .map_or("not found".to_owned(), |v| {
            v.lines().next().unwrap_or(v).to_owned()
        })
}

fn ollama(ollama: Option<&Ollama>) -> String {
    let Some(o) = ollama.filter(|o| o.installed) else {
        return "✗ not found".to_owned();
    };
    let version = o.version.as_deref().map(|v| format!(" ({v})"));
    let server = if o.server_reachable {
        format!("running, {} model(s)", o.models.len())
    } else {
        "not answering".to_owned()
    };
    let models = if o.models.is_empty() {
        String::new()
    } else {
        format!(": {}", o.models.join(", "))
    };
    format!(
        "✓ installed{}; server {server}{models}",
        version.unwrap_or_default()
    )
}

fn benchmark(report: &Report) -> String {
    let b = &report.machine.benchmark;
    match (b.gflops, b.matrix_mult_time, b.operations_per_second) {
        (Some(gflops), Some(time), Some(ops)) => format!(
            "{} GFLOP/s ({} threads); guide-equivalent {} s for 100 rounds, {} ops/sec",
            show_number(gflops),
            b.threads.unwrap_or(1),
            show_number(time),
            show_number(ops)
        ),
        (None, Some(time), _) => match b.effective_gflops() {
            Some(g) => format!(
                "{} s for the guide's 100 rounds (≈ {} GFLOP/s)",
                show_number(time),
                show_number(round1(g))
            ),
            None => format!("{} s for the guide's 100 rounds", show_number(time)),
        },
        _ => "not run (--skip-benchmark)".to_owned(),
    }
}

fn embedding(e: &Embedding) -> String {
    let number =
        |v: Option<f64>, round: fn(f64) -> f64| v.map_or("?".into(), |v| show_number(round(v)));
    match e.status {
        EmbeddingStatus::Success => format!(
            "✓ loaded in {} s, {} sentences in {} s ({}/s), {} MB needed",
            number(e.load_seconds, round2),
            e.sentences.unwrap_or(0),
            number(e.encode_seconds, round2),
            number(e.sentences_per_second, f64::round),
            number(e.memory_needed_mib, f64::round)
        ),
        status => format!("{}: {}", status.as_str(), e.reason.as_deref().unwrap_or("")),
    }
}

/// What the embedding test's outcome means for E1 retrieval.
pub fn embedding_meaning(status: EmbeddingStatus) -> &'static str {
    match status {
        EmbeddingStatus::Success => {
            "E1 retrieval: this machine can load and run the embedding model it needs."
        }
        EmbeddingStatus::Skip => {
            "E1 retrieval: not tested (see why above); this says nothing about the machine."
        }
        EmbeddingStatus::Fail => {
            "E1 retrieval: the embedding model did not run correctly here; do not plan E1 on \
             this machine until the cause above is fixed."
        }
        EmbeddingStatus::Timeout => {
            "E1 retrieval: the embedding model was too slow here; expect E1 to be slow on this \
             machine, or rerun with a longer --embedding-timeout when it is less busy."
        }
    }
}

fn phase_rows(assessment: &Assessment) -> Vec<PhaseRow> {
    Phase::ALL
        .into_iter()
        .map(|phase| PhaseRow {
            phase,
            granted: assessment.grants(phase),
            why: if phase == Phase::E2Quantized && assessment.grants(Phase::E2Full) {
                vec!["E2 runs at full precision instead".to_owned()]
            } else {
                failed_verdict_checks(assessment, phase)
            },
            checks: assessment.checks.get(&phase).cloned().unwrap_or_default(),
        })
        .collect()
}

/// The verdict's checks that a phase failed, each as "free disk 0.5 GB, needs ≥ 5 GB".
fn failed_verdict_checks(assessment: &Assessment, phase: Phase) -> Vec<String> {
    assessment
        .checks
        .get(&phase)
        .into_iter()
        .flatten()
        .filter(|c| c.level == Level::Verdict && !c.pass)
        .map(|c| format!("{} {}, needs {}", c.requirement, c.actual, c.required))
        .collect()
}

/// A machine that cannot run even the prerequisites has nothing to install yet: a model's
/// download would not even fit, and what fits is decided by the next probe.
fn install(report: &Report, document: &Document<'_>) -> Install {
    if !report.capabilities.prerequisites {
        let missing = failed_verdict_checks(&document.assessment, Phase::Prerequisites);
        return Install::Nothing(format!(
            "Nothing yet: this machine cannot run even the prerequisites ({}). Free that first, \
             then run llmcap probe again: the model to install follows from its new measurements.",
            missing.join("; ")
        ));
    }
    let rec = &document.recommendations;
    Install::Model {
        model: model_line(rec),
        options: rec.install.clone(),
        settings: settings(rec),
        notes: rec.notes.clone(),
    }
}

fn model_line(rec: &Recommendations) -> String {
    match &rec.quantization {
        Some(q) => format!(
            "Phi-3-mini {} ({}) on the {}: needs {} GB, this machine has {} GB of {}; quality impact: {}",
            q.label,
            q.level,
            q.device,
            show_number(q.needs_gb),
            show_number(q.memory_gb),
            q.memory_basis,
            q.quality
        ),
        None => {
            "No Phi-3 level fits: use this machine for data generation and embeddings.".to_owned()
        }
    }
}

fn settings(rec: &Recommendations) -> Vec<Setting> {
    let b = &rec.batch;
    let effective = b.batch_size * b.gradient_accumulation_steps;
    let aim = if effective == b.target_batch_size {
        String::new()
    } else {
        format!(", aiming for {}", b.target_batch_size)
    };
    let t = &rec.machine_type;
    let d = &rec.decision;
    let setting = |key, label, value| Setting { key, label, value };
    let method = rec.fine_tuning.as_ref().map_or(String::new(), |f| {
        format!("{} on the {}: ", f.method.name(), f.device)
    });
    let mut rows = vec![
        setting(
            "batch",
            "Fine-tuning",
            format!(
                "{method}batch size {}, gradient accumulation {} (effective batch {effective}{aim}; {} GB of {})",
                b.batch_size,
                b.gradient_accumulation_steps,
                show_number(round1(b.memory_gb)),
                b.memory_basis
            ),
        ),
        setting(
            "machine-type",
            "Machine type",
            format!(
                "{} — {}; model: {}; {}",
                t.name, t.role, t.model, t.experiments
            ),
        ),
        setting(
            "decision-tree",
            "Decision tree",
            format!("step {}, {} → {}", d.step, d.condition, d.advice),
        ),
    ];
    if let Some(f) = &rec.fine_tuning {
        let setup = setting(
            "fine-tune-setup",
            "Fine-tuning setup",
            f.commands.join(" && "),
        );
        rows.insert(1, setup);
    }
    rows
}

/// The closing line, as the guide's script prints it.
pub fn conclusion(report: &Report) -> &'static str {
    let c = &report.capabilities;
    if !c.prerequisites {
        "⚠️  This machine cannot run the experiments."
    } else if c.e2_full {
        "✅ This machine can run ALL experiments at full precision!"
    } else if c.e2_quantized {
        "✅ This machine can run all experiments with quantization."
    } else if c.e0_e1 {
        "⚠️  This machine can only run Prerequisites, E0, and E1."
    } else {
        "⚠️  This machine can only run Prerequisites."
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_embedding_status_has_its_own_meaning_naming_e1() {
        let statuses = [
            EmbeddingStatus::Success,
            EmbeddingStatus::Skip,
            EmbeddingStatus::Fail,
            EmbeddingStatus::Timeout,
        ];
        let texts: Vec<&str> = statuses.into_iter().map(embedding_meaning).collect();
        for (i, text) in texts.iter().enumerate() {
            assert!(text.starts_with("E1 retrieval: "), "{text}");
            assert!(!texts[..i].contains(text), "{text} repeats");
        }
        assert!(texts[1].contains("says nothing about the machine"));
    }
}
