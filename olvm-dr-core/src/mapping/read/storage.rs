//! Reading `dr_import_storages` entries into one type per `dr_domain_type`.

use super::obj::Obj;
use super::{entries, list_field};
use crate::Site;
use crate::engine::types::{StorageDomainType, StorageType};
use crate::mapping::field::{Field, PerSite};
use crate::mapping::storage::{
    FcpStorage, FileSite, FileStorage, ImportStorage, IscsiSite, IscsiStorage, StorageCommon,
    StorageSite,
};
use crate::mapping::yaml::{Key, Node, Pos};
use crate::validate::codes;
use crate::validate::findings::Findings;

const KEY: &str = "dr_import_storages";

/// The storage types the role can import, as `dr_domain_type` spells them.
const DOMAIN_TYPES: &str = "nfs, glusterfs, posixfs, iscsi, fcp";

/// Per-site key suffixes of each type (`dr_{site}_{suffix}`), beyond name, dc_name, master.
fn site_suffixes(t: StorageType) -> &'static [&'static str] {
    match t {
        StorageType::Nfs | StorageType::Glusterfs => {
            &["address", "path", "mount_options", "version"]
        }
        StorageType::Posixfs => &["address", "path", "vfs_type", "mount_options", "version"],
        StorageType::Iscsi => &["address", "port", "target", "username", "password"],
        _ => &[],
    }
}

/// Keys of the entry itself (not per site) of each type, beyond the common ones.
fn own_keys(t: StorageType) -> &'static [&'static str] {
    if t.is_block() {
        &["dr_discard_after_delete", "dr_domain_id"]
    } else {
        &[]
    }
}

const TYPES: [StorageType; 5] = [
    StorageType::Nfs,
    StorageType::Glusterfs,
    StorageType::Posixfs,
    StorageType::Iscsi,
    StorageType::Fcp,
];

/// Keys every type reads.
const COMMON: &[&str] = &[
    "dr_domain_type",
    "dr_storage_domain_type",
    "dr_wipe_after_delete",
    "dr_backup",
    "dr_critical_space_action_blocker",
    "dr_warning_low_space",
    "dr_master_domain",
];

