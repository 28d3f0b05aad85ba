//! Versions: the two Engines, mapped clusters, and the data centers of each storage entry
//! (`storage_formats`).

use super::Ctx;
use super::out::Out;
use crate::mapping::NameMappingKind;
use crate::validate::codes;
use crate::{Severity, Site};

pub(super) fn check(ctx: &Ctx<'_>, out: &mut Out) {
    let (Some(p), Some(s)) = (ctx.view(Site::Primary), ctx.view(Site::Secondary)) else {
        return;
    };
    engines(ctx, out);
    let m = ctx.m;
    for e in m.names(NameMappingKind::Cluster) {
        let (Some(pn), Some(sn)) = (e.name(Site::Primary).get(), e.name(Site::Secondary).get())
        else {
            continue;
        };
        let (Some(pc), Some(sc)) = (p.idx.cluster_named(pn), s.idx.cluster_named(sn)) else {
            continue;
        };
        if pc.version != sc.version {
            let key = format!("dr_cluster_mappings[{}]", e.index);
            out.error(
                codes::CLUSTER_VERSION_MISMATCH,
                ctx.target,
                format!("cluster '{}'", e.name(ctx.target).get().map_or("", String::as_str)),
                (Some(e.pos), key),
                format!(
                    "clusters have different compatibility versions: '{pn}' is {} on the primary, '{sn}' is {} on the secondary",
                    pc.version, sc.version
                ),
            )
            .hint = Some("raise the lower cluster's compatibility version, or map a cluster of the same version".into());
        }
    }
    super::storage_formats::check(ctx, out);
}

/// The Engines' product versions: a different `major.minor` is an error, a different build a
/// warning.
fn engines(ctx: &Ctx<'_>, out: &mut Out) {
    let api = |site| ctx.view(site).and_then(|v| v.idx.inventory().api.as_ref());
    let (Some(p), Some(s)) = (api(Site::Primary), api(Site::Secondary)) else {
        return;
    };
    let (pv, sv) = (&p.version, &s.version);
    let severity = if pv.level() != sv.level() {
        Severity::Error
    } else if (pv.build, pv.revision) != (sv.build, sv.revision) {
        Severity::Warning
    } else {
        return;
    };
    out.about(
        severity,
        codes::ENGINE_VERSION_MISMATCH,
        ctx.target,
        format!("{} {sv}", s.product_name),
        format!("the Engines run different versions: {pv} on the primary, {sv} on the secondary"),
    )
    .hint = Some(
        "upgrade the older Engine: registration reads OVF data written by the other one".into(),
    );
}
