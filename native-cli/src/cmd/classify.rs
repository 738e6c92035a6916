//! `llmcap classify`: re-evaluate reports from their facts, optionally with what-if values,
//! and say where the result differs from the verdict stored in the file.

use crate::cli::ClassifyArgs;
use crate::out;
use crate::report_io::{self, InputFile};
use llmcap_core::classify::{Check, Overrides, classify};
use llmcap_core::recommend::{Recommendations, Settings, recommend};
use llmcap_core::report::{Capabilities, Report, error_lines};
use llmcap_core::rules::Phase;
use llmcap_core::text::escape_controls;
use serde::Serialize;
use std::collections::BTreeMap;
use std::process::ExitCode;

/// One file's result in `--json` output.
#[derive(Debug, Serialize)]
#[serde(untagged)]
enum Outcome {
    Evaluated(Box<Evaluated>),
    Rejected { file: String, error: String },
}

#[derive(Debug, Serialize)]
struct Evaluated {
    file: String,
    hostname: String,
    capabilities: Capabilities,
    stored_capabilities: Capabilities,
    differences: Vec<String>,
    checks: BTreeMap<String, Vec<Check>>,
    warnings: Vec<String>,
    recommendations: Recommendations,
}

/// Runs the command: exit code 2 when any file was bad, else 0.
pub fn run(args: ClassifyArgs) -> anyhow::Result<ExitCode> {
    let overrides = Overrides {
        ram_available_gb: args.ram_available_gb,
        disk_free_gb: args.disk_free_gb,
        gpu_vram_gb: args.gpu_vram_gb,
    };
    let settings = Settings {
        target_batch_size: args.target_batch_size,
        context_tokens: args.context,
    };
    let (inputs, path_errors) = report_io::read_inputs(&args.files);
    let mut bad = !path_errors.is_empty();
    for error in &path_errors {
        out::error(error);
    }
    let mut outcomes = Vec::new();
    for (file, report) in inputs.iter().flat_map(InputFile::reports) {
        match report {
            Ok(report) => outcomes.push(Outcome::Evaluated(Box::new(evaluate(
                file, &report, &overrides, &settings,
            )))),
            Err(error) => {
                bad = true;
                outcomes.push(Outcome::Rejected { file, error });
            }
        }
    }
    let rejected = outcomes.iter().filter_map(|outcome| match outcome {
        Outcome::Rejected { file, error } => Some((file.as_str(), error.as_str())),
        Outcome::Evaluated(_) => None,
    });
    for line in error_lines(rejected) {
        out::error(&line);
    }
    if args.json {
        out::print(&report_io::to_json(&outcomes)?)?;
    } else {
        if !overrides.is_empty() {
            out::print(&format!("What-if: {}\n\n", describe(&overrides)))?;
        }
        for outcome in &outcomes {
            if let Outcome::Evaluated(e) = outcome {
                out::print(&text(e))?;
            }
        }
    }
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn evaluate(
    file: String,
    report: &Report,
    overrides: &Overrides,
    settings: &Settings,
) -> Evaluated {
    let machine = report.machine.with_overrides(overrides);
    let assessment = classify(&machine);
    Evaluated {
        file,
        hostname: report.hostname.to_string(),
        stored_capabilities: report.capabilities.clone(),
        differences: differences(&report.capabilities, &assessment.capabilities),
        capabilities: assessment.capabilities.clone(),
        checks: assessment.checks_by_key(),
        warnings: assessment.warnings.clone(),
        recommendations: recommend(&machine, settings),
    }
}

/// Where the recomputed verdict differs from the stored one, one line each.
fn differences(stored: &Capabilities, now: &Capabilities) -> Vec<String> {
    let mut lines: Vec<String> = Phase::ALL
        .iter()
        .filter(|p| stored.grants(**p) != now.grants(**p))
        .map(|p| {
            format!(
                "{}: stored {}, now {}",
                p.key(),
                stored.grants(*p),
                now.grants(*p)
            )
        })
        .collect();
    if stored.model_recommendations != now.model_recommendations {
        let list = |l: &[String]| format!("[{}]", l.join(", "));
        lines.push(format!(
            "model_recommendations: stored {}, now {}",
            list(&stored.model_recommendations),
            list(&now.model_recommendations)
        ));
    }
    if stored.notes != now.notes {
        let note = |n: &Option<String>| {
            n.as_deref()
                .map_or("none".to_owned(), |s| format!("\"{s}\""))
        };
        lines.push(format!(
            "notes: stored {}, now {}",
            note(&stored.notes),
            note(&now.notes)
        ));
    }
    lines
}

fn describe(o: &Overrides) -> String {
    let mut parts = Vec::new();
    if let Some(v) = o.ram_available_gb {
        parts.push(format!("available RAM {v} GB"));
    }
    if let Some(v) = o.disk_free_gb {
        parts.push(format!("free disk {v} GB"));
    }
    if let Some(v) = o.gpu_vram_gb {
        parts.push(format!("GPU memory {v} GB"));
    }
    parts.join(", ")
}

fn text(e: &Evaluated) -> String {
    let c = &e.capabilities;
    let marks: Vec<String> = Phase::ALL
        .iter()
        .map(|&p| format!("{} {}", p.key(), if c.grants(p) { "✓" } else { "✗" }))
        .collect();
    // Every value from the file is escaped: a control character in a file name or a stored
    // note cannot start a line of its own or drive the terminal.
    let mut out = format!(
        "{} ({})\n  {}\n",
        escape_controls(&e.file),
        e.hostname,
        marks.join("  ")
    );
    for line in &c.model_recommendations {
        out.push_str(&format!("  - {}\n", escape_controls(line)));
    }
    if let Some(notes) = &c.notes {
        out.push_str(&format!("  Notes: {}\n", escape_controls(notes)));
    }
    out.push_str(&format!(
        "  Install: {}\n",
        escape_controls(&llmcap_core::recommend::summary(&e.recommendations))
    ));
    if e.differences.is_empty() {
        out.push_str("  Same as the verdict stored in the file.\n");
    } else {
        out.push_str("  Differs from the verdict stored in the file:\n");
        for line in &e.differences {
            out.push_str(&format!("    {}\n", escape_controls(line)));
        }
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_each_changed_phase() {
        let stored = Capabilities {
            prerequisites: true,
            e0_e1: true,
            ..Default::default()
        };
        let now = Capabilities {
            prerequisites: true,
            e0_e1: true,
            e2_full: true,
            model_recommendations: vec!["x".into()],
            ..Default::default()
        };
        let lines = differences(&stored, &now);
        assert_eq!(lines[0], "e2_full: stored false, now true");
        assert!(lines[1].starts_with("model_recommendations"));
        assert!(differences(&now, &now).is_empty());
    }
}
