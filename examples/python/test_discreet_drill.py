"""Tests of discreet_drill: its --simulate mode as an administrator runs it, and the exit status
when a step fails (an OVF store not written, a VM that does not start in the drill)."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

from discreet_drill import StorageSteps, drill, main, summary
from olvm_dr.testing import World

HERE = pathlib.Path(__file__).parent


@pytest.fixture
def world() -> World:
    return World("small", seed=1, lease_timeout=0.5)


def arrays(world: World) -> StorageSteps:
    def step(description: str, gate: str, site: str) -> str:
        if gate == "split-replication":
            world.isolate_replication()
        elif gate == "resume-replication":
            world.resync_replication()
        return f"test arrays: {gate}"

    return StorageSteps(ask=step)


def test_the_simulated_drill_passes_and_says_what_it_did() -> None:
    done = subprocess.run(
        [sys.executable, str(HERE / "discreet_drill.py"), "--simulate"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    # The stores holding the stopped VM are written; the others had nothing to update.
    assert re.search(r"OVF stores on the primary: 3 of 3 current \([1-3] written, [0-2] with nothing to update; ", out), out
    assert "drill start: success in " in out and "with their NICs unplugged" in out, out
    assert "verification of the secondary: 0 difference(s)" in out, out
    assert "drill end: success" in out, out
    assert out.rstrip().endswith("Result: PASSED"), out
    assert "== " in done.stderr, "progress lines go to stderr"


def test_main_refuses_missing_inputs(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--mapping", "vars.yml"])
    assert exited.value.code == 2
    assert "--state-dir" in capsys.readouterr().err


def test_no_drill_starts_when_an_ovf_store_is_not_written(world: World, tmp_path: pathlib.Path) -> None:
    mapping = world.mapping()
    secondary = world.snapshot("secondary")
    world.fail_next("primary", "update_ovf_store", calls=1, status=409, detail="[Cannot update OVF.]")
    out = drill(mapping, world.engines(), state_dir=str(tmp_path), steps=arrays(world), progress=None)
    assert out.problems and out.problems[0].startswith("OVF stores on the primary: 2 of 3 current")
    assert "the drill was not started" in summary(out)
    assert world.snapshot("secondary") == secondary
    assert all(p["running"] for p in world.replication())


def test_a_vm_that_does_not_start_fails_the_drill_which_is_still_ended(
    world: World, tmp_path: pathlib.Path
) -> None:
    mapping = world.mapping()
    secondary = world.snapshot("secondary")
    world.fail_next(
        "secondary",
        "start_vm",
        calls=1,
        status=409,
        detail="[Cannot run VM. There is no host that satisfies current scheduling constraints.]",
    )
    out = drill(mapping, world.engines(), state_dir=str(tmp_path), steps=arrays(world), progress=None)
    text = summary(out)
    assert any(p.startswith("drill start: partial") for p in out.problems), text
    assert "drill end: success" in text and text.endswith("Result: FAILED (1 problem(s))"), text
    assert world.snapshot("secondary") == secondary
    assert all(p["running"] for p in world.replication())
