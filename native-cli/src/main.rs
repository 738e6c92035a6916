//! `llmcap`: probe a machine, classify reports, plan a fleet.
fn main() {}
