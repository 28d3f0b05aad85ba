//! `Report`: what a run did, per storage domain, template and VM, with timings and a verdict.

use std::collections::BTreeMap;
use std::sync::Arc;

use olvm_dr_core::report::{EntityOutcome, Report, StepResult, Verdict, VmOutcome};
use pyo3::prelude::*;
use serde::Serialize;

use crate::errors::{Error, Result};
use crate::values::{self, Repr};

/// The serde name of an enum value (`done`, `already_done`, `storage`, ...).
fn name<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn opt_name<T: Serialize>(value: Option<&T>) -> Option<String> {
    value.map(name)
}

/// One VM's outcome on one site. Outcomes are `done`, `already_done`, `skipped`, `failed`,
/// `blocked`, `not_run`, or `None` when that part was not to be done.
#[pyclass(name = "VmOutcome", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyVmOutcome {
    /// The site.
    site: String,
    /// Name.
    name: String,
    /// Id.
    id: String,
    /// Registration.
    registered: Option<String>,
    /// Start.
    started: Option<String>,
    /// Reached `up`.
    up: Option<String>,
    /// Shut down or powered off (a site being released).
    stopped: Option<String>,
    /// What failed, if anything.
    error: Option<String>,
    /// NICs whose MAC the Engine changed at registration: `(nic, from, to)`.
    macs_reassigned: Vec<(String, String, String)>,
}

impl From<&VmOutcome> for PyVmOutcome {
    fn from(v: &VmOutcome) -> Self {
        Self {
            site: v.site.as_str().to_owned(),
            name: v.name.clone(),
            id: v.id.clone(),
            registered: opt_name(v.registered.as_ref()),
            started: opt_name(v.started.as_ref()),
            up: opt_name(v.up.as_ref()),
            stopped: opt_name(v.stopped.as_ref()),
            error: v.error.clone(),
            macs_reassigned: v
                .macs_reassigned
                .iter()
                .map(|m| (m.nic.clone(), m.from.clone(), m.to.clone()))
                .collect(),
        }
    }
}

#[pymethods]
impl PyVmOutcome {
    fn __repr__(&self) -> String {
        format!(
            "<VmOutcome {} on {}: registered={} started={} up={}>",
            self.name,
            self.site,
            self.registered.repr(),
            self.started.repr(),
            self.up.repr()
        )
    }
}

/// A storage domain's or template's outcome on one site (the worst of its steps).
#[pyclass(name = "EntityOutcome", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyEntityOutcome {
    /// The site.
    site: String,
    /// Name.
    name: String,
    /// Id, when known.
    id: Option<String>,
    /// Merged outcome.
    outcome: String,
    /// What failed, if anything.
    error: Option<String>,
    /// Total time of its steps, in milliseconds.
    duration_ms: u64,
}

impl From<&EntityOutcome> for PyEntityOutcome {
    fn from(e: &EntityOutcome) -> Self {
        Self {
            site: e.site.as_str().to_owned(),
            name: e.name.clone(),
            id: e.id.clone(),
            outcome: name(&e.outcome),
            error: e.error.clone(),
            duration_ms: e.duration_ms,
        }
    }
}

#[pymethods]
impl PyEntityOutcome {
    fn __repr__(&self) -> String {
        format!(
            "<EntityOutcome {} on {}: {}>",
            self.name, self.site, self.outcome
        )
    }
}

/// One step's result.
#[pyclass(name = "StepResult", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyStepResult {
    /// The step id.
    id: String,
    /// Its phase.
    phase: String,
    /// Its site.
    site: String,
    /// What it did.
    summary: String,
    /// How it ended.
    outcome: String,
    /// Why it failed, was blocked or did not run.
    error: Option<String>,
    /// The Engine error kind when an Engine call failed (`lease_held`, ...).
    error_kind: Option<String>,
    /// Milliseconds since the run started when it started.
    started_ms: Option<u64>,
    /// How long it took, in milliseconds.
    duration_ms: u64,
    /// How many attempts it needed.
    attempts: u32,
    /// For a failed step: what it means, what to do, and the command that continues the run.
    hint: Option<String>,
}

