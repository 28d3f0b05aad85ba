//! [`FlowContext`]: the DR flows (plan, failover, cleanup, failback, switchover) over a mapping
//! and the sites' Engines. Every flow goes through the core's `FlowContext` and
//! `PreparedRun::execute`, exactly as the command line does.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use olvm_dr_core::flow::{self, FlowError, Resume, RunStore};
use olvm_dr_core::mapping::MappingSecrets;
use olvm_dr_core::plan::{self as core_plan, RenderOptions};

use crate::callbacks::{ChannelGate, ChannelReporter, ProgressListener, StorageGate};
use crate::engine::Engine;
use crate::error::DrError;
use crate::mapping::Mapping;
use crate::options::{
    CleanupOptions, FailbackOptions, FailoverOptions, RunSettings, SwitchoverOptions, request,
};
use crate::report::{FlowKind, Report};
use crate::runtime::{block_on, drive};
use crate::types::Site;
use olvm_dr_core::flow::FlowRequest as Request;
use olvm_dr_core::flow::options;

/// A plan, for the operator to read before approving it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PlanSummary {
    /// The flow.
    pub kind: FlowKind,
    /// The site the flow brings the workload to (or cleans).
    pub target: Site,
    /// The other site.
    pub source: Site,
    /// The plan's content hash (reports name it).
    pub hash: String,
    /// Steps known before the run (discovery adds the VMs and templates).
    pub steps: u64,
    /// Notes for the operator (`warning: ...`, `info: ...`).
    pub notes: Vec<String>,
    /// The plan as the command line shows it.
    pub text: String,
    /// The plan as JSON (as `olvm-dr plan --output json`).
    pub json: String,
}

impl From<&core_plan::Plan> for PlanSummary {
    fn from(p: &core_plan::Plan) -> Self {
        Self {
            kind: p.kind,
            target: p.target,
            source: p.source,
            hash: p.hash.clone(),
            steps: p.steps.len() as u64,
            notes: p
                .notes
                .iter()
                .map(|n| {
                    let level = match n.level {
                        core_plan::NoteLevel::Info => "info",
                        core_plan::NoteLevel::Warning => "warning",
                    };
                    format!("{level}: {}", n.text)
                })
                .collect(),
            text: p.render(RenderOptions::default()),
            json: serde_json::to_string_pretty(p).unwrap_or_default(),
        }
    }
}

/// The mapping and the sites' Engines every flow starts from, and where runs are kept.
///
/// With a `state_dir` (a directory, or an etcd location `etcd://host:2379,.../PREFIX`: see
/// [`run_ids`](crate::stored_runs::run_ids) for its credentials), each run's plan, journal and
/// report are kept there and an interrupted run resumes when the same flow is run again (the
/// store is locked while this object lives). Without one, nothing is written to disk.
///
/// Each flow blocks until the run ends and returns its `Report`; failures of steps are in the
/// report (its verdict), not errors. Progress events and the storage gate are called on the
/// calling thread.
#[derive(uniffi::Object)]
pub struct FlowContext {
    pub(crate) ctx: flow::FlowContext,
    pub(crate) store: Arc<RunStore>,
}

impl std::fmt::Debug for FlowContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FlowContext")
            .field("ctx", &self.ctx)
            .field("store", &self.store)
            .finish()
    }
}

impl FlowContext {
    /// The plan `request` makes for `target`, without running it (no state directory used).
    pub(crate) fn plan(&self, request: Request, target: Site) -> Result<PlanSummary, DrError> {
        // Planning only reads: no state directory, no run.
        let store = RunStore::in_memory();
        let prepared = block_on(request.prepare(&self.ctx, target, &store, &Resume::Never))??;
        Ok(PlanSummary::from(prepared.plan.as_ref()))
    }

    /// Plans (or resumes) `request` for `target` and runs it, serving the callbacks on this
    /// thread; the report whatever the verdict.
    pub(crate) fn run(
        &self,
        request: Request,
        target: Site,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
        gate: Option<Arc<dyn StorageGate>>,
    ) -> Result<Report, DrError> {
        let settings = settings.unwrap_or_default();
        let ctx = self.ctx.clone();
        let store = Arc::clone(&self.store);
        let resume = settings.resume();
        let mut options = settings.run_options();
        let driven = drive(
            move |tx| async move {
                options.reporter = Arc::new(ChannelReporter(tx.clone()));
                options.gate = Some(Arc::new(ChannelGate(tx)));
                let prepared = request.prepare(&ctx, target, &store, &resume).await?;
                prepared.execute(&ctx, &store, &options).await
            },
            listener.as_deref(),
            gate.as_deref(),
        )?;
        let mut report = driven.output?;
        if let Some(e) = driven.listener_error {
            report
                .facts
                .insert("progress_listener_error".into(), e.clone());
        }
        Ok(Report::from(&report))
    }
}

