//! Why the page could not use a file: core's report errors, with the same text the CLI prints,
//! and the browser's own read failures.

use llmcap_core::ReportError;
use thiserror::Error;

/// A file the page could not use. Kept in the state and shown next to the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum WebError {
    /// The report was read but is not a valid report: core's message, as the CLI prints it.
    #[error(transparent)]
    Report(#[from] ReportError),
    /// The browser could not read the file at all.
    #[error("{file}: the browser could not read the file: {message}")]
    Unreadable {
        /// The file's name.
        file: String,
        /// The browser's reason.
        message: String,
    },
}
