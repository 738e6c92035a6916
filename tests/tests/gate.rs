//! Suites that need a tool beside the Rust toolchain run only when asked, so that `cargo test
//! --workspace` installs nothing and needs nothing else:
//!
//! | variable | suite | needs |
//! |---|---|---|
//! | `LLMCAP_TEST_PYTHON=1` | the guide's own scripts against llmcap | `python3` on the PATH |
//! | `LLMCAP_TEST_ANSIBLE=1` | the playbooks and the exported inventory, run by Ansible | `.cache/ansible-venv` from `scripts/setup-ansible.sh` |
//!
//! Without its variable a test prints `skipped: …` on the terminal and returns; with it, a
//! missing tool fails the test with the command that installs it. `scripts/test.sh` prepares
//! every tool and sets every variable.

use crate::common::repo;
use std::collections::BTreeSet;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

/// Whether the suite gated by `var` runs. It does when `var` is set to anything but empty or
/// `0`; otherwise the test's skip is printed once, past the test harness's capture, so it is
/// seen in `cargo test`'s output.
pub fn enabled(var: &str, needs: &str) -> bool {
    let on = std::env::var_os(var).is_some_and(|v| !v.is_empty() && v != "0");
    if !on {
        note_skip(var, needs);
    }
    on
}

fn note_skip(var: &str, needs: &str) {
    static NOTED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test").to_owned();
    let first = NOTED
        .lock()
        .map_or(true, |mut noted| noted.insert(test.clone()));
    if first {
        // Straight to the terminal: the harness captures only print!/eprint!.
        let _ = writeln!(
            std::io::stderr().lock(),
            "skipped: {test}: set {var}=1 to run (needs {needs})"
        );
    }
}

/// `python3`, for the tests that run the guide's scripts; `None` (the test is skipped) unless
/// `LLMCAP_TEST_PYTHON` is set. Set but not runnable fails the test.
pub fn python() -> Option<Command> {
    if !enabled("LLMCAP_TEST_PYTHON", "python3") {
        return None;
    }
    static FOUND: OnceLock<Result<(), String>> = OnceLock::new();
    let found = FOUND.get_or_init(|| {
        let status = Command::new("python3")
            .arg("--version")
            .stdout(Stdio::null())
            .status();
        match status {
            Ok(s) if s.success() => Ok(()),
            Ok(s) => Err(format!("`python3 --version` exited with {s}")),
            Err(e) => Err(format!("python3 cannot be run: {e}")),
        }
    });
    if let Err(why) = found {
        panic!("LLMCAP_TEST_PYTHON is set, but {why}: install Python 3, or unset the variable");
    }
    Some(Command::new("python3"))
}

/// The `bin` folder of the repo-local ansible-core; `None` (the test is skipped) unless
/// `LLMCAP_TEST_ANSIBLE` is set. Set without `scripts/setup-ansible.sh` having run fails the
/// test. Nothing is installed here.
pub fn ansible_bin() -> Option<PathBuf> {
    if !enabled(
        "LLMCAP_TEST_ANSIBLE",
        "ansible-core from scripts/setup-ansible.sh",
    ) {
        return None;
    }
    let bin = repo().join(".cache/ansible-venv/bin");
    assert!(
        bin.join("ansible-playbook").is_file() && bin.join("python").exists(),
        "LLMCAP_TEST_ANSIBLE is set, but {} has no ansible-playbook: run scripts/setup-ansible.sh \
         (it installs ansible-core from PyPI), or unset the variable",
        bin.display()
    );
    Some(bin)
}
