//! What the OS hands llmcap at its edges: outputs that are special files or inputs, a full
//! or closed standard error, a full standard output.

use crate::common::{fixture, llmcap, llmcap_bin, stderr};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn arg(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// A folder with one good report and one bad one.
fn reports() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    fs::create_dir(&reports).unwrap();
    fs::copy(
        fixture("seed-reports/epyc-2core.json"),
        reports.join("good.json"),
    )
    .unwrap();
    fs::write(reports.join("bad.json"), "{").unwrap();
    (dir, reports)
}

/// `/dev/full`, opened for writing: every write fails with "No space left on device".
#[cfg(target_os = "linux")]
fn full() -> Stdio {
    Stdio::from(
        fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .unwrap(),
    )
}

/// Makes a FIFO at `path` with the system's `mkfifo`.
#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

/// Runs `llmcap args...` with the given standard output and error.
fn llmcap_with(args: &[&str], stdout: Stdio, stderr: Stdio) -> Output {
    Command::new(llmcap_bin())
        .args(args)
        .env("NO_COLOR", "1")
        .env_remove("LLMCAP_MODEL_DIR")
        .stdout(stdout)
        .stderr(stderr)
        .output()
        .unwrap()
}

#[cfg(unix)]
#[test]
fn a_plan_is_never_written_over_a_fifo_or_a_symlink() {
    let (dir, reports) = reports();
    let fifo = dir.path().join("plan.fifo");
    mkfifo(&fifo);
    let target = dir.path().join("elsewhere.json");
    fs::write(&target, "kept").unwrap();
    let link = dir.path().join("plan-link.json");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    for (path, kind) in [(&fifo, "a FIFO"), (&link, "a symbolic link")] {
        let output = llmcap(&["plan", arg(&reports), "-o", arg(path)]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(stderr(&output).contains(kind), "{}", stderr(&output));
    }
    use std::os::unix::fs::FileTypeExt;
    assert!(fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(fs::read_to_string(&target).unwrap(), "kept");
}

#[test]
fn a_plan_is_never_written_over_an_input_or_over_its_export() {
    let (dir, reports) = reports();
    let good = reports.join("good.json");
    let before = fs::read(&good).unwrap();
    for inputs in [&reports, &good] {
        let output = llmcap(&["plan", arg(inputs), "-o", arg(&good)]);
        assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
        assert!(
            stderr(&output).contains("is the input file good.json"),
            "{}",
            stderr(&output)
        );
        assert_eq!(fs::read(&good).unwrap(), before, "the report is untouched");
    }
    let plan = dir.path().join("plan.out");
    let same = dir.path().join(".").join("plan.out");
    let output = llmcap(&[
        "plan",
        arg(&reports),
        "-o",
        arg(&plan),
        "--export",
        "ansible",
        "--export-output",
        arg(&same),
    ]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("are the same file"),
        "{}",
        stderr(&output)
    );
    assert!(!plan.exists(), "nothing written");
}

#[cfg(target_os = "linux")]
#[test]
fn a_full_stderr_still_writes_the_files_with_the_documented_exit_code() {
    let (dir, reports) = reports();
    let plan = dir.path().join("plan.json");
    let output = llmcap_with(
        &["plan", arg(&reports), "-o", arg(&plan)],
        Stdio::null(),
        full(),
    );
    assert_eq!(
        output.status.code(),
        Some(0),
        "plan: exit {:?}",
        output.status
    );
    assert!(plan.exists());

    let output = llmcap_with(&["classify", arg(&reports)], Stdio::piped(), full());
    assert_eq!(output.status.code(), Some(2), "classify: one file was bad");
    assert!(String::from_utf8_lossy(&output.stdout).contains("good.json"));

    let probe_dir = dir.path().join("probe");
    let output = llmcap_with(
        &[
            "probe",
            "--skip-embedding",
            "--skip-benchmark",
            "--hostname",
            "full-stderr",
            "-o",
            arg(&probe_dir),
        ],
        Stdio::null(),
        full(),
    );
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "probe: exit {:?}",
        output.status
    );
    assert!(
        probe_dir
            .join("capability_report_full-stderr.json")
            .exists()
    );
}

#[test]
fn a_closed_stderr_is_no_panic() {
    let (dir, reports) = reports();
    let plan = dir.path().join("plan.json");
    let mut child = Command::new(llmcap_bin())
        .args(["plan", arg(&reports), "-o", arg(&plan)])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0), "{status:?}");
    assert!(plan.exists());
}

