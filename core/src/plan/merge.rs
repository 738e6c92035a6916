//! From the planner's inputs to one machine per host (host names compared ignoring case, as
//! DNS does): order, drop duplicates, keep the newest.
//!
//! Nothing here depends on the order the inputs were given: they are sorted by file name,
//! then by content, and every choice between two reports is a total order on their contents.

use super::Input;
use super::machines::Candidate;
use super::machines::Facts;
use super::output::{Duplicate, Replaced};
use std::cmp::Ordering;
use std::collections::HashMap;
use std::collections::hash_map::Entry;

/// The inputs ordered and merged.
#[derive(Debug, Default)]
pub(crate) struct Intake<'a> {
    /// One machine per host, in input order (file name, then content).
    pub kept: Vec<Candidate<'a>>,
    /// Reports equal to the report kept for their host.
    pub duplicates: Vec<Duplicate>,
    /// Older reports, replaced by their host's newest.
    pub replaced: Vec<Replaced>,
}

/// What became of one report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Kept,
    DuplicateOf(usize),
    /// By the newer report, compared in UTC or not.
    ReplacedBy(usize, bool),
}

/// The input order: by file name, then by content (the hash of the report's CBOR, a total
/// order on what the report says), which only inputs of the same name need.
fn input_order(a: &Input, b: &Input) -> Ordering {
    (&a.file, a.facts.content).cmp(&(&b.file, b.facts.content))
}

/// Orders and merges the inputs, planned for an effective batch of `target`. Never panics.
pub(crate) fn intake(inputs: &[Input], target: u32) -> Intake<'_> {
    let mut order: Vec<usize> = (0..inputs.len()).collect();
    order.sort_by(|&a, &b| input_order(&inputs[a], &inputs[b]));
    let sorted: Vec<(usize, &Input)> = order.iter().map(|&i| (i, &inputs[i])).collect();
    let fates = fates(&sorted);
    let mut intake = Intake::default();
    for (&(index, input), fate) in sorted.iter().zip(&fates) {
        let facts = &input.facts;
        match *fate {
            Fate::Kept => intake
                .kept
                .push(Candidate::new(index, &input.file, facts, target)),
            Fate::DuplicateOf(w) => intake.duplicates.push(Duplicate {
                file: input.file.clone(),
                hostname: facts.hostname.clone(),
                duplicate_of: sorted[w].1.file.clone(),
                input: index,
            }),
            Fate::ReplacedBy(w, utc) => intake.replaced.push(Replaced {
                file: input.file.clone(),
                hostname: facts.hostname.clone(),
                timestamp: show_time(facts, utc),
                kept_file: sorted[w].1.file.clone(),
                kept_timestamp: show_time(&sorted[w].1.facts, utc),
                input: index,
            }),
        }
    }
    intake
}

/// Decides, for every host seen more than once, which report is kept.
fn fates(sorted: &[(usize, &Input)]) -> Vec<Fate> {
    let report = |i: usize| &sorted[i].1.facts;
    let mut fates = vec![Fate::Kept; sorted.len()];
    // (first index of the host, later index): a hash map keeps this linear, and the result
    // does not depend on its iteration order.
    // Host names are one host whatever their case, as in DNS.
    let mut first_of_host: HashMap<String, usize> = HashMap::with_capacity(sorted.len());
    let mut repeats: Vec<(usize, usize)> = Vec::new();
    for i in 0..sorted.len() {
        match first_of_host.entry(report(i).hostname.to_lowercase()) {
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
        let utc = group.iter().all(|&i| report(i).timestamp_utc.is_some());
        let newest =
            |&a: &usize, &b: &usize| compare_times(report(a), report(b), utc).then(b.cmp(&a));
        let Some(&winner) = group.iter().max_by(|a, b| newest(a, b)) else {
            continue;
        };
        for &i in group.iter().filter(|&&i| i != winner) {
            fates[i] = if report(i).content == report(winner).content {
                Fate::DuplicateOf(winner)
            } else {
                Fate::ReplacedBy(winner, utc)
            };
        }
    }
    fates
}

/// Which of two reports of one host is newer: UTC first when the whole group has it (local
/// times of one host can jump with daylight saving), else local time first.
fn compare_times(a: &Facts, b: &Facts, utc: bool) -> Ordering {
    let local = a.timestamp.cmp(&b.timestamp);
    let universal = a.timestamp_utc.cmp(&b.timestamp_utc);
    if utc {
        universal.then(local)
    } else {
        local.then(universal)
    }
}

fn show_time(report: &Facts, utc: bool) -> String {
    match report.timestamp_utc {
        Some(t) if utc => t.to_utc_string(),
        _ => report.timestamp.to_string(),
    }
}

/// The first warning of a plan with rejected files.
pub(crate) fn skipped_warning(rejected: usize, files: usize) -> String {
    format!("files skipped as not valid reports: {rejected} of {files} (see `rejected`)")
}

/// Warnings about replaced reports.
pub(crate) fn replaced_warnings(intake: &Intake<'_>) -> Vec<String> {
    intake
        .replaced
        .iter()
        .map(|r| {
            format!(
                "{}: kept the newest report {} ({}), replacing {} ({})",
                r.hostname, r.kept_file, r.kept_timestamp, r.file, r.timestamp
            )
        })
        .collect()
}
