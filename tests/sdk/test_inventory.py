"""Connection, errors, every collection the DR flows read, and the searches the role sends."""

import datetime
import json
import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import ovirtsdk4 as sdk
import pytest

UNKNOWN = "0bad0bad-0bad-4bad-8bad-0bad0bad0bad"


def test_connect_test_read_root_and_close(lab):
    c = lab.connect("secondary")
    assert c.test(raise_exception=True) is True
    api = c.system_service().get()
    assert api.product_info.name == "oVirt Engine"
    assert api.product_info.vendor == "ovirt.org"
    assert (api.product_info.version.major, api.product_info.version.minor) == (4, 5)
    assert api.product_info.version.full_version == "4.5.6-1.el9"
    # <time>: the Engine's clock, an xsd:dateTime with its offset; the world's clock is this
    # machine's.
    now = datetime.datetime.now(datetime.timezone.utc)
    assert api.time.tzinfo is not None
    assert abs((api.time - now).total_seconds()) < 300
    token = c.authenticate()
    assert token
    c.close()
    # The logout revoked the token: a request with it is refused with an empty 401.
    req = urllib.request.Request(lab.url("secondary"), headers={"Authorization": f"Bearer {token}"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=10, context=lab.ssl_context())
    assert e.value.code == 401
    assert e.value.read() == b""
    assert "WWW-Authenticate" in e.value.headers


def test_bad_password_is_an_auth_error(lab):
    c = lab.connect("primary", password="wrong")
    with pytest.raises(sdk.AuthError) as e:
        c.test(raise_exception=True)
    assert "access_denied" in str(e.value)
    assert "wrong" not in str(e.value)


def test_unknown_ids_are_not_found(lab):
    c = lab.connect("primary")
    system = c.system_service()
    for service in (
        system.vms_service().vm_service(UNKNOWN),
        system.vms_service().vm_service("not-a-uuid"),
        system.storage_domains_service().storage_domain_service(UNKNOWN),
        system.data_centers_service().data_center_service(UNKNOWN),
        system.hosts_service().host_service(UNKNOWN),
        system.clusters_service().cluster_service(UNKNOWN),
        system.templates_service().template_service(UNKNOWN),
    ):
        with pytest.raises(sdk.NotFoundError) as e:
            service.get()
        assert e.value.code == 404
    c.close()


def test_collections_read_back_the_worlds_values(lab):
    f = lab.facts
    c = lab.connect("primary")
    s = c.system_service()
    dcs = s.data_centers_service().list()
    assert sorted(d.name for d in dcs) == sorted(d["name"] for d in f["primary"]["data_centers"])
    assert all(d.status == sdk.types.DataCenterStatus.UP for d in dcs)
    one = s.data_centers_service().data_center_service(dcs[0].id).get()
    assert (one.name, one.id) == (dcs[0].name, dcs[0].id)
    assert one.version.major == 4
    clusters = s.clusters_service().list()
    assert sorted(x.name for x in clusters) == sorted(
        {m["from"] for m in f["mappings"]["clusters"]}
    )
    assert all(x.data_center.id in {d.id for d in dcs} for x in clusters)
    hosts = s.hosts_service().list()
    assert sorted(h.name for h in hosts) == sorted(h["name"] for h in f["primary"]["hosts"])
    h = s.hosts_service().host_service(hosts[0].id).get()
    assert h.status == sdk.types.HostStatus.UP and h.cluster.id in {x.id for x in clusters}
    domains = s.storage_domains_service().list()
    names = {d.name for d in domains}
    assert {d["name"] for d in f["domains"]} <= names
    # The top-level view hides an attached domain's status and lists its data center.
    attached = [d for d in domains if d.data_centers]
    assert attached and all(d.status is None for d in attached)
    dc_view = (
        s.data_centers_service()
        .data_center_service(attached[0].data_centers[0].id)
        .storage_domains_service()
        .storage_domain_service(attached[0].id)
        .get()
    )
    assert dc_view.status == sdk.types.StorageDomainStatus.ACTIVE
    profiles = s.vnic_profiles_service().list()
    assert {p["primary"]["id"] for p in f["mappings"]["vnic_profiles"]} <= {p.id for p in profiles}
    networks = s.networks_service().list()
    assert all(p.network.id in {n.id for n in networks} for p in profiles)
    labels = s.affinity_labels_service().list()
    assert sorted(x.name for x in labels) == sorted(x["name"] for x in f["primary"]["affinity_labels"])
    authz = s.domains_service().list()
    assert {m["from"] for m in f["mappings"]["authz_domains"]} <= {d.name for d in authz}
    internal = next(d for d in authz if d.name == "internal-authz")
    assert internal.id == "696E7465726E616C2D617574687A"
    roles = s.roles_service().list()
    assert {m["from"] for m in f["mappings"]["roles"]} <= {r.name for r in roles}
    templates = s.templates_service().list()
    assert {t["id"] for t in f["templates"]} <= {t.id for t in templates}
    vms = s.vms_service().list()
    assert {v["name"] for v in f["vms"]} <= {v.name for v in vms}
    vm = next(v for v in vms if v.name == f["vms"][0]["name"])
    full = s.vms_service().vm_service(vm.id).get(all_content=True, follow="nics,disk_attachments.disk")
    assert full.id == vm.id and full.cluster.id in {x.id for x in clusters}
    assert full.nics and all(n.vnic_profile.id in {p.id for p in profiles} for n in full.nics)
    assert full.disk_attachments
    groups = s.clusters_service().cluster_service(clusters[0].id).affinity_groups_service().list()
    assert all(g.cluster.id == clusters[0].id for g in groups)
    luns = s.disks_service().list(search="disk_type=lun")
    assert sorted(d.alias for d in luns) == sorted(l["alias"] for l in f["luns"])
    assert all(d.storage_type == sdk.types.DiskStorageType.LUN and d.lun_storage for d in luns)
    storage = s.hosts_service().host_service(hosts[0].id).storage_service().list()
    assert storage and all(x.logical_units for x in storage)
    c.close()


def test_the_roles_searches(lab):
    f = lab.facts
    c = lab.connect("primary")
    s = c.system_service()
    dc = f["primary"]["data_centers"][0]["name"]
    up_in_dc = [h["name"] for h in f["primary"]["hosts"] if h["up"] and h["data_center"] == f["primary"]["data_centers"][0]["id"]]
    hosts = s.hosts_service().list(search=f"status=up and datacenter={dc}")
    assert sorted(h.name for h in hosts) == sorted(up_in_dc)
    # Quoted, upper-case (case-insensitive by default), with blanks around the operator.
    assert [d.name for d in s.data_centers_service().list(search=f'name="{dc.upper()}"')] == [dc]
    assert s.data_centers_service().list(search=f"name={dc.upper()}", case_sensitive=True) == []
    assert [d.name for d in s.data_centers_service().list(search=f"name = {dc}")] == [dc]
    sd = next(d for d in f["domains"] if d["primary_dc"]["name"] == dc)
    assert [d.name for d in s.data_centers_service().list(search=f"storage={sd['name']}")] == [dc]
    assert [d.name for d in s.storage_domains_service().list(search=f'name="{sd["name"]}"')] == [sd["name"]]
    active = s.storage_domains_service().list(search="status=active and type!=cinder")
    assert {d["name"] for d in f["domains"]} <= {d.name for d in active}
    assert s.storage_domains_service().list(search="status = unattached and type != cinder and type != glance") == []
    assert len(s.storage_domains_service().list(search="status=active", max=1)) == 1
    on_sd = s.vms_service().list(search=f"status != down and storage.name={sd['name']} and datacenter={dc}")
    expected = {v["name"] for v in f["vms"] if v["running"] and sd["id"] in v["domains"]}
    assert {v.name for v in on_sd} == expected
    assert all(v.status != sdk.types.VmStatus.DOWN for v in on_sd)
    up = s.vms_service().list(search="status=up")
    assert {v["name"] for v in f["vms"] if v["running"]} <= {v.name for v in up}
    hosts_seeing = s.hosts_service().list(search=f"status=up and storage={sd['name']}")
    assert sorted(h.name for h in hosts_seeing) == sorted(up_in_dc)
    orphans = s.disks_service().list(search="disk_type = lun and number_of_vms = 0")
    assert orphans == []
    name = f["vms"][1]["name"]
    assert [v.name for v in s.vms_service().list(search=f'name="{name}"')] == [name]
    with pytest.raises(sdk.Error) as e:
        s.vms_service().list(search="bogus_field=1")
    assert e.value.code == 400
    c.close()


def test_matrix_parameters_version_header_and_relogin(lab):
    c = lab.connect("primary")
    token = c.authenticate()
    sd = lab.facts["domains"][0]["id"]
    base = lab.url("primary")

    def get(path, **headers):
        req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}", **headers})
        with urllib.request.urlopen(req, timeout=10, context=lab.ssl_context()) as r:
            assert r.headers["Content-Type"].startswith("application/xml")
            return ET.fromstring(r.read())

    # The domain is attached and active on the primary: nothing is unregistered there.
    for path in (f"/storagedomains/{sd}/vms;unregistered", f"/v4/storagedomains/{sd}/vms;unregistered=true"):
        assert get(path).tag == "vms"
    root = get("/datacenters", Version="4")
    assert root.tag == "data_centers" and root.find("data_center").get("href").startswith("/ovirt-engine/api/datacenters/")
    with pytest.raises(urllib.error.HTTPError) as e:
        get("/datacenters", Version="3")
    assert e.value.code == 400
    # Tokens revoked behind the SDK's back: it logs in again and resends.
    lab.control("primary", "POST", "/sessions/expire")
    assert c.system_service().data_centers_service().list()
    c.close()


def test_ovf_store_disks_of_a_storage_domain(lab):
    """`GET /storagedomains/{id}/disks`: two OVF_STORE disks per data domain, content type
    ovf_store, the description the Engine writes into the volume metadata after an update."""
    c = lab.connect("primary")
    sds = c.system_service().storage_domains_service()
    for d in lab.facts["domains"]:
        disks = sds.storage_domain_service(d["id"]).disks_service().list()
        ovf = [x for x in disks if x.content_type == sdk.types.DiskContentType.OVF_STORE]
        assert len(ovf) == 2, d["name"]
        for x in ovf:
            assert x.alias == "OVF_STORE"
            info = json.loads(x.description)
            assert info["Disk Description"] == "OVF_STORE"
            assert info["Storage Domains"] == [{"uuid": d["id"]}]
            # java.util.Date.toString() in a UTC JVM.
            datetime.datetime.strptime(info["Last Updated"], "%a %b %d %H:%M:%S UTC %Y")
    c.close()