#[cfg(target_os = "linux")]
#[test]
fn a_failed_stdout_write_is_exit_code_2_with_an_error() {
    let (dir, reports) = reports();
    let plan = dir.path().join("plan.json");
    let good = reports.join("good.json");
    let commands: [&[&str]; 4] = [
        &["schema"],
        &["plan", arg(&reports), "-o", arg(&plan), "--json"],
        &["classify", arg(&good)],
        &[
            "probe",
            "--skip-embedding",
            "--skip-benchmark",
            "--quiet",
            "--json",
            "--no-save",
        ],
    ];
    for args in commands {
        let output = llmcap_with(args, full(), Stdio::piped());
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            stderr(&output)
        );
        assert!(
            stderr(&output).contains("error: cannot write to standard output"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
    assert!(plan.exists(), "the plan file is still written");
}

/// Runs `llmcap args...`, killing it if it runs past 20 s (a read that blocks forever).
fn llmcap_bounded(args: &[&str]) -> Output {
    let mut child = Command::new(llmcap_bin())
        .args(args)
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > std::time::Duration::from_secs(20) {
            child.kill().unwrap();
            panic!("llmcap {args:?} still runs after 20 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    child.wait_with_output().unwrap()
}

fn error_lines(output: &Output) -> Vec<String> {
    stderr(output)
        .lines()
        .filter(|l| l.starts_with("error: "))
        .map(str::to_owned)
        .collect()
}

#[cfg(unix)]
#[test]
fn a_fifo_named_on_the_command_line_is_one_error_not_a_hang() {
    let (dir, reports) = reports();
    let fifo = dir.path().join("pipe.json");
    mkfifo(&fifo);
    let good = reports.join("good.json");
    let plan = dir.path().join("plan.json");
    for args in [
        vec!["plan", arg(&fifo), arg(&good), "-o", arg(&plan)],
        vec!["classify", arg(&fifo), arg(&good)],
    ] {
        let output = llmcap_bounded(&args);
        let lines = error_lines(&output);
        assert_eq!(lines.len(), 1, "{args:?}: {lines:?}");
        assert!(
            lines[0].contains("pipe.json: is a FIFO (named pipe), not a report file"),
            "{lines:?}"
        );
        let expected = if args[0] == "plan" { 0 } else { 2 };
        assert_eq!(output.status.code(), Some(expected), "{args:?}");
    }
    assert!(plan.exists(), "the good report is still planned");
}

#[cfg(unix)]
#[test]
fn a_folders_json_entries_that_are_no_files_get_one_line_each() {
    let (dir, reports) = reports();
    fs::remove_file(reports.join("bad.json")).unwrap();
    mkfifo(&reports.join("fifo.json"));
    std::os::unix::fs::symlink(reports.join("gone"), reports.join("dangling.json")).unwrap();
    std::os::unix::fs::symlink(reports.join("loop.json"), reports.join("loop.json")).unwrap();
    fs::create_dir(reports.join("folder.json")).unwrap();
    fs::write(reports.join("notes.txt"), "not a report, not mentioned").unwrap();
    let plan = dir.path().join("plan.json");
    let output = llmcap_bounded(&["plan", arg(&reports), "-o", arg(&plan)]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let lines = error_lines(&output);
    assert_eq!(lines.len(), 4, "{lines:?}");
    for (file, says) in [
        ("dangling.json", "is a dangling symbolic link"),
        ("fifo.json", "is a FIFO"),
        ("folder.json", "is a folder, not a report file"),
        ("loop.json", "is a symbolic link that cannot be followed"),
    ] {
        assert!(
            lines.iter().any(|l| l.contains(file) && l.contains(says)),
            "{file}: {lines:?}"
        );
    }
    assert!(plan.exists());
}

#[test]
fn a_file_name_cannot_forge_an_error_line_or_drive_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let name = "bad\nerror: all reports are fine\u{1b}[2J.json";
    let path = dir.path().join(name);
    std::fs::write(&path, "{\"hostname\": 5").unwrap();
    for command in ["classify", "plan"] {
        let mut args = vec![command, path.to_str().unwrap()];
        let out = dir.path().join("plan.json");
        if command == "plan" {
            args.extend(["-o", out.to_str().unwrap()]);
        }
        let output = crate::common::llmcap(&args);
        let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        for text in [&stderr, &stdout] {
            assert!(!text.contains('\u{1b}'), "{command}: {text:?}");
            assert!(
                !text
                    .lines()
                    .any(|l| l.starts_with("error: all reports are fine")),
                "{command}: {text}"
            );
        }
        assert!(
            stderr.contains("bad\\nerror: all reports are fine"),
            "{command}: {stderr}"
        );
    }
}
