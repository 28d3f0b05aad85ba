//! Where runs live: a [`StateStore`] (a locked state directory, or etcd), or memory only.

use std::path::Path;
use std::sync::Arc;

use crate::Site;
use crate::engine::Host;
use crate::journal::{Journal, JournalState, RunDir, StateDirError};
use crate::plan::{Plan, PlanKind};
use crate::probe::{KnownHost, KnownHosts};
use crate::report::Report;
use crate::state::{LocalStore, Scope, StateLocation, StateStore};

use super::FlowError;

/// Runs kept in a store (`Some`: a locked state directory, or etcd), or nowhere (`None`: a
/// journal in memory, for tests and throw-away rehearsals).
#[derive(Debug, Clone)]
pub struct RunStore {
    store: Option<Arc<dyn StateStore>>,
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
        Ok(Self::with_store(Arc::new(LocalStore::open(root)?)))
    }

    /// The state directory at `root` to read only (no lock, nothing created or written: for a
    /// dry run, which still finds the run it would resume); a store in memory when `root` does
    /// not exist.
    pub fn open_to_read(root: &Path) -> Self {
        Self {
            store: LocalStore::open_to_read(root).map(|s| Arc::new(s) as Arc<dyn StateStore>),
        }
    }

    /// Opens the store at `location` and takes its run lock (a directory's file lock; an etcd
    /// lease, kept alive until the store is dropped).
    ///
    /// # Errors
    /// [`StateDirError::Busy`] / [`StateDirError::Held`] when another controller holds it;
    /// [`StateDirError::Unavailable`] when etcd cannot be reached (or this build has no etcd
    /// support).
    pub fn open_location(location: &StateLocation) -> Result<Self, StateDirError> {
        match location {
            StateLocation::Dir(root) => Self::open(root),
            StateLocation::Etcd(etcd) => etcd_store(etcd, true),
        }
    }

    /// The store at `location` to read only (no lock taken, nothing written): for a dry run
    /// and for reading reports. A directory that does not exist is a store in memory.
    ///
    /// # Errors
    /// [`StateDirError::Unavailable`] when etcd cannot be reached.
    pub fn open_location_to_read(location: &StateLocation) -> Result<Self, StateDirError> {
        match location {
            StateLocation::Dir(root) => Ok(Self::open_to_read(root)),
            StateLocation::Etcd(etcd) => etcd_store(etcd, false),
        }
    }

    /// The store a library caller names by `given` (a directory, or an etcd URL: see
    /// [`StateLocation::named`] for where its TLS files, user and password come from): with
    /// `lock`, opened for a run ([`open_location`](Self::open_location)), else to read only
    /// ([`open_location_to_read`](Self::open_location_to_read)). The one way the Python and
    /// uniffi APIs open stores.
    ///
    /// # Errors
    /// [`StateDirError::Unavailable`] for a location that cannot be used (the message says
    /// what to write instead) or an etcd cluster that cannot be reached; the errors of
    /// [`open_location`](Self::open_location) when another controller holds the lock.
    pub fn open_named(given: &Path, lock: bool) -> Result<Self, StateDirError> {
        let location = StateLocation::named(given).map_err(|e| StateDirError::Unavailable {
            location: e.given.clone(),
            message: e.message,
        })?;
        if lock {
            Self::open_location(&location)
        } else {
            Self::open_location_to_read(&location)
        }
    }

    /// Runs kept in `store`.
    pub fn with_store(store: Arc<dyn StateStore>) -> Self {
        Self { store: Some(store) }
    }

    /// A store that keeps nothing on disk.
    pub fn in_memory() -> Self {
        Self { store: None }
    }

    /// The store, when runs are kept.
    pub fn store(&self) -> Option<&Arc<dyn StateStore>> {
        self.store.as_ref()
    }

    /// The state directory, when runs are kept in one on this machine.
    pub fn root(&self) -> Option<&Path> {
        self.store.as_ref()?.local_root()
    }

    /// Where runs are kept, for people; `None` in memory.
    pub fn location(&self) -> Option<String> {
        self.store.as_ref().map(|s| s.location())
    }

    fn run_dir(store: &Arc<dyn StateStore>, id: &str) -> RunDir {
        RunDir {
            id: id.to_owned(),
            path: store.run_location(id),
            store: store.local_root().is_none().then(|| Arc::clone(store)),
        }
    }

    /// The run with this id, if the store has it.
    pub fn run(&self, id: &str) -> Option<RunDir> {
        let store = self.store.as_ref()?;
        let ids = store.run_ids().ok()?;
        ids.iter()
            .any(|r| r == id)
            .then(|| Self::run_dir(store, id))
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
        let Some(store) = &self.store else {
            return match resume {
                Resume::Run(id) => Err(FlowError::Resume(format!(
                    "run {id} cannot be resumed: no state directory is in use"
                ))),
                _ => Ok(None),
            };
        };
        let run = match resume {
            Resume::Never => return Ok(None),
            Resume::Auto => match self.runs().into_iter().rev().find(|r| {
                r.state().is_some_and(|s| {
                    (s.finished.is_none() || self.stopped_by_operator_step(r, &s).is_ok())
                        && s.kind == kind
                        && s.target == target
                        && s.drill == drill
                        && s.mapping_sha256 == mapping_sha256
                })
            }) {
                Some(r) => r,
                None => return Ok(None),
            },
            Resume::Run(id) => self.run(id).ok_or_else(|| {
                FlowError::Resume(format!("there is no run {id} in {}", store.location()))
            })?,
        };
        let state = run.state().ok_or_else(|| {
            FlowError::Resume(format!("run {} has no journal to resume from", run.id))
        })?;
        if state.finished.is_some() {
            self.stopped_by_operator_step(&run, &state)
                .map_err(FlowError::Resume)?;
        }
        let plan = self.plan_of(&run)?;
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

    /// `Ok` when `run`, which ended, can be resumed: it ended failed, every step that failed
    /// is one where its recovery plan stops for the operator (a hook whose `on_failure` is
    /// `stop`, or that the operator did not confirm; a manual step not confirmed; a group whose
    /// VMs did not all pass their wait, with `on_timeout: stop` or an `ask` not confirmed, and
    /// those VMs' waits), and no run was started after it. The operator corrects the cause and resumes it: the failed step runs
    /// again, the steps that ended do not. Any other run that ended is refused, with why.
    pub(crate) fn stopped_by_operator_step(
        &self,
        run: &RunDir,
        state: &JournalState,
    ) -> Result<(), String> {
        let ended = || format!("run {} has already ended; plan a new run", run.id);
        if state
            .finished
            .is_none_or(|v| v == crate::report::Verdict::Success)
        {
            return Err(ended());
        }
        let mut failed = state
            .results
            .values()
            .filter(|r| r.outcome == crate::report::StepOutcome::Failed)
            .peekable();
        if failed.peek().is_none() {
            return Err(ended());
        }
        if let Some(other) = failed.find(|r| !is_operator_step(&r.id)) {
            return Err(format!(
                "run {} ended failed at step {} (not a hook, a manual step or a group's wait of its recovery plan, after which a run can be resumed); plan a new run",
                run.id, other.id
            ));
        }
        let later = self.runs().into_iter().find(|r| {
            r.id != run.id && r.state().is_some_and(|s| s.started_at >= state.started_at)
        });
        if let Some(later) = later {
            return Err(format!(
                "run {} stopped where its recovery plan waits for the operator, but run {} was started after it; plan a new run",
                run.id, later.id
            ));
        }
        Ok(())
    }

    /// The stored plan of `run`.
    pub(crate) fn plan_of(&self, run: &RunDir) -> Result<Plan, FlowError> {
        let bytes = self
            .read_run_blob(&run.id, PLAN)?
            .ok_or_else(|| FlowError::Resume(format!("run {} has no stored plan", run.id)))?;
        serde_json::from_slice(&bytes).map_err(|e| {
            FlowError::Resume(format!("the plan of run {} cannot be read: {e}", run.id))
        })
    }

    /// A blob of run `id` (`None` in memory or when the run has none).
    pub(crate) fn read_run_blob(&self, id: &str, name: &str) -> Result<Option<Vec<u8>>, FlowError> {
        match &self.store {
            Some(store) => Ok(store.read(Scope::Run(id), name)?),
            None => Ok(None),
        }
    }

    /// Replaces a blob of run `id` (nothing in memory).
    pub(crate) fn write_run_blob(
        &self,
        id: &str,
        name: &str,
        bytes: &[u8],
    ) -> Result<(), FlowError> {
        match &self.store {
            Some(store) => Ok(store.write(Scope::Run(id), name, bytes)?),
            None => Ok(()),
        }
    }

    /// Creates a new run and stores its plan there.
    pub(crate) fn create(&self, plan: &Plan) -> Result<Option<RunDir>, FlowError> {
        let Some(store) = &self.store else {
            return Ok(None);
        };
        let id = crate::journal::new_run_id(plan.kind, plan.target, plan.drill);
        store.create_run(&id)?;
        store.write(
            Scope::Run(&id),
            PLAN,
            &serde_json::to_vec_pretty(plan).unwrap_or_default(),
        )?;
        Ok(Some(Self::run_dir(store, &id)))
    }

    /// Removes a new run that never started.
    pub(crate) fn remove(&self, run: &RunDir) {
        if let Some(store) = &self.store
            && let Err(e) = store.remove_run(&run.id)
        {
            tracing::warn!(run = %run.id, error = %e, "cannot remove a run that never started");
        }
    }

    /// The journal of `run` (or a memory one).
    pub(crate) fn journal(&self, run: Option<&RunDir>) -> Result<Journal, FlowError> {
        match (run, &self.store) {
            (Some(r), Some(store)) if store.local_root().is_none() => {
                Ok(Journal::in_store(Arc::clone(store), &r.id)?)
            }
            (Some(r), _) => {
                Journal::open(&r.journal_path()).map_err(|e| FlowError::io(&r.journal_path(), e))
            }
            (None, _) => Ok(Journal::memory()),
        }
    }

    /// Names the run that holds the store's lock, for other controllers.
    pub(crate) fn set_lock_run(&self, id: &str) -> Result<(), FlowError> {
        match &self.store {
            Some(store) => Ok(store.set_lock_run(id)?),
            None => Ok(()),
        }
    }

    /// Why this controller lost the store's run lock, `None` while it holds it.
    pub fn lock_lost(&self) -> Option<String> {
        self.store.as_ref().and_then(|s| s.lock_lost())
    }

    /// Stores the report of `run`: `report.json`, and next to it `report.html` (the same
    /// report as a self-contained page, [`Report::render_html`]).
    pub(crate) fn save_report(
        &self,
        run: Option<&RunDir>,
        report: &Report,
    ) -> Result<(), FlowError> {
        if let Some(r) = run {
            self.write_run_blob(&r.id, REPORT, report.to_json().as_bytes())?;
            self.write_run_blob(&r.id, REPORT_HTML, report.render_html().as_bytes())?;
        }
        Ok(())
    }

    /// The stored report of a run, by id.
    pub fn report(&self, id: &str) -> Result<Report, FlowError> {
        let store = self
            .store
            .as_ref()
            .ok_or_else(|| FlowError::Resume("no state directory is in use".into()))?;
        if self.run(id).is_none() {
            return Err(FlowError::Resume(format!(
                "there is no run {id} in {}",
                store.location()
            )));
        }
        let bytes = store.read(Scope::Run(id), REPORT)?.ok_or_else(|| {
            let path = store.run_location(id).join(REPORT);
            FlowError::io(
                &path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "No such file or directory"),
            )
        })?;
        serde_json::from_slice(&bytes)
            .map_err(|e| FlowError::Resume(format!("the report of run {id} cannot be read: {e}")))
    }

    /// The stored report of run `id`, or of the newest run when `None` (`olvm-dr report show`).
    ///
    /// # Errors
    /// [`FlowError::Resume`] when there is no such run or no run at all; the errors of
    /// [`report`](Self::report) for a run without a (readable) report.
    pub fn report_of(&self, id: Option<&str>) -> Result<Report, FlowError> {
        if let Some(id) = id {
            return self.report(id);
        }
        let newest = self.runs().pop().ok_or_else(|| {
            FlowError::Resume(match self.location() {
                Some(at) => format!("there are no runs in {at}"),
                None => "there are no runs: the state directory does not exist".into(),
            })
        })?;
        self.report(&newest.id)
    }

    /// Every run, oldest first.
    pub fn runs(&self) -> Vec<RunDir> {
        let Some(store) = &self.store else {
            return Vec::new();
        };
        match store.run_ids() {
            Ok(ids) => ids.iter().map(|id| Self::run_dir(store, id)).collect(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot list the runs");
                Vec::new()
            }
        }
    }

    /// A blob of the store itself (`None` in memory or when there is none).
    pub(super) fn read_store_blob(&self, name: &str) -> Result<Option<Vec<u8>>, FlowError> {
        match &self.store {
            Some(store) => Ok(store.read(Scope::Store, name)?),
            None => Ok(None),
        }
    }

    /// Replaces a blob of the store itself (nothing in memory).
    pub(super) fn write_store_blob(&self, name: &str, bytes: &[u8]) -> Result<(), FlowError> {
        match &self.store {
            Some(store) => Ok(store.write(Scope::Store, name, bytes)?),
            None => Ok(()),
        }
    }

    /// The hosts each site had when its Engine last answered (`known-hosts.json`), for the
    /// split-brain guard's probes when that Engine no longer does. Empty without a state
    /// directory or record; an unreadable record is treated as none (logged).
    pub fn known_hosts(&self) -> KnownHosts {
        let Some(store) = &self.store else {
            return KnownHosts::new();
        };
        match store.read(Scope::Store, KNOWN_HOSTS) {
            Ok(Some(bytes)) => serde_json::from_slice(&bytes).unwrap_or_else(|e| {
                tracing::warn!(store = %store.location(), error = %e, "ignoring an unreadable record of known hosts");
                KnownHosts::new()
            }),
            Ok(None) => KnownHosts::new(),
            Err(e) => {
                tracing::warn!(error = %e, "cannot read the record of known hosts");
                KnownHosts::new()
            }
        }
    }

    /// Records `site`'s hosts (replacing what was recorded for it). Nothing without a state
    /// directory.
    ///
    /// # Errors
    /// [`FlowError::State`] when the record cannot be written.
    pub fn remember_hosts(&self, site: Site, hosts: &[Host]) -> Result<(), FlowError> {
        let Some(store) = &self.store else {
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
        Ok(store.write(
            Scope::Store,
            KNOWN_HOSTS,
            &serde_json::to_vec_pretty(&known).unwrap_or_default(),
        )?)
    }
}

