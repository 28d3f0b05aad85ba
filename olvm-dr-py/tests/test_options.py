"""The options of the flows as objects (``olvm_dr.FailoverOptions(...)`` and the others),
built from the core's options types: their defaults, how they travel to ``plan_*`` and the
flow functions alike, and how keywords override them."""

from __future__ import annotations

import pytest

import olvm_dr
from olvm_dr.testing import World


def test_options_objects_have_the_cores_defaults_and_compare_by_value() -> None:
    o = olvm_dr.FailoverOptions()
    assert o.to_dict() == {
        "start_vms": True,
        "wait_for_vms": True,
        "all_active_domains": False,
        "partial_import": True,
        "keep_bad_macs": False,
        "force_reason": None,
        "domains": None,
        "recovery_plan": None,
    }
    changed = o.replace(start_vms=False, domains=("data1",))
    assert changed.start_vms is False and changed.domains == ["data1"]
    assert o.start_vms is True, "replace leaves the original alone"
    assert changed == olvm_dr.FailoverOptions(start_vms=False, domains=["data1"])
    assert changed != o and changed != olvm_dr.FailbackOptions(start_vms=False, domains=["data1"])
    assert repr(changed).startswith("FailoverOptions(start_vms=False,")
    assert olvm_dr.DrillOptions().isolation == "unplugged"
    assert olvm_dr.FailbackOptions().clean_returning_site is True
    with pytest.raises(TypeError, match="start_vm'; its options are: start_vms"):
        olvm_dr.FailoverOptions(start_vm=False)


def test_one_options_object_serves_the_plan_and_the_run(lost: World, mapping: olvm_dr.Mapping) -> None:
    nfs = next(s for s in mapping.storages if s.type == "nfs")
    options = olvm_dr.FailoverOptions(domains=[nfs.secondary.name], start_vms=False)
    plan = olvm_dr.plan_failover(mapping, lost.engines(), options=options)
    attached = [s.summary for s in plan.steps if s.action == "attach_domain"]
    assert len(attached) == 1 and nfs.secondary.name in attached[0]
    # A keyword given beside the object overrides its field.
    everything = olvm_dr.plan_failover(mapping, lost.engines(), options=options, domains=None)
    assert len([s for s in everything.steps if s.action == "attach_domain"]) > 1
    report = olvm_dr.failover(mapping, lost.engines(), options=options)
    assert [d.name for d in report.storage_domains] == [nfs.secondary.name]
    assert not any(v.started for v in report.vms), "start_vms=False came through"


def test_bad_options_are_refused_before_anything_is_planned(lost: World, mapping: olvm_dr.Mapping) -> None:
    with pytest.raises(TypeError, match="options must be a FailoverOptions, not CleanupOptions"):
        olvm_dr.plan_failover(mapping, lost.engines(), options=olvm_dr.CleanupOptions())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="'start_vms' takes true or false"):
        olvm_dr.plan_failover(mapping, lost.engines(), start_vms="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="unexpected keyword argument 'stat_vms'"):
        olvm_dr.plan_failover(mapping, lost.engines(), stat_vms=False)  # type: ignore[call-arg]
    with pytest.raises(olvm_dr.ConfigurationError, match="force_reason"):
        olvm_dr.plan_failover(mapping, lost.engines(), force_reason=" ")
    with pytest.raises(olvm_dr.ConfigurationError, match="none, unplugged or profile=NAME"):
        olvm_dr.plan_drill(mapping, lost.engines(), options=olvm_dr.DrillOptions(isolation="isolated"))
