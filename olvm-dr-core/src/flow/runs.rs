//! Where runs live: a locked state directory, or memory only.

use std::path::{Path, PathBuf};

use crate::Site;
use crate::engine::Host;
use crate::journal::{Journal, JournalState, RunDir, StateDir, StateDirError};
use crate::plan::{Plan, PlanKind};
use crate::probe::{KnownHost, KnownHosts};
use crate::report::Report;

use super::FlowError;

/// Runs kept in a locked state directory (`Some`), or nowhere (`None`: a journal in memory, for
/// tests and throw-away rehearsals).
#[derive(Debug)]
pub struct RunStore {
    dir: Option<StateDir>,
}

/// Whether to continue an interrupted run.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Resume {
    /// Continue the newest unfinished run of the same flow, target and mapping, if there is
    /// one; else plan a new run. (Rerunning the same command resumes.)
    #[default]
    Auto,
    /// Always plan a new run.
    Never,
    /// Continue this run.
    Run(String),
}

impl RunStore {
    /// Opens (and locks) the state directory at `root`.
    ///
    /// # Errors
    /// [`StateDirError::Busy`] when another run holds it.
    pub fn open(root: &Path) -> Result<Self, StateDirError> {
        Ok(Self {
            dir: Some(StateDir::open(root)?),
        })
    }

    /// The state directory at `root` to read only (no lock, nothing created or written: for a
    /// dry run, which still finds the run it would resume); a store in memory when `root` does
    /// not exist.
    pub fn open_to_read(root: &Path) -> Self {
        Self {
            dir: StateDir::open_to_read(root),
        }
    }

    /// A store that keeps nothing on disk.
    pub fn in_memory() -> Self {
        Self { dir: None }
    }

    /// The state directory, when there is one.
    pub fn root(&self) -> Option<&Path> {
        self.dir.as_ref().map(StateDir::root)
    }

    /// The run to resume, with its stored plan and journal, per `resume`.
    pub(crate) fn find(
        &self,
        resume: &Resume,
        kind: PlanKind,
        target: Site,
        drill: bool,
        mapping_sha256: &str,
    ) -> Result<Option<(RunDir, Plan, JournalState)>, FlowError> {
        let Some(dir) = &self.dir else {
            return match resume {
                Resume::Run(id) => Err(FlowError::Resume(format!(
                    "run {id} cannot be resumed: no state directory is in use"
                ))),
                _ => Ok(None),
            };
        };
        let run = match resume {
            Resume::Never => return Ok(None),
            Resume::Auto => match dir.resumable(kind, target, drill, mapping_sha256) {
                Some(r) => r,
                None => return Ok(None),
            },
            Resume::Run(id) => dir.run(id).ok_or_else(|| {
                FlowError::Resume(format!("there is no run {id} in {}", dir.root().display()))
            })?,
        };
        let state = run.state().ok_or_else(|| {
            FlowError::Resume(format!("run {} has no journal to resume from", run.id))
        })?;
        if state.finished.is_some() {
            return Err(FlowError::Resume(format!(
                "run {} has already ended; plan a new run",
                run.id
            )));
        }
        let plan = Self::plan_of(&run)?;
        if plan.hash != state.plan_hash || plan.compute_hash() != plan.hash {
            return Err(FlowError::Resume(format!(
                "the plan of run {} does not match its journal (edited?); plan a new run",
                run.id
            )));
        }
        let label = |drill: bool| if drill { "drill " } else { "" };
        if plan.kind != kind || plan.target != target || plan.drill != drill {
            return Err(FlowError::Resume(format!(
                "run {} is a {}{} to {}, not a {}{kind} to {target}",
                run.id,
                label(plan.drill),
                plan.kind,
                plan.target,
                label(drill)
            )));
        }
        Ok(Some((run, plan, state)))
    }

    /// The stored plan of `run`.
    pub(crate) fn plan_of(run: &RunDir) -> Result<Plan, FlowError> {
        let text = std::fs::read_to_string(run.plan_path())
            .map_err(|e| FlowError::io(&run.plan_path(), e))?;
        serde_json::from_str(&text).map_err(|e| {
            FlowError::Resume(format!("the plan of run {} cannot be read: {e}", run.id))
        })
    }

