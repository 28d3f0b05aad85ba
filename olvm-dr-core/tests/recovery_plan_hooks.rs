//! Runs whose recovery plan has hooks: their order around the groups and VMs, the environment
//! their commands see, a failing hook that goes on, a failing `stop` hook that holds what
//! follows it, and a run killed in a hook that resumes with it but re-runs no finished hook.
//! Real time (the hooks run real commands), instant Engine latency.

mod flow_support;

use flow_support::{assert_nothing_done_twice, context, fail_over_in};
use olvm_dr_core::Site;
use olvm_dr_core::fake::WorldBuilder;
use olvm_dr_core::flow::{Resume, RunOptions, RunStore};
use olvm_dr_core::journal::read_journal;
use olvm_dr_core::plan::FailoverOptions;
use olvm_dr_core::recovery_plan::RecoveryPlan;
use olvm_dr_core::report::{Report, StepOutcome, Verdict};

/// A plan whose hooks append a line to `log` (what ran, with its environment); the `after`
/// hook of group `first` fails unless `allow` exists, with `policy`.
fn plan(dir: &std::path::Path, policy: &str) -> RecoveryPlan {
    let d = dir.display();
    let text = format!(
        r#"
hooks:
  before_run: "echo \"before_run $OLVM_DR_SITE $OLVM_DR_DIRECTION run=$OLVM_DR_RUN\" >> {d}/log"
  after_run: "echo after_run >> {d}/log"
groups:
  - name: first
    select:
      names: ["vm00001"]
    start: all
    hooks:
      before: "echo \"before $OLVM_DR_GROUP\" >> {d}/log"
      after:
        command: "echo after $OLVM_DR_GROUP >> {d}/log; echo \"said $OLVM_DR_HOOK\"; [ -e {d}/allow ] || {{ echo no-allow >&2; exit 4; }}"
        timeout: 20s
        on_failure: {policy}
  - name: second
    select:
      names: ["vm00002"]
    start: all
vms:
  vm00001:
    hooks:
      before_start: "echo \"before_start $OLVM_DR_VM_NAME $OLVM_DR_VM_ID $OLVM_DR_GROUP [$OLVM_DR_VM_ADDRESSES]\" >> {d}/log"
      after_ready: "echo \"after_ready $OLVM_DR_VM_NAME ready=$OLVM_DR_VM_READY\" >> {d}/log"
"#
    );
    let loaded = RecoveryPlan::from_str(&text, None);
    loaded
        .plan
        .unwrap_or_else(|| panic!("{:?}", loaded.diagnostics))
}

fn log(dir: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(dir.join("log"))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn hook<'a>(report: &'a Report, step: &str) -> &'a olvm_dr_core::report::HookOutcome {
    report
        .recovery_hooks
        .iter()
        .find(|h| h.step.as_str() == step)
        .unwrap_or_else(|| panic!("no {step} in {:?}", report.recovery_hooks))
}

