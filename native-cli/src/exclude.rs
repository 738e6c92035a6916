//! `llmcap plan --exclude HOST`: the reports without those hosts', so the plan is made as if
//! they had never been probed (their share of E0 goes to the others).

/// `reports` without those whose host name (`host`) is in `hosts`, and a warning for each
/// name of `hosts` that no report has. Host names compare as DNS does, ignoring case.
pub fn without_hosts<T>(
    reports: Vec<T>,
    host: impl Fn(&T) -> &str,
    hosts: &[String],
) -> (Vec<T>, Vec<String>) {
    let excluded = |report: &T| {
        hosts
            .iter()
            .position(|h| h.eq_ignore_ascii_case(host(report)))
    };
    let mut found = vec![false; hosts.len()];
    let kept = reports
        .into_iter()
        .filter(|report| match excluded(report) {
            Some(i) => {
                found[i] = true;
                false
            }
            None => true,
        })
        .collect();
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
    use llmcap_core::Report;
    use llmcap_core::plan::{ReportFile, read_files};

    fn report(host: &str) -> String {
        let base = include_str!("../../tests/fixtures/seed-reports/epyc-2core.json");
        base.replace("\"hostname\": \"vm\"", &format!("\"hostname\": \"{host}\""))
    }

    fn host((_, report): &(String, Report)) -> &str {
        report.hostname.as_str()
    }

    fn names(kept: &[(String, Report)]) -> Vec<&str> {
        kept.iter().map(|(name, _)| name.as_str()).collect()
    }

    #[test]
    fn excluded_hosts_are_left_out_and_unknown_names_are_warned_about() {
        let (a, b) = (report("alpha"), report("beta"));
        let files = [
            ReportFile::new("a.json", a.as_bytes()),
            ReportFile::new("b.json", b.as_bytes()),
        ];
        let (valid, _) = read_files(&files);
        let hosts = ["BETA".to_owned(), "gamma".to_owned()];
        let (kept, warnings) = without_hosts(valid, host, &hosts);
        assert_eq!(names(&kept), ["a.json"]);
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
        let (valid, _) = read_files(&[ReportFile::new("fleet.json", bundle.as_bytes())]);
        let (kept, warnings) = without_hosts(valid, host, &["beta".to_owned()]);
        assert_eq!(names(&kept), ["fleet.json#1", "fleet.json#3"]);
        assert!(warnings.is_empty());
    }
}
