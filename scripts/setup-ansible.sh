#!/usr/bin/env bash
# Installs ansible-core (pinned) into the repo-local virtual environment .cache/ansible-venv
# when it is absent or at another version; fast when already installed. The Ansible tests
# (tests/tests/ansible_*.rs, scripts/test-ansible.sh) use .cache/ansible-venv/bin/ansible-*.
#
# Usage: scripts/setup-ansible.sh        (prints the venv's bin folder on its last line)
set -euo pipefail
cd "$(dirname "$0")/.."

# 2.19 is the newest ansible-core series that runs on Python 3.11 (2.20 needs 3.12).
ANSIBLE_CORE_VERSION=2.19.14
VENV=.cache/ansible-venv

installed_version() {
  "$VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("ansible-core"))' 2>/dev/null || true
}

if [[ -x "$VENV/bin/ansible-playbook" && "$(installed_version)" == "$ANSIBLE_CORE_VERSION" ]]; then
  echo "ansible-core $ANSIBLE_CORE_VERSION already in $VENV"
else
  echo "installing ansible-core $ANSIBLE_CORE_VERSION into $VENV"
  if ! python3 -m venv "$VENV"; then
    # Debian's python3 lacks the venv module until python3-venv is installed.
    if [[ $EUID -eq 0 ]] && command -v apt-get >/dev/null; then
      apt-get install -y -q python3-venv
      rm -rf "$VENV"
      python3 -m venv "$VENV"
    else
      echo "error: python3 -m venv failed; install python3-venv (Debian) and retry" >&2
      exit 1
    fi
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check \
    "ansible-core==$ANSIBLE_CORE_VERSION"
  echo "installed ansible-core $(installed_version)"
fi
echo "$PWD/$VENV/bin"
