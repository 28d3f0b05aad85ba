//! Executing plans: the scheduler, the run clock, and the glue that turns a run into a journal
//! and a report.

mod clock;
mod engine_runner;
mod scheduler;

use std::collections::BTreeMap;
use std::sync::Arc;

pub use clock::{RunClock, millis, wall_clock};
pub use engine_runner::hooks;
pub use engine_runner::{
    CommandGate, DiscoveredTemplate, DiscoveredVmFacts, Discovery, DomainEvidence, EngineRunner,
    FileGate, FlowTimeouts, GATE_DESCRIPTION_ENV, GATE_ENV, GATE_PLACEHOLDER, GATE_SITE_ENV,
    GuardEvidence, NoSecrets, RunningVm, SecretSource, StorageGate,
};
pub use scheduler::{
    Completion, OnError, RunContext, RunOutcome, SchedulerOptions, StepContext, StepFailure,
    StepRun, StepRunner, run_steps,
};

use crate::journal::{JOURNAL_SCHEMA, Journal, JournalState, Record, wait_commit};
use crate::plan::Plan;
use crate::progress::{Event, Reporter};
use crate::report::{Report, RunMeta, StepOutcome, build_report};

/// One execution of a plan (or the resumption of an interrupted one).
pub struct Execution<'a> {
    /// The plan (as approved; on resume, as stored with the run).
    pub plan: &'a Plan,
    /// Runs the steps.
    pub runner: &'a dyn StepRunner,
    /// The run's journal.
    pub journal: Arc<Journal>,
    /// Where events go.
    pub reporter: Arc<dyn Reporter>,
    /// Scheduling options.
    pub options: SchedulerOptions,
    /// Run id.
    pub run_id: String,
    /// What the journal holds from an interrupted earlier segment of this run.
    pub previous: Option<JournalState>,
    /// A drill (rehearsal).
    pub drill: bool,
}

impl Execution<'_> {
    /// Runs the plan to its end, journaling as it goes, and returns the report. Journal write
    /// errors do not stop a failover halfway; they are reported as a fact in the report.
    pub async fn run(self) -> Report {
        let clock = match &self.previous {
            Some(p) => RunClock::resume(p.last_t_ms, &p.last_at),
            None => RunClock::start(),
        };
        let started_at = self
            .previous
            .as_ref()
            .map_or_else(wall_clock, |p| p.started_at.clone());
        let mut facts: BTreeMap<String, String> = self
            .previous
            .as_ref()
            .map(|p| p.facts.clone())
            .unwrap_or_default();
        let start = Record::RunStarted {
            schema: JOURNAL_SCHEMA,
            run_id: self.run_id.clone(),
            kind: self.plan.kind,
            target: self.plan.target,
            plan_hash: self.plan.hash.clone(),
            mapping_sha256: self.plan.mapping_sha256.clone(),
            tool_version: env!("CARGO_PKG_VERSION").to_owned(),
            resumed: self.previous.is_some(),
            drill: self.drill,
            at: wall_clock(),
            t_ms: clock.now_ms(),
        };
        if let Err(e) = wait_commit(self.journal.submit(&start)).await {
            facts.insert("journal_error".into(), e.to_string());
        }
        let ctx = RunContext {
            run_id: self.run_id.clone(),
            journal: Arc::clone(&self.journal),
            reporter: Arc::clone(&self.reporter),
            clock,
        };
        let outcome = run_steps(
            self.plan.steps.clone(),
            self.runner,
            &ctx,
            self.options,
            self.previous.as_ref(),
        )
        .await;

        // Facts recorded by steps during this segment.
        if let Ok(records) = self.journal.records()
            && let Some(state) = JournalState::from_records(&records)
        {
            facts.extend(state.facts);
        }
        let meta = RunMeta {
            run_id: self.run_id.clone(),
            kind: self.plan.kind,
            target: self.plan.target,
            source: self.plan.source,
            drill: self.drill,
            started_at,
            finished_at: wall_clock(),
            total_ms: outcome.finished_ms,
            mapping_sha256: self.plan.mapping_sha256.clone(),
            plan_hash: self.plan.hash.clone(),
        };
        let mut report = build_report(&meta, &outcome.steps, &outcome.results, facts);
        crate::report::add_step_outputs(&mut report, &outcome.steps, &outcome.outputs);
        crate::report::add_recovery_groups(&mut report, &outcome.steps, &outcome.outputs);
        crate::report::add_recovery_hooks(&mut report, &outcome.steps, &outcome.outputs);
        let end = Record::RunFinished {
            verdict: report.verdict,
            at: wall_clock(),
            t_ms: outcome.finished_ms,
        };
        let _ = wait_commit(self.journal.submit(&end)).await;
        let count = |o: StepOutcome| outcome.results.iter().filter(|r| r.outcome == o).count();
        self.reporter.event(&Event::RunFinished {
            succeeded: outcome
                .results
                .iter()
                .filter(|r| r.outcome.is_success())
                .count(),
            failed: count(StepOutcome::Failed),
            not_run: count(StepOutcome::Blocked) + count(StepOutcome::NotRun),
        });
        report
    }
}

#[cfg(test)]
mod tests;
