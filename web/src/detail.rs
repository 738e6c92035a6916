//! The open machine as its details panel shows it: core's rows for its report, computed by
//! the reducer when the machine is opened or its what-if values change, so that the panel
//! only renders.

use crate::fleet::MachineView;
use llmcap_core::Settings;
use llmcap_core::document::{Sheet, document, sheet};
use llmcap_core::recommend::summary;

/// One machine's details.
#[derive(Debug, Clone, PartialEq)]
pub struct Detail {
    /// The machine's row, what-if values applied.
    pub row: MachineView,
    /// Its facts, verdict, install lines and warnings, from core.
    pub sheet: Sheet,
    /// The recommendation in one line.
    pub summary: String,
    /// The verdict stored in its file differs from llmcap's rules on the same measurements.
    pub stored_differs: bool,
}

impl Detail {
    /// The details of `row`.
    pub fn of(row: &MachineView) -> Detail {
        let document = document(&row.report, &Settings::default());
        // Without what-if values the row's report is the file's, so the document's verdict
        // is llmcap's rules on the measured facts.
        let recomputed = &document.assessment.capabilities;
        Detail {
            sheet: sheet(&document),
            summary: summary(&document.recommendations),
            stored_differs: row.overrides.is_empty()
                && !recomputed.same_phases(&row.measured.capabilities),
            row: row.clone(),
        }
    }
}
