//! Failover of the 1 000-VM world of `failover_fake` following a recovery plan of five groups
//! (four by name, the rest in `default`; one waits for an address, one has a delay), with the
//! `realistic` profile and tokio's clock paused: the simulated duration against the bound of
//! `olvm_dr_benches::group_bound` (the groups serialize).
//!
//! Run with `cargo bench -p olvm-dr-benches --bench failover_recovery_plan`. Target: within
//! 1.25× of the bound.

use std::time::{Duration, Instant};

use olvm_dr_benches::failover_world::{self, VMS};
use olvm_dr_benches::group_bound::{GroupShape, recovery_plan_lower_bound};
use olvm_dr_benches::lower_bound::FailoverShape;
use olvm_dr_core::Site;
use olvm_dr_core::fake::{DEFAULT_CONCURRENCY_LIMIT, DEFAULT_LEASE_TIMEOUT, LatencyProfile};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::mapping::MappingSecrets;
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::recovery_plan::RecoveryPlan;
use olvm_dr_core::report::Verdict;

const PLAN: &str = r#"
groups:
  - name: infrastructure
    select:
      names: ["vm000??"]
  - name: databases
    select:
      names: ["vm0010?", "vm0011?"]
    wait:
      for: ip
  - name: applications
    select:
      names: ["vm002??", "vm003??", "vm004??"]
    delay_after: 30s
  - name: web
    select:
      names: ["vm005??", "vm006??", "vm007??"]
"#;

fn main() {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .start_paused(true)
        .build()
        .expect("runtime");
    let start = Instant::now();
    let (took, bound, groups) = rt.block_on(run());
    let ratio = took as f64 / bound as f64;
    println!(
        "failover of {VMS} VMs following a five-group recovery plan, realistic profile, simulated time:"
    );
    for (name, started, up_ms) in &groups {
        println!(
            "  group {name:<15} {started:>4} VMs started, up in {:>7.1} s",
            *up_ms as f64 / 1000.0
        );
    }
    println!(
        "  simulated {:.1} s, bound {:.1} s (groups serialize), ratio {ratio:.3}, real time {:.2} s",
        took as f64 / 1000.0,
        bound as f64 / 1000.0,
        start.elapsed().as_secs_f64()
    );
    assert!(ratio <= 1.25, "{ratio:.3}x the bound");
}

async fn run() -> (u64, u64, Vec<(String, usize, u64)>) {
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
    let plan = RecoveryPlan::from_str(PLAN, None)
        .plan
        .expect("a valid plan");
    let store = RunStore::in_memory();
    let options = FailoverOptions {
        recovery_plan: Some(plan.clone()),
        ..FailoverOptions::default()
    };
    let prepared = ctx
        .prepare_failover(Site::Secondary, &options, &store, &Resume::Never)
        .await
        .expect("plan");
    let report = prepared
        .execute(&ctx, &store, &RunOptions::default())
        .await
        .expect("run");
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );

    let chain = if world.facts().templates.iter().any(|t| t.version > 1) {
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
    let groups: Vec<GroupShape> = report
        .recovery_groups
        .iter()
        .map(|g| {
            let rule = plan.groups.iter().find(|x| x.name == g.name);
            GroupShape {
                started: g.started,
                waits_for_address: rule
                    .is_some_and(|r| r.wait.until == olvm_dr_core::recovery_plan::WaitFor::Ip),
                delay_after: rule.map_or(Duration::ZERO, |r| r.delay_after),
            }
        })
        .collect();
    assert_eq!(groups.len(), 5, "four groups and the default one");
    let effective = DEFAULT_CONCURRENCY_LIMIT.min(olvm_dr_core::engine::DEFAULT_CONCURRENCY);
    let bound =
        recovery_plan_lower_bound(&profile, DEFAULT_LEASE_TIMEOUT, effective, shape, &groups);
    let per_group = report
        .recovery_groups
        .iter()
        .map(|g| (g.name.clone(), g.started, g.time_to_up_ms.unwrap_or(0)))
        .collect();
    (report.rto.total_ms, bound.total_ms, per_group)
}
