//! Mapped names exist on their sites: clusters, affinity groups and labels, authz domains,
//! roles, and the data centers of the storage entries.

use std::collections::HashSet;

use super::Ctx;
use super::out::Out;
use crate::Site;
use crate::mapping::{Field, NameMappingKind};
use crate::validate::codes;
use crate::validate::suggest::closest;

fn code(kind: NameMappingKind) -> &'static str {
    match kind {
        NameMappingKind::Cluster => codes::CLUSTER_NOT_FOUND,
        NameMappingKind::AffinityGroup => codes::AFFINITY_GROUP_NOT_FOUND,
        NameMappingKind::AffinityLabel => codes::AFFINITY_LABEL_NOT_FOUND,
        NameMappingKind::Domain => codes::AUTHZ_DOMAIN_NOT_FOUND,
        NameMappingKind::Role => codes::ROLE_NOT_FOUND,
    }
}

/// `did you mean 'x'?` when a name on the site is close, else how many there are.
pub(super) fn suggestion(name: &str, existing: &[&str], what: &str, site: Site) -> String {
    match closest(name, existing) {
        Some(best) => format!("did you mean '{best}'?"),
        None if existing.is_empty() => format!("the {site} site has no {what}"),
        None => format!(
            "the {site} site has {} {what}; use one of their names",
            existing.len()
        ),
    }
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    for site in Site::BOTH {
        let Some(v) = ctx.view(site) else {
            continue;
        };
        let inv = v.idx.inventory();
        for kind in NameMappingKind::ALL {
            let mut existing: Vec<&str> = match kind {
                NameMappingKind::Cluster => inv.clusters.iter().map(|c| c.name.as_str()).collect(),
                NameMappingKind::AffinityGroup => inv
                    .affinity_groups
                    .iter()
                    .map(|g| g.name.as_str())
                    .collect(),
                NameMappingKind::AffinityLabel => inv
                    .affinity_labels
                    .iter()
                    .map(|l| l.name.as_str())
                    .collect(),
                NameMappingKind::Domain => {
                    inv.authz_domains.iter().map(|d| d.name.as_str()).collect()
                }
                NameMappingKind::Role => inv.roles.iter().map(|r| r.name.as_str()).collect(),
            };
            existing.sort_unstable();
            existing.dedup();
            let set: HashSet<&str> = existing.iter().copied().collect();
            for e in ctx.m.names(kind) {
                let Field::Set { value, pos } = e.name(site) else {
                    continue;
                };
                if set.contains(value.as_str()) {
                    continue;
                }
                let what = kind.entity();
                out.error(
                    code(kind),
                    site,
                    format!("{what} '{value}'"),
                    (
                        Some(*pos),
                        format!("{}[{}].{site}_name", kind.key(), e.index),
                    ),
                    format!("{what} '{value}' does not exist on the {site} site"),
                )
                .hint = Some(suggestion(value, &existing, &format!("{what}s"), site));
            }
        }
        let mut dcs: Vec<&str> = inv.data_centers.iter().map(|d| d.name.as_str()).collect();
        dcs.sort_unstable();
        for st in ctx.m.storages() {
            let Field::Set { value, pos } = st.dc_name(site) else {
                continue;
            };
            if v.idx.data_center_named(value).is_none() {
                out.error(
                    codes::DATA_CENTER_NOT_FOUND,
                    site,
                    format!("data center '{value}'"),
                    (
                        Some(*pos),
                        format!(
                            "dr_import_storages[{}].dr_{site}_dc_name",
                            st.common().index
                        ),
                    ),
                    format!("data center '{value}' does not exist on the {site} site"),
                )
                .hint = Some(suggestion(value, &dcs, "data centers", site));
            }
        }
    }
}
