//! Error lines for many bad reports: a bundle's are shown up to [`MAX_ERRORS_PER_FILE`],
//! then one line counts the rest, so that one file never floods a terminal.

use super::bundle::bundle_name;
use std::borrow::Cow;

/// The most error lines shown for the reports of one bundle.
pub const MAX_ERRORS_PER_FILE: usize = 10;

/// The lines to show for `errors`, each `(name, line)` in reading order, `name` being a
/// report's name (`file`, or `file#n` for a bundle's): every line of a plain file, and up to
/// [`MAX_ERRORS_PER_FILE`] of each bundle's, followed by one that counts the rest:
/// `file: … and 20 more bad reports in this bundle`.
pub fn error_lines<'a>(errors: impl IntoIterator<Item = (&'a str, &'a str)>) -> Vec<Cow<'a, str>> {
    let mut lines = Vec::new();
    // The bundle being shown, and how many of its lines were.
    let mut current: Option<(&str, usize)> = None;
    for (name, line) in errors {
        let bundle = bundle_name(name);
        match (&mut current, bundle) {
            (Some((file, shown)), Some(this)) if *file == this => *shown += 1,
            _ => {
                summarise(current.take(), &mut lines);
                current = bundle.map(|file| (file, 1));
            }
        }
        if current.is_none_or(|(_, shown)| shown <= MAX_ERRORS_PER_FILE) {
            lines.push(Cow::Borrowed(line));
        }
    }
    summarise(current, &mut lines);
    lines
}

/// The line that counts a bundle's bad reports beyond those shown.
fn summarise<'a>(bundle: Option<(&str, usize)>, lines: &mut Vec<Cow<'a, str>>) {
    if let Some((file, count)) = bundle
        && count > MAX_ERRORS_PER_FILE
    {
        let more = count - MAX_ERRORS_PER_FILE;
        let noun = if more == 1 { "report" } else { "reports" };
        lines.push(Cow::Owned(format!(
            "{file}: … and {more} more bad {noun} in this bundle"
        )));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bundles_lines_are_capped_and_plain_files_are_not() {
        let names: Vec<String> = (1..=25)
            .map(|i| format!("m.json#{i:02}"))
            .chain((1..=12).map(|i| format!("plain-{i:02}.json")))
            .chain((1..=11).map(|i| format!("n.json#{i:02}")))
            .collect();
        let errors: Vec<String> = names.iter().map(|n| format!("{n}: bad")).collect();
        let lines = error_lines(
            names
                .iter()
                .map(String::as_str)
                .zip(errors.iter().map(String::as_str)),
        );
        let lines: Vec<&str> = lines.iter().map(|l| l.as_ref()).collect();
        assert_eq!(lines.len(), 10 + 1 + 12 + 10 + 1, "{lines:#?}");
        assert_eq!(lines[9], "m.json#10: bad");
        assert_eq!(
            lines[10],
            "m.json: … and 15 more bad reports in this bundle"
        );
        assert_eq!(lines[11], "plain-01.json: bad");
        assert_eq!(lines[22], "plain-12.json: bad");
        assert_eq!(lines[33], "n.json: … and 1 more bad report in this bundle");
        let few = error_lines([("a.json#1", "a.json#1: bad"), ("b.json", "b.json: bad")]);
        assert_eq!(few, ["a.json#1: bad", "b.json: bad"]);
    }
}
