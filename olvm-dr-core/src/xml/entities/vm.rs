//! Registered VMs, with the content the Engine inlines on request.
//!
//! A VM's NICs, the domains of its disks, its direct LUNs and whether a snapshot is in preview
//! are not part of the `<vm>` element itself: the Engine inlines them when asked with
//! `follow=nics,disk_attachments.disk,snapshots`. The reader takes them from that inlined
//! content (missing content reads as empty / `false`); the writer inlines what the scope
//! follows and links the rest.
//!
//! The inlined attachments are written as `/vms/{id}/diskattachments` writes them, ids and
//! settings included. A `Vm` that does not know its attachments (read without following them)
//! falls back to one attachment per domain and per LUN without ids, which reads back as the
//! same `Vm`. Unknown statuses read as `unknown`.
//!
//! The `VmBase` elements (`os`, `bios`, `cpu`, `memory_policy`, ...) are the shared ones of
//! [`super::vm_base`]; the VM adds what `VmMapper.map(VM)` adds: status, host, template,
//! `original_template`, `next_run_configuration_exists` and `numa_tune_mode`.

use super::attachments::{lun_id, write_image_disk, write_lun_disk};
use super::disk_attachment::{Owner, write_disk_attachment};
use super::open_entity;
use super::vm_base::{VmBaseFields, read_sizing, read_vm_settings, write_vm_base};
use crate::engine::{DiskAttachment, Id, Nic, Vm, VmStatus};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

/// The snapshot status of a snapshot being previewed.
const IN_PREVIEW: &str = "in_preview";

impl XmlEntity for Vm {
    const TAG: &'static str = "vm";
    const PLURAL: &'static str = "vms";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let (storage_domains, luns) = read_attached_storage(n)?;
        let snapshot_in_preview = match n.child("snapshots") {
            Some(s) => s
                .children("snapshot")
                .any(|snap| snap.text_of("snapshot_status").map(str::trim) == Some(IN_PREVIEW)),
            None => false,
        };
        let (memory, vcpus, high_availability) = read_sizing(n)?;
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            status: n.req_enum("status", VmStatus::Unknown)?,
            cluster: n.ref_id("cluster")?,
            host: n.ref_id("host")?,
            template: n.ref_id("template")?,
            high_availability,
            delete_protected: n.flag("delete_protected")?,
            snapshot_in_preview,
            memory,
            vcpus,
            origin: n.text_of("origin").unwrap_or_default().to_owned(),
            nics: n.list("nics", "nic", read_nic)?,
            storage_domains,
            luns,
            settings: read_vm_settings(n, memory, vcpus)?,
            disk_attachments: read_disk_attachments(n)?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(
            &href,
            &["cancelmigration", "migrate", "shutdown", "start", "stop"],
        );
        w.text("name", &self.name);
        w.links(&href, &["affinitylabels", "permissions"]);
        write_vm_base(
            w,
            &VmBaseFields {
                memory: self.memory,
                vcpus: self.vcpus,
                high_availability: self.high_availability,
                delete_protected: self.delete_protected,
                origin: &self.origin,
                settings: &self.settings,
            },
        );
        w.bool("next_run_configuration_exists", false);
        w.text("numa_tune_mode", "interleave");
        w.value("status", self.status);
        w.opt_reference("cluster", "clusters", self.cluster);
        w.opt_reference("host", "hosts", self.host);
        w.opt_reference("original_template", "templates", self.template);
        w.opt_reference("template", "templates", self.template);
        let follow = scope.follow();
        if follow.has("nics") {
            w.open("nics", &[]);
            for nic in &self.nics {
                write_nic(w, nic, &format!("{href}/nics/{}", nic.id));
            }
            w.close("nics");
        } else {
            w.links(&href, &["nics"]);
        }
        if follow.has("disk_attachments") {
            write_attached_storage(w, self, &href);
        } else {
            w.links(&href, &["diskattachments"]);
        }
        if follow.has("snapshots") {
            write_snapshot_list(w, self.snapshot_in_preview);
        } else {
            w.links(&href, &["snapshots"]);
        }
        w.close(Self::TAG);
    }
}

pub(super) fn read_nic(n: &Node<'_>) -> Result<Nic, XmlError> {
    Ok(Nic {
        id: n.id()?,
        name: n.req_text("name")?.to_owned(),
        mac: n.string_at(&["mac", "address"]),
        vnic_profile: n.ref_id("vnic_profile")?,
        plugged: n.bool_at(&["plugged"])?.unwrap_or(true),
    })
}

