//! Bundles: many reports in one file, the form the page's "Download merged reports" writes,
//! so that a fleet travels as one file and reads back into `llmcap plan` and the page.
//!
//! # Wire format (bundle version 1)
//!
//! ```json
//! {
//!   "llmcap_bundle": 1,
//!   "reports": [ { "hostname": "pi", ... }, { "hostname": "workstation", ... } ]
//! }
//! ```
//!
//! | key | type | meaning |
//! |---|---|---|
//! | `llmcap_bundle` | integer | [`BUNDLE_VERSION`]; a newer version is an error |
//! | `reports` | array | one report per element, each in the report format (guide's or llmcap's) |
//!
//! Other keys are ignored. The `n`-th report of `merged.json` is named `merged.json#n` in plans
//! and error messages, `n` zero-padded to the width of the count (`#01` ... `#12`) so that the
//! names sort in the bundle's order; such a name is taken to be a report of a bundle, so a
//! file whose name ends in `#` and a number cannot itself be a bundle, and bundles do not
//! nest. A bare JSON array is not a bundle: it is rejected like any file that is not a
//! report, because nothing says what its elements are.
//!
//! # Sizes
//!
//! A bundle may be up to [`MAX_BUNDLE_BYTES`] and hold up to [`MAX_BUNDLE_REPORTS`] reports
//! (more is an error for the whole bundle); each report in it is still held to
//! [`MAX_REPORT_BYTES`]. A file larger than a report is read whole only when its first
//! [`BUNDLE_SNIFF_BYTES`] name `llmcap_bundle`, as a bundle that llmcap writes does on its
//! second line ([`worth_reading`]): a folder of large files that are not reports costs
//! nothing to skip.

use super::parse::strip_position;
use super::{FieldError, MAX_REPORT_BYTES, Report, ReportError, parse_report, show_text};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use std::borrow::Cow;

/// The bundle format version this llmcap writes and the newest it reads.
pub const BUNDLE_VERSION: u64 = 1;

/// The largest bundle accepted: a few thousand reports.
pub const MAX_BUNDLE_BYTES: u64 = 32 * 1024 * 1024;

/// The most reports a bundle may hold: a 32 MiB bundle of real reports (a few KiB each)
/// holds a few thousand. A bundle with more is rejected whole, unread, so that no file of
/// millions of tiny members (`{}` or `0`) costs memory or prints a line for each.
pub const MAX_BUNDLE_REPORTS: usize = 10_000;

/// How much of the start of a file larger than a report is looked at for `llmcap_bundle`.
pub const BUNDLE_SNIFF_BYTES: usize = 64 * 1024;

/// The key that makes a JSON object a bundle, as it appears in the text.
const KEY: &[u8] = b"\"llmcap_bundle\"";

/// Whether a file of `size` bytes that starts with `start` (its first [`BUNDLE_SNIFF_BYTES`]
/// or more) should be read whole: always when a report can be that large; up to
/// [`MAX_BUNDLE_BYTES`] when its start names `llmcap_bundle`; never beyond. The CLI and the
/// page both ask this, so both reject the same files unread.
pub fn worth_reading(size: u64, start: &[u8]) -> bool {
    size <= MAX_REPORT_BYTES
        || (size <= MAX_BUNDLE_BYTES && contains_key(&start[..start.len().min(BUNDLE_SNIFF_BYTES)]))
}

fn contains_key(bytes: &[u8]) -> bool {
    bytes.windows(KEY.len()).any(|w| w == KEY)
}

/// One report read from a file: the whole file, or one report of a bundle in it.
#[derive(Debug)]
pub struct ReadReport<'a> {
    /// The file's name for a plain file; `file#n` for a report of a bundle.
    pub name: Cow<'a, str>,
    /// This report's own bytes: the whole file, or the report's text inside the bundle.
    pub bytes: &'a [u8],
    /// The validated report, or why it is not one.
    pub report: Result<Report, ReportError>,
}

/// Reads a file that holds one report or a bundle of them, in the bundle's order. A file
/// that is neither gives one entry with the error a report would give. Never panics.
pub fn read_reports<'a>(name: &'a str, bytes: &'a [u8]) -> Vec<ReadReport<'a>> {
    let mut out = Vec::new();
    read_into(Cow::Borrowed(name), bytes, &mut out);
    out
}

