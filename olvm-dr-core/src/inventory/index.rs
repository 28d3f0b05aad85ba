//! [`Index`]: hash lookups over an [`Inventory`], so that checks against thousands of VMs and
//! profiles stay linear.

use std::collections::HashMap;

use super::Inventory;
use crate::engine::{
    AffinityGroup, Cluster, DataCenter, Disk, Host, HostStatus, Id, Network, StorageDomain,
    VnicProfile,
};

/// Lookups by id and by name over one [`Inventory`].
#[derive(Debug)]
pub struct Index<'a> {
    inv: &'a Inventory,
    dcs: HashMap<Id, &'a DataCenter>,
    dcs_by_name: HashMap<&'a str, &'a DataCenter>,
    clusters: HashMap<Id, &'a Cluster>,
    clusters_by_name: HashMap<&'a str, &'a Cluster>,
    networks: HashMap<Id, &'a Network>,
    profiles: HashMap<Id, &'a VnicProfile>,
    /// Profile name, then network name.
    profiles_by_names: HashMap<&'a str, HashMap<&'a str, Vec<&'a VnicProfile>>>,
    groups_by_name: HashMap<&'a str, Vec<&'a AffinityGroup>>,
    domains: HashMap<Id, &'a StorageDomain>,
    domains_by_name: HashMap<&'a str, Vec<&'a StorageDomain>>,
    up_hosts_by_cluster: HashMap<Id, Vec<&'a Host>>,
    lun_disks: HashMap<&'a str, &'a Disk>,
}

impl<'a> Index<'a> {
    pub(super) fn new(inv: &'a Inventory) -> Self {
        let networks: HashMap<Id, &Network> = inv.networks.iter().map(|n| (n.id, n)).collect();
        let mut profiles_by_names: HashMap<&str, HashMap<&str, Vec<&VnicProfile>>> = HashMap::new();
        for p in &inv.vnic_profiles {
            if let Some(n) = networks.get(&p.network) {
                profiles_by_names
                    .entry(p.name.as_str())
                    .or_default()
                    .entry(n.name.as_str())
                    .or_default()
                    .push(p);
            }
        }
        let mut groups_by_name: HashMap<&str, Vec<&AffinityGroup>> = HashMap::new();
        for g in &inv.affinity_groups {
            groups_by_name.entry(g.name.as_str()).or_default().push(g);
        }
        let mut domains_by_name: HashMap<&str, Vec<&StorageDomain>> = HashMap::new();
        for d in &inv.storage_domains {
            domains_by_name.entry(d.name.as_str()).or_default().push(d);
        }
        let mut up_hosts_by_cluster: HashMap<Id, Vec<&Host>> = HashMap::new();
        for h in inv.hosts.iter().filter(|h| h.status == HostStatus::Up) {
            if let Some(c) = h.cluster {
                up_hosts_by_cluster.entry(c).or_default().push(h);
            }
        }
        let mut lun_disks = HashMap::new();
        for d in &inv.lun_disks {
            if let Some(lun) = &d.lun_storage {
                for lu in &lun.logical_units {
                    lun_disks.insert(lu.id.as_str(), d);
                }
            }
        }
        Self {
            inv,
            dcs: inv.data_centers.iter().map(|d| (d.id, d)).collect(),
            dcs_by_name: inv
                .data_centers
                .iter()
                .map(|d| (d.name.as_str(), d))
                .collect(),
            clusters: inv.clusters.iter().map(|c| (c.id, c)).collect(),
            clusters_by_name: inv.clusters.iter().map(|c| (c.name.as_str(), c)).collect(),
            networks,
            profiles: inv.vnic_profiles.iter().map(|p| (p.id, p)).collect(),
            profiles_by_names,
            groups_by_name,
            domains: inv.storage_domains.iter().map(|d| (d.id, d)).collect(),
            domains_by_name,
            up_hosts_by_cluster,
            lun_disks,
        }
    }

    /// The inventory.
    pub fn inventory(&self) -> &'a Inventory {
        self.inv
    }

    /// The data center with this id.
    pub fn data_center(&self, id: Id) -> Option<&'a DataCenter> {
        self.dcs.get(&id).copied()
    }

    /// The data center with this name.
    pub fn data_center_named(&self, name: &str) -> Option<&'a DataCenter> {
        self.dcs_by_name.get(name).copied()
    }

    /// The cluster with this id.
    pub fn cluster(&self, id: Id) -> Option<&'a Cluster> {
        self.clusters.get(&id).copied()
    }

    /// The cluster with this name.
    pub fn cluster_named(&self, name: &str) -> Option<&'a Cluster> {
        self.clusters_by_name.get(name).copied()
    }

    /// The network with this id.
    pub fn network(&self, id: Id) -> Option<&'a Network> {
        self.networks.get(&id).copied()
    }

    /// The vNIC profile with this id.
    pub fn profile(&self, id: Id) -> Option<&'a VnicProfile> {
        self.profiles.get(&id).copied()
    }

    /// The profiles called `profile` on a network called `network` (one per data center that
    /// has them).
    pub fn profiles_named(&self, profile: &str, network: &str) -> &[&'a VnicProfile] {
        self.profiles_by_names
            .get(profile)
            .and_then(|by_network| by_network.get(network))
            .map_or(&[], Vec::as_slice)
    }

    /// The data center of a profile (through its network).
    pub fn profile_dc(&self, profile: &VnicProfile) -> Option<&'a DataCenter> {
        self.network(profile.network)
            .and_then(|n| self.data_center(n.data_center))
    }

    /// The affinity groups called `name` (names are unique per cluster only).
    pub fn affinity_groups_named(&self, name: &str) -> &[&'a AffinityGroup] {
        self.groups_by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The storage domain with this id (top-level view).
    pub fn domain(&self, id: Id) -> Option<&'a StorageDomain> {
        self.domains.get(&id).copied()
    }

    /// The storage domains with this name (top-level view).
    pub fn domains_named(&self, name: &str) -> &[&'a StorageDomain] {
        self.domains_by_name.get(name).map_or(&[], Vec::as_slice)
    }

    /// The UP hosts of a cluster.
    pub fn up_hosts_in_cluster(&self, cluster: Id) -> &[&'a Host] {
        self.up_hosts_by_cluster
            .get(&cluster)
            .map_or(&[], Vec::as_slice)
    }

    /// The UP hosts of a data center (through their clusters).
    pub fn up_hosts_in_dc(&self, dc: Id) -> impl Iterator<Item = &'a Host> + '_ {
        self.inv
            .clusters
            .iter()
            .filter(move |c| c.data_center == Some(dc))
            .flat_map(|c| self.up_hosts_in_cluster(c.id).iter().copied())
    }

    /// The direct-LUN disk backed by LUN `lun_id`.
    pub fn lun_disk(&self, lun_id: &str) -> Option<&'a Disk> {
        self.lun_disks.get(lun_id).copied()
    }
}
