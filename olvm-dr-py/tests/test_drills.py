"""Drills on the fake world: the discreet failover test (drill_start, drill_end), its failback
on a dedicated test domain (drill_failback), and the full failover and failback test
(drill_full), with the storage administrator of each test acting at the gates."""

from __future__ import annotations

import pathlib

import pytest

import olvm_dr
from olvm_dr.testing import World

from conftest import up


@pytest.fixture
def drill_world() -> World:
    """The small world with a short lease timeout: a drill site waits for the leases its split
    copies carry (the other site still runs), as a real one does."""
    return World("small", seed=11, lease_timeout=0.5)


def replication_running(world: World) -> bool:
    return all(p["running"] for p in world.replication())


def test_a_discreet_drill_leaves_the_primary_untouched_and_drill_end_restores_the_secondary(
    drill_world: World, tmp_path: pathlib.Path
) -> None:
    world, state = drill_world, tmp_path / "state"
    mapping = world.mapping()
    primary_before, secondary_before = world.snapshot("primary"), world.snapshot("secondary")
    running = up(world, "primary")

    plan = olvm_dr.plan_drill(mapping, world.engines())
    assert plan.drill and (plan.kind, plan.target) == ("failover", "secondary")
    assert plan.steps[0].id == "split-replication" and plan.steps[0].action == "storage_gate"
    assert world.snapshot("secondary") == secondary_before

    seen: list[tuple[str, str]] = []

    def arrays(description: str, gate: str, site: str) -> str:
        seen.append((gate, site))
        if gate == "split-replication":
            world.isolate_replication()
        elif gate == "resume-replication":
            world.resync_replication()
        return f"test arrays: {gate}"

    report = olvm_dr.drill_start(mapping, world.engines(), state_dir=state, storage_gate=arrays)
    assert report.ok and report.drill, report.render()
    assert (report.kind, report.target, report.facts["split_brain.decision"]) == (
        "failover",
        "secondary",
        "proceed-drill",
    )
    assert seen == [("split-replication", "secondary")]
    # The primary is what it was and still runs everything; the copies run on the secondary,
    # their NICs unplugged on their mapped profiles.
    assert world.snapshot("primary") == primary_before
    assert up(world, "primary") == running == up(world, "secondary")
    nics = world.nics("secondary")
    assert sum(len(n) for n in nics.values()) > 0
    assert all(not nic["plugged"] for n in nics.values() for nic in n.values()), nics
    assert any(nic["profile"] for n in nics.values() for nic in n.values()), nics
    assert report.verification is not None and report.verification["differences"] == []

    # A drill of every domain cannot be failed back: production runs at home.
    with pytest.raises(olvm_dr.RunStateError, match="covered every mapped domain"):
        olvm_dr.drill_failback(mapping, world.engines(), state_dir=state, storage_gate=arrays)

    end = olvm_dr.drill_end(mapping, world.engines(), state_dir=state, storage_gate=arrays)
    assert end.ok and end.drill, end.render()
    assert (end.kind, end.target) == ("cleanup", "secondary")
    assert {s.site for s in end.steps} == {"secondary"}
    assert seen[-1] == ("resume-replication", "secondary")
    assert world.snapshot("secondary") == secondary_before
    assert world.snapshot("primary") == primary_before
    assert replication_running(world)
    # Both runs are kept, as drills.
    assert sorted(p.name.split("-")[0] for p in (state / "runs").iterdir()) == ["drill", "drill"]


