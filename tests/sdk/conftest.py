"""The official oVirt Python SDK (ovirtsdk4) against the simulated Engine.

Each test gets a fresh lab: the `olvm-dr-sim` binary (OLVM_DR_SIM_BIN, default
target/debug/olvm-dr-sim) serving both sites of a small world on free loopback ports, with
its mapping file written to a temporary directory (the only place the iSCSI CHAP passwords
are). The world's facts (names, ids, mappings) come from the control endpoint, so no test
hard-codes a name.
"""

import json
import os
import pathlib
import subprocess
import urllib.request

import pytest
import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
USER = "admin@internal"
PASSWORD = "sdk p@ss&w=rd"


class Lab:
    """A running olvm-dr-sim: URLs, facts, the mapping, and control requests."""

    def __init__(self, line, directory):
        self.line = line
        self.dir = directory
        self.mapping = yaml.safe_load((directory / "disaster_recovery_vars.yml").read_text())
        self.facts = self.control("primary", "GET", "/facts")

    def url(self, site):
        return self.line[site]["api_url"]

    def control(self, site, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.line[site]["control_url"] + path, data=data, method=method
        )
        req.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(req, timeout=10) as r:
            return json.loads(r.read())

    def connect(self, site, password=PASSWORD):
        import ovirtsdk4 as sdk

        return sdk.Connection(url=self.url(site), username=USER, password=password, timeout=30)

    def lose_primary(self):
        """The primary's disaster as a DR drill has it: dark site, leases gone, replicas
        promoted to read-write."""
        self.control("secondary", "POST", "/sites/primary/disaster")
        self.control("secondary", "POST", "/sites/primary/expire-leases")
        self.control("secondary", "POST", "/replication", {"action": "stop", "target": "all"})


@pytest.fixture
def lab(tmp_path):
    binary = os.environ.get("OLVM_DR_SIM_BIN", str(ROOT / "target" / "debug" / "olvm-dr-sim"))
    env = dict(os.environ, OLVM_DR_SIM_PASSWORD=PASSWORD)
    proc = subprocess.Popen(
        [binary, "--world", "small", "--seed", "3", "--dir", str(tmp_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"olvm-dr-sim did not start (exit {proc.wait(5)})")
        yield Lab(json.loads(line), tmp_path)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
