//! Setting up a site's inventory: data centers, clusters, hosts, networks, profiles, MAC pools,
//! affinity, users and roles.

use std::collections::HashSet;

use crate::Site;
use crate::engine::{HostStatus, Id, ProductVersion, Version};

use super::super::state::inventory::{
    AffinityGroupRec, ClusterRec, DcRec, HostRec, LabelRec, NetworkRec, ProfileRec, RoleRec,
};
use super::super::state::macs::{MacPool, parse_mac};
use super::Setup;

/// The physical memory of every host the setup adds.
pub(crate) const HOST_MEMORY: u64 = 256 << 30;

impl Setup<'_> {
    /// Sets the product version `site`'s Engine reports (`GET /ovirt-engine/api`), e.g. to
    /// check a rule that both sites run the same version.
    pub fn set_product_version(&mut self, site: Site, version: ProductVersion) {
        self.w.site_mut(site).api.version = version;
    }

    /// Adds a data center (it stays `uninitialized` until a data domain is attached).
    pub fn add_data_center(&mut self, site: Site, name: &str, version: Version) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_dc(DcRec {
            id,
            name: name.into(),
            version,
            local: false,
        });
        id
    }

    /// Adds a MAC pool with inclusive ranges given as MAC texts. Panics on a malformed MAC: the
    /// caller writes them as literals.
    pub fn add_mac_pool(
        &mut self,
        site: Site,
        ranges: &[(&str, &str)],
        allow_duplicates: bool,
    ) -> Id {
        let id = self.new_id(site);
        let ranges = ranges
            .iter()
            .map(|(a, b)| {
                let parse = |m: &str| parse_mac(m).unwrap_or_else(|| panic!("bad MAC {m:?}"));
                (parse(a), parse(b))
            })
            .collect();
        self.w
            .site_mut(site)
            .macs
            .insert(id, MacPool::new(ranges, allow_duplicates));
        id
    }

    /// Adds a cluster (x86_64, no memory overcommit).
    pub fn add_cluster(
        &mut self,
        site: Site,
        name: &str,
        dc: Id,
        mac_pool: Id,
        version: Version,
    ) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_cluster(ClusterRec {
            id,
            name: name.into(),
            dc,
            version,
            mac_pool,
            cpu_architecture: "x86_64".into(),
            networks: HashSet::new(),
            memory_overcommit: 100,
        });
        id
    }

    /// Adds a host ([`HOST_MEMORY`], 64 threads).
    pub fn add_host(&mut self, site: Site, name: &str, cluster: Id, status: HostStatus) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_host(HostRec {
            id,
            name: name.into(),
            address: format!("{name}.{site}.example"),
            cluster,
            status,
            memory: HOST_MEMORY,
            cpu_threads: 64,
            iscsi_initiator: format!("iqn.1994-05.com.redhat:{name}"),
            missing_networks: HashSet::new(),
        });
        id
    }

    /// Adds a logical network and attaches it to `clusters`.
    pub fn add_network(
        &mut self,
        site: Site,
        dc: Id,
        name: &str,
        vlan: Option<u32>,
        clusters: &[Id],
    ) -> Id {
        let id = self.new_id(site);
        let s = self.w.site_mut(site);
        s.inv.add_network(NetworkRec {
            id,
            name: name.into(),
            dc,
            vlan,
        });
        for c in clusters {
            if let Some(c) = s.inv.clusters.get_mut(c) {
                c.networks.insert(id);
            }
        }
        id
    }

    /// Adds a vNIC profile on `network`.
    pub fn add_vnic_profile(&mut self, site: Site, network: Id, name: &str) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_profile(ProfileRec {
            id,
            name: name.into(),
            network,
        });
        id
    }

    /// Adds an affinity group to `cluster`.
    pub fn add_affinity_group(
        &mut self,
        site: Site,
        cluster: Id,
        name: &str,
        positive: bool,
    ) -> Id {
        let id = self.new_id(site);
        self.w
            .site_mut(site)
            .inv
            .add_affinity_group(AffinityGroupRec {
                id,
                name: name.into(),
                cluster,
                positive,
                enforcing: true,
            });
        id
    }

    /// Adds an affinity label.
    pub fn add_affinity_label(&mut self, site: Site, name: &str) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_label(LabelRec {
            id,
            name: name.into(),
        });
        id
    }

    /// Adds a user `login` in authz domain `authz` (creating the domain).
    pub fn add_user(&mut self, site: Site, login: &str, authz: &str) {
        self.w.site_mut(site).inv.add_user(login, authz);
    }

    /// Adds a role.
    pub fn add_role(&mut self, site: Site, name: &str, administrative: bool) -> Id {
        let id = self.new_id(site);
        self.w.site_mut(site).inv.add_role(RoleRec {
            id,
            name: name.into(),
            administrative,
            mutable: false,
        });
        id
    }
}
