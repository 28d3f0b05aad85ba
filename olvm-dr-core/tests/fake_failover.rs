//! Scenarios of a failover in the fake world, on tokio's paused clock: every storage type waits
//! out the sanlock lease, a split brain never attaches, stale OVF stores give stale statuses.

mod fake_support;

use std::time::Duration;

use olvm_dr_core::engine::{Engine, ErrorKind, StorageDomainStatus, VmStatus};
use olvm_dr_core::fake::{DEFAULT_LEASE_TIMEOUT, STORAGE_TYPES, WorldBuilder};
use olvm_dr_core::{ErrorKind as Kind, Site};
use tokio::time::{Instant, sleep};

use fake_support::{dc_for, host_for, import, promote_all, register_all};

const LEASE_TEXT: &str = "[Cannot acquire host id]";

#[tokio::test(start_paused = true)]
async fn every_storage_type_fails_over_after_blocking_for_the_lease() {
    for storage_type in STORAGE_TYPES {
        let world = WorldBuilder::medium(11).vms(80).build();
        let facts = world.facts().clone();
        let d = facts
            .domain_of_type(storage_type)
            .expect("the preset has every type")
            .clone();
        let e = world.engine(Site::Secondary);
        let dc = dc_for(&d, Site::Secondary);

        world.disaster(Site::Primary);
        world.stop_replication(d.pair);
        if storage_type == olvm_dr_core::engine::StorageType::Iscsi {
            // A host that has not logged in sees no iSCSI LUN, so the Engine has no target
            // to look for the domain behind.
            let host = host_for(&world, &d, Site::Secondary);
            let err = e
                .import_storage_domain(&d.import_request(Site::Secondary, host))
                .await
                .unwrap_err();
            assert_eq!(
                (err.kind, err.detail()),
                (
                    ErrorKind::BadRequest,
                    "Couldn't connect to the specified targets"
                ),
                "{err}"
            );
        }
        import(&world, e.as_ref(), &d, Site::Secondary).await;

        // The attach blocks while sanlock watches the primary's records, then goes through.
        let started = Instant::now();
        e.attach_storage_domain(dc, d.id)
            .await
            .expect("attach after the lease wait");
        assert!(
            started.elapsed() >= DEFAULT_LEASE_TIMEOUT,
            "{storage_type}: answered after {:?}",
            started.elapsed()
        );
        assert_eq!(world.lease_holder(d.id), Some(Site::Secondary));

        let sd = e.attached_storage_domain(dc, d.id).await.unwrap();
        assert_eq!(
            sd.status,
            Some(StorageDomainStatus::Active),
            "{storage_type}"
        );
        let reg = facts.registration(Site::Secondary);
        let vms = register_all(e.as_ref(), &[d.id], &reg)
            .await
            .expect("register");
        let expected = facts
            .vms
            .iter()
            .filter(|v| v.domains.contains(&d.id))
            .count();
        assert_eq!(
            vms.len(),
            expected,
            "{storage_type}: every VM on the domain"
        );
        for (id, recorded) in &vms {
            let running = facts.vms.iter().find(|v| v.id == *id).unwrap().running;
            assert_eq!(*recorded == VmStatus::Up, running);
        }
        let (first_up, _) = vms
            .iter()
            .find(|(_, s)| *s == VmStatus::Up)
            .expect("a running VM");
        e.start_vm(*first_up).await.unwrap();
        assert_eq!(e.vm(*first_up).await.unwrap().status, VmStatus::Up);
    }
}

#[tokio::test(start_paused = true)]
async fn a_live_primary_does_not_stop_the_attach_after_a_split_and_the_split_brain_is_recorded() {
    // Only the primary's Engine is unreachable; its hosts keep renewing, on their own copy.
    let world = WorldBuilder::small(3).build();
    let d = world.facts().domains[0].clone();
    let e = world.engine(Site::Secondary);
    world.engine_outage(Site::Primary);
    world.stop_replication(d.pair);
    import(&world, e.as_ref(), &d, Site::Secondary).await;
    assert!(world.split_brains().is_empty());
    let started = Instant::now();
    e.attach_storage_domain(dc_for(&d, Site::Secondary), d.id)
        .await
        .expect("sanlock cannot see the primary's renewals on the promoted copy");
    assert!(started.elapsed() >= DEFAULT_LEASE_TIMEOUT);
    assert_eq!(world.lease_holder(d.id), Some(Site::Secondary));
    let split = world.split_brains();
    assert_eq!(split.len(), 1, "{split:?}");
    assert_eq!(
        (split[0].domain, split[0].taken_by, split[0].still_running),
        (d.id, Site::Secondary, Site::Primary)
    );
}

