"""The request bodies of our REST client against the official SDK's for the same calls.

`fixtures/rest_request_bodies.json` holds every request `RestEngine` sends with a body, as it
went over the wire (written and kept current by `olvm-dr-core/tests/rest_request_bodies.rs`).
Each case here makes the same call through `ovirtsdk4`'s services on a connection that keeps
the request instead of sending it, and compares method, path and body: the XML trees must be
equal up to attribute order and whitespace. The differences we send on purpose are listed in
`ACCEPTED` with the reason the Engine takes them; any other difference, or an accepted one
that is gone, fails.

The Engine reads request bodies with JAXB (`JAXBProvider.readFrom` in ovirt-engine's restapi
jaxrs module) on an `Unmarshaller` that has no schema set, so the order of child elements is
not checked: an element is read by its name wherever it is.
"""

import json
import pathlib
import xml.etree.ElementTree as ET

import pytest

FIXTURE = pathlib.Path(__file__).parent / "fixtures" / "rest_request_bodies.json"


def uuid(n):
    """The id the Rust side writes for `id(n)`."""
    return "00000000-0000-0000-0000-%012x" % n


DC, SD, VM, HOST, NIC = uuid(0xD1), uuid(0xA1), uuid(0x11), uuid(0xB1), uuid(0x111)
NIL = uuid(0)
IQN = "iqn.2026-01.example:dr1"


class KeepingConnection:
    """Stands in for `ovirtsdk4.Connection`: keeps the request a service builds and sends
    nothing (the services are called with `wait=False`, so nothing waits for an answer)."""

    def __init__(self):
        self.requests = []

    def send(self, request):
        self.requests.append(request)
        return len(self.requests)


def sdk_request(call):
    """The request the SDK sends for `call(system_service)`."""
    from ovirtsdk4 import services

    connection = KeepingConnection()
    call(services.SystemService(connection, ""))
    (request,) = connection.requests
    return request


def lun(n):
    from ovirtsdk4 import types

    return types.LogicalUnit(
        id="36001405aa11bb22cc33dd44ee55ff6%d" % n, address="10.0.2.10", port=3260, target=IQN
    )


def every_mapping(with_luns):
    """The `registration_configuration` of `full_registration()` on the Rust side."""
    from ovirtsdk4 import types as t

    luns = [
        t.RegistrationLunMapping(
            from_=t.Disk(
                lun_storage=t.HostStorage(
                    type=t.StorageType.ISCSI,
                    logical_units=[t.LogicalUnit(id="36001405aa11bb22cc33dd44ee55ff601")],
                )
            ),
            to=t.Disk(
                alias="db-lun",
                lun_storage=t.HostStorage(
                    type=t.StorageType.ISCSI,
                    logical_units=[
                        t.LogicalUnit(
                            id="36001405aa11bb22cc33dd44ee55ff701",
                            address="10.0.2.10",
                            port=3260,
                            portal="10.0.2.10:3260,1",
                            target=IQN,
                            username="chap-user",
                            password="chap-secret",
                        )
                    ],
                ),
            ),
        ),
        t.RegistrationLunMapping(
            from_=t.Disk(
                lun_storage=t.HostStorage(
                    type=t.StorageType.FCP,
                    logical_units=[t.LogicalUnit(id="3600a0b80005b10ca0000a5d9")],
                )
            ),
            to=t.Disk(
                lun_storage=t.HostStorage(
                    type=t.StorageType.FCP,
                    logical_units=[t.LogicalUnit(id="3600a0b80005b10ca0000b7e1")],
                )
            ),
        ),
    ]
    return t.RegistrationConfiguration(
        cluster_mappings=[
            t.RegistrationClusterMapping(
                from_=t.Cluster(name="cluster-a"), to=t.Cluster(name="cluster-b")
            )
        ],
        role_mappings=[
            t.RegistrationRoleMapping(from_=t.Role(name="UserRole"), to=t.Role(name="UserVmManager"))
        ],
        domain_mappings=[
            t.RegistrationDomainMapping(
                from_=t.Domain(name="internal-authz"), to=t.Domain(name="corp.example.com")
            )
        ],
        affinity_group_mappings=[
            t.RegistrationAffinityGroupMapping(
                from_=t.AffinityGroup(name="web-apart"), to=t.AffinityGroup(name="web-apart-dr")
            )
        ],
        affinity_label_mappings=[
            t.RegistrationAffinityLabelMapping(
                from_=t.AffinityLabel(name="gold"), to=t.AffinityLabel(name="gold-dr")
            ),
            t.RegistrationAffinityLabelMapping(
                from_=t.AffinityLabel(name="silver"), to=t.AffinityLabel(name="silver-dr")
            ),
        ],
        lun_mappings=luns if with_luns else None,
        vnic_profile_mappings=[
            t.RegistrationVnicProfileMapping(
                from_=t.VnicProfile(name="ovirtmgmt", network=t.Network(name="ovirtmgmt")),
                to=t.VnicProfile(id=uuid(0xF2)),
            ),
            t.RegistrationVnicProfileMapping(
                from_=t.VnicProfile(name="prod", network=t.Network(name="prod net")),
                to=t.VnicProfile(name="prod-dr", network=t.Network(name="prod net dr")),
            ),
            # No profile: the empty GUID (`ImportVmCommandBase`'s vNIC mapping reads it as
            # "no profile"), as the model's `RegistrationVnicProfileMapping` documents.
            t.RegistrationVnicProfileMapping(
                from_=t.VnicProfile(name="backup", network=t.Network(name="backup")),
                to=t.VnicProfile(id=NIL),
            ),
        ],
    )


