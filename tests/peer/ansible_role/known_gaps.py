"""Simulator gaps that are known, tracked in docs/simulator.md ("What it does not model yet"),
and that the role runs into. A step whose divergence from olvm-dr is explained by one of them
is an expected failure (xfail) naming the gap, unless OLVM_DR_ROLE_STRICT=1; a divergence no
gap explains fails the step. Each gap is recognised by evidence, never assumed: the Engine's
answer in the role's output, or the simulator's own answer to a probe through the SDK.
Remove a gap here when docs/simulator.md drops its row."""

import os


def _lun_ids_no_host_sees(conn):
    """Item 6: the direct-LUN disks' LUN ids that no UP host's /hosts/{id}/storage lists."""
    system = conn.system_service()
    luns = {
        lu.id
        for d in system.disks_service().list()
        if d.lun_storage is not None
        for lu in (d.lun_storage.logical_units or [])
    }
    hosts = system.hosts_service()
    seen = set()
    for host in hosts.list(search="status=up"):
        seen |= {s.id for s in hosts.host_service(host.id).storage_service().list()}
    return sorted(luns - seen)


def _templates_without_os(conn):
    """Item 3: registered templates the Engine sends without <os> (ovirt_template's
    update_check reads entity.os.type after registering)."""
    return sorted(t.name for t in conn.system_service().templates_service().list() if t.os is None)


# (item, what, signature in the role's output or None, probe(conn) -> evidence or None)
GAPS = [
    (
        "Item 2",
        "iSCSI/FCP import without LUN ids: the simulator answers 400 'logical_unit[0]@id: required "
        "attribute is missing' where the Engine finds the LUNs from the host's devices",
        "logical_unit[0]@id: required attribute is missing",
        None,
    ),
    (
        "Item 3",
        "entities without <os> and the rest of the API model's elements: ovirt_template fails "
        "with \"'NoneType' object has no attribute 'type'\" after registering",
        "'NoneType' object has no attribute 'type'",
        _templates_without_os,
    ),
    (
        "Item 6",
        "/hosts/{id}/storage lists only FCP LUNs: the role's generator finds no host that sees an "
        "iSCSI direct LUN and leaves out its storage type and connection",
        None,
        _lun_ids_no_host_sees,
    ),
]


def strict():
    return os.environ.get("OLVM_DR_ROLE_STRICT") == "1"


def present(output="", conn=None):
    """The known gaps the evidence shows: [(item, what, evidence)]."""
    found = []
    for item, what, signature, probe in GAPS:
        if signature is not None and signature in output:
            found.append((item, what, f"role output: {signature}"))
            continue
        if probe is not None and conn is not None:
            evidence = probe(conn)
            if evidence:
                found.append((item, what, f"probe: {evidence}"))
    return found
