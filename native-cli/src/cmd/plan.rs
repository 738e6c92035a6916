//! `llmcap plan`: merge reports into a distributed execution plan.

use crate::cli::PlanArgs;
use crate::report_io::{FileId, InputFile};
use crate::{exclude, out, report_io};
use llmcap_core::export::export;
use llmcap_core::plan::{self, PlanOptions, plan_json, read_files, render_text};
use llmcap_core::report::error_lines;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Plans the reports. Exit code 0 when a plan was written; no usable report, or a file that
/// could not be written, is an error: exit code 2 (see `main`).
pub fn run(args: PlanArgs) -> anyhow::Result<ExitCode> {
    let export_path = args.export.map(|format| {
        args.export_output
            .clone()
            .unwrap_or_else(|| PathBuf::from(format.default_file_name()))
    });
    let (inputs, path_errors) = report_io::read_inputs(&args.paths);
    for error in &path_errors {
        out::error(error);
    }
    check_outputs(&args.output, export_path.as_deref(), &inputs)?;
    let mut files = Vec::with_capacity(inputs.len());
    for input in &inputs {
        match input.report_file() {
            Ok(file) => files.push(file),
            Err(error) => out::error(error),
        }
    }
    let options = PlanOptions {
        strategy: args.strategy,
        e0_configs: args.e0_configs,
        tokens_per_config: args.tokens_per_config,
        train_tokens: args.train_tokens,
        target_batch_size: args.target_batch_size,
    };
    let (valid, rejected) = read_files(&files);
    let (kept, warnings) = exclude::without_hosts(valid, &args.exclude);
    for warning in &warnings {
        out::warning(warning);
    }
    let mut plan = plan::plan(&plan::inputs(&kept), &options);
    plan.reject(rejected);
    let rejected = plan
        .rejected
        .iter()
        .map(|r| (r.file.as_str(), r.error.as_str()));
    for line in error_lines(rejected) {
        out::error(&line);
    }
    if plan.reports_used() == 0 {
        anyhow::bail!(
            "no usable report among {} file(s); no plan written",
            files.len()
        );
    }
    let json = plan_json(&plan);
    report_io::write_atomic(&args.output, &json)?;
    let exported = match (args.export, export_path) {
        (Some(format), Some(path)) => {
            let file = export(&plan, format);
            for note in &file.notes {
                out::warning(note);
            }
            report_io::write_atomic(&path, &file.text)?;
            Some((format, path))
        }
        _ => None,
    };
    if args.json {
        out::print(&json)?;
    } else {
        let mut text = render_text(&plan);
        text.push_str(&format!("\nPlan saved to: {}\n", args.output.display()));
        if let Some((format, path)) = exported {
            text.push_str(&format!("{format} export saved to: {}\n", path.display()));
        }
        out::print(&text)?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Refuses, before anything is written, a plan or export path that is one of the inputs
/// (writing it would replace a report) and an export path that is the plan's own.
fn check_outputs(output: &Path, export: Option<&Path>, inputs: &[InputFile]) -> anyhow::Result<()> {
    if let Some(export) = export
        && same_place(output, export)
    {
        anyhow::bail!(
            "-o {} and --export-output {} are the same file; give each its own path",
            output.display(),
            export.display()
        );
    }
    let outputs = [Some(("-o", output)), export.map(|e| ("--export-output", e))];
    for (flag, path) in outputs.into_iter().flatten() {
        let Some(id) = FileId::of(path) else { continue };
        if let Some(input) = inputs.iter().find(|i| i.id.as_ref() == Some(&id)) {
            anyhow::bail!(
                "{flag} {}: is the input file {}; writing the plan there would replace it, so \
                 choose another path",
                path.display(),
                input.name
            );
        }
    }
    Ok(())
}

/// True when `a` and `b` lead to one file, whether or not it exists yet: the same folder
/// (after links) and the same name.
fn same_place(a: &Path, b: &Path) -> bool {
    let place = |p: &Path| {
        let folder = match p.parent() {
            Some(f) if !f.as_os_str().is_empty() => f,
            _ => Path::new("."),
        };
        Some((
            std::fs::canonicalize(folder).ok()?,
            p.file_name()?.to_owned(),
        ))
    };
    FileId::of(a).is_some_and(|id| FileId::of(b) == Some(id))
        || place(a).is_some_and(|x| place(b) == Some(x))
}
