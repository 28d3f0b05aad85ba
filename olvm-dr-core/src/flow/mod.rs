//! Running the DR flows end to end: plan (or find the interrupted run to resume), keep the plan
//! and journal in the state directory, execute against the sites' Engines with a bound on
//! concurrent calls, and store the report. The CLI, the Python package and the bindings all go
//! through here.

mod drill;
mod expect;
mod full_drill;
pub mod lock;
pub mod options;
mod request;
mod return_record;
mod runs;
mod site_check;
mod source_records;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use drill::DrillRecord;
pub use expect::RunExpectations;
pub use full_drill::FullDrillLeg;
pub use request::FlowRequest;
pub use runs::{Resume, RunStore};
pub use site_check::{CheckAgainst, SiteCheck, SiteCheckError, check_site};

use crate::Site;
use crate::engine::{DEFAULT_CONCURRENCY, Engine, FencedEngine, LimitedEngine};
use crate::execute::{
    EngineRunner, Execution, FlowTimeouts, SchedulerOptions, SecretSource, StorageGate,
};
use crate::journal::{JournalState, RunDir, StateDirError};
use crate::mapping::Mapping;
use crate::plan::{
    CleanupOptions, FailoverOptions, MappingSource, Plan, PlanKind, PlanningError, ReturnOptions,
    plan_cleanup, plan_failback, plan_failover, plan_switchover,
};
use crate::probe::{HostProbe, TcpHostProbe};
use crate::progress::{NoReporter, Reporter};
use crate::report::Report;
use crate::verify::{Expectations, verify_site};

/// A flow could not run.
#[derive(Debug, thiserror::Error)]
pub enum FlowError {
    /// The plan could not be made.
    #[error(transparent)]
    Planning(Box<PlanningError>),
    /// The state directory cannot be used (another run holds it, or a file system error).
    #[error(transparent)]
    State(#[from] StateDirError),
    /// The run to resume cannot be resumed.
    #[error("{0}")]
    Resume(String),
    /// A file of the run could not be written or read.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
    /// A site the flow needs has no Engine connection.
    #[error("the {0} site is needed but no connection to it was given")]
    NoEngine(Site),
    /// Another run holds the lock on the target Engine (see [`lock`]).
    #[error(
        "another olvm-dr run holds the lock on the {site} Engine ({holder}); wait for it to end, or, if that run is dead, rerun with --break-lock; nothing was changed"
    )]
    Locked {
        /// The site whose Engine holds the lock.
        site: Site,
        /// Who holds it.
        holder: String,
    },
    /// The lock on the target Engine could not be taken or checked.
    #[error("cannot take the run lock on the {site} Engine: {error}; nothing was changed")]
    Lock {
        /// The site.
        site: Site,
        /// What the Engine answered.
        error: Box<crate::EngineError>,
    },
    /// This controller lost the store's run lock while the run was working (an etcd lease that
    /// expired: paused, or cut off from the quorum). It stopped before its next change; the run
    /// is left resumable, by this or another controller once the lock is free.
    #[error(
        "{message}; this controller stopped before its next change to a site and left run {run} resumable: once the etcd quorum answers and the lock is free, rerun with --resume {run} (from any controller)"
    )]
    LockLost {
        /// The run.
        run: String,
        /// How the lock was lost.
        message: String,
    },
    /// A drill step cannot go on in the state the earlier drills left (what to do is said).
    #[error("{0}")]
    Drill(String),
}

impl From<PlanningError> for FlowError {
    fn from(e: PlanningError) -> Self {
        Self::Planning(Box::new(e))
    }
}

impl FlowError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        Self::Io {
            path: path.to_owned(),
            source,
        }
    }
}

