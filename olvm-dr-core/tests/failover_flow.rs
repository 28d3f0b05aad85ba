//! Failover of fake worlds end to end: plan against the live (fake) target, execute, and check
//! the world, not just the report. This drives the layers one by one (plan, runner,
//! execution); the other flow tests go through `flow::FlowContext`.

mod flow_support;

use std::collections::BTreeMap;
use std::sync::Arc;

use olvm_dr_core::Site;
use olvm_dr_core::engine::{Engine, VmSearch, VmStatus};
use olvm_dr_core::execute::{EngineRunner, Execution, FlowTimeouts, SchedulerOptions};
use olvm_dr_core::fake::{World, WorldBuilder};
use olvm_dr_core::journal::Journal;
use olvm_dr_core::mapping::{Mapping, MappingSecrets};
use olvm_dr_core::plan::{FailoverOptions, MappingSource, Plan, plan_failover};
use olvm_dr_core::progress::NoReporter;
use olvm_dr_core::report::{Report, StepOutcome, Verdict};

async fn plan(world: &World, mapping: &Mapping, options: &FailoverOptions) -> Plan {
    let target = world.dyn_engine(Site::Secondary);
    let source = world.dyn_engine(Site::Primary);
    let src = MappingSource {
        mapping,
        file: None,
        sha256: "test",
    };
    plan_failover(src, Site::Secondary, &*target, Some(&*source), options)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn run(world: &World, mapping: &Mapping, plan: Plan) -> Report {
    let mut engines: BTreeMap<Site, Arc<dyn Engine>> = BTreeMap::new();
    engines.insert(Site::Secondary, world.dyn_engine(Site::Secondary));
    engines.insert(Site::Primary, world.dyn_engine(Site::Primary));
    let plan = Arc::new(plan);
    let runner = EngineRunner::new(
        plan.clone(),
        engines,
        FlowTimeouts::default(),
        Arc::new(MappingSecrets::new(mapping.clone(), None)),
    );
    Execution {
        plan: &plan,
        runner: &runner,
        journal: Arc::new(Journal::memory()),
        reporter: Arc::new(NoReporter),
        options: SchedulerOptions::default(),
        run_id: "test".into(),
        previous: None,
        drill: false,
    }
    .run()
    .await
}

#[tokio::test(start_paused = true)]
async fn failover_of_the_small_world_brings_every_running_vm_up_on_the_secondary() {
    let world = WorldBuilder::small(7).build();
    let facts = world.facts().clone();
    let mapping = facts.mapping(&flow_support::urls());
    world.disaster(Site::Primary);
    world.stop_all_replication();

    let plan = plan(&world, &mapping, &FailoverOptions::default()).await;
    let report = run(&world, &mapping, plan).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );

    let secondary = world.dyn_engine(Site::Secondary);
    let clusters = secondary.clusters().await.unwrap();
    for vm in &facts.vms {
        let got = secondary
            .vm(vm.id)
            .await
            .unwrap_or_else(|e| panic!("VM {} not registered: {e}", vm.name));
        let want = if vm.running {
            VmStatus::Up
        } else {
            VmStatus::Down
        };
        assert_eq!(got.status, want, "VM {}", vm.name);
        let mapped = facts
            .mappings
            .clusters
            .iter()
            .find(|m| m.from == vm.cluster)
            .map_or(vm.cluster.as_str(), |m| m.to.as_str());
        let cluster = clusters.iter().find(|c| Some(c.id) == got.cluster).unwrap();
        assert_eq!(cluster.name, mapped, "VM {} cluster", vm.name);
    }
    let templates = secondary.templates().await.unwrap();
    for t in &facts.templates {
        assert!(
            templates.iter().any(|x| x.id == t.id),
            "template {} registered",
            t.name
        );
    }
    let running = secondary
        .vms(&VmSearch {
            status: Some(VmStatus::Up),
            ..VmSearch::default()
        })
        .await
        .unwrap();
    assert_eq!(
        running.len(),
        facts.vms.iter().filter(|v| v.running).count()
    );
    assert!(
        report.rto.lease_wait_ms >= 60_000,
        "the attach waited for the primary's leases: {:?}",
        report.rto
    );
}

#[tokio::test(start_paused = true)]
async fn an_activation_that_fails_inside_the_attach_is_completed_by_the_flow() {
    let world = WorldBuilder::small(7).build();
    let facts = world.facts().clone();
    let mapping = facts.mapping(&flow_support::urls());
    world.disaster(Site::Primary);
    world.stop_all_replication();
    // The Engine's own activation inside the attach fails twice: the attaches still answer 201
    // and leave their domains inactive (a new pool's master) or in maintenance.
    world.fail_next(
        Site::Secondary,
        olvm_dr_core::fake::Operation::ActivateStorageDomain,
        2,
        olvm_dr_core::engine::EngineError::new(
            olvm_dr_core::ErrorKind::BadRequest,
            "activate_storage_domain",
        ),
    );
    let plan = plan(&world, &mapping, &FailoverOptions::default()).await;
    let report = run(&world, &mapping, plan).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let secondary = world.dyn_engine(Site::Secondary);
    let running = secondary
        .vms(&VmSearch {
            status: Some(VmStatus::Up),
            ..VmSearch::default()
        })
        .await
        .unwrap();
    assert_eq!(
        running.len(),
        facts.vms.iter().filter(|v| v.running).count()
    );
    assert!(
        world.split_brains().is_empty(),
        "{:?}",
        world.split_brains()
    );
}

#[tokio::test(start_paused = true)]
async fn a_pool_that_cannot_be_created_fails_the_attach_with_the_engines_reason_and_a_hint() {
    let world = WorldBuilder::small(7).build();
    let mapping = world.facts().mapping(&flow_support::urls());
    world.disaster(Site::Primary);
    world.stop_all_replication();
    world.fail_spm_start(Site::Secondary, u32::MAX);
    let plan = plan(&world, &mapping, &FailoverOptions::default()).await;
    let report = run(&world, &mapping, plan).await;
    // Data centers that already had storage on the secondary need no new pool.
    assert_ne!(report.verdict, Verdict::Success);
    let failed: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.id.0.starts_with("attach/") && s.outcome == StepOutcome::Failed)
        .collect();
    assert!(!failed.is_empty(), "{}", report.render_summary());
    for s in failed {
        let error = s.error.as_deref().unwrap();
        assert!(
            error.contains("Cannot create Storage Pool")
                && error.contains("run the failover again"),
            "{error}"
        );
    }
}
