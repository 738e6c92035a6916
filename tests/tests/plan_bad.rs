//! The bad-report corpus (`tests/fixtures/bad/`): each bad file gets one error line naming
//! the file and the field, the good files are still planned, and nothing panics.

use crate::plan_fleet::{plan, spec, with};
use llmcap_core::plan::{PlanOptions, Strategy, render_text};
use std::path::{Path, PathBuf};

/// Every file of the corpus and what its error must say, besides its name. Files marked
/// `VALID` are good reports that exercise merging.
const EXPECTED: &[(&str, &[&str])] = &[
    ("array.json", &["the report is a JSON array"]),
    ("binary.json", &["not a text file"]),
    (
        "capabilities-string.json",
        &["field `capabilities`", "\"all\""],
    ),
    (
        "capability-flag-string.json",
        &["field `capabilities.e2_full`", "\"yes\""],
    ),
    (
        "cpu-count-fraction.json",
        &["field `system.cpu_count`", "2.5"],
    ),
    ("deep-nesting.json", &["field `hostname`", "sequence"]),
    (
        "disk-infinity.json",
        &["in field `disk_free_gb`", "`Infinity` is Python's"],
    ),
    ("duplicate-key.json", &["duplicate field `hostname`"]),
    ("empty.json", &["the file is empty"]),
    ("gpus-object.json", &["field `system.gpus`"]),
    (
        "hostname-10k.json",
        &["field `hostname`", "(10000 characters)"],
    ),
    ("hostname-control.json", &["field `hostname`", "\\u{1b}"]),
    (
        "hostname-dotdot.json",
        &["field `hostname`", "\"../../etc/passwd\""],
    ),
    ("hostname-empty.json", &["field `hostname`", "\"\""]),
    ("hostname-html.json", &["field `hostname`", "<script>"]),
    ("hostname-number.json", &["field `hostname`", "42"]),
    (
        "hostname-slash.json",
        &["field `hostname`", "\"lab/gpu-1\""],
    ),
    (
        "missing-capabilities.json",
        &["field `capabilities` is missing"],
    ),
    ("missing-hostname.json", &["field `hostname` is missing"]),
    ("not-json.json", &["not valid JSON at line 1"]),
    ("null.json", &["the report is null"]),
    ("number.json", &["the report is a number"]),
    (
        "python-none.json",
        &["in field `gpu`", "`None` is Python's"],
    ),
    ("ram-absurd.json", &["field `system.ram_gb`", "1e300"]),
    (
        "ram-available-above-total.json",
        &["field `system.ram_available_gb`", "64"],
    ),
    (
        "ram-nan.json",
        &["in field `ram_available_gb`", "`NaN` is Python's"],
    ),
    (
        "ram-negative.json",
        &["field `system.ram_available_gb`", "-4"],
    ),
    (
        "ram-string.json",
        &["field `system.ram_available_gb`", "\"22.2\""],
    ),
    ("same-host-newer.json", VALID),
    ("same-host-older.json", VALID),
    ("schema-future.json", &["field `schema_version`", "99"]),
    ("string.json", &["the report is a JSON string"]),
    (
        "timestamp-garbage.json",
        &["field `timestamp`", "\"yesterday\""],
    ),
    (
        "trailing-garbage.json",
        &["not valid JSON", "trailing characters"],
    ),
    ("truncated.json", &["not valid JSON", "EOF"]),
    ("utf32.json", &["not a text file", "UTF-32"]),
    (
        "vram-negative.json",
        &["field `system.gpus[0].vram_total_mib`", "-1"],
    ),
    ("whitespace-only.json", &["the file is empty"]),
];

const VALID: &[&str] = &[];

/// The generated file: far larger than any report (never committed).
const HUGE: &str = "huge-50mb.json";

fn corpus_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/bad")
}

