//! VM leases in a failover: the HA VMs whose leases the dead primary's hosts held come up once
//! sanlock has taken the records over, within the flow's deadline; a deadline shorter than the
//! lease time fails the wait with a message that names the lease.

mod flow_support;

use std::time::Duration;

use flow_support::{assert_running_exactly, context};
use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, Id};
use olvm_dr_core::execute::FlowTimeouts;
use olvm_dr_core::fake::{World, WorldBuilder};
use olvm_dr_core::flow::{Resume, RunOptions, RunStore};
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::{Report, Verdict};

/// A small world whose running HA VMs hold leases on their first domain; returns them with
/// that domain.
fn world_with_leases(seed: u64) -> (World, Vec<(Id, Id)>) {
    let world = WorldBuilder::small(seed).build();
    let leased: Vec<(Id, Id)> = world
        .facts()
        .vms
        .iter()
        .filter(|v| v.running && v.ha && !v.domains.is_empty())
        .map(|v| (v.id, v.domains[0]))
        .collect();
    assert!(!leased.is_empty(), "the preset has running HA VMs");
    world.setup(|s| {
        for (vm, sd) in &leased {
            s.set_vm_lease(Site::Primary, *vm, Some(*sd));
        }
    });
    (world, leased)
}

async fn failover(world: &World, timeouts: FlowTimeouts) -> Report {
    let ctx = context(world, "leases");
    world.disaster(Site::Primary);
    world.stop_all_replication();
    let store = RunStore::in_memory();
    let options = RunOptions {
        timeouts,
        ..RunOptions::default()
    };
    ctx.prepare_failover(
        Site::Secondary,
        &FailoverOptions::default(),
        &store,
        &Resume::Never,
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"))
    .execute(&ctx, &store, &options)
    .await
    .unwrap()
}

#[tokio::test(start_paused = true)]
async fn leased_ha_vms_come_up_after_the_lease_time() {
    let (world, leased) = world_with_leases(21);
    let was_running: Vec<Id> = world
        .facts()
        .vms
        .iter()
        .filter(|v| v.running)
        .map(|v| v.id)
        .collect();
    let report = failover(&world, FlowTimeouts::default()).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert_running_exactly(&world, Site::Secondary, &was_running).await;
    let e = world.engine(Site::Secondary);
    for (vm, sd) in leased {
        let v = e.vm(vm).await.unwrap();
        assert_eq!(v.settings.lease, Some(sd), "{}", v.name);
    }
    assert!(
        world.split_brains().is_empty(),
        "{:?}",
        world.split_brains()
    );
}

#[tokio::test(start_paused = true)]
async fn a_deadline_shorter_than_the_lease_time_names_the_lease() {
    let (world, _) = world_with_leases(21);
    let timeouts = FlowTimeouts {
        vm_up: Duration::from_secs(30),
        ..FlowTimeouts::default()
    };
    let report = failover(&world, timeouts).await;
    let summary = report.render_summary();
    assert_ne!(report.verdict, Verdict::Success, "{summary}");
    assert!(
        summary.contains("acquires its VM lease on storage domain"),
        "the failure says what the VM waits for:\n{summary}"
    );
}

/// A lease whose domain is not active in the target data center moves, at registration, to an
/// active data domain there (`ImportVmCommandBase.handleVmLease`), as a new lease: the start
/// takes it at once.
#[tokio::test(start_paused = true)]
async fn registration_moves_a_lease_whose_domain_stayed_behind() {
    use olvm_dr_core::engine::{StorageType, VmStatus};
    let mut b = WorldBuilder::small(21);
    for t in olvm_dr_core::fake::STORAGE_TYPES {
        b = b.domains(t, if t == StorageType::Nfs { 2 } else { 0 });
    }
    let world = b.build();
    let f = world.facts().clone();
    let Some(vm) = f
        .vms
        .iter()
        .find(|v| v.running && v.ha && v.domains.len() == 1)
    else {
        panic!("the preset has a running HA VM on one domain");
    };
    let home = vm.domains[0];
    let behind = f
        .domains
        .iter()
        .find(|d| d.id != home)
        .expect("a second domain")
        .id;
    world.setup(|s| s.set_vm_lease(Site::Primary, vm.id, Some(behind)));
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();

    // Only the VM's own domain comes over.
    let e = world.engine(Site::Secondary);
    let d = f.domains.iter().find(|d| d.id == home).unwrap();
    let dc = d.secondary_dc.id;
    let host = f.secondary.up_host_in(dc).expect("an up host").id;
    e.import_storage_domain(&d.import_request(Site::Secondary, host))
        .await
        .unwrap();
    e.attach_storage_domain(dc, home).await.unwrap();
    let reg = f.registration(Site::Secondary);
    let mut templates = e.unregistered_templates(home).await.unwrap();
    templates.sort_by_key(|t| t.base_template.is_some());
    for t in templates {
        e.register_template(home, t.id, &reg).await.unwrap();
    }
    e.register_vm(home, vm.id, &reg).await.unwrap();
    let registered = e.vm(vm.id).await.unwrap();
    assert_eq!(registered.settings.lease, Some(home));

    e.start_vm(vm.id).await.unwrap();
    assert_eq!(e.vm(vm.id).await.unwrap().status, VmStatus::Up);
}
