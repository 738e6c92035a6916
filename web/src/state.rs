//! The page's state and its reducer: every change goes through [`AppState::reduce`], which
//! parses reports with `llmcap_core` and plans them with `llmcap_core::plan` (the same call
//! as `llmcap plan`), so the components only render.

use crate::detail::Detail;
use crate::error::WebError;
use crate::examples;
use crate::fleet::{Fleet, MachineView, Sort, SortKey, sort_rows};
use crate::plan_view_model::{self, PlanView};
use crate::shared::Shared;
use llmcap_core::link;
use llmcap_core::report::write_bundle;
use llmcap_core::{
    Overrides, Plan, PlanOptions, Report, ReportFile, Settings, Strategy, document, plan_json,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// A file as the browser handed it over.
#[derive(Debug, Clone, PartialEq)]
pub struct FileInput {
    /// The file's name.
    pub name: String,
    /// Its contents, or why there are none.
    pub data: FileData,
}

/// What the browser could read of a file.
#[derive(Debug, Clone, PartialEq)]
pub enum FileData {
    /// The whole file.
    Bytes(Vec<u8>),
    /// Not read: larger than a report and not a bundle of reports, or larger than a bundle
    /// can be.
    TooLarge {
        /// Its size in bytes.
        size: u64,
    },
    /// The browser failed to read it.
    Unreadable {
        /// The browser's reason.
        message: String,
    },
}

impl FileInput {
    /// A file whose contents were read.
    pub fn bytes(name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> FileInput {
        FileInput {
            name: name.into(),
            data: FileData::Bytes(bytes.into()),
        }
    }
}

/// A change to the page.
#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    /// Files dropped or picked, in the browser's order.
    AddFiles(Vec<FileInput>),
    /// Part of a large drop: read the files, but plan only at [`Action::Refresh`], so that
    /// the page can show its progress between the parts.
    Parse(Vec<FileInput>),
    /// Plan the files read so far: the end of a large drop.
    Refresh,
    /// The bundled example reports.
    LoadExamples,
    /// A link's fragment (`#r=…`): its reports are added, or nothing changes and the note
    /// says why.
    OpenLink(String),
    /// Forget one file.
    Remove(u64),
    /// Forget every file and every what-if value.
    Clear,
    /// What-if values for a host; empty overrides remove them.
    SetOverrides {
        /// Host name.
        host: String,
        /// The values.
        overrides: Overrides,
    },
    /// Plan with this strategy.
    SetStrategy(Strategy),
    /// Plan with these workload sizes.
    SetWorkload(Workload),
    /// A click on a column header.
    SortBy(SortKey),
    /// Show this machine's details, or none.
    Select(Option<String>),
}

/// The workload sizes the plan estimates durations from, as `llmcap plan`'s
/// `--e0-configs`, `--tokens-per-config` and `--train-tokens`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Workload {
    /// E0 configurations.
    pub e0_configs: Option<u32>,
    /// Tokens each E0 configuration generates (used with `e0_configs`).
    pub tokens_per_config: Option<u64>,
    /// Training tokens of E2.
    pub train_tokens: Option<u64>,
}

/// One loaded file and what became of it.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedFile {
    /// Unique within the page's life.
    pub id: u64,
    /// The file's name.
    pub name: String,
    /// The report, or why the file was rejected.
    pub outcome: Result<Rc<Report>, WebError>,
}

/// Everything the page shows.
#[derive(Debug, Clone, PartialEq)]
pub struct AppState {
    next_id: u64,
    /// Every file loaded, in load order.
    pub files: Shared<Vec<LoadedFile>>,
    /// What-if values by host name.
    pub overrides: Shared<BTreeMap<String, Overrides>>,
    /// The plan's strategy.
    pub strategy: Strategy,
    /// The workload sizes.
    pub workload: Workload,
    /// Derived: the plan, as `llmcap plan` makes it from the same files.
    pub plan: Shared<Plan>,
    /// The table's order.
    pub sort: Sort,
    /// The host whose details are open.
    pub selected: Option<String>,
    /// Derived: that machine's details.
    pub detail: Option<Shared<Detail>>,
    /// Derived: the machines.
    pub fleet: Shared<Fleet>,
    /// Derived: the plan as the page shows it.
    pub plan_view: Shared<PlanView>,
    /// What opening a link did: the reports it added, or why it added none.
    pub link_note: Option<Result<String, String>>,
}

