//! Registered VMs, with the content the Engine inlines on request.
//!
//! A VM's NICs, the domains of its disks, its direct LUNs and whether a snapshot is in preview
//! are not part of the `<vm>` element itself: the Engine inlines them when asked with
//! `follow=nics,disk_attachments.disk,snapshots`. The reader takes them from that inlined
//! content (missing content reads as empty / `false`); the writer inlines what the scope
//! follows and links the rest.
//!
//! The entity model keeps no disk ids, so the writer renders `storage_domains` as one image
//! disk attachment per domain and `luns` as one LUN disk attachment per LUN, without ids; the
//! reader gives back exactly the same `Vm`. Unknown statuses read as `unknown`.

use super::attachments::{lun_id, write_image_disk, write_lun_disk};
use super::{
    open_entity, read_cpu_count, read_high_availability, write_cpu_count, write_high_availability,
};
use crate::engine::{Id, Nic, Vm, VmStatus};
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
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            status: n.req_enum("status", VmStatus::Unknown)?,
            cluster: n.ref_id("cluster")?,
            host: n.ref_id("host")?,
            template: n.ref_id("template")?,
            high_availability: read_high_availability(n)?,
            delete_protected: n.flag("delete_protected")?,
            snapshot_in_preview,
            memory: n.parse_at(&["memory"])?.unwrap_or(0),
            vcpus: read_cpu_count(n)?,
            origin: n.text_of("origin").unwrap_or_default().to_owned(),
            nics: n.list("nics", "nic", read_nic)?,
            storage_domains,
            luns,
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
        w.open("cpu", &[]);
        write_cpu_count(w, self.vcpus);
        w.close("cpu");
        w.bool("delete_protected", self.delete_protected);
        write_high_availability(w, self.high_availability);
        w.value("memory", self.memory);
        w.text("origin", &self.origin);
        w.value("status", self.status);
        w.opt_reference("cluster", "clusters", self.cluster);
        w.opt_reference("host", "hosts", self.host);
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
            write_attached_storage(w, &self.storage_domains, &self.luns);
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

fn read_nic(n: &Node<'_>) -> Result<Nic, XmlError> {
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

fn write_nic(w: &mut XmlWriter, nic: &Nic, href: &str) {
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

fn write_attached_storage(w: &mut XmlWriter, domains: &[Id], luns: &[String]) {
    w.open("disk_attachments", &[]);
    for sd in domains {
        write_image_disk(w, None, None, std::slice::from_ref(sd));
    }
    for lun in luns {
        write_lun_disk(w, None, None, lun, None);
    }
    w.close("disk_attachments");
}

#[cfg(test)]
mod tests;
