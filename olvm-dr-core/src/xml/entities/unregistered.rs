//! VMs and templates of a domain's OVF store that are not registered
//! (`GET /storagedomains/{sd}/vms?unregistered=true`, `.../templates?unregistered=true`).
//!
//! A real Engine maps only the OVF's header onto these elements: id, name, the status recorded
//! in the OVF, high availability, memory, CPU topology, delete protection, the template and the
//! *source* cluster's id (`GetUnregisteredVmsQuery` + `VmMapper`). It does not inline NICs,
//! disks, affinity, permissions or the cluster's name. Those are read when present, in the
//! shapes the API model gives them elsewhere (`nics/nic` with `vnic_profile/name` and
//! `vnic_profile/network/name`; `disk_attachments/disk_attachment/disk` with `storage_domains`
//! or `lun_storage`; `permissions/permission` with `role/name` and `user/user_name` or
//! `group/name`; `cluster/name`), plus `affinity_groups/affinity_group/name` and
//! `affinity_labels/affinity_label/name`; and the writer emits them, so that a simulated
//! Engine can carry its full OVF view. Against a real Engine those fields stay empty.

use super::attachments::{lun_id, write_lun_disk};
use super::disk::read_lun_storage;
use super::{
    open_entity, read_cpu_count, read_high_availability, write_cpu_count, write_high_availability,
};
use crate::engine::{
    OvfDisk, OvfLun, OvfNic, Permission, UnregisteredTemplate, UnregisteredVm, VmStatus,
};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

impl XmlEntity for UnregisteredVm {
    const TAG: &'static str = "vm";
    const PLURAL: &'static str = "vms";

    /// An unknown status reads as `unknown`.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let (disks, luns) = read_ovf_disks(n)?;
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            status: n.req_enum("status", VmStatus::Unknown)?,
            high_availability: read_high_availability(n)?,
            cluster_name: n.string_at(&["cluster", "name"]),
            template: n.ref_id("template")?,
            memory: n.parse_at(&["memory"])?.unwrap_or(0),
            vcpus: read_cpu_count(n)?,
            delete_protected: n.flag("delete_protected")?,
            nics: n.list("nics", "nic", read_ovf_nic)?,
            disks,
            luns,
            affinity_groups: n.list("affinity_groups", "affinity_group", read_name)?,
            affinity_labels: n.list("affinity_labels", "affinity_label", read_name)?,
            permissions: n.list("permissions", "permission", read_permission)?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["import", "register"]);
        w.text("name", &self.name);
        w.open("cpu", &[]);
        write_cpu_count(w, self.vcpus);
        w.close("cpu");
        w.bool("delete_protected", self.delete_protected);
        write_high_availability(w, self.high_availability);
        w.value("memory", self.memory);
        w.value("status", self.status);
        write_cluster_name(w, self.cluster_name.as_deref());
        w.opt_reference("template", "templates", self.template);
        write_ovf_nics(w, &self.nics);
        write_ovf_disks(w, &self.disks, &self.luns);
        write_names(
            w,
            "affinity_groups",
            "affinity_group",
            &self.affinity_groups,
        );
        write_names(
            w,
            "affinity_labels",
            "affinity_label",
            &self.affinity_labels,
        );
        write_permissions(w, &self.permissions);
        w.close(Self::TAG);
    }
}

impl XmlEntity for UnregisteredTemplate {
    const TAG: &'static str = "template";
    const PLURAL: &'static str = "templates";

    /// `version/base_template` naming the template itself (a base template) reads as `None`.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let id = n.id()?;
        let base = match n.child("version") {
            Some(v) => v.ref_id("base_template")?,
            None => None,
        };
        let (disks, _) = read_ovf_disks(n)?;
        Ok(Self {
            id,
            name: n.req_text("name")?.to_owned(),
            cluster_name: n.string_at(&["cluster", "name"]),
            base_template: base.filter(|b| *b != id),
            nics: n.list("nics", "nic", read_ovf_nic)?,
            disks,
            permissions: n.list("permissions", "permission", read_permission)?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["import", "register"]);
        w.text("name", &self.name);
        w.open("version", &[]);
        w.reference(
            "base_template",
            "templates",
            self.base_template.unwrap_or(self.id),
        );
        w.close("version");
        write_cluster_name(w, self.cluster_name.as_deref());
        write_ovf_nics(w, &self.nics);
        write_ovf_disks(w, &self.disks, &[]);
        write_permissions(w, &self.permissions);
        w.close(Self::TAG);
    }
}

fn write_cluster_name(w: &mut XmlWriter, name: Option<&str>) {
    if let Some(name) = name {
        w.open("cluster", &[]);
        w.text("name", name);
        w.close("cluster");
    }
}

fn read_name(n: &Node<'_>) -> Result<String, XmlError> {
    Ok(n.req_text("name")?.to_owned())
}

fn write_names(w: &mut XmlWriter, wrapper: &str, tag: &str, names: &[String]) {
    if names.is_empty() {
        return;
    }
    w.open(wrapper, &[]);
    for name in names {
        w.open(tag, &[]);
        w.text("name", name);
        w.close(tag);
    }
    w.close(wrapper);
}

