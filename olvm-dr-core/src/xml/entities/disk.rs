//! Disks: images (OVF_STORE ones included) and direct LUNs with their `lun_storage`.
//!
//! Missing and unknown values: a missing `status` reads as `ok` (the Engine shows none for
//! direct-LUN disks), an unknown one as `locked` (not usable as far as this crate can tell); a
//! missing or unknown `storage_type` as `image` and `content_type` as `data` (the Engine's
//! defaults); an unknown LUN storage type as `fcp`. A disk's `vms` are only listed by Engines
//! that inline them (single-disk reads); otherwise they read as empty.

use super::{open_entity, read_logical_unit, write_logical_unit};
use crate::engine::{Disk, DiskContentType, DiskStatus, DiskStorageType, LunStorage, StorageType};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

impl XmlEntity for Disk {
    const TAG: &'static str = "disk";
    const PLURAL: &'static str = "disks";

    /// The alias is required; the older `name` is accepted in its place.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let alias = match n.string_of("alias") {
            Some(a) => a,
            None => n.req_text("name")?.to_owned(),
        };
        let status = match n.text_of("status") {
            None => DiskStatus::Ok,
            Some(_) => n.enum_at(&["status"]).unwrap_or(DiskStatus::Locked),
        };
        Ok(Self {
            id: n.id()?,
            alias,
            description: n.string_of("description"),
            status,
            storage_type: n
                .enum_at(&["storage_type"])
                .unwrap_or(DiskStorageType::Image),
            content_type: n
                .enum_at(&["content_type"])
                .unwrap_or(DiskContentType::Data),
            shareable: n.flag("shareable")?,
            wipe_after_delete: n.flag("wipe_after_delete")?,
            storage_domains: n.ref_ids("storage_domains", "storage_domain")?,
            lun_storage: match n.child("lun_storage") {
                Some(l) => Some(read_lun_storage(&l)?),
                None => None,
            },
            vms: n.ref_ids("vms", "vm")?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.actions(&href, &["copy", "export", "move", "refreshlun", "sparsify"]);
        w.text("alias", &self.alias);
        w.text("name", &self.alias);
        w.opt_text("description", self.description.as_deref());
        w.links(&href, &["permissions", "statistics"]);
        w.value("content_type", self.content_type);
        w.bool("propagate_errors", false);
        w.bool("shareable", self.shareable);
        w.value("status", self.status);
        w.value("storage_type", self.storage_type);
        w.bool("wipe_after_delete", self.wipe_after_delete);
        if let Some(lun) = &self.lun_storage {
            write_lun_storage(w, lun);
        }
        if !self.storage_domains.is_empty() {
            w.references(
                "storage_domains",
                "storage_domain",
                "storagedomains",
                &self.storage_domains,
            );
        }
        if !self.vms.is_empty() {
            w.references("vms", "vm", "vms", &self.vms);
        }
        w.close(Self::TAG);
    }
}

/// Reads `<lun_storage>`: its `type` (unknown or missing: `fcp`) and `logical_units`.
pub(super) fn read_lun_storage(n: &Node<'_>) -> Result<LunStorage, XmlError> {
    Ok(LunStorage {
        storage_type: n.enum_at(&["type"]).unwrap_or(StorageType::Fcp),
        logical_units: n.list("logical_units", "logical_unit", read_logical_unit)?,
    })
}

