//! Building fields of a generated mapping: real values, and placeholders that show a hint.

use std::fmt::Display;

use crate::mapping::{Field, PASSWORD_PLACEHOLDER, Pos};

/// A value (generated fields have no position in a file yet).
pub(super) fn set<T>(value: T) -> Field<T> {
    Field::set(value, Pos::default())
}

/// A placeholder `key: # hint`: loads as not filled in, the comment shows `hint`.
pub(super) fn hint<T>(hint: impl Display) -> Field<T> {
    Field::NotFilled {
        pos: Pos::default(),
        hint: Some(hint.to_string()),
    }
}

/// The placeholder of a value the Engine did not report: `key:` with no hint.
pub(super) fn blank<T>() -> Field<T> {
    Field::NotFilled {
        pos: Pos::default(),
        hint: None,
    }
}

/// The CHAP password still to be set (`PLEASE_SET_PASSWORD_HERE`, the role's text).
pub(super) fn password<T>() -> Field<T> {
    Field::NotFilled {
        pos: Pos::default(),
        hint: Some(PASSWORD_PLACEHOLDER.into()),
    }
}

/// How a value is shown in a placeholder's comment: as YAML that means that value, so that
/// deleting `# ` gives it (`'no'`, not `no`, which would load as false).
pub(super) trait HintText {
    /// The value as YAML text.
    fn hint_text(&self) -> String;
}

impl HintText for String {
    fn hint_text(&self) -> String {
        crate::mapping::yaml::emit::string(self)
    }
}

impl HintText for Vec<String> {
    fn hint_text(&self) -> String {
        flow_list(self)
    }
}

macro_rules! plain_hint {
    ($($t:ty),*) => {
        $(impl HintText for $t {
            fn hint_text(&self) -> String {
                self.to_string()
            }
        })*
    };
}

plain_hint!(
    bool,
    u16,
    u32,
    crate::engine::Id,
    crate::engine::StorageType,
    crate::engine::NfsVersion,
    crate::engine::StorageDomainType
);

/// The placeholder for the other site of a field: the hint is the field's value, as YAML.
pub(super) fn hint_of<T: HintText>(field: &Field<T>) -> Field<T> {
    match field.get() {
        Some(v) => hint(v.hint_text()),
        None => blank(),
    }
}

/// A list of names as YAML flow text (`['a', 'b']`), for a hint that can be pasted.
pub(super) fn flow_list(items: &[String]) -> String {
    let quoted: Vec<String> = items
        .iter()
        .map(|t| crate::mapping::yaml::emit::string(t))
        .collect();
    format!("[{}]", quoted.join(", "))
}

/// The portal group tag of a portal as a host reports it (`10.0.0.1:3260,1` → `1`). The role
/// takes the text after the comma and fails when there is none; here a portal without a comma
/// is a tag only when it is a number, and otherwise unknown (the failover then uses the role's
/// default `1`).
pub(super) fn portal_tag(portal: &str) -> Option<String> {
    let portal = portal.trim();
    let tag = match portal.rsplit_once(',') {
        Some((_, t)) => t.trim(),
        None => portal,
    };
    (!tag.is_empty() && tag.bytes().all(|b| b.is_ascii_digit())).then(|| tag.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portal_tag_takes_the_text_after_the_comma_and_never_fails() {
        assert_eq!(portal_tag("10.0.0.1:3260,1").as_deref(), Some("1"));
        assert_eq!(portal_tag("[fd00::1]:3260,17").as_deref(), Some("17"));
        assert_eq!(portal_tag("2").as_deref(), Some("2"));
        assert_eq!(portal_tag("10.0.0.1:3260"), None);
        assert_eq!(portal_tag(""), None);
        assert_eq!(portal_tag("10.0.0.1:3260,"), None);
    }

    #[test]
    fn flow_list_quotes_what_yaml_would_misread() {
        let l = flow_list(&["iqn.2003-01.org:t1".into(), "plain".into()]);
        assert_eq!(l, "['iqn.2003-01.org:t1', plain]");
    }
}
