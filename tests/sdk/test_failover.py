"""A failover driven with the SDK the way the Ansible role drives it: iSCSI login, import,
attach (master first), activate, list the unregistered entities, register templates and VMs
with every mapping, start, stop, then the cleanup: deactivate, detach, remove. Values are
read back, not only the calls' success."""

import ovirtsdk4 as sdk
import ovirtsdk4.types as t
import pytest


def _registration(lab, vnic_by_name):
    """Every mapping of the world, for a failover to the secondary. vNIC targets by id, or by
    name and network."""
    m = lab.facts["mappings"]
    return t.RegistrationConfiguration(
        cluster_mappings=[
            t.RegistrationClusterMapping(from_=t.Cluster(name=x["from"]), to=t.Cluster(name=x["to"]))
            for x in m["clusters"]
        ],
        role_mappings=[
            t.RegistrationRoleMapping(from_=t.Role(name=x["from"]), to=t.Role(name=x["to"]))
            for x in m["roles"]
        ],
        domain_mappings=[
            t.RegistrationDomainMapping(from_=t.Domain(name=x["from"]), to=t.Domain(name=x["to"]))
            for x in m["authz_domains"]
        ],
        affinity_group_mappings=[
            t.RegistrationAffinityGroupMapping(from_=t.AffinityGroup(name=x["from"]), to=t.AffinityGroup(name=x["to"]))
            for x in m["affinity_groups"]
        ],
        affinity_label_mappings=[
            t.RegistrationAffinityLabelMapping(from_=t.AffinityLabel(name=x["from"]), to=t.AffinityLabel(name=x["to"]))
            for x in m["affinity_labels"]
        ],
        vnic_profile_mappings=[
            t.RegistrationVnicProfileMapping(
                from_=t.VnicProfile(name=p["primary"]["name"], network=t.Network(name=p["primary"]["network"])),
                to=(
                    t.VnicProfile(name=p["secondary"]["name"], network=t.Network(name=p["secondary"]["network"]))
                    if vnic_by_name
                    else t.VnicProfile(id=p["secondary"]["id"])
                ),
            )
            for p in m["vnic_profiles"]
        ],
        lun_mappings=[_lun_mapping(lab, l) for l in lab.facts["luns"]],
    )


def _lun_mapping(lab, lun):
    src, dst = lun["primary"]["lun"], lun["secondary"]["lun"]
    entry = next(e for e in lab.mapping["dr_lun_mappings"] if e["secondary_logical_unit_id"] == dst["lun_id"])
    target = dst["target"]
    unit = t.LogicalUnit(id=dst["lun_id"])
    if target:
        unit = t.LogicalUnit(
            id=dst["lun_id"],
            address=target["address"],
            port=target["port"],
            portal="1",
            target=target["iqn"],
            username=target["username"],
            password=entry.get("secondary_logical_unit_password"),
        )
    kind = t.StorageType(lun["storage_type"])
    return t.RegistrationLunMapping(
        from_=t.Disk(lun_storage=t.HostStorage(type=kind, logical_units=[t.LogicalUnit(id=src["lun_id"])])),
        to=t.Disk(alias=lun["alias"], lun_storage=t.HostStorage(type=kind, logical_units=[unit])),
    )


def _chap_password(lab, domain_name):
    entry = next(e for e in lab.mapping["dr_import_storages"] if e["dr_secondary_name"] == domain_name)
    return entry.get("dr_secondary_password")


def _bring_in(lab, s, d):
    """Import and attach domain `d` on the secondary; returns the attached-domain service."""
    dc = next(x for x in s.data_centers_service().list(search=f'name="{d["secondary_dc"]["name"]}"'))
    host = s.hosts_service().list(search=f"status=up and datacenter={dc.name}")[0]
    loc = d["secondary"]
    if "lun" in loc and loc["lun"]["target"]:
        tgt = loc["lun"]["target"]
        s.hosts_service().host_service(host.id).iscsi_login(
            iscsi=t.IscsiDetails(
                address=tgt["address"],
                port=tgt["port"],
                target=tgt["iqn"],
                username=tgt["username"],
                password=_chap_password(lab, d["name"]),
            )
        )
    kind = t.StorageType(d["storage_type"])
    if "export" in loc:
        storage = t.HostStorage(type=kind, address=loc["export"]["address"], path=loc["export"]["path"])
        if loc["export"]["vfs_type"]:
            storage.vfs_type = loc["export"]["vfs_type"]
        sd = t.StorageDomain(name=d["name"], type=t.StorageDomainType.DATA, host=t.Host(name=host.name), storage=storage)
    else:
        sd = t.StorageDomain(
            id=d["id"], import_=True, type=t.StorageDomainType.DATA, host=t.Host(name=host.name),
            storage=t.HostStorage(type=kind),
        )
    added = s.storage_domains_service().add(sd)
    assert (added.id, added.name) == (d["id"], d["name"])
    assert added.status == t.StorageDomainStatus.UNATTACHED
    attached = s.data_centers_service().data_center_service(dc.id).storage_domains_service()
    got = attached.add(t.StorageDomain(id=d["id"]))
    assert got.id == d["id"]
    service = attached.storage_domain_service(d["id"])
    assert service.get().status == t.StorageDomainStatus.ACTIVE
    return dc, host, service


