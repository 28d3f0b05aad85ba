//! Scheduler and execution tests with a scripted runner (the Engine-backed runner is tested with
//! the fake world).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

use super::*;
use crate::Site;
use crate::plan::{Action, Phase, PlanKind, Step, StepId};
use crate::progress::{CollectingReporter, NoReporter};
use crate::report::{StepOutcome, Verdict};

/// Runs steps as ensure-operations on a set of "effects": a step whose effect exists is already
/// done. Scripted failures, delays and expansions by step id.
#[derive(Default)]
struct Scripted {
    effects: Mutex<HashSet<String>>,
    runs: Mutex<Vec<String>>,
    fail: HashSet<String>,
    delay: HashMap<String, Duration>,
    expand: HashMap<String, Vec<Step>>,
    hang: HashSet<String>,
}

impl Scripted {
    fn runs(&self) -> Vec<String> {
        self.runs.lock().unwrap().clone()
    }
    fn done_twice(&self) -> Vec<String> {
        let runs = self.runs();
        let mut seen = HashSet::new();
        runs.into_iter()
            .filter(|r| r.starts_with("did:") && !seen.insert(r.clone()))
            .collect()
    }
}

#[async_trait]
impl StepRunner for Scripted {
    async fn run(&self, step: &Step, _ctx: &StepContext) -> StepRun {
        let id = step.id.0.clone();
        self.runs.lock().unwrap().push(format!("run:{id}"));
        if self.hang.contains(&id) {
            std::future::pending::<()>().await;
        }
        if let Some(d) = self.delay.get(&id) {
            tokio::time::sleep(*d).await;
        }
        if self.fail.contains(&id) {
            return StepRun::once(Err(StepFailure::new(format!("{id} broke"))));
        }
        if !self.effects.lock().unwrap().insert(id.clone()) {
            return StepRun::once(Ok(Completion::AlreadyDone { output: None }));
        }
        self.runs.lock().unwrap().push(format!("did:{id}"));
        match self.expand.get(&id) {
            Some(steps) => StepRun::once(Ok(Completion::Added {
                steps: steps.clone(),
                output: Some(serde_json::json!({"n": steps.len()})),
            })),
            None => StepRun::once(Ok(Completion::Done { output: None })),
        }
    }
}

fn step(id: &str, deps: &[&str]) -> Step {
    Step::new(
        id.into(),
        Site::Secondary,
        Phase::Storage,
        Action::Barrier,
        format!("step {id}"),
    )
    .after(deps.iter().map(|d| StepId::from(*d)))
}

fn plan(steps: Vec<Step>) -> Plan {
    let mut p = Plan::new(PlanKind::Failover, Site::Secondary, "m");
    p.steps = steps;
    p.seal().unwrap();
    p
}

async fn execute(
    plan: &Plan,
    runner: &Scripted,
    journal: Arc<Journal>,
    options: SchedulerOptions,
    previous: Option<JournalState>,
) -> Report {
    Execution {
        plan,
        runner,
        journal,
        reporter: Arc::new(NoReporter),
        options,
        run_id: "run-1".into(),
        previous,
        drill: false,
    }
    .run()
    .await
}

fn outcome(report: &Report, id: &str) -> StepOutcome {
    report
        .steps
        .iter()
        .find(|s| s.id.0 == id)
        .unwrap_or_else(|| panic!("no step {id}"))
        .outcome
}

