//! Direct-LUN mappings. On the source, each LUN backs a direct-LUN disk with the facts the
//! mapping gives. On the target, some UP host sees it: a Fibre Channel LUN must be presented
//! already; an iSCSI LUN may be invisible until the registration logs the hosts in to its
//! target, so that is only noted. A LUN that already backs a disk on the target is a warning.

use super::Ctx;
use super::out::Out;
use crate::Severity;
use crate::engine::{LogicalUnit, StorageType};
use crate::mapping::{DEFAULT_ISCSI_PORT, LunSite};
use crate::validate::codes;

const KEY: &str = "dr_lun_mappings";

/// The mapping's iSCSI facts that differ from the Engine's.
fn differences(s: &LunSite, lu: &LogicalUnit) -> Vec<String> {
    let mut diffs = Vec::new();
    if let (Some(mine), Some(theirs)) = (s.address.get(), &lu.address)
        && mine.trim() != theirs.trim()
    {
        diffs.push(format!("address '{mine}', the Engine says '{theirs}'"));
    }
    if let (Some(mine), Some(theirs)) = (s.target.get(), &lu.target)
        && mine.trim() != theirs.trim()
    {
        diffs.push(format!("target '{mine}', the Engine says '{theirs}'"));
    }
    if let Some(theirs) = lu.port {
        let mine = s.port.get().copied().unwrap_or(DEFAULT_ISCSI_PORT);
        if mine != theirs {
            diffs.push(format!("port {mine}, the Engine says {theirs}"));
        }
    }
    diffs
}

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    source(ctx, out);
    target(ctx, out);
}

fn source(ctx: &Ctx<'_>, out: &mut Out) {
    let site = ctx.source;
    let Some(v) = ctx.view(site) else {
        return;
    };
    for e in ctx.m.luns() {
        let s = e.site(site);
        let Some(id) = s.logical_unit_id.get() else {
            continue;
        };
        let at = (
            s.logical_unit_id.pos(),
            format!("{KEY}[{}].{site}_logical_unit_id", e.index),
        );
        let entity = format!("LUN {id}");
        let Some(disk) = v.idx.lun_disk(id) else {
            out.error(
                codes::LUN_NOT_FOUND,
                site,
                entity,
                at,
                format!("no direct-LUN disk uses LUN {id} on the {site} site (the source)"),
            )
            .hint = Some(format!(
                "check {site}_logical_unit_id against the disk's LUN"
            ));
            continue;
        };
        let Some(lun) = &disk.lun_storage else {
            continue;
        };
        let mut diffs = Vec::new();
        if let Some(t) = s.storage_type.get()
            && *t != lun.storage_type
        {
            diffs.push(format!(
                "storage type {t}, the Engine says {}",
                lun.storage_type
            ));
        }
        if lun.storage_type == StorageType::Iscsi
            && let Some(lu) = lun.logical_units.iter().find(|l| &l.id == id)
        {
            diffs.extend(differences(s, lu));
        }
        if !diffs.is_empty() {
            out.error(
                codes::LUN_FACTS_DIFFER,
                site,
                format!("disk '{}' (LUN {id})", disk.alias),
                at,
                format!(
                    "the mapping's facts of LUN {id} differ from the {site} Engine's: {}",
                    diffs.join("; ")
                ),
            )
            .hint = Some(
                "correct the mapping: these facts are used when this site becomes the target"
                    .into(),
            );
        }
    }
}

fn target(ctx: &Ctx<'_>, out: &mut Out) {
    let site = ctx.target;
    let Some(v) = ctx.view(site) else {
        return;
    };
    for e in ctx.m.luns() {
        let s = e.site(site);
        let Some(id) = s.logical_unit_id.get() else {
            continue;
        };
        let at = (
            s.logical_unit_id.pos(),
            format!("{KEY}[{}].{site}_logical_unit_id", e.index),
        );
        let entity = format!("LUN {id}");
        if let Some(disk) = v.idx.lun_disk(id) {
            out.finding(
                Severity::Warning,
                codes::LUN_IN_USE_AT_TARGET,
                site,
                entity.clone(),
                at.clone(),
                format!("LUN {id} already backs disk '{}' on the {site} site (the target)", disk.alias),
            )
            .hint = Some("remove that disk before the failover (the registration creates the disk again), or map another LUN".into());
        }
        let mapped_type = s.storage_type.get().copied();
        match v.host_luns.found.get(id) {
            Some((host, lun)) => {
                let mut diffs = Vec::new();
                if let Some(t) = mapped_type
                    && t != lun.storage_type
                {
                    diffs.push(format!(
                        "storage type {t}, host '{host}' says {}",
                        lun.storage_type
                    ));
                }
                if lun.storage_type == StorageType::Iscsi {
                    diffs.extend(differences(s, &lun.logical_unit));
                }
                if !diffs.is_empty() {
                    out.error(
                        codes::LUN_FACTS_DIFFER,
                        site,
                        entity,
                        at,
                        format!("the mapping's facts of LUN {id} differ from what host '{host}' of the {site} site reports: {}", diffs.join("; ")),
                    );
                }
            }
            None => {
                let failed = if v.host_luns.failures.is_empty() {
                    String::new()
                } else {
                    format!(
                        " ({} host(s) could not be asked)",
                        v.host_luns.failures.len()
                    )
                };
                if mapped_type == Some(StorageType::Iscsi) {
                    out.finding(
                        Severity::Info,
                        codes::LUN_NOT_VISIBLE,
                        site,
                        entity,
                        at,
                        format!(
                            "no UP host of the {site} site sees iSCSI LUN {id} yet{failed}: the registration logs the hosts in to target '{}' first, so it cannot be checked before",
                            s.target.get().map_or("?", String::as_str)
                        ),
                    );
                } else {
                    out.error(
                        codes::LUN_NOT_FOUND,
                        site,
                        entity,
                        at,
                        format!("no UP host of the {site} site (the target) sees LUN {id}{failed}"),
                    )
                    .hint = Some("present the replicated LUN to the target site's hosts (zoning, LUN masking), or check the LUN id".into());
                }
            }
        }
    }
}
