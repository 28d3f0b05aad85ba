//! Request bodies posted to collections: importing a storage domain (`POST /storagedomains`)
//! and attaching one to a data center (`POST /datacenters/{dc}/storagedomains`).

use super::entities::{read_request_storage, write_storage};
use super::{Node, XmlError, XmlWriter, expect_root, parse};
use crate::engine::{EntityRef, Id, ImportStorageDomain, StorageConnection, StorageDomainType};

/// A `<storage_domain>` posted to `/storagedomains`, as a server receives it: the host may be
/// named instead of given by id, and nothing is checked yet (the Engine answers 400
/// `Incomplete parameters` for a missing host, type or storage type, which is the server's job).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageDomainAdd {
    /// `id` attribute (block imports).
    pub id: Option<Id>,
    /// `import`: `true` makes a block-domain add an import instead of a creation.
    pub import: bool,
    /// `name`.
    pub name: Option<String>,
    /// `type` (the domain's function).
    pub kind: Option<StorageDomainType>,
    /// `host`, by id or name.
    pub host: Option<EntityRef>,
    /// `storage`.
    pub storage: StorageConnection,
    /// `wipe_after_delete`.
    pub wipe_after_delete: Option<bool>,
    /// `discard_after_delete`.
    pub discard_after_delete: Option<bool>,
    /// `backup`.
    pub backup: Option<bool>,
    /// `critical_space_action_blocker`.
    pub critical_space_action_blocker: Option<u32>,
    /// `warning_low_space_indicator`.
    pub warning_low_space_indicator: Option<u32>,
    /// `storage/@id`: an existing storage connection to import through.
    pub connection: Option<Id>,
}

impl StorageDomainAdd {
    /// The import body for `request`. Block types get `<import>true</import>`, without which
    /// the Engine would create (format) a new domain on the LUNs; file types do not need it
    /// (the Engine switches to an import when it finds a domain at the path).
    pub fn import(request: &ImportStorageDomain) -> Self {
        let block = request.storage.storage_type.is_some_and(|t| t.is_block());
        Self {
            id: request.id,
            import: block,
            name: request.name.clone(),
            kind: Some(request.kind),
            host: Some(EntityRef::Id(request.host)),
            storage: request.storage.clone(),
            wipe_after_delete: request.wipe_after_delete,
            discard_after_delete: request.discard_after_delete,
            backup: request.backup,
            critical_space_action_blocker: request.critical_space_action_blocker,
            warning_low_space_indicator: request.warning_low_space_indicator,
            connection: request.connection,
        }
    }

    /// Writes the body.
    pub fn write(&self) -> String {
        let mut w = XmlWriter::document();
        match self.id {
            Some(id) => w.open("storage_domain", &[("id", &id.to_string())]),
            None => w.open("storage_domain", &[]),
        }
        w.opt_bool("backup", self.backup);
        w.opt_value(
            "critical_space_action_blocker",
            self.critical_space_action_blocker,
        );
        w.opt_bool("discard_after_delete", self.discard_after_delete);
        if self.import {
            w.bool("import", true);
        }
        w.opt_text("name", self.name.as_deref());
        match self.connection {
            // The Engine takes the export from the connection (`BackendStorageDomainsResource.add`).
            Some(c) => w.empty("storage", &[("id", &c.to_string())]),
            None => write_storage(&mut w, &self.storage),
        }
        w.opt_value("type", self.kind);
        w.opt_value(
            "warning_low_space_indicator",
            self.warning_low_space_indicator,
        );
        w.opt_bool("wipe_after_delete", self.wipe_after_delete);
        match &self.host {
            Some(EntityRef::Id(id)) => w.empty("host", &[("id", &id.to_string())]),
            Some(EntityRef::Name(name)) => {
                w.open("host", &[]);
                w.text("name", name);
                w.close("host");
            }
            None => {}
        }
        w.close("storage_domain");
        w.finish()
    }

    /// Reads the body. Unknown enumeration values read as absent, like missing ones.
    pub fn read(text: &str) -> Result<Self, XmlError> {
        let root = parse(text)?;
        expect_root(&root, "storage_domain")?;
        let n = Node::root(&root);
        Ok(Self {
            id: n.opt_id()?,
            import: n.flag("import")?,
            name: n.string_of("name"),
            kind: n.enum_at(&["type"]),
            host: match n.child("host") {
                Some(h) => Some(read_ref(&h)?),
                None => None,
            },
            storage: match n.child("storage") {
                Some(s) => read_request_storage(&s)?,
                None => StorageConnection::default(),
            },
            wipe_after_delete: n.bool_at(&["wipe_after_delete"])?,
            discard_after_delete: n.bool_at(&["discard_after_delete"])?,
            backup: n.bool_at(&["backup"])?,
            critical_space_action_blocker: n.parse_at(&["critical_space_action_blocker"])?,
            warning_low_space_indicator: n.parse_at(&["warning_low_space_indicator"])?,
            connection: match n.child("storage") {
                Some(s) => s.opt_id()?,
                None => None,
            },
        })
    }
}

