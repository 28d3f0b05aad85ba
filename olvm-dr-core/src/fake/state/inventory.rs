//! One Engine's inventory besides storage and VMs: data centers, clusters, hosts, networks, vNIC
//! profiles, affinity groups and labels, authz domains with their users, roles.

use std::collections::{BTreeMap, HashMap, HashSet};

use crate::engine::{
    AffinityLabel, AuthzDomain, Cluster, Host, HostStatus, Id, Network, Role, Version, VnicProfile,
};

#[derive(Debug, Clone)]
pub(crate) struct DcRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) version: Version,
    pub(crate) local: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct ClusterRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) dc: Id,
    pub(crate) version: Version,
    pub(crate) mac_pool: Id,
    pub(crate) cpu_architecture: String,
    /// The logical networks attached to the cluster.
    pub(crate) networks: HashSet<Id>,
    /// Memory overcommit in percent (`max_memory_over_commit`; 100 = none).
    pub(crate) memory_overcommit: u32,
}

#[derive(Debug, Clone)]
pub(crate) struct HostRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) address: String,
    pub(crate) cluster: Id,
    pub(crate) status: HostStatus,
    pub(crate) memory: u64,
    pub(crate) cpu_threads: u32,
    pub(crate) iscsi_initiator: String,
    /// Networks of its cluster that none of its interfaces carries (a host has every network
    /// of its cluster unless set up otherwise).
    pub(crate) missing_networks: HashSet<Id>,
}

#[derive(Debug, Clone)]
pub(crate) struct NetworkRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) dc: Id,
    pub(crate) vlan: Option<u32>,
}

#[derive(Debug, Clone)]
pub(crate) struct ProfileRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) network: Id,
}

#[derive(Debug, Clone)]
pub(crate) struct AffinityGroupRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) cluster: Id,
    pub(crate) positive: bool,
    pub(crate) enforcing: bool,
}

#[derive(Debug, Clone)]
pub(crate) struct LabelRec {
    pub(crate) id: Id,
    pub(crate) name: String,
}

#[derive(Debug, Clone)]
pub(crate) struct RoleRec {
    pub(crate) id: Id,
    pub(crate) name: String,
    pub(crate) administrative: bool,
    pub(crate) mutable: bool,
}

/// The inventory with its lookup indexes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Inventory {
    pub(crate) dcs: BTreeMap<Id, DcRec>,
    pub(crate) clusters: BTreeMap<Id, ClusterRec>,
    pub(crate) hosts: BTreeMap<Id, HostRec>,
    pub(crate) networks: BTreeMap<Id, NetworkRec>,
    pub(crate) profiles: BTreeMap<Id, ProfileRec>,
    pub(crate) affinity_groups: BTreeMap<Id, AffinityGroupRec>,
    pub(crate) labels: BTreeMap<Id, LabelRec>,
    pub(crate) roles: BTreeMap<Id, RoleRec>,
    /// Authz domain names, in the order they were added.
    pub(crate) authz: Vec<String>,
    /// Users as (login name, authz domain).
    pub(crate) users: HashSet<(String, String)>,
    cluster_by_name: HashMap<String, Id>,
    network_by_dc_name: HashMap<(Id, String), Id>,
    profile_by_network_name: HashMap<(Id, String), Id>,
    group_by_cluster_name: HashMap<(Id, String), Id>,
    label_by_name: HashMap<String, Id>,
    role_by_name: HashMap<String, Id>,
}

impl Inventory {
    pub(crate) fn add_dc(&mut self, dc: DcRec) {
        self.dcs.insert(dc.id, dc);
    }

    pub(crate) fn add_cluster(&mut self, c: ClusterRec) {
        self.cluster_by_name.insert(c.name.clone(), c.id);
        self.clusters.insert(c.id, c);
    }

    pub(crate) fn add_host(&mut self, h: HostRec) {
        self.hosts.insert(h.id, h);
    }

    pub(crate) fn add_network(&mut self, n: NetworkRec) {
        self.network_by_dc_name.insert((n.dc, n.name.clone()), n.id);
        self.networks.insert(n.id, n);
    }

    pub(crate) fn add_profile(&mut self, p: ProfileRec) {
        self.profile_by_network_name
            .insert((p.network, p.name.clone()), p.id);
        self.profiles.insert(p.id, p);
    }

    pub(crate) fn add_affinity_group(&mut self, g: AffinityGroupRec) {
        self.group_by_cluster_name
            .insert((g.cluster, g.name.clone()), g.id);
        self.affinity_groups.insert(g.id, g);
    }

    pub(crate) fn add_label(&mut self, l: LabelRec) {
        self.label_by_name.insert(l.name.clone(), l.id);
        self.labels.insert(l.id, l);
    }

