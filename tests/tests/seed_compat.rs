//! Compatibility with the guide's own scripts: the same verdict as its `determine_capability`
//! on the same facts, and its `distribute_workload.py` running unchanged on llmcap's reports.

use crate::common::{fixture, quick_probe, repo};
use crate::gate;
use llmcap_core::classify::classify;
use llmcap_core::report::{GpuType, parse_report};
use serde_json::{Value, json};
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs the guide's determine_capability on each case with `python`.
fn guide_verdicts(mut python: Command, cases: &[Value]) -> Vec<Value> {
    let mut child = python
        .arg(repo().join("tests/support/seed_verdict.py"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("python3 is needed to run the guide's script");
    let mut input = String::new();
    for case in cases {
        input.push_str(&case.to_string());
        input.push('\n');
    }
    // Feed standard input from a thread: the script answers line by line, and its output
    // would fill the pipe while this thread is still writing.
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let output = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    assert!(output.status.success());
    String::from_utf8(output.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn llmcap_verdict(ram: f64, disk: f64, time: f64, gpu_type: Option<&str>) -> Value {
    let base = std::fs::read(fixture("seed-reports/epyc-2core.json")).unwrap();
    let mut machine = parse_report("epyc.json", &base).unwrap().machine;
    machine.system.ram_available_gb = ram;
    machine.system.ram_gb = ram.max(1.0);
    machine.system.disk_free_gb = disk;
    machine.benchmark.matrix_mult_time = Some(time);
    machine.system.gpu_type = gpu_type.map(GpuType::from_wire);
    let c = classify(&machine).capabilities;
    let mut value = json!({
        "prerequisites": c.prerequisites,
        "e0_e1": c.e0_e1,
        "e2_full": c.e2_full,
        "e2_quantized": c.e2_quantized,
        "model_recommendations": c.model_recommendations,
    });
    if let Some(notes) = c.notes {
        value["notes"] = json!(notes);
    }
    value
}

#[test]
fn verdict_equals_the_guides_script_on_boundaries_and_a_grid() {
    let Some(python) = gate::python() else { return };
    let rams = [
        0.0, 2.99, 3.0, 3.01, 4.99, 5.0, 5.01, 5.99, 6.0, 6.01, 11.99, 12.0, 12.01, 125.37,
    ];
    let disks = [0.0, 4.99, 5.0, 9.99, 10.0, 10.01, 14.99, 15.0, 15.01, 70.82];
    let times = [0.5, 9.99, 10.0, 10.01, 14.77];
    let gpus = [None, Some("nvidia"), Some("apple_silicon"), Some("amd")];
    let mut cases = Vec::new();
    let mut ours = Vec::new();
    for ram in rams {
        for disk in disks {
            for time in times {
                for gpu in gpus {
                    let mut info = json!({"ram_available_gb": ram, "disk_free_gb": disk});
                    if let Some(gpu) = gpu {
                        info["gpu_type"] = json!(gpu);
                    }
                    cases.push(json!({"info": info, "benchmark": {"matrix_mult_time": time}}));
                    ours.push(llmcap_verdict(ram, disk, time, gpu));
                }
            }
        }
    }
    let theirs = guide_verdicts(python, &cases);
    assert_eq!(theirs.len(), cases.len());
    for ((case, guide), llmcap) in cases.iter().zip(&theirs).zip(&ours) {
        assert_eq!(llmcap, guide, "{case}");
    }
}

#[test]
fn this_machines_probe_is_classified_as_the_guide_classifies_its_facts() {
    let Some(python) = gate::python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let report: Value = serde_json::from_str(&quick_probe(dir.path(), "this-machine")).unwrap();
    let case = json!({"info": report["system"], "benchmark": report["benchmark"]});
    let guide = &guide_verdicts(python, &[case])[0];
    for key in [
        "prerequisites",
        "e0_e1",
        "e2_full",
        "e2_quantized",
        "model_recommendations",
        "notes",
    ] {
        assert_eq!(report["capabilities"].get(key), guide.get(key), "{key}");
    }
}

#[test]
fn guides_distribute_workload_runs_on_llmcap_reports() {
    let Some(mut python) = gate::python() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    for host in ["alpha", "beta", "gamma"] {
        quick_probe(dir.path(), host);
    }
    // A report of the guide's own script beside them.
    std::fs::copy(
        fixture("seed-reports/h200-16core-offline.json"),
        dir.path().join("capability_report_vm.json"),
    )
    .unwrap();
    let output = python
        .arg(fixture("seed/distribute_workload.py"))
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let plan: Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("distributed_plan.json")).unwrap())
            .unwrap();
    let machines: Vec<&str> = ["phase1", "phase2", "phase3"]
        .iter()
        .flat_map(|phase| plan[phase].as_array().unwrap())
        .filter_map(|entry| entry["machine"].as_str())
        .collect();
    let mut e2_full_hosts = Vec::new();
    for host in ["alpha", "beta", "gamma", "vm"] {
        let path = dir.path().join(format!("capability_report_{host}.json"));
        let c = parse_report(host, &std::fs::read(path).unwrap())
            .unwrap()
            .capabilities;
        if c.e2_full {
            e2_full_hosts.push(host);
        } else if c.prerequisites {
            // Tier 1 and tier 2 machines all appear in the guide's plan.
            assert!(machines.contains(&host), "{host} missing from {plan}");
        }
    }
    // The guide puts exactly one tier-3 machine in phase 3.
    let phase3 = plan["phase3"].as_array().unwrap();
    assert_eq!(phase3.len(), 1, "{plan}");
    assert!(
        e2_full_hosts.contains(&phase3[0]["machine"].as_str().unwrap()),
        "{plan}"
    );
}
