"""The same flows run by `olvm-dr` (OLVM_DR_BIN, default target/debug/olvm-dr) on a lab, the
reference the role's end state is compared with."""

import os
import pathlib
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[3]


def olvm_dr(lab, *args, timeout=600):
    """`olvm-dr -f LAB/dr.conf ARGS... --yes --state-dir LAB/state`; returns (exit code, output)."""
    binary = os.environ.get("OLVM_DR_BIN", str(ROOT / "target" / "debug" / "olvm-dr"))
    cmd = [binary, "--color", "never", "-f", str(lab.dr_conf), *args, "--yes", "--state-dir", str(lab.dir / "state")]
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=timeout)
    return proc.returncode, proc.stdout


def olvm_generate(lab, output):
    """`olvm-dr generate` of the lab's primary into `output` (plain HTTP, hence --insecure)."""
    binary = os.environ.get("OLVM_DR_BIN", str(ROOT / "target" / "debug" / "olvm-dr"))
    from simlab import PASSWORD

    cmd = [binary, "--color", "never", "generate", "--site", lab.url("primary"), "--insecure",
           "--output-file", str(output), "--state-dir", str(lab.dir / "state")]
    env = dict(os.environ, OLVM_DR_PRIMARY_PASSWORD=PASSWORD)
    proc = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120, env=env)
    return proc.returncode, proc.stdout
