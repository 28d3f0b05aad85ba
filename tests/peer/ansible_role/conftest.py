"""Fixtures of the role's peer job: the tools (setup.sh must have run) and labs."""

import pytest

from role import ROLE_DIR, VENV_BIN


@pytest.fixture(scope="session", autouse=True)
def tools():
    """The venv and the unmodified ovirt.ovirt collection from setup.sh."""
    missing = [p for p in (VENV_BIN / "ansible-playbook", ROLE_DIR / "tasks" / "main.yml") if not p.exists()]
    if missing:
        pytest.fail(f"run tests/peer/ansible_role/setup.sh first: {missing} missing")
