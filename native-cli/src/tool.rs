//! Running external tools (`nvidia-smi`, `ollama`, `python3`, ...) with a time limit.
//!
//! A missing, failing or hung tool is an ordinary outcome here, never a crash: the caller turns
//! it into a warning in the report.

use std::io::Read;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::Duration;
use thiserror::Error;
use wait_timeout::ChildExt;

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

/// Starts the tool in a process group of its own, so that a timeout can stop everything it
/// started: a tool is often a script (a pyenv shim for `python3`) whose real work is a child.
///
/// # Platform-specific behaviour
///
/// On Unix, a new process group; elsewhere, nothing.
#[cfg(unix)]
fn own_group(command: &mut Command) {
    use std::os::unix::process::CommandExt;
    command.process_group(0);
}

/// See the Unix version.
#[cfg(not(unix))]
fn own_group(_command: &mut Command) {}

/// Stops a tool that ran out of time, with everything it started.
///
/// # Platform-specific behaviour
///
/// On Unix, kills the tool's process group; elsewhere, the tool alone.
#[cfg(unix)]
fn kill_all(child: &mut std::process::Child) {
    use nix::sys::signal::{Signal, killpg};
    use nix::unistd::Pid;
    if let Ok(id) = i32::try_from(child.id()) {
        let _ = killpg(Pid::from_raw(id), Signal::SIGKILL);
    }
    let _ = child.kill();
}

/// See the Unix version.
#[cfg(not(unix))]
fn kill_all(child: &mut std::process::Child) {
    let _ = child.kill();
}

/// Runs `program args...` and returns its standard output, or why there is none.
pub fn run(
    program: impl AsRef<Path>,
    args: &[&str],
    timeout: Duration,
) -> Result<String, ToolError> {
    let program = program.as_ref();
    let name = program.display().to_string();
    let mut command = Command::new(program);
    command
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    own_group(&mut command);
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ToolError::NotFound(name));
        }
        Err(e) => {
            return Err(ToolError::Io {
                tool: name,
                message: e.to_string(),
            });
        }
    };
    // Read both pipes on threads so a chatty tool cannot block on a full pipe.
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let status = match child.wait_timeout(timeout) {
        Ok(Some(status)) => status,
        Ok(None) => {
            kill_all(&mut child);
            let _ = child.wait();
            return Err(ToolError::TimedOut {
                tool: name,
                seconds: timeout.as_secs_f64(),
            });
        }
        Err(e) => {
            let _ = child.kill();
            return Err(ToolError::Io {
                tool: name,
                message: e.to_string(),
            });
        }
    };
    let stdout = stdout.and_then(|h| h.join().ok()).unwrap_or_default();
    let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    if status.success() {
        Ok(stdout)
    } else {
        Err(ToolError::Failed {
            tool: name,
            status: status.to_string(),
            stderr: stderr
                .lines()
                .next()
                .unwrap_or("")
                .trim()
                .chars()
                .take(200)
                .collect(),
        })
    }
}

fn drain(mut pipe: impl Read + Send + 'static) -> thread::JoinHandle<String> {
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.by_ref().take(4 * 1024 * 1024).read_to_end(&mut bytes);
        String::from_utf8_lossy(&bytes).into_owned()
    })
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
