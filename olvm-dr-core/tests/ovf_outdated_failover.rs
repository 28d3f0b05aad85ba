//! The VMs a failover starts are those the replicated OVF stores record as running, and the
//! stores record what the Engine last processed: a VM shut down from inside its guest changes
//! no configuration generation, so the store still says it runs and the failover starts it;
//! a VM stopped through the Engine is recorded down at the next OVF update and stays down.
//! (ovf-engine `ProcessOvfUpdateForStoragePoolCommand`, `StopVmCommandBase`.)

mod flow_support;

use std::time::Duration;

use olvm_dr_core::Site;
use olvm_dr_core::engine::Engine;
use olvm_dr_core::fake::WorldBuilder;
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::Verdict;

#[tokio::test(start_paused = true)]
async fn failover_starts_what_the_stores_hold_not_what_ran_last() {
    let world = WorldBuilder::small(11).build();
    let facts = world.facts().clone();
    let mut running = facts.vms.iter().filter(|v| v.running);
    let in_guest = running.next().expect("a running VM").id;
    let by_engine = running.next().expect("a second running VM").id;
    assert!(world.setup(|s| s.shut_down_in_guest(Site::Primary, in_guest)));
    world
        .engine(Site::Primary)
        .stop_vm(by_engine)
        .await
        .unwrap();
    // The next periodic OVF update (60 minutes) writes the stop, not the guest's shutdown.
    tokio::time::sleep(Duration::from_secs(3601)).await;
    world.engine(Site::Primary).api_info().await.unwrap();

    world.disaster(Site::Primary);
    world.stop_all_replication();
    let ctx = flow_support::context(&world, "ovf-outdated");
    let report = flow_support::fail_over(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let expected: Vec<_> = facts
        .vms
        .iter()
        .filter(|v| v.running && v.id != by_engine)
        .map(|v| v.id)
        .collect();
    assert!(expected.contains(&in_guest));
    flow_support::assert_running_exactly(&world, Site::Secondary, &expected).await;
}
