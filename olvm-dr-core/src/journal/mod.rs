//! The run journal: what a run did, written as it happens, so an interrupted run can resume.

mod file;
pub(crate) mod private;
mod record;
mod state_dir;

use std::collections::{BTreeMap, HashMap};

pub use file::{Journal, JournalReadError, read_journal, wait_commit};
pub(crate) use file::{block_on, commit_blocks};
pub use record::{JOURNAL_SCHEMA, Record};
pub(crate) use state_dir::new_run_id;
pub use state_dir::{RunDir, StateDir, StateDirError};

use crate::Site;
use crate::plan::{PlanKind, Step, StepId};
use crate::report::{StepResult, Verdict};

/// What a journal says about its run: the replay of its records.
#[derive(Debug, Clone, PartialEq)]
pub struct JournalState {
    /// Run id.
    pub run_id: String,
    /// The flow.
    pub kind: PlanKind,
    /// Target site.
    pub target: Site,
    /// The plan's hash.
    pub plan_hash: String,
    /// SHA-256 of the mapping file.
    pub mapping_sha256: String,
    /// A drill (rehearsal).
    pub drill: bool,
    /// The last result of every step that ended.
    pub results: HashMap<StepId, StepResult>,
    /// Steps added while running, with the step that added them, in the order they were added.
    pub added: Vec<(StepId, Step)>,
    /// Data steps produced for later steps.
    pub outputs: HashMap<StepId, serde_json::Value>,
    /// Recorded facts (the last value of each name).
    pub facts: BTreeMap<String, String>,
    /// Wall-clock time of the first record.
    pub started_at: String,
    /// The verdict, when the run ended.
    pub finished: Option<Verdict>,
    /// Run clock of the last record.
    pub last_t_ms: u64,
    /// Wall-clock time of the last record.
    pub last_at: String,
    /// How many segments (start plus resumes) the run had.
    pub segments: u32,
}

impl JournalState {
    /// Replays records; `None` when there is no `run_started` record.
    pub fn from_records(records: &[Record]) -> Option<Self> {
        let mut state: Option<JournalState> = None;
        let mut early: BTreeMap<String, String> = BTreeMap::new();
        for r in records {
            if let Record::RunStarted {
                run_id,
                kind,
                target,
                plan_hash,
                mapping_sha256,
                at,
                drill,
                ..
            } = r
            {
                match &mut state {
                    None => {
                        state = Some(JournalState {
                            run_id: run_id.clone(),
                            kind: *kind,
                            target: *target,
                            plan_hash: plan_hash.clone(),
                            mapping_sha256: mapping_sha256.clone(),
                            drill: *drill,
                            results: HashMap::new(),
                            added: Vec::new(),
                            outputs: HashMap::new(),
                            facts: std::mem::take(&mut early),
                            started_at: at.clone(),
                            finished: None,
                            last_t_ms: 0,
                            last_at: at.clone(),
                            segments: 1,
                        });
                    }
                    Some(s) => {
                        s.segments += 1;
                        s.finished = None;
                    }
                }
            }
            let Some(s) = state.as_mut() else {
                // Facts recorded before the run started (the run lock taken over) belong to
                // the run that follows.
                if let Record::Fact { name, value, .. } = r {
                    early.insert(name.clone(), value.clone());
                }
                continue;
            };
            s.last_t_ms = s.last_t_ms.max(r.t_ms());
            r.at().clone_into(&mut s.last_at);
            match r {
                Record::StepFinished { result, .. } => {
                    s.results.insert(result.id.clone(), result.clone());
                }
                Record::StepsAdded { by, steps, .. } => {
                    for st in steps {
                        if !s.added.iter().any(|(_, a)| a.id == st.id) {
                            s.added.push((by.clone(), st.clone()));
                        }
                    }
                }
                Record::StepOutput { step, output, .. } => {
                    s.outputs.insert(step.clone(), output.clone());
                }
                Record::Fact { name, value, .. } => {
                    s.facts.insert(name.clone(), value.clone());
                }
                Record::RunFinished { verdict, .. } => s.finished = Some(*verdict),
                Record::RunStarted { .. } | Record::StepStarted { .. } => {}
            }
        }
        state
    }
}
