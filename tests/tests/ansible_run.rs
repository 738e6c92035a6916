//! `deploy/ansible/run.yml`, run for real against aliases of this machine
//! (`ansible_connection=local`) and one unreachable host: the plan's phases in order, hosts
//! side by side where the plan says `parallel`, each host's log and the summary, a failing
//! command that stops the next phase, resuming from the markers, `--check`, `--force`, and
//! re-planning without a lost host (`llmcap plan --exclude`).

use crate::ansible_run_tools::{
    commands, e0_ranges, events, hosts, log, plan, planned, run, span, started, step, summary,
    write_reports,
};
use crate::ansible_tools::transcript;
use crate::common::{llmcap, stderr};
use serde_json::{Value, json};
use std::path::Path;

/// The first run: laptop's e1_retrieval fails and `down` is unreachable.
fn first_run(dir: &Path, plan: &Value) {
    std::fs::write(dir.join("fail-laptop-e1_retrieval"), "").unwrap();
    let out = run(dir, &[]);
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{text}");
    let events = events(dir);
    let steps = summary(dir);

    // Phase 1 ends before phase 2 starts; phase 3 does not start after a failure in phase 2.
    let (_, pi_done) = span(&events, "pi", "prerequisites");
    let phase2_start = ["laptop", "workstation", "gpu2"]
        .iter()
        .map(|h| span(&events, h, "e0_optimization").0)
        .min()
        .unwrap();
    assert!(pi_done < phase2_start, "{events:#?}");
    assert!(
        !events.iter().any(|e| e.task.starts_with("e2_")),
        "phase 3 ran after a failure: {events:#?}"
    );
    // The E0 hosts ran side by side (`parallel: true`).
    let (a_start, a_end) = span(&events, "laptop", "e0_optimization");
    let (b_start, b_end) = span(&events, "workstation", "e0_optimization");
    assert!(
        a_start < b_end && b_start < a_end,
        "not in parallel: {events:#?}"
    );
    // The others went on: the workstation's e1_retrieval ran after laptop's e0 succeeded.
    span(&events, "workstation", "e1_retrieval");

    // One summary row per planned step, with host, task, start, end and exit code.
    assert_eq!(steps.len(), planned(plan).len(), "{steps:#?}");
    let pi = step(&steps, "pi", "prerequisites");
    assert_eq!((&pi["status"], &pi["exit_code"]), (&json!("ok"), &json!(0)));
    let (start, end) = (pi["start"].as_str().unwrap(), pi["end"].as_str().unwrap());
    assert!(start.ends_with('Z') && start <= end, "{pi}");
    let failed = step(&steps, "laptop", "e1_retrieval");
    assert_eq!(
        (&failed["status"], &failed["exit_code"]),
        (&json!("failed"), &json!(3))
    );
    assert_eq!(
        step(&steps, "down", "e0_optimization")["status"],
        "unreachable"
    );
    assert_eq!(
        step(&steps, "down", "e1_retrieval")["status"],
        "unreachable"
    );
    let blocked = step(&steps, "workstation", "e2_finetuning");
    assert_eq!(blocked["status"], "not run", "{blocked}");
    assert!(
        blocked["detail"].as_str().unwrap().contains("laptop"),
        "{blocked}"
    );

    // Each host's output and exit codes, on the controller.
    let pi_log = log(dir, 1, "pi");
    assert!(pi_log.contains("prerequisites output on pi") && pi_log.contains("exit code 0"));
    let laptop = log(dir, 2, "laptop");
    let range = e0_ranges(plan)
        .into_iter()
        .find(|r| r.0 == "laptop")
        .unwrap();
    assert!(
        laptop.contains(&format!("configs {}..{}", range.1, range.2)),
        "{laptop}"
    );
    assert!(
        laptop.contains("e1_retrieval failed on purpose"),
        "{laptop}"
    );
    assert!(laptop.contains("exit code 3"), "{laptop}");
    assert!(log(dir, 2, "down").contains("unreachable"));
    assert!(log(dir, 3, "workstation").contains("not run"));
    let verdict = text
        .lines()
        .find(|l| l.contains("steps did not succeed"))
        .unwrap_or_else(|| panic!("no final failure: {text}"));
    assert!(
        verdict.contains("laptop") && verdict.contains("down"),
        "{verdict}"
    );
}

/// `--check` after re-planning without `down`: what would run, with which command line; it
/// runs and writes nothing.
fn check_run(dir: &Path, plan: &Value) {
    let before = (
        events(dir),
        std::fs::read(dir.join("runs/summary.json")).unwrap(),
    );
    let out = run(dir, &["--check"]);
    let text = transcript(&out);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert_eq!(events(dir), before.0, "--check ran a command");
    assert_eq!(
        std::fs::read(dir.join("runs/summary.json")).unwrap(),
        before.1
    );
    let (_, start, end) = e0_ranges(plan)
        .into_iter()
        .find(|r| r.0 == "laptop")
        .unwrap();
    let line = text
        .lines()
        .find(|l| l.contains("laptop: phase 2 e0_optimization: would run: echo "))
        .unwrap_or_else(|| panic!("no command line for laptop: {text}"));
    assert!(line.contains(&format!("configs {start}..{end}")), "{line}");
    assert!(
        text.contains("pi: phase 1 prerequisites: done before"),
        "{text}"
    );
}

