//! Failovers whose runs and lock are in a real etcd cluster (feature `etcd`): interrupted at
//! many points and resumed by another controller (a new connection, its own lease), and a
//! controller that loses the quorum mid-run, stops, and leaves the run to be resumed.

mod etcd_support;
mod flow_support;

use std::sync::Arc;
use std::time::{Duration, Instant};

use etcd_support::Cluster;
use flow_support::assert_nothing_done_twice;
use olvm_dr_core::Site;
use olvm_dr_core::fake::{LatencyProfile, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, FlowError, Resume, RunOptions, RunStore};
use olvm_dr_core::journal::{Record, StateDirError};
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::{Report, Verdict};
use olvm_dr_core::state::EtcdLocation;
use olvm_dr_core::state::etcd::EtcdStore;

fn disaster_world(seed: u64) -> (World, FlowContext) {
    let world = WorldBuilder::small(seed).build();
    let ctx = flow_support::context(&world, &format!("seed-{seed}"));
    world.set_latency(Site::Secondary, LatencyProfile::realistic());
    world.disaster(Site::Primary);
    world.stop_all_replication();
    (world, ctx)
}

/// A controller: its own connection and lease, waiting while another one's lease lasts.
fn controller(location: &EtcdLocation) -> RunStore {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match EtcdStore::connect(location, true) {
            Ok(s) => return RunStore::with_store(Arc::new(s)),
            Err(StateDirError::Held { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(250));
            }
            Err(e) => panic!("{e}"),
        }
    }
}

async fn failover(
    ctx: &FlowContext,
    store: &RunStore,
    resume: &Resume,
) -> Result<Report, FlowError> {
    ctx.prepare_failover(Site::Secondary, &FailoverOptions::default(), store, resume)
        .await?
        .execute(ctx, store, &RunOptions::default())
        .await
}

async fn assert_recovered(world: &World) {
    let running: Vec<_> = world
        .facts()
        .vms
        .iter()
        .filter(|v| v.running)
        .map(|v| v.id)
        .collect();
    flow_support::assert_running_exactly(world, Site::Secondary, &running).await;
}

#[tokio::test(start_paused = true)]
async fn a_failover_in_etcd_interrupted_at_ten_points_is_resumed_by_another_controller() {
    let cluster = Cluster::start(3);
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..10 {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let kill_at = 1 + (x >> 33) % 120_000;
        let location = cluster.location(&format!("kill-{i}"), 3);
        let (world, ctx) = disaster_world(11);
        {
            let first = controller(&location);
            let run = failover(&ctx, &first, &Resume::Auto);
            let ended = tokio::time::timeout(Duration::from_millis(kill_at), run).await;
            assert!(
                ended.is_err(),
                "point {i}: the run ended before {kill_at} ms"
            );
        }
        let second = controller(&location);
        let runs = second.runs();
        assert!(runs.len() <= 1, "point {i}: {runs:?}");
        let report = failover(&ctx, &second, &Resume::Auto)
            .await
            .unwrap_or_else(|e| panic!("point {i}: {e}"));
        assert_eq!(report.verdict, Verdict::Success, "point {i}");
        assert_eq!(second.runs().len(), 1, "point {i}: resumed, not a new run");
        assert_recovered(&world).await;
        let records = second.runs()[0].state().expect("a journal");
        assert!(records.finished.is_some());
        let journal = Arc::clone(second.store().unwrap())
            .records(&second.runs()[0].id)
            .unwrap();
        assert_nothing_done_twice(&journal);
        assert_eq!(
            second.report(&second.runs()[0].id).unwrap().verdict,
            Verdict::Success
        );
    }
}

#[tokio::test(start_paused = true)]
async fn a_controller_that_loses_the_quorum_stops_and_another_resumes_the_run() {
    let mut cluster = Cluster::start(3);
    let location = cluster.location("quorum-run", 4);
    let (world, ctx) = disaster_world(12);
    let first = controller(&location);
    let run_id;
    {
        let run = failover(&ctx, &first, &Resume::Auto);
        tokio::pin!(run);
        // Let the run work a while (simulated time), then take two members away.
        let ended = tokio::time::timeout(Duration::from_millis(40_000), &mut run).await;
        assert!(ended.is_err(), "the run ended before the quorum was lost");
        cluster.kill(0);
        cluster.kill(1);
        let calls_before = world.calls(Site::Secondary);
        let err = run.await.expect_err("a run without quorum cannot end");
        let FlowError::LockLost { run, message } = &err else {
            panic!("{err}")
        };
        run_id = run.clone();
        let text = err.to_string();
        assert!(message.contains(&location.to_string()), "{text}");
        assert!(text.contains(&format!("--resume {run_id}")), "{text}");
        // It stopped: at most the calls of the steps already under way were made.
        let made = world.calls(Site::Secondary) - calls_before;
        assert!(made <= 40, "{made} Engine calls after the quorum was lost");
        assert!(first.lock_lost().is_some());
    }
    drop(first);
    cluster.restart(0);
    cluster.restart(1);
    cluster.wait_for_quorum(Duration::from_secs(30));
    let second = controller(&location);
    let journal = Arc::clone(second.store().unwrap())
        .records(&run_id)
        .unwrap();
    assert!(
        !journal
            .iter()
            .any(|r| matches!(r, Record::RunFinished { .. })),
        "the interrupted run is left resumable"
    );
    let report = failover(&ctx, &second, &Resume::Run(run_id.clone()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.verdict, Verdict::Success);
    assert_recovered(&world).await;
    let journal = Arc::clone(second.store().unwrap())
        .records(&run_id)
        .unwrap();
    assert_nothing_done_twice(&journal);
}