def sdk_calls():
    """Case name (as in the fixture) → the same call made with the SDK."""
    from ovirtsdk4 import types as t

    def sds(s):
        return s.storage_domains_service()

    def attached(s):
        return s.data_centers_service().data_center_service(DC).storage_domains_service()

    def host(s):
        return s.hosts_service().host_service(HOST)

    def nic(s):
        return s.vms_service().vm_service(VM).nics_service().nic_service(NIC)

    def unregistered_vm(s):
        return sds(s).storage_domain_service(SD).vms_service().vm_service(VM)

    def vm(s):
        return s.vms_service().vm_service(VM)

    nfs = t.StorageDomain(
        name="dr-nfs",
        type=t.StorageDomainType.DATA,
        host=t.Host(id=HOST),
        storage=t.HostStorage(
            type=t.StorageType.NFS,
            address="nfs2.example.com",
            path="/exports/dr data",
            mount_options="soft",
            nfs_version=t.NfsVersion.V4_1,
        ),
        wipe_after_delete=False,
        backup=True,
        critical_space_action_blocker=5,
        warning_low_space_indicator=10,
    )
    gluster = t.StorageDomain(
        type=t.StorageDomainType.EXPORT,
        host=t.Host(id=HOST),
        storage=t.HostStorage(
            type=t.StorageType.GLUSTERFS,
            address="gluster2.example.com",
            path="dr-volume",
            vfs_type="glusterfs",
        ),
    )
    iscsi = t.StorageDomain(
        id=uuid(0xA2),
        import_=True,
        name="dr-iscsi",
        type=t.StorageDomainType.DATA,
        host=t.Host(id=HOST),
        storage=t.HostStorage(type=t.StorageType.ISCSI, logical_units=[lun(1), lun(2)]),
        wipe_after_delete=True,
        discard_after_delete=True,
        backup=False,
        critical_space_action_blocker=5,
        warning_low_space_indicator=10,
    )
    fcp = t.StorageDomain(
        id=uuid(0xA3),
        import_=True,
        name="dr-fc",
        type=t.StorageDomainType.DATA,
        host=t.Host(id=HOST),
        storage=t.HostStorage(
            type=t.StorageType.FCP,
            volume_group=t.VolumeGroup(
                id="vg-Xy12-ab", logical_units=[t.LogicalUnit(id="3600a0b80005b10ca0000a5d9")]
            ),
        ),
    )
    portal = dict(address="10.0.2.10", port=3260)
    chap = dict(username="chap-user", password="chap-secret")
    return {
        "import_storage_domain_nfs": lambda s: sds(s).add(nfs, wait=False),
        "import_storage_domain_glusterfs": lambda s: sds(s).add(gluster, wait=False),
        "import_storage_domain_iscsi": lambda s: sds(s).add(iscsi, wait=False),
        "import_storage_domain_fcp": lambda s: sds(s).add(fcp, wait=False),
        "attach_storage_domain": lambda s: attached(s).add(t.StorageDomain(id=SD), wait=False),
        "activate_storage_domain": lambda s: attached(s)
        .storage_domain_service(SD)
        .activate(wait=False),
        "deactivate_storage_domain": lambda s: attached(s)
        .storage_domain_service(SD)
        .deactivate(force=False, wait=False),
        "deactivate_storage_domain_force": lambda s: attached(s)
        .storage_domain_service(SD)
        .deactivate(force=True, wait=False),
        "update_ovf_store": lambda s: sds(s).storage_domain_service(SD).update_ovf_store(wait=False),
        "iscsi_discover": lambda s: host(s).iscsi_discover(
            iscsi=t.IscsiDetails(**portal), wait=False
        ),
        "iscsi_discover_chap": lambda s: host(s).iscsi_discover(
            iscsi=t.IscsiDetails(address="10.0.2.10", port=3261, **chap), wait=False
        ),
        "iscsi_login": lambda s: host(s).iscsi_login(
            iscsi=t.IscsiDetails(target=IQN, **portal), wait=False
        ),
        "iscsi_login_chap": lambda s: host(s).iscsi_login(
            iscsi=t.IscsiDetails(target=IQN, portal="10.0.2.10:3260,1", **portal, **chap),
            wait=False,
        ),
        "set_nic_unplugged": lambda s: nic(s).update(t.Nic(plugged=False), wait=False),
        "set_nic_plugged": lambda s: nic(s).update(t.Nic(plugged=True), wait=False),
        "register_vm_plain": lambda s: unregistered_vm(s).register(
            allow_partial_import=False, reassign_bad_macs=False, wait=False
        ),
        "register_vm_every_mapping": lambda s: unregistered_vm(s).register(
            cluster=t.Cluster(id=uuid(0xC2)),
            allow_partial_import=True,
            reassign_bad_macs=True,
            registration_configuration=every_mapping(with_luns=True),
            wait=False,
        ),
        "register_vm_cluster_by_name": lambda s: unregistered_vm(s).register(
            cluster=t.Cluster(name="cluster b"),
            allow_partial_import=False,
            reassign_bad_macs=True,
            wait=False,
        ),
        # The template's register has no `reassign_bad_macs` parameter (the model's
        # `StorageDomainContentTemplateService.register`); ours writes the flag (false) for
        # both, see ACCEPTED.
        "register_template_every_mapping": lambda s: sds(s)
        .storage_domain_service(SD)
        .templates_service()
        .template_service(uuid(0x21))
        .register(
            cluster=t.Cluster(id=uuid(0xC2)),
            allow_partial_import=True,
            registration_configuration=every_mapping(with_luns=False),
            wait=False,
        ),
        "start_vm": lambda s: vm(s).start(wait=False),
        "shutdown_vm": lambda s: vm(s).shutdown(wait=False),
        "stop_vm": lambda s: vm(s).stop(wait=False),
        "add_tag": lambda s: s.tags_service().add(
            t.Tag(name="dr", description="olvm-dr run 7"), wait=False
        ),
    }


