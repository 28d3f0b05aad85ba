//! [`WorldFacts`]: what the builder made, so tests and examples never hard-code names or ids.

use serde::Serialize;

use crate::engine::{
    Id, ImportStorageDomain, IscsiLogin, LunMapping, LunTarget, NameMapping, Registration,
    StorageConnection, StorageDomainType, StorageType, VnicProfileMapping, VnicTarget,
};
use crate::{Secret, Site};

use super::super::fabric::PairId;

/// A named entity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    /// Name.
    pub name: String,
    /// Id.
    pub id: Id,
}

/// A cluster and its data center.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClusterFacts {
    /// Name.
    pub name: String,
    /// Id.
    pub id: Id,
    /// Its data center.
    pub data_center: Id,
}

/// A host.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HostFacts {
    /// Name.
    pub name: String,
    /// Id.
    pub id: Id,
    /// Its cluster.
    pub cluster: Id,
    /// Its data center.
    pub data_center: Id,
    /// `true` when up (false: in maintenance).
    pub up: bool,
}

/// A vNIC profile with its network's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProfileFacts {
    /// Profile name.
    pub name: String,
    /// Profile id.
    pub id: Id,
    /// Network name.
    pub network: String,
    /// Network id.
    pub network_id: Id,
}

/// An iSCSI target and how to log in to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IscsiTargetFacts {
    /// Portal address.
    pub address: String,
    /// Portal port.
    pub port: u16,
    /// Target IQN.
    pub iqn: String,
    /// CHAP user, when the target requires CHAP.
    pub username: Option<String>,
    /// CHAP password.
    #[serde(skip)]
    pub password: Option<Secret>,
}

/// Where a volume is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Location {
    /// An NFS / GlusterFS / POSIX export.
    Export {
        /// Server address.
        address: String,
        /// Export path or volume.
        path: String,
        /// File-system type (GlusterFS, POSIX).
        vfs_type: Option<String>,
    },
    /// A LUN.
    Lun {
        /// LUN id.
        lun_id: String,
        /// Its iSCSI target (None for FC).
        target: Option<IscsiTargetFacts>,
    },
}

/// A replicated data domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DomainFacts {
    /// Domain id (the same on both sides).
    pub id: Id,
    /// Name.
    pub name: String,
    /// Storage type.
    pub storage_type: StorageType,
    /// The master of its data center on the primary.
    pub primary_master: bool,
    /// Its data center on the primary.
    pub primary_dc: Named,
    /// The data center it belongs in on the secondary.
    pub secondary_dc: Named,
    /// The replication pair.
    pub pair: PairId,
    /// The primary volume.
    pub primary: Location,
    /// The secondary volume (the replica).
    pub secondary: Location,
}

impl DomainFacts {
    /// The volume on `site`.
    pub fn location(&self, site: Site) -> &Location {
        match site {
            Site::Primary => &self.primary,
            Site::Secondary => &self.secondary,
        }
    }

    /// The request that imports the domain on `site` through `host`: by address and path for
    /// file domains, by id for block domains.
    pub fn import_request(&self, site: Site, host: Id) -> ImportStorageDomain {
        let storage = match self.location(site) {
            Location::Export {
                address,
                path,
                vfs_type,
            } => StorageConnection {
                storage_type: Some(self.storage_type),
                address: Some(address.clone()),
                path: Some(path.clone()),
                vfs_type: vfs_type.clone(),
                ..StorageConnection::default()
            },
            Location::Lun { .. } => StorageConnection {
                storage_type: Some(self.storage_type),
                ..StorageConnection::default()
            },
        };
        ImportStorageDomain {
            id: self.storage_type.is_block().then_some(self.id),
            name: None,
            kind: StorageDomainType::Data,
            host,
            storage,
            wipe_after_delete: None,
            discard_after_delete: None,
            backup: None,
            critical_space_action_blocker: None,
            warning_low_space_indicator: None,
            connection: None,
        }
    }

