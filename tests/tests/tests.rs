//! End-to-end tests of llmcap across its crates, one module per scenario: the CLI's output,
//! compatibility with the guide's scripts, the published schema, planning.

// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod classify_cli;
mod plan_bad;
mod plan_fleet;
mod plan_props;
mod plan_seed;
mod plan_tables;
mod plan_wire;
mod probe_cli;
mod schema;
mod seed_compat;
