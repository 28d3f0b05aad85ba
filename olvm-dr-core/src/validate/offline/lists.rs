//! Name, network and LUN mapping rules.

use std::collections::HashMap;

use super::{path, require, storage::chap};
use crate::Site;
use crate::engine::types::StorageType;
use crate::mapping::{Field, Mapping, NameMappingKind, Pos};
use crate::validate::codes;
use crate::validate::findings::Findings;

pub(super) fn check(m: &Mapping, f: &mut Findings) {
    for kind in NameMappingKind::ALL {
        names(m, kind, f);
    }
    networks(m, f);
    luns(m, f);
}

fn names(m: &Mapping, kind: NameMappingKind, f: &mut Findings) {
    let key = kind.key();
    let mut seen: [HashMap<&str, Pos>; 2] = [HashMap::new(), HashMap::new()];
    for e in m.names(kind) {
        let blank = Site::BOTH.iter().all(|s| {
            matches!(
                e.name(*s),
                Field::Missing | Field::NotFilled { hint: None, .. }
            )
        });
        if blank {
            // The generator's blank role entry: nothing to map.
            f.warning(
                codes::NOT_FILLED,
                Some(e.pos),
                format!("{key}[{}]", e.index),
                format!(
                    "this {} mapping entry is empty and is ignored",
                    kind.entity()
                ),
            )
            .hint = Some("fill in both names, or remove the entry".into());
            continue;
        }
        for (n, site) in Site::BOTH.into_iter().enumerate() {
            let k = format!("{site}_name");
            let field = e.name(site);
            if require(
                f,
                field,
                &k,
                path(key, e.index, &k),
                e.pos,
                &format!("the {site} {} name", kind.entity()),
            ) && let Field::Set { value, pos } = field
                && let Some(first) = seen[n].insert(value.as_str(), *pos)
            {
                f.error(
                    codes::DUPLICATE_NAME,
                    Some(*pos),
                    path(key, e.index, &k),
                    format!(
                        "{} '{value}' is mapped twice on the {site} side (first at line {})",
                        kind.entity(),
                        first.line
                    ),
                )
                .hint = Some("keep one entry per name".into());
            }
        }
    }
}

fn networks(m: &Mapping, f: &mut Findings) {
    const KEY: &str = "dr_network_mappings";
    let mut seen: [HashMap<String, Pos>; 2] = [HashMap::new(), HashMap::new()];
    for e in m.networks() {
        for (n, site) in Site::BOTH.into_iter().enumerate() {
            let s = e.site(site);
            let k = |x: &str| format!("{site}_{x}");
            let has_net = require(
                f,
                &s.network_name,
                &k("network_name"),
                path(KEY, e.index, &k("network_name")),
                e.pos,
                &format!("the {site} network name"),
            );
            let has_prof = require(
                f,
                &s.profile_name,
                &k("profile_name"),
                path(KEY, e.index, &k("profile_name")),
                e.pos,
                &format!("the {site} vNIC profile name"),
            );
            if !(has_net && has_prof) {
                continue;
            }
            // The role's duplicate key: profile, network and data center.
            let (Some(net), Some(prof)) = (s.network_name.get(), s.profile_name.get()) else {
                continue;
            };
            let dc = s.network_dc.get().map_or("", String::as_str);
            let pos = s.profile_name.pos().unwrap_or(e.pos);
            if let Some(first) = seen[n].insert(format!("{prof}\u{0}{net}\u{0}{dc}"), pos) {
                f.error(codes::DUPLICATE_NETWORK, Some(pos), path(KEY, e.index, &k("profile_name")), format!("profile '{prof}' of network '{net}'{} is mapped twice on the {site} side (first at line {})", if dc.is_empty() { String::new() } else { format!(" in data center '{dc}'") }, first.line))
                    .hint = Some(format!("keep one entry, or add {} when the names repeat across data centers", k("network_dc")));
            }
        }
    }
}

fn luns(m: &Mapping, f: &mut Findings) {
    const KEY: &str = "dr_lun_mappings";
    let mut seen: [HashMap<&str, Pos>; 2] = [HashMap::new(), HashMap::new()];
    for e in m.luns() {
        for (n, site) in Site::BOTH.into_iter().enumerate() {
            let s = e.site(site);
            let k = |x: &str| format!("{site}_logical_unit_{x}");
            let p = |x: &str| path(KEY, e.index, x);
            if require(
                f,
                &s.logical_unit_id,
                &k("id"),
                p(&k("id")),
                e.pos,
                &format!("the {site} LUN id"),
            ) && let Field::Set { value, pos } = &s.logical_unit_id
                && let Some(first) = seen[n].insert(value.as_str(), *pos)
            {
                f.error(
                    codes::DUPLICATE_LUN,
                    Some(*pos),
                    p(&k("id")),
                    format!(
                        "LUN '{value}' is mapped twice on the {site} side (first at line {})",
                        first.line
                    ),
                );
            }
            let type_key = format!("{site}_storage_type");
            if !require(
                f,
                &s.storage_type,
                &type_key,
                p(&type_key),
                e.pos,
                "iscsi or fcp",
            ) {
                continue;
            }
            let Field::Set { value: t, pos } = &s.storage_type else {
                continue;
            };
            if !t.is_block() {
                f.error(
                    codes::LUN_STORAGE_TYPE,
                    Some(*pos),
                    p(&type_key),
                    format!("a direct LUN's storage type must be iscsi or fcp, not {t}"),
                );
                continue;
            }
            if *t == StorageType::Iscsi {
                for (field, what) in [(&s.address, "address"), (&s.target, "target")] {
                    match field {
                        Field::Missing => {
                            f.error(
                                codes::LUN_ISCSI_CONNECTION,
                                Some(e.pos),
                                p(&k(what)),
                                format!("iSCSI LUN mapping without '{}'", k(what)),
                            )
                            .hint = Some(format!("add {} (the {site} portal's {what})", k(what)));
                        }
                        other => {
                            require(
                                f,
                                other,
                                &k(what),
                                p(&k(what)),
                                e.pos,
                                &format!("the {site} iSCSI {what}"),
                            );
                        }
                    }
                }
                chap(
                    f,
                    &s.username,
                    &s.password,
                    &k("username"),
                    &k("password"),
                    p,
                    e.pos,
                );
            }
        }
    }
}
