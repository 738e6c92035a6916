//! Running external tools (`nvidia-smi`, `ollama`, `python3`, ...) with a time limit.
//!
//! A missing, failing or hung tool is an ordinary outcome here, never a crash: the caller turns
//! it into a warning in the report.

use crate::child::{self, Keep, Outcome};
use std::path::Path;
use std::process::Command;
use std::time::Duration;
use thiserror::Error;

/// Why a tool gave no usable output.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum ToolError {
    /// Not installed (not on `PATH`).
    #[error("`{0}` not found")]
    NotFound(String),
    /// Did not finish in time; it was killed.
    #[error("`{tool}` did not answer within {seconds} s and was stopped")]
    TimedOut {
        /// The command.
        tool: String,
        /// The limit.
        seconds: f64,
    },
    /// Ran and failed.
    #[error("`{tool}` failed ({status}): {stderr}")]
    Failed {
        /// The command.
        tool: String,
        /// Exit status.
        status: String,
        /// First line of its error output.
        stderr: String,
    },
    /// Could not be started for another reason.
    #[error("`{tool}` could not run: {message}")]
    Io {
        /// The command.
        tool: String,
        /// The OS error.
        message: String,
    },
}

/// The most of a tool's output kept: its first bytes, where its answer is.
const KEEP_BYTES: usize = 4 * 1024 * 1024;

/// Runs `program args...` and returns its standard output, or why there is none. The tool
/// runs in a process group of its own, so a timeout stops everything it started, and
/// reading its output ends at the same deadline (see [`crate::child`]).
pub fn run(
    program: impl AsRef<Path>,
    args: &[&str],
    timeout: Duration,
) -> Result<String, ToolError> {
    let program = program.as_ref();
    let tool = program.display().to_string();
    let mut command = Command::new(program);
    command.args(args);
    let options = child::Options {
        timeout,
        kill_group: true,
        keep: Keep::Head(KEEP_BYTES),
        capture_stderr: true,
    };
    match child::run(command, &options) {
        Outcome::Exited { status, stdout, .. } if status.success() => Ok(stdout),
        Outcome::Exited { status, stderr, .. } => Err(ToolError::Failed {
            tool,
            status: status.to_string(),
            stderr: first_line(&stderr),
        }),
        Outcome::TimedOut { .. } => Err(ToolError::TimedOut {
            tool,
            seconds: timeout.as_secs_f64(),
        }),
        Outcome::Failed(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(ToolError::NotFound(tool))
        }
        Outcome::Failed(e) => Err(ToolError::Io {
            tool,
            message: e.to_string(),
        }),
    }
}

/// The first line of an error output, trimmed and cut at 200 characters.
fn first_line(stderr: &str) -> String {
    stderr
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .chars()
        .take(200)
        .collect()
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

    #[test]
    fn missing_tool_is_not_found() {
        let err = run("llmcap-no-such-tool", &[], DEFAULT_TIMEOUT).unwrap_err();
        assert_eq!(err, ToolError::NotFound("llmcap-no-such-tool".into()));
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_timeout_stops_what_the_tool_started_too() {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        // A wrapper script whose real work is a child, as a pyenv shim is.
        let script = format!("sleep 1000 & echo $! > '{}'; wait", pid_file.display());
        let err = run("sh", &["-c", &script], Duration::from_millis(500)).unwrap_err();
        assert!(matches!(err, ToolError::TimedOut { .. }), "{err}");
        let pid = std::fs::read_to_string(&pid_file)
            .unwrap()
            .trim()
            .to_owned();
        // Killed, so gone or a zombie waiting for init to reap it; never still sleeping.
        let stopped = (0..40).any(|_| {
            let state = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
            let running = state
                .rsplit(')')
                .next()
                .is_some_and(|rest| !rest.trim_start().starts_with('Z') && !rest.is_empty());
            if running {
                std::thread::sleep(Duration::from_millis(50));
            }
            !running
        });
        assert!(stopped, "the tool's child {pid} still runs");
    }

    #[test]
    fn hung_tool_is_stopped_at_the_limit() {
        let started = std::time::Instant::now();
        let err = run("sleep", &["30"], Duration::from_millis(200)).unwrap_err();
        assert!(matches!(err, ToolError::TimedOut { .. }), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn failure_keeps_the_first_error_line() {
        let err = run("sh", &["-c", "echo boom >&2; exit 3"], DEFAULT_TIMEOUT).unwrap_err();
        assert!(err.to_string().contains("boom"), "{err}");
    }

    #[test]
    fn output_is_returned() {
        assert_eq!(
            run("sh", &["-c", "echo hi"], DEFAULT_TIMEOUT).unwrap(),
            "hi\n"
        );
    }
}
