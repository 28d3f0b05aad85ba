//! A failover whose file-domain import the secondary's Engine died in: the import left the
//! export's storage connection, and the run after the Engine's return imports through it.

mod flow_support;

use olvm_dr_core::Site;
use olvm_dr_core::fake::WorldBuilder;
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::{Report, Verdict};

async fn failover(ctx: &FlowContext, store: &RunStore) -> Report {
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
        .execute(ctx, store, &RunOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(start_paused = true)]
async fn the_next_run_imports_through_the_connection_an_unfinished_import_left() {
    let world = WorldBuilder::small(11).build();
    let files: Vec<_> = world
        .facts()
        .domains
        .iter()
        .filter(|d| d.storage_type.is_file())
        .collect();
    assert!(!files.is_empty(), "the small world has file domains");
    let ctx = flow_support::context(&world, "leftover-connection");
    let existing = world.file_connections(Site::Secondary).len();
    world.disaster(Site::Primary);
    world.stop_all_replication();
    world.crash_file_imports(Site::Secondary, 1);
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(dir.path()).unwrap();

    let first = failover(&ctx, &store).await;
    assert_ne!(first.verdict, Verdict::Success, "{first:?}");
    let left = world.file_connections(Site::Secondary);
    assert!(!left.is_empty(), "the unfinished import left no connection");

    world.recover(Site::Secondary);
    let second = failover(&ctx, &store).await;
    assert_eq!(second.verdict, Verdict::Success, "{second:?}");
    let running: Vec<_> = world
        .facts()
        .vms
        .iter()
        .filter(|v| v.running)
        .map(|v| v.id)
        .collect();
    flow_support::assert_running_exactly(&world, Site::Secondary, &running).await;
    // One connection per export: the leftover was reused, not duplicated.
    let after = world.file_connections(Site::Secondary);
    assert_eq!(after.len(), existing + files.len(), "{after:?}");
    for c in &left {
        assert!(after.iter().any(|a| a.id == c.id), "{c:?} was replaced");
    }
}
