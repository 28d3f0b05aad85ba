//! The typed mapping file: both sites' connection keys, the storage domains to import, and the
//! name, vNIC-profile and LUN mappings between the sites.

use super::field::{Field, PerSite};
use super::storage::ImportStorage;
use super::yaml::{Key, Node, Pos};
use crate::Site;
use crate::config::SecretValue;
use crate::engine::types::{Id, StorageType};

/// The role's mapping (var) file.
///
/// Every flow acts with a *target* site and a *source* site; the accessors take the [`Site`]
/// whose keys are wanted (`dr_sites_{site}_url`, `dr_{site}_name`, `{site}_profile_id`, ...).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Mapping {
    /// `dr_sites_{site}_*`.
    pub sites: PerSite<SiteKeys>,
    /// `dr_import_storages`.
    pub import_storages: Field<Vec<ImportStorage>>,
    /// `dr_cluster_mappings`.
    pub cluster_mappings: Field<Vec<NameMapping>>,
    /// `dr_affinity_group_mappings`.
    pub affinity_group_mappings: Field<Vec<NameMapping>>,
    /// `dr_affinity_label_mappings`.
    pub affinity_label_mappings: Field<Vec<NameMapping>>,
    /// `dr_domain_mappings` (authz domains).
    pub domain_mappings: Field<Vec<NameMapping>>,
    /// `dr_role_mappings`.
    pub role_mappings: Field<Vec<NameMapping>>,
    /// `dr_network_mappings`.
    pub network_mappings: Field<Vec<NetworkMapping>>,
    /// `dr_lun_mappings`.
    pub lun_mappings: Field<Vec<LunMapping>>,
    /// Top-level keys the model does not interpret (the role's defaults such as
    /// `dr_ignore_error_recover`, or unknown keys), kept as written so that saving loses nothing.
    pub extra: Vec<(Key, Node)>,
}

impl Mapping {
    /// The connection keys of `site`.
    pub fn site(&self, site: Site) -> &SiteKeys {
        self.sites.get(site)
    }

    /// The storage domains to import (empty when the list is missing or null).
    pub fn storages(&self) -> &[ImportStorage] {
        self.import_storages.get().map_or(&[], Vec::as_slice)
    }

    /// The name mappings of one kind (empty when the list is missing or null).
    pub fn names(&self, kind: NameMappingKind) -> &[NameMapping] {
        self.name_list(kind).get().map_or(&[], Vec::as_slice)
    }

    /// The list field of one kind of name mapping.
    pub fn name_list(&self, kind: NameMappingKind) -> &Field<Vec<NameMapping>> {
        match kind {
            NameMappingKind::Cluster => &self.cluster_mappings,
            NameMappingKind::AffinityGroup => &self.affinity_group_mappings,
            NameMappingKind::AffinityLabel => &self.affinity_label_mappings,
            NameMappingKind::Domain => &self.domain_mappings,
            NameMappingKind::Role => &self.role_mappings,
        }
    }

    /// The network mappings (empty when missing or null).
    pub fn networks(&self) -> &[NetworkMapping] {
        self.network_mappings.get().map_or(&[], Vec::as_slice)
    }

    /// The LUN mappings (empty when missing or null).
    pub fn luns(&self) -> &[LunMapping] {
        self.lun_mappings.get().map_or(&[], Vec::as_slice)
    }
}

/// `dr_sites_{site}_url`, `_username`, `_ca_file`, and our `_insecure`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SiteKeys {
    /// `dr_sites_{site}_url`: the Engine API URL.
    pub url: Field<String>,
    /// `dr_sites_{site}_username`.
    pub username: Field<String>,
    /// `dr_sites_{site}_ca_file`: PEM file of the Engine's CA.
    pub ca_file: Field<String>,
    /// `dr_sites_{site}_insecure` (not a key of the role): `true` disables TLS verification
    /// for this site. The role turns TLS verification off silently when the CA file is empty;
    /// we only do it when this key says so.
    pub insecure: Field<bool>,
    /// `dr_sites_{site}_password` when written in the mapping file itself (discouraged: it
    /// belongs in the passwords file).
    pub password: Field<SecretValue>,
}

/// Which of the five name-to-name mappings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameMappingKind {
    /// `dr_cluster_mappings`.
    Cluster,
    /// `dr_affinity_group_mappings`.
    AffinityGroup,
    /// `dr_affinity_label_mappings`.
    AffinityLabel,
    /// `dr_domain_mappings` (authz domains such as `internal-authz`).
    Domain,
    /// `dr_role_mappings`.
    Role,
}

impl NameMappingKind {
    /// All five, in the order the generator writes them.
    pub const ALL: [NameMappingKind; 5] = [
        NameMappingKind::Cluster,
        NameMappingKind::AffinityGroup,
        NameMappingKind::AffinityLabel,
        NameMappingKind::Domain,
        NameMappingKind::Role,
    ];

