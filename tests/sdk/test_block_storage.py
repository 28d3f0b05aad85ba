"""Block storage through the SDK: what a host's device list shows (`GET /hosts/{id}/storage`,
read the way the role's generate_mapping.py reads it) and block-domain imports in the shape
the Ansible `ovirt_storage_domain` module sends them (logical units without a LUN id), with
the Engine's refusals when the host does not see the domain."""

import ovirtsdk4 as sdk
import ovirtsdk4.types as t
import pytest

from test_failover import _chap_password

CANDIDATE_INFO = (
    "[Cannot add Storage. Failed to get data for Import operation.\n"
    "- Check connectivity to the Storage Domain.]"
)


def _host_storages(s):
    """generate_mapping.py's `_get_host_storages_for_external_lun_disks`: the LUNs of every up
    host, by id, first host wins."""
    found = {}
    hosts = s.hosts_service()
    for h in hosts.list(search="status=up"):
        for hs in hosts.host_service(h.id).storage_service().list():
            found.setdefault(hs.id, (h, hs))
    return found


def test_host_storage_lists_every_lun_the_host_sees(lab):
    f = lab.facts
    c = lab.connect("primary")
    s = c.system_service()
    found = _host_storages(s)

    # The direct LUN disks: what generate_mapping.py writes for each.
    lun_disks = [d for d in s.disks_service().list() if d.storage_type == t.DiskStorageType.LUN]
    assert lun_disks, "the world has direct LUN disks"
    for disk in lun_disks:
        lun_id = disk.lun_storage.logical_units[0].id
        fact = next(x for x in f["luns"] if x["primary"]["lun"]["lun_id"] == lun_id)
        assert lun_id in found, "STORAGE TYPE COULD NOT BE FETCHED!"
        _, hs = found[lun_id]
        assert hs.type == t.StorageType(fact["storage_type"])
        lu = hs.logical_units[0]
        assert lu.disk_id == disk.id and lu.storage_domain_id is None
        target = fact["primary"]["lun"]["target"]
        if target:
            assert (lu.address, lu.port, lu.target) == (target["address"], target["port"], target["iqn"])
            assert lu.portal.split(",")[1] == "1"
            assert lu.username == target["username"]

    # The block domains: every LUN carries its domain, iSCSI ones with their target.
    for d in (x for x in f["domains"] if "lun" in x["primary"]):
        lun = d["primary"]["lun"]
        assert lun["lun_id"] in found, f"{d['name']}'s LUN is on no up host"
        h, hs = found[lun["lun_id"]]
        lu = hs.logical_units[0]
        assert hs.type == t.StorageType(d["storage_type"])
        assert hs.host.id == h.id
        assert lu.storage_domain_id == d["id"] and lu.volume_group_id
        assert lu.status == t.LunStatus.USED
        assert lu.size > 0 and lu.size % (1 << 30) == 0
        assert lu.serial and lu.vendor_id and lu.product_id and lu.serial.startswith("S" + lu.vendor_id)
        assert lu.lun_mapping is not None and lu.paths >= 1 and lu.active_paths == lu.paths
        assert lu.discard_zeroes_data is False
        if lun["target"]:
            assert (lu.address, lu.port, lu.target) == (lun["target"]["address"], lun["target"]["port"], lun["target"]["iqn"])
        else:
            assert lu.address is None and lu.target is None and lu.portal is None
        # One LUN by id: the LUN alone, without the listing's connection details.
        one = s.hosts_service().host_service(h.id).storage_service().storage_service(hs.id).get()
        assert one.id == hs.id and one.type == hs.type and one.logical_units[0].portal is None
    with pytest.raises(sdk.NotFoundError):
        h = next(iter(found.values()))[0]
        s.hosts_service().host_service(h.id).storage_service().storage_service("36001405nothere").get()
    c.close()


