//! `llmcap plan --exclude HOST`: the report files without the reports of those hosts, so
//! the plan is made as if they had never been probed (their share of E0 goes to the others).

use llmcap_core::plan::ReportFile;
use std::borrow::Cow;

/// A report file to plan: a file as it was read, or one report of a bundle that also held a
/// report of an excluded host.
#[derive(Debug)]
pub struct Kept<'a> {
    name: Cow<'a, str>,
    bytes: &'a [u8],
    size: u64,
}

impl Kept<'_> {
    /// The file as the planner reads it.
    pub fn file(&self) -> ReportFile<'_> {
        ReportFile {
            name: &self.name,
            bytes: self.bytes,
            size: self.size,
        }
    }
}

/// `files` without the reports whose host name is in `hosts`, and a warning for each name
/// of `hosts` that no report has. A file none of whose reports is excluded is kept whole, so
/// without `--exclude` nothing changes; a bundle holding an excluded host's report is given
/// as its other reports one by one, which plans the same as the bundle (the planner names a
/// bundle's reports `file#n` either way). A file that is not a valid report is kept, so its
/// error is still reported.
pub fn without_hosts<'a>(
    files: &[ReportFile<'a>],
    hosts: &[String],
) -> (Vec<Kept<'a>>, Vec<String>) {
    let mut kept = Vec::with_capacity(files.len());
    let mut found = vec![false; hosts.len()];
    for file in files {
        let reports = if hosts.is_empty() {
            Vec::new()
        } else {
            file.reports()
        };
        let excluded: Vec<bool> = reports
            .iter()
            .map(|r| {
                let host = r.report.as_ref().ok().map(|r| r.hostname.as_str());
                let index = hosts.iter().position(|h| Some(h.as_str()) == host);
                if let Some(i) = index {
                    found[i] = true;
                }
                index.is_some()
            })
            .collect();
        if !excluded.contains(&true) {
            kept.push(Kept {
                name: Cow::Borrowed(file.name),
                bytes: file.bytes,
                size: file.size,
            });
            continue;
        }
        for (report, _) in reports.into_iter().zip(excluded).filter(|(_, out)| !out) {
            kept.push(Kept {
                size: report.bytes.len() as u64,
                name: report.name,
                bytes: report.bytes,
            });
        }
    }
    let warnings = hosts
        .iter()
        .zip(found)
        .filter(|(_, found)| !found)
        .map(|(host, _)| format!("--exclude {host}: no report of that host among the inputs"))
        .collect();
    (kept, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(host: &str) -> String {
        let base = include_str!("../../tests/fixtures/seed-reports/epyc-2core.json");
        base.replace("\"hostname\": \"vm\"", &format!("\"hostname\": \"{host}\""))
    }

    fn names(kept: &[Kept<'_>]) -> Vec<String> {
        kept.iter().map(|k| k.name.to_string()).collect()
    }

    #[test]
    fn excluded_hosts_are_left_out_and_unknown_names_are_warned_about() {
        let (a, b) = (report("alpha"), report("beta"));
        let files = [
            ReportFile::new("a.json", a.as_bytes()),
            ReportFile::new("b.json", b.as_bytes()),
            ReportFile::new("bad.json", b"{"),
        ];
        let hosts = ["beta".to_owned(), "gamma".to_owned()];
        let (kept, warnings) = without_hosts(&files, &hosts);
        assert_eq!(names(&kept), ["a.json", "bad.json"]);
        assert_eq!(
            warnings,
            ["--exclude gamma: no report of that host among the inputs"]
        );
    }

    #[test]
    fn a_bundle_keeps_its_other_reports_under_their_bundle_names() {
        let reports: Vec<serde_json::Value> = ["alpha", "beta", "gamma"]
            .iter()
            .map(|h| serde_json::from_str(&report(h)).unwrap_or_default())
            .collect();
        let bundle = serde_json::json!({"llmcap_bundle": 1, "reports": reports}).to_string();
        let files = [ReportFile::new("fleet.json", bundle.as_bytes())];
        let (kept, warnings) = without_hosts(&files, &["beta".to_owned()]);
        assert_eq!(names(&kept), ["fleet.json#1", "fleet.json#3"]);
        assert!(warnings.is_empty());
        let (whole, _) = without_hosts(&files, &[]);
        assert_eq!(names(&whole), ["fleet.json"]);
    }
}
