"""`PUT /storagedomains/{id}` and `POST /storagedomains/{id}/isattached` through the SDK: an
update that changes nothing (what the role sends for a multi-target iSCSI domain) answers the
domain; one the simulator cannot make is refused, naming it; isattached reads the domain's
metadata through a host."""

import ovirtsdk4 as sdk
import ovirtsdk4.types as t
import pytest

from test_failover import _bring_in


def test_update_and_isattached(lab):
    f = lab.facts
    lab.lose_primary()
    c = lab.connect("secondary")
    s = c.system_service()
    masters = {e["dr_secondary_name"] for e in lab.mapping["dr_import_storages"] if e["dr_secondary_master_domain"]}
    d = next(x for x in f["domains"] if x["name"] in masters)
    dc, host, attached = _bring_in(lab, s, d)
    svc = s.storage_domains_service().storage_domain_service(d["id"])
    now = svc.get()
    same = t.StorageDomain(
        name=now.name, wipe_after_delete=now.wipe_after_delete, backup=now.backup,
        critical_space_action_blocker=now.critical_space_action_blocker,
    )
    got = svc.update(same)
    assert (got.id, got.name) == (d["id"], d["name"])
    with pytest.raises(sdk.Error) as err:
        svc.update(t.StorageDomain(name=now.name + "-renamed"))
    assert err.value.code == 501 and "renaming" in err.value.fault.detail
    assert svc.is_attached(host=t.Host(id=host.id)) is True
    assert svc.is_attached(host=t.Host(name=host.name)) is True
    with pytest.raises(sdk.Error) as err:
        svc.is_attached()
    assert err.value.code == 400
    # Deactivated and detached, its metadata names no pool.
    attached.deactivate(force=True)
    attached.remove()
    assert svc.is_attached(host=t.Host(id=host.id)) is False
    c.close()
