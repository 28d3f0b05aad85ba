//! VMs and templates, registered and unregistered.

use serde::{Deserialize, Serialize};

use super::{DiskInterface, Id, StorageType, TemplateStatus, VmSettings, VmStatus};

/// The `origin` the Engine gives the hosted-engine VM.
pub const HOSTED_ENGINE_ORIGIN: &str = "managed_hosted_engine";

/// High-availability settings of a VM.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct HighAvailability {
    /// The Engine restarts the VM if it dies.
    pub enabled: bool,
    /// Restart priority (higher first).
    pub priority: i32,
}

/// A registered VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vm {
    /// Id.
    pub id: Id,
    /// Name, unique within its data center.
    pub name: String,
    /// Status.
    pub status: VmStatus,
    /// Its cluster.
    pub cluster: Option<Id>,
    /// The host it runs on.
    pub host: Option<Id>,
    /// The template it is based on (`Id::NIL` for the blank template).
    pub template: Option<Id>,
    /// High availability.
    pub high_availability: HighAvailability,
    /// Protected against removal.
    pub delete_protected: bool,
    /// Has a snapshot in preview (blocks failback of its domains).
    pub snapshot_in_preview: bool,
    /// Memory in bytes.
    pub memory: u64,
    /// Virtual CPUs (sockets x cores x threads).
    pub vcpus: u32,
    /// Where it came from; [`HOSTED_ENGINE_ORIGIN`] for the hosted-engine VM.
    pub origin: String,
    /// Its NICs.
    pub nics: Vec<Nic>,
    /// The storage domains holding its disk images.
    pub storage_domains: Vec<Id>,
    /// The direct LUNs attached to it (LUN ids).
    pub luns: Vec<String>,
    /// Its `VmBase` settings; `vcpus` is their CPU topology's count.
    #[serde(default)]
    pub settings: VmSettings,
    /// Its disk attachments, image disks then direct LUNs, when the source gave them (the
    /// fake always does; over REST they come with `follow=disk_attachments.disk`).
    #[serde(default)]
    pub disk_attachments: Vec<DiskAttachment>,
}

impl Vm {
    /// `true` for the hosted-engine VM.
    pub fn is_hosted_engine(&self) -> bool {
        self.origin == HOSTED_ENGINE_ORIGIN
    }
}

/// A NIC of a registered VM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nic {
    /// Id.
    pub id: Id,
    /// Name, e.g. `nic1`.
    pub name: String,
    /// MAC address, lower-case `aa:bb:cc:dd:ee:ff`.
    pub mac: Option<String>,
    /// The vNIC profile; `None` = on no network ("empty" profile).
    pub vnic_profile: Option<Id>,
    /// Plugged into the VM (`nic.plugged`). An unplugged NIC keeps its profile; the guest does
    /// not see it until it is plugged.
    #[serde(default = "yes")]
    pub plugged: bool,
}

fn yes() -> bool {
    true
}

/// A disk as attached to a VM (`GET /vms/{id}/diskattachments?follow=disk`): the disk and the
/// attachment's own settings. The Engine gives the attachment the id of its disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DiskAttachment {
    /// The disk's id.
    pub disk: Id,
    /// The disk's alias.
    pub alias: String,
    /// The domains holding its image (empty for a direct LUN).
    pub storage_domains: Vec<Id>,
    /// The LUN of a direct-LUN disk.
    pub lun_id: Option<String>,
    /// Virtual size in bytes (`provisioned_size`; for a direct LUN the LUN's size, 0 if unknown).
    pub provisioned_size: u64,
    /// How the guest sees it.
    pub interface: DiskInterface,
    /// The VM boots from it.
    pub bootable: bool,
    /// Plugged into the VM.
    pub active: bool,
}

/// A registered template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Template {
    /// Id.
    pub id: Id,
    /// Name (several versions of a template share it).
    pub name: String,
    /// Status.
    pub status: TemplateStatus,
    /// Its cluster.
    pub cluster: Option<Id>,
    /// Version number within its base template's chain.
    pub version_number: u32,
    /// The first version of the chain (itself for version 1).
    pub base_template: Option<Id>,
    /// Memory in bytes of the VMs made from it.
    #[serde(default)]
    pub memory: u64,
    /// High availability of the VMs made from it.
    #[serde(default)]
    pub high_availability: HighAvailability,
    /// Its `VmBase` settings.
    #[serde(default)]
    pub settings: VmSettings,
    /// Its NICs (without MACs: the VMs made from it get their own).
    #[serde(default)]
    pub nics: Vec<Nic>,
    /// Its disk attachments, when the source gave them (the fake always does; over REST they
    /// come with `follow=disk_attachments.disk`).
    #[serde(default)]
    pub disk_attachments: Vec<DiskAttachment>,
}

