//! `deploy/ansible/probe.yml`, run for real: two aliases of this machine probe and their
//! reports are fetched and merged by `llmcap plan`, while an unreachable host, a host whose
//! probe crashes and an inventory alias that is no valid host name are each reported, and
//! lose nobody else's report.

use crate::ansible_tools::{closed_port, local_host, playbook, read_yaml, row, transcript};
use crate::common::{llmcap, llmcap_bin, quick_probe, stderr};
use serde_json::{Value, json};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

/// A stand-in for llmcap that crashes the way a broken build would.
fn crashing_binary(dir: &Path) -> String {
    let path = dir.join("crashing-llmcap");
    std::fs::write(&path, "#!/bin/sh\necho 'simulated crash' >&2\nexit 3\n").unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path.to_str().unwrap().to_owned()
}

fn inventory(dir: &Path) -> Value {
    let mut broken = local_host();
    broken["llmcap_binary"] = json!(crashing_binary(dir));
    json!({"all": {
        "vars": {
            "llmcap_binary": llmcap_bin(),
            "llmcap_reports_dir": dir.join("reports"),
            "llmcap_work_dir": format!("{}/work/{{{{ inventory_hostname }}}}", dir.display()),
            "llmcap_probe_args": ["--skip-embedding", "--bench-seconds", "0.05"],
        },
        "hosts": {
            "alpha": local_host(),
            "beta": local_host(),
            "down": {
                "ansible_connection": "ssh",
                "ansible_host": "127.0.0.1",
                "ansible_port": closed_port(),
                "ansible_ssh_common_args": "-o BatchMode=yes -o ConnectTimeout=5 \
                    -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
            },
            "broken": broken,
            "bad%host": local_host(),
        },
    }})
}

#[test]
fn probe_playbook_fetches_every_good_report_and_reports_each_failure() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    // `down` was probed on an earlier day: its old report is still there.
    quick_probe(&reports, "down");
    let hosts = dir.path().join("hosts.yml");
    std::fs::write(&hosts, inventory(dir.path()).to_string()).unwrap();

    let run = playbook(dir.path(), &[&hosts], "probe.yml", None);
    let log = transcript(&run);
    assert_eq!(
        run.status.code(),
        Some(2),
        "a failed host fails the run: {log}"
    );
    assert!(log.contains("3 of 5 hosts failed ("), "{log}");
    for host in ["down", "broken", "bad%host"] {
        assert!(
            log.contains(&format!("{host}: ")),
            "{host} has its line: {log}"
        );
    }

    let mut fetched: Vec<String> = std::fs::read_dir(&reports)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    fetched.sort();
    assert_eq!(
        fetched,
        [
            "capability_report_alpha.json",
            "capability_report_beta.json",
            "capability_report_down.json",
            "probe_summary.yml",
        ],
        "{log}"
    );

    let summary = read_yaml(&reports.join("probe_summary.yml"));
    assert_eq!(summary["hosts"].as_array().unwrap().len(), 5);
    for host in ["alpha", "beta"] {
        let r = row(&summary, host);
        assert_eq!(r["status"], "ok", "{r}");
        assert_eq!(r["verdict"], "can run at least the prerequisites");
        assert!(
            r["report"]
                .as_str()
                .unwrap()
                .ends_with(&format!("capability_report_{host}.json"))
        );
    }
    let down = row(&summary, "down");
    assert_eq!(down["status"], "unreachable", "{down}");
    assert!(
        down["error"]
            .as_str()
            .unwrap()
            .contains("Connection refused"),
        "{down}"
    );
    assert!(
        down["stale_report"]
            .as_str()
            .unwrap()
            .contains("from an earlier run"),
        "the user learns that the plan will use the old report: {down}"
    );
    let broken = row(&summary, "broken");
    assert_eq!(broken["status"], "failed");
    assert_eq!(
        broken["error"], "Run llmcap probe: exit code 3: simulated crash",
        "{broken}"
    );
    let bad = row(&summary, "bad%host");
    assert_eq!(bad["status"], "failed");
    let bad_error = bad["error"].as_str().unwrap();
    assert!(
        bad_error.contains("--hostname") && bad_error.contains("rename this one"),
        "{bad}"
    );
    assert!(bad.get("stale_report").is_none());

    // The fetched reports are named after the inventory aliases and merge into one plan.
    let plan_file = dir.path().join("distributed_plan.json");
    let plan = llmcap(&[
        "plan",
        reports.to_str().unwrap(),
        "--json",
        "--output",
        plan_file.to_str().unwrap(),
        "--export",
        "ansible",
        "--export-output",
        dir.path().join("llmcap_inventory.yml").to_str().unwrap(),
    ]);
    assert_eq!(plan.status.code(), Some(0), "{}", stderr(&plan));
    let plan: Value = serde_json::from_slice(&plan.stdout).unwrap();
    let mut machines: Vec<&str> = plan["machines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["hostname"].as_str().unwrap())
        .collect();
    machines.sort_unstable();
    assert_eq!(machines, ["alpha", "beta", "down"]);
    assert_eq!(
        plan["rejected"],
        json!([]),
        "the summary is not read as a report"
    );
}

