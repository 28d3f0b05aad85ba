//! [`Obj`]: typed reading of one YAML mapping's keys, reporting wrong types and unknown keys.

use std::str::FromStr;

use crate::Secret;
use crate::config::SecretValue;
use crate::engine::types::Id;
use crate::mapping::field::Field;
use crate::mapping::yaml::{Key, Node, NodeKind, Pos, Resolved, Scalar, resolve};
use crate::validate::codes;
use crate::validate::findings::Findings;
use crate::validate::suggest::closest;

/// The generator's text for a CHAP password still to be set.
pub const PASSWORD_PLACEHOLDER: &str = "PLEASE_SET_PASSWORD_HERE";

/// Reads the keys of one mapping node. Each getter marks its key as known; [`Obj::finish`]
/// reports the keys nobody asked for.
pub(crate) struct Obj<'a, 'f> {
    entries: &'a [(Key, Node)],
    path: String,
    used: Vec<bool>,
    asked: Vec<String>,
    pub(crate) f: &'f mut Findings,
}

impl<'a, 'f> Obj<'a, 'f> {
    /// Reads `node`, a mapping at key path `path` (empty for the top level).
    pub(crate) fn new(entries: &'a [(Key, Node)], path: String, f: &'f mut Findings) -> Self {
        Self {
            entries,
            used: vec![false; entries.len()],
            path,
            asked: Vec::new(),
            f,
        }
    }