impl Default for AppState {
    fn default() -> Self {
        let mut state = AppState {
            next_id: 0,
            files: Shared::default(),
            overrides: Shared::default(),
            strategy: Strategy::default(),
            workload: Workload::default(),
            plan: Shared::new(llmcap_core::plan::plan(&[], &PlanOptions::default())),
            sort: Sort::default(),
            selected: None,
            detail: None,
            fleet: Shared::default(),
            plan_view: Shared::default(),
            link_note: None,
        };
        state.refresh_fleet();
        state
    }
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = AppState::clone(&self);
        next.apply(action);
        Rc::new(next)
    }
}

impl AppState {
    /// Applies one action and recomputes what depends on it.
    pub fn apply(&mut self, action: Action) {
        match action {
            Action::AddFiles(inputs) => {
                if self.parse(inputs) {
                    self.refresh_fleet();
                }
            }
            Action::Parse(inputs) => {
                self.parse(inputs);
            }
            Action::Refresh => self.refresh_fleet(),
            Action::LoadExamples => self.add(
                examples::FILES
                    .iter()
                    .map(|(name, text)| FileInput::bytes(*name, text.as_bytes()))
                    .collect(),
            ),
            Action::OpenLink(fragment) => self.open_link(&fragment),
            Action::Remove(id) => {
                let files = self.files.iter().filter(|f| f.id != id).cloned().collect();
                self.files = Shared::new(files);
                self.refresh_fleet();
            }
            Action::Clear => {
                *self = AppState {
                    next_id: self.next_id,
                    strategy: self.strategy,
                    workload: self.workload,
                    sort: self.sort,
                    ..AppState::default()
                };
                self.refresh_fleet();
            }
            Action::SetOverrides { host, overrides } => {
                let mut all = BTreeMap::clone(&self.overrides);
                if overrides.is_empty() {
                    all.remove(&host);
                } else {
                    all.insert(host, overrides);
                }
                self.overrides = Shared::new(all);
                self.refresh_fleet();
            }
            Action::SetStrategy(strategy) => {
                self.strategy = strategy;
                self.refresh_fleet();
            }
            Action::SetWorkload(workload) => {
                self.workload = workload;
                self.refresh_fleet();
            }
            Action::SortBy(key) => {
                self.sort = self.sort.toggled(key);
                let mut fleet = Fleet::clone(&self.fleet);
                sort_rows(&mut fleet.rows, self.sort);
                self.fleet = Shared::new(fleet);
            }
            Action::Select(host) => {
                self.selected = host;
                self.refresh_detail();
            }
        }
    }

    /// Adds a link's reports as one file, read like a dropped one; a
    /// link that is damaged, too long or holds no valid report changes nothing.
    fn open_link(&mut self, fragment: &str) {
        let bytes = match link::decode(fragment) {
            Ok(bytes) => bytes,
            Err(e) => {
                self.link_note = Some(Err(format!("The link was not opened: {e}.")));
                return;
            }
        };
        let reports = llmcap_core::report::read_reports(link::LINK_FILE, &bytes);
        let hosts: Vec<String> = reports
            .iter()
            .filter_map(|r| Some(r.report.as_ref().ok()?.hostname.to_string()))
            .collect();
        if hosts.is_empty() {
            let why = reports
                .first()
                .and_then(|r| r.report.as_ref().err())
                .map_or_else(|| "it holds no report".to_owned(), ToString::to_string);
            self.link_note = Some(Err(format!("The link was not opened: {why}.")));
            return;
        }
        // One report is named as `llmcap probe` names its file, so the plan is the CLI's
        // plan of that file; a bundle keeps the link's name.
        let name = match (reports.as_slice(), hosts.as_slice()) {
            ([one], [host]) if one.name == link::LINK_FILE => {
                format!("capability_report_{host}.json")
            }
            _ => link::LINK_FILE.to_owned(),
        };
        drop(reports);
        self.add(vec![FileInput::bytes(name, bytes)]);
        self.link_note = Some(Ok(format!(
            "Added from the link: {} ({} report{}).",
            hosts.join(", "),
            hosts.len(),
            if hosts.len() == 1 { "" } else { "s" }
        )));
    }

    fn new_id(&mut self) -> u64 {
        self.next_id += 1;
        self.next_id - 1
    }

