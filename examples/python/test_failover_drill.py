"""failover_drill.py as an administrator runs it without an Engine: --simulate --yes."""

from __future__ import annotations

import pathlib
import subprocess
import sys

HERE = pathlib.Path(__file__).parent


def test_the_simulated_failover_succeeds_and_prints_the_plan_and_the_report() -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / "failover_drill.py"), "--simulate", "--yes"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "failover to secondary (from primary) - plan " in done.stdout, done.stdout
    assert "no differences" in done.stdout, done.stdout
    assert "== " in done.stderr, "progress lines go to stderr"
