"""Runs kept in etcd through the generated Python bindings: a FlowContext whose ``state_dir``
is an etcd location runs a failover of the small fake world with its plan, journal, report and
lock in a real etcd member (started by the test from ``/usr/bin/etcd``, or
``OLVM_DR_ETCD_BIN``), and ``run_ids`` / ``load_report`` read the run back."""

import sys
from pathlib import Path

import pytest

import olvm_dr_ffi as dr

ROOT = Path(__file__).resolve().parents[4]
sys.path.insert(0, str(ROOT / "tests" / "support"))
from etcd_member import etcd_member  # noqa: E402


def test_a_failover_keeps_its_run_in_etcd_and_its_report_reads_back(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    world = dr.FakeWorld(dr.WorldSize.SMALL, seed=11)
    mapping = world.mapping()
    secondary = world.engine(dr.Site.SECONDARY)
    world.disaster(dr.Site.PRIMARY)
    world.expire_leases(dr.Site.PRIMARY)
    world.stop_all_replication()
    with etcd_member() as endpoint:
        state = f"etcd://{endpoint}/olvm-dr/ffi"
        assert dr.run_ids(state) == []
        flows = dr.FlowContext(mapping, None, secondary, state_dir=state)
        report = flows.failover(dr.Site.SECONDARY)
        assert report.verdict == dr.Verdict.SUCCESS, report.summary
        # The store is locked while the context lives: a second controller names the holder.
        with pytest.raises(dr.DrError.State, match=report.run_id):
            dr.FlowContext(mapping, None, secondary, state_dir=state)
        del flows
        assert dr.run_ids(state) == [report.run_id]
        stored = dr.load_report(state)
        assert stored.run_id == report.run_id and stored.json == report.json
        assert dr.load_report(state, report.run_id).verdict == dr.Verdict.SUCCESS
        with pytest.raises(dr.DrError.State, match="no run no-such-run"):
            dr.load_report(state, "no-such-run")
    assert list(tmp_path.iterdir()) == []


def test_a_password_in_the_url_is_refused_and_never_echoed():
    with pytest.raises(dr.DrError.State, match="OLVM_DR_STATE_PASSWORD") as caught:
        dr.run_ids("etcd://root:hunter2@127.0.0.1:2379/olvm-dr")
    assert "hunter2" not in str(caught.value)
