"""A failover with a recovery plan from Python: groups in order, their times, the subnet
translation applied through cloud-init, a hook's outcome, and the failback returning the
addresses."""

from __future__ import annotations

import pathlib

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
    world.recover("primary")
    world.reverse_replication()

    def storage_ready(description: str) -> str:
        world.stop_replication()
        return "switched by the test"

    back = olvm_dr.failback(mapping, world.engines(), storage_gate=storage_ready, recovery_plan=str(path))
    assert back.ok, back.render()
    forth = {(a.vm, a.old, a.new) for g in there.recovery_groups for a in g.addresses}
    returned = {(a.vm, a.new, a.old) for g in back.recovery_groups for a in g.addresses}
    assert forth and returned == forth, (forth, returned)
