//! The whole DR cycle on fake worlds: disaster, failover, the primary comes back, failback; a
//! planned switchover and back; the split-brain guard; cleanup blockers.

mod flow_support;

use std::sync::Arc;

use flow_support::{WorldGate, assert_domains_only_on, assert_running_exactly, context};
use olvm_dr_core::Site;
use olvm_dr_core::engine::{Id, StorageType, VmSearch, VmStatus};

use olvm_dr_core::fake::{STORAGE_TYPES, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::{CleanupOptions, FailoverOptions, PlanningError, ReturnOptions};
use olvm_dr_core::report::{Report, StepOutcome, Verdict};

async fn failover(ctx: &FlowContext, target: Site, options: &FailoverOptions) -> Report {
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_failover(target, options, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    prepared
        .execute(ctx, &store, &RunOptions::default())
        .await
        .unwrap()
}

async fn failback(ctx: &FlowContext, world: &World, target: Site, gate: fn(&World)) -> Report {
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_failback(target, &ReturnOptions::failback(), &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        gate: Some(WorldGate::new(world, gate)),
        ..RunOptions::default()
    };
    prepared.execute(ctx, &store, &options).await.unwrap()
}

async fn switchover(ctx: &FlowContext, world: &World, target: Site) -> Report {
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_switchover(target, &ReturnOptions::switchover(), &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let options = RunOptions {
        gate: Some(WorldGate::new(world, World::reverse_all_replication)),
        ..RunOptions::default()
    };
    prepared.execute(ctx, &store, &options).await.unwrap()
}

async fn running_on(world: &World, site: Site) -> Vec<Id> {
    let vms = world
        .dyn_engine(site)
        .vms(&VmSearch {
            status: Some(VmStatus::Up),
            ..VmSearch::default()
        })
        .await
        .unwrap();
    vms.into_iter()
        .filter(|v| !v.is_hosted_engine())
        .map(|v| v.id)
        .collect()
}

/// A world with one replicated domain of `storage_type` (and the small preset's VMs on it).
fn world_of(storage_type: StorageType, seed: u64) -> World {
    let mut b = WorldBuilder::small(seed);
    for t in STORAGE_TYPES {
        b = b.domains(t, usize::from(t == storage_type));
    }
    b.build()
}

#[tokio::test(start_paused = true)]
async fn disaster_failover_return_and_failback_for_every_storage_type() {
    for (i, storage_type) in STORAGE_TYPES.into_iter().enumerate() {
        let world = world_of(storage_type, 100 + i as u64);
        let ctx = context(&world, "cycle");
        let was_running = running_on(&world, Site::Primary).await;
        assert!(!was_running.is_empty());

        // Disaster: the primary goes dark, the arrays promote the secondary's replicas.
        world.disaster(Site::Primary);
        world.stop_all_replication();
        let report = failover(&ctx, Site::Secondary, &FailoverOptions::default()).await;
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "{storage_type} failover:\n{}",
            report.render_summary()
        );
        assert_running_exactly(&world, Site::Secondary, &was_running).await;

        // The primary comes back with its stale view; replication now runs toward it.
        world.recover(Site::Primary);
        world.reverse_all_replication();
        let running_now = running_on(&world, Site::Secondary).await;
        let report = failback(
            &ctx,
            &world,
            Site::Primary,
            flow_support::promote_returning_site,
        )
        .await;
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "{storage_type} failback:\n{}",
            report.render_summary()
        );
        assert_running_exactly(&world, Site::Primary, &running_now).await;
        assert_domains_only_on(&world, Site::Primary).await;
        assert!(
            running_on(&world, Site::Secondary).await.is_empty(),
            "nothing runs twice"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_switchover_and_back_loses_nothing() {
    let world = WorldBuilder::small(7).build();
    let ctx = context(&world, "switchover");
    let was_running = running_on(&world, Site::Primary).await;

    let report = switchover(&ctx, &world, Site::Secondary).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert_running_exactly(&world, Site::Secondary, &was_running).await;
    assert_domains_only_on(&world, Site::Secondary).await;
    let shutdowns: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.id.0.starts_with("primary/stop-vm/"))
        .collect();
    assert_eq!(
        shutdowns.len(),
        was_running.len(),
        "every running VM was shut down gracefully"
    );

    let report = switchover(&ctx, &world, Site::Primary).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert_running_exactly(&world, Site::Primary, &was_running).await;
    assert_domains_only_on(&world, Site::Primary).await;
}

#[tokio::test(start_paused = true)]
async fn the_guard_refuses_while_the_source_uses_the_domains_and_records_a_forced_run() {
    let world = WorldBuilder::small(3).build();
    let ctx = context(&world, "split-brain");
    // The primary is alive; someone promoted the replicas anyway.
    world.stop_all_replication();
    let report = failover(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Failed,
        "{}\n{:?}",
        report.render_summary(),
        report.facts
    );
    let guard = report
        .steps
        .iter()
        .find(|s| s.id.0 == "guard/split-brain")
        .unwrap();
    assert_eq!(guard.outcome, StepOutcome::Failed);
    assert!(
        guard
            .error
            .as_deref()
            .unwrap()
            .contains("refusing to import"),
        "{:?}",
        guard.error
    );
    assert_eq!(
        report.facts.get("split_brain.decision").map(String::as_str),
        Some("refuse")
    );
    let hint = guard.hint.as_deref().unwrap_or_default();
    assert!(
        hint.contains("--force --reason") && hint.contains("olvm-dr failover --target secondary"),
        "{hint}"
    );
    let secondary = world.dyn_engine(Site::Secondary);
    let known = secondary.storage_domains().await.unwrap();
    assert!(
        world
            .facts()
            .domains
            .iter()
            .all(|d| !known.iter().any(|k| k.id == d.id)),
        "nothing was imported"
    );

    let forced = FailoverOptions {
        force_reason: Some("primary hosts fenced by hand".into()),
        ..FailoverOptions::default()
    };
    let report = failover(&ctx, Site::Secondary, &forced).await;
    assert_eq!(
        report.facts.get("split_brain.decision").map(String::as_str),
        Some("proceed-forced")
    );
    assert_eq!(
        report
            .facts
            .get("split_brain.force_reason")
            .map(String::as_str),
        Some("primary hosts fenced by hand")
    );
    // sanlock does not stop it: the primary's renewals reach only its own copies, so every
    // attach takes the records over after the lease wait, and both sites now write their own
    // copy of every domain. The guard was the only protection; the world records the damage.
    assert!(
        report
            .steps
            .iter()
            .filter(|s| s.id.0.starts_with("attach/"))
            .all(|s| s.outcome == StepOutcome::Done),
        "{}",
        report.render_summary()
    );
    let split: Vec<_> = world.split_brains().into_iter().map(|b| b.domain).collect();
    for d in &world.facts().domains {
        assert!(
            split.contains(&d.id),
            "no split brain recorded for {}",
            d.name
        );
    }
    assert!(report.rto.lease_wait_ms >= 80_000, "{:?}", report.rto);
}

#[tokio::test(start_paused = true)]
async fn cleanup_names_the_vms_that_block_it_and_force_remove_goes_through() {
    let world = WorldBuilder::small(9)
        .delete_protected(1)
        .snapshot_in_preview(1)
        .build();
    let ctx = context(&world, "blockers");
    let store = RunStore::in_memory();
    let err = ctx
        .prepare_cleanup(
            Site::Primary,
            &CleanupOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_err();
    let olvm_dr_core::flow::FlowError::Planning(p) = err else {
        panic!("{err}")
    };
    let PlanningError::Problems(list) = *p else {
        panic!("{p}")
    };
    assert_eq!(
        list.len(),
        3,
        "one finding per blocked domain and VM: {list:?}"
    );
    let vms: std::collections::BTreeSet<_> = list
        .iter()
        .filter_map(|d| d.location.entity.as_deref()?.split('\'').nth(1))
        .collect();
    assert_eq!(vms.len(), 2, "{vms:?}");
    assert!(list.iter().all(|d| d.code == "DR1203"));
    assert!(
        list.iter()
            .any(|d| d.message.contains("is delete-protected"))
    );
    assert!(
        list.iter()
            .any(|d| d.message.contains("previews a snapshot"))
    );

    let force = CleanupOptions {
        force_remove: true,
        ..CleanupOptions::default()
    };
    let prepared = ctx
        .prepare_cleanup(Site::Primary, &force, &store, &Resume::Never)
        .await
        .unwrap();
    let report = prepared
        .execute(&ctx, &store, &RunOptions::default())
        .await
        .unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Partial,
        "the blocked detaches fail, the removals go through:\n{}",
        report.render_summary()
    );
    let primary = world.dyn_engine(Site::Primary);
    let known = primary.storage_domains().await.unwrap();
    assert!(
        world
            .facts()
            .domains
            .iter()
            .all(|d| !known.iter().any(|k| k.id == d.id)),
        "every mapped domain is gone"
    );
    let _ = Arc::new(());
}
