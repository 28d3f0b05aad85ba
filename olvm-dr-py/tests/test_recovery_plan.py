"""A failover with a recovery plan from Python: groups in order, their times, the subnet
translation applied through cloud-init, and the failback returning the addresses."""

from __future__ import annotations

import pathlib

import olvm_dr
from olvm_dr.testing import World

PLAN = """
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
    groups = report.to_dict()["recovery_groups"]
    assert [g["name"] for g in groups][:2] == ["first", "second"]
    assert all(g["outcome"] == "done" for g in groups), groups
    assert groups[0]["time_to_up_ms"] is not None
    moved = [a for g in groups for a in g.get("addresses", [])]
    assert moved, groups
    for a in moved:
        assert a["old"].startswith("10.1.") and a["new"].startswith("10.201."), a
        assert a["new"].split(".")[2:] == a["old"].split(".")[2:], "the host part is kept"
    assert "group first: " in report.render()


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
    forth = {(a["vm"], a["old"], a["new"]) for g in there.to_dict()["recovery_groups"] for a in g.get("addresses", [])}
    returned = {(a["vm"], a["new"], a["old"]) for g in back.to_dict()["recovery_groups"] for a in g.get("addresses", [])}
    assert forth and returned == forth, (forth, returned)