    fn add(&mut self, inputs: Vec<FileInput>) {
        if self.parse(inputs) {
            self.refresh_fleet();
        }
    }

    /// Reads `inputs` into the files, without planning; false when there were none.
    fn parse(&mut self, inputs: Vec<FileInput>) -> bool {
        if inputs.is_empty() {
            return false;
        }
        let mut files = Vec::clone(&self.files);
        files.reserve(inputs.len());
        for input in inputs {
            let name = input.name;
            // Read or not, a file goes through core's reading, as in `llmcap plan`: a bundle
            // becomes one file per report, named as the CLI names them, and a file that was
            // not read is rejected by its size.
            let (bytes, unread_size) = match input.data {
                FileData::Bytes(bytes) => (bytes, None),
                FileData::TooLarge { size } => (Vec::new(), Some(size)),
                FileData::Unreadable { message } => {
                    files.push(LoadedFile {
                        id: self.new_id(),
                        outcome: Err(WebError::Unreadable {
                            file: name.clone(),
                            message,
                        }),
                        name,
                    });
                    continue;
                }
            };
            let file = ReportFile {
                name: &name,
                bytes: &bytes,
                size: unread_size.unwrap_or(bytes.len() as u64),
            };
            for read in file.reports() {
                files.push(LoadedFile {
                    id: self.new_id(),
                    name: read.name.into_owned(),
                    outcome: read.report.map(Rc::new).map_err(WebError::from),
                });
            }
        }
        self.files = Shared::new(files);
        true
    }

    /// Plans the files and derives the fleet from the plan.
    fn refresh_fleet(&mut self) {
        let (plan, planned) = self.make_plan();
        let (mut rows, set_aside) = self.fleet_of(&plan, &planned);
        sort_rows(&mut rows, self.sort);
        if let Some(host) = &self.selected
            && !rows.iter().any(|r| r.host() == host)
        {
            self.selected = None;
        }
        self.fleet = Shared::new(Fleet { rows, set_aside });
        self.plan_view = Shared::new(plan_view_model::build(&plan));
        self.plan = Shared::new(plan);
        self.refresh_detail();
    }

    /// Recomputes the open machine's details.
    fn refresh_detail(&mut self) {
        self.detail = self.selected_row().map(|row| Shared::new(Detail::of(row)));
    }

    /// The row of the open machine.
    pub fn selected_row(&self) -> Option<&MachineView> {
        let host = self.selected.as_deref()?;
        self.fleet.rows.iter().find(|r| r.host() == host)
    }

    /// Counts of loaded, rejected and set-aside files.
    pub fn counts(&self) -> FileCounts {
        let rejected = self.files.iter().filter(|f| f.outcome.is_err()).count();
        FileCounts {
            total: self.files.len(),
            rejected,
            set_aside: self.fleet.set_aside.len(),
            machines: self.fleet.rows.len(),
        }
    }

    /// The text of `distributed_plan.json`: the same bytes as `llmcap plan --json` on the
    /// same files and options.
    pub fn plan_json(&self) -> String {
        plan_json(&self.plan)
    }

    /// The plan as an Ansible inventory: the same bytes as `llmcap plan --export ansible` on
    /// the same files and options.
    pub fn ansible_inventory(&self) -> String {
        llmcap_core::export::export(&self.plan, llmcap_core::export::Format::Ansible).text
    }

    /// Every report the plan uses, as the probe writes them (measured values, not what-if
    /// ones), sorted by host name, in one bundle that `llmcap plan` and this page read back.
    pub fn merged_reports_json(&self) -> String {
        let mut reports: Vec<&Rc<Report>> = self.fleet.rows.iter().map(|r| &r.measured).collect();
        reports.sort_by(|a, b| a.hostname.cmp(&b.hostname));
        let documents: Vec<_> = reports
            .iter()
            .map(|report| document(report, &Settings::default()))
            .collect();
        write_bundle(&documents)
    }
}

/// How many files are in each state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileCounts {
    /// Files loaded.
    pub total: usize,
    /// Files rejected with an error.
    pub rejected: usize,
    /// Valid reports the plan does not use (an older report of the same host).
    pub set_aside: usize,
    /// Machines in the fleet.
    pub machines: usize,
}

mod derive;
#[cfg(test)]
mod tests;
