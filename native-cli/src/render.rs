//! The readable report `llmcap probe` prints: the rows core computes for the machine
//! (facts, verdict with its reasons, what to install, warnings), laid out for a terminal.

use llmcap_core::document::{Install, Sheet};
use std::fmt::Write;

/// A value for the terminal: control characters escaped.
fn e(text: &str) -> std::borrow::Cow<'_, str> {
    llmcap_core::text::escape_controls(text)
}

fn yes_no(pass: bool) -> &'static str {
    if pass { "✓ Yes" } else { "✗ No " }
}

/// Renders the whole readable report of `sheet` for `heading` (host and time). Every value
/// that came from a report or a tool has its control characters escaped ([`e`]).
pub fn human(heading: &str, sheet: &Sheet) -> String {
    let mut out = format!("MACHINE CAPABILITY ASSESSMENT — {}\n", e(heading));
    let mut section = None;
    for fact in &sheet.facts {
        if section != Some(fact.section) {
            section = Some(fact.section);
            let _ = writeln!(out, "\n{}", fact.section.title());
        }
        let width = label_width(sheet);
        let _ = writeln!(out, "  {:<width$} {}", fact.label, e(&fact.value));
        if let Some(meaning) = fact.meaning {
            let _ = writeln!(out, "  {:<width$} {meaning}", "");
        }
    }
    let _ = writeln!(out, "\nExperiment capabilities");
    for row in &sheet.phases {
        let why = if row.why.is_empty() {
            String::new()
        } else {
            format!("   ({})", e(&row.why.join("; ")))
        };
        let title = format!("{}:", row.phase.title());
        let _ = writeln!(out, "  {title:<34} {}{why}", yes_no(row.granted));
    }
    if !sheet.guide_lines.is_empty() {
        let _ = writeln!(out, "\nGuide recommendations");
        for line in &sheet.guide_lines {
            let _ = writeln!(out, "  - {}", e(line));
        }
    }
    if let Some(note) = &sheet.guide_note {
        let _ = writeln!(out, "  Notes: {}", e(note));
    }
    let _ = writeln!(out, "\nWhat to install");
    install(&mut out, &sheet.install);
    if !sheet.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings");
        for warning in &sheet.warnings {
            let _ = writeln!(out, "  ! {}", e(warning));
        }
    }
    let _ = writeln!(out, "\n{}", sheet.conclusion);
    out
}

/// The widest label, so that every value lines up.
fn label_width(sheet: &Sheet) -> usize {
    let labels = sheet.facts.iter().map(|f| f.label.chars().count());
    labels.max().unwrap_or(0)
}

/// The model to run, how to install it, and the training settings.
fn install(out: &mut String, install: &Install) {
    let (model, options, settings, notes) = match install {
        Install::Nothing(why) => {
            let _ = writeln!(out, "  {}", e(why));
            return;
        }
        Install::Model {
            model,
            options,
            settings,
            notes,
        } => (model, options, settings, notes),
    };
    let _ = writeln!(out, "  {}", e(model));
    for (i, option) in options.iter().enumerate() {
        let label = if i == 0 { "best" } else { "or" };
        let _ = writeln!(out, "  [{label}] {} — {}", option.runtime, e(&option.why));
        for command in &option.commands {
            let _ = writeln!(out, "      $ {}", e(command));
        }
    }
    for setting in settings {
        let _ = writeln!(out, "  {}: {}", setting.label, e(&setting.value));
    }
    for note in notes {
        let _ = writeln!(out, "  Note: {}", e(note));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use llmcap_core::recommend::Settings;
    use llmcap_core::report::parse_report;

    const EPYC: &str = include_str!("../../tests/fixtures/seed-reports/epyc-2core.json");

    fn human_of(text: &str) -> String {
        let report = parse_report("r.json", text.as_bytes()).unwrap();
        let document = llmcap_core::document(&report, &Settings::default());
        human("r", &llmcap_core::document::sheet(&document))
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

    #[test]
    fn values_from_a_report_cannot_drive_the_terminal() {
        let hostile = EPYC.replace(
            "\"gpu\": null",
            "\"gpu\": null, \"gpus\": [{\"vendor\": \"nvidia\", \"name\": \"X\\u001b]52;c;ZXZpbA==\\u0007\\nerror: forged\\u001b[2J\", \"vram_total_mib\": 8192}]",
        );
        assert_ne!(hostile, EPYC, "the fixture has gpu: null");
        let text = human_of(&hostile);
        assert!(
            !text.contains('\u{1b}') && !text.contains('\u{7}'),
            "{text:?}"
        );
        assert!(!text.contains("\nerror: forged"), "{text}");
        assert!(
            text.contains("X\\u{1b}]52;c;ZXZpbA==\\u{7}\\nerror: forged"),
            "{text}"
        );
    }
}
