//! The storage gates a failback or switchover waits at: a command, and a file.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use olvm_dr_core::Site;
use olvm_dr_core::execute::{
    CommandGate, EngineRunner, Execution, FileGate, FlowTimeouts, NoSecrets, SchedulerOptions,
    StorageGate,
};
use olvm_dr_core::journal::Journal;
use olvm_dr_core::plan::{Action, Phase, Plan, PlanKind, Step};
use olvm_dr_core::progress::NoReporter;
use olvm_dr_core::report::{Report, StepOutcome};

async fn pass(gate: Arc<dyn StorageGate>) -> Report {
    let mut plan = Plan::new(PlanKind::Failback, Site::Primary, "m");
    plan.steps.push(Step::new(
        "storage-gate".into(),
        Site::Primary,
        Phase::StorageGate,
        Action::StorageGate {
            description: "replication reversed".into(),
        },
        "wait until replication is reversed",
    ));
    plan.seal().unwrap();
    let plan = Arc::new(plan);
    let runner = EngineRunner::new(
        plan.clone(),
        BTreeMap::new(),
        FlowTimeouts::default(),
        Arc::new(NoSecrets),
    )
    .with_gate(gate);
    Execution {
        plan: &plan,
        runner: &runner,
        journal: Arc::new(Journal::memory()),
        reporter: Arc::new(NoReporter),
        options: SchedulerOptions::default(),
        run_id: "gate".into(),
        previous: None,
        drill: false,
    }
    .run()
    .await
}

fn gate_step(report: &Report) -> &olvm_dr_core::report::StepResult {
    &report.steps[0]
}

#[tokio::test]
async fn a_command_that_succeeds_opens_the_gate_and_its_output_is_journaled() {
    let report = pass(Arc::new(CommandGate::new(
        "echo replication reversed; echo careful >&2",
        Duration::from_secs(10),
    )))
    .await;
    assert_eq!(gate_step(&report).outcome, StepOutcome::Done);
    assert_eq!(
        report.facts["storage_gate.stdout"],
        "replication reversed\n"
    );
    assert_eq!(report.facts["storage_gate.stderr"], "careful\n");
    assert!(report.facts["storage_gate.confirmed"].contains("exited with 0"));
}

#[tokio::test]
async fn a_failing_command_keeps_the_gate_closed_and_says_why() {
    let report = pass(Arc::new(CommandGate::new(
        "echo 'array busy' >&2; exit 3",
        Duration::from_secs(10),
    )))
    .await;
    let step = gate_step(&report);
    assert_eq!(step.outcome, StepOutcome::Failed);
    let error = step.error.as_deref().unwrap();
    assert!(
        error.contains("exit status: 3") && error.contains("array busy"),
        "{error}"
    );
}

#[tokio::test]
async fn a_command_that_runs_too_long_is_stopped() {
    let report = pass(Arc::new(CommandGate::new(
        "sleep 30",
        Duration::from_millis(300),
    )))
    .await;
    let step = gate_step(&report);
    assert_eq!(step.outcome, StepOutcome::Failed);
    assert!(
        step.error
            .as_deref()
            .unwrap()
            .contains("did not end within"),
        "{:?}",
        step.error
    );
    assert!(
        step.duration_ms < 5_000,
        "killed, not waited for: {} ms",
        step.duration_ms
    );
}

#[tokio::test]
async fn a_file_opens_the_gate_when_it_appears() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("storage-ready");
    let writer = {
        let path = path.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(300)).await;
            std::fs::write(path, "ok").unwrap();
        })
    };
    let report = pass(Arc::new(FileGate {
        path: path.clone(),
        timeout: Duration::from_secs(20),
    }))
    .await;
    writer.await.unwrap();
    assert_eq!(gate_step(&report).outcome, StepOutcome::Done);
    assert!(report.facts["storage_gate.confirmed"].contains("storage-ready exists"));

    let report = pass(Arc::new(FileGate {
        path: dir.path().join("never"),
        timeout: Duration::from_millis(500),
    }))
    .await;
    let step = gate_step(&report);
    assert_eq!(step.outcome, StepOutcome::Failed);
    assert!(
        step.error.as_deref().unwrap().contains("did not appear"),
        "{:?}",
        step.error
    );
}

#[tokio::test]
async fn secrets_printed_by_the_command_never_reach_the_journal() {
    let gate = CommandGate::new(
        "echo \"login admin/s3cret-pw ok\"; echo 's3cret-pw refused' >&2; exit 1",
        Duration::from_secs(10),
    )
    .redacting([olvm_dr_core::Secret::new("s3cret-pw")]);
    let report = pass(Arc::new(gate)).await;
    assert_eq!(
        report.facts["storage_gate.stdout"],
        "login admin/<redacted> ok\n"
    );
    assert_eq!(report.facts["storage_gate.stderr"], "<redacted> refused\n");
    let error = gate_step(&report).error.clone().unwrap();
    assert!(!error.contains("s3cret-pw"), "{error}");
    assert!(!report.to_json().contains("s3cret-pw"));
}
