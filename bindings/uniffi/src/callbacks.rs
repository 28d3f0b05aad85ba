//! What foreign code implements: a listener for progress events and the storage gate of
//! failback and switchover; and their bridges to the core's `Reporter` and `StorageGate`, which
//! only pass messages to the waiting caller (see [`crate::runtime`]).

use std::sync::mpsc::Sender;

use async_trait::async_trait;
use olvm_dr_core::execute::{StepContext, StepFailure};
use olvm_dr_core::plan::Phase;
use olvm_dr_core::progress::{Event, Reporter};
use tokio::sync::oneshot;

use crate::error::DrError;
use crate::report::StepOutcome;
use crate::runtime::Callback;
use crate::types::Site;

/// One thing that happened during a run. Times are in milliseconds; `phase` is the phase's
/// stable name (`storage`, `vms`, `start`, ...).
#[derive(Debug, Clone, PartialEq, uniffi::Enum)]
pub enum ProgressEvent {
    /// The run began; `total` steps are known so far (discovery adds more).
    RunStarted {
        /// Run id.
        run_id: String,
        /// Steps known at the start.
        total: u64,
    },
    /// The first step of a phase started.
    PhaseStarted {
        /// The phase's name.
        phase: String,
        /// The phase for humans, e.g. `import and attach storage domains`.
        title: String,
    },
    /// A step started.
    StepStarted {
        /// The step id.
        step: String,
        /// Its phase.
        phase: String,
        /// What it does.
        summary: String,
    },
    /// A long step says how it is doing (waiting for a lease, for a VM to come up, ...).
    StepProgress {
        /// The step id.
        step: String,
        /// What is going on.
        message: String,
        /// Time since the step started.
        elapsed_ms: u64,
    },
    /// A step ended.
    StepFinished {
        /// The step id.
        step: String,
        /// Its phase.
        phase: String,
        /// What it did.
        summary: String,
        /// How it ended.
        outcome: StepOutcome,
        /// The error when it failed.
        error: Option<String>,
        /// How long it took.
        duration_ms: u64,
    },
    /// A step discovered work and added `added` steps.
    StepsAdded {
        /// The step that discovered them.
        by: String,
        /// How many.
        added: u64,
    },
    /// How far the run is, in an operator's terms: at most once a second while steps end,
    /// and once at the end.
    Counters {
        /// The counters.
        counters: crate::counters::RunCounters,
    },
    /// The run ended.
    RunFinished {
        /// Steps that succeeded or were already done.
        succeeded: u64,
        /// Steps that failed.
        failed: u64,
        /// Steps that did not run.
        not_run: u64,
    },
}

/// The stable name of a phase (its JSON name in plans and reports).
pub(crate) fn phase_name(phase: Phase) -> String {
    serde_json::to_value(phase)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_else(|| format!("{phase:?}"))
}

fn millis(d: std::time::Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl From<&Event> for ProgressEvent {
    fn from(event: &Event) -> Self {
        match event {
            Event::RunStarted { run_id, total } => Self::RunStarted {
                run_id: run_id.clone(),
                total: *total as u64,
            },
            Event::PhaseStarted { phase } => Self::PhaseStarted {
                phase: phase_name(*phase),
                title: phase.title().to_owned(),
            },
            Event::StepStarted {
                step,
                phase,
                summary,
            } => Self::StepStarted {
                step: step.0.clone(),
                phase: phase_name(*phase),
                summary: summary.clone(),
            },
            Event::StepProgress {
                step,
                message,
                elapsed,
            } => Self::StepProgress {
                step: step.0.clone(),
                message: message.clone(),
                elapsed_ms: millis(*elapsed),
            },
            Event::StepFinished {
                step,
                phase,
                summary,
                outcome,
                error,
                duration,
            } => Self::StepFinished {
                step: step.0.clone(),
                phase: phase_name(*phase),
                summary: summary.clone(),
                outcome: *outcome,
                error: error.clone(),
                duration_ms: millis(*duration),
            },
            Event::StepsAdded { by, added } => Self::StepsAdded {
                by: by.0.clone(),
                added: *added as u64,
            },
            Event::Counters(counters) => Self::Counters {
                counters: counters.into(),
            },
            Event::RunFinished {
                succeeded,
                failed,
                not_run,
            } => Self::RunFinished {
                succeeded: *succeeded as u64,
                failed: *failed as u64,
                not_run: *not_run as u64,
            },
        }
    }
}

/// Receives the progress events of a run, on the thread that started the run, in order.
///
/// If `on_event` raises, the run goes on without the listener and the report's facts say why
/// (`progress_listener_error`).
#[uniffi::export(foreign)]
pub trait ProgressListener: Send + Sync {
    /// One event.
    fn on_event(&self, event: ProgressEvent) -> Result<(), DrError>;
}

/// Decides when storage is ready at a gate of a run: the arrays' replication has been changed
/// as the gate's description says. olvm-dr never touches the arrays; this is the storage
/// administrator's (or a script's) part.
///
/// A plan may hold several gates; `gate` says which one is reached:
/// - `storage-gate` (failback, switchover, a drill's return or a full drill's legs):
///   replication reversed or stopped, the site the VMs move to has writable volumes;
/// - `split-replication` (drill start): replication toward the drill site paused, its copies
///   writable while the other site keeps running;
/// - `resume-replication` (drill end): replication toward the drill site running again (a
///   resync overwrites the drill copies);
/// - `restore-replication` (the end of a drill's return or of a full drill): replication
///   restored in its normal direction.
///
/// `site` is the site whose step waits at the gate. Called on the thread that started the run;
/// it may block as long as it needs (the step's deadline is the scheduler's, 30 minutes).
#[uniffi::export(foreign)]
pub trait StorageGate: Send + Sync {
    /// Returns once storage is ready, with what confirmed it (it goes to the journal); raises
    /// (any `DrError`) when it is not, which fails the gate step and stops what depends on it.
    fn wait_ready(&self, description: String, gate: String, site: Site) -> Result<String, DrError>;
}

/// The core reporter of a run: passes every event to the waiting caller.
pub(crate) struct ChannelReporter(pub(crate) Sender<Callback>);

impl Reporter for ChannelReporter {
    fn event(&self, event: &Event) {
        let _ = self.0.send(Callback::Event(event.into()));
    }
}

/// The core storage gate of a run: asks the waiting caller, which asks the foreign gate.
pub(crate) struct ChannelGate(pub(crate) Sender<Callback>);

#[async_trait]
impl olvm_dr_core::execute::StorageGate for ChannelGate {
    async fn wait_ready(
        &self,
        description: &str,
        ctx: &StepContext,
    ) -> Result<String, StepFailure> {
        ctx.progress("waiting for the storage gate");
        let (reply, answer) = oneshot::channel();
        self.0
            .send(Callback::Gate {
                description: description.to_owned(),
                gate: ctx.step().as_str().to_owned(),
                site: ctx.site(),
                reply,
            })
            .map_err(|_| StepFailure::new("the caller no longer waits for the storage gate"))?;
        match answer.await {
            Ok(Ok(note)) => Ok(note),
            Ok(Err(reason)) => Err(StepFailure::new(format!(
                "the storage gate did not confirm: {reason}"
            ))),
            Err(_) => Err(StepFailure::new("the storage gate gave no answer")),
        }
    }
}
