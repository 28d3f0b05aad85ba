//! [`WorldBuilder`]: realistic two-site inventories, deterministic from a seed and a size.
//!
//! The primary runs the workload: data centers with clusters, hosts, networks and profiles, a
//! MAC pool, users in two authz domains, roles, affinity groups and labels; N replicated data
//! domains of each storage type (NFS, GlusterFS, POSIX, iSCSI, FC), the first of each data
//! center its master unless the hosted engine's storage is; templates (with a second version of
//! one) copied to every domain of their data center; VMs with NICs, disks on one or two
//! domains, direct LUNs, HA flags, affinity memberships and permissions, some running; the
//! hosted-engine VM on a `hosted_storage` domain that is not replicated. Every OVF store is
//! written once at build time (as the periodic update would have), then replicated.
//!
//! The secondary mirrors the primary's data centers with matching clusters, networks and
//! profiles, some under other names (so mappings matter), a MAC pool with another range, users
//! in a renamed authz domain, a role and a label fewer; it has no replicated domain attached,
//! an imported but unattached ISO domain, and (in `medium` and `large`) its own hosted engine.

mod facts;
mod mapping;
mod settings;
mod sizing;
mod storage;
mod topology;
mod workload;

use std::time::SystemTime;

use tokio::time::Instant;

use crate::Site;
use crate::engine::{ApiInfo, ProductVersion, StorageType};

use super::clock::WallClock;
use super::fabric::Fabric;
use super::rng::SplitMix64;
use super::setup::Setup;
use super::state::{SiteState, WorldState};
use super::world::World;

pub use facts::{
    ClusterFacts, DomainFacts, HostFacts, IscsiTargetFacts, Location, LunFacts, MappingFacts,
    Named, ProfileFacts, SiteFacts, TemplateFacts, VmFacts, VnicPair, WorldFacts,
};
pub use mapping::{LiveDetails, SiteUrls};

/// The storage types of replicated data domains, in the order the builder creates them.
pub const STORAGE_TYPES: [StorageType; 5] = [
    StorageType::Nfs,
    StorageType::Iscsi,
    StorageType::Fcp,
    StorageType::Glusterfs,
    StorageType::Posixfs,
];

/// Builds a [`World`].
#[derive(Debug, Clone)]
pub struct WorldBuilder {
    pub(crate) seed: u64,
    pub(crate) data_centers: usize,
    pub(crate) clusters_per_dc: usize,
    pub(crate) hosts_per_cluster: usize,
    pub(crate) domains_per_type: [usize; 5],
    pub(crate) vms: usize,
    pub(crate) templates_per_dc: usize,
    pub(crate) direct_luns: usize,
    pub(crate) hosted_engine: bool,
    pub(crate) secondary_hosted_engine: bool,
    pub(crate) host_in_maintenance: bool,
    pub(crate) running_fraction: f64,
    pub(crate) ha_fraction: f64,
    pub(crate) multi_domain_fraction: f64,
    pub(crate) delete_protected: usize,
    pub(crate) snapshot_in_preview: usize,
    pub(crate) wall_clock: Option<SystemTime>,
}

impl WorldBuilder {
    /// The `small` preset: 2 data centers, 3 replicated domains (NFS, iSCSI, FC), 20 VMs, one
    /// direct LUN, the hosted engine on the primary.
    pub fn small(seed: u64) -> Self {
        Self {
            seed,
            data_centers: 2,
            clusters_per_dc: 1,
            hosts_per_cluster: 2,
            domains_per_type: [1, 1, 1, 0, 0],
            vms: 20,
            templates_per_dc: 2,
            direct_luns: 1,
            hosted_engine: true,
            secondary_hosted_engine: false,
            host_in_maintenance: false,
            running_fraction: 0.6,
            ha_fraction: 0.25,
            multi_domain_fraction: 0.1,
            delete_protected: 0,
            snapshot_in_preview: 0,
            wall_clock: None,
        }
    }

    /// The `medium` preset: 2 data centers with 2 clusters each, 2 domains of each of the five
    /// storage types, 500 VMs, 4 direct LUNs, hosted engines on both sites.
    pub fn medium(seed: u64) -> Self {
        Self {
            clusters_per_dc: 2,
            hosts_per_cluster: 3,
            domains_per_type: [2; 5],
            vms: 500,
            direct_luns: 4,
            secondary_hosted_engine: true,
            ..Self::small(seed)
        }
    }

