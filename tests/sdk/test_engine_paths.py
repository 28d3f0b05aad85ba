"""Paths a real Engine serves, read through the official SDK's services and readers: every
sub-collection the API model defines below a VM, template, host, cluster, storage domain and
data center lists (empty where the simulator has nothing), the Blank template, affinity group
members, and an unknown path's NotFoundError."""

import pytest

BLANK = "00000000-0000-0000-0000-000000000000"

VM_SUBS = ["affinity_labels", "applications", "backups", "cdroms", "checkpoints",
           "disk_attachments", "graphics_consoles", "host_devices", "katello_errata",
           "mediated_devices", "nics", "numa_nodes", "permissions", "reported_devices",
           "sessions", "snapshots", "statistics", "tags", "watchdogs"]
TEMPLATE_SUBS = ["cdroms", "disk_attachments", "graphics_consoles", "mediated_devices", "nics",
                 "permissions", "tags", "watchdogs"]
HOST_SUBS = ["affinity_labels", "cpu_units", "devices", "external_network_provider_configurations",
             "fence_agents", "hooks", "katello_errata", "network_attachments", "nics",
             "numa_nodes", "permissions", "statistics", "storage", "tags", "unmanaged_networks"]
CLUSTER_SUBS = ["affinity_groups", "cpu_profiles", "enabled_features",
                "external_network_providers", "gluster_hooks", "gluster_volumes",
                "network_filters", "networks", "permissions"]
# `templates` without `unregistered` (the registered templates with disks on the domain) is
# not modelled: docs/simulator.md.
SD_SUBS = ["disk_profiles", "disk_snapshots", "disks", "files", "images", "permissions", "vms"]
DC_SUBS = ["clusters", "iscsi_bonds", "networks", "permissions", "qoss", "quotas",
           "storage_domains"]


def list_all(service, names):
    """Lists every named sub-collection of `service` through the SDK; returns name -> list."""
    return {n: getattr(service, f"{n}_service")().list() for n in names}


def test_every_sub_collection_lists(lab):
    import ovirtsdk4 as sdk

    c = lab.connect("primary")
    s = c.system_service()
    vm = s.vms_service().list()[0]
    got = list_all(s.vms_service().vm_service(vm.id), VM_SUBS)
    assert got["numa_nodes"] == [] and got["permissions"] == [] and got["tags"] == []
    assert len(got["nics"]) == len(s.vms_service().vm_service(vm.id).get(follow="nics").nics)
    list_all(s.templates_service().template_service(BLANK), TEMPLATE_SUBS)
    host = s.hosts_service().list()[0]
    got = list_all(s.hosts_service().host_service(host.id), HOST_SUBS)
    assert got["storage"], "the host sees LUNs"
    cluster = s.clusters_service().list()[0]
    list_all(s.clusters_service().cluster_service(cluster.id), CLUSTER_SUBS)
    sd = s.storage_domains_service().list()[0]
    list_all(s.storage_domains_service().storage_domain_service(sd.id), SD_SUBS)
    dc = s.data_centers_service().list()[0]
    got = list_all(s.data_centers_service().data_center_service(dc.id), DC_SUBS)
    assert got["clusters"]
    with pytest.raises(sdk.NotFoundError):
        s.vms_service().vm_service("0bad0bad-0bad-4bad-8bad-0bad0bad0bad").numa_nodes_service().list()
    # An unknown collection: the SDK's NotFoundError (an empty 404).
    with pytest.raises(sdk.NotFoundError):
        sdk.service.Service(c, "/frobnicators")._internal_get(wait=True)
    c.close()


def test_the_blank_template(lab):
    c = lab.connect("primary")
    templates = c.system_service().templates_service()
    blank = templates.template_service(BLANK).get()
    assert blank.name == "Blank" and blank.version.version_number == 1
    assert templates.list()[0].id == BLANK
    assert [t.id for t in templates.list(search="name=Blank")] == [BLANK]
    c.close()


def test_affinity_group_members(lab):
    c = lab.connect("primary")
    clusters = c.system_service().clusters_service()
    seen = 0
    for cl in clusters.list():
        groups = clusters.cluster_service(cl.id).affinity_groups_service()
        for g in groups.list(follow="vms"):
            svc = groups.group_service(g.id)
            vms = svc.vms_service().list()
            assert sorted(v.id for v in vms) == sorted(v.id for v in g.vms)
            assert all(v.name for v in vms)
            svc.hosts_service().list()
            seen += len(vms)
    assert seen > 0
    c.close()
