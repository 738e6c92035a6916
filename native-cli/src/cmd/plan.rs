//! `llmcap plan`: merge reports into a distributed execution plan.

use crate::cli::PlanArgs;
use crate::report_io::{FileId, ParsedFile};
use crate::{exclude, out, report_io};
use llmcap_core::Report;
use llmcap_core::export::export;
use llmcap_core::plan::{self, Input, PlanOptions, Rejected};
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
    let link = args.link.link;
    let parsed = report_io::parse_inputs(&paths, |name, report| Kept {
        input: Input::new(name, &report),
        report: link.then(|| Box::new(report)),
    });
    check_outputs(&args.output, export_path.as_deref(), &parsed)?;
    let options = PlanOptions {
        strategy: args.strategy,
        e0_configs: args.e0_configs,
        tokens_per_config: args.tokens_per_config,
        train_tokens: args.train_tokens,
        target_batch_size: args.target_batch_size,
    };
    let (valid, rejected) = split_reports(parsed);
    let (kept, warnings) =
        exclude::without_hosts(valid, |(_, kept)| kept.input.hostname(), &args.exclude);
    for warning in &warnings {
        out::warning(warning);
    }
    let (inputs, reports): (Vec<Input>, Vec<Option<Box<Report>>>) = kept
        .into_iter()
        .map(|(_, kept)| (kept.input, kept.report))
        .unzip();
    let mut plan = plan::plan(&inputs, &options);
    drop(inputs);
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
    // The tables are made while the plan is written (the two take about as long for a large
    // fleet), and printed once it is: "Plan saved to" follows a plan that was saved.
    let (written, text) = rayon::join(
        || report_io::write_atomic_with(&args.output, |out| plan::write_plan_json(&plan, out)),
        || (!link && !args.json).then(|| Pieces::of(|text| plan::write_text(&plan, text))),
    );
    written?;
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
    if link {
        let reports: Vec<&Report> = reports.iter().flatten().map(|r| &**r).collect();
        let bundle = llmcap_core::report::write_bundle(&reports);
        let url = llmcap_core::link::link(&args.link.page_url, bundle.as_bytes()).map_err(|e| {
            anyhow::anyhow!(
                "no link for the fleet's {} reports: {e}; share the merged reports file instead \
                 (the plan is written)",
                reports.len()
            )
        })?;
        out::print(&format!("{url}\n"))?;
    } else if let Some(text) = text {
        out::print_with(|out| {
            for piece in &text.0 {
                out.write_all(piece.as_bytes())?;
            }
            writeln!(out, "\nPlan saved to: {}", args.output.display())?;
            if let Some((format, path)) = &exported {
                writeln!(out, "{format} export saved to: {}", path.display())?;
            }
            Ok(())
        })?;
    } else {
        out::print_with(|out| plan::write_plan_json(&plan, out))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Text made in pieces of at most [`Pieces::SIZE`] bytes. A large fleet's tables run to tens
/// of megabytes (34 MB for 100,000 machines), and one growing `String` holds its old buffer
/// and its new one, twice as large, while it moves the text over: 96 MB at the last
/// doubling, which heaptrack showed as the plan's largest peak. Pieces hold the text and
/// one piece more.
#[derive(Debug, Default)]
struct Pieces(Vec<String>);

impl Pieces {
    const SIZE: usize = 1 << 20;

    /// What `write` writes.
    fn of(write: impl FnOnce(&mut Pieces) -> std::fmt::Result) -> Pieces {
        let mut pieces = Pieces::default();
        // Writing to memory cannot fail.
        let _ = write(&mut pieces);
        pieces
    }
}

impl std::fmt::Write for Pieces {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        match self.0.last_mut() {
            Some(last) if last.len() + s.len() <= Pieces::SIZE => last.push_str(s),
            _ => {
                let mut piece = String::with_capacity(Pieces::SIZE.max(s.len()));
                piece.push_str(s);
                self.0.push(piece);
            }
        }
        Ok(())
    }
}

/// A valid report as planning keeps it: the planner's input, and the report itself only
/// for `--link`, which carries the reports (boxed: a report is some 1,400 bytes, which
/// every input would otherwise hold, link or not).
struct Kept {
    input: Input,
    report: Option<Box<Report>>,
}

/// The valid reports with their names, and the rejected ones with their errors, in file
/// order; a file that could not be read gets its error line here.
fn split_reports(files: Vec<ParsedFile<Kept>>) -> (Vec<(String, Kept)>, Vec<Rejected>) {
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
    inputs: &[ParsedFile<Kept>],
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

#[cfg(test)]
mod tests {
    use super::Pieces;
    use std::fmt::Write;

    #[test]
    fn pieces_keep_the_text_whole_and_each_piece_within_its_size() {
        let line = "é".repeat(1000) + "\n";
        let pieces = Pieces::of(|out| (0..1200).try_for_each(|_| out.write_str(&line)));
        assert!(pieces.0.len() > 1);
        assert!(pieces.0.iter().all(|p| p.len() <= Pieces::SIZE));
        assert_eq!(pieces.0.concat(), line.repeat(1200));
    }

    #[test]
    fn a_write_longer_than_a_piece_is_a_piece_of_its_own() {
        let long = "x".repeat(Pieces::SIZE + 1);
        let pieces = Pieces::of(|out| write!(out, "a{long}b"));
        assert_eq!(pieces.0.concat(), format!("a{long}b"));
        assert_eq!(pieces.0.len(), 3);
    }
}
