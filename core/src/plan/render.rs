//! The plan as bytes: `distributed_plan.json` and the terminal's tables, shared by the CLI,
//! the page and the tests so that all show the same thing.

use super::output::{Assignment, Plan};
use std::borrow::Cow;
use std::fmt::Write;

/// The plan as `distributed_plan.json`: pretty JSON with 2-space indents and a final newline.
///
/// Deterministic: the same plan gives the same bytes on every platform (keys in a fixed
/// order, numbers written by `serde_json`'s shortest round-trip formatting).
pub fn plan_json(plan: &Plan) -> String {
    let mut bytes = Vec::new();
    match write_plan_json(plan, &mut bytes).map(|()| String::from_utf8(bytes)) {
        Ok(Ok(text)) => text,
        // The plan holds only strings, numbers, booleans and lists, and serde_json writes
        // UTF-8: neither can fail.
        Ok(Err(error)) => format!("{{\"error\": {:?}}}\n", error.to_string()),
        Err(error) => format!("{{\"error\": {:?}}}\n", error.to_string()),
    }
}

/// Writes [`plan_json`]'s bytes to `out` as they are made, so a plan of 100,000 machines
/// never sits in memory as one string. Fails only when `out` does.
///
/// serde_json writes each key, value and indent as a write of its own: they go through a
/// buffer here, whose writes the compiler sees, so that `out` (often a `&mut dyn Write`)
/// gets a few large writes instead of millions of calls it cannot inline.
pub fn write_plan_json<W: std::io::Write>(plan: &Plan, out: W) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, out);
    serde_json::to_writer_pretty(&mut out, plan).map_err(std::io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Cells wider than this are shortened with `…` (the reason, last, is never shortened).
const MAX_CELL: usize = 42;

/// The plan for a terminal: a table per phase, then exclusions, replaced and rejected files,
/// and the warnings. Control characters from file names are escaped.
pub fn render_text(plan: &Plan) -> String {
    let mut out = String::new();
    let _ = write_text(plan, &mut out);
    out
}

/// Writes [`render_text`]'s text to `out` as it is made, a table row at a time. Fails only
/// when `out` does.
pub fn write_text<W: Write>(plan: &Plan, out: &mut W) -> std::fmt::Result {
    let files =
        plan.machines.len() + plan.rejected.len() + plan.duplicates.len() + plan.replaced.len();
    writeln!(
        out,
        "Plan ({} strategy): {} from {}",
        plan.strategy,
        count(plan.machines.len(), "machine"),
        count(files, "file")
    )?;
    let titles = [
        "prerequisites (P1-P3)",
        "E0/E1 and data generation",
        "E2 fine-tuning",
    ];
    for ((number, list), title) in plan.phases().into_iter().zip(titles) {
        writeln!(out, "\nPhase {number}: {title}")?;
        if list.is_empty() {
            out.write_str("  (no machine)\n")?;
        } else {
            table(out, || list.iter().map(row))?;
        }
        let span = plan.timeline.iter().flat_map(|t| &t.phases);
        for span in span.filter(|s| s.phase == number) {
            writeln!(
                out,
                "  estimated makespan {} (slowest: {})",
                duration(span.makespan_seconds),
                span.bottleneck
            )?;
        }
    }
    if let Some(timeline) = &plan.timeline {
        writeln!(
            out,
            "\nEstimated total: {} (the phases with a known duration, one after another)",
            duration(timeline.total_seconds)
        )?;
    }
    section(
        out,
        "Excluded",
        plan.excluded
            .iter()
            .map(|e| format!("{} ({}): {}", e.hostname, e.file, e.reason)),
    )?;
    section(
        out,
        "Replaced",
        plan.replaced.iter().map(|r| {
            format!(
                "{} ({}) by {} ({}) for {}",
                r.file, r.timestamp, r.kept_file, r.kept_timestamp, r.hostname
            )
        }),
    )?;
    section(
        out,
        "Duplicates",
        plan.duplicates
            .iter()
            .map(|d| format!("{} is the same report as {}", d.file, d.duplicate_of)),
    )?;
    section(
        out,
        "Rejected",
        plan.rejected.iter().map(|r| r.error.clone()),
    )?;
    section(out, "Warnings", plan.warnings.iter().cloned())
}

/// Seconds as a person reads them: `45 s`, `12 min`, `3.4 h`, `2.1 days`.
pub fn duration(seconds: f64) -> String {
    match seconds {
        s if s < 90.0 => format!("{s:.0} s"),
        s if s < 5400.0 => format!("{:.0} min", s / 60.0),
        s if s < 172_800.0 => format!("{:.1} h", s / 3600.0),
        s => format!("{:.1} days", s / 86_400.0),
    }
}

/// `1 file`, `2 files`.
fn count(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// The phase tables' columns.
const HEADER: [&str; 9] = [
    "machine",
    "experiment",
    "parallel",
    "model",
    "batch",
    "accum",
    "E0 %",
    "configs",
    "reason",
];

/// A table row: a cell per [`HEADER`] column, borrowed from the assignment where it can be
/// (a plan of 100,000 machines has some 190,000 rows, and the table goes over them twice).
type Row<'a> = [Cow<'a, str>; HEADER.len()];

fn row(a: &Assignment) -> Row<'_> {
    [
        Cow::Borrowed(&a.machine),
        Cow::Borrowed(a.experiment.as_str()),
        Cow::Borrowed(if a.parallel { "yes" } else { "no" }),
        Cow::Borrowed(a.model.as_deref().unwrap_or("-")),
        Cow::Owned(a.batch_size.to_string()),
        Cow::Owned(a.gradient_accumulation_steps.to_string()),
        a.share_percent
            .map_or(Cow::Borrowed("-"), |s| Cow::Owned(s.to_string())),
        a.configs.map_or(Cow::Borrowed("-"), |c| {
            Cow::Owned(format!("{}..{}", c.start, c.end))
        }),
        Cow::Borrowed(&a.reason),
    ]
}

