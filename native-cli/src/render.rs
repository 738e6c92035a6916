//! The readable report `llmcap probe` prints: facts, verdict with its reasons, and exactly
//! what to install.

use crate::embed;
use llmcap_core::classify::Assessment;
use llmcap_core::recommend::Recommendations;
use llmcap_core::report::{EmbeddingStatus, Report, show_number};
use llmcap_core::rules::{Level, Phase};
use std::fmt::Write;

fn yes_no(pass: bool) -> &'static str {
    if pass { "✓ Yes" } else { "✗ No " }
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

/// Renders the whole human report.
pub fn human(report: &Report, assessment: &Assessment, rec: &Recommendations) -> String {
    let mut out = String::new();
    let s = &report.machine.system;
    let b = &report.machine.benchmark;
    let _ = writeln!(
        out,
        "MACHINE CAPABILITY ASSESSMENT — {} ({})",
        report.hostname, report.timestamp
    );
    let _ = writeln!(out, "\nSystem");
    let _ = writeln!(
        out,
        "  Platform   {} {}{}",
        s.platform.as_deref().unwrap_or("?"),
        s.architecture.as_deref().unwrap_or("?"),
        s.os.as_deref()
            .map(|o| format!(" ({o})"))
            .unwrap_or_default()
    );
    let _ = writeln!(
        out,
        "  CPU        {}{} cores ({} threads)",
        s.cpu_brand
            .as_deref()
            .map(|b| format!("{b}, "))
            .unwrap_or_default(),
        s.cpu_count_physical
            .map_or("?".to_owned(), |c| c.to_string()),
        s.cpu_count
    );
    let limit = match (s.memory_limit_gb, s.ram_available_host_gb) {
        (Some(limit), Some(host)) => format!(
            "; container limit {} GB (host has {} GB available)",
            show_number(limit),
            show_number(host)
        ),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "  RAM        {} GB total, {} GB available{limit}",
        show_number(s.ram_gb),
        show_number(s.ram_available_gb)
    );
    let _ = writeln!(
        out,
        "  Disk       {} GB free{}",
        show_number(s.disk_free_gb),
        match (&s.disk_mount, &s.disk_path) {
            (Some(mount), Some(path)) => format!(" on {mount} (holding {path})"),
            _ => String::new(),
        }
    );
    if s.gpus.is_empty() {
        let _ = writeln!(out, "  GPU        none detected");
    }
    for gpu in &s.gpus {
        let memory = match (gpu.vram_total_mib, gpu.unified_memory) {
            (Some(mib), true) => format!(
                ", {} GB unified memory",
                show_number(round1(mib as f64 / 1024.0))
            ),
            (Some(mib), false) => format!(", {} GB", show_number(round1(mib as f64 / 1024.0))),
            (None, _) => ", memory not reported".to_owned(),
        };
        let driver = gpu
            .driver
            .as_deref()
            .map(|d| format!(", driver {d}"))
            .unwrap_or_default();
        let _ = writeln!(out, "  GPU        {}{memory}{driver}", gpu.name);
    }

    let _ = writeln!(out, "\nSoftware");
    let _ = writeln!(
        out,
        "  Python     {}",
        s.python_version
            .as_deref()
            .map_or("not found".to_owned(), |v| v
                .lines()
                .next()
                .unwrap_or(v)
                .to_owned())
    );
    let ollama = report.machine.ollama.as_ref();
    let _ = writeln!(
        out,
        "  Ollama     {}",
        match ollama {
            Some(o) if o.installed => format!(
                "✓ installed{}; server {}{}",
                o.version
                    .as_deref()
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default(),
                if o.server_reachable {
                    "running"
                } else {
                    "not answering"
                },
                if o.server_reachable {
                    format!(", {} model(s)", o.models.len())
                } else {
                    String::new()
                }
            ),
            _ => "✗ not found".to_owned(),
        }
    );

    let _ = writeln!(out, "\nPerformance");
    match (b.gflops, b.matrix_mult_time, b.operations_per_second) {
        (Some(gflops), Some(time), Some(ops)) => {
            let _ = writeln!(
                out,
                "  Matrix multiply  {} GFLOP/s ({} threads); guide-equivalent {} s for 100 rounds, {} ops/sec",
                show_number(gflops),
                b.threads.unwrap_or(1),
                show_number(time),
                show_number(ops)
            );
        }
        _ => {
            let _ = writeln!(out, "  Matrix multiply  not run (--skip-benchmark)");
        }
    }
    if let Some(e) = &report.machine.embedding {
        let detail = match e.status {
            EmbeddingStatus::Success => format!(
                "✓ loaded in {} s, {} sentences in {} s ({}/s), {} MB needed",
                e.load_seconds
                    .map_or("?".into(), |v| show_number(round2(v))),
                e.sentences.unwrap_or(0),
                e.encode_seconds
                    .map_or("?".into(), |v| show_number(round2(v))),
                e.sentences_per_second
                    .map_or("?".into(), |v| show_number(v.round())),
                e.memory_needed_mib
                    .map_or("?".into(), |v| show_number(v.round()))
            ),
            status => format!("{}: {}", status.as_str(), e.reason.as_deref().unwrap_or("")),
        };
        let _ = writeln!(out, "  Embedding test   {detail}");
        let _ = writeln!(out, "                   {}", embed::meaning(e));
    }

    let _ = writeln!(out, "\nExperiment capabilities");
    for phase in Phase::ALL {
        let granted = assessment.grants(phase);
        let failed: Vec<String> = if phase == Phase::E2Quantized && assessment.grants(Phase::E2Full)
        {
            vec!["E2 runs at full precision instead".to_owned()]
        } else {
            failed_verdict_checks(assessment, phase)
        };
        let why = if failed.is_empty() {
            String::new()
        } else {
            format!("   ({})", failed.join("; "))
        };
        let _ = writeln!(
            out,
            "  {:<34} {}{why}",
            format!("{}:", phase.title()),
            yes_no(granted)
        );
    }
    if !report.capabilities.model_recommendations.is_empty() {
        let _ = writeln!(out, "\nGuide recommendations");
        for line in &report.capabilities.model_recommendations {
            let _ = writeln!(out, "  - {line}");
        }
    }
    if let Some(notes) = &report.capabilities.notes {
        let _ = writeln!(out, "  Notes: {notes}");
    }

    let _ = writeln!(out, "\nWhat to install");
    if report.capabilities.prerequisites {
        install(&mut out, rec);
    } else {
        nothing_to_install(&mut out, assessment);
    }

    let warnings: Vec<&String> = report
        .warnings
        .iter()
        .chain(assessment.warnings.iter())
        .collect();
    if !warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for warning in warnings {
            let _ = writeln!(out, "  ! {warning}");
        }
    }
    let _ = writeln!(out, "\n{}", conclusion(report));
    out
}

