"""Shared fixtures: where the repository, the fixtures and the built olvm-dr binary are."""

import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "olvm-dr-core" / "tests" / "fixtures"


@pytest.fixture(scope="session")
def olvm_dr():
    """A function that runs the olvm-dr binary (OLVM_DR_BIN, else target/debug/olvm-dr)."""
    binary = pathlib.Path(os.environ.get("OLVM_DR_BIN", ROOT / "target" / "debug" / "olvm-dr"))
    if not binary.is_file():
        pytest.fail(f"{binary} is missing: build it with `cargo build -p olvm-dr-cli`")

    def run(*args):
        return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True, check=False)

    return run
