"""Shared fixtures of the olvm_dr test suite.

Every test runs against ``olvm_dr.testing.World`` (the core's fake two-site world) or the
simulator serving one; nothing needs a real Engine. Tests that need something outside the
package (the ``olvm-dr`` binary, the official ``ovirtsdk4``, ``mypy``) skip when it is missing,
unless ``OLVM_DR_PY_STRICT=1`` (set by ``.ci/run``) turns the skip into a failure.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Iterator

import pytest

import olvm_dr
from olvm_dr.testing import Simulator, World, start_simulator

ROOT = pathlib.Path(__file__).resolve().parents[2]
STRICT = os.environ.get("OLVM_DR_PY_STRICT") == "1"


def need(condition: bool, why: str) -> None:
    """Skips the test when ``condition`` is false (fails instead under OLVM_DR_PY_STRICT=1)."""
    if condition:
        return
    if STRICT:
        pytest.fail(f"{why} (OLVM_DR_PY_STRICT=1: required)")
    pytest.skip(why)


def up(world: World, site: str) -> set[str]:
    """Names of the VMs up on ``site``, the hosted-engine VM left out."""
    return {v.name for v in world.vms(site) if v.status == "up" and v.name != "HostedEngine"}


@pytest.fixture
def world() -> World:
    """A small world (2 data centers, 3 replicated domains, 20 VMs), both sites up."""
    return World("small", seed=11)


@pytest.fixture
def lost(world: World) -> World:
    """The small world after the primary's disaster (leases expired, replicas writable)."""
    world.lose("primary")
    return world


@pytest.fixture
def mapping(world: World) -> olvm_dr.Mapping:
    """The world's mapping, filled in for both sites."""
    return world.mapping()


@pytest.fixture
def mapping_file(mapping: olvm_dr.Mapping, tmp_path: pathlib.Path) -> pathlib.Path:
    """The world's mapping saved to a file."""
    path = tmp_path / "disaster_recovery_vars.yml"
    mapping.save(path)
    return path


@pytest.fixture
def simulator(world: World) -> Iterator[Simulator]:
    """The world served on two loopback ports."""
    with start_simulator(world) as sim:
        yield sim


@pytest.fixture
def cli() -> pathlib.Path:
    """The olvm-dr binary (OLVM_DR_BIN, default target/debug/olvm-dr)."""
    path = pathlib.Path(os.environ.get("OLVM_DR_BIN", ROOT / "target" / "debug" / "olvm-dr"))
    need(path.is_file(), f"the olvm-dr binary is not built ({path})")
    return path
