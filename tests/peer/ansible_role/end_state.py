"""A site's end state read through the official SDK, as plain data that two labs can be
compared on: what a DR flow leaves (domains, templates, VMs with their disks, NICs, affinity)
and nothing that differs between two runs of the same world on purpose (ids the Engine makes
up at registration, MAC addresses, timestamps)."""


def _name(conn, link):
    """The name of an entity the SDK returned as a link (id only)."""
    return conn.follow_link(link).name if link is not None else None


def read_site(conn):
    """Everything a failover or failback decides on one site, keyed by names."""
    system = conn.system_service()
    state = {"storage_domains": {}, "templates": {}, "vms": {}, "affinity_groups": {}, "affinity_labels": {}}
    dcs = system.data_centers_service().list()
    attached = {}
    for dc in dcs:
        for sd in system.data_centers_service().data_center_service(dc.id).storage_domains_service().list():
            attached.setdefault(sd.name, []).append(
                {"data_center": dc.name, "status": str(sd.status), "master": bool(sd.master)}
            )
    for sd in system.storage_domains_service().list():
        state["storage_domains"][sd.name] = {
            "id": sd.id,
            "type": str(sd.type),
            "storage_type": str(sd.storage.type) if sd.storage is not None else None,
            "attached": sorted(attached.get(sd.name, []), key=lambda a: a["data_center"]),
        }
    clusters = {c.id: c.name for c in system.clusters_service().list()}
    domains = {sd.id: sd.name for sd in system.storage_domains_service().list()}
    profiles = {}
    networks = {n.id: n.name for n in system.networks_service().list()}
    for p in system.vnic_profiles_service().list():
        profiles[p.id] = f"{networks.get(p.network.id) if p.network else None}/{p.name}"
    for tpl in system.templates_service().list():
        if tpl.id == "00000000-0000-0000-0000-000000000000":
            continue
        state["templates"][tpl.name] = {
            "cluster": clusters.get(tpl.cluster.id) if tpl.cluster is not None else None,
        }
    vms_service = system.vms_service()
    for vm in vms_service.list():
        service = vms_service.vm_service(vm.id)
        disks = []
        for att in service.disk_attachments_service().list():
            disk = conn.follow_link(att.disk)
            on = [domains.get(s.id, s.id) for s in (disk.storage_domains or [])]
            disks.append(
                {
                    "alias": disk.alias or disk.name,
                    "storage_type": str(disk.storage_type),
                    "domains": sorted(on),
                    "lun": [lu.id for lu in disk.lun_storage.logical_units] if disk.lun_storage else [],
                    "bootable": bool(att.bootable),
                    "active": bool(att.active),
                }
            )
        nics = []
        for nic in service.nics_service().list():
            nics.append(
                {
                    "name": nic.name,
                    "profile": profiles.get(nic.vnic_profile.id) if nic.vnic_profile is not None else None,
                    "plugged": bool(nic.plugged),
                }
            )
        state["vms"][vm.name] = {
            "status": str(vm.status),
            "cluster": clusters.get(vm.cluster.id) if vm.cluster is not None else None,
            "template": _template_name(conn, vm),
            "high_availability": bool(vm.high_availability.enabled) if vm.high_availability else None,
            "disks": sorted(disks, key=lambda d: d["alias"]),
            "nics": sorted(nics, key=lambda n: n["name"]),
            "labels": sorted(l.name for l in service.affinity_labels_service().list()),
        }
    for cid, cname in clusters.items():
        groups = system.clusters_service().cluster_service(cid).affinity_groups_service()
        for g in groups.list():
            members = groups.group_service(g.id).vms_service().list()
            vm_names = {v.id: v.name for v in vms_service.list()}
            state["affinity_groups"][f"{cname}/{g.name}"] = sorted(vm_names.get(m.id, m.id) for m in members)
    for label in system.affinity_labels_service().list():
        members = system.affinity_labels_service().label_service(label.id).vms_service().list()
        vm_names = {v.id: v.name for v in vms_service.list()}
        state["affinity_labels"][label.name] = sorted(vm_names.get(m.id, m.id) for m in members)
    return state


def _template_name(conn, vm):
    if vm.template is None:
        return None
    if vm.template.id == "00000000-0000-0000-0000-000000000000":
        return "Blank"
    try:
        return conn.follow_link(vm.template).name
    except Exception:  # the VM's template is not registered on this site
        return f"<unregistered {vm.template.id}>"


def differences(left, right, path=""):
    """Every place where two states differ, as 'path: left != right' lines (empty when equal)."""
    if isinstance(left, dict) and isinstance(right, dict):
        out = []
        for key in sorted(set(left) | set(right), key=str):
            sub = f"{path}/{key}"
            if key not in left:
                out.append(f"{sub}: only in the second: {right[key]!r}")
            elif key not in right:
                out.append(f"{sub}: only in the first: {left[key]!r}")
            else:
                out += differences(left[key], right[key], sub)
        return out
    return [] if left == right else [f"{path}: {left!r} != {right!r}"]