impl From<&StepResult> for PyStepResult {
    fn from(s: &StepResult) -> Self {
        Self {
            id: s.id.0.clone(),
            phase: name(&s.phase),
            site: s.site.as_str().to_owned(),
            summary: s.summary.clone(),
            outcome: name(&s.outcome),
            error: s.error.clone(),
            error_kind: s.error_kind.clone(),
            started_ms: s.started_ms,
            duration_ms: s.duration_ms,
            attempts: s.attempts,
            hint: s.hint.clone(),
        }
    }
}

#[pymethods]
impl PyStepResult {
    fn __repr__(&self) -> String {
        format!("<StepResult {}: {}>", self.id, self.outcome)
    }
}

/// Where the recovery time went, in milliseconds.
#[pyclass(name = "Rto", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyRto {
    /// Longest wait for a storage lease held by the other site.
    lease_wait_ms: u64,
    /// iSCSI logins, imports, attaches and activations.
    storage_ms: u64,
    /// Discovery and registration of templates and VMs.
    registration_ms: u64,
    /// Start requests.
    start_ms: u64,
    /// Waiting for started VMs to be up.
    vms_up_ms: u64,
    /// The whole run.
    total_ms: u64,
}

#[pymethods]
impl PyRto {
    fn __repr__(&self) -> String {
        format!(
            "<Rto total={} ms storage={} ms registration={} ms start={} ms vms_up={} ms>",
            self.total_ms, self.storage_ms, self.registration_ms, self.start_ms, self.vms_up_ms
        )
    }
}

/// Counts of steps by outcome.
#[pyclass(name = "StepCounts", module = "olvm_dr", frozen, get_all)]
#[derive(Debug, Clone)]
pub(crate) struct PyStepCounts {
    /// Steps that did their work.
    done: usize,
    /// Steps whose effect was already in place.
    already_done: usize,
    /// Steps the plan said to skip.
    skipped: usize,
    /// Steps that failed.
    failed: usize,
    /// Steps not run because a step they depend on failed.
    blocked: usize,
    /// Steps not run because the run stopped first (on error, or interrupted).
    not_run: usize,
}

#[pymethods]
impl PyStepCounts {
    fn __repr__(&self) -> String {
        format!(
            "<StepCounts done={} already_done={} skipped={} failed={} blocked={} not_run={}>",
            self.done, self.already_done, self.skipped, self.failed, self.blocked, self.not_run
        )
    }
}

/// What a run did: the verdict (`success`, `partial`, `failed`), every storage domain, template,
/// VM and step with its outcome, where the time went, and the check of the target after the run.
#[pyclass(name = "Report", module = "olvm_dr", frozen)]
#[derive(Debug, Clone)]
pub(crate) struct PyReport {
    pub(crate) report: Arc<Report>,
}

#[pymethods]
impl PyReport {
    /// `success`, `partial` or `failed`.
    #[getter]
    fn verdict(&self) -> String {
        name(&self.report.verdict)
    }

    /// `True` when every step succeeded (`verdict == "success"`).
    #[getter]
    fn ok(&self) -> bool {
        self.report.verdict == Verdict::Success
    }

    /// The run id (`in-memory` for a run without a state directory).
    #[getter]
    fn run_id(&self) -> &str {
        &self.report.run_id
    }

