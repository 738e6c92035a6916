//! The example fleet that "Load example fleet" shows, compiled into the page so that no
//! request is needed to load them: two real reports written by the guide's script and four
//! illustrative ones in llmcap's format (see docs/web.md).

/// `(file name, contents)` of each example report, from `www/examples/`.
pub const FILES: &[(&str, &str)] = &[
    (
        "capability_report_cloud-epyc.json",
        include_str!("../../www/examples/capability_report_cloud-epyc.json"),
    ),
    (
        "capability_report_gpu-desktop.json",
        include_str!("../../www/examples/capability_report_gpu-desktop.json"),
    ),
    (
        "capability_report_gpu-h200.json",
        include_str!("../../www/examples/capability_report_gpu-h200.json"),
    ),
    (
        "capability_report_lab-pi.json",
        include_str!("../../www/examples/capability_report_lab-pi.json"),
    ),
    (
        "capability_report_mac-m2.json",
        include_str!("../../www/examples/capability_report_mac-m2.json"),
    ),
    (
        "capability_report_old-thinkpad.json",
        include_str!("../../www/examples/capability_report_old-thinkpad.json"),
    ),
];

#[cfg(test)]
mod tests {
    use super::FILES;
    use llmcap_core::{classify, parse_report};

    #[test]
    fn every_example_is_valid_and_its_verdict_is_llmcaps() {
        for (name, text) in FILES {
            let report = parse_report(name, text.as_bytes()).unwrap_or_else(|e| panic!("{e}"));
            let verdict = classify(&report.machine).capabilities;
            assert_eq!(verdict, report.capabilities, "{name}");
            assert_eq!(
                *name,
                format!("capability_report_{}.json", report.hostname),
                "file named as the probe names it"
            );
        }
    }
}
