//! Reading report files: the lenient wire form first, then validation, with errors that
//! name the file, the field and the value.

use super::{MAX_REPORT_BYTES, Report, ReportError, SCHEMA_VERSION, SizeLimit, wire};
use serde::Deserialize;
use std::borrow::Cow;

/// Reads one report file (the guide's format or llmcap's) and validates it.
///
/// `file` is the name used in error messages. Never panics, whatever the bytes.
pub fn parse_report(file: &str, bytes: &[u8]) -> Result<Report, ReportError> {
    let raw = parse_raw(file, bytes)?;
    Report::from_raw(file, raw)
}

/// The file's text: UTF-8, or UTF-16 with a byte-order mark (what Windows PowerShell 5's
/// `>` writes). Otherwise what was found instead, and the byte offset where it stops being
/// text.
fn decode(bytes: &[u8]) -> Result<Cow<'_, str>, (&'static str, usize)> {
    const UTF32: &str = "UTF-32, not UTF-8 or UTF-16,";
    if bytes.starts_with(&[0xff, 0xfe, 0, 0]) || bytes.starts_with(&[0, 0, 0xfe, 0xff]) {
        return Err((UTF32, 0));
    }
    let units = |be: bool| {
        bytes[2..].chunks(2).map(move |pair| match *pair {
            [a, b] if be => u16::from_be_bytes([a, b]),
            [a, b] => u16::from_le_bytes([a, b]),
            _ => 0xd800, // half a code unit: an unpaired surrogate, so an error below
        })
    };
    let utf16 = match bytes {
        [0xff, 0xfe, ..] => Some(false),
        [0xfe, 0xff, ..] => Some(true),
        _ => None,
    };
    match utf16 {
        Some(be) => char::decode_utf16(units(be))
            .enumerate()
            .map(|(i, c)| c.map_err(|_| ("UTF-16 that is not valid", 2 + 2 * i)))
            .collect::<Result<String, _>>()
            .map(Cow::Owned),
        None => std::str::from_utf8(bytes)
            .map(Cow::Borrowed)
            .map_err(|e| ("bytes that are not UTF-8", e.valid_up_to())),
    }
}

/// Reads one report file into the lenient wire form, checking only that it is a JSON object
/// of the right shape.
pub fn parse_raw(file: &str, bytes: &[u8]) -> Result<wire::RawReport, ReportError> {
    let file_owned = || file.to_owned();
    if bytes.len() as u64 > MAX_REPORT_BYTES {
        return Err(ReportError::TooLarge {
            file: file_owned(),
            size: bytes.len() as u64,
            limit: SizeLimit::Report,
        });
    }
    let text = match decode(bytes) {
        Ok(text) => text,
        Err((what, offset)) => {
            return Err(ReportError::NotText {
                file: file_owned(),
                what: what.to_owned(),
                offset,
            });
        }
    };
    let text: &str = &text;
    if let Some(offset) = first_control(text) {
        return Err(ReportError::NotText {
            file: file_owned(),
            what: format!(
                "control character {:?}",
                text[offset..].chars().next().unwrap_or('\0')
            ),
            offset,
        });
    }
    let body = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    let Some(first) = body.chars().next() else {
        return Err(ReportError::Empty { file: file_owned() });
    };
    if first != '{'
        && let Some(found) = json_kind(body)
    {
        return Err(ReportError::NotAnObject {
            file: file_owned(),
            found,
        });
    }
    // Fast path: plain serde. Only a report that fails is decoded again with
    // serde_path_to_error, which names the field but allocates for every key it passes.
    let mut deserializer = serde_json::Deserializer::from_str(body);
    if let Ok(raw) = wire::RawReport::deserialize(&mut deserializer)
        && deserializer.end().is_ok()
    {
        check_schema_version(file, raw.schema_version)?;
        return Ok(raw);
    }
    let mut deserializer = serde_json::Deserializer::from_str(body);
    match serde_path_to_error::deserialize::<_, wire::RawReport>(&mut deserializer) {
        Ok(raw) => {
            if let Err(trailing) = deserializer.end() {
                return Err(syntax_error(file, body, &trailing));
            }
            check_schema_version(file, raw.schema_version)?;
            Ok(raw)
        }
        Err(error) => {
            // A newer format may fail to decode for reasons this version cannot explain: say
            // that first.
            check_schema_version(file, peek_schema_version(body))?;
            Err(decode_error(file, body, error))
        }
    }
}

