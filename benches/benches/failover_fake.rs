//! Failover of 1 000 VMs, about 20 templates and 10 domains on the fake world with the
//! `realistic` latency profile and tokio's clock paused: the simulated duration against the
//! lower bound (`olvm_dr_benches::lower_bound`), for several bounds on concurrent Engine calls.
//!
//! Run with `cargo bench -p olvm-dr-benches --bench failover_fake`. Target: within 1.25× of the
//! lower bound. The table is also how the default concurrency was chosen.

use std::time::Instant;

use olvm_dr_benches::failover_world::{self, VMS};
use olvm_dr_benches::lower_bound::{FailoverShape, failover_lower_bound};
use olvm_dr_core::Site;
use olvm_dr_core::fake::{DEFAULT_CONCURRENCY_LIMIT, DEFAULT_LEASE_TIMEOUT, LatencyProfile};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::mapping::MappingSecrets;
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::Verdict;

async fn one(concurrency: usize) -> (u64, u64, f64) {
    let world = failover_world::world();
    let mapping = failover_world::mapping(
        &world,
        "https://primary.example/ovirt-engine/api",
        "https://secondary.example/ovirt-engine/api",
    );
    let profile = LatencyProfile::realistic();
    world.set_latency(Site::Secondary, profile.clone());
    world.disaster(Site::Primary);
    world.stop_all_replication();
    let ctx = FlowContext {
        secrets: std::sync::Arc::new(MappingSecrets::new(mapping.clone(), None)),
        mapping,
        mapping_file: None,
        mapping_sha256: "bench".into(),
        engines: [
            (Site::Secondary, world.dyn_engine(Site::Secondary)),
            (Site::Primary, world.dyn_engine(Site::Primary)),
        ]
        .into(),
    };
    let store = RunStore::in_memory();
    let prepared = ctx
        .prepare_failover(
            Site::Secondary,
            &FailoverOptions::default(),
            &store,
            &Resume::Never,
        )
        .await
        .expect("plan");
    let options = RunOptions {
        concurrency,
        ..RunOptions::default()
    };
    let report = prepared.execute(&ctx, &store, &options).await.expect("run");
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );

    let facts = world.facts();
    let chain = if facts.templates.iter().any(|t| t.version > 1) {
        2
    } else {
        1
    };
    let shape = FailoverShape {
        templates: report.templates.len(),
        template_chain: chain,
        vms: report.vms.len(),
        started: report.vms.iter().filter(|v| v.started.is_some()).count(),
        second_attach_round: true,
        iscsi_login: true,
    };
    let effective = concurrency.min(DEFAULT_CONCURRENCY_LIMIT);
    let bound = failover_lower_bound(&profile, DEFAULT_LEASE_TIMEOUT, effective, shape);
    let up = report
        .vms
        .iter()
        .filter(|v| v.up == Some(olvm_dr_core::report::StepOutcome::Done))
        .count();
    assert_eq!(up, shape.started);
    (
        report.rto.total_ms,
        bound.total_ms,
        report.rto.total_ms as f64 / bound.total_ms as f64,
    )
}

fn main() {
    // `cargo test --benches` runs bench binaries with `--bench` absent; keep that quick.
    let quick = !std::env::args().any(|a| a == "--bench");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime");
    println!(
        "failover of {VMS} VMs, 10 domains, realistic profile, simulated time (Engine limit {DEFAULT_CONCURRENCY_LIMIT}):"
    );
    println!(
        "{:>12} {:>14} {:>14} {:>8} {:>10}",
        "concurrency", "simulated", "lower bound", "ratio", "real time"
    );
    let levels: &[usize] = if quick { &[16] } else { &[4, 8, 16, 32, 50] };
    for &c in levels {
        let start = Instant::now();
        let (took, bound, ratio) = rt.block_on(one(c));
        let real = start.elapsed();
        println!(
            "{c:>12} {:>12.1} s {:>12.1} s {ratio:>8.3} {:>8.2} s",
            took as f64 / 1000.0,
            bound as f64 / 1000.0,
            real.as_secs_f64()
        );
        assert!(
            ratio <= 1.25,
            "concurrency {c}: {ratio:.3}x the lower bound"
        );
    }
}