#[tokio::test]
async fn hooks_run_in_order_with_their_environment_and_a_continue_failure_goes_on() {
    let world = WorldBuilder::small(3).build();
    let ctx = context(&world, "hooks");
    let dir = tempfile::tempdir().unwrap();
    let recovery = plan(dir.path(), "continue");
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let store = RunStore::in_memory();
    let options = FailoverOptions {
        recovery_plan: Some(recovery),
        ..FailoverOptions::default()
    };
    let report = ctx
        .prepare_failover(Site::Secondary, &options, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .execute(&ctx, &store, &RunOptions::default())
        .await
        .unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    let lines = log(dir.path());
    let kinds: Vec<&str> = lines
        .iter()
        .map(|l| l.split(' ').next().unwrap_or_default())
        .collect();
    assert_eq!(
        kinds,
        [
            "before_run",
            "before",
            "before_start",
            "after_ready",
            "after",
            "after_run"
        ],
        "{lines:?}"
    );
    let vm = world
        .facts()
        .vms
        .iter()
        .find(|v| v.name == "vm00001")
        .unwrap()
        .id;
    assert!(
        lines[0].starts_with(&format!(
            "before_run secondary failover run={}",
            report.run_id
        )),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "before first");
    assert!(
        lines[2].starts_with(&format!("before_start vm00001 {vm} first [")),
        "{}",
        lines[2]
    );
    assert_eq!(lines[3], "after_ready vm00001 ready=true");
    // The failing hook went on (continue); its exit status and output are in the report.
    let after = hook(&report, "hook/group/first/after");
    assert_eq!(
        (after.outcome, after.passed, after.exit),
        (StepOutcome::Done, Some(false), Some(4))
    );
    assert_eq!(after.stderr.trim(), "no-allow");
    assert_eq!(after.stdout.trim(), "said after");
    let summary = report.render_summary();
    assert!(
        summary.contains("hook after of group first: ") && summary.contains("FAILED (exit 4)"),
        "{summary}"
    );
    // The critical path runs through the hooks: the run's last step is the after_run hook.
    assert_eq!(
        report.critical_path.last().map(|s| s.as_str()),
        Some("hook/after-run")
    );
}

#[tokio::test]
async fn a_stop_hook_holds_the_next_groups_and_the_run_after_hook() {
    let world = WorldBuilder::small(3).build();
    let ctx = context(&world, "hooks-stop");
    let dir = tempfile::tempdir().unwrap();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let options = FailoverOptions {
        recovery_plan: Some(plan(dir.path(), "stop")),
        ..FailoverOptions::default()
    };
    let store = RunStore::in_memory();
    let report = ctx
        .prepare_failover(Site::Secondary, &options, &store, &Resume::Never)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .execute(&ctx, &store, &RunOptions::default())
        .await
        .unwrap();
    assert_ne!(report.verdict, Verdict::Success);
    let after = hook(&report, "hook/group/first/after");
    assert_eq!(after.outcome, StepOutcome::Failed);
    let why = after.note.clone().unwrap_or_default();
    assert!(
        why.contains("on_failure: stop") && why.contains("no-allow"),
        "{why}"
    );
    assert_eq!(
        report
            .recovery_groups
            .iter()
            .find(|g| g.name == "second")
            .map(|g| g.first_start_ms),
        Some(None),
        "the next group did not start"
    );
    assert_eq!(
        hook(&report, "hook/after-run").outcome,
        StepOutcome::Blocked
    );
    assert_eq!(log(dir.path()).len(), 5, "{:?}", log(dir.path()));
}

#[tokio::test]
async fn a_run_killed_in_a_hook_resumes_with_that_hook_and_reruns_no_finished_one() {
    let world = WorldBuilder::small(3).build();
    let ctx = context(&world, "hooks-resume");
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    // The group's `after` hook hangs until `allow` exists.
    let d = dir.path().display();
    let text = format!(
        "hooks:\n  before_run: \"echo before_run >> {d}/log\"\n  after_run: \"echo after_run >> {d}/log\"\n\
         groups:\n  - name: first\n    select:\n      names: [\"vm00001\"]\n    start: all\n    hooks:\n      \
         after: \"echo after >> {d}/log; [ -e {d}/allow ] || sleep 60\"\n"
    );
    let options = FailoverOptions {
        recovery_plan: Some(RecoveryPlan::from_str(&text, None).plan.expect("valid")),
        ..FailoverOptions::default()
    };
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    {
        let store = RunStore::open(state.path()).unwrap();
        let run = async {
            ctx.prepare_failover(Site::Secondary, &options, &store, &Resume::Auto)
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .execute(&ctx, &store, &RunOptions::default())
                .await
        };
        let killed = tokio::time::timeout(std::time::Duration::from_secs(5), run).await;
        assert!(killed.is_err(), "the run waited in the hook");
    }
    assert_eq!(log(dir.path()), ["before_run", "after"]);
    std::fs::write(dir.path().join("allow"), "").unwrap();
    let store = RunStore::open(state.path()).unwrap();
    let report = ctx
        .prepare_failover(Site::Secondary, &options, &store, &Resume::Auto)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .execute(&ctx, &store, &RunOptions::default())
        .await
        .unwrap();
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert_eq!(store.runs().len(), 1, "the run resumed");
    assert_nothing_done_twice(&read_journal(&store.runs()[0].journal_path()).unwrap());
    // The interrupted hook ran again; the finished one did not.
    assert_eq!(
        log(dir.path()),
        ["before_run", "after", "after", "after_run"]
    );
}

#[tokio::test]
async fn a_run_stopped_by_a_hook_resumes_from_it_once_the_cause_is_corrected() {
    let world = WorldBuilder::small(3).build();
    let ctx = context(&world, "hooks-stop-resume");
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let options = FailoverOptions {
        recovery_plan: Some(plan(dir.path(), "stop")),
        ..FailoverOptions::default()
    };
    let store = RunStore::open(state.path()).unwrap();
    let report = fail_over_in(&ctx, Site::Secondary, &options, &store, &Resume::Auto).await;
    assert_eq!(
        hook(&report, "hook/group/first/after").outcome,
        StepOutcome::Failed
    );
    let run = report.run_id.clone();
    let before = log(dir.path());
    assert_eq!(before.len(), 5, "{before:?}");

    // The cause corrected, running the same command again resumes the run from the hook.
    std::fs::write(dir.path().join("allow"), "").unwrap();
    let report = fail_over_in(&ctx, Site::Secondary, &options, &store, &Resume::Auto).await;
    assert_eq!(
        report.verdict,
        Verdict::Success,
        "{}",
        report.render_summary()
    );
    assert_eq!(report.run_id, run, "the same run");
    assert_eq!(store.runs().len(), 1);
    assert_nothing_done_twice(&read_journal(&store.runs()[0].journal_path()).unwrap());
    let after = log(dir.path());
    assert_eq!(after[..5], before[..], "nothing before the hook ran again");
    assert_eq!(after[5], "after first", "the hook ran again");
    assert_eq!(after.last().map(String::as_str), Some("after_run"));
    assert!(
        report
            .recovery_groups
            .iter()
            .find(|g| g.name == "second")
            .is_some_and(|g| g.first_start_ms.is_some()),
        "the next group started"
    );

    // A run that succeeded is not resumed.
    let again = ctx
        .prepare_failover(Site::Secondary, &options, &store, &Resume::Run(run.clone()))
        .await;
    let Err(e) = again else {
        panic!("a run that succeeded was resumed")
    };
    let e = e.to_string();
    assert!(e.contains("has already ended; plan a new run"), "{e}");
}

#[tokio::test]
async fn a_run_stopped_by_a_hook_is_not_resumed_once_a_later_run_started() {
    let world = WorldBuilder::small(3).build();
    let ctx = context(&world, "hooks-stop-later");
    let dir = tempfile::tempdir().unwrap();
    let state = tempfile::tempdir().unwrap();
    world.disaster(Site::Primary);
    world.expire_leases(Site::Primary);
    world.stop_all_replication();
    let options = FailoverOptions {
        recovery_plan: Some(plan(dir.path(), "stop")),
        ..FailoverOptions::default()
    };
    let store = RunStore::open(state.path()).unwrap();
    let first = fail_over_in(&ctx, Site::Secondary, &options, &store, &Resume::Auto)
        .await
        .run_id;
    let second = fail_over_in(&ctx, Site::Secondary, &options, &store, &Resume::Never)
        .await
        .run_id;
    assert_ne!(first, second);
    let e = ctx
        .prepare_failover(
            Site::Secondary,
            &options,
            &store,
            &Resume::Run(first.clone()),
        )
        .await
        .map(|_| ())
        .expect_err("an older run is not resumed after a later one started")
        .to_string();
    assert!(
        e.contains(&format!("but run {second} was started after it")),
        "{e}"
    );
    // The newest run is the one a rerun resumes.
    std::fs::write(dir.path().join("allow"), "").unwrap();
    let report = fail_over_in(&ctx, Site::Secondary, &options, &store, &Resume::Auto).await;
    assert_eq!(report.run_id, second);
    assert_eq!(report.verdict, Verdict::Success);
}
