//! Search expressions the way the Engine's search backend parses them
//! (`field op value [and field op value …]`).
//!
//! - Names are always double-quoted (`name="my vm"`), as the Ansible modules send them, so that
//!   a name with spaces stays one value.
//! - Enum values are the Engine's internal enum names, matched case-insensitively
//!   (`EnumValueAutoCompleter` upper-cases `VMStatus` constants), so `wait_for_launch` is sent
//!   as `waitforlaunch`. `migrating` has no single internal value (`MigratingFrom`,
//!   `MigratingTo`) and is filtered on the client instead.
//! - The Engine's `=` on strings is a SQL `LIKE`, where `_` matches any character; callers
//!   therefore still filter the answer exactly.
//!
//! Query strings are form-encoded like the SDK's (`urlencode`): spaces become `+`, `=`
//! becomes `%3D`.

use crate::engine::{DiskFilter, VmStatus};

/// A conjunction of search terms.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Search(Vec<String>);

impl Search {
    /// `field="value"`.
    pub(crate) fn name_eq(mut self, field: &str, value: &str) -> Self {
        self.0.push(format!("{field}={}", quote(value)));
        self
    }

    /// `field=value` (an unquoted token).
    pub(crate) fn token_eq(mut self, field: &str, value: &str) -> Self {
        self.0.push(format!("{field}={value}"));
        self
    }

    /// `field!=value`.
    pub(crate) fn token_ne(mut self, field: &str, value: &str) -> Self {
        self.0.push(format!("{field}!={value}"));
        self
    }

    /// `true` when there is no term.
    pub(crate) fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The expression, terms joined with `and`.
    pub(crate) fn expression(&self) -> String {
        self.0.join(" and ")
    }
}

/// `"value"`; a double quote inside (which Engine names cannot contain) is dropped rather than
/// ending the value early.
fn quote(value: &str) -> String {
    let inner: String = value.chars().filter(|c| *c != '"').collect();
    format!("\"{inner}\"")
}

/// The search token for a VM status, or `None` when the Engine has no single value for it.
pub(crate) fn vm_status_token(status: VmStatus) -> Option<String> {
    match status {
        VmStatus::Migrating => None,
        other => Some(other.as_str().replace('_', "")),
    }
}

/// The disk search for `filter` (`disk_type=lun and number_of_vms=0`).
pub(crate) fn disk_search(filter: DiskFilter) -> Search {
    let mut s = Search::default();
    if filter.lun_only {
        s = s.token_eq("disk_type", "lun");
    }
    if filter.unattached_only {
        s = s.token_eq("number_of_vms", "0");
    }
    s
}

/// Form-encodes query parameters (sorted, like the SDK).
pub(crate) fn encode_query(params: &[(&str, &str)]) -> String {
    let mut sorted: Vec<&(&str, &str)> = params.iter().collect();
    sorted.sort_by_key(|(k, _)| *k);
    let mut out = form_urlencoded::Serializer::new(String::new());
    for (k, v) in sorted {
        out.append_pair(k, v);
    }
    out.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expressions_and_encoding() {
        let s = Search::default()
            .name_eq("name", "my vm")
            .token_eq("status", "up")
            .token_ne("status", "down");
        assert_eq!(
            s.expression(),
            r#"name="my vm" and status=up and status!=down"#
        );
        assert_eq!(
            encode_query(&[("search", &s.expression()), ("case_sensitive", "true")]),
            "case_sensitive=true&search=name%3D%22my+vm%22+and+status%3Dup+and+status%21%3Ddown"
        );
        assert_eq!(quote(r#"a"b"#), r#""ab""#);
    }

    #[test]
    fn status_tokens_use_engine_enum_names() {
        assert_eq!(
            vm_status_token(VmStatus::WaitForLaunch).as_deref(),
            Some("waitforlaunch")
        );
        assert_eq!(vm_status_token(VmStatus::Up).as_deref(), Some("up"));
        assert_eq!(
            vm_status_token(VmStatus::ImageLocked).as_deref(),
            Some("imagelocked")
        );
        assert_eq!(vm_status_token(VmStatus::Migrating), None);
    }

    #[test]
    fn disk_searches() {
        let all = DiskFilter {
            lun_only: true,
            unattached_only: true,
        };
        assert_eq!(
            disk_search(all).expression(),
            "disk_type=lun and number_of_vms=0"
        );
        assert!(disk_search(DiskFilter::default()).is_empty());
    }
}
