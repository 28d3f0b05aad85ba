//! Storage entities: domains, their connections, LUNs and disks, and the requests that change them.

use serde::{Deserialize, Serialize};

use super::{
    DiskContentType, DiskStatus, DiskStorageType, Id, LunStatus, NfsVersion, StorageDomainStatus,
    StorageDomainType, StorageType,
};
use crate::Secret;

/// A storage domain.
///
/// The Engine shows a domain in two views. In the top-level view (`/storagedomains`) `status` is
/// `Some(Unattached)` or `None` (attached domains carry `data_centers` instead), and `master` is
/// not meaningful. In the data-center-scoped view (`/datacenters/{dc}/storagedomains`) `status`
/// is the real status and `master` says whether it is the pool's master domain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StorageDomain {
    /// Id (identical on both sites for a replicated domain: it lives in the domain's metadata).
    pub id: Id,
    /// Name.
    pub name: String,
    /// Function: data, iso, export, ...
    pub kind: StorageDomainType,
    /// Status, see the type's documentation for which view shows what.
    pub status: Option<StorageDomainStatus>,
    /// `true` for the data center's master domain (data-center-scoped view).
    pub master: bool,
    /// The data centers it is attached to (at most one for data domains).
    pub data_centers: Vec<Id>,
    /// How the storage is reached.
    pub storage: StorageConnection,
    /// Wipe disks' blocks when they are deleted.
    pub wipe_after_delete: bool,
    /// Discard (unmap) blocks of deleted disks (block domains).
    pub discard_after_delete: bool,
    /// A backup domain.
    pub backup: bool,
    /// Free space in GiB below which the Engine blocks new disks.
    pub critical_space_action_blocker: u32,
    /// Free space in percent below which the Engine warns.
    pub warning_low_space_indicator: u32,
    /// Free bytes.
    pub available: u64,
    /// Used bytes.
    pub used: u64,
    /// Storage format, e.g. `v5`.
    pub storage_format: Option<String>,
}

/// How a domain's storage is reached: an export (file types) or LUNs (block types).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct StorageConnection {
    /// The storage type.
    pub storage_type: Option<StorageType>,
    /// Server address (file types) or portal address (iSCSI).
    pub address: Option<String>,
    /// Export path or Gluster volume (file types).
    pub path: Option<String>,
    /// File-system type (POSIX, GlusterFS).
    pub vfs_type: Option<String>,
    /// Extra mount options (file types).
    pub mount_options: Option<String>,
    /// NFS protocol version.
    pub nfs_version: Option<NfsVersion>,
    /// The volume group (block types).
    pub volume_group: Option<String>,
    /// The LUNs (block types).
    pub logical_units: Vec<LogicalUnit>,
}

/// One LUN with its connection facts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct LogicalUnit {
    /// The LUN id, e.g. `36001405aa11bb22cc33dd44ee55ff66`; not a UUID.
    pub id: String,
    /// iSCSI portal address.
    pub address: Option<String>,
    /// iSCSI port.
    pub port: Option<u16>,
    /// iSCSI portal as the host reports it, `ip:port,tpgt`.
    pub portal: Option<String>,
    /// iSCSI target IQN.
    pub target: Option<String>,
    /// CHAP user name.
    pub username: Option<String>,
    /// Size in bytes.
    pub size: Option<u64>,
    /// Whether a domain uses it (as a host sees it).
    pub status: Option<LunStatus>,
    /// The domain it carries, if any.
    pub storage_domain: Option<Id>,
    /// The volume group it belongs to, if any.
    pub volume_group: Option<String>,
    /// The SCSI serial the host reads (`S<vendor>_<product>_<unit serial>`, VPD page 0x80).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial: Option<String>,
    /// The SCSI vendor id (`LIO-ORG`, `NETAPP`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vendor_id: Option<String>,
    /// The SCSI product id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
    /// The LUN number behind its target.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lun_mapping: Option<u32>,
    /// The multipath paths the host has to it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paths: Option<u32>,
    /// The paths that are up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub active_paths: Option<u32>,
    /// The direct LUN disk that uses it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk: Option<Id>,
    /// The largest discard the device takes, in bytes (0: no discard).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discard_max_size: Option<u64>,
    /// Deprecated; the Engine always writes `false` for a host's devices.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discard_zeroes_data: Option<bool>,
}

