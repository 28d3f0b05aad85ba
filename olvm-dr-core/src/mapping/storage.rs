//! `dr_import_storages` entries: one type per `dr_domain_type`, with the keys every type shares
//! and the per-site keys of each type.

use super::field::{Field, PerSite};
use super::model::DEFAULT_ISCSI_PORT;
use super::yaml::{Key, Node, Pos};
use crate::Site;
use crate::config::SecretValue;
use crate::engine::types::{Id, NfsVersion, StorageDomainType, StorageType};

/// One storage domain to import, by `dr_domain_type`.
#[derive(Debug, Clone, PartialEq)]
pub enum ImportStorage {
    /// `nfs`.
    Nfs(FileStorage),
    /// `glusterfs`.
    Glusterfs(FileStorage),
    /// `posixfs` (the per-site keys include `vfs_type`).
    Posixfs(FileStorage),
    /// `iscsi`.
    Iscsi(IscsiStorage),
    /// `fcp`.
    Fcp(FcpStorage),
}

impl ImportStorage {
    /// The `dr_domain_type`.
    pub fn storage_type(&self) -> StorageType {
        match self {
            ImportStorage::Nfs(_) => StorageType::Nfs,
            ImportStorage::Glusterfs(_) => StorageType::Glusterfs,
            ImportStorage::Posixfs(_) => StorageType::Posixfs,
            ImportStorage::Iscsi(_) => StorageType::Iscsi,
            ImportStorage::Fcp(_) => StorageType::Fcp,
        }
    }

    /// The keys every type shares.
    pub fn common(&self) -> &StorageCommon {
        match self {
            ImportStorage::Nfs(s) | ImportStorage::Glusterfs(s) | ImportStorage::Posixfs(s) => {
                &s.common
            }
            ImportStorage::Iscsi(s) => &s.common,
            ImportStorage::Fcp(s) => &s.common,
        }
    }

    /// Where the entry starts.
    pub fn pos(&self) -> Pos {
        self.common().pos
    }

    /// `dr_{site}_name`.
    pub fn name(&self, site: Site) -> &Field<String> {
        &self.common().sites.get(site).name
    }

    /// `dr_{site}_dc_name`.
    pub fn dc_name(&self, site: Site) -> &Field<String> {
        &self.common().sites.get(site).dc_name
    }

    /// `dr_{site}_master_domain` as a field.
    pub fn master_domain(&self, site: Site) -> &Field<bool> {
        &self.common().sites.get(site).master_domain
    }

    /// `true` when `dr_{site}_master_domain` is true (null or missing is not master, as in the
    /// role).
    pub fn is_master(&self, site: Site) -> bool {
        self.master_domain(site).get().copied().unwrap_or(false)
    }

    /// `dr_domain_id` for block types.
    pub fn domain_id(&self) -> Option<&Field<Id>> {
        match self {
            ImportStorage::Iscsi(s) => Some(&s.domain_id),
            ImportStorage::Fcp(s) => Some(&s.domain_id),
            _ => None,
        }
    }

    /// Keys the model does not interpret.
    pub fn extra(&self) -> &[(Key, Node)] {
        &self.common().extra
    }
}

/// The keys every storage type shares.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StorageCommon {
    /// Where the entry starts.
    pub pos: Pos,
    /// Its index in `dr_import_storages`.
    pub index: usize,
    /// `dr_storage_domain_type`: the domain's function (data, iso, export).
    pub storage_domain_type: Field<StorageDomainType>,
    /// `dr_wipe_after_delete`.
    pub wipe_after_delete: Field<bool>,
    /// `dr_backup`.
    pub backup: Field<bool>,
    /// `dr_critical_space_action_blocker` (GiB).
    pub critical_space_action_blocker: Field<u32>,
    /// `dr_warning_low_space` (percent).
    pub warning_low_space: Field<u32>,
    /// `dr_{site}_name`, `dr_{site}_dc_name`, `dr_{site}_master_domain`.
    pub sites: PerSite<StorageSite>,
    /// Keys the model does not interpret.
    pub extra: Vec<(Key, Node)>,
}

/// `dr_{site}_name`, `dr_{site}_dc_name`, `dr_{site}_master_domain`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StorageSite {
    /// `dr_{site}_name`.
    pub name: Field<String>,
    /// `dr_{site}_dc_name`.
    pub dc_name: Field<String>,
    /// `dr_{site}_master_domain` (or the deprecated `dr_master_domain` for both sites).
    pub master_domain: Field<bool>,
}

/// An NFS, GlusterFS or POSIX domain.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileStorage {
    /// The shared keys.
    pub common: StorageCommon,
    /// The per-site connection keys.
    pub sites: PerSite<FileSite>,
}

impl FileStorage {
    /// The connection keys of `site`.
    pub fn site(&self, site: Site) -> &FileSite {
        self.sites.get(site)
    }
}

/// `dr_{site}_address`, `_path`, `_vfs_type`, `_mount_options`, `_version`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FileSite {
    /// `dr_{site}_address`: the server.
    pub address: Field<String>,
    /// `dr_{site}_path`: the export path (the volume for GlusterFS).
    pub path: Field<String>,
    /// `dr_{site}_vfs_type` (POSIX only; GlusterFS is always `glusterfs`).
    pub vfs_type: Field<String>,
    /// `dr_{site}_mount_options`: extra mount options.
    pub mount_options: Field<String>,
    /// `dr_{site}_version`: the NFS version (NFS only).
    pub version: Field<NfsVersion>,
}

/// An iSCSI domain.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IscsiStorage {
    /// The shared keys.
    pub common: StorageCommon,
    /// `dr_discard_after_delete`.
    pub discard_after_delete: Field<bool>,
    /// `dr_domain_id`: the domain's UUID, the same on both sites (replicated LUNs).
    pub domain_id: Field<Id>,
    /// The per-site connection keys.
    pub sites: PerSite<IscsiSite>,
}

impl IscsiStorage {
    /// The connection keys of `site`.
    pub fn site(&self, site: Site) -> &IscsiSite {
        self.sites.get(site)
    }
}

/// `dr_{site}_address`, `_port`, `_target`, `_username`, `_password`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct IscsiSite {
    /// `dr_{site}_address`: the portal.
    pub address: Field<String>,
    /// `dr_{site}_port`: 3260 when missing.
    pub port: Field<u16>,
    /// `dr_{site}_target`: the target IQNs (a single string is read as a list of one).
    pub targets: Field<Vec<String>>,
    /// `dr_{site}_username`: CHAP user.
    pub username: Field<String>,
    /// `dr_{site}_password`: CHAP password.
    pub password: Field<SecretValue>,
}

impl IscsiSite {
    /// The port, 3260 when not given.
    pub fn port_or_default(&self) -> u16 {
        self.port.get().copied().unwrap_or(DEFAULT_ISCSI_PORT)
    }
}

/// A Fibre Channel domain.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FcpStorage {
    /// The shared keys.
    pub common: StorageCommon,
    /// `dr_discard_after_delete`.
    pub discard_after_delete: Field<bool>,
    /// `dr_domain_id`.
    pub domain_id: Field<Id>,
}