/// The attach body: `<storage_domain id="…"/>`.
pub fn write_attach(sd: Id) -> String {
    let mut w = XmlWriter::document();
    w.empty("storage_domain", &[("id", &sd.to_string())]);
    w.finish()
}

/// Reads an attach body: the domain by id, or by `name`.
pub fn read_attach(text: &str) -> Result<EntityRef, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "storage_domain")?;
    read_ref(&Node::root(&root))
}

/// An entity given by `id` attribute or by `<name>`.
fn read_ref(n: &Node<'_>) -> Result<EntityRef, XmlError> {
    match n.opt_id()? {
        Some(id) => Ok(EntityRef::Id(id)),
        None => match n.string_of("name") {
            Some(name) => Ok(EntityRef::Name(name)),
            None => Err(n.error("needs an id attribute or a <name>")),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{LogicalUnit, NfsVersion, StorageType};

    #[test]
    fn reference_iscsi_import_body() {
        let text = r#"<storage_domain id="00000000-0000-0000-0000-0000000000a2">
          <import>true</import><name>dr_data_iscsi</name><type>data</type>
          <host><name>hv1.site-b</name></host><storage><type>iscsi</type></storage>
        </storage_domain>"#;
        let add = StorageDomainAdd::read(text).unwrap();
        assert!(add.import);
        assert_eq!(add.id, Some(Id::from_u128(0xa2)));
        assert_eq!(add.host, Some(EntityRef::Name("hv1.site-b".into())));
        assert_eq!(add.kind, Some(StorageDomainType::Data));
        assert_eq!(add.storage.storage_type, Some(StorageType::Iscsi));
        assert_eq!(StorageDomainAdd::read(&add.write()).unwrap(), add);
    }

    #[test]
    fn import_requests_set_the_flag_for_block_types_only() {
        let nfs = ImportStorageDomain {
            id: None,
            name: Some("dr_data_nfs".into()),
            kind: StorageDomainType::Data,
            host: Id::from_u128(4),
            storage: StorageConnection {
                storage_type: Some(StorageType::Nfs),
                address: Some("nfs2".into()),
                path: Some("/exports/dr".into()),
                nfs_version: Some(NfsVersion::V4_1),
                ..StorageConnection::default()
            },
            wipe_after_delete: Some(true),
            discard_after_delete: None,
            backup: Some(false),
            critical_space_action_blocker: Some(5),
            warning_low_space_indicator: Some(10),
            connection: None,
        };
        let add = StorageDomainAdd::import(&nfs);
        assert!(!add.import);
        assert_eq!(StorageDomainAdd::read(&add.write()).unwrap(), add);
        let fc = ImportStorageDomain {
            id: Some(Id::from_u128(0xa3)),
            storage: StorageConnection {
                storage_type: Some(StorageType::Fcp),
                logical_units: vec![LogicalUnit {
                    id: "3600a".into(),
                    ..LogicalUnit::default()
                }],
                ..StorageConnection::default()
            },
            ..nfs
        };
        let add = StorageDomainAdd::import(&fc);
        assert!(add.import && add.write().contains("<import>true</import>"));
        assert_eq!(StorageDomainAdd::read(&add.write()).unwrap(), add);
    }

    #[test]
    fn import_bodies_may_give_logical_units_without_ids() {
        // What `ovirt_storage_domain` (state: imported) sends: the iSCSI connection without a
        // LUN id, an empty password; for FCP a bare port.
        let iscsi = r#"<storage_domain id="00000000-0000-0000-0000-0000000000a2">
          <import>true</import><name></name><type>data</type><host><name>hv1</name></host>
          <storage><type>iscsi</type><logical_units><logical_unit>
            <address>10.0.0.5</address><password></password><port>3260</port>
            <target>iqn.2026-01.lab:a</target><username></username>
          </logical_unit></logical_units></storage></storage_domain>"#;
        let add = StorageDomainAdd::read(iscsi).unwrap();
        assert_eq!(add.storage.storage_type, Some(StorageType::Iscsi));
        assert!(add.storage.logical_units.is_empty());
        let fcp = r#"<storage_domain id="00000000-0000-0000-0000-0000000000a3">
          <import>true</import><type>data</type><host><name>hv1</name></host>
          <storage><type>fcp</type><logical_units><logical_unit><port>3260</port></logical_unit>
          <logical_unit id="3600b"/></logical_units></storage></storage_domain>"#;
        let add = StorageDomainAdd::read(fcp).unwrap();
        let ids: Vec<_> = add.storage.logical_units.iter().map(|l| &l.id).collect();
        assert_eq!(ids, ["3600b"]);
    }

    #[test]
    fn attach_bodies() {
        let sd = Id::from_u128(0xa2);
        assert_eq!(read_attach(&write_attach(sd)).unwrap(), EntityRef::Id(sd));
        assert_eq!(
            read_attach("<storage_domain><name>x</name></storage_domain>").unwrap(),
            EntityRef::Name("x".into())
        );
        assert!(read_attach("<storage_domain/>").is_err());
    }
}
