//! From report files to one machine per host: sort, parse, drop duplicates, keep the newest.
//!
//! Nothing here depends on the order the files were given: they are sorted by name and
//! content first, and every choice between two reports is a total order on their contents.
//! Each report is reduced to the facts the plan reads as soon as it is parsed, so a fleet
//! of 100,000 reports never holds 100,000 reports in memory; the few files whose host
//! appears more than once are parsed again to tell a duplicate from a replacement.

use super::machines::Member;
use super::output::{Duplicate, Rejected, Replaced};
use crate::recommend::Settings;
use crate::report::{
    DateTime, MAX_REPORT_BYTES, ReadReport, Report, ReportError, SizeLimit, parse_report,
    read_reports, worth_reading,
};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

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

/// The files sorted, parsed and merged.
#[derive(Debug, Default)]
pub(crate) struct Intake<'a> {
    /// One machine per host, in input order (file name, then content).
    pub kept: Vec<Member<'a>>,
    /// Files that are not valid reports.
    pub rejected: Vec<Rejected>,
    /// Files equal to the report kept for their host.
    pub duplicates: Vec<Duplicate>,
    /// Older reports, replaced by their host's newest.
    pub replaced: Vec<Replaced>,
}

impl Intake<'_> {
    /// Every file given.
    pub fn files(&self) -> usize {
        self.kept.len() + self.rejected.len() + self.duplicates.len() + self.replaced.len()
    }
}

/// A valid report's facts, its bytes, and when it was written.
#[derive(Debug)]
struct Valid<'a> {
    member: Member<'a>,
    bytes: &'a [u8],
    local: DateTime,
    utc: Option<DateTime>,
}

impl Valid<'_> {
    fn name(&self) -> &str {
        &self.member.file
    }
}

/// One report read from the files, valid or not. Nearly all are valid, so boxing the large
/// variant would add an allocation per report and save nothing.
#[allow(clippy::large_enum_variant)]
enum Read<'a> {
    Valid(Valid<'a>),
    Rejected(Rejected, &'a [u8]),
}

impl Read<'_> {
    /// The input order: by name, then by content.
    fn key(&self) -> (&str, &[u8]) {
        match self {
            Read::Valid(v) => (v.name(), v.bytes),
            Read::Rejected(r, bytes) => (&r.file, bytes),
        }
    }
}

/// What became of one valid report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Kept,
    DuplicateOf(usize),
    /// By the newer report, compared in UTC or not.
    ReplacedBy(usize, bool),
}

/// The last part of a path, so that no folder reaches the plan even if a caller passes one.
fn base_name(name: &str) -> &str {
    name.rsplit(['/', '\\']).next().unwrap_or(name)
}

/// Every report of one file, each reduced to the facts the plan reads.
fn read_file<'a>(file: &ReportFile<'a>, settings: &Settings, out: &mut Vec<Read<'a>>) {
    out.extend(file.reports().into_iter().map(|read| match read.report {
        Ok(report) => Read::Valid(Valid {
            local: report.timestamp,
            utc: report.timestamp_utc,
            member: Member::new(read.name, report, settings),
            bytes: read.bytes,
        }),
        Err(error) => Read::Rejected(
            Rejected {
                file: read.name.into_owned(),
                error: error.to_string(),
            },
            read.bytes,
        ),
    }));
}

