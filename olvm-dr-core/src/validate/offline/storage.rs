//! `dr_import_storages` rules: required keys per type and site, hosted-engine and export
//! domains, duplicates, and one master domain per target data center.

use std::collections::HashMap;

use super::{path, require};
use crate::Site;
use crate::engine::types::StorageDomainType;
use crate::mapping::{Field, ImportStorage, Mapping, Pos};
use crate::validate::codes;
use crate::validate::findings::Findings;

const LIST: &str = "dr_import_storages";
/// The name the Engine gives the hosted-engine storage domain.
const HOSTED_STORAGE: &str = "hosted_storage";

pub(super) fn check(m: &Mapping, f: &mut Findings) {
    for s in m.storages() {
        entry(s, f);
    }
    duplicates(m, f);
    masters(m, f);
}

fn entry(s: &ImportStorage, f: &mut Findings) {
    let c = s.common();
    let (pos, i) = (c.pos, c.index);
    let t = s.storage_type();
    let p = |k: &str| path(LIST, i, k);
    if t.is_file() {
        require(
            f,
            &c.storage_domain_type,
            "dr_storage_domain_type",
            p("dr_storage_domain_type"),
            pos,
            "the domain's function (data, iso)",
        );
    }
    if let Field::Set {
        value: StorageDomainType::Export,
        pos: vpos,
    } = &c.storage_domain_type
    {
        f.error(codes::EXPORT_DOMAIN, Some(*vpos), p("dr_storage_domain_type"), "export storage domains cannot be part of disaster recovery")
            .hint = Some("remove this entry (export domains are deprecated; move their content to a data domain)".into());
    }
    require(
        f,
        &c.wipe_after_delete,
        "dr_wipe_after_delete",
        p("dr_wipe_after_delete"),
        pos,
        "true or false",
    );
    require(
        f,
        &c.backup,
        "dr_backup",
        p("dr_backup"),
        pos,
        "true or false",
    );
    require(
        f,
        &c.critical_space_action_blocker,
        "dr_critical_space_action_blocker",
        p("dr_critical_space_action_blocker"),
        pos,
        "GiB",
    );
    if t != crate::engine::types::StorageType::Nfs {
        require(
            f,
            &c.warning_low_space,
            "dr_warning_low_space",
            p("dr_warning_low_space"),
            pos,
            "percent",
        );
    }
    for site in Site::BOTH {
        let k = |n: &str| format!("dr_{site}_{n}");
        let ss = c.sites.get(site);
        if t.is_file() {
            require(
                f,
                &ss.name,
                &k("name"),
                p(&k("name")),
                pos,
                &format!("the domain's name on the {site} site"),
            );
        }
        require(
            f,
            &ss.dc_name,
            &k("dc_name"),
            p(&k("dc_name")),
            pos,
            &format!("the {site} data center"),
        );
        match &ss.master_domain {
            Field::Missing => {
                require(
                    f,
                    &ss.master_domain,
                    &k("master_domain"),
                    p(&k("master_domain")),
                    pos,
                    "true or false",
                );
            }
            // A bare null is "not master" for the role; a generator placeholder still waits
            // for an answer.
            Field::NotFilled { hint: Some(_), .. } => {
                require(
                    f,
                    &ss.master_domain,
                    &k("master_domain"),
                    p(&k("master_domain")),
                    pos,
                    "true or false",
                );
            }
            _ => {}
        }
        if let Field::Set { value, pos: vpos } = &ss.name
            && value == HOSTED_STORAGE
        {
            f.error(
                codes::HOSTED_STORAGE,
                Some(*vpos),
                p(&k("name")),
                "the hosted-engine storage domain cannot be part of disaster recovery",
            )
            .hint = Some("remove this entry".into());
        }
    }
    match s {
        ImportStorage::Nfs(x) | ImportStorage::Glusterfs(x) | ImportStorage::Posixfs(x) => {
            for site in Site::BOTH {
                let k = |n: &str| format!("dr_{site}_{n}");
                let fs = x.site(site);
                require(
                    f,
                    &fs.address,
                    &k("address"),
                    p(&k("address")),
                    pos,
                    &format!("the {site} storage server"),
                );
                require(
                    f,
                    &fs.path,
                    &k("path"),
                    p(&k("path")),
                    pos,
                    &format!("the {site} export path"),
                );
                if matches!(s, ImportStorage::Posixfs(_)) {
                    require(
                        f,
                        &fs.vfs_type,
                        &k("vfs_type"),
                        p(&k("vfs_type")),
                        pos,
                        "the POSIX file-system type",
                    );
                }
                if !matches!(s, ImportStorage::Nfs(_))
                    && let Field::Set { pos: vpos, .. } = &fs.version
                {
                    f.warning(
                        codes::KEY_NOT_FOR_TYPE,
                        Some(*vpos),
                        p(&k("version")),
                        format!(
                            "'{}' (the NFS version) is not used for {t} domains",
                            k("version")
                        ),
                    )
                    .hint = Some("remove it".into());
                }
            }
        }
        ImportStorage::Iscsi(x) => {
            block_keys(f, &x.discard_after_delete, &x.domain_id, &p, pos);
            for site in Site::BOTH {
                let k = |n: &str| format!("dr_{site}_{n}");
                let is = x.site(site);
                require(
                    f,
                    &is.address,
                    &k("address"),
                    p(&k("address")),
                    pos,
                    &format!("the {site} iSCSI portal"),
                );
                if require(
                    f,
                    &is.targets,
                    &k("target"),
                    p(&k("target")),
                    pos,
                    &format!("the {site} iSCSI target list"),
                ) && let Field::Set { value, pos: vpos } = &is.targets
                    && value.iter().all(|t| t.trim().is_empty())
                {
                    f.error(
                        codes::NOT_FILLED,
                        Some(*vpos),
                        p(&k("target")),
                        format!("'{}' lists no target", k("target")),
                    )
                    .hint = Some("list the target IQNs: [\"iqn...\"]".into());
                }
                chap(
                    f,
                    &is.username,
                    &is.password,
                    &k("username"),
                    &k("password"),
                    |n| p(n),
                    pos,
                );
            }
        }
        ImportStorage::Fcp(x) => {
            block_keys(f, &x.discard_after_delete, &x.domain_id, &p, pos);
        }
    }
}

