"""The DR flows on the fake world: plans, failover, cleanup, failback, switchover, the
storage gate, state directories and resuming."""

from __future__ import annotations

import json
import pathlib
import pickle
import sys
from collections.abc import Callable

import pytest

import olvm_dr
from olvm_dr.testing import World

from conftest import up


def test_plan_failover_changes_nothing_and_describes_the_run(lost: World, mapping: olvm_dr.Mapping) -> None:
    before = lost.snapshot("secondary")
    plan = olvm_dr.plan_failover(mapping, lost.engines())
    assert lost.snapshot("secondary") == before
    assert (plan.kind, plan.target, plan.source) == ("failover", "secondary", "primary")
    assert len(plan.hash) == 64 and plan.hash.startswith(plan.short_hash)
    assert plan.mapping_sha256 == mapping.sha256 and not plan.drill
    assert len(plan) == len(plan.steps) > 0
    ids = [s.id for s in plan.steps]
    assert len(set(ids)) == len(ids)
    for s in plan.steps:
        assert set(s.depends_on) <= set(ids[: ids.index(s.id)]), "dependencies come first"
        assert s.state in ("to_do", "already_done", "skipped") and s.site == "secondary"
    phases = {s.phase for s in plan.steps}
    assert {"preflight", "storage", "discovery"} <= phases
    attaches = [s for s in plan.steps if s.action == "attach_domain"]
    assert len(attaches) == len(mapping.storages)
    text = plan.render()
    assert text.startswith("failover to secondary (from primary)") and plan.short_hash in text
    assert str(plan) == text and plan.render(all_steps=True).count("\n") >= text.count("\n")
    assert all(level in ("info", "warning") for level, _ in plan.notes)
    data = json.loads(plan.to_json())
    assert data["hash"] == plan.hash and len(data["steps"]) == len(plan)
    assert plan.to_dict()["kind"] == "failover"
    again = olvm_dr.Plan.from_json(plan.to_json())
    assert again == plan and hash(again) == hash(plan)
    assert pickle.loads(pickle.dumps(plan)) == plan
    edited = plan.to_json().replace(plan.steps[0].summary, "something else", 1)
    with pytest.raises(olvm_dr.ConfigurationError, match="hash"):
        olvm_dr.Plan.from_json(edited)
    assert "Plan failover to secondary" in repr(plan)


def test_failover_brings_the_workload_up_on_the_secondary(world: World, mapping: olvm_dr.Mapping) -> None:
    running = up(world, "primary")
    assert running
    world.lose("primary")
    report = olvm_dr.failover(mapping, world.engines())

    assert report.ok and report.verdict == "success", report.render()
    assert (report.kind, report.target, report.source, report.run_id) == ("failover", "secondary", "primary", "in-memory")
    # Every VM that ran on the primary runs on the secondary, in the mapped cluster.
    assert up(world, "secondary") == running
    clusters = dict(mapping.cluster_mappings)
    facts = {v["name"]: v for v in world.facts()["vms"]}
    for vm in world.vms("secondary"):
        if vm.name in facts:
            assert vm.cluster == clusters[facts[vm.name]["cluster"]], vm
    # The report says the same.
    by_name = {v.name: v for v in report.vms}
    assert set(by_name) == set(facts)
    for name in running:
        v = by_name[name]
        assert (v.site, v.registered, v.started, v.up) == ("secondary", "done", "done", "done")
    # MACs the Engine changed at registration are listed per VM, as (nic, from, to).
    for v in report.vms:
        assert all(len(m) == 3 and m[1] != m[2] for m in v.macs_reassigned), v
    assert json.loads(report.to_json())["vms"][0].get("macs_reassigned", []) == [
        {"nic": n, "from": f, "to": t} for n, f, t in by_name[json.loads(report.to_json())["vms"][0]["name"]].macs_reassigned
    ]
    assert {d.name for d in report.storage_domains} == {s.secondary.name for s in mapping.storages}
    assert all(d.outcome == "done" for d in report.storage_domains)
    assert report.templates and all(t.outcome == "done" for t in report.templates)
    assert report.counts.failed == report.counts.blocked == report.counts.not_run == 0
    assert report.counts.done == len(report.steps) and not report.failures
    assert report.rto.total_ms >= report.rto.storage_ms
    assert report.verification is not None and report.verification["differences"] == []
    assert report.plan_hash and report.mapping_sha256 == mapping.sha256
    assert report.started_at <= report.finished_at
    assert "SUCCESS" in report.render() and str(report) == report.render()
    assert json.loads(report.to_json())["verdict"] == "success"
    assert report.to_dict()["counts"]["failed"] == 0
    copy = pickle.loads(pickle.dumps(report))
    assert copy.to_json() == report.to_json()
    assert olvm_dr.Report.from_json(report.to_json()).verdict == "success"
    page = report.to_html()
    assert page.startswith("<!DOCTYPE html>") and ">SUCCESS<" in page
    assert page.count('class="tl-row tl-vm') == len(report.vms)