#[tokio::test(start_paused = true)]
async fn runs_in_dependency_order_and_blocks_dependents_of_failures() {
    let runner = Scripted {
        fail: ["b".to_owned()].into(),
        ..Scripted::default()
    };
    let p = plan(vec![
        step("a", &[]),
        step("b", &["a"]),
        step("c", &["b"]),
        step("d", &["a"]),
    ]);
    let report = execute(
        &p,
        &runner,
        Arc::new(Journal::memory()),
        SchedulerOptions::default(),
        None,
    )
    .await;
    let runs = runner.runs();
    let pos = |s: &str| runs.iter().position(|r| r == s).unwrap();
    assert!(pos("run:a") < pos("run:b") && pos("run:a") < pos("run:d"));
    assert!(!runs.contains(&"run:c".to_owned()));
    assert_eq!(outcome(&report, "b"), StepOutcome::Failed);
    assert_eq!(outcome(&report, "c"), StepOutcome::Blocked);
    assert_eq!(outcome(&report, "d"), StepOutcome::Done);
    assert_eq!(report.verdict, Verdict::Partial, "a and d did their work");
    assert_eq!(report.counts.failed, 1);
    assert!(
        report
            .steps
            .iter()
            .find(|s| s.id.0 == "c")
            .unwrap()
            .error
            .as_deref()
            .unwrap()
            .contains("'b'")
    );
}

#[tokio::test(start_paused = true)]
async fn stop_policy_starts_nothing_after_a_failure() {
    let mut runner = Scripted {
        fail: ["a".to_owned()].into(),
        ..Scripted::default()
    };
    runner.delay.insert("slow".into(), Duration::from_secs(5));
    let p = plan(vec![
        step("a", &[]),
        step("slow", &[]),
        step("later", &["slow"]),
    ]);
    let options = SchedulerOptions {
        on_error: OnError::Stop,
        ..SchedulerOptions::default()
    };
    let report = execute(&p, &runner, Arc::new(Journal::memory()), options, None).await;
    assert_eq!(
        outcome(&report, "slow"),
        StepOutcome::Done,
        "running steps end normally"
    );
    assert_eq!(outcome(&report, "later"), StepOutcome::NotRun);
    let later = report.steps.iter().find(|s| s.id.0 == "later").unwrap();
    assert!(later.error.as_deref().unwrap().contains("--on-error stop"));
}

#[tokio::test(start_paused = true)]
async fn expansions_join_the_run_and_dependents_wait_for_them() {
    let mut runner = Scripted::default();
    runner.expand.insert(
        "discover".into(),
        vec![step("x1", &[]), step("x2", &["x1"])],
    );
    runner.delay.insert("x2".into(), Duration::from_secs(3));
    let p = plan(vec![step("discover", &[]), step("after", &["discover"])]);
    let reporter = Arc::new(CollectingReporter::new());
    let report = Execution {
        plan: &p,
        runner: &runner,
        journal: Arc::new(Journal::memory()),
        reporter: reporter.clone(),
        options: SchedulerOptions::default(),
        run_id: "r".into(),
        previous: None,
        drill: false,
    }
    .run()
    .await;
    let runs = runner.runs();
    let pos = |s: &str| runs.iter().position(|r| r == s).unwrap();
    assert!(pos("did:x2") < pos("run:after"), "{runs:?}");
    assert_eq!(report.steps.len(), 4);
    assert!(report.steps.iter().all(|s| s.outcome == StepOutcome::Done));
    assert!(
        reporter
            .events()
            .iter()
            .any(|e| matches!(e, Event::StepsAdded { added: 2, .. }))
    );
}

#[tokio::test(start_paused = true)]
async fn a_failed_child_blocks_the_dependents_of_its_expander() {
    let mut runner = Scripted {
        fail: ["x1".to_owned()].into(),
        ..Scripted::default()
    };
    runner
        .expand
        .insert("discover".into(), vec![step("x1", &[])]);
    let p = plan(vec![step("discover", &[]), step("after", &["discover"])]);
    let report = execute(
        &p,
        &runner,
        Arc::new(Journal::memory()),
        SchedulerOptions::default(),
        None,
    )
    .await;
    assert_eq!(outcome(&report, "discover"), StepOutcome::Done);
    assert_eq!(outcome(&report, "after"), StepOutcome::Blocked);
}

