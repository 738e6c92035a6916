//! `deploy/ansible/prepare.yml` on the exported inventory, run for real against aliases of
//! this machine: with a recording `ollama` on the PATH it pulls exactly each planned host's
//! tag; without one it says how to install Ollama and does not fail; a failing pull is
//! reported per host.

use crate::ansible_tools::{local_host, playbook, read_yaml, row, transcript};
use crate::common::{llmcap, stderr};
use crate::plan_fleet::{files, raspberry_pi, spec};
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// Reports of four machines, planned and exported; returns the plan's JSON and the inventory.
fn export(dir: &Path) -> (Value, PathBuf) {
    let reports = dir.join("reports");
    std::fs::create_dir(&reports).unwrap();
    let fleet = [
        raspberry_pi("pi"),
        spec("laptop", 7.0),
        spec("workstation", 20.0).gpu(24_576),
        spec("tiny", 1.0),
    ];
    for (name, text) in files(&fleet) {
        std::fs::write(reports.join(name), text).unwrap();
    }
    let inventory = dir.join("llmcap_inventory.yml");
    let output = llmcap(&[
        "plan",
        reports.to_str().unwrap(),
        "--json",
        "--output",
        dir.join("distributed_plan.json").to_str().unwrap(),
        "--export",
        "ansible",
        "--export-output",
        inventory.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    (serde_json::from_slice(&output.stdout).unwrap(), inventory)
}

/// The user's own inventory: every planned machine is this machine.
fn user_inventory(dir: &Path) -> PathBuf {
    let hosts: serde_json::Map<String, Value> = ["pi", "laptop", "workstation", "tiny"]
        .iter()
        .map(|h| ((*h).to_owned(), local_host()))
        .collect();
    let path = dir.join("hosts.yml");
    std::fs::write(&path, json!({"all": {"hosts": hosts}}).to_string()).unwrap();
    path
}

/// `ollama pull TAG` for each host whose plan runs Phi-3, from the plan's JSON.
fn expected_pulls(plan: &Value) -> Vec<String> {
    let mut pulls: Vec<String> = ["phase2", "phase3"]
        .iter()
        .flat_map(|p| plan[*p].as_array().unwrap())
        .filter(|a| a["experiment"] != "data_generation")
        .filter_map(|a| Some((a["machine"].as_str()?, a["model"].as_str()?)))
        .map(|(machine, model)| format!("{machine} pull {model}"))
        .collect();
    pulls.sort();
    pulls.dedup();
    pulls
}

/// A folder holding an `ollama` that logs its arguments, prints `message` on stderr and exits
/// with `code`.
fn fake_ollama(dir: &Path, code: i32, message: &str) -> PathBuf {
    let bin = dir.join("fake-bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = format!(
        "#!/bin/sh\necho \"$*\" >> '{}'\necho '{message}' >&2\nexit {code}\n",
        dir.join("ollama.log").display()
    );
    let path = bin.join("ollama");
    std::fs::write(&path, script).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    bin
}

/// The PATH without any folder that holds an `ollama`, optionally with `first` in front.
fn path_env(first: Option<&Path>) -> String {
    let current = std::env::var_os("PATH").unwrap_or_default();
    let mut dirs: Vec<PathBuf> = std::env::split_paths(&current)
        .filter(|d| !d.join("ollama").exists())
        .collect();
    if let Some(first) = first {
        dirs.insert(0, first.to_path_buf());
    }
    std::env::join_paths(dirs)
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

/// The tags the fake ollama was asked to pull, with the host each was for.
fn pulls_logged(dir: &Path, summary: &Value) -> Vec<String> {
    let log = std::fs::read_to_string(dir.join("ollama.log")).unwrap_or_default();
    let mut tags: Vec<&str> = log.lines().collect();
    tags.sort_unstable();
    let mut by_host: Vec<String> = summary["hosts"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "pulled")
        .map(|r| {
            format!(
                "{} pull {}",
                r["host"].as_str().unwrap(),
                r["model"].as_str().unwrap()
            )
        })
        .collect();
    by_host.sort();
    let mut logged: Vec<String> = by_host
        .iter()
        .map(|line| line.split_once(' ').unwrap().1.to_owned())
        .collect();
    logged.sort();
    assert_eq!(
        tags, logged,
        "what ollama was asked is what the summary says"
    );
    by_host
}

#[test]
fn prepare_pulls_each_hosts_tag_where_ollama_is_installed() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (plan, inventory) = export(dir.path());
    let hosts = user_inventory(dir.path());
    let bin = fake_ollama(dir.path(), 0, "pulled");
    let run = playbook(
        dir.path(),
        &[&hosts, &inventory],
        "prepare.yml",
        Some(&path_env(Some(&bin))),
    );
    assert_eq!(run.status.code(), Some(0), "{}", transcript(&run));
    let summary = read_yaml(&dir.path().join("prepare_summary.yml"));
    let expected = expected_pulls(&plan);
    assert_eq!(
        expected.len(),
        2,
        "the laptop and the workstation: {expected:?}"
    );
    assert_eq!(pulls_logged(dir.path(), &summary), expected);
    let pi = row(&summary, "pi");
    assert_eq!(pi["status"], "nothing to pull");
    assert!(
        pi["detail"].as_str().unwrap().contains("embedding model"),
        "{pi}"
    );
    let tiny = row(&summary, "tiny");
    assert_eq!(tiny["status"], "nothing to pull");
    assert!(
        tiny["detail"].as_str().unwrap().starts_with("excluded: "),
        "{tiny}"
    );
}

#[test]
fn prepare_says_where_ollama_is_missing_without_failing() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, inventory) = export(dir.path());
    let hosts = user_inventory(dir.path());
    let run = playbook(
        dir.path(),
        &[&hosts, &inventory],
        "prepare.yml",
        Some(&path_env(None)),
    );
    assert_eq!(run.status.code(), Some(0), "{}", transcript(&run));
    let summary = read_yaml(&dir.path().join("prepare_summary.yml"));
    for host in ["laptop", "workstation"] {
        let r = row(&summary, host);
        assert_eq!(r["status"], "ollama not installed", "{r}");
        let detail = r["detail"].as_str().unwrap();
        assert!(
            detail.starts_with(&format!(
                "Ollama is not installed on {host}: install it with `"
            )) && detail.contains("ollama.com/install.sh")
                && detail.contains(r["model"].as_str().unwrap()),
            "{detail}"
        );
    }
    assert!(!dir.path().join("ollama.log").exists());
}