    /// Creates the directory of a new run and stores its plan there.
    pub(crate) fn create(&self, plan: &Plan) -> Result<Option<RunDir>, FlowError> {
        let Some(dir) = &self.dir else {
            return Ok(None);
        };
        let run = dir.new_run(plan.kind, plan.target, plan.drill)?;
        write_json(
            &run.plan_path(),
            &serde_json::to_vec_pretty(plan).unwrap_or_default(),
        )?;
        Ok(Some(run))
    }

    /// The journal of `run` (or a memory one).
    pub(crate) fn journal(run: Option<&RunDir>) -> Result<Journal, FlowError> {
        match run {
            Some(r) => {
                Journal::open(&r.journal_path()).map_err(|e| FlowError::io(&r.journal_path(), e))
            }
            None => Ok(Journal::memory()),
        }
    }

    /// Stores the report of `run`: `report.json`, and next to it `report.html` (the same
    /// report as a self-contained page, [`Report::render_html`]).
    pub(crate) fn save_report(run: Option<&RunDir>, report: &Report) -> Result<(), FlowError> {
        if let Some(r) = run {
            write_json(&r.report_path(), report.to_json().as_bytes())?;
            write_json(&r.html_report_path(), report.render_html().as_bytes())?;
        }
        Ok(())
    }

    /// The stored report of a run, by id.
    pub fn report(&self, id: &str) -> Result<Report, FlowError> {
        let dir = self
            .dir
            .as_ref()
            .ok_or_else(|| FlowError::Resume("no state directory is in use".into()))?;
        let run = dir.run(id).ok_or_else(|| {
            FlowError::Resume(format!("there is no run {id} in {}", dir.root().display()))
        })?;
        let text = std::fs::read_to_string(run.report_path())
            .map_err(|e| FlowError::io(&run.report_path(), e))?;
        serde_json::from_str(&text)
            .map_err(|e| FlowError::Resume(format!("the report of run {id} cannot be read: {e}")))
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Vec<RunDir> {
        self.dir.as_ref().map(StateDir::runs).unwrap_or_default()
    }

    /// The hosts each site had when its Engine last answered (`known-hosts.json`), for the
    /// split-brain guard's probes when that Engine no longer does. Empty without a state
    /// directory or record; an unreadable record is treated as none (logged).
    pub fn known_hosts(&self) -> KnownHosts {
        let Some(dir) = &self.dir else {
            return KnownHosts::new();
        };
        let path = dir.root().join(KNOWN_HOSTS);
        match std::fs::read(&path) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(path = %path.display(), error = %e, "ignoring an unreadable record of known hosts");
                KnownHosts::new()
            }),
            Err(_) => KnownHosts::new(),
        }
    }

    /// Records `site`'s hosts (replacing what was recorded for it). Nothing without a state
    /// directory.
    ///
    /// # Errors
    /// [`FlowError::Io`] when the record cannot be written.
    pub fn remember_hosts(&self, site: Site, hosts: &[Host]) -> Result<(), FlowError> {
        let Some(dir) = &self.dir else {
            return Ok(());
        };
        let mut known = self.known_hosts();
        let mut list: Vec<KnownHost> = hosts.iter().map(KnownHost::from).collect();
        list.sort();
        list.dedup();
        if known.get(&site) == Some(&list) {
            return Ok(());
        }
        known.insert(site, list);
        write_json(
            &dir.root().join(KNOWN_HOSTS),
            &serde_json::to_vec_pretty(&known).unwrap_or_default(),
        )
    }
}

/// The file of the state directory that records each site's hosts.
const KNOWN_HOSTS: &str = "known-hosts.json";

/// Writes a file atomically: a temporary file in the same directory (the name with `.tmp`
/// added), synced, then renamed.
pub(super) fn write_json(path: &PathBuf, bytes: &[u8]) -> Result<(), FlowError> {
    use std::io::Write;
    let mut tmp = path.clone().into_os_string();
    tmp.push(".tmp");
    let tmp = PathBuf::from(tmp);
    let mut f = crate::journal::private::file_options()
        .create(true)
        .write(true)
        .truncate(true)
        .open(&tmp)
        .map_err(|e| FlowError::io(&tmp, e))?;
    f.write_all(bytes)
        .and_then(|()| f.sync_all())
        .map_err(|e| FlowError::io(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| FlowError::io(path, e))
}