    /// The flow.
    #[getter]
    fn kind(&self) -> &'static str {
        self.report.kind.as_str()
    }

    /// The target site.
    #[getter]
    fn target(&self) -> &'static str {
        self.report.target.as_str()
    }

    /// The source site.
    #[getter]
    fn source(&self) -> &'static str {
        self.report.source.as_str()
    }

    /// `True` for a drill.
    #[getter]
    fn drill(&self) -> bool {
        self.report.drill
    }

    /// When the run started (RFC 3339, UTC).
    #[getter]
    fn started_at(&self) -> &str {
        &self.report.started_at
    }

    /// When it ended.
    #[getter]
    fn finished_at(&self) -> &str {
        &self.report.finished_at
    }

    /// SHA-256 of the plan that ran.
    #[getter]
    fn plan_hash(&self) -> &str {
        &self.report.inputs.plan_hash
    }

    /// SHA-256 of the mapping file.
    #[getter]
    fn mapping_sha256(&self) -> &str {
        &self.report.inputs.mapping_sha256
    }

    /// Where the time went.
    #[getter]
    fn rto(&self) -> PyRto {
        let r = &self.report.rto;
        PyRto {
            lease_wait_ms: r.lease_wait_ms,
            storage_ms: r.storage_ms,
            registration_ms: r.registration_ms,
            start_ms: r.start_ms,
            vms_up_ms: r.vms_up_ms,
            total_ms: r.total_ms,
        }
    }

    /// Steps by outcome.
    #[getter]
    fn counts(&self) -> PyStepCounts {
        let c = &self.report.counts;
        PyStepCounts {
            done: c.done,
            already_done: c.already_done,
            skipped: c.skipped,
            failed: c.failed,
            blocked: c.blocked,
            not_run: c.not_run,
        }
    }

    /// Storage domains.
    #[getter]
    fn storage_domains(&self) -> Vec<PyEntityOutcome> {
        self.report.storage_domains.iter().map(Into::into).collect()
    }

    /// Templates.
    #[getter]
    fn templates(&self) -> Vec<PyEntityOutcome> {
        self.report.templates.iter().map(Into::into).collect()
    }

    /// VMs.
    #[getter]
    fn vms(&self) -> Vec<PyVmOutcome> {
        self.report.vms.iter().map(Into::into).collect()
    }

    /// Every step.
    #[getter]
    fn steps(&self) -> Vec<PyStepResult> {
        self.report.steps.iter().map(Into::into).collect()
    }

    /// The steps that failed.
    #[getter]
    fn failures(&self) -> Vec<PyStepResult> {
        self.report
            .steps
            .iter()
            .filter(|s| s.outcome == olvm_dr_core::report::StepOutcome::Failed)
            .map(Into::into)
            .collect()
    }

    /// Facts the flow recorded (split-brain evidence, journal problems, ...).
    #[getter]
    fn facts(&self) -> BTreeMap<String, String> {
        self.report.facts.clone()
    }

    /// What the check of the target after the run found (`None` for a cleanup), as dicts.
    #[getter]
    fn verification<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &self.report.verification)
    }

    /// The summary `olvm-dr` prints: verdict, counts, timings, every failure with its reason.
    fn render(&self) -> String {
        self.report.render_summary()
    }

    /// The report as pretty JSON (the `--output json` layout).
    fn to_json(&self) -> String {
        self.report.to_json()
    }

    /// The report as one self-contained HTML page (the `report.html` every run writes, and
    /// `olvm-dr report show --html`): timeline, VM table, failures, evidence, inputs.
    fn to_html(&self) -> String {
        self.report.render_html()
    }

    /// The report as dicts and lists.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        values::to_py(py, &*self.report)
    }

    /// A report from its JSON (e.g. a stored `report.json`).
    ///
    /// Args:
    ///     text (str): The JSON `to_json()` wrote.
    ///
    /// Returns:
    ///     Report: The report.
    ///
    /// Raises:
    ///     ConfigurationError: `text` is not a report's JSON.
    #[staticmethod]
    fn from_json(text: &str) -> Result<Self> {
        let report: Report =
            serde_json::from_str(text).map_err(|e| Error::config(format!("not a report: {e}")))?;
        Ok(Self {
            report: Arc::new(report),
        })
    }

    fn __str__(&self) -> String {
        self.render()
    }

    fn __repr__(&self) -> String {
        format!(
            "<Report {} to {}: {} (run {})>",
            self.report.kind,
            self.report.target,
            name(&self.report.verdict),
            self.report.run_id
        )
    }

    fn __reduce__<'py>(&self, py: Python<'py>) -> PyResult<(Bound<'py, PyAny>, (String,))> {
        let from_json = py.get_type::<Self>().getattr("from_json")?;
        Ok((from_json, (self.to_json(),)))
    }
}