def test_failover_register_start_stop_and_clean(lab):
    f = lab.facts
    lab.lose_primary()
    with pytest.raises(sdk.Error):
        lab.connect("primary").test(raise_exception=True)
    c = lab.connect("secondary")
    s = c.system_service()
    # Masters first (the role's pass 1), then the others.
    masters = {e["dr_secondary_name"] for e in lab.mapping["dr_import_storages"] if e["dr_secondary_master_domain"]}
    ordered = sorted(f["domains"], key=lambda d: d["name"] not in masters)
    brought = {d["name"]: _bring_in(lab, s, d) for d in ordered}
    for name, (_, _, svc) in brought.items():
        got = svc.get()
        assert got.name == name and got.status == t.StorageDomainStatus.ACTIVE
        assert got.master == (name in masters)
    active = s.storage_domains_service().list(search="status=active")
    assert {d["name"] for d in f["domains"]} <= {d.name for d in active}

    sds = s.storage_domains_service()
    templates = [(d, tpl) for d in f["domains"] for tpl in sds.storage_domain_service(d["id"]).templates_service().list(unregistered=True)]
    assert {tpl.id for _, tpl in templates} >= {x["id"] for x in f["templates"]}
    cfg = _registration(lab, vnic_by_name=True)
    def is_base(tpl):
        v = tpl.version
        return v is None or v.base_template is None or v.base_template.id == tpl.id

    # Base templates before their other versions; a template on several domains once.
    done = set()
    for d, tpl in sorted(templates, key=lambda p: not is_base(p[1])):
        if tpl.id in done:
            continue
        sds.storage_domain_service(d["id"]).templates_service().template_service(tpl.id).register(
            allow_partial_import=True, registration_configuration=cfg
        )
        done.add(tpl.id)
    for x in f["templates"]:
        got = s.templates_service().template_service(x["id"]).get()
        assert (got.name, got.status) == (x["name"], t.TemplateStatus.OK)

    cfg = _registration(lab, vnic_by_name=False)
    registered = {}
    for d in f["domains"]:
        vms_service = sds.storage_domain_service(d["id"]).vms_service()
        for vm in vms_service.list(unregistered=True):
            if vm.id in registered:
                continue
            vms_service.vm_service(vm.id).register(
                allow_partial_import=True, reassign_bad_macs=True, registration_configuration=cfg
            )
            registered[vm.id] = vm
    assert set(registered) == {v["id"] for v in f["vms"]}
    clusters = {c_.name: c_.id for c_ in s.clusters_service().list()}
    cluster_map = {m["from"]: m["to"] for m in f["mappings"]["clusters"]}
    profile_ids = {p["secondary"]["id"] for p in f["mappings"]["vnic_profiles"]}
    for v in f["vms"]:
        got = s.vms_service().vm_service(v["id"]).get(follow="nics,disk_attachments.disk")
        assert got.name == v["name"]
        assert got.status == t.VmStatus.DOWN
        assert got.cluster.id == clusters[cluster_map[v["cluster"]]]
        assert got.nics and all(n.vnic_profile is None or n.vnic_profile.id in profile_ids for n in got.nics)
        # The unregistered VM carried the status its OVF recorded.
        assert (registered[v["id"]].status == t.VmStatus.UP) == v["running"]
        # ... and nothing but itself: a real Engine maps an unregistered VM without its disks,
        # NICs, affinity or permissions (GetUnregisteredVms + VmMapper).
        unreg = registered[v["id"]]
        assert unreg.nics is None and unreg.disk_attachments is None
        assert unreg.permissions is None and unreg.affinity_labels is None
    lun_vm = next(v for v in f["vms"] if v["has_luns"])
    attachments = s.vms_service().vm_service(lun_vm["id"]).disk_attachments_service().list()
    dst_luns = {l["secondary"]["lun"]["lun_id"] for l in f["luns"]}
    assert any(
        a.disk is not None and a.disk.lun_storage is not None and a.disk.lun_storage.logical_units[0].id in dst_luns
        for a in attachments
    ), "the direct LUN was mapped to the secondary's LUN"

    # Start the VMs that were running, HA first; then stop them again.
    running = [v for v in f["vms"] if v["running"]]
    for v in sorted(running, key=lambda v: not v["ha"]):
        s.vms_service().vm_service(v["id"]).start()
        assert s.vms_service().vm_service(v["id"]).get().status == t.VmStatus.UP
    with pytest.raises(sdk.Error) as e:
        s.vms_service().vm_service(running[0]["id"]).start()
    assert e.value.code == 409
    for v in running:
        s.vms_service().vm_service(v["id"]).stop()
        assert s.vms_service().vm_service(v["id"]).get().status == t.VmStatus.DOWN

    # Cleanup: non-masters first, then the masters; deactivate, detach, remove.
    for name in sorted(brought, key=lambda n: n in masters):
        dc, host, svc = brought[name]
        svc.deactivate()
        assert svc.get().status == t.StorageDomainStatus.MAINTENANCE
        svc.remove()
        with pytest.raises(sdk.NotFoundError):
            svc.get()
        top = sds.storage_domain_service(next(d["id"] for d in f["domains"] if d["name"] == name))
        assert top.get().status == t.StorageDomainStatus.UNATTACHED
        top.remove(host=host.name)
        with pytest.raises(sdk.NotFoundError):
            top.get()
    c.close()