/// What a domain's OVF store says about a VM that is not registered in this Engine: the VM as it
/// was when its site last wrote the OVF store, as the Engine lists it.
///
/// Only the VM itself: the Engine maps the OVF's VM (`BackendStorageDomainVmsResource.list`,
/// `GetUnregisteredVms`) without its disks, NICs, affinity or permissions, and an unregistered VM
/// on a data domain has no disk-attachment sub-collection. What a VM's disks and NICs were comes
/// from its source site (see `plan::SourceRecord`), not from this listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnregisteredVm {
    /// Id (kept on registration).
    pub id: Id,
    /// Name.
    pub name: String,
    /// Status at the time the OVF store was written (the role starts VMs whose status was `up`).
    pub status: VmStatus,
    /// High availability.
    pub high_availability: HighAvailability,
    /// The cluster it was in on its source site (an id this Engine may not know).
    pub cluster: Option<Id>,
    /// The template it is based on (`None` or `Id::NIL` for the blank template).
    pub template: Option<Id>,
    /// Memory in bytes.
    pub memory: u64,
    /// Virtual CPUs.
    pub vcpus: u32,
    /// Protected against removal.
    pub delete_protected: bool,
}

/// What a domain's OVF store says about a template that is not registered in this Engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnregisteredTemplate {
    /// Id (kept on registration).
    pub id: Id,
    /// Name.
    pub name: String,
    /// The cluster it was in on its source site (an id this Engine may not know).
    pub cluster: Option<Id>,
    /// The base template of its version chain (`None` for a base template).
    pub base_template: Option<Id>,
}

/// A NIC as an OVF records it: the profile and network by name (the OVF's content, which the
/// Engine uses at registration but does not list for an unregistered VM).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OvfNic {
    /// NIC name.
    pub name: String,
    /// MAC address.
    pub mac: Option<String>,
    /// vNIC profile name (`None` = unplugged).
    pub profile_name: Option<String>,
    /// Network name.
    pub network_name: Option<String>,
    /// Plugged into the VM.
    #[serde(default = "yes")]
    pub plugged: bool,
}

/// A disk image as an OVF records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OvfDisk {
    /// Disk id.
    pub id: Id,
    /// Alias.
    pub alias: String,
    /// The domains holding the image.
    pub storage_domains: Vec<Id>,
    /// Virtual size in bytes (0 when the OVF does not say).
    #[serde(default)]
    pub provisioned_size: u64,
    /// How the guest sees it.
    #[serde(default = "virtio_scsi")]
    pub interface: DiskInterface,
    /// The VM boots from it.
    #[serde(default)]
    pub bootable: bool,
    /// Plugged into the VM.
    #[serde(default = "yes")]
    pub active: bool,
}

fn virtio_scsi() -> DiskInterface {
    DiskInterface::VirtioScsi
}

/// A direct LUN as an OVF records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OvfLun {
    /// Disk id.
    pub disk_id: Id,
    /// Disk alias.
    pub alias: String,
    /// LUN id.
    pub lun_id: String,
    /// `iscsi` or `fcp`.
    pub storage_type: StorageType,
}

/// Which VMs to list, the way the Engine's search language filters them
/// (`name=... and status=... and storage.name=...`). Empty = all VMs.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct VmSearch {
    /// Exact name.
    pub name: Option<String>,
    /// Only VMs in this status.
    pub status: Option<VmStatus>,
    /// Only VMs not in this status (`status != down`).
    pub status_not: Option<VmStatus>,
    /// Only VMs with a disk on this storage domain.
    pub storage_domain: Option<Id>,
    /// Only VMs in this cluster.
    pub cluster: Option<Id>,
}

impl VmSearch {
    /// `true` when `vm` matches every given criterion.
    pub fn matches(&self, vm: &Vm) -> bool {
        self.name.as_ref().is_none_or(|n| n == &vm.name)
            && self.status.is_none_or(|s| s == vm.status)
            && self.status_not.is_none_or(|s| s != vm.status)
            && self
                .storage_domain
                .is_none_or(|sd| vm.storage_domains.contains(&sd))
            && self.cluster.is_none_or(|c| vm.cluster == Some(c))
    }
}