/// The etcd store (feature `etcd`).
#[cfg(feature = "etcd")]
fn etcd_store(
    location: &crate::state::EtcdLocation,
    lock: bool,
) -> Result<RunStore, StateDirError> {
    let store = crate::state::etcd::EtcdStore::connect(location, lock)?;
    Ok(RunStore::with_store(Arc::new(store)))
}

/// Without the feature `etcd`, an etcd location cannot be used.
#[cfg(not(feature = "etcd"))]
fn etcd_store(
    location: &crate::state::EtcdLocation,
    _lock: bool,
) -> Result<RunStore, StateDirError> {
    Err(StateDirError::Unavailable {
        location: location.to_string(),
        message: "this olvm-dr was built without etcd support (feature `etcd`)".into(),
    })
}

/// The approved plan of a run.
const PLAN: &str = "plan.json";
/// The report of a run.
const REPORT: &str = "report.json";

/// The report of a run as a page.
const REPORT_HTML: &str = "report.html";

/// The file of the state directory that records each site's hosts.
const KNOWN_HOSTS: &str = "known-hosts.json";

/// `true` for the steps of a recovery plan's hooks and manual steps: a run that ended failed at
/// one of them (and nowhere else) can be resumed once the cause is corrected.
/// `true` for the steps of a recovery plan where the plan itself stops a run for the operator:
/// a hook (`on_failure: stop`, or an `ask` not confirmed), a manual step not confirmed, a VM's
/// wait that did not pass and its group's end (`on_timeout: stop`, or an `ask` not confirmed;
/// with `continue` neither fails). Run again, each looks at the site afresh: a wait polls the
/// VM again, a group's end looks at its VMs' waits again.
fn is_operator_step(id: &crate::plan::StepId) -> bool {
    let id = id.as_str();
    ["hook/", "manual/", "ready-vm/", "group/"]
        .iter()
        .any(|p| id.starts_with(p))
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, HashMap};

    use super::*;
    use crate::report::{StepOutcome, StepResult, Verdict};

    fn state(finished: Option<Verdict>, failed: &[&str]) -> JournalState {
        let results: HashMap<_, _> = failed
            .iter()
            .chain(&["register-vm/1"])
            .map(|id| {
                let outcome = if *id == "register-vm/1" {
                    StepOutcome::Done
                } else {
                    StepOutcome::Failed
                };
                let r = StepResult {
                    id: (*id).into(),
                    phase: crate::plan::Phase::Start,
                    site: Site::Secondary,
                    summary: String::new(),
                    outcome,
                    error: None,
                    error_kind: None,
                    started_ms: Some(0),
                    duration_ms: 0,
                    attempts: 1,
                    lease_wait_ms: 0,
                    hint: None,
                };
                (r.id.clone(), r)
            })
            .collect();
        JournalState {
            run_id: "r".into(),
            kind: PlanKind::Failover,
            target: Site::Secondary,
            plan_hash: String::new(),
            mapping_sha256: String::new(),
            drill: false,
            results,
            added: Vec::new(),
            outputs: HashMap::new(),
            facts: BTreeMap::new(),
            started_at: "2026-01-01T00:00:00.000Z".into(),
            finished,
            last_t_ms: 0,
            last_at: String::new(),
            segments: 1,
        }
    }

    #[test]
    fn only_a_run_stopped_where_its_recovery_plan_waits_for_the_operator_is_resumed_after_it_ended()
    {
        let store = RunStore::in_memory();
        let run = RunDir::in_dir("r".into(), "/nonexistent".into());
        let check = |s: JournalState| store.stopped_by_operator_step(&run, &s);
        assert!(check(state(Some(Verdict::Partial), &["hook/group/a/after"])).is_ok());
        assert!(check(state(Some(Verdict::Partial), &["ready-vm/7", "group/db"])).is_ok());
        assert!(
            check(state(
                Some(Verdict::Failed),
                &["manual/run", "hook/after-run"]
            ))
            .is_ok()
        );
        let e = check(state(Some(Verdict::Success), &[])).unwrap_err();
        assert!(e.contains("has already ended; plan a new run"), "{e}");
        let e = check(state(Some(Verdict::Partial), &[])).unwrap_err();
        assert!(e.contains("has already ended"), "{e}");
        let e = check(state(
            Some(Verdict::Partial),
            &["hook/group/a/after", "start-vm/2"],
        ))
        .unwrap_err();
        assert!(
            e.contains(
                "ended failed at step start-vm/2 (not a hook, a manual step or a group's wait"
            ),
            "{e}"
        );
    }
}