/// A bundle holding `reports` (reports, or documents with their checks), as the page's
/// merged download writes it.
pub fn write_bundle<T: Serialize>(reports: &[T]) -> String {
    #[derive(Serialize)]
    struct Bundle<'r, T> {
        llmcap_bundle: u64,
        reports: &'r [T],
    }
    let bundle = Bundle {
        llmcap_bundle: BUNDLE_VERSION,
        reports,
    };
    let mut text = serde_json::to_string_pretty(&bundle).unwrap_or_default();
    text.push('\n');
    text
}

/// A report first, since nearly every file is one; only a file that is not a valid report is
/// looked at again as a bundle. Bundles do not nest: a bundle's report is named `file#n`, and a
/// file so named that holds a bundle is rejected. The name, not the call, marks a member, so
/// the page, which hands each report of a bundle to the planner on its own, gets exactly the
/// plan that `llmcap plan` makes from the bundle.
fn read_into<'a>(name: Cow<'a, str>, bytes: &'a [u8], out: &mut Vec<ReadReport<'a>>) {
    let report = parse_report(&name, bytes);
    let bundle = match &report {
        Err(_) if bytes.len() as u64 <= MAX_BUNDLE_BYTES => bundle_members(&name, bytes),
        _ => None,
    };
    let report = match bundle {
        None => report,
        Some(Err(error)) => Err(error),
        Some(Ok(_)) if is_member_name(&name) => Err(ReportError::NestedBundle {
            file: name.to_string(),
        }),
        Some(Ok(members)) => {
            let width = members.len().to_string().len();
            for (i, member) in members.into_iter().enumerate() {
                let member_name = format!("{name}#{:0width$}", i + 1);
                read_into(Cow::Owned(member_name), member.get().as_bytes(), out);
            }
            return;
        }
    };
    out.push(ReadReport {
        name,
        bytes,
        report,
    });
}

/// Whether a name is that of a bundle's report: it ends in `#` and digits.
fn is_member_name(name: &str) -> bool {
    bundle_name(name).is_some()
}

/// The bundle's name in the name of one of its reports (`merged.json` in `merged.json#07`);
/// `None` for a name that is not a bundle's report.
pub(super) fn bundle_name(name: &str) -> Option<&str> {
    name.rsplit_once('#')
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|(file, _)| file)
}

/// The top of a bundle, each value kept as its raw text; a key given as `null` is present.
#[derive(Deserialize)]
struct Head<'a> {
    #[serde(borrow, default, deserialize_with = "present")]
    llmcap_bundle: Option<&'a RawValue>,
    #[serde(borrow, default, deserialize_with = "present")]
    reports: Option<&'a RawValue>,
}

fn present<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'de RawValue>, D::Error> {
    <&RawValue>::deserialize(d).map(Some)
}

/// The reports of a bundle; `None` when the file is not a JSON object with `llmcap_bundle`.
fn bundle_members<'a>(
    file: &str,
    bytes: &'a [u8],
) -> Option<Result<Vec<&'a RawValue>, ReportError>> {
    // A byte-order mark is read past, as it is in a report.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    // Only an object: serde would also fill `Head` from an array, by position.
    if bytes.trim_ascii_start().first() != Some(&b'{') {
        return None;
    }
    let head: Head<'a> = match serde_json::from_slice(bytes) {
        Ok(head) => head,
        // Broken JSON that names the key is a broken bundle: say where it breaks.
        Err(error) if contains_key(bytes) => {
            return Some(Err(ReportError::Syntax {
                file: file.to_owned(),
                line: error.line(),
                column: error.column(),
                message: strip_position(&error.to_string()),
            }));
        }
        Err(_) => return None,
    };
    let version = head.llmcap_bundle?;
    let invalid = |source: FieldError| ReportError::Invalid {
        file: file.to_owned(),
        source,
    };
    Some(match serde_json::from_str::<u64>(version.get()) {
        Ok(v) if v > BUNDLE_VERSION => Err(ReportError::NewerBundle {
            file: file.to_owned(),
            found: v,
            supported: BUNDLE_VERSION,
        }),
        Ok(v) if v >= 1 => members(head.reports).map_err(invalid),
        _ => Err(invalid(FieldError::invalid(
            "llmcap_bundle",
            show_raw(version),
            format!(
                "a bundle version, a whole number from 1 (this llmcap reads up to {BUNDLE_VERSION})"
            ),
        ))),
    })
}

