//! Restricting a flow to some of the mapped domains (`--domains`), e.g. a drill's dedicated test
//! domains.

use crate::Site;
use crate::mapping::{ImportStorage, Mapping};

/// `true` when `storage` is selected: no selection, or its name on either site is in `only`.
pub(crate) fn selected(storage: &ImportStorage, only: Option<&[String]>) -> bool {
    only.is_none_or(|names| {
        Site::BOTH
            .iter()
            .filter_map(|s| storage.name(*s).get())
            .any(|n| names.iter().any(|x| x == n))
    })
}

/// The names in `only` that name no storage entry of `mapping`.
pub(crate) fn unknown(mapping: &Mapping, only: Option<&[String]>) -> Vec<String> {
    let Some(names) = only else { return Vec::new() };
    names
        .iter()
        .filter(|n| {
            !mapping
                .storages()
                .iter()
                .any(|s| selected(s, Some(std::slice::from_ref(n))))
        })
        .cloned()
        .collect()
}