/// The keys of block domains (iSCSI, FC) beyond the common ones.
fn block_keys(
    f: &mut Findings,
    discard_after_delete: &Field<bool>,
    domain_id: &Field<crate::engine::types::Id>,
    p: &impl Fn(&str) -> String,
    pos: Pos,
) {
    let discard = "dr_discard_after_delete";
    require(
        f,
        discard_after_delete,
        discard,
        p(discard),
        pos,
        "true or false",
    );
    let id = "dr_domain_id";
    require(f, domain_id, id, p(id), pos, "the domain's UUID");
}

/// CHAP needs both the user and the password, or neither.
pub(super) fn chap<A, B>(
    f: &mut Findings,
    user: &Field<A>,
    password: &Field<B>,
    user_key: &str,
    password_key: &str,
    p: impl Fn(&str) -> String,
    entry: Pos,
) {
    if user.is_set() && !password.is_set() && !matches!(password, Field::Invalid { .. }) {
        if password.is_not_filled() {
            super::require(
                f,
                password,
                password_key,
                p(password_key),
                entry,
                "the CHAP password",
            );
        } else {
            f.error(
                codes::CHAP_INCOMPLETE,
                user.pos(),
                p(user_key),
                format!("'{user_key}' is set but '{password_key}' is missing"),
            )
            .hint = Some(format!(
                "add {password_key} (in the passwords file, or as a !vault value)"
            ));
        }
    } else if password.is_set() && !user.is_set() {
        f.error(
            codes::CHAP_INCOMPLETE,
            password.pos(),
            p(password_key),
            format!("'{password_key}' is set but '{user_key}' is not"),
        )
        .hint = Some(format!("add {user_key}"));
    }
}

fn duplicates(m: &Mapping, f: &mut Findings) {
    for site in Site::BOTH {
        let mut seen: HashMap<&str, Pos> = HashMap::new();
        for s in m.storages() {
            if let Field::Set { value, pos } = s.name(site)
                && let Some(first) = seen.insert(value.as_str(), *pos)
            {
                let key = format!("dr_{site}_name");
                f.error(codes::DUPLICATE_STORAGE, Some(*pos), path(LIST, s.common().index, &key), format!("storage domain '{value}' is listed twice on the {site} site (first at line {})", first.line))
                    .hint = Some("list each domain once".into());
            }
        }
    }
    let mut ids: HashMap<String, Pos> = HashMap::new();
    for s in m.storages() {
        if let Some(Field::Set { value, pos }) = s.domain_id()
            && let Some(first) = ids.insert(value.to_string(), *pos)
        {
            f.error(
                codes::DUPLICATE_DOMAIN_ID,
                Some(*pos),
                path(LIST, s.common().index, "dr_domain_id"),
                format!(
                    "dr_domain_id {value} is listed twice (first at line {})",
                    first.line
                ),
            );
        }
    }
}

/// At most one master per data center and site; a data center with data domains and no master
/// is a warning (the Engine then picks the first data domain attached).
fn masters(m: &Mapping, f: &mut Findings) {
    for site in Site::BOTH {
        let mut by_dc: Vec<(&str, Vec<&ImportStorage>)> = Vec::new();
        for s in m.storages() {
            let Some(dc) = s.dc_name(site).get() else {
                continue;
            };
            if matches!(
                s.common().storage_domain_type.get(),
                Some(StorageDomainType::Iso | StorageDomainType::Export)
            ) {
                continue;
            }
            match by_dc.iter_mut().find(|(d, _)| *d == dc) {
                Some((_, list)) => list.push(s),
                None => by_dc.push((dc, vec![s])),
            }
        }
        let key = format!("dr_{site}_master_domain");
        for (dc, list) in by_dc {
            let masters: Vec<&&ImportStorage> = list.iter().filter(|s| s.is_master(site)).collect();
            for extra in masters.iter().skip(1) {
                f.error(
                    codes::SEVERAL_MASTERS,
                    extra.master_domain(site).pos(),
                    path(LIST, extra.common().index, &key),
                    format!(
                        "data center '{dc}' has more than one master domain on the {site} site"
                    ),
                )
                .hint = Some(
                    "a data center has exactly one master domain: set the others to false".into(),
                );
            }
            if masters.is_empty() {
                let first = list[0];
                let all_answered = list.iter().all(|s| {
                    !matches!(
                        s.master_domain(site),
                        Field::NotFilled { hint: Some(_), .. }
                    )
                });
                if all_answered {
                    f.warning(codes::NO_MASTER, Some(first.pos()), path(LIST, first.common().index, &key), format!("data center '{dc}' has no master domain on the {site} site"))
                        .hint = Some("mark the domain that should become master with true; otherwise the Engine picks the first data domain attached".into());
                }
            }
        }
    }
}
