"""Every entity the simulator serves, read through the official SDK's services and readers,
against what the served site's fake holds (the control endpoint's `/entities`): every field
the fake keeps comes back with its value, and the elements a real Engine always writes are
there (the Ansible modules read them without checks, e.g. `ovirt_template` reads
`entity.os.type`)."""

import pytest


@pytest.fixture
def primary(lab):
    connection = lab.connect("primary")
    yield connection.system_service(), lab.control("primary", "GET", "/entities")
    connection.close()


def by_id(items):
    assert items, "the small world has some of each"
    return {item["id"]: item for item in items}


def ref(entity):
    return None if entity is None else entity.id


def enum(value):
    return None if value is None else value.value


def test_data_centers_clusters_and_hosts(primary):
    system, fake = primary
    dcs = system.data_centers_service().list()
    assert {d.id for d in dcs} == set(by_id(fake["data_centers"]))
    for d in dcs:
        f = by_id(fake["data_centers"])[d.id]
        assert d.name == f["name"]
        assert enum(d.status) == f["status"]
        assert (d.version.major, d.version.minor) == (f["version"]["major"], f["version"]["minor"])
        assert d.local == f["local"]
        assert enum(d.quota_mode) == "disabled"
        assert enum(d.storage_format) in ("v4", "v5")
        assert d.supported_versions and d.description is not None

    clusters = system.clusters_service().list()
    assert {c.id for c in clusters} == set(by_id(fake["clusters"]))
    for c in clusters:
        f = by_id(fake["clusters"])[c.id]
        assert c.name == f["name"]
        assert ref(c.data_center) == f["data_center"]
        assert (c.version.major, c.version.minor) == (f["version"]["major"], f["version"]["minor"])
        assert ref(c.mac_pool) == f["mac_pool"]
        assert enum(c.cpu.architecture) == f["cpu_architecture"]
        assert c.memory_policy.over_commit.percent == 100
        assert c.virt_service is True and c.gluster_service is False
        assert enum(c.error_handling.on_error) == "migrate"

    hosts = system.hosts_service().list()
    assert {h.id for h in hosts} == set(by_id(fake["hosts"]))
    for h in hosts:
        f = by_id(fake["hosts"])[h.id]
        assert (h.name, h.address) == (f["name"], f["address"])
        assert enum(h.status) == f["status"]
        assert ref(h.cluster) == f["cluster"]
        assert enum(h.spm.status) == f["spm"]
        assert h.memory == f["memory"]
        assert h.max_scheduling_memory == f["max_scheduling_memory"]
        t = h.cpu.topology
        assert t.sockets * t.cores * t.threads == f["cpu_threads"]
        assert (h.iscsi.initiator if h.iscsi else None) == f["iscsi_initiator"]
        assert h.port == 54321
        assert enum(h.type) == "rhel"


def test_networks_and_vnic_profiles(primary):
    system, fake = primary
    networks = system.networks_service().list()
    assert {n.id for n in networks} == set(by_id(fake["networks"]))
    for n in networks:
        f = by_id(fake["networks"])[n.id]
        assert n.name == f["name"]
        assert ref(n.data_center) == f["data_center"]
        assert (n.vlan.id if n.vlan else None) == f["vlan"]
        assert n.usages and n.mtu is not None and n.description is not None
    profiles = system.vnic_profiles_service().list()
    assert {p.id for p in profiles} == set(by_id(fake["vnic_profiles"]))
    for p in profiles:
        f = by_id(fake["vnic_profiles"])[p.id]
        assert p.name == f["name"]
        assert ref(p.network) == f["network"]
        assert enum(p.pass_through.mode) == "disabled"
        assert p.port_mirroring is False


