use super::*;
use crate::plan::{EMBEDDING_MODEL, PlanOptions, ReportFile, plan_files};
use serde_json::{Value, json};

/// A report whose verdict follows the guide's rules for `ram` GB available and 100 GB free.
fn report(host: &str, ram: f64, gflops: f64) -> String {
    let verdict = [
        ram >= 3.0,
        ram >= 5.0,
        ram >= 12.0,
        (6.0..12.0).contains(&ram),
    ];
    json!({
        "schema_version": 1,
        "timestamp": "2026-11-27 10:00:00",
        "hostname": host,
        "system": {"cpu_count": 4, "ram_gb": ram + 1.0, "ram_available_gb": ram,
                   "disk_free_gb": 100.0},
        "benchmark": {"matrix_mult_time": 5.0, "gflops": gflops},
        "capabilities": {"prerequisites": verdict[0], "e0_e1": verdict[1],
                         "e2_full": verdict[2], "e2_quantized": verdict[3]},
    })
    .to_string()
}

fn plan_of(reports: &[(&str, f64, f64)], options: &PlanOptions) -> Plan {
    let texts: Vec<(String, String)> = reports
        .iter()
        .map(|(h, ram, g)| (format!("capability_report_{h}.json"), report(h, *ram, *g)))
        .collect();
    let files: Vec<ReportFile<'_>> = texts
        .iter()
        .map(|(n, t)| ReportFile::new(n, t.as_bytes()))
        .collect();
    plan_files(&files, options)
}

/// A Pi (tier 1), two laptops (tier 2, E2 quantized), a workstation (tier 3), a machine that
/// can run nothing.
const FLEET: [(&str, f64, f64); 5] = [
    ("pi", 3.5, 2.0),
    ("laptop-a", 7.0, 30.0),
    ("laptop-b", 8.0, 10.0),
    ("workstation", 20.0, 60.0),
    ("tiny", 1.0, 1.0),
];

fn with_configs(n: u32) -> PlanOptions {
    PlanOptions {
        e0_configs: Some(n),
        ..PlanOptions::default()
    }
}

fn host<'a>(inventory: &'a Inventory, name: &str) -> &'a HostVars {
    &inventory
        .hosts
        .iter()
        .find(|h| h.name == name)
        .unwrap_or_else(|| panic!("no host {name}"))
        .vars
}

fn group<'a>(inventory: &'a Inventory, name: &str) -> &'a [String] {
    &inventory
        .groups
        .iter()
        .find(|g| g.name == name)
        .unwrap_or_else(|| panic!("no group {name}"))
        .hosts
}

#[test]
fn groups_follow_the_plan() {
    let plan = plan_of(&FLEET, &with_configs(1000));
    let inventory = ansible_inventory(&plan);
    let names: Vec<&str> = inventory.hosts.iter().map(|h| h.name.as_str()).collect();
    assert_eq!(
        names,
        ["laptop-a", "laptop-b", "pi", "tiny", "workstation"],
        "the plan's order: files sorted by name"
    );
    assert_eq!(group(&inventory, "tier1"), ["pi"]);
    assert_eq!(group(&inventory, "tier2"), ["laptop-a", "laptop-b"]);
    assert_eq!(group(&inventory, "tier3"), ["workstation"]);
    assert_eq!(group(&inventory, "phase1"), ["pi"]);
    assert_eq!(
        group(&inventory, "phase2"),
        ["laptop-a", "laptop-b", "workstation", "pi"]
    );
    assert_eq!(
        group(&inventory, "phase3"),
        ["workstation", "laptop-a", "laptop-b"]
    );
    assert_eq!(group(&inventory, "e2"), ["workstation"]);
    assert_eq!(group(&inventory, "llmcap_excluded"), ["tiny"]);
    let order: Vec<&str> = inventory.groups.iter().map(|g| g.name).collect();
    let table: Vec<&str> = GROUPS.iter().map(|g| g.name).collect();
    assert_eq!(order, table);
}

