//! [`Inventory`]: what one site's Engine holds, read through the [`Engine`] trait with one
//! listing per collection, the listings running concurrently.
//!
//! `generate` reads the primary (and the secondary to pre-fill its values) and the online
//! validation reads both sites with it. Collections that only exist per parent are listed per
//! parent: the domains attached to each data center, the affinity groups of each cluster
//! (the Engine has no listing across parents). The LUNs hosts see are read separately, host by
//! host, only when needed ([`up_host_luns`]).
//!
//! ```
//! use olvm_dr_core::Site;
//! use olvm_dr_core::fake::WorldBuilder;
//! use olvm_dr_core::inventory::{Collections, Inventory};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() {
//! let world = WorldBuilder::small(1).build();
//! let engine = world.dyn_engine(Site::Primary);
//! let inv = Inventory::read(engine.as_ref(), &Collections::all()).await.unwrap();
//! assert!(!inv.clusters.is_empty());
//! # }
//! ```

mod index;
mod luns;

use std::collections::HashSet;
use std::fmt;

use futures_util::future::try_join_all;

use crate::engine::{
    AffinityGroup, AffinityLabel, ApiInfo, AuthzDomain, Cluster, DataCenter, Disk, DiskFilter,
    Engine, EngineError, Host, Id, Network, Role, StorageDomain, Vm, VmSearch, VnicProfile,
};

pub use index::Index;
pub use luns::{HOST_BATCH, HostLuns, up_host_luns};

/// The name the Engine gives the hosted-engine storage domain.
pub const HOSTED_STORAGE: &str = "hosted_storage";

/// Which collections to read. `Default` reads nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Collections {
    /// Product and version (`GET /`), also the first request, so an unreachable Engine is
    /// reported as such.
    pub api: bool,
    /// Data centers.
    pub data_centers: bool,
    /// The storage domains attached to each data center (the data-center-scoped view with the
    /// real status and the master flag); implies `data_centers`.
    pub attached_domains: bool,
    /// Clusters.
    pub clusters: bool,
    /// The affinity groups of each cluster; implies `clusters`.
    pub affinity_groups: bool,
    /// Affinity labels (with their members).
    pub affinity_labels: bool,
    /// Authorization (AAA) domains.
    pub authz_domains: bool,
    /// Roles.
    pub roles: bool,
    /// Hosts.
    pub hosts: bool,
    /// Logical networks.
    pub networks: bool,
    /// vNIC profiles.
    pub vnic_profiles: bool,
    /// Storage domains, top-level view (connection facts, attached data centers).
    pub storage_domains: bool,
    /// Direct-LUN disks.
    pub lun_disks: bool,
    /// VMs (with NICs, disk domains and snapshot preview).
    pub vms: bool,
}

impl Collections {
    /// Every collection.
    pub fn all() -> Self {
        Self {
            api: true,
            data_centers: true,
            attached_domains: true,
            clusters: true,
            affinity_groups: true,
            affinity_labels: true,
            authz_domains: true,
            roles: true,
            hosts: true,
            networks: true,
            vnic_profiles: true,
            storage_domains: true,
            lun_disks: true,
            vms: true,
        }
    }
}

/// One site's inventory. Collections that were not asked for are empty.
#[derive(Debug, Clone, Default)]
pub struct Inventory {
    /// Product and version.
    pub api: Option<ApiInfo>,
    /// Data centers.
    pub data_centers: Vec<DataCenter>,
    /// Storage domains attached to data centers (data-center-scoped view), with the data
    /// center.
    pub attached: Vec<(Id, StorageDomain)>,
    /// Clusters.
    pub clusters: Vec<Cluster>,
    /// Affinity groups of every cluster.
    pub affinity_groups: Vec<AffinityGroup>,
    /// Affinity labels.
    pub affinity_labels: Vec<AffinityLabel>,
    /// Authz domains.
    pub authz_domains: Vec<AuthzDomain>,
    /// Roles.
    pub roles: Vec<Role>,
    /// Hosts.
    pub hosts: Vec<Host>,
    /// Logical networks.
    pub networks: Vec<Network>,
    /// vNIC profiles.
    pub vnic_profiles: Vec<VnicProfile>,
    /// Storage domains (top-level view).
    pub storage_domains: Vec<StorageDomain>,
    /// Direct-LUN disks.
    pub lun_disks: Vec<Disk>,
    /// VMs.
    pub vms: Vec<Vm>,
}

/// A listing failed: which collection, and the Engine's error.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct ReadError {
    /// What was being listed, e.g. `clusters`.
    pub collection: &'static str,
    /// Why it failed.
    #[source]
    pub error: EngineError,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot list {}: {}", self.collection, self.error)
    }
}