def test_storage_domains_and_disks(primary):
    system, fake = primary
    domains = system.storage_domains_service().list()
    assert {d.id for d in domains} == set(by_id(fake["storage_domains"]))
    for d in domains:
        f = by_id(fake["storage_domains"])[d.id]
        assert d.name == f["name"]
        assert enum(d.type) == f["kind"]
        assert enum(d.storage.type) == f["storage"]["storage_type"]
        assert d.master == f["master"]
        assert d.wipe_after_delete == f["wipe_after_delete"]
        assert d.discard_after_delete == f["discard_after_delete"]
        assert d.backup == f["backup"]
        assert d.critical_space_action_blocker == f["critical_space_action_blocker"]
        assert d.warning_low_space_indicator == f["warning_low_space_indicator"]
        assert d.available == f["available"]
        assert d.used == f["used"]
        assert enum(d.storage_format) == f["storage_format"]
        assert sorted(ref(x) for x in d.data_centers or []) == sorted(f["data_centers"])
    disks = system.disks_service().list()
    assert {d.id for d in disks} == set(by_id(fake["disks"]))
    for d in disks:
        f = by_id(fake["disks"])[d.id]
        assert d.alias == f["alias"]
        assert enum(d.status) == f["status"]
        assert enum(d.storage_type) == f["storage_type"]
        assert enum(d.content_type) == f["content_type"]
        assert d.shareable == f["shareable"]
        assert d.wipe_after_delete == f["wipe_after_delete"]
        assert sorted(ref(x) for x in d.storage_domains or []) == sorted(f["storage_domains"])


def check_vm_base(entity, f, settings):
    """The `VmBase` elements of a VM or template against the fake's settings."""
    s = settings
    assert entity.os.type == s["os_type"]
    assert enum(entity.bios.type) == s["bios_type"]
    assert entity.bios.boot_menu.enabled == s["boot_menu"]
    t = entity.cpu.topology
    assert (t.sockets, t.cores, t.threads) == (
        s["cpu_topology"]["sockets"],
        s["cpu_topology"]["cores"],
        s["cpu_topology"]["threads"],
    )
    assert entity.cpu_shares == s["cpu_shares"]
    assert entity.memory == f["memory"]
    assert entity.memory_policy.guaranteed == s["memory_guaranteed"]
    assert entity.memory_policy.max == s["memory_max"]
    assert entity.memory_policy.ballooning == s["ballooning"]
    assert entity.high_availability.enabled == f["high_availability"]["enabled"]
    assert entity.high_availability.priority == f["high_availability"]["priority"]
    assert enum(entity.type) == s["vm_type"]
    assert entity.stateless == s["stateless"]
    assert enum(entity.display.type) == s["display_type"]
    assert entity.display.monitors == s["monitors"]
    assert entity.usb.enabled == s["usb_enabled"]
    assert entity.io.threads == s["io_threads"]
    assert enum(entity.placement_policy.affinity) == s["placement_affinity"]
    assert (entity.time_zone.name if entity.time_zone else None) == s["time_zone"]
    assert entity.description == s["description"]
    assert entity.comment == s["comment"]
    # Always written by the Engine, whatever the fake holds.
    assert [enum(d) for d in entity.os.boot.devices] == ["hd"]
    assert entity.sso.methods and entity.migration is not None
    assert entity.migration_downtime == -1
    assert enum(entity.storage_error_resume_behaviour) == "auto_resume"
    assert entity.start_paused is False and entity.tunnel_migration is False
    assert entity.multi_queues_enabled is True


