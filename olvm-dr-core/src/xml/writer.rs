//! [`XmlWriter`]: writes the Engine's XML straight into a string.

use std::fmt::{Display, Write as _};

use super::API_PREFIX;

/// The declaration the Engine puts in front of every document.
pub const DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#;

/// Appends elements to a string. Text and attribute values are escaped; names are trusted
/// (they are always literals of this crate).
#[derive(Debug, Default)]
pub struct XmlWriter {
    buf: String,
}

impl XmlWriter {
    /// An empty writer.
    pub fn new() -> Self {
        Self::default()
    }

    /// A writer that starts with the XML declaration.
    pub fn document() -> Self {
        let mut buf = String::with_capacity(512);
        buf.push_str(DECLARATION);
        buf.push('\n');
        Self { buf }
    }

    /// The XML written so far.
    pub fn finish(self) -> String {
        self.buf
    }

    /// Reserves room for `additional` more bytes.
    pub fn reserve(&mut self, additional: usize) {
        self.buf.reserve(additional);
    }

    fn start_tag(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.buf.push_str(tag);
        for (k, v) in attrs {
            self.buf.push(' ');
            self.buf.push_str(k);
            self.buf.push_str("=\"");
            escape_into(&mut self.buf, v, true);
            self.buf.push('"');
        }
    }

    /// `<tag a="v">`.
    pub fn open(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start_tag(tag, attrs);
        self.buf.push('>');
    }

    /// `</tag>`.
    pub fn close(&mut self, tag: &str) {
        self.buf.push_str("</");
        self.buf.push_str(tag);
        self.buf.push('>');
    }

    /// `<tag a="v"/>`.
    pub fn empty(&mut self, tag: &str, attrs: &[(&str, &str)]) {
        self.start_tag(tag, attrs);
        self.buf.push_str("/>");
    }

    /// `<tag>text</tag>`.
    pub fn text(&mut self, tag: &str, text: &str) {
        self.open(tag, &[]);
        escape_into(&mut self.buf, text, false);
        self.close(tag);
    }

    /// `<tag>value</tag>` for numbers and enumerations (whose text needs no escaping).
    pub fn value(&mut self, tag: &str, value: impl Display) {
        self.open(tag, &[]);
        let _ = write!(self.buf, "{value}");
        self.close(tag);
    }

    /// `<tag>true|false</tag>`.
    pub fn bool(&mut self, tag: &str, value: bool) {
        self.text(tag, if value { "true" } else { "false" });
    }

    /// [`text`](Self::text) when `text` is `Some`.
    pub fn opt_text(&mut self, tag: &str, text: Option<&str>) {
        if let Some(t) = text {
            self.text(tag, t);
        }
    }

    /// [`value`](Self::value) when `value` is `Some`.
    pub fn opt_value(&mut self, tag: &str, value: Option<impl Display>) {
        if let Some(v) = value {
            self.value(tag, v);
        }
    }

    /// [`bool`](Self::bool) when `value` is `Some`.
    pub fn opt_bool(&mut self, tag: &str, value: Option<bool>) {
        if let Some(v) = value {
            self.bool(tag, v);
        }
    }

    /// A reference to a top-level entity: `<cluster href="/ovirt-engine/api/clusters/ID" id="ID"/>`.
    pub fn reference(&mut self, tag: &str, collection: &str, id: impl Display) {
        let id = id.to_string();
        let href = format!("{API_PREFIX}/{collection}/{id}");
        self.empty(tag, &[("href", &href), ("id", &id)]);
    }

    /// [`reference`](Self::reference) when `id` is `Some`.
    pub fn opt_reference(&mut self, tag: &str, collection: &str, id: Option<impl Display>) {
        if let Some(id) = id {
            self.reference(tag, collection, id);
        }
    }

    /// A wrapped list of references: `<vms><vm href=... id=.../>...</vms>`.
    pub fn references<I: Display>(
        &mut self,
        wrapper: &str,
        tag: &str,
        collection: &str,
        ids: impl IntoIterator<Item = I>,
    ) {
        self.open(wrapper, &[]);
        for id in ids {
            self.reference(tag, collection, id);
        }
        self.close(wrapper);
    }

    /// `<link href="{href}/{rel}" rel="{rel}"/>` for each sub-collection `rel`.
    pub fn links(&mut self, href: &str, rels: &[&str]) {
        for rel in rels {
            let target = format!("{href}/{rel}");
            self.empty("link", &[("href", &target), ("rel", rel)]);
        }
    }

    /// `<actions><link href="{href}/{name}" rel="{name}"/>...</actions>`.
    pub fn actions(&mut self, href: &str, names: &[&str]) {
        self.open("actions", &[]);
        self.links(href, names);
        self.close("actions");
    }
}

/// Escapes `&`, `<`, `>` (and `"` inside attributes) into `out`.
fn escape_into(out: &mut String, text: &str, attribute: bool) {
    let mut rest = text;
    while let Some(pos) = rest
        .bytes()
        .position(|b| matches!(b, b'&' | b'<' | b'>') || (attribute && b == b'"'))
    {
        out.push_str(&rest[..pos]);
        out.push_str(match rest.as_bytes()[pos] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            _ => "&quot;",
        });
        rest = &rest[pos + 1..];
    }
    out.push_str(rest);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::dom::parse;

    #[test]
    fn escapes_and_reads_back() {
        let mut w = XmlWriter::document();
        w.open("vm", &[("href", "/a?b=\"c\"&d"), ("id", "1")]);
        w.text("name", "x < y & \"z\" > w");
        w.value("memory", 12u64);
        w.bool("stateless", false);
        w.opt_text("description", None);
        w.reference("cluster", "clusters", "C1");
        w.actions("/ovirt-engine/api/vms/1", &["start"]);
        w.close("vm");
        let text = w.finish();
        assert!(text.starts_with(DECLARATION));
        let root = parse(&text).unwrap();
        assert_eq!(root.attr("href"), Some("/a?b=\"c\"&d"));
        assert_eq!(root.child("name").unwrap().text, "x < y & \"z\" > w");
        assert_eq!(root.child("memory").unwrap().text, "12");
        assert!(root.child("description").is_none());
        let cluster = root.child("cluster").unwrap();
        assert_eq!(cluster.attr("href"), Some("/ovirt-engine/api/clusters/C1"));
        let link = root.child("actions").unwrap().child("link").unwrap();
        assert_eq!(link.attr("href"), Some("/ovirt-engine/api/vms/1/start"));
        assert_eq!(link.attr("rel"), Some("start"));
    }
}