    /// The `large` preset: 4 data centers with 2 clusters each, 4 domains of each storage type,
    /// 2000 VMs, 8 direct LUNs, a host in maintenance on each site.
    pub fn large(seed: u64) -> Self {
        Self {
            data_centers: 4,
            hosts_per_cluster: 4,
            domains_per_type: [4; 5],
            vms: 2000,
            direct_luns: 8,
            host_in_maintenance: true,
            ..Self::medium(seed)
        }
    }

    /// Sets the number of templates made in each data center (one of them gets a second
    /// version).
    #[must_use]
    pub fn templates_per_dc(mut self, count: usize) -> Self {
        self.templates_per_dc = count;
        self
    }

    /// Sets the number of VMs (up to tens of thousands). Each cluster of both sites gets the
    /// hosts its running VMs need (the preset's count at least), so that the VMs fit the other
    /// site's matching cluster on a failover and back.
    #[must_use]
    pub fn vms(mut self, count: usize) -> Self {
        self.vms = count;
        self
    }

    /// Sets the number of replicated data domains of one storage type (NFS, GlusterFS, POSIX,
    /// iSCSI or FC; other types are ignored).
    #[must_use]
    pub fn domains(mut self, storage_type: StorageType, count: usize) -> Self {
        if let Some(i) = STORAGE_TYPES.iter().position(|t| *t == storage_type) {
            self.domains_per_type[i] = count;
        }
        self
    }

    /// Sets the number of data centers per site.
    #[must_use]
    pub fn data_centers(mut self, count: usize) -> Self {
        self.data_centers = count.max(1);
        self
    }

    /// Sets the number of replicated direct LUNs.
    #[must_use]
    pub fn direct_luns(mut self, count: usize) -> Self {
        self.direct_luns = count;
        self
    }

    /// Makes `count` VMs delete-protected (they block detaching their domain).
    #[must_use]
    pub fn delete_protected(mut self, count: usize) -> Self {
        self.delete_protected = count;
        self
    }

    /// Gives `count` VMs a snapshot in preview (they block detaching their domain).
    #[must_use]
    pub fn snapshot_in_preview(mut self, count: usize) -> Self {
        self.snapshot_in_preview = count;
        self
    }

    /// Sets the fraction of VMs running at build time (default 0.6).
    #[must_use]
    pub fn running_fraction(mut self, fraction: f64) -> Self {
        self.running_fraction = fraction.clamp(0.0, 1.0);
        self
    }

    /// With or without the primary's hosted engine.
    #[must_use]
    pub fn hosted_engine(mut self, on: bool) -> Self {
        self.hosted_engine = on;
        self
    }

    /// Sets the wall-clock time at build (the Engine writes it into OVF_STORE descriptions);
    /// default: the system time when [`build`](Self::build) runs.
    #[must_use]
    pub fn wall_clock(mut self, at: SystemTime) -> Self {
        self.wall_clock = Some(at);
        self
    }

    /// Builds the world. Deterministic: the same settings give the same names, ids, MACs and
    /// contents.
    pub fn build(self) -> World {
        let origin = Instant::now();
        let api = ApiInfo {
            product_name: "oVirt Engine".into(),
            vendor: "ovirt.org".into(),
            version: ProductVersion {
                major: 4,
                minor: 5,
                build: 6,
                revision: 1,
                full_version: "4.5.6-1.el9".into(),
            },
            // Set on every answer from the world's clock.
            time: None,
        };
        let sites = [
            SiteState::new(Site::Primary, api.clone(), self.seed, origin),
            SiteState::new(Site::Secondary, api, self.seed, origin),
        ];
        let clock = WallClock::new(origin, self.wall_clock.unwrap_or_else(SystemTime::now));
        let mut state = WorldState::new(sites, Fabric::default(), clock);
        let mut rng = SplitMix64::derive(self.seed, "builder");
        let mut facts = WorldFacts {
            seed: self.seed,
            primary: SiteFacts::default(),
            secondary: SiteFacts::default(),
            domains: Vec::new(),
            luns: Vec::new(),
            hosted_engine: None,
            vms: Vec::new(),
            templates: Vec::new(),
            mappings: MappingFacts::default(),
        };
        {
            let mut setup = Setup {
                w: &mut state,
                now: origin,
            };
            let topo = topology::build(&self, &mut setup, &mut facts);
            let storage = storage::build(&self, &mut setup, &topo, &mut rng, &mut facts);
            workload::build(&self, &mut setup, &topo, &storage, &mut rng, &mut facts);
            setup.write_ovf_stores(Site::Primary);
            setup.write_ovf_stores(Site::Secondary);
            storage::replicate(&mut setup, &storage, &mut facts);
        }
        World::new(state, facts)
    }
}