def test_vms_with_their_settings_nics_and_disk_attachments(primary):
    system, fake = primary
    service = system.vms_service()
    vms = service.list(follow="nics,disk_attachments.disk")
    fake_vms = by_id(fake["vms"])
    assert {v.id for v in vms} == set(fake_vms)
    assert any(v["disk_attachments"] for v in fake["vms"])
    assert any(v["luns"] for v in fake["vms"])
    for v in vms:
        f = fake_vms[v.id]
        assert v.name == f["name"]
        assert enum(v.status) == f["status"]
        assert ref(v.cluster) == f["cluster"]
        assert ref(v.host) == f["host"]
        assert ref(v.template) == f["template"]
        assert ref(v.original_template) == f["template"]
        assert v.delete_protected == f["delete_protected"]
        assert v.origin == f["origin"]
        t = v.cpu.topology
        assert t.sockets * t.cores * t.threads == f["vcpus"]
        check_vm_base(v, f, f["settings"])
        assert v.next_run_configuration_exists is False
        assert enum(v.numa_tune_mode) == "interleave"

        assert [(n.id, n.name) for n in v.nics] == [(n["id"], n["name"]) for n in f["nics"]]
        for n, fn in zip(v.nics, f["nics"]):
            assert (n.mac.address if n.mac else None) == fn["mac"]
            assert ref(n.vnic_profile) == fn["vnic_profile"]
            assert n.plugged == fn["plugged"]

        inline = v.disk_attachments
        assert [a.id for a in inline] == [a["disk"] for a in f["disk_attachments"]]
        listed = service.vm_service(v.id).disk_attachments_service().list()
        assert [(a.id, a.href) for a in listed] == [(a.id, a.href) for a in inline]
        for a, b, fa in zip(inline, listed, f["disk_attachments"]):
            for x in (a, b):
                assert x.id == x.disk.id == fa["disk"]
                assert x.href.endswith(f"/vms/{v.id}/diskattachments/{x.id}")
                assert enum(x.interface) == fa["interface"]
                assert x.bootable == fa["bootable"]
                assert x.active == fa["active"]
                assert x.pass_discard is False and x.uses_scsi_reservation is False
                assert x.read_only is False
                assert ref(x.vm) == v.id
            assert a.disk.alias == fa["alias"]
            assert sorted(ref(sd) for sd in a.disk.storage_domains or []) == sorted(
                fa["storage_domains"]
            )
        # The image disks' domains and the direct LUNs agree with the VM's own lists.
        domains = {sd for fa in f["disk_attachments"] for sd in fa["storage_domains"]}
        assert domains == set(f["storage_domains"])
        luns = [fa["lun_id"] for fa in f["disk_attachments"] if fa["lun_id"]]
        assert sorted(luns) == sorted(f["luns"])

        one = service.vm_service(v.id).get()
        check_vm_base(one, f, f["settings"])


def test_the_fake_varies_the_settings_a_real_inventory_varies(primary):
    _, fake = primary
    settings = [v["settings"] for v in fake["vms"]]
    assert len({s["os_type"] for s in settings}) > 1
    assert len({s["bios_type"] for s in settings}) > 1
    assert any(s["cpu_topology"]["sockets"] > 1 for s in settings)


def test_templates_with_their_settings_and_the_blank_one(primary):
    system, fake = primary
    templates = system.templates_service().list()
    assert templates[0].id == "00000000-0000-0000-0000-000000000000"
    blank = templates[0]
    assert blank.name == "Blank" and blank.os.type == "other"
    assert blank.memory == 1 << 30 and blank.time_zone is None
    fake_templates = by_id(fake["templates"])
    assert {t.id for t in templates[1:]} == set(fake_templates)
    for t in templates[1:]:
        f = fake_templates[t.id]
        assert t.name == f["name"]
        assert enum(t.status) == f["status"]
        assert ref(t.cluster) == f["cluster"]
        assert t.version.version_number == f["version_number"]
        assert ref(t.version.base_template) == f["base_template"]
        check_vm_base(t, f, f["settings"])
        one = system.templates_service().template_service(t.id).get()
        assert one.os.type == f["settings"]["os_type"]


def test_affinity_groups_and_labels(primary):
    system, fake = primary
    assert any(entry["groups"] for entry in fake["affinity_groups"])
    for entry in fake["affinity_groups"]:
        service = system.clusters_service().cluster_service(entry["cluster"])
        groups = service.affinity_groups_service().list()
        assert {g.id for g in groups} == {g["id"] for g in entry["groups"]}
        for g in groups:
            f = by_id(entry["groups"])[g.id]
            assert g.name == f["name"]
            assert ref(g.cluster) == f["cluster"] == entry["cluster"]
            assert g.positive == f["positive"]
            assert g.enforcing == f["enforcing"]
            assert sorted(ref(v) for v in g.vms or []) == sorted(f["vms"])
            assert sorted(ref(h) for h in g.hosts or []) == sorted(f["hosts"])
    labels = system.affinity_labels_service().list()
    assert {label.id for label in labels} == set(by_id(fake["affinity_labels"]))
    for label in labels:
        f = by_id(fake["affinity_labels"])[label.id]
        assert label.name == f["name"]
        service = system.affinity_labels_service().label_service(label.id)
        assert sorted(v.id for v in service.vms_service().list()) == sorted(f["vms"])
        assert sorted(h.id for h in service.hosts_service().list()) == sorted(f["hosts"])
