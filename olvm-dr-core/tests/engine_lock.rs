//! The run lock the target Engine holds (a tag `olvm-dr-lock`): two controllers with different
//! state directories see each other; a dead run's lock is taken over when it is this state
//! directory's own, and broken only when asked, journaled.

mod flow_support;

use std::time::Duration;

use flow_support::context;
use olvm_dr_core::Site;
use olvm_dr_core::fake::{LatencyProfile, World, WorldBuilder};
use olvm_dr_core::flow::lock::{LockHolder, RUN_LOCK_TAG};
use olvm_dr_core::flow::{FlowContext, FlowError, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::{Report, Verdict};

async fn failover(
    ctx: &FlowContext,
    store: &RunStore,
    options: &RunOptions,
) -> Result<Report, FlowError> {
    let prepared = ctx
        .prepare_failover(
            Site::Secondary,
            &FailoverOptions::default(),
            store,
            &Resume::Auto,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    prepared.execute(ctx, store, options).await
}

fn disaster_world(seed: u64) -> World {
    let world = WorldBuilder::small(seed).build();
    world.set_lease_timeout(Duration::from_secs(1));
    world.disaster(Site::Primary);
    world.stop_all_replication();
    world
}

async fn lock_tags(world: &World) -> Vec<String> {
    world
        .dyn_engine(Site::Secondary)
        .tags()
        .await
        .unwrap()
        .into_iter()
        .filter(|t| t.name == RUN_LOCK_TAG)
        .map(|t| t.description)
        .collect()
}

/// Two failovers with different state directories against the same Engines: one runs, the
/// other is refused by the Engine-held lock (before, both ran and the second reported the
/// first's registrations as 404 failures).
#[tokio::test(start_paused = true)]
async fn two_controllers_with_different_state_directories_exclude_each_other() {
    let world = disaster_world(61);
    world.set_latency(Site::Secondary, LatencyProfile::realistic());
    let ctx = context(&world, "lock-two");
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (sa, sb) = (
        RunStore::open(a.path()).unwrap(),
        RunStore::open(b.path()).unwrap(),
    );
    let options = RunOptions::default();
    let (ra, rb) = tokio::join!(failover(&ctx, &sa, &options), failover(&ctx, &sb, &options));
    let (report, refused, refused_store) = match (ra, rb) {
        (Ok(r), Err(e)) => (r, e, &sb),
        (Err(e), Ok(r)) => (r, e, &sa),
        (a, b) => panic!("exactly one must run: {a:?} / {b:?}"),
    };
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let text = refused.to_string();
    assert!(
        matches!(
            refused,
            FlowError::Locked {
                site: Site::Secondary,
                ..
            }
        ),
        "{text}"
    );
    assert!(text.contains(&report.run_id), "names the holder: {text}");
    assert!(text.contains("--break-lock"), "{text}");
    assert!(
        refused_store.runs().is_empty(),
        "the refused run left nothing"
    );
    assert!(lock_tags(&world).await.is_empty(), "released at the end");
}

/// A lock held by a run unknown to this state directory is broken only with `break_lock`, and
/// the break is in the journal and the report.
#[tokio::test(start_paused = true)]
async fn a_foreign_lock_is_broken_only_when_asked_and_journaled() {
    let world = disaster_world(62);
    let ctx = context(&world, "lock-foreign");
    let foreign = LockHolder {
        run: "failover-secondary-20260101T000000Z-abcdef".into(),
        host: "other-controller".into(),
        user: "ops".into(),
        since: "2026-01-01T00:00:00Z".into(),
    };
    world
        .dyn_engine(Site::Secondary)
        .add_tag(RUN_LOCK_TAG, &serde_json::to_string(&foreign).unwrap())
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(dir.path()).unwrap();
    let e = failover(&ctx, &store, &RunOptions::default())
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("run failover-secondary-20260101T000000Z-abcdef on other-controller by ops"),
        "{e}"
    );
    assert!(store.runs().is_empty());

    let options = RunOptions {
        break_lock: true,
        ..RunOptions::default()
    };
    let report = failover(&ctx, &store, &options).await.unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let replaced = &report.facts["engine_lock.replaced"];
    assert!(
        replaced.contains("other-controller") && replaced.contains("broken with --break-lock"),
        "{replaced}"
    );
    assert!(
        report
            .render_summary()
            .contains("taken over from run failover-secondary-2026")
    );
    let journal = std::fs::read_to_string(store.runs()[0].journal_path()).unwrap();
    assert!(journal.contains("engine_lock.replaced"), "journaled");
    assert!(lock_tags(&world).await.is_empty());
}

/// A run killed while it held the lock is resumed by rerunning it: the lock is its own and is
/// taken over without --break-lock.
#[tokio::test(start_paused = true)]
async fn a_killed_run_resumes_past_its_own_lock() {
    let world = disaster_world(63);
    world.set_latency(Site::Secondary, LatencyProfile::realistic());
    let ctx = context(&world, "lock-resume");
    let dir = tempfile::tempdir().unwrap();
    {
        let store = RunStore::open(dir.path()).unwrap();
        let options = RunOptions::default();
        let run = failover(&ctx, &store, &options);
        assert!(
            tokio::time::timeout(Duration::from_secs(20), run)
                .await
                .is_err(),
            "killed mid-run"
        );
    }
    let held = lock_tags(&world).await;
    assert_eq!(held.len(), 1, "the killed run's lock is left");
    let store = RunStore::open(dir.path()).unwrap();
    let report = failover(&ctx, &store, &RunOptions::default())
        .await
        .unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert_eq!(store.runs().len(), 1, "resumed, not a new run");
    assert!(
        report.facts["engine_lock.replaced"].contains("held by this same run, resumed"),
        "{:?}",
        report.facts
    );
    assert!(lock_tags(&world).await.is_empty());
}
