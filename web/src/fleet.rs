//! The page's fleet: one [`MachineView`] per machine the plan uses, with what-if overrides
//! applied and the verdict recomputed by `llmcap_core::classify`, and how the table sorts them.

use llmcap_core::judge::{Verdict, judge};
use llmcap_core::plan::Generation;
use llmcap_core::recommend::{Settings, recommend};
use llmcap_core::report::{Capabilities, EmbeddingStatus};
use llmcap_core::{Overrides, Phase, Report, classify};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::rc::Rc;

/// The fleet derived from the loaded files.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Fleet {
    /// One row per host used by the plan, in the table's order.
    pub rows: Vec<MachineView>,
    /// Files with a valid report that the plan does not use, and why, by file id.
    pub set_aside: BTreeMap<u64, String>,
}

/// One machine in the fleet.
#[derive(Debug, Clone, PartialEq)]
pub struct MachineView {
    /// The id of the file it came from.
    pub file_id: u64,
    /// That file's name.
    pub file: String,
    /// The report as the plan sees it: the file's report, or with what-if values applied and
    /// the verdict recomputed by `llmcap_core::classify`.
    pub report: Rc<Report>,
    /// The report as read from the file.
    pub measured: Rc<Report>,
    /// What-if values in force for this machine.
    pub overrides: Overrides,
    /// The guide's tier (1-3) as the plan assigned it; `None` when excluded.
    pub tier: Option<u8>,
    /// Phi-3-mini's generation speed the plan shares E0 by.
    pub generation: Option<Generation>,
    /// What the plan gives it, one entry per assignment, e.g. `2: e0_e1_subset 62 %`.
    pub work: Vec<String>,
}

impl MachineView {
    /// The report as the plan reads it: `report` with `overrides` applied.
    ///
    /// Without overrides this is the report itself, verdict included, which is what
    /// `llmcap plan` reads; the details panel says when llmcap's rules disagree with it.
    pub fn effective(report: &Rc<Report>, overrides: &Overrides) -> Rc<Report> {
        if overrides.is_empty() {
            Rc::clone(report)
        } else {
            let machine = report.machine.with_overrides(overrides);
            let mut changed = Report::clone(report);
            changed.capabilities = classify(&machine).capabilities;
            changed.machine = machine;
            Rc::new(changed)
        }
    }

    /// The label of the plan's tier.
    pub fn tier_label(&self) -> String {
        self.tier
            .map_or_else(|| "excluded".to_owned(), |t| format!("tier {t}"))
    }

    /// The host name.
    pub fn host(&self) -> &str {
        self.report.hostname.as_str()
    }

    /// The verdict in force.
    pub fn verdict(&self) -> &Capabilities {
        &self.report.capabilities
    }

    /// GFLOP/s and whether it is estimated from the guide's benchmark time.
    pub fn gflops(&self) -> Option<(f64, bool)> {
        let bench = &self.report.machine.benchmark;
        match bench.gflops {
            Some(g) => Some((g, false)),
            None => bench.effective_gflops().map(|g| (g, true)),
        }
    }

    /// Phi-3-mini's generation speed, tokens a second.
    pub fn tok_s(&self) -> Option<f64> {
        self.generation.as_ref().map(|g| g.tok_s)
    }

    /// llmcap's own verdict on each phase, by [`Phase::ALL`]: computed when a row is drawn,
    /// so a large fleet pays only for the rows on screen.
    pub fn judged(&self) -> Vec<Verdict> {
        let machine = &self.report.machine;
        let settings = Settings::default();
        let rec = recommend(machine, &settings);
        let grants = Phase::ALL.map(|p| self.report.capabilities.grants(p));
        judge(machine, &rec, grants, settings.context_tokens)
            .phases
            .iter()
            .map(|p| p.verdict)
            .collect()
    }

    /// The embedding test's outcome, when the report has one.
    pub fn embedding(&self) -> Option<EmbeddingStatus> {
        self.report.machine.embedding.as_ref().map(|e| e.status)
    }

    /// The GPUs in one line: names and memory, or the guide's GPU string.
    pub fn gpu_summary(&self) -> String {
        let system = &self.report.machine.system;
        if !system.gpus.is_empty() {
            return system
                .gpus
                .iter()
                .map(|g| match (g.unified_memory, g.vram_total_mib) {
                    (true, _) => format!("{} (unified memory)", g.name),
                    (false, Some(mib)) => {
                        format!("{}, {}", g.name, crate::format::gb(mib as f64 / 1024.0))
                    }
                    (false, None) => g.name.clone(),
                })
                .collect::<Vec<_>>()
                .join("; ");
        }
        system.gpu.clone().unwrap_or_else(|| "none".to_owned())
    }
}

/// A column the table sorts by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SortKey {
    /// Host name.
    #[default]
    Host,
    /// Tier.
    Tier,
    /// Available RAM.
    RamAvailable,
    /// Largest GPU memory.
    Vram,
    /// Phi-3-mini generation speed.
    Speed,
    /// One of the guide's four verdicts.
    Verdict(Phase),
}

/// The table's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Sort {
    /// Column.
    pub key: SortKey,
    /// Largest first.
    pub descending: bool,
}

impl Sort {
    /// The order after a click on `key`'s header: the same column flips, another column starts
    /// with host names A-Z and numbers largest first.
    pub fn toggled(self, key: SortKey) -> Sort {
        if self.key == key {
            Sort {
                key,
                descending: !self.descending,
            }
        } else {
            Sort {
                key,
                descending: key != SortKey::Host,
            }
        }
    }
}

fn by_number(a: Option<f64>, b: Option<f64>) -> Ordering {
    a.unwrap_or(f64::NEG_INFINITY)
        .total_cmp(&b.unwrap_or(f64::NEG_INFINITY))
}

/// Compares two rows by `key` alone.
fn compare(key: SortKey, a: &MachineView, b: &MachineView) -> Ordering {
    let (sa, sb) = (&a.report.machine.system, &b.report.machine.system);
    match key {
        SortKey::Host => a.host().cmp(b.host()),
        SortKey::Tier => a.tier.cmp(&b.tier),
        SortKey::RamAvailable => sa.ram_available_gb.total_cmp(&sb.ram_available_gb),
        SortKey::Vram => by_number(sa.largest_vram_gb(), sb.largest_vram_gb()),
        SortKey::Speed => by_number(a.tok_s(), b.tok_s()),
        SortKey::Verdict(p) => a.verdict().grants(p).cmp(&b.verdict().grants(p)),
    }
}

/// Sorts rows in place; ties keep host-name order.
pub fn sort_rows(rows: &mut [MachineView], sort: Sort) {
    rows.sort_by(|a, b| {
        let primary = compare(sort.key, a, b);
        let primary = if sort.descending {
            primary.reverse()
        } else {
            primary
        };
        primary.then_with(|| a.host().cmp(b.host()))
    });
}
