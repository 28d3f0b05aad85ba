//! A tiny element tree built with quick-xml: just what the Engine's documents use.
//!
//! The Engine's XML has no namespaces, no mixed content and no attributes besides `id`, `href`
//! and `rel`, so an [`Element`] is a name, its attributes, its child elements and its text.
//! Comments, processing instructions and the declaration are skipped; a DOCTYPE is refused
//! (the Engine never sends one, and refusing it rules out entity-expansion tricks).

use quick_xml::XmlVersion;
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

use super::XmlError;

/// Deepest element nesting accepted. The Engine's deepest documents (a VM with followed disk
/// attachments and LUNs) stay under 12 levels; the limit only guards against hostile input.
const MAX_DEPTH: usize = 64;

/// One XML element.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Element {
    /// Tag name.
    pub name: String,
    /// Attributes in document order, values unescaped.
    pub attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub children: Vec<Element>,
    /// Text content (all text nodes concatenated, entities resolved, not trimmed).
    pub text: String,
}

impl Element {
    /// An element without attributes, children or text.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            ..Self::default()
        }
    }

    /// The value of attribute `name`.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The first child named `name`.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }
}

/// Parses a whole document and returns its root element.
pub fn parse(text: &str) -> Result<Element, XmlError> {
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<Element> = Vec::with_capacity(16);
    let mut root: Option<Element> = None;
    loop {
        let position = reader.buffer_position();
        let event = reader
            .read_event()
            .map_err(|e| syntax(&stack, position, &e.to_string()))?;
        match event {
            Event::Start(start) => {
                if root.is_some() {
                    return Err(syntax(&stack, position, "content after the root element"));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(syntax(&stack, position, "elements nested too deeply"));
                }
                let element = open(&start).map_err(|m| syntax(&stack, position, &m))?;
                stack.push(element);
            }
            Event::Empty(start) => {
                let element = open(&start).map_err(|m| syntax(&stack, position, &m))?;
                close(&mut stack, &mut root, element).map_err(|m| syntax(&stack, position, m))?;
            }
            Event::End(_) => {
                // quick-xml checks that end names match their start tags.
                let element = stack
                    .pop()
                    .ok_or_else(|| syntax(&[], position, "stray end tag"))?;
                close(&mut stack, &mut root, element).map_err(|m| syntax(&stack, position, m))?;
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => return Err(syntax(&stack, position, "text outside the root element")),
                }
            }
            Event::CData(c) => {
                let content = c.xml10_content();
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&content),
                    None => return Err(syntax(&stack, position, "CDATA outside the root element")),
                }
            }
            Event::GeneralRef(r) => {
                let resolved: String = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => match resolve_predefined_entity(&r) {
                        Some(s) => s.to_owned(),
                        None => {
                            let message = format!("unknown entity '&{};'", &*r);
                            return Err(syntax(&stack, position, &message));
                        }
                    },
                    Err(e) => return Err(syntax(&stack, position, &e.to_string())),
                };
                match stack.last_mut() {
                    Some(top) => top.text.push_str(&resolved),
                    None => return Err(syntax(&stack, position, "reference outside the root")),
                }
            }
            Event::DocType(_) => {
                return Err(syntax(&stack, position, "DOCTYPE is not accepted"));
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(syntax(
            &stack,
            text.len() as u64,
            "document ends inside an element",
        ));
    }
    root.ok_or_else(|| XmlError::new("", "empty document: no root element"))
}

fn open(start: &BytesStart<'_>) -> Result<Element, String> {
    let name = start.name();
    let name: &str = name.as_ref();
    let mut element = Element::new(name);
    for attr in start.attributes() {
        let attr = attr.map_err(|e| e.to_string())?;
        let key: &str = attr.key.as_ref();
        let value = attr
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|e| e.to_string())?;
        element.attrs.push((key.to_owned(), value.into_owned()));
    }
    Ok(element)
}

fn close(
    stack: &mut [Element],
    root: &mut Option<Element>,
    element: Element,
) -> Result<(), &'static str> {
    match stack.last_mut() {
        Some(parent) => {
            parent.children.push(element);
            Ok(())
        }
        None if root.is_none() => {
            *root = Some(element);
            Ok(())
        }
        None => Err("content after the root element"),
    }
}

/// A syntax error at byte `position`, inside the elements on `stack`.
fn syntax(stack: &[Element], position: u64, message: &str) -> XmlError {
    let path = stack
        .iter()
        .map(|e| e.name.as_str())
        .collect::<Vec<_>>()
        .join("/");
    XmlError::new(path, format!("malformed XML at byte {position}: {message}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_the_tree_with_attributes_text_and_entities() {
        let doc = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
            <!-- hello -->
            <vms><vm href="/ovirt-engine/api/vms/1" id="1"><name>a &amp; b &#x41;&lt;</name>
            <empty/><cdata><![CDATA[x<y]]></cdata></vm></vms>"#;
        let root = parse(doc).unwrap();
        assert_eq!(root.name, "vms");
        let vm = root.child("vm").unwrap();
        assert_eq!(vm.attr("id"), Some("1"));
        assert_eq!(vm.attr("href"), Some("/ovirt-engine/api/vms/1"));
        assert_eq!(vm.child("name").unwrap().text, "a & b A<");
        assert_eq!(vm.child("empty").unwrap(), &Element::new("empty"));
        assert_eq!(vm.child("cdata").unwrap().text, "x<y");
    }

    #[test]
    fn refuses_broken_documents_with_a_path() {
        for (doc, needle) in [
            ("<a><b></a>", "a/b"),
            ("<a/><b/>", "after the root"),
            ("", "empty document"),
            ("<a><b>", "ends inside"),
            ("<a>&bogus;</a>", "unknown entity"),
            ("<!DOCTYPE a [<!ENTITY x 'y'>]><a/>", "DOCTYPE"),
            ("text", "outside the root"),
        ] {
            let e = parse(doc).unwrap_err();
            assert!(e.to_string().contains(needle), "{doc}: {e}");
        }
    }

    #[test]
    fn limits_nesting_depth() {
        let doc = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
        assert!(parse(&doc).unwrap_err().to_string().contains("too deeply"));
        let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
        assert!(parse(&ok).is_ok());
    }
}
