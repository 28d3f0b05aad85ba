//! Runs that follow a recovery plan: groups in order, a dependency, a check that fails once
//! then passes, a subnet translation applied through cloud-init, and its reversal on failback.
//! Real time (the checks run real commands), instant Engine latency.

mod flow_support;

use std::net::IpAddr;
use std::time::Duration;

use flow_support::{WorldGate, assert_nothing_done_twice, context, fail_over_in};
use olvm_dr_core::Site;
use olvm_dr_core::engine::Id;
use olvm_dr_core::fake::{LatencyProfile, World, WorldBuilder};
use olvm_dr_core::flow::{FlowContext, Resume, RunOptions, RunStore};
use olvm_dr_core::journal::read_journal;
use olvm_dr_core::plan::source_record::read_source_record;
use olvm_dr_core::plan::{FailoverOptions, ReturnOptions};
use olvm_dr_core::recovery_plan::RecoveryPlan;
use olvm_dr_core::report::{Report, StepOutcome, Verdict};

fn plan(marks: &std::path::Path) -> RecoveryPlan {
    let text = format!(
        r#"
groups:
  - name: infrastructure
    select:
      names: ["vm0000?"]
    wait:
      for: check
      command: "f='{}/{{name}}'; [ -e \"$f\" ] || {{ touch \"$f\"; exit 1; }}"
      timeout: 1m
  - name: databases
    select:
      names: ["vm0001?"]
    wait:
      for: ip
      timeout: 1m
  - name: applications
    select:
      names: ["vm0002?"]
    delay_after: 1s
  - name: web
    select:
      names: ["vm0003?"]
    wait:
      on_timeout: continue
vms:
  vm00012:
    after: [vm00011]
reip:
  networks:
    - network: prod-net
      from: 10.1.0.0/16
      to: 10.201.0.0/16
      gateway: 10.201.0.1
      dns: [10.201.0.53]
"#,
        marks.display()
    );
    let loaded = RecoveryPlan::from_str(&text, None);
    loaded
        .plan
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
}

fn options(recovery: &RecoveryPlan) -> FailoverOptions {
    FailoverOptions {
        recovery_plan: Some(recovery.clone()),
        ..FailoverOptions::default()
    }
}

/// The prod-net address each VM's guest has now, by VM id.
fn prod_addresses(world: &World) -> Vec<(Id, String, Option<IpAddr>, bool)> {
    world
        .facts()
        .vms
        .iter()
        .map(|v| {
            let g = world.guest(v.id).unwrap_or_default();
            let prod =
                g.interfaces.iter().map(|i| i.address).find(
                    |a| matches!(a, IpAddr::V4(x) if x.octets()[1] == 1 || x.octets()[1] == 201),
                );
            (v.id, v.name.clone(), prod, g.cloud_init)
        })
        .collect()
}

