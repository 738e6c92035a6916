//! The subcommands that read or write reports: `probe`, `plan`, `classify`.

pub mod classify;
pub mod plan;
pub mod probe;