/// What every flow starts from: the mapping, the sites' Engines, and where secrets come from.
#[derive(Clone)]
pub struct FlowContext {
    /// The mapping.
    pub mapping: Mapping,
    /// Its file (positions in problems, and the base of relative paths).
    pub mapping_file: Option<PathBuf>,
    /// SHA-256 of its file's bytes.
    pub mapping_sha256: String,
    /// The Engines of the sites that can be reached (a dark site may be missing).
    pub engines: BTreeMap<Site, Arc<dyn Engine>>,
    /// CHAP passwords.
    pub secrets: Arc<dyn SecretSource>,
}

impl std::fmt::Debug for FlowContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowContext")
            .field("mapping_file", &self.mapping_file)
            .field("sites", &self.engines.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

/// How a run is executed.
#[derive(Clone)]
pub struct RunOptions {
    /// Engine calls in flight per site ([`DEFAULT_CONCURRENCY`]).
    pub concurrency: usize,
    /// Failure policy and scheduling bounds.
    pub scheduler: SchedulerOptions,
    /// Deadlines and polling.
    pub timeouts: FlowTimeouts,
    /// Where progress events go.
    pub reporter: Arc<dyn Reporter>,
    /// How storage gates are passed (failback, switchover, drills).
    pub gate: Option<Arc<dyn StorageGate>>,
    /// A drill.
    pub drill: bool,
    /// Take the run lock on the target Engine even when another run holds it (a run that died
    /// on another machine); the lock broken is journaled. Default `false`.
    pub break_lock: bool,
    /// How the split-brain guard probes the source's hosts when its Engine does not answer
    /// (default: a TCP connect to VDSM's port; a fake world's
    /// [`host_probe`](crate::fake::World::host_probe) in tests).
    pub host_probe: Arc<dyn HostProbe>,
}

impl Default for RunOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            scheduler: SchedulerOptions::default(),
            timeouts: FlowTimeouts::default(),
            reporter: Arc::new(NoReporter),
            gate: None,
            drill: false,
            host_probe: Arc::new(TcpHostProbe),
            break_lock: false,
        }
    }
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("concurrency", &self.concurrency)
            .field("scheduler", &self.scheduler)
            .field("timeouts", &self.timeouts)
            .field("drill", &self.drill)
            .finish_non_exhaustive()
    }
}

/// A run ready to execute: a new plan, or an interrupted run found in the state directory.
#[derive(Debug)]
pub struct PreparedRun {
    /// The plan (as approved, for a resumed run).
    pub plan: Arc<Plan>,
    /// Its directory (`None` with an in-memory store; created when a new run executes).
    pub run: Option<RunDir>,
    /// The journal of the interrupted run being resumed.
    pub resumed: Option<JournalState>,
}

impl PreparedRun {
    /// `true` when this continues an interrupted run.
    pub fn is_resume(&self) -> bool {
        self.resumed.is_some()
    }

    /// The run id (a new run gets its id when it executes).
    pub fn run_id(&self) -> Option<&str> {
        self.run.as_ref().map(|r| r.id.as_str())
    }