/// The committed corpus plus the 50 MB file, generated in a temporary folder.
fn corpus() -> (tempfile::TempDir, Vec<(String, Vec<u8>)>) {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(corpus_dir())
        .expect("corpus folder")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|e| e == "json"))
        .map(|path| {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .expect("name")
                .to_owned();
            (name, std::fs::read(&path).expect("read"))
        })
        .collect();
    let temp = tempfile::tempdir().expect("temp dir");
    let huge = temp.path().join(HUGE);
    let mut text = String::from("{\"hostname\": \"huge\", \"warnings\": [");
    while text.len() < 50 * 1024 * 1024 {
        text.push_str("\"padding padding padding padding padding padding\",");
    }
    text.push_str("\"end\"]}");
    std::fs::write(&huge, text).expect("write 50 MB");
    files.push((HUGE.to_owned(), std::fs::read(&huge).expect("read 50 MB")));
    files.sort();
    (temp, files)
}

#[test]
fn the_corpus_has_every_kind_listed_and_nothing_else() {
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus_dir())
        .expect("corpus folder")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name != "README.md")
        .collect();
    on_disk.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|(name, _)| *name).collect();
    assert_eq!(on_disk, listed);
    let bad = EXPECTED.iter().filter(|(_, want)| !want.is_empty()).count();
    assert!(
        bad + 1 >= 20,
        "at least 20 kinds of bad files, with the 50 MB one"
    );
}

#[test]
fn each_bad_file_gets_one_line_naming_the_file_and_the_field() {
    let (_temp, mut files) = corpus();
    let good = [spec("good-a", 22.0), spec("good-b", 6.0)];
    for s in &good {
        files.push((s.file_name(), s.json().into_bytes()));
    }
    let refs: Vec<llmcap_core::plan::ReportFile<'_>> = files
        .iter()
        .map(|(name, bytes)| llmcap_core::plan::ReportFile::new(name, bytes))
        .collect();
    for strategy in Strategy::ALL {
        let plan = llmcap_core::plan::plan_files(&refs, &with(strategy));
        let mut expected: Vec<(&str, &[&str])> = EXPECTED
            .iter()
            .copied()
            .filter(|(_, want)| !want.is_empty())
            .collect();
        expected.push((
            HUGE,
            &["52428", "a bundle of reports can be at most 33554432 bytes"],
        ));
        expected.sort();
        let rejected: Vec<&str> = plan.rejected.iter().map(|r| r.file.as_str()).collect();
        let names: Vec<&str> = expected.iter().map(|(n, _)| *n).collect();
        assert_eq!(
            rejected, names,
            "every bad file, and only those, is rejected"
        );
        for (r, (name, wants)) in plan.rejected.iter().zip(&expected) {
            assert!(r.error.starts_with(&format!("{name}: ")), "{}", r.error);
            assert!(!r.error.contains('\n'), "one line: {}", r.error);
            assert!(
                !r.error.chars().any(char::is_control),
                "escaped: {:?}",
                r.error
            );
            assert!(r.error.len() < 400, "short: {}", r.error);
            for want in *wants {
                assert!(
                    r.error.contains(want),
                    "{name}: {want:?} not in {}",
                    r.error
                );
            }
        }
        let mut hosts: Vec<&str> = plan.machines.iter().map(|m| m.hostname.as_str()).collect();
        hosts.sort();
        assert_eq!(
            hosts,
            ["good-a", "good-b", "twin"],
            "the good files are planned"
        );
        assert_eq!(plan.replaced.len(), 1);
        assert_eq!(plan.replaced[0].file, "same-host-older.json");
        assert_eq!(plan.replaced[0].kept_file, "same-host-newer.json");
        let text = render_text(&plan);
        assert!(
            !text.contains('\u{1b}'),
            "no escape sequence reaches the terminal"
        );
    }
}

#[test]
fn a_bad_file_alone_gives_no_usable_report() {
    let (_temp, files) = corpus();
    for (name, bytes) in &files {
        if name.starts_with("same-host") {
            continue;
        }
        let plan = plan(
            &[(name.clone(), String::from_utf8_lossy(bytes).into_owned())],
            &PlanOptions::default(),
        );
        // Lossy text of a binary file is still bad; every other file is unchanged.
        assert_eq!(plan.reports_used(), 0, "{name}");
        assert_eq!(plan.rejected.len(), 1, "{name}");
        assert!(
            plan.warnings
                .iter()
                .any(|w| w.contains("not valid reports: 1 of 1")),
            "{name}"
        );
    }
}