/// A table with a column per [`HEADER`] cell, each as wide as its widest cell: a first pass
/// over `rows` measures, a second writes, so the rows are never all held at once.
fn table<'a, W: Write, I: Iterator<Item = Row<'a>>>(
    out: &mut W,
    rows: impl Fn() -> I,
) -> std::fmt::Result {
    let last = HEADER.len() - 1;
    let cells = |mut r: Row<'a>| -> Row<'a> {
        for (i, cell) in r.iter_mut().enumerate() {
            let text = escape(std::mem::take(cell));
            *cell = if i == last { text } else { shorten(text) };
        }
        r
    };
    let all = || {
        std::iter::once(HEADER.map(Cow::Borrowed))
            .chain(rows())
            .map(cells)
    };
    let mut widths = [0; HEADER.len()];
    for r in all() {
        for (w, c) in widths.iter_mut().zip(&r) {
            *w = (*w).max(c.chars().count());
        }
    }
    for r in all() {
        out.write_char(' ')?;
        for (i, c) in r.iter().enumerate() {
            // `{:<w$}` pads by characters, as the widths were measured.
            if i < last {
                write!(out, " {c:<w$} ", w = widths[i])?;
            } else {
                write!(out, " {c}")?;
            }
        }
        out.write_char('\n')?;
    }
    Ok(())
}

fn section<W: Write>(
    out: &mut W,
    title: &str,
    lines: impl Iterator<Item = String>,
) -> std::fmt::Result {
    let lines: Vec<String> = lines.collect();
    if lines.is_empty() {
        return Ok(());
    }
    writeln!(out, "\n{title} ({})", lines.len())?;
    for line in lines {
        writeln!(out, "  {}", crate::text::escape_controls(&line))?;
    }
    Ok(())
}

/// Escapes control characters so no file name can move the cursor or clear the screen;
/// text without any is passed on as it is.
fn escape(text: Cow<'_, str>) -> Cow<'_, str> {
    let escaped = match crate::text::escape_controls(&text) {
        Cow::Owned(escaped) => Some(escaped),
        Cow::Borrowed(_) => None,
    };
    escaped.map_or(text, Cow::Owned)
}

/// `text` cut to [`MAX_CELL`] characters, ending in `…` when it was longer.
fn shorten(text: Cow<'_, str>) -> Cow<'_, str> {
    if text.chars().count() <= MAX_CELL {
        return text;
    }
    let mut short: String = text.chars().take(MAX_CELL - 1).collect();
    short.push('…');
    Cow::Owned(short)
}
