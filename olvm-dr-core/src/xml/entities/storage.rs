//! Storage domains (both views), their `<storage>` connection, LUNs, and a host's LUNs.
//!
//! Unknown enumeration values: a domain status reads as `unknown`; a domain type as `image`
//! (an external-provider kind the DR flows never touch); a storage type, NFS version or LUN
//! status as absent; the type of a host's LUN as `fcp` (no portal, so no iSCSI login is tried).

use super::open_entity;
use crate::engine::{
    HostLun, Id, LogicalUnit, StorageConnection, StorageDomain, StorageDomainStatus,
    StorageDomainType, StorageType,
};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter};

impl XmlEntity for StorageDomain {
    const TAG: &'static str = "storage_domain";
    const PLURAL: &'static str = "storage_domains";

    /// `status` is absent for an attached domain in the top-level view; `data_centers` falls
    /// back to the old single `<data_center>` reference.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let status = match n.text_of("status") {
            None => None,
            Some(t) if t.trim().is_empty() => None,
            Some(_) => Some(
                n.enum_at(&["status"])
                    .unwrap_or(StorageDomainStatus::Unknown),
            ),
        };
        let mut data_centers = n.ref_ids("data_centers", "data_center")?;
        if data_centers.is_empty()
            && let Some(dc) = n.ref_id("data_center")?
        {
            data_centers.push(dc);
        }
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            kind: n.req_enum("type", StorageDomainType::Image)?,
            status,
            master: n.flag("master")?,
            data_centers,
            storage: match n.child("storage") {
                Some(s) => read_storage(&s)?,
                None => StorageConnection::default(),
            },
            wipe_after_delete: n.flag("wipe_after_delete")?,
            discard_after_delete: n.flag("discard_after_delete")?,
            backup: n.flag("backup")?,
            critical_space_action_blocker: n
                .parse_at(&["critical_space_action_blocker"])?
                .unwrap_or(0),
            warning_low_space_indicator: n.parse_at(&["warning_low_space_indicator"])?.unwrap_or(0),
            available: n.parse_at(&["available"])?.unwrap_or(0),
            used: n.parse_at(&["used"])?.unwrap_or(0),
            storage_format: n.string_of("storage_format"),
        })
    }

    /// Writes the view the scope names: under `datacenters/{dc}/storagedomains` the
    /// activate/deactivate actions, at the top level the domain-wide ones. The caller decides
    /// which status to show (the top-level view only ever shows `unattached` or none).
    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        if scope.is_nested() {
            w.actions(&href, &["activate", "deactivate"]);
        } else {
            w.actions(
                &href,
                &["isattached", "reduceluns", "refreshluns", "updateovfstore"],
            );
        }
        w.text("name", &self.name);
        w.links(
            &href,
            &[
                "disks",
                "permissions",
                "storageconnections",
                "templates",
                "vms",
            ],
        );
        w.value("available", self.available);
        w.bool("backup", self.backup);
        w.value(
            "critical_space_action_blocker",
            self.critical_space_action_blocker,
        );
        w.bool("discard_after_delete", self.discard_after_delete);
        w.text("external_status", "ok");
        w.bool("master", self.master);
        w.opt_value("status", self.status);
        write_storage(w, &self.storage);
        w.opt_text("storage_format", self.storage_format.as_deref());
        w.value("type", self.kind);
        w.value("used", self.used);
        w.value(
            "warning_low_space_indicator",
            self.warning_low_space_indicator,
        );
        w.bool("wipe_after_delete", self.wipe_after_delete);
        if let Some(first) = self.data_centers.first() {
            w.reference("data_center", "datacenters", first);
            w.references(
                "data_centers",
                "data_center",
                "datacenters",
                &self.data_centers,
            );
        }
        w.close(Self::TAG);
    }
}

/// Reads a `<storage>` element. LUNs are found under `volume_group/logical_units` (how the
/// Engine shows a block domain) or directly under `logical_units` (how requests give them).
pub(crate) fn read_storage(n: &Node<'_>) -> Result<StorageConnection, XmlError> {
    read_storage_using(n, |lu| read_logical_unit(lu).map(Some))
}

/// Reads the `<storage>` of a request body, where a `<logical_unit>` may come without its id:
/// the Ansible `ovirt_storage_domain` module sends the iSCSI address, port and target (and for
/// FCP only a port) of an import that way. Such units are left out: an import reads no LUN from
/// the body (`BackendStorageDomainsResource.addExistingSAN` finds the domain's LUNs on the
/// host), and a unit without an id names no LUN.
pub(crate) fn read_request_storage(n: &Node<'_>) -> Result<StorageConnection, XmlError> {
    read_storage_using(n, |lu| {
        if lu.attr("id").is_some_and(|id| !id.is_empty()) {
            read_logical_unit(lu).map(Some)
        } else {
            Ok(None)
        }
    })
}

