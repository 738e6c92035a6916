//! `llmcap plan` end to end: folders in, `distributed_plan.json` out, one error line per bad
//! file, exit codes.

use crate::common::{fixture, llmcap, stderr, stdout};
use serde_json::Value;
use std::fs;

fn arg(p: &std::path::Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn bad_files_get_one_line_each_and_the_good_ones_are_planned() {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    fs::create_dir(&reports).unwrap();
    for entry in fs::read_dir(fixture("bad")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            fs::copy(&path, reports.join(path.file_name().unwrap())).unwrap();
        }
    }
    let huge = fs::File::create(reports.join("huge-50mb.json")).unwrap();
    huge.set_len(50 * 1024 * 1024).unwrap();
    fs::copy(
        fixture("seed-reports/h200-16core-offline.json"),
        reports.join("gpu-box.json"),
    )
    .unwrap();
    let output_file = dir.path().join("plan.json");
    let output = llmcap(&["plan", arg(&reports), "--output", arg(&output_file)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let err = stderr(&output);
    let error_lines: Vec<&str> = err.lines().filter(|l| l.starts_with("error: ")).collect();
    let plan: Value = serde_json::from_slice(&fs::read(&output_file).unwrap()).unwrap();
    let rejected = plan["rejected"].as_array().unwrap();
    // One stderr line per rejected file, each naming its file; none of them control characters.
    assert_eq!(error_lines.len(), rejected.len(), "{err}");
    for entry in rejected {
        let file = entry["file"].as_str().unwrap();
        assert!(
            error_lines
                .iter()
                .any(|l| l.starts_with(&format!("error: {file}: "))),
            "{file}: {err}"
        );
    }
    assert!(!err.chars().any(|c| c.is_control() && c != '\n'), "{err:?}");
    assert!(
        err.contains("huge-50mb.json: too large (52428800 bytes)"),
        "{err}"
    );
    // The good report is planned: the H200 machine runs E2.
    assert_eq!(plan["phase3"][0]["experiment"], "e2_full");
}

#[test]
fn only_bad_files_is_exit_code_2_and_no_plan() {
    let dir = tempfile::tempdir().unwrap();
    let output_file = dir.path().join("plan.json");
    let output = llmcap(&[
        "plan",
        arg(&fixture("bad/array.json")),
        arg(&fixture("bad/empty.json")),
        "-o",
        arg(&output_file),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no usable report"),
        "{}",
        stderr(&output)
    );
    assert!(!output_file.exists());
}

#[test]
fn json_output_is_the_file_and_the_seed_strategy_is_the_guides() {
    let dir = tempfile::tempdir().unwrap();
    let output_file = dir.path().join("plan.json");
    let output = llmcap(&[
        "plan",
        arg(&fixture("seed-reports/epyc-2core.json")),
        "--strategy",
        "seed",
        "--json",
        "-o",
        arg(&output_file),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stdout(&output), fs::read_to_string(&output_file).unwrap());
    let plan: Value = serde_json::from_str(&stdout(&output)).unwrap();
    assert_eq!(plan["strategy"], "seed");
    // The guide leaves phase 1 empty without a tier-1 machine.
    assert_eq!(plan["phase1"].as_array().unwrap().len(), 0);
    assert_eq!(plan["phase3"][0]["machine"], "vm");
}

#[test]
fn unknown_strategy_and_missing_paths_are_usage_errors() {
    let output = llmcap(&["plan", "x.json", "--strategy", "fastest"]);
    assert_eq!(output.status.code(), Some(2));
    let output = llmcap(&["plan", "/nonexistent-folder"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no such file or folder"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn e0_configs_are_split_into_ranges() {
    let dir = tempfile::tempdir().unwrap();
    let output_file = dir.path().join("plan.json");
    let output = llmcap(&[
        "plan",
        arg(&fixture("seed-reports/epyc-2core.json")),
        "--e0-configs",
        "500",
        "--json",
        "-o",
        arg(&output_file),
    ]);
    let plan: Value = serde_json::from_slice(&output.stdout).unwrap();
    let e0 = plan["phase2"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["configs"].is_object())
        .unwrap();
    assert_eq!(e0["configs"]["start"], 0);
    assert_eq!(e0["configs"]["end"], 500);
}

#[test]
fn a_reader_that_stops_reading_is_no_crash_and_the_plan_is_still_written() {
    let dir = tempfile::tempdir().unwrap();
    let template = fs::read_to_string(fixture("seed-reports/epyc-2core.json")).unwrap();
    for i in 0..200 {
        let text = template.replace("\"hostname\": \"vm\"", &format!("\"hostname\": \"h{i}\""));
        fs::write(dir.path().join(format!("r{i}.json")), text).unwrap();
    }
    let output_file = dir.path().join("out/plan.json");
    fs::create_dir(dir.path().join("out")).unwrap();
    let mut child = std::process::Command::new(crate::common::llmcap_bin())
        .args(["plan", arg(dir.path()), "--output", arg(&output_file)])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // The reader goes away at once, as `| head -1` does after its line.
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    let err = stderr(&output);
    assert_eq!(output.status.code(), Some(0), "{err}");
    assert!(!err.contains("panicked"), "{err}");
    assert!(output_file.is_file());
}

/// The machines of phase 2's E0 ranges, in order, and whether the ranges cover `0..total`.
fn e0_hosts(plan: &Value, total: u64) -> Vec<String> {
    let mut next = 0;
    let mut hosts = Vec::new();
    for a in plan["phase2"].as_array().unwrap() {
        if let Some(c) = a["configs"].as_object() {
            assert_eq!(c["start"].as_u64(), Some(next), "{plan:#}");
            next = c["end"].as_u64().unwrap();
            hosts.push(a["machine"].as_str().unwrap().to_owned());
        }
    }
    assert_eq!(
        next, total,
        "the E0 ranges do not cover every configuration"
    );
    hosts
}

#[test]
fn exclude_plans_without_those_hosts_and_the_e0_ranges_still_cover_everything() {
    use crate::plan_fleet::{files, spec};
    let dir = tempfile::tempdir().unwrap();
    let fleet = [
        spec("a", 7.0),
        spec("b", 7.0),
        spec("c", 7.0),
        spec("d", 7.0),
    ];
    let reports = dir.path().join("reports");
    fs::create_dir(&reports).unwrap();
    for (name, text) in files(&fleet) {
        fs::write(reports.join(name), text).unwrap();
    }
    // Outside the reports' folder: a plan written among them would be an input next time.
    let out = dir.path().join("plan.json");
    let plan = |extra: &[&str]| {
        let mut args = vec!["plan", arg(&reports), "--e0-configs", "90", "--json"];
        args.extend(["-o", arg(&out)]);
        args.extend(extra);
        let output = llmcap(&args);
        assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
        let plan: Value = serde_json::from_slice(&output.stdout).unwrap();
        (plan, stderr(&output))
    };
    let (all, _) = plan(&[]);
    assert_eq!(e0_hosts(&all, 90), ["a", "b", "c", "d"]);

    let (some, warnings) = plan(&["--exclude", "b,nas", "--exclude", "d"]);
    assert_eq!(e0_hosts(&some, 90), ["a", "c"]);
    let machines: Vec<&str> = some["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["hostname"].as_str().unwrap())
        .collect();
    assert_eq!(machines, ["a", "c"]);
    assert!(
        warnings.contains("warning: --exclude nas: no report of that host among the inputs"),
        "{warnings}"
    );
    assert!(!warnings.contains("--exclude b") && !warnings.contains("--exclude d"));
    let written: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(written, some, "the plan file is the plan printed");
}

#[test]
fn a_link_carries_the_whole_fleet_or_says_it_is_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        fixture("seed-reports/epyc-2core.json"),
        fixture("seed-reports/h200-16core-offline.json"),
    ];
    let output = llmcap(&[
        "plan",
        arg(&files[0]),
        arg(&files[1]),
        "--link",
        "--page-url",
        "http://127.0.0.1:9/page/",
        "-o",
        arg(&dir.path().join("plan.json")),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let url = stdout(&output);
    let fragment = url
        .trim()
        .strip_prefix("http://127.0.0.1:9/page/#")
        .unwrap_or_else(|| panic!("{url}"));
    let bundle: Value =
        serde_json::from_slice(&llmcap_core::link::decode(fragment).unwrap()).unwrap();
    let hosts: Vec<&str> = bundle["reports"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["hostname"].as_str().unwrap())
        .collect();
    assert_eq!(hosts.len(), 2, "{bundle}");
    for file in &files {
        let report: Value = serde_json::from_slice(&fs::read(file).unwrap()).unwrap();
        assert!(hosts.contains(&report["hostname"].as_str().unwrap()));
    }

    // Random host names do not compress: 8,000 of them make a link too long to share.
    let many = dir.path().join("many");
    fs::create_dir(&many).unwrap();
    let text = fs::read_to_string(&files[0]).unwrap();
    let mut report: Value = serde_json::from_str(&text).unwrap();
    for i in 0..8000u64 {
        let host = format!("h{:016x}", i.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        report["hostname"] = Value::from(host.clone());
        fs::write(many.join(format!("{host}.json")), report.to_string()).unwrap();
    }
    let output = llmcap(&[
        "plan",
        arg(&many),
        "--link",
        "-o",
        arg(&dir.path().join("p2.json")),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stdout(&output).is_empty());
    let err = stderr(&output);
    assert!(
        err.contains("no link for the fleet's 8000 reports: the link is too long"),
        "{err}"
    );
    assert!(
        dir.path().join("p2.json").is_file(),
        "the plan is still written"
    );
}