#[test]
fn probe_playbook_respects_limit_and_succeeds_when_every_host_does() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts.yml");
    std::fs::write(&hosts, inventory(dir.path()).to_string()).unwrap();
    let mut command = crate::ansible_tools::ansible("ansible-playbook", dir.path());
    let run = command
        .arg("-i")
        .arg(&hosts)
        .args(["--limit", "alpha"])
        .arg(crate::common::repo().join("deploy/ansible/probe.yml"))
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(0), "{}", transcript(&run));
    let summary = read_yaml(&dir.path().join("reports/probe_summary.yml"));
    assert_eq!(summary["hosts"].as_array().unwrap().len(), 1);
    assert_eq!(row(&summary, "alpha")["status"], "ok");
    assert!(
        dir.path()
            .join("reports/capability_report_alpha.json")
            .is_file()
    );
}

/// This machine's release target, as the playbook maps it from Ansible's facts.
fn this_target() -> &'static str {
    match std::env::consts::ARCH {
        "aarch64" => "aarch64-unknown-linux-gnu",
        _ => "x86_64-unknown-linux-gnu",
    }
}

#[test]
fn probe_playbook_installs_each_hosts_release_archive_and_reads_relative_paths() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A release folder as scripts/build-release.sh writes it, given by a relative path.
    let stage = dir.path().join("stage");
    std::fs::create_dir_all(&stage).unwrap();
    std::fs::copy(llmcap_bin(), stage.join("llmcap")).unwrap();
    std::fs::create_dir_all(dir.path().join("dist")).unwrap();
    let archive = dir
        .path()
        .join(format!("dist/llmcap-{}.tar.gz", this_target()));
    let tar = std::process::Command::new("tar")
        .arg("-czf")
        .arg(&archive)
        .arg("-C")
        .arg(&stage)
        .arg("llmcap")
        .status()
        .unwrap();
    assert!(tar.success());
    // One binary, also by a relative path.
    std::fs::create_dir_all(dir.path().join("bin")).unwrap();
    std::fs::copy(llmcap_bin(), dir.path().join("bin/llmcap")).unwrap();

    let mut from_archive = local_host();
    from_archive["llmcap_dist_dir"] = json!("dist");
    let mut from_binary = local_host();
    from_binary["llmcap_binary"] = json!("bin/llmcap");
    let inventory = json!({"all": {
        "vars": {
            "llmcap_reports_dir": "reports",
            "llmcap_work_dir": format!("{}/work/{{{{ inventory_hostname }}}}", dir.path().display()),
            "llmcap_probe_args": ["--skip-embedding", "--bench-seconds", "0.05"],
        },
        "hosts": {"alpha": from_archive, "gamma": from_binary},
    }});
    let hosts = dir.path().join("hosts.yml");
    std::fs::write(&hosts, inventory.to_string()).unwrap();

    let run = playbook(dir.path(), &[&hosts], "probe.yml", None);
    assert_eq!(run.status.code(), Some(0), "{}", transcript(&run));
    for host in ["alpha", "gamma"] {
        assert!(
            dir.path().join(format!("work/{host}/llmcap")).is_file(),
            "{host} got its llmcap"
        );
        assert!(
            dir.path()
                .join(format!("reports/capability_report_{host}.json"))
                .is_file(),
            "{host}'s report was fetched"
        );
    }
}

#[test]
fn probe_playbook_in_check_mode_probes_nothing_and_says_so() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let hosts = dir.path().join("hosts.yml");
    std::fs::write(&hosts, inventory(dir.path()).to_string()).unwrap();
    let run = crate::ansible_tools::ansible("ansible-playbook", dir.path())
        .arg("-i")
        .arg(&hosts)
        .arg("--check")
        .arg(crate::common::repo().join("deploy/ansible/probe.yml"))
        .output()
        .unwrap();
    let log = transcript(&run);
    assert_eq!(run.status.code(), Some(0), "{log}");
    assert!(
        log.contains("check mode: a real run copies llmcap"),
        "{log}"
    );
    assert!(!log.contains("Reports fetched"), "{log}");
    assert!(!dir.path().join("reports").exists(), "{log}");
    assert!(!dir.path().join("work").exists(), "{log}");
}
