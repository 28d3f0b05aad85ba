//! What every flow function shares: the checked mapping and engines ([`context`]), which flow
//! with which choices ([`Request`]), how it runs ([`Run`], from the keyword arguments), and
//! [`execute`]: plan (or resume, or take the given plan), pass the storage gates, return the
//! report — through the core's `FlowContext`, exactly as the `olvm-dr` command does.

use std::path::PathBuf;
use std::sync::Arc;

use olvm_dr_core::execute::{GATE_PLACEHOLDER, OnError, SchedulerOptions};
use olvm_dr_core::flow::{FlowContext, PreparedRun, Resume, RunOptions, RunStore};
use olvm_dr_core::plan::{Action, Plan};
use olvm_dr_core::validate::{OfflineOptions, validate_offline};
use olvm_dr_core::{Diagnostic, Site};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;

use crate::engines::engines_from;
use crate::errors::{Error, Result};
use crate::gate::Gate;
use crate::mapping::{PyMapping, mapping_arg};
use crate::plan::PyPlan;
use crate::progress::PyReporter;
use crate::report::PyReport;
use crate::runtime;

/// Which flow, with its choices (the core's request, as every front end hands it over).
pub(crate) use olvm_dr_core::flow::FlowRequest as Request;

/// The mapping and engines of a flow, checked: a mapping with errors (loading or the offline
/// rules) is refused before any Engine is contacted, as `olvm-dr` refuses it.
pub(crate) fn context(
    mapping: &Bound<'_, PyAny>,
    engines: Option<&Bound<'_, PyAny>>,
) -> PyResult<FlowContext> {
    let m = mapping_arg(mapping)?;
    let engines = engines_from(engines)?;
    check(&m)?;
    Ok(FlowContext {
        secrets: Arc::new(m.secrets()),
        mapping: (*m.mapping).clone(),
        mapping_file: m.path.clone(),
        mapping_sha256: m.sha256.clone(),
        engines,
    })
}

fn check(m: &PyMapping) -> Result<()> {
    let mut all: Vec<Diagnostic> = m.diagnostics.clone();
    all.extend(validate_offline(
        &m.mapping,
        m.path.as_deref(),
        &OfflineOptions::default(),
    ));
    if all.iter().any(Diagnostic::is_error) {
        all.sort_by_key(|d| !d.is_error());
        return Err(Error::validation("the flow was not started", all));
    }
    Ok(())
}

/// Makes the plan; nothing is changed, no state directory is used.
pub(crate) fn make_plan(
    py: Python<'_>,
    ctx: &FlowContext,
    target: Site,
    request: &Request,
) -> PyResult<PyPlan> {
    let store = RunStore::in_memory();
    let prepared = runtime::wait(py, request.prepare(ctx, target, &store, &Resume::Never))?
        .map_err(Error::from)?;
    Ok(PyPlan {
        plan: prepared.plan,
    })
}

/// How a flow runs.
pub(crate) struct Run {
    concurrency: usize,
    on_error: OnError,
    state_dir: Option<PathBuf>,
    pub(crate) resume: Resume,
    progress: Option<Py<PyAny>>,
    plan: Option<Arc<Plan>>,
    pub(crate) gate: Option<Gate>,
}

impl Run {
    /// The same choices for another run (a full drill's next leg).
    pub(crate) fn clone_ref(&self, py: Python<'_>) -> Self {
        Self {
            concurrency: self.concurrency,
            on_error: self.on_error,
            state_dir: self.state_dir.clone(),
            resume: self.resume.clone(),
            progress: self.progress.as_ref().map(|p| p.clone_ref(py)),
            plan: self.plan.clone(),
            gate: self.gate.clone(),
        }
    }
}

/// The run choices from the keyword arguments every flow function takes.
pub(crate) fn run_args(
    py: Python<'_>,
    concurrency: usize,
    on_error: &str,
    state_dir: Option<PathBuf>,
    resume: Option<&Bound<'_, PyAny>>,
    progress: Option<Py<PyAny>>,
    plan: Option<&Bound<'_, PyPlan>>,
) -> PyResult<Run> {
    if concurrency == 0 {
        return Err(Error::config("concurrency must be at least 1").into());
    }
    let on_error = match on_error {
        "continue" => OnError::Continue,
        "stop" => OnError::Stop,
        other => {
            return Err(Error::config(format!(
                "on_error must be 'continue' or 'stop', not '{other}'"
            ))
            .into());
        }
    };
    let resume = resume_choice(resume)?;
    if let Some(p) = &progress
        && !p.bind(py).is_callable()
    {
        return Err(PyTypeError::new_err(
            "progress must be a callable taking one dict",
        ));
    }
    Ok(Run {
        concurrency,
        on_error,
        state_dir,
        resume,
        progress,
        plan: plan.map(|p| p.get().plan.clone()),
        gate: None,
    })
}

