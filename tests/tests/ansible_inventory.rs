//! `llmcap plan --export ansible`, read by Ansible itself: `ansible-inventory --list` parses
//! the file, and its groups and host variables are the plan's, computed here from
//! `distributed_plan.json` independently of the exporter.

use crate::ansible_tools::{ansible, transcript};
use crate::common::{llmcap, stderr};
use crate::plan_fleet::{files, raspberry_pi, spec};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::path::Path;

/// A Pi, a laptop, a GPU workstation, a machine that can run nothing, and one named like a
/// group of the inventory.
fn write_fleet(dir: &Path) {
    let fleet = [
        raspberry_pi("pi"),
        spec("laptop", 7.0),
        spec("workstation", 20.0).gpu(24_576),
        spec("tiny", 1.0),
        spec("e2", 9.0),
    ];
    for (name, text) in files(&fleet) {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

/// `ansible-inventory -i FILE --list` as JSON, with what it printed on stderr.
fn ansible_list(dir: &Path, inventory: &Path) -> (Value, String) {
    let output = ansible("ansible-inventory", dir)
        .arg("-i")
        .arg(inventory)
        .arg("--list")
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", transcript(&output));
    let list = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", transcript(&output)));
    (list, String::from_utf8_lossy(&output.stderr).into_owned())
}

/// Group name → sorted members, from the plan (report host names).
fn expected_groups(plan: &Value) -> BTreeMap<&'static str, Vec<String>> {
    let names = |list: &Value, key: &str, keep: &dyn Fn(&Value) -> bool| -> Vec<String> {
        let mut v: Vec<String> = list
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| keep(e))
            .map(|e| e[key].as_str().unwrap().to_owned())
            .collect();
        v.sort();
        v.dedup();
        v
    };
    let all = |_: &Value| true;
    let fine_tunes = |e: &Value| e["experiment"] == "e2_full" || e["experiment"] == "e2_quantized";
    BTreeMap::from([
        ("tier1", names(&plan["tiers"]["tier1"], "hostname", &all)),
        ("tier2", names(&plan["tiers"]["tier2"], "hostname", &all)),
        ("tier3", names(&plan["tiers"]["tier3"], "hostname", &all)),
        ("phase1", names(&plan["phase1"], "machine", &all)),
        ("phase2", names(&plan["phase2"], "machine", &all)),
        ("phase3", names(&plan["phase3"], "machine", &all)),
        ("e2", names(&plan["phase3"], "machine", &fine_tunes)),
        (
            "llmcap_excluded",
            names(&plan["excluded"], "hostname", &all),
        ),
        ("llmcap", names(&plan["machines"], "hostname", &all)),
    ])
}

