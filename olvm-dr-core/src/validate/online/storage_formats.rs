//! The data centers of each storage entry: their compatibility levels against the domain's
//! storage format.
//!
//! A data center attaches no domain whose format is newer than its level gives, and attaching a
//! data domain to a data center of a newer level upgrades the domain on the storage, for good
//! ([`StorageFormat::for_level`]). So a target data center older than the domain's format
//! refuses the attach (an error), and a target newer than the source makes the way back fail
//! once the domain is upgraded (a warning, saying so).

use super::Ctx;
use super::out::Out;
use super::storage::find;
use crate::engine::StorageFormat;
use crate::mapping::Field;
use crate::validate::codes;
use crate::{Severity, Site};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    let (Some(sv), Some(tv)) = (ctx.view(ctx.source), ctx.view(ctx.target)) else {
        return;
    };
    let (source, target) = (ctx.source, ctx.target);
    for st in ctx.m.storages() {
        let (Field::Set { value: sn, .. }, Field::Set { value: tn, .. }) =
            (st.dc_name(source), st.dc_name(target))
        else {
            continue;
        };
        let (Some(sdc), Some(tdc)) = (sv.idx.data_center_named(sn), tv.idx.data_center_named(tn))
        else {
            continue;
        };
        if sdc.version == tdc.version {
            continue;
        }
        let (sf, tf) = (
            StorageFormat::for_level(sdc.version),
            StorageFormat::for_level(tdc.version),
        );
        // The format on the storage now; a domain not found is taken at its data center's.
        let format = find(st, source, sv)
            .and_then(|d| d.storage_format.as_deref())
            .and_then(StorageFormat::parse)
            .unwrap_or(sf);
        let at = (
            Some(st.pos()),
            format!("dr_import_storages[{}]", st.common().index),
        );
        let entity = format!("data center '{tn}'");
        if format > tf {
            out.error(
                codes::DC_VERSION_MISMATCH,
                target,
                entity,
                at,
                format!(
                    "the {target} data center '{tn}' is at compatibility version {} and attaches storage format {tf} at most, but this domain is {format} on the {source} ('{sn}' is {}): the attach will be refused (\"Storage Domain format {format} is illegal\")",
                    tdc.version, sdc.version
                ),
            )
            .hint = Some(format!(
                "raise '{tn}' to compatibility version {} or later before the run (a domain's format cannot be downgraded)",
                format.earliest_level()
            ));
            continue;
        }
        let levels = format!(
            "the data centers of this storage domain have different compatibility versions: '{}' is {} on the primary, '{}' is {} on the secondary",
            pick(source, sn, tn),
            pick(source, sdc.version, tdc.version),
            pick(source, tn, sn),
            pick(source, tdc.version, sdc.version),
        );
        let (message, hint) = if tf > format {
            (
                format!(
                    "{levels}. Attaching it to '{tn}' upgrades it from {format} to {tf} on the storage, irreversibly; on the way back the {source} data center '{sn}' ({}, format {sf} at most) will refuse it (\"Storage Domain format {tf} is illegal\")",
                    sdc.version
                ),
                format!(
                    "raise '{sn}' on the {source} to compatibility version {} or later before moving back, or give both data centers the same version",
                    tf.earliest_level()
                ),
            )
        } else {
            (
                format!(
                    "{levels}. Its format {format} is allowed on both, so neither attach is refused for it"
                ),
                "give both data centers the same compatibility version: a newer level upgrades the domains it attaches".to_owned(),
            )
        };
        out.finding(
            Severity::Warning,
            codes::DC_LEVELS_DIFFER,
            target,
            entity,
            at,
            message,
        )
        .hint = Some(hint);
    }
}

/// `on_primary` when `source` is the primary, else `other`: orders a source/target pair as
/// primary/secondary.
fn pick<T>(source: Site, on_primary: T, other: T) -> T {
    if source == Site::Primary {
        on_primary
    } else {
        other
    }
}