    /// Executes the run to its end and stores its report.
    ///
    /// # Errors
    /// [`FlowError`] when the run's files cannot be created; failures of steps are in the
    /// report, not errors.
    pub async fn execute(
        mut self,
        ctx: &FlowContext,
        store: &RunStore,
        options: &RunOptions,
    ) -> Result<Report, FlowError> {
        // Before the run's directory exists: a run killed meanwhile leaves nothing to resume.
        // A source the planner just found dark is not asked again (its hosts were recorded
        // while it answered).
        let dark = self
            .plan
            .source_unanswered
            .as_ref()
            .and_then(crate::plan::SourceUnanswered::recent_age)
            .map(|_| self.plan.source);
        remember_hosts(ctx, store, dark).await;
        if let Some(record) = &self.plan.source_record
            && let Err(e) = store.remember_source_record(self.plan.source, record)
        {
            tracing::warn!(site = %self.plan.source, error = %e, "cannot record the site's VMs");
        }
        let created = self.run.is_none() && self.resumed.is_none();
        if created {
            self.run = store.create(&self.plan)?;
        }
        let run_id = self
            .run
            .as_ref()
            .map_or_else(|| "in-memory".to_owned(), |r| r.id.clone());
        // A run kept in memory has no id of its own: the lock gets a unique one.
        let lock_id = match &self.run {
            Some(r) => r.id.clone(),
            None => format!("in-memory-{}", uuid::Uuid::new_v4().simple()),
        };
        let target = ctx
            .engines
            .get(&self.plan.target)
            .cloned()
            .ok_or(FlowError::NoEngine(self.plan.target))?;
        let engine_lock = match lock::acquire(
            target,
            self.plan.target,
            &lock_id,
            &|id| store.runs().iter().any(|r| r.id == id),
            options.break_lock,
        )
        .await
        {
            Ok(l) => l,
            Err(e) => {
                // A new run that never started leaves no directory behind.
                if created && let Some(run) = &self.run {
                    store.remove(run);
                }
                return Err(e);
            }
        };
        if self.run.is_some() {
            store.set_lock_run(&run_id)?;
        }
        let journal = Arc::new(store.journal(self.run.as_ref())?);
        if let Some(replaced) = &engine_lock.replaced {
            let _ = journal.append(
                &crate::journal::Record::Fact {
                    name: "engine_lock.replaced".into(),
                    value: replaced.clone(),
                    at: crate::execute::wall_clock(),
                    t_ms: 0,
                },
                true,
            );
        }
        // Every mutating call is made only while this controller holds the store's run lock.
        let fence: crate::engine::Fence = {
            let store = store.clone();
            Arc::new(move || store.lock_lost())
        };
        let engines: BTreeMap<Site, Arc<dyn Engine>> = ctx
            .engines
            .iter()
            .map(|(site, e)| {
                let limited = Arc::new(LimitedEngine::new(e.clone(), options.concurrency));
                (
                    *site,
                    Arc::new(FencedEngine::new(limited, fence.clone())) as Arc<dyn Engine>,
                )
            })
            .collect();
        let mut runner = EngineRunner::new(
            self.plan.clone(),
            engines,
            options.timeouts,
            ctx.secrets.clone(),
        );
        if let Some(gate) = &options.gate {
            runner = runner.with_gate(gate.clone());
        }
        runner = runner.with_hosts(options.host_probe.clone(), store.known_hosts());
        let report = Execution {
            plan: &self.plan,
            runner: &runner,
            journal: Arc::clone(&journal),
            reporter: options.reporter.clone(),
            options: options.scheduler,
            run_id: run_id.clone(),
            previous: self.resumed,
            drill: self.plan.drill || options.drill,
        }
        .run()
        .await;
        if let Some(lost) = store.lock_lost() {
            // Nothing more is asked of the Engines, not even to verify or to release the
            // Engine lock: a controller that took the run over may hold it now (as a lock of
            // this same run), and the journal holds what this segment did.
            tracing::error!("{lost}");
            return Err(FlowError::LockLost {
                run: run_id,
                message: lost,
            });
        }
        let mut report = report;
        if matches!(
            self.plan.kind,
            PlanKind::Failover | PlanKind::Failback | PlanKind::Switchover
        ) && let Some(engine) = ctx.engines.get(&self.plan.target)
        {
            let running = report
                .vms
                .iter()
                .filter(|v| v.site == self.plan.target && v.started.is_some())
                .filter_map(|v| v.id.parse().ok())
                .collect();
            // Every registration step of the run, those of earlier segments included.
            let added: Vec<crate::plan::Step> = journal
                .records()
                .ok()
                .and_then(|r| crate::journal::JournalState::from_records(&r))
                .map(|s| s.added.into_iter().map(|(_, s)| s).collect())
                .unwrap_or_default();
            let expect = Expectations {
                running,
                isolation: self.plan.isolation.clone(),
                domains: self.plan.domains.clone(),
                vms: expect::registered_vms(
                    self.plan.target,
                    self.plan.steps.iter().chain(added.iter()),
                ),
                left_unregistered: expect::skipped_vms(
                    self.plan.target,
                    self.plan.steps.iter().chain(added.iter()),
                ),
            };
            if report.vms.iter().any(|v| v.cluster.is_some()) {
                match engine.clusters().await {
                    Ok(clusters) => report.name_clusters(&clusters),
                    Err(e) => tracing::debug!(error = %e, "cluster names not read for the report"),
                }
            }
            match verify_site(&ctx.mapping, self.plan.target, engine.as_ref(), &expect).await {
                Ok(v) => report.attach_verification(v),
                Err(e) => {
                    report
                        .facts
                        .insert("verification_error".into(), e.to_string());
                }
            }
        }
        if report.drill {
            report.facts.insert(
                "drill.isolation".into(),
                isolation_words(self.plan.isolation.as_ref()),
            );
        }
        if let Err(message) = engine_lock.release().await {
            tracing::warn!("{message}");
            report
                .facts
                .insert("engine_lock.release_error".into(), message);
        }
        store.save_report(self.run.as_ref(), &report)?;
        Ok(report)
    }
}

