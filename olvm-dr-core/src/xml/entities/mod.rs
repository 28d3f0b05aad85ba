//! [`XmlEntity`](super::XmlEntity) implementations for the entity model, grouped by family,
//! plus the small shapes several of them share.

mod access;
mod api;
mod attachments;
mod disk;
mod disk_attachment;
mod inventory;
mod storage;
mod tag;
mod template;
mod unregistered;
mod vm;
mod vm_base;

pub use api::{read_api, write_api};
pub(crate) use storage::{
    read_logical_unit, read_request_storage, write_logical_unit, write_storage,
};
pub use tag::{TagRef, read_tag_add, read_tag_assign, write_tag_add, write_tag_assign};
pub use vm::write_snapshots;

use super::{Node, XmlError, XmlWriter};
use crate::engine::{HighAvailability, Version};

/// `<version><major/><minor/></version>` below `node`, both numbers required.
fn read_version(node: &Node<'_>, name: &str) -> Result<Version, XmlError> {
    let v = node.req_child(name)?;
    let major = v.parse_at(&["major"])?;
    let minor = v.parse_at(&["minor"])?;
    match (major, minor) {
        (Some(major), Some(minor)) => Ok(Version::new(major, minor)),
        (None, _) => Err(XmlError::new(
            format!("{}/major", v.path()),
            "required element is missing",
        )),
        (_, None) => Err(XmlError::new(
            format!("{}/minor", v.path()),
            "required element is missing",
        )),
    }
}

fn write_version(w: &mut XmlWriter, version: Version) {
    w.open("version", &[]);
    w.value("major", version.major);
    w.value("minor", version.minor);
    w.close("version");
}

/// Logical CPUs from `cpu/topology`: sockets x cores x threads, a missing factor counting as 1;
/// 0 when there is no topology at all.
fn read_cpu_count(node: &Node<'_>) -> Result<u32, XmlError> {
    if node.descend(&["cpu", "topology"]).is_none() {
        return Ok(0);
    }
    let mut total: u32 = 1;
    for part in ["sockets", "cores", "threads"] {
        let n: Option<u32> = node.parse_at(&["cpu", "topology", part])?;
        total = total.saturating_mul(n.unwrap_or(1));
    }
    Ok(total)
}

/// Writes `count` logical CPUs as one socket of `count` single-thread cores.
fn write_cpu_count(w: &mut XmlWriter, count: u32) {
    w.open("topology", &[]);
    w.value("cores", count);
    w.value("sockets", 1);
    w.value("threads", 1);
    w.close("topology");
}

fn read_high_availability(node: &Node<'_>) -> Result<HighAvailability, XmlError> {
    Ok(HighAvailability {
        enabled: node
            .bool_at(&["high_availability", "enabled"])?
            .unwrap_or(false),
        priority: node
            .parse_at(&["high_availability", "priority"])?
            .unwrap_or(0),
    })
}

fn write_high_availability(w: &mut XmlWriter, ha: HighAvailability) {
    w.open("high_availability", &[]);
    w.bool("enabled", ha.enabled);
    w.value("priority", ha.priority);
    w.close("high_availability");
}

/// Opens an entity element with the Engine's attribute order (`href`, then `id`).
fn open_entity(w: &mut XmlWriter, tag: &str, href: &str, id: &str) {
    w.open(tag, &[("href", href), ("id", id)]);
}