/// `resume=`: `None` or `True` continue an interrupted run (rerunning the same call goes on
/// where it stopped), `False` plans afresh, a run id continues that run.
fn resume_choice(resume: Option<&Bound<'_, PyAny>>) -> PyResult<Resume> {
    let Some(resume) = resume.filter(|r| !r.is_none()) else {
        return Ok(Resume::Auto);
    };
    if let Ok(flag) = resume.extract::<bool>() {
        Ok(if flag { Resume::Auto } else { Resume::Never })
    } else if let Ok(id) = resume.extract::<String>() {
        Ok(Resume::Run(id))
    } else {
        Err(PyTypeError::new_err(
            "resume must be True (continue an interrupted run if there is one), False, or a run id",
        ))
    }
}

/// The store named by `state_dir`, locked for a run: a state directory or an etcd location
/// (`RunStore::open_named`); `None`: runs kept in memory for this call only.
pub(crate) fn open_store(state_dir: Option<&std::path::Path>) -> Result<RunStore> {
    match state_dir {
        Some(dir) => RunStore::open_named(dir, true).map_err(|e| Error::Flow(e.into())),
        None => Ok(RunStore::in_memory()),
    }
}

/// Plans (or resumes, or takes the given plan) and executes; the report whatever the verdict.
pub(crate) fn execute(
    py: Python<'_>,
    ctx: &FlowContext,
    target: Site,
    request: &Request,
    run: Run,
) -> PyResult<PyReport> {
    let store = open_store(run.state_dir.as_deref())?;
    let prepared = match &run.plan {
        Some(plan) => given_plan(ctx, target, request, plan)?,
        None => runtime::wait(py, request.prepare(ctx, target, &store, &run.resume))?
            .map_err(Error::from)?,
    };
    execute_prepared(py, ctx, &store, prepared, run)
}

/// A plan passed by `plan=`, checked against the call it is given to.
fn given_plan(
    ctx: &FlowContext,
    target: Site,
    request: &Request,
    plan: &Arc<Plan>,
) -> Result<PreparedRun> {
    let kind = request.kind();
    let what = |drill: bool| if drill { "drill " } else { "" };
    if plan.kind != kind || plan.target != target || plan.drill != request.drill() {
        return Err(Error::config(format!(
            "the plan is a {}{} to {}, not a {}{kind} to {target}",
            what(plan.drill),
            plan.kind,
            plan.target,
            what(request.drill()),
        )));
    }
    if plan.mapping_sha256 != ctx.mapping_sha256 {
        return Err(Error::config(
            "the plan was made from another mapping file (its SHA-256 differs); plan again",
        ));
    }
    Ok(PreparedRun {
        plan: plan.clone(),
        run: None,
        resumed: None,
    })
}

/// Executes a prepared run with the run choices; the report whatever the verdict.
pub(crate) fn execute_prepared(
    py: Python<'_>,
    ctx: &FlowContext,
    store: &RunStore,
    prepared: PreparedRun,
    run: Run,
) -> PyResult<PyReport> {
    let gates = prepared
        .plan
        .steps
        .iter()
        .filter(|s| matches!(s.action, Action::StorageGate { .. }))
        .count();
    let gate = match (gates, run.gate) {
        (0, _) => None,
        (_, None) => {
            return Err(Error::config(
                "the plan waits for storage (e.g. replication reversed or split, the new site writable): give storage_gate=callable, storage_ready_command= or storage_ready_file=",
            )
            .into());
        }
        (n, Some(gate)) => {
            if n > 1 && gate.is_one_file() {
                return Err(Error::config(format!(
                    "this plan has {n} storage gates: put {GATE_PLACEHOLDER} in storage_ready_file (e.g. /run/olvm-dr/{GATE_PLACEHOLDER}.ready) so that each gate waits for its own file"
                ))
                .into());
            }
            Some(gate.into_storage_gate())
        }
    };
    let options = RunOptions {
        concurrency: run.concurrency,
        scheduler: SchedulerOptions {
            on_error: run.on_error,
            ..SchedulerOptions::default()
        },
        reporter: match run.progress {
            Some(callback) => Arc::new(PyReporter::new(callback)),
            None => RunOptions::default().reporter,
        },
        gate,
        ..RunOptions::default()
    };
    let report = runtime::wait(py, prepared.execute(ctx, store, &options))?.map_err(Error::from)?;
    Ok(PyReport {
        report: Arc::new(report),
    })
}
