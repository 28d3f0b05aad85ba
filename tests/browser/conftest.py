"""Fixtures of the browser checks: a lab run's report pages, Chromium and chromedriver."""

import json
import os
import pathlib
import shutil
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
# Screenshots and the PDF printout are kept here as the run's artifacts.
ARTIFACTS = ROOT / "target" / "browser"


def _tool(env, *names):
    for candidate in [os.environ.get(env), *names]:
        if candidate and shutil.which(candidate):
            return shutil.which(candidate)
    pytest.fail(f"{names[0]} is missing: apt-get install chromium chromium-driver (or set {env})")


@pytest.fixture(scope="session")
def chromium():
    return _tool("OLVM_DR_CHROMIUM", "chromium", "chromium-browser")


@pytest.fixture(scope="session")
def chromedriver():
    return _tool("OLVM_DR_CHROMEDRIVER", "chromedriver")


@pytest.fixture(scope="session")
def artifacts():
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def lab_runs(tmp_path_factory):
    """The failover and failback runs of `olvm-dr demo` (two simulated Engines over HTTP), with the
    report.html each run wrote, its report.json, and the two runs' comparison page."""
    binary = pathlib.Path(os.environ.get("OLVM_DR_BIN", ROOT / "target" / "debug" / "olvm-dr"))
    if not binary.is_file():
        pytest.fail(f"{binary} is missing: build it with `cargo build -p olvm-dr-cli`")
    lab = tmp_path_factory.mktemp("lab")
    demo = subprocess.run(
        [str(binary), "demo", "--dir", str(lab), "--vms", "40"], capture_output=True, text=True, check=False
    )
    assert demo.returncode == 0, demo.stdout + demo.stderr
    runs = {}
    for run in sorted((lab / "state" / "runs").iterdir()):
        kind = run.name.split("-")[0]
        runs[kind] = {
            "id": run.name,
            "html": run / "report.html",
            "report": json.loads((run / "report.json").read_text()),
        }
    diff = lab / "diff.html"
    compared = subprocess.run(
        [str(binary), "report", "diff", runs["failover"]["id"], runs["failback"]["id"],
         "--state-dir", str(lab / "state"), "--html", str(diff)],
        capture_output=True, text=True, check=False,
    )
    assert compared.returncode == 0, compared.stderr
    runs["diff"] = {"html": diff}
    return runs