#[test]
fn host_variables_carry_model_settings_and_e0_range() {
    let plan = plan_of(&FLEET, &with_configs(1000));
    let inventory = ansible_inventory(&plan);

    let pi = host(&inventory, "pi");
    assert_eq!(pi.llmcap_tier, Some(1));
    assert_eq!(pi.llmcap_experiments, ["prerequisites", "data_generation"]);
    assert_eq!(pi.llmcap_model, None, "embeddings only: nothing to pull");
    assert_eq!(pi.llmcap_embedding_model.as_deref(), Some(EMBEDDING_MODEL));
    assert_eq!(pi.llmcap_e0_share_percent, None);

    let ws = host(&inventory, "workstation");
    let ws_plan = plan
        .phase3
        .iter()
        .find(|a| a.machine == "workstation")
        .unwrap();
    assert_eq!(ws.llmcap_experiments, ["e0_e1_subset", "e2_full"]);
    assert_eq!(ws.llmcap_model.as_deref(), ws_plan.model.as_deref());
    assert!(
        ws.llmcap_model
            .as_deref()
            .is_some_and(|m| m.starts_with("phi3:"))
    );
    assert_eq!(ws.llmcap_embedding_model, None);
    assert_eq!(ws.llmcap_batch_size, Some(ws_plan.batch_size));
    assert_eq!(
        ws.llmcap_gradient_accumulation_steps,
        Some(ws_plan.gradient_accumulation_steps)
    );

    // The E0 ranges are the plan's and cover 0..1000 once.
    let mut covered = 0;
    for a in plan.phase2.iter().filter(|a| a.share_percent.is_some()) {
        let vars = host(&inventory, &a.machine);
        assert_eq!(vars.llmcap_e0_share_percent, a.share_percent);
        let range = a.configs.unwrap();
        assert_eq!(vars.llmcap_e0_configs_start, Some(range.start));
        assert_eq!(vars.llmcap_e0_configs_end, Some(range.end));
        assert_eq!(range.start, covered);
        covered = range.end;
    }
    assert_eq!(covered, 1000);

    let tiny = host(&inventory, "tiny");
    assert_eq!(tiny.llmcap_tier, None);
    assert!(tiny.llmcap_experiments.is_empty());
    assert_eq!(tiny.llmcap_model, None);
    assert_eq!(tiny.llmcap_batch_size, None);
    assert_eq!(
        tiny.llmcap_excluded_reason.as_deref(),
        plan.excluded.first().map(|e| e.reason.as_str())
    );
    assert!(inventory.renamed.is_empty());
    assert!(
        inventory
            .hosts
            .iter()
            .all(|h| h.vars.ansible_host.is_none())
    );
}

#[test]
fn group_names_are_renamed_and_members_follow() {
    let plan = plan_of(
        &[("e2", 20.0, 50.0), ("all", 3.5, 1.0)],
        &PlanOptions::default(),
    );
    let inventory = ansible_inventory(&plan);
    assert_eq!(group(&inventory, "e2"), ["e2_host"]);
    assert_eq!(group(&inventory, "tier1"), ["all_host"]);
    let e2 = host(&inventory, "e2_host");
    assert_eq!(e2.ansible_host.as_deref(), Some("e2"));
    assert_eq!(e2.llmcap_hostname, "e2");
    let text = inventory_json(&inventory);
    let value: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        value["all"]["children"]["llmcap"]["vars"]["llmcap_renamed"],
        json!({"all_host": "all", "e2_host": "e2"})
    );
    let notes = crate::export::export(&plan, crate::export::Format::Ansible).notes;
    assert_eq!(notes.len(), 2);
    assert!(
        notes[1].starts_with("host \"e2\" is \"e2_host\""),
        "{notes:?}"
    );
}

