"""Tests of my_automation against olvm_dr's fake two-site world: no Engine needed, each test
builds the situation it checks (a disaster, a VM that will not start, a dark target)."""

from __future__ import annotations

import pytest

from my_automation import recover
from olvm_dr.testing import World


@pytest.fixture
def world() -> World:
    return World("small", seed=1)


def test_a_clean_failover_says_how_many_vms_are_up(world: World) -> None:
    mapping = world.mapping()
    running = [v for v in world.facts()["vms"] if v["running"]]
    world.lose("primary")
    messages: list[str] = []
    assert recover(mapping, world.engines(), messages.append)
    assert messages == [f"failover to secondary done: {len(running)} VM(s) up"]


def test_vms_that_do_not_start_are_named(world: World) -> None:
    mapping = world.mapping()
    world.lose("primary")
    world.fail_next(
        "secondary",
        "start_vm",
        calls=1000,
        status=409,
        detail="[Cannot run VM. There is no host that satisfies current scheduling constraints.]",
    )
    messages: list[str] = []
    assert not recover(mapping, world.engines(), messages.append)
    (message,) = messages
    assert message.startswith("failover to secondary partial: 0 VM(s) up, failed: vm")


def test_a_dark_target_is_reported(world: World) -> None:
    mapping = world.mapping()
    world.disaster("secondary")
    messages: list[str] = []
    assert not recover(mapping, world.engines(), messages.append)
    # A dark site does not answer at all: "unreachable", not a proxy's "unavailable".
    assert messages == ["failover could not start: the secondary Engine failed (unreachable)"]


def test_a_broken_mapping_is_refused(world: World) -> None:
    text = world.mapping().to_yaml().replace("dr_sites_secondary_username: admin@internal", "dr_sites_secondary_username:")
    from olvm_dr import Mapping

    messages: list[str] = []
    assert not recover(Mapping.from_yaml(text), world.engines(), messages.append)
    assert messages[0].startswith("failover refused: 1 error(s) in the mapping")