fn members(reports: Option<&RawValue>) -> Result<Vec<&RawValue>, FieldError> {
    const EXPECTED: &str = "a list of at least one report";
    let reports = reports.ok_or_else(|| FieldError::missing("reports", EXPECTED))?;
    match serde_json::from_str::<Members<'_>>(reports.get()) {
        Ok(list) if list.count > MAX_BUNDLE_REPORTS => Err(FieldError::invalid(
            "reports",
            format!("a list of {} reports", list.count),
            format!("a list of 1 to {MAX_BUNDLE_REPORTS} reports"),
        )),
        Ok(list) if !list.kept.is_empty() => Ok(list.kept),
        _ => Err(FieldError::invalid("reports", show_raw(reports), EXPECTED)),
    }
}

/// A bundle's list of reports: the first [`MAX_BUNDLE_REPORTS`] (and one more, to know
/// that there are more), each as its raw text, and how many the list holds. The rest are
/// counted, never kept, so a list of millions costs no memory.
struct Members<'a> {
    kept: Vec<&'a RawValue>,
    count: usize,
}

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct List;
        impl<'de> serde::de::Visitor<'de> for List {
            type Value = Members<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a list of reports")
            }

            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> Result<Members<'de>, A::Error> {
                let mut kept = Vec::new();
                while kept.len() <= MAX_BUNDLE_REPORTS {
                    match seq.next_element::<&'de RawValue>()? {
                        Some(member) => kept.push(member),
                        None => {
                            let count = kept.len();
                            return Ok(Members { kept, count });
                        }
                    }
                }
                let mut count = kept.len();
                while seq.next_element::<serde::de::IgnoredAny>()?.is_some() {
                    count += 1;
                }
                Ok(Members { kept, count })
            }
        }
        deserializer.deserialize_seq(List)
    }
}