def test_engine_errors_reach_the_sdk_with_their_texts(lab):
    f = lab.facts
    c = lab.connect("primary")
    s = c.system_service()
    d = f["domains"][0]
    dc = d["primary_dc"]["id"]
    attached = s.data_centers_service().data_center_service(dc).storage_domains_service()
    # Already attached here.
    with pytest.raises(sdk.Error) as e:
        attached.add(t.StorageDomain(id=d["id"]))
    assert e.value.code == 409
    assert e.value.fault.detail == (
        "[Cannot attach Storage. The relevant Storage Domain is inaccessible.\n"
        "-Please handle Storage Domain issues and retry the operation.]"
    )
    # Detaching an active domain.
    with pytest.raises(sdk.Error) as e:
        attached.storage_domain_service(d["id"]).remove()
    assert e.value.code == 409
    assert e.value.fault.detail == "[Cannot detach Storage. The relevant Storage Domain's status is Active.]"
    # Deactivating a domain with running VMs: a failed action.
    busy = next(x for x in f["domains"] if any(v["running"] and x["id"] in v["domains"] for v in f["vms"]))
    svc = s.data_centers_service().data_center_service(busy["primary_dc"]["id"]).storage_domains_service().storage_domain_service(busy["id"])
    with pytest.raises(sdk.Error) as e:
        svc.deactivate()
    assert e.value.code == 409
    assert e.value.fault.detail.startswith('[Cannot deactivate Storage. VMs in a state other than "Down" or "Suspended" were detected.')
    # Removing without host or destroy.
    with pytest.raises(sdk.Error) as e:
        s.storage_domains_service().storage_domain_service(d["id"]).remove()
    assert e.value.code == 400
    assert e.value.fault.reason == "host parameter is missing"
    # Importing a domain this Engine already has.
    host = s.hosts_service().list(search="status=up")[0]
    exp = d["primary"].get("export")
    if exp:
        with pytest.raises(sdk.Error) as e:
            s.storage_domains_service().add(
                t.StorageDomain(name=d["name"], type=t.StorageDomainType.DATA, host=t.Host(name=host.name),
                                storage=t.HostStorage(type=t.StorageType(d["storage_type"]), address=exp["address"], path=exp["path"]))
            )
        # The Engine adds the export's storage connection first, and the domain has it already.
        assert e.value.code == 409
        detail = e.value.fault.detail
        assert detail.startswith("[Cannot add Storage Connection. Storage connection "), detail
        assert detail.endswith(f" already exists for {d['name']}.]"), detail
    # Import without the required parameters.
    with pytest.raises(sdk.Error) as e:
        s.storage_domains_service().add(t.StorageDomain(name="x"))
    assert e.value.code == 400
    assert e.value.fault.reason == "Incomplete parameters"
    assert e.value.fault.detail == "StorageDomain [host.id|name, type, storage] required for add"
    c.close()


def test_register_errors_cluster_by_name_and_duplicates(lab):
    f = lab.facts
    lab.lose_primary()
    c = lab.connect("secondary")
    s = c.system_service()
    masters = {e["dr_secondary_name"] for e in lab.mapping["dr_import_storages"] if e["dr_secondary_master_domain"]}
    d = next(x for x in f["domains"] if x["name"] in masters)
    _bring_in(lab, s, d)
    vms = s.storage_domains_service().storage_domain_service(d["id"]).vms_service()
    vm = next(v for v in vms.list(unregistered=True) if v.template is None or v.template.id == "00000000-0000-0000-0000-000000000000")
    with pytest.raises(sdk.NotFoundError) as e:
        vms.vm_service(vm.id).register(cluster=t.Cluster(name="no-such-cluster"), allow_partial_import=True)
    assert e.value.fault.detail == "Entity not found: Cluster: name=no-such-cluster"
    cfg = _registration(lab, vnic_by_name=False)
    vms.vm_service(vm.id).register(allow_partial_import=True, reassign_bad_macs=True, registration_configuration=cfg)
    assert s.vms_service().vm_service(vm.id).get().name == vm.name
    assert vm.id not in {v.id for v in vms.list(unregistered=True)}
    c.close()
