"""Ctrl-C: a long run raises KeyboardInterrupt within a tick, the GIL is free while it waits,
and the interrupted run resumes from its journal."""

from __future__ import annotations

import _thread
import pathlib
import threading
import time

import pytest

import olvm_dr
from olvm_dr.testing import World


def test_ctrl_c_interrupts_a_failover_which_then_resumes(tmp_path: pathlib.Path) -> None:
    # Realistic latencies: importing and attaching the domains takes tens of seconds.
    world = World("small", seed=21, latency="realistic")
    mapping = world.mapping()
    world.lose("primary")
    state = tmp_path / "state"

    ticks = 0
    stop = threading.Event()

    def count() -> None:
        # Runs Python code while the failover waits: proves the GIL is released.
        nonlocal ticks
        while not stop.is_set():
            ticks += 1
            time.sleep(0.01)

    counter = threading.Thread(target=count)
    counter.start()
    timer = threading.Timer(1.0, _thread.interrupt_main)
    timer.start()
    started = time.monotonic()
    try:
        with pytest.raises(KeyboardInterrupt):
            olvm_dr.failover(mapping, world.engines(), state_dir=state)
    finally:
        stop.set()
        counter.join()
        timer.cancel()
    elapsed = time.monotonic() - started
    assert 0.9 < elapsed < 3.0, elapsed
    assert ticks > 20, "other Python threads ran while the failover waited"

    runs = list((state / "runs").iterdir())
    assert len(runs) == 1 and (runs[0] / "journal.jsonl").stat().st_size > 0
    assert not (runs[0] / "report.json").exists()

    # The lock was released; the same call resumes the run (faster now).
    world.set_latency("secondary", "instant")
    report = olvm_dr.failover(mapping, world.engines(), state_dir=state)
    assert report.ok, report.render()
    assert report.run_id == runs[0].name
    assert report.counts.already_done + report.counts.done == len(report.steps)


def test_a_ctrl_c_inside_the_progress_callback_stops_the_run(tmp_path: pathlib.Path) -> None:
    # A display callback runs often; a Ctrl-C that lands while it runs is still a Ctrl-C, not a
    # broken display to log and go past.
    # Realistic latencies: the run is still working when the interrupt is checked for.
    world = World("small", seed=22, latency="realistic")
    mapping = world.mapping()
    world.lose("primary")
    state = tmp_path / "state"
    seen: list[str] = []

    def display(event: dict[str, object]) -> None:
        seen.append(str(event["event"]))
        if event["event"] == "step_finished" and str(event["step"]).startswith("register-vm/"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        olvm_dr.failover(mapping, world.engines(), state_dir=state, progress=display)
    assert "run_finished" not in seen
    world.set_latency("secondary", "instant")
    report = olvm_dr.failover(mapping, world.engines(), state_dir=state)
    assert report.ok, report.render()
    runs = [r.name for r in (state / "runs").iterdir()]
    assert runs == [report.run_id], "the interrupted run resumed"
