//! Standard output and standard error that a closed or full stream does not turn into a
//! panic: `print!` and `eprintln!` panic when a write fails (`llmcap plan reports/ | head`,
//! `2>/dev/full`).

use llmcap_core::text::escape_controls;
use std::fmt::Display;
use std::io::Write;

/// Writes `text` to standard output. A closed pipe is not an error: the reader wanted no
/// more, and the command still finishes its work (files are written) and keeps its exit
/// code. Any other failure (a full disk, `>/dev/full`) is an error, which makes the command
/// exit with code 2.
pub fn print(text: &str) -> anyhow::Result<()> {
    print_with(|out| out.write_all(text.as_bytes()))
}

/// [`print()`] of what `write` writes, buffered, as it writes it.
pub fn print_with(write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> anyhow::Result<()> {
    let mut stdout = std::io::BufWriter::new(std::io::stdout().lock());
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::anyhow!("cannot write to standard output: {e}"))
        }
        _ => Ok(()),
    }
}

/// Writes one line to standard error, or nothing when it cannot be written: progress and
/// diagnostics are for a reader, and a closed or full standard error must not stop the
/// command from writing its files or change its exit code. Control characters in it (a
/// file name's newline or escape sequence) are escaped, so it stays one line and cannot
/// drive the terminal.
pub fn eprint_line(line: impl Display) {
    let line = line.to_string();
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(stderr, "{}", escape_controls(&line)).and_then(|()| stderr.flush());
}

/// `error: MESSAGE` on standard error, as [`eprint_line`] writes it.
pub fn error(message: impl Display) {
    eprint_line(format_args!("error: {message}"));
}

/// `warning: MESSAGE` on standard error, as [`eprint_line`] writes it.
pub fn warning(message: impl Display) {
    eprint_line(format_args!("warning: {message}"));
}
