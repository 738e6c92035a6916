//! The fleet and the plan derived from the loaded files: the plan by `llmcap_core::plan`, as
//! `llmcap plan` makes it, and the table's rows and the files' fates read from that plan.

use super::{AppState, LoadedFile};
use crate::error::WebError;
use crate::fleet::MachineView;
use llmcap_core::plan::{Input, Rejected, plan};
use llmcap_core::{Plan, PlanOptions, Report};
use std::collections::BTreeMap;
use std::rc::Rc;

/// A valid file's report as the plan reads it, with what-if values in place, and the index
/// of its file: the planner's input number `i` is entry `i`.
pub(super) type Planned = Vec<(usize, Rc<Report>)>;

impl AppState {
    /// The plan of every file, as `llmcap plan` makes it from the same files: a machine with
    /// what-if values is planned from its report with those values in place. A file the
    /// browser could not read is not planned, as the CLI does not plan a file it cannot read.
    pub(super) fn make_plan(&self) -> (Plan, Planned) {
        let planned: Planned = self
            .files
            .iter()
            .enumerate()
            .filter_map(|(i, f)| {
                let report = f.outcome.as_ref().ok()?;
                let overrides = self.overrides.get(report.hostname.as_str());
                let overrides = overrides.copied().unwrap_or_default();
                Some((i, MachineView::effective(report, &overrides)))
            })
            .collect();
        let inputs: Vec<Input> = planned
            .iter()
            .map(|(i, report)| Input::new(self.files[*i].name.as_str(), report))
            .collect();
        let options = PlanOptions {
            strategy: self.strategy,
            e0_configs: self.workload.e0_configs,
            tokens_per_config: self
                .workload
                .e0_configs
                .and(self.workload.tokens_per_config),
            train_tokens: self.workload.train_tokens,
            ..PlanOptions::default()
        };
        let mut plan = plan(&inputs, &options);
        plan.reject(self.files.iter().filter_map(rejected).collect());
        (plan, planned)
    }

    /// The plan's machines as table rows, and why every other valid file is not used.
    pub(super) fn fleet_of(
        &self,
        plan: &Plan,
        planned: &Planned,
    ) -> (Vec<MachineView>, BTreeMap<u64, String>) {
        let mut work = work_by_host(plan);
        let rows = plan
            .machines
            .iter()
            .map(|machine| {
                let (i, report) = &planned[machine.input];
                let file = &self.files[*i];
                MachineView {
                    file_id: file.id,
                    file: file.name.clone(),
                    report: Rc::clone(report),
                    measured: file.outcome.clone().unwrap_or_else(|_| Rc::clone(report)),
                    overrides: self
                        .overrides
                        .get(&machine.hostname)
                        .copied()
                        .unwrap_or_default(),
                    tier: machine.tier,
                    generation: machine.generation.clone(),
                    work: work.remove(machine.hostname.as_str()).unwrap_or_default(),
                }
            })
            .collect();
        let replaced = plan.replaced.iter().map(|r| {
            let message = format!(
                "{}: host `{}` is also in {}, which is newer ({} against {}); this older report is not used",
                r.file, r.hostname, r.kept_file, r.kept_timestamp, r.timestamp
            );
            (r.input, message)
        });
        let duplicates = plan.duplicates.iter().map(|d| {
            let message = format!(
                "{}: the same report as {}; counted once",
                d.file, d.duplicate_of
            );
            (d.input, message)
        });
        let set_aside = replaced
            .chain(duplicates)
            .map(|(input, message)| (self.files[planned[input].0].id, message))
            .collect();
        (rows, set_aside)
    }
}

/// Each host's assignments, in phase order: `2: e0_e1_subset 62 %` (with no-break spaces).
fn work_by_host(plan: &Plan) -> BTreeMap<&str, Vec<String>> {
    let mut work: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (n, assignments) in plan.phases() {
        for a in assignments {
            let share = a
                .share_percent
                .map_or(String::new(), |s| format!("\u{a0}{s}\u{a0}%"));
            let entry = format!("{n}: {}{share}", a.experiment.as_str());
            work.entry(a.machine.as_str()).or_default().push(entry);
        }
    }
    work
}

/// A file the plan lists as not valid: core's error, as `llmcap plan` prints it.
fn rejected(file: &LoadedFile) -> Option<Rejected> {
    match &file.outcome {
        Err(WebError::Report(error)) => Some(Rejected {
            file: file.name.clone(),
            error: error.to_string(),
        }),
        _ => None,
    }
}
