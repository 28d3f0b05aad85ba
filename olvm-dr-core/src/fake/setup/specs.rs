//! What [`Setup`](super::Setup) creates: VMs, templates, their NICs and disks.

use crate::engine::{HighAvailability, Id, Permission, VmSettings};

/// A volume (export or LUN) of the fabric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct VolumeRef(pub(crate) usize);

/// An iSCSI target of the fabric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TargetRef(pub(crate) usize);

/// A NIC to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NicSpec {
    /// Name, e.g. `nic1`.
    pub name: String,
    /// Its vNIC profile; `None` = unplugged.
    pub profile: Option<Id>,
    /// Its MAC; `None` = the next free one of the cluster's pool (VMs only).
    pub mac: Option<String>,
}

/// An image disk to create, on one or more domains.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiskSpec {
    /// Alias.
    pub alias: String,
    /// The domains holding the image.
    pub domains: Vec<Id>,
}

/// A direct-LUN disk to create on a LUN volume.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LunDiskSpec {
    /// Alias.
    pub alias: String,
    /// The LUN.
    pub lun: VolumeRef,
    /// Shareable between VMs.
    pub shareable: bool,
}

/// A VM to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VmSpec {
    /// Name.
    pub name: String,
    /// Cluster.
    pub cluster: Id,
    /// Template (`Id::NIL` = blank).
    pub template: Id,
    /// High availability.
    pub high_availability: HighAvailability,
    /// Delete protection.
    pub delete_protected: bool,
    /// A snapshot in preview.
    pub snapshot_in_preview: bool,
    /// Memory in bytes.
    pub memory: u64,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Origin (`ovirt`, or [`HOSTED_ENGINE_ORIGIN`](crate::engine::HOSTED_ENGINE_ORIGIN)).
    pub origin: String,
    /// NICs.
    pub nics: Vec<NicSpec>,
    /// Image disks.
    pub disks: Vec<DiskSpec>,
    /// Direct-LUN disks.
    pub luns: Vec<LunDiskSpec>,
    /// Affinity groups (of its cluster).
    pub affinity_groups: Vec<Id>,
    /// Affinity labels.
    pub affinity_labels: Vec<Id>,
    /// Permissions on it.
    pub permissions: Vec<Permission>,
    /// Running (`up`) rather than `down`.
    pub running: bool,
    /// Its `VmBase` settings; `None` = a new VM's defaults for its memory and CPUs
    /// ([`VmSettings::for_memory`]).
    pub settings: Option<VmSettings>,
}

impl VmSpec {
    /// A down, diskless VM with one CPU and 1 GiB in `cluster`.
    pub fn new(name: impl Into<String>, cluster: Id) -> Self {
        Self {
            name: name.into(),
            cluster,
            template: Id::NIL,
            high_availability: HighAvailability::default(),
            delete_protected: false,
            snapshot_in_preview: false,
            memory: 1 << 30,
            vcpus: 1,
            origin: "ovirt".into(),
            nics: Vec::new(),
            disks: Vec::new(),
            luns: Vec::new(),
            affinity_groups: Vec::new(),
            affinity_labels: Vec::new(),
            permissions: Vec::new(),
            running: false,
            settings: None,
        }
    }
}

/// A template to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateSpec {
    /// Name (a version shares its base's name).
    pub name: String,
    /// Cluster.
    pub cluster: Id,
    /// The base template of a version; `None` for a base template.
    pub base: Option<Id>,
    /// Version number (1 for a base template).
    pub version: u32,
    /// Image disks.
    pub disks: Vec<DiskSpec>,
    /// NICs (their MACs are ignored).
    pub nics: Vec<NicSpec>,
    /// Permissions on it.
    pub permissions: Vec<Permission>,
    /// Memory in bytes of the VMs made from it.
    pub memory: u64,
    /// High availability of the VMs made from it.
    pub high_availability: HighAvailability,
    /// Its `VmBase` settings; `None` = a new template's defaults for its memory and one CPU.
    pub settings: Option<VmSettings>,
}
