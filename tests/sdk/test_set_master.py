"""`POST /datacenters/{dc}/setmaster` through the SDK's `set_master`: the master role moves to
another active data domain of the data center (by id or by name), and what
`SwitchMasterStorageDomainCommand` refuses is refused with its texts. The primary runs with
realistic latency so that OVF store jobs and the switch's locked window last a while."""

import time

import ovirtsdk4 as sdk
import ovirtsdk4.types as t
import pytest

CANNOT = "[Cannot switch master storage domain. "


def _refused(call, code, detail):
    with pytest.raises(sdk.Error) as err:
        call()
    assert err.value.code == code and err.value.fault.detail == detail


def _wait_active(attached, deadline=30):
    end = time.time() + deadline
    while time.time() < end:
        if all(d.status == t.StorageDomainStatus.ACTIVE for d in attached.list()):
            return
        time.sleep(0.5)
    raise AssertionError("the data center's domains did not come back active")


def test_set_master_moves_the_role(lab):
    lab.control("primary", "PUT", "/sites/primary/latency", {"profile": "realistic"})
    c = lab.connect("primary")
    s = c.system_service()
    dcs = s.data_centers_service()
    dc = next(x for x in dcs.list() if len(dcs.data_center_service(x.id).storage_domains_service().list()) >= 2)
    svc = dcs.data_center_service(dc.id)
    attached = svc.storage_domains_service()
    domains = attached.list()
    master = next(d for d in domains if d.master)
    other = next(d for d in domains if not d.master and d.type == t.StorageDomainType.DATA)
    outside = next(d for d in s.storage_domains_service().list() if d.id not in {x.id for x in domains})

    _refused(lambda: svc.set_master(storage_domain=t.StorageDomain(id=master.id)), 409,
             CANNOT + "The storage domain is already the master storage domain.]")
    _refused(lambda: svc.set_master(storage_domain=t.StorageDomain(id=outside.id)), 409,
             CANNOT + "The selected Storage Domain is not part of the Data Center.]")
    _refused(lambda: svc.set_master(storage_domain=t.StorageDomain(name="no-such-domain")), 404,
             "Entity not found: Storage: name=no-such-domain")
    # An OVF store update that has something to write is a task in the pool (with nothing
    # outdated the Engine ignores it): a VM on the domain changes state through the Engine first.
    vm = s.vms_service().list(search=f"storage={other.name}")[0]
    vm_service = s.vms_service().vm_service(vm.id)
    if vm.status == t.VmStatus.DOWN:
        vm_service.start()
    else:
        vm_service.stop()
    s.storage_domains_service().storage_domain_service(other.id).update_ovf_store(async_=True)
    _refused(lambda: svc.set_master(storage_domain=t.StorageDomain(name=other.name)), 409,
             CANNOT + "The storage pool has running tasks.]")
    end = time.time() + 30
    while True:
        try:
            svc.set_master(storage_domain=t.StorageDomain(name=other.name))
            break
        except sdk.Error as e:
            assert ("running tasks" in e.fault.detail or "Related operation" in e.fault.detail) and time.time() < end
            time.sleep(0.5)

    # Both domains are locked while the SPM switches; the old master cannot take the role back
    # until it is active again.
    got = {d.id: d for d in attached.list()}
    assert got[other.id].master and not got[master.id].master
    assert got[master.id].status == t.StorageDomainStatus.LOCKED
    _refused(lambda: svc.set_master(storage_domain=t.StorageDomain(id=master.id)), 409,
             CANNOT + f"Storage domain {master.name} must be active.]")
    _wait_active(attached)
    svc.set_master(storage_domain=t.StorageDomain(id=master.id))
    _wait_active(attached)
    got = {d.id: d for d in attached.list()}
    assert got[master.id].master and not got[other.id].master
    assert [d.name for d in s.storage_domains_service().list(search=f"datacenter={dc.name} and master=true")] == [master.name]
    c.close()
