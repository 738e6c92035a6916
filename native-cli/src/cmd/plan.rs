//! `llmcap plan`: merge reports into a distributed execution plan.

use crate::cli::PlanArgs;
use crate::report_io::{FileId, ParsedFile};
use crate::{exclude, out, report_io};
use llmcap_core::Report;
use llmcap_core::export::export;
use llmcap_core::plan::{self, PlanOptions, Rejected};
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
    let (paths, path_errors) = report_io::list_inputs(&args.paths);
    for error in &path_errors {
        out::error(error);
    }
    let parsed = report_io::parse_inputs(&paths);
    check_outputs(&args.output, export_path.as_deref(), &parsed)?;
    let options = PlanOptions {
        strategy: args.strategy,
        e0_configs: args.e0_configs,
        tokens_per_config: args.tokens_per_config,
        train_tokens: args.train_tokens,
        target_batch_size: args.target_batch_size,
    };
    let (valid, rejected) = split_reports(parsed);
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
            paths.len()
        );
    }
    report_io::write_atomic_with(&args.output, |out| plan::write_plan_json(&plan, out))?;
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
    if args.link.link {
        let reports: Vec<&Report> = kept.iter().map(|(_, r)| r).collect();
        let bundle = llmcap_core::report::write_bundle(&reports);
        let url = llmcap_core::link::link(&args.link.page_url, bundle.as_bytes()).map_err(|e| {
            anyhow::anyhow!(
                "no link for the fleet's {} reports: {e}; share the merged reports file instead \
                 (the plan is written)",
                reports.len()
            )
        })?;
        out::print(&format!("{url}\n"))?;
    } else if args.json {
        out::print_with(|out| plan::write_plan_json(&plan, out))?;
    } else {
        out::print_with(|out| {
            let mut text = out::FmtWriter::new(out);
            let written = plan::write_text(&plan, &mut text);
            text.finish(written)?;
            writeln!(out, "\nPlan saved to: {}", args.output.display())?;
            if let Some((format, path)) = &exported {
                writeln!(out, "{format} export saved to: {}", path.display())?;
            }
            Ok(())
        })?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The valid reports with their names, and the rejected ones with their errors, in file
/// order; a file that could not be read gets its error line here.
fn split_reports(files: Vec<ParsedFile>) -> (Vec<(String, Report)>, Vec<Rejected>) {
    let read = files
        .into_iter()
        .filter_map(|file| file.reports.map_err(|error| out::error(&error)).ok());
    plan::sort_out(read.flatten())
}

/// Refuses, before anything is written, a plan or export path that is one of the inputs
/// (writing it would replace a report) and an export path that is the plan's own.
fn check_outputs(
    output: &Path,
    export: Option<&Path>,
    inputs: &[ParsedFile],
) -> anyhow::Result<()> {
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