fn failed(collection: &'static str) -> impl Fn(EngineError) -> ReadError {
    move |error| ReadError { collection, error }
}

/// Lists one collection when `wanted`, nothing otherwise.
async fn listing<T, F>(wanted: bool, collection: &'static str, list: F) -> Result<Vec<T>, ReadError>
where
    F: Future<Output = Result<Vec<T>, EngineError>>,
{
    if wanted {
        list.await.map_err(failed(collection))
    } else {
        Ok(Vec::new())
    }
}

impl Inventory {
    /// Reads the collections `what` asks for from `engine`, concurrently: every top-level
    /// listing at once, and the per-parent listings as soon as their parents are known.
    ///
    /// # Errors
    /// The first listing that fails, with its collection.
    pub async fn read(engine: &dyn Engine, what: &Collections) -> Result<Inventory, ReadError> {
        let api = async {
            if what.api {
                engine
                    .api_info()
                    .await
                    .map(Some)
                    .map_err(failed("the API root"))
            } else {
                Ok(None)
            }
        };
        let dcs = async {
            let dcs = listing(
                what.data_centers || what.attached_domains,
                "data centers",
                engine.data_centers(),
            )
            .await?;
            let attached = if what.attached_domains {
                try_join_all(dcs.iter().map(|dc| async move {
                    engine
                        .attached_storage_domains(dc.id)
                        .await
                        .map(|list| list.into_iter().map(|d| (dc.id, d)).collect::<Vec<_>>())
                        .map_err(failed("attached storage domains"))
                }))
                .await?
                .into_iter()
                .flatten()
                .collect()
            } else {
                Vec::new()
            };
            Ok::<_, ReadError>((dcs, attached))
        };
        let clusters = async {
            let clusters = listing(
                what.clusters || what.affinity_groups,
                "clusters",
                engine.clusters(),
            )
            .await?;
            let groups = if what.affinity_groups {
                try_join_all(clusters.iter().map(|c| async move {
                    engine
                        .affinity_groups(c.id)
                        .await
                        .map_err(failed("affinity groups"))
                }))
                .await?
                .into_iter()
                .flatten()
                .collect()
            } else {
                Vec::new()
            };
            Ok::<_, ReadError>((clusters, groups))
        };
        let lun_filter = DiskFilter {
            lun_only: true,
            unattached_only: false,
        };
        let all_vms = VmSearch::default();
        let (
            api,
            (data_centers, attached),
            (clusters, affinity_groups),
            affinity_labels,
            authz_domains,
            roles,
            hosts,
            networks,
            vnic_profiles,
            storage_domains,
            lun_disks,
            vms,
        ) = tokio::try_join!(
            api,
            dcs,
            clusters,
            listing(
                what.affinity_labels,
                "affinity labels",
                engine.affinity_labels()
            ),
            listing(what.authz_domains, "authz domains", engine.authz_domains()),
            listing(what.roles, "roles", engine.roles()),
            listing(what.hosts, "hosts", engine.hosts()),
            listing(what.networks, "networks", engine.networks()),
            listing(what.vnic_profiles, "vNIC profiles", engine.vnic_profiles()),
            listing(
                what.storage_domains,
                "storage domains",
                engine.storage_domains()
            ),
            listing(what.lun_disks, "direct-LUN disks", engine.disks(lun_filter)),
            listing(what.vms, "VMs", engine.vms(&all_vms)),
        )?;
        Ok(Inventory {
            api,
            data_centers,
            attached,
            clusters,
            affinity_groups,
            affinity_labels,
            authz_domains,
            roles,
            hosts,
            networks,
            vnic_profiles,
            storage_domains,
            lun_disks,
            vms,
        })
    }

    /// Lookups by id and name (build once, use many times).
    pub fn index(&self) -> Index<'_> {
        Index::new(self)
    }

    /// The storage domains that hold the hosted engine: those named `hosted_storage` (the
    /// Engine's name for it, and the role's only test) and every domain holding a disk of a
    /// hosted-engine VM (origin `managed_hosted_engine`), whatever its name. Needs the attached
    /// or top-level domains and the VMs.
    pub fn hosted_engine_domains(&self) -> HashSet<Id> {
        let mut ids: HashSet<Id> = self
            .attached
            .iter()
            .map(|(_, d)| d)
            .chain(&self.storage_domains)
            .filter(|d| d.name == HOSTED_STORAGE)
            .map(|d| d.id)
            .collect();
        for vm in self.vms.iter().filter(|v| v.is_hosted_engine()) {
            ids.extend(vm.storage_domains.iter().copied());
        }
        ids
    }
}
