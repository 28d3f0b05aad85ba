//! Failover runs that are interrupted, disturbed or stuck: killed at many points and resumed
//! from the state directory, run through transient Engine failures, and held up by a hung
//! Engine call.

mod flow_support;

use std::time::Duration;

use flow_support::assert_nothing_done_twice;

use olvm_dr_core::Site;
use olvm_dr_core::fake::{Hang, LatencyProfile, Operation, RandomFailures, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::journal::read_journal;
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::{Report, StepOutcome, Verdict};

fn disaster_world(seed: u64, latency: LatencyProfile) -> (World, FlowContext) {
    let world = WorldBuilder::small(seed).build();
    let ctx = flow_support::context(&world, &format!("seed-{seed}"));
    world.set_latency(Site::Secondary, latency);
    world.disaster(Site::Primary);
    world.stop_all_replication();
    (world, ctx)
}

async fn failover(ctx: &FlowContext, store: &RunStore, options: &RunOptions) -> Report {
    let prepared = ctx
        .prepare_failover(
            Site::Secondary,
            &FailoverOptions::default(),
            store,
            &Resume::Auto,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    prepared
        .execute(ctx, store, options)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Every VM that was running is up on the secondary, every other one is registered and down.
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

/// Simulated instants (ms) at which the runs are killed: spread over the whole run
/// (lease wait, attaches, registrations, starts) by a fixed linear congruential sequence.
fn kill_points(n: usize) -> Vec<u64> {
    let mut x: u64 = 0x2545_f491_4f6c_dd1d;
    (0..n)
        .map(|_| {
            x = x
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            (x >> 33) % 150_000
        })
        .collect()
}

#[tokio::test(start_paused = true)]
async fn a_failover_killed_at_twenty_points_resumes_to_the_same_end_each_time() {
    for (i, kill_at) in kill_points(20).into_iter().enumerate() {
        let (world, ctx) = disaster_world(11, LatencyProfile::realistic());
        let dir = tempfile::tempdir().unwrap();
        {
            let store = RunStore::open(dir.path()).unwrap();
            let options = RunOptions::default();
            let run = failover(&ctx, &store, &options);
            let finished = tokio::time::timeout(Duration::from_millis(kill_at), run).await;
            assert!(
                finished.is_err(),
                "run {i} ended before the kill at {kill_at} ms"
            );
        }
        let store = RunStore::open(dir.path()).unwrap();
        let runs = store.runs();
        assert!(runs.len() <= 1, "a killed run and its resume are one run");
        let report = failover(&ctx, &store, &RunOptions::default()).await;
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "kill {i} at {kill_at} ms:\n{}",
            report.render_summary()
        );
        assert_eq!(
            store.runs().len(),
            1,
            "kill {i}: the rerun resumed the interrupted run"
        );
        assert_recovered(&world).await;
        let run = &store.runs()[0];
        assert_nothing_done_twice(&read_journal(&run.journal_path()).unwrap());
        assert_eq!(
            store.report(&run.id).unwrap(),
            report,
            "the report is stored with the run"
        );
    }
}

#[tokio::test(start_paused = true)]
async fn ten_percent_transient_failures_still_end_in_success() {
    let (world, ctx) = disaster_world(23, LatencyProfile::realistic());
    world.fail_randomly(Site::Secondary, RandomFailures::transient(0.10, 99));
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(dir.path()).unwrap();
    let report = failover(&ctx, &store, &RunOptions::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert!(
        report.steps.iter().any(|s| s.attempts > 1),
        "some calls were retried"
    );
    world.clear_faults(Site::Secondary);
    assert_recovered(&world).await;
    assert_nothing_done_twice(&read_journal(&store.runs()[0].journal_path()).unwrap());
}

#[tokio::test(start_paused = true)]
async fn a_hung_engine_call_hits_its_deadline_and_is_reported() {
    let (world, ctx) = disaster_world(5, LatencyProfile::instant());
    world.hang(
        Site::Secondary,
        Operation::StartVm,
        Hang {
            calls: None,
            duration: None,
        },
    );
    // The attach blocks for the primary's leases inside the call: longer than this test's call
    // deadline, which is about the hung start.
    world.expire_leases(Site::Primary);
    let mut options = RunOptions::default();
    options.timeouts.call = Duration::from_secs(30);
    options.timeouts.retry_window = Duration::from_secs(60);
    let start = tokio::time::Instant::now();
    let report = failover(&ctx, &RunStore::in_memory(), &options).await;
    assert_eq!(
        report.verdict,
        Verdict::Partial,
        "{}",
        report.render_summary()
    );
    let starts: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.id.0.starts_with("start-vm/"))
        .collect();
    assert!(!starts.is_empty());
    for s in &starts {
        assert_eq!(s.outcome, StepOutcome::Failed, "{}", s.summary);
        assert_eq!(s.error_kind.as_deref(), Some("timeout"), "{:?}", s.error);
    }
    assert!(
        report
            .vms
            .iter()
            .filter(|v| v.started.is_some())
            .all(|v| v.up == Some(StepOutcome::Blocked))
    );
    assert!(
        report
            .vms
            .iter()
            .all(|v| v.registered == Some(StepOutcome::Done)),
        "registrations are not held up"
    );
    assert!(
        start.elapsed() < Duration::from_secs(10 * 60),
        "the hang cost minutes, not forever: {:?}",
        start.elapsed()
    );
}
