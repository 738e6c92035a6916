//! End-to-end tests of llmcap: one binary, one module per scenario.

// Helpers shared by the tests stop the test with a message when their own setup fails
// (a temp dir, a fixture): that is how a test reports it.
#![allow(clippy::expect_used, clippy::unwrap_used)]

mod plan_bad;
mod plan_fleet;
mod plan_props;
mod plan_seed;
mod plan_tables;
mod plan_wire;
