"""The generated Python bindings, for real: validation of mapping files, a failover and a
switchover of the small fake world, a drill (start, verify, end), verify after a failover,
and errors that mirror the Engine's error kinds."""

import http.server
import json
import threading
from pathlib import Path

import pytest

import olvm_dr_ffi as dr

ROOT = Path(__file__).resolve().parents[4]
EXAMPLE = ROOT / "examples" / "disaster_recovery_vars.yml"
OK = (dr.StepOutcome.DONE, dr.StepOutcome.ALREADY_DONE)


class Events(dr.ProgressListener):
    """Collects the progress events of a run."""

    def __init__(self):
        self.events = []

    def on_event(self, event):
        self.events.append(event)


class ReverseReplication(dr.StorageGate):
    """The storage administrator's part of a switchover, done on the fake arrays."""

    def __init__(self, world):
        self.world = world
        self.asked = []

    def wait_ready(self, description, gate, site):
        self.asked.append((gate, site))
        self.world.reverse_all_replication()
        return "replication reversed by the test"


def up_on(engine):
    return {v.id for v in engine.vms() if v.status == "up" and not v.hosted_engine}


def test_the_example_mapping_is_valid_and_summarised():
    findings = dr.validate_mapping(str(EXAMPLE), check_ca_files=False)
    assert [d.text for d in findings if d.severity == dr.Severity.ERROR] == []
    mapping = dr.load_mapping(str(EXAMPLE))
    summary = mapping.summary()
    assert summary.primary_url.startswith("https://")
    assert summary.storage_domains == len(mapping.storage_domain_names(dr.Site.SECONDARY))
    assert summary.storage_domains > 0
    assert len(mapping.sha256()) == 64


def test_a_broken_mapping_gives_positioned_diagnostics(tmp_path):
    bad = tmp_path / "vars.yml"
    bad.write_text("dr_sites_primary_url: [1, 2\n")
    findings = dr.validate_mapping(str(bad))
    assert [(d.severity, d.code, d.line, d.column) for d in findings] == [
        (dr.Severity.ERROR, "DR0100", 1, 23)
    ]
    assert findings[0].file == str(bad)
    with pytest.raises(dr.DrError.Validation) as e:
        dr.load_mapping(str(bad))
    assert e.value.diagnostics[0].code == "DR0100"

    incomplete = tmp_path / "incomplete.yml"
    incomplete.write_text("dr_sites_primary_url: https://e1/ovirt-engine/api\n")
    mapping = dr.load_mapping(str(incomplete))
    assert mapping.has_errors()
    with pytest.raises(dr.DrError.Validation):
        dr.FlowContext(mapping, None, None)


def test_a_missing_file_is_an_io_error():
    with pytest.raises(dr.DrError.Io) as e:
        dr.load_mapping("/nonexistent/vars.yml")
    assert "/nonexistent/vars.yml" in e.value.reason


def test_failover_of_the_small_world_after_a_disaster(tmp_path):
    world = dr.FakeWorld(dr.WorldSize.SMALL, seed=11)
    mapping = world.mapping()
    assert not mapping.has_errors(), [d.text for d in mapping.diagnostics()]
    # The world's mapping file validates as a file too.
    path = tmp_path / "vars.yml"
    mapping.save(str(path))
    assert not [d for d in dr.validate_mapping(str(path)) if d.severity == dr.Severity.ERROR]

    primary, secondary = world.engine(dr.Site.PRIMARY), world.engine(dr.Site.SECONDARY)
    was_up = up_on(primary)
    assert was_up

    world.disaster(dr.Site.PRIMARY)
    world.expire_leases(dr.Site.PRIMARY)
    world.stop_all_replication()
    flows = dr.FlowContext(mapping, None, secondary, state_dir=str(tmp_path / "state"))
    plan = flows.plan_failover(dr.Site.SECONDARY)
    assert plan.kind == dr.FlowKind.FAILOVER and plan.steps > 0

    events = Events()
    report = flows.failover(dr.Site.SECONDARY, listener=events)

    assert report.verdict == dr.Verdict.SUCCESS, report.summary
    assert report.counts.failed == 0
    registered = [v for v in report.vms if v.registered in OK]
    assert len(registered) == world.vm_count()
    assert {v.id for v in report.vms if v.up in OK} == was_up
    assert was_up <= up_on(secondary)
    assert report.verification is not None and report.verification.differences == []
    assert report.recovery_groups == [] and report.recovery_hooks == [], "no recovery plan"
    assert isinstance(events.events[0], dr.ProgressEvent.RUN_STARTED)
    assert isinstance(events.events[-1], dr.ProgressEvent.RUN_FINISHED)
    finished = [e for e in events.events if isinstance(e, dr.ProgressEvent.STEP_FINISHED)]
    assert len(finished) == report.counts.done
    as_json = json.loads(report.json)
    assert as_json["verdict"] == "success" and as_json["run_id"] == report.run_id
    assert (tmp_path / "state" / "runs" / report.run_id).is_dir()
    page = dr.report_html(report.json)
    assert page == (tmp_path / "state" / "runs" / report.run_id / "report.html").read_text()
    assert page.count('class="tl-row tl-vm') == len(report.vms)
    with pytest.raises(dr.DrError.Config, match="not a report"):
        dr.report_html("{}")


