//! The fleet, the commands and the readers of `tests/tests/ansible_run.rs`: five reports
//! planned and exported, a user inventory of aliases of this machine (and one host whose SSH
//! port is closed), commands that log when they start and end, and the run's results parsed.

use crate::ansible_tools::{ansible, closed_port, local_host};
use crate::common::stderr;
use crate::plan_fleet::{files, raspberry_pi, spec};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Output;

pub const TASKS: [&str; 6] = [
    "prerequisites",
    "data_generation",
    "e0_optimization",
    "e1_retrieval",
    "e2_finetuning",
    "e2_evaluation",
];

/// A Pi, a laptop, two GPU machines and one that will be unreachable; every report in
/// `dir/reports`.
pub fn write_reports(dir: &Path) -> PathBuf {
    let reports = dir.join("reports");
    std::fs::create_dir_all(&reports).unwrap();
    let fleet = [
        raspberry_pi("pi"),
        spec("laptop", 7.0),
        spec("workstation", 20.0).gpu(24_576),
        spec("gpu2", 16.0).gpu(16_384),
        spec("down", 7.0),
    ];
    for (name, text) in files(&fleet) {
        std::fs::write(reports.join(name), text).unwrap();
    }
    reports
}

/// `llmcap plan reports --e0-configs 100 --export ansible EXTRA...` into `dir`; the plan's JSON.
pub fn plan(dir: &Path, extra: &[&str]) -> Value {
    let mut args = vec![
        "plan",
        "reports",
        "--e0-configs",
        "100",
        "--json",
        "--export",
        "ansible",
    ];
    args.extend(extra);
    let output = std::process::Command::new(crate::common::llmcap_bin())
        .args(&args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// Each command records its start and end (ns) in `order.log`, prints its parameters, and
/// fails with exit code 3 while `fail-<host>-<task>` exists.
pub fn commands(dir: &Path) -> PathBuf {
    let d = dir.display();
    let commands: serde_json::Map<String, Value> = TASKS
        .iter()
        .map(|task| {
            // Only E0 takes a while and depends on the host's range.
            let (sleep, configs) = if *task == "e0_optimization" {
                (1, "configs {{ llmcap_e0_configs_start }}..{{ llmcap_e0_configs_end }}, ")
            } else {
                (0, "")
            };
            let command = format!(
                "echo \"{{{{ inventory_hostname }}}} {task} start $(date +%s%N)\" >> {d}/order.log; \
                 sleep {sleep}; \
                 echo \"{task} output on {{{{ inventory_hostname }}}}: {configs}\
                 model {{{{ llmcap_model }}}}, batch {{{{ llmcap_batch_size }}}}\"; \
                 echo \"{{{{ inventory_hostname }}}} {task} end $(date +%s%N)\" >> {d}/order.log; \
                 test ! -e {d}/fail-{{{{ inventory_hostname }}}}-{task} \
                 || {{ echo \"{task} failed on purpose\" >&2; exit 3; }}"
            );
            ((*task).to_owned(), json!(command))
        })
        .collect();
    let path = dir.join("llmcap_commands.yml");
    let text = json!({"all": {"vars": {"llmcap_commands": commands}}});
    std::fs::write(&path, text.to_string()).unwrap();
    path
}

/// The user's inventory: every host is this machine, but `down`, whose SSH port is closed.
pub fn hosts(dir: &Path) -> PathBuf {
    let mut hosts: serde_json::Map<String, Value> = ["pi", "laptop", "workstation", "gpu2"]
        .iter()
        .map(|h| ((*h).to_owned(), local_host()))
        .collect();
    hosts.insert(
        "down".to_owned(),
        json!({
            "ansible_connection": "ssh",
            "ansible_host": "127.0.0.1",
            "ansible_port": closed_port(),
            "ansible_ssh_common_args": "-o BatchMode=yes -o ConnectTimeout=5 \
                -o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null",
        }),
    );
    let vars = json!({"llmcap_run_dir": dir.join("remote"), "llmcap_poll_interval": 1});
    let path = dir.join("hosts.yml");
    std::fs::write(
        &path,
        json!({"all": {"vars": vars, "hosts": hosts}}).to_string(),
    )
    .unwrap();
    path
}

/// `ansible-playbook -i hosts.yml -i llmcap_inventory.yml -i llmcap_commands.yml run.yml ARGS`.
pub fn run(dir: &Path, args: &[&str]) -> Output {
    ansible("ansible-playbook", dir)
        .args(["-i", "hosts.yml", "-i", "llmcap_inventory.yml"])
        .args(["-i", "llmcap_commands.yml"])
        .arg(crate::common::repo().join("deploy/ansible/run.yml"))
        .args(args)
        .output()
        .unwrap()
}

/// One line of `order.log`.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub host: String,
    pub task: String,
    pub start: bool,
    pub ns: u128,
}

pub fn events(dir: &Path) -> Vec<Event> {
    let text = std::fs::read_to_string(dir.join("order.log")).unwrap_or_default();
    text.lines()
        .map(|line| {
            let f: Vec<&str> = line.split(' ').collect();
            Event {
                host: f[0].to_owned(),
                task: f[1].to_owned(),
                start: f[2] == "start",
                ns: f[3].parse().unwrap(),
            }
        })
        .collect()
}

/// When `host` started and ended `task` (the last time it ran).
pub fn span(events: &[Event], host: &str, task: &str) -> (u128, u128) {
    let at = |start: bool| {
        events
            .iter()
            .rev()
            .find(|e| e.host == host && e.task == task && e.start == start)
            .unwrap_or_else(|| panic!("{host} {task} did not run: {events:#?}"))
            .ns
    };
    (at(true), at(false))
}

/// The tasks that ran, as "host task", in order of starting.
pub fn started(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter(|e| e.start)
        .map(|e| format!("{} {}", e.host, e.task))
        .collect()
}

/// The planned steps as (phase, host, task), from the plan's JSON.
pub fn planned(plan: &Value) -> Vec<(u64, String, String)> {
    (1..=3)
        .flat_map(|phase| {
            plan[format!("phase{phase}")]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(move |a| {
                    a["tasks"].as_array().unwrap().iter().map(move |t| {
                        let host = a["machine"].as_str().unwrap().to_owned();
                        (phase, host, t.as_str().unwrap().to_owned())
                    })
                })
        })
        .collect()
}

pub fn summary(dir: &Path) -> Vec<Value> {
    let text = std::fs::read_to_string(dir.join("runs/summary.json")).unwrap();
    let summary: Value = serde_json::from_str(&text).unwrap();
    summary["steps"].as_array().unwrap().clone()
}

pub fn step<'a>(steps: &'a [Value], host: &str, task: &str) -> &'a Value {
    steps
        .iter()
        .find(|s| s["host"] == host && s["task"] == task)
        .unwrap_or_else(|| panic!("no step {host} {task} in {steps:#?}"))
}

pub fn log(dir: &Path, phase: u64, host: &str) -> String {
    let path = dir.join(format!("runs/phase{phase}/{host}.log"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Every E0 range of the plan, sorted: together they must be 0..100 without a gap.
pub fn e0_ranges(plan: &Value) -> Vec<(String, u64, u64)> {
    let mut ranges: Vec<(String, u64, u64)> = plan["phase2"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["configs"].is_object())
        .map(|a| {
            let host = a["machine"].as_str().unwrap().to_owned();
            let c = &a["configs"];
            (
                host,
                c["start"].as_u64().unwrap(),
                c["end"].as_u64().unwrap(),
            )
        })
        .collect();
    ranges.sort_by_key(|r| r.1);
    let mut next = 0;
    for (_, start, end) in &ranges {
        assert_eq!(*start, next, "a gap or overlap in {ranges:?}");
        next = *end;
    }
    assert_eq!(
        next, 100,
        "the ranges do not cover every configuration: {ranges:?}"
    );
    ranges
}
