"""`GET /events` through the SDK: the audit log records what the requests changed (domain
added, attached and activated; VM registered, started, stopped) with the Engine's codes and
texts (AuditLogType, AuditLogMessages.properties), newest first, with `max`, `from` and
`search`."""

import ovirtsdk4.types as t

from test_failover import _bring_in, _registration


def test_events_follow_what_happened(lab):
    f = lab.facts
    lab.lose_primary()
    c = lab.connect("secondary")
    s = c.system_service()
    events = s.events_service()
    assert events.list(max=1) == []
    masters = {e["dr_secondary_name"] for e in lab.mapping["dr_import_storages"] if e["dr_secondary_master_domain"]}
    d = next(x for x in f["domains"] if x["name"] in masters)
    dc, host, _ = _bring_in(lab, s, d)
    got = events.list()
    # Attaching activates the domain inside the attach command: one event for it.
    assert [e.code for e in got] == [962, 956]
    assert [int(e.id) for e in got] == [2, 1]
    assert got[0].description == f"Storage Domain {d['name']} was attached to Data Center {dc.name} by admin@internal-authz"
    assert got[0].storage_domain.id == d["id"] and got[0].data_center.id == dc.id
    assert all(e.severity == t.LogSeverity.NORMAL and e.time for e in got)
    assert [e.code for e in events.list(max=1)] == [962]
    assert [int(e.id) for e in events.list(from_=1)] == [2]

    sds = s.storage_domains_service().storage_domain_service(d["id"])
    vms = [v for v in sds.vms_service().list(unregistered=True) if not v.template or v.template.id == "00000000-0000-0000-0000-000000000000"]
    assert vms, "the master domain holds a VM without a template"
    vm = vms[0]
    sds.vms_service().vm_service(vm.id).register(
        allow_partial_import=True, reassign_bad_macs=True, registration_configuration=_registration(lab, False)
    )
    last = int(events.list(max=1)[0].id)
    assert events.list(max=1)[0].code == 174
    vm_service = s.vms_service().vm_service(vm.id)
    vm_service.start()
    vm_service.stop()
    new = events.list(from_=last)
    assert [e.code for e in new] == [33, 153]
    assert all(e.vm.id == vm.id for e in new)
    assert new[1].host is not None and new[0].host.id == new[1].host.id
    assert new[1].description.startswith(f"VM {vm.name} was started by admin@internal-authz (Host: ")
    assert [e.code for e in events.list(search="type=153")] == [153]
    assert [e.code for e in events.list(search=f"event_storage={d['name']} and type=962")] == [962]
    c.close()
