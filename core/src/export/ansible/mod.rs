//! The plan as an Ansible inventory: a group per tier and per phase, the E2 machine in its
//! own group, and each machine's model and settings as `llmcap_*` host variables.
//!
//! [`ansible_inventory`] builds the [`Inventory`]; [`inventory_json`] writes it. The text is
//! JSON, which is YAML: Ansible's `yaml` inventory plugin reads it from a `.yml` (or `.json`)
//! file, parsing it with Python's `json` module. JSON rather than block YAML because the core
//! already writes JSON deterministically, no YAML emitter is needed in the page's wasm, and
//! JSON has none of YAML's implicit typing (`no`, `1e3`, `0x1f` stay strings).
//!
//! # Use with your own inventory
//!
//! The export has no connection settings: give Ansible your inventory and the export
//! together, `ansible-playbook -i hosts.yml -i llmcap_inventory.yml ...`, and Ansible merges
//! the hosts by name. `deploy/ansible/probe.yml` runs `llmcap probe --hostname
//! {{ inventory_hostname }}`, so each report is named after its inventory alias and the export
//! maps back one to one. A host name that is not a safe inventory name
//! ([`is_safe_name`]: a group name such as `e2` or `all`, or characters that host patterns
//! give a meaning) gets a safe name ([`Renamed`]), `ansible_host` set to its report's host
//! name, and a line in `llmcap_renamed` and on standard error.
//!
//! # Groups
//!
//! Every group below is always present, empty or not, so playbooks can use `groups['e2']`
//! without a default:
//!
//! | group | hosts |
//! |---|---|
//! | `llmcap` | every planned machine, excluded ones too; carries the host variables and the group variables below |
//! | `tier1`, `tier2`, `tier3` | the guide's tiers ([`Plan::tiers`]) |
//! | `phase1`, `phase2`, `phase3` | machines with an assignment in that phase |
//! | `e2` | the machine that fine-tunes (`e2_full` or `e2_quantized` in phase 3) |
//! | `llmcap_excluded` | machines that can run nothing ([`Plan::excluded`]) |
//!
//! Group variables of `llmcap`: `llmcap_inventory_format` ([`INVENTORY_FORMAT`]),
//! `llmcap_strategy`, `llmcap_e0_configs` (the total, or `null`) and `llmcap_renamed`
//! (inventory name → report host name).
//!
//! # Host variables
//!
//! Every host has every variable ([`HostVars`]); `null` where it does not apply:
//!
//! | variable | value |
//! |---|---|
//! | `llmcap_hostname` | the report's host name |
//! | `llmcap_report_file` | the report's file |
//! | `llmcap_tier` | 1, 2, 3, or `null` when excluded |
//! | `llmcap_experiments` | its experiments, by phase: `prerequisites`, `data_generation`, `e0_e1_subset`, `e2_full`, `e2_quantized`, `e2_evaluation` |
//! | `llmcap_tasks` | the research tasks these cover |
//! | `llmcap_model` | the Ollama tag to pull (`phi3:3.8b-mini-4k-instruct-q4_0`...), `null` when it runs only the embedding model or no Phi-3 level fits |
//! | `llmcap_embedding_model` | the embedding model, when it runs the prerequisites or data generation |
//! | `llmcap_batch_size`, `llmcap_gradient_accumulation_steps` | its training settings |
//! | `llmcap_e0_share_percent` | its share of the E0 configurations (phase 2, `balanced`) |
//! | `llmcap_e0_configs_start`, `llmcap_e0_configs_end` | its half-open range of E0 configuration indices (with `--e0-configs`) |
//! | `llmcap_excluded_reason` | why it gets no work |
//! | `ansible_host` | only on renamed hosts: the report's host name |
//!
//! # Example
//!
//! What `llmcap plan --e0-configs 1000 --export ansible` writes for a Pi (3.5 GB available)
//! and a workstation (20 GB); the workstation's `null` variables are cut:
//!
//! ```json
//! {
//!   "all": {
//!     "children": {
//!       "llmcap": {
//!         "vars": {"llmcap_inventory_format": 1, "llmcap_strategy": "balanced",
//!                  "llmcap_e0_configs": 1000, "llmcap_renamed": {}},
//!         "hosts": {
//!           "pi": {"llmcap_hostname": "pi", "llmcap_report_file": "capability_report_pi.json",
//!                  "llmcap_tier": 1, "llmcap_experiments": ["prerequisites", "data_generation"],
//!                  "llmcap_tasks": ["prerequisites", "data_generation"], "llmcap_model": null,
//!                  "llmcap_embedding_model": "sentence-transformers/all-MiniLM-L6-v2",
//!                  "llmcap_batch_size": 1, "llmcap_gradient_accumulation_steps": 16,
//!                  "llmcap_e0_share_percent": null, "llmcap_e0_configs_start": null,
//!                  "llmcap_e0_configs_end": null, "llmcap_excluded_reason": null},
//!           "workstation": {"llmcap_hostname": "workstation", "llmcap_tier": 3,
//!                  "llmcap_experiments": ["e0_e1_subset", "e2_full"],
//!                  "llmcap_model": "phi3:3.8b-mini-4k-instruct-fp16",
//!                  "llmcap_batch_size": 4, "llmcap_gradient_accumulation_steps": 4,
//!                  "llmcap_e0_share_percent": 100, "llmcap_e0_configs_start": 0,
//!                  "llmcap_e0_configs_end": 1000, ...}
//!         }
//!       },
//!       "tier1": {"hosts": {"pi": {}}},
//!       "tier2": {"hosts": {}},
//!       "tier3": {"hosts": {"workstation": {}}},
//!       "phase1": {"hosts": {"pi": {}}},
//!       "phase2": {"hosts": {"workstation": {}, "pi": {}}},
//!       "phase3": {"hosts": {"workstation": {}}},
//!       "e2": {"hosts": {"workstation": {}}},
//!       "llmcap_excluded": {"hosts": {}}
//!     }
//!   }
//! }
//! ```

