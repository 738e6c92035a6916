//! The fleet and the plan derived from the loaded files: the plan by `llmcap_core::plan`, as
//! `llmcap plan` makes it, and the table's rows and the files' fates read from that plan.

use super::AppState;
use crate::fleet::FleetRow;
use llmcap_core::plan::Replaced;
use llmcap_core::{Plan, PlanOptions, ReportFile, plan_files};
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;

impl AppState {
    /// The plan of every file, as `llmcap plan` makes it from the same files: a machine with
    /// what-if values is planned from its report with those values in place.
    pub(super) fn make_plan(&self) -> Plan {
        let what_if: Vec<Option<Vec<u8>>> = self
            .files
            .iter()
            .map(|f| {
                let report = f.outcome.as_ref().ok()?;
                let overrides = self.overrides.get(report.hostname.as_str())?;
                let effective = FleetRow::effective(report, overrides);
                serde_json::to_vec(&effective.to_raw()).ok()
            })
            .collect();
        // A file larger than a report that is no bundle, or larger than a bundle, was not
        // read: core rejects it from its size, as `llmcap plan` does. A file the browser could not read is not planned, as the CLI
        // does not plan a file it cannot read.
        let inputs: Vec<ReportFile<'_>> = self
            .files
            .iter()
            .zip(&what_if)
            .filter_map(|(f, changed)| match changed {
                Some(bytes) => Some(ReportFile::new(&f.name, bytes)),
                None => Some(ReportFile {
                    name: &f.name,
                    bytes: f.bytes.as_deref().unwrap_or_default(),
                    size: f.size?,
                }),
            })
            .collect();
        let options = PlanOptions {
            strategy: self.strategy,
            ..PlanOptions::default()
        };
        plan_files(&inputs, &options)
    }

    /// The plan's machines as table rows, and why every other valid file is not used.
    pub(super) fn fleet_of(&self, plan: &Plan) -> (Vec<FleetRow>, BTreeMap<u64, String>) {
        // Valid files by (name, host), in load order.
        let mut by_name: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
        for (i, file) in self.files.iter().enumerate() {
            if let Ok(report) = &file.outcome {
                by_name
                    .entry((file.name.as_str(), report.hostname.as_str()))
                    .or_default()
                    .push(i);
            }
        }
        let mut claimed = vec![false; self.files.len()];
        let mut rows = Vec::with_capacity(plan.machines.len());
        for machine in &plan.machines {
            // The file the plan kept: of the files with its name and host, the newest.
            let key = (machine.file.as_str(), machine.hostname.as_str());
            let found = by_name
                .get(&key)
                .into_iter()
                .flatten()
                .filter(|&&i| !claimed[i])
                .filter_map(|&i| {
                    let file = &self.files[i];
                    file.outcome.as_ref().ok().map(|r| (i, file, r))
                })
                .max_by(|a, b| a.2.timestamp.cmp(&b.2.timestamp).then(b.0.cmp(&a.0)));
            let Some((i, file, report)) = found else {
                continue;
            };
            claimed[i] = true;
            let overrides = self
                .overrides
                .get(&machine.hostname)
                .copied()
                .unwrap_or_default();
            rows.push(FleetRow {
                file_id: file.id,
                file: file.name.clone(),
                report: FleetRow::effective(report, &overrides),
                measured: Rc::clone(report),
                overrides,
                tier: machine.tier,
            });
        }
        let replaced: HashMap<(&str, &str), &Replaced> = plan
            .replaced
            .iter()
            .map(|r| ((r.file.as_str(), r.hostname.as_str()), r))
            .collect();
        let duplicate_of: HashMap<(&str, &str), &str> = plan
            .duplicates
            .iter()
            .map(|d| {
                (
                    (d.file.as_str(), d.hostname.as_str()),
                    d.duplicate_of.as_str(),
                )
            })
            .collect();
        let mut set_aside = BTreeMap::new();
        for (i, file) in self.files.iter().enumerate() {
            let Ok(report) = &file.outcome else { continue };
            if claimed[i] {
                continue;
            }
            let host = report.hostname.as_str();
            let message = match replaced.get(&(file.name.as_str(), host)) {
                Some(Replaced {
                    kept_file,
                    kept_timestamp,
                    timestamp,
                    ..
                }) => format!(
                    "{}: host `{host}` is also in {kept_file}, which is newer ({kept_timestamp} against {timestamp}); this older report is not used",
                    file.name
                ),
                None => {
                    let kept = duplicate_of
                        .get(&(file.name.as_str(), host))
                        .copied()
                        .unwrap_or("the report kept for this host");
                    format!("{}: the same report as {kept}; counted once", file.name)
                }
            };
            set_aside.insert(file.id, message);
        }
        (rows, set_aside)
    }
}
