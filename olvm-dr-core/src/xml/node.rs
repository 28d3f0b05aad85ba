//! [`Node`]: reading typed values out of an [`Element`], with errors that name the element path.
//!
//! Lenience follows the official SDK's reader, so that whatever the SDK accepts from an Engine we
//! accept too: booleans are `true`/`false`/`1`/`0` in any case; an enum value we do not know is
//! treated as absent (each entity reader documents the fallback it then uses); unknown elements
//! are ignored at every depth. A missing *required* value is an error naming its path, e.g.
//! `vms/vm[3]/status`.

use std::fmt::Display;
use std::str::FromStr;

use super::XmlError;
use super::dom::Element;
use crate::engine::Id;

/// An element plus where it sits in the document (for error messages only; the path is rendered
/// lazily, so reading costs nothing extra when the document is valid).
#[derive(Debug, Clone, Copy)]
pub struct Node<'a> {
    el: &'a Element,
    parent: Option<&'a Node<'a>>,
    index: Option<usize>,
}

impl<'a> Node<'a> {
    /// The document's root.
    pub fn root(el: &'a Element) -> Self {
        Self {
            el,
            parent: None,
            index: None,
        }
    }

    /// The element.
    pub fn element(&self) -> &'a Element {
        self.el
    }

    /// The tag name.
    pub fn name(&self) -> &'a str {
        &self.el.name
    }

    /// The path from the root, e.g. `vms/vm[3]/cluster`.
    pub fn path(&self) -> String {
        let mut parts = Vec::new();
        let mut node = Some(self);
        while let Some(n) = node {
            parts.push(match n.index {
                Some(i) => format!("{}[{i}]", n.el.name),
                None => n.el.name.clone(),
            });
            node = n.parent;
        }
        parts.reverse();
        parts.join("/")
    }

    fn path_to(&self, names: &[&str]) -> String {
        let mut path = self.path();
        for name in names {
            path.push('/');
            path.push_str(name);
        }
        path
    }

    /// An error about this element.
    pub fn error(&self, message: impl Into<String>) -> XmlError {
        XmlError::new(self.path(), message)
    }

    // ----- navigation -----

    /// The first child named `name`.
    pub fn child<'s>(&'s self, name: &str) -> Option<Node<'s>> {
        self.el.child(name).map(|el| Node {
            el,
            parent: Some(self),
            index: None,
        })
    }

    /// The first child named `name`, or an error naming it.
    pub fn req_child<'s>(&'s self, name: &str) -> Result<Node<'s>, XmlError> {
        self.child(name)
            .ok_or_else(|| XmlError::new(self.path_to(&[name]), "required element is missing"))
    }

    /// The element at a path of child names below this one.
    pub fn descend(&self, names: &[&str]) -> Option<&'a Element> {
        let mut el = self.el;
        for name in names {
            el = el.child(name)?;
        }
        Some(el)
    }

    /// Every child named `name`, numbered for error messages.
    pub fn children<'s>(&'s self, name: &'s str) -> impl Iterator<Item = Node<'s>> + 's {
        self.el
            .children
            .iter()
            .filter(move |c| c.name == name)
            .enumerate()
            .map(move |(i, el)| Node {
                el,
                parent: Some(self),
                index: Some(i),
            })
    }

    /// Reads each `item` inside the `wrapper` child (`<nics><nic/>...</nics>`); no wrapper means
    /// an empty list.
    pub fn list<T>(
        &self,
        wrapper: &str,
        item: &str,
        mut read: impl FnMut(&Node<'_>) -> Result<T, XmlError>,
    ) -> Result<Vec<T>, XmlError> {
        let Some(w) = self.child(wrapper) else {
            return Ok(Vec::new());
        };
        let mut out = Vec::with_capacity(w.el.children.len());
        for n in w.children(item) {
            out.push(read(&n)?);
        }
        Ok(out)
    }

    // ----- attributes -----

    /// Attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&'a str> {
        self.el.attr(name)
    }

    /// Attribute `name`, or an error naming it.
    pub fn req_attr(&self, name: &str) -> Result<&'a str, XmlError> {
        self.attr(name).ok_or_else(|| {
            XmlError::new(
                format!("{}@{name}", self.path()),
                "required attribute is missing",
            )
        })
    }

    /// The `id` attribute as an [`Id`].
    pub fn id(&self) -> Result<Id, XmlError> {
        let text = self.req_attr("id")?;
        text.parse()
            .map_err(|e| XmlError::new(format!("{}@id", self.path()), format!("{e}")))
    }

    /// The `id` attribute as an [`Id`], if present.
    pub fn opt_id(&self) -> Result<Option<Id>, XmlError> {
        match self.attr("id") {
            None => Ok(None),
            Some(_) => self.id().map(Some),
        }
    }

    /// The `id` of the reference element `name` (`<cluster id="..."/>`), if present.
    pub fn ref_id(&self, name: &str) -> Result<Option<Id>, XmlError> {
        match self.child(name) {
            Some(c) => c.opt_id(),
            None => Ok(None),
        }
    }

    /// The `id`s of the references in `wrapper` (`<vms><vm id="..."/></vms>`).
    pub fn ref_ids(&self, wrapper: &str, item: &str) -> Result<Vec<Id>, XmlError> {
        self.list(wrapper, item, |n| n.id())
    }

    // ----- text values -----

    /// This element's text.
    pub fn text(&self) -> &'a str {
        &self.el.text
    }

    /// The text at `names` below this element.
    pub fn text_at(&self, names: &[&str]) -> Option<&'a str> {
        self.descend(names).map(|e| e.text.as_str())
    }

    /// The text of child `name`.
    pub fn text_of(&self, name: &str) -> Option<&'a str> {
        self.text_at(&[name])
    }

    /// The text of child `name`, or an error naming it.
    pub fn req_text(&self, name: &str) -> Result<&'a str, XmlError> {
        self.text_of(name)
            .ok_or_else(|| XmlError::new(self.path_to(&[name]), "required element is missing"))
    }

    /// The text at `names` as an owned string; an empty element counts as absent (the Engine
    /// writes unset strings as empty elements, e.g. `<mount_options></mount_options>`).
    pub fn string_at(&self, names: &[&str]) -> Option<String> {
        self.text_at(names)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    }

    /// [`string_at`](Self::string_at) for a direct child.
    pub fn string_of(&self, name: &str) -> Option<String> {
        self.string_at(&[name])
    }

    /// A value parsed with `FromStr` from the text at `names`; absent stays `None`, unparsable
    /// text is an error naming the path.
    pub fn parse_at<T>(&self, names: &[&str]) -> Result<Option<T>, XmlError>
    where
        T: FromStr,
        T::Err: Display,
    {
        match self.text_at(names) {
            None => Ok(None),
            Some(t) => t.trim().parse().map(Some).map_err(|e| {
                XmlError::new(self.path_to(names), format!("'{t}' is not valid here: {e}"))
            }),
        }
    }

    /// A boolean at `names`: `true`/`false`/`1`/`0`, case-insensitive, as the SDK reads them.
    pub fn bool_at(&self, names: &[&str]) -> Result<Option<bool>, XmlError> {
        match self.text_at(names) {
            None => Ok(None),
            Some(t) => parse_bool(t).map(Some).ok_or_else(|| {
                XmlError::new(self.path_to(names), format!("'{t}' is not a boolean"))
            }),
        }
    }

    /// [`bool_at`](Self::bool_at) for a direct child, `false` when absent (the Engine omits
    /// booleans it has no value for).
    pub fn flag(&self, name: &str) -> Result<bool, XmlError> {
        Ok(self.bool_at(&[name])?.unwrap_or(false))
    }

    /// An enumeration at `names`. Absent, empty and unknown values are `None`: like the SDK,
    /// a value a newer Engine added must not make a whole listing unreadable.
    pub fn enum_at<E: FromStr>(&self, names: &[&str]) -> Option<E> {
        let text = self.text_at(names)?;
        match text.trim().parse() {
            Ok(v) => Some(v),
            Err(_) => {
                if !text.is_empty() {
                    tracing::debug!(path = %self.path_to(names), value = text, "unknown enum value");
                }
                None
            }
        }
    }

    /// An enumeration that must be present; only an unknown value falls back to `fallback`.
    pub fn req_enum<E: FromStr>(&self, name: &str, fallback: E) -> Result<E, XmlError> {
        self.req_text(name)?;
        Ok(self.enum_at(&[name]).unwrap_or(fallback))
    }
}