/// Writes `<lun_storage id="{first LUN}">` as the Engine does (its id is the LUN's).
pub(super) fn write_lun_storage(w: &mut XmlWriter, lun: &LunStorage) {
    match lun.logical_units.first() {
        Some(first) => w.open("lun_storage", &[("id", &first.id)]),
        None => w.open("lun_storage", &[]),
    }
    w.value("type", lun.storage_type);
    w.open("logical_units", &[]);
    for lu in &lun.logical_units {
        write_logical_unit(w, lu, None);
    }
    w.close("logical_units");
    w.close("lun_storage");
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Id, LogicalUnit};
    use crate::xml::{read_list, read_one, write_list, write_one};

    fn id(n: u128) -> Id {
        Id::from_u128(n)
    }

    /// Reference §2.3, a direct-LUN disk.
    const LUN_DISK: &str = r#"<disks><disk href="/ovirt-engine/api/disks/D1" id="00000000-0000-0000-0000-0000000000b1">
      <alias>oracle-asm-1</alias><name>oracle-asm-1</name>
      <shareable>true</shareable><propagate_errors>false</propagate_errors><sgio>unfiltered</sgio>
      <status>ok</status>
      <storage_type>lun</storage_type>
      <lun_storage id="36001405bb">
        <type>iscsi</type>
        <logical_units>
          <logical_unit id="36001405bb">
            <address>10.0.1.20</address><port>3260</port><portal>10.0.1.20:3260,1</portal><target>iqn.2026-01.example:asm</target>
            <lun_mapping>3</lun_mapping><paths>0</paths><size>53687091200</size><vendor_id>LIO-ORG</vendor_id>
          </logical_unit>
        </logical_units>
      </lun_storage>
    </disk></disks>"#;

    #[test]
    fn lun_disk_sample_and_round_trip() {
        let disks: Vec<Disk> = read_list(LUN_DISK).unwrap();
        let d = &disks[0];
        assert_eq!(d.alias, "oracle-asm-1");
        assert!(d.shareable);
        assert_eq!(d.storage_type, DiskStorageType::Lun);
        assert_eq!(d.content_type, DiskContentType::Data);
        let lun = d.lun_storage.as_ref().unwrap();
        assert_eq!(lun.storage_type, StorageType::Iscsi);
        assert_eq!(lun.logical_units[0].id, "36001405bb");
        assert_eq!(lun.logical_units[0].size, Some(53_687_091_200));
        assert!(d.storage_domains.is_empty());
        assert_eq!(
            read_list::<Disk>(&write_list(&disks, &Scope::new("disks"))).unwrap(),
            disks
        );
    }

    #[test]
    fn ovf_store_image_disk_round_trip() {
        let d = Disk {
            id: id(1),
            alias: "OVF_STORE".into(),
            description: Some(r#"{"Updated":true,"Last Updated":"Thu Jan 01"}"#.into()),
            status: DiskStatus::Ok,
            storage_type: DiskStorageType::Image,
            content_type: DiskContentType::OvfStore,
            shareable: false,
            wipe_after_delete: false,
            storage_domains: vec![id(2)],
            lun_storage: None,
            vms: vec![id(3)],
        };
        let scope = Scope::new(format!("storagedomains/{}/disks", id(2)));
        assert_eq!(read_one::<Disk>(&write_one(&d, &scope)).unwrap(), d);
        let lun = Disk {
            storage_type: DiskStorageType::Lun,
            storage_domains: vec![],
            lun_storage: Some(LunStorage {
                storage_type: StorageType::Fcp,
                logical_units: vec![LogicalUnit {
                    id: "3600a".into(),
                    ..LogicalUnit::default()
                }],
            }),
            ..d
        };
        assert_eq!(read_one::<Disk>(&write_one(&lun, &scope)).unwrap(), lun);
    }

    #[test]
    fn lenient_defaults() {
        let xml = r#"<disk id="00000000-0000-0000-0000-0000000000b1"><name>old</name><status>frozen</status></disk>"#;
        let d: Disk = read_one(xml).unwrap();
        assert_eq!(d.alias, "old");
        assert_eq!(d.status, DiskStatus::Locked);
        assert_eq!(d.storage_type, DiskStorageType::Image);
        let no_status = r#"<disk id="00000000-0000-0000-0000-0000000000b1"><alias>l</alias><storage_type>lun</storage_type></disk>"#;
        assert_eq!(read_one::<Disk>(no_status).unwrap().status, DiskStatus::Ok);
        let e =
            read_one::<Disk>(r#"<disk id="00000000-0000-0000-0000-0000000000b1"/>"#).unwrap_err();
        assert_eq!(e.path, "disk/name");
    }
}
