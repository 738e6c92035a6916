//! A report with what llmcap computes from its facts: the verdict's checks, the
//! recommendations, and llmcap's own assessment beside the guide's verdict. It is what `llmcap probe` writes and what the page's merged download
//! holds, built here once for both.

pub mod rows;

pub use rows::{Fact, Install, PhaseRow, Section, Setting, Sheet, sheet};

use crate::classify::{Assessment, Check, classify};
use crate::judge::{Judgement, judge};
use crate::recommend::{Recommendations, Settings, recommend};
use crate::report::{Phase, Report};
use serde::{Serialize, Serializer};
use std::collections::BTreeMap;

/// A report and its assessment, serialized as the report's wire form with `checks` and
/// `recommendations` added (readers recompute both rather than trust them).
#[derive(Debug, Clone, PartialEq)]
pub struct Document<'a> {
    /// The report.
    pub report: &'a Report,
    /// The verdict recomputed from its facts, with every check.
    pub assessment: Assessment,
    /// What to install and how to run it.
    pub recommendations: Recommendations,
    /// llmcap's own assessment, beside the guide's verdict.
    pub judgement: Judgement,
}

/// Classifies `report`'s facts and recommends for them.
pub fn document<'a>(report: &'a Report, settings: &Settings) -> Document<'a> {
    let recommendations = recommend(&report.machine, settings);
    let grants = Phase::ALL.map(|p| report.capabilities.grants(p));
    let judgement = judge(
        &report.machine,
        &recommendations,
        grants,
        settings.context_tokens,
    );
    Document {
        report,
        assessment: classify(&report.machine),
        recommendations,
        judgement,
    }
}

/// What a document adds to the report's keys.
#[derive(Serialize)]
struct Added<'a> {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    checks: BTreeMap<&'static str, &'a [Check]>,
    recommendations: &'a Recommendations,
    llmcap_assessment: &'a Judgement,
}

impl Serialize for Document<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let added = Added {
            checks: self
                .assessment
                .checks
                .iter()
                .map(|(phase, checks)| (phase.key(), checks.as_slice()))
                .collect(),
            recommendations: &self.recommendations,
            llmcap_assessment: &self.judgement,
        };
        self.report.serialize_with(&added, serializer)
    }
}
