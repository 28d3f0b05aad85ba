"""`GET /storagedomains/{id}/disks;unregistered` (and `?unregistered=true`) through the SDK:
after the domains are brought in, the images the Engine's database does not know; once the
templates and VMs are registered, none, and every disk listed before is a registered disk with
the same alias."""

import ovirtsdk4 as sdk
import ovirtsdk4.types as t

from test_failover import _bring_in, _registration


def _unregistered(c, sds, domain_id, matrix):
    if matrix:
        svc = sdk.service.Service(c, f"/storagedomains/{domain_id}/disks;unregistered")
        return svc._internal_get(wait=True)
    return sds.storage_domain_service(domain_id).disks_service().list(unregistered=True)


def _is_base(tpl):
    v = tpl.version
    return v is None or v.base_template is None or v.base_template.id == tpl.id


def test_unregistered_disks_until_registration(lab):
    f = lab.facts
    lab.lose_primary()
    c = lab.connect("secondary")
    s = c.system_service()
    sds = s.storage_domains_service()
    masters = {e["dr_secondary_name"] for e in lab.mapping["dr_import_storages"] if e["dr_secondary_master_domain"]}
    for d in sorted(f["domains"], key=lambda d: d["name"] not in masters):
        _bring_in(lab, s, d)
    before = {}
    for d in f["domains"]:
        by_query = _unregistered(c, sds, d["id"], matrix=False)
        by_matrix = _unregistered(c, sds, d["id"], matrix=True)
        assert sorted(x.id for x in by_query) == sorted(x.id for x in by_matrix)
        for disk in by_query:
            assert disk.storage_type == t.DiskStorageType.IMAGE
            assert [x.id for x in disk.storage_domains] == [d["id"]]
            before[disk.id] = disk.alias
    assert before, "the replicated domains hold the VMs' images"
    registered = {x.id for x in s.disks_service().list()}
    assert not set(before) & registered

    cfg = _registration(lab, vnic_by_name=False)
    templates = [(d, x) for d in f["domains"] for x in sds.storage_domain_service(d["id"]).templates_service().list(unregistered=True)]
    done = set()
    # Base templates before their other versions; a template on several domains once.
    for d, tpl in sorted(templates, key=lambda p: not _is_base(p[1])):
        if tpl.id not in done:
            sds.storage_domain_service(d["id"]).templates_service().template_service(tpl.id).register(
                allow_partial_import=True, registration_configuration=cfg
            )
            done.add(tpl.id)
    for d in f["domains"]:
        svc = sds.storage_domain_service(d["id"]).vms_service()
        for vm in svc.list(unregistered=True):
            if vm.id in done:
                continue
            done.add(vm.id)
            svc.vm_service(vm.id).register(allow_partial_import=True, reassign_bad_macs=True, registration_configuration=cfg)
    for d in f["domains"]:
        assert _unregistered(c, sds, d["id"], matrix=False) == []
    now = {x.id: x.alias for x in s.disks_service().list()}
    assert all(now.get(i) == alias for i, alias in before.items()), (before, now)
    c.close()
