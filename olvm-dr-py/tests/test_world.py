"""olvm_dr.testing.World: sizes, facts, disasters, replication, latency and fault injection."""

from __future__ import annotations

import threading
import time

import pytest

import olvm_dr
from olvm_dr.testing import FakeEngine, VmState, World

from conftest import up


def test_worlds_are_deterministic_from_size_and_seed() -> None:
    a, b, c = World("small", seed=4), World("small", seed=4), World("small", seed=5)
    assert a.facts() == b.facts() and a.facts() != c.facts()
    assert a.mapping().to_yaml() == b.mapping().to_yaml()
    assert (a.size, a.seed) == ("small", 4)
    assert len(World(vms=7).facts()["vms"]) == 7
    medium = World("medium", vms=40)
    storage_types = {d["storage_type"] for d in medium.facts()["domains"]}
    assert storage_types == {"nfs", "glusterfs", "posixfs", "iscsi", "fcp"}
    assert "World medium seed=0 vms=40 latency=instant" in repr(medium)


def test_facts_describe_both_sites(world: World) -> None:
    f = world.facts()
    assert f["seed"] == 11
    assert {"primary", "secondary", "domains", "luns", "vms", "templates", "mappings"} <= set(f)
    assert len(f["vms"]) == 20 and all(set(v) >= {"id", "name", "cluster", "running"} for v in f["vms"])
    assert f["primary"]["data_centers"] and f["secondary"]["clusters"]
    # Facts never carry CHAP passwords.
    assert "password" not in str(f["primary"]["iscsi_targets"])


def test_engines_and_vms(world: World) -> None:
    engines = world.engines()
    assert set(engines) == {"primary", "secondary"}
    p = world.engine("primary")
    assert isinstance(p, FakeEngine) and isinstance(p, olvm_dr.Engine) and p.site == "primary"
    assert p.url == "http://primary.fake.invalid/ovirt-engine/api" and p.username == "admin@internal"
    assert p.api_info()["version"]["major"] == 4
    with p as same:
        assert same is p
    vms = world.vms("primary")
    assert all(isinstance(v, VmState) for v in vms)
    running = {v["name"] for v in world.facts()["vms"] if v["running"]}
    assert up(world, "primary") == running
    assert world.vms("secondary") == [] or not up(world, "secondary")
    clusters = {c["name"] for c in world.facts()["primary"]["clusters"]}
    assert {v.cluster for v in vms} <= clusters
    snap = world.snapshot("secondary")
    assert snap["site"] == "secondary" and snap["engine_up"] is True and "domains" in snap


def test_disaster_outage_recover(world: World) -> None:
    world.disaster("primary")
    assert not world.is_up("primary") and world.is_up("secondary")
    with pytest.raises(olvm_dr.EngineUnavailableError):
        world.engine("primary").api_info()
    world.recover("primary")
    assert world.is_up("primary")
    world.engine_outage("secondary")
    assert not world.is_up("secondary")
    world.recover("secondary")
    world.expire_leases("primary")  # no effect while the hosts run
    assert world.engine("primary").api_info()


def test_replication_controls(world: World) -> None:
    pairs = world.replication()
    facts = world.facts()
    assert len(pairs) == len(facts["domains"]) + len(facts["luns"])
    assert all(p["running"] and p["direction"] == "primary_to_secondary" for p in pairs)
    name = facts["domains"][0]["name"]
    world.stop_replication(name)
    state = {tuple(p["volumes"]): p for p in world.replication()}
    assert not state[(name,)]["running"]
    assert sum(p["running"] for p in state.values()) == len(pairs) - 1
    world.resync_replication(name)
    assert all(p["running"] for p in world.replication())
    world.reverse_replication()
    assert all(p["direction"] == "secondary_to_primary" for p in world.replication())
    world.isolate_replication()
    with pytest.raises(olvm_dr.ConfigurationError, match="no replicated domain"):
        world.stop_replication("no-such-domain")


def test_fail_next_counts_down(world: World) -> None:
    engine = world.engine("secondary")
    world.fail_next("secondary", "api_info", calls=2, kind="locked")
    for _ in range(2):
        with pytest.raises(olvm_dr.LockedError):
            engine.api_info()
    assert engine.api_info()
    world.fail_next("secondary", "api_info", kind="internal")
    world.clear_faults("secondary")
    assert engine.api_info()


def test_random_failures_are_seeded_and_a_failover_survives_them(lost: World, mapping: olvm_dr.Mapping) -> None:
    # Planning reads the site once and does not retry; the run's steps retry transient failures.
    plan = olvm_dr.plan_failover(mapping, lost.engines())
    lost.fail_randomly("secondary", 0.1, seed=3)
    report = olvm_dr.failover(mapping, lost.engines(), plan=plan)
    assert report.ok, report.render()
    assert sum(s.attempts for s in report.steps) > len(report.steps), "some calls were retried"
    with pytest.raises(olvm_dr.ConfigurationError, match="fraction"):
        lost.fail_randomly("secondary", 1.5)
    with pytest.raises(olvm_dr.ConfigurationError):
        lost.fail_randomly("secondary", 0.1, operations=["no_such_call"])


def test_hang_and_calls(world: World) -> None:
    engine = world.engine("primary")
    world.hang("primary", "api_info", calls=1, seconds=0.3)
    before = world.calls("primary")
    started = time.monotonic()
    engine.api_info()
    assert time.monotonic() - started >= 0.29
    assert world.calls("primary") == before + 1


def test_drop_site_after_calls(world: World) -> None:
    engine = world.engine("primary")
    world.drop_site("primary", after_calls=2, outage="engine")
    engine.api_info()
    engine.api_info()
    with pytest.raises(olvm_dr.EngineUnavailableError):
        engine.api_info()
    assert not world.is_up("primary")
    with pytest.raises(olvm_dr.ConfigurationError, match="outage"):
        world.drop_site("primary", 1, outage="flood")  # type: ignore[arg-type]


def test_fork_is_independent(world: World) -> None:
    copy = world.fork()
    copy.disaster("primary")
    assert world.is_up("primary") and not copy.is_up("primary")
    assert copy.facts() == world.facts()
    assert copy.mapping().sha256 == world.mapping().sha256


def test_latency_profiles(world: World) -> None:
    world.set_latency("primary", "realistic")
    engine = world.engine("primary")
    started = time.monotonic()
    engine.api_info()
    assert time.monotonic() - started >= 0.04  # 50 ms per read
    world.set_latency("primary", "instant")
    with pytest.raises(olvm_dr.ConfigurationError):
        world.set_latency("primary", "sluggish")  # type: ignore[arg-type]


def test_lease_timeout_governs_the_wait_after_a_disaster() -> None:
    world = World("small", seed=2, lease_timeout=0.5)
    mapping = world.mapping()
    world.disaster("primary")
    world.stop_replication()
    started = time.monotonic()
    report = olvm_dr.failover(mapping, world.engines())
    assert report.ok, report.render()
    assert time.monotonic() - started >= 0.3
    assert report.rto.lease_wait_ms > 0


def test_calls_from_threads_run_in_parallel(world: World) -> None:
    world.set_latency("primary", "realistic")
    engine = world.engine("primary")
    threads = [threading.Thread(target=engine.api_info) for _ in range(8)]
    started = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert time.monotonic() - started < 8 * 0.05, "the GIL is released while a call waits"
