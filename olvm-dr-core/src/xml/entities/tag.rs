//! `<tag>`: a tag, and the body that adds one.

use super::open_entity;
use crate::engine::{Id, Tag};
use crate::xml::{Node, Scope, XmlEntity, XmlError, XmlWriter, expect_root, parse};

/// The Engine's root tag, parent of every tag (`Tags.ROOT_TAG_ID` is the nil UUID).
const ROOT_TAG: Id = Id::NIL;

impl XmlEntity for Tag {
    const TAG: &'static str = "tag";
    const PLURAL: &'static str = "tags";

    fn read(n: &Node<'_>) -> Result<Self, XmlError> {
        Ok(Self {
            id: n.id()?,
            name: n.req_text("name")?.to_owned(),
            description: n.string_of("description").unwrap_or_default(),
        })
    }

    fn write(&self, w: &mut XmlWriter, scope: &Scope) {
        let href = scope.href(self.id);
        open_entity(w, Self::TAG, &href, &self.id.to_string());
        w.text("name", &self.name);
        w.text("description", &self.description);
        w.empty(
            "parent",
            &[
                ("href", &format!("/ovirt-engine/api/tags/{ROOT_TAG}")),
                ("id", &ROOT_TAG.to_string()),
            ],
        );
        w.close(Self::TAG);
    }
}

/// The body of `POST /tags`: `<tag><name/><description/></tag>`.
pub fn write_tag_add(name: &str, description: &str) -> String {
    let mut w = XmlWriter::document();
    w.open("tag", &[]);
    w.text("description", description);
    w.text("name", name);
    w.close("tag");
    w.finish()
}

/// Reads the body of `POST /tags`: the name (empty when missing) and the description.
pub fn read_tag_add(text: &str) -> Result<(String, String), XmlError> {
    let root = parse(text)?;
    expect_root(&root, "tag")?;
    let n = Node::root(&root);
    Ok((
        n.string_of("name").unwrap_or_default(),
        n.string_of("description").unwrap_or_default(),
    ))
}

/// The body of `POST /vms/{vm}/tags` that assigns tag `id`: `<tag id="…"/>`.
pub fn write_tag_assign(id: Id) -> String {
    let mut w = XmlWriter::document();
    w.empty("tag", &[("id", &id.to_string())]);
    w.finish()
}

/// Reads the body of `POST /vms/{vm}/tags`: the tag's id or its name (the API model's
/// `AssignedTagsService.add` requires one of the two).
///
/// # Errors
/// Not a `<tag>` document, a malformed id, or neither an id nor a name.
pub fn read_tag_assign(text: &str) -> Result<TagRef, XmlError> {
    let root = parse(text)?;
    expect_root(&root, "tag")?;
    let n = Node::root(&root);
    if n.attr("id").is_some() {
        return Ok(TagRef::Id(n.id()?));
    }
    match n.string_of("name") {
        Some(name) if !name.is_empty() => Ok(TagRef::Name(name)),
        _ => Err(n.error("a tag to assign needs its id or its name")),
    }
}

/// A tag named in an assignment: by id or by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagRef {
    /// Its id.
    Id(Id),
    /// Its name.
    Name(String),
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::{read_one, write_one};

    #[test]
    fn a_tag_round_trips_and_its_add_body_reads_back() {
        let tag = Tag {
            id: "6f0c0e2a-1b2c-4d5e-8f90-0123456789ab".parse().unwrap(),
            name: "olvm-dr-lock".into(),
            description: "run x <on> host & y".into(),
        };
        let text = write_one(&tag, &Scope::new("tags"));
        assert_eq!(read_one::<Tag>(&text).unwrap(), tag);
        let body = write_tag_add(&tag.name, &tag.description);
        assert_eq!(
            read_tag_add(&body).unwrap(),
            (tag.name.clone(), tag.description.clone())
        );
        let assign = write_tag_assign(tag.id);
        assert_eq!(read_tag_assign(&assign).unwrap(), TagRef::Id(tag.id));
        assert_eq!(
            read_tag_assign("<tag><name>infra</name></tag>").unwrap(),
            TagRef::Name("infra".into())
        );
        assert!(read_tag_assign("<tag/>").is_err());
        assert!(read_tag_assign("<tag id=\"x\"/>").is_err());
    }
}