/// A value as an error message shows it: a string quoted and shortened, a short number or
/// literal as written, a list or an object by its kind, so that no value floods the message.
fn show_raw(value: &RawValue) -> String {
    let text = value.get();
    match text.as_bytes().first() {
        Some(b'"') => serde_json::from_str::<String>(text)
            .map(|s| show_text(&s))
            .unwrap_or_else(|_| show_text(text)),
        Some(b'[') if text[1..].trim_start().starts_with(']') => "an empty list".to_owned(),
        Some(b'[') => "a list".to_owned(),
        Some(b'{') => "an object".to_owned(),
        _ if text.len() <= 40 => text.to_owned(),
        _ => show_text(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::MAX_REPORT_BYTES;

    const NESTED: &str = "a bundle inside a bundle is not read (a name ending in `#` and a number marks a report of a bundle); give the bundles as separate files";

    const PI: &str = include_str!("../../../tests/fixtures/seed-reports/epyc-2core.json");

    fn names(read: &[ReadReport<'_>]) -> Vec<String> {
        read.iter().map(|r| r.name.to_string()).collect()
    }

    fn error(read: &[ReadReport<'_>]) -> String {
        assert_eq!(read.len(), 1, "{:?}", names(read));
        read[0].report.as_ref().unwrap_err().to_string()
    }

    fn bundle_of(reports: &[&str]) -> String {
        format!(
            "{{\"llmcap_bundle\": 1, \"reports\": [{}]}}",
            reports.join(",")
        )
    }

    #[test]
    fn a_plain_report_is_one_entry_under_its_own_name() {
        let read = read_reports("pi.json", PI.as_bytes());
        assert_eq!(names(&read), ["pi.json"]);
        assert_eq!(read[0].bytes, PI.as_bytes());
        assert!(read[0].report.is_ok());
    }

    #[test]
    fn a_bundle_is_read_in_order_with_names_that_sort_that_way() {
        let members: Vec<String> = (0..12)
            .map(|i| PI.replacen("\"hostname\": \"", &format!("\"hostname\": \"h{i}-"), 1))
            .collect();
        let text = bundle_of(&members.iter().map(String::as_str).collect::<Vec<_>>());
        let read = read_reports("merged.json", text.as_bytes());
        let got = names(&read);
        assert_eq!(got.first().map(String::as_str), Some("merged.json#01"));
        assert_eq!(got.last().map(String::as_str), Some("merged.json#12"));
        let mut sorted = got.clone();
        sorted.sort();
        assert_eq!(got, sorted, "names sort in the bundle's order");
        for (i, r) in read.iter().enumerate() {
            assert_eq!(
                r.bytes,
                members[i].as_bytes(),
                "a member's bytes are its own text"
            );
            let report = r.report.as_ref().unwrap();
            assert!(report.hostname.as_str().starts_with(&format!("h{i}-")));
        }
    }

    #[test]
    fn the_written_bundle_reads_back_as_the_same_reports() {
        let report = parse_report("pi.json", PI.as_bytes()).unwrap();
        let text = write_bundle(&[&report, &report]);
        let read = read_reports("merged.json", text.as_bytes());
        assert_eq!(names(&read), ["merged.json#1", "merged.json#2"]);
        for r in &read {
            assert_eq!(r.report.as_ref().unwrap(), &report);
        }
    }

    #[test]
    fn a_bad_member_is_named_and_the_others_are_read() {
        let text = bundle_of(&[PI, "{\"hostname\": \"x\"}", "42"]);
        let read = read_reports("m.json", text.as_bytes());
        assert!(read[0].report.is_ok());
        let second = read[1].report.as_ref().unwrap_err().to_string();
        assert!(second.starts_with("m.json#2: "), "{second}");
        let third = read[2].report.as_ref().unwrap_err().to_string();
        assert_eq!(
            third,
            "m.json#3: the report is a number, expected a JSON object"
        );
    }

    #[test]
    fn bundle_errors_name_the_file_the_field_and_the_value() {
        let version =
            "expected a bundle version, a whole number from 1 (this llmcap reads up to 1)";
        let reports = "expected a list of at least one report";
        let cases = [
            (
                r#"{"llmcap_bundle": 2, "reports": []}"#,
                "b.json: field `llmcap_bundle` is 2, newer than bundle version 1 that this llmcap reads; upgrade llmcap".to_owned(),
            ),
            (
                r#"{"llmcap_bundle": "one", "reports": []}"#,
                format!("b.json: field `llmcap_bundle` is \"one\", {version}"),
            ),
            (
                r#"{"llmcap_bundle": 0, "reports": []}"#,
                format!("b.json: field `llmcap_bundle` is 0, {version}"),
            ),
            (
                r#"{"llmcap_bundle": null, "reports": []}"#,
                format!("b.json: field `llmcap_bundle` is null, {version}"),
            ),
            (
                r#"{"llmcap_bundle": 1}"#,
                format!("b.json: field `reports` is missing, {reports}"),
            ),
            (
                r#"{"llmcap_bundle": 1, "reports": [ ]}"#,
                format!("b.json: field `reports` is an empty list, {reports}"),
            ),
            (
                r#"{"llmcap_bundle": 1, "reports": {"a": 1}}"#,
                format!("b.json: field `reports` is an object, {reports}"),
            ),
            (
                "{\"llmcap_bundle\": 1,\n \"reports\": [{}, }",
                "b.json: not valid JSON at line 2, column 18: expected value".to_owned(),
            ),
            (
                r#"{"llmcap_bundle": 1, "llmcap_bundle": 1, "reports": [{}]}"#,
                "b.json: not valid JSON at line 1, column 36: duplicate field `llmcap_bundle`".to_owned(),
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(error(&read_reports("b.json", text.as_bytes())), expected);
        }
    }

    #[test]
    fn a_bundle_may_start_with_a_byte_order_mark() {
        let text = format!("\u{feff}{}", bundle_of(&[PI, PI]));
        let read = read_reports("bom.json", text.as_bytes());
        assert_eq!(names(&read), ["bom.json#1", "bom.json#2"]);
        assert!(read.iter().all(|r| r.report.is_ok()));
    }

    #[test]
    fn large_files_are_read_whole_only_when_their_start_names_the_bundle_key() {
        let bundle = write_bundle(&[parse_report("pi.json", PI.as_bytes()).unwrap()]);
        let over = MAX_REPORT_BYTES + 1;
        assert!(worth_reading(10, b"anything"));
        assert!(worth_reading(MAX_REPORT_BYTES, b""));
        assert!(!worth_reading(over, b"{\"hostname\": \"x\""));
        assert!(
            worth_reading(over, bundle.as_bytes()),
            "llmcap writes the key first"
        );
        assert!(!worth_reading(MAX_BUNDLE_BYTES + 1, bundle.as_bytes()));
        let late = format!("{}{bundle}", " ".repeat(BUNDLE_SNIFF_BYTES));
        assert!(
            !worth_reading(over, late.as_bytes()),
            "only the start is looked at"
        );
    }

    #[test]
    fn files_that_are_not_bundles_keep_the_report_error() {
        let array = format!("[{PI}]");
        assert_eq!(
            error(&read_reports("a.json", array.as_bytes())),
            "a.json: the report is a JSON array, expected a JSON object"
        );
        let truncated = &bundle_of(&[PI])[..100];
        assert!(
            error(&read_reports("t.json", truncated.as_bytes()))
                .starts_with("t.json: not valid JSON")
        );
    }

    #[test]
    fn a_bundle_may_be_larger_than_a_report_but_not_its_reports() {
        let count = (MAX_REPORT_BYTES as usize / PI.len()) + 2;
        let text = bundle_of(&vec![PI; count]);
        assert!(text.len() as u64 > MAX_REPORT_BYTES);
        let read = read_reports("big.json", text.as_bytes());
        assert_eq!(read.len(), count);
        assert!(read.iter().all(|r| r.report.is_ok()));

        let padding = "x".repeat(MAX_REPORT_BYTES as usize);
        let padded = PI.replacen('{', &format!("{{\"padding\": \"{padding}\","), 1);
        let text = bundle_of(&[PI, &padded]);
        let read = read_reports("big.json", text.as_bytes());
        assert!(read[0].report.is_ok());
        let second = read[1].report.as_ref().unwrap_err();
        assert!(matches!(second, ReportError::TooLarge { .. }), "{second}");
    }

    #[test]
    fn a_broken_bundle_larger_than_a_report_says_where_it_breaks() {
        let count = (MAX_REPORT_BYTES as usize / PI.len()) + 2;
        let text = bundle_of(&vec![PI; count]);
        let broken = &text[..text.len() - 3];
        let message = error(&read_reports("big.json", broken.as_bytes()));
        assert!(
            message.starts_with("big.json: not valid JSON at line "),
            "{message}"
        );
    }

    #[test]
    fn bundles_do_not_nest_however_deep() {
        let inner = bundle_of(&[PI]);
        let outer = bundle_of(&[&inner, PI]);
        let read = read_reports("o.json", outer.as_bytes());
        assert_eq!(names(&read), ["o.json#1", "o.json#2"]);
        assert_eq!(
            read[0].report.as_ref().unwrap_err().to_string(),
            format!("o.json#1: {NESTED}")
        );
        assert!(read[1].report.is_ok());
        // Read on its own under its member name, as the page hands it to the planner, the
        // inner bundle is rejected the same way.
        assert_eq!(
            error(&read_reports("o.json#1", inner.as_bytes())),
            format!("o.json#1: {NESTED}")
        );

        let levels = 100_000;
        let deep = format!(
            "{}{PI}{}",
            "{\"llmcap_bundle\":1,\"reports\":[".repeat(levels),
            "]}".repeat(levels)
        );
        let read = read_reports("deep.json", deep.as_bytes());
        assert_eq!(names(&read), ["deep.json#1"]);
        assert!(read[0].report.is_err());
    }

    #[test]
    fn a_bundle_of_more_reports_than_the_cap_is_one_error_and_not_read() {
        let text = bundle_of(&vec!["{}"; MAX_BUNDLE_REPORTS + 1]);
        let read = read_reports("many.json", text.as_bytes());
        assert_eq!(
            error(&read),
            "many.json: field `reports` is a list of 10001 reports, expected a list of 1 to 10000 reports"
        );
        // The issue's two files: a million `{}` (3 MB) and a bundle of zeros up to the size
        // limit, read without keeping a member past the cap.
        let million = bundle_of(&vec!["{}"; 1_000_000]);
        assert!(error(&read_reports("m.json", million.as_bytes())).contains("1000000 reports"));
        let zeros = bundle_of(&vec!["0"; (MAX_BUNDLE_BYTES as usize - 40) / 2]);
        assert!(zeros.len() as u64 <= MAX_BUNDLE_BYTES);
        assert!(worth_reading(zeros.len() as u64, zeros.as_bytes()));
        let message = error(&read_reports("z.json", zeros.as_bytes()));
        assert!(
            message.contains("expected a list of 1 to 10000 reports"),
            "{message}"
        );
        // Up to the cap, every member is read.
        let full = bundle_of(&vec![PI; MAX_BUNDLE_REPORTS.min(300)]);
        assert_eq!(read_reports("f.json", full.as_bytes()).len(), 300);
    }

    #[test]
    fn member_names_end_in_a_number() {
        assert!(is_member_name("a.json#1"));
        assert!(is_member_name("a.json#01#2"));
        for name in ["a.json", "a#b.json", "a.json#", "a.json#1x", "#x"] {
            assert!(!is_member_name(name), "{name}");
        }
    }
}
