//! Report files as the CLI and the page read them: each file's reports (a bundle holds
//! several), parsed and validated, or rejected with one error line.

use super::Input;
use super::output::Rejected;
use crate::report::{
    MAX_REPORT_BYTES, ReadReport, Report, ReportError, SizeLimit, read_reports, worth_reading,
};
use std::borrow::Cow;

/// A report file as the caller read it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReportFile<'a> {
    /// The file's base name: the page knows only base names, and the plan must not depend
    /// on where the files were. Any folder part (up to a `/` or `\\`) is dropped.
    pub name: &'a str,
    /// Its contents, or nothing (or only their start) when it was not read whole.
    pub bytes: &'a [u8],
    /// The file's full size in bytes. A file larger than [`MAX_REPORT_BYTES`] whose bytes are
    /// not all given, or that [`worth_reading`] says is no bundle, is rejected as too large
    /// from its size alone: the CLI and the page do not read such a file, and the error is
    /// the same as when a caller does.
    pub size: u64,
}

impl<'a> ReportFile<'a> {
    /// A file read whole.
    pub fn new(name: &'a str, bytes: &'a [u8]) -> ReportFile<'a> {
        ReportFile {
            name,
            bytes,
            size: bytes.len() as u64,
        }
    }

    /// Every report in the file, by [`read_reports`]: the file itself, or each report of the
    /// bundle it holds, named `file#n`. The name is the file's base name.
    pub fn reports(&self) -> Vec<ReadReport<'a>> {
        let name = base_name(self.name);
        let whole = self.bytes.len() as u64 == self.size;
        if self.size > MAX_REPORT_BYTES && !(whole && worth_reading(self.size, self.bytes)) {
            // Not read whole, or not to be: the same error whether the caller read it or not.
            return vec![ReadReport {
                name: Cow::Borrowed(name),
                bytes: self.bytes,
                report: Err(ReportError::TooLarge {
                    file: name.to_owned(),
                    size: self.size,
                    limit: SizeLimit::of_unread(self.size),
                }),
            }];
        }
        read_reports(name, self.bytes)
    }
}

/// The last part of a path, so that no folder reaches the plan even if a caller passes one.
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// The valid reports of `files` with their names (`file#n` for a bundle's), and the files that
/// are not valid reports, for [`Plan::reject`](super::Plan::reject).
pub fn read_files(files: &[ReportFile<'_>]) -> (Vec<(String, Report)>, Vec<Rejected>) {
    let reads = files.iter().flat_map(ReportFile::reports);
    sort_out(reads.map(|read| (read.name.into_owned(), read.report)))
}

/// Named reports (or what a caller made of each), each valid or not, as [`read_files`]
/// returns them: the valid ones, and the rest with their errors, in the order given. For a
/// caller that parsed the files itself (`llmcap plan` parses them in parallel, makes each
/// report's [`Input`] there and drops the report and its bytes as it goes).
pub fn sort_out<T, E: std::fmt::Display>(
    reports: impl IntoIterator<Item = (String, Result<T, E>)>,
) -> (Vec<(String, T)>, Vec<Rejected>) {
    let mut valid = Vec::new();
    let mut rejected = Vec::new();
    for (name, report) in reports {
        match report {
            Ok(report) => valid.push((name, report)),
            Err(error) => rejected.push(Rejected {
                file: name,
                error: error.to_string(),
            }),
        }
    }
    (valid, rejected)
}

/// The planner's inputs: each report with its name.
pub fn inputs(valid: &[(String, Report)]) -> Vec<Input> {
    valid
        .iter()
        .map(|(file, report)| Input::new(file.as_str(), report))
        .collect()
}