/// A drill's isolation of its VMs' NICs, for the report.
fn isolation_words(isolation: Option<&crate::verify::Isolation>) -> String {
    match isolation {
        None => "none: the drill's VMs keep the mapped networks".into(),
        Some(crate::verify::Isolation::Unplugged) => "every NIC unplugged".into(),
        Some(crate::verify::Isolation::Profiles(ids)) => {
            let ids: Vec<String> = ids.iter().map(ToString::to_string).collect();
            format!(
                "every NIC on the isolation profile of its data center (vNIC profile {})",
                ids.join(", ")
            )
        }
    }
}

/// How long a run waits for a site's host list before it starts. A dark site refuses at once
/// (one attempt); 5 s bounds one whose connect hangs.
const HOST_LIST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(5);

/// A failover whose source gave no record (it did not answer) uses the one kept in the state
/// directory, if any, to report and verify against; the plan says how old it is.
fn use_remembered_source(plan: &mut Plan, store: &RunStore) -> Result<(), FlowError> {
    if plan.kind != PlanKind::Failover || plan.source_record.is_some() {
        return Ok(());
    }
    let Some(record) = store.source_record(plan.source) else {
        return Ok(());
    };
    let age = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|now| crate::execute::millis(now).saturating_sub(record.read_at_ms) / 60_000)
        .unwrap_or_default();
    plan.notes.push(crate::plan::PlanNote {
        level: crate::plan::NoteLevel::Info,
        text: format!(
            "the {} site's VMs as recorded {age} minutes ago ({} VMs) are what MAC changes are reported and the registered VMs verified against; \
             being possibly out of date, that record decides nothing: VMs are registered refusing partial imports",
            plan.source,
            record.vms.len()
        ),
    });
    plan.source_record = Some(record);
    Ok(crate::plan::failover::seal(plan)?)
}

/// Records the hosts of every site that answers, so that a later guard can probe them when
/// that site's Engine no longer does. Failures only cost the record (logged).
async fn remember_hosts(ctx: &FlowContext, store: &RunStore, skip: Option<Site>) {
    if store.store().is_none() {
        return;
    }
    let reads = ctx
        .engines
        .iter()
        .filter(|(site, _)| Some(**site) != skip)
        .map(|(site, engine)| async move {
            let hosts = tokio::time::timeout(HOST_LIST_TIMEOUT, engine.hosts()).await;
            (*site, hosts)
        });
    for (site, hosts) in futures_util::future::join_all(reads).await {
        match hosts {
            Ok(Ok(hosts)) => {
                if let Err(e) = store.remember_hosts(site, &hosts) {
                    tracing::warn!(%site, error = %e, "cannot record the site's hosts");
                }
            }
            Ok(Err(e)) => tracing::debug!(%site, error = %e, "hosts not read"),
            Err(_) => tracing::debug!(%site, "hosts not read in time"),
        }
    }
}