fn read_ovf_nic(n: &Node<'_>) -> Result<OvfNic, XmlError> {
    Ok(OvfNic {
        name: n.req_text("name")?.to_owned(),
        mac: n.string_at(&["mac", "address"]),
        profile_name: n.string_at(&["vnic_profile", "name"]),
        network_name: n.string_at(&["vnic_profile", "network", "name"]),
        plugged: n.bool_at(&["plugged"])?.unwrap_or(true),
    })
}

fn write_ovf_nics(w: &mut XmlWriter, nics: &[OvfNic]) {
    if nics.is_empty() {
        return;
    }
    w.open("nics", &[]);
    for nic in nics {
        w.open("nic", &[]);
        w.text("name", &nic.name);
        w.bool("plugged", nic.plugged);
        if let Some(mac) = &nic.mac {
            w.open("mac", &[]);
            w.text("address", mac);
            w.close("mac");
        }
        if nic.profile_name.is_some() || nic.network_name.is_some() {
            w.open("vnic_profile", &[]);
            w.opt_text("name", nic.profile_name.as_deref());
            if let Some(network) = &nic.network_name {
                w.open("network", &[]);
                w.text("name", network);
                w.close("network");
            }
            w.close("vnic_profile");
        }
        w.close("nic");
    }
    w.close("nics");
}

/// Image disks and direct LUNs from `disk_attachments/disk_attachment/disk`: a disk with
/// `lun_storage` is a LUN (its LUN id from the first logical unit, else `lun_storage@id`).
fn read_ovf_disks(n: &Node<'_>) -> Result<(Vec<OvfDisk>, Vec<OvfLun>), XmlError> {
    let mut disks = Vec::new();
    let mut luns = Vec::new();
    let Some(attachments) = n.child("disk_attachments") else {
        return Ok((disks, luns));
    };
    for attachment in attachments.children("disk_attachment") {
        let disk = attachment.req_child("disk")?;
        let id = disk.id()?;
        let alias = disk
            .string_of("alias")
            .or_else(|| disk.string_of("name"))
            .unwrap_or_default();
        match disk.child("lun_storage") {
            Some(lun) => {
                let storage = read_lun_storage(&lun)?;
                let lun_id = match lun_id(&lun) {
                    Some(id) => id.to_owned(),
                    None => lun.req_attr("id")?.to_owned(),
                };
                luns.push(OvfLun {
                    disk_id: id,
                    alias,
                    lun_id,
                    storage_type: storage.storage_type,
                });
            }
            None => disks.push(OvfDisk {
                id,
                alias,
                storage_domains: disk.ref_ids("storage_domains", "storage_domain")?,
                provisioned_size: disk.parse_at(&["provisioned_size"])?.unwrap_or(0),
                interface: attachment
                    .enum_at(&["interface"])
                    .unwrap_or(crate::engine::DiskInterface::VirtioScsi),
                bootable: attachment.bool_at(&["bootable"])?.unwrap_or(false),
                active: attachment.bool_at(&["active"])?.unwrap_or(true),
            }),
        }
    }
    Ok((disks, luns))
}

fn write_ovf_disks(w: &mut XmlWriter, disks: &[OvfDisk], luns: &[OvfLun]) {
    if disks.is_empty() && luns.is_empty() {
        return;
    }
    w.open("disk_attachments", &[]);
    for d in disks {
        write_ovf_image_disk(w, d);
    }
    for l in luns {
        write_lun_disk(
            w,
            Some(l.disk_id),
            Some(&l.alias),
            &l.lun_id,
            Some(l.storage_type),
        );
    }
    w.close("disk_attachments");
}

/// An image disk with its attachment's settings, the shape of a followed `disk_attachment`.
fn write_ovf_image_disk(w: &mut XmlWriter, d: &OvfDisk) {
    let id = d.id.to_string();
    w.open("disk_attachment", &[("id", &id)]);
    w.bool("active", d.active);
    w.bool("bootable", d.bootable);
    w.value("interface", d.interface);
    w.open("disk", &[("id", &id)]);
    w.text("alias", &d.alias);
    w.value("provisioned_size", d.provisioned_size);
    w.text("storage_type", "image");
    w.references(
        "storage_domains",
        "storage_domain",
        "storagedomains",
        &d.storage_domains,
    );
    w.close("disk");
    w.close("disk_attachment");
}

/// `<permission>` with `role/name` and the principal as `user/user_name` or `group/name`.
fn read_permission(n: &Node<'_>) -> Result<Permission, XmlError> {
    let principal = match (n.child("user"), n.child("group")) {
        (Some(user), _) => user.req_text("user_name")?.to_owned(),
        (None, Some(group)) => group.req_text("name")?.to_owned(),
        (None, None) => return Err(n.error("a permission needs a <user> or a <group>")),
    };
    Ok(Permission {
        role: n.req_child("role")?.req_text("name")?.to_owned(),
        principal,
    })
}

fn write_permissions(w: &mut XmlWriter, permissions: &[Permission]) {
    if permissions.is_empty() {
        return;
    }
    w.open("permissions", &[]);
    for p in permissions {
        w.open("permission", &[]);
        w.open("role", &[]);
        w.text("name", &p.role);
        w.close("role");
        w.open("user", &[]);
        w.text("user_name", &p.principal);
        w.close("user");
        w.close("permission");
    }
    w.close("permissions");
}

#[cfg(test)]
mod tests;
