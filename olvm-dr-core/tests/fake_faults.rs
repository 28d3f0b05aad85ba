//! Fault injection: scripted failures, random transient failures, hangs, and sites that drop
//! out mid-run.

use std::time::Duration;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, EngineError, ErrorKind, VmSearch};
use olvm_dr_core::fake::{Hang, Operation, Outage, RandomFailures, Trigger, WorldBuilder};
use tokio::time::{Instant, sleep, timeout};

#[tokio::test(start_paused = true)]
async fn the_next_calls_of_an_operation_fail_as_scripted() {
    let world = WorldBuilder::small(31).build();
    let p = world.engine(Site::Primary);
    let locked = EngineError::new(ErrorKind::Locked, "anything")
        .with_status(409)
        .with_fault_text("Operation Failed", "[Cannot attach Storage. Related operation is currently in progress. Please try again later.]");
    world.fail_next(Site::Primary, Operation::DataCenters, 2, locked.clone());
    for _ in 0..2 {
        let e = p.data_centers().await.unwrap_err();
        assert_eq!(e.operation, "data_centers");
        assert_eq!((e.kind, e.detail()), (locked.kind, locked.detail()));
    }
    p.data_centers().await.expect("the third call works");
    p.clusters()
        .await
        .expect("other operations were never affected");
}

#[tokio::test(start_paused = true)]
async fn random_failures_are_transient_and_reproducible() {
    let run = || async {
        let world = WorldBuilder::small(32).build();
        world.fail_randomly(Site::Primary, RandomFailures::transient(0.25, 99));
        let p = world.engine(Site::Primary);
        let mut outcomes = Vec::new();
        for _ in 0..200 {
            outcomes.push(p.api_info().await.err().map(|e| e.kind));
        }
        outcomes
    };
    let a = run().await;
    assert_eq!(a, run().await);
    let failed: Vec<_> = a.iter().flatten().collect();
    assert!(
        (25..80).contains(&failed.len()),
        "{} failures",
        failed.len()
    );
    assert!(failed.iter().all(|k| k.is_retryable()));
}

#[tokio::test(start_paused = true)]
async fn a_hung_call_runs_into_the_callers_deadline() {
    let world = WorldBuilder::small(33).build();
    world.set_concurrency_limit(Site::Primary, 1);
    world.hang(
        Site::Primary,
        Operation::Vms,
        Hang {
            calls: Some(1),
            duration: None,
        },
    );
    let p = world.engine(Site::Primary);
    let hung = timeout(Duration::from_secs(30), p.vms(&VmSearch::default())).await;
    assert!(hung.is_err(), "the hung call never returns");
    // Dropping it freed the Engine's only request slot.
    p.vms(&VmSearch::default())
        .await
        .expect("the next call works");

    world.hang(
        Site::Primary,
        Operation::ApiInfo,
        Hang {
            calls: None,
            duration: Some(Duration::from_secs(7)),
        },
    );
    let start = Instant::now();
    p.api_info().await.unwrap();
    assert_eq!(start.elapsed(), Duration::from_secs(7));
}

#[tokio::test(start_paused = true)]
async fn a_site_drops_out_after_a_number_of_calls() {
    let world = WorldBuilder::small(34).build();
    let p = world.engine(Site::Primary);
    world.drop_site(
        Site::Primary,
        Trigger::AfterCalls(world.calls(Site::Primary) + 3),
        Outage::Engine,
    );
    for _ in 0..3 {
        p.api_info().await.expect("still answering");
    }
    let e = p.api_info().await.unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unreachable);
    assert!(!world.is_up(Site::Primary));
    // Only the Engine: its hosts still hold the leases.
    let d = &world.facts().domains[0];
    assert_eq!(world.lease_holder(d.id), Some(Site::Primary));
    world.recover(Site::Primary);
    p.api_info().await.expect("back");
}

#[tokio::test(start_paused = true)]
async fn a_site_drops_out_at_a_given_time() {
    let world = WorldBuilder::small(35).build();
    let p = world.engine(Site::Primary);
    let at = Instant::now() + Duration::from_secs(100);
    world.drop_site(Site::Primary, Trigger::At(at), Outage::Disaster);
    sleep(Duration::from_secs(99)).await;
    p.api_info().await.expect("before the drop");
    sleep(Duration::from_secs(2)).await;
    assert_eq!(p.api_info().await.unwrap_err().kind, ErrorKind::Unreachable);
    // A disaster at `at`: the hosts stopped then, so taking their leases over is no split
    // brain; sanlock still watches the records for the full lease time.
    let d = world.facts().domains[0].clone();
    world.stop_replication(d.pair);
    let s = world.engine(Site::Secondary);
    let host = world
        .facts()
        .secondary
        .up_host_in(d.secondary_dc.id)
        .unwrap()
        .id;
    if let Some(login) = d.iscsi_login(Site::Secondary) {
        s.iscsi_login(host, &login).await.unwrap();
    }
    s.import_storage_domain(&d.import_request(Site::Secondary, host))
        .await
        .unwrap();
    let started = Instant::now();
    s.attach_storage_domain(d.secondary_dc.id, d.id)
        .await
        .expect("taken over after the lease wait");
    assert!(started.elapsed() >= olvm_dr_core::fake::DEFAULT_LEASE_TIMEOUT);
    assert!(world.split_brains().is_empty());
}

#[tokio::test(start_paused = true)]
async fn a_call_in_flight_when_the_site_dies_is_lost() {
    let world = WorldBuilder::small(36).build();
    world.set_latency(
        Site::Primary,
        olvm_dr_core::fake::LatencyProfile::instant()
            .with_request(Operation::StopVm, Duration::from_secs(5)),
    );
    let vm = world.facts().vms.iter().find(|v| v.running).unwrap().id;
    let p = world.engine(Site::Primary);
    let call = {
        let p = p.clone();
        tokio::spawn(async move { p.stop_vm(vm).await })
    };
    sleep(Duration::from_secs(1)).await;
    world.disaster(Site::Primary);
    let e = call.await.unwrap().unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unavailable);
    world.recover(Site::Primary);
    // The Engine had accepted it: the VM did stop although the caller saw a failure.
    assert_ne!(
        p.vm(vm).await.unwrap().status,
        olvm_dr_core::engine::VmStatus::Up
    );
}