/// The model to run, how to install it, and the training settings.
fn install(out: &mut String, rec: &Recommendations) {
    match &rec.quantization {
        Some(q) => {
            let _ = writeln!(
                out,
                "  Phi-3-mini {}: needs {} GB, this machine has {} GB of {}",
                q.label,
                show_number(q.needs_gb),
                show_number(q.memory_gb),
                q.memory_basis
            );
        }
        None => {
            let _ = writeln!(
                out,
                "  No Phi-3 level fits: use this machine for data generation and embeddings."
            );
        }
    }
    for (i, option) in rec.install.iter().enumerate() {
        let label = if i == 0 { "best" } else { "or" };
        let _ = writeln!(out, "  [{label}] {} — {}", option.runtime, option.why);
        for command in &option.commands {
            let _ = writeln!(out, "      $ {command}");
        }
    }
    let effective = rec.batch.batch_size * rec.batch.gradient_accumulation_steps;
    let _ = writeln!(
        out,
        "  Fine-tuning: batch size {}, gradient accumulation {} (effective batch {}{}; {} GB of {})",
        rec.batch.batch_size,
        rec.batch.gradient_accumulation_steps,
        effective,
        if effective == rec.batch.target_batch_size {
            String::new()
        } else {
            format!(", aiming for {}", rec.batch.target_batch_size)
        },
        show_number(round1(rec.batch.memory_gb)),
        rec.batch.memory_basis
    );
    let _ = writeln!(
        out,
        "  Machine type: {} — {}; model: {}",
        rec.machine_type.name, rec.machine_type.role, rec.machine_type.model
    );
    let _ = writeln!(
        out,
        "  Decision tree: step {}, {} → {}",
        rec.decision.step, rec.decision.condition, rec.decision.advice
    );
    for note in &rec.notes {
        let _ = writeln!(out, "  Note: {note}");
    }
}

/// A machine that cannot run even the prerequisites has nothing to install yet: a model's
/// download would not even fit, and what fits is decided by the next probe.
fn nothing_to_install(out: &mut String, assessment: &Assessment) {
    let missing = failed_verdict_checks(assessment, Phase::Prerequisites);
    let _ = writeln!(
        out,
        "  Nothing yet: this machine cannot run even the prerequisites ({}). Free that first, \
         then run llmcap probe again: the model to install follows from its new measurements.",
        missing.join("; ")
    );
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

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn round2(v: f64) -> f64 {
    (v * 100.0).round() / 100.0
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcap_core::classify::classify;
    use llmcap_core::recommend::{Settings, recommend};
    use llmcap_core::report::parse_report;

    const EPYC: &str = include_str!("../../tests/fixtures/seed-reports/epyc-2core.json");

    fn human_of(text: &str) -> String {
        let report = parse_report("r.json", text.as_bytes()).unwrap();
        let assessment = classify(&report.machine);
        let rec = recommend(&report.machine, &Settings::default());
        human(&report, &assessment, &rec)
    }

    #[test]
    fn a_machine_that_cannot_run_the_prerequisites_is_told_to_free_space_not_to_pull() {
        let full = human_of(EPYC);
        assert!(full.contains("ollama pull"), "{full}");
        let no_disk = EPYC.replace("\"disk_free_gb\": 70.82", "\"disk_free_gb\": 0.5");
        assert_ne!(no_disk, EPYC);
        let text =
            human_of(&no_disk.replace("\"prerequisites\": true", "\"prerequisites\": false"));
        assert!(text.contains("Nothing yet: this machine cannot run even the prerequisites (free disk 0.5 GB, needs ≥ 5 GB)"), "{text}");
        assert!(!text.contains("ollama pull"), "{text}");
    }
}