async fn failover(ctx: &FlowContext, store: &RunStore, recovery: &RecoveryPlan) -> Report {
    ctx.prepare_failover(Site::Secondary, &options(recovery), store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .execute(ctx, store, &RunOptions::default())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_failover_follows_the_groups_and_readdresses_and_the_failback_restores() {
    let world = WorldBuilder::small(5).build();
    let ctx = context(&world, "recovery-plan");
    let dir = tempfile::tempdir().unwrap();
    let marks = tempfile::tempdir().unwrap();
    let store = RunStore::open(dir.path()).unwrap();
    let recovery = plan(marks.path());
    // What the primary showed (its guests' addresses) while it answered.
    let record = read_source_record(&*world.dyn_engine(Site::Primary))
        .await
        .unwrap();
    store
        .remember_source_record(Site::Primary, &record)
        .unwrap();
    let before = prod_addresses(&world);

    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let report = failover(&ctx, &store, &recovery).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );

    let names: Vec<&str> = report
        .recovery_groups
        .iter()
        .map(|g| g.name.as_str())
        .collect();
    assert_eq!(
        names,
        ["infrastructure", "databases", "applications", "web"]
    );
    for pair in report.recovery_groups.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        assert_eq!(a.outcome, StepOutcome::Done, "{a:?}");
        if let (Some(s), Some(t), Some(next)) =
            (a.first_start_ms, a.time_to_up_ms, b.first_start_ms)
        {
            assert!(
                next >= s + t,
                "group '{}' started before '{}' was up",
                b.name,
                a.name
            );
        }
    }
    // The check failed once per VM, then passed.
    let infra = &report.recovery_groups[0];
    assert!(
        infra.started > 0 && infra.not_passed.is_empty(),
        "{infra:?}"
    );
    for (k, v) in report.facts.iter().filter(|(k, _)| k.starts_with("check.")) {
        assert!(v.starts_with("passed after 2 attempts"), "{k}: {v}");
    }
    // vm00012 started after vm00011's wait ended.
    let step = |id: &str| report.steps.iter().find(|s| s.id.as_str() == id);
    let vm = |name: &str| {
        world
            .facts()
            .vms
            .iter()
            .find(|v| v.name == name)
            .unwrap()
            .id
    };
    if let (Some(start), Some(dep)) = (
        step(&format!("start-vm/{}", vm("vm00012"))),
        step(&format!("ready-vm/{}", vm("vm00011"))),
    ) {
        assert!(start.started_ms.unwrap() >= dep.started_ms.unwrap() + dep.duration_ms);
    }
    // Started VMs with cloud-init moved to 10.201/16; the others kept their addresses.
    let started: Vec<Id> = report
        .recovery_groups
        .iter()
        .flat_map(|g| g.addresses.iter().map(|a| vm(&a.vm)))
        .collect();
    assert!(!started.is_empty());
    let after = prod_addresses(&world);
    for ((id, name, old, cloud_init), (_, _, new, _)) in before.iter().zip(&after) {
        let (Some(IpAddr::V4(old)), Some(IpAddr::V4(new))) = (old, new) else {
            continue;
        };
        let moved = started.contains(id) && *cloud_init;
        let want = if moved { 201 } else { 1 };
        assert_eq!(new.octets()[1], want, "VM {name}");
        assert_eq!(
            new.octets()[2..],
            old.octets()[2..],
            "VM {name}: host part kept"
        );
    }
    for a in report.recovery_groups.iter().flat_map(|g| &g.addresses) {
        let cloud_init = world.guest(vm(&a.vm)).unwrap().cloud_init;
        assert_eq!(a.applied, Some(cloud_init), "{a:?}");
    }

    let summary = report.render_summary();
    assert!(summary.contains("  group infrastructure: "), "{summary}");
    assert!(summary.contains(" -> 10.201."), "{summary}");

    // Failback: the same plan, translated back.
    world.recover(Site::Primary);
    world.reverse_all_replication();
    let store = RunStore::in_memory();
    let report = ctx
        .prepare_failback(
            Site::Primary,
            &ReturnOptions {
                failover: options(&recovery),
                ..ReturnOptions::failback()
            },
            &store,
            &Resume::Never,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .execute(
            &ctx,
            &store,
            &RunOptions {
                gate: Some(WorldGate::new(&world, flow_support::promote_returning_site)),
                ..RunOptions::default()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let back = prod_addresses(&world);
    for ((_, name, old, _), (_, _, now, _)) in before.iter().zip(&back) {
        assert_eq!(old, now, "VM {name}: its address after the failback");
    }
}

/// A plan without check commands (they run real processes), for runs on tokio's paused clock.
fn timed_plan() -> RecoveryPlan {
    let text = r#"
groups:
  - name: infrastructure
    select:
      names: ["vm0000?"]
    wait:
      for: ip
      timeout: 5m
    delay_after: 20s
  - name: databases
    select:
      names: ["vm0001?"]
  - name: web
    select:
      names: ["vm0002?"]
vms:
  vm00012:
    after: [vm00011]
reip:
  networks:
    - network: prod-net
      from: 10.1.0.0/16
      to: 10.201.0.0/16
"#;
    RecoveryPlan::from_str(text, None)
        .plan
        .expect("a valid plan")
}

#[tokio::test(start_paused = true)]
async fn a_killed_run_resumes_its_groups_without_doing_anything_twice() {
    // Before the groups (lease wait, storage), and within the first and second groups.
    for kill_at in [90_000u64, 150_000, 170_000, 190_000, 215_000] {
        let world = WorldBuilder::small(9).build();
        world.set_latency(Site::Secondary, LatencyProfile::realistic());
        let ctx = context(&world, "recovery-plan-resume");
        let dir = tempfile::tempdir().unwrap();
        let recovery = timed_plan();
        {
            let store = RunStore::open(dir.path()).unwrap();
            let record = read_source_record(&*world.dyn_engine(Site::Primary))
                .await
                .unwrap();
            store
                .remember_source_record(Site::Primary, &record)
                .unwrap();
        }
        let before = prod_addresses(&world);
        world.disaster(Site::Primary);
        world.stop_all_replication();
        {
            let store = RunStore::open(dir.path()).unwrap();
            let run = async {
                ctx.prepare_failover(Site::Secondary, &options(&recovery), &store, &Resume::Auto)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"))
                    .execute(&ctx, &store, &RunOptions::default())
                    .await
            };
            let finished = tokio::time::timeout(Duration::from_millis(kill_at), run).await;
            assert!(
                finished.is_err(),
                "the run ended before the kill at {kill_at} ms"
            );
        }
        let store = RunStore::open(dir.path()).unwrap();
        let report = ctx
            .prepare_failover(Site::Secondary, &options(&recovery), &store, &Resume::Auto)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .execute(&ctx, &store, &RunOptions::default())
            .await
            .unwrap();
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "kill at {kill_at} ms:\n{}",
            report.render_summary()
        );
        assert_eq!(
            store.runs().len(),
            1,
            "kill at {kill_at} ms: the run resumed"
        );
        let run = &store.runs()[0];
        assert_nothing_done_twice(&read_journal(&run.journal_path()).unwrap());
        let names: Vec<&str> = report
            .recovery_groups
            .iter()
            .map(|g| g.name.as_str())
            .collect();
        assert_eq!(names, ["infrastructure", "databases", "web"]);
        let end = |id: &str| {
            report
                .steps
                .iter()
                .find(|s| s.id.as_str() == id)
                .and_then(|s| s.started_ms.map(|t| t + s.duration_ms))
        };
        let first_start = |g: &str| {
            report
                .recovery_groups
                .iter()
                .find(|x| x.name == g)
                .and_then(|x| x.first_start_ms)
        };
        if let (Some(e), Some(s)) = (end("group/infrastructure"), first_start("databases")) {
            assert!(
                s >= e,
                "kill at {kill_at} ms: databases started before infrastructure ended"
            );
        }
        for ((id, name, old, cloud_init), (_, _, new, _)) in
            before.iter().zip(&prod_addresses(&world))
        {
            let started = report
                .vms
                .iter()
                .any(|v| v.id == id.to_string() && v.started.is_some_and(StepOutcome::is_success));
            if let (Some(IpAddr::V4(old)), Some(IpAddr::V4(new))) = (old, new) {
                let want = if started && *cloud_init { 201 } else { 1 };
                assert_eq!(new.octets()[1], want, "kill at {kill_at} ms: VM {name}");
                assert_eq!(new.octets()[2..], old.octets()[2..]);
            }
        }
    }
}

/// A group whose check never passes: `stop` keeps the next groups from starting (the run is
/// partial, resumable); `continue` goes on and the report names the VMs.
#[tokio::test]
async fn on_timeout_stop_holds_the_next_groups_and_continue_goes_on() {
    for (policy, verdict) in [("stop", Verdict::Partial), ("continue", Verdict::Success)] {
        let text = format!(
            r#"
groups:
  - name: first
    select:
      names: ["vm0000?"]
    wait:
      for: check
      command: "exit 3"
      timeout: 1s
      on_timeout: {policy}
  - name: second
    select:
      names: ["vm0001?"]
"#
        );
        let recovery = RecoveryPlan::from_str(&text, None)
            .plan
            .expect("a valid plan");
        let world = WorldBuilder::small(5).build();
        let ctx = context(&world, "on-timeout");
        world.disaster(Site::Primary);
        world.expire_leases(Site::Primary);
        world.stop_all_replication();
        let store = RunStore::in_memory();
        let report = failover(&ctx, &store, &recovery).await;
        assert_eq!(
            report.verdict,
            verdict,
            "{policy}: {}",
            report.render_summary()
        );
        let first = &report.recovery_groups[0];
        let second = &report.recovery_groups[1];
        assert_eq!(first.not_passed.len(), first.started, "{policy}: {first:?}");
        if policy == "stop" {
            assert_eq!(first.outcome, StepOutcome::Failed);
            assert_eq!(second.outcome, StepOutcome::Blocked);
            assert_eq!(
                second.first_start_ms, None,
                "nothing of the second group started"
            );
        } else {
            assert_eq!(first.outcome, StepOutcome::Done);
            assert_eq!(second.outcome, StepOutcome::Done);
            assert!(second.first_start_ms.is_some());
        }
    }
}

/// A run held by a group's `on_timeout: stop` resumes once the cause is corrected: the waits
/// that did not pass and the group's end run again, nothing that ended runs again, and the next
/// group starts.
#[tokio::test]
async fn a_run_held_by_on_timeout_stop_resumes_once_the_checks_pass() {
    let marks = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    let text = format!(
        r#"
groups:
  - name: first
    select:
      names: ["vm0000?"]
    wait:
      for: check
      command: "[ -e '{}/ok' ]"
      timeout: 1s
      on_timeout: stop
  - name: second
    select:
      names: ["vm0001?"]
"#,
        marks.path().display()
    );
    let recovery = RecoveryPlan::from_str(&text, None)
        .plan
        .expect("a valid plan");
    let world = WorldBuilder::small(5).build();
    let ctx = context(&world, "on-timeout-resume");
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let store = RunStore::open(state.path()).unwrap();
    let options = options(&recovery);
    let held = fail_over_in(&ctx, Site::Secondary, &options, &store, &Resume::Auto).await;
    assert_eq!(held.verdict, Verdict::Partial, "{}", held.render_summary());
    assert_eq!(held.recovery_groups[0].outcome, StepOutcome::Failed);
    assert_eq!(held.recovery_groups[1].first_start_ms, None);

    // The services answer now: the same command resumes the same run.
    std::fs::write(marks.path().join("ok"), "").unwrap();
    let report = fail_over_in(&ctx, Site::Secondary, &options, &store, &Resume::Auto).await;
    assert_eq!(report.run_id, held.run_id, "the same run");
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let first = &report.recovery_groups[0];
    assert_eq!(first.outcome, StepOutcome::Done, "{first:?}");
    assert!(first.not_passed.is_empty(), "{first:?}");
    assert!(report.recovery_groups[1].first_start_ms.is_some());
    assert_eq!(store.runs().len(), 1);
    assert_nothing_done_twice(&read_journal(&store.runs()[0].journal_path()).unwrap());
}