    /// The iSCSI login (with CHAP credentials) a host of `site` needs before it sees the
    /// domain's LUN; `None` for other storage types.
    pub fn iscsi_login(&self, site: Site) -> Option<IscsiLogin> {
        match self.location(site) {
            Location::Lun {
                target: Some(t), ..
            } => Some(IscsiLogin {
                address: t.address.clone(),
                port: t.port,
                target: t.iqn.clone(),
                portal: None,
                username: t.username.clone(),
                password: t.password.clone(),
            }),
            _ => None,
        }
    }
}

/// A replicated LUN used as a direct-LUN disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LunFacts {
    /// Disk alias.
    pub alias: String,
    /// `iscsi` or `fcp`.
    pub storage_type: StorageType,
    /// LUN on the primary.
    pub primary: Location,
    /// LUN on the secondary.
    pub secondary: Location,
    /// The replication pair.
    pub pair: PairId,
    /// VMs using it.
    pub vms: Vec<Id>,
}

/// A VM made by the builder on the primary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VmFacts {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Its cluster's name on the primary.
    pub cluster: String,
    /// The domains holding its images.
    pub domains: Vec<Id>,
    /// Its template (`Id::NIL` = blank).
    pub template: Id,
    /// Running when built (and in the OVF stores written at build time).
    pub running: bool,
    /// Highly available.
    pub ha: bool,
    /// Has direct-LUN disks.
    pub has_luns: bool,
}

/// A template made by the builder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TemplateFacts {
    /// Id.
    pub id: Id,
    /// Name.
    pub name: String,
    /// Base template (itself for a base).
    pub base: Id,
    /// Version number.
    pub version: u32,
}

/// Names and ids of one site.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct SiteFacts {
    /// Data centers.
    pub data_centers: Vec<Named>,
    /// Clusters.
    pub clusters: Vec<ClusterFacts>,
    /// Hosts.
    pub hosts: Vec<HostFacts>,
    /// vNIC profiles.
    pub profiles: Vec<ProfileFacts>,
    /// Affinity groups (names are unique per cluster).
    pub affinity_groups: Vec<Named>,
    /// Affinity labels.
    pub affinity_labels: Vec<Named>,
    /// Roles.
    pub roles: Vec<Named>,
    /// Users as `login@authz`.
    pub users: Vec<String>,
    /// iSCSI targets of the site's arrays.
    pub iscsi_targets: Vec<IscsiTargetFacts>,
    /// Storage domains of the site that are not replicated (hosted engine, ISO), with the data
    /// center they are attached to.
    pub local_domains: Vec<(Named, Option<Id>)>,
}

impl SiteFacts {
    /// An up host of data center `dc`.
    pub fn up_host_in(&self, dc: Id) -> Option<&HostFacts> {
        self.hosts.iter().find(|h| h.up && h.data_center == dc)
    }

    /// The data center named `name`.
    pub fn data_center(&self, name: &str) -> Option<&Named> {
        self.data_centers.iter().find(|d| d.name == name)
    }
}

/// One vNIC correspondence: a profile on the primary and its counterpart on the secondary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VnicPair {
    /// On the primary.
    pub primary: ProfileFacts,
    /// On the secondary.
    pub secondary: ProfileFacts,
}

/// The mappings a DR configuration for this world needs (primary names → secondary names).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MappingFacts {
    /// Cluster names.
    pub clusters: Vec<NameMapping>,
    /// Affinity group names.
    pub affinity_groups: Vec<NameMapping>,
    /// Affinity label names.
    pub affinity_labels: Vec<NameMapping>,
    /// Authz domain names.
    pub authz_domains: Vec<NameMapping>,
    /// Role names.
    pub roles: Vec<NameMapping>,
    /// vNIC profiles.
    pub vnic_profiles: Vec<VnicPair>,
}

