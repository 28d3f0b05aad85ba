//! A failover whose source gives no answer: the Engine lists unregistered VMs without their
//! disks, so without a record of the source the run cannot tell which VMs lost a disk. It then
//! registers refusing partial imports (the Engine refuses a VM whose images it cannot find),
//! and its verification names the VMs it could not compare with their source. With a record
//! kept while the source answered, it verifies against that record.

mod flow_support;

use olvm_dr_core::Site;
use olvm_dr_core::fake::{World, WorldBuilder};
use olvm_dr_core::flow::{Resume, RunOptions, RunStore};
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::plan::source_record::read_source_record;
use olvm_dr_core::report::{Report, StepOutcome, Verdict};

/// Disaster of the primary; every replica promoted except the one of a non-master domain that
/// holds a disk of a VM with disks on two domains. Returns that VM's id and name.
fn disaster_with_one_replica_left_read_only(world: &World) -> (olvm_dr_core::engine::Id, String) {
    let f = world.facts().clone();
    let (vm, lost) = f
        .vms
        .iter()
        .filter(|v| v.domains.len() >= 2)
        .find_map(|v| {
            let d = v.domains.iter().find_map(|id| {
                let d = f.domains.iter().find(|d| d.id == *id)?;
                // Not the first domain of its target data center: that one becomes master.
                let first = f
                    .domains
                    .iter()
                    .find(|x| x.secondary_dc.id == d.secondary_dc.id)?;
                (first.id != d.id).then_some(d)
            })?;
            Some((v, d))
        })
        .expect("a VM with a disk on a domain that is not its data center's first");
    world.disaster(Site::Primary);
    for pair in world.pairs() {
        if pair != lost.pair {
            world.stop_replication(pair);
        }
    }
    (vm.id, vm.name.clone())
}

async fn failover(world: &World, store: &RunStore) -> Report {
    let ctx = flow_support::context(world, "dark-source");
    let prepared = ctx
        .prepare_failover(
            Site::Secondary,
            &FailoverOptions::default(),
            store,
            &Resume::Never,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    prepared
        .execute(&ctx, store, &RunOptions::default())
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::test(start_paused = true)]
async fn without_a_record_the_engine_refuses_a_vm_that_lost_a_disk() {
    let world = WorldBuilder::small(3).build();
    let (vm, name) = disaster_with_one_replica_left_read_only(&world);
    let report = failover(&world, &RunStore::in_memory()).await;

    assert_ne!(
        report.verdict,
        Verdict::Success,
        "a domain failed to attach"
    );
    let outcome = report
        .vms
        .iter()
        .find(|v| v.name == name)
        .expect("the VM is in the report");
    assert_eq!(
        outcome.registered,
        Some(StepOutcome::Failed),
        "{name}: {outcome:?}"
    );
    let secondary = world.dyn_engine(Site::Secondary);
    assert!(
        secondary.vm(vm).await.is_err(),
        "{name} is not registered without one of its disks"
    );
    let verification = report.verification.as_ref().expect("verified");
    assert!(
        !verification.unchecked.is_empty(),
        "the VMs registered without a record are named: {verification:?}"
    );
    assert!(
        !verification.unchecked.contains(&name),
        "only registered VMs are listed as unchecked"
    );
}

#[tokio::test(start_paused = true)]
async fn a_record_kept_while_the_source_answered_is_verified_against() {
    let world = WorldBuilder::small(3).build();
    let dir = tempfile::tempdir().unwrap();
    let store = RunStore::open(dir.path()).unwrap();
    let record = read_source_record(world.dyn_engine(Site::Primary).as_ref())
        .await
        .unwrap();
    store
        .remember_source_record(Site::Primary, &record)
        .unwrap();
    let (vm, name) = disaster_with_one_replica_left_read_only(&world);
    let report = failover(&world, &store).await;

    // The record is out of date as far as the run knows: it decides nothing, and the
    // registration stays strict.
    let outcome = report.vms.iter().find(|v| v.name == name).unwrap();
    assert_eq!(outcome.registered, Some(StepOutcome::Failed));
    assert!(world.dyn_engine(Site::Secondary).vm(vm).await.is_err());
    let verification = report.verification.as_ref().expect("verified");
    assert!(
        verification.unchecked.is_empty(),
        "every registered VM was compared with the record: {verification:?}"
    );
    assert!(
        report.vms.iter().any(|v| !v.macs_reassigned.is_empty()),
        "the record gives the MACs the source had, so reassigned ones are reported"
    );
}
