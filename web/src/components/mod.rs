//! The page's components, one per file. They render the state and dispatch actions; none of
//! them computes a verdict or a plan.

pub mod app;
pub mod bar_chart;
pub mod charts;
pub mod file_list;
pub mod fleet_table;
pub mod input;
pub mod loader;
pub mod machine_detail;
pub mod pager;
pub mod plan_view;
pub mod timeline;
pub mod verdict;
pub mod what_if;
pub mod workload;