/// Everything the builder made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct WorldFacts {
    /// The seed it was built from.
    pub seed: u64,
    /// The primary site.
    pub primary: SiteFacts,
    /// The secondary site.
    pub secondary: SiteFacts,
    /// The replicated data domains.
    pub domains: Vec<DomainFacts>,
    /// The replicated direct LUNs.
    pub luns: Vec<LunFacts>,
    /// The primary's hosted-engine storage domain and VM (not replicated).
    pub hosted_engine: Option<(Named, Named)>,
    /// The primary's VMs (the hosted engine excluded).
    pub vms: Vec<VmFacts>,
    /// The primary's templates.
    pub templates: Vec<TemplateFacts>,
    /// The mappings between the sites.
    pub mappings: MappingFacts,
}

impl WorldFacts {
    /// The facts of `site`.
    pub fn site(&self, site: Site) -> &SiteFacts {
        match site {
            Site::Primary => &self.primary,
            Site::Secondary => &self.secondary,
        }
    }

    /// The replicated domain named `name`.
    pub fn domain(&self, name: &str) -> Option<&DomainFacts> {
        self.domains.iter().find(|d| d.name == name)
    }

    /// The first replicated domain of `storage_type`.
    pub fn domain_of_type(&self, storage_type: StorageType) -> Option<&DomainFacts> {
        self.domains.iter().find(|d| d.storage_type == storage_type)
    }

    /// A registration for failing over to `target` with every mapping of this world
    /// (`target` = [`Site::Secondary`] for failover, [`Site::Primary`] for failback), partial
    /// import allowed and bad MACs reassigned, as the DR role's defaults do.
    pub fn registration(&self, target: Site) -> Registration {
        let flip = |m: &NameMapping| match target {
            Site::Secondary => m.clone(),
            Site::Primary => NameMapping::new(m.to.clone(), m.from.clone()),
        };
        let vnic = self
            .mappings
            .vnic_profiles
            .iter()
            .map(|p| {
                let (from, to) = match target {
                    Site::Secondary => (&p.primary, &p.secondary),
                    Site::Primary => (&p.secondary, &p.primary),
                };
                VnicProfileMapping {
                    source_network: from.network.clone(),
                    source_profile: from.name.clone(),
                    target: VnicTarget::Profile(to.id),
                }
            })
            .collect();
        let luns = self
            .luns
            .iter()
            .filter_map(|l| {
                let (from, to) = match target {
                    Site::Secondary => (&l.primary, &l.secondary),
                    Site::Primary => (&l.secondary, &l.primary),
                };
                let (Location::Lun { lun_id: from, .. }, Location::Lun { lun_id, target }) =
                    (from, to)
                else {
                    return None;
                };
                Some(LunMapping {
                    source_lun_id: from.clone(),
                    source_storage_type: Some(l.storage_type),
                    target: LunTarget {
                        lun_id: lun_id.clone(),
                        storage_type: Some(l.storage_type),
                        alias: Some(l.alias.clone()),
                        address: target.as_ref().map(|t| t.address.clone()),
                        port: target.as_ref().map(|t| t.port),
                        portal: target.as_ref().map(|_| "1".to_owned()),
                        target: target.as_ref().map(|t| t.iqn.clone()),
                        username: target.as_ref().and_then(|t| t.username.clone()),
                        password: target.as_ref().and_then(|t| t.password.clone()),
                    },
                })
            })
            .collect();
        Registration {
            cluster: None,
            allow_partial_import: true,
            reassign_bad_macs: true,
            cluster_mappings: self.mappings.clusters.iter().map(flip).collect(),
            role_mappings: self.mappings.roles.iter().map(flip).collect(),
            domain_mappings: self.mappings.authz_domains.iter().map(flip).collect(),
            affinity_group_mappings: self.mappings.affinity_groups.iter().map(flip).collect(),
            affinity_label_mappings: self.mappings.affinity_labels.iter().map(flip).collect(),
            vnic_profile_mappings: vnic,
            lun_mappings: luns,
        }
    }
}
