//! The metadata recovery point: how old the OVF stores of the source's mapped domains are.
//! What the source's VMs and templates became since their domain's store was last written is
//! not on the replica, so a failover would register them as they were then (or not at all).
//!
//! Unlike the other rules this one reads more than the inventory: one listing of disks per
//! mapped domain of the source ([`read`]), concurrently, after the inventories.

use std::time::Duration;

use super::out::Out;
use super::storage::find;
use super::{Ctx, OnlineOptions};
use crate::engine::{Engine, Id, StorageDomainType};
use crate::ovf::{Clock, ClockSource, DomainFreshness, Freshness, format_age, read_domains};
use crate::validate::codes;
use crate::{Severity, Site};

const LIST: &str = "dr_import_storages";

/// The source's mapped domains whose store was read, with the clock used.
pub(super) struct Ages {
    clock: Clock,
    /// Per storage entry (its index in the mapping's list) the domain's name and its age.
    domains: Vec<(usize, String, DomainFreshness)>,
}

/// Reads the OVF store age of every mapped data domain of the source that is attached there.
/// `None` when the source was not read (it is down, or had no connection): nothing to say
/// beyond DR0803.
pub(super) async fn read(ctx: &Ctx<'_>, engine: Option<&dyn Engine>) -> Option<Ages> {
    let site = ctx.source;
    let (v, engine) = (ctx.view(site)?, engine?);
    let clock = Clock::of(v.idx.inventory().api.as_ref());
    let mut entries: Vec<(usize, String, Id)> = Vec::new();
    for (n, st) in ctx.m.storages().iter().enumerate() {
        let Some(d) = find(st, site, v) else {
            continue;
        };
        // Only an attached data domain's store is kept up to date by its Engine.
        if d.kind == StorageDomainType::Data
            && !d.data_centers.is_empty()
            && !entries.iter().any(|(_, _, id)| *id == d.id)
        {
            entries.push((n, d.name.clone(), d.id));
        }
    }
    let ids: Vec<Id> = entries.iter().map(|(_, _, id)| *id).collect();
    let ages = read_domains(engine, &ids, &clock).await;
    Some(Ages {
        clock,
        domains: entries
            .into_iter()
            .zip(ages)
            .map(|((n, name, _), age)| (n, name, age))
            .collect(),
    })
}

fn by_clock(source: ClockSource) -> &'static str {
    match source {
        ClockSource::Engine => "by the Engine's clock",
        ClockSource::Local => {
            "by this machine's clock: the Engine did not report its time, so clock skew counts"
        }
    }
}

/// One finding per domain read: a warning when older than `options.max_ovf_age`, an info with
/// the age otherwise, an info when the age is unknown.
pub(super) fn check(ctx: &Ctx<'_>, ages: Option<&Ages>, options: &OnlineOptions, out: &mut Out) {
    let Some(ages) = ages else {
        return;
    };
    let site = ctx.source;
    let storages = ctx.m.storages();
    let limit = format_age(options.max_ovf_age);
    let update = update_command(site);
    for (n, name, age) in &ages.domains {
        let st = &storages[*n];
        let entity = format!("storage domain '{name}'");
        let at = (Some(st.pos()), format!("{LIST}[{}]", st.common().index));
        match &age.freshness {
            Freshness::Known { age, .. } if *age > options.max_ovf_age => {
                out.finding(
                    Severity::Warning,
                    codes::OVF_STORE_AGE,
                    site,
                    entity,
                    at,
                    format!(
                        "the OVF store of storage domain '{name}' on the {site} site (the source) was last written {} ago ({}), more than {limit}: VMs and templates created or changed on it since then would be missing or out of date after a failover",
                        format_age(*age),
                        by_clock(ages.clock.source)
                    ),
                )
                .hint = Some(format!(
                    "run `{update}` to write the stores now (it waits for the Engine's jobs); the Engine rewrites a store only when something on its domain changed, so an old store may still be complete: when the update reports it unchanged, the Engine had nothing newer to write"
                ));
            }
            Freshness::Known { age, .. } => {
                out.finding(
                    Severity::Info,
                    codes::OVF_STORE_AGE,
                    site,
                    entity,
                    at,
                    format!(
                        "the OVF store of storage domain '{name}' on the {site} site (the source) was last written {} ago ({}; limit {limit})",
                        format_age(*age),
                        by_clock(ages.clock.source)
                    ),
                );
            }
            Freshness::Unknown(why) => {
                out.finding(
                    Severity::Info,
                    codes::OVF_STORE_AGE_UNKNOWN,
                    site,
                    entity,
                    at,
                    format!(
                        "the age of the OVF store of storage domain '{name}' on the {site} site (the source) is not known: {why}"
                    ),
                )
                .hint = Some(format!(
                    "before a planned failover or a drill, run `{update}`: it writes the stores and waits until the Engine has done so"
                ));
            }
        }
    }
}

fn update_command(site: Site) -> String {
    format!("olvm-dr ovf-update --site {site}")
}

/// The default of [`OnlineOptions::max_ovf_age`]: the Engine's default OVF update interval
/// (`OvfUpdateIntervalInMinutes`, 60). A store older than one interval has missed a periodic
/// update, or its domain had nothing new to write.
pub const DEFAULT_MAX_OVF_AGE: Duration = Duration::from_secs(60 * 60);