def test_a_planned_switchover_waits_at_the_storage_gate():
    world = dr.FakeWorld(dr.WorldSize.SMALL, seed=12)
    primary, secondary = world.engine(dr.Site.PRIMARY), world.engine(dr.Site.SECONDARY)
    was_up = up_on(primary)
    flows = dr.FlowContext(world.mapping(), primary, secondary)
    gate = ReverseReplication(world)
    report = flows.switchover(dr.Site.SECONDARY, gate)
    assert report.verdict == dr.Verdict.SUCCESS, report.summary
    assert gate.asked == [("storage-gate", dr.Site.SECONDARY)]
    assert up_on(secondary) == was_up
    assert up_on(primary) == set()


def test_a_gate_that_refuses_stops_the_move():
    world = dr.FakeWorld(dr.WorldSize.SMALL, seed=13)
    primary, secondary = world.engine(dr.Site.PRIMARY), world.engine(dr.Site.SECONDARY)

    class Refuse(dr.StorageGate):
        def wait_ready(self, description, gate, site):
            raise dr.DrError.Config(reason="the arrays are not reversed yet")

    report = dr.FlowContext(world.mapping(), primary, secondary).switchover(
        dr.Site.SECONDARY, Refuse()
    )
    assert report.verdict != dr.Verdict.SUCCESS
    gate = [s for s in report.steps if s.phase == "storage_gate"]
    assert gate and gate[0].outcome == dr.StepOutcome.FAILED
    assert "the arrays are not reversed yet" in gate[0].error
    assert not [v for v in report.vms if v.site == dr.Site.SECONDARY and v.registered in OK]


class DrillArrays(dr.StorageGate):
    """The storage administrator of a drill: splits replication for its start, resumes it at
    its end."""

    def __init__(self, world):
        self.world = world
        self.passed = []

    def wait_ready(self, description, gate, site):
        if gate == "split-replication":
            self.world.isolate_all_replication()
        elif gate == "resume-replication":
            self.world.resync_all_replication()
        else:
            raise dr.DrError.Config(reason=f"unexpected gate {gate}")
        self.passed.append((gate, site))
        return f"{gate} done"


def test_a_drill_runs_beside_the_primary_is_verified_and_ends(tmp_path):
    world = dr.FakeWorld(dr.WorldSize.SMALL, seed=14)
    # The split copies carry the primary's sanlock leases, which nobody renews there: they
    # expire at once instead of after sanlock's 80 s.
    world.set_lease_timeout_ms(0)
    primary, secondary = world.engine(dr.Site.PRIMARY), world.engine(dr.Site.SECONDARY)
    primary_before = world.snapshot_json(dr.Site.PRIMARY)
    secondary_before = world.snapshot_json(dr.Site.SECONDARY)
    was_up = up_on(primary)
    flows = dr.FlowContext(world.mapping(), primary, secondary, state_dir=str(tmp_path))
    arrays = DrillArrays(world)

    report = flows.drill_start(
        dr.Site.SECONDARY, arrays, options=dr.DrillOptions(isolation="unplugged")
    )
    assert report.verdict == dr.Verdict.SUCCESS, report.summary
    assert report.drill and report.kind == dr.FlowKind.FAILOVER
    assert world.snapshot_json(dr.Site.PRIMARY) == primary_before
    assert up_on(secondary) == was_up
    nics = [n for v in secondary.vms() for n in v.nics]
    assert nics and all(not n.plugged for n in nics)

    verified = flows.verify(dr.Site.SECONDARY)
    assert verified.clean, verified.text
    assert verified.drill and verified.run_id == report.run_id
    assert json.loads(verified.json)["run"] == report.run_id

    end = flows.drill_end(dr.Site.SECONDARY, arrays)
    assert end.verdict == dr.Verdict.SUCCESS, end.summary
    assert arrays.passed == [
        ("split-replication", dr.Site.SECONDARY),
        ("resume-replication", dr.Site.SECONDARY),
    ]
    assert world.snapshot_json(dr.Site.SECONDARY) == secondary_before
    assert world.snapshot_json(dr.Site.PRIMARY) == primary_before


