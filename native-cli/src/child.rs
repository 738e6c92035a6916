//! Running a child process under one deadline: the tools the probe asks (`nvidia-smi`,
//! `ollama`, `python3`, ...) and the embedding test's worker.
//!
//! Both output streams are drained on threads, so a chatty child cannot block on a full
//! pipe. The deadline bounds the wait for the child and the reading of its output: a child
//! that exits but leaves a grandchild holding its output pipe (`setsid sleep 120 &`) costs at
//! most [`GRACE`] more, never more than the deadline, and what was read is kept. A child
//! killed at the deadline leaves a fifth of a second for its last output to be read.

use std::io::Read;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, PoisonError, mpsc};
use std::thread;
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

/// How long the output of a child that exited may still take to arrive (a grandchild that
/// inherited the pipe may never close it).
pub const GRACE: Duration = Duration::from_secs(2);

/// How long the output of a child killed at the deadline may still take to arrive.
const KILLED_DRAIN: Duration = Duration::from_millis(200);

/// Which part of an output stream is kept when it is longer than the limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keep {
    /// The first bytes: a tool's answer starts its output.
    Head(usize),
    /// The last bytes: a worker's result and its last error lines end its output.
    Tail(usize),
}

/// How to run a child.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// The deadline, counted from the start.
    pub timeout: Duration,
    /// Start the child in a process group of its own and kill the whole group on timeout:
    /// a tool is often a script (a pyenv shim for `python3`) whose real work is a child.
    pub kill_group: bool,
    /// How much of each stream to keep.
    pub keep: Keep,
    /// Capture standard error; otherwise the child writes to this process's standard error.
    pub capture_stderr: bool,
}

/// How a child ended.
#[derive(Debug)]
pub enum Outcome {
    /// It exited (or was killed by a signal) on its own.
    Exited {
        /// Its status.
        status: ExitStatus,
        /// Its standard output, as much as [`Options::keep`] keeps.
        stdout: String,
        /// Its standard error (empty when not captured).
        stderr: String,
    },
    /// It ran past the deadline and was killed.
    TimedOut {
        /// What it wrote to standard error before.
        stderr: String,
    },
    /// It could not be started or waited for.
    Failed(std::io::Error),
}

/// Runs `command` with `options`; standard input is closed.
pub fn run(mut command: Command, options: &Options) -> Outcome {
    let deadline = Instant::now() + options.timeout;
    command.stdin(Stdio::null()).stdout(Stdio::piped());
    command.stderr(if options.capture_stderr {
        Stdio::piped()
    } else {
        Stdio::inherit()
    });
    if options.kill_group {
        own_group(&mut command);
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => return Outcome::Failed(e),
    };
    let stdout = child.stdout.take().map(|s| drain(s, options.keep));
    let stderr = child.stderr.take().map(|s| drain(s, options.keep));
    let waited = child.wait_timeout(deadline.saturating_duration_since(Instant::now()));
    let status = match waited {
        Ok(Some(status)) => Ok(status),
        Ok(None) => Err(None),
        Err(e) => Err(Some(e)),
    };
    let read_until = if status.is_err() {
        stop(&mut child, options.kill_group);
        // What a killed child wrote last (its stage) is in the pipe already; take it.
        Instant::now() + KILLED_DRAIN
    } else {
        deadline.min(Instant::now() + GRACE)
    };
    let stdout = collect(stdout, read_until);
    let stderr = collect(stderr, read_until);
    match status {
        Ok(status) => Outcome::Exited {
            status,
            stdout,
            stderr,
        },
        Err(None) => Outcome::TimedOut { stderr },
        Err(Some(e)) => Outcome::Failed(e),
    }
}

/// Puts the child in a new process group.
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

/// Kills a child that ran out of time (with its process group when it has one) and reaps it.
///
/// # Platform-specific behaviour
///
/// On Unix, `kill_group` kills the child's process group; elsewhere, the child alone.
fn stop(child: &mut Child, kill_group: bool) {
    #[cfg(unix)]
    if kill_group {
        use nix::sys::signal::{Signal, killpg};
        use nix::unistd::Pid;
        if let Ok(id) = i32::try_from(child.id()) {
            let _ = killpg(Pid::from_raw(id), Signal::SIGKILL);
        }
    }
    #[cfg(not(unix))]
    let _ = kill_group;
    // Already gone is fine: either way it is reaped here.
    let _ = child.kill();
    let _ = child.wait();
}

/// An output stream being read on its own thread into a shared buffer.
struct Drain {
    kept: Arc<Mutex<Vec<u8>>>,
    keep: Keep,
    done: mpsc::Receiver<()>,
}

