//! Progress on standard error: a spinner on a terminal, plain step lines otherwise, nothing
//! with `--quiet`.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Duration;

/// Reports the probe's steps.
#[derive(Debug)]
pub struct Progress {
    mode: Mode,
    step: usize,
    total: usize,
}

#[derive(Debug)]
enum Mode {
    Quiet,
    Lines,
    Spinner(ProgressBar),
}

impl Progress {
    /// A reporter for `total` steps. `NO_COLOR` or a non-terminal standard error gives plain
    /// lines.
    pub fn new(quiet: bool, total: usize) -> Progress {
        let mode = if quiet {
            Mode::Quiet
        } else if std::io::stderr().is_terminal()
            && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        {
            let bar = ProgressBar::new_spinner();
            bar.set_style(
                ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(100));
            Mode::Spinner(bar)
        } else {
            Mode::Lines
        };
        Progress {
            mode,
            step: 0,
            total,
        }
    }

    /// Starts the next step.
    pub fn step(&mut self, message: &str) {
        self.step += 1;
        let line = format!("[{}/{}] {message}", self.step, self.total);
        match &self.mode {
            Mode::Quiet => {}
            Mode::Lines => crate::out::eprint_line(line),
            Mode::Spinner(bar) => bar.set_message(line),
        }
    }

    /// Clears the spinner.
    pub fn finish(&self) {
        if let Mode::Spinner(bar) = &self.mode {
            bar.finish_and_clear();
        }
    }
}