#[tokio::test(start_paused = true)]
async fn inconsistent_expansions_fail_the_step_instead_of_hanging() {
    let mut runner = Scripted::default();
    runner
        .expand
        .insert("discover".into(), vec![step("x1", &["discover"])]);
    let p = plan(vec![step("discover", &[])]);
    let report = execute(
        &p,
        &runner,
        Arc::new(Journal::memory()),
        SchedulerOptions::default(),
        None,
    )
    .await;
    assert_eq!(outcome(&report, "discover"), StepOutcome::Failed);
}

#[tokio::test(start_paused = true)]
async fn a_hung_step_hits_the_step_deadline() {
    let runner = Scripted {
        hang: ["stuck".to_owned()].into(),
        ..Scripted::default()
    };
    let p = plan(vec![step("stuck", &[]), step("other", &[])]);
    let options = SchedulerOptions {
        step_deadline: Duration::from_secs(60),
        ..SchedulerOptions::default()
    };
    let report = execute(&p, &runner, Arc::new(Journal::memory()), options, None).await;
    assert_eq!(outcome(&report, "stuck"), StepOutcome::Failed);
    let stuck = report.steps.iter().find(|s| s.id.0 == "stuck").unwrap();
    assert_eq!(stuck.error_kind.as_deref(), Some("timeout"));
    assert_eq!(stuck.duration_ms, 60_000);
    assert_eq!(outcome(&report, "other"), StepOutcome::Done);
}

#[tokio::test(start_paused = true)]
async fn higher_priority_steps_start_first_when_capacity_is_short() {
    let runner = Scripted::default();
    let low = Step::new(
        "low".into(),
        Site::Secondary,
        Phase::Start,
        Action::StartVm {
            vm: crate::engine::Id::from_u128(1),
            name: "v".into(),
            wave: 2,
            group: None,
            initialization: None,
            readdress: Vec::new(),
        },
        "low",
    );
    let high = step("high", &[]);
    let p = plan(vec![low, high]);
    let options = SchedulerOptions {
        max_in_flight: 1,
        ..SchedulerOptions::default()
    };
    execute(&p, &runner, Arc::new(Journal::memory()), options, None).await;
    assert_eq!(runner.runs()[0], "run:high");
}

/// Kills a run at many points (dropping its future, as a killed process would) and resumes it
/// from the journal each time: the end state is the same and no effect is produced twice.
#[tokio::test(start_paused = true)]
async fn killed_runs_resume_to_the_same_end_without_doing_work_twice() {
    let dir = tempfile::tempdir().unwrap();
    for kill_after_ms in [0u64, 300, 500, 800, 1_000, 1_200, 1_500, 2_000, 3_000] {
        let path = dir.path().join(format!("journal-{kill_after_ms}.jsonl"));
        let mut runner = Scripted::default();
        runner.expand.insert(
            "discover".into(),
            vec![step("v1", &[]), step("v2", &["v1"]), step("v3", &[])],
        );
        for (id, ms) in [
            ("a", 400),
            ("b", 700),
            ("discover", 300),
            ("v1", 600),
            ("v2", 900),
            ("v3", 200),
        ] {
            runner.delay.insert(id.into(), Duration::from_millis(ms));
        }
        let p = plan(vec![
            step("a", &[]),
            step("b", &["a"]),
            step("discover", &["a"]),
            step("end", &["b", "discover"]),
        ]);
        {
            let journal = Arc::new(Journal::open(&path).unwrap());
            let run = execute(&p, &runner, journal, SchedulerOptions::default(), None);
            let _ = tokio::time::timeout(Duration::from_millis(kill_after_ms), run).await;
        }
        let previous = JournalState::from_records(&crate::journal::read_journal(&path).unwrap());
        let journal = Arc::new(Journal::open(&path).unwrap());
        let report = if let Some(prev) = previous.filter(|p| p.finished.is_none()) {
            execute(
                &p,
                &runner,
                journal,
                SchedulerOptions::default(),
                Some(prev),
            )
            .await
        } else {
            // The first run ended before the kill: nothing to resume.
            assert!(
                kill_after_ms >= 2_200,
                "run ended before {kill_after_ms} ms"
            );
            continue;
        };
        assert_eq!(
            report.verdict,
            Verdict::Success,
            "kill at {kill_after_ms} ms"
        );
        assert_eq!(report.steps.len(), 7);
        assert!(
            runner.done_twice().is_empty(),
            "work done twice: {:?}",
            runner.done_twice()
        );
        for id in ["a", "b", "discover", "v1", "v2", "v3", "end"] {
            assert!(
                runner.effects.lock().unwrap().contains(id),
                "{id} missing after kill at {kill_after_ms}"
            );
        }
        let state =
            JournalState::from_records(&crate::journal::read_journal(&path).unwrap()).unwrap();
        assert_eq!(state.segments, 2);
        assert_eq!(state.finished, Some(Verdict::Success));
    }
}

