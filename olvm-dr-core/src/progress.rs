//! [`Reporter`]: how a running plan tells the outside world what it is doing.
//!
//! The core never draws progress bars; the CLI implements this trait with indicatif, the Python
//! package forwards events to a callable, and tests collect them.

mod counters;

use std::sync::Mutex;
use std::time::Duration;

use serde::Serialize;

use crate::plan::{Phase, StepId};
use crate::report::StepOutcome;

pub use counters::{CounterTracker, RunCounters, Tally, human};

/// One thing that happened during a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The run began; `total` steps are known so far (expansions add more).
    RunStarted {
        /// Run id.
        run_id: String,
        /// Steps known at the start.
        total: usize,
    },
    /// The first step of a phase started.
    PhaseStarted {
        /// The phase.
        phase: Phase,
    },
    /// A step started.
    StepStarted {
        /// The step.
        step: StepId,
        /// Its phase.
        phase: Phase,
        /// What it does, for humans.
        summary: String,
    },
    /// A long step reports how it is doing (waiting for a lease, for a VM to come up, ...).
    StepProgress {
        /// The step.
        step: StepId,
        /// What is going on.
        message: String,
        /// How long the step has been running.
        elapsed: Duration,
    },
    /// A step ended.
    StepFinished {
        /// The step.
        step: StepId,
        /// Its phase.
        phase: Phase,
        /// What it did, for humans.
        summary: String,
        /// How it ended.
        outcome: StepOutcome,
        /// The error text when it failed.
        error: Option<String>,
        /// How long it took.
        duration: Duration,
    },
    /// A step discovered work and added `added` steps to the run.
    StepsAdded {
        /// The step that discovered them.
        by: StepId,
        /// How many steps were added.
        added: usize,
    },
    /// How far the run is, in an operator's terms (domains ready, VMs registered, started, up,
    /// failures, elapsed, ETA): at most once a second while steps end, and once at the end.
    Counters(RunCounters),
    /// The run ended.
    RunFinished {
        /// Steps that succeeded or were already done.
        succeeded: usize,
        /// Steps that failed.
        failed: usize,
        /// Steps that did not run (blocked by a failure, or stopped).
        not_run: usize,
    },
}

/// Receives the events of a run. Implementations must be cheap and must not block: they are called
/// from the executor's tasks.
pub trait Reporter: Send + Sync {
    /// One event.
    fn event(&self, event: &Event);
}

/// A reporter that ignores everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoReporter;

impl Reporter for NoReporter {
    fn event(&self, _event: &Event) {}
}

/// A reporter that keeps every event in memory, for tests and for callers that want the full
/// history.
#[derive(Debug, Default)]
pub struct CollectingReporter {
    events: Mutex<Vec<Event>>,
}

impl CollectingReporter {
    /// An empty collector.
    pub fn new() -> Self {
        Self::default()
    }

    /// The events so far.
    pub fn events(&self) -> Vec<Event> {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
}

impl Reporter for CollectingReporter {
    fn event(&self, event: &Event) {
        self.events
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(event.clone());
    }
}