def test_a_drill_of_a_dedicated_domain_returns_home_with_drill_failback(
    drill_world: World, tmp_path: pathlib.Path
) -> None:
    world, state = drill_world, tmp_path / "state"
    mapping = world.mapping()
    facts = world.facts()
    # The second data center's only domain: no VM spans it and another domain (a selection
    # that splits a VM is refused).
    test = next(d for d in facts["domains"] if d["storage_type"] == "iscsi")
    test_vms = {v["name"] for v in facts["vms"] if test["id"] in v["domains"]}
    production = up(world, "primary") - test_vms
    assert test_vms and production

    def arrays(description: str, gate: str, site: str) -> None:
        if gate == "split-replication":
            world.isolate_replication(test["name"])
        elif gate == "storage-gate":  # the drill copy becomes the source, home writable
            world.reverse_replication(test["name"])
            world.stop_replication(test["name"])
        elif gate == "restore-replication":
            world.reverse_replication(test["name"])

    start = olvm_dr.drill_start(
        mapping, world.engines(), domains=[test["name"]], state_dir=state, storage_gate=arrays
    )
    assert start.ok, start.render()
    assert [d.name for d in start.storage_domains] == [test["name"]]
    assert {v.name for v in world.vms("secondary") if v.name != "HostedEngine"} <= test_vms
    in_drill = up(world, "secondary")

    # Two gates: one ready file for both would let the second pass at once.
    with pytest.raises(olvm_dr.ConfigurationError, match=r"\{gate\}"):
        olvm_dr.drill_failback(mapping, world.engines(), state_dir=state, storage_ready_file=tmp_path / "ready")

    events: list[dict[str, object]] = []
    back = olvm_dr.drill_failback(
        mapping, world.engines(), state_dir=state, storage_gate=arrays, progress=events.append
    )
    assert back.ok and back.drill, back.render()
    assert (back.kind, back.target) == ("failback", "primary")
    gates = [
        e["step"]
        for e in events
        if e["event"] == "step_started" and e["step"] in ("storage-gate", "restore-replication")
    ]
    assert gates == ["storage-gate", "restore-replication"]
    # The drill's test VMs run at home; production never stopped; nothing is left on the
    # secondary and the test domain replicates again.
    assert in_drill | production <= up(world, "primary")
    assert not up(world, "secondary")
    assert test["id"] not in {d["id"] for d in world.snapshot("secondary")["domains"]}
    (pair,) = [p for p in world.replication() if p["pair"] == test["pair"]]
    assert pair["running"] and pair["direction"] == "primary_to_secondary"


def test_the_full_drill_moves_everything_out_and_back(drill_world: World, tmp_path: pathlib.Path) -> None:
    world, state = drill_world, tmp_path / "state"
    mapping = world.mapping()
    running = up(world, "primary")

    def arrays(description: str, gate: str, site: str) -> None:
        if gate == "storage-gate" and site == "secondary":
            world.reverse_replication()  # the arrays' planned failover
        elif gate == "storage-gate":
            world.stop_replication()  # home writable
        elif gate == "restore-replication":
            world.reverse_replication()

    (out,) = olvm_dr.drill_full(mapping, world.engines(), state_dir=state, stay=True, storage_gate=arrays)
    assert out.ok and out.drill and (out.kind, out.target) == ("switchover", "secondary"), out.render()
    assert up(world, "secondary") == running and not up(world, "primary")

    # The next call finds the finished move out in the state directory and returns home.
    (home,) = olvm_dr.drill_full(mapping, world.engines(), state_dir=state, storage_gate=arrays)
    assert home.ok and home.drill and (home.kind, home.target) == ("failback", "primary"), home.render()
    (restore,) = [s for s in home.steps if s.id == "restore-replication"]
    assert restore.outcome == "done"
    assert up(world, "primary") == running and not up(world, "secondary")
    assert replication_running(world)

    # Without stay, one call runs both legs.
    both = olvm_dr.drill_full(mapping, world.engines(), state_dir=state, resume=False, storage_gate=arrays)
    assert [(r.kind, r.ok, r.drill) for r in both] == [("switchover", True, True), ("failback", True, True)]
    assert up(world, "primary") == running


def test_drill_arguments_are_checked(world: World, mapping: olvm_dr.Mapping) -> None:
    with pytest.raises(olvm_dr.ConfigurationError, match="none, unplugged or profile=NAME"):
        olvm_dr.plan_drill(mapping, world.engines(), isolation="isolated")
    with pytest.raises(olvm_dr.RunStateError, match="no drill on the secondary site"):
        olvm_dr.drill_failback(mapping, world.engines(), storage_gate=lambda d: True)
    with pytest.raises(TypeError, match="storage_gate"):
        olvm_dr.drill_start(mapping, world.engines(), storage_gate="yes")  # type: ignore[arg-type]
    # A drill plan runs only as a drill, and a failover plan not as a drill.
    failover_plan = olvm_dr.plan_failover(mapping, world.engines())
    with pytest.raises(olvm_dr.ConfigurationError, match="not a drill failover"):
        olvm_dr.drill_start(mapping, world.engines(), plan=failover_plan, storage_gate=lambda d: True)
    drill_plan = olvm_dr.plan_drill(mapping, world.engines(), isolation="none")
    assert any(level == "warning" and "networks" in text for level, text in drill_plan.notes)
    with pytest.raises(olvm_dr.ConfigurationError, match="drill failover to secondary, not a failover"):
        olvm_dr.failover(mapping, world.engines(), plan=drill_plan)
    # A one-argument gate callable still works; the plan's gate is required.
    with pytest.raises(olvm_dr.ConfigurationError, match="storage_gate"):
        olvm_dr.drill_start(mapping, world.engines())