#[tokio::test(start_paused = true)]
async fn waits_for_orders_without_requiring_success() {
    let runner = Scripted {
        fail: ["wave1".to_owned()].into(),
        ..Scripted::default()
    };
    let wave2 = step("wave2", &[]).after_finished([StepId::from("wave1")]);
    let p = plan(vec![step("wave1", &[]), wave2]);
    let report = execute(
        &p,
        &runner,
        Arc::new(Journal::memory()),
        SchedulerOptions::default(),
        None,
    )
    .await;
    assert_eq!(outcome(&report, "wave1"), StepOutcome::Failed);
    assert_eq!(outcome(&report, "wave2"), StepOutcome::Done);
    let runs = runner.runs();
    assert!(
        runs.iter().position(|r| r == "run:wave1") < runs.iter().position(|r| r == "run:wave2")
    );
}

#[tokio::test(start_paused = true)]
async fn added_steps_may_depend_on_steps_that_already_ended() {
    let mut runner = Scripted {
        fail: ["broken".to_owned()].into(),
        ..Scripted::default()
    };
    runner.expand.insert(
        "discover".into(),
        vec![step("ok-child", &["a"]), step("doomed-child", &["broken"])],
    );
    let p = plan(vec![
        step("a", &[]),
        step("broken", &[]),
        step("discover", &[]).after_finished([StepId::from("a"), StepId::from("broken")]),
    ]);
    let report = execute(
        &p,
        &runner,
        Arc::new(Journal::memory()),
        SchedulerOptions::default(),
        None,
    )
    .await;
    assert_eq!(outcome(&report, "ok-child"), StepOutcome::Done);
    assert_eq!(outcome(&report, "doomed-child"), StepOutcome::Blocked);
}

/// A run killed once its expansion is journaled, before the added steps ran: on resume an added
/// step still waits for one it depends on that was journaled after it.
#[tokio::test(start_paused = true)]
async fn a_resumed_run_keeps_the_order_of_added_steps_listed_before_their_dependencies() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("journal.jsonl");
    let mut runner = Scripted::default();
    runner.expand.insert(
        "discover".into(),
        vec![step("version", &["base"]), step("base", &[])],
    );
    runner
        .delay
        .insert("base".into(), Duration::from_millis(500));
    let p = plan(vec![step("discover", &[])]);
    {
        let journal = Arc::new(Journal::open(&path).unwrap());
        let run = execute(&p, &runner, journal, SchedulerOptions::default(), None);
        let _ = tokio::time::timeout(Duration::from_millis(100), run).await;
    }
    assert!(runner.effects.lock().unwrap().contains("discover"));
    assert!(!runner.effects.lock().unwrap().contains("base"));
    let previous = JournalState::from_records(&crate::journal::read_journal(&path).unwrap());
    let report = execute(
        &p,
        &runner,
        Arc::new(Journal::open(&path).unwrap()),
        SchedulerOptions::default(),
        previous,
    )
    .await;
    assert_eq!(report.verdict, Verdict::Success);
    let runs = runner.runs();
    let pos = |s: &str| runs.iter().position(|r| r == s).unwrap();
    assert!(pos("did:base") < pos("run:version"), "{runs:?}");
}