mod names;
mod wire;

pub use names::{ANSIBLE_GROUPS, RenameReason, Renamed, is_group_name, is_safe_name};
pub use wire::inventory_json;

use crate::plan::{Experiment, Plan, Strategy};
use serde::Serialize;
use std::collections::HashMap;

/// The version of the inventory's layout, in `llmcap_inventory_format`; raised when a group
/// or variable changes meaning or is removed.
pub const INVENTORY_FORMAT: u32 = 1;

/// The group of every planned machine, which carries the host variables.
pub const PLANNED_GROUP: &str = "llmcap";

/// A group of the inventory and the machines it holds.
#[derive(Debug, Clone, Copy)]
pub struct GroupRule {
    /// Its name: a valid Python identifier, as Ansible wants.
    pub name: &'static str,
    /// Who is in it.
    pub doc: &'static str,
    /// The report host names of its members, in plan order (may repeat).
    pub members: fn(&Plan) -> Vec<&str>,
}

/// The groups besides [`PLANNED_GROUP`], in the order they are written.
pub const GROUPS: &[GroupRule] = &[
    GroupRule {
        name: "tier1",
        doc: "the guide's tier 1: prerequisites and data generation",
        members: |p| p.tiers.tier1.iter().map(|e| e.hostname.as_str()).collect(),
    },
    GroupRule {
        name: "tier2",
        doc: "the guide's tier 2: E0 and E1",
        members: |p| p.tiers.tier2.iter().map(|e| e.hostname.as_str()).collect(),
    },
    GroupRule {
        name: "tier3",
        doc: "the guide's tier 3: E2",
        members: |p| p.tiers.tier3.iter().map(|e| e.hostname.as_str()).collect(),
    },
    GroupRule {
        name: "phase1",
        doc: "machines with an assignment in phase 1 (prerequisites)",
        members: |p| p.phase1.iter().map(|a| a.machine.as_str()).collect(),
    },
    GroupRule {
        name: "phase2",
        doc: "machines with an assignment in phase 2 (E0/E1, data generation)",
        members: |p| p.phase2.iter().map(|a| a.machine.as_str()).collect(),
    },
    GroupRule {
        name: "phase3",
        doc: "machines with an assignment in phase 3 (E2 fine-tuning and evaluation)",
        members: |p| p.phase3.iter().map(|a| a.machine.as_str()).collect(),
    },
    GroupRule {
        name: "e2",
        doc: "the machine that fine-tunes in phase 3",
        members: |p| {
            p.phase3
                .iter()
                .filter(|a| matches!(a.experiment, Experiment::E2Full | Experiment::E2Quantized))
                .map(|a| a.machine.as_str())
                .collect()
        },
    },
    GroupRule {
        name: "llmcap_excluded",
        doc: "machines that can run nothing",
        members: |p| p.excluded.iter().map(|e| e.hostname.as_str()).collect(),
    },
];

/// An Ansible inventory of a plan: see the [module](self) for its layout.
#[derive(Debug, Clone, PartialEq)]
pub struct Inventory {
    /// Every planned machine, in the plan's order.
    pub hosts: Vec<Host>,
    /// [`GROUPS`], in order, with their members' inventory names.
    pub groups: Vec<Group>,
    /// Hosts whose inventory name differs from their report's host name.
    pub renamed: Vec<Renamed>,
    /// The plan's strategy.
    pub strategy: Strategy,
    /// The plan's number of E0 configurations.
    pub e0_configs: Option<u32>,
}

/// A machine in the inventory.
#[derive(Debug, Clone, PartialEq)]
pub struct Host {
    /// Its inventory name: the report's host name unless [`Inventory::renamed`] says.
    pub name: String,
    /// Its variables.
    pub vars: HostVars,
}

/// A group and its members' inventory names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// The group's name.
    pub name: &'static str,
    /// Its members, each once, in the plan's order.
    pub hosts: Vec<String>,
}

