//! A VM's disk attachments (`GET /vms/{id}/diskattachments?follow=disk`): the attachment's
//! settings (`active`, `bootable`, `interface`, ...) with the disk inlined. The Engine gives an
//! attachment the id of its disk (`DiskAttachmentMapper`), and inlines the whole disk when the
//! request follows `disk`; without `follow` the disk is a bare reference, which reads as an
//! error here because the DR flows need the disk's domains.

use super::disk::{read_lun_storage, write_lun_storage};
use super::open_entity;
use crate::engine::{DiskAttachment, DiskInterface, Id, LogicalUnit, LunStorage};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

impl XmlEntity for DiskAttachment {
    const TAG: &'static str = "disk_attachment";
    const PLURAL: &'static str = "disk_attachments";

    /// A missing `active` reads as `true`, a missing `bootable` as `false` and a missing or
    /// unknown `interface` as `virtio_scsi` (the Engine's defaults for a new attachment).
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let disk = n.req_child("disk")?;
        let alias = match disk.string_of("alias") {
            Some(a) => a,
            None => disk.req_text("name")?.to_owned(),
        };
        let lun = match disk.child("lun_storage") {
            Some(l) => Some(read_lun_storage(&l)?),
            None => None,
        };
        let lun_id = lun
            .as_ref()
            .and_then(|l| l.logical_units.first())
            .map(|l| l.id.clone());
        let lun_size = lun
            .as_ref()
            .and_then(|l| l.logical_units.first())
            .and_then(|l| l.size);
        Ok(Self {
            disk: disk.id()?,
            alias,
            storage_domains: disk.ref_ids("storage_domains", "storage_domain")?,
            lun_id,
            provisioned_size: disk
                .parse_at(&["provisioned_size"])?
                .or(lun_size)
                .unwrap_or(0),
            interface: n
                .enum_at(&["interface"])
                .unwrap_or(DiskInterface::VirtioScsi),
            bootable: n.bool_at(&["bootable"])?.unwrap_or(false),
            active: n.bool_at(&["active"])?.unwrap_or(true),
        })
    }

    /// `scope` is the VM's collection, `vms/{vm}/diskattachments`; the disk is always inlined.
    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let owner = match scope.collection().split('/').collect::<Vec<_>>()[..] {
            ["vms", vm, "diskattachments"] => vm.parse().ok().map(Owner::Vm),
            ["templates", t, "diskattachments"] => t.parse().ok().map(Owner::Template),
            _ => None,
        };
        write_disk_attachment(w, self, &scope.href(self.disk), owner);
    }
}

/// The VM or template an attachment belongs to.
#[derive(Debug, Clone, Copy)]
pub(super) enum Owner {
    /// `<vm>` (`DiskAttachmentMapper`).
    Vm(Id),
    /// `<template>` (`BackendTemplateDiskAttachmentsResource`).
    Template(Id),
}

/// Writes one attachment with its disk inlined, the way `DiskAttachmentMapper` maps a
/// `DiskVmElement`: the attachment's id is its disk's id, its `href` is `href` (below the
/// owner's `diskattachments`), and `owner` adds the reference to the VM or template it belongs
/// to. The fake knows no guest device names, so `logical_name` (which the Engine has only from
/// a running guest agent) is not written.
pub(super) fn write_disk_attachment(
    w: &mut XmlWriter,
    a: &DiskAttachment,
    href: &str,
    owner: Option<Owner>,
) {
    let id = a.disk.to_string();
    open_entity(w, DiskAttachment::TAG, href, &id);
    w.bool("active", a.active);
    w.bool("bootable", a.bootable);
    w.value("interface", a.interface);
    w.bool("pass_discard", false);
    w.bool("read_only", false);
    w.bool("uses_scsi_reservation", false);
    open_entity(w, "disk", &format!("/ovirt-engine/api/disks/{id}"), &id);
    w.text("alias", &a.alias);
    w.text("name", &a.alias);
    match &a.lun_id {
        Some(lun_id) => {
            w.value("storage_type", "lun");
            write_lun_storage(
                w,
                &LunStorage {
                    storage_type: crate::engine::StorageType::Fcp,
                    logical_units: vec![LogicalUnit {
                        id: lun_id.clone(),
                        size: Some(a.provisioned_size),
                        ..LogicalUnit::default()
                    }],
                },
            );
        }
        None => {
            w.value("provisioned_size", a.provisioned_size);
            w.value("storage_type", "image");
            w.references(
                "storage_domains",
                "storage_domain",
                "storagedomains",
                &a.storage_domains,
            );
        }
    }
    w.close("disk");
    match owner {
        Some(Owner::Vm(id)) => w.reference("vm", "vms", id),
        Some(Owner::Template(id)) => w.reference("template", "templates", id),
        None => {}
    }
    w.close(DiskAttachment::TAG);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{read_list, write_list};

    #[test]
    fn image_and_lun_attachments_round_trip() {
        let items = vec![
            DiskAttachment {
                disk: Id::from_u128(1),
                alias: "vm1-disk1".into(),
                storage_domains: vec![Id::from_u128(7)],
                lun_id: None,
                provisioned_size: 10 << 30,
                interface: DiskInterface::Virtio,
                bootable: true,
                active: true,
            },
            DiskAttachment {
                disk: Id::from_u128(2),
                alias: "vm1-asm".into(),
                storage_domains: vec![],
                lun_id: Some("3600a0b8".into()),
                provisioned_size: 50 << 30,
                interface: DiskInterface::VirtioScsi,
                bootable: false,
                active: false,
            },
        ];
        let xml = write_list(
            &items,
            &Scope::new(format!("vms/{}/diskattachments", Id::from_u128(9))),
        );
        assert!(
            xml.contains(r#"<disk_attachment href="/ovirt-engine/api/vms/"#),
            "{xml}"
        );
        let vm_ref = format!(
            r#"<vm href="/ovirt-engine/api/vms/{0}" id="{0}"/>"#,
            Id::from_u128(9)
        );
        assert_eq!(xml.matches(&vm_ref).count(), 2, "{xml}");
        assert_eq!(read_list::<DiskAttachment>(&xml).unwrap(), items);
    }

    #[test]
    fn engine_defaults_for_missing_settings_and_a_bare_disk_is_an_error() {
        let xml = r#"<disk_attachments><disk_attachment id="00000000-0000-0000-0000-000000000001">
            <disk id="00000000-0000-0000-0000-000000000001"><alias>a</alias></disk>
        </disk_attachment></disk_attachments>"#;
        let a = &read_list::<DiskAttachment>(xml).unwrap()[0];
        assert!(a.active && !a.bootable);
        assert_eq!(a.interface, DiskInterface::VirtioScsi);
        let bare = r#"<disk_attachments><disk_attachment id="00000000-0000-0000-0000-000000000001">
            <disk href="/ovirt-engine/api/disks/1" id="00000000-0000-0000-0000-000000000001"/>
        </disk_attachment></disk_attachments>"#;
        assert!(read_list::<DiskAttachment>(bare).is_err());
    }
}
