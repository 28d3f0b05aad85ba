//! Disks in one Engine's database: images on storage domains, direct LUNs, OVF_STORE disks.

use tokio::time::Instant;

use crate::Site;
use crate::engine::{
    Disk, DiskAttachment, DiskContentType, DiskFilter, DiskInterface, DiskStatus, DiskStorageType,
    EngineResult, Id, LunStorage, OvfDisk, VmStatus,
};

use super::super::fabric::ovf_store::ovf_disk_description;
use super::super::messages as msg;
use super::super::ops::Operation;
use super::{SiteState, WorldState};

/// A disk record.
#[derive(Debug, Clone)]
pub(crate) struct DiskRec {
    pub(crate) id: Id,
    pub(crate) alias: String,
    pub(crate) content: DiskContentType,
    pub(crate) storage: DiskStorageType,
    pub(crate) shareable: bool,
    pub(crate) wipe_after_delete: bool,
    /// Image disks: the domains holding the image.
    pub(crate) domains: Vec<Id>,
    /// Direct-LUN disks: the LUN.
    pub(crate) lun: Option<LunStorage>,
    /// The VMs (and templates) it is attached to.
    pub(crate) vms: Vec<Id>,
    pub(crate) status: DiskStatus,
    /// Virtual size in bytes.
    pub(crate) provisioned_size: u64,
    /// The attachment's settings. The Engine keeps them per attachment; a disk here is attached
    /// to one VM, or shared (a direct LUN) with the same settings on every VM.
    pub(crate) attachment: AttachmentRec,
}

/// How a disk is attached (`disk_attachment`: interface, bootable, active).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AttachmentRec {
    pub(crate) interface: DiskInterface,
    pub(crate) bootable: bool,
    pub(crate) active: bool,
}

impl Default for AttachmentRec {
    /// The Engine's defaults for a new attachment: virtio-scsi, not bootable, active.
    fn default() -> Self {
        Self {
            interface: DiskInterface::VirtioScsi,
            bootable: false,
            active: true,
        }
    }
}

impl DiskRec {
    /// An image disk.
    pub(crate) fn image(id: Id, alias: &str, domains: Vec<Id>, owner: Option<Id>) -> Self {
        Self {
            id,
            alias: alias.to_owned(),
            content: DiskContentType::Data,
            storage: DiskStorageType::Image,
            shareable: false,
            wipe_after_delete: false,
            domains,
            lun: None,
            vms: owner.into_iter().collect(),
            status: DiskStatus::Ok,
            provisioned_size: 0,
            attachment: AttachmentRec::default(),
        }
    }

    /// A direct-LUN disk.
    pub(crate) fn lun(id: Id, alias: &str, lun: LunStorage, shareable: bool, vms: Vec<Id>) -> Self {
        Self {
            id,
            alias: alias.to_owned(),
            content: DiskContentType::Data,
            storage: DiskStorageType::Lun,
            shareable,
            wipe_after_delete: false,
            domains: Vec::new(),
            provisioned_size: lun.logical_units.first().and_then(|l| l.size).unwrap_or(0),
            lun: Some(lun),
            vms,
            status: DiskStatus::Ok,
            attachment: AttachmentRec::default(),
        }
    }

    /// One of a domain's OVF_STORE disks (registered by the Engine as floating, shareable).
    pub(crate) fn ovf_store(id: Id, domain: Id) -> Self {
        Self {
            id,
            alias: "OVF_STORE".to_owned(),
            content: DiskContentType::OvfStore,
            storage: DiskStorageType::Image,
            shareable: true,
            wipe_after_delete: false,
            domains: vec![domain],
            lun: None,
            vms: Vec::new(),
            status: DiskStatus::Ok,
            provisioned_size: 0,
            attachment: AttachmentRec::default(),
        }
    }
}

impl DiskRec {
    /// An image disk as the OVF of its VM or template records it.
    pub(crate) fn image_from_ovf(d: &OvfDisk, owner: Id) -> Self {
        let mut rec = Self::image(d.id, &d.alias, d.storage_domains.clone(), Some(owner));
        rec.provisioned_size = d.provisioned_size;
        rec.attachment = AttachmentRec {
            interface: d.interface,
            bootable: d.bootable,
            active: d.active,
        };
        rec
    }

    /// The disk as an OVF records it.
    pub(crate) fn to_ovf(&self) -> OvfDisk {
        OvfDisk {
            id: self.id,
            alias: self.alias.clone(),
            storage_domains: self.domains.clone(),
            provisioned_size: self.provisioned_size,
            interface: self.attachment.interface,
            bootable: self.attachment.bootable,
            active: self.attachment.active,
        }
    }

    /// The disk as attached to a VM.
    pub(crate) fn attachment_view(&self) -> DiskAttachment {
        DiskAttachment {
            disk: self.id,
            alias: self.alias.clone(),
            storage_domains: self.domains.clone(),
            lun_id: self
                .lun
                .as_ref()
                .and_then(|l| l.logical_units.first())
                .map(|l| l.id.clone()),
            provisioned_size: self.provisioned_size,
            interface: self.attachment.interface,
            bootable: self.attachment.bootable,
            active: self.attachment.active,
        }
    }
}

