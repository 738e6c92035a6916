//! Running Ansible for the Ansible tests: ansible-core from the repo-local virtual environment
//! that `scripts/setup-ansible.sh` installs, with settings that keep each run inside its own
//! temporary folder. The tests run only with `LLMCAP_TEST_ANSIBLE=1` (`gate`).

use crate::common::repo;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Whether the Ansible tests run (`LLMCAP_TEST_ANSIBLE`, see `gate`): a test returns at once
/// when this is false.
pub fn enabled() -> bool {
    crate::gate::ansible_bin().is_some()
}

/// The virtual environment's `bin` folder, in a test that checked [`enabled`].
pub fn venv_bin() -> PathBuf {
    crate::gate::ansible_bin().expect("an Ansible test checks ansible_tools::enabled() first")
}

/// An Ansible command (`ansible-playbook`, `ansible-inventory`) run in `dir`, with its state,
/// temporary files and configuration kept out of the user's home.
pub fn ansible(tool: &str, dir: &Path) -> Command {
    let mut command = Command::new(venv_bin().join(tool));
    let state = dir.join(".ansible");
    command
        .current_dir(dir)
        .env("ANSIBLE_HOME", &state)
        .env("ANSIBLE_LOCAL_TEMP", state.join("tmp"))
        .env("ANSIBLE_REMOTE_TEMP", state.join("remote-tmp"))
        .env("ANSIBLE_ASYNC_DIR", state.join("async"))
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_HOST_KEY_CHECKING", "False")
        .env("ANSIBLE_RETRY_FILES_ENABLED", "False")
        .env("ANSIBLE_TIMEOUT", "10")
        .env_remove("ANSIBLE_INVENTORY")
        .env_remove("LLMCAP_MODEL_DIR");
    command
}

/// `ansible-playbook -i INVENTORY... PLAYBOOK` (a playbook of `deploy/ansible/`) in `dir`.
pub fn playbook(dir: &Path, inventories: &[&Path], name: &str, path_env: Option<&str>) -> Output {
    let mut command = ansible("ansible-playbook", dir);
    for inventory in inventories {
        command.arg("-i").arg(inventory);
    }
    command.arg(repo().join("deploy/ansible").join(name));
    if let Some(path) = path_env {
        command.env("PATH", path);
    }
    command.output().unwrap()
}

/// Everything a run printed, for assertion messages.
pub fn transcript(output: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        output.status.code(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// A YAML file (a playbook's summary) as JSON, read with the venv's PyYAML.
pub fn read_yaml(path: &Path) -> Value {
    let output = Command::new(venv_bin().join("python"))
        .args([
            "-c",
            "import json, sys, yaml; print(json.dumps(yaml.safe_load(open(sys.argv[1]))))",
        ])
        .arg(path)
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", transcript(&output));
    serde_json::from_slice(&output.stdout).unwrap()
}

/// The variables every local test host needs: this Python, and a connection that never
/// leaves the machine.
pub fn local_host() -> Value {
    serde_json::json!({
        "ansible_connection": "local",
        "ansible_python_interpreter": "{{ ansible_playbook_python }}",
    })
}

/// A TCP port on 127.0.0.1 that nothing listens on: connecting is refused at once.
pub fn closed_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

/// The summary's row for `host`.
pub fn row<'a>(summary: &'a Value, host: &str) -> &'a Value {
    summary["hosts"]
        .as_array()
        .and_then(|rows| rows.iter().find(|r| r["host"] == host))
        .unwrap_or_else(|| panic!("no row for {host} in {summary:#}"))
}