/// Reads, sorts and merges report files. Never panics, whatever the bytes.
pub(crate) fn intake<'a>(files: &[ReportFile<'a>], settings: &Settings) -> Intake<'a> {
    let mut read = Vec::with_capacity(files.len());
    for file in files {
        read_file(file, settings, &mut read);
    }
    read.sort_unstable_by(|a, b| a.key().cmp(&b.key()));
    let mut valid = Vec::with_capacity(read.len());
    let mut rejected = Vec::new();
    for r in read {
        match r {
            Read::Valid(v) => valid.push(v),
            Read::Rejected(r, _) => rejected.push(r),
        }
    }
    let fates = fates(&valid);
    let mut intake = Intake {
        rejected,
        ..Intake::default()
    };
    for (i, fate) in fates.iter().enumerate() {
        let entry = &valid[i];
        match *fate {
            Fate::Kept => {}
            Fate::DuplicateOf(w) => intake.duplicates.push(Duplicate {
                file: entry.name().to_owned(),
                hostname: entry.member.hostname.clone(),
                duplicate_of: valid[w].name().to_owned(),
            }),
            Fate::ReplacedBy(w, utc) => {
                intake.replaced.push(Replaced {
                    file: entry.name().to_owned(),
                    hostname: entry.member.hostname.clone(),
                    timestamp: show_time(entry, utc),
                    kept_file: valid[w].name().to_owned(),
                    kept_timestamp: show_time(&valid[w], utc),
                });
            }
        }
    }
    intake.kept = valid
        .into_iter()
        .zip(fates)
        .filter(|(_, fate)| *fate == Fate::Kept)
        .map(|(v, _)| v.member)
        .collect();
    intake
}

/// Decides, for every host seen more than once, which report is kept.
fn fates(valid: &[Valid<'_>]) -> Vec<Fate> {
    let mut fates = vec![Fate::Kept; valid.len()];
    // (first index of the host, later index): a hash map keeps this linear, and the result
    // does not depend on its iteration order.
    let mut first_of_host: HashMap<&str, usize> = HashMap::with_capacity(valid.len());
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for (i, v) in valid.iter().enumerate() {
        match first_of_host.entry(v.member.hostname()) {
            Entry::Occupied(first) => repeats.push((*first.get(), i)),
            Entry::Vacant(slot) => {
                slot.insert(i);
            }
        }
    }
    repeats.sort_unstable();
    for pairs in repeats.chunk_by(|a, b| a.0 == b.0) {
        let group: Vec<usize> = pairs
            .first()
            .map(|p| p.0)
            .into_iter()
            .chain(pairs.iter().map(|p| p.1))
            .collect();
        let utc = group.iter().all(|&i| valid[i].utc.is_some());
        let newest =
            |&a: &usize, &b: &usize| compare_times(&valid[a], &valid[b], utc).then(b.cmp(&a));
        let Some(&winner) = group.iter().max_by(|a, b| newest(a, b)) else {
            continue;
        };
        let kept = reparse(&valid[winner]);
        for &i in group.iter().filter(|&&i| i != winner) {
            let same = valid[i].bytes == valid[winner].bytes
                || (kept.is_some() && reparse(&valid[i]) == kept);
            fates[i] = if same {
                Fate::DuplicateOf(winner)
            } else {
                Fate::ReplacedBy(winner, utc)
            };
        }
    }
    fates
}

/// The full report again, to compare two reports of one host.
fn reparse(valid: &Valid<'_>) -> Option<Report> {
    parse_report(valid.name(), valid.bytes).ok()
}

/// Which of two reports of one host is newer: UTC first when the whole group has it (local
/// times of one host can jump with daylight saving), else local time first.
fn compare_times(a: &Valid<'_>, b: &Valid<'_>, utc: bool) -> Ordering {
    let local = a.local.cmp(&b.local);
    let universal = a.utc.cmp(&b.utc);
    if utc {
        universal.then(local)
    } else {
        local.then(universal)
    }
}

fn show_time(valid: &Valid<'_>, utc: bool) -> String {
    match valid.utc {
        Some(t) if utc => format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            t.year, t.month, t.day, t.hour, t.minute, t.second
        ),
        _ => valid.local.to_string(),
    }
}

/// The first warning of a plan with rejected files.
pub(crate) fn skipped_warning(rejected: usize, files: usize) -> String {
    format!("files skipped as not valid reports: {rejected} of {files} (see `rejected`)")
}

/// Warnings about the input: rejected files and replaced reports.
pub(crate) fn input_warnings(intake: &Intake<'_>) -> Vec<String> {
    let mut warnings = Vec::new();
    if !intake.rejected.is_empty() {
        warnings.push(skipped_warning(intake.rejected.len(), intake.files()));
    }
    for r in &intake.replaced {
        warnings.push(format!(
            "{}: kept the newest report {} ({}), replacing {} ({})",
            r.hostname, r.kept_file, r.kept_timestamp, r.file, r.timestamp
        ));
    }
    warnings
}
