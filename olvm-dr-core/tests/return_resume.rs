//! Failback and switchover killed at twenty points each and resumed from the state directory:
//! the same end every time, nothing done twice.

mod flow_support;

use std::time::Duration;

use flow_support::{
    WorldGate, assert_domains_only_on, assert_nothing_done_twice, assert_running_exactly, context,
};
use olvm_dr_core::Site;
use olvm_dr_core::engine::{Id, VmSearch, VmStatus};
use olvm_dr_core::fake::{LatencyProfile, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::journal::read_journal;
use olvm_dr_core::plan::{FailoverOptions, ReturnOptions};
use olvm_dr_core::report::{Report, Verdict};

#[derive(Clone, Copy, Debug)]
enum Flow {
    Failback,
    Switchover,
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

/// A world ready for `flow` to the primary, with what should run there afterwards.
async fn ready(flow: Flow) -> (World, FlowContext, Vec<Id>) {
    let world = WorldBuilder::small(31).build();
    let ctx = context(&world, "return");
    if let Flow::Failback = flow {
        world.disaster(Site::Primary);
        world.stop_all_replication();
        let store = RunStore::in_memory();
        let p = ctx
            .prepare_failover(
                Site::Secondary,
                &FailoverOptions::default(),
                &store,
                &Resume::Never,
            )
            .await
            .unwrap();
        assert_eq!(
            p.execute(&ctx, &store, &RunOptions::default())
                .await
                .unwrap()
                .verdict,
            Verdict::Success
        );
        world.recover(Site::Primary);
        world.reverse_all_replication();
    } else {
        // Switch over to the secondary first, so that the flow under test goes back to the primary.
        let store = RunStore::in_memory();
        let p = ctx
            .prepare_switchover(
                Site::Secondary,
                &ReturnOptions::switchover(),
                &store,
                &Resume::Never,
            )
            .await
            .unwrap();
        let options = RunOptions {
            gate: Some(WorldGate::new(&world, World::reverse_all_replication)),
            ..RunOptions::default()
        };
        assert_eq!(
            p.execute(&ctx, &store, &options).await.unwrap().verdict,
            Verdict::Success
        );
    }
    for site in Site::BOTH {
        world.set_latency(site, LatencyProfile::realistic());
    }
    let running = running_on(&world, Site::Secondary).await;
    (world, ctx, running)
}

async fn run(flow: Flow, world: &World, ctx: &FlowContext, store: &RunStore) -> Report {
    let (prepared, gate) = match flow {
        Flow::Failback => (
            ctx.prepare_failback(
                Site::Primary,
                &ReturnOptions::failback(),
                store,
                &Resume::Auto,
            )
            .await,
            WorldGate::new(world, flow_support::promote_returning_site),
        ),
        Flow::Switchover => (
            ctx.prepare_switchover(
                Site::Primary,
                &ReturnOptions::switchover(),
                store,
                &Resume::Auto,
            )
            .await,
            WorldGate::new(world, World::reverse_all_replication),
        ),
    };
    let options = RunOptions {
        gate: Some(gate),
        ..RunOptions::default()
    };
    prepared
        .unwrap_or_else(|e| panic!("{e}"))
        .execute(ctx, store, &options)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn killed_and_resumed(flow: Flow) {
    // How long an undisturbed run takes on the realistic clock.
    let (world, ctx, running) = ready(flow).await;
    let dir = tempfile::tempdir().unwrap();
    let whole = run(flow, &world, &ctx, &RunStore::open(dir.path()).unwrap()).await;
    assert_eq!(
        whole.verdict,
        Verdict::Success,
        "{flow:?}:\n{}",
        whole.render_summary()
    );
    assert_running_exactly(&world, Site::Primary, &running).await;
    let total = whole.rto.total_ms;

    for i in 0..20u64 {
        // Spread over the run; the first point is at the very start.
        let kill_at = total * i / 20;
        let (world, ctx, running) = ready(flow).await;
        let dir = tempfile::tempdir().unwrap();
        {
            let store = RunStore::open(dir.path()).unwrap();
            let interrupted = tokio::time::timeout(
                Duration::from_millis(kill_at),
                run(flow, &world, &ctx, &store),
            )
            .await;
            assert!(
                interrupted.is_err(),
                "{flow:?} ended before the kill at {kill_at} ms"
            );
        }
        let store = RunStore::open(dir.path()).unwrap();
        let report = run(flow, &world, &ctx, &store).await;
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "{flow:?} killed at {kill_at} ms:\n{}",
            report.render_summary()
        );
        assert!(
            store.runs().len() <= 1,
            "the rerun resumed the interrupted run"
        );
        assert_running_exactly(&world, Site::Primary, &running).await;
        assert_domains_only_on(&world, Site::Primary).await;
        if let Some(r) = store.runs().first() {
            assert_nothing_done_twice(&read_journal(&r.journal_path()).unwrap());
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_failback_killed_at_twenty_points_resumes_to_the_same_end() {
    killed_and_resumed(Flow::Failback).await;
}

#[tokio::test(start_paused = true)]
async fn a_switchover_killed_at_twenty_points_resumes_to_the_same_end() {
    killed_and_resumed(Flow::Switchover).await;
}
