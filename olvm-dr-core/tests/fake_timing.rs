//! With the realistic latency profile, state changes are observable as sequences on tokio's
//! clock, and each site's Engine processes a bounded number of requests at once.

mod fake_support;

use std::time::Duration;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, Id, StorageDomainStatus, VmSearch, VmStatus};
use olvm_dr_core::fake::{LatencyProfile, Operation, WorldBuilder};
use tokio::time::{Instant, sleep};

use fake_support::{dc_for, import, promote_all};

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

async fn status(e: &dyn Engine, dc: Id, sd: Id) -> StorageDomainStatus {
    e.attached_storage_domain(dc, sd)
        .await
        .unwrap()
        .status
        .unwrap()
}

#[tokio::test(start_paused = true)]
async fn deactivation_passes_through_its_intermediate_states() {
    let world = WorldBuilder::small(21).build();
    let p = world.engine(Site::Primary);
    let d = world
        .facts()
        .domains
        .iter()
        .find(|d| !d.primary_master)
        .unwrap()
        .clone();
    let dc = d.primary_dc.id;
    let search = VmSearch {
        storage_domain: Some(d.id),
        status_not: Some(VmStatus::Down),
        ..VmSearch::default()
    };
    for vm in p.vms(&search).await.unwrap() {
        p.stop_vm(vm.id).await.unwrap();
    }
    world.set_latency(Site::Primary, LatencyProfile::realistic());
    sleep(secs(10.0)).await;

    let start = Instant::now();
    p.deactivate_storage_domain(dc, d.id, false).await.unwrap();
    assert_eq!(start.elapsed(), secs(0.5), "the request latency");
    // Locked for 5 s from acceptance, preparing for 12.5 s, then maintenance.
    assert_eq!(
        status(p.as_ref(), dc, d.id).await,
        StorageDomainStatus::Locked
    );
    sleep(secs(4.6)).await;
    assert_eq!(
        status(p.as_ref(), dc, d.id).await,
        StorageDomainStatus::PreparingForMaintenance
    );
    sleep(secs(12.5)).await;
    assert_eq!(
        status(p.as_ref(), dc, d.id).await,
        StorageDomainStatus::Maintenance
    );
}

#[tokio::test(start_paused = true)]
async fn a_long_attach_holds_the_domain_locked_through_the_spm_election_then_activating() {
    let world = WorldBuilder::small(22).build();
    let facts = world.facts().clone();
    let d = facts.domains[0].clone();
    world.disaster(Site::Primary);
    promote_all(&world);
    world.expire_leases(Site::Primary);
    world.set_latency(Site::Secondary, LatencyProfile::realistic());
    let s = world.engine(Site::Secondary);
    import(&world, s.as_ref(), &d, Site::Secondary).await;
    let dc = dc_for(&d, Site::Secondary);

    let sd = d.id;
    let poller = {
        let s = s.clone();
        tokio::spawn(async move {
            sleep(secs(1.0)).await;
            status(s.as_ref(), dc, sd).await
        })
    };
    let start = Instant::now();
    s.attach_storage_domain(dc, sd).await.unwrap();
    assert_eq!(start.elapsed(), secs(25.0));
    assert_eq!(poller.await.unwrap(), StorageDomainStatus::Locked);
    // The first domain creates the pool: it stays locked while the SPM is elected.
    assert_eq!(
        status(s.as_ref(), dc, sd).await,
        StorageDomainStatus::Locked
    );
    sleep(secs(10.0)).await;
    assert_eq!(
        status(s.as_ref(), dc, sd).await,
        StorageDomainStatus::Active
    );

    // Another domain of the same data center: locked for the call, then activating.
    let Some(other) = facts
        .domains
        .iter()
        .find(|o| o.id != d.id && dc_for(o, Site::Secondary) == dc)
        .cloned()
    else {
        return;
    };
    import(&world, s.as_ref(), &other, Site::Secondary).await;
    s.attach_storage_domain(dc, other.id).await.unwrap();
    assert_eq!(
        status(s.as_ref(), dc, other.id).await,
        StorageDomainStatus::Activating
    );
    sleep(secs(6.0)).await;
    assert_eq!(
        status(s.as_ref(), dc, other.id).await,
        StorageDomainStatus::Active
    );
}

#[tokio::test(start_paused = true)]
async fn a_started_vm_waits_for_launch_then_powers_up() {
    let world = WorldBuilder::small(23).build();
    let vm = world.facts().vms.iter().find(|v| !v.running).unwrap().id;
    world.set_latency(Site::Primary, LatencyProfile::realistic());
    let p = world.engine(Site::Primary);
    p.start_vm(vm).await.unwrap();
    // 0.5 s of request latency already passed: 2 s waiting for launch in all.
    assert_eq!(p.vm(vm).await.unwrap().status, VmStatus::WaitForLaunch);
    sleep(secs(2.0)).await;
    assert_eq!(p.vm(vm).await.unwrap().status, VmStatus::PoweringUp);
    sleep(secs(10.5)).await;
    assert_eq!(p.vm(vm).await.unwrap().status, VmStatus::Up);
    p.stop_vm(vm).await.unwrap();
    assert_eq!(p.vm(vm).await.unwrap().status, VmStatus::PoweringDown);
    sleep(secs(3.5)).await;
    assert_eq!(p.vm(vm).await.unwrap().status, VmStatus::Down);
}

#[tokio::test(start_paused = true)]
async fn the_engine_processes_a_bounded_number_of_requests_at_once() {
    let world = WorldBuilder::small(24).build();
    let latency = LatencyProfile::instant().with_request(Operation::ApiInfo, secs(3.0));
    world.set_latency(Site::Primary, latency);
    world.set_concurrency_limit(Site::Primary, 2);
    let p = world.engine(Site::Primary);
    let start = Instant::now();
    let calls: Vec<_> = (0..4)
        .map(|_| {
            let p = p.clone();
            tokio::spawn(async move { p.api_info().await.map(|_| Instant::now()) })
        })
        .collect();
    let mut done = Vec::new();
    for c in calls {
        done.push(c.await.unwrap().unwrap() - start);
    }
    done.sort();
    assert_eq!(done, [secs(3.0), secs(3.0), secs(6.0), secs(6.0)]);
}

#[tokio::test(start_paused = true)]
async fn jitter_is_deterministic_per_entity() {
    let world = WorldBuilder::small(25).build();
    world.set_latency(
        Site::Primary,
        LatencyProfile::instant()
            .with_request(Operation::Vm, secs(1.0))
            .with_jitter(3, 0.5),
    );
    let p = world.engine(Site::Primary);
    let vm = world.facts().vms[0].id;
    let mut took = Vec::new();
    for _ in 0..2 {
        let start = Instant::now();
        p.vm(vm).await.unwrap();
        took.push(start.elapsed());
    }
    assert_eq!(took[0], took[1]);
    assert!(took[0] >= secs(0.5) && took[0] <= secs(1.5), "{took:?}");
}
