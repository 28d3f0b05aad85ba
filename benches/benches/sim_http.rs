//! `RestEngine` against `olvm-dr-sim` on loopback, both sides in this process, instant latency:
//!
//! - simple GETs (`GET /datacenters`) per second, one at a time and 16 in flight (the
//!   client's default limit). Target: at least 3 000 per second;
//! - registering 1 000 VMs after a failover of their domains, 16 in flight. Target: under 3 s.
//!
//! A timed `main` (no harness): each figure is the best of a few runs, printed as one line.
//! Run with `cargo bench -p olvm-dr-benches --bench sim_http`.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::stream::{self, StreamExt};
use olvm_dr_core::engine::rest::RestEngine;
use olvm_dr_core::engine::{Engine, Id, Registration, StorageDomainStatus};
use olvm_dr_core::fake::WorldBuilder;
use olvm_dr_core::{Secret, Site};
use olvm_dr_sim::{Lab, LabOptions};

const GETS: usize = 3_000;
const VMS: usize = 1_000;
const IN_FLIGHT: usize = 16;
const RUNS: usize = 3;

fn main() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async {
        gets().await;
        registrations().await;
    });
}

async fn lab(vms: usize) -> (tempfile::TempDir, Lab) {
    let dir = tempfile::tempdir().expect("temp dir");
    let world = WorldBuilder::small(11).vms(vms).build();
    let options = LabOptions {
        password: Some(Secret::new("bench")),
        ..LabOptions::new(dir.path())
    };
    let lab = Lab::start_with(world, options).await.expect("lab");
    (dir, lab)
}

fn client(lab: &Lab, site: Site) -> Arc<RestEngine> {
    Arc::new(RestEngine::connect(&lab.site_connection(site)).expect("client"))
}

async fn gets() {
    let (_dir, lab) = lab(20).await;
    let engine = client(&lab, Site::Primary);
    engine.data_centers().await.expect("warm-up and login");
    let mut sequential = f64::MAX;
    let mut parallel = f64::MAX;
    for _ in 0..RUNS {
        let t = Instant::now();
        for _ in 0..GETS {
            engine.data_centers().await.expect("GET");
        }
        sequential = sequential.min(t.elapsed().as_secs_f64());
        let t = Instant::now();
        stream::iter(0..GETS)
            .map(|_| {
                let e = Arc::clone(&engine);
                async move { e.data_centers().await.expect("GET") }
            })
            .buffer_unordered(IN_FLIGHT)
            .for_each(|_| async {})
            .await;
        parallel = parallel.min(t.elapsed().as_secs_f64());
    }
    println!(
        "sim_http gets: {GETS} x GET /datacenters: {:.0}/s one at a time, {:.0}/s with {IN_FLIGHT} in flight (target >= 3000/s)",
        GETS as f64 / sequential,
        GETS as f64 / parallel
    );
    lab.shutdown().await;
}

async fn registrations() {
    let mut best = Duration::MAX;
    let mut count = 0;
    for _ in 0..RUNS {
        let (_dir, lab) = lab(VMS).await;
        let (elapsed, n) = failover_and_register(&lab).await;
        best = best.min(elapsed);
        count = n;
        lab.shutdown().await;
    }
    println!(
        "sim_http register: {count} VMs registered in {:.3} s with {IN_FLIGHT} in flight (target < 3 s)",
        best.as_secs_f64()
    );
}

/// Brings every replicated domain in on the secondary (not timed), then registers the
/// templates and every unregistered VM (timed).
async fn failover_and_register(lab: &Lab) -> (Duration, usize) {
    let world = lab.world();
    let facts = world.facts().clone();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    for d in &facts.domains {
        world.stop_replication(d.pair);
    }
    for l in &facts.luns {
        world.stop_replication(l.pair);
    }
    let e = client(lab, Site::Secondary);
    let mut ordered: Vec<_> = facts.domains.iter().collect();
    ordered.sort_by_key(|d| !d.primary_master);
    let mut seen_dc = Vec::new();
    ordered.sort_by_key(|d| {
        let first = !seen_dc.contains(&d.secondary_dc.id);
        seen_dc.push(d.secondary_dc.id);
        !first
    });
    for d in &ordered {
        let dc = d.secondary_dc.id;
        let host = facts.secondary.up_host_in(dc).expect("an up host").id;
        if let Some(login) = d.iscsi_login(Site::Secondary) {
            e.iscsi_login(host, &login).await.expect("iscsi login");
        }
        e.import_storage_domain(&d.import_request(Site::Secondary, host))
            .await
            .expect("import");
        e.attach_storage_domain(dc, d.id).await.expect("attach");
        let sd = e.attached_storage_domain(dc, d.id).await.expect("get");
        assert_eq!(sd.status, Some(StorageDomainStatus::Active));
    }
    let registration = Arc::new(facts.registration(Site::Secondary));
    let t = Instant::now();
    let mut registered_templates: Vec<Id> = Vec::new();
    for d in &facts.domains {
        let mut templates = e.unregistered_templates(d.id).await.expect("templates");
        templates.sort_by_key(|t| t.base_template.is_some());
        for tpl in templates {
            if !registered_templates.contains(&tpl.id) {
                e.register_template(d.id, tpl.id, &registration)
                    .await
                    .expect("register template");
                registered_templates.push(tpl.id);
            }
        }
    }
    let mut work: Vec<(Id, Id)> = Vec::new();
    for d in &facts.domains {
        for vm in e.unregistered_vms(d.id).await.expect("unregistered VMs") {
            if !work.iter().any(|(_, v)| *v == vm.id) {
                work.push((d.id, vm.id));
            }
        }
    }
    let n = work.len();
    stream::iter(work)
        .map(|(sd, vm)| {
            let e = Arc::clone(&e);
            let r: Arc<Registration> = Arc::clone(&registration);
            async move { e.register_vm(sd, vm, &r).await.expect("register VM") }
        })
        .buffer_unordered(IN_FLIGHT)
        .for_each(|_| async {})
        .await;
    (t.elapsed(), n)
}