fn read_storage_using(
    n: &Node<'_>,
    mut read_unit: impl FnMut(&Node<'_>) -> Result<Option<LogicalUnit>, XmlError>,
) -> Result<StorageConnection, XmlError> {
    let mut logical_units = Vec::new();
    let volume_group = match n.child("volume_group") {
        Some(vg) => {
            logical_units = vg.list("logical_units", "logical_unit", &mut read_unit)?;
            vg.attr("id").map(str::to_owned)
        }
        None => None,
    };
    if logical_units.iter().all(Option::is_none) {
        logical_units = n.list("logical_units", "logical_unit", &mut read_unit)?;
    }
    let logical_units = logical_units.into_iter().flatten().collect();
    Ok(StorageConnection {
        storage_type: n.enum_at(&["type"]),
        address: n.string_of("address"),
        path: n.string_of("path"),
        vfs_type: n.string_of("vfs_type"),
        mount_options: n.string_of("mount_options"),
        nfs_version: n.enum_at(&["nfs_version"]),
        volume_group,
        logical_units,
    })
}

/// Writes a `<storage>` element; LUNs go inside `volume_group` when there is one.
pub(crate) fn write_storage(w: &mut XmlWriter, s: &StorageConnection) {
    w.open("storage", &[]);
    w.opt_text("address", s.address.as_deref());
    w.opt_text("mount_options", s.mount_options.as_deref());
    w.opt_value("nfs_version", s.nfs_version);
    w.opt_text("path", s.path.as_deref());
    w.opt_value("type", s.storage_type);
    w.opt_text("vfs_type", s.vfs_type.as_deref());
    let write_luns = |w: &mut XmlWriter| {
        w.open("logical_units", &[]);
        for lu in &s.logical_units {
            write_logical_unit(w, lu, None);
        }
        w.close("logical_units");
    };
    match &s.volume_group {
        Some(vg) => {
            w.open("volume_group", &[("id", vg)]);
            write_luns(w);
            w.close("volume_group");
        }
        None if !s.logical_units.is_empty() => write_luns(w),
        None => {}
    }
    w.close("storage");
}

/// Reads a `<logical_unit id="...">`. The id is required; a `storage_domain_id` that is empty
/// counts as absent.
pub(crate) fn read_logical_unit(n: &Node<'_>) -> Result<LogicalUnit, XmlError> {
    let storage_domain = match n.string_of("storage_domain_id") {
        Some(t) => Some(t.parse::<Id>().map_err(|e| {
            XmlError::new(format!("{}/storage_domain_id", n.path()), e.to_string())
        })?),
        None => None,
    };
    Ok(LogicalUnit {
        id: n.req_attr("id")?.to_owned(),
        address: n.string_of("address"),
        port: n.parse_at(&["port"])?,
        portal: n.string_of("portal"),
        target: n.string_of("target"),
        username: n.string_of("username"),
        size: n.parse_at(&["size"])?,
        status: n.enum_at(&["status"]),
        storage_domain,
        volume_group: n.string_of("volume_group_id"),
        serial: n.string_of("serial"),
        vendor_id: n.string_of("vendor_id"),
        product_id: n.string_of("product_id"),
        lun_mapping: n.parse_at(&["lun_mapping"])?,
        paths: n.parse_at(&["paths"])?,
        active_paths: n.parse_at(&["active_paths"])?,
        disk: match n.string_of("disk_id") {
            Some(t) => Some(
                t.parse::<Id>()
                    .map_err(|e| XmlError::new(format!("{}/disk_id", n.path()), e.to_string()))?,
            ),
            None => None,
        },
        discard_max_size: n.parse_at(&["discard_max_size"])?,
        discard_zeroes_data: n.bool_at(&["discard_zeroes_data"])?,
    })
}

/// Writes a `<logical_unit>`; `password` only in request bodies (LUN mappings).
pub(crate) fn write_logical_unit(w: &mut XmlWriter, lu: &LogicalUnit, password: Option<&str>) {
    w.open("logical_unit", &[("id", &lu.id)]);
    w.opt_value("active_paths", lu.active_paths);
    w.opt_text("address", lu.address.as_deref());
    w.opt_value("discard_max_size", lu.discard_max_size);
    w.opt_bool("discard_zeroes_data", lu.discard_zeroes_data);
    w.opt_value("disk_id", lu.disk);
    w.opt_value("lun_mapping", lu.lun_mapping);
    w.opt_text("password", password);
    w.opt_value("paths", lu.paths);
    w.opt_value("port", lu.port);
    w.opt_text("portal", lu.portal.as_deref());
    w.opt_text("product_id", lu.product_id.as_deref());
    w.opt_text("serial", lu.serial.as_deref());
    w.opt_value("size", lu.size);
    w.opt_value("status", lu.status);
    w.opt_value("storage_domain_id", lu.storage_domain);
    w.opt_text("target", lu.target.as_deref());
    w.opt_text("username", lu.username.as_deref());
    w.opt_text("vendor_id", lu.vendor_id.as_deref());
    w.opt_text("volume_group_id", lu.volume_group.as_deref());
    w.close("logical_unit");
}

impl XmlEntity for HostLun {
    const TAG: &'static str = "host_storage";
    const PLURAL: &'static str = "host_storages";

    /// The LUN facts come from the first `logical_units/logical_unit`; without one, only the
    /// id is known.
    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        let id = n.req_attr("id")?.to_owned();
        let mut units = n.list("logical_units", "logical_unit", read_logical_unit)?;
        let logical_unit = if units.is_empty() {
            LogicalUnit {
                id: id.clone(),
                ..LogicalUnit::default()
            }
        } else {
            units.swap_remove(0)
        };
        Ok(Self {
            id,
            storage_type: n.req_enum("type", StorageType::Fcp)?,
            logical_unit,
            host: n.ref_id("host")?,
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(&self.id);
        open_entity(w, Self::TAG, &href, &self.id);
        w.open("logical_units", &[]);
        write_logical_unit(w, &self.logical_unit, None);
        w.close("logical_units");
        w.value("type", self.storage_type);
        if let Some(h) = self.host {
            w.reference("host", "hosts", h);
        }
        w.close(Self::TAG);
    }
}

#[cfg(test)]
mod tests;
