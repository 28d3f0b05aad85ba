//! The lab worlds are sized for their workload: every preset and VM count validates without a
//! capacity finding, in both directions, and fails over and back with every VM started, under
//! the fake Engine's scheduler (the same computation as `validate`'s capacity rule).

mod dr_support;
mod flow_support;

use dr_support::{completed_mapping, errors, online, show};
use flow_support::{WorldGate, assert_running_exactly, context};
use olvm_dr_core::Site;
use olvm_dr_core::engine::{Id, VmSearch, VmStatus};
use olvm_dr_core::fake::{World, WorldBuilder};
use olvm_dr_core::flow::{Resume, RunOptions, RunStore};
use olvm_dr_core::plan::{FailoverOptions, ReturnOptions};
use olvm_dr_core::report::Verdict;
use olvm_dr_core::validate::{DEFAULT_MAX_OVF_AGE, OnlineOptions};

fn towards(target: Site) -> OnlineOptions {
    OnlineOptions {
        target,
        source_required: true,
        max_ovf_age: DEFAULT_MAX_OVF_AGE,
    }
}

async fn running_on(world: &World, site: Site) -> Vec<Id> {
    let up = VmSearch {
        status: Some(VmStatus::Up),
        ..VmSearch::default()
    };
    let vms = world.dyn_engine(site).vms(&up).await.unwrap();
    vms.into_iter()
        .filter(|v| !v.is_hosted_engine())
        .map(|v| v.id)
        .collect()
}

async fn assert_validates(world: &World, what: &str) {
    let (m, _) = completed_mapping(world).await;
    for target in Site::BOTH {
        let d = online(world, &m, &towards(target)).await;
        // Towards the primary its own replicated domains are still attached (DR0812): only
        // the capacity of its clusters is in question there.
        let errors: Vec<_> = errors(&d)
            .into_iter()
            .filter(|e| target == Site::Secondary || e.code.starts_with("DR10"))
            .collect();
        assert!(
            errors.is_empty(),
            "{what} towards the {target}:\n{}",
            show(&d)
        );
    }
}

#[tokio::test]
async fn every_preset_and_vm_count_validates_without_capacity_findings() {
    let worlds = [
        ("small", WorldBuilder::small(1)),
        ("medium", WorldBuilder::medium(1)),
        ("large", WorldBuilder::large(1)),
        ("small --vms 400", WorldBuilder::small(1).vms(400)),
        ("medium --vms 3000", WorldBuilder::medium(5).vms(3000)),
        ("large --vms 10000", WorldBuilder::large(1).vms(10_000)),
        (
            "small, all running",
            WorldBuilder::small(9).vms(1000).running_fraction(1.0),
        ),
    ];
    for (what, builder) in worlds {
        assert_validates(&builder.build(), what).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_sized_world_fails_over_and_back_with_every_vm_started() {
    for (what, builder) in [
        ("small --vms 400", WorldBuilder::small(3).vms(400)),
        ("large", WorldBuilder::large(2)),
    ] {
        let world = builder.build();
        let ctx = context(&world, "sizing");
        let was_running = running_on(&world, Site::Primary).await;
        world.disaster(Site::Primary);
        world.stop_all_replication();
        let report =
            flow_support::fail_over(&ctx, Site::Secondary, &FailoverOptions::default()).await;
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "{what} failover:\n{}",
            report.render_summary()
        );
        assert_running_exactly(&world, Site::Secondary, &was_running).await;

        world.recover(Site::Primary);
        world.reverse_all_replication();
        let store = RunStore::in_memory();
        let options = RunOptions {
            gate: Some(WorldGate::new(&world, flow_support::promote_returning_site)),
            ..RunOptions::default()
        };
        let report = ctx
            .prepare_failback(
                Site::Primary,
                &ReturnOptions::failback(),
                &store,
                &Resume::Never,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .execute(&ctx, &store, &options)
            .await
            .unwrap();
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "{what} failback:\n{}",
            report.render_summary()
        );
        assert_running_exactly(&world, Site::Primary, &was_running).await;
    }
}
