//! `dr_import_storages`: one entry per data domain attached to a data center, in the role's
//! layout; hosted-engine, export and unsupported domains written commented out with the reason.

use std::collections::HashSet;

use super::placeholder::{blank, hint_of, password, set};
use crate::engine::{DataCenter, Id, NfsVersion, StorageDomain, StorageDomainType, StorageType};
use crate::inventory::Inventory;
use crate::mapping::yaml::emit;
use crate::mapping::{
    FcpStorage, Field, FileSite, FileStorage, ImportStorage, IscsiSite, IscsiStorage, PerSite,
    StorageCommon, StorageSite,
};
use crate::validate::codes;
use crate::{Diagnostic, Location, Site};

/// The entries, the comment lines of the domains left out, and findings.
#[derive(Debug, Default)]
pub(super) struct Storages {
    pub(super) entries: Vec<ImportStorage>,
    pub(super) left_out: Vec<String>,
    pub(super) left_out_count: usize,
    pub(super) diagnostics: Vec<Diagnostic>,
}

/// Why a domain is not an entry, or `None` when it is one.
fn left_out_reason(d: &StorageDomain, hosted: &HashSet<Id>) -> Option<String> {
    if hosted.contains(&d.id) {
        return Some(
            "The hosted-engine storage domain cannot be part of disaster recovery (each site runs its own hosted engine):"
                .into(),
        );
    }
    if d.kind == StorageDomainType::Export {
        return Some("Export domains cannot be part of disaster recovery; a data center with an export domain may affect failback:".into());
    }
    match d.storage.storage_type {
        Some(t) if t.is_block() || t.is_file() => None,
        Some(t) => Some(format!(
            "Storage type '{t}' cannot be imported on another site (only nfs, glusterfs, posixfs, iscsi and fcp):"
        )),
        None => Some("The Engine reports no storage type for this domain:".into()),
    }
}

/// Every attached domain of every data center, data centers and domains in name order.
pub(super) fn build(inv: &Inventory) -> Storages {
    let hosted = inv.hosted_engine_domains();
    let mut dcs: Vec<&DataCenter> = inv.data_centers.iter().collect();
    dcs.sort_by(|a, b| a.name.cmp(&b.name));
    let mut out = Storages::default();
    for dc in dcs {
        let mut domains: Vec<&StorageDomain> = inv
            .attached
            .iter()
            .filter(|(d, _)| *d == dc.id)
            .map(|(_, sd)| sd)
            .collect();
        domains.sort_by(|a, b| a.name.cmp(&b.name));
        for d in domains {
            if let Some(reason) = left_out_reason(d, &hosted) {
                left_out(&mut out, d, dc, reason);
                continue;
            }
            let index = out.entries.len();
            if let Some(entry) = entry(d, dc, index, &mut out.diagnostics) {
                out.entries.push(entry);
            }
        }
    }
    out
}

fn left_out(out: &mut Storages, d: &StorageDomain, dc: &DataCenter, reason: String) {
    let t = d
        .storage
        .storage_type
        .map_or_else(|| "unknown".to_owned(), |t| t.to_string());
    if out.left_out_count > 0 {
        out.left_out.push(String::new());
    }
    out.left_out_count += 1;
    let why = reason.trim_end_matches(':').to_owned();
    out.left_out.push(reason);
    out.left_out
        .push(format!("- dr_domain_type: {}", emit::string(&t)));
    out.left_out
        .push(format!("  dr_primary_name: {}", emit::string(&d.name)));
    out.left_out
        .push(format!("  dr_primary_dc_name: {}", emit::string(&dc.name)));
    out.diagnostics.push(
        Diagnostic::info(
            codes::GENERATE_DOMAIN_LEFT_OUT,
            format!(
                "storage domain '{}' of data center '{}' is written commented out. {why}",
                d.name, dc.name
            ),
        )
        .at(Location {
            site: Some(Site::Primary),
            entity: Some(format!("storage domain '{}'", d.name)),
            key: Some("dr_import_storages".into()),
            ..Location::default()
        }),
    );
}

fn common(d: &StorageDomain, dc: &DataCenter, index: usize) -> StorageCommon {
    let primary = StorageSite {
        name: set(d.name.clone()),
        dc_name: set(dc.name.clone()),
        master_domain: set(d.master),
    };
    let secondary = StorageSite {
        name: hint_of(&primary.name),
        dc_name: hint_of(&primary.dc_name),
        master_domain: hint_of(&primary.master_domain),
    };
    StorageCommon {
        index,
        storage_domain_type: set(d.kind),
        wipe_after_delete: set(d.wipe_after_delete),
        backup: set(d.backup),
        critical_space_action_blocker: set(d.critical_space_action_blocker),
        warning_low_space: set(d.warning_low_space_indicator),
        sites: PerSite { primary, secondary },
        ..StorageCommon::default()
    }
}

