"""Fixtures of the collection's job: the shared tools of the peer job (setup.sh), the olvm_dr
wheel in their venv, the collection built and installed (run.sh does both), and a lab."""

import os
import pathlib
import sys

import pytest

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parents[1]
# The lab and the tools of the peer job (tests/peer/ansible_role): one setup for both jobs.
sys.path.insert(0, str(ROOT / "tests" / "peer" / "ansible_role"))

from role import ROLE_DIR, VENV_BIN  # noqa: E402

COLLECTIONS = pathlib.Path(os.environ.get("OLVM_DR_COLLECTIONS", ROOT / "target" / "ansible" / "collections"))


@pytest.fixture(scope="session", autouse=True)
def tools():
    """ansible-core, the unmodified ovirt.ovirt collection (its examples), olvm_dr and olvm.dr."""
    needed = [
        VENV_BIN / "ansible-playbook",
        ROLE_DIR / "examples" / "dr_play.yml",
        COLLECTIONS / "ansible_collections" / "olvm" / "dr" / "MANIFEST.json",
    ]
    missing = [str(p) for p in needed if not p.exists()]
    if missing:
        pytest.fail(f"run tests/ansible_collection/run.sh (it prepares {missing})")
