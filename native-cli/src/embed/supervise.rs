//! Running the embedding worker under a time limit (with [`crate::child`]) and telling how
//! it ended.

use crate::child::{self, Keep};
use std::process::{Command, ExitStatus};
use std::time::Duration;

pub use crate::child::Outcome;

/// The most of each output stream kept: its last bytes, where the worker's result line and
/// its last error lines are.
const KEEP_BYTES: usize = 64 * 1024;

/// Runs a worker `command` for at most `limit`, capturing stdout, and stderr when
/// `capture_stderr` (else the worker writes to this process's stderr, as the download's
/// progress does). The worker stays in this process's group, so Ctrl-C reaches it too.
pub fn run(command: Command, limit: Duration, capture_stderr: bool) -> Outcome {
    let options = child::Options {
        timeout: limit,
        kill_group: false,
        keep: Keep::Tail(KEEP_BYTES),
        capture_stderr,
    };
    child::run(command, &options)
}

/// Signals a dying worker most often meets, with what they usually mean.
#[cfg(unix)]
const SIGNALS: &[(i32, &str, &str)] = &[
    (9, "SIGKILL", "out of memory?"),
    (
        6,
        "SIGABRT",
        "a memory allocation failed or a library aborted",
    ),
    (11, "SIGSEGV", "a crash in native code"),
    (4, "SIGILL", "this CPU lacks an instruction the binary uses"),
    (8, "SIGFPE", "an arithmetic fault"),
    (15, "SIGTERM", "stopped by another process"),
    (
        SIGBUS,
        "SIGBUS",
        "a file changed while in use, or memory ran out",
    ),
];

#[cfg(all(unix, target_os = "linux"))]
const SIGBUS: i32 = 7;
#[cfg(all(unix, not(target_os = "linux")))]
const SIGBUS: i32 = 10;

/// Exit code of a Rust program that panicked.
const PANIC_EXIT_CODE: i32 = 101;

/// Says how a child ended: "exited with code 3", "panicked (exit code 101)", "was killed by
/// signal 9 (SIGKILL: out of memory?)".
///
/// # Platform-specific behaviour
///
/// Signals exist on Unix only; elsewhere only exit codes are told.
pub fn describe_exit(status: ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(signal) = status.signal() {
            return match SIGNALS.iter().find(|(n, _, _)| *n == signal) {
                Some((_, name, hint)) => {
                    format!("was killed by signal {signal} ({name}: {hint})")
                }
                None => format!("was killed by signal {signal}"),
            };
        }
    }
    match status.code() {
        Some(PANIC_EXIT_CODE) => format!("panicked (exit code {PANIC_EXIT_CODE})"),
        Some(code) => format!("exited with code {code}"),
        None => "ended without an exit code".to_owned(),
    }
}

/// The last few meaningful lines of a child's stderr, on one line, for a reason text.
pub fn stderr_gist(stderr: &str, skip_prefix: &str) -> Option<String> {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with(skip_prefix))
        .filter(|l| !l.starts_with("note: run with `RUST_BACKTRACE"))
        .collect();
    let tail = &lines[lines.len().saturating_sub(3)..];
    (!tail.is_empty()).then(|| super::protocol::clip(&tail.join(" | "), 400))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    fn shell(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    #[cfg(unix)]
    #[test]
    fn collects_output_and_status() {
        match run(
            shell("echo out; echo err >&2; exit 3"),
            Duration::from_secs(10),
            true,
        ) {
            Outcome::Exited {
                status,
                stdout,
                stderr,
            } => {
                assert_eq!(describe_exit(status), "exited with code 3");
                assert_eq!((stdout.as_str(), stderr.as_str()), ("out\n", "err\n"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_child_past_its_limit_is_killed_promptly() {
        let started = Instant::now();
        let outcome = run(
            shell("echo begun >&2; sleep 30"),
            Duration::from_millis(300),
            true,
        );
        assert!(started.elapsed() < Duration::from_secs(10));
        match outcome {
            Outcome::TimedOut { stderr } => assert_eq!(stderr, "begun\n"),
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_large_output_does_not_block_and_its_end_is_kept() {
        let script = "head -c 1000000 /dev/zero | tr '\\0' x; echo; echo LAST";
        match run(shell(script), Duration::from_secs(20), true) {
            Outcome::Exited { stdout, .. } => {
                assert!(stdout.len() <= KEEP_BYTES, "{}", stdout.len());
                assert!(stdout.ends_with("LAST\n"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[cfg(unix)]
    #[test]
    fn signals_are_named_with_their_usual_cause() {
        match run(shell("kill -9 $$"), Duration::from_secs(10), true) {
            Outcome::Exited { status, .. } => assert_eq!(
                describe_exit(status),
                "was killed by signal 9 (SIGKILL: out of memory?)"
            ),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_missing_program_fails_to_start() {
        let outcome = run(
            Command::new("/nonexistent/llmcap-worker"),
            Duration::from_secs(1),
            true,
        );
        assert!(matches!(outcome, Outcome::Failed(_)), "{outcome:?}");
    }

    #[test]
    fn stderr_gist_keeps_the_last_meaningful_lines() {
        let stderr = "llmcap-embed: stage loading\n\nthread 'main' panicked at x.rs:1:2:\n\
                      index out of bounds\nnote: run with `RUST_BACKTRACE=1` ...\n";
        assert_eq!(
            stderr_gist(stderr, "llmcap-embed:").as_deref(),
            Some("thread 'main' panicked at x.rs:1:2: | index out of bounds")
        );
        assert_eq!(
            stderr_gist("llmcap-embed: stage x\n", "llmcap-embed:"),
            None
        );
    }
}