def test_verify_finds_a_vm_that_should_run(tmp_path):
    world = dr.FakeWorld(dr.WorldSize.SMALL, seed=15, vms=6)
    world.disaster(dr.Site.PRIMARY)
    world.expire_leases(dr.Site.PRIMARY)
    world.stop_all_replication()
    secondary = world.engine(dr.Site.SECONDARY)
    flows = dr.FlowContext(world.mapping(), None, secondary, state_dir=str(tmp_path))
    report = flows.failover(dr.Site.SECONDARY)
    assert report.verdict == dr.Verdict.SUCCESS, report.summary
    verified = flows.verify(dr.Site.SECONDARY)
    assert verified.clean and verified.run_kind == dr.FlowKind.FAILOVER, verified.text

    name = next(v.name for v in secondary.vms() if v.id in verified.expected_up)
    assert world.stop_vm(dr.Site.SECONDARY, name)
    found = flows.verify(dr.Site.SECONDARY)
    assert [(d.entity, "expected up" in d.problem) for d in found.differences] == [
        (f"VM '{name}'", True)
    ]
    assert flows.verify(dr.Site.SECONDARY, mapping_only=True).clean
    with pytest.raises(dr.DrError.State):
        flows.verify(dr.Site.SECONDARY, run_id="no-such-run")


def test_errors_mirror_the_engine_error_kinds_and_hide_the_password():
    world = dr.FakeWorld(dr.WorldSize.SMALL)
    world.disaster(dr.Site.PRIMARY)
    flows = dr.FlowContext(
        world.mapping(), world.engine(dr.Site.PRIMARY), world.engine(dr.Site.SECONDARY)
    )
    with pytest.raises(dr.DrError.Unreachable) as e:
        flows.plan_failover(dr.Site.PRIMARY)
    assert "primary" in e.value.reason
    with pytest.raises(dr.DrError.Config):
        dr.FlowContext(world.mapping(), None, None).plan_failover(dr.Site.SECONDARY)

    with pytest.raises(dr.DrError.Config):
        dr.Engine.rest("ftp://engine/ovirt-engine/api", "admin@internal", "s3cret-pw")
    with pytest.raises(dr.DrError.Config) as e:
        dr.Engine.rest(
            "https://engine/ovirt-engine/api", "admin@internal", "s3cret-pw", ca_file="/nonexistent.pem"
        )
    assert "/nonexistent.pem" in e.value.reason and "s3cret-pw" not in e.value.reason


class RefusingSso(http.server.BaseHTTPRequestHandler):
    """An Engine whose SSO refuses every login, as the real one does on a wrong password."""

    requests = []

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        RefusingSso.requests.append((self.path, body))
        answer = json.dumps(
            {"error_code": "access_denied", "error": "Cannot authenticate user 'admin@internal'."}
        ).encode()
        self.send_response(401)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    do_GET = do_POST

    def log_message(self, *args):
        pass


def test_a_rest_engine_reports_a_refused_login_without_the_password():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RefusingSso)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/ovirt-engine/api"
        engine = dr.Engine.rest(url, "admin@internal", "s3cret-pw")
        assert url in engine.describe() and "s3cret-pw" not in engine.describe()
        with pytest.raises(dr.DrError.Unauthenticated) as e:
            engine.api_info()
        assert "Cannot authenticate user 'admin@internal'" in e.value.reason
        assert "s3cret-pw" not in e.value.reason
        # The password went to the SSO endpoint, and only there.
        assert [p for p, _ in RefusingSso.requests] == ["/ovirt-engine/sso/oauth/token"]
        assert "s3cret-pw" in RefusingSso.requests[0][1]
    finally:
        server.shutdown()