/// The host variables the plan implies for `host`.
fn expected_vars(plan: &Value, host: &str) -> Value {
    let machine = plan["machines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["hostname"] == host)
        .unwrap();
    let assignments: Vec<&Value> = ["phase1", "phase2", "phase3"]
        .iter()
        .flat_map(|p| plan[*p].as_array().unwrap())
        .filter(|a| a["machine"] == host)
        .collect();
    let embeds =
        |a: &&&Value| a["experiment"] == "prerequisites" || a["experiment"] == "data_generation";
    let mut experiments: Vec<&Value> = Vec::new();
    for a in &assignments {
        if !experiments.contains(&&a["experiment"]) {
            experiments.push(&a["experiment"]);
        }
    }
    let mut tasks: Vec<&Value> = Vec::new();
    for task in assignments
        .iter()
        .flat_map(|a| a["tasks"].as_array().unwrap())
    {
        if !tasks.contains(&task) {
            tasks.push(task);
        }
    }
    let first = assignments.first();
    let e0 = assignments
        .iter()
        .find(|a| a.get("share_percent").is_some());
    let excluded = plan["excluded"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["hostname"] == host);
    json!({
        "llmcap_hostname": host,
        "llmcap_report_file": machine["file"],
        "llmcap_tier": machine["tier"],
        "llmcap_experiments": experiments,
        "llmcap_tasks": tasks,
        "llmcap_model": assignments.iter().find(|a| !embeds(a)).map_or(Value::Null, |a| a["model"].clone()),
        "llmcap_embedding_model": assignments.iter().find(embeds).map_or(Value::Null, |a| a["model"].clone()),
        "llmcap_batch_size": first.map_or(Value::Null, |a| a["batch_size"].clone()),
        "llmcap_gradient_accumulation_steps": first.map_or(Value::Null, |a| a["gradient_accumulation_steps"].clone()),
        "llmcap_e0_share_percent": e0.map_or(Value::Null, |a| a["share_percent"].clone()),
        "llmcap_e0_configs_start": e0.map_or(Value::Null, |a| a["configs"]["start"].clone()),
        "llmcap_e0_configs_end": e0.map_or(Value::Null, |a| a["configs"]["end"].clone()),
        "llmcap_excluded_reason": excluded.map_or(Value::Null, |e| e["reason"].clone()),
        "llmcap_inventory_format": 1,
        "llmcap_strategy": plan["strategy"],
        "llmcap_e0_configs": plan["options"]["e0_configs"],
        "llmcap_renamed": {"e2_host": "e2"},
    })
}

#[test]
fn ansible_reads_the_export_and_it_matches_the_plan() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let reports = dir.path().join("reports");
    std::fs::create_dir(&reports).unwrap();
    write_fleet(&reports);
    let plan_file = dir.path().join("distributed_plan.json");
    let inventory = dir.path().join("llmcap_inventory.yml");
    let output = llmcap(&[
        "plan",
        reports.to_str().unwrap(),
        "--e0-configs",
        "1000",
        "--export",
        "ansible",
        "--output",
        plan_file.to_str().unwrap(),
        "--export-output",
        inventory.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("warning: host \"e2\" is \"e2_host\" in the inventory"),
        "the rename is reported: {}",
        stderr(&output)
    );
    let plan: Value = serde_json::from_str(&std::fs::read_to_string(&plan_file).unwrap()).unwrap();
    assert!(plan["excluded"].as_array().is_some_and(|e| !e.is_empty()));
    assert!(
        plan["phase2"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a.get("configs").is_some())
    );

    let (list, warnings) = ansible_list(dir.path(), &inventory);
    assert!(
        !warnings.contains("WARNING"),
        "no host may clash with a group: {warnings}"
    );
    let inventory_name = |host: &str| {
        if host == "e2" {
            "e2_host".to_owned()
        } else {
            host.to_owned()
        }
    };
    let listed_children = list["all"]["children"].as_array().unwrap();
    for (group, hosts) in expected_groups(&plan) {
        assert!(
            listed_children.contains(&json!(group)),
            "{group} is defined"
        );
        let mut got: Vec<String> = list[group]["hosts"]
            .as_array()
            .map(|h| h.iter().map(|v| v.as_str().unwrap().to_owned()).collect())
            .unwrap_or_default();
        got.sort();
        let mut want: Vec<String> = hosts.iter().map(|h| inventory_name(h)).collect();
        want.sort();
        assert_eq!(got, want, "members of {group}");
    }
    let hostvars = &list["_meta"]["hostvars"];
    for machine in plan["machines"].as_array().unwrap() {
        let host = machine["hostname"].as_str().unwrap();
        let got = &hostvars[inventory_name(host)];
        let mut want = expected_vars(&plan, host);
        if host == "e2" {
            want["ansible_host"] = json!("e2");
        }
        let got_keys: Vec<&String> = got.as_object().unwrap().keys().collect();
        let want_keys: Vec<&String> = want.as_object().unwrap().keys().collect::<Vec<_>>();
        for key in &want_keys {
            assert_eq!(got[key.as_str()], want[key.as_str()], "{host}: {key}");
        }
        for key in got_keys.iter().filter(|k| k.starts_with("llmcap_")) {
            assert!(want_keys.contains(key), "{host}: unexpected {key}");
        }
    }
    // Sanity of the fleet itself, so that the comparison above covers every kind of host.
    assert_eq!(hostvars["pi"]["llmcap_model"], Value::Null);
    assert!(
        hostvars["workstation"]["llmcap_model"]
            .as_str()
            .is_some_and(|m| m.starts_with("phi3:"))
    );
    assert!(hostvars["tiny"]["llmcap_excluded_reason"].is_string());
}

#[test]
fn the_export_of_the_seed_strategy_is_read_too() {
    if !crate::ansible_tools::enabled() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    write_fleet(dir.path());
    let inventory = dir.path().join("inventory-seed.yml");
    let output = llmcap(&[
        "plan",
        dir.path().to_str().unwrap(),
        "--strategy",
        "seed",
        "--export",
        "ansible",
        "--output",
        dir.path().join("plan.out").to_str().unwrap(),
        "--export-output",
        inventory.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let (list, _) = ansible_list(dir.path(), &inventory);
    assert_eq!(list["e2"]["hosts"], json!(["workstation"]));
    assert_eq!(
        list["_meta"]["hostvars"]["workstation"]["llmcap_strategy"],
        json!("seed")
    );
}

#[test]
fn export_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    write_fleet(dir.path());
    let bad_format = llmcap(&["plan", dir.path().to_str().unwrap(), "--export", "chef"]);
    assert_eq!(bad_format.status.code(), Some(2));
    assert!(
        stderr(&bad_format).contains("unknown export format \"chef\""),
        "{}",
        stderr(&bad_format)
    );
    let unwritable = dir.path().join("no-such-folder/inventory.yml");
    let output = llmcap(&[
        "plan",
        dir.path().to_str().unwrap(),
        "--output",
        dir.path().join("plan.out").to_str().unwrap(),
        "--export",
        "ansible",
        "--export-output",
        unwritable.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("no-such-folder"),
        "{}",
        stderr(&output)
    );
    let orphan = llmcap(&[
        "plan",
        dir.path().to_str().unwrap(),
        "--export-output",
        "x.yml",
    ]);
    assert_eq!(
        orphan.status.code(),
        Some(2),
        "--export-output needs --export"
    );
}
