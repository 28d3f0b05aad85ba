"""The official oVirt Python SDK (ovirtsdk4) against the simulated Engine.

Each test gets a fresh lab: the `olvm-dr-sim` binary (OLVM_DR_SIM_BIN, default
target/debug/olvm-dr-sim) serving both sites of a small world on free loopback ports, with
its mapping file written to a temporary directory (the only place the iSCSI CHAP passwords
are). The Engines speak HTTPS with the lab's own CA (`ca.pem` in that directory): every client
here verifies them with it (`ca_file=`, or an ssl context for urllib), never `insecure`. The
control endpoints are plain HTTP on loopback. The world's facts (names, ids, mappings) come from the control endpoint, so no test
hard-codes a name.
"""

import contextlib
import json
import os
import pathlib
import ssl
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
        self.ca_file = line["ca_file"]
        self.facts = self.control("primary", "GET", "/facts")

    def url(self, site):
        return self.line[site]["api_url"]

    def ssl_context(self):
        """An ssl context for urllib that trusts the lab's CA only, host names checked."""
        return ssl.create_default_context(cafile=self.ca_file)

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

        return sdk.Connection(
            url=self.url(site), username=USER, password=password, ca_file=self.ca_file, timeout=30
        )

    def lose_primary(self):
        """The primary's disaster as a DR drill has it: dark site, leases gone, replicas
        promoted to read-write."""
        self.control("secondary", "POST", "/sites/primary/disaster")
        self.control("secondary", "POST", "/sites/primary/expire-leases")
        self.control("secondary", "POST", "/replication", {"action": "stop", "target": "all"})


@contextlib.contextmanager
def running_sim(directory, *extra_args):
    """Runs the olvm-dr-sim binary on a small world (seed 3) with its files in `directory`,
    plus `extra_args`; yields its announcement (the JSON line) and stops it."""
    binary = os.environ.get("OLVM_DR_SIM_BIN", str(ROOT / "target" / "debug" / "olvm-dr-sim"))
    env = dict(os.environ, OLVM_DR_SIM_PASSWORD=PASSWORD)
    proc = subprocess.Popen(
        [binary, "--world", "small", "--seed", "3", "--dir", str(directory), *extra_args],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        if not line:
            raise RuntimeError(f"olvm-dr-sim did not start (exit {proc.wait(5)})")
        yield json.loads(line)
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture
def lab(tmp_path):
    with running_sim(tmp_path) as line:
        yield Lab(line, tmp_path)