# Differences between our body and the SDK's that the Engine reads the same, per case, with
# the reason. Each key is a difference as `differences()` words it.
ACCEPTED = {
    "import_storage_domain_iscsi": {
        "order /storage_domain/storage: ours ['type', 'logical_units'], SDK ['logical_units', 'type']": (
            "the <storage> element comes from the entity writer the simulator's answers share, "
            "which puts the LUNs after the scalar fields; JAXB reads `HostStorage.type` and "
            "`logical_units` in either order (module docstring)"
        ),
    },
    "register_template_every_mapping": {
        "extra /action/reassign_bad_macs": (
            "one body serves VMs and templates; the Engine's template registration "
            "(BackendStorageDomainTemplateResource.register) never reads "
            "`reassign_bad_macs`, and JAXB reads the `Action` field either way"
        ),
    },
}


def tree(text):
    return ET.fromstring(text.encode() if isinstance(text, str) else text)


def differences(ours, sdk, path=""):
    """How `ours` differs from `sdk`: attributes and text by value, child elements by tag
    and position among the children of the same tag, their order separately."""
    here = f"{path}/{ours.tag}"
    found = []
    if ours.tag != sdk.tag:
        return [f"tag {here}: ours <{ours.tag}>, SDK <{sdk.tag}>"]
    if ours.attrib != sdk.attrib:
        found.append(f"attributes {here}: ours {ours.attrib}, SDK {sdk.attrib}")
    mine, theirs = (ours.text or "").strip(), (sdk.text or "").strip()
    if mine != theirs:
        found.append(f"text {here}: ours {mine!r}, SDK {theirs!r}")
    ours_tags = [c.tag for c in ours]
    sdk_tags = [c.tag for c in sdk]
    if sorted(ours_tags) == sorted(sdk_tags) and ours_tags != sdk_tags:
        found.append(f"order {here}: ours {ours_tags}, SDK {sdk_tags}")
    for tag in dict.fromkeys(ours_tags + sdk_tags):
        a, b = ours.findall(tag), sdk.findall(tag)
        for x, y in zip(a, b):
            found.extend(differences(x, y, here))
        found.extend(f"extra {here}/{tag}" for _ in a[len(b) :])
        found.extend(f"missing {here}/{tag}" for _ in b[len(a) :])
    return found