def test_failover_runs_the_plan_it_is_given(lost: World, mapping: olvm_dr.Mapping) -> None:
    plan = olvm_dr.plan_failover(mapping, lost.engines(), start_vms=False)
    report = olvm_dr.failover(mapping, lost.engines(), plan=plan)
    assert report.ok and report.plan_hash == plan.hash
    assert not up(lost, "secondary"), "the plan said not to start the VMs"
    other = olvm_dr.Mapping.from_yaml(mapping.to_yaml() + "\n# edited\n")
    with pytest.raises(olvm_dr.ConfigurationError, match="another mapping"):
        olvm_dr.failover(other, lost.engines(), plan=plan)
    with pytest.raises(olvm_dr.ConfigurationError, match="not a cleanup"):
        olvm_dr.cleanup(mapping, lost.engines(), site="secondary", plan=plan)


def test_failover_options(lost: World, mapping: olvm_dr.Mapping) -> None:
    nfs = next(s for s in mapping.storages if s.type == "nfs")
    assert nfs.secondary.name
    plan = olvm_dr.plan_failover(mapping, lost.engines(), domains=[nfs.secondary.name], wait_for_vms=False)
    attached = {s.summary for s in plan.steps if s.action == "attach_domain"}
    assert len(attached) == 1 and nfs.secondary.name in attached.pop()
    report = olvm_dr.failover(
        mapping, lost.engines(), domains=[nfs.secondary.name], concurrency=2, on_error="stop"
    )
    assert [d.name for d in report.storage_domains] == [nfs.secondary.name]
    # The primary is dark and no record of its VMs was kept: a VM with disks on the other
    # domains too is registered refusing partial imports, so the Engine refuses it instead of
    # registering it without those disks, and the run stops there (on_error="stop").
    failed = [s for s in report.steps if s.outcome == "failed"]
    assert failed, report.counts
    assert all(s.id.startswith("register-vm/") and "Cannot import VM" in (s.error or "") for s in failed), failed
    assert report.verdict != "success"
    with pytest.raises(olvm_dr.ConfigurationError, match="on_error"):
        olvm_dr.failover(mapping, lost.engines(), on_error="panic")  # type: ignore[arg-type]
    with pytest.raises(olvm_dr.ConfigurationError, match="concurrency"):
        olvm_dr.failover(mapping, lost.engines(), concurrency=0)
    with pytest.raises(olvm_dr.ConfigurationError, match="unknown site"):
        olvm_dr.failover(mapping, lost.engines(), target="tertiary")
    with pytest.raises(TypeError, match="resume"):
        olvm_dr.failover(mapping, lost.engines(), resume=3.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="progress"):
        olvm_dr.failover(mapping, lost.engines(), progress="print")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="engines"):
        olvm_dr.failover(mapping, {"secondary": "not an engine"})  # type: ignore[dict-item]


def test_a_failover_to_a_site_that_fails_is_reported_not_raised(lost: World, mapping: olvm_dr.Mapping) -> None:
    lost.fail_next("secondary", "start_vm", calls=100, kind="conflict", detail="[Cannot run VM. Test fault.]")
    report = olvm_dr.failover(mapping, lost.engines())
    assert report.verdict == "partial" and not report.ok
    starts = [s for s in report.failures if s.id.startswith("start-vm/")]
    assert starts and all(s.error_kind == "conflict" for s in starts)
    assert "[Cannot run VM. Test fault.]" in (starts[0].error or "")
    assert all("olvm-dr failover --target secondary" in (s.hint or "") for s in starts)
    assert all(v.started in ("failed", None) for v in report.vms)