#[tokio::test(start_paused = true)]
async fn a_read_only_replica_refuses_the_lease_and_a_dead_sites_takeover_is_no_split_brain() {
    let world = WorldBuilder::small(4).build();
    let d = world.facts().domains[0].clone();
    let e = world.engine(Site::Secondary);
    world.disaster(Site::Primary);
    import(&world, e.as_ref(), &d, Site::Secondary).await;
    let err = e
        .attach_storage_domain(dc_for(&d, Site::Secondary), d.id)
        .await
        .unwrap_err();
    assert_eq!((err.kind, err.detail()), (Kind::LeaseHeld, LEASE_TEXT));
    world.stop_replication(d.pair);
    sleep(Duration::from_secs(3600)).await;
    // Hours after the disaster sanlock still watches the record for the full lease time.
    let started = Instant::now();
    e.attach_storage_domain(dc_for(&d, Site::Secondary), d.id)
        .await
        .unwrap();
    assert!(started.elapsed() >= DEFAULT_LEASE_TIMEOUT);
    assert!(world.split_brains().is_empty());
}

#[tokio::test(start_paused = true)]
async fn vms_changed_after_the_last_ovf_write_come_back_stale() {
    let world = WorldBuilder::small(5).build();
    let facts = world.facts().clone();
    let p = world.engine(Site::Primary);
    let vm = facts.vms.iter().find(|v| v.running).unwrap().clone();
    let d = facts
        .domains
        .iter()
        .find(|d| d.id == vm.domains[0])
        .unwrap()
        .clone();
    p.stop_vm(vm.id).await.unwrap();
    let on_storage = world.ovf_store(Site::Primary, d.id).unwrap();
    let recorded = on_storage
        .vms
        .iter()
        .find(|(id, _)| *id == vm.id)
        .unwrap()
        .1;
    assert_eq!(recorded, VmStatus::Up, "no OVF write since the stop");

    world.disaster(Site::Primary);
    promote_all(&world);
    sleep(DEFAULT_LEASE_TIMEOUT).await;
    let s = world.engine(Site::Secondary);
    // The master of the target data center first.
    let master = facts
        .domains
        .iter()
        .find(|x| x.secondary_dc.id == d.secondary_dc.id)
        .unwrap()
        .clone();
    for x in [&master, &d] {
        if s.storage_domain(x.id).await.is_err() {
            import(&world, s.as_ref(), x, Site::Secondary).await;
            s.attach_storage_domain(dc_for(x, Site::Secondary), x.id)
                .await
                .unwrap();
        }
    }
    let unregistered = s.unregistered_vms(d.id).await.unwrap();
    let u = unregistered.iter().find(|u| u.id == vm.id).unwrap();
    assert_eq!(
        u.status,
        VmStatus::Up,
        "the OVF store's status, not the last one"
    );
}

#[tokio::test(start_paused = true)]
async fn the_periodic_ovf_update_records_the_current_status() {
    let world = WorldBuilder::small(6).build();
    let facts = world.facts().clone();
    let p = world.engine(Site::Primary);
    let vm = facts.vms.iter().find(|v| v.running).unwrap().clone();
    let sd = vm.domains[0];
    p.stop_vm(vm.id).await.unwrap();
    let before = world.ovf_store(Site::Primary, sd).unwrap();
    sleep(Duration::from_secs(59 * 60)).await;
    p.api_info().await.unwrap();
    assert_eq!(
        world.ovf_store(Site::Primary, sd).unwrap(),
        before,
        "not yet"
    );
    sleep(Duration::from_secs(60)).await;
    p.api_info().await.unwrap();
    let after = world.ovf_store(Site::Primary, sd).unwrap();
    assert_ne!(after.last_updated, before.last_updated);
    let status = after.vms.iter().find(|(id, _)| *id == vm.id).unwrap().1;
    assert_eq!(status, VmStatus::Down);
    // Replication carried it to the secondary's replica.
    let replica = world.ovf_store(Site::Secondary, sd).unwrap();
    assert_eq!((replica.vms, replica.read_only), (after.vms, true));

    // A dead Engine writes nothing.
    world.disaster(Site::Primary);
    sleep(Duration::from_secs(3 * 3600)).await;
    assert_eq!(
        world.ovf_store(Site::Primary, sd).unwrap().last_updated,
        after.last_updated
    );
}

