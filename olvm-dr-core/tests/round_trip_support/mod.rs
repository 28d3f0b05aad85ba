//! The round-trip invariant, for any pair of Engines over a fake world (the fake itself, or
//! the simulator over HTTP).
//!
//! The state compared is [`DrState`](olvm_dr_core::verify::DrState), read through the `Engine`
//! trait: data storage domains (name, storage type, data center, master, status); templates
//! and their versions (id, name, version, base, status); VMs (id, name, cluster, template,
//! memory, CPUs, high availability, status) with their disks (id, alias, domains, virtual
//! size, interface, bootable, active) and NICs (name, network and vNIC profile, MAC, plugged);
//! affinity groups and labels with their members; the vNIC profiles of each data center.
//! Permissions are not compared: the `Engine` trait reads them only from an OVF.
//!
//! The invariant, for a site S (the primary) and its peer T:
//! 1. after a disaster of S and a failover, T holds what it held plus S's state mapped through
//!    the mapping file (`DrState::mapped`);
//! 2. after S comes back and a failback, S equals S before the disaster, and T equals T before;
//!
//! with MACs equal except for the NICs a report lists as reassigned (the failover learns the
//! primary's MACs from the record of its VMs kept while it answered, as `validate` keeps it), running state as it was
//! (the VMs that ran before run after each leg), and no VM in an affinity group or label that
//! the other site does not have (the Engine drops those at registration; validate warns).
#![allow(dead_code, unreachable_pub)]

use std::collections::BTreeSet;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Id, StorageType};
use olvm_dr_core::fake::{STORAGE_TYPES, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::source_record::read_source_record;
use olvm_dr_core::plan::{FailoverOptions, ReturnOptions};
use olvm_dr_core::report::{Report, Verdict};
use olvm_dr_core::verify::{DrState, read_dr_state};

use crate::flow_support::{WorldGate, promote_returning_site};

/// The world of `seed`, its shape varying with the seed: one or two data centers, 8 VMs and up
/// to `spread` more, one to three templates per data center (one with a second version), up to
/// two direct LUNs, and a rotating mix of the five storage types (two domains of one of them).
/// Every world has VMs with disks on two domains and vNIC profile names shared by its data
/// centers.
pub fn world(seed: u64, spread: u64) -> World {
    let mut b = WorldBuilder::small(seed)
        .data_centers(1 + (seed % 2) as usize)
        .vms(8 + (seed % spread) as usize)
        .templates_per_dc(1 + (seed % 3) as usize)
        .direct_luns((seed % 3) as usize);
    for (i, t) in STORAGE_TYPES.into_iter().enumerate() {
        let count = match (seed as usize + i) % 5 {
            0 => 2,
            1 | 2 => 1,
            _ => usize::from(t == StorageType::Nfs),
        };
        b = b.domains(t, count);
    }
    b.build()
}

async fn read(ctx: &FlowContext, site: Site) -> DrState {
    read_dr_state(ctx.engines[&site].as_ref())
        .await
        .unwrap_or_else(|e| panic!("reading the {site} site: {e}"))
}

fn reassigned(report: &Report, into: &mut BTreeSet<(Id, String)>) {
    for v in &report.vms {
        let Ok(id) = v.id.parse::<Id>() else { continue };
        for m in &v.macs_reassigned {
            into.insert((id, m.nic.clone()));
        }
    }
}

fn check(what: &str, diffs: Vec<String>) -> Result<(), String> {
    if diffs.is_empty() {
        return Ok(());
    }
    let shown: Vec<&String> = diffs.iter().take(12).collect();
    Err(format!(
        "{what}: {} differences\n  {}",
        diffs.len(),
        shown
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n  ")
    ))
}

fn success(what: &str, report: &Report) -> Result<(), String> {
    if report.verdict == Verdict::Success {
        Ok(())
    } else {
        Err(format!("{what}:\n{}", report.render_summary()))
    }
}

/// Disaster of the primary, failover, the primary back, failback; checks the invariant after
/// each leg and returns what differs.
pub async fn round_trip(ctx: &FlowContext, world: &World) -> Result<(), String> {
    let (p0, s0) = (
        read(ctx, Site::Primary).await,
        read(ctx, Site::Secondary).await,
    );
    let mut macs: BTreeSet<(Id, String)> = BTreeSet::new();

    // What `validate` (or any run) keeps while the primary answers.
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let store = RunStore::open(dir.path()).map_err(|e| e.to_string())?;
    let record = read_source_record(ctx.engines[&Site::Primary].as_ref())
        .await
        .map_err(|e| format!("recording the primary's VMs: {e}"))?;
    store
        .remember_source_record(Site::Primary, &record)
        .map_err(|e| e.to_string())?;

    world.disaster(Site::Primary);
    world.stop_all_replication();
    let prepared = ctx
        .prepare_failover(
            Site::Secondary,
            &FailoverOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .map_err(|e| format!("planning the failover: {e}"))?;
    let report = prepared
        .execute(ctx, &store, &RunOptions::default())
        .await
        .map_err(|e| e.to_string())?;
    success("failover", &report)?;
    reassigned(&report, &mut macs);
    let want = p0.mapped(&ctx.mapping, Site::Primary, Site::Secondary, &s0);
    check(
        "the secondary after the failover",
        read(ctx, Site::Secondary).await.differences(&want, &macs),
    )?;

    world.recover(Site::Primary);
    world.reverse_all_replication();
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_failback(
            Site::Primary,
            &ReturnOptions::failback(),
            &store,
            &Resume::Never,
        )
        .await
        .map_err(|e| format!("planning the failback: {e}"))?;
    let options = RunOptions {
        gate: Some(WorldGate::new(world, promote_returning_site)),
        ..RunOptions::default()
    };
    let report = prepared
        .execute(ctx, &store, &options)
        .await
        .map_err(|e| e.to_string())?;
    success("failback", &report)?;
    reassigned(&report, &mut macs);
    let back = p0.after_round_trip(&ctx.mapping, Site::Primary, Site::Secondary, &s0);
    check(
        "the primary after the round trip",
        read(ctx, Site::Primary).await.differences(&back, &macs),
    )?;
    check(
        "the secondary after the round trip",
        read(ctx, Site::Secondary)
            .await
            .differences(&s0, &BTreeSet::new()),
    )
}
