//! End-to-end tests of llmcap across its crates: the CLI's output, compatibility with the
//! guide's scripts, the published schema.

// Test code: a failed unwrap is a failed test with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod classify_cli;
mod probe_cli;
mod schema;
mod seed_compat;