/// A host's variables, written in this order (the [module](self) docs describe each).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct HostVars {
    /// Only on renamed hosts: the report's host name, to connect to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ansible_host: Option<String>,
    /// The report's host name.
    pub llmcap_hostname: String,
    /// The report's file.
    pub llmcap_report_file: Option<String>,
    /// The guide's tier, `None` when excluded.
    pub llmcap_tier: Option<u8>,
    /// Its experiments, by phase.
    pub llmcap_experiments: Vec<&'static str>,
    /// The research tasks they cover.
    pub llmcap_tasks: Vec<&'static str>,
    /// The Ollama tag of its first Phi-3 assignment.
    pub llmcap_model: Option<String>,
    /// The embedding model, when it runs the prerequisites or data generation.
    pub llmcap_embedding_model: Option<String>,
    /// Per-step batch size.
    pub llmcap_batch_size: Option<u32>,
    /// Steps accumulated per optimizer update.
    pub llmcap_gradient_accumulation_steps: Option<u32>,
    /// Percentage of the E0 configurations it runs.
    pub llmcap_e0_share_percent: Option<u32>,
    /// First E0 configuration index it runs.
    pub llmcap_e0_configs_start: Option<u32>,
    /// One past the last E0 configuration index it runs.
    pub llmcap_e0_configs_end: Option<u32>,
    /// Why it gets no work.
    pub llmcap_excluded_reason: Option<String>,
}

/// The plan as an inventory. Never panics; deterministic.
pub fn ansible_inventory(plan: &Plan) -> Inventory {
    let hostnames = hostnames(plan);
    let (names, renamed) = names::assign(&hostnames);
    let index: HashMap<&str, usize> = hostnames.iter().enumerate().map(|(i, h)| (*h, i)).collect();
    let mut vars: Vec<HostVars> = hostnames
        .iter()
        .map(|h| HostVars {
            llmcap_hostname: (*h).to_owned(),
            ..HostVars::default()
        })
        .collect();
    for row in &plan.machines {
        if let Some(&i) = index.get(row.hostname.as_str()) {
            vars[i].llmcap_report_file = Some(row.file.clone());
            vars[i].llmcap_tier = row.tier;
        }
    }
    for excluded in &plan.excluded {
        if let Some(&i) = index.get(excluded.hostname.as_str()) {
            vars[i].llmcap_excluded_reason = Some(excluded.reason.clone());
            vars[i]
                .llmcap_report_file
                .get_or_insert_with(|| excluded.file.clone());
        }
    }
    for (_, assignments) in plan.phases() {
        for a in assignments {
            if let Some(&i) = index.get(a.machine.as_str()) {
                add_assignment(&mut vars[i], a);
            }
        }
    }
    for r in &renamed {
        if let Some(&i) = index.get(r.hostname.as_str()) {
            vars[i].ansible_host = Some(r.hostname.clone());
        }
    }
    let groups = GROUPS
        .iter()
        .map(|rule| {
            let mut seen = vec![false; names.len()];
            let hosts = (rule.members)(plan)
                .into_iter()
                .filter_map(|h| index.get(h).copied())
                .filter(|&i| !std::mem::replace(&mut seen[i], true))
                .map(|i| names[i].clone())
                .collect();
            Group {
                name: rule.name,
                hosts,
            }
        })
        .collect();
    Inventory {
        hosts: names
            .into_iter()
            .zip(vars)
            .map(|(name, vars)| Host { name, vars })
            .collect(),
        groups,
        renamed,
        strategy: plan.strategy,
        e0_configs: plan.options.e0_configs,
    }
}

/// Every host name of the plan, once: its machines in order, then (for a plan built by hand)
/// any other name an assignment, tier or exclusion mentions.
fn hostnames(plan: &Plan) -> Vec<&str> {
    let mut seen = std::collections::HashSet::new();
    let rows = plan.machines.iter().map(|m| m.hostname.as_str());
    let others = GROUPS.iter().flat_map(|g| (g.members)(plan));
    rows.chain(others).filter(|h| seen.insert(*h)).collect()
}

/// Adds one assignment's experiment, tasks, model and settings to its host's variables.
fn add_assignment(vars: &mut HostVars, a: &crate::plan::Assignment) {
    let experiment = a.experiment.as_str();
    if !vars.llmcap_experiments.contains(&experiment) {
        vars.llmcap_experiments.push(experiment);
    }
    for task in a.tasks {
        if !vars.llmcap_tasks.contains(task) {
            vars.llmcap_tasks.push(task);
        }
    }
    let model = if a.experiment.uses_embeddings() {
        &mut vars.llmcap_embedding_model
    } else {
        &mut vars.llmcap_model
    };
    if model.is_none() {
        *model = a.model.as_deref().map(str::to_owned);
    }
    vars.llmcap_batch_size.get_or_insert(a.batch_size);
    vars.llmcap_gradient_accumulation_steps
        .get_or_insert(a.gradient_accumulation_steps);
    if let Some(share) = a.share_percent {
        vars.llmcap_e0_share_percent.get_or_insert(share);
    }
    if let Some(range) = a.configs {
        vars.llmcap_e0_configs_start.get_or_insert(range.start);
        vars.llmcap_e0_configs_end.get_or_insert(range.end);
    }
}

#[cfg(test)]
mod tests;