#[tokio::test(start_paused = true)]
async fn the_ovf_interval_is_configurable() {
    let world = WorldBuilder::small(8).build();
    let vm = world
        .facts()
        .vms
        .iter()
        .find(|v| v.running)
        .unwrap()
        .clone();
    let sd = vm.domains[0];
    let before = world.ovf_store(Site::Primary, sd).unwrap();
    world.set_ovf_update_interval(Site::Primary, None);
    // A change the Engine made (a stop bumps the VM's generation) waits for an update.
    world.engine(Site::Primary).stop_vm(vm.id).await.unwrap();
    sleep(Duration::from_secs(5 * 3600)).await;
    world.engine(Site::Primary).api_info().await.unwrap();
    assert_eq!(world.ovf_store(Site::Primary, sd).unwrap(), before);
    world.set_ovf_update_interval(Site::Primary, Some(Duration::from_secs(600)));
    sleep(Duration::from_secs(601)).await;
    world.engine(Site::Primary).api_info().await.unwrap();
    assert_ne!(
        world.ovf_store(Site::Primary, sd).unwrap().last_updated,
        before.last_updated
    );
}

#[tokio::test(start_paused = true)]
async fn the_primary_stays_unchanged_while_the_secondary_fails_over() {
    let world = WorldBuilder::small(9).build();
    let before = serde_json::to_string(&world.snapshot(Site::Primary)).unwrap();
    world.disaster(Site::Primary);
    promote_all(&world);
    sleep(DEFAULT_LEASE_TIMEOUT).await;
    let s = world.engine(Site::Secondary);
    let facts = world.facts().clone();
    let mut ordered = facts.domains.clone();
    ordered.sort_by_key(|d| d.storage_type != olvm_dr_core::engine::StorageType::Nfs);
    for d in &ordered {
        import(&world, s.as_ref(), d, Site::Secondary).await;
    }
    for d in &ordered {
        s.attach_storage_domain(dc_for(d, Site::Secondary), d.id)
            .await
            .unwrap_or_else(|e| panic!("attach {}: {e}", d.name));
    }
    let ids: Vec<_> = ordered.iter().map(|d| d.id).collect();
    register_all(s.as_ref(), &ids, &facts.registration(Site::Secondary))
        .await
        .expect("register");
    world.recover(Site::Primary);
    let after = world.snapshot(Site::Primary);
    assert!(after.engine_up);
    // Its database keeps every record; only what its monitoring finds out changed: the domains
    // are `unknown` until the hosts report, so the data centers are `problematic`.
    let after = serde_json::to_value(&after).unwrap();
    assert_eq!(
        without_statuses(after.clone()),
        without_statuses(serde_json::from_str(&before).unwrap()),
        "the recovered primary keeps its stale records"
    );
    for d in after["domains"].as_array().unwrap() {
        assert_eq!(d["status"], "unknown", "{d}");
    }
    for dc in after["data_centers"].as_array().unwrap() {
        assert_eq!(dc["status"], "problematic", "{dc}");
    }
}

/// `value` without its `status` fields, at any depth.
fn without_statuses(mut value: serde_json::Value) -> serde_json::Value {
    match &mut value {
        serde_json::Value::Object(map) => {
            map.remove("status");
            for v in map.values_mut() {
                *v = without_statuses(v.take());
            }
        }
        serde_json::Value::Array(items) => {
            for v in items.iter_mut() {
                *v = without_statuses(v.take());
            }
        }
        _ => {}
    }
    value
}

#[tokio::test(start_paused = true)]
async fn vms_on_a_copy_that_turns_read_only_are_killed_after_the_lease_time() {
    let world = WorldBuilder::small(6).build();
    let facts = world.facts().clone();
    let p = world.engine(Site::Primary);
    let running: Vec<_> = facts.vms.iter().filter(|v| v.running).collect();
    assert!(!running.is_empty());
    // Someone reverses replication while the primary still runs on its copies.
    world.reverse_all_replication();
    sleep(DEFAULT_LEASE_TIMEOUT - Duration::from_secs(1)).await;
    for v in &running {
        assert_eq!(p.vm(v.id).await.unwrap().status, VmStatus::Up, "{}", v.name);
    }
    sleep(Duration::from_secs(1)).await;
    for v in &running {
        if !v.domains.is_empty() {
            assert_eq!(
                p.vm(v.id).await.unwrap().status,
                VmStatus::Down,
                "{} runs on a read-only copy",
                v.name
            );
        }
    }
    assert_eq!(world.lease_holder(facts.domains[0].id), None);
}
