//! Standard output that a reader who stops reading (`llmcap plan reports/ | head`) does not
//! turn into a panic: `print!` panics when the pipe is closed.

use std::io::Write;

/// Writes `text` to standard output. A closed pipe is not an error: the reader wanted no
/// more, and the command still finishes its work (files are written) and keeps its exit
/// code. Any other write error is reported once on standard error.
pub fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write to standard output: {e}");
    }
}
