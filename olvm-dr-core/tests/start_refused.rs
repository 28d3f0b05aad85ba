//! A target without the memory for its VMs: the fake Engine's scheduler refuses the starts
//! with the Engine's per-host reasons, the failover says so with its hint, and registration and
//! the VMs that fit are not held back.

mod flow_support;

use flow_support::context;
use olvm_dr_core::Site;
use olvm_dr_core::fake::WorldBuilder;
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::report::{StepOutcome, Verdict};

#[tokio::test(start_paused = true)]
async fn a_start_the_scheduler_refuses_fails_with_the_engines_reason_and_a_hint() {
    let world = WorldBuilder::small(4).vms(60).build();
    // The secondary's clusters hand out a tenth of their hosts' memory: 25.6 GiB per host.
    let clusters: Vec<_> = world
        .facts()
        .secondary
        .clusters
        .iter()
        .map(|c| c.id)
        .collect();
    world.setup(|s| {
        for c in clusters {
            s.set_memory_overcommit(Site::Secondary, c, 10);
        }
    });
    world.disaster(Site::Primary);
    world.stop_all_replication();
    let ctx = context(&world, "start-refused");
    let report = flow_support::fail_over(&ctx, Site::Secondary, &FailoverOptions::default()).await;
    assert_ne!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let refused: Vec<_> = report
        .steps
        .iter()
        .filter(|s| s.outcome == StepOutcome::Failed)
        .collect();
    assert!(!refused.is_empty(), "{}", report.render_summary());
    for s in &refused {
        assert!(s.id.0.contains("start-vm"), "only starts fail: {:?}", s.id);
        let error = s.error.as_deref().unwrap_or_default();
        assert!(
            error.contains("There is no host that satisfies current scheduling constraints")
                && error.contains(
                    "did not satisfy internal filter Memory because its available memory is too low"
                ),
            "{error}"
        );
        let hint = s.hint.as_deref().unwrap_or_default();
        assert!(hint.contains("scheduler found no host"), "{hint}");
        assert!(
            hint.contains("olvm-dr failover --target secondary"),
            "{hint}"
        );
    }
    let started = report
        .steps
        .iter()
        .filter(|s| s.id.0.contains("start-vm") && s.outcome == StepOutcome::Done)
        .count();
    assert!(started > 0, "the VMs that fit were started");
}
