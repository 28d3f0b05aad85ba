//! [`Registration`]: how to register an unregistered VM or template, with every mapping.

use serde::{Deserialize, Serialize};

use super::{Id, StorageType};
use crate::Secret;

/// A reference to an entity by id or by name (the Engine accepts either in request bodies).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityRef {
    /// By id.
    Id(Id),
    /// By name.
    Name(String),
}

/// Register a VM or template found in a domain's OVF store
/// (`POST /storagedomains/{sd}/vms/{id}/register`, `.../templates/{id}/register`).
///
/// Name mappings are `from` (the source site's name) → `to` (this site's name). The Engine
/// applies them to what the OVF records; affinity, role and authz-domain mappings that point to
/// missing entities are dropped (not fatal), a missing cluster is fatal. Templates ignore
/// `affinity_*`, `lun_mappings` and `reassign_bad_macs`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Registration {
    /// The cluster to register into; `None` = the OVF's cluster after `cluster_mappings`.
    pub cluster: Option<EntityRef>,
    /// Register even if some disks are missing from the attached domains.
    pub allow_partial_import: bool,
    /// Give new MACs to NICs whose MAC is out of the target pool's ranges or already in use.
    pub reassign_bad_macs: bool,
    /// Cluster names.
    pub cluster_mappings: Vec<NameMapping>,
    /// Role names (in permissions).
    pub role_mappings: Vec<NameMapping>,
    /// Authz domain names (in permissions).
    pub domain_mappings: Vec<NameMapping>,
    /// Affinity group names.
    pub affinity_group_mappings: Vec<NameMapping>,
    /// Affinity label names.
    pub affinity_label_mappings: Vec<NameMapping>,
    /// vNIC profiles.
    pub vnic_profile_mappings: Vec<VnicProfileMapping>,
    /// Direct LUNs.
    pub lun_mappings: Vec<LunMapping>,
}

/// `from` name → `to` name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameMapping {
    /// Name on the source site.
    pub from: String,
    /// Name on this site.
    pub to: String,
}

impl NameMapping {
    /// `from` → `to`.
    pub fn new(from: impl Into<String>, to: impl Into<String>) -> Self {
        Self {
            from: from.into(),
            to: to.into(),
        }
    }
}

/// A NIC's (network, profile) on the source site → a profile on this site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VnicProfileMapping {
    /// Network name on the source site.
    pub source_network: String,
    /// Profile name on the source site.
    pub source_profile: String,
    /// The profile on this site.
    pub target: VnicTarget,
}

/// Where a mapped NIC goes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VnicTarget {
    /// The profile with this id.
    Profile(Id),
    /// The profile of this name on the network of this name.
    ProfileByName {
        /// Profile name.
        profile: String,
        /// Network name.
        network: String,
    },
    /// No profile: the NIC stays unplugged from any network (the Engine's empty GUID).
    Unplugged,
}

/// A direct LUN on the source site → a LUN on this site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LunMapping {
    /// The LUN id the OVF records.
    pub source_lun_id: String,
    /// Its storage type.
    pub source_storage_type: Option<StorageType>,
    /// The LUN on this site.
    pub target: LunTarget,
}

/// The LUN a direct-LUN disk should use on this site, with how to reach it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LunTarget {
    /// LUN id.
    pub lun_id: String,
    /// `iscsi` or `fcp`.
    pub storage_type: Option<StorageType>,
    /// Disk alias to give it.
    pub alias: Option<String>,
    /// iSCSI portal address.
    pub address: Option<String>,
    /// iSCSI port.
    pub port: Option<u16>,
    /// iSCSI portal group tag.
    pub portal: Option<String>,
    /// iSCSI target IQN.
    pub target: Option<String>,
    /// CHAP user.
    pub username: Option<String>,
    /// CHAP password.
    #[serde(skip)]
    pub password: Option<Secret>,
}