    pub(crate) fn add_role(&mut self, r: RoleRec) {
        self.role_by_name.insert(r.name.clone(), r.id);
        self.roles.insert(r.id, r);
    }

    pub(crate) fn add_user(&mut self, login: &str, authz: &str) {
        if !self.authz.iter().any(|a| a == authz) {
            self.authz.push(authz.to_owned());
        }
        self.users.insert((login.to_owned(), authz.to_owned()));
    }

    pub(crate) fn cluster_by_name(&self, name: &str) -> Option<&ClusterRec> {
        self.cluster_by_name
            .get(name)
            .and_then(|id| self.clusters.get(id))
    }

    pub(crate) fn role_exists(&self, name: &str) -> bool {
        self.role_by_name.contains_key(name)
    }

    pub(crate) fn label_by_name(&self, name: &str) -> Option<Id> {
        self.label_by_name.get(name).copied()
    }

    pub(crate) fn group_in_cluster(&self, cluster: Id, name: &str) -> Option<Id> {
        self.group_by_cluster_name
            .get(&(cluster, name.to_owned()))
            .copied()
    }

    /// The profile `profile` on network `network` (both by name), if that network is attached
    /// to `cluster` (`VnicProfileViewDao.getAllForCluster` + name match).
    pub(crate) fn profile_in_cluster(
        &self,
        cluster: &ClusterRec,
        profile: &str,
        network: &str,
    ) -> Option<Id> {
        let net = self
            .network_by_dc_name
            .get(&(cluster.dc, network.to_owned()))?;
        if !cluster.networks.contains(net) {
            return None;
        }
        self.profile_by_network_name
            .get(&(*net, profile.to_owned()))
            .copied()
    }

    /// The profile and network names of profile `id`.
    pub(crate) fn profile_names(&self, id: Id) -> Option<(&str, &str)> {
        let p = self.profiles.get(&id)?;
        let n = self.networks.get(&p.network)?;
        Some((p.name.as_str(), n.name.as_str()))
    }

    /// The Up hosts of `dc`, in id order.
    pub(crate) fn up_hosts_in_dc(&self, dc: Id) -> impl Iterator<Item = &HostRec> {
        self.hosts.values().filter(move |h| {
            h.status == HostStatus::Up && self.clusters.get(&h.cluster).is_some_and(|c| c.dc == dc)
        })
    }

    // ----- views -----

    pub(crate) fn cluster_view(&self, c: &ClusterRec) -> Cluster {
        Cluster {
            id: c.id,
            name: c.name.clone(),
            data_center: Some(c.dc),
            version: c.version,
            mac_pool: Some(c.mac_pool),
            cpu_architecture: Some(c.cpu_architecture.clone()),
        }
    }

    /// The host as the API shows it, `scheduling` being its `max_scheduling_memory`.
    pub(crate) fn host_view(
        &self,
        h: &HostRec,
        spm: crate::engine::SpmStatus,
        scheduling: u64,
    ) -> Host {
        Host {
            id: h.id,
            name: h.name.clone(),
            address: h.address.clone(),
            status: h.status,
            cluster: Some(h.cluster),
            spm,
            memory: h.memory,
            max_scheduling_memory: scheduling,
            cpu_threads: h.cpu_threads,
            iscsi_initiator: Some(h.iscsi_initiator.clone()),
        }
    }

    pub(crate) fn networks_view(&self) -> Vec<Network> {
        self.networks
            .values()
            .map(|n| Network {
                id: n.id,
                name: n.name.clone(),
                data_center: n.dc,
                vlan: n.vlan,
            })
            .collect()
    }

    pub(crate) fn profiles_view(&self) -> Vec<VnicProfile> {
        self.profiles
            .values()
            .map(|p| VnicProfile {
                id: p.id,
                name: p.name.clone(),
                network: p.network,
            })
            .collect()
    }

    pub(crate) fn authz_view(&self) -> Vec<AuthzDomain> {
        self.authz
            .iter()
            .map(|name| AuthzDomain {
                id: AuthzDomain::id_for(name),
                name: name.clone(),
            })
            .collect()
    }

    pub(crate) fn roles_view(&self) -> Vec<Role> {
        self.roles
            .values()
            .map(|r| Role {
                id: r.id,
                name: r.name.clone(),
                administrative: r.administrative,
                mutable: r.mutable,
            })
            .collect()
    }

    pub(crate) fn label_view(&self, l: &LabelRec, vms: Vec<Id>) -> AffinityLabel {
        AffinityLabel {
            id: l.id,
            name: l.name.clone(),
            vms,
            hosts: Vec::new(),
        }
    }
}
