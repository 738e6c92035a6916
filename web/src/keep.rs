//! The fleet this browser keeps between visits: each valid file's name and report, as a JSON
//! list, deflated and base64url-encoded as a link's fragment is (`core::link`), so that a
//! fleet of thousands of similar reports fits the few megabytes of local storage. The page
//! (`components::app`) stores it under [`KEY`] whenever the files change; files that were not
//! valid reports are not kept.

use crate::state::{FileInput, LoadedFile};
use llmcap_core::link;
use serde::{Deserialize, Serialize};

/// The local-storage key.
pub const KEY: &str = "llmcap.fleet.v1";

/// Deflate's fastest level: reports are alike, so even it shrinks a fleet about tenfold.
const LEVEL: u8 = 1;

#[derive(Serialize, Deserialize)]
struct Kept {
    name: String,
    report: Box<serde_json::value::RawValue>,
}

/// What to store for `files`; `None` when no file holds a valid report (the key is removed).
pub fn encode(files: &[LoadedFile]) -> Option<String> {
    let kept: Vec<Kept> = files
        .iter()
        .filter_map(|f| {
            let report = f.outcome.as_ref().ok()?;
            let json = serde_json::to_string(report.as_ref()).ok()?;
            Some(Kept {
                name: f.name.clone(),
                report: serde_json::value::RawValue::from_string(json).ok()?,
            })
        })
        .collect();
    if kept.is_empty() {
        return None;
    }
    let json = serde_json::to_vec(&kept).ok()?;
    Some(link::encode_at(&json, LEVEL))
}

/// The files a stored value holds, to add as if dropped; nothing for a value that is not one
/// (an older page's, or damaged).
pub fn decode(stored: &str) -> Vec<FileInput> {
    let Ok(json) = link::inflate(stored) else {
        return Vec::new();
    };
    let kept: Vec<Kept> = serde_json::from_slice(&json).unwrap_or_default();
    kept.into_iter()
        .map(|k| FileInput::bytes(k.name, k.report.get().as_bytes()))
        .collect()
}