    /// The key path of `key` for diagnostics: `dr_import_storages[2].dr_secondary_name`.
    pub(crate) fn key_path(&self, key: &str) -> String {
        if self.path.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.path)
        }
    }

    /// The value of `key` (the last occurrence, as PyYAML keeps), marking it known.
    pub(crate) fn take(&mut self, key: &str) -> Option<(&'a Key, &'a Node)> {
        self.asked.push(key.to_owned());
        let mut found = None;
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if k.text == key {
                self.used[i] = true;
                found = Some((k, v));
            }
        }
        found
    }

    fn wrong_type(&mut self, key: &str, node: &Node, expected: &str) {
        let path = self.key_path(key);
        self.f.error(
            codes::WRONG_TYPE,
            Some(node.pos),
            path,
            format!("'{key}' must be {expected}, found {}", node.describe()),
        );
    }

    /// A scalar value: `None` when missing, `Err(field)` for null or a wrong type (already
    /// reported), `Ok` otherwise.
    fn scalar(
        &mut self,
        key: &str,
    ) -> Result<(&'a Key, &'a Scalar, &'a Node, Resolved), Field<()>> {
        let Some((k, v)) = self.take(key) else {
            return Err(Field::Missing);
        };
        let Some(s) = v.as_scalar() else {
            self.wrong_type(key, v, "a single value");
            return Err(Field::Invalid { pos: v.pos });
        };
        let resolved = resolve(s);
        if resolved == Resolved::Null {
            return Err(Field::NotFilled {
                pos: k.pos,
                hint: v.hint.clone(),
            });
        }
        if resolved == Resolved::ValueKey {
            let path = self.key_path(key);
            self.f
                .error(
                    codes::YAML_UNSUPPORTED,
                    Some(v.pos),
                    path,
                    "a plain '=' cannot be loaded by Ansible (YAML 1.1 value key)",
                )
                .hint = Some("quote it: '='".into());
            return Err(Field::Invalid { pos: v.pos });
        }
        if let Some(tag) = &s.tag
            && !is_known_tag(tag)
        {
            let path = self.key_path(key);
            self.f.error(
                codes::YAML_UNSUPPORTED,
                Some(v.pos),
                path,
                format!("tag '{tag}' cannot be loaded by Ansible's YAML loader"),
            );
            return Err(Field::Invalid { pos: v.pos });
        }
        Ok((k, s, v, resolved))
    }

    /// A text value. A plain value that YAML 1.1 types (`no`, `017`, `1.0`) becomes the text
    /// Ansible would pass on (`False`, `15`, `1.0`) with a warning.
    pub(crate) fn text(&mut self, key: &str) -> Field<String> {
        let (_, s, v, resolved) = match self.scalar(key) {
            Ok(x) => x,
            Err(field) => return field.retype(),
        };
        if s.tag.as_deref() == Some("!vault") {
            self.wrong_type(key, v, "plain text (only passwords may be vault-encrypted)");
            return Field::Invalid { pos: v.pos };
        }
        if let Resolved::Str(text) = resolved {
            return Field::set(text, v.pos);
        }
        let value = resolved.python_str().unwrap_or_default();
        if value == s.text {
            // `42`, `2024-01-31`: typed by YAML, but the text Ansible passes on is unchanged.
            return Field::set(value, v.pos);
        }
        let path = self.key_path(key);
        self.f
            .warning(
                codes::YAML_IMPLICIT_TYPE,
                Some(v.pos),
                path,
                format!(
                    "'{}' is read by Ansible as {} {}, so the role would use the text '{value}'",
                    s.text,
                    article(resolved.type_name()),
                    resolved.type_name()
                ),
            )
            .hint = Some(format!("quote it if you mean the text: '{}'", s.text));
        Field::set(value, v.pos)
    }

    /// A secret: clear text, an inline `!vault` envelope, or the generator's
    /// `PLEASE_SET_PASSWORD_HERE` (not filled in).
    pub(crate) fn secret(&mut self, key: &str) -> Field<SecretValue> {
        let (k, s, v, resolved) = match self.scalar(key) {
            Ok(x) => x,
            Err(field) => return field.retype(),
        };
        if s.tag.as_deref() == Some("!vault") {
            return Field::set(SecretValue::Vault(s.text.clone()), v.pos);
        }
        let text = match resolved {
            Resolved::Str(t) => t,
            other => other.python_str().unwrap_or_default(),
        };
        if text == PASSWORD_PLACEHOLDER {
            return Field::NotFilled {
                pos: k.pos,
                hint: Some(PASSWORD_PLACEHOLDER.into()),
            };
        }
        Field::set(SecretValue::Plain(Secret::new(text)), v.pos)
    }

    /// A boolean: a YAML boolean, or (with a warning) text or 0/1 that Ansible's boolean
    /// conversion accepts.
    pub(crate) fn boolean(&mut self, key: &str) -> Field<bool> {
        let (_, s, v, resolved) = match self.scalar(key) {
            Ok(x) => x,
            Err(field) => return field.retype(),
        };
        let value = match &resolved {
            Resolved::Bool(b) => return Field::set(*b, v.pos),
            Resolved::Int(i) if i == "0" || i == "1" => Some(i == "1"),
            Resolved::Str(t) => match t.to_ascii_lowercase().as_str() {
                "y" | "yes" | "on" | "1" | "true" | "t" => Some(true),
                "n" | "no" | "off" | "0" | "false" | "f" => Some(false),
                _ => None,
            },
            _ => None,
        };
        let path = self.key_path(key);
        match value {
            Some(b) => {
                self.f
                    .warning(
                        codes::QUOTED_BOOLEAN,
                        Some(v.pos),
                        path,
                        format!("'{key}' is the text '{}', not a boolean", s.text),
                    )
                    .hint = Some(format!(
                    "write it unquoted: {}",
                    if b { "true" } else { "false" }
                ));
                Field::set(b, v.pos)
            }
            None => {
                self.f
                    .error(
                        codes::WRONG_TYPE,
                        Some(v.pos),
                        path,
                        format!("'{key}' must be true or false, found '{}'", s.text),
                    )
                    .hint = Some("write true or false".into());
                Field::Invalid { pos: v.pos }
            }
        }
    }

    /// A non-negative integer of type `T`: a YAML integer or a quoted one (`'3260'`).
    pub(crate) fn uint<T: TryFrom<u128>>(&mut self, key: &str) -> Field<T> {
        let (_, s, v, resolved) = match self.scalar(key) {
            Ok(x) => x,
            Err(field) => return field.retype(),
        };
        let digits = match &resolved {
            Resolved::Int(i) => Some(i.clone()),
            Resolved::Float(f) if f.fract() == 0.0 && f.is_finite() => Some(format!("{f:.0}")),
            Resolved::Str(t) => crate::mapping::yaml::resolve::resolve_plain(t.trim())
                .python_str()
                .filter(|d| d.bytes().all(|b| b.is_ascii_digit() || b == b'-')),
            _ => None,
        };
        let path = self.key_path(key);
        let Some(digits) = digits else {
            self.f.error(
                codes::WRONG_TYPE,
                Some(v.pos),
                path,
                format!("'{key}' must be a whole number, found '{}'", s.text),
            );
            return Field::Invalid { pos: v.pos };
        };
        match digits
            .parse::<u128>()
            .ok()
            .and_then(|n| T::try_from(n).ok())
        {
            Some(n) => Field::set(n, v.pos),
            None => {
                self.f.error(
                    codes::OUT_OF_RANGE,
                    Some(v.pos),
                    path,
                    format!("'{key}' is out of range: {digits}"),
                );
                Field::Invalid { pos: v.pos }
            }
        }
    }

    /// A text value parsed with `FromStr` (enumerations); `what` lists the allowed values.
    pub(crate) fn parsed<T: FromStr>(&mut self, key: &str, what: &str) -> Field<T> {
        match self.text(key) {
            Field::Set { value, pos } => match value.trim().parse::<T>() {
                Ok(v) => Field::set(v, pos),
                Err(_) => {
                    let path = self.key_path(key);
                    self.f
                        .error(
                            codes::INVALID_VALUE,
                            Some(pos),
                            path,
                            format!("'{value}' is not a valid value for '{key}'"),
                        )
                        .hint = Some(format!("use one of: {what}"));
                    Field::Invalid { pos }
                }
            },
            other => other.retype(),
        }
    }

    /// A UUID.
    pub(crate) fn id(&mut self, key: &str) -> Field<Id> {
        match self.text(key) {
            Field::Set { value, pos } => match value.trim().parse::<Id>() {
                Ok(id) => Field::set(id, pos),
                Err(_) => {
                    let path = self.key_path(key);
                    self.f
                        .error(
                            codes::INVALID_UUID,
                            Some(pos),
                            path,
                            format!("'{value}' is not a UUID"),
                        )
                        .hint = Some(
                        "ids look like 6f0c2a3e-1b2c-4d5e-8f90-0123456789ab (copy it from the \
                         Engine)"
                            .into(),
                    );
                    Field::Invalid { pos }
                }
            },
            other => other.retype(),
        }
    }

    /// A list of texts; a single text is read as a list of one (as the role's loop does).
    pub(crate) fn text_list(&mut self, key: &str) -> Field<Vec<String>> {
        let Some((k, v)) = self.take(key) else {
            return Field::Missing;
        };
        match &v.kind {
            NodeKind::Seq(items) => {
                let mut out = Vec::with_capacity(items.len());
                for (i, item) in items.iter().enumerate() {
                    let item_key = format!("{key}[{i}]");
                    match item.as_scalar().map(resolve) {
                        Some(Resolved::Str(t)) => out.push(t),
                        Some(Resolved::Null) | None => {
                            self.wrong_type(&item_key, item, "text");
                            return Field::Invalid { pos: item.pos };
                        }
                        Some(other) => out.push(other.python_str().unwrap_or_default()),
                    }
                }
                Field::set(out, v.pos)
            }
            NodeKind::Scalar(_) => {
                // Re-read the same key as text (take() again is harmless).
                self.asked.pop();
                match self.text(key) {
                    Field::Set { value, pos } => Field::set(vec![value], pos),
                    other => other.retype(),
                }
            }
            NodeKind::Map(_) => {
                self.wrong_type(key, v, "a list");
                let _ = k;
                Field::Invalid { pos: v.pos }
            }
        }
    }

    /// A list node: `Ok(items)` for a list, `Err(field)` for missing, null or wrong type.
    pub(crate) fn list(&mut self, key: &str) -> Result<(Pos, &'a [Node]), Field<()>> {
        let Some((k, v)) = self.take(key) else {
            return Err(Field::Missing);
        };
        match &v.kind {
            NodeKind::Seq(items) => Ok((v.pos, items)),
            NodeKind::Scalar(s) if resolve(s) == Resolved::Null => Err(Field::NotFilled {
                pos: k.pos,
                hint: v.hint.clone(),
            }),
            _ => {
                let path = self.key_path(key);
                self.f
                    .error(
                        codes::WRONG_TYPE,
                        Some(v.pos),
                        path,
                        format!("'{key}' is not a list: found {}", v.describe()),
                    )
                    .hint = Some("write one '- ' item per entry, or leave it empty".into());
                Err(Field::Invalid { pos: v.pos })
            }
        }
    }

    /// Reports the keys nobody read as unknown (with the closest known key, among those read
    /// and `also_known`), except those in `quiet`; returns every unread entry, to be kept.
    pub(crate) fn finish(self, also_known: &[&str], quiet: &[&str]) -> Vec<(Key, Node)> {
        let mut candidates: Vec<&str> = self.asked.iter().map(String::as_str).collect();
        candidates.extend_from_slice(also_known);
        let mut extra = Vec::new();
        for (i, (k, v)) in self.entries.iter().enumerate() {
            if self.used[i] {
                continue;
            }
            extra.push((k.clone(), v.clone()));
            if quiet.contains(&k.text.as_str()) {
                continue;
            }
            let path = if self.path.is_empty() {
                k.text.clone()
            } else {
                format!("{}.{}", self.path, k.text)
            };
            let d = self.f.warning(
                codes::UNKNOWN_KEY,
                Some(k.pos),
                path,
                format!("unknown key '{}': the role does not read it", k.text),
            );
            if let Some(best) = closest(&k.text, &candidates) {
                d.message = format!("unknown key '{}': did you mean '{best}'?", k.text);
                d.hint = Some(format!("rename it to '{best}'"));
            }
        }
        extra
    }
}

fn is_known_tag(tag: &str) -> bool {
    tag == "!vault"
        || tag == "!unsafe"
        || matches!(
            tag.strip_prefix("tag:yaml.org,2002:"),
            Some("str" | "int" | "bool" | "float" | "null")
        )
}

fn article(word: &str) -> &'static str {
    if word.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}