def test_cleanup_releases_the_domains_of_a_site(world: World, mapping: olvm_dr.Mapping) -> None:
    plan = olvm_dr.plan_cleanup(mapping, world.engines(), site="primary", power_off=True)
    assert plan.kind == "cleanup" and plan.target == "primary"
    assert any(s.phase == "shutdown" for s in plan.steps)
    report = olvm_dr.cleanup(mapping, world.engines(), site="primary", plan=plan)
    assert report.ok, report.render()
    assert not up(world, "primary")
    known = {d["name"] for d in world.snapshot("primary")["domains"]}
    assert not known & {s.primary.name for s in mapping.storages}
    assert report.vms and all(v.stopped in ("done", "already_done", None) for v in report.vms)


def test_failback_after_a_failover_with_a_callable_gate(world: World, mapping: olvm_dr.Mapping) -> None:
    world.lose("primary")
    assert olvm_dr.failover(mapping, world.engines()).ok
    running = up(world, "secondary")
    # The storage first: the primary comes back to read-only copies.
    world.reverse_replication()
    world.recover("primary")

    plan = olvm_dr.plan_failback(mapping, world.engines())
    assert plan.kind == "failback" and plan.target == "primary"
    assert any(s.action == "storage_gate" for s in plan.steps)
    with pytest.raises(olvm_dr.ConfigurationError, match="storage_gate"):
        olvm_dr.failback(mapping, world.engines())

    asked: list[str] = []

    def storage_ready(description: str) -> str:
        asked.append(description)
        world.stop_replication()  # the returning site's volumes become writable
        return "the arrays were switched by the test"

    report = olvm_dr.failback(mapping, world.engines(), storage_gate=storage_ready)
    assert report.ok, report.render()
    assert len(asked) == 1 and "primary" in asked[0]
    assert up(world, "primary") == running
    assert not up(world, "secondary")
    gate = next(s for s in report.steps if s.id == "storage-gate")
    assert gate.outcome == "done"


def at_the_gate(action: Callable[[], object]) -> Callable[[dict[str, object]], None]:
    """A progress callback that runs ``action`` when the storage gate step starts: the
    storage administrator of the test reverses replication on the fake arrays just then."""

    def progress(event: dict[str, object]) -> None:
        if event["event"] == "step_started" and event["step"] == "storage-gate":
            action()

    return progress


def test_switchover_and_back_with_command_and_file_gates(world: World, mapping: olvm_dr.Mapping, tmp_path: pathlib.Path) -> None:
    running = up(world, "primary")
    plan = olvm_dr.plan_switchover(mapping, world.engines())
    assert plan.kind == "switchover" and plan.target == "secondary"
    marker = tmp_path / "ran"
    report = olvm_dr.switchover(
        mapping,
        world.engines(),
        storage_ready_command=f"touch {marker}",
        storage_ready_timeout=30,
        progress=at_the_gate(world.reverse_replication),
    )
    assert report.ok, report.render()
    assert marker.exists()
    assert up(world, "secondary") == running and not up(world, "primary")

    ready = tmp_path / "storage-ready"

    def reverse_and_signal() -> None:
        world.reverse_replication()
        ready.touch()

    back = olvm_dr.switchover(
        mapping, world.engines(), target="primary", storage_ready_file=ready, progress=at_the_gate(reverse_and_signal)
    )
    assert back.ok, back.render()
    assert up(world, "primary") == running
    with pytest.raises(olvm_dr.ConfigurationError, match="one of"):
        olvm_dr.switchover(mapping, world.engines(), storage_gate=print, storage_ready_file=ready)


def test_a_gate_that_says_no_stops_before_the_import(world: World, mapping: olvm_dr.Mapping) -> None:
    report = olvm_dr.switchover(mapping, world.engines(), storage_gate=lambda d: False)
    assert not report.ok
    (gate,) = [s for s in report.failures if s.id == "storage-gate"]
    assert "returned False" in (gate.error or "")
    assert not [s for s in report.steps if s.id.startswith("attach/") and s.outcome == "done"]

    def broken(description: str) -> None:
        raise RuntimeError("array CLI not found")

    again = olvm_dr.switchover(mapping, world.engines(), storage_gate=broken, resume=False)
    (gate,) = [s for s in again.failures if s.id == "storage-gate"]
    assert "array CLI not found" in (gate.error or "")


