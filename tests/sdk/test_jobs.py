"""`/jobs` through the SDK: every monitored command a request runs gets a job
(ExecutionHandler.createJob) with its ExecutionMessages description, the request's
correlation id (the `Correlation-Id` header or `correlation_id` parameter, CurrentFilter),
steps, and the events the command logs carry the same correlation id. A command sent to the
background (`async=true`) that fails after the 202 leaves a failed job and an error event."""

import time
import urllib.error
import urllib.request

import ovirtsdk4.types as t

from test_failover import _bring_in, _registration


def _wait_job(jobs, correlation_id):
    """The one job with `correlation_id`, once it has left `started`."""
    for _ in range(100):
        found = jobs.list(search=f"correlation_id={correlation_id}")
        assert len(found) == 1, [j.description for j in found]
        if found[0].status != t.JobStatus.STARTED:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"job {correlation_id} did not end")


def test_jobs_carry_descriptions_correlation_ids_and_steps(lab):
    f = lab.facts
    lab.lose_primary()
    c = lab.connect("secondary")
    s = c.system_service()
    jobs = s.jobs_service()
    assert jobs.list() == []
    masters = {e["dr_secondary_name"] for e in lab.mapping["dr_import_storages"] if e["dr_secondary_master_domain"]}
    d = next(x for x in f["domains"] if x["name"] in masters)
    dc, _, _ = _bring_in(lab, s, d)
    attach = next(j for j in jobs.list() if j.description.startswith("Attaching"))
    assert attach.description == f"Attaching Storage Domain {d['name']} to Data Center {dc.name}"
    assert attach.status == t.JobStatus.FINISHED
    assert attach.start_time and attach.end_time and attach.owner.id
    assert attach.external is False and attach.auto_cleared is True
    steps = jobs.job_service(attach.id).steps_service().list()
    assert [(x.number, x.type) for x in steps] == [(1, t.StepEnum.VALIDATING), (2, t.StepEnum.EXECUTING)]
    assert all(x.status == t.StepStatus.FINISHED for x in steps)

    sds = s.storage_domains_service().storage_domain_service(d["id"])
    vms = [v for v in sds.vms_service().list(unregistered=True) if not v.template or v.template.id == "00000000-0000-0000-0000-000000000000"]
    vm = vms[0]
    # The parameter form of the correlation id, then the header form.
    sds.vms_service().vm_service(vm.id).register(
        allow_partial_import=True,
        reassign_bad_macs=True,
        registration_configuration=_registration(lab, False),
        query={"correlation_id": "dr-run1-register"},
    )
    job = _wait_job(jobs, "dr-run1-register")
    assert job.description.startswith(f"Importing VM {vm.name} from configuration to Cluster ")
    assert job.status == t.JobStatus.FINISHED
    vm_service = s.vms_service().vm_service(vm.id)
    vm_service.start(headers={"Correlation-Id": "dr-run1-start"})
    job = _wait_job(jobs, "dr-run1-start")
    assert job.description == f"Launching VM {vm.name}"
    assert jobs.job_service(job.id).get().id == job.id
    started = s.events_service().list(search="correlation_id=dr-run1-start")
    assert [e.code for e in started] == [153]
    assert started[0].correlation_id == "dr-run1-start"
    # Reads run no command: no job.
    s.vms_service().list(query={"correlation_id": "dr-run1-read"})
    assert jobs.list(search="correlation_id=dr-run1-read") == []

    # The OVF update's job is the one the action answer links to; it ends after the write.
    sds.update_ovf_store(headers={"Correlation-Id": "dr-run1-ovf"})
    job = _wait_job(jobs, "dr-run1-ovf")
    assert job.description == f"Updating OVFs for Storage Domain {d['name']} in Data Center {dc.name}"
    assert job.status == t.JobStatus.FINISHED
    c.close()


def test_a_background_command_that_fails_leaves_a_failed_job_and_an_error_event(lab):
    f = lab.facts
    lab.lose_primary()
    c = lab.connect("secondary")
    s = c.system_service()
    masters = {e["dr_secondary_name"] for e in lab.mapping["dr_import_storages"] if e["dr_secondary_master_domain"]}
    d = next(x for x in f["domains"] if x["name"] in masters)
    dc, _, _ = _bring_in(lab, s, d)
    token = c.authenticate()
    # Detaching an active domain is refused, but only once the background run gets to it.
    url = f"{lab.url('secondary')}/datacenters/{dc.id}/storagedomains/{d['id']}?async=true"
    req = urllib.request.Request(url, method="DELETE")
    req.add_header("Authorization", f"Bearer {token}")
    req.add_header("Correlation-Id", "dr-run2-detach")
    with urllib.request.urlopen(req, timeout=10, context=lab.ssl_context()) as r:
        assert r.status == 202
        assert r.headers["Correlation-Id"] == "dr-run2-detach"
        assert r.read() == b""
    job = _wait_job(s.jobs_service(), "dr-run2-detach")
    assert job.status == t.JobStatus.FAILED
    assert job.description == f"Detaching Storage Domain {d['name']} from Data Center {dc.name}"
    events = s.events_service().list(search="correlation_id=dr-run2-detach")
    assert [(e.code, e.severity) for e in events] == [(965, t.LogSeverity.ERROR)]
    assert events[0].description.startswith(f"Failed to detach Storage Domain {d['name']} from Data Center {dc.name}.")
    # A request without a correlation id gets one, echoed in the answer.
    req = urllib.request.Request(f"{lab.url('secondary')}/jobs")
    req.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(req, timeout=10, context=lab.ssl_context()) as r:
        assert len(r.headers["Correlation-Id"]) == 36
    c.close()
