"""Runs kept in etcd: ``state_dir="etcd://…"`` takes a failover's plan, journal, report and
lock to a real etcd member (started by the test from ``/usr/bin/etcd``, or
``OLVM_DR_ETCD_BIN``), ``run_ids`` and ``load_report`` read them back, and the etcd settings
come from the environment and ``./dr.conf`` (never the URL)."""

from __future__ import annotations

import pathlib
import sys

import pytest

import olvm_dr
from olvm_dr.testing import World

from conftest import ROOT, need

sys.path.insert(0, str(ROOT / "tests" / "support"))
from etcd_member import etcd_binary, etcd_member  # noqa: E402


def test_a_failover_keeps_its_run_in_etcd_and_its_report_reads_back(
    lost: World, mapping: olvm_dr.Mapping, tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    need(etcd_binary() is not None, "no etcd binary (Debian etcd-server, or OLVM_DR_ETCD_BIN)")
    monkeypatch.chdir(tmp_path)
    with etcd_member() as endpoint:
        state = f"etcd://{endpoint}/olvm-dr/pytest"
        assert olvm_dr.run_ids(state) == []
        report = olvm_dr.failover(mapping, lost.engines(), state_dir=state)
        assert report.ok, report.render()
        assert olvm_dr.run_ids(state) == [report.run_id]
        newest = olvm_dr.load_report(state)
        assert newest.run_id == report.run_id
        assert newest.to_dict() == report.to_dict()
        assert olvm_dr.load_report(state, run=report.run_id).ok
        # The journal is in etcd: the ended run is found there and not run again.
        with pytest.raises(olvm_dr.RunStateError, match="already ended"):
            olvm_dr.failover(mapping, lost.engines(), state_dir=state, resume=report.run_id)
        with pytest.raises(olvm_dr.RunStateError, match="no run no-such-run"):
            olvm_dr.load_report(state, run="no-such-run")
        # Another prefix is another store.
        assert olvm_dr.run_ids(f"etcd://{endpoint}/olvm-dr/other") == []
    # Nothing of the run was written to the working directory.
    assert list(tmp_path.iterdir()) == []


def test_a_password_in_the_url_is_refused_and_never_echoed() -> None:
    with pytest.raises(olvm_dr.RunStateError, match="OLVM_DR_STATE_PASSWORD") as caught:
        olvm_dr.run_ids("etcd://root:hunter2@127.0.0.1:2379/olvm-dr")
    assert "hunter2" not in str(caught.value)


def test_the_etcd_settings_come_from_the_state_section_of_dr_conf(
    tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dr.conf").write_text("[state]\nuser = dr\npassword_file = missing-password\n")
    with pytest.raises(olvm_dr.RunStateError, match="cannot read the etcd password file missing-password"):
        olvm_dr.run_ids("etcd://127.0.0.1:2379/olvm-dr")
    (tmp_path / "dr.conf").write_text("[state]\nuser = dr\nthis line is not a setting\n")
    with pytest.raises(olvm_dr.RunStateError, match=r"dr\.conf.*3:1") as caught:
        olvm_dr.run_ids("etcd://127.0.0.1:2379/olvm-dr")
    assert "fix them" in str(caught.value)
    # A directory is used as given: dr.conf is not read for it.
    assert olvm_dr.run_ids(tmp_path / "no-such-state") == []
