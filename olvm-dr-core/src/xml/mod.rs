//! The Engine's XML representation (REST API v4), both directions.
//!
//! The same codec serves the REST client (read entities, write requests) and a simulated Engine
//! (read requests, write entities), so each shape is written exactly as the Engine writes it and
//! read as leniently as the official SDK reads it:
//!
//! - a single entity is its singular tag (`<vm>`), a collection the plural (`<vms>`); only `id`
//!   and `href` are attributes; hrefs are absolute (`/ovirt-engine/api/...`);
//! - unknown elements are ignored at every depth;
//! - a missing required value is an [`XmlError`] naming its path (`vms/vm[3]/name`);
//! - booleans are read as `true`/`false`/`1`/`0` in any case, written as `true`/`false`;
//! - an enumeration value this crate does not know never fails a listing: each reader
//!   documents the fallback it uses.
//!
//! Entry points: [`read_one`], [`read_list`], [`write_one`], [`write_list`] for entities
//! ([`XmlEntity`]); [`read_api`] / [`write_api`] for the API root; [`actions`] and
//! [`registration`] for `<action>` bodies and answers; [`fault`] for errors; [`requests`] for
//! the bodies of imports and attaches.

pub mod actions;
pub mod datetime;
pub mod dom;
mod entities;
pub mod fault;
pub mod guest;
pub mod node;
pub mod registration;
pub mod requests;
pub mod set_master;
pub mod writer;

use std::collections::BTreeSet;
use std::fmt;

pub use dom::{Element, parse};
pub use entities::{
    TagRef, read_api, read_tag_add, read_tag_assign, write_api, write_snapshots, write_tag_add,
    write_tag_assign,
};
pub use node::Node;
pub use writer::XmlWriter;

/// Where the API lives on an Engine; every `href` starts with it.
pub const API_PREFIX: &str = "/ovirt-engine/api";

/// The document could not be read: malformed XML, an unexpected root, or a required value
/// missing or invalid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XmlError {
    /// Where: element path from the root (`vms/vm[3]/cluster@id`); empty for the document.
    pub path: String,
    /// What is wrong.
    pub message: String,
}

impl XmlError {
    /// An error at `path`.
    pub fn new(path: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for XmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.path, self.message)
        }
    }
}

impl std::error::Error for XmlError {}

/// Which linked sub-collections a response inlines: the request's `follow` parameter
/// (`follow=nics,disk_attachments.disk`). Segments are kept as written (`disk_attachments.disk`
/// also counts as `disk_attachments`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Follow(BTreeSet<String>);

impl Follow {
    /// Nothing inlined.
    pub fn none() -> Self {
        Self::default()
    }

    /// Parses a `follow` value: comma-separated, dot-separated paths.
    pub fn parse(value: &str) -> Self {
        let mut set = BTreeSet::new();
        for path in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let mut prefix = String::new();
            for segment in path.split('.') {
                if !prefix.is_empty() {
                    prefix.push('.');
                }
                prefix.push_str(segment);
                set.insert(prefix.clone());
            }
        }
        Self(set)
    }

    /// `true` when `path` (e.g. `nics` or `disk_attachments.disk`) is inlined.
    pub fn has(&self, path: &str) -> bool {
        self.0.contains(path)
    }
}

/// Where entities are written: the collection they belong to (their `href` is
/// `/ovirt-engine/api/{collection}/{id}`) and what the request asked to inline.
#[derive(Debug, Clone)]
pub struct Scope {
    collection: String,
    follow: Follow,
}

impl Scope {
    /// Entities of `collection`, a path below the API root such as `vms` or
    /// `datacenters/{dc}/storagedomains`.
    pub fn new(collection: impl Into<String>) -> Self {
        Self {
            collection: collection.into(),
            follow: Follow::none(),
        }
    }

    /// Inlines what `follow` names.
    #[must_use]
    pub fn with_follow(mut self, follow: Follow) -> Self {
        self.follow = follow;
        self
    }

    /// The `href` of the entity with `id`.
    pub fn href(&self, id: impl fmt::Display) -> String {
        format!("{API_PREFIX}/{}/{id}", self.collection)
    }

    /// `true` below another entity (`datacenters/{dc}/storagedomains`), `false` for a
    /// top-level collection.
    pub fn is_nested(&self) -> bool {
        self.collection.contains('/')
    }

    /// What to inline.
    pub fn follow(&self) -> &Follow {
        &self.follow
    }

    /// The collection path below the API root, e.g. `vms/{vm}/diskattachments`.
    pub fn collection(&self) -> &str {
        &self.collection
    }
}

/// An entity type with its Engine XML shape.
pub trait XmlEntity: Sized {
    /// The singular root tag, e.g. `storage_domain`.
    const TAG: &'static str;
    /// The plural (collection) tag, e.g. `storage_domains`.
    const PLURAL: &'static str;

    /// Reads the entity from its element.
    fn read(node: &Node<'_>) -> Result<Self, XmlError>;

    /// Writes the entity as its element, with `href` from `scope`.
    fn write(&self, w: &mut XmlWriter, scope: &Scope);
}

/// Checks that the root is `tag`, naming what came instead.
pub fn expect_root(root: &Element, tag: &str) -> Result<(), XmlError> {
    if root.name == tag {
        Ok(())
    } else {
        Err(XmlError::new(
            "",
            format!("expected a <{tag}> document, got <{}>", root.name),
        ))
    }
}

/// Reads one entity document (`<vm>...</vm>`).
pub fn read_one<T: XmlEntity>(text: &str) -> Result<T, XmlError> {
    let root = parse(text)?;
    expect_root(&root, T::TAG)?;
    T::read(&Node::root(&root))
}

/// Reads a collection document (`<vms><vm>...</vm>...</vms>`); other children are ignored.
pub fn read_list<T: XmlEntity>(text: &str) -> Result<Vec<T>, XmlError> {
    let root = parse(text)?;
    expect_root(&root, T::PLURAL)?;
    let root = Node::root(&root);
    let mut out = Vec::with_capacity(root.element().children.len());
    for n in root.children(T::TAG) {
        out.push(T::read(&n)?);
    }
    Ok(out)
}

/// Writes one entity as a document.
pub fn write_one<T: XmlEntity>(item: &T, scope: &Scope) -> String {
    let mut w = XmlWriter::document();
    item.write(&mut w, scope);
    w.finish()
}

/// Writes a collection document; an empty one is `<vms/>`.
pub fn write_list<T: XmlEntity>(items: &[T], scope: &Scope) -> String {
    let mut w = XmlWriter::document();
    if items.is_empty() {
        w.empty(T::PLURAL, &[]);
    } else {
        w.reserve(items.len() * 512);
        w.open(T::PLURAL, &[]);
        for item in items {
            item.write(&mut w, scope);
        }
        w.close(T::PLURAL);
    }
    w.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn follow_counts_prefixes() {
        let f = Follow::parse("nics, disk_attachments.disk ,snapshots,");
        assert!(f.has("nics") && f.has("disk_attachments") && f.has("disk_attachments.disk"));
        assert!(f.has("snapshots") && !f.has("disk") && !Follow::none().has("nics"));
    }

    #[test]
    fn scope_builds_absolute_hrefs() {
        let s = Scope::new("datacenters/D/storagedomains");
        assert_eq!(
            s.href("S"),
            "/ovirt-engine/api/datacenters/D/storagedomains/S"
        );
    }
}
