//! Storage entries. On the source: the domain is there, attached to the data center the
//! mapping names, with the mapping's connection facts (they are the facts used when the source
//! becomes the target, on failback). On the target: no replicated domain is attached yet, and
//! each target data center has an UP host to import the domains with.

use std::collections::HashSet;

use super::out::Out;
use super::{Ctx, SiteView};
use crate::engine::{Id, StorageDomain};
use crate::mapping::{DEFAULT_ISCSI_PORT, Field, ImportStorage};
use crate::validate::codes;
use crate::{Severity, Site};

const LIST: &str = "dr_import_storages";

/// The domain of a storage entry on `site`: by `dr_domain_id` for block domains (the id is the
/// same on both sites), by `dr_{site}_name` and storage type otherwise.
pub(crate) fn find<'a>(
    st: &ImportStorage,
    site: Site,
    v: &SiteView<'a>,
) -> Option<&'a StorageDomain> {
    if let Some(field) = st.domain_id() {
        return field.get().and_then(|id| v.idx.domain(*id));
    }
    let name = st.name(site).get()?;
    v.idx
        .domains_named(name)
        .iter()
        .copied()
        .find(|d| d.storage.storage_type == Some(st.storage_type()))
}

/// The ids of the domains of the mapping on `site`.
pub(crate) fn mapped_ids(ctx: &Ctx<'_>, site: Site) -> HashSet<Id> {
    let Some(v) = ctx.view(site) else {
        return HashSet::new();
    };
    ctx.m
        .storages()
        .iter()
        .filter_map(|st| find(st, site, v))
        .map(|d| d.id)
        .collect()
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    let source_ids = source(ctx, out);
    target(ctx, out, &source_ids);
}

fn path_eq(a: &str, b: &str) -> bool {
    let t = |s: &str| s.trim().trim_end_matches('/').to_owned();
    t(a) == t(b)
}

/// Checks the source side; returns the ids found there (file domains keep their id across the
/// replication too, which finds them at the target under any name).
fn source(ctx: &Ctx<'_>, out: &mut Out) -> Vec<Option<Id>> {
    let site = ctx.source;
    let Some(v) = ctx.view(site) else {
        return Vec::new();
    };
    let mut ids = Vec::new();
    for st in ctx.m.storages() {
        let i = st.common().index;
        let name = st.name(site).get();
        let label = name.map_or_else(
            || {
                st.domain_id()
                    .and_then(Field::get)
                    .map_or_else(String::new, Id::to_string)
            },
            Clone::clone,
        );
        let entity = format!("storage domain '{label}'");
        let at = (Some(st.pos()), format!("{LIST}[{i}]"));
        let Some(d) = find(st, site, v) else {
            ids.push(None);
            if name.is_none() && st.domain_id().and_then(Field::get).is_none() {
                continue;
            }
            out.error(
                codes::DOMAIN_NOT_ON_SOURCE,
                site,
                entity,
                at,
                format!("storage domain '{label}' is not on the {site} site (the source)"),
            )
            .hint = Some(format!(
                "check dr_{site}_name (and dr_domain_id for block domains)"
            ));
            continue;
        };
        ids.push(Some(d.id));
        let mut diffs: Vec<String> = Vec::new();
        if let Some(n) = name
            && *n != d.name
        {
            diffs.push(format!("name '{n}', the Engine says '{}'", d.name));
        }
        let c = &d.storage;
        match st {
            ImportStorage::Nfs(f) | ImportStorage::Glusterfs(f) | ImportStorage::Posixfs(f) => {
                let s = f.site(site);
                let pairs = [
                    ("address", s.address.get(), c.address.as_ref()),
                    ("path", s.path.get(), c.path.as_ref()),
                    ("vfs_type", s.vfs_type.get(), c.vfs_type.as_ref()),
                ];
                for (what, mine, theirs) in pairs {
                    if let (Some(mine), Some(theirs)) = (mine, theirs)
                        && !path_eq(mine, theirs)
                    {
                        diffs.push(format!("{what} '{mine}', the Engine says '{theirs}'"));
                    }
                }
            }
            ImportStorage::Iscsi(x) => {
                let s = x.site(site);
                let addresses: Vec<&str> = c
                    .logical_units
                    .iter()
                    .filter_map(|l| l.address.as_deref())
                    .collect();
                let targets: Vec<&str> = c
                    .logical_units
                    .iter()
                    .filter_map(|l| l.target.as_deref())
                    .collect();
                if let Some(a) = s.address.get()
                    && !addresses.is_empty()
                    && !addresses.contains(&a.trim())
                {
                    diffs.push(format!(
                        "address '{a}', the Engine's LUNs are behind {}",
                        addresses.join(", ")
                    ));
                }
                if let Some(mine) = s.targets.get() {
                    for t in mine
                        .iter()
                        .filter(|t| !targets.is_empty() && !targets.contains(&t.trim()))
                    {
                        diffs.push(format!("target '{t}' is not one of the domain's"));
                    }
                }
                let ports: Vec<u16> = c.logical_units.iter().filter_map(|l| l.port).collect();
                let port = s.port_or_default();
                if !ports.is_empty() && !ports.contains(&port) {
                    let shown = if s.port.is_set() {
                        port.to_string()
                    } else {
                        format!("{DEFAULT_ISCSI_PORT} (the default)")
                    };
                    diffs.push(format!("port {shown}, the Engine says {}", ports[0]));
                }
            }
            ImportStorage::Fcp(_) => {}
        }
        if let Some(t) = c.storage_type
            && t != st.storage_type()
        {
            diffs.push(format!("type {}, the Engine says {t}", st.storage_type()));
        }
        if !diffs.is_empty() {
            out.error(
                codes::DOMAIN_FACTS_DIFFER,
                site,
                entity.clone(),
                at.clone(),
                format!("the mapping's facts of storage domain '{label}' differ from the {site} Engine's: {}", diffs.join("; ")),
            )
            .hint = Some("correct the mapping: these facts are used when this site becomes the target (failback)".into());
        }
        if let Some(dc_name) = st.dc_name(site).get() {
            let attached: Vec<&str> = d
                .data_centers
                .iter()
                .filter_map(|id| v.idx.data_center(*id))
                .map(|dc| dc.name.as_str())
                .collect();
            if attached.is_empty() {
                out.finding(
                    Severity::Warning,
                    codes::DOMAIN_DC_DIFFERS,
                    site,
                    entity,
                    at,
                    format!("storage domain '{label}' is not attached to a data center on the {site} site (the mapping says '{dc_name}')"),
                );
            } else if !attached.contains(&dc_name.as_str()) {
                out.error(
                    codes::DOMAIN_DC_DIFFERS,
                    site,
                    entity,
                    at,
                    format!("storage domain '{label}' is attached to data center '{}' on the {site} site, not '{dc_name}'", attached.join(", ")),
                )
                .hint = Some(format!("correct dr_{site}_dc_name"));
            }
        }
    }
    ids
}

