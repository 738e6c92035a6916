#!/usr/bin/env bash
# Runs the Ansible tests: installs ansible-core when absent (scripts/setup-ansible.sh), checks
# the playbooks' syntax, and runs the ansible_* scenarios of the tests crate, which parse the
# exported inventory with ansible-inventory and run deploy/ansible/probe.yml, prepare.yml
# and run.yml for real against aliases of this machine (ansible_connection=local).
#
# `cargo test --workspace` skips these scenarios unless LLMCAP_TEST_ANSIBLE=1 is set (it
# installs nothing); scripts/test.sh sets it. This script is the quick way to run only them.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n==> %s\n' "$*"; }

step "ansible-core"
bin="$(scripts/setup-ansible.sh | tail -n 1)"

step "Playbook syntax"
for playbook in deploy/ansible/*.yml; do
  ANSIBLE_NOCOLOR=1 "$bin/ansible-playbook" -i localhost, --syntax-check "$playbook"
done

[[ "${1:-}" == "--syntax-only" ]] && exit 0

step "Ansible scenarios"
# The scenarios run the llmcap binary: build it, since this runs only the tests crate.
cargo build --locked -p llmcap
LLMCAP_TEST_ANSIBLE=1 cargo test --locked -p llmcap-tests --test tests ansible_