def _module_import(d, host, storage_type, target=None):
    """The body `ovirt_storage_domain` (state: imported) builds: the connection details of the
    role's `iscsi:`/`fcp:` parameters as a logical unit without an id."""
    if storage_type == t.StorageType.ISCSI:
        unit = t.LogicalUnit(
            address=target["address"], port=int(target["port"]), target=target["iqn"], username="", password=""
        )
    else:
        unit = t.LogicalUnit(port=3260)
    return t.StorageDomain(
        id=d["id"], import_=True, name="", type=t.StorageDomainType.DATA, host=t.Host(name=host.name),
        storage=t.HostStorage(type=storage_type, logical_units=[unit]),
        wipe_after_delete=False, backup=False, discard_after_delete=False,
        critical_space_action_blocker=5, warning_low_space_indicator=10,
    )


def test_block_import_without_lun_ids(lab):
    f = lab.facts
    lab.lose_primary()
    c = lab.connect("secondary")
    s = c.system_service()
    sds = s.storage_domains_service()
    iscsi = next(d for d in f["domains"] if d["storage_type"] == "iscsi")
    fcp = next(d for d in f["domains"] if d["storage_type"] == "fcp")
    host = s.hosts_service().list(search=f'status=up and datacenter="{iscsi["secondary_dc"]["name"]}"')[0]
    hosts = s.hosts_service().host_service(host.id)
    tgt = iscsi["secondary"]["lun"]["target"]

    # No iSCSI LUN in sight: no target to look behind.
    with pytest.raises(sdk.Error) as err:
        sds.add(_module_import(iscsi, host, t.StorageType.ISCSI, tgt))
    assert err.value.code == 400 and err.value.fault.detail == "Couldn't connect to the specified targets"

    # Logged in to another target (the direct LUN's): LUNs, but none carrying the domain.
    lun = next(x for x in f["luns"] if x["storage_type"] == "iscsi")["secondary"]["lun"]
    entry = next(e for e in lab.mapping["dr_lun_mappings"] if e["secondary_logical_unit_id"] == lun["lun_id"])
    hosts.iscsi_login(iscsi=t.IscsiDetails(
        address=lun["target"]["address"], port=lun["target"]["port"], target=lun["target"]["iqn"],
        username=lun["target"]["username"], password=entry.get("secondary_logical_unit_password"),
    ))
    with pytest.raises(sdk.Error) as err:
        sds.add(_module_import(iscsi, host, t.StorageType.ISCSI, tgt))
    assert err.value.code == 409 and err.value.fault.detail == CANDIDATE_INFO

    # Logged in to the domain's target, as the role and the module do first.
    hosts.iscsi_login(iscsi=t.IscsiDetails(
        address=tgt["address"], port=tgt["port"], target=tgt["iqn"],
        username=tgt["username"], password=_chap_password(lab, iscsi["name"]),
    ))
    added = sds.add(_module_import(iscsi, host, t.StorageType.ISCSI, tgt))
    assert (added.id, added.name) == (iscsi["id"], iscsi["name"])
    assert iscsi["secondary"]["lun"]["lun_id"] in {u.id for u in added.storage.volume_group.logical_units}
    with pytest.raises(sdk.Error) as err:
        sds.add(_module_import(iscsi, host, t.StorageType.ISCSI, tgt))
    assert err.value.code == 409 and "The Storage Domain already exists" in err.value.fault.detail

    # FCP: the module sends a bare port; the host sees its SAN's LUNs at once.
    fc_host = s.hosts_service().list(search=f'status=up and datacenter="{fcp["secondary_dc"]["name"]}"')[0]
    added = sds.add(_module_import(fcp, fc_host, t.StorageType.FCP))
    assert (added.id, added.name) == (fcp["id"], fcp["name"])
    # Both kinds of request still work with LUN ids.
    sds.storage_domain_service(added.id).remove(host=fc_host.name)
    again = _module_import(fcp, fc_host, t.StorageType.FCP)
    again.storage.logical_units = [t.LogicalUnit(id=fcp["secondary"]["lun"]["lun_id"])]
    assert sds.add(again).id == fcp["id"]
    c.close()
