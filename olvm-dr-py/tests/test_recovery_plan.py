"""A failover with a recovery plan from Python: groups in order, their times, the subnet
translation applied through cloud-init, a hook's outcome, and the failback returning the
addresses."""

from __future__ import annotations

import _thread
import pathlib

import pytest

import olvm_dr
from olvm_dr.testing import World

PLAN = """
hooks:
  after_run: "echo ran"
groups:
  - name: first
    select:
      names: ["vm0000?"]
  - name: second
    select:
      names: ["vm0001?"]
    wait:
      for: ip
      timeout: 2m
reip:
  networks:
    - network: prod-net
      from: 10.1.0.0/16
      to: 10.201.0.0/16
      gateway: 10.201.0.1
"""


def test_a_failover_follows_the_recovery_plan(world: World, mapping: olvm_dr.Mapping, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "recovery_plan.yml"
    path.write_text(PLAN)
    # Planned while the primary answers: the record of its VMs holds their guests' addresses.
    plan = olvm_dr.plan_failover(mapping, world.engines(), recovery_plan=str(path))
    assert "Recovery plan:" in plan.render()
    world.lose("primary")
    report = olvm_dr.failover(mapping, world.engines(), plan=plan)
    assert report.ok, report.render()
    groups = report.recovery_groups
    assert all(isinstance(g, olvm_dr.GroupOutcome) for g in groups)
    assert [g.name for g in groups][:2] == ["first", "second"]
    assert all(g.outcome == "done" for g in groups), groups
    assert groups[0].time_to_up_ms is not None
    moved = [a for g in groups for a in g.addresses]
    assert moved, groups
    for a in moved:
        assert a.old.startswith("10.1.") and a.new.startswith("10.201."), a
        assert a.new.split(".")[2:] == a.old.split(".")[2:], "the host part is kept"
    assert "group first: " in report.render()
    # The typed records hold what the JSON holds.
    as_dict = report.to_dict()["recovery_groups"]
    assert [(g.name, g.started, len(g.addresses)) for g in groups] == [
        (g["name"], g["started"], len(g.get("addresses", []))) for g in as_dict
    ]
    (hook,) = report.recovery_hooks
    assert isinstance(hook, olvm_dr.HookOutcome)
    assert (hook.kind, hook.point, hook.what, hook.outcome, hook.passed, hook.exit) == ("hook", "after_run", "echo ran", "done", True, 0)
    assert "ran" in hook.stdout and hook.stderr == "" and hook.group is None


def test_the_failback_translates_the_addresses_back(world: World, mapping: olvm_dr.Mapping, tmp_path: pathlib.Path) -> None:
    path = tmp_path / "recovery_plan.yml"
    path.write_text(PLAN)
    plan = olvm_dr.plan_failover(mapping, world.engines(), recovery_plan=str(path))
    world.lose("primary")
    there = olvm_dr.failover(mapping, world.engines(), plan=plan)
    assert there.ok, there.render()
    # The storage first: the primary comes back to read-only copies.
    world.reverse_replication()
    world.recover("primary")

    def storage_ready(description: str) -> str:
        world.stop_replication()
        return "switched by the test"

    back = olvm_dr.failback(mapping, world.engines(), storage_gate=storage_ready, recovery_plan=str(path))
    assert back.ok, back.render()
    forth = {(a.vm, a.old, a.new) for g in there.recovery_groups for a in g.addresses}
    returned = {(a.vm, a.new, a.old) for g in back.recovery_groups for a in g.addresses}
    assert forth and returned == forth, (forth, returned)


def four_groups(marks: pathlib.Path) -> str:
    """Four groups, a dependency, a check that fails once per VM then passes, a subnet translation."""
    check = f"f='{marks}/{{name}}'; [ -e \"$f\" ] || {{ touch \"$f\"; exit 1; }}".replace('"', '\\"')
    return f"""
groups:
  - name: infrastructure
    select:
      names: ["vm0000?"]
    wait:
      for: check
      command: "{check}"
      timeout: 2m
  - name: databases
    select:
      names: ["vm0001?"]
    wait:
      for: ip
      timeout: 2m
  - name: applications
    select:
      names: ["vm0002?"]
  - name: web
    select:
      names: ["vm0003?"]
vms:
  vm00012:
    after: [vm00011]
reip:
  networks:
    - network: prod-net
      from: 10.1.0.0/16
      to: 10.201.0.0/16
      gateway: 10.201.0.1
"""


def test_the_medium_world_follows_four_groups_through_a_ctrl_c_and_back(tmp_path: pathlib.Path) -> None:
    world = World("medium", seed=5)
    mapping = world.mapping()
    marks = tmp_path / "marks"
    marks.mkdir()
    path = tmp_path / "recovery_plan.yml"
    path.write_text(four_groups(marks))
    state = tmp_path / "state"
    plan = olvm_dr.plan_failover(mapping, world.engines(), recovery_plan=str(path))
    world.lose("primary")

    # Ctrl-C at the end of the first group: the run stops inside its groups, resumable.
    def interrupt_at_the_first_group_end(event: dict[str, object]) -> None:
        if event["event"] == "step_started" and event["step"] == "group/infrastructure":
            _thread.interrupt_main()

    with pytest.raises(KeyboardInterrupt):
        olvm_dr.failover(mapping, world.engines(), plan=plan, state_dir=state, progress=interrupt_at_the_first_group_end)
    runs = list((state / "runs").iterdir())
    assert len(runs) == 1 and not (runs[0] / "report.json").exists()

    report = olvm_dr.failover(mapping, world.engines(), recovery_plan=str(path), state_dir=state)
    assert report.ok, report.render()
    assert report.run_id == runs[0].name, "the interrupted run resumed"
    groups = report.recovery_groups
    assert [g.name for g in groups][:4] == ["infrastructure", "databases", "applications", "web"]
    assert all(g.outcome == "done" and g.time_to_up_ms is not None for g in groups[:4]), groups
    # Each check failed once, then passed: one mark per VM of the first group.
    checked = sorted(m.name for m in marks.iterdir())
    assert len(checked) == groups[0].started > 0 and all(n.startswith("vm0000") for n in checked), checked
    started = {s.id: s for s in report.steps if s.id.startswith(("start-vm/", "ready-vm/"))}
    vm11 = next(v.id for v in report.vms if v.name == "vm00011")
    vm12 = next(v.id for v in report.vms if v.name == "vm00012")
    ready11 = started[f"ready-vm/{vm11}"]
    start12 = started[f"start-vm/{vm12}"].started_ms
    assert start12 is not None and ready11.started_ms is not None
    assert start12 >= ready11.started_ms + ready11.duration_ms, "vm00012 after vm00011"
    moved = [a for g in groups for a in g.addresses]
    assert moved and all(a.new.startswith("10.201.") for a in moved), moved
    # Every tenth guest of the world has no cloud-init: it keeps its address, and says so.
    kept = [a for a in moved if a.applied is False]
    assert kept and len(kept) < len(moved) / 5, kept

    world.recover("primary")
    world.reverse_replication()

    def storage_ready(description: str) -> str:
        world.stop_replication()
        return "switched by the test"

    back = olvm_dr.failback(
        mapping, world.engines(), storage_gate=storage_ready, recovery_plan=str(path), state_dir=state
    )
    assert back.ok, back.render()
    forth = {(a.vm, a.old, a.new) for a in moved if a.applied}
    returned = {(a.vm, a.new, a.old) for g in back.recovery_groups for a in g.addresses}
    assert returned == forth, (forth, returned)