#[test]
fn run_playbook_runs_the_phases_in_order_resumes_and_replans_around_a_lost_host() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write_reports(dir);
    let plan1 = plan(dir, &[]);
    assert!(e0_ranges(&plan1).iter().any(|r| r.0 == "down"));
    commands(dir);
    hosts(dir);
    first_run(dir, &plan1);

    // Re-plan without the lost host: its share of E0 goes to the others.
    let plan2 = plan(dir, &["--exclude", "down"]);
    let ranges = e0_ranges(&plan2);
    assert!(ranges.iter().all(|r| r.0 != "down"), "{ranges:?}");
    std::fs::remove_file(dir.join("fail-laptop-e1_retrieval")).unwrap();
    check_run(dir, &plan2);

    // The run resumes: what succeeded with the same command line is skipped.
    let seen = events(dir).len();
    let out = run(dir, &[]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let events = events(dir);
    let now = started(&events[seen..]);
    for done in [
        "pi prerequisites",
        "pi data_generation",
        "workstation e1_retrieval",
    ] {
        assert!(!now.contains(&done.to_owned()), "{done} ran again: {now:?}");
    }
    for moved in [
        "laptop e0_optimization",
        "workstation e0_optimization",
        "laptop e1_retrieval",
    ] {
        assert!(
            now.contains(&moved.to_owned()),
            "{moved} did not run: {now:?}"
        );
    }
    let steps = summary(dir);
    assert_eq!(step(&steps, "pi", "prerequisites")["status"], "done before");
    assert!(
        steps
            .iter()
            .all(|s| s["status"] == "ok" || s["status"] == "done before")
    );
    // The E2 machine fine-tunes alone (`parallel: false`), then the evaluation runs.
    let (_, tuned) = span(&events, "workstation", "e2_finetuning");
    let (evaluated, _) = span(&events, "gpu2", "e2_evaluation");
    assert!(tuned < evaluated, "{events:#?}");

    // -e llmcap_force=true runs every step again.
    let seen = events.len();
    let out = run(dir, &["-e", "llmcap_force=true"]);
    assert_eq!(out.status.code(), Some(0), "{}", transcript(&out));
    let mut now = started(&self::events(dir)[seen..]);
    now.sort();
    let mut all: Vec<String> = planned(&plan2)
        .into_iter()
        .map(|(_, host, task)| format!("{host} {task}"))
        .collect();
    all.sort();
    assert_eq!(now, all);
}

#[test]
fn continue_on_failure_runs_the_next_phase_and_still_fails() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write_reports(dir);
    plan(dir, &["--exclude", "down,pi"]);
    commands(dir);
    hosts(dir);
    std::fs::write(dir.join("fail-laptop-e0_optimization"), "").unwrap();
    let out = run(dir, &["-e", "llmcap_continue_on_failure=true"]);
    assert_eq!(out.status.code(), Some(2), "{}", transcript(&out));
    let now = started(&events(dir));
    // The laptop goes on past its own failure, and phase 3 starts.
    for ran in [
        "laptop e1_retrieval",
        "workstation e2_finetuning",
        "gpu2 e2_evaluation",
    ] {
        assert!(now.contains(&ran.to_owned()), "{ran} did not run: {now:?}");
    }
    let steps = summary(dir);
    assert_eq!(step(&steps, "laptop", "e0_optimization")["exit_code"], 3);
    assert_eq!(step(&steps, "workstation", "e2_finetuning")["status"], "ok");
}

#[test]
fn run_playbook_stops_before_running_anything_on_a_bad_setup() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let dir = dir.path();
    write_reports(dir);
    plan(dir, &[]);
    hosts(dir);
    // A task without a command, and a misspelt one.
    let mut text: Value =
        serde_json::from_str(&std::fs::read_to_string(commands(dir)).unwrap()).unwrap();
    let commands = text["all"]["vars"]["llmcap_commands"]
        .as_object_mut()
        .unwrap();
    let e2 = commands.remove("e2_finetuning").unwrap();
    commands.insert("e2_fine_tuning".to_owned(), e2);
    std::fs::write(dir.join("llmcap_commands.yml"), text.to_string()).unwrap();
    let out = run(dir, &[]);
    let log = transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(
        log.contains("llmcap_commands has no command for e2_finetuning (planned on workstation)"),
        "{log}"
    );
    assert!(
        log.contains("names no task of the plan: e2_fine_tuning"),
        "{log}"
    );
    assert!(events(dir).is_empty(), "a command ran");

    // A plan from other reports than the inventory's.
    std::fs::remove_file(dir.join("reports/capability_report_gpu2.json")).unwrap();
    let other = llmcap(&[
        "plan",
        dir.join("reports").to_str().unwrap(),
        "--output",
        dir.join("distributed_plan.json").to_str().unwrap(),
    ]);
    assert_eq!(other.status.code(), Some(0), "{}", stderr(&other));
    let out = run(dir, &[]);
    let log = transcript(&out);
    assert_eq!(out.status.code(), Some(2), "{log}");
    assert!(log.contains("disagree"), "{log}");
    assert!(events(dir).is_empty(), "a command ran");
}