fn target(ctx: &Ctx<'_>, out: &mut Out, source_ids: &[Option<Id>]) {
    let site = ctx.target;
    let Some(v) = ctx.view(site) else {
        return;
    };
    let mut checked_dcs: HashSet<&str> = HashSet::new();
    for (n, st) in ctx.m.storages().iter().enumerate() {
        let i = st.common().index;
        let at = (Some(st.pos()), format!("{LIST}[{i}]"));
        let by_source = source_ids
            .get(n)
            .copied()
            .flatten()
            .and_then(|id| v.idx.domain(id));
        if let Some(d) = find(st, site, v).or(by_source)
            && !d.data_centers.is_empty()
        {
            let dcs: Vec<&str> = d
                .data_centers
                .iter()
                .filter_map(|id| v.idx.data_center(*id))
                .map(|dc| dc.name.as_str())
                .collect();
            out.error(
                codes::DOMAIN_ATTACHED_AT_TARGET,
                site,
                format!("storage domain '{}'", d.name),
                at.clone(),
                format!(
                    "storage domain '{}' is already attached to data center '{}' on the {site} site (the target)",
                    d.name,
                    dcs.join(", ")
                ),
            )
            .hint = Some(if site == Site::Primary {
                "a failback first cleans the stale domains of the primary (olvm-dr cleanup); validate again after that".into()
            } else {
                "a replicated domain must not be in use at the target before the failover: detach it there, or check the mapping".into()
            });
        }
        let Field::Set {
            value: dc_name,
            pos,
        } = st.dc_name(site)
        else {
            continue;
        };
        let Some(dc) = v.idx.data_center_named(dc_name) else {
            continue;
        };
        if checked_dcs.insert(dc_name.as_str()) && v.idx.up_hosts_in_dc(dc.id).next().is_none() {
            out.error(
                codes::TARGET_DC_NO_UP_HOST,
                site,
                format!("data center '{dc_name}'"),
                (Some(*pos), format!("{LIST}[{i}].dr_{site}_dc_name")),
                format!("data center '{dc_name}' of the {site} site (the target) has no UP host to import the domains with"),
            )
            .hint = Some("activate a host of that data center (or move one there)".into());
        }
    }
}
