//! Text for a terminal: control characters from reports, file names or tools escaped, so
//! that no value can move the cursor, clear the screen, write the clipboard (OSC 52) or
//! start a line of its own.

use std::borrow::Cow;

/// `text` with every control character (newlines and tabs included) written as its Rust
/// escape (`\n`, `\u{1b}`); unchanged, and not copied, when it has none.
pub fn escape_controls(text: &str) -> Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let escaped = text
        .chars()
        .map(|c| {
            if c.is_control() {
                c.escape_default().to_string()
            } else {
                c.to_string()
            }
        })
        .collect();
    Cow::Owned(escaped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_plain_text_is_borrowed() {
        assert!(matches!(escape_controls("NVIDIA H200"), Cow::Borrowed(_)));
        assert_eq!(
            escape_controls("a\u{1b}]52;c;ZXZpbA==\u{7}b\nerror: forged"),
            "a\\u{1b}]52;c;ZXZpbA==\\u{7}b\\nerror: forged"
        );
        assert_eq!(escape_controls("\u{9b}2J"), "\\u{9b}2J");
    }
}
