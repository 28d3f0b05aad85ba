//! Disk attachments as a VM's followed `disk_attachments` shows them, shared by registered and
//! unregistered VMs: an image disk names the domains holding it, a direct-LUN disk its LUN.

use crate::engine::{Id, StorageType};
use crate::xml::{Node, XmlWriter};

/// `<disk_attachment><disk [id]>[alias]<storage_type>image</storage_type><storage_domains>…`.
pub(super) fn write_image_disk(
    w: &mut XmlWriter,
    id: Option<Id>,
    alias: Option<&str>,
    domains: &[Id],
) {
    open_disk(w, id, alias, "image");
    w.references(
        "storage_domains",
        "storage_domain",
        "storagedomains",
        domains,
    );
    close_disk(w);
}

/// `<disk_attachment><disk [id]>[alias]<storage_type>lun</storage_type><lun_storage id>…`.
pub(super) fn write_lun_disk(
    w: &mut XmlWriter,
    id: Option<Id>,
    alias: Option<&str>,
    lun_id: &str,
    storage_type: Option<StorageType>,
) {
    open_disk(w, id, alias, "lun");
    w.open("lun_storage", &[("id", lun_id)]);
    w.opt_value("type", storage_type);
    w.open("logical_units", &[]);
    w.empty("logical_unit", &[("id", lun_id)]);
    w.close("logical_units");
    w.close("lun_storage");
    close_disk(w);
}

fn open_disk(w: &mut XmlWriter, id: Option<Id>, alias: Option<&str>, storage_type: &str) {
    w.open("disk_attachment", &[]);
    match id {
        Some(id) => w.open("disk", &[("id", &id.to_string())]),
        None => w.open("disk", &[]),
    }
    w.opt_text("alias", alias);
    w.text("storage_type", storage_type);
}

fn close_disk(w: &mut XmlWriter) {
    w.close("disk");
    w.close("disk_attachment");
}

/// The LUN id of a `<lun_storage>`: its first logical unit's, else its own `id`.
pub(super) fn lun_id<'a>(lun: &Node<'a>) -> Option<&'a str> {
    match lun.descend(&["logical_units", "logical_unit"]) {
        Some(lu) => lu.attr("id"),
        None => lun.attr("id"),
    }
}
