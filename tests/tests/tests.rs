//! End-to-end tests of llmcap across its crates, one module per scenario: the CLI's output,
//! compatibility with the guide's scripts, the published schema, planning, and the Ansible
//! export and playbooks.

// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]
// A scenario may read as one long test; the 100-line limit is for the code it tests.
#![allow(clippy::too_many_lines)]

mod common;
mod gate;

mod ansible_inventory;
mod ansible_prepare;
mod ansible_probe;
mod ansible_run;
mod ansible_run_tools;
mod ansible_tools;
mod classify_cli;
mod fuzz;
mod io_edges;
mod pinned;
mod plan_bad;
mod plan_bundle;
mod plan_cli;
mod plan_fleet;
mod plan_props;
mod plan_seed;
mod plan_tables;
mod plan_versions;
mod plan_wire;
mod probe_cli;
mod probe_hostile;
mod schema;
mod seed_compat;