/// Every key some storage type reads.
fn all_keys() -> Vec<String> {
    let mut keys: Vec<String> = Vec::new();
    for t in TYPES {
        for k in keys_of(t) {
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
    }
    keys
}

/// The keys type `t` reads: for telling "belongs to another type" from "unknown".
fn keys_of(t: StorageType) -> Vec<String> {
    let mut keys: Vec<String> = COMMON
        .iter()
        .chain(own_keys(t))
        .map(|k| (*k).to_owned())
        .collect();
    for site in Site::BOTH {
        for suffix in ["name", "dc_name", "master_domain"]
            .iter()
            .chain(site_suffixes(t))
        {
            keys.push(format!("dr_{site}_{suffix}"));
        }
    }
    keys
}

pub(super) fn read_list(o: &mut Obj<'_, '_>) -> Field<Vec<ImportStorage>> {
    list_field(o, KEY, true, |o, items| {
        let mut out = Vec::with_capacity(items.len());
        entries(o, KEY, items, |f, e, pos, path, index| {
            if let Some(s) = read_one(f, e, pos, path, index) {
                out.push(s);
            }
        });
        out
    })
}

fn read_one(
    f: &mut Findings,
    entries: &[(Key, Node)],
    pos: Pos,
    path: String,
    index: usize,
) -> Option<ImportStorage> {
    let mut o = Obj::new(entries, path, f);
    let kind = domain_type(&mut o, pos);
    let common = read_common(&mut o, pos, index);
    let storage = match kind {
        Some(t @ (StorageType::Nfs | StorageType::Glusterfs | StorageType::Posixfs)) => {
            let file = FileStorage {
                sites: PerSite::from_fn(|site| read_file_site(&mut o, site, t)),
                common,
            };
            Some(match t {
                StorageType::Nfs => ImportStorage::Nfs(file),
                StorageType::Glusterfs => ImportStorage::Glusterfs(file),
                _ => ImportStorage::Posixfs(file),
            })
        }
        Some(StorageType::Iscsi) => Some(ImportStorage::Iscsi(IscsiStorage {
            discard_after_delete: o.boolean("dr_discard_after_delete"),
            domain_id: o.id("dr_domain_id"),
            sites: PerSite::from_fn(|site| read_iscsi_site(&mut o, site)),
            common,
        })),
        Some(StorageType::Fcp) => Some(ImportStorage::Fcp(FcpStorage {
            discard_after_delete: o.boolean("dr_discard_after_delete"),
            domain_id: o.id("dr_domain_id"),
            common,
        })),
        _ => None,
    };
    // Keys of the other types: a warning of their own, not "unknown".
    let all = all_keys();
    let mine: Vec<String> = kind.map(keys_of).unwrap_or_default();
    let others: Vec<&str> = all
        .iter()
        .map(String::as_str)
        .filter(|k| !mine.iter().any(|m| m == k))
        .collect();
    if let Some(t) = kind {
        for (k, _) in entries
            .iter()
            .filter(|(k, _)| others.contains(&k.text.as_str()))
        {
            let key_path = o.key_path(&k.text);
            o.f.warning(
                codes::KEY_NOT_FOR_TYPE,
                Some(k.pos),
                key_path,
                format!("'{}' is not used for {t} domains", k.text),
            )
            .hint = Some("remove it, or check dr_domain_type".into());
        }
    }
    let all_refs: Vec<&str> = all.iter().map(String::as_str).collect();
    let extra = o.finish(&all_refs, &others);
    storage.map(|mut s| {
        match &mut s {
            ImportStorage::Nfs(x) | ImportStorage::Glusterfs(x) | ImportStorage::Posixfs(x) => {
                x.common.extra = extra;
            }
            ImportStorage::Iscsi(x) => x.common.extra = extra,
            ImportStorage::Fcp(x) => x.common.extra = extra,
        }
        s
    })
}

fn domain_type(o: &mut Obj<'_, '_>, entry: Pos) -> Option<StorageType> {
    let field = o.text("dr_domain_type");
    let path = o.key_path("dr_domain_type");
    match field {
        Field::Set { value, pos } => {
            let t = value
                .trim()
                .parse::<StorageType>()
                .ok()
                .filter(|t| TYPES.contains(t));
            if t.is_none() {
                o.f.error(
                    codes::UNKNOWN_DOMAIN_TYPE,
                    Some(pos),
                    path,
                    format!(
                        "dr_domain_type '{value}' cannot be recovered (the role would skip this \
                         domain silently)"
                    ),
                )
                .hint = Some(format!(
                    "use one of: {DOMAIN_TYPES}; remove local or managed storage"
                ));
            }
            t
        }
        Field::Missing => {
            o.f.error(
                codes::MISSING_KEY,
                Some(entry),
                path,
                "the entry has no 'dr_domain_type'",
            )
            .hint = Some(format!("add dr_domain_type: one of {DOMAIN_TYPES}"));
            None
        }
        Field::NotFilled { pos, .. } => {
            o.f.error(
                codes::NOT_FILLED,
                Some(pos),
                path,
                "'dr_domain_type' is not filled in",
            )
            .hint = Some(format!("one of {DOMAIN_TYPES}"));
            None
        }
        Field::Invalid { .. } => None,
    }
}

fn read_common(o: &mut Obj<'_, '_>, pos: Pos, index: usize) -> StorageCommon {
    let storage_domain_type =
        o.parsed::<StorageDomainType>("dr_storage_domain_type", "data, iso, export");
    let wipe_after_delete = o.boolean("dr_wipe_after_delete");
    let backup = o.boolean("dr_backup");
    let critical_space_action_blocker = o.uint("dr_critical_space_action_blocker");
    let warning_low_space = o.uint("dr_warning_low_space");
    let mut sites = PerSite::from_fn(|site| StorageSite {
        name: o.text(&format!("dr_{site}_name")),
        dc_name: o.text(&format!("dr_{site}_dc_name")),
        master_domain: o.boolean(&format!("dr_{site}_master_domain")),
    });
    let legacy = o.boolean("dr_master_domain");
    if let Some(legacy_pos) = legacy.pos() {
        let path = o.key_path("dr_master_domain");
        o.f.warning(
            codes::DEPRECATED_KEY,
            Some(legacy_pos),
            path,
            "'dr_master_domain' is the old spelling; it applies to both sites here",
        )
        .hint = Some("use dr_primary_master_domain and dr_secondary_master_domain".into());
        for site in Site::BOTH {
            let s = sites.get_mut(site);
            if s.master_domain.is_missing() {
                s.master_domain = legacy.clone();
            }
        }
    }
    StorageCommon {
        pos,
        index,
        storage_domain_type,
        wipe_after_delete,
        backup,
        critical_space_action_blocker,
        warning_low_space,
        sites,
        extra: Vec::new(),
    }
}

fn read_file_site(o: &mut Obj<'_, '_>, site: Site, t: StorageType) -> FileSite {
    let k = |s: &str| format!("dr_{site}_{s}");
    FileSite {
        address: o.text(&k("address")),
        path: o.text(&k("path")),
        vfs_type: if t == StorageType::Posixfs {
            o.text(&k("vfs_type"))
        } else {
            Field::Missing
        },
        mount_options: o.text(&k("mount_options")),
        version: o.parsed(&k("version"), "auto, v3, v4, v4_0, v4_1, v4_2"),
    }
}

fn read_iscsi_site(o: &mut Obj<'_, '_>, site: Site) -> IscsiSite {
    let k = |s: &str| format!("dr_{site}_{s}");
    IscsiSite {
        address: o.text(&k("address")),
        port: o.uint(&k("port")),
        targets: o.text_list(&k("target")),
        username: o.text(&k("username")),
        password: o.secret(&k("password")),
    }
}
