"""start_simulator: the world over HTTP, for RestEngine and for the official ovirtsdk4."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import urllib.request

import pytest

import olvm_dr
from olvm_dr.testing import Simulator, World, start_simulator

from conftest import need, up


def test_the_simulator_serves_the_world_with_its_lab_files(world: World, simulator: Simulator) -> None:
    assert simulator.running and simulator.world is world
    for site in ("primary", "secondary"):
        url = simulator.api_url(site)
        assert url.startswith("https://127.0.0.1:") and url.endswith("/ovirt-engine/api")
        assert simulator.control_url(site).endswith("/_sim")
    for f in (simulator.mapping_file, simulator.passwords_file, simulator.dr_conf, simulator.ca_file):
        assert pathlib.Path(f).is_file() and pathlib.Path(f).parent == pathlib.Path(simulator.dir)
    assert simulator.username == "admin@internal" and simulator.password
    m = simulator.mapping()
    assert m.site("primary").url == simulator.api_url("primary")
    assert m.site("primary").ca_file == simulator.ca_file
    engine = simulator.engine("secondary")
    assert isinstance(engine, olvm_dr.RestEngine)
    assert engine.api_info()["product_name"] == "oVirt Engine"
    engine.close()
    with urllib.request.urlopen(simulator.control_url("primary") + "/status", timeout=10) as r:
        status = json.loads(r.read())
    assert status["sites"]["primary"]["up"] is True


def test_a_failover_over_http_changes_the_world(world: World, simulator: Simulator) -> None:
    running = up(world, "primary")
    world.lose("primary")
    report = olvm_dr.failover(simulator.mapping(), simulator.engines())
    assert report.ok, report.render()
    assert up(world, "secondary") == running


def test_stop_and_temporary_files(tmp_path: pathlib.Path) -> None:
    sim = start_simulator(World(), password="lab pw")
    lab_dir = pathlib.Path(sim.dir)
    assert lab_dir.is_dir()
    sim.stop()
    sim.stop()
    assert not sim.running and "(stopped)" in repr(sim)
    with pytest.raises(olvm_dr.EngineUnavailableError):
        sim.engine("primary").api_info()
    del sim
    assert not lab_dir.exists(), "the temporary lab directory goes with the simulator"

    with start_simulator(World(), dir=tmp_path / "lab") as kept:
        assert kept.dir == str(tmp_path / "lab")
    assert (tmp_path / "lab" / "disaster_recovery_vars.yml").is_file()


def test_the_official_sdk_reads_and_changes_the_simulated_world(world: World, simulator: Simulator) -> None:
    need(importlib.util.find_spec("ovirtsdk4") is not None, "ovirtsdk4 is not installed")
    import ovirtsdk4

    conn = ovirtsdk4.Connection(**simulator.sdk_connection("primary"))
    try:
        service = conn.system_service()
        assert service.get().product_info.name == "oVirt Engine"
        vms = service.vms_service().list()
        names = {v.name for v in vms}
        assert {v["name"] for v in world.facts()["vms"]} <= names
        # A change through the SDK is a change of the world.
        down = next(v for v in vms if v.status == ovirtsdk4.types.VmStatus.UP and v.name != "HostedEngine")
        service.vms_service().vm_service(down.id).stop()
        state = {v.name: v.status for v in world.vms("primary")}
        assert state[down.name] == "down"
    finally:
        conn.close()


def test_the_simulator_speaks_https_verified_with_its_own_ca(simulator: Simulator) -> None:
    ca = pathlib.Path(simulator.ca_file)
    assert ca.parent == pathlib.Path(simulator.dir) and ca.read_text().startswith("-----BEGIN CERTIFICATE-----")
    assert simulator.sdk_connection("primary")["ca_file"] == simulator.ca_file
    assert simulator.engine("primary").ca_file == simulator.ca_file
    # Without the lab's CA (the system's roots only) the handshake fails, and says why.
    bare = olvm_dr.RestEngine(simulator.api_url("primary"), simulator.username, simulator.password)
    with pytest.raises(olvm_dr.EngineError) as e:
        bare.api_info()
    assert e.value.kind == "certificate" and "CA file" in str(e.value), e.value