/// The SDK's boolean reading: `true`/`false`/`1`/`0`, any case, surrounding blanks ignored.
pub fn parse_bool(text: &str) -> Option<bool> {
    let t = text.trim();
    if t.eq_ignore_ascii_case("true") || t == "1" {
        Some(true)
    } else if t.eq_ignore_ascii_case("false") || t == "0" {
        Some(false)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::VmStatus;
    use crate::xml::dom::parse;

    const DOC: &str = r#"<vms>
        <vm id="6f0c2a3e-1b2c-4d5e-8f90-0123456789ab"><name>a</name><status>up</status>
          <stateless>TRUE</stateless><memory>12</memory><cpu><topology><cores>x</cores></topology></cpu></vm>
        <vm id="bad"><status>future_status</status><stateless>maybe</stateless><mount_options></mount_options></vm>
    </vms>"#;

    #[test]
    fn reads_values_and_names_paths_in_errors() {
        let root = parse(DOC).unwrap();
        let root = Node::root(&root);
        let vms: Vec<Node<'_>> = root.children("vm").collect();
        let (a, b) = (&vms[0], &vms[1]);
        assert_eq!(
            a.id().unwrap().to_string(),
            "6f0c2a3e-1b2c-4d5e-8f90-0123456789ab"
        );
        assert_eq!(a.req_text("name").unwrap(), "a");
        assert_eq!(a.enum_at::<VmStatus>(&["status"]), Some(VmStatus::Up));
        assert_eq!(a.bool_at(&["stateless"]).unwrap(), Some(true));
        assert_eq!(a.parse_at::<u64>(&["memory"]).unwrap(), Some(12));
        let e = a
            .parse_at::<u32>(&["cpu", "topology", "cores"])
            .unwrap_err();
        assert_eq!(e.path, "vms/vm[0]/cpu/topology/cores");
        assert_eq!(b.id().unwrap_err().path, "vms/vm[1]@id");
        assert_eq!(b.req_text("name").unwrap_err().path, "vms/vm[1]/name");
        assert_eq!(b.enum_at::<VmStatus>(&["status"]), None);
        assert_eq!(
            b.req_enum("status", VmStatus::Unknown).unwrap(),
            VmStatus::Unknown
        );
        assert!(
            b.bool_at(&["stateless"])
                .unwrap_err()
                .message
                .contains("maybe")
        );
        assert_eq!(b.string_of("mount_options"), None);
        assert!(!b.flag("missing").unwrap());
    }

    #[test]
    fn booleans_as_the_sdk_reads_them() {
        for (t, v) in [
            ("true", true),
            ("False", false),
            ("1", true),
            (" 0 ", false),
        ] {
            assert_eq!(parse_bool(t), Some(v));
        }
        assert_eq!(parse_bool("yes"), None);
    }
}
