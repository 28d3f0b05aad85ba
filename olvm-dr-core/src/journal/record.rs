//! The records a journal holds, one JSON object per line.

use serde::{Deserialize, Serialize};

use crate::Site;
use crate::plan::{PlanKind, Step, StepId};
use crate::report::{StepResult, Verdict};

/// The version of the journal's record layout.
pub const JOURNAL_SCHEMA: u32 = 1;

/// One journal line.
///
/// `t_ms` is the run clock: milliseconds since the run first started, continuing across
/// resumes. `at` is the wall-clock time (RFC 3339, UTC) for people reading the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "record", rename_all = "snake_case")]
pub enum Record {
    /// A run (or a resumed segment of it) began.
    RunStarted {
        /// Record layout version.
        schema: u32,
        /// Run id.
        run_id: String,
        /// The flow.
        kind: PlanKind,
        /// Target site.
        target: Site,
        /// The plan's hash.
        plan_hash: String,
        /// SHA-256 of the mapping file.
        mapping_sha256: String,
        /// olvm-dr version.
        tool_version: String,
        /// `true` when this segment resumes an interrupted run.
        resumed: bool,
        /// A drill (rehearsal); absent in journals written before drills existed.
        #[serde(default)]
        drill: bool,
        /// Wall clock.
        at: String,
        /// Run clock.
        t_ms: u64,
    },
    /// A step started (written without waiting for the disk).
    StepStarted {
        /// The step.
        step: StepId,
        /// Wall clock.
        at: String,
        /// Run clock.
        t_ms: u64,
    },
    /// A step ended (durable before the run goes on).
    StepFinished {
        /// The result.
        result: StepResult,
        /// Wall clock.
        at: String,
        /// Run clock.
        t_ms: u64,
    },
    /// A step added steps to the run (durable before they start).
    StepsAdded {
        /// The step that added them.
        by: StepId,
        /// The new steps.
        steps: Vec<Step>,
        /// Wall clock.
        at: String,
        /// Run clock.
        t_ms: u64,
    },
    /// Data a step produced for the steps after it (e.g. what discovery found).
    StepOutput {
        /// The step.
        step: StepId,
        /// The data.
        output: serde_json::Value,
        /// Wall clock.
        at: String,
        /// Run clock.
        t_ms: u64,
    },
    /// A named fact the flow recorded (split-brain evidence, a storage gate's output, ...).
    Fact {
        /// Name.
        name: String,
        /// Value.
        value: String,
        /// Wall clock.
        at: String,
        /// Run clock.
        t_ms: u64,
    },
    /// The run ended.
    RunFinished {
        /// Its verdict.
        verdict: Verdict,
        /// Wall clock.
        at: String,
        /// Run clock.
        t_ms: u64,
    },
}

impl Record {
    /// The record's run clock.
    pub fn t_ms(&self) -> u64 {
        match self {
            Record::RunStarted { t_ms, .. }
            | Record::StepStarted { t_ms, .. }
            | Record::StepFinished { t_ms, .. }
            | Record::StepsAdded { t_ms, .. }
            | Record::StepOutput { t_ms, .. }
            | Record::Fact { t_ms, .. }
            | Record::RunFinished { t_ms, .. } => *t_ms,
        }
    }

    /// The record's wall-clock time.
    pub fn at(&self) -> &str {
        match self {
            Record::RunStarted { at, .. }
            | Record::StepStarted { at, .. }
            | Record::StepFinished { at, .. }
            | Record::StepsAdded { at, .. }
            | Record::StepOutput { at, .. }
            | Record::Fact { at, .. }
            | Record::RunFinished { at, .. } => at,
        }
    }
}