def test_progress_callback_gets_every_event(lost: World, mapping: olvm_dr.Mapping) -> None:
    events: list[dict[str, object]] = []
    report = olvm_dr.failover(mapping, lost.engines(), progress=events.append)
    kinds = [e["event"] for e in events]
    assert kinds[0] == "run_started" and kinds[-1] == "run_finished"
    assert {"phase_started", "step_started", "step_finished"} <= set(kinds)
    finished = [e for e in events if e["event"] == "step_finished"]
    assert len(finished) == len(report.steps)
    assert all(isinstance(e["duration"], float) and e["outcome"] == "done" for e in finished)
    assert events[-1]["succeeded"] == len(report.steps) and events[-1]["failed"] == 0
    # The operator's counters, the last of them complete, with the time it took.
    counters = [e for e in events if e["event"] == "counters"]
    last = counters[-1]
    assert last["vms_registered"] == {"done": len(report.vms), "failed": 0, "total": len(report.vms)}
    assert last["failures"] == 0 and isinstance(last["elapsed"], float) and last["eta"] == 0.0


def test_a_failing_progress_callback_is_logged_and_the_run_goes_on(
    lost: World, mapping: olvm_dr.Mapping, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(event: dict[str, object]) -> None:
        raise ValueError("display broke")

    with caplog.at_level("ERROR", logger="olvm_dr"):
        report = olvm_dr.failover(mapping, lost.engines(), progress=broken)
    assert report.ok
    records = [r for r in caplog.records if r.name == "olvm_dr"]
    assert records and "progress callback" in records[0].getMessage()
    assert records[0].exc_info and records[0].exc_info[0] is ValueError


def test_state_dir_keeps_the_run_and_refuses_a_second_one(
    lost: World, mapping: olvm_dr.Mapping, tmp_path: pathlib.Path
) -> None:
    state = tmp_path / "state"
    report = olvm_dr.failover(mapping, lost.engines(), state_dir=state)
    assert report.ok and report.run_id != "in-memory"
    run = state / "runs" / report.run_id
    assert {p.name for p in run.iterdir()} >= {"plan.json", "journal.jsonl", "report.json", "report.html"}
    assert (run / "report.html").read_text() == report.to_html()
    assert json.loads((run / "report.json").read_text())["verdict"] == "success"
    stored = olvm_dr.Plan.from_json((run / "plan.json").read_text())
    assert stored.hash == report.plan_hash
    with pytest.raises(olvm_dr.RunStateError, match="already ended"):
        olvm_dr.failover(mapping, lost.engines(), state_dir=state, resume=report.run_id)
    with pytest.raises(olvm_dr.RunStateError, match="no run"):
        olvm_dr.failover(mapping, lost.engines(), state_dir=state, resume="no-such-run")
    with pytest.raises(olvm_dr.RunStateError, match="cannot be resumed"):
        olvm_dr.failover(mapping, lost.engines(), resume="some-run")

    if sys.platform.startswith("linux"):
        import fcntl

        with open(state / ".lock", "a") as held:
            fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
            with pytest.raises(olvm_dr.RunStateError, match="another olvm-dr run"):
                olvm_dr.failover(mapping, lost.engines(), state_dir=state)


def test_a_failed_run_resumes_where_it_stopped(lost: World, mapping: olvm_dr.Mapping, tmp_path: pathlib.Path) -> None:
    state = tmp_path / "state"
    lost.fail_next("secondary", "register_vm", calls=1000, kind="internal")
    first = olvm_dr.failover(mapping, lost.engines(), state_dir=state, on_error="stop")
    assert not first.ok
    lost.clear_faults("secondary")
    # The run ended (with failures): it is not resumed; a new run finds the storage done.
    second = olvm_dr.failover(mapping, lost.engines(), state_dir=state)
    assert second.ok and second.run_id != first.run_id
    assert second.counts.already_done > 0
