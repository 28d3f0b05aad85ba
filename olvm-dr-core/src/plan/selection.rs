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

/// A VM whose disks are on both sides of a domain selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SplitVm {
    /// VM name.
    pub(crate) vm: String,
    /// Its selected domains, by name.
    pub(crate) inside: Vec<String>,
    /// Its mapped domains the selection leaves out, by name.
    pub(crate) outside: Vec<String>,
}

/// The VMs of `site` that a run restricted to `only` would split: disks on a selected mapped
/// domain and on a mapped domain left out. Releasing only part of such a VM's domains takes
/// the disks on them out of the VM (`Remove_Entities_From_storage_domain`, ovirt-engine
/// `storages_sp.sql`), and bringing only part of them registers it without the rest.
pub(crate) async fn split_vms(
    mapping: &Mapping,
    site: Site,
    engine: &dyn crate::engine::Engine,
    only: Option<&[String]>,
) -> crate::engine::EngineResult<Vec<SplitVm>> {
    let Some(names) = only else {
        return Ok(Vec::new());
    };
    let domains = engine.storage_domains().await?;
    let mut inside: Vec<(crate::engine::Id, String)> = Vec::new();
    let mut outside: Vec<(crate::engine::Id, String)> = Vec::new();
    for storage in mapping.storages() {
        let Some(name) = storage.name(site).get() else {
            continue;
        };
        let Some(d) = domains.iter().find(|d| &d.name == name) else {
            continue;
        };
        if selected(storage, Some(names)) {
            inside.push((d.id, d.name.clone()));
        } else {
            outside.push((d.id, d.name.clone()));
        }
    }
    if outside.is_empty() {
        return Ok(Vec::new());
    }
    let mut out: Vec<SplitVm> = Vec::new();
    for (id, _) in &inside {
        let search = crate::engine::VmSearch {
            storage_domain: Some(*id),
            ..crate::engine::VmSearch::default()
        };
        for vm in engine.vms(&search).await? {
            if out.iter().any(|s| s.vm == vm.name) {
                continue;
            }
            let names_of = |set: &[(crate::engine::Id, String)]| -> Vec<String> {
                set.iter()
                    .filter(|(d, _)| vm.storage_domains.contains(d))
                    .map(|(_, n)| n.clone())
                    .collect()
            };
            let left_out = names_of(&outside);
            if !left_out.is_empty() {
                out.push(SplitVm {
                    vm: vm.name.clone(),
                    inside: names_of(&inside),
                    outside: left_out,
                });
            }
        }
    }
    Ok(out)
}

/// The planning problem of `splits` (code [`PLAN_SPLITS_VM`](crate::validate::codes::PLAN_SPLITS_VM)).
pub(crate) fn split_problem(splits: &[SplitVm], site: Site) -> Option<crate::Diagnostic> {
    if splits.is_empty() {
        return None;
    }
    let mut missing: Vec<&str> = splits
        .iter()
        .flat_map(|s| s.outside.iter().map(String::as_str))
        .collect();
    missing.sort_unstable();
    missing.dedup();
    let listed: Vec<String> = splits
        .iter()
        .take(5)
        .map(|s| {
            format!(
                "'{}' (on '{}' and '{}')",
                s.vm,
                s.inside.join("', '"),
                s.outside.join("', '")
            )
        })
        .collect();
    let more = splits.len().saturating_sub(5);
    Some(
        crate::Diagnostic::error(
            crate::validate::codes::PLAN_SPLITS_VM,
            format!(
                "the domain selection splits {} VM(s) of the {site} site between selected and left-out domains: {}{}; \
                 the run would take their disks on one side away from them",
                splits.len(),
                listed.join(", "),
                if more > 0 { format!(" and {more} more") } else { String::new() }
            ),
        )
        .with_hint(format!(
            "add '{}' to --domains, or move those disks so that each VM lives on selected domains only",
            missing.join("', '")
        )),
    )
}