#[test]
fn a_failing_pull_is_reported_per_host() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (_, inventory) = export(dir.path());
    let hosts = user_inventory(dir.path());
    let bin = fake_ollama(dir.path(), 1, "Error: could not connect to ollama app");
    let run = playbook(
        dir.path(),
        &[&hosts, &inventory],
        "prepare.yml",
        Some(&path_env(Some(&bin))),
    );
    let log = transcript(&run);
    assert_eq!(run.status.code(), Some(2), "{log}");
    assert!(
        log.contains("2 of 4 hosts failed (laptop, workstation)"),
        "{log}"
    );
    let summary = read_yaml(&dir.path().join("prepare_summary.yml"));
    let laptop = row(&summary, "laptop");
    assert_eq!(laptop["status"], "failed");
    assert_eq!(
        laptop["detail"],
        "Run ollama pull: exit code 1: Error: could not connect to ollama app (is the Ollama \
         server running? `ollama serve`, or `systemctl start ollama`)"
    );
    assert_eq!(row(&summary, "pi")["status"], "nothing to pull");
}

#[test]
fn prepare_without_the_export_says_what_is_missing() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hosts = user_inventory(dir.path());
    let run = playbook(dir.path(), &[&hosts], "prepare.yml", None);
    let log = transcript(&run);
    assert_eq!(run.status.code(), Some(2), "{log}");
    assert!(log.contains("No host in the llmcap group"), "{log}");
}

#[test]
fn prepare_in_check_mode_pulls_nothing_and_says_what_it_would_pull() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let (plan, inventory) = export(dir.path());
    let hosts = user_inventory(dir.path());
    let bin = fake_ollama(dir.path(), 0, "pulled");
    let run = crate::ansible_tools::ansible("ansible-playbook", dir.path())
        .arg("-i")
        .arg(&hosts)
        .arg("-i")
        .arg(&inventory)
        .arg("--check")
        .arg(crate::common::repo().join("deploy/ansible/prepare.yml"))
        .env("PATH", path_env(Some(&bin)))
        .output()
        .unwrap();
    let log = transcript(&run);
    assert_eq!(run.status.code(), Some(0), "{log}");
    let expected = expected_pulls(&plan);
    assert!(!expected.is_empty());
    for pull in expected {
        let (host, tag) = pull.split_once(" pull ").unwrap();
        assert!(
            log.contains(&format!("{host}: would pull: ollama pull {tag}")),
            "{host}: {log}"
        );
    }
    assert!(
        !dir.path().join("ollama.log").exists(),
        "ollama was not run: {log}"
    );
}