fn entry(
    d: &StorageDomain,
    dc: &DataCenter,
    index: usize,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<ImportStorage> {
    let c = common(d, dc, index);
    let t = d.storage.storage_type?;
    Some(match t {
        StorageType::Nfs | StorageType::Glusterfs | StorageType::Posixfs => {
            let primary = file_site(d, t);
            let secondary = FileSite {
                address: hint_of(&primary.address),
                path: hint_of(&primary.path),
                vfs_type: hint_of(&primary.vfs_type),
                mount_options: hint_of_present(&primary.mount_options),
                version: hint_of_present(&primary.version),
            };
            let f = FileStorage {
                common: c,
                sites: PerSite { primary, secondary },
            };
            match t {
                StorageType::Nfs => ImportStorage::Nfs(f),
                StorageType::Glusterfs => ImportStorage::Glusterfs(f),
                _ => ImportStorage::Posixfs(f),
            }
        }
        StorageType::Iscsi => {
            let primary = iscsi_site(d, dc, diagnostics);
            let secondary = IscsiSite {
                address: hint_of(&primary.address),
                port: hint_of(&primary.port),
                targets: hint_of(&primary.targets),
                username: hint_of_present(&primary.username),
                password: if primary.username.is_set() {
                    password()
                } else {
                    Field::Missing
                },
            };
            ImportStorage::Iscsi(IscsiStorage {
                common: c,
                discard_after_delete: set(d.discard_after_delete),
                domain_id: set(d.id),
                sites: PerSite { primary, secondary },
            })
        }
        _ => ImportStorage::Fcp(FcpStorage {
            common: c,
            discard_after_delete: set(d.discard_after_delete),
            domain_id: set(d.id),
        }),
    })
}

/// A hint for a key the primary has; nothing for one it does not have.
fn hint_of_present<T: super::placeholder::HintText>(field: &Field<T>) -> Field<T> {
    if field.is_set() {
        hint_of(field)
    } else {
        Field::Missing
    }
}

fn text(value: &Option<String>) -> Field<String> {
    match value.as_deref().map(str::trim) {
        Some(v) if !v.is_empty() => set(v.to_owned()),
        _ => blank(),
    }
}

fn file_site(d: &StorageDomain, t: StorageType) -> FileSite {
    let s = &d.storage;
    FileSite {
        address: text(&s.address),
        path: text(&s.path),
        vfs_type: if t == StorageType::Posixfs {
            text(&s.vfs_type)
        } else {
            Field::Missing
        },
        mount_options: match s.mount_options.as_deref().map(str::trim) {
            Some(o) if !o.is_empty() => set(o.to_owned()),
            _ => Field::Missing,
        },
        // `auto` is the Engine's default: writing it would say nothing.
        version: match s.nfs_version {
            Some(v) if t == StorageType::Nfs && v != NfsVersion::Auto => set(v),
            _ => Field::Missing,
        },
    }
}

/// The portal of the domain's first LUN, and the unique targets of all its LUNs (the role's
/// choice: one portal per domain).
fn iscsi_site(d: &StorageDomain, dc: &DataCenter, diagnostics: &mut Vec<Diagnostic>) -> IscsiSite {
    let lus = &d.storage.logical_units;
    let first = lus.iter().find(|l| l.address.is_some());
    let mut targets: Vec<String> = Vec::new();
    for t in lus.iter().filter_map(|l| l.target.clone()) {
        if !targets.contains(&t) {
            targets.push(t);
        }
    }
    targets.sort();
    if first.is_none() || targets.is_empty() {
        diagnostics.push(
            Diagnostic::warning(
                codes::GENERATE_FACTS_UNKNOWN,
                format!(
                    "the Engine reports no iSCSI portal or target for storage domain '{}' of data center '{}'",
                    d.name, dc.name
                ),
            )
            .at(Location {
                site: Some(Site::Primary),
                entity: Some(format!("storage domain '{}'", d.name)),
                ..Location::default()
            })
            .with_hint("fill in dr_primary_address and dr_primary_target by hand"),
        );
    }
    let username = first
        .and_then(|l| l.username.clone())
        .filter(|u| !u.trim().is_empty());
    IscsiSite {
        address: first.map_or_else(blank, |l| text(&l.address)),
        port: match first.and_then(|l| l.port) {
            Some(p) => set(p),
            None => Field::Missing,
        },
        targets: if targets.is_empty() {
            blank()
        } else {
            set(targets)
        },
        password: if username.is_some() {
            password()
        } else {
            Field::Missing
        },
        username: username.map_or(Field::Missing, set),
    }
}
