//! `llmcap plan`: merge reports into a distributed execution plan.

use crate::cli::PlanArgs;
use crate::{out, report_io};
use llmcap_core::export::export;
use llmcap_core::plan::{PlanOptions, plan_files, plan_json, render_text};
use std::path::PathBuf;
use std::process::ExitCode;

/// Plans the reports. Exit code 0 when a plan was written; no usable report, or a file that
/// could not be written, is an error: exit code 2 (see `main`).
pub fn run(args: PlanArgs) -> anyhow::Result<ExitCode> {
    let (inputs, path_errors) = report_io::read_inputs(&args.paths);
    for error in &path_errors {
        eprintln!("error: {error}");
    }
    let mut files = Vec::with_capacity(inputs.len());
    for input in &inputs {
        match input.report_file() {
            Ok(file) => files.push(file),
            Err(error) => eprintln!("error: {error}"),
        }
    }
    let options = PlanOptions {
        strategy: args.strategy,
        e0_configs: args.e0_configs,
        target_batch_size: args.target_batch_size,
    };
    let plan = plan_files(&files, &options);
    for rejected in &plan.rejected {
        eprintln!("error: {}", rejected.error);
    }
    if plan.reports_used() == 0 {
        anyhow::bail!(
            "no usable report among {} file(s); no plan written",
            files.len()
        );
    }
    let json = plan_json(&plan);
    report_io::write_atomic(&args.output, &json)?;
    let exported = match args.export {
        Some(format) => {
            let path = args
                .export_output
                .clone()
                .unwrap_or_else(|| PathBuf::from(format.default_file_name()));
            let file = export(&plan, format);
            for note in &file.notes {
                eprintln!("warning: {note}");
            }
            report_io::write_atomic(&path, &file.text)?;
            Some((format, path))
        }
        None => None,
    };
    if args.json {
        out::print(&json);
    } else {
        let mut text = render_text(&plan);
        text.push_str(&format!("\nPlan saved to: {}\n", args.output.display()));
        if let Some((format, path)) = exported {
            text.push_str(&format!("{format} export saved to: {}\n", path.display()));
        }
        out::print(&text);
    }
    Ok(ExitCode::SUCCESS)
}
