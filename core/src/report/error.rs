//! Errors for reports that cannot be read, each naming the file, the field and the value.

use thiserror::Error;

/// A field whose value is missing or out of range. [`ReportError::Invalid`] adds the file.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("field `{field}` is {value}, expected {expected}")]
pub struct FieldError {
    /// Dotted path of the field, e.g. `system.ram_available_gb`.
    pub field: String,
    /// The value as found, shortened and escaped for display (`missing` when absent).
    pub value: String,
    /// What a valid value looks like.
    pub expected: String,
}

impl FieldError {
    /// A field that is absent or `null`.
    pub fn missing(field: impl Into<String>, expected: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            value: "missing".to_owned(),
            expected: expected.into(),
        }
    }

    /// A field whose value is present but not acceptable.
    pub fn invalid(
        field: impl Into<String>,
        value: impl Into<String>,
        expected: impl Into<String>,
    ) -> Self {
        FieldError {
            field: field.into(),
            value: value.into(),
            expected: expected.into(),
        }
    }
}

/// The size limits: what is too large to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeLimit {
    /// One report: [`MAX_REPORT_BYTES`](super::MAX_REPORT_BYTES).
    Report,
    /// A bundle of reports: [`MAX_BUNDLE_BYTES`](super::MAX_BUNDLE_BYTES).
    Bundle,
}

impl SizeLimit {
    /// The limit in bytes.
    pub fn bytes(self) -> u64 {
        match self {
            SizeLimit::Report => super::MAX_REPORT_BYTES,
            SizeLimit::Bundle => super::MAX_BUNDLE_BYTES,
        }
    }

    /// The limit for a file of `size` bytes that was not read whole: a report's, unless the
    /// file is too large even for a bundle.
    pub fn of_unread(size: u64) -> SizeLimit {
        if size > super::MAX_BUNDLE_BYTES {
            SizeLimit::Bundle
        } else {
            SizeLimit::Report
        }
    }
}

impl std::fmt::Display for SizeLimit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SizeLimit::Report => "a report",
            SizeLimit::Bundle => "a bundle of reports",
        })
    }
}

/// Why a report file was rejected. Every message starts with the file's name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ReportError {
    /// Zero bytes, or only white space.
    #[error("{file}: the file is empty, expected a JSON report")]
    Empty {
        /// The file's name.
        file: String,
    },
    /// Larger than any report llmcap or the guide writes, or than any bundle of reports.
    #[error("{file}: too large ({size} bytes); {limit} can be at most {} bytes", limit.bytes())]
    TooLarge {
        /// The file's name, or `file#n` for a report of a bundle.
        file: String,
        /// Its size in bytes.
        size: u64,
        /// The limit it is over.
        limit: SizeLimit,
    },
    /// Binary data or text that is not UTF-8.
    #[error("{file}: not a text file ({what} at byte {offset}), expected a JSON report")]
    NotText {
        /// The file's name.
        file: String,
        /// What was found.
        what: String,
        /// Where.
        offset: usize,
    },
    /// Not JSON, or truncated JSON.
    #[error("{file}: not valid JSON at line {line}, column {column}: {message}")]
    Syntax {
        /// The file's name.
        file: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// Valid JSON that is an array, a number or a string.
    #[error("{file}: the report is {found}, expected a JSON object")]
    NotAnObject {
        /// The file's name.
        file: String,
        /// `a JSON array`, `a number`, ...
        found: String,
    },
    /// A field of the wrong JSON type.
    #[error("{file}: field `{field}`: {message}")]
    WrongType {
        /// The file's name.
        file: String,
        /// Dotted path of the field.
        field: String,
        /// The decoder's message, which quotes the value.
        message: String,
    },
    /// A field that is missing or out of range.
    #[error("{file}: {source}")]
    Invalid {
        /// The file's name.
        file: String,
        /// The field, its value and what was expected.
        source: FieldError,
    },
    /// Written by a newer llmcap in a format this one does not know.
    #[error(
        "{file}: field `schema_version` is {found}, newer than version {supported} that this llmcap reads; upgrade llmcap"
    )]
    NewerSchema {
        /// The file's name.
        file: String,
        /// The version in the file.
        found: u64,
        /// [`SCHEMA_VERSION`](super::SCHEMA_VERSION).
        supported: u32,
    },
    /// A bundle written by a newer llmcap in a format this one does not know.
    #[error(
        "{file}: field `llmcap_bundle` is {found}, newer than bundle version {supported} that this llmcap reads; upgrade llmcap"
    )]
    NewerBundle {
        /// The file's name.
        file: String,
        /// The version in the file.
        found: u64,
        /// [`BUNDLE_VERSION`](super::BUNDLE_VERSION).
        supported: u64,
    },
    /// A bundle as one of the reports of another bundle.
    #[error(
        "{file}: a bundle inside a bundle is not read (a name ending in `#` and a number marks a report of a bundle); give the bundles as separate files"
    )]
    NestedBundle {
        /// The name of the report of the outer bundle.
        file: String,
    },
}

impl ReportError {
    /// The name of the file the error is about.
    pub fn file(&self) -> &str {
        match self {
            ReportError::Empty { file }
            | ReportError::TooLarge { file, .. }
            | ReportError::NotText { file, .. }
            | ReportError::Syntax { file, .. }
            | ReportError::NotAnObject { file, .. }
            | ReportError::WrongType { file, .. }
            | ReportError::Invalid { file, .. }
            | ReportError::NewerSchema { file, .. }
            | ReportError::NewerBundle { file, .. }
            | ReportError::NestedBundle { file } => file,
        }
    }

    /// The field the error is about, where there is one.
    pub fn field(&self) -> Option<&str> {
        match self {
            ReportError::WrongType { field, .. } => Some(field),
            ReportError::Invalid { source, .. } => Some(&source.field),
            ReportError::NewerSchema { .. } => Some("schema_version"),
            ReportError::NewerBundle { .. } => Some("llmcap_bundle"),
            _ => None,
        }
    }
}

/// Shows a string value in an error message: quoted, with control characters escaped, and
/// shortened when long, so that no report can flood or corrupt a terminal.
pub fn show_text(value: &str) -> String {
    const KEEP: usize = 40;
    let count = value.chars().count();
    if count <= KEEP + 20 {
        format!("{value:?}")
    } else {
        let head: String = value.chars().take(KEEP).collect();
        format!("{head:?}… ({count} characters)")
    }
}

/// Shows a number in an error message as a person would write it: `5`, `22.2`, `1e300`.
pub fn show_number(value: f64) -> String {
    let magnitude = value.abs();
    if magnitude != 0.0 && !(1e-4..1e15).contains(&magnitude) {
        format!("{value:e}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_shortened_and_escaped() {
        let long = "a\u{1b}[2J".repeat(3000);
        let shown = show_text(&long);
        assert!(shown.len() < 300, "{shown}");
        assert!(shown.contains("(15000 characters)"), "{shown}");
        assert!(
            !shown.contains('\u{1b}'),
            "escape characters must not reach a terminal"
        );
    }

    #[test]
    fn messages_name_file_field_and_value() {
        let err = ReportError::Invalid {
            file: "a.json".into(),
            source: FieldError::invalid("system.ram_gb", "-3", "a number ≥ 0"),
        };
        assert_eq!(
            err.to_string(),
            "a.json: field `system.ram_gb` is -3, expected a number ≥ 0"
        );
        assert_eq!(err.field(), Some("system.ram_gb"));
        assert_eq!(err.file(), "a.json");
    }
}
