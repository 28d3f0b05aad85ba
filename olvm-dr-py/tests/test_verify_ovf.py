"""verify after runs on the fake world, and the OVF metadata recovery point: ovf_freshness
reads it, ovf_update shortens it and clears validate's warning (DR0815)."""

from __future__ import annotations

import json
import pathlib

import pytest

import olvm_dr
from olvm_dr.testing import World

from conftest import up


def test_verify_is_clean_after_a_good_failover_and_finds_a_stopped_vm(
    lost: World, mapping: olvm_dr.Mapping, tmp_path: pathlib.Path
) -> None:
    state = tmp_path / "state"
    report = olvm_dr.failover(mapping, lost.engines(), state_dir=state)
    assert report.ok, report.render()

    clean = olvm_dr.verify(mapping, lost.engines(), state_dir=state)
    assert clean.clean and clean.differences == [], clean.render()
    assert (clean.site, clean.run_id, clean.run_kind, clean.drill) == ("secondary", report.run_id, "failover", False)
    assert clean.domains == len(mapping.storages) and clean.vms > 0
    started = {v.id for v in report.vms if v.started == "done"}
    assert set(clean.expected_up) == started
    assert "no differences" in clean.render() and str(clean) == clean.render()
    assert json.loads(clean.to_json()) == {
        "schema": "olvm-dr/verify/v1",
        "site": "secondary",
        "run": report.run_id,
        "verification": clean.to_dict()["verification"],
    }

    # Someone stops a VM the run started.
    victim = sorted(up(lost, "secondary"))[0]
    assert lost.stop_vm("secondary", victim)
    assert not lost.stop_vm("secondary", victim), "already down"
    broken = olvm_dr.verify(mapping, lost.engines(), state_dir=state, run=report.run_id)
    assert not broken.clean
    (diff,) = broken.differences
    assert diff.entity == f"VM '{victim}'" and "expected up" in diff.problem
    assert "1 differences" in broken.render() and victim in repr(diff)

    # Against the mapping alone no VM must be up.
    assert olvm_dr.verify(mapping, lost.engines(), state_dir=state, run=False).clean
    assert olvm_dr.verify(mapping, lost.engines()).run_id is None

    with pytest.raises(olvm_dr.RunStateError, match="no run"):
        olvm_dr.verify(mapping, lost.engines(), state_dir=state, run="no-such-run")
    with pytest.raises(olvm_dr.ConfigurationError, match="site='secondary'"):
        olvm_dr.verify(mapping, lost.engines(), site="primary", state_dir=state, run=report.run_id)
    with pytest.raises(olvm_dr.ConfigurationError, match="state_dir"):
        olvm_dr.verify(mapping, lost.engines(), run=report.run_id)
    with pytest.raises(olvm_dr.ConfigurationError, match="no Engine for the secondary site"):
        olvm_dr.verify(mapping, {"primary": lost.engine("primary")})


def ovf_warnings(world: World, mapping: olvm_dr.Mapping) -> list[olvm_dr.Diagnostic]:
    found = olvm_dr.validate(mapping, offline=False, engines=world.engines(), max_ovf_age_minutes=60)
    return [d for d in found if d.code == "DR0815" and d.severity == "warning"]


def test_ovf_update_clears_a_stale_store_that_validate_warns_about(world: World, mapping: olvm_dr.Mapping) -> None:
    stale = mapping.storages[0].primary.name
    assert stale
    assert not ovf_warnings(world, mapping)
    assert world.age_ovf_store("primary", stale, 3 * 3600)
    (warning,) = ovf_warnings(world, mapping)
    assert stale in warning.message

    ages = olvm_dr.ovf_freshness(mapping, world.engines(), site="primary")
    assert ages.site == "primary" and ages.clock == "engine"
    assert [d.name for d in ages.domains] == [s.primary.name for s in mapping.storages]
    by_name = {d.name: d for d in ages.domains}
    old = by_name[stale].age
    assert old is not None and old.known and old.age_seconds is not None and old.age_seconds >= 3 * 3600
    assert old.last_update and old.unknown is None
    assert ages.oldest_seconds == old.age_seconds
    assert all(d.domain and d.ovf_disks > 0 for d in ages.domains)
    assert by_name[stale].to_dict()["age"]["age_seconds"] == old.age_seconds

    # Nothing changed since the stores were written: the Engine has nothing to update.
    result = olvm_dr.ovf_update(mapping, world.engines(), site="primary")
    assert result.all_updated
    entry = next(d for d in result.domains if d.name == stale)
    assert entry.outcome == "unchanged" and not entry.updated and "nothing to update" in (entry.reason or "")
    assert len(ovf_warnings(world, mapping)) == 1

    # VMs stopped through the Engine are changes: the next update writes their stores.
    for vm in world.vms("primary"):
        if vm.status == "up" and vm.name != "HostedEngine":
            world.stop_vm("primary", vm.name)
    result = olvm_dr.ovf_update(mapping, world.engines(), site="primary")
    assert result.all_updated and result.site == "primary" and result.clock == "engine"
    assert len(result.domains) == len(mapping.storages)
    entry = next(d for d in result.domains if d.name == stale)
    assert entry.updated and entry.outcome == "updated" and entry.reason is None
    assert entry.before is not None and (entry.before.age_seconds or 0) >= 3 * 3600
    assert entry.after is not None and entry.after.age_seconds is not None and entry.after.age_seconds < 60
    assert entry.took_seconds is not None and entry.took_seconds >= 0
    data = json.loads(result.to_json())
    assert data["schema"] == "olvm-dr/ovf-update/v1" and data["all_updated"] is True
    assert data["domains"][entry.index]["before"]["age_seconds"] == entry.before.age_seconds
    assert result.to_dict() == data

    assert not ovf_warnings(world, mapping)
    fresh = olvm_dr.ovf_freshness(mapping, world.engines(), site="primary")
    assert fresh.oldest_seconds is not None and fresh.oldest_seconds < 60


def test_ovf_update_of_a_site_without_the_domains_skips_them(world: World, mapping: olvm_dr.Mapping) -> None:
    # Before a failover the secondary holds no mapped domain: nothing to write, nothing written.
    result = olvm_dr.ovf_update(mapping, world.engines(), site="secondary")
    assert not result.all_updated
    assert result.domains and all(d.outcome == "skipped" and d.reason for d in result.domains)
    assert all(d.before is None and d.after is None for d in result.domains)
    ages = olvm_dr.ovf_freshness(mapping, world.engines(), site="secondary")
    assert all(d.age is None for d in ages.domains)
    with pytest.raises(olvm_dr.ConfigurationError, match="greater than zero"):
        olvm_dr.ovf_update(mapping, world.engines(), job_timeout=0)
    world.disaster("primary")
    with pytest.raises(olvm_dr.EngineError) as raised:
        olvm_dr.ovf_update(mapping, world.engines(), site="primary")
    assert raised.value.site == "primary" and "nothing was changed" in str(raised.value)