    /// The key of the list in the file.
    pub fn key(self) -> &'static str {
        match self {
            NameMappingKind::Cluster => "dr_cluster_mappings",
            NameMappingKind::AffinityGroup => "dr_affinity_group_mappings",
            NameMappingKind::AffinityLabel => "dr_affinity_label_mappings",
            NameMappingKind::Domain => "dr_domain_mappings",
            NameMappingKind::Role => "dr_role_mappings",
        }
    }

    /// What the names name, for messages: `cluster`, `affinity group`, ...
    pub fn entity(self) -> &'static str {
        match self {
            NameMappingKind::Cluster => "cluster",
            NameMappingKind::AffinityGroup => "affinity group",
            NameMappingKind::AffinityLabel => "affinity label",
            NameMappingKind::Domain => "authz domain",
            NameMappingKind::Role => "role",
        }
    }
}

/// One `{primary_name, secondary_name}` entry.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NameMapping {
    /// Where the entry starts.
    pub pos: Pos,
    /// Its index in its list.
    pub index: usize,
    /// `{site}_name`.
    pub names: PerSite<Field<String>>,
    /// Keys the model does not interpret.
    pub extra: Vec<(Key, Node)>,
}

impl NameMapping {
    /// `{site}_name`.
    pub fn name(&self, site: Site) -> &Field<String> {
        self.names.get(site)
    }
}

/// One `dr_network_mappings` entry: a vNIC profile on each site.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetworkMapping {
    /// Where the entry starts.
    pub pos: Pos,
    /// Its index in its list.
    pub index: usize,
    /// The per-site keys.
    pub sites: PerSite<NetworkSite>,
    /// Keys the model does not interpret.
    pub extra: Vec<(Key, Node)>,
}

impl NetworkMapping {
    /// The keys of `site`.
    pub fn site(&self, site: Site) -> &NetworkSite {
        self.sites.get(site)
    }
}

/// `{site}_network_name`, `_profile_name`, `_profile_id`, `_network_dc`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct NetworkSite {
    /// `{site}_network_name`.
    pub network_name: Field<String>,
    /// `{site}_profile_name`.
    pub profile_name: Field<String>,
    /// `{site}_profile_id`. On the target side, missing means "no profile" (the empty GUID).
    pub profile_id: Field<Id>,
    /// `{site}_network_dc`: needed when the same profile and network names exist in several
    /// data centers.
    pub network_dc: Field<String>,
}

/// One `dr_lun_mappings` entry: a direct LUN on each site.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LunMapping {
    /// Where the entry starts.
    pub pos: Pos,
    /// Its index in its list.
    pub index: usize,
    /// `logical_unit_alias` (information only; the role does not use it).
    pub alias: Field<String>,
    /// `logical_unit_description` (information only).
    pub description: Field<String>,
    /// `wipe_after_delete` (information only).
    pub wipe_after_delete: Field<bool>,
    /// `shareable` (information only).
    pub shareable: Field<bool>,
    /// The per-site keys.
    pub sites: PerSite<LunSite>,
    /// Keys the model does not interpret.
    pub extra: Vec<(Key, Node)>,
}

impl LunMapping {
    /// The keys of `site`.
    pub fn site(&self, site: Site) -> &LunSite {
        self.sites.get(site)
    }
}

/// `{site}_logical_unit_id`, `{site}_storage_type` and the iSCSI connection keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct LunSite {
    /// `{site}_logical_unit_id`: the LUN id (not a UUID).
    pub logical_unit_id: Field<String>,
    /// `{site}_storage_type`: `iscsi` or `fcp`.
    pub storage_type: Field<StorageType>,
    /// `{site}_logical_unit_address`: iSCSI portal address.
    pub address: Field<String>,
    /// `{site}_logical_unit_port`: iSCSI port, 3260 when missing.
    pub port: Field<u16>,
    /// `{site}_logical_unit_portal`: the portal group tag.
    pub portal: Field<String>,
    /// `{site}_logical_unit_target`: iSCSI target IQN.
    pub target: Field<String>,
    /// `{site}_logical_unit_username`: CHAP user.
    pub username: Field<String>,
    /// `{site}_logical_unit_password`: CHAP password. The generator's
    /// `PLEASE_SET_PASSWORD_HERE` loads as not filled in.
    pub password: Field<SecretValue>,
}

impl LunSite {
    /// The iSCSI port, 3260 (the iSCSI default, and the role's) when not given.
    pub fn port_or_default(&self) -> u16 {
        self.port.get().copied().unwrap_or(DEFAULT_ISCSI_PORT)
    }
}

/// The iSCSI port used when a file gives none: 3260, the IANA iSCSI port and the role's default.
pub const DEFAULT_ISCSI_PORT: u16 = 3260;
