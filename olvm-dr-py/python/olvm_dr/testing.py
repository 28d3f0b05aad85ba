"""Test support: the fake two-site world and a simulated Engine server.

``World`` is the core's in-memory pair of sites whose Engines follow the real Engine's rules
(storage domain states, master domains, OVF stores, registration with mappings, sanlock
leases, the Engine's fault texts). Drive it with the same flow functions as real Engines::

    from olvm_dr import failover
    from olvm_dr.testing import World

    world = World("small", seed=1)
    world.lose("primary")            # dark site, leases expired, replicas writable
    report = failover(world.mapping(), world.engines())
    assert report.ok
    assert {v.name for v in world.vms("secondary") if v.status == "up"}

``start_simulator(world)`` serves the same world over HTTPS on loopback ports (the Engine's
REST API v4, XML, SSO), with a CA of its own (``sim.ca_file``, named in its mapping and in
``sdk_connection``), for code that uses ``RestEngine``, the ``olvm-dr`` command or the
official ``ovirtsdk4``::

    with start_simulator(World()) as sim:
        import ovirtsdk4
        conn = ovirtsdk4.Connection(**sim.sdk_connection("primary"))
"""

from __future__ import annotations

from dataclasses import dataclass

from ._olvm_dr import FakeEngine, Simulator, World, start_simulator
from ._record import Record


@dataclass(frozen=True, kw_only=True)
class VmState(Record):
    """One VM as a site's Engine knows it now (``World.vms``).

    Args:
        name (str): Name.
        id (str): Id.
        status (str): Status: ``up``, ``down``, ``powering_up``, ...
        cluster (str | None): The name of its cluster on that site.
    """

    name: str
    id: str
    status: str
    cluster: str | None


__all__ = ["FakeEngine", "Simulator", "VmState", "World", "start_simulator"]
