//! llmcap-core: the pure heart of llmcap — the report schema and its validation, the guide's
//! classification rules, recommendations, fleet planning, exports of the plan for existing
//! engines (an Ansible inventory), and the speed model (memory bandwidth, Phi-3-mini tok/s).
//!
//! Nothing here touches the file system, the environment, processes, clocks or the terminal:
//! the CLI and the web page read files and pass facts in, so both compute the same verdicts
//! and the same plan from the same reports. `core/clippy.toml` enforces this.

#![warn(missing_docs)]

pub mod classify;
pub mod document;
pub mod export;
pub mod judge;
pub mod link;
pub mod num;
pub mod plan;
pub mod recommend;
pub mod report;
pub mod rules;
pub mod speed;
pub mod text;

#[cfg(test)]
mod test_support;

pub use classify::{Assessment, Check, Overrides, classify};
pub use document::{Document, document};
pub use plan::{Plan, PlanOptions, ReportFile, Strategy, plan_files, plan_json, render_text};
pub use recommend::{Recommendations, Settings, recommend};
pub use report::Phase;
pub use report::{Machine, Report, ReportError, SCHEMA_VERSION, parse_report};