/// Reads `stream` to its end on a thread, keeping what `keep` says and dropping the rest.
fn drain<R: Read + Send + 'static>(mut stream: R, keep: Keep) -> Drain {
    let kept = Arc::new(Mutex::new(Vec::new()));
    let (tx, done) = mpsc::channel();
    let shared = Arc::clone(&kept);
    thread::spawn(move || {
        let mut buffer = [0u8; 8192];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) => break,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => break,
                Ok(n) => {
                    let mut kept = shared.lock().unwrap_or_else(PoisonError::into_inner);
                    append(&mut kept, &buffer[..n], keep);
                }
            }
        }
        let _ = tx.send(());
    });
    Drain { kept, keep, done }
}

/// Adds `bytes` to `kept`. A tail is trimmed only once it is twice the limit, so trimming
/// costs amortised constant time per byte.
fn append(kept: &mut Vec<u8>, bytes: &[u8], keep: Keep) {
    match keep {
        Keep::Head(limit) => {
            let room = limit.saturating_sub(kept.len());
            kept.extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
        Keep::Tail(limit) => {
            kept.extend_from_slice(bytes);
            if kept.len() > 2 * limit {
                let excess = kept.len() - limit;
                kept.drain(..excess);
            }
        }
    }
}

/// What a stream gave once it ended, or at `until`: whatever was read by then.
fn collect(drain: Option<Drain>, until: Instant) -> String {
    let Some(drain) = drain else {
        return String::new();
    };
    let _ = drain
        .done
        .recv_timeout(until.saturating_duration_since(Instant::now()));
    let kept = drain.kept.lock().unwrap_or_else(PoisonError::into_inner);
    let start = match drain.keep {
        Keep::Head(_) => 0,
        Keep::Tail(limit) => kept.len().saturating_sub(limit),
    };
    String::from_utf8_lossy(&kept[start..]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shell(script: &str) -> Command {
        let mut c = Command::new("sh");
        c.arg("-c").arg(script);
        c
    }

    fn options(timeout: Duration, keep: Keep) -> Options {
        Options {
            timeout,
            kill_group: true,
            keep,
            capture_stderr: true,
        }
    }

    #[test]
    fn a_head_keeps_the_first_bytes_and_a_tail_the_last() {
        let mut head = Vec::new();
        append(&mut head, b"abc", Keep::Head(4));
        append(&mut head, b"def", Keep::Head(4));
        assert_eq!(head, b"abcd");
        let mut tail = Vec::new();
        for chunk in [b"abc", b"def", b"ghi"] {
            append(&mut tail, chunk, Keep::Tail(2));
        }
        assert!(tail.len() <= 4 && tail.ends_with(b"hi"), "{tail:?}");
    }

    /// Runs `script`, which prints `answer` and leaves `setsid sleep 120` holding its
    /// output pipe, and returns the outcome and how long it took. The sleeper is killed.
    #[cfg(target_os = "linux")]
    fn run_with_a_lingering_grandchild(timeout: Duration) -> (Outcome, Duration) {
        let dir = tempfile::tempdir().unwrap();
        let pid_file = dir.path().join("pid");
        let script = format!(
            "echo answer; setsid sleep 120 & echo $! > '{}'",
            pid_file.display()
        );
        let started = Instant::now();
        let outcome = run(shell(&script), &options(timeout, Keep::Head(1024)));
        let elapsed = started.elapsed();
        if let Ok(pid) = std::fs::read_to_string(&pid_file) {
            let _ = Command::new("kill").args(["-9", pid.trim()]).status();
        }
        (outcome, elapsed)
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn a_grandchild_holding_the_pipe_costs_at_most_the_grace_and_keeps_the_output() {
        let (outcome, elapsed) = run_with_a_lingering_grandchild(Duration::from_secs(20));
        match outcome {
            Outcome::Exited { status, stdout, .. } => {
                assert!(status.success());
                assert_eq!(stdout, "answer\n");
            }
            other => panic!("{other:?}"),
        }
        assert!(elapsed < GRACE + Duration::from_secs(3), "{elapsed:?}");
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn reading_a_held_pipe_ends_at_the_deadline() {
        let timeout = Duration::from_millis(500);
        let (outcome, elapsed) = run_with_a_lingering_grandchild(timeout);
        assert!(
            matches!(&outcome, Outcome::Exited { stdout, .. } if stdout == "answer\n"),
            "{outcome:?}"
        );
        assert!(elapsed < GRACE, "{elapsed:?}");
    }
}