#[test]
fn the_text_has_ansibles_layout_and_every_group() {
    let plan = plan_of(&[("pi", 3.5, 2.0)], &PlanOptions::default());
    let value: Value = serde_json::from_str(&inventory_json(&ansible_inventory(&plan))).unwrap();
    let children = value["all"]["children"].as_object().unwrap();
    let keys: Vec<&str> = children.keys().map(String::as_str).collect();
    let mut expected = vec![PLANNED_GROUP];
    expected.extend(GROUPS.iter().map(|g| g.name));
    let mut sorted = expected.clone();
    sorted.sort_unstable();
    assert_eq!(keys, sorted, "every group, even empty ones");
    assert_eq!(children["tier2"], json!({"hosts": {}}));
    assert_eq!(children["tier1"], json!({"hosts": {"pi": {}}}));
    let vars = &children["llmcap"]["vars"];
    assert_eq!(vars["llmcap_inventory_format"], json!(INVENTORY_FORMAT));
    assert_eq!(vars["llmcap_strategy"], json!("balanced"));
    assert_eq!(vars["llmcap_e0_configs"], Value::Null);
    let pi = &children["llmcap"]["hosts"]["pi"];
    assert_eq!(pi["llmcap_model"], Value::Null, "present, null");
    assert!(pi.get("ansible_host").is_none(), "only on renamed hosts");
    assert_eq!(pi["llmcap_report_file"], json!("capability_report_pi.json"));
}

#[test]
fn the_text_is_in_a_fixed_order_whatever_the_input_order() {
    let plan = plan_of(&FLEET, &with_configs(77));
    let mut reversed = FLEET;
    reversed.reverse();
    let again = plan_of(&reversed, &with_configs(77));
    let text = inventory_json(&ansible_inventory(&plan));
    assert_eq!(text, inventory_json(&ansible_inventory(&again)));
    assert!(text.ends_with("}\n"));
    let llmcap = text.find("\"llmcap\"").unwrap();
    let tier1 = text.find("\"tier1\"").unwrap();
    let excluded = text.find("\"llmcap_excluded\"").unwrap();
    assert!(llmcap < tier1 && tier1 < excluded, "written in table order");
}

#[test]
fn seed_strategy_e2_machine_is_its_own_group() {
    let options = PlanOptions {
        strategy: Strategy::Seed,
        ..PlanOptions::default()
    };
    let plan = plan_of(&FLEET, &options);
    let inventory = ansible_inventory(&plan);
    assert_eq!(group(&inventory, "e2"), ["workstation"]);
    assert_eq!(inventory.strategy, Strategy::Seed);
    let ws = host(&inventory, "workstation");
    assert_eq!(ws.llmcap_experiments, ["e2_full"]);
}

#[test]
fn a_hand_built_plan_never_loses_a_host() {
    let mut plan = plan_of(&[("pi", 3.5, 2.0)], &PlanOptions::default());
    let mut stray = plan.phase1[0].clone();
    stray.machine = "not in machines".to_owned();
    plan.phase1.push(stray);
    let inventory = ansible_inventory(&plan);
    assert_eq!(group(&inventory, "phase1"), ["pi", "not_in_machines"]);
    assert_eq!(
        host(&inventory, "not_in_machines").llmcap_experiments,
        ["prerequisites"]
    );
}

#[test]
fn an_empty_plan_is_an_inventory_with_empty_groups() {
    let plan = plan_of(&[], &PlanOptions::default());
    let inventory = ansible_inventory(&plan);
    assert!(inventory.hosts.is_empty());
    assert!(inventory.groups.iter().all(|g| g.hosts.is_empty()));
    let value: Value = serde_json::from_str(&inventory_json(&inventory)).unwrap();
    assert_eq!(value["all"]["children"]["llmcap"]["hosts"], json!({}));
}

#[test]
fn group_table_invariants() {
    let mut names: Vec<&str> = GROUPS.iter().map(|g| g.name).collect();
    names.push(PLANNED_GROUP);
    for name in &names {
        let mut chars = name.chars();
        assert!(
            chars.next().is_some_and(|c| c.is_ascii_lowercase())
                && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
            "{name}: Ansible wants group names that are Python identifiers"
        );
        assert!(is_group_name(name) && !is_safe_name(name), "{name}");
        assert!(!ANSIBLE_GROUPS.contains(name), "{name}");
    }
    let mut unique = names.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(unique.len(), names.len());
    assert!(GROUPS.iter().all(|g| !g.doc.is_empty()));
}
