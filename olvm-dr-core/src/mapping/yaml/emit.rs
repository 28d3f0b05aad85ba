//! Writing YAML scalars so that PyYAML's `safe_load` reads back exactly the same value.

use std::fmt::Write as _;

use super::node::{Node, NodeKind, ScalarStyle};
use super::resolve::{Resolved, resolve_plain};

/// The YAML text of a string value: plain when PyYAML reads the plain form back as the same
/// string, single-quoted otherwise, double-quoted when it holds line breaks or control
/// characters.
///
/// ```
/// use olvm_dr_core::mapping::yaml::emit::string;
/// assert_eq!(string("data1"), "data1");
/// assert_eq!(string("yes"), "'yes'");          // YAML 1.1 boolean
/// assert_eq!(string("017"), "'017'");          // old-style octal
/// assert_eq!(string("a: b"), "'a: b'");
/// assert_eq!(string("fd00::1"), "'fd00::1'");  // IPv6
/// assert_eq!(string("https://e/ovirt-engine/api"), "https://e/ovirt-engine/api");
/// ```
pub fn string(value: &str) -> String {
    if value.chars().any(needs_escape) {
        return double_quoted(value);
    }
    if is_plain_safe(value) {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', "''"))
    }
}

fn is_plain_safe(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    if !(first.is_alphanumeric() || first == '_' || first == '/' || first == '.') {
        return false;
    }
    if value.ends_with([' ', ':']) || value.contains(" #") || value.contains(": ") {
        return false;
    }
    // Colons only in URLs (`scheme://...`); anything else with a colon (IPv6 addresses,
    // `host:port`, sexagesimal-looking text) is quoted so that no reader can take it apart.
    if value.contains(':') && !is_url_like(value) {
        return false;
    }
    // Indicator characters anywhere: quoting is always safe, and cheaper than proving that a
    // given position is harmless. `@` stays plain (user names like `admin@internal`).
    if value.chars().any(|c| {
        matches!(
            c,
            '#' | '\''
                | '"'
                | '`'
                | '{'
                | '}'
                | '['
                | ']'
                | ','
                | '|'
                | '>'
                | '&'
                | '*'
                | '!'
                | '%'
                | '\\'
                | '\t'
        )
    }) {
        return false;
    }
    matches!(resolve_plain(value), Resolved::Str(ref s) if s == value)
}

fn is_url_like(value: &str) -> bool {
    let Some((scheme, rest)) = value.split_once("://") else {
        return false;
    };
    !scheme.is_empty()
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '.' | '-'))
        && !rest.is_empty()
}

/// Characters that cannot stand as they are in a plain or single-quoted scalar: line breaks
/// (including the Unicode ones PyYAML honours), tabs, and what PyYAML's reader refuses as
/// non-printable (`NON_PRINTABLE` in its `reader.py`).
fn needs_escape(c: char) -> bool {
    let printable = matches!(c, '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..);
    !printable || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

fn double_quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Writes a node kept verbatim (an unknown key's value) at `indent` spaces, as the value of a
/// `key:` whose line is already written. Keeps PyYAML's value: plain scalars are written as they
/// were, other scalars quoted, tags kept.
pub fn node(out: &mut String, value: &Node, indent: usize) {
    match &value.kind {
        NodeKind::Scalar(s) => {
            if s.empty {
                out.push('\n');
                return;
            }
            out.push(' ');
            if let Some(tag) = &s.tag {
                out.push_str(&tag_text(tag));
                out.push(' ');
            }
            if s.style == ScalarStyle::Plain && s.tag.is_none() && !s.text.contains('\n') {
                out.push_str(&s.text);
            } else if s.text.chars().any(needs_escape) {
                out.push_str(&double_quoted(&s.text));
            } else {
                out.push_str(&format!("'{}'", s.text.replace('\'', "''")));
            }
            out.push('\n');
        }
        NodeKind::Seq(items) if items.is_empty() => out.push_str(" []\n"),
        NodeKind::Map(entries) if entries.is_empty() => out.push_str(" {}\n"),
        NodeKind::Seq(items) => {
            out.push('\n');
            for item in items {
                out.push_str(&" ".repeat(indent));
                out.push('-');
                match &item.kind {
                    NodeKind::Map(entries) if !entries.is_empty() => {
                        map_entries(out, entries, indent + 2, true);
                    }
                    _ => node(out, item, indent + 2),
                }
            }
        }
        NodeKind::Map(entries) => {
            out.push('\n');
            map_entries(out, entries, indent, false);
        }
    }
}

fn map_entries(
    out: &mut String,
    entries: &[(super::node::Key, Node)],
    indent: usize,
    first_inline: bool,
) {
    for (i, (k, v)) in entries.iter().enumerate() {
        if i == 0 && first_inline {
            out.push(' ');
        } else {
            out.push_str(&" ".repeat(indent));
        }
        out.push_str(&string(&k.text));
        out.push(':');
        node(out, v, indent + 2);
    }
}

fn tag_text(tag: &str) -> String {
    match tag.strip_prefix("tag:yaml.org,2002:") {
        Some(core) => format!("!!{core}"),
        None => tag.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_what_pyyaml_would_misread() {
        for v in [
            "yes",
            "No",
            "on",
            "~",
            "null",
            "",
            "1",
            "0x1f",
            "1:30",
            "1.5",
            "2024-01-01",
            "=",
            "*star",
            "&amp",
            "!bang",
            "a #b",
            "x:",
            " lead",
            "trail ",
            "-dash",
            "?q",
            "@at",
            "%p",
            "'q'",
            "\"d\"",
            "[a]",
            "{a}",
            "a, b",
            "|",
            ">",
        ] {
            assert_ne!(string(v), v, "{v:?} must be quoted");
        }
        for v in [
            "data1",
            "Prod DC",
            "admin@internal",
            "/exports/data1",
            "10.64.90.1",
        ] {
            assert_eq!(string(v), v);
        }
        assert_eq!(string("iqn.2003-01.org:t1"), "'iqn.2003-01.org:t1'");
        assert_eq!(string("it's"), "'it''s'");
        assert_eq!(string("a\nb"), "\"a\\nb\"");
        assert_eq!(string("a\u{2028}b"), "\"a\\u2028b\"");
        assert_eq!(string("\u{1}"), "\"\\u0001\"");
        assert_eq!(string("Prod DC"), "Prod DC");
        assert_eq!(string("admin@internal"), "admin@internal");
    }
}
