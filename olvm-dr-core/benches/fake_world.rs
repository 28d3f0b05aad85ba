//! Benchmarks of the fake world at DR scale: building a 10 000-VM world, registering 10 000
//! unregistered VMs through the `Engine` trait with the `instant` profile, and the peak memory
//! of such a world.
//!
//! Run with `cargo bench -p olvm-dr-core --bench fake_world`. Targets: build < 1 s, register
//! < 2 s, peak memory < 200 MB. Memory is measured in a child process of this binary (so that
//! nothing else has inflated it), from the kernel's own accounting: `VmHWM` (peak resident set)
//! and `VmRSS` in `/proc/self/status`.

use std::collections::HashSet;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use olvm_dr_core::Site;
use olvm_dr_core::engine::Engine;
use olvm_dr_core::fake::{World, WorldBuilder};

const VMS: usize = 10_000;
const SEED: u64 = 2026;
const MEMORY_CHILD: &str = "--memory-child";

fn builder() -> WorldBuilder {
    WorldBuilder::large(SEED).vms(VMS)
}

/// Kilobytes of a `/proc/self/status` field (Linux).
fn status_kb(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    text.lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mb(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// Fails over every replicated domain of `world` to the secondary and registers its templates:
/// what has to happen before the VMs can be registered.
async fn prepare_failover(world: &World, e: &dyn Engine) {
    let facts = world.facts().clone();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    for d in &facts.domains {
        world.stop_replication(d.pair);
    }
    let mut attached_dcs = HashSet::new();
    for d in &facts.domains {
        let dc = d.secondary_dc.id;
        let host = facts.secondary.up_host_in(dc).expect("an up host").id;
        if let Some(login) = d.iscsi_login(Site::Secondary) {
            e.iscsi_login(host, &login).await.expect("login");
        }
        let req = d.import_request(Site::Secondary, host);
        e.import_storage_domain(&req).await.expect("import");
        e.attach_storage_domain(dc, d.id).await.expect("attach");
        attached_dcs.insert(dc);
    }
    let reg = facts.registration(Site::Secondary);
    let mut done = HashSet::new();
    for d in &facts.domains {
        let mut templates = e.unregistered_templates(d.id).await.expect("templates");
        templates.sort_by_key(|t| t.base_template.is_some());
        for t in templates {
            if done.insert(t.id) {
                e.register_template(d.id, t.id, &reg)
                    .await
                    .expect("template");
            }
        }
    }
}

fn bench_build() -> Duration {
    let runs: Vec<Duration> = (0..3)
        .map(|_| {
            let start = Instant::now();
            let world = builder().build();
            let took = start.elapsed();
            assert_eq!(world.facts().vms.len(), VMS);
            took
        })
        .collect();
    *runs.iter().min().expect("three runs")
}

fn bench_register(rt: &tokio::runtime::Runtime) -> (Duration, usize) {
    rt.block_on(async {
        let world = builder().build();
        let e: Arc<dyn Engine> = world.dyn_engine(Site::Secondary);
        prepare_failover(&world, e.as_ref()).await;
        let facts = world.facts().clone();
        let reg = facts.registration(Site::Secondary);
        let mut work = Vec::new();
        let mut seen = HashSet::new();
        for d in &facts.domains {
            for v in e.unregistered_vms(d.id).await.expect("unregistered") {
                if seen.insert(v.id) {
                    work.push((d.id, v.id));
                }
            }
        }
        let start = Instant::now();
        for (sd, vm) in &work {
            e.register_vm(*sd, *vm, &reg).await.expect("register");
        }
        (start.elapsed(), work.len())
    })
}

fn memory_child() {
    let before = status_kb("VmRSS:").unwrap_or(0);
    let world = builder().build();
    let after_rss = status_kb("VmRSS:").unwrap_or(0);
    let peak = status_kb("VmHWM:").unwrap_or(0);
    println!("{before} {after_rss} {peak} {}", world.facts().vms.len());
}

fn bench_memory() -> Option<(u64, u64, u64)> {
    let out = Command::new(std::env::current_exe().ok()?)
        .arg(MEMORY_CHILD)
        .output()
        .ok()?;
    let text = String::from_utf8(out.stdout).ok()?;
    let mut it = text.split_whitespace().map(|x| x.parse::<u64>().ok());
    Some((it.next()??, it.next()??, it.next()??))
}

fn main() {
    if std::env::args().any(|a| a == MEMORY_CHILD) {
        memory_child();
        return;
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("runtime");

    let build = bench_build();
    println!(
        "build {VMS}-VM world (large preset): {:.1} ms (best of 3; target < 1000 ms)",
        build.as_secs_f64() * 1e3
    );

    let (register, count) = bench_register(&rt);
    println!(
        "register {count} VMs through the Engine trait (instant): {:.1} ms, {:.1} µs per VM (target < 2000 ms)",
        register.as_secs_f64() * 1e3,
        register.as_secs_f64() * 1e6 / count.max(1) as f64
    );

    match bench_memory() {
        Some((before, after, peak)) => println!(
            "memory of the {VMS}-VM world: peak RSS {:.1} MB (VmHWM), RSS {:.1} MB after build, {:.1} MB before (target peak < 200 MB)",
            mb(peak),
            mb(after),
            mb(before)
        ),
        None => println!("memory: /proc/self/status not available on this platform"),
    }
}