impl WorldState {
    /// `GET /vms/{id}/diskattachments`: image disks, then direct LUNs, in attachment order.
    pub(crate) fn vm_disk_attachments_view(
        &self,
        site: Site,
        vm: Id,
    ) -> EngineResult<Vec<DiskAttachment>> {
        let s = self.site(site);
        let v = s
            .vms
            .get(&vm)
            .ok_or_else(|| msg::not_found(Operation::VmDiskAttachments, format!("vm {vm}")))?;
        Ok(v.disks
            .iter()
            .chain(v.luns.iter())
            .filter_map(|d| s.disks.get(d))
            .map(DiskRec::attachment_view)
            .collect())
    }

    /// A disk as `GET /disks/{id}` shows it; OVF_STORE descriptions come from the store on the
    /// domain's volume.
    pub(crate) fn disk_view(&self, site: Site, d: &DiskRec) -> Disk {
        let description = match d.content {
            DiskContentType::OvfStore => d.domains.first().and_then(|sd| {
                let rec = self.site(site).domains.get(sd)?;
                let content = self.fabric.volumes[rec.volume].content.as_ref()?;
                Some(ovf_disk_description(*sd, &content.ovf))
            }),
            _ => None,
        };
        Disk {
            id: d.id,
            alias: d.alias.clone(),
            description,
            status: d.status,
            storage_type: d.storage,
            content_type: d.content,
            shareable: d.shareable,
            wipe_after_delete: d.wipe_after_delete,
            storage_domains: d.domains.clone(),
            lun_storage: d.lun.clone(),
            vms: d.vms.clone(),
        }
    }

    pub(crate) fn disks_view(&self, site: Site, filter: DiskFilter) -> Vec<Disk> {
        self.site(site)
            .disks
            .values()
            .filter(|d| !filter.lun_only || d.storage == DiskStorageType::Lun)
            .filter(|d| !filter.unattached_only || d.vms.is_empty())
            .map(|d| self.disk_view(site, d))
            .collect()
    }

    pub(crate) fn domain_disks_view(&self, site: Site, sd: Id) -> EngineResult<Vec<Disk>> {
        let op = Operation::StorageDomainDisks;
        if !self.site(site).domains.contains_key(&sd) {
            return Err(msg::not_found(op, format!("storage domain {sd}")));
        }
        Ok(self
            .site(site)
            .disks
            .values()
            .filter(|d| d.domains.contains(&sd))
            .map(|d| self.disk_view(site, d))
            .collect())
    }

    /// `DELETE /disks/{id}` (`RemoveDiskCommand`).
    pub(crate) fn remove_disk(&mut self, site: Site, id: Id, now: Instant) -> EngineResult<()> {
        let op = Operation::RemoveDisk;
        let s = self.site(site);
        let d = s
            .disks
            .get(&id)
            .ok_or_else(|| msg::not_found(op, format!("disk {id}")))?;
        let running = d.vms.iter().any(|vm| {
            s.vms
                .get(vm)
                .is_some_and(|v| v.status(now) != VmStatus::Down && !v.is_hosted_engine())
        });
        if running {
            return Err(msg::disk_vm_not_down(op));
        }
        if d.content == DiskContentType::OvfStore && d.status != DiskStatus::Illegal {
            return Err(msg::ovf_disk_not_illegal(op));
        }
        let d = self.site_mut(site).disks.remove(&id).expect("checked");
        self.site_mut(site).detach_disk_from_vms(&d);
        if let Some(lun) = &d.lun {
            for lu in &lun.logical_units {
                self.site_mut(site).lun_disks.remove(&lu.id);
            }
        }
        for sd in &d.domains {
            if let Some(v) = self.site(site).domains.get(sd).map(|r| r.volume) {
                // Removing the image writes the domain; on a read-only replica it fails silently
                // here (the Engine's task would fail), the record is gone either way.
                let _ = self.fabric.write(v, |c| {
                    std::sync::Arc::make_mut(&mut c.images).remove(&id);
                });
            }
        }
        Ok(())
    }
}

impl SiteState {
    /// Removes `d` from the VMs and templates it was attached to.
    pub(crate) fn detach_disk_from_vms(&mut self, d: &DiskRec) {
        for vm in &d.vms {
            if let Some(v) = self.vms.get_mut(vm) {
                v.disks.retain(|x| *x != d.id);
                v.luns.retain(|x| *x != d.id);
            }
            if let Some(t) = self.templates.get_mut(vm) {
                t.disks.retain(|x| *x != d.id);
            }
        }
    }

    /// The disks of a VM or template that are images on domains (with their domains).
    pub(crate) fn image_domains<'a>(&'a self, disks: &'a [Id]) -> impl Iterator<Item = Id> + 'a {
        disks
            .iter()
            .filter_map(|d| self.disks.get(d))
            .flat_map(|d| d.domains.iter().copied())
    }
}