impl FlowContext {
    pub(crate) fn engine(&self, site: Site) -> Result<&dyn Engine, FlowError> {
        self.engines
            .get(&site)
            .map(|e| &**e)
            .ok_or(FlowError::NoEngine(site))
    }

    pub(crate) fn source(&self) -> MappingSource<'_> {
        MappingSource {
            mapping: &self.mapping,
            file: self.mapping_file.as_deref(),
            sha256: &self.mapping_sha256,
        }
    }

    /// The interrupted run of this flow to resume (per `resume`), or `plan` made afresh.
    pub(crate) async fn prepare<F>(
        &self,
        kind: PlanKind,
        target: Site,
        drill: bool,
        store: &RunStore,
        resume: &Resume,
        plan: F,
    ) -> Result<PreparedRun, FlowError>
    where
        F: std::future::Future<Output = Result<Plan, PlanningError>>,
    {
        if let Some((run, plan, state)) =
            store.find(resume, kind, target, drill, &self.mapping_sha256)?
        {
            return Ok(PreparedRun {
                plan: Arc::new(plan),
                run: Some(run),
                resumed: Some(state),
            });
        }
        let mut plan = plan.await?;
        use_remembered_source(&mut plan, store)?;
        return_record::use_return_record(&mut plan, store)?;
        Ok(PreparedRun {
            plan: Arc::new(plan),
            run: None,
            resumed: None,
        })
    }

    /// The failover to `target`: the interrupted run to resume (per `resume`), or a new plan.
    ///
    /// # Errors
    /// [`FlowError`] when the target cannot be read, the mapping does not fit it, or the run to
    /// resume cannot be resumed.
    pub async fn prepare_failover(
        &self,
        target: Site,
        options: &FailoverOptions,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        let target_engine = self.engine(target)?;
        let source_engine = self.engines.get(&target.other()).map(|e| &**e);
        self.prepare(
            PlanKind::Failover,
            target,
            options.drill,
            store,
            resume,
            plan_failover(self.source(), target, target_engine, source_engine, options),
        )
        .await
    }

    /// The cleanup of `site`.
    ///
    /// # Errors
    /// As [`FlowContext::prepare_failover`].
    pub async fn prepare_cleanup(
        &self,
        site: Site,
        options: &CleanupOptions,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        let engine = self.engine(site)?;
        self.prepare(
            PlanKind::Cleanup,
            site,
            false,
            store,
            resume,
            plan_cleanup(self.source(), site, engine, options),
        )
        .await
    }

    /// The failback to `target` (the returning site); both sites' Engines are needed.
    ///
    /// # Errors
    /// As [`FlowContext::prepare_failover`].
    pub async fn prepare_failback(
        &self,
        target: Site,
        options: &ReturnOptions,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        let (t, c) = (self.engine(target)?, self.engine(target.other())?);
        self.prepare(
            PlanKind::Failback,
            target,
            options.failover.drill || options.drill,
            store,
            resume,
            plan_failback(self.source(), target, t, c, options),
        )
        .await
    }

    /// The planned switchover to `target`; both sites' Engines are needed.
    ///
    /// # Errors
    /// As [`FlowContext::prepare_failover`].
    pub async fn prepare_switchover(
        &self,
        target: Site,
        options: &ReturnOptions,
        store: &RunStore,
        resume: &Resume,
    ) -> Result<PreparedRun, FlowError> {
        let (t, c) = (self.engine(target)?, self.engine(target.other())?);
        self.prepare(
            PlanKind::Switchover,
            target,
            options.failover.drill || options.drill,
            store,
            resume,
            plan_switchover(self.source(), target, t, c, options),
        )
        .await
    }
}

/// SHA-256 (hex) of a file's bytes, as plans and reports record the mapping.
pub fn file_sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    crate::plan::hex(&sha2::Sha256::digest(bytes))
}
