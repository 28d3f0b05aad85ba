"""What the role itself does differently from olvm-dr on any Engine, as predictions the peer
job checks the role's result against (rather than excusing a difference).

- vNIC profiles. The role copies `*_network_dc` into its map and then ignores it
  (`tasks/recover_engine.yml`, "Set Network Map"), so it sends every mapping of every data
  center. The Engine takes the first mapping whose source network and profile equal the NIC's
  (`ExternalVnicProfileMapping.isSameSourceProfile`, `MapVnicFlow`): for a VM in another data
  center, that mapping's target profile is not on the VM's cluster, and the Engine falls back to
  the profile of the source's names on the cluster, else no profile. olvm-dr sends each VM only
  its own data center's mappings.
- Direct LUNs in `generate_mapping`. The role takes a LUN's type and iSCSI connection from the
  device lists of the up hosts (`generate_mapping.py`, `_get_host_storages_for_external_lun_disks`);
  a host lists a LUN only while it is connected to its target (a storage domain's target, a
  running VM's direct LUN: `ConnectHostToStoragePoolServers`, `RunVmCommandBase.connectLunDisks`).
  For a LUN no up host lists, the role writes no type and no connection. olvm-dr reads them
  from the disk's own `lun_storage`.
"""

import copy

LUN_FIELDS_FROM_HOSTS = 5  # type, address, port, portal, target (after the LUN id)


def predict_generated_luns(want_luns, listed_lun_ids):
    """olvm-dr's generated LUN rows as the role writes them: LUNs no up host lists lose the
    fields the role reads from the hosts."""
    out = []
    for row in want_luns:
        if row[0] in listed_lun_ids:
            out.append(row)
        else:
            out.append((row[0],) + ("None",) * LUN_FIELDS_FROM_HOSTS)
    return sorted(out)


def listed_lun_ids(conn):
    """Every LUN id some up host lists, as the role collects them."""
    hosts = conn.system_service().hosts_service()
    seen = set()
    for host in hosts.list(search="status=up"):
        seen |= {s.id for s in hosts.host_service(host.id).storage_service().list()}
    return seen


def cluster_data_centers(conn):
    """Cluster name -> data center name on one site."""
    system = conn.system_service()
    dcs = {dc.id: dc.name for dc in system.data_centers_service().list()}
    return {c.name: dcs.get(c.data_center.id) for c in system.clusters_service().list() if c.data_center}


def cluster_profiles(conn):
    """Cluster name -> the 'network/profile' names usable on it (profiles of its networks)."""
    system = conn.system_service()
    networks = {n.id: n.name for n in system.networks_service().list()}
    by_network = {}
    for p in system.vnic_profiles_service().list():
        if p.network is not None:
            by_network.setdefault(p.network.id, []).append(f"{networks.get(p.network.id)}/{p.name}")
    out = {}
    for c in system.clusters_service().list():
        attached = system.clusters_service().cluster_service(c.id).networks_service().list()
        out[c.name] = {name for n in attached for name in by_network.get(n.id, [])}
    return out


def predict_role_nics(want, mapping, source, target, cluster_dc, profiles_on):
    """olvm-dr's end state `want` with each NIC's profile as the role's unscoped mappings give it.
    `source`/`target` are the mapping's side prefixes ('primary', 'secondary')."""
    rows = [e for e in (mapping.get("dr_network_mappings") or []) if isinstance(e, dict)]
    out = copy.deepcopy(want)
    for vm in out.get("vms", {}).values():
        dc = cluster_dc.get(vm.get("cluster"))
        usable = profiles_on.get(vm.get("cluster"), set())
        for nic in vm.get("nics", []):
            if nic["profile"] is None:
                continue
            net, _, prof = nic["profile"].partition("/")
            ours = next(
                (
                    e
                    for e in rows
                    if e.get(f"{target}_network_name") == net
                    and e.get(f"{target}_profile_name") == prof
                    and e.get(f"{target}_network_dc") == dc
                ),
                None,
            )
            if ours is None:
                continue  # not a mapped profile: the Engine's own name match, the same for both
            src = (ours.get(f"{source}_network_name"), ours.get(f"{source}_profile_name"))
            first = next(
                e for e in rows if (e.get(f"{source}_network_name"), e.get(f"{source}_profile_name")) == src
            )
            if first.get(f"{target}_network_dc") == dc:
                continue
            fallback = f"{src[0]}/{src[1]}"
            nic["profile"] = fallback if fallback in usable else None
    return out