/// The offset of the first control character that is not white space.
///
/// Scans bytes first: every such character starts with a byte below 0x20, 0x7F, or 0xC2
/// (U+0080-U+009F), so most reports are checked without decoding a single character.
pub(super) fn first_control(text: &str) -> Option<usize> {
    const CHUNK: usize = 64;
    // Branch-free so that the compiler can test a whole chunk with vector instructions.
    let suspect = |b: u8| (b < 0x20 && b.wrapping_sub(b'\t') > 4) | (b == 0x7f) | (b == 0xc2);
    let chunk = text
        .as_bytes()
        .chunks(CHUNK)
        .position(|chunk| chunk.iter().fold(false, |any, &b| any | suspect(b)))?;
    let start = chunk * CHUNK;
    let first = start
        + text
            .as_bytes()
            .get(start..)?
            .iter()
            .position(|&b| suspect(b))?;
    // `first` is an ASCII byte or a lead byte, so a character boundary.
    text.get(first..)?
        .find(|c: char| c.is_control() && !c.is_whitespace())
        .map(|offset| first + offset)
}

fn check_schema_version(file: &str, found: Option<u64>) -> Result<(), ReportError> {
    match found {
        Some(found) if found > u64::from(SCHEMA_VERSION) => Err(ReportError::NewerSchema {
            file: file.to_owned(),
            found,
            supported: SCHEMA_VERSION,
        }),
        _ => Ok(()),
    }
}

fn peek_schema_version(body: &str) -> Option<u64> {
    #[derive(Deserialize)]
    struct Peek {
        schema_version: Option<u64>,
    }
    serde_json::from_str::<Peek>(body).ok()?.schema_version
}

fn json_kind(body: &str) -> Option<String> {
    let value: serde_json::Value = serde_json::from_str(body).ok()?;
    Some(
        match value {
            serde_json::Value::Array(_) => "a JSON array",
            serde_json::Value::String(_) => "a JSON string",
            serde_json::Value::Number(_) => "a number",
            serde_json::Value::Bool(_) => "a boolean",
            serde_json::Value::Null => "null",
            serde_json::Value::Object(_) => return None,
        }
        .to_owned(),
    )
}

fn decode_error(
    file: &str,
    body: &str,
    error: serde_path_to_error::Error<serde_json::Error>,
) -> ReportError {
    let path = error.path().to_string();
    let inner = error.into_inner();
    let message = strip_position(&inner.to_string());
    if inner.is_data() && path != "." {
        return ReportError::WrongType {
            file: file.to_owned(),
            field: path,
            message,
        };
    }
    syntax_error(file, body, &inner)
}

fn syntax_error(file: &str, body: &str, error: &serde_json::Error) -> ReportError {
    let message = strip_position(&error.to_string());
    let field = key_at(body, error.line(), error.column())
        .map(|key| format!(" in field `{key}`"))
        .unwrap_or_default();
    let hint = python_literal_at(body, error.line(), error.column())
        .map(|lit| format!(" (`{lit}` is Python's, not JSON's; write null)"))
        .unwrap_or_default();
    ReportError::Syntax {
        file: file.to_owned(),
        line: error.line(),
        column: error.column(),
        message: format!("{message}{field}{hint}"),
    }
}

pub(super) fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

/// The key whose value was being read at a syntax error, when it is on the same line
/// (`"gpu": None` gives `gpu`), so that the message can name the field.
fn key_at(body: &str, line: usize, column: usize) -> Option<&str> {
    let text = body.lines().nth(line.checked_sub(1)?)?;
    let end = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let before = text.get(..end)?;
    let colon = before.rfind("\":")?;
    let open = before.get(..colon)?.rfind('"')?;
    let key = before.get(open + 1..colon)?;
    let plain = |c: char| c.is_alphanumeric() || c == '_' || c == '-';
    (!key.is_empty() && key.len() <= 64 && key.chars().all(plain)).then_some(key)
}

/// Python's `json.dump` writes `NaN` and `Infinity`, which are not JSON; a hand-edited
/// report may hold Python's `None`.
fn python_literal_at(body: &str, line: usize, column: usize) -> Option<&'static str> {
    let text = body.lines().nth(line.checked_sub(1)?)?;
    let start = text
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| i);
    let around = text.get(start.saturating_sub(1)..)?;
    ["-Infinity", "Infinity", "NaN", "None"]
        .into_iter()
        .find(|lit| {
            around
                .trim_start_matches([':', ' ', '[', ','])
                .starts_with(lit)
        })
}