#[uniffi::export]
impl FlowContext {
    /// The flows over `mapping`, with the Engines of the sites that can be reached (a dark site
    /// is `None`: failover and cleanup need only their target). CHAP passwords come from the
    /// mapping.
    ///
    /// # Errors
    /// `Validation` when the mapping has errors (nothing is ever planned from a broken file);
    /// `State` when another run holds `state_dir`; `Io` when it cannot be created.
    #[uniffi::constructor(default(state_dir = None))]
    pub fn new(
        mapping: Arc<Mapping>,
        primary: Option<Arc<Engine>>,
        secondary: Option<Arc<Engine>>,
        state_dir: Option<String>,
    ) -> Result<Arc<Self>, DrError> {
        mapping.ensure_valid()?;
        let mut engines: BTreeMap<olvm_dr_core::Site, Arc<dyn olvm_dr_core::Engine>> =
            BTreeMap::new();
        if let Some(e) = primary {
            engines.insert(olvm_dr_core::Site::Primary, Arc::clone(&e.inner));
        }
        if let Some(e) = secondary {
            engines.insert(olvm_dr_core::Site::Secondary, Arc::clone(&e.inner));
        }
        let store = match state_dir {
            Some(dir) => RunStore::open_named(Path::new(&dir), true).map_err(FlowError::from)?,
            None => RunStore::in_memory(),
        };
        let ctx = flow::FlowContext {
            secrets: Arc::new(MappingSecrets::new(mapping.inner.clone(), None)),
            mapping: mapping.inner.clone(),
            mapping_file: mapping.file.clone(),
            mapping_sha256: mapping.sha256.clone(),
            engines,
        };
        Ok(Arc::new(Self {
            ctx,
            store: Arc::new(store),
        }))
    }

    /// The plan of a failover to `target`, without running it.
    ///
    /// # Errors
    /// `Planning` (with a diagnostic per problem) when the mapping does not fit the target;
    /// the Engine error kind's variant when a site cannot be read; `Config` when the target has
    /// no Engine.
    #[uniffi::method(default(options = None))]
    pub fn plan_failover(
        &self,
        target: Site,
        options: Option<FailoverOptions>,
    ) -> Result<PlanSummary, DrError> {
        self.plan(request(options, options::Failover::request)?, target)
    }

    /// The plan of a cleanup of `site`, without running it.
    ///
    /// # Errors
    /// As `plan_failover`.
    #[uniffi::method(default(options = None))]
    pub fn plan_cleanup(
        &self,
        site: Site,
        options: Option<CleanupOptions>,
    ) -> Result<PlanSummary, DrError> {
        self.plan(request(options, options::Cleanup::request)?, site)
    }

    /// The plan of a failback to `target` (the returning site), without running it.
    ///
    /// # Errors
    /// As `plan_failover`; both sites need an Engine.
    #[uniffi::method(default(options = None))]
    pub fn plan_failback(
        &self,
        target: Site,
        options: Option<FailbackOptions>,
    ) -> Result<PlanSummary, DrError> {
        self.plan(request(options, options::Failback::request)?, target)
    }

    /// The plan of a planned switchover to `target`, without running it.
    ///
    /// # Errors
    /// As `plan_failover`; both sites need an Engine.
    #[uniffi::method(default(options = None))]
    pub fn plan_switchover(
        &self,
        target: Site,
        options: Option<SwitchoverOptions>,
    ) -> Result<PlanSummary, DrError> {
        self.plan(request(options, options::Switchover::request)?, target)
    }

    /// Fails over to `target`: imports and attaches the replicated domains, registers the
    /// templates and VMs, starts the VMs that were up, and checks the result.
    ///
    /// # Errors
    /// As `plan_failover` when it cannot start (nothing was changed); `State`/`Io` for the
    /// state directory. Failed steps are in the report, not errors.
    #[uniffi::method(default(options = None, settings = None, listener = None))]
    pub fn failover(
        &self,
        target: Site,
        options: Option<FailoverOptions>,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<Report, DrError> {
        let request = request(options, options::Failover::request)?;
        self.run(request, target, settings, listener, None)
    }

    /// Releases `site`'s mapped domains (stops their VMs, detaches and removes the domains), as
    /// the role's cleanup.
    ///
    /// # Errors
    /// As `failover`.
    #[uniffi::method(default(options = None, settings = None, listener = None))]
    pub fn cleanup(
        &self,
        site: Site,
        options: Option<CleanupOptions>,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<Report, DrError> {
        let request = request(options, options::Cleanup::request)?;
        self.run(request, site, settings, listener, None)
    }

    /// Fails back to `target`, the site that failed and came back: cleans it, releases the
    /// other site, waits at `gate` for storage (replication reversed), then fails over to it.
    ///
    /// # Errors
    /// As `failover`.
    #[uniffi::method(default(options = None, settings = None, listener = None))]
    pub fn failback(
        &self,
        target: Site,
        gate: Arc<dyn StorageGate>,
        options: Option<FailbackOptions>,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<Report, DrError> {
        let request = request(options, options::Failback::request)?;
        self.run(request, target, settings, listener, Some(gate))
    }

    /// A planned switchover to `target` with both sites up: graceful shutdown, OVF stores
    /// updated, domains released, `gate` for storage, then the failover part.
    ///
    /// # Errors
    /// As `failover`.
    #[uniffi::method(default(options = None, settings = None, listener = None))]
    pub fn switchover(
        &self,
        target: Site,
        gate: Arc<dyn StorageGate>,
        options: Option<SwitchoverOptions>,
        settings: Option<RunSettings>,
        listener: Option<Arc<dyn ProgressListener>>,
    ) -> Result<Report, DrError> {
        let request = request(options, options::Switchover::request)?;
        self.run(request, target, settings, listener, Some(gate))
    }

    /// Logs out of every Engine (revokes the SSO tokens); a failure to log out is ignored, as
    /// the session expires on the Engine anyway.
    pub fn logout(&self) {
        for engine in self.ctx.engines.values() {
            let _ = block_on(engine.close());
        }
    }
}