impl XmlEntity for Nic {
    const TAG: &'static str = "nic";
    const PLURAL: &'static str = "nics";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        read_nic(n)
    }

    /// `scope` is the VM's NIC collection, `vms/{vm}/nics`.
    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        write_nic(w, self, &scope.href(self.id));
    }
}

/// The `<snapshots>` document of `vm` (`GET /vms/{id}/snapshots`): the active snapshot, plus a
/// snapshot in preview when there is one.
pub fn write_snapshots(vm: &Vm) -> String {
    let mut w = XmlWriter::document();
    write_snapshot_list(&mut w, vm.snapshot_in_preview);
    w.finish()
}

fn write_snapshot_list(w: &mut XmlWriter, in_preview: bool) {
    w.open("snapshots", &[]);
    write_snapshot("active", "ok", w);
    if in_preview {
        write_snapshot("regular", IN_PREVIEW, w);
    }
    w.close("snapshots");
}

pub(super) fn write_nic(w: &mut XmlWriter, nic: &Nic, href: &str) {
    let id = nic.id.to_string();
    open_entity(w, "nic", href, &id);
    w.text("name", &nic.name);
    w.text("interface", "virtio");
    if let Some(mac) = &nic.mac {
        w.open("mac", &[]);
        w.text("address", mac);
        w.close("mac");
    }
    w.bool("plugged", nic.plugged);
    w.opt_reference("vnic_profile", "vnicprofiles", nic.vnic_profile);
    w.close("nic");
}

fn write_snapshot(kind: &str, status: &str, w: &mut XmlWriter) {
    w.open("snapshot", &[]);
    w.text("snapshot_status", status);
    w.text("snapshot_type", kind);
    w.close("snapshot");
}

/// The domains holding the VM's disk images and the ids of its direct LUNs, from
/// `disk_attachments/disk_attachment/disk`, each listed once in document order.
fn read_attached_storage(n: &Node<'_>) -> Result<(Vec<Id>, Vec<String>), XmlError> {
    let mut domains: Vec<Id> = Vec::new();
    let mut luns: Vec<String> = Vec::new();
    let Some(attachments) = n.child("disk_attachments") else {
        return Ok((domains, luns));
    };
    for attachment in attachments.children("disk_attachment") {
        let Some(disk) = attachment.child("disk") else {
            continue;
        };
        for sd in disk.ref_ids("storage_domains", "storage_domain")? {
            if !domains.contains(&sd) {
                domains.push(sd);
            }
        }
        if let Some(lun) = disk.child("lun_storage")
            && let Some(id) = lun_id(&lun)
            && !luns.iter().any(|l| l == id)
        {
            luns.push(id.to_owned());
        }
    }
    Ok((domains, luns))
}

/// The attachments inlined with `follow=disk_attachments[.disk]`: the VM's own when it knows
/// them, else one id-less attachment per domain and per LUN.
fn write_attached_storage(w: &mut XmlWriter, vm: &Vm, href: &str) {
    w.open("disk_attachments", &[]);
    if vm.disk_attachments.is_empty() {
        for sd in &vm.storage_domains {
            write_image_disk(w, None, None, std::slice::from_ref(sd));
        }
        for lun in &vm.luns {
            write_lun_disk(w, None, None, lun, None);
        }
    } else {
        for a in &vm.disk_attachments {
            let at = format!("{href}/diskattachments/{}", a.disk);
            write_disk_attachment(w, a, &at, Some(Owner::Vm(vm.id)));
        }
    }
    w.close("disk_attachments");
}

/// The inlined attachments whose disk carries an id, as `/vms/{id}/diskattachments` reads
/// them (a real Engine always writes the id; the fallback form above has none).
pub(super) fn read_disk_attachments(n: &Node<'_>) -> Result<Vec<DiskAttachment>, XmlError> {
    let Some(attachments) = n.child("disk_attachments") else {
        return Ok(Vec::new());
    };
    attachments
        .children("disk_attachment")
        .filter(|a| a.child("disk").is_some_and(|d| d.attr("id").is_some()))
        .map(|a| DiskAttachment::read(&a))
        .collect()
}

#[cfg(test)]
mod tests;