/// A disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Disk {
    /// Id.
    pub id: Id,
    /// Alias (the name shown in the UI).
    pub alias: String,
    /// Description. For OVF_STORE disks the Engine writes a JSON text with the last update time.
    pub description: Option<String>,
    /// Status.
    pub status: DiskStatus,
    /// Image or direct LUN.
    pub storage_type: DiskStorageType,
    /// What it holds.
    pub content_type: DiskContentType,
    /// Can be attached to several VMs.
    pub shareable: bool,
    /// Wipe after delete.
    pub wipe_after_delete: bool,
    /// The domains holding its image (empty for direct LUNs).
    pub storage_domains: Vec<Id>,
    /// The LUN behind a direct-LUN disk.
    pub lun_storage: Option<LunStorage>,
    /// The VMs it is attached to.
    pub vms: Vec<Id>,
}

/// The LUN behind a direct-LUN disk (`lun_storage`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LunStorage {
    /// `iscsi` or `fcp`.
    pub storage_type: StorageType,
    /// The LUN(s), usually one.
    pub logical_units: Vec<LogicalUnit>,
}

/// Which disks to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DiskFilter {
    /// Only direct-LUN disks (`disk_type=lun`).
    pub lun_only: bool,
    /// Only disks attached to no VM (`number_of_vms=0`).
    pub unattached_only: bool,
}

/// Import an existing (replicated) storage domain into the Engine (`POST /storagedomains`).
///
/// File domains are found by address and path (the Engine turns the add into an import when it
/// finds a domain there); block domains by `id` with `import=true`, after the host has logged in
/// to their iSCSI targets. The request never creates or formats a domain: an implementation must
/// refuse a block import without `id`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportStorageDomain {
    /// Required for block types; for file types the Engine finds it at the address.
    pub id: Option<Id>,
    /// Name to give it; `None` keeps the name stored in the domain's metadata.
    pub name: Option<String>,
    /// Function (file types; block types are always `data`).
    pub kind: StorageDomainType,
    /// The host that reads the domain.
    pub host: Id,
    /// Where the storage is.
    pub storage: StorageConnection,
    /// Attribute to set on import.
    pub wipe_after_delete: Option<bool>,
    /// Attribute to set on import (block types).
    pub discard_after_delete: Option<bool>,
    /// Attribute to set on import.
    pub backup: Option<bool>,
    /// Attribute to set on import (GiB).
    pub critical_space_action_blocker: Option<u32>,
    /// Attribute to set on import (percent).
    pub warning_low_space_indicator: Option<u32>,
    /// An existing storage connection to import a file domain through (`<storage id=...>`):
    /// the Engine then takes the export from the connection and adds none. Needed when a
    /// connection to the export exists already (left by an import the Engine did not finish):
    /// adding a second one fails with 409 "Storage connection ... already exists".
    #[serde(default)]
    pub connection: Option<Id>,
}

/// How to remove a storage domain from the Engine (`DELETE /storagedomains/{id}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "mode")]
pub enum RemoveStorageDomain {
    /// Normal removal of an unattached domain through an UP host. `format` wipes the domain's
    /// metadata so it can never be imported again: DR flows never set it.
    WithHost {
        /// The host.
        host: Id,
        /// Wipe the metadata.
        format: bool,
    },
    /// Remove the domain from the Engine's database only (`destroy=true`), whatever its state
    /// (except active); the storage is not touched.
    Destroy,
}

/// An iSCSI portal to discover targets on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IscsiPortal {
    /// Portal address.
    pub address: String,
    /// Port (3260 by default).
    pub port: u16,
    /// CHAP user.
    pub username: Option<String>,
    /// CHAP password.
    #[serde(skip)]
    pub password: Option<Secret>,
}

/// Log a host in to one iSCSI target (`POST /hosts/{id}/iscsilogin`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IscsiLogin {
    /// Portal address.
    pub address: String,
    /// Port (3260 by default).
    pub port: u16,
    /// Target IQN.
    pub target: String,
    /// Portal group tag, if known.
    pub portal: Option<String>,
    /// CHAP user.
    pub username: Option<String>,
    /// CHAP password.
    #[serde(skip)]
    pub password: Option<Secret>,
}

/// One target found by discovery.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IscsiTarget {
    /// Portal address.
    pub address: String,
    /// Port.
    pub port: u16,
    /// Portal (`ip:port,tpgt`).
    pub portal: Option<String>,
    /// Target IQN.
    pub target: String,
}