def load_cases():
    return json.loads(FIXTURE.read_text())


def test_every_case_has_an_sdk_call_and_back():
    cases = [c["case"] for c in load_cases()]
    assert len(cases) == len(set(cases)), "case names are unique"
    assert set(cases) == set(sdk_calls()), "each captured request has its SDK call"
    assert set(ACCEPTED) <= set(cases)


@pytest.mark.parametrize("case", [c["case"] for c in load_cases()])
def test_request_matches_the_sdk(case):
    ours = next(c for c in load_cases() if c["case"] == case)
    sdk = sdk_request(sdk_calls()[case])
    assert ours["method"] == sdk.method
    assert ours["path"].lstrip("/") == sdk.path.lstrip("/")
    assert ours["query"] == "" and not sdk.query, "no query on these requests"
    found = differences(tree(ours["body"]), tree(sdk.body))
    accepted = ACCEPTED.get(case, {})
    assert sorted(found) == sorted(accepted), (
        f"{case}: differences from the SDK {found}, accepted {sorted(accepted)}\n"
        f"ours: {ours['body']}\nSDK:  {sdk.body}"
    )


def test_the_comparison_sees_what_differs():
    """The comparison itself: order, extra, missing, text and attribute differences."""
    a = tree('<a x="1"><b>1</b><c/><c/></a>')
    assert differences(a, tree('<a x="1"><b> 1 </b><c/><c/></a>')) == []
    assert differences(a, tree('<a x="1"><c/><b>1</b><c/></a>')) == [
        "order /a: ours ['b', 'c', 'c'], SDK ['c', 'b', 'c']"
    ]
    assert differences(a, tree('<a x="2"><b>2</b><c/></a>')) == [
        "attributes /a: ours {'x': '1'}, SDK {'x': '2'}",
        "text /a/b: ours '1', SDK '2'",
        "extra /a/c",
    ]
    assert differences(tree("<a/>"), tree("<a><d/></a>")) == ["missing /a/d"]
